#!/usr/bin/env bash
# Regenerate the PyBaMM reference data for the SolidCell cross-check.
#
#   bash validation/pybamm/run.sh            # reference curves + discretisation check
#   bash validation/pybamm/run.sh --all      # ... + sensitivity study (about 20 s more)
#
# Idempotent: creates validation/.venv if it is missing, installs the pinned PyBaMM
# only if a different (or no) version is installed, then runs the scripts.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/venv.sh"

cd "$HERE"
"$PY" generate_reference.py
"$PY" verify_discretisation.py
if [ "${1:-}" = "--all" ]; then
    "$PY" sensitivity.py
fi
