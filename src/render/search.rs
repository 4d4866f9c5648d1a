//! The static search index: an inverted index split into shards that the default theme's
//! `search.js` loads on demand, so a reader downloads only what a query needs.
//!
//! # Why not pagefind
//! The `pagefind` crate was evaluated as a library: it pulls in a large dependency tree (its
//! own HTML parser, async runtime, compression, a bundled WASM search client and UI assets),
//! indexes the rendered HTML in a second pass over every page, and segments CJK text with its
//! own dictionaries. That is more code and build time than the whole of pressroom for a feature
//! that fits in this module: a compact index of our own, built from the model we already have,
//! with a tokenizer small enough to write twice (here and in `search.js`).
//!
//! # Files (all under `/search/`)
//! - `meta.json`: `version`, `docs` (count), `chunk_size` and `chunks` (record files),
//!   `shards` (word lists) and `shard_hash` (`"fnv1a32"`), `packs` (count), `tops` (count)
//!   and `top_size` (documents of a screen in each language, see below), `files` (each
//!   kind of file's name, `{n}` its number), `fields` (the field codes), `kinds`,
//!   `languages` (`[{code, name}]`), `years` (newest first) and `columns`: one column per
//!   filter, `{"kind": [...], "lang": [...], "year": [...]}`, each entry an index into
//!   `kinds`, `languages`, `years` (`-1`: undated). Documents are numbered newest first, so a
//!   smaller id is a more recent item. (Until version 3 the columns were a file of their own,
//!   `docs.json`: a request more on every first query for about 2 KB gzipped.) And `common`:
//!   `{"N": {"complete": [words...], "words": {word: entry}}}`, part of word list `N` (entries
//!   as there): up to 1,024 of the words in the most documents, each with every word it
//!   matches (sharing a stem, or beginning with it). A query token in a `complete` list reads
//!   its entries here and fetches no word list, so a query of common words (a title typed
//!   whole) costs one request per word, its pack, as Pagefind's costs one per word.
//! - `docs-N.json`: the records of documents `N*chunk_size ..`, an array of
//!   `{url, title, kind, lang, date (YYYY-MM-DD or ""), summary}`; loaded only for the results
//!   shown, when no top file holds them. The summary is cut at [`SNIPPET_CHARS`] characters
//!   (at a space, with `…`): a result shows a snippet. (Until version 3 records also had
//!   `year` and `tags`, which no result shows: the filters read the columns.)
//! - `top-N.json` (top files, since version 5): `{"DOC": record}`, the records of one word's
//!   first screen: in each language of the `lang` column, the [`TOP_SIZE`] documents with
//!   the word in its best field, newest first (see [`tops`]). A search page shows five
//!   results at first (as Pagefind's default UI does), and results scatter over the years: five
//!   of them were five record files, so a one-word query cost a request per result shown, as
//!   Pagefind's costs one fragment per result. A word whose screen spans two record files or
//!   more has a top file (words of the same screen share one; words in more documents first,
//!   the top files holding at most as many records as the index has documents), and
//!   `search.js` computes each word's screen from its postings, so it reads a screen's records
//!   from the fewest files: a one-word query's first screen is always in its words' top files.
//!   (A compact card store in fewer, larger files was the other way: ten scattered results
//!   among 2,500 files of four records are still ten files, and files of hundreds of records
//!   cost tens of KB a screen.)
//! - `index-N.json` (word lists): `{token: [stems..., where]}` for the tokens whose shard key
//!   (their first `shard_key_chars` = 3 characters, the whole token if shorter) has an FNV-1a
//!   32-bit hash of its UTF-8 bytes that is `N` modulo `shards`, in token order. Every word
//!   beginning with the same three characters is in one list, so the browser answers a typed
//!   prefix of three or more characters from one file: it lists the words that begin with it.
//!   An entry's leading strings are the word's stems ([`stems`]: Snowball, by the language of
//!   each document it occurs in, en, fr and sv; only those that differ from the word), so the
//!   browser folds `launches` onto `launched` by comparing stems it reads, without a stemmer
//!   of its own. `where` is either the word's postings (an array: short lists, which most
//!   words have, cost no second request) or the number `M` of the pack holding them. A word
//!   with a top file has its number after `where`: `[stems..., where, top]`.
//! - `post-M.json` (packs): `{token: postings}`. The postings are document ids in
//!   ascending order, each entry `(id - previous id) * 4 + field` (the first entry's previous
//!   id is 0), where field is the best place the token occurs: 3 title, 2 tag, 1 summary,
//!   0 body; or, for a token in many documents, where shorter, the string
//!   `"PRESENCE FIELDS"`: two base64 bitmaps, presence (bit `d % 8` of byte `d / 8`) and the
//!   field (bits `2 * (d % 4)` of byte `d / 4`), see [`encode`]. A word list's words are cut into packs in token order, about 4 KiB each (a
//!   longer list has a pack to itself), never between two words of one family (sharing
//!   their first stem), nor, while they add at most an eighth of its bytes, between a word
//!   of four characters or more and the words it begins (the query's last word matches them),
//!   so the words one query token matches sit in one pack or a few
//!   neighbouring ones, and a query downloads only the postings of the words it matched.
//!   Posting lists up to 128 bytes (some twenty-five documents) stay in the word list.
//!   The word lists grow in number with the vocabulary (a power of two, about 4 KiB of JSON
//!   each); see [`layout`].
//!
//! # The tokenizer contract (kept identical in `themes/default/static/search.js`)
//! 1. Each character is lowercased on its own (`char::to_lowercase`, not `str::to_lowercase`);
//!    full-width ASCII (U+FF01–U+FF5E) becomes ASCII; combining marks U+0300–U+036F are
//!    dropped; Latin letters with diacritics fold by the [`FOLD`] table (é→e, å→a, ö→o, ß→ss).
//! 2. Characters are classed as CJK (Han, kana, 々: [`is_cjk`]), Hangul ([`is_hangul`]), word
//!    (any other alphabetic or numeric character) or separator. A `,` `.` `'` U+00A0 U+2009 or
//!    U+202F between two ASCII digits is dropped, so `4,200` and `4 200` are both `4200`.
//! 3. Runs of one class make tokens: a word run is a token if it has 2 to 32 characters; a CJK
//!    run gives its character bigrams (a lone character, itself); a Hangul run gives its bigrams
//!    and the whole word (a run of one or two syllables, just itself).
//! 4. A query is tokenized the same way; a document matches when it has every token, except
//!    that a whole Hangul word of three or more syllables is optional (its bigrams are
//!    required), so `연구소` finds `연구소는`.
//!
//! # Matching in the browser (`search.js`, `expand`)
//! A query token matches the words of its shard, each with a quality: 4 the word itself;
//! 3 a word sharing a stem with it (when the typed word is not in the index, its stems are
//! the indexed stems or words it extends by an inflection ending such as `s`, `es`, `ed`,
//! `ing`, `e`, `er`, `ar`, `na`, `ly`); 2 a word it is a prefix of (tokens of three or more
//! characters; only the query's last token, the word being typed: the words before it are
//! finished, and a long query would otherwise fetch the postings of every longer word that
//! begins with one of its words, `for` → `forecast`, `format`, …); 1, only for a word of five or more letters that is not in the index, a word
//! one edit away (an insertion, deletion, substitution or swap of neighbours after the first
//! three characters, which choose the shard). Stems, prefixes and typos apply to letter words
//! only; CJK and Hangul keep their bigrams. A document's score is the sum over query tokens
//! of the best `field weight × quality` among the words it matched (weights 8 title, 4 tag,
//! 2 summary, 1 body), so a whole word outranks a prefix in the same field; ties go to the
//! newer document.

