//! A title edit through the incremental layer: `build` through its state, and serve's memo
//! tables (told every file, or told the changed paths). An edit of titles alone keeps every
//! list, and then only the pages that show the item or name it are looked at; each test
//! edits a title that some page shows outside the item's own lists (a translation's page, a
//! related item, the corrections page and feed) or that changes a list (its order, the item's
//! URL), and every way of building must give the bytes of a clean build. Serve patches its
//! last site with a title that keeps every list, and loads the site again for one that does
//! not.

use crate::common::{SiteTest, texts};
use pressroom::BuildOptions;
use pressroom::incremental::{Incremental, RebuildStats};
use std::path::PathBuf;

/// A site built through its state and through both in-process memos, ready for an edit.
struct Rebuilds {
    opts: BuildOptions,
    clean: PathBuf,
    cache: Incremental,
    shared: Incremental,
}

impl Rebuilds {
    /// Builds `site` twice into its output (the second leaves the state the next build
    /// reads), and once through each memo.
    fn start(site: &SiteTest) -> Rebuilds {
        let mut opts =
            BuildOptions::new(site.root(), "2026-11-23T08:00:00Z".parse().expect("time"));
        opts.output = site.out();
        let clean = site.tmp().join("clean");
        crate::persist::compare(&opts, &clean, "first build");
        crate::persist::compare(&opts, &clean, "second build");
        let mut cache = Incremental::default();
        let mut shared = Incremental::shared();
        cache.rebuild(&opts).expect("first build");
        shared.rebuild(&opts).expect("first build");
        Rebuilds {
            opts,
            clean,
            cache,
            shared,
        }
    }

    /// Writes `text` to `rel`, rebuilds every way and compares each with a clean build;
    /// returns what the build through the state did, and whether serve's memo (told the
    /// edited file) patched its last site; None when every build failed alike.
    fn edit(&mut self, site: &SiteTest, rel: &str, text: &str) -> Option<(RebuildStats, bool)> {
        site.file(rel, text);
        let path = site.root().join(rel);
        self.cache.invalidate([path.as_path()]);
        self.shared.changed([path.as_path()]);
        let what = format!("title of {rel} edited");
        crate::serve::compare_builds(&self.opts, &mut self.cache, &mut self.shared, &what);
        let built = crate::persist::compare(&self.opts, &self.clean, &what)?;
        let stats = built.incremental.expect("through the state");
        assert_eq!(
            self.cache.stats().lists_unchanged,
            stats.lists_unchanged,
            "{what}: the memo and the state took different paths"
        );
        Some((stats, self.shared.stats().patched))
    }
}

fn item(title: &str, date: &str, more: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}T09:00:00Z\n{more}+++\nThe text of {title}.\n")
}

/// The other-language versions' titles, as a theme may show them on an item's page (the
/// default theme names their languages).
const VERSIONS: &str = "{% extends \"item.html\" %}\n{% block after_content %}<ul class=\"versions\">{% for t in translations %}<li>{{ t.title }}</li>{% endfor %}</ul>{% endblock after_content %}\n";

#[test]
fn a_retitled_translation_is_renamed_on_the_other_versions_pages() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        "title = \"N\"\nbase_url = \"https://n.example\"\n[languages.fr]\n",
    )
    .file("templates/post.html", VERSIONS)
    .file(
        "content/blog/plant.md",
        &item("Plant opens", "2026-05-01", "kind = \"post\"\n"),
    )
    .file(
        "content/blog/plant.fr.md",
        &item("L'usine ouvre", "2026-05-01", "kind = \"post\"\n"),
    )
    .file(
        "content/blog/other.md",
        &item("Another post", "2026-05-02", "kind = \"post\"\n"),
    );
    let mut builds = Rebuilds::start(&site);
    assert_eq!(
        texts(&site.html("/blog/plant/"), "ul.versions li"),
        ["L'usine ouvre"]
    );
    let (stats, patched) = builds
        .edit(
            &site,
            "content/blog/plant.fr.md",
            &item("L'usine de Lyon ouvre", "2026-05-01", "kind = \"post\"\n"),
        )
        .expect("the builds succeed");
    assert!(
        stats.lists_unchanged && !stats.shape_unchanged,
        "a title alone changed: {stats:?}"
    );
    assert!(patched, "serve patches a title edit that keeps every list");
    assert!(stats.pages_reused > 0, "{stats:?}");
    assert_eq!(
        texts(&site.html("/blog/plant/"), "ul.versions li"),
        ["L'usine de Lyon ouvre"]
    );
}

#[test]
fn a_retitled_item_is_renamed_on_the_pages_that_show_it_as_related() {
    let site = SiteTest::new();
    let tags = "tags = [\"grid\", \"energy\"]\n";
    site.file(
        "content/blog/grid.md",
        &item("Grid deal", "2026-05-01", tags),
    )
    .file(
        "content/blog/storage.md",
        &item("Storage plan", "2026-05-02", tags),
    )
    .file(
        "content/blog/hiring.md",
        &item("Hiring news", "2026-05-03", "tags = [\"people\"]\n"),
    );
    let mut builds = Rebuilds::start(&site);
    let related = |site: &SiteTest| texts(&site.html("/blog/grid/"), "aside.related a");
    assert!(
        related(&site).iter().any(|t| t.contains("Storage plan")),
        "{:?}",
        related(&site)
    );
    let (stats, patched) = builds
        .edit(
            &site,
            "content/blog/storage.md",
            &item("A storage plan for the north", "2026-05-02", tags),
        )
        .expect("the builds succeed");
    assert!(stats.lists_unchanged && !stats.shape_unchanged, "{stats:?}");
    assert!(patched, "serve patches a title edit that keeps every list");
    let now = related(&site);
    assert!(
        now.iter()
            .any(|t| t.contains("A storage plan for the north")),
        "{now:?}"
    );
}

