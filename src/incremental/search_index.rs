//! The search index through its memo table: the index of the last build, updated document by
//! document. The files it gives are those [`crate::render::search::outputs`] gives for the same site, byte
//! for byte (`tests/it/serve.rs` checks it after random edits).

use crate::config::Config;
use crate::fingerprint::Fingerprint;
use crate::model::{ItemId, Site};
use crate::render::Output;
use crate::render::search::RecordFiles;
use crate::render::search::{
    CHUNK_SIZE, DocLangs, Entry, FastMap, Field, Files, ItemTokens, Record, Relaid, doc_ids_again,
    doc_langs, encode, finish, item_tokens, json_bytes, lay_out_again, layout, list_bytes,
    media_docs, meta, one_record_file, record, record_files, shard_count, shard_of, top_file,
};
use rayon::prelude::*;
use std::collections::BTreeMap;

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
    /// Each token's encoded entry, by word list.
    encoded: Entries,
    /// The `docs-N.json` files.
    chunks: Vec<Vec<u8>>,
    /// The items of the last call's documents, in order (see [`doc_ids_again`]).
    last_ids: Vec<ItemId>,
    /// The last files made, to lay out again only what an edit changed; None: lay out
    /// everything (a new index, one with media documents, or one build only).
    laid: Option<Laid>,
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
            index.intern(&name);
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
        &self,
        site: &Site,
        last: &[(String, Fingerprint)],
        stale: &(dyn Fn(ItemId) -> bool + Sync),
        key: &(dyn Fn(ItemId) -> Fingerprint + Sync),
    ) -> DocKeys {
        let ids = doc_ids_again(site, &self.last_ids);
        let keys = (ids.par_iter().enumerate())
            .map(|(n, &id)| match last.get(n) {
                Some((path, k)) if !stale(id) && site.items[id].path == *path => *k,
                _ => key(id),
            })
            .collect();
        DocKeys { ids, keys }
    }

    fn intern(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.ids.get(token) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(token.to_string());
        self.ids.insert(token.to_string(), id);
        self.postings.push(Vec::new());
        id
    }

    /// Encodes a token's entry again; `docs` as for [`encode`]. Returns the number of its
    /// word list.
    fn set_entry(&mut self, tid: u32, docs: &DocLangs) -> usize {
        let name = &self.names[tid as usize];
        let list = &self.postings[tid as usize];
        let entry = (!list.is_empty()).then(|| encode(name, list, docs));
        self.encoded.set(name, entry)
    }

    /// The index files for `site`, whose documents and keys are `keyed` ([`SearchIndex::doc_keys`]:
    /// a key fingerprints everything its document is made of, its tokens' sources and its
    /// record's fields); a document whose key and place are those of the last call is not
    /// looked at again. They are all the files, or, unless `whole` is asked for, those that
    /// changed since the last call when the others are the same files ([`Handed`]). With
    /// `keep`, the files are kept for the next call to lay out again only what changed.
    pub(super) fn update(
        &mut self,
        site: &Site,
        config: &Config,
        keyed: &DocKeys,
        whole: bool,
        keep: bool,
    ) -> Handed {
        let (ids, keys) = (&keyed.ids, &keyed.keys);
        self.last_ids.clone_from(ids);
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
        let replaced = match same_order {
            true => Some(self.replace_docs(&docs, &fresh, tokens)),
            false => {
                self.rebuild_docs(&docs, tokens, moved);
                None
            }
        };
        let media = media_docs(site, config);
        if !media.is_empty() {
            self.laid = None;
            return Handed {
                outputs: self.with_media(config, media),
                all: true,
            };
        }
        let resharded = self.encoded.fit();
        match (self.laid.take(), replaced) {
            (Some(laid), Some(replaced)) if !resharded && keep => {
                self.lay_out_again(config, laid, replaced, whole)
            }
            _ => self.lay_out(config, keep),
        }
    }

    /// The documents' records, the one record file they fit in when they are few (see
    /// [`one_record_file`]), and the number of records per record file.
    fn records(&self) -> (Vec<&Record>, Option<Vec<u8>>, usize) {
        let records: Vec<&Record> = self.docs.iter().map(|d| &d.record).collect();
        let one_file = one_record_file(&records, &self.chunks);
        let chunk_size = match one_file {
            Some(_) => records.len(),
            None => CHUNK_SIZE,
        };
        (records, one_file, chunk_size)
    }

    /// Every file of the index laid out anew; kept with `keep`.
    fn lay_out(&mut self, config: &Config, keep: bool) -> Handed {
        let (records, one_file, chunk_size) = self.records();
        let chunks = RecordFiles {
            size: chunk_size,
            files: match &one_file {
                Some(file) => vec![file.clone()],
                None => self.chunks.clone(),
            },
        };
        let one_file = one_file.is_some();
        let mut files = Files::default();
        let by_shard = self.encoded.by_shard();
        lay_out_again(
            &mut files,
            &by_shard,
            &vec![true; by_shard.len()],
            records.len(),
            chunk_size,
        );
        let outputs = match keep {
            true => {
                let outputs = finish(config, &records, chunks, files.clone());
                self.laid = Some(Laid { files, one_file });
                outputs
            }
            false => finish(config, &records, chunks, files),
        };
        Handed { outputs, all: true }
    }

    /// The files of the index laid out again from `laid`, the last build's, where `replaced`
    /// (the documents' edits) changed them: the files that changed, or all of them when the
    /// files are not the same files (a word list, pack, top or record file more or fewer) or
    /// `whole` asks for them.
    fn lay_out_again(
        &mut self,
        config: &Config,
        mut laid: Laid,
        replaced: Replaced,
        whole: bool,
    ) -> Handed {
        let (records, one_file, chunk_size) = self.records();
        let (packs, tops) = (laid.files.pack_count(), laid.files.tops.len());
        let by_shard = self.encoded.by_shard();
        let mut dirty = vec![false; by_shard.len()];
        for &s in &replaced.shards {
            dirty[s] = true;
        }
        let relaid = lay_out_again(
            &mut laid.files,
            &by_shard,
            &dirty,
            records.len(),
            chunk_size,
        );
        let same_files = laid.one_file == one_file.is_some()
            && packs == laid.files.pack_count()
            && tops == laid.files.tops.len();
        laid.one_file = one_file.is_some();
        let all = !same_files || whole;
        let chunks = RecordFiles {
            size: chunk_size,
            files: match one_file {
                Some(file) => vec![file],
                None if all => self.chunks.clone(),
                None => Vec::new(),
            },
        };
        let outputs = match all {
            true => finish(config, &records, chunks, laid.files.clone()),
            false => {
                let made = Made {
                    config,
                    records: &records,
                    chunks,
                    all_chunks: &self.chunks,
                    files: &laid.files,
                };
                made.changed(&relaid, &replaced)
            }
        };
        drop(records);
        self.laid = Some(laid);
        Handed { outputs, all }
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
        // Both are in token order: merge them, the fresh entry winning.
        let kept = self.encoded.in_order();
        let mut merged: Vec<(&str, &Entry)> = Vec::with_capacity(kept.len() + fresh.len());
        let mut kept = kept.into_iter().peekable();
        let mut new = fresh.iter().peekable();
        loop {
            let take_new = match (kept.peek(), new.peek()) {
                (None, None) => break,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some((k, _)), Some((n, _))) => **n <= *k,
            };
            if take_new {
                let Some((n, e)) = new.next() else { break };
                if kept.peek().is_some_and(|(k, _)| k == n) {
                    kept.next();
                }
                merged.push((n, e));
            } else if let Some(kept) = kept.next() {
                merged.push(kept);
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
    ) -> FastMap<usize, Vec<(u32, Field)>> {
        let need: Vec<usize> = fresh
            .iter()
            .copied()
            .filter(|&n| {
                moved
                    .get(site.items[ids[n]].path.as_str())
                    .is_none_or(|(k, _)| *k != keys[n])
            })
            .collect();
        let tokenized: Vec<(usize, ItemTokens)> = need
            .par_iter()
            .map(|&n| (n, item_tokens(site, ids[n])))
            .collect();
        let mut tokens = FastMap::default();
        for (n, toks) in tokenized {
            let mut t: Vec<(u32, Field)> = toks.iter().map(|(s, f)| (self.intern(s), f)).collect();
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
        mut tokens: FastMap<usize, Vec<(u32, Field)>>,
    ) -> Replaced {
        let mut replaced = Replaced::default();
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
            if d.record != record {
                replaced.filters |= !d.record.same_filters(&record);
                replaced.records.push(doc);
                d.record = record;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        // A document's language chooses its words' stems and screens: when it changed, all
        // its words are among those touched (see `changed_tokens`).
        if !touched.is_empty() {
            let langs = doc_langs(docs.config, self.docs.iter().map(|d| &d.record));
            for tid in touched {
                replaced.shards.push(self.set_entry(tid, &langs));
            }
        }
        let mut chunks_touched: Vec<usize> = (replaced.records.iter())
            .map(|&n| n as usize / CHUNK_SIZE)
            .collect();
        chunks_touched.dedup();
        for c in chunks_touched {
            let records: Vec<&Record> = self.docs[c * CHUNK_SIZE..]
                .iter()
                .take(CHUNK_SIZE)
                .map(|d| &d.record)
                .collect();
            self.chunks[c] = json_bytes(&records);
            replaced.chunks.push(c);
        }
        replaced
    }

    /// Documents added, removed or reordered: every document, posting list and chunk is
    /// made again, from new tokens or a moved document's.
    fn rebuild_docs(
        &mut self,
        docs: &Docs<'_>,
        mut tokens: FastMap<usize, Vec<(u32, Field)>>,
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
        self.encoded = Entries::from(entries);
        self.chunks = self
            .docs
            .par_chunks(CHUNK_SIZE)
            .map(|c| json_bytes(&c.iter().map(|d| &d.record).collect::<Vec<_>>()))
            .collect();
    }
}

/// The index's files as [`SearchIndex::update`] hands them over: all of them (any other file
/// the index had is gone), or those that changed (the others are the last call's).
pub(super) struct Handed {
    pub(super) outputs: Vec<Output>,
    pub(super) all: bool,
}

/// The files of the last layout (see [`SearchIndex::laid`]).
struct Laid {
    files: Files,
    /// Whether the records were one file (see [`one_record_file`]).
    one_file: bool,
}

/// What [`SearchIndex::replace_docs`] changed besides postings.
#[derive(Debug, Default)]
struct Replaced {
    /// The word lists of the entries encoded again (or removed), with repeats.
    shards: Vec<usize>,
    /// The documents whose record changed, ascending.
    records: Vec<u32>,
    /// Whether a changed record has another kind, language or year (meta.json's columns).
    filters: bool,
    /// The `docs-N.json` files written again, ascending.
    chunks: Vec<usize>,
}

/// The encoded entries by the word list they are in (see [`shard_count`]), each list's in
/// word order, and the bytes they take in the word lists, which choose their count.
#[derive(Default)]
struct Entries {
    shards: Vec<BTreeMap<String, Entry>>,
    bytes: usize,
}

impl Entries {
    /// The entries of `all`, in any order.
    fn from(all: Vec<(String, Entry)>) -> Self {
        let bytes = all.iter().map(|(t, e)| list_bytes(t, e)).sum();
        let count = shard_count(bytes);
        let mut shards = vec![BTreeMap::new(); count];
        for (token, entry) in all {
            shards[shard_of(&token, count)].insert(token, entry);
        }
        Entries { shards, bytes }
    }

    /// Puts `token`'s entry in place of the one it had (None: it has none now); the number
    /// of its word list. Call [`Entries::fit`] before the lists are laid out.
    fn set(&mut self, token: &str, entry: Option<Entry>) -> usize {
        if self.shards.is_empty() {
            self.shards.push(BTreeMap::new());
        }
        let s = shard_of(token, self.shards.len());
        let shard = &mut self.shards[s];
        let old = match entry {
            Some(entry) => {
                self.bytes += list_bytes(token, &entry);
                match shard.get_mut(token) {
                    Some(kept) => Some(std::mem::replace(kept, entry)),
                    None => shard.insert(token.to_string(), entry),
                }
            }
            None => shard.remove(token),
        };
        if let Some(old) = old {
            self.bytes -= list_bytes(token, &old);
        }
        s
    }

    /// Spreads the entries over as many word lists as their bytes make (see
    /// [`shard_count`]); whether that count changed.
    fn fit(&mut self) -> bool {
        let count = shard_count(self.bytes);
        if count == self.shards.len() {
            return false;
        }
        let all: Vec<(String, Entry)> = std::mem::take(&mut self.shards)
            .into_iter()
            .flatten()
            .collect();
        *self = Entries::from(all);
        true
    }

    /// Each word list's entries, in word order.
    fn by_shard(&self) -> Vec<Vec<(&str, &Entry)>> {
        (self.shards.iter())
            .map(|shard| shard.iter().map(|(t, e)| (t.as_str(), e)).collect())
            .collect()
    }

    /// Every entry, in word order.
    fn in_order(&self) -> Vec<(&str, &Entry)> {
        let mut all: Vec<(&str, &Entry)> = self.by_shard().into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all
    }
}

/// The files of a layout that [`SearchIndex::lay_out_again`] hands over when they changed.
struct Made<'a> {
    config: &'a Config,
    records: &'a [&'a Record],
    /// The one record file of a small site (see [`one_record_file`]), or no file.
    chunks: RecordFiles,
    /// The record files of [`CHUNK_SIZE`] records.
    all_chunks: &'a [Vec<u8>],
    files: &'a Files,
}

