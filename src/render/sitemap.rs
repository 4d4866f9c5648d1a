//! `sitemap.xml` (with `lastmod` and hreflang alternates), the Google News sitemap of the last
//! two days, and `robots.txt` pointing at both.

use super::Output;
use crate::config::Config;
use crate::dates::rfc3339_utc;
use crate::markdown::escape_html as esc;
use crate::model::Site;
use jiff::{Timestamp, ToSpan};

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

/// The sitemap, the news sitemap and robots.txt.
pub fn outputs(site: &Site, config: &Config, now: Timestamp) -> Vec<Output> {
    let abs = |path: &str| encode_url(&config.permalink(&config.url(path)));
    let mut urls: Vec<(String, String)> = Vec::new();
    for section in &site.sections {
        let lastmod = section
            .items
            .iter()
            .filter_map(|&i| site.items[i].modified().or(site.items[i].date))
            .max();
        let mut entry = format!("<url><loc>{}</loc>", esc(&abs(&section.path)));
        if let Some(t) = lastmod {
            entry.push_str(&format!("<lastmod>{}</lastmod>", rfc3339_utc(t)));
        }
        entry.push_str("</url>\n");
        urls.push((section.path.clone(), entry));
    }
    for (id, item) in site.items.iter().enumerate() {
        if !item.in_feeds() || !site.is_written(id) {
            continue;
        }
        let mut entry = format!("<url><loc>{}</loc>", esc(&abs(&item.path)));
        if let Some(t) = item.modified().or(item.date) {
            entry.push_str(&format!("<lastmod>{}</lastmod>", rfc3339_utc(t)));
        }
        let translations: Vec<usize> = site.translations_of(id).collect();
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
        urls.push((item.path.clone(), entry));
    }
    urls.sort();
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (_, e) in &urls {
        sitemap.push_str(e);
    }
    sitemap.push_str("</urlset>\n");

    let since = now.checked_sub(48.hours()).unwrap_or(now);
    let mut news = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let mut recent: Vec<usize> = (0..site.items.len())
        .filter(|&i| {
            site.items[i].is_listed()
                && site.is_written(i)
                && site.items[i].date.is_some_and(|d| d >= since && d <= now)
        })
        .collect();
    recent.sort_by_key(|&i| {
        (
            std::cmp::Reverse(site.items[i].date),
            site.items[i].path.clone(),
        )
    });
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
    let robots = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        abs("/sitemap.xml"),
        abs("/sitemap-news.xml")
    );
    vec![
        Output {
            path: "/sitemap.xml".into(),
            bytes: sitemap.into_bytes(),
        },
        Output {
            path: "/sitemap-news.xml".into(),
            bytes: news.into_bytes(),
        },
        Output {
            path: "/robots.txt".into(),
            bytes: robots.into_bytes(),
        },
    ]
}
