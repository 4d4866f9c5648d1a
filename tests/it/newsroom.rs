//! The newsroom content model, end to end: sources and citations, fact sheets, releases and
//! statements, corrections, updates and withdrawals, `/corrections/`, modified times, embargoes
//! and standby items. Every assertion reads the output parsed (HTML, XML, JSON); text is only
//! searched to prove that something is absent from every file.

use crate::common;

use common::*;
use scraper::{ElementRef, Html};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn set(urls: &[&str]) -> BTreeSet<String> {
    urls.iter().map(|s| s.to_string()).collect()
}

/// The first match of `selector`, or a panic naming it.
fn first<'a>(html: &'a Html, selector: &str) -> ElementRef<'a> {
    html.select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no element matches `{selector}`"))
}

/// Whether some element has `id`.
fn has_id(html: &Html, id: &str) -> bool {
    html.select(&sel(&format!("[id=\"{id}\"]")))
        .next()
        .is_some()
}

/// The element with `id` (exactly one), or a panic.
fn by_id<'a>(html: &'a Html, id: &str) -> ElementRef<'a> {
    let found: Vec<_> = html.select(&sel(&format!("[id=\"{id}\"]"))).collect();
    assert_eq!(found.len(), 1, "elements with id `{id}`");
    found[0]
}

/// Position of an element in document order (pre-order walk from the root).
fn doc_pos(html: &Html, el: ElementRef<'_>) -> usize {
    html.tree
        .root()
        .descendants()
        .position(|n| n.id() == el.id())
        .expect("the element is in the document")
}

/// Position of the first match of `selector` in document order.
fn pos_of(html: &Html, selector: &str) -> usize {
    doc_pos(html, first(html, selector))
}

fn attr(el: ElementRef<'_>, name: &str) -> String {
    el.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> has no `{name}`", el.value().name()))
        .to_string()
}

/// Parses an RFC 3339 time with any offset.
fn ts(s: &str) -> jiff::Timestamp {
    s.parse()
        .unwrap_or_else(|e| panic!("`{s}` is not an RFC 3339 time: {e}"))
}

/// The instants of the `<time datetime>` elements under `selector`, in document order.
fn times(html: &Html, selector: &str) -> Vec<jiff::Timestamp> {
    attrs(html, &format!("{selector} time[datetime]"), "datetime")
        .iter()
        .map(|d| ts(d))
        .collect()
}

fn is_newest_first(list: &[jiff::Timestamp]) -> bool {
    list.windows(2).all(|w| w[0] >= w[1])
}

/// `/x/` → `https://example.com/x/`.
fn permalink(url: &str) -> String {
    format!("{BASE_URL}{url}")
}

/// Every `<url>` of `sitemap.xml`: loc → lastmod.
fn sitemap(out: &Path) -> BTreeMap<String, Option<String>> {
    let text = std::fs::read_to_string(out.join("sitemap.xml")).expect("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap.xml parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            let child = |name: &str| {
                u.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            (child("loc").expect("a <loc>"), child("lastmod"))
        })
        .collect()
}

/// The items of a JSON feed (`rel` like `feed.json` or `press/feed.json`).
fn json_feed_items(out: &Path, rel: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    v["items"].as_array().cloned().unwrap_or_default()
}

/// The JSON feed item whose `url` is the permalink of `url`.
fn json_feed_item(out: &Path, rel: &str, url: &str) -> Option<Value> {
    json_feed_items(out, rel)
        .into_iter()
        .find(|i| i["url"] == permalink(url).as_str())
}

/// The titles of the entries of an Atom feed.
fn atom_titles(out: &Path, rel: &str) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let doc = roxmltree::Document::parse(&text).expect("atom parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| {
            e.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .map(str::to_string)
        })
        .collect()
}

/// The titles of the items of an RSS feed.
fn rss_titles(out: &Path, rel: &str) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let doc = roxmltree::Document::parse(&text).expect("rss parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|e| {
            e.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .map(str::to_string)
        })
        .collect()
}

/// `/tags/`-style list: term name → (url, count).
fn term_counts(html: &Html) -> BTreeMap<String, (String, usize)> {
    html.select(&sel("main li"))
        .filter_map(|li| {
            let a = li.select(&sel("a[href]")).next()?;
            let count = li.select(&sel(".count")).next()?;
            Some((
                text_of(a),
                (
                    attr(a, "href"),
                    text_of(count).parse().expect("a numeric count"),
                ),
            ))
        })
        .collect()
}

/// `/sources/`: source title → how many items cite it (0 when no count is shown).
fn source_counts(html: &Html) -> BTreeMap<String, usize> {
    html.select(&sel("main .source-index > li"))
        .map(|li| {
            let title = text_of(li.select(&sel("h2 a")).next().expect("a title link"));
            let count = li
                .select(&sel(".cited-count"))
                .next()
                .map(|c| {
                    let t = text_of(c);
                    let n = t.rsplit([':', ' ']).next().unwrap_or_default();
                    n.parse().unwrap_or_else(|e| panic!("count `{t}`: {e}"))
                })
                .unwrap_or(0);
            (title, count)
        })
        .collect()
}

/// 1-based (line, column in characters) of the first `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

// ---------------------------------------------------------------------------------------------
// The newsroom fixture: a statement with sources, corrections and updates, releases (one
// withdrawn), a fact sheet.
// ---------------------------------------------------------------------------------------------

const SITE_BOILERPLATE: &str = "Acme Corp makes **anvils** for the world.";

const STATEMENT: &str = r#"+++
title = "Fire at the Riverside plant"
date = 2026-11-10T09:00:00Z
authors = ["ann"]
contacts = ["press-desk"]

[[sources]]
id = "fire-report"
title = "Fire brigade report"
url = "https://example.org/fire-report"
publisher = "Riverside Fire Brigade"

[[sources]]
id = "memo"
title = "Internal safety memo"

[[corrections]]
date = 2026-11-11T08:00:00Z
kind = "clarification"
note = "The plant is in *Riverside*, not Riverdale."

[[corrections]]
date = 2026-11-13T10:00:00Z
kind = "correction"
note = "Two people were treated, not three."

[[corrections]]
date = 2026-11-12T09:00:00Z
kind = "editorial"
note = "Fixed a typo (xyzzy-editorial-note)."

[[updates]]
date = 2026-11-10T12:00:00Z
body = "The fire is **under control**."

[[updates]]
date = 2026-11-14T07:45:00Z
body = "The plant [reopens](https://example.org/reopen) on Monday."

[[updates]]
date = 2026-11-12T15:30:00Z
body = "Investigators are *on site*."
+++

A fire broke out at 07:10[^memo]. The fire brigade responded within minutes[^fire-report].

