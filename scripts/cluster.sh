#!/usr/bin/env bash
# Two release instances of the WebApp on one PostgreSQL database, behind HAProxy (Debian's
# package), as a deployment that outgrew one machine runs it: the balancer checks each instance's
# /readyz and sends traffic only to those that answer 200.
#
#   bash scripts/cluster.sh up           # PostgreSQL, a fresh database, instances a and b, HAProxy
#   bash scripts/cluster.sh restart a    # SIGTERM (the instance drains, then stops), start again
#   bash scripts/cluster.sh kill a       # SIGKILL
#   bash scripts/cluster.sh start a      # start an instance that is not running
#   bash scripts/cluster.sh db-stop      # stop PostgreSQL (db-start starts it again)
#   bash scripts/cluster.sh status       # the balancer's address and what each part is doing
#   bash scripts/cluster.sh down         # stop everything and drop the database
#
# State lives in CLUSTER_DIR (target/cluster): the HAProxy configuration, the key file both
# instances share, their logs, the mail outbox they share, and `env` with the addresses
# (BALANCER, INSTANCE_a, INSTANCE_b, DATABASE_URL) for scripts to source. Needs the release build
# (`cargo leptos build --release`); `up` builds it when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${CLUSTER_DIR:-$ROOT/target/cluster}
PG_ADMIN_URL=${CLUSTER_POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB_NAME=${CLUSTER_DB_NAME:-webapp_cluster}
# Short enough for a test, long enough for HAProxy's checks (every 300 ms) to take it out.
DRAIN_SECS=${CLUSTER_DRAIN_SECS:-2}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_version() { ls /etc/postgresql | head -n 1; }

db_start() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.5; done
    echo "PostgreSQL did not start" >&2
    return 1
  fi
}

db_stop() {
  pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main stop -m fast
}

pid_of() { cat "$DIR/instance-$1.pid" 2>/dev/null || true; }

running() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Waits until instance $1 answers /readyz with 200 (60 s at most).
wait_ready() {
  local port
  port=$(cat "$DIR/instance-$1.port")
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; then return 0; fi
    if ! running "$1"; then
      echo "instance $1 exited; its log:" >&2
      tail -n 30 "$DIR/instance-$1.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "instance $1 is not ready after 60 s" >&2
  return 1
}

start_instance() {
  local name=$1 port
  port=$(cat "$DIR/instance-$name.port")
  # shellcheck disable=SC1091
  source "$DIR/env"
  LEPTOS_SITE_ROOT=target/site \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  DATABASE_URL="$DATABASE_URL" \
  WEBAPP_PUBLIC_URL="$BALANCER" \
  WEBAPP_KEY_FILE="$DIR/secret.key" \
  WEBAPP_OUTBOX_DIR="$DIR/outbox" \
  WEBAPP_SMS_OUTBOX_DIR="$DIR/sms-outbox" \
  WEBAPP_TRUSTED_PROXIES=127.0.0.1 \
  WEBAPP_DRAIN_SECS="$DRAIN_SECS" \
  WEBAPP_METRICS_ADDR=off \
  WEBAPP_LOG_FORMAT=text NO_COLOR=1 \
    setsid target/release/server >>"$DIR/instance-$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/instance-$name.pid"
  wait_ready "$name"
}

# SIGTERM, then waits for the exit (the drain and the grace: 30 s at most).
stop_instance() {
  local name=$1 pid
  pid=$(pid_of "$name")
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "instance $name did not stop within 30 s" >&2
  return 1
}

