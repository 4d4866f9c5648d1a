//! Views: the typed shapes templates see (docs/theming.md is their contract), borrowing from
//! the model. The model never depends on Tera; only these types are turned into template
//! values ([`to_value`]), and no code reads a template value back.

use crate::config::Config;
use crate::content::frontmatter::NoticeKind;
use crate::content::frontmatter::{Kind, SourceRaw};
use crate::dates::rfc3339;
use crate::model::rendered::TocEntry;
use crate::model::{Item, ItemId, Site, TaxonomyName};
use serde::Serialize;
use serde_json::Value;

pub mod media;

/// A typed view as a template value. Views hold strings, numbers, lists and string-keyed
/// maps only, which always convert; a failure would be a bug in a view's type, shown as null.
pub fn to_value<T: serde::Serialize + ?Sized>(view: &T) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

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
    pub fn term_path(&self, lang: &str, taxonomy: TaxonomyName, slug: &str) -> String {
        format!("{}/{taxonomy}/{slug}/", self.config.lang_prefix(lang))
    }
}

/// A language as templates see it.
#[derive(Serialize)]
struct LanguageView<'a> {
    code: &'a str,
    name: &'a str,
    title: &'a str,
    description: &'a str,
    url: String,
}

/// The `config` value every template gets.
#[derive(Serialize)]
struct ConfigView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    default_language: &'a str,
    timezone: &'a str,
    boilerplate: Option<String>,
    languages: Vec<LanguageView<'a>>,
    extra: &'a serde_json::Value,
}

/// The `config` value every template of language `lang` gets: `boilerplate` is that
/// language's (`[languages.CODE] boilerplate`, else the site's).
pub fn config_view(config: &Config, lang: &str) -> Value {
    let languages = config
        .languages
        .iter()
        .map(|l| LanguageView {
            code: &l.code,
            name: &l.name,
            title: &l.title,
            description: &l.description,
            url: config.url(&format!("{}/", config.lang_prefix(&l.code))),
        })
        .collect();
    to_value(&ConfigView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        default_language: &config.default_language,
        timezone: &config.timezone_name,
        boilerplate: config
            .language(lang)
            .boilerplate
            .as_deref()
            .map(markdown_inline),
        languages,
        extra: &config.extra,
    })
}

fn markdown_inline(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(md));
    html
}

