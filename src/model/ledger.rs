//! The publication ledger, `published.lock`: what has been published, when, and in what form.
//!
//! Published text is corrected in the open, never silently. For each published item the ledger
//! keeps its URL, its first publication, and its published record ([`super::record`]): the
//! claims a reader saw and every dated notice. A build compares the site with the ledger:
//! - a changed claim needs a new correction, update or editorial entry;
//! - notices are append-only (no edit, no removal, no change of kind);
//! - a new notice is dated after the item's last recorded change and not after the build clock;
//! - a published item cannot disappear, move without an alias, or become a draft, embargoed,
//!   on standby or unlisted again (withdraw it instead).
//!
//! The ledger also keeps the publication log ([`Event`]), which the output carries as the public,
//! hash-chained record ([`public_record`]). This module is the pure core: parse, check against a
//! [`Site`], serialize. Which run records what is decided in `lib.rs` and `deploy`.

mod diff;
mod pieces;

pub use pieces::Pieces;

use super::record::{self, Fields, Hashed, Notice, Record};
use super::{Item, ItemId, Publication, Site, Surface};
use crate::diag::{Diagnostic, LineIndex};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The ledger file's name, at the site root.
pub const FILE: &str = "published.lock";

/// The format this version writes (version 1 ledgers are read and upgraded).
pub const VERSION: u32 = 2;

/// One published item as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The URL it was published at (site path, without base path).
    pub url: String,
    /// When it was first published (the clock of the build that went out).
    pub first_published: String,
    /// The latest recorded change: first publication or the newest recorded notice.
    pub last_change: String,
    /// The stable id its feed entries went out with ([`Item::tag`] at first publication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed_id: Option<String>,
    /// Whether it was published as `status = "unlisted"` (it may stay so).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlisted: bool,
    /// The hash of its whole published record ([`Record::hash`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// Its claims as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Fields>,
    /// Its notices as published, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// Version 1: `sha256:` of the title and whitespace-folded body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Version 1: corrections and clarifications recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrections: Option<usize>,
    /// Version 1: updates recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<usize>,
    /// Version 1: editorial notes recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editorial: Option<usize>,
    /// Version 1: whether a withdrawal was recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
}

/// One line of the publication log: an item published, or a notice recorded on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The item's source file.
    pub source: String,
    /// Its URL at that time.
    pub url: String,
    /// `published`, or the notice's kind (`correction`, `update`, `withdrawal`, ...).
    pub event: String,
    /// When: the first publication, or the notice's date (RFC 3339, UTC).
    pub date: String,
    /// The hash of the item's published record after this event.
    pub record: String,
}

/// The whole ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// Format version.
    #[serde(default = "one")]
    pub version: u32,
    /// Entries by source file (`content/press/x.md`), sorted (a diff-friendly file).
    #[serde(default)]
    pub items: BTreeMap<String, Entry>,
    /// The "About" paragraphs releases were published with, by hash: a release keeps the
    /// boilerplate it went out with when the site's changes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub boilerplates: BTreeMap<String, String>,
    /// The publication log, in the order it was recorded; only ever appended to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

fn one() -> u32 {
    1
}

impl Ledger {
    /// Parses the ledger text; an error points into the file and the file is left alone.
    pub fn parse(text: &str) -> Result<Ledger, Diagnostic> {
        let ledger: Ledger = toml::from_str(text).map_err(|e| {
            let (line, col) = LineIndex::new(text).position(e.span().map(|s| s.start).unwrap_or(0));
            Diagnostic::error(FILE, line, col, format!("the publication ledger does not parse: {}", e.message().trim()))
                .with_help("restore published.lock from version control; pressroom never rewrites a ledger it cannot read")
        })?;
        if ledger.version > VERSION {
            return Err(Diagnostic::error(
                FILE,
                1,
                1,
                format!(
                    "published.lock is version {} and this pressroom reads up to version {VERSION}",
                    ledger.version
                ),
            )
            .with_help("upgrade pressroom: an older one must not rewrite a newer ledger"));
        }
        Ok(ledger)
    }

    /// The file text: a header, then one table per item, sorted, then the log.
    pub fn to_text(&self) -> Result<String, crate::Error> {
        let body = self.toml_in_pieces().map_err(|e| {
            crate::Error::Usage(format!(
                "cannot write the publication ledger: {e}; published.lock was left as it was"
            ))
        })?;
        Ok(format!(
            "# The publication ledger of this site: what was published, when, and in what form.\n# `pressroom deploy` records here what it put online; commit it with the site.\n\n{body}"
        ))
    }

