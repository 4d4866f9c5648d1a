//! `pressroom serve`: builds the site in memory (never into `public/`), serves it on loopback,
//! watches the site's folders, rebuilds on change and pushes a reload to open pages over
//! server-sent events. A failed rebuild keeps serving the last good site, with an overlay
//! listing the errors, until the files are fixed.

mod files;
pub mod http;
mod kit_zip;
mod watch;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::incremental::{Incremental, RebuildStats};
use crate::options::BuildOptions;
use crate::render::theme::StaticSource;
use files::Files;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the preview server listens and what it previews.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The build options (drafts on unless `--no-drafts`).
    pub build: BuildOptions,
    /// Address to bind.
    pub bind: String,
    /// Port (0 picks a free one).
    pub port: u16,
    /// When `port` is busy, try the next nine ports (the default port; not an explicit `--port`).
    pub port_fallback: bool,
}

/// What the server reports to whoever runs it (the binary prints these).
#[derive(Debug, Clone)]
pub enum Event {
    /// Listening at this URL.
    Listening(String),
    /// A build finished: its id, the item count, its warnings, and how long it took.
    Built {
        /// Build number, starting at 1.
        id: u64,
        /// Item pages.
        items: usize,
        /// Warnings.
        warnings: Vec<Diagnostic>,
        /// Duration.
        millis: u128,
        /// What was done anew rather than reused from the previous build.
        fresh: RebuildStats,
    },
    /// A build failed; the last good site stays up with an overlay.
    Failed {
        /// Build number.
        id: u64,
        /// Everything found.
        diagnostics: Vec<Diagnostic>,
        /// The summary.
        message: String,
    },
    /// Bound to a non-loopback address.
    PublicBind(String),
    /// The requested port was busy; serving on another.
    PortInUse {
        /// The port asked for.
        requested: u16,
        /// The port used instead.
        using: u16,
    },
    /// Only stylesheets changed: open pages swap them without reloading.
    Css(Vec<String>),
}

/// A file the server can send.
#[derive(Debug, Clone)]
enum Body {
    Bytes(Arc<Vec<u8>>),
    Embedded(&'static [u8]),
    File(PathBuf),
    /// A press kit's ZIP, written from its originals when asked for ([`kit_zip`]).
    Zip(Arc<crate::model::media::Kit>),
}

/// One complete state of the served site; swapped whole after each build.
#[derive(Debug, Default)]
struct Snapshot {
    id: u64,
    files: Arc<Files>,
    /// The site root as given and canonical: files on disk are served only from inside it.
    root: PathBuf,
    canonical_root: PathBuf,
    /// Set when the latest build failed: the overlay shows these.
    failure: Option<(Vec<Diagnostic>, String)>,
    /// The latest good build's warnings (ledger problems among them), shown in a bar on
    /// every page: an author fixing a typo sees that a correction notice is needed.
    warnings: Vec<Diagnostic>,
}

/// The shared state: the current snapshot and the live-reload listeners.
#[derive(Default)]
struct Shared {
    current: Mutex<Arc<Snapshot>>,
    /// Each open event stream, sent the text of each event.
    listeners: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn publish(&self, next: Snapshot) {
        let id = next.id;
        // The old snapshot is dropped after the listeners hear of the new one: freeing a large
        // site takes a while and should not delay the reload.
        let _old = self
            .current
            .lock()
            .map(|mut cur| std::mem::replace(&mut *cur, Arc::new(next)));
        self.send(&format!("data: {id}\n\n"));
    }

    /// A new event stream: registered first, then sent the current build id, so a build
    /// published in between reaches it (as the id it reads or as the event it is sent).
    /// Read the other way round, a rebuild between the two was never announced to it.
    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Ok(mut ls) = self.listeners.lock() {
            ls.push(tx.clone());
        }
        let _ = tx.send(format!("data: {}\n\n", self.snapshot().id));
        rx
    }

    /// Sends one server-sent event to every open stream, forgetting closed ones.
    fn send(&self, event: &str) {
        if let Ok(mut ls) = self.listeners.lock() {
            ls.retain(|tx| tx.send(event.to_string()).is_ok());
        }
    }
}

