//! Writing the output atomically: everything goes into a staging folder beside the output,
//! which replaces the output only once complete. A failed or killed build leaves the previous
//! output as it was; stale staging folders from killed builds are cleared by the next build.
//!
//! Before anything is written, [`claim`] decides which folder the build may replace: never the
//! site or any of its sources, never a folder pressroom did not write (unless `--force`), and
//! through a symbolic link rather than over it. [`Staging::begin`] then takes the output's
//! lock, so two builds into one folder never interleave.

mod in_place;
mod journal;
pub mod known;
mod reuse;
pub mod strays;

use in_place::InPlace;

use crate::error::{Error, Result};
use crate::fast_map::FastMap;
use crate::manifest::{self, Entry, Manifest};
use crate::render::theme::StaticSource;
use crate::render::{self, Output};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The output folder of a build without `--output`: `public/`, or `public-drafts/` for a
/// `--drafts` build, so a preview never lands where `deploy` looks.
pub fn default_dir(root: &Path, drafts: bool) -> PathBuf {
    root.join(if drafts { "public-drafts" } else { "public" })
}

/// What a site is made of: the output folder may not be, hold or sit inside any of them.
const SOURCES: [&str; 7] = [
    "content",
    "data",
    "static",
    "templates",
    "themes",
    "site.toml",
    crate::model::ledger::FILE,
];

/// Checks that a build may replace `out` and returns the real folder it replaces: `..` and
/// symbolic links resolved, so a symlinked output is written through (the link stays, its
/// target is replaced). Refused: the filesystem root, the site root, a folder holding or inside
/// the site's sources, a file, and (unless `force`) a non-empty folder without pressroom's
/// manifest, which a build would otherwise delete.
pub fn claim(root: &Path, out: &Path, force: bool) -> Result<PathBuf> {
    let shown = out.display();
    let real = resolve(out).map_err(|e| {
        Error::Usage(format!(
            "cannot use `{shown}` as the output folder: {e}; if it is a symbolic link, create the folder it points to or remove the link"
        ))
    })?;
    let refuse = |why: String| {
        Error::Usage(format!(
            "refusing to write into `{shown}`: {why}; the output folder is replaced whole on every build, so build into a separate folder such as `public/`"
        ))
    };
    let site = resolve(root).unwrap_or_else(|_| root.to_path_buf());
    if real.parent().is_none() {
        return Err(refuse("it is the filesystem root".into()));
    }
    if site.starts_with(&real) {
        return Err(refuse(if site == real {
            "it is the site's own folder".into()
        } else {
            format!("it contains the site `{}`", site.display())
        }));
    }
    for name in SOURCES {
        let source = resolve(&site.join(name)).unwrap_or_else(|_| site.join(name));
        let relation = if real == source {
            "is"
        } else if real.starts_with(&source) {
            "is inside"
        } else if source.starts_with(&real) {
            "contains"
        } else {
            continue;
        };
        return Err(refuse(format!("it {relation} the site's `{name}`")));
    }
    check_owned(&real, out, force)?;
    Ok(real)
}

/// Refuses to replace what pressroom did not write: a file, or (unless `force`) a non-empty
/// folder without a pressroom manifest.
fn check_owned(real: &Path, out: &Path, force: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(real) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("cannot read", real, e)),
    };
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to write into `{}`: it is a file, not a folder; choose a folder for --output",
            out.display()
        )));
    }
    let empty = std::fs::read_dir(real)
        .map_err(|e| Error::io("cannot read", real, e))?
        .next()
        .is_none();
    let ours = std::fs::read(real.join(manifest::FILE)).is_ok_and(|b| Manifest::is_pressroom(&b));
    if empty || ours || force {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "refusing to replace `{}`: it is not empty and pressroom did not write it (it has no {}), and a build deletes whatever the output folder held; build into a new or empty folder, or pass --force to replace it",
        out.display(),
        manifest::FILE
    )))
}

