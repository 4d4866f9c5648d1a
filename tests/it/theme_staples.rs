//! The newsroom staples of the default theme (#17, third slice): the filter by kind, the
//! subscribe pages with their optional e-mail form, the share and print actions. Read back
//! from the parsed HTML of real builds.

use crate::common::*;
use scraper::Html;

/// A string of the default theme in `lang`.
fn theme_string(lang: &str, key: &str) -> String {
    let path = format!(
        "{}/themes/default/i18n/{lang}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let table: toml::Table = std::fs::read_to_string(&path)
        .expect("theme strings")
        .parse()
        .expect("theme strings parse");
    table[key].as_str().expect("a string").to_string()
}

/// English and French: releases, statements, a blog and fact sheets, each section titled in
/// its language; `extra_toml` is appended to site.toml.
fn newsroom(extra_toml: &str) -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Newsroom\"\nbase_url = \"{BASE_URL}\"\n\
             [languages.fr]\ntitle = \"Salle de presse\"\n{extra_toml}"
        ),
    )
    .file(
        "content/_index.fr.md",
        "+++\ntitle = \"Salle de presse\"\n+++\n",
    );
    let sections = [
        ("press", "release", "Press releases", "Communiqués"),
        ("statements", "statement", "Statements", "Déclarations"),
        ("blog", "post", "Blog", "Blog FR"),
        ("facts", "factsheet", "Fact sheets", "Fiches"),
    ];
    for (dir, kind, en, fr) in sections {
        site.file(
            &format!("content/{dir}/_index.md"),
            &format!("+++\ntitle = \"{en}\"\nkind = \"{kind}\"\n+++\n"),
        )
        .file(
            &format!("content/{dir}/_index.fr.md"),
            &format!("+++\ntitle = \"{fr}\"\nkind = \"{kind}\"\n+++\n"),
        );
        for lang in ["", ".fr"] {
            site.file(
                &format!("content/{dir}/first{lang}.md"),
                &item(
                    &format!("First {kind} & co{lang}"),
                    "2026-11-20T09:00:00Z",
                    "",
                    "The text.",
                ),
            );
        }
    }
    site
}

