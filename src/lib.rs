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
pub mod keys;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod options;
pub mod output;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod toml_slip;

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
    /// The ledger as it is once this output is online (`deploy` records it; see [`publish`]).
    /// None when the ledger has problems (a preview shows them as warnings).
    pub publication: Option<publish::Pending>,
    /// Where the public publication record of this output ends (None: the ledger had problems).
    pub record_head: Option<deploy::manifest::RecordHead>,
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
    progress: Option<options::Progress>,
}

impl Stopwatch {
    fn start(progress: Option<options::Progress>) -> Self {
        Stopwatch {
            last: std::time::Instant::now(),
            laps: Vec::new(),
            progress,
        }
    }

    /// Ends the phase called `name`.
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
        if let Some(progress) = &self.progress {
            progress.tell(name);
        }
    }
}

/// What the ledger step decided: what this build's output records when it goes online.
#[derive(Debug, Default)]
struct LedgerStep {
    /// The pending ledger (None when the ledger has errors or could not be read).
    pending: Option<publish::Pending>,
    /// The ledger once this output is online, for the public record.
    next: Option<model::ledger::Ledger>,
}

/// Checks the site against `published.lock` (see [`model::ledger`]) and computes the ledger as
/// it is once this build's output is online. Releases that keep the boilerplate they were
/// published with get it back here. Previews report problems as warnings.
fn check_ledger(
    opts: &BuildOptions,
    config: &config::Config,
    site: &mut model::Site,
    diags: &mut Vec<Diagnostic>,
    cache: &mut cache::BuildCache,
) -> LedgerStep {
    use model::ledger;
    let mut clock = std::time::Instant::now();
    let hashes = cache.body_hashes(site);
    cache.lap("  hashes", &mut clock);
    let text = match publish::read_ledger(&opts.root) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(ledger::FILE, 1, 1, e.to_string()));
            return LedgerStep::default();
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
    let recorded = match cache.parse_ledger(text.as_deref().unwrap_or("")) {
        Ok(l) => l,
        Err(d) => {
            diags.push(soften(d));
            return LedgerStep::default();
        }
    };
    cache.lap("  parse", &mut clock);
    let inputs = ledger::Inputs {
        ledger_text: text.as_deref().unwrap_or(""),
        now: opts.now,
        root: &opts.root,
        host: &render::feeds::host(config),
        body_hash: &|id| hashes[id].clone(),
    };
    let outcome = ledger::check(site, &recorded, &inputs);
    cache.lap("  check", &mut clock);
    markdown::pin_boilerplates(site, &outcome.pinned_boilerplates);
    site.tags = outcome.tags;
    if !outcome.diagnostics.is_empty() {
        diags.extend(outcome.diagnostics.into_iter().map(soften));
        return LedgerStep::default();
    }
    // Nothing to record: the ledger stays the file as it is (no rewrite of a large ledger on
    // every build, and no reformatting of one written by hand).
    let next_text = match &text {
        Some(t) if outcome.changes.is_empty() => Ok(t.clone()),
        _ => outcome.next.to_text(),
    };
    let pending = match next_text {
        Ok(ledger) => publish::Pending {
            root: std::path::absolute(&opts.root).unwrap_or_else(|_| opts.root.clone()),
            base: publish::base_of(text.as_deref()),
            changes: outcome.changes,
            ledger,
        },
        Err(e) => {
            diags.push(Diagnostic::error(ledger::FILE, 1, 1, e.to_string()));
            return LedgerStep::default();
        }
    };
    LedgerStep {
        pending: Some(pending),
        next: Some(outcome.next),
    }
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

