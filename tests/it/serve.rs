//! `pressroom serve` through the library API (`pressroom::serve::start`): a temp site served on
//! a free loopback port, fetched with hand-written HTTP/1.1 over `TcpStream` (no HTTP client
//! dependency), the live-reload stream read the same way. Every wait is bounded.

use crate::common;

use pressroom::BuildOptions;
use pressroom::serve::{Event, ServeOptions, Server};
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any one wait may take before the test fails.
const WAIT: Duration = Duration::from_secs(15);
/// A comment in site.toml (never rendered), so a leak of the file is easy to spot.
const SECRET: &str = "pressroom-site-config-marker";

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::Builder::new()
            .prefix("pressroom-serve-")
            .tempdir()
            .expect("temp dir");
        let root = dir.path().join("site");
        let site = Site { _dir: dir, root };
        site.write(
            "site.toml",
            &format!("# {SECRET}\ntitle = \"Serve Test\"\nbase_url = \"https://example.com\"\n"),
        );
        site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
        site.write("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n");
        site.write(
            "content/blog/hello.md",
            &hello("First version of the text."),
        );
        site.write("static/site.css", "body { color: black }\n");
        site
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn start(&self) -> (Server, Arc<Mutex<Vec<Event>>>) {
        self.start_on("127.0.0.1", 0, false)
            .expect("the server starts")
    }

    fn start_on(
        &self,
        bind: &str,
        port: u16,
        port_fallback: bool,
    ) -> pressroom::Result<(Server, Arc<Mutex<Vec<Event>>>)> {
        serve_at(&self.root, bind, port, port_fallback)
    }
}

/// `serve` of the site at `root` (as given: relative or absolute), with drafts, recording its
/// events.
fn serve_at(
    root: &Path,
    bind: &str,
    port: u16,
    port_fallback: bool,
) -> pressroom::Result<(Server, Arc<Mutex<Vec<Event>>>)> {
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut build = BuildOptions::new(root, now);
    build.drafts = true;
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let server = pressroom::serve::start(
        ServeOptions {
            build,
            bind: bind.into(),
            port,
            port_fallback,
        },
        move |e| sink.lock().expect("events").push(e),
    )?;
    Ok((server, events))
}

fn hello(body: &str) -> String {
    format!("+++\ntitle = \"Hello\"\ndate = 2026-01-05\n+++\n{body}\n")
}

/// `host:port` of a server URL such as `http://127.0.0.1:4000/` or `http://[::1]:4000/`.
fn addr(server: &Server) -> String {
    server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// Sends `GET raw_path` exactly as given (no normalising) and returns status and body.
fn get(addr: &str, raw_path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        s,
        "GET {raw_path} HTTP/1.1\r\nHost: preview.example.test\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read the response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The live-reload stream, read by hand.
struct Events {
    stream: TcpStream,
    buf: String,
}

impl Events {
    fn open(addr: &str) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect");
        write!(
            stream,
            "GET /__pressroom/events HTTP/1.1\r\nHost: preview.example.test\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let mut events = Events {
            stream,
            buf: String::new(),
        };
        let deadline = Instant::now() + WAIT;
        while !events.buf.contains("\r\n\r\n") {
            assert!(Instant::now() < deadline, "no event-stream headers");
            events.fill();
        }
        assert!(
            events.buf.starts_with("HTTP/1.1 200") && events.buf.contains("text/event-stream"),
            "{}",
            events.buf
        );
        events.buf = events
            .buf
            .split_once("\r\n\r\n")
            .expect("headers")
            .1
            .to_string();
        events
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!("event stream closed"),
            Ok(n) => self.buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("event stream: {e}"),
        }
    }

    /// The next event as (name, data), waiting at most [`WAIT`].
    fn next(&mut self) -> (String, String) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some((raw, rest)) = self.buf.split_once("\n\n") {
                let (raw, rest) = (raw.to_string(), rest.to_string());
                self.buf = rest;
                if raw.starts_with(':') {
                    continue;
                }
                let mut name = "message".to_string();
                let mut data = String::new();
                for line in raw.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = v.trim().to_string();
                    }
                }
                return (name, data);
            }
            assert!(Instant::now() < deadline, "no event within {WAIT:?}");
            self.fill();
        }
    }

    /// Waits for a build event (`data: ID`) newer than `after`, skipping other events.
    fn build_after(&mut self, after: u64) -> u64 {
        let deadline = Instant::now() + WAIT;
        loop {
            assert!(Instant::now() < deadline, "no new build within {WAIT:?}");
            let (name, data) = self.next();
            if name == "message" {
                let id: u64 = data.parse().expect("a build id");
                if id > after {
                    return id;
                }
            }
        }
    }
}

/// Waits until `f` holds, re-checking every 50 ms, for at most [`WAIT`].
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_edit_reloads_open_pages_and_changes_the_page() {
    let site = Site::new();
    let (server, _) = site.start();
    let addr = addr(&server);
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("First version of the text."), "{page}");
    assert!(
        page.contains("new EventSource(\"/__pressroom/events\")"),
        "live reload uses a relative URL: {page}"
    );
    let mut events = Events::open(&addr);
    let (name, first) = events.next();
    assert_eq!(name, "message");
    let first: u64 = first.parse().expect("build id");

    site.write("content/blog/hello.md", &hello("Second version, edited."));
    let id = events.build_after(first);
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Second version, edited."),
        "build {id}: {page}"
    );
    assert!(!page.contains("First version"), "{page}");

    // A new page appears, a deleted one disappears.
    site.write("content/blog/other.md", &hello("Another page."));
    eventually("the new page is served", || {
        get(&addr, "/blog/other/").0 == 200
    });
    std::fs::remove_file(site.root.join("content/blog/other.md")).expect("remove");
    eventually("the deleted page is gone", || {
        get(&addr, "/blog/other/").0 == 404
    });

    server.stop();
    assert!(
        !site.root.join("public").exists(),
        "serve never writes public/"
    );
}

