//! What a build into an existing output changes: every file it places is either kept (the
//! output's file has its bytes) or staged, and whatever else the output holds goes. The
//! result is a [`Journal`], committed and applied by [`super::Staging::finish`].

use super::journal::Journal;
use super::reuse::Previous;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An existing output being updated in place.
pub(super) struct InPlace {
    previous: Previous,
    /// Every file of the new output (relative paths), kept or staged.
    placed: Mutex<HashSet<PathBuf>>,
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
    /// the deletion of every file and folder of `out` that the new output does not have.
    pub(super) fn journal(self, dir: &Path, out: &Path) -> Journal {
        let placed = self
            .placed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let folders: HashSet<&Path> = placed
            .iter()
            .flat_map(|p| p.ancestors().skip(1))
            .filter(|a| !a.as_os_str().is_empty())
            .collect();
        let needed = Needed {
            placed: &placed,
            folders: &folders,
        };
        let mut delete = needed.strays(out, Path::new(""));
        delete.sort();
        let mut moves = self
            .moves
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        moves.sort_by(|a, b| a.1.cmp(&b.1));
        Journal {
            staging: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            delete,
            moves,
        }
    }
}

/// What the new output holds: its files, and the folders they are in.
struct Needed<'a> {
    placed: &'a HashSet<PathBuf>,
    folders: &'a HashSet<&'a Path>,
}

impl Needed<'_> {
    /// Every file and folder under `rel` in the output `out` that the new output does not
    /// have (a folder not needed is named alone, not its contents). Links are not followed.
    /// Folders are listed on every core: a 10k-item output has 13k of them, and listing them
    /// one after another took a tenth of a rebuild that changed nothing.
    fn strays(&self, out: &Path, rel: &Path) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(out.join(rel)) else {
            return Vec::new();
        };
        let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
        entries
            .par_iter()
            .flat_map_iter(|entry| {
                let child = rel.join(entry.file_name());
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                match (is_dir, is_dir && self.folders.contains(child.as_path())) {
                    (true, true) => self.strays(out, &child),
                    (false, _) if self.placed.contains(&child) => Vec::new(),
                    _ => vec![child.to_string_lossy().into_owned()],
                }
            })
            .collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
