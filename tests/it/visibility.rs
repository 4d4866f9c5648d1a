//! What appears where, read back from the output: a site with one item in each publication
//! state (and a stand-in page for a missing translation), built as it goes online and as a
//! `--drafts` preview, and for each item every surface observed by parsing what was written
//! (language switchers, list pages, feeds via feed-rs, sitemaps, the search index, the public
//! record). The table below is the product's rule; `src/model/publication.rs` holds the same
//! table as code.

use crate::common;

use common::{BASE_URL, Run, SiteTest, attrs, main_links, paginated_item_links};
use serde_json::Value;
use std::collections::BTreeSet;

/// The surfaces, as the output shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Surface {
    Page,
    Aliases,
    Translations,
    SectionLists,
    HomeList,
    TaxonomyTerms,
    AuthorLists,
    SourceLists,
    StandIns,
    Feeds,
    Corrections,
    Sitemap,
    NewsSitemap,
    Search,
    Ledger,
}
use Surface::*;

const EVERYWHERE: &[Surface] = &[
    Page,
    Aliases,
    Translations,
    SectionLists,
    HomeList,
    TaxonomyTerms,
    AuthorLists,
    SourceLists,
    StandIns,
    Feeds,
    Corrections,
    Sitemap,
    NewsSitemap,
    Search,
    Ledger,
];
const WITHDRAWN: &[Surface] = &[
    Page,
    Aliases,
    Translations,
    Feeds,
    Corrections,
    Sitemap,
    Ledger,
];
const UNLISTED: &[Surface] = &[Page, Aliases, Translations, Ledger];
const STAND_IN: &[Surface] = &[Page, Translations];
const PREVIEW_LISTED: &[Surface] = &[
    Page,
    Aliases,
    Translations,
    SectionLists,
    HomeList,
    TaxonomyTerms,
    AuthorLists,
    SourceLists,
];
const PAGE_ONLY: &[Surface] = &[Page, Aliases, Translations];
const NOWHERE: &[Surface] = &[];

/// Each English item of the site: its file stem and the front matter that gives its state.
const ITEMS: &[(&str, &str)] = &[
    ("listed", ""),
    ("withdrawn", ""),
    ("unlisted", "status = \"unlisted\"\n"),
    ("standby", "status = \"standby\"\n"),
    ("draft", "draft = true\n"),
    ("embargoed", "embargo = 2026-12-01T00:00:00Z\n"),
    ("withdrawn-draft", "draft = true\n"),
];

/// The item's URL, and the surfaces it appears on in a build that goes online and in a
/// `--drafts` preview.
fn table() -> Vec<(&'static str, &'static [Surface], &'static [Surface])> {
    vec![
        ("/blog/listed/", EVERYWHERE, EVERYWHERE),
        ("/blog/withdrawn/", WITHDRAWN, WITHDRAWN),
        ("/blog/unlisted/", UNLISTED, UNLISTED),
        // Standby: written by a preview only, in no list.
        ("/blog/standby/", NOWHERE, PAGE_ONLY),
        ("/blog/draft/", NOWHERE, PREVIEW_LISTED),
        ("/blog/embargoed/", NOWHERE, PREVIEW_LISTED),
        ("/blog/withdrawn-draft/", NOWHERE, PAGE_ONLY),
        // The listed item's stand-in in Swedish, which has no translation of it.
        ("/sv/blog/listed/", STAND_IN, STAND_IN),
    ]
}

