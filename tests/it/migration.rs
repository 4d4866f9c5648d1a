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
