//! The pipeline's stages through their memo tables: each calls the stage function a plain
//! build calls, for the parts whose inputs changed, and reuses the rest.

use super::keys::{self, body_key, markdown_key, shared_key, stamp, tree_key};
use super::{Incremental, MarkdownEntry};
use crate::config::Config;
use crate::content::frontmatter::SourceRaw;
use crate::content::{self, One, SourceFile};
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::fast_map::{FastMap, FastSet};
use crate::fingerprint::{self, Fingerprint};
use crate::markdown;
use crate::model::ledger::{self, Ledger};
use crate::model::record::{self, Claims, Hashed};
use crate::model::rendered::Rendered;
use crate::model::{Item, ItemId, Site};
use crate::publish::{PENDING, Pending};
use crate::render::theme::Theme;
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// A content file parsed in this build: (absolute path, and when the table keeps it its
/// stamp and parse, text fingerprint).
type Parsed = (PathBuf, Option<(keys::Stamp, One)>, Fingerprint);

/// What of an item's ledger record is new in this build: its body hash (with the key of the
/// body) and its record (with the key of its claims), when they are not the tables' already.
type NewRecord = (
    Option<(Fingerprint, String)>,
    Option<(Fingerprint, Arc<Hashed>)>,
);

/// An item's record as [`record_of`] gives it.
type MadeRecord = Option<(Arc<Hashed>, NewRecord)>;

/// The tables a record is looked up in: body hashes, records, text fingerprints.
type RecordTables<'t> = (
    &'t FastMap<String, (Fingerprint, String)>,
    &'t FastMap<String, (Fingerprint, Arc<Hashed>)>,
    &'t FastMap<String, Fingerprint>,
);

/// A content file read in this build: (absolute path, `content/...` path, text fingerprint,
/// whether it is a section index).
type Seen = (PathBuf, String, Fingerprint, bool);

impl Incremental {
    /// [`content::load`], reusing the parse of every file whose length and modification time
    /// are those of the kept read.
    pub(super) fn load_content(
        &mut self,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
    ) -> content::Content {
        // A one-shot build never reads a parse again: none is copied into the table.
        let one_shot = self.one_shot;
        let fresh: Mutex<Vec<Parsed>> = Mutex::default();
        let seen: Mutex<Vec<Seen>> = Mutex::default();
        let (parsed, dirty) = (&self.parsed, &self.dirty);
        let loaded = content::load_with(config, diags, |src: SourceFile| {
            let abs = src.abs.clone();
            let rel = src.rel.clone();
            // A one-shot build has no parse to reuse and keeps none: no stamp to take (a
            // `stat` of every content file).
            let stamp = if one_shot { None } else { stamp(&abs) };
            if let (Some(stamp), Some((old, one, text))) = (stamp, parsed.get(&abs)) {
                if *old == stamp && !dirty.contains(&abs) {
                    if let Ok(mut s) = seen.lock() {
                        s.push((abs, rel, *text, matches!(one, One::Section(_))));
                    }
                    return Ok(one.clone());
                }
            }
            let one = content::parse_file(src)?;
            let text = fingerprint::of_text(match &one {
                One::Item(p) => &p.text,
                One::Section(p) => &p.text,
            });
            if let Ok(mut s) = seen.lock() {
                s.push((abs.clone(), rel, text, matches!(one, One::Section(_))));
            }
            if let Ok(mut f) = fresh.lock() {
                f.push((abs, stamp.map(|stamp| (stamp, one.clone())), text));
            }
            Ok(one)
        });
        let seen = seen.into_inner().unwrap_or_default();
        let live: FastSet<&PathBuf> = seen.iter().map(|(abs, ..)| abs).collect();
        self.parsed.retain(|p, _| live.contains(p));
        let fresh = fresh.into_inner().unwrap_or_default();
        self.stats.files_parsed = fresh.len();
        for (abs, kept, text) in fresh {
            if let Some((stamp, one)) = kept {
                self.parsed.insert(abs, (stamp, one, text));
            }
        }
        let sections: std::collections::BTreeMap<String, Fingerprint> = seen
            .iter()
            .filter(|(.., section)| *section)
            .map(|(_, rel, h, _)| (rel.clone(), *h))
            .collect();
        self.sections_changed = sections != self.section_keys;
        self.section_keys = sections;
        self.text_keys = seen.into_iter().map(|(_, rel, h, _)| (rel, h)).collect();
        self.dirty.clear();
        loaded
    }

