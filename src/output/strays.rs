//! What an output updated in place holds that the new output does not: every file and folder
//! the build did not place, found by walking the output's folders.
//!
//! A 10k-item output has ~14,000 folders, and reading each one's entries was the largest cost
//! of a rebuild that changed nothing (~9% of its CPU, nearly all of it the kernel's). So the
//! walk remembers, for each folder it read, the folder's [stamp](crate::stamp::folder_stamp)
//! and a fingerprint of its entries ([`Seen`]); the next walk reads a folder again only when
//! its stamp changed or its entries would not be exactly those the new output needs there.
//! Any entry added, removed or renamed changes a folder's stamp (its ctime, which no
//! unprivileged process can set back), and only a settled stamp is remembered (see
//! [`crate::stamp::FileStamp::settled`]), so a planted file is always found.

use crate::fast_map::{FastMap, FastSet};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::stamp::{FileStamp, folder_stamp};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A folder of the output as a walk read it: its stamp, taken before its entries were read,
/// and the fingerprint of those entries. While the stamp holds, the entries are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    stamp: FileStamp,
    entries: Fingerprint,
}

/// The folders a walk read, by path from the output (`""` for the output itself).
pub type Folders = FastMap<String, Seen>;

/// What the new output holds: its files, and the folders they are in.
pub(super) struct Needed<'a> {
    placed: &'a FastSet<std::path::PathBuf>,
    folders: &'a FastSet<&'a Path>,
    /// Each folder's needed entries (name, and whether it is a folder), sorted by name.
    children: FastMap<&'a Path, Vec<(&'a OsStr, bool)>>,
}

impl<'a> Needed<'a> {
    /// The new output: the files placed, and every folder they are in.
    pub(super) fn new(
        placed: &'a FastSet<std::path::PathBuf>,
        folders: &'a FastSet<&'a Path>,
    ) -> Self {
        let mut children: FastMap<&Path, Vec<(&OsStr, bool)>> = FastMap::default();
        let files = placed.iter().map(|p| (p.as_path(), false));
        for (path, is_dir) in files.chain(folders.iter().map(|f| (*f, true))) {
            if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
                children.entry(parent).or_default().push((name, is_dir));
            }
        }
        children
            .par_iter_mut()
            .for_each(|(_, c)| c.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes())));
        Needed {
            placed,
            folders,
            children,
        }
    }

    /// Every file and folder of the output `out` that the new output does not have (a folder
    /// not needed is named alone, not its contents), and the folders as this walk found them.
    /// `before`: what the last walk found.
    pub(super) fn strays(&self, out: &Path, before: &Folders) -> Found {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.strays_at(out, before, now)
    }

    /// [`Needed::strays`], with the clock at `now` (seconds since the epoch).
    fn strays_at(&self, out: &Path, before: &Folders, now: i64) -> Found {
        let walk = Walk {
            needed: self,
            out,
            before,
            now,
            seen: Mutex::default(),
            read: AtomicUsize::new(0),
        };
        let strays = walk.folder(Path::new(""));
        Found {
            strays,
            seen: walk.seen.into_inner().unwrap_or_else(|e| e.into_inner()),
            read: walk.read.into_inner(),
        }
    }

    /// The fingerprint of the entries the new output needs in the folder `rel`.
    fn expected(&self, rel: &Path) -> Fingerprint {
        let none = Vec::new();
        let children = self.children.get(rel).unwrap_or(&none);
        entries_key(children.iter().map(|&(name, is_dir)| (name, is_dir)))
    }
}

/// What a walk found.
pub(super) struct Found {
    /// The files and folders the new output does not have.
    pub strays: Vec<String>,
    /// The folders as the walk found them, for the next walk.
    pub seen: Folders,
    /// How many folders it read (what the tests look at: a build does not report it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub read: usize,
}

/// One walk of the output.
struct Walk<'w> {
    needed: &'w Needed<'w>,
    out: &'w Path,
    before: &'w Folders,
    /// Seconds since the epoch as the walk started (see [`FileStamp::settled`]).
    now: i64,
    seen: Mutex<Folders>,
    read: AtomicUsize,
}

