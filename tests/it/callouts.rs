//! Callouts (#20 point 1): GitHub's alert syntax rendered as titled note boxes, parsed back
//! from the built pages with scraper.

use crate::common;
use common::{SiteTest, sel, text_of, texts};
use scraper::Html;

const KINDS: [(&str, &str, &str); 5] = [
    ("NOTE", "note", "Note"),
    ("TIP", "tip", "Tip"),
    ("IMPORTANT", "important", "Important"),
    ("WARNING", "warning", "Warning"),
    ("CAUTION", "caution", "Caution"),
];

fn post(body: &str) -> String {
    format!("+++\ntitle = \"Callouts\"\ndate = 2026-11-19T10:00:00Z\n+++\n\n{body}")
}

fn content(html: &Html) -> String {
    html.select(&sel(".content"))
        .next()
        .map(|c| c.inner_html())
        .expect("a .content")
}

#[test]
fn every_kind_renders_as_a_titled_note() {
    let site = SiteTest::new();
    let body: String = KINDS
        .iter()
        .map(|(tag, _, _)| {
            format!("> [!{tag}]\n> Text of {tag} with [a link](https://example.org/).\n\n")
        })
        .collect();
    site.file("content/blog/c.md", &post(&body));
    site.build().assert_ok();
    let page = site.html("blog/c/index.html");
    let boxes: Vec<_> = page.select(&sel(".content .callout")).collect();
    assert_eq!(boxes.len(), 5);
    for (el, (tag, class, title)) in boxes.iter().zip(KINDS) {
        assert_eq!(el.value().attr("role"), Some("note"));
        assert!(
            el.value()
                .classes()
                .any(|c| c == format!("callout-{class}")),
            "{tag}"
        );
        let t: Vec<String> = el.select(&sel(".callout-title")).map(text_of).collect();
        assert_eq!(t, [title]);
        let text = text_of(*el);
        assert!(
            text.contains(&format!("Text of {tag} with a link")),
            "{text}"
        );
        assert!(!text.contains("[!"), "the marker is gone: {text}");
        assert_eq!(el.select(&sel("a[href='https://example.org/']")).count(), 1);
    }
    assert!(page.select(&sel(".content blockquote")).next().is_none());
}

#[test]
fn titles_follow_the_language_of_the_page() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\n\n[languages.fr]\ntitle = \"T\"\n\n[languages.ja]\ntitle = \"T\"\n",
    )
    .file("content/blog/c.fr.md", &post("> [!WARNING]\n> Attention.\n"))
    .file("content/blog/c.ja.md", &post("> [!TIP]\n> ヒント。\n"));
    site.build().assert_ok();
    let fr = site.html("fr/blog/c/index.html");
    assert_eq!(
        texts(&fr, ".callout-warning .callout-title"),
        ["Avertissement"]
    );
    let ja = site.html("ja/blog/c/index.html");
    assert_eq!(texts(&ja, ".callout-tip .callout-title"), ["ヒント"]);
}

#[test]
fn code_blocks_quotes_and_lists_around_callouts_stay_as_they_were() {
    let around = "- one\n- [two](https://example.org/two)\n\n";
    let after = "\n1. three\n\nA [link](https://example.org/x) after.\n\n```\n> [!NOTE]\n> literal\n```\n\n> [!UNKNOWN]\n> plain quote\n\n> plain\n";
    let site = SiteTest::new();
    site.file(
        "content/blog/with.md",
        &post(&format!("{around}> [!NOTE]\n> Boxed.\n{after}")),
    )
    .file(
        "content/blog/without.md",
        &post(&format!("{around}{after}")),
    );
    site.build().assert_ok();
    let with = content(&site.html("blog/with/index.html"));
    let without = content(&site.html("blog/without/index.html"));
    let callout = "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n<p>Boxed.</p>\n</div>\n";
    assert_eq!(
        with.replacen(callout, "", 1),
        without,
        "only the callout differs"
    );
    let page = site.html("blog/with/index.html");
    let code = texts(&page, ".content pre");
    assert_eq!(code.len(), 1);
    assert!(code[0].contains("> [!NOTE]"), "literal in code: {code:?}");
    let quotes = texts(&page, ".content blockquote");
    assert_eq!(quotes.len(), 2, "{quotes:?}");
    assert!(
        quotes[0].contains("[!UNKNOWN]"),
        "an unknown kind stays a quote: {quotes:?}"
    );
}

#[test]
fn the_wire_text_keeps_the_callout_title() {
    let site = SiteTest::new();
    site.file(
        "content/press/r.md",
        "+++\ntitle = \"R\"\nkind = \"release\"\ndate = 2026-11-19T10:00:00Z\n+++\n\nFirst.\n\n> [!IMPORTANT]\n> Markets are closed.\n",
    );
    site.build().assert_ok();
    let text = std::fs::read_to_string(site.out().join("press/r/index.txt")).unwrap();
    assert!(
        text.contains("\n\n> Important: Markets are closed.\n\n###"),
        "{text}"
    );
}
