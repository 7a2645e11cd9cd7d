#!/usr/bin/env bash
# A/B timing of two solidcell binaries on this noisy host: runs the same simulation with each binary
# in turn (A, B, A, B, …), so both see the same spells of the host, and prints the minimum and the
# median `solve_time_s` and wall time of each, with their IDA counters.
#
#   bash Benchmarks/ab-solve-time.sh OLD_BINARY NEW_BINARY [MESH_POINTS] [RUNS]
#
# By default the problem is the 1C discharge of the PyBaMM cross-check model; MESH_POINTS (default
# 30: 993 states) is used for x_s, x_p and r_p ("model" uses the model file's own mesh); RUNS
# (default 15) per binary. Environment overrides for other problems:
#   AB_MODEL       model file or bundled name   (default models/xu2019-nmc532-half-cell-t1.json)
#   AB_EXPERIMENT  experiment text              (default "Discharge at 1C until 3.5 V")
#   AB_CYCLES      --cycles                     (default 1)
# e.g. the comparison's cycling problem:
#   AB_EXPERIMENT="Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V; Hold at 4.2 V until C/50" \
#   AB_CYCLES=100 bash Benchmarks/ab-solve-time.sh OLD NEW 16 10
# Keep a build of the base commit aside first, e.g.
#   git stash; swift build -c release --product solidcell; cp .build/release/solidcell /tmp/solidcell-base; git stash pop
# A change that gains less than the spread between the two minima is not measured by this.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: bash Benchmarks/ab-solve-time.sh OLD_BINARY NEW_BINARY [MESH_POINTS|model] [RUNS]" >&2
    exit 2
fi
A="$1"; B="$2"; N="${3:-30}"; RUNS="${4:-15}"
for binary in "$A" "$B"; do
    [ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 2; }
done
case "$N,$RUNS" in
    model,*[!0-9]* | model, | model,0) echo "RUNS must be a positive integer (got $RUNS)" >&2; exit 2 ;;
    model,*) ;;
    *[!0-9,]* | ,* | *, | 0,* | *,0) echo "MESH_POINTS must be a positive integer or \"model\", RUNS a positive integer (got $N, $RUNS)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${AB_MODEL:-$ROOT/models/xu2019-nmc532-half-cell-t1.json}"
EXPERIMENT="${AB_EXPERIMENT:-Discharge at 1C until 3.5 V}"
CYCLES="${AB_CYCLES:-1}"
MESH=()
if [ "$N" != model ]; then
    MESH=(--set "Separator mesh points=$N" --set "Positive electrode mesh points=$N" --set "Positive particle mesh points=$N")
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

run() {  # binary label → appends "solve_ms wall_ms steps residuals jacobians" to $WORK/label
    local started ended
    started=$(date +%s%N)
    "$1" simulate --model "$MODEL" --experiment "$EXPERIMENT" --cycles "$CYCLES" "${MESH[@]}" --output "$WORK/out" >/dev/null
    ended=$(date +%s%N)
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s=d['solver']; print(1e3*d['solve_time_s'], (int(sys.argv[2])-int(sys.argv[3]))/1e6, s['steps'], s['residual_evaluations'], s['jacobian_evaluations'])" \
        "$WORK/out/summary.json" "$ended" "$started" >> "$WORK/$2"
}

for _ in $(seq 1 "$RUNS"); do
    run "$A" a
    run "$B" b
done

for label in a b; do
    binary=$([ "$label" = a ] && echo "$A" || echo "$B")
    python3 - "$WORK/$label" "$binary" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
solve = sorted(float(r[0]) for r in rows)
wall = sorted(float(r[1]) for r in rows)
steps, residuals, jacobians = rows[-1][2:5]
print(f"{sys.argv[2]}: solve min {solve[0]:.2f} ms, median {statistics.median(solve):.2f} ms; "
      f"wall min {wall[0]:.1f} ms, median {statistics.median(wall):.1f} ms over {len(rows)} runs "
      f"({steps} steps, {residuals} residuals, {jacobians} Jacobians)")
PY
done
