#!/usr/bin/python3
"""One compact table from bench/profile.sh's profile.md: per server and cell, the per-request figures side by side.

    bench/profile_summary.py bench/results/profile-<time>/profile.md
"""

import re
import sys

COLUMNS = [("all syscalls", "syscalls"), ("recvfrom|read", "reads"), ("sendto|sendmsg|writev|write", "writes"),
           ("epoll_wait|epoll_pwait", "epoll_wait"), ("sched_yield", "sched_yield"), ("futex", "futex"),
           ("sched:sched_switch", "switches"), ("sched:sched_wakeup", "wake-ups")]


def main(path):
    text = open(path).read()
    print("| server | workload | protocol | req/s (indicative) | CPU µs/req | alloc B/req | gen0/100k | TP items/req | "
          + " | ".join(label for _, label in COLUMNS) + " |")
    print("|---|---|---|---:|---:|---:|---:|---:|" + "---:|" * len(COLUMNS))
    for section in text.split("\n## ")[1:]:
        title = section.split("\n", 1)[0]
        parts = [p.strip() for p in title.split(",")]
        if len(parts) != 3:
            continue
        head = re.search(r"([\d.]+) req/s over (\d+) requests.*?server CPU ([\d.]+) µs/req", section)
        runtime = re.search(r"Runtime: (\d+) B allocated/req, ([\d.]+) gen0.*?([\d.]+) thread-pool work items/req", section)
        table = section.split("| event | per request |", 1)
        events = dict(re.findall(r"^\| ([\w:]+(?: \w+)?) \| ([\d.]+) \|$", table[1], re.M)) if len(table) > 1 else {}
        cells = []
        for pattern, _ in COLUMNS:
            names = pattern.split("|")
            if pattern == "all syscalls":
                value = float(events.get("all syscalls", 0))
            else:
                value = sum(float(events.get(n, 0)) for n in names)
            cells.append(f"{value:.2f}")
        rt = runtime.groups() if runtime else ("–", "–", "–")
        print(f"| {parts[0]} | {parts[1]} | {parts[2]} | {float(head.group(1)):,.0f} | {head.group(3)} | {rt[0]} | {rt[1]} | {rt[2]} | "
              + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
