//! `sitemap.xml` (with `lastmod` and hreflang alternates), the Google News sitemap of the last
//! two days, and `robots.txt` pointing at both. Past [`MAX_SITEMAP_URLS`] URLs (or
//! [`MAX_SITEMAP_BYTES`] bytes) the URLs go into `sitemap-1.xml`, `sitemap-2.xml`, … and
//! `sitemap.xml` becomes the sitemap index that lists them, as the sitemaps protocol requires.

use super::Output;
use super::xml::escape as esc;
use crate::config::Config;
use crate::dates::rfc3339_utc;
use crate::model::{Site, Surface};
use jiff::{Timestamp, ToSpan};

/// The most URLs one sitemap file may list (sitemaps.org).
pub const MAX_SITEMAP_URLS: usize = 50_000;
/// The largest one sitemap file may be, uncompressed (sitemaps.org).
pub const MAX_SITEMAP_BYTES: usize = 50 * 1024 * 1024;
/// The most URLs a Google News sitemap may list.
pub const MAX_NEWS_URLS: usize = 1_000;

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// One `<url>` element of the sitemap and its `lastmod`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SitemapUrl {
    /// Site path, the sort key.
    pub path: String,
    /// The whole `<url>…</url>` element, with its newline.
    pub xml: String,
    /// Its `lastmod`, if any.
    pub lastmod: Option<Timestamp>,
}

/// The sitemap files for `urls` (sorted): a single `/sitemap.xml` when they fit in one file of
/// at most `max_urls` URLs and `max_bytes` bytes, else `/sitemap-1.xml`, `/sitemap-2.xml`, …
/// and `/sitemap.xml` as their index, each listed with the newest `lastmod` of its URLs.
/// `abs` turns a site path into an absolute URL.
pub fn sitemap_files(
    urls: &[SitemapUrl],
    max_urls: usize,
    max_bytes: usize,
    abs: impl Fn(&str) -> String,
) -> Vec<Output> {
    let max_urls = max_urls.max(1);
    let frame = URLSET_OPEN.len() + URLSET_CLOSE.len();
    // Greedy chunks: as many URLs as fit under both limits (at least one per file).
    let mut chunks: Vec<&[SitemapUrl]> = Vec::new();
    let mut start = 0;
    let mut bytes = frame;
    for (i, u) in urls.iter().enumerate() {
        if i > start && (i - start >= max_urls || bytes + u.xml.len() > max_bytes) {
            chunks.push(&urls[start..i]);
            start = i;
            bytes = frame;
        }
        bytes += u.xml.len();
    }
    if start < urls.len() || urls.is_empty() {
        chunks.push(&urls[start..]);
    }
    let urlset = |chunk: &[SitemapUrl]| {
        let mut text =
            String::with_capacity(frame + chunk.iter().map(|u| u.xml.len()).sum::<usize>());
        text.push_str(URLSET_OPEN);
        for u in chunk {
            text.push_str(&u.xml);
        }
        text.push_str(URLSET_CLOSE);
        text.into_bytes()
    };
    if chunks.len() == 1 {
        return vec![Output {
            path: "/sitemap.xml".into(),
            bytes: urlset(chunks[0]),
        }];
    }
    let mut out = Vec::with_capacity(chunks.len() + 1);
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in chunks.iter().enumerate() {
        let path = format!("/sitemap-{}.xml", n + 1);
        index.push_str(&format!("<sitemap><loc>{}</loc>", esc(&abs(&path))));
        if let Some(t) = chunk.iter().filter_map(|u| u.lastmod).max() {
            index.push_str(&format!("<lastmod>{}</lastmod>", rfc3339_utc(t)));
        }
        index.push_str("</sitemap>\n");
        out.push(Output {
            path,
            bytes: urlset(chunk),
        });
    }
    index.push_str("</sitemapindex>\n");
    out.insert(
        0,
        Output {
            path: "/sitemap.xml".into(),
            bytes: index.into_bytes(),
        },
    );
    out
}