/// The watcher reports absolute paths; a site served from a relative root (`.`, the
/// default, or `--root my-site`) names its files under that root. A body edit must still be
/// recognised as one and patched into the last site, not make serve read every file again.
#[test]
fn a_body_edit_under_a_relative_root_is_patched() {
    let site = Site::new();
    // The temp site as a path relative to the working folder (changing the working folder
    // would affect every test running beside this one).
    let cwd = std::env::current_dir().expect("working folder");
    let up: PathBuf = cwd.components().skip(1).map(|_| "..").collect();
    let relative = up.join(
        site.root
            .strip_prefix("/")
            .expect("an absolute temp folder"),
    );
    assert!(relative.is_relative() && relative.join("site.toml").is_file());
    let (server, events) = serve_at(&relative, "127.0.0.1", 0, false).expect("the server starts");
    site.write("content/blog/hello.md", &hello("Second version, edited."));
    let built = |events: &[Event]| {
        events.iter().find_map(|e| match e {
            Event::Built { id: 2, fresh, .. } => Some(*fresh),
            _ => None,
        })
    };
    eventually("the edit is built", || {
        built(&events.lock().expect("events")).is_some()
    });
    let fresh = built(&events.lock().expect("events")).expect("build 2");
    assert!(fresh.patched, "{fresh:?}");
    let (status, page) = get(&addr(&server), "/blog/hello/");
    assert_eq!(status, 200);
    assert!(page.contains("Second version, edited."), "{page}");
    server.stop();
}

#[test]
fn a_stylesheet_change_swaps_css_without_a_rebuild() {
    let site = Site::new();
    let (server, _) = site.start();
    let addr = addr(&server);
    let mut events = Events::open(&addr);
    let (_, first) = events.next();
    site.write("static/site.css", "body { color: navy }\n");
    let (name, data) = events.next();
    assert_eq!((name.as_str(), data.as_str()), ("css", "/site.css"));
    assert_eq!(server.build_id().to_string(), first, "no rebuild for CSS");
    let (status, css) = get(&addr, "/site.css?pressroom-reload=1");
    assert_eq!(status, 200);
    assert!(css.contains("navy"), "{css}");
    server.stop();
}

#[test]
fn a_broken_file_shows_the_overlay_and_fixing_it_recovers() {
    let site = Site::new();
    let (server, _) = site.start();
    let addr = addr(&server);
    let mut events = Events::open(&addr);
    let (_, first) = events.next();
    let first: u64 = first.parse().expect("id");

    // Line 3 of the file has a key no page may have.
    site.write(
        "content/blog/hello.md",
        "+++\ntitle = \"Hello\"\ntitel = \"typo\"\ndate = 2026-01-05\n+++\nBroken.\n",
    );
    let broken = events.build_after(first);
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 500, "{page}");
    assert!(page.contains("pressroom-error-overlay"), "{page}");
    assert!(
        page.contains("content/blog/hello.md:3:1"),
        "the overlay names the file with path:line:col: {page}"
    );
    let (status, page) = get(&addr, "/no/such/page/");
    assert!(
        status >= 400 && page.contains("content/blog/hello.md:3:1"),
        "{status} {page}"
    );
    // The server keeps answering, and non-HTML files are still served.
    let (status, css) = get(&addr, "/site.css");
    assert_eq!(status, 200);
    assert!(css.contains("color"));

    site.write("content/blog/hello.md", &hello("Fixed at last."));
    events.build_after(broken);
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Fixed at last."), "{page}");
    assert!(!page.contains("pressroom-error-overlay"));
    server.stop();
}

#[test]
fn traversal_and_symlinks_never_leave_the_output() {
    let site = Site::new();
    let outside = site.root.parent().expect("tmp").join("outside-secret.txt");
    std::fs::write(&outside, "outside-secret-marker").expect("write");
    site.write("static/swapped.txt", "harmless");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, site.root.join("static/linked.txt")).expect("symlink");
    let (server, _) = site.start();
    let addr = addr(&server);
    for raw in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "//etc/passwd",
        "/..%2fsite.toml",
        "/blog/../../site.toml",
        "/static/..%5c..%5csite.toml",
        "/site.toml",
        "/content/blog/hello.md",
        "/linked.txt",
        "/static/linked.txt",
    ] {
        let (status, body) = get(&addr, raw);
        assert!(
            !body.contains(SECRET)
                && !body.contains("root:x:0:0")
                && !body.contains("outside-secret-marker"),
            "{raw} leaked: {status} {body}"
        );
        assert_ne!(status, 200, "{raw}");
    }
    // A file served from disk that becomes a link to outside the site is refused.
    assert_eq!(get(&addr, "/swapped.txt"), (200, "harmless".to_string()));
    #[cfg(unix)]
    {
        std::fs::remove_file(site.root.join("static/swapped.txt")).expect("rm");
        std::os::unix::fs::symlink(&outside, site.root.join("static/swapped.txt"))
            .expect("symlink");
        let (status, body) = get(&addr, "/swapped.txt");
        assert!(!body.contains("outside-secret-marker"), "{status} {body}");
        assert_eq!(status, 404);
    }
    server.stop();
    assert!(!site.root.join("public").exists());
}

#[test]
fn live_reload_works_over_ipv6_loopback() {
    let site = Site::new();
    let Ok((server, _)) = site.start_on("::1", 0, false) else {
        eprintln!("no IPv6 loopback here; skipped");
        return;
    };
    assert!(server.url.starts_with("http://[::1]:"), "{}", server.url);
    let addr = addr(&server);
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 200);
    assert!(page.contains("/__pressroom/events"));
    let mut events = Events::open(&addr);
    let (_, first) = events.next();
    site.write("content/blog/hello.md", &hello("Over IPv6."));
    events.build_after(first.parse().expect("id"));
    assert!(get(&addr, "/blog/hello/").1.contains("Over IPv6."));
    server.stop();
}

#[test]
fn a_busy_default_port_moves_to_the_next_but_an_explicit_one_fails() {
    let site = Site::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    assert!(
        site.start_on("127.0.0.1", port, false).is_err(),
        "explicit --port"
    );
    let (server, events) = site.start_on("127.0.0.1", port, true).expect("fallback");
    assert!(
        !server.url.ends_with(&format!(":{port}/")),
        "{}",
        server.url
    );
    let moved = events
        .lock()
        .expect("events")
        .iter()
        .any(|e| matches!(e, Event::PortInUse { requested, using } if *requested == port && *using != port));
    assert!(moved, "the move is reported");
    server.stop();
}

