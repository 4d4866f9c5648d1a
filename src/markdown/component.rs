//! In-body components: a block quote whose first line is `[!NAME key=value …]`.
//!
//! ```markdown
//! > [!QUOTE speaker=maria-lindqvist date=2026-10-23 source=q3-report]
//! > We will not ship them until they meet the specification we published.
//! ```
//!
//! To the Markdown parser it is an ordinary block quote, so whatever surrounds it (lists,
//! links, paragraphs) parses exactly as without it, and inside a code block or code span it is
//! code, hence literal. Any Markdown preview shows it as a quote whose first line is the
//! header: the words are all there. The page walk (`page.rs`) recognises the header on the
//! parsed events, checks its arguments against the component's schema
//! (`templates/components/NAME.toml`), renders the rest of the quote as Markdown (citations
//! numbered with the page's) and gives both to `templates/components/NAME.html`.
//!
//! This module holds what does not need the page: the registry of components (schemas and
//! templates, from the built-in default theme, the theme folder and the site's `templates/`),
//! the header syntax, and the argument values that need no citation numbering.

use crate::config::Config;
use crate::content::data::Person;
use crate::diag::{Diagnostic, did_you_mean, suggestion_help};
use indexmap::IndexMap;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in components: (name, schema, template).
const BUILT_IN: &[(&str, &str, &str)] = &[
    (
        "quote",
        include_str!("../../themes/default/templates/components/quote.toml"),
        include_str!("../../themes/default/templates/components/quote.html"),
    ),
    (
        "download",
        include_str!("../../themes/default/templates/components/download.toml"),
        include_str!("../../themes/default/templates/components/download.html"),
    ),
    (
        "contact",
        include_str!("../../themes/default/templates/components/contact.toml"),
        include_str!("../../themes/default/templates/components/contact.html"),
    ),
    (
        "figure",
        include_str!("../../themes/default/templates/components/figure.toml"),
        include_str!("../../themes/default/templates/components/figure.html"),
    ),
    (
        "video",
        include_str!("../../themes/default/templates/components/video.toml"),
        include_str!("../../themes/default/templates/components/video.html"),
    ),
    (
        "factbox",
        include_str!("../../themes/default/templates/components/factbox.toml"),
        include_str!("../../themes/default/templates/components/factbox.html"),
    ),
];

/// The names of the built-in components.
pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(name, _, _)| *name)
}

/// The type of an argument, as a schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgType {
    /// Any text.
    Text,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An absolute `http(s)` URL or a site path starting with `/`.
    Url,
    /// A file beside the item (relative path) or under `static/` (path starting with `/`).
    File,
    /// An id in `data/authors.toml` or `data/contacts.toml`.
    Person,
    /// An id in `data/contacts.toml`.
    Contact,
    /// A source id, cited like `[^id]`.
    Source,
    /// An image beside the item or under `static/`, through the image stage (`<picture>`).
    Image,
    /// `true` or `false`.
    Bool,
    /// A YouTube or Vimeo URL, or a video file beside the item or under `static/`.
    Video,
    /// A URL (`https://…`), a site path (`/…`), or a file beside the item.
    Link,
}

impl ArgType {
    /// What a value of this type is, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ArgType::Text => "text",
            ArgType::Date => "a date (YYYY-MM-DD)",
            ArgType::Url => "a URL (https://… or /path)",
            ArgType::File => "a file (relative to the item, or /path under static/)",
            ArgType::Person => "an author or contact id",
            ArgType::Contact => "a contact id (data/contacts.toml)",
            ArgType::Source => "a source id",
            ArgType::Image => "an image (relative to the item, or /path under static/)",
            ArgType::Bool => "`true` or `false`",
            ArgType::Video => "a YouTube or Vimeo URL, or a video file (MP4, WebM, Ogg, MOV)",
            ArgType::Link => "a URL (https://…), a site path (/…) or a file beside the item",
        }
    }
}

/// One argument of a schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    /// Its type (`type = "person"`).
    #[serde(rename = "type")]
    pub ty: ArgType,
    /// Whether the header must give it.
    #[serde(default)]
    pub required: bool,
}

/// What a component's body must be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    /// Any Markdown (or nothing).
    #[default]
    Markdown,
    /// A list of `Label: value` rows (a fact box): anything else is an error.
    Rows,
}

/// A component's schema: `templates/components/NAME.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// What its body must be (`body = "rows"`; default any Markdown).
    #[serde(default)]
    pub body: BodyKind,
    /// Its arguments by name (`[args.NAME]`), in the order the file gives them.
    #[serde(default)]
    pub args: IndexMap<String, ArgSpec>,
}

