//! `pressroom deploy` and the build manifest: against a real S3-compatible server on loopback
//! (moto's server, installed by `.ci/install-s3.sh`) and against a folder (`file://`).
//!
//! moto does not check request signatures for presigned URLs (the only way rusty-s3 signs), so
//! a wrong secret cannot be made to fail against it; the error cases here are an unreachable
//! endpoint, a missing bucket and missing credentials, and the messages for refused
//! credentials are unit-tested in `src/deploy/s3.rs`.

mod common;

use common::*;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "AKIAPRESSROOMTEST";
const SECRET: &str = "pressroom-test-secret";
const MANIFEST: &str = ".pressroom-manifest.json";

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

/// moto's S3 server on a loopback port, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let importable = Command::new("python3")
            .args(["-c", "import moto.server, flask, werkzeug"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            importable,
            "moto's S3 server is not installed: run `bash .ci/install-s3.sh` (pip install \"moto[server]\") before `cargo test`"
        );
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto's server exited at start ({status}); is port {port} free?");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto's server did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
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

    /// Creates a bucket.
    fn create_bucket(&self, name: &str) {
        let creds = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(name);
        let url = bucket.create_bucket(&creds).sign(Duration::from_secs(600));
        let r = Moto::agent()
            .put(url.as_str())
            .send_empty()
            .expect("PUT bucket");
        assert_eq!(r.status().as_u16(), 200, "create bucket {name}");
    }

    /// Every key in the bucket with its ETag.
    fn list(&self, name: &str) -> BTreeMap<String, String> {
        let creds = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(name);
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            // ListObjectsV2, signed by hand (rusty-s3's action needs its `full` feature).
            let mut query = vec![("list-type", "2")];
            if let Some(t) = &token {
                query.insert(0, ("continuation-token", t.as_str()));
            }
            let url = rusty_s3::signing::sign(
                &jiff::Timestamp::now(),
                rusty_s3::Method::Get,
                bucket.base_url().clone(),
                creds.key(),
                creds.secret(),
                None,
                "us-east-1",
                600,
                query.into_iter(),
                std::iter::empty(),
            );
            let mut r = Moto::agent().get(url.as_str()).call().expect("list");
            assert_eq!(r.status().as_u16(), 200, "list {name}");
            let xml = r.body_mut().read_to_string().expect("list body");
            let doc = roxmltree::Document::parse(&xml).expect("list XML");
            let child = |n: roxmltree::Node<'_, '_>, tag: &str| {
                n.children()
                    .find(|c| c.tag_name().name() == tag)
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            for c in doc
                .descendants()
                .filter(|n| n.tag_name().name() == "Contents")
            {
                out.insert(child(c, "Key"), child(c, "ETag"));
            }
            let root = doc.root_element();
            if child(root, "IsTruncated") == "true" {
                token = Some(child(root, "NextContinuationToken"));
            } else {
                return out;
            }
        }
    }

    /// `Content-Type` and `Cache-Control` of an object.
    fn head(&self, name: &str, key: &str) -> (String, String) {
        let creds = Credentials::new(KEY, SECRET);
        let bucket = self.bucket(name);
        let url = bucket
            .head_object(Some(&creds), key)
            .sign(Duration::from_secs(600));
        let r = Moto::agent().head(url.as_str()).call().expect("HEAD");
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

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `pressroom deploy` with `args` and the S3 environment (credentials unless `creds` is
/// false; no endpoint or region from the caller's environment).
fn deploy(args: &[&str], creds: bool) -> Run {
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
    if creds {
        cmd.env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET);
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
    assert!(
        uploads.len() * 3 < all,
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
    let expected: BTreeSet<String> = on_disk.keys().filter(|k| *k != MANIFEST).cloned().collect();
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
    for (rel, hash) in hash_tree(&built).iter().filter(|(k, _)| *k != MANIFEST) {
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
    let moto = Moto::start();
    moto.create_bucket("newsroom");
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);
    let endpoint = moto.endpoint.clone();
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
    let listed = moto.list("newsroom");
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
            moto.head("newsroom", key),
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
    assert_eq!(moto.list("newsroom"), listed);

    // One post edited: that page, its lists and feeds.
    edit_post_1(&site);
    build_later(&site);
    let third = outcome(&run_with(&[]));
    assert_edit_touches_little(&third.uploads, all.len());
    let after = moto.list("newsroom");
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
    let before = moto.list("newsroom");
    assert!(before.contains_key("site/old/notice.html"));
    let refused = run_with(&["--max-deletes", "0"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stdout.contains("--max-deletes"),
        "{}",
        refused.stdout
    );
    assert_eq!(
        moto.list("newsroom"),
        before,
        "a refused deploy changes nothing"
    );
    let dry = outcome(&run_with(&["--dry-run"]));
    assert_eq!(dry.deletes.len(), 1);
    assert_eq!(moto.list("newsroom"), before, "a dry run changes nothing");
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
    assert!(!moto.list("newsroom").contains_key("site/old/notice.html"));

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
    let moto = Moto::start();
    moto.create_bucket("newsroom");
    let site = newsroom();
    site.build_ok();
    let out = out_str(&site);

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
            &moto.endpoint,
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
            &moto.endpoint,
            "--output",
            &out,
        ],
        false,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("AWS_ACCESS_KEY_ID"), "{}", r.stderr);

    assert!(moto.list("newsroom").is_empty(), "nothing was uploaded");
}

#[test]
fn init_writes_a_ci_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let r = run(&["init", dir.to_str().unwrap()], &dir);
    r.assert_ok();
    let wf = std::fs::read_to_string(dir.join(".github/workflows/pressroom.yml")).unwrap();
    for needle in [
        "pressroom build --locked",
        "pressroom check",
        "pressroom deploy --target",
        "cron: \"*/10 * * * *\"",
        "refs/heads/main",
        "secrets.AWS_SECRET_ACCESS_KEY",
        "next_embargo_lift",
    ] {
        assert!(wf.contains(needle), "workflow lacks `{needle}`:\n{wf}");
    }
    assert!(!wf.contains("{{VERSION}}"));
}
