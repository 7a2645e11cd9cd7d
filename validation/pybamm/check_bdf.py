"""Check that the BDF logs written by generate_log.py load with the Battery Data
Alliance's own reader, `batterydf` (import name `bdf`), and pass its validation.

batterydf is NOT installed in validation/.venv (PyBaMM's venv); use a throw-away one:

    python3 -m venv /tmp/bdf-venv && /tmp/bdf-venv/bin/pip install batterydf==0.1.0
    /tmp/bdf-venv/bin/python validation/pybamm/check_bdf.py
    /tmp/bdf-venv/bin/bdf validate validation/pybamm/xu2019_log.bdf.csv    # the CLI check

Exits non-zero if a file fails to load, a BDF-required column is missing, a column
is not a canonical BDF label, batterydf warns, Test Time is not strictly increasing, or the current
sign does not follow the protocol (BDF: positive on charge).
"""

import os
import sys
import warnings

import numpy as np

import bdf

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["xu2019_log.bdf.csv", "xu2019_log_changed.bdf.csv"]
# expected sign of the BDF current in each protocol step (generate_log.PROTOCOL)
STEP_SIGN = {1: -1, 2: 0, 3: +1, 4: +1, 5: 0, 6: -1}


def check(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = bdf.read(path)  # *.bdf.csv -> bdf.io.load + bdf.validate.validate_df
        rep = bdf.validate(path)  # strict BDF loader, column/unit/time report
    t = df["Test Time / s"].to_numpy()
    i = df["Current / A"].to_numpy()
    problems = []
    if not rep["ok"] or rep["missing"]:
        problems.append(f"validate: ok={rep['ok']} missing={rep['missing']}")
    if rep["extras"] or rep["legacy_labels"]:
        problems.append(f"non-canonical columns {rep['extras'] + rep['legacy_labels']}")
    if caught:
        problems.append(f"warnings {[str(w.message) for w in caught]}")
    if not np.all(np.diff(t) > 0):
        problems.append("Test Time not strictly increasing")
    for k, g in df.groupby("Step Count / 1"):
        s = np.sign(g["Current / A"].to_numpy())
        if not np.all(s == STEP_SIGN[int(k)]):
            problems.append(f"step {k}: current sign is not {STEP_SIGN[int(k)]:+d}")
    if set(df["Cycle Count / 1"].unique()) != {1}:
        problems.append("Cycle Count is not 1 everywhere")
    q = np.sum(0.5 * (i[1:] + i[:-1]) * np.diff(t)) / 3600
    print(
        f"{os.path.basename(path)}: {len(df)} rows, columns {list(df.columns)}, "
        f"time_stats {rep['time_stats']}, warnings {[str(w.message) for w in caught]}, "
        f"net charge in {q:.6g} A.h -> {'OK' if not problems else problems}"
    )
    return not problems


if __name__ == "__main__":
    print("batterydf", bdf.__version__ if hasattr(bdf, "__version__") else "")
    ok = all([check(os.path.join(HERE, f)) for f in FILES])
    sys.exit(0 if ok else 1)
