#!/usr/bin/env python3
"""Turns gateway-bench.sh's JSON lines into the Markdown table of bench/results/gateway.md.
Usage: python3 bench/scripts/gateway-table.py bench/results/gateway-run2.jsonl"""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
points = {(r["target"], r["connections"]): r for r in rows if "connections" in r}
direct = {c: r for (t, c), r in points.items() if t == "direct"}
print("| target | conns | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | non-2xx | socket errors |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (target, c), r in points.items():
    rps = r["requests"] / (r["duration_us"] / 1e6)
    added = "" if target == "direct" else f'{(r["p50_us"] - direct[c]["p50_us"]) / 1000:.2f}'
    added99 = "" if target == "direct" else f'{(r["p99_us"] - direct[c]["p99_us"]) / 1000:.2f}'
    print(f'| {target} | {c} | {rps:,.0f} | {r["p50_us"] / 1000:.2f} | {r["p99_us"] / 1000:.2f} | {added} | {added99} | {r["non2xx"]} | {r["socket_errors"]} |')
for r in rows:
    if r.get("target") == "disk-sync":
        print(f'\nDisk sync floor (4 KiB overwrite + fdatasync): p50 {r["p50_us"] / 1000:.3f} ms, p99 {r["p99_us"] / 1000:.3f} ms.', end="")
    if "stored" in r:
        print(f'\n{r["target"]}: {r["stored"]} interactions in the store after the run (warm-up included).', end="")
print()
