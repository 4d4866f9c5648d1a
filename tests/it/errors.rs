//! Content errors: exit 1, every error reported as `path:line:col: error: message`, and the
//! previous output left as it was.

use crate::common;

use common::*;

/// The `help:` line printed right after the diagnostic line for `path`, if any.
fn help_after(stderr: &str, path: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let i = lines
        .iter()
        .position(|l| HumanDiag::parse(l).is_some_and(|d| d.path == path))?;
    lines
        .get(i + 1)
        .and_then(|l| l.trim_start().strip_prefix("help:"))
        .map(|h| h.trim().to_string())
}

/// The names in the folder that holds the site and its output, sorted: a build must leave no
/// staging or backup folder there.
fn beside_output(site: &SiteTest) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.tmp())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_unknown_key_is_reported_at_its_line_with_a_suggestion() {
    let site = SiteTest::new();
    site.file(
        "content/blog/x.md",
        "+++\ntitle = \"X\"\ntittle = \"Y\"\ndate = 2026-11-18\n+++\nBody\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/x.md");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    let e = &errs[0];
    assert_eq!((e.line, e.col), (3, 1), "{}", b.stderr);
    assert!(e.message.contains("unknown key `tittle`"), "{}", e.message);
    assert!(e.message.contains("did you mean `title`"), "{}", e.message);
    assert!(!site.out().exists(), "a failed first build writes nothing");
}

#[test]
fn an_unknown_key_in_yaml_is_reported_at_its_line() {
    let site = SiteTest::new();
    site.file(
        "content/blog/y.md",
        "---\ntitle: X\ndate: 2026-11-18\ntags: [a]\ndaft: true\n---\nBody\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/y.md");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!((errs[0].line, errs[0].col), (5, 1), "{}", b.stderr);
    assert!(errs[0].message.contains("unknown key `daft`"));
    assert!(errs[0].message.contains("did you mean `draft`"));
}

#[test]
fn an_unknown_key_in_a_source_table_points_at_its_line() {
    let site = SiteTest::new();
    site.file(
        "content/blog/s.md",
        "+++\ntitle = \"S\"\ndate = 2026-11-18\n\n[[sources]]\nid = \"r\"\ntitle = \"R\"\nurll = \"https://example.org\"\n+++\nText.[^r]\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/s.md");
    assert_eq!(errs.first().map(|e| e.line), Some(8), "{}", b.stderr);
    assert!(
        errs[0].message.contains("did you mean `url`"),
        "{}",
        b.stderr
    );
}

#[test]
fn unknown_keys_are_reported_as_json_diagnostics() {
    let site = SiteTest::new();
    site.file(
        "content/blog/x.md",
        "+++\ntitle = \"X\"\ntittle = \"Y\"\ndate = 2026-11-18\n+++\nBody\n",
    );
    let b = site.build_args(&["--message-format", "json"]);
    b.assert_code(1);
    let diags = b.json_diagnostics();
    assert_eq!(diags.len(), 1, "{}", b.stdout);
    let d = &diags[0];
    assert_eq!(d["path"], "content/blog/x.md");
    assert_eq!(d["line"], 3);
    assert_eq!(d["col"], 1);
    assert_eq!(d["severity"], "error");
    let m = d["message"].as_str().unwrap();
    assert!(m.contains("unknown key `tittle`") && m.contains("did you mean `title`"));
    assert!(
        !b.json_lines().iter().any(|v| v["type"] == "summary"),
        "a failed build has no summary"
    );
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/blog/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-11-18\ntittle = \"B\"\n+++\n",
    )
    .file(
        "content/blog/b.md",
        "+++\ndate = 2026-11-18\n+++\nNo title.\n",
    )
    .file("content/press/c.md", "+++\ntitle = \"C\"\n+++\nNo date.\n")
    .file(
        "content/blog/ok.md",
        &item("Fine", "2026-11-18", "", "A good one."),
    );
    let b = site.build();
    b.assert_code(1);
    for (path, line) in [
        ("content/blog/a.md", Some(4)),
        ("content/blog/b.md", None),
        ("content/press/c.md", None),
    ] {
        let errs = b.errors_in(path);
        assert_eq!(errs.len(), 1, "{path}: {}", b.stderr);
        if let Some(l) = line {
            assert_eq!(errs[0].line, l, "{path}");
        }
    }
    assert!(b.errors_in("content/blog/ok.md").is_empty());
    // The same in JSON.
    let j = site.build_args(&["--message-format", "json"]);
    j.assert_code(1);
    let mut paths: Vec<String> = j
        .json_diagnostics()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "content/blog/a.md",
            "content/blog/b.md",
            "content/press/c.md"
        ]
    );
}

