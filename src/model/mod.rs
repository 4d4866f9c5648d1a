//! The site model: the immutable content graph that assembly builds from parsed content and
//! that rendering only reads. Items, sections, taxonomies, people and sources, with URLs resolved.

pub mod assemble;
pub mod event;
pub mod file_sums;
pub mod ledger;
pub mod library;
pub mod media;
pub mod picture;
pub mod publication;
pub mod record;
pub mod rendered;

use crate::content::SourceFile;
use crate::content::data::Person;
use crate::content::frontmatter::{Kind, NoticeKind, SortBy, SourceRaw};
use crate::paths::SitePath;
use indexmap::IndexMap;
use jiff::Timestamp;
use jiff::tz::TimeZone;
pub use publication::{Publication, Surface};
use rendered::Rendered;

/// Index of an item in [`Site::items`]; valid only inside one `Site`.
pub type ItemId = usize;

/// Why an item carries a preview banner (shown only by `--drafts` builds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Preview {
    /// A draft.
    pub draft: bool,
    /// Embargoed until this time.
    pub embargo: Option<Timestamp>,
    /// A standby page.
    pub standby: bool,
}

/// A dated notice on an item: correction, clarification, editorial note.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    /// Stable id, also the anchor on the page (`correction-2026-11-19t10-00`).
    pub id: String,
    /// When.
    pub date: Timestamp,
    /// What kind.
    pub kind: NoticeKind,
    /// The note (Markdown).
    pub note: String,
}

/// One entry of a developing story's timeline.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Update {
    /// Stable id and anchor (`update-2026-11-19t10-00`).
    pub id: String,
    /// When.
    pub date: Timestamp,
    /// Markdown.
    pub body: String,
}

/// A withdrawal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Withdrawal {
    /// When.
    pub date: Timestamp,
    /// Why (Markdown).
    pub reason: String,
}

/// One content item (post, release, statement, fact sheet or page) in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Item {
    /// Where it came from.
    pub src: SourceFile,
    /// The whole source text (front matter and body).
    pub text: String,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// Language code.
    pub lang: String,
    /// Kind.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// Site path of its page, without base path: `/fr/press/launch/`.
    pub path: SitePath,
    /// Index in [`Site::sections`].
    pub section: usize,
    /// Publication time.
    pub date: Option<Timestamp>,
    /// Explicit `updated` from front matter.
    pub updated_explicit: Option<Timestamp>,
    /// Its time zone, the one [`Item::tz_name`] names (so fingerprints read the name).
    #[serde(skip)]
    pub tz: TimeZone,
    /// IANA name of `tz`.
    pub tz_name: String,
    /// Summary from front matter (Markdown).
    pub summary: Option<String>,
    /// Where it appears: decided once, in assembly (see [`publication`]).
    pub publication: Publication,
    /// Preview banners.
    pub preview: Preview,
    /// Tags.
    pub tags: Vec<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// Author ids (validated).
    pub authors: Vec<String>,
    /// Contact ids (validated).
    pub contacts: Vec<String>,
    /// Dateline, e.g. `SAN DIEGO`.
    pub dateline: Option<String>,
    /// The About paragraph (Markdown), releases only, from the item or the site.
    pub boilerplate: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// The lead image's caption, credit, copyright and licence as the front matter gives them
    /// (`image_caption`, ...): they win over the photo's EXIF.
    pub image_meta: picture::ImageMeta,
    /// The press kits (or kits' files) it shows in its "Media kit" block, as written
    /// (`q3-2026`, `q3-2026/ceo.jpg`); checked against [`Site::media`].
    pub media: Vec<String>,
    /// Sort weight.
    pub weight: i64,
    /// Page-level sources.
    pub sources: Vec<SourceRaw>,
    /// Corrections, clarifications and editorial notes, newest first.
    pub notices: Vec<Notice>,
    /// Updates, newest first.
    pub updates: Vec<Update>,
    /// The withdrawal, if any.
    pub withdrawn: Option<Withdrawal>,
    /// The event it announces (`[event]`), if any.
    pub event: Option<event::Event>,
    /// Fact sheet rows, in order.
    pub facts: Vec<(String, String)>,
    /// `[extra]`.
    pub extra: serde_json::Value,
    /// Redirect paths (without base path), e.g. `/news/old/`.
    pub aliases: Vec<String>,
    /// Items that are translations of each other share this key.
    pub translation_key: String,
    /// For a stand-in page (a language without its own translation, with
    /// `translation_fallback` on): the language the content is written in.
    pub fallback: Option<String>,
    /// The local images of its body, ready for `<picture>`: filled by
    /// [`crate::images::process`] before the Markdown stage reads them.
    pub pictures: picture::Pictures,
    /// Rendered Markdown; filled by [`crate::markdown::render_all`].
    pub rendered: Rendered,
}

