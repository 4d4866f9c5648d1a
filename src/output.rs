//! Writing the output atomically: everything goes into a staging folder beside the output,
//! which replaces the output only once complete. A failed or killed build leaves the previous
//! output as it was; stale staging folders from killed builds are cleared by the next build.

use crate::deploy::manifest::{self, Entry, Manifest};
use crate::error::{Error, Result};
use crate::render::Output;
use crate::render::theme::StaticSource;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// Everything a build writes.
pub struct Plan<'a> {
    /// Rendered files.
    pub outputs: &'a [Output],
    /// Theme and site static files by output path.
    pub statics: &'a std::collections::BTreeMap<String, StaticSource>,
    /// Content assets: (output path, source file).
    pub assets: &'a [(String, PathBuf)],
    /// What the manifest of the written files says besides them (see [`manifest`]).
    pub manifest: &'a manifest::Header,
}

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

/// Writes the plan and its manifest into a staging folder and swaps it in for `out`.
pub fn commit(plan: &Plan<'_>, out: &Path) -> Result<Manifest> {
    clear_stale(out);
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
    }
    let staging = staging_name(out, "tmp");
    let result = write_tree(plan, &staging).and_then(|files| {
        // In the staging folder, so the manifest is swapped in with the files it describes.
        let manifest = Manifest::new(plan.manifest, files.into_iter().collect());
        let path = staging.join(manifest::FILE);
        std::fs::write(&path, manifest.to_json())
            .map_err(|e| Error::io("cannot write", path, e))?;
        swap(&staging, out).map(|()| manifest)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Writes the plan into `dir` (which is created), in parallel; returns every file written with
/// its hash, by site path.
pub fn write_tree(plan: &Plan<'_>, dir: &Path) -> Result<Vec<(String, Entry)>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    enum Src<'a> {
        Bytes(&'a [u8]),
        File(&'a Path),
    }
    // Later entries win: theme/site static files, then content assets, then generated pages.
    let mut files: std::collections::BTreeMap<&str, Src<'_>> = std::collections::BTreeMap::new();
    for (path, src) in plan.statics {
        files.insert(
            path,
            match src {
                StaticSource::Embedded(b) => Src::Bytes(b),
                StaticSource::File(p) => Src::File(p),
            },
        );
    }
    for (path, src) in plan.assets {
        files.insert(path, Src::File(src));
    }
    for o in plan.outputs {
        files.insert(&o.path, Src::Bytes(&o.bytes));
    }
    let mut targets = Vec::with_capacity(files.len());
    let mut dirs = BTreeSet::new();
    for (path, src) in files {
        let target = safe_join(dir, path).ok_or_else(|| {
            Error::Other(format!(
                "refusing to write `{path}`: it would leave the output folder"
            ))
        })?;
        if let Some(parent) = target.parent() {
            dirs.insert(parent.to_path_buf());
        }
        targets.push((path, target, src));
    }
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|e| Error::io("cannot create", d, e))?;
    }
    targets
        .par_iter()
        .map(|(path, target, src)| {
            let entry = match src {
                Src::Bytes(b) => {
                    std::fs::write(target, b).map_err(|e| Error::io("cannot write", target, e))?;
                    Entry::of(b)
                }
                Src::File(p) => {
                    std::fs::copy(p, target).map_err(|e| Error::io("cannot copy", p, e))?;
                    hash_file(target)?
                }
            };
            Ok((format!("/{}", path.trim_start_matches('/')), entry))
        })
        .collect()
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
