#!/usr/bin/env python3
"""Reads collect_bench JSON (with repetitions): prints the median ns per entry of every
variant, layout and N, the ratio to the baseline, and whether the targets are met; writes a
TSV for scripts/bench_plot.gp. Standard library only."""
import json
import sys

src, tsv = sys.argv[1], sys.argv[2]
data = json.load(open(src))
med = {}
cv = []  # (coefficient of variation of ns per entry, run name, repetitions)
for b in data["benchmarks"]:
    if b.get("aggregate_name") == "cv":
        cv.append((b["ns_per_entry"], b["run_name"], b["repetitions"]))
    if b.get("aggregate_name") != "median":
        continue
    _, variant, layout, n = b["run_name"].split("/")[:4]
    # An inverted rate counter is seconds per item; the table is in ns.
    med[(variant, layout, int(n))] = b["ns_per_entry"] * 1e9

variants = ["baseline", "foliorc", "plugged", "ranges", "prefetch"]
layouts = ["seq", "shuffled", "large9"]
sizes = sorted({k[2] for k in med})
print("median ns per entry (ratio to baseline)")
print(f"{'layout':9} {'N':>8} " + " ".join(f"{v:>17}" for v in variants))
missed = []
for lay in layouts:
    for n in sizes:
        base = med.get(("baseline", lay, n))
        if base is None:
            continue
        cells = []
        for v in variants:
            t = med.get((v, lay, n))
            cells.append(f"{t:8.3f} ({t / base:5.2f}x)" if t is not None else " " * 17)
            if v in ("foliorc", "plugged") and t is not None and t > 1.05 * base:
                missed.append(f"{v} {lay}/{n}: {t / base:.2f}x baseline (target <= 1.05x)")
            if v == "prefetch" and lay == "shuffled" and n >= 1048576 and t is not None and base / t < 1.3:
                missed.append(f"prefetch shuffled/{n}: {base / t:.2f}x faster (target >= 1.3x)")
        print(f"{lay:9} {n:>8} " + " ".join(cells))
if cv:
    worst = max(cv)
    print(f"repetitions: {worst[2]}; largest coefficient of variation: {worst[0] * 100:.1f}% ({worst[1]})")
print("targets: all met" if not missed else "targets missed:\n  " + "\n  ".join(missed))
with open(tsv, "w") as out:
    for lay in layouts:
        for v in variants:
            out.write(f"# {lay} {v}\n")
            for n in sizes:
                if (v, lay, n) in med:
                    out.write(f"{n}\t{med[(v, lay, n)]:.4f}\n")
            out.write("\n\n")