impl Walk<'_> {
    /// The strays under the folder `rel`. Links are not followed. Folders are read on every
    /// core; one whose stamp and entries are those the last walk found is not read at all.
    fn folder(&self, rel: &Path) -> Vec<String> {
        let path = self.out.join(rel);
        let stamp = folder_stamp(&path);
        let key = rel.to_string_lossy();
        let last = self.before.get(key.as_ref());
        if let (Some(stamp), Some(last)) = (stamp, last) {
            if last.stamp == stamp && last.entries == self.needed.expected(rel) {
                self.remember(&key, *last);
                return self.subfolders(rel);
            }
        }
        let Ok(entries) = std::fs::read_dir(&path) else {
            return Vec::new();
        };
        self.read.fetch_add(1, Ordering::Relaxed);
        let entries: Vec<(std::ffi::OsString, bool)> = entries
            .flatten()
            .map(|e| (e.file_name(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        if let Some(stamp) = stamp.filter(|s| s.settled(self.now)) {
            let mut sorted: Vec<(&OsStr, bool)> =
                entries.iter().map(|(n, d)| (n.as_os_str(), *d)).collect();
            sorted.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let entries = entries_key(sorted.into_iter());
            self.remember(&key, Seen { stamp, entries });
        }
        entries
            .par_iter()
            .flat_map_iter(|(name, is_dir)| {
                let child = rel.join(name);
                let needed = self.needed;
                match (is_dir, *is_dir && needed.folders.contains(child.as_path())) {
                    (true, true) => self.folder(&child),
                    (false, _) if needed.placed.contains(&child) => Vec::new(),
                    _ => vec![child.to_string_lossy().into_owned()],
                }
            })
            .collect()
    }

    /// The strays under the needed folders in `rel`, whose own entries are all needed.
    fn subfolders(&self, rel: &Path) -> Vec<String> {
        let none = Vec::new();
        let children = self.needed.children.get(rel).unwrap_or(&none);
        children
            .par_iter()
            .filter(|(_, is_dir)| *is_dir)
            .flat_map_iter(|(name, _)| self.folder(&rel.join(name)))
            .collect()
    }

    fn remember(&self, rel: &str, seen: Seen) {
        let mut folders = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        folders.insert(rel.to_string(), seen);
    }
}

/// The fingerprint of a folder's entries, given sorted by name: each name and whether it is a
/// folder (a file replaced by a folder of the same name is another entry).
fn entries_key<'n>(entries: impl Iterator<Item = (&'n OsStr, bool)>) -> Fingerprint {
    let mut key = Fingerprinter::default();
    for (name, is_dir) in entries {
        key.bytes(name.as_bytes()).u64(u64::from(is_dir));
    }
    key.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Later than any stamp the test's folders get: every one is settled.
    const LATER: i64 = i64::MAX / 2;

    fn output(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tmp");
        for f in files {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, f).expect("write");
        }
        dir
    }

    fn walk(out: &Path, placed: &[&str], before: &Folders, now: i64) -> Found {
        let placed: FastSet<PathBuf> = placed.iter().map(PathBuf::from).collect();
        let folders: FastSet<&Path> = (placed.iter())
            .flat_map(|p| p.ancestors().skip(1))
            .filter(|a| !a.as_os_str().is_empty())
            .collect();
        let mut found = Needed::new(&placed, &folders).strays_at(out, before, now);
        found.strays.sort();
        found
    }

    /// The walks here take stamps settled as soon as they are made: a change made within the
    /// same tick of the kernel's coarse clock could leave a folder's ctime as it was.
    fn past_a_clock_tick() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    const FILES: &[&str] = &["index.html", "a/index.html", "a/b/index.html", "c/x.json"];

    #[test]
    fn a_folder_whose_stamp_and_entries_hold_is_not_read_again() {
        let out = output(FILES);
        let first = walk(out.path(), FILES, &Folders::default(), LATER);
        assert!(first.strays.is_empty());
        assert_eq!(first.read, 4, "the output, a, a/b and c");
        assert_eq!(first.seen.len(), 4);
        let second = walk(out.path(), FILES, &first.seen, LATER);
        assert_eq!((second.read, second.strays.len()), (0, 0));
        assert_eq!(second.seen, first.seen, "what holds is remembered again");
    }

    #[test]
    fn a_file_or_folder_planted_after_the_walk_is_found() {
        let out = output(FILES);
        let first = walk(out.path(), FILES, &Folders::default(), LATER);
        past_a_clock_tick();
        std::fs::write(out.path().join("a/b/planted.html"), "x").expect("plant");
        std::fs::create_dir(out.path().join("c/d")).expect("plant");
        std::fs::write(out.path().join("c/d/e.html"), "x").expect("plant");
        // Setting the folder's times back does not hide the change: its ctime moved.
        let b = std::fs::File::open(out.path().join("a/b")).expect("open");
        b.set_modified(std::time::UNIX_EPOCH).expect("times");
        let again = walk(out.path(), FILES, &first.seen, LATER);
        assert_eq!(again.strays, ["a/b/planted.html", "c/d"]);
        assert_eq!(again.read, 2, "only a/b and c changed");
    }

    #[test]
    fn a_file_the_new_output_no_longer_has_is_found_in_an_unchanged_folder() {
        let out = output(FILES);
        let first = walk(out.path(), FILES, &Folders::default(), LATER);
        let fewer = &FILES[..3];
        let again = walk(out.path(), fewer, &first.seen, LATER);
        assert_eq!(again.strays, ["c"]);
        let fewer = ["index.html", "a/index.html", "c/x.json"];
        let again = walk(out.path(), &fewer, &first.seen, LATER);
        assert_eq!(again.strays, ["a/b"]);
    }

    #[test]
    fn a_folder_replaced_by_a_link_is_found() {
        let out = output(FILES);
        let first = walk(out.path(), FILES, &Folders::default(), LATER);
        let elsewhere = output(&["index.html"]);
        past_a_clock_tick();
        std::fs::remove_dir_all(out.path().join("a/b")).expect("rm");
        std::os::unix::fs::symlink(elsewhere.path(), out.path().join("a/b")).expect("link");
        let again = walk(out.path(), FILES, &first.seen, LATER);
        assert_eq!(again.strays, ["a/b"]);
    }

    #[test]
    fn a_folder_changed_in_the_last_seconds_is_not_remembered() {
        let out = output(FILES);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64;
        let fresh = walk(out.path(), FILES, &Folders::default(), now);
        assert!(fresh.seen.is_empty(), "{:?}", fresh.seen);
        let again = walk(out.path(), FILES, &fresh.seen, now);
        assert_eq!(again.read, 4);
    }
}
