//! The Markdown dialect content is written in. Every reader of a body parses it with these
//! options: the Markdown stage, and the publication ledger's body hash (a recorded format: a
//! change here changes the hashes in every `published.lock`).

use pulldown_cmark::Options;

/// The Markdown extensions pressroom reads (the ledger parses bodies the same way).
pub fn parse_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}
