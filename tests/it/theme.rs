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

/// English and Korean, a logo, two media contacts, a press section and a blog with one item
/// each in English, a press section only in Korean.
fn staples_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme Newsroom\"\nbase_url = \"{BASE_URL}\"\n\
             [languages.ko]\ntitle = \"애크미 뉴스룸\"\n\
             [extra]\nlogo = \"/logo.svg\"\n"
        ),
    )
    .file(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .file(
        "data/contacts.toml",
        "[press]\nname = \"Press Office\"\nrole = \"Stockholm\"\nemail = \"press@acme.example\"\n\
         [ir]\nname = \"Ida Ring\"\nrole = \"Investor Relations\"\nphone = \"+46 8 555 00\"\n",
    )
    .file(
        "content/_index.ko.md",
        "+++\ntitle = \"애크미 뉴스룸\"\n+++\n",
    );
    for (lang, title) in [("", "Press"), (".ko", "보도자료")] {
        site.file(
            &format!("content/press/_index{lang}.md"),
            &format!("+++\ntitle = \"{title}\"\nkind = \"release\"\n+++\n"),
        )
        .file(
            &format!("content/press/launch{lang}.md"),
            &item("Launch", "2026-11-20T09:00:00Z", "", "Text."),
        );
    }
    site.file("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n")
        .file(
            "content/blog/hello.md",
            &item("Hello", "2026-11-19T09:00:00Z", "", "Text."),
        );
    site
}

/// Issue 21: the logo stands in the header as the home link, its alt text the site title of
/// the page's language; a site without a logo keeps its plain title.
#[test]
fn the_header_shows_the_logo_with_the_site_title_as_its_alt_text() {
    let site = staples_site();
    site.build_ok();
    for (page, title) in [
        ("/", "Acme Newsroom"),
        ("/press/launch/", "Acme Newsroom"),
        ("/ko/", "애크미 뉴스룸"),
    ] {
        let html = site.html(page);
        let logos: Vec<_> = html
            .select(&sel("header a.site-title[rel=home] img"))
            .map(|img| (img.attr("src"), img.attr("alt")))
            .collect();
        assert_eq!(logos, [(Some("/logo.svg"), Some(title))], "{page}");
    }
    site.file(
        "site.toml",
        &format!("title = \"Acme Newsroom\"\nbase_url = \"{BASE_URL}\"\n"),
    )
    .remove("content/_index.ko.md")
    .remove("content/press/_index.ko.md")
    .remove("content/press/launch.ko.md");
    site.build_ok();
    let html = site.html("/");
    assert_eq!(html.select(&sel("header img")).count(), 0);
    assert_eq!(texts(&html, "header a.site-title"), ["Acme Newsroom"]);
}

/// Issue 21: the home page of every language has a media-contacts panel listing the contacts
/// of data/contacts.toml, in file order, with their ways to reach them.
#[test]
fn the_home_page_lists_the_media_contacts() {
    let site = staples_site();
    site.build_ok();
    for page in ["/", "/ko/"] {
        let html = site.html(page);
        assert_eq!(
            texts(&html, "main .contacts .contact-name"),
            ["Press Office", "Ida Ring"],
            "{page}"
        );
        assert_eq!(
            attrs(&html, "main .contacts a[href^='mailto:']", "href"),
            ["mailto:press@acme.example"],
            "{page}"
        );
        assert_eq!(
            attrs(&html, "main .contacts a[href^='tel:']", "href"),
            ["tel:+46855500"],
            "{page}"
        );
    }
}

