#!/usr/bin/env python3
"""Edit-to-served-page latency of `pressroom serve` (a benchmark, not a timed test).

For each site (the example newsroom at the repository root, and a 10,000-item corpus from
shared/tools/gen_corpus.py, generated once with bench.py's seed and site.toml adaptation), it
starts `pressroom serve --port 0`, opens the live-reload event stream, and then, on a temporary
copy of the site:

- edits one item's body (appends a line with a unique word) `--edits` times, and its title
  (a unique word in `title = "..."`) `--title-edits` times (default as often);
- for each edit, measures from just before the write to (a) the next reload event and (b) the
  item's page, fetched over HTTP every millisecond or so, showing the new word;
- then changes a template (an HTML comment appended to an override of the theme's base.html,
  copied into the site's `templates/` before the server starts) and `site.toml` (the site's
  title) `--rebuilds` times each, and states how long each rebuild took to reach the page.

With `--load`, every edit is measured twice: idle, then while a process the script starts
keeps one core busy (a Python busy loop). `--corpus-dir` says where the corpus is generated
and kept (default target/bench/corpus). The example newsroom is measured the same way.

Standard library only. Usage:
    python3 benches/serve_latency.py                 # both sites, 20 edits each
    python3 benches/serve_latency.py --sites 10000 --load --corpus-dir /tmp/corpus
    BENCH_EDITS=50 python3 benches/serve_latency.py
    python3 benches/serve_latency.py --no-build --sites example
    python3 benches/serve_latency.py --in-place      # edit the sites themselves, not copies
    BENCH_BIN=/other/target/release/pressroom python3 benches/serve_latency.py --no-build
                                                     # measure another build of the binary

The server runs with PRESSROOM_SERVE_TIMINGS=1, which prints each rebuild's phases to stderr
(see src/serve/mod.rs): the report shows the last rebuild's of each kind, and `--timings`
prints every one.
"""

import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
BIN = Path(os.environ.get("BENCH_BIN", TARGET / "release" / "pressroom"))
GEN = Path(os.environ.get("BENCH_GEN", REPO.parent / "shared" / "tools" / "gen_corpus.py"))
EVENT_TIMEOUT = 30.0
# How long to wait between two fetches of the page while waiting for an edit to show.
POLL_INTERVAL = 0.001


class Server:
    """A running `pressroom serve` and a reader of its output lines."""

    def __init__(self, root: Path):
        self.proc = subprocess.Popen(
            [str(BIN), "serve", "--root", str(root), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ, PRESSROOM_SERVE_TIMINGS="1"),
        )
        self.lines = []
        self.url = None
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(300):
            self.stop()
            sys.exit("the server did not start within 300 s:\n" + "".join(self.lines[-20:]))
        if self.url is None:
            self.stop()
            sys.exit("the server stopped:\n" + "".join(self.lines[-20:]))

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.search(r"serving at (http://\S+?)/? ", line)
            if m:
                self.url = m.group(1)
                self.ready.set()
        self.ready.set()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Events:
    """The server-sent event stream, read by hand over a socket on a thread of its own, so
    that the page can be polled meanwhile: each event is queued with its arrival time."""

    def __init__(self, url: str):
        m = re.match(r"http://\[?([^\]]+?)\]?:(\d+)$", url)
        host, port = m.group(1), int(m.group(2))
        self.sock = socket.create_connection((host, port))
        self.sock.sendall(
            f"GET /__pressroom/events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        self.queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        head = True
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            now = time.perf_counter()
            if not chunk:
                return
            buf += chunk
            if head:
                if b"\r\n\r\n" not in buf:
                    continue
                buf = buf.split(b"\r\n\r\n", 1)[1]
                head = False
            while b"\n\n" in buf:
                raw, buf = buf.split(b"\n\n", 1)
                if raw.startswith(b":"):
                    continue
                name, data = "message", ""
                for line in raw.decode().splitlines():
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data = line[5:].strip()
                self.queue.put((now, name, data))

    def next_event(self, timeout: float):
        """The next event as (arrival time, name, data), or None after `timeout` seconds."""
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self, quiet: float):
        """Reads events until none comes for `quiet` seconds."""
        while self.next_event(quiet) is not None:
            pass


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=EVENT_TIMEOUT) as r:
        return r.read().decode("utf-8", "replace")


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def pick_file(root: Path) -> Path:
    # An item in the default language: a change to the site's title shows on its page.
    files = sorted(
        p for p in (root / "content").rglob("*.md")
        if not p.name.startswith("_index") and not re.search(r"\.[a-z]{2}(-[A-Za-z]+)?\.md$", p.name)
    )
    press = [p for p in files if "/press/" in p.as_posix()]
    return (press or files)[len(press or files) // 2]


def page_of(base: str, target: Path) -> str:
    """The URL of the page made from `target`: the sitemap's entry ending in its slug."""
    title = re.search(r'^title\s*=\s*"(.*)"', target.read_text(encoding="utf-8"), re.M)
    text = target.read_text(encoding="utf-8")
    given = re.search(r'^slug\s*=\s*"(.*)"', text, re.M)
    stem = re.sub(r"\.[a-z]{2}(-[A-Za-z]+)?$", "", target.stem)
    slug = given.group(1) if given else re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem)
    sitemap = fetch(base + "/sitemap.xml")
    for index in re.findall(r"<loc>([^<]*sitemap[^<]*\.xml)</loc>", sitemap):
        sitemap += fetch(index.replace(re.match(r"https?://[^/]+", index).group(0), base))
    for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        path = re.sub(r"^https?://[^/]+", "", loc)
        if urllib.parse.unquote(path).rstrip("/").endswith("/" + slug):
            url = base + path
            if title and title.group(1) in fetch(url).replace("&quot;", '"').replace("&#x27;", "'"):
                return url
    sys.exit(f"no page found for {target} in the sitemap")


