//! Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 for each language's site, each section, taxonomy
//! term, author and the corrections list. Entry ids are tag URIs fixed at first publication
//! (not the permalink), so moving an item does not re-announce it; corrections move `updated`.

use super::views::Urls;
use super::xml::escape as esc;
use super::{Output, RenderCtx};
use crate::config::{Config, FeedContent, FeedNames};
use crate::dates::{rfc2822, rfc3339_utc};
use crate::model::{ItemId, Site, Surface};
use jiff::Timestamp;
use rayon::prelude::*;
use serde_json::json;

/// One entry of a feed, format-independent.
pub struct Entry {
    /// Stable id (tag URI).
    pub id: String,
    /// Title.
    pub title: String,
    /// Absolute link.
    pub link: String,
    /// First publication.
    pub published: Option<Timestamp>,
    /// Last modification (corrections, updates, withdrawal).
    pub updated: Timestamp,
    /// HTML content.
    pub html: String,
    /// Plain-text summary.
    pub summary: String,
    /// Author names.
    pub authors: Vec<String>,
    /// Tags and categories.
    pub categories: Vec<String>,
}

/// A feed to write at `base` (a site path ending in `/`): `atom.xml`, `rss.xml`, `feed.json`,
/// or the names `[feeds]` gives them ([`names_at`]).
pub struct Feed<'a> {
    /// Folder of the three files.
    pub base: String,
    /// Their file names.
    pub names: &'a FeedNames,
    /// Feed title.
    pub title: String,
    /// The page the feed belongs to (absolute).
    pub home: String,
    /// Language.
    pub lang: String,
    /// Entries, newest first.
    pub entries: Vec<Entry>,
}

/// The file names of the feed in the folder `base` (a site path ending in `/`): those the
/// section there names in its `_index.md`'s `[feeds]`, else the site's (`[feeds]` in
/// site.toml, else `atom.xml`, `rss.xml`, `feed.json`). Every place that writes, links,
/// lists or claims a feed file asks this, so a feed is linked where it is written.
pub fn names_at<'a>(config: &'a Config, site: &'a Site, base: &str) -> &'a FeedNames {
    site.sections
        .iter()
        .find_map(|s| s.own_feeds.as_ref().filter(|_| s.path == base))
        .map_or(&config.feeds.names, |own| &own.names)
}

/// The `{type, title, url}` records templates put in `<link rel="alternate">`, for the feed in
/// the folder `base`.
pub fn links(config: &Config, site: &Site, base: &str, title: &str) -> serde_json::Value {
    let FeedNames { atom, rss, json } = names_at(config, site, base);
    json!([
        {"type": "application/atom+xml", "title": format!("{title} (Atom)"), "url": config.url(&format!("{base}{atom}"))},
        {"type": "application/rss+xml", "title": format!("{title} (RSS)"), "url": config.url(&format!("{base}{rss}"))},
        {"type": "application/feed+json", "title": format!("{title} (JSON Feed)"), "url": config.url(&format!("{base}{json}"))},
    ])
}

/// The site's host name, for tag URIs.
pub(crate) fn host(config: &Config) -> String {
    config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
        .to_string()
}

/// The stable id of an item: the one the ledger recorded when it was published, which
/// survives title and date corrections, URL changes and renamed files; else [`Item::tag`].
pub fn item_tag(config: &Config, site: &Site, id: ItemId) -> String {
    site.tags
        .get(&id)
        .cloned()
        .unwrap_or_else(|| site.items[id].tag(&host(config)))
}

