//! The memo keys: stable [`Fingerprint`]s of exactly what each stage reads, so that equal
//! keys mean equal results (see [`crate::fingerprint`] for why they are stable).

use crate::config::Config;
use crate::fast_map::FastMap;
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::model::rendered::Rendered;
use crate::model::{Item, Site};
use crate::stamp::FileStamp;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a file looked like when it was read: length and modification time, and where the
/// system has one its [`FileStamp`] (inode and change time): a file written again with its
/// size kept and its modification time set back is another file then. Templates are
/// trusted by this (while it holds, a rebuild does not even parse them), and so are the
/// parsed content files serve keeps.
pub(super) type Stamp = (u64, SystemTime, Option<FileStamp>);

/// The stamp of the file at `path`, when it can be read.
pub(super) fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((
        meta.len(),
        meta.modified().ok()?,
        crate::stamp::of_metadata(&meta),
    ))
}

/// Adds `path`'s length and modification time to `f`, or `absent` when it has none.
fn stamp_into(f: &mut Fingerprinter, path: &Path, absent: &str) {
    match stamp(path) {
        Some((len, time, full)) => {
            let nanos = time
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            f.u64(len).u64(nanos).value(&full);
        }
        None => {
            f.str(absent);
        }
    }
}

/// A fingerprint of the file names under `dirs` (and their stamps when `stamps`).
pub(super) fn tree_key(dirs: &[PathBuf], stamps: bool) -> Fingerprint {
    let mut f = Fingerprinter::default();
    for dir in dirs {
        f.str(&dir.to_string_lossy());
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(dir)
            .sort_by(crate::content::walk::by_name)
            .into_iter()
            .filter_map(|e| e.ok())
        {
            f.str(&entry.path().to_string_lossy());
            if stamps {
                stamp_into(&mut f, entry.path(), "unreadable");
            }
        }
    }
    f.finish()
}

/// A fingerprint of what rendering reads of the site-wide sources: their ids.
fn sources_key(site: &Site) -> Fingerprint {
    let mut ids: Vec<&str> = site.sources.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    crate::fingerprint::of(&ids)
}

/// Adds an item's text: by the fingerprint taken when its file was read, when it is that
/// file's text (stand-ins for missing translations copy it), else by the text itself.
fn add_text(item: &Item, texts: &FastMap<String, Fingerprint>, f: &mut Fingerprinter) {
    match texts.get(&item.src.rel) {
        Some(t) => f.fingerprint(*t).u64(item.text.len() as u64),
        None => f.str(&item.text),
    };
}

/// A fingerprint of what rendering any item's Markdown reads besides the item: the site-wide
/// source ids, and what in-body components read — their schemas and templates (the theme's
/// and the site's `templates/components/`, by stamp) and the people a `person` argument
/// names (their records, localized names included).
pub(super) fn shared_key(config: &Config, site: &Site) -> Fingerprint {
    let theme = config.root.join("themes").join(&config.theme);
    let components = tree_key(
        &[
            theme.join("templates/components"),
            config.root.join("templates/components"),
        ],
        true,
    );
    let mut f = Fingerprinter::default();
    f.fingerprint(sources_key(site))
        .fingerprint(components)
        .value(&(&site.authors, &site.contacts));
    f.finish()
}

/// Adds the stamp of every file an in-body component of the item may read (a download's
/// file, a figure's image): each argument value of each component header, taken as a path
/// beside the item or under `static/`. Any value is tried, whatever its type (the schemas are
/// not needed here); a value that names no file adds that it is missing, so the file
/// appearing is a change too.
fn add_component_files(item: &Item, static_dir: &Path, f: &mut Fingerprinter) {
    let body = &item.text[item.body_offset.min(item.text.len())..];
    if !holds_component(body) {
        return;
    }
    let beside = item.src.abs.parent();
    for line in body.lines() {
        let Some(rest) = line.trim_start().strip_prefix('>') else {
            continue;
        };
        let quoted = rest.trim_start_matches(['>', ' ', '\t']).trim_end();
        let Some(Ok(header)) = crate::markdown::component::parse_header(quoted) else {
            continue;
        };
        for (_, value, _) in &header.args {
            if value.contains("://") || value.split('/').any(|p| p == "..") {
                continue;
            }
            let path = match value.strip_prefix('/') {
                Some(under_static) => static_dir.join(under_static),
                None => match beside {
                    Some(dir) => dir.join(value),
                    None => continue,
                },
            };
            f.str(value);
            stamp_into(f, &path, "missing");
        }
    }
}

