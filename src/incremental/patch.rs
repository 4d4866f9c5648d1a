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

use super::keys::{self, markdown_key, shared_key, stamp};
use super::{Incremental, MarkdownEntry};
use crate::content::{self, One};
use crate::diag::Diagnostic;
use crate::fingerprint::{self, Fingerprint};
use crate::markdown;
use crate::model::Site;
use std::collections::HashMap;

/// A changed file, read again, and the items made from it.
struct Edit {
    abs: std::path::PathBuf,
    stamp: keys::Stamp,
    one: One,
    text: Fingerprint,
    ids: Vec<usize>,
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
        // Every check passed: from here on the cache is updated as a full build would.
        let shared_key = shared_key(config, &site);
        let static_dir = config.root.join("static");
        let site_sources: HashMap<&str, &crate::content::frontmatter::SourceRaw> =
            site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut item_keys = last_keys;
        let mut fresh: Vec<(usize, String, MarkdownEntry)> = Vec::new();
        let components = components(config, &site);
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
        let rels: std::collections::HashSet<&str> =
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
        if new.front != old.front {
            return None;
        }
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
        })
    }
}

/// The site's in-body components, for re-rendering edited items (their diagnostics were
/// reported by the build this patches).
fn components(config: &crate::config::Config, site: &Site) -> markdown::component::Components {
    markdown::component::Components::load(config, &site.authors, &site.contacts, &mut Vec::new())
}