/// English items in every state, each with a listed French translation (whose page's language
/// switcher shows the English item when it appears there); Swedish has none, so a listed item
/// gets a stand-in page there. Every item is tagged, has an author, cites a site-wide source
/// and carries a correction, and is dated the day before the build (news sitemap).
fn site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Vis\"\nbase_url = \"{BASE_URL}\"\ntranslation_fallback = true\n\
             [languages.fr]\ntitle = \"Vis FR\"\n[languages.sv]\ntitle = \"Vis SV\"\n"
        ),
    )
    .file("data/authors.toml", "[ann]\nname = \"Ann Author\"\n")
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"census\"\ntitle = \"Census\"\nurl = \"https://stats.example/census\"\n",
    )
    .file("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n");
    for (stem, state) in ITEMS {
        let withdrawn = if stem.starts_with("withdrawn") {
            "[withdrawn]\ndate = 2026-11-22T15:00:00Z\nreason = \"Superseded.\"\n"
        } else {
            ""
        };
        site.file(
            &format!("content/blog/{stem}.md"),
            &format!(
                "+++\ntitle = \"Item {stem}\"\ndate = 2026-11-22T09:00:00Z\n{state}\
                 tags = [\"vis\"]\nauthors = [\"ann\"]\naliases = [\"/old/{stem}/\"]\n\
                 [[corrections]]\ndate = 2026-11-22T12:00:00Z\nkind = \"correction\"\n\
                 note = \"Fixed a figure in {stem}.\"\n{withdrawn}+++\n\n\
                 The {stem} item cites the census[^census].\n"
            ),
        )
        .file(
            &format!("content/blog/{stem}.fr.md"),
            &format!(
                "+++\ntitle = \"Article {stem}\"\ndate = 2026-11-22T09:00:00Z\n+++\n\nTexte.\n"
            ),
        );
    }
    site
}

/// A URL as the output writes it (absolute or root-relative), root-relative, without fragment.
fn path_of(href: &str) -> String {
    let p = href.strip_prefix(BASE_URL).unwrap_or(href);
    p.split('#').next().unwrap_or("").to_string()
}

/// `/sv/blog/x/` → `/sv`; `/blog/x/` → ``.
fn lang_prefix(url: &str) -> &'static str {
    ["/fr", "/sv"]
        .into_iter()
        .find(|p| url.starts_with(&format!("{p}/")))
        .unwrap_or("")
}

/// Reads the output back once: every place that can show an item.
struct Observed<'a> {
    run: &'a Run,
    redirects: BTreeSet<String>,
    sitemap: BTreeSet<String>,
    news: BTreeSet<String>,
    search: BTreeSet<String>,
    record: BTreeSet<String>,
}

