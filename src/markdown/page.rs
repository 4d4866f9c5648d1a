//! One page's Markdown: [`PageCtx`] renders the fragments of an item (body, facts, notices,
//! updates) with shared citation numbers and heading ids. Each fragment is prepared
//! ([`super::source`]), parsed, and walked event by event; offsets are mapped back to the file.

use super::component::{self, ArgType, BodyKind, Components};
use super::html::escape_html;
use super::picture;
use super::source::{self, Prepared, Transform};
use super::{highlight, text};
use crate::content::dialect::Dialect;
use crate::content::frontmatter::SourceRaw;
use crate::diag::{Diagnostic, Severity};
use crate::model::Item;
use crate::model::picture::{Picture, Pictures};
use crate::model::rendered::{CitedSource, Link};
use indexmap::IndexMap;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// The registry of a fragment rendered without a site's components.
static NO_COMPONENTS: std::sync::LazyLock<Components> = std::sync::LazyLock::new(Components::none);

/// Where a fragment of Markdown comes from, for positions in diagnostics.
#[derive(Clone)]
pub(super) enum Place {
    /// The item body: offsets map into the file.
    Body,
    /// A front-matter field (fact value, notice, update): report at that key.
    Front(String),
}

pub(super) struct Fragment {
    pub(super) html: String,
    pub(super) text: String,
    pub(super) toc: Vec<(u8, String, String)>,
}

/// The content file a page's fragments come from.
#[derive(Clone, Copy)]
pub(super) struct File<'a> {
    /// Its path, as diagnostics name it.
    pub(super) rel: &'a str,
    /// Its whole text.
    pub(super) text: &'a str,
    /// Byte offset of the Markdown body in `text`.
    pub(super) body_offset: usize,
}

impl<'a> File<'a> {
    /// The file of an item.
    pub(super) fn of(item: &'a Item) -> Self {
        File {
            rel: &item.src.rel,
            text: &item.text,
            body_offset: item.body_offset,
        }
    }
}

/// Per-page state shared by all fragments of one item, so citation numbers run on across the
/// updates, the fact table and the body.
pub(super) struct PageCtx<'a> {
    site_sources: &'a HashMap<&'a str, &'a SourceRaw>,
    page_sources: HashSet<&'a str>,
    pub(super) cited: IndexMap<String, CitedSource>,
    heading_ids: HashSet<String>,
    /// For each base id, the next suffix to try: ten thousand headings with the same text
    /// would otherwise each walk every suffix taken before them (quadratic).
    next_suffix: HashMap<String, usize>,
    pub(super) links: Vec<Link>,
    pub(super) diags: Vec<Diagnostic>,
    /// The file the fragments come from; None for fragments whose diagnostics another
    /// rendering reports (a summary rendered apart from the page).
    pub(super) file: Option<File<'a>>,
    /// The pre-Markdown transforms every fragment goes through (see [`source`]).
    pub(super) transforms: &'a [&'a dyn Transform],
    pub(super) dateline: Option<String>,
    /// The language the fragments are written in (callout titles).
    pub(super) lang: String,
    /// The processed local images of the item (see [`crate::images`]), by destination.
    pub(super) pictures: Option<&'a Pictures>,
    /// The site's Markdown dialect (smart punctuation or not).
    dialect: Dialect,
    /// The in-body components the site knows (see [`component`]).
    pub(super) components: &'a Components,
    /// The folder of the item's file, where a component's relative file is found.
    pub(super) beside: Option<&'a std::path::Path>,
}

impl<'a> PageCtx<'a> {
    pub(super) fn new(
        site_sources: &'a HashMap<&'a str, &'a SourceRaw>,
        page_sources: &'a [SourceRaw],
        dialect: Dialect,
    ) -> Self {
        PageCtx {
            site_sources,
            page_sources: page_sources.iter().map(|s| s.id.as_str()).collect(),
            cited: IndexMap::new(),
            heading_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            links: Vec::new(),
            diags: Vec::new(),
            file: None,
            dateline: None,
            lang: String::new(),
            pictures: None,
            transforms: &[],
            dialect,
            components: &NO_COMPONENTS,
            beside: None,
        }
    }

