#!/usr/bin/env bash
# A Redis server of MirrorGate's own (the cluster's membership store), on loopback only.
#
#   deploy/redis.sh start  [--port N] [--dir DIR]   install if needed, configure, start; prints the connection string
#   deploy/redis.sh stop   [--dir DIR]              stops the server in DIR (if this script started one there)
#   deploy/redis.sh status [--dir DIR]              exit 0 when it runs, 3 when it does not
#   deploy/redis.sh url    [--port N] [--dir DIR]   prints the connection string, starts nothing
#
# Defaults: port 56379 (env MIRRORGATE_REDIS_PORT), dir <repo>/.redis (env MIRRORGATE_REDIS_DIR). Extra
# server options come from MIRRORGATE_REDIS_OPTIONS, in redis-server's command-line form (e.g.
# "--appendonly no --save ''" for throwaway test data only); quotes group words as in a shell, and
# nothing in them is expanded.
#
# stdout carries only the connection string, in StackExchange.Redis form (127.0.0.1:N); progress and
# errors go to stderr. Every step is idempotent.
#
# The server is one of its own: a config file written into DIR (DIR/redis.conf: bind 127.0.0.1,
# protected mode, no Unix socket, data, pid file and DIR/redis.log in DIR, append-only file with
# fsync every second so that the membership table survives a restart), daemonized by redis-server
# itself. It never uses or touches the Debian-managed instance (systemd or init script, port 6379) or
# any server it did not start: it only acts on a DIR holding its marker file.
#
# When redis-server is not installed and the script runs as root, it installs Debian's "redis-server"
# package. Redis may run as root, but as root this script runs it as the "redis" user (from that
# package) when there is one, which then owns DIR; an existing DIR keeps running as its owner.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MARKER=".mirrorgate-redis"
SERVICE_USER="redis"
READY_SECONDS=20
STOP_SECONDS=30

log() { echo "redis.sh: $*" >&2; }
die() { echo "redis.sh: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------- arguments
[ $# -ge 1 ] || usage
COMMAND="$1"; shift
PORT="${MIRRORGATE_REDIS_PORT:-56379}"
DIR="${MIRRORGATE_REDIS_DIR:-$REPO/.redis}"
PORT_GIVEN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage; PORT="$2"; PORT_GIVEN=1; shift 2 ;;
    --port=*) PORT="${1#--port=}"; PORT_GIVEN=1; shift ;;
    --dir) [ $# -ge 2 ] || usage; DIR="$2"; shift 2 ;;
    --dir=*) DIR="${1#--dir=}"; shift ;;
    -h|--help) usage ;;
    *) echo "redis.sh: unknown argument: $1" >&2; usage ;;
  esac
