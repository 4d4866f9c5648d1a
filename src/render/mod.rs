//! Rendering: the assembled [`Site`] → every output file as bytes, handed to a [`Sink`] as each
//! is finished. Nothing here touches the disk (a build's sink does, see [`crate::output`]) or
//! keeps anything between builds (the incremental layer does, see [`crate::incremental`]).
//!
//! A build's files are the templated pages ([`pages`]: one [`pages::PageJob`] each, rendered in
//! parallel) and the [`Artifact`]s, the one list of every other kind of file. To add an output
//! format, add an [`Artifact`]: [`render_site`] renders it, and the incremental layer's
//! exhaustive `match` will not compile until it says when the artifact must be rendered again.

mod aliases;
pub mod calendar;
mod claims;
pub mod corrections;
pub mod feeds;
pub mod guard;
mod image_functions;
pub mod pages;
pub mod record;
pub mod related;
pub mod search;
pub mod sitemap;
pub mod structured;
mod template_errors;
pub mod theme;
pub mod views;
pub mod wire;
pub mod xml;
pub mod zip;

use crate::config::Config;
use crate::content::frontmatter::Kind;
use crate::diag::Diagnostic;
use crate::model::ledger::Ledger;
use crate::model::{ItemId, Site};
use crate::options::BuildOptions;
pub use aliases::{REDIRECT_SCRIPT, REDIRECT_SCRIPT_CSP_HASH, alias_collisions};
pub use claims::Claims;
use rayon::prelude::*;
use serde_json::Value;
use std::io::{self, Write};
use theme::Theme;
use views::{ItemSummary, config_view, item_summary};

/// One file of the output: its site path (`/press/x/index.html`) and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path under the output root, starting with `/`.
    pub path: String,
    /// The bytes to write.
    pub bytes: Vec<u8>,
}

/// Every kind of file a build writes besides the templated pages.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Artifact {
    /// A redirect page per alias (and `/` → `/LANG/` when the default language has a prefix).
    Aliases,
    /// Atom, RSS and JSON feeds of each language's home, section, term and author.
    ListFeeds,
    /// The corrections feeds, one set per language.
    CorrectionsFeeds,
    /// `sitemap.xml` (and its index when split) and `robots.txt`.
    Sitemaps,
    /// The search index under `/search/`.
    SearchIndex,
    /// `/highlight.css`.
    HighlightCss,
    /// `/corrections/record.json`, the public publication record.
    PublicRecord,
    /// `index.txt` beside each release's and statement's page: its wire text.
    WireText,
    /// `event.ics` beside each event's page and each language's `events.ics`.
    Calendars,
    /// Each published press kit's ZIP of its originals (`/media/KIT.zip`).
    MediaZips,
}

impl Artifact {
    /// Every artifact (a build hands each one's files to its sink as soon as they are made).
    pub const ALL: [Artifact; 10] = [
        Artifact::Aliases,
        Artifact::ListFeeds,
        Artifact::CorrectionsFeeds,
        Artifact::Sitemaps,
        Artifact::SearchIndex,
        Artifact::HighlightCss,
        Artifact::PublicRecord,
        Artifact::WireText,
        Artifact::Calendars,
        Artifact::MediaZips,
    ];

    /// The artifact's files for this build.
    pub fn outputs(self, ctx: &RenderCtx<'_>) -> Vec<Output> {
        match self {
            Artifact::Aliases => aliases::outputs(ctx),
            Artifact::ListFeeds => feeds::list_outputs(ctx, |_| true),
            Artifact::CorrectionsFeeds => corrections::feed_outputs(ctx),
            Artifact::Sitemaps => sitemap::outputs(ctx.site, ctx.config, ctx.opts.now),
            Artifact::SearchIndex => search::outputs(ctx.site, ctx.config),
            Artifact::HighlightCss => vec![Output {
                path: "/highlight.css".into(),
                bytes: crate::markdown::highlight::stylesheet().into_bytes(),
            }],
            Artifact::PublicRecord => ctx
                .record
                .map(|next| record::public_record(next, ctx.config))
                .into_iter()
                .collect(),
            Artifact::WireText => wire::outputs(ctx, |_| true),
            Artifact::Calendars => calendar::outputs(ctx),
            Artifact::MediaZips => media_zips(ctx),
        }
    }