impl Item {
    /// Where the front matter writes alias `alias` (as normalized: `/news/old/`): the
    /// (line, column) of its text in the `aliases` list, else of the `aliases` key.
    pub fn alias_position(&self, alias: &str) -> (usize, usize) {
        let front = &self.text[..self.body_offset.min(self.text.len())];
        let key = crate::keys::find_key_offset(front, "aliases");
        let core = alias.trim_matches('/');
        // The alias as written may have lost a leading or trailing `/`: find its core, ended
        // by a quote, a list separator or the end of the line.
        let ends = |rest: &str| {
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            rest.is_empty() || rest.starts_with(['"', '\'', ',', ']', ' ', '\t', '\r', '\n'])
        };
        let found = front[key..]
            .match_indices(core)
            .find(|(i, _)| ends(&front[key + i + core.len()..]))
            .map(|(i, _)| key + i);
        let at = match found {
            // Point at the alias's opening quote or slash when it has one.
            Some(i) if front[..i].ends_with('/') => i - 1,
            Some(i) => i,
            None => key,
        };
        crate::diag::LineIndex::new(&self.text).position(at)
    }

    /// The modified time: the latest correction, update, withdrawal or explicit `updated`.
    pub fn modified(&self) -> Option<Timestamp> {
        let notices = self.notices.iter().map(|n| n.date);
        let updates = self.updates.iter().map(|u| u.date);
        let withdrawn = self.withdrawn.iter().map(|w| w.date);
        notices
            .chain(updates)
            .chain(withdrawn)
            .chain(self.updated_explicit)
            .max()
    }

    /// Its terms in one taxonomy.
    pub fn terms(&self, taxonomy: TaxonomyName) -> &[String] {
        match taxonomy {
            TaxonomyName::Tags => &self.tags,
            TaxonomyName::Categories => &self.categories,
        }
    }

    /// Whether it appears on `surface` (see [`publication`]).
    pub fn appears_in(&self, surface: Surface) -> bool {
        self.publication.appears_in(surface)
    }

    /// The language the text is written in (differs from `lang` on fallback pages).
    pub fn content_lang(&self) -> &str {
        self.fallback.as_deref().unwrap_or(&self.lang)
    }

    /// The item's stable id as first computed: its site's host, publication day and source
    /// file (`tag:example.com,2026-11-18:press/plant`). Once an item is published the ledger
    /// keeps the id it went out with, so renaming the file or correcting the date keeps it.
    pub fn tag(&self, host: &str) -> String {
        let day = self
            .date
            .map(|d| d.strftime("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "2000-01-01".into());
        let path = self
            .src
            .rel
            .trim_start_matches("content/")
            .trim_end_matches(".md");
        format!("tag:{host},{day}:{path}")
    }
}

/// A section's `_index.md`: the whole file is kept so that a diagnostic in its body can point
/// at its line and column.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SectionBody {
    /// The file.
    pub src: SourceFile,
    /// Its whole text.
    pub text: String,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
}

impl SectionBody {
    /// The Markdown body.
    pub fn markdown(&self) -> &str {
        &self.text[self.body_offset..]
    }
}

/// A folder of content in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Section {
    /// Folder relative to `content/` (`""` for the home page).
    pub dir: String,
    /// Language.
    pub lang: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Site path: `/`, `/press/`, `/fr/press/`.
    pub path: SitePath,
    /// The `_index.md` body, if there is one.
    pub body: Option<SectionBody>,
    /// Rendered body.
    pub content_html: String,
    /// Sort order.
    pub sort_by: SortBy,
    /// Items per page.
    pub paginate_by: usize,
    /// Whether the section has feeds.
    pub feed: bool,
    /// The file names of its feed when its `_index.md` (or the default language's) sets
    /// `[feeds]`; None: the site's. Asked through `render::feeds::names_at`.
    pub own_feeds: Option<OwnFeedNames>,
    /// Listed items, in sort order.
    pub items: Vec<ItemId>,
    /// Child sections (indexes into [`Site::sections`]), sorted by path.
    pub children: Vec<usize>,
    /// `[extra]`.
    pub extra: serde_json::Value,
}

/// A section's own feed file names, and where its `_index.md` sets them (for errors).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OwnFeedNames {
    /// The three names, the site's filling in those the section leaves out.
    pub names: crate::config::FeedNames,
    /// The `_index.md` that sets them (relative to the site's root).
    pub src: String,
    /// Line and column of its `[feeds]`.
    pub at: (usize, usize),
}

/// The two taxonomies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyName {
    /// `tags`.
    Tags,
    /// `categories`.
    Categories,
}

impl TaxonomyName {
    /// Both, in the order pages and feeds list them.
    pub const ALL: [TaxonomyName; 2] = [TaxonomyName::Tags, TaxonomyName::Categories];

