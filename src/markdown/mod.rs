//! Markdown → HTML with pulldown-cmark: stable unique heading ids and a table of contents,
//! syntect highlighting, source citations (`[^id]` → numbered links to `#source-id` with
//! back-references), ordinary footnotes, summaries, word counts and reading times.

pub mod highlight;
pub mod text;

use crate::content::frontmatter::{Kind, NoticeKind, SourceRaw};
use crate::diag::Diagnostic;
use crate::model::{Item, Site};
use indexmap::IndexMap;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// One entry of a table of contents.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq)]
pub struct TocEntry {
    /// Heading level (2 for `##`).
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A source as cited on one page: its number and the anchors of its citations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CitedSource {
    /// The source's id.
    pub id: String,
    /// 1-based number shown in the text, by order of first citation.
    pub number: usize,
    /// Ids of the citation anchors in the text (`cite-id-1`, ...).
    pub backrefs: Vec<String>,
    /// Whether it is a site-wide source (from `data/sources.toml`).
    pub site_wide: bool,
}

/// Everything the Markdown pass produces for one item.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Body HTML.
    pub html: String,
    /// Summary HTML.
    pub summary_html: String,
    /// Summary as plain text (meta descriptions).
    pub summary_text: String,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Word count of the body.
    pub words: usize,
    /// Minutes to read.
    pub reading_time: usize,
    /// Sources in citation order (cited first, then uncited page sources).
    pub sources: Vec<CitedSource>,
    /// Fact-sheet rows: label and value HTML.
    pub facts: Vec<(String, String)>,
    /// HTML of each notice's note, parallel to `Item::notices`.
    pub notices: Vec<String>,
    /// HTML of each update's body, parallel to `Item::updates`.
    pub updates: Vec<String>,
    /// HTML of the withdrawal reason.
    pub withdrawn: Option<String>,
    /// HTML of the boilerplate.
    pub boilerplate: Option<String>,
    /// Link destinations found in the body (for `check`).
    pub links: Vec<String>,
    /// Heading and footnote ids on the page (for `check`'s fragment test).
    pub anchors: Vec<String>,
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const SUMMARY_MARKER: &str = "<!-- more -->";

/// The Markdown extensions pressroom reads (the ledger parses bodies the same way).
pub fn parse_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders every item's Markdown in parallel, and every section's body.
pub fn render_all(site: &mut Site, config: &crate::config::Config, diags: &mut Vec<Diagnostic>) {
    render_all_with(site, config, diags, render_item);
}

/// [`render_all`] with each item's rendering left to `render` (serve reuses the output of
/// items whose inputs did not change; see [`crate::cache`]).
pub fn render_all_with(
    site: &mut Site,
    config: &crate::config::Config,
    diags: &mut Vec<Diagnostic>,
    render: impl Fn(&Item, &HashMap<&str, &SourceRaw>) -> (Rendered, Vec<Diagnostic>) + Sync + Send,
) {
    let site_sources: HashMap<&str, &SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let results: Vec<(Rendered, Vec<Diagnostic>)> = site
        .items
        .par_iter()
        .map(|item| render(item, &site_sources))
        .collect();
    for (item, (rendered, ds)) in site.items.iter_mut().zip(results) {
        item.rendered = rendered;
        diags.extend(ds);
    }
    // Drafts left out of the build are rendered only for their diagnostics (a broken
    // citation should not wait for a preview to show); their HTML is dropped here.
    let draft_diags: Vec<Vec<Diagnostic>> = site
        .unpublished_drafts
        .par_iter()
        .map(|item| render_item(item, &site_sources).1)
        .collect();
    diags.extend(draft_diags.into_iter().flatten());
    for section in &mut site.sections {
        if let Some((src, body)) = &section.body {
            let mut ctx = PageCtx::new(&site_sources, &[]);
            let frag = ctx.render(body, Place::Front(src.rel.clone()));
            section.content_html = frag.html;
            diags.extend(ctx.diags);
        }
    }
    let _ = config;
}

/// Gives releases back the boilerplate they were published with (the ledger keeps it when the
/// site's changes; see [`crate::model::ledger`]).
pub fn pin_boilerplates(site: &mut Site, pins: &[(crate::model::ItemId, String)]) {
    let site_sources: HashMap<&str, &SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let rendered: Vec<(crate::model::ItemId, String, String)> = pins
        .iter()
        .map(|(id, text)| {
            let mut ctx = PageCtx::new(&site_sources, &site.items[*id].sources);
            let html = ctx.render(text, Place::Front("boilerplate".into())).html;
            (*id, text.clone(), html)
        })
        .collect();
    for (id, text, html) in rendered {
        let item = &mut site.items[id];
        item.boilerplate = Some(text);
        item.rendered.boilerplate = Some(html);
    }
}

/// Where a fragment of Markdown comes from, for positions in diagnostics.
#[derive(Clone)]
enum Place {
    /// The item body: offsets map into the file.
    Body,
    /// A front-matter field (fact value, notice, update): report at that key.
    Front(String),
}

struct Fragment {
    html: String,
    text: String,
    toc: Vec<(u8, String, String)>,
}

/// Per-page state shared by all fragments of one item, so citation numbers run on across the
/// updates, the fact table and the body.
struct PageCtx<'a> {
    site_sources: &'a HashMap<&'a str, &'a SourceRaw>,
    page_sources: HashSet<&'a str>,
    cited: IndexMap<String, CitedSource>,
    heading_ids: HashSet<String>,
    /// For each base id, the next suffix to try: ten thousand headings with the same text
    /// would otherwise each walk every suffix taken before them (quadratic).
    next_suffix: HashMap<String, usize>,
    links: Vec<String>,
    diags: Vec<Diagnostic>,
    item: Option<&'a Item>,
    dateline: Option<String>,
}

