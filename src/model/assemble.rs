//! Assembly: parsed content + data + options → the [`Site`] graph. Resolves languages, kinds,
//! dates in their time zones, visibility (drafts, embargo, standby), slugs and URLs, sections,
//! taxonomies and translations, and reports what is inconsistent.

use super::{
    Item, ItemId, Notice, OwnFeedNames, Preview, Publication, Section, Site, Surface, Taxonomy,
    TaxonomyName, Term, Update, Withdrawal, Withheld,
};
use crate::config::Config;
use crate::content::frontmatter::{Kind, SectionFront, SortBy, Status};
use crate::content::{Content, ParsedItem, ParsedSection};
use crate::dates::{parse_in, time_zone};
use crate::diag::{Diagnostic, did_you_mean};
use crate::options::BuildOptions;
use crate::slug::{collation_key, slugify, strip_date_prefix, url_segment};
use indexmap::IndexMap;
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Builds the site graph. Items with errors are left out and the errors reported.
pub fn assemble(
    config: &Config,
    opts: &BuildOptions,
    content: Content,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let Content {
        items: parsed_items,
        sections: parsed_sections,
        assets,
        data,
        media,
    } = content;
    let section_fronts = index_section_fronts(config, &parsed_sections, diags);
    let section_feeds = index_section_feeds(config, &parsed_sections, diags);
    let mut site = Site {
        authors: data.authors,
        contacts: data.contacts,
        sources: data.sources,
        ..Site::default()
    };
    let bundle_dirs_withheld = resolve_items(
        config,
        opts,
        &section_fronts,
        &mut site,
        parsed_items,
        diags,
    );
    check_collisions(config, &site, diags);
    if config.translation_fallback {
        add_fallbacks(config, &mut site);
    }
    site.assets = publish_assets(&site, assets, &bundle_dirs_withheld);
    build_sections(
        config,
        (&section_fronts, &section_feeds),
        &mut site,
        parsed_sections,
    );
    build_taxonomies(config, &mut site);
    site.translations = index_translations(config, &site.items);
    let before = site.withheld.len();
    super::library::assemble(config, opts, media, &mut site, diags);
    let embargoed_kits: Vec<String> = site.withheld[before..]
        .iter()
        .map(|w| w.slug.clone())
        .collect();
    super::library::check_references(&site, &embargoed_kits, diags);
    site
}

/// Where each file of `content/` that is not Markdown is published (site path, source). A
/// page bundle's files go beside every page the bundle makes: its own and its translations'
/// and stand-ins', so a relative link (`facts.pdf`) works on each of them, whatever the folder
/// is called (`press/2026-11-18-launch/` makes `/press/launch/`). A bundle with a withheld
/// item publishes none (an embargoed translation's files must not go out with the original).
/// Any other file keeps its folder's path.
fn publish_assets(
    site: &Site,
    assets: Vec<(String, std::path::PathBuf)>,
    withheld: &BTreeSet<String>,
) -> Vec<(String, std::path::PathBuf)> {
    let mut bundles: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for item in site.items.iter().filter(|i| i.src.is_bundle()) {
        let pages = bundles.entry(item.src.dir.as_str()).or_default();
        pages.insert(item.path.as_str());
    }
    let mut out = Vec::with_capacity(assets.len());
    for (rel, abs) in assets {
        // The innermost folder holding the file that is a bundle or a withheld one.
        let folder = rel
            .char_indices()
            .rev()
            .filter(|&(_, c)| c == '/')
            .map(|(at, _)| &rel[..at])
            .find(|dir| withheld.contains(*dir) || bundles.contains_key(dir));
        match folder {
            Some(dir) if withheld.contains(dir) => {}
            Some(dir) => {
                let inside = &rel[dir.len() + 1..];
                for page in &bundles[dir] {
                    let base = page.trim_end_matches('/');
                    out.push((format!("{base}/{inside}"), abs.clone()));
                }
            }
            None => out.push((format!("/{rel}"), abs)),
        }
    }
    out
}

/// Resolves every parsed item into the site (or sets it aside: drafts, embargoed items),
/// reporting the errors. Returns the bundle folders whose assets must not be copied.
/// An item's resolution, or the errors that stopped it.
type ResolvedOrNot = Result<Resolved, Vec<Diagnostic>>;

fn resolve_items(
    config: &Config,
    opts: &BuildOptions,
    fronts: &SectionFronts,
    site: &mut Site,
    parsed_items: Vec<ParsedItem>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let mut bundle_dirs_withheld = BTreeSet::new();
    // An item is a large value: growing the list by doubling moved every item several
    // times (~5% of a 10k-item rebuild's CPU).
    site.items.reserve(parsed_items.len());
    // Each item is resolved on every core: an item's resolution reads its own file, the
    // config, the section fronts and the site's people (not the other items); the results
    // are then taken in file order.
    let people: &Site = site;
    let resolved: Vec<(Option<Diagnostic>, ResolvedOrNot)> = (parsed_items.into_par_iter())
        .map(|parsed| {
            let placeholders = crate::content::placeholders::check(&parsed);
            let rewritten = slug_rewritten(&parsed);
            let resolved = resolve_item(config, opts, fronts, people, (parsed, placeholders));
            (rewritten, resolved)
        })
        .collect();
    for (rewritten, resolved) in resolved {
        diags.extend(rewritten);
        match resolved {
            Ok(Resolved::Item(item)) => site.items.push(*item),
            Ok(Resolved::Withheld(w, bundle_dir)) => {
                bundle_dirs_withheld.extend(bundle_dir);
                site.withheld.push(w);
            }
            Ok(Resolved::Skipped(item, bundle_dir)) => {
                bundle_dirs_withheld.extend(bundle_dir);
                site.drafts.push(item.src.rel.clone());
                site.unpublished_drafts.push(*item);
            }
            Err(ds) => diags.extend(ds),
        }
    }
    bundle_dirs_withheld
}