done
case "$COMMAND" in start|stop|status|url) ;; -h|--help|help) usage ;; *) echo "redis.sh: unknown command: $COMMAND" >&2; usage ;; esac
if ! [[ "$PORT" =~ ^[0-9]{1,5}$ ]] || [ "$((10#$PORT))" -lt 1 ] || [ "$((10#$PORT))" -gt 65535 ]; then die "invalid port: $PORT"; fi
PORT=$((10#$PORT))
[ -n "$DIR" ] || die "empty --dir"
# The path goes into redis.conf: keep it plain.
[[ "$DIR" =~ ^[A-Za-z0-9_./+@:=-]+$ ]] || die "--dir must be a plain path (letters, digits, _ . / + @ : = -): $DIR"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR="$(realpath -m -- "$DIR")"
[ "$DIR" != "/" ] || die "--dir / is not allowed"
CONF="$DIR/redis.conf"
PIDFILE="$DIR/redis.pid"
LOGFILE="$DIR/redis.log"

# Keep the caller's redis-cli settings out of our own client calls.
unset REDISCLI_AUTH REDISCLI_CLUSTER_YES || true

connection_string() { echo "127.0.0.1:$1"; }

# ---------------------------------------------------------------- MIRRORGATE_REDIS_OPTIONS
EXTRA=()

split_options() { # $1 into EXTRA: words split on blanks, '...' and "..." and \ quote as in a shell; nothing is expanded
  local s="$1" word="" in_word=0 quote="" c i
  EXTRA=()
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    if [ -n "$quote" ]; then
      if [ "$c" = "$quote" ]; then
        quote=""
      elif [ "$quote" = '"' ] && [ "$c" = "\\" ] && [ $((i + 1)) -lt ${#s} ]; then
        i=$((i + 1)); word+="${s:i:1}"
      else
        word+="$c"
      fi
      continue
    fi
    case "$c" in
      [[:space:]]) if [ "$in_word" = 1 ]; then EXTRA+=("$word"); word=""; in_word=0; fi ;;
      "'"|'"') quote="$c"; in_word=1 ;;
      "\\") i=$((i + 1)); word+="${s:i:1}"; in_word=1 ;;
      *) word+="$c"; in_word=1 ;;
    esac
  done
  [ -z "$quote" ] || die "MIRRORGATE_REDIS_OPTIONS has an unclosed $quote quote"
  if [ "$in_word" = 1 ]; then EXTRA+=("$word"); fi
  local w
  for w in "${EXTRA[@]+"${EXTRA[@]}"}"; do
    case "$w" in
      --port|--bind|--dir|--daemonize|--pidfile|--logfile|--unixsocket|--include|--protected-mode)
        die "MIRRORGATE_REDIS_OPTIONS may not set ${w#--} (this script manages it; use --port/--dir)" ;;
    esac
  done
}

# ---------------------------------------------------------------- finding (and installing) Redis
SERVER=""
CLI=""

find_bin() { # sets SERVER and CLI
  local d
  SERVER="$(command -v redis-server 2>/dev/null || true)"
  CLI="$(command -v redis-cli 2>/dev/null || true)"
  for d in /usr/bin /usr/sbin /usr/local/bin; do
    if [ -z "$SERVER" ] && [ -x "$d/redis-server" ]; then SERVER="$d/redis-server"; fi
    if [ -z "$CLI" ] && [ -x "$d/redis-cli" ]; then CLI="$d/redis-cli"; fi
  done
  [ -n "$SERVER" ] && [ -n "$CLI" ]
}

install_redis() {
  [ "$(id -u)" -eq 0 ] || die "Redis (redis-server, redis-cli) is not installed and this is not root. Install it first, e.g. \`sudo apt-get install -y --no-install-recommends redis-server\`, then run this again."
  command -v apt-get >/dev/null 2>&1 || die "Redis is not installed and apt-get is not available: install Redis (redis-server, redis-cli) yourself."
  log "Redis not found; installing Debian's redis-server package"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
  if ! "${apt[@]}" install --no-install-recommends redis-server >&2; then
    log "install failed; running apt-get update and trying again"
    "${apt[@]}" update >&2
    "${apt[@]}" install --no-install-recommends redis-server >&2
  fi
  # The package may start its own instance (port 6379); this script leaves that one alone.
}

need_bin() {
  find_bin && return 0
  install_redis
  find_bin || die "Redis was installed but redis-server/redis-cli were not found in PATH, /usr/bin or /usr/local/bin"
}

cli() { # redis-cli against our port; bounded so that a stuck peer cannot hang us
  timeout 10 "$CLI" -h 127.0.0.1 -p "$PORT" "$@"
}

# ---------------------------------------------------------------- running as the server's user
RUN_USER=""   # empty: run as ourselves

owner_of() { stat -c %U -- "$1"; }