#[test]
fn a_missing_or_empty_title_is_an_error() {
    for front in [
        "+++\ndate = 2026-11-18\n+++\nBody\n",
        "+++\ntitle = \"\"\ndate = 2026-11-18\n+++\nBody\n",
        "+++\ntitle = \"   \"\ndate = 2026-11-18\n+++\nBody\n",
        "---\ndate: 2026-11-18\n---\nBody\n",
    ] {
        let site = SiteTest::new();
        site.file("content/blog/untitled.md", front);
        let b = site.build();
        b.assert_code(1);
        let errs = b.errors_in("content/blog/untitled.md");
        assert_eq!(errs.len(), 1, "{front:?}: {}", b.stderr);
        assert!(errs[0].message.contains("title"), "{}", errs[0].message);
        assert!(
            help_after(&b.stderr, "content/blog/untitled.md").is_some(),
            "a help line follows: {}",
            b.stderr
        );
    }
}

#[test]
fn a_release_without_a_date_is_an_error() {
    let site = SiteTest::new();
    site.file(
        "content/press/_index.md",
        "+++\ntitle = \"Press\"\nkind = \"release\"\n+++\n",
    )
    .file(
        "content/press/undated.md",
        "+++\ntitle = \"Undated\"\n+++\nx\n",
    )
    .file(
        "content/statements/undated.md",
        "+++\ntitle = \"Undated statement\"\nkind = \"statement\"\n+++\nx\n",
    );
    let b = site.build();
    b.assert_code(1);
    for path in ["content/press/undated.md", "content/statements/undated.md"] {
        let errs = b.errors_in(path);
        assert_eq!(errs.len(), 1, "{path}: {}", b.stderr);
        assert!(errs[0].message.contains("date"), "{}", errs[0].message);
        assert!(help_after(&b.stderr, path).is_some(), "{}", b.stderr);
    }
}

#[test]
fn pages_and_fact_sheets_need_no_date() {
    let site = SiteTest::new();
    site.file(
        "content/about.md",
        "+++\ntitle = \"About\"\nkind = \"page\"\n+++\nx\n",
    )
    .file(
        "content/facts/plant.md",
        "+++\ntitle = \"Plant\"\nkind = \"factsheet\"\n+++\nx\n",
    );
    let b = site.build_ok();
    assert_item_page(&b, "/about/", "About");
    assert_item_page(&b, "/facts/plant/", "Plant");
}

#[test]
fn a_bad_date_is_reported_at_its_line() {
    let site = SiteTest::new();
    site.file(
        "content/blog/d.md",
        "+++\ntitle = \"D\"\ndate = \"2026-13-45\"\n+++\nx\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/d.md");
    assert_eq!(errs.first().map(|e| e.line), Some(3), "{}", b.stderr);
}

#[test]
fn an_unknown_author_is_an_error_with_a_suggestion() {
    let site = SiteTest::new();
    site.file("data/authors.toml", "[maria-lindqvist]\nname = \"Maria\"\n")
        .file(
            "content/blog/a.md",
            &item("A", "2026-11-18", "authors = [\"maria-lindquist\"]\n", "x"),
        );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/a.md");
    assert_eq!(errs.first().map(|e| e.line), Some(4), "{}", b.stderr);
    assert!(errs[0].message.contains("maria-lindquist"));
    let help = help_after(&b.stderr, "content/blog/a.md").unwrap_or_default();
    assert!(help.contains("maria-lindqvist"), "{}", b.stderr);
}

