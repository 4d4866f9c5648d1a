//! schema.org JSON-LD and the social tags in item pages: the example newsroom (the crate root)
//! built with `--now`, every `<script type="application/ld+json">` parsed with serde_json.

use crate::common;
use common::{NOW, SiteTest, attrs, sel};
use scraper::Html;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The example newsroom copied into a temp dir (a build writes the site's `published.lock`,
/// which must not land in the working tree) and built once at [`NOW`]: (temp dir, root, out).
fn example() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("pressroom-example-")
            .tempdir()
            .unwrap();
        let root = dir.path().join("site");
        common::copy_example(&root);
        let out = dir.path().join("public");
        let args = [
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--now",
            NOW,
        ];
        common::run(&args, &out).assert_ok();
        (dir, root, out)
    })
}

fn ts(text: &str) -> jiff::Timestamp {
    text.parse::<jiff::Timestamp>()
        .or_else(|_| {
            text.parse::<jiff::civil::DateTime>()
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC))
                .map(|z| z.timestamp())
        })
        .unwrap_or_else(|e| panic!("date `{text}`: {e}"))
}

fn toml_time(v: &toml::Value) -> jiff::Timestamp {
    ts(&v.to_string().replace('"', ""))
}

/// The TOML front matter of a content file.
fn front(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap();
    let f = text
        .strip_prefix("+++\n")
        .and_then(|t| t.split_once("\n+++"))
        .map(|(f, _)| f)
        .unwrap_or_else(|| panic!("{}: TOML front matter", path.display()));
    toml::from_str(f).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An item of the example that a build at [`NOW`] writes: title, kind, whether it has updates.
struct Doc {
    rel: String,
    title: String,
    kind: String,
    updates: usize,
}

fn written_docs(root: &Path) -> Vec<Doc> {
    let content = root.join("content");
    let mut docs = Vec::new();
    for rel in common::list_files(&content) {
        let name = rel.rsplit('/').next().unwrap();
        // The media library's kits are not items (tests/it/media.rs checks their JSON-LD).
        if !rel.ends_with(".md") || name.starts_with("_index") || rel.starts_with("media/") {
            continue;
        }
        let f = front(&content.join(&rel));
        let draft = f.get("draft").and_then(|v| v.as_bool()) == Some(true);
        let status = f.get("status").and_then(|v| v.as_str());
        let embargoed = f.get("embargo").is_some_and(|e| toml_time(e) > ts(NOW));
        if draft || status == Some("standby") || embargoed {
            continue;
        }
        // The kind: the item's own, else its section's (`_index.md`), else `post`.
        let section_kind = rel.rsplit_once('/').and_then(|(dir, _)| {
            let index = content.join(dir).join("_index.md");
            index
                .exists()
                .then(|| front(&index))
                .and_then(|f| f.get("kind").and_then(|k| k.as_str()).map(str::to_string))
        });
        let kind = f
            .get("kind")
            .and_then(|k| k.as_str())
            .map(str::to_string)
            .or(section_kind)
            .unwrap_or_else(|| "post".into());
        docs.push(Doc {
            rel: format!("content/{rel}"),
            title: f["title"].as_str().unwrap().to_string(),
            kind,
            updates: f
                .get("updates")
                .and_then(|u| u.as_array())
                .map_or(0, Vec::len),
        });
    }
    docs
}

/// The JSON-LD blocks of one page, parsed, with their raw text.
fn jsonld_blocks(html: &Html) -> Vec<(String, Value)> {
    html.select(&sel(r#"script[type="application/ld+json"]"#))
        .map(|s| {
            let raw: String = s.text().collect();
            let v = serde_json::from_str(&raw)
                .unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}): {raw}"));
            (raw, v)
        })
        .collect()
}

/// A page's HTML text and its JSON-LD blocks (raw text and parsed).
type Page = (String, Vec<(String, Value)>);

/// Every HTML page of the output with its JSON-LD blocks, by output file.
fn pages(out: &Path) -> &'static BTreeMap<String, Page> {
    static PAGES: OnceLock<BTreeMap<String, Page>> = OnceLock::new();
    PAGES.get_or_init(|| {
        common::list_files(out)
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .map(|f| {
                let text = std::fs::read_to_string(out.join(&f)).unwrap();
                let blocks = jsonld_blocks(&Html::parse_document(&text));
                (f, (text, blocks))
            })
            .collect()
    })
}