According to the memo[^memo], about 4,200 people[^census] work at the plant.

A side remark.[^n]

[^n]: An ordinary footnote, not a source.
"#;

const STATEMENT_URL: &str = "/statements/plant-fire/";
/// The statement's latest notice (its last update).
const STATEMENT_MODIFIED: &str = "2026-11-14T07:45:00Z";

const WITHDRAWN: &str = r#"+++
title = "Record quarter for anvils"
date = 2026-11-05T08:00:00Z
dateline = "Stockholm"
tags = ["results", "recalled-only"]
authors = ["ann"]

[withdrawn]
date = 2026-11-15T12:00:00Z
reason = "The figures were *preliminary* and have been restated."
+++

Revenue rose sharply.
"#;

const WITHDRAWN_URL: &str = "/press/record-quarter/";
const WITHDRAWN_AT: &str = "2026-11-15T12:00:00Z";

fn newsroom_site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Acme Newsroom\"\nbase_url = \"{BASE_URL}\"\nboilerplate = {SITE_BOILERPLATE:?}\n\n[extra]\ncompany = \"Acme Corp\"\n"
        ),
    )
    .file(
        "data/contacts.toml",
        "[press-desk]\nname = \"Dana Scully\"\nrole = \"Head of Media Relations\"\nemail = \"press@acme.example\"\nphone = \"+1 555 0100\"\n",
    )
    .file(
        "data/authors.toml",
        "[ann]\nname = \"Ann Example\"\nrole = \"Chief Executive\"\n",
    )
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"census\"\ntitle = \"Workforce census 2026\"\nurl = \"https://example.org/census\"\npublisher = \"Acme HR\"\n\n[[sources]]\nid = \"never-cited-anywhere\"\ntitle = \"An uncited site source\"\n",
    )
    .file(
        "content/press/_index.md",
        "+++\ntitle = \"Press releases\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/statements/_index.md",
        "+++\ntitle = \"Statements\"\nkind = \"statement\"\n+++\n",
    )
    .file(
        "content/facts/_index.md",
        "+++\ntitle = \"Fact sheets\"\nkind = \"factsheet\"\n+++\n",
    )
    .file("content/statements/2026-11-10-plant-fire.md", STATEMENT)
    .file("content/press/2026-11-05-record-quarter.md", WITHDRAWN)
    .file(
        "content/press/2026-11-18-new-anvil.md",
        "+++\ntitle = \"Acme unveils the Anvil 3000\"\ndate = 2026-11-18T10:00:00+01:00\ndateline = \"san diego\"\ncontacts = [\"press-desk\"]\ntags = [\"results\"]\nauthors = [\"ann\"]\n+++\n\nAcme today unveiled its heaviest anvil yet[^census].\n\nA second paragraph.\n",
    )
    .file(
        "content/press/2026-11-19-partner.md",
        "+++\ntitle = \"Acme partners with Roadrunner Ltd\"\ndate = 2026-11-19T10:00:00Z\ndateline = \"Lyon\"\nboilerplate = \"Roadrunner Ltd is a partner (override-marker).\"\n+++\n\nA partnership.\n",
    )
    .file(
        "content/facts/company.md",
        "+++\ntitle = \"Company facts\"\n\n[facts]\n\"Founded\" = \"1949\"\n\"Employees\" = \"4,200[^census]\"\n\"Headquarters\" = \"Stockholm, Sweden\"\n\"Anvils sold\" = \"12 million[^sales]\"\n\n[[sources]]\nid = \"sales\"\ntitle = \"Sales ledger 2025\"\n+++\n\nSome facts about Acme.\n",
    );
    site
}

// ---------------------------------------------------------------------------------------------
// Sources and citations
// ---------------------------------------------------------------------------------------------

#[test]
fn citations_link_to_source_anchors_and_back() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html(STATEMENT_URL);

    let cites: Vec<ElementRef<'_>> = html.select(&sel(".content sup.citation a")).collect();
    assert_eq!(cites.len(), 4, "four citations in the body");
    for a in &cites {
        let href = attr(*a, "href");
        let target = href
            .strip_prefix("#source-")
            .unwrap_or_else(|| panic!("a citation links to `{href}`"));
        let li = by_id(&html, &format!("source-{target}"));
        assert!(
            html.select(&sel(&format!("ol.sources > li[id=\"source-{target}\"]")))
                .next()
                .is_some(),
            "#source-{target} is an entry of the source list"
        );
        // Round trip: the source's back-links include this citation's anchor, which exists.
        let id = attr(*a, "id");
        assert!(
            id.starts_with(&format!("cite-{target}-")),
            "citation anchor `{id}`"
        );
        let backs: Vec<String> = li
            .select(&sel("a.backref"))
            .map(|b| attr(b, "href"))
            .collect();
        assert!(
            backs.contains(&format!("#{id}")),
            "#source-{target} links back to #{id}: {backs:?}"
        );
    }
    // Every back-link lands on a citation that points at its source.
    for li in html.select(&sel("ol.sources > li")) {
        let source_anchor = attr(li, "id");
        for back in li.select(&sel("a.backref")) {
            let href = attr(back, "href");
            let cite = by_id(&html, href.trim_start_matches('#'));
            assert_eq!(cite.value().name(), "a");
            assert_eq!(attr(cite, "href"), format!("#{source_anchor}"), "{href}");
        }
    }
    // Numbered by first citation: memo, fire-report, census; memo is cited twice.
    let order: Vec<String> = attrs(&html, "ol.sources > li", "id");
    assert_eq!(
        order,
        ["source-memo", "source-fire-report", "source-census"],
        "source list in order of first citation"
    );
    assert_eq!(attrs(&html, "ol.sources > li", "value"), ["1", "2", "3"]);
    assert_eq!(
        texts(&html, ".content sup.citation a"),
        ["[1]", "[2]", "[1]", "[3]"]
    );
    assert_eq!(
        attrs(&html, ".content sup.citation a", "id"),
        [
            "cite-memo-1",
            "cite-fire-report-1",
            "cite-memo-2",
            "cite-census-1"
        ]
    );
    assert_eq!(
        attrs(&html, "[id=\"source-memo\"] a.backref", "href"),
        ["#cite-memo-1", "#cite-memo-2"]
    );
    // A page source has no page of its own; a site-wide one links to it.
    assert!(
        attrs(&html, "[id=\"source-memo\"] a.source-page", "href").is_empty(),
        "page sources have no /sources/ page"
    );
    assert_eq!(
        attrs(&html, "[id=\"source-census\"] a.source-page", "href"),
        ["/sources/census/"]
    );
    assert!(!b.exists("/sources/memo/"));
}

