//! Inputs shaped to hit a parser's worst case (issue: time grew with the square of their size),
//! and limits on what a theme may do. Each shape is grown eightfold and must take well under
//! 64 times as long (linear: about 8 times plus the fixed cost of a build); the bounds are
//! generous because the CI machine is slow and shared. Release-build figures are in
//! docs/reliability.md (`benches/hostile_inputs.py`).

mod common;

use common::{NOW, SiteTest};
use std::process::Command;
use std::time::{Duration, Instant};

const HEAD: &str = "+++\ntitle = \"Hostile\"\ndate = 2026-01-05\n+++\n";

/// Builds a one-item site whose item is `text`; (exit code, stderr, time). Killed past 120 s.
fn build_item(text: &str) -> (i32, String, Duration) {
    let site = SiteTest::new();
    site.file("content/blog/x.md", text);
    let started = Instant::now();
    let mut child = Command::new(common::bin())
        .args(["build", "--quiet", "--now", NOW, "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.out())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!(
                "a build of {} KiB did not finish in 120 s",
                text.len() >> 10
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    let out = child.wait_with_output().expect("output");
    let code = out.status.code().expect("exit code, not a signal");
    (
        code,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        took,
    )
}

/// Builds `shape(n)` and `shape(8n)`; the larger must take less than 24 times as long (plus a
/// second of slack). A quadratic shape takes 64 times as long.
fn grows_linearly(name: &str, n: usize, shape: impl Fn(usize) -> String) {
    let (code_small, err_small, small) = build_item(&shape(n));
    let (code_big, err_big, big) = build_item(&shape(8 * n));
    eprintln!("{name}: n={n} {small:?} (exit {code_small}), 8n {big:?} (exit {code_big})");
    assert_eq!(code_small, code_big, "{err_small}\n{err_big}");
    assert!(!err_big.contains("panicked"), "{err_big}");
    assert!(
        big < small * 24 + Duration::from_secs(1),
        "{name}: {n} took {small:?}, {} took {big:?}",
        8 * n
    );
}

#[test]
fn setext_underlines_grow_linearly() {
    grows_linearly("setext", 6_000, |n| {
        format!("{HEAD}Title\n{}", "=\n".repeat(n))
    });
}

#[test]
fn identical_headings_grow_linearly() {
    grows_linearly("headings", 2_500, |n| {
        format!("{HEAD}{}", "## Same\n\n".repeat(n))
    });
}

#[test]
fn a_long_code_line_grows_linearly() {
    grows_linearly("code line", 32 << 10, |n| {
        format!(
            "{HEAD}```json\n{}\n```\n",
            "{\"a\": [1, 2], ".repeat(n / 14)
        )
    });
}

#[test]
fn deep_yaml_flow_nesting_is_refused_at_its_line_in_linear_time() {
    grows_linearly("yaml nesting", 5_000, |n| {
        format!(
            "---\ntitle: Hostile\ndate: 2026-01-05\nextra:\n  x: {}{}\n---\nText.\n",
            "[".repeat(n),
            "]".repeat(n)
        )
    });
    let (code, err, _) = build_item(&format!(
        "---\ntitle: Hostile\ndate: 2026-01-05\nextra:\n  x: {}\n---\n",
        "[".repeat(1000)
    ));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/blog/x.md:5:") && err.contains("nested deeper than 64"),
        "{err}"
    );
}

#[test]
fn thousands_of_tags_are_refused_at_their_line() {
    let tags = |n: usize| {
        (0..n)
            .map(|i| format!("\"t{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    grows_linearly("tags", 1_000, |n| {
        format!(
            "+++\ntitle = \"T\"\ndate = 2026-01-05\ntags = [{}]\n+++\nText.\n",
            tags(n)
        )
    });
    let (code, err, _) = build_item(&format!(
        "+++\ntitle = \"T\"\ndate = 2026-01-05\ntags = [{}]\n+++\nText.\n",
        tags(101)
    ));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/blog/x.md:4:1: error: 101 tags on one item"),
        "{err}"
    );
    let (code, err, _) = build_item(&format!(
        "+++\ntitle = \"T\"\ndate = 2026-01-05\ntags = [{}]\n+++\nText.\n",
        tags(100)
    ));
    assert_eq!(code, 0, "100 tags are allowed: {err}");
}

/// A theme template: the site's `templates/page.html` and friends override the default theme.
fn theme_error(files: &[(&str, &str)]) -> (i32, String) {
    let site = SiteTest::new();
    site.file("content/blog/x.md", &format!("{HEAD}Text.\n"));
    for (rel, text) in files {
        site.file(rel, text);
    }
    let run = site.build();
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
    (run.code, run.stderr)
}

#[test]
fn a_recursive_macro_is_reported_at_its_line_not_aborted() {
    let (code, err) = theme_error(&[
        (
            "templates/macros/loop.html",
            "{# a macro with no end #}\n{% macro down(n) %}{{ self::down(n=n+1) }}{% endmacro down %}\n",
        ),
        (
            "templates/404.html",
            "{% import \"macros/loop.html\" as l %}{{ l::down(n=1) }}",
        ),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("templates/macros/loop.html:2:1: error: macro `down`"),
        "{err}"
    );
}

#[test]
fn a_template_that_includes_itself_is_reported_at_the_include() {
    let (code, err) = theme_error(&[("templates/404.html", "<p>\n{% include \"404.html\" %}</p>")]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("templates/404.html:2:1: error: the include of `404.html`"),
        "{err}"
    );
}

#[test]
fn range_and_get_env_are_limited() {
    let (code, err) = theme_error(&[(
        "templates/404.html",
        "{% for i in range(end=100000000000) %}{{ i }}{% endfor %}",
    )]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("at most 100000"), "{err}");
    let (code, err) = theme_error(&[("templates/404.html", "{{ get_env(name=\"HOME\") }}")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`get_env` is not available"), "{err}");
}

#[test]
fn upper_case_md_files_are_read() {
    let site = SiteTest::new();
    site.file("content/blog/shout.MD", &format!("{HEAD}Loud text.\n"));
    let run = site.build_ok();
    assert!(run.exists("/blog/shout/"), "{:?}", run.files());
}

#[test]
fn an_unsupported_default_language_and_a_zero_section_page_size_are_errors_at_their_line() {
    let site = SiteTest::new();
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\ndefault_language = \"xx\"\n",
    );
    let run = site.build();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("site.toml:3:1: error: `default_language = \"xx\"`"),
        "{}",
        run.stderr
    );

    let site = SiteTest::new();
    site.file(
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\npaginate_by = 0\n+++\n",
    );
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/blog/_index.md:3:1: error: `paginate_by` must be at least 1"),
        "{}",
        run.stderr
    );
}
