//! `pressroom check`: everything build checks, plus links, fragments, embargo leaks, release
//! lint and translation parity; it writes nothing.

use crate::common;
use common::SiteTest;

fn check(t: &SiteTest) -> common::Run {
    t.check_args(&[])
}

fn base() -> SiteTest {
    let t = SiteTest::new();
    t.file("content/blog/2026-11-01-a.md", "+++\ntitle = \"A\"\ndate = 2026-11-01\n+++\n\n## Results\n\nSee [b](/blog/b/) and [results](#results).\n")
        .file("content/blog/2026-11-02-b.md", "+++\ntitle = \"B\"\ndate = 2026-11-02\n+++\n\nBack to [a](/blog/a/#results).\n");
    t
}

#[test]
fn a_clean_site_checks_and_nothing_is_written() {
    let t = base();
    let c = check(&t);
    c.assert_ok();
    assert!(!t.out().exists(), "check writes no output");
    assert!(
        !t.root().join("published.lock").exists(),
        "check writes no ledger"
    );
}

#[test]
fn broken_links_and_fragments_are_errors_at_their_line() {
    let t = base();
    t.file("content/blog/2026-11-03-c.md", "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\nA [missing page](/blog/nope/).\n\nA [missing anchor](/blog/a/#nowhere).\n");
    let c = check(&t);
    c.assert_code(1);
    assert!(
        c.stderr.contains("content/blog/2026-11-03-c.md:6:") && c.stderr.contains("/blog/nope/"),
        "{}",
        c.stderr
    );
    assert!(
        c.stderr.contains("no element with id `nowhere`"),
        "{}",
        c.stderr
    );
    // build does not audit links: the same site builds.
    t.build_ok();
}

#[test]
fn an_embargo_leak_is_found() {
    let t = base();
    t.file("content/press/2027-01-01-secret.md", "+++\ntitle = \"Secret merger\"\ndate = 2027-01-01\nkind = \"release\"\nembargo = 2027-01-01T08:00:00Z\n+++\n\nHidden.\n")
        .file("content/blog/2026-11-04-leak.md", "+++\ntitle = \"Leak\"\ndate = 2026-11-04\n+++\n\nSoon: the Secret merger.\n");
    let c = check(&t);
    c.assert_code(1);
    assert!(
        c.stderr.contains("embargo leak") && c.stderr.contains("/blog/leak/index.html"),
        "{}",
        c.stderr
    );
}

#[test]
fn release_lint_statement_sources_and_translation_parity_are_warnings() {
    let t = base();
    t.file("site.toml", "title = \"T\"\nbase_url = \"https://example.com\"\n[languages.fr]\n")
        .file("content/press/2026-11-01-r.md", "+++\ntitle = \"R\"\ndate = 2026-11-01\nkind = \"release\"\n+++\n\nText.\n")
        .file("content/statements/2026-11-01-s.md", "+++\ntitle = \"S\"\ndate = 2026-11-01\nkind = \"statement\"\n+++\n\nText.\n")
        .file(
            "content/blog/2026-11-05-t.md",
            "+++\ntitle = \"T\"\ndate = 2026-11-05\n[[corrections]]\ndate = 2026-11-06\nkind = \"correction\"\nnote = \"Fixed.\"\n+++\n\nText.\n",
        )
        .file("content/blog/2026-11-05-t.fr.md", "+++\ntitle = \"T fr\"\ndate = 2026-11-05\n+++\n\nTexte.\n");
    let c = check(&t);
    c.assert_ok();
    for expected in [
        "release has no `dateline`",
        "release has no media contact",
        "release has no boilerplate",
        "statement cites no source",
        "translation is older",
    ] {
        assert!(
            c.stderr.contains(expected),
            "missing `{expected}` in {}",
            c.stderr
        );
    }
}

/// A site whose only finding is a warning: a page source that is never cited.
fn with_a_warning() -> SiteTest {
    let t = base();
    t.file(
        "content/blog/2026-11-06-w.md",
        "+++\ntitle = \"W\"\ndate = 2026-11-06\n[[sources]]\nid = \"report\"\ntitle = \"Report\"\n+++\n\nText.\n",
    );
    t
}

