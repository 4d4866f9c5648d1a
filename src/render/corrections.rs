//! The corrections list: every correction, clarification, update and withdrawal, for the
//! corrections pages and the corrections feeds.

use super::{Output, RenderCtx, feeds};
use crate::config::Config;
use crate::content::frontmatter::NoticeKind;
use crate::dates::rfc3339;
use crate::model::{Item, ItemId, Site, Surface};
use jiff::Timestamp;
use serde::Serialize;

/// What a corrections entry reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A correction notice.
    Correction,
    /// A clarification notice.
    Clarification,
    /// An update of a developing story.
    Update,
    /// The withdrawal.
    Withdrawal,
}

impl EntryKind {
    /// The kind as themes and feeds name it.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Correction => "correction",
            EntryKind::Clarification => "clarification",
            EntryKind::Update => "update",
            EntryKind::Withdrawal => "withdrawal",
        }
    }
}

/// One entry of the corrections list, as templates see it (`corrections` on the corrections
/// page; docs/theming.md) and as the corrections feeds read it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry<'s> {
    /// Stable id: the item's path and the notice's anchor.
    pub id: String,
    /// What it reports.
    pub kind: EntryKind,
    /// When, for sorting and the feeds.
    #[serde(skip)]
    pub at: Timestamp,
    /// When, in the item's zone (RFC 3339).
    pub date: String,
    /// The note's HTML, without citation links (the source list is on the item's page).
    pub note: Option<String>,
    /// The item's title.
    pub item_title: &'s str,
    /// The item's URL.
    pub item_url: String,
    /// The notice's URL on the item's page.
    pub url: String,
    /// The item's language.
    pub lang: &'s str,
    /// The item's time zone name, for the date's zone abbreviation (`CEST`, `KST`).
    pub timezone: &'s str,
    /// The item's time zone.
    #[serde(skip)]
    pub zone: &'s jiff::tz::TimeZone,
}

/// Every correction, clarification, update and withdrawal of the items in `lang` (all languages
/// when `None`), newest first, each with a stable id.
pub fn corrections_list<'s>(site: &'s Site, config: &Config, lang: Option<&str>) -> Vec<Entry<'s>> {
    let mut entries: Vec<Entry<'s>> = Vec::new();
    for item in &site.items {
        if !listed(item, lang) {
            continue;
        }
        let url = config.url(&item.path);
        let mut push = |anchor: &str, kind: EntryKind, at: Timestamp, note: Option<&String>| {
            entries.push(Entry {
                id: format!("{}#{anchor}", item.path),
                kind,
                at,
                date: rfc3339(at, &item.tz),
                note: note.map(|n| crate::markdown::strip_citations(n)),
                item_title: &item.title,
                item_url: url.clone(),
                url: format!("{url}#{anchor}"),
                lang: &item.lang,
                timezone: &item.tz_name,
                zone: &item.tz,
            });
        };
        for (i, n) in item.notices.iter().enumerate() {
            let kind = match n.kind {
                NoticeKind::Editorial => continue,
                NoticeKind::Correction => EntryKind::Correction,
                NoticeKind::Clarification => EntryKind::Clarification,
            };
            push(&n.id, kind, n.date, item.rendered.notices.get(i));
        }
        for (i, u) in item.updates.iter().enumerate() {
            push(
                &u.id,
                EntryKind::Update,
                u.date,
                item.rendered.updates.get(i),
            );
        }
        if let Some(w) = &item.withdrawn {
            let reason = item.rendered.withdrawn.as_ref();
            push("withdrawn", EntryKind::Withdrawal, w.date, reason);
        }
    }
    entries.sort_by(|a, b| b.at.cmp(&a.at).then(a.id.cmp(&b.id)));
    entries
}

/// Whether the corrections list of `lang` (all languages when `None`) looks at the item.
fn listed(item: &Item, lang: Option<&str>) -> bool {
    item.appears_in(Surface::Corrections) && lang.is_none_or(|l| l == item.lang)
}

/// The items [`corrections_list`] can name (each entry shows its item's title): those it
/// looks at that have a notice, an update or a withdrawal.
pub fn corrected(site: &Site, lang: Option<&str>) -> Vec<ItemId> {
    (site.items.iter().enumerate())
        .filter(|(_, item)| listed(item, lang))
        .filter(|(_, item)| {
            !item.notices.is_empty() || !item.updates.is_empty() || item.withdrawn.is_some()
        })
        .map(|(id, _)| id)
        .collect()
}

/// The entry's kind as the theme words it in the item's language ("Correction", "Précision").
fn kind_label<'c>(ctx: &'c RenderCtx<'_>, e: &Entry<'_>) -> &'c str {
    let kind = e.kind.as_str();
    ctx.theme
        .string(e.lang, kind, &ctx.config.default_language)
        .unwrap_or(kind)
}

/// A feed entry's text: the notice's label and date as the item's page shows them (the long
/// date, with the time and the zone's abbreviation when it has a time: "13 October 2026,
/// 09:12 CEST"), then the note.
fn feed_html(ctx: &RenderCtx<'_>, e: &Entry<'_>) -> String {
    let when = crate::dates::format(
        &e.at.to_zoned(e.zone.clone()),
        crate::dates::DateFormat::Timed,
        e.lang,
    );
    format!(
        "<p><strong>{}</strong> <time datetime=\"{}\">{}</time></p>{}",
        super::xml::escape(kind_label(ctx, e)),
        e.date,
        super::xml::escape(&when),
        e.note.as_deref().unwrap_or_default()
    )
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
            .map(|e| feeds::Entry {
                id: format!(
                    "tag:{host},{}:corrections{}",
                    e.at.strftime("%Y-%m-%d"),
                    e.id
                ),
                title: format!("{}: {}", kind_label(ctx, &e), e.item_title),
                link: config.permalink(&e.url),
                published: Some(e.at),
                updated: e.at,
                html: feed_html(ctx, &e),
                summary: String::new(),
                authors: vec![],
                categories: vec![e.kind.as_str().to_string()],
            })
            .collect();
        let feed = feeds::Feed {
            names: feeds::names_at(config, site, &base),
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
