#!/usr/bin/env bash
# Sets up this machine (when needed) and serves the WebApp at http://localhost:3000 on a SQLite
# file under ./data/, which the server creates and migrates itself. Named localhost, not
# 127.0.0.1: browsers make passkeys only for a domain name.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh
# wasm-opt from npm's binaryen: Debian's build breaks hydration.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WEBAPP_PUBLIC_URL=${WEBAPP_PUBLIC_URL:-http://localhost:3000}
exec cargo leptos serve --release --precompress --split