/// A running preview server (tests use this to stop it).
pub struct Server {
    /// The URL it serves at.
    pub url: String,
    stop: Sender<()>,
    shared: Arc<Shared>,
}

impl Server {
    /// The id of the build being served.
    pub fn build_id(&self) -> u64 {
        self.shared.snapshot().id
    }

    /// Stops watching (the HTTP threads end with the process).
    pub fn stop(self) {
        let _ = self.stop.send(());
    }
}

/// Starts the server in background threads and returns once it listens and the first build
/// is done. `report` receives events from the watcher thread.
pub fn start(opts: ServeOptions, report: impl Fn(Event) + Send + Sync + 'static) -> Result<Server> {
    // Not a site: nothing to build or watch, and an error page that "reloads by itself"
    // would wait forever. A broken `site.toml`, by contrast, is served as an overlay until fixed.
    crate::config::Config::require_site(&opts.build.root)?;
    let server = listen(&opts, report_ref(&report))?;
    let addr = server.local_addr().ok();
    let local = addr
        .map(|a| a.to_string())
        .unwrap_or_else(|| format!("{}:{}", opts.bind, opts.port));
    let url = format!("http://{local}/");
    let loopback = addr.is_some_and(|a| a.ip().is_loopback());
    if !loopback {
        report(Event::PublicBind(local.clone()));
    }
    let mut build_opts = opts.build.clone();
    build_opts.preview = true;
    if build_opts.base_url.is_none() {
        build_opts.base_url = Some(url.trim_end_matches('/').to_string());
    }
    let shared = Arc::new(Shared::default());
    let report = Arc::new(report);
    let mut cache = Incremental::shared();
    let mut spare = None;
    let first = std::time::Instant::now();
    rebuild(
        &build_opts,
        &shared,
        1,
        report.as_ref(),
        (&mut cache, &mut spare),
        (true, first),
    );
    {
        let shared = shared.clone();
        std::thread::spawn(move || accept_loop(server, shared));
    }
    let (stop_tx, stop_rx) = channel();
    let mut changes = watch::watch(&build_opts.root)?;
    let mut rebuilds = Rebuilds {
        opts: build_opts,
        shared: shared.clone(),
        report,
        cache,
        spare,
        id: 1,
    };
    std::thread::spawn(move || {
        loop {
            if stop_rx.try_recv().is_ok() {
                break;
            }
            match changes.next_batch(Duration::from_millis(200)) {
                Some(batch) => {
                    // A folder made or removed since the last batch (say `templates/`) is
                    // watched or forgotten before the rebuild reads it. A folder that cannot
                    // be watched now is tried again after the next batch (the first watch, at
                    // start, reports its errors).
                    let _ = changes.refresh(&batch.paths);
                    rebuilds.apply(batch);
                }
                None if changes.closed() => break,
                None => {}
            }
        }
    });
    Ok(Server {
        url,
        stop: stop_tx,
        shared,
    })
}

/// The watcher thread's state: what turns a batch of changes into a rebuild (or a stylesheet
/// swap) and its announcement.
struct Rebuilds<R> {
    opts: BuildOptions,
    shared: Arc<Shared>,
    report: Arc<R>,
    cache: Incremental,
    /// The served files of the snapshot before the current one, to serve the next build's
    /// files from (see [`Files::renew`]).
    spare: Option<Arc<Files>>,
    /// The id of the last build started.
    id: u64,
}

