//! A small harness for pressroom's integration tests: a throw-away site in a temp dir, the real
//! `pressroom` binary run on it, and helpers to read what it wrote (parsed, not grepped).

#![allow(dead_code, unreachable_pub)]

use scraper::{Html, Selector};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The build clock every test uses unless it says otherwise.
pub const NOW: &str = "2026-11-23T08:00:00Z";
/// The `base_url` of [`SiteTest::new`]'s site.
pub const BASE_URL: &str = "https://example.com";

/// The path of the `pressroom` binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pressroom")
}

/// Runs the binary with `args` and collects its outcome (`out` is where a build wrote, if any).
pub fn run(args: &[&str], out: &Path) -> Run {
    let output = Command::new(bin())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the pressroom binary runs");
    Run {
        code: output.status.code().expect("pressroom exited normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        out: out.to_path_buf(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

/// A site in a temp dir: `TMP/site` is the root, `TMP/public` the default output.
pub struct SiteTest {
    dir: tempfile::TempDir,
}

impl Default for SiteTest {
    fn default() -> Self {
        Self::new()
    }
}

impl SiteTest {
    /// A minimal site: `site.toml` with `title` and `base_url`, and a home page.
    pub fn new() -> Self {
        let site = Self::empty();
        site.file(
            "site.toml",
            &format!("title = \"Test Newsroom\"\nbase_url = \"{BASE_URL}\"\n"),
        );
        site.file("content/_index.md", "+++\ntitle = \"Test Newsroom\"\n+++\n");
        site
    }

    /// An empty site folder (no `site.toml`).
    pub fn empty() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("pressroom-test-")
            .tempdir()
            .expect("temp dir");
        std::fs::create_dir_all(dir.path().join("site")).expect("site dir");
        SiteTest { dir }
    }

    /// The site root.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The default output folder (beside the root, not inside it).
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// The temp dir holding `site/` and `public/`.
    pub fn tmp(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `rel` under the root, creating folders.
    pub fn file(&self, rel: &str, text: &str) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        self
    }

    /// Removes `rel` under the root.
    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.root().join(rel)).expect("remove");
        self
    }

    /// `pressroom build --root ROOT --output OUT --now NOW`.
    pub fn build(&self) -> Run {
        self.build_args(&[])
    }

    /// `build` with extra arguments (`--now` is added unless given; `--output` likewise).
    pub fn build_args(&self, extra: &[&str]) -> Run {
        let root = self.root();
        let mut out = self.out();
        if let Some(i) = extra.iter().position(|a| *a == "--output" || *a == "-o") {
            out = PathBuf::from(extra[i + 1]);
        }
        let root_s = root.to_str().expect("utf-8 path").to_string();
        let out_s = out.to_str().expect("utf-8 path").to_string();
        let mut args: Vec<&str> = vec!["build", "--root", &root_s];
        if !extra.iter().any(|a| *a == "--output" || *a == "-o") {
            args.extend(["--output", &out_s]);
        }
        if !extra
            .iter()
            .any(|a| *a == "--now" || a.starts_with("--now="))
        {
            args.extend(["--now", NOW]);
        }
        args.extend(extra);
        run(&args, &out)
    }

    /// Builds at `now` and deploys the output to a folder beside the site
    /// (`file://TMP/www`): what goes online is recorded in the site's `published.lock`.
    /// Returns the deploy's run.
    pub fn publish(&self, now: &str) -> Run {
        self.build_args(&["--now", now]).assert_ok();
        self.deploy()
    }

    /// Deploys the default output to `file://TMP/www` (recording it in `published.lock`).
    pub fn deploy(&self) -> Run {
        let www = self.tmp().join("www");
        std::fs::create_dir_all(&www).expect("web root");
        let target = format!("file://{}", www.display());
        let root = self.root().to_str().expect("utf-8 path").to_string();
        let out = self.out().to_str().expect("utf-8 path").to_string();
        run(
            &[
                "deploy", "--root", &root, "--output", &out, "--target", &target,
            ],
            &www,
        )
    }

    /// `pressroom check --root ROOT` with `extra` (`--now NOW` unless given).
    pub fn check_args(&self, extra: &[&str]) -> Run {
        let root = self.root().to_str().expect("utf-8 path").to_string();
        let mut args: Vec<&str> = vec!["check", "--root", &root];
        if !extra.contains(&"--now") {
            args.extend(["--now", NOW]);
        }
        args.extend(extra);
        run(&args, &self.out())
    }

    /// Builds and asserts success.
    pub fn build_ok(&self) -> Run {
        let b = self.build();
        b.assert_ok();
        b
    }

    /// A page of the default output, parsed (`rel` may be a URL such as `/blog/x/`).
    pub fn html(&self, rel: &str) -> Html {
        read_html(&self.out(), rel)
    }

    /// Every file of the default output, relative, `/`-separated, sorted.
    pub fn files(&self) -> Vec<String> {
        list_files(&self.out())
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// Exit status.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The output folder the run was given.
    pub out: PathBuf,
    /// The arguments, for messages.
    pub args: Vec<String>,
}

impl Run {
    /// Panics with the whole story unless the exit code is `code`.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "pressroom {:?} exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }

    /// Exit 0.
    pub fn assert_ok(&self) -> &Self {
        self.assert_code(0)
    }

    /// Parsed page of the output (`rel` may be a URL such as `/blog/x/` or a file path).
    pub fn html(&self, rel: &str) -> Html {
        read_html(&self.out, rel)
    }

    /// Whether the page for a URL (or a file path) exists in the output.
    pub fn exists(&self, url: &str) -> bool {
        self.out.join(url_to_file(url)).is_file()
    }

    /// Every output file, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        list_files(&self.out)
    }

    /// Every output file with the SHA-256 of its bytes.
    pub fn hashes(&self) -> BTreeMap<String, String> {
        hash_tree(&self.out)
    }

    /// Every stdout line parsed as JSON (panics on a line that is not).
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {l}"))
            })
            .collect()
    }

    /// The JSON diagnostics (`--message-format json`).
    pub fn json_diagnostics(&self) -> Vec<Value> {
        self.json_lines()
            .into_iter()
            .filter(|v| v["type"] == "diagnostic")
            .collect()
    }

    /// The JSON summary (`--message-format json`), which must be the last line.
    pub fn json_summary(&self) -> Value {
        let lines = self.json_lines();
        let last = lines.last().expect("some JSON output").clone();
        assert_eq!(last["type"], "summary", "last JSON line: {last}");
        last
    }

    /// The human diagnostics on stderr: `path:line:col: severity: message` lines, parsed.
    pub fn diagnostics(&self) -> Vec<HumanDiag> {
        self.stderr.lines().filter_map(HumanDiag::parse).collect()
    }

    /// The error diagnostics of one file.
    pub fn errors_in(&self, path: &str) -> Vec<HumanDiag> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.path == path && d.severity == "error")
            .collect()
    }
}