/// The items that are translations of each other, by translation key, in site language
/// order: those that appear in translation switchers.
fn index_translations(config: &Config, items: &[Item]) -> IndexMap<String, Vec<ItemId>> {
    let mut translations: IndexMap<String, Vec<ItemId>> = IndexMap::new();
    for (id, item) in items.iter().enumerate() {
        if item.appears_in(Surface::Translations) {
            translations
                .entry(item.translation_key.clone())
                .or_default()
                .push(id);
        }
    }
    let order: HashMap<&str, usize> = config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| (l.code.as_str(), i))
        .collect();
    for ids in translations.values_mut() {
        ids.sort_by_key(|&id| {
            order
                .get(items[id].lang.as_str())
                .copied()
                .unwrap_or(usize::MAX)
        });
    }
    translations
}

/// Section front matter by (dir, lang).
type SectionFronts = BTreeMap<(String, String), SectionFront>;

fn index_section_fronts(
    config: &Config,
    parsed: &[ParsedSection],
    diags: &mut Vec<Diagnostic>,
) -> SectionFronts {
    let mut out = SectionFronts::new();
    for s in parsed {
        let lang = section_lang(config, s);
        if !config.has_language(&lang) {
            diags.push(s.error_at_key(
                "lang",
                format!("language `{lang}` is not declared in site.toml"),
            ));
            continue;
        }
        out.insert((s.src.dir.clone(), lang), s.front.clone());
    }
    out
}

/// Sections' own feed file names by (dir, lang).
type SectionFeeds = BTreeMap<(String, String), OwnFeedNames>;

/// Each `_index.md`'s `[feeds]`, the site's names filling in the ones it leaves out; an error
/// at its `[feeds]` line for a name that is not a plain file name or two names that are the
/// same (the two feeds would write one file).
fn index_section_feeds(
    config: &Config,
    parsed: &[ParsedSection],
    diags: &mut Vec<Diagnostic>,
) -> SectionFeeds {
    let mut out = SectionFeeds::new();
    for s in parsed {
        let Some(own) = &s.front.feeds else {
            continue;
        };
        let lang = section_lang(config, s);
        if !config.has_language(&lang) {
            continue;
        }
        let names = config.feeds.names.overridden(
            own.atom.as_deref(),
            own.rss.as_deref(),
            own.json.as_deref(),
        );
        let key_at = |key: &str| {
            let offset = s.front_offset + crate::keys::find_key_offset(s.front_text(), key);
            crate::diag::LineIndex::new(&s.text).position(offset)
        };
        match names {
            Err((key, message)) => {
                let help = if key == "feeds" {
                    "give the section's three feeds different names; a name it leaves out is the site's"
                } else {
                    "write a plain file name, such as `atom = \"feed.xml\"`"
                };
                diags.push(s.error_at_key(key, message).with_help(help));
            }
            Ok(names) => {
                if s.front.feed == Some(false) {
                    let (line, col) = key_at("feeds");
                    diags.push(
                        Diagnostic::warning(
                            &s.src.rel,
                            line,
                            col,
                            "this section has `feed = false`: its `[feeds]` names files that are not written",
                        )
                        .with_help("remove `feed = false` to write the section's feeds, or remove `[feeds]`"),
                    );
                }
                out.insert(
                    (s.src.dir.clone(), lang),
                    OwnFeedNames {
                        names,
                        src: s.src.rel.clone(),
                        at: key_at("feeds"),
                    },
                );
            }
        }
    }
    out
}

/// The setting of the nearest section (this folder, then its parents), in `lang` or else the
/// default language.
fn inherited<T>(
    config: &Config,
    fronts: &SectionFronts,
    dir: &str,
    lang: &str,
    get: impl Fn(&SectionFront) -> Option<T>,
) -> Option<T> {
    self_and_ancestors(dir).find_map(|d| {
        [lang, config.default_language.as_str()]
            .into_iter()
            .find_map(|l| fronts.get(&(d.to_string(), l.to_string())).and_then(&get))
    })
}

/// The parent folder: `press/2026` → `press`, `press` → `""` (the root).
fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

/// A folder and every folder above it, ending with the root `""`.
fn self_and_ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let d = next?;
        next = (!d.is_empty()).then(|| parent_dir(d));
        Some(d)
    })
}

/// What becomes of a parsed item, by its [`Publication`].
enum Resolved {
    /// An item of the site (written or, on standby, only checked).
    Item(Box<Item>),
    /// Embargoed: kept for the audit and the next-lift time; its bundle folder, if any.
    Withheld(Withheld, Option<String>),
    /// A draft left out of this build, and its bundle folder: its Markdown is checked, never
    /// rendered into the output.
    Skipped(Box<Item>, Option<String>),
}

/// What an item's front matter says once checked: dates in its time zone, its kind and title.
struct Checked {
    lang: String,
    tz: jiff::tz::TimeZone,
    tz_name: String,
    date: Option<Timestamp>,
    updated_explicit: Option<Timestamp>,
    embargo: Option<Timestamp>,
    notices: Vec<Notice>,
    updates: Vec<Update>,
    withdrawn: Option<Withdrawal>,
    event: Option<super::event::Event>,
    section_dir: String,
    kind: Kind,
    title: String,
}