/// The site-root path of `item`'s lead photo when it is a local photo the image stage
/// processed: beside the item's file (`photo.jpg` in `press/launch/`), or from the root (`/x.jpg`).
fn image_path(item: &crate::model::Item) -> Option<String> {
    let image = item.image.as_deref()?;
    item.pictures.get(image)?;
    let joined = match image.strip_prefix('/') {
        Some(rest) => rest.to_string(),
        None if item.src.dir.is_empty() => image.to_string(),
        None => format!("{}/{image}", item.src.dir),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A person: an author (with the URL of their page) or a contact (no `url` key at all).
#[derive(Serialize)]
struct PersonView<'a> {
    id: &'a str,
    name: &'a str,
    role: Option<&'a str>,
    bio: Option<String>,
    email: &'a Option<String>,
    phone: &'a Option<String>,
    image: &'a Option<String>,
    /// The portrait photo (authors with `photo`), ready for a `<picture>`.
    photo: Option<PhotoView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// A portrait photo as templates show it (`partials/portrait.html`): the `<img>`'s `src`,
/// `srcset` in the original's format, in AVIF and in WebP, its MIME type and its largest size.
#[derive(Serialize)]
pub struct PhotoView {
    /// The largest derived file's URL.
    pub src: String,
    /// `url 128w, url 256w, …` in the original's format.
    pub srcset: String,
    /// The same sizes in AVIF (empty when `[images] formats` leaves it out).
    pub avif_srcset: String,
    /// The same sizes in WebP (empty when `[images] formats` leaves it out).
    pub webp_srcset: String,
    /// `image/jpeg` or `image/png`.
    #[serde(rename = "type")]
    pub mime: &'static str,
    /// The largest size's width in pixels.
    pub width: u32,
    /// Its height.
    pub height: u32,
}

/// The portrait of author `id`, if they have one.
pub fn photo_view(site: &Site, id: &str) -> Option<PhotoView> {
    let p = site.portraits.get(id)?;
    let srcset = |variants: &[crate::model::picture::Variant]| {
        variants
            .iter()
            .map(|v| format!("{} {}w", v.url, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let largest = p.largest();
    Some(PhotoView {
        src: largest.url.clone(),
        srcset: srcset(&p.fallback),
        avif_srcset: srcset(&p.avif),
        webp_srcset: srcset(&p.webp),
        mime: p.fallback_type,
        width: largest.width,
        height: largest.height,
    })
}

/// A person record with its page URL (authors) or without (contacts), with the name, role and
/// bio of language `lang` (`[ID.languages.CODE]`); None (null for templates) for an unknown id.
fn person_view<'a>(
    site: &'a Site,
    urls: &Urls<'_>,
    id: &'a str,
    author: bool,
    lang: &str,
) -> Option<PersonView<'a>> {
    let people = if author {
        &site.authors
    } else {
        &site.contacts
    };
    let p = people.get(id)?;
    let (name, role, bio) = p.in_language(lang);
    Some(PersonView {
        id,
        name,
        role,
        bio: bio.map(markdown_inline),
        email: &p.email,
        phone: &p.phone,
        image: &p.image,
        photo: author.then(|| photo_view(site, id)).flatten(),
        url: author.then(|| urls.url(&format!("/authors/{id}/"))),
    })
}

/// Every media contact of `data/contacts.toml`: the home page's panel, in the order a
/// journalist reading `lang` wants them. Contacts written for that language
/// (`[ID.languages.CODE]`) come first, the most local first (fewest languages: the Seoul
/// office before the global desk that answers in five); the rest keep file order. The default
/// language's page, where no contact needs a translation, keeps file order.
pub fn all_contacts(site: &Site, config: &Config, lang: &str) -> Vec<Value> {
    let urls = Urls { config };
    let mut ids: Vec<&String> = site.contacts.keys().collect();
    // A stable sort: equal ranks keep file order.
    ids.sort_by_key(|id| {
        let p = &site.contacts[id.as_str()];
        if p.languages.contains_key(lang) {
            p.languages.len()
        } else {
            usize::MAX
        }
    });
    ids.into_iter()
        .filter_map(|id| person_view(site, &urls, id, false, lang))
        .map(|p| to_value(&p))
        .collect()
}

/// A term of an item.
#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: String,
    /// None when the term has no page.
    url: Option<String>,
}

/// Terms of an item; `url` is null when the term has no page (only unlisted or withdrawn items
/// carry it), so themes never link to a missing page.
fn term_views<'a>(
    site: &Site,
    urls: &Urls<'_>,
    item: &Item,
    taxonomy: TaxonomyName,
    names: &'a [String],
) -> Vec<TermView<'a>> {
    let terms = site
        .taxonomies
        .iter()
        .find(|t| t.name == taxonomy && t.lang == item.lang);
    names
        .iter()
        .map(|name| {
            let slug = crate::slug::slugify(name);
            let exists = terms.is_some_and(|t| t.terms.iter().any(|term| term.slug == slug));
            let url = exists.then(|| urls.url(&urls.term_path(&item.lang, taxonomy, &slug)));
            TermView { name, slug, url }
        })
        .collect()
}

/// Another language's version of an item.
#[derive(Serialize)]
pub struct TranslationView<'a> {
    lang: &'a str,
    name: &'a str,
    url: String,
    permalink: String,
    title: &'a str,
    fallback: bool,
}

/// The other-language versions of an item: `{lang, name, url, permalink, title, fallback}`.
pub fn item_translations<'a>(
    site: &'a Site,
    config: &'a Config,
    id: ItemId,
) -> Vec<TranslationView<'a>> {
    site.translations_of(id)
        .map(|t| {
            let other = &site.items[t];
            let url = config.url(&other.path);
            TranslationView {
                lang: &other.lang,
                name: &config.language(&other.lang).name,
                permalink: config.permalink(&url),
                url,
                title: &other.title,
                fallback: other.fallback.is_some(),
            }
        })
        .collect()
}

/// A withdrawal as templates see it.
#[derive(Serialize)]
struct WithdrawnView<'a> {
    date: String,
    reason: &'a Option<String>,
}

/// The language a stand-in page's text is written in, and where the original is.
#[derive(Serialize)]
struct FallbackView<'a> {
    lang: &'a str,
    name: &'a str,
    url: Option<String>,
    permalink: Option<String>,
}

