//! `build`'s incremental layer across processes: the memo tables that let the next build
//! render only what changed, kept on disk beside the site in `.pressroom/cache/build/`.
//!
//! A build through [`Persisted`] is an [`Incremental::rebuild`] whose generated files go
//! straight to the output's [`Staging`]: a page or artifact whose inputs are those of the last
//! build is not rendered at all, and its file is kept in the output as that build left it
//! ([`Staging::keep`]). What is kept between processes:
//!
//! - the last build's shape ([`LastSite`]: items, their Markdown keys and shapes, the site's
//!   key, the templates' key, what pages show of the clock, the boilerplates the ledger
//!   pinned) and each section index's text key;
//! - each page's context fingerprint, each artifact's file names, the search documents' keys,
//!   every item's related items with the key of what they were made of;
//! - each item's rendered Markdown with its diagnostics, in shards (`markdown-NN.bin`, bincode:
//!   read back on every build, and faster to read than JSON), so a build rewrites only the
//!   shards holding an item that changed; but each item's body (its HTML, 85% of it), kept
//!   beside each shard in `bodies-NN.bin` and read only by a build that may show one (see
//!   [`super::bodies`]);
//! - the search index's tokens per document (`search.bin`), read only by a build in which
//!   a document changed, so only that document is tokenized again;
//! - each item's ledger body hash; `published.lock` as parsed (`ledger.json`), and the text
//!   of the ledger this output records once deployed (`ledger.toml`), each reused while what
//!   it was made from is the same;
//! - the fingerprint of the ledger the output's public record (`/corrections/record.json`)
//!   was made from: the record stands as it is while the next ledger is that one;
//! - every generated file's stamp (device, inode, size, mtime, ctime) and manifest entry as
//!   the build left it: a file whose stamp differs now (edited, replaced, deleted, reached
//!   through a link) is rendered again, never trusted.
//!
//! The state is one file, `state.bin`, written last and atomically. It names the output it
//! describes, the format, and pressroom's version and executable, so another output, another
//! pressroom or another format starts from nothing. It is removed before a build changes the
//! output and written again after: a build killed in between leaves no state, and the next
//! build renders everything. The folder is safe to delete at any time.
//!
//! Not used (a plain build instead, which leaves no state) for a build into a folder that
//! holds no build yet (CI's usual build: it renders everything anyway, and faster without
//! taking the keys a state needs), for `--audit`, which reads every page back, when
//! `build --no-cache` asks it, and when the templates call `resize_image` or `image_meta`,
//! whose derived files are found only by rendering the pages that ask for them.

use super::search_index::SearchIndex;
use super::{Incremental, KeptPage, LastSite, MarkdownEntry};
use crate::error::Error;
use crate::fast_map::{FastMap, FastSet};
use crate::fingerprint::{self, Fingerprint};
use crate::manifest::Entry;
use crate::model::rendered::Rendered;
use crate::options::BuildOptions;
use crate::output::known::{Copied, FileStamp, KnownCopy};
use crate::output::{self, Staging};
use crate::render::Artifact;
use crate::{Built, Failure};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::PoisonError;

/// The format of `state.bin` and the shards; another one is ignored.
const FORMAT: u32 = 10;
/// How many files the rendered Markdown is spread over.
const SHARDS: usize = 32;
/// The state's file name in the cache folder.
const STATE: &str = "state.bin";
/// The search index's file name in the cache folder.
const SEARCH: &str = "search.bin";
/// The parsed `published.lock`'s file name in the cache folder.
const LEDGER: &str = "ledger.json";
/// The file name of the text of the ledger once the output is recorded, in the cache folder.
const LEDGER_TEXT: &str = "ledger.toml";
/// The file name of the output's folders as the last walk for strays found them.
const WALKED: &str = "folders.bin";

/// `folders.bin`: the output's folders as the last walk for strays found them (see
/// [`output::strays`]). Apart from `state.bin`, which a build that changed no output does not
/// write again: its walk may still find folders the last build changed. Each entry is
/// trusted only while its folder's stamp holds, so a stale file costs reading folders again.
#[derive(Serialize, Deserialize)]
struct WalkedFile {
    format: u32,
    tool: String,
    output: String,
    folders: output::strays::Folders,
}

