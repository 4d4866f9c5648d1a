//! The search index through its memo table: the index of the last build, updated document by
//! document. The files it gives are those [`crate::render::search::outputs`] gives for the same site, byte
//! for byte (`tests/it/serve.rs` checks it after random edits).

use crate::config::Config;
use crate::fingerprint::Fingerprint;
use crate::model::{ItemId, Site};
use crate::render::Output;
use crate::render::search::{
    CHUNK_SIZE, DocLangs, Entry, FastMap, Field, Record, doc_ids, doc_langs, encode, finish,
    item_tokens, json_bytes, layout, media_docs, record, record_files,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The documents of a build's index, in order: their items and keys (see
/// [`SearchIndex::doc_keys`]).
pub(super) struct DocKeys {
    ids: Vec<ItemId>,
    keys: Vec<Fingerprint>,
}

/// Brings `last` (each document's path and key) to `docs`, keeping its strings while the
/// paths are the same; whether it was `docs` already.
pub(super) fn keep_keys(
    site: &Site,
    docs: &DocKeys,
    last: &mut Vec<(String, Fingerprint)>,
) -> bool {
    let same_paths = last.len() == docs.ids.len()
        && (docs.ids.iter().zip(last.iter())).all(|(&id, (path, _))| site.items[id].path == *path);
    if !same_paths {
        *last = (docs.ids.iter().zip(&docs.keys))
            .map(|(&id, &key)| (site.items[id].path.to_string(), key))
            .collect();
        return false;
    }
    let mut same = true;
    for ((_, kept), &key) in last.iter_mut().zip(&docs.keys) {
        same &= *kept == key;
        *kept = key;
    }
    same
}

/// One document of an [`SearchIndex`]: its item's path, the hash of everything its
/// tokens and record are made of, its tokens (interned) and its record.
struct Doc {
    path: String,
    key: Fingerprint,
    tokens: Vec<(u32, Field)>,
    record: Record,
}

/// The search index kept between rebuilds: an edit re-tokenizes
/// the documents whose inputs changed and updates only their tokens' posting lists. The files
/// it gives are those [`outputs`] gives for the same site, byte for byte.
#[derive(Default)]
pub(super) struct SearchIndex {
    docs: Vec<Doc>,
    /// Token text by id, and id by text.
    names: Vec<String>,
    ids: FastMap<String, u32>,
    /// Postings by token id, ascending by document.
    postings: Vec<Vec<u32>>,
    /// Each token's encoded entry, in token order.
    encoded: BTreeMap<String, Entry>,
    /// The `docs-N.json` files.
    chunks: Vec<Vec<u8>>,
    /// Documents of an index read back from disk ([`SearchIndex::restore`]): the next
    /// [`SearchIndex::update`] takes their tokens as a moved document's, so only documents
    /// whose key changed are tokenized again.
    restored: Moved,
}

/// What the state on disk (`incremental::persist`) keeps of an index: its token names, and
/// each document's path, key and tokens (`token id << 2 | field`).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Saved {
    names: Vec<String>,
    docs: Vec<(String, Fingerprint, Vec<u32>)>,
}

impl SearchIndex {
    /// Whether nothing was indexed yet (a new process).
    pub(super) fn is_empty(&self) -> bool {
        self.docs.is_empty() && self.names.is_empty()
    }

    /// What [`SearchIndex::restore`] needs to carry the index to another process.
    pub(super) fn save(&self) -> Saved {
        let docs = (self.docs.iter())
            .map(|d| {
                let tokens = d.tokens.iter().map(|&(t, f)| (t << 2) | f as u32);
                (d.path.clone(), d.key, tokens.collect())
            })
            .collect();
        Saved {
            names: self.names.clone(),
            docs,
        }
    }

    /// The index [`SearchIndex::save`] saved, ready for [`SearchIndex::update`]; None when
    /// a token id names no token (a damaged file).
    pub(super) fn restore(saved: Saved) -> Option<Self> {
        let mut index = SearchIndex::default();
        for name in saved.names {
            index.intern(name);
        }
        for (path, key, tokens) in saved.docs {
            let tokens: Option<Vec<(u32, Field)>> = (tokens.into_iter())
                .map(|t| {
                    let field = [Field::Body, Field::Summary, Field::Tag, Field::Title];
                    ((t >> 2) < index.names.len() as u32).then(|| (t >> 2, field[(t & 3) as usize]))
                })
                .collect();
            index.restored.insert(path, (key, tokens?));
        }
        Some(index)
    }