    /// [`markdown::render_all`], reusing each item's output when its inputs are unchanged.
    pub(super) fn render_markdown(
        &mut self,
        site: &mut Site,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
    ) {
        let before = diags.len();
        let shared_key = shared_key(config, site);
        let static_dir = config.root.join("static");
        let static_dir = static_dir.as_path();
        // One cell per kept entry, so that a one-shot build can move its output into the
        // item instead of copying it (the table then holds an empty placeholder: see
        // `Incremental::one_shot`).
        let one_shot = self.one_shot;
        let kept: FastMap<String, Mutex<MarkdownEntry>> = std::mem::take(&mut self.markdown)
            .into_iter()
            .map(|(rel, entry)| (rel, Mutex::new(entry)))
            .collect();
        // Taken once, before rendering: the keys read nothing the Markdown stage changes.
        let texts = &self.text_keys;
        let keys: Vec<Fingerprint> = (site.items.par_iter())
            .map(|item| markdown_key(item, shared_key, static_dir, texts))
            .collect();
        let fresh: Mutex<Vec<(String, MarkdownEntry)>> = Mutex::default();
        // Which items took their output from the table (see `Incremental::deferred`).
        let taken: Vec<AtomicBool> = (site.items.iter()).map(|_| AtomicBool::default()).collect();
        markdown::render_all_with(
            site,
            config,
            diags,
            |id,
             item: &Item,
             sources: &std::collections::HashMap<&str, &SourceRaw>,
             dialect,
             components: &_| {
                let key = keys[id];
                if let Some(cell) = kept.get(&item.src.rel) {
                    let mut entry = cell.lock().unwrap_or_else(PoisonError::into_inner);
                    let (k, rendered, ds) = &mut *entry;
                    if *k == key {
                        taken[id].store(true, Ordering::Relaxed);
                        let rendered = match one_shot {
                            true => std::mem::take(rendered),
                            false => rendered.clone(),
                        };
                        return (rendered, ds.clone());
                    }
                }
                let (rendered, ds) = markdown::render_item(item, sources, dialect, components);
                let copy = match one_shot {
                    true => Rendered::default(),
                    false => rendered.clone(),
                };
                if let Ok(mut f) = fresh.lock() {
                    f.push((item.src.rel.clone(), (key, copy, ds.clone())));
                }
                (rendered, ds)
            },
        );
        let fresh = fresh.into_inner().unwrap_or_default();
        self.keep_markdown(site, kept, fresh, taken);
        self.item_keys = keys;
        self.front_diags = diags[..before].to_vec();
        self.md_diags = diags[before..].to_vec();
    }

    /// Brings the Markdown table up to date after the Markdown stage: the kept entries back
    /// (`kept`), those of items gone dropped, the `fresh` ones in; notes the items whose
    /// Markdown changed, and those that took their output from the table (`taken`) while
    /// their bodies wait in the build state.
    fn keep_markdown(
        &mut self,
        site: &Site,
        kept: FastMap<String, Mutex<MarkdownEntry>>,
        fresh: Vec<(String, MarkdownEntry)>,
        taken: Vec<AtomicBool>,
    ) {
        self.markdown = kept
            .into_iter()
            .map(|(rel, cell)| {
                (
                    rel,
                    cell.into_inner().unwrap_or_else(PoisonError::into_inner),
                )
            })
            .collect();
        // A body the build state keeps apart is not in its entry: the item waits for it.
        self.deferred = match self.bodies {
            Some(_) => (taken.into_iter().enumerate())
                .filter_map(|(id, t)| t.into_inner().then_some(id))
                .collect(),
            None => Vec::new(),
        };
        self.stats.items_rendered = fresh.len();
        let live: FastSet<&str> = site.items.iter().map(|i| i.src.rel.as_str()).collect();
        let changed = &mut self.markdown_changed;
        self.markdown.retain(|rel, _| {
            let keep = live.contains(rel.as_str());
            if !keep {
                changed.insert(rel.clone());
            }
            keep
        });
        changed.extend(fresh.iter().map(|(rel, _)| rel.clone()));
        self.markdown.extend(fresh);
    }

