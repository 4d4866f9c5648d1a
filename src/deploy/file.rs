//! `file:///path`: deploying into a directory, such as a mounted web root.
//!
//! Each file is written to a temporary name in its own folder and renamed over the old one, so
//! a web server reading the folder sees either the old file or the new one, never half of one.
//! Folders emptied by deletes are removed. The directory must exist: a missing mount point is
//! an error, not something to create.
//!
//! Only what a deploy put there is replaced or deleted: before anything changes, a file the
//! plan would upload that is not in the deployment's manifest but exists is refused (unless
//! `--force`), and so is any path through a symbolic link inside the folder, which could land
//! outside it. Temporary files of a deploy that was killed are removed by the next one.

use super::{DeployPlan, ObjectMeta, Parts, Target};
use crate::error::{Error, Result};
use crate::manifest::{self, Manifest};
use crate::output;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory target.
#[derive(Debug)]
pub struct FileTarget {
    root: PathBuf,
    counter: AtomicUsize,
}

impl FileTarget {
    /// The target for the path part of a `file://` URL (`/srv/www`).
    pub fn new(path: &str) -> Result<Self> {
        if path.is_empty() {
            return Err(Error::Usage(
                "--target file:// needs a folder: file:///path/to/web-root".into(),
            ));
        }
        let root = PathBuf::from(path);
        if !root.is_dir() {
            return Err(Error::Other(format!(
                "the target folder `{}` does not exist (is the web root mounted?); create it first; nothing was changed",
                root.display()
            )));
        }
        Ok(FileTarget {
            root,
            counter: AtomicUsize::new(0),
        })
    }

    /// The target folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes site path `path` through `write` into a temporary file beside it, then renames
    /// it over the old one; on failure the old file stays and the temporary one is removed.
    fn replace(
        &self,
        path: &str,
        write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<()> {
        let file = self.file(path)?;
        let parent = self.folders(path, true)?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(
            ".{name}.pressroom-tmp-{}-{}",
            std::process::id(),
            self.counter.fetch_add(1, Ordering::Relaxed)
        ));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| write(&mut f))
            .map_err(|e| Error::io("cannot write", &tmp, e))
            .and_then(|()| {
                std::fs::rename(&tmp, &file).map_err(|e| Error::io("cannot replace", &file, e))
            });
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    /// The folder of site path `path`, checked from the root down: every folder on the way
    /// is a real folder, never a symbolic link (a link could take the write or the delete
    /// outside the target). With `create`, missing folders are made; without, a missing one
    /// is returned as is (nothing below it exists).
    fn folders(&self, site_path: &str, create: bool) -> Result<PathBuf> {
        let file = self.file(site_path)?;
        let rel = file.strip_prefix(&self.root).unwrap_or(&file);
        let mut dir = self.root.clone();
        let parents: Vec<_> = rel.components().collect();
        for c in &parents[..parents.len().saturating_sub(1)] {
            dir.push(c);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_symlink() => return Err(symlink_error(&dir)),
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::Other(format!(
                        "`{}` is a file where {site_path} needs a folder; move it away",
                        dir.display()
                    )));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                    match std::fs::create_dir(&dir) {
                        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                            return Err(Error::io("cannot create", &dir, e));
                        }
                        _ => {}
                    }
                    // Made by another thread just now, or by someone as a link: look again.
                    if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_symlink()) {
                        return Err(symlink_error(&dir));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("cannot read", &dir, e)),
            }
        }
        Ok(dir)
    }

    /// Removes temporary files (`.NAME.pressroom-tmp-PID-N`) of deploys that were killed:
    /// those of a process that is gone. Links are not followed.
    fn clear_stale_temporaries(&self) {
        let walk = walkdir::WalkDir::new(&self.root).follow_links(false);
        for entry in walk.into_iter().flatten() {
            let name = entry.file_name().to_string_lossy();
            let Some((_, tail)) = name.split_once(".pressroom-tmp-") else {
                continue;
            };
            let pid = tail.split('-').next().and_then(|p| p.parse::<u32>().ok());
            let stale = pid.is_some_and(|p| p != std::process::id() && !output::pid_alive(p));
            if name.starts_with('.') && stale && entry.file_type().is_file() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn file(&self, site_path: &str) -> Result<PathBuf> {
        let rel = Path::new(site_path.trim_start_matches('/'));
        if site_path.contains('\\') || !rel.components().all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(Error::Other(format!(
                "refusing `{site_path}`: it would leave the target folder"
            )));
        }
        Ok(self.root.join(rel))
    }
}