#[test]
fn ordinary_footnotes_still_render_as_footnotes() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html(STATEMENT_URL);
    let refs = attrs(&html, ".content sup.footnote-reference a", "href");
    assert_eq!(refs.len(), 1, "one footnote reference");
    let target = refs[0].trim_start_matches('#');
    let def = by_id(&html, target);
    assert!(
        text_of(def).contains("An ordinary footnote, not a source."),
        "{}",
        text_of(def)
    );
    assert!(
        def.value().classes().any(|c| c == "footnote-definition"),
        "the definition is a footnote definition"
    );
    // It is neither a citation nor a source, and no raw `[^n]` is left.
    assert!(!has_id(&html, "source-n"));
    assert!(
        !text_of(first(&html, ".content")).contains("[^"),
        "a raw label is left in the text"
    );
    assert!(b.diagnostics().is_empty(), "no diagnostics: {}", b.stderr);
}

#[test]
fn site_wide_sources_have_pages_listing_the_items_that_cite_them() {
    let site = newsroom_site();
    let b = site.build_ok();
    let items = set(&[
        STATEMENT_URL,
        WITHDRAWN_URL,
        "/press/new-anvil/",
        "/press/partner/",
        "/facts/company/",
    ]);
    assert_item_page(&b, "/sources/census/", "Workforce census 2026");
    let page = b.html("/sources/census/");
    let citing: BTreeSet<String> = item_links(&page, &items).into_iter().collect();
    assert_eq!(
        citing,
        set(&["/press/new-anvil/", STATEMENT_URL, "/facts/company/"]),
        "/sources/census/ lists every item citing it"
    );
    assert!(
        main_links(&page).contains(&"https://example.org/census".to_string()),
        "the source page links to the source"
    );
    // The index lists the site-wide sources, each linking to its page.
    let index = b.html("/sources/");
    assert_eq!(
        source_counts(&index).get("Workforce census 2026"),
        Some(&3),
        "cited by three items"
    );
    let links = main_links(&index);
    assert!(links.contains(&"/sources/census/".to_string()), "{links:?}");
    assert!(
        texts(&index, "main h2").contains(&"Workforce census 2026".to_string()),
        "{:?}",
        texts(&index, "main h2")
    );
}

#[test]
fn an_unknown_source_id_fails_at_the_citations_line_and_column() {
    for (name, front_open, front_close, front) in [
        (
            "toml",
            "+++",
            "+++",
            "title = \"Bad citations\"\ndate = 2026-11-18\nkind = \"statement\"\n",
        ),
        (
            "yaml",
            "---",
            "---",
            "title: Bad citations\ndate: 2026-11-18\nkind: statement\n",
        ),
    ] {
        let site = SiteTest::new();
        let text = format!(
            "{front_open}\n{front}{front_close}\n\nFirst paragraph.\n\nThis claim cites a missing source here[^nope] and more.\n\n- a list item with another[^also-missing]\n"
        );
        let rel = "content/statements/bad.md";
        site.file(rel, &text);
        let b = site.build();
        b.assert_code(1);
        let errs = b.errors_in(rel);
        let expected_nope = line_col(&text, "[^nope]");
        let expected_also = line_col(&text, "[^also-missing]");
        assert_eq!(expected_nope, (9, 39), "{name}: the fixture itself");
        let find = |label: &str| {
            errs.iter()
                .find(|e| e.message.contains(label))
                .unwrap_or_else(|| panic!("{name}: no error about `{label}`:\n{}", b.stderr))
                .clone()
        };
        let nope = find("nope");
        assert_eq!((nope.line, nope.col), expected_nope, "{name}: {}", b.stderr);
        let also = find("also-missing");
        assert_eq!((also.line, also.col), expected_also, "{name}: {}", b.stderr);
        assert!(
            !site.out().exists(),
            "{name}: a failed first build writes nothing"
        );
    }
}

#[test]
fn an_uncited_page_source_is_a_warning() {
    let site = SiteTest::new();
    let rel = "content/statements/quiet.md";
    site.file(
        rel,
        "+++\ntitle = \"Quiet\"\ndate = 2026-11-18\nkind = \"statement\"\n\n[[sources]]\nid = \"cited-one\"\ntitle = \"Cited\"\n\n[[sources]]\nid = \"lonely-source\"\ntitle = \"Never cited\"\n+++\n\nA claim[^cited-one].\n",
    );
    let b = site.build();
    b.assert_ok();
    let warnings: Vec<HumanDiag> = b
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "warning")
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.path == rel && w.message.contains("lonely-source")),
        "a warning names the uncited source: {}",
        b.stderr
    );
    assert!(
        !warnings.iter().any(|w| w.message.contains("cited-one")),
        "the cited source is not warned about: {}",
        b.stderr
    );
    assert!(b.errors_in(rel).is_empty(), "{}", b.stderr);
    assert!(b.exists("/statements/quiet/"));
}

// ---------------------------------------------------------------------------------------------
// Fact sheets, releases, statements
// ---------------------------------------------------------------------------------------------

#[test]
fn a_fact_sheet_renders_its_facts_in_order_with_cited_values() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html("/facts/company/");
    assert_eq!(
        texts(&html, "table.facts th"),
        ["Founded", "Employees", "Headquarters", "Anvils sold"],
        "facts in front-matter order"
    );
    let values = texts(&html, "table.facts td");
    assert_eq!(values.len(), 4);
    assert_eq!(values[0], "1949");
    assert!(values[1].starts_with("4,200"), "{values:?}");
    assert_eq!(values[2], "Stockholm, Sweden");
    // The cited values link to their sources, which are in the page's list.
    let hrefs = attrs(&html, "table.facts td sup.citation a", "href");
    assert_eq!(hrefs, ["#source-census", "#source-sales"]);
    for h in &hrefs {
        let li = by_id(&html, h.trim_start_matches('#'));
        assert_eq!(li.value().name(), "li");
    }
    let cite_ids = attrs(&html, "table.facts td sup.citation a", "id");
    for id in &cite_ids {
        assert!(
            attrs(&html, "ol.sources a.backref", "href").contains(&format!("#{id}")),
            "the source links back to #{id}"
        );
    }
}