    /// Each checked item's ledger record and its hash (what [`ledger::records`] gives): its
    /// [`body_hash`](record::body_hash) computed again only when the body's text changed, its
    /// record only when what the record is made of ([`Claims`]) changed. The body hashes are
    /// saved with `build`'s state ([`super::persist`]); the records are not: saved, they made
    /// `state.bin` 45% larger (5 MB at 10,000 items), which took longer to write and read
    /// again than making every record anew on every core.
    pub(super) fn records(&mut self, site: &Site) -> Vec<Option<Arc<Hashed>>> {
        let mut clock = std::time::Instant::now();
        if let Some(records) = self.patched_records(site) {
            self.lap("  records", &mut clock);
            return records;
        }
        let (bodies, records, texts) = (&self.body_hashes, &self.records, &self.text_keys);
        let one_shot = self.one_shot;
        // Per checked item: its record, and what of it is new (not in the tables yet).
        let made: Vec<Option<(Arc<Hashed>, NewRecord)>> = (site.items.par_iter())
            .map(|item| record_of(site, item, (bodies, records, texts), one_shot))
            .collect();
        self.keep_records(site, &made);
        let made: Vec<Option<Arc<Hashed>>> = made.into_iter().map(|m| Some(m?.0)).collect();
        self.last_records = if one_shot { Vec::new() } else { made.clone() };
        self.lap("  records", &mut clock);
        made
    }

    /// The records of a patched build: the last build's, but for the patched items and those
    /// whose boilerplate the last ledger stage pinned (the two kinds of item changed since
    /// their records were taken; a patch changes nothing else of the site, and a record
    /// reads only its item and the site-wide sources). None when the build was not patched.
    fn patched_records(&mut self, site: &Site) -> Option<Vec<Option<Arc<Hashed>>>> {
        if !self.stats.patched || self.last_records.len() != site.items.len() {
            return None;
        }
        let mut ids: Vec<ItemId> = self.patched_ids.clone();
        ids.extend(self.last_pinned.iter().copied());
        ids.sort_unstable();
        ids.dedup();
        let (bodies, records, texts) = (&self.body_hashes, &self.records, &self.text_keys);
        let made: Vec<(ItemId, MadeRecord)> = (ids.iter())
            .map(|&id| {
                let item = &site.items[id];
                (id, record_of(site, item, (bodies, records, texts), false))
            })
            .collect();
        let mut all = std::mem::take(&mut self.last_records);
        for (id, made) in made {
            let file = &site.items[id].src.rel;
            let Some((hashed, (body, record))) = made else {
                self.body_hashes.remove(file);
                self.records.remove(file);
                all[id] = None;
                continue;
            };
            if let Some(body) = body {
                self.body_hashes.insert(file.clone(), body);
            }
            if let Some(record) = record {
                self.records.insert(file.clone(), record);
            }
            all[id] = Some(hashed);
        }
        self.last_records = all.clone();
        Some(all)
    }

    /// Puts this build's new body hashes and records in the tables, and drops those of items
    /// gone or no longer checked (the others stand as they are, not copied).
    fn keep_records(&mut self, site: &Site, made: &[Option<(Arc<Hashed>, NewRecord)>]) {
        let checked: FastSet<&str> = (site.items.iter().zip(made))
            .filter(|(_, m)| m.is_some())
            .map(|(item, _)| item.src.rel.as_str())
            .collect();
        self.body_hashes
            .retain(|file, _| checked.contains(file.as_str()));
        self.records
            .retain(|file, _| checked.contains(file.as_str()));
        for (item, made) in site.items.iter().zip(made) {
            let Some((_, (body, record))) = made else {
                continue;
            };
            if let Some(body) = body {
                self.body_hashes.insert(item.src.rel.clone(), body.clone());
            }
            if let Some(record) = record {
                self.records.insert(item.src.rel.clone(), record.clone());
            }
        }
    }
}