/// Issue 21: one "Subscribe" control (a <details>, so no script is needed) lists, in the
/// page's language, the whole newsroom, each section with items and the corrections, each in
/// Atom, RSS and JSON Feed; every feed it links to exists.
#[test]
fn the_subscribe_menu_lists_every_feed_of_the_language_and_they_exist() {
    let site = staples_site();
    let run = site.build_ok();
    let menu = |page: &str| {
        let html = site.html(page);
        assert_eq!(
            html.select(&sel("main details.subscribe-menu")).count(),
            1,
            "{page}: one menu"
        );
        assert_eq!(
            html.select(&sel("main .subscribe a")).count(),
            0,
            "{page}: no row of raw feed links"
        );
        let lists = texts(&html, "details.subscribe-menu .subscribe-list");
        let links = attrs(&html, "details.subscribe-menu .subscribe-group a", "href");
        (html, lists, links)
    };
    let feeds = |bases: &[&str]| -> Vec<String> {
        bases
            .iter()
            .flat_map(|b| ["atom.xml", "rss.xml", "feed.json"].map(|f| format!("{b}{f}")))
            .collect()
    };
    let (html, lists, links) = menu("/");
    assert_eq!(
        texts(&html, "details.subscribe-menu summary"),
        [theme_string("en", "subscribe")]
    );
    // Releases before posts, whatever the folders are called.
    assert_eq!(lists, ["All news", "Press", "Blog", "Corrections"]);
    assert_eq!(links, feeds(&["/", "/press/", "/blog/", "/corrections/"]));
    let (_, lists, links) = menu("/ko/");
    assert_eq!(
        lists,
        [
            theme_string("ko", "subscribe_all"),
            "보도자료".to_string(),
            theme_string("ko", "corrections")
        ]
    );
    assert_eq!(links, feeds(&["/ko/", "/ko/press/", "/ko/corrections/"]));
    for page in ["/press/", "/corrections/", "/ko/corrections/"] {
        let (html, _, links) = menu(page);
        assert!(!links.is_empty(), "{page}");
        for link in &links {
            assert!(run.exists(link), "{page} links to {link}, which is missing");
        }
        // The list the page shows is the marked one.
        let current = texts(&html, ".subscribe-group.is-current .subscribe-list");
        assert_eq!(current.len(), 1, "{page}: {current:?}");
    }
    // The footer of every page names the whole newsroom's and its own list's feeds, one line
    // each, not six links spelling out titles and formats.
    for (page, lists, bases) in [
        (
            "/press/launch/",
            vec!["All news", "Press"],
            vec!["/", "/press/"],
        ),
        ("/", vec!["All news"], vec!["/"]),
        (
            "/corrections/",
            vec!["All news", "Corrections"],
            vec!["/", "/corrections/"],
        ),
    ] {
        let html = site.html(page);
        assert_eq!(texts(&html, "footer .feed-list"), lists, "{page}");
        let links = attrs(&html, "footer .footer-feeds a", "href");
        assert_eq!(links, feeds(&bases), "{page}");
        assert!(links.iter().all(|l| run.exists(l)), "{page}: {links:?}");
    }
}

