#!/usr/bin/env bash
# Gateway overhead, side by side in one run against one mock upstream:
#   direct to the mock | Tailor (logging on, keys on) | Tailor with moderation (when the layer exists) | Portkey 1.15.2
# at 1, 16 and 64 connections. Latency p50/p90/p99 (wrk, microseconds) and requests/s; "added" = gateway - direct.
# The gateways under test are pinned to core 0; the mock and the load generator (wrk, one thread) to core 1.
# All targets are started first and measured in turn (each point is one target at one connection count), so with
# ROUNDS > 1 every round measures every target within minutes of the others and drift on the machine hits all alike.
#
# Usage: bench/scripts/gateway-bench.sh [seconds per point, default 10] > bench/results/gateway-raw.jsonl
#   ROUNDS=N  measures every point N times, interleaved (default 1); gateway-table.py reports the medians and takes
#             each round's "added" against the same round's direct point. SETTLE_SECONDS (default 3) separates points;
#             WARMUP_SECONDS (default 20) is each target's warm-up at 16 connections before the first round.
#   TAILOR_BENCH_MODERATION=1  also runs Tailor with the default moderation classifiers (detectors + local) on input and output.
#   PACED_RPS=N  paces each point at about N requests/s in total (connections pause between requests), so latency is
#                measured below saturation instead of as queueing on the gateway's core.
#   Tailor also runs once with its SQLite file in /dev/shm (tailor-shm): the same code, WAL and full sync, on RAM,
#   to separate the gateway's own cost from the disk's sync latency.
#   TAILOR_BENCH_POSTGRES=1  also runs Tailor on the PostgreSQL store (tailor-postgres): a throwaway server from the
#                Debian package (.ci/start-postgres), durable defaults, pinned to core 0 with the gateway, as the
#                SQLite store shares the gateway's core in-process; the connection string sets Max Auto Prepare=32.
# Needs: wrk (apt-get install wrk), npm (Portkey installs into bench/.peers/ on first run), the .NET SDK.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-10}"
rounds="${ROUNDS:-1}"
peers="$root/bench/.peers"
mock_port=9100 tailor_port=9200 portkey_port=8787
connections=(1 16 64)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
if [ ! -d "$peers/node_modules/@portkey-ai/gateway" ]; then
  mkdir -p "$peers" && (cd "$peers" && npm install --no-audit --no-fund @portkey-ai/gateway@1.15.2 >&2)
fi

echo "building (Release)..." >&2
dotnet build -c Release -v q "$root/src/Tailor.Cli" >&2
dotnet build -c Release -v q "$root/bench/Tailor.Bench.MockUpstream" >&2
cli="$root/src/Tailor.Cli/bin/Release/net10.0/Tailor.Cli.dll"
mock="$root/bench/Tailor.Bench.MockUpstream/bin/Release/net10.0/Tailor.Bench.MockUpstream.dll"

work="$(mktemp -d)"
pids=()
pg_dir="/tmp/tailor-bench-pg-$$"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -f "$pg_dir/data/postmaster.pid" ]; then
    runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work" "/dev/shm/tailor-bench-$$" "$pg_dir"
}
trap cleanup EXIT

. "$root/bench/scripts/gateway-common.sh"

# The targets, in the order each round measures them: name, URL, headers ("a: b|c: d"), body.
names=() urls=() headers=() bodies=()
add_target() { names+=("$1"); urls+=("$2"); headers+=("$3"); bodies+=("$4"); }

# point <target index> <connections> <round>: one JSON line
point() {
  local i="$1" c="$2" round="$3" line
  # PACED_RPS: every connection pauses connections*1000/rate ms between requests (see gateway-wrk.lua).
  if [ -n "${PACED_RPS:-}" ]; then export DELAY_MS=$((c * 1000 / PACED_RPS)); fi
  line="$(HEADERS="${headers[$i]}" BODY="${bodies[$i]}" taskset -c 1 wrk -t1 -c"$c" -d"${seconds}s" -s "$root/bench/scripts/gateway-wrk.lua" "${urls[$i]}" | tail -n 1)"
  echo "{\"target\":\"${names[$i]}\",\"connections\":$c,\"round\":$round,${line#\{}"
}

body='{"model":"support","messages":[{"role":"user","content":"Hello! Where can I find my latest invoice, please?"}],"temperature":0.2}'

