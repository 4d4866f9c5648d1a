//! The media library's source files. `content/media/` holds press kits: each kit is a folder
//! with an `index.md` (its title, optional embargo, and the metadata of its files under
//! `[[assets]]`) beside the files themselves (photos, logos, PDFs, videos). They are read here,
//! apart from items: a kit is not an article (no body to render, no ledger record, no feeds),
//! and its files go online only with it, never as plain content assets.

use super::frontmatter::{self, Syntax};
use super::{Parsed, SourceFile};
use crate::dates::DateText;
use crate::diag::{Diagnostic, LineIndex};
use serde::Deserialize;
use std::path::PathBuf;

/// The folder under `content/` that holds the library, and its site path.
pub const DIR: &str = "media";

/// A kit's `index.md` front matter.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KitFront {
    /// Required: the kit's name on its page and cards.
    pub title: Option<String>,
    /// One or two sentences shown under the title.
    pub summary: Option<String>,
    /// When the kit was put together (sorts the library newest first).
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub date: Option<DateText>,
    /// Not published before this time, like an item's.
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub embargo: Option<DateText>,
    /// Not published unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Default credit of every file in the kit.
    pub credit: Option<String>,
    /// Default copyright notice of every file in the kit.
    pub copyright: Option<String>,
    /// Default licence key of every file in the kit.
    pub licence: Option<String>,
    /// The files' metadata, one entry per file (files without one are listed with what their
    /// EXIF says).
    #[serde(default)]
    pub assets: Vec<AssetRaw>,
}

/// One `[[assets]]` entry of a kit.
#[derive(Debug, Clone, Deserialize, Default, PartialEq, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssetRaw {
    /// The file, relative to the kit's folder (`ceo.jpg`, `logos/mark.svg`).
    pub file: String,
    /// Its name in the kit (default: the file name).
    pub title: Option<String>,
    /// What it shows, for journalists' captions.
    pub caption: Option<String>,
    /// Who made it (photographer, agency).
    pub credit: Option<String>,
    /// The copyright notice.
    pub copyright: Option<String>,
    /// A licence key: `cc0`, `cc-by-4.0`, `cc-by-sa-4.0`, `public-domain`, `editorial`,
    /// `all-rights-reserved`.
    pub licence: Option<String>,
    /// Alternative text; required for photos and graphics.
    pub alt: Option<String>,
    /// The language of the file's text or speech (`en`, `fr`), when it has one.
    pub language: Option<String>,
}

/// The library's own `content/media/_index.md`: the title and introduction of `/media/`.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LibraryFront {
    /// The library page's title (default: the theme's "Media library").
    pub title: Option<String>,
    /// A sentence shown under the title.
    pub summary: Option<String>,
}

/// A kit's `index.md`, parsed.
pub type ParsedKit = Parsed<KitFront>;

/// Everything under `content/media/`.
#[derive(Debug, Default)]
pub struct MediaFiles {
    /// `_index.md`, if there is one.
    pub intro: Option<Parsed<LibraryFront>>,
    /// Every kit's `index.md`, sorted by path.
    pub kits: Vec<ParsedKit>,
    /// Every other file: (path relative to `content/`, absolute path), sorted.
    pub files: Vec<(String, PathBuf)>,
}