mod layout;
mod tops;

pub(crate) use layout::{
    Entry, Files, Relaid, encode, lay_out_again, layout, list_bytes, shard_count,
};
pub use tops::TOP_SIZE;

use super::Output;
use crate::config::Config;
use crate::model::{ItemId, Site, Surface};
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use serde_json::json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Format version of the index files (meta.json `version`).
pub const VERSION: u32 = 5;
/// Records per `docs-N.json` file. The results of a screen are often as many different files
/// (hits scatter over the years) when no top file holds them: four records gzip to about 850
/// bytes, so five scattered results cost about 4 KB, for 2,500 files at 10,000 items.
pub const CHUNK_SIZE: usize = 4;
/// How many leading characters of a token choose its shard.
pub const SHARD_KEY_CHARS: usize = 3;
/// The longest word token, in characters; longer runs (hashes, URLs) are not indexed.
const MAX_WORD_CHARS: usize = 32;

/// The Latin fold table: `base=letters` groups separated by spaces; each letter folds to base.
/// `search.js` carries the same string (a unit test checks it).
pub const FOLD: &str = "a=àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ ae=æ b=ḃḅḇ c=çćĉċčḉ d=ðďđḋḍḏḑḓ dz=ǆǳ e=èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ f=ḟ g=ĝğġģǧǵḡ h=ĥħȟḣḥḧḩḫẖ i=ìíîïĩīĭįıǐȉȋḭḯỉị ij=ĳ j=ĵǰ k=ķĸǩḱḳḵ l=ĺļľŀłḷḹḻḽ lj=ǉ m=ḿṁṃ n=ñńņňŋǹṅṇṉṋ nj=ǌ o=òóôõöøōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ oe=œ p=ṕṗ r=ŕŗřȑȓṙṛṝṟ s=śŝşšſșṡṣṥṧṩ ss=ß t=ţťŧțṫṭṯṱẗ th=þ u=ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự v=ṽṿ w=ŵẁẃẅẇẉẘ x=ẋẍ y=ýÿŷȳẏẙỳỵỷỹ z=źżžẑẓẕ σ=ς";

/// Where in a document a token occurs (the best place wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Field {
    /// Body text, facts, updates, notices.
    Body = 0,
    /// The summary.
    Summary = 1,
    /// A tag or category.
    Tag = 2,
    /// The title.
    Title = 3,
}

fn fold_table() -> &'static HashMap<char, &'static str> {
    static TABLE: OnceLock<HashMap<char, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for group in FOLD.split(' ') {
            if let Some((base, letters)) = group.split_once('=') {
                for c in letters.chars() {
                    map.insert(c, base);
                }
            }
        }
        map
    })
}

/// Han and kana (written without spaces): indexed as character bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007       // 々 〆 〇
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x31F0..=0x31FF     // Katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK Extension A
        | 0x4E00..=0x9FFF     // CJK Unified Ideographs
        | 0xF900..=0xFAFF     // Compatibility Ideographs
        | 0xFF66..=0xFF9F     // Half-width Katakana
        | 0x20000..=0x2FA1F)
}

/// Hangul syllables and jamo: indexed as bigrams and whole words.
pub fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7A3)
}

/// Step 1 of the contract: lowercase, full-width to ASCII, drop combining marks, fold.
pub fn normalize(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    normalize_into(text, &mut out);
    utf8(out)
}

/// Bytes [`normalize_into`] wrote, which are UTF-8, as a String (checked: a pass of a
/// fraction of an instruction a byte, where building the text in a String cost a check of
/// every ASCII run's end a byte at a time).
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends [`normalize`]`(text)` to `out`, as UTF-8. Each character is normalized on its own,
/// so the normalized text of parts put end to end is that of the whole.
fn normalize_into(text: &str, out: &mut Vec<u8>) {
    out.reserve(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // ASCII, most of most sites' text, is found eight bytes at a time and copied
        // lowercased a run at a time (a loop the compiler does many bytes at once).
        let ascii = ascii_prefix(rest.as_bytes());
        if ascii > 0 {
            out.extend(rest.as_bytes()[..ascii].iter().map(u8::to_ascii_lowercase));
            rest = &rest[ascii..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        rest = chars.as_str();
        for l in c.to_lowercase() {
            let l = match l as u32 {
                0xFF01..=0xFF5E => char::from_u32(l as u32 - 0xFEE0).unwrap_or(l),
                0x0300..=0x036F => continue,
                _ => l,
            };
            // Every letter of the table is in one of these ranges.
            let foldable = matches!(l as u32, 0xC0..=0x24F | 0x3C2 | 0x1E00..=0x1EFF);
            match foldable.then(|| fold_table().get(&l)).flatten() {
                Some(s) => out.extend_from_slice(s.as_bytes()),
                None => out.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes()),
            }
        }
    }
}

/// How many bytes at the start of `bytes` are ASCII, read eight at a time.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut n = 0;
    for eight in bytes.chunks_exact(8).map(crate::bytewise::word) {
        let high = eight & crate::bytewise::HIGH;
        if high != 0 {
            return n + high.trailing_zeros() as usize / 8;
        }
        n += 8;
    }
    n + (bytes[n..].iter())
        .position(|b| !b.is_ascii())
        .unwrap_or(bytes.len() - n)
}

/// A map of the index's own (every word's postings, the top files' screens; a document's
/// words are in a table of their own, [`BestFields`]): keys are short words, hashed a word
/// at a time. No output depends on these maps'
/// order: their entries are sorted or looked up.
pub(crate) use crate::fast_map::FastMap;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Cjk,
    Hangul,
    Sep,
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Sep
        }
    } else if is_cjk(c) {
        Class::Cjk
    } else if is_hangul(c) {
        Class::Hangul
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Sep
    }
}

/// The class of each byte of ASCII, by its value: 1 a word character (a letter or digit), 0 a
/// separator; 2 for the bytes of other characters, which are decoded and classed by [`class`].
/// A table read is a few instructions a byte where the range tests were a dozen. A static,
/// not a const: a const array read at a computed index could be copied onto the stack first,
/// and was, in [`plain_ascii_word`] (a `memcpy` of 256 bytes a token).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [2; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    table
};

fn is_digit_joiner(c: char) -> bool {
    matches!(c, ',' | '.' | '\'' | '\u{a0}' | '\u{2009}' | '\u{202f}')
}

/// Steps 2 and 3: calls `emit(token, required)` for each token of `text`; `required` is false
/// only for the whole-word form of a Hangul word of three or more syllables.
fn each_token(text: &str, mut emit: impl FnMut(&str, bool)) {
    let norm = normalize(text);
    each_normalized_token(&norm, |t, required| emit(t.as_str(), required));
}

