//! A multilingual newsroom: translations under their prefixes, sibling links, localized dates,
//! CJK summaries, Swedish collation, theme strings.

use crate::common;
use common::*;

fn site() -> SiteTest {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"N\"\nbase_url = \"https://n.example\"\n[languages.fr]\n[languages.ko]\n[languages.sv]\n[languages.ja]\n",
    );
    let body = "Northwind opens a plant in Lyon today.";
    t.file("content/press/2010-12-13-plant.md", &format!("+++\ntitle = \"Plant\"\ndate = 2010-12-13T10:00:00Z\nkind = \"release\"\n+++\n\n{body}\n"))
        .file("content/press/2010-12-13-plant.fr.md", "+++\ntitle = \"Usine\"\ndate = 2010-12-13T10:00:00Z\nkind = \"release\"\n+++\n\nNorthwind ouvre une usine à Lyon.\n")
        .file("content/press/2010-12-13-plant.ko.md", &format!("+++\ntitle = \"공장\"\ndate = 2010-12-13T10:00:00Z\nkind = \"release\"\n+++\n\n{}\n", "노스윈드는 오늘 리옹에 새 공장을 엽니다. ".repeat(30)))
        .file("content/press/2010-12-13-plant.ja.md", &format!("+++\ntitle = \"工場\"\ndate = 2010-12-13T10:00:00Z\nkind = \"release\"\n+++\n\n{}\n", "ノースウィンドは本日リヨンに新工場を開設します".repeat(20)))
        .file("content/press/2010-12-13-plant.sv.md", "+++\ntitle = \"Fabrik\"\ndate = 2010-12-13T10:00:00Z\nkind = \"release\"\ntags = [\"ägande\", \"zink\", \"återvinning\", \"öppenhet\", \"batteri\"]\n+++\n\nNorthwind öppnar en fabrik i Lyon.\n");
    t
}

#[test]
fn translations_live_under_their_prefix_with_their_lang_and_link_to_each_other() {
    let t = site();
    let b = t.build_ok();
    let pages = [
        ("en", "/press/plant/"),
        ("fr", "/fr/press/plant/"),
        ("ko", "/ko/press/plant/"),
        ("sv", "/sv/press/plant/"),
        ("ja", "/ja/press/plant/"),
    ];
    for (lang, url) in pages {
        let html = b.html(url);
        assert_eq!(html_lang(&html).as_deref(), Some(lang), "{url}");
        let hreflangs = attrs(&html, "link[rel=alternate][hreflang]", "hreflang");
        for (other, _) in pages {
            assert!(
                hreflangs.iter().any(|h| h == other),
                "{url} lacks hreflang {other}: {hreflangs:?}"
            );
        }
    }
}

#[test]
fn dates_are_written_the_way_each_language_writes_them() {
    let t = site();
    let b = t.build_ok();
    for (url, expected) in [
        // A release is timed to the minute (issue 21), in each language's style.
        ("/press/plant/", "13 December 2010, 10:00 UTC"),
        ("/fr/press/plant/", "13 décembre 2010 à 10:00 (UTC)"),
        ("/ko/press/plant/", "2010년 12월 13일 10:00 (UTC)"),
        ("/sv/press/plant/", "13 december 2010 kl. 10:00 (UTC)"),
        ("/ja/press/plant/", "2010年12月13日 10:00（UTC）"),
    ] {
        let times = texts(&b.html(url), "time");
        assert!(times.iter().any(|t| t == expected), "{url}: {times:?}");
    }
}

#[test]
fn korean_and_japanese_summaries_are_non_empty_and_cut_at_a_character() {
    let t = site();
    let b = t.build_ok();
    for (url, full) in [("/ko/press/", 30 * 24), ("/ja/press/", 20 * 23)] {
        let html = b.html(url);
        let summaries = texts(&html, ".card-summary");
        assert_eq!(summaries.len(), 1, "{url}: {summaries:?}");
        let s = summaries[0].trim();
        let n = s.chars().count();
        assert!(
            n > 10 && n <= 170 && n < full,
            "{url}: summary of {n} characters: {s}"
        );
        assert!(
            s.ends_with('…') || s.ends_with('.') || s.ends_with('す'),
            "{url}: cut mid-word: {s}"
        );
    }
}

#[test]
fn swedish_tags_sort_a_ring_a_umlaut_o_umlaut_after_z() {
    let t = site();
    let b = t.build_ok();
    let html = b.html("/sv/tags/");
    let names: Vec<String> = texts(&html, "main a[href*='/sv/tags/']")
        .into_iter()
        .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let wanted = ["batteri", "zink", "återvinning", "ägande", "öppenhet"];
    let order: Vec<&String> = names
        .iter()
        .filter(|n| wanted.contains(&n.as_str()))
        .collect();
    assert_eq!(order, wanted.iter().collect::<Vec<_>>(), "{names:?}");
}