    /// `toml::to_string(self)`, made on every core: each item's tables and each run of the
    /// log serialized apart and joined as the whole would be (a blank line between tables).
    /// A deployed 10k-item ledger is 10 MB of TOML, ~0.25 s on one core, made again by every
    /// build with something new to record. A ledger without items has an empty `[items]`
    /// table of its own, written whole.
    fn toml_in_pieces(&self) -> Result<String, toml::ser::Error> {
        use rayon::prelude::*;
        if self.items.is_empty() {
            return toml::to_string(self);
        }
        #[derive(Serialize)]
        struct Head {
            version: u32,
        }
        #[derive(Serialize)]
        struct Items<'a> {
            items: BTreeMap<&'a str, &'a Entry>,
        }
        #[derive(Serialize)]
        struct Tail<'a> {
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            boilerplates: &'a BTreeMap<String, String>,
            #[serde(skip_serializing_if = "<[Event]>::is_empty")]
            events: &'a [Event],
        }
        let no_boilerplates = BTreeMap::new();
        let runs = self.events.chunks(256).enumerate().map(|(n, run)| Tail {
            boilerplates: if n == 0 {
                &self.boilerplates
            } else {
                &no_boilerplates
            },
            events: run,
        });
        let tails: Vec<Tail<'_>> = match self.events.is_empty() {
            true => vec![Tail {
                boilerplates: &self.boilerplates,
                events: &[],
            }],
            false => runs.collect(),
        };
        let head = toml::to_string(&Head {
            version: self.version,
        })?;
        let items: Vec<String> = (self.items.par_iter())
            .map(|(k, e)| {
                let items = BTreeMap::from([(k.as_str(), e)]);
                toml::to_string(&Items { items })
            })
            .collect::<Result<_, _>>()?;
        let tails: Vec<String> = (tails.par_iter())
            .map(toml::to_string)
            .collect::<Result<_, _>>()?;
        let pieces = std::iter::once(head).chain(items).chain(tails);
        Ok(pieces
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

impl Ledger {
    /// A fingerprint of the whole ledger, made on every core as [`Ledger::to_text`] is: each
    /// item's entry and each run of the log fingerprinted apart, then joined in order. It keys
    /// the next ledger's text, which a site with items not yet recorded needs on every build
    /// (one stream over a 10k-item ledger's JSON took ~25 ms on one core).
    pub fn fingerprint(&self) -> crate::fingerprint::Fingerprint {
        use crate::fingerprint;
        use rayon::prelude::*;
        let items: Vec<fingerprint::Fingerprint> = (self.items.par_iter())
            .map(|item| fingerprint::of(&item))
            .collect();
        let runs: Vec<fingerprint::Fingerprint> =
            (self.events.par_chunks(256)).map(fingerprint::of).collect();
        let mut key = fingerprint::Fingerprinter::default();
        key.u64(self.version.into())
            .u64(items.len() as u64)
            .value(&self.boilerplates)
            .u64(self.events.len() as u64);
        for part in items.into_iter().chain(runs) {
            key.fingerprint(part);
        }
        key.finish()
    }
}

/// Version 1's hash: the title and the body with whitespace folded.
fn legacy_hash(title: &str, body: &str) -> String {
    let mut folded = String::with_capacity(title.len() + 1 + body.len());
    fold_words(title, &mut folded);
    folded.push('\n');
    fold_words(body, &mut folded);
    record::hex_hash(folded.as_bytes())
}

fn fold_words(text: &str, out: &mut String) {
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// What checking the site against the ledger found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Rule violations (errors).
    pub diagnostics: Vec<Diagnostic>,
    /// The ledger as it is once this build's output is published.
    pub next: Ledger,
    /// Human descriptions of what publishing this build records (empty: nothing).
    pub changes: Vec<String>,
    /// Releases that keep the boilerplate they were published with: (item, its Markdown).
    pub pinned_boilerplates: Vec<(ItemId, String)>,
    /// The stable ids recorded for published items (their feed entries keep them).
    pub tags: BTreeMap<ItemId, String>,
    /// Where each item's part of this outcome lies, for [`recheck`].
    pub parts: Parts,
}

/// Where each item's part of an [`Outcome`] lies, and what else [`recheck`] needs to bring the
/// outcome up to date after some items changed. The check pushes an item's events, changes,
/// pinned boilerplate and diagnostics together, item after item.
#[derive(Debug, Default, Clone)]
pub struct Parts {
    /// Per item, and once more after the last: where its events (in `next.events`), changes,
    /// pinned boilerplates and diagnostics begin. Empty when the check stopped before the
    /// items (a tampered ledger).
    starts: Vec<[usize; 4]>,
    /// The items of renamed files, with their entries' sources ([`renamed_files`]).
    renamed: BTreeMap<ItemId, String>,
    /// Whether a site-wide source's change was reported (one diagnostic for all the items
    /// that show it, after theirs).
    site_sources: bool,
}

impl Outcome {
    /// Adds an item's part (its events, changes, pinned boilerplate, diagnostics and entry),
    /// checked on its own, after the parts before it.
    fn append(&mut self, mut part: Outcome, entries: Vec<(String, Entry)>) {
        self.next.events.append(&mut part.next.events);
        self.changes.append(&mut part.changes);
        self.pinned_boilerplates
            .append(&mut part.pinned_boilerplates);
        self.diagnostics.append(&mut part.diagnostics);
        self.next.items.extend(entries);
    }

    /// Where the next item's part begins (see [`Parts::starts`]).
    fn starts(&self) -> [usize; 4] {
        [
            self.next.events.len(),
            self.changes.len(),
            self.pinned_boilerplates.len(),
            self.diagnostics.len(),
        ]
    }
}

/// What the check needs besides the site and the ledger.
pub struct Inputs<'a> {
    /// The ledger's text (to point diagnostics at its lines).
    pub ledger_text: &'a str,
    /// The build clock.
    pub now: Timestamp,
    /// The site root (to tell a missing file from one that failed to load).
    pub root: &'a std::path::Path,
    /// The site's host, for new items' stable ids ([`Item::tag`]).
    pub host: &'a str,
    /// Each item's record and its hash, by item ([`records`]; the incremental layer keeps
    /// them between builds): the record as the site gives it, before a boilerplate is pinned.
    pub records: &'a [Option<std::sync::Arc<Hashed>>],
}

/// Whether the ledger checks `item` (the others need no record).
pub fn checks(item: &Item) -> bool {
    item.appears_in(Surface::Ledger) && item.publication != Publication::StandIn
}

/// Every checked item's record and its hash, computed on every core (hashing each published
/// body is most of the check's cost); None for the others.
pub fn records(site: &Site) -> Vec<Option<std::sync::Arc<Hashed>>> {
    use rayon::prelude::*;
    site.items
        .par_iter()
        .map(|item| {
            checks(item).then(|| {
                let body = record::body_hash(&item.text[item.body_offset..]);
                std::sync::Arc::new(Hashed::of(site, item, body))
            })
        })
        .collect()
}

/// Checks the site against the ledger and computes the ledger as it is once this build is
/// published.
pub fn check(site: &Site, ledger: &Ledger, inputs: &Inputs<'_>) -> Outcome {
    let mut out = Outcome {
        next: Ledger {
            version: VERSION,
            events: ledger.events.clone(),
            ..Ledger::default()
        },
        ..Outcome::default()
    };
    out.diagnostics = tampered(ledger, inputs.ledger_text);
    if !out.diagnostics.is_empty() {
        return out;
    }
    let mut seen = BTreeSet::new();
    let mut site_sources = diff::SiteSourceChanges::default();
    let renamed = renamed_files(site, ledger);
    let parts = check_items(site, ledger, inputs, &renamed);
    let mut starts = Vec::with_capacity(site.items.len() + 1);
    for ((id, item), (part, sources, entries)) in site.items.iter().enumerate().zip(parts) {
        starts.push(out.starts());
        // A stand-in shares its original's file: it is no item of its own.
        if item.publication == Publication::StandIn {
            continue;
        }
        seen.insert(item.src.rel.clone());
        if let Some(old) = renamed.get(&id) {
            seen.insert(old.clone());
        }
        out.append(part, entries);
        site_sources.merge(sources);
    }
    starts.push(out.starts());
    out.parts = Parts {
        starts,
        renamed,
        site_sources: !site_sources.is_empty(),
    };
    out.diagnostics
        .extend(site_sources.diagnostics(inputs.root));
    out.tags = site
        .items
        .iter()
        .enumerate()
        .filter_map(|(id, item)| {
            let entry = out.next.items.get(&item.src.rel)?;
            Some((id, entry.feed_id.clone()?))
        })
        .collect();
    check_gone(site, ledger, inputs, &seen, &mut out);
    keep_referenced_boilerplates(ledger, site, &mut out.next);
    out
}

