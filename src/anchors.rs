//! Heading ids in the style of the generator a site comes from (`heading_ids` in `site.toml`),
//! so the `#anchors` that old links, tables of contents and other sites point at keep working
//! after a move. Each style is its generator's rule reproduced, apostrophes, emoji, accents and
//! all; an explicit `{#id}` in the heading is used as written whatever the style.

use serde::Deserialize;

/// How a heading without an explicit `{#id}` gets its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadingIds {
    /// pressroom's own: letters and digits of every script kept, lowercased, the rest joined
    /// by single `-`; apostrophes dropped ("What's new" → `whats-new`).
    #[default]
    Pressroom,
    /// Zola's (`slugify.anchors = "on"`, its default): transliterated to ASCII, lowercased, the
    /// rest joined by single `-` ("What's next" → `what-s-next`, "Été" → `ete`,
    /// "🦀 Rust" → `crab-rust`).
    Zola,
    /// GitHub's, which Hugo (`autoHeadingIDType = "github"`, its default) and Jekyll (kramdown
    /// with GFM input, its default) follow: lowercased, punctuation and symbols (emoji too)
    /// dropped, letters of every script kept, each space a `-` ("What's next?" → `whats-next`,
    /// "A & B" → `a--b`).
    Github,
    /// kramdown's own (Jekyll with `input: kramdown`): leading characters up to the first
    /// ASCII letter dropped, then everything but ASCII letters, digits, spaces and `-`, each
    /// space a `-` ("1. Été" → `t`).
    Kramdown,
}

impl HeadingIds {
    /// The id of a heading whose text is `text`, before duplicates get their `-1`, `-2` (the
    /// suffix rule all four styles share). May be empty; the caller gives those `section`.
    pub fn id(self, text: &str) -> String {
        match self {
            HeadingIds::Pressroom => crate::slug::slugify(text),
            HeadingIds::Zola => zola(text),
            HeadingIds::Github => github(text),
            HeadingIds::Kramdown => kramdown(text),
        }
    }
}

/// Zola's anchors: the `slug` crate's `slugify`. Each non-ASCII character is transliterated
/// (deunicode; one it cannot is a separator), then ASCII letters and digits are kept in
/// lowercase and every run of anything else becomes one `-`, none at either end.
fn zola(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = true; // no leading `-`
    let mut push = |b: u8| {
        if b.is_ascii_alphanumeric() {
            out.push(b.to_ascii_lowercase() as char);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c as u8);
        } else {
            deunicode::deunicode_char(c)
                .unwrap_or("-")
                .bytes()
                .for_each(&mut push);
        }
    }
    if out.ends_with('-') {
        out.pop();
    }
    out
}

/// github-slugger's rule: lowercase, drop every character that is not a letter, mark, number,
/// connector punctuation (`_`), `-` or space, then each space becomes `-` (runs not folded).
fn github(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|&c| {
            c.is_alphanumeric()
                || unicode_normalization::char::is_combining_mark(c)
                || matches!(c, '_' | '-' | ' ' | '\u{203F}' | '\u{2040}')
        })
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// kramdown's `basic_generate_id`: drop everything before the first ASCII letter, then every
/// character but ASCII letters, digits, spaces and `-`; spaces become `-`; lowercase.
fn kramdown(text: &str) -> String {
    let start = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    text[start..]
        .chars()
        .filter(|&c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::HeadingIds::{self, *};

    fn ids(style: HeadingIds, cases: &[(&str, &str)]) {
        for (heading, id) in cases {
            assert_eq!(style.id(heading), *id, "{style:?} id of {heading:?}");
        }
    }

    /// Headings as Zola 0.19 writes their ids (slugify.anchors = "on").
    #[test]
    fn zola_ids() {
        ids(
            Zola,
            &[
                ("What's next?", "what-s-next"),
                ("What’s next?", "what-s-next"),
                (
                    "Announcing Rust 1.85.0 and Rust 2024",
                    "announcing-rust-1-85-0-and-rust-2024",
                ),
                ("Été à Montréal", "ete-a-montreal"),
                ("🦀 Rust in production", "crab-rust-in-production"),
                (
                    "Cargo.toml: the `[lints]` table",
                    "cargo-toml-the-lints-table",
                ),
                ("  --all-features  ", "all-features"),
                ("C++ & Rust", "c-rust"),
                ("Straße", "strasse"),
                ("...", ""),
            ],
        );
    }

    /// Headings as GitHub, Hugo (goldmark, "github") and Jekyll (kramdown GFM) write them.
    #[test]
    fn github_ids() {
        ids(
            Github,
            &[
                ("What's next?", "whats-next"),
                ("What’s next?", "whats-next"),
                (
                    "Announcing Rust 1.85.0 and Rust 2024",
                    "announcing-rust-1850-and-rust-2024",
                ),
                ("Été à Montréal", "été-à-montréal"),
                ("🦀 Rust in production", "-rust-in-production"),
                (
                    "Cargo.toml: the `[lints]` table",
                    "cargotoml-the-lints-table",
                ),
                ("C++ & Rust", "c--rust"),
                ("snake_case and kebab-case", "snake_case-and-kebab-case"),
                ("서울 공장", "서울-공장"),
            ],
        );
    }

    /// Headings as kramdown (`input: kramdown`, auto_ids on) writes them.
    #[test]
    fn kramdown_ids() {
        ids(
            Kramdown,
            &[
                ("What's next?", "whats-next"),
                (
                    "Announcing Rust 1.85.0 and Rust 2024",
                    "announcing-rust-1850-and-rust-2024",
                ),
                ("1. Introduction", "introduction"),
                ("Été à Montréal", "t--montral"),
                ("🦀 Rust in production", "rust-in-production"),
                ("C++ & Rust", "c--rust"),
                ("서울 공장", ""),
            ],
        );
    }

    #[test]
    fn pressroom_ids_are_unchanged() {
        ids(
            Pressroom,
            &[
                ("What's next?", "whats-next"),
                ("Été à Montréal", "été-à-montréal"),
                ("서울 공장", "서울-공장"),
            ],
        );
    }
}