impl<R: Fn(Event) + Send + Sync> Rebuilds<R> {
    fn apply(&mut self, batch: watch::Batch) {
        let watch::Batch {
            paths,
            complete,
            first,
        } = batch;
        let css = if complete {
            css_only(&self.opts.root, &paths)
        } else {
            Vec::new()
        };
        let snap = self.shared.snapshot();
        let known = css.iter().all(|p| snap.files.contains_key(p));
        drop(snap);
        if css.is_empty() || !known {
            self.id += 1;
            // Files served from disk (static files, assets) may have changed whatever the
            // generated output says.
            let force = !complete || !paths.iter().all(|p| is_source(p));
            let paths = paths.iter().map(PathBuf::as_path);
            if complete {
                self.cache.changed(paths);
            } else {
                // Events were lost: every file is looked at again.
                self.cache.invalidate(paths);
            }
            let report: &(dyn Fn(Event) + Send + Sync) = self.report.as_ref();
            rebuild(
                &self.opts,
                &self.shared,
                self.id,
                report,
                (&mut self.cache, &mut self.spare),
                (force, first),
            );
        }
        if !css.is_empty() {
            // Served straight from disk: no rebuild, the pages swap stylesheets.
            self.shared
                .send(&format!("event: css\ndata: {}\n\n", css.join(" ")));
            (self.report)(Event::Css(css));
        }
    }
}

/// Runs the server until the process ends.
pub fn run(opts: ServeOptions, report: impl Fn(Event) + Send + Sync + 'static) -> Result<()> {
    let report = Arc::new(report);
    let r = report.clone();
    let server = start(opts, move |e| r(e))?;
    report(Event::Listening(server.url.clone()));
    loop {
        std::thread::park();
    }
}

/// Binds `bind:port`; when the port is busy and `port_fallback` is set, the next free one of
/// the nine after it (and says so).
fn listen(opts: &ServeOptions, report: &dyn Fn(Event)) -> Result<TcpListener> {
    let tries = if opts.port_fallback && opts.port != 0 {
        10
    } else {
        1
    };
    let mut last = String::new();
    for port in (opts.port..=u16::MAX).take(tries) {
        // A tuple, not "bind:port": `::1:1111` is no socket address, `[::1]:1111` is.
        match TcpListener::bind((opts.bind.as_str(), port)) {
            Ok(server) => {
                if port != opts.port {
                    report(Event::PortInUse {
                        requested: opts.port,
                        using: port,
                    });
                }
                return Ok(server);
            }
            Err(e) => {
                let busy = e.kind() == std::io::ErrorKind::AddrInUse;
                last = e.to_string();
                if !busy {
                    break;
                }
            }
        }
    }
    let ports = if tries > 1 {
        format!(
            "ports {}-{}",
            opts.port,
            opts.port.saturating_add(tries as u16 - 1)
        )
    } else {
        format!("port {}", opts.port)
    };
    Err(Error::Usage(format!(
        "cannot listen on {} {ports}: {last}; is another server running there? choose another port with `--port`",
        opts.bind
    )))
}

