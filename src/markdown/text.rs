//! Language-aware text measures: word counts and reading times that are right for CJK text, and
//! summary cuts that never split a character or a word.

/// Whether a character is written without spaces between words (Han, kana).
fn is_cjk_char(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK Extension A
        | 0x4E00..=0x9FFF // CJK Unified Ideographs
        | 0xF900..=0xFAFF // Compatibility Ideographs
        | 0xFF66..=0xFF9D // Half-width Katakana
        | 0x20000..=0x2FA1F)
}

/// Counts words: space-separated words for alphabetic scripts and Korean (whose words are
/// separated by spaces), one word per character for Han and kana runs.
pub fn word_count(text: &str) -> usize {
    // One pass over the bytes, decoding only non-ASCII characters: this runs over every
    // item's whole text. Whitespace ends a word like any other character that is neither a
    // letter nor a digit.
    let bytes = text.as_bytes();
    let (mut count, mut in_word, mut i) = (0, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            let alnum = b.is_ascii_alphanumeric();
            count += usize::from(alnum && !in_word);
            in_word = alnum;
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if is_cjk_char(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            count += usize::from(!in_word);
            in_word = true;
        } else {
            in_word = false;
        }
    }
    count
}

/// Minutes to read `words` (as counted by [`word_count`]) for a language: characters per minute
/// for Japanese and Chinese, words per minute for the others. Never less than one.
pub fn reading_time(words: usize, lang: &str) -> usize {
    let per_minute = match lang.split('-').next().unwrap_or(lang) {
        "ja" => 500,
        "zh" => 300,
        "ko" => 250,
        "fr" => 200,
        "sv" => 210,
        "de" => 180,
        _ => 230,
    };
    words.div_ceil(per_minute).max(1)
}

/// Cuts plain text to a summary: at a sentence end when one comes late enough, else at a word
/// boundary (any character boundary for Japanese and Chinese), with an ellipsis when cut.
pub fn cut_summary(text: &str, lang: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let base = lang.split('-').next().unwrap_or(lang);
    let max_chars = match base {
        "ja" | "zh" => 120,
        "ko" => 160,
        _ => 280,
    };
    if text.chars().count() <= max_chars {
        return text;
    }
    let limit = text
        .char_indices()
        .nth(max_chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let window = &text[..limit];
    // Prefer the end of a sentence in the second half of the window.
    let sentence_end = window
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '。' | '！' | '？')
                || (matches!(c, '.' | '!' | '?') && text[i + c.len_utf8()..].starts_with(' '))
        })
        .map(|(i, c)| i + c.len_utf8())
        .rfind(|&end| end > limit / 2);
    if let Some(end) = sentence_end {
        return window[..end].to_string();
    }
    let cut = if matches!(base, "ja" | "zh") {
        limit
    } else {
        window.rfind(' ').filter(|&i| i > 0).unwrap_or(limit)
    };
    format!(
        "{}…",
        text[..cut].trim_end_matches([',', ';', ':', ' ', '、', '，'])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_in_every_script() {
        assert_eq!(word_count("Hello, big world"), 3);
        assert_eq!(word_count("l'usine de Lyon"), 4);
        assert_eq!(word_count("서울 공장이 가동을 시작했다"), 4);
        assert_eq!(word_count("大阪工場が稼働"), 7);
        assert_eq!(word_count("大阪 factory 稼働"), 5);
    }

    /// The straightforward definition the byte loop must agree with.
    fn reference_word_count(text: &str) -> usize {
        let mut count = 0;
        for token in text.split_whitespace() {
            let mut in_word = false;
            for c in token.chars() {
                if is_cjk_char(c) {
                    count += 1;
                    in_word = false;
                } else if c.is_alphanumeric() {
                    count += usize::from(!in_word);
                    in_word = true;
                } else {
                    in_word = false;
                }
            }
        }
        count
    }

    proptest::proptest! {
        #[test]
        fn word_count_matches_its_definition(text in "(\\PC|[ \t\n\u{3000}\u{a0}a-z0-9,.'é서大])*") {
            proptest::prop_assert_eq!(word_count(&text), reference_word_count(&text));
        }
    }

    #[test]
    fn reading_times_per_language() {
        assert_eq!(reading_time(0, "en"), 1);
        assert_eq!(reading_time(460, "en"), 2);
        assert_eq!(reading_time(1000, "ja"), 2);
    }

    #[test]
    fn summaries_cut_at_boundaries() {
        let long = "word ".repeat(100);
        let s = cut_summary(&long, "en");
        assert!(
            s.ends_with('…') && !s.contains("wor…") && s.chars().count() <= 281,
            "{s}"
        );
        let ja = "大阪工場の稼働を開始しました".repeat(20);
        let s = cut_summary(&ja, "ja");
        assert!(s.chars().count() <= 121 && s.ends_with('…'));
        let ko = "서울 공장이 가동을 시작했다 ".repeat(30);
        let s = cut_summary(&ko, "ko");
        assert!(s.ends_with("다…") || s.ends_with('다'), "{s}");
        let sentences = format!(
            "{} Second sentence here.",
            "First sentence is long enough to matter here. ".repeat(5)
        );
        let s = cut_summary(&format!("{sentences} {}", "more ".repeat(60)), "en");
        assert!(s.ends_with('.'), "{s}");
    }
}
