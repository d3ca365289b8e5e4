#!/usr/bin/env bash
# Local services without Docker: Postgres from the system packages and the Temporal dev server
# (with its UI), started idempotently on private ports; `down` stops only what `up` started.
#   scripts/services.sh up|down|status|db-create NAME|db-drop NAME
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEV=$ROOT/.dev
PG_PORT=${PG_PORT:-55432}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-8233}
TEST_NAMESPACE=${TEST_TEMPORAL_NAMESPACE:-feedbackpipe-test}
TEMPORAL=$("$ROOT/scripts/tools.sh" temporal-path)
# Postgres refuses to run as root: as root it runs as the postgres user, from a data folder that
# user can reach whatever the permissions of the checkout.
if [ "$(id -u)" = 0 ]; then
  PG_USER=postgres
  PG_HOME=/var/tmp/feedbackpipe-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)
else
  PG_USER=$(id -un)
  PG_HOME=$DEV/pg
fi
PGDATA=$PG_HOME/data
mkdir -p "$DEV"

say() { printf '%s\n' "$*"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_bin() {
  local d
  for d in "$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")")" /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_postgres_installed() {
  pg_bin >/dev/null && return 0
  say "Postgres binaries not found: installing them with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  pg_bin >/dev/null || { say "Postgres install failed"; exit 1; }
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_up() {
  ensure_postgres_installed
  local bin; bin=$(pg_bin)
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PG_HOME"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_HOME"
    as_pg "$bin/initdb" -D "$PGDATA" -U feedback --auth=trust -E UTF8 >"$DEV/initdb.log" 2>&1 \
      || { say "initdb failed: $(tail -3 "$DEV/initdb.log")"; exit 1; }
  fi
  if as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    say "Postgres already running on 127.0.0.1:$PG_PORT"
  elif port_open "$PG_PORT"; then
    # Another checkout's (or your own) Postgres: use it when it lets the feedback user in.
    as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U feedback -d postgres -tAc "SELECT 1" >/dev/null 2>&1 \
      || { say "port $PG_PORT is taken by a program that is not a Postgres accepting user feedback"; exit 1; }
    say "Postgres already running on 127.0.0.1:$PG_PORT (not started here; make down leaves it)"
  else
    as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PG_HOME/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_HOME -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null \
      || { say "Postgres did not start: $(tail -5 "$PG_HOME/postgres.log")"; exit 1; }
    echo "$PGDATA" >"$DEV/pg.started"
    say "Postgres started on 127.0.0.1:$PG_PORT (data $PGDATA)"
  fi
  local db
  for db in feedback feedback_demo; do
    if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U feedback -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
      as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U feedback "$db"
    fi
  done
}

temporal_up() {
  if "$TEMPORAL" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" >/dev/null 2>&1; then
    say "Temporal already running on 127.0.0.1:$TEMPORAL_PORT"
  else
    if port_open "$TEMPORAL_PORT"; then say "port $TEMPORAL_PORT is taken by another program"; exit 1; fi
    nohup "$TEMPORAL" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --db-filename "$DEV/temporal.db" --log-level warn \
      --dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=true \
      --dynamic-config-value system.enableActivityEagerExecution=true \
      >"$DEV/temporal.log" 2>&1 </dev/null &
    echo $! >"$DEV/temporal.pid"
    for _ in $(seq 1 120); do
      "$TEMPORAL" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" >/dev/null 2>&1 && break
      kill -0 "$(cat "$DEV/temporal.pid")" 2>/dev/null || { say "Temporal exited: $(tail -5 "$DEV/temporal.log")"; exit 1; }
      sleep 0.5
    done
    say "Temporal dev server started on 127.0.0.1:$TEMPORAL_PORT"
  fi
  local addr="127.0.0.1:$TEMPORAL_PORT" ns name
  # The tests' own namespace (testenv also registers it), so tests never touch your runs.
  if ! "$TEMPORAL" operator namespace describe --address "$addr" --namespace "$TEST_NAMESPACE" >/dev/null 2>&1; then
    "$TEMPORAL" operator namespace create --address "$addr" --namespace "$TEST_NAMESPACE" --retention 24h \
      --description "feedbackpipe tests" >/dev/null
  fi
  for ns in default "$TEST_NAMESPACE"; do
    for name in PipelineStatus PipelinePhase; do
      for _ in $(seq 1 40); do # a new namespace takes a moment to be served
        "$TEMPORAL" operator search-attribute list --address "$addr" --namespace "$ns" 2>/dev/null | grep -qw "$name" && break
        "$TEMPORAL" operator search-attribute create --address "$addr" --namespace "$ns" --name "$name" --type Keyword >/dev/null 2>&1 && break
        sleep 0.25
      done
    done
  done
}

case "${1:-}" in
  up)
    pg_up
    temporal_up
    say "Postgres:    postgres://feedback@127.0.0.1:$PG_PORT/feedback"
    say "Temporal:    127.0.0.1:$TEMPORAL_PORT"
    say "Temporal UI: http://localhost:$TEMPORAL_UI_PORT (tests run in namespace $TEST_NAMESPACE)"
    ;;
  down)
    if [ -f "$DEV/temporal.pid" ]; then
      pid=$(cat "$DEV/temporal.pid")
      kill "$pid" 2>/dev/null && say "Temporal stopped" || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      rm -f "$DEV/temporal.pid"
    fi
    if [ -f "$DEV/pg.started" ]; then
      bin=$(pg_bin) && as_pg "$bin/pg_ctl" -D "$(cat "$DEV/pg.started")" -m fast stop >/dev/null 2>&1 && say "Postgres stopped" || true
      rm -f "$DEV/pg.started"
    fi
    ;;
  db-create|db-drop) # a scratch database on the local Postgres, e.g. for `make eval`
    bin=$(pg_bin)
    if [ "$1" = db-create ]; then sql="CREATE DATABASE ${2:?database name}"; else sql="DROP DATABASE IF EXISTS ${2:?database name} WITH (FORCE)"; fi
    as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U feedback -d postgres -qc "$sql"
    ;;
  status)
    port_open "$PG_PORT" && say "Postgres: up" || say "Postgres: down"
    "$TEMPORAL" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" >/dev/null 2>&1 && say "Temporal: up" || say "Temporal: down"
    ;;
  *) echo "usage: $0 up|down|status|db-create NAME|db-drop NAME" >&2; exit 2 ;;
esac
