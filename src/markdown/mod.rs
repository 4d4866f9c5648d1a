//! The Markdown stage: fills each item's [`Rendered`] from its Markdown (body, summary, facts,
//! notices, updates, withdrawal reason, boilerplate) with pulldown-cmark: stable unique heading
//! ids and a table of contents, syntect highlighting, source citations (`[^id]` → numbered
//! links to `#source-id` with back-references), ordinary footnotes, summaries, word counts and
//! reading times, and the links and anchors `check` audits.
//!
//! # The stage's contract
//!
//! Input: the assembled [`Site`] (the model); output: `Item::rendered` of every item and each
//! section's HTML, plus diagnostics. The stage reads the model and writes only `rendered`; the
//! model knows nothing of this module.
//!
//! Every fragment of Markdown goes through three steps, in `page::PageCtx::render`:
//!
//! 1. **Prepare** ([`source::prepare`]): pre-Markdown transforms rewrite the source text, each
//!    through a [`source::Writer`] that records a [`source::SourceMap`] from its output back to
//!    its input. The citation scaffold (placeholder definitions for `[^id]` citations) always
//!    runs last.
//! 2. **Parse** the prepared text with the site's dialect ([`crate::content::dialect`]).
//! 3. **Walk** the events: citations, heading ids, code highlighting, the dateline, links,
//!    plain text. Every offset taken from an event is mapped back through
//!    [`source::Prepared::origin`] before it is used, so a diagnostic or a link position always
//!    points at the exact line and column of the file the writer wrote.
//!
//! ## Where a component expander goes
//!
//! An in-body component expander is a [`source::Transform`], passed to
//! [`render_item_with`]: it reads a fragment's source and writes the expanded Markdown, copying
//! the text it keeps with [`source::Writer::copy`] and writing what it generates with
//! [`source::Writer::write`] at the offset of the component it expands (a citation or a link
//! inside generated text is then reported at the component). A component's body, copied rather
//! than generated, keeps its exact positions. Transforms run before the citation scaffold, so
//! citations they write are numbered with the page's others.

mod callout;
pub mod component;
pub mod component_words;
mod footnotes;
pub mod highlight;
mod html;
mod page;
mod picture;
mod rows;
pub mod source;
pub mod text;
mod video;
pub mod wire;

pub use html::{escape_html, strip_citations, without_citation_ids};

use crate::content::dialect::Dialect;
use crate::content::frontmatter::{Kind, NoticeKind, SourceRaw};
use crate::diag::Diagnostic;
use crate::model::rendered::{CitedSource, PlainTexts, Rendered, TocEntry};
use crate::model::{Item, Site};
use component::Components;
use html::unwrap_paragraph;
use page::{File, PageCtx, Place};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use source::Transform;
use std::collections::HashMap;

/// Where a body's summary ends, when the writer marks it: the first `<!-- more -->` that is
/// HTML in the Markdown (not text in a code block or code span: a post about the marker quotes
/// it), with any whitespace (or none) inside the comment and `more` in any case, as Zola and
/// Hugo read it (`<!--more-->` is what Hugo and Jekyll blogs carry). Only a body that holds
/// the marker somewhere is parsed for it.
fn summary_cut(body: &str, dialect: Dialect) -> Option<usize> {
    summary_marker(body)?;
    Parser::new_ext(body, dialect.options())
        .into_offset_iter()
        .find_map(|(event, range)| match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                summary_marker(&body[range.clone()]).map(|at| range.start + at)
            }
            _ => None,
        })
}

/// The first `<!-- more -->` in any spacing in `text`, wherever it is.
fn summary_marker(text: &str) -> Option<usize> {
    text.match_indices("<!--").map(|(at, _)| at).find(|&at| {
        let inner = text[at + 4..].trim_start();
        inner
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("more"))
            && inner[4..].trim_start().starts_with("-->")
    })
}

/// Renders every item's Markdown in parallel, and every section's body.
pub fn render_all(site: &mut Site, config: &crate::config::Config, diags: &mut Vec<Diagnostic>) {
    render_all_with(
        site,
        config,
        diags,
        |_, item, sources, dialect, components| render_item(item, sources, dialect, components),
    );
}