/// Percent-encodes what a URL in XML sitemaps may not carry raw (non-ASCII, spaces).
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_graphic() && b != b'"' && b != b'<' && b != b'>' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The media library in the sitemap: `/media/` and each kit's page, which lists its photos
/// and graphics with Google's image extension (`image:image`), so image search finds the
/// originals where their credits and licences are.
fn media_urls(site: &Site, abs: &impl Fn(&str) -> String) -> Vec<SitemapUrl> {
    let kits: Vec<&crate::model::media::Kit> = (site.media.kits.iter())
        .filter(|k| k.appears_in(Surface::Sitemap))
        .collect();
    if kits.is_empty() {
        return vec![];
    }
    // The library page of each language with a kit: `/media/`, `/fr/media/`.
    let libraries: std::collections::BTreeSet<String> = (kits.iter())
        .map(|k| {
            let id = format!("{}/", k.id);
            k.path
                .strip_suffix(id.as_str())
                .unwrap_or(&k.path)
                .to_string()
        })
        .collect();
    let mut urls: Vec<SitemapUrl> = (libraries.into_iter())
        .map(|library| SitemapUrl {
            xml: format!("<url><loc>{}</loc></url>\n", esc(&abs(&library))),
            path: library,
            lastmod: None,
        })
        .collect();
    for kit in &kits {
        let mut xml = format!("<url><loc>{}</loc>", esc(&abs(&kit.path)));
        // A translated kit's versions name each other, as an item's translations do.
        let versions: Vec<&&crate::model::media::Kit> =
            kits.iter().filter(|k| k.id == kit.id).collect();
        if versions.len() > 1 {
            for version in versions {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    esc(&version.lang),
                    esc(&abs(&version.path))
                ));
            }
        }
        for a in kit.assets.iter().filter(|a| a.kind.is_visual()) {
            xml.push_str(&format!(
                "<image:image><image:loc>{}</image:loc></image:image>",
                esc(&abs(&a.path))
            ));
        }
        xml.push_str("</url>\n");
        urls.push(SitemapUrl {
            path: kit.path.to_string(),
            xml,
            lastmod: None,
        });
    }
    urls
}

/// The sitemap, the news sitemap and robots.txt.
pub fn outputs(site: &Site, config: &Config, now: Timestamp) -> Vec<Output> {
    let abs = |path: &str| encode_url(&config.permalink(&config.url(path)));
    let mut urls = sitemap_urls(site, &abs);
    urls.extend(media_urls(site, &abs));
    urls.sort();
    let mut out = sitemap_files(&urls, MAX_SITEMAP_URLS, MAX_SITEMAP_BYTES, abs);
    let robots = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        abs("/sitemap.xml"),
        abs("/sitemap-news.xml")
    );
    out.extend([
        news_output(site, config, now),
        Output {
            path: "/robots.txt".into(),
            bytes: robots.into_bytes(),
        },
    ]);
    out
}

/// `/sitemap-news.xml`, the one file of [`outputs`] that reads the build's clock (the last two
/// days' releases): the incremental layer makes it anew while it keeps the others.
pub fn news_output(site: &Site, config: &Config, now: Timestamp) -> Output {
    let abs = |path: &str| encode_url(&config.permalink(&config.url(path)));
    Output {
        path: "/sitemap-news.xml".into(),
        bytes: news_sitemap(site, config, now, &abs).into_bytes(),
    }
}

/// The entry of a list page (a section, a year archive): last modified when the newest change
/// to an item it lists was made.
fn list_url(
    site: &Site,
    abs: &dyn Fn(&str) -> String,
    path: &str,
    items: &[crate::model::ItemId],
) -> SitemapUrl {
    let lastmod = items
        .iter()
        .filter_map(|&i| site.items[i].modified().or(site.items[i].date))
        .max();
    let mut entry = format!("<url><loc>{}</loc>", esc(&abs(path)));
    if let Some(t) = lastmod {
        entry.push_str(&format!("<lastmod>{}</lastmod>", rfc3339_utc(t)));
    }
    entry.push_str("</url>\n");
    SitemapUrl {
        path: path.to_string(),
        xml: entry,
        lastmod,
    }
}

/// The `<url>` entries of the sitemap: every section list and year archive (its first page),
/// and every item that appears in [`Surface::Sitemap`] with its translations as hreflang
/// alternates.
fn sitemap_urls(site: &Site, abs: &dyn Fn(&str) -> String) -> Vec<SitemapUrl> {
    let mut urls: Vec<SitemapUrl> = site
        .sections
        .iter()
        .map(|s| list_url(site, abs, &s.path, &s.items))
        .collect();
    // An archive lists only what its section lists, so it names nothing the sitemap must not.
    for (path, items) in super::pages::year_archives(site) {
        urls.push(list_url(site, abs, &path, &items));
    }
    for (id, item) in site.items.iter().enumerate() {
        if !item.appears_in(Surface::Sitemap) {
            continue;
        }
        let mut entry = format!("<url><loc>{}</loc>", esc(&abs(&item.path)));
        let lastmod = item.modified().or(item.date);
        if let Some(t) = lastmod {
            entry.push_str(&format!("<lastmod>{}</lastmod>", rfc3339_utc(t)));
        }
        // Alternates are the translations that are in the sitemap themselves: an unlisted
        // translation (or a stand-in, or a draft a preview shows) is named in no sitemap.
        let translations: Vec<usize> = site
            .translations_of(id)
            .filter(|&t| site.items[t].appears_in(Surface::Sitemap))
            .collect();
        if !translations.is_empty() {
            for t in std::iter::once(id).chain(translations) {
                let other = &site.items[t];
                entry.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    esc(&other.lang),
                    esc(&abs(&other.path))
                ));
            }
        }
        entry.push_str("</url>\n");
        urls.push(SitemapUrl {
            path: item.path.to_string(),
            xml: entry,
            lastmod,
        });
    }
    urls
}

