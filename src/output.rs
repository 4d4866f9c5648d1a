//! Writing the output atomically: everything goes into a staging folder beside the output,
//! which replaces the output only once complete. A failed or killed build leaves the previous
//! output as it was; stale staging folders from killed builds are cleared by the next build.

use crate::deploy::manifest::{self, Entry, Manifest};
use crate::error::{Error, Result};
use crate::render::theme::StaticSource;
use crate::render::{self, Output};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Refuses output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, out) = (abs(root), abs(out));
    if out.parent().is_none()
        || root.starts_with(&out)
        || out.starts_with(root.join("content"))
        || out.starts_with(root.join("static"))
        || out.starts_with(root.join("themes"))
    {
        return Err(Error::Usage(format!(
            "refusing to write into `{}`: the output folder is replaced on every build, so it must not contain the site or its sources; use a separate folder such as `public/`",
            out.display()
        )));
    }
    Ok(())
}

/// A path under the output folder for a site path; None if it would escape the folder.
fn safe_join(base: &Path, site_path: &str) -> Option<PathBuf> {
    let rel = Path::new(site_path.trim_start_matches('/'));
    if rel.components().all(|c| matches!(c, Component::Normal(_))) && !site_path.contains('\\') {
        Some(base.join(rel))
    } else {
        None
    }
}

fn staging_name(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.pressroom-{tag}-{}", std::process::id()))
}

/// Removes staging and old folders left by builds that were killed.
fn clear_stale(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let prefix = format!(".{}.pressroom-", name.to_string_lossy());
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// A build's output while it is being written: a staging folder beside the output, which
/// takes the output's place only in [`Staging::finish`]. Dropped unfinished (the build
/// failed), it is removed and the previous output stands.
///
/// Rendering threads write pages into it as they finish them ([`render::Sink`]), so the
/// kernel's work of creating files overlaps the rendering and no page is held in memory
/// longer than it takes to write it.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    /// Every generated file written, by site path.
    written: Mutex<BTreeMap<String, Entry>>,
    /// The first write that failed: the build fails with it.
    failed: Mutex<Option<Error>>,
    finished: bool,
}

impl Staging {
    /// Clears what killed builds left beside `out` and creates a fresh staging folder.
    pub fn begin(out: &Path) -> Result<Self> {
        clear_stale(out);
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        let dir = staging_name(out, "tmp");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            written: Mutex::default(),
            failed: Mutex::default(),
            finished: false,
        })
    }

    /// Writes one generated file (site path `/a/b.html`).
    pub fn write(&self, site_path: &str, bytes: &[u8]) -> Result<()> {
        let target = self.target(site_path)?;
        std::fs::write(&target, bytes).map_err(|e| Error::io("cannot write", &target, e))?;
        lock(&self.written).insert(site_key(site_path), Entry::of(bytes));
        Ok(())
    }

    /// Writes a file that belongs with the output but is not part of the site: it is in no
    /// manifest and never deployed (the pending ledger, [`crate::publish::PENDING`]).
    pub fn write_beside(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let target = self.target(name)?;
        std::fs::write(&target, bytes).map_err(|e| Error::io("cannot write", &target, e))
    }

    /// The file for `site_path` inside the staging folder, its folder created.
    fn target(&self, site_path: &str) -> Result<PathBuf> {
        let target = safe_join(&self.dir, site_path).ok_or_else(|| {
            Error::Other(format!(
                "refusing to write `{site_path}`: it would leave the output folder"
            ))
        })?;
        if let Some(parent) = target.parent() {
            // Safe to race: another thread creating the same folder is not an error.
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        Ok(target)
    }

    /// Copies in the static files and content assets that no generated file replaced
    /// (generated files win, then assets, then static files), writes the manifest of
    /// everything, and swaps the staging folder in for the output.
    pub fn finish(
        mut self,
        statics: &BTreeMap<String, StaticSource>,
        assets: &[(String, PathBuf)],
        header: &manifest::Header,
    ) -> Result<Manifest> {
        if let Some(e) = lock(&self.failed).take() {
            return Err(e);
        }
        enum Src<'a> {
            Bytes(&'a [u8]),
            File(&'a Path),
        }
        let mut files: BTreeMap<&str, Src<'_>> = BTreeMap::new();
        for (path, src) in statics {
            files.insert(
                path,
                match src {
                    StaticSource::Embedded(b) => Src::Bytes(b),
                    StaticSource::File(p) => Src::File(p),
                },
            );
        }
        for (path, src) in assets {
            files.insert(path, Src::File(src));
        }
        let generated = std::mem::take(&mut *lock(&self.written));
        files.retain(|path, _| !generated.contains_key(&site_key(path)));
        let copied: Vec<(String, Entry)> = files
            .into_par_iter()
            .map(|(path, src)| {
                let target = self.target(path)?;
                let entry = match src {
                    Src::Bytes(b) => {
                        std::fs::write(&target, b)
                            .map_err(|e| Error::io("cannot write", &target, e))?;
                        Entry::of(b)
                    }
                    Src::File(p) => {
                        std::fs::copy(p, &target).map_err(|e| Error::io("cannot copy", p, e))?;
                        hash_file(&target)?
                    }
                };
                Ok((site_key(path), entry))
            })
            .collect::<Result<_>>()?;
        let mut all = generated;
        all.extend(copied);
        // In the staging folder, so the manifest is swapped in with the files it describes.
        let manifest = Manifest::new(header, all);
        let path = self.dir.join(manifest::FILE);
        std::fs::write(&path, manifest.to_json())
            .map_err(|e| Error::io("cannot write", path, e))?;
        swap(&self.dir, &self.out)?;
        self.finished = true;
        Ok(manifest)
    }
}

impl render::Sink for Staging {
    fn put(&self, output: Output) {
        if let Err(e) = self.write(&output.path, &output.bytes) {
            lock(&self.failed).get_or_insert(e);
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The manifest's key for a site path: always with a leading `/`.
fn site_key(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

/// A lock that a panicked writer did not spoil: what it guards stays consistent per write.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The manifest entry of a file on disk, read in a stream.
fn hash_file(path: &Path) -> Result<Entry> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let size =
        std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(Entry {
        sha256: manifest::hex(&hasher.finalize()),
        size,
    })
}

fn swap(staging: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = staging_name(out, "old");
        std::fs::rename(out, &old).map_err(|e| Error::io("cannot move aside", out, e))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&old, out);
            return Err(Error::io("cannot move into place", out, e));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staging, out).map_err(|e| Error::io("cannot move into place", out, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        let base = Path::new("/out");
        assert!(safe_join(base, "/a/b.html").is_some());
        assert!(safe_join(base, "/../etc/passwd").is_none());
        assert!(safe_join(base, "/a/../../x").is_none());
    }

    #[test]
    fn refuses_output_that_contains_the_site() {
        assert!(check_output_dir(Path::new("/site"), Path::new("/site")).is_err());
        assert!(check_output_dir(Path::new("/site"), Path::new("/")).is_err());
        assert!(check_output_dir(Path::new("/site"), Path::new("/site/content/x")).is_err());
        assert!(check_output_dir(Path::new("/site"), Path::new("/site/public")).is_ok());
    }
}
