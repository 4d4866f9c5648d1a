//! Plain text: the one Markdown-to-text ([`PlainText`], [`plain_text`]), the one cutter of
//! texts to a length ([`cut`]: summaries, update headlines) that never splits a character or a
//! word, and language-aware measures: word counts and reading times that are right for CJK
//! text.

use crate::content::dialect::literal_options;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::ops::Range;

/// Which block ends separate the text of one block from the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    /// Every block: paragraphs, headings, list items, table cells, quotes, footnotes, code.
    Separated,
    /// Only paragraphs, list items and table cells: a heading's text runs into the next
    /// block's first word. This is how the Markdown stage has always measured a body, and its
    /// word count is published (`wordCount` in JSON-LD, the page's reading time); it changes
    /// only with a release note.
    PageMeasure,
}

/// Plain text from Markdown events: text and code spans, a space for each line break and each
/// block end (per [`Blocks`]), code blocks kept or left out. Citation marks (`[^id]`, which
/// arrive as text where no definition exists) are removed by [`PlainText::finish`].
#[derive(Debug)]
pub struct PlainText {
    text: String,
    blocks: Blocks,
    keep_code_blocks: bool,
    in_code_block: bool,
}

impl PlainText {
    /// An empty text.
    pub fn new(blocks: Blocks, keep_code_blocks: bool) -> Self {
        PlainText {
            text: String::new(),
            blocks,
            keep_code_blocks,
            in_code_block: false,
        }
    }

    /// Takes in the next event.
    pub fn push(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                if self.blocks == Blocks::Separated {
                    self.text.push(' ');
                }
            }
            Event::Text(t) | Event::Code(t) if !self.in_code_block || self.keep_code_blocks => {
                self.text.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => self.text.push(' '),
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::HtmlBlock,
            ) if self.blocks == Blocks::Separated => self.text.push(' '),
            _ => {}
        }
    }

    /// The text so far, in characters.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// The text as collected (citation marks left in: the stage's walk never sees any).
    pub fn into_raw(self) -> String {
        self.text
    }

    /// The text with citation marks removed.
    pub fn finish(self) -> String {
        strip_citation_marks(&self.text)
    }
}

/// Appends the plain text of a Markdown fragment (every block separated, citation marks
/// removed, a space at the end) to `out`; with `keep_code_blocks`, code blocks' text too.
pub fn plain_text(md: &str, keep_code_blocks: bool, out: &mut String) {
    each_plain_text_part(md, keep_code_blocks, |part| out.push_str(part));
}

/// [`plain_text`] handed over in parts (their concatenation is its text), for a reader that
/// needs no copy of its own (search normalizes the parts into its buffer as they come).
pub fn each_plain_text_part(md: &str, keep_code_blocks: bool, mut part: impl FnMut(&str)) {
    let mut plain = PlainText::new(Blocks::Separated, keep_code_blocks);
    for event in Parser::new_ext(md, literal_options()) {
        plain.push(&event);
    }
    // The marks are removed from the whole text: one can span events (`[`, `^x]`).
    part(&without_citation_marks(&plain.into_raw()));
    part(" ");
}

/// The plain text of a Markdown fragment on one line: [`plain_text`] with code blocks, its
/// whitespace collapsed.
pub fn plain_line(md: &str) -> String {
    let mut text = String::new();
    plain_text(md, true, &mut text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The citation marks of a text: `[^label]` with a label of no whitespace, as byte ranges
/// with their labels, in order.
pub fn citation_marks(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(start) = mark_start(text, from) {
            let after = &text[start + 2..];
            match after.find(']') {
                Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                    from = start + 2 + end + 1;
                    return Some((start..from, &after[..end]));
                }
                _ => from = start + 2,
            }
        }
        None
    })
}

