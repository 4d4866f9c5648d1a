//! `build` through the state the last build left (`.pressroom/cache/build/`): every build
//! gives the bytes of a build without it, whatever was edited, whenever it runs, and whatever
//! happened to the output or the cache in between.

use super::serve::{example_copy, random_edit};
use pressroom::{BuildOptions, Built};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir` (relative path → bytes), following nothing.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let bytes = std::fs::read(e.path()).expect("read");
            (rel.to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

fn first_difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    if !only_a.is_empty() || !only_b.is_empty() {
        return format!("only incremental: {only_a:?}; only clean: {only_b:?}");
    }
    a.iter()
        .find(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| format!("{k} differs"))
        .unwrap_or_default()
}

/// A build of `opts` through the cache into `opts.output`, and one without it into `clean`:
/// both succeed or fail alike, with the same diagnostics, and leave the same files.
pub(crate) fn compare(opts: &BuildOptions, clean: &Path, what: &str) -> Option<Built> {
    // A build into a folder holding no build yet takes the plain path and leaves no state.
    let built_before = opts.output.join(".pressroom-manifest.json").is_file();
    let cached = pressroom::build(opts);
    let mut plain = opts.clone();
    plain.cache = false;
    plain.output = clean.to_path_buf();
    let full = pressroom::build(&plain);
    match (cached, full) {
        (Ok(c), Ok(f)) => {
            assert_eq!(c.diagnostics, f.diagnostics, "{what}: diagnostics differ");
            assert_eq!(c.incremental.is_some(), built_before, "{what}");
            assert!(f.incremental.is_none(), "{what}");
            let (a, b) = (tree(&opts.output), tree(clean));
            assert!(a == b, "{what}: {}", first_difference(&a, &b));
            Some(c)
        }
        (Err(c), Err(f)) => {
            assert_eq!(c.diagnostics, f.diagnostics, "{what}: failures differ");
            None
        }
        (c, f) => panic!(
            "{what}: one build failed: incremental {:?}, clean {:?}",
            c.err().map(|e| e.error),
            f.err().map(|e| e.error)
        ),
    }
}

/// The build state's `state.bin` a build of `site` left.
fn state_file(site: &crate::common::SiteTest) -> PathBuf {
    walkdir::WalkDir::new(site.root().join(".pressroom/cache/build"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == "state.bin")
        .expect("the build left its state")
        .into_path()
}

/// Writes `bytes` over the file at `path` and sets its modification time back to what it was:
/// only the change time (ctime) tells.
fn write_keeping_times(path: &Path, bytes: &[u8]) {
    let mtime = std::fs::metadata(path)
        .expect("meta")
        .modified()
        .expect("mtime");
    std::fs::write(path, bytes).expect("write");
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    file.set_modified(mtime).expect("times");
}

/// Something done to the output or the cache between builds, as a careless or hostile hand
/// would; returns what was done.
fn disturb(root: &Path, out: &Path, rng: &mut u64) -> Option<String> {
    let mut next = |m: usize| {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        (*rng % m as u64) as usize
    };
    let pages: Vec<String> = tree(out)
        .into_keys()
        .filter(|p| p.ends_with(".html") || p.ends_with(".xml") || p.ends_with(".json"))
        .collect();
    let page = out.join(&pages[next(pages.len())]);
    // Any file of the output, copies of static files and photos included.
    let files: Vec<String> = tree(out).into_keys().collect();
    let any = out.join(&files[next(files.len())]);
    let cache = root.join(".pressroom/cache/build");
    match next(9) {
        0 => {
            let mut bytes = std::fs::read(&page).expect("read");
            let at = bytes.len() / 2;
            bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
            write_keeping_times(&page, &bytes);
            Some(format!("edited {} in place", page.display()))
        }
        1 => {
            std::fs::remove_file(&page).expect("remove");
            Some(format!("deleted {}", page.display()))
        }
        2 => {
            // The same bytes under a link to a file elsewhere.
            let elsewhere = root.join("elsewhere.html");
            std::fs::copy(&page, &elsewhere).expect("copy");
            std::fs::remove_file(&page).expect("remove");
            std::os::unix::fs::symlink(&elsewhere, &page).expect("link");
            Some(format!("replaced {} by a link", page.display()))
        }
        5 => {
            let mut bytes = std::fs::read(&any).expect("read");
            if bytes.is_empty() {
                return None;
            }
            bytes[0] ^= 1;
            write_keeping_times(&any, &bytes);
            Some(format!("edited {} in place", any.display()))
        }
        3 => {
            let _ = std::fs::remove_dir_all(&cache);
            Some("deleted the cache".into())
        }
        4 => {
            for e in walkdir::WalkDir::new(&cache)
                .into_iter()
                .filter_map(Result::ok)
            {
                if e.file_type().is_file() {
                    std::fs::write(e.path(), b"{ not json").expect("corrupt");
                }
            }
            Some("corrupted every cache file".into())
        }
        6 => {
            // The rendered bodies kept apart from the Markdown shards: one gone, one damaged.
            let mut bodies: Vec<PathBuf> = walkdir::WalkDir::new(&cache)
                .into_iter()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("bodies-"))
                })
                .collect();
            bodies.sort();
            let (gone, damaged) = (bodies.first()?, bodies.last()?);
            let mut bytes = std::fs::read(damaged).expect("read");
            let at = bytes.len() / 2;
            bytes[at] ^= 1;
            std::fs::write(damaged, bytes).expect("damage");
            std::fs::remove_file(gone).expect("remove");
            Some(format!(
                "removed {} and damaged {}",
                gone.display(),
                damaged.display()
            ))
        }
        _ => None,
    }
}

#[test]
fn random_edits_and_clocks_rebuild_the_bytes_of_a_clean_build() {
    let (dir, root) = example_copy();
    let clean = dir.path().join("clean");
    let mut opts = BuildOptions::new(&root, "2026-11-23T08:00:00Z".parse().expect("time"));
    opts.drafts = true;
    opts.preview = true;
    opts.output = root.join("public-drafts");
    compare(&opts, &clean, "first build");
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let (mut kept, mut disturbed) = (0, 0);
    for n in 0..40 {
        let (_, mut what, undo) = random_edit(&root, &mut rng, n);
        // The clock moves: sometimes by minutes, sometimes past an event or a new year.
        if rng % 3 == 0 {
            let days = (rng >> 8) % 60;
            opts.now += jiff::SignedDuration::from_hours(days as i64 * 24 + 1);
            what = format!("{what}, clock now {}", opts.now);
        }
        if let Some(done) = disturb(&root, &opts.output, &mut rng) {
            disturbed += 1;
            what = format!("{what}, then {done}");
        }
        if let Some(built) = compare(&opts, &clean, &what) {
            kept += built.incremental.map_or(0, |s| s.pages_reused);
        }
        if let Some((file, text)) = undo {
            std::fs::write(&file, text).expect("undo");
            compare(&opts, &clean, &format!("{what}, undone"));
        }
        // Built again with nothing changed: the state is left as it is on disk, and the
        // next edit builds through it.
        if n % 4 == 0 {
            compare(&opts, &clean, &format!("{what}, built again"));
        }
    }
    assert!(kept > 0, "no page was ever kept");
    assert!(disturbed > 0, "nothing was disturbed");
}

/// The site's 200 items: a second build with nothing changed renders nothing and writes
/// nothing; one body edit renders only the pages that show the item.
#[test]
fn a_rebuild_renders_only_what_an_edit_touched() {
    let site = crate::common::SiteTest::new();
    for n in 0..200 {
        site.file(
            &format!("content/blog/post-{n:03}.md"),
            &format!(
                "+++\ntitle = \"Post {n}\"\ndate = 2026-01-{:02}T09:00:00Z\ntags = [\"t{}\"]\n+++\nBody of post {n}.\n",
                1 + n % 28,
                n % 7
            ),
        );
    }
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    let first = pressroom::build(&opts).expect("first");
    assert!(first.incremental.is_none(), "a new folder: a plain build");
    assert!(
        !site.root().join(".pressroom/cache/build").exists(),
        "a build into a new folder leaves no state"
    );
    let second = pressroom::build(&opts).expect("second");
    let stats = second.incremental.expect("through the cache");
    assert!(stats.pages_rendered > 200, "no state yet: {stats:?}");
    assert!(stats.templates_parsed, "{stats:?}");
    // A day later, nothing changed.
    opts.now = "2026-06-02T08:00:00Z".parse().expect("time");
    let again = pressroom::build(&opts)
        .expect("again")
        .incremental
        .expect("cache");
    assert_eq!(
        (
            again.files_parsed,
            again.items_rendered,
            again.pages_rendered
        ),
        (201, 0, 0),
        "{again:?}"
    );
    assert!(again.pages_reused > 200);
    // The templates are the last good build's and no page is rendered: never parsed.
    assert!(again.theme_loaded && !again.templates_parsed, "{again:?}");
    site.file(
        "content/blog/post-007.md",
        "+++\ntitle = \"Post 7\"\ndate = 2026-01-08T09:00:00Z\ntags = [\"t0\"]\n+++\nA new body.\n",
    );
    let edit = pressroom::build(&opts)
        .expect("edit")
        .incremental
        .expect("cache");
    assert_eq!(edit.items_rendered, 1, "{edit:?}");
    assert!(
        edit.templates_parsed,
        "rendering a page parses them: {edit:?}"
    );
    assert!(
        (1..10).contains(&edit.pages_rendered),
        "only the item's page and the lists showing it: {edit:?}"
    );
    let html = std::fs::read_to_string(site.out().join("blog/post-007/index.html")).expect("page");
    assert!(html.contains("A new body."));
}

/// Each output has its own state, and a build that does not go through it removes its
/// output's: tables describing another output are never trusted.
#[test]
fn a_build_without_the_cache_removes_the_state_of_its_output() {
    let site = crate::common::SiteTest::new();
    site.file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01T09:00:00Z\n+++\nBody.\n",
    );
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    let states = || -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> =
            walkdir::WalkDir::new(site.root().join(".pressroom/cache/build"))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_name() == "state.bin")
                .map(|e| e.into_path())
                .collect();
        found.sort();
        found
    };
    pressroom::build(&opts).expect("first");
    pressroom::build(&opts).expect("second");
    let ours = states();
    assert_eq!(ours.len(), 1, "one state for one output");
    // Another output has its own state; a `--no-cache` build removes its output's only.
    let mut other = opts.clone();
    other.output = site.tmp().join("elsewhere");
    pressroom::build(&other).expect("other");
    pressroom::build(&other).expect("other again");
    assert_eq!(states().len(), 2, "one state per output");
    let mut plain = opts.clone();
    plain.cache = false;
    pressroom::build(&plain).expect("plain");
    assert!(
        !ours[0].exists(),
        "a build without the cache removes the state"
    );
    assert_eq!(states().len(), 1, "the other output's state stays");
    let next = pressroom::build(&opts)
        .expect("next")
        .incremental
        .expect("cache");
    assert!(next.pages_rendered > 0, "{next:?}");
}

/// A rebuild that changes no output and no table leaves `state.bin` as it is (saving 12 MB
/// of state at 10k items took 70 ms of a 1.3 s rebuild); one that changes a table saves it,
/// even when the output stays as it was.
#[test]
fn a_rebuild_that_changes_nothing_writes_no_state() {
    use std::os::unix::fs::MetadataExt;
    let site = crate::common::SiteTest::new();
    site.file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01T09:00:00Z\n+++\nBody.\n",
    );
    site.file("static/files/fact-sheet.txt", "fact sheet");
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "second build");
    let state = state_file(&site);
    // A save writes a new file renamed over the old: its inode (which the file system may
    // hand out again) and its change time tell.
    let inode = || {
        let meta = std::fs::metadata(&state).expect("state");
        (meta.ino(), meta.ctime(), meta.ctime_nsec())
    };
    let before = inode();
    let same = compare(&opts, &clean, "nothing changed").expect("built");
    assert_eq!(
        inode(),
        before,
        "nothing changed, yet the state was written"
    );
    assert_eq!(same.incremental.expect("cache").pages_rendered, 0);
    // The source of a copy touched: the output stays, but the stamp the state keeps of it
    // is new (without it, every build would read and hash the file again).
    let sheet = site.root().join("static/files/fact-sheet.txt");
    let file = std::fs::File::options()
        .write(true)
        .open(&sheet)
        .expect("open");
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .expect("touch");
    compare(&opts, &clean, "a static file touched");
    let touched = inode();
    assert_ne!(touched, before, "a copy's new stamp must be saved");
    compare(&opts, &clean, "nothing changed after the touch");
    assert_eq!(inode(), touched);
    site.file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01T09:00:00Z\n+++\nAnother body.\n",
    );
    compare(&opts, &clean, "a body edited");
    assert_ne!(inode(), touched, "an edit must save the state");
    // The output disturbed behind pressroom's back: put right, and the state saved anew.
    let after_edit = inode();
    std::fs::remove_file(site.out().join("blog/a/index.html")).expect("remove");
    compare(&opts, &clean, "a page deleted from the output");
    assert_ne!(
        inode(),
        after_edit,
        "a page written again must save the state"
    );
}

/// Nothing but the clock moves: an event passes, a year ends, an embargo lifts. Each build
/// gives the bytes of a clean build at its time.
#[test]
fn the_clock_alone_changes_what_pages_show() {
    let site = crate::common::SiteTest::new();
    site.file(
        "content/press/2026-12-01-results-call.md",
        "+++\ntitle = \"Results call\"\ndate = 2026-12-01T09:00:00Z\nkind = \"release\"\n[event]\nstart = 2026-12-31T10:00:00Z\n+++\nJoin the call.\n",
    );
    site.file(
        "content/press/2026-12-02-outlook.md",
        "+++\ntitle = \"Outlook\"\ndate = 2026-12-02T09:00:00Z\nkind = \"release\"\nembargo = 2027-01-02T07:00:00Z\n+++\nThe outlook.\n",
    );
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-12-30T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    for now in [
        "2026-12-30T08:00:00Z",
        "2026-12-30T09:00:00Z",
        "2026-12-31T12:00:00Z",
        "2027-01-01T00:30:00Z",
        "2027-01-02T08:00:00Z",
    ] {
        opts.now = now.parse().expect("time");
        compare(&opts, &clean, &format!("at {now}"));
    }
}

/// The news sitemap lists the last two days' releases by title, the one sitemap that reads
/// the clock or a title: after a new title, and a build days later with nothing else changed
/// (every list as it was, the other sitemaps kept), it shows what a clean build's does.
#[test]
fn the_clock_moves_a_release_out_of_the_news_sitemap() {
    let site = crate::common::SiteTest::new();
    site.file(
        "content/press/2026-06-01-plant.md",
        "+++\ntitle = \"Plant opens\"\ndate = 2026-06-01T09:00:00Z\nkind = \"release\"\n+++\nThe plant opens.\n",
    );
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-02T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "through the state");
    let news = || std::fs::read_to_string(site.out().join("sitemap-news.xml")).expect("news");
    assert!(news().contains("Plant opens"), "{}", news());
    // A new title keeps every list, and the other sitemaps: the news sitemap shows it.
    site.file(
        "content/press/2026-06-01-plant.md",
        "+++\ntitle = \"Plant opens early\"\ndate = 2026-06-01T09:00:00Z\nkind = \"release\"\n+++\nThe plant opens.\n",
    );
    let retitled = compare(&opts, &clean, "retitled")
        .and_then(|b| b.incremental)
        .expect("through the state");
    assert!(retitled.lists_unchanged, "{retitled:?}");
    assert!(news().contains("Plant opens early"), "{}", news());
    opts.now = "2026-06-05T08:00:00Z".parse().expect("time");
    let stats = compare(&opts, &clean, "three days later")
        .and_then(|b| b.incremental)
        .expect("through the state");
    assert!(stats.lists_unchanged, "the sitemaps were kept: {stats:?}");
    assert!(!news().contains("Plant opens early"), "{}", news());
}

/// Each item's rendered body is kept apart in the build state and read back only by a build
/// that may show one: a rebuild with nothing changed reads none (and misses none when their
/// files are gone), an edit reads them back (the feeds carry full texts), and a body lost
/// from the state is rendered again and saved again. Every build gives a clean build's bytes.
#[test]
fn rendered_bodies_are_read_back_only_when_a_page_may_show_them() {
    let site = crate::common::SiteTest::new();
    let post = |n: usize, body: &str| {
        format!(
            "+++\ntitle = \"Post {n}\"\ndate = 2026-01-{:02}T09:00:00Z\n+++\n{body}\n",
            1 + n
        )
    };
    for n in 0..20 {
        site.file(
            &format!("content/blog/post-{n:02}.md"),
            &post(n, &format!("Body of *post* {n}.")),
        );
    }
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    let stats = |built: Option<Built>| {
        built
            .and_then(|b| b.incremental)
            .expect("through the state")
    };
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "the state written");
    let again = stats(compare(&opts, &clean, "nothing changed"));
    assert_eq!(
        (again.bodies_read, again.pages_rendered),
        (0, 0),
        "{again:?}"
    );
    let bodies = || -> Vec<PathBuf> {
        walkdir::WalkDir::new(site.root().join(".pressroom/cache/build"))
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .filter(|p| (p.file_name()).is_some_and(|n| n.to_string_lossy().starts_with("bodies-")))
            .collect()
    };
    assert!(!bodies().is_empty(), "the state keeps the bodies apart");
    for file in bodies() {
        std::fs::remove_file(file).expect("remove");
    }
    let gone = stats(compare(&opts, &clean, "bodies gone, nothing changed"));
    assert_eq!(gone.bodies_read, 0, "{gone:?}");
    site.file("content/blog/post-07.md", &post(7, "A new body."));
    // The feeds show the other items' bodies: each is rendered again, and saved again.
    let edit = stats(compare(&opts, &clean, "one body edited, the bodies gone"));
    assert_eq!(edit.bodies_read, 0, "{edit:?}");
    site.file("content/blog/post-07.md", &post(7, "A newer body."));
    let read = stats(compare(&opts, &clean, "edited again, the bodies read back"));
    assert_eq!(read.bodies_read, 19, "{read:?}");
}

/// What every page reads besides content: a template added, changed or removed, the site's
/// settings, a translation string. Each build gives the bytes of a clean build.
#[test]
fn template_and_setting_edits_reach_every_page() {
    let site = crate::common::SiteTest::new();
    for n in 0..5 {
        site.file(
            &format!("content/blog/post-{n}.md"),
            &format!(
                "+++\ntitle = \"Post {n}\"\ndate = 2026-01-0{}T09:00:00Z\n+++\nBody {n}.\n",
                n + 1
            ),
        );
    }
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    site.file(
        "templates/post.html",
        "<p>{{ page.title }} (new template)</p>",
    );
    compare(&opts, &clean, "a post template added");
    site.file(
        "templates/post.html",
        "<p>{{ page.title }} (changed template)</p>",
    );
    compare(&opts, &clean, "the post template changed");
    site.remove("templates/post.html");
    compare(&opts, &clean, "the post template removed");
    let toml = std::fs::read_to_string(site.root().join("site.toml")).expect("site.toml");
    site.file(
        "site.toml",
        &toml.replace("Test Newsroom", "Renamed Newsroom"),
    );
    compare(&opts, &clean, "the site's title changed");
    site.file(
        "themes/default/i18n/en.toml",
        "read_more = \"Keep reading\"\n",
    );
    compare(&opts, &clean, "a translation string overridden");
}

/// The templates' parse waits for a page to render only while they are the last good
/// build's (their files' stamps): a template broken after a good build is an error at its
/// line even in a rebuild that would render no page, and the output stays as it was.
#[test]
fn a_template_broken_after_a_good_build_fails_the_rebuild_at_its_line() {
    let site = crate::common::SiteTest::new();
    site.file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01T09:00:00Z\n+++\nBody.\n",
    );
    site.file("templates/unused.html", "<p>{{ 1 + 1 }}</p>\n");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    pressroom::build(&opts).expect("first");
    pressroom::build(&opts).expect("second");
    let page = site.out().join("blog/a/index.html");
    let before = std::fs::read(&page).expect("page");
    // A template no page uses: no page would be rendered, yet its error is found.
    site.file("templates/unused.html", "<p>ok</p>\n<p>{{ 1 + }}</p>\n");
    let failure = pressroom::build(&opts).expect_err("a broken template");
    let at: Vec<(String, usize)> = (failure.diagnostics.iter())
        .filter(|d| d.is_error())
        .map(|d| (d.path.clone(), d.line))
        .collect();
    assert_eq!(
        at,
        [("templates/unused.html".to_string(), 2)],
        "{failure:?}"
    );
    assert_eq!(
        std::fs::read(&page).expect("page"),
        before,
        "output untouched"
    );
    // Mended, the templates are new to the state (their files' stamps are): parsed. The
    // build after that has the last good build's templates again, and renders no page.
    site.file("templates/unused.html", "<p>{{ 1 + 1 }}</p>\n");
    let mended = pressroom::build(&opts).expect("mended");
    assert!(mended.incremental.expect("state").templates_parsed);
    let again = pressroom::build(&opts).expect("again");
    let stats = again.incremental.expect("through the state");
    assert!(
        stats.pages_rendered == 0 && !stats.templates_parsed,
        "{stats:?}"
    );
}

/// A template written again with its size kept and its modification time set back (as a
/// careless tool or an insider could) is still a changed template: its pages are rendered
/// with it, and once broken it is an error at its line, not a rebuild that never parses it.
#[test]
fn a_template_edited_with_its_size_and_time_kept_is_still_read_again() {
    let site = crate::common::SiteTest::new();
    site.file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01T09:00:00Z\n+++\nBody.\n",
    );
    let one = "<p>{{ page.title }} (one)</p>\n";
    site.file("templates/post.html", one);
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "second build");
    let template = site.root().join("templates/post.html");
    let two = "<p>{{ page.title }} (two)</p>\n";
    assert_eq!(one.len(), two.len());
    write_keeping_times(&template, two.as_bytes());
    compare(&opts, &clean, "the template edited, its times kept");
    let page = std::fs::read_to_string(site.out().join("blog/a/index.html")).expect("page");
    assert!(page.contains("A (two)"), "{page}");
    let broken = format!("{:<width$}\n", "{{ 1 + }}", width = two.len() - 1);
    assert_eq!(broken.len(), two.len());
    write_keeping_times(&template, broken.as_bytes());
    let failure = pressroom::build(&opts).expect_err("a broken template");
    assert!(
        (failure.diagnostics.iter()).any(|d| d.is_error() && d.path == "templates/post.html"),
        "{failure:?}"
    );
}

/// A static file's copy is kept by its stamps and its source's: an edit to either, even one
/// that keeps the size and sets the times back, is copied again.
#[test]
fn a_static_file_is_copied_again_when_it_or_its_copy_changed() {
    let site = crate::common::SiteTest::new();
    site.file("static/files/fact-sheet.txt", "fact sheet, first version");
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "second build");
    write_keeping_times(
        &site.root().join("static/files/fact-sheet.txt"),
        b"fact sheet, 2nd version!!",
    );
    compare(
        &opts,
        &clean,
        "the source edited, same size, times set back",
    );
    write_keeping_times(
        &site.out().join("files/fact-sheet.txt"),
        b"fact sheet, tampered with",
    );
    compare(&opts, &clean, "the copy edited, same size, times set back");
    let copy = std::fs::read_to_string(site.out().join("files/fact-sheet.txt")).expect("copy");
    assert_eq!(copy, "fact sheet, 2nd version!!");
}

/// The same site reached by another spelling of its folder (a link to it here; `--root .`
/// against an absolute `--root` alike): its unchanged static files are still kept by their
/// stamps, not read and hashed again. Whether a copy was kept shows in the manifest: the
/// recorded entry of the copy is replaced in the state by one its bytes cannot have, which
/// only a kept copy carries into the next manifest.
#[cfg(unix)]
#[test]
fn a_copy_is_kept_whatever_path_spells_the_site() {
    use sha2::Digest;
    let site = crate::common::SiteTest::new();
    let text = "fact sheet, kept by its stamp";
    site.file("static/files/fact-sheet.txt", text);
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    pressroom::build(&opts).expect("first build");
    pressroom::build(&opts).expect("second build, which keeps the copy");
    let real = pressroom::manifest::hex(&sha2::Sha256::digest(text.as_bytes()));
    let forged = "0".repeat(64);
    let forge = {
        let state = state_file(&site);
        let bytes = std::fs::read(&state).expect("state");
        let forged_state = crate::common::replace_bytes(&bytes, real.as_bytes(), forged.as_bytes())
            .expect("the state records the copy's entry");
        std::fs::write(&state, forged_state)
    };
    let entry = |built: &Built| {
        let manifest = built.manifest.as_ref().expect("a manifest");
        manifest.files["/files/fact-sheet.txt"].sha256.clone()
    };
    forge.expect("forge");
    let same = pressroom::build(&opts).expect("the same spelling");
    assert_eq!(
        entry(&same),
        forged,
        "the copy is kept when the site is spelled alike"
    );
    let link = site.tmp().join("site-link");
    std::os::unix::fs::symlink(site.root(), &link).expect("link");
    let mut other = opts.clone();
    other.root = link;
    let spelled = pressroom::build(&other).expect("another spelling");
    assert!(
        spelled.incremental.is_some(),
        "the build went through the state"
    );
    assert_eq!(
        entry(&spelled),
        forged,
        "the copy is kept when the site is spelled another way"
    );
}

/// A writer puts an item back under embargo (or back to draft) before it went out: the build
/// through the state drops every trace of it, as a clean build does, and the files it kept
/// name it nowhere.
#[test]
fn an_item_put_back_under_embargo_leaves_no_trace_through_the_state() {
    let site = crate::common::SiteTest::new();
    let item = |n: usize, extra: &str| {
        format!(
            "+++\ntitle = \"Fjordline release {n}\"\ndate = 2026-05-0{n}T09:00:00Z\nkind = \"release\"\ntags = [\"fjord\"]\n{extra}+++\nThe release text {n}.\n"
        )
    };
    for n in 1..=3 {
        site.file(&format!("content/press/fjordline-{n}.md"), &item(n, ""));
    }
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "second build");
    for (extra, what) in [
        ("embargo = 2026-07-01T07:00:00Z\n", "embargoed again"),
        ("draft = true\n", "a draft again"),
    ] {
        site.file("content/press/fjordline-2.md", &item(2, extra));
        let built = compare(&opts, &clean, what).expect("builds");
        assert!(built.incremental.is_some(), "{what}: through the state");
        for (path, bytes) in tree(&opts.output) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("fjordline-2") && !text.contains("Fjordline release 2"),
                "{what}: {path} names the held-back item"
            );
        }
        site.file("content/press/fjordline-2.md", &item(2, ""));
        compare(&opts, &clean, &format!("{what}, then out again"));
    }
}

/// A `published.lock` that changes alone (a colleague's deploy pulled from git) changes what
/// published pages show: a release keeps the boilerplate it went out with. The state must not
/// keep the page rendered before the ledger said so.
#[test]
fn a_ledger_pulled_from_a_deploy_reaches_the_pages_through_the_state() {
    let site = crate::common::SiteTest::new();
    let config = |about: &str| {
        format!("title = \"Test\"\nbase_url = \"https://example.com\"\nboilerplate = \"{about}\"\n")
    };
    site.file("site.toml", &config("About Test: we make plants."))
        .file(
            "content/press/2026-05-01-plant.md",
            "+++\ntitle = \"Plant opens\"\ndate = 2026-05-01T09:00:00Z\nkind = \"release\"\n+++\nThe plant opens.\n",
        );
    // The deploy records the release with the boilerplate of the time.
    site.publish("2026-05-02T08:00:00Z").assert_ok();
    let lock = site.root().join("published.lock");
    let recorded = std::fs::read_to_string(&lock).expect("recorded");
    // The writer's checkout before pulling: no record yet, and a new boilerplate.
    std::fs::remove_file(&lock).expect("unrecord");
    site.file(
        "site.toml",
        &config("About Test: we make plants and boats."),
    );
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-05-03T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "before the pull");
    compare(&opts, &clean, "before the pull, again");
    let page = || std::fs::read_to_string(site.out().join("press/plant/index.html")).expect("page");
    assert!(
        page().contains("and boats"),
        "unpublished: the site's boilerplate"
    );
    // The pull brings the ledger alone.
    std::fs::write(&lock, &recorded).expect("pull");
    let built = compare(&opts, &clean, "after the pull").expect("builds");
    assert!(built.incremental.is_some(), "through the state");
    assert!(
        !page().contains("and boats") && page().contains("we make plants."),
        "the release keeps the boilerplate it was published with"
    );
}

/// The ledger a deploy would record (`.pressroom-publish.json`) is written from the last
/// build's text while that ledger is the same: whatever changes it (an item's new text or
/// title, a new item, one removed, the clock that dates an unrecorded item's first
/// publication) must reach the pending ledger as a build without the state writes it.
#[test]
fn the_pending_ledger_through_the_state_is_a_clean_builds() {
    let (dir, root) = example_copy();
    let clean = dir.path().join("clean");
    let mut opts = BuildOptions::new(&root, "2026-11-23T08:00:00Z".parse().expect("time"));
    opts.output = root.join("public");
    let new_item = root.join("content/blog/2026-11-20-a-new-post.md");
    let post = |title: &str, body: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = 2026-11-20T08:00:00Z\n+++\n{body}\n")
    };
    std::fs::write(&new_item, post("A new post", "First words.")).expect("write");
    compare(&opts, &clean, "first build");
    let pending = |out: &Path| std::fs::read(out.join(".pressroom-publish.json")).expect("pending");
    let first = pending(&opts.output);
    let built = compare(&opts, &clean, "nothing changed").expect("builds");
    assert!(built.incremental.is_some(), "through the state");
    assert_eq!(pending(&opts.output), first);
    // An insider edits the pending ledger in the output, so that a deploy would record it:
    // the next build writes it back, never reuses it.
    let file = opts.output.join(".pressroom-publish.json");
    let forged = String::from_utf8(first.clone())
        .expect("utf-8")
        .replace("A new post", "Another post");
    assert_ne!(
        forged.as_bytes(),
        first.as_slice(),
        "the forgery changes the file"
    );
    write_keeping_times(&file, forged.as_bytes());
    compare(&opts, &clean, "the pending ledger forged").expect("builds");
    assert_eq!(pending(&opts.output), first);
    let steps: [(&str, &dyn Fn()); 4] = [
        ("a new body", &|| {
            std::fs::write(&new_item, post("A new post", "Other words.")).expect("edit")
        }),
        ("a new title", &|| {
            std::fs::write(&new_item, post("A newer post", "Other words.")).expect("edit")
        }),
        ("a second new item", &|| {
            let second = root.join("content/blog/2026-11-21-another.md");
            std::fs::write(second, post("Another", "More words.")).expect("write")
        }),
        ("the new item removed", &|| {
            std::fs::remove_file(&new_item).expect("remove")
        }),
    ];
    let mut seen = vec![first];
    for (what, step) in steps {
        step();
        compare(&opts, &clean, what).expect("builds");
        let now = pending(&opts.output);
        assert!(
            !seen.contains(&now),
            "{what}: the pending ledger did not change"
        );
        seen.push(now);
        // The clock dates the unrecorded items' first publication.
        opts.now += jiff::SignedDuration::from_hours(1);
        compare(&opts, &clean, &format!("{what}, an hour later")).expect("builds");
        compare(&opts, &clean, &format!("{what}, again")).expect("builds");
    }
}

/// The pending ledger's file (what `deploy` records in `published.lock`) is kept in the output
/// by its stamp while the pending ledger is the same. Edited there by hand with its size and
/// modification time kept, the next build writes it again; and a `--drafts` build into the
/// same folder, which records nothing, does not keep it.
#[test]
fn a_pending_ledger_edited_in_the_output_is_written_again() {
    let site = crate::common::SiteTest::new();
    site.file(
        "content/press/2026-05-01-plant.md",
        "+++\ntitle = \"Plant opens\"\ndate = 2026-05-01T09:00:00Z\nkind = \"release\"\n+++\nThe plant opens.\n",
    );
    let clean = site.tmp().join("clean");
    let mut opts = BuildOptions::new(site.root(), "2026-06-01T08:00:00Z".parse().expect("time"));
    opts.output = site.out();
    compare(&opts, &clean, "first build");
    compare(&opts, &clean, "second build");
    let pending = site.out().join(pressroom::publish::PENDING);
    let text = std::fs::read_to_string(&pending).expect("a pending ledger");
    assert!(text.contains("Plant opens"), "{text}");
    let forged = text.replacen("Plant opens", "Plant shuts", 1);
    assert_eq!(forged.len(), text.len());
    write_keeping_times(&pending, forged.as_bytes());
    compare(&opts, &clean, "the pending ledger edited in the output");
    assert_eq!(std::fs::read_to_string(&pending).expect("pending"), text);
    opts.drafts = true;
    pressroom::build(&opts).expect("a drafts build");
    assert!(!pending.exists(), "a drafts build left a pending ledger");
}