/// `path` made absolute with `..` and symbolic links resolved, also where the end of it does
/// not exist yet. A link that points nowhere is an error.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut done = PathBuf::new();
    for c in std::path::absolute(path)?.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => done.push(c),
            Component::CurDir => {}
            // `done` holds no link, so its parent is the real parent.
            Component::ParentDir => {
                done.pop();
            }
            Component::Normal(name) => {
                done.push(name);
                let link = std::fs::symlink_metadata(&done).is_ok_and(|m| m.is_symlink());
                if link {
                    done = std::fs::canonicalize(&done).map_err(|e| {
                        let to = std::fs::read_link(&done).unwrap_or_default();
                        std::io::Error::new(
                            e.kind(),
                            format!(
                                "`{}` is a symbolic link to `{}`, which does not exist",
                                done.display(),
                                to.display()
                            ),
                        )
                    })?;
                }
            }
        }
    }
    Ok(done)
}

/// Whether process `pid` (of this machine) is running. Unsure means yes: what a live build
/// owns must never be deleted.
pub(crate) fn pid_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Finishes an in-place update that a killed build committed to `out` (see [`journal`]), so
/// whatever reads the output next (`deploy`) sees one whole build. While another build writes
/// `out`, this is an error.
pub fn settle(out: &Path) -> Result<()> {
    if !beside(out, "journal").exists() {
        return Ok(());
    }
    let _lock = OutputLock::take(out)?;
    journal::recover(out)
}

/// The lock of an output folder, held while a build writes it: the file
/// `.NAME.pressroom-lock` beside it, locked with `flock`, so the kernel releases it when the
/// build ends however it ends (a SIGKILLed build leaves the file, unlocked: no stale lock).
/// The holder removes the file when done, so nothing is left beside the output.
struct OutputLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl OutputLock {
    fn take(out: &Path) -> Result<Self> {
        let path = beside(out, "lock");
        // A holder removes the file as it finishes: one that locked a file just removed
        // tries again with the new one.
        for _ in 0..100 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io("cannot create", &path, e))?;
            #[cfg(unix)]
            {
                use std::os::fd::AsRawFd;
                use std::os::unix::fs::MetadataExt;
                // SAFETY: flock on a descriptor this function owns.
                if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                    return Err(busy(out, &path));
                }
                let same = match (file.metadata(), std::fs::metadata(&path)) {
                    (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
                    _ => false,
                };
                if !same {
                    continue;
                }
            }
            use std::io::{Seek, Write};
            // Who holds it, for the message of a build that finds it taken; best effort.
            let _ = file
                .set_len(0)
                .and_then(|()| file.seek(std::io::SeekFrom::Start(0)))
                .and_then(|_| writeln!(file, "{}", std::process::id()));
            return Ok(OutputLock { path, _file: file });
        }
        Err(busy(out, &path))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked (the file closes after this): see `take`.
        let _ = std::fs::remove_file(&self.path);
    }
}