#[test]
fn the_summary_counts_warnings() {
    let c = check(&base());
    c.assert_ok();
    assert!(
        c.stdout.contains("checked 2 items: no errors, no warnings"),
        "{}",
        c.stdout
    );
    let t = with_a_warning();
    let c = check(&t);
    c.assert_ok();
    assert!(
        c.stderr.contains("source `report` is never cited"),
        "{}",
        c.stderr
    );
    assert!(
        c.stdout.contains("checked 3 items: no errors, 1 warning"),
        "{}",
        c.stdout
    );
}

#[test]
fn deny_warnings_makes_warnings_fatal_in_check_and_build() {
    let t = with_a_warning();
    let c = t.check_args(&["--deny-warnings"]);
    c.assert_code(1);
    assert!(
        c.stderr.contains("source `report` is never cited"),
        "{}",
        c.stderr
    );
    assert!(c.stderr.contains("--deny-warnings"), "{}", c.stderr);
    let b = t.build_args(&["--deny-warnings"]);
    b.assert_code(1);
    assert!(
        !t.out().exists(),
        "a build failed by its warnings writes nothing"
    );
    t.build_ok();
    check(&base()).assert_ok();
    let clean = base();
    clean.build_args(&["--deny-warnings"]).assert_ok();
}

#[test]
fn a_draft_s_broken_citation_fails_check_and_build_but_the_draft_stays_unpublished() {
    let t = base();
    let draft = "content/blog/2026-11-07-draft.md";
    t.file(
        draft,
        "+++\ntitle = \"Quetzal draft\"\ndate = 2026-11-07\ndraft = true\n+++\n\nA quetzalcoatl claim.[^nope]\n",
    );
    for run in [check(&t), t.build()] {
        run.assert_code(1);
        let errs = run.errors_in(draft);
        assert_eq!(errs.len(), 1, "{}", run.stderr);
        assert_eq!(errs[0].line, 7, "{}", run.stderr);
        assert!(
            errs[0].message.contains("`[^nope]` cites no source"),
            "{}",
            run.stderr
        );
    }
    assert!(!t.out().exists(), "a failed build writes nothing");

    // Fixed, the draft is checked and builds, and no trace of it is in any output file.
    t.file(
        draft,
        "+++\ntitle = \"Quetzal draft\"\ndate = 2026-11-07\ndraft = true\n+++\n\nA quetzalcoatl claim.[^n]\n\n[^n]: A note.\n",
    );
    check(&t).assert_ok();
    let b = t.build_ok();
    let files = b.files();
    assert!(
        files.iter().any(|f| f.ends_with("sitemap.xml")),
        "{files:?}"
    );
    for f in &files {
        let bytes = std::fs::read(b.out.join(f)).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(!text.contains("quetzal"), "the draft leaked into {f}");
    }
    assert!(
        !t.root().join("published.lock").exists(),
        "build records nothing"
    );
}

/// A link a template writes from a front-matter value (a source's `url`) is reported at the
/// line that holds the value, not at an earlier mention of the URL in another value.
#[test]
fn a_link_written_from_a_front_matter_value_is_reported_at_that_value() {
    let t = base();
    let rel = "content/blog/2026-11-03-s.md";
    t.file(
        rel,
        "+++\ntitle = \"S\"\ndate = 2026-11-03\nsummary = \"Formerly at /press/gone/ for a while.\"\n[[sources]]\nid = \"old\"\ntitle = \"Old\"\nurl = \"/press/gone/\"\n+++\n\nA claim.[^old]\n",
    );
    let c = check(&t);
    c.assert_code(1);
    let errs = c.errors_in(rel);
    let gone: Vec<_> = errs
        .iter()
        .filter(|e| e.message.contains("/press/gone/"))
        .map(|e| (e.line, e.col))
        .collect();
    assert_eq!(gone, [(8, 8)], "{}", c.stderr);
}

