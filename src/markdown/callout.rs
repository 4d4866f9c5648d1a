//! Callouts: GitHub's alert syntax (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`,
//! `[!CAUTION]`), which reads as a quote in any Markdown preview and pulldown-cmark parses
//! (with `ENABLE_GFM`) into a block quote of a kind. The page shows it as a titled note box.
//!
//! The titles are the stage's own, per language: the Markdown stage runs before the theme is
//! loaded, so the theme's i18n strings are not at hand here. A theme styles the box by its
//! classes (`callout`, `callout-note`, …, `callout-title`).

use super::escape_html;
use pulldown_cmark::BlockQuoteKind;

/// The kind's name in classes: `note`, `tip`, `important`, `warning`, `caution`.
pub(super) fn name(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// The callout's title in `lang` (English for a language without its own titles).
pub(super) fn title(kind: BlockQuoteKind, lang: &str) -> &'static str {
    let i = match kind {
        BlockQuoteKind::Note => 0,
        BlockQuoteKind::Tip => 1,
        BlockQuoteKind::Important => 2,
        BlockQuoteKind::Warning => 3,
        BlockQuoteKind::Caution => 4,
    };
    let titles: [&str; 5] = match lang.split('-').next().unwrap_or(lang) {
        "fr" => [
            "Remarque",
            "Conseil",
            "Important",
            "Avertissement",
            "Attention",
        ],
        "ja" => ["注記", "ヒント", "重要", "警告", "注意"],
        "ko" => ["참고", "팁", "중요", "경고", "주의"],
        "sv" => ["Obs", "Tips", "Viktigt", "Varning", "Försiktighet"],
        "de" => ["Hinweis", "Tipp", "Wichtig", "Warnung", "Vorsicht"],
        _ => ["Note", "Tip", "Important", "Warning", "Caution"],
    };
    titles[i]
}

/// The opening of a callout's box: a `note` landmark whose first line is its title.
pub(super) fn open(kind: BlockQuoteKind, lang: &str) -> String {
    format!(
        "<div class=\"callout callout-{}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
        name(kind),
        escape_html(title(kind, lang))
    )
}

/// The end of a callout's box.
pub(super) const CLOSE: &str = "</div>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_title_in_every_language() {
        let kinds = [
            BlockQuoteKind::Note,
            BlockQuoteKind::Tip,
            BlockQuoteKind::Important,
            BlockQuoteKind::Warning,
            BlockQuoteKind::Caution,
        ];
        let en: Vec<&str> = kinds.iter().map(|&k| title(k, "en")).collect();
        assert_eq!(en, ["Note", "Tip", "Important", "Warning", "Caution"]);
        assert_eq!(title(BlockQuoteKind::Warning, "fr-CA"), "Avertissement");
        assert_eq!(title(BlockQuoteKind::Caution, "xx"), "Caution");
    }
}