/// [`render_all`] with each item's rendering left to `render`, which is given the item's
/// index in `site.items` (serve reuses the output of items whose inputs did not change; see
/// [`crate::incremental`]).
pub fn render_all_with(
    site: &mut Site,
    config: &crate::config::Config,
    diags: &mut Vec<Diagnostic>,
    render: impl Fn(
        crate::model::ItemId,
        &Item,
        &HashMap<&str, &SourceRaw>,
        Dialect,
        &Components,
    ) -> (Rendered, Vec<Diagnostic>)
    + Sync
    + Send,
) {
    let dialect = Dialect::of(config);
    let components = Components::load(config, &site.authors, &site.contacts, diags);
    let site_sources: HashMap<&str, &SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let results: Vec<(Rendered, Vec<Diagnostic>)> = site
        .items
        .par_iter()
        .enumerate()
        .map(|(id, item)| {
            let (mut rendered, ds) = render(id, item, &site_sources, dialect, &components);
            // Kept until the last page is written: without the room it was built with.
            rendered.shrink();
            (rendered, ds)
        })
        .collect();
    // This stage's diagnostics, gathered apart so that unknown code languages can be told
    // once each (see `highlight::warn_once_per_language`).
    let mut stage = Vec::new();
    for (item, (rendered, ds)) in site.items.iter_mut().zip(results) {
        item.rendered = rendered;
        stage.extend(ds);
    }
    // Drafts left out of the build are rendered only for their diagnostics (a broken
    // citation should not wait for a preview to show); their HTML is dropped here.
    let draft_diags: Vec<Vec<Diagnostic>> = site
        .unpublished_drafts
        .par_iter()
        .map(|item| render_item(item, &site_sources, dialect, &components).1)
        .collect();
    stage.extend(draft_diags.into_iter().flatten());
    for section in &mut site.sections {
        if let Some(body) = &section.body {
            let mut ctx = PageCtx::new(&site_sources, &[], dialect);
            ctx.components = &components;
            ctx.lang = section.lang.clone();
            ctx.file = Some(File {
                rel: &body.src.rel,
                text: &body.text,
                body_offset: body.body_offset,
            });
            let frag = ctx.render(body.markdown(), Place::Body);
            section.content_html = frag.html;
            stage.extend(ctx.diags);
        }
    }
    highlight::warn_once_per_language(&mut stage);
    diags.extend(stage);
}

