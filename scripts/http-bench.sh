#!/usr/bin/env bash
# Measures a release `origine serve` process with wrk, as a separate process from the load:
# issuance (POST /api/v1/lots, 32 connections), then GET /livez (the trivial baseline),
# GET /api/v1/verify/{id} and GET /c/{id} (64 connections), and the server's RSS from
# /proc/PID/status idle and after each run.
#
#   scripts/http-bench.sh                      # SQLite in a temp dir, 5 s per run
#   SECONDS_PER_RUN=10 scripts/http-bench.sh
#   DATABASE_URL=postgres://… scripts/http-bench.sh   (the database must be empty)
#
# Needs wrk, curl and jq, and a release build: cargo build --release.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="${ORIGINE_BIN:-${CARGO_TARGET_DIR:-$here/../target}/release/origine}"
secs="${SECONDS_PER_RUN:-5}"
port="${PORT:-18080}"
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
export DATABASE_URL="${DATABASE_URL:-sqlite://$work/bench.db}"
export ORIGINE_KEYS_DIR="$work/keys"
export ORIGINE_BIND="127.0.0.1:$port"
export ORIGINE_RATE_LIMIT=0
export ORIGINE_LOG_ORIGIN="bench.test/log"
export RUST_LOG="${RUST_LOG:-warn}"

"$bin" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "$base/livez" >/dev/null && break; sleep 0.1; done

rss() { # "VmRSS VmHWM" of the server, in MiB
  awk '/^VmRSS:/{r=$2} /^VmHWM:/{h=$2} END{printf "RSS %d MiB, peak %d MiB", r/1024, h/1024}' "/proc/$server/status"
}
post() { curl -fsS -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$base$2"; }

admin="$("$bin" admin create-key --role admin)"
post "$admin" /api/v1/institutes '{"code":"cr-milano-opera","name":"Casa di Reclusione Milano Opera","kind":"casa_di_reclusione","city":"Opera (MI)","region":"Lombardia"}' >/dev/null
producer="$(post "$admin" /api/v1/producers '{"name":"Cooperativa Uno","legal_form":"cooperativa_sociale","vat_number":"00743110157","institutes":["cr-milano-opera"]}' | jq -r .id)"
export ORIGINE_TOKEN="$(post "$admin" "/api/v1/producers/$producer/tokens" '' | jq -r .token)"

echo "origine http bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${secs} s per run, $DATABASE_URL" | sed "s#$work#TMP#"
echo "server idle: $(rss)"

run() { # name, wrk args...
  local name="$1"; shift
  local out
  out="$(wrk -t2 -d"${secs}s" --latency "$@")"
  local rate p99 p50
  rate="$(awk '/^Requests\/sec:/{print $2}' <<<"$out")"
  p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  printf '%-36s %10s req/s   p50 %8s   p99 %8s   %s\n' "$name" "$rate" "$p50" "$p99" "$(grep -E 'Non-2xx|non-2xx|Socket errors' <<<"$out" | tr '\n' ' ')"
  echo "  server after: $(rss)"
}

run "POST /api/v1/lots, 32 conns" -c32 -s "$here/wrk/issue.lua" "$base"
sleep 4 # let the checkpoint of the issued entries be written before reading
curl -fsS "$base/api/v1/log/entries?start=0&end=1000" | jq -r '.entries[].entry | select(.format == "origine/certificate/v1") | .id' >"$work/ids"
export ORIGINE_IDS="$work/ids"
echo "certificates issued: $(curl -fsS "$base/log/checkpoint" >/dev/null; "$bin" audit 2>/dev/null | tail -1)"
run "GET /livez, 64 conns (baseline)" -c64 "$base/livez"
# The first pass over the ids builds every report (cold); the second shows the steady state.
ORIGINE_PREFIX=/api/v1/verify/ run "GET /api/v1/verify/{id}, first pass" -c64 -s "$here/wrk/paths.lua" "$base"
ORIGINE_PREFIX=/api/v1/verify/ run "GET /api/v1/verify/{id}, 64 conns" -c64 -s "$here/wrk/paths.lua" "$base"
ORIGINE_PREFIX=/c/ run "GET /c/{id}, 64 conns" -c64 -s "$here/wrk/paths.lua" "$base"
run "GET /livez, 64 conns (again)" -c64 "$base/livez"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
