//! The templated pages: one [`PageJob`] per page (item pages, section and list pages with
//! their pagination, taxonomy, author and source pages, the corrections, search and 404
//! pages), each knowing its template, its path and the items whose content it shows, and
//! building its variables only when asked ([`PageJob::context`]), so a caller that already has
//! a page (the incremental layer) never builds them.

use super::views::{Urls, item_page};
use super::{RenderCtx, corrections, feeds, record, structured, template_errors, theme, views};
use crate::config::Config;
use crate::content::frontmatter::Kind;
use crate::diag::Diagnostic;
use crate::model::{ItemId, Site, Surface};
use crate::paths::SitePath;
use serde_json::Value;
use std::sync::Arc;

mod archives;
mod media;
mod pick;

use pick::Jobs;
pub use pick::{Pick, Touched};

pub(crate) use archives::all_years as year_archives;

/// A page's own variables and its `translations`, built only when the page is rendered.
type Vars = (Vec<(&'static str, Value)>, Vec<Value>);

/// A page to render: template, language, site path, the items whose content it shows, and
/// (lazily) the variables particular to it.
pub struct PageJob<'a> {
    /// The template.
    pub template: String,
    /// The page's language.
    pub lang: String,
    /// Its site path (`/press/launch/`, `/404.html`).
    pub path: SitePath,
    /// The first page of the list this page belongs to (its own path unless it is page 2, 3,
    /// … of a paginated list): whose feeds the page links to.
    list: String,
    /// Which item the page belongs to, for error messages: its file, or `(404 page)`.
    pub owner: String,
    /// The items whose content the page shows (its own item, the items a list page lists, a
    /// source's citing items).
    pub shows: Vec<ItemId>,
    /// The other items whose title the page shows (an item page's translations, a
    /// corrections page's corrected items). Everything else it reads is the site's
    /// structure: sections, taxonomies, people, sources, and every item's dates, URL and
    /// notices. The incremental layer relies on both lists being complete: a page that
    /// showed another item's title without naming it would keep the old title after an edit.
    pub names: Vec<ItemId>,
    vars: Box<dyn FnOnce() -> Vars + Send + 'a>,
}

impl<'a> PageJob<'a> {
    fn new(
        template: impl Into<String>,
        lang: impl Into<String>,
        path: impl Into<SitePath>,
        owner: impl Into<String>,
        shows: Vec<ItemId>,
        vars: impl FnOnce() -> Vars + Send + 'a,
    ) -> Self {
        let path = path.into();
        PageJob {
            template: template.into(),
            lang: lang.into(),
            list: path.to_string(),
            path,
            owner: owner.into(),
            shows,
            names: Vec::new(),
            vars: Box::new(vars),
        }
    }

    /// Says which items' titles the page shows besides those of `shows`.
    fn naming(mut self, names: Vec<ItemId>) -> Self {
        self.names = names;
        self
    }

    /// Marks the page as one of the pages of the list at `list`.
    fn of_list(mut self, list: &str) -> Self {
        self.list = list.to_string();
        self
    }

    /// The output file: `index.html` in the folder of a folder path.
    pub fn file(&self) -> String {
        self.path.file()
    }

    /// Builds everything the template reads. Fails (naming the page) only when the variables
    /// cannot be handed to Tera.
    pub fn context(self, ctx: &RenderCtx<'_>) -> Result<PageContext, Diagnostic> {
        let file = self.file();
        let (own_vars, translations) = (self.vars)();
        // One map moved into the context: `Context::insert` would serialize (copy) every value.
        let mut vars = serde_json::Map::new();
        vars.insert("config".into(), ctx.config_value(&self.lang));
        vars.insert("lang".into(), Value::String(self.lang.clone()));
        vars.insert(
            "now".into(),
            Value::String(crate::dates::rfc3339_utc(ctx.opts.now)),
        );
        vars.insert(
            "current_url".into(),
            Value::String(ctx.config.url(&self.path)),
        );
        vars.insert(
            "permalink".into(),
            Value::String(ctx.config.permalink(&ctx.config.url(&self.path))),
        );
        vars.insert("preview".into(), Value::Bool(ctx.opts.drafts));
        vars.insert("feeds".into(), feed_links_for(ctx, &self.list, &self.lang));
        vars.insert("translations".into(), Value::Array(translations));
        vars.insert("jsonld".into(), Value::Null);
        vars.insert(
            "sections".into(),
            ctx.sections
                .get(&self.lang)
                .cloned()
                .unwrap_or(Value::Array(vec![])),
        );
        vars.insert("main_nav".into(), ctx.main_nav(&self.lang));
        vars.insert(
            "subscribe".into(),
            ctx.subscribe
                .get(&self.lang)
                .cloned()
                .unwrap_or(Value::Array(vec![])),
        );
        for (k, v) in own_vars {
            vars.insert(k.into(), v);
        }
        Ok(PageContext {
            template: self.template,
            lang: self.lang,
            path: self.path,
            file,
            owner: self.owner,
            vars,
        })
    }
}

/// A page with everything its template reads.
pub struct PageContext {
    /// The template.
    pub template: String,
    /// The page's language.
    pub lang: String,
    /// Its site path.
    pub path: SitePath,
    /// Its output file.
    pub file: String,
    owner: String,
    /// The template's variables.
    pub vars: serde_json::Map<String, Value>,
}

impl PageContext {
    /// Renders the page through the theme.
    pub fn render(self, ctx: &RenderCtx<'_>) -> Result<super::Output, Diagnostic> {
        let tctx = tera_context(
            Value::Object(self.vars),
            &self.owner,
            &self.path,
            &self.template,
        )?;
        let html = ctx
            .theme
            .render(&self.template, &self.lang, &tctx)
            .map_err(|e| render_error(e, &self.path, &self.owner, &self.template))?;
        Ok(super::Output {
            path: self.file,
            bytes: html.into_bytes(),
        })
    }
}

/// The errors of the pages that failed to render, one per template line (a broken template
/// fails every page that uses it).
pub fn one_error_per_line(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    template_errors::dedupe(errors)
}

/// Every templated page, not rendered yet (a job renders only when run).
pub fn page_jobs<'a>(ctx: &'a RenderCtx<'_>) -> Vec<PageJob<'a>> {
    page_jobs_picked(ctx, Pick::Every)
}

/// The templated pages `pick` wants, in the order of [`page_jobs`], each as made there.
pub fn page_jobs_picked<'a>(ctx: &'a RenderCtx<'_>, pick: Pick<'_>) -> Vec<PageJob<'a>> {
    let mut jobs = Jobs {
        list: Vec::new(),
        pick,
    };
    item_jobs(ctx, &mut jobs);
    section_jobs(ctx, &mut jobs);
    taxonomy_jobs(ctx, &mut jobs);
    people_and_sources_jobs(ctx, &mut jobs);
    site_page_jobs(ctx, &mut jobs);
    media::jobs(ctx, &mut jobs);
    subscribe_jobs(ctx, &mut jobs);
    jobs.list
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

