//! An item's published record: everything a reader of the item sees as its claims, in the
//! canonical form that the publication ledger records and compares (see [`super::ledger`]).
//!
//! Short values (title, date, dateline, authors, kind, facts, sources) are kept as they are, so
//! that a refused change can show the recorded and the new value and a reviewer can read
//! `published.lock`'s diff; long texts (summary, body, boilerplate, notices) are kept as hashes.
//! What is not in the record may change freely: contacts, tags, categories, image, `[extra]`,
//! the theme, and the people's records (a byline names an author by id).

use super::{Item, Site};
use crate::content::frontmatter::{NoticeKind, SourceRaw};
use pulldown_cmark::{Event, Parser, Tag};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The claims of one published item, as recorded in `published.lock`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    /// The title, as written.
    pub title: String,
    /// `post`, `release`, `statement`, `factsheet` or `page`.
    pub kind: String,
    /// The publication date (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The dateline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dateline: Option<String>,
    /// Author ids, in byline order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Hash of the front matter's `summary`, whitespace folded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Hash of the body: whitespace folded outside code, exact inside it.
    pub body: String,
    /// Hash of the release's "About" paragraph as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boilerplate: Option<String>,
    /// Fact-sheet rows, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// Every source the page shows, as resolved (page or site-wide), in the page's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

/// One fact-sheet row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// The label.
    pub label: String,
    /// The value, as written (citations included).
    pub value: String,
}

/// A source as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Its id.
    pub id: String,
    /// Title of the document.
    pub title: String,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Who published it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// An archived copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<String>,
    /// A note for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Source {
    fn of(raw: &SourceRaw) -> Self {
        Source {
            id: raw.id.clone(),
            title: raw.title.clone(),
            url: raw.url.clone(),
            publisher: raw.publisher.clone(),
            date: raw.date.as_ref().map(|d| d.0.clone()),
            archived: raw.archived.clone(),
            note: raw.note.clone(),
        }
    }

    /// The fields by name, in a fixed order (for naming what changed).
    pub fn named(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("id", Some(self.id.as_str())),
            ("title", Some(self.title.as_str())),
            ("url", self.url.as_deref()),
            ("publisher", self.publisher.as_deref()),
            ("date", self.date.as_deref()),
            ("archived", self.archived.as_deref()),
            ("note", self.note.as_deref()),
        ]
    }
}

/// A dated notice as recorded: a correction, clarification, editorial note, update or the
/// withdrawal. Notices are append-only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// When (RFC 3339, UTC).
    pub date: String,
    /// `correction`, `clarification`, `editorial`, `update` or `withdrawal`.
    pub kind: String,
    /// Hash of its text, whitespace folded.
    pub text: String,
}

/// The whole record of an item: its claims and its notices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The claims.
    pub fields: Fields,
    /// The notices, oldest first (ties by kind, then text).
    pub notices: Vec<Notice>,
}

impl Record {
    /// The record of `item`, whose Markdown has been rendered (the sources it shows are those
    /// the rendering found). `body_hash` is [`body_hash`] of the item, computed by the caller
    /// (the incremental layer keeps it between builds).
    pub fn of(site: &Site, item: &Item, body_hash: String) -> Record {
        Claims::of(site, item, &body_hash).record()
    }

    /// The hash of the whole record, as the public record (`/corrections/record.json`) shows it.
    pub fn hash(&self) -> String {
        hash_of(&self.fields, &self.notices)
    }
}

/// [`Record::hash`] of the record made of `fields` and `notices`.
pub fn hash_of(fields: &Fields, notices: &[Notice]) -> String {
    let json =
        serde_json::to_string(&(fields, notices)).expect("records are plain strings and lists");
    hex_hash(json.as_bytes())
}

/// A record with its [`Record::hash`]: what the ledger check takes for each published item
/// (the incremental layer keeps them between builds, by [`Claims::key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashed {
    /// The record.
    pub record: Record,
    /// Its hash.
    pub hash: String,
}

