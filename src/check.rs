//! `pressroom check`'s audits of a finished (in-memory) site: internal links and `#fragments`,
//! the embargo audit (no trace of an embargoed item anywhere in the output), release and
//! statement lint, and translation parity. Reports; never writes.

use crate::config::Config;
use crate::content::frontmatter::{Kind, NoticeKind};
use crate::diag::Diagnostic;
use crate::model::{Item, Site};
use crate::render::Output;
use std::collections::{HashMap, HashSet};

mod scan;
pub use scan::{Scanned, Scanning};

/// Runs every audit. `extra_files` are the output paths not in `outputs` (static files, assets,
/// the `scanned` files); `scanned` are the files streamed past the audit (kits' ZIPs).
pub fn audit(
    site: &Site,
    config: &Config,
    files: Files<'_>,
    extra_files: &HashSet<String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    links(site, config, files.outputs, extra_files, &mut diags);
    embargo(site, &files, &mut diags);
    let lint_from = diags.len();
    lint(site, &mut diags);
    set_severity(&mut diags[lint_from..], config.check.lint);
    let parity_from = diags.len();
    parity(site, &mut diags);
    set_severity(&mut diags[parity_from..], config.check.translations);
    diags
}

/// Gives findings of one class the severity `[check]` sets for it.
pub fn set_severity(diags: &mut [Diagnostic], severity: crate::diag::Severity) {
    for d in diags {
        d.severity = severity;
    }
}

/// Decodes the few entities and percent-escapes that appear in generated URLs.
fn decode(url: &str) -> String {
    let url = url
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    crate::percent::decode(&url).lossy()
}

/// Values of `attr=` in the tags of an HTML or XML text, in document order: any case, double-,
/// single- or unquoted (raw HTML in Markdown is written all ways). Only inside a tag, so an
/// HTML sample shown as text (`&lt;a href='…'&gt;`) is not taken for a link.
/// `lower` is `text` ASCII-lowercased (same byte offsets), made once per page by the caller.
fn attr_values<'a>(text: &'a str, lower: &str, attr: &str) -> Vec<&'a str> {
    let needle = format!("{attr}=");
    let mut out = Vec::new();
    for (at, _) in lower.match_indices(&needle) {
        let before = &text[..at];
        // Two single-byte searches (memrchr), not one two-character search: this runs for
        // every `attr=` on every page.
        let in_tag = || match (before.rfind('<'), before.rfind('>')) {
            (Some(open), close) => close.is_none_or(|c| c < open) && !in_quotes(&before[open..]),
            (None, _) => false,
        };
        if !before.ends_with(|c: char| c.is_ascii_whitespace()) || !in_tag() {
            continue;
        }
        let rest = &text[at + needle.len()..];
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].find(q).map(|e| &rest[1..1 + e]),
            Some(c) if !c.is_ascii_whitespace() && c != '>' => {
                let e = rest
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                Some(&rest[..e])
            }
            _ => None,
        };
        out.extend(value);
    }
    out
}

