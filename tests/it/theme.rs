//! The default theme as journalists see it: preview badges on every list, the standfirst, the
//! boilerplate once per release and in the page's language. Read back from the parsed HTML.

use crate::common::*;
use scraper::Html;

/// The badges of one list entry: `(class, text)`.
type Badges = Vec<(String, String)>;

/// Every list entry of a page (cards and the home page's fact-sheet links): the URL it links
/// to and its badges.
fn entries(html: &Html) -> Vec<(String, Badges)> {
    html.select(&sel("main article.card, main ul.link-list > li"))
        .filter_map(|entry| {
            let href = entry.select(&sel("a[href]")).next()?.attr("href")?;
            let badges = entry
                .select(&sel(".badge"))
                .map(|b| {
                    let class = b.attr("class").unwrap_or("").to_string();
                    (class, text_of(b))
                })
                .collect();
            Some((href.to_string(), badges))
        })
        .collect()
}

/// A theme string of the default theme.
fn theme_string(lang: &str, key: &str) -> String {
    let path = format!(
        "{}/themes/default/i18n/{lang}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("theme strings");
    let table: toml::Table = text.parse().expect("theme strings parse");
    table[key].as_str().expect("a string").to_string()
}

/// English and Korean: a published, a draft and an embargoed release, tagged and written by
/// one author, and a draft fact sheet (the home page lists fact sheets as links, not cards).
fn preview_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Preview\"\nbase_url = \"{BASE_URL}\"\n\
             [languages.ko]\ntitle = \"미리보기\"\n"
        ),
    )
    .file("content/_index.ko.md", "+++\ntitle = \"미리보기\"\n+++\n")
    .file("data/authors.toml", "[ann]\nname = \"Ann Author\"\n")
    .file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/_index.ko.md",
        "+++\ntitle = \"보도자료\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/facts/_index.md",
        "+++\ntitle = \"Facts\"\nkind = \"factsheet\"\n+++\n",
    );
    let front = "tags = [\"grid\"]\nauthors = [\"ann\"]\n";
    for (stem, state) in [
        ("live", ""),
        ("draft", "draft = true\n"),
        ("embargoed", "embargo = 2027-01-15T07:30:00+01:00\n"),
    ] {
        for lang in ["", ".ko"] {
            site.file(
                &format!("content/press/{stem}{lang}.md"),
                &item(
                    &format!("Release {stem}{lang}"),
                    "2026-11-20T09:00:00Z",
                    &format!("{state}{front}"),
                    "The text.",
                ),
            );
        }
    }
    site.file(
        "content/facts/draft-facts.md",
        &item(
            "Draft facts",
            "2026-11-20T09:00:00Z",
            "draft = true\n",
            "Facts.",
        ),
    );
    site
}

#[test]
fn a_preview_marks_drafts_and_embargoed_items_on_every_list_in_the_page_language() {
    let site = preview_site();
    site.build_args(&["--drafts"]).assert_ok();
    let lists = [
        ("en", "/", "/press/"),
        ("en", "/press/", "/press/"),
        ("en", "/tags/grid/", "/press/"),
        ("en", "/authors/ann/", "/press/"),
        ("ko", "/ko/", "/ko/press/"),
        ("ko", "/ko/press/", "/ko/press/"),
        ("ko", "/ko/tags/grid/", "/ko/press/"),
    ];
    for (lang, page, items) in lists {
        let html = site.html(page);
        let entries = entries(&html);
        let of = |stem: &str| -> Vec<&Badges> {
            let url = format!("{items}{stem}/");
            entries
                .iter()
                .filter(|(href, _)| *href == url)
                .map(|(_, b)| b)
                .collect()
        };
        let (live, draft, embargoed) = (of("live"), of("draft"), of("embargoed"));
        assert!(
            !live.is_empty() && !draft.is_empty() && !embargoed.is_empty(),
            "{page} lists all three releases: {entries:?}"
        );
        for badges in live {
            assert!(badges.is_empty(), "{page}: a published item has no badge");
        }
        for badges in draft {
            assert_eq!(badges.len(), 1, "{page}: {badges:?}");
            assert!(badges[0].0.contains("badge-draft"), "{page}: {badges:?}");
            assert_eq!(badges[0].1, theme_string(lang, "draft"), "{page}");
        }
        for badges in embargoed {
            assert_eq!(badges.len(), 1, "{page}: {badges:?}");
            assert!(badges[0].0.contains("badge-embargo"), "{page}: {badges:?}");
            let until = theme_string(lang, "embargoed_until");
            assert!(
                badges[0].1.starts_with(&until) && badges[0].1.len() > until.len(),
                "{page}: `{}` says until when",
                badges[0].1
            );
        }
        // The embargo's time is machine-readable too (07:30 CET, in the site's UTC).
        let times = attrs(&html, ".badge-embargo time", "datetime");
        assert!(
            !times.is_empty()
                && times
                    .iter()
                    .all(|t| t.starts_with("2027-01-15T06:30:00+00:00")),
            "{page}: {times:?}"
        );
    }
    // The home page's fact-sheet links carry the badge too.
    let home = entries(&site.html("/"));
    let facts = home
        .iter()
        .find(|(href, _)| href == "/facts/draft-facts/")
        .expect("the home page lists the draft fact sheet");
    assert!(facts.1.iter().any(|(c, _)| c.contains("badge-draft")));
}