fn busy(out: &Path, lock: &Path) -> Error {
    let holder = std::fs::read_to_string(lock).unwrap_or_default();
    let holder = match holder.trim() {
        "" => String::new(),
        pid => format!(" (pid {pid})"),
    };
    Error::Usage(format!(
        "another pressroom build is writing `{}`{holder}; wait for it to finish and build again, or build into another folder with --output",
        out.display()
    ))
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

/// `.NAME.pressroom-TAG` beside the output folder `out` (`NAME` is its name).
fn beside(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.pressroom-{tag}"))
}

/// The staging (`tmp`) or set-aside (`old`) folder of this process.
fn staging_name(out: &Path, tag: &str) -> PathBuf {
    beside(out, &format!("{tag}-{}", std::process::id()))
}

/// Removes staging and old folders left by builds that were killed: those of a process that
/// is gone, and this process's own (the caller holds the output's lock, so none of its builds
/// is writing). A folder of a build still running is never touched.
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
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = ["tmp-", "old-"]
            .iter()
            .find_map(|tag| rest.strip_prefix(tag))
            .and_then(|pid| pid.parse::<u32>().ok());
        let stale = pid.is_some_and(|pid| pid == std::process::id() || !pid_alive(pid));
        if stale && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
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
    /// An existing output, updated in place: None when there is none (the staging folder
    /// becomes the output).
    in_place: Option<InPlace>,
    /// Every generated file written, by site path.
    written: Mutex<BTreeMap<String, Entry>>,
    /// The generated files of the last build that may stay as they are, by site path (see
    /// [`Staging::know`]).
    known: FastMap<String, (known::FileStamp, Entry)>,
    /// The static files and assets the last build copied, by site path (see
    /// [`Staging::know_copies`]).
    known_copies: FastMap<String, known::KnownCopy>,
    /// Every static file and asset this build copied or kept, for the next build's state.
    copies: std::sync::Arc<Mutex<Vec<known::Copied>>>,
    /// The output's folders, as checked when the kept files' stamps were taken (and for
    /// [`Staging::copy_file`]'s output copies).
    folders: known::Folders,
    /// The stamps of the files [`Staging::keep`] kept, as this build found them at its start.
    kept: std::sync::Arc<Mutex<FastMap<String, known::FileStamp>>>,
    /// The output's folders as the last build's walk for strays found them, and where this
    /// build's walk puts what it finds (see [`strays`]).
    folders_seen: (strays::Folders, std::sync::Arc<Mutex<strays::Folders>>),
    /// The staging folder's folders this build created: a folder holding several files (a
    /// release's page and its wire text, a section's feeds) is created once, not asked for
    /// again (7,000 of a 10,000-item build's 21,000 `mkdir` calls failed as already there,
    /// each followed by a `stat`).
    made: Mutex<crate::fast_map::FastSet<PathBuf>>,
    /// The files beside the site kept as the output holds them ([`Staging::keep_beside`]).
    kept_beside: Mutex<crate::fast_map::FastSet<String>>,
    /// The first write that failed: the build fails with it.
    failed: Mutex<Option<Error>>,
    /// What goes right before the output changes, and the flag that says it did (see
    /// [`Staging::before_change`]).
    before_change: Option<(PathBuf, std::sync::Arc<AtomicBool>)>,
    finished: bool,
    /// Held until the staging folder is swapped in or removed.
    _lock: OutputLock,
}

impl Staging {
    /// Takes the lock of the output folder `out` (as [`claim`] returned it), clears what
    /// killed builds left beside it and creates a fresh staging folder. Another build writing
    /// `out` is an error: two builds never interleave their swaps.
    pub fn begin(out: &Path) -> Result<Self> {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        let lock = OutputLock::take(out)?;
        journal::recover(out)?;
        clear_stale(out);
        let dir = staging_name(out, "tmp");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
        Ok(Staging {
            dir,
            in_place: reuse::Previous::at(out).map(InPlace::new),
            out: out.to_path_buf(),
            written: Mutex::default(),
            known: FastMap::default(),
            known_copies: FastMap::default(),
            copies: std::sync::Arc::default(),
            folders: known::Folders::default(),
            kept: std::sync::Arc::default(),
            folders_seen: Default::default(),
            made: Mutex::default(),
            kept_beside: Mutex::default(),
            failed: Mutex::default(),
            before_change: None,
            finished: false,
            _lock: lock,
        })
    }

    /// Writes one generated file (site path `/a/b.html`), or links the previous output's file
    /// when it has the same bytes (see [`reuse`]).
    pub fn write(&self, site_path: &str, bytes: &[u8]) -> Result<()> {
        self.place(site_path, bytes)?;
        // Collisions are found before rendering (`render::alias_collisions`, and the URL
        // checks of `model::assemble`); one that slipped through fails the build instead of
        // silently replacing a page.
        if lock(&self.written)
            .insert(site_key(site_path), Entry::of(bytes))
            .is_some()
        {
            return Err(Error::Other(format!(
                "`{site_path}` was generated twice in one build (a pressroom bug; please report it with the site)"
            )));
        }
        Ok(())
    }