fn item_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    for (id, item) in ctx.site.items.iter().enumerate() {
        let related = &ctx.related[id];
        if !item.appears_in(Surface::Page)
            || !(jobs.pick).item_page(id, related, || ctx.site.translations_of(id))
        {
            continue;
        }
        let kind_template = format!("{}.html", item.kind.as_str());
        let template = if ctx.theme.has(&kind_template) {
            kind_template
        } else {
            "page.html".into()
        };
        let section = &ctx.site.sections[item.section];
        // The page shows its related items' titles and summaries too.
        let shows = std::iter::once(id).chain(related.iter().copied()).collect();
        // Its `translations` show their titles.
        let names = ctx.site.translations_of(id).collect();
        let job = PageJob::new(
            template,
            &item.lang,
            &item.path,
            &item.src.rel,
            shows,
            move || {
                let page = item_page(ctx.site, ctx.config, id, ctx.summary(id));
                let translations = page.translations.iter().map(views::to_value).collect();
                let mut page = views::to_value(&page);
                page["related"] = Value::Array(
                    related
                        .iter()
                        .map(|&other| views::to_value(&views::related_item(ctx.summary(other))))
                        .collect(),
                );
                (
                    vec![
                        ("page", page),
                        (
                            "section",
                            views::to_value(&views::SectionRef {
                                title: &section.title,
                                url: ctx.config.url(&section.path),
                                lang: &section.lang,
                            }),
                        ),
                        (
                            "jsonld",
                            Value::String(structured::item_jsonld(ctx.site, ctx.config, id)),
                        ),
                    ],
                    translations,
                )
            },
        );
        jobs.push(job.naming(names));
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
            views::to_value(&views::Alternate {
                lang: &l.code,
                name: &l.name,
                permalink: config.permalink(&url),
                url,
                title: &l.title,
            })
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

/// The pages of a paginated list at `base` that `pick` can want: each page's path, and its
/// items with a function that builds its paginator (the summaries of those items) when the
/// page is rendered.
fn paginate<'a>(
    ctx: &'a RenderCtx<'_>,
    base: &str,
    ids: &[ItemId],
    per_page: usize,
    pick: Pick<'_>,
) -> Vec<(
    String,
    Vec<ItemId>,
    impl FnOnce() -> views::Paginator + Send + 'a,
)> {
    let per_page = per_page.max(1);
    let total = ids.len().div_ceil(per_page).max(1);
    let chunk_of = |n: usize| {
        let start = ((n - 1) * per_page).min(ids.len());
        &ids[start..(start + per_page).min(ids.len())]
    };
    (1..=total)
        .filter(|&n| pick.shows_any(chunk_of(n)))
        .map(|n| {
            let chunk = chunk_of(n).to_vec();
            let list = base.to_string();
            let shows = chunk.clone();
            let paginator = move || {
                let url = |k: usize| ctx.config.url(&page_path(&list, k));
                views::Paginator {
                    pages: ctx.summaries_of(&chunk),
                    current_index: n,
                    number_pagers: total,
                    total_pages: total,
                    paginate_by: per_page,
                    first: url(1),
                    last: url(total),
                    previous: (n > 1).then(|| url(n - 1)),
                    next: (n < total).then(|| url(n + 1)),
                }
            };
            (page_path(base, n), shows, paginator)
        })
        .collect()
}