/// What `state.bin` holds (see the module's doc); every list sorted, so the same build
/// leaves the same bytes.
#[derive(Serialize, Deserialize)]
struct State {
    format: u32,
    tool: String,
    output: String,
    config_key: Option<Fingerprint>,
    section_keys: BTreeMap<String, Fingerprint>,
    body_hashes: BTreeMap<String, (Fingerprint, String)>,
    last: Option<LastSite>,
    pages: Vec<(String, Fingerprint)>,
    others: Vec<(Artifact, Vec<String>)>,
    search_keys: Vec<(String, Fingerprint)>,
    files: Vec<(String, FileStamp, Entry)>,
    /// The fingerprint of each Markdown shard file's bytes, and of its bodies file's (None:
    /// not written).
    shards: Vec<Option<Fingerprint>>,
    bodies: Vec<Option<Fingerprint>>,
    /// The fingerprint of `search.bin`'s bytes (None: not written).
    search: Option<Fingerprint>,
    /// The static files and assets copied into the output, as it left them.
    copies: Vec<KnownCopy>,
    /// `ledger.json`: the fingerprints of the `published.lock` text it is the parse of, and
    /// of its own bytes (None: not written).
    ledger: Option<(Fingerprint, Fingerprint)>,
    /// `ledger.toml`: the fingerprints of the ledger it is the text of, and of its own bytes
    /// (None: not written).
    ledger_text: Option<(Fingerprint, Fingerprint)>,
    /// The output's pending ledger file ([`crate::publish::PENDING`]): the fingerprints of the
    /// pending ledger it holds, and of its bytes (None: the build left none); and its stamp.
    pending: Option<(Fingerprint, Fingerprint)>,
    pending_stamp: Option<FileStamp>,
    /// The fingerprint of the ledger the output's public record was made from.
    record: Option<Fingerprint>,
    /// Every item's related items, and the key of what they were made of.
    related: Option<(Fingerprint, Vec<Vec<crate::model::ItemId>>)>,
}

/// The state as read, with the stamps its files have now.
type Stamped = (State, FastMap<String, FileStamp>);

/// The search index a build saved in `search.bin`: read only by a build in which a
/// document changed (see [`super::search_index::SearchIndex::restore`]).
pub(super) struct SavedSearch {
    path: PathBuf,
    key: Fingerprint,
}

impl SavedSearch {
    /// The index, if the file still has the bytes the state recorded.
    pub(super) fn load(self) -> Option<SearchIndex> {
        let bytes = std::fs::read(&self.path).ok()?;
        if fingerprint::of_bytes(&bytes) != self.key {
            return None;
        }
        SearchIndex::restore(bincode::deserialize(&bytes).ok()?)
    }
}

/// A file a build saved in the cache folder for the next one: `ledger.json`, the parse of
/// `published.lock` (read instead of parsing the ledger's TOML again while its text is the
/// same), and `ledger.toml`, the text of the ledger once this output is recorded (written
/// again only when that ledger changes).
pub(super) struct Saved {
    path: PathBuf,
    /// The fingerprints of what it was made from, and of the file's bytes.
    keys: (Fingerprint, Fingerprint),
}

impl Saved {
    /// Where the file is.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The fingerprint of the bytes the state recorded.
    pub(super) fn bytes_key(&self) -> Fingerprint {
        self.keys.1
    }

    /// The file's bytes, if it was made from what has the fingerprint `from` and still has the
    /// bytes the state recorded.
    pub(super) fn bytes(self, from: Fingerprint) -> Option<Vec<u8>> {
        if self.keys.0 != from {
            return None;
        }
        let bytes = std::fs::read(&self.path).ok()?;
        (fingerprint::of_bytes(&bytes) == self.keys.1).then_some(bytes)
    }
}

/// The memo tables of one output, read from the cache, and where to save them again.
pub struct Persisted {
    dir: PathBuf,
    out: PathBuf,
    memo: Incremental,
    /// The generated files found as the last build left them: they may be kept.
    known: FastMap<String, (FileStamp, Entry)>,
    shards: Vec<Option<Fingerprint>>,
    bodies: Vec<Option<Fingerprint>>,
    /// The fingerprint of `search.bin` as the last build left it.
    search: Option<Fingerprint>,
    /// The output's folders as [`Persisted::restore`] found them: real folders, or not.
    folders: crate::output::known::Folders,
    /// The keys of `ledger.json` and `ledger.toml` as the last build left them (see
    /// [`Saved`]).
    ledger: Option<(Fingerprint, Fingerprint)>,
    ledger_text: Option<(Fingerprint, Fingerprint)>,
    /// The keys of the output's pending ledger file as the last build left it.
    pending: Option<(Fingerprint, Fingerprint)>,
    /// The copies the last build made, by site path.
    copies: FastMap<String, KnownCopy>,
    /// The output's folders as the last walk for strays found them (`folders.bin`).
    walked: output::strays::Folders,
    /// How long reading the state took.
    opened: std::time::Duration,
    /// When the state was read whole (every file, shard and artifact as it said): the
    /// fingerprints of its tables and copies, to tell whether this build changed them.
    restored: Option<(Fingerprint, Fingerprint)>,
}

