//! `pressroom check`'s audits of a finished (in-memory) site: internal links and `#fragments`,
//! the embargo audit (no trace of an embargoed item anywhere in the output), release and
//! statement lint, and translation parity. Reports; never writes.

use crate::config::Config;
use crate::content::frontmatter::{Kind, NoticeKind};
use crate::diag::Diagnostic;
use crate::model::{Item, Site};
use crate::render::Output;
use std::collections::{HashMap, HashSet};

/// Runs every audit. `extra_files` are the output paths not in `outputs` (static files, assets).
pub fn audit(
    site: &Site,
    config: &Config,
    outputs: &[Output],
    extra_files: &HashSet<String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    links(site, config, outputs, extra_files, &mut diags);
    embargo(site, outputs, &mut diags);
    lint(site, &mut diags);
    parity(site, &mut diags);
    diags
}

/// Decodes the few entities and percent-escapes that appear in generated URLs.
fn decode(url: &str) -> String {
    let url = url
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Values of `attr="..."` in an HTML or XML text.
fn attr_values<'a>(text: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(&needle) {
        let start = from + i + needle.len();
        match text[start..].find('"') {
            Some(end) => {
                out.push(&text[start..start + end]);
                from = start + end;
            }
            None => break,
        }
    }
    out
}

/// The output file a site-relative URL names, if it is one of ours.
fn target_of(url: &str, page: &str, config: &Config) -> Option<(String, Option<String>)> {
    let url = decode(url);
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (url.clone(), None),
    };
    let path = path.split('?').next().unwrap_or("").to_string();
    let local = if let Some(rest) = path.strip_prefix(&config.base_url) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if path.starts_with("//")
        || path.contains("://")
        || path.starts_with("mailto:")
        || path.starts_with("tel:")
        || path.starts_with("data:")
        || path.starts_with("javascript:")
    {
        return None;
    } else if path.is_empty() {
        page.to_string()
    } else if path.starts_with('/') {
        match path.strip_prefix(&config.base_path) {
            Some(p) if !config.base_path.is_empty() => p.to_string(),
            _ => path,
        }
    } else {
        // Relative to the page's folder.
        let folder = &page[..page.rfind('/').map(|i| i + 1).unwrap_or(0)];
        let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let mut joined = format!("/{}", parts.join("/"));
        if path.ends_with('/') {
            joined.push('/');
        }
        joined
    };
    let file = if local.ends_with('/') {
        format!("{local}index.html")
    } else {
        local
    };
    Some((file, fragment))
}

fn links(
    site: &Site,
    config: &Config,
    outputs: &[Output],
    extra: &HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let owner: HashMap<String, &Item> = site
        .items
        .iter()
        .map(|i| (format!("{}index.html", i.path), i))
        .collect();
    let ids: HashMap<&str, HashSet<String>> = outputs
        .iter()
        .filter(|o| o.path.ends_with(".html"))
        .map(|o| {
            (
                o.path.as_str(),
                attr_values(&String::from_utf8_lossy(&o.bytes), "id")
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            )
        })
        .collect();
    let files: HashSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    for o in outputs {
        let is_html = o.path.ends_with(".html");
        if !is_html && !o.path.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8_lossy(&o.bytes);
        let mut reported = HashSet::new();
        for href in attr_values(&text, "href")
            .into_iter()
            .chain(attr_values(&text, "src"))
        {
            let Some((file, fragment)) = target_of(href, &o.path, config) else {
                continue;
            };
            if !is_html && !href.starts_with(&config.base_url) {
                continue;
            }
            let exists = files.contains(file.as_str()) || extra.contains(&file);
            let problem = if !exists {
                Some(format!(
                    "broken link `{href}` on `{}`: no such page or file",
                    o.path
                ))
            } else {
                fragment
                    .filter(|f| !f.is_empty())
                    .and_then(|f| match ids.get(file.as_str()) {
                        Some(set) if !set.contains(&f) => Some(format!(
                            "broken link `{href}` on `{}`: `{file}` has no element with id `{f}`",
                            o.path
                        )),
                        _ => None,
                    })
            };
            if let Some(message) = problem {
                if !reported.insert(message.clone()) {
                    continue;
                }
                let path = owner
                    .get(&o.path)
                    .map(|i| i.src.rel.clone())
                    .unwrap_or_else(|| format!("(output){}", o.path));
                let (line, col) = owner
                    .get(&o.path)
                    .and_then(|i| {
                        let needle = href
                            .split('#')
                            .next()
                            .filter(|p| !p.is_empty())
                            .unwrap_or(href);
                        i.text
                            .find(needle)
                            .map(|at| crate::diag::LineIndex::new(&i.text).position(at))
                    })
                    .unwrap_or((1, 1));
                diags.push(
                    Diagnostic::error(path, line, col, message)
                        .with_help("fix the link, or add the page or anchor it points to"),
                );
            }
        }
    }
}