fn symlink_error(dir: &Path) -> Error {
    Error::Other(format!(
        "`{}` is a symbolic link inside the target folder, and deploy never follows one (files would land outside the target); replace it with a real folder or remove it",
        dir.display()
    ))
}

impl Target for FileTarget {
    fn vet(&self, plan: &DeployPlan, deployed: &Manifest, force: bool) -> Result<()> {
        let uploads = plan.uploads.iter().map(|u| &u.path);
        for path in uploads.clone().chain(&plan.deletes) {
            self.folders(path, false)?;
        }
        if force {
            return Ok(());
        }
        // A file the previous deploy did not put there is someone else's.
        let foreign: Vec<&String> = uploads
            .filter(|p| !deployed.files.contains_key(*p))
            .filter(|p| {
                self.file(p)
                    .is_ok_and(|f| std::fs::symlink_metadata(f).is_ok())
            })
            .collect();
        let Some(first) = foreign.first() else {
            return Ok(());
        };
        let more = match foreign.len() {
            1 => String::new(),
            n => format!(
                " and {} more ({})",
                n - 1,
                foreign[1..]
                    .iter()
                    .take(4)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(Error::Other(format!(
            "the build has {first}{more}, but `{}` already exists and the previous deploy did not put it there (it is not in the deployment's {}); deploy never overwrites files it does not own. Move or delete it at the target, remove it from the build, or deploy again with --force to overwrite it",
            self.file(first)
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            manifest::FILE
        )))
    }

    fn before_uploads(&self) {
        self.clear_stale_temporaries();
    }

    fn read_manifest(&self) -> Result<Option<Vec<u8>>> {
        let path = self.root.join(manifest::FILE);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("cannot read", path, e)),
        }
    }

    fn put(&self, path: &str, body: &[u8], _meta: ObjectMeta) -> Result<()> {
        self.replace(path, |file| file.write_all(body))
    }

    fn put_parts(&self, path: &str, parts: &mut Parts, _meta: ObjectMeta) -> Result<()> {
        let mut failed = None;
        self.replace(path, |file| {
            loop {
                match parts.next_part() {
                    Ok(Some(part)) => file.write_all(&part)?,
                    Ok(None) => return Ok(()),
                    Err(e) => {
                        failed = Some(e);
                        return Err(std::io::Error::other("the source changed"));
                    }
                }
            }
        })
        .map_err(|e| failed.unwrap_or(e))
    }

    fn delete(&self, path: &str) -> Result<()> {
        let file = self.file(path)?;
        self.folders(path, false)?;
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io("cannot delete", file, e))
            }
            _ => Ok(()),
        }
    }

    fn after_deletes(&self, deleted: &[String]) {
        for path in deleted {
            let Ok(file) = self.file(path) else { continue };
            let mut dir = file.parent();
            // remove_dir only removes empty folders; stop at the first that is not.
            while let Some(d) = dir.filter(|d| *d != self.root && d.starts_with(&self.root)) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_deletes_and_prunes() {
        let tmp = tempfile::tempdir().unwrap();
        let t = FileTarget::new(tmp.path().to_str().unwrap()).unwrap();
        let meta = super::super::object_meta("/a/b/index.html");
        t.put("/a/b/index.html", b"one", meta).unwrap();
        t.put("/a/b/index.html", b"two", meta).unwrap();
        assert_eq!(
            std::fs::read(tmp.path().join("a/b/index.html")).unwrap(),
            b"two"
        );
        assert_eq!(
            std::fs::read_dir(tmp.path().join("a/b")).unwrap().count(),
            1
        );
        t.delete("/a/b/index.html").unwrap();
        t.delete("/a/b/index.html").unwrap();
        t.after_deletes(&["/a/b/index.html".into()]);
        assert!(!tmp.path().join("a").exists());
        assert!(tmp.path().exists());
        assert!(t.put("/../x", b"x", meta).is_err());
        assert!(FileTarget::new(tmp.path().join("missing").to_str().unwrap()).is_err());
    }
}
