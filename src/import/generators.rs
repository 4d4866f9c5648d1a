//! Each generator's conventions: where its config, content and static files are, how it
//! makes a page's URL (so the old URL stays: the same slug, or an alias), and its feeds.

use super::front::{self, Converted};
use super::{Page, Plan, files_under};
use crate::content::frontmatter::{Syntax, split};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// [`read`] for a file under `root` shown in notes as `shown`.
fn read_at(root: &Path, rel: &str, shown: &str, plan: &mut Plan) -> Option<(Table, String)> {
    let before = plan.report.notes.len();
    let refs_before = plan.refs.len();
    let out = read(root, rel, plan);
    for note in &mut plan.report.notes[before..] {
        if note.path == rel {
            note.path = shown.to_string();
        }
    }
    for r in &mut plan.refs[refs_before..] {
        r.from = shown.to_string();
    }
    out
}

/// A content file read and converted: its front matter, body, and authors noted in the plan;
/// template syntax in its body reported. None (with a note) when it has no front matter.
pub(super) fn read(src: &Path, rel: &str, plan: &mut Plan) -> Option<(Table, String)> {
    let text = std::fs::read_to_string(src.join(rel)).ok()?;
    let Ok(parts) = split(&text) else {
        plan.report.notes.push(
            Diagnostic::warning(rel, 1, 1, "no front matter: not converted").with_help(
                "add front matter (`+++` TOML or `---` YAML) and import again, or copy it by hand",
            ),
        );
        return None;
    };
    let old = match front::parse(parts.front, parts.syntax == Syntax::Yaml) {
        Ok(t) => t,
        Err(e) => {
            plan.report.notes.push(
                Diagnostic::warning(
                    rel,
                    2,
                    1,
                    format!("front matter does not parse ({e}): not converted"),
                )
                .with_help("fix it in the old site and import again"),
            );
            return None;
        }
    };
    let Converted { front, authors } = front::convert(old);
    for a in authors {
        if !plan.authors.contains(&a) {
            plan.authors.push(a);
        }
    }
    let body = super::shortcodes::convert(
        rel,
        &text,
        parts.body_offset,
        &mut plan.refs,
        &mut plan.report.notes,
    );
    Some((front, body))
}

/// Plans the content file `rel` (under `content/`), made from the old file `from`.
pub(super) fn push(plan: &mut Plan, rel: String, front: Table, body: String, from: &str) {
    plan.content.push(Page {
        rel,
        front,
        body,
        from: Some(from.to_string()),
    });
}

/// `2026-01-02-title` → (`Some("2026-01-02")`, `title`); the separator may be `-` or `_`.
pub(super) fn date_prefix(stem: &str) -> (Option<&str>, &str) {
    let b = stem.as_bytes();
    let dated = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && matches!(b[10], b'-' | b'_');
    if dated {
        (Some(&stem[..10]), &stem[11..])
    } else {
        (None, stem)
    }
}

/// Splits `blog/post.fr.md` into (folder `blog`, stem `post`, language suffix `.fr`).
pub(super) fn parts_of(rel: &str) -> (&str, &str, &str) {
    let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    match stem.rsplit_once('.') {
        Some((s, lang)) if (2..=3).contains(&lang.len()) => (dir, s, &stem[s.len()..]),
        _ => (dir, stem, ""),
    }
}

/// Sets a date from the file name when the front matter has none, and `slug` when the old
/// generator's slug differs from what pressroom would make of the file name.
/// Without a date anywhere the item is a `page` (a post needs one).
pub(super) fn dated_slug(front: &mut Table, date: Option<&str>, slug: String) {
    if let (Some(d), false) = (date, front.contains_key("date")) {
        front.insert("date".into(), Value::String(d.into()));
    }
    if !front.contains_key("date") {
        front.entry("kind").or_insert(Value::String("page".into()));
    }
    front.entry("slug").or_insert(Value::String(slug));
}

pub(super) fn add_alias(front: &mut Table, url: String) {
    let aliases = front
        .entry("aliases")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(a) = aliases {
        if !a.iter().any(|v| v.as_str() == Some(&url)) {
            a.push(Value::String(url));
        }
    }
}

/// Moves a front-matter key that set the old URL (`path`, `url`, `permalink`) out of `[extra]`
/// into an alias, so that URL redirects to the page.
fn url_key_to_alias(front: &mut Table, key: &str) {
    url_key_to_alias_under(front, key, "");
}

/// A key the converted front matter keeps under `[extra]` (the old generator's own keys).
pub(super) fn extra<'a>(front: &'a Table, key: &str) -> Option<&'a Value> {
    front.get("extra").and_then(|e| e.get(key))
}

/// [`url_key_to_alias`] for a site that served the page under `prefix` (`/fr`): jekyll-polyglot
/// builds each other language's whole site under `/LANG/`, custom permalinks included, so a
/// French post with `permalink: /annonces/x/` was at `/fr/annonces/x/`.
pub(super) fn url_key_to_alias_under(front: &mut Table, key: &str, prefix: &str) {
    let Some(Value::Table(extra)) = front.get_mut("extra") else {
        return;
    };
    let Some(Value::String(url)) = extra.remove(key) else {
        return;
    };
    let mut url = format!("{prefix}/{}", url.trim_start_matches('/'));
    if !url.ends_with('/') && !url.rsplit('/').next().unwrap_or("").contains('.') {
        url.push('/');
    }
    add_alias(front, url);
}

