//! Related items: for each item page, the items of its language that share the most with it —
//! the site-wide sources both cite, authors, tags and categories — ranked by what they share,
//! then newest first, then by path, so the list is the same on every build. Only items that
//! appear on [`Surface::Related`] are offered (never an embargoed, draft, unlisted or withdrawn
//! one; a preview shows what its lists show).
//!
//! The work stays about linear in the archive: each shared key (a tag, a source, …) offers at
//! most [`PER_KEY`] of its newest items, so a tag on every item costs each page a bounded
//! number of candidates, not the whole archive.

use crate::model::{ItemId, Site, Surface};
use crate::slug::slugify;
use rayon::prelude::*;
use std::collections::HashMap;

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

/// Every key of an item: (kind, value).
fn keys_of(site: &Site, id: ItemId) -> Vec<(Key, String)> {
    let item = &site.items[id];
    let sources = item
        .rendered
        .sources
        .iter()
        .filter(|c| c.site_wide && !c.backrefs.is_empty())
        .map(|c| (Key::Source, c.id.clone()));
    let authors = item.authors.iter().map(|a| (Key::Author, a.clone()));
    let tags = item.tags.iter().map(|t| (Key::Tag, slugify(t)));
    let categories = item.categories.iter().map(|c| (Key::Category, slugify(c)));
    let mut keys: Vec<(Key, String)> = sources
        .chain(authors)
        .chain(tags)
        .chain(categories)
        .collect();
    keys.retain(|(_, v)| !v.is_empty());
    keys.sort_by(|a, b| (a.0 as u8, &a.1).cmp(&(b.0 as u8, &b.1)));
    keys.dedup();
    keys
}

/// The related items of every item, by item id (empty for items without a page).
pub fn related(site: &Site) -> Vec<Vec<ItemId>> {
    let keys: Vec<Vec<(Key, String)>> = (0..site.items.len())
        .into_par_iter()
        .map(|id| keys_of(site, id))
        .collect();
    // Candidates by (language, key), newest first.
    let mut offered: HashMap<(&str, Key, &str), Vec<u32>> = HashMap::new();
    let mut candidates: Vec<ItemId> = (0..site.items.len())
        .filter(|&id| site.items[id].appears_in(Surface::Related))
        .collect();
    site.sort_newest_first(&mut candidates);
    // Each candidate's place in that order: the tie-break (newest first).
    let mut rank = vec![u32::MAX; site.items.len()];
    for (r, &id) in candidates.iter().enumerate() {
        rank[id] = r as u32;
        let lang = site.items[id].lang.as_str();
        for (key, value) in &keys[id] {
            let list = offered.entry((lang, *key, value.as_str())).or_default();
            if list.len() < PER_KEY {
                list.push(id as u32);
            }
        }
    }
    (0..site.items.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; site.items.len()], Vec::new()),
            |(scores, touched), id| {
                if !site.items[id].appears_in(Surface::Page) {
                    return Vec::new();
                }
                let lang = site.items[id].lang.as_str();
                for (key, value) in &keys[id] {
                    let offers = offered.get(&(lang, *key, value.as_str()));
                    for &other in offers.into_iter().flatten() {
                        let other = other as usize;
                        if other != id {
                            if scores[other] == 0 {
                                touched.push(other);
                            }
                            scores[other] += key.weight();
                        }
                    }
                }
                let mut ranked: Vec<(u32, u32, ItemId)> = touched
                    .drain(..)
                    .map(|other| (std::mem::take(&mut scores[other]), rank[other], other))
                    .collect();
                // Highest score first; then newest (candidates are numbered newest first).
                ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                ranked
                    .into_iter()
                    .take(LIMIT)
                    .map(|(_, _, other)| other)
                    .collect()
            },
        )
        .collect()
}
