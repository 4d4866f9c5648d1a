//! The patch path of [`Incremental`]: when the caller says exactly which files changed
//! ([`Incremental::changed`], serve's watcher) and every one of them is an item file whose
//! front matter is as before, the last build's [`Site`] is patched in place instead of walking,
//! stat'ing and reading `content/` again, assembling and rendering every item's Markdown.
//!
//! Why the patched site equals what assembly would give: [`crate::model::assemble`] reads an
//! item file's text only to copy it (and its body offset) into the item, and stand-ins for
//! missing translations copy the original's text; everything else it derives (kind, dates,
//! URL, order, sections, taxonomies, diagnostics) comes from the front matter, the other
//! files, `data/`, `site.toml` and the options, none of which changed. Rendering an item's
//! Markdown reads only the item and the site-wide source ids. So the changed items get their
//! new text and are rendered again, and the rest of the site stands.
//!
//! A front matter whose title alone changed is patched too, when the title reaches nothing
//! else assembly derives ([`new_title`], [`still_sorted`]): the slug comes from `slug` or the
//! file's name, the title is no placeholder and keeps the lines of the front matter (the
//! kept diagnostics' positions), and every section and taxonomy term listing the item keeps
//! its order (a list is sorted by title, or by date with the title breaking ties).

use super::keys::{self, markdown_key, shared_key, stamp};
use super::{Incremental, MarkdownEntry};
use crate::content::frontmatter::SortBy;
use crate::content::{self, One};
use crate::diag::Diagnostic;
use crate::fingerprint::{self, Fingerprint};
use crate::markdown;
use crate::model::ItemId;
use crate::model::Site;
use crate::model::assemble::{compare_items, slug_from_name};
use std::cmp::Ordering;

/// A changed file, read again, and the items made from it.
struct Edit {
    abs: std::path::PathBuf,
    stamp: keys::Stamp,
    one: One,
    text: Fingerprint,
    ids: Vec<usize>,
    /// The new title, when the title alone of the front matter changed.
    title: Option<String>,
}

