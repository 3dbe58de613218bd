#!/usr/bin/env bash
# Runs MirrorGate's whole test suite on a fresh machine (the README's second command; .ci/run calls it).
# It installs and starts whatever the tests need, idempotently, and stops what it started: the .NET SDK
# must be on PATH; PostgreSQL for the cluster tests comes from deploy/postgres.sh (installed from
# Debian's package when missing and run as root, started as a private server in .postgres-test on
# 127.0.0.1:55433 with durability off) and Redis from deploy/redis.sh (likewise, in .redis-test on
# 127.0.0.1:56380 without persistence). Each is stopped on exit, also on failure or Ctrl-C, unless it
# was already running. Their connection strings reach the tests as MIRRORGATE_TEST_POSTGRES and
# MIRRORGATE_TEST_REDIS; set either variable yourself to use another server and start none of that
# kind. The upstream simulator runs inside the test process on loopback, and the embedded default
# uses SQLite in temporary folders. Arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deploy/test.sh: the .NET 10 SDK is required (https://dot.net); it is not on PATH." >&2
  exit 1
fi

# The servers this run starts, and so stops on exit (also on failure or Ctrl-C).
pg_started=""
redis_started=""
stop_started() {
  if [ -n "$redis_started" ]; then bash deploy/redis.sh stop --dir "$redis_dir" || true; fi
  if [ -n "$pg_started" ]; then bash deploy/postgres.sh stop --dir "$pg_dir" || true; fi
}
trap stop_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${MIRRORGATE_TEST_POSTGRES:-}" ]; then
  pg_dir="$PWD/.postgres-test"
  pg_port="${MIRRORGATE_TEST_PG_PORT:-55433}"
  # Test data is thrown away, so the server may skip flushing to disk.
  pg_options="${MIRRORGATE_TEST_PG_OPTIONS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}"
  # Marked before starting, so that a start that fails halfway is cleaned up too.
  if ! bash deploy/postgres.sh status --dir "$pg_dir" 2>/dev/null; then pg_started=1; fi
  MIRRORGATE_TEST_POSTGRES="$(MIRRORGATE_PG_OPTIONS="$pg_options" bash deploy/postgres.sh start --dir "$pg_dir" --port "$pg_port")"
  export MIRRORGATE_TEST_POSTGRES
  echo "deploy/test.sh: PostgreSQL for the tests: $MIRRORGATE_TEST_POSTGRES" >&2
fi

if [ -z "${MIRRORGATE_TEST_REDIS:-}" ]; then
  redis_dir="$PWD/.redis-test"
  redis_port="${MIRRORGATE_TEST_REDIS_PORT:-56380}"
  # Test data is thrown away: no append-only file, no snapshots.
  redis_options="${MIRRORGATE_TEST_REDIS_OPTIONS:---appendonly no --save ''}"
  if ! bash deploy/redis.sh status --dir "$redis_dir" 2>/dev/null; then redis_started=1; fi
  MIRRORGATE_TEST_REDIS="$(MIRRORGATE_REDIS_OPTIONS="$redis_options" bash deploy/redis.sh start --dir "$redis_dir" --port "$redis_port")"
  export MIRRORGATE_TEST_REDIS
  echo "deploy/test.sh: Redis for the tests: $MIRRORGATE_TEST_REDIS" >&2
fi

# The tests start gateways of their own. Settings exported in this shell for a real gateway (cluster
# mode, its PostgreSQL or Redis, admin password, service key, any Section__Key) would leak into every
# one of them: drop them.
unset MIRRORGATE_POSTGRES MIRRORGATE_REDIS ADMIN_PASSWORD ADMINAPI Authorization STREAM_MODE API_HATD ENABLE_MIRROR_API MIRROR_API_PREFIX WEB_HATD FREE_ACCOUNTS FREE_ACCOUNTS_NUM VOICE_PROXY_URL
for name in $(compgen -e); do
  case "$name" in
    Cluster__*|Secrets__*|Gateway__*|SaasAdmin__*|Silo__*|ChatGpt__*|Pool__*|Models__*|Grains__*|Serilog__*|Orleans__*|Redis__*|FreeAccounts__*|Voice__*) unset "$name" ;;
  esac
done

# The openai npm package for the JavaScript client tests (tests/js), exactly as locked. npm ci reinstalls
# from package-lock.json; it is skipped when node_modules was installed from this very lock file (a stamp).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "deploy/test.sh: Node.js 20 or later with npm is required for tests/js; it is not on PATH." >&2
  exit 1
fi
if ! cmp -s tests/js/package-lock.json tests/js/node_modules/.mirrorgate-lock 2>/dev/null; then
  (cd tests/js && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.mirrorgate-lock)
fi

# Debian's Chromium for the console's browser tests (installed with apt when missing; Playwright downloads none).
MIRRORGATE_CHROMIUM="$(bash deploy/chromium.sh)"
export MIRRORGATE_CHROMIUM

dotnet restore Orleans.sln
dotnet build Orleans.sln --no-restore
dotnet test Orleans.sln --no-build --logger "console;verbosity=minimal" "$@"
