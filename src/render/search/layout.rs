//! How the index's entries are laid out in files: small word lists, and the posting lists
//! of the words in packs of their own, so a query downloads the words of its prefixes and
//! then only the postings of the words it matched.
//!
//! - `index-N.json` (the word lists): `{word: [stems..., where]}` for the words whose shard
//!   key hashes to `N` modulo the shard count, in word order. `where` is the number of the
//!   pack holding the word's postings, or, for a word with a short posting list (most words
//!   of a site occur in one or two documents), the postings themselves as an array, so a
//!   rare word costs no second request.
//! - `post-N.json` (the packs): `{word: postings}`, the postings an array, or for a word in
//!   many documents a string of two base64 bitmaps (see [`encode`]). A shard's words are cut into packs
//!   in word order, each pack about [`TARGET_PACK_BYTES`], but never between two words of
//!   one family (words sharing their first stem: `develop`, `developer`, `developers`, …),
//!   so a family's postings come in one request. A query token matches its whole family
//!   anyway (a shared stem is a match), so this costs no byte and saves a request per word
//!   of a long family. The words a query token matches (itself, its stems, the words it is
//!   a prefix of, its typos) share its first three characters, so they sit side by side in
//!   one shard and in a few neighbouring packs. The words a word of four characters or more
//!   begins stay in its pack while they add at most an eighth of its bytes (see [`extends`]):
//!   typed as the query's last word, it matches them.
//! - A word with a top file (see [`super::tops`]) has its number after `where`:
//!   `[stems..., where, top]`.

use super::tops::{Tops, plan, screen};
use super::{DocLangs, FastMap, stems};
use crate::fast_map::FastSet;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// About how many bytes of JSON one word list should hold.
const TARGET_SHARD_BYTES: usize = 4 * 1024;
/// The most word lists an index is split into.
const MAX_SHARDS: usize = 1024;
/// About how many bytes of postings one pack should hold.
const TARGET_PACK_BYTES: usize = 4 * 1024;
/// Posting lists up to this many bytes stay in the word list (some twenty-five documents
/// scattered over the years), so a query for a rare word costs one request for the word and
/// its postings (`recherche` at 10,000 items: 12 requests, was 13; the word lists are 64 of
/// about 4 KB, were 32).
const INLINE_BYTES: usize = 128;

/// The words a word begins may join its full pack with up to this fraction of its postings'
/// bytes (see [`extends`]).
const EXTENSION_SHARE: usize = 8;
/// The most words meta.json's common list holds (see [`common`]): about 7 KB gzipped.
const COMMON_WORDS: usize = 1024;
/// A word with more neighbours (words sharing a stem with it, or beginning with it) is left
/// out of the common list: its own word list costs less than its neighbours' entries.
const COMMON_NEIGHBOURS: usize = 16;

/// One token's entry, encoded: its stems and its postings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The word's stems (those that differ from it), sorted.
    stems: Vec<String>,
    /// How many documents the word is in.
    pub(super) docs: usize,
    /// The documents of its first screen in each language (see [`super::tops::screen`]).
    pub(super) screen: Vec<u32>,
    /// The postings as a JSON value: an array of document ids in ascending order, each
    /// `(id - previous id) * 4 + field` (the first entry's previous id is 0), or, for a word
    /// in many documents, the string `"PRESENCE FIELDS"` (see [`encode`]).
    postings: String,
    /// Whether the postings stay in the word list (an array of at most [`INLINE_BYTES`]);
    /// bitmaps are only ever in packs, so a word list entry's strings are all stems.
    inline: bool,
    /// The word's family: its first stem, or the word itself when it has none. A pack is
    /// never cut inside a family.
    family: String,
}

impl Entry {
    /// The entry's bytes in a word list, besides the word and `where`.
    fn word_list_len(&self) -> usize {
        self.stems.iter().map(|s| s.len() + 3).sum::<usize>()
            + if self.inline { self.postings.len() } else { 4 }
    }
}