class Load:
    """A process keeping one core busy while it lives."""

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


def timed_edit(events: Events, path: Path, text: bytes, page: str, marker: str):
    """Writes `text` to `path`; returns (ms to the reload event of the build that first
    served `marker`, ms to the page showing it), polling the page meanwhile. The event is
    matched by build id (each page carries the id of the build that served it), so a late
    event of an earlier build is never taken for this one's."""
    start = time.perf_counter()
    path.write_bytes(text)
    shown = build = None
    while time.perf_counter() - start < EVENT_TIMEOUT:
        html = fetch(page)
        if marker in html:
            shown = time.perf_counter()
            build = re.search(r'var first="(\d+)"', html).group(1)
            break
        time.sleep(POLL_INTERVAL)
    if shown is None:
        sys.exit(f"{path}: the edit did not show within {EVENT_TIMEOUT} s")
    while True:
        ev = events.next_event(EVENT_TIMEOUT)
        if ev is None:
            sys.exit(f"{path}: no reload event for build {build} within {EVENT_TIMEOUT} s")
        if ev[1] == "message" and ev[2] == build:
            break
    # Let trailing events of the same save settle before the next edit.
    events.drain(0.4)
    return (ev[0] - start) * 1000, (shown - start) * 1000


def restore(events: Events, path: Path, original: bytes, page: str, marker: str):
    """Writes the original text back and waits until the page no longer shows `marker`."""
    path.write_bytes(original)
    deadline = time.perf_counter() + EVENT_TIMEOUT
    while marker in fetch(page) and time.perf_counter() < deadline:
        time.sleep(0.05)
    events.drain(0.5)


def summary(values):
    return {
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "min_ms": round(min(values), 1),
        "max_ms": round(max(values), 1),
    }


def edits_of(kind: str, original: bytes, n: int, tag: str):
    """`n` successive texts of the file, each with a new unique word, and that word."""
    text = original.decode("utf-8")
    for i in range(n):
        word = f"servebench{tag}{kind}{i}x"
        if kind == "body":
            yield (original.decode("utf-8") + f"\nServe latency benchmark edit {word}.\n").encode(), word
        else:
            yield re.sub(r'^(title\s*=\s*")', r"\g<1>" + word + " ", text, count=1, flags=re.M).encode(), word


def measure_edits(events, target, original, page, edits, tag):
    """`edits` is (body edits, title edits)."""
    out = {}
    for kind, n in zip(("body", "title"), edits):
        if n == 0:  # `--title-edits 0`: body edits only
            continue
        to_event, to_page = [], []
        for text, word in edits_of(kind, original, n, tag):
            e, p = timed_edit(events, target, text, page, word)
            to_event.append(e)
            to_page.append(p)
        restore(events, target, original, page, word)
        out[kind] = {"event": summary(to_event), "page": summary(to_page)}
    return out


def measure_rebuilds(events, root, page, n):
    """Times `n` template changes and `n` site.toml changes to the page showing them."""
    base = root / "templates" / "base.html"
    site = root / "site.toml"
    base_text, site_text = base.read_bytes(), site.read_bytes()
    out = {}
    for kind, path, original in (("template", base, base_text), ("config", site, site_text)):
        to_event, to_page = [], []
        for i in range(n):
            word = f"servebench{kind}{i}x"
            if kind == "template":
                text = base_text + f"\n<!-- {word} -->\n".encode()
            else:
                text = re.sub(rb'^(title\s*=\s*")', rb"\g<1>" + word.encode() + b" ", site_text, count=1, flags=re.M)
            e, p = timed_edit(events, path, text, page, word)
            to_event.append(e)
            to_page.append(p)
        restore(events, path, original, page, word)
        out[kind] = {"event": summary(to_event), "page": summary(to_page)}
    return out


