//! pressroom writes only what it owns: the output folder is never the site or its sources, a
//! folder it did not write is not replaced without `--force`, a symlinked output is written
//! through; an alias never overwrites another output; a drafts build is kept apart and never
//! deployed; `deploy --target file://` never follows links or overwrites files it did not put
//! there, clears its killed temporaries and recovers from a bad stored manifest; two builds of
//! one output never interleave.

use crate::common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST: &str = ".pressroom-manifest.json";

/// Runs the binary in `dir` (for relative `-o` paths, as a writer types them).
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("pressroom runs");
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
        out: dir.to_path_buf(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

/// A site with a published release, a post, a static file, a template and an embargoed item.
fn newsroom() -> SiteTest {
    let site = SiteTest::new();
    site.file(
        "content/press/2026-11-18-fjord.md",
        &item("Fjord 5 fire test", "2026-11-18", "", "The release."),
    )
    .file(
        "content/blog/2026-11-19-hello.md",
        &item("Hello", "2026-11-19", "", "A post."),
    )
    .file(
        "content/press/2028-01-01-later.md",
        &item(
            "Quokka secret launch",
            "2028-01-01",
            "embargo = 2028-01-01T09:00:00Z\n",
            "Not yet.",
        ),
    )
    .file("static/site.css", "body { color: black }\n")
    .file("templates/.keep", "");
    std::fs::create_dir_all(site.root().join("themes")).unwrap();
    site
}

/// Every file under the site root (the sources), hashed.
fn site_tree(site: &SiteTest) -> BTreeMap<String, String> {
    hash_tree(&site.root())
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn build_never_replaces_the_site_or_its_sources() {
    let site = newsroom();
    let root = site.root();
    std::fs::create_dir_all(root.join("data")).unwrap();
    run_in(&root, &["build", "--now", NOW]).assert_ok();
    // A build records nothing; a deploy does: publish once so the ledger is among the sources.
    let web = site.tmp().join("web");
    std::fs::create_dir_all(&web).unwrap();
    let target = format!("file://{}", web.display());
    run_in(&root, &["deploy", "--target", &target]).assert_ok();
    assert!(root.join("published.lock").is_file());
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("data"), site.tmp().join("data-link")).unwrap();
    let before = site_tree(&site);
    for out in [
        "../site",
        ".",
        "..",
        "published.lock",
        "site.toml",
        "data",
        "content",
        "static",
        "templates",
        "themes",
        "content/press/out",
        "public/../data",
        "../data-link",
    ] {
        let r = run_in(&root, &["build", "--now", NOW, "-o", out]);
        assert_eq!(r.code, 2, "-o {out}: {}", r.stderr);
        assert!(r.stderr.contains("refusing"), "-o {out}: {}", r.stderr);
        assert_eq!(site_tree(&site), before, "-o {out} changed the site");
        // Nothing written beside it either.
        let stray: Vec<_> = std::fs::read_dir(site.tmp())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("pressroom-tmp"))
            .collect();
        assert!(stray.is_empty(), "-o {out}: {stray:?}");
    }
    // `--force` does not lift these.
    let r = run_in(&root, &["build", "--now", NOW, "-o", "../site", "--force"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(site_tree(&site), before);
}

#[test]
fn build_refuses_a_folder_it_did_not_write_unless_forced() {
    let site = newsroom();
    let www = site.tmp().join("www");
    std::fs::create_dir_all(www.join("sub")).unwrap();
    std::fs::write(www.join("index.html"), "theirs").unwrap();
    std::fs::write(www.join("sub/keep.txt"), "theirs").unwrap();
    let www_s = www.to_str().unwrap();
    let r = site.build_args(&["-o", www_s]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--force") && r.stderr.contains("did not write"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(www.join("index.html")).unwrap(), b"theirs");
    assert!(www.join("sub/keep.txt").exists());

    site.build_args(&["-o", www_s, "--force"]).assert_ok();
    assert!(www.join(MANIFEST).is_file());
    assert!(!www.join("sub/keep.txt").exists());
    // Now it is pressroom's: the next build needs no --force.
    site.build_args(&["-o", www_s]).assert_ok();

    // A file is never an output folder.
    let file = site.tmp().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let r = site.build_args(&["-o", file.to_str().unwrap(), "--force"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), b"mine");
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_written_through_and_kept() {
    let site = newsroom();
    let real = site.tmp().join("real");
    std::fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, site.out()).unwrap();
    for _ in 0..2 {
        site.build_ok();
        let meta = std::fs::symlink_metadata(site.out()).unwrap();
        assert!(meta.is_symlink(), "the link is kept");
        assert_eq!(std::fs::read_link(site.out()).unwrap(), real);
        assert!(real.join("press/fjord/index.html").is_file());
        assert!(real.join(MANIFEST).is_file());
    }
    // A link to nowhere is refused, and stays a link.
    let dangling = site.tmp().join("dangling");
    std::os::unix::fs::symlink(site.tmp().join("nowhere"), &dangling).unwrap();
    let r = site.build_args(&["-o", dangling.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
}

#[test]
fn a_drafts_build_is_marked_kept_apart_and_never_deployed() {
    let site = newsroom();
    let root = site.root();
    let root_s = root.to_str().unwrap();
    let www = site.tmp().join("www");
    std::fs::create_dir_all(&www).unwrap();
    let target = format!("file://{}", www.display());

    // Without -o, a drafts build goes to public-drafts/, never public/.
    let r = run(
        &["build", "--root", root_s, "--drafts", "--now", NOW],
        &root,
    );
    r.assert_ok();
    let drafts = root.join("public-drafts");
    assert!(drafts.join("press/later/index.html").is_file());
    assert!(!root.join("public").exists());
    assert_eq!(read_json(&drafts.join(MANIFEST))["drafts"], true);

    let refused = |out: &Path| {
        let r = run(
            &["deploy", "--target", &target, "-o", out.to_str().unwrap()],
            out,
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("drafts build") && r.stderr.contains("without --drafts"),
            "{}",
            r.stderr
        );
        assert_eq!(
            std::fs::read_dir(&www).unwrap().count(),
            0,
            "nothing deployed"
        );
    };
    refused(&drafts);
    // -o still chooses, and the mark goes with it.
    let chosen = site.tmp().join("preview");
    site.build_args(&["--drafts", "-o", chosen.to_str().unwrap()])
        .assert_ok();
    refused(&chosen);

    // A normal build carries no mark and deploys.
    site.build_ok();
    assert!(
        read_json(&site.out().join(MANIFEST))
            .get("drafts")
            .is_none()
    );
    run(
        &[
            "deploy",
            "--target",
            &target,
            "-o",
            site.out().to_str().unwrap(),
        ],
        &site.out(),
    )
    .assert_ok();
    assert!(!www.join("press/later/index.html").exists());
}

/// `new.md`'s line 4 is its `aliases` line.
fn alias_item(alias: &str) -> String {
    item(
        "New item",
        "2026-11-20",
        &format!("aliases = [\"{alias}\"]\n"),
        "x",
    )
}

#[test]
fn an_alias_never_overwrites_another_output() {
    let site = newsroom();
    site.file(
        "content/blog/2026-11-19-other.md",
        &item("Other", "2026-11-19", "aliases = [\"/old/taken/\"]\n", "y"),
    );
    site.build_ok();
    let before = hash_tree(&site.out());
    // (alias, a word naming what it collides with)
    let cases = [
        ("/press/fjord/index.html", "2026-11-18-fjord.md"),
        ("/press/fjord/", "2026-11-18-fjord.md"),
        ("/index.html", "_index.md"),
        ("/press/index.html", "content/press"),
        ("/atom.xml", "Atom feed"),
        ("/press/rss.xml", "RSS feed"),
        ("/robots.txt", "pressroom generates"),
        ("/sitemap.xml", "the sitemap"),
        ("/.pressroom-manifest.json", "manifest"),
        ("/site.css", "static/site.css"),
        ("/old/taken/index.html", "2026-11-19-other.md"),
        ("/old/taken/", "2026-11-19-other.md"),
        // The same files where case is ignored (macOS, Windows): one would replace the other.
        ("/ATOM.xml", "Atom feed"),
        ("/Sitemap.xml", "the sitemap"),
        ("/Site.css", "static/site.css"),
    ];
    for (alias, other) in cases {
        site.file("content/blog/2026-11-20-new.md", &alias_item(alias));
        for locked in [false, true] {
            let b = if locked {
                site.build_args(&["--locked"])
            } else {
                site.build()
            };
            assert_eq!(b.code, 1, "alias {alias}: {}", b.stderr);
            let errs = b.errors_in("content/blog/2026-11-20-new.md");
            let hit = errs
                .iter()
                .find(|d| d.message.contains(alias.trim_end_matches('/')))
                .unwrap_or_else(|| panic!("alias {alias}: no error at the alias: {}", b.stderr));
            assert_eq!(hit.line, 4, "alias {alias}: {}", b.stderr);
            assert!(
                hit.message.contains(other),
                "alias {alias}: {}",
                hit.message
            );
            assert!(!b.stderr.contains("os error"), "{}", b.stderr);
            assert_eq!(
                hash_tree(&site.out()),
                before,
                "alias {alias}: output changed"
            );
        }
    }
    // A free path is fine.
    site.file("content/blog/2026-11-20-new.md", &alias_item("/old/free/"));
    let b = site.build_ok();
    assert!(b.exists("/old/free/"));
}

#[test]
fn an_alias_in_yaml_is_reported_at_its_own_line() {
    let site = newsroom();
    site.file(
        "content/blog/2026-11-20-new.md",
        "---\ntitle: New\ndate: 2026-11-20\naliases:\n  - /free/\n  - /atom.xml\n---\n\nx\n",
    );
    let b = site.build();
    assert_eq!(b.code, 1, "{}", b.stderr);
    let errs = b.errors_in("content/blog/2026-11-20-new.md");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!(errs[0].line, 6, "{}", b.stderr);
}

/// Builds `site` and returns the `deploy` runner for a fresh web root `TMP/www`.
fn deployer(site: &SiteTest) -> (PathBuf, impl Fn(&[&str]) -> Run) {
    site.build_ok();
    let www = site.tmp().join("www");
    std::fs::create_dir_all(&www).unwrap();
    let target = format!("file://{}", www.display());
    let out = site.out().to_str().unwrap().to_string();
    let deploy = move |extra: &[&str]| {
        let mut args = vec!["deploy", "--target", &target, "-o", &out];
        args.extend(extra);
        run(&args, Path::new(&out))
    };
    (www, deploy)
}

#[cfg(unix)]
#[test]
fn deploy_never_follows_a_symlink_inside_the_target() {
    let site = newsroom();
    let (www, deploy) = deployer(&site);
    let outside = site.tmp().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, www.join("blog")).unwrap();
    let r = deploy(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("symbolic link") && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(std::fs::read_dir(&www).unwrap().count(), 1, "only the link");
    std::fs::remove_file(www.join("blog")).unwrap();
    deploy(&[]).assert_ok();

    // A delete through a link is refused too.
    site.file("static/old/notice.html", "<p>old</p>\n");
    site.build_args(&["--now", "2026-11-24T08:00:00Z"])
        .assert_ok();
    deploy(&[]).assert_ok();
    std::fs::remove_dir_all(www.join("old")).unwrap();
    std::fs::write(outside.join("notice.html"), "someone else's").unwrap();
    std::os::unix::fs::symlink(&outside, www.join("old")).unwrap();
    site.remove("static/old/notice.html");
    site.build_args(&["--now", "2026-11-24T08:00:00Z"])
        .assert_ok();
    let r = deploy(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert!(
        outside.join("notice.html").exists(),
        "nothing outside deleted"
    );
}

#[test]
fn deploy_never_overwrites_a_file_it_did_not_put_there() {
    let site = newsroom();
    let (www, deploy) = deployer(&site);
    std::fs::write(www.join("robots.txt"), "hand-placed").unwrap();
    let r = deploy(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("/robots.txt") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(www.join("robots.txt")).unwrap(),
        b"hand-placed"
    );
    assert_eq!(
        std::fs::read_dir(&www).unwrap().count(),
        1,
        "nothing changed"
    );
    // --dry-run says the same without changing anything.
    assert_eq!(deploy(&["--dry-run"]).code, 2);

    deploy(&["--force"]).assert_ok();
    assert_eq!(
        std::fs::read(www.join("robots.txt")).unwrap(),
        std::fs::read(site.out().join("robots.txt")).unwrap()
    );
    // Now it is the deploy's own: later deploys replace it without --force.
    deploy(&[]).assert_ok();
}

#[cfg(unix)]
#[test]
fn deploy_clears_temporary_files_of_a_killed_deploy() {
    let site = newsroom();
    let (www, deploy) = deployer(&site);
    deploy(&[]).assert_ok();
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = [
        www.join(format!(".index.html.pressroom-tmp-{dead}-0")),
        www.join(format!("press/.atom.xml.pressroom-tmp-{dead}-7")),
    ];
    // pid 1 is always running: a deploy that is still writing keeps its files.
    let live = www.join(".robots.txt.pressroom-tmp-1-0");
    for f in stale.iter().chain([&live]) {
        std::fs::write(f, "half").unwrap();
    }
    deploy(&[]).assert_ok();
    for f in &stale {
        assert!(!f.exists(), "{} was left", f.display());
    }
    assert!(live.exists());
}

#[test]
fn deploy_recovers_from_a_bad_stored_manifest() {
    let site = newsroom();
    let (www, deploy) = deployer(&site);
    deploy(&[]).assert_ok();
    let victim = site.tmp().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();

    // An entry that leaves the target: ignored with a warning, never deleted, dropped.
    let mut m = read_json(&www.join(MANIFEST));
    m["files"]["/../victim.txt"] = serde_json::json!({"sha256": "00", "size": 7});
    std::fs::write(www.join(MANIFEST), serde_json::to_vec(&m).unwrap()).unwrap();
    let r = deploy(&[]);
    r.assert_ok();
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("/../victim.txt"),
        "{}",
        r.stderr
    );
    assert!(victim.exists());
    assert!(
        read_json(&www.join(MANIFEST))["files"]
            .get("/../victim.txt")
            .is_none()
    );
    let again = deploy(&[]);
    again.assert_ok();
    assert!(!again.stderr.contains("warning"), "{}", again.stderr);

    // A manifest that does not parse: a clear error, then --force repairs it.
    std::fs::write(www.join(MANIFEST), "{ not json").unwrap();
    let r = deploy(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    deploy(&["--force"]).assert_ok();
    let r = deploy(&["--message-format", "json"]);
    r.assert_ok();
    assert_eq!(r.json_summary()["uploaded"], 0, "{}", r.stdout);
}

/// Enough items that a debug build runs for seconds.
fn big_site(items: usize) -> SiteTest {
    let site = SiteTest::new();
    for i in 0..items {
        site.file(
            &format!("content/blog/2026-11-01-post-{i}.md"),
            &item(
                &format!("Post {i}"),
                "2026-11-01",
                &format!("tags = [\"t{}\"]\n", i % 40),
                &"Words of a post about batteries and plants. ".repeat(40),
            ),
        );
    }
    site
}

#[test]
fn two_builds_of_one_output_never_interleave() {
    let site = big_site(1500);
    let root = site.root();
    let out = site.out();
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--now",
        NOW,
    ];
    let mut first = Command::new(bin())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = site
        .tmp()
        .join(format!(".public.pressroom-tmp-{}", first.id()));
    let started = Instant::now();
    while !staging.exists() {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first build ended before its staging folder was seen"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = run(&args, &out);
    let first_done = first.wait_with_output().unwrap();
    assert!(
        first_done.status.success(),
        "{}",
        String::from_utf8_lossy(&first_done.stderr)
    );
    assert_eq!(second.code, 2, "{}", second.stderr);
    assert!(
        second.stderr.contains("another pressroom build"),
        "{}",
        second.stderr
    );
    // The first build's output is whole: every file its manifest lists, and nothing else.
    let manifest = read_json(&out.join(MANIFEST));
    let mut listed: Vec<String> = manifest["files"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.trim_start_matches('/').to_string())
        .collect();
    listed.push(MANIFEST.to_string());
    // And the ledger it leaves for `deploy` to record, beside the site's files.
    listed.push(".pressroom-publish.json".to_string());
    listed.sort();
    assert_eq!(list_files(&out), listed);
    assert!(listed.len() > 1500);
}

/// (inode, modification time) of a file.
fn identity(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path).expect("file exists");
    (meta.ino(), meta.modified().expect("mtime"))
}

#[test]
fn a_rebuild_keeps_the_files_it_did_not_change_and_replaces_the_ones_it_did() {
    let site = newsroom();
    site.build().assert_ok();
    let out = site.out();
    let post = out.join("blog/hello/index.html");
    let release = out.join("press/fjord/index.html");
    let (post_before, release_before) = (identity(&post), identity(&release));
    // A coarse file system clock would hide a rewrite: make any rewrite show in the mtime.
    std::thread::sleep(Duration::from_millis(20));
    site.file(
        "content/press/2026-11-18-fjord.md",
        &item(
            "Fjord 5 fire test",
            "2026-11-18",
            "",
            "The release, edited.",
        ),
    );
    site.build().assert_ok();
    assert_eq!(
        identity(&post),
        post_before,
        "an unchanged page keeps its inode and mtime"
    );
    assert_ne!(
        identity(&release).0,
        release_before.0,
        "the edited page is new"
    );
    let html = read_html(&out, "/press/fjord/");
    assert!(
        texts(&html, "main p").iter().any(|t| t.contains("edited")),
        "the edited page has the edit"
    );
    // Two builds of one site still give the same bytes.
    let before = site_tree(&site);
    site.build().assert_ok();
    assert_same_tree(&before, &site_tree(&site), "a rebuild with nothing changed");
}

/// Every file of the output with its inode and modification time.
fn identities(out: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    list_files(out)
        .into_iter()
        .map(|rel| {
            let id = identity(&out.join(&rel));
            (rel, id)
        })
        .collect()
}

#[test]
fn a_rebuild_with_nothing_changed_writes_no_file() {
    let site = newsroom();
    site.file("static/files/fact-sheet.pdf", "%PDF-1.4 a fact sheet");
    site.build().assert_ok();
    let out = site.out();
    let before = identities(&out);
    for theirs in [
        "style.css",
        "files/fact-sheet.pdf",
        ".pressroom-manifest.json",
    ] {
        assert!(
            before.contains_key(theirs),
            "{theirs} in {:?}",
            before.keys()
        );
    }
    std::thread::sleep(Duration::from_millis(20));
    site.build().assert_ok();
    let after = identities(&out);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(path, id)| before.get(*path) != Some(id))
        .map(|(path, _)| path)
        .collect();
    assert!(
        rewritten.is_empty(),
        "files written again though nothing changed (theme and site static files, the manifest and the pending ledger included): {rewritten:?}"
    );
    // A static file whose bytes change is a new file.
    site.file(
        "static/files/fact-sheet.pdf",
        "%PDF-1.4 a corrected fact sheet",
    );
    site.build().assert_ok();
    assert_ne!(
        identity(&out.join("files/fact-sheet.pdf")).0,
        after["files/fact-sheet.pdf"].0
    );
    assert_eq!(
        std::fs::read_to_string(out.join("files/fact-sheet.pdf")).unwrap(),
        "%PDF-1.4 a corrected fact sheet"
    );
}

/// Every folder of the output (relative path, "" for the output itself) with its inode.
fn folder_inodes(out: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().expect("folder").ino())
        })
        .collect()
}

#[test]
fn a_rebuild_changes_only_the_folders_that_appear_or_disappear() {
    let site = newsroom();
    site.build().assert_ok();
    let out = site.out();
    let before = folder_inodes(&out);
    assert!(before.contains_key("blog/hello"), "{:?}", before.keys());
    site.remove("content/blog/2026-11-19-hello.md").file(
        "content/blog/2026-11-20-welcome.md",
        &item("Welcome", "2026-11-20", "", "Another post."),
    );
    site.build().assert_ok();
    let after = folder_inodes(&out);
    assert!(
        !after.contains_key("blog/hello"),
        "the removed post's folder is gone"
    );
    assert!(
        after.contains_key("blog/welcome"),
        "the new post has its folder"
    );
    let moved: Vec<&String> = before
        .iter()
        .filter(|(rel, ino)| after.get(*rel).is_some_and(|now| now != *ino))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        moved.is_empty(),
        "folders that stayed were made anew (the output included): {moved:?}"
    );
    // The folder updated in place holds exactly what a build into a new folder writes.
    let fresh = site.tmp().join("fresh");
    site.build_args(&["--output", fresh.to_str().unwrap()])
        .assert_ok();
    assert_same_tree(
        &hash_tree(&fresh),
        &hash_tree(&out),
        "in place vs new folder",
    );
    assert_eq!(list_files(&fresh), list_files(&out));
}