#[test]
fn a_release_has_dateline_contacts_boilerplate_and_end_mark() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html("/press/new-anvil/");

    // Dateline: upper case, inside (at the start of) the first paragraph, with the date.
    let p = first(&html, ".content p");
    let dateline = p
        .select(&sel("span.dateline"))
        .next()
        .expect("the first paragraph carries the dateline");
    let d = text_of(dateline);
    assert!(d.starts_with("SAN DIEGO"), "dateline `{d}`");
    assert!(
        d.contains("18 November 2026"),
        "dateline `{d}` has the date"
    );
    assert!(
        text_of(p).starts_with("SAN DIEGO"),
        "the paragraph opens with the dateline: {}",
        text_of(p)
    );
    assert!(text_of(p).contains("Acme today unveiled"), "{}", text_of(p));
    assert_eq!(
        html.select(&sel(".content span.dateline")).count(),
        1,
        "one dateline"
    );

    // Contacts resolved from data/contacts.toml.
    let contacts = first(&html, "section.contacts");
    assert_eq!(
        texts(&html, "section.contacts .contact-name"),
        ["Dana Scully"]
    );
    assert!(text_of(contacts).contains("Head of Media Relations"));
    assert_eq!(
        attrs(&html, "section.contacts a[href^=\"mailto:\"]", "href"),
        ["mailto:press@acme.example"]
    );
    assert_eq!(
        texts(&html, "section.contacts a[href^=\"mailto:\"]"),
        ["press@acme.example"]
    );
    assert!(text_of(contacts).contains("+1 555 0100"));

    // The boilerplate from site.toml, rendered as Markdown, under "About <company>".
    let boiler = first(&html, "main section.boilerplate");
    assert!(
        text_of(boiler).contains("Acme Corp makes anvils for the world."),
        "{}",
        text_of(boiler)
    );
    assert_eq!(texts(&html, "main section.boilerplate strong"), ["anvils"]);
    assert_eq!(
        texts(&html, "main section.boilerplate h2"),
        ["About Acme Corp"]
    );

    // The end mark after the body, before the boilerplate and contacts.
    assert_eq!(texts(&html, "main .endmark"), ["###"]);
    let end = pos_of(&html, "main .endmark");
    assert!(pos_of(&html, ".content") < end, "end mark after the body");
    assert!(
        end < pos_of(&html, "main section.boilerplate"),
        "end mark before the boilerplate"
    );

    // An item's own boilerplate replaces the site's.
    let partner = b.html("/press/partner/");
    let own = text_of(first(&partner, "main section.boilerplate"));
    assert!(own.contains("override-marker"), "{own}");
    assert!(!own.contains("Acme Corp makes"), "{own}");
    assert_eq!(
        texts(&partner, "main section.boilerplate").len(),
        1,
        "one boilerplate"
    );
}

#[test]
fn a_statement_shows_its_issuer_time_and_sources() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html(STATEMENT_URL);
    let issuers = texts(&html, "main .issuers li");
    assert_eq!(issuers.len(), 1, "{issuers:?}");
    assert!(issuers[0].contains("Ann Example"), "{issuers:?}");
    assert!(issuers[0].contains("Chief Executive"), "{issuers:?}");
    assert_eq!(attrs(&html, "main .issuers a", "href"), ["/authors/ann/"]);
    // The time of issue is exact and carries its zone.
    let published = first(&html, "main .published time");
    assert_eq!(ts(&attr(published, "datetime")), ts("2026-11-10T09:00:00Z"));
    let shown = text_of(published);
    assert!(shown.contains("09:00"), "time shown: {shown}");
    assert!(
        shown.contains("UTC"),
        "the shown time names its zone: {shown}"
    );
    assert_eq!(
        html.select(&sel("main ol.sources > li")).count(),
        3,
        "its sources right after the text"
    );
    assert_eq!(
        texts(&html, "main section.contacts .contact-name"),
        ["Dana Scully"]
    );
}

// ---------------------------------------------------------------------------------------------
// Corrections, updates, withdrawals, modified times
// ---------------------------------------------------------------------------------------------

#[test]
fn corrections_come_before_the_body_newest_first_with_anchors() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html(STATEMENT_URL);
    let notices: Vec<ElementRef<'_>> = html.select(&sel("main .notices .notice")).collect();
    assert_eq!(notices.len(), 2, "a correction and a clarification");
    let kinds: Vec<bool> = notices
        .iter()
        .map(|n| n.value().classes().any(|c| c == "notice-correction"))
        .collect();
    assert_eq!(kinds, [true, false], "the correction (newer) first");
    assert!(
        notices[1]
            .value()
            .classes()
            .any(|c| c == "notice-clarification")
    );
    assert!(text_of(notices[0]).contains("Two people were treated"));
    assert!(text_of(notices[1]).contains("Riverside"));
    assert_eq!(
        notices[1]
            .select(&sel("em"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["Riverside"],
        "a note is Markdown"
    );
    assert!(is_newest_first(&times(&html, "main .notices .notice")));
    assert_eq!(
        times(&html, "main .notices .notice"),
        [ts("2026-11-13T10:00:00Z"), ts("2026-11-11T08:00:00Z")]
    );
    // Each has its own anchor, unique on the page.
    let ids: Vec<String> = notices.iter().map(|n| attr(*n, "id")).collect();
    assert_ne!(ids[0], ids[1]);
    for id in &ids {
        by_id(&html, id);
    }
    // Before the body, in document order.
    let body = pos_of(&html, "main .content");
    for n in &notices {
        assert!(doc_pos(&html, *n) < body, "a notice after the body");
    }
}

#[test]
fn editorial_entries_are_only_in_the_revision_history() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html(STATEMENT_URL);
    let details = first(&html, "main details.revisions");
    assert!(
        text_of(details).contains("xyzzy-editorial-note"),
        "{}",
        text_of(details)
    );
    assert_eq!(
        details.select(&sel("li")).count(),
        3,
        "the history has every notice, editorial included"
    );
    assert!(
        is_newest_first(&times(&html, "main details.revisions li")),
        "history newest first"
    );
    // Nowhere else on the page: exactly one element's own text holds it, inside <details>.
    let holders: Vec<ElementRef<'_>> = html
        .select(&sel("*"))
        .filter(|e| {
            e.children().any(|c| {
                c.value()
                    .as_text()
                    .is_some_and(|t| t.contains("xyzzy-editorial-note"))
            })
        })
        .collect();
    assert_eq!(holders.len(), 1, "the editorial note appears once");
    assert!(
        holders[0]
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().name() == "details"),
        "the editorial note is inside the revision history"
    );
    assert!(
        !text_of(first(&html, "main .notices")).contains("xyzzy"),
        "not among the notices"
    );
    let corrections = b.html("/corrections/");
    assert!(!text_of(first(&corrections, "main")).contains("xyzzy"));
}

