//! Site-wide data: `data/authors.toml`, `data/contacts.toml` and `data/sources.toml`.

use super::frontmatter::SourceRaw;
use crate::diag::{Diagnostic, LineIndex};
use indexmap::IndexMap;
use serde::Deserialize;
use std::path::Path;

/// A person in `data/authors.toml` or `data/contacts.toml`.
#[derive(Debug, Clone, Deserialize, Default, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Job title.
    pub role: Option<String>,
    /// Short biography (Markdown).
    pub bio: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Portrait URL.
    pub image: Option<String>,
    /// Portrait photo: a JPEG or PNG in `data/` (`portraits/jane.jpg`) or, with a leading `/`,
    /// in `static/`. Resized like a body photo (see `images::portraits`); wins over `image`.
    /// (Serialized as `photo_file`: templates' `photo` is the processed portrait.)
    #[serde(
        default,
        rename(serialize = "photo_file"),
        skip_serializing_if = "Option::is_none"
    )]
    pub photo: Option<String>,
    /// Name, role and bio in other languages: `[ID.languages.CODE]` (the key keeps its place
    /// in the file, for the error about a code the site does not have).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub languages: IndexMap<toml::Spanned<String>, PersonText>,
}

/// What of a person reads differently in another language: `[ID.languages.CODE]` in
/// `data/authors.toml` or `data/contacts.toml`. Anything left out is the person's own.
#[derive(Debug, Clone, Deserialize, Default, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PersonText {
    /// The name as written in that language (이민지 for Lee Min-ji).
    pub name: Option<String>,
    /// Job title.
    pub role: Option<String>,
    /// Short biography (Markdown).
    pub bio: Option<String>,
}