/// An item's part of the outcome, the site-wide source changes it showed, and its entries.
type CheckedItem = (Outcome, diff::SiteSourceChanges, Vec<(String, Entry)>);

/// Each item's part of the outcome (empty for a stand-in), checked on every core: an item's
/// part reads only the item, its record, its entry (or the renamed file's) and the inputs
/// (see [`recheck`]), so the parts put together in item order are what one pass makes.
fn check_items(
    site: &Site,
    ledger: &Ledger,
    inputs: &Inputs<'_>,
    renamed: &BTreeMap<ItemId, String>,
) -> Vec<CheckedItem> {
    use rayon::prelude::*;
    // The clock as the ledger writes it, formatted once (not twice per item).
    let now = crate::dates::rfc3339_utc(inputs.now);
    (0..site.items.len())
        .into_par_iter()
        .map(|id| {
            let item = &site.items[id];
            let mut part = Outcome::default();
            let mut site_sources = diff::SiteSourceChanges::default();
            let mut entries = Vec::with_capacity(1);
            if item.publication != Publication::StandIn {
                ItemCheck {
                    site,
                    item,
                    id,
                    inputs,
                    ledger,
                    out: &mut part,
                    site_sources: &mut site_sources,
                    entries: &mut entries,
                    renamed_from: renamed.get(&id).cloned(),
                    now: &now,
                }
                .run();
            }
            (part, site_sources, entries)
        })
        .collect()
}

