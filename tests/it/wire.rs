//! Wire text (#20 point 3): each release and statement also at `/…/SLUG/index.txt`, linked
//! from its page; read back as text and checked line by line.

use crate::common;
use common::{BASE_URL, SiteTest, attrs};
use unicode_width::UnicodeWidthStr;

/// A newsroom with a release rich in Markdown, a Japanese release, a statement, a corrected
/// and a withdrawn release, a post, and an embargoed and a draft release.
fn newsroom() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme Newsroom\"\nbase_url = \"{BASE_URL}\"\nboilerplate = \"Acme makes **anvils** since 1920. See [our history](/about/).\"\n\n[extra]\ncompany = \"Acme Corp\"\n\n[languages.ja]\ntitle = \"Acme ニュース\"\n"
        ),
    )
    .file(
        "data/contacts.toml",
        "[press-desk]\nname = \"Dana Scully\"\nrole = \"Head of Media Relations\"\nemail = \"press@acme.example\"\nphone = \"+1 555 0100\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"census\"\ntitle = \"Workforce census 2026\"\nurl = \"https://example.org/census\"\npublisher = \"Acme HR\"\n",
    )
    .file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/plant.md",
        &format!(
            "+++\ntitle = \"Acme opens its Lyon plant\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\ncontacts = [\"press-desk\"]\n\n[[corrections]]\ndate = 2026-11-20T09:00:00Z\nkind = \"correction\"\nnote = \"The plant employs 420 people, not 240.\"\n+++\n\n\
             Acme today opened its plant, the [largest in Europe](https://example.net/ranking), with 420 employees[^census]. {long}\n\n\
             ## Key numbers\n\n- 420 jobs\n- 3 shifts\n\n> \"We are proud,\" said the CEO.\n\n\
             | Site | Jobs |\n|---|---|\n| Lyon | 420 |\n\n```\nanvil --count 3   --verbose\n```\n\n\
             Read the full report at https://example.org/reports/2026/lyon-plant-opening-annual-report-full-version.pdf today.\n",
            long = "The plant will make anvils for customers across the continent. ".repeat(6)
        ),
    )
    .file(
        "content/press/osaka.ja.md",
        &format!(
            "+++\ntitle = \"大阪工場が稼働\"\ndate = 2026-11-19T10:00:00+09:00\ndateline = \"大阪\"\n+++\n\n{}\n",
            "大阪工場が本日稼働を開始しました。".repeat(12)
        ),
    )
    .file(
        "content/press/old.md",
        "+++\ntitle = \"Acme recalls nothing\"\ndate = 2026-11-10T10:00:00Z\n\n[withdrawn]\ndate = 2026-11-12T10:00:00Z\nreason = \"Issued in error.\"\n+++\n\nA release.\n",
    )
    .file(
        "content/press/secret.md",
        "+++\ntitle = \"Secret merger\"\ndate = 2026-11-30T10:00:00Z\nembargo = 2026-11-30T10:00:00Z\n+++\n\nA merger.\n",
    )
    .file(
        "content/press/draft.md",
        "+++\ntitle = \"Unfinished\"\ndate = 2026-11-19T10:00:00Z\ndraft = true\n+++\n\nDraft.\n",
    )
    .file(
        "content/statements/_index.md",
        "+++\ntitle = \"Statements\"\nkind = \"statement\"\n+++\n",
    )
    .file(
        "content/statements/fire.md",
        "+++\ntitle = \"On the fire at Lyon\"\ndate = 2026-11-21T08:30:00Z\ncontacts = [\"press-desk\"]\n+++\n\nThe fire is out. Write to [the desk](mailto:press@acme.example).\n",
    )
    .file(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\n+++\n",
    )
    .file(
        "content/blog/hello.md",
        "+++\ntitle = \"Hello\"\ndate = 2026-11-19T10:00:00Z\n+++\n\nHi.\n",
    );
    site
}

