//! An item's `[event]` (a press conference, earnings call, AGM), checked: its start and end
//! as instants, read in the event's own zone (or the item's), where it takes place and where
//! to register. Every fault is an error at its key in the `[event]` table.

use crate::content::ParsedItem;
use crate::content::frontmatter::EventRaw;
use crate::dates::{parse_in, time_zone};
use crate::diag::{Diagnostic, LineIndex};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A checked event.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    /// When it starts.
    pub start: Timestamp,
    /// When it ends, if said.
    pub end: Option<Timestamp>,
    /// The zone its times are shown in, as [`Event::tz_name`] names it.
    #[serde(skip)]
    pub tz: TimeZone,
    /// IANA name of `tz`.
    pub tz_name: String,
    /// Where it takes place.
    pub location: Option<String>,
    /// Where to follow it online.
    pub online: Option<String>,
    /// Where to register.
    pub registration: Option<String>,
}

impl Event {
    /// Whether it has not ended at `now` (one without an end: has not started).
    pub fn upcoming_at(&self, now: Timestamp) -> bool {
        self.end.unwrap_or(self.start) >= now
    }
}

/// Checks the item's `[event]`, if it has one; `item_zone` is the item's zone and its name.
pub fn check(
    p: &ParsedItem,
    item_zone: (&TimeZone, &str),
    errors: &mut Vec<Diagnostic>,
) -> Option<Event> {
    let raw = p.front.event.as_ref()?;
    let before = errors.len();
    let at = |key: &str, message: String, help: &str| {
        let (line, col) = LineIndex::new(&p.text).position(p.front_offset + key_offset(p, key));
        Diagnostic::error(&p.src.rel, line, col, message).with_help(help)
    };
    let (tz, tz_name) = match &raw.timezone {
        Some(name) => match time_zone(name) {
            Ok(tz) => (tz, name.clone()),
            Err(e) => {
                errors.push(at(
                    "timezone",
                    format!("in [event]: {e}"),
                    "write the zone the event takes place in, e.g. `timezone = \"Europe/Stockholm\"`, or remove the key to use the item's zone",
                ));
                (item_zone.0.clone(), item_zone.1.to_string())
            }
        },
        None => (item_zone.0.clone(), item_zone.1.to_string()),
    };
    let mut time = |key: &str, text: &str| -> Option<Timestamp> {
        if is_date_only(text) {
            errors.push(at(
                key,
                format!("the event's `{key}` `{text}` has no time of day"),
                "write a date-time such as `2026-11-18T10:00:00` (read in the event's zone) or with its offset",
            ));
            return None;
        }
        parse_in(text, &tz)
            .map_err(|e| {
                errors.push(at(
                    key,
                    format!("in [event]: {e}"),
                    "write `2026-11-18T10:00:00` (read in the event's zone) or `2026-11-18T10:00:00+01:00`",
                ))
            })
            .ok()
    };
    let start = time("start", &raw.start.0);
    let end = raw.end.as_ref().and_then(|e| time("end", &e.0));
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(at(
            "end",
            format!(
                "the event ends ({}) before it starts ({})",
                raw.end.as_ref().map(|d| d.0.as_str()).unwrap_or(""),
                raw.start.0
            ),
            "make `end` later than `start` (both are read in the event's `timezone`)",
        ));
    }
    check_urls(raw, &at, errors);
    if errors.len() > before {
        return None;
    }
    Some(Event {
        start: start?,
        end,
        tz,
        tz_name,
        location: nonempty(&raw.location),
        online: nonempty(&raw.online),
        registration: nonempty(&raw.registration),
    })
}

/// `online` and `registration` are links readers follow from a calendar: absolute web URLs.
fn check_urls(
    raw: &EventRaw,
    at: &dyn Fn(&str, String, &str) -> Diagnostic,
    errors: &mut Vec<Diagnostic>,
) {
    for (key, value) in [("online", &raw.online), ("registration", &raw.registration)] {
        let Some(url) = value.as_deref().map(str::trim) else {
            continue;
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            errors.push(at(
                key,
                format!("the event's `{key}` `{url}` is not a web address"),
                "write the full address, starting with `https://`",
            ));
        }
    }
}

fn nonempty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `2026-11-18` alone: an event needs the time it starts.
fn is_date_only(text: &str) -> bool {
    let t = text.trim();
    t.len() == 10 && !t.contains(['T', 't', ' '])
}

/// Byte offset in the front matter of `key` inside the `[event]` table (or of the table).
fn key_offset(p: &ParsedItem, key: &str) -> usize {
    let front = p.front_text();
    let table = crate::keys::find_key_offset(front, "event");
    // The table's own line comes first, so a key found at 0 was not found.
    match crate::keys::find_key_offset(&front[table..], key) {
        0 => table,
        i => table + i,
    }
}