/// Whether the end of `tag` (a start tag so far) is inside a quoted attribute value, such as a
/// `<meta content="…">` quoting an HTML sample.
fn in_quotes(tag: &str) -> bool {
    let mut open: Option<char> = None;
    for c in tag.chars() {
        match open {
            None if c == '"' || c == '\'' => open = Some(c),
            Some(q) if c == q => open = None,
            _ => {}
        }
    }
    open.is_some()
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

/// Where `item`'s file writes the `nth` (from 0) link that reads `href` in the HTML: where the
/// Markdown stage found it (exact, also when a pre-Markdown transform moved it; the last one
/// when the page repeats the link more often than the body writes it, as a template may);
/// else the front-matter value that is the URL (a link a template writes from it, such as a
/// source's `url`), not an earlier mention of it in another value; else the nth place the file
/// writes the whole URL (a link written as HTML); else the first place the file names its path.
fn link_offset(item: &Item, href: &str, nth: usize) -> Option<usize> {
    let wanted = decode(href);
    let recorded: Vec<usize> = item
        .rendered
        .links
        .iter()
        .filter(|l| decode(&l.url) == wanted)
        .filter_map(|l| l.at)
        .collect();
    recorded
        .get(nth)
        .or(recorded.last())
        .copied()
        .or_else(|| {
            let front = &item.text[..item.body_offset.min(item.text.len())];
            let places: Vec<usize> = [href, wanted.as_str()]
                .iter()
                .find_map(|w| Some(value_places(front, w)).filter(|p| !p.is_empty()))
                .unwrap_or_default();
            places.get(nth).or(places.last()).copied()
        })
        .or_else(|| {
            let written = [href.to_string(), wanted.clone()];
            let places: Vec<usize> = written
                .iter()
                .find_map(|w| Some(whole_url_places(&item.text, w)).filter(|p| !p.is_empty()))
                .unwrap_or_default();
            places.get(nth).or(places.last()).copied()
        })
        .or_else(|| {
            let needle = href
                .split('#')
                .next()
                .filter(|p| !p.is_empty())
                .unwrap_or(href);
            item.text.find(needle)
        })
}

/// Where the front matter `front` has `url` as a whole value: a quoted string
/// (`url = "/x/"`, `- '/x/'`, `["/x/"]`) or a YAML plain scalar (`url: /x/`).
fn value_places(front: &str, url: &str) -> Vec<usize> {
    if url.is_empty() {
        return Vec::new();
    }
    let starts_value = |before: &str| {
        before
            .trim_end_matches([' ', '\t'])
            .ends_with(['=', ':', '[', ',', '-', '\n'])
    };
    front
        .match_indices(url)
        .filter(|(at, _)| {
            let (before, after) = (&front[..*at], &front[at + url.len()..]);
            match before.chars().next_back() {
                Some(q @ ('"' | '\'')) => {
                    after.starts_with(q) && starts_value(&before[..before.len() - 1])
                }
                Some(' ') => {
                    before.trim_end_matches(' ').ends_with(':')
                        && after
                            .trim_start_matches([' ', '\t', '\r'])
                            .starts_with(['\n', '#'])
                }
                _ => false,
            }
        })
        .map(|(at, _)| at)
        .collect()
}

/// Where `text` writes `url` as a whole URL (in quotes, parentheses, `<…>` or between spaces),
/// so that `/a/` is not found inside an earlier `/a/b/`.
fn whole_url_places(text: &str, url: &str) -> Vec<usize> {
    if url.is_empty() {
        return Vec::new();
    }
    let opens = |c: char| matches!(c, '"' | '\'' | '(' | '<' | '=') || c.is_whitespace();
    let closes = |c: char| matches!(c, '"' | '\'' | ')' | '>') || c.is_whitespace();
    text.match_indices(url)
        .filter(|(at, _)| {
            text[..*at].chars().next_back().is_some_and(opens)
                && text[at + url.len()..].chars().next().is_none_or(closes)
        })
        .map(|(at, _)| at)
        .collect()
}

/// `name` values of `<a>` tags: browsers scroll to `<a name="x">` for `#x` as to an `id`. Any
/// case, any quoting; other elements' `name` (`<meta name="robots">`) is not an anchor.
fn a_names<'a>(html: &'a str, lower: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<a") {
        let start = from + i + 2;
        from = start;
        if !lower[start..].starts_with(|c: char| c.is_ascii_whitespace()) {
            continue; // `<abbr>`, `<aside>`, `<a>`
        }
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        out.extend(
            attributes(&html[start..end])
                .filter(|(name, _)| name.eq_ignore_ascii_case("name"))
                .map(|(_, value)| value),
        );
        from = end;
    }
    out
}

/// The `name=value` pairs of the inside of a start tag (after its element name), with the
/// value double-, single- or unquoted.
fn attributes(mut tag: &str) -> impl Iterator<Item = (&str, &str)> {
    std::iter::from_fn(move || {
        tag = tag.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if tag.is_empty() {
            return None;
        }
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '=')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        let rest = tag[name_end..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            tag = rest;
            return Some((name, ""));
        };
        let rest = rest.trim_start();
        let (value, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => match rest[1..].find(q) {
                Some(e) => (&rest[1..1 + e], &rest[2 + e..]),
                None => (&rest[1..], ""),
            },
            _ => {
                let e = rest
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(rest.len());
                (&rest[..e], &rest[e..])
            }
        };
        tag = after;
        Some((name, value))
    })
}

