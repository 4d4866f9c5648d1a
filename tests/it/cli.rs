//! The command line: exit codes, `--message-format json`, usage and config errors, `init`
//! and `new`.

use crate::common;

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

/// A new `init` site in `TMP/site` and `pressroom new release TITLE` run in it.
fn site_with_new_release(title: &str) -> (tempfile::TempDir, Run) {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, out) = (tmp.path().join("site"), tmp.path().join("public"));
    let dir_s = dir.to_str().unwrap();
    run(&["init", dir_s], &out).assert_ok();
    let created = new_item(dir_s, &out, "release", title);
    created.assert_ok();
    (tmp, created)
}

/// `pressroom new KIND TITLE` in the site `dir` at [`NOW`].
fn new_item(dir: &str, out: &std::path::Path, kind: &str, title: &str) -> Run {
    run(&["new", kind, title, "--root", dir, "--now", NOW], out)
}

#[test]
fn new_writes_a_draft_that_builds() {
    let (tmp, created) = site_with_new_release("Hello World");
    let (dir, out) = (tmp.path().join("site"), tmp.path().join("public"));
    let path = std::path::PathBuf::from(created.stdout.trim());
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
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
        new_item(dir_s, &out, kind, &format!("A {kind}")).assert_ok();
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
    new_item(dir_s, &out, "release", "Hello World").assert_code(2);
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
    let created = new_item(dir_s, &out, "release", "서울 공장 착공");
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
        "related",
        "render",
        "write",
    ] {
        assert!(
            timings["ms"][phase].as_f64().is_some(),
            "{phase} missing: {timings}"
        );
    }
}

/// The front matter of a content file, parsed.
fn front_of(path: &std::path::Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap();
    text.strip_prefix("+++\n")
        .and_then(|t| t.split("\n+++\n").next())
        .expect("TOML front matter")
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

#[test]
fn each_command_lists_only_flags_that_do_something() {
    let tmp = tempfile::tempdir().unwrap();
    let new = run(&["new", "--help"], tmp.path());
    new.assert_ok();
    for useless in ["--drafts", "--base-url", "--message-format", "--quiet"] {
        assert!(
            !new.stdout.contains(useless),
            "`new` does nothing with {useless}:\n{}",
            new.stdout
        );
    }
    for flag in ["--root", "--lang", "--slug", "--translate", "--now"] {
        assert!(new.stdout.contains(flag), "{flag}:\n{}", new.stdout);
    }
    // `serve` previews drafts unless --no-drafts; --drafts is the default, said so, and the two
    // together are a contradiction.
    let serve = run(&["serve", "--help"], tmp.path());
    assert!(serve.stdout.contains("--no-drafts"), "{}", serve.stdout);
    assert!(
        serve.stdout.contains("the default already"),
        "{}",
        serve.stdout
    );
    run(&["serve", "--drafts", "--no-drafts"], tmp.path()).assert_code(2);
    // `build` keeps --drafts.
    assert!(
        run(&["build", "--help"], tmp.path())
            .stdout
            .contains("--drafts")
    );
    // The top-level help ends with examples.
    let top = run(&["--help"], tmp.path());
    assert!(top.stdout.contains("Examples:"), "{}", top.stdout);
    assert!(
        top.stdout.contains("pressroom new --translate"),
        "{}",
        top.stdout
    );
}

/// A fresh `init` site with French declared, in `TMP/site`.
fn bilingual_site(tmp: &std::path::Path) -> std::path::PathBuf {
    let dir = tmp.join("site");
    run(&["init", dir.to_str().unwrap()], tmp).assert_ok();
    let toml = dir.join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[languages.fr]\nname = \"Français\"\n"),
    )
    .unwrap();
    dir
}

