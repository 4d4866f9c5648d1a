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
    attrs(&run.html(url), "main .content h2[id]", "id")
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

/// A feed file of a built site, parsed: its type and its entries' titles.
fn parsed_feed(run: &Run, rel: &str) -> (feed_rs::model::FeedType, Vec<String>) {
    let path = run.out.join(rel.trim_start_matches('/'));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel} is written: {e}"));
    let feed = feed_rs::parser::parse(bytes.as_slice())
        .unwrap_or_else(|e| panic!("{rel} does not parse as a feed: {e}"));
    let mut titles: Vec<String> = feed
        .entries
        .iter()
        .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
        .collect();
    titles.sort();
    (feed.feed_type, titles)
}

/// `[feeds]` names every feed's files, and `[feeds.keep]` keeps old feed URLs alive as real
/// feeds (the bytes of the feed they name), which pages link to by their new names.
#[test]
fn feed_file_names_are_set_and_old_feed_urls_stay_feeds() {
    use feed_rs::model::FeedType;
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[feeds]\natom = \"feed.xml\"\n\n[feeds.keep]\n\"/feed/index.xml\" = \"/feed.xml\"\n\"/releases.json\" = \"/feed.json\"\n\"/inside-rust/feed.xml\" = \"/inside/feed.xml\"\n"
        ),
    );
    site.file("content/blog/a.md", &item("Post A", "2026-11-01", "", "A."));
    site.file(
        "content/inside/b.md",
        &item("Inside B", "2026-11-02", "", "B."),
    );
    let run = site.build_ok();
    let both = vec!["Inside B".to_string(), "Post A".to_string()];
    assert_eq!(
        parsed_feed(&run, "/feed.xml"),
        (FeedType::Atom, both.clone())
    );
    assert_eq!(
        parsed_feed(&run, "/feed/index.xml"),
        (FeedType::Atom, both.clone())
    );
    assert_eq!(
        parsed_feed(&run, "/rss.xml"),
        (FeedType::RSS2, both.clone())
    );
    assert_eq!(parsed_feed(&run, "/releases.json"), (FeedType::JSON, both));
    let inside = vec!["Inside B".to_string()];
    assert_eq!(
        parsed_feed(&run, "/inside/feed.xml"),
        (FeedType::Atom, inside.clone())
    );
    assert_eq!(
        parsed_feed(&run, "/inside-rust/feed.xml"),
        (FeedType::Atom, inside)
    );
    assert!(
        !run.exists("/atom.xml"),
        "the old default name is not written"
    );
    let alternates = attrs(
        &run.html("/blog/a/"),
        "link[rel=alternate][type='application/atom+xml']",
        "href",
    );
    assert!(
        alternates.iter().any(|h| h.ends_with("/feed.xml")),
        "{alternates:?}"
    );
    assert!(
        !alternates.iter().any(|h| h.ends_with("/atom.xml")),
        "{alternates:?}"
    );
}

/// A kept URL naming no feed is an error at its line (subscribers would get nothing); a feed
/// name with a folder is a config error.
#[test]
fn feed_settings_that_cannot_work_are_errors_at_their_lines() {
    let site = SiteTest::new();
    let head = format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n");
    site.file("content/blog/a.md", &item("A", "2026-11-01", "", "A."));
    site.file(
        "site.toml",
        &format!("{head}[feeds.keep]\n\"/feed.xml\" = \"/blog/feed.xml\"\n"),
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors = run.errors_in("site.toml");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert_eq!(errors[0].line, 4, "{}", run.stderr);
    assert!(
        errors[0].message.contains("not a feed of this site"),
        "{}",
        run.stderr
    );

    site.file(
        "site.toml",
        &format!("{head}[feeds]\natom = \"/blog/feed.xml\"\n"),
    );
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("site.toml:4"), "{}", run.stderr);
}

/// The `self` link of an Atom feed, or the `feed_url` of a JSON Feed, of a built site.
fn self_url(run: &Run, rel: &str) -> String {
    let text = std::fs::read_to_string(run.out.join(rel.trim_start_matches('/'))).unwrap();
    if rel.ends_with(".json") {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        return v["feed_url"].as_str().unwrap_or_default().to_string();
    }
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .find(|n| n.has_tag_name("link") && n.attribute("rel") == Some("self"))
        .and_then(|n| n.attribute("href"))
        .unwrap_or_default()
        .to_string()
}

