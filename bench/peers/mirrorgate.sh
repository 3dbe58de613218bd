#!/usr/bin/env bash
# Starts a Release MirrorGate for ../shared/bench-peers, configured as issue 9 asks: one channel on the harness's
# mock, and a caller holding an activation code with a request limit on the model (never reached), so the measured
# path does the full work: auth, limit grant, channel pick, relay, usage record.
#
#   bench/peers/mirrorgate.sh start   # prints GATEWAY_PID, GATEWAY_URL and GATEWAY_AUTH lines for run-peers.sh
#   bench/peers/mirrorgate.sh stop    # stops the gateway this script started (by its recorded PID)
#
# Knobs: MG_PORT (18350), MG_SILO_PORT (18351), MG_GATEWAY_PORT (18352), MOCK_PORT (18010), MG_DATA (a fresh temp
# folder), MG_DLL (api/bin/Release/net10.0/MirrorGate.Api.dll), MG_LIMIT ('{"model_name":"gpt-4o-mini",
# "every_minute":1,"limit_count":100000000}'). The mock must be up for the channel test, not for the start.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
port="${MG_PORT:-18350}"
mock="${MOCK_PORT:-18010}"
dll="${MG_DLL:-$here/api/bin/Release/net10.0/MirrorGate.Api.dll}"
state="${MG_STATE:-/tmp/mirrorgate-peers}"
admin="bench-admin"
saas="bench-saas"

case "${1:-start}" in
start)
  mkdir -p "$state"
  data="${MG_DATA:-$(mktemp -d /tmp/mirrorgate-peers-data.XXXXXX)}"
  ( cd "$(dirname "$dll")" && exec dotnet "$dll" --urls "http://127.0.0.1:$port" \
      --Silo:DataDirectory="$data" --Cluster:SiloPort="${MG_SILO_PORT:-18351}" --Cluster:GatewayPort="${MG_GATEWAY_PORT:-18352}" \
      --Gateway:AdminPassword="$admin" --SaasAdmin:Secret="$saas" \
      --Serilog:MinimumLevel=Warning "${@:2}" ) >"$state/gateway.log" 2>&1 &
  echo $! >"$state/pid"
  for _ in $(seq 1 240); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v1/models" && break
    sleep 0.5
  done
  curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/channels" \
    -d "{\"id\":\"mock\",\"name\":\"bench mock\",\"base_url\":\"http://127.0.0.1:$mock/v1\",\"keys\":[\"sk-bench-mock\"],\"models\":[\"gpt-4o-mini\"]}" >/dev/null
  limit='{"model_name":"gpt-4o-mini","every_minute":1,"limit_count":100000000}'
  limit="${MG_LIMIT:-$limit}"
  code="$(curl -sf -H "adminapi: $saas" -H 'Content-Type: application/json' "http://127.0.0.1:$port/adminapi/createActivationCode" \
    -d "{\"user\":\"bench-user\",\"plan\":\"pro\",\"expires_at\":\"never\",\"limits\":[$limit]}" \
    | sed -n 's/.*"activation_code":"\([^"]*\)".*/\1/p')"
  [ -n "$code" ] || { echo "could not create the activation code; see $state/gateway.log" >&2; exit 1; }
  echo "GATEWAY_PID=$(cat "$state/pid")"
  echo "GATEWAY_URL=http://127.0.0.1:$port"
  echo "GATEWAY_AUTH='Bearer $code'"
  ;;
stop)
  [ -f "$state/pid" ] && kill "$(cat "$state/pid")" 2>/dev/null || true
  rm -f "$state/pid"
  ;;
esac