# The physical floor at one connection: a response waits for its record's disk sync. Median time to overwrite one
# 4 KiB page of a preallocated file (as a reused WAL is) and fdatasync it, on the disk the store lives on.
python3 - "$work/sync-probe" <<'PY'
import os, sys, time, json
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
os.ftruncate(fd, 8 << 20); os.fsync(fd)
page, times = b"x" * 4096, []
for i in range(2000):
    t = time.perf_counter(); os.pwrite(fd, page, (i * 4096) % (8 << 20)); os.fdatasync(fd); times.append(time.perf_counter() - t)
os.close(fd); os.unlink(sys.argv[1]); times.sort()
print(json.dumps({"target": "disk-sync", "p50_us": round(times[1000] * 1e6), "p99_us": round(times[1980] * 1e6)}))
PY

taskset -c 1 dotnet "$mock" "$mock_port" & pids+=($!)
wait_for "http://127.0.0.1:$mock_port/v1/models"
add_target direct "http://127.0.0.1:$mock_port/v1/chat/completions" "" "$body"

variants=(tailor tailor-shm ${TAILOR_BENCH_MODERATION:+tailor-moderation} ${TAILOR_BENCH_POSTGRES:+tailor-postgres})
if [ -n "${TAILOR_BENCH_POSTGRES:-}" ]; then
  # The server and its backends inherit the pinning to core 0.
  # Prepared statements on, as docs/gateway.md recommends for a direct connection (not through PgBouncer).
  TAILOR_BENCH_PG_CONNECTION="$(TAILOR_PG_DIR="$pg_dir" TAILOR_PG_PORT=55499 taskset -c 0 "$root/.ci/start-postgres");Max Auto Prepare=32"
  export TAILOR_BENCH_PG_CONNECTION
fi
tailor_pids=()
for v in "${!variants[@]}"; do
  variant="${variants[$v]}" dir="$work/${variants[$v]}" port=$((tailor_port + v))
  moderation=0; store=.tailor/tailor.db
  [ "$variant" = tailor-moderation ] && moderation=1
  [ "$variant" = tailor-shm ] && store="/dev/shm/tailor-bench-$$/tailor.db"
  [ "$variant" = tailor-postgres ] && store=postgres
  mkdir -p "$dir"; write_spec "$dir" "$moderation" "$store"
  key="$(dotnet "$cli" keys create --name bench --project "$dir" 2>/dev/null)"
  taskset -c 0 dotnet "$cli" serve --project "$dir" --url "http://127.0.0.1:$port" --quiet >/dev/null 2>"$dir/tailor.log" & tailor_pids+=($!); pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
  add_target "$variant" "http://127.0.0.1:$port/v1/chat/completions" "Authorization: Bearer $key" "$body"
done

portkey_body='{"model":"mock-model","messages":[{"role":"user","content":"Hello! Where can I find my latest invoice, please?"}],"temperature":0.2}'
(cd "$peers" && exec taskset -c 0 node node_modules/@portkey-ai/gateway/build/start-server.js --port=$portkey_port --headless >/dev/null 2>&1) & pids+=($!)
sleep 2
add_target portkey "http://127.0.0.1:$portkey_port/v1/chat/completions" \
  "Authorization: Bearer unused|x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$mock_port/v1" "$portkey_body"

# Warm-up of every target at full load: JIT tiers (.NET's and V8's), connection pools, SQLite pages. Portkey's
# throughput at one connection still rose by 25-45% between its 3rd and 40th second, so the default is long.
for i in "${!names[@]}"; do
  DELAY_MS= HEADERS="${headers[$i]}" BODY="${bodies[$i]}" taskset -c 1 wrk -t1 -c16 -d"${WARMUP_SECONDS:-20}s" -s "$root/bench/scripts/gateway-wrk.lua" "${urls[$i]}" >/dev/null
done

for round in $(seq 1 "$rounds"); do
  for c in "${connections[@]}"; do
    # A pause after each point lets the last target's background work (pool workers spinning down, a collection,
    # a checkpoint) end before the next target, which shares its core, is measured.
    for i in "${!names[@]}"; do point "$i" "$c" "$round"; sleep "${SETTLE_SECONDS:-3}"; done
  done
done

# Every request answered must be in the log: the gateway's own count of committed records, then the store's.
for v in "${!variants[@]}"; do
  variant="${variants[$v]}" port=$((tailor_port + v))
  echo "{\"target\":\"$variant\",\"health\":$(curl -s "http://127.0.0.1:$port/healthz")}"
  kill -TERM "${tailor_pids[$v]}"; wait "${tailor_pids[$v]}" || true
  echo "{\"target\":\"$variant\",\"stored\":$(dotnet "$cli" logs tail -n 1000000000 --json --project "$work/$variant" 2>/dev/null | wc -l)}"
done
