//! Embargo: nothing an embargoed item alone needs exists before it lifts (author, source and
//! term pages, their feeds and list entries); `check`'s audit finds a slug or a title in any
//! case and knows a public translation; embargo times are read strictly.

use crate::common;
use common::{SiteTest, assert_absent_everywhere, attrs, item};

const LIFTED: &str = "2027-02-01T00:00:00Z";

/// A public post by `pub-author` and a release under embargo until 2027 that alone names the
/// author `secret-author`, cites the site-wide source `secret-report` and carries a tag and a
/// category of its own.
fn site() -> SiteTest {
    let t = SiteTest::new();
    t.file(
        "data/authors.toml",
        "[pub-author]\nname = \"Public Person\"\n\n[secret-author]\nname = \"Hidden Speaker\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"open-report\"\ntitle = \"Open Report\"\nurl = \"https://example.org/open\"\n\n[[sources]]\nid = \"secret-report\"\ntitle = \"Confidential Study Title\"\nurl = \"https://example.org/secret\"\n",
    )
    .file(
        "content/blog/2026-11-01-hello.md",
        &item(
            "Hello",
            "2026-11-01",
            "authors = [\"pub-author\"]\ntags = [\"public-tag\"]\n",
            "Text.[^open-report]",
        ),
    )
    .file(
        "content/press/2027-01-01-merger.md",
        &item(
            "Big merger",
            "2027-01-01",
            "kind = \"release\"\nembargo = 2027-01-01T08:00:00Z\nauthors = [\"secret-author\"]\ntags = [\"hush-tag\"]\ncategories = [\"hush-category\"]\n",
            "Hidden.[^secret-report]",
        ),
    );
    t
}

#[test]
fn an_author_source_or_term_only_an_embargoed_item_needs_does_not_exist_before_it_lifts() {
    let t = site();
    let b = t.build_ok();
    for url in [
        "/authors/secret-author/",
        "/authors/secret-author/atom.xml",
        "/authors/secret-author/rss.xml",
        "/authors/secret-author/feed.json",
        "/sources/secret-report/",
        "/tags/hush-tag/",
        "/tags/hush-tag/atom.xml",
        "/categories/hush-category/",
    ] {
        assert!(!b.exists(url), "{url} exists before the embargo lifts");
    }
    // Their ids and names are nowhere: not in the lists, counts, feeds or search index.
    assert_absent_everywhere(
        &t.out(),
        &[
            "secret-author",
            "Hidden Speaker",
            "secret-report",
            "Confidential Study Title",
            "hush-tag",
            "hush-category",
        ],
    );
    // What public items need is there.
    for url in [
        "/authors/pub-author/",
        "/authors/pub-author/atom.xml",
        "/sources/open-report/",
        "/tags/public-tag/",
    ] {
        assert!(b.exists(url), "{url} is missing");
    }
    let authors = attrs(&b.html("/authors/"), "a", "href");
    assert!(
        authors.iter().any(|h| h.contains("/authors/pub-author/")),
        "{authors:?}"
    );

    // Once the embargo lifts, all of it is published.
    let lifted = t.build_args(&["--now", LIFTED]);
    lifted.assert_ok();
    for url in [
        "/authors/secret-author/",
        "/authors/secret-author/atom.xml",
        "/sources/secret-report/",
        "/tags/hush-tag/",
        "/categories/hush-category/",
    ] {
        assert!(lifted.exists(url), "{url} is missing after the lift");
    }
}

#[test]
fn an_author_no_item_names_has_no_page() {
    let t = site();
    t.remove("content/press/2027-01-01-merger.md");
    let b = t.build_ok();
    assert!(!b.exists("/authors/secret-author/"));
    assert!(b.exists("/authors/pub-author/"));
}

fn check(t: &SiteTest) -> common::Run {
    t.check_args(&[])
}

#[test]
fn the_audit_finds_a_bare_slug_and_a_title_in_another_case() {
    let t = SiteTest::new();
    t.file(
        "content/press/2027-01-01-fjord6.md",
        &item(
            "Fjord Six Launch",
            "2027-01-01",
            "embargo = 2027-01-01T08:00:00Z\n",
            "Hidden.",
        ),
    );
    t.file(
        "content/blog/2026-11-01-a.md",
        &item("A", "2026-11-01", "", "Our next product: fjord6, soon."),
    );
    let c = check(&t);
    c.assert_code(1);
    assert!(
        c.stderr.contains("embargo leak") && c.stderr.contains("contains `fjord6`"),
        "{}",
        c.stderr
    );

    t.file(
        "content/blog/2026-11-01-a.md",
        &item("A", "2026-11-01", "", "Watch for the FJORD SIX LAUNCH."),
    );
    let c = check(&t);
    c.assert_code(1);
    assert!(
        c.stderr.contains("contains `fjord six launch`"),
        "{}",
        c.stderr
    );

    // A plain word that happens to be the slug of a one-word item is ordinary text.
    t.file(
        "content/blog/2026-11-01-a.md",
        &item("A", "2026-11-01", "", "A fjord is a long inlet."),
    );
    check(&t).assert_ok();
}

