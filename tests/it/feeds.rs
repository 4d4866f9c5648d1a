//! Feeds, sitemaps and robots.txt: parsed with an XML parser and serde_json, not grepped.

use crate::common;
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

// ---------------------------------------------------------------------------------------------
// The example newsroom (the crate root), built with `--now` and read with a real feed parser.

use common::NOW;
use feed_rs::model::FeedType;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The example newsroom at the crate root, copied into a temp dir with its output beside it.
/// It is copied so that a test can edit it (and a deploy record into its `published.lock`)
/// without writing into the working tree.
struct Example {
    dir: tempfile::TempDir,
}

impl Example {
    fn new() -> Example {
        let dir = tempfile::Builder::new()
            .prefix("pressroom-example-")
            .tempdir()
            .unwrap();
        common::copy_example(&dir.path().join("site"));
        Example { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Builds into `TMP/NAME` with `--now now`.
    fn build(&self, name: &str, now: &str) -> PathBuf {
        let out = self.dir.path().join(name);
        let (root, out_s) = (self.root(), out.to_str().unwrap().to_string());
        let args = [
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            &out_s,
            "--now",
            now,
        ];
        common::run(&args, &out).assert_ok();
        out
    }
}

/// The example, built once per test binary at [`NOW`] into `TMP/public`.
fn example() -> &'static (Example, PathBuf) {
    static BUILT: OnceLock<(Example, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let ex = Example::new();
        let out = ex.build("public", NOW);
        (ex, out)
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

/// One content file of the example, read from its TOML front matter.
struct Doc {
    rel: String,
    lang: String,
    front: toml::Table,
}

impl Doc {
    fn str(&self, key: &str) -> Option<&str> {
        self.front.get(key).and_then(|v| v.as_str())
    }

    fn time(&self, key: &str) -> Option<jiff::Timestamp> {
        self.front
            .get(key)
            .map(|v| ts(&v.to_string().replace('"', "")))
    }

    fn title(&self) -> &str {
        self.str("title").unwrap()
    }

    /// The dates of a `[[corrections]]`/`[[updates]]` array whose entries pass `keep`.
    fn notice_dates(
        &self,
        array: &str,
        keep: impl Fn(&toml::Table) -> bool,
    ) -> Vec<jiff::Timestamp> {
        self.front
            .get(array)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_table())
            .filter(|t| keep(t))
            .map(|t| ts(&t["date"].to_string().replace('"', "")))
            .collect()
    }

    /// Whether a build at [`NOW`] writes its page.
    fn written(&self) -> bool {
        self.front.get("draft").and_then(|v| v.as_bool()) != Some(true)
            && self.str("status") != Some("standby")
            && self.time("embargo").is_none_or(|t| t <= ts(NOW))
    }

    /// Whether it belongs in feeds and sitemaps.
    fn in_feeds(&self) -> bool {
        self.written() && self.str("status") != Some("unlisted")
    }

    /// Corrections, clarifications, updates and withdrawal: what the corrections feed lists.
    fn public_notices(&self) -> Vec<(&'static str, jiff::Timestamp)> {
        let mut out = Vec::new();
        for kind in ["correction", "clarification"] {
            let dates = self.notice_dates("corrections", |t| {
                t.get("kind").and_then(|k| k.as_str()) == Some(kind)
            });
            out.extend(dates.into_iter().map(|d| (kind, d)));
        }
        let updates = self.notice_dates("updates", |_| true);
        out.extend(updates.into_iter().map(|d| ("update", d)));
        if let Some(w) = self.front.get("withdrawn").and_then(|v| v.as_table()) {
            out.push(("withdrawal", ts(&w["date"].to_string().replace('"', ""))));
        }
        out
    }
}

/// Every item file of the example (not `_index.md`), with its language.
fn example_docs(root: &Path) -> Vec<Doc> {
    let site: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("site.toml")).unwrap()).unwrap();
    let langs: BTreeSet<String> = site
        .get("languages")
        .and_then(|l| l.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    let default = site
        .get("default_language")
        .and_then(|v| v.as_str())
        .unwrap_or("en")
        .to_string();
    let mut docs = Vec::new();
    for rel in common::list_files(&root.join("content")) {
        let name = rel.rsplit('/').next().unwrap();
        if !rel.ends_with(".md") || name.starts_with("_index") {
            continue;
        }
        let text = std::fs::read_to_string(root.join("content").join(&rel)).unwrap();
        let front = text
            .strip_prefix("+++\n")
            .and_then(|t| t.split_once("\n+++"))
            .map(|(f, _)| f)
            .unwrap_or_else(|| panic!("{rel}: the example uses TOML front matter"));
        let front: toml::Table = toml::from_str(front).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let stem = name.trim_end_matches(".md");
        let from_name = stem
            .rsplit_once('.')
            .map(|(_, l)| l)
            .filter(|l| langs.contains(*l));
        let lang = front
            .get("lang")
            .and_then(|v| v.as_str())
            .or(from_name)
            .unwrap_or(&default)
            .to_string();
        docs.push(Doc {
            rel: format!("content/{rel}"),
            lang,
            front,
        });
    }
    docs
}

fn feed_limit(root: &Path) -> usize {
    let site: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("site.toml")).unwrap()).unwrap();
    site.get("feed_limit")
        .and_then(|v| v.as_integer())
        .map_or(20, |n| n as usize)
}

