//! `pressroom deploy` and the build manifest: against a real S3-compatible server on loopback
//! (s3s-fs, which checks every request's SigV4 signature; installed by `.ci/install-s3.sh`)
//! and against a folder (`file://`).

use crate::common;

use common::*;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const KEY: &str = "AKIAPRESSROOMTEST";
const SECRET: &str = "pressroom-test-secret";
const MANIFEST: &str = ".pressroom-manifest.json";
/// The ledger a build leaves for `deploy` to record: beside the site, never part of it.
const PENDING: &str = ".pressroom-publish.json";

fn read_json(out: &Path, rel: &str) -> Value {
    let path = out.join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{rel}` is not JSON: {e}"))
}

/// A port nothing listens on (bound, then released).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a loopback port")
        .local_addr()
        .expect("address")
        .port()
}

/// The s3s-fs binary: `PRESSROOM_TEST_S3S_FS`, else `s3s-fs` in cargo's bin folder, else on
/// PATH.
fn s3s_fs_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("PRESSROOM_TEST_S3S_FS") {
        return PathBuf::from(p);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(bin) = cargo_home
        .map(|h| h.join("bin/s3s-fs"))
        .filter(|b| b.is_file())
    {
        return bin;
    }
    PathBuf::from("s3s-fs")
}

/// An s3s-fs server on a loopback port, storing objects in a temporary folder; killed when
/// dropped. It accepts only requests signed with [`KEY`] and [`SECRET`].
struct S3Server {
    child: Child,
    endpoint: String,
    /// Objects are files at `store/BUCKET/KEY` (its metadata sits beside the buckets).
    store: tempfile::TempDir,
}

impl S3Server {
    fn start() -> S3Server {
        let store = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let binary = s3s_fs_binary();
        let child = Command::new(&binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", KEY, "--secret-key", SECRET])
            .arg(store.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the S3 test server `{}`: {e}; run `bash .ci/install-s3.sh` (cargo install s3s-fs) before `cargo test`, or set PRESSROOM_TEST_S3S_FS",
                    binary.display()
                )
            });
        let mut server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            store,
        };
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the S3 test server exited at start ({status}); is port {port} free?");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the S3 test server did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn bucket(&self, name: &str) -> Bucket {
        Bucket::new(
            self.endpoint.parse().expect("endpoint URL"),
            UrlStyle::Path,
            name.to_string(),
            "us-east-1".to_string(),
        )
        .expect("bucket")
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into()
    }

    /// Creates a bucket (through the API, signed).
    fn create_bucket(&self, name: &str) {
        let creds = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(name);
        let url = bucket.create_bucket(&creds).sign(Duration::from_secs(600));
        let r = S3Server::agent()
            .put(url.as_str())
            .send_empty()
            .expect("PUT bucket");
        assert_eq!(r.status().as_u16(), 200, "create bucket {name}");
    }

    /// Every object in the bucket with its SHA-256 and modification time, read from the
    /// server's store: a rewrite with the same bytes shows as a new time.
    fn list(&self, name: &str) -> BTreeMap<String, (String, SystemTime)> {
        let dir = self.store.path().join(name);
        hash_tree(&dir)
            .into_iter()
            .map(|(key, sha)| {
                let modified = std::fs::metadata(dir.join(&key))
                    .and_then(|m| m.modified())
                    .expect("mtime");
                (key, (sha, modified))
            })
            .collect()
    }

    /// `Content-Type` and `Cache-Control` of an object.
    fn head(&self, name: &str, key: &str) -> (String, String) {
        let creds = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(name);
        let url = bucket
            .head_object(Some(&creds), key)
            .sign(Duration::from_secs(600));
        let r = S3Server::agent().head(url.as_str()).call().expect("HEAD");
        assert_eq!(r.status().as_u16(), 200, "HEAD {key}");
        let h = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        (h("content-type"), h("cache-control"))
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `pressroom deploy` with `args` and the S3 environment (credentials unless `creds` is
/// false; no endpoint or region from the caller's environment).
fn deploy(args: &[&str], creds: bool) -> Run {
    deploy_as(args, creds.then_some((KEY, SECRET)))
}

/// [`deploy`] with these credentials (key id, secret), or none.
fn deploy_as(args: &[&str], creds: Option<(&str, &str)>) -> Run {
    let mut cmd = Command::new(bin());
    cmd.arg("deploy").args(args);
    for var in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_SESSION_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        cmd.env_remove(var);
    }
    if let Some((key, secret)) = creds {
        cmd.env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret);
    }
    let output = cmd.output().expect("pressroom runs");
    Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
        out: PathBuf::new(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

/// The upload and delete lines and the summary of a `--message-format json` deploy.
struct Outcome {
    uploads: BTreeSet<String>,
    deletes: BTreeSet<String>,
    summary: Value,
}

fn outcome(run: &Run) -> Outcome {
    run.assert_ok();
    let lines = run.json_lines();
    let of = |t: &str| {
        lines
            .iter()
            .filter(|v| v["type"] == t)
            .map(|v| v["path"].as_str().expect("path").to_string())
            .collect()
    };
    Outcome {
        uploads: of("upload"),
        deletes: of("delete"),
        summary: lines
            .iter()
            .find(|v| v["type"] == "summary")
            .cloned()
            .unwrap_or_else(|| panic!("no summary: {}", run.stdout)),
    }
}

/// A newsroom with two sections, tags and an embargoed release.
fn newsroom() -> SiteTest {
    let site = SiteTest::new();
    for i in 1..=6 {
        site.file(
            &format!("content/blog/2026-11-{:02}-post-{i}.md", i + 10),
            &item(
                &format!("Post {i}"),
                &format!("2026-11-{:02}", i + 10),
                &format!("tags = [\"tag-{}\"]\n", i % 2),
                &format!("Body of post {i}."),
            ),
        );
    }
    site.file(
        "content/press/2026-11-18-plant.md",
        &item(
            "New plant",
            "2026-11-18",
            "dateline = \"SEOUL\"\n",
            "A plant.",
        ),
    )
    .file(
        "content/press/2028-01-01-later.md",
        &item(
            "Later",
            "2028-01-01",
            "embargo = 2028-01-01T09:00:00Z\n",
            "Not yet.",
        ),
    )
    .file("static/site.css", "body { color: black }\n");
    site
}

fn out_str(site: &SiteTest) -> String {
    site.out().to_str().expect("UTF-8").to_string()
}

/// The site paths of the build manifest.
fn manifest_files(out: &Path) -> BTreeSet<String> {
    let m = read_json(out, MANIFEST);
    m["files"]
        .as_object()
        .expect("files")
        .keys()
        .cloned()
        .collect()
}

/// The clock of the builds after the first (a notice must not predate the ledger's record).
const LATER: &str = "2026-11-24T08:00:00Z";

/// A build at [`LATER`].
fn build_later(site: &SiteTest) {
    site.build_args(&["--now", LATER]).assert_ok();
}

/// An edit that the ledger accepts: new body text with an editorial note.
fn edit_post_1(site: &SiteTest) {
    site.file(
        "content/blog/2026-11-11-post-1.md",
        "+++\ntitle = \"Post 1\"\ndate = 2026-11-11\ntags = [\"tag-1\"]\n\n[[corrections]]\ndate = 2026-11-24\nkind = \"editorial\"\nnote = \"Typo fixed.\"\n+++\n\nBody of post one.\n",
    );
}

/// What an edit of post 1 may touch: its page, lists, feeds, sitemaps, the search index.
fn assert_edit_touches_little(uploads: &BTreeSet<String>, all: usize) {
    assert!(
        uploads.contains("/blog/post-1/index.html"),
        "the edited post is uploaded: {uploads:?}"
    );
    for other in 2..=6 {
        let page = format!("/blog/post-{other}/index.html");
        assert!(
            !uploads.contains(&page),
            "{page} did not change: {uploads:?}"
        );
    }
    assert!(!uploads.contains("/site.css"), "{uploads:?}");
    // The edit carries an editorial note, so the corrections pages, their feeds and the public
    // record (`/corrections/record.json`) change with it.
    assert!(
        uploads.len() * 5 < all * 2,
        "an edit of one post uploads a small part of the site ({} of {all}): {uploads:?}",
        uploads.len()
    );
    for path in uploads {
        let allowed = path == "/blog/post-1/index.html"
            || (path.ends_with("/index.html") && !path.starts_with("/press/"))
            || path.ends_with(".xml")
            || path.ends_with(".json");
        assert!(allowed, "{path} has nothing to do with post 1: {uploads:?}");
    }
}

#[test]
fn every_build_writes_a_deterministic_manifest_with_hashes_and_the_next_embargo_lift() {
    let site = newsroom();
    let b = site.build_args(&["--message-format", "json"]);
    b.assert_ok();
    let m = read_json(&site.out(), MANIFEST);
    assert_eq!(m["generator"], "pressroom", "{m}");
    assert_eq!(m["version"], 1, "{m}");
    assert_eq!(m["base_url"], BASE_URL, "{m}");
    assert_eq!(m["next_embargo_lift"], "2028-01-01T09:00:00Z", "{m}");
    assert_eq!(
        b.json_summary()["next_embargo_lift"],
        m["next_embargo_lift"],
        "the summary and the manifest agree"
    );
    // Every other file is listed with its SHA-256 and size, and nothing else.
    let on_disk = b.hashes();
    let files = m["files"].as_object().expect("files");
    let listed: BTreeSet<String> = files
        .keys()
        .map(|k| k.trim_start_matches('/').to_string())
        .collect();
    let expected: BTreeSet<String> = on_disk
        .keys()
        .filter(|k| *k != MANIFEST && *k != PENDING)
        .cloned()
        .collect();
    assert_eq!(listed, expected);
    for (path, entry) in files {
        let rel = path.trim_start_matches('/');
        assert_eq!(entry["sha256"], on_disk[rel], "{path}");
        let size = std::fs::metadata(site.out().join(rel)).unwrap().len();
        assert_eq!(entry["size"], size, "{path}");
    }
    // The manifest is not part of the site: no sitemap entry, no link, no feed mentions it.
    for (rel, _) in on_disk.iter().filter(|(k, _)| *k != MANIFEST) {
        let text = std::fs::read_to_string(site.out().join(rel)).unwrap_or_default();
        assert!(!text.contains(MANIFEST), "{rel} mentions the manifest");
    }
    // Deterministic: a second build into another folder writes the same bytes.
    let again = site.tmp().join("again");
    site.build_args(&["--output", again.to_str().unwrap()])
        .assert_ok();
    assert_eq!(
        std::fs::read(site.out().join(MANIFEST)).unwrap(),
        std::fs::read(again.join(MANIFEST)).unwrap()
    );
    // Without embargoed items, the lift time is null.
    site.remove("content/press/2028-01-01-later.md");
    site.build_ok();
    assert_eq!(
        read_json(&site.out(), MANIFEST)["next_embargo_lift"],
        Value::Null
    );
}

/// A file changed in the output after the build recorded it (here: the same size, so only its
/// bytes tell) is never deployed: the build keeps a file it did not rewrite on the strength of
/// the stamp it took at its start, and this check is what stands behind that.
#[test]
fn a_file_changed_after_the_build_is_never_deployed() {
    let site = newsroom();
    site.build_ok();
    let page = site.out().join("blog/post-1/index.html");
    let built = std::fs::read(&page).unwrap();
    let mut forged = built.clone();
    let at = forged.len() / 2;
    forged[at] = if forged[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&page, &forged).unwrap();
    let web = site.tmp().join("www");
    std::fs::create_dir_all(&web).unwrap();
    let target = format!("file://{}", web.display());
    let run = deploy(&["--target", &target, "--output", &out_str(&site)], false);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("changed after the build wrote its manifest"),
        "{}",
        run.stderr
    );
    let deployed = std::fs::read(web.join("blog/post-1/index.html")).ok();
    assert_ne!(
        deployed.as_deref(),
        Some(&forged[..]),
        "the forged page went out"
    );
}

#[test]
fn file_target_deploys_only_what_changed() {
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);
    let web = site.tmp().join("www");
    std::fs::create_dir_all(&web).unwrap();
    let target = format!("file://{}", web.display());
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            "--target".to_string(),
            target.clone(),
            "--output".into(),
            out.clone(),
        ];
        a.extend(["--message-format".to_string(), "json".to_string()]);
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run_with = |extra: &[&str]| {
        let a = args(extra);
        deploy(&a.iter().map(String::as_str).collect::<Vec<_>>(), false)
    };
    let all = manifest_files(&site.out());

    // First deploy: everything, and the target is a copy of the output.
    let first = outcome(&run_with(&[]));
    assert_eq!(first.uploads, all);
    assert!(first.deletes.is_empty());
    let built = site.out();
    let deployed = hash_tree(&web);
    for (rel, hash) in hash_tree(&built)
        .iter()
        .filter(|(k, _)| *k != MANIFEST && *k != PENDING)
    {
        assert_eq!(deployed.get(rel), Some(hash), "{rel}");
    }
    let stored = read_json(&web, MANIFEST);
    assert_eq!(
        stored["next_embargo_lift"],
        Value::Null,
        "the deployed copy keeps no embargo time"
    );
    let urls: Vec<&str> = first.summary["changed_urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(
        urls.contains(&"https://example.com/blog/post-1/"),
        "{urls:?}"
    );
    assert!(
        urls.iter().all(|u| u.starts_with("https://example.com/")),
        "{urls:?}"
    );

    // Same build again: nothing.
    let second = outcome(&run_with(&[]));
    assert!(
        second.uploads.is_empty() && second.deletes.is_empty(),
        "{:?}",
        second.uploads
    );
    assert_eq!(second.summary["unchanged"], all.len());

    // One post edited: its page, lists and feeds.
    edit_post_1(&site);
    build_later(&site);
    let third = outcome(&run_with(&[]));
    assert_edit_touches_little(&third.uploads, all.len());
    assert_eq!(
        std::fs::read(web.join("blog/post-1/index.html")).unwrap(),
        std::fs::read(site.out().join("blog/post-1/index.html")).unwrap()
    );

    // A page removed (the ledger wants a withdrawal for published items; an unpublished draft
    // page works): with --max-deletes 0 nothing changes, then it is deleted.
    site.file("static/old/notice.html", "<p>old</p>\n");
    build_later(&site);
    outcome(&run_with(&[]));
    assert!(web.join("old/notice.html").exists());
    site.remove("static/old/notice.html");
    build_later(&site);
    let before = hash_tree(&web);
    let refused = run_with(&["--max-deletes", "0"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    let err = refused.json_lines();
    let msg = err.last().unwrap()["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("--max-deletes") && msg.contains("nothing was changed"),
        "{msg}"
    );
    assert_eq!(hash_tree(&web), before, "a refused deploy changes nothing");

    // --dry-run shows the delete and changes nothing.
    let dry = outcome(&run_with(&["--dry-run"]));
    assert_eq!(
        dry.deletes,
        BTreeSet::from(["/old/notice.html".to_string()])
    );
    assert_eq!(dry.summary["dry_run"], true);
    assert_eq!(hash_tree(&web), before);

    let fourth = outcome(&run_with(&[]));
    assert_eq!(
        fourth.deletes,
        BTreeSet::from(["/old/notice.html".to_string()])
    );
    assert!(!web.join("old/notice.html").exists());
    assert!(!web.join("old").exists(), "the emptied folder is removed");

    // Files the deploys did not put there are never deleted.
    std::fs::write(web.join("keep.txt"), "mine").unwrap();
    outcome(&run_with(&[]));
    assert!(web.join("keep.txt").exists());
}

#[test]
fn file_target_errors_change_nothing() {
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);
    // The target folder must exist (a web root that is not mounted is not created).
    let missing = site.tmp().join("not-mounted");
    let r = deploy(
        &[
            "--target",
            &format!("file://{}", missing.display()),
            "--output",
            &out,
        ],
        false,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(!missing.exists());
    // No build: a clear error.
    let empty = site.tmp().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let r = deploy(
        &[
            "--target",
            &format!("file://{}", empty.display()),
            "--output",
            empty.to_str().unwrap(),
        ],
        false,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("pressroom build"), "{}", r.stderr);
    // An unknown scheme.
    let r = deploy(&["--target", "ftp://x/y", "--output", &out], false);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("s3://bucket/prefix"), "{}", r.stderr);
    // A file changed after the build is refused.
    let www = site.tmp().join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(
        site.out().join("site.css"),
        "tampered, and longer than before\n",
    )
    .unwrap();
    let r = deploy(
        &[
            "--target",
            &format!("file://{}", www.display()),
            "--output",
            &out,
        ],
        false,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("changed after the build"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&www).unwrap().count(), 0);
}

#[test]
fn s3_target_deploys_only_what_changed() {
    let s3 = S3Server::start();
    s3.create_bucket("newsroom");
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);
    let endpoint = s3.endpoint.clone();
    let run_with = |extra: &[&str]| {
        let mut a = vec![
            "--target",
            "s3://newsroom/site",
            "--endpoint",
            &endpoint,
            "--output",
            &out,
            "--message-format",
            "json",
        ];
        a.extend(extra);
        deploy(&a, true)
    };
    let all = manifest_files(&site.out());
    let keys = |paths: &BTreeSet<String>| -> BTreeSet<String> {
        paths.iter().map(|p| format!("site{p}")).collect()
    };

    // First deploy: every file, and the manifest last.
    let first = outcome(&run_with(&[]));
    assert_eq!(first.uploads, all);
    let listed = s3.list("newsroom");
    let mut expected = keys(&all);
    expected.insert(format!("site/{MANIFEST}"));
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), expected);

    // Content types and cache lifetimes.
    for (key, ct, cc) in [
        (
            "site/index.html",
            "text/html; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "site/blog/post-1/index.html",
            "text/html; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "site/atom.xml",
            "application/xml; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "site/sitemap.xml",
            "application/xml; charset=utf-8",
            "public, max-age=300",
        ),
        ("site/feed.json", "application/json", "public, max-age=300"),
        (
            "site/site.css",
            "text/css; charset=utf-8",
            "public, max-age=3600",
        ),
    ] {
        assert_eq!(
            s3.head("newsroom", key),
            (ct.to_string(), cc.to_string()),
            "{key}"
        );
    }

    // Same build again: nothing uploaded, nothing in the bucket changed.
    let second = outcome(&run_with(&[]));
    assert!(
        second.uploads.is_empty() && second.deletes.is_empty(),
        "{:?}",
        second.uploads
    );
    assert_eq!(s3.list("newsroom"), listed);

    // One post edited: that page, its lists and feeds.
    edit_post_1(&site);
    build_later(&site);
    let third = outcome(&run_with(&[]));
    assert_edit_touches_little(&third.uploads, all.len());
    let after = s3.list("newsroom");
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(k, etag)| listed.get(*k) != Some(etag))
        .map(|(k, _)| k.clone())
        .collect();
    let mut expected = keys(&third.uploads);
    expected.insert(format!("site/{MANIFEST}"));
    assert_eq!(
        changed, expected,
        "the bucket changed exactly where the deploy said"
    );

    // A removed page: --max-deletes 0 stops the deploy with nothing changed, then it goes.
    site.file("static/old/notice.html", "<p>old</p>\n");
    build_later(&site);
    outcome(&run_with(&[]));
    site.remove("static/old/notice.html");
    build_later(&site);
    let before = s3.list("newsroom");
    assert!(before.contains_key("site/old/notice.html"));
    let refused = run_with(&["--max-deletes", "0"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stdout.contains("--max-deletes"),
        "{}",
        refused.stdout
    );
    assert_eq!(
        s3.list("newsroom"),
        before,
        "a refused deploy changes nothing"
    );
    let dry = outcome(&run_with(&["--dry-run"]));
    assert_eq!(dry.deletes.len(), 1);
    assert_eq!(s3.list("newsroom"), before, "a dry run changes nothing");
    let fourth = outcome(&run_with(&[]));
    assert_eq!(
        fourth.deletes,
        BTreeSet::from(["/old/notice.html".to_string()])
    );
    let urls = fourth.summary["changed_urls"].to_string();
    assert!(
        urls.contains("https://example.com/old/notice.html"),
        "{urls}"
    );
    assert!(!s3.list("newsroom").contains_key("site/old/notice.html"));

    // Text output: the plan, then the changed URLs.
    site.file("static/site.css", "body { color: navy }\n");
    build_later(&site);
    let text = deploy(
        &[
            "--target",
            "s3://newsroom/site",
            "--endpoint",
            &endpoint,
            "--output",
            &out,
        ],
        true,
    );
    text.assert_ok();
    assert!(
        text.stdout.contains("upload /site.css (changed)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("https://example.com/site.css"),
        "{}",
        text.stdout
    );
}

#[test]
fn s3_errors_are_clear_and_change_nothing() {
    let s3 = S3Server::start();
    s3.create_bucket("newsroom");
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);
    let args = [
        "--target",
        "s3://newsroom/site",
        "--endpoint",
        &s3.endpoint,
        "--output",
        &out,
    ];

    // A wrong secret, then a key the server does not know: refused before anything changed,
    // first against an empty bucket, then against a deployed one with a new build waiting.
    let refused = |what: &str| {
        for creds in [(KEY, "not-the-secret"), ("AKIAUNKNOWN", SECRET)] {
            let r = deploy_as(&args, Some(creds));
            assert_eq!(r.code, 2, "{what} {creds:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("refused the credentials")
                    && r.stderr.contains("AWS_SECRET_ACCESS_KEY")
                    && r.stderr.contains("nothing was changed"),
                "{what} {creds:?}: {}",
                r.stderr
            );
        }
    };
    refused("empty bucket");
    assert!(s3.list("newsroom").is_empty(), "nothing was uploaded");
    deploy(&args, true).assert_ok();
    let deployed = s3.list("newsroom");
    edit_post_1(&site);
    build_later(&site);
    refused("deployed bucket");
    assert_eq!(
        s3.list("newsroom"),
        deployed,
        "a refused deploy changes nothing"
    );

    // An unreachable endpoint (a loopback port nobody listens on).
    let dead = format!("http://127.0.0.1:{}", free_port());
    let started = Instant::now();
    let r = deploy(
        &[
            "--target",
            "s3://newsroom/site",
            "--endpoint",
            &dead,
            "--output",
            &out,
        ],
        true,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot reach") && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(30));

    // A bucket that does not exist.
    let r = deploy(
        &[
            "--target",
            "s3://no-such-bucket",
            "--endpoint",
            &s3.endpoint,
            "--output",
            &out,
        ],
        true,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);

    // No credentials at all.
    let r = deploy(
        &[
            "--target",
            "s3://newsroom/site",
            "--endpoint",
            &s3.endpoint,
            "--output",
            &out,
        ],
        false,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("AWS_ACCESS_KEY_ID"), "{}", r.stderr);

    assert_eq!(s3.list("newsroom"), deployed, "nothing was uploaded");
    assert!(
        !s3.store.path().join("no-such-bucket").exists(),
        "a mistyped bucket is not created"
    );
}

/// The workflow `init` wrote into `dir`, parsed.
fn workflow(dir: &Path) -> serde_yaml_ng::Value {
    let text = std::fs::read_to_string(dir.join(".github/workflows/pressroom.yml")).unwrap();
    let unfilled = text.replace("${{", "");
    assert!(!unfilled.contains("{{"), "a placeholder is left:\n{text}");
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"))
}

/// The steps of the workflow's one job, by name.
fn steps(wf: &serde_yaml_ng::Value) -> BTreeMap<String, serde_yaml_ng::Value> {
    wf["jobs"]["site"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|s| Some((s["name"].as_str()?.to_string(), s.clone())))
        .collect()
}

fn run_text(step: &serde_yaml_ng::Value) -> String {
    step["run"].as_str().expect("a run step").to_string()
}

#[test]
fn init_writes_a_ci_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let r = run(&["init", dir.to_str().unwrap()], &dir);
    r.assert_ok();
    let wf = workflow(&dir);
    let cron = wf["on"]["schedule"][0]["cron"].as_str();
    assert_eq!(cron, Some("*/10 * * * *"), "embargo lifts are picked up");
    assert!(
        wf["on"].get("pull_request").is_some(),
        "pull requests are checked"
    );
    assert!(wf["on"].get("push").is_some(), "merges are deployed");
    let steps = steps(&wf);
    let build =
        run_text(&steps["Build (refuses silent edits of published items; records nothing)"]);
    assert!(build.contains("pressroom build"), "{build}");
    assert!(run_text(&steps["Check links, embargo, release lint"]).contains("pressroom check"));
    let deploy = &steps["Deploy (records what went online in published.lock)"];
    assert!(run_text(deploy).contains("pressroom deploy --target"));
    assert!(
        deploy["if"]
            .as_str()
            .is_some_and(|c| c.contains("refs/heads/main")),
        "deploys only from main"
    );
    assert_eq!(
        deploy["env"]["AWS_SECRET_ACCESS_KEY"].as_str(),
        Some("${{ secrets.AWS_SECRET_ACCESS_KEY }}")
    );
    assert!(run_text(&steps["Next embargo lift"]).contains("next_embargo_lift"));
    // By default: this version's crates.io release.
    assert_eq!(
        wf["env"]["PRESSROOM_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let install = run_text(&steps["Install pressroom"]);
    assert!(
        install.contains("cargo install pressroom --version \"$PRESSROOM_VERSION\" --locked"),
        "{install}"
    );
    // That install cannot work while pressroom is not on crates.io: init and the file say so,
    // with the alternative.
    for (what, text) in [
        ("init's warning", r.stderr.clone()),
        ("the workflow's comment", workflow_text(&dir)),
    ] {
        assert!(text.contains("not on crates.io"), "{what}: {text}");
        assert!(text.contains("--pressroom-git"), "{what}: {text}");
    }
    // The schedule's cost is visible, and a cheaper one offered.
    assert!(
        r.stdout.contains("4,320 runner minutes a month"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("--schedule"), "{}", r.stdout);
    let comment = workflow_text(&dir);
    assert!(
        comment.contains("4,320 runner minutes a month"),
        "{comment}"
    );
    assert!(comment.contains("within about 10 minutes"), "{comment}");
}

fn workflow_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".github/workflows/pressroom.yml")).unwrap()
}

#[test]
fn init_offers_a_cheaper_schedule() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("half-hourly");
    let r = run(
        &["init", dir.to_str().unwrap(), "--schedule", "*/30 * * * *"],
        &dir,
    );
    r.assert_ok();
    let wf = workflow(&dir);
    assert_eq!(
        wf["on"]["schedule"][0]["cron"].as_str(),
        Some("*/30 * * * *")
    );
    let comment = workflow_text(&dir);
    assert!(comment.contains("within about 30 minutes"), "{comment}");
    assert!(
        comment.contains("about 1,440 runner minutes a month"),
        "{comment}"
    );
    assert!(
        r.stdout.contains("about 1,440 runner minutes"),
        "{}",
        r.stdout
    );

    let hourly = tmp.path().join("hourly");
    run(
        &["init", hourly.to_str().unwrap(), "--schedule", "0 * * * *"],
        &hourly,
    )
    .assert_ok();
    assert!(workflow_text(&hourly).contains("within about an hour"));

    // Not a cron line: a usage error, and no site.
    let bad = tmp.path().join("bad");
    let r = run(
        &["init", bad.to_str().unwrap(), "--schedule", "hourly"],
        &bad,
    );
    r.assert_code(2);
    assert!(r.stderr.contains("five fields"), "{}", r.stderr);
    assert!(!bad.exists());
}

#[test]
fn init_can_build_pressroom_from_its_git_repository() {
    let tmp = tempfile::tempdir().unwrap();
    // A stand-in for pressroom's repository: an annotated tag, a branch of the same name
    // pointing elsewhere, and a default branch.
    let repo = tmp.path().join("pressroom.git");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "one"]);
    let tagged = git(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["tag", "-a", "v1.2.0", "-m", "release"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "two"]);
    git(&repo, &["branch", "v1.2.0"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let url = format!("file://{}", repo.display());

    // The commit the workflow's resolve step finds for `rev` (None: it fails, with a message).
    let resolve = |rev: Option<&str>| -> (Option<String>, String) {
        let dir = tmp
            .path()
            .join(format!("site-{}", rev.unwrap_or("default")));
        let mut args = vec!["init", dir.to_str().unwrap(), "--pressroom-git", &url];
        if let Some(rev) = rev {
            args.extend(["--pressroom-rev", rev]);
        }
        let made = run(&args, &dir);
        made.assert_ok();
        assert!(!made.stderr.contains("not on crates.io"), "{}", made.stderr);
        assert!(!workflow_text(&dir).contains("not on crates.io"));
        let wf = workflow(&dir);
        assert_eq!(wf["env"]["PRESSROOM_GIT"].as_str(), Some(url.as_str()));
        assert!(wf["env"].get("PRESSROOM_VERSION").is_none());
        let steps = steps(&wf);
        let install = run_text(&steps["Install pressroom"]);
        assert!(
            install.contains("cargo install pressroom --locked --git \"$PRESSROOM_GIT\" --rev \"${{ steps.pressroom.outputs.commit }}\""),
            "{install}"
        );
        let key = steps["Cache pressroom"]["with"]["key"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(key.contains("steps.pressroom.outputs.commit"), "{key}");
        // Run the resolve step as GitHub would: bash, with the workflow's env and an output
        // file.
        let output = dir.join("github-output");
        let result = Command::new("bash")
            .args(["-e", "-c", &run_text(&steps["Resolve pressroom's commit"])])
            .env(
                "PRESSROOM_GIT",
                wf["env"]["PRESSROOM_GIT"].as_str().unwrap(),
            )
            .env(
                "PRESSROOM_REV",
                wf["env"]["PRESSROOM_REV"].as_str().unwrap(),
            )
            .env("GITHUB_OUTPUT", &output)
            .output()
            .expect("bash runs");
        let said = String::from_utf8_lossy(&result.stdout).to_string();
        if !result.status.success() {
            return (None, said);
        }
        let written = std::fs::read_to_string(&output).unwrap();
        (
            written.trim().strip_prefix("commit=").map(str::to_string),
            said,
        )
    };
    assert_eq!(
        resolve(None).0.as_deref(),
        Some(head.as_str()),
        "default branch"
    );
    assert_eq!(
        resolve(Some("v1.2.0")).0.as_deref(),
        Some(tagged.as_str()),
        "the tag's commit wins over a branch of the same name"
    );
    assert_eq!(resolve(Some("main")).0.as_deref(), Some(head.as_str()));
    assert_eq!(
        resolve(Some(&tagged)).0.as_deref(),
        Some(tagged.as_str()),
        "a full commit hash is taken as it is"
    );
    let (missing, said) = resolve(Some("v9.9.9"));
    assert_eq!(missing, None);
    assert!(said.contains("no tag, branch or commit 'v9.9.9'"), "{said}");

    // --pressroom-rev needs --pressroom-git.
    let dir = tmp.path().join("no-git");
    let r = run(
        &["init", dir.to_str().unwrap(), "--pressroom-rev", "v1"],
        &dir,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn force_uploads_everything_again() {
    let s3 = S3Server::start();
    s3.create_bucket("newsroom");
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);
    let run_with = |extra: &[&str]| {
        let mut a = vec![
            "--target",
            "s3://newsroom",
            "--endpoint",
            &s3.endpoint,
            "--output",
            &out,
            "--message-format",
            "json",
        ];
        a.extend(extra);
        outcome(&deploy(&a, true))
    };
    run_with(&[]);
    let before = s3.list("newsroom");
    // Someone replaced a page by hand: the manifest cannot know, a plain deploy uploads nothing.
    let page = s3.store.path().join("newsroom/index.html");
    std::fs::write(&page, "defaced").unwrap();
    assert!(run_with(&[]).uploads.is_empty());
    // --force puts every file back, with its headers, and says why.
    let forced = run_with(&["--force"]);
    let all = manifest_files(&site.out());
    assert_eq!(forced.uploads, all);
    assert_eq!(forced.summary["unchanged"], 0);
    let lines = deploy(
        &[
            "--target",
            "s3://newsroom",
            "--endpoint",
            &s3.endpoint,
            "--output",
            &out,
            "--force",
            "--dry-run",
        ],
        true,
    );
    lines.assert_ok();
    assert!(
        lines.stdout.contains("would upload /index.html (forced)"),
        "{}",
        lines.stdout
    );
    let after = s3.list("newsroom");
    assert_eq!(
        std::fs::read(&page).unwrap(),
        std::fs::read(site.out().join("index.html")).unwrap(),
        "the defaced page is repaired"
    );
    for (key, (sha, modified)) in &before {
        let (sha2, modified2) = &after[key];
        assert_eq!(sha, sha2, "{key}");
        assert!(modified2 > modified, "{key} was written again");
    }
    assert_eq!(
        s3.head("newsroom", "index.html"),
        (
            "text/html; charset=utf-8".to_string(),
            "public, max-age=300".to_string()
        )
    );
}

/// Bytes that do not compress or repeat, the same on every run.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn large_files_go_up_in_parts_and_only_whole() {
    // Over the 64 MiB threshold: an S3 multipart upload of five 16 MiB parts, a streamed copy
    // into a folder.
    let video = noise(70 * 1024 * 1024 + 12_345, 7);
    let s3 = S3Server::start();
    s3.create_bucket("newsroom");
    let site = newsroom();
    site.file("static/media/launch.mp4", "");
    std::fs::write(site.root().join("static/media/launch.mp4"), &video).unwrap();
    site.build_ok();
    let out = out_str(&site);
    let web = site.tmp().join("www");
    std::fs::create_dir_all(&web).unwrap();
    let s3_args = [
        "--target",
        "s3://newsroom/site",
        "--endpoint",
        &s3.endpoint,
        "--output",
        &out,
    ];
    let file_target = format!("file://{}", web.display());
    let file_args = ["--target", &file_target, "--output", &out];

    deploy(&s3_args, true).assert_ok();
    deploy(&file_args, false).assert_ok();
    let stored = s3.store.path().join("newsroom/site/media/launch.mp4");
    assert!(
        std::fs::read(&stored).unwrap() == video,
        "S3 object is the file"
    );
    assert!(
        std::fs::read(web.join("media/launch.mp4")).unwrap() == video,
        "the folder's copy is the file"
    );
    assert_eq!(
        s3.head("newsroom", "site/media/launch.mp4"),
        ("video/mp4".to_string(), "public, max-age=3600".to_string())
    );

    // A new cut of the video, then the file changes again after the build: the deploy stops
    // before completing the upload, and the old video stays whole at both targets.
    let cut = noise(video.len(), 8);
    std::fs::write(site.root().join("static/media/launch.mp4"), &cut).unwrap();
    build_later(&site);
    let mut tampered = cut.clone();
    *tampered.last_mut().unwrap() ^= 1;
    std::fs::write(site.out().join("media/launch.mp4"), &tampered).unwrap();
    for args in [&s3_args[..], &file_args[..]] {
        let r = deploy(args, true);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("changed after the build"), "{}", r.stderr);
    }
    assert!(
        std::fs::read(&stored).unwrap() == video,
        "S3 keeps the old video"
    );
    assert!(std::fs::read(web.join("media/launch.mp4")).unwrap() == video);
    let leftovers: Vec<_> = std::fs::read_dir(web.join("media"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left: {leftovers:?}"
    );

    // With the build's bytes back, both deploys finish.
    std::fs::write(site.out().join("media/launch.mp4"), &cut).unwrap();
    deploy(&s3_args, true).assert_ok();
    deploy(&file_args, false).assert_ok();
    assert!(std::fs::read(&stored).unwrap() == cut);
    assert!(std::fs::read(web.join("media/launch.mp4")).unwrap() == cut);
}