/// A token's entry from its postings (`doc << 2 | field`, ascending); `docs` gives each
/// document's stemmer (for [`stems`]) and language (for its screen).
///
/// A word in many documents (where it is shorter) has its postings as two bitmaps over the
/// documents `0..=last`, standard base64 with padding, separated by a space: presence (bit
/// `d % 8` of byte `d / 8` set when document `d` has the word) and fields (bits
/// `2 * (d % 4)..` of byte `d / 4`: the field code, meaningful where present). Numbers
/// in JSON spend most of a common word's bytes on its field codes; the bitmaps save 15–20%
/// of a long title's packs (measured at 10,000 items, gzip -6).
pub(crate) fn encode(token: &str, list: &[u32], docs: &DocLangs) -> Entry {
    let stems = stems(token, list, &docs.stemmer);
    let family = stems.first().cloned().unwrap_or_else(|| token.to_string());
    let mut postings = String::with_capacity(list.len() * 3 + 2);
    postings.push('[');
    let mut prev = 0u32;
    for (i, p) in list.iter().enumerate() {
        let doc = p >> 2;
        if i > 0 {
            postings.push(',');
        }
        // The formatting machinery cost most of `encode`'s time: every posting is a number.
        postings.push_str(itoa::Buffer::new().format(((doc - prev) << 2) | (p & 3)));
        prev = doc;
    }
    postings.push(']');
    let inline = postings.len() <= INLINE_BYTES;
    let docs_spanned = list.last().map_or(0, |p| (p >> 2) as usize + 1);
    // Base64 of both bitmaps: 3/8 of a byte per document, 4/3 as text.
    if !inline && docs_spanned / 2 + 4 < postings.len() {
        postings = bitmaps(list, docs_spanned);
    }
    Entry {
        stems,
        docs: list.len(),
        screen: screen(list, &docs.lang),
        postings,
        inline,
        family,
    }
}

/// The postings `list` as `"PRESENCE FIELDS"` over `docs` documents (see [`encode`]).
fn bitmaps(list: &[u32], docs: usize) -> String {
    let mut presence = vec![0u8; docs.div_ceil(8)];
    let mut fields = vec![0u8; docs.div_ceil(4)];
    for p in list {
        let doc = (p >> 2) as usize;
        presence[doc / 8] |= 1 << (doc % 8);
        fields[doc / 4] |= ((p & 3) as u8) << (2 * (doc % 4));
    }
    format!("\"{} {}\"", base64(&presence), base64(&fields))
}

/// Standard base64 with padding (what the browser's `atob` reads).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                A[(n >> (18 - 6 * i)) as usize & 63] as char
            } else {
                '='
            });
        }
    }
    out
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// How many word lists `words` bytes of them are split into: a power of two.
pub(crate) fn shard_count(words: usize) -> usize {
    words
        .div_ceil(TARGET_SHARD_BYTES)
        .max(1)
        .next_power_of_two()
        .min(MAX_SHARDS)
}

/// The texts of the index's word lists and packs, complete files, and the common words.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Files {
    /// By word list number.
    pub(crate) shards: Vec<Shard>,
    /// By word list number, see [`Common`].
    pub(crate) common: BTreeMap<usize, Common>,
    /// Each top file's documents, ascending (see [`super::tops`]).
    pub(crate) tops: Vec<Vec<u32>>,
}

/// Part of a word list that meta.json carries, so a query for a common word, finished (not
/// the word being typed: it has no prefixes) or typed whole, fetches no word list: its
/// postings come from its pack, one request where Pagefind makes one too. `complete` lists
/// the words whose every match is in `words`: the word, each word sharing a stem with it and
/// each word it begins (for prefixes); `words` holds their entries as the word list has them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Common {
    pub(crate) complete: BTreeSet<String>,
    pub(crate) words: BTreeMap<String, String>,
}

/// One word list's files: its text, its packs (numbered from `first_pack` on), and each of
/// its entries' text (`[stems..., where]`, then the word's top file number if it has one),
/// in word order, for meta.json's common words.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Shard {
    pub(crate) list: String,
    pub(crate) packs: Vec<String>,
    pub(crate) first_pack: usize,
    placed: Vec<String>,
}

impl Files {
    /// The packs' texts, by pack number.
    #[cfg(test)]
    pub(crate) fn packs(&self) -> impl Iterator<Item = &String> {
        self.shards.iter().flat_map(|s| &s.packs)
    }

    /// Pack `n`'s text.
    pub(crate) fn pack(&self, n: usize) -> Option<&String> {
        let s = self
            .shards
            .partition_point(|s| s.first_pack + s.packs.len() <= n);
        let shard = self.shards.get(s)?;
        shard.packs.get(n.checked_sub(shard.first_pack)?)
    }

    /// How many packs there are.
    pub(crate) fn pack_count(&self) -> usize {
        self.shards
            .last()
            .map_or(0, |s| s.first_pack + s.packs.len())
    }
}

/// The entries' bytes in the word lists, which choose how many lists there are (see
/// [`shard_count`]): kept as a sum by an index updated entry by entry.
pub(crate) fn list_bytes(token: &str, entry: &Entry) -> usize {
    token.len() + 4 + entry.word_list_len()
}

