//! What changed between a recorded published record and the item as it is now: field by field
//! (with the place in the file to point at), and notice by notice.

use crate::diag::{Diagnostic, LineIndex};
use crate::model::Item;
use crate::model::record::{Fields, Notice};
use std::collections::BTreeMap;

/// Values longer than this are not quoted in messages.
const SHORT: usize = 80;

/// One changed field of a published record.
#[derive(Debug, Clone)]
pub(super) struct Change {
    /// Its name: `title`, `sources[1].url`, `facts."Capacity"`.
    pub(super) field: String,
    /// The recorded and the new value, when they are short texts worth showing.
    pub(super) values: Option<(Option<String>, Option<String>)>,
    /// Where it is in the item's file (byte offset).
    pub(super) offset: usize,
    /// The site-wide source it belongs to (data/sources.toml), if any.
    pub(super) site_source: Option<String>,
}

impl Change {
    /// `: recorded "a", now "b"`, or nothing for long texts.
    pub(super) fn values(&self) -> String {
        let show = |v: &Option<String>| match v {
            Some(v) => format!("{v:?}"),
            None => "nothing".into(),
        };
        match &self.values {
            Some((old, new)) => format!(": recorded {}, now {}", show(old), show(new)),
            None => String::new(),
        }
    }
}

fn short(v: Option<&str>) -> bool {
    v.is_none_or(|v| v.chars().count() <= SHORT && !v.contains('\n'))
}

/// Where things are in an item's front matter.
struct Locator<'a> {
    item: &'a Item,
    front: &'a str,
}

impl Locator<'_> {
    fn key(&self, key: &str) -> usize {
        crate::keys::find_key_offset(self.front, key)
    }

    /// The first line at or after `from` that holds `needle`, else `from`.
    fn find_from(&self, from: usize, needle: &str) -> usize {
        self.front[from..]
            .find(needle)
            .map_or(from, |i| line_start(self.front, from + i))
    }

    /// The `key` line of the page source `id` (after its `id` line), else the `id` line.
    fn page_source(&self, id: &str, key: &str) -> usize {
        let Some(at) = id_line(self.front, id) else {
            return self.key("sources");
        };
        if key == "id" {
            return at;
        }
        // This source's lines: up to the next table (TOML) or list item (YAML).
        let after = &self.front[at..];
        let mut end = 0;
        for (i, line) in after.split_inclusive('\n').enumerate() {
            let t = line.trim_start();
            if i > 0 && (t.starts_with('[') || t.starts_with("- ")) {
                break;
            }
            end += line.len();
        }
        let off = crate::keys::find_key_offset(&after[..end], key);
        if off == 0 { at } else { at + off }
    }
}

/// Byte offset of the line holding `id = "ID"` (TOML) or `id: ID` (YAML).
fn id_line(text: &str, id: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start().trim_start_matches("- ");
        if let Some(rest) = t.strip_prefix("id") {
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                if value == id {
                    return Some(offset + (line.len() - line.trim_start().len()));
                }
            }
        }
        offset += line.len();
    }
    None
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The fields of `new` that differ from `old`, in the record's order.
pub(super) fn fields(old: &Fields, new: &Fields, item: &Item) -> Vec<Change> {
    let at = Locator {
        item,
        front: &item.text[..item.body_offset],
    };
    let mut out = Vec::new();
    let mut scalar = |name: &str, key: &str, o: Option<&str>, n: Option<&str>, show: bool| {
        if o != n {
            out.push(Change {
                field: name.to_string(),
                values: (show && short(o) && short(n))
                    .then(|| (o.map(String::from), n.map(String::from))),
                offset: if key == "body" {
                    item.body_offset
                } else {
                    at.key(key)
                },
                site_source: None,
            });
        }
    };
    scalar("title", "title", Some(&old.title), Some(&new.title), true);
    scalar("kind", "kind", Some(&old.kind), Some(&new.kind), true);
    scalar(
        "date",
        "date",
        old.date.as_deref(),
        new.date.as_deref(),
        true,
    );
    let (oa, na) = (old.authors.join(", "), new.authors.join(", "));
    scalar(
        "dateline",
        "dateline",
        old.dateline.as_deref(),
        new.dateline.as_deref(),
        true,
    );
    scalar("authors", "authors", Some(&oa), Some(&na), true);
    scalar(
        "summary",
        "summary",
        old.summary.as_deref(),
        new.summary.as_deref(),
        false,
    );
    scalar("body", "body", Some(&old.body), Some(&new.body), false);
    scalar(
        "boilerplate",
        "boilerplate",
        old.boilerplate.as_deref(),
        new.boilerplate.as_deref(),
        false,
    );
    facts(old, new, &at, &mut out);
    sources(old, new, &at, &mut out);
    if out.is_empty() && old != new {
        // Same values in another order.
        let (field, key) = if old.facts != new.facts {
            ("facts (their order)", "facts")
        } else {
            ("sources (their order)", "sources")
        };
        out.push(Change {
            field: field.into(),
            values: None,
            offset: at.key(key),
            site_source: None,
        });
    }
    out
}

