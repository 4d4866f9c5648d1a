//! Each item's rendered body (`Rendered::html`, 85% of the rendered Markdown `build`'s state
//! keeps: 74 of 87 MB at 10,000 items) is kept apart from the rest, in `bodies-NN.bin` beside
//! each Markdown shard ([`super::persist`]), and read only when a build may show one.
//!
//! A body is read by an item's own page and by the feeds that carry full texts, nothing
//! else: the lists, the ledger's records, related items, the search index, the sitemaps and
//! the calendars read the other parts of the rendered Markdown (its sources, notices,
//! summaries, boilerplate). An item whose Markdown a one-shot build takes from the state
//! therefore gets everything but its body ([`Incremental::deferred`]), and its body is put
//! in place before any page is made, unless the build makes no page and no feed at all:
//!
//! - when the site surely changed (items added, removed or edited, a section index changed,
//!   a file of the output lost), the bodies are read as soon as the Markdown stage is done,
//!   on a thread of their own beside the ledger, theme and related-items stages
//!   ([`Incremental::read_bodies_early`]);
//! - otherwise the comparison with the last build decides ([`Incremental::complete_bodies`]):
//!   every list the last build's, no item changed or retitled, every page and artifact file
//!   kept as the output holds it — then no page context and no feed is made, and no body is
//!   read (a nothing-changed rebuild); else they are read then.
//!
//! A body that cannot be read (its file gone, or not the bytes the state recorded) is
//! rendered again from the item's Markdown, and its shard written again. Should a page that shows an item whose body was
//! left out be made all the same, it fails (`outputs::page_outcome`) rather than show an
//! empty body: the build stops, its state is not saved, and the next build renders again.

use super::Incremental;
use super::outputs::Comparison;
use crate::config::Config;
use crate::error::Error;
use crate::fast_map::{FastMap, FastSet};
use crate::fingerprint::{self, Fingerprint};
use crate::model::{ItemId, Site};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

/// Bodies by item file: (the item's Markdown key when it was rendered, its HTML).
pub(super) type Read = FastMap<String, (Fingerprint, String)>;

/// A body file's entries as written and read: (item file, Markdown key, HTML), sorted by file.
type Entries<S> = Vec<(S, Fingerprint, S)>;

/// The body files a build's state holds: its folder, and each file's fingerprint as the state
/// recorded it (None: not written).
#[derive(Clone, Debug)]
pub(super) struct Bodies {
    dir: PathBuf,
    keys: Vec<Option<Fingerprint>>,
}

impl Bodies {
    pub(super) fn new(dir: &Path, keys: Vec<Option<Fingerprint>>) -> Self {
        Bodies {
            dir: dir.to_path_buf(),
            keys,
        }
    }

    /// The bodies of the shards `shards`, on every core; a shard whose file is gone or does
    /// not hold the bytes the state recorded gives none.
    pub(super) fn read(&self, shards: &FastSet<usize>) -> Read {
        let shards: Vec<usize> = shards.iter().copied().collect();
        let read: Vec<Entries<String>> = (shards.into_par_iter())
            .filter_map(|n| {
                let want = self.keys.get(n).copied().flatten()?;
                let bytes = std::fs::read(path(&self.dir, n)).ok()?;
                if fingerprint::of_bytes(&bytes) != want {
                    return None;
                }
                bincode::deserialize(&bytes).ok()
            })
            .collect();
        let mut bodies = Read::default();
        for (file, key, html) in read.into_iter().flatten() {
            bodies.insert(file, (key, html));
        }
        bodies
    }
}

/// The file of shard `n`'s bodies in the cache folder `dir`.
fn path(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("bodies-{n:02}.bin"))
}

/// Writes shard `n`'s bodies (`entries`, sorted by file) atomically; gives the file's
/// fingerprint.
pub(super) fn write(
    dir: &Path,
    n: usize,
    entries: &[(&str, Fingerprint, &str)],
) -> Result<Fingerprint, Error> {
    let bytes = bincode::serialize(entries).map_err(|e| Error::Other(e.to_string()))?;
    super::persist::write_atomically(&path(dir, n), &bytes)?;
    Ok(fingerprint::of_bytes(&bytes))
}

/// The bodies being read on a thread of their own ([`Incremental::read_bodies_early`]).
pub(super) type Early = JoinHandle<Read>;

impl Incremental {
    /// Starts reading the bodies left out of this build's items when the site surely changed
    /// since the last build (see the module's doc): on a thread of its own, so that the ledger,
    /// theme and related-items stages run meanwhile. None when there is nothing to read or
    /// the comparison must decide.
    pub(super) fn read_bodies_early(&self, site: &Site) -> Option<Early> {
        let bodies = self.bodies.as_ref().filter(|_| !self.deferred.is_empty())?;
        let same_items =
            (self.last.as_ref()).is_some_and(|l| l.keys == self.item_keys && l.same_items(site));
        if same_items && !self.sections_changed && self.output_whole {
            return None;
        }
        let (bodies, shards) = (bodies.clone(), self.deferred_shards(site));
        std::thread::Builder::new()
            .spawn(move || bodies.read(&shards))
            .ok()
    }