/// The Markdown stage parses a transformed source (citation placeholders go before the text);
/// diagnostics still point at the writer's line and column, and a broken link is reported
/// where the body writes it, not where its text first occurs in the file.
#[test]
fn broken_links_and_citations_are_reported_at_their_exact_place_in_the_source() {
    let t = base();
    let rel = "content/blog/2026-11-03-c.md";
    let text = "+++\ntitle = \"C\"\ndate = 2026-11-03\nsummary = \"Moved from /blog/nope/ and #nowhere.\"\n[[sources]]\nid = \"lab\"\ntitle = \"Lab\"\n+++\n\nA claim.[^lab] Old: `/blog/nope/` and `#nowhere`.\n\nA [missing page](/blog/nope/).\n\nA [missing anchor](#nowhere), again[^lab].\n";
    t.file(rel, text);
    let c = check(&t);
    c.assert_code(1);
    let errs = c.errors_in(rel);
    let at = |message: &str| {
        errs.iter()
            .find(|e| e.message.contains(message))
            .map(|e| (e.line, e.col))
            .unwrap_or_else(|| panic!("no error with {message:?}: {}", c.stderr))
    };
    assert_eq!(at("broken link `/blog/nope/`"), (12, 18), "{}", c.stderr);
    assert_eq!(at("no element with id `nowhere`"), (14, 20), "{}", c.stderr);

    t.file(rel, "+++\ntitle = \"C\"\ndate = 2026-11-03\n[[sources]]\nid = \"lab\"\ntitle = \"Lab\"\n+++\n\nA claim.[^lab] And[^a] many[^b] more[^c].\n\n[^a]: Defined.\n\nLast, `x` é [^nope] here.\n");
    let c = check(&t);
    c.assert_code(1);
    let errs = c.errors_in(rel);
    let nope: Vec<_> = errs
        .iter()
        .filter(|e| e.message.contains("[^nope]"))
        .collect();
    assert_eq!(nope.len(), 1, "{}", c.stderr);
    // Column in characters: `Last, `x` é ` is 12 characters before `[^nope]`.
    assert_eq!((nope[0].line, nope[0].col), (13, 13), "{}", c.stderr);
}

