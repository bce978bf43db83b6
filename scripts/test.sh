#!/usr/bin/env bash
# Sets up this machine (when needed) and runs every test: Rust unit and integration tests, then
# the Playwright suite in Debian's Chromium against a freshly built release server that this
# script starts on a free loopback port and stops again.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# A full run needs about 5 GB in target/ (debug tests, release server, WASM bundle).
echo "== Disk space here"
df -h . | tail -n 1

bash scripts/install-tools.sh

# Chromium for Playwright, zbarimg to decode QR codes, oathtool as an independent TOTP.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
command -v oathtool >/dev/null || missing+=(oathtool)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Please install: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

export PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# PostgreSQL, the second engine of the integration tests: started when it is not running.
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ "$(id -u)" -eq 0 ] && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# Each test makes a database of its own; drop those that earlier runs left.
psql "$PG_URL" -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'webapp_test_%'" |
  while read -r db; do psql "$PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done

echo "== Rust unit and integration tests on SQLite"
cargo test --workspace --exclude frontend

echo "== Integration tests on PostgreSQL ($PG_URL)"
TEST_POSTGRES_URL="$PG_URL" cargo test -p server --tests

echo "== Release build (server and WASM bundle)"
cargo leptos build --release --precompress

echo "== End-to-end tests in Chromium"
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LEPTOS_SITE_ROOT=target/site \
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
DATABASE_URL="sqlite://$WORK/e2e.db?mode=rwc" \
WEBAPP_KEY_FILE="$WORK/secret.key" \
  target/release/server >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap 'stop_server; rm -rf "$WORK"' EXIT

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log" >&2; exit 1; fi
  sleep 0.2
done

status=0
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" npx playwright test) || status=$?
if [ $status -ne 0 ]; then
  echo "== Server log" >&2
  tail -n 100 "$WORK/server.log" >&2
fi
exit $status