fn facts(old: &Fields, new: &Fields, at: &Locator<'_>, out: &mut Vec<Change>) {
    let before: BTreeMap<&str, &str> = old
        .facts
        .iter()
        .map(|f| (f.label.as_str(), f.value.as_str()))
        .collect();
    let after: BTreeMap<&str, &str> = new
        .facts
        .iter()
        .map(|f| (f.label.as_str(), f.value.as_str()))
        .collect();
    let labels: std::collections::BTreeSet<&str> =
        before.keys().chain(after.keys()).copied().collect();
    let facts_at = at.key("facts");
    for label in labels {
        let (o, n) = (before.get(label).copied(), after.get(label).copied());
        if o != n {
            out.push(Change {
                field: format!("facts.{label:?}"),
                values: (short(o) && short(n)).then(|| (o.map(String::from), n.map(String::from))),
                offset: at.find_from(facts_at, label),
                site_source: None,
            });
        }
    }
}

fn sources(old: &Fields, new: &Fields, at: &Locator<'_>, out: &mut Vec<Change>) {
    let site_wide = |id: &str| {
        at.item
            .rendered
            .sources
            .iter()
            .any(|c| c.id == id && c.site_wide)
    };
    for (i, n) in new.sources.iter().enumerate() {
        let Some(o) = old.sources.iter().find(|o| o.id == n.id) else {
            out.push(Change {
                field: format!("sources[{i}] (`{}`, added)", n.id),
                values: None,
                offset: at.page_source(&n.id, "id"),
                site_source: None,
            });
            continue;
        };
        for ((key, ov), (_, nv)) in o.named().into_iter().zip(n.named()) {
            if ov == nv {
                continue;
            }
            let wide = site_wide(&n.id);
            out.push(Change {
                field: format!("sources[{i}].{key}"),
                values: (short(ov) && short(nv))
                    .then(|| (ov.map(String::from), nv.map(String::from))),
                offset: if wide { 0 } else { at.page_source(&n.id, key) },
                site_source: wide.then(|| n.id.clone()),
            });
        }
    }
    for (i, o) in old.sources.iter().enumerate() {
        if !new.sources.iter().any(|n| n.id == o.id) {
            out.push(Change {
                field: format!("sources[{i}] (`{}`, removed)", o.id),
                values: None,
                offset: at.key("sources"),
                site_source: None,
            });
        }
    }
}

/// How the notices of a published item compare with the recorded ones.
#[derive(Debug, Default)]
pub(super) struct NoticeDiff<'a> {
    /// Recorded notices that are there with another kind or text: (recorded, now).
    pub(super) changed: Vec<(&'a Notice, &'a Notice)>,
    /// Recorded notices that are gone.
    pub(super) removed: Vec<&'a Notice>,
    /// Notices that are not recorded yet.
    pub(super) added: Vec<&'a Notice>,
}

/// Matches recorded notices with the current ones: exactly first, then by date (an edited one).
pub(super) fn notices<'a>(recorded: &'a [Notice], now: &'a [Notice]) -> NoticeDiff<'a> {
    let mut free: Vec<Option<&Notice>> = now.iter().map(Some).collect();
    let mut take = |pred: &dyn Fn(&Notice) -> bool| {
        free.iter_mut()
            .find(|slot| slot.is_some_and(pred))
            .and_then(Option::take)
    };
    let mut unmatched = Vec::new();
    for r in recorded {
        if take(&|n| n == r).is_none() {
            unmatched.push(r);
        }
    }
    let mut diff = NoticeDiff::default();
    for r in unmatched {
        match take(&|n| n.date == r.date) {
            Some(n) => diff.changed.push((r, n)),
            None => diff.removed.push(r),
        }
    }
    diff.added = free.into_iter().flatten().collect();
    diff
}

