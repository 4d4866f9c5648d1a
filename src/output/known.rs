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