/// Gives releases back the boilerplate they were published with (the ledger keeps it when the
/// site's changes; see [`crate::model::ledger`]).
pub fn pin_boilerplates(
    site: &mut Site,
    pins: &[(crate::model::ItemId, String)],
    dialect: Dialect,
) {
    let site_sources: HashMap<&str, &SourceRaw> =
        site.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let rendered: Vec<(crate::model::ItemId, String, String)> = pins
        .iter()
        .map(|(id, text)| {
            let mut ctx = PageCtx::new(&site_sources, &site.items[*id].sources, dialect);
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

/// Renders one item: updates, facts and body (in the order a reader meets them, so citation
/// numbers rise down the page), notices, summary and measures.
pub fn render_item(
    item: &Item,
    site_sources: &HashMap<&str, &SourceRaw>,
    dialect: Dialect,
    components: &Components,
) -> (Rendered, Vec<Diagnostic>) {
    render_item_in(item, site_sources, dialect, &[], components)
}

/// [`render_item`] with every fragment's source first put through `transforms` (see
/// [`source`]); diagnostics and link positions still point into the item's file.
pub fn render_item_with(
    item: &Item,
    site_sources: &HashMap<&str, &SourceRaw>,
    dialect: Dialect,
    transforms: &[&dyn Transform],
) -> (Rendered, Vec<Diagnostic>) {
    render_item_in(item, site_sources, dialect, transforms, &Components::none())
}

/// [`render_item_with`] with the site's in-body components.
fn render_item_in(
    item: &Item,
    site_sources: &HashMap<&str, &SourceRaw>,
    dialect: Dialect,
    transforms: &[&dyn Transform],
    components: &Components,
) -> (Rendered, Vec<Diagnostic>) {
    let mut ctx = PageCtx::new(site_sources, &item.sources, dialect);
    ctx.components = components;
    ctx.beside = item.src.abs.parent();
    ctx.file = Some(File::of(item));
    ctx.transforms = transforms;
    ctx.lang = item.content_lang().to_string();
    ctx.pictures = Some(&item.pictures);
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
    let editorial = |i: &usize| item.notices[*i].kind == NoticeKind::Editorial;
    let (late, early): (Vec<usize>, Vec<usize>) = (0..item.notices.len()).partition(editorial);
    for i in early {
        out.notices[i] = render_notice(&mut ctx, item, i);
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
            let html = ctx.render(value, Place::Front("facts".into())).html;
            (label.clone(), unwrap_paragraph(&html))
        })
        .collect();
    ctx.dateline = dateline_html(item);
    let body = &item.text[item.body_offset..];
    let fragment = ctx.render(body, Place::Body);
    for i in late {
        out.notices[i] = render_notice(&mut ctx, item, i);
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
    summarize(&mut out, item, site_sources, dialect, body);
    out.plain = plain_texts(item, transforms);
    list_uncited_sources(&mut ctx, item);
    out.sources = ctx.cited.into_values().collect();
    out.links = ctx.links;
    out.lead_image = item
        .image
        .as_ref()
        .and_then(|src| item.pictures.get(src))
        .map(|p| picture::lead_html(p, &item.title));
    (out, ctx.diags)
}

/// What search indexes as an item's body, handed to `part` a part at a time (their
/// concatenation is the text): the plain text of the body, each fact's label and value, the
/// updates and the notices, code blocks left out, read without smart punctuation (the index
/// must see `4'200` as one number). Made on demand, item by item, rather than kept in
/// [`Rendered`]: kept, it would hold a copy of every body for the whole build; and handed over
/// in parts, it is never copied into one text (search normalizes the parts as they come).
/// (When the stage gets transforms, they are applied here as in [`render_item_with`].)
pub fn each_indexed_part(item: &Item, mut part: impl FnMut(&str)) {
    let body = &item.text[item.body_offset..];
    // A component header starts `[!` (see `component::parse_header`): a body without one,
    // most bodies, is not read line by line for headers.
    let body = match body.contains("[!") {
        true => component::without_headers(body),
        false => std::borrow::Cow::Borrowed(body),
    };
    text::each_plain_text_part(&body, false, &mut part);
    for (label, value) in &item.facts {
        part(label);
        part(" ");
        text::each_plain_text_part(value, false, &mut part);
    }
    for u in &item.updates {
        text::each_plain_text_part(&u.body, false, &mut part);
    }
    for n in &item.notices {
        text::each_plain_text_part(&n.note, false, &mut part);
    }
}

/// The item's notes and updates as plain text for JSON-LD, read apart from the HTML without
/// smart punctuation (see [`PlainTexts`]), from each fragment's source after the transforms.
fn plain_texts(item: &Item, transforms: &[&dyn Transform]) -> PlainTexts {
    let expanded = |md| source::expand(md, transforms).0;
    PlainTexts {
        notices: item
            .notices
            .iter()
            .map(|n| text::plain_line(&expanded(&n.note)))
            .collect(),
        updates: item
            .updates
            .iter()
            .map(|u| text::plain_line(&expanded(&u.body)))
            .collect(),
    }
}

/// The HTML of notice `i` of `item`, inline (it sits in a sentence of the notice box).
fn render_notice(ctx: &mut PageCtx<'_>, item: &Item, i: usize) -> String {
    let html = ctx.render(&item.notices[i].note, Place::Front("corrections".into()));
    unwrap_paragraph(&html.html)
}

/// A release's dateline (`CITY, Long date — `), set before its first paragraph.
fn dateline_html(item: &Item) -> Option<String> {
    if item.kind != Kind::Release {
        return None;
    }
    let dateline = item.dateline.as_ref()?;
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
    Some(format!(
        "<span class=\"dateline\">{}{}</span> — ",
        escape_html(&dateline.to_uppercase()),
        escape_html(&date)
    ))
}

/// The summary: front matter, else the text before `<!-- more -->`, else a language-aware cut
/// of the opening paragraphs. Rendered apart from the page, so its citations do not count.
fn summarize(
    out: &mut Rendered,
    item: &Item,
    site_sources: &HashMap<&str, &SourceRaw>,
    dialect: Dialect,
    body: &str,
) {
    let mut summary_ctx = PageCtx::new(site_sources, &item.sources, dialect);
    summary_ctx.lang = item.content_lang().to_string();
    if let Some(summary) = &item.summary {
        let frag = summary_ctx.render(summary, Place::Front("summary".into()));
        out.summary_text = frag.text.trim().to_string();
        out.summary_html = frag.html;
    } else if let Some(cut) = summary_cut(body, dialect) {
        let frag = summary_ctx.render(&body[..cut], Place::Body);
        out.summary_text = text::cut_summary(&frag.text, item.content_lang());
        out.summary_html = strip_citations(&frag.html);
    } else {
        let first = first_paragraphs_text(body, dialect);
        out.summary_text = text::cut_summary(&first, item.content_lang());
        out.summary_html = format!("<p>{}</p>", escape_html(&out.summary_text));
    }
}

/// Adds the page's sources never cited after the cited ones, each with a warning.
fn list_uncited_sources(ctx: &mut PageCtx<'_>, item: &Item) {
    for s in &item.sources {
        if ctx.cited.contains_key(&s.id) {
            continue;
        }
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

/// The plain text of the body's opening paragraphs (not headings, code, quotes, lists, tables
/// or footnotes), for summaries: enough of them to pass 400 characters.
fn first_paragraphs_text(body: &str, dialect: Dialect) -> String {
    let mut plain = text::PlainText::new(text::Blocks::Separated, false);
    let (mut in_paragraph, mut depth_skip) = (false, 0);
    for event in Parser::new_ext(body, dialect.options()) {
        match event {
            Event::Start(Tag::Paragraph) if depth_skip == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => {
                in_paragraph = false;
                plain.push(&event);
                if plain.chars() > 400 {
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
            _ if in_paragraph => plain.push(&event),
            _ => {}
        }
    }
    plain.finish()
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
pub(crate) mod tests {
    use super::page::Fragment;
    use super::*;
    use crate::model::rendered::Link;

    fn render(md: &str, sources: &[SourceRaw]) -> (Fragment, Vec<CitedSource>) {
        let site: HashMap<&str, &SourceRaw> = HashMap::new();
        let mut ctx = PageCtx::new(&site, sources, Dialect::default());
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

    /// One item assembled from `text` the way a build does, in a temporary site.
    fn assembled(text: &str) -> Site {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.com\"\n",
        )
        .expect("site.toml");
        std::fs::create_dir_all(dir.path().join("content/blog")).expect("content");
        std::fs::write(dir.path().join("content/blog/2026-11-01-a.md"), text).expect("item");
        let config = crate::config::Config::load(dir.path(), None).expect("config");
        let opts = crate::options::BuildOptions::new(dir.path(), jiff::Timestamp::UNIX_EPOCH);
        let mut diags = Vec::new();
        let content = crate::content::load(&config, &mut diags);
        let site = crate::model::assemble::assemble(&config, &opts, content, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        site
    }

    #[test]
    fn diagnostics_and_links_point_into_the_file_after_a_transform_changes_lengths() {
        let text = "+++\ntitle = \"A\"\ndate = 2026-11-01\n+++\n\n{{shout big}} news[^x], see [it](https://example.org/it).\n<!-- drop -->\n{{shout again}} and [^nope] then [there](/blog/there/).\n\n[^x]: A note.\n";
        let site = assembled(text);
        let item = &site.items[0];
        let (plain, plain_diags) = render_item(
            item,
            &HashMap::new(),
            Dialect::default(),
            &component::Components::none(),
        );
        let (out, diags) = render_item_with(
            item,
            &HashMap::new(),
            Dialect::default(),
            &[&source::tests::Shout],
        );
        assert!(out.html.contains("BIG BIG BIG"), "{}", out.html);
        assert!(!out.html.contains("drop"), "{}", out.html);
        // The same places as without the transform: the writer's line and column.
        let at = |d: &Diagnostic| (d.line, d.col);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(at(&diags[0]), (8, 21), "{diags:?}");
        let errors = plain_diags.iter().filter(|d| d.is_error());
        assert_eq!(errors.map(at).collect::<Vec<_>>(), [(8, 21)]);
        // Without the transform its syntax is left as text, and said to be (at the writer's
        // places); with it, nothing is left.
        let warnings = plain_diags.iter().filter(|d| !d.is_error());
        assert_eq!(warnings.map(at).collect::<Vec<_>>(), [(6, 1), (8, 1)]);
        let positions = |links: &[Link]| -> Vec<(String, usize)> {
            links
                .iter()
                .map(|l| (l.url.clone(), l.at.expect("a body link has a place")))
                .collect()
        };
        let expected = ["https://example.org/it", "/blog/there/"].map(|u| {
            (
                u.to_string(),
                text.find(&format!("({u})")).expect("in text") + 1,
            )
        });
        assert_eq!(positions(&out.links), expected);
        assert_eq!(positions(&plain.links), expected);
    }

    /// What search indexed as an item's body before [`each_indexed_part`]: one String of every
    /// fragment's whole plain text (citation marks stripped by a copy), its component headers
    /// always looked for line by line.
    fn previous_indexed_text(item: &Item) -> String {
        fn plain(md: &str, out: &mut String) {
            let mut plain = text::PlainText::new(text::Blocks::Separated, false);
            for event in Parser::new_ext(md, crate::content::dialect::literal_options()) {
                plain.push(&event);
            }
            out.push_str(&plain.finish());
            out.push(' ');
        }
        let mut indexed = String::new();
        let body = component::without_headers(&item.text[item.body_offset..]);
        plain(&body, &mut indexed);
        for (label, value) in &item.facts {
            indexed.push_str(label);
            indexed.push(' ');
            plain(value, &mut indexed);
        }
        for u in &item.updates {
            plain(&u.body, &mut indexed);
        }
        for n in &item.notices {
            plain(&n.note, &mut indexed);
        }
        indexed
    }

    fn joined_parts(item: &Item) -> String {
        let mut joined = String::new();
        each_indexed_part(item, |p| joined.push_str(p));
        joined
    }

    /// The example newsroom at the repository's root, assembled as a build does.
    pub(crate) fn example_newsroom() -> Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::config::Config::load(root, None).expect("config");
        let now = "2026-11-23T08:00:00Z".parse().expect("now");
        let opts = crate::options::BuildOptions::new(root, now);
        let mut diags = Vec::new();
        let content = crate::content::load(&config, &mut diags);
        crate::model::assemble::assemble(&config, &opts, content, &mut diags)
    }

    #[test]
    fn indexed_parts_are_the_previous_indexed_text() {
        let site = example_newsroom();
        let parts = |i: &Item| (i.facts.len(), i.updates.len(), i.notices.len());
        // The newsroom has every part search reads: facts, updates, notices, citation marks
        // and component headers.
        assert!(
            site.items
                .iter()
                .any(|i| parts(i).0 > 0 && i.text.contains("[^"))
        );
        assert!(site.items.iter().any(|i| parts(i).1 > 0 && parts(i).2 > 0));
        assert!(site.items.iter().any(|i| i.text.contains("> [!QUOTE")));
        for item in &site.items {
            assert_eq!(
                joined_parts(item),
                previous_indexed_text(item),
                "{}",
                item.src.rel
            );
        }
        let text = "+++\ntitle = \"A\"\ndate = 2026-11-01\n\n[facts]\n\"Staff\" = \"4,200[^x] in Malmö\"\n\"研究所\" = \"`code` 서울\"\n\n[[updates]]\ndate = 2026-11-02\nbody = \"Revenue *up*[^x]. 4'200\"\n\n[[corrections]]\ndate = 2026-11-03\nkind = \"correction\"\nnote = \"Fixed: [^y]**É**\"\n+++\n\n> [!QUOTE name=\"Ann\"]\n> Words[^x] here.\n\n```\nleft_out()\n```\n\n[!not a header] [^x]y\n";
        let site = assembled(text);
        let item = &site.items[0];
        assert_eq!(parts(item), (2, 1, 1));
        let joined = joined_parts(item);
        assert_eq!(joined, previous_indexed_text(item));
        assert!(
            joined.contains("Words  here") && !joined.contains("left_out"),
            "{joined}"
        );
        assert!(
            !joined.contains("QUOTE") && joined.contains("[!not a header]  y"),
            "{joined}"
        );
    }

    #[test]
    fn the_summary_marker_is_found_in_any_spacing() {
        for marker in [
            "<!-- more -->",
            "<!--more-->",
            "<!--  more\t-->",
            "<!--\nmore\n-->",
            "<!-- More -->",
        ] {
            let body = format!("Lead <!-- other --> text.\n\n{marker}\n\nRest.");
            assert_eq!(summary_marker(&body), body.find(marker), "{marker:?}");
        }
        for not_a_marker in [
            "<!-- more text -->",
            "<!-- moreover -->",
            "<!-- mor",
            "<!--",
            "<!-- é -->",
        ] {
            assert_eq!(summary_marker(not_a_marker), None, "{not_a_marker:?}");
        }
    }

    #[test]
    fn a_quoted_summary_marker_is_not_the_cut() {
        let quoted =
            "Hugo ends a summary at `<!--more-->`:\n\n```\n<!--more-->\n```\n\n    <!-- more -->\n";
        assert_eq!(summary_cut(quoted, Dialect::default()), None);
        let body = format!("{quoted}\nLead.\n\n<!--more-->\n\nRest.\n");
        assert_eq!(
            summary_cut(&body, Dialect::default()),
            Some(body.rfind("<!--more-->").unwrap())
        );
        let inline = "Lead <!--more--> rest.";
        assert_eq!(summary_cut(inline, Dialect::default()), Some(5));
    }

    #[test]
    fn summary_stripping_removes_citation_links() {
        assert_eq!(
            strip_citations("a<sup class=\"citation\"><a>[1]</a></sup>b"),
            "ab"
        );
    }
}