/// A diagnostic at the `date` line of the notice in the item's front matter.
pub(super) fn notice_diagnostic(item: &Item, notice: &Notice, message: String) -> Diagnostic {
    let front = &item.text[..item.body_offset];
    let mut offset = 0;
    let mut found = None;
    for line in front.split_inclusive('\n') {
        let t = line.trim_start().trim_start_matches("- ");
        let value = t
            .strip_prefix("date")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('=').or_else(|| r.strip_prefix(':')));
        if let Some(value) = value {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            let same = crate::dates::parse_in(value, &item.tz)
                .is_ok_and(|ts| crate::dates::rfc3339_utc(ts) == notice.date);
            if same {
                // The last match: notices come after the item's own `date` line.
                found = Some(offset + (line.len() - line.trim_start().len()));
            }
        }
        offset += line.len();
    }
    let offset =
        found.unwrap_or_else(|| crate::keys::find_key_offset(front, super::kind_key(&notice.kind)));
    let (line, col) = LineIndex::new(&item.text).position(offset);
    Diagnostic::error(&item.src.rel, line, col, message)
}

/// Changes to site-wide sources (`data/sources.toml`) on published items, gathered so that one
/// error per source names every item it would silently change.
#[derive(Debug, Default)]
pub(super) struct SiteSourceChanges {
    by_id: BTreeMap<String, (Vec<String>, Vec<String>, String)>,
}

impl SiteSourceChanges {
    /// Whether no change was added.
    pub(super) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub(super) fn add(&mut self, id: &str, change: &Change, item: &str, last_change: &str) {
        let (fields, items, last) = self.by_id.entry(id.to_string()).or_default();
        let key = change.field.rsplit('.').next().unwrap_or(&change.field);
        let what = format!("`{key}`{}", change.values());
        if !fields.contains(&what) {
            fields.push(what);
        }
        if !items.iter().any(|i| i == item) {
            items.push(item.to_string());
        }
        if last_change > last.as_str() {
            *last = last_change.to_string();
        }
    }

    /// Adds the changes `later` gathered (from items after this one's), as if each had been
    /// added here in turn.
    pub(super) fn merge(&mut self, later: SiteSourceChanges) {
        for (id, (fields, items, last_change)) in later.by_id {
            let (all_fields, all_items, last) = self.by_id.entry(id).or_default();
            for what in fields {
                if !all_fields.contains(&what) {
                    all_fields.push(what);
                }
            }
            for item in items {
                if !all_items.contains(&item) {
                    all_items.push(item);
                }
            }
            if last_change > *last {
                *last = last_change;
            }
        }
    }

    pub(super) fn diagnostics(self, root: &std::path::Path) -> Vec<Diagnostic> {
        const FILE: &str = "data/sources.toml";
        let text = std::fs::read_to_string(root.join(FILE)).unwrap_or_default();
        let lines = LineIndex::new(&text);
        self.by_id
            .into_iter()
            .map(|(id, (fields, items, last))| {
                let (line, col) = lines.position(id_line(&text, &id).unwrap_or(0));
                Diagnostic::error(FILE, line, col, format!(
                    "site-wide source `{id}` changed ({}) and published items show it: {}",
                    fields.join("; "),
                    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
                ))
                .with_help(format!(
                    "published evidence does not change silently: restore the recorded values, add a new source with its own id for the new document, or add a dated correction (after {last}) to each item listed"
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(date: &str, kind: &str, text: &str) -> Notice {
        Notice {
            date: date.into(),
            kind: kind.into(),
            text: text.into(),
        }
    }

    #[test]
    fn notices_match_exactly_then_by_date() {
        let recorded = [n("1", "correction", "a"), n("2", "correction", "b")];
        let now = [
            n("1", "editorial", "a"),
            n("3", "update", "c"),
            n("2", "correction", "b"),
        ];
        let d = notices(&recorded, &now);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].1.kind, "editorial");
        assert!(d.removed.is_empty());
        assert_eq!(d.added, [&now[1]]);

        let later = [n("2", "correction", "b"), n("4", "correction", "x")];
        let d = notices(&recorded, &later);
        assert_eq!(
            d.removed,
            [&recorded[0]],
            "one removed and one added, same count"
        );
        assert_eq!(d.added.len(), 1);
    }

    #[test]
    fn an_id_line_is_found_in_toml_and_yaml() {
        let toml =
            "title = \"x\"\n[[sources]]\nid = \"a\"\n[[sources]]\nid = \"permit\"\nurl = \"u\"\n";
        assert_eq!(id_line(toml, "permit"), toml.find("id = \"permit\""));
        let yaml = "sources:\n  - id: permit\n    url: u\n";
        assert_eq!(id_line(yaml, "permit"), yaml.find("- id: permit"));
        assert_eq!(id_line(toml, "nope"), None);
    }
}