/// Where an item goes: its slug, site path, redirects and translation key.
struct Placed {
    bundle_dir: Option<String>,
    slug: String,
    path: String,
    aliases: Vec<String>,
    translation_key: String,
}

/// Checks an item, places it, and decides its publication once.
fn resolve_item(
    config: &Config,
    opts: &BuildOptions,
    fronts: &SectionFronts,
    site: &Site,
    (p, placeholders): (ParsedItem, Vec<Diagnostic>),
) -> Result<Resolved, Vec<Diagnostic>> {
    let checked = check_front(config, fronts, site, &p)?;
    let placed = place(config, &p, &checked)?;
    check_term_counts(&p)?;
    if !placeholders.is_empty() {
        return Err(placeholders);
    }
    let embargoed_until = checked.embargo.filter(|&t| t > opts.now);
    let publication = Publication::decide(
        p.front.status.unwrap_or_default(),
        p.front.draft,
        embargoed_until.is_some(),
        checked.withdrawn.is_some(),
        opts.drafts,
    );
    let bundle_dir = placed.bundle_dir.clone();
    Ok(match (publication, embargoed_until) {
        (Publication::Embargoed, Some(until)) => {
            Resolved::Withheld(withheld(&p, checked, placed, until), bundle_dir)
        }
        // Built in full so that its Markdown is checked too, but never rendered or listed.
        (Publication::Draft, _) => {
            let item = into_item(config, opts, p, checked, placed, publication);
            Resolved::Skipped(Box::new(item), bundle_dir)
        }
        _ => Resolved::Item(Box::new(into_item(
            config,
            opts,
            p,
            checked,
            placed,
            publication,
        ))),
    })
}

/// An embargoed item as the audit and the next-lift report see it.
fn withheld(p: &ParsedItem, checked: Checked, placed: Placed, until: Timestamp) -> Withheld {
    Withheld {
        rel: p.src.rel.clone(),
        title: checked.title,
        slug: placed.slug,
        path: placed.path.into(),
        aliases: placed.aliases,
        translation_key: placed.translation_key,
        until,
    }
}

/// Checks the front matter: language, time zone, dates, title, people and sources.
fn check_front(
    config: &Config,
    fronts: &SectionFronts,
    site: &Site,
    p: &ParsedItem,
) -> Result<Checked, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let f = &p.front;
    let (lang, tz, tz_name) = lang_and_zone(config, p, &mut errors);
    let dates = check_dates(p, &tz, &mut errors);
    let event = super::event::check(p, (&tz, &tz_name), &mut errors);
    // A bundle (`x/index.md`) belongs to its parent folder's section.
    let section_dir = if p.src.is_bundle() {
        parent_dir(&p.src.dir).to_string()
    } else {
        p.src.dir.clone()
    };
    let kind = f
        .kind
        .or_else(|| inherited(config, fronts, &section_dir, &lang, |s| s.kind))
        .unwrap_or_default();
    let title = match f.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            errors.push(
                Diagnostic::error(&p.src.rel, 1, 1, "missing `title` in front matter")
                    .with_help("add `title = \"...\"`"),
            );
            String::new()
        }
    };
    if kind.needs_date() && f.date.is_none() {
        errors.push(
            Diagnostic::error(
                &p.src.rel,
                1,
                1,
                format!("a {} needs a `date`", kind.as_str()),
            )
            .with_help("add `date = 2026-11-20` (or a date-time with offset) to the front matter"),
        );
    }
    errors.extend(check_references(p, site));
    if !errors.is_empty() {
        return Err(errors);
    }
    let Dates {
        date,
        updated_explicit,
        embargo,
        notices,
        updates,
        withdrawn,
    } = dates;
    Ok(Checked {
        lang,
        tz,
        tz_name,
        date,
        updated_explicit,
        embargo,
        notices,
        updates,
        withdrawn,
        event,
        section_dir,
        kind,
        title,
    })
}

/// Every date of an item's front matter, read in its time zone (notices and updates without
/// their ids yet).
struct Dates {
    date: Option<Timestamp>,
    updated_explicit: Option<Timestamp>,
    embargo: Option<Timestamp>,
    notices: Vec<Notice>,
    updates: Vec<Update>,
    withdrawn: Option<Withdrawal>,
}

/// Reads the item's dates in `tz`; each one that does not parse is an error at its key.
fn check_dates(p: &ParsedItem, tz: &jiff::tz::TimeZone, errors: &mut Vec<Diagnostic>) -> Dates {
    let f = &p.front;
    let mut date_of = |key: &str, text: &crate::dates::DateText| match parse_in(&text.0, tz) {
        Ok(ts) => Some(ts),
        Err(m) => {
            errors.push(p.error_at_key(key, m));
            None
        }
    };
    let date = f.date.as_ref().and_then(|d| date_of("date", d));
    let updated_explicit = f.updated.as_ref().and_then(|d| date_of("updated", d));
    let embargo = f.embargo.as_ref().and_then(|d| date_of("embargo", d));
    let notices: Vec<Notice> = f
        .corrections
        .iter()
        .filter_map(|c| {
            Some(Notice {
                id: String::new(),
                date: date_of("corrections", &c.date)?,
                kind: c.kind,
                note: c.note.clone(),
            })
        })
        .collect();
    let updates: Vec<Update> = f
        .updates
        .iter()
        .filter_map(|u| {
            Some(Update {
                id: String::new(),
                date: date_of("updates", &u.date)?,
                body: u.body.clone(),
            })
        })
        .collect();
    let withdrawn = f.withdrawn.as_ref().and_then(|w| {
        Some(Withdrawal {
            date: date_of("withdrawn", &w.date)?,
            reason: w.reason.clone(),
        })
    });
    Dates {
        date,
        updated_explicit,
        embargo,
        notices,
        updates,
        withdrawn,
    }
}