impl Persisted {
    /// The tables the last build of the output `out` (as [`output::claim`] returned it) left,
    /// or empty ones; None when builds of this site do not go through the cache (see the
    /// module's doc) or `out` holds no build yet: a build into a new folder (CI's) renders
    /// everything anyway, faster without keys to take, and leaves no state it would not use.
    pub fn open(opts: &BuildOptions, out: &Path) -> Option<Self> {
        let started = std::time::Instant::now();
        let built_before = out.join(crate::manifest::FILE).is_file();
        let plain = opts.audit || !opts.cache || cfg!(not(unix)) || !built_before;
        if plain || templates_make_images(opts) {
            return None;
        }
        let mut persisted = Persisted {
            dir: cache_dir(&opts.root, out),
            out: out.to_path_buf(),
            memo: Incremental {
                one_shot: true,
                ..Incremental::default()
            },
            known: FastMap::default(),
            shards: vec![None; SHARDS],
            bodies: vec![None; SHARDS],
            search: None,
            ledger: None,
            ledger_text: None,
            pending: None,
            folders: Default::default(),
            copies: FastMap::default(),
            walked: FastMap::default(),
            opened: std::time::Duration::ZERO,
            restored: None,
        };
        // Read together: the state and the stamps of the files it names (~21,000 at 10k items)
        // on one core, the Markdown shards and the folders' walk on the other.
        let (state, (shards, walked)) = rayon::join(
            || persisted.read_state().map(|read| persisted.stamped(read)),
            || {
                rayon::join(
                    || read_shard_files(&persisted.dir),
                    || persisted.read_walked(),
                )
            },
        );
        if let Some(state) = state {
            persisted.restore(state, shards);
        }
        persisted.walked = walked.unwrap_or_default();
        persisted.opened = started.elapsed();
        Some(persisted)
    }