#[test]
fn a_cached_rebuild_equals_a_full_build_and_redoes_only_the_edit() {
    let site = Site::new();
    site.write("content/blog/other.md", &hello("Another page."));
    // Enough pages sharing a word that its postings go to a pack (post-N.json; a list of
    // up to 128 bytes, some 60 neighbouring pages, stays in its word list), which the edit
    // below changes: the cached index must lay its packs out as a full build does.
    for i in 0..80 {
        site.write(
            &format!("content/blog/note-{i}.md"),
            &hello(&format!("Edited note {i}.")),
        );
    }
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&site.root, now);
    opts.drafts = true;
    opts.preview = true;
    let mut cache = pressroom::incremental::Incremental::default();
    cache.rebuild(&opts).expect("first build");
    // A different length: the cache sees the change by its stamp alone.
    site.write(
        "content/blog/hello.md",
        &hello("Edited, and longer than before."),
    );
    let cached = cache.rebuild(&opts).expect("rebuild");
    let stats = cache.stats();
    assert_eq!(
        (stats.files_parsed, stats.items_rendered),
        (1, 1),
        "{stats:?}"
    );
    assert!(stats.pages_reused > 0, "{stats:?}");
    assert!(
        stats.shape_unchanged,
        "a body edit keeps the site's shape: {stats:?}"
    );
    let full = pressroom::render_in_memory(&opts).expect("full build");
    let sorted = |b: &pressroom::Built| {
        let mut v: Vec<_> = b
            .outputs
            .iter()
            .map(|o| (o.path.clone(), o.bytes.clone()))
            .collect();
        v.sort();
        v
    };
    assert!(
        sorted(&cached) == sorted(&full),
        "cached and full builds differ"
    );
    assert!(
        full.outputs.iter().any(|o| o.path == "/search/meta.json")
            && full
                .outputs
                .iter()
                .any(|o| o.path.starts_with("/search/index-"))
            && full
                .outputs
                .iter()
                .any(|o| o.path.starts_with("/search/post-")),
        "the comparison covers the search index, its packs included"
    );
}

#[test]
fn ledger_problems_show_on_the_preview_and_serve_never_writes_the_ledger() {
    let site = Site::new();
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&site.root, now);
    opts.output = site.root.parent().expect("parent").join("out");
    let built = pressroom::build(&opts).expect("first build");
    let pending = built.publication.expect("a ledger to record");
    pressroom::publish::record(&site.root, &pending).expect("recorded as a deploy would");
    let ledger = std::fs::read_to_string(site.root.join("published.lock")).expect("ledger");

    let (server, _) = site.start();
    let addr = addr(&server);
    let mut events = Events::open(&addr);
    let (_, first) = events.next();
    let first: u64 = first.parse().expect("id");
    site.write("content/blog/hello.md", &hello("A silently edited text."));
    events.build_after(first);
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 200, "the preview keeps rendering: {page}");
    assert!(page.contains("A silently edited text."), "{page}");
    assert!(
        page.contains("pressroom-warnings") && page.contains("without a dated notice"),
        "{page}"
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("published.lock")).expect("ledger"),
        ledger
    );
    server.stop();
}

/// A copy of the example newsroom (the repository root's site) in a temp dir.
pub(crate) fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("pressroom-cache-")
        .tempdir()
        .expect("temp dir");
    let root = dir.path().join("site");
    common::copy_example(&root);
    (dir, root)
}

fn by_path(outputs: &[pressroom::render::Output]) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = outputs
        .iter()
        .map(|o| (o.path.clone(), o.bytes.clone()))
        .collect();
    v.sort();
    v
}

