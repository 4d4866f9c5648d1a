//! Small correctness fixes, each reproduced with the binary first: URL collisions of embargoed
//! items, XML-safe feeds, NFC slugs and ids, URL-safe ids, feed links of any section name,
//! empty summaries, localized withdrawal notices in feeds, daylight-saving gaps.

use crate::common;
use common::{SiteTest, attrs, item, run};

#[test]
fn an_embargoed_item_reusing_a_published_url_is_an_error_while_embargoed() {
    let t = SiteTest::new();
    t.file(
        "content/press/2026-11-01-fjord-5-fire-test.md",
        &item("Fire test passed", "2026-11-01", "", "Public."),
    )
    .file(
        "content/press/2027-01-01-fjord-5-fire-test.md",
        &item(
            "Second fire test",
            "2027-01-01",
            "embargo = 2027-01-01T08:00:00Z\n",
            "Hidden.",
        ),
    );
    let b = t.build();
    b.assert_code(1);
    let errors = b.errors_in("content/press/2027-01-01-fjord-5-fire-test.md");
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("/press/fjord-5-fire-test/")
                && e.message
                    .contains("content/press/2026-11-01-fjord-5-fire-test.md")),
        "{}",
        b.stderr
    );
    assert!(!t.out().exists(), "a failed build writes nothing");

    // check reports the collision, not a flood of false leaks.
    let c = t.check_args(&[]);
    c.assert_code(1);
    assert!(c.stderr.contains("is also produced by"), "{}", c.stderr);
    assert!(!c.stderr.contains("embargo leak"), "{}", c.stderr);

    // An alias of an embargoed item that names a published page is caught as well.
    t.file(
        "content/press/2027-01-01-fjord-5-fire-test.md",
        &item(
            "Second fire test",
            "2027-01-01",
            "slug = \"second\"\nembargo = 2027-01-01T08:00:00Z\naliases = [\"/press/fjord-5-fire-test/\"]\n",
            "Hidden.",
        ),
    );
    t.build().assert_code(1);
}

#[test]
fn feeds_sitemaps_and_json_stay_valid_with_control_characters() {
    let t = SiteTest::new();
    let title = "Word\u{b}paste\u{c} and \u{1} \u{fffe}";
    t.file(
        "content/blog/2026-11-22-paste.md",
        "+++\ntitle = \"Word\\u000Bpaste\\u000C and \\u0001 \u{fffe}\"\ndate = 2026-11-22T10:00:00Z\ntags = [\"a\\u000Bb\"]\n+++\n\nBody with a\u{b}vertical tab.\n",
    );
    let b = t.build_ok();
    let out = t.out();
    for file in [
        "atom.xml",
        "rss.xml",
        "sitemap.xml",
        "sitemap-news.xml",
        "blog/atom.xml",
        "tags/a-b/rss.xml",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}\n{text}"));
    }
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(atom.contains("Word paste  and"), "{atom}");
    for file in b.files().iter().filter(|f| f.ends_with(".json")) {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    let feed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("feed.json")).unwrap()).unwrap();
    assert_eq!(feed["items"][0]["title"], title);
}

#[test]
fn a_title_in_nfd_gives_the_nfc_slug_and_ids_match_in_any_form() {
    let t = SiteTest::new();
    // "été à Lyon 부산" typed with combining accents and Hangul jamo.
    let nfd = "e\u{301}te\u{301} a\u{300} Lyon \u{1107}\u{116e}\u{1109}\u{1161}\u{11ab}";
    t.file("data/authors.toml", "[\"jos\u{e9}\"]\nname = \"José\"\n")
        .file(
            "content/blog/2026-11-01.md",
            &format!(
                "+++\ntitle = \"{nfd}\"\ndate = 2026-11-01\nauthors = [\"jose\u{301}\"]\n+++\n\nText.\n"
            ),
        );
    let b = t.build_ok();
    assert!(
        b.exists("/blog/\u{e9}t\u{e9}-\u{e0}-lyon-\u{bd80}\u{c0b0}/"),
        "{:?}",
        b.files()
    );
    assert!(b.exists("/authors/jos\u{e9}/"), "{:?}", b.files());
}