/// Whether a path relative to `content/` lies in the library.
fn in_library(rel_content: &str) -> bool {
    rel_content
        .strip_prefix(DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Takes the library's files out of the walk's lists (they are not items or plain assets)
/// and reads its Markdown files.
pub fn take(
    markdown: &mut Vec<SourceFile>,
    assets: &mut Vec<(String, PathBuf)>,
    diags: &mut Vec<Diagnostic>,
) -> MediaFiles {
    let mut media = MediaFiles::default();
    let (library, rest): (Vec<SourceFile>, Vec<SourceFile>) = std::mem::take(markdown)
        .into_iter()
        .partition(|s| s.dir == DIR || s.dir.starts_with(&format!("{DIR}/")));
    *markdown = rest;
    let (files, rest): (Vec<_>, Vec<_>) = std::mem::take(assets)
        .into_iter()
        .partition(|(rel, _)| in_library(rel));
    *assets = rest;
    media.files = files;
    for src in library {
        match read(src) {
            Ok(Read::Intro(p)) => media.intro = Some(*p),
            Ok(Read::Kit(p)) => media.kits.push(*p),
            Err(ds) => diags.extend(ds),
        }
    }
    media
}

/// One Markdown file of the library, read.
enum Read {
    Intro(Box<Parsed<LibraryFront>>),
    Kit(Box<ParsedKit>),
}

/// Reads `content/media/_index.md` or `content/media/KIT/index.md`; any other Markdown file
/// there is an error saying where a kit's page goes.
fn read(src: SourceFile) -> Result<Read, Vec<Diagnostic>> {
    let kit_dir = src
        .dir
        .strip_prefix(&format!("{DIR}/"))
        .filter(|d| !d.contains('/'));
    let at_top = src.dir == DIR;
    // A kit's translations are `index.fr.md` beside its `index.md`, as for page bundles.
    let fits = (at_top && src.stem == "_index" && src.lang.is_none())
        || (kit_dir.is_some() && src.stem == "index");
    if !fits {
        return Err(vec![
            Diagnostic::error(
                &src.rel,
                1,
                1,
                "the media library holds kits: a folder per kit with its `index.md`, beside its files",
            )
            .with_help(
                "move the page to `content/media/KIT/index.md` (one kit per folder; its translations \
                 are `index.fr.md` beside it), or out of `content/media/`",
            ),
        ]);
    }
    let text = std::fs::read_to_string(&src.abs).map_err(|e| {
        vec![Diagnostic::error(
            &src.rel,
            1,
            1,
            format!("cannot read: {e}"),
        )]
    })?;
    let split = frontmatter::split(&text).map_err(|e| {
        let (line, col) = LineIndex::new(&text).position(e.offset);
        vec![Diagnostic::error(&src.rel, line, col, e.to_string())]
    })?;
    let (front_offset, body_offset, syntax) = (split.front_offset, split.body_offset, split.syntax);
    if at_top {
        let front: LibraryFront = frontmatter::parse(&text, &split, &src.rel)?;
        return Ok(Read::Intro(Box::new(Parsed {
            src,
            text,
            front_offset,
            body_offset,
            syntax,
            front,
        })));
    }
    let front: KitFront = frontmatter::parse(&text, &split, &src.rel)?;
    Ok(Read::Kit(Box::new(Parsed {
        src,
        text,
        front_offset,
        body_offset,
        syntax,
        front,
    })))
}

impl ParsedKit {
    /// The kit's id: its folder's name (`q3-2026`).
    pub fn id(&self) -> &str {
        self.src.dir.rsplit('/').next().unwrap_or_default()
    }

    /// The language of a translation (`index.fr.md`); None for the kit's own `index.md`.
    pub fn lang(&self) -> Option<&str> {
        self.src.lang.as_deref()
    }

    /// The (line, column) of `key` in the `n`th `[[assets]]` entry (TOML; in YAML, of the
    /// `assets` key): where an error about that entry points.
    pub fn asset_position(&self, n: usize, key: &str) -> (usize, usize) {
        let front = &self.text[self.front_offset..self.body_offset];
        let assets = crate::keys::find_key_offset(front, "assets");
        let mut at = assets;
        if self.syntax == Syntax::Toml {
            let starts: Vec<usize> = front.match_indices("[[assets]]").map(|(i, _)| i).collect();
            if let Some(&start) = starts.get(n) {
                let end = front[start + 1..]
                    .find("\n[")
                    .map_or(front.len(), |e| start + 1 + e);
                let block = &front[start..end];
                let found = crate::keys::find_key_offset(block, key);
                at = start + found;
            }
        }
        LineIndex::new(&self.text).position(self.front_offset + at)
    }
}