    /// The tables' shape: (pages, Markdown entries, files known), for tests and timings.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.memo.pages.len(),
            self.memo.markdown.len(),
            self.known.len(),
        )
    }

    /// Builds through the tables into `staging` (the output of [`Persisted::open`]), writes
    /// the rest of the output, and saves the tables for the next build.
    pub fn build(
        mut self,
        opts: &BuildOptions,
        mut staging: Staging,
    ) -> std::result::Result<Built, Failure> {
        let folders = std::mem::take(&mut self.folders);
        let kept = staging.know(std::mem::take(&mut self.known), folders);
        let copied = staging.know_copies(std::mem::take(&mut self.copies));
        let walked = staging.know_folders(self.walked.clone());
        // A build killed while it changes the output must leave no state (the next build
        // then renders everything): it goes right before the first change.
        let output_changed = staging.before_change(self.dir.join(STATE));
        let mut built = self.memo.rebuild_to(opts, Some(&staging))?;
        built.incremental = Some(self.memo.stats());
        built.timings.insert(0, ("read state", self.opened));
        let mut built = crate::write(opts, staging, built)?;
        let saving = std::time::Instant::now();
        let copied = std::mem::take(&mut *copied.lock().unwrap_or_else(PoisonError::into_inner));
        let kept = std::mem::take(&mut *kept.lock().unwrap_or_else(PoisonError::into_inner));
        let same = !output_changed.load(std::sync::atomic::Ordering::SeqCst)
            && self.restored == Some((self.tables_key(), copies_key(copied.iter())));
        // Unless the state on disk describes this output and these tables: nothing to save.
        if !same {
            if let Err(e) = self.save(&built, copied, &kept) {
                eprintln!(
                    "note: the incremental build state could not be saved in {} ({e}); the next build renders everything",
                    self.dir.display()
                );
            }
        }
        let walked = std::mem::take(&mut *walked.lock().unwrap_or_else(PoisonError::into_inner));
        if walked != self.walked {
            // Lost, it only costs the next build reading the folders.
            let _ = self.save_walked(walked);
        }
        built.timings.push(("save state", saving.elapsed()));
        // Freeing the tables of a large site (every item, page and rendered body) took ~3% of
        // a 10k-item rebuild: nothing waits for it.
        // (Without a thread to spare, the refused closure drops them here.)
        let memo = std::mem::take(&mut self.memo);
        let _ = std::thread::Builder::new().spawn(move || drop(memo));
        Ok(built)
    }

    /// `state.bin`, if it is there, readable, and describes this output as this pressroom
    /// writes it.
    fn read_state(&self) -> Option<State> {
        let bytes = std::fs::read(self.dir.join(STATE)).ok()?;
        let state: State = bincode::deserialize(&bytes).ok()?;
        let ours = state.format == FORMAT
            && state.tool == tool()
            && state.output == self.out.to_string_lossy()
            && state.shards.len() == SHARDS
            && state.bodies.len() == SHARDS;
        ours.then_some(state)
    }

    /// The state with the stamps, as they are now, of the files it names.
    fn stamped(&self, state: State) -> Stamped {
        let paths = state.files.par_iter().map(|(path, ..)| path);
        let now = output::stamps_in(&self.out, &self.folders, paths);
        (state, now)
    }

    /// `folders.bin`, if it is there, readable, and describes this output.
    fn read_walked(&self) -> Option<output::strays::Folders> {
        let bytes = std::fs::read(self.dir.join(WALKED)).ok()?;
        let file: WalkedFile = bincode::deserialize(&bytes).ok()?;
        let ours = file.format == FORMAT
            && file.tool == tool()
            && file.output == self.out.to_string_lossy();
        ours.then_some(file.folders)
    }

    /// Writes `folders.bin`.
    fn save_walked(&self, folders: output::strays::Folders) -> std::result::Result<(), Error> {
        let file = WalkedFile {
            format: FORMAT,
            tool: tool(),
            output: self.out.to_string_lossy().into_owned(),
            folders,
        };
        let bytes = bincode::serialize(&file).map_err(|e| Error::Other(e.to_string()))?;
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io("cannot create", &self.dir, e))?;
        write_atomically(&self.dir.join(WALKED), &bytes)
    }

    /// Puts the state's tables in place, keeping only what the output still holds as it was
    /// written.
    fn restore(&mut self, (state, now): Stamped, shard_files: Vec<Option<ShardFile>>) {
        let recorded = state.files.len();
        let copies = copies_key(state.copies.iter().map(|c| &c.copied));
        let valid: FastMap<String, (FileStamp, Entry)> = (state.files.into_iter())
            .filter(|(path, stamp, _)| now.get(path) == Some(stamp))
            .map(|(path, stamp, entry)| (path, (stamp, entry)))
            .collect();
        let memo = &mut self.memo;
        memo.config_key = state.config_key;
        memo.section_keys = state.section_keys;
        memo.body_hashes = state.body_hashes.into_iter().collect();
        memo.last = state.last;
        memo.search_keys = state.search_keys;
        (memo.related_key, memo.related) = state.related.unzip();
        memo.record_key = state.record;
        memo.search_saved = state.search.map(|key| SavedSearch {
            path: self.dir.join(SEARCH),
            key,
        });
        self.search = state.search;
        self.ledger = state.ledger;
        memo.ledger_saved = state.ledger.map(|keys| Saved {
            path: self.dir.join(LEDGER),
            keys,
        });
        self.ledger_text = state.ledger_text;
        memo.ledger_text_saved = state.ledger_text.map(|keys| Saved {
            path: self.dir.join(LEDGER_TEXT),
            keys,
        });
        self.pending = state.pending;
        memo.pending_file_saved = state.pending.map(|keys| Saved {
            path: self.out.join(crate::publish::PENDING),
            keys,
        });
        memo.pending_file_kept = state.pending.zip(state.pending_stamp);
        self.copies = (state.copies.into_iter())
            .map(|c| (c.copied.path.clone(), c))
            .collect();
        memo.pages = (state.pages.into_iter())
            .filter(|(path, _)| valid.contains_key(&site_key(path)))
            .map(|(path, key)| (path, KeptPage { key, bytes: None }))
            .collect();
        // Artifacts are kept whole or not at all (the incremental layer renders all of them
        // again when it has none).
        let whole = (state.others.iter())
            .all(|(_, files)| files.iter().all(|f| valid.contains_key(&site_key(f))));
        let every_file = whole && valid.len() == recorded;
        if whole {
            memo.others = (state.others.into_iter())
                .map(|(a, files)| (a, files.into_iter().map(|f| (f, None)).collect()))
                .collect();
        }
        let shards = self.read_shards(&state.shards, shard_files);
        for (n, entries) in shards.into_iter().enumerate() {
            // A shard's entries stand with the bodies kept beside them, or not at all.
            match (entries, state.bodies[n]) {
                (Some(entries), Some(bodies)) => {
                    self.memo.markdown.extend(entries);
                    self.bodies[n] = Some(bodies);
                }
                _ => self.shards[n] = None,
            }
        }
        self.memo.bodies = Some(super::bodies::Bodies::new(&self.dir, self.bodies.clone()));
        self.memo.output_whole = every_file;
        self.known = valid;
        if every_file && self.shards.iter().all(Option::is_some) {
            self.restored = Some((self.tables_key(), copies));
        }
    }

    /// The fingerprint of the ledger text this build parsed, else of the one the last saved.
    fn ledger_text_key(&self) -> Option<Fingerprint> {
        let parsed = self.memo.ledger_file.as_ref().map(|(text, _)| *text);
        parsed.or(self.ledger.map(|(text, _)| text))
    }

    /// The fingerprint of the next ledger this build wrote, else of the one the last saved.
    fn next_ledger_key(&self) -> Option<Fingerprint> {
        let written = self.memo.ledger_text.as_ref().map(|(key, _)| *key);
        written.or(self.ledger_text.map(|(key, _)| key))
    }

    /// The keys of the pending ledger file this build left, else of the one the last left.
    fn pending_key(&self) -> Option<(Fingerprint, Fingerprint)> {
        let made = self.memo.pending_file.as_ref().map(|(keys, _)| *keys);
        made.or(self.pending)
    }

    /// A fingerprint of every table the state saves but the files' stamps (which an output
    /// left as it was keeps) and the copies (see [`copies_key`]). Unchanged by a build that
    /// changed no output, the state on disk still describes the output and need not be
    /// written again; a Markdown entry or search document made again changes it (through the
    /// item keys, the shards' and search index's bytes being due for saving).
    fn tables_key(&self) -> Fingerprint {
        let memo = &self.memo;
        let mut key = fingerprint::Fingerprinter::default();
        // The large tables are hash maps: fingerprinted entry by entry, in no order.
        let others = (memo.others.iter()).map(|(a, files)| {
            (
                *a,
                fingerprint::of_unordered(files.keys().collect::<Vec<_>>()),
            )
        });
        key.value(&memo.config_key)
            .value(&memo.section_keys)
            .fingerprint(fingerprint::of_unordered(&memo.body_hashes))
            .value(&memo.last)
            .fingerprint(fingerprint::of_unordered(
                (memo.pages.par_iter()).map(|(p, k)| (p, k.key)),
            ))
            .fingerprint(fingerprint::of_unordered(others.collect::<Vec<_>>()))
            .fingerprint(ordered_keys(&memo.search_keys))
            .value(&self.shards)
            .value(&self.bodies)
            .value(&self.search)
            .value(&(memo.markdown_changed.len(), memo.search.is_empty()))
            .value(&self.ledger_text_key())
            .value(&self.next_ledger_key())
            .value(&self.pending_key())
            .value(&memo.record_key)
            .value(&memo.related_key);
        key.finish()
    }

    /// Each Markdown shard whose bytes are those `state.bin` recorded, parsed.
    fn read_shards(
        &mut self,
        recorded: &[Option<Fingerprint>],
        files: Vec<Option<ShardFile>>,
    ) -> Vec<Option<ShardEntries>> {
        let read: Vec<Option<ShardEntries>> = (files.into_iter().enumerate())
            .map(|(n, file)| {
                let want = recorded.get(n).copied().flatten()?;
                let (key, entries) = file?;
                (key == want).then_some(entries).flatten()
            })
            .collect();
        for (n, r) in read.iter().enumerate() {
            self.shards[n] = r.as_ref().and(recorded[n]);
        }
        read
    }

    /// Writes the tables: the Markdown shards that changed, then `state.bin`.
    /// `kept`: the stamps of the files this build kept as they were (the rest are stamped
    /// now).
    fn save(
        &mut self,
        built: &Built,
        copied: Vec<Copied>,
        kept: &FastMap<String, FileStamp>,
    ) -> std::result::Result<(), Error> {
        let manifest = built
            .manifest
            .as_ref()
            .ok_or_else(|| Error::Other("the build wrote no manifest".into()))?;
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io("cannot create", &self.dir, e))?;
        remove_temporaries(&self.dir);
        // Format 5 kept these as JSON (12 MB and 10 MB at 10k items; bincode reads faster).
        for legacy in ["state.json", "search.json"] {
            let _ = std::fs::remove_file(self.dir.join(legacy));
        }
        self.save_shards()?;
        self.save_search()?;
        self.save_ledger()?;
        self.save_ledger_text()?;
        let memo = &self.memo;
        let mut generated: Vec<String> = (memo.pages.keys())
            .chain(memo.others.values().flat_map(FastMap::keys))
            .map(|p| site_key(p))
            .collect();
        generated.sort_unstable();
        let written: Vec<&String> = generated
            .iter()
            .filter(|p| !kept.contains_key(*p))
            .collect();
        let stamps = output::stamps(&self.out, written);
        let files = (generated.into_iter())
            .filter_map(|p| {
                let stamp = *stamps.get(&p).or_else(|| kept.get(&p))?;
                let entry = manifest.files.get(&p)?.clone();
                Some((p, stamp, entry))
            })
            .collect();
        let state = State {
            format: FORMAT,
            tool: tool(),
            output: self.out.to_string_lossy().into_owned(),
            config_key: memo.config_key,
            section_keys: memo.section_keys.clone(),
            body_hashes: (memo.body_hashes.iter())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            last: memo.last.clone(),
            pages: sorted(memo.pages.iter().map(|(p, k)| (p.clone(), k.key))),
            others: sorted(
                (memo.others.iter()).map(|(a, files)| (*a, sorted(files.keys().cloned()))),
            ),
            search_keys: memo.search_keys.clone(),
            files,
            related: memo.related_key.zip(memo.related.clone()),
            shards: self.shards.clone(),
            bodies: self.bodies.clone(),
            search: self.search,
            copies: self.known_copies(copied, manifest),
            ledger: self.ledger,
            ledger_text: self.ledger_text,
            pending: self.pending_key(),
            pending_stamp: crate::stamp::stamp(&self.out.join(crate::publish::PENDING)),
            record: memo.record_key,
        };
        let bytes = bincode::serialize(&state).map_err(|e| Error::Other(e.to_string()))?;
        write_atomically(&self.dir.join(STATE), &bytes)
    }

    /// Each copy of this build with its output file's stamp, now the output is in place.
    fn known_copies(
        &self,
        copied: Vec<Copied>,
        manifest: &crate::manifest::Manifest,
    ) -> Vec<KnownCopy> {
        let stamps = output::stamps(&self.out, copied.par_iter().map(|c| &c.path));
        let mut copies: Vec<KnownCopy> = (copied.into_iter())
            .filter_map(|copied| {
                let out_stamp = *stamps.get(&copied.path)?;
                let entry = manifest.files.get(&copied.path)?.clone();
                Some(KnownCopy {
                    copied,
                    out_stamp,
                    entry,
                })
            })
            .collect();
        copies.sort_by(|a, b| a.copied.path.cmp(&b.copied.path));
        copies
    }

    /// Writes `search.bin` when this build updated the index (else the last one stands).
    fn save_search(&mut self) -> std::result::Result<(), Error> {
        if self.memo.search.is_empty() {
            return Ok(());
        }
        let bytes = bincode::serialize(&self.memo.search.save())
            .map_err(|e| Error::Other(e.to_string()))?;
        write_atomically(&self.dir.join(SEARCH), &bytes)?;
        self.search = Some(fingerprint::of_bytes(&bytes));
        Ok(())
    }

    /// Writes `ledger.json` when this build parsed another `published.lock` text.
    fn save_ledger(&mut self) -> std::result::Result<(), Error> {
        let Some((text, ledger)) = &self.memo.ledger_file else {
            return Ok(());
        };
        if self.ledger.is_some_and(|(saved, _)| saved == *text) {
            return Ok(());
        }
        let json = serde_json::to_vec(&**ledger).map_err(|e| Error::Other(e.to_string()))?;
        write_atomically(&self.dir.join(LEDGER), &json)?;
        self.ledger = Some((*text, fingerprint::of_bytes(&json)));
        Ok(())
    }

    /// Writes `ledger.toml` when this build wrote the text of another ledger.
    fn save_ledger_text(&mut self) -> std::result::Result<(), Error> {
        let Some((key, text)) = &self.memo.ledger_text else {
            return Ok(());
        };
        if self.ledger_text.is_some_and(|(saved, _)| saved == *key) {
            return Ok(());
        }
        write_atomically(&self.dir.join(LEDGER_TEXT), text.as_bytes())?;
        self.ledger_text = Some((*key, fingerprint::of_bytes(text.as_bytes())));
        Ok(())
    }

    /// Writes each shard holding an item whose Markdown changed (or never written), with its
    /// bodies.
    fn save_shards(&mut self) -> std::result::Result<(), Error> {
        let mut changed: FastSet<usize> = (self.memo.markdown_changed.iter())
            .map(|rel| shard_of(rel))
            .chain((0..SHARDS).filter(|&n| self.shards[n].is_none()))
            .collect();
        // The bodies left in the state for the items of a shard about to be written are read
        // back first; a shard whose bodies cannot all be found is not written (the next build
        // renders its items again).
        for n in self.memo.bodies_for_save(&changed) {
            changed.remove(&n);
            (self.shards[n], self.bodies[n]) = (None, None);
        }
        self.fill_placeholders(&changed);
        let mut by_shard: Vec<Vec<(&String, &mut MarkdownEntry)>> =
            (0..SHARDS).map(|_| Vec::new()).collect();
        for (rel, entry) in self.memo.markdown.iter_mut() {
            let n = shard_of(rel);
            if changed.contains(&n) {
                by_shard[n].push((rel, entry));
            }
        }
        let dir = &self.dir;
        let written: Vec<(usize, Fingerprint, Fingerprint)> = (by_shard.into_par_iter())
            .enumerate()
            .filter(|(n, _)| changed.contains(n))
            .map(|(n, entries)| write_shard(dir, n, entries))
            .collect::<std::result::Result<_, Error>>()?;
        for (n, key, bodies) in written {
            (self.shards[n], self.bodies[n]) = (Some(key), Some(bodies));
        }
        Ok(())
    }
}