#[test]
fn updates_are_a_timeline_newest_first_with_anchors_and_markdown() {
    let site = newsroom_site();
    let b = site.build_ok();
    let html = b.html(STATEMENT_URL);
    let entries: Vec<ElementRef<'_>> = html.select(&sel("main ol.timeline > li")).collect();
    assert_eq!(entries.len(), 3);
    assert_eq!(
        times(&html, "main ol.timeline > li"),
        [
            ts("2026-11-14T07:45:00Z"),
            ts("2026-11-12T15:30:00Z"),
            ts("2026-11-10T12:00:00Z")
        ]
    );
    let ids: BTreeSet<String> = entries.iter().map(|e| attr(*e, "id")).collect();
    assert_eq!(ids.len(), 3, "each update has its own anchor");
    for id in &ids {
        by_id(&html, id);
    }
    // Markdown bodies.
    assert_eq!(
        entries[0]
            .select(&sel("a"))
            .map(|a| attr(a, "href"))
            .collect::<Vec<_>>(),
        ["https://example.org/reopen"]
    );
    assert_eq!(
        entries[1]
            .select(&sel("em"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["on site"]
    );
    assert_eq!(
        entries[2]
            .select(&sel("strong"))
            .map(text_of)
            .collect::<Vec<_>>(),
        ["under control"]
    );
    assert!(
        !text_of(first(&html, "main ol.timeline")).contains("**"),
        "raw Markdown in the timeline"
    );
}

#[test]
fn the_modified_time_is_the_latest_notice() {
    let site = newsroom_site();
    let b = site.build_ok();
    for (url, feed, modified) in [
        (STATEMENT_URL, "statements/feed.json", STATEMENT_MODIFIED),
        (WITHDRAWN_URL, "press/feed.json", WITHDRAWN_AT),
    ] {
        let html = b.html(url);
        assert_eq!(
            times(&html, "main .item-meta .updated"),
            [ts(modified)],
            "page.updated of {url}"
        );
        let meta = attrs(&html, "meta[property=\"article:modified_time\"]", "content");
        assert_eq!(
            meta.iter().map(|m| ts(m)).collect::<Vec<_>>(),
            [ts(modified)]
        );
        for rel in [feed, "feed.json"] {
            let entry =
                json_feed_item(&b.out, rel, url).unwrap_or_else(|| panic!("{url} is not in {rel}"));
            assert_eq!(
                ts(entry["date_modified"].as_str().expect("date_modified")),
                ts(modified),
                "{rel}: {entry}"
            );
        }
        let lastmod = sitemap(&b.out)
            .get(&permalink(url))
            .cloned()
            .unwrap_or_else(|| panic!("{url} not in the sitemap"))
            .expect("a lastmod");
        assert_eq!(ts(&lastmod), ts(modified), "sitemap lastmod of {url}");
    }
}

#[test]
fn the_corrections_page_lists_every_notice_newest_first_with_working_anchors() {
    let site = newsroom_site();
    let b = site.build_ok();
    let page = b.html("/corrections/");
    let entries: Vec<ElementRef<'_>> = page.select(&sel("main .corrections-list > li")).collect();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| {
            let classes: Vec<&str> = e.value().classes().collect();
            ["correction", "clarification", "update", "withdrawal"]
                .into_iter()
                .find(|k| classes.contains(&format!("notice-{k}").as_str()))
                .unwrap_or_else(|| panic!("an entry of no known kind: {classes:?}"))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "withdrawal",
            "update",
            "correction",
            "update",
            "clarification",
            "update"
        ],
        "every notice but the editorial one, newest first"
    );
    assert_eq!(
        times(&page, "main .corrections-list > li"),
        [
            ts(WITHDRAWN_AT),
            ts("2026-11-14T07:45:00Z"),
            ts("2026-11-13T10:00:00Z"),
            ts("2026-11-12T15:30:00Z"),
            ts("2026-11-11T08:00:00Z"),
            ts("2026-11-10T12:00:00Z"),
        ]
    );
    // Each links to `item#anchor`, and that anchor exists on the item page.
    let mut seen = BTreeSet::new();
    for e in &entries {
        let links: Vec<String> = e
            .select(&sel("a[href*=\"#\"]"))
            .map(|a| attr(a, "href"))
            .collect();
        assert_eq!(links.len(), 1, "one link to the notice: {links:?}");
        let href = links[0]
            .strip_prefix(BASE_URL)
            .unwrap_or(&links[0])
            .to_string();
        let (item, anchor) = href.split_once('#').expect("an anchor");
        assert!(
            [STATEMENT_URL, WITHDRAWN_URL].contains(&item),
            "links to {href}"
        );
        let item_page = b.html(item);
        assert!(has_id(&item_page, anchor), "{href}: no such anchor");
        assert!(seen.insert(href.clone()), "{href} twice");
    }
    let withdrawal = attrs(
        &page,
        "main .corrections-list > li.notice-withdrawal a",
        "href",
    );
    assert_eq!(withdrawal.len(), 1);
    let (_, anchor) = withdrawal[0].split_once('#').expect("an anchor");
    let item_page = b.html(WITHDRAWN_URL);
    assert!(
        text_of(by_id(&item_page, anchor)).contains("preliminary"),
        "the withdrawal link lands on the notice"
    );
}

#[test]
fn a_withdrawn_item_keeps_its_url_with_the_reason_and_leaves_the_lists() {
    let site = newsroom_site();
    let b = site.build_ok();
    assert_item_page(&b, WITHDRAWN_URL, "Record quarter for anvils");
    let html = b.html(WITHDRAWN_URL);
    let notice = first(&html, "main .banner-withdrawn");
    assert!(
        text_of(notice).contains("The figures were preliminary and have been restated."),
        "{}",
        text_of(notice)
    );
    assert_eq!(
        notice.select(&sel("em")).map(text_of).collect::<Vec<_>>(),
        ["preliminary"],
        "the reason is Markdown"
    );
    assert_eq!(times(&html, "main .banner-withdrawn"), [ts(WITHDRAWN_AT)]);
    assert!(
        doc_pos(&html, notice) < pos_of(&html, "main .content"),
        "the notice is above the text"
    );
    // The text itself is still there.
    assert!(text_of(first(&html, "main .content")).contains("Revenue rose sharply."));

    // Out of the lists: section, home, tag pages, author pages.
    let all = set(&[
        WITHDRAWN_URL,
        "/press/new-anvil/",
        "/press/partner/",
        STATEMENT_URL,
    ]);
    let press = paginated_item_links(&b, "/press/", &all);
    assert!(
        press.contains(&"/press/new-anvil/".to_string()),
        "{press:?}"
    );
    assert!(!press.contains(&WITHDRAWN_URL.to_string()), "{press:?}");
    assert!(!item_links(&b.html("/"), &all).contains(&WITHDRAWN_URL.to_string()));
    assert_eq!(
        paginated_item_links(&b, "/tags/results/", &all),
        ["/press/new-anvil/"],
        "a shared tag lists only the others"
    );
    assert!(
        !b.exists("/tags/recalled-only/"),
        "a tag only the withdrawn item has has no page"
    );
    let tags = term_counts(&b.html("/tags/"));
    assert_eq!(tags.get("results").map(|t| t.1), Some(1), "{tags:?}");
    assert!(!tags.contains_key("recalled-only"), "{tags:?}");
    assert!(!paginated_item_links(&b, "/authors/ann/", &all).contains(&WITHDRAWN_URL.to_string()));

    // Still in the sitemap and the feeds, with the notice.
    assert!(sitemap(&b.out).contains_key(&permalink(WITHDRAWN_URL)));
    for rel in ["feed.json", "press/feed.json"] {
        let entry = json_feed_item(&b.out, rel, WITHDRAWN_URL)
            .unwrap_or_else(|| panic!("the withdrawn item is not in {rel}"));
        let content = entry["content_html"].as_str().unwrap_or_default();
        let frag = Html::parse_fragment(content);
        let text: String = frag.root_element().text().collect();
        assert!(text.contains("preliminary"), "{rel}: {content}");
    }
    for rel in ["atom.xml", "press/atom.xml"] {
        assert!(
            atom_titles(&b.out, rel).contains(&"Record quarter for anvils".to_string()),
            "{rel}"
        );
    }
    assert!(rss_titles(&b.out, "press/rss.xml").contains(&"Record quarter for anvils".to_string()));
}

