#!/usr/bin/python3
"""Summarises an `strace -f -e trace=read,write,...` log: per syscall, the successful calls, EAGAIN results and the
distribution of returned byte counts, as markdown table rows (used by bench/profile.sh)."""

import re
import statistics
import sys

CALL = re.compile(r"^\d+\s+(\w+)\((\d+),.*\)\s+=\s+(-?\d+)")
sizes, eagain, errors = {}, {}, {}
with open(sys.argv[1], errors="replace") as f:
    for line in f:
        m = CALL.match(line)
        if not m:
            continue
        name, ret = m.group(1), int(m.group(3))
        if ret < 0:
            target = eagain if "EAGAIN" in line else errors
            target[name] = target.get(name, 0) + 1
            continue
        sizes.setdefault(name, []).append(ret)

for name in sorted(set(sizes) | set(eagain)):
    values = sorted(sizes.get(name, [])) or [0]
    q = lambda p: values[min(len(values) - 1, int(p * len(values)))]
    print(f"| {name} | {len(sizes.get(name, []))} | {eagain.get(name, 0)} | {statistics.mean(values):.0f} | {q(0.5)} | {q(0.9)} | {values[-1]} |")