/// Writes shard `n` of the Markdown table (`entries`) and its bodies file; gives their
/// fingerprints. Each entry's body is taken out of it (the table is not read again).
fn write_shard(
    dir: &Path,
    n: usize,
    mut entries: Vec<(&String, &mut MarkdownEntry)>,
) -> std::result::Result<(usize, Fingerprint, Fingerprint), Error> {
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let htmls: Vec<String> = (entries.iter_mut())
        .map(|(_, entry)| std::mem::take(&mut entry.1.html))
        .collect();
    let light = (entries.iter())
        .map(|(file, (key, rendered, diags))| {
            Ok(ShardEntry {
                file: file.as_str(),
                key: *key,
                rendered,
                diagnostics: serde_json::to_string(diags)?,
            })
        })
        .collect::<serde_json::Result<Vec<_>>>()
        .map_err(|e| Error::Other(e.to_string()))?;
    let bytes = bincode::serialize(&light).map_err(|e| Error::Other(e.to_string()))?;
    write_atomically(&shard_path(dir, n), &bytes)?;
    let bodies: Vec<(&str, Fingerprint, &str)> = (entries.iter().zip(&htmls))
        .map(|((file, entry), html)| (file.as_str(), entry.0, html.as_str()))
        .collect();
    let bodies = super::bodies::write(dir, n, &bodies)?;
    Ok((n, fingerprint::of_bytes(&bytes), bodies))
}