    /// The documents [`SearchIndex::update`] indexes for `site`, in order, with their keys:
    /// the key `last` (the last build's paths and keys) has in the same place when the place
    /// holds the same path and the item is not `stale`, else `key(id)`. While every list is
    /// the last build's, only changed items are stale, and no fingerprint of 10,000
    /// documents is taken again (nor a table of their paths made).
    pub(super) fn doc_keys(
        site: &Site,
        last: &[(String, Fingerprint)],
        stale: &(dyn Fn(ItemId) -> bool + Sync),
        key: &(dyn Fn(ItemId) -> Fingerprint + Sync),
    ) -> DocKeys {
        let ids = doc_ids(site);
        let keys = (ids.par_iter().enumerate())
            .map(|(n, &id)| match last.get(n) {
                Some((path, k)) if !stale(id) && site.items[id].path == *path => *k,
                _ => key(id),
            })
            .collect();
        DocKeys { ids, keys }
    }

    fn intern(&mut self, token: String) -> u32 {
        if let Some(&id) = self.ids.get(&token) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(token.clone());
        self.ids.insert(token, id);
        self.postings.push(Vec::new());
        id
    }

    /// Encodes a token's entry again; `docs` as for [`encode`].
    fn set_entry(&mut self, tid: u32, docs: &DocLangs) {
        let name = &self.names[tid as usize];
        let list = &self.postings[tid as usize];
        if list.is_empty() {
            self.encoded.remove(name);
        } else {
            self.encoded.insert(name.clone(), encode(name, list, docs));
        }
    }

    /// The index files for `site`, whose documents and keys are `keyed` ([`SearchIndex::doc_keys`]:
    /// a key fingerprints everything its document is made of, its tokens' sources and its
    /// record's fields); a document whose key and place are those of the last call is not
    /// looked at again.
    pub(super) fn update(&mut self, site: &Site, config: &Config, keyed: &DocKeys) -> Vec<Output> {
        let (ids, keys) = (&keyed.ids, &keyed.keys);
        let same_order = ids.len() == self.docs.len()
            && ids
                .iter()
                .zip(&self.docs)
                .all(|(&id, d)| site.items[id].path == d.path);
        let fresh: Vec<usize> = (0..ids.len())
            .filter(|&n| !same_order || self.docs[n].key != keys[n])
            .collect();
        // Reuse the tokens of documents that only moved (or were read back from disk).
        let mut moved: Moved = std::mem::take(&mut self.restored);
        if !same_order {
            for d in std::mem::take(&mut self.docs) {
                moved.insert(d.path, (d.key, d.tokens));
            }
        }
        let tokens = self.tokenize(site, ids, keys, &fresh, &moved);
        let docs = Docs {
            site,
            config,
            ids,
            keys,
        };
        if same_order {
            self.replace_docs(&docs, &fresh, tokens);
        } else {
            self.rebuild_docs(&docs, tokens, moved);
        }
        let media = media_docs(site, config);
        if !media.is_empty() {
            return self.with_media(config, media);
        }
        let records: Vec<&Record> = self.docs.iter().map(|d| &d.record).collect();
        let chunks = record_files(&records, self.chunks.clone());
        let entries = self.encoded.iter().map(|(t, e)| (t.as_str(), e));
        let files = layout(entries, records.len(), chunks.size);
        finish(config, &records, chunks, files)
    }