    /// The artifact's files for this build, each handed to `sink` as soon as it is made. The
    /// wire texts, one per release and statement, go one by one; the others as a whole.
    pub fn put_into(self, ctx: &RenderCtx<'_>, sink: &dyn Sink) {
        match self {
            Artifact::WireText => wire::texts(ctx, &|_| true).for_each(|o| sink.put(o)),
            other => other.outputs(ctx).into_iter().for_each(|o| sink.put(o)),
        }
    }
}

/// The ZIP of each kit whose page is written, made in parallel: one for all its language
/// versions, which share their files.
fn media_zips(ctx: &RenderCtx<'_>) -> Vec<Output> {
    zip_kits(ctx)
        .par_iter()
        .filter_map(|k| {
            zip::kit_zip(k).map(|bytes| Output {
                path: k.zip_path(),
                bytes,
            })
        })
        .collect()
}

/// The kits whose ZIP is written: each published kit once (its first language version).
/// `serve` offers the same ZIPs, made when they are asked for.
pub fn zip_kits<'a>(ctx: &RenderCtx<'a>) -> Vec<&'a crate::model::media::Kit> {
    let mut ids = std::collections::BTreeSet::new();
    (ctx.site.media.kits.iter())
        .filter(|k| k.appears_in(crate::model::Surface::Page))
        .filter(|k| ids.insert(k.id.as_str()))
        .collect()
}

/// Shared, read-only state for rendering one build.
pub struct RenderCtx<'a> {
    /// The site.
    pub site: &'a Site,
    /// The config.
    pub config: &'a Config,
    /// The theme.
    pub theme: &'a Theme,
    /// The options.
    pub opts: &'a BuildOptions,
    /// Summaries, one per item, each built the first time a page needs it. Kept as the
    /// borrowing struct, not as its template value: a `Value` tree copies the summary texts
    /// and spends a map node and a string per field, about 4 KiB an item (0.4 GB of a
    /// 100,000-item build's peak); the struct is made into a value on each use, which costs
    /// about what cloning the value did. Boxed: the struct is ~0.7 KiB, and serve makes a
    /// context, with a slot for every item, for each edit.
    summaries: Vec<std::sync::OnceLock<Box<ItemSummary<'a>>>>,
    /// The `config` template value of each language (its boilerplate differs).
    config_values: std::collections::HashMap<String, Value>,
    /// Pages that have feeds (site path of the list's first page) and the feed's title.
    feed_titles: std::collections::HashMap<String, String>,
    /// Top-level sections per language, for navigation: `[{dir, title, url}]`.
    sections: std::collections::HashMap<String, Value>,
    /// Each item's related items ([`related::related`]).
    related: Vec<Vec<ItemId>>,
    /// The lists of each language readers can subscribe to (`subscribe`).
    subscribe: std::collections::HashMap<String, Value>,
    /// The header's links of each language (`main_nav`), made once instead of by every page's
    /// template (the default theme's loop over the candidates cost as much as a page's body).
    main_nav: std::collections::HashMap<String, Value>,
    /// The publication ledger once this output is online, for the public record (None: the
    /// ledger had problems, and a preview shows them as warnings).
    pub record: Option<&'a Ledger>,
}

