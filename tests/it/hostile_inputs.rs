//! Inputs shaped to hit a parser's worst case (issue: time grew with the square of their size),
//! and limits on what a theme may do. Each shape is grown eightfold and must take well under
//! 64 times as long (linear: about 8 times plus the fixed cost of a build); the bounds are
//! generous because the CI machine is slow and shared. Release-build figures are in
//! docs/reliability.md (`benches/hostile_inputs.py`).

use crate::common;

use common::{NOW, SiteTest};
use std::process::Command;
use std::time::{Duration, Instant};

const HEAD: &str = "+++\ntitle = \"Hostile\"\ndate = 2026-01-05\n+++\n";

/// What one build cost.
struct Cost {
    code: i32,
    stderr: String,
    took: Duration,
    /// Peak resident memory of the build process, in KiB.
    peak_kib: i64,
}

/// Builds a one-item site whose item is `text`, measuring its time and peak memory (the
/// child's `ru_maxrss`, from `wait4`). Killed past 120 s.
// The child is reaped by `wait4`, which clippy's check cannot see.
#[allow(clippy::zombie_processes)]
fn build_item(text: &str) -> Cost {
    use std::io::Read;
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
    let mut pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    });
    let pid = child.id() as libc::pid_t;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: plain out-parameters for the kernel; `pid` is our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            break (status, usage);
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!(
                "a build of {} KiB did not finish in 120 s",
                text.len() >> 10
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed();
    assert!(
        libc::WIFEXITED(status),
        "the build exited, not killed by a signal"
    );
    Cost {
        code: libc::WEXITSTATUS(status),
        stderr: reader.join().expect("stderr reader"),
        took,
        peak_kib: usage.ru_maxrss,
    }
}

/// Builds `shape(n)` and `shape(8n)`; the larger must take less than 24 times as long (plus a
/// second of slack) and at most 12 times the memory (plus 128 MiB). A quadratic shape takes
/// 64 times as long.
fn grows_linearly(name: &str, n: usize, shape: impl Fn(usize) -> String) {
    let small = build_item(&shape(n));
    let big = build_item(&shape(8 * n));
    eprintln!(
        "{name}: n={n} {:?} {} KiB (exit {}), 8n {:?} {} KiB (exit {})",
        small.took, small.peak_kib, small.code, big.took, big.peak_kib, big.code
    );
    assert_eq!(small.code, big.code, "{}\n{}", small.stderr, big.stderr);
    assert!(!big.stderr.contains("panicked"), "{}", big.stderr);
    assert!(
        big.took < small.took * 24 + Duration::from_secs(1),
        "{name}: {n} took {:?}, {} took {:?}",
        small.took,
        8 * n,
        big.took
    );
    assert!(
        big.peak_kib < small.peak_kib * 12 + (128 << 10),
        "{name}: {n} peaked at {} KiB, {} at {} KiB",
        small.peak_kib,
        8 * n,
        big.peak_kib
    );
}

/// The hostile shapes, by name, each a function of its size.
fn shape(kind: usize, n: usize) -> (&'static str, String) {
    match kind % 5 {
        0 => ("setext", format!("{HEAD}Title\n{}", "=\n".repeat(n))),
        1 => ("headings", format!("{HEAD}{}", "## Same\n\n".repeat(n))),
        2 => (
            "code line",
            format!("{HEAD}```json\n{}\n```\n", "{\"a\": [1, 2], ".repeat(n)),
        ),
        3 => (
            "yaml nesting",
            format!(
                "---\ntitle: Hostile\ndate: 2026-01-05\nextra:\n  x: {}{}\n---\nText.\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        _ => (
            "nested lists",
            format!(
                "{HEAD}{}",
                (0..n)
                    .map(|i| format!("{}- x\n", "  ".repeat(i % 40)))
                    .collect::<String>()
            ),
        ),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 5,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Random hostile shapes at random sizes, each grown eightfold: time and memory stay
    /// within the linear bounds of [`grows_linearly`].
    #[test]
    fn random_hostile_shapes_grow_linearly(kind in 0usize..5, n in 300usize..1500) {
        let (name, _) = shape(kind, n);
        grows_linearly(name, n, |m| shape(kind, m).1);
    }
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
    let Cost {
        code, stderr: err, ..
    } = build_item(&format!(
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
    let Cost {
        code, stderr: err, ..
    } = build_item(&format!(
        "+++\ntitle = \"T\"\ndate = 2026-01-05\ntags = [{}]\n+++\nText.\n",
        tags(101)
    ));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/blog/x.md:4:1: error: 101 tags on one item"),
        "{err}"
    );
    let Cost {
        code, stderr: err, ..
    } = build_item(&format!(
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
