#!/usr/bin/env bash
# Solves the same problems with SolidCell and with PyBaMM (IDAKLU), checks that both give the same
# answer, and prints (and writes to Benchmarks/results/compare-pybamm.md) a table of solve times.
#
#   bash Benchmarks/compare-pybamm.sh              # full run (about 10 minutes)
#   bash Benchmarks/compare-pybamm.sh --quick      # no 10 000-state mesh, 10 cycles (about 2 minutes)
#   bash Benchmarks/compare-pybamm.sh --repeats 9  # more timed runs per problem (default 5)
#
# Builds the release `solidcell` binary (swift build -c release at the repository root; set
# SOLIDCELL_BIN to use another binary), creates validation/.venv with the pinned PyBaMM if it is
# missing (as validation/pybamm/run.sh does), then runs Benchmarks/compare_pybamm.py.
# Timings on shared machines are noisy: compare ratios from one run, not absolute times.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="$ROOT/validation/.venv"
PY="$VENV/bin/python"
# The PyBaMM version pinned by the cross-check (validation/pybamm/run.sh).
PYBAMM_VERSION="$(sed -n 's/^PYBAMM_VERSION="\([^"]*\)".*/\1/p' "$ROOT/validation/pybamm/run.sh")"
export PYBAMM_DISABLE_TELEMETRY=true

if [ ! -x "$PY" ]; then
    echo "creating virtual environment $VENV"
    python3 -m venv "$VENV"
fi
installed="$("$PY" -c 'import importlib.metadata as m; print(m.version("pybamm"))' 2>/dev/null || true)"
if [ "$installed" != "$PYBAMM_VERSION" ]; then
    echo "installing pybamm==$PYBAMM_VERSION (found: ${installed:-none})"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet "pybamm==$PYBAMM_VERSION"
fi

if [ -n "${SOLIDCELL_BIN:-}" ]; then
    BIN="$SOLIDCELL_BIN"
else
    echo "building solidcell (release)"
    (cd "$ROOT" && swift build -c release --product solidcell >/dev/null)
    BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/solidcell"
fi

exec "$PY" "$HERE/compare_pybamm.py" --solidcell "$BIN" --invocation "bash Benchmarks/compare-pybamm.sh $*" "$@"