/// The item's language (declared in site.toml) and time zone (its own, or the site's).
fn lang_and_zone(
    config: &Config,
    p: &ParsedItem,
    errors: &mut Vec<Diagnostic>,
) -> (String, jiff::tz::TimeZone, String) {
    let f = &p.front;
    let lang = p
        .src
        .lang
        .clone()
        .or_else(|| f.lang.clone())
        .unwrap_or_else(|| config.default_language.clone());
    if !config.has_language(&lang) {
        errors.push(
            p.error_at_key(
                "lang",
                format!("language `{lang}` is not declared in site.toml"),
            )
            .with_help(format!("add `[languages.{lang}]` to site.toml")),
        );
    }
    let (tz, tz_name) = match &f.timezone {
        Some(name) => match time_zone(name) {
            Ok(tz) => (tz, name.clone()),
            Err(m) => {
                errors.push(p.error_at_key("timezone", m));
                (config.timezone.clone(), config.timezone_name.clone())
            }
        },
        None => (config.timezone.clone(), config.timezone_name.clone()),
    };
    (lang, tz, tz_name)
}

/// The item's authors and contacts (known in `data/`), its source ids and its slug.
fn check_references(p: &ParsedItem, site: &Site) -> Vec<Diagnostic> {
    let f = &p.front;
    let mut errors = Vec::new();
    for (key, ids, known) in [
        ("authors", &f.authors, &site.authors),
        ("contacts", &f.contacts, &site.contacts),
    ] {
        for id in ids {
            if !known.contains_key(id) {
                let names: Vec<&str> = known.keys().map(String::as_str).collect();
                let mut d = p.error_at_key(
                    key,
                    format!(
                        "unknown {} id `{id}`: it is not in data/{key}.toml",
                        &key[..key.len() - 1]
                    ),
                );
                if let Some(s) = did_you_mean(id, &names) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
            }
        }
    }
    let mut seen_sources = BTreeSet::new();
    for s in &f.sources {
        if !seen_sources.insert(&s.id) {
            errors.push(p.error_at_key(
                "sources",
                format!("source id `{}` is declared twice on this page", s.id),
            ));
        }
        if s.id.is_empty() || s.id.contains(char::is_whitespace) {
            errors.push(p.error_at_key(
                "sources",
                format!(
                    "source id `{}` must be a non-empty word without spaces",
                    s.id
                ),
            ));
        }
    }
    if let Some(slug) = &f.slug {
        if url_segment(slug).is_empty() {
            errors.push(p.error_at_key("slug", "`slug` has no letters or digits"));
        }
    }
    errors
}

/// A warning at the `slug` line when the explicit slug holds characters a URL path segment
/// cannot, naming the segment it became (see [`url_segment`]); the slug is otherwise the URL
/// as written.
fn slug_rewritten(p: &ParsedItem) -> Option<Diagnostic> {
    let written = crate::slug::nfc(p.front.slug.as_deref()?);
    let segment = url_segment(&written);
    if segment == written || segment.is_empty() {
        return None;
    }
    let mut d = p
        .error_at_key(
            "slug",
            format!("`slug = {written:?}` is not a URL segment as written: the URL uses `{segment}`"),
        )
        .with_help(format!(
            "write `slug = \"{segment}\"` (a URL segment holds letters, digits, `-`, `_`, `.` and `~`)"
        ));
    d.severity = crate::diag::Severity::Warning;
    Some(d)
}

/// The slug an item's file name (a bundle's folder name) gives, its date prefix dropped, when
/// it gives one; an item with neither this nor `slug` takes its slug from its title.
pub(crate) fn slug_from_name(src: &crate::content::walk::SourceFile) -> Option<String> {
    let from_file = if src.is_bundle() {
        src.dir.rsplit('/').next().unwrap_or("")
    } else {
        src.stem.as_str()
    };
    Some(slugify(strip_date_prefix(from_file))).filter(|s| !s.is_empty())
}

/// The item's slug, path and aliases.
fn place(config: &Config, p: &ParsedItem, c: &Checked) -> Result<Placed, Vec<Diagnostic>> {
    let f = &p.front;
    let (lang, section_dir, title) = (&c.lang, &c.section_dir, &c.title);
    let bundle_dir = p.src.is_bundle().then(|| p.src.dir.clone());
    // An explicit slug is the URL as written; one made from a name is normalized (lowercase).
    let slug = f
        .slug
        .as_deref()
        .map(url_segment)
        .or_else(|| slug_from_name(&p.src))
        .or_else(|| Some(slugify(title)).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "item".into());
    let dir_part = if section_dir.is_empty() {
        String::new()
    } else {
        format!("/{section_dir}")
    };
    let path = format!("{}{dir_part}/{slug}/", config.lang_prefix(lang));

    let mut aliases = Vec::new();
    for a in &f.aliases {
        match normalize_alias(a) {
            Some(path) => aliases.push(path),
            None => {
                return Err(vec![
                    p.error_at_key(
                        "aliases",
                        format!("alias `{a}` is not a path inside the site"),
                    )
                    .with_help(
                        "write aliases as site paths such as `/news/old-title/`, without `..`",
                    ),
                ]);
            }
        }
    }
    let translation_key = format!("{}/{}", p.src.dir, p.src.stem);
    Ok(Placed {
        bundle_dir,
        slug,
        path,
        aliases,
        translation_key,
    })
}

