//! pressroom: a static-site generator for corporate newsrooms.
//!
//! The pipeline is a chain of functions over values, in one direction:
//! `config::Config::load` → `content::load` → `model::assemble` → `markdown::render_all` →
//! `render::render_site` → `output::Staging`. [`build`] is that chain; [`render_in_memory`] stops
//! before the disk (serve uses it).

pub mod cache;
pub mod check;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod diag;
pub mod error;
pub mod external;
pub mod markdown;
pub mod model;
pub mod options;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;

use diag::Diagnostic;
pub use error::{Error, Result};
use jiff::Timestamp;
pub use options::{BuildOptions, MessageFormat};
use rayon::prelude::*;
use render::Output;
use render::theme::StaticSource;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A run that stopped, with every diagnostic found before it stopped.
#[derive(Debug)]
pub struct Failure {
    /// Why it stopped.
    pub error: Error,
    /// What was found (errors and warnings), sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            diagnostics: vec![],
        }
    }
}

/// A site rendered in memory: every file the output will contain.
#[derive(Debug, Default)]
pub struct Built {
    /// Generated files.
    pub outputs: Vec<Output>,
    /// Theme and site static files by output path.
    pub statics: BTreeMap<String, StaticSource>,
    /// Content assets: (output path, source file).
    pub assets: Vec<(String, PathBuf)>,
    /// Warnings (a built site has no errors).
    pub diagnostics: Vec<Diagnostic>,
    /// Item pages written.
    pub items: usize,
    /// Embargoed items held back.
    pub withheld: usize,
    /// The next embargo-lift time.
    pub next_embargo: Option<Timestamp>,
    /// The publication ledger to write after the output, when this build changes it.
    pub ledger: Option<String>,
    /// What changes in the ledger (new items, recorded notices).
    pub ledger_changes: Vec<String>,
    /// The site's `base_url` (after `--base-url`).
    pub base_url: String,
    /// What [`build`] wrote: every file with its hash (written as `.pressroom-manifest.json`).
    pub manifest: Option<deploy::manifest::Manifest>,
    /// How long each phase took, in order (`build --timings` prints them).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Measures consecutive phases of a run.
struct Stopwatch {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Ends the phase called `name`.
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

/// Checks the site against `published.lock` (see [`model::ledger`]). Returns the new ledger
/// text when the build should write it. Previews report problems as warnings and never write.
fn check_ledger(
    opts: &BuildOptions,
    site: &model::Site,
    diags: &mut Vec<Diagnostic>,
    cache: &mut cache::BuildCache,
) -> (Option<String>, Vec<String>) {
    use model::ledger;
    let mut clock = std::time::Instant::now();
    let hashes = cache.content_hashes(site);
    cache.lap("  hashes", &mut clock);
    let path = opts.root.join(ledger::FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            diags.push(Diagnostic::error(
                ledger::FILE,
                1,
                1,
                format!("cannot read: {e}"),
            ));
            return (None, vec![]);
        }
    };
    let soften = |d: Diagnostic| {
        if opts.preview {
            Diagnostic {
                severity: diag::Severity::Warning,
                ..d
            }
        } else {
            d
        }
    };
    let recorded = match cache.parse_ledger(&text) {
        Ok(l) => l,
        Err(d) => {
            diags.push(soften(d));
            return (None, vec![]);
        }
    };
    cache.lap("  parse", &mut clock);
    let outcome = match hashes {
        Some(h) => ledger::check_with(site, &recorded, &text, opts.now, &opts.root, &|id| {
            h[id].clone()
        }),
        None => ledger::check(site, &recorded, &text, opts.now, &opts.root),
    };
    cache.lap("  check", &mut clock);
    let failed = !outcome.diagnostics.is_empty();
    diags.extend(outcome.diagnostics.into_iter().map(soften));
    if outcome.changes.is_empty() || failed || opts.preview || opts.drafts {
        return (None, outcome.changes);
    }
    if opts.locked {
        let list = outcome.changes.join("; ");
        diags.push(
            Diagnostic::error(
                ledger::FILE,
                1,
                1,
                format!("published.lock would change ({list}), and --locked forbids it"),
            )
            .with_help(
                "run `pressroom build` without --locked and commit published.lock with the content",
            ),
        );
        return (None, outcome.changes);
    }
    (Some(outcome.next.to_text()), outcome.changes)
}

/// Loads, checks and renders the site in memory. Content errors fail with all diagnostics.
pub fn render_in_memory(opts: &BuildOptions) -> std::result::Result<Built, Failure> {
    render_in_memory_cached(opts, &mut cache::BuildCache::off())
}

/// [`render_in_memory`], reusing what `cache` kept from earlier builds of the same site
/// (serve's incremental rebuilds; see [`cache`]).
pub fn render_in_memory_cached(
    opts: &BuildOptions,
    cache: &mut cache::BuildCache,
) -> std::result::Result<Built, Failure> {
    render_to(opts, cache, None)
}

/// Loads, checks and renders the site. Generated files go to `stream` as they are rendered
/// (and `Built::outputs` stays empty), or with None are kept in `Built::outputs`.
fn render_to(
    opts: &BuildOptions,
    cache: &mut cache::BuildCache,
    stream: Option<&dyn render::Sink>,
) -> std::result::Result<Built, Failure> {
    let mut watch = Stopwatch::start();
    let config = config::Config::load(&opts.root, opts.base_url.as_deref())?;
    let mut diags = Vec::new();
    let site = match cache.patch(&config, opts, &mut diags) {
        Some(site) => {
            watch.lap("patch");
            site
        }
        None => {
            let content = cache.load_content(&config, opts, &mut diags);
            watch.lap("load content");
            let mut site = model::assemble::assemble(&config, opts, content, &mut diags);
            watch.lap("assemble");
            cache.render_markdown(&mut site, &config, &mut diags);
            watch.lap("markdown");
            site
        }
    };
    let (ledger, ledger_changes) = check_ledger(opts, &site, &mut diags, cache);
    watch.lap("ledger");
    watch.laps.extend(cache.take_laps());
    let fail = |error: Error, diags: Vec<Diagnostic>| {
        let mut d = diag::Diagnostics::default();
        d.extend(diags);
        Failure {
            error,
            diagnostics: d.into_sorted(),
        }
    };
    let theme = match cache.theme(&config, &mut diags) {
        Ok(t) => t,
        Err(e) => return Err(fail(e, diags)),
    };
    let ctx = render::RenderCtx::new(&site, &config, &theme, opts);
    // The model's URL checks report an alias equal to another URL first: once is enough.
    let collisions: Vec<Diagnostic> = render::alias_collisions(&ctx)
        .into_iter()
        .filter(|c| {
            !diags
                .iter()
                .any(|d| d.is_error() && (&d.path, d.line, d.col) == (&c.path, c.line, c.col))
        })
        .collect();
    diags.extend(collisions);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(fail(Error::Content(errors), diags));
    }
    watch.lap("theme");
    let kept = render::Keep::default();
    cache.render_pages(&ctx, &mut diags, stream.unwrap_or(&kept));
    let outputs = kept.into_outputs();
    watch.lap("render");
    watch.laps.extend(cache.take_laps());
    if opts.audit {
        let extra = theme
            .statics
            .keys()
            .cloned()
            .chain(site.assets.iter().map(|(p, _)| p.clone()))
            .collect();
        diags.extend(check::audit(&site, &config, &outputs, &extra));
        if opts.external {
            diags.extend(external::check(&site, external::Limits::default()));
        }
        watch.lap("audit");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(fail(Error::Content(errors), diags));
    }
    let mut sorted = diag::Diagnostics::default();
    sorted.extend(diags);
    let items = (0..site.items.len())
        .filter(|&i| site.is_written(i))
        .count();
    let (withheld, next_embargo) = (site.withheld.len(), site.next_embargo_lift());
    let statics = theme.statics.clone();
    drop(ctx);
    let assets = cache.keep_site(site);
    Ok(Built {
        items,
        withheld,
        next_embargo,
        base_url: config.base_url.clone(),
        manifest: None,
        outputs,
        statics,
        assets,
        diagnostics: sorted.into_sorted(),
        ledger,
        ledger_changes,
        timings: watch.laps,
    })
}