/// A token of a normalized text: a slice of it, or, for a number whose joiners were left out
/// (`4,200` → `4200`), a copy that lives only as long as the call it is handed to.
#[derive(Clone, Copy)]
enum Token<'a, 'c> {
    Slice(&'a str),
    Copy(&'c str),
}

impl<'a, 'c> Token<'a, 'c> {
    fn as_str(&self) -> &str {
        match self {
            Token::Slice(s) | Token::Copy(s) => s,
        }
    }

    /// Bytes `range` of the token, of the same kind.
    fn sub(self, range: std::ops::Range<usize>) -> Token<'a, 'c> {
        match self {
            Token::Slice(s) => Token::Slice(s.get(range).unwrap_or_default()),
            Token::Copy(s) => Token::Copy(s.get(range).unwrap_or_default()),
        }
    }
}

/// [`each_token`] of a text already normalized (step 1), each token a [`Token`]: a caller
/// that keeps tokens keeps slices of `norm`, and copies only the few that are not.
fn each_normalized_token<'a>(norm: &'a str, mut emit: impl FnMut(Token<'a, '_>, bool)) {
    // Runs are slices of the normalized text; only a number with a joiner left out
    // (`4,200` → `4200`) is copied. This runs over every indexed word of the site, so ASCII
    // is classed by its byte (a word character exactly when alphanumeric) and the ASCII
    // bytes that continue a run are taken in at once; other characters are decoded.
    let bytes = norm.as_bytes();
    let mut run = Run::default();
    let mut copy = String::new();
    let mut i = 0;
    while i < bytes.len() {
        // Most tokens: an ASCII word after a separator that ends as it stands, emitted
        // without a run (what follows it is a separator, so the run stays one).
        if run.class == Class::Sep
            && let Some(end) = plain_ascii_word(bytes, i)
        {
            if (2..=MAX_WORD_CHARS).contains(&(end - i)) {
                emit(Token::Slice(&norm[i..end]), true);
            }
            i = end;
            continue;
        }
        let b = bytes[i];
        let (c, cl) = match BYTE_CLASS[usize::from(b)] {
            1 => (char::from(b), Class::Word),
            0 => (char::from(b), Class::Sep),
            _ => {
                let c = norm[i..].chars().next().unwrap_or(' ');
                (c, class(c))
            }
        };
        let next = i + c.len_utf8();
        if cl == Class::Sep
            && run.class == Class::Word
            && is_digit_joiner(c)
            && run.last.is_ascii_digit()
            && bytes.get(next).is_some_and(u8::is_ascii_digit)
        {
            if !run.copied {
                copy.clear();
                copy.push_str(&norm[run.start..run.end]);
                run.copied = true;
            }
            i = next;
            continue;
        }
        if cl != run.class {
            // The common case, a plain word, here; the rest (and no call at all for a
            // separator run) in flush.
            if run.is_plain_word() {
                emit(Token::Slice(&norm[run.start..run.end]), true);
            } else if run.class != Class::Sep {
                run.flush(norm, &copy, &mut emit);
            }
            run = Run {
                class: cl,
                start: i,
                ..Run::default()
            };
        }
        i = run.take(norm, (i, next), c, &mut copy);
    }
    run.flush(norm, &copy, &mut emit);
}

/// Where the word at byte `i` ends when it is ASCII and a token as it stands: followed by the
/// end of the text, or by an ASCII separator that joins no digits (the `,` of `4,200`); None
/// when byte `i` is no ASCII letter or digit, or the word goes on past a joiner or in other
/// characters (`Malmö`), which the runs of [`each_normalized_token`] take in.
#[inline(always)]
fn plain_ascii_word(bytes: &[u8], i: usize) -> Option<usize> {
    if BYTE_CLASS[usize::from(*bytes.get(i)?)] != 1 {
        return None;
    }
    let end = i + 1 + ascii_word_len(bytes.get(i + 1..).unwrap_or_default());
    let Some(&after) = bytes.get(end) else {
        return Some(end);
    };
    let joins = matches!(after, b',' | b'.' | b'\'')
        && bytes[end - 1].is_ascii_digit()
        && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
    (BYTE_CLASS[usize::from(after)] == 0 && !joins).then_some(end)
}

/// How many bytes at the start of `rest` are ASCII letters and digits, read eight at a time.
#[inline(always)]
fn ascii_word_len(rest: &[u8]) -> usize {
    let mut n = 0;
    for eight in rest.chunks_exact(8).map(crate::bytewise::word) {
        let other = !crate::bytewise::ascii_alphanumeric(eight) & crate::bytewise::HIGH;
        if other != 0 {
            return n + other.trailing_zeros() as usize / 8;
        }
        n += 8;
    }
    n + (rest[n..].iter())
        .take_while(|&&b| BYTE_CLASS[usize::from(b)] == 1)
        .count()
}

/// A run of characters of one class in the normalized text.
#[derive(Clone, Copy)]
struct Run {
    class: Class,
    start: usize,
    end: usize,
    chars: usize,
    last: char,
    /// Whether a digit joiner was left out of the run: its text is then the copy that
    /// [`each_token`] keeps, not a slice.
    copied: bool,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            class: Class::Sep,
            start: 0,
            end: 0,
            chars: 0,
            last: ' ',
            copied: false,
        }
    }
}

impl Run {
    /// Whether the run is a word token that is a slice of the normalized text.
    fn is_plain_word(&self) -> bool {
        self.class == Class::Word && !self.copied && (2..=MAX_WORD_CHARS).contains(&self.chars)
    }

    /// Takes in character `c` of the run's class, at `at.0..at.1` in `norm`, and the ASCII
    /// bytes after it that continue the run as they are: the letters and digits after a word
    /// character, the other ASCII after a separator (between separators, no joiner rule
    /// applies: it needs a word run). Says where the run's next character is.
    // Inlined: called for every run, it cost as much in its calls as in its loops.
    #[inline(always)]
    fn take(
        &mut self,
        norm: &str,
        (at, next): (usize, usize),
        c: char,
        copy: &mut String,
    ) -> usize {
        let rest = &norm.as_bytes()[next..];
        match self.class {
            Class::Sep => {
                next + rest
                    .iter()
                    .take_while(|&&b| BYTE_CLASS[usize::from(b)] == 0)
                    .count()
            }
            Class::Word => {
                let n = ascii_word_len(rest);
                let end = next + n;
                if self.copied {
                    copy.push_str(&norm[at..end]);
                }
                self.end = end;
                self.chars += 1 + n;
                self.last = rest[..n].last().map_or(c, |&b| char::from(b));
                end
            }
            Class::Cjk | Class::Hangul => {
                if self.copied {
                    copy.push(c);
                }
                self.end = next;
                self.chars += 1;
                self.last = c;
                next
            }
        }
    }

    /// Emits the run's tokens (see [`each_token`]); `copy` is its text when it was copied.
    fn flush<'a>(&self, norm: &'a str, copy: &str, emit: &mut impl FnMut(Token<'a, '_>, bool)) {
        if self.class == Class::Sep || self.chars == 0 {
            return;
        }
        let run = match self.copied {
            true => Token::Copy(copy),
            false => Token::Slice(&norm[self.start..self.end]),
        };
        match self.class {
            Class::Word if (2..=MAX_WORD_CHARS).contains(&self.chars) => emit(run, true),
            Class::Cjk | Class::Hangul if self.chars == 1 => emit(run, true),
            Class::Hangul if self.chars == 2 => emit(run, true),
            Class::Cjk | Class::Hangul => {
                // Each pair of neighbouring characters, a slice of the run (no copy).
                let mut prev: Option<usize> = None;
                for (at, c) in run.as_str().char_indices() {
                    if let Some(p) = prev {
                        emit(run.sub(p..at + c.len_utf8()), true);
                    }
                    prev = Some(at);
                }
                if self.class == Class::Hangul && self.chars <= MAX_WORD_CHARS {
                    emit(run, false);
                }
            }
            _ => {}
        }
    }
}

/// Every token of `text` as the index stores it (in order, with repeats).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, |t, _| out.push(t.to_string()));
    out
}

/// A query's tokens: those a document must have, and those that only add to its score.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Every one must match (deduplicated, in order).
    pub required: Vec<String>,
    /// Optional (whole Hangul words whose bigrams are required).
    pub optional: Vec<String>,
}

