#!/usr/bin/env bash
# Load benchmark of the Function App on the devhost over Azurite, in one run: screening submissions at 32 clients,
# allocations in one stratum against Azurite's raw conditional-update rate, allocation → schedule visible, devhost
# memory. Figures go to the "Serverless backend on the devhost" section of docs/performance.md.
#   bench/load.sh [--seconds 20] [--allocations 400] [--allocation-clients 8] [--clients 32] [--no-doc] …
# Builds Release, starts its own Azurite (node_modules, fresh data folder, free loopback ports) and devhost (free
# port), and stops both on exit. Traffic goes to 127.0.0.1 only; every loop in bench/Load is bounded in count and time.
# AZURITE_NODE_FLAGS passes options to Azurite's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the
# emulator's one thread spends its time (docs/performance.md); AZURITE_ARGS adds Azurite options, e.g.
# "--debug /tmp/azurite-requests.log" to count the requests it serves. The allocation path alone, with the queue functions off
# as the Functions host's AzureWebJobs.<name>.Disabled setting does and no schedule reads:
#   AzureWebJobs__OnParticipantEvent__Disabled=true AzureWebJobs__OnNotification__Disabled=true \
#     bench/load.sh --no-doc --schedule-polls off --drain-seconds 0
set -euo pipefail
cd "$(dirname "$0")/.."

doc=(--doc docs/performance.md)
args=()
for a in "$@"; do
  if [ "$a" = --no-doc ]; then doc=(); else args+=("$a"); fi
done

[ -d node_modules/azurite ] || npm ci --no-audit --no-fund --loglevel=error >&2
echo "Building Release…" >&2
dotnet build devhost -c Release --nologo --verbosity quiet -tl:off "-consoleLoggerParameters:NoSummary;ErrorsOnly" >&2
dotnet build bench/Load -c Release --nologo --verbosity quiet -tl:off "-consoleLoggerParameters:NoSummary;ErrorsOnly" >&2

data=$(mktemp -d "${TMPDIR:-/tmp}/rps-load.XXXXXX")
azurite_pid=""; devhost_pid=""
stop() {
  [ -n "$devhost_pid" ] && kill "$devhost_pid" 2>/dev/null && wait "$devhost_pid" 2>/dev/null || true
  [ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null && wait "$azurite_pid" 2>/dev/null || true
  rm -rf "$data"
}
trap stop EXIT

# Azurite picks free ports itself (port 0) and says which; its data lives in the fresh folder only.
node ${AZURITE_NODE_FLAGS:-} node_modules/azurite/dist/src/azurite.js \
  --blobHost 127.0.0.1 --blobPort 0 --queueHost 127.0.0.1 --queuePort 0 --tableHost 127.0.0.1 --tablePort 0 \
  --location "$data/azurite" --skipApiVersionCheck --loose --silent --disableTelemetry ${AZURITE_ARGS:-} >"$data/azurite.log" 2>&1 &
azurite_pid=$!
port_of() { sed -n "s#.*$1 service is successfully listening at http://127.0.0.1:\([0-9]*\).*#\1#p" "$data/azurite.log"; }
for _ in $(seq 300); do
  [ -n "$(port_of Table)" ] && [ -n "$(port_of Queue)" ] && [ -n "$(port_of Blob)" ] && break
  kill -0 "$azurite_pid" 2>/dev/null || { cat "$data/azurite.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$(port_of Table)" ] || { echo "Azurite did not start:" >&2; cat "$data/azurite.log" >&2; exit 1; }
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==' # Azurite's public dev key
storage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$(port_of Blob)/$account;QueueEndpoint=http://127.0.0.1:$(port_of Queue)/$account;TableEndpoint=http://127.0.0.1:$(port_of Table)/$account;"

port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
devhost=(dotnet devhost/bin/Release/net10.0/RpsServerless.DevHost.dll)
# The devhost as `./run` starts it (same logging), storage pointed at this Azurite. The pid is the dotnet process itself.
AzureWebJobsStorage="$storage" "${devhost[@]}" --port "$port" >"$data/devhost.log" 2>&1 &
devhost_pid=$!
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  kill -0 "$devhost_pid" 2>/dev/null || { tail -n 40 "$data/devhost.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/api/health" >/dev/null || { echo "devhost not healthy:" >&2; tail -n 40 "$data/devhost.log" >&2; exit 1; }

# One coordinator token for all seven sites, from the devhost's own signing key (.devhost/, git-ignored).
sites=(); for s in PKUIH BFH XJTU1 PKUFH FUSCC ZSH QDUAH; do sites+=(--site "$s"); done
BENCH_TOKEN=$("${devhost[@]}" token --role coordinator "${sites[@]}" --minutes 60)
export BENCH_TOKEN
export BENCH_STORAGE="$storage"

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs/performance.md' || echo "+changes")
status=0
dotnet bench/Load/bin/Release/net10.0/RpsServerless.Bench.Load.dll \
  --api "http://127.0.0.1:$port/api/" --devhost-pid "$devhost_pid" \
  --azurite-version "$(node -p 'require("./node_modules/azurite/package.json").version')" --commit "$commit" \
  ${doc[@]+"${doc[@]}"} ${args[@]+"${args[@]}"} || status=$?
errors=$(grep -c ' fail: ' "$data/devhost.log" || true)
echo "devhost log: $errors error lines (fail:)" >&2
[ "$errors" -eq 0 ] || grep ' fail: ' "$data/devhost.log" | cut -c1-300 | sort | uniq -c | sort -rn | head -5 >&2
exit "$status"
