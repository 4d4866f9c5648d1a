//! Bottom footnotes (`footnotes = "bottom"`): every footnote of a fragment moves to a numbered
//! list at its end, each with links back to every place that refers to it, as Zola (with
//! `bottom_footnotes`), Hugo, Jekyll and GitHub render them. References are numbered in the
//! order they are first made; a definition nothing refers to comes last.

use super::html::escape_html;
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::HashMap;

/// `events` with each footnote definition taken out and listed at the end, and each
/// reference to a defined footnote made a numbered link to it with an id to come back to.
pub(super) fn to_bottom(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut body = Vec::with_capacity(events.len());
    let mut notes: Vec<(String, Vec<Event<'_>>)> = Vec::new();
    let mut open: Option<(String, Vec<Event<'_>>)> = None;
    for event in events {
        match (event, open.as_mut()) {
            (Event::Start(Tag::FootnoteDefinition(label)), None) => {
                open = Some((label.to_string(), Vec::new()));
            }
            (Event::End(TagEnd::FootnoteDefinition), Some(_)) => notes.extend(open.take()),
            (e, Some((_, inner))) => inner.push(e),
            (e, None) => body.push(e),
        }
    }
    if notes.is_empty() {
        return body;
    }
    let defined: HashMap<String, usize> = notes
        .iter()
        .enumerate()
        .map(|(i, (l, _))| (l.clone(), i))
        .collect();
    // Number of each label, in the order of first reference; the places referring to it.
    let mut order: Vec<String> = Vec::new();
    let mut refs: HashMap<String, usize> = HashMap::new();
    for event in &mut body {
        let Event::FootnoteReference(label) = event else {
            continue;
        };
        if !defined.contains_key(label.as_ref()) {
            continue;
        }
        let label = label.to_string();
        if !order.contains(&label) {
            order.push(label.clone());
        }
        let number = order.iter().position(|l| *l == label).unwrap_or(0) + 1;
        let count = refs.entry(label.clone()).or_default();
        *count += 1;
        let id = escape_html(&label);
        *event = Event::InlineHtml(
            format!("<sup class=\"footnote-reference\" id=\"{}\"><a href=\"#fn-{id}\" role=\"doc-noteref\">{number}</a></sup>", back_id(&id, *count)).into(),
        );
    }
    for (label, _) in &notes {
        if !order.contains(label) {
            order.push(label.clone());
        }
    }
    let mut html = String::from("<section class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
    for label in &order {
        let inner = std::mem::take(&mut notes[defined[label]].1);
        let id = escape_html(label);
        html.push_str(&format!("<li id=\"fn-{id}\">\n"));
        pulldown_cmark::html::push_html(&mut html, inner.into_iter());
        for n in 1..=refs.get(label).copied().unwrap_or(0) {
            html.push_str(&format!(
                " <a href=\"#{}\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"Back to reference {n}\">↩</a>",
                back_id(&id, n)
            ));
        }
        html.push_str("\n</li>\n");
    }
    html.push_str("</ol>\n</section>\n");
    body.push(Event::Html(html.into()));
    body
}

/// The id of the `n`th reference to a footnote: `fnref-LABEL`, then `fnref-LABEL-2`, ...
fn back_id(id: &str, n: usize) -> String {
    if n == 1 {
        format!("fnref-{id}")
    } else {
        format!("fnref-{id}-{n}")
    }
}