impl<'a> PageCtx<'a> {
    fn new(
        site_sources: &'a HashMap<&'a str, &'a SourceRaw>,
        page_sources: &'a [SourceRaw],
    ) -> Self {
        PageCtx {
            site_sources,
            page_sources: page_sources.iter().map(|s| s.id.as_str()).collect(),
            cited: IndexMap::new(),
            heading_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            links: Vec::new(),
            diags: Vec::new(),
            item: None,
            dateline: None,
        }
    }

    fn error(
        &mut self,
        place: &Place,
        (offset, needle): (usize, Option<&str>),
        message: String,
        help: Option<String>,
    ) {
        let Some(item) = self.item else { return };
        let d = match place {
            Place::Body => {
                let (line, col) =
                    crate::diag::LineIndex::new(&item.text).position(item.body_offset + offset);
                Diagnostic::error(&item.src.rel, line, col, message)
            }
            Place::Front(key) => {
                // Point at the citation itself when it can be found after the key.
                let front = &item.text[..item.body_offset];
                let key_at = crate::keys::find_key_offset(front, key);
                let at = needle
                    .and_then(|n| front[key_at..].find(n).map(|i| key_at + i))
                    .unwrap_or(key_at);
                let (line, col) = crate::diag::LineIndex::new(&item.text).position(at);
                Diagnostic::error(&item.src.rel, line, col, message)
            }
        };
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

    fn render(&mut self, markdown: &str, place: Place) -> Fragment {
        // `[^id]` with no definition is plain text to pulldown-cmark; give every label that is
        // not defined by the author a placeholder definition (after the real text) so that each
        // reference arrives as an event with its position, then drop the placeholders.
        let defined: HashSet<&str> = markdown
            .lines()
            .filter_map(|l| {
                l.trim_start()
                    .strip_prefix("[^")
                    .and_then(|r| r.split_once("]:"))
                    .map(|(label, _)| label)
            })
            .collect();
        let mut labels: Vec<&str> = Vec::new();
        let mut rest = markdown;
        while let Some(start) = rest.find("[^") {
            let after = &rest[start + 2..];
            match after.find(']') {
                Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                    let label = &after[..end];
                    if !defined.contains(label) && !labels.contains(&label) {
                        labels.push(label);
                    }
                    rest = &after[end..];
                }
                _ => rest = after,
            }
        }
        // The placeholders go before the text, closed by an HTML comment line, not after it: a
        // text that ends inside an open code fence or HTML block would swallow them (the
        // placeholder showed on the page and the unknown citation went unreported). Everything
        // parsed from this prefix is dropped; offsets are shifted back into the text.
        let mut source = String::with_capacity(markdown.len() + labels.len() * 24 + 12);
        for label in &labels {
            source.push_str("[^");
            source.push_str(label);
            source.push_str("]: placeholder\n\n");
        }
        if !labels.is_empty() {
            source.push_str("<!-- -->\n");
        }
        let prefix = source.len();
        source.push_str(markdown);

        let mut events: Vec<Event<'_>> = Vec::new();
        let mut text = String::new();
        let mut toc = Vec::new();
        let mut heading: Option<(HeadingLevel, Option<CowStr<'_>>, Vec<Event<'_>>, String)> = None;
        let mut code: Option<(String, String)> = None;
        let mut first_paragraph = true;
        for (event, range) in Parser::new_ext(&source, parse_options()).into_offset_iter() {
            if range.start < prefix {
                continue;
            }
            let range = range.start - prefix..range.end - prefix;
            match event {
                Event::FootnoteReference(label) if !defined.contains(label.as_ref()) => {
                    let html = match self.cite(&label) {
                        Some(html) => html,
                        None => {
                            let needle = format!("[^{label}]");
                            self.error(
                                &place,
                                (range.start, Some(needle.as_str())),
                                format!("`[^{label}]` cites no source: there is no source `{label}` on this page or in data/sources.toml, and no footnote `[^{label}]:`"),
                                Some(format!("declare it under `[[sources]]` with `id = \"{label}\"`, or add a footnote definition `[^{label}]: ...`")),
                            );
                            escape_html(&format!("[^{label}]"))
                        }
                    };
                    push_event(&mut heading, &mut events, Event::InlineHtml(html.into()));
                }
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading = Some((level, id, Vec::new(), String::new()))
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, id, inner, title)) = heading.take() {
                        let id = self.unique_id(
                            id.map(|i| i.to_string())
                                .unwrap_or_else(|| crate::model::slug::slugify(&title)),
                        );
                        toc.push((level as u8, id.clone(), title.trim().to_string()));
                        events.push(Event::Start(Tag::Heading {
                            level,
                            id: Some(id.into()),
                            classes: vec![],
                            attrs: vec![],
                        }));
                        events.extend(inner);
                        events.push(Event::End(TagEnd::Heading(level)));
                    }
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((lang, body)) = code.take() {
                        events.push(Event::Html(highlight::highlight(&body, &lang).into()));
                    }
                }
                Event::Text(t) if code.is_some() => {
                    if let Some((_, body)) = code.as_mut() {
                        body.push_str(&t);
                    }
                }
                Event::Text(t) => {
                    text.push_str(&t);
                    if let Some((_, _, _, title)) = heading.as_mut() {
                        title.push_str(&t);
                    }
                    push_event(&mut heading, &mut events, Event::Text(t));
                }
                Event::Code(t) => {
                    text.push_str(&t);
                    if let Some((_, _, _, title)) = heading.as_mut() {
                        title.push_str(&t);
                    }
                    push_event(&mut heading, &mut events, Event::Code(t));
                }
                Event::SoftBreak | Event::HardBreak => {
                    text.push(' ');
                    push_event(&mut heading, &mut events, event);
                }
                Event::End(TagEnd::Paragraph)
                | Event::End(TagEnd::Item)
                | Event::End(TagEnd::TableCell) => {
                    text.push(' ');
                    events.push(event);
                }
                Event::Start(Tag::Paragraph) if first_paragraph => {
                    first_paragraph = false;
                    events.push(Event::Start(Tag::Paragraph));
                    if let Some(dateline) = self.dateline.take() {
                        events.push(Event::InlineHtml(dateline.into()));
                    }
                }
                Event::Start(Tag::Link { ref dest_url, .. }) => {
                    self.links.push(dest_url.to_string());
                    push_event(&mut heading, &mut events, event);
                }
                other => push_event(&mut heading, &mut events, other),
            }
        }
        let mut html = String::with_capacity(markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        Fragment { html, text, toc }
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

fn push_event<'e>(
    heading: &mut Option<(HeadingLevel, Option<CowStr<'e>>, Vec<Event<'e>>, String)>,
    events: &mut Vec<Event<'e>>,
    e: Event<'e>,
) {
    match heading {
        Some((_, _, inner, _)) => inner.push(e),
        None => events.push(e),
    }
}

