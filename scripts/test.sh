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

# Chromium for Playwright, zbarimg to decode QR codes, oathtool as an independent TOTP, HAProxy
# for the fault test's balancer.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
command -v oathtool >/dev/null || missing+=(oathtool)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Please install: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

export PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# From PyPI: a real SMTP server for the mail tests (aiosmtpd), and schemathesis, which checks
# the running server against its OpenAPI document.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip install --quiet aiosmtpd
fi
if ! command -v schemathesis >/dev/null; then
  python3 -m pip install --quiet schemathesis
fi

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

echo "== Module graph (no import circle, no import from a lower layer up to a higher one)"
python3 scripts/check_layers.py

echo "== Format and lints (rustfmt, clippy for the server and the browser build)"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

echo "== Rust unit and integration tests on SQLite"
cargo test --workspace --exclude frontend

echo "== Integration tests on PostgreSQL ($PG_URL)"
TEST_POSTGRES_URL="$PG_URL" cargo test -p server --tests

echo "== Release build (server and WASM bundle)"
cargo leptos build --release --precompress --split

echo "== End-to-end tests in Chromium"
# Each test's browser names an address of its own in X-Forwarded-For (sign-ups and failed logins
# are limited per client address); the server believes it from loopback only.
export WEBAPP_TRUSTED_PROXIES=127.0.0.1
export WEBAPP_METRICS_ADDR=main
source scripts/release-server.sh

status=0
curl -fsS "$BASE/metrics" >"$WORK/metrics-before.txt"
(cd end2end && BASE_URL="$BASE" OUTBOX_DIR="$WORK/outbox" SMS_OUTBOX_DIR="$WORK/sms-outbox" npx playwright test) || status=$?
curl -fsS "$BASE/metrics" >"$WORK/metrics-after.txt"

echo "== What /metrics saw move during the browser tests"
python3 scripts/metrics_delta.py "$WORK/metrics-before.txt" "$WORK/metrics-after.txt" || status=$?

echo "== The API against its OpenAPI document (schemathesis: no 5xx, every answer as documented)"
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
schemathesis run "$BASE/api/openapi.json" --checks "$CHECKS" -n 30 --generation-deterministic || status=$?
# Again as a logged-in caller, so the functions behind the login answer more than 401.
cookie=$(curl -fsS -D - -o /dev/null "$BASE/api/signup" -H 'X-Forwarded-For: 10.255.255.1' \
  --data-urlencode email=schemathesis@example.org --data-urlencode 'password=correct horse battery staple' |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(session=[^;]*\).*/\1/p')
schemathesis run "$BASE/api/openapi.json" --checks "$CHECKS" -n 30 --generation-deterministic \
  -H "Cookie: $cookie" || status=$?

echo "== Faults behind a real balancer: two instances on PostgreSQL behind HAProxy, under traffic,"
echo "   restarted in turn twice, one killed, the database stopped; nothing may be lost"
bash scripts/faults.sh || status=$?

if [ $status -ne 0 ]; then
  echo "== Server log" >&2
  tail -n 100 "$WORK/server.log" >&2
fi
exit $status