/// Tokenizes a query (step 4 of the contract).
pub fn query(text: &str) -> Query {
    let mut q = Query::default();
    each_token(text, |t, required| {
        let list = if required {
            &mut q.required
        } else {
            &mut q.optional
        };
        if !list.iter().any(|x| x == t) {
            list.push(t.to_string());
        }
    });
    let required = q.required.clone();
    q.optional.retain(|t| !required.contains(t));
    q
}

/// FNV-1a, 32 bits, over the token's UTF-8 bytes.
pub fn fnv1a32(token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in token.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The characters of `token` that choose its shard: its first [`SHARD_KEY_CHARS`].
pub fn shard_key(token: &str) -> &str {
    match token.char_indices().nth(SHARD_KEY_CHARS) {
        Some((i, _)) => &token[..i],
        None => token,
    }
}

/// Which shard of `count` holds `token`.
pub fn shard_of(token: &str, count: usize) -> usize {
    fnv1a32(shard_key(token)) as usize % count.max(1)
}

/// The Snowball stemmer of a language code (by its primary subtag, so `en-GB` is English),
/// for the languages pressroom folds: English, French, Swedish.
pub fn stemmer_of(lang: &str) -> Option<Algorithm> {
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    match primary.to_ascii_lowercase().as_str() {
        "en" => Some(Algorithm::English),
        "fr" => Some(Algorithm::French),
        "sv" => Some(Algorithm::Swedish),
        _ => None,
    }
}

/// Whether a token is a word a stemmer folds: letters only (no digits, CJK or Hangul).
fn stemmable(token: &str) -> bool {
    token
        .chars()
        .all(|c| c.is_alphabetic() && !is_cjk(c) && !is_hangul(c))
}

/// The stems of `word` under each stemmer of the documents in `list` (postings), that differ
/// from the word, sorted. `doc_stemmer[doc]` is the stemmer of a document's language.
pub fn stems(word: &str, list: &[u32], doc_stemmer: &[Option<Algorithm>]) -> Vec<String> {
    if !stemmable(word) {
        return Vec::new();
    }
    let mut algorithms: Vec<Algorithm> = Vec::new();
    for p in list {
        if let Some(Some(a)) = doc_stemmer.get((p >> 2) as usize) {
            if !algorithms.contains(a) {
                algorithms.push(*a);
            }
        }
    }
    let mut out: Vec<String> = algorithms
        .into_iter()
        .map(|a| Stemmer::create(a).stem(word).into_owned())
        .filter(|s| s != word && !s.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// One item's tokens with the best field of each (in no particular order): their texts end
/// to end in one String, and where each ends. One allocation for all of them, where a String
/// a token was one allocation per distinct word of every document (and one free each when a
/// word was already in the index).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ItemTokens {
    text: String,
    ends: Vec<(usize, Field)>,
}

impl ItemTokens {
    /// Each token and its best field.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, Field)> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(end, field)| {
            let token = self.text.get(start..end).unwrap_or_default();
            start = end;
            (token, field)
        })
    }
}

/// The tokens of one item with the best field each.
pub(crate) fn item_tokens(site: &Site, id: ItemId) -> ItemTokens {
    let (norm, fields) = normalized_fields(&site.items[id]);
    best_tokens(&norm, fields)
}

/// The tokens of each field's part of `norm` (a normalized text), with the best field each.
fn best_tokens(norm: &str, fields: Vec<(std::ops::Range<usize>, Field)>) -> ItemTokens {
    // Room for the distinct words of a body at once (about one per 12 bytes of text in the
    // corpora measured): grown from empty, the table was rehashed seven times per document.
    let mut best = BestFields::with_room((norm.len() / 12).clamp(16, 4096));
    for (range, field) in fields {
        let text = norm.get(range).unwrap_or_default();
        // Inlined: called for every token, from three places of the tokenizer.
        each_normalized_token(
            text,
            #[inline(always)]
            |token, _| best.add(token, field),
        );
    }
    let mut tokens = ItemTokens {
        text: String::with_capacity(best.tokens.iter().map(|(t, _)| t.len()).sum()),
        ends: Vec::with_capacity(best.tokens.len()),
    };
    for (token, field) in &best.tokens {
        tokens.text.push_str(token);
        tokens.ends.push((tokens.text.len(), *field));
    }
    tokens
}

/// An item's distinct tokens with the best field of each, in a table of its own: slices of
/// the item's normalized text (a String only for a number whose joiners were left out),
/// found by their [`FastHash`](crate::fast_map::FastHash) in slots probed one after the
/// next. hashbrown's entry, a call a token, cost some 120 instructions of one (its hashing,
/// its probe of a group of slots, its result); a token seen before, most of them, is here a
/// hash, a slot or two and a comparison.
struct BestFields<'a> {
    /// A power of two of slots, at most half full: a token's hash (0 for a free slot; a
    /// hash is never 0) and its number in `tokens`.
    slots: Vec<(u64, usize)>,
    /// The tokens in the order first seen, with their best field so far.
    tokens: Vec<(Cow<'a, str>, Field)>,
    hasher: std::hash::BuildHasherDefault<crate::fast_map::FastHash>,
}

impl<'a> BestFields<'a> {
    /// A table for `room` tokens before it grows.
    fn with_room(room: usize) -> Self {
        BestFields {
            slots: vec![(0, 0); (room * 2).next_power_of_two()],
            tokens: Vec::with_capacity(room),
            hasher: Default::default(),
        }
    }

    /// A token's hash, never 0 (which marks a free slot).
    #[inline(always)]
    fn hash(&self, token: &str) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(token) | 1
    }

    /// Takes in a token found in `field`.
    #[inline(always)]
    fn add(&mut self, token: Token<'a, '_>, field: Field) {
        let text = token.as_str();
        let hash = self.hash(text);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let (h, n) = self.slots[at];
            if h == 0 {
                break;
            }
            if h == hash && self.tokens[n].0 == text {
                let best = &mut self.tokens[n].1;
                *best = (*best).max(field);
                return;
            }
            at = (at + 1) & mask;
        }
        self.slots[at] = (hash, self.tokens.len());
        let kept = match token {
            Token::Slice(t) => Cow::Borrowed(t),
            Token::Copy(t) => Cow::Owned(t.to_string()),
        };
        self.tokens.push((kept, field));
        if self.tokens.len() * 2 > self.slots.len() {
            self.grow();
        }
    }

    /// Twice the slots, every token placed again.
    #[cold]
    fn grow(&mut self) {
        let mut slots = vec![(0, 0); self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (n, (token, _)) in self.tokens.iter().enumerate() {
            let hash = self.hash(token);
            let mut at = hash as usize & mask;
            while slots[at].0 != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (hash, n);
        }
        self.slots = slots;
    }
}

/// An item's indexed texts normalized (step 1) end to end, and each field's part of them:
/// the title, each tag and category, the summary and the body (see
/// [`crate::markdown::each_indexed_part`]), each tokenized on its own as before.
fn normalized_fields(item: &crate::model::Item) -> (String, Vec<(std::ops::Range<usize>, Field)>) {
    let mut norm = Vec::new();
    let mut fields = Vec::with_capacity(4 + item.tags.len() + item.categories.len());
    let mut field = |norm: &mut Vec<u8>, text: &str, field: Field| {
        let from = norm.len();
        normalize_into(text, norm);
        fields.push((from..norm.len(), field));
    };
    field(&mut norm, &item.title, Field::Title);
    for tag in item.tags.iter().chain(&item.categories) {
        field(&mut norm, tag, Field::Tag);
    }
    field(&mut norm, &item.rendered.summary_text, Field::Summary);
    let from = norm.len();
    crate::markdown::each_indexed_part(item, |part| normalize_into(part, &mut norm));
    fields.push((from..norm.len(), Field::Body));
    (utf8(norm), fields)
}

