//! The stamp index: what the image stage learnt about each original (its content fingerprint,
//! header and embedded credits), keyed by the file's stamp on disk, so a rebuild with
//! unchanged photos reads none of them. Without it every build read and hashed every
//! original (720 MB for 200 camera photos) only to find its derived files in the cache.
//!
//! A stamp is the file's length, modification time and, on Unix, its inode and change time
//! (both in nanoseconds). An editor, `cp`, `git checkout` or an unpacked archive changes at
//! least one of them, so the file is read and hashed again; the change time cannot be set
//! from user space, so even an edit that restores the old modification time (`touch -r`,
//! `rsync -t`) is seen. What is not seen: bytes changed without the file system noticing
//! (a disk edited under the operating system, a clock moved back on a file system without
//! change times), and a second same-length write within the same tick of the kernel's coarse
//! clock (a few milliseconds) as the write before it, when a build took the stamp between
//! the two (the change time is that tick's both times). Deleting `.pressroom/cache/` then
//! forces a full re-read.
//!
//! The index is one JSON file beside the derived files, with a version: a missing, damaged or
//! older index is ignored (every original is read again, and the index written anew). It is
//! written through a temporary file and a rename, so a killed build never leaves half of one.

use super::derive::Header;
use crate::fingerprint::Fingerprint;
use crate::model::picture::ImageMeta;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The index's file name in the cache folder.
pub(super) const FILE: &str = "stamps.json";

/// Bump when what an entry holds changes meaning (a new header field, another hash).
const VERSION: u32 = 1;

/// A file's identity on disk (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    len: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file whose metadata was just read.
    pub(super) fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
            Stamp {
                len: meta.len(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            Stamp {
                len: meta.len(),
                mtime_ns,
                ctime_ns: 0,
                inode: 0,
            }
        }
    }
}

/// What reading an original taught: enough to plan and name its derived files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Known {
    /// The fingerprint of its bytes (the cache key's part).
    pub(super) content: Fingerprint,
    /// Its size and format.
    pub(super) header: Header,
    /// Its embedded caption, credit, copyright and licence.
    pub(super) meta: ImageMeta,
}

/// One original in the index file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// The content fingerprint in hex (JSON numbers stop at 64 bits in many readers).
    content: String,
    width: u32,
    height: u32,
    format: String,
    meta: ImageMeta,
}

/// The index of one build: what the last build wrote, and what this one learnt (from the
/// file or by reading), which is what [`Stamps::save`] writes.
pub(super) struct Stamps {
    root: PathBuf,
    file: PathBuf,
    old: BTreeMap<String, Entry>,
    now: Mutex<BTreeMap<String, Entry>>,
}

impl Stamps {
    /// The index of the cache folder `dir` of the site at `root`; empty when it is missing,
    /// unreadable, damaged or of another version.
    pub(super) fn load(root: &Path, dir: &Path) -> Stamps {
        let file = dir.join(FILE);
        let old = crate::stamp::load_index(&file, VERSION);
        Stamps {
            root: root.to_path_buf(),
            file,
            old,
            now: Mutex::new(BTreeMap::new()),
        }
    }

    /// What the index knows of `path` if its stamp is still `stamp`.
    pub(super) fn lookup(&self, path: &Path, stamp: Stamp) -> Option<Known> {
        let name = self.name(path);
        let entry = self.old.get(&name).filter(|e| e.stamp == stamp)?;
        let known = known(entry)?;
        self.remember(name, entry.clone());
        Some(known)
    }

    /// Records what reading `path` (at `stamp`, taken before it was read) taught.
    pub(super) fn record(&self, path: &Path, stamp: Stamp, known: &Known) {
        let entry = Entry {
            stamp,
            content: format!("{:032x}", known.content.0),
            width: known.header.width,
            height: known.header.height,
            format: known.header.format.to_string(),
            meta: known.meta.clone(),
        };
        self.remember(self.name(path), entry);
    }

    /// Writes the originals this build used, unless that is what the file already says.
    /// Entries of originals no longer used are dropped with it.
    pub(super) fn save(&self) -> Result<(), String> {
        let files = std::mem::take(&mut *self.now.lock().unwrap_or_else(PoisonError::into_inner));
        if files == self.old {
            return Ok(());
        }
        crate::stamp::save_index(&self.file, VERSION, files)
    }

    fn remember(&self, name: String, entry: Entry) {
        self.now
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name, entry);
    }

    fn name(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }
}

/// An entry read back; None when a field is not what this version writes (treated as
/// unknown: the original is read again).
fn known(entry: &Entry) -> Option<Known> {
    let content = u128::from_str_radix(&entry.content, 16).ok()?;
    let format = match entry.format.as_str() {
        "jpeg" => "jpeg",
        "png" => "png",
        "webp" => "webp",
        _ => return None,
    };
    if entry.width == 0 || entry.height == 0 {
        return None;
    }
    Some(Known {
        content: Fingerprint(content),
        header: Header {
            width: entry.width,
            height: entry.height,
            png: format == "png",
            format,
        },
        meta: entry.meta.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Known {
        Known {
            content: Fingerprint(0x0123_4567_89ab_cdef_0011_2233_4455_6677),
            header: Header {
                width: 4000,
                height: 3000,
                png: false,
                format: "jpeg",
            },
            meta: ImageMeta {
                credit: Some("Ola Nordmann".into()),
                ..ImageMeta::default()
            },
        }
    }

    #[test]
    fn an_entry_is_found_again_only_under_the_same_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("content/a.jpg");
        let stamp = Stamp {
            len: 10,
            mtime_ns: 5,
            ctime_ns: 6,
            inode: 7,
        };
        let stamps = Stamps::load(dir.path(), &dir.path().join("cache"));
        stamps.record(&photo, stamp, &sample());
        stamps.save().unwrap();
        let again = Stamps::load(dir.path(), &dir.path().join("cache"));
        assert_eq!(again.lookup(&photo, stamp), Some(sample()));
        for other in [
            Stamp { len: 11, ..stamp },
            Stamp {
                mtime_ns: 9,
                ..stamp
            },
            Stamp {
                ctime_ns: 9,
                ..stamp
            },
            Stamp { inode: 9, ..stamp },
        ] {
            assert_eq!(again.lookup(&photo, other), None, "{other:?}");
        }
        // Kept under the site-relative path, so the JSON names no machine's folders.
        let text = std::fs::read_to_string(dir.path().join("cache").join(FILE)).unwrap();
        assert!(text.contains("\"content/a.jpg\""), "{text}");
    }

    #[test]
    fn a_damaged_or_older_index_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(&cache).unwrap();
        for text in [
            "{\"version\": 1, \"files\": {\"a.jpg\": {\"stamp\": ",
            "\u{0}\u{1}garbage",
            "{\"version\": 0, \"files\": {}}",
            "[]",
        ] {
            std::fs::write(cache.join(FILE), text).unwrap();
            let stamps = Stamps::load(dir.path(), &cache);
            assert!(stamps.old.is_empty(), "{text}");
        }
    }
}