def measure(name: str, root: Path, edits: tuple, rebuilds: int, load: bool):
    # A template override equal to the theme's, present from the start: the template change
    # measured is an edit of a template the site already has.
    base = root / "templates" / "base.html"
    made_base = not base.exists()
    if made_base:
        base.parent.mkdir(exist_ok=True)
        shutil.copy2(REPO / "themes" / "default" / "templates" / "base.html", base)
    server = Server(root)
    target = pick_file(root)
    original = target.read_bytes()
    result = {"site": name, "file": str(target.relative_to(root)), "edits": list(edits)}
    try:
        events = Events(server.url)
        first = events.next_event(EVENT_TIMEOUT)
        assert first and first[1] == "message", first
        events.drain(0.5)
        page = page_of(server.url, target)
        result["page"] = page[len(server.url):]
        result["idle"] = measure_edits(events, target, original, page, edits, "idle")
        if load:
            with Load():
                result["load"] = measure_edits(events, target, original, page, edits, "load")
        if rebuilds:
            result["rebuilds"] = measure_rebuilds(events, root, page, rebuilds)
    finally:
        target.write_bytes(original)
        time.sleep(1.0)
        server.stop()
        if made_base:
            base.unlink()
    result["first_build"] = next((l.strip() for l in server.lines if re.match(r"build \d+: ", l)), "")
    result["phases"] = [l.strip() for l in server.lines if re.match(r"build \d+ timings: ", l)]
    return result


# What a site is made of (the repository root holds the crate too: copy only these).
SITE_ENTRIES = ["site.toml", "published.lock", "content", "data", "static", "themes", "templates"]


def copy_site(root: Path, into: Path) -> Path:
    """Copies the site at `root` into a new folder under `into` and returns it."""
    dest = into / root.name
    dest.mkdir(parents=True)
    for entry in SITE_ENTRIES:
        src = root / entry
        if src.is_dir():
            shutil.copytree(src, dest / entry, symlinks=True)
        elif src.exists():
            shutil.copy2(src, dest / entry)
    return dest


def corpus(n: int, into: Path) -> Path:
    """The n-item corpus under `into`, generated the way benches/bench.py generates it."""
    root = into / f"pressroom-{n}"
    if not (root / "site.toml").exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import bench

        subprocess.run(
            [sys.executable, str(GEN), "--n", str(n), "--format", "pressroom", "--out", str(root),
             "--seed", str(bench.SEED), "--force"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        bench.adapt_site_toml(str(root / "site.toml"))
    return root


def print_results(results, timings):
    print(f"{'site':<8} {'edit':<9} {'load':<5} {'to':<6} {'median ms':>10} {'p95 ms':>8} {'min':>7} {'max':>7}")
    for r in results:
        rows = [(kind, mode, r[mode][kind]) for mode in ("idle", "load") if mode in r
                for kind in ("body", "title") if kind in r[mode]]
        rows += [(kind, "idle", v) for kind, v in r.get("rebuilds", {}).items()]
        for kind, mode, v in rows:
            for to in ("event", "page"):
                s = v[to]
                print(f"{r['site']:<8} {kind:<9} {mode:<5} {to:<6} {s['median_ms']:>10} {s['p95_ms']:>8} {s['min_ms']:>7} {s['max_ms']:>7}")
    for r in results:
        print(f"{r['site']}: edited {r['file']} (page {r['page']}); {r['first_build']}")
        for line in r["phases"][1:] if timings else []:
            print(f"  {line}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--sites", default="example,10000", help="comma-separated: example,10000")
    ap.add_argument("--edits", type=int, default=int(os.environ.get("BENCH_EDITS", "20")),
                    help="body edits (default 20)")
    ap.add_argument("--title-edits", type=int, help="title edits (default: as many as --edits)")
    ap.add_argument("--rebuilds", type=int, default=3, help="template and site.toml changes, each (default 3)")
    ap.add_argument("--load", action="store_true", help="measure the edits again with one core kept busy")
    ap.add_argument("--corpus-dir", type=Path, default=Path(os.environ.get("BENCH_CORPUS_DIR", TARGET / "bench" / "corpus")),
                    help="where the generated corpus is kept")
    ap.add_argument("--in-place", action="store_true", help="serve and edit the sites themselves, not temporary copies")
    ap.add_argument("--timings", action="store_true", help="print every rebuild's phases")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    edits = (args.edits, args.edits if args.title_edits is None else args.title_edits)
    results = []
    for site in args.sites.split(","):
        root = REPO if site == "example" else corpus(int(site), args.corpus_dir)
        if args.in_place:
            results.append(measure(site, root, edits, args.rebuilds, args.load))
        else:
            with tempfile.TemporaryDirectory(prefix="pressroom-serve-bench-") as tmp:
                results.append(measure(site, copy_site(root, Path(tmp)), edits, args.rebuilds, args.load))
    print_results(results, args.timings)
    out = TARGET / "bench" / "serve_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