impl Incremental {
    /// The last build's site with the files named by [`Incremental::changed`] patched in, or
    /// None when this build must load and assemble everything (nothing was named, the last
    /// build failed, a named file is not an unchanged-front-matter item file, or `site.toml`
    /// or the options changed). `diags` receives what a full load, assembly and Markdown
    /// rendering would report.
    pub(super) fn patch(
        &mut self,
        config: &crate::config::Config,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Site> {
        let told = self.told.take()?;
        if told.is_empty() || !self.dirty.iter().all(|p| told.contains(p)) {
            return None;
        }
        let mut site = self.site.take()?;
        let last_keys = self.last.as_ref()?.keys.clone();
        if last_keys.len() != site.items.len() {
            return None;
        }
        let mut edits = Vec::with_capacity(told.len());
        for abs in &told {
            edits.push(self.reread(abs, &site)?);
        }
        // An edit that adds, changes or removes an image (`![…](…)`, a figure, a video's
        // poster) needs the image stage (files, sizes, diagnostics): a full load runs it.
        let shows_images = |text: &str| {
            let lower = text.to_ascii_lowercase();
            text.contains("![") || lower.contains("[!figure") || lower.contains("[!video")
        };
        if edits.iter().any(|e| {
            matches!(&e.one, One::Item(p) if shows_images(&p.text))
                || e.ids.iter().any(|&id| shows_images(&site.items[id].text))
        }) {
            return None;
        }
        if !retitle(&mut site, &edits) {
            return None;
        }
        // Every check passed: from here on the cache is updated as a full build would.
        let shared_key = shared_key(config, &site);
        let static_dir = config.root.join("static");
        let site_sources: std::collections::HashMap<&str, &crate::content::frontmatter::SourceRaw> =
            site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut item_keys = last_keys;
        let mut fresh: Vec<(usize, String, MarkdownEntry)> = Vec::new();
        let components = (self.components.take()).unwrap_or_else(|| components(config, &site));
        let mut related_same = true;
        for edit in &edits {
            let One::Item(parsed) = &edit.one else {
                continue;
            };
            self.text_keys.insert(parsed.src.rel.clone(), edit.text);
            for &id in &edit.ids {
                let mut item = site.items[id].clone();
                item.text = parsed.text.clone();
                item.body_offset = parsed.body_offset;
                let (rendered, ds) = markdown::render_item(
                    &item,
                    &site_sources,
                    crate::content::dialect::Dialect::of(config),
                    &components,
                );
                let key = markdown_key(&item, shared_key, &static_dir, &self.text_keys);
                item.rendered = rendered.clone();
                related_same &= crate::render::related::same_keys(&site.items[id], &item);
                site.items[id] = item;
                item_keys[id] = key;
                fresh.push((id, parsed.src.rel.clone(), (key, rendered, ds)));
            }
        }
        drop(site_sources);
        self.components = Some(components);
        self.keep_patch(edits, fresh, item_keys, related_same);
        diags.extend(self.front_diags.iter().cloned());
        diags.extend(self.md_diags.iter().cloned());
        Some(site)
    }

    /// Records a patch in the tables as a full build would have: the edited files' parses,
    /// their items' rendered Markdown and its diagnostics, and the items' keys.
    fn keep_patch(
        &mut self,
        edits: Vec<Edit>,
        fresh: Vec<(usize, String, MarkdownEntry)>,
        item_keys: Vec<Fingerprint>,
        related_same: bool,
    ) {
        let rels: crate::fast_map::FastSet<&str> =
            fresh.iter().map(|(_, r, _)| r.as_str()).collect();
        // Markdown diagnostics name the item's file: those of the edited files are replaced.
        self.md_diags.retain(|d| !rels.contains(d.path.as_str()));
        for (_, _, (_, _, ds)) in &fresh {
            self.md_diags.extend(ds.iter().cloned());
        }
        self.stats.patched = true;
        self.related_same = related_same;
        self.stats.files_parsed = edits.len();
        self.stats.items_rendered = fresh.len();
        self.patched_ids = fresh.iter().map(|(id, ..)| *id).collect();
        for (_, rel, entry) in fresh {
            self.markdown.insert(rel, entry);
        }
        for edit in edits {
            self.parsed
                .insert(edit.abs, (edit.stamp, edit.one, edit.text));
        }
        self.dirty.clear();
        self.item_keys = item_keys;
    }

    /// Reads a changed file again, when it is an item file of the last build that still
    /// parses and whose front matter is as before.
    fn reread(&self, abs: &std::path::Path, site: &Site) -> Option<Edit> {
        let (_, One::Item(old), _) = self.parsed.get(abs)? else {
            return None;
        };
        let stamp = stamp(abs)?;
        let one = content::parse_file(old.src.clone()).ok()?;
        let One::Item(new) = &one else {
            return None;
        };
        let title = match new.front == old.front {
            true => None,
            false => Some(new_title(old, new)?),
        };
        let ids: Vec<usize> = (0..site.items.len())
            .filter(|&id| site.items[id].src.rel == new.src.rel)
            .collect();
        if ids.is_empty() {
            // A draft or an embargoed item: it is not in the site to be patched.
            return None;
        }
        let text = fingerprint::of_text(&new.text);
        Some(Edit {
            abs: abs.to_path_buf(),
            stamp,
            one,
            text,
            ids,
            title,
        })
    }
}

/// The new title of an item file whose front matter changed only in its title, when the
/// title reaches nothing assembly derives but the item's `title`: None when the slug is made
/// from the title (no `slug`, a file named only by its date), when the title is empty or a
/// placeholder (errors), or when it changed the number of lines of the front matter (the
/// last build's diagnostics name lines below it).
fn new_title(old: &content::ParsedItem, new: &content::ParsedItem) -> Option<String> {
    let mut same = new.front.clone();
    same.title = old.front.title.clone();
    if same != old.front || (new.front.slug.is_none() && slug_from_name(&new.src).is_none()) {
        return None;
    }
    let lines = |p: &content::ParsedItem| p.text[..p.body_offset.min(p.text.len())].lines().count();
    if lines(old) != lines(new) || !content::placeholders::check(new).is_empty() {
        return None;
    }
    let title = new.front.title.as_deref()?.trim();
    (!title.is_empty()).then(|| title.to_string())
}

/// Gives the items of edits that changed a title their new title; false when a list showing
/// one of them is then out of order (a full load sorts it again).
fn retitle(site: &mut Site, edits: &[Edit]) -> bool {
    let mut retitled = Vec::new();
    for edit in edits {
        let Some(title) = &edit.title else {
            continue;
        };
        for &id in &edit.ids {
            site.items[id].title = title.clone();
            retitled.push(id);
        }
    }
    retitled.is_empty() || still_sorted(site, &retitled)
}

/// Whether every section and taxonomy term that lists one of `retitled` (whose titles were
/// just changed) is still in its order: the lists were sorted, so only the pairs next to a
/// retitled item can be out of order.
fn still_sorted(site: &Site, retitled: &[ItemId]) -> bool {
    let in_order = |list: &[ItemId], sort_by: SortBy, lang: &str| {
        let pair_in_order = |a: ItemId, b: ItemId| {
            compare_items(&site.items[a], &site.items[b], sort_by, lang) != Ordering::Greater
        };
        list.windows(2)
            .filter(|w| retitled.contains(&w[0]) || retitled.contains(&w[1]))
            .all(|w| pair_in_order(w[0], w[1]))
    };
    let sections = site.sections.iter();
    let terms = site.taxonomies.iter().flat_map(|t| {
        let lang = t.lang.as_str();
        t.terms.iter().map(move |term| (&term.items, lang))
    });
    sections
        .map(|s| (&s.items, s.sort_by, s.lang.as_str()))
        .chain(terms.map(|(items, lang)| (items, SortBy::Date, lang)))
        .all(|(items, sort_by, lang)| in_order(items, sort_by, lang))
}

/// The site's in-body components, for re-rendering edited items (their diagnostics were
/// reported by the build this patches).
fn components(config: &crate::config::Config, site: &Site) -> markdown::component::Components {
    markdown::component::Components::load(config, &site.authors, &site.contacts, &mut Vec::new())
}
