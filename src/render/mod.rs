//! Rendering: the assembled [`Site`] → every output file as bytes (pages through Tera, redirect
//! pages, the highlight stylesheet), handed to a [`Sink`] as each is finished. Pages render in
//! parallel; nothing here touches the disk (a build's sink does, see [`crate::output`]).

mod claims;
pub mod feeds;
pub mod guard;
pub mod record;
pub mod search;
pub mod sitemap;
pub mod structured;
mod template_errors;
pub mod theme;
pub mod views;
pub mod xml;

use crate::config::Config;
use crate::content::frontmatter::NoticeKind;
use crate::dates::rfc3339;
use crate::diag::Diagnostic;
use crate::model::{ItemId, Site};
use crate::options::BuildOptions;
pub use claims::Claims;
use rayon::prelude::*;
use serde_json::{Value, json};
use theme::Theme;
use views::{Urls, config_view, item_page_view, item_summary_view};

/// One file of the output: its site path (`/press/x/index.html`) and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path under the output root, starting with `/`.
    pub path: String,
    /// The bytes to write.
    pub bytes: Vec<u8>,
}

/// A page's own variables and its `translations`, built only when the page is rendered.
type Vars = (Vec<(&'static str, Value)>, Vec<Value>);

/// A page to render: template, language, site path, the items it reads, and (lazily) the
/// variables particular to it.
struct Job<'a> {
    template: String,
    lang: String,
    path: String,
    /// The first page of the list this page belongs to (its own path unless it is page 2, 3,
    /// … of a paginated list): whose feeds the page links to.
    list: String,
    /// Which item the page belongs to, for error messages.
    owner: String,
    /// The items whose content the page's context embeds (its own item, the items a list page
    /// shows). Everything else it reads is the site's shape (see [`PageCache`]).
    deps: Vec<ItemId>,
    vars: Box<dyn FnOnce() -> Vars + Send + 'a>,
}

impl<'a> Job<'a> {
    fn new(
        template: impl Into<String>,
        lang: impl Into<String>,
        path: impl Into<String>,
        owner: impl Into<String>,
        deps: Vec<ItemId>,
        vars: impl FnOnce() -> Vars + Send + 'a,
    ) -> Self {
        let path = path.into();
        Job {
            template: template.into(),
            lang: lang.into(),
            list: path.clone(),
            path,
            owner: owner.into(),
            deps,
            vars: Box::new(vars),
        }
    }

    /// Marks the page as one of the pages of the list at `list`.
    fn of_list(mut self, list: &str) -> Self {
        self.list = list.to_string();
        self
    }
}

/// What serve's page cache ([`crate::cache`]) knows of the previous build.
pub trait PageCache: Sync {
    /// Whether the page at output path `file` can be taken from the previous build without
    /// building its context: true only when the site's shape is unchanged and no item of
    /// `deps` changed (see [`crate::cache`]).
    fn unchanged(&self, file: &str, deps: &[ItemId]) -> bool;
    /// Whether the previous build rendered `file` from a context with hash `key`.
    fn has(&self, file: &str, key: u64) -> bool;
}

/// A templated page of [`render_pages`].
#[derive(Debug)]
pub struct Page {
    /// Output path.
    pub path: String,
    /// The bytes; None: the previous build's bytes stand (the cache said so).
    pub bytes: Option<Vec<u8>>,
    /// Hash of everything its rendering read; None when the page was reused without
    /// building its context (the previous key stands) or no cache was given.
    pub key: Option<u64>,
    /// The items whose content the page embeds.
    pub deps: Vec<ItemId>,
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
    /// Summary views, one per item, each built the first time a page needs it.
    summaries: Vec<std::sync::OnceLock<Value>>,
    config_value: Value,
    /// Pages that have feeds (site path of the list's first page) and the feed's title.
    feed_titles: std::collections::HashMap<String, String>,
    /// Top-level sections per language, for navigation: `[{dir, title, url}]`.
    sections: std::collections::HashMap<String, Value>,
}

impl<'a> RenderCtx<'a> {
    /// Prepares the shared values (the config view, feeds, navigation); item summaries are
    /// built on first use.
    pub fn new(
        site: &'a Site,
        config: &'a Config,
        theme: &'a Theme,
        opts: &'a BuildOptions,
    ) -> Self {
        let summaries = (0..site.items.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let feed_titles = feed_plan(site, config)
            .into_iter()
            .map(|(base, title, _)| (base, title))
            .collect();
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
                a.push(json!({"dir": s.dir, "title": s.title, "url": config.url(&s.path)}));
            }
        }
        RenderCtx {
            sections,
            site,
            config,
            theme,
            opts,
            summaries,
            config_value: config_view(config),
            feed_titles,
        }
    }

    fn summary(&self, id: ItemId) -> &Value {
        self.summaries[id].get_or_init(|| item_summary_view(self.site, self.config, id))
    }

    fn summaries_of(&self, ids: &[ItemId]) -> Vec<Value> {
        ids.iter().map(|&id| self.summary(id).clone()).collect()
    }
}

