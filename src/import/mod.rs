//! `pressroom import --from zola|hugo|jekyll|eleventy SRC DEST`: a site of another generator as a
//! pressroom site. Config, content (front matter mapped by [`front`]), page bundles and their
//! assets, static files and authors are carried over; every old page URL stays reachable (the
//! same URL, or an alias redirecting to the new one); the old feed URLs are kept alive as
//! feeds (a section's own `[feeds]` names, or `[feeds.keep]` copies); embeds become links;
//! heading ids keep the old generator's style. What cannot be
//! converted (shortcodes, Liquid, files of other formats) is reported, one warning per place.

mod collections;
mod data;
mod embeds;
mod front;
mod generators;
mod shortcodes;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The generator a site comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    /// Zola: `config.toml`, TOML front matter, `content/` sections.
    Zola,
    /// Hugo: `hugo.toml`/`config.toml` (or YAML), `content/` sections.
    Hugo,
    /// Jekyll (and Eleventy-like YAML sites): `_config.yml`, `_posts/`, `_drafts/`, pages.
    Jekyll,
    /// Eleventy: Markdown with YAML front matter anywhere in the input folder (`src/` or the
    /// site's folder), URLs from the file paths, `_data/metadata.json` for the title.
    Eleventy,
}

impl std::str::FromStr for Generator {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "zola" => Ok(Generator::Zola),
            "hugo" => Ok(Generator::Hugo),
            "jekyll" => Ok(Generator::Jekyll),
            "eleventy" | "11ty" => Ok(Generator::Eleventy),
            other => Err(format!(
                "`{other}` is not a generator pressroom imports from: use zola, hugo, jekyll or eleventy"
            )),
        }
    }
}

/// What an import wrote, and the places a person has to look at.
#[derive(Debug, Default)]
pub struct Report {
    /// Content files written.
    pub pages: usize,
    /// Old URLs that now redirect (aliases written).
    pub aliases: usize,
    /// Files copied as they are (assets, static files).
    pub copied: usize,
    /// What could not be converted, at its place in the old site (paths relative to SRC).
    pub notes: Vec<Diagnostic>,
}

/// The site being written: its `site.toml`, content files and copies.
#[derive(Default)]
pub(crate) struct Plan {
    pub(crate) config: Table,
    /// `[feeds.keep]`: old feed URL → the new feed file it copies.
    pub(crate) keep_feeds: Vec<(String, String)>,
    /// Content files to write.
    pub(crate) content: Vec<Page>,
    /// Links to other pages in the bodies, resolved once every page's new URL is known.
    pub(crate) refs: Vec<shortcodes::Ref>,
    /// Files to copy: source → destination, both absolute.
    pub(crate) copies: Vec<(PathBuf, PathBuf)>,
    /// Author names credited by the content (ids are their slugs).
    pub(crate) authors: Vec<String>,
    /// Author records from the old site's data files, by id.
    pub(crate) people: Table,
    pub(crate) report: Report,
}

/// One content file of the new site.
pub(crate) struct Page {
    /// Its path under `content/`.
    pub(crate) rel: String,
    pub(crate) front: Table,
    pub(crate) body: String,
    /// The old file it comes from (path in SRC); None for one import made up (the home page).
    pub(crate) from: Option<String>,
}

/// Imports the site in `src` into the new folder `dest` (which must not exist or be empty).
pub fn run(from: Generator, src: &Path, dest: &Path) -> Result<Report> {
    if !src.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", src.display())));
    }
    let occupied = std::fs::read_dir(dest).is_ok_and(|mut d| d.next().is_some());
    if occupied {
        return Err(Error::Usage(format!(
            "{} is not empty: import writes a new site, give it a new folder",
            dest.display()
        )));
    }
    let mut plan = Plan::default();
    match from {
        Generator::Zola => generators::zola(src, &mut plan)?,
        Generator::Hugo => generators::hugo(src, &mut plan)?,
        Generator::Jekyll => generators::jekyll(src, &mut plan)?,
        Generator::Eleventy => generators::eleventy(src, &mut plan)?,
    }
    resolve_refs(&mut plan);
    write(dest, plan)
}

