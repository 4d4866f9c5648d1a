//! Updating an existing output in place, all or nothing: the build writes only its new and
//! changed files, into the staging folder beside the output, then commits a journal that says
//! what to delete from the output and which staged file goes where, and applies it. The
//! journal is renamed into place (`.NAME.pressroom-journal`), so it is either whole or absent:
//!
//! - killed before the commit, the output is untouched (the staging folder is cleared by the
//!   next build, as a fresh build's is);
//! - killed after it, the journal is still there: the next build or deploy of that output
//!   applies it again before anything else ([`recover`]), and every step is idempotent (a
//!   deletion finds nothing, a move whose staged file is gone was done).
//!
//! Unchanged files and folders keep their inodes and modification times, so `rsync`, deploys
//! and CDNs see the true change set, and a rebuild costs the kernel only what changed.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

/// What turns the previous output into the new one.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub(super) struct Journal {
    /// The staging folder's name (beside the output) holding the staged files.
    pub(super) staging: String,
    /// Output files (relative paths) to delete, and the folders they leave empty.
    pub(super) delete: Vec<String>,
    /// (staged file name, output path): each staged file renamed into its place.
    pub(super) moves: Vec<(String, String)>,
}

/// `.NAME.pressroom-journal` beside the output folder `out`.
fn path(out: &Path) -> PathBuf {
    super::beside(out, "journal")
}

impl Journal {
    /// Writes the journal beside `out` and makes it the output's next state: from here on
    /// the change happens, now or in the next run's [`recover`].
    pub(super) fn commit(&self, out: &Path) -> Result<()> {
        let final_path = path(out);
        let tmp = super::beside(out, "journal-new");
        let json = serde_json::to_vec(self).map_err(|e| Error::Other(e.to_string()))?;
        write_synced(&tmp, &json)?;
        std::fs::rename(&tmp, &final_path).map_err(|e| Error::io("cannot commit", &final_path, e))
    }

