//! Loading content from disk: walk `content/`, read and split every Markdown file and parse its
//! front matter (in parallel), and read `data/`. Produces [`Content`] and diagnostics.

pub mod data;
pub mod dialect;
pub mod frontmatter;
pub mod media;
pub mod placeholders;
pub mod walk;

use crate::config::Config;
use crate::diag::{Diagnostic, LineIndex};
use frontmatter::{FrontMatter, SectionFront, Syntax};
use rayon::prelude::*;
pub use walk::SourceFile;

/// A parsed content file: its text, where its parts start, and its typed front matter.
#[derive(Debug, Clone)]
pub struct Parsed<F> {
    /// Where it came from.
    pub src: SourceFile,
    /// The whole file.
    pub text: String,
    /// Byte offset of the front matter in `text`.
    pub front_offset: usize,
    /// Byte offset of the body in `text`.
    pub body_offset: usize,
    /// The front-matter syntax.
    pub syntax: Syntax,
    /// The typed front matter.
    pub front: F,
}

impl<F> Parsed<F> {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The front-matter text.
    pub fn front_text(&self) -> &str {
        let end = self.text[..self.body_offset]
            .trim_end_matches(['+', '-', '\n', '\r'])
            .len();
        &self.text[self.front_offset..end.max(self.front_offset)]
    }

    /// An error at the line that sets `key` in the front matter (`message`: text, or a typed
    /// error such as [`crate::dates::DateError`]).
    pub fn error_at_key(&self, key: &str, message: impl std::fmt::Display) -> Diagnostic {
        let offset = self.front_offset + crate::keys::find_key_offset(self.front_text(), key);
        let (line, col) = LineIndex::new(&self.text).position(offset);
        Diagnostic::error(&self.src.rel, line, col, message.to_string())
    }

    /// A diagnostic at a byte offset into the body.
    pub fn at_body_offset(&self, offset: usize) -> (usize, usize) {
        LineIndex::new(&self.text).position(self.body_offset + offset)
    }
}

/// An item file, parsed.
pub type ParsedItem = Parsed<FrontMatter>;
/// A section's `_index.md`, parsed.
pub type ParsedSection = Parsed<SectionFront>;

/// Everything under `content/` and `data/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Items, sorted by path.
    pub items: Vec<ParsedItem>,
    /// Section indexes, sorted by path.
    pub sections: Vec<ParsedSection>,
    /// Non-Markdown files: (path relative to `content/`, absolute path).
    pub assets: Vec<(String, std::path::PathBuf)>,
    /// `data/*.toml`.
    pub data: data::SiteData,
    /// `content/media/`: the press kits and their files.
    pub media: media::MediaFiles,
}

/// One parsed Markdown file: an item or a section index.
#[derive(Debug, Clone)]
pub enum One {
    /// An item.
    Item(Box<ParsedItem>),
    /// A section's `_index.md`.
    Section(Box<ParsedSection>),
}

/// Reads and parses the whole content tree. Files with errors are left out and reported.
pub fn load(config: &Config, diags: &mut Vec<Diagnostic>) -> Content {
    load_with(config, diags, parse_file)
}

/// [`load`] with the parsing of each file left to `parse` (serve reuses files that did not
/// change since its last build; see [`crate::incremental`]).
pub fn load_with(
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    parse: impl Fn(SourceFile) -> Result<One, Vec<Diagnostic>> + Sync + Send,
) -> Content {
    let mut walked = walk::walk(config, diags);
    let media = media::take(&mut walked.markdown, &mut walked.assets, diags);
    let results: Vec<Result<One, Vec<Diagnostic>>> =
        walked.markdown.into_par_iter().map(parse).collect();
    let mut content = Content {
        assets: walked.assets,
        media,
        data: data::load(
            &config.root,
            &config
                .languages
                .iter()
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>(),
            diags,
        ),
        ..Content::default()
    };
    // An item is a large value: grown by doubling, the list moved every item several times.
    content.items.reserve(results.len());
    for r in results {
        match r {
            Ok(One::Item(p)) => content.items.push(*p),
            Ok(One::Section(s)) => content.sections.push(*s),
            Err(ds) => diags.extend(ds),
        }
    }
    content
}

/// Reads one Markdown file; used by [`load`] and by serve's incremental reload.
pub fn parse_file(src: SourceFile) -> Result<One, Vec<Diagnostic>> {
    let bytes = std::fs::read(&src.abs).map_err(|e| {
        vec![Diagnostic::error(
            &src.rel,
            1,
            1,
            format!("cannot read: {e}"),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let (line, col) = LineIndex::new(&lossy).position(offset);
        vec![Diagnostic::error(
            &src.rel,
            line,
            col,
            "the file is not valid UTF-8; save it as UTF-8",
        )]
    })?;
    let split = frontmatter::split(&text).map_err(|e| {
        let (line, col) = LineIndex::new(&text).position(e.offset);
        vec![Diagnostic::error(&src.rel, line, col, e.to_string())]
    })?;
    let (front_offset, body_offset, syntax) = (split.front_offset, split.body_offset, split.syntax);
    if src.is_section_index() {
        let front: SectionFront = frontmatter::parse(&text, &split, &src.rel)?;
        if front.paginate_by == Some(0) {
            // Zero items a page would make endless empty pages; site.toml refuses it too.
            let offset = frontmatter::key_offset(&split, "paginate_by");
            let (line, col) = LineIndex::new(&text).position(offset);
            return Err(vec![
                Diagnostic::error(&src.rel, line, col, "`paginate_by` must be at least 1")
                    .with_help("remove it to use the site's `paginate_by`, or set a number of items per page"),
            ]);
        }
        Ok(One::Section(Box::new(Parsed {
            src,
            text,
            front_offset,
            body_offset,
            syntax,
            front,
        })))
    } else {
        let mut front: FrontMatter = frontmatter::parse(&text, &split, &src.rel)?;
        front.normalize_ids();
        Ok(One::Item(Box::new(Parsed {
            src,
            text,
            front_offset,
            body_offset,
            syntax,
            front,
        })))
    }
}

pub use crate::slug::nfc;