#[test]
fn new_starts_a_translation_of_an_existing_item() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bilingual_site(tmp.path());
    let out = tmp.path().join("public");
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
    let original = dir.join("content/statements/2026-01-20-response-to-reports.md");
    let made = run(
        &[
            "new",
            "--root",
            dir_s,
            "--translate",
            original.to_str().unwrap(),
            "--lang",
            "fr",
        ],
        &out,
    );
    made.assert_ok();
    let path = std::path::PathBuf::from(made.stdout.trim());
    assert_eq!(
        path,
        dir.join("content/statements/2026-01-20-response-to-reports.fr.md")
    );
    // The next step is said.
    assert!(made.stderr.contains("pressroom serve"), "{}", made.stderr);
    assert!(
        made.stderr
            .contains("open http://127.0.0.1:1111/fr/statements/response-to-reports/"),
        "{}",
        made.stderr
    );
    assert!(made.stderr.contains("draft = false"), "{}", made.stderr);
    let (was, is) = (front_of(&original), front_of(&path));
    for key in ["date", "contacts", "sources"] {
        assert_eq!(was.get(key), is.get(key), "{key} is copied");
    }
    assert_eq!(is["draft"].as_bool(), Some(true));
    let title = is["title"].as_str().unwrap();
    assert!(title.starts_with("TRANSLATE: "), "{title}");
    let body = std::fs::read_to_string(&path).unwrap();
    assert!(body.trim_end().ends_with("as they are."), "{body}");
    // It is the original's translation: a draft preview has it at the French URL, and the
    // original links to it.
    let b = run(
        &[
            "build", "--root", dir_s, "--output", out_s, "--now", NOW, "--drafts",
        ],
        &out,
    );
    b.assert_ok();
    assert!(
        b.exists("/fr/statements/response-to-reports/"),
        "{:?}",
        b.files()
    );
    let links = attrs(
        &b.html("statements/response-to-reports/index.html"),
        "link[hreflang]",
        "href",
    );
    assert!(
        links
            .iter()
            .any(|h| h.contains("/fr/statements/response-to-reports/")),
        "{links:?}"
    );
    // Published untranslated, it is an error at the title and the body.
    std::fs::write(&path, body.replacen("draft = true", "draft = false", 1)).unwrap();
    let b = run(
        &["build", "--root", dir_s, "--output", out_s, "--now", NOW],
        &out,
    );
    b.assert_code(1);
    let rel = "content/statements/2026-01-20-response-to-reports.fr.md";
    assert!(
        b.stderr
            .contains(&format!("{rel}:2:1: error: `title` is still")),
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains("`TRANSLATE:`"), "{}", b.stderr);
    std::fs::write(&path, &body).unwrap();
    // Twice is refused; so is a language the site does not have.
    let again = [
        "new",
        "--root",
        dir_s,
        "--translate",
        original.to_str().unwrap(),
        "--lang",
        "fr",
    ];
    run(&again, &out).assert_code(2);
    let de = run(
        &[
            "new",
            "--root",
            dir_s,
            "--translate",
            original.to_str().unwrap(),
            "--lang",
            "de",
        ],
        &out,
    );
    de.assert_code(2);
    assert!(de.stderr.contains("[languages.de]"), "{}", de.stderr);
}

#[test]
fn new_takes_a_language_and_a_slug() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bilingual_site(tmp.path());
    let dir_s = dir.to_str().unwrap();
    let made = run(
        &[
            "new",
            "release",
            "Nous ouvrons à Oslo",
            "--root",
            dir_s,
            "--now",
            NOW,
            "--lang",
            "fr",
            "--slug",
            "We open in Oslo",
        ],
        tmp.path(),
    );
    made.assert_ok();
    assert_eq!(
        std::path::PathBuf::from(made.stdout.trim()),
        dir.join("content/press/2026-11-23-we-open-in-oslo.fr.md")
    );
    assert!(
        made.stderr
            .contains("open http://127.0.0.1:1111/fr/press/we-open-in-oslo/"),
        "{}",
        made.stderr
    );
    // The default language writes no suffix; an undeclared one is refused.
    let en = run(
        &[
            "new", "post", "Hi", "--root", dir_s, "--now", NOW, "--lang", "en",
        ],
        tmp.path(),
    );
    assert!(
        en.stdout.trim().ends_with("2026-11-23-hi.md"),
        "{}",
        en.stdout
    );
    run(
        &["new", "post", "Hallo", "--root", dir_s, "--lang", "de"],
        tmp.path(),
    )
    .assert_code(2);
}

