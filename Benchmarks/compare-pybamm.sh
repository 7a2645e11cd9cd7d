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
# missing (validation/pybamm/venv.sh, shared with run.sh), then runs Benchmarks/compare_pybamm.py.
# Timings on shared machines are noisy: compare ratios from one run, not absolute times.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$ROOT/validation/pybamm/venv.sh"   # sets PY, PYBAMM_VERSION

if [ -n "${SOLIDCELL_BIN:-}" ]; then
    BIN="$SOLIDCELL_BIN"
else
    echo "building solidcell (release)"
    (cd "$ROOT" && swift build -c release --product solidcell >/dev/null)
    BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/solidcell"
fi

exec "$PY" "$HERE/compare_pybamm.py" --solidcell "$BIN" --invocation "bash Benchmarks/compare-pybamm.sh $*" "$@"
