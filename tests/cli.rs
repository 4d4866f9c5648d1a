//! The command line: exit codes, `--message-format json`, usage and config errors, `init`
//! and `new`.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn json_output_is_one_object_per_line_ending_with_a_summary() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-a.md",
        &item("A", "2026-11-18", "", "x"),
    )
    .file(
        "content/blog/2026-11-19-b.md",
        &item("B", "2026-11-19", "", "x"),
    )
    .file(
        "content/press/2028-01-01-later.md",
        &item(
            "Later",
            "2028-01-01",
            "embargo = 2028-01-01T09:00:00+09:00\n",
            "x",
        ),
    )
    // An uncited page source is a warning: it shows as a JSON diagnostic.
    .file(
        "content/blog/2026-11-20-c.md",
        "+++\ntitle = \"C\"\ndate = 2026-11-20\n\n[[sources]]\nid = \"unused\"\ntitle = \"Unused\"\n+++\nNo citation.\n",
    );
    let b = site.build_args(&["--message-format", "json"]);
    b.assert_ok();
    let lines = b.json_lines();
    assert!(!lines.is_empty());
    for v in &lines {
        assert!(v.is_object(), "{v}");
        assert!(v["type"].is_string(), "every line has a type: {v}");
    }
    for d in lines.iter().filter(|v| v["type"] == "diagnostic") {
        assert!(d["path"].is_string(), "{d}");
        assert!(d["line"].as_u64().is_some_and(|n| n >= 1), "{d}");
        assert!(d["col"].as_u64().is_some_and(|n| n >= 1), "{d}");
        assert!(
            d["severity"] == "error" || d["severity"] == "warning",
            "{d}"
        );
        assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
        assert!(d["help"].is_null() || d["help"].is_string(), "{d}");
    }
    let s = b.json_summary();
    assert_eq!(s["items"], 3, "{s}");
    assert_eq!(s["withheld"], 1, "{s}");
    assert_eq!(s["next_embargo_lift"], "2028-01-01T00:00:00Z", "{s}");
    assert_eq!(
        s["files"].as_u64().unwrap() as usize,
        b.files().len(),
        "`files` is what was written: {s}"
    );
    let warnings = lines
        .iter()
        .filter(|v| v["type"] == "diagnostic" && v["severity"] == "warning")
        .count();
    if let Some(w) = s["warnings"].as_u64() {
        assert_eq!(w as usize, warnings, "{s}");
    }
    // Nothing but JSON on stdout, and nothing on stderr for a clean build.
    assert!(b.stderr.trim().is_empty(), "stderr: {}", b.stderr);
}

#[test]
fn human_output_reports_the_build_and_quiet_silences_it() {
    let site = SiteTest::new();
    site.file("content/blog/a.md", &item("A", "2026-11-18", "", "x"));
    let b = site.build_ok();
    assert!(!b.stdout.trim().is_empty(), "a summary line is printed");
    let q = site.build_args(&["--quiet"]);
    q.assert_ok();
    assert!(
        q.stdout.trim().is_empty(),
        "--quiet prints nothing: {}",
        q.stdout
    );
}

#[test]
fn a_bad_now_is_a_usage_error() {
    let site = SiteTest::new();
    for now in ["yesterday", "2026-13-01T00:00:00Z", ""] {
        let b = site.build_args(&["--now", now]);
        b.assert_code(2);
        assert!(b.stderr.contains("--now"), "{}", b.stderr);
        assert!(!site.out().exists(), "nothing is written");
    }
    let j = site.build_args(&["--now", "soon", "--message-format", "json"]);
    j.assert_code(2);
    let errors: Vec<Value> = j
        .json_lines()
        .into_iter()
        .filter(|v| v["type"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", j.stdout);
    assert_eq!(errors[0]["exit_code"], 2);
}

#[test]
fn a_missing_site_toml_is_a_usage_error() {
    let site = SiteTest::empty();
    site.file("content/_index.md", "+++\ntitle = \"X\"\n+++\n");
    let b = site.build();
    b.assert_code(2);
    assert!(b.stderr.contains("site.toml"), "{}", b.stderr);
    assert!(!site.out().exists());
    // A root that does not exist at all.
    let gone = site.tmp().join("nowhere");
    let out = site.tmp().join("out");
    let r = run(
        &[
            "build",
            "--root",
            gone.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--now",
            NOW,
        ],
        &out,
    );
    r.assert_code(2);
    assert!(!out.exists());
}

/// The `site.toml:LINE:COL` position in a config error message.
fn config_position(stderr: &str) -> Option<(usize, usize, String)> {
    let at = stderr.find("site.toml:")?;
    let d = HumanDiag::parse(stderr[at..].lines().next()?)?;
    Some((d.line, d.col, d.message))
}

#[test]
fn an_unknown_key_in_site_toml_is_a_config_error_with_its_position() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n\npaginte_by = 5\n"),
    );
    let b = site.build();
    b.assert_code(2);
    let (line, col, message) = config_position(&b.stderr)
        .unwrap_or_else(|| panic!("no site.toml:LINE:COL in {}", b.stderr));
    assert_eq!((line, col), (4, 1), "{}", b.stderr);
    assert!(message.contains("paginte_by"), "{message}");
    assert!(message.contains("did you mean `paginate_by`"), "{message}");
    assert!(!site.out().exists());
}

