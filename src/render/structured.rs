//! schema.org JSON-LD for item pages, built with serde_json and made safe to drop into a
//! `<script type="application/ld+json">` element.
//!
//! Types: `NewsArticle` for releases and statements, `BlogPosting` for posts, `Article` for fact
//! sheets, `WebPage` for plain pages. A statement or post with updates (a developing story) is a
//! `LiveBlogPosting` whose updates are `liveBlogUpdate` entries. Corrections and clarifications
//! (not editorial notes) are `correction` entries of type `CorrectionComment`; sources are
//! `citation` entries of type `CreativeWork`.

use super::views::Urls;
use crate::config::Config;
use crate::content::frontmatter::{Kind, NoticeKind, SourceRaw};
use crate::dates::rfc3339;
use crate::model::{Item, ItemId, Site};
use serde_json::{Map, Value, json};

/// The schema.org type of an item's page.
pub fn schema_type(site: &Site, id: ItemId) -> &'static str {
    let item = &site.items[id];
    match item.kind {
        Kind::Statement | Kind::Post if !item.updates.is_empty() => "LiveBlogPosting",
        Kind::Release | Kind::Statement => "NewsArticle",
        Kind::Post => "BlogPosting",
        Kind::Factsheet => "Article",
        Kind::Page => "WebPage",
    }
}

/// The JSON-LD of an item's page as a string ready for a `<script>` element: `<`, `>` and `&`
/// are written as `\u003c`, `\u003e` and `\u0026`, so `</script>` or `<!--` can never occur.
pub fn item_jsonld(site: &Site, config: &Config, id: ItemId) -> String {
    script_safe(&item_value(site, config, id))
}

/// Serializes JSON for a `<script>` element. The three characters can only occur inside JSON
/// strings (no JSON token contains them), where the `\u` escapes mean the same. They are
/// escaped as the strings are written ([`ScriptSafe`]), not by a second pass over the text:
/// an item's JSON-LD carries its whole body.
pub fn script_safe(value: &Value) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut writer = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    match serde::Serialize::serialize(value, &mut writer) {
        // serde_json writes valid UTF-8, and the escapes are ASCII.
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "{}".into()),
        Err(_) => "{}".into(),
    }
}

/// serde_json's compact output with `<`, `>` and `&` in strings (keys among them) written as
/// `\u` escapes. Every unescaped run of a string reaches [`Formatter::write_string_fragment`].
///
/// [`Formatter::write_string_fragment`]: serde_json::ser::Formatter::write_string_fragment
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut at = 0;
        for (i, b) in fragment.bytes().enumerate() {
            let escape: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[at..i])?;
            writer.write_all(escape)?;
            at = i + 1;
        }
        writer.write_all(&fragment.as_bytes()[at..])
    }
}

/// An absolute URL for an image or link given as `https://…`, a site path (`/img/x.jpg`) or a
/// path relative to the page at `page_path`.
pub(crate) fn absolute(config: &Config, page_path: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
        url.to_string()
    } else if url.starts_with('/') {
        config.permalink(&config.url(url))
    } else {
        let dir = &page_path[..page_path.rfind('/').map_or(0, |i| i + 1)];
        config.permalink(&config.url(&format!("{dir}{url}")))
    }
}

/// The lead image: its URL, or, when its size or its credits are known (a local photo, or
/// `image_credit` and the like in front matter), an `ImageObject` saying them (Google's image
/// licence fields: `creditText`, `copyrightNotice`, `license`).
fn image_object(item: &Item, image: &str, url: String) -> Value {
    let picture = item.pictures.get(image);
    let meta = picture.map_or_else(|| item.image_meta.clone(), |p| p.meta.clone());
    if picture.is_none() && meta.is_empty() {
        return url.into();
    }
    let mut o = json!({"@type": "ImageObject", "url": url, "contentUrl": url});
    if let Some(p) = picture {
        o["width"] = p.width.into();
        o["height"] = p.height.into();
    }
    let fields = [
        ("caption", &meta.caption),
        ("creditText", &meta.credit),
        ("copyrightNotice", &meta.copyright),
        ("license", &meta.licence),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            o[key] = value.clone().into();
        }
    }
    o
}

/// A short headline for an update: its first sentence, else its text cut at a word (any
/// character for CJK languages).
fn update_headline(text: &str, lang: &str) -> String {
    crate::markdown::text::cut(text, lang, crate::markdown::text::Cut::HEADLINE)
}

