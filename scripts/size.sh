#!/usr/bin/env bash
# Prints what a first visit of each page moves on the wire (HTML, WASM, JS, CSS; brotli as
# served, headers included, as Chromium counts it) and the largest functions in the WASM
# (twiggy, on the build before wasm-bindgen, which keeps function names), and how long a slow
# phone (CPU 4x slower) takes until the login button and the 2FA modal answer. Figures, not
# pass/fail: the budgets are checked by tests/budgets.spec.ts in the test command.
#
#   bash scripts/size.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
if ! command -v twiggy >/dev/null; then
  cargo install --locked twiggy --version 0.8.0
fi

cargo leptos build --release --precompress --split

export RUST_LOG=warn
source scripts/release-server.sh

echo "== First visit, empty cache, per page (bytes on the wire)"
(cd end2end && BASE_URL="$BASE" OUTBOX_DIR="$WORK/outbox" node measure/first-load.mjs)

echo
echo "== Until the page answers a click, CPU throttled 4x"
(cd end2end && BASE_URL="$BASE" OUTBOX_DIR="$WORK/outbox" node measure/interactive.mjs)

echo
echo "== Largest contributors inside the WASM (twiggy top, before wasm-bindgen and wasm-opt)"
wasm=$(ls target/front/wasm32-unknown-unknown/wasm-release/*.wasm 2>/dev/null | head -n 1)
if [ -n "$wasm" ]; then
  twiggy top -n 20 "$wasm"
else
  echo "no WASM found under target/front/wasm32-unknown-unknown/wasm-release" >&2
fi