fn section_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    // Every item page's path, made only when a section is listed (10,000 paths).
    let mut taken = None;
    for section in &ctx.site.sections {
        if section.dir.is_empty() {
            jobs.push(home_job(ctx, section));
            continue;
        }
        // Its list pages and year archives show only its items.
        if !jobs.pick.shows_any(&section.items) {
            continue;
        }
        let taken = taken.get_or_insert_with(|| archives::taken_paths(ctx.site));
        let years = archives::by_year(ctx.site, section);
        let archive_years = Arc::new(archives::years_view(ctx, section, &years, taken));
        archives::year_jobs(ctx, section, years, archive_years.clone(), taken, jobs);
        for (path, shows, paginator) in paginate(
            ctx,
            &section.path,
            &section.items,
            section.paginate_by,
            jobs.pick,
        ) {
            let archive_years = archive_years.clone();
            let vars = move || {
                let paginator = paginator();
                let pages = paginator.pages.clone();
                (
                    vec![
                        ("section", with_pages(section_view(ctx, section), pages)),
                        ("paginator", paginator.into_value()),
                        ("archive_years", Value::clone(&archive_years)),
                    ],
                    section_translations(ctx.config, section),
                )
            };
            let job = PageJob::new(
                "section.html",
                &section.lang,
                path,
                owner_of(section),
                shows,
                vars,
            );
            jobs.push(job.of_list(&section.path));
        }
    }
}

/// A language's home page: its latest items, and the latest releases and statements, posts
/// and fact sheets.
fn home_job<'a>(ctx: &'a RenderCtx<'_>, section: &'a crate::model::Section) -> PageJob<'a> {
    let items = &ctx.site.items;
    let pick = |kinds: &[Kind]| -> Vec<ItemId> {
        section
            .items
            .iter()
            .copied()
            .filter(|&i| kinds.contains(&items[i].kind))
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
        pick(&[Kind::Release, Kind::Statement]),
        pick(&[Kind::Post]),
        pick(&[Kind::Factsheet]),
    );
    let events = upcoming_events(ctx, &section.lang);
    let mut shows: Vec<ItemId> = home_items
        .iter()
        .chain(&press)
        .chain(&posts)
        .chain(&factsheets)
        .chain(&events)
        .copied()
        .collect();
    shows.sort_unstable();
    shows.dedup();
    let vars = move || {
        let latest = views::to_value(&views::Latest {
            press: ctx.summaries_of(&press),
            posts: ctx.summaries_of(&posts),
            factsheets: ctx.summaries_of(&factsheets),
            events: ctx.summaries_of(&events),
        });
        let view = with_pages(section_view(ctx, section), ctx.summaries_of(&home_items));
        let contacts = Value::Array(views::all_contacts(ctx.site, ctx.config, &section.lang));
        let kits = views::media::kit_cards(
            ctx.site,
            ctx.config,
            (Surface::HomeList, &section.lang),
            HOME_KITS,
        );
        (
            vec![
                ("section", view),
                ("latest", latest),
                ("contacts", contacts),
                ("press_kits", views::to_value(&kits)),
            ],
            section_translations(ctx.config, section),
        )
    };
    PageJob::new(
        "index.html",
        &section.lang,
        &section.path,
        owner_of(section),
        shows,
        vars,
    )
}

