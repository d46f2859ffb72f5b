#!/usr/bin/env bash
# Inference side by side: LocalChatClient (Tailor.Bench `inference`) and node-llama-cpp 3.22.1 (npm, its prebuilt CPU
# binaries) on the same GGUFs, the same 227-token prompt, context 512, batch 512, greedy decoding of a fixed number of
# tokens, 1 and 2 threads. The two engines alternate (which goes first flips every repetition); each run is its own
# process (load time and peak RSS are per process), pinned with taskset: 1 thread on CPU 0, 2 threads on CPUs 0-1.
# Every process streams one warm-up reply, then --runs measured ones; /usr/bin/time gives its CPU time and peak RSS,
# /proc/loadavg the machine's load just before it starts.
#
# usage: bash bench/scripts/local-engine-inference.sh [presets="1m 4m 16m 100m"] [threads="1 2"] [reps=5] [tokens=128]
#   REPS_100M (default 3) repetitions for the 100m preset; RUNS (default 3) measured replies per process;
#   TIMEOUT (default 60) seconds a process may take; one that takes longer is ended and recorded as timed out (on 2
#   shared cores, 2-thread generation can collapse 10-100x when a neighbour takes a core, node-llama-cpp's first);
#   DIRECT=1 (default) also runs `Tailor.Bench inference --raw` each repetition: the same natives as Tailor's driven
#   directly through LLamaSharp on one thread (no chat template, no decode thread, no streaming), the floor under
#   LocalChatClient's own overhead, so a gap to the peer can be split into "our client" and "the other llama.cpp build".
# Output: bench/.peers/local-engine/results-<time>.jsonl (+ .membw, the bandwidth measured at start and end) and a
# Markdown table (local-engine-inference-table.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
PRESETS=${1:-"1m 4m 16m 100m"}
THREADS=${2:-"1 2"}
REPS=${3:-5}
TOKENS=${4:-128}
RUNS=${RUNS:-3}
DIRECT=${DIRECT:-1}
TIMEOUT=${TIMEOUT:-60}
REPS_100M=${REPS_100M:-3}
peers="$root/bench/.peers/local-engine"
models="$peers/models"
mkdir -p "$peers"

# 1. The peer, on demand: node-llama-cpp and only its linux-x64 CPU binaries (the optional CUDA/Vulkan/ARM packages are
#    ~640 MB and unused). No install scripts: the postinstall would only check for binaries, and the driver asks for
#    build "never", so nothing is downloaded from outside npm or compiled.
if [ ! -f "$peers/node_modules/@node-llama-cpp/linux-x64/package.json" ]; then
  (cd "$peers" && npm install --no-audit --no-fund --ignore-scripts --omit=optional \
    node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1 > /dev/null)
fi
cp "$root/bench/scripts/local-engine-inference-peer.mjs" "$peers/"

# 2. Tailor, Release; the models and the prompt, made by Tailor itself.
dotnet build "$root/bench/Tailor.Bench" -c Release -v quiet -nologo > /dev/null
bench="$root/bench/Tailor.Bench/bin/Release/net10.0/Tailor.Bench.dll"
if [ ! -f "$models/prompt-tokens.json" ]; then
  dotnet "$bench" inference-models --out "$models" --presets 1m,4m,16m,100m
fi

out="$peers/results-$(date +%Y%m%d-%H%M%S).jsonl"
timing=$(mktemp)
trap 'rm -f "$timing"' EXIT
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB; node $(node --version), dotnet $(dotnet --version)" >&2
echo "start: $(uptime)" >&2
# The ceiling of batch-1 generation is memory bandwidth / model bytes: measure the bandwidth now and again at the end.
gcc -O3 -march=native -ffast-math -fopenmp "$root/bench/scripts/local-engine-membw.c" -o "$peers/membw" # apt-get install gcc
"$peers/membw" 1024 | tee "$out.membw" >&2

run() { # engine model threads cpus
  local engine=$1 model=$2 threads=$3 cpus=$4 load line status=0
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$engine" = tailor ] || [ "$engine" = direct ]; then
    line=$(/usr/bin/time -f '%e %U %S %M' -o "$timing" timeout "$TIMEOUT" taskset -c "$cpus" \
      dotnet "$bench" inference --model "$models/$model.gguf" --threads "$threads" --tokens "$TOKENS" --runs "$RUNS" \
      $([ "$engine" = direct ] && echo --raw)) || status=$?
  else
    line=$(cd "$peers" && /usr/bin/time -f '%e %U %S %M' -o "$timing" timeout "$TIMEOUT" taskset -c "$cpus" \
      node local-engine-inference-peer.mjs --model "$models/$model.gguf" --threads "$threads" --tokens "$TOKENS" --runs "$RUNS") || status=$?
  fi
  read -r wall user sys rss < <(tail -1 "$timing")
  if [ "$status" = 124 ]; then
    [ "$engine" = direct ] && engine=llama.cpp-direct
    [ "$engine" = node ] && engine=node-llama-cpp
    line="{\"engine\":\"$engine\",\"model\":\"$model.gguf\",\"threads\":$threads,\"timedOut\":$TIMEOUT}"
  elif [ "$status" != 0 ]; then
    echo "$engine $model $threads failed ($status)" >&2; return 1
  fi
  echo "${line%\}},\"load1\":$load,\"wallS\":$wall,\"userS\":$user,\"sysS\":$sys,\"maxRssKb\":$rss,\"cpus\":\"$cpus\",\"bytes\":$(stat -c %s "$models/$model.gguf")}" | tee -a "$out" >&2
}

for preset in $PRESETS; do
  reps=$REPS
  [ "$preset" = 100m ] && reps=$REPS_100M
  for type in f32 f16; do
    for threads in $THREADS; do
      cpus=0
      [ "$threads" -ge 2 ] && cpus="0-$((threads - 1))"
      for ((rep = 1; rep <= reps; rep++)); do
        if ((rep % 2)); then
          run tailor "$preset-$type" "$threads" "$cpus"; run node "$preset-$type" "$threads" "$cpus"
        else
          run node "$preset-$type" "$threads" "$cpus"; run tailor "$preset-$type" "$threads" "$cpus"
        fi
        if [ "$DIRECT" = 1 ]; then run direct "$preset-$type" "$threads" "$cpus"; fi
      done
    done
  done
done
"$peers/membw" 1024 | tee -a "$out.membw" >&2
echo "end: $(uptime)" >&2
python3 "$root/bench/scripts/local-engine-inference-table.py" "$out"