/// The three formats of one feed, by name (`atom`, `rss`, `json`), parsed.
type Formats = BTreeMap<&'static str, feed_rs::model::Feed>;

/// Every feed of an output: its folder (`press/`, `fr/corrections/`, ``) → its formats.
fn all_feeds(out: &Path) -> BTreeMap<String, Formats> {
    let mut feeds: BTreeMap<String, Formats> = BTreeMap::new();
    for rel in common::list_files(out) {
        let (dir, name) = rel
            .rsplit_once('/')
            .map_or(("", rel.as_str()), |(d, n)| (d, n));
        let format = match name {
            "atom.xml" => "atom",
            "rss.xml" => "rss",
            "feed.json" => "json",
            _ => continue,
        };
        let bytes = std::fs::read(out.join(&rel)).unwrap();
        let feed = feed_rs::parser::parse(bytes.as_slice())
            .unwrap_or_else(|e| panic!("{rel} does not parse as a feed: {e}"));
        let base = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        feeds.entry(base).or_default().insert(format, feed);
    }
    feeds
}

fn ids(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

fn links_to(entry: &feed_rs::model::Entry, path: &str) -> bool {
    entry.links.iter().any(|l| l.href.ends_with(path))
}

#[test]
fn example_feeds_parse_and_stay_within_the_feed_limit() {
    let (ex, out) = example();
    let limit = feed_limit(&ex.root());
    let docs = example_docs(&ex.root());
    let feeds = all_feeds(out);
    assert!(feeds.len() > 10, "feeds: {:?}", feeds.keys());
    for (base, formats) in &feeds {
        let kinds: Vec<_> = formats.keys().copied().collect();
        assert_eq!(
            kinds,
            ["atom", "json", "rss"],
            "{base}: every feed in three formats"
        );
        assert_eq!(formats["atom"].feed_type, FeedType::Atom, "{base}");
        assert_eq!(formats["rss"].feed_type, FeedType::RSS2, "{base}");
        assert_eq!(formats["json"].feed_type, FeedType::JSON, "{base}");
        let atom_ids = ids(&formats["atom"]);
        // A section that exists in every language may have an empty feed in some. The
        // corrections feeds keep at least 50 notices; their own test counts them exactly.
        assert!(
            base.ends_with("corrections/") || atom_ids.len() <= limit,
            "{base}: {} entries > feed_limit {limit}",
            atom_ids.len()
        );
        assert_eq!(
            atom_ids.iter().collect::<BTreeSet<_>>().len(),
            atom_ids.len(),
            "{base}: duplicate ids"
        );
        assert!(
            atom_ids.iter().all(|id| id.starts_with("tag:")),
            "{base}: {atom_ids:?}"
        );
        assert_eq!(
            ids(&formats["rss"]),
            atom_ids,
            "{base}: RSS guids are the Atom ids"
        );
        assert_eq!(
            ids(&formats["json"]),
            atom_ids,
            "{base}: JSON Feed ids are the Atom ids"
        );
        for e in &formats["atom"].entries {
            assert!(e.updated.is_some(), "{base}: {} has no updated", e.id);
            assert!(e.title.is_some() && !e.links.is_empty(), "{base}: {}", e.id);
        }
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("{base}feed.json"))).unwrap())
                .unwrap();
        assert_eq!(
            json["version"], "https://jsonfeed.org/version/1.1",
            "{base}feed.json"
        );
    }
    // Each language's site feed holds its newest items up to the limit.
    let langs: BTreeSet<&str> = docs.iter().map(|d| d.lang.as_str()).collect();
    for lang in langs {
        let base = if lang == "en" {
            String::new()
        } else {
            format!("{lang}/")
        };
        let eligible = docs
            .iter()
            .filter(|d| d.lang == lang && d.in_feeds())
            .count();
        let feed = &feeds
            .get(&base)
            .unwrap_or_else(|| panic!("no feed at /{base}"))["atom"];
        assert_eq!(feed.entries.len(), eligible.min(limit), "/{base}atom.xml");
    }
}