/// Where finished files go, from whichever rendering thread finished them.
pub trait Sink: Sync {
    /// Takes one finished file.
    fn put(&self, output: Output);
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
pub fn render_site(ctx: &RenderCtx<'_>, diags: &mut Vec<Diagnostic>, sink: &dyn Sink) {
    // Pages, feeds, sitemaps and the search index read the same finished site and write
    // different files: render them side by side (each is also parallel inside where it can be).
    let (page_diags, (feeds, (sitemaps, search))) = rayon::join(
        || {
            page_results(ctx, None)
                .filter_map(|r| match r {
                    Ok(Page {
                        path,
                        bytes: Some(bytes),
                        ..
                    }) => {
                        sink.put(Output { path, bytes });
                        None
                    }
                    Ok(_) => None,
                    Err(d) => Some(d),
                })
                .collect::<Vec<Diagnostic>>()
        },
        || {
            rayon::join(
                || feed_outputs(ctx),
                || {
                    rayon::join(
                        || sitemap::outputs(ctx.site, ctx.config, ctx.opts.now),
                        || search::outputs(ctx.site, ctx.config),
                    )
                },
            )
        },
    );
    diags.extend(template_errors::dedupe(page_diags));
    for o in alias_outputs(ctx)
        .into_iter()
        .chain(feeds)
        .chain(sitemaps)
        .chain(search)
        .chain([highlight_output()])
    {
        sink.put(o);
    }
}

/// The highlight stylesheet.
pub fn highlight_output() -> Output {
    Output {
        path: "/highlight.css".into(),
        bytes: crate::markdown::highlight::stylesheet().into_bytes(),
    }
}

/// Every templated page. With `cache` (serve's, [`crate::cache`]), a page the cache calls
/// unchanged is not built at all, and one whose context hashes as before is not rendered:
/// both come back with `bytes: None`.
pub fn render_pages(
    ctx: &RenderCtx<'_>,
    diags: &mut Vec<Diagnostic>,
    cache: Option<&dyn PageCache>,
) -> Vec<Page> {
    let results: Vec<Result<Page, Diagnostic>> = page_results(ctx, cache).collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => failed.push(d),
        }
    }
    diags.extend(template_errors::dedupe(failed));
    pages
}

/// Every templated page, rendered in parallel as the caller consumes them.
fn page_results<'a>(
    ctx: &'a RenderCtx<'a>,
    cache: Option<&'a dyn PageCache>,
) -> impl ParallelIterator<Item = Result<Page, Diagnostic>> + 'a {
    page_jobs(ctx)
        .into_par_iter()
        .map(move |job| render_job(ctx, job, cache))
}

/// Every templated page, not rendered yet (a job renders only when run).
fn page_jobs<'a>(ctx: &'a RenderCtx<'a>) -> Vec<Job<'a>> {
    let mut jobs = Vec::new();
    item_jobs(ctx, &mut jobs);
    section_jobs(ctx, &mut jobs);
    taxonomy_jobs(ctx, &mut jobs);
    people_and_sources_jobs(ctx, &mut jobs);
    site_page_jobs(ctx, &mut jobs);
    jobs
}