// ---------------------------------------------------------------------------------------------
// Embargo
// ---------------------------------------------------------------------------------------------

const EMBARGO_TITLE: &str = "Quasar Battery Unveiled";
const EMBARGO_URL: &str = "/press/launch/";
/// 2026-11-25T09:00:00+01:00.
const EMBARGO_LIFT: &str = "2026-11-25T08:00:00Z";
const BEFORE_LIFT: &str = "2026-11-25T07:59:59Z";

/// Two public releases and an embargoed bundle (`content/press/launch/`) with a photo, an alias,
/// a tag of its own and a shared one, a category, an author, and a citation of a site-wide
/// source the others cite too. The press section pages one item at a time.
fn embargo_site() -> SiteTest {
    let site = SiteTest::new();
    site.file("data/authors.toml", "[ann]\nname = \"Ann Example\"\n")
        .file(
            "data/sources.toml",
            "[[sources]]\nid = \"census\"\ntitle = \"Workforce census 2026\"\n",
        )
        .file(
            "content/press/_index.md",
            "+++\ntitle = \"Press\"\nkind = \"release\"\npaginate_by = 1\n+++\n",
        )
        .file(
            "content/press/2026-11-18-public-news.md",
            &item(
                "Public news",
                "2026-11-18",
                "tags = [\"Products\"]\nauthors = [\"ann\"]\n",
                "Public text[^census].",
            ),
        )
        .file(
            "content/press/2026-11-19-second-news.md",
            &item(
                "Second news",
                "2026-11-19",
                "tags = [\"Products\"]\n",
                "More text.",
            ),
        )
        .file(
            "content/press/launch/index.md",
            &format!(
                "+++\ntitle = \"{EMBARGO_TITLE}\"\ndate = 2026-11-25T09:00:00+01:00\nembargo = 2026-11-25T09:00:00+01:00\ntags = [\"Products\", \"quasartag\"]\ncategories = [\"quasarcat\"]\nauthors = [\"ann\"]\naliases = [\"/old-quasar/\"]\n+++\n\nThe quasar-body-secret battery[^census] is here.\n\n[Photo](photo.txt)\n"
            ),
        )
        .file("content/press/launch/photo.txt", "PHOTO-QX-BYTES\n");
    site
}

const PUBLIC: [&str; 2] = ["/press/public-news/", "/press/second-news/"];

fn all_press() -> BTreeSet<String> {
    set(&[PUBLIC[0], PUBLIC[1], EMBARGO_URL])
}

#[test]
fn before_its_embargo_an_item_leaves_no_trace_anywhere() {
    let site = embargo_site();
    let b = site.build_args(&["--now", BEFORE_LIFT, "--message-format", "json"]);
    b.assert_ok();
    assert!(!b.exists(EMBARGO_URL));
    assert!(!b.exists("/press/launch/photo.txt"), "its bundle asset");
    assert!(!b.exists("/old-quasar/"), "its alias");
    assert!(!b.exists("/tags/quasartag/"), "a tag only it has");
    assert!(
        !b.exists("/categories/quasarcat/"),
        "a category only it has"
    );
    // Walk every file (its bytes and its path) for the title, the slug, the URL and the rest.
    assert_absent_everywhere(
        &b.out,
        &[
            EMBARGO_TITLE,
            "launch",
            EMBARGO_URL,
            "old-quasar",
            "quasartag",
            "quasarcat",
            "quasar-body-secret",
            "PHOTO-QX-BYTES",
        ],
    );
    // Counts exclude it: the shared tag, the author, the source, the pagination.
    let tags = term_counts(&b.html("/tags/"));
    assert_eq!(tags.get("Products").map(|t| t.1), Some(2), "{tags:?}");
    assert_eq!(
        paginated_item_links(&b, "/tags/products/", &all_press()),
        ["/press/second-news/", "/press/public-news/"]
    );
    assert_eq!(
        paginated_item_links(&b, "/authors/ann/", &all_press()),
        ["/press/public-news/"]
    );
    let authors = term_counts(&b.html("/authors/"));
    assert_eq!(
        authors.get("Ann Example").map(|a| a.1),
        Some(1),
        "{authors:?}"
    );
    assert_eq!(
        item_links(&b.html("/sources/census/"), &all_press()),
        ["/press/public-news/"],
        "no source back-link to it"
    );
    assert_eq!(
        source_counts(&b.html("/sources/")).get("Workforce census 2026"),
        Some(&1),
        "the source index does not count it"
    );
    assert_eq!(
        paginated_item_links(&b, "/press/", &all_press()),
        ["/press/second-news/", "/press/public-news/"]
    );
    assert!(b.exists("/press/page/2/"));
    assert!(!b.exists("/press/page/3/"), "pagination counts exclude it");
    let s = b.json_summary();
    assert_eq!(s["next_embargo_lift"], EMBARGO_LIFT, "{s}");
    assert_eq!(s["withheld"], 1, "{s}");
}