    /// Tells which generated files of the output the last build wrote (by site path, with
    /// their stamps and manifest entries), so that [`Staging::keep`] may leave them as they
    /// are: only files whose stamps, taken by this build as it started ([`stamps_in`]), are
    /// still the recorded ones. [`Staging::keep`] does not look at them again.
    /// Returns where the stamps of the files it keeps go, for the next build's state.
    /// `folders`: the output's folders as found when the stamps were taken, in this build.
    pub fn know(
        &mut self,
        known: FastMap<String, (known::FileStamp, Entry)>,
        folders: known::Folders,
    ) -> std::sync::Arc<Mutex<FastMap<String, known::FileStamp>>> {
        if let Some(in_place) = &self.in_place {
            in_place.reserve(known.len());
        }
        lock(&self.kept).reserve(known.len());
        self.known = known;
        self.folders = folders;
        self.kept.clone()
    }

    /// Tells which static files and assets the last build copied, so that an unchanged one is
    /// neither read nor hashed again; returns the list this build's copies go to.
    pub fn know_copies(
        &mut self,
        copies: FastMap<String, known::KnownCopy>,
    ) -> std::sync::Arc<Mutex<Vec<known::Copied>>> {
        self.known_copies = copies;
        self.copies.clone()
    }

    /// Tells how the last build's walk for strays found the output's folders, so that a
    /// folder that did not change is not read again; returns where this build's walk puts
    /// what it finds, for the next build's state.
    pub fn know_folders(
        &mut self,
        before: strays::Folders,
    ) -> std::sync::Arc<Mutex<strays::Folders>> {
        self.folders_seen.0 = before;
        self.folders_seen.1.clone()
    }

    /// Names a file that describes the output as it is (the incremental layer's build state):
    /// it is removed right before the output changes, so a build killed while changing it
    /// leaves no description of an output that is gone. Returns the flag that says whether
    /// the output changed; while it did not, the file still describes it.
    pub fn before_change(&mut self, file: PathBuf) -> std::sync::Arc<AtomicBool> {
        let changed = std::sync::Arc::new(AtomicBool::new(false));
        self.before_change = Some((file, changed.clone()));
        changed
    }

    /// The output is about to change: see [`Staging::before_change`].
    fn changing(&self) {
        if let Some((file, changed)) = &self.before_change {
            let _ = std::fs::remove_file(file);
            changed.store(true, Ordering::SeqCst);
        }
    }

    /// Keeps the output's file at `site_path` as the last build wrote it, without its bytes:
    /// the incremental layer knows this build would write the same. Refused (the build fails,
    /// and the next one renders everything) when the file is not one [`Staging::know`] named.
    ///
    /// The file is not looked at again: [`Staging::know`] names only files whose stamps this
    /// build took at its start ([`stamps_in`]) and found as the last build left them. Taking
    /// them again here (~21,000 `stat`s at 10k items) would only narrow, not close, the window
    /// in which someone else changes the output while the build runs; a file changed in it is
    /// still caught: `deploy` checks each file's bytes against the manifest, and the next build
    /// finds its stamp changed and writes it again.
    pub fn keep(&self, site_path: &str) {
        if let Err(e) = self.try_keep(site_path) {
            lock(&self.failed).get_or_insert(e);
        }
    }

    fn try_keep(&self, site_path: &str) -> Result<()> {
        let key = site_key(site_path);
        let rel = self.rel(site_path)?;
        let (Some((stamp, entry)), Some(in_place)) = (self.known.get(&key), &self.in_place) else {
            return Err(Error::Other(format!(
                "`{}` is not a file the last build left as it is; build again",
                self.out.join(&rel).display()
            )));
        };
        in_place.keep(&rel, |_| true);
        lock(&self.kept).insert(key.clone(), *stamp);
        if lock(&self.written).insert(key, entry.clone()).is_some() {
            return Err(Error::Other(format!(
                "`{site_path}` was generated twice in one build (a pressroom bug; please report it with the site)"
            )));
        }
        Ok(())
    }

    /// Writes a file that belongs with the output but is not part of the site: it is in no
    /// manifest and never deployed (the pending ledger, [`crate::publish::PENDING`]).
    pub fn write_beside(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.place(name, bytes)
    }

