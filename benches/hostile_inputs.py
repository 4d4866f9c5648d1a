#!/usr/bin/env python3
"""Times `pressroom build` on the hostile inputs of docs/reliability.md ("Hostile input sizes").

Each case is a one-item site whose item is shaped to hit one parser's worst case. It runs at
the size given in the docs (x1) and ten times that (x10), and prints the wall time, the exit
status and the peak RSS of the build.

    cargo build --release
    python3 benches/hostile_inputs.py [--bin target/release/pressroom] [--scales 1,10] [CASE...]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HEAD = '+++\ntitle = "Hostile"\ndate = 2026-01-05\n{extra}+++\n'


def setext(n):
    # 50k lines of "=" (98 KiB at x1): each may turn the text above into a heading.
    return HEAD.format(extra="") + "Title\n" + "=\n" * n


def long_code_line(n):
    # One 256 KiB line in a fenced code block with a language (syntax highlighting).
    return HEAD.format(extra="") + "```rust\n" + ("let x = 1; " * (n // 11)) + "\n```\n"


def yaml_nesting(n):
    # 40k-deep YAML flow nesting (78 KiB at x1) in a tag list.
    return "---\ntitle: Hostile\ndate: 2026-01-05\nextra:\n  x: " + "[" * n + "]" * n + "\n---\nText.\n"


def many_tags(n):
    tags = ", ".join(f'"tag-{i}"' for i in range(n))
    return HEAD.format(extra=f"tags = [{tags}]\n") + "Text.\n"


def same_headings(n):
    return HEAD.format(extra="") + "## Same\n\n" * n


CASES = {
    "setext": (setext, 50_000),
    "long-code-line": (long_code_line, 256 << 10),
    "yaml-nesting": (yaml_nesting, 40_000),
    "tags": (many_tags, 4_000),
    "headings": (same_headings, 10_000),
}


def run(binary, name, scale, timeout):
    make, size = CASES[name]
    with tempfile.TemporaryDirectory(prefix="pressroom-hostile-") as tmp:
        root = os.path.join(tmp, "site")
        os.makedirs(os.path.join(root, "content", "blog"))
        with open(os.path.join(root, "site.toml"), "w") as f:
            f.write('title = "Hostile"\nbase_url = "https://example.com"\n')
        with open(os.path.join(root, "content", "_index.md"), "w") as f:
            f.write('+++\ntitle = "Home"\n+++\n')
        text = make(size * scale)
        with open(os.path.join(root, "content", "blog", "x.md"), "w") as f:
            f.write(text)
        cmd = [binary, "build", "--quiet", "--now", "2026-11-23T08:00:00Z", "--root", root,
               "--output", os.path.join(tmp, "public")]
        started = time.monotonic()
        with tempfile.TemporaryFile() as errf:
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf)
            code = None
            while code is None:
                pid, status, usage = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    code = os.waitstatus_to_exitcode(status)
                    p.returncode = code
                elif time.monotonic() - started > timeout:
                    p.kill()
                    pid, status, usage = os.wait4(p.pid, 0)
                    p.returncode = code = "timeout"
                else:
                    time.sleep(0.01)
            errf.seek(0)
            err = errf.read().decode(errors="replace").strip().splitlines()
        took = time.monotonic() - started
        peak = f"{usage.ru_maxrss / 1024:.0f} MiB"
        first = err[0][:110] if err else ""
        print(f"{name:15} x{scale:<3} {len(text) / 1024:9.0f} KiB  {took:7.2f} s  exit {code}  "
              f"peak {peak}  {first}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", "target"), "release", "pressroom"))
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("cases", nargs="*", default=list(CASES))
    a = ap.parse_args()
    if not shutil.which(a.bin) and not os.path.exists(a.bin):
        sys.exit(f"no binary at {a.bin}: cargo build --release first")
    for name in a.cases:
        for scale in [int(s) for s in a.scales.split(",")]:
            run(a.bin, name, scale, a.timeout)


if __name__ == "__main__":
    main()