fn first_difference(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> String {
    let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    if paths(a) != paths(b) {
        let (pa, pb) = (paths(a), paths(b));
        let only_a: Vec<_> = pa.iter().filter(|p| !pb.contains(p)).collect();
        let only_b: Vec<_> = pb.iter().filter(|p| !pa.contains(p)).collect();
        return format!("only cached: {only_a:?}; only full: {only_b:?}");
    }
    a.iter()
        .zip(b)
        .find(|(x, y)| x.1 != y.1)
        .map(|(x, _)| format!("{} differs", x.0))
        .unwrap_or_default()
}

/// What an edit wrote back to undo itself: a file and its text.
type Undo = Option<(PathBuf, String)>;

/// One random edit of the kind an author makes, on the site at `root`; returns the paths
/// written or removed, what was done, and what to write back when the edit breaks the build.
pub(crate) fn random_edit(
    root: &std::path::Path,
    rng: &mut u64,
    n: usize,
) -> (Vec<PathBuf>, String, Undo) {
    let mut next = |m: usize| {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        (*rng % m as u64) as usize
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.join("content")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "md")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("_index"))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let file = files[next(files.len())].clone();
    let text = std::fs::read_to_string(&file).expect("read");
    let kind = next(17);
    let set = |key: &str, value: &str| -> String {
        let mut done = false;
        let mut out: Vec<String> = text
            .lines()
            .map(|l| {
                if !done && l.starts_with(&format!("{key} =")) {
                    done = true;
                    format!("{key} = {value}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        if !done {
            out.insert(1, format!("{key} = {value}"));
        }
        out.join("\n") + "\n"
    };
    let (written, what) = match kind {
        // The usual edit: the body only.
        0..=3 => {
            std::fs::write(
                &file,
                format!("{text}\nEdit number {n} of the body, with *emphasis*.\n"),
            )
            .expect("write");
            (vec![file.clone()], "body")
        }
        4 => {
            std::fs::write(&file, set("title", &format!("\"Retitled by edit {n}\"")))
                .expect("write");
            (vec![file.clone()], "title")
        }
        5 => {
            std::fs::write(
                &file,
                set(
                    "date",
                    &format!("2025-0{}-1{}T09:00:00Z", 1 + next(9), next(10)),
                ),
            )
            .expect("write");
            (vec![file.clone()], "date")
        }
        6 => {
            std::fs::write(
                &file,
                set("tags", &format!("[\"edited-{}\", \"fjord\"]", next(3))),
            )
            .expect("write");
            (vec![file.clone()], "tags")
        }
        7 => {
            std::fs::remove_file(&file).expect("remove");
            (vec![file.clone()], "delete")
        }
        8 => {
            let copy = file.with_file_name(format!("copy-{n}.md"));
            std::fs::write(&copy, set("title", &format!("\"A copy made by edit {n}\"")))
                .expect("write");
            (vec![copy], "add")
        }
        9 => {
            // Whitespace only: the output may not change at all.
            std::fs::write(&file, format!("{text}\n")).expect("write");
            (vec![file.clone()], "whitespace")
        }
        10 => {
            let moved = file.with_file_name(format!("renamed-{n}.md"));
            std::fs::rename(&file, &moved).expect("rename");
            (vec![file.clone(), moved], "rename")
        }
        11 => {
            // The body cites a site-wide source: the front matter stays, the cited sources
            // (part of the item's shape) change.
            std::fs::write(
                &file,
                format!("{text}\nAs reported.[^annual-report-2025] Edit {n}.\n"),
            )
            .expect("write");
            (vec![file.clone()], "citation")
        }
        12 => {
            let data = root.join("data/sources.toml");
            let sources = std::fs::read_to_string(&data).expect("read");
            std::fs::write(
                &data,
                sources.replacen("title = \"", &format!("title = \"Edit {n}: "), 1),
            )
            .expect("write");
            (vec![data], "data")
        }
        13 => {
            let template = root.join("themes/default/templates/base.html");
            let html = std::fs::read_to_string(&template).expect("read");
            std::fs::write(&template, format!("{html}<!-- edit {n} -->\n")).expect("write");
            (vec![template], "template")
        }
        14 if n % 2 == 0 => {
            let index = root.join("content/press/_index.md");
            let body = std::fs::read_to_string(&index).expect("read");
            std::fs::write(&index, format!("{body}\nSection edit {n}.\n")).expect("write");
            (vec![index], "section index")
        }
        14 => {
            // The section's own feed file names (`[feeds]`): its feeds move, and every page
            // that links them, the subscribe page and the claims follow.
            let index = root.join("content/press/_index.md");
            let text = std::fs::read_to_string(&index).expect("read");
            let named = if text.contains("\n[feeds]\n") {
                text.replacen("atom = \"press-", &format!("atom = \"press-{n}-"), 1)
            } else {
                let close = text[3..].find("\n+++").expect("closing fence") + 4;
                format!(
                    "{}[feeds]\natom = \"press-{n}.xml\"\n{}",
                    &text[..close],
                    &text[close..]
                )
            };
            std::fs::write(&index, named).expect("write");
            (vec![index], "section feed names")
        }
        15 => {
            // One save reaching two files (a search and replace).
            let other = files[next(files.len())].clone();
            let mut written = vec![file.clone()];
            std::fs::write(&file, format!("{text}\nFirst of two, edit {n}.\n")).expect("write");
            if other != file {
                let more = std::fs::read_to_string(&other).expect("read");
                std::fs::write(&other, format!("{more}\nSecond of two, edit {n}.\n"))
                    .expect("write");
                written.push(other);
            }
            (written, "two bodies")
        }
        _ => {
            // Front matter that no longer parses: the build fails, then the fix recovers.
            std::fs::write(&file, text.replacen('\n', "\nbroken = \n", 1)).expect("write");
            let rel = file.strip_prefix(root).unwrap_or(&file).display();
            return (
                vec![file.clone()],
                format!("edit {n}: broken front matter of {rel}"),
                Some((file.clone(), text)),
            );
        }
    };
    let rel = file
        .strip_prefix(root)
        .unwrap_or(&file)
        .display()
        .to_string();
    (written, format!("edit {n}: {what} of {rel}"), None)
}

#[test]
fn random_edits_give_the_bytes_of_a_full_build_after_each_edit() {
    let (_dir, root) = example_copy();
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&root, now);
    opts.drafts = true;
    opts.preview = true;
    // `cache` looks at every file's stamp; `shared` is told the changed paths, as serve's
    // watcher tells it, and patches the last site when it can.
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&opts).expect("first build");
    shared.rebuild(&opts).expect("first build");
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut fast, mut patched) = (0, 0);
    for n in 0..60 {
        let (paths, what, mut undo) = random_edit(&root, &mut rng, n);
        let mut step = Some((paths, what));
        while let Some((paths, what)) = step.take() {
            cache.invalidate(paths.iter().map(PathBuf::as_path));
            shared.changed(paths.iter().map(PathBuf::as_path));
            compare_builds(&opts, &mut cache, &mut shared, &what);
            fast += usize::from(cache.stats().shape_unchanged);
            patched += usize::from(shared.stats().patched);
            if let Some((file, text)) = undo.take() {
                std::fs::write(&file, text).expect("write");
                step = Some((vec![file], format!("{what}, undone")));
            }
        }
    }
    assert!(fast > 0, "no edit took the fast path");
    assert!(patched > 0, "no edit patched the last site");
}

/// A patched build lists only the pages that show a changed item or name a retitled one
/// (`pages::page_jobs_picked`): for every item of the example site (lists of two items a
/// page, so most lists have several pages), shown or named, the picked list is the whole
/// list's pages that the pick wants, in order, and the pick reaches every kind of page.
#[test]
fn the_pages_picked_for_some_items_are_the_pages_of_the_whole_list_that_show_or_name_them() {
    use pressroom::render::pages::{Pick, Touched, page_jobs, page_jobs_picked};
    let (_dir, root) = example_copy();
    let toml = std::fs::read_to_string(root.join("site.toml")).expect("read");
    let toml = toml.replacen("paginate_by = 10", "paginate_by = 2", 1);
    std::fs::write(root.join("site.toml"), toml).expect("write");
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&root, now);
    opts.drafts = true;
    let config = pressroom::config::Config::load(&root, None).expect("config");
    let mut diags = Vec::new();
    let content = pressroom::content::load(&config, &mut diags);
    let mut site = pressroom::model::assemble::assemble(&config, &opts, content, &mut diags);
    pressroom::markdown::render_all(&mut site, &config, &mut diags);
    let theme = pressroom::render::theme::Theme::load_for(
        &config,
        &mut diags,
        pressroom::images::Mode::Check,
    )
    .expect("theme");
    let related = pressroom::render::related::related(&site);
    let ctx = pressroom::render::RenderCtx::new(&site, &config, &theme, &opts, related);
    let all = page_jobs(&ctx);
    let paths = |jobs: &[pressroom::render::pages::PageJob<'_>]| -> Vec<String> {
        jobs.iter().map(|j| j.path.to_string()).collect()
    };
    assert_eq!(paths(&page_jobs_picked(&ctx, Pick::Every)), paths(&all));
    let n = site.items.len();
    let mut reached = std::collections::BTreeSet::new();
    let picks = (0..n).flat_map(|id| {
        [
            Touched::new(n, [id], []),
            Touched::new(n, [], [id]),
            Touched::new(n, [id, (id * 7 + 3) % n], [(id * 5 + 1) % n]),
        ]
    });
    for touched in picks {
        let pick = Pick::Touching(&touched);
        let picked = page_jobs_picked(&ctx, pick);
        let wanted: Vec<String> = (all.iter())
            .filter(|j| pick.wants(j))
            .map(|j| j.path.to_string())
            .collect();
        assert_eq!(paths(&picked), wanted);
        reached.extend(picked.iter().map(|j| j.template.clone()));
    }
    for template in [
        "page.html",
        "index.html",
        "section.html",
        "archive.html",
        "taxonomy_term.html",
        "author.html",
        "source.html",
        "corrections.html",
    ] {
        assert!(
            reached.contains(template),
            "no {template} picked: {reached:?}"
        );
    }
}