/// `(href, text, aria-current)` of each link of the filter by kind.
fn kind_filter(html: &Html) -> Vec<(String, String, Option<String>)> {
    html.select(&sel("nav.kind-filter a"))
        .map(|a| {
            (
                a.attr("href").unwrap_or("").to_string(),
                text_of(a),
                a.attr("aria-current").map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn the_home_page_filters_by_kind_with_links_to_the_section_lists_in_its_language() {
    let site = newsroom("");
    site.build_ok();
    let en = [
        ("/", "All news"),
        ("/press/", "Press releases"),
        ("/statements/", "Statements"),
        ("/blog/", "Blog"),
        ("/facts/", "Fact sheets"),
    ];
    let home = kind_filter(&site.html("/"));
    let links: Vec<(&str, &str)> = home
        .iter()
        .map(|(h, t, _)| (h.as_str(), t.as_str()))
        .collect();
    assert_eq!(links, en, "the filter on /");
    assert_eq!(home[0].2.as_deref(), Some("page"), "/ marks itself");
    assert!(home[1..].iter().all(|l| l.2.is_none()));

    // On a section list, the same filter with that list marked: a reader moves between kinds.
    let press = kind_filter(&site.html("/press/"));
    let current: Vec<&str> = press
        .iter()
        .filter(|l| l.2.as_deref() == Some("page"))
        .map(|l| l.0.as_str())
        .collect();
    assert_eq!(current, ["/press/"]);
    // Page 2 of a list still shows which kind it is.
    let more = newsroom("");
    more.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\npaginate_by = 1\n+++\n",
    )
    .file(
        "content/press/second.md",
        &item("Second", "2026-11-21T09:00:00Z", "", "More."),
    );
    more.build_ok();
    let page2 = kind_filter(&more.html("/press/page/2/"));
    let marked: Vec<(&str, Option<&str>)> = page2
        .iter()
        .filter(|l| l.2.is_some())
        .map(|l| (l.0.as_str(), l.2.as_deref()))
        .collect();
    assert_eq!(marked, [("/press/", Some("true"))]);

    let fr = kind_filter(&site.html("/fr/"));
    let texts: Vec<&str> = fr.iter().map(|l| l.1.as_str()).collect();
    assert_eq!(
        texts,
        [
            theme_string("fr", "filter_all").as_str(),
            "Communiqués",
            "Déclarations",
            "Blog FR",
            "Fiches"
        ]
    );
    assert_eq!(fr[1].0, "/fr/press/");
    // Labelled for assistive technology, in the page's language.
    let nav = site.html("/fr/");
    let label_id = nav
        .select(&sel("nav.kind-filter"))
        .next()
        .and_then(|n| n.attr("aria-labelledby"))
        .expect("the filter is labelled")
        .to_string();
    assert_eq!(
        texts_of_id(&nav, &label_id),
        theme_string("fr", "filter_by_kind")
    );
}

fn texts_of_id(html: &Html, id: &str) -> String {
    html.select(&sel(&format!("#{id}")))
        .next()
        .map(text_of)
        .unwrap_or_default()
}

/// The subscribe page's lists: `(list link, words, feed links)`.
fn explained(html: &Html) -> Vec<(String, String, Vec<String>)> {
    html.select(&sel(".feed-explained > li"))
        .map(|li| {
            let link = li
                .select(&sel("h3 a"))
                .next()
                .and_then(|a| a.attr("href"))
                .unwrap_or("")
                .to_string();
            let words = li
                .select(&sel(".feed-about"))
                .next()
                .map(text_of)
                .unwrap_or_default();
            let feeds = li
                .select(&sel(".feed-formats a"))
                .filter_map(|a| a.attr("href").map(str::to_string))
                .collect();
            (link, words, feeds)
        })
        .collect()
}

#[test]
fn each_language_has_a_subscribe_page_that_says_in_words_what_each_feed_brings() {
    let site = newsroom("");
    site.build_ok();
    for (lang, prefix) in [("en", ""), ("fr", "/fr")] {
        let page = site.html(&format!("{prefix}/subscribe/"));
        assert_eq!(html_lang(&page).as_deref(), Some(lang));
        assert_eq!(h1s(&page), [theme_string(lang, "subscribe_title")]);
        let lists = explained(&page);
        let words: Vec<(&str, &str)> = lists
            .iter()
            .map(|(l, w, _)| (l.as_str(), w.as_str()))
            .collect();
        let want = [
            (format!("{prefix}/"), "subscribe_about_all"),
            (format!("{prefix}/press/"), "subscribe_about_release"),
            (format!("{prefix}/statements/"), "subscribe_about_statement"),
            (format!("{prefix}/blog/"), "subscribe_about_post"),
            (format!("{prefix}/facts/"), "subscribe_about_factsheet"),
            (
                format!("{prefix}/corrections/"),
                "subscribe_about_corrections",
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(l, k)| (l.clone(), theme_string(lang, k)))
            .collect();
        let want: Vec<(&str, &str)> = want.iter().map(|(l, w)| (l.as_str(), w.as_str())).collect();
        assert_eq!(words, want, "{lang}: each list in words");
        // The format links come second, and are the list's three feeds.
        for (list, _, feeds) in &lists {
            assert_eq!(
                feeds,
                &[
                    format!("{list}atom.xml"),
                    format!("{list}rss.xml"),
                    format!("{list}feed.json")
                ],
                "{lang}: feeds of {list}"
            );
        }
        // No form unless [subscribe] sets one.
        assert!(
            page.select(&sel("form")).next().is_none(),
            "{lang}: no form"
        );
        // The subscribe menu of the home page and the footer link to the page.
        let home = site.html(&format!("{prefix}/"));
        let target = format!("{prefix}/subscribe/");
        assert!(
            attrs(&home, ".subscribe-menu a", "href").contains(&target),
            "{lang}: the subscribe menu links to {target}"
        );
        assert!(
            attrs(&home, ".site-footer a", "href").contains(&target),
            "{lang}: the footer links to {target}"
        );
    }
    // Each page names the other language's as its translation.
    let en = site.html("/subscribe/");
    assert!(
        attrs(&en, "link[rel=alternate][hreflang=fr]", "href")
            .contains(&format!("{BASE_URL}/fr/subscribe/"))
    );
}

#[test]
fn a_page_written_at_subscribe_keeps_its_path() {
    let site = newsroom("");
    site.file(
        "content/subscribe.md",
        "+++\ntitle = \"Our own subscribe page\"\nkind = \"page\"\n+++\n\nWrite to us.\n",
    );
    site.build_ok();
    assert_eq!(h1s(&site.html("/subscribe/")), ["Our own subscribe page"]);
    assert_eq!(
        h1s(&site.html("/fr/subscribe/")),
        [theme_string("fr", "subscribe_title")]
    );
}

const SIGNUP: &str = "subscribe_privacy = \"Nous n’utilisons votre adresse que pour nos actualités.\"\n\
    [subscribe]\n\
    email_action = \"https://lists.example.net/subscribe/post?u=7&id=9\"\n\
    email_field = \"EMAIL\"\n\
    hidden = { list = \"press\" }\n\
    privacy = \"We use your address only to send our news. [Privacy policy](https://example.com/privacy/)\"\n";

#[test]
fn the_email_signup_is_a_plain_form_posted_to_the_provider_with_a_privacy_note() {
    let site = newsroom(SIGNUP);
    site.build_ok();
    for (lang, prefix, note) in [
        (
            "en",
            "",
            "We use your address only to send our news. Privacy policy",
        ),
        (
            "fr",
            "/fr",
            "Nous n’utilisons votre adresse que pour nos actualités.",
        ),
    ] {
        let page = site.html(&format!("{prefix}/subscribe/"));
        let forms: Vec<_> = page.select(&sel(".email-signup form")).collect();
        assert_eq!(forms.len(), 1, "{lang}: one form");
        let form = forms[0];
        assert_eq!(form.attr("method"), Some("post"));
        assert_eq!(
            form.attr("action"),
            Some("https://lists.example.net/subscribe/post?u=7&id=9")
        );
        let email: Vec<_> = form.select(&sel("input[type=email]")).collect();
        assert_eq!(email.len(), 1);
        assert_eq!(email[0].attr("name"), Some("EMAIL"));
        assert!(email[0].attr("required").is_some());
        // Its label names it.
        let id = email[0].attr("id").expect("an id");
        assert_eq!(
            attrs(&page, &format!("label[for={id}]"), "for"),
            [id.to_string()]
        );
        let hidden: Vec<(Option<&str>, Option<&str>)> = form
            .select(&sel("input[type=hidden]"))
            .map(|i| (i.attr("name"), i.attr("value")))
            .collect();
        assert_eq!(hidden, [(Some("list"), Some("press"))]);
        assert_eq!(
            texts(&page, ".privacy-note"),
            [note],
            "{lang}: privacy note"
        );
        // No script from the provider, nor from anywhere else.
        assert!(
            page.select(&sel("script[src]")).next().is_none(),
            "{lang}: the subscribe page loads no script"
        );
    }
}

#[test]
fn an_email_form_that_would_post_in_clear_text_stops_at_config_load() {
    let site = newsroom(
        "[subscribe]\nemail_action = \"http://lists.example.net/post\"\nprivacy = \"P.\"\n",
    );
    let run = site.build();
    run.assert_code(2);
    assert!(
        run.stderr.contains("site.toml:6:1: error:")
            && run.stderr.contains("https")
            && run.stderr.contains("help:"),
        "{}",
        run.stderr
    );
}

/// The share block of an item page.
fn share_links(html: &Html) -> Vec<String> {
    attrs(html, ".share .share-links a", "href")
}

#[test]
fn items_offer_share_links_copy_and_print_without_javascript_or_third_party_requests() {
    let site = newsroom("");
    site.file(
        "content/press/draft.md",
        &item(
            "Secret draft",
            "2026-11-21T09:00:00Z",
            "draft = true\n",
            "Hush.",
        ),
    );
    site.build_ok();
    let page = site.html("/press/first/");
    let permalink = format!("{BASE_URL}/press/first/");
    // Every byte but letters and digits encoded, as Tera's `urlencode_strict` does.
    let enc = "https%3A%2F%2Fexample%2Ecom%2Fpress%2Ffirst%2F";
    let title = "First%20release%20%26%20co";
    assert_eq!(
        share_links(&page),
        [
            format!("mailto:?subject={title}&body={enc}"),
            format!("https://www.linkedin.com/sharing/share-offsite/?url={enc}"),
            format!("https://x.com/intent/post?text={title}&url={enc}"),
            format!("https://bsky.app/intent/compose?text={title}%20{enc}"),
        ]
    );
    // The permalink to copy by hand, labelled.
    let field = page
        .select(&sel(".share input#share-permalink"))
        .next()
        .expect("a permalink field");
    assert_eq!(field.attr("value"), Some(permalink.as_str()));
    assert!(field.attr("readonly").is_some());
    assert_eq!(attrs(&page, "label[for=share-permalink]", "for").len(), 1);
    // Copy and print need a script: hidden until it runs; a <noscript> hint stands in for print.
    for button in [".share button.copy-link", ".share button.print-page"] {
        let b = page.select(&sel(button)).next().expect(button);
        assert!(
            b.attr("hidden").is_some(),
            "{button} is hidden without a script"
        );
    }
    assert!(page.select(&sel(".share noscript")).next().is_some());
    // Nothing is loaded from another site: every script, stylesheet, image and frame is local.
    for (selector, attr) in [
        ("script[src]", "src"),
        ("link[rel=stylesheet]", "href"),
        ("img", "src"),
        ("iframe", "src"),
    ] {
        for url in attrs(&page, selector, attr) {
            assert!(url.starts_with('/'), "{selector} loads {url}");
        }
    }
    assert!(
        attrs(&page, "script[src]", "src").contains(&"/share.js".to_string()),
        "the copy/print script is the site's own"
    );
    assert!(site.out().join("share.js").is_file());

    // The French page shares in French.
    let fr = site.html("/fr/press/first/");
    assert_eq!(texts(&fr, ".share h2"), [theme_string("fr", "share")]);

    // A preview of a draft offers no share links.
    let preview = tempfile::tempdir().expect("temp dir");
    let out = preview.path().join("out");
    site.build_args(&["--drafts", "--output", out.to_str().unwrap()])
        .assert_ok();
    let draft = read_html(&out, "/press/draft/");
    assert!(draft.select(&sel(".share")).next().is_none());
    assert!(
        read_html(&out, "/press/first/")
            .select(&sel(".share"))
            .next()
            .is_some()
    );
}

#[test]
fn the_print_stylesheet_hides_navigation_search_share_and_subscribe() {
    let site = newsroom("");
    site.build_ok();
    let page = site.html("/press/first/");
    let print = attrs(&page, "link[rel=stylesheet][media=print]", "href");
    assert_eq!(print, ["/print.css"]);
    let css = std::fs::read_to_string(site.out().join("print.css")).expect("print.css");
    // Every selector of a rule whose declarations hide it.
    let hidden: Vec<String> = css
        .split('}')
        .filter_map(|rule| rule.split_once('{'))
        .filter(|(_, body)| body.contains("display: none"))
        .flat_map(|(selectors, _)| {
            let selectors = selectors.rsplit("*/").next().unwrap_or(selectors);
            selectors
                .split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    for class in [
        ".site-nav",
        ".lang-switch",
        ".search-form",
        ".share",
        ".subscribe-menu",
        ".kind-filter",
        ".email-signup",
    ] {
        assert!(
            hidden.iter().any(|s| s == class),
            "print.css does not hide {class}: {hidden:?}"
        );
        // …and the page has it (or the class would hide nothing).
        let on_page = ["/press/first/", "/", "/subscribe/", "/search/"]
            .iter()
            .any(|p| site.html(p).select(&sel(class)).next().is_some());
        assert!(on_page || class == ".email-signup", "no page has {class}");
    }
}

/// `(href, text, aria-current, class)` of each link of the header's navigation.
fn main_nav(html: &Html) -> Vec<(String, String, Option<String>, Option<String>)> {
    html.select(&sel(".site-nav a"))
        .map(|a| {
            let attr = |name| a.value().attr(name).map(str::to_string);
            let text = a.text().collect::<String>();
            (
                attr("href").unwrap_or_default(),
                text,
                attr("aria-current"),
                attr("class"),
            )
        })
        .collect()
}

#[test]
fn the_header_links_the_sections_the_language_has_and_marks_where_the_reader_is() {
    let site = newsroom("");
    // No fact sheets in either language.
    for file in ["_index.md", "_index.fr.md", "first.md", "first.fr.md"] {
        site.remove(&format!("content/facts/{file}"));
    }
    site.build_ok();
    let link = |href: &str, lang: &str, key: &str, current: Option<&str>, class: Option<&str>| {
        (
            href.to_string(),
            theme_string(lang, key),
            current.map(str::to_string),
            class.map(str::to_string),
        )
    };
    assert_eq!(
        main_nav(&site.html("/press/first/")),
        [
            link("/press/", "en", "press_releases", None, Some("active")),
            link("/statements/", "en", "statements", None, None),
            link("/blog/", "en", "blog", None, None),
            link("/corrections/", "en", "corrections", None, None),
            link("/search/", "en", "search", None, None),
        ]
    );
    assert_eq!(
        main_nav(&site.html("/fr/blog/")),
        [
            link("/fr/press/", "fr", "press_releases", None, None),
            link("/fr/statements/", "fr", "statements", None, None),
            link("/fr/blog/", "fr", "blog", Some("page"), None),
            link("/fr/corrections/", "fr", "corrections", None, None),
            link("/fr/search/", "fr", "search", None, None),
        ]
    );
}

/// English, French and Korean with people written in them: an author and three contacts
/// (one local to French, one global desk written in French and Korean), a timed correction in Stockholm's zone, releases in 2025 and 2026.
fn people_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Newsroom\"\nbase_url = \"{BASE_URL}\"\ntimezone = \"Europe/Stockholm\"\n\
             [languages.fr]\ntitle = \"Salle de presse\"\n[languages.ko]\n"
        ),
    )
    .file("content/_index.fr.md", "+++\ntitle = \"Salle de presse\"\n+++\n")
    .file("content/_index.ko.md", "+++\ntitle = \"뉴스룸\"\n+++\n")
    .file(
        "data/authors.toml",
        "[ann]\nname = \"Ann Author\"\nrole = \"Head of Communications\"\n\
         [ann.languages.fr]\nname = \"Anne Auteur\"\nrole = \"Directrice de la communication\"\n",
    )
    .file(
        "data/contacts.toml",
        "[global]\nname = \"Global Press Office\"\nemail = \"press@example.com\"\nphone = \"+46 8 555 010 00\"\n\
         [global.languages.fr]\nname = \"Service de presse international\"\n\
         [global.languages.ko]\nname = \"글로벌 홍보팀\"\n\
         [ir]\nname = \"Investor Relations\"\nemail = \"ir@example.com\"\n\
         [paris]\nname = \"Paris Press Office\"\nemail = \"presse@example.com\"\n\
         [paris.languages.fr]\nname = \"Service de presse de Paris\"\nrole = \"Paris\"\n",
    )
    .file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/_index.fr.md",
        "+++\ntitle = \"Communiqués\"\nkind = \"release\"\n+++\n",
    );
    let front = "authors = [\"ann\"]\ncontacts = [\"global\"]\n\
                 [[corrections]]\ndate = 2026-10-13T09:12:00+02:00\nkind = \"correction\"\nnote = \"The figure was 12 MW.\"\n";
    for lang in ["", ".fr"] {
        site.file(
            &format!("content/press/launch{lang}.md"),
            &item("Launch", "2026-10-12T07:30:00+02:00", front, "The text."),
        )
        .file(
            &format!("content/press/old{lang}.md"),
            &item("Old", "2025-03-01T10:00:00+01:00", "", "Older."),
        );
    }
    site
}

fn jsonld(html: &Html) -> serde_json::Value {
    let text = html
        .select(&sel(r#"script[type="application/ld+json"]"#))
        .next()
        .map(|s| s.text().collect::<String>())
        .expect("JSON-LD");
    serde_json::from_str(&text).expect("JSON-LD parses")
}

#[test]
fn json_ld_and_feeds_name_people_as_the_page_language_writes_them() {
    let site = people_site();
    site.build_ok();
    for (prefix, author, role, contact) in [
        (
            "",
            "Ann Author",
            "Head of Communications",
            "Global Press Office",
        ),
        (
            "/fr",
            "Anne Auteur",
            "Directrice de la communication",
            "Service de presse international",
        ),
    ] {
        let ld = jsonld(&site.html(&format!("{prefix}/press/launch/")));
        assert_eq!(ld["author"][0]["name"], author, "{prefix}: {ld}");
        assert_eq!(ld["author"][0]["jobTitle"], role, "{prefix}");
        let point = &ld["publisher"]["contactPoint"][0];
        assert_eq!(point["@type"], "ContactPoint");
        assert_eq!(point["name"], contact, "{prefix}: {ld}");
        assert_eq!(point["email"], "press@example.com");
        assert_eq!(point["telephone"], "+46 8 555 010 00");
        assert_eq!(point["contactType"], "media relations");

        let out = site.out();
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!(".{prefix}/press/feed.json"))).unwrap(),
        )
        .unwrap();
        let launch = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["url"].as_str().unwrap().ends_with("/press/launch/"))
            .expect("the launch in the feed");
        assert_eq!(launch["authors"][0]["name"], author, "{prefix}: JSON Feed");
        let atom = std::fs::read_to_string(out.join(format!(".{prefix}/press/atom.xml"))).unwrap();
        let doc = roxmltree::Document::parse(&atom).unwrap();
        let names: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("author"))
            .filter_map(|a| a.children().find(|c| c.has_tag_name("name")))
            .filter_map(|n| n.text())
            .collect();
        assert!(names.contains(&author), "{prefix}: Atom authors {names:?}");
    }
    // A release without contacts has no contact point.
    let old = jsonld(&site.html("/press/old/"));
    assert!(old["publisher"].get("contactPoint").is_none(), "{old}");
}

