//! The wire text of each release and statement, at `/…/SLUG/index.txt`: what a press officer
//! pastes into a wire service or an e-mail. Headline, notices as on the page, the dateline
//! opening the body, the body as clean text, `###`, the boilerplate, the media contacts, and
//! the numbered link notes; UTF-8, wrapped at 72 columns (see [`crate::markdown::wire`]).
//! It exists exactly when the item's page does.

use super::{Output, RenderCtx};
use crate::content::dialect::Dialect;
use crate::content::frontmatter::{Kind, NoticeKind};
use crate::dates::{DateFormat, format};
use crate::markdown::wire::{Resolve, Wire, wrap};
use crate::model::{Item, ItemId, Site, Surface};
use jiff::Timestamp;
use rayon::prelude::*;

/// Whether an item has a wire text: a release or statement whose page is written.
pub fn has_text(item: &Item) -> bool {
    matches!(item.kind, Kind::Release | Kind::Statement) && item.appears_in(Surface::Page)
}

/// The site path of an item's wire text: beside its page.
pub fn text_path(item: &Item) -> String {
    format!("{}index.txt", item.path)
}

/// The wire texts of the items `wanted` picks (all of a build's, or those an edit changed).
/// Rendered in parallel, returned in item order.
pub fn outputs(ctx: &RenderCtx<'_>, wanted: impl Fn(ItemId) -> bool + Sync) -> Vec<Output> {
    texts(ctx, &wanted).collect()
}

/// The wire texts of the items `wanted` picks, as they are made: a build hands each to its
/// sink at once (collected, a 100,000-item site's were 0.4 GB held at the same time).
pub fn texts<'c>(
    ctx: &'c RenderCtx<'_>,
    wanted: &'c (impl Fn(ItemId) -> bool + Sync),
) -> impl ParallelIterator<Item = Output> + 'c {
    ctx.site
        .items
        .par_iter()
        .enumerate()
        .filter(move |&(id, item)| has_text(item) && wanted(id))
        .map(move |(id, item)| Output {
            path: text_path(item),
            bytes: wire_text(ctx, id).into_bytes(),
        })
}

/// One item's wire text.
fn wire_text(ctx: &RenderCtx<'_>, id: ItemId) -> String {
    let item = &ctx.site.items[id];
    let lang = item.lang.as_str();
    let t = |key: &str| -> String {
        ctx.theme
            .string(lang, key, &ctx.config.default_language)
            .unwrap_or(key)
            .to_string()
    };
    let page = ctx.config.permalink(&ctx.config.url(&item.path));
    let link = |dest: &str| link_url(&page, dest);
    let source = |label: &str| source_note(ctx.site, item, label);
    let name_role = |p: &crate::content::data::Person| {
        let (name, role, _) = p.in_language(item.content_lang());
        match role {
            Some(role) => format!("{name}, {role}"),
            None => name.to_string(),
        }
    };
    let person = |id: &str| {
        let people = [&ctx.site.authors, &ctx.site.contacts];
        let p = people.iter().find_map(|people| people.get(id))?;
        Some(name_role(p))
    };
    let contact = |id: &str| {
        let p = ctx.site.contacts.get(id)?;
        let mut lines = vec![name_role(p)];
        lines.extend(p.email.as_ref().map(|e| format!("{}: {e}", t("email"))));
        lines.extend(p.phone.as_ref().map(|n| format!("{}: {n}", t("phone"))));
        Some(lines.join("\n"))
    };
    let mut wire = Wire::new(
        Dialect::of(ctx.config).options(),
        item.content_lang(),
        Resolve {
            link: &link,
            source: &source,
            person: &person,
            contact: &contact,
        },
    );
    let mut parts: Vec<String> = preview_lines(item, &t);
    parts.push(wrap(&item.title, "", ""));
    if let Some(summary) = &item.summary {
        parts.push(wire.blocks(summary, None));
    }
    parts.extend(notices(&mut wire, item, &t));
    let lead = dateline(item);
    parts.push(wire.blocks(&item.text[item.body_offset..], lead.as_deref()));
    parts.push("###".into());
    if let Some(boilerplate) = &item.boilerplate {
        parts.push(about_heading(ctx, item, &t).unwrap_or_default());
        parts.push(wire.blocks(boilerplate, None));
    }
    if let Some(contacts) = contacts(ctx.site, item, &t) {
        parts.push(contacts);
    }
    let notes = wire.notes.entries();
    if !notes.is_empty() {
        let list: Vec<String> = notes
            .iter()
            .enumerate()
            .map(|(i, n)| wrap(n, &format!("[{}] ", i + 1), "    "))
            .collect();
        parts.push(format!("{}\n{}", t("links"), list.join("\n")));
    }
    parts.push(page);
    let mut text = parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    // `join` made it exactly long enough: room for one byte more, not for twice as many.
    text.reserve_exact(1);
    text.push('\n');
    text
}

/// "About COMPANY" above the boilerplate, unless the boilerplate opens with its own bold
/// lead-in (`**About X** — …`), where the page too shows the heading only to screen readers.
fn about_heading(ctx: &RenderCtx<'_>, item: &Item, t: &impl Fn(&str) -> String) -> Option<String> {
    let html = item.rendered.boilerplate.as_deref().unwrap_or("");
    if html.starts_with("<p><strong>") {
        return None;
    }
    let company = ctx.config.extra["company"]
        .as_str()
        .unwrap_or(&ctx.config.title);
    Some(wrap(
        &format!("{}{company}{}", t("about_prefix"), t("about_suffix")),
        "",
        "",
    ))
}