#[test]
fn from_its_embargo_an_item_is_everywhere_it_belongs() {
    let site = embargo_site();
    let b = site.build_args(&["--now", EMBARGO_LIFT, "--message-format", "json"]);
    b.assert_ok();
    assert_item_page(&b, EMBARGO_URL, EMBARGO_TITLE);
    assert_eq!(
        std::fs::read_to_string(b.out.join("press/launch/photo.txt")).expect("the photo"),
        "PHOTO-QX-BYTES\n"
    );
    let alias = b.html("/old-quasar/");
    assert_eq!(
        attrs(&alias, "link[rel=\"canonical\"]", "href"),
        [permalink(EMBARGO_URL)]
    );
    assert_eq!(
        paginated_item_links(&b, "/tags/quasartag/", &all_press()),
        [EMBARGO_URL]
    );
    assert_eq!(
        paginated_item_links(&b, "/categories/quasarcat/", &all_press()),
        [EMBARGO_URL]
    );
    let tags = term_counts(&b.html("/tags/"));
    assert_eq!(tags.get("Products").map(|t| t.1), Some(3), "{tags:?}");
    assert_eq!(tags.get("quasartag").map(|t| t.1), Some(1), "{tags:?}");
    assert!(paginated_item_links(&b, "/authors/ann/", &all_press()).contains(&EMBARGO_URL.into()));
    assert!(
        item_links(&b.html("/sources/census/"), &all_press()).contains(&EMBARGO_URL.into()),
        "the source page lists it"
    );
    assert_eq!(
        source_counts(&b.html("/sources/")).get("Workforce census 2026"),
        Some(&2)
    );
    assert_eq!(
        paginated_item_links(&b, "/press/", &all_press()),
        [EMBARGO_URL, "/press/second-news/", "/press/public-news/"]
    );
    assert!(b.exists("/press/page/3/"));
    assert!(sitemap(&b.out).contains_key(&permalink(EMBARGO_URL)));
    assert!(json_feed_item(&b.out, "feed.json", EMBARGO_URL).is_some());
    assert!(atom_titles(&b.out, "press/atom.xml").contains(&EMBARGO_TITLE.to_string()));
    let s = b.json_summary();
    assert_eq!(s["next_embargo_lift"], Value::Null, "{s}");
    assert_eq!(s["withheld"], 0, "{s}");
}

#[test]
fn drafts_preview_an_embargoed_item_with_a_banner() {
    let site = embargo_site();
    let b = site.build_args(&["--now", BEFORE_LIFT, "--drafts"]);
    b.assert_ok();
    assert_item_page(&b, EMBARGO_URL, EMBARGO_TITLE);
    let html = b.html(EMBARGO_URL);
    let banner = first(&html, "main .banner-embargo");
    assert!(
        text_of(banner).to_lowercase().contains("embargoed until"),
        "{}",
        text_of(banner)
    );
    assert_eq!(times(&html, "main .banner-embargo"), [ts(EMBARGO_LIFT)]);
    // The public items have no such banner.
    assert!(
        b.html(PUBLIC[0])
            .select(&sel(".banner-embargo"))
            .next()
            .is_none()
    );
}

#[test]
fn an_embargo_without_offset_is_read_in_the_items_time_zone() {
    let site = SiteTest::new();
    site.file(
        "content/press/seoul-launch.md",
        "+++\ntitle = \"Seoul Plant Opening\"\ndate = 2028-01-15\nkind = \"release\"\ntimezone = \"Asia/Seoul\"\nembargo = 2028-01-15T08:00:00\n+++\nx\n",
    );
    // The site is in UTC; 08:00 in Seoul is 23:00 UTC the day before.
    let before = site.build_args(&["--now", "2028-01-14T22:59:59Z", "--message-format", "json"]);
    before.assert_ok();
    assert!(!before.exists("/press/seoul-launch/"));
    assert_absent_everywhere(&before.out, &["Seoul Plant Opening", "seoul-launch"]);
    assert_eq!(
        before.json_summary()["next_embargo_lift"],
        "2028-01-14T23:00:00Z"
    );
    let after = site.build_args(&["--now", "2028-01-14T23:00:00Z"]);
    after.assert_ok();
    assert_item_page(&after, "/press/seoul-launch/", "Seoul Plant Opening");
}

// ---------------------------------------------------------------------------------------------
// Standby
// ---------------------------------------------------------------------------------------------

const STANDBY_TITLE: &str = "Holding Statement Zeta";

fn standby_site(body: &str) -> SiteTest {
    let site = SiteTest::new();
    site.file("data/authors.toml", "[ann]\nname = \"Ann Example\"\n")
        .file(
            "data/sources.toml",
            "[[sources]]\nid = \"census\"\ntitle = \"Workforce census 2026\"\n",
        )
        .file(
            "content/statements/_index.md",
            "+++\ntitle = \"Statements\"\nkind = \"statement\"\n+++\n",
        )
        .file(
            "content/statements/2026-11-01-public.md",
            &item(
                "Public statement",
                "2026-11-01T10:00:00Z",
                "tags = [\"Safety\"]\nauthors = [\"ann\"]\n",
                "Public text[^census].",
            ),
        )
        .file(
            "content/statements/holding-zeta.md",
            &format!(
                "+++\ntitle = \"{STANDBY_TITLE}\"\ndate = 2026-11-20T10:00:00Z\nstatus = \"standby\"\ntags = [\"Safety\", \"zetatag\"]\nauthors = [\"ann\"]\naliases = [\"/zeta-old/\"]\n\n[[corrections]]\ndate = 2026-11-21T10:00:00Z\nkind = \"correction\"\nnote = \"zeta-correction-note\"\n\n[[updates]]\ndate = 2026-11-21T11:00:00Z\nbody = \"zeta-update-body\"\n+++\n\n{body}\n"
            ),
        );
    site
}

#[test]
fn a_standby_item_is_never_written_without_drafts() {
    let site = standby_site("We are aware of zeta-body-secret reports[^census].");
    let b = site.build_args(&["--message-format", "json"]);
    b.assert_ok();
    assert!(!b.exists("/statements/holding-zeta/"));
    assert!(!b.exists("/zeta-old/"));
    assert!(!b.exists("/tags/zetatag/"));
    assert_absent_everywhere(
        &b.out,
        &[
            STANDBY_TITLE,
            "holding-zeta",
            "zeta-old",
            "zetatag",
            "zeta-body-secret",
            "zeta-correction-note",
            "zeta-update-body",
        ],
    );
    let all = set(&["/statements/public/", "/statements/holding-zeta/"]);
    assert_eq!(
        item_links(&b.html("/sources/census/"), &all),
        ["/statements/public/"]
    );
    let tags = term_counts(&b.html("/tags/"));
    assert_eq!(tags.get("Safety").map(|t| t.1), Some(1), "{tags:?}");
}