#[test]
fn a_public_translation_sharing_the_slug_is_not_a_leak() {
    let t = SiteTest::new();
    t.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\n[languages.fr]\n",
    )
    .file(
        "content/press/2027-01-01-fjord-7-launch.md",
        &item(
            "Fjord 7 goes on sale",
            "2027-01-01",
            "embargo = 2027-01-01T08:00:00Z\n",
            "Hidden.",
        ),
    )
    .file(
        "content/press/2027-01-01-fjord-7-launch.fr.md",
        &item("Le Fjord 7 en vente", "2026-11-01", "", "Public en France."),
    );
    let c = check(&t);
    c.assert_ok();
    assert!(!c.stderr.contains("embargo leak"), "{}", c.stderr);
    // The French page is out; the English one is not.
    let b = t.build_ok();
    assert!(b.exists("/fr/press/fjord-7-launch/"));
    assert!(!b.exists("/press/fjord-7-launch/"));

    // A leak of the original's title elsewhere is still found.
    t.file(
        "content/blog/2026-11-01-a.md",
        &item("A", "2026-11-01", "", "Soon: Fjord 7 goes on sale."),
    );
    let c = check(&t);
    c.assert_code(1);
    assert!(c.stderr.contains("/blog/a/index.html"), "{}", c.stderr);
}

#[test]
fn an_empty_embargo_is_an_error_at_its_line() {
    for (file, front) in [
        (
            "a.md",
            "---\ntitle: A\ndate: 2026-11-01\nembargo: null\n---\n",
        ),
        ("b.md", "---\ntitle: B\ndate: 2026-11-01\nembargo: ~\n---\n"),
        ("c.md", "---\ntitle: C\ndate: 2026-11-01\nembargo:\n---\n"),
        (
            "d.md",
            "---\ntitle: D\ndate: 2026-11-01\nembargo: \"\"\n---\n",
        ),
        (
            "e.md",
            "+++\ntitle = \"E\"\ndate = 2026-11-01\nembargo = \"\"\n+++\n",
        ),
    ] {
        let t = SiteTest::new();
        t.file(
            &format!("content/blog/{file}"),
            &format!("{front}\nText.\n"),
        );
        let b = t.build();
        b.assert_code(1);
        let errors = b.errors_in(&format!("content/blog/{file}"));
        assert_eq!(errors.len(), 1, "{file}: {}", b.stderr);
        assert_eq!(errors[0].line, 4, "{file}: {}", b.stderr);
        assert!(errors[0].message.contains("empty"), "{file}: {}", b.stderr);
        assert!(!b.exists(&format!("/blog/{}/", &file[..1])));
    }
}

#[test]
fn an_embargo_until_9999_holds_and_offsets_beyond_a_day_are_errors() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-01-far.md",
        &item(
            "Far",
            "2026-11-01",
            "embargo = \"9999-12-31T23:59:59Z\"\n",
            "Text.",
        ),
    );
    let b = t.build_args(&["--message-format", "json"]);
    b.assert_ok();
    assert!(!b.exists("/blog/far/"));
    assert_eq!(b.json_summary()["withheld"], 1);

    t.file(
        "content/blog/2026-11-01-far.md",
        "---\ntitle: Far\ndate: 2026-11-01\nembargo: \"2026-12-01T10:00:00+25:00\"\n---\n\nText.\n",
    );
    let b = t.build();
    b.assert_code(1);
    let errors = b.errors_in("content/blog/2026-11-01-far.md");
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    assert_eq!(errors[0].line, 4);
    assert!(
        errors[0].message.contains("not a UTC offset"),
        "{}",
        b.stderr
    );
}

/// A file copied as it is can leak as well as a page: a static file named after the release,
/// a script or stylesheet that names it, a page bundle's data file. `check` reads every copied
/// file's name, and the words of those that are text.
#[test]
fn the_audit_reads_the_files_copied_as_they_are() {
    let t = SiteTest::new();
    t.file(
        "content/press/2027-01-01-fjord-8-launch.md",
        &item(
            "Fjord Eight Arrives",
            "2027-01-01",
            "embargo = 2027-01-01T08:00:00Z\n",
            "Hidden.",
        ),
    );
    check(&t).assert_ok();
    let leaks = |t: &SiteTest| -> Vec<String> {
        let run = t.check_args(&["--message-format", "json"]);
        (run.json_diagnostics().into_iter())
            .filter_map(|d| {
                let message = d["message"].as_str()?.to_string();
                message.starts_with("embargo leak").then_some(message)
            })
            .collect()
    };
    // A static file named after the release.
    t.file("static/decks/fjord-8-launch.pdf", "%PDF-1.4 not text");
    let found = leaks(&t);
    assert!(
        found
            .iter()
            .any(|m| m.contains("/decks/fjord-8-launch.pdf")),
        "{found:?}"
    );
    t.remove("static/decks/fjord-8-launch.pdf");
    // A script that names it, in another case.
    t.file(
        "static/js/teaser.js",
        "const next = 'FJORD EIGHT ARRIVES';\n",
    );
    let found = leaks(&t);
    assert!(
        found
            .iter()
            .any(|m| m.contains("/js/teaser.js") && m.contains("fjord eight arrives")),
        "{found:?}"
    );
    t.remove("static/js/teaser.js");
    // A public post's bundle file.
    t.file(
        "content/blog/2026-11-01-plans/index.md",
        &item("Plans", "2026-11-01", "", "Our plans."),
    )
    .file(
        "content/blog/2026-11-01-plans/roadmap.csv",
        "quarter,product\nQ1,Fjord Eight Arrives\n",
    );
    let found = leaks(&t);
    assert!(found.iter().any(|m| m.contains("roadmap.csv")), "{found:?}");
    // A photo's bytes are not read as text: a title inside one is not searched for.
    t.remove("content/blog/2026-11-01-plans/roadmap.csv");
    t.file("static/img/photo.bin", "Fjord Eight Arrives");
    check(&t).assert_ok();
}
