//! Wire text: Markdown as the clean plain text that is pasted into wire services and e-mail.
//! Paragraphs wrapped at [`WIDTH`] columns (wide CJK characters count two, and Japanese and
//! Chinese break between characters), lists, quotes and tables laid out in text, code kept
//! verbatim, and every link and citation turned into a numbered note (`[1]`) whose URL is
//! listed once at the end ([`Notes`]). A URL is never broken across lines.

use super::component::{Header, header_of_quote};
use super::text::citation_marks;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::ops::Range;
use unicode_width::UnicodeWidthStr;

/// The width wire text is wrapped to, in columns.
pub const WIDTH: usize = 72;

/// The numbered notes of one text (link URLs, cited sources, footnotes), each numbered once,
/// in order of first reference.
#[derive(Debug, Default)]
pub struct Notes {
    entries: Vec<String>,
    by_key: HashMap<String, usize>,
}

impl Notes {
    /// The number of the note `key`, made with `text` the first time it is referenced.
    fn number(&mut self, key: String, text: impl FnOnce() -> String) -> usize {
        if let Some(&n) = self.by_key.get(&key) {
            return n;
        }
        self.entries.push(text());
        let n = self.entries.len();
        self.by_key.insert(key, n);
        n
    }

    /// Every note's text, note 1 first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }
}

/// Where the notes of a text point: the URL a link destination stands for (None: no note, as
/// for a link to a place on the same page), and the note of a cited source id.
pub struct Resolve<'a> {
    /// A link's destination as written → the absolute URL to list.
    pub link: &'a dyn Fn(&str) -> Option<String>,
    /// A citation's source id → the note that names the source (None: not a source).
    pub source: &'a dyn Fn(&str) -> Option<String>,
    /// An author or contact id → how the text names them (`Name, Role`).
    pub person: &'a dyn Fn(&str) -> Option<String>,
    /// A contact id → their card's lines (`Name, Role`, e-mail, phone), one per line.
    pub contact: &'a dyn Fn(&str) -> Option<String>,
}

/// Converts the Markdown fragments of one text, numbering their notes in one sequence.
pub struct Wire<'a> {
    options: Options,
    /// The language the text is written in (callout titles).
    lang: &'a str,
    resolve: Resolve<'a>,
    /// The notes so far.
    pub notes: Notes,
}

impl<'a> Wire<'a> {
    /// A converter parsing with `options` (the site's dialect), for a text in `lang`.
    pub fn new(options: Options, lang: &'a str, resolve: Resolve<'a>) -> Self {
        Wire {
            options,
            lang,
            resolve,
            notes: Notes::default(),
        }
    }

    /// The text of a Markdown fragment, its blocks separated by blank lines, no trailing
    /// newline; `lead` opens its first paragraph (a release's dateline, a notice's label).
    pub fn blocks(&mut self, md: &str, lead: Option<&str>) -> String {
        let mut walk = Walk::new(self, lead);
        for (event, range) in Parser::new_ext(md, walk.wire.options).into_offset_iter() {
            if !walk.component_event(md, &event, &range) {
                walk.event(event);
            }
            // A component's opening line (a fact box's title) goes inside its quote.
            if let Some(line) = walk.opening.take() {
                walk.paragraph(&line, false);
            }
        }
        walk.finish()
    }
}

/// The value of argument `key` of a component header, as written.
fn arg<'h>(header: &'h Header, key: &str) -> Option<&'h str> {
    header
        .args
        .iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, v, _)| v.as_str())
}

/// Wraps `text` (hard line breaks as `\n`) to [`WIDTH`]: the first line opens with `first`,
/// the others with `rest`. A word longer than a line (a URL) stands whole on its own line.
pub fn wrap(text: &str, first: &str, rest: &str) -> String {
    // Written into one string: a string per line, joined, cost a wire text's paragraphs
    // two allocations and two copies per line.
    let mut out = String::with_capacity(text.len() + text.len() / WIDTH * (rest.len() + 1) + 16);
    let rest_width = width(rest);
    for (i, hard) in text.split('\n').enumerate() {
        let prefix = if i == 0 { first } else { rest };
        if i > 0 {
            out.push('\n');
        }
        wrap_line(hard, prefix, (rest, rest_width), &mut out);
    }
    out
}

