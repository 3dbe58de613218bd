#!/usr/bin/env bash
# Runs MirrorGate's whole test suite on a fresh machine (the README's second command; .ci/run calls it).
# It installs and starts whatever the tests need, idempotently, and stops what it started: the .NET SDK
# must be on PATH; PostgreSQL for the cluster tests comes from deploy/postgres.sh (installed from
# Debian's package when missing and run as root, started as a private server in .postgres-test on
# 127.0.0.1:55433 with durability off, and stopped on exit unless it was already running). Its
# connection string reaches the tests as MIRRORGATE_TEST_POSTGRES; set that variable yourself to use
# another server and start nothing. The upstream simulator runs inside the test process on loopback,
# and the embedded default uses SQLite in temporary folders. Arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deploy/test.sh: the .NET 10 SDK is required (https://dot.net); it is not on PATH." >&2
  exit 1
fi

if [ -z "${MIRRORGATE_TEST_POSTGRES:-}" ]; then
  pg_dir="$PWD/.postgres-test"
  pg_port="${MIRRORGATE_TEST_PG_PORT:-55433}"
  # Test data is thrown away, so the server may skip flushing to disk.
  pg_options="${MIRRORGATE_TEST_PG_OPTIONS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}"
  if ! bash deploy/postgres.sh status --dir "$pg_dir" 2>/dev/null; then
    # This run starts the server, so this run stops it (also on failure or Ctrl-C).
    trap 'bash deploy/postgres.sh stop --dir "$pg_dir" || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
  MIRRORGATE_TEST_POSTGRES="$(MIRRORGATE_PG_OPTIONS="$pg_options" bash deploy/postgres.sh start --dir "$pg_dir" --port "$pg_port")"
  export MIRRORGATE_TEST_POSTGRES
  echo "deploy/test.sh: PostgreSQL for the tests: $MIRRORGATE_TEST_POSTGRES" >&2
fi

# The tests start gateways of their own. Settings exported in this shell for a real gateway (cluster
# mode, admin password, service key, any Section__Key) would leak into every one of them: drop them.
unset MIRRORGATE_POSTGRES ADMIN_PASSWORD Authorization STREAM_MODE API_HATD ENABLE_MIRROR_API MIRROR_API_PREFIX
for name in $(compgen -e); do
  case "$name" in
    Cluster__*|Secrets__*|Gateway__*|Silo__*|ChatGpt__*|Pool__*|Models__*|Grains__*|Serilog__*) unset "$name" ;;
  esac
done

dotnet restore Orleans.sln
dotnet build Orleans.sln --no-restore
dotnet test Orleans.sln --no-build --logger "console;verbosity=minimal" "$@"
