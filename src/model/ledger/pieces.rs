//! The public record (`/corrections/record.json`, see [`super::public_record`]) written from
//! its pieces, and again from the pieces of the last record written: serve writes the whole
//! record after every edit (its ledger holds the edited item's record hash), and at 10,000
//! items pretty-printing every event and item was a fifth of a body edit's CPU. After an edit
//! one item's entry is new, and the chain from its event on; every other piece is the last
//! record's, copied.
//!
//! The bytes are `serde_json`'s pretty print of the whole record: each event and item is
//! printed alone and indented to its depth (a printed JSON string holds no raw newline, so
//! every newline printed starts a line to indent), and the record around them is written as
//! the pretty printer writes an object (tested against it).

use super::{ABOUT, Entry, Event, Ledger, PublicEvent, PublicItem};

/// The start of an event's JSON, up to its chain link (the first field, keys being sorted).
const EVENT_HEAD: &[u8] = b"{\n      \"chain\": \"";

/// The pieces of the last record written (see the module's doc).
#[derive(Debug, Default)]
pub struct Pieces {
    /// Per event of the log: the event, its chain link, and its JSON after the link.
    events: Vec<(Event, String, Vec<u8>)>,
    /// Per item, in the ledger's order: what the record shows of it, and its JSON.
    items: Vec<(Shown, Vec<u8>)>,
}

/// What the public record shows of an entry.
#[derive(Debug)]
struct Shown {
    url: String,
    first_published: String,
    last_change: String,
    record: Option<String>,
    notices: Vec<(String, String)>,
}

impl Shown {
    fn of(e: &Entry) -> Shown {
        Shown {
            url: e.url.clone(),
            first_published: e.first_published.clone(),
            last_change: e.last_change.clone(),
            record: e.record.clone(),
            notices: (e.notices.iter())
                .map(|n| (n.date.clone(), n.kind.clone()))
                .collect(),
        }
    }

    /// Whether the record shows `e` as this.
    fn shows(&self, e: &Entry) -> bool {
        self.url == e.url
            && self.first_published == e.first_published
            && self.last_change == e.last_change
            && self.record == e.record
            && self.notices.len() == e.notices.len()
            && (self.notices.iter().zip(&e.notices))
                .all(|((date, kind), n)| *date == n.date && *kind == n.kind)
    }
}

impl Pieces {
    /// [`super::public_record_json`] of `ledger`, with every piece that is as it was in the
    /// last record these pieces wrote copied from it; the pieces are then this record's.
    pub fn json(&mut self, ledger: &Ledger, base_url: &str) -> Vec<u8> {
        self.update_events(&ledger.events);
        self.update_items(ledger);
        let size = (self.events.iter()).map(|(_, link, rest)| 24 + link.len() + rest.len());
        let size = size.sum::<usize>() + self.items.iter().map(|(_, b)| 6 + b.len()).sum::<usize>();
        let mut out = Vec::with_capacity(size + ABOUT.len() + 256);
        out.extend_from_slice(b"{\n  \"about\": ");
        string(&mut out, ABOUT);
        out.extend_from_slice(b",\n  \"events\": ");
        let events =
            (self.events.iter()).map(|(_, link, rest)| [EVENT_HEAD, link.as_bytes(), rest]);
        list(&mut out, events);
        out.extend_from_slice(b",\n  \"head\": ");
        string(&mut out, self.events.last().map_or("", |(_, link, _)| link));
        out.extend_from_slice(b",\n  \"items\": ");
        list(&mut out, self.items.iter().map(|(_, b)| [b.as_slice()]));
        out.extend_from_slice(b",\n  \"site\": ");
        string(&mut out, base_url);
        out.extend_from_slice(b",\n  \"version\": 1\n}");
        out
    }

    /// Each event's link and JSON: the last ones while the log is as it was; from the first
    /// event that differs on, every link anew (each reads the one before), and the JSON after
    /// the link anew only for the events that differ.
    fn update_events(&mut self, events: &[Event]) {
        let mut old = std::mem::take(&mut self.events).into_iter();
        self.events.reserve_exact(events.len());
        let mut line = Vec::with_capacity(256);
        let mut chain_kept = true;
        for (i, e) in events.iter().enumerate() {
            let previous = self.events.last().map_or("", |(_, link, _)| link.as_str());
            let piece = match old.next() {
                Some((was, link, rest)) if was == *e => match chain_kept {
                    true => (was, link, rest),
                    false => (was, super::link(previous, i + 1, e, &mut line), rest),
                },
                _ => {
                    chain_kept = false;
                    let link = super::link(previous, i + 1, e, &mut line);
                    (e.clone(), link, event_rest(e, i + 1))
                }
            };
            self.events.push(piece);
        }
    }