/// How many press kits a home page shows (the latest).
const HOME_KITS: usize = 3;

/// How many upcoming events a home page lists.
const UPCOMING_EVENTS: usize = 5;

/// A language's items in its home list whose event has not ended at the build's clock,
/// soonest first.
pub(crate) fn upcoming_events(ctx: &RenderCtx<'_>, lang: &str) -> Vec<ItemId> {
    upcoming_events_at(ctx.site, ctx.opts.now, lang)
}

/// [`upcoming_events`] of `site` at `now`, for a caller without a [`RenderCtx`] yet (the
/// incremental layer compares the site with the last build's before rendering).
pub(crate) fn upcoming_events_at(site: &Site, now: jiff::Timestamp, lang: &str) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = (site.items.iter().enumerate())
        .filter(|(_, item)| item.lang == lang && item.appears_in(Surface::HomeList))
        .filter(|(_, item)| item.event.as_ref().is_some_and(|e| e.upcoming_at(now)))
        .map(|(id, _)| id)
        .collect();
    super::calendar::sort_by_start(site, &mut ids);
    ids.truncate(UPCOMING_EVENTS);
    ids
}

/// A section as its list page sees it.
fn section_view(ctx: &RenderCtx<'_>, section: &crate::model::Section) -> Value {
    let config = ctx.config;
    let url = config.url(&section.path);
    views::to_value(&views::SectionView {
        title: &section.title,
        description: &section.description,
        content: &section.content_html,
        permalink: config.permalink(&url),
        url,
        lang: &section.lang,
        subsections: section
            .children
            .iter()
            .map(|&c| {
                let s = &ctx.site.sections[c];
                views::Link {
                    title: &s.title,
                    url: config.url(&s.path),
                }
            })
            .collect(),
        extra: &section.extra,
    })
}

/// The section's folder in the other languages.
fn section_translations(config: &Config, section: &crate::model::Section) -> Vec<Value> {
    let dir = &section.dir;
    lang_alternates(config, &section.lang, |l| {
        if dir.is_empty() {
            format!("{}/", config.lang_prefix(l))
        } else {
            format!("{}/{dir}/", config.lang_prefix(l))
        }
    })
}

/// A list view with `pages` set to the items shown on this page. Giving every page of a
/// paginated list the whole list made memory grow with the square of the site.
fn with_pages(mut view: Value, pages: impl Into<Value>) -> Value {
    view["pages"] = pages.into();
    view
}

fn owner_of(section: &crate::model::Section) -> String {
    section
        .body
        .as_ref()
        .map(|body| body.src.rel.clone())
        .unwrap_or_else(|| format!("content/{}", section.dir))
}