/// Replaces each link token in the bodies with the new URL of the page it names (plus its
/// `#anchor`); a target that is no page of the old site keeps its text and is reported.
fn resolve_refs(plan: &mut Plan) {
    if plan.refs.is_empty() {
        return;
    }
    let default_lang = plan
        .config
        .get("default_language")
        .and_then(Value::as_str)
        .unwrap_or("en")
        .to_string();
    let urls: std::collections::BTreeMap<&str, String> = plan
        .content
        .iter()
        .filter_map(|p| Some((p.from.as_deref()?, new_url(p, &default_lang))))
        .collect();
    let mut found = Vec::with_capacity(plan.refs.len());
    for r in &plan.refs {
        let exact = r.candidates.iter().find_map(|c| urls.get(c.as_str()));
        let by_suffix = || {
            let mut m = urls
                .iter()
                .filter(|(k, _)| !r.suffix.is_empty() && k.ends_with(&r.suffix));
            match (m.next(), m.next()) {
                (Some((_, url)), None) => Some(url),
                _ => None,
            }
        };
        match exact.or_else(by_suffix) {
            Some(url) => found.push(format!("{url}{}", r.fragment)),
            None => {
                plan.report.notes.push(
                    Diagnostic::warning(
                        &r.from,
                        r.line,
                        r.col,
                        format!(
                            "the link to `{}` names no page of the old site: left as written",
                            r.written
                        ),
                    )
                    .with_help("write the page's new URL (`/section/slug/`) in the link"),
                );
                found.push(r.written.clone());
            }
        }
    }
    for page in &mut plan.content {
        if page.body.contains('\u{1A}') {
            page.body = replace_tokens(&page.body, &found);
        }
    }
}

/// `body` with each link token ([`shortcodes::token`]) replaced by `found[N]`, in one pass (a
/// search per token and page would be quadratic in the size of the site).
fn replace_tokens(body: &str, found: &[String]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find('\u{1A}') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let token = after.strip_prefix("ref").and_then(|t| {
            let end = t.find('\u{1A}')?;
            let url = found.get(t[..end].parse::<usize>().ok()?)?;
            Some((url, "ref".len() + end + 1))
        });
        match token {
            Some((url, len)) => {
                out.push_str(url);
                rest = &after[len..];
            }
            None => {
                out.push('\u{1A}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The URL pressroom gives a planned page: `/LANG/FOLDER/SLUG/`, a section `/LANG/FOLDER/`.
pub(crate) fn new_url(page: &Page, default_lang: &str) -> String {
    let file = page.rel.rsplit('/').next().unwrap_or(&page.rel);
    let dir = page.rel[..page.rel.len() - file.len()].trim_end_matches('/');
    let stem = file.trim_end_matches(".md");
    let (stem, lang) = match stem.rsplit_once('.') {
        Some((s, l)) if (2..=3).contains(&l.len()) => (s, l),
        _ => (stem, default_lang),
    };
    let mut url = String::new();
    if lang != default_lang {
        url.push('/');
        url.push_str(lang);
    }
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        url.push('/');
        url.push_str(part);
    }
    if stem != "_index" {
        let slug = page.front.get("slug").and_then(Value::as_str);
        let name = if stem == "index" {
            url.rsplit_once('/').map_or("", |(head, _)| head).len()
        } else {
            url.len()
        };
        url.truncate(name);
        url.push('/');
        url.push_str(slug.unwrap_or(stem));
    }
    url.push('/');
    url
}

/// Writes the plan: `site.toml`, content files, `data/authors.toml`, copies.
fn write(dest: &Path, mut plan: Plan) -> Result<Report> {
    let put = |rel: &Path, bytes: &[u8]| -> Result<()> {
        let path = dest.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io("cannot write", &path, e))
    };
    if !plan.keep_feeds.is_empty() {
        let feeds = plan
            .config
            .entry("feeds")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(feeds) = feeds {
            let keep = plan
                .keep_feeds
                .drain(..)
                .map(|(o, t)| (o, Value::String(t)));
            feeds.insert("keep".into(), Value::Table(keep.collect()));
        }
    }
    put(Path::new("site.toml"), toml_text(&plan.config).as_bytes())?;
    if !plan.content.iter().any(|p| p.rel == "_index.md") {
        let mut home = Table::new();
        let title = plan.config.get("title").cloned();
        home.insert(
            "title".into(),
            title.unwrap_or(Value::String("Home".into())),
        );
        plan.content.push(Page {
            rel: "_index.md".into(),
            front: home,
            body: String::new(),
            from: None,
        });
    }
    for Page {
        rel, front, body, ..
    } in &plan.content
    {
        let text = format!("+++\n{}+++\n{body}", toml_text(front));
        put(&Path::new("content").join(rel), text.as_bytes())?;
        plan.report.pages += 1;
        plan.report.aliases += front
            .get("aliases")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
    }
    if !plan.authors.is_empty() || !plan.people.is_empty() {
        // The old site's records first; a name credited without one is its own record.
        let mut authors = std::mem::take(&mut plan.people);
        for name in &plan.authors {
            authors
                .entry(crate::slug::slugify(name))
                .or_insert_with(|| {
                    let mut person = Table::new();
                    person.insert("name".into(), Value::String(name.clone()));
                    Value::Table(person)
                });
        }
        put(
            Path::new("data/authors.toml"),
            toml_text(&authors).as_bytes(),
        )?;
    }
    put(Path::new(REPORT), report_text(&plan.report).as_bytes())?;
    for (from, to) in &plan.copies {
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dest.join(dir))
                .map_err(|e| Error::io("cannot create", dir, e))?;
        }
        std::fs::copy(from, dest.join(to)).map_err(|e| Error::io("cannot copy", from, e))?;
        plan.report.copied += 1;
    }
    Ok(plan.report)
}

