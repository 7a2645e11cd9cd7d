#!/usr/bin/env bash
# Sourced by validation/pybamm/run.sh and Benchmarks/compare-pybamm.sh: makes sure validation/.venv
# exists with the pinned PyBaMM, and sets PY to its python. Idempotent and quick when installed.
PYBAMM_VERSION="26.10.1.1"   # pinned; pulls pybammsolvers (IDAKLU) as a dependency

VENV="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv"
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