/// An item as list pages see it: everything but the body and the page-only parts.
#[derive(Serialize)]
pub struct ItemSummary<'a> {
    title: &'a str,
    kind: Kind,
    lang: &'a str,
    slug: &'a str,
    url: String,
    permalink: String,
    summary: &'a str,
    description: &'a str,
    date: Option<String>,
    updated: Option<String>,
    timezone: &'a str,
    draft: bool,
    standby: bool,
    embargo: Option<String>,
    unlisted: bool,
    withdrawn: Option<WithdrawnView<'a>>,
    tags: Vec<TermView<'a>>,
    categories: Vec<TermView<'a>>,
    authors: Vec<Option<PersonView<'a>>>,
    dateline: &'a Option<String>,
    image: &'a Option<String>,
    /// `image` as an absolute URL (a bundle-relative `photo.jpg` resolved against the page),
    /// for `og:image` and other places that need one.
    image_url: Option<String>,
    /// A local lead photo's path from the site root (`press/launch/photo.jpg`), what
    /// `resize_image(path=…)` and `image_meta(path=…)` take; null otherwise.
    image_path: Option<String>,
    /// The lead photo's smallest size, for the card (null without a local lead photo).
    thumbnail: Option<ThumbnailView<'a>>,
    reading_time: usize,
    word_count: usize,
    extra: &'a serde_json::Value,
    fallback: Option<FallbackView<'a>>,
    /// Its `[event]`, if any.
    event: Option<EventView<'a>>,
}

/// An item's event as templates see it: times in RFC 3339 in the event's zone.
#[derive(Serialize)]
pub struct EventView<'a> {
    start: String,
    end: Option<String>,
    /// IANA name of the event's zone (for the `date` filter's `tz`).
    timezone: &'a str,
    location: &'a Option<String>,
    online: &'a Option<String>,
    registration: &'a Option<String>,
    /// The URL of its `event.ics`.
    ics_url: String,
}

fn event_view<'a>(urls: &Urls<'_>, item: &'a Item) -> Option<EventView<'a>> {
    let e = item.event.as_ref()?;
    Some(EventView {
        start: rfc3339(e.start, &e.tz),
        end: e.end.map(|t| rfc3339(t, &e.tz)),
        timezone: &e.tz_name,
        location: &e.location,
        online: &e.online,
        registration: &e.registration,
        ics_url: urls.url(&super::calendar::event_path(&item.path)),
    })
}

/// A card's thumbnail: the smallest derived size of the item's lead photo, in its own format
/// and in AVIF and WebP, with its pixel size (so the card does not shift while it loads).
#[derive(Serialize)]
pub struct ThumbnailView<'a> {
    url: &'a str,
    avif: Option<&'a str>,
    webp: Option<&'a str>,
    width: u32,
    height: u32,
}

/// The thumbnail of `item`: its lead photo's smallest size, when it is a processed photo.
fn thumbnail(item: &Item) -> Option<ThumbnailView<'_>> {
    let picture = item.pictures.get(item.image.as_ref()?)?;
    let small = picture.fallback.first()?;
    Some(ThumbnailView {
        url: &small.url,
        avif: picture.avif.first().map(|w| w.url.as_str()),
        webp: picture.webp.first().map(|w| w.url.as_str()),
        width: small.width,
        height: small.height,
    })
}

