#!/usr/bin/env bash
# A/B timing of two solidcell binaries on this noisy host: runs the 1C discharge of the PyBaMM
# cross-check model with each binary in turn (A, B, A, B, …), so both see the same spells of the
# host, and prints the minimum and the median `solve_time_s` of each, with their IDA counters.
#
#   bash Benchmarks/ab-solve-time.sh OLD_BINARY NEW_BINARY [MESH_POINTS] [RUNS]
#
# MESH_POINTS (default 30: 993 states) is used for x_s, x_p and r_p; RUNS (default 15) per binary.
# Keep a build of the base commit aside first, e.g.
#   git stash; swift build -c release --product solidcell; cp .build/release/solidcell /tmp/solidcell-base; git stash pop
# A change that gains less than the spread between the two minima is not measured by this.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: bash Benchmarks/ab-solve-time.sh OLD_BINARY NEW_BINARY [MESH_POINTS] [RUNS]" >&2
    exit 2
fi
A="$1"; B="$2"; N="${3:-30}"; RUNS="${4:-15}"
for binary in "$A" "$B"; do
    [ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 2; }
done
case "$N,$RUNS" in
    *[!0-9,]* | ,* | *, | 0,* | *,0) echo "MESH_POINTS and RUNS must be positive integers (got $N, $RUNS)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

run() {  # binary label → appends "solve_ms steps residuals jacobians" to $WORK/label
    "$1" simulate --model "$ROOT/models/xu2019-nmc532-half-cell-t1.json" --experiment "Discharge at 1C until 3.5 V" \
        --set "Separator mesh points=$N" --set "Positive electrode mesh points=$N" \
        --set "Positive particle mesh points=$N" --output "$WORK/out" >/dev/null
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s=d['solver']; print(1e3*d['solve_time_s'], s['steps'], s['residual_evaluations'], s['jacobian_evaluations'])" \
        "$WORK/out/summary.json" >> "$WORK/$2"
}

for _ in $(seq 1 "$RUNS"); do
    run "$A" a
    run "$B" b
done

for label in a b; do
    binary=$([ "$label" = a ] && echo "$A" || echo "$B")
    sort -n "$WORK/$label" | awk -v name="$binary" '
        { t[NR] = $1; counters = $2 " steps, " $3 " residuals, " $4 " Jacobians" }
        END { printf "%s: min %.2f ms, median %.2f ms over %d runs (%s)\n", name, t[1], t[int((NR + 1) / 2)], NR, counters }'
done
