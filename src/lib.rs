//! pressroom: a static-site generator for corporate newsrooms.
//!
//! The pipeline is a chain of functions over values, in one direction ([`render`] reads as it):
//!
//! 1. `config::Config::load` — `site.toml` and the options;
//! 2. `content::load` — every content file parsed (front matter, body);
//! 3. `model::assemble::assemble` — the [`model::Site`]: items, sections, taxonomies, people,
//!    sources, URLs, what is published and where it appears;
//! 4. `images::process` — the local images the bodies show, resized and encoded (or taken
//!    from the cache), ready for `<picture>`;
//! 5. `markdown::render_all` — each item's Markdown, citations and notices rendered;
//! 6. [`publish::ledger_stage`] — the site checked against `published.lock`, the ledger this output
//!    records when it goes online;
//! 7. `render::theme::Theme::load`, then `render::render_site` — every page and
//!    [`render::Artifact`] (feeds, sitemaps, search, redirects, the public record);
//! 8. [`finish`] — `check`'s audits, the warnings gate, the [`Built`] summary;
//!
//! and [`build`] writes it through `output::Staging` (atomic: the previous output stands
//! until the new one is complete). [`render_in_memory`] stops before the disk (`check`).
//! `serve`'s rebuilds compose the same stages with memo tables: see [`incremental`].

pub mod anchors;
pub mod bytewise;
pub mod check;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod diag;
pub mod error;
pub mod external;
pub mod fast_map;
pub mod fingerprint;
pub mod images;
pub mod import;
pub mod incremental;
pub mod keys;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod options;
pub mod output;
pub mod paths;
pub mod percent;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod slug;
pub mod stamp;
pub mod toml_slip;

use diag::Diagnostic;
pub use error::{Error, Result};
use jiff::Timestamp;
pub use options::{BuildOptions, MessageFormat};
use rayon::prelude::*;
use render::Output;
use render::theme::{StaticSource, Theme};
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
    /// [`publish::pending_file`] of `publication`, when the incremental layer had it from the
    /// last build (see [`incremental::persist`]).
    pub publication_file: Option<std::sync::Arc<Vec<u8>>>,
    /// Where the public publication record of this output ends (None: the ledger had problems,
    /// or the build is a preview, which is never written).
    pub record_head: Option<manifest::RecordHead>,
    /// The site's `base_url` (after `--base-url`).
    pub base_url: String,
    /// What [`build`] wrote: every file with its hash (written as `.pressroom-manifest.json`).
    pub manifest: Option<manifest::Manifest>,
    /// How long each phase took, in order (`build --timings` prints them).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Derived images made and taken from the cache.
    pub images: images::Stats,
    /// What a build through the incremental layer did anew (None: a plain build).
    pub incremental: Option<incremental::RebuildStats>,
}

/// Measures consecutive phases of a run.
pub struct Stopwatch {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
    progress: Option<options::Progress>,
}

impl Stopwatch {
    /// Starts the first phase.
    pub fn start(progress: Option<options::Progress>) -> Self {
        Stopwatch {
            last: std::time::Instant::now(),
            laps: Vec::new(),
            progress,
        }
    }

    /// Adds steps timed elsewhere (inside a phase), in order.
    pub fn extend(&mut self, laps: Vec<(&'static str, std::time::Duration)>) {
        self.laps.extend(laps);
    }

    /// Adds a phase that ran beside the one ending next, on other cores: it has its own
    /// time, and ends no phase.
    pub fn beside(&mut self, name: &'static str, took: std::time::Duration) {
        self.laps.push((name, took));
    }

    /// Ends the phase called `name`.
    pub fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
        if let Some(progress) = &self.progress {
            progress.tell(name);
        }
    }
}

