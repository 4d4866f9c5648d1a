//! iCalendar (RFC 5545) files of events: `event.ics` beside each event's page, and a
//! subscribable calendar of each language's events at `/events.ics` (`/fr/events.ics`, ...).
//!
//! Times are written in UTC (`…Z`), so no `VTIMEZONE` is needed and every client shows the
//! right instant across daylight-saving changes. The bytes depend only on the site: the UID
//! is the item's stable id, DTSTAMP its updated or published time. Lines end in CRLF and are
//! folded at 75 octets, never inside a UTF-8 character.

use super::feeds::item_tag;
use super::{Output, RenderCtx};
use crate::model::event::Event;
use crate::model::{ItemId, Site, Surface};
use jiff::Timestamp;

/// The site path of an item's `event.ics`: beside its page.
pub fn event_path(item_path: &str) -> String {
    format!("{item_path}event.ics")
}

/// The site path of a language's calendar feed (`lang_prefix` is `""` or `/fr`).
pub fn feed_path(lang_prefix: &str) -> String {
    format!("{lang_prefix}/events.ics")
}

/// Every calendar file of the build: one per event whose page is written, and one feed per
/// language that has an event in its feeds (a calendar must hold at least one event).
pub fn outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let site = ctx.site;
    let with_event = |surface: Surface| {
        site.items
            .iter()
            .enumerate()
            .filter(move |(_, item)| item.event.is_some() && item.appears_in(surface))
            .map(|(id, _)| id)
    };
    let mut out: Vec<Output> = with_event(Surface::Page)
        .map(|id| Output {
            path: event_path(&site.items[id].path),
            bytes: calendar(ctx, &site.items[id].title, &[id]).into_bytes(),
        })
        .collect();
    for lang in &ctx.config.languages {
        let mut ids: Vec<ItemId> = with_event(Surface::Feeds)
            .filter(|&id| site.items[id].lang == lang.code)
            .collect();
        if ids.is_empty() {
            continue;
        }
        sort_by_start(site, &mut ids);
        let name = ctx
            .theme
            .string(&lang.code, "events", &ctx.config.default_language)
            .unwrap_or("Events");
        let title = format!("{}: {name}", ctx.config.title);
        out.push(Output {
            path: feed_path(&ctx.config.lang_prefix(&lang.code)),
            bytes: calendar(ctx, &title, &ids).into_bytes(),
        });
    }
    out
}

/// Events by start, then by page path: the feed's order.
pub fn sort_by_start(site: &Site, ids: &mut [ItemId]) {
    let start = |id: ItemId| site.items[id].event.as_ref().map(|e| e.start);
    ids.sort_by(|&a, &b| {
        start(a)
            .cmp(&start(b))
            .then_with(|| site.items[a].path.cmp(&site.items[b].path))
    });
}

/// A `VCALENDAR` of the events of `ids` (each item has one).
fn calendar(ctx: &RenderCtx<'_>, name: &str, ids: &[ItemId]) -> String {
    let mut ics = Ics::default();
    ics.line("BEGIN", "VCALENDAR");
    ics.line("VERSION", "2.0");
    ics.line("PRODID", "-//pressroom//events//EN");
    ics.line("CALSCALE", "GREGORIAN");
    ics.line("METHOD", "PUBLISH");
    ics.text("X-WR-CALNAME", name);
    for &id in ids {
        vevent(ctx, &mut ics, id);
    }
    ics.line("END", "VCALENDAR");
    ics.0
}

/// One `VEVENT`.
fn vevent(ctx: &RenderCtx<'_>, ics: &mut Ics, id: ItemId) {
    let (site, config) = (ctx.site, ctx.config);
    let item = &site.items[id];
    let Some(event) = &item.event else { return };
    let url = config.permalink(&config.url(&item.path));
    ics.line("BEGIN", "VEVENT");
    ics.text("UID", &item_tag(config, site, id));
    // When this description of the event last changed: deterministic, unlike the build time.
    let stamp = item.modified().or(item.date).unwrap_or(event.start);
    ics.line("DTSTAMP", &utc(stamp));
    ics.line("DTSTART", &utc(event.start));
    if let Some(end) = event.end {
        ics.line("DTEND", &utc(end));
    }
    ics.text("SUMMARY", &item.title);
    ics.text("DESCRIPTION", &description(item, event, &url));
    if let Some(place) = event.location.as_ref().or(event.online.as_ref()) {
        ics.text("LOCATION", place);
    }
    ics.line("URL", &url);
    let status = if item.withdrawn.is_some() {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    ics.line("STATUS", status);
    ics.line("END", "VEVENT");
}

/// The summary, then where to follow and register, then the page.
fn description(item: &crate::model::Item, event: &Event, url: &str) -> String {
    let mut parts = Vec::new();
    if !item.rendered.summary_text.is_empty() {
        parts.push(item.rendered.summary_text.clone());
    }
    // LOCATION holds the online address only when there is no place.
    if let (Some(_), Some(online)) = (&event.location, &event.online) {
        parts.push(online.clone());
    }
    if let Some(registration) = &event.registration {
        parts.push(registration.clone());
    }
    parts.push(url.to_string());
    parts.join("\n\n")
}

/// An instant as an RFC 5545 UTC date-time: `20261118T090000Z`.
fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 content lines, CRLF-ended and folded.
#[derive(Default)]
struct Ics(String);

impl Ics {
    /// A property whose value is written as is (names, date-times, URIs).
    fn line(&mut self, name: &str, value: &str) {
        fold_into(&mut self.0, &format!("{name}:{value}"));
    }

    /// A TEXT property: `\`, `;`, `,` and newlines escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.line(name, &escape_text(value));
    }
}

/// RFC 5545 §3.3.11: backslash, semicolon and comma are escaped, a newline is `\n`.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // Other controls are not allowed in TEXT (§3.1); a tab is.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 5545 §3.1: a line is at most 75 octets before its CRLF; a longer one continues on
/// lines starting with a space. Cuts fall between characters, never inside one.
fn fold_into(out: &mut String, line: &str) {
    let mut room = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            // The leading space counts.
            room = 74;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "Å".repeat(100));
        fold_into(&mut out, &long);
        for line in out.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        let mut short = String::new();
        fold_into(&mut short, &"x".repeat(75));
        assert_eq!(short, format!("{}\r\n", "x".repeat(75)), "75 octets fit");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
    }
}
