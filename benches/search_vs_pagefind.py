#!/usr/bin/env python3
"""pressroom's search index against Pagefind on the same built site, measured in headless Chromium.

    python3 benches/search_vs_pagefind.py                  # the example newsroom and the 10k corpus
    python3 benches/search_vs_pagefind.py --sizes 1000     # a generated corpus of 1,000 items
    python3 benches/search_vs_pagefind.py --example-only

What it does, for each site (the example newsroom at the repository root, and a corpus made by
shared/tools/gen_corpus.py like benches/bench.py makes it):
1. Builds the site with pressroom (release binary; PRESSROOM_BIN to use a built one) and records
   the build's CPU seconds and peak memory. The search index is built inside that build, so its
   cost is part of these figures (an upper bound on the index's own cost).
2. Runs Pagefind (`npx -y pagefind@PAGEFIND_VERSION --site OUT`, from the npm registry) on the
   same output and records its CPU seconds and peak memory (GNU time).
3. Counts each index's files, bytes on disk and gzipped bytes (gzip -6 per file; Pagefind's
   fragments are already gzip streams, so they barely change).
4. Serves the output from a local host that gzips JSON, JavaScript, HTML and CSS (level 6, as a
   host such as nginx or CloudFront does) and opens a harness page in headless Chromium. The
   harness runs each query of the set through pressroom's search.js API (window.PressroomSearch,
   the code the search page runs) and through Pagefind's JS API (pagefind.js: init, search,
   data() of the results shown), twice: "first" on a fresh page (nothing cached; the browser
   cache is off) and "second" right after the previous query of the list, with what that one
   fetched in hand. Both engines load the records of the first 5 results: one screen, as
   Pagefind's default UI shows it (pagefind-ui.js: `pageSize ?? 5`, then "Load more") and
   pressroom's search page (search.js PAGE), each engine through its own API. The
   server counts every request and the bytes it sent (gzipped where it compressed), split into
   index files and code (search.js; pagefind.js, its WASM and entry file).
5. Top-5: for labelled queries (an item's title; the label is that item) whether each engine
   has the item in its top five, and how many of the two engines' top-5 URLs agree on exact-word
   queries. Prefix, stem and typo queries report their hit counts and top results.

Writes target/bench/search/report.md and report.json (BENCH_DIR overrides target/bench).
Needs python3, node/npx (npm registry access the first time), chromium; GNU time for memory.
"""

import argparse
import gzip
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench  # noqa: E402  (corpus generation and the release build, shared with bench.py)

PAGEFIND_VERSION = os.environ.get("PAGEFIND_VERSION", "1.6.0")
OUT_DIR = os.path.join(bench.BENCH_DIR, "search")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") \
    or shutil.which("google-chrome") or "chromium"
COMPRESS = re.compile(r"\.(json|js|html|css|txt|svg|xml)$")
PAGE = 5  # results on a first screen: Pagefind UI's default pageSize, search.js PAGE

# The fixed query set. For the generated corpus: words it has at every frequency; the
# example newsroom's set is in its own languages.
CORPUS_QUERIES = [
    ("one word", "pilot"),
    ("two words", "quarterly results"),
    ("typing", "reg"),
    ("typing", "regi"),
    ("typing", "regional"),
    ("scattered", "recherche"),
    ("one word", "fjord"),
    ("two words", "customer support"),
    ("CJK", "研究"),
    ("Korean", "연구"),
    ("stem", "launches"),
    ("typo", "regonal"),
    ("one word", "partners"),
]
EXAMPLE_QUERIES = [
    ("one word", "battery"),
    ("prefix", "batt"),
    ("stem", "launches"),
    ("typo", "batery"),
    ("two words", "quarterly results"),
    ("French", "écologie"),
    ("Japanese", "研究所"),
    ("Korean", "연구소"),
    ("Swedish", "fabriken"),
]