impl ItemSummary<'_> {
    /// The card as a template value, the same as [`to_value`] makes. Every list page makes
    /// its cards again (a card is too big to keep as a value, see `RenderCtx::summaries`):
    /// its top-level fields are written here in key order, so the map is built in one pass
    /// instead of searched and split for each of its 29 keys, as serializing the struct does.
    pub fn card(&self) -> Value {
        let fields = self.card_fields().into_iter();
        Value::Object(fields.map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// The card's fields, in the map's (byte) order of keys: `card_fields_are_in_key_order`
    /// checks it.
    fn card_fields(&self) -> [(&'static str, Value); 29] {
        let text = |s: &str| Value::String(s.to_string());
        [
            ("authors", to_value(&self.authors)),
            ("categories", to_value(&self.categories)),
            ("date", to_value(&self.date)),
            ("dateline", to_value(self.dateline)),
            ("description", text(self.description)),
            ("draft", Value::Bool(self.draft)),
            ("embargo", to_value(&self.embargo)),
            ("event", to_value(&self.event)),
            ("extra", self.extra.clone()),
            ("fallback", to_value(&self.fallback)),
            ("image", to_value(self.image)),
            ("image_path", to_value(&self.image_path)),
            ("image_url", to_value(&self.image_url)),
            ("kind", to_value(&self.kind)),
            ("lang", text(self.lang)),
            ("permalink", text(&self.permalink)),
            ("reading_time", self.reading_time.into()),
            ("slug", text(self.slug)),
            ("standby", Value::Bool(self.standby)),
            ("summary", text(self.summary)),
            ("tags", to_value(&self.tags)),
            ("thumbnail", to_value(&self.thumbnail)),
            ("timezone", text(self.timezone)),
            ("title", text(self.title)),
            ("unlisted", Value::Bool(self.unlisted)),
            ("updated", to_value(&self.updated)),
            ("url", text(&self.url)),
            ("withdrawn", to_value(&self.withdrawn)),
            ("word_count", self.word_count.into()),
        ]
    }
}

/// An item as list pages see it.
pub fn item_summary<'a>(site: &'a Site, config: &'a Config, id: ItemId) -> ItemSummary<'a> {
    let urls = Urls { config };
    let item = &site.items[id];
    let r = &item.rendered;
    let fallback = item.fallback.as_ref().map(|original| {
        let source = site
            .translations_of(id)
            .find(|&t| &site.items[t].lang == original);
        let url = source.map(|t| config.url(&site.items[t].path));
        let permalink = url.as_ref().map(|u| config.permalink(u));
        FallbackView {
            lang: original,
            name: &config.language(original).name,
            url,
            permalink,
        }
    });
    ItemSummary {
        title: &item.title,
        kind: item.kind,
        lang: &item.lang,
        slug: &item.slug,
        url: urls.url(&item.path),
        permalink: urls.permalink(&item.path),
        summary: &r.summary_html,
        description: &r.summary_text,
        date: item.date.map(|d| rfc3339(d, &item.tz)),
        updated: item.modified().map(|d| rfc3339(d, &item.tz)),
        timezone: &item.tz_name,
        draft: item.preview.draft,
        standby: item.preview.standby,
        embargo: item.preview.embargo.map(|d| rfc3339(d, &item.tz)),
        unlisted: item.publication.is_unlisted(),
        withdrawn: item.withdrawn.as_ref().map(|w| WithdrawnView {
            date: rfc3339(w.date, &item.tz),
            reason: &r.withdrawn,
        }),
        tags: term_views(site, &urls, item, TaxonomyName::Tags, &item.tags),
        categories: term_views(
            site,
            &urls,
            item,
            TaxonomyName::Categories,
            &item.categories,
        ),
        authors: item
            .authors
            .iter()
            .map(|a| person_view(site, &urls, a, true, &item.lang))
            .collect(),
        dateline: &item.dateline,
        image: &item.image,
        image_url: item
            .image
            .as_deref()
            .map(|i| super::structured::absolute(config, &item.path, i)),
        image_path: image_path(item),
        thumbnail: thumbnail(item),
        reading_time: r.reading_time,
        word_count: r.words,
        extra: &item.extra,
        fallback,
        event: event_view(&urls, item),
    }
}

/// A correction, clarification or editorial note on the item's page.
#[derive(Serialize)]
struct NoticeView<'a> {
    id: &'a str,
    anchor: &'a str,
    date: String,
    kind: NoticeKind,
    note: Option<String>,
}

/// An update on the item's page.
#[derive(Serialize)]
struct UpdateView<'a> {
    id: &'a str,
    anchor: &'a str,
    date: String,
    body: Option<&'a String>,
}

/// A fact sheet row.
#[derive(Serialize)]
struct FactView<'a> {
    label: &'a str,
    value: &'a str,
}

/// A source the page cites, numbered as in the text.
#[derive(Serialize)]
struct CitedSourceView<'a> {
    #[serde(flatten)]
    source: SourceView<'a>,
    number: usize,
    anchor: String,
    backrefs: &'a [String],
}