/// The target of a redirect page (`<meta http-equiv="refresh" content="0; url=…">`, which
/// alias pages and the `/` → `/LANG/` page carry), as written.
fn refresh_target<'a>(html: &'a str, lower: &str) -> Option<&'a str> {
    let at = lower.find("http-equiv=\"refresh\"")?;
    let tag_start = lower[..at].rfind('<')?;
    let tag_end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
    let content = attributes(&html[tag_start + 1..tag_end])
        .find(|(name, _)| name.eq_ignore_ascii_case("content"))?
        .1;
    let url_at = content.to_ascii_lowercase().find("url=")?;
    Some(content[url_at + 4..].trim())
}

/// What `check` knows of the finished site to resolve a link: the files, the anchors of each
/// HTML page (`id`s and `<a name>`s) and where each redirect page leads.
struct Targets<'a> {
    files: HashSet<&'a str>,
    extra: &'a HashSet<String>,
    anchors: HashMap<&'a str, HashSet<String>>,
    /// Redirect page → the output file it sends the reader to.
    redirects: HashMap<&'a str, String>,
}

impl<'a> Targets<'a> {
    fn of(outputs: &'a [Output], extra: &'a HashSet<String>, config: &Config) -> Self {
        let mut anchors = HashMap::new();
        let mut redirects = HashMap::new();
        for o in outputs.iter().filter(|o| o.path.ends_with(".html")) {
            let html = String::from_utf8_lossy(&o.bytes);
            let lower = html.to_ascii_lowercase();
            let names = attr_values(&html, &lower, "id")
                .into_iter()
                .chain(a_names(&html, &lower));
            anchors.insert(o.path.as_str(), names.map(str::to_string).collect());
            if let Some((to, _)) =
                refresh_target(&html, &lower).and_then(|u| target_of(u, &o.path, config))
            {
                redirects.insert(o.path.as_str(), to);
            }
        }
        Targets {
            files: outputs.iter().map(|o| o.path.as_str()).collect(),
            extra,
            anchors,
            redirects,
        }
    }

    /// The file a link to `file` reaches, if any: the file itself, or the folder's
    /// `index.html` for a folder link without its trailing slash (`/press/launch`), which
    /// `serve` and web servers redirect to `/press/launch/`.
    fn existing(&self, file: &str) -> Option<String> {
        let exists = |f: &str| self.files.contains(f) || self.extra.contains(f);
        if exists(file) {
            return Some(file.to_string());
        }
        let index = format!("{}/index.html", file.trim_end_matches('/'));
        exists(&index).then_some(index)
    }

    /// The page a `#fragment` link to `file` lands on: redirect pages followed (their script
    /// carries the fragment over to the target), at most a few hops, never in a loop.
    fn landing(&self, file: String) -> (String, bool) {
        let mut page = file;
        let mut redirected = false;
        for _ in 0..8 {
            match self
                .redirects
                .get(page.as_str())
                .and_then(|t| self.existing(t))
            {
                Some(next) if next != page => {
                    page = next;
                    redirected = true;
                }
                _ => break,
            }
        }
        (page, redirected)
    }

    /// What is wrong with link `href` on page `page` to `file#fragment`, if anything.
    fn problem(
        &self,
        (href, page): (&str, &str),
        (file, fragment): (&str, Option<String>),
    ) -> Option<(String, Class)> {
        let Some(file) = self.existing(file) else {
            return Some((
                format!("broken link `{href}` on `{page}`: no such page or file"),
                Class::Link,
            ));
        };
        let f = fragment.filter(|f| !f.is_empty())?;
        let (file, redirected) = self.landing(file);
        let via = if redirected {
            " (the link redirects there)"
        } else {
            ""
        };
        match self.anchors.get(file.as_str()) {
            Some(set) if !set.contains(&f) => Some((
                format!(
                    "broken link `{href}` on `{page}`: `{file}` has no element with id `{f}`{via}"
                ),
                Class::Anchor,
            )),
            _ => None,
        }
    }
}

/// What a broken link misses: the page or file, or only the `#fragment` on it.
enum Class {
    Link,
    Anchor,
}

