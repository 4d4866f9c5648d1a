//! Watching the site for changes with notify: the folders a build reads, debounced into
//! batches, with editor temp and swap files ignored.

use crate::error::{Error, Result};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// What changed in one burst of events.
pub(super) struct Batch {
    /// The relevant changed paths, sorted.
    pub(super) paths: Vec<PathBuf>,
    /// Whether `paths` is every change: false when the watcher lost events (its queue
    /// overflowed) or reported an error, and every file must be looked at again.
    pub(super) complete: bool,
    /// When the burst's first event arrived (edit-to-reload latency counts from there).
    pub(super) first: std::time::Instant,
}

/// A live watcher and the stream of changed paths it produces.
pub(super) struct Changes {
    /// Kept alive for as long as changes are wanted.
    watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    closed: std::cell::Cell<bool>,
    /// The site root, and which of its [`WATCHED`] folders have a recursive watch now.
    root: PathBuf,
    /// The root made absolute as notify makes it (the working folder joined to a relative
    /// root): the paths it reports begin with it.
    absolute_root: PathBuf,
    watched: std::collections::BTreeSet<PathBuf>,
}

/// The folders a build reads, each watched recursively while it exists. The root itself is
/// watched only one level deep: a recursive watch of the root would also follow `public/`,
/// `.git/` and whatever else lives beside the site, and every build or commit would be events.
const WATCHED: [&str; 5] = ["content", "data", "static", "themes", "templates"];

/// Starts watching `content/`, `data/`, `static/`, `themes/`, `templates/` and the root
/// folder itself (for `site.toml`; editors replace files, so the file alone is not enough).
/// A folder created later is picked up by [`Changes::refresh`].
pub(super) fn watch(root: &Path) -> Result<Changes> {
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Error::Other(format!("cannot watch files: {e}")))?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Other(format!("cannot watch `{}`: {e}", root.display())))?;
    let mut changes = Changes {
        watcher,
        rx,
        closed: std::cell::Cell::new(false),
        root: root.to_path_buf(),
        absolute_root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
        watched: Default::default(),
    };
    changes.refresh(&[])?;
    Ok(changes)
}

impl Changes {
    /// Waits up to `wait` for a change, then collects what follows until 5 ms pass without an
    /// event (an editor's save is several events, microseconds to a few milliseconds apart;
    /// every millisecond waited here is a millisecond of edit-to-reload latency). Returns the
    /// relevant changes, or None.
    pub(super) fn next_batch(&self, wait: Duration) -> Option<Batch> {
        let first = match self.rx.recv_timeout(wait) {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed.set(true);
                return None;
            }
        };
        let arrived = std::time::Instant::now();
        let mut paths = Vec::new();
        let mut complete = true;
        let mut take = |e: notify::Result<notify::Event>| match e {
            Ok(e) => {
                if e.need_rescan() {
                    complete = false;
                }
                if matches!(e.kind, notify::EventKind::Access(_)) {
                    return;
                }
                let relevant = e.paths.into_iter().filter(|p| is_relevant(p));
                paths.extend(relevant.map(|p| as_given(&self.root, &self.absolute_root, p)));
            }
            Err(_) => complete = false,
        };
        take(first);
        // Gather the rest of a burst, but for a bounded time: a steady trickle of events (the
        // server's own reads of static files raise access events, many a second under load)
        // kept this loop going forever, and no edit was rebuilt while pages were being fetched.
        let until = std::time::Instant::now() + Duration::from_millis(250);
        while std::time::Instant::now() < until {
            match self.rx.recv_timeout(Duration::from_millis(5)) {
                Ok(e) => take(e),
                Err(_) => break,
            }
        }
        paths.sort();
        paths.dedup();
        (!paths.is_empty() || !complete).then_some(Batch {
            paths,
            complete,
            first: arrived,
        })
    }

    /// Watches each of the build's folders that exists and is not watched yet, and forgets
    /// the watches of those that are gone. Call it with every batch's paths and before the
    /// rebuild it starts: a `templates/` folder made while serving is then watched from that
    /// build on (its creation, seen through the root's watch, is in the batch), and the
    /// rebuild reads whatever was written into it before the watch began. A folder named in
    /// the batch itself is watched anew: it may have been removed and made again, and the old
    /// watch ended with the old folder.
    pub(super) fn refresh(&mut self, changed: &[PathBuf]) -> Result<()> {
        for path in changed {
            if self.watched.remove(path) {
                let _ = self.watcher.unwatch(path);
            }
        }
        for dir in WATCHED {
            let path = self.root.join(dir);
            let exists = path.is_dir();
            if exists && !self.watched.contains(&path) {
                self.watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| Error::Other(format!("cannot watch `{}`: {e}", path.display())))?;
                self.watched.insert(path);
            } else if !exists && self.watched.remove(&path) {
                // The watch ended with the folder; notify may or may not know it yet.
                let _ = self.watcher.unwatch(&path);
            }
        }
        Ok(())
    }

    /// Whether the watcher has stopped.
    pub(super) fn closed(&self) -> bool {
        self.closed.get()
    }
}

/// A reported path as the build names it: under the root as given (`.`, `my-site`), not the
/// absolute one notify reports. The build keys the files it read by that name, and a changed
/// file it did not recognise was read again with every other one (a relative `--root`, the
/// default `.` among them, never took serve's patch path).
fn as_given(root: &Path, absolute_root: &Path, path: PathBuf) -> PathBuf {
    match path.strip_prefix(absolute_root) {
        Ok(rel) => root.join(rel),
        Err(_) => path,
    }
}

/// Editor temp and swap files, and the root's unrelated files, do not trigger builds.
fn is_relevant(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let temp = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    if temp {
        return false;
    }
    let in_watched_dir = path.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some(dir) if WATCHED.contains(&dir)
        )
    });
    in_watched_dir || name == "site.toml" || name == "published.lock"
}
