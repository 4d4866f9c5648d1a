//! Events (#20 point 4): `[event]` in front matter, checked at its keys; `event.ics` beside
//! each event's page and the `/events.ics` calendar, read back by a strict RFC 5545 parser
//! written here (CRLF, 75-octet lines, folding, escaping, nesting, required properties).

use crate::common;
use common::{BASE_URL, SiteTest, assert_absent_everywhere};
use std::collections::BTreeMap;

/// A newsroom with events in Stockholm (summer and winter), Seoul, one past, one withdrawn and
/// one embargoed; the build's clock is [`common::NOW`] (2026-11-23T08:00:00Z).
fn newsroom() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"Acme Newsroom\"\nbase_url = \"{BASE_URL}\"\ntimezone = \"Europe/Stockholm\"\n"),
    )
    .file("content/press/_index.md", "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n")
    .file(
        "content/press/agm.md",
        &common::item(
            "Annual general meeting 2027",
            "2026-11-20T10:00:00Z",
            "summary = \"Shareholders meet; votes, dividends, and the board.\"\n[event]\nstart = 2027-06-15T10:00:00\nend = \"2027-06-15 12:30\"\nlocation = \"Stockholm City Hall, Hantverkargatan 1\"\nregistration = \"https://acme.example/agm\"\n",
            "The meeting.",
        ),
    )
    .file(
        "content/press/q4.md",
        &common::item(
            "Q4 earnings call",
            "2026-11-21T10:00:00Z",
            "updated = 2026-11-22T09:00:00Z\n[event]\nstart = 2027-01-20T10:00:00\nend = 2027-01-20T11:30:00\nonline = \"https://acme.example/live\"\n",
            "Join the call.",
        ),
    )
    .file(
        "content/press/seoul.md",
        &common::item(
            &format!("서울 기자간담회, {}", "신제품; 발표 ".repeat(8)),
            "2026-11-21T10:00:00Z",
            "[event]\nstart = 2027-02-03T09:00:00\ntimezone = \"Asia/Seoul\"\nlocation = \"서울 코엑스\"\nonline = \"https://acme.example/seoul\"\n",
            "기자간담회.",
        ),
    )
    .file(
        "content/press/past.md",
        &common::item(
            "Capital markets day",
            "2026-09-01T10:00:00Z",
            "[event]\nstart = 2026-10-01T10:00:00Z\n",
            "It was.",
        ),
    )
    .file(
        "content/press/cancelled.md",
        &common::item(
            "Site visit",
            "2026-11-01T10:00:00Z",
            "[withdrawn]\ndate = 2026-11-05T10:00:00Z\nreason = \"Postponed.\"\n[event]\nstart = 2026-12-10T10:00:00\n",
            "Visit.",
        ),
    )
    .file(
        "content/press/merger.md",
        &common::item(
            "Secret merger call",
            "2026-11-20T10:00:00Z",
            "embargo = 2026-12-01T08:00:00Z\n[event]\nstart = 2026-12-01T09:00:00\nlocation = \"Hidden venue\"\n",
            "Secret.",
        ),
    );
    site
}

/// One calendar component: its properties (name → unescaped values) and its children.
#[derive(Debug, Default)]
struct Component {
    name: String,
    props: BTreeMap<String, Vec<String>>,
    children: Vec<Component>,
}

impl Component {
    fn one(&self, name: &str) -> &str {
        let values = self.props.get(name).map(Vec::as_slice).unwrap_or(&[]);
        assert_eq!(
            values.len(),
            1,
            "{} needs exactly one {name}: {values:?}",
            self.name
        );
        &values[0]
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.props.get(name).map(|v| v[0].as_str())
    }
}

/// Parses an iCalendar stream strictly, panicking at the first violation of RFC 5545: every
/// line CRLF-ended and at most 75 octets, folded lines unfolded, `NAME[;params]:value`
/// lines, BEGIN/END balanced, TEXT escapes valid, the required properties present once.
fn parse_ics(bytes: &[u8]) -> Component {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "the stream ends with CRLF");
    let mut lines: Vec<String> = Vec::new();
    for physical in text[..text.len() - 2].split("\r\n") {
        assert!(
            !physical.contains(['\r', '\n']),
            "a bare CR or LF: {physical:?}"
        );
        assert!(
            physical.len() <= 75,
            "{} octets: {physical:?}",
            physical.len()
        );
        match physical.strip_prefix([' ', '\t']) {
            Some(rest) => lines
                .last_mut()
                .expect("a folded first line")
                .push_str(rest),
            None => lines.push(physical.to_string()),
        }
    }
    let mut stack: Vec<Component> = vec![Component::default()];
    for line in lines {
        let (head, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("no `:` in {line:?}"));
        let name = head.split(';').next().expect("a name");
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
            "bad property name {name:?}"
        );
        match name {
            "BEGIN" => stack.push(Component {
                name: value.into(),
                ..Default::default()
            }),
            "END" => {
                let done = stack.pop().expect("END without BEGIN");
                assert_eq!(done.name, value, "END does not match BEGIN");
                check_component(&done);
                stack
                    .last_mut()
                    .expect("END of the top level")
                    .children
                    .push(done);
            }
            _ => {
                let value = if is_text(name) {
                    unescape(value)
                } else {
                    value.to_string()
                };
                stack
                    .last_mut()
                    .expect("inside")
                    .props
                    .entry(name.into())
                    .or_default()
                    .push(value);
            }
        }
    }
    let mut top = stack.pop().expect("top");
    assert!(stack.is_empty(), "unclosed component");
    assert!(top.props.is_empty(), "properties outside VCALENDAR");
    assert_eq!(top.children.len(), 1, "one VCALENDAR");
    top.children.pop().expect("VCALENDAR")
}