#[test]
fn two_items_with_the_same_url_are_an_error() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-01-01-same.md",
        &item("One", "2026-01-01", "", "x"),
    )
    .file(
        "content/blog/2026-02-02-same.md",
        &item("Two", "2026-02-02", "", "x"),
    );
    let b = site.build();
    b.assert_code(1);
    let all: Vec<HumanDiag> = b
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "error")
        .collect();
    assert!(!all.is_empty(), "{}", b.stderr);
    let mentions_both = all.iter().any(|d| {
        let text = format!("{} {}", d.path, d.message);
        text.contains("2026-01-01-same.md") && text.contains("2026-02-02-same.md")
    });
    assert!(mentions_both, "the error names both files: {}", b.stderr);
}

#[test]
fn a_failed_build_leaves_the_previous_output_unchanged() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-first.md",
        &item("First", "2026-11-18", "tags = [\"a\"]\n", "x"),
    );
    let ok = site.build_ok();
    let before = ok.hashes();
    assert!(!before.is_empty());

    // A new good item and a broken one: neither may reach the output.
    site.file(
        "content/blog/2026-11-19-second.md",
        &item("Second", "2026-11-19", "", "x"),
    )
    .file(
        "content/blog/2026-11-20-broken.md",
        "+++\ntitle = \"Broken\"\ndate = 2026-11-20\ntittle = \"x\"\n+++\n",
    );
    let failed = site.build();
    failed.assert_code(1);
    assert_same_tree(&before, &failed.hashes(), "output after a failed build");

    // No staging or backup folders are left beside the output.
    assert_eq!(beside_output(&site), ["public", "site"]);

    // Fixing it builds both.
    site.remove("content/blog/2026-11-20-broken.md");
    let fixed = site.build_ok();
    assert_item_page(&fixed, "/blog/second/", "Second");
}

/// Pages are written into the staging folder while others still render, so a template that
/// fails on one page comes after many were written: none of them may reach the output.
#[test]
fn a_template_error_while_pages_are_written_leaves_the_previous_output_unchanged() {
    let site = SiteTest::new();
    for n in 1..=40 {
        site.file(
            &format!("content/blog/2026-11-{:02}-item-{n}.md", n % 28 + 1),
            &item(&format!("Item {n}"), "2026-11-18", "kind = \"post\"\n", "x"),
        );
    }
    let ok = site.build_ok();
    let before = ok.hashes();
    assert!(before.len() > 40, "{before:?}");

    // Every post renders but one, which reads a variable that does not exist.
    site.file(
        "templates/post.html",
        "{% if page.title == \"Item 17\" %}{{ no_such_variable.field }}{% else %}<p>{{ page.title }}</p>{% endif %}",
    );
    let failed = site.build();
    failed.assert_code(1);
    // At the template's line, naming the one page it failed on.
    let errs = failed.errors_in("templates/post.html");
    assert_eq!(errs.len(), 1, "{}", failed.stderr);
    assert!(
        errs[0]
            .message
            .contains("content/blog/2026-11-18-item-17.md"),
        "{}",
        errs[0].message
    );
    assert_same_tree(&before, &failed.hashes(), "output after a failed render");
    assert_eq!(
        beside_output(&site),
        ["public", "site"],
        "staging folder left behind"
    );

    // With the template fixed, the new template reaches every page.
    site.file("templates/post.html", "<p>{{ page.title }}</p>");
    let fixed = site.build_ok();
    let page = fixed.html("/blog/item-17/");
    assert_eq!(texts(&page, "p"), ["Item 17"]);
}