#[test]
fn a_missing_theme_string_fails_naming_the_key_and_language() {
    let t = site();
    t.file("templates/404.html", "<!DOCTYPE html><html lang=\"{{ lang }}\"><head><title>x</title></head><body>{{ trans(key=\"no_such_key\") }}</body></html>");
    let b = t.build();
    b.assert_code(1);
    assert!(
        b.stderr
            .contains("missing i18n key `no_such_key` for language `en`"),
        "{}",
        b.stderr
    );
}

#[test]
fn the_default_language_can_live_under_its_prefix_with_the_root_redirecting() {
    let t = site();
    t.file(
        "site.toml",
        "title = \"N\"\nbase_url = \"https://n.example\"\nprefix_default_language = true\n[languages.fr]\n[languages.ko]\n[languages.sv]\n[languages.ja]\n",
    );
    let b = t.build_ok();
    let en = b.html("/en/press/plant/");
    assert_eq!(html_lang(&en).as_deref(), Some("en"));
    assert!(!b.exists("/press/plant/index.html"));
    let root = b.html("/");
    let refresh = attrs(&root, "meta[http-equiv=refresh]", "content");
    assert_eq!(refresh, ["0; url=https://n.example/en/"]);
    assert!(b.exists("/en/index.html") && b.exists("/fr/index.html"));
}

#[test]
fn a_missing_translation_falls_back_to_the_original_only_when_asked_and_says_so() {
    let t = site();
    t.file("content/blog/2026-11-01-only-english.md", "+++\ntitle = \"Only in English\"\ndate = 2026-11-01\nkind = \"post\"\n+++\n\nEnglish text.\n");
    let b = t.build_ok();
    assert!(
        !b.exists("/fr/blog/only-english/index.html"),
        "no fallback unless the site asks"
    );

    t.file(
        "site.toml",
        "title = \"N\"\nbase_url = \"https://n.example\"\ntranslation_fallback = true\n[languages.fr]\n[languages.ko]\n[languages.sv]\n[languages.ja]\n",
    );
    let b = t.build_ok();
    let fr = b.html("/fr/blog/only-english/");
    assert_eq!(
        html_lang(&fr).as_deref(),
        Some("fr"),
        "the page chrome is French"
    );
    assert_eq!(
        attrs(&fr, "article", "lang"),
        ["en"],
        "the text is marked as English"
    );
    assert_eq!(
        attrs(&fr, ".banner-fallback a", "href"),
        ["/blog/only-english/"]
    );
    assert_eq!(
        attrs(&fr, "link[rel=canonical]", "href"),
        ["https://n.example/blog/only-english/"]
    );
    assert_eq!(attrs(&fr, "meta[name=robots]", "content"), ["noindex"]);
    // A real translation is never replaced, and stand-ins are in no list, feed or ledger.
    assert!(
        texts(&b.html("/fr/press/plant/"), "h1")
            .iter()
            .any(|h| h == "Usine")
    );
    let list = b.html("/fr/blog/");
    assert!(
        attrs(&list, "main a", "href")
            .iter()
            .all(|h| !h.contains("only-english"))
    );
    t.deploy().assert_ok();
    let ledger = std::fs::read_to_string(t.root().join("published.lock")).unwrap();
    assert!(ledger.contains("/blog/only-english/"), "{ledger}");
    assert!(!ledger.contains("/fr/blog/only-english/"), "{ledger}");
}

/// Issue 21: search results' dates are written as the pages write them ("13 October 2026",
/// not the browser's US-style "October 13, 2026"): each search page gives its script the
/// language's long-date pattern. The test fills the pattern as search.js does.
#[test]
fn the_search_page_gives_its_script_the_language_date_style() {
    let t = site();
    let b = t.build_ok();
    for (url, march_first, october_13) in [
        ("/search/", "1 March 2026", "13 October 2026"),
        ("/fr/search/", "1er mars 2026", "13 octobre 2026"),
        ("/ko/search/", "2026년 3월 1일", "2026년 10월 13일"),
        ("/sv/search/", "1 mars 2026", "13 oktober 2026"),
        ("/ja/search/", "2026年3月1日", "2026年10月13日"),
    ] {
        let html = b.html(url);
        let data = |name: &str| {
            attrs(&html, "#search", &format!("data-date-{name}"))
                .pop()
                .unwrap_or_else(|| panic!("{url}: no data-date-{name}"))
        };
        let (pattern, months, first) = (data("pattern"), data("months"), data("first-day"));
        let months: Vec<&str> = months.split('|').collect();
        let long = |m: usize, d: u32| {
            let day = if d == 1 && !first.is_empty() {
                first.clone()
            } else {
                d.to_string()
            };
            pattern
                .replace("{d}", &day)
                .replace("{month}", months.get(m - 1).copied().unwrap_or(""))
                .replace("{m}", &m.to_string())
                .replace("{y}", "2026")
        };
        assert_eq!(long(3, 1), march_first, "{url}");
        assert_eq!(long(10, 13), october_13, "{url}");
    }
}