impl Persisted {
    /// Puts back into the Markdown table, for the shards `changed`, the rendered Markdown a
    /// one-shot build moved into the site's items: each entry's from the item whose key it is.
    fn fill_placeholders(&mut self, changed: &FastSet<usize>) {
        let memo = &mut self.memo;
        let (Some(site), Some(last)) = (&memo.site, &memo.last) else {
            return;
        };
        for (item, key) in site.items.iter().zip(&last.keys) {
            if !changed.contains(&shard_of(&item.src.rel)) {
                continue;
            }
            if let Some(entry) = memo.markdown.get_mut(&item.src.rel) {
                if entry.0 == *key {
                    entry.1 = item.rendered.clone();
                }
            }
        }
    }
}

/// Removes the state the last build of the output `out` left: a build that does not go
/// through it changes the output without it.
pub fn forget(root: &Path, out: &Path) {
    let _ = std::fs::remove_file(cache_dir(root, out).join(STATE));
}

/// A fingerprint of a build's copies: which file each output path was copied from, and the
/// source's stamp then.
fn copies_key<'c>(copies: impl Iterator<Item = &'c Copied>) -> Fingerprint {
    let mut copies: Vec<&Copied> = copies.collect();
    copies.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    fingerprint::of(&copies)
}

/// The fingerprint of a list of (path, key) pairs, in its order: framed as
/// [`fingerprint::Fingerprinter::value`] would not be (a key as 16 bytes, not 39 digits of
/// JSON), for the search's ~10,000 document keys.
fn ordered_keys(list: &[(String, Fingerprint)]) -> Fingerprint {
    let mut key = fingerprint::Fingerprinter::default();
    key.u64(list.len() as u64);
    for (path, k) in list {
        key.str(path).fingerprint(*k);
    }
    key.finish()
}