/// Reads a TOML or YAML config file as a TOML table.
fn config_file(src: &Path, names: &[&str]) -> Result<(String, Table)> {
    for name in names {
        let Ok(text) = std::fs::read_to_string(src.join(name)) else {
            continue;
        };
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        let table = front::parse(&text, yaml)
            .map_err(|e| Error::Usage(format!("{name}: cannot read it: {e}")))?;
        return Ok((name.to_string(), table));
    }
    Err(Error::Usage(format!(
        "{}: no {} here: is this the site's folder?",
        src.display(),
        names.join(" or ")
    )))
}

pub(super) fn string(table: &Table, key: &str) -> Option<String> {
    table.get(key).and_then(Value::as_str).map(String::from)
}

/// The site.toml every import starts from. Hugo and Jekyll list footnotes at the bottom;
/// Zola does with `bottom_footnotes` (see [`zola`]).
fn site_config(
    title: Option<String>,
    base_url: Option<String>,
    heading_ids: &str,
    smart: bool,
) -> Table {
    let mut config = Table::new();
    config.insert(
        "title".into(),
        Value::String(title.unwrap_or_else(|| "Imported site".into())),
    );
    let base = base_url.unwrap_or_else(|| "https://example.com".into());
    config.insert(
        "base_url".into(),
        Value::String(base.trim_end_matches('/').into()),
    );
    config.insert("smart_punctuation".into(), Value::Boolean(smart));
    config.insert("heading_ids".into(), Value::String(heading_ids.into()));
    if heading_ids != "zola" {
        config.insert("footnotes".into(), Value::String("bottom".into()));
    }
    config
}

/// A note for each of `dirs` the old site has: the generator's templates, data and the like,
/// which pressroom does not read (its theme renders the content).
fn unconverted(src: &Path, dirs: &[(&str, &str)], plan: &mut Plan) {
    for (dir, help) in dirs {
        if src.join(dir).exists() {
            plan.report.notes.push(
                Diagnostic::warning(*dir, 1, 1, format!("`{dir}` is not converted"))
                    .with_help(*help),
            );
        }
    }
}

const TEMPLATES: &str = "pressroom's default theme renders the content; port what you need to a theme (docs/theming.md)";

/// Moves each page bundle whose folder is not named as its slug (Zola's
/// `2024-05-01-launch/`, Hugo's `My-Bundle/`, both served at `/…/launch/`, `/…/my-bundle/`)
/// into a folder of that name, with its files and translations: Zola and Hugo published a
/// bundle's files at its page's URL, and pressroom publishes them at their folder's, so
/// `report.pdf` and `[doc]: report.pdf` beside the page keep working. A folder of that name
/// that is already planned keeps the bundle where it was (`check` then names the links).
fn bundles_at_their_urls(plan: &mut Plan) {
    let mut moves: Vec<(String, String)> = Vec::new();
    for page in &plan.content {
        let (dir, stem, _) = parts_of(&page.rel);
        let (parent, folder) = dir.rsplit_once('/').unwrap_or(("", dir));
        let slug = page.front.get("slug").and_then(Value::as_str);
        let Some(slug) = slug.filter(|s| stem == "index" && !folder.is_empty() && s != &folder)
        else {
            continue;
        };
        let to = if parent.is_empty() {
            slug.to_string()
        } else {
            format!("{parent}/{slug}")
        };
        let taken = |p: &str| p.starts_with(&format!("{to}/"));
        let used = plan.content.iter().any(|p| taken(&p.rel))
            || plan.copies.iter().any(|(_, d)| {
                d.strip_prefix("content")
                    .is_ok_and(|d| taken(&d.to_string_lossy()))
            });
        if !used && !moves.iter().any(|(from, _)| from == dir) {
            moves.push((dir.to_string(), to));
        }
    }
    for (from, to) in &moves {
        let moved = |p: &str| Some(format!("{to}/{}", p.strip_prefix(&format!("{from}/"))?));
        for page in &mut plan.content {
            if let Some(rel) = moved(&page.rel) {
                page.rel = rel;
            }
        }
        for (_, dest) in &mut plan.copies {
            let rel = dest
                .strip_prefix("content")
                .ok()
                .map(|d| d.to_string_lossy().into_owned());
            if let Some(rel) = rel.as_deref().and_then(moved) {
                *dest = PathBuf::from("content").join(rel);
            }
        }
    }
}

/// Copies every file of `from` (relative to `src`) to `to` in the new site.
fn copy_tree(src: &Path, from: &str, to: &str, plan: &mut Plan) {
    for rel in files_under(&src.join(from)) {
        plan.copies
            .push((src.join(from).join(&rel), PathBuf::from(to).join(rel)));
    }
}