def log(msg):
    print("search-bench: " + msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- building

def timed(cmd, cwd=None):
    """Runs cmd under GNU time: (CPU seconds, peak RSS MiB, wall seconds)."""
    t0 = time.perf_counter()
    if os.path.exists(bench.GNU_TIME):
        r = subprocess.run([bench.GNU_TIME, "-f", "@@ %U %S %M"] + cmd, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            sys.exit("search-bench: %s failed:\n%s" % (" ".join(cmd), r.stderr[-2000:]))
        m = re.search(r"@@ ([\d.]+) ([\d.]+) (\d+)", r.stderr)
        return float(m.group(1)) + float(m.group(2)), int(m.group(3)) / 1024, wall
    before = os.times()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return cpu, None, time.perf_counter() - t0


def census(folder, code):
    """Files, raw bytes and gzipped bytes of an index folder (code files counted apart)."""
    files = raw = gz = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            if name == "index.html" or code(name):
                continue
            with open(os.path.join(dirpath, name), "rb") as f:
                data = f.read()
            files += 1
            raw += len(data)
            gz += len(gzip.compress(data, 6))
    return {"files": files, "bytes": raw, "gzip_bytes": gz}


def is_pagefind_code(name):
    return name.endswith(".js") or name.endswith(".css") or name.startswith("wasm.") \
        or name == "pagefind-entry.json"


# --------------------------------------------------------------------------- serving

class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.label = None
        self.rows = []
        self.done = threading.Event()
        self.results = None


def make_handler(root, counter):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/__mark"):
                with counter.lock:
                    counter.label = json.loads(body)
            elif self.path.startswith("/__done"):
                counter.results = json.loads(body)
                counter.done.set()
            self.send_response(204)
            self.end_headers()

        def do_GET(self):
            # The label when the request arrived: the client sends the next mark only after
            # the previous query's responses are in, but this thread may note its row after
            # the mark's thread has changed the label (a previous query's file counted twice).
            with counter.lock:
                self.label = counter.label
            path = self.path.split("?", 1)[0]
            if path == "/__bench/":
                return self.send_bytes(HARNESS.encode(), "text/html", path)
            local = self.translate_path(path)
            if os.path.isdir(local):
                local = os.path.join(local, "index.html")
            try:
                with open(local, "rb") as f:
                    data = f.read()
            except OSError:
                self.send_error(404)
                return
            self.send_bytes(data, self.guess_type(local), path)

        def send_bytes(self, data, ctype, path):
            gz = COMPRESS.search(path) or path.endswith("/")
            if gz and "gzip" in self.headers.get("Accept-Encoding", ""):
                data = gzip.compress(data, 6)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "no-store")
            if gz:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            with counter.lock:
                if self.label is not None:
                    counter.rows.append((self.label, path, len(data)))

    return Handler


HARNESS = r"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script src="/search.js"></script></head><body><pre id="out"></pre><script>
const QUERIES = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const PAGE = %d;
const post = (p, v) => fetch(p, {method: 'POST', body: JSON.stringify(v)});
async function pressroom(memo) {
  const load = (n) => memo[n] || (memo[n] = fetch('/search/' + n).then(r => r.json()));
  const s = new PressroomSearch.Searcher(load);
  await s.ready;
  return async (q) => {
    const r = await s.search(q, {});
    const all = r.hits.concat(r.others);
    const docs = all.slice(0, PAGE).map(h => h.doc);
    // records() reads a screen from the fewest files (index v5); an older build's search.js
    // (PRESSROOM_BIN, to compare) has one record() per result.
    const recs = await (s.records ? s.records(docs, r.tops) : Promise.all(docs.map(d => s.record(d))));
    return {hits: all.length, top: recs.map(x => [x.url, x.title])};
  };
}
let fresh = 0;
async function pagefind() {
  const pf = await import('/pagefind/pagefind.js?fresh=' + (++fresh));
  await pf.init();
  return async (q) => {
    const r = await pf.search(q);
    const data = await Promise.all(r.results.slice(0, PAGE).map(x => x.data()));
    return {hits: r.results.length, top: data.map(d => [d.url, (d.meta || {}).title])};
  };
}
async function run(engine, make) {
  const out = [];
  let prev = null;
  for (const q of QUERIES) {
    await post('/__mark', {engine, q, when: 'first'});
    const first = await (await make({}))(q);
    let second = null;
    if (prev) {
      await post('/__mark', {engine, q, when: 'second'});
      second = await prev(q);
    } else {
      second = first;
    }
    // The next query's "second" runs on this page: a searcher that has fetched this query.
    // Nothing of it is counted, its start included (pressroom's meta.json was counted in
    // this query's "second" before).
    await post('/__mark', null);
    const memo = {};
    const next = await make(memo);
    await next(q);
    prev = next;
    out.push({q, hits: first.hits, top: first.top});
  }
  return out;
}
(async () => {
  const res = {};
  try { res.pressroom = await run('pressroom', (memo) => pressroom(memo)); } catch (e) { res.pressroom_error = String(e); }
  try { res.pagefind = await run('pagefind', () => pagefind()); } catch (e) { res.pagefind_error = String(e); }
  await post('/__done', res);
})();
</script></body></html>""" % PAGE


def browse(root, queries):
    """Runs the harness in headless Chromium: (per-request rows, results)."""
    counter = Counter()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), make_handler(root, counter))
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/__bench/#%s" % (port, json.dumps(queries).replace(" ", "%20"))
    profile = os.path.join(OUT_DIR, "chromium-profile")
    shutil.rmtree(profile, ignore_errors=True)
    proc = subprocess.Popen([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                             "--disk-cache-size=1", "--user-data-dir=" + profile, url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not counter.done.wait(timeout=float(os.environ.get("SEARCH_BENCH_TIMEOUT", "900"))):
            sys.exit("search-bench: the harness did not finish in time")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        server.shutdown()
    return counter.rows, counter.results


# --------------------------------------------------------------------------- one site

def measure(name, site, pressroom, queries):
    out = os.path.join(OUT_DIR, "out-" + name.replace(" ", "-"))
    shutil.rmtree(out, ignore_errors=True)
    log("%s: pressroom build" % name)
    p_cpu, p_rss, _ = timed([pressroom, "build", "--root", site, "--output", out,
                                 "--now", bench.NOW, "--quiet"])
    log("%s: pagefind %s" % (name, PAGEFIND_VERSION))
    f_cpu, f_rss, _ = timed(["npx", "-y", "pagefind@" + PAGEFIND_VERSION, "--site", out])
    p_disk = census(os.path.join(out, "search"), lambda n: False)
    with open(os.path.join(out, "search.js"), "rb") as f:
        # The harness page loads search.js before the first query is counted.
        p_disk["code_gzip_bytes"] = len(gzip.compress(f.read(), 6))
    f_disk = census(os.path.join(out, "pagefind"), is_pagefind_code)
    log("%s: %d queries in headless Chromium" % (name, len(queries)))
    rows, results = browse(out, [q for _, q in queries])
    per = {}
    for label, path, size in rows:
        key = (label["engine"], label["q"], label["when"])
        code = path.endswith(".js") or "/wasm." in path or path.endswith("pagefind-entry.json")
        d = per.setdefault(key, {"requests": 0, "bytes": 0, "code_bytes": 0})
        if code:
            d["code_bytes"] += size
        else:
            d["requests"] += 1
            d["bytes"] += size
    table = []
    for kind, q in queries:
        row = {"kind": kind, "q": q}
        for engine in ("pressroom", "pagefind"):
            for when in ("first", "second"):
                d = per.get((engine, q, when), {"requests": 0, "bytes": 0, "code_bytes": 0})
                row["%s_%s" % (engine, when)] = d
            hits = {r["q"]: r for r in results.get(engine, [])}.get(q, {})
            row[engine + "_hits"] = hits.get("hits")
            top = hits.get("top", [])[:5]
            row[engine + "_top"] = [strip(u) for u, _ in top]
            row[engine + "_top_titles"] = [t for _, t in top]
        a, b = set(row["pressroom_top"]), set(row["pagefind_top"])
        row["top5_agreement"] = len(a & b)
        table.append(row)
    return {
        "site": name,
        "pressroom": {"build_cpu_s": p_cpu, "build_peak_mib": p_rss, **p_disk},
        "pagefind": {"index_cpu_s": f_cpu, "index_peak_mib": f_rss, **f_disk},
        "queries": table,
        "errors": {k: v for k, v in results.items() if k.endswith("_error")},
    }


def strip(url):
    return re.sub(r"^https?://[^/]+", "", url or "").replace("index.html", "")


def labelled(site, k=8):
    """Queries from k items' titles, each labelled with its item (for recall at 5)."""
    files = []
    for dirpath, _, names in os.walk(os.path.join(site, "content")):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".md") and not n.startswith("_")]
    files.sort()
    step = max(1, len(files) // k)
    out = []
    for path in files[::step][:k]:
        with open(path, encoding="utf-8") as f:
            m = re.search(r'^title\s*=\s*"(.*)"', f.read(), re.M)
        if m:
            out.append(("title", m.group(1)))
    return out


# --------------------------------------------------------------------------- report

def kb(n):
    return "%.1f" % (n / 1024)


def report(results):
    lines = ["# pressroom search vs Pagefind %s" % PAGEFIND_VERSION, "",
             "Commit %s, %s. Bytes are what the gzip-serving host sent (index files; code "
             "apart), requests count index files only." % (bench.git_rev(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())), ""]
    for r in results:
        p, f = r["pressroom"], r["pagefind"]
        lines += ["## %s" % r["site"], "",
                  "| | pressroom | Pagefind |", "| --- | --- | --- |",
                  "| indexing CPU | %.2f s (whole build) | %.2f s |" % (p["build_cpu_s"], f["index_cpu_s"]),
                  "| peak memory | %s MiB (whole build) | %s MiB |" % (fmt(p["build_peak_mib"]), fmt(f["index_peak_mib"])),
                  "| index files | %d | %d |" % (p["files"], f["files"]),
                  "| index on disk | %s KB (%s KB gzipped) | %s KB (%s KB gzipped) |" % (
                      kb(p["bytes"]), kb(p["gzip_bytes"]), kb(f["bytes"]), kb(f["gzip_bytes"])), "",
                  "| kind | query | pressroom hits | first KB / req | second KB / req | Pagefind hits | first KB / req | second KB / req | top-5 shared |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for q in r["queries"]:
            cell = lambda d: "%s / %d" % (kb(d["bytes"]), d["requests"])  # noqa: E731
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
                q["kind"], q["q"], q["pressroom_hits"], cell(q["pressroom_first"]), cell(q["pressroom_second"]),
                q["pagefind_hits"], cell(q["pagefind_first"]), cell(q["pagefind_second"]), q["top5_agreement"]))
        first = r["queries"][0]
        lines += ["", "Code on a first query (gzipped): pressroom %s KB (search.js), Pagefind %s KB." % (
            kb(p["code_gzip_bytes"]), kb(first["pagefind_first"]["code_bytes"]))]
        titles = [q for q in r["queries"] if q["kind"] == "title"]
        if titles:
            lines.append("Labelled title queries with their item in the top 5: pressroom %d/%d, Pagefind %d/%d." % (
                sum(q["label_in_pressroom_top5"] for q in titles), len(titles),
                sum(q["label_in_pagefind_top5"] for q in titles), len(titles)))
        if r["errors"]:
            lines.append("Errors: %s" % r["errors"])
        lines.append("")
    return "\n".join(lines)


def fmt(x):
    return "?" if x is None else "%.0f" % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000"),
                    help="comma-separated corpus sizes (default 10000)")
    ap.add_argument("--example-only", action="store_true")
    args = ap.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    pressroom = bench.build_pressroom()
    results = []
    example = os.path.join(OUT_DIR, "example")
    shutil.rmtree(example, ignore_errors=True)
    shutil.copytree(REPO, example, ignore=shutil.ignore_patterns(
        ".git", "target", "public", "benches", "tests", "src", "node_modules"))
    results.append(measure("example newsroom", example, pressroom, EXAMPLE_QUERIES))
    if not args.example_only:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            site, _ = bench.ensure_corpus("pressroom", n)
            queries = CORPUS_QUERIES + labelled(site)
            r = measure("generated %d" % n, site, pressroom, queries)
            results.append(r)
    for r in results:
        for q in r["queries"]:
            if q["kind"] == "title":
                # The label is the item whose title was typed.
                q["label_in_pressroom_top5"] = q["q"] in q["pressroom_top_titles"]
                q["label_in_pagefind_top5"] = q["q"] in q["pagefind_top_titles"]
    with open(os.path.join(OUT_DIR, "report.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    text = report(results)
    with open(os.path.join(OUT_DIR, "report.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
