//! The derived-image cache: files under `.pressroom/cache/images/` in the site root, named
//! by a fingerprint of the original's bytes and the parameters that made them, so `build`
//! and `serve` share them and a rebuild with unchanged images decodes nothing. It lives
//! outside the output (which is replaced whole by every build) and is safe to delete.

use super::derive::{Encoding, Format};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Where the cache lives under the site root.
pub const CACHE_DIR: &str = ".pressroom/cache/images";

/// Bump when the bytes made for the same key change (resizer, encoder settings). 2: derived
/// files carry the original's ICC profile.
const VERSION: u32 = 2;

/// The cache folder of one site.
pub(super) struct Cache {
    dir: PathBuf,
    /// The names of the folder's regular files, listed once when first asked ([`Cache::has`]),
    /// with the files this build stored added.
    files: OnceLock<Mutex<HashSet<OsString>>>,
}

impl Cache {
    /// The cache of the site at `root`.
    pub(super) fn new(root: &Path) -> Self {
        Cache {
            dir: root.join(CACHE_DIR),
            files: OnceLock::new(),
        }
    }

    /// Whether the cache holds the file `path` (one of [`Cache::path`]'s). The folder is
    /// listed once per build: a warm rebuild asks this of every derived file of every photo
    /// (1,200 for 200 photos), and one `readdir` costs less than a `stat` each. A file
    /// deleted from the cache since the listing is not seen; it was not before either, between
    /// a `stat` and the copy into the output, which then fails the build with its name.
    pub(super) fn has(&self, path: &Path) -> bool {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        // Byte for byte first: every path planned here is `self.dir` joined to a name, and
        // comparing `Path`s component by component cost more than the lookup.
        if dir.as_os_str() != self.dir.as_os_str() && dir != self.dir {
            return path.is_file();
        }
        self.listing().contains(name)
    }

    /// The folder's regular files (a symbolic link or a folder under a cache name is not a
    /// derived file: it is made again, and [`Cache::store`]'s rename replaces it). Empty when
    /// the folder is missing or cannot be read (everything is made again).
    fn listing(&self) -> std::sync::MutexGuard<'_, HashSet<OsString>> {
        self.files
            .get_or_init(|| {
                let names = std::fs::read_dir(&self.dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.file_name())
                    .collect();
                Mutex::new(names)
            })
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The key of a derived file: the original's content, the size, format and encoding.
    pub(super) fn key(
        content: Fingerprint,
        width: u32,
        format: Format,
        encoding: Encoding,
    ) -> String {
        let mut f = Fingerprinter::default();
        f.u64(u64::from(VERSION))
            .fingerprint(content)
            .u64(u64::from(width));
        encoded_as(&mut f, format, encoding);
        f.finish().to_string()
    }

    /// The key of a file a template asked for (`resize_image`): the original's content, the
    /// operation (its name and the region it keeps), the size, format and quality.
    pub(super) fn template_key(
        content: Fingerprint,
        op: &str,
        (width, height): (u32, u32),
        format: Format,
        encoding: Encoding,
    ) -> String {
        let mut f = Fingerprinter::default();
        f.u64(u64::from(VERSION))
            .str("template")
            .fingerprint(content)
            .str(op)
            .u64(u64::from(width))
            .u64(u64::from(height));
        encoded_as(&mut f, format, encoding);
        f.finish().to_string()
    }

    /// The cache folder.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache file of a key.
    pub(super) fn path(&self, key: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{key}.{ext}"))
    }

    /// Writes a derived file: to a temporary name first, so a killed build never leaves a
    /// half-written file under a key a later build would trust.
    pub(super) fn store(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            format!(
                "cannot create the image cache `{}`: {e}",
                self.dir.display()
            )
        })?;
        // A name of this process and thread: two threads making the same derived file (one
        // photo in two places) must not rename each other's temporary file away.
        let thread = format!("{:?}", std::thread::current().id());
        let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
        let tmp = path.with_extension(format!("tmp-{}-{thread}", std::process::id()));
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        if let (Some(name), Some(files)) = (path.file_name(), self.files.get()) {
            files
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(name.to_os_string());
        }
        Ok(())
    }
}

/// What a derived file's bytes depend on besides its pixels: its format and quality, and
/// for AVIF the encoder's speed (a faster one makes another file). JPEG, PNG and WebP keys
/// are what they were before AVIF, so their file names on existing sites stay the same.
fn encoded_as(f: &mut Fingerprinter, format: Format, encoding: Encoding) {
    f.str(format.ext()).u64(u64::from(encoding.quality));
    if format == Format::Avif {
        f.u64(u64::from(encoding.avif_speed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_storing_one_file_at_once_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let path = cache.path("same-key", "webp");
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..200 {
                        assert_eq!(cache.store(&path, b"derived bytes"), Ok(()));
                    }
                });
            }
        });
        assert_eq!(std::fs::read(&path).unwrap(), b"derived bytes");
        let left: Vec<_> = std::fs::read_dir(cache.dir()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }
}
