#!/usr/bin/env bash
# Installs what tests/browser/run.py needs, idempotently: a second run finds everything in
# place and returns in about a second, without touching the network.
#
#   apt  (Debian): chromium, chromium-driver, a headless Java for the Nu HTML Checker, and a
#        CJK font so the screenshots show Korean and Japanese text instead of boxes.
#        `apt-get update` runs only when one of them is missing.
#   npm: vnu-jar (the Nu HTML Checker, vnu.jar) and axe-core, into target/ci-tools/.
#   pip: feedparser, extruct, selenium, icalendar, pillow, into target/ci-tools/python (pip --target: no venv
#        module needed, nothing written into the system's Python, and PEP 668 does not apply).
#
# Everything project-local lives under target/ci-tools/ (ignored by git, removed by
# `cargo clean`). Pinned versions are below and in tests/browser/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

VNU_VERSION=26.9.27
AXE_VERSION=4.14.1
TOOLS=target/ci-tools
REQUIREMENTS=tests/browser/requirements.txt

started=$(date +%s)
sudo=()
if [ "$(id -u)" != 0 ]; then
  sudo=(sudo)
fi

# --- Debian packages --------------------------------------------------------------------
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
missing=()
for pkg in chromium chromium-driver; do
  installed "$pkg" || missing+=("$pkg")
done
# vnu.jar needs Java 11 or newer; any installed one will do.
if ! java -version 2>&1 | grep -qE 'version "(1[1-9]|[2-9][0-9])'; then
  missing+=(default-jre-headless)
fi
if ! { command -v fc-list >/dev/null && fc-list :lang=ko | grep -q .; }; then
  missing+=(fonts-noto-cjk)
fi
if ((${#missing[@]})); then
  echo "install-browser: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- npm: vnu-jar and axe-core ----------------------------------------------------------
npm_version() {
  node -p "require('./$TOOLS/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(npm_version vnu-jar)" != "$VNU_VERSION" ] || [ "$(npm_version axe-core)" != "$AXE_VERSION" ]; then
  echo "install-browser: npm install vnu-jar@$VNU_VERSION axe-core@$AXE_VERSION"
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"private": true}' >"$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
    "vnu-jar@$VNU_VERSION" "axe-core@$AXE_VERSION" >/dev/null
fi
test -f "$TOOLS/node_modules/vnu-jar/build/dist/vnu.jar"
test -f "$TOOLS/node_modules/axe-core/axe.min.js"

# --- pip: feedparser, extruct, selenium, icalendar, pillow --------------------------------------
stamp="$TOOLS/python/.installed"
want="$(python3 -c 'import sys; print(sys.version_info[:2])') $(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "install-browser: pip install -r $REQUIREMENTS"
  rm -rf "$TOOLS/python"
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
    --target "$TOOLS/python" -r "$REQUIREMENTS"
  echo "$want" >"$stamp"
fi

echo "install-browser: ready in $(($(date +%s) - started)) s ($(chromium --version 2>/dev/null | head -1); $(java -version 2>&1 | head -1); vnu $VNU_VERSION; axe-core $AXE_VERSION)"