/// An item as its own page sees it: the summary view plus body, sources, notices and the rest.
#[derive(Serialize)]
pub struct ItemPage<'s, 'a> {
    #[serde(flatten)]
    summary: &'s ItemSummary<'a>,
    content: &'a str,
    /// The summary shown above the body: only a summary the writer gave (`summary` in front
    /// matter). A summary cut from the body would show its first paragraph twice.
    standfirst: Option<&'a str>,
    /// The front-matter `image` as a `<picture>` when it is a local photo, else null.
    lead_image: &'a Option<String>,
    contacts: Vec<Option<PersonView<'a>>>,
    boilerplate: &'a Option<String>,
    sources: Vec<CitedSourceView<'a>>,
    corrections: Vec<NoticeView<'a>>,
    revisions: Vec<NoticeView<'a>>,
    updates: Vec<UpdateView<'a>>,
    facts: Vec<FactView<'a>>,
    toc: &'a [TocEntry],
    /// The URL of the item's wire text (`index.txt`), for releases and statements.
    text_url: Option<String>,
    /// The press kits (or kits' files) its front matter names, for its "Media kit" block.
    media: Vec<media::KitView<'a>>,
    /// Also the page's `translations`.
    pub translations: Vec<TranslationView<'a>>,
}

/// An item as its own page sees it, around its `summary` (made once per build: its list
/// pages show it too).
pub fn item_page<'s, 'a>(
    site: &'a Site,
    config: &'a Config,
    id: ItemId,
    summary: &'s ItemSummary<'a>,
) -> ItemPage<'s, 'a> {
    let urls = Urls { config };
    let item = &site.items[id];
    let r = &item.rendered;
    let notice = |i: usize| {
        let n = &item.notices[i];
        NoticeView {
            id: &n.id,
            anchor: &n.id,
            date: rfc3339(n.date, &item.tz),
            kind: n.kind,
            note: r.notices.get(i).cloned(),
        }
    };
    let editorial = |i: &usize| item.notices[*i].kind == NoticeKind::Editorial;
    ItemPage {
        summary,
        content: &r.html,
        standfirst: item.summary.is_some().then_some(r.summary_html.as_str()),
        lead_image: &r.lead_image,
        contacts: item
            .contacts
            .iter()
            .map(|c| person_view(site, &urls, c, false, &item.lang))
            .collect(),
        boilerplate: &r.boilerplate,
        sources: cited_sources(site, &urls, item),
        corrections: (0..item.notices.len())
            .filter(|i| !editorial(i))
            .map(notice)
            .collect(),
        // Corrections also stand at the top of the page: repeat them without anchor ids.
        revisions: (0..item.notices.len())
            .map(|i| {
                let mut v = notice(i);
                if !editorial(&i) {
                    let note = v.note.as_deref().unwrap_or("");
                    v.note = Some(crate::markdown::without_citation_ids(note));
                }
                v
            })
            .collect(),
        updates: item
            .updates
            .iter()
            .enumerate()
            .map(|(i, u)| UpdateView {
                id: &u.id,
                anchor: &u.id,
                date: rfc3339(u.date, &item.tz),
                body: r.updates.get(i),
            })
            .collect(),
        facts: r
            .facts
            .iter()
            .map(|(label, value)| FactView { label, value })
            .collect(),
        toc: &r.toc,
        text_url: super::wire::has_text(item).then(|| config.url(&super::wire::text_path(item))),
        media: media::item_kits(site, config, item),
        translations: item_translations(site, config, id),
    }
}

/// The sources an item cites, in citation order, each resolved on the page or site-wide.
fn cited_sources<'a>(site: &'a Site, urls: &Urls<'_>, item: &'a Item) -> Vec<CitedSourceView<'a>> {
    let site_sources: std::collections::HashMap<&str, &SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    item.rendered
        .sources
        .iter()
        .filter_map(|c| {
            let raw = item
                .sources
                .iter()
                .find(|s| s.id == c.id)
                .or_else(|| site_sources.get(c.id.as_str()).copied())?;
            Some(CitedSourceView {
                source: source_view(urls, raw, &item.tz, c.site_wide),
                number: c.number,
                anchor: format!("source-{}", c.id),
                backrefs: &c.backrefs,
            })
        })
        .collect()
}

