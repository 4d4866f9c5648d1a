//! Views: the serializable shapes templates see (docs/theming.md is their contract). The model
//! never depends on Tera; only these functions turn it into template values.

use crate::config::Config;
use crate::content::frontmatter::NoticeKind;
use crate::dates::rfc3339;
use crate::model::{Item, ItemId, Site};
use serde_json::{Value, json};

/// URL helpers bound to one config.
pub struct Urls<'a> {
    /// The config.
    pub config: &'a Config,
}

impl Urls<'_> {
    /// Root-relative URL with base path for a site path.
    pub fn url(&self, path: &str) -> String {
        self.config.url(path)
    }

    /// Absolute URL for a site path.
    pub fn permalink(&self, path: &str) -> String {
        self.config.permalink(&self.config.url(path))
    }

    /// Site path of a taxonomy term page.
    pub fn term_path(&self, lang: &str, taxonomy: &str, slug: &str) -> String {
        format!("{}/{taxonomy}/{slug}/", self.config.lang_prefix(lang))
    }
}

/// The `config` value every template gets.
pub fn config_view(config: &Config) -> Value {
    let languages: Vec<Value> = config
        .languages
        .iter()
        .map(|l| json!({"code": l.code, "name": l.name, "title": l.title, "description": l.description, "url": config.url(&format!("{}/", config.lang_prefix(&l.code)))}))
        .collect();
    json!({
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "base_path": config.base_path,
        "default_language": config.default_language,
        "timezone": config.timezone_name,
        "boilerplate": config.boilerplate.as_deref().map(markdown_inline),
        "languages": languages,
        "extra": config.extra,
    })
}

fn markdown_inline(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(md));
    html
}

/// A person record with its page URL (authors) or without (contacts).
fn person_view(site: &Site, urls: &Urls<'_>, id: &str, author: bool) -> Value {
    let people = if author {
        &site.authors
    } else {
        &site.contacts
    };
    let Some(p) = people.get(id) else {
        return Value::Null;
    };
    let mut v = json!({"id": id, "name": p.name, "role": p.role, "bio": p.bio.as_deref().map(markdown_inline), "email": p.email, "phone": p.phone, "image": p.image});
    if author {
        v["url"] = Value::String(urls.url(&format!("/authors/{id}/")));
    }
    v
}

/// Terms of an item; `url` is null when the term has no page (only unlisted or withdrawn items
/// carry it), so themes never link to a missing page.
fn term_views(
    site: &Site,
    urls: &Urls<'_>,
    item: &Item,
    taxonomy: &str,
    names: &[String],
) -> Vec<Value> {
    let terms = site
        .taxonomies
        .iter()
        .find(|t| t.name == taxonomy && t.lang == item.lang);
    names
        .iter()
        .map(|name| {
            let slug = crate::model::slug::slugify(name);
            let exists = terms.is_some_and(|t| t.terms.iter().any(|term| term.slug == slug));
            let url = exists.then(|| urls.url(&urls.term_path(&item.lang, taxonomy, &slug)));
            json!({"name": name, "slug": slug, "url": url})
        })
        .collect()
}

/// The other-language versions of an item: `{lang, name, url, title}`.
pub fn item_translations(site: &Site, config: &Config, id: ItemId) -> Vec<Value> {
    site.translations_of(id)
        .map(|t| {
            let other = &site.items[t];
            json!({"lang": other.lang, "name": config.language(&other.lang).name, "url": config.url(&other.path), "permalink": config.permalink(&config.url(&other.path)), "title": other.title, "fallback": other.fallback.is_some()})
        })
        .collect()
}