/// [`check`] again after only the items `ids` changed, from the outcome `last` of the check
/// before: the outcome [`check`] gives, with only those items checked again.
///
/// The caller vouches that nothing else the check reads changed: the ledger, the inputs (but
/// `records` for those items), and the site but those items' texts, titles and records (not
/// their boilerplates). That is what a patched serve build changes (see
/// [`crate::incremental`]). Then every other item's part of the outcome stands: an item's
/// part reads only the item, its record, its entry (or the renamed file's) and the inputs;
/// the ledger's own check and the check of files gone read none of the items. The tags stand
/// too (an item's reads its date, file and the host), and so do the boilerplates kept (each
/// entry's is the item's own or the ledger's). None when the last check did not reach the
/// items (a tampered ledger), or when a site-wide source's change is reported, one
/// diagnostic grouped over the items: check everything.
pub fn recheck(
    site: &Site,
    ledger: &Ledger,
    inputs: &Inputs<'_>,
    mut last: Outcome,
    ids: &[ItemId],
) -> Option<Outcome> {
    if last.parts.starts.len() != site.items.len() + 1 || last.parts.site_sources {
        return None;
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let now = crate::dates::rfc3339_utc(inputs.now);
    let mut fresh: Vec<(ItemId, Outcome)> = Vec::with_capacity(ids.len());
    let mut entries = Vec::new();
    for &id in &ids {
        let item = site.items.get(id)?;
        let mut part = Outcome::default();
        if item.publication != Publication::StandIn {
            // A file's items are all in `ids`: their entries go, and come back as checked.
            last.next.items.remove(&item.src.rel);
            let mut site_sources = diff::SiteSourceChanges::default();
            ItemCheck {
                site,
                item,
                id,
                inputs,
                ledger,
                out: &mut part,
                site_sources: &mut site_sources,
                entries: &mut entries,
                renamed_from: last.parts.renamed.get(&id).cloned(),
                now: &now,
            }
            .run();
            if !site_sources.is_empty() {
                return None;
            }
        }
        fresh.push((id, part));
    }
    // Not `append`, which builds the whole map again.
    last.next.items.extend(entries);
    splice_parts(&mut last, fresh);
    Some(last)
}

/// Puts the events, changes, pinned boilerplates and diagnostics of items checked again
/// (`fresh`, in item order) in place of their last ones, and moves the later items' starts.
fn splice_parts(last: &mut Outcome, fresh: Vec<(ItemId, Outcome)>) {
    let starts = &mut last.parts.starts;
    // Per item checked again: how much longer each of its four parts is now.
    let mut grown: Vec<(ItemId, [isize; 4])> = Vec::with_capacity(fresh.len());
    for (id, mut part) in fresh.into_iter().rev() {
        let (from, to) = (starts[id], starts[id + 1]);
        let lens = part.starts();
        let len = |k: usize| lens[k] as isize - (to[k] - from[k]) as isize;
        grown.push((id, [len(0), len(1), len(2), len(3)]));
        last.next
            .events
            .splice(from[0]..to[0], part.next.events.drain(..));
        last.changes.splice(from[1]..to[1], part.changes.drain(..));
        (last.pinned_boilerplates).splice(from[2]..to[2], part.pinned_boilerplates.drain(..));
        last.diagnostics
            .splice(from[3]..to[3], part.diagnostics.drain(..));
    }
    grown.reverse();
    let mut shift = [0isize; 4];
    let mut grown = grown.into_iter().peekable();
    for (k, start) in starts.iter_mut().enumerate() {
        for (s, d) in start.iter_mut().zip(shift) {
            *s = s.wrapping_add_signed(d);
        }
        if let Some((_, by)) = grown.next_if(|(id, _)| *id == k) {
            for (s, d) in shift.iter_mut().zip(by) {
                *s += d;
            }
        }
    }
}

/// Published items whose file was renamed: a public item with no entry of its own that builds
/// at the URL (or keeps as an alias the URL) of an entry whose file is gone. By item: the
/// entry's source.
fn renamed_files(site: &Site, ledger: &Ledger) -> BTreeMap<ItemId, String> {
    let present: BTreeSet<&str> = site.items.iter().map(|i| i.src.rel.as_str()).collect();
    let mut gone: BTreeMap<&str, &str> = ledger
        .items
        .iter()
        .filter(|(source, _)| !present.contains(source.as_str()))
        .map(|(source, e)| (e.url.as_str(), source.as_str()))
        .collect();
    let mut out = BTreeMap::new();
    for (id, item) in site.items.iter().enumerate() {
        if !item.appears_in(Surface::Ledger) || ledger.items.contains_key(&item.src.rel) {
            continue;
        }
        let urls =
            std::iter::once(item.path.as_str()).chain(item.aliases.iter().map(String::as_str));
        if let Some(old) = urls.into_iter().find_map(|u| gone.remove(u)) {
            out.insert(id, old.to_string());
        }
    }
    out
}

/// A published item that is a draft, embargoed or on standby again.
fn not_public_again(item: &Item, r: &Entry) -> Diagnostic {
    let source = &item.src.rel;
    let (key, state) = if item.preview.draft {
        ("draft", "a draft")
    } else if item.preview.standby {
        ("status", "on standby")
    } else {
        ("embargo", "under embargo")
    };
    at_key(
        item,
        key,
        format!(
            "`{source}` was published at `{}` and cannot be {state} again",
            r.url
        ),
    )
    .with_help(
        "published items stay public: add a `[withdrawn]` table with a date and a reason instead",
    )
}

/// A diagnostic at `key` in an item's front matter (line 1 when the key is not written).
fn at_key(item: &Item, key: &str, message: String) -> Diagnostic {
    let offset = crate::keys::find_key_offset(&item.text[..item.body_offset], key);
    at_offset(item, offset, message)
}

fn at_offset(item: &Item, offset: usize, message: String) -> Diagnostic {
    let (line, col) = LineIndex::new(&item.text).position(offset);
    Diagnostic::error(&item.src.rel, line, col, message)
}

/// The check of one published item.
struct ItemCheck<'a, 'b> {
    site: &'a Site,
    item: &'a Item,
    id: ItemId,
    inputs: &'a Inputs<'b>,
    ledger: &'a Ledger,
    out: &'a mut Outcome,
    site_sources: &'a mut diff::SiteSourceChanges,
    /// The item's entry in the next ledger, by source, once checked: added to the outcome's
    /// map after (a map of one entry per item checked on its own cost a large node each).
    entries: &'a mut Vec<(String, Entry)>,
    /// The entry's source when the file was renamed.
    renamed_from: Option<String>,
    /// The build clock, RFC 3339 in UTC.
    now: &'a str,
}

impl ItemCheck<'_, '_> {
    fn source(&self) -> &str {
        &self.item.src.rel
    }

    /// Checks the item (no stand-in) against its entry, into the outcome.
    fn run(mut self) {
        let (ledger, item) = (self.ledger, self.item);
        let recorded = match &self.renamed_from {
            Some(old) => ledger.items.get(old),
            None => ledger.items.get(&item.src.rel),
        };
        if !item.appears_in(Surface::Ledger) {
            if let Some(r) = recorded {
                self.out.diagnostics.push(not_public_again(item, r));
                self.entries.push((item.src.rel.clone(), r.clone()));
            }
            return;
        }
        match recorded {
            None => self.first_publication(),
            Some(r) => self.against(r),
        }
    }

    /// The item's record now and its hash; a release that inherits the site's boilerplate
    /// keeps the one it was published with (`recorded`).
    fn record(&mut self, recorded: Option<&Fields>) -> (Record, String) {
        let given = self.inputs.records.get(self.id).and_then(Option::as_ref);
        let Hashed {
            mut record,
            mut hash,
        } = match given {
            Some(hashed) => Hashed::clone(hashed),
            None => Hashed::of(
                self.site,
                self.item,
                record::body_hash(&self.item.text[self.item.body_offset..]),
            ),
        };
        // Inherited: a release whose front matter does not set its own (the key is never at
        // offset 0, where the `+++` or `---` line stands).
        let front = &self.item.text[..self.item.body_offset];
        let inherited = self.item.boilerplate.is_some()
            && crate::keys::find_key_offset(front, "boilerplate") == 0;
        let pinned = recorded.and_then(|f| f.boilerplate.as_ref());
        if let (true, Some(pin)) = (inherited, pinned) {
            if record.fields.boilerplate.as_ref() != Some(pin) {
                if let Some(text) = self.ledger.boilerplates.get(pin) {
                    record.fields.boilerplate = Some(pin.clone());
                    hash = record.hash();
                    self.out.pinned_boilerplates.push((self.id, text.clone()));
                }
            }
        }
        (record, hash)
    }

    /// Notices dated after the build clock.
    fn future_notices(&mut self, notices: &[&Notice]) -> bool {
        let now = self.now;
        let mut ok = true;
        for n in notices.iter().filter(|n| n.date.as_str() > now) {
            ok = false;
            let d = diff::notice_diagnostic(self.item, n, format!(
                "the {} on `{}` dated {} is dated after this build's clock ({now})",
                n.kind, self.source(), n.date
            ))
            .with_help("date a notice at the time it is made; a notice cannot announce a change that has not happened yet");
            self.out.diagnostics.push(d);
        }
        ok
    }

    fn first_publication(&mut self) {
        let (rec, hash) = self.record(None);
        let notices: Vec<&Notice> = rec.notices.iter().collect();
        if !self.future_notices(&notices) {
            return;
        }
        let now = self.now.to_string();
        let last = rec.notices.iter().map(|n| &n.date).max().cloned();
        let source = self.source().to_string();
        self.out.next.events.push(Event {
            source: source.clone(),
            url: self.item.path.to_string(),
            event: "published".into(),
            date: now.clone(),
            record: hash.clone(),
        });
        self.out
            .changes
            .push(format!("new item `{source}` at `{}`", self.item.path));
        self.entries.push((
            source,
            Entry {
                url: self.item.path.to_string(),
                first_published: now.clone(),
                last_change: last.map_or(now.clone(), |l| l.max(now)),
                feed_id: Some(self.item.tag(self.inputs.host)),
                unlisted: self.item.publication == Publication::Unlisted,
                record: Some(hash),
                fields: Some(rec.fields),
                notices: rec.notices,
                ..Entry::legacy_free()
            },
        ));
    }

    fn against(&mut self, r: &Entry) {
        let mut ok = self.url_kept(r);
        // Version 1 did not record whether an item was listed: its upgrade records it.
        ok &= r.fields.is_none() || self.still_listed(r);
        let Some(fields) = &r.fields else {
            self.upgrade(r, ok);
            return;
        };
        let (rec, hash) = self.record(Some(fields));
        let notices = diff::notices(&r.notices, &rec.notices);
        ok &= self.notices_kept(r, &notices);
        let changed = diff::fields(fields, &rec.fields, self.item);
        if !changed.is_empty() && notices.added.is_empty() {
            ok = false;
            self.silent_changes(r, changed);
        }
        if !ok {
            self.entries.push((self.source().into(), r.clone()));
            return;
        }
        let mut entry = r.clone();
        let moved = r.url != *self.item.path || self.renamed_from.is_some();
        if entry.feed_id.is_none() {
            entry.feed_id = Some(self.item.tag(self.inputs.host));
            self.out
                .changes
                .push(format!("`{}` keeps its feed id", self.source()));
        }
        if r.record.as_ref() != Some(&hash) || moved {
            if notices.added.is_empty() {
                // A new URL (with an alias) or a renamed file: logged, so the log's last
                // entry for an item names its file and URL.
                self.out.next.events.push(Event {
                    source: self.source().into(),
                    url: self.item.path.to_string(),
                    event: "moved".into(),
                    date: self.now.to_string(),
                    record: hash.clone(),
                });
            }
            for n in &notices.added {
                self.out.next.events.push(Event {
                    source: self.source().into(),
                    url: self.item.path.to_string(),
                    event: n.kind.clone(),
                    date: n.date.clone(),
                    record: hash.clone(),
                });
            }
            if let Some(newest) = notices.added.iter().map(|n| &n.date).max() {
                entry.last_change = newest.clone().max(r.last_change.clone());
            }
            self.out.changes.push(if notices.added.is_empty() {
                let from = self.renamed_from.as_deref().unwrap_or(&r.url);
                format!("`{}` moved: `{from}` → `{}`", self.source(), self.item.path)
            } else {
                format!(
                    "{} new notice(s) on `{}`",
                    notices.added.len(),
                    self.source()
                )
            });
            entry.url = self.item.path.to_string();
            entry.record = Some(hash);
            entry.fields = Some(rec.fields);
            entry.notices = rec.notices;
        }
        self.entries.push((self.source().into(), entry));
    }

    /// (b) A published URL stays reachable: the item may move only with an alias.
    fn url_kept(&mut self, r: &Entry) -> bool {
        let item = self.item;
        if item.path == r.url || item.aliases.contains(&r.url) {
            return true;
        }
        let message = format!(
            "`{}` was published at `{}` and now builds at `{}`",
            self.source(),
            r.url,
            item.path
        );
        self.out
            .diagnostics
            .push(at_key(item, "slug", message).with_help(format!(
                "keep the old URL working: add `aliases = [\"{}\"]`",
                r.url
            )));
        false
    }

    /// (b) A published listed item cannot vanish from every list by becoming unlisted.
    fn still_listed(&mut self, r: &Entry) -> bool {
        if r.unlisted || self.item.publication != Publication::Unlisted {
            return true;
        }
        let message = format!(
            "`{}` was published in the site's lists and feeds at `{}` and cannot become unlisted",
            self.source(),
            r.url
        );
        self.out.diagnostics.push(at_key(self.item, "status", message).with_help(
            "a published item leaves the lists only by being withdrawn: add a `[withdrawn]` table with a date and a reason",
        ));
        false
    }

    /// (c) and (d): recorded notices unchanged; new ones dated after the last recorded change
    /// and not after the clock.
    fn notices_kept(&mut self, r: &Entry, notices: &diff::NoticeDiff<'_>) -> bool {
        let source = self.source().to_string();
        let mut ok = true;
        for (old, new) in &notices.changed {
            ok = false;
            let what = if old.kind != new.kind {
                format!("its kind changed from {} to {}", old.kind, new.kind)
            } else {
                "its text changed".to_string()
            };
            self.out.diagnostics.push(
                diff::notice_diagnostic(self.item, new, format!(
                    "the {} of {} on `{source}` was published and cannot be edited: {what}",
                    old.kind, old.date
                ))
                .with_help("notices are append-only: restore it as published, and add a new dated notice that says what changed"),
            );
        }
        for old in &notices.removed {
            ok = false;
            self.out.diagnostics.push(
                at_key(self.item, kind_key(&old.kind), format!(
                    "the {} of {} on `{source}` was published and is gone: published notices cannot be removed",
                    old.kind, old.date
                ))
                .with_help(format!("restore the {} dated {}", old.kind, old.date)),
            );
        }
        for new in notices.added.iter().filter(|n| n.date <= r.last_change) {
            ok = false;
            self.out.diagnostics.push(
                diff::notice_diagnostic(self.item, new, format!(
                    "the new {} on `{source}` is dated {}, not after the last recorded change ({})",
                    new.kind, new.date, r.last_change
                ))
                .with_help(format!("date a new notice at the time it is made: after {}", r.last_change)),
            );
        }
        ok & self.future_notices(&notices.added)
    }

    /// (a) Changed claims with no new notice: one error per field, site-wide sources grouped.
    fn silent_changes(&mut self, r: &Entry, changed: Vec<diff::Change>) {
        let now = self.now;
        let help = format!(
            "add a `[[corrections]]` entry (kind \"correction\", \"clarification\" or \"editorial\") dated after {} and no later than now ({now}) that says what changed, or restore the published value",
            r.last_change
        );
        for change in changed {
            if let Some(id) = &change.site_source {
                let item = self.item;
                self.site_sources
                    .add(id, &change, &item.src.rel, &r.last_change);
                continue;
            }
            let message = format!(
                "`{}` changed in published `{}` without a dated notice{}",
                change.field,
                self.source(),
                change.values()
            );
            self.out
                .diagnostics
                .push(at_offset(self.item, change.offset, message).with_help(help.clone()));
        }
    }

    /// A version 1 entry: checked by its title-and-body hash and notice counts, then recorded
    /// in full (trust on first use: the other claims were not recorded before).
    fn upgrade(&mut self, r: &Entry, mut ok: bool) {
        let item = self.item;
        let legacy = legacy_hash(&item.title, &item.text[item.body_offset..]);
        let (rec, hash) = self.record(None);
        let recorded_total = r.corrections.unwrap_or(0)
            + r.updates.unwrap_or(0)
            + r.editorial.unwrap_or(0)
            + usize::from(r.withdrawn);
        if rec.notices.len() < recorded_total {
            ok = false;
            self.out.diagnostics.push(at_key(item, "corrections", format!(
                "`{}` had {recorded_total} recorded notice(s) and now has {}: published notices cannot be removed",
                self.source(), rec.notices.len()
            )).with_help("restore the removed correction, update or editorial entry"));
        }
        if r.hash.as_deref() != Some(legacy.as_str()) && rec.notices.len() <= recorded_total {
            ok = false;
            self.out.diagnostics.push(
                at_offset(item, item.body_offset, format!("the published title or text of `{}` changed with no new correction, update or editorial entry", self.source()))
                    .with_help(format!("add a `[[corrections]]` entry dated after {} saying what changed", r.last_change)),
            );
        }
        if !ok {
            self.entries.push((self.source().into(), r.clone()));
            return;
        }
        self.out.next.events.push(Event {
            source: self.source().into(),
            url: item.path.to_string(),
            event: "published".into(),
            date: r.first_published.clone(),
            record: hash.clone(),
        });
        self.out.changes.push(format!(
            "`{}` recorded in full (ledger version 1 → {VERSION})",
            self.source()
        ));
        let last = rec.notices.iter().map(|n| &n.date).max().cloned();
        self.entries.push((
            self.source().into(),
            Entry {
                url: item.path.to_string(),
                first_published: r.first_published.clone(),
                last_change: last.map_or(r.last_change.clone(), |l| l.max(r.last_change.clone())),
                feed_id: Some(item.tag(self.inputs.host)),
                unlisted: item.publication == Publication::Unlisted,
                record: Some(hash),
                fields: Some(rec.fields),
                notices: rec.notices,
                ..Entry::legacy_free()
            },
        ));
    }
}

impl Entry {
    /// An entry with no version 1 fields (the caller sets the rest).
    fn legacy_free() -> Entry {
        Entry {
            url: String::new(),
            first_published: String::new(),
            last_change: String::new(),
            feed_id: None,
            unlisted: false,
            record: None,
            fields: None,
            notices: Vec::new(),
            hash: None,
            corrections: None,
            updates: None,
            editorial: None,
            withdrawn: false,
        }
    }
}

/// The front-matter key that holds notices of a kind.
fn kind_key(kind: &str) -> &'static str {
    match kind {
        "update" => "updates",
        "withdrawal" => "withdrawn",
        _ => "corrections",
    }
}

