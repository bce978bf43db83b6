#!/usr/bin/env bash
# The fault test: two release instances on PostgreSQL behind HAProxy (scripts/cluster.sh), steady
# mixed traffic through the balancer (scripts/faults.py), and meanwhile two rolling restarts, a
# SIGKILL and a PostgreSQL stop of a few seconds. Fails on any lost request, lost or doubled data,
# or a failure without a clear reason. About two minutes; run by the test command after the
# release build.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v haproxy >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Please install HAProxy: apt-get install -y haproxy" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy
fi

# Whatever happens, the instances and the balancer stop and PostgreSQL runs again.
trap 'bash scripts/cluster.sh down' EXIT
bash scripts/cluster.sh up
status=0
python3 scripts/faults.py || status=$?
if [ $status -ne 0 ]; then
  for name in a b; do
    echo "== Warnings and errors in instance $name's log (the last 40)" >&2
    grep -E " (WARN|ERROR) " "${CLUSTER_DIR:-target/cluster}/instance-$name.log" | tail -n 40 >&2 || true
  done
fi
exit $status