impl Hashed {
    /// The record of `item` and its hash (see [`Record::of`]).
    pub fn of(site: &Site, item: &Item, body_hash: String) -> Hashed {
        Hashed::from(Record::of(site, item, body_hash))
    }
}

impl From<Record> for Hashed {
    fn from(record: Record) -> Self {
        let hash = record.hash();
        Hashed { record, hash }
    }
}

/// Everything an item's [`Record`] is made of, as read from the item and the site before
/// any text is hashed: the record is a function of these alone, so a fingerprint of them
/// ([`Claims::key`]) keys a memo of records. [`Record::of`] goes through it, so nothing the
/// record reads can be left out of the key.
pub struct Claims<'a> {
    title: &'a str,
    kind: &'a str,
    date: Option<jiff::Timestamp>,
    dateline: Option<&'a str>,
    authors: &'a [String],
    summary: Option<&'a str>,
    /// [`body_hash`] of the body (itself kept by the text it hashes).
    body: &'a str,
    boilerplate: Option<&'a str>,
    facts: &'a [(String, String)],
    /// The sources the page shows, resolved (page or site-wide), in the page's order.
    sources: Vec<&'a SourceRaw>,
    /// (date, kind, text) of each notice, update and the withdrawal, unsorted.
    notices: Vec<(jiff::Timestamp, &'static str, &'a str)>,
}

impl<'a> Claims<'a> {
    /// What the record of `item` reads, with `body_hash` its body's [`body_hash`].
    pub fn of(site: &'a Site, item: &'a Item, body_hash: &'a str) -> Claims<'a> {
        let sources = item
            .rendered
            .sources
            .iter()
            .filter_map(|c| {
                let page = item.sources.iter().find(|s| s.id == c.id);
                page.or_else(|| site.sources.iter().find(|s| s.id == c.id))
            })
            .collect();
        let notices = (item.notices.iter())
            .map(|n| (n.date, notice_kind(n.kind), n.note.as_str()))
            .chain(
                item.updates
                    .iter()
                    .map(|u| (u.date, "update", u.body.as_str())),
            )
            .chain((item.withdrawn.iter()).map(|w| (w.date, "withdrawal", w.reason.as_str())))
            .collect();
        Claims {
            title: &item.title,
            kind: item.kind.as_str(),
            date: item.date,
            dateline: item.dateline.as_deref(),
            authors: &item.authors,
            summary: item.summary.as_deref(),
            body: body_hash,
            boilerplate: item.boilerplate.as_deref(),
            facts: &item.facts,
            sources,
            notices,
        }
    }

    /// A stable fingerprint of the claims: equal keys give equal records. Taken part by part
    /// (not through their JSON, which took as long as making most records); the
    /// destructuring names every part, so a new one must be added here to compile.
    pub fn key(&self) -> crate::fingerprint::Fingerprint {
        let Claims {
            title,
            kind,
            date,
            dateline,
            authors,
            summary,
            body,
            boilerplate,
            facts,
            sources,
            notices,
        } = self;
        let mut f = crate::fingerprint::Fingerprinter::default();
        let time = |t: &jiff::Timestamp| t.as_nanosecond().to_le_bytes();
        let option = |f: &mut crate::fingerprint::Fingerprinter, text: Option<&str>| {
            match text {
                Some(text) => f.u64(1).str(text),
                None => f.u64(0),
            };
        };
        f.str(title).str(kind);
        match date {
            Some(t) => f.u64(1).bytes(&time(t)),
            None => f.u64(0),
        };
        option(&mut f, *dateline);
        f.u64(authors.len() as u64);
        for author in authors.iter() {
            f.str(author);
        }
        option(&mut f, *summary);
        f.str(body);
        option(&mut f, *boilerplate);
        f.u64(facts.len() as u64);
        for (label, value) in facts.iter() {
            f.str(label).str(value);
        }
        // Few, and with optional fields of their own: through their canonical JSON.
        f.value(sources);
        f.u64(notices.len() as u64);
        for (date, kind, text) in notices {
            f.bytes(&time(date)).str(kind).str(text);
        }
        f.finish()
    }

    /// The record: the long texts hashed, the notices in recorded form, oldest first.
    pub fn record(&self) -> Record {
        let fields = Fields {
            title: self.title.to_string(),
            kind: self.kind.to_string(),
            date: self.date.map(crate::dates::rfc3339_utc),
            dateline: self.dateline.map(str::to_string),
            authors: self.authors.to_vec(),
            summary: self.summary.map(text_hash),
            body: self.body.to_string(),
            boilerplate: self.boilerplate.map(text_hash),
            facts: (self.facts.iter())
                .map(|(label, value)| Fact {
                    label: label.clone(),
                    value: value.clone(),
                })
                .collect(),
            sources: self.sources.iter().map(|s| Source::of(s)).collect(),
        };
        let mut notices: Vec<Notice> = (self.notices.iter())
            .map(|(date, kind, text)| Notice {
                date: crate::dates::rfc3339_utc(*date),
                kind: kind.to_string(),
                text: text_hash(text),
            })
            .collect();
        notices.sort();
        Record { fields, notices }
    }
}

/// The word for a notice kind in the record.
fn notice_kind(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Correction => "correction",
        NoticeKind::Clarification => "clarification",
        NoticeKind::Editorial => "editorial",
    }
}

