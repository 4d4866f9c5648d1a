//! Text for XML outputs (feeds, sitemaps). XML 1.0 forbids most control characters even when
//! escaped, so one pasted from a word processor (a vertical tab, U+000B) would make the whole
//! feed unreadable: they are left out here, and the markup characters escaped.

/// Escapes `&`, `<`, `>`, `"` and `'`, turns a vertical tab or form feed (line breaks in word
/// processors) into a space, and drops every other character XML 1.0 does not allow
/// (C0 controls but tab, newline and carriage return; U+FFFE and U+FFFF).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{b}' | '\u{c}' => out.push(' '),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_never_reach_the_xml() {
        assert_eq!(escape("a\u{b}b\u{c}c"), "a b c");
        assert_eq!(escape("x\u{0}\u{1}\u{1f}\u{fffe}\u{ffff}y"), "xy");
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(escape("tab\tnl\ncr\r é 😀"), "tab\tnl\ncr\r é 😀");
    }
}