impl crate::publish::LedgerMemo for Incremental {
    /// `published.lock` parsed, or the last parse again when its text is the same (a large
    /// site's ledger takes longer to parse than the rest of a one-file rebuild).
    fn parse(&mut self, text: &str) -> std::result::Result<Arc<Ledger>, Diagnostic> {
        let key = fingerprint::of_text(text);
        if self.ledger_file.is_none() {
            let saved = self.ledger_saved.take().and_then(|s| s.bytes(key));
            let saved = saved.and_then(|bytes| serde_json::from_slice(&bytes).ok());
            self.ledger_file = saved.map(|ledger| (key, Arc::new(ledger)));
        }
        if let Some((k, ledger)) = &self.ledger_file {
            if *k == key {
                return Ok(ledger.clone());
            }
        }
        let ledger = Arc::new(Ledger::parse(text)?);
        self.ledger_file = Some((key, ledger.clone()));
        Ok(ledger)
    }

    /// The next ledger's text, or the last one again when the ledger is the same: a site with
    /// items not yet recorded makes it on every build, and at 10k items it is 10 MB of TOML.
    fn text(&mut self, next: &Ledger) -> crate::error::Result<String> {
        let key = next.fingerprint();
        self.next_key = Some(key);
        if self.ledger_text.is_none() {
            let saved = self.ledger_text_saved.take().and_then(|s| s.bytes(key));
            let saved = saved.and_then(|bytes| String::from_utf8(bytes).ok());
            // A one-shot build hands over the text it read back instead of copying its 10 MB
            // (at 10k items): it is the saved one, so the state does not write it again.
            match (saved, self.one_shot) {
                (Some(text), true) => {
                    self.ledger_text = Some((key, String::new()));
                    return Ok(text);
                }
                (saved, _) => self.ledger_text = saved.map(|text| (key, text)),
            }
        }
        if let Some((k, text)) = &self.ledger_text {
            if *k == key {
                return Ok(text.clone());
            }
        }
        let text = next.to_text()?;
        self.ledger_text = Some((key, text.clone()));
        Ok(text)
    }

    fn check(
        &mut self,
        site: &Site,
        recorded: &Arc<Ledger>,
        inputs: &ledger::Inputs<'_>,
    ) -> ledger::Outcome {
        self.check_ledger(site, recorded, inputs)
    }

    fn share(&mut self, next: Ledger) -> Arc<Ledger> {
        self.share_next(next)
    }
}

impl Incremental {
    /// The bytes of the pending ledger's file ([`crate::publish::pending_file`]), or the last
    /// build's again when the pending ledger is the same: at 10k items, escaping its 10 MB
    /// ledger text as JSON took ~0.1 s of a rebuild on one core. None if it cannot be made
    /// (the build then reports why).
    ///
    /// Through `staging` (a one-shot build), the output's file is kept as it is while its
    /// pending ledger is this build's and its stamp the one the state recorded: neither read
    /// (12.7 MB at 10k items, read to check its fingerprint and again to compare) nor written,
    /// and then None.
    pub(super) fn pending_file(
        &mut self,
        pending: &Pending,
        staging: Option<&crate::output::Staging>,
    ) -> Option<Arc<Vec<u8>>> {
        let mut key = fingerprint::Fingerprinter::default();
        key.str(&pending.ledger)
            .value(&pending.root)
            .str(&pending.base)
            .value(&pending.changes);
        let key = key.finish();
        if let (Some(staging), Some((keys, stamp))) = (staging, self.pending_file_kept.take()) {
            let path = self.pending_file_saved.as_ref().map(|s| s.path());
            let holds = path.is_some_and(|p| crate::stamp::stamp(p) == Some(stamp));
            if self.one_shot && keys.0 == key && holds && staging.keep_beside(PENDING) {
                self.pending_file = Some((keys, Arc::default()));
                return None;
            }
        }
        if self.pending_file.is_none() {
            self.pending_file = self.pending_file_saved.take().and_then(|saved| {
                let bytes_key = saved.bytes_key();
                saved.bytes(key).map(|b| ((key, bytes_key), Arc::new(b)))
            });
        }
        if let Some(((k, _), bytes)) = &self.pending_file {
            if *k == key {
                return Some(bytes.clone());
            }
        }
        let bytes = Arc::new(crate::publish::pending_file(pending).ok()?);
        self.pending_file = Some(((key, fingerprint::of_bytes(&bytes)), bytes.clone()));
        Some(bytes)
    }