/// (b) A published file cannot disappear.
fn check_gone(
    site: &Site,
    ledger: &Ledger,
    inputs: &Inputs<'_>,
    seen: &BTreeSet<String>,
    out: &mut Outcome,
) {
    let lines = LineIndex::new(inputs.ledger_text);
    for (source, r) in ledger.items.iter().filter(|(s, _)| !seen.contains(*s)) {
        out.next.items.insert(source.clone(), r.clone());
        let unpublished = if site.drafts.contains(source) {
            Some("a draft")
        } else if site.withheld.iter().any(|w| &w.rel == source) {
            Some("under embargo")
        } else {
            None
        };
        if unpublished.is_none() && inputs.root.join(source).is_file() {
            // The file is there but did not load: its own error says why.
            continue;
        }
        if let Some(state) = unpublished {
            out.diagnostics.push(
                Diagnostic::error(source, 1, 1, format!("`{source}` was published at `{}` and cannot be {state} again", r.url))
                    .with_help("published items stay public: add a `[withdrawn]` table with a date and a reason instead"),
            );
            continue;
        }
        let offset = inputs
            .ledger_text
            .find(&format!("[items.\"{source}\"]"))
            .unwrap_or(0);
        let (line, col) = lines.position(offset);
        out.diagnostics.push(
            Diagnostic::error(FILE, line, col, format!("`{source}`, published at `{}`, is gone", r.url))
                .with_help("restore the file and add a `[withdrawn]` table (date and reason): a published item stays at its URL with a withdrawal notice"),
        );
    }
}