/// Where the next `[^` at or after `from` starts: a byte search for `[` (memchr), where
/// `find("[^")` set up a substring searcher over the rest of every text it was asked about.
fn mark_start(text: &str, mut from: usize) -> Option<usize> {
    while let Some(i) = text[from..].find('[') {
        let at = from + i;
        if text.as_bytes().get(at + 1) == Some(&b'^') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Removes citation marks: a mark stands as a space between words (`a[^x] b`, `a[^x]b`) and
/// vanishes before punctuation (`claim[^x].`).
pub fn strip_citation_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, _) in citation_marks(text) {
        out.push_str(&text[at..range.start]);
        let next = text[range.end..].chars().next();
        if next.is_some_and(|c| c.is_whitespace() || c.is_alphanumeric()) {
            out.push(' ');
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// [`strip_citation_marks`], borrowing `text` when it has none, as most texts have: no copy.
pub fn without_citation_marks(text: &str) -> Cow<'_, str> {
    match citation_marks(text).next() {
        None => Cow::Borrowed(text),
        Some(_) => Cow::Owned(strip_citation_marks(text)),
    }
}

/// Whether a character is written without spaces between words (Han, kana).
fn is_cjk_char(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // Compatibility Ideographs
        | 0xFF66..=0xFF9D // Half-width Katakana
        | 0x20000..=0x2FA1F)
}

/// Counts words: space-separated words for alphabetic scripts and Korean (whose words are
/// separated by spaces), one word per character for Han and kana runs.
pub fn word_count(text: &str) -> usize {
    // One pass over the bytes, eight at a time where they are ASCII, decoding only non-ASCII
    // characters: this runs over every item's whole text. Whitespace ends a word like any
    // other character that is neither a letter nor a digit.
    let bytes = text.as_bytes();
    let mut words = Words::default();
    let mut i = 0;
    while i < bytes.len() {
        for eight in bytes[i..].chunks_exact(8).map(crate::bytewise::word) {
            if eight & crate::bytewise::HIGH != 0 {
                break;
            }
            words.ascii_eight(eight);
            i += 8;
        }
        if i < bytes.len() {
            i += words.char_at(text, i);
        }
    }
    words.count
}

/// [`word_count`]'s state: the words so far, and whether the last character was part of one.
#[derive(Default)]
struct Words {
    count: usize,
    in_word: bool,
}

impl Words {
    /// Takes in eight ASCII bytes: a word starts at each letter or digit after a byte that is
    /// neither (or after the previous character, for the first).
    fn ascii_eight(&mut self, eight: u64) {
        let alnum = crate::bytewise::ascii_alphanumeric(eight);
        let before = (alnum << 8) | (u64::from(self.in_word) << 7);
        self.count += crate::bytewise::count(alnum & !before);
        self.in_word = alnum >> 63 != 0;
    }

    /// Takes in the character at byte `i` of `text` (a character boundary); its length.
    fn char_at(&mut self, text: &str, i: usize) -> usize {
        let b = text.as_bytes()[i];
        if b.is_ascii() {
            let alnum = b.is_ascii_alphanumeric();
            self.count += usize::from(alnum && !self.in_word);
            self.in_word = alnum;
            return 1;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if is_cjk_char(c) {
            self.count += 1;
            self.in_word = false;
        } else if c.is_alphanumeric() {
            self.count += usize::from(!self.in_word);
            self.in_word = true;
        } else {
            self.in_word = false;
        }
        c.len_utf8()
    }
}

/// Minutes to read `words` (as counted by [`word_count`]) for a language: characters per minute
/// for Japanese and Chinese, words per minute for the others. Never less than one.
pub fn reading_time(words: usize, lang: &str) -> usize {
    let per_minute = match lang.split('-').next().unwrap_or(lang) {
        "ja" => 500,
        "zh" => 300,
        "ko" => 250,
        "fr" => 200,
        "sv" => 210,
        "de" => 180,
        _ => 230,
    };
    words.div_ceil(per_minute).max(1)
}

/// Which whole sentences a cut keeps when one ends inside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sentences {
    /// The first sentence (a headline is one sentence).
    First,
    /// As many as fit, when they fill at least half the window (a summary).
    AsManyAsFit,
}

/// How [`cut`] shortens a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// A text of at most this many characters is kept whole.
    pub fits: usize,
    /// A longer text keeps at most this many characters before its ellipsis.
    pub keep: usize,
    /// Whether whole sentences are preferred, and which.
    pub sentences: Sentences,
}

