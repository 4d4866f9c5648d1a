//! A short serve soak (the long one is `benches/serve_soak.py`): the library server on a temp
//! site, 20 client threads fetching pages and probing for files outside the output, 5 open
//! live-reload streams, and a writer making 100 rapid edits, a broken file and its fix among
//! them. The server answers throughout (no 5xx but the error overlay while the site is
//! broken), never serves a file outside its output, every stream hears the last rebuild, and
//! the last edit is what is served. Bounded: about ten seconds.

use pressroom::BuildOptions;
use pressroom::serve::{ServeOptions, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 20;
const LISTENERS: usize = 5;
const EDITS: usize = 100;
/// Edit number at which a file breaks, and at which it is fixed.
const BREAK_AT: usize = 40;
const FIX_AT: usize = 60;
/// In `site.toml` (never rendered) and in a file beside the site: must never be served.
const SECRET: &str = "pressroom-soak-secret-marker";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn post(n: usize) -> String {
    format!("+++\ntitle = \"Live\"\ndate = 2026-01-05\n+++\nEdit number {n} of the text.\n")
}

/// `GET path` on a fresh connection: (status, body), or None when the connection failed.
fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: soak.test\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Reads a live-reload stream until `stop`, recording the highest build id it announced.
fn listen(addr: String, latest: Arc<AtomicU64>, stop: Arc<AtomicBool>) {
    let mut s = TcpStream::connect(&addr).expect("connect");
    write!(
        s,
        "GET /__pressroom/events HTTP/1.1\r\nHost: soak.test\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("send");
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let mut buf = String::new();
    let mut chunk = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) {
        match s.read(&mut chunk) {
            Ok(0) => panic!("a live-reload stream was closed by the server"),
            Ok(n) => buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
            Err(_) => continue,
        }
        while let Some((event, rest)) = buf.split_once("\n\n") {
            for line in event.lines() {
                if let Some(id) = line
                    .strip_prefix("data: ")
                    .and_then(|d| d.trim().parse().ok())
                {
                    latest.fetch_max(id, Ordering::Relaxed);
                }
            }
            buf = rest.to_string();
        }
    }
}

fn start(root: &Path, log: Arc<Mutex<Vec<String>>>) -> Server {
    let now = "2026-11-23T08:00:00Z".parse().expect("time");
    let mut build = BuildOptions::new(root, now);
    build.drafts = true;
    pressroom::serve::start(
        ServeOptions {
            build,
            bind: "127.0.0.1".into(),
            port: 0,
            port_fallback: false,
        },
        move |e| {
            let line = match e {
                pressroom::serve::Event::Built { id, millis, .. } => {
                    format!("built {id} in {millis} ms")
                }
                pressroom::serve::Event::Failed { id, message, .. } => {
                    format!("failed {id}: {message}")
                }
                _ => return,
            };
            log.lock().expect("log").push(line);
        },
    )
    .expect("the server starts")
}

#[test]
fn serve_keeps_answering_through_rapid_edits() {
    let dir = tempfile::Builder::new()
        .prefix("pressroom-soak-")
        .tempdir()
        .expect("temp dir");
    let root: PathBuf = dir.path().join("site");
    write(
        &root,
        "site.toml",
        &format!("# {SECRET}\ntitle = \"Soak\"\nbase_url = \"https://example.com\"\n"),
    );
    write(dir.path(), "outside.txt", SECRET);
    write(&root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    write(
        &root,
        "content/blog/_index.md",
        "+++\ntitle = \"Blog\"\n+++\n",
    );
    write(&root, "content/blog/live.md", &post(0));
    for i in 0..20 {
        write(
            &root,
            &format!("content/blog/p{i}.md"),
            &format!(
                "+++\ntitle = \"Post {i}\"\ndate = 2026-01-{:02}\n+++\nText {i}.\n",
                i + 1
            ),
        );
    }
    write(&root, "static/site.css", "body { color: black }\n");
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let server = start(&root, log.clone());
    let addr = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let broken = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut listeners = Vec::new();
    let mut latest = Vec::new();
    for _ in 0..LISTENERS {
        let seen = Arc::new(AtomicU64::new(0));
        latest.push(seen.clone());
        let (addr, stop) = (addr.clone(), stop.clone());
        listeners.push(std::thread::spawn(move || listen(addr, seen, stop)));
    }
    // `/site.css` is read from disk on every request: those reads once kept the watcher
    // gathering one endless batch, and no edit was rebuilt while clients fetched it.
    let pages = [
        "/",
        "/blog/",
        "/blog/live/",
        "/blog/p3/",
        "/site.css",
        "/atom.xml",
        "/sitemap.xml",
        "/search/",
        "/nope/",
    ];
    let probes = [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2e%2e/%2e%2e/outside.txt",
        "/..%2f..%2foutside.txt",
        "/static/../../site.toml",
        "/%5c..%5csite.toml",
        "/site.toml",
        "//etc/passwd",
        "/content/blog/live.md",
    ];
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (addr, stop, broken, requests, failures) = (
            addr.clone(),
            stop.clone(),
            broken.clone(),
            requests.clone(),
            failures.clone(),
        );
        clients.push(std::thread::spawn(move || {
            let mut i = c;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let probe = i % 10 == 0;
                let path = if probe {
                    probes[i / 10 % probes.len()]
                } else {
                    pages[i % pages.len()]
                };
                requests.fetch_add(1, Ordering::Relaxed);
                // Broken when the request went out or when its answer came back.
                let was_broken = broken.load(Ordering::Relaxed);
                let problem = match get(&addr, path) {
                    None => Some("no answer".to_string()),
                    Some((_, body)) if body.contains(SECRET) => {
                        Some("served a file outside the output".to_string())
                    }
                    Some((status, _)) if probe && status == 200 => {
                        Some("a traversal probe got 200".to_string())
                    }
                    Some((500, body))
                        if (was_broken || broken.load(Ordering::Relaxed))
                            && body.contains("pressroom-error-overlay") =>
                    {
                        None
                    }
                    Some((status, body)) if status >= 500 => {
                        let at = body.find("<ul>").unwrap_or(0);
                        Some(format!(
                            "status {status}: {}",
                            &body[at..(at + 300).min(body.len())]
                        ))
                    }
                    _ => None,
                };
                std::thread::sleep(Duration::from_millis(2));
                if let Some(p) = problem {
                    failures.lock().expect("lock").push(format!("{path}: {p}"));
                }
            }
        }));
    }

    let started = Instant::now();
    for n in 1..=EDITS {
        if n == BREAK_AT {
            broken.store(true, Ordering::Relaxed);
        }
        let text = if (BREAK_AT..FIX_AT).contains(&n) {
            format!(
                "+++\ntitle = \"Live\"\ndate = 2026-01-05\nnot valid = = toml\n+++\nEdit {n}.\n"
            )
        } else {
            post(n)
        };
        // Saved the way editors save (a new file renamed over the old one): a plain in-place
        // write can be read half-done, an empty file the overlay would rightly complain about.
        write(&root, "content/blog/.live.md.swp", &text);
        std::fs::rename(
            root.join("content/blog/.live.md.swp"),
            root.join("content/blog/live.md"),
        )
        .expect("rename");
        if n == BREAK_AT {
            // Edits come faster than the watcher's quiet period: wait for the overlay, so the
            // broken phase really happens.
            let deadline = Instant::now() + Duration::from_secs(20);
            while !get(&addr, "/blog/live/")
                .is_some_and(|(s, b)| s == 500 && b.contains("pressroom-error-overlay"))
            {
                assert!(
                    Instant::now() < deadline,
                    "the broken file was not reported; builds: {:?}",
                    log.lock().expect("log")
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        if n == FIX_AT {
            // The overlay may still be served until the fixed build is published.
            let deadline = Instant::now() + Duration::from_secs(20);
            while get(&addr, "/blog/live/").is_some_and(|(s, _)| s != 200) {
                assert!(
                    Instant::now() < deadline,
                    "the site did not recover from the fix"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            broken.store(false, Ordering::Relaxed);
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    // The last edit is served, and every stream has heard of the build that serves it.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = get(&addr, "/blog/live/")
            .map(|(_, b)| b)
            .unwrap_or_default();
        if page.contains(&format!("Edit number {EDITS} of the text.")) {
            break;
        }
        assert!(Instant::now() < deadline, "the last edit is not served");
        std::thread::sleep(Duration::from_millis(50));
    }
    let last = server.build_id();
    let deadline = Instant::now() + Duration::from_secs(10);
    while latest.iter().any(|l| l.load(Ordering::Relaxed) < last) {
        assert!(
            Instant::now() < deadline,
            "a live-reload stream missed build {last}: {:?}",
            latest
                .iter()
                .map(|l| l.load(Ordering::Relaxed))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("a client thread panicked");
    }
    for l in listeners {
        l.join().expect("a listener thread panicked");
    }
    let failures = failures.lock().expect("lock");
    let total = requests.load(Ordering::Relaxed);
    eprintln!(
        "{EDITS} edits in {:?}, {last} builds, {total} requests, {} failures",
        started.elapsed(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} requests failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(20)]
    );
    assert!(last > 2, "rebuilt only {last} times");
    server.stop();
}

/// This process's resident memory in KiB (the server runs inside the test).
#[cfg(target_os = "linux")]
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// Sends `head` then up to `flood` more bytes of header (until the server stops reading) and
/// returns the status it answered, if an answer came before the connection closed.
fn send_flood(addr: &str, head: &[u8], flood: usize) -> Option<u16> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.set_write_timeout(Some(Duration::from_secs(10))).ok()?;
    let _ = s.write_all(head);
    let chunk = vec![b'a'; 1 << 16];
    let mut sent = 0;
    while sent < flood {
        if s.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw)
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

/// Request heads are bounded (a 200 MB header or a long request line does not grow memory),
/// a static file swapped for a symbolic link to outside the site is never served, whatever the
/// timing, and memory stays flat over thousands of requests.
#[cfg(target_os = "linux")]
#[test]
fn hostile_requests_are_bounded_and_swaps_never_leak() {
    let dir = tempfile::Builder::new()
        .prefix("pressroom-soak-")
        .tempdir()
        .expect("temp dir");
    let root: PathBuf = dir.path().join("site");
    write(
        &root,
        "site.toml",
        "title = \"Soak\"\nbase_url = \"https://example.com\"\n",
    );
    write(&root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    write(&root, "static/swap/file.txt", "harmless");
    write(dir.path(), "outside/file.txt", SECRET);
    let server = start(&root, Arc::default());
    let addr = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    // Oversized heads: 414 and 431 (or a closed connection), never a buffer of their size.
    let before = rss_kib();
    let line = format!("GET /{} HTTP/1.1\r\n", "a".repeat(1 << 20));
    let status = send_flood(&addr, line.as_bytes(), 0);
    assert!(
        matches!(status, Some(414) | None),
        "a 1 MiB request line got {status:?}"
    );
    let status = send_flood(&addr, b"GET / HTTP/1.1\r\nX-Flood: ", 200 << 20);
    assert!(
        matches!(status, Some(431) | None),
        "a 200 MB header got {status:?}"
    );
    let grown = rss_kib().saturating_sub(before);
    assert!(
        grown < 32 << 10,
        "a 200 MB header grew memory by {grown} KiB"
    );
    assert_eq!(get(&addr, "/swap/file.txt").map(|r| r.0), Some(200));

    // The file, and its folder, swapped for links to outside while clients fetch them.
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (root, outside, stop) = (root.clone(), dir.path().join("outside"), stop.clone());
        std::thread::spawn(move || {
            let (file, folder) = (root.join("static/swap/file.txt"), root.join("static/swap"));
            let mut swaps = 0;
            while !stop.load(Ordering::Relaxed) {
                let _ = std::fs::remove_file(&file);
                let _ = std::os::unix::fs::symlink(outside.join("file.txt"), &file);
                let _ = std::fs::remove_file(&file);
                let _ = std::fs::write(&file, "harmless");
                let _ = std::fs::rename(&folder, root.join("static/swap-aside"));
                let _ = std::os::unix::fs::symlink(&outside, &folder);
                let _ = std::fs::remove_file(&folder);
                let _ = std::fs::rename(root.join("static/swap-aside"), &folder);
                swaps += 1;
            }
            swaps
        })
    };
    let leaks = Arc::new(AtomicUsize::new(0));
    let served = Arc::new(AtomicUsize::new(0));
    for round in 0..4 {
        let clients: Vec<_> = (0..4)
            .map(|_| {
                let (addr, leaks, served) = (addr.clone(), leaks.clone(), served.clone());
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        if let Some((status, body)) = get(&addr, "/swap/file.txt") {
                            served.fetch_add(1, Ordering::Relaxed);
                            if body.contains(SECRET) {
                                leaks.fetch_add(1, Ordering::Relaxed);
                                eprintln!("leak: {status}");
                            }
                        }
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().expect("client");
        }
        eprintln!("round {round}: RSS {} KiB", rss_kib());
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().expect("swapper");
    eprintln!(
        "{} requests, {swaps} swaps, {} leaks",
        served.load(Ordering::Relaxed),
        leaks.load(Ordering::Relaxed)
    );
    assert_eq!(
        leaks.load(Ordering::Relaxed),
        0,
        "served a file outside the site"
    );
    assert!(
        served.load(Ordering::Relaxed) > 10_000,
        "the server stopped answering"
    );
    // Flat once warm: the swaps above set off a rebuild each and every connection has its own
    // thread, so the allocator's per-thread arenas have grown to their size by now (in one CI
    // run RSS went 31 → 55 MiB over those rounds). With the files still, four more rounds of
    // requests must not grow memory: the last no more than 16 MiB above the first.
    std::thread::sleep(Duration::from_millis(500));
    let mut rss = Vec::new();
    for _ in 0..4 {
        let clients: Vec<_> = (0..4)
            .map(|_| {
                let addr = addr.clone();
                std::thread::spawn(move || {
                    for _ in 0..500 {
                        let _ = get(&addr, "/swap/file.txt");
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().expect("client");
        }
        rss.push(rss_kib());
    }
    eprintln!("RSS by round once warm: {rss:?} KiB");
    assert!(rss[3] < rss[0] + (16 << 10), "memory grew: {rss:?} KiB");
    server.stop();
}