/// A page that failed to render is not in the page table: an edit of another item, which
/// keeps every list, still renders it (and fails as a full build does) rather than taking
/// the table for the last build's whole list of pages.
#[test]
fn a_page_that_failed_is_rendered_again_after_an_edit_of_another_item() {
    let site = Site::new();
    // The post template fails for one title (an unknown variable).
    site.write(
        "templates/post.html",
        "<html><body>{{ page.title }}{% if page.title == \"Broken\" %}{{ no_such.thing }}{% endif %}{{ page.content | safe }}</body></html>\n",
    );
    let broken = "+++\ntitle = \"Broken\"\ndate = 2026-01-05\n+++\nIts page fails.\n";
    site.write("content/blog/broken.md", broken);
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let opts = BuildOptions::new(&site.root, now);
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    compare_builds(&opts, &mut cache, &mut shared, "the first build");
    assert!(
        shared.rebuild(&opts).is_err(),
        "the broken page fails the build"
    );
    for n in 0..2 {
        site.write("content/blog/hello.md", &hello(&format!("Edit {n}.")));
        let hello = site.root.join("content/blog/hello.md");
        cache.invalidate([hello.as_path()]);
        shared.changed([hello.as_path()]);
        compare_builds(&opts, &mut cache, &mut shared, &format!("edit {n}"));
        assert!(shared.stats().lists_unchanged, "{:?}", shared.stats());
    }
    let fixed = broken.replace("\"Broken\"", "\"Fixed\"");
    site.write("content/blog/broken.md", &fixed);
    let path = site.root.join("content/blog/broken.md");
    cache.invalidate([path.as_path()]);
    shared.changed([path.as_path()]);
    compare_builds(&opts, &mut cache, &mut shared, "the fix");
}

/// Serve keeps the last related items after a body edit that cites the same site-wide
/// sources; an edit that cites another one changes them, on both items' pages.
#[test]
fn a_patched_body_edit_that_cites_a_source_changes_the_related_items() {
    let site = Site::new();
    site.write(
        "data/sources.toml",
        "[[sources]]\nid = \"report\"\ntitle = \"The report\"\nurl = \"https://example.org/report.pdf\"\n",
    );
    site.write(
        "content/blog/cites.md",
        "+++\ntitle = \"Cites\"\ndate = 2026-01-04\n+++\nAs reported.[^report]\n",
    );
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&site.root, now);
    opts.drafts = true;
    opts.preview = true;
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&opts).expect("first build");
    shared.rebuild(&opts).expect("first build");
    let related = |shared: &pressroom::incremental::Incremental, page: &str| -> Vec<String> {
        let (_, bytes) = shared
            .outputs()
            .find(|(p, _)| *p == page)
            .expect("the page");
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        let links = scraper::Selector::parse("aside.related a[href]").expect("selector");
        html.select(&links)
            .filter_map(|a| a.value().attr("href").map(String::from))
            .collect()
    };
    assert!(related(&shared, "/blog/cites/index.html").is_empty());
    for (n, body) in ["A body edit.", "Now it cites the report too.[^report]"]
        .into_iter()
        .enumerate()
    {
        let path = site.root.join("content/blog/hello.md");
        site.write("content/blog/hello.md", &hello(body));
        cache.invalidate([path.as_path()]);
        shared.changed([path.as_path()]);
        compare_builds(&opts, &mut cache, &mut shared, &format!("edit {n}"));
        assert!(shared.stats().patched, "edit {n}: {:?}", shared.stats());
    }
    let cites = related(&shared, "/blog/cites/index.html");
    assert!(
        cites.iter().any(|href| href.ends_with("/blog/hello/")),
        "{cites:?}"
    );
    let hello_links = related(&shared, "/blog/hello/index.html");
    assert!(
        hello_links
            .iter()
            .any(|href| href.ends_with("/blog/cites/")),
        "{hello_links:?}"
    );
}