/// Every feed's entry ids by feed, for two outputs to compare.
fn feed_ids(out: &Path) -> BTreeMap<String, BTreeMap<&'static str, Vec<String>>> {
    all_feeds(out)
        .into_iter()
        .map(|(base, f)| {
            (
                base,
                f.iter()
                    .map(|(k, v)| (*k, ids(v)))
                    .collect::<BTreeMap<_, _>>(),
            )
        })
        .collect()
}

#[test]
fn example_feed_ids_are_unchanged_between_two_builds() {
    let (ex, out) = example();
    // A later clock, as a scheduled rebuild has: the ids must not move.
    let again = ex.build("public-again", "2026-12-01T08:00:00Z");
    assert_eq!(feed_ids(out), feed_ids(&again));
}

#[test]
fn feed_ids_survive_a_renamed_file_and_a_corrected_date() {
    let ex = Example::new();
    let before = ex.build("public", NOW);
    // The writer renames a published post's file (same URL) and corrects its date.
    let root = ex.root();
    let old = root.join("content/blog/2024-10-08-vasteras-night-shift.md");
    let text = std::fs::read_to_string(&old).unwrap();
    std::fs::remove_file(&old).unwrap();
    let end = text[3..].find("\n+++").expect("front matter") + 3;
    let text = format!(
        "{}\n\n[[corrections]]\ndate = 2026-11-30T10:00:00Z\nkind = \"correction\"\nnote = \"The visit was on 9 October, not 8 October.\"{}",
        &text[..end],
        &text[end..]
    )
    .replacen(
        "date = 2024-10-08T10:00:00+02:00",
        "date = 2024-10-09T10:00:00+02:00",
        1,
    );
    std::fs::write(
        root.join("content/blog/2024-10-09-vasteras-night-shift.md"),
        text,
    )
    .unwrap();
    let after = ex.build("public-after", "2026-12-01T08:00:00Z");
    let (a, b) = (feed_ids(&before), feed_ids(&after));
    for (feed, formats) in &a {
        for (format, ids) in formats {
            let now: BTreeSet<&String> = b[feed][format].iter().collect();
            let missing: Vec<&String> = ids.iter().filter(|id| !now.contains(id)).collect();
            assert!(missing.is_empty(), "{feed}{format}: ids moved: {missing:?}");
            if !feed.starts_with("corrections/") {
                assert_eq!(ids.len(), now.len(), "{feed}{format}: no new entry");
            }
        }
    }
    let blog = &b["blog/"]["atom"];
    assert!(
        blog.iter()
            .any(|id| id.ends_with(":blog/2024-10-08-vasteras-night-shift")),
        "the post keeps the id it was published with: {blog:?}"
    );
}

