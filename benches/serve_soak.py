#!/usr/bin/env python3
"""Serve soak: `pressroom serve` under load while a writer edits fast (a benchmark-style run,
bounded in count and time; `tests/soak.rs` is the short version that `cargo test` runs).

It copies the example newsroom (the repository root's site files) into a temporary folder,
starts `target/release/pressroom serve --port 0` on it (loopback), and then, at the same time:
  * CLIENTS threads fetch pages of the site over and over (keep-alive off, one request per
    connection), and every tenth request is a traversal probe (`/../site.toml`, encoded dots,
    backslashes, ...) that must never return a file outside the output;
  * LISTENERS live-reload streams (`/__pressroom/events`) stay open and record the build ids
    they are told about;
  * a writer makes EDITS rapid edits to one release (saved the way editors save: a new file
    renamed over the old one); a stretch in the middle breaks the front matter, and the edit
    after it fixes it.
Then it checks that the server kept answering (error rate: no answer, or a 5xx other than the
error overlay while the file was broken), that every listener heard the last build, that no
probe ever got a file from outside the output, and prints the server's RSS (VmRSS from
/proc/PID/status) at the start, after the edits, and its peak (VmHWM).

Standard library only; Linux (reads /proc). Usage:
    cargo build --release && python3 benches/serve_soak.py            # 1,000 edits, 100 clients
    python3 benches/serve_soak.py --short                             # 100 edits, 20 clients
    python3 benches/serve_soak.py --edits 300 --clients 50 --listeners 10 --interval 0.02
Exit status 0 when every check passed, 1 otherwise.
"""

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "target" / "release" / "pressroom"
SITE_ENTRIES = ["site.toml", "content", "data", "static", "themes", "templates", "published.lock"]
SECRET = "pressroom-soak-secret-marker"
EDITED = "content/press/2026-03-24-otay-ridge-storage-contract.md"
PAGES = [
    "/", "/press/", "/press/otay-ridge-storage-contract/", "/blog/", "/statements/", "/facts/",
    "/corrections/", "/atom.xml", "/rss.xml", "/feed.json", "/sitemap.xml", "/search/",
    "/style.css", "/ko/", "/fr/press/", "/no-such-page/",
]
PROBES = [
    "/../site.toml", "/%2e%2e/site.toml", "/%2E%2E%2Fsite.toml", "/..%2f..%2fsecret.txt",
    "/%2e%2e/%2e%2e/secret.txt", "/static/../../site.toml", "/a/..%5c..%5csite.toml",
    "/%5c..%5csite.toml", "/site.toml", "/published.lock", "/content/press/", "//etc/passwd",
    "/%00/../site.toml", "/..;/site.toml", "/%252e%252e/site.toml", "/" + "../" * 20 + "etc/passwd",
]
TIME_LIMIT = 900.0


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def get(host: str, port: int, path: str, timeout: float = 15.0):
    """GET `path` exactly as given: (status, body) or None when there was no answer."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: soak.test\r\nConnection: close\r\n\r\n".encode())
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        raw = b"".join(chunks)
        head, _, body = raw.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body
    except (OSError, ValueError, IndexError):
        return None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.ok = 0
        self.overlay = 0
        self.errors = []  # (path, what)
        self.probes = 0
        self.leaks = []
        self.latencies = []

    def add(self, path, what=None):
        with self.lock:
            self.requests += 1
            if what:
                self.errors.append((path, what))


def client(host, port, n, stop, broken, stats: Stats):
    i = n
    while not stop.is_set():
        i += 1
        probe = i % 10 == 0
        path = PROBES[(i // 10) % len(PROBES)] if probe else PAGES[i % len(PAGES)]
        was_broken = broken.is_set()
        t0 = time.monotonic()
        r = get(host, port, path)
        dt = time.monotonic() - t0
        with stats.lock:
            stats.latencies.append(dt)
        if r is None:
            stats.add(path, "no answer")
            continue
        status, body = r
        if SECRET.encode() in body:
            with stats.lock:
                stats.leaks.append(path)
        if probe:
            with stats.lock:
                stats.probes += 1
            if status == 200 and path not in ("/content/press/",):
                stats.add(path, f"probe answered {status}")
                continue
        if status >= 500:
            if (was_broken or broken.is_set()) and b"pressroom-error-overlay" in body:
                with stats.lock:
                    stats.overlay += 1
                stats.add(path)
            else:
                stats.add(path, f"status {status}")
            continue
        with stats.lock:
            stats.ok += 1
        stats.add(path)


def listener(host, port, seen, idx, stop, closed):
    try:
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(b"GET /__pressroom/events HTTP/1.1\r\nHost: soak.test\r\nAccept: text/event-stream\r\n\r\n")
        s.settimeout(0.2)
        buf = b""
        while not stop.is_set():
            try:
                b = s.recv(4096)
            except socket.timeout:
                continue
            if not b:
                closed[idx] = True
                return
            buf += b
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for line in event.splitlines():
                    m = re.match(rb"data: (\d+)$", line.strip())
                    if m:
                        seen[idx] = max(seen[idx], int(m.group(1)))
                        counts[idx] += 1
        s.close()
    except OSError:
        closed[idx] = True


counts = []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="100 edits, 20 clients, 5 listeners")
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--listeners", type=int, default=20)
    ap.add_argument("--interval", type=float, default=0.01, help="seconds between edits")
    args = ap.parse_args()
    if args.short:
        args.edits, args.clients, args.listeners = 100, 20, 5
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="pressroom-soak-"))
    site = tmp / "site"
    site.mkdir()
    for entry in SITE_ENTRIES:
        src = REPO / entry
        if src.is_dir():
            shutil.copytree(src, site / entry, symlinks=True)
        elif src.exists():
            shutil.copy2(src, site / entry)
    (tmp / "secret.txt").write_text(SECRET)
    (site / "site.toml").write_text(f"# {SECRET}\n" + (site / "site.toml").read_text())
    edited = site / EDITED
    original = edited.read_text()

    proc = subprocess.Popen([str(BIN), "serve", "--root", str(site), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    url = None
    for line in proc.stdout:
        lines.append(line)
        m = re.search(r"serving at http://([\d.]+):(\d+)/", line)
        if m:
            url = (m.group(1), int(m.group(2)))
            break
    if url is None:
        proc.kill()
        sys.exit("the server did not start:\n" + "".join(lines[-20:]))
    threading.Thread(target=lambda: [lines.append(l) for l in proc.stdout], daemon=True).start()
    host, port = url
    assert host.startswith("127."), f"not loopback: {host}"
    rss_start = rss_kb(proc.pid)
    print(f"serving at http://{host}:{port}/ (pid {proc.pid}), RSS {rss_start / 1024:.1f} MiB")

    stop, broken = threading.Event(), threading.Event()
    stats = Stats()
    seen = [0] * args.listeners
    closed = [False] * args.listeners
    counts.extend([0] * args.listeners)
    threads = [threading.Thread(target=listener, args=(host, port, seen, i, stop, closed), daemon=True)
               for i in range(args.listeners)]
    threads += [threading.Thread(target=client, args=(host, port, i, stop, broken, stats), daemon=True)
                for i in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(0.5)

    break_at, fix_at = args.edits * 4 // 10, args.edits * 4 // 10 + max(args.edits // 20, 2)
    problems = []
    t_edits = time.monotonic()
    for n in range(1, args.edits + 1):
        if time.monotonic() - started > TIME_LIMIT:
            problems.append(f"time limit reached after {n - 1} edits")
            break
        if n == break_at:
            broken.set()
        if break_at <= n < fix_at:
            text = original.replace("+++\n", "+++\nnot valid = = toml\n", 1) + f"\nBroken edit {n}.\n"
        else:
            text = original + f"\nSoak edit {n}.\n"
        tmpfile = edited.with_name("." + edited.name + ".swp")
        tmpfile.write_text(text)
        tmpfile.replace(edited)
        if n == break_at:
            # Edits come faster than the watcher's quiet period: wait until the broken build is
            # served (the overlay), so the broken phase really happens.
            deadline = time.monotonic() + 60
            while True:
                r = get(host, port, "/press/otay-ridge-storage-contract/")
                if r and r[0] == 500 and b"pressroom-error-overlay" in r[1]:
                    break
                if time.monotonic() > deadline:
                    problems.append("the broken file was not reported within 60 s")
                    break
                time.sleep(0.02)
        if n == fix_at:
            deadline = time.monotonic() + 60
            while True:
                r = get(host, port, "/press/otay-ridge-storage-contract/")
                if r and r[0] == 200:
                    break
                if time.monotonic() > deadline:
                    problems.append("the site did not recover within 60 s of the fix")
                    break
                time.sleep(0.02)
            broken.clear()
        time.sleep(args.interval)
    edits_took = time.monotonic() - t_edits

    # The last edit must be served, and every listener must hear of the build that serves it.
    deadline = time.monotonic() + 60
    while True:
        r = get(host, port, "/press/otay-ridge-storage-contract/")
        if r and f"Soak edit {args.edits}.".encode() in r[1]:
            break
        if time.monotonic() > deadline:
            problems.append("the last edit was not served within 60 s")
            break
        time.sleep(0.05)
    time.sleep(0.5)
    rss_end = rss_kb(proc.pid)
    hwm = rss_kb(proc.pid, "VmHWM")
    # The build id of the page now served is the newest; a listener must have seen at least it.
    newest = max(seen) if seen else 0
    deadline = time.monotonic() + 15
    while any(s < newest for s in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(20)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(tmp, ignore_errors=True)

    builds = sum(1 for l in lines if re.search(r"\bbuil", l, re.I))
    missed = [i for i, s in enumerate(seen) if s < newest]
    lat = sorted(stats.latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else 0
    errors = len(stats.errors)
    print(f"edits: {args.edits} in {edits_took:.1f} s; clients {args.clients}, listeners {args.listeners}")
    print(f"requests: {stats.requests} ({stats.requests / max(edits_took, 1e-9):.0f}/s), ok {stats.ok}, "
          f"overlay while broken {stats.overlay}, errors {errors} ({100 * errors / max(stats.requests, 1):.3f}%)")
    print(f"latency: median {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, p99 {p(0.99):.1f} ms, max {p(1.0):.1f} ms")
    print(f"traversal probes: {stats.probes}, leaks {len(stats.leaks)}")
    print(f"live reload: newest build {newest}; reload events per listener min {min(counts)} max {max(counts)}; "
          f"missed the last build: {len(missed)}; closed early: {sum(closed)}")
    print(f"RSS: start {rss_start / 1024:.1f} MiB, end {rss_end / 1024:.1f} MiB, peak {hwm / 1024:.1f} MiB; "
          f"server output lines mentioning builds: {builds}")
    print(f"total {time.monotonic() - started:.1f} s")
    if errors:
        problems.append(f"{errors} failed requests, e.g. {stats.errors[:5]}")
    if stats.leaks:
        problems.append(f"files outside the output were served: {stats.leaks[:5]}")
    if missed:
        problems.append(f"listeners {missed} missed the last build")
    if any(closed):
        problems.append("a live-reload stream was closed by the server")
    for p_ in problems:
        print("FAIL:", p_)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
