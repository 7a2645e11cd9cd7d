#!/usr/bin/env python3
"""Compares accelerated runs (cycle jumping) with full runs of the same case.

Usage: cycle_jumping.py RUNS_DIR CASE... > table.md

Each CASE names two run folders in RUNS_DIR: accel-CASE and full-CASE (the full one may be
missing: then only the accelerated run's cost is listed). For each case it reads cycles.csv
(`Capacity retention [%]`, `Simulated`) and summary.json (`solver.steps`, `solve_time_s`,
`cycle_jumps`) and the wall time written by cycle-jumping.sh (`wall_s`), and prints one table row.
"""
import csv
import json
import os
import sys


def load(folder):
    if not os.path.exists(os.path.join(folder, "summary.json")):
        return None
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(folder, "cycles.csv")) as f:
        rows = list(csv.DictReader(f))
    retention = {int(r["Cycle"]): float(r["Capacity retention [%]"]) for r in rows if r["Complete"] == "true"}
    wall = None
    if os.path.exists(os.path.join(folder, "wall_s")):
        with open(os.path.join(folder, "wall_s")) as f:
            wall = float(f.read().strip())
    return {"summary": summary, "retention": retention, "wall": wall}


def main():
    runs, cases = sys.argv[1], sys.argv[2:]
    print("| case | cycles | simulated / jumped (jumps accepted, rejected) | IDA steps full / accelerated | step ratio "
          "| wall time full / accelerated [s] | wall ratio | worst retention difference [points] (cycle) "
          "| worst while the full run keeps ≥ 50 % / ≥ 20 % | at the last cycle | first cycle below 10 %: full / accelerated "
          "| full run's last retention [%] |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        fast = load(os.path.join(runs, "accel-" + case))
        full = load(os.path.join(runs, "full-" + case))
        if fast is None:
            print(f"| {case} | accelerated run missing | | | | | | | | | | |")
            continue
        s = fast["summary"]
        jumps = s.get("cycle_jumps") or {}
        cycles = max(fast["retention"]) if fast["retention"] else 0
        jumped = (f"{jumps.get('simulated_cycles')} / {jumps.get('jumped_cycles')} "
                  f"({jumps.get('accepted_jumps')}, {jumps.get('rejected_jumps')})")
        status = "" if s["status"] == "completed" else f" ({s['status']})"
        steps_fast = s["solver"]["steps"]
        wall_fast = fast["wall"]
        if full is None:
            print(f"| {case}{status} | {cycles} | {jumped} | – / {steps_fast} | – | – / {wall_fast:.0f} | – | no full run | | | | |")
            continue
        steps_full = full["summary"]["solver"]["steps"]
        common = sorted(set(fast["retention"]) & set(full["retention"]))
        worst = max(common, key=lambda c: abs(fast["retention"][c] - full["retention"][c]))
        difference = fast["retention"][worst] - full["retention"][worst]
        last = common[-1]
        def worst_while(level):
            kept = [c for c in common if full["retention"][c] >= level]
            if not kept:
                return "–"
            c = max(kept, key=lambda c: abs(fast["retention"][c] - full["retention"][c]))
            return f"{fast['retention'][c] - full['retention'][c]:+.2f} ({c})"

        def first_below(run, level):
            return next((str(c) for c in sorted(run["retention"]) if run["retention"][c] < level), "–")

        wall_full = full["wall"]
        wall_text = f"{wall_full:.0f} / {wall_fast:.0f}" if wall_full and wall_fast else "–"
        wall_ratio = f"{wall_full / wall_fast:.1f}×" if wall_full and wall_fast else "–"
        print(f"| {case}{status} | {cycles} | {jumped} | {steps_full} / {steps_fast} | {steps_full / steps_fast:.1f}× "
              f"| {wall_text} | {wall_ratio} | {difference:+.2f} ({worst}) | {worst_while(50)} / {worst_while(20)} "
              f"| {fast['retention'][last] - full['retention'][last]:+.2f} | {first_below(full, 10)} / {first_below(fast, 10)} "
              f"| {full['retention'][last]:.1f} |")


if __name__ == "__main__":
    main()