/// Strips one wrapping `<p>…</p>` so a one-paragraph fragment can sit inline (table cells).
fn unwrap_paragraph(html: &str) -> String {
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|r| r.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

/// Renders one item: updates, facts and body (in the order a reader meets them, so citation
/// numbers rise down the page), notices, summary and measures.
pub fn render_item(
    item: &Item,
    site_sources: &HashMap<&str, &SourceRaw>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut ctx = PageCtx::new(site_sources, &item.sources);
    ctx.item = Some(item);
    // Render in the order a reader meets the parts, so citation numbers rise down the page:
    // withdrawal notice, corrections and clarifications, updates, facts, body; editorial notes
    // (only in the collapsed revision history at the end) last.
    let mut out = Rendered {
        withdrawn: item
            .withdrawn
            .as_ref()
            .map(|w| ctx.render(&w.reason, Place::Front("withdrawn".into())).html),
        notices: vec![String::new(); item.notices.len()],
        ..Rendered::default()
    };
    let editorial =
        |i: &usize| item.notices[*i].kind == crate::content::frontmatter::NoticeKind::Editorial;
    let (late, early): (Vec<usize>, Vec<usize>) = (0..item.notices.len()).partition(editorial);
    let notice = |ctx: &mut PageCtx<'_>, i: usize| {
        unwrap_paragraph(
            &ctx.render(&item.notices[i].note, Place::Front("corrections".into()))
                .html,
        )
    };
    for i in early {
        out.notices[i] = notice(&mut ctx, i);
    }
    out.updates = item
        .updates
        .iter()
        .map(|u| ctx.render(&u.body, Place::Front("updates".into())).html)
        .collect();
    out.facts = item
        .facts
        .iter()
        .map(|(label, value)| {
            (
                label.clone(),
                unwrap_paragraph(&ctx.render(value, Place::Front("facts".into())).html),
            )
        })
        .collect();
    if item.kind == Kind::Release {
        if let Some(dateline) = &item.dateline {
            let date = item
                .date
                .map(|d| {
                    format!(
                        ", {}",
                        crate::dates::format(
                            &d.to_zoned(item.tz.clone()),
                            crate::dates::DateFormat::Long,
                            item.content_lang()
                        )
                    )
                })
                .unwrap_or_default();
            ctx.dateline = Some(format!(
                "<span class=\"dateline\">{}{}</span> — ",
                escape_html(&dateline.to_uppercase()),
                escape_html(&date)
            ));
        }
    }
    let body = &item.text[item.body_offset..];
    let fragment = ctx.render(body, Place::Body);
    for i in late {
        out.notices[i] = notice(&mut ctx, i);
    }
    out.boilerplate = item
        .boilerplate
        .as_ref()
        .map(|b| ctx.render(b, Place::Front("boilerplate".into())).html);
    out.html = fragment.html;
    out.words = text::word_count(&fragment.text);
    out.reading_time = text::reading_time(out.words, item.content_lang());
    out.toc = nest_toc(&fragment.toc);
    out.anchors = fragment.toc.iter().map(|(_, id, _)| id.clone()).collect();
    // Summary: front matter, else the text before `<!-- more -->`, else a language-aware cut.
    let mut summary_ctx = PageCtx::new(site_sources, &item.sources);
    if let Some(summary) = &item.summary {
        let frag = summary_ctx.render(summary, Place::Front("summary".into()));
        out.summary_text = frag.text.trim().to_string();
        out.summary_html = frag.html;
    } else if let Some(cut) = body.find(SUMMARY_MARKER) {
        let frag = summary_ctx.render(&body[..cut], Place::Body);
        out.summary_text = text::cut_summary(&frag.text, item.content_lang());
        out.summary_html = strip_citations(&frag.html);
    } else {
        let first = first_paragraphs_text(body);
        out.summary_text = text::cut_summary(&first, item.content_lang());
        out.summary_html = format!("<p>{}</p>", escape_html(&out.summary_text));
    }
    // Sources: cited ones in citation order, then page sources never cited (with a warning).
    for s in &item.sources {
        if !ctx.cited.contains_key(&s.id) {
            let (line, col) = crate::diag::LineIndex::new(&item.text)
                .position(item.text.find(&format!("\"{}\"", s.id)).unwrap_or(0));
            ctx.diags.push(
                Diagnostic::warning(
                    &item.src.rel,
                    line,
                    col,
                    format!("source `{}` is never cited", s.id),
                )
                .with_help(format!(
                    "cite it in the text with `[^{}]`, or remove it",
                    s.id
                )),
            );
            let number = ctx.cited.len() + 1;
            ctx.cited.insert(
                s.id.clone(),
                CitedSource {
                    id: s.id.clone(),
                    number,
                    backrefs: vec![],
                    site_wide: false,
                },
            );
        }
    }
    out.sources = ctx.cited.into_values().collect();
    out.links = ctx.links;
    let _ = NoticeKind::Correction;
    (out, ctx.diags)
}