impl Cut {
    /// Summaries (meta descriptions, lists, feeds): 280 characters, 160 for Korean, 120 for
    /// Japanese and Chinese; the ellipsis comes on top.
    pub fn summary(lang: &str) -> Cut {
        let keep = match lang.split('-').next().unwrap_or(lang) {
            "ja" | "zh" => 120,
            "ko" => 160,
            _ => 280,
        };
        Cut {
            fits: keep,
            keep,
            sentences: Sentences::AsManyAsFit,
        }
    }

    /// An update's headline in JSON-LD: 110 characters with the ellipsis.
    pub const HEADLINE: Cut = Cut {
        fits: 110,
        keep: 109,
        sentences: Sentences::First,
    };
}

/// Cuts plain text (whitespace collapsed first): at a sentence end when [`Cut::sentences`]
/// finds one, else at a word boundary (any character boundary for Japanese and Chinese), with
/// an ellipsis when cut.
pub fn cut(text: &str, lang: &str, how: Cut) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= how.fits {
        return text;
    }
    let limit = text
        .char_indices()
        .nth(how.keep)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let window = &text[..limit];
    let mut sentence_ends = window
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '。' | '！' | '？')
                || (matches!(c, '.' | '!' | '?') && text[i + c.len_utf8()..].starts_with(' '))
        })
        .map(|(i, c)| i + c.len_utf8());
    let sentence_end = match how.sentences {
        Sentences::First => sentence_ends.next(),
        Sentences::AsManyAsFit => sentence_ends.rfind(|&end| end > limit / 2),
    };
    if let Some(end) = sentence_end {
        return window[..end].to_string();
    }
    let cut = if matches!(lang.split('-').next().unwrap_or(lang), "ja" | "zh") {
        limit
    } else {
        window.rfind(' ').filter(|&i| i > 0).unwrap_or(limit)
    };
    format!(
        "{}…",
        text[..cut].trim_end_matches([',', ';', ':', ' ', '、', '，'])
    )
}

