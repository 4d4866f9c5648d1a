//! TOML syntax errors explained for writers: the parser's words ("invalid boolean", "unexpected
//! key or value", "duplicate key") name what the parser wanted, not the slip a person made.
//! This module recognises the common slips (a word without quotes, a quote inside a quoted
//! string, a key set twice) and says what to write instead. Shared by front matter, `site.toml`
//! and `data/*.toml`.

use crate::keys::humanize;

/// A TOML error as reported to a person: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// Byte offset of the error in the TOML text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we know.
    pub help: Option<String>,
}

/// Explains `err`, raised while reading `text`. `line_of` turns an offset into `text` into the
/// file's line number (front matter starts below its fence); `known` and `place` are for
/// [`humanize`].
pub fn explain(
    text: &str,
    err: &toml::de::Error,
    known: &[&str],
    place: &str,
    line_of: &dyn Fn(usize) -> usize,
) -> Explained {
    let span = err.span().unwrap_or(0..0);
    let offset = span.start.min(text.len());
    let message = err.message().trim();
    let fallback = || Explained {
        offset,
        message: humanize(message, known, place),
        help: None,
    };
    // The slips are read from the text around the error; a span that is not on a character
    // boundary (never seen, but the text is the user's) gets the parser's message.
    let on_boundary =
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end.min(text.len()));
    let slip = if !on_boundary {
        None
    } else if message.starts_with("invalid boolean")
        || message.starts_with("string values must be quoted")
    {
        unquoted_word(text, span)
    } else if message.starts_with("unexpected key or value") {
        quote_inside_string(text, offset)
    } else if message.starts_with("invalid basic string") {
        Some(Explained {
            offset,
            message: "this text has no closing `\"`".into(),
            help: Some("end it with `\"` on the same line (text over several lines goes between `\"\"\"` and `\"\"\"`)".into()),
        })
    } else if message.starts_with("duplicate key") {
        duplicate_key(text, span, line_of)
    } else {
        None
    };
    slip.unwrap_or_else(fallback)
}

/// The line of `text` around `offset`: (start offset, line text without its newline).
fn line_around(text: &str, offset: usize) -> (usize, &str) {
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    (start, text[start..end].trim_end_matches('\r'))
}

/// `tags = [fjord]`: a bare word where a value belongs.
fn unquoted_word(text: &str, span: std::ops::Range<usize>) -> Option<Explained> {
    let word = text.get(span.clone())?;
    let bare = word.chars().next().is_some_and(char::is_alphabetic)
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !bare {
        return None;
    }
    let (start, line) = line_around(text, span.start);
    let at = span.start - start;
    let fixed = format!("{}\"{word}\"{}", &line[..at], &line[at + word.len()..]);
    Some(Explained {
        offset: span.start,
        message: format!("`{word}` needs quotes: text values are written in quotes"),
        help: Some(format!("write `{}`", fixed.trim())),
    })
}

/// `title = "Test "launch" here"`: the string ended at the inner quote.
fn quote_inside_string(text: &str, offset: usize) -> Option<Explained> {
    let (start, line) = line_around(text, offset);
    let (key, value) = line.split_once('=')?;
    let value = value.trim();
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
    let opening = start + line.find(quote)?;
    if !inner.contains(quote) || offset < opening {
        return None;
    }
    let key = key.trim();
    let escaped = escape_quotes(inner);
    if quote == '\'' {
        return Some(Explained {
            offset: opening,
            message:
                "a `'` inside a single-quoted string ends the string: put the text in double quotes"
                    .into(),
            help: Some(format!("write `{key} = \"{escaped}\"`")),
        });
    }
    let mut help = format!("write `{key} = \"{escaped}\"`");
    if !inner.contains('\'') {
        help.push_str(&format!(", or use single quotes: `{key} = '{inner}'`"));
    }
    Some(Explained {
        offset: opening,
        message: "a quote inside a string ends the string: write it as `\\\"`, or put the text in single quotes".into(),
        help: Some(help),
    })
}

/// `"` → `\"`, leaving quotes that are already escaped alone.
fn escape_quotes(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len() + 4);
    let mut backslash = false;
    for c in inner.chars() {
        if c == '"' && !backslash {
            out.push('\\');
        }
        backslash = c == '\\' && !backslash;
        out.push(c);
    }
    out
}

