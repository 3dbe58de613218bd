#!/usr/bin/env bash
# A PostgreSQL server of MirrorGate's own for development, tests and small clusters, on loopback only.
#
#   deploy/postgres.sh start  [--port N] [--dir DIR]   install if needed, init, start; prints the connection string
#   deploy/postgres.sh stop   [--dir DIR]              stops the server in DIR (if this script started one there)
#   deploy/postgres.sh status [--dir DIR]              exit 0 when it runs, 3 when it does not
#   deploy/postgres.sh url    [--port N] [--dir DIR]   prints the connection string, starts nothing
#
# Defaults: port 55432 (env MIRRORGATE_PG_PORT), dir <repo>/.postgres (env MIRRORGATE_PG_DIR). Extra
# server options come from MIRRORGATE_PG_OPTIONS (e.g. "-c fsync=off -c synchronous_commit=off" for
# throwaway test data only).
#
# stdout carries only the connection string (Host=127.0.0.1;Port=N;Username=mirrorgate;Database=mirrorgate);
# progress and errors go to stderr. Every step is idempotent.
#
# The server is a cluster of its own in DIR/data (initdb, superuser "mirrorgate", trust authentication
# for loopback and the socket in DIR), started with pg_ctl and logging to DIR/postgres.log. It never
# uses or touches the Debian-managed clusters (pg_ctlcluster, systemd) or any server it did not start:
# it only acts on a DIR holding its marker file.
#
# When PostgreSQL is not installed and the script runs as root, it installs Debian's "postgresql"
# package. PostgreSQL refuses to run as root, so as root the server runs as the "postgres" user (from
# that package) or, without one, a system user "mirrorgate-pg" created here.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MARKER=".mirrorgate-postgres"
DB_USER="mirrorgate"
DB_NAME="mirrorgate"
SERVICE_USER="mirrorgate-pg"

log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------- arguments
[ $# -ge 1 ] || usage
COMMAND="$1"; shift
PORT="${MIRRORGATE_PG_PORT:-55432}"
DIR="${MIRRORGATE_PG_DIR:-$REPO/.postgres}"
PORT_GIVEN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage; PORT="$2"; PORT_GIVEN=1; shift 2 ;;
    --port=*) PORT="${1#--port=}"; PORT_GIVEN=1; shift ;;
    --dir) [ $# -ge 2 ] || usage; DIR="$2"; shift 2 ;;
    --dir=*) DIR="${1#--dir=}"; shift ;;
    -h|--help) usage ;;
    *) echo "postgres.sh: unknown argument: $1" >&2; usage ;;
  esac
done
case "$COMMAND" in start|stop|status|url) ;; -h|--help|help) usage ;; *) echo "postgres.sh: unknown command: $COMMAND" >&2; usage ;; esac
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "invalid port: $PORT"
[ -n "$DIR" ] || die "empty --dir"
# pg_ctl hands its options to a shell and PostgreSQL parses the socket directory as a list: keep the path plain.
[[ "$DIR" =~ ^[A-Za-z0-9_./+@:=-]+$ ]] || die "--dir must be a plain path (letters, digits, _ . / + @ : = -): $DIR"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR="$(realpath -m -- "$DIR")"
[ "$DIR" != "/" ] || die "--dir / is not allowed"
DATA="$DIR/data"
LOGFILE="$DIR/postgres.log"

# Keep the caller's libpq settings out of our own client calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS PGPASSWORD PGSSLMODE PGTARGETSESSIONATTRS || true

connection_string() { echo "Host=127.0.0.1;Port=$1;Username=$DB_USER;Database=$DB_NAME"; }

# ---------------------------------------------------------------- finding (and installing) PostgreSQL
BIN=""

version_of_bin() { # major version of the initdb in $1
  "$1/initdb" --version 2>/dev/null | head -n1 | sed -E 's/^[^0-9]*([0-9]+).*/\1/'
}