    /// Puts in place the bodies left out of this build's items when the build may show one:
    /// always when they were read early (`early`), else unless the comparison with the last
    /// build (`cmp`) says no page context and no feed is made. A body not found is rendered
    /// again.
    pub(super) fn complete_bodies(
        &mut self,
        site: &mut Site,
        config: &Config,
        cmp: &Comparison,
        early: Option<Early>,
    ) {
        let read = match early.map(|e| e.join()) {
            Some(Ok(read)) => read,
            // A reader that panicked read nothing: every body is rendered again.
            Some(Err(_)) => Read::default(),
            None if self.deferred.is_empty() || !self.may_show_bodies(cmp) => return,
            None => match &self.bodies {
                Some(bodies) => bodies.read(&self.deferred_shards(site)),
                None => Read::default(),
            },
        };
        let read_count = self.deferred.len();
        let missing = self.put_bodies(site, read);
        self.stats.bodies_read = read_count - missing.len();
        render_bodies(site, config, &missing);
        // Their shards are written again, bodies and all (see `persist`).
        (self.markdown_changed).extend(missing.iter().map(|&id| site.items[id].src.rel.clone()));
    }

    /// Whether this build may make a page context or a feed (see the module's doc).
    fn may_show_bodies(&self, cmp: &Comparison) -> bool {
        !(cmp.same_lists
            && cmp.changed.is_empty()
            && cmp.retitled.is_empty()
            && !self.others.is_empty()
            && self.output_whole)
    }

    /// The shards of the items whose bodies were left out.
    fn deferred_shards(&self, site: &Site) -> FastSet<usize> {
        (self.deferred.iter())
            .map(|&id| super::persist::shard_of(&site.items[id].src.rel))
            .collect()
    }

    /// Puts each read body in its item, when it was rendered for the item's Markdown key;
    /// gives the items whose body was not found. None is left out after this.
    fn put_bodies(&mut self, site: &mut Site, mut read: Read) -> Vec<ItemId> {
        let mut missing = Vec::new();
        for id in std::mem::take(&mut self.deferred) {
            let item = &mut site.items[id];
            match read.remove(&item.src.rel) {
                Some((key, html)) if self.item_keys.get(id) == Some(&key) => {
                    item.rendered.html = html;
                }
                _ => missing.push(id),
            }
        }
        missing
    }

    /// For a save of the shards `shards` (`persist`): puts in place the bodies left out of
    /// their items, read from the state. Gives the shards whose bodies could not all be
    /// found: not written, they are rendered again by the next build.
    pub(super) fn bodies_for_save(&mut self, shards: &FastSet<usize>) -> FastSet<usize> {
        let (Some(site), Some(bodies)) = (self.site.as_mut(), self.bodies.as_ref()) else {
            return FastSet::default();
        };
        let shard = |site: &Site, id: ItemId| super::persist::shard_of(&site.items[id].src.rel);
        let (wanted, others): (Vec<ItemId>, Vec<ItemId>) =
            (self.deferred.iter()).partition(|&&id| shards.contains(&shard(site, id)));
        if wanted.is_empty() {
            return FastSet::default();
        }
        let mut read = bodies.read(shards);
        let keys = self.last.as_ref().map(|l| l.keys.as_slice()).unwrap_or(&[]);
        let mut unwritable = FastSet::default();
        for id in wanted {
            let item = &mut site.items[id];
            match read.remove(&item.src.rel) {
                Some((key, html)) if keys.get(id) == Some(&key) => {
                    item.rendered.html = html;
                }
                _ => {
                    unwritable.insert(shard(site, id));
                }
            }
        }
        self.deferred = others;
        unwritable
    }
}

/// Renders again the bodies of the items `ids` (their other rendered parts are kept).
fn render_bodies(site: &mut Site, config: &Config, ids: &[ItemId]) {
    if ids.is_empty() {
        return;
    }
    let components = crate::markdown::component::Components::load(
        config,
        &site.authors,
        &site.contacts,
        &mut Vec::new(),
    );
    let dialect = crate::content::dialect::Dialect::of(config);
    let sources: std::collections::HashMap<&str, &crate::content::frontmatter::SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let htmls: Vec<String> = (ids.par_iter())
        .map(|&id| {
            let item = &site.items[id];
            crate::markdown::render_item(item, &sources, dialect, &components)
                .0
                .html
        })
        .collect();
    for (&id, html) in ids.iter().zip(htmls) {
        site.items[id].rendered.html = html;
    }
}