/// A key (or a `[table]`) set twice: name it and the line where it was first set.
fn duplicate_key(
    text: &str,
    span: std::ops::Range<usize>,
    line_of: &dyn Fn(usize) -> usize,
) -> Option<Explained> {
    let name = text.get(span.clone())?.trim().trim_matches(['"', '\'']);
    if name.is_empty() {
        return None;
    }
    let (line_start, line) = line_around(text, span.start);
    let is_table = line.trim_start().starts_with('[');
    let first = if is_table {
        lines_before(text, line_start).find(|(_, l)| l.trim() == line.trim())
    } else {
        // The same key in the same table: search back to the table's header.
        lines_before(text, line_start)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .take_while(|(_, l)| !l.trim_start().starts_with('['))
            .filter(|(_, l)| key_of(l) == Some(name))
            .last()
    };
    let (what, fix) = if is_table {
        (
            format!("table `[{name}]` appears twice"),
            "put all its keys under one `[".to_string() + name + "]`",
        )
    } else {
        (
            format!("`{name}` is set twice"),
            "keep one of the two lines".to_string(),
        )
    };
    let message = match first {
        Some((at, _)) => format!("{what}; it is first set on line {}", line_of(at)),
        None => what,
    };
    Some(Explained {
        offset: span.start,
        message,
        help: Some(fix),
    })
}

/// The lines of `text` that start before `end`, with their offsets.
fn lines_before(text: &str, end: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text[..end].split_inclusive('\n').map(move |l| {
        let at = offset;
        offset += l.len();
        (at, l.trim_end_matches(['\n', '\r']))
    })
}

/// The key a `key = value` line sets (quotes removed), if it is one.
fn key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && !key.starts_with('#')).then(|| key.trim_matches(['"', '\'']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_text(text: &str) -> Explained {
        let err = text.parse::<toml::Table>().unwrap_err();
        let line_of = |o: usize| text[..o].lines().count() + 1;
        explain(text, &err, &[], "front matter", &line_of)
    }

    #[test]
    fn a_bare_word_needs_quotes() {
        let e = explain_text("title = \"A\"\ntags = [\"a\", fjord]\n");
        assert!(e.message.contains("`fjord` needs quotes"), "{e:?}");
        assert_eq!(e.help.as_deref(), Some("write `tags = [\"a\", \"fjord\"]`"));
        assert_eq!(e.offset, 25);
        let e = explain_text("dateline = CITY\n");
        assert_eq!(e.help.as_deref(), Some("write `dateline = \"CITY\"`"));
    }

    #[test]
    fn a_quote_inside_a_string_must_be_escaped() {
        let e = explain_text("title = \"Test \"launch\" here\"\n");
        assert!(e.message.contains("`\\\"`"), "{e:?}");
        let help = e.help.unwrap();
        assert!(
            help.contains(r#"`title = "Test \"launch\" here"`"#),
            "{help}"
        );
        assert!(help.contains(r#"`title = 'Test "launch" here'`"#), "{help}");
    }

    #[test]
    fn an_apostrophe_in_single_quotes_and_an_open_string_are_explained() {
        let e = explain_text("title = 'It's here'\n");
        assert!(e.message.contains("single-quoted"), "{e:?}");
        assert_eq!(e.help.as_deref(), Some("write `title = \"It's here\"`"));
        assert_eq!(e.offset, 8);
        let e = explain_text("title = \"unterminated\n");
        assert!(e.message.contains("no closing"), "{e:?}");
    }

    #[test]
    fn text_beyond_ascii_never_panics() {
        for text in [
            "title = \"Café \"ß\" ü\"\n",
            "tags = [fjörd]\n",
            "tïtle = 'é'é'\n",
            "ü = 1\nü = 2\n",
            "[ä]\n[ä]\n",
            "title = \"日本\n",
        ] {
            let err = text.parse::<toml::Table>().unwrap_err();
            let e = explain(text, &err, &[], "front matter", &|_| 1);
            assert!(!e.message.is_empty(), "{text}");
        }
    }

    #[test]
    fn a_duplicate_key_is_named_with_its_first_line() {
        let e = explain_text("title = \"A\"\ndraft = true\ntitle = \"B\"\n");
        assert_eq!(e.message, "`title` is set twice; it is first set on line 1");
        assert_eq!(e.offset, 25);
        let e = explain_text("a = 1\n[x]\na = \"1\"\nb = 2\na = \"3\"\n");
        assert!(e.message.ends_with("first set on line 3"), "{e:?}");
        let e = explain_text("[facts]\na = \"1\"\n[facts]\nb = \"2\"\n");
        assert!(
            e.message
                .starts_with("table `[facts]` appears twice; it is first set on line 1"),
            "{e:?}"
        );
    }
}
