#!/usr/bin/env bash
# Installs the S3-compatible server that tests/it/deploy.rs runs on loopback: s3s-fs, a real
# implementation (Rust, crates.io) that checks every request's SigV4 signature, so the tests
# can show that a wrong credential is refused and changes nothing. Installed into cargo's bin
# folder, where the tests look for it. Idempotent; quick when installed.
set -euo pipefail
version=0.14.1
bin="${CARGO_HOME:-$HOME/.cargo}/bin/s3s-fs"
if [ -x "$bin" ] && [ "$(cat "$bin.version" 2>/dev/null)" = "$version" ]; then
    echo "s3s-fs: already installed ($version)"
    exit 0
fi
# The newest s3s-fs needs a newer rustc than CI's; --locked keeps its tested dependencies.
echo "s3s-fs: installing $version with cargo (a few minutes on a fresh machine, once)"
cargo install --locked s3s-fs --version "$version" --features binary
echo "$version" > "$bin.version"
echo "s3s-fs: installed ($version)"
