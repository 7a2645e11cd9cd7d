#!/usr/bin/env bash
# Accuracy and cost of cycle jumping (`simulate --accelerate`) against full runs (issue #22).
#
#   bash Benchmarks/cycle-jumping.sh [CASE...]
#
# For each case (all below when none is named) it runs the accelerated simulation into
# $RUNS/accel-CASE and, unless $RUNS/full-CASE/summary.json exists already, the full one
# (every cycle simulated) into $RUNS/full-CASE; SKIP_FULL=1 runs no full simulation (the table
# then lists the accelerated cost only), FULL_ONLY=1 only the missing full ones, REPORT_ONLY=1 none
# (the table from the runs already in $RUNS). Wall times are written next to each run (wall_s).
# The comparison (Benchmarks/cycle_jumping.py) goes to $RESULT.
#
# Environment: SOLIDCELL_BIN (default .build/release/solidcell), RUNS (default /tmp/cycle-jumping),
# RESULT (default Benchmarks/results/cycle-jumping.md), TOL (default: --accelerate's default).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SOLIDCELL_BIN:-.build/release/solidcell}
RUNS=${RUNS:-/tmp/cycle-jumping}
RESULT=${RESULT:-Benchmarks/results/cycle-jumping.md}
mkdir -p "$RUNS" "$(dirname "$RESULT")"

CC01="Charge at 0.1C until 4.3 V; Discharge at 0.1C until 2.5 V"
CCCV05="Charge at 0.5C until 4.3 V; Hold at 4.3 V until C/20; Discharge at 0.5C until 2.5 V"
LU="Charge at 0.5C until 2.4 V; Discharge at 0.5C until 0.9 V"
OHNO="Charge at 50 mA/g until 3.78 V; Discharge at 50 mA/g until 0.88 V"
XU="Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V; Hold at 4.2 V until C/50"

# name | model | --set values (;-separated) | experiment | cycles
CASES=(
  "coarse-2MPa-0.1C|zhou2025-ncm811-lpsc-coarse|Stack pressure [MPa]=2|$CC01|1000"
  "coarse-30MPa-0.1C|zhou2025-ncm811-lpsc-coarse|Stack pressure [MPa]=30|$CC01|1000"
  "fine-2MPa-0.1C|zhou2025-ncm811-lpsc-fine|Stack pressure [MPa]=2|$CC01|1000"
  "fine-30MPa-0.1C|zhou2025-ncm811-lpsc-fine|Stack pressure [MPa]=30|$CC01|1000"
  "coarse-2MPa-0.5C-CCCV|zhou2025-ncm811-lpsc-coarse|Stack pressure [MPa]=2|$CCCV05|1000"
  "coarse-30MPa-0.5C-CCCV|zhou2025-ncm811-lpsc-coarse|Stack pressure [MPa]=30|$CCCV05|1000"
  "fine-2MPa-0.5C-CCCV|zhou2025-ncm811-lpsc-fine|Stack pressure [MPa]=2|$CCCV05|1000"
  "fine-30MPa-0.5C-CCCV|zhou2025-ncm811-lpsc-fine|Stack pressure [MPa]=30|$CCCV05|1000"
  "lu-14mg-0.5C|lu2026-li2tis3-lpscb-liin-14mg||$LU|400"
  "ohno-50mAg|ohno2026-ltvo-lpscl-liin||$OHNO|270"
  "fast-damage-coarse-2MPa-0.5C|zhou2025-ncm811-lpsc-coarse|Stack pressure [MPa]=2;Contact damage rate per cycle=0.0184|Charge at 0.5C until 4.3 V; Discharge at 0.5C until 2.5 V|300"
  "no-fade-xu2019-CCCV|xu2019-nmc532-half-cell-t1||$XU|200"
)

run() {  # folder, extra flags, model, sets, experiment, cycles
  local folder=$1 extra=$2 model=$3 sets=$4 experiment=$5 cycles=$6
  local args=(simulate --model "$model" --experiment "$experiment" --cycles "$cycles" --output "$folder")
  if [[ -n $sets ]]; then
    IFS=';' read -ra pairs <<<"$sets"
    for pair in "${pairs[@]}"; do args+=(--set "$pair"); done
  fi
  # shellcheck disable=SC2206
  [[ -n $extra ]] && args+=($extra)
  local start end
  start=$(date +%s.%N)
  "$BIN" "${args[@]}" >"$folder.log" 2>&1 || echo "  (exit $? — see $folder.log)"
  end=$(date +%s.%N)
  echo "$end - $start" | bc >"$folder/wall_s" 2>/dev/null || true
}

selected=("$@")
names=()
for entry in "${CASES[@]}"; do
  IFS='|' read -r name model sets experiment cycles <<<"$entry"
  if ((${#selected[@]})) && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  names+=("$name")
  [[ ${REPORT_ONLY:-0} == 1 ]] && continue
  if [[ ${FULL_ONLY:-0} != 1 ]]; then
    echo "== $name: accelerated ($cycles cycles)"
    rm -rf "$RUNS/accel-$name"
    run "$RUNS/accel-$name" "--accelerate ${TOL:-}" "$model" "$sets" "$experiment" "$cycles"
  fi
  if [[ ${SKIP_FULL:-0} != 1 && ! -f $RUNS/full-$name/summary.json ]]; then
    echo "== $name: full"
    run "$RUNS/full-$name" "" "$model" "$sets" "$experiment" "$cycles"
  fi
done

{
  echo "# Cycle jumping against full runs"
  echo
  echo "\`bash Benchmarks/cycle-jumping.sh $*\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD),"
  echo "tolerance ${TOL:-default}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Wall times are those of runs made at different times on a shared 2-core host (load 6-9): the step ratio is the measure."
  echo "Retention differences: accelerated minus full, over every cycle of cycles.csv (jumped cycles interpolated)."
  echo
  python3 Benchmarks/cycle_jumping.py "$RUNS" "${names[@]}"
} >"$RESULT"
cat "$RESULT"