/// A patched edit keeps the sitemaps only while the build's clock and every title are the
/// last build's: the news sitemap lists the last two days' releases by the clock, by title.
#[test]
fn a_patched_edit_keeps_the_sitemaps_only_while_the_clock_and_the_titles_do() {
    let site = Site::new();
    let news = |title: &str| {
        format!(
            "+++\ntitle = \"{title}\"\nslug = \"news\"\ndate = 2026-11-22T09:00:00Z\n+++\nOut now.\n"
        )
    };
    site.write("content/blog/news.md", &news("Fresh news"));
    let at = |time: &str| {
        let mut opts = BuildOptions::new(&site.root, time.parse().expect("time"));
        opts.drafts = true;
        opts.preview = true;
        opts
    };
    let news_sitemap = |shared: &pressroom::incremental::Incremental| -> String {
        let (_, bytes) = (shared.outputs())
            .find(|(p, _)| *p == "/sitemap-news.xml")
            .expect("the news sitemap");
        String::from_utf8_lossy(bytes).into_owned()
    };
    let titles = |xml: &str| -> Vec<String> {
        let doc = roxmltree::Document::parse(xml).expect("the news sitemap parses");
        let titles = doc.descendants().filter(|n| n.tag_name().name() == "title");
        titles.filter_map(|n| n.text().map(String::from)).collect()
    };
    let first = at("2026-11-24T08:00:00Z");
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&first).expect("first build");
    shared.rebuild(&first).expect("first build");
    assert_eq!(titles(&news_sitemap(&shared)), ["Fresh news"]);
    // A title edit: the release keeps its place in the news sitemap, under its new title.
    let path = site.root.join("content/blog/news.md");
    site.write("content/blog/news.md", &news("Renamed news"));
    cache.invalidate([path.as_path()]);
    shared.changed([path.as_path()]);
    compare_builds(&first, &mut cache, &mut shared, "title edit");
    assert!(shared.stats().patched, "{:?}", shared.stats());
    assert_eq!(titles(&news_sitemap(&shared)), ["Renamed news"]);
    // Two hours on, a body edit of another item: the release is now older than two days.
    let later = at("2026-11-24T10:00:00Z");
    let path = site.root.join("content/blog/hello.md");
    site.write("content/blog/hello.md", &hello("Edited two hours later."));
    cache.invalidate([path.as_path()]);
    shared.changed([path.as_path()]);
    compare_builds(&later, &mut cache, &mut shared, "body edit two hours later");
    assert!(shared.stats().patched, "{:?}", shared.stats());
    assert!(titles(&news_sitemap(&shared)).is_empty());
}

/// A patched edit checks only the edited items against the ledger again and keeps the rest of
/// the last build's check: every output (the public record with each item's record hash) and
/// every diagnostic stay a full build's while edits add and take away a warning on published
/// items (an item's part of the check grows and shrinks, moving the parts after it) and change
/// new items' records (their first publication).
#[test]
fn a_patched_edit_rechecks_only_its_items_against_the_ledger() {
    let (_dir, root) = example_copy();
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&root, now);
    opts.drafts = true;
    opts.preview = true;
    let new_item = |title: &str, body: &str| {
        format!(
            "+++\ntitle = \"{title}\"\nslug = \"{}\"\ndate = 2026-11-21T09:00:00Z\n+++\n{body}\n",
            title.to_lowercase()
        )
    };
    let files = [
        (
            "content/blog/0-first.md",
            new_item("First", "New at the start."),
        ),
        (
            "content/press/zz-last.md",
            new_item("Last", "New at the end."),
        ),
    ];
    for (rel, text) in &files {
        std::fs::write(root.join(rel), text).expect("write");
    }
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&opts).expect("first build");
    shared.rebuild(&opts).expect("first build");
    let published = [
        "content/press/2026-11-18-pyeongtaek-cell-plant.md",
        "content/blog/2024-05-14-why-twenty-foot-containers.md",
    ];
    let originals: Vec<String> = (published.iter())
        .map(|rel| std::fs::read_to_string(root.join(rel)).expect("read"))
        .collect();
    let edits: [(&str, String, usize); 7] = [
        (
            published[0],
            format!("{}\nA silent change.\n", originals[0]),
            1,
        ),
        (files[1].0, new_item("Last", "Edited at the end."), 1),
        (published[1], format!("{}\nAnother.\n", originals[1]), 2),
        (published[0], originals[0].clone(), 1),
        (files[0].0, new_item("First", "Edited at the start."), 1),
        (published[1], originals[1].clone(), 0),
        (files[1].0, new_item("Last", "Edited at the end again."), 0),
    ];
    for (n, (rel, text, warnings)) in edits.iter().enumerate() {
        let path = root.join(rel);
        std::fs::write(&path, text).expect("write");
        cache.invalidate([path.as_path()]);
        shared.changed([path.as_path()]);
        let what = format!("edit {n} of {rel}");
        compare_builds(&opts, &mut cache, &mut shared, &what);
        let stats = shared.stats();
        assert!(stats.patched && stats.ledger_rechecked, "{what}: {stats:?}");
        let built = pressroom::render_in_memory(&opts).expect("a full build");
        let silent = (built.diagnostics.iter())
            .filter(|d| d.message.contains("without a dated notice"))
            .count();
        assert_eq!(silent, *warnings, "{what}: {:?}", built.diagnostics);
    }
}

/// Patched edits keep the in-body components they render with only while nothing but item
/// files changed: an edited component template is used by the next patched edit.
#[test]
fn a_patched_edit_renders_with_the_component_templates_on_disk() {
    let site = Site::new();
    site.write(
        "data/contacts.toml",
        "[maria]\nname = \"Maria Lindqvist\"\nrole = \"Chief Executive\"\n",
    );
    let quote = |n: usize| {
        hello(&format!(
            "Edit {n}.\n\n> [!QUOTE speaker=maria]\n> We delivered.\n"
        ))
    };
    site.write("content/blog/hello.md", &quote(0));
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut opts = BuildOptions::new(&site.root, now);
    opts.drafts = true;
    opts.preview = true;
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&opts).expect("first build");
    shared.rebuild(&opts).expect("first build");
    let template = |marker: &str| {
        format!(
            "<figure class=\"component component-quote\" data-marker=\"{marker}\">{{{{ body | safe }}}}</figure>\n"
        )
    };
    let steps = [
        (
            "templates/components/quote.html",
            template("quote-v1"),
            false,
        ),
        ("content/blog/hello.md", quote(1), true),
        ("content/blog/hello.md", quote(2), true),
        (
            "templates/components/quote.html",
            template("quote-v2"),
            false,
        ),
        ("content/blog/hello.md", quote(3), true),
    ];
    for (n, (rel, text, patched)) in steps.iter().enumerate() {
        site.write(rel, text);
        let path = site.root.join(rel);
        cache.invalidate([path.as_path()]);
        shared.changed([path.as_path()]);
        compare_builds(&opts, &mut cache, &mut shared, &format!("step {n}: {rel}"));
        assert_eq!(
            shared.stats().patched,
            *patched,
            "step {n}: {:?}",
            shared.stats()
        );
    }
    let (_, page) = (shared.outputs())
        .find(|(p, _)| *p == "/blog/hello/index.html")
        .expect("the page");
    let page = String::from_utf8_lossy(page);
    assert!(
        page.contains("quote-v2") && page.contains("Edit 3."),
        "{page}"
    );
}