/// Zola: sections and pages keep their folders; each page gets Zola's slug (so its URL is
/// the same), `path` becomes an alias; feeds keep their names.
pub(super) fn zola(src: &Path, plan: &mut Plan) -> Result<()> {
    let (_, cfg) = config_file(src, &["config.toml"])?;
    let smart = cfg
        .get("markdown")
        .and_then(|m| m.get("smart_punctuation"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    plan.config = site_config(
        string(&cfg, "title"),
        string(&cfg, "base_url"),
        "zola",
        smart,
    );
    let markdown = cfg.get("markdown");
    if markdown
        .and_then(|m| m.get("bottom_footnotes"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        plan.config
            .insert("footnotes".into(), Value::String("bottom".into()));
    }
    for key in ["description", "default_language"] {
        if let Some(v) = cfg.get(key) {
            plan.config.insert(key.into(), v.clone());
        }
    }
    let feed_names = zola_feeds(&cfg, plan);
    zola_languages(&cfg, plan);
    for rel in files_under(&src.join("content")) {
        let path = format!("content/{rel}");
        if !rel.ends_with(".md") {
            plan.copies.push((src.join(&path), PathBuf::from(&path)));
            continue;
        }
        let Some((mut front, body)) = read(src, &path, plan) else {
            continue;
        };
        let (dir, stem, _) = parts_of(&rel);
        if stem == "_index" {
            let own_feeds = zola_section_feeds(&mut front, &feed_names);
            let mut section = section_front(front, plan, &path);
            if let Some(feeds) = own_feeds {
                section.insert("feeds".into(), Value::Table(feeds));
            }
            push(plan, rel.clone(), section, body, &path);
            continue;
        }
        let name = if stem == "index" {
            dir.rsplit('/').next().unwrap_or(dir)
        } else {
            stem
        };
        let (date, name) = date_prefix(name);
        let slug = crate::anchors::HeadingIds::Zola.id(name);
        url_key_to_alias(&mut front, "path");
        dated_slug(&mut front, date, slug);
        push(plan, rel.clone(), front, body, &path);
    }
    bundles_at_their_urls(plan);
    if src.join("static").is_dir() {
        copy_tree(src, "static", "static", plan);
    }
    let dirs = [
        ("templates", TEMPLATES),
        ("themes", TEMPLATES),
        ("sass", TEMPLATES),
    ];
    unconverted(src, &dirs, plan);
    Ok(())
}

/// Zola's feed file names (`feed_filenames`, or the older `feed_filename`; `atom.xml` when
/// neither is set) as `[feeds]`; returns them as (format, name).
fn zola_feeds(cfg: &Table, plan: &mut Plan) -> Vec<(&'static str, String)> {
    let names: Vec<String> = match (cfg.get("feed_filenames"), cfg.get("feed_filename")) {
        (Some(Value::Array(a)), _) => a
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        (_, Some(Value::String(s))) => vec![s.clone()],
        _ => vec!["atom.xml".into()],
    };
    let names: Vec<(&'static str, String)> = names
        .into_iter()
        .map(|name| (if name.contains("rss") { "rss" } else { "atom" }, name))
        .collect();
    let mut feeds = Table::new();
    for (format, name) in &names {
        let default = if *format == "rss" {
            "rss.xml"
        } else {
            "atom.xml"
        };
        if name != default {
            feeds.insert((*format).into(), Value::String(name.clone()));
        }
    }
    if !feeds.is_empty() {
        plan.config.insert("feeds".into(), Value::Table(feeds));
    }
    names
}

/// Takes a key of the old front matter out of the `[extra]` that [`front::convert`] put it in.
fn take_extra(front: &mut Table, key: &str) -> Option<Value> {
    match front.get_mut("extra") {
        Some(Value::Table(extra)) => extra.remove(key),
        _ => None,
    }
}

/// Zola writes a section's feed only when its `_index.md` says `generate_feeds = true` (or the
/// older `generate_feed`), under the site's feed names: those become the section's own
/// `[feeds]`, so its old feed URL (`/inside-rust/feed.xml`) stays that section's feed even if
/// the site's names are changed later.
fn zola_section_feeds(front: &mut Table, names: &[(&'static str, String)]) -> Option<Table> {
    let generated = [
        take_extra(front, "generate_feeds"),
        take_extra(front, "generate_feed"),
    ];
    if !generated
        .iter()
        .flatten()
        .any(|v| v.as_bool() == Some(true))
    {
        return None;
    }
    let feeds: Table = names
        .iter()
        .map(|(format, name)| ((*format).to_string(), Value::String(name.clone())))
        .collect();
    Some(feeds)
}

fn zola_languages(cfg: &Table, plan: &mut Plan) {
    let Some(Value::Table(langs)) = cfg.get("languages") else {
        return;
    };
    let mut out = Table::new();
    for (code, lang) in langs {
        let mut l = Table::new();
        for key in ["title", "description"] {
            if let Some(v) = lang.get(key) {
                l.insert(key.into(), v.clone());
            }
        }
        out.insert(code.clone(), Value::Table(l));
    }
    plan.config.insert("languages".into(), Value::Table(out));
}

/// A section's front matter: the keys pressroom's `_index.md` has, the rest under `[extra]`.
fn section_front(mut front: Table, plan: &mut Plan, path: &str) -> Table {
    let mut out = Table::new();
    let mut extra = match front.remove("extra") {
        Some(Value::Table(t)) => t,
        _ => Table::new(),
    };
    if let Some(summary) = front.remove("summary") {
        out.insert("description".into(), summary);
    }
    for (key, value) in front {
        match key.as_str() {
            "title" | "paginate_by" => {
                out.insert(key, value);
            }
            "aliases" => plan.report.notes.push(
                Diagnostic::warning(
                    path,
                    1,
                    1,
                    "a section's aliases are not kept: sections have none in pressroom",
                )
                .with_help("add a static redirect page for each old section URL"),
            ),
            _ => {
                extra.insert(key, value);
            }
        }
    }
    if !extra.is_empty() {
        out.insert("extra".into(), Value::Table(extra));
    }
    out
}

/// Hugo: like Zola, but the slug is the file name as written, lowercased; `url` becomes an
/// alias; the RSS feeds at `/index.xml` and `/SECTION/index.xml` are kept.
pub(super) fn hugo(src: &Path, plan: &mut Plan) -> Result<()> {
    let names = [
        "hugo.toml",
        "config.toml",
        "hugo.yaml",
        "config.yaml",
        "hugo.yml",
        "config.yml",
    ];
    let (_, cfg) = config_file(src, &names)?;
    plan.config = site_config(
        string(&cfg, "title"),
        string(&cfg, "baseURL").or(string(&cfg, "baseurl")),
        "github",
        true,
    );
    let default = string(&cfg, "defaultContentLanguage").unwrap_or_else(|| "en".into());
    plan.config
        .insert("default_language".into(), Value::String(default.clone()));
    let rss = hugo_rss_name(&cfg, plan);
    let langs = hugo_languages(&cfg, &default, plan);
    for (dir, lang) in &langs {
        let nested: Vec<&str> = langs
            .iter()
            .filter_map(|(d, _)| d.strip_prefix(dir.as_str())?.strip_prefix('/'))
            .collect();
        for rel in files_under(&src.join(dir)) {
            if nested.iter().any(|n| rel.starts_with(&format!("{n}/"))) {
                continue;
            }
            let path = format!("{dir}/{rel}");
            let rel = match lang {
                Some(l) if *l != default && rel.ends_with(".md") && parts_of(&rel).2.is_empty() => {
                    format!("{}.{l}.md", rel.trim_end_matches(".md"))
                }
                _ => rel,
            };
            hugo_file(src, &path, rel, &rss, plan);
        }
    }
    let before = top_folders(plan);
    link_translation_keys(plan, &default);
    let sections = top_folders(plan);
    for gone in before.difference(&sections) {
        plan.report.notes.push(
            Diagnostic::warning("content", 1, 1, format!("the feeds of `/{gone}/` are not kept: its pages are translations that moved beside their originals (`translationKey`)"))
                .with_help("add `[feeds.keep]` entries in site.toml naming the feed their originals' folder has"),
        );
    }
    if rss == "index.xml" {
        keep_hugo_feeds(plan, &default, &sections);
    }
    bundles_at_their_urls(plan);
    if src.join("static").is_dir() {
        copy_tree(src, "static", "static", plan);
    }
    let dirs = [
        ("layouts", TEMPLATES),
        ("themes", TEMPLATES),
        ("assets", TEMPLATES),
        ("i18n", TEMPLATES),
    ];
    unconverted(src, &dirs, plan);
    super::data::import(src, "data", plan);
    Ok(())
}

/// The file name of Hugo's RSS feeds: `index.xml`, or `[outputFormats.RSS] baseName`'s,
/// which then names pressroom's RSS feeds too, so every old feed URL stays as it was.
fn hugo_rss_name(cfg: &Table, plan: &mut Plan) -> String {
    let base = cfg
        .get("outputFormats")
        .and_then(|o| o.get("RSS").or(o.get("rss")))
        .and_then(|r| r.get("baseName").or(r.get("basename")))
        .and_then(Value::as_str);
    let Some(base) = base.filter(|b| *b != "index") else {
        return "index.xml".into();
    };
    let name = format!("{base}.xml");
    let mut feeds = Table::new();
    feeds.insert("rss".into(), Value::String(name.clone()));
    plan.config.insert("feeds".into(), Value::Table(feeds));
    name
}

/// Hugo's `[languages.CODE]` as pressroom's (`languageName` → `name`, `title`, a
/// `description` of its own or in its `params`), and each language's content folder:
/// (folder, its language) — `content` with no language when translations are named
/// `x.CODE.md` instead.
fn hugo_languages(cfg: &Table, default: &str, plan: &mut Plan) -> Vec<(String, Option<String>)> {
    let mut dirs = Vec::new();
    let Some(Value::Table(langs)) = cfg.get("languages") else {
        return vec![("content".into(), None)];
    };
    let mut out = Table::new();
    for (code, lang) in langs {
        let mut l = Table::new();
        let get = |k: &str| {
            lang.get(k)
                .or_else(|| lang.get("params").and_then(|p| p.get(k)))
                .cloned()
        };
        for (to, from) in [
            ("name", "languageName"),
            ("title", "title"),
            ("description", "description"),
        ] {
            if let Some(v) = get(from).filter(Value::is_str) {
                l.insert(to.into(), v);
            }
        }
        out.insert(code.clone(), Value::Table(l));
        if let Some(dir) = lang.get("contentDir").and_then(Value::as_str) {
            dirs.push((dir.trim_end_matches('/').to_string(), Some(code.clone())));
        }
    }
    plan.config.insert("languages".into(), Value::Table(out));
    if !dirs.iter().any(|(d, _)| d == "content") {
        dirs.insert(0, ("content".into(), Some(default.to_string())));
    }
    dirs
}

/// Hugo's RSS feeds (`/index.xml`, `/SECTION/index.xml`, and under `/LANG/` for the other
/// languages) kept as copies of pressroom's RSS feeds.
fn keep_hugo_feeds(plan: &mut Plan, default: &str, sections: &std::collections::BTreeSet<String>) {
    let mut prefixes = vec![String::new()];
    if let Some(Value::Table(langs)) = plan.config.get("languages") {
        prefixes.extend(
            langs
                .keys()
                .filter(|l| *l != default)
                .map(|l| format!("/{l}")),
        );
    }
    for p in &prefixes {
        plan.keep_feeds
            .push((format!("{p}/index.xml"), format!("{p}/rss.xml")));
        for s in sections {
            plan.keep_feeds
                .push((format!("{p}/{s}/index.xml"), format!("{p}/{s}/rss.xml")));
        }
    }
}

/// The top folders of the planned content: the sections.
fn top_folders(plan: &Plan) -> std::collections::BTreeSet<String> {
    plan.content
        .iter()
        .filter_map(|p| Some(p.rel.split_once('/')?.0.to_string()))
        .collect()
}

/// Hugo's `translationKey`: pages of other languages with the key of a default-language page
/// are its translations. pressroom links translations by path, so each becomes that page's
/// `x.LANG.md`; it keeps its slug, and its old URL is an alias when its folder changes.
fn link_translation_keys(plan: &mut Plan, default: &str) {
    let key_of = |p: &Page| -> Option<String> {
        let extra = p.front.get("extra")?;
        Some(extra.get("translationKey")?.as_str()?.to_string())
    };
    let originals: std::collections::BTreeMap<String, String> = plan
        .content
        .iter()
        .filter(|p| parts_of(&p.rel).2.is_empty() && !p.rel.ends_with("index.md"))
        .filter_map(|p| Some((key_of(p)?, p.rel.trim_end_matches(".md").to_string())))
        .collect();
    for page in &mut plan.content {
        let (_, stem, lang) = parts_of(&page.rel);
        if lang.is_empty() || stem == "index" || stem == "_index" {
            continue;
        }
        let Some(original) = key_of(page).and_then(|k| originals.get(&k)) else {
            continue;
        };
        let rel = format!("{original}{lang}.md");
        if rel == page.rel {
            continue;
        }
        let old = super::new_url(page, default);
        page.rel = rel;
        if super::new_url(page, default) != old {
            add_alias(&mut page.front, old);
        }
        if let Some(Value::Table(extra)) = page.front.get_mut("extra") {
            extra.remove("translationKey");
        }
    }
}

/// One file of a Hugo content folder; `rel` is its path under the new `content/`.
/// Converts one file of a Hugo language folder (`rel`: its path in `content/`); `rss` is the
/// file name of the site's RSS feeds.
fn hugo_file(src: &Path, path: &str, rel: String, rss: &str, plan: &mut Plan) {
    if !rel.ends_with(".md") {
        plan.copies
            .push((src.join(path), PathBuf::from("content").join(&rel)));
        return;
    }
    let Some((mut front, body)) = read(src, path, plan) else {
        return;
    };
    let (dir, stem, _) = parts_of(&rel);
    if stem == "_index" {
        let own_feeds = hugo_section_feeds(&mut front, dir, rss);
        let mut section = section_front(front, plan, path);
        if let Some(feeds) = own_feeds {
            section.insert("feeds".into(), Value::Table(feeds));
        }
        push(plan, rel, section, body, path);
        return;
    }
    let name = if stem == "index" {
        dir.rsplit('/').next().unwrap_or(dir)
    } else {
        stem
    };
    let slug = crate::slug::url_segment(&name.to_lowercase());
    url_key_to_alias(&mut front, "url");
    dated_slug(&mut front, None, slug);
    push(plan, rel, front, body, path);
}

/// A nested Hugo section (`content/posts/series/_index.md`) has its RSS feed at
/// `/posts/series/index.xml` unless its `outputs` leave RSS out: that name becomes the
/// section's own `[feeds] rss`, so the feed stays where it was. (Top-level sections' feeds,
/// which Hugo writes with or without an `_index.md`, are kept by [`keep_hugo_feeds`].)
fn hugo_section_feeds(front: &mut Table, dir: &str, rss: &str) -> Option<Table> {
    if !dir.contains('/') {
        return None;
    }
    let outputs = front.get("extra").and_then(|e| e.get("outputs"));
    if let Some(Value::Array(formats)) = outputs {
        let with_rss = formats
            .iter()
            .any(|f| f.as_str().is_some_and(|f| f.eq_ignore_ascii_case("rss")));
        if !with_rss {
            return None;
        }
    }
    let mut feeds = Table::new();
    feeds.insert("rss".into(), Value::String(rss.to_string()));
    Some(feeds)
}

/// The URL Jekyll gives a post: its `permalink` style or pattern filled in.
fn jekyll_post_url(pattern: &str, date: &str, title: &str, categories: &[String]) -> String {
    let pattern = match pattern {
        "" | "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "none" => "/:categories/:title:output_ext",
        other => other,
    };
    let (y, m, d) = (&date[..4], &date[5..7], &date[8..10]);
    let url = pattern
        .replace(":categories", &categories.join("/").to_lowercase())
        .replace(":year", y)
        .replace(":short_year", &y[2..])
        .replace(":month", m)
        .replace(":i_month", m.trim_start_matches('0'))
        .replace(":day", d)
        .replace(":i_day", d.trim_start_matches('0'))
        .replace(":title", title)
        .replace(":slug", title)
        .replace(":output_ext", ".html");
    jekyll_url_path(&url)
}

/// A Jekyll URL with its placeholders filled as a site path: `/a/b/`, or `/a/b.html` as is.
pub(super) fn jekyll_url_path(url: &str) -> String {
    let mut out = String::from("/");
    for part in url.split('/').filter(|p| !p.is_empty()) {
        out.push_str(part);
        out.push('/');
    }
    if url.ends_with(".html") {
        out.pop();
    }
    out
}

/// Jekyll: posts (`_posts/`, dated file names) go to `content/blog/` with their old URL
/// (from `permalink`) as an alias, drafts (`_drafts/`) as drafts, pages with front matter
/// keep their folder, and everything else that is not Jekyll's own is a static file. The
/// jekyll-feed URL `/feed.xml` is kept.
pub(super) fn jekyll(src: &Path, plan: &mut Plan) -> Result<()> {
    let (_, cfg) = config_file(src, &["_config.yml", "_config.yaml"])?;
    let base = match (string(&cfg, "url"), string(&cfg, "baseurl")) {
        (Some(u), Some(b)) => Some(format!(
            "{}/{}",
            u.trim_end_matches('/'),
            b.trim_matches('/')
        )),
        (u, _) => u,
    };
    plan.config = site_config(string(&cfg, "title"), base, "github", true);
    if let Some(d) = string(&cfg, "description") {
        plan.config.insert("description".into(), Value::String(d));
    }
    if let Some(tz) = string(&cfg, "timezone") {
        plan.config.insert("timezone".into(), Value::String(tz));
    }
    let dirs = [
        ("_layouts", TEMPLATES),
        ("_includes", TEMPLATES),
        ("_sass", TEMPLATES),
    ];
    unconverted(src, &dirs, plan);
    super::data::import(src, "_data", plan);
    let site = JekyllSite {
        permalink: string(&cfg, "permalink").unwrap_or_default(),
        default_lang: jekyll_languages(&cfg, plan),
    };
    let collections = super::collections::of_config(&cfg, plan);
    for rel in files_under(src) {
        let top = rel.split('/').next().unwrap_or("");
        let markdown = rel.ends_with(".md") || rel.ends_with(".markdown");
        let collection = collections
            .iter()
            .find(|c| c.output && top.strip_prefix('_') == Some(&c.name));
        if let Some(c) = collection.filter(|_| markdown) {
            super::collections::document(src, &rel, c, &site, plan);
            continue;
        }
        match top {
            "_posts" | "_drafts" if markdown => jekyll_post(src, &rel, &site, plan),
            "_posts" | "_drafts" => plan.report.notes.push(
                Diagnostic::warning(&rel, 1, 1, "only Markdown posts are converted")
                    .with_help("convert it to Markdown, or put its HTML in a Markdown file's body"),
            ),
            "_config.yml" | "_config.yaml" | "Gemfile" | "Gemfile.lock" => {}
            t if t.starts_with('_') || t == "vendor" || t == "node_modules" => {}
            _ if markdown => jekyll_page(src, &rel, &site, plan),
            _ => plan
                .copies
                .push((src.join(&rel), PathBuf::from("static").join(&rel))),
        }
    }
    jekyll_feeds(&cfg, plan);
    super::collections::feeds(&cfg, &collections, plan);
    Ok(())
}

/// jekyll-feed's URLs kept as feeds: the site's (`/feed.xml`, or `feed: path:`) and each
/// category feed `feed: categories:` lists (`/feed/NAME.xml`, or its own `path:`), which
/// becomes the copy of that category's Atom feed.
fn jekyll_feeds(cfg: &Table, plan: &mut Plan) {
    let feed = cfg.get("feed");
    let site = feed
        .and_then(|f| f.get("path"))
        .and_then(Value::as_str)
        .unwrap_or("feed.xml");
    let site = format!("/{}", site.trim_start_matches('/'));
    if site != "/atom.xml" {
        plan.keep_feeds.push((site, "/atom.xml".into()));
    }
    let categories = names_with_paths(feed.and_then(|f| f.get("categories")));
    let used: std::collections::BTreeSet<String> = plan
        .content
        .iter()
        .filter_map(|p| p.front.get("categories")?.as_array())
        .flatten()
        .filter_map(|c| c.as_str().map(crate::slug::slugify))
        .collect();
    for (name, path) in categories {
        let old = path.unwrap_or_else(|| format!("/feed/{name}.xml"));
        let old = format!("/{}", old.trim_start_matches('/'));
        let slug = crate::slug::slugify(&name);
        if used.contains(&slug) {
            plan.keep_feeds
                .push((old, format!("/categories/{slug}/atom.xml")));
        } else {
            plan.report.notes.push(
                Diagnostic::warning(
                    "_config.yml",
                    1,
                    1,
                    format!(
                        "the category feed `{old}` is not kept: no post is in category `{name}`"
                    ),
                )
                .with_help("add the category to a post, or drop the feed from `feed: categories:`"),
            );
        }
    }
}

/// What every Jekyll file's conversion needs of the site's config.
pub(super) struct JekyllSite {
    permalink: String,
    /// jekyll-polyglot's `default_lang`, when the site has `languages`.
    default_lang: Option<String>,
}

impl JekyllSite {
    /// A file's language (jekyll-polyglot's `lang`, taken out of the front matter) when it
    /// is not the default one: (`.fr`, `/fr`), else empty strings.
    pub(super) fn lang(&self, front: &mut Table) -> (String, String) {
        let Some(default) = &self.default_lang else {
            return (String::new(), String::new());
        };
        let lang = match front.get_mut("extra") {
            Some(Value::Table(extra)) => extra.remove("lang"),
            _ => None,
        };
        match lang.as_ref().and_then(Value::as_str) {
            Some(l) if l != default => (format!(".{l}"), format!("/{l}")),
            _ => (String::new(), String::new()),
        }
    }
}

/// jekyll-polyglot's `languages` and `default_lang` as pressroom's; the default language.
fn jekyll_languages(cfg: &Table, plan: &mut Plan) -> Option<String> {
    let langs = cfg.get("languages")?.as_array()?;
    let codes: Vec<&str> = langs.iter().filter_map(Value::as_str).collect();
    let default = string(cfg, "default_lang").or(codes.first().map(|c| c.to_string()))?;
    let table = codes
        .iter()
        .map(|c| (c.to_string(), Value::Table(Table::new())))
        .collect();
    plan.config.insert("languages".into(), Value::Table(table));
    plan.config
        .insert("default_language".into(), Value::String(default.clone()));
    Some(default)
}

fn jekyll_post(src: &Path, rel: &str, site: &JekyllSite, plan: &mut Plan) {
    let Some((mut front, body)) = read(src, rel, plan) else {
        return;
    };
    let (suffix, prefix) = site.lang(&mut front);
    let (_, stem, _) = parts_of(rel);
    let (date, title) = date_prefix(stem);
    let draft = rel.starts_with("_drafts/");
    let date = date.map(String::from).or_else(|| {
        front
            .get("date")
            .and_then(Value::as_str)
            .and_then(|d| d.get(..10).map(String::from))
    });
    let slug = crate::slug::url_segment(title);
    if draft {
        front.insert("draft".into(), Value::Boolean(true));
    } else if let Some(date) = date.as_deref().filter(|d| front::is_day(d)) {
        let categories: Vec<String> = front
            .get("categories")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let custom = extra(&front, "permalink").is_some();
        if custom {
            url_key_to_alias_under(&mut front, "permalink", &prefix);
        } else {
            let url = jekyll_post_url(&site.permalink, date, title, &categories);
            add_alias(&mut front, format!("{prefix}{url}"));
        }
    }
    dated_slug(&mut front, date.as_deref(), slug.clone());
    push(plan, format!("blog/{slug}{suffix}.md"), front, body, rel);
}

fn jekyll_page(src: &Path, rel: &str, site: &JekyllSite, plan: &mut Plan) {
    // A Markdown file without front matter is not a page for Jekyll either: a plain file.
    let text = std::fs::read_to_string(src.join(rel)).unwrap_or_default();
    if split(&text).is_err() {
        plan.copies
            .push((src.join(rel), PathBuf::from("static").join(rel)));
        return;
    }
    let Some((mut front, body)) = read(src, rel, plan) else {
        return;
    };
    let (suffix, prefix) = site.lang(&mut front);
    let (dir, stem, _) = parts_of(rel);
    // jekyll-polyglot sites often keep a language's pages in a folder of its code.
    let dir = match dir.strip_prefix(prefix.trim_start_matches('/')) {
        Some(rest) if !prefix.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
            rest.trim_start_matches('/')
        }
        _ => dir,
    };
    if stem == "index" && dir.is_empty() {
        let mut home = Table::new();
        home.insert(
            "title".into(),
            front
                .remove("title")
                .unwrap_or(Value::String("Home".into())),
        );
        push(plan, format!("_index{suffix}.md"), home, body, rel);
        return;
    }
    if extra(&front, "permalink").is_some() {
        url_key_to_alias_under(&mut front, "permalink", &prefix);
    } else {
        let old = if dir.is_empty() {
            format!("{prefix}/{stem}.html")
        } else {
            format!("{prefix}/{dir}/{stem}.html")
        };
        add_alias(&mut front, old);
    }
    front.entry("title").or_insert(Value::String(stem.into()));
    front.insert("kind".into(), Value::String("page".into()));
    dated_slug(&mut front, None, crate::slug::url_segment(stem));
    let to = if dir.is_empty() {
        format!("{stem}{suffix}.md")
    } else {
        format!("{dir}/{stem}{suffix}.md")
    };
    push(plan, to, front, body, rel);
}

/// Eleventy: the input folder is `src/` when there is one, else the site's folder; every
/// Markdown file with front matter is a page at its path (`posts/2023-01-02-x.md` →
/// `/posts/x/`, with `/posts/2023-01-02-x/` kept as an alias), `permalink` an alias; other
/// templates are reported, except a feed template whose `permalink` is kept as a feed; every
/// other file is copied to `static/` (Eleventy copies only what its config passes through,
/// which import cannot read: it is a program).
pub(super) fn eleventy(src: &Path, plan: &mut Plan) -> Result<()> {
    let configs = [
        ".eleventy.js",
        "eleventy.config.js",
        "eleventy.config.mjs",
        ".eleventy.cjs",
        "eleventy.config.cjs",
        "package.json",
    ];
    if !configs.iter().any(|c| src.join(c).is_file()) {
        return Err(Error::Usage(format!(
            "{}: no .eleventy.js, eleventy.config.js or package.json here: is this the site's folder?",
            src.display()
        )));
    }
    let input = if src.join("src").is_dir() { "src" } else { "." };
    let root = src.join(input);
    let (meta_file, meta) = ["_data/metadata.json", "_data/site.json"]
        .iter()
        .find_map(|m| {
            let text = std::fs::read_to_string(root.join(m)).ok()?;
            Some((*m, front::parse(&text, true).ok()?))
        })
        .unwrap_or_default();
    plan.config = site_config(string(&meta, "title"), string(&meta, "url"), "github", true);
    if let Some(d) = string(&meta, "description") {
        plan.config.insert("description".into(), Value::String(d));
    }
    super::data::import(&root, "_data", plan);
    // The file the title and URL came from is converted, not just kept.
    plan.report.notes.retain(|n| n.path != meta_file);
    unconverted(&root, &[("_includes", TEMPLATES)], plan);
    for rel in files_under(&root) {
        let top = rel.split('/').next().unwrap_or("");
        let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
        let shown = if input == "." {
            rel.clone()
        } else {
            format!("{input}/{rel}")
        };
        match (top, ext) {
            (t, _) if t.starts_with('_') || t == "node_modules" => {}
            (_, _)
                if rel == "package.json"
                    || rel == "package-lock.json"
                    || rel.starts_with("eleventy.config.") => {}
            (_, "md") => eleventy_page(&root, &rel, &shown, plan),
            (
                _,
                "njk" | "liquid" | "hbs" | "mustache" | "ejs" | "haml" | "pug" | "webc" | "js"
                | "html",
            ) if has_front_matter(&root.join(&rel)) => {
                eleventy_template(&root, &rel, &shown, plan);
            }
            _ => plan
                .copies
                .push((root.join(&rel), PathBuf::from("static").join(&rel))),
        }
    }
    Ok(())
}

fn has_front_matter(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| split(&t).is_ok())
}

/// A template of another language: a feed (its `permalink` ends in `.xml`) is kept as a copy
/// of the site's Atom feed; anything else is reported.
fn eleventy_template(root: &Path, rel: &str, shown: &str, plan: &mut Plan) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
    let permalink = split(&text)
        .ok()
        .and_then(|p| front::parse(p.front, true).ok())
        .and_then(|f| string(&f, "permalink"));
    match permalink {
        Some(p) if p.ends_with(".xml") && !p.contains('{') => {
            let old = format!("/{}", p.trim_start_matches('/'));
            if old != "/atom.xml" {
                plan.keep_feeds.push((old, "/atom.xml".into()));
            }
        }
        _ => plan.report.notes.push(
            Diagnostic::warning(shown, 1, 1, "this Eleventy template is not converted")
                .with_help(TEMPLATES),
        ),
    }
}

fn eleventy_page(root: &Path, rel: &str, shown: &str, plan: &mut Plan) {
    // Markdown without front matter is no page for Eleventy either: a plain file.
    if !has_front_matter(&root.join(rel)) {
        plan.copies
            .push((root.join(rel), PathBuf::from("static").join(rel)));
        return;
    }
    let Some((mut front, body)) = read_at(root, rel, shown, plan) else {
        return;
    };
    let published = extra(&front, "permalink").and_then(Value::as_bool) != Some(false);
    if !published {
        plan.report.notes.push(
            Diagnostic::warning(
                shown,
                1,
                1,
                "`permalink: false`: Eleventy wrote no page for it, so it is not imported",
            )
            .with_help("copy what other pages need from it into their front matter"),
        );
        return;
    }
    let (dir, stem, _) = parts_of(rel);
    if stem == "index" && dir.is_empty() {
        let mut home = Table::new();
        let title = front
            .remove("title")
            .unwrap_or(Value::String("Home".into()));
        home.insert("title".into(), title);
        push(plan, "_index.md".into(), home, body, shown);
        return;
    }
    let name = if stem == "index" {
        dir.rsplit('/').next().unwrap_or(dir)
    } else {
        stem
    };
    let (date, bare) = date_prefix(name);
    let permalink = extra(&front, "permalink")
        .and_then(Value::as_str)
        .is_some_and(|p| !p.contains('{'));
    if permalink {
        url_key_to_alias(&mut front, "permalink");
    } else if date.is_some() {
        let parent = if stem == "index" {
            dir.rsplit_once('/').map_or("", |(p, _)| p)
        } else {
            dir
        };
        let old = if parent.is_empty() {
            format!("/{name}/")
        } else {
            format!("/{parent}/{name}/")
        };
        add_alias(&mut front, old);
    }
    front.entry("title").or_insert(Value::String(bare.into()));
    dated_slug(&mut front, date, crate::slug::url_segment(bare));
    push(plan, rel.to_string(), front, body, shown);
}

/// jekyll-feed's way of naming feeds: a list of names, or a table of names each with an
/// optional `path:`.
pub(super) fn names_with_paths(value: Option<&Value>) -> Vec<(String, Option<String>)> {
    match value {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| Some((v.as_str()?.to_string(), None)))
            .collect(),
        Some(Value::Table(t)) => t
            .iter()
            .map(|(k, v)| {
                let path = v.get("path").and_then(Value::as_str).map(String::from);
                (k.clone(), path)
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn jekyll_permalinks() {
        let url = |p: &str, c: &[&str]| {
            let c: Vec<String> = c.iter().map(|s| s.to_string()).collect();
            super::jekyll_post_url(p, "2020-03-04", "hello-world", &c)
        };
        assert_eq!(url("", &[]), "/2020/03/04/hello-world.html");
        assert_eq!(url("date", &["News"]), "/news/2020/03/04/hello-world.html");
        assert_eq!(url("pretty", &[]), "/2020/03/04/hello-world/");
        assert_eq!(url("/blog/:year/:title/", &[]), "/blog/2020/hello-world/");
        assert_eq!(url("none", &[]), "/hello-world.html");
    }

    #[test]
    fn date_prefixes() {
        assert_eq!(
            super::date_prefix("2020-01-02-a-b"),
            (Some("2020-01-02"), "a-b")
        );
        assert_eq!(
            super::date_prefix("2020-01-02_a"),
            (Some("2020-01-02"), "a")
        );
        assert_eq!(super::date_prefix("about"), (None, "about"));
    }
}