/// The items in order.
fn sorted<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = items.collect();
    v.sort_unstable();
    v
}

/// A shard's entries: (item file, Markdown entry).
type ShardEntries = Vec<(String, MarkdownEntry)>;

/// A shard's entry as written (borrowing the tables) and read. The diagnostics go as JSON
/// (nearly always `[]`): bincode cannot read back a field its writer skipped, and a
/// diagnostic without help skips it in JSON (`--format json`).
#[derive(Serialize, Deserialize)]
struct ShardEntry<F, R> {
    file: F,
    key: Fingerprint,
    rendered: R,
    diagnostics: String,
}

/// `.pressroom/cache/build/KEY/` of the site at `root`, KEY naming the output folder.
fn cache_dir(root: &Path, out: &Path) -> PathBuf {
    let key = fingerprint::of_text(&out.to_string_lossy());
    root.join(".pressroom/cache/build")
        .join(format!("{:016x}", key.0 as u64))
}

/// A Markdown shard's file as read: (fingerprint of its bytes, its entries if they parse).
type ShardFile = (Fingerprint, Option<ShardEntries>);

/// Every Markdown shard's file that is there, with its fingerprint, parsed: what
/// `state.bin` recorded decides after which of them are this state's. They are parsed before
/// that is known, beside `state.bin`'s parse, as the core doing it would otherwise wait:
/// bytes that are not a shard fail to parse (bincode checks each length against the bytes
/// left, and serde preallocates no more than a bounded amount for a sequence), and a shard
/// whose fingerprint is not the recorded one is dropped however it parsed.
fn read_shard_files(dir: &Path) -> Vec<Option<ShardFile>> {
    (0..SHARDS)
        .into_par_iter()
        .map(|n| {
            let bytes = std::fs::read(shard_path(dir, n)).ok()?;
            Some((fingerprint::of_bytes(&bytes), parse_shard(&bytes)))
        })
        .collect()
}