    /// The theme, loaded again only when one of its templates, strings or static files (or
    /// the site's own `templates/` and `static/`) was added, removed or changed.
    pub(super) fn theme_wanted(&mut self, config: &Config) -> ThemeWanted {
        let theme_dir = config.root.join("themes").join(&config.theme);
        let templates_key = tree_key(
            &[
                theme_dir.join("templates"),
                theme_dir.join("i18n"),
                config.root.join("templates"),
            ],
            true,
        );
        // Static files are served from disk: only the list of names matters.
        let statics_key = tree_key(
            &[theme_dir.join("static"), config.root.join("static")],
            false,
        );
        // Pages are kept by their context's key, which does not cover the templates: when
        // they changed since the last build (in this process or the one that left `persist`'s
        // state), no page is kept.
        let last_templates = match (&self.theme, &self.last) {
            (Some((t, _, _)), _) => Some(*t),
            (None, Some(last)) => Some(last.templates),
            (None, None) => None,
        };
        if last_templates.is_some_and(|t| t != templates_key) {
            self.pages.clear();
            self.last = None;
        }
        if let Some((t, s, theme)) = &self.theme {
            if *t == templates_key && *s == statics_key {
                return ThemeWanted::Kept(theme.clone());
            }
        }
        self.theme = None;
        // These very templates parsed in the last good build: their parse can wait for the
        // first page rendered, and a rebuild that renders none skips it.
        let parsed_before = last_templates == Some(templates_key);
        ThemeWanted::Load(templates_key, statics_key, parsed_before)
    }

    /// The theme [`ThemeWanted::theme`] gave, kept for the next build when it was loaded.
    pub(super) fn theme_kept(&mut self, wanted: &ThemeWanted, theme: Arc<Theme>) -> Arc<Theme> {
        if let ThemeWanted::Load(templates_key, statics_key, _) = wanted {
            self.stats.theme_loaded = true;
            self.theme = Some((*templates_key, *statics_key, theme.clone()));
        }
        theme
    }
}

/// The theme stage's decision ([`Incremental::theme_wanted`]): the last build's theme, or
/// the keys of the template and static files a theme is loaded for, and whether the last
/// good build parsed these templates. Its loading runs beside the ledger stage
/// ([`crate::ledger_and_theme`]), away from the tables.
pub(super) enum ThemeWanted {
    Kept(Arc<Theme>),
    Load(Fingerprint, Fingerprint, bool),
}

impl ThemeWanted {
    /// The theme: the kept one, or loaded now.
    pub(super) fn theme(&self, config: &Config, diags: &mut Vec<Diagnostic>) -> Result<Arc<Theme>> {
        match self {
            ThemeWanted::Kept(theme) => Ok(theme.clone()),
            ThemeWanted::Load(_, _, true) => Theme::load_deferred(config, diags).map(Arc::new),
            ThemeWanted::Load(_, _, false) => Theme::load(config, diags).map(Arc::new),
        }
    }
}

/// An item's record through the tables (see [`Incremental::records`]): None when the ledger
/// does not check it; else the record, and what of it is new.
fn record_of(
    site: &Site,
    item: &Item,
    (bodies, records, texts): RecordTables<'_>,
    one_shot: bool,
) -> MadeRecord {
    if !ledger::checks(item) {
        return None;
    }
    let body_key = body_key(item, texts);
    let kept_body = bodies.get(&item.src.rel);
    let (body, new_body) = match kept_body {
        Some((old, hash)) if *old == body_key => (hash.as_str().into(), None),
        _ => {
            let hash = record::body_hash(&item.text[item.body_offset..]);
            (Cow::Owned(hash.clone()), Some((body_key, hash)))
        }
    };
    let claims = Claims::of(site, item, &body);
    // A one-shot build has no record to reuse and keeps none: no key to take.
    if one_shot {
        return Some((Arc::new(Hashed::from(claims.record())), (new_body, None)));
    }
    let key = claims.key();
    match records.get(&item.src.rel) {
        Some((old, hashed)) if *old == key => Some((hashed.clone(), (new_body, None))),
        _ => {
            let hashed = Arc::new(Hashed::from(claims.record()));
            Some((hashed.clone(), (new_body, Some((key, hashed)))))
        }
    }
}