    /// The name as it appears in URLs, front matter and templates.
    pub fn as_str(self) -> &'static str {
        match self {
            TaxonomyName::Tags => "tags",
            TaxonomyName::Categories => "categories",
        }
    }
}

impl std::fmt::Display for TaxonomyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A taxonomy in one language: `tags` or `categories`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Taxonomy {
    /// Which.
    pub name: TaxonomyName,
    /// Language.
    pub lang: String,
    /// Terms in the language's alphabetical order.
    pub terms: Vec<Term>,
}

/// One term of a taxonomy.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Term {
    /// As written (the first spelling seen).
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Listed items, newest first.
    pub items: Vec<ItemId>,
}

/// An item that is embargoed at this build's time: kept only for the embargo audit and the
/// next-lift report, never rendered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Withheld {
    /// Source file.
    pub rel: String,
    /// Title.
    pub title: String,
    /// Slug.
    pub slug: String,
    /// Site path it will have.
    pub path: SitePath,
    /// The redirects it will have (checked for collisions now, written when it is out).
    pub aliases: Vec<String>,
    /// Shared with its translations (which may be public already).
    pub translation_key: String,
    /// When it may be published.
    pub until: Timestamp,
}

/// The whole site, assembled.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Site {
    /// Every item that this build renders, sorted by source path.
    pub items: Vec<Item>,
    /// Every section in every language; the default language's home first.
    pub sections: Vec<Section>,
    /// Taxonomies per language.
    pub taxonomies: Vec<Taxonomy>,
    /// `data/authors.toml`.
    pub authors: IndexMap<String, Person>,
    /// `data/contacts.toml`.
    pub contacts: IndexMap<String, Person>,
    /// The authors' portrait photos (`photo` in `data/authors.toml`) by author id, as the
    /// image stage made them ready.
    pub portraits: std::collections::BTreeMap<String, picture::Picture>,
    /// `data/sources.toml`.
    pub sources: Vec<SourceRaw>,
    /// Content assets to copy: (site path, absolute source path).
    pub assets: Vec<(String, std::path::PathBuf)>,
    /// Embargoed items (not rendered).
    pub withheld: Vec<Withheld>,
    /// Drafts left out of this build (source paths).
    pub drafts: Vec<String>,
    /// Those drafts, assembled only so that their Markdown is checked (citations, footnotes):
    /// never rendered into a page, listed, fed, indexed or recorded.
    pub unpublished_drafts: Vec<Item>,
    /// Items by translation key, for the language switcher.
    pub translations: IndexMap<String, Vec<ItemId>>,
    /// The stable ids published items went out with, as the ledger keeps them (feeds use
    /// these; an item without one uses [`Item::tag`]).
    pub tags: std::collections::BTreeMap<ItemId, String>,
    /// The media library: press kits and their files (see [`media`]).
    pub media: media::Library,
}

impl Site {
    /// Sorts items newest first (undated last), then by path: the order of every list and
    /// feed.
    pub fn sort_newest_first(&self, ids: &mut [ItemId]) {
        ids.sort_by(|&a, &b| self.newest_first(a, b));
    }

    /// The order of [`Site::sort_newest_first`].
    pub fn newest_first(&self, a: ItemId, b: ItemId) -> std::cmp::Ordering {
        let (a, b) = (&self.items[a], &self.items[b]);
        b.date.cmp(&a.date).then(a.path.cmp(&b.path))
    }

    /// The next time an embargo lifts, for scheduling the rebuild that publishes it.
    pub fn next_embargo_lift(&self) -> Option<Timestamp> {
        self.withheld.iter().map(|w| w.until).min()
    }

    /// The items that are translations of `id` (not including itself), in site language order.
    pub fn translations_of(&self, id: ItemId) -> impl Iterator<Item = ItemId> + '_ {
        self.translations
            .get(&self.items[id].translation_key)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&other| other != id)
    }

    /// The authors that an item of this build names: only they get a page, a feed and an
    /// entry in the authors list. An author whom only an embargoed (or draft, or standby) item
    /// names stays unseen until that item is out: who speaks can be the news.
    pub fn authors_in_use(&self) -> std::collections::BTreeSet<&str> {
        self.written_items()
            .flat_map(|i| i.authors.iter().map(String::as_str))
            .collect()
    }

    /// The site-wide sources that an item of this build cites (known once its Markdown is
    /// rendered): only they get a page and an entry in the sources list.
    pub fn sources_in_use(&self) -> std::collections::BTreeSet<&str> {
        self.written_items()
            .flat_map(|i| i.rendered.sources.iter())
            .filter(|c| c.site_wide)
            .map(|c| c.id.as_str())
            .collect()
    }

    fn written_items(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|item| item.appears_in(Surface::Page))
    }
}