/// Templates are parsed in parallel: each broken one is still reported, at its own file and
/// line, and a template whose parent is missing is reported too.
#[test]
fn every_broken_template_is_reported_at_its_line() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-first.md",
        &item("First", "2026-11-18", "", "x"),
    )
    .file("templates/post.html", "<p>ok</p>\n<p>{{ page.title </p>\n")
    .file("templates/page.html", "{% if %}\n")
    .file("templates/extra.html", "<p>fine</p>\n");
    let b = site.build();
    b.assert_code(1);
    let post = b.errors_in("templates/post.html");
    assert_eq!(post.len(), 1, "{}", b.stderr);
    assert_eq!(post[0].line, 2, "{}", b.stderr);
    assert!(
        post[0].message.contains("template does not parse"),
        "{}",
        b.stderr
    );
    let page = b.errors_in("templates/page.html");
    assert_eq!(page.len(), 1, "{}", b.stderr);
    assert_eq!(page[0].line, 1, "{}", b.stderr);
    assert!(
        b.errors_in("templates/extra.html").is_empty(),
        "{}",
        b.stderr
    );
    assert!(!site.out().exists(), "a failed first build wrote output");

    // Each parses alone, but one extends a template that does not exist.
    site.file("templates/post.html", "{% extends \"nowhere.html\" %}\n")
        .remove("templates/page.html");
    let b = site.build();
    b.assert_code(1);
    let linked = b.errors_in("templates");
    assert_eq!(linked.len(), 1, "{}", b.stderr);
    assert!(linked[0].message.contains("nowhere.html"), "{}", b.stderr);

    site.remove("templates/post.html");
    site.build_ok();
}

/// An unclosed tag is reported where it opens, not where Tera gave up lines later, and
/// Tera's picture of the line it stopped at keeps its own lines.
#[test]
fn an_unclosed_if_is_reported_at_the_line_it_opens() {
    let site = SiteTest::new();
    site.file(
        "content/blog/2026-11-18-first.md",
        &item("First", "2026-11-18", "", "x"),
    );
    let mut template = String::from("{% extends \"base.html\" %}\n{% block main %}\n");
    for n in 3..=10 {
        template.push_str(&format!("<p>line {n}</p>\n"));
    }
    template.push_str("{% if page.title %}<h1>{{ page.title }}</h1>\n<p>12</p>\n<p>13</p>\n");
    template.push_str("{% endblock main %}\n");
    site.file("templates/post.html", &template);
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("templates/post.html");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!((errs[0].line, errs[0].col), (11, 1), "{}", b.stderr);
    assert!(
        errs[0].message.contains("opened at line 11"),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr
            .lines()
            .any(|l| l.trim_start().starts_with("14 | {% endblock main %}")),
        "Tera's picture of line 14 is on its own line: {}",
        b.stderr
    );
    assert!(b.stderr.contains("{% endif %}"), "the fix: {}", b.stderr);
}

/// A typo in a template every page uses is one error at the template's line (with the
/// likely name), not one per page blamed on each content file at 1:1.
#[test]
fn a_variable_typo_is_one_error_at_the_template_line() {
    let site = SiteTest::new();
    for n in 1..=16 {
        site.file(
            &format!("content/blog/2026-11-{n:02}-post-{n}.md"),
            &item(&format!("Post {n}"), "2026-11-18", "kind = \"post\"\n", "x"),
        );
    }
    site.file(
        "templates/post.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.titel }}</h1>\n{% endblock main %}\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errors: Vec<HumanDiag> = b
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", b.stderr);
    let e = &errors[0];
    assert_eq!(
        (e.path.as_str(), e.line, e.col),
        ("templates/post.html", 3, 8),
        "{}",
        b.stderr
    );
    assert!(e.message.contains("page.titel"), "{}", b.stderr);
    assert!(e.message.contains("15 other pages"), "{}", b.stderr);
    assert_eq!(
        help_after(&b.stderr, "templates/post.html").as_deref(),
        Some("did you mean `page.title`?"),
        "{}",
        b.stderr
    );
}

#[test]
fn a_config_error_also_leaves_the_previous_output_unchanged() {
    let site = SiteTest::new();
    site.file("content/blog/a.md", &item("A", "2026-11-18", "", "x"));
    let before = site.build_ok().hashes();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\ntheme = \"default\"\ntimezone = \"Mars/Olympus\"\n"),
    );
    let b = site.build();
    b.assert_code(2);
    assert_same_tree(&before, &b.hashes(), "output after a config error");
}