    /// The index files with the media library's documents after the items', as
    /// [`crate::render::search::outputs`] numbers them. They are few and made again each time:
    /// the tokens they share with items get their entries encoded again for this output,
    /// without touching the kept ones.
    fn with_media(
        &self,
        config: &Config,
        media: Vec<(Record, Vec<(String, Field)>)>,
    ) -> Vec<Output> {
        let base = self.docs.len();
        let mut extra: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (j, (_, toks)) in media.iter().enumerate() {
            for (t, f) in toks {
                let doc = (base + j) as u32;
                extra
                    .entry(t.clone())
                    .or_default()
                    .push((doc << 2) | *f as u32);
            }
        }
        let records: Vec<&Record> = (self.docs.iter().map(|d| &d.record))
            .chain(media.iter().map(|(r, _)| r))
            .collect();
        let docs = doc_langs(config, records.iter().copied());
        let mut fresh: BTreeMap<&str, Entry> = BTreeMap::new();
        for (t, list) in &extra {
            let mut full = (self.ids.get(t))
                .map(|&id| self.postings[id as usize].clone())
                .unwrap_or_default();
            full.extend_from_slice(list);
            fresh.insert(t.as_str(), encode(t, &full, &docs));
        }
        // Both maps are in token order: merge them, the fresh entry winning.
        let mut merged: Vec<(&str, &Entry)> = Vec::with_capacity(self.encoded.len() + fresh.len());
        let mut kept = self.encoded.iter().peekable();
        let mut new = fresh.iter().peekable();
        loop {
            let take_new = match (kept.peek(), new.peek()) {
                (None, None) => break,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some((k, _)), Some((n, _))) => **n <= k.as_str(),
            };
            if take_new {
                let Some((n, e)) = new.next() else { break };
                if kept.peek().is_some_and(|(k, _)| k.as_str() == *n) {
                    kept.next();
                }
                merged.push((n, e));
            } else if let Some((k, e)) = kept.next() {
                merged.push((k.as_str(), e));
            }
        }
        let chunks = record_files(
            &records,
            records.chunks(CHUNK_SIZE).map(json_bytes).collect(),
        );
        let files = layout(merged.into_iter(), records.len(), chunks.size);
        finish(config, &records, chunks, files)
    }

    /// The interned, sorted tokens of the `fresh` documents that cannot reuse a moved
    /// document's tokens, by document number.
    fn tokenize(
        &mut self,
        site: &Site,
        ids: &[ItemId],
        keys: &[Fingerprint],
        fresh: &[usize],
        moved: &Moved,
    ) -> HashMap<usize, Vec<(u32, Field)>> {
        let need: Vec<usize> = fresh
            .iter()
            .copied()
            .filter(|&n| {
                moved
                    .get(site.items[ids[n]].path.as_str())
                    .is_none_or(|(k, _)| *k != keys[n])
            })
            .collect();
        let tokenized: Vec<(usize, Vec<(String, Field)>)> = need
            .par_iter()
            .map(|&n| (n, item_tokens(site, ids[n])))
            .collect();
        let mut tokens = HashMap::new();
        for (n, toks) in tokenized {
            let mut t: Vec<(u32, Field)> =
                toks.into_iter().map(|(s, f)| (self.intern(s), f)).collect();
            t.sort_unstable();
            tokens.insert(n, t);
        }
        tokens
    }

    /// Same documents in the same order: the `fresh` ones get their new tokens and records,
    /// and only the posting lists that changed and their record chunks are written again.
    fn replace_docs(
        &mut self,
        docs: &Docs<'_>,
        fresh: &[usize],
        mut tokens: HashMap<usize, Vec<(u32, Field)>>,
    ) {
        let mut touched: Vec<u32> = Vec::new();
        for &n in fresh {
            let doc = n as u32;
            let new = tokens.remove(&n).unwrap_or_default();
            let record = record(docs.site, docs.config, docs.ids[n]);
            let d = &mut self.docs[n];
            let changes = changed_tokens(&d.tokens, &new, d.record.lang() != record.lang());
            for &(tid, _) in &changes.removed {
                let list = &mut self.postings[tid as usize];
                if let Ok(i) = list.binary_search_by(|p| (p >> 2).cmp(&doc)) {
                    list.remove(i);
                }
            }
            for &(tid, f) in &changes.added {
                let list = &mut self.postings[tid as usize];
                let i = list.partition_point(|p| (p >> 2) < doc);
                list.insert(i, (doc << 2) | f as u32);
            }
            touched.extend(changes.entries);
            d.tokens = new;
            d.key = docs.keys[n];
            d.record = record;
        }
        touched.sort_unstable();
        touched.dedup();
        // A document's language chooses its words' stems and screens: when it changed, all
        // its words are among those touched (see `changed_tokens`).
        let langs = doc_langs(docs.config, self.docs.iter().map(|d| &d.record));
        for tid in touched {
            self.set_entry(tid, &langs);
        }
        let mut chunks_touched: Vec<usize> = fresh.iter().map(|n| n / CHUNK_SIZE).collect();
        chunks_touched.dedup();
        for c in chunks_touched {
            let records: Vec<&Record> = self.docs[c * CHUNK_SIZE..]
                .iter()
                .take(CHUNK_SIZE)
                .map(|d| &d.record)
                .collect();
            self.chunks[c] = json_bytes(&records);
        }
    }

    /// Documents added, removed or reordered: every document, posting list and chunk is
    /// made again, from new tokens or a moved document's.
    fn rebuild_docs(
        &mut self,
        docs: &Docs<'_>,
        mut tokens: HashMap<usize, Vec<(u32, Field)>>,
        mut moved: Moved,
    ) {
        let (site, ids) = (docs.site, docs.ids);
        let records: Vec<Record> = ids
            .par_iter()
            .map(|&id| record(site, docs.config, id))
            .collect();
        self.docs = ids
            .iter()
            .zip(records)
            .enumerate()
            .map(|(n, (&id, record))| {
                let path = site.items[id].path.to_string();
                let tokens = match tokens.remove(&n) {
                    Some(t) => t,
                    None => moved.remove(&path).map(|(_, t)| t).unwrap_or_default(),
                };
                Doc {
                    path,
                    key: docs.keys[n],
                    tokens,
                    record,
                }
            })
            .collect();
        for list in &mut self.postings {
            list.clear();
        }
        for (n, d) in self.docs.iter().enumerate() {
            for &(tid, f) in &d.tokens {
                self.postings[tid as usize].push(((n as u32) << 2) | f as u32);
            }
        }
        let langs = doc_langs(docs.config, self.docs.iter().map(|d| &d.record));
        let entries: Vec<(String, Entry)> = self
            .postings
            .par_iter()
            .enumerate()
            .filter(|(_, list)| !list.is_empty())
            .map(|(tid, list)| {
                let name = &self.names[tid];
                (name.clone(), encode(name, list, &langs))
            })
            .collect();
        self.encoded = entries.into_iter().collect();
        self.chunks = self
            .docs
            .par_chunks(CHUNK_SIZE)
            .map(|c| json_bytes(&c.iter().map(|d| &d.record).collect::<Vec<_>>()))
            .collect();
    }
}

