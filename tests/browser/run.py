#!/usr/bin/env python3
"""The example newsroom tested as its users see it (issue 10).

Builds the example newsroom (a copy of the repository's site in a temporary folder, never the
repository itself) and checks what comes out with the tools the web uses:

  html      the Nu HTML Checker (vnu.jar) on every .html page, in one JVM: zero errors
  feeds     every atom.xml and rss.xml through feedparser (no bozo flag), every feed.json
            against JSON Feed 1.1
  json-ld   every page's JSON-LD through extruct (strict), and a schema.org type on every item
  calendars every .ics through the icalendar library; each event.ics starts at its page's
            JSON-LD Event's instant
  images    Pillow (libjpeg, libwebp, libavif) decodes every file of every <picture>'s
            srcsets at its stated width and in its <source>'s type, in the example and in a
            small site with `[images] formats = ["avif", "webp"]`, whose every size keeps the
            original's ICC profile
  browser   headless Chromium (selenium + the system chromedriver) on `pressroom serve`:
            the home page shows the latest release; search in Korean and French, and as
            you type (prefix marked, keyboard reaches the results); on a release, share.js
            shows Copy link (which copies the permalink) and Print, and no request leaves
            the site; an edited
            post reloads by itself, a broken one shows the error overlay, a fixed one returns;
            screenshots of every page kind at 1280 and 390 px, light and dark, under
            target/screenshots/ (a phone page that scrolls sideways fails)
  axe       axe-core in that browser on the home page, a section list, a release, a
            statement, the search and subscribe pages: no serious or critical violations

Needs what .ci/install-browser.sh installs (target/ci-tools/). Usage:

  python3 tests/browser/run.py [--bin target/debug/pressroom] [--keep]

Prints one PASS/FAIL line per check (a failure names the page and the problem) and ends with
`N passed, M failed`; exits 1 when anything failed. Every wait is bounded.
"""

import argparse
import hashlib
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import traceback
import urllib.parse
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "target" / "ci-tools"
sys.path.insert(0, str(TOOLS / "python"))

NOW = "2026-11-23T08:00:00Z"
SITE_PARTS = ["site.toml", "content", "data", "static", "themes", "templates", "published.lock"]
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "target" / "screenshots"
ITEM_TYPES = {"NewsArticle", "BlogPosting", "LiveBlogPosting", "Article", "WebPage"}
DATED_TYPES = {"NewsArticle", "BlogPosting", "LiveBlogPosting"}  # always have a date
CHROME_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    "--lang=en-US",
]
RELOAD_WAIT = 10  # seconds: edit → reloaded page, break → overlay, fix → page back
SHOW_PROBLEMS = 40  # per failing check; the rest are counted


class Failure(Exception):
    """A check failed; `problems` are the lines that say which page and what."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [problems]
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, *args):
        """Runs one check; `fn` returns a detail string or raises Failure."""
        started = time.monotonic()
        try:
            detail = fn(*args)
        except Failure as f:
            self.fail(name, f.problems, started)
            return False
        except Exception as e:  # a broken tool or an unexpected page is a failure, not a crash
            tb = traceback.format_exception_only(type(e), e)[-1].strip()
            self.fail(name, [f"unexpected {tb}"], started)
            return False
        took = time.monotonic() - started
        print(f"PASS {name} ({took:.1f} s){': ' + detail if detail else ''}", flush=True)
        self.passed += 1
        return True

    def fail(self, name, problems, started=None):
        took = f" ({time.monotonic() - started:.1f} s)" if started else ""
        print(f"FAIL {name}{took}:", flush=True)
        for p in problems[:SHOW_PROBLEMS]:
            print(f"  - {p}", flush=True)
        if len(problems) > SHOW_PROBLEMS:
            print(f"  ... and {len(problems) - SHOW_PROBLEMS} more", flush=True)
        self.failed += 1


# --- the site ------------------------------------------------------------------------------


def binary(args):
    """The pressroom binary: --bin, else `cargo build` (a no-op when up to date) and its output."""
    if args.bin:
        return Path(args.bin).resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    print("== cargo build --locked", flush=True)
    r = subprocess.run(["cargo", "build", "--locked", "--quiet", "--bin", "pressroom"], cwd=ROOT, timeout=1800)
    if r.returncode != 0:
        raise Failure("cargo build failed (see above)")
    exe = target / "debug" / "pressroom"
    if not exe.is_file():
        raise Failure(f"{exe} is missing after cargo build")
    return exe


def copy_site(dest):
    """Copies the example newsroom's inputs (never public/ or target/) into `dest`."""
    dest.mkdir(parents=True)
    for part in SITE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


def ledger(site):
    """file → URL path of every published item, from the site's published.lock."""
    data = tomllib.loads((site / "published.lock").read_text(encoding="utf-8"))
    return {path: entry["url"] for path, entry in data.get("items", {}).items()}