/// Feed entries for items: those that appear in [`Surface::Feeds`], newest first, at most `limit`.
/// `withdrawn` gives the label of a withdrawal notice in an item's language.
pub fn item_entries(
    site: &Site,
    config: &Config,
    ids: &[ItemId],
    limit: usize,
    withdrawn: &dyn Fn(&str) -> String,
) -> Vec<Entry> {
    let urls = Urls { config };
    let ids: Vec<ItemId> = ids
        .iter()
        .copied()
        .filter(|&i| site.items[i].appears_in(Surface::Feeds))
        .collect();
    newest(site, ids, limit)
        .into_iter()
        .map(|i| {
            let item = &site.items[i];
            let r = &item.rendered;
            let notice = item
                .withdrawn
                .as_ref()
                .map(|_| {
                    format!(
                        "<p><strong>{}.</strong></p>{}",
                        esc(&withdrawn(item.content_lang())),
                        r.withdrawn.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let html = match config.feed_content {
                FeedContent::Full => format!("{notice}{}", r.html),
                FeedContent::Summary => format!("{notice}{}", r.summary_html),
            };
            Entry {
                id: item_tag(config, site, i),
                title: item.title.clone(),
                link: urls.permalink(&item.path),
                published: item.date,
                updated: item
                    .modified()
                    .or(item.date)
                    .unwrap_or(Timestamp::UNIX_EPOCH),
                html,
                summary: r.summary_text.clone(),
                authors: item
                    .authors
                    .iter()
                    // As the item's own page names them: `[ID.languages.CODE]`.
                    .filter_map(|a| {
                        site.authors
                            .get(a)
                            .map(|p| p.in_language(&item.lang).0.to_string())
                    })
                    .collect(),
                categories: item.tags.iter().chain(&item.categories).cloned().collect(),
            }
        })
        .collect()
}

/// Writes the three files of a feed (named by `[feeds]`), and a copy of each at every old
/// URL `[feeds.keep]` keeps alive for it.
pub fn write(config: &Config, feed: &Feed) -> Vec<Output> {
    let names = feed.names;
    let mut out = vec![
        Output {
            path: format!("{}{}", feed.base, names.atom),
            bytes: atom(config, feed).into_bytes(),
        },
        Output {
            path: format!("{}{}", feed.base, names.rss),
            bytes: rss(config, feed).into_bytes(),
        },
        Output {
            path: format!("{}{}", feed.base, names.json),
            bytes: json_feed(config, feed).into_bytes(),
        },
    ];
    let copies: Vec<Output> = config
        .feeds
        .keep
        .iter()
        .filter_map(|(old, target)| {
            let original = out.iter().find(|o| &o.path == target)?;
            Some(Output {
                path: old.clone(),
                bytes: original.bytes.clone(),
            })
        })
        .collect();
    out.extend(copies);
    out
}

fn feed_updated(feed: &Feed) -> Timestamp {
    feed.entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn atom(config: &Config, feed: &Feed) -> String {
    let self_url = config.permalink(&config.url(&format!("{}{}", feed.base, feed.names.atom)));
    let mut out = String::with_capacity(4096 + feed.entries.len() * 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        esc(&feed.lang)
    ));
    out.push_str(&format!(
        "<title>{}</title>\n<id>{}</id>\n",
        esc(&feed.title),
        esc(&feed.home)
    ));
    out.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", esc(&feed.home), esc(&self_url)));
    out.push_str(&format!(
        "<updated>{}</updated>\n<generator>pressroom</generator>\n",
        rfc3339_utc(feed_updated(feed))
    ));
    out.push_str(&format!(
        "<author><name>{}</name></author>\n",
        esc(&config.title)
    ));
    for e in &feed.entries {
        out.push_str("<entry>\n");
        out.push_str(&format!("<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", esc(&e.title), esc(&e.id), esc(&e.link)));
        if let Some(p) = e.published {
            out.push_str(&format!("<published>{}</published>\n", rfc3339_utc(p)));
        }
        out.push_str(&format!("<updated>{}</updated>\n", rfc3339_utc(e.updated)));
        for a in &e.authors {
            out.push_str(&format!("<author><name>{}</name></author>\n", esc(a)));
        }
        for c in &e.categories {
            out.push_str(&format!("<category term=\"{}\"/>\n", esc(c)));
        }
        if !e.summary.is_empty() {
            out.push_str(&format!("<summary>{}</summary>\n", esc(&e.summary)));
        }
        out.push_str(&format!(
            "<content type=\"html\">{}</content>\n</entry>\n",
            esc(&e.html)
        ));
    }
    out.push_str("</feed>\n");
    out
}

fn rss(config: &Config, feed: &Feed) -> String {
    let self_url = config.permalink(&config.url(&format!("{}{}", feed.base, feed.names.rss)));
    let mut out = String::with_capacity(4096 + feed.entries.len() * 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    out.push_str(&format!("<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>{}</language>\n", esc(&feed.title), esc(&feed.home), esc(&config.language(&feed.lang).description), esc(&feed.lang)));
    out.push_str(&format!("<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n<lastBuildDate>{}</lastBuildDate>\n<generator>pressroom</generator>\n", esc(&self_url), rfc2822(feed_updated(feed))));
    for e in &feed.entries {
        out.push_str("<item>\n");
        out.push_str(&format!(
            "<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"false\">{}</guid>\n",
            esc(&e.title),
            esc(&e.link),
            esc(&e.id)
        ));
        if let Some(p) = e.published {
            out.push_str(&format!("<pubDate>{}</pubDate>\n", rfc2822(p)));
        }
        for a in &e.authors {
            out.push_str(&format!("<dc:creator>{}</dc:creator>\n", esc(a)));
        }
        for c in &e.categories {
            out.push_str(&format!("<category>{}</category>\n", esc(c)));
        }
        out.push_str(&format!(
            "<description>{}</description>\n</item>\n",
            esc(&e.html)
        ));
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

fn json_feed(config: &Config, feed: &Feed) -> String {
    let items: Vec<serde_json::Value> = feed
        .entries
        .iter()
        .map(|e| {
            let mut item = json!({
                "id": e.id, "url": e.link, "title": e.title, "content_html": e.html, "summary": e.summary,
                "date_modified": rfc3339_utc(e.updated),
                "authors": e.authors.iter().map(|a| json!({"name": a})).collect::<Vec<_>>(),
                "tags": e.categories,
            });
            // JSON Feed 1.1: an optional field is a string when present, never null (an
            // undated fact sheet has no `date_published`).
            if let Some(p) = e.published {
                item["date_published"] = rfc3339_utc(p).into();
            }
            item
        })
        .collect();
    let value = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home,
        "feed_url": config.permalink(&config.url(&format!("{}{}", feed.base, feed.names.json))),
        "language": feed.lang,
        "items": items,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// The first `limit` of `ids` as [`Site::sort_newest_first`] orders them. A home feed lists
/// 20 of 10,000 items, and sorting them all was most of the feed's time.
fn newest(site: &Site, ids: Vec<ItemId>, limit: usize) -> Vec<ItemId> {
    first_sorted(ids, limit, |&a, &b| site.newest_first(a, b))
}

/// The first `limit` of `list` after a stable sort by `order`, in that order: when the list
/// is long, the `limit` first are chosen before they are sorted. By `order` then by place
/// in `list`, the order is total, so the chosen ones are those the stable sort puts first.
fn first_sorted<T: Copy>(
    mut list: Vec<T>,
    limit: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    if limit == 0 || list.len() <= 2 * limit {
        list.sort_by(&order);
        list.truncate(limit);
        return list;
    }
    let mut placed: Vec<(usize, T)> = list.into_iter().enumerate().collect();
    let total = |(pa, a): &(usize, T), (pb, b): &(usize, T)| order(a, b).then(pa.cmp(pb));
    placed.select_nth_unstable_by(limit - 1, total);
    placed.truncate(limit);
    placed.sort_by(total);
    placed.into_iter().map(|(_, x)| x).collect()
}

/// Every feed of the site: (folder, title, items).
pub type Plan = Vec<(String, String, Vec<ItemId>)>;

/// Every feed of the site: (folder, title, items), for each language's home, each section
/// with feeds, each taxonomy term and each author. The corrections feeds are separate.
pub fn plan(site: &Site, config: &Config) -> Plan {
    plan_lists(site, config, true)
}

/// Every feed of the site and its title (the [`plan`] without the items, which took a scan
/// of every item per list: half of the plan's time on every rebuild).
pub(super) fn titles(site: &Site, config: &Config) -> Vec<(String, String)> {
    let plan = plan_lists(site, config, false).into_iter();
    plan.map(|(base, title, _)| (base, title)).collect()
}

/// The [`plan`], with each feed's items only when `items` (else none).
fn plan_lists(site: &Site, config: &Config, items: bool) -> Vec<(String, String, Vec<ItemId>)> {
    let urls = Urls { config };
    let mut plan = Vec::new();
    // The items passing `keep`, in order; none when the items are not asked for.
    let listed = |keep: &dyn Fn(&crate::model::Item) -> bool| -> Vec<ItemId> {
        match items {
            true => (0..site.items.len())
                .filter(|&i| keep(&site.items[i]))
                .collect(),
            false => Vec::new(),
        }
    };
    for lang in &config.languages {
        let ids = listed(&|item| item.lang == lang.code);
        plan.push((
            format!("{}/", config.lang_prefix(&lang.code)),
            lang.title.clone(),
            ids,
        ));
    }
    for section in site.sections.iter().filter(|s| !s.dir.is_empty() && s.feed) {
        let prefix = format!("/{}/", section.dir);
        let lang_prefix = config.lang_prefix(&section.lang);
        let ids = listed(&|item| {
            item.lang == section.lang
                && item
                    .path
                    .strip_prefix(&lang_prefix)
                    .is_some_and(|p| p.starts_with(&prefix))
        });
        plan.push((
            section.path.to_string(),
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
                if items {
                    term.items.clone()
                } else {
                    Vec::new()
                },
            ));
        }
    }
    let in_use = site.authors_in_use();
    for (id, person) in &site.authors {
        if !in_use.contains(id.as_str()) {
            continue;
        }
        let ids = listed(&|item| item.authors.contains(id));
        plan.push((
            format!("/authors/{id}/"),
            format!("{} — {}", person.name, config.title),
            ids,
        ));
    }
    plan
}

/// The feeds of [`plan`] (each home, section, term and author) whose item list passes
/// `keep`: a feed reads the content of the items of its list, and the rest is the site's shape.
pub fn list_outputs(ctx: &RenderCtx<'_>, keep: impl Fn(&[ItemId]) -> bool + Sync) -> Vec<Output> {
    list_outputs_of(ctx, &plan(ctx.site, ctx.config), keep)
}

/// [`list_outputs`] from the site's [`plan`] as the caller has it: making the plan looks at
/// every item once per list, and a body edit in `serve` asks only which lists hold the item
/// (the incremental layer keeps the plan while the site keeps its lists).
pub fn list_outputs_of(
    ctx: &RenderCtx<'_>,
    plan: &[(String, String, Vec<ItemId>)],
    keep: impl Fn(&[ItemId]) -> bool + Sync,
) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    // The theme's word in the item's language (`withdrawn` in its i18n files).
    let withdrawn = |lang: &str| {
        ctx.theme
            .string(lang, "withdrawn", &config.default_language)
            .unwrap_or("Withdrawn")
            .to_string()
    };
    plan.par_iter()
        .filter(|(_, _, ids)| keep(ids))
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
            let feed = Feed {
                base: base.clone(),
                names: names_at(config, site, base),
                title: title.clone(),
                home: config.permalink(&config.url(base)),
                lang,
                entries: item_entries(site, config, ids, config.feed_limit, &withdrawn),
            };
            write(config, &feed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::first_sorted;

    /// Chosen before they are sorted, the first of a long list are those of the stable sort,
    /// ties (here: the same tens) in their order in the list.
    #[test]
    fn the_first_chosen_then_sorted_are_the_first_of_the_stable_sort() {
        let list: Vec<u32> = (0..500u32).map(|i| (i * 7919) % 263).collect();
        let by_tens = |a: &u32, b: &u32| (b / 10).cmp(&(a / 10));
        for limit in [0, 1, 5, 20, 100, 249, 250, 251, 500, 600] {
            let mut sorted = list.clone();
            sorted.sort_by(by_tens);
            sorted.truncate(limit);
            assert_eq!(
                first_sorted(list.clone(), limit, by_tens),
                sorted,
                "{limit}"
            );
        }
    }
}
