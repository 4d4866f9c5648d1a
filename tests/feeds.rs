//! Feeds, sitemaps and robots.txt: parsed with an XML parser and serde_json, not grepped.

mod common;
use common::SiteTest;

fn site() -> SiteTest {
    let t = SiteTest::new();
    t.file("content/press/_index.md", "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n")
        .file(
            "content/press/2026-11-01-plant.md",
            "+++\ntitle = \"Plant opens\"\ndate = 2026-11-01T09:00:00Z\ndateline = \"LYON\"\ntags = [\"plants\"]\n\n[[corrections]]\ndate = 2026-11-05T10:00:00Z\nkind = \"correction\"\nnote = \"The plant employs 300, not 400.\"\n\n[[corrections]]\ndate = 2026-11-03T10:00:00Z\nkind = \"clarification\"\nnote = \"Capacity is per year.\"\n\n[[updates]]\ndate = 2026-11-02T10:00:00Z\nbody = \"Production started.\"\n+++\n\nThe plant opens.\n",
        )
        .file("content/press/2026-11-02-other.md", "+++\ntitle = \"Other news\"\ndate = 2026-11-02T09:00:00Z\ntags = [\"plants\"]\n+++\n\nText.\n")
        .file(
            "content/press/2028-01-15-secret.md",
            "+++\ntitle = \"Secret launch\"\ndate = 2028-01-15\nembargo = 2028-01-15T08:00:00+01:00\ntags = [\"plants\"]\n+++\n\nHidden.\n",
        );
    t
}

fn xml(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn atom_rss_and_json_feeds_parse_and_carry_corrections() {
    let t = site();
    t.build_ok();
    let out = t.out();
    let atom_text = xml(&out.join("press/atom.xml"));
    let atom = roxmltree::Document::parse(&atom_text).expect("atom parses");
    let entries: Vec<_> = atom
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 2, "the embargoed release is not in the feed");
    let plant = entries
        .iter()
        .find(|e| {
            e.descendants()
                .any(|n| n.has_tag_name("title") && n.text() == Some("Plant opens"))
        })
        .expect("plant entry");
    let updated = plant
        .descendants()
        .find(|n| n.has_tag_name("updated"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(
        updated, "2026-11-05T10:00:00Z",
        "updated is the newest correction"
    );
    let id = plant
        .descendants()
        .find(|n| n.has_tag_name("id"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(id.starts_with("tag:"), "{id}");

    let rss_text = xml(&out.join("rss.xml"));
    let rss = roxmltree::Document::parse(&rss_text).expect("rss parses");
    assert_eq!(
        rss.descendants().filter(|n| n.has_tag_name("item")).count(),
        2
    );

    let json: serde_json::Value =
        serde_json::from_str(&xml(&out.join("tags/plants/feed.json"))).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["items"].as_array().unwrap().len(), 2);

    let corrections: serde_json::Value =
        serde_json::from_str(&xml(&out.join("corrections/feed.json"))).unwrap();
    let kinds: Vec<_> = corrections["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["tags"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        ["correction", "clarification", "update"],
        "one entry per notice, newest first"
    );

    // Ids are stable across builds.
    t.build_ok();
    let again = xml(&out.join("press/atom.xml"));
    assert_eq!(atom_text, again);
}

#[test]
fn sitemap_and_robots_list_public_items_only() {
    let t = site();
    t.build_ok();
    let out = t.out();
    let text = xml(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&text).expect("sitemap parses");
    let locs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.iter().any(|l| l.ends_with("/press/plant/")),
        "{locs:?}"
    );
    assert!(!locs.iter().any(|l| l.contains("secret")), "{locs:?}");
    let robots = xml(&out.join("robots.txt"));
    assert!(
        robots
            .lines()
            .any(|l| l.starts_with("Sitemap: ") && l.ends_with("/sitemap.xml")),
        "{robots}"
    );
    for file in common::list_files(&out) {
        let bytes = std::fs::read(out.join(&file)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Secret launch"),
            "embargoed title in {file}"
        );
    }
}
