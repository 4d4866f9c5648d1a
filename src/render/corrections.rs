//! The corrections list: every correction, clarification, update and withdrawal, for the
//! corrections pages and the corrections feeds.

use super::{Output, RenderCtx, feeds};
use crate::config::Config;
use crate::content::frontmatter::NoticeKind;
use crate::dates::rfc3339;
use crate::model::Site;
use serde_json::{Value, json};

/// Every correction, clarification, update and withdrawal of the items in `lang` (all languages
/// when `None`), newest first, each with a stable id.
pub fn corrections_list(site: &Site, config: &Config, lang: Option<&str>) -> Vec<Value> {
    let mut entries: Vec<(jiff::Timestamp, String, Value)> = Vec::new();
    for (id, item) in site.items.iter().enumerate() {
        if !item.in_feeds() || !site.is_written(id) || lang.is_some_and(|l| l != item.lang) {
            continue;
        }
        let url = config.url(&item.path);
        let mut push = |anchor: &str, kind: &str, date: jiff::Timestamp, note: Option<&String>| {
            let entry_id = format!("{}#{anchor}", item.path);
            entries.push((date, entry_id.clone(), json!({
                // Off the item's page its source list is not there: drop the citation links.
                "id": entry_id, "kind": kind, "date": rfc3339(date, &item.tz), "note": note.map(|n| crate::markdown::strip_citations(n)),
                "item_title": item.title, "item_url": url, "url": format!("{url}#{anchor}"), "lang": item.lang,
            })));
        };
        for (i, n) in item.notices.iter().enumerate() {
            if n.kind != NoticeKind::Editorial {
                let kind = if n.kind == NoticeKind::Correction {
                    "correction"
                } else {
                    "clarification"
                };
                push(&n.id, kind, n.date, item.rendered.notices.get(i));
            }
        }
        for (i, u) in item.updates.iter().enumerate() {
            push(&u.id, "update", u.date, item.rendered.updates.get(i));
        }
        if let Some(w) = &item.withdrawn {
            push(
                "withdrawn",
                "withdrawal",
                w.date,
                item.rendered.withdrawn.as_ref(),
            );
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.into_iter().map(|(_, _, v)| v).collect()
}

/// The corrections feeds, one per language (they read the items' notices: the site's shape).
pub fn feed_outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let (site, config) = (ctx.site, ctx.config);
    let mut out = Vec::new();
    for lang in &config.languages {
        let base = format!("{}/corrections/", config.lang_prefix(&lang.code));
        let host = feeds::host(config);
        let entries = corrections_list(site, config, Some(&lang.code))
            .into_iter()
            .take(config.feed_limit.max(50))
            .map(|v| {
                let date = v["date"]
                    .as_str()
                    .and_then(crate::dates::parse_view_date)
                    .map(|z| z.timestamp())
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                let kind = v["kind"].as_str().unwrap_or("").to_string();
                feeds::Entry {
                    id: format!(
                        "tag:{host},{}:corrections{}",
                        date.strftime("%Y-%m-%d"),
                        v["id"].as_str().unwrap_or("")
                    ),
                    title: format!("{}: {}", kind, v["item_title"].as_str().unwrap_or("")),
                    link: config.permalink(v["url"].as_str().unwrap_or("/")),
                    published: Some(date),
                    updated: date,
                    html: v["note"].as_str().unwrap_or("").to_string(),
                    summary: String::new(),
                    authors: vec![],
                    categories: vec![kind],
                }
            })
            .collect();
        let feed = feeds::Feed {
            title: format!("Corrections — {}", lang.title),
            home: config.permalink(&config.url(&base)),
            lang: lang.code.clone(),
            entries,
            base,
        };
        out.extend(feeds::write(config, &feed));
    }
    out
}