choose_user() { # sets RUN_USER for the server's files and processes
  RUN_USER=""
  if [ "$(id -u)" -ne 0 ]; then
    if [ -e "$DIR" ] && [ "$(owner_of "$DIR")" != "$(id -un)" ]; then
      die "$DIR belongs to $(owner_of "$DIR"); run this as that user or as root"
    fi
    return 0
  fi
  if is_ours; then # an existing server keeps its owner
    RUN_USER="$(owner_of "$DIR")"
    [ "$RUN_USER" != "UNKNOWN" ] || die "$DIR belongs to a user id without a name; chown it to redis or root"
    if [ "$RUN_USER" = "root" ]; then RUN_USER=""; fi
    return 0
  fi
  if id -u "$SERVICE_USER" >/dev/null 2>&1; then RUN_USER="$SERVICE_USER"; fi
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

alive() { # process $1 exists and is not a zombie (a killed daemon may linger as one until init reaps it)
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  case "${stat%% *}" in Z|X|x) return 1 ;; esac
}

server_pid() { # the pid in DIR/redis.pid when that process is alive and is a redis-server; else fails
  local pid=""
  if [ -r "$PIDFILE" ]; then pid="$(tr -d '[:space:]' <"$PIDFILE" 2>/dev/null || true)"; fi
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  case "$(cat "/proc/$pid/comm" 2>/dev/null || true)" in redis-server*) ;; *) return 1 ;; esac
  echo "$pid"
}

server_running() { is_ours && server_pid >/dev/null; }

conf_port() { # the port in DIR/redis.conf (the one a running server was started with)
  if [ -r "$CONF" ]; then sed -n 's/^port \([0-9][0-9]*\)$/\1/p' "$CONF" | head -n1; fi
}

answers_as() { # the server on PORT answers PONG and is process $1
  [ "$(cli ping 2>/dev/null | tr -d '\r')" = "PONG" ] || return 1
  [ "$(cli info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')" = "$1" ]
}

wait_ready() { # seconds; waits until the server of DIR/redis.pid answers on PORT, fails early when it exits
  local i pid
  for ((i = 0; i < $1 * 2; i++)); do
    if pid="$(server_pid)"; then
      answers_as "$pid" && return 0
    elif [ -s "$PIDFILE" ] && [ "$i" -gt 2 ]; then
      return 1 # it wrote its pid file and is gone again
    fi
    sleep 0.5
  done
  return 1
}

wait_gone() { # pid, seconds
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    alive "$1" || return 0
    sleep 0.5
  done
  ! alive "$1"
}