fn links(
    site: &Site,
    config: &Config,
    outputs: &[Output],
    extra: &HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let owner: HashMap<String, &Item> = site.items.iter().map(|i| (i.path.file(), i)).collect();
    let targets = Targets::of(outputs, extra, config);
    for o in outputs {
        let is_html = o.path.ends_with(".html");
        if !is_html && !o.path.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8_lossy(&o.bytes);
        let mut reported = HashSet::new();
        // How often each href came before: the nth occurrence is reported at the nth place
        // the body writes it.
        let mut earlier: HashMap<&str, usize> = HashMap::new();
        let lower = text.to_ascii_lowercase();
        for href in attr_values(&text, &lower, "href")
            .into_iter()
            .chain(attr_values(&text, &lower, "src"))
        {
            let nth = earlier.entry(href).or_default();
            let nth = std::mem::replace(nth, *nth + 1);
            let Some((file, fragment)) = target_of(href, &o.path, config) else {
                continue;
            };
            if !is_html && !href.starts_with(&config.base_url) {
                continue;
            }
            let problem = targets.problem((href, &o.path), (&file, fragment));
            if let Some((message, class)) = problem {
                let path = owner
                    .get(&o.path)
                    .map(|i| i.src.rel.clone())
                    .unwrap_or_else(|| format!("(output){}", o.path));
                let (line, col) = owner
                    .get(&o.path)
                    .and_then(|i| {
                        link_offset(i, href, nth)
                            .map(|at| crate::diag::LineIndex::new(&i.text).position(at))
                    })
                    .unwrap_or((1, 1));
                if !reported.insert((message.clone(), line, col)) {
                    continue;
                }
                let mut d = Diagnostic::error(path, line, col, message)
                    .with_help("fix the link, or add the page or anchor it points to");
                d.severity = match class {
                    Class::Link => config.check.links,
                    Class::Anchor => config.check.anchors,
                };
                diags.push(d);
            }
        }
    }
}

/// The embargo audit: no output may carry an embargoed item's URL, its slug (when it is more
/// than one plain word, which would match ordinary text) or its title, compared case-folded and
/// in NFC. A public translation of the item is not a leak: its own URL (which may share the
/// slug) is set aside, and so are a title or slug it shares with the embargoed item.
/// The files streamed past the audit (`scanned`: kits' ZIPs, which hold every published kit
/// file's name and bytes) were searched as they were written, the same way (see [`scan`]).
fn embargo(site: &Site, files: &Files<'_>, diags: &mut Vec<Diagnostic>) {
    if site.withheld.is_empty() {
        return;
    }
    let traces = traces(site);
    let Files {
        outputs,
        scanned,
        copies,
    } = files;
    for o in *outputs {
        let text = fold(&String::from_utf8_lossy(&o.bytes));
        let path = fold(&o.path);
        for (w, t) in site.withheld.iter().zip(&traces) {
            if let Some(n) = t.found_in(&path).or_else(|| t.found_in(&text)) {
                diags.push(leak(w, &o.path, n));
            }
        }
    }
    for s in *scanned {
        let path = fold(&s.path);
        for ((w, t), found) in site.withheld.iter().zip(&traces).zip(&s.found) {
            if let Some(n) = t.found_in(&path).or(found.as_deref()) {
                diags.push(leak(w, &s.path, n));
            }
        }
    }
    copied(site, &traces, copies, diags);
}

/// What an audit reads: the generated files it kept, those it searched as they were streamed
/// (kits' ZIPs), and the files copied as they are, by site path with their source.
pub struct Files<'f> {
    /// The generated files kept in memory.
    pub outputs: &'f [Output],
    /// The streamed files, with what the scan found in each.
    pub scanned: &'f [Scanned],
    /// The copied files: site path and source (None: built into pressroom).
    pub copies: &'f [(String, Option<std::path::PathBuf>)],
}

/// The largest copied text file whose words the audit reads (the name of any is read).
const COPIED_TEXT_LIMIT: u64 = 8 << 20;

