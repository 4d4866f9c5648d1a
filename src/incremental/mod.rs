//! `serve`'s incremental rebuilds: the stages of [`crate::render`]'s pipeline composed with
//! memo tables kept from one rebuild to the next ([`Incremental::rebuild`]). Nothing below
//! this layer knows it exists: it calls the same stage functions a plain build calls, and
//! skips a stage's work only where a stable [`Fingerprint`](crate::fingerprint) of the
//! stage's inputs equals the last build's.
//!
//! What it keeps: parsed content files by path and stamp (with a fingerprint of their text),
//! each item's rendered Markdown by a fingerprint of everything rendering reads, each item's
//! ledger body hash and record, the parsed ledger, the loaded theme, every templated page with the
//! fingerprint of its context, every [`Artifact`](crate::render::Artifact)'s files, and the
//! search index ([`search_index::SearchIndex`]).
//!
//! # Three paths
//! - **Patch** ([`patch`]): the watcher named every changed file, and each is an item file
//!   whose front matter is as before (or differs only in a title that changes no list and no
//!   URL): the last site gets the new texts and titles; nothing is walked.
//! - **Shape unchanged** (the usual edit: one item's text): the site has the same items in
//!   the same order, the same sections, taxonomies, people, sources and translations, the
//!   same boilerplates pinned by the ledger (`published.lock` can change alone), and
//!   every item that changed has the same [`keys::shape`] as before (all of it but its body and
//!   what is rendered from the body: title, dates, tags, notices, URL, …). Then every list,
//!   every page's navigation and feed links, the sitemap and the aliases are as before, and
//!   a page can change only if it shows one of the changed items' content (its
//!   [`PageJob::shows`](crate::render::pages::PageJob)). Only those pages are built and
//!   rendered, only the feeds listing a changed item are written again.
//! - **Titles changed** (one item retitled): as above, but some changed items have a new
//!   title and nothing else of their shape is new ([`keys::Shape::outline`]). Every list is
//!   as before (a list sorted by title is in the site's sections and taxonomies, which are
//!   compared; a URL made from a title is the item's path, compared too), so the pages
//!   looked at are those that show a changed item or name a retitled one
//!   ([`PageJob::names`](crate::render::pages::PageJob): the translations' pages, the
//!   corrections pages), and the corrections feeds are written again.
//! - **Otherwise**: every page's context is built and fingerprinted, and a page is rendered
//!   only when its fingerprint differs from the last build's.
//!
//! A change to `site.toml` (or to the build options) clears everything; a change to templates
//! or i18n strings reloads the theme and drops the rendered pages. `tests/it/serve.rs` checks
//! that random edit sequences give, after each edit, the bytes of a build without memo.

mod bodies;
mod keys;
mod ledger_check;
mod outputs;
mod patch;
pub mod persist;
mod search_index;
mod stages;

use crate::config::Config;
use crate::content::One;
use crate::diag::Diagnostic;
use crate::fast_map::{FastMap, FastSet};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::model::Site;
use crate::model::ledger::Ledger;
use crate::model::record::Hashed;
use crate::model::rendered::Rendered;
use crate::options::BuildOptions;
use crate::render::pages::PageJob;
use crate::render::theme::Theme;
use crate::{Built, Failure, Stopwatch};
use keys::Stamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The keys of a file kept for the next build: (fingerprint of what it was made from, of
/// its bytes).
type SavedKeys = (Fingerprint, Fingerprint);

/// An item's rendered Markdown: (input fingerprint, output, diagnostics).
type MarkdownEntry = (Fingerprint, Rendered, Vec<Diagnostic>);

/// How much of the last build was done anew rather than taken from the memo tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RebuildStats {
    /// Content files read and parsed.
    pub files_parsed: usize,
    /// Items whose Markdown was rendered.
    pub items_rendered: usize,
    /// Templated pages rendered with Tera.
    pub pages_rendered: usize,
    /// Templated pages reused.
    pub pages_reused: usize,
    /// Whether the theme was (re)loaded.
    pub theme_loaded: bool,
    /// Whether its templates were parsed: a theme loaded with the last good build's
    /// templates is parsed only when a page is rendered.
    pub templates_parsed: bool,
    /// Whether the site's shape was unchanged, so that only pages showing a changed item
    /// were looked at.
    pub shape_unchanged: bool,
    /// Whether every list was the last build's (the shape was unchanged, or only titles
    /// changed), so that only pages showing or naming a changed item were looked at.
    pub lists_unchanged: bool,
    /// Whether the last build's site was patched with the changed files (see
    /// [`Incremental::changed`]) rather than loaded and assembled anew.
    pub patched: bool,
    /// Whether the ledger check checked only the patched items again and kept the rest of the
    /// last build's check ([`crate::model::ledger::recheck`]).
    pub ledger_rechecked: bool,
    /// Whether any output differs from the last build's.
    pub output_changed: bool,
    /// Rendered bodies read back from the build state because the build may show them (see
    /// [`bodies`]; those that could not be were rendered again).
    pub bodies_read: usize,
}