/// A component's schema and template, each as (text, file name shown in messages), when found.
type ComponentFiles = [Option<(String, String)>; 2];

/// Every component a site can use, with what resolving their arguments needs.
pub struct Components {
    schemas: BTreeMap<String, Schema>,
    /// Each component's template (`NAME.html`) and its text: parsed into [`Components::tera`]
    /// when a body first shows a component. A rebuild that renders no body parses none (six
    /// templates were 14% of the instructions of a 200-item rebuild that rendered nothing).
    templates: Vec<(String, String)>,
    tera: std::sync::OnceLock<tera::Tera>,
    authors: IndexMap<String, Person>,
    contacts: IndexMap<String, Person>,
    static_dir: PathBuf,
}

impl Components {
    /// No components (a fragment rendered without a site, in unit tests).
    pub fn none() -> Self {
        Components {
            schemas: BTreeMap::new(),
            templates: Vec::new(),
            tera: std::sync::OnceLock::new(),
            authors: IndexMap::new(),
            contacts: IndexMap::new(),
            static_dir: PathBuf::new(),
        }
    }

    /// The templates, parsed on first use. Each parsed when it was loaded ([`Self::add`]),
    /// or is a built-in one, which parses (a unit test holds it to that).
    fn tera(&self) -> &tera::Tera {
        self.tera.get_or_init(|| {
            let mut tera = tera::Tera::default();
            for (file, text) in &self.templates {
                // Checked when loaded: a template that failed then is not in the list.
                let _ = tera.add_raw_template(file, text);
            }
            tera
        })
    }

    /// Whether a template was parsed since the components were loaded (tests).
    pub fn parsed(&self) -> bool {
        self.tera.get().is_some()
    }

    /// The built-in components, then the theme folder's, then the site's (a later one of the
    /// same name replaces an earlier one); a schema or template that does not load is an
    /// error at its file.
    pub fn load(
        config: &Config,
        authors: &IndexMap<String, Person>,
        contacts: &IndexMap<String, Person>,
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut files: BTreeMap<String, [Option<(String, String)>; 2]> = BTreeMap::new();
        for (name, schema, template) in BUILT_IN {
            let shown = format!("(built-in default theme)/templates/components/{name}");
            files.insert(
                name.to_string(),
                [
                    Some((schema.to_string(), format!("{shown}.toml"))),
                    Some((template.to_string(), format!("{shown}.html"))),
                ],
            );
        }
        let theme = format!("themes/{}/templates/components", config.theme);
        for shown_dir in [theme.as_str(), "templates/components"] {
            read_dir(&config.root.join(shown_dir), shown_dir, &mut files, diags);
        }
        let mut out = Components {
            authors: authors.clone(),
            contacts: contacts.clone(),
            static_dir: config.root.join("static"),
            ..Components::none()
        };
        // The theme's and site's own templates, checked into one Tera in the order the
        // components' own Tera takes them.
        let mut checking = tera::Tera::default();
        for (name, [schema, template]) in files {
            out.add(&name, [schema, template], &mut checking, diags);
        }
        out
    }

    /// Adds one component from its schema and template texts (each with its file's name).
    fn add(
        &mut self,
        name: &str,
        [schema, template]: ComponentFiles,
        checking: &mut tera::Tera,
        diags: &mut Vec<Diagnostic>,
    ) {
        let (Some((schema, schema_file)), Some((template, template_file))) = (schema, template)
        else {
            return;
        };
        let schema: Schema = match toml::from_str(&schema) {
            Ok(s) => s,
            Err(e) => {
                diags.push(Diagnostic::error(
                    schema_file,
                    1,
                    1,
                    format!("component schema does not load: {}", e.message()),
                ));
                return;
            }
        };
        let file = format!("{name}.html");
        // A theme's or site's own template is parsed now, so that an error in it is told in
        // every build; a built-in one as shipped is known to parse.
        let built_in = (BUILT_IN.iter()).any(|(n, _, text)| *n == name && *text == template);
        if !built_in && let Err(e) = checking.add_raw_template(&file, &template) {
            diags.push(Diagnostic::error(
                template_file,
                1,
                1,
                format!("component template does not parse: {e}"),
            ));
            return;
        }
        self.templates.push((file, template));
        self.schemas.insert(name.to_string(), schema);
    }