/// The pipeline: loads, checks and renders the site. Generated files go to `stream` as they
/// are rendered (and `Built::outputs` stays empty), or with None are kept in `Built::outputs`;
/// an audit keeps the pages in any case (see [`render_into`]).
fn render(
    opts: &BuildOptions,
    stream: Option<&dyn render::Sink>,
    images: images::Mode,
) -> std::result::Result<Built, Failure> {
    let mut watch = Stopwatch::start(opts.progress.clone());
    let config = config::Config::load(&opts.root, opts.base_url.as_deref())?;
    let mut diags = Vec::new();
    let content = content::load(&config, &mut diags);
    watch.lap("load content");
    let mut site = model::assemble::assemble(&config, opts, content, &mut diags);
    watch.lap("assemble");
    let mode = images;
    let images = images::process(&mut site, &config, mode, &mut diags);
    watch.lap("images");
    markdown::render_all(&mut site, &config, &mut diags);
    watch.lap("markdown");
    let records = model::ledger::records(&site);
    let stage: LedgerInputs<'_> = (&mut site, &mut diags, &records, &mut publish::Afresh);
    let (ledger, (theme, took)) =
        ledger_and_theme(opts, &config, stage, |d| Theme::load_for(&config, d, mode))?;
    watch.lap("ledger");
    watch.beside("theme", took);
    let related = render::related::related(&site);
    watch.lap("related");
    let ctx = render::RenderCtx::new(&site, &config, &theme, opts, related)
        .with_record(ledger.next.as_deref());
    let pages = render::pages::page_jobs(&ctx);
    stop_on_errors(&ctx, &pages, &mut diags)?;
    let ((outputs, scanned), ledger_file) = rayon::join(
        || render_into(&ctx, pages, &mut diags, stream),
        || ledger_file(opts, stream.is_some(), &ledger),
    );
    watch.lap("render");
    let run = Rendered {
        site: &site,
        config: &config,
        theme: &theme,
        outputs,
        scanned,
        ledger,
        images,
    };
    let built = finish(opts, run, diags, watch);
    // What the pages were made of is freed on a thread of its own while the output is
    // written: tens of thousands of items' values, 0.15 s of one core at 100,000 items.
    free_beside((site, theme));
    let mut built = built?;
    built.publication_file = ledger_file;
    Ok(built)
}

/// Frees `value` on a thread of its own, off the path of what the caller does next (without
/// a thread, as when none can be made, it is freed here).
pub(crate) fn free_beside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

/// The pending ledger's file, made while the pages render (a whole core's work at the end of
/// a build otherwise: 13 MB of JSON at 10,000 items); None for a run that writes nothing or
/// records nothing (a drafts build), or when it cannot be made, which [`write`] then reports.
fn ledger_file(
    opts: &BuildOptions,
    writes: bool,
    ledger: &publish::LedgerStep,
) -> Option<std::sync::Arc<Vec<u8>>> {
    let pending = ledger.pending.as_ref().filter(|_| writes && !opts.drafts)?;
    publish::pending_file(pending).ok().map(std::sync::Arc::new)
}

/// Renders the site into `stream`, or with None keeps it for [`Built::outputs`]; returns what
/// was kept. An audit keeps the pages, which it reads back, but no streamed file (a kit's
/// ZIP, which can be gigabytes): each is searched for embargo traces as it is written on to
/// `stream`, or only searched (`check`).
fn render_into<'a>(
    ctx: &'a render::RenderCtx<'_>,
    pages: Vec<render::pages::PageJob<'a>>,
    diags: &mut Vec<Diagnostic>,
    stream: Option<&dyn render::Sink>,
) -> (Vec<Output>, Vec<check::Scanned>) {
    if ctx.opts.audit {
        let scanning = check::Scanning::new(ctx.site, stream);
        render::render_site(ctx, pages, diags, &scanning);
        return scanning.into_parts();
    }
    let kept = render::Keep::default();
    render::render_site(ctx, pages, diags, stream.unwrap_or(&kept));
    (kept.into_outputs(), Vec::new())
}

/// Loads, checks and renders the site in memory. Content errors fail with all diagnostics.
pub fn render_in_memory(opts: &BuildOptions) -> std::result::Result<Built, Failure> {
    // `check` writes nothing, not even the image cache: images are decoded, not encoded.
    render(opts, None, images::Mode::Check)
}

/// Builds the site into `opts.output`, atomically: pages are written into a staging folder
/// as they are rendered, which replaces the output only when the build succeeded.
pub fn build(opts: &BuildOptions) -> std::result::Result<Built, Failure> {
    let out = output::claim(&opts.root, &opts.output, opts.force)?;
    let staging = output::Staging::begin(&out)?;
    // With what the last build left, only what changed is rendered (see `incremental::persist`).
    match incremental::persist::Persisted::open(opts, &out) {
        Some(memo) => return memo.build(opts, staging),
        None => incremental::persist::forget(&opts.root, &out),
    }
    // `--audit` reads every page back once all are rendered: those are kept, written after
    // (see `render_into`).
    let built = render(opts, Some(&staging), images::Mode::Make)?;
    write(opts, staging, built)
}

