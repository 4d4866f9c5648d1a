//! `file:///path`: deploying into a directory, such as a mounted web root.
//!
//! Each file is written to a temporary name in its own folder and renamed over the old one, so
//! a web server reading the folder sees either the old file or the new one, never half of one.
//! Folders emptied by deletes are removed. The directory must exist: a missing mount point is
//! an error, not something to create.

use super::{ObjectMeta, Parts, Target};
use crate::deploy::manifest;
use crate::error::{Error, Result};
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
        let parent = file.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
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

impl Target for FileTarget {
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
