//! Text for XML outputs (feeds, sitemaps). XML 1.0 forbids most control characters even when
//! escaped, so one pasted from a word processor (a vertical tab, U+000B) would make the whole
//! feed unreadable: they are left out here, and the markup characters escaped.

/// Escapes `&`, `<`, `>`, `"` and `'`, turns a vertical tab or form feed (line breaks in word
/// processors) into a space, and drops every other character XML 1.0 does not allow
/// (C0 controls but tab, newline and carriage return; U+FFFE and U+FFFF).
pub fn escape(text: &str) -> String {
    // Feeds escape whole bodies: copy the runs between the few bytes that need work instead
    // of pushing character by character. Every such byte is ASCII or the first byte of
    // U+FFFE/U+FFFF (EF BF BE/BF), so each run ends on a character boundary.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, skip): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            0x0b | 0x0c => (" ", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1f => ("", 1),
            0xef if matches!(bytes.get(i + 1..i + 3), Some([0xbf, 0xbe | 0xbf])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[run..i]);
        out.push_str(replacement);
        i += skip;
        run = i;
    }
    out.push_str(&text[run..]);
    out
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
#[cfg(test)]
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
        assert_eq!(
            escape("\u{fffd}\u{fffe}\u{fff0}\u{ffff}"),
            "\u{fffd}\u{fff0}"
        );
    }

    /// The character-by-character definition the fast version must equal.
    fn reference(text: &str) -> String {
        let mut out = String::new();
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

    #[test]
    fn equals_the_character_by_character_definition() {
        let alphabet: Vec<char> =
            "a<>&\"'\t\n\r\u{0}\u{b}\u{c}\u{1f}é😀\u{fffd}\u{fffe}\u{ffff}\u{efbf}ﾾ"
                .chars()
                .collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 12) {
                text.push(alphabet[((seed >> (k * 5)) % alphabet.len() as u64) as usize]);
            }
            assert_eq!(escape(&text), reference(&text), "{text:?}");
        }
    }
}