/// A generated file's bytes as the last build made them; None when they are only in the
/// output on disk (a build that streamed them there, see [`persist`]).
type Bytes = Option<Arc<Vec<u8>>>;

/// A templated page of the last build.
struct KeptPage {
    /// Fingerprint of its context.
    key: Fingerprint,
    bytes: Bytes,
}

/// What the last build's site looked like, to tell whether this one has the same shape.
#[derive(Default, Clone, serde::Serialize, serde::Deserialize)]
struct LastSite {
    /// Item source paths and paths, in order.
    items: Vec<(String, String)>,
    /// Per item: its Markdown key (see [`keys::markdown_key`]) and its [`keys::shape`]
    /// (whole, and without the title: empty in a state saved before outlines were kept).
    keys: Vec<Fingerprint>,
    shapes: Vec<Fingerprint>,
    #[serde(default)]
    outlines: Vec<Fingerprint>,
    /// [`keys::site_key`].
    site: Fingerprint,
    /// The theme's templates key.
    templates: Fingerprint,
    /// What of the build's clock pages show: [`keys::time_key`].
    time: Fingerprint,
    /// The boilerplates the ledger pinned: [`keys::pins_key`].
    pins: Fingerprint,
}

impl LastSite {
    /// Whether `site` has the last build's items, in the same order and at the same paths.
    fn same_items(&self, site: &Site) -> bool {
        self.items.len() == site.items.len()
            && (self.items.iter().zip(&site.items))
                .all(|((src, path), i)| *src == i.src.rel && i.path == *path)
    }
}

