//! Front matter: split a content file into its `+++` TOML or `---` YAML block and its Markdown
//! body, and deserialize the block into typed [`FrontMatter`] / [`SectionFront`], reporting
//! unknown keys (with the nearest known key) and type errors at their line and column.

use crate::dates::DateText;
use crate::diag::{Diagnostic, LineIndex};
use crate::keys::{field_names, find_key_offset, humanize, unknown_key};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Keys an item's front matter may have: the fields of [`FrontMatter`], so a field added there
/// is a known key at once.
pub fn page_keys() -> &'static [&'static str] {
    field_names::<FrontMatter>()
}

/// The kinds of item.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Default, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A blog post.
    #[default]
    Post,
    /// A press release.
    Release,
    /// An official statement.
    Statement,
    /// A fact sheet.
    Factsheet,
    /// A plain page.
    Page,
}

impl Kind {
    /// The lowercase name, which is also the template's stem.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Post => "post",
            Kind::Release => "release",
            Kind::Statement => "statement",
            Kind::Factsheet => "factsheet",
            Kind::Page => "page",
        }
    }

    /// Whether front matter must give a date.
    pub fn needs_date(self) -> bool {
        matches!(self, Kind::Post | Kind::Release | Kind::Statement)
    }
}

/// Publication status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Public and listed.
    #[default]
    Published,
    /// Built, but in no list, feed, sitemap or search index.
    Unlisted,
    /// A pre-approved crisis page: rendered and checked, never published until switched.
    Standby,
}

/// A source as written in front matter or `data/sources.toml`.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceRaw {
    /// Stable id, used in `[^id]` and `#source-id`.
    pub id: String,
    /// Title of the document.
    pub title: String,
    /// Where it is.
    pub url: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published.
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub date: Option<DateText>,
    /// An archived copy.
    pub archived: Option<String>,
    /// A note for readers.
    pub note: Option<String>,
}

/// The kinds of notice in `[[corrections]]`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// A factual correction, shown at the top of the page.
    Correction,
    /// A clarification, shown at the top of the page.
    Clarification,
    /// An editorial change (typo, formatting), shown only in the revision history.
    Editorial,
}

/// One `[[corrections]]` entry.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRaw {
    /// When it was made.
    pub date: DateText,
    /// What kind of notice.
    pub kind: NoticeKind,
    /// What changed (Markdown).
    pub note: String,
}

/// One `[[updates]]` entry.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UpdateRaw {
    /// When it was posted.
    pub date: DateText,
    /// The update (Markdown).
    pub body: String,
}

/// The `[withdrawn]` table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WithdrawnRaw {
    /// When it was withdrawn.
    pub date: DateText,
    /// Why (Markdown).
    pub reason: String,
}

/// The `[event]` table: a press conference, earnings call or AGM the item announces.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventRaw {
    /// When it starts: RFC 3339, or a local date-time read in `timezone`.
    pub start: DateText,
    /// When it ends (same forms); none for an open end.
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub end: Option<DateText>,
    /// IANA zone of the event (default: the item's zone).
    pub timezone: Option<String>,
    /// Where it takes place.
    pub location: Option<String>,
    /// Where to follow it online (a URL).
    pub online: Option<String>,
    /// Where to register (a URL).
    pub registration: Option<String>,
}

/// An item's front matter, typed; see SPEC's front-matter table.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FrontMatter {
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub date: Option<DateText>,
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub updated: Option<DateText>,
    pub kind: Option<Kind>,
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub status: Option<Status>,
    #[serde(default, deserialize_with = "crate::dates::present_date")]
    pub embargo: Option<DateText>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub lang: Option<String>,
    pub dateline: Option<String>,
    #[serde(default)]
    pub contacts: Vec<String>,
    pub boilerplate: Option<String>,
    pub image: Option<String>,
    pub image_caption: Option<String>,
    pub image_credit: Option<String>,
    pub image_copyright: Option<String>,
    pub image_licence: Option<String>,
    #[serde(default)]
    pub media: Vec<String>,
    pub timezone: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub sources: Vec<SourceRaw>,
    #[serde(default)]
    pub corrections: Vec<CorrectionRaw>,
    #[serde(default)]
    pub updates: Vec<UpdateRaw>,
    pub withdrawn: Option<WithdrawnRaw>,
    pub event: Option<EventRaw>,
    pub facts: Option<IndexMap<String, String>>,
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