/// Keeps the text of every boilerplate a recorded release was published with.
fn keep_referenced_boilerplates(ledger: &Ledger, site: &Site, next: &mut Ledger) {
    // Most releases share the site's one boilerplate: hash each distinct text once.
    let distinct: BTreeSet<&str> = site
        .items
        .iter()
        .filter_map(|i| i.boilerplate.as_deref())
        .collect();
    let current: BTreeMap<String, &str> = distinct
        .into_iter()
        .map(|b| (record::text_hash(b), b))
        .collect();
    for hash in next
        .items
        .values()
        .filter_map(|e| e.fields.as_ref()?.boilerplate.as_ref())
    {
        let text = ledger
            .boilerplates
            .get(hash)
            .map(String::as_str)
            .or_else(|| current.get(hash).copied());
        if let Some(text) = text {
            next.boilerplates.insert(hash.clone(), text.to_string());
        }
    }
}

/// The public, hash-chained publication record (`/corrections/record.json`): every event of
/// the log with `chain` = sha256 of the previous `chain` (empty for the first), a newline, and
/// the event's `seq`, `url`, `event`, `date` and `record` joined by tabs. A reader who saved an
/// earlier copy checks that its events are a prefix of the new one's: nothing was removed or
/// rewritten.
pub fn public_record(ledger: &Ledger, base_url: &str) -> serde_json::Value {
    let links = chain(&ledger.events);
    serde_json::to_value(PublicRecord::of(ledger, base_url, &links)).unwrap_or_default()
}

/// [`public_record`] as pretty-printed JSON, written straight from the ledger: building the
/// JSON value first (10,000 objects at 10k items) cost serve a tenth of each rebuild. The same
/// bytes: the fields below are declared in the sorted order a JSON value prints its keys in.
pub fn public_record_json(ledger: &Ledger, base_url: &str) -> Vec<u8> {
    let links = chain(&ledger.events);
    serde_json::to_vec_pretty(&PublicRecord::of(ledger, base_url, &links))
        .expect("strings and numbers serialize")
}

/// What the public record says it is.
const ABOUT: &str = "The publication record of this site: every publication and every dated notice, in the order recorded. Each event's chain is the sha256 of the previous chain (empty before the first), a newline, and seq, url, event, date and record joined by tabs.";