fn embargo(site: &Site, outputs: &[Output], diags: &mut Vec<Diagnostic>) {
    for w in &site.withheld {
        let title_html = crate::markdown::escape_html(&w.title);
        let mut needles = vec![w.path.clone(), w.title.clone(), title_html];
        // A slug is distinctive enough to search for when it is not a single common word.
        if w.slug.contains('-') && w.slug.len() >= 8 {
            needles.push(w.slug.clone());
        }
        for o in outputs {
            let text = String::from_utf8_lossy(&o.bytes);
            if let Some(n) = needles
                .iter()
                .find(|n| o.path.contains(n.as_str()) || text.contains(n.as_str()))
            {
                diags.push(
                    Diagnostic::error(&w.rel, 1, 1, format!("embargo leak: `{}` contains `{n}` from an item embargoed until {}", o.path, crate::dates::rfc3339_utc(w.until)))
                        .with_help("remove the mention (a link, the title) from the other page until the embargo lifts"),
                );
            }
        }
    }
}

fn lint(site: &Site, diags: &mut Vec<Diagnostic>) {
    for item in &site.items {
        let rel = &item.src.rel;
        match item.kind {
            Kind::Release => {
                if item.dateline.is_none() {
                    diags.push(
                        Diagnostic::warning(rel, 1, 1, "release has no `dateline`")
                            .with_help("add `dateline = \"CITY\"`: releases open with it"),
                    );
                }
                if !item.contacts.iter().any(|c| site.contacts.contains_key(c)) {
                    diags.push(
                        Diagnostic::warning(rel, 1, 1, "release has no media contact")
                            .with_help("add `contacts = [\"id\"]` from data/contacts.toml"),
                    );
                }
                if item.boilerplate.is_none() {
                    diags.push(
                        Diagnostic::warning(rel, 1, 1, "release has no boilerplate")
                            .with_help("set `boilerplate` in site.toml or on the release"),
                    );
                }
            }
            Kind::Statement if item.rendered.sources.iter().all(|s| s.backrefs.is_empty()) => {
                diags.push(Diagnostic::warning(rel, 1, 1, "statement cites no source").with_help("a statement answers with evidence: declare `[[sources]]` and cite them with `[^id]`"));
            }
            _ => {}
        }
    }
}

fn parity(site: &Site, diags: &mut Vec<Diagnostic>) {
    for ids in site.translations.values() {
        // The original is the one in the file without a language suffix.
        let Some(&original) = ids.iter().find(|&&i| site.items[i].src.lang.is_none()) else {
            continue;
        };
        let newest = site.items[original]
            .notices
            .iter()
            .filter(|n| n.kind != NoticeKind::Editorial)
            .map(|n| n.date)
            .chain(site.items[original].updates.iter().map(|u| u.date))
            .max();
        let Some(newest) = newest else { continue };
        for &t in ids.iter().filter(|&&i| i != original) {
            let translated = site.items[t].modified().or(site.items[t].date);
            if translated.is_none_or(|d| d < newest) {
                diags.push(
                    Diagnostic::warning(&site.items[t].src.rel, 1, 1, format!("translation is older than the newest correction or update of `{}` ({})", site.items[original].src.rel, crate::dates::rfc3339_utc(newest)))
                        .with_help("carry the correction into this translation and add a matching notice"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_to_output_files() {
        let config = Config::parse(
            std::path::Path::new("/s"),
            "title = \"T\"\nbase_url = \"https://n.example\"\n",
            None,
        )
        .unwrap();
        let t = |u: &str| target_of(u, "/press/x/index.html", &config);
        assert_eq!(t("/blog/"), Some(("/blog/index.html".into(), None)));
        assert_eq!(
            t("#source-a"),
            Some(("/press/x/index.html".into(), Some("source-a".into())))
        );
        assert_eq!(t("../y/"), Some(("/press/y/index.html".into(), None)));
        assert_eq!(
            t("https://n.example/a/#b"),
            Some(("/a/index.html".into(), Some("b".into())))
        );
        assert_eq!(t("https://other.example/"), None);
        assert_eq!(
            t("/ko/press/%EB%B6%80/"),
            Some(("/ko/press/부/index.html".into(), None))
        );
        assert_eq!(t("mailto:x@y"), None);
    }
}
