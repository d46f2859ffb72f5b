#!/usr/bin/env python3
"""Turns gateway-bench.sh's JSON lines into the Markdown table of bench/results/gateway.md.
With several rounds each cell is the median over the rounds, and "added" is taken against the direct point of the
same round before the median.
Usage: python3 bench/scripts/gateway-table.py bench/results/gateway-run2.jsonl"""
import json, sys
from statistics import median

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
points = [r for r in rows if "connections" in r]
direct = {(r["connections"], r.get("round", 1)): r for r in points if r["target"] == "direct"}
cells = {}
for r in points:
    cells.setdefault((r["target"], r["connections"]), []).append(r)
rounds = max((r.get("round", 1) for r in points), default=1)

print("| target | conns | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | non-2xx | socket errors |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (target, c), rs in cells.items():
    rps = median([r["requests"] / (r["duration_us"] / 1e6) for r in rs])
    p50, p99 = median([r["p50_us"] for r in rs]), median([r["p99_us"] for r in rs])
    if target == "direct":
        added = added99 = ""
    else:
        base = [(r, direct[(c, r.get("round", 1))]) for r in rs]
        added = f'{median([r["p50_us"] - d["p50_us"] for r, d in base]) / 1000:.2f}'
        added99 = f'{median([r["p99_us"] - d["p99_us"] for r, d in base]) / 1000:.2f}'
    non2xx, errors = sum(r["non2xx"] for r in rs), sum(r["socket_errors"] for r in rs)
    print(f'| {target} | {c} | {rps:,.0f} | {p50 / 1000:.2f} | {p99 / 1000:.2f} | {added} | {added99} | {non2xx} | {errors} |')
if rounds > 1:
    print(f"\nMedians of {rounds} interleaved rounds.", end="")
for r in rows:
    if r.get("target") == "disk-sync":
        print(f'\nDisk sync floor (4 KiB overwrite + fdatasync): p50 {r["p50_us"] / 1000:.3f} ms, p99 {r["p99_us"] / 1000:.3f} ms.', end="")
    if "stored" in r:
        print(f'\n{r["target"]}: {r["stored"]} interactions in the store after the run (warm-up included).', end="")
print()