fn is_text(name: &str) -> bool {
    matches!(
        name,
        "SUMMARY" | "DESCRIPTION" | "LOCATION" | "UID" | "X-WR-CALNAME"
    )
}

/// RFC 5545 §3.3.11: `\\`, `\;`, `\,`, `\n`/`\N`; an unescaped `;` or `,` is not TEXT.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some(';') => out.push(';'),
                Some(',') => out.push(','),
                Some('n' | 'N') => out.push('\n'),
                other => panic!("bad escape \\{other:?} in {value:?}"),
            },
            ';' | ',' => panic!("unescaped {c:?} in TEXT {value:?}"),
            c => out.push(c),
        }
    }
    out
}

fn check_component(c: &Component) {
    let utc = |v: &str| {
        assert!(
            v.len() == 16 && v.as_bytes()[8] == b'T' && v.ends_with('Z'),
            "not a UTC date-time: {v:?}"
        );
    };
    match c.name.as_str() {
        "VCALENDAR" => {
            assert_eq!(c.one("VERSION"), "2.0");
            assert!(!c.one("PRODID").is_empty());
            assert!(
                !c.children.is_empty(),
                "a calendar holds at least one component"
            );
        }
        "VEVENT" => {
            assert!(!c.one("UID").is_empty());
            utc(c.one("DTSTAMP"));
            utc(c.one("DTSTART"));
            if let Some(end) = c.get("DTEND") {
                utc(end);
                assert!(end >= c.one("DTSTART"), "ends before it starts");
            }
            c.one("SUMMARY");
        }
        other => panic!("unexpected component {other}"),
    }
}

fn events_by_summary(cal: &Component) -> BTreeMap<String, &Component> {
    cal.children
        .iter()
        .map(|e| (e.one("SUMMARY").to_string(), e))
        .collect()
}

#[test]
fn calendars_parse_strictly_with_the_right_instants_across_zones_and_dst() {
    let site = newsroom();
    let run = site.build_ok();
    let read = |rel: &str| std::fs::read(site.out().join(rel)).unwrap_or_else(|_| panic!("{rel}"));
    let feed = parse_ics(&read("events.ics"));
    let events = events_by_summary(&feed);
    let agm = events["Annual general meeting 2027"];
    // Stockholm in summer is UTC+2, in winter UTC+1.
    assert_eq!(agm.one("DTSTART"), "20270615T080000Z");
    assert_eq!(agm.one("DTEND"), "20270615T103000Z");
    assert_eq!(
        agm.one("LOCATION"),
        "Stockholm City Hall, Hantverkargatan 1"
    );
    assert!(
        agm.one("DESCRIPTION")
            .starts_with("Shareholders meet; votes, dividends, and the board.\n\n")
    );
    assert!(agm.one("DESCRIPTION").contains("https://acme.example/agm"));
    assert_eq!(agm.one("URL"), format!("{BASE_URL}/press/agm/"));
    assert_eq!(agm.one("STATUS"), "CONFIRMED");
    // DTSTAMP is the published time, or the updated one: never the build's clock.
    assert_eq!(agm.one("DTSTAMP"), "20261120T100000Z");
    let q4 = events["Q4 earnings call"];
    assert_eq!(q4.one("DTSTART"), "20270120T090000Z");
    assert_eq!(q4.one("DTEND"), "20270120T103000Z");
    assert_eq!(
        q4.one("LOCATION"),
        "https://acme.example/live",
        "online only: the address"
    );
    assert_eq!(q4.one("DTSTAMP"), "20261122T090000Z");
    // Seoul is UTC+9 all year; the long Korean title with `,` and `;` folds and unescapes.
    let seoul_title = format!("서울 기자간담회, {}", "신제품; 발표 ".repeat(8))
        .trim()
        .to_string();
    let seoul = events[&seoul_title];
    assert_eq!(seoul.one("DTSTART"), "20270203T000000Z");
    assert!(seoul.get("DTEND").is_none());
    assert!(
        seoul
            .one("DESCRIPTION")
            .contains("https://acme.example/seoul"),
        "place and link"
    );
    assert_eq!(
        events["Site visit"].one("STATUS"),
        "CANCELLED",
        "a withdrawn event is cancelled"
    );
    assert!(
        events.contains_key("Capital markets day"),
        "past events stay in the calendar"
    );
    assert_eq!(events.len(), 5);
    // UIDs are the items' stable ids, distinct.
    let uids: std::collections::BTreeSet<&str> =
        feed.children.iter().map(|e| e.one("UID")).collect();
    assert_eq!(uids.len(), 5);
    assert!(
        uids.contains("tag:example.com,2026-11-20:press/agm"),
        "{uids:?}"
    );
    // One file per event, beside its page, with the same event.
    let single = parse_ics(&read("press/agm/event.ics"));
    assert_eq!(single.children.len(), 1);
    assert_eq!(single.children[0].one("UID"), agm.one("UID"));
    assert_eq!(single.children[0].one("DTSTART"), agm.one("DTSTART"));
    parse_ics(&read("press/cancelled/event.ics"));
    assert!(!run.exists("/press/merger/event.ics"));
}

