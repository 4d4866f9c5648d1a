//! The placeholder text `pressroom new` writes, and the check that none of it is published:
//! an item still saying "CITY" or "First paragraph: who, what, when…" once it is no longer a
//! draft is an error at the placeholder's line. `scaffold` writes these very constants, so the
//! two cannot drift apart.

use super::ParsedItem;
use crate::diag::{Diagnostic, LineIndex};

/// A release's dateline.
pub const DATELINE: &str = "CITY";
/// Every kind's (commented-out) summary.
pub const SUMMARY: &str = "One or two sentences for lists and feeds (optional)";
/// A release's first paragraph.
pub const RELEASE_LEAD: &str = "First paragraph: who, what, when, where, why.";
/// A release's quote.
pub const RELEASE_QUOTE: &str = "Quote from a spokesperson.";
/// A statement's text.
pub const STATEMENT_BODY: &str = "The facts as we know them, with evidence.";
/// A fact sheet's introduction.
pub const FACTSHEET_INTRO: &str = "A short introduction.";
/// A post's text.
pub const POST_BODY: &str = "Write the post here.";
/// A statement's source URL.
pub const SOURCE_URL: &str = "https://";
/// What `new --translate` puts before the text a translator replaces (title, summary, body).
pub const TRANSLATE: &str = "TRANSLATE:";

/// Body lines that are `new`'s text (a line starting with one of these is a placeholder).
const BODY: &[&str] = &[
    RELEASE_LEAD,
    RELEASE_QUOTE,
    STATEMENT_BODY,
    FACTSHEET_INTRO,
    POST_BODY,
    TRANSLATE,
];

/// Finds any of [`BODY`] in one pass over a text (built once: it never changes). Leftmost
/// matching lets it use its SIMD searcher (Teddy); the standard kind looked at every capital
/// letter a placeholder starts with, which made it slower than six `str::contains` passes.
static ANY_BODY: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(BODY)
        .expect("the placeholders are a handful of short strings")
});

/// Errors for each placeholder a non-draft item still carries (none for a draft).
pub fn check(item: &ParsedItem) -> Vec<Diagnostic> {
    let f = &item.front;
    if f.draft {
        return vec![];
    }
    let mut errors = Vec::new();
    if f.title
        .as_deref()
        .is_some_and(|t| t.trim_start().starts_with(TRANSLATE))
    {
        errors.push(
            item.error_at_key(
                "title",
                "`title` is still `pressroom new --translate`'s placeholder",
            )
            .with_help("write the translated title"),
        );
    }
    if f.dateline.as_deref().map(str::trim) == Some(DATELINE) {
        errors.push(
            item.error_at_key("dateline", "`dateline` is still the placeholder `CITY`")
                .with_help("write the city the release comes from, e.g. `dateline = \"LONDON\"`"),
        );
    }
    if f.summary.as_deref().map(str::trim) == Some(SUMMARY) {
        errors.push(
            item.error_at_key(
                "summary",
                "`summary` is still `pressroom new`'s placeholder",
            )
            .with_help("write one or two sentences for lists and feeds, or remove the line"),
        );
    }
    if f.sources
        .iter()
        .any(|s| s.url.as_deref() == Some(SOURCE_URL))
    {
        errors.push(
            item.error_at_key(
                "sources",
                "a source's `url` is still the placeholder `https://`",
            )
            .with_help("give the address of the document, or remove the `url` line"),
        );
    }
    // Most bodies carry none: one pass for all of them says so before any line is looked
    // at, and lines are numbered only for a body that does. This runs over every body of
    // every build: six `str::contains` passes were ~2% of a 10k-item rebuild's CPU.
    if !ANY_BODY.is_match(item.body()) {
        return errors;
    }
    let lines = LineIndex::new(&item.text);
    let mut offset = item.body_offset;
    for line in item.body().split_inclusive('\n') {
        let text = line.trim_start();
        if let Some(placeholder) = BODY.iter().find(|p| text.starts_with(**p)) {
            let (l, c) = lines.position(offset + (line.len() - text.len()));
            errors.push(
                Diagnostic::error(
                    &item.src.rel,
                    l,
                    c,
                    format!("`{placeholder}` is `pressroom new`'s placeholder text"),
                )
                .with_help("replace it with the item's own text before publishing (or keep `draft = true`)"),
            );
        }
        offset += line.len();
    }
    errors
}