/// Appends `text` wrapped, its first line opening with `first` and the others with `rest`
/// (given with its width), each line without its trailing spaces.
fn wrap_line(text: &str, first: &str, (rest, rest_width): (&str, usize), out: &mut String) {
    let mut line_start = out.len();
    out.push_str(first);
    let mut width_now = width(first);
    let mut at_start = true;
    for (piece, spaced) in atoms(text) {
        let w = width(piece);
        let gap = usize::from(spaced && !at_start);
        if !at_start && width_now + gap + w > WIDTH {
            end_line(out, line_start);
            out.push('\n');
            line_start = out.len();
            out.push_str(rest);
            width_now = rest_width;
            at_start = true;
        }
        if spaced && !at_start {
            out.push(' ');
            width_now += 1;
        }
        out.push_str(piece);
        width_now += w;
        at_start = false;
    }
    end_line(out, line_start);
}

/// Cuts the trailing whitespace of the line that starts at `start`, the last of `out`.
fn end_line(out: &mut String, start: usize) {
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
}

/// Columns `s` takes: its length for printable ASCII (one column each, and most words of
/// most texts), else as [`UnicodeWidthStr`] counts them.
fn width(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        s.len()
    } else {
        s.width()
    }
}

/// The unbreakable pieces of a line, each with whether a space comes before it: its words,
/// and within a word the runs between which Japanese and Chinese text may break (never a
/// URL, never before closing or after opening punctuation). A note mark (`[2]`) stays with
/// the word before it.
fn atoms(text: &str) -> Vec<(&str, bool)> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    // Cut at spaces and tabs by bytes (both ASCII, so never inside a character): splitting a
    // `str` at two characters decodes every character of every line.
    let bytes = text.as_bytes();
    let mut from = 0;
    while from <= bytes.len() {
        let at = from;
        let end = (bytes[at..].iter())
            .position(|&b| b == b' ' || b == b'\t')
            .map_or(bytes.len(), |i| at + i);
        from = end + 1;
        let word = &text[at..end];
        if word.is_empty() {
            continue;
        }
        if is_note_mark(word)
            && let Some(last) = out.last_mut()
        {
            let start = last.0.as_ptr() as usize - text.as_ptr() as usize;
            last.0 = &text[start..at + word.len()];
            continue;
        }
        // A URL never breaks, nor does an ASCII word (no character of it breaks around).
        if word.is_ascii() || is_url(word) {
            out.push((word, true));
            continue;
        }
        let mut start = 0;
        let mut prev: Option<char> = None;
        for (i, c) in word.char_indices() {
            if let Some(p) = prev
                && (breaks_around(p) || breaks_around(c))
                && !no_break_before(c)
                && !no_break_after(p)
            {
                out.push((&word[start..i], start == 0));
                start = i;
            }
            prev = Some(c);
        }
        out.push((&word[start..], start == 0));
    }
    out
}