#[test]
fn a_folder_planted_as_a_link_in_the_output_never_takes_a_write_outside() {
    let site = newsroom();
    site.build().assert_ok();
    let out = site.out();
    // An insider swaps the press folder for a link to a folder of theirs.
    let theirs = site.tmp().join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("keep.txt"), "mine").unwrap();
    std::fs::remove_dir_all(out.join("press")).unwrap();
    std::os::unix::fs::symlink(&theirs, out.join("press")).unwrap();
    site.build().assert_ok();
    assert!(
        std::fs::symlink_metadata(out.join("press"))
            .unwrap()
            .is_dir(),
        "the press folder is a real folder again"
    );
    assert_eq!(
        list_files(&theirs),
        vec!["keep.txt".to_string()],
        "nothing written there"
    );
    assert!(out.join("press/fjord/index.html").is_file());
}

#[test]
fn a_file_planted_in_the_output_is_never_carried_into_the_next_build() {
    let site = newsroom();
    site.build().assert_ok();
    let out = site.out();
    let post = out.join("blog/hello/index.html");
    let bytes = std::fs::read(&post).expect("page");
    // An insider replaces the page with a hard link to a file of theirs with the same bytes,
    // and another with a symbolic link to one: if a rebuild kept them, the outside files would
    // change the next outputs.
    let outside = site.tmp().join("outside.html");
    std::fs::write(&outside, &bytes).expect("write");
    std::fs::remove_file(&post).expect("rm");
    std::fs::hard_link(&outside, &post).expect("link");
    let release = out.join("press/fjord/index.html");
    let linked = site.tmp().join("linked.html");
    std::fs::write(&linked, std::fs::read(&release).expect("page")).expect("write");
    std::fs::remove_file(&release).expect("rm");
    std::os::unix::fs::symlink(&linked, &release).expect("symlink");
    site.build().assert_ok();
    let (post_id, outside_id) = (identity(&post).0, identity(&outside).0);
    assert_ne!(post_id, outside_id, "the hard-linked page was written anew");
    let meta = std::fs::symlink_metadata(&release).expect("page");
    assert!(
        meta.file_type().is_file(),
        "the symlinked page is a file again"
    );
    std::fs::write(&outside, "changed outside").expect("write");
    std::fs::write(&linked, "changed outside").expect("write");
    assert_eq!(
        std::fs::read(&post).expect("page"),
        bytes,
        "the output does not follow"
    );
    assert!(
        !std::fs::read_to_string(&release)
            .expect("page")
            .contains("changed outside")
    );
}

