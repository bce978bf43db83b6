#!/usr/bin/env bash
# Takes the README's pictures: each step of the help article's setup and a login with a code,
# from a freshly built release server, into docs/screenshots/ (PNG).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo leptos build --release --precompress --split
export WEBAPP_TRUSTED_PROXIES=127.0.0.1 RUST_LOG=warn
source scripts/release-server.sh
(cd end2end && BASE_URL="$BASE" OUTBOX_DIR="$WORK/outbox" SMS_OUTBOX_DIR="$WORK/sms-outbox" SCREENSHOTS_DIR="$PWD/../docs/screenshots" \
  npx playwright test --config screenshots.config.ts)
ls -l docs/screenshots