find_bin() { # sets BIN to a folder holding initdb, pg_ctl and postgres; prefers the data dir's version
  local want="" candidates=() d
  [ -f "$DATA/PG_VERSION" ] && want="$(tr -d '[:space:]' <"$DATA/PG_VERSION")"
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    candidates+=("$(dirname "$(command -v pg_ctl)")")
  fi
  while IFS= read -r d; do
    [ -n "$d" ] && candidates+=("$d")
  done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r)
  BIN=""
  for d in "${candidates[@]+"${candidates[@]}"}"; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] || continue
    if [ -n "$want" ]; then
      [ "$(version_of_bin "$d")" = "$want" ] || continue
    fi
    BIN="$d"; return 0
  done
  if [ -n "$want" ] && [ "${#candidates[@]}" -gt 0 ]; then
    die "$DATA was made by PostgreSQL $want, which is not installed (found: ${candidates[*]}). Install postgresql-$want or remove $DIR."
  fi
  return 1
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL (initdb, pg_ctl) is not installed and this is not root. Install it first, e.g. \`sudo apt-get install -y --no-install-recommends postgresql\`, then run this again."
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available: install PostgreSQL (initdb, pg_ctl) yourself."
  log "PostgreSQL not found; installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
  if ! "${apt[@]}" install --no-install-recommends postgresql >&2; then
    log "install failed; running apt-get update and trying again"
    "${apt[@]}" update >&2
    "${apt[@]}" install --no-install-recommends postgresql >&2
  fi
  # The package may create and start its own cluster (port 5432); this script leaves that one alone.
}

need_bin() {
  find_bin && return 0
  install_postgres
  find_bin || die "PostgreSQL was installed but initdb/pg_ctl were not found in PATH or /usr/lib/postgresql/*/bin"
}

client() { # a client program from BIN, else from PATH
  if [ -n "$BIN" ] && [ -x "$BIN/$1" ]; then echo "$BIN/$1"
  elif command -v "$1" >/dev/null 2>&1; then command -v "$1"
  else die "$1 not found"; fi
}

# ---------------------------------------------------------------- running as the server's user
RUN_USER=""   # empty: run as ourselves

owner_of() { stat -c %U -- "$1"; }

choose_user() { # sets RUN_USER for the server's files and processes
  RUN_USER=""
  if [ "$(id -u)" -ne 0 ]; then
    if [ -e "$DATA" ] && [ "$(owner_of "$DATA")" != "$(id -un)" ]; then
      die "$DATA belongs to $(owner_of "$DATA"); run this as that user or as root"
    fi
    return 0
  fi
  if [ -e "$DATA" ]; then
    RUN_USER="$(owner_of "$DATA")"
    [ "$RUN_USER" != "root" ] && [ "$RUN_USER" != "UNKNOWN" ] || die "$DATA is owned by ${RUN_USER}; it must belong to the user the server runs as (not root)"
    return 0
  fi
  if id -u postgres >/dev/null 2>&1; then
    RUN_USER="postgres"
  else
    if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
      log "creating system user $SERVICE_USER (PostgreSQL refuses to run as root)"
      local shell=/usr/sbin/nologin; [ -x "$shell" ] || shell=/bin/false
      useradd --system --user-group --no-create-home --home-dir /nonexistent --shell "$shell" \
        --comment "MirrorGate PostgreSQL (deploy/postgres.sh)" "$SERVICE_USER" >&2 \
        || id -u "$SERVICE_USER" >/dev/null 2>&1 || die "could not create user $SERVICE_USER"
    fi
    RUN_USER="$SERVICE_USER"
  fi
}

as_user() { # runs a command as RUN_USER (from / so an unreadable working directory does not matter)
  if [ -n "$RUN_USER" ]; then
    (cd / && runuser -u "$RUN_USER" -- "$@")
  else
    "$@"
  fi
}

ensure_traversable() { # every ancestor of DIR must be searchable by RUN_USER
  [ -n "$RUN_USER" ] || return 0
  local p="$DIR"
  local parents=()
  while p="$(dirname "$p")"; [ "$p" != "/" ]; do parents=("$p" "${parents[@]+"${parents[@]}"}"); done
  for p in "${parents[@]+"${parents[@]}"}"; do
    if ! runuser -u "$RUN_USER" -- test -x "$p" 2>/dev/null; then
      if command -v setfacl >/dev/null 2>&1 && setfacl -m "u:$RUN_USER:x" "$p" 2>/dev/null; then
        log "granted $RUN_USER search permission on $p (ACL)"
      else
        chmod o+x "$p"
        log "made $p searchable by others (o+x) so $RUN_USER can reach $DIR"
      fi
    fi
  done
}

# ---------------------------------------------------------------- state of the server in DIR
is_ours() { [ -f "$DIR/$MARKER" ]; }

pid_line() { # line $1 of DATA/postmaster.pid (4 = port)
  if [ -r "$DATA/postmaster.pid" ]; then sed -n "${1}p" "$DATA/postmaster.pid" 2>/dev/null | tr -d '[:space:]' || true; fi
}

server_running() { # our postmaster for DATA is alive (pg_ctl checks the pid in postmaster.pid)
  is_ours && [ -f "$DATA/postmaster.pid" ] || return 1
  as_user "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

ready() { "$(client pg_isready)" -q -h 127.0.0.1 -p "$1" -U "$DB_USER" -d postgres -t 2 >/dev/null 2>&1; }

wait_ready() { # port, seconds
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    ready "$1" && return 0
    sleep 0.5
  done
  return 1
}

port_in_use() { # something answers on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

lock_dir() { # serialise concurrent runs on one DIR
  command -v flock >/dev/null 2>&1 || return 0
  { exec 9>>"$DIR/.lock"; } 2>/dev/null || return 0 # unwritable (another user's dir): go on unlocked
  flock -w 300 9 || die "another deploy/postgres.sh holds $DIR/.lock"
}

psql_q() { "$(client psql)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$@"; }

ensure_database() {
  local exists
  exists="$(psql_q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" || die "cannot query the server on port $PORT (see $LOGFILE)"
  if [ "$exists" != "1" ]; then
    log "creating database $DB_NAME"
    psql_q -d postgres -c "CREATE DATABASE $DB_NAME" >&2 \
      || [ "$(psql_q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" = "1" ] \
      || die "could not create database $DB_NAME"
  fi
}

# ---------------------------------------------------------------- commands
cmd_start() {
  if [ -e "$DIR" ] && ! is_ours; then
    if [ -d "$DIR" ] && [ -z "$(ls -A -- "$DIR")" ]; then :; else
      die "$DIR exists and was not made by deploy/postgres.sh (no $MARKER); choose another --dir"
    fi
  fi
  need_bin
  choose_user
  if [ ! -f "$DATA/postmaster.pid" ] && port_in_use "$PORT"; then # checked again under the lock below
    die "port $PORT on 127.0.0.1 is used by another program (not the server in $DIR); pick another with --port or MIRRORGATE_PG_PORT"
  fi
  mkdir -p -- "$DIR"
  lock_dir
  [ -f "$DIR/$MARKER" ] || echo "Made by deploy/postgres.sh: a PostgreSQL cluster in ./data, log in ./postgres.log. Stop it with: deploy/postgres.sh stop --dir $DIR" >"$DIR/$MARKER"
  if [ -n "$RUN_USER" ]; then
    chown "$RUN_USER:" "$DIR" "$DIR/$MARKER" "$DIR/.lock" 2>/dev/null || chown "$RUN_USER:" "$DIR"
    if [ -e "$LOGFILE" ]; then chown "$RUN_USER:" "$LOGFILE"; fi
    ensure_traversable
  fi
  chmod 0755 "$DIR"

  if server_running; then
    local running_port; running_port="$(pid_line 4)"
    [ -n "$running_port" ] || running_port="$PORT"
    if [ "$running_port" != "$PORT" ] && [ "$PORT_GIVEN" = 1 ]; then
      log "note: the server in $DIR already runs on port $running_port, not $PORT; using it"
    fi
    PORT="$running_port"
    wait_ready "$PORT" 60 || die "the server in $DIR runs but does not answer on 127.0.0.1:$PORT (see $LOGFILE)"
    log "already running in $DIR on port $PORT"
    ensure_database
    connection_string "$PORT"
    return 0
  fi

  if port_in_use "$PORT"; then
    die "port $PORT on 127.0.0.1 is used by another program (not the server in $DIR); pick another with --port or MIRRORGATE_PG_PORT"
  fi

  if [ ! -f "$DATA/PG_VERSION" ]; then
    if [ -e "$DATA" ]; then
      log "removing incomplete $DATA"
      rm -rf -- "$DATA"
    fi
    log "initdb $DATA (PostgreSQL $(version_of_bin "$BIN"), superuser $DB_USER, trust on loopback)"
    local quiet=(); [ "$(version_of_bin "$BIN")" -ge 14 ] 2>/dev/null && quiet=(--no-instructions)
    as_user "$BIN/initdb" -D "$DATA" -U "$DB_USER" --auth-local=trust --auth-host=trust \
      -E UTF8 --no-locale "${quiet[@]+"${quiet[@]}"}" >&2 || die "initdb failed"
  fi

  # The socket goes to DIR when its path fits the kernel's limit (107 bytes); else TCP only.
  local sockets="$DIR"
  if [ $(( ${#DIR} + 16 )) -gt 100 ]; then
    log "note: $DIR is too long for a Unix socket path; listening on TCP only"
    sockets=""
  fi
  local opts="-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='$sockets' -c max_connections=300"
  [ -n "${MIRRORGATE_PG_OPTIONS:-}" ] && opts="$opts $MIRRORGATE_PG_OPTIONS"

  log "starting PostgreSQL on 127.0.0.1:$PORT (data $DATA, log $LOGFILE)"
  # 9>&-: the server must not inherit (and so hold) this script's lock on DIR/.lock.
  if ! as_user "$BIN/pg_ctl" start -D "$DATA" -l "$LOGFILE" -w -t 120 -o "$opts" >&2 9>&-; then
    log "pg_ctl start failed; last lines of $LOGFILE:"
    tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
    exit 1
  fi
  wait_ready "$PORT" 60 || { tail -n 30 "$LOGFILE" >&2 2>/dev/null || true; die "the server started but does not answer on 127.0.0.1:$PORT"; }
  ensure_database
  log "ready"
  connection_string "$PORT"
}

cmd_stop() {
  if ! is_ours; then
    log "no server of deploy/postgres.sh in $DIR; nothing to stop"
    return 0
  fi
  if [ ! -f "$DATA/postmaster.pid" ]; then
    log "not running ($DIR)"
    return 0
  fi
  find_bin || die "the pg_ctl for $DATA is not installed; cannot stop it"
  choose_user
  lock_dir
  if ! server_running; then
    log "not running ($DIR)"
    return 0
  fi
  log "stopping the server in $DIR"
  as_user "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >&2
}

cmd_status() {
  if ! is_ours || [ ! -f "$DATA/postmaster.pid" ]; then
    log "not running ($DIR)"
    return 3
  fi
  find_bin || die "the pg_ctl for $DATA is not installed"
  choose_user
  if server_running; then
    local running_port; running_port="$(pid_line 4)"
    log "running in $DIR on 127.0.0.1:${running_port:-?} (pid $(pid_line 1))"
    return 0
  fi
  log "not running ($DIR)"
  return 3
}

cmd_url() { # the running server's port when there is one (read from postmaster.pid), else the configured one
  local running_port="" pid
  if is_ours; then
    pid="$(pid_line 1)"
    if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then running_port="$(pid_line 4)"; fi
  fi
  connection_string "${running_port:-$PORT}"
}

case "$COMMAND" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
esac
