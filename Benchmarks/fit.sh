#!/usr/bin/env bash
# What `solidcell fit` costs, and forward sensitivities against finite differences:
#   log:  a three-step log (1C discharge to the cut-off, a rest, a 0.5C charge) of the Xu 2019 half
#         cell made by `solidcell simulate` with the particle diffusivity doubled and the exchange
#         current halved, fitted for those two keys from the bundled values, once with IDAS forward
#         sensitivities and once with central finite differences of whole runs;
#   fade: a 30-cycle capacity table of the fine Zhou cell (coarse mesh) made with changed contact
#         damage rate, contact fraction mean, electrolyte tortuosity factor and damage strain exponent,
#         fitted for those four keys (a table is differentiated by finite differences either way);
#   eis:  a 50-point impedance spectrum (10 mHz to 100 kHz, at rest at SOC 0.5) of the fine Zhou cell
#         made by `solidcell impedance` with changed exchange current, CAM|SE double-layer capacity and
#         SE conductivity, fitted for those three keys from the bundled values, once with dZ/dθ of the
#         linearised system (forward) and once with central finite differences of whole spectra.
# One start each; prints iterations, model solves, process wall time and the recovered values, and
# writes them to Benchmarks/results/fit.md.
#
#   bash Benchmarks/fit.sh
#
# Environment: SOLIDCELL_BIN (default .build/release/solidcell).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SOLIDCELL_BIN:-$ROOT/.build/release/solidcell}"
[ -x "$BIN" ] || { echo "not an executable: $BIN (build with swift build -c release)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$ROOT/Benchmarks/results/fit.md"

XU="$ROOT/models/xu2019-nmc532-half-cell-t1.json"
D="Positive particle diffusivity [m2.s-1]"; I0="Positive electrode exchange-current density [A.m-2]"
"$BIN" simulate --model "$XU" --experiment "Discharge at 1C until 3.5 V; Rest for 10 minutes; Charge at 0.5C for 40 minutes" \
    --period 10 --set "$D=2e-14" --set "$I0=2.119049248194614" --output "$WORK/log" > /dev/null

ZHOU="$ROOT/models/zhou2025-ncm811-lpsc-fine.json"
MESH=(--set "Separator mesh points=4" --set "Positive electrode mesh points=6" --set "Positive particle mesh points=6"
      --set "Number of particle contact classes=4")
CYCLE="Charge at 0.5C until 4.3 V; Discharge at 0.5C until 2.5 V"
K1="Contact damage rate per cycle"; K2="Positive particle contact fraction mean"; K3="Positive electrode tortuosity factor (electrolyte)"
K4="Contact damage strain exponent"
"$BIN" simulate --model "$ZHOU" "${MESH[@]}" --experiment "$CYCLE" --cycles 30 \
    --set "$K1=0.02" --set "$K2=0.65" --set "$K3=3.5" --set "$K4=1.8" --output "$WORK/fade" > /dev/null

EIS_I0="Positive electrode exchange-current density [A.m-2]"; EIS_CDL="Positive electrode double-layer capacity [F.m-2]"
EIS_SE="Electrolyte conductivity [S.m-1]"
"$BIN" impedance --model "$ZHOU" --soc 0.5 --frequencies 1e-2:1e5:50 \
    --set "$EIS_I0=2.4" --set "$EIS_CDL=0.08" --set "$EIS_SE=0.25" --output "$WORK/eis" > /dev/null

run() {  # name, then fit arguments
    local name="$1"; shift
    local s e
    s=$(date +%s%N)
    "$BIN" fit --starts 1 "$@" --output "$WORK/$name" > "$WORK/$name.log"
    e=$(date +%s%N)
    python3 - "$WORK/$name/fit.json" "$name" $(((e - s) / 1000000)) <<'PY'
import json, sys
fit = json.load(open(sys.argv[1]))
values = ", ".join(f"{k.split(' [')[0]} {v['value']:.5g} ± {v['standard_error']:.2g}" if v['standard_error'] is not None
                   else f"{k.split(' [')[0]} {v['value']:.5g}" for k, v in fit["parameters"].items())
print(f"| {sys.argv[2]} | {fit['sensitivities']} | {fit['iterations']} | {fit['model_solves']} | {int(sys.argv[3]) / 1000:.1f} | {values} |")
PY
}

{
    echo "| fit | sensitivities | iterations | model solves | wall time [s] | result |"
    echo "|---|---|---|---|---|---|"
    run log-forward --model "$XU" --data "$WORK/log/timeseries.csv" --initial-soc model --fit "$D" --fit "$I0" --sensitivities forward
    run log-finite-differences --model "$XU" --data "$WORK/log/timeseries.csv" --initial-soc model --fit "$D" --fit "$I0" \
        --sensitivities finite-differences
    for method in forward finite-differences; do
        run "fade-$method" --model "$ZHOU" "${MESH[@]}" --data "$WORK/fade/cycles.csv" --experiment "$CYCLE" \
            --fit "$K1" --fit "$K2" --fit "$K3" --fit "$K4=1:3" --sensitivities "$method"
    done
    for method in forward finite-differences; do
        run "eis-$method" --model "$ZHOU" --data "$WORK/eis/impedance.csv" --initial-soc 0.5 \
            --fit "$EIS_I0" --fit "$EIS_CDL" --fit "$EIS_SE" --sensitivities "$method"
    done
} | tee "$WORK/table"
{
    echo "# solidcell fit: cost (bash Benchmarks/fit.sh, $(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "Truth: log — diffusivity 2e-14, exchange current 2.11905; fade — damage rate 0.02, contact mean 0.65, tortuosity factor 3.5, strain exponent 1.8 (started from the model file's 0.0137, 0.7, 2.92, 2); eis — exchange current 2.4, CAM|SE double-layer capacity 0.08, SE conductivity 0.25 (started from 1.6, 0.05, 0.175)."
    echo
    cat "$WORK/table"
} > "$OUT"
echo "written to $OUT"
