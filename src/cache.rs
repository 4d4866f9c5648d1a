//! The cache `serve` keeps from one rebuild to the next ([`BuildCache`], passed by `&mut` to
//! [`crate::render_in_memory_cached`]): parsed content files by path and stamp (with a hash
//! of their text), each item's rendered Markdown by a hash of everything rendering reads, each
//! item's ledger hash, the loaded theme, every templated page with the items it reads, the
//! feeds, sitemap and aliases, and the search index ([`search::Incremental`]).
//!
//! # Two paths
//! - **Shape unchanged** (the usual edit: one item's text): the site has the same items in
//!   the same order, the same sections, taxonomies, people, sources and translations, and
//!   every item that changed has the same [`shape`] as before (all of it but its body and
//!   what is rendered from the body: title, dates, tags, notices, URL, …). Then every list,
//!   every page's navigation and feed links, the sitemap and the aliases are as before, and
//!   a page can change only if it embeds one of the changed items' content: each render job
//!   names those items (`deps`: its own item, the items shown on a list page, a source's
//!   citing items). Only those pages are built and rendered, only the feeds listing a changed
//!   item are written again; everything else is taken from the last build without building
//!   its context.
//! - **Otherwise**: every page's context is built and hashed, and a page is rendered only
//!   when its hash differs from the last build's (every key is the full set of inputs, so a
//!   stale entry is only reused when it would render the same bytes).
//!
//! A change to `site.toml` (or to the build options) clears everything; a change to templates
//! or i18n strings reloads the theme and drops the rendered pages. `tests/serve.rs` checks
//! that random edit sequences give, after each edit, the bytes of a build without cache.

use crate::config::Config;
use crate::content::frontmatter::SourceRaw;
use crate::content::{self, One, SourceFile};
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::markdown;
use crate::model::ledger::Ledger;
use crate::model::rendered::Rendered;
use crate::model::{Item, ItemId, Site};
use crate::options::BuildOptions;
use crate::render::theme::Theme;
use crate::render::{self, Output, PageCache, RenderCtx, search};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

mod patch;

/// What a file looked like when it was read: length and modification time.
type Stamp = (u64, SystemTime);

/// An item's rendered Markdown: (input hash, output, diagnostics).
type MarkdownEntry = (u64, Rendered, Vec<Diagnostic>);

/// How much of the last build was done anew rather than taken from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
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
    /// Whether the site's shape was unchanged, so that only pages reading a changed item
    /// were looked at.
    pub shape_unchanged: bool,
    /// Whether the last build's site was patched with the changed files (see
    /// [`BuildCache::changed`]) rather than loaded and assembled anew.
    pub patched: bool,
    /// Whether any output differs from the last build's.
    pub output_changed: bool,
}

/// A templated page of the last build.
struct CachedPage {
    /// Hash of its context.
    key: u64,
    bytes: Arc<Vec<u8>>,
}

/// What the last build's site looked like, to tell whether this one has the same shape.
#[derive(Default)]
struct LastSite {
    /// Item source paths and paths, in order.
    items: Vec<(String, String)>,
    /// Per item: its Markdown key (see [`markdown_key`]) and its [`shape`].
    keys: Vec<u64>,
    shapes: Vec<u64>,
    /// [`site_key`].
    site: u64,
    /// The theme's templates key.
    templates: u64,
}