impl<'a> RenderCtx<'a> {
    /// Prepares the shared values (the config view, feeds, navigation); item summaries are
    /// built on first use.
    pub fn new(
        site: &'a Site,
        config: &'a Config,
        theme: &'a Theme,
        opts: &'a BuildOptions,
        related: Vec<Vec<ItemId>>,
    ) -> Self {
        let summaries = (0..site.items.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let feed_titles = feeds::titles(site, config).into_iter().collect();
        let mut sections: std::collections::HashMap<String, Value> =
            std::collections::HashMap::new();
        for s in site
            .sections
            .iter()
            .filter(|s| !s.dir.is_empty() && !s.dir.contains('/'))
        {
            let list = sections
                .entry(s.lang.clone())
                .or_insert_with(|| Value::Array(vec![]));
            if let Value::Array(a) = list {
                a.push(views::to_value(&views::NavSection {
                    dir: &s.dir,
                    title: &s.title,
                    url: config.url(&s.path),
                    lists: main_kind(site, &s.items),
                }));
            }
        }
        let main_nav = (config.languages.iter())
            .map(|l| {
                (
                    l.code.clone(),
                    main_nav(config, &l.code, sections.get(&l.code)),
                )
            })
            .collect();
        RenderCtx {
            sections,
            main_nav,
            subscribe: subscribe_groups(site, config),
            site,
            config,
            theme,
            opts,
            summaries,
            config_values: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), config_view(config, &l.code)))
                .collect(),
            feed_titles,
            related,
            record: None,
        }
    }

    /// The same context, with the ledger whose public record the output carries.
    pub fn with_record(mut self, record: Option<&'a Ledger>) -> Self {
        self.record = record;
        self
    }

    /// The `config` template value of a language's pages.
    fn config_value(&self, lang: &str) -> Value {
        self.config_values
            .get(lang)
            .or_else(|| self.config_values.get(&self.config.default_language))
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The `main_nav` template value of a language's pages.
    fn main_nav(&self, lang: &str) -> Value {
        match self.main_nav.get(lang) {
            Some(nav) => nav.clone(),
            None => main_nav(self.config, lang, self.sections.get(lang)),
        }
    }

    fn summary(&self, id: ItemId) -> &ItemSummary<'a> {
        self.summaries[id].get_or_init(|| Box::new(item_summary(self.site, self.config, id)))
    }

    fn summaries_of(&self, ids: &[ItemId]) -> Vec<Value> {
        ids.iter().map(|&id| self.summary(id).card()).collect()
    }
}

/// Per language, what its subscribe menu lists: the language's whole newsroom, each section
/// with feeds and items in it, and the corrections, each with its Atom, RSS and JSON feeds.
fn subscribe_groups(site: &Site, config: &Config) -> std::collections::HashMap<String, Value> {
    config
        .languages
        .iter()
        .map(|l| {
            let prefix = config.lang_prefix(&l.code);
            let home = format!("{prefix}/");
            let group = |kind, title, base: &str| {
                let names = feeds::names_at(config, site, base);
                views::SubscribeGroup::new(config, names, kind, title, base)
            };
            let mut groups = vec![group("all", "", &home)];
            let mut sections: Vec<views::SubscribeGroup<'_>> = site
                .sections
                .iter()
                .filter(|s| s.lang == l.code && !s.dir.is_empty() && s.feed && !s.items.is_empty())
                .map(|s| group("section", &s.title, &s.path).listing(main_kind(site, &s.items)))
                .collect();
            // Releases first, as a journalist looks for them; then statements, posts, fact sheets.
            sections.sort_by_key(|g| KIND_ORDER.iter().position(|k| k.as_str() == g.lists));
            groups.extend(sections);
            let corrections = format!("{prefix}/corrections/");
            groups.push(group("corrections", "", &corrections));
            (l.code.clone(), views::to_value(&groups))
        })
        .collect()
}

/// The header's navigation candidates: a top-level folder and the theme string of its link.
/// The corrections and search pages are always there; the others when the language has that
/// section.
const MAIN_NAV: [(&str, &str); 6] = [
    ("press", "press_releases"),
    ("statements", "statements"),
    ("facts", "fact_sheets"),
    ("blog", "blog"),
    ("corrections", "corrections"),
    ("search", "search"),
];

/// A language's header links, `[{url, key}]`: `url` is the folder under the language's home
/// (`config.languages[].url`, `/` for a language the config does not list) and `key` the
/// theme string that names it. `sections` is the language's `sections` value.
fn main_nav(config: &Config, lang: &str, sections: Option<&Value>) -> Value {
    let home = match config.languages.iter().find(|l| l.code == lang) {
        Some(l) => config.url(&format!("{}/", config.lang_prefix(&l.code))),
        None => "/".to_string(),
    };
    let has_section = |dir: &str| {
        sections
            .and_then(Value::as_array)
            .is_some_and(|all| all.iter().any(|s| s["dir"] == dir))
    };
    let links = MAIN_NAV
        .iter()
        .filter(|(dir, _)| matches!(*dir, "corrections" | "search") || has_section(dir))
        .map(|(dir, key)| serde_json::json!({"url": format!("{home}{dir}/"), "key": key}))
        .collect();
    Value::Array(links)
}