/// Removes `[^label]` citation marks from plain text (summaries cut from the body).
fn strip_citation_labels(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[^") {
        let after = &rest[start + 2..];
        match after.find(']') {
            Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                out.push_str(&rest[..start]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The plain text of the body's opening paragraphs (not headings, code or lists), for summaries.
fn first_paragraphs_text(body: &str) -> String {
    let mut out = String::new();
    let mut in_paragraph = false;
    let mut depth_skip = 0;
    for event in Parser::new_ext(body, parse_options()) {
        match event {
            Event::Start(Tag::Paragraph) if depth_skip == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => {
                in_paragraph = false;
                out.push(' ');
                if out.chars().count() > 400 {
                    break;
                }
            }
            Event::Start(
                Tag::FootnoteDefinition(_) | Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_),
            ) => depth_skip += 1,
            Event::End(
                TagEnd::FootnoteDefinition
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Table,
            ) => depth_skip -= 1,
            Event::Text(t) | Event::Code(t) if in_paragraph => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => out.push(' '),
            _ => {}
        }
    }
    strip_citation_labels(&out)
}

/// The same HTML without the citation anchors' ids, for a second rendering of a note on the
/// same page (the revision history repeats the corrections shown at the top).
pub fn without_citation_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a id=\"cite-") {
        out.push_str(&rest[..start + 2]);
        let after = &rest[start + 7..];
        match after.find('"') {
            Some(end) => rest = &after[end + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Citations link to the page's source list, which a summary shown elsewhere does not have.
pub fn strip_citations(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<sup class=\"citation\">") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</sup>") {
            Some(end) => rest = &rest[start + end + 6..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn nest_toc(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if entry.level > last.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut out = Vec::new();
    for (level, id, title) in flat {
        insert(
            &mut out,
            TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children: vec![],
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str, sources: &[SourceRaw]) -> (Fragment, Vec<CitedSource>) {
        let site: HashMap<&str, &SourceRaw> = HashMap::new();
        let mut ctx = PageCtx::new(&site, sources);
        let f = ctx.render(md, Place::Body);
        (f, ctx.cited.into_values().collect())
    }

    fn source(id: &str) -> SourceRaw {
        SourceRaw {
            id: id.into(),
            title: "T".into(),
            url: None,
            publisher: None,
            date: None,
            archived: None,
            note: None,
        }
    }

    #[test]
    fn citations_and_footnotes_coexist() {
        let md = "Claim[^lab] and again[^lab], a note[^n].\n\n[^n]: A footnote.\n";
        let (f, cited) = render(md, &[source("lab")]);
        assert!(f.html.contains("href=\"#source-lab\""), "{}", f.html);
        assert!(f.html.contains("id=\"cite-lab-2\""), "{}", f.html);
        assert!(
            f.html.contains("footnote-definition"),
            "ordinary footnote kept: {}",
            f.html
        );
        assert!(!f.html.contains("placeholder"), "{}", f.html);
        assert_eq!(cited.len(), 1);
        assert_eq!(cited[0].backrefs, ["cite-lab-1", "cite-lab-2"]);
    }

    #[test]
    fn heading_ids_are_unique_and_stable() {
        let (f, _) = render("## Results\n\n## Results\n\n### Détails {#custom}\n", &[]);
        let ids: Vec<_> = f.toc.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(ids, ["results", "results-1", "custom"]);
        let nested = nest_toc(&f.toc);
        assert_eq!(nested.len(), 2);
        assert_eq!(nested[1].children.len(), 1);
    }

    #[test]
    fn code_is_highlighted_and_not_counted_as_prose_links_collected() {
        let (f, _) = render("```rust\nfn x() {}\n```\n\n[a](/press/x/#y)\n", &[]);
        assert!(f.html.contains("hl-code"), "{}", f.html);
        assert!(!f.text.contains("fn x"));
    }

    #[test]
    fn summary_stripping_removes_citation_links() {
        assert_eq!(
            strip_citations("a<sup class=\"citation\"><a>[1]</a></sup>b"),
            "ab"
        );
    }
}