/// State kept across builds of one site. [`BuildCache::default`] caches; [`BuildCache::off`]
/// stores nothing (a one-off build).
#[derive(Default)]
pub struct BuildCache {
    off: bool,
    /// Hash of `site.toml` and the build options of the cached build.
    config_key: Option<u64>,
    /// Parsed content files by absolute path, with a hash of their text.
    parsed: HashMap<PathBuf, (Stamp, One, u64)>,
    /// The text hash of every content file of this build, by `content/...` path.
    text_hashes: HashMap<String, u64>,
    /// Whether this build re-read a section index (`_index.md`).
    sections_changed: bool,
    /// Each item's Markdown key in this build, by index.
    item_keys: Vec<u64>,
    /// Ledger body hashes by file: (key of the text, hash).
    ledger: HashMap<String, (u64, String)>,
    /// `published.lock` as last parsed: (hash of its text, the ledger).
    ledger_file: Option<(u64, Arc<Ledger>)>,
    /// Rendered Markdown by file (`content/...`): (input hash, output, diagnostics).
    markdown: HashMap<String, MarkdownEntry>,
    /// The theme, with the stamps of the files it was loaded from.
    theme: Option<(u64, u64, Arc<Theme>)>,
    /// Templated pages by output path.
    pages: HashMap<String, CachedPage>,
    /// The other outputs (feeds, sitemap, aliases, search, stylesheet) by output path.
    others: HashMap<String, Arc<Vec<u8>>>,
    /// The search index.
    search: search::Incremental,
    /// The last build's site.
    last: Option<LastSite>,
    /// Hand outputs over as shared buffers ([`BuildCache::outputs`]) instead of copies.
    share: bool,
    /// Paths the caller knows changed (the watcher's), re-read even if their stamp matches.
    dirty: HashSet<PathBuf>,
    /// Every path that changed since the last build, when the caller knows them all
    /// ([`BuildCache::changed`]); None: look at every file.
    told: Option<HashSet<PathBuf>>,
    /// The last good build's site, to patch (see [`patch`]).
    site: Option<Site>,
    /// The last build's diagnostics from loading and assembling, and from rendering Markdown.
    front_diags: Vec<Diagnostic>,
    md_diags: Vec<Diagnostic>,
    /// What the last build did.
    stats: CacheStats,
    /// How long the steps inside the phases took (see [`BuildCache::take_laps`]).
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl std::fmt::Debug for BuildCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildCache")
            .field("off", &self.off)
            .field("files", &self.parsed.len())
            .field("markdown", &self.markdown.len())
            .field("pages", &self.pages.len())
            .field("others", &self.others.len())
            .field("stats", &self.stats)
            .finish()
    }
}

impl BuildCache {
    /// A cache that keeps nothing: every build does everything.
    pub fn off() -> Self {
        BuildCache {
            off: true,
            ..BuildCache::default()
        }
    }

    /// A cache for serve: [`crate::render_in_memory_cached`] returns only the outputs not
    /// held here (none, unless auditing), and [`BuildCache::outputs`] shares every generated
    /// output without copying it.
    pub fn shared() -> Self {
        BuildCache {
            share: true,
            ..BuildCache::default()
        }
    }

    /// What the last build did anew.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// The steps timed inside the phase that just ended, in order (serve prints them with
    /// `PRESSROOM_SERVE_TIMINGS=1`).
    pub fn take_laps(&mut self) -> Vec<(&'static str, std::time::Duration)> {
        std::mem::take(&mut self.laps)
    }

    /// Records a step that began at `since`, and starts the next.
    /// Nothing for a one-off build: `build --timings` lists phases only, and sums them.
    pub(crate) fn lap(&mut self, name: &'static str, since: &mut std::time::Instant) {
        if self.off {
            return;
        }
        let now = std::time::Instant::now();
        self.laps.push((name, now - *since));
        *since = now;
    }

    /// Every generated output of the last build, when the cache is [`BuildCache::shared`].
    pub fn outputs(&self) -> impl Iterator<Item = (&String, &Arc<Vec<u8>>)> {
        self.pages
            .iter()
            .map(|(p, c)| (p, &c.bytes))
            .chain(self.others.iter())
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
    /// reading every file (see [`patch`]); otherwise it does what [`BuildCache::invalidate`]
    /// does.
    pub fn changed<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        let paths: Vec<PathBuf> = paths.into_iter().map(Path::to_path_buf).collect();
        self.dirty.extend(paths.iter().cloned());
        // Two reports before one build: both sets changed.
        let mut told = self.told.take().unwrap_or_default();
        told.extend(paths);
        self.told = Some(told);
    }

