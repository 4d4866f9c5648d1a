//! What a blog coming from Zola, Hugo or Jekyll relies on (issue 24): its code labels are
//! highlighted, and an unknown one is told once.

use crate::common::*;

/// Three blocks in an unknown language over two files give one warning, at the first label,
/// counting the blocks; a known extended-set language gives none and is highlighted.
#[test]
fn an_unknown_code_language_is_warned_about_once_at_its_first_label() {
    let site = SiteTest::new();
    site.file(
        "content/blog/a.md",
        &item(
            "A",
            "2026-11-01",
            "",
            "Intro.\n\n```cobol-ish\nMOVE 1 TO X.\n```\n\n```toml\n[package]\nname = \"a\"\n```\n\n```cobol-ish\nSTOP RUN.\n```",
        ),
    );
    site.file(
        "content/blog/b.md",
        &item("B", "2026-11-02", "", "```cobol-ish\nDISPLAY X.\n```"),
    );
    let run = site.build_args(&["--message-format", "json"]);
    run.assert_ok();
    let unknown: Vec<_> = run
        .json_diagnostics()
        .into_iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap_or("")
                .contains("code block language")
        })
        .collect();
    assert_eq!(
        unknown.len(),
        1,
        "one warning for the language: {unknown:?}"
    );
    let d = &unknown[0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "content/blog/a.md");
    // `+++`, title, date, `+++`, blank, "Intro.", blank, then the fence: line 8, after "```".
    assert_eq!(
        (d["line"].as_u64(), d["col"].as_u64()),
        (Some(8), Some(4)),
        "{d}"
    );
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("`cobol-ish`"), "{message}");
    assert!(message.contains("3 blocks"), "{message}");

    let page = run.html("/blog/a/");
    let langs = attrs(&page, "pre.hl-code", "data-lang");
    assert_eq!(langs, ["toml"], "the TOML block is highlighted");
    let plain = attrs(&page, "pre.code:not(.hl-code) code", "class");
    assert_eq!(plain, ["language-cobol-ish", "language-cobol-ish"]);
}

/// The ids of the body's `<h2>`s of a built page (not the table of contents'), in order.
fn h2_ids(run: &Run, url: &str) -> Vec<String> {
    attrs(&run.html(url), "main h2[id]:not(#item-toc)", "id")
}

const HEADINGS: &str = "## What's next?\n\nText.\n\n## Été à Montréal\n\n## 🦀 Rust 1.85\n\n## Custom {#keep-me}\n\n## What's next?\n";

/// Each `heading_ids` style gives its generator's ids (apostrophes, accents, emoji, dots,
/// duplicates); an explicit `{#id}` is kept in every style.
#[test]
fn heading_ids_follow_the_style_the_site_comes_from() {
    let expected = [
        (
            None,
            [
                "whats-next",
                "été-à-montréal",
                "rust-1-85",
                "keep-me",
                "whats-next-1",
            ],
        ),
        (
            Some("zola"),
            [
                "what-s-next",
                "ete-a-montreal",
                "crab-rust-1-85",
                "keep-me",
                "what-s-next-1",
            ],
        ),
        (
            Some("github"),
            [
                "whats-next",
                "été-à-montréal",
                "-rust-185",
                "keep-me",
                "whats-next-1",
            ],
        ),
        (
            Some("kramdown"),
            [
                "whats-next",
                "t--montral",
                "rust-185",
                "keep-me",
                "whats-next-1",
            ],
        ),
    ];
    for (style, ids) in expected {
        let site = SiteTest::new();
        if let Some(style) = style {
            site.file(
                "site.toml",
                &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\nheading_ids = \"{style}\"\n"),
            );
        }
        site.file("content/blog/a.md", &item("A", "2026-11-01", "", HEADINGS));
        let run = site.build_ok();
        assert_eq!(h2_ids(&run, "/blog/a/"), ids, "style {style:?}");
    }
}

/// An old deep link in Zola's style resolves in `check` once the site says it came from Zola;
/// an unknown style is a config error at its line.
#[test]
fn zola_anchors_keep_old_deep_links_working() {
    let site = SiteTest::new();
    let config = format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\nheading_ids = \"zola\"\n");
    site.file("site.toml", &config);
    site.file("content/blog/a.md", &item("A", "2026-11-01", "", HEADINGS));
    site.file(
        "content/blog/b.md",
        &item("B", "2026-11-02", "", "See [next](/blog/a/#what-s-next)."),
    );
    site.check_args(&[]).assert_ok();

    site.file("site.toml", &config.replace("zola", "pressroom"));
    let broken = site.check_args(&[]);
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    assert!(broken.stderr.contains("what-s-next"), "{}", broken.stderr);

    site.file("site.toml", &config.replace("zola", "hugo"));
    let bad = site.build();
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("site.toml:3"), "{}", bad.stderr);
}