/// The [`Item`], in its decided publication state.
fn into_item(
    config: &Config,
    opts: &BuildOptions,
    p: ParsedItem,
    c: Checked,
    placed: Placed,
    publication: Publication,
) -> Item {
    let f = &p.front;
    let Checked {
        lang,
        tz,
        tz_name,
        date,
        updated_explicit,
        embargo,
        notices,
        updates,
        withdrawn,
        event,
        kind,
        title,
        ..
    } = c;
    let Placed {
        slug,
        path,
        aliases,
        translation_key,
        ..
    } = placed;
    let (notices, updates) = with_ids(notices, updates);
    let boilerplate = boilerplate_of(config, f, kind, &lang);
    Item {
        lang,
        kind,
        title,
        slug,
        path: path.into(),
        section: 0,
        date,
        updated_explicit,
        tz,
        tz_name,
        // An empty summary means none: the text before `<!-- more -->` (or a cut) stands in.
        summary: f.summary.clone().filter(|s| !s.trim().is_empty()),
        publication,
        preview: Preview {
            draft: f.draft,
            embargo: embargo.filter(|&t| t > opts.now),
            standby: f.status == Some(Status::Standby),
        },
        tags: dedup(&f.tags),
        categories: dedup(&f.categories),
        authors: f.authors.clone(),
        contacts: f.contacts.clone(),
        dateline: f.dateline.clone(),
        boilerplate,
        image: f.image.clone(),
        image_meta: image_meta_of(f),
        media: f.media.clone(),
        weight: f.weight.unwrap_or(0),
        sources: f.sources.clone(),
        notices,
        updates,
        withdrawn,
        event,
        facts: f
            .facts
            .clone()
            .map(|m| m.into_iter().collect())
            .unwrap_or_default(),
        extra: serde_json::Value::Object(f.extra.clone().unwrap_or_default()),
        aliases,
        translation_key,
        fallback: None,
        pictures: Default::default(),
        rendered: Default::default(),
        body_offset: p.body_offset,
        text: p.text,
        src: p.src,
    }
}

/// The lead photo's credits as the front matter gives them (`image_caption`, …); they win
/// over the photo's own metadata field by field.
fn image_meta_of(f: &crate::content::frontmatter::FrontMatter) -> crate::model::picture::ImageMeta {
    crate::model::picture::ImageMeta {
        caption: f.image_caption.clone(),
        credit: f.image_credit.clone(),
        copyright: f.image_copyright.clone(),
        licence: f.image_licence.clone(),
    }
}

/// An item's boilerplate: its own, else for a release the one of its language
/// (`[languages.CODE] boilerplate`) or the site's.
fn boilerplate_of(
    config: &Config,
    f: &crate::content::frontmatter::FrontMatter,
    kind: Kind,
    lang: &str,
) -> Option<String> {
    match kind {
        Kind::Release => f
            .boilerplate
            .clone()
            .or_else(|| config.language(lang).boilerplate.clone()),
        _ => f.boilerplate.clone(),
    }
}

/// Notices and updates with their stable ids, each newest first.
fn with_ids(mut notices: Vec<Notice>, mut updates: Vec<Update>) -> (Vec<Notice>, Vec<Update>) {
    assign_ids(
        &mut notices,
        |n| (n.kind.as_str_for_id(), n.date),
        |n, id| n.id = id,
    );
    notices.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    assign_ids(&mut updates, |u| ("update", u.date), |u, id| u.id = id);
    updates.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    (notices, updates)
}

impl crate::content::frontmatter::NoticeKind {
    fn as_str_for_id(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Clarification => "clarification",
            Self::Editorial => "editorial",
        }
    }
}

/// Gives each entry a stable id from its kind and minute (`correction-2026-11-19t10-00`), with a
/// counter only when two share a minute: inserting an older entry never renames a newer one.
fn assign_ids<T>(
    entries: &mut [T],
    key: impl Fn(&T) -> (&'static str, Timestamp),
    set: impl Fn(&mut T, String),
) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for e in entries.iter_mut() {
        let (kind, ts) = key(e);
        let base = format!("{kind}-{}", ts.strftime("%Y-%m-%dt%H-%M"));
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 { base } else { format!("{base}-{n}") };
        set(e, id);
    }
}

/// `news/old` → `/news/old/`; None for the site root and paths that leave the site.
fn normalize_alias(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_matches('/');
    let bad_segment = trimmed
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..");
    if trimmed.is_empty() || bad_segment || trimmed.contains(['\\', '?', '#']) {
        return None;
    }
    Some(if trimmed.ends_with(".html") {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    })
}

/// The most tags (and the most categories) one item may have. Every term page's feeds carry
/// each entry's terms, so an item's feeds grow with the square of its term count (4,000 tags
/// wrote 1.3 GB of feeds in 28 s); a newsroom item needs a handful.
pub const MAX_TERMS_PER_ITEM: usize = 100;