/// [`cut`] to a summary's length for `lang`.
pub fn cut_summary(text: &str, lang: &str) -> String {
    cut(text, lang, Cut::summary(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_in_every_script() {
        assert_eq!(word_count("Hello, big world"), 3);
        assert_eq!(word_count("l'usine de Lyon"), 4);
        assert_eq!(word_count("서울 공장이 가동을 시작했다"), 4);
        assert_eq!(word_count("大阪工場が稼働"), 7);
        assert_eq!(word_count("大阪 factory 稼働"), 5);
    }

    /// The straightforward definition the byte loop must agree with.
    fn reference_word_count(text: &str) -> usize {
        let mut count = 0;
        for token in text.split_whitespace() {
            let mut in_word = false;
            for c in token.chars() {
                if is_cjk_char(c) {
                    count += 1;
                    in_word = false;
                } else if c.is_alphanumeric() {
                    count += usize::from(!in_word);
                    in_word = true;
                } else {
                    in_word = false;
                }
            }
        }
        count
    }

    /// The byte loop before it took eight ASCII bytes at a time, kept as a second oracle.
    fn previous_word_count(text: &str) -> usize {
        let bytes = text.as_bytes();
        let (mut count, mut in_word, mut i) = (0, false, 0);
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                let alnum = b.is_ascii_alphanumeric();
                count += usize::from(alnum && !in_word);
                in_word = alnum;
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            if is_cjk_char(c) {
                count += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                count += usize::from(!in_word);
                in_word = true;
            } else {
                in_word = false;
            }
        }
        count
    }

    proptest::proptest! {
        #[test]
        fn word_count_matches_its_definition(text in "(\\PC|[ \t\n\u{3000}\u{a0}a-z0-9,.'é서大])*") {
            proptest::prop_assert_eq!(word_count(&text), reference_word_count(&text));
        }

        /// Mostly ASCII, in words of every length and every byte next to a letter or digit
        /// (`/` `:` `@` `[` `` ` `` `{` `\u{7f}`), so words cross the eight-byte steps; with
        /// non-ASCII letters, CJK and spaces between.
        #[test]
        fn ascii_word_count_matches_both_oracles(text in "([a-zA-Z0-9]{1,11}|[ \t\n,.'/:@\\[`{_\u{7f}\u{0}-]|é|ä|서|大|か|\u{3000}|\u{a0}|—|“){0,60}") {
            let got = word_count(&text);
            proptest::prop_assert_eq!(got, previous_word_count(&text));
            proptest::prop_assert_eq!(got, reference_word_count(&text));
        }
    }

    #[test]
    fn every_ascii_pair_counts_as_before_at_every_offset() {
        // Each pair at each place of the first two eight-byte steps, with words after it
        // running across the next steps.
        for (a, b) in (0..0x80u8).flat_map(|a| (0..0x80u8).map(move |b| (a, b))) {
            for cut in 0..17 {
                let mut text = b"ab cd ef gh ij kl".to_vec();
                text.truncate(cut);
                text.extend([a, b, b'x', b' ', a, b'y', b'z', a, b]);
                text.extend(b"words-across the.eight byte_steps");
                let text = String::from_utf8(text).expect("ASCII");
                assert_eq!(word_count(&text), previous_word_count(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn reading_times_per_language() {
        assert_eq!(reading_time(0, "en"), 1);
        assert_eq!(reading_time(460, "en"), 2);
        assert_eq!(reading_time(1000, "ja"), 2);
    }

    #[test]
    fn summaries_cut_at_boundaries() {
        let long = "word ".repeat(100);
        let s = cut_summary(&long, "en");
        assert!(
            s.ends_with('…') && !s.contains("wor…") && s.chars().count() <= 281,
            "{s}"
        );
        let ja = "大阪工場の稼働を開始しました".repeat(20);
        let s = cut_summary(&ja, "ja");
        assert!(s.chars().count() <= 121 && s.ends_with('…'));
        let ko = "서울 공장이 가동을 시작했다 ".repeat(30);
        let s = cut_summary(&ko, "ko");
        assert!(s.ends_with("다…") || s.ends_with('다'), "{s}");
        let sentences = format!(
            "{} Second sentence here.",
            "First sentence is long enough to matter here. ".repeat(5)
        );
        let s = cut_summary(&format!("{sentences} {}", "more ".repeat(60)), "en");
        assert!(s.ends_with('.'), "{s}");
    }

    proptest::proptest! {
        #[test]
        fn mark_start_is_the_next_caret_bracket(text in "([\\[\\]^ ax]|é|\\[\\^)*", from in 0usize..40) {
            let from = from.min(text.len());
            proptest::prop_assume!(text.is_char_boundary(from));
            let expected = text[from..].find("[^").map(|i| from + i);
            proptest::prop_assert_eq!(mark_start(&text, from), expected);
        }
    }

    /// [`plain_text`] as first written, one String built and copied whole: the parts handed
    /// over by [`each_plain_text_part`] and the borrowing [`without_citation_marks`] must give
    /// exactly its text.
    fn previous_plain_text(md: &str, keep_code_blocks: bool, out: &mut String) {
        let mut plain = PlainText::new(Blocks::Separated, keep_code_blocks);
        for event in Parser::new_ext(md, literal_options()) {
            plain.push(&event);
        }
        out.push_str(&plain.finish());
        out.push(' ');
    }

    /// Markdown as newsrooms write it, in the scripts the index folds: words, numbers with
    /// joiners, citation marks (also split by emphasis or an escape), code spans and blocks,
    /// quotes, lists, headings, URLs, full-width and combining characters.
    const MIXED_MARKDOWN: &str = "([A-Za-z]{1,9}|[éÉåÅöÖßçèœ]|Försäljning|L'Économie|[0-9]{1,4}|4,200|4'200|4\u{202f}200|3\\.5|[ \n,.;:!?'\"()-]|\n\n|\n> |\n- |\n# |\n```\nx = 1\n```\n|`code`|\\*\\*|\\*|_|\\[\\^[a-z0-9-]{1,6}\\]|\\[\\^\\]|\\[\\^a b\\]|\\[\\^\\*x\\*\\]|\\\\\\[\\^y\\]|\\[|\\]|\\^|［＾z］|<https://example\\.org/a-b\\?c=1>|https://x\\.example/p|서울|연구소는|大阪|研究所を開設|カタカナ|\u{301}|\u{3000}|\\PC)*";

    proptest::proptest! {
        #[test]
        fn plain_text_parts_are_the_previous_text(md in MIXED_MARKDOWN, code in proptest::bool::ANY) {
            let mut expected = String::new();
            previous_plain_text(&md, code, &mut expected);
            let mut joined = String::new();
            each_plain_text_part(&md, code, |p| joined.push_str(p));
            proptest::prop_assert_eq!(&joined, &expected);
            let mut whole = String::new();
            plain_text(&md, code, &mut whole);
            proptest::prop_assert_eq!(&whole, &expected);
        }

        #[test]
        fn without_citation_marks_is_strip_citation_marks(text in "([a-z]{1,3}|[ .,\\[\\]^]|\\[\\^[a-z]{0,3}\\]|é|서|\u{301})*") {
            let stripped = without_citation_marks(&text);
            proptest::prop_assert_eq!(stripped.as_ref(), strip_citation_marks(&text));
        }
    }

    #[test]
    fn citation_marks_become_spaces_between_words_and_vanish_before_punctuation() {
        assert_eq!(
            strip_citation_marks("a[^x] b, c[^y]d, e[^z]. [^] [^a b]"),
            "a  b, c d, e. [^] [^a b]"
        );
        let marks: Vec<_> = citation_marks("x[^a][^b] [^c d] [^e").collect();
        assert_eq!(marks, [(1..5, "a"), (5..9, "b")]);
    }

    #[test]
    fn plain_text_is_literal_and_separates_every_block() {
        let mut s = String::new();
        plain_text(
            "# Title\nDon't -- *stop*[^src].\n\n```\ncode()\n```\n\n| a | ~~b~~ |\n|---|---|\n| 1 | 2 |\n",
            false,
            &mut s,
        );
        let words: Vec<&str> = s.split_whitespace().collect();
        assert_eq!(words, ["Title", "Don't", "--", "stop.", "a", "b", "1", "2"]);
        let mut with_code = String::new();
        plain_text("Run:\n\n```\ncode()\n```\nDone.", true, &mut with_code);
        assert_eq!(
            with_code.split_whitespace().collect::<Vec<_>>(),
            ["Run:", "code()", "Done."]
        );
    }

    #[test]
    fn headlines_keep_the_first_sentence_summaries_as_many_as_fit() {
        let text = format!("One. {}", "Two words here. ".repeat(30));
        assert_eq!(cut(&text, "en", Cut::HEADLINE), "One.");
        let summary = cut(&text, "en", Cut::summary("en"));
        assert!(
            summary.ends_with("here.") && summary.len() > 140,
            "{summary}"
        );
        let long = "word ".repeat(40);
        let h = cut(&long, "en", Cut::HEADLINE);
        assert!(h.chars().count() <= 110 && h.ends_with("word…"), "{h}");
    }

    // Moved from render/search.rs and render/structured.rs with their assertions.
    #[test]
    fn markdown_text_skips_code_and_citations() {
        let mut s = String::new();
        plain_text(
            "# Title\n\nSome *text*[^src] here.\n\n```\ncode_here()\n```\n\n- item\n",
            false,
            &mut s,
        );
        assert!(s.contains("Title"), "{s}");
        assert!(s.contains("Some text  here."), "{s}");
        assert!(!s.contains("src"), "{s}");
        assert!(!s.contains("code_here"), "{s}");
        assert!(s.contains("item"), "{s}");
    }

    #[test]
    fn markdown_text_is_plain() {
        assert_eq!(
            plain_line("The **fire** was `out`.\nAll [safe](https://x.example)."),
            "The fire was out. All safe."
        );
        assert_eq!(plain_line("Done, **really**, done."), "Done, really, done.");
        assert_eq!(plain_line("- a\n- b"), "a b");
    }
}