/// A source record as templates see it; `page_url` only for site-wide sources (they have
/// pages).
#[derive(Serialize)]
pub struct SourceView<'a> {
    id: &'a str,
    title: &'a str,
    url: &'a Option<String>,
    publisher: &'a Option<String>,
    date: Option<String>,
    archived: &'a Option<String>,
    note: &'a Option<String>,
    page_url: Option<String>,
}

/// A source record; `page_url` only for site-wide sources (they have pages).
pub fn source_view<'a>(
    urls: &Urls<'_>,
    s: &'a SourceRaw,
    tz: &jiff::tz::TimeZone,
    site_wide: bool,
) -> SourceView<'a> {
    let date = s
        .date
        .as_ref()
        .and_then(|d| crate::dates::parse_in(&d.0, tz).ok())
        .map(|d| rfc3339(d, tz));
    SourceView {
        id: &s.id,
        title: &s.title,
        url: &s.url,
        publisher: &s.publisher,
        date,
        archived: &s.archived,
        note: &s.note,
        page_url: site_wide.then(|| urls.url(&format!("/sources/{}/", s.id))),
    }
}

/// Where a paginated list's page stands, and the items it shows.
#[derive(Serialize)]
pub struct Paginator {
    /// The summaries of the items on this page.
    pub pages: Vec<Value>,
    /// This page's number, from 1.
    pub current_index: usize,
    /// How many pages (Zola's name).
    pub number_pagers: usize,
    /// How many pages.
    pub total_pages: usize,
    /// Items per page.
    pub paginate_by: usize,
    /// The first page's URL.
    pub first: String,
    /// The last page's URL.
    pub last: String,
    /// The previous page's URL.
    pub previous: Option<String>,
    /// The next page's URL.
    pub next: Option<String>,
}

impl Paginator {
    /// The template value, with the summaries moved in: serializing it copied every summary
    /// once more per list page, on top of the copy the list's own `pages` holds.
    pub fn into_value(self) -> Value {
        let url = |u: Option<String>| u.map_or(Value::Null, Value::String);
        let mut map = serde_json::Map::new();
        // In the struct's order, as `to_value` wrote them.
        map.insert("pages".into(), Value::Array(self.pages));
        map.insert("current_index".into(), self.current_index.into());
        map.insert("number_pagers".into(), self.number_pagers.into());
        map.insert("total_pages".into(), self.total_pages.into());
        map.insert("paginate_by".into(), self.paginate_by.into());
        map.insert("first".into(), Value::String(self.first));
        map.insert("last".into(), Value::String(self.last));
        map.insert("previous".into(), url(self.previous));
        map.insert("next".into(), url(self.next));
        Value::Object(map)
    }
}

/// A page that exists in every language, in another language.
#[derive(Serialize)]
pub struct Alternate<'a> {
    /// Language code.
    pub lang: &'a str,
    /// Language name.
    pub name: &'a str,
    /// Absolute URL.
    pub permalink: String,
    /// URL.
    pub url: String,
    /// The language's site title.
    pub title: &'a str,
}

/// An item page's section.
#[derive(Serialize)]
pub struct SectionRef<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: String,
    /// Language.
    pub lang: &'a str,
}

/// The latest items of each kind on a language's home page.
#[derive(Serialize)]
pub struct Latest {
    /// Releases and statements.
    pub press: Vec<Value>,
    /// Blog posts.
    pub posts: Vec<Value>,
    /// Fact sheets.
    pub factsheets: Vec<Value>,
    /// Items with an event that has not ended at the build's clock, soonest first.
    pub events: Vec<Value>,
}

/// A title and a URL.
#[derive(Serialize)]
pub struct Link<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: String,
}

/// A section as its list page sees it (the page's items are added as `pages`).
#[derive(Serialize)]
pub struct SectionView<'a> {
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a Option<String>,
    /// The `_index.md` body's HTML.
    pub content: &'a str,
    /// URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Language.
    pub lang: &'a str,
    /// Child sections.
    pub subsections: Vec<Link<'a>>,
    /// `[extra]`.
    pub extra: &'a serde_json::Value,
}

/// A term with the number of items it lists.
#[derive(Serialize)]
pub struct TermCount<'a> {
    /// As written.
    pub name: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// URL of its page.
    pub url: String,
    /// Items listed.
    pub count: usize,
}