impl FrontMatter {
    /// Puts what is compared or turned into URLs in NFC: the title and slug, terms, people
    /// and source ids (see [`super::nfc`]).
    pub fn normalize_ids(&mut self) {
        use super::nfc;
        for text in self.title.iter_mut().chain(self.slug.iter_mut()) {
            *text = nfc(text);
        }
        for list in [
            &mut self.tags,
            &mut self.categories,
            &mut self.authors,
            &mut self.contacts,
        ] {
            for text in list.iter_mut() {
                *text = nfc(text);
            }
        }
        for s in &mut self.sources {
            s.id = nfc(&s.id);
        }
    }
}

/// How a section sorts its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    #[default]
    Date,
    /// Alphabetically, in the language's collation.
    Title,
    /// By `weight`, lightest first.
    Weight,
}

/// A section's `_index.md` front matter.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SectionFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<Kind>,
    pub sort_by: Option<SortBy>,
    pub paginate_by: Option<usize>,
    pub feed: Option<bool>,
    pub feeds: Option<SectionFeeds>,
    pub lang: Option<String>,
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A section's `[feeds]`: the file names of its own feed (those it leaves out are the site's).
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SectionFeeds {
    pub atom: Option<String>,
    pub rss: Option<String>,
    pub json: Option<String>,
}

/// Which syntax the front matter was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `+++` TOML.
    Toml,
    /// `---` YAML.
    Yaml,
}

/// A content file split into front matter and body, with byte offsets into the file text.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The syntax of the block.
    pub syntax: Syntax,
    /// The front-matter text (between the fences).
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why a content file has no well-formed front matter, and where (a byte offset into the file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{fault}")]
pub struct SplitError {
    /// Byte offset into the file text.
    pub offset: usize,
    /// What is wrong.
    pub fault: SplitFault,
}

/// What is wrong with a content file's fences.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitFault {
    /// The file does not start with `+++` or `---`.
    #[error(
        "missing front matter: start the file with a `+++` line, then `title = \"...\"`, then `+++`"
    )]
    Missing,
    /// Something follows the opening fence on its line.
    #[error("the opening `{0}` must stand alone on the first line")]
    OpeningNotAlone(&'static str),
    /// No closing fence.
    #[error("front matter is not closed: add a line with `{0}` after it")]
    NotClosed(&'static str),
}

/// Splits `text` at its front-matter fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let (fence, syntax) = if rest.starts_with("+++") {
        ("+++", Syntax::Toml)
    } else if rest.starts_with("---") {
        ("---", Syntax::Yaml)
    } else {
        return Err(SplitError {
            offset: start,
            fault: SplitFault::Missing,
        });
    };
    let first_line_end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    if rest[..first_line_end].trim() != fence {
        return Err(SplitError {
            offset: start,
            fault: SplitFault::OpeningNotAlone(fence),
        });
    }
    let front_offset = start + first_line_end;
    let mut offset = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let body_offset = offset + line.len();
            return Ok(Split {
                syntax,
                front: &text[front_offset..offset],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        offset: start,
        fault: SplitFault::NotClosed(fence),
    })
}

/// Deserializes a front-matter block, reporting every unknown top-level key (one not among
/// `T`'s fields) at once, then the first type error (serde stops there) at its position. `path`
/// names the file in diagnostics.
///
/// `T` denies unknown fields (`#[serde(deny_unknown_fields)]`, as every front-matter type
/// does): a block that deserializes has no unknown key, so the block is parsed once, and its
/// keys are looked at (to report them all at once) only when it does not deserialize. Lines
/// are numbered only for a diagnostic too: a build reads every file's front matter, and both
/// passes ran over every file (~4% of a 10k-item rebuild's CPU).
pub fn parse<T: DeserializeOwned>(
    file_text: &str,
    split: &Split<'_>,
    path: &str,
) -> Result<T, Vec<Diagnostic>> {
    let known = field_names::<T>();
    let lines = std::cell::OnceCell::new();
    let position =
        |offset: usize| (lines.get_or_init(|| LineIndex::new(file_text))).position(offset);
    let diag_at = |offset: usize, message: String| {
        let (line, col) = position(split.front_offset + offset);
        Diagnostic::error(path, line, col, message)
    };
    let too_deep = (split.syntax == Syntax::Yaml)
        .then(|| too_deep_flow(split.front))
        .flatten();
    if let Some(offset) = too_deep {
        return Err(vec![
            diag_at(
                offset,
                format!(
                    "front matter nested deeper than {MAX_YAML_FLOW_DEPTH} levels of `[` and `{{`"
                ),
            )
            .with_help("flatten the value, or move the data into a file under `data/`"),
        ]);
    }
    let failure = match deserialize::<T>(split) {
        Ok(front) => return Ok(front),
        Err(failure) => failure,
    };
    let unknown = unknown_top_level_keys(split, known);
    if !unknown.is_empty() {
        return Err(unknown
            .into_iter()
            .map(|key| {
                diag_at(
                    find_key_offset(split.front, &key),
                    unknown_key(&key, known, "front matter"),
                )
            })
            .collect());
    }
    Err(vec![match failure {
        Failure::Toml(e) => {
            let line_of = |o: usize| position(split.front_offset + o).0;
            let slip = crate::toml_slip::explain(split.front, &e, known, "front matter", &line_of);
            let diag = diag_at(slip.offset, slip.message);
            match slip.help {
                Some(help) => diag.with_help(help),
                None => diag,
            }
        }
        Failure::Yaml(e) => {
            let offset = e.location().map(|l| l.index()).unwrap_or(0);
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            diag_at(offset, humanize(message, known, "front matter"))
        }
    }])
}