    /// Keeps the output's file `name` beside the site as it is, neither read nor written: the
    /// incremental layer knows it holds what this build would write (see
    /// [`Staging::write_beside`]). False when there is no output to keep it in.
    pub fn keep_beside(&self, name: &str) -> bool {
        let Some(in_place) = &self.in_place else {
            return false;
        };
        in_place.keep(Path::new(name), |_| true);
        lock(&self.kept_beside).insert(name.to_string());
        true
    }

    /// Whether the file `name` beside the site was kept ([`Staging::keep_beside`]).
    pub fn kept_beside(&self, name: &str) -> bool {
        lock(&self.kept_beside).contains(name)
    }

    /// Puts `bytes` at `site_path`: into the staging folder, or when the output is updated in
    /// place, nowhere if the output's file has these bytes (see [`reuse`]), else staged to be
    /// moved into place.
    fn place(&self, site_path: &str, bytes: &[u8]) -> Result<()> {
        let Some(in_place) = &self.in_place else {
            let target = self.target(site_path)?;
            return std::fs::write(&target, bytes)
                .map_err(|e| Error::io("cannot write", &target, e));
        };
        let rel = self.rel(site_path)?;
        if in_place.keep(&rel, |p| p.same_bytes(&rel, bytes)) {
            return Ok(());
        }
        let staged = in_place.stage(&self.dir, rel);
        std::fs::write(&staged, bytes).map_err(|e| Error::io("cannot write", &staged, e))
    }

    /// Copies the file `source` to `site_path` and gives its manifest entry; when the last
    /// build copied the same source, and neither it nor the output's copy changed since (their
    /// stamps), the copy stays as it is and its entry is the last one: a warm rebuild reads
    /// none of a site's photos and videos.
    ///
    /// "The same source" is the same file, told by its stamp (device and inode, with its size
    /// and times), not by the path that reached it: the site's folder spelled another way
    /// (`--root .` after an absolute `--root`, or through a link) names the same files, and a
    /// path compared as written read and hashed every copy again.
    fn copy_file(&self, site_path: &str, source: &Path) -> Result<Entry> {
        let key = site_key(site_path);
        let before = known::source_stamp(source);
        let unchanged = self.known_copies.get(&key).filter(|k| {
            let rel = safe_join(Path::new(""), site_path);
            before == Some(k.copied.source_stamp)
                && rel.is_some_and(|rel| {
                    self.folders.real(&self.out, &rel)
                        && known::stamp(&self.out.join(&rel)) == Some(k.out_stamp)
                })
        });
        let entry = match (unchanged, &self.in_place) {
            (Some(k), Some(in_place)) => {
                in_place.keep(&self.rel(site_path)?, |_| true);
                k.entry.clone()
            }
            _ => {
                self.place_file(site_path, source)?;
                hash_file(source)?
            }
        };
        if let Some(source_stamp) = before {
            lock(&self.copies).push(known::Copied {
                path: key,
                source: source.to_path_buf(),
                source_stamp,
            });
        }
        Ok(entry)
    }

    /// Copies the file `source` to `site_path`, as [`Staging::place`] writes bytes.
    fn place_file(&self, site_path: &str, source: &Path) -> Result<()> {
        let Some(in_place) = &self.in_place else {
            let target = self.target(site_path)?;
            return std::fs::copy(source, &target)
                .map(drop)
                .map_err(|e| Error::io("cannot copy", source, e));
        };
        let rel = self.rel(site_path)?;
        if in_place.keep(&rel, |p| p.same_file(&rel, source)) {
            return Ok(());
        }
        let staged = in_place.stage(&self.dir, rel);
        std::fs::copy(source, &staged)
            .map(drop)
            .map_err(|e| Error::io("cannot copy", source, e))
    }

    /// `site_path` relative to the output folder, refused if it would leave it.
    fn rel(&self, site_path: &str) -> Result<PathBuf> {
        safe_join(Path::new(""), site_path).ok_or_else(|| {
            Error::Other(format!(
                "refusing to write `{site_path}`: it would leave the output folder"
            ))
        })
    }