    /// Applies the committed journal to `out`, then removes it and its staging folder.
    pub(super) fn apply(&self, out: &Path) -> Result<()> {
        let parent = out.parent().unwrap_or(Path::new("."));
        if !is_staging_name(out, &self.staging) {
            return Err(Error::Other(format!(
                "{} names `{}`, not a staging folder of this output; delete the journal and build again",
                path(out).display(),
                self.staging
            )));
        }
        let staging = parent.join(&self.staging);
        for rel in &self.delete {
            let Some(target) = inside(out, rel) else {
                continue;
            };
            remove_any(&target).map_err(|e| Error::io("cannot delete", &target, e))?;
            prune_empty_parents(out, &target);
        }
        for (staged, rel) in &self.moves {
            // A staged file is a number in the staging folder (see `InPlace::stage`): a name
            // that climbs out would move a file from elsewhere into the published output.
            let plain = !staged.is_empty() && staged.bytes().all(|b| b.is_ascii_digit());
            let (true, from, Some(to)) = (plain, staging.join(staged), inside(out, rel)) else {
                continue;
            };
            if std::fs::symlink_metadata(&from).is_err() {
                // Moved before the run that wrote this journal was killed.
                continue;
            }
            real_folders_to(out, &to)?;
            if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(&to).map_err(|e| Error::io("cannot replace", &to, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| Error::io("cannot move into place", &to, e))?;
        }
        let _ = std::fs::remove_dir_all(&staging);
        let done = path(out);
        std::fs::remove_file(&done).map_err(|e| Error::io("cannot remove", &done, e))
    }
}

/// Finishes the change a killed run committed to `out` (see the module's doc), and drops a
/// journal it had not committed. The caller holds the output's lock.
pub(super) fn recover(out: &Path) -> Result<()> {
    let _ = std::fs::remove_file(super::beside(out, "journal-new"));
    let committed = path(out);
    let Ok(text) = std::fs::read(&committed) else {
        return Ok(());
    };
    let journal: Journal = serde_json::from_slice(&text).map_err(|e| {
        Error::Other(format!(
            "{} is not a journal pressroom can read ({e}); delete it and the output folder, and build again",
            committed.display()
        ))
    })?;
    journal.apply(out)
}

/// Whether `name` is a staging folder of `out` (`.NAME.pressroom-tmp-PID`), as the build
/// that wrote the journal named it.
fn is_staging_name(out: &Path, name: &str) -> bool {
    let prefix = super::beside(out, "tmp-");
    let prefix = prefix.file_name().map(|n| n.to_string_lossy().into_owned());
    prefix
        .and_then(|p| name.strip_prefix(p.as_str()).map(str::to_owned))
        .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// `rel` under `out`, if it stays inside (a journal is data on disk: never trust it to).
fn inside(out: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    let normal = rel.components().all(|c| matches!(c, Component::Normal(_)));
    (normal && !rel.as_os_str().is_empty()).then(|| out.join(rel))
}

/// Removes a file, a symbolic link or a whole folder; nothing there is fine.
fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the folders above `removed` that it left empty, up to (not including) `out`.
fn prune_empty_parents(out: &Path, removed: &Path) {
    let mut dir = removed.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(out) && *d != out) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Makes every folder between `out` and `target` a real folder: a file or a symbolic link in
/// the way is removed first, so a move never lands outside the output through a planted link.
fn real_folders_to(out: &Path, target: &Path) -> Result<()> {
    let Ok(rel) = target.strip_prefix(out) else {
        return Err(Error::Other(format!(
            "refusing to write `{}`: it would leave the output folder",
            target.display()
        )));
    };
    let mut dir = out.to_path_buf();
    for part in rel.parent().into_iter().flat_map(Path::components) {
        dir.push(part);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => continue,
            Ok(_) => {
                std::fs::remove_file(&dir).map_err(|e| Error::io("cannot replace", &dir, e))?
            }
            Err(_) => {}
        }
        match std::fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io("cannot create", &dir, e)),
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` and waits until they are on disk, so a committed journal is
/// never empty after a crash.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(|e| Error::io("cannot create", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io("cannot write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> Vec<String> {
        let mut files: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .flatten()
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if e.file_type().is_dir() {
                    format!("{rel}/")
                } else {
                    format!(
                        "{rel}={}",
                        std::fs::read_to_string(e.path()).unwrap_or_default()
                    )
                }
            })
            .collect();
        files.sort();
        files
    }

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf, Journal) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for (rel, text) in [
            ("a/index.html", "old a"),
            ("b/index.html", "b"),
            ("c", "file c"),
        ] {
            let p = out.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let staging = tmp.path().join(".public.pressroom-tmp-1");
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join("0"), "new a").unwrap();
        std::fs::write(staging.join("1"), "c is a folder now").unwrap();
        let journal = Journal {
            staging: ".public.pressroom-tmp-1".into(),
            delete: vec!["b/index.html".into(), "c".into()],
            moves: vec![
                ("0".into(), "a/index.html".into()),
                ("1".into(), "c/index.html".into()),
            ],
        };
        (tmp, out, staging, journal)
    }

    const AFTER: [&str; 4] = [
        "a/",
        "a/index.html=new a",
        "c/",
        "c/index.html=c is a folder now",
    ];

    #[test]
    fn applying_deletes_moves_and_prunes() {
        let (_tmp, out, staging, journal) = setup();
        journal.commit(&out).unwrap();
        journal.apply(&out).unwrap();
        assert_eq!(tree(&out), AFTER);
        assert!(!staging.exists() && !path(&out).exists());
    }

    #[test]
    fn a_journal_interrupted_anywhere_is_finished_by_recover() {
        // Applying step by step and stopping after each step is what a kill does; the next
        // run's recover must end at the same tree.
        for stop_after in 0..4 {
            let (_tmp, out, _staging, journal) = setup();
            journal.commit(&out).unwrap();
            let partial = Journal {
                staging: journal.staging.clone(),
                delete: journal.delete.iter().take(stop_after).cloned().collect(),
                moves: journal
                    .moves
                    .iter()
                    .take(stop_after.saturating_sub(2))
                    .cloned()
                    .collect(),
            };
            for rel in &partial.delete {
                remove_any(&out.join(rel)).unwrap();
            }
            for (staged, rel) in &partial.moves {
                let to = out.join(rel);
                real_folders_to(&out, &to).unwrap();
                std::fs::rename(
                    out.parent().unwrap().join(&journal.staging).join(staged),
                    to,
                )
                .unwrap();
            }
            recover(&out).unwrap();
            assert_eq!(tree(&out), AFTER, "stopped after {stop_after} steps");
        }
    }

    #[test]
    fn an_uncommitted_journal_changes_nothing() {
        let (_tmp, out, _staging, journal) = setup();
        let before = tree(&out);
        let json = serde_json::to_vec(&journal).unwrap();
        std::fs::write(super::super::beside(&out, "journal-new"), json).unwrap();
        recover(&out).unwrap();
        assert_eq!(tree(&out), before);
        assert!(!super::super::beside(&out, "journal-new").exists());
    }

    #[test]
    fn a_planted_journal_never_moves_a_file_from_outside_into_the_output() {
        // An insider writes a journal whose staging folder, or a staged name, points at a
        // secret: the next build must not publish it.
        let (tmp, out, _staging, journal) = setup();
        let secret = tmp.path().join("secret");
        std::fs::create_dir_all(&secret).unwrap();
        std::fs::write(secret.join("0"), "private key").unwrap();
        let elsewhere = Journal {
            staging: "secret".into(),
            delete: vec![],
            moves: vec![("0".into(), "key.txt".into())],
        };
        let climbing = Journal {
            staging: journal.staging.clone(),
            delete: vec![],
            moves: vec![("../secret/0".into(), "key.txt".into())],
        };
        for planted in [elsewhere, climbing] {
            planted.commit(&out).unwrap();
            let _ = recover(&out);
            assert!(!out.join("key.txt").exists(), "{planted:?}");
            assert!(secret.join("0").exists(), "the secret stays where it was");
            let _ = std::fs::remove_file(path(&out));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_never_takes_a_write_outside() {
        let (tmp, out, _staging, mut journal) = setup();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::remove_dir_all(out.join("a")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
        journal.moves.push(("9".into(), "../escape".into()));
        journal.commit(&out).unwrap();
        journal.apply(&out).unwrap();
        assert_eq!(
            tree(&elsewhere),
            Vec::<String>::new(),
            "nothing written through the link"
        );
        assert_eq!(tree(&out), AFTER);
        assert!(!tmp.path().join("escape").exists());
    }
}