/// The public record; fields in sorted order (see [`public_record_json`]).
#[derive(Serialize)]
struct PublicRecord<'a> {
    about: &'static str,
    events: Vec<PublicEvent<'a>>,
    head: &'a str,
    items: Vec<PublicItem<'a>>,
    site: &'a str,
    version: u32,
}

#[derive(Serialize)]
struct PublicEvent<'a> {
    chain: &'a str,
    date: &'a str,
    event: &'a str,
    record: &'a str,
    seq: usize,
    url: &'a str,
}

#[derive(Serialize)]
struct PublicItem<'a> {
    first_published: &'a str,
    last_change: &'a str,
    notices: Vec<PublicNotice<'a>>,
    record: Option<&'a str>,
    url: &'a str,
}

impl<'a> PublicItem<'a> {
    /// What the public record shows of a ledger entry.
    fn of(e: &'a Entry) -> Self {
        PublicItem {
            first_published: &e.first_published,
            last_change: &e.last_change,
            notices: (e.notices.iter())
                .map(|n| PublicNotice {
                    date: &n.date,
                    kind: &n.kind,
                })
                .collect(),
            record: e.record.as_deref(),
            url: &e.url,
        }
    }
}

#[derive(Serialize)]
struct PublicNotice<'a> {
    date: &'a str,
    kind: &'a str,
}

impl<'a> PublicRecord<'a> {
    fn of(ledger: &'a Ledger, base_url: &'a str, links: &'a [String]) -> Self {
        let events = ledger
            .events
            .iter()
            .zip(links)
            .enumerate()
            .map(|(i, (e, chain))| PublicEvent {
                chain,
                date: &e.date,
                event: &e.event,
                record: &e.record,
                seq: i + 1,
                url: &e.url,
            })
            .collect();
        let items = ledger.items.values().map(PublicItem::of).collect();
        PublicRecord {
            about: ABOUT,
            events,
            head: links.last().map_or("", String::as_str),
            items,
            site: base_url,
            version: 1,
        }
    }
}

/// The chain of the publication log: each link is the sha256 of the previous link (empty
/// before the first), a newline, and the event's seq, url, event, date and record joined by tabs.
pub fn chain(events: &[Event]) -> Vec<String> {
    let mut links: Vec<String> = Vec::with_capacity(events.len());
    // One buffer for every line: a `format!` per event was half the chain's cost, and serve
    // makes the chain of the whole log on every rebuild.
    let mut line: Vec<u8> = Vec::with_capacity(256);
    for (i, e) in events.iter().enumerate() {
        let previous = links.last().map_or("", String::as_str);
        let next = link(previous, i + 1, e, &mut line);
        links.push(next);
    }
    links
}

/// The chain's link of the event at `seq` after the link `previous` (`line` is scratch).
fn link(previous: &str, seq: usize, e: &Event, line: &mut Vec<u8>) -> String {
    line.clear();
    line.extend_from_slice(previous.as_bytes());
    line.push(b'\n');
    line.extend_from_slice(seq.to_string().as_bytes());
    for field in [&e.url, &e.event, &e.date, &e.record] {
        line.push(b'\t');
        line.extend_from_slice(field.as_bytes());
    }
    record::hex_hash(line)
}