    /// Keeps the site of a build that succeeded, for the next build to patch; returns its
    /// content assets (the build's output lists them).
    pub(crate) fn keep_site(&mut self, mut site: Site) -> Vec<(String, PathBuf)> {
        if self.off {
            return std::mem::take(&mut site.assets);
        }
        let assets = site.assets.clone();
        self.site = Some(site);
        assets
    }

    /// Empties the cache when `site.toml` or the options changed; call first in a build.
    fn check_config(&mut self, config: &Config, opts: &BuildOptions) {
        let mut h = DefaultHasher::new();
        std::fs::read(config.root.join("site.toml"))
            .unwrap_or_default()
            .hash(&mut h);
        (
            &opts.root,
            &opts.base_url,
            opts.drafts,
            opts.preview,
            opts.now,
        )
            .hash(&mut h);
        let key = h.finish();
        if self.config_key != Some(key) {
            *self = BuildCache {
                off: self.off,
                share: self.share,
                config_key: Some(key),
                ..BuildCache::default()
            };
        }
        self.stats = CacheStats::default();
        self.sections_changed = false;
    }

    /// [`content::load`], reusing the parse of every file whose length and modification time
    /// are those of the cached read.
    pub fn load_content(
        &mut self,
        config: &Config,
        opts: &BuildOptions,
        diags: &mut Vec<Diagnostic>,
    ) -> content::Content {
        self.check_config(config, opts);
        if self.off {
            return content::load(config, diags);
        }
        let fresh: Mutex<Vec<(PathBuf, Stamp, One, u64)>> = Mutex::default();
        let seen: Mutex<Vec<(PathBuf, String, u64)>> = Mutex::default();
        let (parsed, dirty) = (&self.parsed, &self.dirty);
        let loaded = content::load_with(config, diags, |src: SourceFile| {
            let abs = src.abs.clone();
            let rel = src.rel.clone();
            let stamp = stamp(&abs);
            if let (Some(stamp), Some((old, one, text))) = (stamp, parsed.get(&abs)) {
                if *old == stamp && !dirty.contains(&abs) {
                    if let Ok(mut s) = seen.lock() {
                        s.push((abs, rel, *text));
                    }
                    return Ok(one.clone());
                }
            }
            let one = content::parse_file(src)?;
            let text = text_hash(match &one {
                One::Item(p) => &p.text,
                One::Section(p) => &p.text,
            });
            if let Ok(mut s) = seen.lock() {
                s.push((abs.clone(), rel, text));
            }
            if let (Some(stamp), Ok(mut f)) = (stamp, fresh.lock()) {
                f.push((abs, stamp, one.clone(), text));
            }
            Ok(one)
        });
        let seen = seen.into_inner().unwrap_or_default();
        let live: HashSet<&PathBuf> = seen.iter().map(|(abs, _, _)| abs).collect();
        self.parsed.retain(|p, _| live.contains(p));
        let fresh = fresh.into_inner().unwrap_or_default();
        self.stats.files_parsed = fresh.len();
        for (abs, stamp, one, text) in fresh {
            if matches!(one, One::Section(_)) {
                self.sections_changed = true;
            }
            self.parsed.insert(abs, (stamp, one, text));
        }
        self.text_hashes = seen.into_iter().map(|(_, rel, h)| (rel, h)).collect();
        self.dirty.clear();
        loaded
    }