/// The Google News sitemap: the items of the last two days that appear in
/// [`Surface::NewsSitemap`], newest first.
fn news_sitemap(
    site: &Site,
    config: &Config,
    now: Timestamp,
    abs: &dyn Fn(&str) -> String,
) -> String {
    let since = now.checked_sub(48.hours()).unwrap_or(now);
    let mut news = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let mut recent: Vec<usize> = (0..site.items.len())
        .filter(|&i| {
            site.items[i].appears_in(Surface::NewsSitemap)
                && site.items[i].date.is_some_and(|d| d >= since && d <= now)
        })
        .collect();
    recent.sort_by_key(|&i| {
        (
            std::cmp::Reverse(site.items[i].date),
            site.items[i].path.clone(),
        )
    });
    recent.truncate(MAX_NEWS_URLS);
    for i in recent {
        let item = &site.items[i];
        news.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>{}</news:language></news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>\n",
            esc(&abs(&item.path)),
            esc(&config.title),
            esc(&item.lang),
            item.date.map(rfc3339_utc).unwrap_or_default(),
            esc(&item.title)
        ));
    }
    news.push_str("</urlset>\n");
    news
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize) -> Vec<SitemapUrl> {
        (0..n)
            .map(|i| {
                let path = format!("/p/{i:03}/");
                let lastmod = Timestamp::from_second(1_700_000_000 + i as i64).ok();
                SitemapUrl {
                    xml: format!("<url><loc>https://example.com{path}</loc></url>\n"),
                    path,
                    lastmod,
                }
            })
            .collect()
    }

    fn abs(path: &str) -> String {
        format!("https://example.com{path}")
    }

    fn text(o: &Output) -> &str {
        std::str::from_utf8(&o.bytes).unwrap()
    }

    #[test]
    fn one_file_up_to_the_limit() {
        let out = sitemap_files(&urls(5), 5, MAX_SITEMAP_BYTES, abs);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "/sitemap.xml");
        assert!(text(&out[0]).contains("<urlset"));
        assert_eq!(text(&out[0]).matches("<url>").count(), 5);
        let empty = sitemap_files(&[], 5, MAX_SITEMAP_BYTES, abs);
        assert_eq!(empty.len(), 1);
        assert!(text(&empty[0]).contains("<urlset"));
    }

    #[test]
    fn an_index_past_the_limit() {
        let out = sitemap_files(&urls(12), 5, MAX_SITEMAP_BYTES, abs);
        let paths: Vec<_> = out.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/sitemap.xml",
                "/sitemap-1.xml",
                "/sitemap-2.xml",
                "/sitemap-3.xml"
            ]
        );
        let index = text(&out[0]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(!index.contains("<urlset"), "{index}");
        for n in 1..=3 {
            assert!(
                index.contains(&format!("<loc>https://example.com/sitemap-{n}.xml</loc>")),
                "{index}"
            );
        }
        let counts: Vec<_> = out[1..]
            .iter()
            .map(|o| text(o).matches("<url>").count())
            .collect();
        assert_eq!(counts, [5, 5, 2]);
        // Every URL once, in order; each child's lastmod is its newest URL's.
        let all: String = out[1..].iter().map(text).collect();
        for u in urls(12) {
            assert_eq!(all.matches(&u.xml).count(), 1, "{}", u.path);
        }
        let newest_of_first = rfc3339_utc(urls(5)[4].lastmod.unwrap());
        assert!(
            index.contains(&format!("<lastmod>{newest_of_first}</lastmod>")),
            "{index}"
        );
    }

    #[test]
    fn the_byte_limit_splits_too() {
        let u = urls(4);
        let frame = URLSET_OPEN.len() + URLSET_CLOSE.len();
        let max_bytes = frame + u[0].xml.len() * 2;
        let out = sitemap_files(&u, 100, max_bytes, abs);
        assert_eq!(out.len(), 3, "an index and two files of two URLs");
        assert!(out[1..].iter().all(|o| o.bytes.len() <= max_bytes));
    }
}