/// The indexed items in document order: newest first, so a document's id is its recency rank;
/// undated items last.
pub(crate) fn doc_ids(site: &Site) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = (0..site.items.len())
        .filter(|&id| site.items[id].appears_in(Surface::Search))
        .collect();
    ids.sort_by(|&a, &b| doc_order(site, a, b));
    ids
}

/// [`doc_ids`], which are `last` (the last build's) when those are still every indexed item,
/// each before the next: an edit that keeps every item's date and path, as a body edit does,
/// costs a pass over them instead of a sort (5% of serve's CPU per edit at 10,000 items).
pub(crate) fn doc_ids_again(site: &Site, last: &[ItemId]) -> Vec<ItemId> {
    let n = site.items.len();
    let indexed = |id: ItemId| id < n && site.items[id].appears_in(Surface::Search);
    // Items still (ids in range: before the order reads them), each before the next in a
    // total order: all different, and in the one sorted order of their set.
    let all = last.iter().all(|&id| indexed(id))
        && last.windows(2).all(|w| doc_order(site, w[0], w[1]).is_lt())
        && (0..n).filter(|&id| indexed(id)).count() == last.len();
    match all {
        true => last.to_vec(),
        false => doc_ids(site),
    }
}

/// The documents' order: dated items first, newest first, then by path.
fn doc_order(site: &Site, a: ItemId, b: ItemId) -> std::cmp::Ordering {
    let (x, y) = (&site.items[a], &site.items[b]);
    y.date
        .is_some()
        .cmp(&x.date.is_some())
        .then(y.date.cmp(&x.date))
        .then(x.path.cmp(&y.path))
}

/// A document's record: what a result shows, and what the filters read (the year, written
/// to meta.json's columns, not to the record). Its fields are in alphabetical order, the
/// order the index files have always had them in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Record {
    /// `YYYY-MM-DD` in the item's zone, or empty.
    date: String,
    /// The item's kind, or `media` for a file of a press kit.
    kind: &'static str,
    lang: String,
    /// The summary as a result shows it: see [`snippet`].
    summary: String,
    title: String,
    url: String,
    #[serde(skip)]
    year: Option<i16>,
}

impl Record {
    /// The document's language: with its postings, all a word's entry depends on besides
    /// (its stems and its screen, see [`encode`]).
    pub(crate) fn lang(&self) -> &str {
        &self.lang
    }

    /// Whether `other` has the same kind, language and year: what meta.json's columns read
    /// of a record.
    pub(crate) fn same_filters(&self, other: &Record) -> bool {
        (self.kind, &self.lang, self.year) == (other.kind, &other.lang, other.year)
    }
}

/// The longest summary a record keeps, in characters.
pub const SNIPPET_CHARS: usize = 160;

/// `text` cut to at most [`SNIPPET_CHARS`] characters at a space, with `…`, when longer.
/// A result shows a snippet (as Pagefind's do, about 30 words); the whole summary of ten
/// results was a third of a second query's bytes.
pub(crate) fn snippet(text: &str) -> String {
    let Some((cut, _)) = text.char_indices().nth(SNIPPET_CHARS) else {
        return text.to_string();
    };
    let head = &text[..cut];
    // At the last space, unless that leaves too little (a text without spaces: CJK).
    let head = match head.rfind(char::is_whitespace) {
        Some(i) if i > cut / 2 => &head[..i],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:–—-".contains(c));
    format!("{head}…")
}

/// A document's record.
pub(crate) fn record(site: &Site, config: &Config, id: ItemId) -> Record {
    let item = &site.items[id];
    let zoned = item.date.map(|d| d.to_zoned(item.tz.clone()));
    Record {
        date: zoned
            .as_ref()
            .map(|z| z.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        kind: item.kind.as_str(),
        lang: item.lang.clone(),
        summary: snippet(&item.rendered.summary_text),
        title: item.title.clone(),
        url: config.url(&item.path),
        year: zoned.as_ref().map(|z| z.year()),
    }
}

/// What the index needs of each document's language, by document: its stemmer (for a
/// word's stems) and its entry in meta.json's `lang` column (for a word's screen).
#[derive(Debug, Default)]
pub(crate) struct DocLangs {
    pub(crate) stemmer: Vec<Option<Algorithm>>,
    pub(crate) lang: Vec<i16>,
}

/// Each document's [`DocLangs`], by its record's language.
pub(crate) fn doc_langs<'r>(
    config: &Config,
    records: impl Iterator<Item = &'r Record>,
) -> DocLangs {
    let mut docs = DocLangs::default();
    for r in records {
        docs.stemmer.push(stemmer_of(&r.lang));
        docs.lang.push(lang_index(config, &r.lang) as i16);
    }
    docs
}

/// A language's place in meta.json's `languages` (the site's), or -1.
fn lang_index(config: &Config, lang: &str) -> i64 {
    (config.languages.iter())
        .position(|l| l.code == lang)
        .map_or(-1, |i| i as i64)
}

/// A file of the index: compact JSON and a newline.
pub(crate) fn json_bytes<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec(v).unwrap_or_default();
    b.push(b'\n');
    b
}

/// The search index files for the items of `site` that appear in [`Surface::Search`].
pub fn outputs(site: &Site, config: &Config) -> Vec<Output> {
    let ids = doc_ids(site);

    // Tokenize in parallel a block of documents at a time (to bound memory), merging each
    // block in document order so every posting list comes out sorted.
    let mut postings: FastMap<String, Vec<u32>> = FastMap::default();
    for (block_no, block) in ids.chunks(1024).enumerate() {
        let per_doc: Vec<ItemTokens> = block.par_iter().map(|&id| item_tokens(site, id)).collect();
        for (i, toks) in per_doc.iter().enumerate() {
            let doc = (block_no * 1024 + i) as u32;
            for (t, f) in toks.iter() {
                let posting = (doc << 2) | f as u32;
                // A String only for a word new to the index.
                match postings.get_mut(t) {
                    Some(list) => list.push(posting),
                    None => postings.entry(t.to_string()).or_default().push(posting),
                }
            }
        }
    }
    // The media library's files come after the items.
    let media = media_docs(site, config);
    for (j, (_, toks)) in media.iter().enumerate() {
        let doc = (ids.len() + j) as u32;
        for (t, f) in toks {
            postings
                .entry(t.clone())
                .or_default()
                .push((doc << 2) | *f as u32);
        }
    }
    // Encode each token's postings, then lay the entries out in word order.
    let records: Vec<Record> = (ids.iter().map(|&id| record(site, config, id)))
        .chain(media.into_iter().map(|(r, _)| r))
        .collect();
    let docs = doc_langs(config, records.iter());
    let mut encoded: Vec<(String, Entry)> = postings
        .into_par_iter()
        .map(|(token, list)| {
            let entry = encode(&token, &list, &docs);
            (token, entry)
        })
        .collect();
    encoded.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let records: Vec<&Record> = records.iter().collect();
    let chunks = record_files(
        &records,
        records.chunks(CHUNK_SIZE).map(json_bytes).collect(),
    );
    let entries = encoded.iter().map(|(t, e)| (t.as_str(), e));
    let files = layout(entries, records.len(), chunks.size);
    finish(config, &records, chunks, files)
}

/// The `docs-N.json` files and how many records each holds.
pub(crate) struct RecordFiles {
    pub(crate) size: usize,
    pub(crate) files: Vec<Vec<u8>>,
}

