//! Hostile content trees: symbolic links out of the site, names that are not UTF-8, very long
//! names, a hundred thousand empty files, a 50 MB Markdown file, pathological nesting and a
//! 10 MB front matter. Each gives a clear diagnostic or works, and never a panic or a hang:
//! every build runs the real binary under a deadline and is killed (failing the test) past it.

use crate::common;

use common::{NOW, SiteTest};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a bounded run did.
struct Outcome {
    code: i32,
    stderr: String,
    took: Duration,
}

/// Builds `site` with the binary; panics if it takes longer than `limit`, dies of a signal, or
/// panics (exit 101 or a panic message).
fn build_within(site: &SiteTest, limit: Duration) -> Outcome {
    let err_path = site.tmp().join("stderr.txt");
    let err = std::fs::File::create(&err_path).expect("stderr file");
    let started = Instant::now();
    let mut child = Command::new(common::bin())
        .args(["build", "--now", NOW, "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.out())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .expect("spawn");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build did not finish within {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let stderr =
        String::from_utf8_lossy(&std::fs::read(&err_path).expect("read stderr")).into_owned();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("the build died of a signal ({status:?}): {stderr}"));
    assert!(
        code != 101 && !stderr.contains("panicked"),
        "the build panicked: {stderr}"
    );
    eprintln!("build exited {code} in {took:?}");
    Outcome { code, stderr, took }
}

fn item(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2026-01-05\n+++\n{body}\n")
}

const LIMIT: Duration = Duration::from_secs(60);

/// Whether to run the full sizes (50 MB Markdown, 10 MB front matter): minutes in a debug
/// build, seconds in release (`PRESSROOM_HOSTILE_FULL=1 cargo test --release --test it hostile::`).
/// `cargo test` runs a tenth of each, which exercises the same code paths.
fn full() -> bool {
    std::env::var_os("PRESSROOM_HOSTILE_FULL").is_some()
}

fn megabytes(full_size: usize) -> usize {
    if full() {
        full_size << 20
    } else {
        (full_size << 20) / 10
    }
}

#[test]
fn symlinks_out_of_the_site_are_skipped_with_a_warning() {
    let site = SiteTest::new();
    let outside = site.tmp().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(
        outside.join("secret.md"),
        item("Secret", "OUTSIDE-SECRET-MARKER"),
    )
    .expect("write");
    std::fs::write(outside.join("passwd"), "OUTSIDE-SECRET-MARKER").expect("write");
    site.file("content/blog/real.md", &item("Real", "Inside."));
    let blog = site.root().join("content/blog");
    std::os::unix::fs::symlink(outside.join("secret.md"), blog.join("link.md")).expect("symlink");
    std::os::unix::fs::symlink(outside.join("passwd"), blog.join("passwd.txt")).expect("symlink");
    std::os::unix::fs::symlink(&outside, blog.join("dir")).expect("symlink");
    std::os::unix::fs::symlink("/nonexistent/dangling", blog.join("dangling.md")).expect("symlink");
    std::os::unix::fs::symlink(&blog, blog.join("loop")).expect("symlink");
    let o = build_within(&site, LIMIT);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for name in ["link.md", "passwd.txt", "dir", "dangling.md", "loop"] {
        assert!(
            o.stderr
                .lines()
                .any(|l| l.contains(&format!("content/blog/{name}"))
                    && l.contains("warning")
                    && l.contains("symbolic link skipped")),
            "no warning for {name}: {}",
            o.stderr
        );
    }
    common::assert_absent_everywhere(&site.out(), &["OUTSIDE-SECRET-MARKER", "passwd"]);
}

#[test]
fn names_that_are_not_utf8_get_a_diagnostic() {
    use std::os::unix::ffi::OsStrExt;
    let site = SiteTest::new();
    site.file("content/blog/ok.md", &item("Fine", "Text."));
    let blog = site.root().join("content/blog");
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9-latin1.md");
    std::fs::write(blog.join(bad), item("Latin-1 name", "Text.")).expect("write");
    let bad_dir = std::ffi::OsStr::from_bytes(b"dossier-\xff");
    std::fs::create_dir_all(blog.join(bad_dir)).expect("mkdir");
    std::fs::write(
        blog.join(bad_dir).join("x.md"),
        item("In a bad folder", "Text."),
    )
    .expect("write");
    let o = build_within(&site, LIMIT);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let diags: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("is not valid UTF-8"))
        .collect();
    assert_eq!(diags.len(), 2, "{}", o.stderr);
    assert!(
        diags[0].contains("content/blog/caf\u{fffd}-latin1.md:1:1: error"),
        "{diags:?}"
    );
    assert!(diags.iter().all(|d| d.contains("rename it")), "{diags:?}");
}

#[test]
fn very_long_names_work() {
    let site = SiteTest::new();
    // 255 bytes is the usual limit for one name; the slug is cut to 120 bytes.
    let latin = format!("2026-01-05-{}.md", "a".repeat(255 - 14));
    let korean = format!("{}.md", "가".repeat(84));
    let dir = "d".repeat(200);
    site.file(
        &format!("content/{dir}/_index.md"),
        "+++\ntitle = \"Deep\"\n+++\n",
    );
    site.file(&format!("content/{dir}/{latin}"), &item("Latin", "Text."));
    site.file(&format!("content/{dir}/{korean}"), &item("Korean", "Text."));
    site.file(
        "content/blog/long-title.md",
        &item(&"Very long title ".repeat(300), "Text."),
    );
    let o = build_within(&site, LIMIT);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let files = site.files();
    assert!(
        files.iter().any(|f| f.starts_with(&format!("{dir}/aaaa"))),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f.contains("가가가")), "{files:?}");
    for f in &files {
        assert!(
            f.split('/').all(|seg| seg.len() <= 255),
            "an output name over 255 bytes: {f}"
        );
    }
}