#[test]
fn a_standby_items_errors_are_still_reported() {
    let body = "We are aware of reports[^no-such-source].";
    let site = standby_site(body);
    let b = site.build();
    b.assert_code(1);
    let rel = "content/statements/holding-zeta.md";
    let text = std::fs::read_to_string(site.root().join(rel)).expect("fixture");
    let errs = b.errors_in(rel);
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert!(errs[0].message.contains("no-such-source"), "{}", b.stderr);
    assert_eq!(
        (errs[0].line, errs[0].col),
        line_col(&text, "[^no-such-source]"),
        "{}",
        b.stderr
    );
}

#[test]
fn drafts_write_a_standby_item_with_a_banner() {
    let site = standby_site("We are aware of zeta-body-secret reports[^census].");
    let b = site.build_args(&["--drafts"]);
    b.assert_ok();
    assert_item_page(&b, "/statements/holding-zeta/", STANDBY_TITLE);
    let html = b.html("/statements/holding-zeta/");
    let banner = first(&html, "main .banner-standby");
    assert!(
        text_of(banner).to_lowercase().contains("standby"),
        "{}",
        text_of(banner)
    );
    assert!(
        b.html("/statements/public/")
            .select(&sel(".banner-standby"))
            .next()
            .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// Whole-site invariants and the bugs found on the way
// ---------------------------------------------------------------------------------------------

/// Every HTML page of the output with the problems found: duplicate ids and `#fragment` links
/// to ids the page does not have.
fn fragment_problems(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for rel in list_files(out).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read_html(out, &rel);
        let mut ids = BTreeMap::<String, usize>::new();
        for id in attrs(&html, "[id]", "id") {
            *ids.entry(id).or_default() += 1;
        }
        for (id, n) in &ids {
            if *n > 1 {
                problems.push(format!("{rel}: id `{id}` appears {n} times"));
            }
        }
        for href in attrs(&html, "a[href^=\"#\"]", "href") {
            let frag = &href[1..];
            if !frag.is_empty() && !ids.contains_key(frag) {
                problems.push(format!("{rel}: link `{href}` has no target"));
            }
        }
    }
    problems
}

#[test]
fn every_fragment_link_resolves_and_ids_are_unique() {
    let site = newsroom_site();
    let b = site.build_ok();
    let problems = fragment_problems(&b.out);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The newsroom plus a statement whose correction note, update and withdrawal reason cite
/// sources.
fn cited_notices_site() -> SiteTest {
    let site = newsroom_site();
    site.file(
        "content/statements/2026-11-16-ruling.md",
        r#"+++
title = "Regulator ruling"
date = 2026-11-16T09:00:00Z

[[sources]]
id = "ruling"
title = "The regulator's ruling"

[[sources]]
id = "letter"
title = "Our letter"

[[corrections]]
date = 2026-11-17T08:00:00Z
kind = "correction"
note = "As our letter[^letter] says, the fine is 2 million, not 3."

[withdrawn]
date = 2026-11-18T08:00:00Z
reason = "Superseded by the final ruling[^ruling]."
+++

We received the ruling[^ruling] and sent a letter[^letter].
"#,
    );
    site
}

#[test]

fn a_correction_note_that_cites_a_source_keeps_ids_unique() {
    let site = cited_notices_site();
    let b = site.build_ok();
    let html = b.html("/statements/ruling/");
    for id in attrs(&html, "main sup.citation a", "id") {
        assert_eq!(
            html.select(&sel(&format!("[id=\"{id}\"]"))).count(),
            1,
            "id `{id}` is not unique on the page"
        );
    }
    // The source's back-links each land on one place.
    for href in attrs(&html, "ol.sources a.backref", "href") {
        by_id(&html, href.trim_start_matches('#'));
    }
}

#[test]

fn citations_in_notices_do_not_break_the_corrections_page() {
    let site = cited_notices_site();
    let b = site.build_ok();
    let problems: Vec<String> = fragment_problems(&b.out)
        .into_iter()
        .filter(|p| p.starts_with("corrections/"))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]

fn citation_numbers_rise_down_the_page() {
    let site = cited_notices_site();
    let b = site.build_ok();
    let html = b.html("/statements/ruling/");
    let numbers: Vec<usize> = texts(&html, "main sup.citation a")
        .iter()
        .map(|t| {
            t.trim_matches(['[', ']'])
                .parse()
                .unwrap_or_else(|e| panic!("`{t}`: {e}"))
        })
        .collect();
    // In reading order, each new source gets the next number.
    let mut highest = 0;
    for n in &numbers {
        assert!(
            *n <= highest + 1,
            "citation [{n}] comes before [{}] on the page: {numbers:?}",
            highest + 1
        );
        highest = highest.max(*n);
    }
}

#[test]

fn citation_labels_never_leak_into_summaries() {
    let site = newsroom_site();
    let b = site.build_ok();
    for url in [
        "/press/new-anvil/",
        "/press/",
        "/",
        STATEMENT_URL,
        "/statements/",
    ] {
        let html = b.html(url);
        let main = text_of(first(&html, "main"));
        assert!(
            !main.contains("[^"),
            "{url}: a raw citation label in `{main}`"
        );
        for d in attrs(
            &html,
            "meta[name=\"description\"], meta[property=\"og:description\"]",
            "content",
        ) {
            assert!(!d.contains("[^"), "{url}: meta description `{d}`");
        }
    }
    for item in json_feed_items(&b.out, "feed.json") {
        let summary = item["summary"].as_str().unwrap_or_default();
        assert!(!summary.contains("[^"), "feed summary `{summary}`");
    }
}

#[test]

fn an_unknown_source_in_front_matter_fails_at_the_citation() {
    let site = SiteTest::new();
    let facts = "+++\ntitle = \"Facts\"\nkind = \"factsheet\"\n\n[facts]\n\"Founded\" = \"1949\"\n\"Employees\" = \"4,200[^no-census]\"\n+++\n\nBody.\n";
    let statement = "+++\ntitle = \"Statement\"\ndate = 2026-11-10T09:00:00Z\nkind = \"statement\"\n\n[[updates]]\ndate = 2026-11-10T12:00:00Z\nbody = \"First.\"\n\n[[updates]]\ndate = 2026-11-11T12:00:00Z\nbody = \"Second, citing[^no-report].\"\n+++\n\nBody.\n";
    site.file("content/facts/f.md", facts)
        .file("content/statements/s.md", statement);
    let b = site.build();
    b.assert_code(1);
    for (rel, text, label) in [
        ("content/facts/f.md", facts, "[^no-census]"),
        ("content/statements/s.md", statement, "[^no-report]"),
    ] {
        let errs = b.errors_in(rel);
        assert_eq!(errs.len(), 1, "{}", b.stderr);
        assert_eq!(
            (errs[0].line, errs[0].col),
            line_col(text, label),
            "{rel}: {}",
            b.stderr
        );
    }
}