/// The embargo audit of the files copied as they are (static files, bundles' and kits'
/// files): a file's name always, and the words of a text file (by its extension, up to
/// [`COPIED_TEXT_LIMIT`]): a stylesheet, script, SVG or data file can name the release as
/// well as a page can. Other files (photos, PDFs, video) keep their words in compressed or
/// binary form, which no text search would find; a kit's files are searched inside its ZIP.
fn copied(
    site: &Site,
    traces: &[Traces],
    copies: &[(String, Option<std::path::PathBuf>)],
    diags: &mut Vec<Diagnostic>,
) {
    use rayon::prelude::*;
    let found: Vec<Vec<Diagnostic>> = (copies.par_iter())
        .map(|(path, source)| {
            let text = source.as_deref().filter(|s| is_text(s)).and_then(|s| {
                let small = std::fs::metadata(s).is_ok_and(|m| m.len() <= COPIED_TEXT_LIMIT);
                small.then(|| std::fs::read(s).ok()).flatten()
            });
            let text = text.map(|bytes| fold(&String::from_utf8_lossy(&bytes)));
            let name = fold(path);
            (site.withheld.iter().zip(traces))
                .filter_map(|(w, t)| {
                    let n = t.found_in(&name).or_else(|| t.found_in(text.as_deref()?))?;
                    Some(leak(w, path, n))
                })
                .collect()
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// Whether a copied file is text by its extension.
fn is_text(path: &std::path::Path) -> bool {
    const TEXT: [&str; 16] = [
        "html",
        "htm",
        "txt",
        "css",
        "js",
        "mjs",
        "json",
        "xml",
        "svg",
        "md",
        "csv",
        "ics",
        "rss",
        "atom",
        "webmanifest",
        "map",
    ];
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    TEXT.iter().any(|t| ext.eq_ignore_ascii_case(t))
}

/// What would betray each of `site.withheld`, in its order.
fn traces(site: &Site) -> Vec<Traces> {
    site.withheld.iter().map(|w| Traces::of(w, site)).collect()
}

/// The error for output `path` carrying trace `n` of the embargoed `w`.
fn leak(w: &crate::model::Withheld, path: &str, n: &str) -> Diagnostic {
    Diagnostic::error(&w.rel, 1, 1, format!("embargo leak: `{path}` contains `{n}` from an item embargoed until {}", crate::dates::rfc3339_utc(w.until)))
        .with_help("remove the mention (a link, the title, the slug) from the other page until the embargo lifts")
}

/// Case-folded NFC text, the form the audit compares in.
fn fold(text: &str) -> String {
    // ASCII is its own NFC: the common case (pages' markup, much of a kit's ZIP) skips it.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    lowercase(&crate::slug::nfc(text))
}

/// `str::to_lowercase`, with ASCII and U+FFFD (most of a binary file's text) taken as they
/// are. Lowercasing a text is lowercasing each character but for a capital sigma, whose
/// small form depends on the letters around it: a part of the text with one goes through
/// `str::to_lowercase`. The parts end after an ASCII space or control character or U+FFFD,
/// neither cased nor case-ignorable, past which the sigma's rule never looks.
fn lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let ends_part = |c: char| c == '\u{FFFD}' || c.is_ascii_whitespace() || c.is_ascii_control();
    for part in text.split_inclusive(ends_part) {
        if part.contains('Σ') {
            out.push_str(&part.to_lowercase());
            continue;
        }
        for c in part.chars() {
            match c {
                _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
                '\u{FFFD}' => out.push(c),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
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
            .filter(|i| i.translation_key == w.translation_key && i.publication.is_public())
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
        self.rank_in(text).map(|r| self.trace(r))
    }

    /// The trace of rank `rank`: a needle, by its place in `needles`, or after them the slug.
    fn trace(&self, rank: usize) -> &str {
        match self.needles.get(rank) {
            Some(n) => n,
            None => self.slug.as_deref().unwrap_or_default(),
        }
    }

    /// The longest trace or public URL, in bytes (folded).
    fn longest(&self) -> usize {
        (self.needles.iter().chain(&self.slug))
            .chain(&self.public)
            .map(String::len)
            .max()
            .unwrap_or(0)
    }

    /// The rank of the first trace found in `text` (folded): the needles in their order,
    /// then the slug. The lowest rank found in any part of a text is the one in the whole.
    fn rank_in(&self, text: &str) -> Option<usize> {
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
            .position(|n| text.contains(n.as_str()))
            .or_else(|| {
                let slug = self.slug.as_deref()?;
                contains_token(text, slug).then_some(self.needles.len())
            })
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

    /// `fold` normalizes only the stretches `slug::nfc` finds in need of it, and lowercases
    /// by character outside a capital sigma's reach: it must give what NFC then lowercasing
    /// gives, for text that needs composing as for text that does not.
    #[test]
    fn folding_is_nfc_then_lowercase() {
        use unicode_normalization::UnicodeNormalization;
        let mut bytes: Vec<u8> = Vec::new();
        let mut x: u32 = 2463534242;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes.push(x as u8);
        }
        let random = String::from_utf8_lossy(&bytes).into_owned();
        // Characters that compose, reorder, decompose or lowercase in context, to mix.
        let tricky: Vec<char> = "aeEoOsSΣσkK\u{212A}\u{212B}Å\u{30A}\u{301}\u{300}\u{323}\u{327}\u{344}\u{345}\u{1100}\u{1161}\u{11A8}\u{AC00}가각ὈΩ\u{2126}İI\u{FFFD}é\u{334}\u{316}\u{35C} ,.-".chars().collect();
        let mut mixed = String::new();
        for n in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            mixed.push(tricky[x as usize % tricky.len()]);
            if n % 7 == 0 {
                mixed.push(' ');
            }
        }
        let no_sigma = mixed.replace('Σ', "");
        let texts = [
            mixed.as_str(),
            no_sigma.as_str(),
            "Plain ASCII, Upper Case",
            "Été à Séoul",
            "E\u{301}te\u{301} a\u{300} Se\u{301}oul",
            "ΟΔΥΣΣΕΥΣ ΣΑΣ",
            "\u{1100}\u{1161}\u{11A8} 서울 공장",
            "Å\u{30A} Ω K \u{212B}",
            "\u{FFFD}\u{FFFD}abc\u{FFFD}É",
            random.as_str(),
        ];
        for text in texts {
            assert_eq!(
                fold(text),
                text.nfc().collect::<String>().to_lowercase(),
                "{text:?}"
            );
        }
    }

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
    fn only_a_elements_names_are_anchors() {
        let html = "<a name=\"one\"></a><A\nclass=x NAME='two'>t</A><abbr name=\"no\"></abbr>\
            <meta name=\"robots\"><a href=\"/x/\" name=three hidden><a>";
        assert_eq!(
            a_names(html, &html.to_ascii_lowercase()),
            ["one", "two", "three"]
        );
    }

    #[test]
    fn a_redirect_page_names_its_target() {
        let page = "<head><link rel=\"canonical\" href=\"https://n.example/a/\">\n\
            <meta http-equiv=\"refresh\" content=\"0; url=https://n.example/a/\"></head>";
        assert_eq!(
            refresh_target(page, &page.to_ascii_lowercase()),
            Some("https://n.example/a/")
        );
        let robots = "<meta name=\"robots\" content=\"url=x\">";
        assert_eq!(refresh_target(robots, &robots.to_ascii_lowercase()), None);
    }

    #[test]
    fn a_url_is_found_only_whole() {
        let text = "<a href=\"/a/b/\">x</a> [y](/a/) <a href='/a/'>";
        assert_eq!(whole_url_places(text, "/a/"), [26, 40]);
        assert_eq!(whole_url_places(text, "/a/b/"), [9]);
        assert!(whole_url_places(text, "/a/b").is_empty());
    }

    #[test]
    fn attribute_values_only_inside_tags_in_any_quoting() {
        let html = "<a HREF='/x/'>x</a> <a\nhref=/y/>y</a> <meta content=\"&lt;a href='/no/'&gt;\" href=\"/z/\">\
            <p>href=\"/text/\" &lt;a href='/sample/'&gt;</p><i data-href=\"/no/\">";
        assert_eq!(
            attr_values(html, &html.to_ascii_lowercase(), "href"),
            ["/x/", "/y/", "/z/"]
        );
    }

    #[test]
    fn a_slug_is_found_only_as_a_whole_token() {
        assert!(contains_token("see fjord-6-launch.", "fjord-6-launch"));
        assert!(contains_token("/press/fjord-6-launch/", "fjord-6-launch"));
        assert!(!contains_token("fjord-6-launches", "fjord-6-launch"));
        assert!(!contains_token("big-fjord-6-launch", "fjord-6-launch"));
    }
}