port_in_use() { # something answers on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

lock_dir() { # serialise concurrent runs on one DIR
  command -v flock >/dev/null 2>&1 || return 0
  { exec 9>>"$DIR/.lock"; } 2>/dev/null || return 0 # unwritable (another user's dir): go on unlocked
  flock -w 300 9 || die "another deploy/redis.sh holds $DIR/.lock"
}

write_conf() {
  local tmp="$CONF.tmp.$$"
  cat >"$tmp" <<EOF
# Written by deploy/redis.sh on every start; edits are lost. Extra options: MIRRORGATE_REDIS_OPTIONS.
bind 127.0.0.1
protected-mode yes
port $PORT
# No Unix socket (unixsocket is not set): TCP on loopback only.
daemonize yes
supervised no
pidfile "$PIDFILE"
logfile "$LOGFILE"
loglevel notice
dir "$DIR"
# The membership table should survive a restart: an append-only file, fsynced every second.
appendonly yes
appendfsync everysec
always-show-logo no
EOF
  mv -f -- "$tmp" "$CONF"
}

# ---------------------------------------------------------------- commands
report_running() { # start on a running server: wait until it answers, print its connection string
  local pid running_port
  pid="$(server_pid)" || die "the server in $DIR stopped meanwhile; run start again"
  running_port="$(conf_port)"
  [ -n "$running_port" ] || die "the server in $DIR runs (pid $pid) but $CONF names no port"
  if [ "$running_port" != "$PORT" ] && [ "$PORT_GIVEN" = 1 ]; then
    log "note: the server in $DIR already runs on port $running_port, not $PORT; using it"
  fi
  PORT="$running_port"
  wait_ready "$READY_SECONDS" || die "the server in $DIR runs (pid $pid) but does not answer on 127.0.0.1:$PORT (see $LOGFILE)"
  log "already running in $DIR on port $PORT"
  connection_string "$PORT"
}

cmd_start() {
  split_options "${MIRRORGATE_REDIS_OPTIONS:-}"
  if [ -e "$DIR" ] && ! is_ours; then
    if [ -d "$DIR" ] && [ -z "$(ls -A -- "$DIR")" ]; then :; else
      die "$DIR exists and was not made by deploy/redis.sh (no $MARKER); choose another --dir"
    fi
  fi
  need_bin
  if server_running; then report_running; return 0; fi # also for a user who does not own DIR
  choose_user
  if port_in_use "$PORT"; then # checked again under the lock below
    die "port $PORT on 127.0.0.1 is used by another program (not the server in $DIR); pick another with --port or MIRRORGATE_REDIS_PORT"
  fi
  mkdir -p -- "$DIR"
  lock_dir
  [ -f "$DIR/$MARKER" ] || echo "Made by deploy/redis.sh: a Redis server configured by ./redis.conf, data in this folder, log in ./redis.log. Stop it with: deploy/redis.sh stop --dir $DIR" >"$DIR/$MARKER"
  if [ -n "$RUN_USER" ]; then
    chown -R "$RUN_USER:" "$DIR"
    ensure_traversable
  fi
  chmod 0755 "$DIR"

  if server_running; then report_running; return 0; fi # started by a concurrent run

  if port_in_use "$PORT"; then
    die "port $PORT on 127.0.0.1 is used by another program (not the server in $DIR); pick another with --port or MIRRORGATE_REDIS_PORT"
  fi

  write_conf
  rm -f -- "$PIDFILE" # stale: its process is gone
  if [ -n "$RUN_USER" ]; then chown "$RUN_USER:" "$CONF"; fi

  log "starting Redis on 127.0.0.1:$PORT (dir $DIR, log $LOGFILE)"
  # 9>&-: the server must not inherit (and so hold) this script's lock on DIR/.lock. It daemonizes
  # itself (stdin, stdout and stderr then go to /dev/null), so command substitution does not wait for it.
  if ! as_user "$SERVER" "$CONF" "${EXTRA[@]+"${EXTRA[@]}"}" >&2 9>&-; then
    log "redis-server failed to start; last lines of $LOGFILE:"
    tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
    exit 1
  fi
  if ! wait_ready "$READY_SECONDS"; then
    log "last lines of $LOGFILE:"
    tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
    die "the server did not answer PONG on 127.0.0.1:$PORT within ${READY_SECONDS}s"
  fi
  log "ready"
  connection_string "$PORT"
}

cmd_stop() {
  if ! is_ours; then
    log "no server of deploy/redis.sh in $DIR; nothing to stop"
    return 0
  fi
  lock_dir
  local pid
  if ! pid="$(server_pid)"; then
    log "not running ($DIR)"
    return 0
  fi
  PORT="$(conf_port)"
  log "stopping the server in $DIR (pid $pid)"
  find_bin || true
  if [ -n "$PORT" ] && [ -n "$CLI" ] && answers_as "$pid"; then
    cli shutdown >&2 || true # the connection closes under it
    if wait_gone "$pid" "$STOP_SECONDS"; then log "stopped"; return 0; fi
    log "still running after shutdown; sending SIGTERM"
  fi
  kill -TERM "$pid" 2>/dev/null || ! alive "$pid" || die "cannot signal pid $pid (run this as its owner or root)"
  wait_gone "$pid" "$STOP_SECONDS" || die "pid $pid did not stop within ${STOP_SECONDS}s (see $LOGFILE)"
  log "stopped"
}

cmd_status() {
  local pid
  if is_ours && pid="$(server_pid)"; then
    log "running in $DIR on 127.0.0.1:$(conf_port) (pid $pid)"
    return 0
  fi
  log "not running ($DIR)"
  return 3
}

cmd_url() { # the running server's port when there is one (read from DIR/redis.conf), else the configured one
  local running_port=""
  if server_running; then running_port="$(conf_port)"; fi
  connection_string "${running_port:-$PORT}"
}

case "$COMMAND" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
esac
