//! The cache `serve` keeps from one rebuild to the next ([`BuildCache`], passed by `&mut` to
//! [`crate::render_in_memory_cached`]): parsed content files by path and stamp, each item's
//! rendered Markdown by a hash of everything rendering reads, the loaded theme, and every
//! templated page by a hash of its template context. An edit then re-reads one file,
//! re-renders one item's Markdown and re-runs Tera only for the pages whose context changed.
//!
//! Every key is the full set of inputs (not a guess at dependencies), so a stale entry can
//! only be reused when it would render the same bytes. A change to `site.toml` (or to the
//! build options) clears everything; a change to templates or i18n strings reloads the theme
//! and drops the rendered pages but keeps parsed files and Markdown.

use crate::config::Config;
use crate::content::frontmatter::SourceRaw;
use crate::content::{self, One, SourceFile};
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::markdown::{self, Rendered};
use crate::model::{Item, Site};
use crate::options::BuildOptions;
use crate::render::theme::Theme;
use crate::render::{self, Output, RenderCtx};
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

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
}

/// State kept across builds of one site. [`BuildCache::default`] caches; [`BuildCache::off`]
/// stores nothing (a one-off build).
#[derive(Default)]
pub struct BuildCache {
    off: bool,
    /// Hash of `site.toml` and the build options of the cached build.
    config_key: Option<u64>,
    /// Parsed content files by absolute path.
    parsed: HashMap<PathBuf, (Stamp, One)>,
    /// Rendered Markdown by file (`content/...`): (input hash, output, diagnostics).
    markdown: HashMap<String, MarkdownEntry>,
    /// The theme, with the stamps of the files it was loaded from.
    theme: Option<(u64, u64, Arc<Theme>)>,
    /// Templated pages by output path: (context hash, bytes).
    pages: HashMap<String, (u64, Vec<u8>)>,
    /// Paths the caller knows changed (the watcher's), re-read even if their stamp matches.
    dirty: HashSet<PathBuf>,
    /// What the last build did.
    stats: CacheStats,
}

impl std::fmt::Debug for BuildCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildCache")
            .field("off", &self.off)
            .field("files", &self.parsed.len())
            .field("markdown", &self.markdown.len())
            .field("pages", &self.pages.len())
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

    /// What the last build did anew.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Marks files as changed (for file systems whose stamps are coarse): the next build
    /// re-reads them whatever their length and time say.
    pub fn invalidate<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        self.dirty.extend(paths.into_iter().map(Path::to_path_buf));
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
            opts.locked,
        )
            .hash(&mut h);
        let key = h.finish();
        if self.config_key != Some(key) {
            *self = BuildCache {
                off: self.off,
                config_key: Some(key),
                ..BuildCache::default()
            };
        }
        self.stats = CacheStats::default();
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
        let fresh: Mutex<Vec<(PathBuf, Stamp, One)>> = Mutex::default();
        let seen: Mutex<Vec<PathBuf>> = Mutex::default();
        let (parsed, dirty) = (&self.parsed, &self.dirty);
        let loaded = content::load_with(config, diags, |src: SourceFile| {
            let abs = src.abs.clone();
            let stamp = stamp(&abs);
            if let Ok(mut s) = seen.lock() {
                s.push(abs.clone());
            }
            if let (Some(stamp), Some((old, one))) = (stamp, parsed.get(&abs)) {
                if *old == stamp && !dirty.contains(&abs) {
                    return Ok(one.clone());
                }
            }
            let one = content::parse_file(src)?;
            if let (Some(stamp), Ok(mut f)) = (stamp, fresh.lock()) {
                f.push((abs, stamp, one.clone()));
            }
            Ok(one)
        });
        let seen: HashSet<PathBuf> = seen.into_inner().unwrap_or_default().into_iter().collect();
        self.parsed.retain(|p, _| seen.contains(p));
        let fresh = fresh.into_inner().unwrap_or_default();
        self.stats.files_parsed = fresh.len();
        for (abs, stamp, one) in fresh {
            self.parsed.insert(abs, (stamp, one));
        }
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
        // Rendering looks site-wide sources up by id only.
        let mut ids: Vec<&str> = site.sources.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        let mut h = DefaultHasher::new();
        ids.hash(&mut h);
        let sources_key = h.finish();
        let cached = &self.markdown;
        let fresh: Mutex<Vec<(String, MarkdownEntry)>> = Mutex::default();
        markdown::render_all_with(
            site,
            config,
            diags,
            |item: &Item, sources: &HashMap<&str, &SourceRaw>| {
                let key = markdown_key(item, sources_key);
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
            }
        }
        self.theme = None;
        let theme = Arc::new(Theme::load(config, diags)?);
        self.stats.theme_loaded = true;
        self.theme = Some((templates_key, statics_key, theme.clone()));
        Ok(theme)
    }

    /// [`render::render_site`], reusing each page whose template context is unchanged.
    pub fn render_pages(
        &mut self,
        ctx: &RenderCtx<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Output> {
        if self.off {
            return render::render_site(ctx, diags);
        }
        let old = std::mem::take(&mut self.pages);
        let reuse = |path: &str, key: u64| {
            old.get(path)
                .filter(|(k, _)| *k == key)
                .map(|(_, bytes)| bytes.clone())
        };
        let rendered = render::render_site_with(ctx, diags, Some(&reuse));
        let mut old = old;
        let mut outputs = Vec::with_capacity(rendered.len());
        let mut pages = HashMap::with_capacity(rendered.len());
        for (output, key) in rendered {
            if let Some(key) = key {
                match old.remove(&output.path) {
                    Some((k, bytes)) if k == key => {
                        self.stats.pages_reused += 1;
                        pages.insert(output.path.clone(), (k, bytes));
                    }
                    _ => {
                        self.stats.pages_rendered += 1;
                        pages.insert(output.path.clone(), (key, output.bytes.clone()));
                    }
                }
            }
            outputs.push(output);
        }
        self.pages = pages;
        outputs
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

/// A hash of everything [`markdown::render_item`] reads from an item (the whole file text
/// and the fields resolved from elsewhere: language, kind, dateline, date, zone, boilerplate),
/// plus the site-wide source ids.
fn markdown_key(item: &Item, sources_key: u64) -> u64 {
    let mut h = DefaultHasher::new();
    sources_key.hash(&mut h);
    item.src.rel.hash(&mut h);
    item.text.hash(&mut h);
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