/// The banners of a preview build (a draft, an embargo, a standby page), so a preview's text
/// is never mistaken for one that may go out.
fn preview_lines(item: &Item, t: &impl Fn(&str) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    if item.preview.draft {
        lines.push(t("draft").to_uppercase());
    }
    if let Some(until) = item.preview.embargo {
        let until = format(
            &until.to_zoned(item.tz.clone()),
            DateFormat::DateTime,
            item.content_lang(),
        );
        lines.push(wrap(
            &format!(
                "{} {until}. {}",
                t("embargoed_until").to_uppercase(),
                t("embargo_notice")
            ),
            "",
            "",
        ));
    }
    if item.preview.standby {
        lines.push(t("standby").to_uppercase());
    }
    lines
}

/// The withdrawal, corrections and clarifications (newest first) and updates, as the page
/// shows them above the body; editorial notes stay in the page's history.
fn notices(wire: &mut Wire<'_>, item: &Item, t: &impl Fn(&str) -> String) -> Vec<String> {
    let day = |d: Timestamp| {
        format(
            &d.to_zoned(item.tz.clone()),
            DateFormat::Long,
            item.content_lang(),
        )
    };
    let mut out = Vec::new();
    if let Some(w) = &item.withdrawn {
        let on = match item.kind {
            Kind::Release => t("release_withdrawn_on"),
            _ => t("item_withdrawn_on"),
        };
        let head = format!("{}: {on} {}.", t("withdrawn").to_uppercase(), day(w.date));
        out.push(format!(
            "{}\n\n{}",
            wrap(&head, "", ""),
            wire.blocks(&w.reason, None)
        ));
    }
    for n in item
        .notices
        .iter()
        .filter(|n| n.kind != NoticeKind::Editorial)
    {
        let label = match n.kind {
            NoticeKind::Correction => t("correction"),
            _ => t("clarification"),
        };
        let lead = format!("{} ({}): ", label.to_uppercase(), day(n.date));
        out.push(wire.blocks(&n.note, Some(&lead)));
    }
    for u in &item.updates {
        let lead = format!("{} ({}): ", t("update").to_uppercase(), day(u.date));
        out.push(wire.blocks(&u.body, Some(&lead)));
    }
    out
}

/// What opens the body: `CITY, Long date — ` when the item has a dateline (as on a release's
/// page), else the long date on its own, so every wire text is dated.
fn dateline(item: &Item) -> Option<String> {
    let date = item.date.map(|d| {
        format(
            &d.to_zoned(item.tz.clone()),
            DateFormat::Long,
            item.content_lang(),
        )
    });
    match (&item.dateline, date) {
        (Some(city), Some(date)) => Some(format!("{}, {date} — ", city.to_uppercase())),
        (Some(city), None) => Some(format!("{} — ", city.to_uppercase())),
        (None, Some(date)) => Some(format!("{date} — ")),
        (None, None) => None,
    }
}

/// The media contacts, one block of lines each.
fn contacts(site: &Site, item: &Item, t: &impl Fn(&str) -> String) -> Option<String> {
    let people: Vec<String> = item
        .contacts
        .iter()
        .filter_map(|id| site.contacts.get(id))
        .map(|p| {
            let mut lines = vec![p.name.clone()];
            lines.extend(p.role.clone());
            lines.extend(p.email.as_ref().map(|e| format!("{}: {e}", t("email"))));
            lines.extend(p.phone.as_ref().map(|n| format!("{}: {n}", t("phone"))));
            lines
                .iter()
                .map(|l| wrap(l, "", "  "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    (!people.is_empty()).then(|| format!("{}\n\n{}", t("media_contacts"), people.join("\n\n")))
}

/// The absolute URL a link on the page at `page` points to; None for a link to a place on
/// the page itself (it has no meaning in a text).
fn link_url(page: &str, dest: &str) -> Option<String> {
    if dest.is_empty() || dest.starts_with('#') {
        return None;
    }
    if dest.starts_with("mailto:") || dest.starts_with("tel:") {
        return Some(dest.to_string());
    }
    let joined = url::Url::parse(page).and_then(|base| base.join(dest));
    Some(joined.map_or_else(|_| dest.to_string(), String::from))
}

/// The note of a cited source: its title and publisher, and its URL (or archived copy).
fn source_note(site: &Site, item: &Item, id: &str) -> Option<String> {
    let s = item
        .sources
        .iter()
        .chain(site.sources.iter())
        .find(|s| s.id == id)?;
    let mut note = s.title.clone();
    if let Some(p) = &s.publisher {
        note.push_str(", ");
        note.push_str(p);
    }
    match s.url.as_ref().or(s.archived.as_ref()) {
        Some(url) => Some(format!("{note}. {url}")),
        None => Some(format!("{note}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::link_url;

    #[test]
    fn links_resolve_against_the_page() {
        let page = "https://example.com/news/press/launch/";
        assert_eq!(link_url(page, "#top"), None);
        assert_eq!(
            link_url(page, "/about/").as_deref(),
            Some("https://example.com/about/")
        );
        assert_eq!(
            link_url(page, "../other/").as_deref(),
            Some("https://example.com/news/press/other/")
        );
        assert_eq!(
            link_url(page, "mailto:a@b.example").as_deref(),
            Some("mailto:a@b.example")
        );
    }
}
