#!/usr/bin/env bash
# The cluster-mode benchmark (bench/README.md, "Cluster mode"): embedded node vs cluster node vs 1..3 nodes
# behind nginx (Orleans silos: membership on Redis, state on PostgreSQL), and the database round trips of one
# chat request.
#
#   bench/cluster.sh [bench switches]      e.g. bench/cluster.sh --quick, bench/cluster.sh --rounds 5
#
# It builds the bench (Release; skip with NO_BUILD=1), starts a private Redis (deploy/redis.sh, port
# MIRRORGATE_BENCH_REDIS_PORT or 56442) and a private PostgreSQL with pg_stat_statements (deploy/postgres.sh,
# port MIRRORGATE_BENCH_PG_PORT or 55442), each in a fresh temporary folder, finds nginx (NGINX, or nginx in
# PATH, or Debian's package unpacked into ~/.cache/mirrorgate-bench without installing it: no service is
# started), runs `MirrorGate.Bench --cluster` from the repository root, and on the way out, however it ends,
# stops PostgreSQL, Redis, any nginx of this run and any process the bench left behind, and removes the folder
# (KEEP_PG_LOG=PATH keeps a copy of the PostgreSQL server log).
# The report goes to bench/results/cluster.md (or --out PATH). Run it on an otherwise idle machine.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
log() { echo "cluster.sh: $*" >&2; }

RUN_ID="mg-bench-cluster-$$-$(date +%s)"
RUN_DIR="$(mktemp -d "/tmp/mirrorgate-bench-cluster.XXXXXX")"
PG_DIR="$RUN_DIR/postgres"
REDIS_DIR="$RUN_DIR/redis"
mkdir -p "$PG_DIR" "$RUN_DIR/tmp"
PG_PORT="${MIRRORGATE_BENCH_PG_PORT:-55442}"
REDIS_PORT="${MIRRORGATE_BENCH_REDIS_PORT:-56442}"
PG_STARTED=0
REDIS_STARTED=0

cleanup() {
  local status=$?
  set +e
  # nginx of this run (the bench stops it; this is for a bench that was killed): the master's pid file.
  for pidfile in "$RUN_DIR"/tmp/mirrorgate-bench-nginx-*/nginx.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile" 2>/dev/null)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      log "stopping nginx $pid left by the bench"
      kill -QUIT "$pid" 2>/dev/null; sleep 1; kill -KILL "$pid" 2>/dev/null
    fi
  done
  # Any other process the bench started and left (simulator, nodes): they carry this run's marker in their environment.
  # (Redis and PostgreSQL are daemons of the deploy scripts, stopped by them below.)
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"; pid="${pid%/environ}"
    [ "$pid" != "$$" ] || continue
    if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qx "MIRRORGATE_BENCH_RUN=$RUN_ID"; then
      log "stopping process $pid left by the bench"
      kill -TERM "$pid" 2>/dev/null; sleep 0.5; kill -KILL "$pid" 2>/dev/null
    fi
  done
  if [ "$PG_STARTED" = 1 ]; then
    bash "$REPO/deploy/postgres.sh" stop --dir "$PG_DIR" || log "could not stop PostgreSQL in $PG_DIR"
    if [ -n "${KEEP_PG_LOG:-}" ]; then cp "$PG_DIR/postgres.log" "$KEEP_PG_LOG" && log "PostgreSQL log kept in $KEEP_PG_LOG"; fi
  fi
  if [ "$REDIS_STARTED" = 1 ]; then
    bash "$REPO/deploy/redis.sh" stop --dir "$REDIS_DIR" || log "could not stop Redis in $REDIS_DIR"
  fi
  rm -rf "$RUN_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- nginx: given, installed, or unpacked from Debian's package (never installed as a service)
find_nginx() {
  if [ -n "${NGINX:-}" ]; then echo "$NGINX"; return; fi
  if command -v nginx >/dev/null 2>&1; then command -v nginx; return; fi
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/mirrorgate-bench/nginx"
  if [ ! -x "$cache/usr/sbin/nginx" ]; then
    command -v apt-get >/dev/null 2>&1 || { log "nginx not found and no apt-get: set NGINX=/path/to/nginx"; exit 1; }
    log "nginx not found; unpacking Debian's nginx package into $cache (not installed, no service)"
    mkdir -p "$cache/deb"
    # Bookworm's nginx-light is a transitional package; the binary is in "nginx".
    if ! (cd "$cache/deb" && apt-get download nginx >&2 2>/dev/null); then
      apt-get update -q >&2
      (cd "$cache/deb" && apt-get download nginx >&2)
    fi
    dpkg -x "$(ls -t "$cache"/deb/nginx_*.deb | head -n1)" "$cache"
  fi
  if ldd "$cache/usr/sbin/nginx" | grep -q "not found"; then
    log "the unpacked nginx misses libraries: $(ldd "$cache/usr/sbin/nginx" | grep 'not found' | tr -s ' ' | tr '\n' ';')"
    exit 1
  fi
  echo "$cache/usr/sbin/nginx"
}
NGINX_BIN="$(find_nginx)"
log "nginx: $NGINX_BIN"

# ---- build
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building the bench (Release)"
  dotnet build -c Release bench/MirrorGate.Bench -v quiet -nologo >&2
fi
BENCH_DLL="$REPO/bench/MirrorGate.Bench/bin/Release/net10.0/MirrorGate.Bench.dll"
[ -f "$BENCH_DLL" ] || { log "$BENCH_DLL is missing: build first"; exit 1; }

# ---- Redis of this run: the cluster's membership, configured as deploy/redis.sh ships it
log "starting Redis on 127.0.0.1:$REDIS_PORT in $REDIS_DIR"
REDIS_STARTED=1
REDIS="$(bash "$REPO/deploy/redis.sh" start --port "$REDIS_PORT" --dir "$REDIS_DIR")"
log "Redis: $REDIS"

# ---- PostgreSQL of this run, with pg_stat_statements
log "starting PostgreSQL on 127.0.0.1:$PG_PORT in $PG_DIR"
PG_STARTED=1
CONN="$(MIRRORGATE_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top ${MIRRORGATE_BENCH_PG_OPTIONS:-}" \
  bash "$REPO/deploy/postgres.sh" start --port "$PG_PORT" --dir "$PG_DIR")"
log "PostgreSQL: $CONN"

# ---- the bench (its temp folders, nginx prefix and node data, live in this run's folder)
MIRRORGATE_BENCH_RUN="$RUN_ID" TMPDIR="$RUN_DIR/tmp" \
  dotnet "$BENCH_DLL" --cluster --redis "$REDIS" --postgres "$CONN" --postgres-log "$PG_DIR/postgres.log" --nginx "$NGINX_BIN" "$@"
