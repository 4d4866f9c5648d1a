//! The words the built-in components write themselves (a fact box's heading, "As of", a
//! video's play button and transcript link), in the page's language. Component templates
//! get them as `words` and the wire text uses the same ones: components are rendered with
//! the body, before the theme (and its i18n strings) is loaded.

use std::collections::BTreeMap;

/// The keys, in the order of each language's row below.
const KEYS: [&str; 8] = [
    "key_facts",
    "as_of_before",
    "as_of_after",
    "video",
    "play",
    "transcript",
    "contact",
    "image",
];

/// The built-in components' words in `lang` (English for a language without its own).
/// `as_of_before` and `as_of_after` go around the date ("As of 30 September 2026",
/// "2026年9月30日現在").
pub fn words(lang: &str) -> BTreeMap<&'static str, &'static str> {
    let row: [&str; 8] = match lang.split('-').next().unwrap_or(lang) {
        "fr" => [
            "Chiffres clés",
            "Au",
            "",
            "Vidéo",
            "Lire la vidéo",
            "Transcription",
            "Contact presse",
            "Image",
        ],
        "ja" => [
            "主なデータ",
            "",
            "現在",
            "動画",
            "動画を再生",
            "文字起こし",
            "報道関係のお問い合わせ",
            "画像",
        ],
        "ko" => [
            "주요 수치",
            "",
            " 기준",
            "동영상",
            "동영상 재생",
            "스크립트",
            "언론 문의",
            "이미지",
        ],
        "sv" => [
            "Nyckeltal",
            "Per",
            "",
            "Video",
            "Spela upp videon",
            "Utskrift",
            "Presskontakt",
            "Bild",
        ],
        "de" => [
            "Kennzahlen",
            "Stand:",
            "",
            "Video",
            "Video abspielen",
            "Transkript",
            "Pressekontakt",
            "Bild",
        ],
        _ => [
            "Key facts",
            "As of",
            "",
            "Video",
            "Play video",
            "Transcript",
            "Media contact",
            "Image",
        ],
    };
    KEYS.into_iter().zip(row).collect()
}

/// "As of DATE" in `lang`, around `date` (already written in that language).
/// `as_of_after` carries its own space where the language puts one ("2026년 9월 30일 기준",
/// but "2026年9月30日現在").
pub fn as_of(lang: &str, date: &str) -> String {
    let w = words(lang);
    let before = w["as_of_before"];
    let space = if before.is_empty() { "" } else { " " };
    format!("{before}{space}{date}{}", w["as_of_after"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_word_and_as_of_reads_in_order() {
        for lang in ["en", "fr", "ja", "ko", "sv", "de", "xx"] {
            let w = words(lang);
            assert_eq!(w.len(), KEYS.len());
            assert!(
                !w["key_facts"].is_empty() && !w["play"].is_empty(),
                "{lang}"
            );
        }
        assert_eq!(as_of("en", "30 September 2026"), "As of 30 September 2026");
        assert_eq!(as_of("fr-CA", "30 septembre 2026"), "Au 30 septembre 2026");
        assert_eq!(as_of("ja", "2026年9月30日"), "2026年9月30日現在");
        assert_eq!(as_of("ko", "2026년 9월 30일"), "2026년 9월 30일 기준");
    }
}