def output_file(public, url_path):
    """The file a URL path is served from: /a/b/ → public/a/b/index.html."""
    rel = urllib.parse.unquote(url_path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return public / rel


def shown(path):
    """A path as printed: relative to the repository when inside it."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


def rel(public, path_or_url):
    p = str(path_or_url)
    if p.startswith("file:"):
        p = urllib.parse.unquote(urllib.parse.urlparse(p).path)
    try:
        return "/" + str(Path(p).relative_to(public))
    except ValueError:
        return p


# --- html: the Nu HTML Checker -------------------------------------------------------------


def check_html(public):
    pages = sorted(public.rglob("*.html"))
    if not pages:
        raise Failure("the build wrote no .html file")
    if not VNU_JAR.is_file():
        raise Failure(f"{VNU_JAR} is missing: run .ci/install-browser.sh")
    cmd = ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, pages)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    try:
        messages = json.loads(r.stderr)["messages"]
    except (ValueError, KeyError):
        raise Failure(f"vnu.jar exited {r.returncode} without a JSON report: {r.stderr[-2000:]}")
    problems = []
    for m in messages:
        if m.get("type") in ("error", "non-document-error", "fatal"):
            where = rel(public, m.get("url", "?"))
            line = m.get("lastLine") or m.get("firstLine")
            extract = (m.get("extract") or "").replace("\n", " ")
            problems.append(
                f"{where}:{line}:{m.get('firstColumn', '?')}: {m.get('message')}" + (f" — `{extract}`" if extract else "")
            )
    if problems:
        raise Failure(problems)
    if r.returncode != 0:
        raise Failure(f"vnu.jar exited {r.returncode}: {r.stderr[-2000:]}")
    return f"{len(pages)} pages, 0 errors"


# --- feeds ---------------------------------------------------------------------------------


def check_xml_feeds(public):
    import feedparser

    problems = []
    feeds = sorted(list(public.rglob("atom.xml")) + list(public.rglob("rss.xml")))
    if not feeds:
        raise Failure("the build wrote no atom.xml or rss.xml")
    entries = 0
    for f in feeds:
        name = rel(public, f)
        want = "atom10" if f.name == "atom.xml" else "rss20"
        d = feedparser.parse(f.read_bytes(), sanitize_html=False)
        if d.bozo:
            problems.append(f"{name}: feedparser: {d.bozo_exception}")
            continue
        if d.version != want:
            problems.append(f"{name}: feedparser reads it as {d.version or 'unknown'}, not {want}")
        if not d.feed.get("title"):
            problems.append(f"{name}: the feed has no title")
        ids = [e.get("id") for e in d.entries]
        for i, e in enumerate(d.entries):
            if not e.get("id"):
                problems.append(f"{name}: entry {i + 1} ({e.get('title', '?')}) has no id/guid")
            if not e.get("title"):
                problems.append(f"{name}: entry {i + 1} ({e.get('id', '?')}) has no title")
            if not e.get("link"):
                problems.append(f"{name}: entry {i + 1} ({e.get('title', '?')}) has no link")
            # Atom requires <updated> on every entry; in RSS every date is optional (an
            # undated fact sheet has no pubDate).
            if want == "atom10" and not e.get("updated_parsed"):
                problems.append(f"{name}: entry {i + 1} ({e.get('title', '?')}) has no <updated> feedparser can read")
        dupes = {i for i in ids if i and ids.count(i) > 1}
        if dupes:
            problems.append(f"{name}: duplicate entry ids {sorted(dupes)[:3]}")
        entries += len(d.entries)
        # The three formats of one feed list the same entries.
        json_feed = f.with_name("feed.json")
        if json_feed.is_file():
            try:
                n = len(json.loads(json_feed.read_text(encoding="utf-8")).get("items", []))
            except ValueError:
                n = None  # reported by the JSON Feed check
            if n is not None and n != len(d.entries):
                problems.append(f"{name}: {len(d.entries)} entries but {rel(public, json_feed)} has {n} items")
    if problems:
        raise Failure(problems)
    return f"{len(feeds)} Atom and RSS feeds, {entries} entries"


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_json_feeds(public):
    problems = []
    feeds = sorted(public.rglob("feed.json"))
    if not feeds:
        raise Failure("the build wrote no feed.json")
    items = 0
    for f in feeds:
        name = rel(public, f)
        try:
            d = json.loads(f.read_text(encoding="utf-8"))
        except ValueError as e:
            problems.append(f"{name}: not JSON: {e}")
            continue
        if d.get("version") != "https://jsonfeed.org/version/1.1":
            problems.append(f"{name}: version is {d.get('version')!r}, not JSON Feed 1.1")
        if not isinstance(d.get("title"), str) or not d["title"]:
            problems.append(f"{name}: no title")
        if not isinstance(d.get("items"), list):
            problems.append(f"{name}: items is not a list")
            continue
        for key in ("home_page_url", "feed_url"):
            if key in d and not str(d[key]).startswith(("http://", "https://")):
                problems.append(f"{name}: {key} {d[key]!r} is not an absolute URL")
        ids = []
        for i, it in enumerate(d["items"]):
            label = f"{name}: item {i + 1} ({it.get('title', it.get('id', '?'))})"
            if not isinstance(it.get("id"), str) or not it["id"]:
                problems.append(f"{label}: no string id")
            ids.append(it.get("id"))
            if not (it.get("content_html") or it.get("content_text")):
                problems.append(f"{label}: neither content_html nor content_text")
            for key in ("date_published", "date_modified"):
                if key in it:
                    try:
                        parse_time(it[key])
                    except (AttributeError, TypeError, ValueError):
                        problems.append(f"{label}: {key} {it[key]!r} is not an RFC 3339 string")
        dupes = {i for i in ids if i and ids.count(i) > 1}
        if dupes:
            problems.append(f"{name}: duplicate item ids {sorted(dupes)[:3]}")
        items += len(d["items"])
    if problems:
        raise Failure(problems)
    return f"{len(feeds)} JSON feeds, {items} items"


# --- JSON-LD -------------------------------------------------------------------------------

LD_SCRIPT = re.compile(r"<script[^>]*type=[\"']?application/ld\+json[^>]*>(.*?)</script>", re.I | re.S)


def ld_types(node):
    """Every @type in a JSON-LD value (nested, @graph included)."""
    out = set()
    if isinstance(node, dict):
        t = node.get("@type")
        out.update([t] if isinstance(t, str) else t if isinstance(t, list) else [])
        for v in node.values():
            out |= ld_types(v)
    elif isinstance(node, list):
        for v in node:
            out |= ld_types(v)
    return out


def top_nodes(data):
    for block in data:
        for node in block.get("@graph", [block]) if isinstance(block, dict) else []:
            yield node


def check_json_ld(public, site):
    import extruct

    problems = []
    items = {url for url in ledger(site).values()}
    item_pages = 0
    blocks = 0
    for page in sorted(public.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        raw_blocks = LD_SCRIPT.findall(html)
        expected = len(raw_blocks)
        url_path = "/" + str(page.relative_to(public).parent).strip(".") + "/"
        url_path = url_path.replace("//", "/")
        is_item = url_path in items
        if not expected and not is_item:
            continue
        name = rel(public, page)
        try:
            data = extruct.extract(html, base_url="https://example.invalid" + url_path, syntaxes=["json-ld"], errors="strict")["json-ld"]
        except Exception as e:
            problems.append(f"{name}: extruct cannot parse its JSON-LD: {type(e).__name__}: {e}")
            continue
        blocks += len(data)
        # extruct forgives some broken JSON (trailing commas, comments); search engines do not.
        for i, raw in enumerate(raw_blocks):
            try:
                json.loads(raw)
            except ValueError as e:
                problems.append(f"{name}: JSON-LD block {i + 1} is not strict JSON: {e}")
        if len(data) != expected:
            problems.append(f"{name}: {expected} JSON-LD script(s) but extruct read {len(data)}")
        for node in top_nodes(data):
            if "@context" not in node and node is data[0]:
                problems.append(f"{name}: JSON-LD without @context")
        if is_item:
            item_pages += 1
            tops = [n for n in top_nodes(data) if isinstance(n, dict)]
            kinds = set()
            for n in tops:
                t = n.get("@type")
                kinds.update([t] if isinstance(t, str) else t or [])
            if not kinds & ITEM_TYPES:
                problems.append(f"{name}: no JSON-LD of type {'/'.join(sorted(ITEM_TYPES))} (found {sorted(ld_types(data)) or 'none'})")
            for n in tops:
                t = n.get("@type")
                types = {t} if isinstance(t, str) else set(t or [])
                if types & ITEM_TYPES and not n.get("headline"):
                    problems.append(f"{name}: {t} has no headline")
                if types & DATED_TYPES and not n.get("datePublished"):
                    problems.append(f"{name}: {t} has no datePublished")
    missing = sorted(u for u in items if not output_file(public, u).is_file())
    for u in missing:
        problems.append(f"{u}: in published.lock but not in the build")
    if problems:
        raise Failure(problems)
    return f"{blocks} JSON-LD blocks parse; {item_pages} item pages typed"


def event_start_in_json_ld(html):
    """The `about` Event's startDate of an item page's JSON-LD, as an aware datetime."""
    for raw in LD_SCRIPT.findall(html):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                t = node.get("@type")
                if (t == "Event" or (isinstance(t, list) and "Event" in t)) and node.get("startDate"):
                    return parse_time(node["startDate"])
                stack.extend(node.values())
    return None


def picture_files(public):
    """Every (page, url, stated width, expected format) of every <picture>'s srcsets."""
    from bs4 import BeautifulSoup

    formats = {"image/avif": "AVIF", "image/webp": "WEBP", "image/jpeg": "JPEG", "image/png": "PNG"}
    found = []
    for page in sorted(public.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for picture in soup.find_all("picture"):
            for el in picture.find_all(["source", "img"]):
                srcset = el.get("srcset")
                if not srcset:
                    continue
                for candidate in srcset.split(", "):
                    # A thumbnail's one URL has no width descriptor.
                    url, _, width = candidate.partition(" ")
                    expected = formats.get(el.get("type", ""))
                    if el.name == "img":
                        expected = "PNG" if url.endswith(".png") else "JPEG"
                    found.append((rel(public, page), url, int(width.rstrip("w")) if width else None, expected))
    return found


def decode_pictures(public, profile=None):
    """Decodes every picture file with Pillow; returns the problems and how many were read."""
    from PIL import Image

    problems, seen = [], set()
    for page, url, width, expected in picture_files(public):
        if url in seen:
            continue
        seen.add(url)
        path = public / urllib.parse.unquote(url).lstrip("/")
        try:
            with Image.open(path) as im:
                im.load()
                if im.format != expected:
                    problems.append(f"{page}: {url} is {im.format}, its <source> says {expected}")
                if width is not None and im.size[0] != width:
                    problems.append(f"{page}: {url} is {im.size[0]} px wide, its srcset says {width}w")
                if profile is not None and im.info.get("icc_profile") != profile:
                    problems.append(f"{page}: {url} lost the original's ICC profile")
        except Exception as e:  # Pillow's errors vary by format
            problems.append(f"{page}: {url} does not decode: {type(e).__name__}: {e}")
    return problems, len(seen)


def check_images(exe, tmp, public):
    """Every derived image decodes, in its stated format and width: the example's JPEG and
    WebP, then AVIF from a one-photo site asking for it (speed 10: a debug build encodes)."""
    from PIL import Image, ImageCms

    problems, read = decode_pictures(public)
    if read == 0:
        raise Failure("the example newsroom has no <picture> (it shows photos)")
    site = tmp / "avif-site"
    bundle = site / "content" / "blog" / "photo"
    bundle.mkdir(parents=True)
    (site / "site.toml").write_text(
        'title = "AVIF"\nbase_url = "https://example.com"\n\n[images]\n'
        'widths = [480, 960]\nformats = ["avif", "webp"]\navif_speed = 10\n'
    )
    (bundle / "index.md").write_text(
        '+++\ntitle = "Photo"\ndate = 2026-11-20\n+++\n\n![The battery plant](plant.jpg)\n'
    )
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with Image.open(ROOT / "static" / "photos" / "battery-plant.jpg") as im:
        im.convert("RGB").save(bundle / "plant.jpg", quality=90, icc_profile=profile)
    out = tmp / "avif-public"
    r = subprocess.run([str(exe), "build", "--root", str(site), "--output", str(out), "--now", NOW],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise Failure([f"the AVIF site's build exited {r.returncode}:"] + (r.stdout + r.stderr).splitlines()[-20:])
    more, avifs = decode_pictures(out, profile)
    problems += more
    if not any(u.endswith(".avif") for _, u, _, _ in picture_files(out)):
        problems.append("the AVIF site's page offers no AVIF")
    if problems:
        raise Failure(problems)
    return f"{read} example files and {avifs} of the AVIF site decoded"


def check_calendars(public):
    """Every .ics through the `icalendar` library: required properties, aware start and end
    times in order, unique UIDs; each item's event.ics starts at the instant its page's JSON-LD
    Event says."""
    import icalendar

    problems = []
    files = sorted(public.rglob("*.ics"))
    if not files:
        raise Failure("the build wrote no .ics file (the example has events)")
    events = 0
    for f in files:
        name = rel(public, f)
        try:
            cal = icalendar.Calendar.from_ical(f.read_bytes())
        except Exception as e:  # the library's own errors vary by version
            problems.append(f"{name}: icalendar cannot parse it: {type(e).__name__}: {e}")
            continue
        if str(cal.get("VERSION")) != "2.0" or not cal.get("PRODID"):
            problems.append(f"{name}: VERSION 2.0 and PRODID are required")
        uids = []
        for ev in cal.walk("VEVENT"):
            events += 1
            for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
                if ev.get(prop) is None:
                    problems.append(f"{name}: a VEVENT lacks {prop}")
            uids.append(str(ev.get("UID")))
            start = ev.decoded("DTSTART") if ev.get("DTSTART") is not None else None
            if not isinstance(start, datetime) or start.tzinfo is None:
                problems.append(f"{name}: DTSTART {start!r} is not a time with a zone")
                continue
            if ev.get("DTEND") is not None and ev.decoded("DTEND") <= start:
                problems.append(f"{name}: DTEND is not after DTSTART")
            page = f.with_name("index.html")
            if f.name == "event.ics" and page.is_file():
                said = event_start_in_json_ld(page.read_text(encoding="utf-8"))
                if said is None:
                    problems.append(f"{name}: its page has no JSON-LD Event")
                elif said != start:
                    problems.append(f"{name}: starts {start.isoformat()}, its page's JSON-LD says {said.isoformat()}")
        dupes = {u for u in uids if uids.count(u) > 1}
        if dupes:
            problems.append(f"{name}: duplicate UIDs {sorted(dupes)[:3]}")
    if problems:
        raise Failure(problems)
    return f"{len(files)} calendars, {events} events"


# --- the browser ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`pressroom serve` in the background; its output is kept for failure messages."""

    def __init__(self, exe, site):
        self.lines = []
        self.queue = queue.Queue()
        cmd = [str(exe), "serve", "--root", str(site), "--port", str(free_port()), "--now", NOW, "--no-drafts"]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_url(60)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self.queue.put(line)

    def _wait_url(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            m = re.search(r"serving at (http://\S+/)", line)
            if m:
                return m.group(1)
        self.stop()
        raise Failure(f"pressroom serve printed no `serving at` URL within {timeout} s: {self.tail()}")

    def tail(self, n=15):
        return " | ".join(self.lines[-n:]) or "(no output)"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_browser(tmp):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    for p in (chromium, driver_path):
        if not Path(p).exists():
            raise Failure(f"{p} is missing: run .ci/install-browser.sh")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in CHROME_ARGS:
        opts.add_argument(a)
    opts.add_argument(f"--user-data-dir={tmp / 'chromium-profile'}")
    service = Service(executable_path=driver_path, log_output=str(tmp / "chromedriver.log"))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def wait_for(driver, condition, timeout, what):
    """Polls `condition(driver)` every 100 ms for at most `timeout` s; errors while the page
    reloads count as not yet."""
    from selenium.common.exceptions import WebDriverException

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = condition(driver)
            if value:
                return value
        except WebDriverException as e:
            last = e.msg if hasattr(e, "msg") else str(e)
        time.sleep(0.1)
    raise Failure(f"{what}: not seen within {timeout} s" + (f" (last error: {last})" if last else ""))


def path_of(href):
    return urllib.parse.unquote(urllib.parse.urlparse(href).path)


def screenshot(driver, name):
    """A full-page PNG under target/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(1280, max(900, min(int(height), 8000)))
    try:
        path = SCREENSHOTS / f"{name}.png"
        driver.save_screenshot(str(path))
        return path
    finally:
        driver.set_window_size(1280, 900)


SHOT_WIDTHS = (1280, 390)  # a laptop, a phone
SHOT_SCHEMES = ("light", "dark")
SHOT_MAX_HEIGHT = 8000  # px: a long list page is cut there, which keeps the files small


def page_kinds(public, release_path, statement):
    """(name, URL path) of one page of every kind the example newsroom has."""
    kinds = [("home", "/"), ("home-ko", "/ko/"), ("section", "/press/")]
    years = sorted((p.name for p in (public / "press").iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)), reverse=True)
    if years:
        kinds.append(("archive", f"/press/{years[0]}/"))
    kinds += [("release", release_path), ("statement", statement)]
    for name, section in (("post", "blog"), ("factsheet", "facts")):
        feed = public / section / "feed.json"
        items = json.loads(feed.read_text(encoding="utf-8"))["items"] if feed.is_file() else []
        if items:
            kinds.append((name, path_of(items[0]["url"])))
    kinds += [
        ("corrections", "/corrections/"),
        ("subscribe", "/subscribe/"),
        ("search", "/search/"),
        ("tags", "/tags/"),
        ("authors", "/authors/"),
        ("not-found", "/404.html"),
    ]
    return kinds


def check_screenshots(driver, base, public, release_path, statement):
    """Every page kind at 1280 and 390 px, light and dark: target/screenshots/KIND-WIDTH-SCHEME.png.
    The width and colour scheme are emulated (DevTools protocol), so one browser does all."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        for scheme in SHOT_SCHEMES:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for width in SHOT_WIDTHS:
                metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
                for name, path in page_kinds(public, release_path, statement):
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                    open_page(driver, base, path)
                    wide = driver.execute_script("return document.documentElement.scrollWidth")
                    if width < 600 and wide > width:
                        raise Failure(f"{path}: {wide} px wide at {width} px (scrolls sideways on a phone)")
                    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
                    full = dict(metrics, height=max(900, min(int(height), SHOT_MAX_HEIGHT)))
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", full)
                    driver.save_screenshot(str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"))
                    written += 1
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    return f"{written} screenshots in {shown(SCREENSHOTS)}"


def open_page(driver, base, path):
    """Opens `path` under `base`; fails on an error status or the build error overlay."""
    driver.get(urllib.parse.urljoin(base, urllib.parse.quote(path)))
    if driver.execute_script("return location.href").startswith("chrome-error:"):
        raise Failure(f"{path}: the browser could not load it from {base}")
    overlay = driver.find_elements("id", "pressroom-error-overlay")
    if overlay:
        raise Failure(f"{path}: the preview shows the build error overlay: {overlay[0].text[:500]!r}")
    status = driver.execute_script(
        "var n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0;"
    )
    if status and status >= 400:
        raise Failure(f"{path}: HTTP {status} ({driver.title!r})")


def h1_text(driver):
    hs = driver.find_elements("css selector", "main h1, h1")
    return hs[0].text.strip() if hs else ""


def latest_release(public):
    """(URL path, title) of the newest item of /press/feed.json."""
    d = json.loads((public / "press" / "feed.json").read_text(encoding="utf-8"))
    if not d.get("items"):
        raise Failure("/press/feed.json lists no release")
    newest = max(d["items"], key=lambda it: parse_time(it["date_published"]))
    return path_of(newest["url"]), newest["title"]


def check_home(driver, base, public):
    path, title = latest_release(public)
    open_page(driver, base, "/")
    links = [a for a in driver.find_elements("css selector", "a[href]") if path_of(a.get_attribute("href")) == path]
    if not links:
        raise Failure(f"/: no link to the latest release {path} ({title!r})")
    if not any(a.is_displayed() for a in links):
        raise Failure(f"/: the link to the latest release {path} is not visible")
    shot = screenshot(driver, "home")
    return f"links to {path}; {shown(shot)}"


def check_release(driver, base, public):
    path, title = latest_release(public)
    open_page(driver, base, path)
    if h1_text(driver) != title:
        raise Failure(f"{path}: heading is {h1_text(driver)!r}, expected {title!r}")
    shot = screenshot(driver, "release")
    return f"{path}; {shown(shot)}"


def check_statement(driver, base, path):
    open_page(driver, base, path)
    notices = [n for n in driver.find_elements("css selector", ".notice-correction, .notice-clarification") if n.is_displayed()]
    if not notices:
        raise Failure(f"{path}: no visible correction notice")
    shot = screenshot(driver, "statement")
    return f"{path} shows {len(notices)} dated notice(s); {shown(shot)}"


def search(driver, base, page, query, expected, language=None, shot=None):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    open_page(driver, base, page)
    if language is not None:
        Select(driver.find_element("id", "search-lang")).select_by_value(language)
    box = driver.find_element("id", "search-input")
    box.clear()
    box.send_keys(query + Keys.ENTER)

    section = driver.find_element("id", "search")
    # The page's own "no results" and "error" messages ({q} stands for the query).
    final = [
        re.compile(re.escape(section.get_attribute(a)).replace(re.escape("{q}"), ".*") + "$")
        for a in ("data-none", "data-error")
    ]

    def done(d):
        links = d.find_elements("css selector", "#search-results li a")
        if links:
            return [path_of(a.get_attribute("href")) for a in links]
        status = d.find_element("id", "search-status").text.strip()
        if any(r.match(status) for r in final):
            return ["(none: " + status + ")"]
        return None  # loading, or counted but not rendered yet

    found = wait_for(driver, done, 10, f"{page}: results for {query!r}")
    if shot:
        screenshot(driver, shot)
    if expected not in found:
        raise Failure(f"{page}: {query!r} did not find {expected}; found {found[:5]}")
    if found[0] != expected:
        raise Failure(f"{page}: {query!r} ranks {expected} at {found.index(expected) + 1}, after {found[0]}")
    return f"{query!r} → {expected} first of {len(found)}" + (f"; {shown(SCREENSHOTS / (shot + '.png'))}" if shot else "")


def check_as_you_type(driver, base):
    """Typing (no Enter) shows results with the typed prefix marked; Down reaches the first."""
    from selenium.webdriver.common.keys import Keys

    open_page(driver, base, "/search/")
    box = driver.find_element("id", "search-input")
    box.clear()
    box.send_keys("batt")

    def marked(d):
        marks = [m.text.lower() for m in d.find_elements("css selector", "#search-results li a mark")]
        return marks or None

    marks = wait_for(driver, marked, 10, "/search/: results while typing 'batt'")
    if not all(m.startswith("batt") for m in marks):
        raise Failure(f"/search/: 'batt' marked {marks[:5]}")
    box.send_keys(Keys.ARROW_DOWN)
    first = driver.find_element("css selector", "#search-results li a")
    if driver.switch_to.active_element != first:
        raise Failure("/search/: Down from the search box does not reach the first result")
    return f"'batt' as typed → {len(marks)} marked word(s): {sorted(set(marks))}"


def check_share(driver, base, path):
    """With JavaScript, share.js reveals "Copy link" and "Print / save as PDF"; Copy link puts
    the permalink on the clipboard and says so. No request leaves the site."""
    open_page(driver, base, path)
    buttons = {cls: driver.find_elements("css selector", f".share button.{cls}") for cls in ("copy-link", "print-page")}
    hidden = [cls for cls, found in buttons.items() if not found or not found[0].is_displayed()]
    if hidden:
        raise Failure(f"{path}: with JavaScript these share buttons stay hidden: {hidden}")
    driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"], "origin": base.rstrip("/")})
    copy = buttons["copy-link"][0]
    # Instantly: the theme scrolls smoothly, and a click during the animation misses.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", copy)
    copy.click()
    status = wait_for(driver, lambda d: d.find_element("css selector", ".share .copy-status").text.strip(), 5, f"{path}: the copied-link status")
    copied = driver.execute_async_script("var done = arguments[0]; navigator.clipboard.readText().then(done, function (e) { done('error: ' + e); });")
    field = driver.find_element("id", "share-permalink").get_attribute("value")
    if copied != field:
        raise Failure(f"{path}: Copy link put {copied!r} on the clipboard, the page's link is {field!r}")
    foreign = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
        ".filter(function (u) { return u.indexOf(location.origin) !== 0; });"
    )
    if foreign:
        raise Failure(f"{path}: requests to other sites on load: {foreign[:5]}")
    return f"{path}: Copy link and Print shown; copied {copied!r} ({status!r}); no third-party request"


def check_axe(driver, base, path):
    open_page(driver, base, path)
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(function (r) {
          done({violations: r.violations.map(function (v) {
            return {id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                    nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200); })};
          })});
        }, function (e) { done({error: String(e)}); });
        """
    )
    if result.get("error"):
        raise Failure(f"{path}: axe.run failed: {result['error']}")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if bad:
        problems = []
        for v in bad:
            problems.append(f"{path}: {v['impact']} {v['id']} ({v['count']} element(s)): {v['help']}")
            problems.extend(f"    {n}" for n in v["nodes"])
        raise Failure(problems)
    minor = sorted({f"{v['id']} ({v['impact']})" for v in result["violations"]})
    return f"{path}: no serious or critical violations" + (f"; minor: {', '.join(minor)}" if minor else "")


class Edit:
    """The post the live-reload checks edit, restored on exit whatever happens."""

    def __init__(self, site, file, url):
        self.file = site / file
        self.url = url
        self.original = self.file.read_text(encoding="utf-8")
        self.title = tomllib.loads(self.original.split("+++")[1]).get("title") if self.original.startswith("+++") else None
        self.token = f"Live reload probe {os.getpid()}-{int(time.time())}"

    def write(self, text):
        self.file.write_text(text, encoding="utf-8")

    def restore(self):
        self.write(self.original)


def pick_post(site):
    """A published blog post (file, URL) from the ledger: the newest English one."""
    posts = sorted(
        (f, u) for f, u in ledger(site).items() if f.startswith("content/blog/") and re.search(r"/\d{4}-\d\d-\d\d-[^./]+\.md$", f)
    )
    if not posts:
        raise Failure("published.lock lists no English blog post to edit")
    return posts[-1]


def await_live_reload(driver):
    """Waits until the page's live-reload stream is connected: the client takes the first build
    id it hears as the page's own, so an edit made before it connects would go unnoticed. A
    second stream opened now connects after the page's; once it has heard the build id, the
    page's has too."""
    ok = driver.execute_async_script(
        """
        var done = arguments[arguments.length - 1];
        var es = new EventSource('/__pressroom/events');
        var timer = setTimeout(function () { es.close(); done(false); }, 5000);
        es.onmessage = function () { clearTimeout(timer); es.close(); done(true); };
        """
    )
    if not ok:
        raise Failure(f"{driver.current_url}: /__pressroom/events sent nothing within 5 s")
    time.sleep(0.2)


def check_live_reload(driver, base, edit):
    open_page(driver, base, edit.url)
    driver.execute_script("window.__pressroomProbe = 1;")
    await_live_reload(driver)
    started = time.monotonic()
    edit.write(edit.original.rstrip("\n") + f"\n\n{edit.token}.\n")
    wait_for(
        driver,
        lambda d: d.execute_script(
            "return !window.__pressroomProbe && !!document.body && document.body.innerText.indexOf(arguments[0]) >= 0", edit.token
        ),
        RELOAD_WAIT,
        f"{edit.url}: the page reloading with the edited text after writing {edit.file.name}",
    )
    return f"{edit.url} reloaded with the new text {time.monotonic() - started:.2f} s after the edit"


def check_ledger_warning(driver, base, edit):
    # After the edit above, the published post changed with no correction: the preview says so.
    bars = driver.find_elements("id", "pressroom-warnings")
    if not bars:
        raise Failure(f"{edit.url}: no warning bar (#pressroom-warnings) after a published post changed without a correction")
    driver.execute_script("arguments[0].open = true", bars[0])
    if "published.lock" not in bars[0].text and "correction" not in bars[0].text.lower():
        raise Failure(f"{edit.url}: the warning bar does not mention the ledger: {bars[0].text[:300]!r}")
    return "the preview warns that the change needs a correction notice"


def check_overlay(driver, base, edit):
    await_live_reload(driver)
    started = time.monotonic()
    text = edit.original
    if text.startswith("+++"):
        broken = text.replace("+++\n", '+++\ntitel = "A misspelt key"\n', 1)
    else:
        broken = text.replace("---\n", "---\ntitel: A misspelt key\n", 1)
    edit.write(broken)
    overlay = wait_for(
        driver,
        lambda d: (d.find_elements("id", "pressroom-error-overlay") or [None])[0],
        RELOAD_WAIT,
        f"{edit.url}: the error overlay after adding an unknown front-matter key to {edit.file.name}",
    )
    took = time.monotonic() - started
    said = overlay.text
    if "titel" not in said or edit.file.name not in said:
        raise Failure(f"{edit.url}: the overlay does not name the file and the key: {said[:400]!r}")
    screenshot(driver, "error-overlay")
    return f"overlay names {edit.file.name} and `titel` {took:.2f} s after the edit"


def check_recovery(driver, base, edit):
    await_live_reload(driver)
    started = time.monotonic()
    edit.restore()
    wait_for(
        driver,
        lambda d: not d.find_elements("id", "pressroom-error-overlay")
        and bool(d.find_elements("css selector", "h1"))
        and d.execute_script("return document.body.innerText.indexOf(arguments[0]) < 0", edit.token),
        RELOAD_WAIT,
        f"{edit.url}: the page coming back after the file was fixed",
    )
    took = time.monotonic() - started
    if edit.title and h1_text(driver) != edit.title:
        raise Failure(f"{edit.url}: back, but its heading is {h1_text(driver)!r}, expected {edit.title!r}")
    if driver.find_elements("id", "pressroom-warnings"):
        raise Failure(f"{edit.url}: the ledger warning stays after the original text is back")
    return f"{edit.url} back, without overlay or warning, {took:.2f} s after the fix"


def browser_checks(report, exe, tmp, public):
    try:
        import selenium  # noqa: F401
    except ImportError:
        report.fail("browser", ["selenium is not installed: run .ci/install-browser.sh"])
        return
    if not AXE_JS.is_file():
        report.fail("axe", [f"{AXE_JS} is missing: run .ci/install-browser.sh"])
        return
    site = copy_site(tmp / "serve-site")
    links = ledger(site)
    korean = links.get("content/press/2026-10-02-부산-연구소.ko.md")
    french = links.get("content/press/2024-03-12-venissieux-plant-opening.fr.md")
    statement = "/statements/venissieux-fire/"
    server = driver = None
    try:
        server = Serve(exe, site)
        print(f"     serving {server.url} (pressroom serve --no-drafts --now {NOW})", flush=True)
        driver = start_browser(tmp)
        base = server.url
        release_path, _ = latest_release(public)

        report.run("browser: home page shows the latest release", check_home, driver, base, public)
        report.run("browser: latest release", check_release, driver, base, public)
        report.run("browser: corrected statement", check_statement, driver, base, statement)
        if korean:
            report.run("browser: Korean search on /search/ (all languages)", search, driver, base, "/search/", "연구소", korean, "", "search")
        else:
            report.fail("browser: Korean search", ["content/press/2026-10-02-부산-연구소.ko.md is not in published.lock"])
        if french:
            report.run("browser: French search on /fr/search/", search, driver, base, "/fr/search/", "première usine", french)
        else:
            report.fail("browser: French search", ["content/press/2024-03-12-venissieux-plant-opening.fr.md is not in published.lock"])
        report.run("browser: search as you type on /search/", check_as_you_type, driver, base)
        report.run("browser: share, copy link and print on a release", check_share, driver, base, release_path)
        report.run("browser: screenshots of every page kind", check_screenshots, driver, base, public, release_path, statement)
        for path in ("/", "/press/", release_path, statement, "/search/", "/subscribe/"):
            report.run(f"axe: {path}", check_axe, driver, base, path)

        edit = Edit(site, *pick_post(site))
        try:
            if report.run("serve: live reload after an edit", check_live_reload, driver, base, edit):
                report.run("serve: ledger warning bar after an unannounced edit", check_ledger_warning, driver, base, edit)
            report.run("serve: error overlay for a broken file", check_overlay, driver, base, edit)
            report.run("serve: page returns when the file is fixed", check_recovery, driver, base, edit)
        finally:
            edit.restore()
    except Failure as f:
        report.fail("browser", f.problems)
    except Exception as e:
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        report.fail("browser", [f"unexpected {tb}"] + ([f"serve output: {server.tail()}"] if server else []))
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception:
                pass
        if server is not None:
            server.stop()


# --- main ----------------------------------------------------------------------------------


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", help="the pressroom binary (default: cargo build, then target/debug/pressroom)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--skip-browser", action="store_true", help="only the checks that need no browser")
    args = ap.parse_args()
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium: never look for drivers online

    report = Report()
    started = time.monotonic()
    lock_before = file_digest(ROOT / "published.lock")
    public_before = (ROOT / "public").exists()
    tmp = Path(tempfile.mkdtemp(prefix="pressroom-browser-"))
    try:
        try:
            exe = binary(args)
        except Failure as f:
            report.fail("build", f.problems)
            return finish(report, started)
        site = copy_site(tmp / "site")
        public = site / "public"
        t = time.monotonic()
        r = subprocess.run(
            [str(exe), "build", "--root", str(site), "--output", str(public), "--now", NOW],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if r.returncode != 0:
            report.fail("build", [f"pressroom build exited {r.returncode}:"] + (r.stdout + r.stderr).strip().splitlines()[-30:])
            return finish(report, started)
        report.passed += 1
        print(f"PASS build ({time.monotonic() - t:.1f} s): {r.stdout.strip().splitlines()[0] if r.stdout.strip() else ''}", flush=True)

        report.run("html: Nu HTML Checker", check_html, public)
        report.run("feeds: Atom and RSS through feedparser", check_xml_feeds, public)
        report.run("feeds: JSON Feed 1.1", check_json_feeds, public)
        report.run("json-ld: extruct", check_json_ld, public, site)
        report.run("calendars: icalendar", check_calendars, public)
        report.run("images: Pillow decodes every size (JPEG, WebP, AVIF)", check_images, exe, tmp, public)
        if not args.skip_browser:
            browser_checks(report, exe, tmp, public)
    finally:
        if args.keep:
            print(f"     kept {tmp}", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        if file_digest(ROOT / "published.lock") != lock_before:
            report.fail("repository untouched", ["the repository's published.lock changed during the run"])
        if (ROOT / "public").exists() and not public_before:
            report.fail("repository untouched", ["a public/ folder appeared in the repository during the run"])
    return finish(report, started)


def finish(report, started):
    print(f"== browser tests took {time.monotonic() - started:.1f} s", flush=True)
    print(f"{report.passed} passed, {report.failed} failed", flush=True)
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
