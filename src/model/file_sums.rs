//! The media library's file sums: each file's size, SHA-256 (shown on its kit's page) and
//! CRC-32 (its entry in the kit's ZIP), kept in `.pressroom/cache/sums.json` by the file's
//! [stamp](crate::stamp). A build with unchanged kit files reads none of them: a library of
//! b-roll videos cost seconds of hashing on every build, edit or preview before.
//!
//! A file whose stamp differs from the recorded one (edited, replaced, checked out, copied)
//! is read again. The stamp is taken before the file is read, so a file changed while it was
//! being read is read again by the next build. A missing, damaged or older index only costs a
//! re-read; the index is written through a temporary file and a rename, and only when it
//! changed, by the image stage of a build (`check` writes nothing). What is not seen is what
//! the stamp cannot see (see [`crate::stamp`]): bytes changed under the file system's back;
//! deleting `.pressroom/cache/` then makes every sum anew.

use crate::stamp::{FileStamp, source_stamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The index, from the site root.
pub const FILE: &str = ".pressroom/cache/sums.json";

/// Bump when an entry changes meaning.
const VERSION: u32 = 1;

/// A file's size, SHA-256 (lowercase hex) and CRC-32.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    /// In bytes.
    pub size: u64,
    /// Lowercase hex.
    pub sha256: String,
    /// As a ZIP entry records it.
    pub crc32: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    stamp: FileStamp,
    sums: Sums,
}

/// The index as the last build left it, and what this build used, which [`SumsCache::save`]
/// writes (entries of files no longer in the library are dropped with it).
#[derive(Debug)]
pub struct SumsCache {
    root: PathBuf,
    old: BTreeMap<String, Entry>,
    now: Mutex<BTreeMap<String, Entry>>,
    /// How many files this build read and hashed.
    read: Mutex<u64>,
}

impl SumsCache {
    /// The index of the site at `root`; empty when missing, damaged or of another version.
    pub fn load(root: &Path) -> SumsCache {
        let old = crate::stamp::load_index(&root.join(FILE), VERSION);
        SumsCache {
            root: root.to_path_buf(),
            old,
            now: Mutex::new(BTreeMap::new()),
            read: Mutex::new(0),
        }
    }

    /// The sums of `path`: from the index while its stamp holds, else read.
    pub fn sums(&self, path: &Path) -> Result<Sums, String> {
        self.stamped(path).map(|(sums, _)| sums)
    }

    /// [`SumsCache::sums`], with the stamp they belong to (taken before the file was read):
    /// while the file has that stamp it holds the bytes they describe. None where no stamp
    /// is trusted.
    pub fn stamped(&self, path: &Path) -> Result<(Sums, Option<FileStamp>), String> {
        let name = path
            .strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let stamp = source_stamp(path);
        if let Some(entry) = (self.old.get(&name)).filter(|e| stamp == Some(e.stamp)) {
            let sums = entry.sums.clone();
            lock(&self.now).insert(name, entry.clone());
            return Ok((sums, stamp));
        }
        let sums = read(path)?;
        *lock(&self.read) += 1;
        if let Some(stamp) = stamp {
            let entry = Entry {
                stamp,
                sums: sums.clone(),
            };
            lock(&self.now).insert(name, entry);
        }
        Ok((sums, stamp))
    }

    /// How many files were read and hashed (not taken from the index).
    pub fn files_read(&self) -> u64 {
        *lock(&self.read)
    }

    /// Writes the entries this build used, unless the file already says that.
    pub fn save(&self) -> Result<(), String> {
        let files = std::mem::take(&mut *lock(&self.now));
        if files == self.old {
            return Ok(());
        }
        crate::stamp::save_index(&self.root.join(FILE), VERSION, files)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A file's sums, read in blocks (videos can be large).
pub fn read(path: &Path) -> Result<Sums, String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut sha = Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        size += n as u64;
        sha.update(&buf[..n]);
        crc.update(&buf[..n]);
    }
    Ok(Sums {
        size,
        sha256: super::library::hex(&sha.finalize()),
        crc32: crc.finalize(),
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_sum_is_read_once_and_again_after_any_change() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("broll.mp4");
        std::fs::write(&file, "frames").unwrap();
        let first = SumsCache::load(dir.path());
        let sums = first.sums(&file).unwrap();
        assert_eq!((sums.size, first.files_read()), (6, 1));
        first.save().unwrap();
        let second = SumsCache::load(dir.path());
        assert_eq!(second.sums(&file).unwrap(), sums);
        assert_eq!(second.files_read(), 0, "unchanged: taken from the index");
        second.save().unwrap();
        // Same length, modification time set back: the change time still tells.
        crate::stamp::overwrite_keeping_mtime(&file, b"FRAMES");
        let third = SumsCache::load(dir.path());
        let changed = third.sums(&file).unwrap();
        assert_eq!(third.files_read(), 1);
        assert_ne!(changed.sha256, sums.sha256);
        assert_eq!(changed, read(&file).unwrap());
        // A damaged index is no index.
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        let fourth = SumsCache::load(dir.path());
        assert_eq!(fourth.sums(&file).unwrap(), changed);
        assert_eq!(fourth.files_read(), 1);
    }
}