#[test]
fn a_word_without_quotes_says_that_text_needs_quotes_with_the_fix() {
    let site = SiteTest::new();
    site.file(
        "content/blog/x.md",
        "+++\ntitle = \"X\"\ndate = 2026-11-18\ntags = [fjord]\n+++\nBody\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/x.md");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!((errs[0].line, errs[0].col), (4, 9), "{}", b.stderr);
    assert!(errs[0].message.contains("needs quotes"), "{}", b.stderr);
    assert!(!errs[0].message.contains("boolean"), "{}", b.stderr);
    let help = help_after(&b.stderr, "content/blog/x.md").expect("a help line");
    assert!(help.contains(r#"tags = ["fjord"]"#), "{help}");
}

#[test]
fn a_quote_inside_a_title_says_to_escape_it() {
    let site = SiteTest::new();
    site.file(
        "content/blog/x.md",
        "+++\ndate = 2026-11-18\ntitle = \"Test \"launch\" here\"\n+++\nBody\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/x.md");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!(errs[0].line, 3, "{}", b.stderr);
    assert!(
        errs[0].message.contains("quote inside a string"),
        "{}",
        b.stderr
    );
    assert!(errs[0].message.contains(r#"`\"`"#), "{}", b.stderr);
    let help = help_after(&b.stderr, "content/blog/x.md").expect("a help line");
    assert!(help.contains(r#"title = "Test \"launch\" here""#), "{help}");
    assert!(help.contains(r#"title = 'Test "launch" here'"#), "{help}");
}

#[test]
fn a_duplicate_key_is_named_with_the_line_that_first_set_it() {
    let site = SiteTest::new();
    site.file(
        "content/blog/x.md",
        "+++\ntitle = \"X\"\ndate = 2026-11-18\ntitle = \"Y\"\n+++\nBody\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("content/blog/x.md");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!((errs[0].line, errs[0].col), (4, 1), "{}", b.stderr);
    assert!(
        errs[0].message.contains("`title` is set twice")
            && errs[0].message.contains("first set on line 2"),
        "{}",
        b.stderr
    );
}

#[test]
fn toml_slips_in_site_toml_and_data_get_the_same_messages() {
    let site = SiteTest::new();
    site.file(
        "data/authors.toml",
        "[editor]\nname = \"Alex\"\nname = \"Sam\"\n",
    );
    let b = site.build();
    b.assert_code(1);
    let errs = b.errors_in("data/authors.toml");
    assert_eq!(errs.len(), 1, "{}", b.stderr);
    assert_eq!(errs[0].line, 3, "{}", b.stderr);
    assert!(
        errs[0]
            .message
            .contains("`name` is set twice; it is first set on line 2"),
        "{}",
        b.stderr
    );

    let site = SiteTest::new();
    site.file(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\ntimezone = UTC\n"),
    );
    let b = site.build();
    b.assert_code(2);
    assert!(
        b.stderr
            .contains("site.toml:3:12: error: `UTC` needs quotes"),
        "{}",
        b.stderr
    );
    assert!(
        b.stderr.contains(r#"help: write `timezone = "UTC"`"#),
        "{}",
        b.stderr
    );
}

/// A section's `_index.md` body is Markdown like an item's: a citation of no source is an
/// error at its line and column (it was rendered as text and never reported).
#[test]
fn a_broken_citation_in_a_section_body_is_an_error_at_its_place() {
    let site = SiteTest::new();
    let rel = "content/blog/_index.md";
    site.file(
        rel,
        "+++\ntitle = \"Blog\"\n+++\n\nOur notes[^a], with a source[^nope].\n\n[^a]: A footnote.\n",
    );
    let run = site.build();
    run.assert_code(1);
    let errs = run.errors_in(rel);
    assert_eq!(errs.len(), 1, "{}", run.stderr);
    assert!(
        errs[0].message.contains("`[^nope]` cites no source"),
        "{}",
        run.stderr
    );
    assert_eq!((errs[0].line, errs[0].col), (5, 29), "{}", run.stderr);
}