/// `[2]`, `[2].`, `[2],`: a note mark, with the punctuation after it.
fn is_note_mark(word: &str) -> bool {
    // Most words are not: a mark opens with `[`.
    if !word.starts_with('[') {
        return false;
    }
    let mark = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
    mark.strip_prefix('[')
        .and_then(|m| m.strip_suffix(']'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn is_url(word: &str) -> bool {
    // A byte scan: `str::contains` sets up a substring searcher for every word of every body.
    word.as_bytes().windows(3).any(|w| w == b"://")
        || word.starts_with("mailto:")
        || word.starts_with("www.")
}

/// Han, kana, and CJK and full-width punctuation: text written without spaces, which may
/// break between any two characters. (Korean is written with spaces and breaks at them.)
fn breaks_around(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF     // CJK punctuation, Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xF900..=0xFAFF   // Compatibility Ideographs
        | 0xFF00..=0xFFEF   // Full-width forms
        | 0x20000..=0x2FA1F)
}

/// Characters a line must not start with (kinsoku): closing punctuation, small kana.
fn no_break_before(c: char) -> bool {
    "、。，．・：；？！ー」』）］｝〕〉》】〙〗ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ…‥.,:;!?)]}%"
        .contains(c)
}

/// Characters a line must not end with: opening punctuation.
fn no_break_after(c: char) -> bool {
    "「『（［｛〔〈《【〘〖([{".contains(c)
}

/// A block container the text is inside of.
#[derive(Debug)]
enum Container {
    Quote,
    List(Option<u64>),
    /// A list item: its marker (`- `, `3. `) until its first block is written.
    Item {
        marker: Option<String>,
        width: usize,
    },
}

/// A table being read: its rows of cell texts, the header first.
#[derive(Debug, Default)]
struct Table {
    rows: Vec<Vec<String>>,
    has_head: bool,
}

/// One walk over a fragment's events.
struct Walk<'w, 'a> {
    wire: &'w mut Wire<'a>,
    out: String,
    lead: Option<String>,
    /// A callout's title, which opens its first paragraph (`Warning: …`).
    label: Option<String>,
    containers: Vec<Container>,
    /// The inline text of the block being read; `\n` for hard breaks.
    inline: String,
    /// Consecutive text events, joined before their citation marks are read (a mark may
    /// arrive split over several events).
    run: String,
    /// Open links: destination and where their text starts in `inline`.
    links: Vec<(String, usize)>,
    /// Open images: source.
    images: Vec<String>,
    code: Option<String>,
    table: Option<Table>,
    /// A footnote definition being read: its label and the text before it.
    footnote: Option<(String, String)>,
    /// Whether the last block written was a tight list item's text.
    last_tight: bool,
    in_paragraph: bool,
    /// How many block quotes are open.
    quote_depth: usize,
    /// The in-body components being read (the quote depth each opened at), innermost last.
    components: Vec<(usize, Header)>,
    /// Where the header line of the component just opened ends: its text is left out.
    header_end: Option<usize>,
    /// The opening line of the component just opened, written once its quote is open.
    opening: Option<String>,
}

impl<'w, 'a> Walk<'w, 'a> {
    fn new(wire: &'w mut Wire<'a>, lead: Option<&str>) -> Self {
        Walk {
            wire,
            out: String::new(),
            lead: lead.map(str::to_string),
            label: None,
            containers: Vec::new(),
            inline: String::new(),
            run: String::new(),
            links: Vec::new(),
            images: Vec::new(),
            code: None,
            table: None,
            footnote: None,
            last_tight: false,
            in_paragraph: false,
            quote_depth: 0,
            components: Vec::new(),
            header_end: None,
            opening: None,
        }
    }

    /// Reads an event for the in-body components (see [`super::component`]): their header
    /// lines are left out (true: the event is consumed) and, where a component's quote ends,
    /// its text fallback is written.
    fn component_event(&mut self, md: &str, event: &Event<'_>, range: &Range<usize>) -> bool {
        match event {
            Event::Start(Tag::BlockQuote(None)) => {
                self.quote_depth += 1;
                let header = header_of_quote(&md[range.clone()])
                    .and_then(|(_, end, h)| h.ok().map(|h| (end, h)));
                // `> [!WORD]` alone is a quote unless it names a built-in component.
                let header = header.filter(|(_, h)| {
                    !h.args.is_empty() || super::component::built_in_names().any(|n| n == h.name)
                });
                if let Some((end, header)) = header {
                    self.header_end = Some(range.start + end);
                    self.opening = self.component_opening(&header);
                    self.components.push((self.quote_depth, header));
                }
                false
            }
            Event::End(TagEnd::BlockQuote(None)) => {
                let depth = self.quote_depth;
                self.quote_depth -= 1;
                if self.components.last().is_some_and(|(d, _)| *d == depth) {
                    if let Some((_, header)) = self.components.pop() {
                        self.end_run();
                        self.component_fallback(&header);
                    }
                }
                false
            }
            _ => {
                let Some(end) = self.header_end else {
                    return false;
                };
                if range.start >= end {
                    self.header_end = None;
                    return false;
                }
                match event {
                    Event::Start(Tag::Paragraph) => false,
                    Event::End(TagEnd::Paragraph)
                        if self.inline.trim().is_empty() && self.run.is_empty() =>
                    {
                        self.in_paragraph = false;
                        self.header_end = None;
                        true
                    }
                    Event::End(_) => false,
                    _ => true,
                }
            }
        }
    }

    /// The line that opens a component's text: a fact box's title.
    fn component_opening(&self, header: &Header) -> Option<String> {
        match header.name.as_str() {
            "factbox" => Some(
                arg(header, "title")
                    .unwrap_or(self.words()["key_facts"])
                    .to_string(),
            ),
            _ => None,
        }
    }

    /// The closing line of a component's text: a quote's attribution, a download's file and
    /// link note. Other components are their body alone.
    fn component_fallback(&mut self, header: &Header) {
        let arg = |key: &str| arg(header, key);
        let line = match header.name.as_str() {
            "quote" => {
                let who = arg("speaker")
                    .and_then(|id| (self.wire.resolve.person)(id))
                    .or_else(|| match (arg("name"), arg("role")) {
                        (Some(n), Some(r)) => Some(format!("{n}, {r}")),
                        (n, _) => n.map(str::to_string),
                    });
                let date = arg("date").and_then(|d| self.long_date(d));
                let mut line: Vec<String> = who.into_iter().chain(date).collect();
                if let Some(note) =
                    arg("source").and_then(|id| (self.wire.resolve.source)(id).map(|n| (id, n)))
                {
                    let n = self
                        .wire
                        .notes
                        .number(format!("source:{}", note.0), || note.1);
                    line.push(format!("[{n}]"));
                }
                if line.is_empty() {
                    return;
                }
                format!("— {}", line.join(", ").replace(", [", " ["))
            }
            "contact" => {
                let Some(card) = arg("id").and_then(|id| (self.wire.resolve.contact)(id)) else {
                    return;
                };
                card
            }
            "figure" => {
                let (Some(src), false) = (arg("src"), arg("decorative") == Some("true")) else {
                    return;
                };
                let mut line = format!("{}: ", self.words()["image"]);
                line.push_str(arg("caption").or(arg("alt")).unwrap_or(src));
                if let Some(credit) = arg("credit") {
                    line.push_str(&format!(" ({credit})"));
                }
                line.push_str(&self.link_note(src));
                line
            }
            "video" => {
                let Some(src) = arg("src") else { return };
                let words = self.words();
                let watch = super::video::remote(src).map_or_else(|| src.to_string(), |v| v.url);
                let title = arg("title").unwrap_or(words["video"]);
                let mut line = format!("{}: {title}{}", words["video"], self.link_note(&watch));
                if let Some(transcript) = arg("transcript") {
                    let note = self.link_note(transcript);
                    line.push_str(&format!("\n{}{note}", words["transcript"]));
                }
                line
            }
            "factbox" => {
                let Some(date) = arg("as_of").and_then(|d| self.long_date(d)) else {
                    return;
                };
                super::component_words::as_of(self.wire.lang, &date)
            }
            "download" => {
                let Some(file) = arg("file") else { return };
                let name = file.rsplit('/').next().unwrap_or(file);
                let kind = name
                    .rsplit_once('.')
                    .map(|(_, e)| format!(" ({})", e.to_uppercase()))
                    .unwrap_or_default();
                let note = (self.wire.resolve.link)(file)
                    .map(|url| self.wire.notes.number(format!("url:{url}"), || url));
                let note = note.map(|n| format!(" [{n}]")).unwrap_or_default();
                format!("Download: {name}{kind}{note}")
            }
            _ => return,
        };
        self.paragraph(&line, false);
    }

    /// ` [n]`, the note of the URL a link to `dest` points to (nothing for a link to a place
    /// on the page).
    fn link_note(&mut self, dest: &str) -> String {
        let Some(url) = (self.wire.resolve.link)(dest) else {
            return String::new();
        };
        format!(
            " [{}]",
            self.wire.notes.number(format!("url:{url}"), || url)
        )
    }

    /// The built-in components' words in the text's language.
    fn words(&self) -> std::collections::BTreeMap<&'static str, &'static str> {
        super::component_words::words(self.wire.lang)
    }

    /// `2026-10-23` as the long date in the text's language.
    fn long_date(&self, iso: &str) -> Option<String> {
        let zoned = iso
            .parse::<jiff::civil::Date>()
            .ok()?
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?;
        Some(crate::dates::format(
            &zoned,
            crate::dates::DateFormat::Long,
            self.wire.lang,
        ))
    }

    fn event(&mut self, event: Event<'_>) {
        if let Event::Text(t) = &event {
            match &mut self.code {
                Some(code) => code.push_str(t),
                None => self.run.push_str(t),
            }
            return;
        }
        self.end_run();
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Code(t) => self.inline.push_str(&t),
            Event::InlineHtml(h) | Event::Html(h) => self.inline.push_str(&strip_tags(&h)),
            Event::SoftBreak => self.inline.push(' '),
            Event::HardBreak => self.inline.push('\n'),
            Event::Rule => self.block("* * *".into(), false),
            Event::TaskListMarker(done) => self.inline.push_str(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(label) => {
                let n = self
                    .wire
                    .notes
                    .number(format!("footnote:{label}"), String::new);
                self.inline.push_str(&format!(" [{n}]"));
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.in_paragraph = true,
            Tag::BlockQuote(kind) => {
                self.flush_tight();
                self.containers.push(Container::Quote);
                self.label =
                    kind.map(|k| format!("{}: ", super::callout::title(k, self.wire.lang)));
            }
            Tag::List(start) => {
                self.flush_tight();
                self.containers.push(Container::List(start));
            }
            Tag::Item => {
                let marker = match self.containers.last_mut() {
                    Some(Container::List(Some(n))) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_string(),
                };
                let width = marker.width();
                self.containers.push(Container::Item {
                    marker: Some(marker),
                    width,
                });
            }
            Tag::CodeBlock(_) => self.code = Some(String::new()),
            Tag::Link { dest_url, .. } => {
                self.links.push((dest_url.to_string(), self.inline.len()))
            }
            Tag::Image { dest_url, .. } => self.images.push(dest_url.to_string()),
            Tag::Table(_) => self.table = Some(Table::default()),
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.has_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::FootnoteDefinition(label) => {
                let before = std::mem::take(&mut self.out);
                self.footnote = Some((label.to_string(), before));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.in_paragraph = false;
                let text = std::mem::take(&mut self.inline);
                self.paragraph(&text, false);
            }
            // Headings and raw HTML blocks are not where a dateline goes.
            TagEnd::Heading(_) | TagEnd::HtmlBlock => {
                let text = std::mem::take(&mut self.inline);
                let lead = self.lead.take();
                self.paragraph(&text, false);
                self.lead = lead;
            }
            TagEnd::BlockQuote(_) | TagEnd::List(_) => {
                self.flush_tight();
                self.containers.pop();
            }
            TagEnd::Item => {
                self.flush_tight();
                self.containers.pop();
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let (_, rest) = self.prefixes();
                let lines: Vec<String> = code
                    .trim_end_matches('\n')
                    .split('\n')
                    .map(|l| format!("{rest}    {l}").trim_end().to_string())
                    .collect();
                self.mark_items_started();
                self.push_block(lines.join("\n"), false);
            }
            TagEnd::Link => self.end_link(),
            TagEnd::Image => {
                let src = self.images.pop().unwrap_or_default();
                if let Some(url) = (self.wire.resolve.link)(&src) {
                    let n = self.wire.notes.number(format!("url:{url}"), || url);
                    self.inline.push_str(&format!(" [{n}]"));
                }
            }
            TagEnd::TableCell => {
                let cell = collapse(&std::mem::take(&mut self.inline));
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let text = self.table_text(&t);
                    self.mark_items_started();
                    self.push_block(text, false);
                }
            }
            TagEnd::FootnoteDefinition => self.end_footnote(),
            _ => {}
        }
    }

    /// A link's text, then its note number, unless the text is the URL itself.
    fn end_link(&mut self) {
        let Some((dest, start)) = self.links.pop() else {
            return;
        };
        let text = self.inline[start.min(self.inline.len())..].trim();
        let bare = dest.strip_prefix("mailto:").unwrap_or(&dest);
        if text == dest || text == bare {
            return;
        }
        if let Some(url) = (self.wire.resolve.link)(&dest) {
            let n = self.wire.notes.number(format!("url:{url}"), || url);
            self.inline.push_str(&format!(" [{n}]"));
        }
    }

    /// A finished footnote definition becomes its note's text, on one line.
    fn end_footnote(&mut self) {
        let Some((label, before)) = self.footnote.take() else {
            return;
        };
        let text = collapse(&std::mem::replace(&mut self.out, before));
        let key = format!("footnote:{label}");
        let n = self.wire.notes.number(key, String::new);
        self.wire.notes.entries[n - 1] = text;
    }

    /// Appends the text run, each citation mark of a source replaced by its note number.
    fn end_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        let mut at = 0;
        for (range, label) in citation_marks(&run) {
            self.inline.push_str(&run[at..range.start]);
            if let Some(note) = (self.wire.resolve.source)(label) {
                let n = self.wire.notes.number(format!("source:{label}"), || note);
                if !self.inline.ends_with(char::is_whitespace) && !self.inline.is_empty() {
                    self.inline.push(' ');
                }
                self.inline.push_str(&format!("[{n}]"));
            } else {
                self.inline.push_str(&run[range.clone()]);
            }
            at = range.end;
        }
        self.inline.push_str(&run[at..]);
    }

    /// The text of a tight list item (inline content with no paragraph) as its own block.
    fn flush_tight(&mut self) {
        if self.in_paragraph || self.inline.trim().is_empty() {
            self.inline.clear();
            return;
        }
        let text = std::mem::take(&mut self.inline);
        self.paragraph(&text, true);
    }

    /// Writes a paragraph of inline text, wrapped inside the open containers.
    fn paragraph(&mut self, text: &str, tight: bool) {
        let text = tidy(text);
        let text = match self.lead.take() {
            Some(lead) => format!("{lead}{text}"),
            None => text,
        };
        let text = match self.label.take() {
            Some(label) => format!("{label}{text}"),
            None => text,
        };
        if text.is_empty() {
            return;
        }
        let (first, rest) = self.prefixes();
        self.mark_items_started();
        self.push_block(wrap(&text, &first, &rest), tight);
    }

    /// The prefixes of the next block's first line and of its other lines.
    fn prefixes(&self) -> (String, String) {
        let (mut first, mut rest) = (String::new(), String::new());
        for c in &self.containers {
            match c {
                Container::Quote => {
                    first.push_str("> ");
                    rest.push_str("> ");
                }
                Container::Item { marker, width } => {
                    match marker {
                        Some(m) => first.push_str(m),
                        None => first.push_str(&" ".repeat(*width)),
                    }
                    rest.push_str(&" ".repeat(*width));
                }
                Container::List(_) => {}
            }
        }
        (first, rest)
    }

    fn mark_items_started(&mut self) {
        for c in &mut self.containers {
            if let Container::Item { marker, .. } = c {
                *marker = None;
            }
        }
    }

    fn block(&mut self, text: String, tight: bool) {
        let (first, _) = self.prefixes();
        self.mark_items_started();
        self.push_block(format!("{first}{text}"), tight);
    }

    /// Appends a finished block: after a blank line, or after a line break between the
    /// items of a tight list.
    fn push_block(&mut self, text: String, tight: bool) {
        if !self.out.is_empty() {
            self.out.push_str(if tight && self.last_tight {
                "\n"
            } else {
                "\n\n"
            });
        }
        self.out.push_str(&text);
        self.last_tight = tight;
    }

    /// A table as aligned columns when they fit, else each row as `Header: value` lines.
    fn table_text(&self, t: &Table) -> String {
        let (_, rest) = self.prefixes();
        let columns = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                t.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total = rest.width() + widths.iter().sum::<usize>() + 3 * columns.saturating_sub(1);
        if total <= WIDTH {
            let row = |r: &Vec<String>| {
                let cells: Vec<String> = (0..columns)
                    .map(|c| {
                        let s = r.get(c).map(String::as_str).unwrap_or("");
                        format!("{s}{}", " ".repeat(widths[c] - s.width()))
                    })
                    .collect();
                format!("{rest}{}", cells.join(" | "))
                    .trim_end()
                    .to_string()
            };
            let mut lines: Vec<String> = Vec::new();
            for (i, r) in t.rows.iter().enumerate() {
                lines.push(row(r));
                if i == 0 && t.has_head {
                    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                    lines.push(format!("{rest}{}", rule.join("-+-")));
                }
            }
            return lines.join("\n");
        }
        let (head, body) = match t.has_head {
            true => (t.rows.first().cloned().unwrap_or_default(), &t.rows[1..]),
            false => (Vec::new(), &t.rows[..]),
        };
        let records: Vec<String> = body
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(c, cell)| match head.get(c).filter(|h| !h.is_empty()) {
                        Some(h) => wrap(&format!("{h}: {cell}"), &rest, &format!("{rest}  ")),
                        None => wrap(cell, &rest, &rest),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        records.join("\n\n")
    }

    fn finish(mut self) -> String {
        self.end_run();
        self.flush_tight();
        if let Some(lead) = self.lead.take() {
            self.push_block(wrap(lead.trim_end(), "", ""), false);
        }
        self.out
    }
}

/// Whitespace collapsed to single spaces, hard breaks kept.
fn tidy(text: &str) -> String {
    // Into one string: a string per line and per word list, joined, cost more than the
    // wrapping that follows.
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        collapse_into(line, &mut out);
    }
    out.truncate(out.trim_end_matches('\n').len());
    let blank_start = out.len() - out.trim_start_matches('\n').len();
    out.drain(..blank_start);
    out
}

fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    collapse_into(text, &mut out);
    out
}