    /// [`markdown::render_all`], reusing each item's output when its inputs are unchanged.
    pub fn render_markdown(
        &mut self,
        site: &mut Site,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.off {
            return markdown::render_all(site, config, diags);
        }
        let before = diags.len();
        let sources_key = sources_key(site);
        let (cached, texts) = (&self.markdown, &self.text_hashes);
        let fresh: Mutex<Vec<(String, MarkdownEntry)>> = Mutex::default();
        markdown::render_all_with(
            site,
            config,
            diags,
            |item: &Item, sources: &HashMap<&str, &SourceRaw>| {
                let key = markdown_key(item, sources_key, texts);
                if let Some((k, rendered, ds)) = cached.get(&item.src.rel) {
                    if *k == key {
                        return (rendered.clone(), ds.clone());
                    }
                }
                let (rendered, ds) = markdown::render_item(item, sources);
                if let Ok(mut f) = fresh.lock() {
                    f.push((item.src.rel.clone(), (key, rendered.clone(), ds.clone())));
                }
                (rendered, ds)
            },
        );
        let fresh = fresh.into_inner().unwrap_or_default();
        self.stats.items_rendered = fresh.len();
        let live: HashSet<&str> = site.items.iter().map(|i| i.src.rel.as_str()).collect();
        self.markdown.retain(|rel, _| live.contains(rel.as_str()));
        self.markdown.extend(fresh);
        let texts = &self.text_hashes;
        let keys = site
            .items
            .par_iter()
            .map(|item| markdown_key(item, sources_key, texts))
            .collect();
        self.item_keys = keys;
        self.front_diags = diags[..before].to_vec();
        self.md_diags = diags[before..].to_vec();
    }

    /// Each published item's ledger [`body_hash`](crate::model::record::body_hash), computed
    /// again only for items whose text changed since the last build.
    pub fn body_hashes(&mut self, site: &Site) -> Vec<String> {
        if self.off {
            return crate::model::ledger::body_hashes(site);
        }
        let texts = &self.text_hashes;
        let key = |item: &Item| {
            let mut h = DefaultHasher::new();
            match texts.get(&item.src.rel) {
                Some(t) => (t, item.text.len()).hash(&mut h),
                None => item.text.hash(&mut h),
            }
            item.body_offset.hash(&mut h);
            h.finish()
        };
        let cached = &self.ledger;
        let hashes: Vec<(u64, String)> = site
            .items
            .par_iter()
            .map(|item| {
                let k = key(item);
                match cached.get(&item.src.rel) {
                    Some((old, hash)) if *old == k => (k, hash.clone()),
                    _ => (
                        k,
                        crate::model::record::body_hash(&item.text[item.body_offset..]),
                    ),
                }
            })
            .collect();
        self.ledger = site
            .items
            .iter()
            .zip(&hashes)
            .map(|(item, (k, h))| (item.src.rel.clone(), (*k, h.clone())))
            .collect();
        hashes.into_iter().map(|(_, h)| h).collect()
    }

    /// `published.lock` parsed, or the last parse again when its text is the same (a large
    /// site's ledger takes longer to parse than the rest of a one-file rebuild).
    pub fn parse_ledger(&mut self, text: &str) -> std::result::Result<Arc<Ledger>, Diagnostic> {
        if self.off {
            return Ledger::parse(text).map(Arc::new);
        }
        let key = text_hash(text);
        if let Some((k, ledger)) = &self.ledger_file {
            if *k == key {
                return Ok(ledger.clone());
            }
        }
        let ledger = Arc::new(Ledger::parse(text)?);
        self.ledger_file = Some((key, ledger.clone()));
        Ok(ledger)
    }

    /// The theme, loaded again only when one of its templates, strings or static files (or
    /// the site's own `templates/` and `static/`) was added, removed or changed.
    pub fn theme(&mut self, config: &Config, diags: &mut Vec<Diagnostic>) -> Result<Arc<Theme>> {
        if self.off {
            return Theme::load(config, diags).map(Arc::new);
        }
        let theme_dir = config.root.join("themes").join(&config.theme);
        let templates_key = tree_key(
            &[
                theme_dir.join("templates"),
                theme_dir.join("i18n"),
                config.root.join("templates"),
            ],
            true,
        );
        // Static files are served from disk: only the list of names matters.
        let statics_key = tree_key(
            &[theme_dir.join("static"), config.root.join("static")],
            false,
        );
        if let Some((t, s, theme)) = &self.theme {
            if *t == templates_key && *s == statics_key {
                return Ok(theme.clone());
            }
            if *t != templates_key {
                self.pages.clear();
                self.last = None;
            }
        }
        self.theme = None;
        let theme = Arc::new(Theme::load(config, diags)?);
        self.stats.theme_loaded = true;
        self.theme = Some((templates_key, statics_key, theme.clone()));
        Ok(theme)
    }

