//! Template errors as people read them: a parse error at the tag left open (not where Tera
//! gave up, lines later) with Tera's picture of the line kept on its own lines; a render error
//! at the template line of the failing expression; and one error per template line, not one
//! per page rendered with it.

use crate::diag::Diagnostic;

/// Tags that open a body closed by `end<tag>`.
const OPENERS: [&str; 5] = ["if", "for", "block", "macro", "filter"];

/// A template that does not parse, as one diagnostic.
pub(super) fn parse_error(shown: &str, source: &str, e: &tera::Error) -> Diagnostic {
    let text = chain_with_lines(e);
    let at = stopped_at(&text).unwrap_or((1, 1));
    // pest ends with `= what was wrong`; the lines with `|` are its picture of the line.
    let summary = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("= "))
        .map(str::to_string)
        .unwrap_or_else(|| super::theme::error_chain(e));
    let picture: Vec<String> = text
        .lines()
        .filter(|l| l.contains('|') && l.trim() != "|")
        .map(|l| format!("    {l}"))
        .collect();
    let picture = if picture.is_empty() {
        String::new()
    } else {
        format!("\n{}", picture.join("\n"))
    };
    // Tera stops where the missing end tag should have been (the enclosing block's end, or
    // the end of the file): that is the tag left open, not the line Tera names.
    let at_end = crate::diag::LineIndex::new(source).position(source.len()) == at;
    let open = unclosed_before(source, at.0 + usize::from(at_end))
        .filter(|t| at_end || summary.contains(&format!("end{}", t.tag)));
    match open {
        Some(open) => Diagnostic::error(
            shown,
            open.line,
            open.col,
            format!(
                "`{{% {} %}}` opened at line {} is never closed: {}",
                open.tag,
                open.line,
                if at_end {
                    // Tera's picture would show the empty line after the last.
                    "the file ends first".to_string()
                } else {
                    format!(
                        "at line {}, Tera {}{picture}",
                        at.0,
                        summary.trim_start_matches("unexpected tag; ")
                    )
                }
            ),
        )
        .with_help(format!(
            "add `{{% end{} %}}` where its body ends (before line {})",
            open.tag, at.0
        )),
        None => Diagnostic::error(
            shown,
            at.0,
            at.1,
            format!("template does not parse: {summary}{picture}"),
        ),
    }
}

/// A tag still open at some point of a template.
#[derive(Debug, PartialEq)]
struct OpenTag {
    tag: &'static str,
    line: usize,
    col: usize,
}

/// The innermost tag opened before `line` and not closed by then, if any.
fn unclosed_before(source: &str, line: usize) -> Option<OpenTag> {
    let index = crate::diag::LineIndex::new(source);
    let mut open: Vec<OpenTag> = Vec::new();
    let mut rest = source;
    let mut offset = 0;
    while let Some(start) = rest.find(['{']) {
        let here = offset + start;
        let after = &rest[start..];
        let (close, is_tag) = if after.starts_with("{#") {
            ("#}", false)
        } else if after.starts_with("{%") {
            ("%}", true)
        } else {
            rest = &rest[start + 1..];
            offset = here + 1;
            continue;
        };
        let Some(len) = after.find(close) else { break };
        let (tag_line, tag_col) = index.position(here);
        if tag_line >= line {
            break;
        }
        if is_tag {
            let word = after[2..len]
                .trim_start_matches(['-', '+'])
                .split_whitespace()
                .next()
                .unwrap_or("");
            if word == "raw" {
                // Nothing inside `raw` is a tag.
                let Some(end) = after.find("endraw") else {
                    break;
                };
                rest = &after[end..];
                offset = here + end;
                continue;
            }
            if let Some(tag) = OPENERS.iter().find(|t| **t == word) {
                open.push(OpenTag {
                    tag,
                    line: tag_line,
                    col: tag_col,
                });
            } else if let Some(tag) = word.strip_prefix("end") {
                if let Some(i) = open.iter().rposition(|o| o.tag == tag) {
                    open.truncate(i);
                }
            }
        }
        rest = &after[len + 2..];
        offset = here + len + 2;
    }
    open.pop()
}