fn read(site: &SiteTest, rel: &str) -> String {
    std::fs::read_to_string(site.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A line that is one URL (after a note's `[n] ` or an indent).
fn is_url_line(line: &str) -> bool {
    let rest = line.trim_start();
    let rest = match rest.split_once("] ") {
        Some((n, r)) if n.starts_with('[') => r,
        _ => rest,
    };
    rest.contains("://") && !rest.contains(' ')
}

/// Every line at most 72 columns (wide characters two), except a line that is one URL.
fn assert_wrapped(text: &str) {
    for line in text.lines() {
        assert!(
            line.width() <= 72 || is_url_line(line),
            "line of {} columns: {line}\n---\n{text}",
            line.width()
        );
    }
}

#[test]
fn a_release_reads_as_wire_text() {
    let site = newsroom();
    site.build().assert_ok();
    let text = read(&site, "press/plant/index.txt");
    assert!(!text.contains('<'), "no HTML:\n{text}");
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks[0], "Acme opens its Lyon plant");
    assert!(
        blocks[1].starts_with("CORRECTION (20 November 2026): The plant employs 420"),
        "the correction shown on the page leads:\n{text}"
    );
    assert!(
        blocks[2].starts_with("LYON, 19 November 2026 — Acme today opened its plant, the"),
        "dateline opens the body:\n{text}"
    );
    // Links and citations are numbered notes listed at the end, with their URLs.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("largest in Europe [1], with 420 employees [2]."),
        "{text}"
    );
    let links = text.split("\n\nLinks\n").nth(1).expect("a Links list");
    assert!(links.starts_with("[1] https://example.net/ranking\n[2] Workforce census 2026, Acme HR. https://example.org/census\n[3] https://example.com/about/\n"), "{links}");
    // Headings, lists, quotes, tables and code read as text.
    assert!(
        text.contains(
            "\n\nKey numbers\n\n- 420 jobs\n- 3 shifts\n\n> “We are proud,” said the CEO.\n\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Site | Jobs\n-----+-----\nLyon | 420"),
        "{text}"
    );
    assert!(
        text.contains("\n    anvil --count 3   --verbose\n"),
        "code verbatim:\n{text}"
    );
    // The URL in the text stays whole on its line.
    assert!(
        text.contains(
            "https://example.org/reports/2026/lyon-plant-opening-annual-report-full-version.pdf"
        ),
        "{text}"
    );
    // The end mark, then the boilerplate, then the contacts.
    let end = blocks
        .iter()
        .position(|b| *b == "###")
        .expect("### on its own");
    assert_eq!(blocks[end + 1], "About Acme Corp");
    assert_eq!(
        blocks[end + 2],
        "Acme makes anvils since 1920. See our history [3]."
    );
    assert_eq!(blocks[end + 3], "Media contacts");
    assert_eq!(
        blocks[end + 4],
        "Dana Scully\nHead of Media Relations\nEmail: press@acme.example\nPhone: +1 555 0100"
    );
    assert!(
        text.ends_with("\nhttps://example.com/press/plant/\n"),
        "{text}"
    );
    assert_wrapped(&text);
    let longest = text
        .lines()
        .filter(|l| !is_url_line(l))
        .map(|l| l.chars().count())
        .max();
    assert!(
        longest > Some(60),
        "long paragraphs fill the lines: {longest:?}"
    );
}

#[test]
fn the_page_links_its_text() {
    let site = newsroom();
    site.build().assert_ok();
    let page = site.html("press/plant/index.html");
    assert_eq!(
        attrs(&page, "link[rel=alternate][type='text/plain']", "href"),
        ["/press/plant/index.txt"]
    );
    assert_eq!(
        attrs(&page, ".wire-text a", "href"),
        ["/press/plant/index.txt"]
    );
    let post = site.html("blog/hello/index.html");
    assert!(attrs(&post, "link[type='text/plain']", "href").is_empty());
    assert!(
        !site.out().join("blog/hello/index.txt").exists(),
        "posts have none"
    );
}

#[test]
fn statements_and_japanese_releases_are_dated_and_wrapped() {
    let site = newsroom();
    site.build().assert_ok();
    let text = read(&site, "statements/fire/index.txt");
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks[0], "On the fire at Lyon");
    assert_eq!(
        blocks[1],
        "21 November 2026 — The fire is out. Write to the desk [1]."
    );
    assert!(
        text.contains("\nLinks\n[1] mailto:press@acme.example\n"),
        "{text}"
    );
    assert!(text.contains("\n###\n\nMedia contacts\n"), "{text}");

    let ja = read(&site, "ja/press/osaka/index.txt");
    assert_wrapped(&ja);
    let body: Vec<&str> = ja.lines().skip(1).filter(|l| l.contains('稼')).collect();
    assert!(body.len() >= 4, "wrapped into several lines:\n{ja}");
    assert!(body[0].starts_with("大阪, "), "{ja}");
    assert!(ja.lines().all(|l| !l.starts_with('。')), "{ja}");
}

#[test]
fn a_text_exists_exactly_when_its_page_does() {
    let site = newsroom();
    site.build().assert_ok();
    assert!(
        !site.out().join("press/secret/index.txt").exists(),
        "embargoed"
    );
    assert!(!site.out().join("press/draft/index.txt").exists(), "draft");
    common::assert_absent_everywhere(&site.out(), &["Secret merger", "press/secret"]);
    let withdrawn = read(&site, "press/old/index.txt");
    assert!(
        withdrawn.starts_with("Acme recalls nothing\n\nWITHDRAWN: This release was withdrawn on 12 November 2026.\n\nIssued in error.\n\n"),
        "{withdrawn}"
    );
    // After the embargo lifts, the text is there.
    site.build_args(&["--now", "2026-11-30T10:00:00Z"])
        .assert_ok();
    assert!(read(&site, "press/secret/index.txt").starts_with("Secret merger\n"));
}

#[test]
fn two_builds_write_the_same_text() {
    let site = newsroom();
    site.build().assert_ok();
    let first = read(&site, "press/plant/index.txt");
    site.build().assert_ok();
    assert_eq!(first, read(&site, "press/plant/index.txt"));
}

#[test]
fn a_boilerplate_with_its_own_lead_in_is_not_headed_twice() {
    let site = newsroom();
    site.file(
        "content/press/own.md",
        "+++\ntitle = \"Own\"\ndate = 2026-11-19T10:00:00Z\nboilerplate = \"**About Acme** — Acme makes anvils.\"\n+++\n\nBody.\n",
    );
    site.build().assert_ok();
    let text = read(&site, "press/own/index.txt");
    assert!(
        text.contains("\n###\n\nAbout Acme — Acme makes anvils.\n\n"),
        "{text}"
    );
    assert!(!text.contains("About Acme Corp"), "{text}");
}

#[test]
fn a_preview_text_carries_its_banner() {
    let site = newsroom();
    site.build_args(&["--drafts"]).assert_ok();
    let secret = read(&site, "press/secret/index.txt");
    assert!(
        secret.starts_with("EMBARGOED UNTIL 30 November 2026"),
        "{secret}"
    );
    assert!(read(&site, "press/draft/index.txt").starts_with("DRAFT\n\nUnfinished\n"));
    assert!(read(&site, "press/plant/index.txt").starts_with("Acme opens its Lyon plant\n"));
}
