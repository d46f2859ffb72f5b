#!/usr/bin/env bash
# Bytes a gateway allocates per request, with and without moderation: each Tailor variant runs alone on core 0
# against the mock upstream (core 1), warmed at 16 connections, then kept under the same load while
# Tailor.Bench.AllocationProbe listens to its allocation ticks and counts its requests on /metrics.
# Allocation is not latency, but it is what the garbage collector and the caches pay for on every request, and
# unlike requests/s it does not move with the host's load: the number to compare builds by.
#
# Usage: bench/scripts/gateway-alloc.sh [seconds, default 6] > bench/results/gateway-alloc.jsonl
#   Prints per variant one JSON line (target, seconds, requests, allocated_bytes, bytes_per_request); the types
#   that take the most bytes go to stderr.
# Needs: wrk (apt-get install wrk), the .NET SDK.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-6}"
mock_port=9100 tailor_port=9200

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
echo "building (Release)..." >&2
for project in src/Tailor.Cli bench/Tailor.Bench.MockUpstream bench/Tailor.Bench.AllocationProbe; do
  dotnet build -c Release -v q "$root/$project" >&2
done
cli="$root/src/Tailor.Cli/bin/Release/net10.0/Tailor.Cli.dll"
mock="$root/bench/Tailor.Bench.MockUpstream/bin/Release/net10.0/Tailor.Bench.MockUpstream.dll"
probe="$root/bench/Tailor.Bench.AllocationProbe/bin/Release/net10.0/Tailor.Bench.AllocationProbe.dll"

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
. "$root/bench/scripts/gateway-common.sh"

taskset -c 1 dotnet "$mock" "$mock_port" & pids+=($!)
wait_for "http://127.0.0.1:$mock_port/v1/models"
body='{"model":"support","messages":[{"role":"user","content":"Hello! Where can I find my latest invoice, please?"}],"temperature":0.2}'

for variant in tailor tailor-moderation; do
  dir="$work/$variant"; mkdir -p "$dir"
  moderation=0; [ "$variant" = tailor-moderation ] && moderation=1
  write_spec "$dir" "$moderation"
  key="$(dotnet "$cli" keys create --name bench --project "$dir" 2>/dev/null)"
  # The serve settings set here, so the gateway does not start itself over (the probe attaches to the process id).
  DOTNET_TieredPGO=1 DOTNET_TC_CallCountThreshold=30 taskset -c 0 dotnet "$cli" serve --project "$dir" \
    --url "http://127.0.0.1:$tailor_port" --quiet >/dev/null 2>"$dir/tailor.log" & pid=$!; pids+=($pid)
  wait_for "http://127.0.0.1:$tailor_port/healthz"
  load() { HEADERS="Authorization: Bearer $key" BODY="$body" taskset -c 1 wrk -t1 -c16 -d"$1s" \
    -s "$root/bench/scripts/gateway-wrk.lua" "http://127.0.0.1:$tailor_port/v1/chat/completions" >/dev/null; }
  load 20
  load $((seconds + 6)) & loader=$!
  sleep 2
  dotnet "$probe" "$pid" "http://127.0.0.1:$tailor_port/metrics" "$seconds" 12 > "$dir/probe.txt"
  line="$(head -n 1 "$dir/probe.txt")"
  echo "{\"target\":\"$variant\",${line#\{}"
  tail -n +2 "$dir/probe.txt" | sed "s/^/$variant /" >&2
  wait "$loader"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