    /// The schema of component `name`, or the error and help for an unknown one.
    pub fn schema(&self, name: &str) -> Result<&Schema, (String, String)> {
        self.schemas.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.schemas.keys().map(String::as_str).collect();
            (
                format!("unknown component `{name}`"),
                match did_you_mean(name, &known) {
                    Some(k) => format!("did you mean `{}`?", k.to_uppercase()),
                    None => format!("components are: {}", known.join(", ")),
                },
            )
        })
    }

    /// The value of an argument that needs no citation: a person's record, a file's facts, a
    /// checked date or URL, or the text. `beside` is the folder of the item.
    pub fn value(
        &self,
        ty: ArgType,
        raw: &str,
        beside: Option<&Path>,
        lang: &str,
    ) -> Result<serde_json::Value, (String, String)> {
        let wrong = |detail: String| {
            (
                format!("`{raw}` is not {}{detail}", ty.describe()),
                String::new(),
            )
        };
        match ty {
            ArgType::Text | ArgType::Source => Ok(raw.into()),
            ArgType::Bool => match raw {
                "true" => Ok(true.into()),
                "false" => Ok(false.into()),
                _ => Err(wrong(String::new())),
            },
            // The page resolves images (it has the item's pictures); a file that is there
            // but not processed (SVG, GIF) is shown as written.
            ArgType::Image => self.path_of(raw, beside).map(|_| raw.into()),
            ArgType::Date => match raw.parse::<jiff::civil::Date>() {
                Ok(d) => {
                    let zoned = d
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .map_err(|_| wrong(String::new()))?;
                    let text = crate::dates::format(&zoned, crate::dates::DateFormat::Long, lang);
                    Ok(serde_json::json!({ "iso": d.to_string(), "text": text }))
                }
                Err(_) => Err(wrong(String::new())),
            },
            ArgType::Url => {
                if raw.starts_with('/') || raw.starts_with("https://") || raw.starts_with("http://")
                {
                    Ok(raw.into())
                } else {
                    Err(wrong(String::new()))
                }
            }
            ArgType::Video => self.video(raw, beside),
            ArgType::Link => {
                let absolute = raw.starts_with("https://") || raw.starts_with("http://");
                if !(absolute || raw.starts_with('/')) {
                    self.path_of(raw, beside)?;
                }
                Ok(raw.into())
            }
            ArgType::Person => self.person(raw, lang),
            ArgType::Contact => self.contact(raw, lang),
            ArgType::File => self.file(raw, beside),
        }
    }

    /// A contact by id, in `lang`; an unknown id is an error naming the nearest contact id.
    fn contact(&self, id: &str, lang: &str) -> Result<serde_json::Value, (String, String)> {
        match self.contacts.get(id) {
            Some(person) => Ok(person_value(person, id, "contact", lang)),
            None => {
                let known: Vec<&str> = self.contacts.keys().map(String::as_str).collect();
                Err((
                    format!("`{id}` is not a contact id (data/contacts.toml)"),
                    suggestion_help(id, &known).replace("known keys", "known contact ids"),
                ))
            }
        }
    }

    /// An author or contact by id, with its id and whether it is a contact.
    fn person(&self, id: &str, lang: &str) -> Result<serde_json::Value, (String, String)> {
        let (person, kind) = match (self.authors.get(id), self.contacts.get(id)) {
            (Some(p), _) => (p, "author"),
            (None, Some(p)) => (p, "contact"),
            (None, None) => {
                let known: Vec<&str> = self
                    .authors
                    .keys()
                    .chain(self.contacts.keys())
                    .map(String::as_str)
                    .collect();
                return Err((
                    format!(
                        "`{id}` is not an author or contact id (data/authors.toml, data/contacts.toml)"
                    ),
                    suggestion_help(id, &known).replace("known keys", "known ids"),
                ));
            }
        };
        Ok(person_value(person, id, kind, lang))
    }

    /// A video: a provider's URL with its player, or a local file with its type.
    fn video(
        &self,
        raw: &str,
        beside: Option<&Path>,
    ) -> Result<serde_json::Value, (String, String)> {
        let video = if raw.contains("://") {
            super::video::remote(raw).ok_or_else(|| {
                (
                    format!("`{raw}` is not a YouTube or Vimeo video URL"),
                    "link the video's page (https://www.youtube.com/watch?v=ID, https://vimeo.com/ID), or give a video file beside the item".to_string(),
                )
            })?
        } else {
            self.path_of(raw, beside)?;
            let mime = super::video::mime(raw).ok_or_else(|| {
                (
                    format!("`{raw}` is not a video file browsers play"),
                    "export it as MP4 (H.264) or WebM".to_string(),
                )
            })?;
            super::video::Video {
                kind: "file",
                url: raw.to_string(),
                embed: String::new(),
                id: String::new(),
                mime: mime.to_string(),
            }
        };
        Ok(serde_json::to_value(video).unwrap_or_default())
    }

    /// The file a `file` or `image` argument names: beside the item, or under `static/`.
    fn path_of(&self, raw: &str, beside: Option<&Path>) -> Result<PathBuf, (String, String)> {
        let path = match raw.strip_prefix('/') {
            Some(under_static) => self.static_dir.join(under_static),
            None => beside.map_or_else(|| PathBuf::from(raw), |dir| dir.join(raw)),
        };
        if raw.split('/').any(|part| part == "..") || !path.is_file() {
            return Err((
                format!("file `{raw}` does not exist"),
                "put it beside the item (a relative path) or under static/ (a path starting with `/`)".to_string(),
            ));
        }
        Ok(path)
    }

    /// A file's URL, type, size and SHA-256.
    fn file(
        &self,
        raw: &str,
        beside: Option<&Path>,
    ) -> Result<serde_json::Value, (String, String)> {
        let path = self.path_of(raw, beside)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| (format!("file `{raw}` cannot be read: {e}"), String::new()))?;
        let name = raw.rsplit('/').next().unwrap_or(raw);
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        Ok(serde_json::json!({
            "url": raw,
            "name": name,
            "type": ext.to_uppercase(),
            "size": bytes.len(),
            "size_text": human_size(bytes.len() as u64),
            "sha256": hex(&Sha256::digest(&bytes)),
        }))
    }

    /// Renders component `name` with its context, or why it failed.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, String> {
        self.tera()
            .render(&format!("{name}.html"), context)
            .map_err(|e| {
                let mut message = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    message.push_str(&format!(": {c}"));
                    cause = c.source();
                }
                message
            })
    }
}

