#!/usr/bin/env python3
"""Edit-to-reload latency of `pressroom serve` (a benchmark, not a timed test).

For each site (the example newsroom at the repository root, and a 10,000-item corpus from
shared/tools/gen_corpus.py), it starts `target/release/pressroom serve --port 0`, opens the
live-reload event stream, then 20 times appends a line to one content file and measures the
time from just before the write to the arrival of the next `data:` event (the new build is
then being served). Each site is first copied into a temporary folder (the example newsroom's
site files, or the whole corpus) and served from there, so the repository's `content/` and the
corpus are never edited; `--in-place` serves and edits the sites where they are (the edited
file is then restored at the end). Reports median and p95 per site.

Standard library only. Usage:
    python3 benches/serve_latency.py                 # both sites, 20 edits each
    BENCH_EDITS=50 python3 benches/serve_latency.py
    python3 benches/serve_latency.py --no-build --sites example
    python3 benches/serve_latency.py --in-place      # edit the sites themselves, not copies
    BENCH_BIN=/other/target/release/pressroom python3 benches/serve_latency.py --no-build
                                                     # measure another build of the binary

The server runs with PRESSROOM_SERVE_TIMINGS=1, which prints each rebuild's phases to stderr
(see src/serve/mod.rs): the report shows the last rebuild's, and `--timings` prints every one.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("BENCH_BIN", REPO / "target" / "release" / "pressroom"))
GEN = Path(os.environ.get("BENCH_GEN", REPO.parent / "shared" / "tools" / "gen_corpus.py"))
CORPUS = REPO / "target" / "bench" / "corpus" / "pressroom-10000"
EVENT_TIMEOUT = 30.0


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
    """The server-sent event stream, read by hand over a socket."""

    def __init__(self, url: str):
        m = re.match(r"http://\[?([^\]]+?)\]?:(\d+)$", url)
        host, port = m.group(1), int(m.group(2))
        self.sock = socket.create_connection((host, port), timeout=EVENT_TIMEOUT)
        self.sock.sendall(
            f"GET /__pressroom/events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        self.buf = self.buf.split(b"\r\n\r\n", 1)[1]

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("event stream closed")
        self.buf += chunk

    def next_event(self, timeout: float):
        """The next event as (name, data), or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while b"\n\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                self._fill()
            except socket.timeout:
                return None
        raw, self.buf = self.buf.split(b"\n\n", 1)
        name, data = "message", ""
        for line in raw.decode().splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
        if raw.startswith(b":"):
            return self.next_event(max(0.0, deadline - time.monotonic()))
        return name, data

    def drain(self, quiet: float):
        """Reads events until none comes for `quiet` seconds."""
        while self.next_event(quiet) is not None:
            pass


def percentile(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def pick_file(root: Path) -> Path:
    files = sorted(p for p in (root / "content").rglob("*.md") if not p.name.startswith("_index"))
    press = [p for p in files if "/press/" in p.as_posix()]
    return (press or files)[len(press or files) // 2]


def measure(name: str, root: Path, edits: int):
    server = Server(root)
    target = pick_file(root)
    original = target.read_bytes()
    latencies = []
    try:
        events = Events(server.url)
        first = events.next_event(EVENT_TIMEOUT)
        assert first and first[0] == "message", first
        events.drain(0.5)
        text = original
        for i in range(edits):
            text = text + f"\nServe latency benchmark edit {i}.\n".encode()
            start = time.perf_counter()
            target.write_bytes(text)
            ev = events.next_event(EVENT_TIMEOUT)
            elapsed = time.perf_counter() - start
            if ev is None:
                sys.exit(f"{name}: no reload event within {EVENT_TIMEOUT} s after edit {i}")
            latencies.append(elapsed * 1000)
            # Let trailing events of the same save settle before the next edit.
            events.drain(0.4)
    finally:
        target.write_bytes(original)
        time.sleep(1.0)
        server.stop()
    builds = [line.strip() for line in server.lines if re.match(r"build \d+: ", line)]
    phases = [line.strip() for line in server.lines if re.match(r"build \d+ timings: ", line)]
    return {
        "site": name,
        "file": str(target.relative_to(root)),
        "edits": edits,
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "min_ms": round(min(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "first_build": builds[0] if builds else "",
        "last_builds": builds[-3:],
        "phases": phases,
    }


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--sites", default="example,10000", help="comma-separated: example,10000")
    ap.add_argument("--edits", type=int, default=int(os.environ.get("BENCH_EDITS", "20")))
    ap.add_argument("--in-place", action="store_true", help="serve and edit the sites themselves, not temporary copies")
    ap.add_argument("--timings", action="store_true", help="print every rebuild's phases")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    results = []
    for site in args.sites.split(","):
        if site == "example":
            root = REPO
        else:
            n = int(site)
            root = CORPUS.parent / f"pressroom-{n}"
            if not (root / "site.toml").exists():
                subprocess.run(
                    [sys.executable, str(GEN), "--n", str(n), "--format", "pressroom", "--out", str(root)],
                    check=True,
                )
        if args.in_place:
            results.append(measure(site, root, args.edits))
        else:
            with tempfile.TemporaryDirectory(prefix="pressroom-serve-bench-") as tmp:
                results.append(measure(site, copy_site(root, Path(tmp)), args.edits))
    print(f"{'site':<10} {'edits':>5} {'median ms':>10} {'p95 ms':>8} {'min':>7} {'max':>7}")
    for r in results:
        print(f"{r['site']:<10} {r['edits']:>5} {r['median_ms']:>10} {r['p95_ms']:>8} {r['min_ms']:>7} {r['max_ms']:>7}")
    for r in results:
        print(f"{r['site']}: edited {r['file']}; {r['first_build']}; then e.g. {r['last_builds'][-1] if r['last_builds'] else ''}")
        for line in r["phases"][1:] if args.timings else r["phases"][-1:]:
            print(f"  {line}")
    out = REPO / "target" / "bench" / "serve_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