#[test]
fn a_page_behind_a_symlinked_folder_is_not_reused() {
    let site = newsroom();
    site.build().assert_ok();
    let out = site.out();
    // The insider moves `blog/` out of the output and links it back in.
    let moved = site.tmp().join("blog-elsewhere");
    std::fs::rename(out.join("blog"), &moved).expect("move");
    std::os::unix::fs::symlink(&moved, out.join("blog")).expect("symlink");
    let outside_page = moved.join("hello/index.html");
    let outside_id = identity(&outside_page).0;
    site.build().assert_ok();
    let page = out.join("blog/hello/index.html");
    assert!(
        std::fs::symlink_metadata(out.join("blog"))
            .expect("blog")
            .is_dir(),
        "the output's blog folder is a real folder again"
    );
    assert_ne!(identity(&page).0, outside_id, "the page was written anew");
}

/// A rebuild reads again only the output's folders that changed (see `output::strays`): what
/// someone plants in the output between builds, once the folders have settled, still goes,
/// and a page the site no longer has goes from a folder that did not change.
#[test]
fn what_is_planted_in_a_settled_output_goes_at_the_next_build() {
    let site = newsroom();
    site.build().assert_ok();
    // Folders are remembered only once their last change is 3 s old (in whole seconds).
    std::thread::sleep(Duration::from_millis(4200));
    site.build().assert_ok();
    let walked = walkdir::WalkDir::new(site.root().join(".pressroom/cache/build"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name() == "folders.bin")
        .expect("the walk's folders were saved");
    assert!(walked.metadata().expect("file").len() > 100);
    let out = site.out();
    let planted = [
        "blog/hello/planted.html",
        "press/fjord-5-fire-test/x/y.js",
        "planted.txt",
    ];
    for p in planted {
        let path = out.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "not the site's").unwrap();
    }
    // Its times set back, the folder still shows the change.
    let folder = std::fs::File::open(out.join("blog/hello")).unwrap();
    folder.set_modified(std::time::UNIX_EPOCH).unwrap();
    site.build().assert_ok();
    for p in planted {
        assert!(!out.join(p).exists(), "{p} stayed in the output");
    }
    assert!(!out.join("press/fjord-5-fire-test/x").exists());
    let fresh = site.tmp().join("fresh");
    site.build_args(&["--output", fresh.to_str().unwrap()])
        .assert_ok();
    assert_eq!(list_files(&fresh), list_files(&out));
    // Settled again, then a post removed: its folder goes though its parent did not change.
    std::thread::sleep(Duration::from_millis(4200));
    site.build().assert_ok();
    site.remove("content/blog/2026-11-19-hello.md");
    site.build().assert_ok();
    assert!(!out.join("blog/hello").exists());
}