/// Builds the site into `opts.output`, atomically: pages are written into a staging folder
/// as they are rendered, which replaces the output only when the build succeeded.
pub fn build(opts: &BuildOptions) -> std::result::Result<Built, Failure> {
    let out = output::claim(&opts.root, &opts.output, opts.force)?;
    let staging = output::Staging::begin(&out)?;
    // `--audit` reads every page back once all are rendered: those are kept, written after.
    let stream = (!opts.audit).then_some(&staging as &dyn render::Sink);
    let mut built = render_to(opts, &mut cache::BuildCache::off(), stream)?;
    let writing = std::time::Instant::now();
    let header = deploy::manifest::Header {
        base_url: built.base_url.clone(),
        next_embargo_lift: built.next_embargo.map(dates::rfc3339_utc),
        drafts: opts.drafts,
    };
    let written = std::mem::take(&mut built.outputs)
        .into_par_iter()
        .try_for_each(|o| staging.write(&o.path, &o.bytes))
        .and_then(|()| staging.finish(&built.statics, &built.assets, &header));
    match written {
        Ok(manifest) => built.manifest = Some(manifest),
        Err(error) => {
            return Err(Failure {
                error,
                diagnostics: built.diagnostics,
            });
        }
    }
    if let Some(text) = &built.ledger {
        // Written after the output, like a commit record: a build that failed records nothing.
        let path = opts.root.join(model::ledger::FILE);
        let tmp = opts
            .root
            .join(format!(".{}.pressroom-tmp", model::ledger::FILE));
        let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Failure {
                error: Error::io("cannot write", path, e),
                diagnostics: built.diagnostics,
            });
        }
    }
    built.timings.push(("write", writing.elapsed()));
    Ok(built)
}