fn check_term_counts(p: &ParsedItem) -> Result<(), Vec<Diagnostic>> {
    let f = &p.front;
    let errors: Vec<Diagnostic> = [("tags", &f.tags), ("categories", &f.categories)]
        .into_iter()
        .filter(|(_, list)| list.len() > MAX_TERMS_PER_ITEM)
        .map(|(key, list)| {
            p.error_at_key(
                key,
                format!(
                    "{} {key} on one item; at most {MAX_TERMS_PER_ITEM} are allowed",
                    list.len()
                ),
            )
            .with_help(format!(
                "keep the {key} that readers browse by; put other keywords under `[extra]`"
            ))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn dedup(list: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    list.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && seen.insert(slugify(s)))
        .collect()
}

/// Whether a path is a page pressroom generates: every language's home and section lists
/// (and their pages), and the reserved lists. Neither an item nor an alias may take its place.
fn generated_pages(config: &Config, site: &Site) -> impl Fn(&str) -> bool {
    let reserved = [
        "/tags/",
        "/categories/",
        "/authors/",
        "/sources/",
        "/corrections/",
        "/search/",
        "/404.html",
    ];
    let mut section_paths = BTreeSet::new();
    for item in &site.items {
        for dir in self_and_ancestors(&section_dir_of(item)) {
            for l in &config.languages {
                let prefix = config.lang_prefix(&l.code);
                section_paths.insert(if dir.is_empty() {
                    format!("{prefix}/")
                } else {
                    format!("{prefix}/{dir}/")
                });
            }
        }
    }
    let lang_prefixes: Vec<String> = config
        .languages
        .iter()
        .map(|l| format!("/{}/", l.code))
        .collect();
    move |path: &str| {
        let without_lang = lang_prefixes
            .iter()
            .find_map(|p| path.strip_prefix(p.as_str()).map(|r| format!("/{r}")))
            .unwrap_or_else(|| path.to_string());
        section_paths.contains(path)
            || section_paths
                .iter()
                .any(|s| path.starts_with(&format!("{s}page/")))
            || reserved.iter().any(|r| without_lang.starts_with(r))
    }
}

/// Two items (or an item and an alias) that would write the same URL are an error naming both.
fn check_collisions(config: &Config, site: &Site, diags: &mut Vec<Diagnostic>) {
    // Each URL's claim, and whether the claim has it as an alias.
    let mut owners: BTreeMap<String, Claimed<'_>> = BTreeMap::new();
    let generated = generated_pages(config, site);
    // Embargoed items claim their URLs too: a clash is found while they are withheld, not
    // at the build that should publish them (the message goes to the writer, not the output).
    let claims = site
        .items
        .iter()
        .map(Claim::of_item)
        .chain(site.withheld.iter().map(|w| Claim {
            rel: &w.rel,
            path: &w.path,
            aliases: &w.aliases,
            item: None,
        }));
    for claim in claims {
        for path in std::iter::once(claim.path).chain(claim.aliases.iter().map(String::as_str)) {
            if generated(path) {
                let (what, (line, col)) = if path == claim.path {
                    ("its URL", (1, 1))
                } else {
                    ("the alias", claim.alias_position(path))
                };
                diags.push(
                    Diagnostic::error(
                        claim.rel,
                        line,
                        col,
                        format!("{what} `{path}` is taken by a page pressroom generates"),
                    )
                    .with_help("choose another `slug` or alias"),
                );
            }
        }
        for (i, path) in std::iter::once(claim.path)
            .chain(claim.aliases.iter().map(String::as_str))
            .enumerate()
        {
            let this = Claimed {
                claim,
                path,
                alias: i > 0,
            };
            // Compared case-folded: `/blog/Rust-1.0/` and `/blog/rust-1.0/` are one folder on
            // macOS and Windows, and one would overwrite the other.
            if let Some(other) = owners.insert(path.to_lowercase(), this) {
                diags.push(url_collision(this, other));
            }
        }
    }
}

/// One URL an item (or a withheld item) produces: its page or one of its aliases.
#[derive(Clone, Copy)]
struct Claimed<'a> {
    claim: Claim<'a>,
    path: &'a str,
    alias: bool,
}

/// Two URLs that are one output folder (the same, or the same but for case), each its item's
/// page or alias: an error at the alias's line when one of them is an alias, naming both.
fn url_collision(this: Claimed<'_>, other: Claimed<'_>) -> Diagnostic {
    let help = "give one of them a different `slug` or file name, or remove the alias";
    let case_only = if this.path == other.path {
        ""
    } else {
        " (URLs that differ only in case are one folder on macOS and Windows)"
    };
    let whose = |c: Claimed<'_>| {
        if c.alias {
            format!("the alias `{}` of `{}`", c.path, c.claim.rel)
        } else {
            format!("`{}`, the page of `{}`", c.path, c.claim.rel)
        }
    };
    let (at, by) = match (this.alias, other.alias) {
        (true, _) => (this, other),
        (false, true) => (other, this),
        (false, false) => {
            return Diagnostic::error(
                this.claim.rel,
                1,
                1,
                format!(
                    "URL `{}` is also produced by `{}`{case_only}",
                    this.path, other.claim.rel
                ),
            )
            .with_help(help);
        }
    };
    let (line, col) = at.claim.alias_position(at.path);
    if at.claim.rel == by.claim.rel && !by.alias {
        // An old URL kept as an alias of a page whose explicit slug now differs only in case.
        return Diagnostic::error(
            at.claim.rel,
            line,
            col,
            format!(
                "alias `{}` is this page's own URL `{}` but for case{case_only}",
                at.path, by.path
            ),
        )
        .with_help(format!(
            "keep one URL: `slug = \"{}\"` keeps the old one; removing the alias keeps the new",
            at.path
                .trim_end_matches("index.html")
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
        ));
    }
    Diagnostic::error(
        at.claim.rel,
        line,
        col,
        format!("alias `{}` collides with {}{case_only}", at.path, whose(by)),
    )
    .with_help(help)
}

/// The URLs an item (or a withheld item, which has no text to point into) will produce.
#[derive(Clone, Copy)]
struct Claim<'a> {
    rel: &'a str,
    path: &'a str,
    aliases: &'a [String],
    item: Option<&'a Item>,
}