/// All records in one file when the record files of [`CHUNK_SIZE`] (`chunks`, the records'
/// in order) hold this many bytes or fewer: about fifty items, 6 KB gzipped. A small site's
/// first screen is then one request whatever its results, with no top file.
const ONE_RECORD_FILE_BYTES: usize = 16 * 1024;

/// The record files of `records`, from their files of [`CHUNK_SIZE`] records each.
pub(crate) fn record_files(records: &[&Record], chunks: Vec<Vec<u8>>) -> RecordFiles {
    match one_record_file(records, &chunks) {
        Some(file) => RecordFiles {
            size: records.len(),
            files: vec![file],
        },
        None => RecordFiles {
            size: CHUNK_SIZE,
            files: chunks,
        },
    }
}

/// The one record file of a small site (see [`ONE_RECORD_FILE_BYTES`]), or None when
/// `chunks`, the records' files of [`CHUNK_SIZE`], are the record files.
pub(crate) fn one_record_file(records: &[&Record], chunks: &[Vec<u8>]) -> Option<Vec<u8>> {
    (chunks.len() > 1 && chunks.iter().map(Vec::len).sum::<usize>() <= ONE_RECORD_FILE_BYTES)
        .then(|| json_bytes(records))
}

/// The media library's documents, numbered after the items: each file of a kit that appears
/// in search, found at its anchor on the kit's page. Its title is the title field, its kit's
/// title a tag, its caption and alt text the summary, its credit and file name the body.
pub(crate) fn media_docs(site: &Site, config: &Config) -> Vec<(Record, Vec<(String, Field)>)> {
    let mut docs = Vec::new();
    for kit in (site.media.kits.iter()).filter(|k| k.appears_in(Surface::Search)) {
        let zoned = kit.date.map(|d| d.to_zoned(config.timezone.clone()));
        for a in &kit.assets {
            let mut best: BTreeMap<String, Field> = BTreeMap::new();
            let mut add = |text: &str, field: Field| {
                each_token(text, |t, _| {
                    let f = best.entry(t.to_string()).or_insert(field);
                    *f = (*f).max(field);
                })
            };
            add(&a.title, Field::Title);
            add(&kit.title, Field::Tag);
            for text in a.caption.iter().chain(&a.alt) {
                add(text, Field::Summary);
            }
            for text in a.credit.iter().chain([&a.file]) {
                add(text, Field::Body);
            }
            // A file is found in its own language (a French PDF in French search), or in
            // its kit version's; a translated version's entry stands for the kit there.
            let lang = match kit.lang == config.default_language {
                false => kit.lang.as_str(),
                true => (a.language.as_deref())
                    .filter(|l| config.has_language(l))
                    .unwrap_or(&config.default_language),
            };
            if lang != kit.lang && site.media.versions_of(kit).any(|v| v.lang == lang) {
                continue;
            }
            let record = Record {
                date: (zoned.as_ref())
                    .map(|z| z.strftime("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                kind: "media",
                lang: lang.to_string(),
                summary: snippet(a.caption.as_ref().or(a.alt.as_ref()).map_or("", |s| s)),
                title: a.title.clone(),
                url: format!("{}#{}", config.url(&kit.path), a.anchor),
                year: zoned.as_ref().map(|z| z.year()),
            };
            docs.push((record, best.into_iter().collect()));
        }
    }
    docs
}

/// Kinds, years and the columns of meta.json (see [`filters`]).
type Filters<'r> = (Vec<&'r str>, Vec<i64>, BTreeMap<&'static str, Vec<i64>>);

/// The filters' values (kinds, years, newest first) and each document's column of them (an
/// index into the values, or -1), for meta.json.
fn filters<'r>(config: &Config, records: &[&'r Record]) -> Filters<'r> {
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    let mut years: BTreeSet<i64> = BTreeSet::new();
    for r in records {
        kinds.insert(r.kind);
        if let Some(y) = r.year {
            years.insert(i64::from(y));
        }
    }
    let kinds: Vec<&str> = kinds.into_iter().collect();
    let years: Vec<i64> = years.into_iter().rev().collect();
    let index_of =
        |list: &[&str], v: &str| list.iter().position(|x| *x == v).map_or(-1, |i| i as i64);
    let mut col_kind = Vec::with_capacity(records.len());
    let mut col_lang = Vec::with_capacity(records.len());
    let mut col_year = Vec::with_capacity(records.len());
    for r in records {
        col_kind.push(index_of(&kinds, r.kind));
        col_lang.push(lang_index(config, &r.lang));
        col_year.push(
            r.year
                .and_then(|y| years.iter().position(|&x| x == i64::from(y)))
                .map_or(-1, |i| i as i64),
        );
    }
    let mut columns = BTreeMap::new();
    columns.insert("kind", col_kind);
    columns.insert("lang", col_lang);
    columns.insert("year", col_year);
    (kinds, years, columns)
}

/// The common words of meta.json, each with every word it matches.
fn common_words(files: &Files) -> serde_json::Map<String, serde_json::Value> {
    (files.common.iter())
        .map(|(n, c)| {
            let words: serde_json::Map<String, serde_json::Value> = (c.words.iter())
                .map(|(w, text)| (w.clone(), serde_json::from_str(text).unwrap_or_default()))
                .collect();
            (
                n.to_string(),
                json!({"complete": c.complete, "words": words}),
            )
        })
        .collect()
}

/// The index files from the records (document order), the `docs-N.json` files and the
/// word lists and packs.
pub(crate) fn finish(
    config: &Config,
    records: &[&Record],
    chunks: RecordFiles,
    files: Files,
) -> Vec<Output> {
    let meta = meta(config, records, (chunks.size, chunks.files.len()), &files);
    let mut out = Vec::with_capacity(
        files.shards.len() + files.pack_count() + files.tops.len() + chunks.files.len() + 1,
    );
    out.push(Output {
        path: "/search/meta.json".into(),
        bytes: meta,
    });
    for (n, bytes) in chunks.files.into_iter().enumerate() {
        out.push(Output {
            path: format!("/search/docs-{n}.json"),
            bytes,
        });
    }
    let mut packs = Vec::with_capacity(files.pack_count());
    for (n, shard) in files.shards.into_iter().enumerate() {
        out.push(Output {
            path: format!("/search/index-{n}.json"),
            bytes: shard.list.into_bytes(),
        });
        packs.extend(shard.packs);
    }
    for (n, text) in packs.into_iter().enumerate() {
        out.push(Output {
            path: format!("/search/post-{n}.json"),
            bytes: text.into_bytes(),
        });
    }
    for (n, docs) in files.tops.iter().enumerate() {
        out.push(Output {
            path: format!("/search/top-{n}.json"),
            bytes: top_file(records, docs),
        });
    }
    out
}

/// meta.json: what the browser reads first (see the module doc), for `records` in record
/// files of `chunks` (records a file, files) and the word lists, packs and top files of
/// `files`.
pub(crate) fn meta(
    config: &Config,
    records: &[&Record],
    chunks: (usize, usize),
    files: &Files,
) -> Vec<u8> {
    let (kinds, years, columns) = filters(config, records);
    let common = common_words(files);
    let meta = json!({
        "version": VERSION,
        "docs": records.len(),
        "chunk_size": chunks.0,
        "chunks": chunks.1,
        "shards": files.shards.len(),
        "packs": files.pack_count(),
        "tops": files.tops.len(),
        "top_size": TOP_SIZE,
        "shard_hash": "fnv1a32",
        "shard_key_chars": SHARD_KEY_CHARS,
        "files": {"chunk": "docs-{n}.json", "shard": "index-{n}.json", "pack": "post-{n}.json",
            "top": "top-{n}.json"},
        "fields": ["body", "summary", "tag", "title"],
        "kinds": kinds,
        "languages": config.languages.iter().map(|l| json!({"code": l.code, "name": l.name})).collect::<Vec<_>>(),
        "years": years,
        "columns": columns,
        "common": common,
    });
    json_bytes(&meta)
}