    fn error(
        &mut self,
        place: &Place,
        at: (usize, Option<&str>),
        message: String,
        help: Option<String>,
    ) {
        self.report(Severity::Error, place, at, message, help);
    }

    /// A diagnostic at `offset` in the fragment (or at `needle` after the front-matter key).
    fn report(
        &mut self,
        severity: Severity,
        place: &Place,
        (offset, needle): (usize, Option<&str>),
        message: String,
        help: Option<String>,
    ) {
        let Some(file) = self.file else { return };
        let at = match place {
            Place::Body => file.body_offset + offset,
            Place::Front(key) => {
                // Point at the citation itself when it can be found after the key.
                let front = &file.text[..file.body_offset];
                let key_at = crate::keys::find_key_offset(front, key);
                needle
                    .and_then(|n| front[key_at..].find(n).map(|i| key_at + i))
                    .unwrap_or(key_at)
            }
        };
        let (line, col) = crate::diag::LineIndex::new(file.text).position(at);
        let mut d = Diagnostic::error(file.rel, line, col, message);
        d.severity = severity;
        self.diags.push(match help {
            Some(h) => d.with_help(h),
            None => d,
        });
    }

    /// A citation of `id`: its link HTML, or None when `id` names no source.
    fn cite(&mut self, id: &str) -> Option<String> {
        // Ids are compared in NFC, as front matter and data/ give them.
        let id = crate::content::nfc(id);
        let id = id.as_str();
        let site_wide = !self.page_sources.contains(id);
        if site_wide && !self.site_sources.contains_key(id) {
            return None;
        }
        let next_number = self.cited.len() + 1;
        let entry = self
            .cited
            .entry(id.to_string())
            .or_insert_with(|| CitedSource {
                id: id.to_string(),
                number: next_number,
                backrefs: vec![],
                site_wide,
            });
        let anchor = format!("cite-{}-{}", id, entry.backrefs.len() + 1);
        entry.backrefs.push(anchor.clone());
        let id = escape_html(id);
        Some(format!(
            "<sup class=\"citation\"><a id=\"{}\" href=\"#source-{id}\" role=\"doc-noteref\">[{}]</a></sup>",
            escape_html(&anchor),
            entry.number
        ))
    }

    /// Renders one fragment: prepares its source (transforms, citation scaffold), parses it,
    /// and walks the events (citations, headings, code, links, the dateline).
    pub(super) fn render(&mut self, markdown: &str, place: Place) -> Fragment {
        let prepared = source::prepare(markdown, self.transforms);
        let mut walk = Walk::default();
        let parser = Parser::new_ext(&prepared.text, self.dialect.options()).into_offset_iter();
        for (event, range) in parser {
            // Everything parsed from the scaffold is the scaffold's.
            if range.start < prepared.scaffold || walk.in_header(&event, &range) {
                continue;
            }
            walk.plain.push(&event);
            self.step(&mut walk, &prepared, &place, event, range);
        }
        let mut html = String::with_capacity(markdown.len() * 3 / 2);
        let events = if self.dialect.bottom_footnotes {
            super::footnotes::to_bottom(walk.events)
        } else {
            walk.events
        };
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        Fragment {
            html,
            text: walk.plain.into_raw(),
            toc: walk.toc,
        }
    }