fn taxonomy_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    let config = ctx.config;
    let urls = Urls { config };
    for tax in &ctx.site.taxonomies {
        // The taxonomy's list page shows no item; its term pages show only their terms'.
        let pick = jobs.pick;
        let picked = |t: &crate::model::Term| pick.shows_any(&t.items);
        if !jobs.pick.every() && !tax.terms.iter().any(picked) {
            continue;
        }
        let base = format!("{}/{}/", config.lang_prefix(&tax.lang), tax.name);
        let terms: Vec<Value> = tax
            .terms
            .iter()
            .map(|t| {
                views::to_value(&views::TermCount {
                    name: &t.name,
                    slug: &t.slug,
                    url: urls.url(&urls.term_path(&tax.lang, tax.name, &t.slug)),
                    count: t.items.len(),
                })
            })
            .collect();
        let taxonomy = views::to_value(&views::TaxonomyView {
            name: tax.name,
            url: config.url(&base),
            terms: &terms,
        });
        let name = tax.name;
        let list = taxonomy.clone();
        jobs.push(PageJob::new(
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
            if !jobs.pick.shows_any(&t.items) {
                continue;
            }
            let term_path = urls.term_path(&tax.lang, tax.name, &t.slug);
            let pages = paginate(ctx, &term_path, &t.items, config.paginate_by, jobs.pick);
            for (path, shows, paginator) in pages {
                let (taxonomy, mut term_view) = (taxonomy.clone(), term.clone());
                jobs.push(
                    PageJob::new(
                        "taxonomy_term.html",
                        &tax.lang,
                        path,
                        format!("(taxonomy {} term {})", tax.name, t.name),
                        shows,
                        move || {
                            let paginator = paginator();
                            term_view["pages"] = paginator.pages.clone().into();
                            let paginator = paginator.into_value();
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

fn people_and_sources_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    author_jobs(ctx, jobs);
    source_jobs(ctx, jobs);
}

/// A page per author an item of this build names (paginated), and the authors page.
fn author_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    let (config, site) = (ctx.config, ctx.site);
    let lang = config.default_language.clone();
    let mut authors = Vec::new();
    let authors_in_use = site.authors_in_use();
    for (id, person) in &site.authors {
        // The authors page shows no item; an author's pages show only items naming them.
        let named_by = |i: ItemId| site.items[i].authors.contains(id);
        if !authors_in_use.contains(id.as_str()) || !jobs.pick.shows_where(named_by) {
            continue;
        }
        let items: Vec<ItemId> = listed_sorted(site, Surface::AuthorLists, |i| {
            site.items[i].authors.contains(id)
        });
        let view = views::to_value(&views::AuthorView {
            id,
            person,
            url: config.url(&format!("/authors/{id}/")),
            count: items.len(),
            photo: views::photo_view(site, id),
        });
        authors.push(view.clone());
        let base = format!("/authors/{id}/");
        for (path, shows, paginator) in paginate(ctx, &base, &items, config.paginate_by, jobs.pick)
        {
            let mut view = view.clone();
            jobs.push(
                PageJob::new(
                    "author.html",
                    &lang,
                    path,
                    "data/authors.toml",
                    shows,
                    move || {
                        let paginator = paginator();
                        view["pages"] = paginator.pages.clone().into();
                        let paginator = paginator.into_value();
                        (vec![("author", view), ("paginator", paginator)], vec![])
                    },
                )
                .of_list(&base),
            );
        }
    }
    jobs.push(PageJob::new(
        "authors.html",
        &lang,
        "/authors/",
        "data/authors.toml",
        vec![],
        move || (vec![("authors", Value::Array(authors))], vec![]),
    ));
}

/// A page per site-wide source an item of this build cites, and the sources page.
fn source_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    let (config, site) = (ctx.config, ctx.site);
    let lang = config.default_language.clone();
    let urls = Urls { config };
    let sources_in_use = site.sources_in_use();
    let mut sources = Vec::new();
    for s in &site.sources {
        let cites = |i: ItemId| {
            site.items[i]
                .rendered
                .sources
                .iter()
                .any(|c| c.site_wide && c.id == s.id && !c.backrefs.is_empty())
        };
        // The sources page shows no item; a source's page shows only its citing items.
        if !sources_in_use.contains(s.id.as_str()) || !jobs.pick.shows_where(cites) {
            continue;
        }
        let citing: Vec<ItemId> = listed_sorted(site, Surface::SourceLists, cites);
        let mut view = views::to_value(&views::source_view(&urls, s, &config.timezone, true));
        view["count"] = citing.len().into();
        sources.push(view.clone());
        jobs.push(PageJob::new(
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
    jobs.push(PageJob::new(
        "sources.html",
        lang,
        "/sources/",
        "data/sources.toml",
        vec![],
        move || (vec![("sources", Value::Array(sources))], vec![]),
    ));
}

/// The items that appear on `surface` and match `keep`, newest first.
fn listed_sorted(site: &Site, surface: Surface, keep: impl Fn(ItemId) -> bool) -> Vec<ItemId> {
    let mut ids: Vec<ItemId> = (0..site.items.len())
        .filter(|&i| site.items[i].appears_in(surface) && keep(i))
        .collect();
    site.sort_newest_first(&mut ids);
    ids
}

fn site_page_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    let config = ctx.config;
    // The corrections pages name the corrected items; the others show and name no item.
    if !jobs.pick.names_any() {
        return;
    }
    for lang in &config.languages {
        let prefix = config.lang_prefix(&lang.code);
        // Reads the items' notices, which are part of the site's shape (see
        // `crate::incremental`), and names each corrected item by its title.
        let job = PageJob::new(
            "corrections.html",
            &lang.code,
            format!("{prefix}/corrections/"),
            "(corrections page)",
            vec![],
            move || {
                let list = corrections::corrections_list(ctx.site, config, Some(&lang.code));
                let record = Value::String(config.url(record::PATH));
                (
                    vec![
                        ("corrections", views::to_value(&list)),
                        ("record_url", record),
                    ],
                    lang_alternates(config, &lang.code, |l| {
                        format!("{}/corrections/", config.lang_prefix(l))
                    }),
                )
            },
        );
        jobs.push(job.naming(corrections::corrected(ctx.site, Some(&lang.code))));
        jobs.push(PageJob::new(
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
    jobs.push(PageJob::new(
        "404.html",
        &config.default_language,
        "/404.html",
        "(404 page)",
        vec![],
        || (vec![], vec![]),
    ));
}

/// A subscribe page per language (`/subscribe/`, `/fr/subscribe/`): every list of the
/// language with its feeds, said in words, and the e-mail sign-up form when `[subscribe]` sets
/// one. A content page at that path keeps it (the menu then links to the writers' page).
fn subscribe_jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    let config = ctx.config;
    // A subscribe page shows and names no item.
    if !jobs.pick.every() {
        return;
    }
    let taken = archives::taken_paths(ctx.site);
    for lang in &config.languages {
        let path = subscribe_path(config, &lang.code);
        if taken.contains(path.as_str()) {
            continue;
        }
        jobs.push(PageJob::new(
            "subscribe.html",
            &lang.code,
            path,
            "(subscribe page)",
            vec![],
            move || {
                let signup = views::to_value(&views::signup_view(config, &lang.code));
                (
                    vec![("signup", signup)],
                    lang_alternates(config, &lang.code, |l| subscribe_path(config, l)),
                )
            },
        ));
    }
}

/// The site path of a language's subscribe page.
fn subscribe_path(config: &Config, lang: &str) -> String {
    format!("{}/subscribe/", config.lang_prefix(lang))
}

/// The `feeds` a page links to: its own list's feed (`base`: the path of the list's first
/// page), and its language's site feed.
fn feed_links_for(ctx: &RenderCtx<'_>, base: &str, lang: &str) -> Value {
    let mut links = Vec::new();
    let corrections = format!("{}/corrections/", ctx.config.lang_prefix(lang));
    if base == corrections {
        links.extend(items(feeds::links(
            ctx.config,
            ctx.site,
            base,
            &format!("Corrections — {}", ctx.config.language(lang).title),
        )));
    } else if let Some(title) = ctx.feed_titles.get(base) {
        links.extend(items(feeds::links(ctx.config, ctx.site, base, title)));
    }
    let home = format!("{}/", ctx.config.lang_prefix(lang));
    if base != home {
        if let Some(title) = ctx.feed_titles.get(&home) {
            links.extend(items(feeds::links(ctx.config, ctx.site, &home, title)));
        }
    }
    Value::Array(links)
}

/// The elements of a list value, moved out (nothing for another value).
fn items(list: Value) -> Vec<Value> {
    match list {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_context_that_cannot_be_made_is_an_error_not_an_empty_page() {
        let e = tera_context(Value::Null, "content/a.md", "/a/", "page.html").unwrap_err();
        assert!(e.is_error());
        assert!(e.message.contains("`/a/`"), "{}", e.message);
        let ok = tera_context(json!({"x": 1}), "content/a.md", "/a/", "page.html").unwrap();
        assert_eq!(ok.get("x"), Some(&json!(1)));
    }
}