fn render_job(
    ctx: &RenderCtx<'_>,
    job: Job<'_>,
    cache: Option<&dyn PageCache>,
) -> Result<Page, Diagnostic> {
    let file = if job.path.ends_with('/') {
        format!("{}index.html", job.path)
    } else {
        job.path.clone()
    };
    if cache.is_some_and(|c| c.unchanged(&file, &job.deps)) {
        return Ok(Page {
            path: file,
            bytes: None,
            key: None,
            deps: job.deps,
        });
    }
    let (own_vars, translations) = (job.vars)();
    // One map moved into the context: `Context::insert` would serialize (copy) every value.
    let mut vars = serde_json::Map::new();
    vars.insert("config".into(), ctx.config_value.clone());
    vars.insert("lang".into(), Value::String(job.lang.clone()));
    vars.insert(
        "now".into(),
        Value::String(crate::dates::rfc3339_utc(ctx.opts.now)),
    );
    vars.insert(
        "current_url".into(),
        Value::String(ctx.config.url(&job.path)),
    );
    vars.insert(
        "permalink".into(),
        Value::String(ctx.config.permalink(&ctx.config.url(&job.path))),
    );
    vars.insert("preview".into(), Value::Bool(ctx.opts.drafts));
    vars.insert("feeds".into(), feed_links_for(ctx, &job.list, &job.lang));
    vars.insert("translations".into(), Value::Array(translations));
    vars.insert("jsonld".into(), Value::Null);
    vars.insert(
        "sections".into(),
        ctx.sections
            .get(&job.lang)
            .cloned()
            .unwrap_or(Value::Array(vec![])),
    );
    for (k, v) in own_vars {
        vars.insert(k.into(), v);
    }
    let key = cache.map(|_| {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (&job.template, &job.lang, &vars).hash(&mut h);
        h.finish()
    });
    if let (Some(cache), Some(key)) = (cache, key) {
        if cache.has(&file, key) {
            return Ok(Page {
                path: file,
                bytes: None,
                key: Some(key),
                deps: job.deps,
            });
        }
    }
    let tctx = tera_context(Value::Object(vars), &job.owner, &job.path, &job.template)?;
    let html = ctx
        .theme
        .render(&job.template, &job.lang, &tctx)
        .map_err(|e| render_error(e, &job.path, &job.owner, &job.template))?;
    Ok(Page {
        path: file,
        bytes: Some(html.into_bytes()),
        key,
        deps: job.deps,
    })
}

/// A page that failed to render: at the template line when the theme found it (see
/// [`template_errors::dedupe`] for one error per line), else at the page's content file.
fn render_error(e: theme::RenderError, path: &str, owner: &str, template: &str) -> Diagnostic {
    match e.at {
        // At the template line that failed; `render_site` keeps one error per line.
        Some((file, line, col)) => {
            let d = Diagnostic::error(
                file,
                line,
                col,
                format!(
                    "{}{}`{}` from {})",
                    e.message,
                    template_errors::RENDERING,
                    path,
                    owner
                ),
            );
            match e.help {
                Some(help) => d.with_help(help),
                None => d,
            }
        }
        None => Diagnostic::error(
            owner,
            1,
            1,
            format!(
                "rendering `{}` with template `{}` failed: {}",
                path, template, e.message
            ),
        ),
    }
}

/// The Tera context of a page. One that cannot be made is an error naming the page: an
/// empty context would render the page without its content, and the build would pass.
fn tera_context(
    vars: Value,
    owner: &str,
    path: &str,
    template: &str,
) -> Result<tera::Context, Diagnostic> {
    tera::Context::from_value(vars).map_err(|e| {
        Diagnostic::error(
            owner,
            1,
            1,
            format!("the variables of `{path}` (template `{template}`) cannot be handed to the theme: {e}"),
        )
    })
}

fn item_jobs<'a>(ctx: &'a RenderCtx<'a>, jobs: &mut Vec<Job<'a>>) {
    for (id, item) in ctx.site.items.iter().enumerate() {
        if !ctx.site.is_written(id) {
            continue;
        }
        let kind_template = format!("{}.html", item.kind.as_str());
        let template = if ctx.theme.has(&kind_template) {
            kind_template
        } else {
            "page.html".into()
        };
        let section = &ctx.site.sections[item.section];
        jobs.push(Job::new(template, &item.lang, &item.path, &item.src.rel, vec![id], move || {
            let page = item_page_view(ctx.site, ctx.config, id);
            let translations = page["translations"].as_array().cloned().unwrap_or_default();
            (
                vec![
                    ("page", page),
                    ("section", json!({"title": section.title, "url": ctx.config.url(&section.path), "lang": section.lang})),
                    ("jsonld", Value::String(structured::item_jsonld(ctx.site, ctx.config, id))),
                ],
                translations,
            )
        }));
    }
}

