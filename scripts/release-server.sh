# Sourced by test.sh and bench.sh: starts the release server (built by `cargo leptos build
# --release`) on a free loopback port, on a fresh SQLite database in a temporary folder (or on
# RELEASE_SERVER_DATABASE_URL when set), and stops it and removes the folder when the calling
# script exits.
# Sets WORK (the folder; the log is $WORK/server.log, mails go to $WORK/outbox), BASE (the server's URL) and SERVER_PID.

WORK=$(mktemp -d)
# The tests run `server admin …` against the same database and key (end2end/tests/access_codes.spec.ts).
export RELEASE_DATABASE_URL="${RELEASE_SERVER_DATABASE_URL:-sqlite://$WORK/webapp.db?mode=rwc}"
export RELEASE_KEY_FILE="$WORK/secret.key"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Browsers refuse an IP address as a passkey's relying party: the server is reached, and names
# itself in links, as localhost (which resolves to loopback).
BASE="http://localhost:$PORT"
LEPTOS_SITE_ROOT=target/site \
WEBAPP_PUBLIC_URL="$BASE" \
LEPTOS_SITE_ADDR="127.0.0.1:$PORT" \
DATABASE_URL="$RELEASE_DATABASE_URL" \
WEBAPP_KEY_FILE="$RELEASE_KEY_FILE" \
WEBAPP_OUTBOX_DIR="$WORK/outbox" \
WEBAPP_SMS_OUTBOX_DIR="$WORK/sms-outbox" \
  target/release/server >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$BASE/"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log" >&2; exit 1; fi
  sleep 0.2
done