/// One `path:line:col: severity: message` line of stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanDiag {
    /// The file, relative to the root.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// `error` or `warning`.
    pub severity: String,
    /// The message.
    pub message: String,
}

impl HumanDiag {
    /// Parses one line; None for lines of another shape (`help:`, the final `error: ...`).
    pub fn parse(line: &str) -> Option<HumanDiag> {
        let mut parts = line.splitn(5, ':');
        let path = parts.next()?.to_string();
        let line_no = parts.next()?.parse().ok()?;
        let col = parts.next()?.parse().ok()?;
        let severity = parts.next()?.trim().to_string();
        if severity != "error" && severity != "warning" {
            return None;
        }
        let message = parts.next()?.trim().to_string();
        Some(HumanDiag {
            path,
            line: line_no,
            col,
            severity,
            message,
        })
    }
}

/// `/blog/x/` → `blog/x/index.html`; `https://example.com/404.html` → `404.html`.
pub fn url_to_file(url: &str) -> String {
    let path = url.strip_prefix(BASE_URL).unwrap_or(url);
    let path = path.split(['#', '?']).next().unwrap_or("");
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// Reads and parses an output page.
pub fn read_html(out: &Path, rel: &str) -> Html {
    let path = out.join(url_to_file(rel));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
    Html::parse_document(&text)
}

/// Every file under `dir`, relative with `/`, sorted.
pub fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("under base");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// SHA-256 of every file under `dir`.
pub fn hash_tree(dir: &Path) -> BTreeMap<String, String> {
    list_files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).expect("read");
            let digest = Sha256::digest(&bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            (rel, hex)
        })
        .collect()
}

/// Asserts two hash maps are equal, naming the files that differ.
pub fn assert_same_tree(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>, what: &str) {
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let differ: Vec<_> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "{what}: only in first {only_a:?}, only in second {only_b:?}, different {differ:?}"
    );
}

/// Parses a CSS selector (panics on a bad one).
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector `{s}`: {e:?}"))
}

/// Text of an element with runs of whitespace collapsed.
pub fn text_of(el: scraper::ElementRef<'_>) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Texts of every match of `selector`.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&sel(selector)).map(text_of).collect()
}