impl Person {
    /// The person's text in `lang`: the name, role and bio that language's pages show.
    pub fn in_language(&self, lang: &str) -> (&str, Option<&str>, Option<&str>) {
        let t = self.languages.get(lang);
        fn pick<'a>(own: &'a Option<String>, local: Option<&'a Option<String>>) -> Option<&'a str> {
            local.and_then(|v| v.as_deref()).or(own.as_deref())
        }
        (
            t.and_then(|t| t.name.as_deref()).unwrap_or(&self.name),
            pick(&self.role, t.map(|t| &t.role)),
            pick(&self.bio, t.map(|t| &t.bio)),
        )
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    sources: Vec<SourceRaw>,
}

/// Everything under `data/`.
#[derive(Debug, Default, Clone)]
pub struct SiteData {
    /// Authors by id, in file order.
    pub authors: IndexMap<String, Person>,
    /// Media contacts by id, in file order.
    pub contacts: IndexMap<String, Person>,
    /// Site-wide sources, in file order.
    pub sources: Vec<SourceRaw>,
    /// Line of each site-wide source's `id =` (for diagnostics), by id.
    pub source_lines: IndexMap<String, usize>,
}

/// Reads the data files that exist; missing files are empty. `languages` are the site's
/// language codes, which people's `[ID.languages.CODE]` tables must name.
pub fn load(root: &Path, languages: &[&str], diags: &mut Vec<Diagnostic>) -> SiteData {
    let mut data = SiteData {
        authors: read_people(root, "data/authors.toml", true, languages, diags),
        contacts: read_people(root, "data/contacts.toml", false, languages, diags),
        ..SiteData::default()
    };
    if let Some((file, text)) = read_text(root, "data/sources.toml", diags) {
        if let Some(parsed) = parse_toml::<SourcesFile>(
            "data/sources.toml",
            &text,
            crate::keys::field_names::<SourcesFile>(),
            diags,
        ) {
            let mut seen = IndexMap::new();
            let lines = LineIndex::new(&text);
            let mut search_from = 0;
            let mut parsed = parsed;
            for s in &mut parsed.sources {
                // Find this source's `id = "..."` line for later messages.
                let needle = format!("\"{}\"", s.id);
                let at = text[search_from..]
                    .find(&needle)
                    .map(|i| i + search_from)
                    .unwrap_or(0);
                search_from = at;
                let (line, col) = lines.position(at);
                // A site-wide source has a page at /sources/ID/.
                if let Some(d) = invalid_id(file, line, col + 1, "source", &s.id) {
                    diags.push(d);
                }
                s.id = super::nfc(&s.id);
                if seen.insert(s.id.clone(), line).is_some() {
                    diags.push(Diagnostic::error(
                        file,
                        line,
                        1,
                        format!("source id `{}` is declared twice", s.id),
                    ));
                }
            }
            data.sources = parsed.sources;
            data.source_lines = seen;
        }
    }
    data
}

fn read_text(
    root: &Path,
    file: &'static str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'static str, String)> {
    match std::fs::read_to_string(root.join(file)) {
        Ok(t) => Some((file, t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            diags.push(Diagnostic::error(file, 1, 1, format!("cannot read: {e}")));
            None
        }
    }
}

/// Reads `data/authors.toml` or `data/contacts.toml`: people by id (in NFC). Author ids,
/// which become URLs (`/authors/ID/`), must be URL-safe words.
fn read_people(
    root: &Path,
    file: &'static str,
    in_urls: bool,
    languages: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> IndexMap<String, Person> {
    let Some((file, text)) = read_text(root, file, diags) else {
        return IndexMap::new();
    };
    let Some(people) = parse_toml::<IndexMap<toml::Spanned<String>, Person>>(
        file,
        &text,
        crate::keys::field_names::<Person>(),
        diags,
    ) else {
        return IndexMap::new();
    };
    let lines = LineIndex::new(&text);
    let mut out = IndexMap::new();
    for (id, person) in people {
        let (line, col) = lines.position(id.span().start);
        if in_urls {
            if let Some(d) = invalid_id(file, line, col, "author", id.get_ref()) {
                diags.push(d);
            }
        }
        for code in person.languages.keys() {
            if !languages.contains(&code.get_ref().as_str()) {
                let (line, col) = lines.position(code.span().start);
                diags.push(unknown_language(
                    file,
                    line,
                    col,
                    id.get_ref(),
                    code.get_ref(),
                    languages,
                ));
            }
        }
        out.insert(super::nfc(id.get_ref()), person);
    }
    out
}

/// `[ID.languages.CODE]` for a language the site does not have: a typo, or a language not yet
/// in `site.toml`; either way its text would never be shown.
fn unknown_language(
    file: &str,
    line: usize,
    col: usize,
    id: &str,
    code: &str,
    languages: &[&str],
) -> Diagnostic {
    Diagnostic::error(
        file,
        line,
        col,
        format!("`[{id}.languages.{code}]`: `{code}` is not a language of this site"),
    )
    .with_help(format!(
        "use one of the site's languages ({}), or add `[languages.{code}]` to site.toml",
        languages.join(", ")
    ))
}

/// An error when `id` cannot stand in a URL as it is: ids are words of letters (of any
/// script), digits, `-` and `_`, which need no escaping and cannot leave their folder.
fn invalid_id(file: &str, line: usize, col: usize, what: &str, id: &str) -> Option<Diagnostic> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        return None;
    }
    let suggestion = crate::slug::slugify(id);
    let help = if suggestion.is_empty() {
        "use letters, digits, `-` and `_` only".to_string()
    } else {
        format!("rename it, e.g. `{suggestion}`, and use the new id wherever it is cited")
    };
    Some(
        Diagnostic::error(
            file,
            line,
            col,
            format!(
                "{what} id `{id}` cannot be used in a URL: an id may contain only letters, digits, `-` and `_`"
            ),
        )
        .with_help(help),
    )
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match toml::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let lines = LineIndex::new(text);
            let line_of = |o: usize| lines.position(o).0;
            let slip = crate::toml_slip::explain(text, &e, known, file, &line_of);
            let (line, col) = lines.position(slip.offset);
            let diag = Diagnostic::error(file, line, col, slip.message);
            diags.push(match slip.help {
                Some(help) => diag.with_help(help),
                None => diag,
            });
            None
        }
    }
}