/// A person's record as a template sees it: name, role and bio in `lang` (their
/// `[ID.languages.CODE]` text), the rest as written, with the id and `author` or `contact`.
fn person_value(person: &Person, id: &str, kind: &str, lang: &str) -> serde_json::Value {
    let (name, role, bio) = person.in_language(lang);
    serde_json::json!({
        "id": id,
        "kind": kind,
        "name": name,
        "role": role,
        "bio": bio,
        "email": person.email,
        "phone": person.phone,
        "image": person.image,
    })
}

/// Reads `NAME.toml` and `NAME.html` pairs of one folder into `files`.
fn read_dir(
    dir: &Path,
    shown_dir: &str,
    files: &mut BTreeMap<String, [Option<(String, String)>; 2]>,
    diags: &mut Vec<Diagnostic>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        let Some((name, slot)) = file
            .strip_suffix(".toml")
            .map(|n| (n, 0))
            .or_else(|| file.strip_suffix(".html").map(|n| (n, 1)))
        else {
            continue;
        };
        let shown = format!("{shown_dir}/{file}");
        match std::fs::read_to_string(&path) {
            Ok(text) => files.entry(name.to_lowercase()).or_default()[slot] = Some((text, shown)),
            Err(e) => diags.push(Diagnostic::error(shown, 1, 1, format!("cannot read: {e}"))),
        }
    }
}

/// `1.2 MB`, `340 KB`, `12 bytes`: decimal units, as file managers show them.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{} KB", (bytes + 500) / 1_000),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A header, or where (relative to its `[`) and why it does not parse.
pub type Parsed = Result<Header, (usize, String)>;

/// A header's arguments: key, value, and where the key starts relative to the `[`.
pub type Args = Vec<(String, String, usize)>;

/// A component's header: `[!NAME key=value key="a value"]`.
#[derive(Debug, PartialEq)]
pub struct Header {
    /// The name, lowercased.
    pub name: String,
    /// Where the name starts, relative to the header's `[`.
    pub name_at: usize,
    /// Each argument: key, value, and where the key starts relative to the `[`.
    pub args: Args,
}

/// A component header on the first line of the block quote whose source is `quote`: where
/// its `[` is and where its line ends (offsets in `quote`), with the parsed header.
pub fn header_of_quote(quote: &str) -> Option<(usize, usize, Parsed)> {
    let line_end = quote.find('\n').map_or(quote.len(), |e| e + 1);
    let line = &quote[..line_end];
    let after_marker = line.trim_start().strip_prefix('>')?;
    let trimmed = after_marker.trim_start();
    let at = line_end - trimmed.len();
    let header = parse_header(trimmed.trim_end())?;
    Some((at, line_end, header))
}