/// The other-language versions of a generated page that exists in every language.
fn lang_alternates(
    config: &Config,
    lang: &str,
    path_in_lang: impl Fn(&str) -> String,
) -> Vec<Value> {
    config
        .languages
        .iter()
        .filter(|l| l.code != lang)
        .map(|l| {
            let url = config.url(&path_in_lang(&l.code));
            json!({"lang": l.code, "name": l.name, "permalink": config.permalink(&url), "url": url, "title": l.title})
        })
        .collect()
}

/// The path of page `n` (1-based) of a paginated list at `base`.
fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The pages of a paginated list at `base`: each page's path, and its items with a function
/// that builds its paginator (the summaries of those items) when the page is rendered.
fn paginate<'a>(
    ctx: &'a RenderCtx<'a>,
    base: &str,
    ids: &[ItemId],
    per_page: usize,
) -> Vec<(String, Vec<ItemId>, impl FnOnce() -> Value + Send + 'a)> {
    let per_page = per_page.max(1);
    let total = ids.len().div_ceil(per_page).max(1);
    (1..=total)
        .map(|n| {
            let chunk = ids
                .iter()
                .skip((n - 1) * per_page)
                .take(per_page)
                .copied()
                .collect::<Vec<_>>();
            let list = base.to_string();
            let deps = chunk.clone();
            let paginator = move || {
                let url = |k: usize| ctx.config.url(&page_path(&list, k));
                json!({
                    "pages": ctx.summaries_of(&chunk),
                    "current_index": n,
                    "number_pagers": total,
                    "total_pages": total,
                    "paginate_by": per_page,
                    "first": url(1),
                    "last": url(total),
                    "previous": (n > 1).then(|| url(n - 1)),
                    "next": (n < total).then(|| url(n + 1)),
                })
            };
            (page_path(base, n), deps, paginator)
        })
        .collect()
}

fn section_jobs<'a>(ctx: &'a RenderCtx<'a>, jobs: &mut Vec<Job<'a>>) {
    let config = ctx.config;
    for section in &ctx.site.sections {
        let view = move || {
            json!({
                "title": section.title,
                "description": section.description,
                "content": section.content_html,
                "url": config.url(&section.path),
                "permalink": config.permalink(&config.url(&section.path)),
                "lang": section.lang,
                "subsections": section.children.iter().map(|&c| {
                    let s = &ctx.site.sections[c];
                    json!({"title": s.title, "url": config.url(&s.path)})
                }).collect::<Vec<_>>(),
                "extra": section.extra,
            })
        };
        let translations = move || {
            let dir = section.dir.clone();
            lang_alternates(config, &section.lang, |l| {
                if dir.is_empty() {
                    format!("{}/", config.lang_prefix(l))
                } else {
                    format!("{}/{dir}/", config.lang_prefix(l))
                }
            })
        };
        if section.dir.is_empty() {
            let items = &ctx.site.items;
            let pick = |kinds: &[&str]| -> Vec<ItemId> {
                section
                    .items
                    .iter()
                    .copied()
                    .filter(|&i| kinds.contains(&items[i].kind.as_str()))
                    .take(10)
                    .collect()
            };
            let home_items: Vec<ItemId> = section
                .items
                .iter()
                .copied()
                .take(section.paginate_by)
                .collect();
            let (press, posts, factsheets) = (
                pick(&["release", "statement"]),
                pick(&["post"]),
                pick(&["factsheet"]),
            );
            let mut deps: Vec<ItemId> = home_items
                .iter()
                .chain(&press)
                .chain(&posts)
                .chain(&factsheets)
                .copied()
                .collect();
            deps.sort_unstable();
            deps.dedup();
            jobs.push(Job::new("index.html", &section.lang, &section.path, owner_of(section), deps, move || {
                let latest = json!({"press": ctx.summaries_of(&press), "posts": ctx.summaries_of(&posts), "factsheets": ctx.summaries_of(&factsheets)});
                (
                    vec![
                        ("section", with_pages(&view(), ctx.summaries_of(&home_items))),
                        ("latest", latest),
                    ],
                    translations(),
                )
            }));
            continue;
        }
        for (path, deps, paginator) in
            paginate(ctx, &section.path, &section.items, section.paginate_by)
        {
            jobs.push(
                Job::new(
                    "section.html",
                    &section.lang,
                    path,
                    owner_of(section),
                    deps,
                    move || {
                        let paginator = paginator();
                        (
                            vec![
                                ("section", with_pages(&view(), paginator["pages"].clone())),
                                ("paginator", paginator),
                            ],
                            translations(),
                        )
                    },
                )
                .of_list(&section.path),
            );
        }
    }
}