    /// One event of a fragment's walk.
    fn step<'e>(
        &mut self,
        walk: &mut Walk<'e>,
        prepared: &Prepared,
        place: &Place,
        event: Event<'e>,
        range: std::ops::Range<usize>,
    ) {
        if walk.image.is_some() {
            walk.in_image(event);
            return;
        }
        match event {
            Event::FootnoteReference(label) if !prepared.defined.contains(label.as_ref()) => {
                let html = self.citation(&label, place, prepared.origin(range.start));
                walk.push(Event::InlineHtml(html.into()));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                walk.push(Event::Html(super::callout::open(kind, &self.lang).into()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                walk.push(Event::Html(super::callout::CLOSE.into()))
            }
            Event::Start(Tag::BlockQuote(None)) => {
                walk.quote_depth += 1;
                if !self.open_component(walk, prepared, place, range) {
                    walk.push(event);
                }
            }
            Event::End(TagEnd::BlockQuote(None)) => {
                let closes = walk
                    .open
                    .last()
                    .is_some_and(|c| c.depth == walk.quote_depth);
                walk.quote_depth -= 1;
                if closes {
                    self.close_component(walk, place);
                } else {
                    walk.push(event);
                }
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                walk.heading = Some(Heading {
                    level,
                    id,
                    inner: Vec::new(),
                    title: String::new(),
                })
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(heading) = walk.heading.take() {
                    self.end_heading(walk, heading);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.start_code_block(walk, prepared, place, kind, range)
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, body)) = walk.code.take() {
                    walk.events
                        .push(Event::Html(highlight::highlight(&body, &lang).into()));
                }
            }
            Event::Start(Tag::Image { .. }) => self.start_image(walk, event),
            Event::Start(Tag::Paragraph) => self.start_paragraph(walk),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                // Where the destination itself is written, else where the link starts.
                let at = prepared.text[range.clone()]
                    .find(dest_url.as_ref())
                    .map_or(range.start, |i| range.start + i);
                self.link(dest_url, place, prepared.origin(at));
                walk.push(event);
            }
            Event::Text(_) if walk.code.is_none() => {
                self.template_syntax(place, prepared, range.clone());
                walk.text_or_other(event)
            }
            other => walk.text_or_other(other),
        }
    }

    /// A block quote opens: when its first line is a component header with valid arguments,
    /// the component opens (its header line is skipped, its body read until the quote ends)
    /// and this returns true; an invalid one is reported and stays a quote.
    fn open_component(
        &mut self,
        walk: &mut Walk<'_>,
        prepared: &Prepared,
        place: &Place,
        range: std::ops::Range<usize>,
    ) -> bool {
        let Some((at, line_end, header)) =
            component::header_of_quote(&prepared.text[range.clone()])
        else {
            return false;
        };
        let at = range.start + at;
        let header = match header {
            Ok(h) => h,
            Err((offset, message)) => {
                let help = "write the header as `[!NAME key=value key=\"a value\"]`".to_string();
                self.error(
                    place,
                    (prepared.origin(at + offset), None),
                    message,
                    Some(help),
                );
                return false;
            }
        };
        let Some(args) = self.component_args(&header, prepared, place, at) else {
            return false;
        };
        let body = self
            .components
            .schema(&header.name)
            .map_or_else(|_| BodyKind::default(), |s| s.body);
        walk.open.push(OpenComponent {
            body,
            name: header.name,
            args,
            start: walk.events.len(),
            depth: walk.quote_depth,
            at: prepared.origin(at),
        });
        walk.header_end = Some(range.start + line_end);
        true
    }

    /// The resolved arguments of a component header at `at`, or None when any is wrong (each
    /// wrong one reported at its place).
    fn component_args(
        &mut self,
        header: &component::Header,
        prepared: &Prepared,
        place: &Place,
        at: usize,
    ) -> Option<serde_json::Map<String, serde_json::Value>> {
        let components = self.components;
        let schema = match components.schema(&header.name) {
            Ok(schema) => schema,
            // `> [!WORD]` alone, naming no component, is a quote (as GitHub shows it).
            Err(_) if header.args.is_empty() => return None,
            Err((message, help)) => {
                let at = (prepared.origin(at + header.name_at), None);
                self.error(place, at, message, Some(help));
                return None;
            }
        };
        let mut args = serde_json::Map::new();
        let mut ok = true;
        for (key, raw, offset) in &header.args {
            let arg_at = (prepared.origin(at + offset), None);
            let Some(spec) = schema.args.get(key) else {
                let known: Vec<&str> = schema.args.keys().map(String::as_str).collect();
                let help = crate::diag::suggestion_help(key, &known)
                    .replace("known keys", "its arguments");
                let message = format!("component `{}` has no argument `{key}`", header.name);
                self.error(place, arg_at, message, Some(help));
                ok = false;
                continue;
            };
            match self.arg_value(spec.ty, raw, header) {
                Ok(value) => {
                    args.insert(key.clone(), value);
                }
                // Reported by the image stage, at the same place.
                Err((message, _)) if message.is_empty() => ok = false,
                Err((message, help)) => {
                    let message = format!("`{key}` of `{}`: {message}", header.name);
                    let help = Some(help)
                        .filter(|h| !h.is_empty())
                        .unwrap_or_else(|| format!("give `{key}` {}", spec.ty.describe()));
                    self.error(place, arg_at, message, Some(help));
                    ok = false;
                }
            }
        }
        for (key, spec) in &schema.args {
            if spec.required && !header.args.iter().any(|(k, _, _)| k == key) {
                let message = format!("component `{}` needs the argument `{key}`", header.name);
                let help = format!("add `{key}=…` ({}) to the header", spec.ty.describe());
                self.error(
                    place,
                    (prepared.origin(at + header.name_at), None),
                    message,
                    Some(help),
                );
                ok = false;
            }
        }
        ok.then_some(args)
    }

    /// One argument's value: a source is cited (numbered with the page's citations), an
    /// image is the image stage's picture.
    fn arg_value(
        &mut self,
        ty: ArgType,
        raw: &str,
        header: &component::Header,
    ) -> Result<serde_json::Value, (String, String)> {
        if ty == ArgType::Image {
            return self.image_value(raw, header);
        }
        if ty != ArgType::Source {
            return self.components.value(ty, raw, self.beside, &self.lang);
        }
        match self.cite(raw) {
            Some(html) => Ok(serde_json::json!({ "id": raw, "html": html })),
            None => Err((
                format!("`{raw}` names no source on this page or in data/sources.toml"),
                format!("declare it under `[[sources]]` with `id = \"{raw}\"`"),
            )),
        }
    }

    /// An `image` argument: the processed picture's `<picture>` (sizes, WebP, lazy) with the
    /// header's `alt` (empty when `decorative=true`), its size, caption and credit; a local
    /// image the stage does not process (SVG, GIF) as a plain lazy `<img>`. A JPEG or PNG
    /// the stage could not read is reported there: the error is empty here.
    fn image_value(
        &self,
        raw: &str,
        header: &component::Header,
    ) -> Result<serde_json::Value, (String, String)> {
        let arg = |key: &str| {
            header
                .args
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, _)| v.as_str())
        };
        let alt = if arg("decorative") == Some("true") {
            ""
        } else {
            arg("alt").unwrap_or("")
        };
        if let Some(p) = self.pictures.and_then(|p| p.get(raw)) {
            let img = p.largest();
            return Ok(serde_json::json!({
                "url": img.url,
                "width": img.width,
                "height": img.height,
                "caption": p.meta.caption,
                "credit": p.meta.credit,
                "html": picture::picture_html(p, alt, None),
            }));
        }
        let ext = raw
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let processed = ["jpg", "jpeg", "png"].contains(&ext.as_str());
        match self
            .components
            .value(ArgType::Image, raw, self.beside, &self.lang)
        {
            Err(_) if processed && self.pictures.is_some() => Err((String::new(), String::new())),
            Err(e) => Err(e),
            Ok(_) => Ok(serde_json::json!({
                "url": raw,
                "html": format!(
                    "<img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
                    escape_html(raw),
                    escape_html(alt)
                ),
            })),
        }
    }

    /// The quote of the innermost open component ends: its body's events become HTML, given
    /// with its arguments to its template.
    fn close_component(&mut self, walk: &mut Walk<'_>, place: &Place) {
        let Some(open) = walk.open.pop() else {
            return;
        };
        let body_events = walk.events.split_off(open.start);
        let rows = super::rows::rows(&body_events);
        if open.body == BodyKind::Rows && rows.is_none() {
            let message = format!(
                "the body of `{}` is not a list of `Label: value` rows",
                open.name
            );
            let help = "write one row per list item under the header: `> - Revenue: SEK 4.2 billion[^q3-report]`".to_string();
            self.error(place, (open.at, None), message, Some(help));
            return;
        }
        let mut body = String::new();
        pulldown_cmark::html::push_html(&mut body, body_events.into_iter());
        let mut context = tera::Context::new();
        context.insert("args", &open.args);
        context.insert("body", &body);
        context.insert("rows", &rows.unwrap_or_default());
        context.insert("lang", &self.lang);
        context.insert("words", &super::component_words::words(&self.lang));
        match self.components.render(&open.name, &context) {
            Ok(html) => walk.push(Event::Html(format!("{}\n", html.trim_end()).into())),
            Err(e) => {
                let message = format!("component `{}` did not render: {e}", open.name);
                let help = format!("fix templates/components/{}.html", open.name);
                self.error(place, (open.at, None), message, Some(help));
            }
        }
    }

    /// A fenced or indented code block opens: its label is checked (one warning per unknown
    /// label, at the label on the fence line) and its text is collected for highlighting.
    fn start_code_block(
        &mut self,
        walk: &mut Walk<'_>,
        prepared: &Prepared,
        place: &Place,
        kind: CodeBlockKind<'_>,
        range: std::ops::Range<usize>,
    ) {
        let lang = match kind {
            CodeBlockKind::Fenced(l) => l.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        if let Some(token) = highlight::unknown_language(&lang) {
            let at = prepared.text[range.clone()]
                .find(token)
                .map_or(range.start, |i| range.start + i);
            let (message, help) = highlight::unknown_language_warning(token);
            let at = (prepared.origin(at), Some(token));
            self.report(Severity::Warning, place, at, message, Some(help));
        }
        walk.code = Some((lang, String::new()));
    }

    /// An image opens: a processed local image is collected to become a `<picture>`; a
    /// remote, SVG or unprocessed one passes as written.
    fn start_image<'e>(&mut self, walk: &mut Walk<'e>, event: Event<'e>) {
        let Event::Start(Tag::Image {
            ref dest_url,
            ref title,
            ..
        }) = event
        else {
            return walk.push(event);
        };
        match self.pictures.and_then(|p| p.get(dest_url.as_ref())) {
            Some(picture) => {
                walk.image = Some(OpenImage {
                    picture: picture.clone(),
                    title: title.to_string(),
                    alt: String::new(),
                    depth: 1,
                })
            }
            None => walk.push(event),
        }
    }

    /// A paragraph opens; the first one of the body carries the dateline.
    fn start_paragraph(&mut self, walk: &mut Walk<'_>) {
        walk.paragraph_at = Some(walk.events.len());
        walk.events.push(Event::Start(Tag::Paragraph));
        if !std::mem::take(&mut walk.first_paragraph) {
            return;
        }
        if let Some(dateline) = self.dateline.take() {
            walk.events.push(Event::InlineHtml(dateline.into()));
        }
    }

    /// Warns at each `{{ … }}` or `{% … %}` that opens in the prose text at `range` (closing
    /// later on its line, perhaps in another text event: smart quotes split them): a shortcode
    /// or Liquid tag from another generator, which pressroom shows as text. Code is not
    /// searched, and components are expanded before this runs.
    fn template_syntax(
        &mut self,
        place: &Place,
        prepared: &Prepared,
        range: std::ops::Range<usize>,
    ) {
        let source = prepared.text.as_str();
        for (open, close) in [("{{", "}}"), ("{%", "%}")] {
            for (i, _) in source[range.clone()].match_indices(open) {
                let at = range.start + i;
                let line_end = source[at..].find('\n').map_or(source.len(), |e| at + e);
                let Some(end) = source[at..line_end].find(close) else {
                    continue;
                };
                let snippet = &source[at..at + end + close.len()];
                self.report(
                    Severity::Warning,
                    place,
                    (prepared.origin(at), Some(snippet)),
                    format!("`{snippet}` looks like a shortcode or Liquid tag of another generator; pressroom shows it as text"),
                    Some("replace it with Markdown or HTML, or quote it as code (`` `{{ … }}` ``); for a whole site, `pressroom import --from zola|hugo|jekyll OLD NEW` lists every such place".into()),
                );
            }
        }
    }

    /// The HTML for `[^label]` at source offset `at`: a citation, or the text as written and
    /// an error when it names no source.
    fn citation(&mut self, label: &str, place: &Place, at: usize) -> String {
        if let Some(html) = self.cite(label) {
            return html;
        }
        let needle = format!("[^{label}]");
        self.error(
            place,
            (at, Some(needle.as_str())),
            format!("`[^{label}]` cites no source: there is no source `{label}` on this page or in data/sources.toml, and no footnote `[^{label}]:`"),
            Some(format!("declare it under `[[sources]]` with `id = \"{label}\"`, or add a footnote definition `[^{label}]: ...`")),
        );
        escape_html(&needle)
    }

    /// Gives a finished heading its unique id and a table-of-contents entry.
    fn end_heading<'e>(&mut self, walk: &mut Walk<'e>, heading: Heading<'e>) {
        let Heading {
            level,
            id,
            inner,
            title,
        } = heading;
        let id = self.unique_id(
            id.map(|i| i.to_string())
                .unwrap_or_else(|| self.dialect.heading_ids.id(&title)),
        );
        walk.toc
            .push((level as u8, id.clone(), title.trim().to_string()));
        walk.events.push(Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes: vec![],
            attrs: vec![],
        }));
        walk.events.extend(inner);
        walk.events.push(Event::End(TagEnd::Heading(level)));
    }

    /// Records a link destination, with its place in the item's file when it is in the body.
    fn link(&mut self, url: &str, place: &Place, at: usize) {
        let at = match (place, self.file) {
            (Place::Body, Some(file)) => Some(file.body_offset + at),
            _ => None,
        };
        self.links.push(Link {
            url: url.to_string(),
            at,
        });
    }

    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        if self.heading_ids.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.heading_ids.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// A component being read: its body's events are those after `start` in the walk's events.