    /// [`render::render_site`], rendering only what the edit touched (see the module's doc).
    pub fn render_pages(
        &mut self,
        ctx: &RenderCtx<'_>,
        diags: &mut Vec<Diagnostic>,
        sink: &dyn render::Sink,
    ) {
        if self.off {
            return render::render_site(ctx, diags, sink);
        }
        for o in self.render_changed(ctx, diags) {
            sink.put(o);
        }
    }

    fn render_changed(&mut self, ctx: &RenderCtx<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Output> {
        let mut clock = std::time::Instant::now();
        let site = ctx.site;
        let templates = self.theme.as_ref().map_or(0, |(t, _, _)| *t);
        let site_key = site_key(site);
        let items: Vec<(String, String)> = site
            .items
            .iter()
            .map(|i| (i.src.rel.clone(), i.path.clone()))
            .collect();
        // The items that may have changed, and whether the site kept its shape.
        let last = self.last.take();
        let mut changed: HashSet<ItemId> = HashSet::new();
        let mut shapes: Vec<Option<u64>> = vec![None; items.len()];
        let mut same_shape = !self.sections_changed
            && self.item_keys.len() == items.len()
            && last.as_ref().is_some_and(|l| {
                l.site == site_key && l.templates == templates && l.items == items
            });
        if let (true, Some(l)) = (same_shape, &last) {
            for id in 0..items.len() {
                if l.keys[id] != self.item_keys[id] {
                    changed.insert(id);
                }
            }
            for &id in &changed {
                let s = shape(&site.items[id]);
                shapes[id] = Some(s);
                if s != l.shapes[id] {
                    same_shape = false;
                }
            }
        }
        let shapes: Vec<u64> = match (same_shape, &last) {
            (true, Some(l)) => shapes
                .iter()
                .zip(&l.shapes)
                .map(|(new, old)| new.unwrap_or(*old))
                .collect(),
            _ => site.items.par_iter().map(shape).collect(),
        };
        self.stats.shape_unchanged = same_shape;
        self.lap("  compare", &mut clock);

        let pages = std::mem::take(&mut self.pages);
        let lookup = Lookup {
            pages: &pages,
            changed: same_shape.then_some(&changed),
        };
        let rendered = render::render_pages(ctx, diags, Some(&lookup));
        let mut pages = pages;
        let mut next = HashMap::with_capacity(rendered.len());
        let mut output_changed = pages.len() != rendered.len();
        for page in rendered {
            let old = pages.remove(&page.path);
            let entry = match (page.bytes, old) {
                (None, Some(old)) => {
                    self.stats.pages_reused += 1;
                    CachedPage {
                        key: page.key.unwrap_or(old.key),
                        bytes: old.bytes,
                    }
                }
                (bytes, old) => {
                    self.stats.pages_rendered += 1;
                    let bytes = bytes.unwrap_or_default();
                    if old.is_none_or(|o| *o.bytes != bytes) {
                        output_changed = true;
                    }
                    CachedPage {
                        key: page.key.unwrap_or_default(),
                        bytes: Arc::new(bytes),
                    }
                }
            };
            next.insert(page.path, entry);
        }
        self.pages = next;
        self.lap("  pages", &mut clock);

        // The other outputs: with the shape unchanged, only the feeds listing a changed item
        // and the search index can differ.
        let mut others = std::mem::take(&mut self.others);
        let fresh: Vec<Output> = if same_shape && !others.is_empty() {
            render::list_feed_outputs(ctx, |ids| ids.iter().any(|i| changed.contains(i)))
        } else {
            others.clear();
            let mut all = render::alias_outputs(ctx);
            all.extend(render::list_feed_outputs(ctx, |_| true));
            all.extend(render::corrections_feed_outputs(ctx));
            all.extend(render::sitemap::outputs(site, ctx.config, ctx.opts.now));
            all.push(render::highlight_output());
            all
        };
        self.lap("  feeds", &mut clock);
        let texts = &self.text_hashes;
        let search_key = |id: ItemId| search_key(&site.items[id], texts);
        let mut search = self.search.update(site, ctx.config, &search_key);
        // Index files that no longer exist (fewer shards or records) go.
        let live: HashSet<&str> = search.iter().map(|o| o.path.as_str()).collect();
        let before = others.len();
        others.retain(|p, _| !p.starts_with("/search/") || live.contains(p.as_str()));
        output_changed |= others.len() != before;
        search.extend(fresh);
        for o in search {
            match others.get(&o.path) {
                Some(old) if **old == o.bytes => {}
                _ => {
                    output_changed = true;
                    others.insert(o.path, Arc::new(o.bytes));
                }
            }
        }
        self.others = others;
        self.lap("  search", &mut clock);
        self.stats.output_changed = output_changed || last.is_none();
        self.last = Some(LastSite {
            items,
            keys: std::mem::take(&mut self.item_keys),
            shapes,
            site: site_key,
            templates,
        });
        if self.share && !ctx.opts.audit {
            return Vec::new();
        }
        self.outputs()
            .map(|(path, bytes)| Output {
                path: path.clone(),
                bytes: bytes.as_ref().clone(),
            })
            .collect()
    }
}

/// The previous build's pages, as [`render::render_pages`] asks about them.
struct Lookup<'c> {
    pages: &'c HashMap<String, CachedPage>,
    /// The items that changed, when the site's shape did not.
    changed: Option<&'c HashSet<ItemId>>,
}

