#!/usr/bin/env python3
"""GPU time per kernel from an `ncu --csv --page raw --metrics gpu__time_duration.sum` log: kernels
grouped by name (shortened), with launches, total and mean microseconds and share, longest first.

Usage: python3 bench/device/ncu_summary.py NCU.csv [TOP]"""
import csv
import re
import sys
from collections import defaultdict


def short(name):
    name = re.sub(r"\(.*", "", name)  # drop the argument list
    return name if len(name) <= 70 else name[:67] + "..."


def main():
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with open(sys.argv[1], newline="") as f:
        lines = [line for line in f if line.startswith('"')]  # ncu's own messages start otherwise
    rows = list(csv.DictReader(lines))
    metric = "gpu__time_duration.sum"
    # the first row gives the units; values are written with thousands separators ("22,368")
    per_us = {"ns": 1e-3, "nsecond": 1e-3, "us": 1.0, "usecond": 1.0, "ms": 1e3, "msecond": 1e3}
    scale = per_us.get(rows[0].get(metric, "ns"), 1e-3) if rows else 1e-3
    totals = defaultdict(lambda: [0, 0.0])
    for row in rows[1:]:
        try:
            value = float(row[metric].replace(",", ""))
        except (KeyError, ValueError):
            continue
        entry = totals[short(row["Kernel Name"])]
        entry[0] += 1
        entry[1] += value * scale
    everything = sum(us for _, us in totals.values())
    print(f"{sum(n for n, _ in totals.values())} launches, {everything / 1000:.2f} ms of GPU time")
    print(f"{'kernel':70} {'launches':>8} {'total us':>10} {'us/launch':>10} {'share':>6}")
    for name, (n, us) in sorted(totals.items(), key=lambda item: -item[1][1])[:top]:
        print(f"{name:70} {n:8d} {us:10.1f} {us / n:10.1f} {100 * us / everything:5.1f}%")


if __name__ == "__main__":
    main()
