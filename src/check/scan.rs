//! The embargo audit of the files a run streams instead of keeping: each press kit's ZIP,
//! which holds every published kit file's name and bytes and can be gigabytes of b-roll.
//! [`Scanning`] searches each as the ZIP writer writes it, in blocks, and never holds it whole.
//!
//! A streamed file is compared as every other output is (see [`super::embargo`]): its bytes
//! read as UTF-8 with each invalid sequence as U+FFFD, then in NFC and lowercased. So a
//! binary file (a video, a JPEG, the ZIP's own headers) is compared as the text its bytes
//! spell where they are valid UTF-8: a title or URL written into it as UTF-8 or ASCII (a file
//! name, an XMP or ID3 field, a text file) is found, one in UTF-16 or inside compressed data
//! is not, as when the whole ZIP was searched in memory.
//!
//! Where a block ends matters: the comparison of a text is not the comparison of its parts
//! cut anywhere (a character split in two, an accent that composes with the letter before
//! the cut, a final sigma, a slug that goes on after the cut). So a block ends before an
//! ASCII space or control character (a newline, a NUL: frequent in text and in binary
//! alike), which is a whole character of any UTF-8 decoding, composes with nothing in NFC,
//! is neither cased nor case-ignorable (a sigma before it lowercases the same) and is no slug
//! character: there the comparison of the parts is the comparison of the whole. Each block
//! is searched together with the text before it back to such a place at least
//! [`Scan::context`] bytes earlier, more than any trace and a public URL overlapping it
//! could span: a trace that straddles a block's start is found whole, with the translation's
//! URL that would mask it. A text with no space or control character for a whole block (a
//! minified file) is cut before ASCII punctuation that is neither a slug character nor
//! case-ignorable, where only a URL spanning the cut could be misjudged; one with neither
//! (a block of letters, or of CJK text without spaces) at a character boundary.

use super::{Traces, fold};
use crate::model::Site;
use crate::render::{Keep, Output, Sink};
use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::Mutex;

/// How much new text each search takes: large enough that the context searched again with
/// each block is a small part of it, small enough to be nothing beside a video.
const BLOCK: usize = 1 << 16;

/// A file streamed past the audit, with what it carries of each embargoed item.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// Its output path (`/media/KIT.zip`).
    pub path: String,
    /// For each of `site.withheld`, in its order, the trace its bytes carry, if any (the one
    /// a search of the whole file would name).
    pub found: Vec<Option<String>>,
}

/// The sink of an auditing run: keeps every page for the audits, and searches each streamed
/// file for embargo traces as it is written on to `then` (a build's output), or to nowhere
/// (`check`, which keeps no kit's ZIP: it is read for the audit alone).
pub struct Scanning<'a> {
    traces: Vec<Traces>,
    kept: Keep,
    scanned: Mutex<Vec<Scanned>>,
    then: Option<&'a dyn Sink>,
}

impl<'a> Scanning<'a> {
    /// A sink searching for the traces of `site`'s embargoed items.
    pub fn new(site: &Site, then: Option<&'a dyn Sink>) -> Self {
        Scanning {
            traces: super::traces(site),
            kept: Keep::default(),
            scanned: Mutex::default(),
            then,
        }
    }

    /// The pages kept and the files scanned.
    pub fn into_parts(self) -> (Vec<Output>, Vec<Scanned>) {
        let scanned =
            (self.scanned.into_inner()).unwrap_or_else(std::sync::PoisonError::into_inner);
        (self.kept.into_outputs(), scanned)
    }
}

impl Sink for Scanning<'_> {
    fn put(&self, output: Output) {
        self.kept.put(output);
    }

    fn put_streamed(
        &self,
        path: &str,
        write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let scan = RefCell::new(Scan::new(&self.traces, BLOCK));
        let tee = |out: &mut dyn Write| write(&mut Tee { out, scan: &scan });
        match self.then {
            Some(sink) => sink.put_streamed(path, &tee)?,
            None => tee(&mut io::sink())?,
        }
        let found = scan.into_inner().finish();
        (self.scanned.lock())
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Scanned {
                path: path.to_string(),
                found,
            });
        Ok(())
    }
}

/// Writes on to `out` and hands the scan what was written.
struct Tee<'t, 's> {
    out: &'t mut dyn Write,
    scan: &'t RefCell<Scan<'s>>,
}