/// A section's `[feeds]` names its own feed files (the Zola blog's `/inside-rust/feed.xml`);
/// the names it leaves out are the site's, other sections keep the site's, and the head
/// links, the subscribe page, `[feeds.keep]` and the feeds' own `self` links all follow it.
/// Its translation's feed follows the default language's `_index.md`.
#[test]
fn a_section_names_its_own_feed_files() {
    use feed_rs::model::FeedType;
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[languages.fr]\ntitle = \"T fr\"\n\n[feeds.keep]\n\"/inside-rust/old.xml\" = \"/inside-rust/feed.xml\"\n"
        ),
    );
    site.file(
        "content/inside-rust/_index.md",
        "+++\ntitle = \"Inside Rust\"\n\n[feeds]\natom = \"feed.xml\"\njson = \"releases.json\"\n+++\n",
    );
    site.file("content/blog/a.md", &item("Post A", "2026-11-01", "", "A."));
    site.file(
        "content/inside-rust/b.md",
        &item("Inside B", "2026-11-02", "", "B."),
    );
    site.file(
        "content/inside-rust/b.fr.md",
        &item("Dedans B", "2026-11-02", "", "B."),
    );
    let run = site.build_ok();
    let inside = vec!["Inside B".to_string()];
    for (rel, format) in [
        ("/inside-rust/feed.xml", FeedType::Atom),
        ("/inside-rust/rss.xml", FeedType::RSS2),
        ("/inside-rust/releases.json", FeedType::JSON),
        ("/inside-rust/old.xml", FeedType::Atom),
    ] {
        assert_eq!(parsed_feed(&run, rel), (format, inside.clone()), "{rel}");
    }
    for rel in ["/inside-rust/feed.xml", "/inside-rust/releases.json"] {
        assert_eq!(self_url(&run, rel), format!("{BASE_URL}{rel}"));
    }
    assert_eq!(
        parsed_feed(&run, "/fr/inside-rust/feed.xml").1,
        ["Dedans B".to_string()]
    );
    for gone in [
        "/inside-rust/atom.xml",
        "/inside-rust/feed.json",
        "/fr/inside-rust/atom.xml",
    ] {
        assert!(!run.exists(gone), "{gone}: the default name is not written");
    }
    // Everything else keeps the site's names.
    for kept in [
        "/atom.xml",
        "/blog/atom.xml",
        "/blog/feed.json",
        "/fr/atom.xml",
    ] {
        assert!(run.exists(kept), "{kept}");
    }
    let section = run.html("/inside-rust/");
    let head = attrs(
        &section,
        "head link[rel=alternate][type^='application/']",
        "href",
    );
    for want in [
        "/inside-rust/feed.xml",
        "/inside-rust/rss.xml",
        "/inside-rust/releases.json",
        "/atom.xml",
    ] {
        assert!(head.iter().any(|h| h == want), "{want} in {head:?}");
    }
    assert!(
        !head.iter().any(|h| h.contains("/inside-rust/atom.xml")),
        "{head:?}"
    );
    let subscribe = attrs(&run.html("/subscribe/"), "main a[href]", "href");
    assert!(
        subscribe
            .iter()
            .any(|h| h.ends_with("/inside-rust/feed.xml"))
            && !subscribe
                .iter()
                .any(|h| h.ends_with("/inside-rust/atom.xml")),
        "{subscribe:?}"
    );
}

/// A section's feed file names that would write one file twice are one error at the
/// `[feeds]` line of its `_index.md`: two of its own feeds on one name, or a feed where a
/// page is written. Nothing is built.
#[test]
fn section_feed_names_that_clash_are_an_error_at_their_line() {
    let site = SiteTest::new();
    site.file(
        "content/blog/hello.md",
        &item("Hello", "2026-11-01", "", "A."),
    );
    let index =
        |feeds: &str| format!("+++\ntitle = \"Blog\"\nsort_by = \"date\"\n\n[feeds]\n{feeds}+++\n");
    for feeds in ["atom = \"rss.xml\"\n", "json = \"hello\"\n"] {
        site.file("content/blog/_index.md", &index(feeds));
        let run = site.build();
        assert_eq!(run.code, 1, "{feeds}: {}", run.stderr);
        let errors: Vec<_> = run
            .diagnostics()
            .into_iter()
            .filter(|d| d.severity == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{feeds}: {}", run.stderr);
        assert_eq!(
            (errors[0].path.as_str(), errors[0].line),
            ("content/blog/_index.md", 5),
            "{}",
            run.stderr
        );
        assert!(!run.out.join("blog").exists(), "nothing is written");
    }
    // Names for feeds the section does not write: a warning at the same line.
    site.file(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\nfeed = false\n\n[feeds]\natom = \"feed.xml\"\n+++\n",
    );
    let run = site.build_ok();
    let warned: Vec<_> = run
        .diagnostics()
        .into_iter()
        .filter(|d| d.path == "content/blog/_index.md")
        .map(|d| (d.line, d.severity))
        .collect();
    assert_eq!(warned, [(5, "warning".to_string())], "{}", run.stderr);
    assert!(!run.exists("/blog/feed.xml"));
}

/// A Zola shortcode or a Liquid tag left in prose is a warning at its line and column, naming
/// the import command; the same text in code is not.
#[test]
fn template_syntax_in_prose_is_a_warning_at_its_place() {
    let site = SiteTest::new();
    site.file(
        "content/blog/a.md",
        &item(
            "A",
            "2026-11-01",
            "",
            "Watch: {{ youtube(id=\"x\") }}\n\n`{{ in code }}`\n\n```\n{% raw %}\n```\n\nSee {% include note.html %}.",
        ),
    );
    let run = site.build_ok();
    let found: Vec<(usize, usize)> = run
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "warning" && d.message.contains("shortcode or Liquid"))
        .map(|d| (d.line, d.col))
        .collect();
    // The body starts on line 6: "Watch: " is 7 characters, "See " 4.
    assert_eq!(found, [(6, 8), (14, 5)], "{}", run.stderr);
    assert!(
        run.stderr.contains("pressroom import --from"),
        "{}",
        run.stderr
    );
}