/// 100,000 empty files (a bad sync, a runaway script): every one is reported, in bounded time.
#[test]
fn a_hundred_thousand_empty_files() {
    let site = SiteTest::new();
    let content = site.root().join("content/dump");
    for d in 0..100 {
        let dir = content.join(format!("d{d:03}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for f in 0..1000 {
            std::fs::File::create(dir.join(format!("f{f:04}.md"))).expect("create");
        }
    }
    let o = build_within(&site, Duration::from_secs(120));
    assert_eq!(o.code, 1);
    let missing = o
        .stderr
        .lines()
        .filter(|l| l.contains(": error: missing front matter"))
        .count();
    assert_eq!(missing, 100_000, "every empty file is reported");
    eprintln!("100,000 empty files: {:?}", o.took);
}

/// A 50 MB Markdown body builds (or is refused with a diagnostic) in bounded time (5 MB unless
/// `PRESSROOM_HOSTILE_FULL` is set).
#[test]
fn a_fifty_megabyte_markdown_file() {
    let site = SiteTest::new();
    let paragraph = "Northwind Grid reports results for the quarter, with 서울 and 大阪 plants running at capacity and a citation[^src].\n\n";
    let size = megabytes(50);
    let mut body = String::with_capacity(size);
    let mut n = 0;
    while body.len() < size {
        if n % 50 == 0 {
            body.push_str(&format!("## Part {n}\n\n"));
        }
        body.push_str(paragraph);
        n += 1;
    }
    site.file(
        "content/blog/huge.md",
        &format!(
            "+++\ntitle = \"Huge\"\ndate = 2026-01-05\n[[sources]]\nid = \"src\"\ntitle = \"S\"\n+++\n{body}"
        ),
    );
    let o = build_within(&site, Duration::from_secs(240));
    assert!(
        o.code == 0 || o.stderr.contains("huge.md"),
        "{}",
        &o.stderr[..o.stderr.len().min(2000)]
    );
    eprintln!(
        "{} MB Markdown: exit {} in {:?}",
        size >> 20,
        o.code,
        o.took
    );
}

/// Deep nesting: blockquotes, lists, emphasis and brackets, in the body and in front matter.
#[test]
fn pathological_nesting() {
    let site = SiteTest::new();
    let depth = 10_000;
    site.file(
        "content/blog/quotes.md",
        &item("Quotes", &format!("{}deep", "> ".repeat(depth))),
    );
    let mut list = String::new();
    for i in 0..2_000 {
        list.push_str(&"  ".repeat(i));
        list.push_str("- item\n");
    }
    site.file("content/blog/lists.md", &item("Lists", &list));
    site.file(
        "content/blog/inline.md",
        &item(
            "Inline",
            &format!(
                "{}x{} {}x{} {}",
                "*".repeat(depth),
                "*".repeat(depth),
                "[".repeat(depth),
                "](/)".repeat(depth),
                "[^".repeat(depth)
            ),
        ),
    );
    site.file(
        "content/blog/toml-deep.md",
        &format!(
            "+++\ntitle = \"Deep TOML\"\ndate = 2026-01-05\n[extra]\nx = {}{}\n+++\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    site.file(
        "content/blog/yaml-deep.md",
        &format!(
            "---\ntitle: Deep YAML\ndate: 2026-01-05\nextra:\n  x: {}{}\n---\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    let o = build_within(&site, LIMIT);
    // The deep front matter is refused with a diagnostic at the file; the rest builds.
    for f in ["toml-deep.md", "yaml-deep.md"] {
        assert!(
            o.stderr.contains(&format!("content/blog/{f}:")),
            "no diagnostic for {f}: {}",
            o.stderr
        );
    }
    assert_eq!(o.code, 1, "{}", o.stderr);
    for f in ["quotes.md", "lists.md", "inline.md"] {
        assert!(!o.stderr.contains(f), "{f} should build: {}", o.stderr);
    }
}

/// A 10 MB front matter (a pasted data dump under `[extra]`, or in a summary) is read (1 MB
/// unless `PRESSROOM_HOSTILE_FULL` is set).
#[test]
fn a_ten_megabyte_front_matter() {
    let site = SiteTest::new();
    let size = megabytes(10);
    let mut extra = String::with_capacity(size);
    let mut i = 0;
    while extra.len() < size / 2 {
        extra.push_str(&format!("k{i} = \"value {i} 서울\"\n"));
        i += 1;
    }
    let summary = "Summary text. ".repeat(size / 2 / 14);
    site.file(
        "content/blog/big-front.md",
        &format!(
            "+++\ntitle = \"Big front\"\ndate = 2026-01-05\nsummary = \"{summary}\"\n[extra]\n{extra}+++\nBody.\n"
        ),
    );
    let yaml_lines: String = (0..size / 50)
        .map(|i| format!("  k{i}: value {i}\n"))
        .collect();
    site.file(
        "content/blog/big-yaml.md",
        &format!("---\ntitle: Big YAML\ndate: 2026-01-05\nextra:\n{yaml_lines}---\nBody.\n"),
    );
    let o = build_within(&site, Duration::from_secs(120));
    assert_eq!(o.code, 0, "{}", &o.stderr[..o.stderr.len().min(2000)]);
    assert!(Path::new(&site.out().join("blog/big-front/index.html")).is_file());
}
