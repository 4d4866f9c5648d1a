//! What the last build left in the output, as the persistent incremental layer recorded it
//! (`crate::incremental::persist`): each generated file's [`FileStamp`] and manifest entry.
//! A file whose stamp is still the recorded one holds the bytes that build wrote, so the
//! next build may keep it without rendering it again ([`super::Staging::keep`]).
//!
//! The stamp is the file's device, inode, size, modification time and status-change time
//! (ctime). Writing a file, replacing it, moving another file over it or setting its times
//! back by hand all change the ctime, which no unprivileged process can set: a file edited
//! by anything but pressroom is rendered again. Only a regular file with one name counts, as
//! for [`super::reuse`].

use serde::{Deserialize, Serialize};
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

/// A static file or content asset a build copied into the output (or kept there): its site
/// path, its source, and the source's stamp taken before it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copied {
    /// The manifest's key (`/a/b.jpg`).
    pub path: String,
    /// The file it was copied from.
    pub source: std::path::PathBuf,
    /// The source's stamp, taken before it was read.
    pub source_stamp: FileStamp,
}

/// A copy as the last build left it: [`Copied`], with the output file's stamp and manifest
/// entry. While both stamps hold, the copy needs neither reading nor hashing again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownCopy {
    /// What was copied from where.
    pub copied: Copied,
    /// The output file's stamp once the build was in place.
    pub out_stamp: FileStamp,
    /// Its manifest entry.
    pub entry: crate::manifest::Entry,
}

/// Which folders under an output are real folders (not symbolic links), each looked at once:
/// a file reached through a planted link is not the file the build wrote.
#[derive(Default)]
pub struct Folders(std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, bool>>);

impl Folders {
    /// Whether every folder from `out` down to the file `rel` is a real folder.
    pub fn real(&self, out: &Path, rel: &Path) -> bool {
        let mut dir = std::path::PathBuf::new();
        for part in rel.parent().into_iter().flat_map(Path::components) {
            dir.push(part);
            let known = self.seen().get(&dir).copied();
            let real = known.unwrap_or_else(|| {
                let real = std::fs::symlink_metadata(out.join(&dir)).is_ok_and(|m| m.is_dir());
                self.seen().insert(dir.clone(), real);
                real
            });
            if !real {
                return false;
            }
        }
        true
    }

    fn seen(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<std::path::PathBuf, bool>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
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
        std::thread::sleep(std::time::Duration::from_millis(20));
        // Same length, times put back as they were: the ctime still moves.
        let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "two").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_ne!(stamp(&file), Some(first));
        // A second name: not a file a build wrote.
        std::fs::hard_link(&file, dir.path().join("b.html")).unwrap();
        assert_eq!(stamp(&file), None);
        // A link is never followed.
        std::os::unix::fs::symlink(dir.path().join("b.html"), dir.path().join("c.html")).unwrap();
        assert_eq!(stamp(&dir.path().join("c.html")), None);
    }
}