    /// The file for `site_path` inside the staging folder, its folder created.
    fn target(&self, site_path: &str) -> Result<PathBuf> {
        let target = safe_join(&self.dir, site_path).ok_or_else(|| {
            Error::Other(format!(
                "refusing to write `{site_path}`: it would leave the output folder"
            ))
        })?;
        if let Some(parent) = target.parent() {
            self.make_folder(parent)?;
        }
        Ok(target)
    }

    /// Creates `folder` in the staging folder unless this build already did.
    fn make_folder(&self, folder: &Path) -> Result<()> {
        if lock(&self.made).contains(folder) {
            return Ok(());
        }
        // Safe to race: another thread creating the same folder is not an error.
        std::fs::create_dir_all(folder).map_err(|e| Error::io("cannot create", folder, e))?;
        lock(&self.made).insert(folder.to_path_buf());
        Ok(())
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
                let entry = match src {
                    Src::Bytes(b) => {
                        self.place(path, b)?;
                        Entry::of(b)
                    }
                    Src::File(p) => self.copy_file(path, p)?,
                };
                Ok((site_key(path), entry))
            })
            .collect::<Result<_>>()?;
        let mut all = generated;
        all.extend(copied);
        // In the staging folder, so the manifest is swapped in with the files it describes.
        let manifest = Manifest::new(header, all);
        self.place(manifest::FILE, &manifest.to_json())?;
        match self.in_place.take() {
            None => {
                self.changing();
                swap(&self.dir, &self.out)?;
                self.finished = true;
            }
            Some(in_place) => {
                let (journal, seen) = in_place.journal(&self.dir, &self.out, &self.folders_seen.0);
                *lock(&self.folders_seen.1) = seen;
                if journal.delete.is_empty() && journal.moves.is_empty() {
                    return Ok(manifest);
                }
                self.changing();
                journal.commit(&self.out)?;
                // Committed: the staging folder now belongs to the journal, which the next
                // run finishes if this one cannot.
                self.finished = true;
                journal.apply(&self.out)?;
            }
        }
        Ok(manifest)
    }
}

impl render::Sink for Staging {
    fn put(&self, output: Output) {
        if let Err(e) = self.write(&output.path, &output.bytes) {
            lock(&self.failed).get_or_insert(e);
        }
    }

    fn put_streamed(
        &self,
        path: &str,
        write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.write_streamed(path, write)
    }
}