#[test]
fn author_and_source_ids_that_break_urls_are_errors_at_their_line() {
    let t = SiteTest::new();
    t.file(
        "data/authors.toml",
        "[ok-author]\nname = \"OK\"\n\n[\"jane doe#2\"]\nname = \"Jane\"\n\n[\"../x\"]\nname = \"X\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"fine\"\ntitle = \"Fine\"\n\n[[sources]]\nid = \"../up\"\ntitle = \"Up\"\n",
    )
    .file(
        "content/blog/2026-11-01-a.md",
        &item("A", "2026-11-01", "authors = [\"ok-author\"]\n", "Text."),
    );
    let b = t.build();
    b.assert_code(1);
    let authors = b.errors_in("data/authors.toml");
    assert_eq!(
        authors.iter().map(|e| (e.line, e.col)).collect::<Vec<_>>(),
        [(4, 2), (7, 2)],
        "{}",
        b.stderr
    );
    assert!(
        authors[0].message.contains("`jane doe#2`")
            && authors[0].message.contains("letters, digits, `-` and `_`"),
        "{}",
        b.stderr
    );
    let sources = b.errors_in("data/sources.toml");
    assert_eq!(sources.len(), 1, "{}", b.stderr);
    assert_eq!(sources[0].line, 6, "{}", b.stderr);
    assert!(sources[0].message.contains("`../up`"), "{}", b.stderr);
}

fn feed_hrefs(html: &scraper::Html) -> Vec<String> {
    attrs(
        html,
        "link[rel=alternate][type=\"application/atom+xml\"]",
        "href",
    )
}

#[test]
fn a_section_named_webpage_and_page_two_of_a_list_link_their_feeds() {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\npaginate_by = 1\n",
    )
    .file(
        "content/webpage/2026-11-01-a.md",
        &item("A", "2026-11-01", "", "A."),
    )
    .file(
        "content/press/2026-11-01-b.md",
        &item("B", "2026-11-01", "", "B."),
    )
    .file(
        "content/press/2026-11-02-c.md",
        &item("C", "2026-11-02", "", "C."),
    );
    let b = t.build_ok();
    let links = feed_hrefs(&b.html("/webpage/"));
    assert!(
        links.contains(&"/webpage/atom.xml".to_string()),
        "{links:?}"
    );
    let links = feed_hrefs(&b.html("/press/page/2/"));
    assert!(links.contains(&"/press/atom.xml".to_string()), "{links:?}");
}

#[test]
fn new_writes_no_empty_summary_and_an_empty_summary_means_none() {
    let t = SiteTest::new();
    let root = t.root();
    run(
        &[
            "new",
            "release",
            "Plant opens",
            "--root",
            root.to_str().unwrap(),
        ],
        &t.out(),
    )
    .assert_ok();
    let written = common::list_files(&root.join("content"))
        .into_iter()
        .find(|f| f.contains("plant-opens"))
        .expect("the new release");
    let text = std::fs::read_to_string(root.join("content").join(&written)).unwrap();
    assert!(!text.contains("\nsummary = \"\""), "{text}");

    t.file(
        "content/blog/2026-11-01-a.md",
        "+++\ntitle = \"A\"\ndate = 2026-11-01\nsummary = \"\"\n+++\n\nThe lead paragraph.\n\n<!-- more -->\n\nThe rest.\n",
    );
    t.build_ok();
    let feed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.out().join("feed.json")).unwrap()).unwrap();
    assert_eq!(feed["items"][0]["summary"], "The lead paragraph.", "{feed}");
}

#[test]
fn feeds_say_withdrawn_in_the_items_language() {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\n[languages.fr]\n[languages.sv]\n",
    )
    .file(
        "content/press/2026-11-01-r.fr.md",
        "+++\ntitle = \"Annonce\"\ndate = 2026-11-01\n[withdrawn]\ndate = 2026-11-10\nreason = \"Erreur.\"\n+++\n\nTexte.\n",
    )
    .file(
        "content/press/2026-11-02-s.sv.md",
        "+++\ntitle = \"Nyhet\"\ndate = 2026-11-02\n[withdrawn]\ndate = 2026-11-10\nreason = \"Fel.\"\n+++\n\nText.\n",
    );
    t.build_ok();
    for (feed, word) in [
        ("fr/atom.xml", "Retiré."),
        ("sv/atom.xml", "Tillbakadraget."),
    ] {
        let text = std::fs::read_to_string(t.out().join(feed)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let content: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("content"))
            .filter_map(|n| n.text())
            .collect();
        assert!(content.contains(word), "{feed}: {content}");
        assert!(!content.contains("Withdrawn."), "{feed}: {content}");
    }
}

#[test]
fn a_local_time_in_a_daylight_saving_gap_is_an_error_naming_it() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-03-29-a.md",
        "+++\ntitle = \"A\"\ntimezone = \"Europe/Stockholm\"\ndate = 2026-03-29T02:30:00\n+++\n\nText.\n",
    );
    let b = t.build();
    b.assert_code(1);
    let errors = b.errors_in("content/blog/2026-03-29-a.md");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert_eq!(errors[0].line, 4);
    let m = &errors[0].message;
    assert!(
        m.contains("daylight-saving gap") && m.contains("Europe/Stockholm"),
        "{m}"
    );
    assert!(m.contains("2026-03-29T03:30:00+02:00"), "{m}");
}