/// A shard's entries, if its bytes are one.
fn parse_shard(bytes: &[u8]) -> Option<ShardEntries> {
    let entries: Vec<ShardEntry<String, Rendered>> = bincode::deserialize(bytes).ok()?;
    (entries.into_iter())
        .map(|e| {
            let diags = serde_json::from_str(&e.diagnostics).ok()?;
            Some((e.file, (e.key, e.rendered, diags)))
        })
        .collect()
}

fn shard_path(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("markdown-{n:02}.bin"))
}

/// The shard of an item file: spread by its name, the same in every process.
pub(super) fn shard_of(rel: &str) -> usize {
    (fingerprint::of_text(rel).0 % SHARDS as u128) as usize
}

/// The manifest's key for an output path: always with a leading `/`.
fn site_key(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

/// Which pressroom wrote the state: its version and its executable's size and time, so a
/// rebuilt pressroom (whose rendering may differ) starts from nothing.
fn tool() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok());
    let (len, time) = exe.map_or((0, 0), |m| {
        let time = m.modified().ok().and_then(|t| {
            t.duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_nanos())
        });
        (m.len(), time.unwrap_or(0))
    });
    format!(
        "pressroom {} fingerprints {}.{} exe {len} {time}",
        env!("CARGO_PKG_VERSION"),
        fingerprint::VERSION,
        fingerprint::VALUES
    )
}

/// Whether the site's or the theme's templates call `resize_image` or `image_meta` (see
/// the module's doc).
fn templates_make_images(opts: &BuildOptions) -> bool {
    let config = crate::config::Config::load(&opts.root, opts.base_url.as_deref()).ok();
    let theme = config.map_or_else(|| "default".to_string(), |c| c.theme);
    let dirs = [
        opts.root.join("templates"),
        opts.root.join("themes").join(theme).join("templates"),
    ];
    dirs.iter().any(|dir| {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .any(|e| {
                std::fs::read_to_string(e.path())
                    .is_ok_and(|t| t.contains("resize_image") || t.contains("image_meta"))
            })
    })
}

/// Removes what killed builds left half-written in `dir` (this build holds the output's
/// lock, so no other build is writing there), and the shards of an older format.
fn remove_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        // Shards as format 2 wrote them (JSON), never read again.
        let old_shard = name.starts_with("markdown-") && name.ends_with(".json");
        if name.contains(".tmp-") || old_shard {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes `bytes` to `path` through a temporary file renamed over it: whole or not at all.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::result::Result<(), Error> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io("cannot write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io("cannot write", path, e))
}
