//! Which source writes each output file, so that an alias never takes a path something else
//! writes: a page, a feed, a sitemap, a static file, a content asset, the build manifest or
//! another alias. A path also collides with a file that sits where it needs a folder
//! (`/atom.xml/index.html` under the file `/atom.xml`), and the other way round.
//!
//! Paths are compared ignoring case: slugs keep their capitals, and on the case-insensitive
//! file systems of macOS and Windows (and in many object stores' browsers) `/Tags/` and
//! `/tags/` are one folder, so one would silently overwrite the other.

use super::pages::{self, PageJob};
use super::{RenderCtx, feeds};
use crate::config::FeedFiles;
use crate::diag::Diagnostic;
use crate::model::{Item, OwnFeedNames};
use crate::render::theme::StaticSource;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Every output file claimed so far, by its path folded to lower case: the path as written
/// and a description of who writes it.
#[derive(Debug, Default)]
pub struct Claims {
    files: BTreeMap<String, (String, String)>,
    /// The feed files among them, as written: what `[feeds.keep]` may copy.
    feeds: BTreeSet<String>,
    /// Sections' `[feeds]` that name a file something else writes, at their lines.
    feed_clashes: Vec<Diagnostic>,
}

/// A path as case-insensitive file systems compare it.
fn folded(path: &str) -> String {
    path.to_lowercase()
}