/// An item as list pages see it: everything but the body and the page-only parts.
pub fn item_summary_view(site: &Site, config: &Config, id: ItemId) -> Value {
    let urls = Urls { config };
    let item = &site.items[id];
    let r = &item.rendered;
    json!({
        "title": item.title,
        "kind": item.kind.as_str(),
        "lang": item.lang,
        "slug": item.slug,
        "url": urls.url(&item.path),
        "permalink": urls.permalink(&item.path),
        "summary": r.summary_html,
        "description": r.summary_text,
        "date": item.date.map(|d| rfc3339(d, &item.tz)),
        "updated": item.modified().map(|d| rfc3339(d, &item.tz)),
        "timezone": item.tz_name,
        "draft": item.preview.draft,
        "standby": item.preview.standby,
        "embargo": item.preview.embargo.map(|d| rfc3339(d, &item.tz)),
        "unlisted": item.publication.is_unlisted(),
        "withdrawn": item.withdrawn.as_ref().map(|w| json!({"date": rfc3339(w.date, &item.tz), "reason": r.withdrawn})),
        "tags": term_views(site, &urls, item, "tags", &item.tags),
        "categories": term_views(site, &urls, item, "categories", &item.categories),
        "authors": item.authors.iter().map(|a| person_view(site, &urls, a, true)).collect::<Vec<_>>(),
        "dateline": item.dateline,
        "image": item.image,
        "reading_time": r.reading_time,
        "word_count": r.words,
        "extra": item.extra,
        "fallback": item.fallback.as_ref().map(|original| {
            let source = site.translations_of(id).find(|&t| &site.items[t].lang == original);
            let url = source.map(|t| config.url(&site.items[t].path));
            let permalink = url.as_ref().map(|u| config.permalink(u));
            json!({"lang": original, "name": config.language(original).name, "url": url, "permalink": permalink})
        }),
    })
}

/// An item as its own page sees it: the summary view plus body, sources, notices and the rest.
pub fn item_page_view(site: &Site, config: &Config, id: ItemId) -> Value {
    let urls = Urls { config };
    let item = &site.items[id];
    let r = &item.rendered;
    let mut v = item_summary_view(site, config, id);
    let notice = |i: usize| {
        let n = &item.notices[i];
        json!({"id": n.id, "anchor": n.id, "date": rfc3339(n.date, &item.tz), "kind": n.kind, "note": r.notices.get(i)})
    };
    let site_sources: std::collections::HashMap<&str, &crate::content::frontmatter::SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let sources: Vec<Value> = r
        .sources
        .iter()
        .filter_map(|c| {
            let raw = item
                .sources
                .iter()
                .find(|s| s.id == c.id)
                .or_else(|| site_sources.get(c.id.as_str()).copied())?;
            let mut sv = source_view(&urls, raw, &item.tz, c.site_wide);
            sv["number"] = c.number.into();
            sv["anchor"] = format!("source-{}", c.id).into();
            sv["backrefs"] = json!(c.backrefs);
            Some(sv)
        })
        .collect();
    let extra = json!({
        "content": r.html,
        "contacts": item.contacts.iter().map(|c| person_view(site, &urls, c, false)).collect::<Vec<_>>(),
        "boilerplate": r.boilerplate,
        "sources": sources,
        "corrections": (0..item.notices.len()).filter(|&i| item.notices[i].kind != NoticeKind::Editorial).map(notice).collect::<Vec<_>>(),
        // Corrections also stand at the top of the page: repeat them without anchor ids.
        "revisions": (0..item.notices.len()).map(|i| {
            let mut v = notice(i);
            if item.notices[i].kind != NoticeKind::Editorial {
                v["note"] = crate::markdown::without_citation_ids(v["note"].as_str().unwrap_or("")).into();
            }
            v
        }).collect::<Vec<_>>(),
        "updates": item.updates.iter().enumerate().map(|(i, u)| json!({"id": u.id, "anchor": u.id, "date": rfc3339(u.date, &item.tz), "body": r.updates.get(i)})).collect::<Vec<_>>(),
        "facts": r.facts.iter().map(|(label, value)| json!({"label": label, "value": value})).collect::<Vec<_>>(),
        "toc": r.toc,
        "translations": item_translations(site, config, id),
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut v, extra) {
        map.extend(more);
    }
    v
}

/// A source record; `page_url` only for site-wide sources (they have pages).
pub fn source_view(
    urls: &Urls<'_>,
    s: &crate::content::frontmatter::SourceRaw,
    tz: &jiff::tz::TimeZone,
    site_wide: bool,
) -> Value {
    let date = s
        .date
        .as_ref()
        .and_then(|d| crate::dates::parse_in(&d.0, tz).ok())
        .map(|d| rfc3339(d, tz));
    json!({
        "id": s.id, "title": s.title, "url": s.url, "publisher": s.publisher, "date": date,
        "archived": s.archived, "note": s.note,
        "page_url": site_wide.then(|| urls.url(&format!("/sources/{}/", s.id))),
    })
}