impl<'a> Observed<'a> {
    fn of(run: &'a Run) -> Self {
        let mut redirects = BTreeSet::new();
        for file in run.files().iter().filter(|f| f.ends_with(".html")) {
            let html = run.html(file);
            for content in attrs(&html, "meta[http-equiv=refresh]", "content") {
                if let Some((_, url)) = content.split_once("url=") {
                    redirects.insert(path_of(url));
                }
            }
        }
        let read = |rel: &str| std::fs::read_to_string(run.out.join(rel)).expect(rel);
        let locs = |rel: &str| -> BTreeSet<String> {
            let text = read(rel);
            let doc = roxmltree::Document::parse(&text).expect("sitemap XML");
            let locs = doc.descendants().filter(|n| n.has_tag_name("loc"));
            let alternates = doc.descendants().filter_map(|n| n.attribute("href"));
            locs.filter_map(|n| n.text())
                .chain(alternates)
                .map(path_of)
                .collect()
        };
        let mut search = BTreeSet::new();
        for file in run.files().iter().filter(|f| f.starts_with("search/docs-")) {
            let docs: Value = serde_json::from_str(&read(file)).expect("search docs");
            for doc in docs.as_array().expect("a list of documents") {
                search.insert(path_of(doc["url"].as_str().expect("doc url")));
            }
        }
        let record: Value =
            serde_json::from_str(&read("corrections/record.json")).expect("record JSON");
        let record = record["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["url"].as_str().expect("event url").to_string())
            .collect();
        Observed {
            run,
            redirects,
            sitemap: locs("sitemap.xml"),
            news: locs("sitemap-news.xml"),
            search,
            record,
        }
    }

    /// Whether the paginated list at `base` (if it exists) links to `url`.
    fn listed_at(&self, base: &str, url: &str) -> bool {
        if !self.run.exists(base) {
            return false;
        }
        let only = BTreeSet::from([url.to_string()]);
        !paginated_item_links(self.run, base, &only).is_empty()
    }

    /// Whether every feed format of the list at `base` has an entry for `url` (none must
    /// disagree); false when the list has no feeds.
    fn in_feed(&self, base: &str, url: &str) -> bool {
        let mut seen = Vec::new();
        for format in ["atom.xml", "rss.xml", "feed.json"] {
            let file = self
                .run
                .out
                .join(format!("{}{format}", base.trim_start_matches('/')));
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let feed = feed_rs::parser::parse(bytes.as_slice())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let has = feed
                .entries
                .iter()
                .any(|e| e.links.iter().any(|l| path_of(&l.href) == url));
            seen.push((format, has));
        }
        let any = seen.iter().any(|(_, has)| *has);
        assert!(
            seen.iter().all(|(_, has)| *has == any),
            "{base} feeds disagree on {url}: {seen:?}"
        );
        any
    }

    /// Every surface that shows `url`; `translation_of` is the page whose language switcher
    /// would name it.
    fn surfaces(&self, url: &str, translation_of: &str) -> BTreeSet<Surface> {
        let lang = lang_prefix(url);
        let tail = url.strip_prefix(lang).expect("a prefixed URL");
        let mut on = BTreeSet::new();
        let mut mark = |surface: Surface, shown: bool| {
            if shown {
                on.insert(surface);
            }
        };
        mark(Page, self.run.exists(url));
        mark(Aliases, self.redirects.contains(url));
        let switcher = self.run.exists(translation_of).then(|| {
            let html = self.run.html(translation_of);
            attrs(&html, ".lang-switch a[href]", "href")
                .iter()
                .any(|h| path_of(h) == url)
        });
        mark(Translations, switcher == Some(true));
        mark(SectionLists, self.listed_at(&format!("{lang}/blog/"), url));
        mark(HomeList, self.listed_at(&format!("{lang}/"), url));
        let on_term_page = self.listed_at(&format!("{lang}/tags/vis/"), url);
        mark(TaxonomyTerms, on_term_page);
        mark(AuthorLists, self.listed_at("/authors/ann/", url));
        let source = self.run.exists("/sources/census/")
            && main_links(&self.run.html("/sources/census/"))
                .iter()
                .any(|h| path_of(h) == url);
        mark(SourceLists, source);
        mark(
            StandIns,
            lang.is_empty() && self.run.exists(&format!("/sv{tail}")),
        );
        let feeds = [
            self.in_feed(&format!("{lang}/"), url),
            self.in_feed(&format!("{lang}/blog/"), url),
            self.in_feed("/authors/ann/", url),
        ];
        assert!(
            feeds.iter().all(|&f| f == feeds[0]),
            "{url}: feeds disagree {feeds:?}"
        );
        mark(Feeds, feeds[0]);
        // A term's feeds are its list's: what is on the term page and in feeds.
        let term_feed = self.in_feed(&format!("{lang}/tags/vis/"), url);
        assert_eq!(term_feed, on_term_page && feeds[0], "{url}: term feed");
        let corrections = format!("{lang}/corrections/");
        let on_page = self.run.exists(&corrections)
            && main_links(&self.run.html(&corrections))
                .iter()
                .any(|h| path_of(h) == url);
        let in_feed = self.corrections_feed_has(&corrections, url);
        assert_eq!(
            on_page, in_feed,
            "{url}: corrections page and feed disagree"
        );
        mark(Corrections, on_page);
        mark(Sitemap, self.sitemap.contains(url));
        mark(NewsSitemap, self.news.contains(url));
        mark(Search, self.search.contains(url));
        mark(Ledger, self.record.contains(url));
        on
    }

    /// Whether the corrections feeds at `base` have an entry about `url` (its notice anchors).
    fn corrections_feed_has(&self, base: &str, url: &str) -> bool {
        let file = self
            .run
            .out
            .join(format!("{}atom.xml", base.trim_start_matches('/')));
        let Ok(bytes) = std::fs::read(&file) else {
            return false;
        };
        let feed = feed_rs::parser::parse(bytes.as_slice()).expect("corrections feed");
        feed.entries
            .iter()
            .any(|e| e.links.iter().any(|l| path_of(&l.href) == url))
    }
}

fn check_table(run: &Run, preview: bool) {
    let seen = Observed::of(run);
    let mut wrong = Vec::new();
    for (url, online, in_preview) in table() {
        let want: BTreeSet<Surface> = if preview { in_preview } else { online }
            .iter()
            .copied()
            .collect();
        let twin = if url.starts_with("/sv/") {
            url.replacen("/sv/", "/fr/", 1)
        } else {
            format!("/fr{url}")
        };
        let got = seen.surfaces(url, &twin);
        if got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            wrong.push(format!(
                "{url}: missing from {missing:?}, shown on {extra:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "preview={preview}:\n{}", wrong.join("\n"));
}

#[test]
fn each_publication_state_appears_exactly_where_the_table_says() {
    let site = site();
    let run = site.build();
    run.assert_ok();
    // The listed item shows on every surface: each observation above can see an item.
    let seen = Observed::of(&run);
    assert_eq!(
        seen.surfaces("/blog/listed/", "/fr/blog/listed/"),
        EVERYWHERE.iter().copied().collect(),
        "the listed item is not observed on every surface"
    );
    check_table(&run, false);
}

#[test]
fn each_state_in_a_drafts_preview_appears_exactly_where_the_table_says() {
    let site = site();
    let run = site.build_args(&["--drafts"]);
    run.assert_ok();
    check_table(&run, true);
}

/// A leak found by the table: `sitemap.xml` named an unlisted translation (and a stand-in, which
/// is `noindex`) as an hreflang alternate of its listed original. The sitemap names only pages
/// that are in it.
#[test]
fn an_unlisted_translation_is_named_in_no_sitemap() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"T\"\nbase_url = \"{BASE_URL}\"\ntranslation_fallback = true\n\
             [languages.fr]\n[languages.sv]\n[languages.ko]\n"
        ),
    )
    .file(
        "content/press/plant.md",
        &common::item("Plant", "2026-11-20", "", "Text."),
    )
    .file(
        "content/press/plant.fr.md",
        &common::item("Usine", "2026-11-20", "status = \"unlisted\"\n", "Texte."),
    )
    .file(
        "content/press/plant.ko.md",
        &common::item("공장", "2026-11-20", "", "본문."),
    );
    let run = site.build();
    run.assert_ok();
    // Both quiet pages are written: the unlisted translation and the Swedish stand-in.
    assert!(run.exists("/fr/press/plant/") && run.exists("/sv/press/plant/"));
    let text = std::fs::read_to_string(run.out.join("sitemap.xml")).expect("sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap parses");
    let named: BTreeSet<String> = doc
        .descendants()
        .filter_map(|n| {
            n.attribute("href")
                .or(n.has_tag_name("loc").then(|| n.text()).flatten())
        })
        .map(path_of)
        .collect();
    for quiet in ["/fr/press/plant/", "/sv/press/plant/"] {
        assert!(!named.contains(quiet), "sitemap names {quiet}: {named:?}");
    }
    // The listed translations still point at each other.
    let alternates: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("link"))
        .map(|n| {
            let loc = n
                .parent()
                .and_then(|u| u.children().find(|c| c.has_tag_name("loc")))
                .and_then(|l| l.text())
                .map(path_of)
                .unwrap_or_default();
            (loc, path_of(n.attribute("href").unwrap_or_default()))
        })
        .collect();
    for (from, to) in [
        ("/press/plant/", "/ko/press/plant/"),
        ("/ko/press/plant/", "/press/plant/"),
    ] {
        assert!(
            alternates.contains(&(from.to_string(), to.to_string())),
            "{from} lacks alternate {to}: {alternates:?}"
        );
    }
}