/// The publisher with the item's media contacts as its `contactPoint`s, named as the page
/// names them (`[ID.languages.CODE]`): what a journalist's tools read to reach the press office.
fn with_contact_points(mut org: Value, site: &Site, item: &Item) -> Value {
    let points: Vec<Value> = item
        .contacts
        .iter()
        .filter_map(|id| {
            let p = site.contacts.get(id)?;
            let (name, role, _) = p.in_language(&item.lang);
            let mut point = json!({
                "@type": "ContactPoint",
                "contactType": "media relations",
                "name": name,
            });
            if let Some(role) = role {
                point["description"] = role.into();
            }
            if let Some(email) = &p.email {
                point["email"] = email.clone().into();
            }
            if let Some(phone) = &p.phone {
                point["telephone"] = phone.clone().into();
            }
            Some(point)
        })
        .collect();
    if !points.is_empty() {
        org["contactPoint"] = Value::Array(points);
    }
    org
}

/// The publishing organization: `config.extra.company` (else the site title), the home page
/// and `config.extra.logo` when set.
fn publisher(config: &Config) -> Value {
    let name = config
        .extra
        .get("company")
        .and_then(Value::as_str)
        .unwrap_or(&config.title);
    let mut org = json!({
        "@type": "Organization",
        "name": name,
        "url": config.permalink(&config.url("/")),
    });
    if let Some(logo) = config.extra.get("logo").and_then(Value::as_str) {
        org["logo"] = json!({"@type": "ImageObject", "url": absolute(config, "/", logo)});
    }
    org
}

fn citation(s: &SourceRaw, tz: &jiff::tz::TimeZone) -> Value {
    let mut work = Map::new();
    work.insert("@type".into(), "CreativeWork".into());
    work.insert("name".into(), s.title.clone().into());
    if let Some(url) = &s.url {
        work.insert("url".into(), url.clone().into());
    }
    if let Some(p) = &s.publisher {
        work.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": p}),
        );
    }
    if let Some(d) = &s.date {
        // A date stays a date; a time is given with its offset.
        let date = if d.0.len() == 10 {
            Some(d.0.clone())
        } else {
            crate::dates::parse_in(&d.0, tz)
                .ok()
                .map(|t| rfc3339(t, tz))
        };
        if let Some(date) = date {
            work.insert("datePublished".into(), date.into());
        }
    }
    if let Some(a) = &s.archived {
        work.insert("archivedAt".into(), a.clone().into());
    }
    Value::Object(work)
}

/// The JSON-LD object of an item's page.
pub fn item_value(site: &Site, config: &Config, id: ItemId) -> Value {
    let ld = ItemLd {
        site,
        config,
        item: &site.items[id],
        ty: schema_type(site, id),
        permalink: Urls { config }.permalink(&site.items[id].path),
    };
    let mut v = Map::new();
    ld.identity(&mut v);
    ld.people(&mut v);
    ld.article(&mut v);
    ld.citations(&mut v);
    ld.corrections(&mut v);
    ld.event(&mut v);
    if ld.ty == "LiveBlogPosting" {
        ld.live_blog(&mut v);
    }
    Value::Object(v)
}

/// One item's JSON-LD, built in parts (keys are sorted in the output whatever the order).
struct ItemLd<'a> {
    site: &'a Site,
    config: &'a Config,
    item: &'a crate::model::Item,
    /// The schema.org type.
    ty: &'static str,
    permalink: String,
}