impl Write for Tee<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.scan.borrow_mut().write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The search of one stream for every embargoed item's traces, a block at a time.
struct Scan<'t> {
    traces: &'t [Traces],
    /// New text searched at a time (at least).
    block: usize,
    /// Bytes read but not decoded yet: the start of a character the next write completes.
    pending: Vec<u8>,
    /// The text decoded and not searched yet, after the context kept for it.
    window: String,
    /// Where in `window` the text not searched yet begins.
    new_from: usize,
    /// For each trace, the rank ([`Traces::rank_in`]) of the first trace found so far.
    best: Vec<Option<usize>>,
}

impl<'t> Scan<'t> {
    fn new(traces: &'t [Traces], block: usize) -> Self {
        Scan {
            traces,
            block,
            pending: Vec::new(),
            window: String::new(),
            new_from: 0,
            best: vec![None; traces.len()],
        }
    }

    /// How far back before a block to search with it, in bytes of the text as written: a
    /// trace and a public URL overlapping it, with a character on each side, as folded, and
    /// four times that, since folding can shorten a text (the Kelvin sign's three bytes
    /// lowercase to `k`, three Hangul jamo compose into one syllable).
    fn context(&self) -> usize {
        let longest = self.traces.iter().map(Traces::longest).max().unwrap_or(0);
        4 * (2 * longest + 8)
    }

    /// Searches the text decoded so far in blocks, keeping the context of the next.
    fn take(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        let whole = complete(&self.pending);
        self.window
            .push_str(&String::from_utf8_lossy(&self.pending[..whole]));
        self.pending.drain(..whole);
        while self.window.len() - self.new_from >= self.block {
            let end = cut(&self.window, self.new_from, self.window.len());
            self.search(end);
            let keep = match end.checked_sub(self.context()) {
                Some(hi) => cut(&self.window, hi.saturating_sub(self.block), hi),
                None => 0,
            };
            self.window.drain(..keep);
            self.new_from = end - keep;
        }
    }

    /// Searches `window[..end]`.
    fn search(&mut self, end: usize) {
        let text = fold(&self.window[..end]);
        for (t, best) in self.traces.iter().zip(&mut self.best) {
            if *best == Some(0) {
                continue; // nothing ranks before the first
            }
            if let Some(rank) = t.rank_in(&text) {
                *best = Some(best.map_or(rank, |b| b.min(rank)));
            }
        }
    }

    /// The traces found in the whole stream.
    fn finish(mut self) -> Vec<Option<String>> {
        let rest = std::mem::take(&mut self.pending);
        self.window.push_str(&String::from_utf8_lossy(&rest));
        self.search(self.window.len());
        (self.traces.iter().zip(&self.best))
            .map(|(t, best)| best.map(|r| t.trace(r).to_string()))
            .collect()
    }
}