/// A top file: `{"DOC": record, ...}` for its documents, in ascending order.
pub(crate) fn top_file(records: &[&Record], docs: &[u32]) -> Vec<u8> {
    let held: serde_json::Map<String, serde_json::Value> = (docs.iter())
        .filter_map(|&d| {
            let record = serde_json::to_value(records.get(d as usize)?).ok()?;
            Some((d.to_string(), record))
        })
        .collect();
    json_bytes(&held)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first, character-copying tokenizer: the sliced one must emit exactly the same.
    fn reference_each_token(text: &str, mut emit: impl FnMut(&str, bool)) {
        let chars: Vec<char> = normalize(text).chars().collect();
        let mut run = String::new();
        let mut run_chars: Vec<char> = Vec::new();
        let mut run_class = Class::Sep;
        let mut flush = |class: Class, run: &mut String, chars: &mut Vec<char>| {
            match class {
                Class::Word if (2..=MAX_WORD_CHARS).contains(&chars.len()) => emit(run, true),
                Class::Cjk | Class::Hangul if chars.len() == 1 => emit(run, true),
                Class::Hangul if chars.len() == 2 => emit(run, true),
                Class::Cjk | Class::Hangul => {
                    let mut pair = String::with_capacity(8);
                    for w in chars.windows(2) {
                        pair.clear();
                        pair.push(w[0]);
                        pair.push(w[1]);
                        emit(&pair, true);
                    }
                    if class == Class::Hangul && chars.len() <= MAX_WORD_CHARS {
                        emit(run, false);
                    }
                }
                _ => {}
            }
            run.clear();
            chars.clear();
        };
        for (i, &c) in chars.iter().enumerate() {
            let cl = class(c);
            if cl == Class::Sep
                && run_class == Class::Word
                && is_digit_joiner(c)
                && run_chars.last().is_some_and(|p| p.is_ascii_digit())
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
            {
                continue;
            }
            if cl != run_class {
                flush(run_class, &mut run, &mut run_chars);
                run_class = cl;
            }
            if cl == Class::Sep {
                continue;
            }
            run.push(c);
            run_chars.push(c);
        }
        flush(run_class, &mut run, &mut run_chars);
    }

    /// [`normalize`] before it wrote bytes: ASCII runs found a byte at a time, copied into a
    /// String and lowercased there.
    fn previous_normalize(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let ascii = (rest.bytes())
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            if ascii > 0 {
                let from = out.len();
                out.push_str(&rest[..ascii]);
                out[from..].make_ascii_lowercase();
                rest = &rest[ascii..];
                continue;
            }
            let mut chars = rest.chars();
            let Some(c) = chars.next() else { break };
            rest = chars.as_str();
            out.push_str(&reference_normalize(&c.to_string()));
        }
        out
    }

    /// [`item_tokens`] before it kept slices: each field's whole text tokenized by
    /// [`each_token`] (which normalizes it), a String a distinct token.
    fn previous_best_tokens(texts: &[(String, Field)]) -> Vec<(String, Field)> {
        let mut best: FastMap<String, Field> = FastMap::default();
        for (text, field) in texts {
            each_token(text, |t, _| match best.get_mut(t) {
                Some(f) => *f = (*f).max(*field),
                None => {
                    best.insert(t.to_string(), *field);
                }
            });
        }
        let mut best: Vec<(String, Field)> = best.into_iter().collect();
        best.sort();
        best
    }

    fn sorted(tokens: &ItemTokens) -> Vec<(String, Field)> {
        let mut t: Vec<(String, Field)> = tokens.iter().map(|(t, f)| (t.to_string(), f)).collect();
        t.sort();
        t
    }

    /// Text as newsrooms write it in the scripts the index folds: English, French, Swedish,
    /// Korean, Japanese; numbers with joiners, URLs, citation marks, full-width and
    /// combining characters, words around the 32-character limit.
    const MIXED_TEXT: &str = "([A-Za-z]{1,9}|[a-z]{30,34}|Écologie|L'ÉCOLOGIE|œuvre|Straße|Försäljningen|ÅLAND|[éÉåÅöÖßçèœÆø]|[0-9]{1,4}|4,200|4'200|4\u{a0}200|4\u{2009}200|4\u{202f}200|3\\.5|12,5|[ ,.;:!?'\"()/-]|https://x\\.example/a-b\\?c=1&d=2|\\[\\^[a-z0-9-]{1,6}\\]|서울|연구소는|연|[서울연구소는]{1,5}|大阪|研究所を開設|カタカナ|ｶﾀｶﾅ|々|ＡＢＣ１２|\u{301}|\u{3000}|ς|ΣΑΣ|\\PC)*";

    proptest::proptest! {
        #[test]
        fn normalize_is_the_previous_normalize(text in MIXED_TEXT) {
            let now = normalize(&text);
            proptest::prop_assert_eq!(&now, &previous_normalize(&text));
            proptest::prop_assert_eq!(&now, &reference_normalize(&text));
        }

        #[test]
        fn mixed_script_tokens_match_the_definition(text in MIXED_TEXT) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            each_token(&text, |t, r| a.push((t.to_string(), r)));
            reference_each_token(&text, |t, r| b.push((t.to_string(), r)));
            proptest::prop_assert_eq!(a, b);
        }

        /// Fields normalized a part at a time into one text, tokens kept as its slices, are
        /// the tokens of each field's whole text as they were taken before.
        #[test]
        fn best_tokens_are_the_previous_ones(
            fields in proptest::collection::vec((MIXED_TEXT, 0u8..4, 1usize..4), 0..6)
        ) {
            let field = |n: u8| [Field::Body, Field::Summary, Field::Tag, Field::Title][n as usize];
            let mut norm = Vec::new();
            let mut ranges = Vec::new();
            let mut texts = Vec::new();
            for (text, f, parts) in &fields {
                let from = norm.len();
                // Cut into parts at character boundaries, as a body's fragments come.
                let cuts: Vec<usize> = (text.char_indices().map(|(i, _)| i))
                    .filter(|i| i % parts == 0)
                    .chain([text.len()])
                    .collect();
                let mut at = 0;
                for cut in cuts {
                    normalize_into(&text[at..cut], &mut norm);
                    at = cut;
                }
                ranges.push((from..norm.len(), field(*f)));
                texts.push((text.clone(), field(*f)));
            }
            let norm = String::from_utf8(norm).expect("UTF-8");
            proptest::prop_assert_eq!(sorted(&best_tokens(&norm, ranges)), previous_best_tokens(&texts));
        }
    }

    /// More distinct tokens than the table had room for (it grows, twice), each seen again in
    /// a better field, some numbers with joiners (kept as copies) among them.
    #[test]
    fn best_fields_grow_and_keep_every_token() {
        let words: Vec<String> = (0..10_000).map(|n| format!("w{n} {n},5")).collect();
        let body = words.join(" ");
        let title = words[..3000].join(" ");
        let mut norm = normalize(&body);
        let ranges = vec![
            (0..norm.len(), Field::Body),
            (norm.len()..norm.len() + title.len(), Field::Title),
        ];
        norm.push_str(&normalize(&title));
        let texts = [(body, Field::Body), (title, Field::Title)];
        let now = sorted(&best_tokens(&norm, ranges));
        assert_eq!(now.len(), 20_000);
        assert_eq!(now, previous_best_tokens(&texts));
    }

    #[test]
    fn item_tokens_of_the_example_newsroom_are_the_previous_ones() {
        let site = crate::markdown::tests::example_newsroom();
        assert!(site.items.len() > 10);
        for (id, item) in site.items.iter().enumerate() {
            let mut body = String::new();
            crate::markdown::each_indexed_part(item, |p| body.push_str(p));
            let mut texts = vec![(item.title.clone(), Field::Title)];
            for tag in item.tags.iter().chain(&item.categories) {
                texts.push((tag.clone(), Field::Tag));
            }
            texts.push((item.rendered.summary_text.clone(), Field::Summary));
            texts.push((body, Field::Body));
            let now = sorted(&item_tokens(&site, id));
            assert_eq!(now, previous_best_tokens(&texts), "{}", item.src.rel);
        }
    }

    /// Step 1 a character at a time, as first written: the fast path for ASCII runs in
    /// [`normalize`] must give exactly the same text.
    fn reference_normalize(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            for l in c.to_lowercase() {
                let l = match l as u32 {
                    0xFF01..=0xFF5E => char::from_u32(l as u32 - 0xFEE0).unwrap_or(l),
                    0x0300..=0x036F => continue,
                    _ => l,
                };
                match fold_table().get(&l) {
                    Some(s) => out.push_str(s),
                    None => out.push(l),
                }
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn normalize_matches_its_definition(text in "(\\PC|[ A-Za-z0-9ÉéÅåßŒ\u{301}Ａ１])*") {
            proptest::prop_assert_eq!(normalize(&text), reference_normalize(&text));
        }

        #[test]
        fn tokenizer_matches_its_definition(text in "(\\PC|[ ,.\'0-9a-zé서울大阪\u{a0}\u{2009}])*") {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            each_token(&text, |t, r| a.push((t.to_string(), r)));
            reference_each_token(&text, |t, r| b.push((t.to_string(), r)));
            proptest::prop_assert_eq!(a, b);
        }

        /// The byte-at-a-time reading of ASCII ([`Run::extend_ascii`]) against the character
        /// loop, on texts as sites write them: words of every length around the 32-character
        /// limit, numbers with joiners, folded letters, CJK, Hangul and other scripts' letters
        /// and digits, next to each other and to ASCII punctuation.
        #[test]
        fn ascii_fast_path_matches_the_character_loop(
            text in "([A-Za-z]{1,34}|[0-9]{1,4}|[ ,.'\u{a0}\u{2009}\u{202f}:()-]|[éÅöß\u{301}Ａ１]|[大阪研究所を]{1,4}|[서울연구소는]{1,4}|[αβжд٣]{1,3}|\\PC)*"
        ) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            each_token(&text, |t, r| a.push((t.to_string(), r)));
            reference_each_token(&text, |t, r| b.push((t.to_string(), r)));
            proptest::prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn ascii_runs_next_to_other_scripts() {
        let w32 = "w".repeat(32);
        let w33 = "w".repeat(33);
        assert_eq!(tokens(&format!("{w32} {w33}x")), [w32.as_str()]);
        assert_eq!(
            tokens("4,200€ 3.5km 12'000研究 v2,x q3,5 ٣,4 ab서울cd αβ9"),
            [
                "4200", "35km", "12000", "研究", "v2", "q35", "ab", "서울", "cd", "αβ9"
            ]
        );
    }

    #[test]
    fn folds_latin_diacritics_and_case() {
        assert_eq!(normalize("Écologie"), "ecologie");
        assert_eq!(normalize("Förändring på Åland"), "forandring pa aland");
        assert_eq!(normalize("Straße Œuvre Ærø"), "strasse oeuvre aero");
        // Decomposed input (e + combining acute) folds the same way.
        assert_eq!(normalize("e\u{301}cologie"), "ecologie");
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(tokens("L'ÉCOLOGIE, écologie; ecologie"), ["ecologie"; 3]);
    }

    #[test]
    fn words_numbers_and_short_tokens() {
        assert_eq!(
            tokens("a Q3 report: 4,200 staff, 3.5 % or 4\u{202f}200, not 4 200"),
            [
                "q3", "report", "4200", "staff", "35", "or", "4200", "not", "200"
            ]
        );
        assert_eq!(tokens("COVID-19"), ["covid", "19"]);
        let long = "x".repeat(40);
        assert!(tokens(&long).is_empty());
    }

    #[test]
    fn cjk_is_indexed_as_bigrams() {
        assert_eq!(
            tokens("研究所を開設"),
            ["研究", "究所", "所を", "を開", "開設"]
        );
        assert_eq!(tokens("株 AI研究"), ["株", "ai", "研究"]);
        assert_eq!(tokens("東京 2026年"), ["東京", "2026", "年"]);
    }

    #[test]
    fn hangul_gives_bigrams_and_whole_words() {
        assert_eq!(
            tokens("연구소는 서울"),
            ["연구", "구소", "소는", "연구소는", "서울"]
        );
        let q = query("연구소");
        assert_eq!(q.required, ["연구", "구소"]);
        assert_eq!(q.optional, ["연구소"]);
        // Every required token of the query is a token of the longer word.
        let doc = tokens("연구소는");
        assert!(q.required.iter().all(|t| doc.contains(t)));
    }

    #[test]
    fn query_dedups() {
        let q = query("Écologie ecologie ECOLOGIE");
        assert_eq!(q.required, ["ecologie"]);
        assert!(q.optional.is_empty());
    }

    #[test]
    fn snippets_cut_long_summaries_at_a_space() {
        assert_eq!(snippet("Short summary."), "Short summary.");
        let long = "word ".repeat(50);
        let cut = snippet(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= SNIPPET_CHARS + 1, "{cut}");
        let cjk = "研".repeat(200);
        assert_eq!(snippet(&cjk).chars().count(), SNIPPET_CHARS + 1);
        let exact = "a".repeat(SNIPPET_CHARS);
        assert_eq!(snippet(&exact), exact);
    }

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn search_js_carries_the_same_fold_table() {
        let js = include_str!("../../themes/default/static/search.js");
        assert!(
            js.contains(&format!("\"{FOLD}\"")),
            "themes/default/static/search.js must carry the FOLD table of src/render/search.rs"
        );
    }

    #[test]
    fn stems_follow_each_documents_language() {
        let en = Some(Algorithm::English);
        let fr = Some(Algorithm::French);
        let sv = Some(Algorithm::Swedish);
        // Postings of documents 0 (en), 1 (fr), 2 (sv), 3 (no stemmer).
        let docs = [en, fr, sv, None];
        let post = |ids: &[u32]| ids.iter().map(|d| d << 2).collect::<Vec<u32>>();
        assert_eq!(stems("launches", &post(&[0]), &docs), ["launch"]);
        assert_eq!(stems("launches", &post(&[3]), &docs), Vec::<String>::new());
        assert_eq!(stems("lancements", &post(&[1]), &docs), ["lanc"]);
        assert_eq!(stems("fabrikerna", &post(&[2]), &docs), ["fabrik"]);
        // A word in documents of two languages lists both stems, sorted.
        assert_eq!(stems("stations", &post(&[0, 1]), &docs), ["station"]);
        // Numbers, CJK and stems equal to the word are left out.
        assert!(stems("2026", &post(&[0]), &docs).is_empty());
        assert!(stems("launch", &post(&[0]), &docs).is_empty());
        assert_eq!(stemmer_of("en-GB"), en);
        assert_eq!(stemmer_of("ko"), None);
        assert_eq!(shard_key("battery"), "bat");
        assert_eq!(shard_key("研究"), "研究");
    }
}