/// `sha256:` and the hex digest of `bytes`.
pub fn hex_hash(bytes: &[u8]) -> String {
    // Two table look-ups a byte: formatting each byte through `format!` was a tenth of a
    // serve rebuild at 10k items (every item's record is hashed).
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in Sha256::digest(bytes) {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// The hash of a prose text with its whitespace folded (reflowing is not a change).
pub fn text_hash(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_runs(text.trim(), &mut folded);
    hex_hash(folded.as_bytes())
}

/// The hash of an item's Markdown body: whitespace folded outside code, kept exactly inside
/// code blocks and inline code (indentation in code is meaning, not layout).
pub fn body_hash(body: &str) -> String {
    let mut canonical = String::with_capacity(body.len());
    let mut at = 0;
    for range in code_ranges(body) {
        if range.start < at {
            continue;
        }
        fold_runs(&body[at..range.start], &mut canonical);
        // Marks where code starts and ends, so text moving in or out of code is a change.
        canonical.push('\u{1}');
        canonical.push_str(&body[range.clone()]);
        canonical.push('\u{1}');
        at = range.end;
    }
    fold_runs(&body[at..], &mut canonical);
    hex_hash(canonical.trim().as_bytes())
}

/// Byte ranges of the code blocks and code spans of a Markdown text, in order.
fn code_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    if may_have_code(body) {
        parsed_code_ranges(body)
    } else {
        Vec::new()
    }
}

/// Whether a Markdown text has what every code block and code span starts with, in the
/// ledger's dialect: a backtick (code spans, fences), three tildes (fences), or four columns
/// of indentation after any container markers (indented code), which take a tab or four
/// spaces in a row (markers never stand between them). Nothing else of the dialect makes
/// code (HTML blocks keep `<pre>` as HTML; math is not enabled). Most bodies have none of
/// these, and [`parsed_code_ranges`] is a whole Markdown parse.
fn may_have_code(body: &str) -> bool {
    use crate::bytewise::{equal, top, word};
    let bytes = body.as_bytes();
    let words = bytes.chunks_exact(8);
    let tail = bytes.len() - words.remainder().len();
    for (k, eight) in words.enumerate() {
        let here = word(eight);
        if equal(here, b'`') | equal(here, b'\t') != 0 {
            return true;
        }
        // Two tildes or two spaces in a row: rare enough to be looked at byte by byte.
        let after = bytes.get(8 * k + 8).map_or(0, |&b| b);
        let doubled = |c: u8| {
            let at = equal(here, c);
            at & ((at >> 8) | top(after == c))
        };
        if doubled(b'~') | doubled(b' ') != 0 && (8 * k..8 * k + 8).any(|i| code_mark_at(bytes, i))
        {
            return true;
        }
    }
    (tail..bytes.len()).any(|i| code_mark_at(bytes, i))
}

/// Whether a backtick, a tab, three tildes or four spaces start at byte `i` of `bytes`.
fn code_mark_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    matches!(rest.first(), Some(b'`' | b'\t'))
        || rest.starts_with(b"~~~")
        || rest.starts_with(b"    ")
}

