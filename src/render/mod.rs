//! Rendering: the assembled [`Site`] → every output file as bytes (pages through Tera, redirect
//! pages, the highlight stylesheet). Pages render in parallel; nothing here touches the disk.

pub mod feeds;
pub mod search;
pub mod sitemap;
pub mod structured;
pub mod theme;
pub mod views;

use crate::config::Config;
use crate::content::frontmatter::NoticeKind;
use crate::dates::rfc3339;
use crate::diag::Diagnostic;
use crate::model::{ItemId, Site};
use crate::options::BuildOptions;
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

/// A page to render: template, language, site path and the variables particular to it.
struct Job {
    template: String,
    lang: String,
    path: String,
    vars: Vec<(&'static str, Value)>,
    translations: Vec<Value>,
    /// Which item the page belongs to, for error messages.
    owner: String,
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
    /// Summary views, one per item, built once and shared by every list.
    pub summaries: Vec<Value>,
    config_value: Value,
    /// Pages that have feeds (site path of the list's first page) and the feed's title.
    feed_titles: std::collections::HashMap<String, String>,
    /// Top-level sections per language, for navigation: `[{dir, title, url}]`.
    sections: std::collections::HashMap<String, Value>,
}

impl<'a> RenderCtx<'a> {
    /// Prepares the shared values (item summaries in parallel, the config view).
    pub fn new(
        site: &'a Site,
        config: &'a Config,
        theme: &'a Theme,
        opts: &'a BuildOptions,
    ) -> Self {
        let summaries = (0..site.items.len())
            .into_par_iter()
            .map(|id| item_summary_view(site, config, id))
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

    fn summaries_of(&self, ids: &[ItemId]) -> Vec<Value> {
        ids.iter().map(|&id| self.summaries[id].clone()).collect()
    }
}

/// Renders every page of the site. Template errors become diagnostics naming the template
/// and the item being rendered.
pub fn render_site(ctx: &RenderCtx<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Output> {
    render_site_with(ctx, diags, None)
        .into_iter()
        .map(|(o, _)| o)
        .collect()
}

/// Asked for the bytes of a page rendered earlier, by output path and a hash of everything
/// its rendering reads (template name, language, context); None renders it anew.
pub type Reuse<'r> = &'r (dyn Fn(&str, u64) -> Option<Vec<u8>> + Sync);

/// [`render_site`], asking `reuse` (serve's page cache, [`crate::cache`]) before rendering
/// each templated page. Returns each output with its hash (None for pages not from a template,
/// or when `reuse` is None).
pub fn render_site_with(
    ctx: &RenderCtx<'_>,
    diags: &mut Vec<Diagnostic>,
    reuse: Option<Reuse<'_>>,
) -> Vec<(Output, Option<u64>)> {
    let mut jobs = Vec::new();
    item_jobs(ctx, &mut jobs);
    section_jobs(ctx, &mut jobs);
    taxonomy_jobs(ctx, &mut jobs);
    people_and_sources_jobs(ctx, &mut jobs);
    site_page_jobs(ctx, &mut jobs);
    let results: Vec<Result<(Output, Option<u64>), Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| render_job(ctx, job, reuse))
        .collect();
    let mut outputs = Vec::with_capacity(results.len() + 8);
    for r in results {
        match r {
            Ok(o) => outputs.push(o),
            Err(d) => diags.push(d),
        }
    }
    let mut rest = alias_outputs(ctx);
    rest.extend(feed_outputs(ctx));
    rest.extend(sitemap::outputs(ctx.site, ctx.config, ctx.opts.now));
    rest.extend(search::outputs(ctx.site, ctx.config));
    rest.push(Output {
        path: "/highlight.css".into(),
        bytes: crate::markdown::highlight::stylesheet().into_bytes(),
    });
    outputs.extend(rest.into_iter().map(|o| (o, None)));
    outputs
}

fn render_job(
    ctx: &RenderCtx<'_>,
    job: Job,
    reuse: Option<Reuse<'_>>,
) -> Result<(Output, Option<u64>), Diagnostic> {
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
    vars.insert("feeds".into(), feed_links_for(ctx, &job.path, &job.lang));
    vars.insert("translations".into(), Value::Array(job.translations));
    vars.insert("jsonld".into(), Value::Null);
    vars.insert(
        "sections".into(),
        ctx.sections
            .get(&job.lang)
            .cloned()
            .unwrap_or(Value::Array(vec![])),
    );
    for (k, v) in job.vars {
        vars.insert(k.into(), v);
    }
    let file = if job.path.ends_with('/') {
        format!("{}index.html", job.path)
    } else {
        job.path.clone()
    };
    let key = reuse.map(|_| {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (&job.template, &job.lang, &vars).hash(&mut h);
        h.finish()
    });
    if let (Some(reuse), Some(key)) = (reuse, key) {
        if let Some(bytes) = reuse(&file, key) {
            return Ok((Output { path: file, bytes }, Some(key)));
        }
    }
    let tctx = tera::Context::from_value(Value::Object(vars)).unwrap_or_default();
    let html = ctx
        .theme
        .render(&job.template, &job.lang, &tctx)
        .map_err(|e| {
            Diagnostic::error(
                &job.owner,
                1,
                1,
                format!(
                    "rendering `{}` with template `{}` failed: {e}",
                    job.path, job.template
                ),
            )
        })?;
    Ok((
        Output {
            path: file,
            bytes: html.into_bytes(),
        },
        key,
    ))
}

fn item_jobs(ctx: &RenderCtx<'_>, jobs: &mut Vec<Job>) {
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
        let page = item_page_view(ctx.site, ctx.config, id);
        let translations = page["translations"].as_array().cloned().unwrap_or_default();
        jobs.push(Job {
            template,
            lang: item.lang.clone(),
            path: item.path.clone(),
            vars: vec![
                ("page", page),
                ("section", json!({"title": section.title, "url": ctx.config.url(&section.path), "lang": section.lang})),
                ("jsonld", Value::String(structured::item_jsonld(ctx.site, ctx.config, id))),
            ],
            translations,
            owner: item.src.rel.clone(),
        });
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

fn paginate(
    ctx: &RenderCtx<'_>,
    base: &str,
    ids: &[ItemId],
    per_page: usize,
) -> Vec<(String, Value)> {
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
            let url = |k: usize| ctx.config.url(&page_path(base, k));
            let paginator = json!({
                "pages": ctx.summaries_of(&chunk),
                "current_index": n,
                "number_pagers": total,
                "total_pages": total,
                "paginate_by": per_page,
                "first": url(1),
                "last": url(total),
                "previous": (n > 1).then(|| url(n - 1)),
                "next": (n < total).then(|| url(n + 1)),
            });
            (page_path(base, n), paginator)
        })
        .collect()
}

fn section_jobs(ctx: &RenderCtx<'_>, jobs: &mut Vec<Job>) {
    let config = ctx.config;
    for section in &ctx.site.sections {
        let view = json!({
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
        });
        let dir = section.dir.clone();
        let translations = lang_alternates(config, &section.lang, |l| {
            if dir.is_empty() {
                format!("{}/", config.lang_prefix(l))
            } else {
                format!("{}/{dir}/", config.lang_prefix(l))
            }
        });
        if section.dir.is_empty() {
            let items = &ctx.site.items;
            let pick = |kinds: &[&str]| {
                let ids: Vec<ItemId> = section
                    .items
                    .iter()
                    .copied()
                    .filter(|&i| kinds.contains(&items[i].kind.as_str()))
                    .take(10)
                    .collect();
                ctx.summaries_of(&ids)
            };
            let home_items: Vec<ItemId> = section
                .items
                .iter()
                .copied()
                .take(section.paginate_by)
                .collect();
            let latest = json!({"press": pick(&["release", "statement"]), "posts": pick(&["post"]), "factsheets": pick(&["factsheet"])});
            jobs.push(Job {
                template: "index.html".into(),
                lang: section.lang.clone(),
                path: section.path.clone(),
                vars: vec![
                    ("section", with_pages(&view, ctx.summaries_of(&home_items))),
                    ("latest", latest),
                ],
                translations,
                owner: owner_of(section),
            });
            continue;
        }
        for (path, paginator) in paginate(ctx, &section.path, &section.items, section.paginate_by) {
            jobs.push(Job {
                template: "section.html".into(),
                lang: section.lang.clone(),
                path,
                vars: vec![
                    ("section", with_pages(&view, paginator["pages"].clone())),
                    ("paginator", paginator),
                ],
                translations: translations.clone(),
                owner: owner_of(section),
            });
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
        .map(|(src, _)| src.rel.clone())
        .unwrap_or_else(|| format!("content/{}", section.dir))
}

fn taxonomy_jobs(ctx: &RenderCtx<'_>, jobs: &mut Vec<Job>) {
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
        jobs.push(Job {
            template: "taxonomy_list.html".into(),
            lang: tax.lang.clone(),
            path: base.clone(),
            vars: vec![("taxonomy", taxonomy.clone())],
            translations: lang_alternates(config, &tax.lang, |l| {
                format!("{}/{name}/", config.lang_prefix(l))
            }),
            owner: format!("(taxonomy {})", tax.name),
        });
        for (t, term) in tax.terms.iter().zip(&terms) {
            let term_path = urls.term_path(&tax.lang, tax.name, &t.slug);
            for (path, paginator) in paginate(ctx, &term_path, &t.items, config.paginate_by) {
                let mut term_view = term.clone();
                term_view["pages"] = paginator["pages"].clone();
                jobs.push(Job {
                    template: "taxonomy_term.html".into(),
                    lang: tax.lang.clone(),
                    path,
                    vars: vec![
                        ("taxonomy", taxonomy.clone()),
                        ("term", term_view),
                        ("paginator", paginator),
                    ],
                    translations: vec![],
                    owner: format!("(taxonomy {} term {})", tax.name, t.name),
                });
            }
        }
    }
}

fn people_and_sources_jobs(ctx: &RenderCtx<'_>, jobs: &mut Vec<Job>) {
    let config = ctx.config;
    let site = ctx.site;
    let lang = config.default_language.clone();
    let urls = Urls { config };
    let mut authors = Vec::new();
    for (id, person) in &site.authors {
        let items: Vec<ItemId> = listed_sorted(site, |i| site.items[i].authors.contains(id));
        let mut view = json!({"id": id, "name": person.name, "role": person.role, "bio": person.bio, "email": person.email, "phone": person.phone, "image": person.image, "url": config.url(&format!("/authors/{id}/")), "count": items.len()});
        authors.push(view.clone());
        let base = format!("/authors/{id}/");
        for (path, paginator) in paginate(ctx, &base, &items, config.paginate_by) {
            view["pages"] = paginator["pages"].clone();
            jobs.push(Job {
                template: "author.html".into(),
                lang: lang.clone(),
                path,
                vars: vec![("author", view.clone()), ("paginator", paginator)],
                translations: vec![],
                owner: "data/authors.toml".into(),
            });
        }
    }
    jobs.push(Job {
        template: "authors.html".into(),
        lang: lang.clone(),
        path: "/authors/".into(),
        vars: vec![("authors", Value::Array(authors))],
        translations: vec![],
        owner: "data/authors.toml".into(),
    });

    let mut sources = Vec::new();
    for s in &site.sources {
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
        view["citing"] = Value::Array(ctx.summaries_of(&citing));
        jobs.push(Job {
            template: "source.html".into(),
            lang: lang.clone(),
            path: format!("/sources/{}/", s.id),
            vars: vec![("source", view)],
            translations: vec![],
            owner: "data/sources.toml".into(),
        });
    }
    jobs.push(Job {
        template: "sources.html".into(),
        lang,
        path: "/sources/".into(),
        vars: vec![("sources", Value::Array(sources))],
        translations: vec![],
        owner: "data/sources.toml".into(),
    });
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

fn site_page_jobs(ctx: &RenderCtx<'_>, jobs: &mut Vec<Job>) {
    let config = ctx.config;
    for lang in &config.languages {
        let prefix = config.lang_prefix(&lang.code);
        let list = corrections_list(ctx.site, config, Some(&lang.code));
        jobs.push(Job {
            template: "corrections.html".into(),
            lang: lang.code.clone(),
            path: format!("{prefix}/corrections/"),
            vars: vec![("corrections", Value::Array(list))],
            translations: lang_alternates(config, &lang.code, |l| {
                format!("{}/corrections/", config.lang_prefix(l))
            }),
            owner: "(corrections page)".into(),
        });
        jobs.push(Job {
            template: "search.html".into(),
            lang: lang.code.clone(),
            path: format!("{prefix}/search/"),
            vars: vec![],
            translations: lang_alternates(config, &lang.code, |l| {
                format!("{}/search/", config.lang_prefix(l))
            }),
            owner: "(search page)".into(),
        });
    }
    jobs.push(Job {
        template: "404.html".into(),
        lang: config.default_language.clone(),
        path: "/404.html".into(),
        vars: vec![],
        translations: vec![],
        owner: "(404 page)".into(),
    });
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

/// A redirect page for each alias, and `/` → `/LANG/` when the default language has a prefix.
fn alias_outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let mut out = Vec::new();
    for (id, item) in ctx.site.items.iter().enumerate() {
        if !ctx.site.is_written(id) {
            continue;
        }
        let target = ctx.config.permalink(&ctx.config.url(&item.path));
        for alias in &item.aliases {
            let path = if alias.ends_with('/') {
                format!("{alias}index.html")
            } else {
                alias.clone()
            };
            out.push(Output {
                path,
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
    for (id, person) in &site.authors {
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

/// The `feeds` a page links to: its own list's feed, and its language's site feed.
fn feed_links_for(ctx: &RenderCtx<'_>, path: &str, lang: &str) -> Value {
    let base = match path.find("page/") {
        Some(i) if path.ends_with('/') => &path[..i],
        _ => path,
    };
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

fn feed_outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    let plan = feed_plan(site, config);
    let mut out: Vec<Output> = plan
        .par_iter()
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
                entries: feeds::item_entries(site, config, ids, config.feed_limit),
            };
            feeds::write(config, &feed)
        })
        .collect();
    for lang in &config.languages {
        let base = format!("{}/corrections/", config.lang_prefix(&lang.code));
        let host = config
            .base_url
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', ':'])
            .next()
            .unwrap_or("")
            .to_string();
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
