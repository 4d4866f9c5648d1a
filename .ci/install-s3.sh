#!/usr/bin/env bash
# Installs the S3-compatible server that tests/deploy.rs runs on loopback: moto's server, from
# PyPI, for the `python3` on PATH (the one the tests start). Idempotent; quick when installed.
set -euo pipefail
if python3 -c "import moto.server, flask, werkzeug" >/dev/null 2>&1; then
    echo "moto server: already installed ($(python3 -c 'import moto; print(moto.__version__)'))"
    exit 0
fi
pip=(python3 -m pip install --quiet --disable-pip-version-check)
# A Debian system Python refuses plain installs (PEP 668); a user install is fine for tests.
"${pip[@]}" "moto[server]==5.2.5" || "${pip[@]}" --user --break-system-packages "moto[server]==5.2.5"
python3 -c "import moto.server, flask, werkzeug"
echo "moto server: installed ($(python3 -c 'import moto; print(moto.__version__)'))"