/// An error and its causes, joined by `: `, each keeping its own line breaks.
fn chain_with_lines(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

/// Where pest stopped: its ` --> LINE:COL`.
fn stopped_at(text: &str) -> Option<(usize, usize)> {
    let rest = text.split("--> ").nth(1)?;
    let mut it = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Where in a template's source a render error's expression is: the name Tera quotes in
/// backticks (`page.titel`, a filter, a function), found inside a `{{ }}` or `{% %}`. The
/// first match wins (Tera stops at the first failing expression of a page).
pub(super) fn locate(source: &str, message: &str) -> Option<(usize, usize)> {
    let name = quoted_name(message)?;
    let index = crate::diag::LineIndex::new(source);
    let mut from = 0;
    while let Some(found) = source[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before = source[..at].chars().next_back();
        let after = source[from..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if word(before) || word(after) || !inside_code(source, at) {
            continue;
        }
        return Some(index.position(at));
    }
    None
}

/// The first backticked (else single-quoted) name of a Tera message, when it looks like a
/// name or path.
fn quoted_name(message: &str) -> Option<&str> {
    let quote = if message.contains('`') { '`' } else { '\'' };
    let name = message.split(quote).nth(1)?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '"' | '\''));
    is_name.then_some(name)
}

/// Whether `at` is inside `{{ … }}` or `{% … %}` (not in the template's text or a comment).
fn inside_code(source: &str, at: usize) -> bool {
    let before = &source[..at];
    let open = before.rfind("{{").max(before.rfind("{%"));
    let close = before.rfind("}}").max(before.rfind("%}"));
    let comment = before.rfind("{#") > before.rfind("#}");
    open.is_some() && open > close && !comment
}

/// One diagnostic per template line and message: a typo in a template used by every page
/// would otherwise be as many errors as pages. The first keeps the page it was seen on and
/// says how many others failed the same way.
pub(super) fn dedupe(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept: Vec<(Diagnostic, usize)> = Vec::new();
    let mut seen: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for d in diags {
        let Some((what, _page)) = d.message.split_once(RENDERING) else {
            kept.push((d, 0));
            continue;
        };
        let key = (d.path.clone(), d.line, d.col, what.to_string());
        match seen.get(&key) {
            Some(&i) => kept[i].1 += 1,
            None => {
                seen.insert(key, kept.len());
                kept.push((d, 0));
            }
        }
    }
    kept.into_iter()
        .map(|(mut d, more)| {
            if more > 0 {
                let s = if more == 1 { "" } else { "s" };
                let closing = d.message.pop();
                d.message.push_str(&format!(" and {more} other page{s}"));
                d.message.extend(closing);
            }
            d
        })
        .collect()
}

/// "did you mean `page.title`?" for a variable Tera did not find, from the names the page's
/// context has beside it.
pub(super) fn did_you_mean(message: &str, ctx: &tera::Context) -> Option<String> {
    if !message.contains("Variable `") {
        return None;
    }
    let name = quoted_name(message)?;
    let (parent, last) = match name.rsplit_once('.') {
        Some((parent, last)) => (Some(parent), last),
        None => (None, name),
    };
    let json;
    let siblings = match parent {
        Some(parent) => ctx.get(parent)?,
        None => {
            json = ctx.clone().into_json();
            &json
        }
    };
    let known: Vec<&str> = siblings.as_object()?.keys().map(String::as_str).collect();
    let close = crate::diag::did_you_mean(last, &known)?;
    Some(match parent {
        Some(parent) => format!("did you mean `{parent}.{close}`?"),
        None => format!("did you mean `{close}`?"),
    })
}

/// What joins a render error's message and the page it was rendering (see [`dedupe`]).
pub(super) const RENDERING: &str = " (rendering ";

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Diagnostic {
        let e = tera::Template::new("t.html", None, source).expect_err("does not parse");
        parse_error("templates/t.html", source, &e)
    }

    #[test]
    fn an_unclosed_if_is_reported_where_it_opens_with_tera_s_lines_kept() {
        let mut source = String::from("{% extends \"base.html\" %}\n{% block main %}\n");
        for i in 3..11 {
            source.push_str(&format!("<p>line {i}</p>\n"));
        }
        source.push_str("  {% if page.title %}<h1>{{ page.title }}</h1>\n"); // line 11
        source.push_str("<p>12</p>\n<p>13</p>\n{% endblock main %}\n"); // line 14
        let d = parse(&source);
        assert_eq!((d.line, d.col), (11, 3), "{d}");
        assert!(d.message.contains("opened at line 11"), "{d}");
        assert!(d.message.contains("line 14"), "{d}");
        assert!(
            d.message.lines().count() > 1,
            "Tera's picture keeps its lines: {d}"
        );
        assert!(
            d.help.as_deref().unwrap_or("").contains("{% endif %}"),
            "{d}"
        );
    }

    #[test]
    fn a_tag_open_at_the_end_of_the_file_is_reported_where_it_opens() {
        let d = parse("<p>{% for x in list %}\n{{ x }}\n");
        assert_eq!((d.line, d.col), (1, 4), "{d}");
        assert!(d.message.contains("the file ends first"), "{d}");
    }

    #[test]
    fn other_parse_errors_stay_where_tera_stopped() {
        let d = parse("<p>one</p>\n<p>{{ page.title | }}</p>\n");
        assert_eq!(d.line, 2, "{d}");
        assert!(d.message.starts_with("template does not parse: "), "{d}");
    }

    #[test]
    fn closed_tags_comments_and_raw_do_not_count_as_open() {
        let source = "{% if a %}x{% endif %}\n{# {% if b %} #}\n{% raw %}{% for %}{% endraw %}\n{% for i in l %}\n\n";
        assert_eq!(
            unclosed_before(source, 6),
            Some(OpenTag {
                tag: "for",
                line: 4,
                col: 1
            })
        );
        assert_eq!(unclosed_before(source, 4), None);
    }

    #[test]
    fn a_missing_variable_is_found_in_the_template_source() {
        let source =
            "<title>page.titel</title>\n{# page.titel #}\n<h1>{{ page.titel | upper }}</h1>\n";
        let message = "Failed to render 't.html': Variable `page.titel` not found in context while rendering 't.html'";
        assert_eq!(locate(source, message), Some((3, 8)));
        assert_eq!(locate("{{ page.titel2 }}", message), None);
        let filter = "Filter 'nosuch' not found";
        assert_eq!(locate("{{ x | nosuch }}", filter), Some((1, 8)));
    }
}