#[test]
fn a_published_build_shows_no_preview_badge() {
    let site = preview_site();
    site.build_ok();
    for page in ["/", "/press/", "/tags/grid/", "/ko/"] {
        let html = site.html(page);
        assert_eq!(html.select(&sel(".badge")).count(), 0, "{page}");
    }
}

/// The number of elements of `html` matching `selector` whose own text holds `needle`.
fn count_with(html: &Html, selector: &str, needle: &str) -> usize {
    html.select(&sel(selector))
        .filter(|e| text_of(*e).contains(needle))
        .count()
}

#[test]
fn the_standfirst_shows_only_a_summary_the_writer_gave() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/plain.md",
        &item(
            "Plain",
            "2026-11-20T09:00:00Z",
            "dateline = \"Stockholm\"\n",
            "The opening paragraph of the plain release.\n\nA second paragraph.",
        ),
    )
    .file(
        "content/press/summed.md",
        &item(
            "Summed",
            "2026-11-20T09:00:00Z",
            "dateline = \"Stockholm\"\nsummary = \"The writer’s own summary.\"\n",
            "The opening paragraph of the summed release.",
        ),
    )
    .file("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n")
    .file(
        "content/blog/post.md",
        &item(
            "Post",
            "2026-11-20T09:00:00Z",
            "",
            "The opening paragraph of the post.\n\nMore.",
        ),
    );
    site.build_ok();

    for (page, opening) in [
        (
            "/press/plain/",
            "The opening paragraph of the plain release.",
        ),
        ("/blog/post/", "The opening paragraph of the post."),
    ] {
        let html = site.html(page);
        assert_eq!(html.select(&sel(".standfirst")).count(), 0, "{page}");
        assert_eq!(count_with(&html, "main p", opening), 1, "{page}: once");
    }
    // The release opens with its dateline, in the body.
    let plain = site.html("/press/plain/");
    let first = plain
        .select(&sel(".content p"))
        .next()
        .expect("a paragraph");
    assert!(
        text_of(first).starts_with("STOCKHOLM"),
        "{}",
        text_of(first)
    );

    let summed = site.html("/press/summed/");
    assert_eq!(
        texts(&summed, ".standfirst"),
        ["The writer’s own summary."],
        "an explicit summary is the standfirst"
    );
    assert_eq!(
        count_with(&summed, "main p", "The opening paragraph of the summed"),
        1
    );
}

const SITE_ABOUT: &str = "Acme Corp makes anvils.";
const KO_ABOUT: &str = "애크미는 모루를 만듭니다.";

/// English, Korean (its own boilerplate) and French (the site's): a release in each, and one
/// English release with its own boilerplate.
fn boilerplate_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme\"\nbase_url = \"{BASE_URL}\"\nboilerplate = {SITE_ABOUT:?}\n\
             [languages.ko]\ntitle = \"애크미\"\nboilerplate = {KO_ABOUT:?}\n\
             [languages.fr]\ntitle = \"Acme FR\"\n"
        ),
    )
    .file("content/_index.ko.md", "+++\ntitle = \"애크미\"\n+++\n")
    .file("content/_index.fr.md", "+++\ntitle = \"Acme FR\"\n+++\n");
    for lang in ["", ".ko", ".fr"] {
        site.file(
            &format!("content/press/_index{lang}.md"),
            "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
        )
        .file(
            &format!("content/press/launch{lang}.md"),
            &item("Launch", "2026-11-20T09:00:00Z", "", "Text."),
        );
    }
    site.file(
        "content/press/own.md",
        &item(
            "Own",
            "2026-11-20T09:00:00Z",
            "boilerplate = \"Acme in other words for this one.\"\n",
            "Text.",
        ),
    );
    site
}

#[test]
fn a_release_carries_its_language_boilerplate_once_and_the_footer_does_not_repeat_it() {
    let site = boilerplate_site();
    site.build_ok();
    for (page, about, other) in [
        ("/press/launch/", SITE_ABOUT, KO_ABOUT),
        ("/fr/press/launch/", SITE_ABOUT, KO_ABOUT),
        ("/ko/press/launch/", KO_ABOUT, SITE_ABOUT),
        (
            "/press/own/",
            "Acme in other words for this one.",
            SITE_ABOUT,
        ),
    ] {
        let html = site.html(page);
        assert_eq!(
            count_with(&html, "p", about),
            1,
            "{page}: the boilerplate once"
        );
        assert_eq!(
            count_with(&html, "section.boilerplate p", about),
            1,
            "{page}: after the end mark"
        );
        assert_eq!(count_with(&html, "p", other), 0, "{page}");
        assert_eq!(
            html.select(&sel(".footer-boilerplate")).count(),
            0,
            "{page}"
        );
    }
    // Pages without one keep it in the footer, in their language.
    for (page, about) in [("/", SITE_ABOUT), ("/ko/", KO_ABOUT), ("/fr/", SITE_ABOUT)] {
        let html = site.html(page);
        assert_eq!(count_with(&html, ".footer-boilerplate", about), 1, "{page}");
    }
}

