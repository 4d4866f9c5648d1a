//! How the index's entries are laid out in files: small word lists, and the posting lists
//! of the words in packs of their own, so a query downloads the words of its prefixes and
//! then only the postings of the words it matched.
//!
//! - `index-N.json` (the word lists): `{word: [stems..., where]}` for the words whose shard
//!   key hashes to `N` modulo the shard count, in word order. `where` is the number of the
//!   pack holding the word's postings, or, for a word with a short posting list (most words
//!   of a site occur in one or two documents), the postings themselves as an array, so a
//!   rare word costs no second request.
//! - `post-N.json` (the packs): `{word: [postings...]}`. A shard's words are cut into packs
//!   in word order, each pack about [`TARGET_PACK_BYTES`]; a word with a longer list has a
//!   pack to itself. The words a query token matches (itself, its stems, the words it is a
//!   prefix of, its typos) share its first three characters, so they sit side by side in
//!   one shard and in a few neighbouring packs.

use super::stems;
use rust_stemmers::Algorithm;
use std::fmt::Write as _;

/// About how many bytes of JSON one word list should hold.
const TARGET_SHARD_BYTES: usize = 4 * 1024;
/// The most word lists an index is split into.
const MAX_SHARDS: usize = 1024;
/// About how many bytes of postings one pack should hold.
const TARGET_PACK_BYTES: usize = 4 * 1024;
/// Posting lists up to this many bytes stay in the word list.
const INLINE_BYTES: usize = 24;

/// One token's entry, encoded: its stems and its postings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Each stem as a JSON string followed by a comma.
    stems: String,
    /// The postings, comma-separated: document ids in ascending order, each
    /// `(id - previous id) * 4 + field` (the first entry's previous id is 0).
    postings: String,
}

impl Entry {
    /// The entry's bytes in a word list, besides the word and `where`.
    fn word_list_len(&self) -> usize {
        self.stems.len()
            + if self.postings.len() <= INLINE_BYTES {
                self.postings.len() + 2
            } else {
                4
            }
    }
}

/// A token's entry from its postings (`doc << 2 | field`, ascending); `doc_stemmer` as for
/// [`stems`].
pub(crate) fn encode(token: &str, list: &[u32], doc_stemmer: &[Option<Algorithm>]) -> Entry {
    let mut stem_text = String::new();
    for stem in stems(token, list, doc_stemmer) {
        stem_text.push_str(&json_str(&stem));
        stem_text.push(',');
    }
    let mut postings = String::with_capacity(list.len() * 3);
    let mut prev = 0u32;
    for (i, p) in list.iter().enumerate() {
        let doc = p >> 2;
        if i > 0 {
            postings.push(',');
        }
        let _ = write!(postings, "{}", ((doc - prev) << 2) | (p & 3));
        prev = doc;
    }
    Entry {
        stems: stem_text,
        postings,
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// How many word lists `words` bytes of them are split into: a power of two.
fn shard_count(words: usize) -> usize {
    words
        .div_ceil(TARGET_SHARD_BYTES)
        .max(1)
        .next_power_of_two()
        .min(MAX_SHARDS)
}

/// The texts of the index's word lists and packs, complete files.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Files {
    pub(crate) word_lists: Vec<String>,
    pub(crate) packs: Vec<String>,
}

/// Lays out the entries, given in word order.
pub(crate) fn layout<'e>(entries: impl Iterator<Item = (&'e str, &'e Entry)> + Clone) -> Files {
    let words: usize = entries
        .clone()
        .map(|(t, e)| t.len() + 4 + e.word_list_len())
        .sum();
    let shards = shard_count(words);
    let mut by_shard: Vec<Vec<(&str, &Entry)>> = vec![Vec::new(); shards];
    for (token, entry) in entries {
        by_shard[super::shard_of(token, shards)].push((token, entry));
    }
    let mut files = Files::default();
    for shard in by_shard {
        files.word_lists.push(shard_files(&shard, &mut files.packs));
    }
    files
}

/// One word list, and its packs pushed onto `packs` (numbered in that list).
fn shard_files(entries: &[(&str, &Entry)], packs: &mut Vec<String>) -> String {
    let mut list = String::from("{");
    let mut pack = String::new();
    let close = |pack: &mut String, packs: &mut Vec<String>| {
        if !pack.is_empty() {
            pack.push_str("}\n");
            packs.push(std::mem::take(pack));
        }
    };
    for (token, entry) in entries {
        let name = json_str(token);
        if list.len() > 1 {
            list.push(',');
        }
        let _ = write!(list, "{name}:[{}", entry.stems);
        if entry.postings.len() <= INLINE_BYTES {
            let _ = write!(list, "[{}]]", entry.postings);
            continue;
        }
        if !pack.is_empty() && pack.len() + entry.postings.len() > TARGET_PACK_BYTES {
            close(&mut pack, packs);
        }
        pack.push(if pack.is_empty() { '{' } else { ',' });
        let _ = write!(pack, "{name}:[{}]", entry.postings);
        let _ = write!(list, "{}]", packs.len());
        if pack.len() >= TARGET_PACK_BYTES {
            close(&mut pack, packs);
        }
    }
    close(&mut pack, packs);
    list.push_str("}\n");
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn entry(docs: impl Iterator<Item = u32>) -> Entry {
        let list: Vec<u32> = docs.map(|d| d << 2 | 1).collect();
        encode("w", &list, &[])
    }

    #[test]
    fn rare_words_stay_inline_and_common_ones_get_packs() {
        let rare = entry([3, 7].into_iter());
        let common = entry((0..5000).step_by(2));
        let files = layout([("aaa", &rare), ("aab", &common)].into_iter());
        assert_eq!(files.word_lists.len(), 1);
        let list: Value = serde_json::from_str(&files.word_lists[0]).expect("JSON");
        // Delta-encoded: doc 3 field 1 is 13, doc 7 is 4 after it: 17.
        assert_eq!(list["aaa"], serde_json::json!([[13, 17]]));
        assert_eq!(list["aab"], serde_json::json!([0]));
        assert_eq!(files.packs.len(), 1);
        let pack: Value = serde_json::from_str(&files.packs[0]).expect("JSON");
        assert_eq!(pack["aab"].as_array().map(Vec::len), Some(2500));
    }

    #[test]
    fn packs_are_cut_in_word_order_near_their_target_size() {
        let medium = entry((0..600).step_by(3));
        let names: Vec<String> = (0..40).map(|i| format!("ab{i:02}")).collect();
        let files = layout(names.iter().map(|n| (n.as_str(), &medium)));
        let list: Value = serde_json::from_str(&files.word_lists[0]).expect("JSON");
        let mut last = 0;
        for n in &names {
            let pack = list[n][0].as_u64().expect("a pack number");
            assert!(pack == last || pack == last + 1, "{n} in pack {pack}");
            last = pack;
            let text = &files.packs[pack as usize];
            assert!(text.contains(&format!("\"{n}\":[")));
        }
        for p in &files.packs[..files.packs.len() - 1] {
            assert!(p.len() > TARGET_PACK_BYTES / 2 && p.len() < TARGET_PACK_BYTES + 1024);
        }
    }
}