#[test]
fn a_correction_reads_the_same_in_the_corrections_feed_as_on_the_page() {
    let site = people_site();
    site.build_ok();
    for (lang, prefix) in [("en", ""), ("fr", "/fr")] {
        let page = site.html(&format!("{prefix}/press/launch/"));
        let label = texts(&page, ".notice-correction .notice-label");
        assert_eq!(label.len(), 1, "{lang}: {label:?}");
        let shown = texts(&page, ".notice-correction .notice-label time");
        assert!(
            shown[0].contains("09:12") && shown[0].contains("CEST"),
            "{lang}: the page shows {shown:?}"
        );
        // The /corrections/ list says the same.
        let list = site.html(&format!("{prefix}/corrections/"));
        assert!(
            texts(&list, ".notice-label time").contains(&shown[0]),
            "{lang}: /corrections/ shows {:?}",
            texts(&list, ".notice-label time")
        );
        let feed: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(site.out().join(format!(".{prefix}/corrections/feed.json")))
                .unwrap(),
        )
        .unwrap();
        let entry = &feed["items"][0];
        let html = Html::parse_fragment(entry["content_html"].as_str().unwrap());
        assert_eq!(texts(&html, "time"), shown, "{lang}: the feed's date");
        let word = theme_string(lang, "correction");
        assert_eq!(
            texts(&html, "strong"),
            std::slice::from_ref(&word),
            "{lang}: the feed's label"
        );
        assert_eq!(
            entry["title"].as_str().unwrap(),
            format!("{word}: Launch"),
            "{lang}: the feed entry's title"
        );
        assert!(
            entry["content_html"].as_str().unwrap().contains("12 MW"),
            "{lang}: the note follows"
        );
    }
}

