//! What the last build left in the output, as the persistent incremental layer recorded it
//! (`crate::incremental::persist`): each generated file's [`FileStamp`] and manifest entry.
//! A file whose stamp is still the recorded one holds the bytes that build wrote, so the
//! next build may keep it without rendering it again ([`super::Staging::keep`]).
//!
//! The stamp is the file's [`FileStamp`] (see [`crate::stamp`]); only a regular file with one
//! name counts, as for [`super::reuse`].

use serde::{Deserialize, Serialize};
use std::path::Path;

pub use crate::stamp::{FileStamp, source_stamp, stamp};

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
pub struct Folders(std::sync::Mutex<crate::fast_map::FastMap<String, bool>>);

impl Folders {
    /// Whether every folder from `out` down to the file `rel` is a real folder.
    pub fn real(&self, out: &Path, rel: &Path) -> bool {
        let parent = rel.parent().unwrap_or(Path::new(""));
        self.real_folder(out, &parent.to_string_lossy())
    }

    /// Whether `dir` (a folder's path from `out`, `/`-separated) and every folder above it
    /// are real folders. Remembered for the whole path: a rebuild asks it of every page it
    /// keeps, ~14,000 at 10k items, and one lookup per page is all a warm answer costs.
    fn real_folder(&self, out: &Path, dir: &str) -> bool {
        if dir.is_empty() {
            return true;
        }
        if let Some(&real) = self.seen().get(dir) {
            return real;
        }
        let above = dir.rsplit_once('/').map_or("", |(above, _)| above);
        let real = self.real_folder(out, above)
            && std::fs::symlink_metadata(out.join(dir)).is_ok_and(|m| m.is_dir());
        self.seen().insert(dir.to_string(), real);
        real
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, crate::fast_map::FastMap<String, bool>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