#[test]
fn an_embargoed_event_is_absent_everywhere() {
    let site = newsroom();
    site.build_ok();
    assert_absent_everywhere(&site.out(), &["Secret merger", "Hidden venue", "merger"]);
}

#[test]
fn calendars_are_byte_identical_across_builds() {
    let site = newsroom();
    site.build_ok();
    let first = common::hash_tree(&site.out());
    // A later clock: DTSTAMP must not follow it.
    site.build_args(&["--now", "2026-11-24T08:00:00Z"])
        .assert_ok();
    let second = common::hash_tree(&site.out());
    for f in ["events.ics", "press/agm/event.ics", "press/seoul/event.ics"] {
        assert_eq!(first.get(f), second.get(f), "{f}");
        assert!(first.contains_key(f), "{f}");
    }
}

#[test]
fn event_errors_point_at_their_keys_with_a_fix() {
    let site = newsroom();
    site.file(
        "content/press/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2026-11-20T10:00:00Z\n\n[event]\nstart = 2027-01-20T10:00:00\nend = 2027-01-20T09:00:00\ntimezone = \"Europe/Stokholm\"\nregistration = \"acme.example/register\"\n+++\n",
    )
    .file(
        "content/press/typo.md",
        "+++\ntitle = \"Typo\"\ndate = 2026-11-20T10:00:00Z\n[event]\nstrat = 2027-01-20T10:00:00\n+++\n",
    );
    let run = site.build();
    run.assert_code(1);
    let bad = run.errors_in("content/press/bad.md");
    let at = |line: usize, needle: &str| {
        assert!(
            bad.iter()
                .any(|d| d.line == line && d.message.contains(needle)),
            "no error at line {line} about {needle}: {bad:#?}"
        );
    };
    at(8, "unknown time zone");
    at(9, "not a web address");
    assert!(
        run.stderr
            .contains("help: write the zone the event takes place in"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: write the full address"),
        "{}",
        run.stderr
    );
    let typo = run.errors_in("content/press/typo.md");
    assert_eq!(typo.len(), 1, "{typo:#?}");
    assert_eq!(typo[0].line, 5, "{typo:#?}");
    assert!(typo[0].message.contains("`start`"), "{typo:#?}");
    // End before start, once the zone is right.
    site.file(
        "content/press/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2026-11-20T10:00:00Z\n\n[event]\nstart = 2027-01-20T10:00:00\nend = 2027-01-20T09:00:00\n+++\n",
    )
    .remove("content/press/typo.md");
    let run = site.build();
    run.assert_code(1);
    let bad = run.errors_in("content/press/bad.md");
    assert_eq!(bad.len(), 1, "{bad:#?}");
    assert_eq!((bad[0].line, bad[0].col), (7, 1));
    assert!(bad[0].message.contains("ends"), "{bad:#?}");
    assert!(
        run.stderr.contains("help: make `end` later than `start`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_item_page_shows_its_event_and_describes_it_in_json_ld() {
    let site = newsroom();
    let run = site.build_ok();
    let page = run.html("/press/agm/");
    let start = common::attrs(&page, "aside.event time.event-start", "datetime");
    assert_eq!(start, ["2027-06-15T10:00:00+02:00"], "in the event's zone");
    assert_eq!(
        common::attrs(&page, "aside.event time.event-end", "datetime"),
        ["2027-06-15T12:30:00+02:00"]
    );
    assert_eq!(
        common::texts(&page, ".event-location"),
        ["Stockholm City Hall, Hantverkargatan 1"]
    );
    assert_eq!(
        common::attrs(&page, "a.event-registration", "href"),
        ["https://acme.example/agm"]
    );
    let ics = common::attrs(&page, "a.event-ics", "href");
    assert_eq!(ics.len(), 1);
    assert!(run.exists(&ics[0]), "{ics:?}");
    let ld: Vec<serde_json::Value> = common::texts(&page, "script[type='application/ld+json']")
        .iter()
        .map(|t| serde_json::from_str(t).expect("JSON-LD"))
        .collect();
    let article = ld
        .iter()
        .find(|v| v["@type"] == "NewsArticle")
        .expect("the article");
    let event = &article["about"];
    assert_eq!(event["@type"], "Event");
    assert_eq!(event["name"], "Annual general meeting 2027");
    assert_eq!(event["startDate"], "2027-06-15T10:00:00+02:00");
    assert_eq!(event["endDate"], "2027-06-15T12:30:00+02:00");
    assert_eq!(event["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(event["location"]["@type"], "Place");
    assert_eq!(event["offers"]["url"], "https://acme.example/agm");
    let q4 = run.html("/press/q4/");
    let ld = common::texts(&q4, "script[type='application/ld+json']");
    let q4: serde_json::Value = serde_json::from_str(&ld[0]).expect("JSON-LD");
    assert_eq!(
        q4["about"]["startDate"], "2027-01-20T10:00:00+01:00",
        "winter time"
    );
    assert_eq!(
        q4["about"]["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(q4["about"]["location"]["url"], "https://acme.example/live");
    let cancelled = run.html("/press/cancelled/");
    let ld = common::texts(&cancelled, "script[type='application/ld+json']");
    let cancelled: serde_json::Value = serde_json::from_str(&ld[0]).expect("JSON-LD");
    assert_eq!(
        cancelled["about"]["eventStatus"],
        "https://schema.org/EventCancelled"
    );
    // An item without an event has neither.
    site.file(
        "content/press/plain.md",
        &common::item("Plain", "2026-11-20T10:00:00Z", "", "Text."),
    );
    let run = site.build_ok();
    let plain = run.html("/press/plain/");
    assert!(common::texts(&plain, "aside.event").is_empty());
    assert!(!common::texts(&plain, "script[type='application/ld+json']")[0].contains("\"Event\""));
}

#[test]
fn the_home_page_lists_upcoming_events_soonest_first() {
    let site = newsroom();
    let run = site.build_ok();
    let home = run.html("/");
    let titles = common::texts(&home, ".home-events .event-list a");
    // Past and withdrawn events are not upcoming; the embargoed one is not out.
    assert_eq!(
        titles,
        [
            "Q4 earnings call".to_string(),
            format!("서울 기자간담회, {}", "신제품; 발표 ".repeat(8))
                .trim()
                .to_string(),
            "Annual general meeting 2027".to_string(),
        ]
    );
    let feed = common::attrs(&home, ".home-events a[type='text/calendar']", "href");
    assert_eq!(feed.len(), 1);
    assert!(run.exists(&feed[0]), "{feed:?}");
    // Relative to the build's clock: after the Q4 call has ended, it is gone.
    let later = site.build_args(&["--now", "2027-01-20T10:31:00Z"]);
    later.assert_ok();
    let titles = common::texts(&later.html("/"), ".home-events .event-list a");
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(!titles.iter().any(|t| t == "Q4 earnings call"));
}

/// Calendar apps and feed readers discover calendars through `<link rel="alternate">`: an
/// item with an event names its own `.ics`, the home page its language's `events.ics`.
#[test]
fn pages_with_events_name_their_calendar_in_the_head() {
    let site = newsroom();
    site.file(
        "content/press/plain.md",
        &common::item("No event here", "2026-11-20T10:00:00Z", "", "Text."),
    );
    let run = site.build_ok();
    let link = |url: &str| {
        common::attrs(
            &run.html(url),
            "head link[rel='alternate'][type='text/calendar']",
            "href",
        )
    };
    let item = link("/press/agm/");
    assert_eq!(item.len(), 1, "{item:?}");
    assert!(item[0].ends_with("/press/agm/event.ics"), "{item:?}");
    assert!(run.exists(&item[0]), "{item:?}");
    let home = link("/");
    assert_eq!(home.len(), 1, "{home:?}");
    assert!(home[0].ends_with("/events.ics"), "{home:?}");
    assert!(run.exists(&home[0]), "{home:?}");
    assert!(link("/press/plain/").is_empty());
}
