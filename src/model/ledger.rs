//! The publication ledger, `published.lock`: what has been published, when, and in what form.
//! Published text is corrected in the open, never silently: a published item whose title or
//! body changed needs a new correction, update or editorial entry; a published item cannot
//! disappear (withdraw it instead) or move without an alias; a new notice cannot be backdated.
//! This module is the pure core: parse, check against a [`Site`], serialize.

use super::{Item, Site};
use crate::diag::{Diagnostic, LineIndex};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The ledger file's name, at the site root.
pub const FILE: &str = "published.lock";

/// One published item as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The URL it was published at (site path, without base path).
    pub url: String,
    /// When it was first published (the build clock).
    pub first_published: String,
    /// The latest recorded change: first publication or the newest recorded notice.
    pub last_change: String,
    /// `sha256:` of the title and whitespace-folded body.
    pub hash: String,
    /// Corrections and clarifications recorded.
    pub corrections: usize,
    /// Updates recorded.
    pub updates: usize,
    /// Editorial notes recorded.
    pub editorial: usize,
    /// Whether a withdrawal was recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
}

/// The whole ledger: entries by source file (`content/press/x.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// Format version.
    #[serde(default = "one")]
    pub version: u32,
    /// Entries, sorted by source path (BTreeMap keeps the file diff-friendly).
    #[serde(default)]
    pub items: BTreeMap<String, Entry>,
}

fn one() -> u32 {
    1
}

impl Ledger {
    /// Parses the ledger text; an error points into the file and the file is left alone.
    pub fn parse(text: &str) -> Result<Ledger, Diagnostic> {
        toml::from_str(text).map_err(|e| {
            let (line, col) = LineIndex::new(text).position(e.span().map(|s| s.start).unwrap_or(0));
            Diagnostic::error(FILE, line, col, format!("the publication ledger does not parse: {}", e.message().trim()))
                .with_help("restore published.lock from version control; pressroom never rewrites a ledger it cannot read")
        })
    }

    /// The file text: a header, then one table per item, sorted.
    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# The publication ledger of this site, written by `pressroom build`. Commit it with the site.\n# It records what was published, so that published text is only ever corrected in the open.\n\n{body}"
        )
    }
}

/// The hash of what readers read: the title and the body with whitespace folded, so that
/// reflowing a paragraph is not a change.
pub fn content_hash(item: &Item) -> String {
    // The folded text is built once and hashed in one call: feeding SHA-256 word by word
    // cost twice as much (it runs over every published word on every build).
    text_hash(&item.title, &item.text[item.body_offset..])
}

