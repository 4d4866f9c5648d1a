//! The Markdown source before pulldown-cmark sees it: the pre-Markdown transforms, and the
//! [`SourceMap`] that takes every offset of the transformed text back to the text the writer
//! wrote, so that a diagnostic raised while parsing the transformed text points at the
//! writer's own line and column.
//!
//! A transform reads its input and writes its output through a [`Writer`], which records, for
//! every stretch of output, whether it was copied from the input (and from where) or written
//! by the transform in place of some input (and at which input offset). [`prepare`] runs the
//! transforms in order and composes their maps; the citation scaffold always runs last, because
//! text written by an earlier transform (a component's body) may cite sources too.

use std::collections::HashSet;
use std::ops::Range;

/// Where a stretch of a transform's output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Copied unchanged from the input, starting at this input offset.
    Copied(usize),
    /// Written by the transform in place of the input at this offset: every offset of the
    /// stretch maps to this one point (the start of what it replaced).
    Written(usize),
}

/// A stretch of output from `start` to the next piece's start (or the end of the text).
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: usize,
    origin: Origin,
}

/// Maps offsets of one transform's output back to offsets of its input.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pieces: Vec<Piece>,
}

impl SourceMap {
    /// The input offset that output offset `at` stands for.
    pub fn origin(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.start <= at);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some(Piece {
                start,
                origin: Origin::Copied(from),
            }) => from + (at - start),
            Some(Piece {
                origin: Origin::Written(from),
                ..
            }) => from,
            None => at,
        }
    }
}

/// A transform's output and its [`SourceMap`], written together so they cannot disagree.
#[derive(Debug, Default)]
pub struct Writer {
    text: String,
    map: SourceMap,
}

impl Writer {
    /// An empty output with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer {
            text: String::with_capacity(capacity),
            map: SourceMap::default(),
        }
    }

    /// Copies `input[range]` unchanged.
    pub fn copy(&mut self, input: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        // A copy that continues the previous one extends its piece.
        let continues = self.map.pieces.last().is_some_and(|p| match p.origin {
            Origin::Copied(from) => from + (self.text.len() - p.start) == range.start,
            Origin::Written(_) => false,
        });
        if !continues {
            self.push_piece(Origin::Copied(range.start));
        }
        self.text.push_str(&input[range]);
    }

    /// Writes `text` that stands for the input at offset `at` (what a component expanded from,
    /// or a point the transform added something at).
    pub fn write(&mut self, text: &str, at: usize) {
        if text.is_empty() {
            return;
        }
        self.push_piece(Origin::Written(at));
        self.text.push_str(text);
    }

    /// The output written so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn push_piece(&mut self, origin: Origin) {
        let start = self.text.len();
        match self.map.pieces.last_mut() {
            // Nothing was written since the last piece began: it is replaced.
            Some(last) if last.start == start => last.origin = origin,
            _ => self.map.pieces.push(Piece { start, origin }),
        }
    }

    fn finish(self) -> (String, SourceMap) {
        (self.text, self.map)
    }
}

/// A pre-Markdown transform of a fragment's source (in-body components expand here). It must
/// write everything it keeps through `out`: text it copies with [`Writer::copy`], text it
/// generates with [`Writer::write`] at the input offset it stands for.
pub trait Transform: Sync {
    /// Writes the transformed `input` to `out`.
    fn apply(&self, input: &str, out: &mut Writer);
}

/// The text pulldown-cmark parses, with the way back to the source it came from.
#[derive(Debug)]
pub struct Prepared {
    /// The transformed text, citation scaffold first.
    pub text: String,
    /// The maps of the transforms, in the order they ran.
    maps: Vec<SourceMap>,
    /// `text[..scaffold]` exists only for the parser (placeholder footnote definitions):
    /// everything parsed from it is dropped.
    pub scaffold: usize,
    /// Footnote labels the writer defined (`[^label]: ...`); any other `[^label]` cites a
    /// source.
    pub defined: HashSet<String>,
}

impl Prepared {
    /// The offset in the original source that offset `at` of [`Prepared::text`] stands for.
    pub fn origin(&self, at: usize) -> usize {
        self.maps.iter().rev().fold(at, |at, map| map.origin(at))
    }
}

/// Runs `transforms` over `source` in order: the expanded text and each transform's map.
pub fn expand<'s>(
    source: &'s str,
    transforms: &[&dyn Transform],
) -> (std::borrow::Cow<'s, str>, Vec<SourceMap>) {
    let mut maps = Vec::with_capacity(transforms.len() + 1);
    let mut text = std::borrow::Cow::Borrowed(source);
    for transform in transforms {
        let mut out = Writer::with_capacity(text.len());
        transform.apply(&text, &mut out);
        let (next, map) = out.finish();
        text = next.into();
        maps.push(map);
    }
    (text, maps)
}