/// The site, assembled with its Markdown rendered: serve's last site patched when the cache
/// can, else loaded, assembled and rendered.
fn load_site(
    opts: &BuildOptions,
    config: &config::Config,
    cache: &mut cache::BuildCache,
    diags: &mut Vec<Diagnostic>,
    watch: &mut Stopwatch,
) -> model::Site {
    if let Some(site) = cache.patch(config, opts, diags) {
        watch.lap("patch");
        return site;
    }
    let content = cache.load_content(config, opts, diags);
    watch.lap("load content");
    let mut site = model::assemble::assemble(config, opts, content, diags);
    watch.lap("assemble");
    cache.render_markdown(&mut site, config, diags);
    watch.lap("markdown");
    site
}

/// `check`'s audits of the finished outputs (and `--external`'s fetches).
fn audit(
    opts: &BuildOptions,
    site: &model::Site,
    config: &config::Config,
    theme: &render::theme::Theme,
    outputs: &[Output],
) -> Vec<Diagnostic> {
    let extra = theme
        .statics
        .keys()
        .cloned()
        .chain(site.assets.iter().map(|(p, _)| p.clone()))
        .collect();
    let mut diags = check::audit(site, config, outputs, &extra);
    if opts.external {
        diags.extend(external::check(site, external::Limits::default()));
    }
    diags
}

/// Where the public publication record of `next` ends (kept by a deployment's manifest).
fn record_head(next: &model::ledger::Ledger) -> deploy::manifest::RecordHead {
    let links = model::ledger::chain(&next.events);
    deploy::manifest::RecordHead {
        events: links.len(),
        head: links.last().cloned().unwrap_or_default(),
    }
}

/// Loads, checks and renders the site. Generated files go to `stream` as they are rendered
/// (and `Built::outputs` stays empty), or with None are kept in `Built::outputs`.
fn render_to(
    opts: &BuildOptions,
    cache: &mut cache::BuildCache,
    stream: Option<&dyn render::Sink>,
) -> std::result::Result<Built, Failure> {
    let mut watch = Stopwatch::start(opts.progress.clone());
    let config = config::Config::load(&opts.root, opts.base_url.as_deref())?;
    let mut diags = Vec::new();
    let mut site = load_site(opts, &config, cache, &mut diags, &mut watch);
    let ledger = check_ledger(opts, &config, &mut site, &mut diags, cache);
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
    let sink = stream.unwrap_or(&kept);
    cache.render_pages(&ctx, &mut diags, sink);
    if let Some(next) = &ledger.next {
        sink.put(render::record::public_record(next, &config));
    }
    let outputs = kept.into_outputs();
    watch.lap("render");
    watch.laps.extend(cache.take_laps());
    if opts.audit {
        diags.extend(audit(opts, &site, &config, &theme, &outputs));
        watch.lap("audit");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err(fail(Error::Content(errors), diags));
    }
    // Checked after the audit, whose findings are warnings too; before anything is written.
    if opts.deny_warnings && !diags.is_empty() {
        let warnings = diags.len();
        return Err(fail(Error::Warnings(warnings), diags));
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
        record_head: ledger.next.as_ref().map(record_head),
        publication: ledger.pending,
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
    if let Some(progress) = &opts.progress {
        progress.tell(&format!("all {} items", built.items));
    }
    let header = deploy::manifest::Header {
        base_url: built.base_url.clone(),
        next_embargo_lift: built.next_embargo.map(dates::rfc3339_utc),
        drafts: opts.drafts,
        record: built.record_head.clone(),
    };
    // The pending ledger goes into the staging folder, so it is swapped in with the output it
    // describes. A drafts build is never deployable and records nothing.
    if opts.drafts {
        built.publication = None;
    }
    let pending = match &built.publication {
        Some(p) => Some(serde_json::to_vec_pretty(p).map_err(|e| Error::Other(e.to_string()))?),
        None => None,
    };
    let written = std::mem::take(&mut built.outputs)
        .into_par_iter()
        .try_for_each(|o| staging.write(&o.path, &o.bytes))
        .and_then(|()| match &pending {
            Some(json) => staging.write_beside(publish::PENDING, json),
            None => Ok(()),
        })
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
    built.timings.push(("write", writing.elapsed()));
    Ok(built)
}