/// `[check]` sets each class's severity: broken anchors can be warnings while broken links
/// stay errors, and release lint can be made an error for CI.
#[test]
fn check_severities_are_set_per_class_in_site_toml() {
    let site = SiteTest::new();
    site.file(
        "content/blog/a.md",
        &item("A", "2026-11-01", "", "## Here\n\nText."),
    );
    site.file(
        "content/blog/b.md",
        &item(
            "B",
            "2026-11-02",
            "",
            "[gone](/blog/nowhere/) and [anchor](/blog/a/#not-here).",
        ),
    );
    let severities = |extra: &str| {
        site.file(
            "site.toml",
            &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n{extra}"),
        );
        let run = site.check_args(&[]);
        let mut found: Vec<(String, bool)> = run
            .diagnostics()
            .into_iter()
            .filter(|d| d.message.contains("broken link"))
            .map(|d| (d.severity, d.message.contains("no element with id")))
            .collect();
        found.sort();
        (run.code, found)
    };
    let (e, w) = ("error".to_string(), "warning".to_string());
    assert_eq!(
        severities(""),
        (1, vec![(e.clone(), false), (e.clone(), true)])
    );
    assert_eq!(
        severities("[check]\nanchors = \"warning\"\n"),
        (1, vec![(e.clone(), false), (w.clone(), true)])
    );
    assert_eq!(
        severities("[check]\nanchors = \"warning\"\nlinks = \"warning\"\n"),
        (0, vec![(w.clone(), false), (w.clone(), true)])
    );

    site.remove("content/blog/b.md");
    site.file(
        "content/press/r.md",
        &item("R", "2026-11-03", "kind = \"release\"\n", "Body."),
    );
    assert_eq!(severities("").0, 0, "release lint is a warning by default");
    assert_eq!(severities("[check]\nlint = \"error\"\n").0, 1);
    assert_eq!(severities("[check]\nanchors = \"fatal\"\n").0, 2);
}

/// `footnotes = "bottom"` lists footnotes at the end in the order first referred to, each
/// with a link back to every reference; every link resolves in `check`. The default keeps
/// them where they are defined.
#[test]
fn bottom_footnotes_have_back_links() {
    let body = "Claim[^a] and again[^a], other[^b].\n\n[^b]: Bee.\n\n[^a]: Ay.\n\nMore text.";
    let site = SiteTest::new();
    site.file("content/blog/a.md", &item("A", "2026-11-01", "", body));
    let inline = site.build_ok();
    assert!(attrs(&inline.html("/blog/a/"), "section.footnotes", "class").is_empty());

    let config = format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\nfootnotes = \"bottom\"\n");
    site.file("site.toml", &config);
    let run = site.build_ok();
    let page = run.html("/blog/a/");
    assert_eq!(attrs(&page, "section.footnotes li", "id"), ["fn-a", "fn-b"]);
    assert_eq!(texts(&page, "section.footnotes li p"), ["Ay.", "Bee."]);
    assert_eq!(
        attrs(&page, "sup.footnote-reference", "id"),
        ["fnref-a", "fnref-a-2", "fnref-b"]
    );
    assert_eq!(texts(&page, "sup.footnote-reference a"), ["1", "1", "2"]);
    assert_eq!(
        attrs(&page, "#fn-a a.footnote-backref", "href"),
        ["#fnref-a", "#fnref-a-2"]
    );
    let after_text = texts(&page, "p + section.footnotes li p");
    assert_eq!(after_text.len(), 2, "the list follows the text");
    site.check_args(&[]).assert_ok();
}