impl Write for Scan<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.traces.is_empty() {
            self.take(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How many of `bytes` decode now: all but a character whose last bytes are still to come.
/// (Decoding stops before a lead byte, where any decoding of the whole starts a character
/// anew, so each invalid sequence still becomes one U+FFFD, as in the whole.)
fn complete(bytes: &[u8]) -> usize {
    let from = bytes.len().saturating_sub(3);
    match (from..bytes.len()).rev().find(|&i| bytes[i] & 0xC0 != 0x80) {
        Some(i) => {
            let needs = match bytes[i] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            if bytes.len() - i < needs {
                i
            } else {
                bytes.len()
            }
        }
        None => bytes.len(),
    }
}

/// The last place in `text` after `lo` and at most `hi` where the comparison of the parts
/// is the comparison of the whole: before a space or control character; else before ASCII
/// punctuation that is neither a slug character nor case-ignorable; else `hi` (at a
/// character boundary).
fn cut(text: &str, lo: usize, hi: usize) -> usize {
    let bytes = &text.as_bytes()[lo + 1..hi.max(lo + 1)];
    let clean = |b: &u8| b.is_ascii_whitespace() || b.is_ascii_control();
    let inert = |b: &u8| b.is_ascii_punctuation() && !b"-_'.:^`".contains(b);
    match (bytes.iter().rposition(clean)).or_else(|| bytes.iter().rposition(inert)) {
        Some(i) => lo + 1 + i,
        None => (0..=hi)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Traces of an embargoed release "Secret Merger" at `/press/secret-merger/`, whose French
    /// translation `/fr/press/secret-merger/` is public with another title (so the slug is no
    /// trace, and the French URL is masked).
    fn traces(title: &str, slug: &str) -> Vec<Traces> {
        vec![Traces {
            needles: vec![fold("/press/secret-merger/"), fold(title)],
            slug: Some(fold(slug)),
            public: vec![fold("/fr/press/secret-merger/")],
        }]
    }

    /// What a scan in blocks of `block` bytes finds in `bytes` written `chunk` bytes at a time.
    fn scan(traces: &[Traces], block: usize, chunk: usize, bytes: &[u8]) -> Vec<Option<String>> {
        let mut scan = Scan::new(traces, block);
        for part in bytes.chunks(chunk) {
            scan.write_all(part).unwrap();
        }
        scan.finish()
    }

    /// What the search of the whole text finds, as for an output kept in memory.
    fn whole(traces: &[Traces], bytes: &[u8]) -> Vec<Option<String>> {
        let text = fold(&String::from_utf8_lossy(bytes));
        (traces.iter())
            .map(|t| t.found_in(&text).map(str::to_string))
            .collect()
    }

    /// Filler of `n` bytes before a text, so that the text falls past the first block and its
    /// context, at every alignment as `n` varies.
    fn after_filler(n: usize, text: &[u8]) -> Vec<u8> {
        let mut bytes = b"lorem \x00\xffipsum\n".repeat(n / 14 + 1);
        bytes.truncate(n);
        bytes.extend_from_slice(text);
        bytes.extend(b" dolor\x89PNG sit".repeat(30));
        bytes
    }

    /// A trace straddling a block boundary is found, wherever the boundary falls in it and
    /// whatever the block and write sizes: each block is searched with the context before it.
    #[test]
    fn a_trace_across_a_block_boundary_is_found() {
        let t = traces("secret merger of the year", "q3-secret");
        let title = "the Secret Merger of the Year, soon".as_bytes();
        for pad in 400..430 {
            let text = after_filler(pad, title);
            for block in [16, 24, 32] {
                for chunk in [1, 7, 64] {
                    assert_eq!(
                        scan(&t, block, chunk, &text),
                        [Some("secret merger of the year".to_string())],
                        "after {pad} bytes, block {block}, writes of {chunk}"
                    );
                }
            }
        }
    }

    /// The comparison is the whole text's: a character split between writes, an accent
    /// composed with the letter before it (NFC), any case, invalid UTF-8; and no slug token is
    /// seen where a block ends inside a longer word, nor a URL inside a public one.
    #[test]
    fn blocks_compare_as_the_whole_text() {
        let t = traces("café ölçü", "q3-secret");
        let texts: [(&[u8], Option<&str>); 6] = [
            ("menu: CAFE\u{301} ÖLÇÜ!".as_bytes(), Some("café ölçü")),
            ("x q3-secret y".as_bytes(), Some("q3-secret")),
            ("x q3-secret-2 and big-q3-secret y".as_bytes(), None),
            (
                "see /fr/press/secret-merger/ or /FR/PRESS/SECRET-MERGER/".as_bytes(),
                None,
            ),
            (
                "at /press/secret-merger/ now".as_bytes(),
                Some("/press/secret-merger/"),
            ),
            (
                b"bytes \xe2\x82 \xf0\x9f\x98 CAF\xc3\x89 \xc3\xb6l\xc3\xa7\xc3\xbc.",
                Some("café ölçü"),
            ),
        ];
        for (text, want) in texts {
            for pad in [0, 300, 301, 302, 303, 317] {
                let text = after_filler(pad, text);
                assert_eq!(whole(&t, &text), [want.map(str::to_string)]);
                for block in [24, 32, 48, 100] {
                    for chunk in [1, 2, 3, 100] {
                        assert_eq!(
                            scan(&t, block, chunk, &text),
                            [want.map(str::to_string)],
                            "{:?}, block {block}, writes of {chunk}",
                            String::from_utf8_lossy(&text)
                        );
                    }
                }
            }
        }
    }

    /// The trace named is the one a search of the whole names (the URL before the title
    /// before the slug), wherever each is in the stream.
    #[test]
    fn the_first_ranked_trace_is_named() {
        let t = traces("secret merger", "q3-secret");
        let text = format!("q3-secret {} secret merger", "pad ".repeat(40));
        assert_eq!(
            scan(&t, 16, 5, text.as_bytes()),
            [Some("secret merger".to_string())]
        );
    }

    /// Cuts fall before a space or control character, else before inert punctuation.
    #[test]
    fn blocks_end_where_nothing_is_seen_across() {
        assert_eq!(cut("ab cd\nef", 0, 8), 5);
        assert_eq!(cut("ab-cd/ef", 0, 8), 5);
        assert_eq!(cut("abcdéf", 0, 5), 4);
        assert_eq!(complete(b"ab\xc3"), 2);
        assert_eq!(complete(b"ab\xc3\xa9"), 4);
        assert_eq!(complete(b"ab\xff"), 3);
    }
}