#[test]
fn an_unknown_key_in_a_language_table_is_a_config_error() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[languages.fr]\ntitle = \"FR\"\ntitel = \"x\"\n"),
    );
    let b = site.build();
    b.assert_code(2);
    let (line, _, message) = config_position(&b.stderr)
        .unwrap_or_else(|| panic!("no site.toml:LINE:COL in {}", b.stderr));
    assert_eq!(line, 6, "{}", b.stderr);
    assert!(message.contains("did you mean `title`"), "{message}");
}

#[test]
fn site_toml_needs_title_and_base_url() {
    for text in [
        format!("base_url = \"{BASE_URL}\"\n"),
        "title = \"T\"\n".to_string(),
        "title = \"T\"\nbase_url = \"example.com\"\n".to_string(),
    ] {
        let site = SiteTest::new();
        site.file("site.toml", &text);
        let b = site.build();
        b.assert_code(2);
        assert!(b.stderr.contains("site.toml"), "{text:?}: {}", b.stderr);
    }
}

#[test]
fn init_then_build_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("newsite");
    let out = tmp.path().join("public");
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
    run(&["init", dir_s], &out).assert_ok();
    assert!(dir.join("site.toml").is_file());
    let b = run(
        &[
            "build",
            "--root",
            dir_s,
            "--output",
            out_s,
            "--now",
            NOW,
            "--message-format",
            "json",
        ],
        &out,
    );
    b.assert_ok();
    let s = b.json_summary();
    assert!(s["items"].as_u64().unwrap() >= 1, "{s}");
    assert!(b.exists("/"));
    assert_eq!(h1s(&b.html("/")).len(), 1);
    // Every item page of the sample has a title and one <h1>.
    for rel in b.files().iter().filter(|f| f.ends_with("index.html")) {
        let html = b.html(rel);
        if html.select(&sel("body.item-page")).next().is_some() {
            assert_eq!(h1s(&html).len(), 1, "{rel}");
            assert!(!title_of(&html).is_empty(), "{rel}");
        }
    }
    // `init` refuses a folder that is not empty.
    let again = run(&["init", dir_s], &out);
    again.assert_code(2);
    assert!(dir.join("site.toml").is_file(), "the existing site is kept");
}

#[test]
fn new_writes_a_draft_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = tmp.path().join("public");
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
    run(&["init", dir_s], &out).assert_ok();
    let created = run(
        &[
            "new",
            "release",
            "Hello World",
            "--root",
            dir_s,
            "--now",
            NOW,
        ],
        &out,
    );
    created.assert_ok();
    let path = std::path::PathBuf::from(created.stdout.trim());
    assert!(
        path.is_file(),
        "`new` prints the path it wrote: {}",
        created.stdout
    );
    assert!(
        path.starts_with(dir.join("content/press")),
        "{}",
        path.display()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let front: toml::Table = text
        .strip_prefix("+++\n")
        .and_then(|t| t.split("\n+++\n").next())
        .expect("TOML front matter")
        .parse()
        .expect("the front matter parses");
    assert_eq!(front["title"].as_str(), Some("Hello World"));
    assert_eq!(front["draft"].as_bool(), Some(true));
    assert!(front.contains_key("date"));

    // Without --drafts it is not built; with --drafts it is.
    let plain = run(
        &["build", "--root", dir_s, "--output", out_s, "--now", NOW],
        &out,
    );
    plain.assert_ok();
    assert!(!plain.exists("/press/hello-world/"));
    let drafts = run(
        &[
            "build", "--root", dir_s, "--output", out_s, "--now", NOW, "--drafts",
        ],
        &out,
    );
    drafts.assert_ok();
    assert_item_page(&drafts, "/press/hello-world/", "Hello World");

    // Every other kind builds too.
    for kind in ["post", "statement", "factsheet"] {
        run(
            &[
                "new",
                kind,
                &format!("A {kind}"),
                "--root",
                dir_s,
                "--now",
                NOW,
            ],
            &out,
        )
        .assert_ok();
    }
    let all = run(
        &[
            "build", "--root", dir_s, "--output", out_s, "--now", NOW, "--drafts",
        ],
        &out,
    );
    all.assert_ok();
    assert_item_page(&all, "/blog/a-post/", "A post");
    assert_item_page(&all, "/statements/a-statement/", "A statement");
    assert_item_page(&all, "/facts/a-factsheet/", "A factsheet");

    // The same title twice is refused, and so is an unknown kind.
    run(
        &[
            "new",
            "release",
            "Hello World",
            "--root",
            dir_s,
            "--now",
            NOW,
        ],
        &out,
    )
    .assert_code(2);
    run(
        &["new", "memo", "Hello", "--root", dir_s, "--now", NOW],
        &out,
    )
    .assert_code(2);
}