impl<'a> Claim<'a> {
    fn of_item(item: &'a Item) -> Self {
        Claim {
            rel: &item.src.rel,
            path: &item.path,
            aliases: &item.aliases,
            item: Some(item),
        }
    }

    /// Where `alias` is written in the file (line 1 for a withheld item).
    fn alias_position(&self, alias: &str) -> (usize, usize) {
        self.item.map_or((1, 1), |i| i.alias_position(alias))
    }
}

/// Every section of the site, each item's section, and each section's list and children.
fn build_sections(
    config: &Config,
    (fronts, feeds): (&SectionFronts, &SectionFeeds),
    site: &mut Site,
    parsed: Vec<ParsedSection>,
) {
    let mut bodies = section_bodies(config, parsed);
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (dir, lang) in section_keys(config, fronts, &site.items) {
        index.insert((dir.clone(), lang.clone()), site.sections.len());
        let body = bodies.remove(&(dir.clone(), lang.clone()));
        site.sections
            .push(new_section(config, (fronts, feeds), dir, lang, body));
    }
    for item in site.items.iter_mut() {
        item.section = index[&(section_dir_of(item), item.lang.clone())];
    }
    list_items(site, &index);
    for s in 0..site.sections.len() {
        let (dir, lang) = (site.sections[s].dir.clone(), site.sections[s].lang.clone());
        if !dir.is_empty() {
            if let Some(&p) = index.get(&(parent_dir(&dir).to_string(), lang.clone())) {
                site.sections[p].children.push(s);
            }
        }
        let sort_by = site.sections[s].sort_by;
        let items = &site.items;
        site.sections[s]
            .items
            .sort_by(|&a, &b| compare_items(&items[a], &items[b], sort_by, &lang));
    }
}

/// Which (dir, lang) pairs need a section: every language's home, every folder with items or
/// an `_index.md` in every language, and their ancestors. Default language first, then the
/// others in site order; within a language, by folder.
fn section_keys(config: &Config, fronts: &SectionFronts, items: &[Item]) -> Vec<(String, String)> {
    let mut keys: BTreeSet<(String, String)> = config
        .languages
        .iter()
        .map(|l| (String::new(), l.code.clone()))
        .collect();
    // Every folder exists in every language, so navigation and language switchers never
    // point at a missing list (an empty list says so).
    let all_dirs: BTreeSet<String> = items
        .iter()
        .map(section_dir_of)
        .chain(fronts.keys().map(|(d, _)| d.clone()))
        .collect();
    let every_lang = all_dirs.iter().flat_map(|d| {
        config
            .languages
            .iter()
            .map(move |l| (d.clone(), l.code.clone()))
    });
    for (dir, lang) in every_lang {
        for d in self_and_ancestors(&dir) {
            keys.insert((d.to_string(), lang.clone()));
        }
    }
    // Default language first, then the others in site order; within a language, by folder.
    let lang_order: HashMap<&str, usize> = config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| (l.code.as_str(), i))
        .collect();
    let mut keys: Vec<(String, String)> = keys.into_iter().collect();
    keys.sort_by_key(|(dir, lang)| {
        (
            lang_order.get(lang.as_str()).copied().unwrap_or(usize::MAX),
            dir.clone(),
        )
    });
    keys
}

/// Each `_index.md`'s file and body, by (dir, lang).
/// A section index's language: from its file name, its front matter, or the site's default.
fn section_lang(config: &Config, s: &ParsedSection) -> String {
    s.src
        .lang
        .clone()
        .or_else(|| s.front.lang.clone())
        .unwrap_or_else(|| config.default_language.clone())
}

fn section_bodies(
    config: &Config,
    parsed: Vec<ParsedSection>,
) -> HashMap<(String, String), super::SectionBody> {
    let mut bodies = HashMap::new();
    for s in parsed {
        let lang = section_lang(config, &s);
        let body = super::SectionBody {
            body_offset: s.body_offset,
            text: s.text,
            src: s.src,
        };
        bodies.insert((body.src.dir.clone(), lang), body);
    }
    bodies
}

/// A section, with its settings from its own `_index.md`, the default language's, or the
/// nearest section above; its list still empty.
fn new_section(
    config: &Config,
    (fronts, feeds): (&SectionFronts, &SectionFeeds),
    dir: String,
    lang: String,
    body: Option<super::SectionBody>,
) -> Section {
    let own = fronts.get(&(dir.clone(), lang.clone()));
    let fallback = fronts.get(&(dir.clone(), config.default_language.clone()));
    let pick = |get: &dyn Fn(&SectionFront) -> Option<String>| {
        own.and_then(get).or_else(|| fallback.and_then(get))
    };
    let title = pick(&|f| f.title.clone()).unwrap_or_else(|| {
        if dir.is_empty() {
            config.language(&lang).title.clone()
        } else {
            title_case(dir.rsplit('/').next().unwrap_or(&dir))
        }
    });
    let path = if dir.is_empty() {
        format!("{}/", config.lang_prefix(&lang))
    } else {
        format!("{}/{dir}/", config.lang_prefix(&lang))
    };
    Section {
        description: pick(&|f| f.description.clone()),
        body,
        content_html: String::new(),
        sort_by: inherited(config, fronts, &dir, &lang, |f| f.sort_by).unwrap_or_default(),
        paginate_by: inherited(config, fronts, &dir, &lang, |f| f.paginate_by)
            .filter(|&n| n > 0)
            .unwrap_or(config.paginate_by),
        feed: inherited(config, fronts, &dir, &lang, |f| f.feed).unwrap_or(true),
        // A section's own, or its default language's (`/fr/blog/` follows `/blog/`); never a
        // parent's: an old site's section feed is that one folder's.
        own_feeds: feeds
            .get(&(dir.clone(), lang.clone()))
            .or_else(|| feeds.get(&(dir.clone(), config.default_language.clone())))
            .cloned(),
        items: Vec::new(),
        children: Vec::new(),
        extra: serde_json::Value::Object(own.and_then(|f| f.extra.clone()).unwrap_or_default()),
        dir,
        lang,
        title,
        path: path.into(),
    }
}