write_haproxy_config() {
  local balancer_port=$1 port_a=$2 port_b=$3
  # What the balancer answers when no instance is ready (the database is down, say): a 503 with
  # a reason, in the shape of the API's errors, never its own HTML page.
  printf '%s\r\n' \
    'HTTP/1.1 503 Service Unavailable' \
    'Content-Type: application/json' \
    'Cache-Control: no-store' \
    'Retry-After: 5' \
    'Connection: close' \
    '' \
    '{"error":"no_instance_ready","message":"No instance of the WebApp is ready (each says why at /readyz). Try again in a few seconds.","retry_after_secs":5}' \
    >"$DIR/503.http"
  cat >"$DIR/haproxy.cfg" <<EOF
global
    maxconn 4096
    # For scripts/faults.py: the balancer's own counts (retries, redispatches).
    stats socket $DIR/haproxy.sock mode 600 level user

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # A new connection to the instance per request: an idle kept-alive one could be closed by an
    # instance that is stopping just as a request is sent on it.
    option http-server-close
    # A request whose connection was refused never reached an instance: sent to another one.
    retries 3
    retry-on conn-failure
    option redispatch 1
    errorfile 503 $DIR/503.http

frontend webapp
    bind 127.0.0.1:$balancer_port
    # The client's address, for the instances' per-address limits (--trusted-proxies).
    option forwardfor
    default_backend instances

backend instances
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    # Out after one failed check, back after two good ones.
    default-server inter 300ms fastinter 300ms downinter 500ms fall 1 rise 2
    server a 127.0.0.1:$port_a check
    server b 127.0.0.1:$port_b check
EOF
}

up() {
  command -v haproxy >/dev/null || {
    echo "HAProxy is missing: apt-get install -y haproxy" >&2
    exit 1
  }
  [ -x target/release/server ] && [ -d target/site/pkg ] || cargo leptos build --release --precompress --split
  down_quietly
  mkdir -p "$DIR/outbox" "$DIR/sms-outbox"
  db_start
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\"" >/dev/null
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  local balancer_port port_a port_b
  balancer_port=$(free_port)
  port_a=$(free_port)
  port_b=$(free_port)
  echo "$port_a" >"$DIR/instance-a.port"
  echo "$port_b" >"$DIR/instance-b.port"
  cat >"$DIR/env" <<EOF
BALANCER=http://127.0.0.1:$balancer_port
INSTANCE_a=http://127.0.0.1:$port_a
INSTANCE_b=http://127.0.0.1:$port_b
DATABASE_URL=${PG_ADMIN_URL%/*}/$DB_NAME
OUTBOX_DIR=$DIR/outbox
EOF
  # The first instance makes the key file and migrates; the second finds both done.
  start_instance a
  start_instance b
  write_haproxy_config "$balancer_port" "$port_a" "$port_b"
  haproxy -f "$DIR/haproxy.cfg" -c -q
  setsid haproxy -f "$DIR/haproxy.cfg" >>"$DIR/haproxy.log" 2>&1 </dev/null &
  echo $! >"$DIR/haproxy.pid"
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$balancer_port/readyz"; then
      echo "balancer on http://127.0.0.1:$balancer_port, instances on $port_a and $port_b"
      return 0
    fi
    sleep 0.1
  done
  echo "the balancer does not answer" >&2
  return 1
}

down_quietly() {
  for name in a b; do
    local pid
    pid=$(pid_of "$name")
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
  local pid
  pid=$(cat "$DIR/haproxy.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$DIR"
}

down() {
  for name in a b; do stop_instance "$name" || true; done
  local pid
  pid=$(cat "$DIR/haproxy.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  db_start
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null || true
  rm -rf "$DIR"
}

status() {
  # shellcheck disable=SC1091
  source "$DIR/env"
  echo "balancer: $BALANCER"
  for name in a b; do
    local port ready
    port=$(cat "$DIR/instance-$name.port")
    ready=$(curl -sS "http://127.0.0.1:$port/readyz" 2>&1 || true)
    echo "instance $name (127.0.0.1:$port, pid $(pid_of "$name")): $ready"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart) stop_instance "$2" && start_instance "$2" ;;
  stop) stop_instance "$2" ;;
  kill) kill -KILL "$(pid_of "$2")" ;;
  start) start_instance "$2" ;;
  db-stop) db_stop ;;
  db-start) db_start ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