/// Issue 21: a release shows its publication time to the minute, and releases and statements
/// label it with the zone's abbreviation (CEST, KST, JST) where the zone has one, in the
/// page's language; the `datetime` attribute stays RFC 3339.
#[test]
fn releases_and_statements_show_the_time_with_the_zone_abbreviation() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Times\"\nbase_url = \"{BASE_URL}\"\ntimezone = \"Europe/Stockholm\"\n\
             [languages.ko]\ntitle = \"타임스\"\n[languages.ja]\ntitle = \"タイムズ\"\n"
        ),
    )
    .file("content/_index.ko.md", "+++\ntitle = \"타임스\"\n+++\n")
    .file("content/_index.ja.md", "+++\ntitle = \"タイムズ\"\n+++\n");
    for (suffix, title) in [("", "Press"), (".ko", "보도자료"), (".ja", "プレス")] {
        site.file(
            &format!("content/press/_index{suffix}.md"),
            &format!("+++\ntitle = \"{title}\"\nkind = \"release\"\n+++\n"),
        )
        .file(
            &format!("content/statements/_index{suffix}.md"),
            &format!("+++\ntitle = \"{title}\"\nkind = \"statement\"\n+++\n"),
        );
    }
    let item = |path: &str, date: &str, tz: &str| {
        let tz = if tz.is_empty() {
            String::new()
        } else {
            format!("timezone = \"{tz}\"\n")
        };
        site.file(
            path,
            &format!("+++\ntitle = \"Item\"\ndate = \"{date}\"\n{tz}+++\nText.\n"),
        );
    };
    item("content/press/timed.md", "2026-10-13T07:30:00", "");
    item("content/press/winter.md", "2026-12-01T07:30:00", "");
    item("content/press/day-only.md", "2026-10-13", "");
    item(
        "content/press/elsewhere.md",
        "2026-10-13T07:30:00+09:00",
        "",
    );
    item("content/press/gulf.md", "2026-10-13T07:30:00", "Asia/Dubai");
    item(
        "content/press/seoul.ko.md",
        "2026-10-13T07:30:00",
        "Asia/Seoul",
    );
    item(
        "content/statements/seoul.md",
        "2026-10-13T09:15:00",
        "Asia/Seoul",
    );
    item(
        "content/statements/tokyo.ja.md",
        "2026-10-13T09:15:00",
        "Asia/Tokyo",
    );
    site.build_ok();

    let published = |url: &str| {
        let html = site.html(url);
        let shown = texts(&html, ".dates .published time");
        let machine = attrs(&html, ".dates .published time", "datetime");
        assert_eq!(shown.len(), 1, "{url}: {shown:?}");
        (shown[0].clone(), machine[0].clone())
    };
    let cases = [
        (
            "/press/timed/",
            "13 October 2026, 07:30 CEST",
            "2026-10-13T07:30:00+02:00",
        ),
        (
            "/press/winter/",
            "1 December 2026, 07:30 CET",
            "2026-12-01T07:30:00+01:00",
        ),
        // A release dated by day only does not claim it went out at midnight.
        (
            "/press/day-only/",
            "13 October 2026",
            "2026-10-13T00:00:00+02:00",
        ),
        // Written with another zone's offset: the same instant, shown in the item's zone.
        (
            "/press/elsewhere/",
            "13 October 2026, 00:30 CEST",
            "2026-10-13T00:30:00+02:00",
        ),
        // A zone without a well-known abbreviation shows its offset.
        (
            "/press/gulf/",
            "13 October 2026, 07:30 UTC+04:00",
            "2026-10-13T07:30:00+04:00",
        ),
        (
            "/ko/press/seoul/",
            "2026년 10월 13일 07:30 (KST)",
            "2026-10-13T07:30:00+09:00",
        ),
        (
            "/statements/seoul/",
            "13 October 2026, 09:15 KST",
            "2026-10-13T09:15:00+09:00",
        ),
        (
            "/ja/statements/tokyo/",
            "2026年10月13日 09:15（JST）",
            "2026-10-13T09:15:00+09:00",
        ),
    ];
    for (url, shown, machine) in cases {
        assert_eq!(
            published(url),
            (shown.to_string(), machine.to_string()),
            "{url}"
        );
    }
}