/// Why a front-matter block did not deserialize, as its parser said.
enum Failure {
    Toml(toml::de::Error),
    Yaml(serde_yaml_ng::Error),
}

/// The block as a `T`, in one pass of its parser.
fn deserialize<T: DeserializeOwned>(split: &Split<'_>) -> Result<T, Failure> {
    match split.syntax {
        Syntax::Toml => toml::from_str(split.front).map_err(Failure::Toml),
        Syntax::Yaml => {
            // An empty YAML block is an empty mapping, not null.
            let front = if split.front.trim().is_empty() {
                "{}"
            } else {
                split.front
            };
            serde_yaml_ng::from_str(front).map_err(Failure::Yaml)
        }
    }
}

/// How deep `[`/`{` may nest in YAML front matter. The YAML scanner rescans every open level
/// at each token, so time grows with the square of the depth (40,000 levels: 10 s); the
/// parser's own recursion limit (128) only stops it after that work.
pub const MAX_YAML_FLOW_DEPTH: usize = 64;

/// The offset of the first `[` or `{` that opens a flow collection deeper than
/// [`MAX_YAML_FLOW_DEPTH`], found in one linear pass. Quoted scalars and comments are skipped;
/// a bracket inside a plain scalar counts too, which can only overestimate the depth (64
/// unbalanced brackets in plain text are no front matter a writer means).
fn too_deep_flow(yaml: &str) -> Option<usize> {
    let bytes = yaml.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let starts_token = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':'
            );
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if starts_token => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' if starts_token => {
                // '' is an escaped quote inside: it ends and reopens, which this loop follows.
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'"' if starts_token => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Top-level keys of the block that are not in `known` (empty when the block does not parse:
/// the typed pass then reports the syntax error with its position).
fn unknown_top_level_keys(split: &Split<'_>, known: &[&str]) -> Vec<String> {
    let keys: Vec<String> = match split.syntax {
        Syntax::Toml => match split.front.parse::<toml::Table>() {
            Ok(t) => t.keys().cloned().collect(),
            Err(_) => return vec![],
        },
        Syntax::Yaml => match serde_yaml_ng::from_str::<serde_yaml_ng::Mapping>(split.front) {
            Ok(m) => m
                .keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect(),
            Err(_) => return vec![],
        },
    };
    keys.into_iter()
        .filter(|k| !known.contains(&k.as_str()))
        .collect()
}

/// Byte offset in the file of the line that sets `key` in the front matter (for diagnostics
/// about a value found wrong after parsing), or of the front matter's start.
pub fn key_offset(split: &Split<'_>, key: &str) -> usize {
    split.front_offset + find_key_offset(split.front, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_yaml_flow_nesting_is_refused_at_its_line() {
        let shallow = format!(
            "a: {}{}\n",
            "[".repeat(MAX_YAML_FLOW_DEPTH),
            "]".repeat(MAX_YAML_FLOW_DEPTH)
        );
        assert_eq!(too_deep_flow(&shallow), None);
        let quoted = format!(
            "a: \"{}\"\nb: '{}'\n# {}\n",
            "[".repeat(200),
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(
            too_deep_flow(&quoted),
            None,
            "quoted and commented brackets do not nest"
        );
        assert_eq!(
            too_deep_flow("t: it's [a]\nb: [[c]]\n"),
            None,
            "an apostrophe in a word is no quote"
        );
        let deep = format!("title: x\nextra:\n  x: {}\n", "[".repeat(40_000));
        let at = too_deep_flow(&deep).expect("too deep");
        assert_eq!(&deep[at..at + 1], "[");
        assert_eq!(deep[..at].lines().count(), 3, "on the third line");
    }

    #[test]
    fn known_keys_are_the_struct_fields_in_the_documented_order() {
        // Unknown-key messages list these, in this order (SPEC's front-matter table).
        assert_eq!(
            page_keys(),
            [
                "title",
                "date",
                "updated",
                "kind",
                "slug",
                "aliases",
                "summary",
                "draft",
                "status",
                "embargo",
                "tags",
                "categories",
                "authors",
                "lang",
                "dateline",
                "contacts",
                "boilerplate",
                "image",
                "image_caption",
                "image_credit",
                "image_copyright",
                "image_licence",
                "media",
                "timezone",
                "weight",
                "sources",
                "corrections",
                "updates",
                "withdrawn",
                "event",
                "facts",
                "extra",
            ]
        );
        assert_eq!(
            field_names::<SectionFront>(),
            [
                "title",
                "description",
                "kind",
                "sort_by",
                "paginate_by",
                "feed",
                "feeds",
                "lang",
                "extra"
            ]
        );
    }

    #[test]
    fn splits_toml_and_yaml() {
        let s = split("+++\ntitle = \"A\"\n+++\nBody\n").unwrap();
        assert_eq!(s.syntax, Syntax::Toml);
        assert_eq!(s.front, "title = \"A\"\n");
        assert_eq!(s.body, "Body\n");
        let s = split("---\ntitle: A\n---\n\nBody").unwrap();
        assert_eq!(s.syntax, Syntax::Yaml);
        assert_eq!(s.body, "\nBody");
        assert!(split("title = 1").is_err());
        assert!(split("+++\ntitle = 1\n").is_err());
    }

    /// `parse` looks for unknown keys only when a block does not deserialize: a front-matter
    /// type that accepted unknown fields would let a misspelt key through unreported.
    #[test]
    fn every_front_matter_type_refuses_an_unknown_key_in_both_syntaxes() {
        fn refused<T: DeserializeOwned>(name: &str) {
            for text in ["+++\ntitel = \"A\"\n+++\n", "---\ntitel: A\n---\n"] {
                let s = split(text).unwrap();
                let errs = parse::<T>(text, &s, "x.md")
                    .err()
                    .unwrap_or_else(|| panic!("{name} took an unknown key in {text:?}"));
                assert_eq!(errs.len(), 1, "{name}: {errs:?}");
                assert!(errs[0].message.contains("`titel`"), "{name}: {errs:?}");
                assert_eq!((errs[0].line, errs[0].col), (2, 1), "{name}");
            }
        }
        refused::<FrontMatter>("FrontMatter");
        refused::<SectionFront>("SectionFront");
        refused::<crate::content::media::KitFront>("KitFront");
        refused::<crate::content::media::LibraryFront>("LibraryFront");
    }

    #[test]
    fn unknown_keys_are_all_reported_at_their_lines() {
        let text = "+++\ntitle = \"A\"\ntittle = \"B\"\ndat = 2026-01-01\n+++\n";
        let s = split(text).unwrap();
        let errs = parse::<FrontMatter>(text, &s, "x.md").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].line, errs[0].col), (3, 1));
        assert!(
            errs[0].message.contains("did you mean `title`"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[1].line, 4);
        assert!(
            errs[1].message.contains("did you mean `date`"),
            "{}",
            errs[1].message
        );
    }

    #[test]
    fn type_errors_have_positions() {
        let text = "+++\ntitle = \"A\"\ndraft = \"yes\"\n+++\n";
        let s = split(text).unwrap();
        let errs = parse::<FrontMatter>(text, &s, "x.md").unwrap_err();
        assert_eq!(errs[0].line, 3, "{errs:?}");
        let text = "---\ntitle: A\ndraft: [1]\n---\n";
        let s = split(text).unwrap();
        let errs = parse::<FrontMatter>(text, &s, "x.md").unwrap_err();
        assert_eq!(errs[0].line, 3, "{errs:?}");
    }

    #[test]
    fn toml_and_yaml_give_the_same_front_matter() {
        let t = "+++\ntitle = \"A\"\ndate = 2026-11-18\ntags = [\"x\"]\n[[sources]]\nid = \"s\"\ntitle = \"S\"\n[facts]\nb = \"1\"\na = \"2\"\n+++\n";
        let y = "---\ntitle: A\ndate: 2026-11-18\ntags: [x]\nsources:\n  - id: s\n    title: S\nfacts:\n  b: \"1\"\n  a: \"2\"\n---\n";
        let ft: FrontMatter = parse(t, &split(t).unwrap(), "t").unwrap();
        let fy: FrontMatter = parse(y, &split(y).unwrap(), "y").unwrap();
        assert_eq!(ft, fy);
        let keys: Vec<_> = ft.facts.unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a"], "fact order is kept");
    }
}