struct OpenComponent {
    name: String,
    /// What its body must be.
    body: BodyKind,
    args: serde_json::Map<String, serde_json::Value>,
    /// Where its body starts in the walk's events.
    start: usize,
    /// The block-quote depth it opened at.
    depth: usize,
    /// Where its header is in the fragment, for a template error.
    at: usize,
}

/// A heading being read: its events go inside it until it ends and gets its id.
struct Heading<'e> {
    level: HeadingLevel,
    id: Option<CowStr<'e>>,
    inner: Vec<Event<'e>>,
    title: String,
}

/// The state of one fragment's walk over its events.
struct Walk<'e> {
    events: Vec<Event<'e>>,
    /// The fragment's plain text, as the page's measures read it.
    plain: text::PlainText,
    toc: Vec<(u8, String, String)>,
    heading: Option<Heading<'e>>,
    /// The language and text of the code block being read.
    code: Option<(String, String)>,
    first_paragraph: bool,
    /// The processed image being read (its alt text).
    image: Option<OpenImage>,
    /// Where the open paragraph starts in `events`.
    paragraph_at: Option<usize>,
    /// The last titled picture written: its place in `events` and its figure markup, used
    /// instead when it turns out to be alone in its paragraph.
    figure: Option<(usize, String)>,
    /// How many block quotes are open.
    quote_depth: usize,
    /// The components being read, innermost last.
    open: Vec<OpenComponent>,
    /// Where the header line of the component just opened ends: its events are skipped.
    header_end: Option<usize>,
}

