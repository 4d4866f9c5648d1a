//! What the Markdown stage adds to an item: its HTML, plain text measures, table of contents,
//! cited sources and the links and anchors `check` audits. The model owns these types so that
//! data flows one way: the model is assembled, [`crate::markdown`] fills [`Rendered`] in, and
//! rendering reads it; the model never calls into the Markdown stage.

/// One entry of a table of contents.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct TocEntry {
    /// Heading level (2 for `##`).
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A source as cited on one page: its number and the anchors of its citations.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CitedSource {
    /// The source's id.
    pub id: String,
    /// 1-based number shown in the text, by order of first citation.
    pub number: usize,
    /// Ids of the citation anchors in the text (`cite-id-1`, ...).
    pub backrefs: Vec<String>,
    /// Whether it is a site-wide source (from `data/sources.toml`).
    pub site_wide: bool,
}

/// Everything the Markdown pass produces for one item.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Body HTML.
    pub html: String,
    /// Summary HTML.
    pub summary_html: String,
    /// Summary as plain text (meta descriptions).
    pub summary_text: String,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Word count of the body.
    pub words: usize,
    /// Minutes to read.
    pub reading_time: usize,
    /// Sources in citation order (cited first, then uncited page sources).
    pub sources: Vec<CitedSource>,
    /// Fact-sheet rows: label and value HTML.
    pub facts: Vec<(String, String)>,
    /// HTML of each notice's note, parallel to `Item::notices`.
    pub notices: Vec<String>,
    /// HTML of each update's body, parallel to `Item::updates`.
    pub updates: Vec<String>,
    /// HTML of the withdrawal reason.
    pub withdrawn: Option<String>,
    /// HTML of the boilerplate.
    pub boilerplate: Option<String>,
    /// Link destinations found in the Markdown (for `check`).
    pub links: Vec<Link>,
    /// Plain texts of the item's notes and updates as written, for JSON-LD.
    pub plain: PlainTexts,
    /// Heading and footnote ids on the page (for `check`'s fragment test).
    pub anchors: Vec<String>,
    /// The front-matter `image`, when it is a local photo, as a `<picture>` loaded at once
    /// (the lead image is the first thing a reader sees: never lazy).
    pub lead_image: Option<String>,
}

/// A link destination as written in an item's Markdown.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The destination, as written.
    pub url: String,
    /// Byte offset in the item's file where the destination is written (for a link that a
    /// transform wrote, where the transform's source starts); None for links in front matter.
    pub at: Option<usize>,
}

/// An item's notes and updates as plain text, read without smart punctuation (JSON-LD quotes
/// what the writer typed). The search index's text is not kept here: it would hold a copy of
/// every body for the whole build; search asks [`crate::markdown`] for it item by item.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlainTexts {
    /// Each notice's note on one line, code kept; parallel to `Item::notices`.
    pub notices: Vec<String>,
    /// Each update's body on one line, code kept; parallel to `Item::updates`.
    pub updates: Vec<String>,
}