impl Made<'_> {
    /// The files that `relaid` (the layout) and `replaced` (the records) changed.
    fn changed(self, relaid: &Relaid, replaced: &Replaced) -> Vec<Output> {
        let mut out = Vec::new();
        let one_file = !self.chunks.files.is_empty();
        if relaid.common || replaced.filters {
            let chunks = match one_file {
                true => (self.chunks.size, 1),
                false => (CHUNK_SIZE, self.all_chunks.len()),
            };
            out.push(Output {
                path: "/search/meta.json".into(),
                bytes: meta(self.config, self.records, chunks, self.files),
            });
        }
        let chunks = match one_file {
            true => match replaced.records.is_empty() {
                true => Vec::new(),
                false => vec![(0, &self.chunks.files[0])],
            },
            false => (replaced.chunks.iter())
                .map(|&c| (c, &self.all_chunks[c]))
                .collect(),
        };
        for (n, bytes) in chunks {
            out.push(Output {
                path: format!("/search/docs-{n}.json"),
                bytes: bytes.clone(),
            });
        }
        for &n in &relaid.lists {
            out.push(Output {
                path: format!("/search/index-{n}.json"),
                bytes: self.files.shards[n].list.clone().into_bytes(),
            });
        }
        for &n in &relaid.packs {
            if let Some(text) = self.files.pack(n) {
                out.push(Output {
                    path: format!("/search/post-{n}.json"),
                    bytes: text.clone().into_bytes(),
                });
            }
        }
        let holds_changed =
            |docs: &[u32]| (docs.iter()).any(|d| replaced.records.binary_search(d).is_ok());
        for (n, docs) in self.files.tops.iter().enumerate() {
            if relaid.tops.binary_search(&n).is_ok() || holds_changed(docs) {
                out.push(Output {
                    path: format!("/search/top-{n}.json"),
                    bytes: top_file(self.records, docs),
                });
            }
        }
        out
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
type Moved = FastMap<String, (Fingerprint, Vec<(u32, Field)>)>;

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