/// Issue 21: a section links to an archive page per year (`/press/2026/`) with its count, and
/// each archive lists exactly the items of that year its section lists: not the embargoed,
/// draft or unlisted ones, nor a year only they would fill. In every language.
#[test]
fn year_archives_list_exactly_the_visible_items_of_their_year() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme\"\nbase_url = \"{BASE_URL}\"\ntimezone = \"Europe/Stockholm\"\n\
             paginate_by = 2\n[languages.ko]\ntitle = \"애크미\"\n"
        ),
    )
    .file("content/_index.ko.md", "+++\ntitle = \"애크미\"\n+++\n");
    for (lang, title) in [("", "Press"), (".ko", "보도자료")] {
        site.file(
            &format!("content/press/_index{lang}.md"),
            &format!("+++\ntitle = \"{title}\"\nkind = \"release\"\n+++\n"),
        );
    }
    let release = |stem: &str, date: &str, front: &str| {
        site.file(
            &format!("content/press/{stem}.md"),
            &item(&format!("Release {stem}"), date, front, "Text."),
        );
    };
    release("a", "2026-11-20T09:00:00Z", "");
    release("b", "2026-03-01T09:00:00Z", "");
    release("c", "2026-01-15T09:00:00Z", "");
    // New Year's Eve in UTC is already 2026 in Stockholm: the item's zone decides.
    release("d", "2025-12-31T23:30:00Z", "");
    release("e", "2025-06-01T09:00:00Z", "");
    release("draft", "2026-05-01T09:00:00Z", "draft = true\n");
    release(
        "unlisted",
        "2026-05-01T09:00:00Z",
        "status = \"unlisted\"\n",
    );
    release(
        "secret",
        "2026-11-21T09:00:00Z",
        "embargo = 2027-01-01T00:00:00Z\n",
    );
    release(
        "future",
        "2027-01-02T09:00:00Z",
        "embargo = 2027-01-02T09:00:00Z\n",
    );
    release("old.ko", "2024-02-02T09:00:00+09:00", "");
    let run = site.build_ok();

    let years = |page: &str| {
        let html = site.html(page);
        let links = attrs(&html, ".archive-years a", "href");
        let counts = texts(&html, ".archive-years .count");
        links.into_iter().zip(counts).collect::<Vec<_>>()
    };
    let expected_years = [
        ("/press/2026/".to_string(), "(4)".to_string()),
        ("/press/2025/".to_string(), "(1)".to_string()),
    ];
    assert_eq!(years("/press/"), expected_years);
    assert_eq!(years("/press/2025/"), expected_years);
    assert_eq!(
        years("/ko/press/"),
        [("/ko/press/2024/".to_string(), "(1)".to_string())]
    );
    assert!(!run.exists("/press/2027/"), "a year only an embargo fills");

    let listed = |base: &str| -> Vec<String> {
        let mut urls = Vec::new();
        let mut page = base.to_string();
        loop {
            let html = site.html(&page);
            urls.extend(attrs(&html, "main article.card h2 a", "href"));
            match rel_link(&html, "next").or_else(|| {
                attrs(&html, ".pagination a[rel=next]", "href")
                    .into_iter()
                    .next()
            }) {
                Some(next) => page = next,
                None => break,
            }
        }
        urls
    };
    assert_eq!(
        listed("/press/2026/"),
        ["/press/a/", "/press/b/", "/press/c/", "/press/d/"]
    );
    assert_eq!(listed("/press/2025/"), ["/press/e/"]);
    assert_eq!(listed("/ko/press/2024/"), ["/ko/press/old/"]);
    let html = site.html("/press/2026/");
    assert_eq!(h1s(&html), ["2026"]);
    assert_eq!(
        attrs(&html, ".archive-years a[aria-current=page]", "href"),
        ["/press/2026/"]
    );
    assert_absent_everywhere(&run.out, &["Release secret", "/press/secret/"]);
}

/// Issue 21: a developing story opens with its own text: the update timeline follows it, and
/// only a line saying when it was last updated stands above it. Corrections keep their place
/// at the top, in full, never folded away.
#[test]
fn a_developing_statement_shows_its_text_before_the_updates_and_corrections_stay_on_top() {
    let site = SiteTest::new();
    site.file(
        "content/statements/_index.md",
        "+++\ntitle = \"Statements\"\nkind = \"statement\"\n+++\n",
    )
    .file(
        "content/statements/fire.md",
        "+++\ntitle = \"Fire\"\ndate = 2026-09-14T07:45:00+02:00\n\
         [[corrections]]\ndate = 2026-09-15T10:00:00+02:00\nkind = \"correction\"\n\
         note = \"The count was 64, not 41.\"\n\
         [[updates]]\ndate = 2026-09-14T11:20:00+02:00\nbody = \"Fire out.\"\n\
         [[updates]]\ndate = 2026-09-17T12:00:00+02:00\nbody = \"Production restarted.\"\n\
         +++\nThe statement's own words.\n",
    );
    site.build_ok();
    let html = site.html("/statements/fire/");
    // Document order of the parts that matter, by a marker per part.
    let order: Vec<&str> = html
        .select(&sel(
            "article .notice-correction, article .latest-update, article .content, article section.updates",
        ))
        .map(|e| match e.value().classes().next().unwrap_or("") {
            "notice" => "correction",
            "latest-update" => "latest",
            "content" => "text",
            _ => "updates",
        })
        .collect();
    assert_eq!(order, ["correction", "latest", "text", "updates"]);
    assert_eq!(
        html.select(&sel("details .notice-correction")).count(),
        0,
        "a correction is never folded away"
    );
    assert_eq!(
        texts(&html, "section.updates .timeline-body"),
        ["Production restarted.", "Fire out."]
    );
    assert_eq!(
        attrs(&html, ".latest-update time", "datetime"),
        ["2026-09-17T10:00:00+00:00"]
    );
    assert_eq!(attrs(&html, ".latest-update a", "href"), ["#item-updates"]);
}