const CORRECTED: &str = "[[corrections]]\ndate = 2026-05-03T09:00:00Z\nkind = \"correction\"\nnote = \"Fixed a number.\"\n";

#[test]
fn a_retitled_corrected_item_is_renamed_on_the_corrections_page_and_feeds() {
    let site = SiteTest::new();
    site.file(
        "content/press/output.md",
        &item("Output rises", "2026-05-01", CORRECTED),
    )
    .file(
        "content/press/other.md",
        &item("Other news", "2026-05-02", ""),
    );
    let mut builds = Rebuilds::start(&site);
    let named = |site: &SiteTest| texts(&site.html("/corrections/"), "p.notice-item a");
    assert_eq!(named(&site), ["Output rises"]);
    let feed_titles = |site: &SiteTest| -> Vec<String> {
        let text = std::fs::read_to_string(site.out().join("corrections/atom.xml"))
            .expect("the corrections feed");
        let feed = feed_rs::parser::parse(text.as_bytes()).expect("the feed parses");
        let entries = feed.entries.into_iter();
        entries.filter_map(|e| Some(e.title?.content)).collect()
    };
    assert!(
        feed_titles(&site)
            .iter()
            .any(|t| t.contains("Output rises")),
        "{:?}",
        feed_titles(&site)
    );
    let (stats, patched) = builds
        .edit(
            &site,
            "content/press/output.md",
            &item("Output rises in the spring", "2026-05-01", CORRECTED),
        )
        .expect("the builds succeed");
    assert!(stats.lists_unchanged && !stats.shape_unchanged, "{stats:?}");
    assert!(patched, "serve patches a title edit that keeps every list");
    assert_eq!(named(&site), ["Output rises in the spring"]);
    let titles = feed_titles(&site);
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Output rises in the spring")),
        "{titles:?}"
    );
}

#[test]
fn a_title_that_moves_an_item_in_a_list_sorted_by_title_reorders_the_list() {
    let site = SiteTest::new();
    // Two to a page: the item moves from the first page to the last, and the pages between
    // show other items than before, none of them edited.
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nsort_by = \"title\"\npaginate_by = 2\n+++\n",
    );
    let titles = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"];
    for (day, title) in titles.iter().enumerate() {
        site.file(
            &format!("content/press/{}.md", title.to_lowercase()),
            &item(title, &format!("2026-05-0{}", day + 1), ""),
        );
    }
    let mut builds = Rebuilds::start(&site);
    let listed = |site: &SiteTest, page: &str| texts(&site.html(page), ".card-title a");
    assert_eq!(listed(&site, "/press/"), ["Alpha", "Bravo"]);
    let (stats, patched) = builds
        .edit(
            &site,
            "content/press/alpha.md",
            &item("Zulu", "2026-05-01", ""),
        )
        .expect("the builds succeed");
    assert!(
        !stats.lists_unchanged && !patched,
        "the section's order changed: {stats:?}"
    );
    assert_eq!(listed(&site, "/press/"), ["Bravo", "Charlie"]);
    assert_eq!(listed(&site, "/press/page/3/"), ["Zulu"]);
}

#[test]
fn a_title_that_makes_an_items_url_moves_its_page() {
    let site = SiteTest::new();
    // No name but the date: the slug is made from the title.
    site.file(
        "content/press/2026-05-01.md",
        &item("First plant", "2026-05-01", ""),
    )
    .file(
        "content/press/other.md",
        &item("Other news", "2026-05-02", ""),
    );
    let mut builds = Rebuilds::start(&site);
    assert!(site.out().join("press/first-plant/index.html").is_file());
    let (stats, patched) = builds
        .edit(
            &site,
            "content/press/2026-05-01.md",
            &item("Second plant opens", "2026-05-01", ""),
        )
        .expect("the builds succeed");
    assert!(
        !stats.lists_unchanged && !patched,
        "the item's URL changed: {stats:?}"
    );
    assert!(
        site.out()
            .join("press/second-plant-opens/index.html")
            .is_file()
    );
    assert!(!site.out().join("press/first-plant").exists());
}

#[test]
fn a_title_that_adds_a_line_to_the_front_matter_moves_the_warnings_below_it() {
    let site = SiteTest::new();
    // The slug is not a URL segment as written: a warning at its line, below the title.
    let front = |title: &str| {
        format!(
            "+++\ntitle = {title}\ndate = 2026-05-01T09:00:00Z\nslug = \"Plant Opens\"\n+++\nText.\n"
        )
    };
    site.file("content/blog/plant.md", &front("\"Plant opens\""));
    let mut builds = Rebuilds::start(&site);
    let (stats, patched) = builds
        .edit(
            &site,
            "content/blog/plant.md",
            &front("\"\"\"Plant opens\nin Lyon\"\"\""),
        )
        .expect("the builds succeed");
    assert!(
        stats.lists_unchanged && !patched,
        "the warning's line moved: {stats:?}"
    );
}

#[test]
fn a_title_left_as_a_placeholder_fails_every_build_alike() {
    let site = SiteTest::new();
    site.file(
        "content/blog/plant.md",
        &item("Plant opens", "2026-05-01", "slug = \"plant\"\n"),
    );
    let mut builds = Rebuilds::start(&site);
    let title = format!(
        "{} Plant opens",
        pressroom::content::placeholders::TRANSLATE
    );
    let edited = builds.edit(
        &site,
        "content/blog/plant.md",
        &item(&title, "2026-05-01", "slug = \"plant\"\n"),
    );
    assert!(edited.is_none(), "a placeholder title is an error");
}