    /// Each item's JSON: the last one where the item in the same place is shown the same.
    fn update_items(&mut self, ledger: &Ledger) {
        let mut old = std::mem::take(&mut self.items).into_iter();
        self.items.reserve_exact(ledger.items.len());
        for e in ledger.items.values() {
            let piece = match old.next() {
                Some((shown, bytes)) if shown.shows(e) => (shown, bytes),
                _ => (Shown::of(e), item_json(e)),
            };
            self.items.push(piece);
        }
    }
}

/// An event's JSON after its chain link, as an element of the record's `events`.
fn event_rest(e: &Event, seq: usize) -> Vec<u8> {
    let whole = element(&PublicEvent {
        chain: "",
        date: &e.date,
        event: &e.event,
        record: &e.record,
        seq,
        url: &e.url,
    });
    debug_assert!(whole.starts_with(EVENT_HEAD));
    whole[EVENT_HEAD.len()..].to_vec()
}

/// An item's JSON, as an element of the record's `items`.
fn item_json(e: &Entry) -> Vec<u8> {
    element(&PublicItem::of(e))
}

/// A value's pretty JSON indented as an element of a list in the record (two levels deep).
fn element(value: &impl serde::Serialize) -> Vec<u8> {
    let flat = serde_json::to_vec_pretty(value).expect("strings and numbers serialize");
    let mut out = Vec::with_capacity(flat.len() + flat.len() / 4);
    for &b in &flat {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(b"    ");
        }
    }
    out
}

/// A JSON string.
fn string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("a string serializes");
}

/// A list of elements, each made of the pieces given, as the pretty printer writes it.
fn list<'a, const N: usize>(out: &mut Vec<u8>, elements: impl Iterator<Item = [&'a [u8]; N]>) {
    let mut empty = true;
    for element in elements {
        out.extend_from_slice(if empty { b"[\n    " } else { b",\n    " });
        empty = false;
        for piece in element {
            out.extend_from_slice(piece);
        }
    }
    out.extend_from_slice(if empty { b"[]" } else { b"\n  ]" });
}

#[cfg(test)]
mod tests {
    use super::super::public_record_json;
    use super::*;

    /// The record as the pretty printer writes it whole.
    fn whole(ledger: &Ledger) -> String {
        let record = public_record_json(ledger, "https://example.com/");
        String::from_utf8(record).expect("utf-8")
    }

    fn pieces(pieces: &mut Pieces, ledger: &Ledger) -> String {
        String::from_utf8(pieces.json(ledger, "https://example.com/")).expect("utf-8")
    }

    fn example() -> Ledger {
        Ledger::parse(include_str!("../../../published.lock")).expect("the example parses")
    }

    /// Written from pieces, the record is the whole printed at once, whatever it holds.
    #[test]
    fn the_record_from_pieces_is_the_record_printed_whole() {
        let example = example();
        assert!(example.items.values().any(|e| !e.notices.is_empty()));
        let shapes = [
            example.clone(),
            Ledger {
                events: Vec::new(),
                ..example.clone()
            },
            Ledger {
                items: Default::default(),
                ..example.clone()
            },
            Ledger::default(),
        ];
        for ledger in shapes {
            assert_eq!(pieces(&mut Pieces::default(), &ledger), whole(&ledger));
        }
    }

    /// Written again from the last record's pieces after the log and the entries changed (an
    /// event changed in the middle, one added, one gone; an entry changed, one gone), the
    /// record is the one printed whole: no link after a changed event is copied.
    #[test]
    fn the_record_from_the_last_pieces_is_the_new_record() {
        let first = example();
        let mut kept = Pieces::default();
        pieces(&mut kept, &first);
        let mut next = first.clone();
        let middle = next.events.len() / 2;
        next.events[middle].record = "sha256:edited".into();
        next.events.push(next.events[0].clone());
        let entry = next.items.values_mut().nth(1).expect("an entry");
        entry.last_change = "2026-12-07T00:00:00Z".into();
        entry.notices.clear();
        let gone = next.items.keys().next().cloned().expect("an entry");
        next.items.remove(&gone);
        let steps = [
            next.clone(),
            first.clone(),
            next.clone(),
            Ledger {
                events: next.events[..middle].to_vec(),
                ..next.clone()
            },
        ];
        for (n, ledger) in steps.iter().enumerate() {
            assert_eq!(pieces(&mut kept, ledger), whole(ledger), "step {n}");
        }
    }
}