impl ItemLd<'_> {
    fn is_article(&self) -> bool {
        self.ty != "WebPage"
    }

    /// Type, ids, names, description, language and dates.
    fn identity(&self, v: &mut Map<String, Value>) {
        let (item, permalink) = (self.item, &self.permalink);
        v.insert("@context".into(), "https://schema.org".into());
        v.insert("@type".into(), self.ty.into());
        // The page is the `WebPage` at the permalink; an article is its main entity.
        let node_id = if self.is_article() {
            format!("{permalink}#article")
        } else {
            permalink.clone()
        };
        v.insert("@id".into(), node_id.into());
        v.insert("headline".into(), item.title.clone().into());
        v.insert("name".into(), item.title.clone().into());
        v.insert("url".into(), permalink.clone().into());
        if self.is_article() {
            v.insert(
                "mainEntityOfPage".into(),
                json!({"@type": "WebPage", "@id": permalink}),
            );
        }
        if !item.rendered.summary_text.is_empty() {
            v.insert(
                "description".into(),
                item.rendered.summary_text.clone().into(),
            );
        }
        v.insert("inLanguage".into(), item.lang.clone().into());
        if let Some(d) = item.date {
            v.insert("datePublished".into(), rfc3339(d, &item.tz).into());
        }
        if let Some(d) = item.modified().or(item.date) {
            v.insert("dateModified".into(), rfc3339(d, &item.tz).into());
        }
    }

    /// Who speaks: the authors (the organization when none), the publisher, the image.
    fn people(&self, v: &mut Map<String, Value>) {
        let (item, config) = (self.item, self.config);
        let urls = Urls { config };
        let org = publisher(config);
        let authors: Vec<Value> = item
            .authors
            .iter()
            .filter_map(|a| {
                // The name and role the page shows, in its language (`[ID.languages.CODE]`).
                let (name, role, _) = self.site.authors.get(a)?.in_language(&item.lang);
                let mut person = json!({
                    "@type": "Person",
                    "name": name,
                    "url": urls.permalink(&format!("/authors/{a}/")),
                });
                if let Some(role) = role {
                    person["jobTitle"] = role.into();
                }
                Some(person)
            })
            .collect();
        let author = if authors.is_empty() {
            vec![org.clone()]
        } else {
            authors
        };
        v.insert("author".into(), Value::Array(author));
        v.insert(
            "publisher".into(),
            with_contact_points(org, self.site, item),
        );
        if let Some(image) = &item.image {
            let url = absolute(config, &item.path, image);
            v.insert(
                "image".into(),
                Value::Array(vec![image_object(item, image, url)]),
            );
        }
    }

    /// An article's section and word count, a news article's dateline, the keywords.
    fn article(&self, v: &mut Map<String, Value>) {
        let item = self.item;
        if self.is_article() {
            let section = &self.site.sections[item.section];
            if !section.dir.is_empty() {
                v.insert("articleSection".into(), section.title.clone().into());
            }
            v.insert("wordCount".into(), item.rendered.words.into());
        }
        if self.ty == "NewsArticle" {
            if let Some(d) = &item.dateline {
                v.insert("dateline".into(), d.clone().into());
            }
        }
        if !item.tags.is_empty() {
            v.insert("keywords".into(), item.tags.join(", ").into());
        }
    }

    /// The item's `[event]` as the schema.org `Event` the article is about (the page stays
    /// an article: the event is what it announces).
    fn event(&self, v: &mut Map<String, Value>) {
        let Some(e) = &self.item.event else { return };
        let mut ev = Map::new();
        ev.insert("@type".into(), "Event".into());
        ev.insert("name".into(), self.item.title.clone().into());
        ev.insert("url".into(), self.permalink.clone().into());
        ev.insert("startDate".into(), rfc3339(e.start, &e.tz).into());
        if let Some(end) = e.end {
            ev.insert("endDate".into(), rfc3339(end, &e.tz).into());
        }
        let status = if self.item.withdrawn.is_some() {
            "https://schema.org/EventCancelled"
        } else {
            "https://schema.org/EventScheduled"
        };
        ev.insert("eventStatus".into(), status.into());
        let place = e
            .location
            .as_ref()
            .map(|name| json!({"@type": "Place", "name": name, "address": name}));
        let online = e
            .online
            .as_ref()
            .map(|url| json!({"@type": "VirtualLocation", "url": url}));
        let mode = match (&place, &online) {
            (Some(_), Some(_)) => "MixedEventAttendanceMode",
            (None, Some(_)) => "OnlineEventAttendanceMode",
            _ => "OfflineEventAttendanceMode",
        };
        ev.insert(
            "eventAttendanceMode".into(),
            format!("https://schema.org/{mode}").into(),
        );
        let locations: Vec<Value> = place.into_iter().chain(online).collect();
        match locations.len() {
            0 => {}
            1 => {
                ev.insert("location".into(), locations[0].clone());
            }
            _ => {
                ev.insert("location".into(), locations.into());
            }
        }
        if let Some(url) = &e.registration {
            // Where to register; no price is claimed (the front matter does not say one).
            ev.insert("offers".into(), json!({"@type": "Offer", "url": url}));
        }
        ev.insert("organizer".into(), publisher(self.config));
        v.insert("about".into(), Value::Object(ev));
    }

    /// The sources the page cites, as works.
    fn citations(&self, v: &mut Map<String, Value>) {
        let item = self.item;
        let site_sources: std::collections::HashMap<&str, &SourceRaw> = self
            .site
            .sources
            .iter()
            .map(|s| (s.id.as_str(), s))
            .collect();
        let citations: Vec<Value> = item
            .rendered
            .sources
            .iter()
            .filter_map(|c| {
                item.sources
                    .iter()
                    .find(|s| s.id == c.id)
                    .or_else(|| site_sources.get(c.id.as_str()).copied())
            })
            .map(|s| citation(s, &item.tz))
            .collect();
        if !citations.is_empty() {
            v.insert("citation".into(), Value::Array(citations));
        }
    }

    /// Corrections and clarifications, and the withdrawal.
    fn corrections(&self, v: &mut Map<String, Value>) {
        let (item, permalink) = (self.item, &self.permalink);
        let corrections: Vec<Value> = item
            .notices
            .iter()
            .zip(&item.rendered.plain.notices)
            .filter(|(n, _)| n.kind != NoticeKind::Editorial)
            .map(|(n, text)| {
                json!({
                    "@type": "CorrectionComment",
                    "text": text,
                    "datePublished": rfc3339(n.date, &item.tz),
                    "url": format!("{permalink}#{}", n.id),
                })
            })
            .collect();
        if !corrections.is_empty() {
            v.insert("correction".into(), Value::Array(corrections));
        }
        if let Some(w) = &item.withdrawn {
            v.insert("creativeWorkStatus".into(), "Withdrawn".into());
            if self.ty == "LiveBlogPosting" {
                v.insert("coverageEndTime".into(), rfc3339(w.date, &item.tz).into());
            }
        }
    }

    /// A developing story's coverage start and its updates.
    fn live_blog(&self, v: &mut Map<String, Value>) {
        let (item, permalink) = (self.item, &self.permalink);
        if let Some(d) = item.date {
            v.insert("coverageStartTime".into(), rfc3339(d, &item.tz).into());
        }
        let updates: Vec<Value> = item
            .updates
            .iter()
            .zip(&item.rendered.plain.updates)
            .map(|(u, text)| {
                let url = format!("{permalink}#{}", u.id);
                json!({
                    "@type": "BlogPosting",
                    "@id": url,
                    "url": url,
                    "headline": update_headline(text, &item.lang),
                    "articleBody": text,
                    "datePublished": rfc3339(u.date, &item.tz),
                    "inLanguage": item.lang,
                })
            })
            .collect();
        v.insert("liveBlogUpdate".into(), Value::Array(updates));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_escapes_markup_characters() {
        let v = json!({"headline": "</script><!-- a & b >"});
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    /// What `script_safe` wrote before it escaped while serializing: the compact text with
    /// the three characters replaced afterwards.
    fn script_safe_by_second_pass(value: &Value) -> String {
        let mut out = String::new();
        for c in serde_json::to_string(value).unwrap().chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn script_safe_writes_what_the_second_pass_wrote(
            key in "[a<>&\"\\\\é😀\n\u{1}\u{2028}]{0,6}",
            text in "[a <>&\"\\\\é😀\n\t\u{1}\u{7f}\u{2028}/]{0,40}",
            number in proptest::num::f64::NORMAL,
            flag in proptest::bool::ANY,
        ) {
            let v = json!({
                key.clone(): text,
                "list": [text.clone(), number, flag, null, {"inner": key}],
                "n": -12,
            });
            proptest::prop_assert_eq!(script_safe(&v), script_safe_by_second_pass(&v));
        }
    }

    #[test]
    fn update_headlines_are_cut_at_a_word() {
        let long = "word ".repeat(40);
        let h = update_headline(long.trim(), "en");
        assert!(h.chars().count() <= 111, "{h}");
        assert!(h.ends_with("word…"), "{h}");
        let two = format!("First one. {}", "more ".repeat(40));
        assert_eq!(update_headline(&two, "en"), "First one.");
        let ja = "あ".repeat(200);
        assert_eq!(update_headline(&ja, "ja").chars().count(), 110);
        assert_eq!(update_headline("Short.", "en"), "Short.");
    }
}