/// Runs `transforms` over `source` in order, then the citation scaffold.
pub fn prepare(source: &str, transforms: &[&dyn Transform]) -> Prepared {
    let (text, mut maps) = expand(source, transforms);
    let (defined, labels) = footnote_labels(&text);
    let mut out = Writer::with_capacity(text.len() + labels.len() * 24 + 12);
    // `[^id]` with no definition is plain text to pulldown-cmark; every label that the writer
    // did not define gets a placeholder definition so that each reference arrives as an event
    // with its position. The placeholders go before the text, closed by an HTML comment line,
    // not after it: a text that ends inside an open code fence or HTML block would swallow
    // them (the placeholder showed on the page and the unknown citation went unreported).
    let mut scaffold = String::new();
    for label in &labels {
        scaffold.push_str("[^");
        scaffold.push_str(label);
        scaffold.push_str("]: placeholder\n\n");
    }
    if !labels.is_empty() {
        scaffold.push_str("<!-- -->\n");
    }
    out.write(&scaffold, 0);
    out.copy(&text, 0..text.len());
    let (text, map) = out.finish();
    maps.push(map);
    Prepared {
        text,
        maps,
        scaffold: scaffold.len(),
        defined: defined.into_iter().map(str::to_string).collect(),
    }
}

/// The footnote labels `text` defines, and the labels it references without defining them
/// (in order of first use).
fn footnote_labels(text: &str) -> (HashSet<&str>, Vec<&str>) {
    let defined: HashSet<&str> = text
        .lines()
        .filter_map(|l| {
            l.trim_start()
                .strip_prefix("[^")
                .and_then(|r| r.split_once("]:"))
                .map(|(label, _)| label)
        })
        .collect();
    let mut labels: Vec<&str> = Vec::new();
    for (_, label) in super::text::citation_marks(text) {
        if !defined.contains(label) && !labels.contains(&label) {
            labels.push(label);
        }
    }
    (defined, labels)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A transform that changes lengths: `{{shout WORD}}` becomes the word in capitals,
    /// repeated, and `<!-- drop -->` lines vanish.
    pub(crate) struct Shout;

    impl Transform for Shout {
        fn apply(&self, input: &str, out: &mut Writer) {
            let mut line_at = 0;
            for line in input.split_inclusive('\n') {
                let end = line_at + line.len();
                if line.trim() != "<!-- drop -->" {
                    let mut at = line_at;
                    while let Some(i) = input[at..end].find("{{shout ") {
                        let start = at + i;
                        let Some(len) = input[start..end].find("}}") else {
                            break;
                        };
                        out.copy(input, at..start);
                        let word = &input[start + 8..start + len];
                        out.write(&format!("{0} {0} {0}", word.to_uppercase()), start);
                        at = start + len + 2;
                    }
                    out.copy(input, at..end);
                }
                line_at = end;
            }
        }
    }

    #[test]
    fn copied_text_maps_back_through_every_transform() {
        let source = "Hello {{shout hi}} there[^x].\n<!-- drop -->\nEnd [^x].\n";
        let p = prepare(source, &[&Shout]);
        assert!(p.text.contains("HI HI HI"), "{}", p.text);
        assert!(!p.text.contains("drop"), "{}", p.text);
        // Every copied byte maps to the same byte of the source.
        for needle in ["there", "End", "[^x]."] {
            let at = p.text[p.scaffold..].find(needle).expect(needle) + p.scaffold;
            let origin = p.origin(at);
            assert_eq!(&source[origin..origin + needle.len()], needle);
        }
        // Written text maps to where it was written from.
        let at = p.text.find("HI HI").expect("expanded");
        assert_eq!(p.origin(at + 4), source.find("{{shout").expect("written"));
        assert!(p.defined.is_empty());
        assert!(p.text[..p.scaffold].contains("[^x]: placeholder"));
    }

    #[test]
    fn without_transforms_or_citations_the_map_is_the_identity() {
        let p = prepare("Plain *text*.\n", &[]);
        assert_eq!(p.scaffold, 0);
        assert_eq!(p.text, "Plain *text*.\n");
        assert_eq!(p.origin(6), 6);
    }

    proptest::proptest! {
        /// Whatever a transform copies, skips or writes, every output byte maps back to the
        /// input byte it was copied from, or to the input offset it was written at.
        #[test]
        fn every_output_byte_maps_to_where_it_came_from(
            input in "[a-z\n]{0,60}",
            ops in proptest::collection::vec((0u8..3, 0usize..8, "[A-Z]{0,5}"), 0..20),
        ) {
            let mut out = Writer::default();
            let mut expected = Vec::new();
            let mut at = 0;
            for (op, len, text) in ops {
                let end = (at + len).min(input.len());
                match op {
                    0 => {
                        out.copy(&input, at..end);
                        expected.extend(at..end);
                        at = end;
                    }
                    1 => at = end,
                    _ => {
                        out.write(&text, at);
                        expected.extend(std::iter::repeat_n(at, text.len()));
                    }
                }
            }
            let (text, map) = out.finish();
            proptest::prop_assert_eq!(text.len(), expected.len());
            for (i, want) in expected.into_iter().enumerate() {
                proptest::prop_assert_eq!(map.origin(i), want, "output byte {}", i);
            }
        }
    }
}