#[test]
fn new_with_a_korean_title_writes_a_readable_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = tmp.path().join("public");
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
    run(&["init", dir_s], &out).assert_ok();
    let created = run(
        &[
            "new",
            "release",
            "서울 공장 착공",
            "--root",
            dir_s,
            "--now",
            NOW,
        ],
        &out,
    );
    created.assert_ok();
    let path = std::path::PathBuf::from(created.stdout.trim());
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        "2026-11-23-서울-공장-착공.md"
    );
    let b = run(
        &[
            "build", "--root", dir_s, "--output", out_s, "--now", NOW, "--drafts",
        ],
        &out,
    );
    b.assert_ok();
    assert_item_page(&b, "/press/서울-공장-착공/", "서울 공장 착공");
}

#[test]
fn the_output_folder_may_not_contain_the_site() {
    let site = SiteTest::new();
    let root = site.root();
    let b = site.build_args(&["--output", root.to_str().unwrap()]);
    b.assert_code(2);
    assert!(root.join("site.toml").is_file(), "the site is untouched");
}

#[test]
fn timings_name_every_phase() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-01-a.md",
        "+++\ntitle = \"A\"\ndate = 2026-11-01\n+++\n\nText.\n",
    );
    let b = site.build_args(&["--timings", "--message-format", "json"]);
    b.assert_ok();
    let timings = b
        .json_lines()
        .into_iter()
        .find(|v| v["type"] == "timings")
        .expect("a timings object");
    for phase in [
        "load content",
        "assemble",
        "markdown",
        "ledger",
        "theme",
        "render",
        "write",
    ] {
        assert!(
            timings["ms"][phase].as_f64().is_some(),
            "{phase} missing: {timings}"
        );
    }
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no `{needle}` in {text}"))
        + 1
}

#[test]
fn a_published_item_still_carrying_new_s_placeholders_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = tmp.path().join("public");
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
    run(&["init", dir_s], &out).assert_ok();
    let created = run(
        &[
            "new",
            "release",
            "Test launch",
            "--root",
            dir_s,
            "--now",
            NOW,
        ],
        &out,
    );
    created.assert_ok();
    let path = std::path::PathBuf::from(created.stdout.trim());
    let rel = path
        .strip_prefix(&dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let check = || run(&["check", "--root", dir_s, "--now", NOW], &out);
    let build = || {
        run(
            &["build", "--root", dir_s, "--output", out_s, "--now", NOW],
            &out,
        )
    };

    // A draft may carry them.
    check().assert_ok();

    // Published, the dateline, the body's placeholders and an uncommented summary are errors
    // at their lines, in check and in build.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("draft = true", "draft = false")
        .replace("# summary", "summary");
    std::fs::write(&path, &text).unwrap();
    for run in [check(), build()] {
        run.assert_code(1);
        let errs = run.errors_in(&rel);
        let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
        let mut expected = vec![
            line_of(&text, "summary ="),
            line_of(&text, "dateline ="),
            line_of(&text, "First paragraph"),
            line_of(&text, "Quote from"),
        ];
        expected.sort();
        assert_eq!(lines, expected, "{}", run.stderr);
        assert!(
            errs.iter()
                .any(|e| e.message.contains("placeholder `CITY`")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("help: replace it"), "{}", run.stderr);
    }
    assert!(!out.join("press/test-launch").exists(), "nothing published");

    // Written over, the release publishes.
    let text = text
        .replace(
            "summary = \"One or two sentences for lists and feeds (optional)\"\n",
            "",
        )
        .replace("\"CITY\"", "\"OSLO\"")
        .replace(
            "First paragraph: who, what, when, where, why.",
            "Example Corp launched a test.",
        )
        .replace(
            "Quote from a spokesperson.",
            "\"It works,\" said the press office.",
        );
    std::fs::write(&path, &text).unwrap();
    check().assert_ok();
    build().assert_ok();

    // Every kind's body placeholder is recognised, and a statement's placeholder source URL.
    for (kind, placeholder) in [
        ("post", "Write the post here."),
        ("statement", "The facts as we know them"),
        ("factsheet", "A short introduction."),
    ] {
        let created = run(
            &[
                "new",
                kind,
                &format!("A {kind}"),
                "--root",
                dir_s,
                "--now",
                NOW,
            ],
            &out,
        );
        created.assert_ok();
        let path = std::path::PathBuf::from(created.stdout.trim());
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("draft = true", "draft = false");
        std::fs::write(&path, &text).unwrap();
        let c = check();
        c.assert_code(1);
        let lines: Vec<usize> = c.errors_in(&rel).iter().map(|e| e.line).collect();
        assert!(
            lines.contains(&line_of(&text, placeholder)),
            "{kind}: {}",
            c.stderr
        );
        if kind == "statement" {
            assert!(
                c.stderr.contains("still the placeholder `https://`"),
                "{}",
                c.stderr
            );
        }
        std::fs::remove_file(&path).unwrap();
    }
}