/// Lays out the entries, given in word order, of an index of `docs` documents with
/// `chunk_size` records to a record file.
pub(crate) fn layout<'e>(
    entries: impl Iterator<Item = (&'e str, &'e Entry)>,
    docs: usize,
    chunk_size: usize,
) -> Files {
    let entries: Vec<(&str, &Entry)> = entries.collect();
    let words: usize = (entries.iter()).map(|(t, e)| list_bytes(t, e)).sum();
    let shards = shard_count(words);
    let mut by_shard: Vec<Vec<(&str, &Entry)>> = vec![Vec::new(); shards];
    for &(token, entry) in &entries {
        by_shard[super::shard_of(token, shards)].push((token, entry));
    }
    let mut files = Files::default();
    lay_out_again(&mut files, &by_shard, &vec![true; shards], docs, chunk_size);
    files
}

/// What [`lay_out_again`] changed in the files it was given.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Relaid {
    /// The word lists whose text changed.
    pub(crate) lists: Vec<usize>,
    /// The packs whose text changed (or that are new), by number.
    pub(crate) packs: Vec<usize>,
    /// The top files whose documents changed (or that are new), by number.
    pub(crate) tops: Vec<usize>,
    /// Whether meta.json's common words changed.
    pub(crate) common: bool,
}

/// Brings `files`, the layout of entries laid out into `by_shard.len()` word lists (or an
/// empty one), to the layout of `by_shard` (each word list's entries, in word order) over
/// `docs` documents with `chunk_size` records to a record file: the result is what
/// [`layout`] gives for the same entries. Only the shards `dirty` marks (an entry in them
/// was added, removed or encoded again) are laid out again, those after a shard whose pack
/// count changed (packs are numbered across the lists), and those with a word whose screen's
/// top file has another number now (see [`renumbered`]). A body edit touches the
/// entries of a few words: laying out every list and pack again was an eighth of serve's CPU
/// per edit at 10,000 items.
pub(crate) fn lay_out_again(
    files: &mut Files,
    by_shard: &[Vec<(&str, &Entry)>],
    dirty: &[bool],
    docs: usize,
    chunk_size: usize,
) -> Relaid {
    let tops = plan(by_shard.iter().flatten().copied(), docs, chunk_size);
    let mut relaid = Relaid::default();
    let same = |n: &usize| files.tops.get(*n) == tops.files.get(*n);
    relaid.tops = (0..tops.files.len()).filter(|n| !same(n)).collect();
    let renumbered = renumbered(&files.tops, &tops.files);
    files.shards.resize_with(by_shard.len(), Shard::default);
    let mut first_pack = 0;
    for (s, shard) in by_shard.iter().enumerate() {
        let kept = &mut files.shards[s];
        let again = dirty[s]
            || kept.first_pack != first_pack
            || kept.list.is_empty()
            || (!renumbered.is_empty()
                && shard
                    .iter()
                    .any(|(_, e)| renumbered.contains(e.screen.as_slice())));
        if again {
            let fresh = shard_files(shard, &tops, first_pack);
            if fresh.list != kept.list {
                relaid.lists.push(s);
            }
            for (i, pack) in fresh.packs.iter().enumerate() {
                if kept.first_pack != first_pack || kept.packs.get(i) != Some(pack) {
                    relaid.packs.push(first_pack + i);
                }
            }
            *kept = fresh;
        }
        first_pack += kept.packs.len();
    }
    let placed: Vec<&[String]> = files.shards.iter().map(|s| s.placed.as_slice()).collect();
    let common = common(by_shard, &placed);
    relaid.common = common != files.common;
    files.common = common;
    files.tops = tops.files;
    relaid
}

/// The screens whose top file has another number in `new` than in `old` (or has one in only
/// one of them): a word keeps its top file number unless its screen is one of these (see
/// [`super::tops::plan`]: a word's file is its screen's).
fn renumbered<'t>(old: &'t [Vec<u32>], new: &'t [Vec<u32>]) -> FastSet<&'t [u32]> {
    let number = |files: &'t [Vec<u32>]| -> FastMap<&'t [u32], usize> {
        (files.iter().enumerate())
            .map(|(n, f)| (f.as_slice(), n))
            .collect()
    };
    let (was, is) = (number(old), number(new));
    let mut out = FastSet::default();
    for (from, to) in [(&was, &is), (&is, &was)] {
        out.extend(
            (from.iter())
                .filter(|(s, n)| to.get(*s) != Some(*n))
                .map(|(s, _)| *s),
        );
    }
    out
}