/// A processed image whose alt text is being read.
struct OpenImage {
    picture: Picture,
    title: String,
    alt: String,
    /// Images nested in its alt text, plus itself.
    depth: usize,
}

impl Default for Walk<'_> {
    fn default() -> Self {
        Walk {
            events: Vec::new(),
            plain: text::PlainText::new(text::Blocks::PageMeasure, false),
            toc: Vec::new(),
            heading: None,
            code: None,
            first_paragraph: true,
            image: None,
            paragraph_at: None,
            figure: None,
            quote_depth: 0,
            open: Vec::new(),
            header_end: None,
        }
    }
}

impl<'e> Walk<'e> {
    /// Whether `event` belongs to the header line of the component just opened (and is left
    /// out): its text, and the paragraph it leaves empty when the body starts below it.
    fn in_header(&mut self, event: &Event<'e>, range: &std::ops::Range<usize>) -> bool {
        let Some(end) = self.header_end else {
            return false;
        };
        match event {
            Event::Start(Tag::Paragraph) => false,
            Event::End(TagEnd::Paragraph)
                if matches!(self.events.last(), Some(Event::Start(Tag::Paragraph))) =>
            {
                self.events.pop();
                self.paragraph_at = None;
                self.header_end = None;
                true
            }
            _ if range.start < end => true,
            _ => {
                self.header_end = None;
                false
            }
        }
    }

