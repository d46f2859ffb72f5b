#!/usr/bin/env bash
# Moderation latency side by side: Tailor's detectors, local classifier and whole moderator, and the npm PII
# redactor @redactpii/node on the same exported messages. Each process is pinned to core 0 (taskset) so the
# figures are one core's. The peer installs on demand into bench/.peers/moderation (ignored by git).
# usage: bash bench/scripts/moderation.sh   (prints Markdown tables for bench/results/moderation.md)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
peers="$root/bench/.peers/moderation"
messages="$peers/messages"
mkdir -p "$peers"
dotnet build "$root/bench/Tailor.Bench" -c Release -v quiet -nologo > /dev/null
echo "## Tailor (dotnet $(dotnet --version))"
# Non-concurrent GC: on one pinned core a background GC thread would only steal time from the thread being timed.
DOTNET_gcConcurrent=0 taskset -c 0 dotnet "$root/bench/Tailor.Bench/bin/Release/net10.0/Tailor.Bench.dll" moderation-latency --export "$messages"
if [ ! -d "$peers/node_modules/@redactpii/node" ]; then
  (cd "$peers" && npm install --no-audit --no-fund --silent @redactpii/node@1.0.17 > /dev/null)
fi
echo
echo "## Peer (node $(node --version))"
cp "$root/bench/scripts/moderation-peer.mjs" "$peers/"
(cd "$peers" && taskset -c 0 node moderation-peer.mjs "$messages")