#[test]
fn year_archives_are_in_the_sitemap() {
    let site = people_site();
    site.build_ok();
    let xml = std::fs::read_to_string(site.out().join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for archive in [
        "/press/2026/",
        "/press/2025/",
        "/fr/press/2026/",
        "/fr/press/2025/",
    ] {
        let url = format!("{BASE_URL}{archive}");
        assert!(locs.contains(&url.as_str()), "{url} missing from {locs:?}");
        assert!(site.out().join(&archive[1..]).join("index.html").is_file());
    }
    assert!(!locs.iter().any(|l| l.contains("/page/")), "{locs:?}");
}

#[test]
fn the_home_contacts_panel_puts_the_contacts_written_for_the_language_first() {
    let site = people_site();
    site.build_ok();
    let names = |page: &str| texts(&site.html(page), "main .contacts .contact-name");
    // English: nobody is written for it; file order.
    assert_eq!(
        names("/"),
        [
            "Global Press Office",
            "Investor Relations",
            "Paris Press Office"
        ]
    );
    // French: the Paris office (French only) first, then the global desk (written in two
    // languages), then the rest in file order.
    assert_eq!(
        names("/fr/"),
        [
            "Service de presse de Paris",
            "Service de presse international",
            "Investor Relations"
        ]
    );
}
