//! What a run was asked to do: the options every command shares, resolved once (the clock is
//! read here and nowhere else).

use jiff::Timestamp;
use std::path::PathBuf;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// `path:line:col: error: message` lines.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// Options for building a site.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// Where the output goes (default `ROOT/public`).
    pub output: PathBuf,
    /// The build clock: embargoes, the ledger's first-publication times, the news sitemap.
    pub now: Timestamp,
    /// Include drafts, embargoed and standby items, with banners.
    pub drafts: bool,
    /// Override `base_url`.
    pub base_url: Option<String>,
    /// Replace an output folder that pressroom did not write (`build --force`).
    pub force: bool,
    /// Whether this build is a preview (serve): the ledger is read but never written.
    pub preview: bool,
    /// Run `check`'s audits on the finished site (links, embargo leaks, lint, parity).
    pub audit: bool,
    /// With `audit`: also fetch external links and source URLs (`check --external`).
    pub external: bool,
    /// Fail (exit 1) when there are warnings, writing nothing (`--deny-warnings`, for CI).
    pub deny_warnings: bool,
    /// Render only what changed since the last build of the same output, from the state it
    /// left in `.pressroom/cache/build/` (`build --no-cache` turns it off).
    pub cache: bool,
    /// Told as each phase of the run ends (a terminal's progress line); None: silent.
    pub progress: Option<Progress>,
}

/// A callback told what is done as each phase ends: its name (`markdown`), or `all 5400 items`
/// once every page is rendered, before the output is written.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    /// Tells the callback that `phase` is done.
    pub fn tell(&self, phase: &str) {
        (self.0)(phase)
    }
}

impl BuildOptions {
    /// Options for building `root` into `root/public` at time `now`.
    pub fn new(root: impl Into<PathBuf>, now: Timestamp) -> Self {
        let root = root.into();
        BuildOptions {
            output: root.join("public"),
            root,
            now,
            drafts: false,
            base_url: None,
            force: false,
            preview: false,
            audit: false,
            external: false,
            progress: None,
            deny_warnings: false,
            cache: true,
        }
    }
}
