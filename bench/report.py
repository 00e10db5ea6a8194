#!/usr/bin/python3
"""Turns bench/run.sh's samples.tsv into the markdown report (bench/results/latest.md).

    report.py samples.tsv header.md failures.txt run-dir-name

Ratios are computed per round (both servers measured in the same window), then summarised as the median with the
spread over rounds (min-max). Per-request costs are medians over rounds of (counter difference / requests).
"""

import os
import statistics
import sys
from collections import defaultdict

TARGET_RAW = 0.95
TARGET_UVICORN = 1.1
CLK_TCK = os.sysconf("SC_CLK_TCK")


def main():
    samples_path, header_path, failures_path, run_name = sys.argv[1:5]
    rows = []
    with open(samples_path) as f:
        names = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(names, line.rstrip("\n").split("\t"))))

    servers, cells = [], []
    for r in rows:
        if r["server"] not in servers:
            servers.append(r["server"])
        cell = (r["workload"], r["protocol"])
        if cell not in cells:
            cells.append(cell)

    by = defaultdict(dict)  # (workload, protocol, server) -> {round: row}
    for r in rows:
        by[(r["workload"], r["protocol"], r["server"])][int(r["round"])] = r

    def rates(cell, server):
        return {k: float(v["req_s"]) for k, v in by[(*cell, server)].items()}

    def ratio(cell, a, b):
        ra, rb = rates(cell, a), rates(cell, b)
        values = [ra[k] / rb[k] for k in sorted(ra) if k in rb and rb[k] > 0]
        return values

    def fmt_ratio(values):
        if not values:
            return "–"
        med = statistics.median(values)
        if len(values) == 1:
            return f"{med:.2f}×"
        return f"{med:.2f}× ({min(values):.2f}–{max(values):.2f})"

    out = []
    out.append("# AsgiBridge load benchmark: raw Kestrel, UseAsgi, uvicorn")
    out.append("")
    out.append(open(header_path).read().rstrip())
    out.append("- ratios: median of the per-round ratios (same measurement window), spread min–max over rounds in brackets")
    out.append("")

    out.append("## Throughput (req/s, median over rounds)")
    out.append("")
    out.append("| workload | protocol | " + " | ".join(servers) + " |")
    out.append("|---|---|" + "---:|" * len(servers))
    for cell in cells:
        values = []
        for s in servers:
            r = rates(cell, s)
            values.append(f"{statistics.median(r.values()):,.0f}" if r else "–")
        out.append(f"| {cell[0]} | {cell[1]} | " + " | ".join(values) + " |")
    out.append("")

    def ratio_table(base, title, target, protocols):
        others = [s for s in servers if s != base and not (base == "raw" and s.startswith("raw@"))]
        if base not in servers or not others:
            return
        out.append(f"## {title} (target ≥ {target})")
        out.append("")
        out.append("| workload | protocol | " + " | ".join(f"{s}/{base}" for s in others) + " |")
        out.append("|---|---|" + "---:|" * len(others))
        for cell in cells:
            if cell[1] not in protocols:
                continue
            out.append(f"| {cell[0]} | {cell[1]} | " + " | ".join(fmt_ratio(ratio(cell, s, base)) for s in others) + " |")
        out.append("")

    ratio_table("raw", "Against raw Kestrel", TARGET_RAW, {"http1", "h2c"})
    ratio_table("uvicorn", "Against uvicorn (HTTP/1.1 only: uvicorn has no HTTP/2)", TARGET_UVICORN, {"http1"})

    # Profiles: X@P against X in the same window, when both ran.
    pairs = [(s, s.split("@")[0]) for s in servers if "@" in s and s.split("@")[0] in servers]
    if pairs:
        out.append("## Hosting settings: server with the setting / same server without")
        out.append("")
        out.append("| workload | protocol | " + " | ".join(f"{a}/{b}" for a, b in pairs) + " |")
        out.append("|---|---|" + "---:|" * len(pairs))
        for cell in cells:
            out.append(f"| {cell[0]} | {cell[1]} | " + " | ".join(fmt_ratio(ratio(cell, a, b)) for a, b in pairs) + " |")
        out.append("")

    out.append("## Per-request costs (median over rounds)")
    out.append("")
    out.append("Server CPU time (all of it, and the user-mode part) and context switches (all threads, from /proc), and for")
    out.append("the C# servers the process-wide allocated bytes, gen0 collections and thread-pool work items (the server's")
    out.append("counters endpoint), each divided by the requests the load generator completed. Unlike req/s these hardly")
    out.append("depend on other load on the machine. The servers' own code (the bridge included) runs in user mode; the")
    out.append("kernel's part is the same work for every server and moves most with the VM's scheduling.")
    out.append("")
    out.append("| workload | protocol | server | CPU µs/req | user CPU µs/req | ctx switches/req | alloc B/req | gen0 GCs/100k req | thread-pool items/req |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for cell in cells:
        for s in servers:
            runs = by[(*cell, s)]
            if not runs:
                continue

            def per_req(key, scale=1.0):
                values = []
                for r in runs.values():
                    n = float(r["requests"] or 0)
                    if n > 0 and r[key] not in ("NA", ""):
                        values.append(float(r[key]) * scale / n)
                return statistics.median(values) if values else None

            cpu = per_req("cpu_ticks", 1e6 / CLK_TCK)
            user = per_req("user_ticks", 1e6 / CLK_TCK) if all("user_ticks" in r for r in runs.values()) else None
            ctx = per_req("ctx_switches")
            if ctx is not None and ctx < 0:
                ctx = None  # a thread exited during the run and took its counts with it
            alloc = per_req("alloc_bytes")
            gen0 = per_req("gen0", 1e5)
            items = per_req("tp_work_items")
            f = lambda v, spec: "–" if v is None else format(v, spec)
            out.append(f"| {cell[0]} | {cell[1]} | {s} | {f(cpu, '.1f')} | {f(user, '.1f')} | {f(ctx, '.2f')} | {f(alloc, ',.0f')} | {f(gen0, '.1f')} | {f(items, '.2f')} |")
    out.append("")

    # Per-round detail, for the spread.
    out.append("## Per-round req/s")
    out.append("")
    rounds = sorted({int(r["round"]) for r in rows})
    out.append("| workload | protocol | server | " + " | ".join(f"round {k}" for k in rounds) + " |")
    out.append("|---|---|---|" + "---:|" * len(rounds))
    for cell in cells:
        for s in servers:
            r = rates(cell, s)
            if r:
                out.append(f"| {cell[0]} | {cell[1]} | {s} | " + " | ".join(f"{r[k]:,.0f}" if k in r else "–" for k in rounds) + " |")
    out.append("")

    failures = open(failures_path).read().strip().splitlines() if os.path.exists(failures_path) else []
    if failures:
        out.append("**Runs with failed requests (warm-ups included):**")
        out.append("")
        out.extend(f"- {line}" for line in failures)
        out.append("")
    else:
        out.append("Every request of every run (warm-ups included) succeeded.")
        out.append("")
    out.append(f"Raw tool output: `bench/results/{run_name}/`.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