/// The word and its stems: a query token matches a word when they share one.
fn keys<'a>(word: &'a str, entry: &'a Entry) -> impl Iterator<Item = &'a str> + Clone {
    std::iter::once(word).chain(entry.stems.iter().map(String::as_str))
}

/// The common words: of the words whose postings are in packs, the [`COMMON_WORDS`] in the
/// most documents (then in word order) that have at most [`COMMON_NEIGHBOURS`] neighbours.
/// `placed[shard][i]` is the entry text of `by_shard[shard][i]`.
fn common(by_shard: &[Vec<(&str, &Entry)>], placed: &[&[String]]) -> BTreeMap<usize, Common> {
    let mut candidates: Vec<(usize, usize)> = (by_shard.iter().enumerate())
        .flat_map(|(s, words)| {
            (words.iter().enumerate())
                .filter(|(_, (_, e))| !e.inline)
                .map(move |(i, _)| (s, i))
        })
        .collect();
    candidates.sort_by(|&(s, i), &(t, j)| {
        let (a, b) = (by_shard[s][i], by_shard[t][j]);
        b.1.docs.cmp(&a.1.docs).then(a.0.cmp(b.0))
    });
    let mut out: BTreeMap<usize, Common> = BTreeMap::new();
    let mut taken = 0;
    for (s, i) in candidates {
        if taken == COMMON_WORDS {
            break;
        }
        let (word, entry) = by_shard[s][i];
        let own = keys(word, entry);
        let neighbours: Vec<usize> = (0..by_shard[s].len())
            .filter(|&j| {
                let (w, e) = by_shard[s][j];
                j != i && (w.starts_with(word) || keys(w, e).any(|k| own.clone().any(|o| o == k)))
            })
            .collect();
        if neighbours.len() > COMMON_NEIGHBOURS {
            continue;
        }
        let c = out.entry(s).or_default();
        c.complete.insert(word.to_string());
        for j in std::iter::once(i).chain(neighbours) {
            (c.words).insert(by_shard[s][j].0.to_string(), placed[s][j].clone());
        }
        taken += 1;
    }
    out
}

/// One word list's files (see [`Shard`]), its packs numbered from `first_pack` on.
fn shard_files(entries: &[(&str, &Entry)], tops: &Tops<'_>, first_pack: usize) -> Shard {
    let mut packs = Vec::new();
    let mut list = String::from("{");
    let mut texts = Vec::with_capacity(entries.len());
    let mut pack = String::new();
    let close = |pack: &mut String, packs: &mut Vec<String>| {
        if !pack.is_empty() {
            pack.push_str("}\n");
            packs.push(std::mem::take(pack));
        }
    };
    // The family of the last word put in the open pack.
    let mut family: Option<&str> = None;
    // The open pack's words of four characters or more (shorter ones are mostly words such as
    // `for` or `how`, finished in a long query, where the words they begin would be bytes
    // for nothing), each with the pack's length once it was in and the bytes the words it
    // begins may add: see [`extends`].
    let mut leads: Vec<(&str, usize, usize)> = Vec::new();
    for (token, entry) in entries {
        let name = json_str(token);
        if list.len() > 1 {
            list.push(',');
        }
        let mut text = String::from("[");
        for stem in &entry.stems {
            let _ = write!(text, "{},", json_str(stem));
        }
        let top = match tops.of_word.get(token) {
            Some(n) => format!(",{n}]"),
            None => "]".to_string(),
        };
        if entry.inline {
            let _ = write!(text, "{}{top}", entry.postings);
            let _ = write!(list, "{name}:{text}");
            texts.push(text);
            continue;
        }
        let full = pack.len() >= TARGET_PACK_BYTES
            || pack.len() + entry.postings.len() > TARGET_PACK_BYTES;
        let extension = extends(&leads, token, pack.len() + entry.postings.len());
        if !pack.is_empty() && full && family != Some(entry.family.as_str()) && !extension {
            close(&mut pack, &mut packs);
            leads.clear();
        }
        family = Some(&entry.family);
        pack.push(if pack.is_empty() { '{' } else { ',' });
        let _ = write!(pack, "{name}:{}", entry.postings);
        if token.chars().count() > super::SHARD_KEY_CHARS {
            leads.push((token, pack.len(), entry.postings.len() / EXTENSION_SHARE));
        }
        let _ = write!(text, "{}{top}", first_pack + packs.len());
        let _ = write!(list, "{name}:{text}");
        texts.push(text);
    }
    close(&mut pack, &mut packs);
    list.push_str("}\n");
    Shard {
        list,
        packs,
        first_pack,
        placed: texts,
    }
}

