#!/usr/bin/env bash
# The soak run (not in the test command): scripts/traffic.py's steady mixed traffic for a while,
# first against one release instance on SQLite, then against two on PostgreSQL behind HAProxy
# (scripts/cluster.sh), printing requests/s, p50/p99 latency and RSS each minute, and whether
# memory and latency stayed flat (scripts/soak.py).
#
#   bash scripts/soak.sh               # 10 minutes each
#   bash scripts/soak.sh --minutes 3
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=10
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    *) echo "usage: bash scripts/soak.sh [--minutes N]" >&2; exit 2 ;;
  esac
done
export PATH="$HOME/.cargo/bin:$PATH"
[ -x target/release/server ] && [ -d target/site/pkg ] || cargo leptos build --release --precompress --split

status=0
echo "== One instance on SQLite, $MINUTES minutes"
(
  export WEBAPP_TRUSTED_PROXIES=127.0.0.1 RUST_LOG=warn
  # shellcheck disable=SC1091
  source scripts/release-server.sh
  python3 scripts/soak.py --minutes "$MINUTES" --front "$BASE" --instance "only=$BASE" --pid "$SERVER_PID" \
    --outbox "$WORK/outbox" --database "$RELEASE_DATABASE_URL"
) || status=$?

echo
echo "== Two instances on PostgreSQL behind HAProxy, $MINUTES minutes"
trap 'bash scripts/cluster.sh down' EXIT
bash scripts/cluster.sh up
# shellcheck disable=SC1091
source "${CLUSTER_DIR:-target/cluster}/env"
python3 scripts/soak.py --minutes "$MINUTES" --front "$BALANCER" \
  --instance "a=$INSTANCE_a" --instance "b=$INSTANCE_b" \
  --pid "$(cat "${CLUSTER_DIR:-target/cluster}/instance-a.pid")" --pid "$(cat "${CLUSTER_DIR:-target/cluster}/instance-b.pid")" \
  --outbox "$OUTBOX_DIR" --database "$DATABASE_URL" || status=$?
exit $status