impl Staging {
    /// Writes one generated file as `write` makes it (see [`render::Sink::put_streamed`]):
    /// into a file of the staging folder, then, when the output is updated in place, kept
    /// only if the previous output's file differs (compared in a stream, as assets are).
    /// The output's own write errors stop the build as [`Staging::write`]'s do.
    fn write_streamed(
        &self,
        site_path: &str,
        write: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let failed = |e: Error| {
            lock(&self.failed).get_or_insert(e);
            Ok(())
        };
        let (rel, target) = match &self.in_place {
            // Staged files are numbered: a name with letters cannot meet one.
            Some(_) => match self.rel(site_path) {
                Ok(rel) => {
                    let name = format!("stream-{}", rel.to_string_lossy().replace('/', "-"));
                    (Some(rel), self.dir.join(name))
                }
                Err(e) => return failed(e),
            },
            None => match self.target(site_path) {
                Ok(target) => (None, target),
                Err(e) => return failed(e),
            },
        };
        let file = std::fs::File::create(&target)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?;
        let entry = match hash_file(&target) {
            Ok(entry) => entry,
            Err(e) => return failed(e),
        };
        if let (Some(in_place), Some(rel)) = (&self.in_place, rel) {
            if in_place.keep(&rel, |p| p.same_file(&rel, &target)) {
                std::fs::remove_file(&target)?;
            } else {
                std::fs::rename(&target, in_place.stage(&self.dir, rel))?;
            }
        }
        if lock(&self.written)
            .insert(site_key(site_path), entry)
            .is_some()
        {
            return failed(Error::Other(format!(
                "`{site_path}` was generated twice in one build (a pressroom bug; please report it with the site)"
            )));
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The stamps of the files `site_paths` (manifest keys) of the output `out` as they are now
/// (see [`known`]); files without one (gone, linked, reached through a link) are left out.
pub fn stamps<'p>(
    out: &Path,
    site_paths: impl IntoParallelIterator<Item = &'p String>,
) -> FastMap<String, known::FileStamp> {
    stamps_in(out, &known::Folders::default(), site_paths)
}

/// [`stamps`], with the folders already looked at in `folders` (and those it looks at added).
pub fn stamps_in<'p>(
    out: &Path,
    folders: &known::Folders,
    site_paths: impl IntoParallelIterator<Item = &'p String>,
) -> FastMap<String, known::FileStamp> {
    site_paths
        .into_par_iter()
        .filter_map(|key| {
            let rel = safe_join(Path::new(""), key)?;
            if !folders.real(out, &rel) {
                return None;
            }
            known::stamp(&out.join(&rel)).map(|s| (key.clone(), s))
        })
        .collect()
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
    fn refuses_output_that_is_holds_or_sits_in_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        for dir in ["content", "data", "static", "templates", "themes"] {
            std::fs::create_dir_all(site.join(dir)).unwrap();
        }
        std::fs::write(site.join("site.toml"), "").unwrap();
        std::fs::write(site.join("published.lock"), "").unwrap();
        let refused = |out: PathBuf| {
            let e = claim(&site, &out, true).unwrap_err().to_string();
            assert!(e.contains("refusing"), "{}: {e}", out.display());
        };
        refused(site.clone());
        refused(site.join("content/../."));
        refused(tmp.path().to_path_buf());
        refused(PathBuf::from("/"));
        for name in SOURCES {
            refused(site.join(name));
        }
        refused(site.join("content/x"));
        refused(site.join("static/public"));
        refused(site.join("public/../data"));
        // A link to a source is the source.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(site.join("data"), tmp.path().join("link")).unwrap();
            refused(tmp.path().join("link"));
            refused(tmp.path().join("link/sub"));
        }
        assert_eq!(
            claim(&site, &site.join("public"), false).unwrap(),
            std::fs::canonicalize(&site).unwrap().join("public")
        );
        assert!(claim(&site, &tmp.path().join("public"), false).is_ok());
    }

    #[test]
    fn refuses_folders_pressroom_did_not_write_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let web = tmp.path().join("www");
        std::fs::create_dir_all(&web).unwrap();
        assert!(claim(&site, &web, false).is_ok(), "an empty folder is fine");
        std::fs::write(web.join("index.html"), "theirs").unwrap();
        let e = claim(&site, &web, false).unwrap_err().to_string();
        assert!(
            e.contains("--force") && e.contains("pressroom did not write"),
            "{e}"
        );
        assert!(claim(&site, &web, true).is_ok());
        std::fs::write(web.join(manifest::FILE), Manifest::empty().to_json()).unwrap();
        assert!(claim(&site, &web, false).is_ok(), "a pressroom output");
        let e = claim(&site, &web.join("index.html"), true).unwrap_err();
        assert!(e.to_string().contains("is a file"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn stale_staging_goes_only_when_its_build_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let live = beside(&out, "tmp-1"); // pid 1 is always running
        let gone = beside(&out, &format!("tmp-{dead}"));
        let old = beside(&out, &format!("old-{dead}"));
        for d in [&live, &gone, &old] {
            std::fs::create_dir_all(d.join("x")).unwrap();
        }
        clear_stale(&out);
        assert!(live.exists(), "a running build's staging stays");
        assert!(!gone.exists() && !old.exists());
    }

    #[test]
    fn a_second_build_of_one_output_is_refused_while_the_first_writes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::begin(&out).unwrap();
        let e = Staging::begin(&out).err().expect("refused").to_string();
        assert!(e.contains("another pressroom build"), "{e}");
        assert!(first.dir.exists(), "the first build's staging is untouched");
        drop(first);
        assert!(Staging::begin(&out).is_ok(), "free again");
    }
}