/// Whether `body` holds `[!`, which opens every in-body component: a SIMD search (`memchr`'s
/// `memmem`). `str::contains("[!")` and a `find('[')` loop each cost about an instruction a
/// byte over every body of the site, on every build (~80 million at 10,000 items).
fn holds_component(body: &str) -> bool {
    memchr::memmem::find(body.as_bytes(), b"[!").is_some()
}

/// A fingerprint of everything [`crate::markdown::render_item`] reads from an item (the whole
/// file text and the fields resolved from elsewhere: language, kind, dateline, date, zone,
/// boilerplate, the files its components read), plus the site-wide [`shared_key`].
pub(super) fn markdown_key(
    item: &Item,
    shared_key: Fingerprint,
    static_dir: &Path,
    texts: &FastMap<String, Fingerprint>,
) -> Fingerprint {
    let mut f = Fingerprinter::default();
    f.fingerprint(shared_key).str(&item.src.rel);
    add_text(item, texts, &mut f);
    add_component_files(item, static_dir, &mut f);
    let notes: Vec<&str> = item.notices.iter().map(|n| n.note.as_str()).collect();
    let updates: Vec<&str> = item.updates.iter().map(|u| u.body.as_str()).collect();
    let sources: Vec<&str> = item.sources.iter().map(|s| s.id.as_str()).collect();
    f.value(&(&item.path, &item.fallback, item.body_offset, &item.lang))
        .value(&(item.kind, &item.dateline, item.date, &item.tz_name))
        .value(&(&item.summary, &item.boilerplate, notes, updates))
        .value(&(item.withdrawn.as_ref().map(|w| &w.reason), &item.facts))
        .value(&sources)
        .value(&item.pictures);
    f.finish()
}

/// A fingerprint of an item's body hash's input (see [`crate::model::record::body_hash`]).
pub(super) fn body_key(item: &Item, texts: &FastMap<String, Fingerprint>) -> Fingerprint {
    let mut f = Fingerprinter::default();
    add_text(item, texts, &mut f);
    f.u64(item.body_offset as u64);
    f.finish()
}

/// An item's shape in two parts (see [`shape`]): its outline, and the whole.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// All of the shape but the title: everything that places the item in lists, orders
    /// them (a title orders a list only through the site's sections and taxonomies, in
    /// [`site_key`]) and makes its URL (a slug made from the title is its `slug` and `path`).
    pub outline: Fingerprint,
    /// The outline and the title.
    pub whole: Fingerprint,
}

/// An item's shape: everything about it that pages other than its own page, the lists that
/// show it (their `shows`), its feeds and the search index read: all of the item but its text
/// and what is rendered from its body. The destructuring names every field, so a new field
/// must be sorted here (shape or body) before the crate compiles. The title is kept apart
/// ([`Shape::outline`]): an edit of titles alone keeps every list, and reaches only the pages
/// that show or name the item ([`PageJob::names`](crate::render::pages::PageJob)).
pub(super) fn shape(item: &Item) -> Shape {
    let Item {
        src,
        text: _,
        body_offset: _,
        lang,
        kind,
        title,
        slug,
        path,
        section,
        date,
        updated_explicit,
        // Named by `tz_name`.
        tz: _,
        tz_name,
        summary,
        publication,
        preview,
        tags,
        categories,
        authors,
        contacts,
        dateline,
        boilerplate,
        image,
        image_meta,
        media,
        weight,
        sources,
        notices,
        updates,
        withdrawn,
        // Read by the calendar feed and the home page's upcoming events.
        event,
        facts: _,
        extra,
        aliases,
        translation_key,
        fallback,
        // Read by the item's own body (through `markdown_key`), and the lead photo's sizes
        // by every card of it (its thumbnail).
        pictures,
        rendered,
    } = item;
    let Rendered {
        html: _,
        summary_html: _,
        summary_text: _,
        toc: _,
        words: _,
        reading_time: _,
        sources: cited,
        facts: _,
        notices: rendered_notices,
        updates: rendered_updates,
        withdrawn: rendered_withdrawn,
        boilerplate: rendered_boilerplate,
        links: _,
        plain: _,
        anchors: _,
        lead_image: _,
    } = rendered;
    let mut f = Fingerprinter::default();
    f.value(&(src, lang, kind, slug, path, section, date))
        .value(&(updated_explicit, tz_name, summary, publication, preview))
        .value(&(tags, categories, authors, contacts, dateline, boilerplate))
        .value(&(image, image_meta, weight, sources, notices, updates))
        .value(&(
            withdrawn,
            extra,
            image.as_ref().and_then(|i| pictures.get(i)),
        ))
        .value(&(aliases, translation_key, fallback, event, media))
        .value(&(cited, rendered_notices, rendered_updates))
        .value(&(rendered_withdrawn, rendered_boilerplate));
    let outline = f.finish();
    let mut f = Fingerprinter::default();
    f.fingerprint(outline).str(title);
    Shape {
        outline,
        whole: f.finish(),
    }
}