    /// An event inside a processed image: its alt text, until it ends and is written.
    fn in_image(&mut self, event: Event<'e>) {
        let Some(open) = self.image.as_mut() else {
            return;
        };
        match event {
            Event::Text(t) | Event::Code(t) => open.alt.push_str(&t),
            Event::Start(Tag::Image { .. }) => open.depth += 1,
            Event::End(TagEnd::Image) => {
                open.depth -= 1;
                if open.depth == 0 {
                    self.end_image();
                }
            }
            _ => {}
        }
    }

    /// Writes the image just read; a titled one may become a figure when its paragraph ends.
    fn end_image(&mut self) {
        let Some(open) = self.image.take() else {
            return;
        };
        let title = Some(open.title.as_str()).filter(|t| !t.is_empty());
        let html = picture::picture_html(&open.picture, &open.alt, title);
        if let (Some(title), None) = (title, &self.heading) {
            let figure = picture::figure_html(&open.picture, &open.alt, title);
            self.figure = Some((self.events.len(), figure));
        }
        self.push(Event::InlineHtml(html.into()));
    }

    /// The end of a paragraph: one that holds nothing but a titled picture becomes its figure.
    fn end_paragraph(&mut self, event: Event<'e>) {
        let start = self.paragraph_at.take();
        match (start, self.figure.take()) {
            (Some(start), Some((at, figure)))
                if at == start + 1 && self.events.len() == start + 2 =>
            {
                self.events.truncate(start);
                self.events.push(Event::Html(figure.into()));
            }
            _ => self.events.push(event),
        }
    }

    /// Passes an event on: into the heading being read, else to the output.
    fn push(&mut self, e: Event<'e>) {
        match &mut self.heading {
            Some(h) => h.inner.push(e),
            None => self.events.push(e),
        }
    }

    /// Text and code (into the code block or the heading being read), block ends, and every
    /// other event passed on unchanged.
    fn text_or_other(&mut self, event: Event<'e>) {
        match event {
            Event::Text(t) if self.code.is_some() => {
                if let Some((_, body)) = self.code.as_mut() {
                    body.push_str(&t);
                }
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(h) = self.heading.as_mut() {
                    h.title.push_str(t);
                }
                self.push(event);
            }
            Event::End(TagEnd::Paragraph) => self.end_paragraph(event),
            Event::End(TagEnd::Item | TagEnd::TableCell) => self.events.push(event),
            other => self.push(other),
        }
    }
}