/// What one document's new tokens change: the postings to take out and put in, and the
/// tokens whose entries must be encoded again.
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    removed: Vec<(u32, Field)>,
    added: Vec<(u32, Field)>,
    entries: Vec<u32>,
}

/// The changes from a document's `old` tokens to its `new` ones (both sorted). A token in
/// both, in the same field, keeps its posting list, and its entry (made of the list and the
/// languages of its documents) stays as encoded, unless the document's language changed
/// (`lang_changed`): then every entry of its words is encoded again. A body edit touches a
/// few words of the hundreds an item has: encoding every one of them again was ~12% of
/// serve's CPU per edit at 10,000 items.
fn changed_tokens(old: &[(u32, Field)], new: &[(u32, Field)], lang_changed: bool) -> Changes {
    let mut changes = Changes::default();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                if lang_changed {
                    changes.entries.push(a.0);
                }
                i += 1;
                j += 1;
            }
            (Some(&a), b) if b.is_none_or(|b| a < *b) => {
                changes.removed.push(a);
                changes.entries.push(a.0);
                i += 1;
            }
            (_, Some(&b)) => {
                changes.added.push(b);
                changes.entries.push(b.0);
                j += 1;
            }
            (_, None) => break,
        }
    }
    changes
}

/// Documents of the last index by path, for reuse when they only moved: (key, tokens).
type Moved = HashMap<String, (Fingerprint, Vec<(u32, Field)>)>;

/// The documents of one [`SearchIndex::update`]: the indexed items in document order and
/// their keys.
struct Docs<'a> {
    site: &'a Site,
    config: &'a Config,
    ids: &'a [ItemId],
    keys: &'a [Fingerprint],
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body edit that adds one word and moves another from the body to the summary
    /// encodes those two words again, not the words it kept where they were.
    #[test]
    fn an_edit_encodes_again_only_the_words_it_changed() {
        use Field::{Body, Summary, Title};
        let old = [(1, Title), (2, Body), (3, Body), (5, Body)];
        let new = [(1, Title), (2, Body), (3, Summary), (4, Body), (5, Body)];
        let changes = changed_tokens(&old, &new, false);
        assert_eq!(changes.removed, [(3, Body)]);
        assert_eq!(changes.added, [(3, Summary), (4, Body)]);
        let mut entries = changes.entries;
        entries.dedup();
        assert_eq!(entries, [3, 4]);
        // A word taken out; the last words of either list.
        let changes = changed_tokens(&new, &[(1, Title), (6, Body)], false);
        assert_eq!(
            changes.removed,
            [(2, Body), (3, Summary), (4, Body), (5, Body)]
        );
        assert_eq!(changes.added, [(6, Body)]);
        // The document's language chooses its words' stems and screens: all are encoded.
        let changes = changed_tokens(&old, &old, true);
        assert!(changes.removed.is_empty() && changes.added.is_empty());
        assert_eq!(changes.entries, [1, 2, 3, 5]);
        assert_eq!(changed_tokens(&old, &old, false), Changes::default());
    }
}