/// [`code_ranges`] as the parser finds them.
fn parsed_code_ranges(body: &str) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(body, crate::content::dialect::Dialect::LEDGER.options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(range),
            _ => None,
        })
        .collect()
}

/// Appends `text` with every run of whitespace (`char::is_whitespace`) replaced by one space.
/// A single ASCII space between other characters is already its own replacement, so the text
/// is copied in long slices between the runs that change; eight bytes are looked at a time
/// ([`next_to_look_at`]). It runs over every published word on every build.
fn fold_runs(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        i = next_to_look_at(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        let run = match b {
            b' ' => starts_with_space(text, i + 1),
            b'\t'..=b'\r' => true,
            _ if b.is_ascii() => false,
            _ => starts_with_space(text, i),
        };
        if run {
            out.push_str(&text[copied..i]);
            out.push(' ');
            i = space_run_end(text, i);
            copied = i;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push_str(&text[copied..]);
}

/// The first byte at or after `at` (a character boundary) that may begin a run of whitespace
/// [`fold_runs`] replaces: neither an ASCII letter, digit or punctuation nor a space followed
/// by one of those. Looks at eight bytes at a time; returns where the last (fewer than eight)
/// start when none of the words before has one, for them to be looked at one by one.
fn next_to_look_at(bytes: &[u8], at: usize) -> usize {
    use crate::bytewise::{HIGH, ascii_at_least, top, word};
    let rest = &bytes[at..];
    for (k, eight) in rest.chunks_exact(8).enumerate() {
        let here = word(eight);
        // Control characters (tabs and line ends among them) and non-ASCII bytes, then the
        // same with spaces.
        let other = !ascii_at_least(here, b' ') & HIGH;
        let blank = !ascii_at_least(here, b'!') & HIGH;
        // The byte after the word: none (0) counts as blank, to be looked at.
        let after = rest.get(8 * k + 8).map_or(0, |&b| b);
        let blank_next = (blank >> 8) | top(!(b'!'..0x80).contains(&after));
        let look = other | (blank & !other & blank_next);
        if look != 0 {
            return at + 8 * k + look.trailing_zeros() as usize / 8;
        }
    }
    at + rest.len() / 8 * 8
}

/// Whether `text` has a whitespace character at `at` (a character boundary or its end).
fn starts_with_space(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(char::is_whitespace)
}

/// Where the run of whitespace starting at `at` ends.
fn space_run_end(text: &str, at: usize) -> usize {
    text[at..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |n| at + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> String {
        body_hash(text)
    }

    #[test]
    fn prose_whitespace_folds_and_code_whitespace_counts() {
        let base = body("One two\nthree.\n\n```\nfn main() {\n    go();\n}\n```\n\nAnd `a  b`.\n");
        assert_eq!(
            base,
            body("One   two three.\n\n\n```\nfn main() {\n    go();\n}\n```\n\nAnd   `a  b`.\n")
        );
        assert_ne!(
            base,
            body("One two\nthree.\n\n```\nfn main() {\n  go();\n}\n```\n\nAnd `a  b`.\n"),
            "indentation inside a code block is a change"
        );
        assert_ne!(
            base,
            body("One two\nthree.\n\n```\nfn main() {\n    go();\n}\n```\n\nAnd `a b`.\n"),
            "spaces inside inline code are a change"
        );
    }

    /// The folding as first written, char by char: hashes in published ledgers depend on it.
    fn reference_fold(text: &str) -> String {
        let mut out = String::new();
        let mut in_space = false;
        for c in text.chars() {
            if c.is_whitespace() {
                if !in_space {
                    out.push(' ');
                }
                in_space = true;
            } else {
                out.push(c);
                in_space = false;
            }
        }
        out
    }

    #[test]
    fn folding_matches_the_reference_on_every_kind_of_space() {
        for text in [
            "",
            " ",
            "a",
            "  a  b\t\tc\n",
            "x\u{0b}y\u{0c}z\r\n",
            "\u{85}nel\u{a0}nbsp\u{3000}ideo\u{2028}ls",
            "한국어  텍스트\u{3000}\u{3000}です。",
            "é\u{301} \u{200b}zw",
        ] {
            let mut got = String::new();
            fold_runs(text, &mut got);
            assert_eq!(got, reference_fold(text), "{text:?}");
        }
    }

    /// The folding before it copied whole stretches (a slice per word), kept as a second
    /// oracle.
    fn previous_fold_runs(text: &str, out: &mut String) {
        let bytes = text.as_bytes();
        let (mut i, mut start, mut in_space) = (0, 0, false);
        while i < bytes.len() {
            let (space, len) = match bytes[i] {
                b'\t'..=b'\r' | b' ' => (true, 1),
                b if b < 0x80 => (false, 1),
                _ => {
                    let c = text[i..].chars().next().unwrap_or_default();
                    (c.is_whitespace(), c.len_utf8())
                }
            };
            if space {
                out.push_str(&text[start..i]);
                if !in_space {
                    out.push(' ');
                }
                start = i + len;
            }
            in_space = space;
            i += len;
        }
        out.push_str(&text[start..]);
    }

    fn fold(text: &str) -> String {
        let mut got = String::new();
        fold_runs(text, &mut got);
        got
    }

    /// Prose in long enough stretches for the eight-byte steps, with every kind of space
    /// (each non-ASCII one, and characters near them that are not spaces), control bytes and
    /// non-ASCII letters between.
    const PROSE: &str = "([a-zA-Z0-9.,!~]{1,12}| |  |   |[\t\n\r\u{0b}\u{0c}\u{1}\u{1f}\u{7f}]|\u{85}|\u{a0}|\u{1680}|[\u{2000}-\u{200b}]|\u{2028}|\u{2029}|\u{202f}|\u{205f}|\u{3000}|\u{180e}|\u{feff}|é|한|—|“|大){0,60}";

    proptest::proptest! {
        #[test]
        fn folding_matches_the_reference(text in "[ \t\n\r\u{0b}\u{0c}\u{85}\u{a0}\u{3000}a-zé한\u{2028}]{0,40}") {
            let mut got = String::new();
            fold_runs(&text, &mut got);
            proptest::prop_assert_eq!(got, reference_fold(&text));
        }

        #[test]
        fn folding_prose_matches_both_oracles(text in PROSE) {
            let mut previous = String::new();
            previous_fold_runs(&text, &mut previous);
            let got = fold(&text);
            proptest::prop_assert_eq!(&got, &previous);
            proptest::prop_assert_eq!(got, reference_fold(&text));
        }
    }

    #[test]
    fn every_character_folds_as_before_at_every_offset() {
        // Each character up to U+30FF (every space is among them), and of the others every
        // 61st: alone or after a space, at each place of the eight-byte steps (with prose of
        // single spaces around it, which the steps copy as it is).
        let lead = "ab cd ef gh ij";
        let chars = (0..0x3100).chain((0x3100..=0x10ffff).step_by(61));
        for c in chars.filter_map(char::from_u32) {
            let cut = c as usize % 9;
            for before in ["", " "] {
                let text = format!("{}{before}{c}x y{lead}", &lead[..cut]);
                assert_eq!(fold(&text), reference_fold(&text), "{c:?}");
            }
        }
    }

    /// Markdown lines made of container markers, indentation and content, with everything
    /// that starts code (backticks, tildes, tabs, runs of spaces) and much that does not
    /// (HTML blocks, footnotes, tables, escapes, entities, thematic breaks).
    fn markdown(with_code_marks: bool) -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let prefix = "(>|> |>  |- |-  |\\* |\\+ |1\\. |10\\. |2\\) | |  |   |\\[\\^n\\]: ){0,4}";
        let content = if with_code_marks {
            "(```|~~~|~~|~|`|``|\t| |  |    |[a-z]{1,4}|<pre>|</pre>|<div>|<!--|-->|\\[\\^n\\]|\\||---|===|#|&#96;|\\\\|\\*|_|\\$|-|\\{#x\\}){0,8}"
        } else {
            "(~~|~| |  |   |[a-z]{1,4}|<pre>|</pre>|<div>|<!--|-->|\\[\\^n\\]|\\||---|===|#|&#96;|\\\\|\\*|_|\\$|-|\\{#x\\}){0,8}"
        };
        let line = (prefix, content, "(\n|\n\n|\r\n)").prop_map(|(p, c, e)| p + &c + &e);
        // A first paragraph of any length puts what follows at any place of the eight-byte
        // steps.
        let lines = proptest::collection::vec(line, 0..12);
        ("([a-z]{0,7}\n\n)?", lines).prop_map(|(first, lines)| first + &lines.concat())
    }

    #[test]
    fn every_code_mark_is_seen_at_every_offset() {
        for mark in ["`", "\t", "~~~", "    "] {
            for offset in 0..17 {
                let text = format!("{}{mark}{}", "a".repeat(offset), "b c".repeat(8));
                assert!(may_have_code(&text), "{text:?}");
            }
        }
        for text in ["", "a ~~b~~ c  d   e", "   x\n~~\n"] {
            assert!(!may_have_code(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        #[test]
        fn text_without_code_marks_has_no_code(text in proptest::prop_oneof![markdown(false), markdown(true)]) {
            if !may_have_code(&text) {
                proptest::prop_assert_eq!(parsed_code_ranges(&text), Vec::<std::ops::Range<usize>>::new());
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn body_hashes_are_as_before(text in proptest::prop_oneof![markdown(false), markdown(true), PROSE]) {
            proptest::prop_assert_eq!(body_hash(&text), previous_body_hash(&text));
        }
    }

    /// [`body_hash`] as it was: every body parsed, folded a word at a time.
    fn previous_body_hash(body: &str) -> String {
        let mut canonical = String::with_capacity(body.len());
        let mut at = 0;
        for range in parsed_code_ranges(body) {
            if range.start < at {
                continue;
            }
            previous_fold_runs(&body[at..range.start], &mut canonical);
            canonical.push('\u{1}');
            canonical.push_str(&body[range.clone()]);
            canonical.push('\u{1}');
            at = range.end;
        }
        previous_fold_runs(&body[at..], &mut canonical);
        hex_hash(canonical.trim().as_bytes())
    }

    #[test]
    fn body_hashes_are_pinned() {
        // Hashes as published.lock files record them (computed before the fast paths): they
        // must never change.
        let pins = [
            (
                "",
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "One  two\n\nthree.\u{a0}Four\t five\n",
                "sha256:9103c584d2333040bc446c3caac004d575c7d1e69f875e4ce96c8ca86f959254",
            ),
            (
                "Text `a  b` and\n\n```\nfn x()  {}\n```\n\n    indented  code\n",
                "sha256:68048951096692c5c749a7e9e39d39c9422caa8e3c89a2264650fb249f166cae",
            ),
            (
                "> quoted\n>     code in a quote\n- item\n\n      code in an item\n",
                "sha256:6c4f9154e28ba6898372315cda339acacee7d0a413b99e16eeee9637c28956ed",
            ),
        ];
        for (body, pin) in pins {
            assert_eq!(body_hash(body), pin, "{body:?}");
        }
    }

    #[test]
    fn indented_code_blocks_are_exact_too() {
        let a = body("Text.\n\n    let x  = 1;\n        y\n");
        assert_ne!(a, body("Text.\n\n    let x = 1;\n        y\n"));
        assert_ne!(a, body("Text.\n\n    let x  = 1;\n    y\n"));
        assert_eq!(a, body("Text.\n\n\n    let x  = 1;\n        y\n\n"));
    }
}