/// The report's file in the new site, beside `site.toml` (pressroom does not read it).
pub const REPORT: &str = "IMPORT-REPORT.md";

/// The places to review as a Markdown checklist table: file, line, what, suggested fix.
/// Written before the copies are counted, so it names the content files and aliases.
fn report_text(report: &Report) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "# Import report\n\n{} content files written ({} old URLs kept as aliases). \
         {} places to review{}\n",
        report.pages,
        report.aliases,
        report.notes.len(),
        if report.notes.is_empty() {
            "."
        } else {
            ": paths and lines are those of the old site."
        }
    );
    if !report.notes.is_empty() {
        out.push_str("\n| File | Line:col | What | Suggested fix |\n|---|---|---|---|\n");
    }
    for n in &report.notes {
        out.push_str(&format!(
            "| `{}` | {}:{} | {} | {} |\n",
            cell(&n.path),
            n.line,
            n.col,
            cell(&n.message),
            cell(n.help.as_deref().unwrap_or(""))
        ));
    }
    out
}

fn toml_text(table: &Table) -> String {
    toml::to_string(table).unwrap_or_default()
}

/// Every file under `dir`, sorted, as paths relative to `dir` with `/` separators; hidden
/// files and folders left out.
pub(crate) fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(pages: usize) -> Plan {
        let mut plan = Plan::default();
        for i in 0..pages {
            let mut front = Table::new();
            front.insert("slug".into(), Value::String(format!("p{i}")));
            plan.content.push(Page {
                rel: format!("blog/p{i}.md"),
                front,
                body: format!(
                    "See [the next](\u{1A}ref{i}\u{1A}). {}",
                    "Words. ".repeat(40)
                ),
                from: Some(format!("content/blog/p{i}.md")),
            });
            plan.refs.push(shortcodes::Ref {
                from: format!("content/blog/p{i}.md"),
                line: 1,
                col: 1,
                written: "x".into(),
                candidates: vec![format!("content/blog/p{}.md", (i + 1) % pages)],
                suffix: String::new(),
                fragment: "#top".into(),
            });
        }
        plan
    }

    #[test]
    fn links_resolve_to_the_new_urls() {
        let mut plan = plan_of(3);
        resolve_refs(&mut plan);
        assert!(
            plan.content[0]
                .body
                .starts_with("See [the next](/blog/p1/#top).")
        );
        assert!(
            plan.content[2]
                .body
                .starts_with("See [the next](/blog/p0/#top).")
        );
        assert!(plan.report.notes.is_empty());
        // A stray marker character of the writer's is kept.
        assert_eq!(
            replace_tokens("a\u{1A}b\u{1A}ref9\u{1A}", &[]),
            "a\u{1A}b\u{1A}ref9\u{1A}"
        );
    }

    /// Resolving is linear in the site: 10x the pages (each with a link) takes well under
    /// 100x the time (a search for every token in every page was 100x).
    #[test]
    fn resolving_links_scales_linearly() {
        let time = |pages: usize| {
            (0..3)
                .map(|_| {
                    let mut plan = plan_of(pages);
                    let start = std::time::Instant::now();
                    resolve_refs(&mut plan);
                    start.elapsed()
                })
                .min()
                .unwrap()
        };
        let (small, large) = (time(400), time(4000));
        assert!(
            large < small * 40 + std::time::Duration::from_millis(50),
            "400 pages: {small:?}, 4000 pages: {large:?}"
        );
    }
}
