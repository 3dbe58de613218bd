#!/usr/bin/env bash
# Debian's Chromium for the console's browser tests (Playwright for .NET drives it headless; no browser is
# ever downloaded by Playwright). Idempotent: does nothing when /usr/bin/chromium (or MIRRORGATE_CHROMIUM)
# is already there; otherwise installs Debian's "chromium" package with apt, which needs root.
# Prints the browser's path on stdout; progress and errors go to stderr.
set -euo pipefail

browser="${MIRRORGATE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "$browser"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "chromium.sh: $browser is missing and installing Debian's chromium package needs root (or set MIRRORGATE_CHROMIUM)." >&2
  exit 1
fi

echo "chromium.sh: installing Debian's chromium package" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine: refresh them once if the first try fails.
if ! apt-get install -y --no-install-recommends chromium >&2; then
  apt-get update >&2
  apt-get install -y --no-install-recommends chromium >&2
fi

if [ ! -x "$browser" ]; then
  echo "chromium.sh: the chromium package installed no $browser." >&2
  exit 1
fi
echo "$browser"