fn expected_type(doc: &Doc) -> &'static str {
    match doc.kind.as_str() {
        "statement" | "post" if doc.updates > 0 => "LiveBlogPosting",
        "release" | "statement" => "NewsArticle",
        "post" => "BlogPosting",
        "factsheet" => "Article",
        "page" => "WebPage",
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_item_page_has_one_jsonld_block_of_the_right_type() {
    let (_, root, out) = example();
    let docs = written_docs(root);
    let pages = pages(out);
    // Press-kit pages describe their files (tests/it/media.rs), not an item.
    let with_jsonld: Vec<(&String, &Value)> = pages
        .iter()
        .filter(|(f, _)| !f.starts_with("media/"))
        .flat_map(|(f, (_, blocks))| blocks.iter().map(move |(_, v)| (f, v)))
        .collect();
    assert_eq!(
        with_jsonld.len(),
        docs.len(),
        "one JSON-LD block per item page and none elsewhere: {:?}",
        with_jsonld.iter().map(|(f, _)| f).collect::<Vec<_>>()
    );
    for doc in &docs {
        let found: Vec<_> = with_jsonld
            .iter()
            .filter(|(_, v)| v["headline"] == doc.title.as_str())
            .collect();
        assert_eq!(found.len(), 1, "{}: JSON-LD with its headline", doc.rel);
        let (file, v) = found[0];
        assert_eq!(v["@context"], "https://schema.org", "{file}");
        assert_eq!(v["@type"], expected_type(doc), "{} ({file})", doc.rel);
        let html = Html::parse_document(&pages[*file].0);
        let canonical = attrs(&html, r#"link[rel="canonical"]"#, "href");
        assert_eq!(
            v["url"],
            canonical[0].as_str(),
            "{file}: url is the canonical URL"
        );
        let lang = attrs(&html, "html", "lang");
        assert_eq!(v["inLanguage"], lang[0].as_str(), "{file}");
        assert_eq!(v["publisher"]["@type"], "Organization", "{file}");
        assert!(v["publisher"]["name"].is_string(), "{file}");
        for a in v["author"].as_array().expect("author list") {
            assert!(a["name"].is_string(), "{file}: {a}");
            assert!(
                a["url"].as_str().is_some_and(|u| u.starts_with("https://")),
                "{file}: {a}"
            );
        }
        if doc.kind != "page" {
            assert_eq!(
                v["mainEntityOfPage"]["@id"],
                canonical[0].as_str(),
                "{file}"
            );
        }
        if let Some(images) = v.get("image") {
            // A URL, or an `ImageObject` (a local photo: size and credits) with one.
            for i in images.as_array().unwrap() {
                let url = i.as_str().or_else(|| i["url"].as_str()).unwrap();
                assert!(url.starts_with("https://"), "{file}: {i}");
            }
        }
        // Social tags come from the theme.
        for selector in [
            r#"meta[property="og:title"]"#,
            r#"meta[property="og:url"]"#,
            r#"meta[property="og:type"]"#,
            r#"meta[name="twitter:card"]"#,
        ] {
            assert_eq!(html.select(&sel(selector)).count(), 1, "{file}: {selector}");
        }
        assert_eq!(
            attrs(&html, r#"meta[property="og:url"]"#, "content"),
            canonical,
            "{file}"
        );
    }
}

#[test]
fn jsonld_of_the_developing_story_carries_corrections_sources_and_updates() {
    let (_, root, out) = example();
    let rel = "content/statements/2026-09-14-venissieux-fire.md";
    let f = front(&root.join(rel));
    let (_, (_, blocks)) = pages(out)
        .iter()
        .find(|(file, _)| file.as_str() == "statements/venissieux-fire/index.html")
        .expect("the statement's page");
    let v = &blocks[0].1;
    assert_eq!(v["@type"], "LiveBlogPosting");
    assert_eq!(v["inLanguage"], "en");
    assert_eq!(
        ts(v["datePublished"].as_str().unwrap()),
        toml_time(&f["date"])
    );

    let notices = f["corrections"].as_array().unwrap();
    let updates = f["updates"].as_array().unwrap();
    let newest = notices
        .iter()
        .chain(updates)
        .map(|n| toml_time(&n["date"]))
        .max()
        .unwrap();
    assert_eq!(ts(v["dateModified"].as_str().unwrap()), newest);

    // Corrections and clarifications, not the editorial note.
    let mut public: Vec<jiff::Timestamp> = notices
        .iter()
        .filter(|n| n["kind"].as_str() != Some("editorial"))
        .map(|n| toml_time(&n["date"]))
        .collect();
    public.sort();
    let corrections = v["correction"].as_array().expect("correction entries");
    let mut dates: Vec<jiff::Timestamp> = corrections
        .iter()
        .map(|c| {
            assert_eq!(c["@type"], "CorrectionComment");
            assert!(c["text"].as_str().is_some_and(|t| t.len() > 20), "{c}");
            assert!(
                !c["text"].as_str().unwrap().contains('<'),
                "plain text: {c}"
            );
            ts(c["datePublished"].as_str().unwrap())
        })
        .collect();
    dates.sort();
    assert_eq!(dates, public);

    // A citation per source, with its publisher.
    let sources = f["sources"].as_array().unwrap();
    let citations = v["citation"].as_array().expect("citations");
    assert!(citations.len() >= sources.len(), "{citations:?}");
    for s in sources {
        let c = citations
            .iter()
            .find(|c| c["name"] == s["title"].as_str().unwrap())
            .unwrap_or_else(|| panic!("no citation for {}", s["id"]));
        assert_eq!(c["@type"], "CreativeWork");
        assert_eq!(c["url"], s["url"].as_str().unwrap());
        assert_eq!(c["publisher"]["name"], s["publisher"].as_str().unwrap());
    }

    let live = v["liveBlogUpdate"].as_array().expect("updates");
    assert_eq!(live.len(), updates.len());
    for u in live {
        assert_eq!(u["@type"], "BlogPosting");
        assert!(u["headline"].as_str().is_some_and(|h| !h.is_empty()));
        assert!(u["articleBody"].is_string());
        assert!(
            u["url"]
                .as_str()
                .is_some_and(|l| l.contains("/statements/venissieux-fire/#update-")),
            "{u}"
        );
    }
}

#[test]
fn jsonld_of_releases_posts_and_withdrawn_items() {
    let (_, _, out) = example();
    let pages = pages(out);
    let get = |file: &str| &pages[file].1[0].1;
    let release = get("press/venissieux-plant-opening/index.html");
    assert_eq!(release["@type"], "NewsArticle");
    assert_eq!(release["dateline"], "LYON");
    assert_eq!(
        release["image"][0], "https://newsroom.northwind-grid.example/logo.svg",
        "image is absolute"
    );
    let post = get("blog/correcting-in-the-open/index.html");
    assert_eq!(post["@type"], "BlogPosting");
    assert!(post.get("correction").is_none());
    let withdrawn = get("press/tidewater-sodium-ion-launch/index.html");
    assert_eq!(withdrawn["@type"], "NewsArticle");
    assert_eq!(withdrawn["creativeWorkStatus"], "Withdrawn");
    let korean = get("ko/press/pyeongtaek-cell-plant/index.html");
    assert_eq!(korean["inLanguage"], "ko");
    // Lists, taxonomies and the home page have no JSON-LD.
    for file in [
        "index.html",
        "press/index.html",
        "tags/index.html",
        "corrections/index.html",
    ] {
        assert!(pages[file].1.is_empty(), "{file}");
    }
}

#[test]
fn embargoed_item_has_no_jsonld_anywhere() {
    let (_, root, out) = example();
    let f = front(&root.join("content/press/2028-01-15-fjord-6-launch.md"));
    let title = f["title"].as_str().unwrap();
    for (file, (_, blocks)) in pages(out) {
        for (raw, v) in blocks {
            assert_ne!(v["headline"], title, "{file}");
            assert!(!raw.contains("fjord-6-launch"), "{file}");
        }
    }
}

#[test]
fn jsonld_cannot_close_its_script_element() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-01-tricky.md",
        "+++\ntitle = \"A </script><script>alert(1)</script> & <!-- title\"\ndate = 2026-11-01T09:00:00Z\nsummary = \"Ends </SCRIPT> here\"\n\n[[corrections]]\ndate = 2026-11-02T09:00:00Z\nkind = \"correction\"\nnote = \"It said `</script>` and <b>bold</b>.\"\n+++\n\nBody.\n",
    );
    t.build_ok();
    let text = std::fs::read_to_string(t.out().join("blog/tricky/index.html")).unwrap();
    let start = text
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block");
    let body = &text[start + r#"<script type="application/ld+json">"#.len()..];
    let raw = &body[..body.find("</script>").unwrap()];
    assert!(!raw.contains('<') && !raw.contains('>'), "{raw}");
    let v: Value = serde_json::from_str(raw).expect("the whole block parses");
    assert_eq!(
        v["headline"],
        "A </script><script>alert(1)</script> & <!-- title"
    );
    assert_eq!(v["@type"], "BlogPosting");
    assert_eq!(v["correction"][0]["@type"], "CorrectionComment");
    let html = t.html("/blog/tricky/");
    assert_eq!(jsonld_blocks(&html).len(), 1);
}

/// JSON-LD texts are plain: no citation marks, table pipes, strike or heading-id syntax; the
/// writer's own quotes kept straight (JSON-LD is read by machines, not typeset).
#[test]
fn jsonld_texts_of_notes_and_updates_are_plain_text_of_the_markdown() {
    let t = SiteTest::new();
    t.file(
        "content/blog/2026-11-01-story.md",
        "+++\ntitle = \"Story\"\ndate = 2026-11-01T09:00:00Z\n\n[[sources]]\nid = \"lab\"\ntitle = \"Lab report\"\n\n[[corrections]]\ndate = 2026-11-02T09:00:00Z\nkind = \"correction\"\nnote = \"We said 41[^lab]; it's ~~41~~ 64.\"\n\n[[updates]]\ndate = 2026-11-03T09:00:00Z\nbody = \"\"\"\n### Count {#count}\n\n| Site | People |\n|---|---|\n| Lyon | 64 |\n\"\"\"\n+++\n\nBody citing [^lab].\n",
    );
    t.build_ok();
    let html = t.html("/blog/story/");
    let blocks = jsonld_blocks(&html);
    let v = &blocks[0].1;
    assert_eq!(v["correction"][0]["text"], "We said 41; it's 41 64.", "{v}");
    assert_eq!(
        v["liveBlogUpdate"][0]["articleBody"], "Count Site People Lyon 64",
        "{v}"
    );
}

/// `og:image` and `twitter:image` are absolute URLs whatever the front matter's `image` is:
/// a photo beside the item in its bundle, a root-relative path, or a full URL. (A
/// bundle-relative `image` used to give `https://example.comphoto.jpg`.)
#[test]
fn open_graph_images_are_absolute_urls() {
    let site = SiteTest::new();
    let cases = [
        (
            "blog/bundled/index.md",
            "photo.jpg",
            "/blog/bundled/",
            "/blog/bundled/photo.jpg",
        ),
        (
            "blog/rooted.md",
            "/img/x.png",
            "/blog/rooted/",
            "/img/x.png",
        ),
        (
            "blog/remote.md",
            "https://cdn.example.net/a.jpg",
            "/blog/remote/",
            "",
        ),
    ];
    for (file, image, _, _) in cases {
        site.file(
            &format!("content/{file}"),
            &format!("+++\ntitle = \"T\"\ndate = 2026-11-01\nimage = \"{image}\"\n+++\nText.\n"),
        );
    }
    let run = site.build_ok();
    for (_, image, page, path) in cases {
        let html = run.html(page);
        let want = if path.is_empty() {
            image.to_string()
        } else {
            format!("{}{path}", common::BASE_URL.trim_end_matches('/'))
        };
        for meta in ["meta[property='og:image']", "meta[name='twitter:image']"] {
            assert_eq!(
                attrs(&html, meta, "content"),
                std::slice::from_ref(&want),
                "{page} {meta}"
            );
        }
    }
}