impl Claims {
    /// The files the site will have apart from its aliases, known before anything renders:
    /// static files and content assets, then the templated pages and the generated files
    /// (feeds, sitemaps, robots.txt, the stylesheet; these win over static files of the same
    /// name), and the build manifest. The search index lives under `/search/`, which no item
    /// or alias may take (see `model::assemble`).
    pub fn of_site(ctx: &RenderCtx<'_>, pages: &[pages::PageJob<'_>]) -> Self {
        let mut claims = Claims::default();
        let root = &ctx.opts.root;
        let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
        for (path, src) in &ctx.theme.statics {
            let who = match src {
                StaticSource::File(p) => format!("the static file `{}`", shown(p)),
                StaticSource::Embedded(_) => "a static file of the built-in theme".into(),
            };
            claims.claim(path, who);
        }
        for (path, src) in &ctx.site.assets {
            claims.claim(path, format!("the content file `{}`", shown(src)));
        }
        for job in pages {
            claims.claim(&job.file(), page_owner(job));
        }
        let fixed = [
            "/sitemap.xml",
            "/sitemap-news.xml",
            "/robots.txt",
            "/highlight.css",
        ];
        for path in fixed {
            claims.claim(path, generated_owner(path));
        }
        claims.claim_feeds(ctx);
        if ctx.config.prefix_default_language {
            claims.claim(
                "/index.html",
                "the redirect to the default language's home, which pressroom generates".into(),
            );
        }
        claims.claim(
            &format!("/{}", crate::manifest::FILE),
            "the build manifest pressroom writes".into(),
        );
        claims
    }

    /// Claims the three files of every feed, named as [`feeds::names_at`] names them in its
    /// folder. Those a section's `[feeds]` names come last and take no file something else
    /// writes: each that would is an error at the `[feeds]` line of its `_index.md`, kept for
    /// [`Claims::take_feed_clashes`].
    fn claim_feeds(&mut self, ctx: &RenderCtx<'_>) {
        let (config, site) = (ctx.config, ctx.site);
        let own: HashMap<&str, &OwnFeedNames> = site
            .sections
            .iter()
            .filter_map(|s| Some((s.path.as_str(), s.own_feeds.as_ref()?)))
            .collect();
        let corrections = config
            .languages
            .iter()
            .map(|l| format!("{}/corrections/", config.lang_prefix(&l.code)));
        let mut bases: Vec<String> = ctx.feed_titles.keys().cloned().chain(corrections).collect();
        // In a fixed order (the titles' map has none), the sections' own names last.
        bases.sort();
        bases.sort_by_key(|b| own.contains_key(b.as_str()));
        for base in &bases {
            let names = feeds::names_at(config, site, base);
            let formats = [
                ("Atom", &names.atom),
                ("RSS", &names.rss),
                ("JSON", &names.json),
            ];
            for (format, name) in formats {
                let path = format!("{base}{name}");
                if let Some(own) = own.get(base.as_str()) {
                    if let Some((other, who)) = self.conflict(&path) {
                        let message = format!(
                            "the {format} feed of `{base}`, `{path}`, collides with `{other}`, {who}"
                        );
                        self.feed_clashes.push(
                            Diagnostic::error(&own.src, own.at.0, own.at.1, message).with_help(
                                "name this section's feed files in `[feeds]` so that nothing else writes there",
                            ),
                        );
                        continue;
                    }
                }
                self.feeds.insert(path.clone());
                self.claim(
                    &path,
                    format!("the {format} feed of `{base}`, which pressroom generates"),
                );
            }
        }
    }

    /// The errors of sections' `[feeds]` whose files something else writes.
    pub fn take_feed_clashes(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.feed_clashes)
    }

    /// Records that `who` writes `file` (a later claim of the same file wins).
    fn claim(&mut self, file: &str, who: String) {
        self.files.insert(folded(file), (file.to_string(), who));
    }

    #[cfg(test)]
    fn insert(&mut self, file: &str, who: String) {
        self.claim(file, who);
    }

    /// Claims `file` for alias `alias` of `item`, or returns the error, at the alias's line,
    /// naming what already writes there.
    pub fn alias(&mut self, item: &Item, alias: &str, file: &str) -> Result<(), Diagnostic> {
        if let Some((other, who)) = self.conflict(file) {
            let (line, col) = item.alias_position(alias);
            let what = if other == file {
                format!("`{other}`, {who}")
            } else if folded(other) == folded(file) {
                format!(
                    "`{other}`, {who} (the same file where case is ignored, as on macOS and Windows)"
                )
            } else {
                format!("`{other}`, {who} (a redirect there would need `{file}`)")
            };
            return Err(Diagnostic::error(
                &item.src.rel,
                line,
                col,
                format!("alias `{alias}` collides with {what}"),
            )
            .with_help(
                "an alias never replaces another page or file: remove it, or choose a path nothing else writes",
            ));
        }
        self.claim(file, format!("the alias `{alias}` of `{}`", item.src.rel));
        Ok(())
    }

    /// Claims each old feed URL of `[feeds.keep]`, or returns the errors, at its line in
    /// `site.toml`: one whose feed is not a feed of the site (a typo would otherwise leave
    /// subscribers with nothing), and one that takes a file something else writes.
    pub fn kept_feeds(&mut self, feeds: &FeedFiles, site_toml: &str) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for (old, target) in &feeds.keep {
            let at = site_toml
                .find(&format!("\"{old}\""))
                .or_else(|| site_toml.find("keep"))
                .unwrap_or(0);
            let (line, col) = crate::diag::LineIndex::new(site_toml).position(at);
            let error = |message: String, help: &str| {
                Diagnostic::error("site.toml", line, col, message).with_help(help)
            };
            if !self.feeds.contains(target) {
                let near = self.feeds.iter().take(3).cloned().collect::<Vec<_>>();
                diags.push(error(
                    format!("`[feeds.keep]` copies `{target}` to `{old}`, but `{target}` is not a feed of this site"),
                    &format!("name one of the site's feed files, such as `{}`", near.join("`, `")),
                ));
            } else if let Some((other, who)) = self.conflict(old) {
                diags.push(error(
                    format!("the old feed URL `{old}` collides with `{other}`, {who}"),
                    "keep an old feed URL only where nothing else writes",
                ));
            } else {
                self.claim(
                    old,
                    format!("the old feed URL `{old}` kept by `[feeds.keep]`"),
                );
            }
        }
        diags
    }

    /// The claimed file that `file` would overwrite, sit under or hold (ignoring case), with
    /// its owner.
    fn conflict(&self, file: &str) -> Option<(&str, &str)> {
        let file = &folded(file);
        let hit = |p: &str| self.files.get(p).map(|(k, v)| (k.as_str(), v.as_str()));
        if let Some(found) = hit(file) {
            return Some(found);
        }
        // The parts of a large sitemap (`/sitemap-1.xml`, ...), which depend on its size.
        let top = file.split('/').nth(1).unwrap_or("");
        let part = top
            .strip_prefix("sitemap-")
            .and_then(|n| n.strip_suffix(".xml"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if part {
            return Some(("/sitemap.xml", "the sitemap, which pressroom generates"));
        }
        // A claimed file where `file` needs one of its folders.
        let folders = file.match_indices('/').map(|(i, _)| &file[..i]);
        if let Some(found) = folders.filter(|f| !f.is_empty()).find_map(hit) {
            return Some(found);
        }
        // A claimed file under `file`, which would need it as a folder.
        let under = format!("{file}/");
        self.files
            .range(under.clone()..)
            .next()
            .filter(|(k, _)| k.starts_with(&under))
            .map(|(_, (k, v))| (k.as_str(), v.as_str()))
    }
}

/// `content/press/x.md` → "the page of `content/press/x.md`"; `(404 page)` → "the 404 page".
fn page_owner(job: &PageJob<'_>) -> String {
    match job
        .owner
        .strip_prefix('(')
        .and_then(|o| o.strip_suffix(')'))
    {
        Some(inner) => format!("the {inner}"),
        None => format!("the page of `{}`", job.owner),
    }
}

/// Who writes one of the fixed files pressroom generates.
fn generated_owner(path: &str) -> String {
    let what = match path.trim_start_matches('/') {
        "robots.txt" => "robots.txt",
        "highlight.css" => "the code-highlighting stylesheet",
        n if n.starts_with("sitemap") => "the sitemap",
        _ => "a file",
    };
    format!("{what}, which pressroom generates")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_are_exact_or_folder_shaped() {
        let mut c = Claims::default();
        c.insert("/atom.xml", "feed".into());
        c.insert("/press/x/index.html", "page".into());
        assert_eq!(c.conflict("/atom.xml").map(|x| x.0), Some("/atom.xml"));
        assert_eq!(
            c.conflict("/atom.xml/index.html").map(|x| x.0),
            Some("/atom.xml")
        );
        assert_eq!(
            c.conflict("/press/x").map(|x| x.0),
            Some("/press/x/index.html")
        );
        assert_eq!(c.conflict("/press/x.html"), None);
        assert_eq!(c.conflict("/press/xy/index.html"), None);
        assert_eq!(c.conflict("/atom.xml2/index.html"), None);
    }

    #[test]
    fn conflicts_ignore_case_and_name_the_path_as_written() {
        let mut c = Claims::default();
        c.insert("/tags/index.html", "the tags page".into());
        c.insert("/blog/Rust-1.0/index.html", "a page".into());
        assert_eq!(
            c.conflict("/Tags/index.html").map(|x| x.0),
            Some("/tags/index.html")
        );
        assert_eq!(
            c.conflict("/blog/rust-1.0").map(|x| x.0),
            Some("/blog/Rust-1.0/index.html")
        );
        assert_eq!(
            c.conflict("/TAGS/index.html/x").map(|x| x.0),
            Some("/tags/index.html")
        );
    }
}