/// The memo tables of one site, kept across rebuilds. [`Incremental::default`] hands every
/// output back in [`Built::outputs`]; [`Incremental::shared`] keeps them and shares them
/// through [`Incremental::outputs`] without copying (serve).
#[derive(Default)]
pub struct Incremental {
    /// Fingerprint of `site.toml` and the build options of the last build.
    config_key: Option<Fingerprint>,
    /// Parsed content files by absolute path, with a fingerprint of their text.
    parsed: FastMap<PathBuf, (Stamp, One, Fingerprint)>,
    /// The text fingerprint of every content file of this build, by `content/...` path.
    text_keys: FastMap<String, Fingerprint>,
    /// The text fingerprint of every section index (`_index.md`) of the last build.
    section_keys: std::collections::BTreeMap<String, Fingerprint>,
    /// Whether a section index was added, removed or changed since the last build.
    sections_changed: bool,
    /// Each item's Markdown key in this build, by index.
    item_keys: Vec<Fingerprint>,
    /// Ledger body hashes by file: (key of the text, hash).
    body_hashes: FastMap<String, (Fingerprint, String)>,
    /// Ledger records by file: (key of what the record is made of, record and hash).
    records: FastMap<String, (Fingerprint, Arc<Hashed>)>,
    /// The last build's records, by item (see [`Incremental::records`]), and the items whose
    /// boilerplate its ledger stage then pinned.
    last_records: Vec<Option<Arc<Hashed>>>,
    last_pinned: Vec<crate::model::ItemId>,
    /// The items this build patched (see [`patch`]).
    patched_ids: Vec<crate::model::ItemId>,
    /// The ledger check of the last good build's site ([`Incremental::site`]), to bring up to
    /// date when that site is patched; and this build's, kept with its site if it succeeds.
    checked: Option<ledger_check::KeptCheck>,
    checking: Option<ledger_check::KeptCheck>,
    /// `published.lock` as last parsed: (fingerprint of its text, the ledger).
    ledger_file: Option<(Fingerprint, Arc<Ledger>)>,
    /// Rendered Markdown by file (`content/...`).
    markdown: FastMap<String, MarkdownEntry>,
    /// Where the bodies of the rendered Markdown a build's state keeps are read from, and the
    /// items of this build whose body is there, not in the item (see [`bodies`]).
    bodies: Option<bodies::Bodies>,
    deferred: Vec<crate::model::ItemId>,
    /// Whether the output held every file the build state recorded as the state recorded it.
    output_whole: bool,
    /// The theme, with the fingerprints of the files it was loaded from.
    theme: Option<(Fingerprint, Fingerprint, Arc<Theme>)>,
    /// Templated pages by output path.
    pages: FastMap<String, KeptPage>,
    /// How many pages the last build that listed every page had (rendered, kept or failed):
    /// while the site keeps its lists and the table holds that many, it holds them all.
    pages_listed: Option<usize>,
    /// Each artifact's files by output path.
    others: FastMap<crate::render::Artifact, FastMap<String, Bytes>>,
    /// When [`Incremental::shared`]: each kit's ZIP path and the kit, whose ZIP serve makes
    /// when asked (never held whole in memory: see [`Incremental::media_zips`]).
    zips: Vec<(String, Arc<crate::model::media::Kit>)>,
    /// The site's feed plan ([`crate::render::feeds::plan`]), kept while every list is the
    /// last build's.
    feed_plan: Option<crate::render::feeds::Plan>,
    /// The pieces of the last public record written, to write the next one from.
    record_pieces: crate::model::ledger::Pieces,
    /// The fingerprint of the ledger the public record in the output was made from (see
    /// [`Incremental::record_kept`]), and this build's next ledger's, when the ledger stage
    /// took it ([`crate::publish::LedgerMemo::text`]).
    record_key: Option<Fingerprint>,
    next_key: Option<Fingerprint>,
    /// The search index.
    search: search_index::SearchIndex,
    /// The path and key of each search document of the last build (see
    /// [`keys::search_key`]), for a build whose index was left on disk ([`persist`]).
    search_keys: Vec<(String, Fingerprint)>,
    /// The search index the last build saved ([`persist`]), read only when a document
    /// changed.
    search_saved: Option<persist::SavedSearch>,
    /// `published.lock` as the last build parsed it ([`persist`]), read when its text is the
    /// same (a deployed 10k-item ledger takes ~0.3 s of CPU to parse as TOML).
    ledger_saved: Option<persist::Saved>,
    /// The next ledger's text as last written: (fingerprint of the ledger, text).
    ledger_text: Option<(Fingerprint, String)>,
    /// The text the last build saved ([`persist`]), read when the next ledger is the same.
    ledger_text_saved: Option<persist::Saved>,
    /// The pending ledger's file as last made: (fingerprints of the pending ledger and of the
    /// bytes, bytes).
    pending_file: Option<(SavedKeys, Arc<Vec<u8>>)>,
    /// The pending ledger's file the last build left in the output ([`persist`]), and its
    /// keys and stamp then (see [`Incremental::pending_file`]).
    pending_file_saved: Option<persist::Saved>,
    pending_file_kept: Option<(SavedKeys, crate::stamp::FileStamp)>,
    /// Items (`content/...`) whose Markdown was rendered or dropped in this build.
    markdown_changed: FastSet<String>,
    /// The last build's site.
    last: Option<LastSite>,
    /// Hand outputs over as shared buffers ([`Incremental::outputs`]) instead of copies.
    share: bool,
    /// The tables serve one build of this process and are then saved ([`persist`]): no
    /// parse is kept, and rendered Markdown is moved into the site rather than copied (the
    /// table keeps a placeholder, which [`persist`] fills from the site when it saves).
    one_shot: bool,
    /// Paths the caller knows changed (the watcher's), re-read even if their stamp matches.
    dirty: FastSet<PathBuf>,
    /// Every path that changed since the last build, when the caller knows them all
    /// ([`Incremental::changed`]); None: look at every file.
    told: Option<FastSet<PathBuf>>,
    /// The last good build's site, to patch (see [`patch`]), and its related items.
    site: Option<Site>,
    related: Option<Vec<Vec<crate::model::ItemId>>>,
    /// What the last related items were made of ([`keys::related_key`]): while it is the same,
    /// so are they.
    related_key: Option<Fingerprint>,
    /// The in-body components a patch renders edited items with, loaded by the first patch
    /// after a full load and kept while builds patch: their files, people and `site.toml` are
    /// no item file, so a change to one makes the next build a full load, which drops them.
    components: Option<crate::markdown::component::Components>,
    /// Whether this build patched the site with edits that keep every item's related keys
    /// ([`crate::render::related::same_keys`]): the last related items stand.
    related_same: bool,
    /// The last build's diagnostics from loading and assembling, and from rendering Markdown.
    front_diags: Vec<Diagnostic>,
    md_diags: Vec<Diagnostic>,
    /// What the last build did.
    stats: RebuildStats,
    /// What the last build's image stage did (nothing when the site was patched).
    images: crate::images::Stats,
    /// How long the steps inside the phases took (merged into the build's timings).
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl std::fmt::Debug for Incremental {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incremental")
            .field("files", &self.parsed.len())
            .field("markdown", &self.markdown.len())
            .field("pages", &self.pages.len())
            .field("others", &self.others.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl Incremental {
    /// Memo tables for serve: [`Incremental::rebuild`] returns only the outputs not held here
    /// (none, unless auditing), and [`Incremental::outputs`] shares every generated output
    /// without copying it.
    pub fn shared() -> Self {
        Incremental {
            share: true,
            ..Incremental::default()
        }
    }

    /// What the last build did anew.
    pub fn stats(&self) -> RebuildStats {
        self.stats
    }

    /// Every generated output of the last build, when the tables are [`Incremental::shared`].
    pub fn outputs(&self) -> impl Iterator<Item = (&String, &Arc<Vec<u8>>)> {
        let pages = self.pages.iter().map(|(p, c)| (p, &c.bytes));
        pages
            .chain(self.others.values().flatten())
            .filter_map(|(p, b)| Some((p, b.as_ref()?)))
    }

    /// Each published kit's ZIP path and the kit, when the tables are
    /// [`Incremental::shared`]: their ZIPs are not among [`Incremental::outputs`], since a
    /// kit of videos would sit in memory whole; serve writes each from the originals when it
    /// is asked for ([`crate::render::zip::write_kit`], the writer `build` uses).
    pub fn media_zips(&self) -> &[(String, Arc<crate::model::media::Kit>)] {
        &self.zips
    }

    /// Marks files as changed (for file systems whose stamps are coarse): the next build
    /// re-reads them whatever their length and time say, and still looks at every other file.
    pub fn invalidate<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        self.dirty.extend(paths.into_iter().map(Path::to_path_buf));
        self.told = None;
    }

    /// Says that `paths` are all the files added, changed or removed since the last build (a
    /// watcher's report, complete: no overflow, no error). When they are item files whose
    /// front matter is as before, the next build patches the last one's site instead of
    /// reading every file (see [`patch`]); otherwise it does what [`Incremental::invalidate`]
    /// does.
    pub fn changed<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        let paths: Vec<PathBuf> = paths.into_iter().map(Path::to_path_buf).collect();
        self.dirty.extend(paths.iter().cloned());
        // Two reports before one build: both sets changed.
        let mut told = self.told.take().unwrap_or_default();
        told.extend(paths);
        self.told = Some(told);
    }

    /// The pipeline of [`crate::render`], each stage through its memo table: the same
    /// result as a build without them (outputs, diagnostics, failure), doing only what the
    /// changes since the last rebuild require.
    pub fn rebuild(&mut self, opts: &BuildOptions) -> std::result::Result<Built, Failure> {
        self.rebuild_to(opts, None)
    }

    /// [`Incremental::rebuild`], with the generated files handed to `staging` as they are
    /// rendered (written, or kept as the last build left them in the output) instead of kept
    /// in the tables: what `build` does through [`persist`].
    fn rebuild_to(
        &mut self,
        opts: &BuildOptions,
        staging: Option<&crate::output::Staging>,
    ) -> std::result::Result<Built, Failure> {
        let mut watch = Stopwatch::start(opts.progress.clone());
        let config = Config::load(&opts.root, opts.base_url.as_deref())?;
        self.check_config(&config, opts);
        let mut diags = Vec::new();
        let mut site = self.load_site(opts, &config, &mut diags, &mut watch);
        let bodies = self.read_bodies_early(&site);
        let records = self.records(&site);
        let wanted = self.theme_wanted(&config);
        let load = |d: &mut Vec<Diagnostic>| wanted.theme(&config, d);
        let stage: crate::LedgerInputs<'_> = (&mut site, &mut diags, &records, self);
        let (ledger, (theme, took)) = crate::ledger_and_theme(opts, &config, stage, load)?;
        let theme = self.theme_kept(&wanted, theme);
        let theme_loaded = matches!(wanted, stages::ThemeWanted::Load(..));
        self.last_pinned = ledger.pinned.clone();
        watch.lap("ledger");
        watch.beside("theme", took);
        let related = self.related_items(&site);
        let kept_related = related.clone();
        watch.lap("related");
        let cmp = self.compare((&site, &config), &theme, opts.now);
        self.complete_bodies(&mut site, &config, &cmp, bodies);
        watch.lap("compare");
        let ctx = crate::render::RenderCtx::new(&site, &config, &theme, opts, related)
            .with_record(ledger.next.as_deref());
        let listed = match self.stop_on_errors(&ctx, &mut diags) {
            Ok(listed) => listed,
            Err(failure) => {
                // The last build's site stands for the next build's comparison.
                self.last = cmp.into_last();
                return Err(failure);
            }
        };
        let outputs = self.render_changed(&ctx, (cmp, listed), &mut diags, staging);
        watch.lap("render");
        watch.extend(std::mem::take(&mut self.laps));
        self.stats.templates_parsed = theme_loaded && theme.parsed();
        drop(ctx);
        let run = crate::Rendered {
            site: &site,
            config: &config,
            theme: &theme,
            outputs,
            scanned: Vec::new(),
            ledger,
            images: self.images,
        };
        let mut built = crate::finish(opts, run, diags, watch)?;
        built.publication_file =
            (built.publication.as_ref()).and_then(|p| self.pending_file(p, staging));
        // Kept only from a build that succeeded, for the next build to patch.
        self.site = Some(site);
        self.checked = self.checking.take();
        self.related = Some(kept_related);
        Ok(built)
    }

    /// [`crate::stop_on_errors`], with every templated page listed for its checks (and handed
    /// on to render or keep them); a patched build skips the alias and path collision checks,
    /// and lists nothing: it changed no item's front matter, and its site is the last good
    /// build's, which had no collision (each is an error).
    fn stop_on_errors<'a>(
        &self,
        ctx: &'a crate::render::RenderCtx<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> std::result::Result<Option<Vec<PageJob<'a>>>, Failure> {
        if !self.stats.patched {
            let pages = crate::render::pages::page_jobs(ctx);
            crate::stop_on_errors(ctx, &pages, diags)?;
            return Ok(Some(pages));
        }
        match diags.iter().filter(|d| d.is_error()).count() {
            0 => Ok(None),
            errors => Err(crate::fail(
                crate::error::Error::Content(errors),
                std::mem::take(diags),
            )),
        }
    }

    /// The site, assembled with its Markdown rendered: the last site patched when it can be,
    /// else loaded, assembled and rendered through the memo tables.
    fn load_site(
        &mut self,
        opts: &BuildOptions,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
        watch: &mut Stopwatch,
    ) -> Site {
        self.images = crate::images::Stats::default();
        if let Some(site) = self.patch(config, diags) {
            watch.lap("patch");
            return site;
        }
        self.components = None;
        let content = self.load_content(config, diags);
        watch.lap("load content");
        let mut site = crate::model::assemble::assemble(config, opts, content, diags);
        watch.lap("assemble");
        // Before the Markdown stage, so its diagnostics are kept with assembly's for a patch.
        self.images = crate::images::process(&mut site, config, crate::images::Mode::Make, diags);
        watch.lap("images");
        self.render_markdown(&mut site, config, diags);
        watch.lap("markdown");
        site
    }

    /// The related items of every item: the last build's after a patch that kept every item's
    /// related keys, or when what they are made of is the same ([`keys::related_key`]: a
    /// nothing-changed rebuild, a body edit citing the same sources); else made anew.
    fn related_items(&mut self, site: &Site) -> Vec<Vec<crate::model::ItemId>> {
        let kept = self.related.take();
        if self.stats.patched && self.related_same {
            if let Some(kept) = kept {
                return kept;
            }
        }
        let key = keys::related_key(site);
        let last = self.related_key.replace(key);
        match kept {
            Some(kept) if last == Some(key) && kept.len() == site.items.len() => kept,
            _ => crate::render::related::related(site),
        }
    }

    /// Records a step that began at `since`, and starts the next.
    fn lap(&mut self, name: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - *since));
        *since = now;
    }

    /// Empties the tables when `site.toml` or the options changed; call first in a build.
    fn check_config(&mut self, config: &Config, opts: &BuildOptions) {
        let site_toml = std::fs::read(config.root.join("site.toml")).unwrap_or_default();
        // The clock is not part of it: what pages show of it is compared with the site's
        // shape (`keys::time_key`), so builds at different times share what they can.
        let mut f = Fingerprinter::default();
        f.bytes(&site_toml)
            .str(&opts.root.to_string_lossy())
            .value(&(&opts.base_url, opts.drafts, opts.preview));
        let key = f.finish();
        if self.config_key != Some(key) {
            *self = Incremental {
                share: self.share,
                one_shot: self.one_shot,
                config_key: Some(key),
                ..Incremental::default()
            };
        }
        self.stats = RebuildStats::default();
        self.next_key = None;
        self.related_same = false;
        self.patched_ids.clear();
        self.checking = None;
        self.deferred.clear();
        self.sections_changed = false;
        self.markdown_changed.clear();
    }
}
