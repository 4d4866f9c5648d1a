//! A component body's `Label: value` rows: a body that is one Markdown list whose every item
//! reads `Label: value` (a fact box). A list reads as itself in any Markdown preview, and
//! each row keeps its Markdown: emphasis, links and `[^id]` citations in the value.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// One row, as HTML.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(super) struct Row {
    /// The text before the first colon.
    pub(super) label: String,
    /// The rest, trimmed.
    pub(super) value: String,
}

/// The rows of `body` (the body's events), or None when it is not one list of
/// `Label: value` items.
pub(super) fn rows(body: &[Event<'_>]) -> Option<Vec<Row>> {
    let (Some(Event::Start(Tag::List(_))), Some(Event::End(TagEnd::List(_)))) =
        (body.first(), body.last())
    else {
        return None;
    };
    let mut rows = Vec::new();
    let mut depth = 0usize;
    let mut item_start = 0;
    for (i, event) in body.iter().enumerate().take(body.len() - 1).skip(1) {
        match event {
            Event::Start(Tag::Item) if depth == 0 => item_start = i + 1,
            Event::End(TagEnd::Item) if depth == 0 => rows.push(row(&body[item_start..i])?),
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    (!rows.is_empty()).then_some(rows)
}

/// One item's events split at the first colon outside a link or code: None when it has none
/// or its label is empty.
fn row(item: &[Event<'_>]) -> Option<Row> {
    // A loose list's item is a paragraph: its inside is the row.
    let item = match (item.first(), item.last()) {
        (Some(Event::Start(Tag::Paragraph)), Some(Event::End(TagEnd::Paragraph)))
            if !item[1..item.len() - 1]
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Paragraph))) =>
        {
            &item[1..item.len() - 1]
        }
        _ => item,
    };
    let mut nesting = 0usize;
    let (at, colon) = item.iter().enumerate().find_map(|(i, e)| match e {
        Event::Start(_) => {
            nesting += 1;
            None
        }
        Event::End(_) => {
            nesting = nesting.saturating_sub(1);
            None
        }
        Event::Text(t) if nesting == 0 => t.find(':').map(|c| (i, c)),
        _ => None,
    })?;
    let Event::Text(text) = &item[at] else {
        return None;
    };
    let mut label: Vec<Event<'_>> = item[..at].to_vec();
    label.push(Event::Text(CowStr::from(text[..colon].to_string())));
    let mut value = vec![Event::Text(CowStr::from(
        text[colon + 1..].trim_start().to_string(),
    ))];
    value.extend(item[at + 1..].iter().cloned());
    let html = |events: Vec<Event<'_>>| {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        out.trim().to_string()
    };
    let label = html(label);
    (!label.is_empty()).then(|| Row {
        label,
        value: html(value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn of(md: &str) -> Option<Vec<(String, String)>> {
        let events: Vec<Event<'_>> = Parser::new(md).collect();
        rows(&events).map(|r| r.into_iter().map(|r| (r.label, r.value)).collect())
    }

    #[test]
    fn a_list_of_label_value_items_is_rows() {
        assert_eq!(
            of("- Revenue: SEK *4.2* billion\n- Site: [Lyon](https://x.example/a:b)\n"),
            Some(vec![
                ("Revenue".into(), "SEK <em>4.2</em> billion".into()),
                (
                    "Site".into(),
                    "<a href=\"https://x.example/a:b\">Lyon</a>".into()
                ),
            ])
        );
        // Loose lists too; the label may carry emphasis.
        assert_eq!(
            of("- **Staff**: 4,200\n\n- Plants: 3\n"),
            Some(vec![
                ("<strong>Staff</strong>".into(), "4,200".into()),
                ("Plants".into(), "3".into())
            ])
        );
    }

    #[test]
    fn anything_else_is_not_rows() {
        assert_eq!(of("Revenue: 4.2\n"), None);
        assert_eq!(of("- Revenue 4.2\n"), None);
        assert_eq!(of("- : 4.2\n"), None);
        assert_eq!(of("- A: 1\n\nAfter.\n"), None);
        assert_eq!(of(""), None);
    }
}
