//! What a build into an existing output changes: every file it places is either kept (the
//! output's file has its bytes) or staged, and whatever else the output holds goes. The
//! result is a [`Journal`], committed and applied by [`super::Staging::finish`].

use super::journal::Journal;
use super::reuse::Previous;
use super::strays;
use crate::fast_map::FastSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An existing output being updated in place.
pub(super) struct InPlace {
    previous: Previous,
    /// Every file of the new output (relative paths), kept or staged.
    placed: Mutex<FastSet<PathBuf>>,
    /// (staged file name, relative path) of every file to move into place.
    moves: Mutex<Vec<(String, String)>>,
    next: AtomicUsize,
}

impl InPlace {
    pub(super) fn new(previous: Previous) -> Self {
        InPlace {
            previous,
            placed: Mutex::default(),
            moves: Mutex::default(),
            next: AtomicUsize::new(0),
        }
    }

    /// Makes room for `files` more files of the new output at once: the set of placed files
    /// (keyed by paths, whose hash reads every component) otherwise grew by doubling, hashing
    /// each path again at every step (~30,000 path hashes of a 21,000-file rebuild).
    pub(super) fn reserve(&self, files: usize) {
        lock(&self.placed).reserve(files);
    }

    /// Records `rel` as a file of the new output; whether the output's file stays as it is
    /// (`same` says whether it has the new bytes).
    pub(super) fn keep(&self, rel: &Path, same: impl FnOnce(&Previous) -> bool) -> bool {
        lock(&self.placed).insert(rel.to_path_buf());
        same(&self.previous)
    }

    /// A new file in the staging folder `dir` for `rel`, to be moved into place.
    pub(super) fn stage(&self, dir: &Path, rel: PathBuf) -> PathBuf {
        let name = self.next.fetch_add(1, Ordering::Relaxed).to_string();
        let staged = dir.join(&name);
        lock(&self.moves).push((name, rel.to_string_lossy().into_owned()));
        staged
    }

    /// The change from the output `out` as it is to the new output: the staged moves, and
    /// the deletion of every file and folder of `out` that the new output does not have;
    /// with the output's folders as the walk found them (`before`: as the last one did).
    pub(super) fn journal(
        self,
        dir: &Path,
        out: &Path,
        before: &strays::Folders,
    ) -> (Journal, strays::Folders) {
        let placed = self
            .placed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A folder is most often the parent of one to three files.
        let mut folders: FastSet<&Path> = FastSet::default();
        folders.reserve(placed.len() / 2);
        folders.extend(
            (placed.iter())
                .flat_map(|p| p.ancestors().skip(1))
                .filter(|a| !a.as_os_str().is_empty()),
        );
        let found = strays::Needed::new(&placed, &folders).strays(out, before);
        let (mut delete, seen) = (found.strays, found.seen);
        delete.sort();
        let mut moves = self
            .moves
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        moves.sort_by(|a, b| a.1.cmp(&b.1));
        let journal = Journal {
            staging: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            delete,
            moves,
        };
        (journal, seen)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
