#!/usr/bin/env bash
# What `solidcell compare` costs over the simulation it replays: a 100-cycle log is made with
# `solidcell simulate` (timeseries.csv, sampled every PERIOD s), converted to a Battery Data Format
# file (current positive on charge), and then, RUNS times each, interleaved on this noisy host:
#   simulate: the same protocol from the same state, sampled alike (the run that made the log);
#   compare:  `solidcell compare` of the BDF log with the same model (read the file, find the
#             steps, build the 200-step replay, simulate it, compare every sample, write
#             comparison.json/.csv and the plots).
# Prints the median process wall time of each, their ratio, and the compare's voltage RMS.
#
#   bash Benchmarks/compare-log.sh [RUNS] [CYCLES]
#
# Environment: SOLIDCELL_BIN (default .build/release/solidcell), CMP_MODEL (default
# models/xu2019-nmc532-half-cell-t1.json), CMP_EXPERIMENT (default "Discharge at 1C until 3.5 V;
# Charge at 1C until 4.2 V"), CMP_PERIOD (default 10 s).
set -euo pipefail
trap '[ -s "${WORK:-}/stderr" ] && cat "$WORK/stderr" >&2' ERR
RUNS="${1:-5}"; CYCLES="${2:-100}"
case "$RUNS,$CYCLES" in *[!0-9,]* | ,* | *, | 0,* | *,0) echo "RUNS and CYCLES must be positive integers (got $RUNS, $CYCLES)" >&2; exit 2 ;; esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SOLIDCELL_BIN:-$ROOT/.build/release/solidcell}"
[ -x "$BIN" ] || { echo "not an executable: $BIN (build with swift build -c release)" >&2; exit 2; }
MODEL="${CMP_MODEL:-$ROOT/models/xu2019-nmc532-half-cell-t1.json}"
EXPERIMENT="${CMP_EXPERIMENT:-Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V}"
PERIOD="${CMP_PERIOD:-10}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

simulate() { "$BIN" simulate --model "$MODEL" --experiment "$EXPERIMENT" --cycles "$CYCLES" --period "$PERIOD" --output "$WORK/sim" >/dev/null 2>"$WORK/stderr"; }
compare() { "$BIN" compare --model "$MODEL" --data "$WORK/log.bdf.csv" --initial-soc model --output "$WORK/cmp" >/dev/null 2>"$WORK/stderr"; }

simulate
# timeseries.csv: Time [s], Cycle, Step, Current [A] (positive on discharge), Voltage [V], …
awk -F, 'NR == 1 { print "Test Time / s,Voltage / V,Current / A,Cycle Count / 1,Step Count / 1"; next }
         { printf "%s,%s,%.17g,%s,%s\n", $1, $5, -$4, $2, $3 }' "$WORK/sim/timeseries.csv" > "$WORK/log.bdf.csv"
echo "log: $CYCLES cycles of \"$EXPERIMENT\", $(($(wc -l < "$WORK/log.bdf.csv") - 1)) samples every $PERIOD s"

milliseconds() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
: > "$WORK/simulate"; : > "$WORK/compare"
for _ in $(seq 1 "$RUNS"); do
    milliseconds simulate >> "$WORK/simulate"
    milliseconds compare >> "$WORK/compare"
done
python3 - "$WORK" <<'PY'
import json, statistics, sys
work = sys.argv[1]
sim = [int(x) for x in open(f"{work}/simulate")]
cmp = [int(x) for x in open(f"{work}/compare")]
summary = json.load(open(f"{work}/sim/summary.json"))
comparison = json.load(open(f"{work}/cmp/comparison.json"))
print(f"simulate: median {statistics.median(sim)} ms (runs {sim}); solve time {1e3 * summary['solve_time_s']:.0f} ms")
print(f"compare:  median {statistics.median(cmp)} ms (runs {cmp})")
print(f"compare / simulate: {statistics.median(cmp) / statistics.median(sim):.2f}")
print(f"compare's voltage RMS {comparison['voltage_rms_mV']:.3g} mV over {comparison['compared_samples']} samples, "
      f"{len(comparison['steps'])} steps, simulation failure: {comparison.get('simulation_failure')}")
PY
