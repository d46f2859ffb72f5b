#!/usr/bin/env bash
# Dataset benchmarks, side by side in one run (see bench/results/data.md):
#   1. dedup quality on planted pairs at known Jaccard (precision/recall per level);
#   2. validation MB/s vs a bare Utf8JsonReader pass (the floor), and near-duplicate dedup of N
#      generated examples on 1 and 2 threads (docs/s, CPU time, memory);
#   3. the peer: npm `minhash` 0.0.9 on the first PEER_DOCS lines of the same file.
# Usage: bench/scripts/data-bench.sh [N=1000000] [PEER_DOCS=20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
PEER_DOCS="${2:-20000}"
dotnet build -c Release bench/Tailor.Bench -v q -nologo >/dev/null
BENCH=bench/Tailor.Bench/bin/Release/net10.0/Tailor.Bench.dll
echo "## $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "### Dedup quality"
dotnet "$BENCH" data-quality
echo "### Validation and dedup at scale"
dotnet "$BENCH" data-scale "$N"
echo "### Peer"
if [ ! -d bench/.peers/minhash/node_modules/minhash ]; then
  mkdir -p bench/.peers/minhash && (cd bench/.peers/minhash && npm install --silent minhash@0.0.9 >/dev/null)
fi
node bench/scripts/data-minhash-peer.cjs "${TMPDIR:-/tmp}/tailor-bench-dups-$N.jsonl" "$PEER_DOCS"
dotnet "$BENCH" data-scale "$PEER_DOCS" | tail -3