/// A list view with `pages` set to the items shown on this page. Giving every page of a
/// paginated list the whole list made memory grow with the square of the site.
fn with_pages(view: &Value, pages: impl Into<Value>) -> Value {
    let mut v = view.clone();
    v["pages"] = pages.into();
    v
}

fn owner_of(section: &crate::model::Section) -> String {
    section
        .body
        .as_ref()
        .map(|body| body.src.rel.clone())
        .unwrap_or_else(|| format!("content/{}", section.dir))
}

fn taxonomy_jobs<'a>(ctx: &'a RenderCtx<'a>, jobs: &mut Vec<Job<'a>>) {
    let config = ctx.config;
    let urls = Urls { config };
    for tax in &ctx.site.taxonomies {
        let base = format!("{}/{}/", config.lang_prefix(&tax.lang), tax.name);
        let terms: Vec<Value> = tax
            .terms
            .iter()
            .map(|t| json!({"name": t.name, "slug": t.slug, "url": urls.url(&urls.term_path(&tax.lang, tax.name, &t.slug)), "count": t.items.len()}))
            .collect();
        let taxonomy = json!({"name": tax.name, "url": config.url(&base), "terms": terms});
        let name = tax.name;
        let list = taxonomy.clone();
        jobs.push(Job::new(
            "taxonomy_list.html",
            &tax.lang,
            base.clone(),
            format!("(taxonomy {})", tax.name),
            vec![],
            move || {
                (
                    vec![("taxonomy", list)],
                    lang_alternates(config, &tax.lang, |l| {
                        format!("{}/{name}/", config.lang_prefix(l))
                    }),
                )
            },
        ));
        // Shared by every term page, copied only for a page that is rendered: a copy per page
        // made listing the pages grow with the square of the number of terms.
        let taxonomy = std::sync::Arc::new(taxonomy);
        for (t, term) in tax.terms.iter().zip(terms) {
            let term_path = urls.term_path(&tax.lang, tax.name, &t.slug);
            for (path, deps, paginator) in paginate(ctx, &term_path, &t.items, config.paginate_by) {
                let (taxonomy, mut term_view) = (taxonomy.clone(), term.clone());
                jobs.push(
                    Job::new(
                        "taxonomy_term.html",
                        &tax.lang,
                        path,
                        format!("(taxonomy {} term {})", tax.name, t.name),
                        deps,
                        move || {
                            let paginator = paginator();
                            term_view["pages"] = paginator["pages"].clone();
                            (
                                vec![
                                    ("taxonomy", Value::clone(&taxonomy)),
                                    ("term", term_view),
                                    ("paginator", paginator),
                                ],
                                vec![],
                            )
                        },
                    )
                    .of_list(&term_path),
                );
            }
        }
    }
}

fn people_and_sources_jobs<'a>(ctx: &'a RenderCtx<'a>, jobs: &mut Vec<Job<'a>>) {
    let config = ctx.config;
    let site = ctx.site;
    let lang = config.default_language.clone();
    let urls = Urls { config };
    let mut authors = Vec::new();
    let (authors_in_use, sources_in_use) = (site.authors_in_use(), site.sources_in_use());
    for (id, person) in &site.authors {
        if !authors_in_use.contains(id.as_str()) {
            continue;
        }
        let items: Vec<ItemId> = listed_sorted(site, |i| site.items[i].authors.contains(id));
        let view = json!({"id": id, "name": person.name, "role": person.role, "bio": person.bio, "email": person.email, "phone": person.phone, "image": person.image, "url": config.url(&format!("/authors/{id}/")), "count": items.len()});
        authors.push(view.clone());
        let base = format!("/authors/{id}/");
        for (path, deps, paginator) in paginate(ctx, &base, &items, config.paginate_by) {
            let mut view = view.clone();
            jobs.push(
                Job::new(
                    "author.html",
                    &lang,
                    path,
                    "data/authors.toml",
                    deps,
                    move || {
                        let paginator = paginator();
                        view["pages"] = paginator["pages"].clone();
                        (vec![("author", view), ("paginator", paginator)], vec![])
                    },
                )
                .of_list(&base),
            );
        }
    }
    jobs.push(Job::new(
        "authors.html",
        &lang,
        "/authors/",
        "data/authors.toml",
        vec![],
        move || (vec![("authors", Value::Array(authors))], vec![]),
    ));

    let mut sources = Vec::new();
    for s in &site.sources {
        if !sources_in_use.contains(s.id.as_str()) {
            continue;
        }
        let citing: Vec<ItemId> = listed_sorted(site, |i| {
            site.items[i]
                .rendered
                .sources
                .iter()
                .any(|c| c.site_wide && c.id == s.id && !c.backrefs.is_empty())
        });
        let mut view = views::source_view(&urls, s, &config.timezone, true);
        view["count"] = citing.len().into();
        sources.push(view.clone());
        jobs.push(Job::new(
            "source.html",
            &lang,
            format!("/sources/{}/", s.id),
            "data/sources.toml",
            citing.clone(),
            move || {
                view["citing"] = Value::Array(ctx.summaries_of(&citing));
                (vec![("source", view)], vec![])
            },
        ));
    }
    jobs.push(Job::new(
        "sources.html",
        lang,
        "/sources/",
        "data/sources.toml",
        vec![],
        move || (vec![("sources", Value::Array(sources))], vec![]),
    ));
}