/// Issue 21: /corrections/ tells the kinds apart: each entry carries its kind's label (and its
/// kind's box: updates quieter), and a line at the top counts each kind, so four updates never
/// bury the one correction. The list stays newest first, as the spec and the feeds have it.
#[test]
fn the_corrections_page_labels_each_kind_and_counts_them_newest_first() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme\"\nbase_url = \"{BASE_URL}\"\n[languages.fr]\ntitle = \"Acme FR\"\n"
        ),
    )
    .file("content/_index.fr.md", "+++\ntitle = \"Acme FR\"\n+++\n");
    let mut updates = String::new();
    for day in 15..=18 {
        updates.push_str(&format!(
            "[[updates]]\ndate = 2026-09-{day}T12:00:00Z\nbody = \"Update {day}.\"\n"
        ));
    }
    for lang in ["", ".fr"] {
        site.file(
            &format!("content/statements/fire{lang}.md"),
            &format!(
                "+++\ntitle = \"Fire\"\nkind = \"statement\"\ndate = 2026-09-14T07:45:00Z\n\
                 [[corrections]]\ndate = 2026-09-14T10:00:00Z\nkind = \"correction\"\nnote = \"Fixed.\"\n\
                 [[corrections]]\ndate = 2026-09-19T10:00:00Z\nkind = \"clarification\"\nnote = \"Said better.\"\n\
                 {updates}+++\nText.\n"
            ),
        );
    }
    site.file(
        "content/press/old.md",
        &item(
            "Old",
            "2026-08-01T09:00:00Z",
            "kind = \"release\"\n[withdrawn]\ndate = 2026-08-27T09:00:00Z\nreason = \"Superseded.\"\n",
            "Text.",
        ),
    );
    site.build_ok();
    for (page, lang) in [("/corrections/", "en"), ("/fr/corrections/", "fr")] {
        let html = site.html(page);
        // One list, newest first (the spec's order, shared with the feeds); each entry
        // labelled with its own kind in the page's language.
        let entries: Vec<(String, String)> = html
            .select(&sel("main .corrections-list > li"))
            .map(|li| {
                let kind = li
                    .value()
                    .classes()
                    .find_map(|c| c.strip_prefix("notice-"))
                    .unwrap_or("")
                    .to_string();
                let label = li
                    .select(&sel(".notice-label strong"))
                    .map(|e| e.text().collect::<String>())
                    .collect::<String>();
                (kind, label)
            })
            .collect();
        let mut expected = vec![
            "clarification",
            "update",
            "update",
            "update",
            "update",
            "correction",
        ];
        if lang == "en" {
            expected.push("withdrawal");
        }
        assert_eq!(
            entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            expected,
            "{page}: newest first"
        );
        for (kind, label) in &entries {
            assert_eq!(label, &theme_string(lang, kind), "{page}: {kind}'s label");
        }
        // The line at the top counts each kind, so the one correction is not buried.
        let counts = texts(&html, "main .corrections-kinds .kind-count");
        let mut want = vec![
            format!("{}: 1", theme_string(lang, "group_correction")),
            format!("{}: 1", theme_string(lang, "group_clarification")),
        ];
        if lang == "en" {
            want.push(format!("{}: 1", theme_string(lang, "group_withdrawal")));
        }
        want.push(format!("{}: 4", theme_string(lang, "group_update")));
        assert_eq!(counts, want, "{page}");
    }
}

