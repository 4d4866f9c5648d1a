//! Related items: for each item page, the items of its language that share the most with it —
//! the site-wide sources both cite, authors, tags and categories — ranked by what they share,
//! then newest first, then by path, so the list is the same on every build. Only items that
//! appear on [`Surface::Related`] are offered (never an embargoed, draft, unlisted or withdrawn
//! one; a preview shows what its lists show).
//!
//! The work stays about linear in the archive: each shared key (a tag, a source, …) offers at
//! most [`PER_KEY`] of its newest items, so a tag on every item costs each page a bounded
//! number of candidates, not the whole archive.
//!
//! Keys are interned once, in one pass over the site, into numbers per (language, key): the
//! ranking then works on flat arrays of numbers.

use crate::model::{Item, ItemId, Site, Surface};
use crate::slug::slugify;
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;

/// How many related items a page shows.
pub const LIMIT: usize = 4;

/// How many of a key's newest items are candidates.
const PER_KEY: usize = 200;

/// What two items can share, and what it weighs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Source,
    Author,
    Tag,
    Category,
}

impl Key {
    fn weight(self) -> u32 {
        match self {
            Key::Source => 4,
            Key::Author => 2,
            Key::Tag => 2,
            Key::Category => 1,
        }
    }
}

/// Each item's interned keys, in one flat array.
struct Interned {
    /// Key numbers of item `i`: `keys[spans[i]]`.
    keys: Vec<u32>,
    spans: Vec<Range<usize>>,
    /// Weight of each key number.
    weights: Vec<u32>,
}

/// Visits every key of an item: its site-wide sources (cited), authors, tags and categories.
fn each_key(item: &Item, mut visit: impl FnMut(Key, &str)) {
    for c in &item.rendered.sources {
        if c.site_wide && !c.backrefs.is_empty() {
            visit(Key::Source, &c.id);
        }
    }
    for a in &item.authors {
        visit(Key::Author, a);
    }
    for t in &item.tags {
        visit(Key::Tag, &slugify(t));
    }
    for c in &item.categories {
        visit(Key::Category, &slugify(c));
    }
}

/// Whether two versions of an item offer the same keys, in the same order: [`related`] reads
/// nothing else of an item but its language, its dates and path (its place in the newest-first
/// order) and where it appears. Serve reuses the last related lists after an edit that keeps
/// these (a body edit that cites the same site-wide sources).
pub fn same_keys(a: &Item, b: &Item) -> bool {
    let keys = |item: &Item| {
        let mut keys = Vec::new();
        each_key(item, |key, value| keys.push((key, value.to_string())));
        keys
    };
    keys(a) == keys(b)
}

/// Numbers every (language, key, value) of the site, in one pass.
fn intern(site: &Site) -> Interned {
    let mut numbers: HashMap<(&str, Key, String), u32> = HashMap::new();
    let mut interned = Interned {
        keys: Vec::new(),
        spans: Vec::with_capacity(site.items.len()),
        weights: Vec::new(),
    };
    for id in 0..site.items.len() {
        let lang = site.items[id].lang.as_str();
        let start = interned.keys.len();
        each_key(&site.items[id], |key, value| {
            if value.is_empty() {
                return;
            }
            let next = numbers.len() as u32;
            let n = *numbers
                .entry((lang, key, value.to_string()))
                .or_insert(next);
            if n == next {
                interned.weights.push(key.weight());
            }
            interned.keys.push(n);
        });
        let own = &mut interned.keys[start..];
        own.sort_unstable();
        let unique = {
            let mut v = own.to_vec();
            v.dedup();
            v
        };
        interned.keys.truncate(start);
        interned.keys.extend(unique);
        interned.spans.push(start..interned.keys.len());
    }
    interned
}

/// The related items of every item, by item id (empty for items without a page).
pub fn related(site: &Site) -> Vec<Vec<ItemId>> {
    let interned = intern(site);
    let mut candidates: Vec<ItemId> = (0..site.items.len())
        .filter(|&id| site.items[id].appears_in(Surface::Related))
        .collect();
    site.sort_newest_first(&mut candidates);
    // Each key's newest candidates, and each candidate's place in that order (the tie-break).
    let mut offered: Vec<Vec<u32>> = vec![Vec::new(); interned.weights.len()];
    let mut rank = vec![u32::MAX; site.items.len()];
    for (r, &id) in candidates.iter().enumerate() {
        rank[id] = r as u32;
        for &key in &interned.keys[interned.spans[id].clone()] {
            let list = &mut offered[key as usize];
            if list.len() < PER_KEY {
                list.push(id as u32);
            }
        }
    }
    let table = Table {
        interned: &interned,
        offered: &offered,
        rank: &rank,
    };
    // Items go to threads in chunks, each with one score array for its whole chunk.
    let ids: Vec<ItemId> = (0..site.items.len()).collect();
    ids.par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let mut scratch = Scratch {
                scores: vec![0u32; site.items.len()],
                touched: Vec::new(),
            };
            chunk
                .iter()
                .map(|&id| table.ranked(site, id, &mut scratch))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Items handed to a thread at a time.
const CHUNK: usize = 512;

/// What ranking reads: the interned keys, each key's candidates, each candidate's rank.
struct Table<'a> {
    interned: &'a Interned,
    offered: &'a [Vec<u32>],
    rank: &'a [u32],
}

/// A thread's working memory: a score per item (all zero between items) and the items
/// scored so far.
struct Scratch {
    scores: Vec<u32>,
    touched: Vec<ItemId>,
}

impl Table<'_> {
    /// The related items of `id`: the candidates sharing its keys, by score, then newest first.
    fn ranked(&self, site: &Site, id: ItemId, scratch: &mut Scratch) -> Vec<ItemId> {
        if !site.items[id].appears_in(Surface::Page) {
            return Vec::new();
        }
        let Scratch { scores, touched } = scratch;
        for &key in &self.interned.keys[self.interned.spans[id].clone()] {
            let weight = self.interned.weights[key as usize];
            for &other in &self.offered[key as usize] {
                let other = other as usize;
                if other != id {
                    if scores[other] == 0 {
                        touched.push(other);
                    }
                    scores[other] += weight;
                }
            }
        }
        let mut ranked: Vec<(u32, u32, ItemId)> = touched
            .drain(..)
            .map(|other| (std::mem::take(&mut scores[other]), self.rank[other], other))
            .collect();
        // Highest score first; then newest (candidates are numbered newest first, each with
        // its own number: the order is total, so the first few picked out of hundreds before
        // sorting are those a whole sort puts first).
        let order =
            |a: &(u32, u32, ItemId), b: &(u32, u32, ItemId)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > LIMIT {
            ranked.select_nth_unstable_by(LIMIT - 1, order);
            ranked.truncate(LIMIT);
        }
        ranked.sort_unstable_by(order);
        // From a borrowing iterator: `into_iter().collect()` would reuse `ranked`'s buffer,
        // and every item would keep hundreds of candidates' worth of memory for its four.
        ranked
            .iter()
            .take(LIMIT)
            .map(|&(_, _, other)| other)
            .collect()
    }
}