/// Listed items matching `keep`, newest first.
fn listed_sorted(site: &Site, keep: impl Fn(ItemId) -> bool) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = (0..site.items.len())
        .filter(|&i| site.items[i].is_listed() && keep(i))
        .collect();
    ids.sort_by(|&a, &b| {
        site.items[b]
            .date
            .cmp(&site.items[a].date)
            .then(site.items[a].path.cmp(&site.items[b].path))
    });
    ids
}

/// Every correction, clarification, update and withdrawal of the items in `lang` (all languages
/// when `None`), newest first, each with a stable id.
pub fn corrections_list(site: &Site, config: &Config, lang: Option<&str>) -> Vec<Value> {
    let mut entries: Vec<(jiff::Timestamp, String, Value)> = Vec::new();
    for (id, item) in site.items.iter().enumerate() {
        if !item.in_feeds() || !site.is_written(id) || lang.is_some_and(|l| l != item.lang) {
            continue;
        }
        let url = config.url(&item.path);
        let mut push = |anchor: &str, kind: &str, date: jiff::Timestamp, note: Option<&String>| {
            let entry_id = format!("{}#{anchor}", item.path);
            entries.push((date, entry_id.clone(), json!({
                // Off the item's page its source list is not there: drop the citation links.
                "id": entry_id, "kind": kind, "date": rfc3339(date, &item.tz), "note": note.map(|n| crate::markdown::strip_citations(n)),
                "item_title": item.title, "item_url": url, "url": format!("{url}#{anchor}"), "lang": item.lang,
            })));
        };
        for (i, n) in item.notices.iter().enumerate() {
            if n.kind != NoticeKind::Editorial {
                let kind = if n.kind == NoticeKind::Correction {
                    "correction"
                } else {
                    "clarification"
                };
                push(&n.id, kind, n.date, item.rendered.notices.get(i));
            }
        }
        for (i, u) in item.updates.iter().enumerate() {
            push(&u.id, "update", u.date, item.rendered.updates.get(i));
        }
        if let Some(w) = &item.withdrawn {
            push(
                "withdrawn",
                "withdrawal",
                w.date,
                item.rendered.withdrawn.as_ref(),
            );
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.into_iter().map(|(_, _, v)| v).collect()
}

fn site_page_jobs<'a>(ctx: &'a RenderCtx<'a>, jobs: &mut Vec<Job<'a>>) {
    let config = ctx.config;
    for lang in &config.languages {
        let prefix = config.lang_prefix(&lang.code);
        // Reads the items' notices, which are part of the site's shape (see `crate::cache`).
        jobs.push(Job::new(
            "corrections.html",
            &lang.code,
            format!("{prefix}/corrections/"),
            "(corrections page)",
            vec![],
            move || {
                let list = corrections_list(ctx.site, config, Some(&lang.code));
                let record = Value::String(config.url(record::PATH));
                (
                    vec![("corrections", Value::Array(list)), ("record_url", record)],
                    lang_alternates(config, &lang.code, |l| {
                        format!("{}/corrections/", config.lang_prefix(l))
                    }),
                )
            },
        ));
        jobs.push(Job::new(
            "search.html",
            &lang.code,
            format!("{prefix}/search/"),
            "(search page)",
            vec![],
            move || {
                (
                    vec![],
                    lang_alternates(config, &lang.code, |l| {
                        format!("{}/search/", config.lang_prefix(l))
                    }),
                )
            },
        ));
    }
    jobs.push(Job::new(
        "404.html",
        &config.default_language,
        "/404.html",
        "(404 page)",
        vec![],
        || (vec![], vec![]),
    ));
}

/// A redirect page for each alias: meta refresh, canonical link, and a plain link.
/// A redirect page: meta refresh, canonical link, and a plain link for people.
fn redirect_page(lang: &str, target: &str) -> Vec<u8> {
    let t = crate::markdown::escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p><a href=\"{t}\">{t}</a></p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// The file an alias's redirect page is written to.
fn alias_file(alias: &str) -> String {
    if alias.ends_with('/') {
        format!("{alias}index.html")
    } else {
        alias.to_string()
    }
}

/// Every alias that would take a file something else writes (see [`Claims`]): an error at
/// the alias's line naming both. Run before rendering, so it is reported with the site's
/// other errors and nothing is written.
pub fn alias_collisions(ctx: &RenderCtx<'_>) -> Vec<Diagnostic> {
    let mut claims = Claims::of_site(ctx);
    let mut diags = Vec::new();
    for (id, item) in ctx.site.items.iter().enumerate() {
        if !ctx.site.is_written(id) {
            continue;
        }
        for alias in &item.aliases {
            if let Err(d) = claims.alias(item, alias, &alias_file(alias)) {
                diags.push(d);
            }
        }
    }
    diags
}

/// A redirect page for each alias, and `/` → `/LANG/` when the default language has a prefix.
pub fn alias_outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let mut out = Vec::new();
    for (id, item) in ctx.site.items.iter().enumerate() {
        if !ctx.site.is_written(id) {
            continue;
        }
        let target = ctx.config.permalink(&ctx.config.url(&item.path));
        for alias in &item.aliases {
            out.push(Output {
                path: alias_file(alias),
                bytes: redirect_page(&item.lang, &target),
            });
        }
    }
    let config = ctx.config;
    if config.prefix_default_language {
        let home = config.permalink(&config.url(&format!(
            "{}/",
            config.lang_prefix(&config.default_language)
        )));
        out.push(Output {
            path: "/index.html".into(),
            bytes: redirect_page(&config.default_language, &home),
        });
    }
    out
}

/// Every feed of the site: (folder, title, items), for each language's home, each section
/// with feeds, each taxonomy term and each author. The corrections feeds are separate.
fn feed_plan(site: &Site, config: &Config) -> Vec<(String, String, Vec<ItemId>)> {
    let urls = Urls { config };
    let mut plan = Vec::new();
    for lang in &config.languages {
        let ids = (0..site.items.len())
            .filter(|&i| site.items[i].lang == lang.code)
            .collect();
        plan.push((
            format!("{}/", config.lang_prefix(&lang.code)),
            lang.title.clone(),
            ids,
        ));
    }
    for section in site.sections.iter().filter(|s| !s.dir.is_empty() && s.feed) {
        let prefix = format!("/{}/", section.dir);
        let lang_prefix = config.lang_prefix(&section.lang);
        let ids = (0..site.items.len())
            .filter(|&i| {
                let item = &site.items[i];
                item.lang == section.lang
                    && item
                        .path
                        .strip_prefix(&lang_prefix)
                        .is_some_and(|p| p.starts_with(&prefix))
            })
            .collect();
        plan.push((
            section.path.clone(),
            format!(
                "{} — {}",
                section.title,
                config.language(&section.lang).title
            ),
            ids,
        ));
    }
    for tax in &site.taxonomies {
        for term in &tax.terms {
            plan.push((
                urls.term_path(&tax.lang, tax.name, &term.slug),
                format!("{} — {}", term.name, config.language(&tax.lang).title),
                term.items.clone(),
            ));
        }
    }
    let in_use = site.authors_in_use();
    for (id, person) in &site.authors {
        if !in_use.contains(id.as_str()) {
            continue;
        }
        let ids = (0..site.items.len())
            .filter(|&i| site.items[i].authors.contains(id))
            .collect();
        plan.push((
            format!("/authors/{id}/"),
            format!("{} — {}", person.name, config.title),
            ids,
        ));
    }
    plan
}

/// The `feeds` a page links to: its own list's feed (`base`: the path of the list's first
/// page), and its language's site feed.
fn feed_links_for(ctx: &RenderCtx<'_>, base: &str, lang: &str) -> Value {
    let mut links = Vec::new();
    let corrections = format!("{}/corrections/", ctx.config.lang_prefix(lang));
    if base == corrections {
        links.extend(
            feeds::links(
                ctx.config,
                base,
                &format!("Corrections — {}", ctx.config.language(lang).title),
            )
            .as_array()
            .cloned()
            .unwrap_or_default(),
        );
    } else if let Some(title) = ctx.feed_titles.get(base) {
        links.extend(
            feeds::links(ctx.config, base, title)
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    let home = format!("{}/", ctx.config.lang_prefix(lang));
    if base != home {
        if let Some(title) = ctx.feed_titles.get(&home) {
            links.extend(
                feeds::links(ctx.config, &home, title)
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
        }
    }
    Value::Array(links)
}

/// Every feed: those of [`feed_plan`] and the corrections feeds.
fn feed_outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let mut out = list_feed_outputs(ctx, |_| true);
    out.extend(corrections_feed_outputs(ctx));
    out
}

/// The feeds of [`feed_plan`] (each home, section, term and author) whose item list passes
/// `keep`: a feed reads the content of the items of its list, and the rest is the site's shape.
pub fn list_feed_outputs(
    ctx: &RenderCtx<'_>,
    keep: impl Fn(&[ItemId]) -> bool + Sync,
) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    let plan = feed_plan(site, config);
    // The theme's word in the item's language (`withdrawn` in its i18n files).
    let withdrawn = |lang: &str| {
        ctx.theme
            .string(lang, "withdrawn", &config.default_language)
            .unwrap_or("Withdrawn")
            .to_string()
    };
    plan.par_iter()
        .filter(|(_, _, ids)| keep(ids))
        .flat_map_iter(|(base, title, ids)| {
            let lang = site
                .sections
                .iter()
                .find(|s| &s.path == base)
                .map(|s| s.lang.clone())
                .unwrap_or_else(|| {
                    config
                        .languages
                        .iter()
                        .find(|l| base.starts_with(&format!("/{}/", l.code)))
                        .map(|l| l.code.clone())
                        .unwrap_or(config.default_language.clone())
                });
            let feed = feeds::Feed {
                base: base.clone(),
                title: title.clone(),
                home: config.permalink(&config.url(base)),
                lang,
                entries: feeds::item_entries(site, config, ids, config.feed_limit, &withdrawn),
            };
            feeds::write(config, &feed)
        })
        .collect()
}

/// The corrections feeds, one per language (they read the items' notices: the site's shape).
pub fn corrections_feed_outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    let mut out = Vec::new();
    for lang in &config.languages {
        let base = format!("{}/corrections/", config.lang_prefix(&lang.code));
        let host = feeds::host(config);
        let entries = corrections_list(site, config, Some(&lang.code))
            .into_iter()
            .take(config.feed_limit.max(50))
            .map(|v| {
                let date = v["date"]
                    .as_str()
                    .and_then(crate::dates::parse_view_date)
                    .map(|z| z.timestamp())
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                let kind = v["kind"].as_str().unwrap_or("").to_string();
                feeds::Entry {
                    id: format!(
                        "tag:{host},{}:corrections{}",
                        date.strftime("%Y-%m-%d"),
                        v["id"].as_str().unwrap_or("")
                    ),
                    title: format!("{}: {}", kind, v["item_title"].as_str().unwrap_or("")),
                    link: config.permalink(v["url"].as_str().unwrap_or("/")),
                    published: Some(date),
                    updated: date,
                    html: v["note"].as_str().unwrap_or("").to_string(),
                    summary: String::new(),
                    authors: vec![],
                    categories: vec![kind],
                }
            })
            .collect();
        let feed = feeds::Feed {
            title: format!("Corrections — {}", lang.title),
            home: config.permalink(&config.url(&base)),
            lang: lang.code.clone(),
            entries,
            base,
        };
        out.extend(feeds::write(config, &feed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_that_cannot_be_made_is_an_error_not_an_empty_page() {
        let e = tera_context(Value::Null, "content/a.md", "/a/", "page.html").unwrap_err();
        assert!(e.is_error());
        assert!(e.message.contains("`/a/`"), "{}", e.message);
        let ok = tera_context(json!({"x": 1}), "content/a.md", "/a/", "page.html").unwrap();
        assert_eq!(ok.get("x"), Some(&json!(1)));
    }
}