/// Issue 21: authors and contacts have their name and role in each language
/// (`[ID.languages.CODE]` in the data files): a Korean page shows 이민지, an English one
/// Lee Min-ji; what a language leaves out is the person's own.
#[test]
fn people_show_their_name_and_role_in_the_page_language() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme\"\nbase_url = \"{BASE_URL}\"\n[languages.ko]\ntitle = \"애크미\"\n"
        ),
    )
    .file("content/_index.ko.md", "+++\ntitle = \"애크미\"\n+++\n")
    .file(
        "data/contacts.toml",
        "[lee]\nname = \"Lee Min-ji\"\nrole = \"Press Office Korea\"\nemail = \"kr@acme.example\"\n\
         [lee.languages.ko]\nname = \"이민지\"\nrole = \"한국 홍보팀\"\n\
         [ek]\nname = \"Johan Ek\"\nrole = \"Investor Relations\"\n\
         [ek.languages.ko]\nrole = \"투자자 관계\"\n",
    )
    .file(
        "data/authors.toml",
        "[park]\nname = \"Park Ji-hoon\"\nrole = \"CTO\"\n[park.languages.ko]\nname = \"박지훈\"\n",
    );
    for (lang, title) in [("", "Press"), (".ko", "보도자료")] {
        site.file(
            &format!("content/press/_index{lang}.md"),
            &format!("+++\ntitle = \"{title}\"\nkind = \"release\"\n+++\n"),
        )
        .file(
            &format!("content/press/launch{lang}.md"),
            &item(
                "Launch",
                "2026-11-20T09:00:00Z",
                "authors = [\"park\"]\ncontacts = [\"lee\", \"ek\"]\n",
                "SEOUL — Text.\n\n###",
            ),
        );
    }
    site.build_ok();
    for (page, names, roles, author) in [
        (
            "/press/launch/",
            ["Lee Min-ji", "Johan Ek"],
            ["Press Office Korea", "Investor Relations"],
            "Park Ji-hoon",
        ),
        (
            "/ko/press/launch/",
            ["이민지", "Johan Ek"],
            ["한국 홍보팀", "투자자 관계"],
            "박지훈",
        ),
    ] {
        let html = site.html(page);
        assert_eq!(
            texts(&html, "main .contacts .contact-name"),
            names,
            "{page}"
        );
        assert_eq!(
            texts(&html, "main .contacts .contact-role"),
            roles,
            "{page}"
        );
        assert_eq!(texts(&html, "main a[rel=author]"), [author], "{page}");
    }
    assert_eq!(
        texts(&site.html("/ko/"), "main .contacts .contact-name"),
        ["이민지", "Johan Ek"]
    );
}

/// A language table for a language the site does not have is an error at its place.
#[test]
fn a_person_text_in_an_unknown_language_is_an_error_at_its_line() {
    let site = SiteTest::new();
    site.file(
        "data/contacts.toml",
        "[lee]\nname = \"Lee Min-ji\"\n\n[lee.languages.kr]\nname = \"이민지\"\n",
    );
    let run = site.build();
    run.assert_code(1);
    let errors = run.errors_in("data/contacts.toml");
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert_eq!(errors[0].line, 4, "{}", run.stderr);
    assert!(errors[0].message.contains("`kr`"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
}

/// A year whose path is already an item's (`content/press/2026.md`) gets no archive page and
/// no link: the item keeps its URL and its page.
#[test]
fn an_item_at_a_years_path_keeps_it() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/2026.md",
        &item("Our year 2026", "2026-11-20T09:00:00Z", "", "Text."),
    )
    .file(
        "content/press/old.md",
        &item("Old", "2025-11-20T09:00:00Z", "", "Text."),
    );
    site.build_ok();
    assert_eq!(h1s(&site.html("/press/2026/")), ["Our year 2026"]);
    assert_eq!(
        attrs(&site.html("/press/"), ".archive-years a", "href"),
        ["/press/2025/"]
    );
}