/// Most connections served at once; more are closed at once (each holds a thread).
const MAX_CONNECTIONS: usize = 512;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts connections until the process ends, each on its own thread (live-reload streams
/// stay open), at most [`MAX_CONNECTIONS`] at a time.
fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (shared, open) = (shared.clone(), open.clone());
        let spawned = std::thread::Builder::new().spawn(move || {
            connection(stream, &shared);
            open.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            // Out of threads: the stream was dropped (closed) with the closure.
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Reads one request head within the limits of [`http::read_head`] and answers it.
fn connection(stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_read_timeout(Some(HEAD_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = std::io::BufReader::with_capacity(4096, read_half);
    match http::read_head(&mut reader) {
        Ok(head) => handle(Request { stream, head }, shared),
        Err(e) => {
            if let Some(status) = e.status() {
                let message = format!("{status} {}\n", http::reason(status));
                let mut stream = stream;
                let headers = [("Content-Type", "text/plain; charset=utf-8")];
                let _ = http::respond(&mut stream, status, &headers, message.as_bytes(), true);
                // Unread input may still be arriving: read a little of it so that closing
                // does not reset the connection before the client reads the answer.
                let _ = stream.shutdown(std::net::Shutdown::Write);
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = std::io::copy(&mut reader.take(1 << 20), &mut std::io::sink());
            }
        }
    }
}

/// A request whose head has been read, and its connection.
struct Request {
    stream: TcpStream,
    head: http::Head,
}

impl Request {
    fn url(&self) -> &str {
        &self.head.target
    }
}

fn report_ref<F: Fn(Event)>(f: &F) -> &dyn Fn(Event) {
    f
}

/// The output paths of the stylesheets in `paths` when every changed file is a stylesheet
/// under `static/` or a theme's `static/`; empty otherwise.
fn css_only(root: &std::path::Path, paths: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let canonical = root.canonicalize().ok();
        let rel = p
            .strip_prefix(root)
            .ok()
            .or_else(|| p.strip_prefix(canonical.as_ref()?).ok())
            .and_then(|r| r.to_str())
            .map(|r| r.replace('\\', "/"));
        let Some(rel) = rel else { return vec![] };
        let rel = rel.as_str();
        let under = match rel.split_once('/') {
            Some(("static", rest)) => rest,
            Some(("themes", rest)) => match rest.split_once("/static/") {
                Some((name, rest)) if !name.contains('/') => rest,
                _ => return vec![],
            },
            _ => return vec![],
        };
        if !under.ends_with(".css") {
            return vec![];
        }
        out.push(format!("/{under}"));
    }
    out
}

/// Builds the site and publishes it. `force`: publish (and reload pages) even when no output
/// changed; `since`: when the change was first seen, for `PRESSROOM_SERVE_TIMINGS`.
fn rebuild(
    opts: &BuildOptions,
    shared: &Shared,
    id: u64,
    report: &(dyn Fn(Event) + Send + Sync),
    (cache, spare): (&mut Incremental, &mut Option<Arc<Files>>),
    (force, since): (bool, std::time::Instant),
) {
    let started = std::time::Instant::now();
    match cache.rebuild(opts) {
        Ok(mut built) => {
            let mut laps = std::mem::take(&mut built.timings);
            let mut clock = std::time::Instant::now();
            let previous = shared.snapshot();
            let warnings = built.diagnostics.clone();
            let items = built.items;
            let files = Arc::new(served_files(built, cache, spare.take()));
            // Nothing to reload when the site is what open pages already show.
            let same = !force
                && previous.failure.is_none()
                && previous.id > 0
                && !cache.stats().output_changed
                && previous.warnings == warnings
                && same_files(&previous.files, &files);
            lap(&mut laps, "snapshot", &mut clock);
            // The table not served next is the spare the next build's is made from.
            *spare = Some(match same {
                true => files.clone(),
                false => previous.files.clone(),
            });
            drop(previous);
            if !same {
                let root = opts.root.clone();
                let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
                shared.publish(Snapshot {
                    id,
                    files,
                    root,
                    canonical_root,
                    failure: None,
                    warnings: warnings.clone(),
                });
            }
            lap(&mut laps, "publish", &mut clock);
            print_timings(id, &laps, started - since, cache.stats());
            report(Event::Built {
                id,
                items,
                warnings,
                millis: started.elapsed().as_millis(),
                fresh: cache.stats(),
            });
        }
        Err(failure) => publish_failure(shared, id, report, failure),
    }
}

/// Every file the preview serves after a build: static files and assets from disk, the
/// generated files from the incremental layer's tables (shared, not copied), and any the
/// build handed back; in `spare`'s table when nothing else holds it (see [`Files::renew`]).
fn served_files(built: crate::Built, cache: &Incremental, spare: Option<Arc<Files>>) -> Files {
    Files::renew(spare, |files| {
        for (path, src) in built.statics {
            let body = match src {
                StaticSource::Embedded(b) => Body::Embedded(b),
                StaticSource::File(p) => Body::File(p),
            };
            files.put(&path, body);
        }
        for (path, src) in built.assets {
            files.put(&path, Body::File(src));
        }
        for (path, bytes) in cache.outputs() {
            files.put_shared(path, bytes);
        }
        for (path, kit) in cache.media_zips() {
            files.put(path, Body::Zip(kit.clone()));
        }
        for o in built.outputs {
            files.put(&o.path, Body::Bytes(Arc::new(o.bytes)));
        }
    })
}

/// A failed build: the last good files stay served, with the failure shown over them.
fn publish_failure(
    shared: &Shared,
    id: u64,
    report: &(dyn Fn(Event) + Send + Sync),
    failure: crate::Failure,
) {
    let previous = shared.snapshot();
    let message = failure.error.to_string();
    let next = Snapshot {
        id,
        files: previous.files.clone(),
        root: previous.root.clone(),
        canonical_root: previous.canonical_root.clone(),
        failure: Some((failure.diagnostics.clone(), message.clone())),
        warnings: previous.warnings.clone(),
    };
    shared.publish(next);
    report(Event::Failed {
        id,
        diagnostics: failure.diagnostics,
        message,
    });
}

fn lap(
    laps: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    since: &mut std::time::Instant,
) {
    let now = std::time::Instant::now();
    laps.push((name, now - *since));
    *since = now;
}

/// With `PRESSROOM_SERVE_TIMINGS` set, one line on stderr per rebuild: how long it waited for
/// the burst of events to end, then each phase (steps inside a phase indented after it).
fn print_timings(
    id: u64,
    laps: &[(&'static str, Duration)],
    waited: Duration,
    stats: RebuildStats,
) {
    if std::env::var_os("PRESSROOM_SERVE_TIMINGS").is_none() {
        return;
    }
    let ms = |d: &Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let phases: Vec<String> = laps
        .iter()
        .map(|(name, d)| match name.strip_prefix("  ") {
            Some(step) => format!("[{step} {}]", ms(d)),
            None => format!("{name} {}", ms(d)),
        })
        .collect();
    let total = waited
        + laps
            .iter()
            .filter(|(n, _)| !n.starts_with(' '))
            .map(|(_, d)| *d)
            .sum::<Duration>();
    let path = if stats.patched {
        "patched"
    } else if stats.shape_unchanged {
        "same shape"
    } else {
        "full"
    };
    eprintln!(
        "build {id} timings: {} ms since the first event ({path}): waited {}, {}",
        ms(&total),
        ms(&waited),
        phases.join(", ")
    );
}

/// Whether a changed path is one a build reads (Markdown, TOML, templates, the ledger) rather
/// than a file served as is.
fn is_source(path: &std::path::Path) -> bool {
    let templates = path.components().any(|c| c.as_os_str() == "templates");
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|e| matches!(e.as_str(), "md" | "toml" | "lock") || (e == "html" && templates))
}

/// Whether two snapshots serve the same files (generated files compared by identity: the
/// cache hands the same buffer for an unchanged output).
fn same_files(a: &Files, b: &Files) -> bool {
    a.len() == b.len()
        && a.iter().all(|(path, x)| {
            b.get(path).is_some_and(|y| match (x, y) {
                (Body::Bytes(x), Body::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
                (Body::Embedded(x), Body::Embedded(y)) => std::ptr::eq(*x, *y),
                (Body::File(x), Body::File(y)) => x == y,
                (Body::Zip(x), Body::Zip(y)) => kit_zip::same(x, y),
                _ => false,
            })
        })
}

const EVENTS_PATH: &str = "/__pressroom/events";

/// The live-reload client: reloads when the build id changes; on a `css` event, loads each
/// stylesheet again under a new query string and drops the old one once the new one is in,
/// without reloading the page. Same origin (a relative URL): works over IPv4, IPv6 and behind
/// another host name.
/// The live-reload client. `BUILD_ID` is replaced by the id of the build that served the page,
/// so an edit saved before the event stream connects still reloads the page.
const LIVE_RELOAD: &str = r#"<script>(function(){var first="BUILD_ID";var es=new EventSource("/__pressroom/events");es.onmessage=function(e){if(e.data!==first){location.reload();}};es.addEventListener("css",function(){document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){var u=new URL(l.href,location.href);u.searchParams.set("pressroom-reload",Date.now());var n=l.cloneNode(false);n.href=u.href;n.onload=function(){l.remove();};l.parentNode.insertBefore(n,l.nextSibling);});});})();</script>"#;

fn handle(req: Request, shared: &Arc<Shared>) {
    let Some(path) = http::site_path(req.url()) else {
        respond_bytes(
            req,
            400,
            "text/plain; charset=utf-8",
            b"bad request".to_vec(),
        );
        return;
    };
    if path == EVENTS_PATH {
        // The stream holds its connection (and this connection's thread) open.
        serve_events(req, shared);
        return;
    }
    let snap = shared.snapshot();
    let (status, key) = match lookup(&snap, &path) {
        Some(key) => (200, key),
        None if !path.ends_with('/') && snap.files.contains_key(&format!("{path}/index.html")) => {
            let location = format!("{path}/");
            let mut stream = req.stream;
            let _ = http::respond(&mut stream, 301, &[("Location", &location)], b"", true);
            return;
        }
        None => (404, "/404.html".to_string()),
    };
    let is_html = key.ends_with(".html");
    if is_html {
        if let Some((diags, message)) = &snap.failure {
            respond_bytes(
                req,
                500,
                "text/html; charset=utf-8",
                overlay(diags, message, snap.id).into_bytes(),
            );
            return;
        }
    }
    match (is_html, snap.files.get(&key)) {
        (false, Some(Body::File(p))) => {
            respond_file(req, status, &key, open_inside(&snap, p));
            return;
        }
        (_, Some(Body::Zip(kit))) => {
            let with_body = req.head.method != "HEAD";
            let mut out = std::io::BufWriter::new(req.stream);
            let _ = kit_zip::respond(&mut out, kit, with_body);
            return;
        }
        _ => {}
    }
    let bytes = match snap.files.get(&key) {
        Some(Body::Bytes(b)) => b.as_ref().clone(),
        Some(Body::Embedded(b)) => b.to_vec(),
        Some(Body::File(p)) => match read_inside(&snap, p) {
            Some(bytes) => bytes,
            None => {
                respond_bytes(req, 404, "text/plain; charset=utf-8", b"Not found".to_vec());
                return;
            }
        },
        // A ZIP was sent above.
        Some(Body::Zip(_)) | None => b"Not found".to_vec(),
    };
    let bytes = if is_html {
        inject(bytes, &snap.warnings, snap.id)
    } else {
        bytes
    };
    let ctype = if snap.files.contains_key(&key) {
        http::content_type(&key)
    } else {
        "text/plain; charset=utf-8"
    };
    respond_bytes(req, status, ctype, bytes);
}

/// Reads a static file or asset, but only when neither it nor any folder above it inside the
/// site is a symbolic link: a link could point anywhere on the machine. The check is the open
/// itself (no link followed at any step), so a file swapped for a link while the server runs
/// cannot slip between a check and a read.
fn read_inside(snap: &Snapshot, path: &std::path::Path) -> Option<Vec<u8>> {
    http::read_under(&snap.canonical_root, &inside(snap, path)?)
}

/// [`read_inside`], opened to be sent as it is read.
fn open_inside(snap: &Snapshot, path: &std::path::Path) -> Option<std::fs::File> {
    http::open_under(&snap.canonical_root, &inside(snap, path)?)
}

/// A file's `/`-separated path under the site root.
fn inside(snap: &Snapshot, path: &std::path::Path) -> Option<String> {
    Some(
        path.strip_prefix(&snap.root)
            .ok()?
            .to_str()?
            .replace('\\', "/"),
    )
}

/// A static file or asset (not a page: pages get the reload script) sent from disk as it is
/// read: a kit's b-roll video is never held in memory, however many journalists preview it.
fn respond_file(req: Request, status: u16, key: &str, file: Option<std::fs::File>) {
    let Some(mut file) = file else {
        respond_bytes(req, 404, "text/plain; charset=utf-8", b"Not found".to_vec());
        return;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let with_body = req.head.method != "HEAD";
    let mut stream = req.stream;
    let headers = [
        ("Content-Type", http::content_type(key)),
        ("Cache-Control", "no-store"),
    ];
    let _ = http::respond_streamed(&mut stream, status, &headers, len, &mut file, with_body);
}

/// The file key for a request path: exact file, or `index.html` of a folder.
fn lookup(snap: &Snapshot, path: &str) -> Option<String> {
    if path.ends_with('/') {
        let key = format!("{path}index.html");
        return snap.files.contains_key(&key).then_some(key);
    }
    snap.files.contains_key(path).then(|| path.to_string())
}

fn respond_bytes(req: Request, status: u16, ctype: &str, bytes: Vec<u8>) {
    let with_body = req.head.method != "HEAD";
    let mut stream = req.stream;
    let headers = [("Content-Type", ctype), ("Cache-Control", "no-store")];
    let _ = http::respond(&mut stream, status, &headers, &bytes, with_body);
}

fn inject(html: Vec<u8>, warnings: &[Diagnostic], id: u64) -> Vec<u8> {
    let text = String::from_utf8_lossy(&html);
    let script = live_reload(id);
    let bar = warning_bar(warnings);
    match text.rfind("</body>") {
        Some(i) => format!("{}{bar}{script}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{bar}{script}").into_bytes(),
    }
}

/// A collapsed bar at the foot of the preview listing the build's warnings.
fn warning_bar(warnings: &[Diagnostic]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let esc = crate::markdown::escape_html;
    let items: String = warnings
        .iter()
        .map(|d| {
            let help = d
                .help
                .as_deref()
                .map(|h| format!(" <small>({})</small>", esc(h)))
                .unwrap_or_default();
            format!(
                "<li><code>{}:{}:{}</code> {}{help}</li>",
                esc(&d.path),
                d.line,
                d.col,
                esc(&d.message)
            )
        })
        .collect();
    format!(
        "<details id=\"pressroom-warnings\" style=\"position:fixed;bottom:0;left:0;right:0;z-index:2147483647;max-height:40vh;overflow:auto;background:#fff8e1;color:#3d2c00;border-top:2px solid #b58100;font:14px/1.4 system-ui,sans-serif;padding:.4rem 1rem\"><summary>pressroom preview: {} warning(s)</summary><ul>{items}</ul></details>",
        warnings.len()
    )
}

/// The live-reload script for a page served from build `id`.
fn live_reload(id: u64) -> String {
    LIVE_RELOAD.replace("BUILD_ID", &id.to_string())
}

/// The error page shown instead of every HTML page while the latest build fails.
fn overlay(diags: &[Diagnostic], message: &str, id: u64) -> String {
    let script = live_reload(id);
    let esc = crate::markdown::escape_html;
    let items: String = diags
        .iter()
        .map(|d| {
            let help = d
                .help
                .as_deref()
                .map(|h| format!("<br><small>help: {}</small>", esc(h)))
                .unwrap_or_default();
            format!(
                "<li><code>{}:{}:{}</code> {}: {}{help}</li>",
                esc(&d.path),
                d.line,
                d.col,
                if d.is_error() { "error" } else { "warning" },
                esc(&d.message)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed — pressroom</title><style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem;background:#fff5f5;color:#2b0000}}code{{background:#fff;padding:0 .3em}}li{{margin:.6em 0;white-space:pre-wrap}}</style></head><body><main id=\"pressroom-error-overlay\"><h1>The site did not build</h1><p>{}</p><ul>{items}</ul><p>Fix the file and save: this page reloads by itself.</p></main>{script}</body></html>",
        esc(message)
    )
}

/// Streams server-sent events on the raw connection: the current build id first, then each new one, and a
/// comment every 15 s so a closed tab is noticed and its thread ends.
fn serve_events(req: Request, shared: &Shared) {
    use std::io::Write;
    let rx = shared.subscribe();
    let mut out = req.stream;
    // A client that stops reading must not hold this thread forever.
    let _ = out.set_write_timeout(Some(Duration::from_secs(30)));
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_published_while_a_stream_opens_is_announced() {
        let shared = Arc::new(Shared::default());
        // Hold the listener list so the new stream stops midway through opening.
        let streams = shared.listeners.lock().unwrap();
        let opening = {
            let shared = shared.clone();
            std::thread::spawn(move || shared.subscribe())
        };
        std::thread::sleep(Duration::from_millis(300));
        // Meanwhile a rebuild is published (and announced to the streams registered so far).
        *shared.current.lock().unwrap() = Arc::new(Snapshot {
            id: 7,
            ..Snapshot::default()
        });
        drop(streams);
        let events: Vec<String> = opening.join().unwrap().try_iter().collect();
        assert!(
            events.iter().any(|e| e == "data: 7\n\n"),
            "the stream never heard of build 7: {events:?}"
        );
    }
}
