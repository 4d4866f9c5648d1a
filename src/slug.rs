//! Slugs that stay readable in every script, and sort keys that follow each language's
//! alphabet (Swedish å, ä, ö after z).

/// `text` in Unicode normalization form C: the same word typed on two systems (é as one
/// character or as e and a combining accent) becomes the same string, so it gives one slug
/// and matches one id (and the embargo audit compares texts so: `check::fold`).
///
/// Only the stretches that need it are normalized. NFC of a text is NFC of its parts when
/// each part but the first begins with a character that is its own NFC and combines with
/// nothing before it (combining class 0, NFC quick check "yes"): most of any text, and nearly
/// all of what a binary file's bytes decode to (ASCII and U+FFFD), whose few valid non-ASCII
/// sequences made the whole of each 64 KiB block of a kit's ZIP go through NFC in the audit.
pub fn nfc(text: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if text.is_ascii() {
        return text.to_string();
    }
    let is_nfc = |part: &str| is_nfc_quick(part.chars()) == IsNormalized::Yes;
    let starts_part = |c: char| {
        c.is_ascii()
            || c == '\u{FFFD}'
            || (unicode_normalization::char::canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
    };
    let mut out = String::with_capacity(text.len());
    // `lone`: the part is one such character, its own NFC.
    let mut push = |part: &str, lone: bool| match lone || is_nfc(part) {
        true => out.push_str(part),
        false => out.extend(part.nfc()),
    };
    let (mut start, mut lone) = (0, true);
    for (i, c) in text.char_indices() {
        let starts = starts_part(c);
        if i == 0 {
            lone = starts;
        } else if starts {
            push(&text[start..i], lone);
            (start, lone) = (i, true);
        } else {
            lone = false;
        }
    }
    push(&text[start..], lone);
    out
}

/// Lower-cases and keeps letters and digits of any script, joining the rest with `-`.
/// A Korean or Japanese title keeps its characters: "서울 공장" → "서울-공장".
/// The text is put in NFC first: "été" typed with combining accents gives the same slug.
pub fn slugify(text: &str) -> String {
    let text = nfc(text);
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            dash = true;
        }
    }
    // Keep URLs and file names within common file-system limits (255 bytes a name).
    if out.len() > 120 {
        let mut end = 120;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out = out.trim_end_matches('-').to_string();
    }
    out
}

/// An explicit `slug` as the URL segment it names: as written (capitals, dots, every script),
/// in NFC. Only what a URL path segment or a file name cannot hold is changed: each run of
/// other characters (spaces, `/`, `?`, `#`, `%`, quotes, `:` …) becomes one `-`, and `-` or
/// `.` at either end is dropped (a leading dot hides a folder; Windows drops trailing dots).
/// Allowed: letters and digits of any script, `-`, `_`, `.` and `~` (RFC 3986's unreserved
/// characters, in every script). Like a made slug it is cut to 120 bytes (file-name limits).
pub fn url_segment(slug: &str) -> String {
    let slug = nfc(slug);
    let mut out = String::with_capacity(slug.len());
    let mut replaced = false;
    for c in slug.chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~') {
            if replaced && c != '-' && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            replaced = false;
            out.push(c);
        } else {
            replaced = true;
        }
    }
    let mut end = out.len().min(120);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out[..end].trim_matches(['-', '.']).to_string()
}

/// Strips a `YYYY-MM-DD-` prefix from a file stem.
pub fn strip_date_prefix(stem: &str) -> &str {
    let b = stem.as_bytes();
    let starts_with_date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    // A name that is only a date says nothing about the item: the slug then comes from the title.
    if starts_with_date && (b.len() == 10 || (b.len() == 11 && matches!(b[10], b'-' | b'_'))) {
        return "";
    }
    let is_date = b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b[10] == b'-' || b[10] == b'_');
    if is_date { &stem[11..] } else { stem }
}

/// A key that sorts strings in the alphabetical order of `lang`.
pub fn collation_key(text: &str, lang: &str) -> String {
    let swedish = matches!(lang, "sv" | "fi");
    let mut key = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            // Swedish and Finnish put these three after z.
            'å' if swedish => '{',
            'ä' | 'æ' if swedish => '|',
            'ö' | 'ø' if swedish => '}',
            'ü' if swedish => 'y',
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ÿ' | 'ý' => 'y',
            'œ' => {
                key.push('o');
                'e'
            }
            'æ' => {
                key.push('a');
                'e'
            }
            other => other,
        };
        key.push(mapped);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_title_typed_in_nfd_or_nfc_gives_one_slug() {
        let nfc = "\u{e9}t\u{e9} \u{e0} Lyon \u{bd80}\u{c0b0}";
        let nfd = "e\u{301}te\u{301} a\u{300} Lyon \u{1107}\u{116e}\u{1109}\u{1161}\u{11ab}";
        assert_eq!(slugify(nfc), "\u{e9}t\u{e9}-\u{e0}-lyon-\u{bd80}\u{c0b0}");
        assert_eq!(slugify(nfd), slugify(nfc));
    }

    #[test]
    fn an_explicit_slug_is_kept_as_written_where_a_url_can_hold_it() {
        for kept in ["Rust-1.0", "v2.0_final~1", "서울-공장", "Été-à-Lyon", "a"] {
            assert_eq!(url_segment(kept), kept);
        }
        assert_eq!(url_segment("My Own Slug"), "My-Own-Slug");
        assert_eq!(url_segment("Q3: results?"), "Q3-results");
        assert_eq!(url_segment("a/b#c%d\"e"), "a-b-c-d-e");
        assert_eq!(url_segment("a - b"), "a-b");
        assert_eq!(url_segment(".hidden."), "hidden");
        assert_eq!(url_segment("..."), "");
        assert_eq!(url_segment(" / "), "");
        assert_eq!(url_segment(&"가".repeat(50)), "가".repeat(40));
        let nfd = "E\u{301}te\u{301}";
        assert_eq!(url_segment(nfd), "\u{c9}t\u{e9}");
    }

    #[test]
    fn slugs_keep_every_script_readable() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("서울 배터리 공장 착공"), "서울-배터리-공장-착공");
        assert_eq!(slugify("大阪工場の稼働開始"), "大阪工場の稼働開始");
        assert_eq!(slugify("Été à Lyon"), "été-à-lyon");
        assert_eq!(slugify("Q3 2026: results"), "q3-2026-results");
        assert_eq!(slugify("It’s here"), "its-here");
        assert_eq!(slugify("---"), "");
        assert!(slugify(&"가".repeat(200)).len() <= 120);
    }

    #[test]
    fn date_prefixes_are_stripped() {
        assert_eq!(strip_date_prefix("2026-11-20-hello"), "hello");
        assert_eq!(strip_date_prefix("2026-11-20"), "");
        assert_eq!(strip_date_prefix("2026-11-20-"), "");
        assert_eq!(strip_date_prefix("2026-11"), "2026-11");
        assert_eq!(strip_date_prefix("hello"), "hello");
    }

    #[test]
    fn swedish_sorts_a_ring_a_umlaut_o_umlaut_after_z() {
        let mut words = vec!["ägande", "zink", "återvinning", "öppenhet", "batteri"];
        words.sort_by_key(|w| collation_key(w, "sv"));
        assert_eq!(
            words,
            ["batteri", "zink", "återvinning", "ägande", "öppenhet"]
        );
        let mut fr = vec!["zèbre", "école", "eau"];
        fr.sort_by_key(|w| collation_key(w, "fr"));
        assert_eq!(fr, ["eau", "école", "zèbre"]);
    }
}