/// Every way a template names a value reads the value Tera documents, and every printed value
/// is escaped whole: pressroom builds with a patched Tera (vendor/tera/PATCHES.md) whose
/// lookups take a fast path for plain dotted names and whose escaping copies text between the
/// escaped characters, so each path kind and each escaped character is read back here.
#[test]
fn templates_read_every_kind_of_variable_path_and_escape_every_value_whole() {
    let site = SiteTest::new();
    let plain = "é<ü> & \"quoted\" 'single' /slash/ 漢字 end";
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"https://example.com\"\n\n[extra]\nplain = {plain:?}\nlist = [\"zero\", \"one\"]\n\"dotted.key\" = \"dotted\"\n\"a/b\" = \"slashed\"\n\"tilde~key\" = \"tilde\"\n\"漢字\" = \"kanji\"\n\"café.menu\" = \"menu\"\nnested = {{ inner = {{ deep = \"deep\" }} }}\n"
        ),
    )
    .file(
        "templates/post.html",
        concat!(
            "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body>",
            "<p id=\"plain\">{{ config.extra.plain }}</p>",
            "<p id=\"index\">{{ config.extra.list.1 }}</p>",
            "<p id=\"bracket\">{{ config.extra.list[0] }}</p>",
            "<p id=\"quoted\">{{ config.extra[\"dotted.key\"] }}</p>",
            "<p id=\"slash\">{{ config.extra[\"a/b\"] }}</p>",
            "<p id=\"tilde\">{{ config.extra[\"tilde~key\"] }}</p>",
            // A quoted key with characters of more than one byte: Tera read its brackets by
            // character count as byte offsets, and the build panicked (exit 101).
            "<p id=\"kanji\">{{ config.extra[\"漢字\"] }}</p>",
            "<p id=\"accent\">{{ config.extra['café.menu'] }}</p>",
            "<p id=\"deep\">{{ config.extra.nested.inner.deep }}</p>",
            "{% set n = config.extra.nested %}<p id=\"frame\">{{ n.inner.deep }}</p>",
            "<p id=\"loop\">{% for x in config.extra.list %}{{ loop.index }}{{ x }}{% endfor %}</p>",
            "<p id=\"title\">{{ page.title }}</p>",
            "<p id=\"missing\">{{ config.extra.nested.nothing | default(value=\"none\") }}</p>",
            "</body></html>"
        ),
    )
    .file(
        "content/blog/2026-01-02-post.md",
        "+++\ntitle = \"A </p> & <b>title</b>\"\ndate = 2026-01-02\n+++\n\nBody.\n",
    );
    let b = site.build_ok();
    let html = b.html("/blog/post/");
    let text = |id: &str| {
        let found = html.select(&sel(&format!("#{id}"))).next();
        text_of(found.unwrap_or_else(|| panic!("#{id} is missing: a value broke the markup")))
    };
    assert_eq!(text("plain"), plain);
    assert_eq!(text("index"), "one");
    assert_eq!(text("bracket"), "zero");
    assert_eq!(text("quoted"), "dotted");
    assert_eq!(text("slash"), "slashed");
    assert_eq!(text("tilde"), "tilde");
    assert_eq!(text("kanji"), "kanji");
    assert_eq!(text("accent"), "menu");
    assert_eq!(text("deep"), "deep");
    assert_eq!(text("frame"), "deep");
    assert_eq!(text("loop"), "1zero2one");
    assert_eq!(text("title"), "A </p> & <b>title</b>");
    assert_eq!(text("missing"), "none");
}