/// [`content_hash`] of a title and a body.
fn text_hash(title: &str, body: &str) -> String {
    let mut folded = String::with_capacity(title.len() + 1 + body.len());
    fold_whitespace(title, &mut folded);
    folded.push('\n');
    fold_whitespace(body, &mut folded);
    let hex: String = Sha256::digest(folded.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Appends `text`'s words to `out`, separated by single spaces.
fn fold_whitespace(text: &str, out: &mut String) {
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Whether an item counts as published by this build (not a draft, not embargoed, not standby).
pub fn is_published(item: &Item) -> bool {
    item.is_public()
}

/// What checking the site against the ledger found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Rule violations (errors).
    pub diagnostics: Vec<Diagnostic>,
    /// The ledger as it should be after this build.
    pub next: Ledger,
    /// Human descriptions of what would change in the file (empty: nothing).
    pub changes: Vec<String>,
}

fn notice_counts(item: &Item) -> (usize, usize, usize) {
    use crate::content::frontmatter::NoticeKind;
    let editorial = item
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Editorial)
        .count();
    (
        item.notices.len() - editorial,
        item.updates.len(),
        editorial,
    )
}

/// Every dated notice of an item, newest first.
fn notice_dates(item: &Item) -> Vec<Timestamp> {
    let mut dates: Vec<Timestamp> = item
        .notices
        .iter()
        .map(|n| n.date)
        .chain(item.updates.iter().map(|u| u.date))
        .chain(item.withdrawn.iter().map(|w| w.date))
        .collect();
    dates.sort_by(|a, b| b.cmp(a));
    dates
}

fn at_key(item: &Item, key: &str, message: String) -> Diagnostic {
    let front = &item.text[..item.body_offset];
    let offset = crate::config::find_key_offset(front, key);
    let (line, col) = LineIndex::new(&item.text).position(if offset == 0 { 0 } else { offset });
    Diagnostic::error(&item.src.rel, line, col, message)
}

/// Checks the site against the ledger and computes the next ledger. `now` is the build clock.
/// `ledger_text` is used only to point diagnostics at an entry's line; `root` is the site root.
pub fn check(
    site: &Site,
    ledger: &Ledger,
    ledger_text: &str,
    now: Timestamp,
    root: &std::path::Path,
) -> Outcome {
    // Hashing every published text is most of the check: do it on every core first.
    use rayon::prelude::*;
    let hashes: Vec<String> = site
        .items
        .par_iter()
        .map(|item| {
            if item.fallback.is_none() && is_published(item) {
                content_hash(item)
            } else {
                String::new()
            }
        })
        .collect();
    check_with(site, ledger, ledger_text, now, root, &|id| {
        hashes[id].clone()
    })
}

/// [`check`], with each published item's [`content_hash`] asked of `hash` (serve's cache
/// computes it only for files that changed; see [`crate::cache`]).
pub fn check_with(
    site: &Site,
    ledger: &Ledger,
    ledger_text: &str,
    now: Timestamp,
    root: &std::path::Path,
    hash: &dyn Fn(super::ItemId) -> String,
) -> Outcome {
    let mut out = Outcome {
        next: Ledger {
            version: 1,
            items: BTreeMap::new(),
        },
        ..Outcome::default()
    };
    let now_text = crate::dates::rfc3339_utc(now);
    let mut seen = std::collections::BTreeSet::new();
    for (id, item) in site
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.fallback.is_none())
    {
        let source = item.src.rel.clone();
        seen.insert(source.clone());
        let recorded = ledger.items.get(&source);
        if !is_published(item) {
            if let Some(r) = recorded {
                let state = if item.preview.draft {
                    "a draft"
                } else if item.preview.standby {
                    "on standby"
                } else {
                    "under embargo"
                };
                out.diagnostics.push(
                    at_key(item, "draft", format!("`{source}` was published at `{}` and cannot become {state} again", r.url))
                        .with_help("published items stay public: add a `[withdrawn]` table with a date and a reason instead"),
                );
                out.next.items.insert(source, r.clone());
            }
            continue;
        }
        let hash = hash(id);
        let (corrections, updates, editorial) = notice_counts(item);
        let withdrawn = item.withdrawn.is_some();
        let Some(r) = recorded else {
            let last = notice_dates(item)
                .first()
                .copied()
                .map(|d| d.max(now))
                .unwrap_or(now);
            out.next.items.insert(
                source.clone(),
                Entry {
                    url: item.path.clone(),
                    first_published: now_text.clone(),
                    last_change: crate::dates::rfc3339_utc(last),
                    hash,
                    corrections,
                    updates,
                    editorial,
                    withdrawn,
                },
            );
            out.changes
                .push(format!("new item `{source}` at `{}`", item.path));
            continue;
        };
        let mut entry = r.clone();
        let mut ok = true;
        // (b) A published URL stays reachable: the item may move only with an alias.
        if item.path != r.url && !item.aliases.contains(&r.url) {
            ok = false;
            out.diagnostics.push(
                at_key(
                    item,
                    "slug",
                    format!(
                        "`{source}` was published at `{}` and now builds at `{}`",
                        r.url, item.path
                    ),
                )
                .with_help(format!(
                    "keep the old URL working: add `aliases = [\"{}\"]`",
                    r.url
                )),
            );
        }
        // (c) New notices must be dated after the last recorded change.
        let recorded_total = r.corrections + r.updates + r.editorial + usize::from(r.withdrawn);
        let total = corrections + updates + editorial + usize::from(withdrawn);
        let last_change: Timestamp = r.last_change.parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let dates = notice_dates(item);
        if total > recorded_total {
            let new_count = total - recorded_total;
            if let Some(oldest_new) = dates.get(new_count - 1) {
                if *oldest_new <= last_change {
                    ok = false;
                    out.diagnostics.push(
                        at_key(item, "corrections", format!(
                            "a new notice on `{source}` is dated {}, before the last recorded change ({})",
                            crate::dates::rfc3339_utc(*oldest_new),
                            r.last_change
                        ))
                        .with_help("date a new correction, update or withdrawal at the time it is made"),
                    );
                }
            }
        } else if total < recorded_total {
            ok = false;
            out.diagnostics.push(
                at_key(item, "corrections", format!("`{source}` had {recorded_total} recorded notice(s) and now has {total}: published notices cannot be removed"))
                    .with_help("restore the removed correction, update or editorial entry"),
            );
        }
        // (a) Changed text needs a new notice.
        if hash != r.hash && total <= recorded_total {
            ok = false;
            out.diagnostics.push(
                Diagnostic::error(&source, 1, 1, format!("the published title or text of `{source}` changed with no new correction, update or editorial entry"))
                    .with_help("add a `[[corrections]]` entry (kind = \"correction\", \"clarification\" or \"editorial\") dated now, saying what changed"),
            );
        }
        if ok && (hash != r.hash || total != recorded_total || item.path != r.url) {
            entry.hash = hash;
            entry.url = item.path.clone();
            entry.corrections = corrections;
            entry.updates = updates;
            entry.editorial = editorial;
            entry.withdrawn = withdrawn;
            if let Some(newest) = dates.first() {
                if *newest > last_change {
                    entry.last_change = crate::dates::rfc3339_utc(*newest);
                }
            }
            out.changes.push(format!(
                "recorded {} new notice(s) on `{source}`",
                total.saturating_sub(recorded_total)
            ));
        }
        out.next.items.insert(source, entry);
    }
    // (b) A published file cannot disappear.
    let lines = LineIndex::new(ledger_text);
    for (source, r) in &ledger.items {
        if seen.contains(source) {
            continue;
        }
        let offset = ledger_text
            .find(&format!("[items.\"{source}\"]"))
            .unwrap_or(0);
        let (line, col) = lines.position(offset);
        out.next.items.insert(source.clone(), r.clone());
        let unpublished = if site.drafts.contains(source) {
            Some("a draft")
        } else if site.withheld.iter().any(|w| &w.rel == source) {
            Some("under embargo")
        } else {
            None
        };
        if unpublished.is_none() && root.join(source).is_file() {
            // The file is there but did not load: its own error says why.
            continue;
        }
        if let Some(state) = unpublished {
            out.diagnostics.push(
                Diagnostic::error(source, 1, 1, format!("`{source}` was published at `{}` and cannot become {state} again", r.url))
                    .with_help("published items stay public: add a `[withdrawn]` table with a date and a reason instead"),
            );
            continue;
        }
        out.diagnostics.push(
            Diagnostic::error(FILE, line, col, format!("`{source}`, published at `{}`, is gone", r.url))
                .with_help("restore the file and add a `[withdrawn]` table (date and reason): a published item stays at its URL with a withdrawal notice"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the ledger's hash: published.lock files in the wild hold these values, so the
    /// folding and the bytes hashed must never change.
    #[test]
    fn the_text_hash_folds_whitespace_and_never_changes() {
        let expected = "sha256:a733ec79d27cdeabad5f52bc44b05527dcbb019ceba72b25caf6aabbad0aa638";
        assert_eq!(text_hash("A title", "one two three"), expected);
        assert_eq!(
            text_hash("  A \t title ", "\none\n\n two   three\n"),
            expected
        );
        assert_ne!(text_hash("A title", "one two three."), expected);
        assert_ne!(text_hash("A title one", "two three"), expected);
    }
}
