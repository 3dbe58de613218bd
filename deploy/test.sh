#!/usr/bin/env bash
# Runs MirrorGate's whole test suite on a fresh machine (the README's second command; .ci/run calls it).
# It installs and starts whatever the tests need, idempotently, and stops what it started. Today the
# tests need only the .NET SDK and NuGet packages: the upstream simulator runs inside the test
# process on loopback, and the embedded default uses SQLite in temporary folders.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deploy/test.sh: the .NET 10 SDK is required (https://dot.net); it is not on PATH." >&2
  exit 1
fi

dotnet restore Orleans.sln
dotnet build Orleans.sln --no-restore
dotnet test Orleans.sln --no-build --logger "console;verbosity=minimal" "$@"