#[test]
fn example_updated_moves_with_the_newest_notice_of_the_developing_story() {
    let (ex, out) = example();
    let rel = "content/statements/2026-09-14-venissieux-fire.md";
    let docs = example_docs(&ex.root());
    let doc = docs
        .iter()
        .find(|d| d.rel == rel)
        .expect("the developing story");
    let mut notices = doc.notice_dates("corrections", |_| true);
    notices.extend(doc.notice_dates("updates", |_| true));
    let newest = notices.into_iter().max().expect("it has notices");
    let published = doc.time("date").unwrap();
    assert!(newest > published);
    let mut seen = 0;
    for (base, formats) in all_feeds(out) {
        for format in ["atom", "json"] {
            for e in formats[format]
                .entries
                .iter()
                .filter(|e| links_to(e, "/statements/venissieux-fire/"))
            {
                if base.ends_with("corrections/") {
                    continue;
                }
                seen += 1;
                let updated = e
                    .updated
                    .unwrap_or_else(|| panic!("{base} {format}: no updated"));
                assert_eq!(
                    updated.timestamp(),
                    newest.as_second(),
                    "{base} {format}: updated"
                );
                let p = e
                    .published
                    .unwrap_or_else(|| panic!("{base} {format}: no published"));
                assert_eq!(
                    p.timestamp(),
                    published.as_second(),
                    "{base} {format}: published"
                );
            }
        }
    }
    assert!(
        seen >= 4,
        "the statement is in the site, section and tag feeds ({seen})"
    );
}

#[test]
fn example_corrections_feeds_have_one_entry_per_notice() {
    let (ex, out) = example();
    let docs = example_docs(&ex.root());
    let feeds = all_feeds(out);
    let mut total = 0;
    for (base, formats) in feeds.iter().filter(|(b, _)| b.ends_with("corrections/")) {
        let lang = base
            .strip_suffix("corrections/")
            .unwrap()
            .trim_end_matches('/');
        let lang = if lang.is_empty() { "en" } else { lang };
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for d in docs.iter().filter(|d| d.lang == lang && d.in_feeds()) {
            for (kind, _) in d.public_notices() {
                *expected.entry(kind).or_default() += 1;
            }
        }
        for (format, feed) in formats {
            let mut got: BTreeMap<&str, usize> = BTreeMap::new();
            for e in &feed.entries {
                let kind = e.categories.first().map(|c| c.term.as_str()).unwrap_or("");
                let kind = ["correction", "clarification", "update", "withdrawal"]
                    .into_iter()
                    .find(|k| *k == kind)
                    .unwrap_or_else(|| panic!("{base}{format}: entry {} has kind `{kind}`", e.id));
                *got.entry(kind).or_default() += 1;
            }
            assert_eq!(got, expected, "/{base} ({format})");
            let ids = ids(feed);
            assert_eq!(
                ids.iter().collect::<BTreeSet<_>>().len(),
                ids.len(),
                "{base}: ids"
            );
        }
        total += expected.values().sum::<usize>();
    }
    assert!(
        total >= 7,
        "the example has corrections, updates and a withdrawal ({total})"
    );
    // The developing story: one entry for each correction, clarification and update, each
    // linking to its own anchor; the editorial note is not among them.
    let en = &feeds["corrections/"]["atom"];
    let fire: Vec<_> = en
        .entries
        .iter()
        .filter(|e| {
            e.links
                .iter()
                .any(|l| l.href.contains("/statements/venissieux-fire/#"))
        })
        .collect();
    let doc = docs
        .iter()
        .find(|d| d.rel.ends_with("venissieux-fire.md"))
        .unwrap();
    assert_eq!(fire.len(), doc.public_notices().len());
    let anchors: BTreeSet<_> = fire
        .iter()
        .map(|e| e.links[0].href.rsplit('#').next().unwrap().to_string())
        .collect();
    assert_eq!(anchors.len(), fire.len(), "{anchors:?}");
    assert!(
        !anchors.iter().any(|a| a.starts_with("editorial")),
        "{anchors:?}"
    );
}

#[test]
fn example_embargoed_item_is_in_no_feed_or_sitemap() {
    let (ex, out) = example();
    let rel = "content/press/2028-01-15-fjord-6-launch.md";
    let docs = example_docs(&ex.root());
    let doc = docs
        .iter()
        .find(|d| d.rel == rel)
        .expect("the embargoed release");
    assert!(!doc.written(), "still under embargo at {NOW}");
    let title = doc.title().to_string();
    let needles = [title.as_str(), "fjord-6-launch", "Fjord 6"];
    let files: Vec<String> = common::list_files(out)
        .into_iter()
        .filter(|f| {
            f.ends_with("atom.xml")
                || f.ends_with("rss.xml")
                || f.ends_with("feed.json")
                || (f.starts_with("sitemap") && f.ends_with(".xml"))
                || f == "robots.txt"
        })
        .collect();
    assert!(
        files.iter().any(|f| f == "sitemap.xml") && files.iter().any(|f| f == "sitemap-news.xml")
    );
    assert!(files.len() > 30, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        for n in needles {
            assert!(!text.contains(n), "{f} mentions the embargoed item (`{n}`)");
        }
    }
    for (base, formats) in all_feeds(out) {
        for (format, feed) in formats {
            for e in &feed.entries {
                let t = e.title.as_ref().map(|t| t.content.as_str()).unwrap_or("");
                assert_ne!(t, title, "{base}{format}");
                assert!(!links_to(e, "/press/fjord-6-launch/"), "{base}{format}");
            }
        }
    }
}