/// The ledger stage and the theme's loading, side by side: neither reads what the other
/// makes, and the ledger checks every item on one core (~0.1 s at 10k items) while the
/// templates parse on the other. The theme comes with the time its loading took; its
/// diagnostics follow the ledger's, as when the stages ran one after the other.
pub(crate) fn ledger_and_theme<T: Send>(
    opts: &BuildOptions,
    config: &config::Config,
    (site, diags, records, memo): LedgerInputs<'_>,
    load_theme: impl FnOnce(&mut Vec<Diagnostic>) -> Result<T> + Send,
) -> std::result::Result<(publish::LedgerStep, (T, std::time::Duration)), Failure> {
    let mut theme_diags = Vec::new();
    let (ledger, theme) = rayon::join(
        || publish::ledger_stage(opts, config, site, diags, records, memo),
        || {
            let started = std::time::Instant::now();
            (load_theme(&mut theme_diags), started.elapsed())
        },
    );
    diags.append(&mut theme_diags);
    match theme {
        (Ok(theme), took) => Ok((ledger, (theme, took))),
        (Err(e), _) => Err(fail(e, std::mem::take(diags))),
    }
}

/// What the ledger stage reads and changes: the site, the diagnostics, the items' records
/// and the ledger's memo.
pub(crate) type LedgerInputs<'a> = (
    &'a mut model::Site,
    &'a mut Vec<Diagnostic>,
    &'a [Option<std::sync::Arc<model::record::Hashed>>],
    &'a mut (dyn publish::LedgerMemo + Send),
);

/// The run's failure, with all its diagnostics, sorted.
fn fail(error: Error, diags: Vec<Diagnostic>) -> Failure {
    let mut d = diag::Diagnostics::default();
    d.extend(diags);
    Failure {
        error,
        diagnostics: d.into_sorted(),
    }
}

/// The last check before anything is rendered: aliases that would take another file's place
/// (among them `pages`, every templated page) join the diagnostics, and any error stops the run.
pub fn stop_on_errors(
    ctx: &render::RenderCtx<'_>,
    pages: &[render::pages::PageJob<'_>],
    diags: &mut Vec<Diagnostic>,
) -> std::result::Result<(), Failure> {
    // The model's URL checks report an alias equal to another URL first: once is enough.
    let collisions: Vec<Diagnostic> = render::alias_collisions(ctx, pages)
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
        return Err(fail(Error::Content(errors), std::mem::take(diags)));
    }
    Ok(())
}

/// Everything a run rendered, for [`finish`].
pub struct Rendered<'r> {
    /// The site.
    pub site: &'r model::Site,
    /// The config.
    pub config: &'r config::Config,
    /// The theme.
    pub theme: &'r Theme,
    /// The generated files kept in memory (none when they were streamed to the disk).
    pub outputs: Vec<Output>,
    /// The files an audit searched as they were streamed instead of keeping them.
    pub scanned: Vec<check::Scanned>,
    /// What the ledger stage decided.
    pub ledger: publish::LedgerStep,
    /// What the image stage did.
    pub images: images::Stats,
}

