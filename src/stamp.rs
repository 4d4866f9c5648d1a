//! A file's stamp: its device, inode, size, modification time and status-change time
//! (ctime). Writing a file, replacing it, moving another file over it or setting its times
//! back by hand all change the ctime, which no unprivileged process can set, so a file whose
//! stamp is the one recorded holds the bytes it held then. The build state
//! ([`crate::output::known`]) and the media library's sums ([`crate::model::file_sums`])
//! trust what they recorded of a file only while its stamp holds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A file's identity and state: see the module's doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// The stamp of the regular file at `path` (never followed through a symbolic link), if it
/// is one with a single name.
#[cfg(unix)]
pub fn stamp(path: &Path) -> Option<FileStamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(path).ok()?;
    (m.is_file() && m.nlink() == 1).then(|| FileStamp::of(&m))
}

#[cfg(unix)]
impl FileStamp {
    fn of(m: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }
}

/// Elsewhere no stamp is trusted: every file is rendered and compared again.
#[cfg(not(unix))]
pub fn stamp(_path: &Path) -> Option<FileStamp> {
    None
}

/// The stamp of the real folder at `path` (never followed through a symbolic link), if it is
/// one. Adding, removing or renaming an entry of a folder changes its ctime, so while its
/// stamp holds, so do its entries: but only once the stamp is [settled](FileStamp::settled).
#[cfg(unix)]
pub fn folder_stamp(path: &Path) -> Option<FileStamp> {
    let m = std::fs::symlink_metadata(path).ok()?;
    m.is_dir().then(|| FileStamp::of(&m))
}

/// Elsewhere no stamp is trusted.
#[cfg(not(unix))]
pub fn folder_stamp(_path: &Path) -> Option<FileStamp> {
    None
}

impl FileStamp {
    /// Whether the last change the stamp shows (its ctime) came at least [`SETTLE_SECONDS`]
    /// before `now` (seconds since the epoch, taken before the stamp). A change made within
    /// the same tick of a coarse clock (a jiffy on Linux; 2 s on FAT) as the one the stamp
    /// shows may leave the same ctime; any change after a settled stamp was taken gives
    /// another one.
    pub fn settled(&self, now: i64) -> bool {
        self.ctime.0 < now - SETTLE_SECONDS
    }
}

/// How old a stamp's last change must be for the stamp to be [settled](FileStamp::settled).
pub const SETTLE_SECONDS: i64 = 3;

/// The stamp of a source file (a static file or an asset), following links and whatever its
/// number of names: what matters is whether its bytes may have changed.
#[cfg(unix)]
pub fn source_stamp(path: &Path) -> Option<FileStamp> {
    let m = std::fs::metadata(path).ok()?;
    m.is_file().then(|| FileStamp::of(&m))
}

/// Elsewhere no stamp is trusted.
#[cfg(not(unix))]
pub fn source_stamp(_path: &Path) -> Option<FileStamp> {
    None
}

/// The stamp of a file from its metadata (as [`source_stamp`] takes it, without asking the
/// file system again); None elsewhere than on Unix.
#[cfg(unix)]
pub fn of_metadata(m: &std::fs::Metadata) -> Option<FileStamp> {
    Some(FileStamp::of(m))
}

/// Elsewhere no stamp is trusted.
#[cfg(not(unix))]
pub fn of_metadata(_m: &std::fs::Metadata) -> Option<FileStamp> {
    None
}

/// An index of what was learnt from files, kept by their stamps (the image stage's photo
/// index, the media library's sums): a JSON file with a version, read back whole. A missing,
/// damaged or other-version file is an empty index: it only costs reading the files again.
#[derive(Serialize, Deserialize)]
struct IndexFile<E> {
    version: u32,
    /// By the file's path (from the site root when it is inside it).
    files: BTreeMap<String, E>,
}

/// The entries of the index file at `file`, if it is one of `version`.
pub fn load_index<E: serde::de::DeserializeOwned>(
    file: &Path,
    version: u32,
) -> BTreeMap<String, E> {
    std::fs::read(file)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<IndexFile<E>>(&bytes).ok())
        .filter(|index| index.version == version)
        .map(|index| index.files)
        .unwrap_or_default()
}

/// Writes `files` as the index at `file`, through a temporary file and a rename, so a killed
/// build never leaves half of one. Two builds of one site (serve and build) may save at once:
/// each writes its own temporary.
pub fn save_index<E: Serialize>(
    file: &Path,
    version: u32,
    files: BTreeMap<String, E>,
) -> Result<(), String> {
    let json = serde_json::to_vec(&IndexFile { version, files }).map_err(|e| e.to_string())?;
    let tmp = file.with_extension(format!(
        "tmp-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, &json))
        .and_then(|()| std::fs::rename(&tmp, file))
        .map_err(|e| format!("cannot write `{}`: {e}", file.display()))
}

/// Writes `bytes` over `path` and sets its modification time back to what it was, as a
/// careless or malicious edit might: only the change time tells (for tests of what trusts a
/// stamp).
#[cfg(all(test, unix))]
pub(crate) fn overwrite_keeping_mtime(path: &Path, bytes: &[u8]) {
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(path, bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_changes_with_any_edit_and_with_times_set_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.html");
        std::fs::write(&file, "one").unwrap();
        let first = stamp(&file).unwrap();
        assert_eq!(stamp(&file), Some(first), "nothing changed");
        // Same length, times put back as they were: the ctime still moves.
        overwrite_keeping_mtime(&file, b"two");
        assert_ne!(stamp(&file), Some(first));
        // A second name: not a file a build wrote.
        std::fs::hard_link(&file, dir.path().join("b.html")).unwrap();
        assert_eq!(stamp(&file), None);
        // A link is never followed.
        std::os::unix::fs::symlink(dir.path().join("b.html"), dir.path().join("c.html")).unwrap();
        assert_eq!(stamp(&dir.path().join("c.html")), None);
    }
}