/// The kinds in the order a newsroom shows its lists.
const KIND_ORDER: [Kind; 5] = [
    Kind::Release,
    Kind::Statement,
    Kind::Post,
    Kind::Factsheet,
    Kind::Page,
];

/// The kind most of `items` have (the first such kind in `Kind` order on a tie): what a
/// section lists, in words, on the subscribe page and in the filter by kind; empty for no
/// items.
fn main_kind(site: &Site, items: &[ItemId]) -> &'static str {
    if items.is_empty() {
        return "";
    }
    KIND_ORDER
        .into_iter()
        .map(|k| {
            (
                items.iter().filter(|&&i| site.items[i].kind == k).count(),
                k,
            )
        })
        .rev()
        .max_by_key(|(n, _)| *n)
        .map_or("page", |(_, k)| k.as_str())
}

/// Where finished files go, from whichever rendering thread finished them.
pub trait Sink: Sync {
    /// Takes one finished file.
    fn put(&self, output: Output);

    /// Takes one file that `write` writes as it is made (a kit's ZIP, which can be
    /// gigabytes); an error of `write`'s is returned. By default its bytes are collected and
    /// handed to [`Sink::put`]; a sink that writes files streams them instead.
    fn put_streamed(
        &self,
        path: &str,
        write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(Output {
            path: path.to_string(),
            bytes,
        });
        Ok(())
    }
}

/// Keeps every file in memory, for serve and for `build --audit`, which read them back.
#[derive(Default)]
pub struct Keep(std::sync::Mutex<Vec<Output>>);

impl Keep {
    /// The files kept, in the order they were finished.
    pub fn into_outputs(self) -> Vec<Output> {
        self.0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for Keep {
    fn put(&self, output: Output) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(output);
    }
}

/// Renders every file of the site into `sink`, each page as soon as it is rendered, so a
/// build can write pages while others render instead of holding the whole site in memory.
/// Template errors become diagnostics naming the template and the item being rendered.
/// `pages`: every templated page ([`pages::page_jobs`], listed once for the checks before).
pub fn render_site<'a>(
    ctx: &'a RenderCtx<'_>,
    pages: Vec<pages::PageJob<'a>>,
    diags: &mut Vec<Diagnostic>,
    sink: &dyn Sink,
) {
    // Pages and the artifacts read the same finished site and write different files: render
    // them side by side (each artifact is also parallel inside where it can be).
    let (page_errors, ()) = rayon::join(
        || {
            pages
                .into_par_iter()
                .filter_map(|job| match job.context(ctx).and_then(|c| c.render(ctx)) {
                    Ok(page) => {
                        sink.put(page);
                        None
                    }
                    Err(d) => Some(d),
                })
                .collect::<Vec<Diagnostic>>()
        },
        || {
            // The kits' ZIPs are streamed to the sink below, not made in memory. Each
            // artifact's files go to the sink as soon as it is made: held until the last page
            // was rendered, they were half a GB at 100,000 items (wire texts, search index, feeds).
            (Artifact::ALL.par_iter())
                .filter(|a| **a != Artifact::MediaZips)
                .for_each(|a| a.put_into(ctx, sink));
        },
    );
    diags.extend(pages::one_error_per_line(page_errors));
    stream_media_zips(ctx, sink, diags);
}

/// Each published kit's ZIP, written into the sink as it is read from the originals: one
/// for all of a kit's language versions. A ZIP that cannot be written fails the build.
/// Returns the ZIPs' paths.
pub fn stream_media_zips(
    ctx: &RenderCtx<'_>,
    sink: &dyn Sink,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let kits = zip_kits(ctx);
    for &kit in &kits {
        if let Err(e) = sink.put_streamed(&kit.zip_path(), &|out| zip::write_kit(kit, out)) {
            diags.push(
                Diagnostic::error(
                    &kit.rel,
                    1,
                    1,
                    format!("cannot write `{}`: {e}", kit.zip_path()),
                )
                .with_help("check the kit's files can be read and the output folder has room"),
            );
        }
    }
    kits.iter().map(|k| k.zip_path()).collect()
}