impl PageCache for Lookup<'_> {
    fn unchanged(&self, file: &str, deps: &[ItemId]) -> bool {
        self.changed.is_some_and(|changed| {
            self.pages.contains_key(file) && !deps.iter().any(|d| changed.contains(d))
        })
    }

    fn has(&self, file: &str, key: u64) -> bool {
        self.pages.get(file).is_some_and(|p| p.key == key)
    }
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// A hash of the file names under `dirs` (and their stamps when `stamps`).
fn tree_key(dirs: &[PathBuf], stamps: bool) -> u64 {
    let mut h = DefaultHasher::new();
    for dir in dirs {
        dir.hash(&mut h);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            entry.path().hash(&mut h);
            if stamps {
                stamp(entry.path()).hash(&mut h);
            }
        }
    }
    h.finish()
}

/// A hash of what rendering reads of the site-wide sources: their ids.
fn sources_key(site: &Site) -> u64 {
    let mut ids: Vec<&str> = site.sources.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    let mut h = DefaultHasher::new();
    ids.hash(&mut h);
    h.finish()
}

/// A hash of a file's text.
fn text_hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Hashes an item's text: by the hash taken when its file was read, when it is that file's
/// text (stand-ins for missing translations copy it), else by the text itself.
fn hash_text(item: &Item, texts: &HashMap<String, u64>, h: &mut DefaultHasher) {
    match texts.get(&item.src.rel) {
        Some(t) => (t, item.text.len()).hash(h),
        None => item.text.hash(h),
    }
}

/// A hash of everything [`markdown::render_item`] reads from an item (the whole file text
/// and the fields resolved from elsewhere: language, kind, dateline, date, zone, boilerplate),
/// plus the site-wide source ids.
fn markdown_key(item: &Item, sources_key: u64, texts: &HashMap<String, u64>) -> u64 {
    let mut h = DefaultHasher::new();
    sources_key.hash(&mut h);
    item.src.rel.hash(&mut h);
    hash_text(item, texts, &mut h);
    item.path.hash(&mut h);
    item.fallback.hash(&mut h);
    item.body_offset.hash(&mut h);
    item.lang.hash(&mut h);
    item.kind.as_str().hash(&mut h);
    item.dateline.hash(&mut h);
    item.date.hash(&mut h);
    item.tz_name.hash(&mut h);
    item.summary.hash(&mut h);
    item.boilerplate.hash(&mut h);
    for n in &item.notices {
        n.note.hash(&mut h);
    }
    for u in &item.updates {
        u.body.hash(&mut h);
    }
    item.withdrawn.as_ref().map(|w| &w.reason).hash(&mut h);
    item.facts.hash(&mut h);
    for s in &item.sources {
        s.id.hash(&mut h);
    }
    h.finish()
}

