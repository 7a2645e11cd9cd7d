#!/usr/bin/env python3
"""Calibration of the shared NCM811 | Li6PS5Cl degradation constants against Zhou 2025's six
100-cycle retentions (coarse 84.0/74.3/63.3 %, fine 90.3/88.9/85.6 % at 30/10/2 MPa, 0.1C, 30 °C).

Every trial runs `solidcell sweep` over the three pressures for both model files with the same
`--set` overrides (the shared constants) and prints the six retentions and their errors. Run from
the repository root after `swift build -c release`:

    python3 validation/fits/zhou2025_shared_damage.py \
        "Contact damage rate per cycle=0.00737" "Contact damage pressure scale [MPa]=40" \
        "Contact damage reference current crowding=3.35" "Contact damage current crowding exponent=3"

With no arguments it evaluates the model files as committed. The fit was done by hand over the
trials logged, with their results, in validation/fits/zhou2025_shared_damage.log (12 runs, the
last one the committed constants); `solidcell fit` was not available on this branch.
"""
import csv, os, subprocess, sys, tempfile

PUBLISHED = {"coarse": [84.0, 74.3, 63.3], "fine": [90.3, 88.9, 85.6]}
PRESSURES = ["30", "10", "2"]
CYCLE = "Charge at 0.1C until 4.3 V; Discharge at 0.1C until 2.5 V"


def run(overrides, cycles=100, extra=()):
    out = tempfile.mkdtemp(prefix="zhou-fit-")
    procs = {}
    for m in PUBLISHED:
        cmd = [".build/release/solidcell", "sweep", "--model", f"models/zhou2025-ncm811-lpsc-{m}.json",
               "--vary", "Stack pressure [MPa]=" + ",".join(PRESSURES), "--experiment", CYCLE,
               "--cycles", str(cycles), "--jobs", "3", "--output", os.path.join(out, m), *extra]
        for o in overrides:
            cmd += ["--set", o]
        procs[m] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    result = {}
    for m, p in procs.items():
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"{m}: {err.strip()}")
        with open(os.path.join(out, m, "sweep.csv")) as f:
            rows = list(csv.DictReader(f))
        result[m] = [float(r["Capacity retention [%]"]) if r["Status"] == "completed" else float("nan") for r in rows]
    return result


def main():
    overrides = sys.argv[1:]
    result = run(overrides)
    worst = 0.0
    print("; ".join(overrides) or "(model files as committed)")
    for m, published in PUBLISHED.items():
        errors = [s - p for s, p in zip(result[m], published)]
        worst = max([worst] + [abs(e) for e in errors])
        print(f"  {m:6s} " + "  ".join(f"{P} MPa {s:6.2f} ({e:+.2f})" for P, s, e in zip(PRESSURES, result[m], errors)))
    print(f"  worst |error| {worst:.2f} points")


if __name__ == "__main__":
    main()