/// A taxonomy in one language, with its terms.
#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    /// `tags` or `categories`.
    pub name: TaxonomyName,
    /// URL of its list page.
    pub url: String,
    /// Its terms ([`TermCount`]s).
    pub terms: &'a [Value],
}

/// An author as their page and the authors page see them (the bio stays Markdown here).
#[derive(Serialize)]
pub struct AuthorView<'a> {
    /// Id in `data/authors.toml`.
    pub id: &'a str,
    /// The record.
    #[serde(flatten)]
    pub person: &'a crate::content::data::Person,
    /// URL of their page.
    pub url: String,
    /// Items they wrote that are listed.
    pub count: usize,
    /// Their portrait photo, when `photo` is set.
    pub photo: Option<PhotoView>,
}

/// A top-level section in the navigation.
#[derive(Serialize)]
pub struct NavSection<'a> {
    /// Folder.
    pub dir: &'a str,
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: String,
    /// What it lists: the kind most of its items have (`release`, `post`, …), for the
    /// filter by kind.
    pub lists: &'static str,
}

/// A related item as an item page lists it: what a link to it needs, and a preview's badges.
#[derive(Serialize)]
pub struct RelatedItem<'a> {
    title: &'a str,
    url: &'a str,
    date: Option<&'a str>,
    draft: bool,
    embargo: Option<&'a str>,
    standby: bool,
    /// The item's time zone name, for the embargo badge's abbreviation.
    timezone: &'a str,
}

/// A related item of an item page, from its summary (made once per build, with the URL and
/// dates this view repeats).
pub fn related_item<'a>(summary: &'a ItemSummary<'_>) -> RelatedItem<'a> {
    RelatedItem {
        title: summary.title,
        url: &summary.url,
        date: summary.date.as_deref(),
        draft: summary.draft,
        embargo: summary.embargo.as_deref(),
        standby: summary.standby,
        timezone: summary.timezone,
    }
}

/// One feed file of a list, for the subscribe menu.
#[derive(Serialize)]
pub struct FeedFile {
    /// `atom`, `rss` or `json`: the theme names the format.
    pub format: &'static str,
    /// MIME type.
    #[serde(rename = "type")]
    pub mime: &'static str,
    /// URL.
    pub url: String,
}

/// A list readers can subscribe to (a language's whole newsroom, a section, the corrections),
/// with its three feed files.
#[derive(Serialize)]
pub struct SubscribeGroup<'a> {
    /// `all` (the language's site feed), `section` or `corrections`: the theme words the
    /// title of `all` and `corrections` itself, in the page's language.
    pub kind: &'static str,
    /// The section's title (empty for `all` and `corrections`).
    pub title: &'a str,
    /// What a section lists (`release`, `statement`, `post`, `factsheet`, `page`: the kind
    /// most of its items have), so the subscribe page can say in words what the feed brings;
    /// empty for `all` and `corrections`.
    pub lists: &'static str,
    /// The URL of the list page the feeds follow.
    pub url: String,
    /// Atom, RSS and JSON Feed, in that order.
    pub feeds: Vec<FeedFile>,
}

impl<'a> SubscribeGroup<'a> {
    /// The group of the list whose first page is at site path `base`, with the feed files
    /// named as `[feeds]` names them there (`render::feeds::names_at`).
    pub fn new(
        config: &Config,
        names: &crate::config::FeedNames,
        kind: &'static str,
        title: &'a str,
        base: &str,
    ) -> Self {
        let file = |name: &str| config.url(&format!("{base}{name}"));
        SubscribeGroup {
            kind,
            title,
            lists: "",
            url: config.url(base),
            feeds: vec![
                FeedFile {
                    format: "atom",
                    mime: "application/atom+xml",
                    url: file(&names.atom),
                },
                FeedFile {
                    format: "rss",
                    mime: "application/rss+xml",
                    url: file(&names.rss),
                },
                FeedFile {
                    format: "json",
                    mime: "application/feed+json",
                    url: file(&names.json),
                },
            ],
        }
    }
}

impl SubscribeGroup<'_> {
    /// The same group, saying what kind of item it lists.
    pub fn listing(mut self, kind: &'static str) -> Self {
        self.lists = kind;
        self
    }
}