/// Builds the site without cache and with both caches, and checks that all three give the
/// same outputs and diagnostics (or fail alike).
pub(crate) fn compare_builds(
    opts: &BuildOptions,
    cache: &mut pressroom::incremental::Incremental,
    shared: &mut pressroom::incremental::Incremental,
    what: &str,
) {
    let full = pressroom::render_in_memory(opts);
    let cached = cache.rebuild(opts);
    let in_shared = shared.rebuild(opts);
    let (full, cached, in_shared) = match (full, cached, in_shared) {
        (Ok(f), Ok(c), Ok(s)) => (f, c, s),
        (Err(f), Err(c), Err(s)) => {
            assert!(
                c.diagnostics == f.diagnostics && s.diagnostics == f.diagnostics,
                "{what}: the failures' diagnostics differ: full {:?}, cached {:?}, shared {:?}",
                f.diagnostics,
                c.diagnostics,
                s.diagnostics
            );
            return;
        }
        (f, c, s) => panic!(
            "{what}: the builds disagree on failing: full {:?}, cached {:?}, shared {:?}",
            f.err().map(|e| e.error),
            c.err().map(|e| e.error),
            s.err().map(|e| e.error)
        ),
    };
    assert!(
        cached.diagnostics == full.diagnostics && in_shared.diagnostics == full.diagnostics,
        "{what}: the diagnostics differ: full {:?}, cached {:?}, shared {:?}",
        full.diagnostics,
        cached.diagnostics,
        in_shared.diagnostics
    );
    let (full, cached_outputs) = (by_path(&full.outputs), by_path(&cached.outputs));
    assert!(
        cached_outputs == full,
        "{what}: cached and full builds differ: {}",
        first_difference(&cached_outputs, &full)
    );
    // The kits' ZIPs are not held: serve writes each at its download, with the writer used here.
    let zips = shared.media_zips().iter().map(|(path, kit)| {
        let zip = pressroom::render::zip::kit_zip(kit).expect("the kit's ZIP");
        (path.clone(), zip)
    });
    let mut from_shared: Vec<(String, Vec<u8>)> = shared
        .outputs()
        .map(|(p, b)| (p.clone(), b.as_ref().clone()))
        .chain(zips)
        .collect();
    from_shared.sort();
    assert!(
        from_shared == full,
        "{what}: the shared cache's outputs differ: {}",
        first_difference(&from_shared, &full)
    );
}

/// A page knows which build served it, so an edit saved before its event stream connects
/// still reloads it (the stream's first id then differs from the page's).
#[test]
fn pages_carry_the_id_of_the_build_that_served_them() {
    let site = Site::new();
    let (server, _) = site.start();
    let addr = addr(&server);
    let (_, page) = get(&addr, "/blog/hello/");
    let mut events = Events::open(&addr);
    let (_, current) = events.next();
    assert!(page.contains(&format!("var first=\"{current}\"")), "{page}");
    site.write(
        "content/blog/hello.md",
        &hello("Changed before the tab listened."),
    );
    let newer = events.build_after(current.parse().expect("id"));
    assert_ne!(
        newer.to_string(),
        current,
        "a stale page sees a different id and reloads"
    );
    server.stop();
}

/// The default theme's `base.html`, for overrides that differ from it by one line.
fn default_base() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/templates/base.html"
    );
    std::fs::read_to_string(path).expect("the default theme's base.html")
}

#[test]
fn a_templates_folder_made_while_serving_is_watched() {
    let site = Site::new();
    assert!(!site.root.join("templates").exists());
    let (server, _) = site.start();
    let addr = addr(&server);
    let mut events = Events::open(&addr);
    let (_, first) = events.next();
    let first: u64 = first.parse().expect("id");

    // The folder and a broken override in one go, as `mkdir templates && cp …` would.
    let base = default_base();
    site.write("templates/base.html", &format!("{{% if true %}}\n{base}"));
    let broken = loop {
        let id = events.build_after(first);
        let (status, page) = get(&addr, "/blog/hello/");
        if status == 500 {
            assert!(page.contains("pressroom-error-overlay"), "{page}");
            // At the `if` left open on line 1, not at the end of the file where Tera stopped.
            assert!(page.contains("templates/base.html:1:1"), "{page}");
            break id;
        }
    };

    // The fix reloads the page promptly (the overlay says it reloads by itself).
    let marker = "<!-- override-from-a-new-folder -->";
    let fixed = Instant::now();
    site.write("templates/base.html", &format!("{marker}\n{base}"));
    events.build_after(broken);
    let latency = fixed.elapsed();
    let (status, page) = get(&addr, "/blog/hello/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(marker), "the override is used: {page}");
    assert!(
        latency < Duration::from_secs(5),
        "the fix took {latency:?} to reach the page"
    );

    // Removed and made again at once (as a checkout or a sync tool does), the folder is
    // still watched: the old watch ended with the old folder.
    std::fs::remove_dir_all(site.root.join("templates")).expect("remove templates/");
    let again = "<!-- override-in-a-folder-made-again -->";
    site.write("templates/base.html", &format!("{again}\n{base}"));
    eventually("the folder made again is watched", || {
        get(&addr, "/blog/hello/").1.contains(again)
    });
    site.write("templates/base.html", &format!("{again}-edited\n{base}"));
    eventually("an edit in the folder made again is seen", || {
        get(&addr, "/blog/hello/").1.contains("-edited")
    });
    server.stop();
}

#[test]
fn a_folder_without_site_toml_is_a_usage_error_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let started = pressroom::serve::start(
        ServeOptions {
            build: BuildOptions::new(dir.path(), now),
            bind: "127.0.0.1".into(),
            port: 0,
            port_fallback: false,
        },
        |_| {},
    );
    match started {
        Err(e @ pressroom::Error::Usage(_)) => {
            let text = e.to_string();
            assert!(text.contains("site.toml"), "{text}");
            assert!(
                text.contains("pressroom init DIR") && text.contains("--root DIR"),
                "{text}"
            );
        }
        Err(e) => panic!("not a usage error: {e}"),
        Ok(server) => {
            server.stop();
            panic!("serve started in a folder without site.toml")
        }
    }

    // The command line: `serve`, `build` and `check` all exit 2 at once with the fix.
    let root = dir.path().to_str().expect("UTF-8 path");
    for args in [
        &["serve", "--root", root, "--port", "0"][..],
        &["build", "--root", root][..],
        &["check", "--root", root][..],
    ] {
        let mut child = std::process::Command::new(common::bin())
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("pressroom runs");
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`pressroom {}` kept running without site.toml", args[0]);
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("read");
        assert_eq!(status.code(), Some(2), "`{}`: {stderr}", args[0]);
        assert!(
            stderr.contains("pressroom init DIR"),
            "`{}`: {stderr}",
            args[0]
        );
    }
}