#[test]
fn a_build_off_a_terminal_prints_no_progress() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-a.md",
        &item("A", "2026-11-18", "", "x"),
    );
    let b = site.build_ok();
    assert!(
        !b.stderr.contains("building:") && !b.stderr.contains('\r'),
        "stderr is not a terminal: {:?}",
        b.stderr
    );
}

/// Runs `pressroom ARGS` with stdout and stderr on a pseudo-terminal (util-linux `script`);
/// None when `script` is missing.
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let line = std::iter::once(bin())
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn a_build_on_a_terminal_shows_its_phases_unless_quiet() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-a.md",
        &item("A", "2026-11-18", "", "x"),
    );
    let root = site.root();
    let out = site.out();
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--now",
        NOW,
    ];
    let Some(shown) = on_a_terminal(&args) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    for phase in ["building: markdown done", "building: all 1 items done"] {
        assert!(shown.contains(phase), "{phase}: {shown:?}");
    }
    assert!(shown.contains("\r\x1b[K"), "updated in place: {shown:?}");
    let quiet = on_a_terminal(&[&args[..], &["--quiet"]].concat()).unwrap();
    assert!(!quiet.contains("building:"), "{quiet:?}");
}

#[test]
fn the_starter_names_the_company_and_has_every_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = tmp.path().join("public");
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
    run(&["init", dir_s], &out).assert_ok();
    let build = || {
        let b = run(
            &["build", "--root", dir_s, "--output", out_s, "--now", NOW],
            &out,
        );
        b.assert_ok();
        b
    };
    let b = build();
    let release = b.html("press/hello/index.html");
    let headings = texts(&release, "h2");
    assert!(
        headings.iter().any(|h| h == "About Example Corp"),
        "{headings:?}"
    );
    let copyright = texts(&release, ".copyright");
    assert_eq!(copyright, vec!["© 2026 Example Corp".to_string()]);
    // A statement that cites its source, and a fact sheet.
    let statement = b.html("statements/response-to-reports/index.html");
    assert!(
        !attrs(&statement, "a[href^='#']", "href").is_empty()
            && statement
                .html()
                .contains("https://example.com/audit-2025.pdf"),
        "the statement cites its source"
    );
    assert!(b.exists("/facts/company/"), "{:?}", b.files());
    // A section with items offers its feeds (one subscribe menu); an empty one does not.
    assert_eq!(
        texts(&b.html("press/index.html"), "main .subscribe-menu").len(),
        1
    );
    std::fs::remove_file(dir.join("content/statements/2026-01-20-response-to-reports.md")).unwrap();
    let b = build();
    let empty = b.html("statements/index.html");
    assert!(
        empty.select(&sel("main .subscribe-menu")).next().is_none(),
        "no feed links on an empty section"
    );
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
    let (tmp, created) = site_with_new_release("Test launch");
    let (dir, out) = (tmp.path().join("site"), tmp.path().join("public"));
    let path = std::path::PathBuf::from(created.stdout.trim());
    let (dir_s, out_s) = (dir.to_str().unwrap(), out.to_str().unwrap());
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
        let created = new_item(dir_s, &out, kind, &format!("A {kind}"));
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

#[test]
fn new_names_the_url_an_explicit_slug_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bilingual_site(tmp.path());
    let out = tmp.path().join("public");
    let original = dir.join("content/blog/2026-01-21-rust.md");
    std::fs::write(
        &original,
        "+++\ntitle = \"Rust 1.0\"\ndate = 2026-01-21\nslug = \"Rust-1.0\"\n+++\n\nReleased.\n",
    )
    .unwrap();
    let made = run(
        &[
            "new",
            "--root",
            dir.to_str().unwrap(),
            "--translate",
            original.to_str().unwrap(),
            "--lang",
            "fr",
        ],
        &out,
    );
    made.assert_ok();
    // The slug is the URL as written (capitals and the dot kept), as the build makes it.
    assert!(
        made.stderr
            .contains("open http://127.0.0.1:1111/fr/blog/Rust-1.0/"),
        "{}",
        made.stderr
    );
}
