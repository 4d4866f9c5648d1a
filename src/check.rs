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
            let Some(message) = link_problem(href, &o.path, &file, fragment, exists, &ids) else {
                continue;
            };
            if !reported.insert(message.clone()) {
                continue;
            }
            let (path, line, col) = link_place(owner.get(&o.path).copied(), &o.path, href);
            diags.push(
                Diagnostic::error(path, line, col, message)
                    .with_help("fix the link, or add the page or anchor it points to"),
            );
        }
    }
}

/// What is wrong with the link `href` on output `page` to `file` (`#fragment`), if anything:
/// no such file, or no such id in it.
fn link_problem(
    href: &str,
    page: &str,
    file: &str,
    fragment: Option<String>,
    exists: bool,
    ids: &HashMap<&str, HashSet<String>>,
) -> Option<String> {
    if !exists {
        return Some(format!(
            "broken link `{href}` on `{page}`: no such page or file"
        ));
    }
    fragment
        .filter(|f| !f.is_empty())
        .and_then(|f| match ids.get(file) {
            Some(set) if !set.contains(&f) => Some(format!(
                "broken link `{href}` on `{page}`: `{file}` has no element with id `{f}`"
            )),
            _ => None,
        })
}

/// Where to report a broken link on output `page`: in the item's source that wrote it, at the
/// first place its text has the link (else line 1), or at the output for other pages.
fn link_place(owner: Option<&Item>, page: &str, href: &str) -> (String, usize, usize) {
    let Some(item) = owner else {
        return (format!("(output){page}"), 1, 1);
    };
    let needle = href
        .split('#')
        .next()
        .filter(|p| !p.is_empty())
        .unwrap_or(href);
    let (line, col) = item
        .text
        .find(needle)
        .map(|at| crate::diag::LineIndex::new(&item.text).position(at))
        .unwrap_or((1, 1));
    (item.src.rel.clone(), line, col)
}

/// The embargo audit: no output may carry an embargoed item's URL, its slug (when it is more
/// than one plain word, which would match ordinary text) or its title, compared case-folded and
/// in NFC. A public translation of the item is not a leak: its own URL (which may share the
/// slug) is set aside, and so are a title or slug it shares with the embargoed item.
fn embargo(site: &Site, outputs: &[Output], diags: &mut Vec<Diagnostic>) {
    if site.withheld.is_empty() {
        return;
    }
    let traces: Vec<Traces> = site.withheld.iter().map(|w| Traces::of(w, site)).collect();
    for o in outputs {
        let text = fold(&String::from_utf8_lossy(&o.bytes));
        let path = fold(&o.path);
        for (w, t) in site.withheld.iter().zip(&traces) {
            if let Some(n) = t.found_in(&path).or_else(|| t.found_in(&text)) {
                diags.push(
                    Diagnostic::error(&w.rel, 1, 1, format!("embargo leak: `{}` contains `{n}` from an item embargoed until {}", o.path, crate::dates::rfc3339_utc(w.until)))
                        .with_help("remove the mention (a link, the title, the slug) from the other page until the embargo lifts"),
                );
            }
        }
    }
}

/// Case-folded NFC text, the form the audit compares in.
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().collect::<String>().to_lowercase()
}

/// What would betray one embargoed item, folded.
struct Traces {
    /// Substrings: its path, its title (as written and HTML-escaped).
    needles: Vec<String>,
    /// Its slug, matched as a whole token.
    slug: Option<String>,
    /// The URLs of its public translations, removed from a text before the search.
    public: Vec<String>,
}

impl Traces {
    fn of(w: &crate::model::Withheld, site: &Site) -> Self {
        let translations: Vec<&Item> = site
            .items
            .iter()
            .filter(|i| i.translation_key == w.translation_key && i.is_public())
            .collect();
        let title = fold(&w.title);
        let slug = fold(&w.slug);
        let mut needles = vec![fold(&w.path)];
        if !translations.iter().any(|i| fold(&i.title) == title) {
            needles.push(crate::markdown::escape_html(&title));
            needles.push(title);
        }
        needles.dedup();
        let distinctive = slug
            .chars()
            .any(|c| c == '-' || c.is_numeric() || !c.is_ascii());
        let shared = translations.iter().any(|i| fold(&i.slug) == slug);
        Traces {
            needles,
            slug: (distinctive && !shared).then_some(slug),
            public: translations.iter().map(|i| fold(&i.path)).collect(),
        }
    }

    /// The first trace found in `text` (folded).
    fn found_in(&self, text: &str) -> Option<&str> {
        let masked;
        let text = if self.public.iter().any(|p| text.contains(p.as_str())) {
            let mut t = text.to_string();
            for p in &self.public {
                t = t.replace(p.as_str(), " ");
            }
            masked = t;
            masked.as_str()
        } else {
            text
        };
        self.needles
            .iter()
            .find(|n| text.contains(n.as_str()))
            .map(String::as_str)
            .or_else(|| self.slug.as_deref().filter(|s| contains_token(text, s)))
    }
}

/// Whether `token` occurs in `text` with no slug character (letter, digit, `-`, `_`) on
/// either side.
fn contains_token(text: &str, token: &str) -> bool {
    let part_of_slug = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(token).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + token.len()..].chars().next();
        !before.is_some_and(part_of_slug) && !after.is_some_and(part_of_slug)
    })
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

    #[test]
    fn a_slug_is_found_only_as_a_whole_token() {
        assert!(contains_token("see fjord-6-launch.", "fjord-6-launch"));
        assert!(contains_token("/press/fjord-6-launch/", "fjord-6-launch"));
        assert!(!contains_token("fjord-6-launches", "fjord-6-launch"));
        assert!(!contains_token("big-fjord-6-launch", "fjord-6-launch"));
    }
}