/// The error diagnostics of a `check --message-format json` run, as (path, line, message).
fn json_errors(t: &SiteTest) -> Vec<(String, u64, String)> {
    let run = t.check_args(&["--message-format", "json"]);
    run.json_diagnostics()
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The messages of the errors whose message names `href`.
fn errors_naming(errors: &[(String, u64, String)], href: &str) -> Vec<String> {
    let quoted = format!("`{href}`");
    errors
        .iter()
        .filter(|(_, _, m)| m.contains(&quoted))
        .map(|(_, _, m)| m.clone())
        .collect()
}

/// `/blog/a` names the folder `/blog/a/` (`serve` and every web server redirect it there), so
/// it is not a broken link, and its `#fragment` is looked up in the folder's `index.html`.
#[test]
fn a_folder_link_without_its_trailing_slash_is_not_broken() {
    let t = base();
    let rel = "content/blog/2026-11-03-c.md";
    t.file(rel, "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\n[One](/blog/a), [two](/blog/a#results), [three](../a).\n\n[Gone](/blog/nope) and [no anchor](/blog/a#nowhere).\n");
    let errors = json_errors(&t);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for href in ["/blog/a", "/blog/a#results", "../a"] {
        assert!(errors_naming(&errors, href).is_empty(), "{errors:?}");
    }
    let gone = errors_naming(&errors, "/blog/nope");
    assert!(gone[0].contains("no such page or file"), "{errors:?}");
    let anchor = errors_naming(&errors, "/blog/a#nowhere");
    assert!(
        anchor[0].contains("`/blog/a/index.html` has no element with id `nowhere`"),
        "{errors:?}"
    );
    assert!(
        errors.iter().all(|(p, l, _)| p == rel && *l == 8),
        "{errors:?}"
    );
}

/// Browsers scroll to `<a name="…">` as to an `id`: older posts (and imported ones) use it.
#[test]
fn a_name_targets_are_anchors() {
    let t = base();
    t.file("content/blog/2026-11-02-b.md", "+++\ntitle = \"B\"\ndate = 2026-11-02\n+++\n\n<a name=\"legacy\"></a>Old text.\n\n<A class=\"x\" NAME='quoted'>Older</A> text.\n\n<meta name=\"robots\">\n")
        .file("content/blog/2026-11-03-c.md", "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\n[One](/blog/b/#legacy), [two](/blog/b/#quoted).\n\n[Three](/blog/b/#robots), [four](/blog/b/#nowhere).\n");
    let errors = json_errors(&t);
    assert!(
        errors_naming(&errors, "/blog/b/#legacy").is_empty(),
        "{errors:?}"
    );
    assert!(
        errors_naming(&errors, "/blog/b/#quoted").is_empty(),
        "{errors:?}"
    );
    // Only an `<a>`'s name is an anchor (not a `<meta>`'s), and a missing one is still found.
    assert_eq!(
        errors_naming(&errors, "/blog/b/#robots").len(),
        1,
        "{errors:?}"
    );
    assert_eq!(
        errors_naming(&errors, "/blog/b/#nowhere").len(),
        1,
        "{errors:?}"
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
}

/// An old URL kept as an alias is a redirect page; a deep link to it (`/old/a/#results`) lands
/// on the target's anchor, so the fragment is looked up on the target, and a missing one is
/// reported against the target, not the redirect page.
#[test]
fn fragments_are_followed_through_alias_redirects() {
    let t = base();
    let rel = "content/blog/2026-11-03-c.md";
    t.file("content/blog/2026-11-01-a.md", "+++\ntitle = \"A\"\ndate = 2026-11-01\naliases = [\"/old/a/\", \"/legacy/a.html\"]\n+++\n\n## Results\n\nSee [b](/blog/b/) and [results](#results).\n")
        .file(rel, "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\n[One](/old/a/#results), [two](/legacy/a.html#results), [three](/old/a#results).\n\n[Four](/old/a/#nowhere).\n");
    let errors = json_errors(&t);
    for href in [
        "/old/a/#results",
        "/legacy/a.html#results",
        "/old/a#results",
    ] {
        assert!(errors_naming(&errors, href).is_empty(), "{errors:?}");
    }
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (path, line, message) = &errors[0];
    assert_eq!((path.as_str(), *line), (rel, 8), "{errors:?}");
    assert!(
        message.contains("`/blog/a/index.html` has no element with id `nowhere`"),
        "{errors:?}"
    );
}

/// The same broken link written twice is two findings, each at the line that writes it (not
/// both, or only one, at the first).
#[test]
fn a_repeated_broken_link_is_reported_at_each_line_that_writes_it() {
    let t = base();
    let rel = "content/blog/2026-11-03-c.md";
    t.file(rel, "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\nOnce [gone](/blog/nope/).\n\nFine [b](/blog/b/).\n\nTwice [gone](/blog/nope/), and [deeper](/blog/nope/x/).\n");
    let errors = json_errors(&t);
    let lines: Vec<u64> = errors
        .iter()
        .filter(|(p, _, m)| p == rel && m.contains("`/blog/nope/`"))
        .map(|(_, l, _)| *l)
        .collect();
    assert_eq!(lines, [6, 10], "{errors:?}");
    assert_eq!(
        errors_naming(&errors, "/blog/nope/x/").len(),
        1,
        "{errors:?}"
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
}

/// A link written as HTML in the Markdown is reported where it is written, not where an
/// earlier, longer URL starting with the same text is.
#[test]
fn an_html_link_is_reported_at_its_own_line_not_at_a_longer_url_s() {
    let t = base();
    let rel = "content/blog/2026-11-03-c.md";
    t.file(rel, "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\nFirst <a href=\"/blog/nope/x/\">x</a>.\n\nThen <a href=\"/blog/nope/\">y</a> and <a href='/blog/nope/'>z</a>.\n");
    let errors = json_errors(&t);
    let at = |href: &str| -> Vec<u64> {
        let quoted = format!("`{href}`");
        errors
            .iter()
            .filter(|(p, _, m)| p == rel && m.contains(&quoted))
            .map(|(_, l, _)| *l)
            .collect()
    };
    assert_eq!(at("/blog/nope/x/"), [6], "{errors:?}");
    // Each of the two links on line 8 (the second single-quoted) is a finding.
    assert_eq!(at("/blog/nope/"), [8, 8], "{errors:?}");
}

/// Links and anchors written as HTML in any quoting or case are audited like Markdown ones; an
/// HTML sample shown in code is text, not a link.
#[test]
fn html_links_in_any_quoting_are_audited_and_code_samples_are_not() {
    let t = base();
    let rel = "content/blog/2026-11-03-c.md";
    t.file(rel, "+++\ntitle = \"C\"\ndate = 2026-11-03\n+++\n\n<span id='here'>Here</span> <A HREF='/blog/gone/'>x</A> <a\nhref=/blog/lost/>y</a>\n\nSample: `<a href='/blog/sample/'>`, [back](#here).\n");
    let errors = json_errors(&t);
    assert_eq!(errors_naming(&errors, "/blog/gone/").len(), 1, "{errors:?}");
    assert_eq!(errors_naming(&errors, "/blog/lost/").len(), 1, "{errors:?}");
    assert_eq!(errors.len(), 2, "{errors:?}");
}