#[test]
fn example_sitemap_lists_every_public_item_with_lastmod() {
    let (ex, out) = example();
    let docs = example_docs(&ex.root());
    let text = xml(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&text).expect("sitemap parses");
    assert!(
        doc.root_element().has_tag_name("urlset"),
        "one file under the limit"
    );
    let urls: BTreeMap<String, Option<String>> = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            let child = |name: &str| {
                u.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    let items = docs.iter().filter(|d| d.in_feeds()).count();
    assert!(urls.len() >= items, "{} URLs for {items} items", urls.len());
    let fire = urls
        .iter()
        .find(|(loc, _)| loc.ends_with("/statements/venissieux-fire/"))
        .expect("the statement is in the sitemap");
    let lastmod = fire.1.as_deref().map(ts).expect("lastmod");
    let d = docs
        .iter()
        .find(|d| d.rel.ends_with("venissieux-fire.md"))
        .unwrap();
    let mut dates = d.notice_dates("corrections", |_| true);
    dates.extend(d.notice_dates("updates", |_| true));
    assert_eq!(Some(lastmod), dates.into_iter().max());
    assert!(
        !urls.keys().any(|l| l.contains("media-accreditation")),
        "unlisted"
    );
    assert!(
        !urls.keys().any(|l| l.contains("cyber-incident")),
        "standby"
    );
}

#[test]
fn a_drafts_preview_never_announces_drafts_or_embargoed_items() {
    let t = site();
    t.file(
        "content/press/2026-11-03-draft.md",
        "+++\ntitle = \"Draft news\"\ndate = 2026-11-03T09:00:00Z\ndraft = true\n+++\n\nText.\n",
    );
    let b = t.build_args(&["--drafts"]);
    b.assert_ok();
    assert!(
        b.exists("/press/draft/index.html"),
        "the preview shows the draft page"
    );
    let out = t.out();
    for file in common::list_files(&out) {
        if file.ends_with(".xml") || file.ends_with(".json") {
            let text = std::fs::read_to_string(out.join(&file)).unwrap();
            assert!(
                !text.contains("Draft news") && !text.contains("Secret launch"),
                "{file} announces a preview item"
            );
        }
    }
}

/// Every list with feeds (the home page, a section, a tag) links its own Atom feed, and every
/// one of them links the home feed: the pages' `feeds` come from the feeds' titles, which the
/// render context takes without the feeds' items (`feeds::titles`), so a list left out there
/// would lose its links while its feed is still written.
#[test]
fn every_list_with_a_feed_links_it_and_the_home_feed() {
    let t = site();
    t.build_ok();
    let files = t.files();
    let atom_feeds: Vec<&String> = (files.iter())
        .filter(|f| f.ends_with("atom.xml") && !f.contains("corrections"))
        .collect();
    assert!(atom_feeds.len() >= 3, "{atom_feeds:?}");
    let atom = scraper::Selector::parse(r#"link[rel="alternate"][type="application/atom+xml"]"#)
        .expect("selector");
    for feed in atom_feeds {
        let dir = feed.trim_end_matches("atom.xml");
        let page = format!("{dir}index.html");
        if !files.contains(&page) {
            continue;
        }
        let html = t.html(&format!("/{dir}"));
        let links: Vec<&str> = (html.select(&atom))
            .filter_map(|l| l.value().attr("href"))
            .collect();
        let linked = |path: &str| links.contains(&path);
        assert!(
            linked(&format!("/{feed}")),
            "{page} links {links:?}, not /{feed}"
        );
        assert!(
            linked("/atom.xml"),
            "{page} does not link the home feed: {links:?}"
        );
    }
}
