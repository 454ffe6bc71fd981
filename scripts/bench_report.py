#!/usr/bin/env python3
"""Reads collect_bench JSON (with repetitions): prints the median ns per entry of every variant,
layout and N with its ratio to the baseline and to the floor (both measured in the same run),
and whether the targets of docs/benchmarks.md are met; writes a TSV for scripts/bench_plot.gp.
Usage: bench_report.py JSON TSV [COMPILER]. Standard library only."""
import json
import sys

src, tsv = sys.argv[1], sys.argv[2]
compiler = sys.argv[3] if len(sys.argv) > 3 else "?"
data = json.load(open(src))
med = {}
cv = []  # (coefficient of variation of ns per entry, run name, repetitions)
for b in data["benchmarks"]:
    if b.get("error_occurred"):
        sys.exit(f"{b['name']}: {b.get('error_message')}")
    if b.get("aggregate_name") == "cv":
        cv.append((b["ns_per_entry"], b["run_name"], b["repetitions"]))
    if b.get("aggregate_name") != "median":
        continue
    _, variant, layout, n = b["run_name"].split("/")[:4]
    # An inverted rate counter is seconds per item; the table is in ns.
    med[(variant, layout, int(n))] = b["ns_per_entry"] * 1e9

variants = ["floor", "baseline", "foliorc", "plugged", "ranges", "prefetch", "plugged_prefetch"]
layouts = ["seq", "shuffled", "large9", "unpinnable", "mixed"]
sizes = sorted({k[2] for k in med})
ctx = data.get("context", {})
print(f"compiler: {compiler}; host {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs, "
      f"{ctx.get('date', '?')}")
print("median ns per entry (ratio to baseline / ratio to floor)")
print(f"{'layout':10} {'N':>8} " + " ".join(f"{v:>22}" for v in variants))
missed, met = [], []


def check(ok, text):
    (met if ok else missed).append(text)


for lay in layouts:
    for n in sizes:
        base = med.get(("baseline", lay, n))
        floor = med.get(("floor", lay, n))
        if base is None or floor is None:
            continue
        cells = []
        for v in variants:
            t = med.get((v, lay, n))
            cells.append(f"{t:7.3f} ({t / base:4.2f}/{t / floor:5.2f})" if t is not None else " " * 22)
            if t is None:
                continue
            if v in ("foliorc", "plugged") and n >= 4096:
                check(t <= 1.05 * base, f"{v} {lay}/{n}: {t / base:.2f}x baseline (target <= 1.05x)")
            if v == "foliorc" and lay == "shuffled" and n >= 1048576:
                check(t <= 1.15 * floor, f"foliorc shuffled/{n}: {t / floor:.2f}x floor (target <= 1.15x)")
            if v == "plugged_prefetch" and lay == "shuffled" and n >= 1048576:
                check(base / t >= 2.0, f"plugged_prefetch shuffled/{n}: {base / t:.2f}x faster than baseline "
                      "(target >= 2x)")
        print(f"{lay:10} {n:>8} " + " ".join(cells))
if cv:
    worst = max(cv)
    print(f"repetitions: {worst[2]}; largest coefficient of variation: {worst[0] * 100:.1f}% ({worst[1]})")
print(f"targets: {len(met)} met, {len(missed)} missed")
for m in missed:
    print("  MISSED " + m)
# The targets closest to their bound, met or not.
for m in met:
    if "floor" in m or "faster" in m:
        print("  met    " + m)
with open(tsv, "w") as out:
    for lay in layouts:
        for v in variants:
            out.write(f"# {lay} {v}\n")
            for n in sizes:
                if (v, lay, n) in med:
                    out.write(f"{n}\t{med[(v, lay, n)]:.4f}\n")
            out.write("\n\n")
