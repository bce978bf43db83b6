#!/usr/bin/env bash
# Prints the WebApp's speed and size figures: requests per second and latency percentiles of the
# release server under load (wrk on loopback, SQLite in a temporary folder), and the bytes of the
# browser bundle as served (raw, gzip, brotli). Figures, not pass/fail: they depend on the machine,
# and the load generator shares its cores with the server.
#
#   bash scripts/bench.sh            # 10 s per scenario
#   BENCH_SECONDS=30 BENCH_CONNECTIONS=64 bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

bash scripts/install-tools.sh
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Please install wrk (apt-get install -y wrk)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

cargo leptos build --release --precompress

export RUST_LOG=warn
source scripts/release-server.sh

EMAIL=bench@example.org
PASSWORD='correct horse battery staple'
curl -fsS -c "$WORK/jar" -o /dev/null "$BASE/api/signup" \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD"
# curl marks HttpOnly cookies with a "#HttpOnly_" prefix, which is not a comment.
COOKIE=$(sed 's/^#HttpOnly_//' "$WORK/jar" | awk '!/^#/ && NF >= 7 {print $6 "=" $7}' | tail -n 1)
[ -n "$COOKIE" ] || { echo "no session cookie after sign-up" >&2; exit 1; }

# A POST with url-encoded fields, as the WASM sends to a server function.
post_script() {
  cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.body = "$1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF
  echo "$WORK/post.lua"
}

# $1: title; the rest: wrk arguments after the common ones.
run() {
  local title=$1; shift
  echo
  echo "== $title"
  wrk --latency -t 2 -c "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" "$@" |
    grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
}

echo "== Machine: $(nproc) cores; wrk: 2 threads, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per scenario"
run "GET / logged out: the login page, rendered on the server" "$BASE/"
run "GET /settings/security logged in: session lookup, 2FA status, activity, render" \
  -H "Cookie: $COOKIE" "$BASE/settings/security"
run "POST /api/session logged in: a server function behind the session" \
  -H "Cookie: $COOKIE" -s "$(post_script "")" "$BASE/api/session"
# Each login hashes a password with argon2id (19 MiB, 2 passes): slow on purpose.
run "POST /api/login: argon2id password check and a new session (4 connections)" \
  -c 4 -s "$(post_script "email=bench%40example.org&password=correct+horse+battery+staple")" \
  "$BASE/api/login"

echo
echo "== Browser bundle as served (bytes; the server picks .br or .gz by Accept-Encoding)"
printf '%-28s %10s %10s %10s\n' file raw gzip brotli
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo -; fi; }
  printf '%-28s %10s %10s %10s\n' "$(basename "$f")" "$(size "$f")" "$(size "$f.gz")" "$(size "$f.br")"
done