/// Errors where `published.lock` contradicts itself: an entry whose recorded claims and notices
/// do not hash to its record, or whose record is not the one its last logged event gave it.
/// Only an edit by hand does that (pressroom writes all three together).
fn tampered(ledger: &Ledger, text: &str) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let lines = LineIndex::new(text);
    let mut last_event: BTreeMap<&str, &Event> = BTreeMap::new();
    for e in &ledger.events {
        last_event.insert(&e.source, e);
    }
    // Every entry's hash is computed again on every build: on every core.
    let problems: Vec<(&String, &str)> = (ledger.items.par_iter())
        .filter_map(|(source, entry)| {
            let (Some(fields), Some(hash)) = (&entry.fields, &entry.record) else {
                return None;
            };
            let logged = last_event.get(source.as_str()).map(|e| &e.record);
            let problem = if record::hash_of(fields, &entry.notices) != *hash {
                "its recorded claims and notices do not match its record hash"
            } else if logged != Some(hash) {
                "its record is not the one the publication log last recorded for it"
            } else {
                return None;
            };
            Some((source, problem))
        })
        .collect();
    problems
        .into_iter()
        .map(|(source, problem)| {
            let offset = text.find(&format!("[items.\"{source}\"]")).unwrap_or(0);
            let (line, col) = lines.position(offset);
            Diagnostic::error(FILE, line, col, format!("published.lock was edited by hand at `{source}`: {problem}"))
                .with_help("restore published.lock from version control (`git log -p published.lock`); only `pressroom deploy` writes it")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build state keeps the parsed ledger as JSON (`incremental::persist`): every field
    /// of a real ledger (the example newsroom's: notices, claims, boilerplates, the log) must
    /// come back as it was parsed.
    #[test]
    fn a_ledger_comes_back_whole_through_json() {
        let text = include_str!("../../published.lock");
        let ledger = Ledger::parse(text).expect("the example's ledger parses");
        assert!(!ledger.events.is_empty() && !ledger.boilerplates.is_empty());
        assert!(ledger.items.values().any(|e| !e.notices.is_empty()));
        let json = serde_json::to_vec(&ledger).expect("json");
        let back: Ledger = serde_json::from_slice(&json).expect("read back");
        assert_eq!(back, ledger);
        assert_eq!(
            back.to_text().expect("text"),
            ledger.to_text().expect("text")
        );
    }

    /// The ledger's text is made in pieces on every core: each piece must join into exactly
    /// what serializing the whole writes, whatever the ledger holds.
    #[test]
    fn a_ledger_written_in_pieces_is_the_whole_written_at_once() {
        let example = Ledger::parse(include_str!("../../published.lock")).expect("parses");
        let mut many = example.clone();
        let (first, entry) = example.items.iter().next().expect("an item");
        for n in 0..300 {
            let mut e = entry.clone();
            e.url = format!("/x/{n}/");
            many.items.insert(format!("{first}-{n:03}"), e);
            let mut ev = example.events[n % example.events.len()].clone();
            ev.source = format!("content/x-{n}.md");
            many.events.push(ev);
        }
        let shapes = [
            example.clone(),
            many,
            Ledger {
                events: Vec::new(),
                ..example.clone()
            },
            Ledger {
                boilerplates: BTreeMap::new(),
                ..example.clone()
            },
            Ledger {
                boilerplates: BTreeMap::new(),
                events: Vec::new(),
                ..example.clone()
            },
            Ledger {
                items: BTreeMap::new(),
                ..example.clone()
            },
            Ledger::default(),
        ];
        for ledger in shapes {
            let whole = toml::to_string(&ledger).expect("toml");
            assert_eq!(ledger.toml_in_pieces().expect("toml"), whole);
            assert_eq!(
                Ledger::parse(&ledger.to_text().expect("text")).expect("parses"),
                ledger
            );
        }
    }

    /// The ledger's fingerprint, made in pieces, keys its text: every part of the ledger must
    /// change it, down to one event in the last run of the log.
    #[test]
    fn a_ledger_fingerprint_made_in_pieces_sees_every_part() {
        let example = Ledger::parse(include_str!("../../published.lock")).expect("parses");
        let mut many = example.clone();
        for n in 0..600 {
            let mut ev = example.events[n % example.events.len()].clone();
            ev.source = format!("content/x-{n}.md");
            many.events.push(ev);
        }
        let (first, _) = many.items.iter().next().expect("an item");
        let first = first.clone();
        let mut edits: Vec<Ledger> = Vec::new();
        let mut e = many.clone();
        e.version += 1;
        edits.push(e);
        let mut e = many.clone();
        e.items.get_mut(&first).expect("item").url.push('x');
        edits.push(e);
        let mut e = many.clone();
        let entry = e.items.remove(&first).expect("item");
        e.items.insert(format!("{first}-renamed"), entry);
        edits.push(e);
        let mut e = many.clone();
        e.boilerplates.insert("sha256:0".into(), "About us.".into());
        edits.push(e);
        let mut e = many.clone();
        e.events.last_mut().expect("event").source.push('x');
        edits.push(e);
        let mut e = many.clone();
        e.events.pop();
        edits.push(e);
        let whole = many.fingerprint();
        assert_eq!(many.clone().fingerprint(), whole);
        for (n, edited) in edits.iter().enumerate() {
            assert_ne!(edited.fingerprint(), whole, "edit {n} unseen");
        }
        assert_ne!(Ledger::default().fingerprint(), example.fingerprint());
    }

    /// Pins version 1's hash: published.lock files in the wild hold these values, so the
    /// folding and the bytes hashed must never change.
    #[test]
    fn the_version_1_hash_folds_whitespace_and_never_changes() {
        let expected = "sha256:a733ec79d27cdeabad5f52bc44b05527dcbb019ceba72b25caf6aabbad0aa638";
        assert_eq!(legacy_hash("A title", "one two three"), expected);
        assert_eq!(
            legacy_hash("  A \t title ", "\none\n\n two   three\n"),
            expected
        );
        assert_ne!(legacy_hash("A title", "one two three."), expected);
        assert_ne!(legacy_hash("A title one", "two three"), expected);
    }

    #[test]
    fn the_public_chain_is_sha256_of_the_previous_link_and_the_event() {
        let event = |url: &str| Event {
            source: "content/x.md".into(),
            url: url.into(),
            event: "published".into(),
            date: "2026-11-23T08:00:00Z".into(),
            record: "sha256:00".into(),
        };
        let ledger = Ledger {
            events: vec![event("/a/"), event("/b/")],
            ..Ledger::default()
        };
        let v = public_record(&ledger, "https://example.com/");
        let first = record::hex_hash(b"\n1\t/a/\tpublished\t2026-11-23T08:00:00Z\tsha256:00");
        assert_eq!(v["events"][0]["chain"], first.as_str());
        let second = record::hex_hash(
            format!("{first}\n2\t/b/\tpublished\t2026-11-23T08:00:00Z\tsha256:00").as_bytes(),
        );
        assert_eq!(v["head"], second.as_str());
    }

    /// The record as it was first written, through a JSON value (keys printed sorted): the
    /// typed writer gives the same bytes.
    #[test]
    fn the_public_record_is_written_as_its_json_value_prints() {
        let entry = |url: &str, record: Option<&str>, notices: Vec<record::Notice>| Entry {
            url: url.into(),
            first_published: "2026-11-23T08:00:00Z".into(),
            last_change: "2026-11-24T08:00:00Z".into(),
            feed_id: None,
            unlisted: false,
            record: record.map(String::from),
            fields: None,
            notices,
            hash: None,
            corrections: None,
            updates: None,
            editorial: None,
            withdrawn: false,
        };
        let notice = record::Notice {
            date: "2026-11-24T08:00:00Z".into(),
            kind: "correction".into(),
            text: "sha256:01".into(),
        };
        let ledger = Ledger {
            items: [
                (
                    "content/a.md".to_string(),
                    entry("/a/\"é", Some("sha256:aa"), vec![notice]),
                ),
                ("content/b.md".to_string(), entry("/b/", None, vec![])),
            ]
            .into_iter()
            .collect(),
            events: vec![Event {
                source: "content/a.md".into(),
                url: "/a/".into(),
                event: "published".into(),
                date: "2026-11-23T08:00:00Z".into(),
                record: "sha256:aa".into(),
            }],
            ..Ledger::default()
        };
        let links = chain(&ledger.events);
        let e = &ledger.events[0];
        let items: Vec<serde_json::Value> = ledger
            .items
            .values()
            .map(|e| {
                serde_json::json!({
                    "url": e.url,
                    "first_published": e.first_published,
                    "last_change": e.last_change,
                    "record": e.record,
                    "notices": e.notices.iter().map(|n| serde_json::json!({"date": n.date, "kind": n.kind})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let value = serde_json::json!({
            "version": 1,
            "site": "https://example.com/",
            "about": "The publication record of this site: every publication and every dated notice, in the order recorded. Each event's chain is the sha256 of the previous chain (empty before the first), a newline, and seq, url, event, date and record joined by tabs.",
            "head": links[0],
            "events": [{"seq": 1, "url": e.url, "event": e.event, "date": e.date, "record": e.record, "chain": links[0]}],
            "items": items,
        });
        let want = serde_json::to_vec_pretty(&value).expect("json");
        let got = public_record_json(&ledger, "https://example.com/");
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(want).unwrap()
        );
        assert_eq!(public_record(&ledger, "https://example.com/"), value);
    }
}