#[test]
fn a_theme_folder_made_while_serving_is_watched() {
    let site = Site::new();
    assert!(!site.root.join("themes").exists());
    let (server, _) = site.start();
    let addr = addr(&server);
    // The site's own `themes/default/` overrides the built-in theme file by file.
    let base = default_base();
    site.write(
        "themes/default/templates/base.html",
        &format!("<!-- theme-folder-v1 -->\n{base}"),
    );
    eventually("the new theme folder is read", || {
        get(&addr, "/blog/hello/").1.contains("theme-folder-v1")
    });
    site.write(
        "themes/default/templates/base.html",
        &format!("<!-- theme-folder-v2 -->\n{base}"),
    );
    eventually("an edit in the new theme folder is seen", || {
        get(&addr, "/blog/hello/").1.contains("theme-folder-v2")
    });
    server.stop();
}

/// Cards show the lead photo's smallest size: a photo replaced by another changes the URL of
/// its thumbnail on every list, so a cached rebuild must render the lists again.
#[test]
fn a_replaced_lead_photo_changes_its_thumbnail_on_cached_lists() {
    let (_dir, root) = example_copy();
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let opts = BuildOptions::new(&root, now);
    let mut cache = pressroom::incremental::Incremental::default();
    let mut shared = pressroom::incremental::Incremental::shared();
    cache.rebuild(&opts).expect("first build");
    shared.rebuild(&opts).expect("first build");
    std::fs::write(
        root.join("static/photos/storage-yard.jpg"),
        crate::images::jpeg(900, 500, false),
    )
    .expect("write");
    compare_builds(&opts, &mut cache, &mut shared, "a replaced lead photo");
}

/// What an in-body component shows comes from outside the item's file: its template, the
/// people `data/` names, a download's file. Serve shows each change to them without a
/// restart, as `build` would.
#[test]
fn a_component_follows_its_template_people_and_files_while_serving() {
    let site = Site::new();
    site.write(
        "data/contacts.toml",
        "[maria]\nname = \"Maria Lindqvist\"\nrole = \"Chief Executive\"\n",
    );
    site.write("static/files/report.csv", "a,b\n");
    site.write(
        "content/blog/hello.md",
        &hello(
            "Lead.\n\n> [!QUOTE speaker=maria]\n> We delivered.\n\n> [!DOWNLOAD file=/files/report.csv]\n> The data\n",
        ),
    );
    let (server, _) = site.start();
    let addr = addr(&server);
    let page = || get(&addr, "/blog/hello/").1;
    let first = page();
    assert!(first.contains("Chief Executive"), "{first}");
    assert!(first.contains("4 bytes"), "{first}");

    // The site overrides the quote's template.
    site.write(
        "templates/components/quote.html",
        "<figure class=\"component component-quote\" data-marker=\"site-quote-v1\">{{ body | safe }}</figure>\n",
    );
    eventually("the new quote template is used", || {
        page().contains("site-quote-v1")
    });
    site.write(
        "templates/components/quote.html",
        "<figure class=\"component component-quote\" data-marker=\"site-quote-v2\">{{ body | safe }} {{ args.speaker.role }}</figure>\n",
    );
    eventually("the edited quote template is used", || {
        page().contains("site-quote-v2")
    });

    // The speaker's record changes.
    site.write(
        "data/contacts.toml",
        "[maria]\nname = \"Maria Lindqvist\"\nrole = \"Chair of the Board\"\n",
    );
    eventually("the speaker's new role is shown", || {
        page().contains("Chair of the Board")
    });

    // The downloaded file is replaced: its size and checksum follow.
    let bytes = "a,b\n1,2\n3,4\n";
    site.write("static/files/report.csv", bytes);
    let sha: String = <sha2::Sha256 as sha2::Digest>::digest(bytes.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    eventually("the replaced file's size and checksum are shown", || {
        let now = page();
        now.contains("12 bytes") && now.contains(&sha)
    });
    server.stop();
}

/// The peak resident memory of process `pid` in bytes (`VmHWM`).
#[cfg(target_os = "linux")]
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb * 1024
}

/// A kit's b-roll video (here a 400 MB sparse file in `static/`) is sent from disk as it is
/// read: the preview server's memory stays far below the file's size. Before, every request
/// read the whole file into memory first.
#[cfg(target_os = "linux")]
#[test]
fn a_large_file_is_served_without_being_held_in_memory() {
    const SIZE: u64 = 400 << 20;
    let site = Site::new();
    let video = site.root.join("static/b-roll.mp4");
    std::fs::create_dir_all(video.parent().expect("parent")).expect("mkdir");
    let file = std::fs::File::create(&video).expect("create");
    file.set_len(SIZE).expect("sparse file");
    let mut child = std::process::Command::new(common::bin())
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pressroom serve runs");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = lines
        .find_map(|l| {
            let l = l.expect("stdout line");
            l.split_whitespace()
                .find(|w| w.starts_with("http://"))
                .map(str::to_string)
        })
        .expect("the server says where it is");
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(s, "GET /b-roll.mp4 HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
    let mut reader = std::io::BufReader::new(s);
    let mut head = String::new();
    while reader.read_line(&mut head).expect("head") > 2 {}
    let received = std::io::copy(&mut reader, &mut std::io::sink()).expect("body");
    let peak = peak_rss(child.id());
    let _ = child.kill();
    let _ = child.wait();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains(&format!("Content-Length: {SIZE}")), "{head}");
    assert!(head.contains("Content-Type: video/mp4"), "{head}");
    assert_eq!(received, SIZE, "the whole file");
    assert!(
        peak < SIZE / 4,
        "the server peaked at {} MB serving a {} MB file",
        peak >> 20,
        SIZE >> 20
    );
}