/// The last stage: `check`'s audits of the finished outputs (and `--external`'s fetches), the
/// error and `--deny-warnings` gates, and the run's summary.
pub fn finish(
    opts: &BuildOptions,
    run: Rendered<'_>,
    mut diags: Vec<Diagnostic>,
    mut watch: Stopwatch,
) -> std::result::Result<Built, Failure> {
    let Rendered {
        site,
        config,
        theme,
        outputs,
        scanned,
        ledger,
        images,
    } = run;
    diags.extend(template_images_of_unpublished(site, config, theme));
    // The content's assets and the derived images templates asked for (`resize_image`).
    let mut assets = site.assets.clone();
    assets.extend(theme.images.files());
    let from_templates = theme.images.take_stats();
    let mut images = images;
    images.add(from_templates);
    if opts.audit {
        let files = (&outputs[..], &scanned[..]);
        diags.extend(audit(opts, site, config, theme, &assets, files));
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
    let items = site
        .items
        .iter()
        .filter(|i| i.appears_in(model::Surface::Page))
        .count();
    Ok(Built {
        items,
        withheld: site.withheld.len(),
        next_embargo: site.next_embargo_lift(),
        base_url: config.base_url.clone(),
        manifest: None,
        outputs,
        statics: theme.statics.clone(),
        assets,
        diagnostics: sorted.into_sorted(),
        // Only a written output keeps it (its manifest); a preview is never written.
        record_head: (ledger.next.as_deref())
            .filter(|_| !opts.preview)
            .map(record_head),
        publication: ledger.pending,
        publication_file: None,
        timings: watch.laps,
        images,
        incremental: None,
    })
}

/// An error for each content image a template resized that this build does not publish: the
/// derived file would show an embargoed or draft item's photo before its time.
fn template_images_of_unpublished(
    site: &model::Site,
    config: &config::Config,
    theme: &Theme,
) -> Vec<Diagnostic> {
    let published: std::collections::HashSet<&std::path::Path> =
        site.assets.iter().map(|(_, p)| p.as_path()).collect();
    theme
        .images
        .unpublished(&published)
        .into_iter()
        .map(|original| {
            let rel = original.strip_prefix(&config.root).unwrap_or(&original);
            Diagnostic::error(
                rel.to_string_lossy().into_owned(),
                1,
                1,
                "a template asked `resize_image` for this image, but this build does not publish it (it belongs to an embargoed, draft or unlisted item): its resized copy would show it early",
            )
            .with_help("take a page's photo from `page.image_path` in the template, so only published pages' photos are resized")
        })
        .collect()
}

/// `check`'s audits of the finished outputs (and `--external`'s fetches).
fn audit(
    opts: &BuildOptions,
    site: &model::Site,
    config: &config::Config,
    theme: &Theme,
    assets: &[(String, PathBuf)],
    (outputs, scanned): (&[Output], &[check::Scanned]),
) -> Vec<Diagnostic> {
    // The files copied as they are: the theme's and site's static files (those built into
    // pressroom have no source path: nothing of a site is in them), page bundles' files and
    // the media library's.
    let copies: Vec<(String, Option<PathBuf>)> = (theme.statics.iter())
        .map(|(path, source)| match source {
            render::theme::StaticSource::File(file) => (path.clone(), Some(file.clone())),
            render::theme::StaticSource::Embedded(_) => (path.clone(), None),
        })
        .chain(
            assets
                .iter()
                .map(|(p, file)| (p.clone(), Some(file.clone()))),
        )
        .collect();
    let extra = (copies.iter().map(|(p, _)| p.clone()))
        .chain(scanned.iter().map(|s| s.path.clone()))
        .collect();
    let files = check::Files {
        outputs,
        scanned,
        copies: &copies,
    };
    let mut diags = check::audit(site, config, files, &extra);
    if opts.external {
        let mut found = external::check(site, external::Limits::default());
        check::set_severity(&mut found, config.check.external);
        diags.extend(found);
    }
    diags
}

/// Where the public publication record of `next` ends (kept by a deployment's manifest).
fn record_head(next: &model::ledger::Ledger) -> manifest::RecordHead {
    let links = model::ledger::chain(&next.events);
    manifest::RecordHead {
        events: links.len(),
        head: links.last().cloned().unwrap_or_default(),
    }
}

/// Writes what [`render`] kept in memory, the pending ledger and the static files into the
/// staging folder, and swaps it in.
pub(crate) fn write(
    opts: &BuildOptions,
    staging: output::Staging,
    mut built: Built,
) -> std::result::Result<Built, Failure> {
    let writing = std::time::Instant::now();
    if let Some(progress) = &opts.progress {
        progress.tell(&format!("all {} items", built.items));
    }
    let header = manifest::Header {
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
    let pending: Option<std::borrow::Cow<'_, [u8]>> =
        match (&built.publication, &built.publication_file) {
            // Left in the output as it is by the incremental layer.
            (Some(_), _) if staging.kept_beside(publish::PENDING) => None,
            (Some(_), Some(bytes)) => Some(bytes.as_slice().into()),
            (Some(p), None) => Some(publish::pending_file(p)?.into()),
            (None, _) => None,
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