/// Feeds `Debug` output into a hasher.
struct HashWriter(DefaultHasher);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

fn debug_hash(value: &dyn std::fmt::Debug) -> u64 {
    use std::fmt::Write;
    let mut w = HashWriter(DefaultHasher::new());
    let _ = write!(w, "{value:?}");
    w.0.finish()
}

/// An item's shape: everything about it that pages other than its own page, the lists that
/// show it (their `deps`), its feeds and the search index read: all of the item but its text
/// and what is rendered from its body. The destructuring names every field, so a new field
/// must be sorted here (shape or body) before the crate compiles.
fn shape(item: &Item) -> u64 {
    let Item {
        src,
        text: _,
        body_offset: _,
        lang,
        kind,
        title,
        slug,
        path,
        section,
        date,
        updated_explicit,
        tz,
        tz_name,
        summary,
        visibility,
        preview,
        tags,
        categories,
        authors,
        contacts,
        dateline,
        boilerplate,
        image,
        weight,
        sources,
        notices,
        updates,
        withdrawn,
        facts: _,
        extra,
        aliases,
        translation_key,
        fallback,
        rendered,
    } = item;
    let Rendered {
        html: _,
        summary_html: _,
        summary_text: _,
        toc: _,
        words: _,
        reading_time: _,
        sources: cited,
        facts: _,
        notices: rendered_notices,
        updates: rendered_updates,
        withdrawn: rendered_withdrawn,
        boilerplate: rendered_boilerplate,
        links: _,
        plain: _,
        anchors: _,
    } = rendered;
    debug_hash(&(
        (src, lang, kind, title, slug, path, section, date),
        (updated_explicit, tz, tz_name, summary, visibility, preview),
        (
            tags,
            categories,
            authors,
            contacts,
            dateline,
            boilerplate,
            image,
            weight,
        ),
        (
            sources,
            notices,
            updates,
            withdrawn,
            extra,
            aliases,
            translation_key,
            fallback,
        ),
        (
            cited,
            rendered_notices,
            rendered_updates,
            rendered_withdrawn,
            rendered_boilerplate,
        ),
    ))
}

/// Everything of the site but its items: sections, taxonomies, people, sources, translations.
fn site_key(site: &Site) -> u64 {
    let Site {
        items: _,
        sections,
        taxonomies,
        authors,
        contacts,
        sources,
        assets,
        withheld,
        drafts,
        // Checked, never rendered: no page depends on a draft's content.
        unpublished_drafts: _,
        standby,
        translations,
        tags,
    } = site;
    debug_hash(&(
        sections,
        taxonomies,
        authors,
        contacts,
        sources,
        assets,
        withheld,
        drafts,
        standby,
        translations,
        tags,
    ))
}

/// A hash of everything an item's search document is made of: its text, title, terms,
/// summary, notices and updates (the tokens), and its URL, kind, language and date (the
/// record).
fn search_key(item: &Item, texts: &HashMap<String, u64>) -> u64 {
    let mut h = DefaultHasher::new();
    hash_text(item, texts, &mut h);
    (item.body_offset, &item.title, &item.tags, &item.categories).hash(&mut h);
    (
        &item.rendered.summary_text,
        &item.facts,
        &item.path,
        item.kind.as_str(),
    )
        .hash(&mut h);
    (&item.lang, item.date, &item.tz_name).hash(&mut h);
    debug_hash(&(&item.tz, &item.updates, &item.notices)).hash(&mut h);
    h.finish()
}
