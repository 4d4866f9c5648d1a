//! Jekyll collections (`collections:` in `_config.yml`, documents in `_NAME/`). Each collection
//! Jekyll wrote pages for (`output: true`) becomes the section `content/NAME/`, each document
//! a page of it with its old URL (the collection's `permalink`, by default
//! `/NAME/PATH.html`) as an alias. jekyll-feed's feed of a collection (`feed: collections:`)
//! stays a feed: the section's own `[feeds]` names it when it sat in the section's folder
//! (`/releases/feed.xml`), else `[feeds.keep]` keeps its URL (`/feed/releases.xml`).

use super::Plan;
use super::generators::{
    JekyllSite, add_alias, date_prefix, dated_slug, extra, parts_of, push, read,
    url_key_to_alias_under,
};
use crate::diag::Diagnostic;
use std::path::Path;
use toml::{Table, Value};

/// A collection of the old site.
pub(super) struct Collection {
    /// Its name (`releases`: documents in `_releases/`).
    pub(super) name: String,
    /// Whether Jekyll wrote a page for each document.
    pub(super) output: bool,
    /// Its URL pattern (`/:collection/:path:output_ext` when unset).
    permalink: String,
}

/// The collections `_config.yml` declares (a list of names, or a table of name → settings),
/// `posts` aside (Jekyll's own, converted as posts). One that writes no pages is reported:
/// its documents are data for templates, which import does not convert.
pub(super) fn of_config(cfg: &Table, plan: &mut Plan) -> Vec<Collection> {
    let entries: Vec<(String, Option<&Value>)> = match cfg.get("collections") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|n| Some((n.as_str()?.to_string(), None)))
            .collect(),
        Some(Value::Table(t)) => t.iter().map(|(k, v)| (k.clone(), Some(v))).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (name, settings) in entries.into_iter().filter(|(n, _)| n != "posts") {
        let get = |key: &str| settings.and_then(|s| s.get(key));
        let output = get("output").and_then(Value::as_bool).unwrap_or(false);
        if !output {
            plan.report.notes.push(
                Diagnostic::warning("_config.yml", 1, 1, format!("the collection `{name}` has no `output: true`: Jekyll wrote no pages for `_{name}/`, so it is not imported"))
                    .with_help("copy what its documents held into the pages or data files that used it"),
            );
        }
        let permalink = get("permalink").and_then(Value::as_str).unwrap_or("");
        out.push(Collection {
            name,
            output,
            permalink: match permalink {
                "" | "date" => "/:collection/:path:output_ext".into(),
                "pretty" => "/:collection/:path/".into(),
                other => other.to_string(),
            },
        });
    }
    out
}

/// A document `rel` (`_releases/2024/v1.md`) of collection `c`: a page of the section
/// `content/NAME/`, its old URL an alias.
pub(super) fn document(src: &Path, rel: &str, c: &Collection, site: &JekyllSite, plan: &mut Plan) {
    let Some((mut front, body)) = read(src, rel, plan) else {
        return;
    };
    let (suffix, prefix) = site.lang(&mut front);
    let (_, stem, _) = parts_of(rel);
    let (date, bare) = date_prefix(stem);
    let date = date.map(String::from).or_else(|| {
        let d = front.get("date").and_then(Value::as_str)?;
        d.get(..10).map(String::from)
    });
    let slug = crate::slug::url_segment(bare);
    let new_url = format!("{prefix}/{}/{slug}/", c.name);
    let custom = extra(&front, "permalink").is_some();
    if custom {
        url_key_to_alias_under(&mut front, "permalink", &prefix);
    } else if let Some(old) = old_url(c, rel, stem, date.as_deref()) {
        let old = format!("{prefix}{old}");
        if old != new_url {
            add_alias(&mut front, old);
        }
    } else {
        plan.report.notes.push(
            Diagnostic::warning(rel, 1, 1, format!("the collection's permalink `{}` has a part import cannot fill in: this page's old URL is not kept", c.permalink))
                .with_help("add its old URL to `aliases` in the new page's front matter"),
        );
    }
    dated_slug(&mut front, date.as_deref(), slug.clone());
    push(
        plan,
        format!("{}/{slug}{suffix}.md", c.name),
        front,
        body,
        rel,
    );
}

/// The URL Jekyll gave a document: the collection's pattern filled in; None when a part of
/// it is unknown here (a date part without a date, a front-matter variable).
fn old_url(c: &Collection, rel: &str, stem: &str, date: Option<&str>) -> Option<String> {
    let in_collection = rel.split_once('/').map_or(rel, |(_, r)| r);
    let path = in_collection
        .rsplit_once('.')
        .map_or(in_collection, |(p, _)| p);
    let mut url = c
        .permalink
        .replace(":collection", &c.name)
        .replace(":path", path)
        .replace(":name", stem)
        .replace(":title", date_prefix(stem).1)
        .replace(":slug", date_prefix(stem).1)
        .replace(":output_ext", ".html");
    if let Some(d) = date.filter(|d| d.len() == 10) {
        let (y, m, day) = (&d[..4], &d[5..7], &d[8..10]);
        url = url
            .replace(":year", y)
            .replace(":month", m)
            .replace(":day", day);
    }
    if url.contains(':') {
        return None;
    }
    Some(super::generators::jekyll_url_path(&url))
}

/// jekyll-feed's feed of each imported collection (`feed: collections:`, a list of names or
/// a table with `path:`; by default at `/feed/NAME.xml`): in the section's folder it is the
/// section's own Atom feed, named in a `content/NAME/_index.md`; elsewhere a copy kept with
/// `[feeds.keep]`.
pub(super) fn feeds(cfg: &Table, collections: &[Collection], plan: &mut Plan) {
    let listed =
        super::generators::names_with_paths(cfg.get("feed").and_then(|f| f.get("collections")));
    for (name, path) in listed {
        let imported = collections.iter().any(|c| c.name == name && c.output)
            && plan
                .content
                .iter()
                .any(|p| p.rel.starts_with(&format!("{name}/")));
        if !imported {
            continue;
        }
        let old = path.unwrap_or_else(|| format!("/feed/{name}.xml"));
        let old = format!("/{}", old.trim_start_matches('/'));
        let file = old
            .strip_prefix(&format!("/{name}/"))
            .filter(|f| !f.contains('/'));
        match file {
            Some(file) if file != "atom.xml" => section_feed_name(plan, &name, file),
            Some(_) => {}
            None => plan.keep_feeds.push((old, format!("/{name}/atom.xml"))),
        }
    }
}

/// Names the Atom feed of the section `content/NAME/` in its `_index.md`, written for it.
fn section_feed_name(plan: &mut Plan, name: &str, file: &str) {
    let mut feeds = Table::new();
    feeds.insert("atom".into(), Value::String(file.to_string()));
    let index = format!("{name}/_index.md");
    if let Some(page) = plan.content.iter_mut().find(|p| p.rel == index) {
        page.front.insert("feeds".into(), Value::Table(feeds));
        return;
    }
    let mut front = Table::new();
    let mut title = name.to_string();
    if let Some(first) = title.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    front.insert("title".into(), Value::String(title));
    front.insert("feeds".into(), Value::Table(feeds));
    plan.content.push(super::Page {
        rel: index,
        front,
        body: String::new(),
        from: None,
    });
}