/// A section lists the items of its folder and of every folder below it that appear in
/// section lists; the home page (the root section) those that appear in the home list.
fn list_items(site: &mut Site, index: &HashMap<(String, String), usize>) {
    for (id, item) in site.items.iter().enumerate() {
        for dir in self_and_ancestors(&section_dir_of(item)) {
            let surface = if dir.is_empty() {
                Surface::HomeList
            } else {
                Surface::SectionLists
            };
            if !item.appears_in(surface) {
                continue;
            }
            if let Some(&s) = index.get(&(dir.to_string(), item.lang.clone())) {
                site.sections[s].items.push(id);
            }
        }
    }
}

/// The section folder an item is listed in (a bundle's parent folder).
fn section_dir_of(item: &Item) -> String {
    if item.src.is_bundle() {
        parent_dir(&item.src.dir).to_string()
    } else {
        item.src.dir.clone()
    }
}

/// Newest first by default; ties broken by title then path so order never depends on the walk.
pub fn compare_items(a: &Item, b: &Item, sort_by: SortBy, lang: &str) -> std::cmp::Ordering {
    let by_title = || collation_key(&a.title, lang).cmp(&collation_key(&b.title, lang));
    let by_date = || b.date.cmp(&a.date);
    match sort_by {
        SortBy::Date => by_date().then_with(by_title),
        SortBy::Title => by_title().then_with(by_date),
        SortBy::Weight => a.weight.cmp(&b.weight).then_with(by_date),
    }
    .then_with(|| a.path.cmp(&b.path))
}

fn title_case(dir: &str) -> String {
    let mut c = dir.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn build_taxonomies(config: &Config, site: &mut Site) {
    for lang in config.languages.iter().map(|l| &l.code) {
        for name in TaxonomyName::ALL {
            let mut terms: IndexMap<String, Term> = IndexMap::new();
            for (id, item) in site.items.iter().enumerate() {
                if &item.lang != lang || !item.appears_in(Surface::TaxonomyTerms) {
                    continue;
                }
                let values = item.terms(name);
                for v in values {
                    let slug = slugify(v);
                    if slug.is_empty() {
                        continue;
                    }
                    terms
                        .entry(slug.clone())
                        .or_insert_with(|| Term {
                            name: v.clone(),
                            slug,
                            items: vec![],
                        })
                        .items
                        .push(id);
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                t.items.sort_by(|&a, &b| {
                    compare_items(&site.items[a], &site.items[b], SortBy::Date, lang)
                });
            }
            terms.sort_by(|a, b| {
                collation_key(&a.name, lang)
                    .cmp(&collation_key(&b.name, lang))
                    .then(a.slug.cmp(&b.slug))
            });
            site.taxonomies.push(Taxonomy {
                name,
                lang: lang.clone(),
                terms,
            });
        }
    }
}

/// With `translation_fallback`: for every public default-language item that has no version in
/// another language, a stand-in page at that language's URL showing the original, marked as
/// such (and kept out of lists, feeds, search and the ledger: it is not a translation).
fn add_fallbacks(config: &Config, site: &mut Site) {
    let default = config.default_language.clone();
    let mut have: BTreeSet<(String, String)> = site
        .items
        .iter()
        .map(|i| (i.translation_key.clone(), i.lang.clone()))
        .collect();
    let mut taken: BTreeSet<String> = site
        .items
        .iter()
        .flat_map(|i| std::iter::once(i.path.to_string()).chain(i.aliases.iter().cloned()))
        .collect();
    let originals: Vec<usize> = (0..site.items.len())
        .filter(|&id| {
            let i = &site.items[id];
            i.lang == default && i.appears_in(Surface::StandIns)
        })
        .collect();
    for id in originals {
        for lang in config.languages.iter().filter(|l| l.code != default) {
            let original = &site.items[id];
            let rest = original
                .path
                .strip_prefix(&config.lang_prefix(&default))
                .unwrap_or(&original.path);
            let path = format!("{}{rest}", config.lang_prefix(&lang.code));
            if have.contains(&(original.translation_key.clone(), lang.code.clone()))
                || taken.contains(&path)
            {
                continue;
            }
            let mut stand_in = original.clone();
            stand_in.lang = lang.code.clone();
            stand_in.path = path.clone().into();
            stand_in.fallback = Some(default.clone());
            stand_in.publication = Publication::StandIn;
            stand_in.aliases = Vec::new();
            have.insert((stand_in.translation_key.clone(), lang.code.clone()));
            taken.insert(path);
            site.items.push(stand_in);
        }
    }
}

#[cfg(test)]
mod folder_tests {
    use super::*;

    #[test]
    fn a_folder_and_its_ancestors_end_at_the_root() {
        assert_eq!(
            self_and_ancestors("press/2026/q1").collect::<Vec<_>>(),
            ["press/2026/q1", "press/2026", "press", ""]
        );
        assert_eq!(self_and_ancestors("").collect::<Vec<_>>(), [""]);
        assert_eq!(parent_dir("press"), "");
    }
}
