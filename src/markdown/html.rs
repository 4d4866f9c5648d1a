//! Small HTML helpers of the Markdown stage: escaping, and the edits other outputs make to
//! rendered fragments (inline fragments, summaries and repeated notes without citations).

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

/// Strips one wrapping `<p>…</p>` so a one-paragraph fragment can sit inline (table cells).
pub(super) fn unwrap_paragraph(html: &str) -> String {
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|r| r.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
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