/// What the ledger stage changed in the items: the boilerplate each release was published
/// with, pinned from `published.lock` after the Markdown stage (so in no item's Markdown
/// key). A ledger pulled alone changes it.
pub(super) fn pins_key(site: &Site) -> Fingerprint {
    let mut f = Fingerprinter::default();
    for item in &site.items {
        f.value(&item.rendered.boilerplate);
    }
    f.finish()
}

/// Everything of the site but its items: sections, taxonomies, people, sources, translations.
pub(super) fn site_key(site: &Site) -> Fingerprint {
    let Site {
        items: _,
        sections,
        taxonomies,
        authors,
        contacts,
        portraits,
        sources,
        assets,
        withheld,
        drafts,
        // Checked, never rendered: no page depends on a draft's content.
        unpublished_drafts: _,
        translations,
        tags,
        media,
    } = site;
    let mut f = Fingerprinter::default();
    f.value(&(sections, taxonomies, authors, contacts, sources, assets))
        .value(&(withheld, drafts, translations, tags, media, portraits));
    f.finish()
}

/// A fingerprint of everything an item's search document is made of: its text, title,
/// terms, summary, notices and updates (the tokens), and its URL, kind, language and date
/// (the record).
pub(super) fn search_key(item: &Item, texts: &FastMap<String, Fingerprint>) -> Fingerprint {
    let mut f = Fingerprinter::default();
    add_text(item, texts, &mut f);
    f.value(&(item.body_offset, &item.title, &item.tags, &item.categories))
        .value(&(
            &item.rendered.summary_text,
            &item.facts,
            &item.path,
            item.kind,
        ))
        .value(&(&item.lang, item.date, &item.tz_name))
        .value(&(&item.updates, &item.notices));
    f.finish()
}

/// A fingerprint of everything [`crate::render::related::related`] reads of the site, item by
/// item in order: its language, date and path (the newest-first order), where it appears
/// (related lists, its own page), and what it can share with others: its cited sources,
/// authors, tags and categories (as written: equal names give equal slugs).
pub(super) fn related_key(site: &Site) -> Fingerprint {
    use crate::model::Surface;
    use rayon::prelude::*;
    let parts: Vec<Fingerprint> = (site.items.par_iter())
        .map(|item| {
            let cited: Vec<(&str, bool, bool)> = (item.rendered.sources.iter())
                .map(|c| (c.id.as_str(), c.site_wide, c.backrefs.is_empty()))
                .collect();
            let shown = (
                item.appears_in(Surface::Related),
                item.appears_in(Surface::Page),
            );
            let mut f = Fingerprinter::default();
            f.value(&(&item.lang, item.date, &item.path, shown))
                .value(&(cited, &item.authors, &item.tags, &item.categories));
            f.finish()
        })
        .collect();
    let mut f = Fingerprinter::default();
    f.u64(parts.len() as u64);
    for part in parts {
        f.fingerprint(part);
    }
    f.finish()
}

/// What pages show of the build's clock: what the templates show of it
/// ([`Theme::now_key`](crate::render::theme::Theme::now_key)) and each language's upcoming
/// events on its home page. Builds at different times with the same key render alike.
pub(super) fn time_key(
    (site, config): (&Site, &Config),
    now: jiff::Timestamp,
    now_key: &str,
) -> Fingerprint {
    let mut f = Fingerprinter::default();
    f.str(now_key);
    for lang in &config.languages {
        let ids = crate::render::pages::upcoming_events_at(site, now, &lang.code);
        f.str(&lang.code).value(&ids);
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The search for `[!` finds it exactly where `str::contains`, which it replaced, does.
        #[test]
        fn components_are_found_as_contains_finds_them(body in "[\\[!a é\\n]{0,24}") {
            proptest::prop_assert_eq!(holds_component(&body), body.contains("[!"));
        }
    }

    #[test]
    fn components_are_found_at_either_end_and_after_other_brackets() {
        for (body, holds) in [
            ("[!note] x", true),
            ("x [a](b) [[!tip]", true),
            ("x [!", true),
            ("x [", false),
            ("[ !x] ![y]", false),
            ("é[!", true),
            ("", false),
        ] {
            assert_eq!(holds_component(body), holds, "{body:?}");
        }
    }
}
