#!/usr/bin/env bash
# Sets up this machine (when needed) and serves the WebApp at http://127.0.0.1:3000 on a SQLite
# file under ./data/, which the server creates and migrates itself.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh
# wasm-opt from npm's binaryen: Debian's build breaks hydration.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec cargo leptos serve --release --precompress --split