/// The e-mail sign-up form of a subscribe page (`[subscribe]`), with the privacy note in the
/// page's language.
#[derive(Serialize)]
pub struct SignupView<'a> {
    /// The provider's form URL.
    pub action: &'a str,
    /// The address field's name.
    pub field: &'a str,
    /// Hidden fields: `{name, value}`.
    pub hidden: Vec<NameValue<'a>>,
    /// The privacy note (HTML).
    pub privacy: String,
}

/// A form field's name and value.
#[derive(Serialize)]
pub struct NameValue<'a> {
    /// Name.
    pub name: &'a str,
    /// Value.
    pub value: &'a str,
}

/// The sign-up form of `lang`'s subscribe page, when the site has one.
pub fn signup_view<'a>(config: &'a Config, lang: &str) -> Option<SignupView<'a>> {
    let form = config.email_signup.as_ref()?;
    Some(SignupView {
        action: &form.action,
        field: &form.field,
        hidden: form
            .hidden
            .iter()
            .map(|(name, value)| NameValue { name, value })
            .collect(),
        privacy: markdown_inline(
            config
                .language(lang)
                .subscribe_privacy
                .as_deref()
                .unwrap_or_default(),
        ),
    })
}

/// A year of a section's archive.
#[derive(Serialize)]
pub struct ArchiveYear {
    /// The year, in the items' own zones.
    pub year: i16,
    /// How many items the section lists in it.
    pub count: usize,
    /// URL of its archive page.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A summary with every optional field set (`full`) or none (`!full`).
    fn summary<'a>(full: bool, extra: &'a Value, text: &'a Option<String>) -> ItemSummary<'a> {
        let person = PersonView {
            id: "ann",
            name: "Ann",
            role: full.then_some("CEO"),
            bio: full.then(|| "<em>Bio</em>".to_string()),
            email: text,
            phone: text,
            image: text,
            photo: None,
            url: full.then(|| "/authors/ann/".to_string()),
        };
        let term = TermView {
            name: "Grid",
            slug: "grid".into(),
            url: full.then(|| "/tags/grid/".to_string()),
        };
        let some = |s: &str| full.then(|| s.to_string());
        ItemSummary {
            title: "Title",
            kind: Kind::Release,
            lang: "en",
            slug: "title",
            url: "/press/title/".into(),
            permalink: "https://x.example/press/title/".into(),
            summary: "<p>Sum</p>",
            description: "Sum",
            date: some("2026-01-02T03:04:05Z"),
            updated: some("2026-01-03T03:04:05Z"),
            timezone: "UTC",
            draft: full,
            standby: !full,
            embargo: some("2027-01-01T00:00:00Z"),
            unlisted: full,
            withdrawn: full.then_some(WithdrawnView {
                date: "2026-02-01T00:00:00Z".into(),
                reason: text,
            }),
            tags: vec![term],
            categories: Vec::new(),
            authors: vec![Some(person), None],
            dateline: text,
            image: text,
            image_url: some("https://x.example/press/title/a.jpg"),
            image_path: some("press/title/a.jpg"),
            thumbnail: full.then_some(ThumbnailView {
                url: "/a-320.jpg",
                avif: Some("/a-320.avif"),
                webp: None,
                width: 320,
                height: 240,
            }),
            reading_time: 3,
            word_count: 612,
            extra,
            fallback: full.then_some(FallbackView {
                lang: "fr",
                name: "Français",
                url: some("/fr/press/title/"),
                permalink: None,
            }),
            event: full.then_some(EventView {
                start: "2026-05-01T09:00:00+02:00".into(),
                end: None,
                timezone: "Europe/Paris",
                location: text,
                online: text,
                registration: text,
                ics_url: "/press/title/event.ics".into(),
            }),
        }
    }

    #[test]
    fn card_is_the_serialized_summary() {
        let extra = json!({"b": [1, {"c": null}], "a": "x"});
        for full in [true, false] {
            let text = full.then(|| "PARIS".to_string());
            let s = summary(full, &extra, &text);
            assert_eq!(s.card(), to_value(&s), "full: {full}");
        }
    }

    /// Written in key order, the map is built in one pass (else it is sorted first).
    #[test]
    fn card_fields_are_in_key_order() {
        let (extra, text) = (json!({}), None);
        let keys = summary(false, &extra, &text).card_fields().map(|(k, _)| k);
        assert!(keys.is_sorted(), "{keys:?}");
    }
}