/// Whether `token` joins the open pack (of `leads`, see [`shard_files`]) although it is full:
/// it begins a word of the pack and, with it, the words after that word hold at most an
/// [`EXTENSION_SHARE`]th of that word's postings bytes (`len`: the pack's with it). The query's last word matches the
/// words it begins (`support` typed whole matches `supportteamet`): a common word has a pack to
/// itself, and the words it begins, cut into the next pack, cost its every query as the last
/// word a request more (`customer support` at 10,000 items: the packs of `customer`, `support`
/// and `supportteamet`). Their postings in its pack cost no request, and a query that has
/// the word finished (`for` in a title typed whole) little: an eighth of the word's own.
fn extends(leads: &[(&str, usize, usize)], token: &str, len: usize) -> bool {
    (leads.iter()).any(|&(word, end, more)| token.starts_with(word) && len <= end + more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_stemmers::Algorithm;
    // `layout(..., 0, 4)`: an index of no documents has no budget for top files (see
    // `super::tops`), so these entries are as the word lists and packs alone make them.
    use serde_json::Value;

    fn entry(word: &str, docs: impl Iterator<Item = u32>) -> Entry {
        let list: Vec<u32> = docs.map(|d| d << 2 | 1).collect();
        encode(word, &list, &DocLangs::default())
    }

    #[test]
    fn rare_words_stay_inline_and_common_ones_get_packs() {
        let rare = entry("aaa", [3, 7].into_iter());
        let common = entry("aab", (0..5000).step_by(50));
        let files = layout([("aaa", &rare), ("aab", &common)].into_iter(), 0, 4);
        assert_eq!(files.shards.len(), 1);
        let list: Value = serde_json::from_str(&files.shards[0].list).expect("JSON");
        // Delta-encoded: doc 3 field 1 is 13, doc 7 is 4 after it: 17.
        assert_eq!(list["aaa"], serde_json::json!([[13, 17]]));
        assert_eq!(list["aab"], serde_json::json!([0]));
        assert_eq!(files.pack_count(), 1);
        let pack: Value =
            serde_json::from_str(files.packs().next().expect("a pack")).expect("JSON");
        assert_eq!(pack["aab"].as_array().map(Vec::len), Some(100));
    }

    #[test]
    fn packs_are_cut_in_word_order_near_their_target_size() {
        let names: Vec<String> = (0..40).map(|i| format!("ab{i:02}")).collect();
        let entries: Vec<Entry> = (names.iter())
            .map(|n| entry(n, (0..600).step_by(3)))
            .collect();
        let files = layout(names.iter().map(String::as_str).zip(&entries), 0, 4);
        let list: Value = serde_json::from_str(&files.shards[0].list).expect("JSON");
        let mut last = 0;
        for n in &names {
            let pack = list[n][0].as_u64().expect("a pack number");
            assert!(pack == last || pack == last + 1, "{n} in pack {pack}");
            last = pack;
            let text = files.packs().nth(pack as usize).expect("a pack");
            assert!(text.contains(&format!("\"{n}\":")));
        }
        for p in files.packs().take(files.pack_count() - 1) {
            assert!(p.len() > TARGET_PACK_BYTES / 2 && p.len() < TARGET_PACK_BYTES + 1024);
        }
    }

    /// Words sharing a stem share a pack whatever their size: a query for one of them
    /// matches them all, so one request brings the family.
    #[test]
    fn a_family_is_never_cut_between_packs() {
        let en = DocLangs {
            stemmer: vec![Some(Algorithm::English)],
            lang: Vec::new(),
        };
        // Sparse (every 37th document): numbers, longer than a pack.
        let long = |w: &str| {
            encode(
                w,
                &(0..3000).map(|d| (d * 37) << 2).collect::<Vec<_>>(),
                &en,
            )
        };
        let words = [
            "develop",
            "developed",
            "developer",
            "developers",
            "devil",
            "devils",
        ];
        let entries: Vec<Entry> = words.iter().map(|w| long(w)).collect();
        assert_eq!(entries[3].family, "develop");
        let files = layout(words.iter().copied().zip(&entries), 0, 4);
        let list: Value = serde_json::from_str(&files.shards[0].list).expect("JSON");
        let pack = |w: &str| list[w][list[w].as_array().map_or(0, |a| a.len() - 1)].clone();
        for w in &words[1..4] {
            assert_eq!(pack(w), pack("develop"), "{w}");
        }
        assert_ne!(pack("devil"), pack("develop"));
        assert_eq!(pack("devils"), pack("devil"));
        assert_eq!(files.pack_count(), 2);
    }

    /// The words a common word begins join its pack (up to an eighth of its bytes more), so
    /// the query's last word, which matches them, costs one pack; a word it does not begin,
    /// or one past those bytes, starts the next.
    #[test]
    fn the_words_a_word_begins_share_its_pack() {
        let make = |w: &str, n: u32, step: u32| {
            encode(
                w,
                &(0..n).map(|d| (d * step) << 2).collect::<Vec<_>>(),
                &DocLangs::default(),
            )
        };
        let words = [
            ("support", 12000, 1),
            ("supportive", 100, 7),
            ("supportteamet", 100, 9),
            ("supportwide", 1200, 5),
            ("supra", 300, 3),
        ];
        let entries: Vec<Entry> = words.iter().map(|&(w, n, s)| make(w, n, s)).collect();
        assert!(entries[0].postings.len() > TARGET_PACK_BYTES);
        let files = layout(words.iter().map(|&(w, ..)| w).zip(&entries), 0, 4);
        let list: Value = serde_json::from_str(&files.shards[0].list).expect("JSON");
        let pack = |w: &str| list[w][0].as_u64().expect("a pack");
        assert_eq!(pack("supportive"), pack("support"));
        assert_eq!(pack("supportteamet"), pack("support"));
        // Past a pack's bytes more: the next pack, as is a word `support` does not begin.
        assert_ne!(pack("supportwide"), pack("support"));
        assert_eq!(pack("supra"), pack("supportwide"));
        // A word of three characters keeps its pack to itself.
        let words = [("sup", 12000, 1), ("supper", 100, 7)];
        let entries: Vec<Entry> = words.iter().map(|&(w, n, s)| make(w, n, s)).collect();
        let files = layout(words.iter().map(|&(w, ..)| w).zip(&entries), 0, 4);
        let list: Value = serde_json::from_str(&files.shards[0].list).expect("JSON");
        assert_ne!(list["sup"][0], list["supper"][0]);
    }

    /// A common word's part of its word list holds every word it matches, with the entry
    /// the word list has, so search.js finds the same words without the word list.
    #[test]
    fn common_words_carry_every_word_they_match() {
        let en = DocLangs {
            stemmer: vec![Some(Algorithm::English)],
            lang: Vec::new(),
        };
        let make = |w: &str, n: u32| encode(w, &(0..n).map(|d| d << 2).collect::<Vec<_>>(), &en);
        let words = [
            ("lantern", 2),
            ("launch", 900),
            ("launched", 800),
            ("launches", 30),
            ("launchpad", 80),
            ("law", 700),
        ];
        let entries: Vec<Entry> = words.iter().map(|&(w, n)| make(w, n)).collect();
        let files = layout(words.iter().map(|&(w, _)| w).zip(&entries), 0, 4);
        assert_eq!(files.shards.len(), 1);
        let c = &files.common[&0];
        let complete: Vec<&str> = c.complete.iter().map(String::as_str).collect();
        assert_eq!(complete, ["launch", "launched", "launchpad", "law"]);
        // `launches` is inline (rare), `lantern` matches none of them.
        let held: Vec<&str> = c.words.keys().map(String::as_str).collect();
        assert_eq!(held, ["launch", "launched", "launches", "launchpad", "law"]);
        let list: Value = serde_json::from_str(&files.shards[0].list).expect("JSON");
        for (w, text) in &c.words {
            assert_eq!(
                serde_json::from_str::<Value>(text).expect("JSON"),
                list[w],
                "{w}"
            );
        }
    }

    /// The bitmaps decode, as search.js decodes them, to the postings they encode.
    #[test]
    fn dense_postings_are_bitmaps_that_decode_to_the_list() {
        let list: Vec<u32> = (0..900u32)
            .filter(|d| d % 7 != 3)
            .map(|d| d << 2 | (d % 4))
            .collect();
        let e = encode("common", &list, &DocLangs::default());
        let text: String = serde_json::from_str(&e.postings).expect("a JSON string");
        let (presence, fields) = text.split_once(' ').expect("two bitmaps");
        let (presence, fields) = (unbase64(presence), unbase64(fields));
        let mut decoded = Vec::new();
        for d in 0..presence.len() * 8 {
            if presence[d / 8] >> (d % 8) & 1 == 1 {
                decoded.push((d as u32) << 2 | u32::from(fields[d / 4] >> (2 * (d % 4)) & 3));
            }
        }
        assert_eq!(decoded, list);
        // A sparse list stays numbers.
        let sparse = encode("rare", &[40 << 2 | 1, 900 << 2], &DocLangs::default());
        assert_eq!(sparse.postings, "[161,3440]");
        assert_eq!(base64(b"pressroom"), "cHJlc3Nyb29t");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    /// Documents of the laid-out-again indexes below, by language: their first half English.
    const DOCS: u32 = 2000;

    fn langs() -> DocLangs {
        DocLangs {
            stemmer: vec![Some(Algorithm::English); DOCS as usize],
            lang: (0..DOCS).map(|d| i16::from(d >= DOCS / 2)).collect(),
        }
    }

    /// Words of a few shard keys (so lists hold many, and families and words beginning
    /// others meet).
    fn word() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let family = proptest::sample::select(vec!["", "e", "er", "ers", "ed", "ing", "s", "port"]);
        let rest = prop_oneof![1 => family.prop_map(String::from), 3 => "[a-z]{1,6}"];
        (
            proptest::sample::select(vec!["dev", "sup", "lau", "for", "zq", "ab"]),
            rest,
        )
            .prop_map(|(key, rest)| format!("{key}{rest}"))
    }

    /// A word's documents: `count` from `start`, `step` apart; mostly short lists (inline:
    /// they fill the word lists, so there are several), some long ones (packs, several to a
    /// list).
    fn docs() -> impl proptest::strategy::Strategy<Value = Vec<u32>> {
        use proptest::prelude::*;
        let short = (0..DOCS, 1u32..200, 1u32..20);
        let long = (0..DOCS, 1u32..12, 20u32..1500);
        prop_oneof![3 => short, 1 => long].prop_map(|(start, step, count)| {
            (0..count)
                .map(|i| start + i * step)
                .take_while(|&d| d < DOCS)
                .collect()
        })
    }

    /// An edit of the index's words: one document more or fewer for a word (a body edit's
    /// kind), or a word's documents all new, or the word gone.
    #[derive(Debug, Clone)]
    enum Edit {
        Toggle(String, u32),
        Set(String, Option<Vec<u32>>),
    }

    fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
        use proptest::prelude::*;
        prop_oneof![
            2 => (word(), 0..DOCS).prop_map(|(w, d)| Edit::Toggle(w, d)),
            1 => (word(), proptest::option::weighted(0.7, docs())).prop_map(|(w, d)| Edit::Set(w, d)),
        ]
    }

    fn encoded(word: &str, docs: &[u32]) -> Entry {
        let list: Vec<u32> = (docs.iter()).map(|&d| (d << 2) | ((d * 7) % 4)).collect();
        encode(word, &list, &langs())
    }

    fn by_shard(entries: &BTreeMap<String, Entry>) -> Vec<Vec<(&str, &Entry)>> {
        let bytes: usize = entries.iter().map(|(t, e)| list_bytes(t, e)).sum();
        let count = shard_count(bytes);
        let mut out = vec![Vec::new(); count];
        for (t, e) in entries {
            out[super::super::shard_of(t, count)].push((t.as_str(), e));
        }
        out
    }

    /// A pack more in one word list moves the numbers of every later list's packs: those
    /// lists are laid out again although none of their words changed.
    #[test]
    fn a_pack_more_in_one_list_renumbers_the_packs_of_the_lists_after_it() {
        // Short lists fill two word lists; each has a word with a pack of its own.
        let mut lists: BTreeMap<String, Vec<u32>> = (0..400)
            .map(|i| (format!("k{i:03}"), (0..5).map(|j| i + j * 300).collect()))
            .collect();
        let long: Vec<u32> = (0..1500).step_by(3).collect();
        for i in (0..400).step_by(40) {
            lists.insert(format!("k{i:03}long"), long.clone());
        }
        let entries = |lists: &BTreeMap<String, Vec<u32>>| -> BTreeMap<String, Entry> {
            (lists.iter())
                .map(|(w, d)| (w.clone(), encoded(w, d)))
                .collect()
        };
        let before = entries(&lists);
        let shards = by_shard(&before);
        assert!(shards.len() > 1, "{} word lists", shards.len());
        let mut files = Files::default();
        lay_out_again(
            &mut files,
            &shards,
            &vec![true; shards.len()],
            DOCS as usize,
            4,
        );
        // Six more long words in the first list's shard key, after its long one: a pack more.
        let first = (shards
            .iter()
            .position(|s| s.iter().any(|(w, _)| w.ends_with("long"))))
        .expect("a list with a long word");
        let (word, _) = (shards[first].iter())
            .find(|(w, _)| w.ends_with("long"))
            .expect("a long word");
        let added: Vec<String> = (0..6).map(|i| format!("{word}{i}")).collect();
        for w in &added {
            lists.insert(w.clone(), long.clone());
        }
        let after = entries(&lists);
        let shards = by_shard(&after);
        let mut dirty = vec![false; shards.len()];
        dirty[super::super::shard_of(&added[0], shards.len())] = true;
        let packs = files.pack_count();
        let relaid = lay_out_again(&mut files, &shards, &dirty, DOCS as usize, 4);
        let whole = layout(after.iter().map(|(t, e)| (t.as_str(), e)), DOCS as usize, 4);
        assert!(whole.pack_count() > packs, "no pack more");
        assert!(
            files == whole,
            "the layout laid out again is not the whole's"
        );
        let moved: Vec<usize> = (first + 1..shards.len())
            .filter(|&s| !whole.shards[s].packs.is_empty())
            .collect();
        assert!(!moved.is_empty(), "no list with packs after the first");
        for s in moved {
            assert!(relaid.lists.contains(&s), "list {s} after the new pack");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// A layout brought up to date edit by edit, laying out again only the word lists of
        /// the words edited (and what their packs' and top files' numbers move), is the
        /// layout of the whole; and what it says changed is every file that did.
        #[test]
        fn laying_out_again_gives_the_layout_of_the_whole(
            start in proptest::collection::vec((word(), docs()), 200..500),
            edits in proptest::collection::vec(proptest::collection::vec(edit(), 1..4), 1..16),
        ) {
            let mut lists: BTreeMap<String, Vec<u32>> = start.into_iter().collect();
            let mut entries: BTreeMap<String, Entry> =
                (lists.iter()).map(|(w, d)| (w.clone(), encoded(w, d))).collect();
            let mut files = layout(entries.iter().map(|(t, e)| (t.as_str(), e)), DOCS as usize, 4);
            for batch in edits {
                let mut edited = Vec::new();
                for edit in batch {
                    let w = match edit {
                        Edit::Toggle(w, d) => {
                            let docs = lists.entry(w.clone()).or_default();
                            match docs.binary_search(&d) {
                                Ok(i) => drop(docs.remove(i)),
                                Err(i) => docs.insert(i, d),
                            }
                            w
                        }
                        Edit::Set(w, d) => {
                            lists.insert(w.clone(), d.unwrap_or_default());
                            w
                        }
                    };
                    match lists.get(&w).filter(|d| !d.is_empty()) {
                        Some(docs) => entries.insert(w.clone(), encoded(&w, docs)),
                        None => entries.remove(&w),
                    };
                    edited.push(w);
                }
                let shards = by_shard(&entries);
                if shards.len() != files.shards.len() {
                    // The index lays out a new count of word lists anew.
                    files = Files::default();
                }
                let mut dirty = vec![false; shards.len()];
                for w in &edited {
                    dirty[super::super::shard_of(w, shards.len())] = true;
                }
                let before = files.clone();
                let relaid = lay_out_again(&mut files, &shards, &dirty, DOCS as usize, 4);
                let whole = layout(entries.iter().map(|(t, e)| (t.as_str(), e)), DOCS as usize, 4);
                proptest::prop_assert_eq!(&files, &whole);
                for (n, shard) in files.shards.iter().enumerate() {
                    let same = before.shards.get(n).is_some_and(|b| b.list == shard.list);
                    proptest::prop_assert!(same || relaid.lists.contains(&n), "list {}", n);
                }
                for n in 0..files.pack_count() {
                    let same = before.pack(n) == files.pack(n);
                    proptest::prop_assert!(same || relaid.packs.contains(&n), "pack {}", n);
                }
                for (n, docs) in files.tops.iter().enumerate() {
                    let same = before.tops.get(n) == Some(docs);
                    proptest::prop_assert!(same || relaid.tops.contains(&n), "top {}", n);
                }
                proptest::prop_assert!(relaid.common || before.common == files.common);
            }
        }
    }

    fn unbase64(s: &str) -> Vec<u8> {
        const A: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let sextets: Vec<u32> = (s.bytes().filter(|&b| b != b'='))
            .map(|b| A.find(b as char).expect("base64") as u32)
            .collect();
        let mut out = Vec::new();
        for chunk in sextets.chunks(4) {
            let n = chunk.iter().fold(0u32, |n, x| n << 6 | x) << (6 * (4 - chunk.len()));
            out.extend(n.to_be_bytes()[1..chunk.len()].iter().copied());
        }
        out
    }
}