/// Appends `text`'s words (as [`str::split_whitespace`] cuts them) to `out`, one space
/// between them.
fn collapse_into(text: &str, out: &mut String) {
    if !text.is_ascii() {
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        return;
    }
    // ASCII text by bytes: the same cuts (these six are the ASCII characters Unicode calls
    // white space) without decoding characters.
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let bytes = text.as_bytes();
    let (mut i, mut first) = (0, true);
    while i < bytes.len() {
        if space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !space(bytes[i]) {
            i += 1;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(&text[start..i]);
    }
}

/// The text of raw HTML: tags and comments removed.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = if after.starts_with("<!--") {
            after.find("-->").map(|i| i + 3)
        } else {
            after.find('>').map(|i| i + 1)
        };
        match close {
            Some(c) => rest = &after[c..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(md: &str) -> (String, Vec<String>) {
        let link = |d: &str| (!d.starts_with('#')).then(|| format!("https://x.example{d}"));
        let link = |d: &str| {
            if d.contains("://") {
                Some(d.to_string())
            } else {
                link(d)
            }
        };
        let source = |id: &str| {
            (id == "report").then(|| "Annual report. https://r.example/ar.pdf".to_string())
        };
        let mut wire = Wire::new(
            crate::content::dialect::literal_options(),
            "en",
            Resolve {
                link: &link,
                source: &source,
                person: &|_| None,
                contact: &|_| None,
            },
        );
        let text = wire.blocks(md, None);
        (text, wire.notes.entries().to_vec())
    }

    #[test]
    fn links_become_numbered_notes_once_each() {
        let (text, notes) = convert(
            "See [our site](https://a.example/) and [it again](https://a.example/), \
             [home](/press/), [here](#top) and <https://b.example/x>.",
        );
        assert_eq!(
            text,
            "See our site [1] and it again [1], home [2], here and\nhttps://b.example/x."
        );
        assert_eq!(notes, ["https://a.example/", "https://x.example/press/"]);
    }

    #[test]
    fn citations_and_footnotes_share_the_numbers() {
        let (text, notes) = convert("Sales rose[^report], says a note[^n].\n\n[^n]: A *note*.\n");
        assert_eq!(text, "Sales rose [1], says a note [2].");
        assert_eq!(
            notes,
            ["Annual report. https://r.example/ar.pdf", "A note."]
        );
        let (code, _) = convert("Write `[^report]` to cite.");
        assert_eq!(code, "Write [^report] to cite.");
    }

    #[test]
    fn wraps_at_72_columns_and_never_breaks_a_url() {
        let long = format!(
            "{} https://example.com/{}",
            "word ".repeat(30),
            "a".repeat(80)
        );
        let (text, _) = convert(&long);
        for line in text.lines() {
            assert!(
                line.width() <= WIDTH || line.starts_with("https://"),
                "{line}"
            );
        }
        assert!(text.contains(&format!("https://example.com/{}", "a".repeat(80))));
    }

    #[test]
    fn cjk_counts_two_columns_and_breaks_between_characters() {
        let (text, _) = convert(&"大阪工場が稼働を開始しました。".repeat(10));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 3, "{text}");
        for line in &lines {
            assert!(line.width() <= WIDTH, "{line}");
            assert!(!line.starts_with('。'), "{line}");
        }
        assert_eq!(lines[0].chars().count(), 36);
    }

    /// [`atoms`] as first written, every word through the character loop: the shortcut for
    /// ASCII words and the byte scan for `://` must cut every text the same way.
    fn reference_atoms(text: &str) -> Vec<(&str, bool)> {
        let mut out: Vec<(&str, bool)> = Vec::new();
        let mut from = 0;
        for part in text.split([' ', '\t']) {
            let at = from;
            from += part.len() + 1;
            if part.is_empty() {
                continue;
            }
            if is_note_mark(part)
                && let Some(last) = out.last_mut()
            {
                let start = last.0.as_ptr() as usize - text.as_ptr() as usize;
                last.0 = &text[start..at + part.len()];
                continue;
            }
            if part.contains("://") || part.starts_with("mailto:") || part.starts_with("www.") {
                out.push((part, true));
                continue;
            }
            let mut start = 0;
            let mut prev: Option<char> = None;
            for (i, c) in part.char_indices() {
                if let Some(p) = prev
                    && (breaks_around(p) || breaks_around(c))
                    && !no_break_before(c)
                    && !no_break_after(p)
                {
                    out.push((&part[start..i], start == 0));
                    start = i;
                }
                prev = Some(c);
            }
            out.push((&part[start..], start == 0));
        }
        out
    }

    /// [`wrap`] as first written, a string per line joined at the end: the wrapping into one
    /// string, and the width shortcut for printable ASCII, must give the same text.
    fn reference_wrap(text: &str, first: &str, rest: &str) -> String {
        let mut lines: Vec<String> = Vec::new();
        for (i, hard) in text.split('\n').enumerate() {
            let mut line = if i == 0 { first } else { rest }.to_string();
            let mut width = line.width();
            let mut at_start = true;
            for (piece, spaced) in reference_atoms(hard) {
                let w = piece.width();
                let gap = usize::from(spaced && !at_start);
                if !at_start && width + gap + w > WIDTH {
                    lines.push(line.trim_end().to_string());
                    line = rest.to_string();
                    width = rest.width();
                    at_start = true;
                }
                if spaced && !at_start {
                    line.push(' ');
                    width += 1;
                }
                line.push_str(piece);
                width += w;
                at_start = false;
            }
            lines.push(line.trim_end().to_string());
        }
        lines.join("\n")
    }

    /// [`tidy`] as first written, through a list of lines of lists of words.
    fn reference_tidy(text: &str) -> String {
        let collapse = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        text.split('\n')
            .map(collapse)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_matches('\n')
            .to_string()
    }

    proptest::proptest! {
        #[test]
        fn atoms_match_their_definition(text in "([ \t.,:/\\[\\]0-9a-zA-Z大阪「」。、ー]|https://|www\\.|mailto:|\\[2\\])*") {
            proptest::prop_assert_eq!(atoms(&text), reference_atoms(&text));
        }

        #[test]
        fn wrap_and_tidy_match_their_definition(
            text in "([a-z]{1,12}|https://[a-z./]{4,90}|[大阪工場。「」]{1,40}|서울 공장|\\[[0-9]\\][,.]?|[ \t\n\r\u{b}\u{c}\u{1c}\u{1f}\u{85}\u{a0}\u{2028}\u{3000}\u{7f}\u{1}é́🙂]){0,80}",
            (first, rest) in ("(> |- |[0-9]\\. | {0,4}|\t)", "(> | {0,4}|> > )")
        ) {
            proptest::prop_assert_eq!(wrap(&text, &first, &rest), reference_wrap(&text, &first, &rest));
            proptest::prop_assert_eq!(tidy(&text), reference_tidy(&text));
            proptest::prop_assert_eq!(collapse(&text), reference_tidy(&text.replace('\n', " ")));
        }

        /// The same over ASCII alone (control characters too), where the byte shortcuts run.
        #[test]
        fn ascii_wrap_and_tidy_match_their_definition(
            text in "[ -~\t\n\r\u{0}-\u{1f}\u{7f}]{0,300}"
        ) {
            proptest::prop_assert_eq!(wrap(&text, "- ", "  "), reference_wrap(&text, "- ", "  "));
            proptest::prop_assert_eq!(tidy(&text), reference_tidy(&text));
        }

        /// Wrapping keeps every character but the spaces it turns into line breaks, and a
        /// line runs past 72 columns only when it holds one unbreakable word.
        #[test]
        fn wrapping_loses_nothing_and_stays_in_width(
            text in "([a-z]{1,12}|https://[a-z./]{10,90}|[大阪工場。「」]{1,40}|서울 공장|\\[[0-9]\\],?| ){0,60}"
        ) {
            let wrapped = wrap(&text, "> ", "> ");
            let squeeze = |t: &str| t.replace(['\n', ' ', '>'], "");
            proptest::prop_assert_eq!(squeeze(&wrapped), squeeze(&text));
            for line in wrapped.lines() {
                let body = line.trim_start_matches("> ");
                proptest::prop_assert!(
                    line.width() <= WIDTH || !body.trim().contains(' ') || body.contains("://"),
                    "{:?}", line
                );
            }
        }
    }

    #[test]
    fn a_note_mark_stays_with_its_word() {
        let text = format!("{} Europe [12], then more.", "x".repeat(60));
        assert_eq!(
            wrap(&text, "", ""),
            format!("{}\nEurope [12], then more.", "x".repeat(60))
        );
    }

    #[test]
    fn lists_quotes_code_and_tables_read_as_text() {
        let md = "- one\n- two\n  1. deep\n\n> quoted\n> text\n\n```\nlet x =   1;\n```\n\n| A | Bee |\n|---|---|\n| 1 | 2 |\n";
        let (text, _) = convert(md);
        assert_eq!(
            text,
            "- one\n- two\n  1. deep\n\n> quoted text\n\n    let x =   1;\n\nA | Bee\n--+----\n1 | 2"
        );
    }

    #[test]
    fn callouts_open_with_their_title() {
        let (text, _) = convert("> [!WARNING]\n> Do not *touch*.\n\n```\n> [!NOTE]\n```\n");
        assert_eq!(text, "> Warning: Do not touch.\n\n    > [!NOTE]");
    }

    #[test]
    fn wide_tables_become_labelled_rows() {
        let md = format!(
            "| Name | Value |\n|---|---|\n| a | {} |\n",
            "long ".repeat(20)
        );
        let (text, _) = convert(&md);
        assert!(text.starts_with("Name: a\nValue: long long"), "{text}");
        assert!(text.lines().all(|l| l.width() <= WIDTH), "{text}");
    }

    #[test]
    fn lead_opens_the_first_paragraph() {
        let mut wire = Wire::new(
            crate::content::dialect::literal_options(),
            "en",
            Resolve {
                link: &|_| None,
                source: &|_| None,
                person: &|_| None,
                contact: &|_| None,
            },
        );
        assert_eq!(
            wire.blocks("## Head\n\nFirst.\n\nSecond.", Some("PARIS — ")),
            "Head\n\nPARIS — First.\n\nSecond."
        );
    }
}