/// The header at the start of `line` (the first line of a block quote, without its `>`), or
/// None when the line is not one: callouts (`[!NOTE]` alone) are not components. A header
/// that starts like one but does not parse is an error at its offset.
pub fn parse_header(line: &str) -> Option<Parsed> {
    let rest = line.strip_prefix("[!")?;
    let end = rest.find(']')?;
    if !rest[end + 1..].trim().is_empty() {
        return None;
    }
    let inner = &rest[..end];
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if name.is_empty() {
        return None;
    }
    let is_callout = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(name));
    if is_callout && inner[name_len..].trim().is_empty() {
        return None;
    }
    Some(
        parse_args(&inner[name_len..], 2 + name_len).map(|args| Header {
            name: name.to_lowercase(),
            name_at: 2,
            args,
        }),
    )
}

/// `key=value` pairs separated by spaces; a value with spaces is in double quotes. `base` is
/// where `text` starts relative to the header's `[`.
fn parse_args(text: &str, base: usize) -> Result<Args, (usize, String)> {
    let mut args = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        if bytes[i] == b' ' || bytes[i] == b'\t' {
            i += 1;
            continue;
        }
        let key_at = i;
        let eq = text[i..]
            .find(['=', ' '])
            .map(|e| i + e)
            .filter(|&e| bytes[e] == b'=')
            .ok_or((
                base + key_at,
                "an argument is written `key=value`".to_string(),
            ))?;
        let key = &text[key_at..eq];
        let (value, next) = if text[eq + 1..].starts_with('"') {
            let close = text[eq + 2..].find('"').ok_or((
                base + eq + 1,
                "this quoted value is never closed".to_string(),
            ))?;
            (&text[eq + 2..eq + 2 + close], eq + 3 + close)
        } else {
            let end = text[eq + 1..].find(' ').map_or(text.len(), |e| eq + 1 + e);
            (&text[eq + 1..end], end)
        };
        args.push((key.to_string(), value.to_string(), base + key_at));
        i = next;
    }
    Ok(args)
}

/// `md` without its component header lines (`> [!QUOTE speaker=maria]`): what search
/// indexes, so argument names and ids are not words of the page. A header-shaped line inside
/// a code block is dropped too; search loses that line, nothing else does.
pub fn without_headers(md: &str) -> std::borrow::Cow<'_, str> {
    let is_header = |line: &str| {
        let quoted = line.trim_start().trim_start_matches(['>', ' ', '\t']);
        line.trim_start().starts_with('>') && parse_header(quoted.trim_end()).is_some()
    };
    if !md.lines().any(is_header) {
        return std::borrow::Cow::Borrowed(md);
    }
    let mut out = String::with_capacity(md.len());
    for line in md.split_inclusive('\n') {
        if is_header(line) {
            // Keep the quote marker so the quote's body stays a quote.
            out.push_str(">\n");
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_callouts_are_not_components() {
        let h = parse_header("[!QUOTE speaker=ann date=2026-10-23 name=\"Ann B\"]")
            .unwrap()
            .unwrap();
        assert_eq!(h.name, "quote");
        assert_eq!(
            h.args,
            [
                ("speaker".into(), "ann".into(), 8),
                ("date".into(), "2026-10-23".into(), 20),
                ("name".into(), "Ann B".into(), 36)
            ]
        );
        assert!(parse_header("[!NOTE]").is_none());
        assert!(parse_header("[!QUOTE] trailing words").is_none());
        assert!(parse_header("just a quote").is_none());
        assert!(parse_header("[!QUOTE name=\"open]").unwrap().is_err());
    }

    /// Loading parses no template; every built-in one parses when first needed (a template
    /// taken as built-in is never checked when loaded).
    #[test]
    fn built_in_templates_parse_only_when_a_component_renders() {
        let mut components = Components::none();
        let (mut checking, mut diags) = (tera::Tera::default(), Vec::new());
        for (name, schema, template) in BUILT_IN {
            let files = [
                Some((schema.to_string(), format!("{name}.toml"))),
                Some((template.to_string(), format!("{name}.html"))),
            ];
            components.add(name, files, &mut checking, &mut diags);
        }
        assert!(diags.is_empty(), "{diags:?}");
        assert!(!components.parsed(), "parsed when loaded");
        let mut names: Vec<&str> = components.tera().get_template_names().collect();
        names.sort_unstable();
        let mut expected: Vec<String> = built_in_names().map(|n| format!("{n}.html")).collect();
        expected.sort_unstable();
        assert_eq!(names, expected, "every built-in template parses");
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(human_size(340_400), "340 KB");
        assert_eq!(human_size(1_234_567), "1.2 MB");
    }
}
