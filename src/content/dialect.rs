//! The Markdown dialect content is written in. Every reader of a body parses it with these
//! options: the Markdown stage (with the site's choices, [`Dialect`]), and the publication
//! ledger's body hash (a recorded format: a change to [`Dialect::LEDGER`]'s options changes
//! the hashes in every `published.lock`).

use crate::anchors::HeadingIds;
use crate::config::{Config, Footnotes};
use pulldown_cmark::Options;

/// The extensions every body is read with, whatever the site chooses: they decide its
/// structure (tables, footnotes, code, heading ids, GitHub's `> [!NOTE]` callouts). (The
/// callouts' `ENABLE_GFM` moves no code, so the ledger's body hashes stay as they were.)
fn structure_options() -> Options {
    Options::ENABLE_GFM
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What a site chooses of the dialect in `site.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// `--` and `---` become dashes, `...` an ellipsis, straight quotes curly
    /// (`smart_punctuation`, on unless the site turns it off).
    pub smart_punctuation: bool,
    /// The style of heading ids (`heading_ids`; see [`crate::anchors`]).
    pub heading_ids: HeadingIds,
    /// Footnotes listed at the end with back-links (`footnotes = "bottom"`), rather than
    /// where they are defined.
    pub bottom_footnotes: bool,
}

/// A site without the settings: smart punctuation on (what pressroom always did).
impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            smart_punctuation: true,
            heading_ids: HeadingIds::Pressroom,
            bottom_footnotes: false,
        }
    }
}

impl Dialect {
    /// The dialect the ledger reads bodies in, whatever the site's settings: it looks only at
    /// where code is, which no setting changes, and its hashes must not move with a setting.
    pub const LEDGER: Dialect = Dialect {
        smart_punctuation: true,
        heading_ids: HeadingIds::Pressroom,
        bottom_footnotes: false,
    };

    /// The site's dialect.
    pub fn of(config: &Config) -> Dialect {
        Dialect {
            smart_punctuation: config.smart_punctuation,
            heading_ids: config.heading_ids,
            bottom_footnotes: config.footnotes == Footnotes::Bottom,
        }
    }

    /// The pulldown-cmark options for this dialect.
    pub fn options(self) -> Options {
        if self.smart_punctuation {
            structure_options() | Options::ENABLE_SMART_PUNCTUATION
        } else {
            structure_options()
        }
    }
}

/// Any dialect read literally: the text as the writer typed it, for plain texts that quote it
/// (JSON-LD strings, the search index's `4'200`).
pub fn literal_options() -> Options {
    structure_options()
}
