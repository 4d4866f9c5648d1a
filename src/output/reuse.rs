//! Keeping the files a rebuild did not change. When a file the build writes has exactly the
//! bytes of the same file in the previous output, the file is left as it is: it keeps its
//! inode and modification time, so `rsync`, deploys and caches see only what really changed,
//! and the kernel does no work for it. Only the other files are staged and moved into place
//! (see [`super::journal`]).
//!
//! A previous file is reused only when it is what a build of pressroom left: a regular file
//! (not a symbolic link), reached through real folders only, with no other name (one link):
//! a file someone linked in from elsewhere, or planted behind a symbolic link, would otherwise
//! be carried into every later output and keep changing with its outside name.

use crate::fast_map::FastMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The previous output, as a source of unchanged files.
pub(super) struct Previous {
    out: PathBuf,
    /// Whether each folder under the output (relative path) is a real folder, as found.
    folders: Mutex<FastMap<PathBuf, bool>>,
}

impl Previous {
    /// The previous output at `out`, if there is one.
    pub(super) fn at(out: &Path) -> Option<Self> {
        let meta = std::fs::symlink_metadata(out).ok()?;
        meta.is_dir().then(|| Previous {
            out: out.to_path_buf(),
            folders: Mutex::default(),
        })
    }

    /// Whether the previous output's file at `rel` has the bytes `bytes` and may stay. Any
    /// doubt (an error, a link, another name) means no: the caller writes.
    pub(super) fn same_bytes(&self, rel: &Path, bytes: &[u8]) -> bool {
        let old = self.out.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&old) else {
            return false;
        };
        if !meta.is_file() || meta.nlink() != 1 || meta.len() != bytes.len() as u64 {
            return false;
        }
        if !self.real_folders(rel) {
            return false;
        }
        std::fs::read(&old).is_ok_and(|previous| previous == bytes)
    }

    /// Whether the previous output's file at `rel` has the bytes of the file `source` (a
    /// static file or content asset), compared in a stream so a large video is never held in
    /// memory, and may stay.
    pub(super) fn same_file(&self, rel: &Path, source: &Path) -> bool {
        let old = self.out.join(rel);
        let (Ok(meta), Ok(src)) = (std::fs::symlink_metadata(&old), std::fs::metadata(source))
        else {
            return false;
        };
        if !meta.is_file() || meta.nlink() != 1 || meta.len() != src.len() {
            return false;
        }
        self.real_folders(rel) && same_contents(&old, source).unwrap_or(false)
    }

    /// Whether every folder between the output and `rel` is a real folder (no symbolic link).
    fn real_folders(&self, rel: &Path) -> bool {
        let mut dir = PathBuf::new();
        for part in rel.parent().into_iter().flat_map(Path::components) {
            dir.push(part);
            let known = self
                .folders
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&dir)
                .copied();
            let real = match known {
                Some(real) => real,
                None => {
                    let real =
                        std::fs::symlink_metadata(self.out.join(&dir)).is_ok_and(|m| m.is_dir());
                    self.folders
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(dir.clone(), real);
                    real
                }
            };
            if !real {
                return false;
            }
        }
        true
    }
}

/// Whether two files of the same length have the same bytes, read side by side.
fn same_contents(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let (mut a, mut b) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    let (mut x, mut y) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = a.read(&mut x)?;
        if n == 0 {
            // Same length (checked by the caller): `b` must end here too.
            return Ok(b.read(&mut y[..1])? == 0);
        }
        b.read_exact(&mut y[..n])?;
        if x[..n] != y[..n] {
            return Ok(false);
        }
    }
}
