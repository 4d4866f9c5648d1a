//! Related items on item pages: ranked by what they share (a cited site-wide source weighs
//! most, then authors and tags, then categories), newest first among equals, in the page's
//! language, and never an unlisted, withdrawn, draft or embargoed item.

use crate::common;

use common::*;

fn site() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"Rel\"\nbase_url = \"{BASE_URL}\"\n[languages.fr]\ntitle = \"Rel FR\"\n"),
    )
    .file("data/authors.toml", "[ann]\nname = \"Ann Author\"\n")
    .file(
        "data/sources.toml",
        "[[sources]]\nid = \"census\"\ntitle = \"Census\"\nurl = \"https://stats.example/census\"\n",
    );
    let post = |stem: &str, date: &str, front: &str, body: &str| {
        site.file(
            &format!("content/blog/{stem}.md"),
            &format!("+++\ntitle = \"{stem}\"\ndate = {date}\n{front}+++\n\n{body}\n"),
        );
    };
    post(
        "a",
        "2026-11-20",
        "tags = [\"grid\"]\nauthors = [\"ann\"]\n",
        "A cites the census[^census].",
    );
    post("b-source", "2026-11-10", "", "B cites the census[^census].");
    post(
        "c-tag-author",
        "2026-11-12",
        "tags = [\"grid\"]\nauthors = [\"ann\"]\n",
        "C.",
    );
    post("d-tag", "2026-11-15", "tags = [\"Grid\"]\n", "D.");
    post("e-nothing", "2026-11-19", "tags = [\"other\"]\n", "E.");
    post(
        "f-unlisted",
        "2026-11-18",
        "status = \"unlisted\"\ntags = [\"grid\"]\n",
        "F cites the census[^census].",
    );
    post(
        "g-withdrawn",
        "2026-11-17",
        "tags = [\"grid\"]\n[withdrawn]\ndate = 2026-11-19T10:00:00Z\nreason = \"Wrong.\"\n",
        "G.",
    );
    post(
        "h-draft",
        "2026-11-16",
        "draft = true\ntags = [\"grid\"]\n",
        "H.",
    );
    post(
        "i-embargoed",
        "2026-11-16",
        "embargo = 2027-01-01T00:00:00Z\ntags = [\"grid\"]\n",
        "I.",
    );
    site.file(
        "content/blog/j-french.fr.md",
        "+++\ntitle = \"j\"\ndate = 2026-11-19\ntags = [\"grid\"]\n+++\n\nJ cite[^census].\n",
    );
    site
}

/// The related items' links on the page at `url`, in order.
fn related_on(run: &Run, url: &str) -> Vec<String> {
    attrs(&run.html(url), "aside.related li > a", "href")
}

#[test]
fn related_items_are_ranked_by_what_they_share_and_only_published_ones() {
    let site = site();
    let run = site.build_ok();
    // b (the source: 4) and c (tag 2 + author 2 = 4) tie: the newer first; then d (tag 2).
    assert_eq!(
        related_on(&run, "/blog/a/"),
        vec!["/blog/c-tag-author/", "/blog/b-source/", "/blog/d-tag/"]
    );
    // Deterministic: the same list on another build.
    let again = site.build_ok();
    assert_eq!(related_on(&again, "/blog/a/"), related_on(&run, "/blog/a/"));
    // A page that shares nothing has no related list at all.
    assert!(
        run.html("/blog/e-nothing/")
            .select(&sel("aside.related"))
            .next()
            .is_none()
    );
}

#[test]
fn a_preview_relates_what_its_lists_show() {
    let site = site();
    let run = site.build_args(&["--drafts"]);
    run.assert_ok();
    let related = related_on(&run, "/blog/a/");
    assert!(
        related.contains(&"/blog/h-draft/".to_string()),
        "{related:?}"
    );
    assert!(
        !related.contains(&"/blog/f-unlisted/".to_string()),
        "{related:?}"
    );
}

/// A related item is made from the item's card (made once per build), not from the item
/// again: its fields must be the item's own, as its page shows them, badges included.
#[test]
fn a_related_item_shows_the_items_own_link_date_and_badges() {
    let site = site();
    let dump = "<!DOCTYPE html><html lang=\"en\"><head><title>p</title></head><body><script id=\"p\" type=\"application/json\">{{ page | json_encode() | safe }}</script></body></html>";
    site.file("templates/post.html", dump);
    let run = site.build_args(&["--drafts"]);
    run.assert_ok();
    let page = |url: &str| -> serde_json::Value {
        let doc = run.html(url);
        let text: String = doc.select(&sel("#p")).next().expect("#p").text().collect();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}: {text}"))
    };
    let a = page("/blog/a/");
    assert_eq!(a["url"], "/blog/a/");
    let related = a["related"].as_array().expect("related");
    assert!(related.len() >= 3, "{related:?}");
    let fields = [
        "title", "url", "date", "draft", "embargo", "standby", "timezone",
    ];
    for r in related {
        let keys: Vec<&str> = r
            .as_object()
            .expect("a map")
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = fields.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{r}");
        let own = page(r["url"].as_str().expect("url"));
        for field in fields {
            assert_eq!(r[field], own[field], "{field} of {r}");
        }
    }
    // The draft is among them, with its badge's field set.
    assert!(related.iter().any(|r| r["draft"] == true), "{related:?}");
}