/// The `attr` of every match of `selector`.
pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    html.select(&sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// The `<title>` text.
pub fn title_of(html: &Html) -> String {
    texts(html, "title").into_iter().next().unwrap_or_default()
}

/// The texts of every `<h1>`.
pub fn h1s(html: &Html) -> Vec<String> {
    texts(html, "h1")
}

/// The `lang` of `<html>`.
pub fn html_lang(html: &Html) -> Option<String> {
    attrs(html, "html", "lang").into_iter().next()
}

/// Every link (`a[href]`) inside `<main>` (or the whole page without one), normalized to a
/// root-relative path.
pub fn main_links(html: &Html) -> Vec<String> {
    let scope = if html.select(&sel("main")).next().is_some() {
        "main a[href]"
    } else {
        "a[href]"
    };
    attrs(html, scope, "href")
        .into_iter()
        .map(|h| h.strip_prefix(BASE_URL).map(str::to_string).unwrap_or(h))
        .collect()
}

/// The links of a page that point at one of `items` (root-relative URLs), in page order,
/// each once.
pub fn item_links(html: &Html, items: &BTreeSet<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    main_links(html)
        .into_iter()
        .filter(|h| items.contains(h) && seen.insert(h.clone()))
        .collect()
}

/// The links of every page of a paginated list (`base`, `base/page/2/`, ...) that point at one
/// of `items`, following `rel="next"`.
pub fn paginated_item_links(run: &Run, base: &str, items: &BTreeSet<String>) -> Vec<String> {
    let mut all = Vec::new();
    let mut url = Some(base.to_string());
    let mut guard = 0;
    while let Some(u) = url {
        guard += 1;
        assert!(guard < 100, "pagination of {base} does not end");
        assert!(run.exists(&u), "paginated page {u} is missing");
        let html = run.html(&u);
        all.extend(item_links(&html, items));
        url = rel_link(&html, "next");
    }
    all
}

/// The root-relative target of the first `a`/`link` with `rel` containing `rel`.
pub fn rel_link(html: &Html, rel: &str) -> Option<String> {
    attrs(
        html,
        &format!("a[rel~=\"{rel}\"], link[rel~=\"{rel}\"]"),
        "href",
    )
    .into_iter()
    .next()
    .map(|h| h.strip_prefix(BASE_URL).map(str::to_string).unwrap_or(h))
}

/// Asserts an item page exists at `url` with `title` as its only `<h1>` and in its `<title>`.
pub fn assert_item_page(run: &Run, url: &str, title: &str) {
    assert!(
        run.exists(url),
        "no page for {url} (file {}); files: {:?}",
        url_to_file(url),
        run.files()
    );
    let html = run.html(url);
    assert_eq!(h1s(&html), vec![title.to_string()], "<h1> of {url}");
    let t = title_of(&html);
    assert!(
        t.contains(title),
        "<title> of {url} is `{t}`, not `{title}`"
    );
}

/// Asserts that none of `needles` occurs in any output file (its bytes or its path).
pub fn assert_absent_everywhere(out: &Path, needles: &[&str]) {
    let files = list_files(out);
    assert!(!files.is_empty(), "the output is empty");
    for rel in files {
        let text =
            String::from_utf8_lossy(&std::fs::read(out.join(&rel)).expect("read")).into_owned();
        for n in needles {
            assert!(!rel.contains(n), "output path `{rel}` contains `{n}`");
            assert!(!text.contains(n), "output file `{rel}` contains `{n}`");
        }
    }
}

/// A minimal item file with TOML front matter.
pub fn item(title: &str, date: &str, extra_front: &str, body: &str) -> String {
    format!("+++\ntitle = {title:?}\ndate = {date}\n{extra_front}+++\n\n{body}\n")
}

/// Copies the example newsroom (the repository root's site: config, content, data, static
/// files, theme, templates and its ledger) to `root`, so a test can build it without writing
/// into the working tree (a build writes the site's `published.lock`).
pub fn copy_example(root: &Path) {
    fn copy(from: &Path, to: &Path) {
        if from.is_dir() {
            std::fs::create_dir_all(to).expect("mkdir");
            for e in std::fs::read_dir(from).expect("read dir") {
                let e = e.expect("entry");
                copy(&e.path(), &to.join(e.file_name()));
            }
        } else {
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        }
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "site.toml",
        "published.lock",
        "content",
        "data",
        "static",
        "themes",
        "templates",
    ] {
        if repo.join(name).exists() {
            copy(&repo.join(name), &root.join(name));
        }
    }
}

/// `git` in `dir` (as a throw-away committer), which must succeed; its trimmed output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=writer", "-c", "user.email=w@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `haystack` with its only occurrence of `find` replaced by `with`; None when `find` occurs
/// nowhere or more than once (a forgery must hit the one field it aims at).
#[allow(dead_code)]
pub fn replace_bytes(haystack: &[u8], find: &[u8], with: &[u8]) -> Option<Vec<u8>> {
    let at = |from: usize| {
        (from..=haystack.len().checked_sub(find.len())?).find(|&i| haystack[i..].starts_with(find))
    };
    let first = at(0)?;
    if at(first + 1).is_some() {
        return None;
    }
    Some([&haystack[..first], with, &haystack[first + find.len()..]].concat())
}
