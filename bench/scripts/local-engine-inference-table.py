#!/usr/bin/env python3
"""Markdown table of a local-engine-inference.sh run (its JSONL): per model, thread count and engine, the median and
min-max over every measured reply of every process; load, init, RSS and CPU time per process; the Tailor/peer ratio of
medians; and the batch-1 generation ceiling, memory read bandwidth / model bytes, with the bandwidth measured by
local-engine-membw.c at the start and end of the run (<jsonl>.membw: the lowest and highest for that thread count)."""
import json, os, re, statistics, sys
from collections import defaultdict

bandwidth = defaultdict(list)
if os.path.exists(sys.argv[1] + ".membw"):
    for m in re.finditer(r"read bandwidth, (\d+) thread\(s\): ([\d.]+) GB/s", open(sys.argv[1] + ".membw").read()):
        bandwidth[int(m.group(1))].append(float(m.group(2)) * 1e9)

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = defaultdict(lambda: defaultdict(list))
for r in rows:
    groups[(r["model"], r["threads"])][r["engine"]].append(r)

def order(key):
    model, threads = key
    size, kind = model.removesuffix(".gguf").split("-")
    return (int(size.rstrip("m")), kind != "f32", threads)

def pooled(rs, field):
    values = [v for r in rs for v in r[field]]
    return statistics.median(values), min(values), max(values)

def per_process(rs, f):
    return statistics.median([f(r) for r in rs])

def fmt(t, digits=0):
    m, lo, hi = t
    return f"{m:,.{digits}f} ({lo:,.{digits}f}–{hi:,.{digits}f})"

print("| model | MB | threads | engine | prompt tok/s | generation tok/s | TTFT ms | load ms | init ms | peak RSS MB | CPU s / wall s | load avg | gen. ratio (pp ratio) | gen. ceiling tok/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(groups, key=order):
    model, threads = key
    engines = groups[key]
    done = {e: [r for r in rs if "timedOut" not in r] for e, rs in engines.items()}
    medians = {e: (pooled(rs, "ppTps")[0], pooled(rs, "tgTps")[0]) for e, rs in done.items() if rs}
    for engine in ["tailor", "node-llama-cpp", "llama.cpp-direct"]:
        label = {"tailor": "Tailor LocalChatClient", "llama.cpp-direct": "(Tailor's natives, direct loop)"}.get(engine, engine)
        timed_out = [r for r in engines.get(engine, []) if "timedOut" in r]
        note = f", {len(timed_out)} timed out (> {timed_out[0]['timedOut']} s)" if timed_out else ""
        rs = done.get(engine)
        if not rs:
            if timed_out:
                print(f"| | | {threads} | {label}{note} | | | | | | | | | | |")
            continue
        mb = rs[0]["bytes"] / 1e6
        ratio = ""
        if engine == "tailor" and "node-llama-cpp" in medians:
            ratio = f"**{medians['tailor'][1] / medians['node-llama-cpp'][1]:.2f}** ({medians['tailor'][0] / medians['node-llama-cpp'][0]:.2f})"
        bw = bandwidth.get(threads)
        ceiling = f"{min(bw) / rs[0]['bytes']:,.0f}–{max(bw) / rs[0]['bytes']:,.0f}" if engine == "tailor" and bw else ""
        loads = [r["load1"] for r in rs]
        # The direct loop's process also holds LocalChatClient's copy of the model: its load time and RSS are not its own.
        own = (f"{per_process(rs, lambda r: r['loadMs']):.0f} | {per_process(rs, lambda r: r['initMs']):.0f} | "
               f"{per_process(rs, lambda r: r['maxRssKb'] / 1024):.0f}") if engine != "llama.cpp-direct" else " | | "
        print(f"| {model.removesuffix('.gguf') if engine == 'tailor' else ''} | {mb:.1f} | {threads} | {label} ({len(rs)}×{len(rs[0]['tgTps'])}{note}) "
              f"| {fmt(pooled(rs, 'ppTps'))} | {fmt(pooled(rs, 'tgTps'))} | {fmt(pooled(rs, 'ttftMs'), 1)} | {own} "
              f"| {per_process(rs, lambda r: r['userS'] + r['sysS']):.2f} / {per_process(rs, lambda r: r['wallS']):.2f} "
              f"| {min(loads):.1f}–{max(loads):.1f} | {ratio} | {ceiling} |")
