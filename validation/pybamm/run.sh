#!/usr/bin/env bash
# Regenerate the PyBaMM reference data for the SolidCell cross-check.
#
#   bash validation/pybamm/run.sh            # reference curves + discretisation check
#   bash validation/pybamm/run.sh --all      # ... + sensitivity study (about 20 s more)
#
# Idempotent: creates validation/.venv if it is missing, installs the pinned PyBaMM
# only if a different (or no) version is installed, then runs the scripts.
set -euo pipefail

PYBAMM_VERSION="26.10.1.1"   # pinned; pulls pybammsolvers (IDAKLU) as a dependency

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(cd "$HERE/.." && pwd)/.venv"
PY="$VENV/bin/python"

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

cd "$HERE"
"$PY" generate_reference.py
"$PY" verify_discretisation.py
if [ "${1:-}" = "--all" ]; then
    "$PY" sensitivity.py
fi
