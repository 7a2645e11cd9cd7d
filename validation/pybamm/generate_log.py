"""A measured-data-like log of the Xu2019 half cell, written by PyBaMM in the
Battery Data Format (BDF), for SolidCell's `compare` command (issue #19).

Model: the cross-check's half-cell DFN (cases.make_model(), t+ = 1,
cases.parameter_values("xu2019")), 20/20/20 mesh (cases.MESH_COARSE), IDAKLU at
cases.RTOL / cases.ATOL -- what generate_reference.py uses, plus the IDAKLU option
SOLVER_OPTIONS (see there).

Protocol (one cycle, six steps, PROTOCOL below), sampled every PERIOD_S seconds,
from the parameter set's initial state.

Outputs (in this directory):
  xu2019_log.bdf.csv           the Xu2019 parameters as they are
  xu2019_log_changed.bdf.csv   the same protocol with CHANGES applied
  xu2019_log_changed.json      the changed values (PyBaMM key and value, SolidCell
                               model-file key and value), for the fitting issue

BDF columns: Test Time / s, Voltage / V, Current / A (BDF: positive on CHARGE, so
PyBaMM's "Current [A]", positive on discharge, is negated), Step Count / 1
(1-based index of the protocol step), Cycle Count / 1 (always 1).
Each step's rows run from its first instant (the current already switched) to its
end, every PERIOD_S seconds from the step's start, the last row at the step's end
(cut-off event or duration). The end of one step and the start of the next are the
same instant (PyBaMM's two time stamps differ by one rounding unit, e.g.
5513.772061920962 and 5513.772061920963), so every step change has two rows: the
voltage just before and just after the current switches.

Run (from the repository root; venv.sh creates validation/.venv with the pinned PyBaMM):
  bash -c 'source validation/pybamm/venv.sh && "$PY" validation/pybamm/generate_log.py'
Check with batterydf: see check_bdf.py.
"""

import csv
import json
import os
import time

import numpy as np

import cases
import pybamm

HERE = os.path.dirname(os.path.abspath(__file__))

CASE = "xu2019"
PERIOD_S = 10
PROTOCOL = [
    "Discharge at 1C until 3.5 V",
    "Rest for 10 minutes",
    "Charge at 0.5C until 4.2 V",
    "Hold at 4.2 V until C/20",
    "Rest for 10 minutes",
    "Discharge at 0.5C until 3.5 V",
]

# IDAKLU option: no line search in the consistent-initial-condition Newton solve at
# the start of each step. Without it, IDACalcIC fails ("linesearch algorithm
# failed") at the start of the rest that follows the C/20 hold, at rtol 1e-8 /
# atol 1e-10 (it passes at 1e-6 / 1e-8, or with a C/10 hold). Steps 1-4, which
# solve either way, are bit-identical with and without the option.
SOLVER_OPTIONS = {"linesearch_off_ic": True}

BDF_COLUMNS = [
    "Test Time / s",
    "Voltage / V",
    "Current / A",
    "Step Count / 1",
    "Cycle Count / 1",
]

J0_KEY = "Positive electrode exchange-current density [A.m-2]"
DP_KEY = "Positive particle diffusivity [m2.s-1]"
# (PyBaMM key, factor, SolidCell key in models/xu2019-nmc532-half-cell-t1.json)
CHANGES = [
    (DP_KEY, 2.0, "Positive particle diffusivity [m2.s-1]"),
    (J0_KEY, 0.5, "Positive electrode exchange-current density [A.m-2]"),
]
SOLIDCELL_MODEL = "models/xu2019-nmc532-half-cell-t1.json"


def scaled(value, factor):
    """value * factor for a number, or a function returning factor * value(...)."""
    if callable(value):
        def fn(*args):
            return factor * value(*args)
        fn.__name__ = f"{factor:g}_times_{getattr(value, '__name__', 'function')}"
        return fn
    return factor * float(value)


def changed_parameters():
    pv = cases.parameter_values(CASE)
    for key, factor, _ in CHANGES:
        pv[key] = scaled(pv[key], factor)
    return pv


def solve(pv):
    model = cases.make_model()
    experiment = pybamm.Experiment([tuple(PROTOCOL)], period=f"{PERIOD_S} seconds")
    solver = pybamm.IDAKLUSolver(rtol=cases.RTOL, atol=cases.ATOL, options=SOLVER_OPTIONS)
    sim = pybamm.Simulation(
        model,
        parameter_values=pv,
        var_pts=cases.var_pts(model, cases.MESH_COARSE),
        experiment=experiment,
        solver=solver,
    )
    t0 = time.perf_counter()
    sol = sim.solve()
    return sol, time.perf_counter() - t0


def write_bdf(sol, fname):
    steps = sol.cycles[0].steps
    if len(steps) != len(PROTOCOL):
        raise RuntimeError(f"{fname}: {len(steps)} steps solved, expected {len(PROTOCOL)}")
    rows, info = [], []
    for k, st in enumerate(steps, start=1):
        t = np.asarray(st["Time [s]"].entries).reshape(-1)
        v = np.asarray(st["Voltage [V]"].entries).reshape(-1)
        i = np.asarray(st["Current [A]"].entries).reshape(-1)
        for tj, vj, ij in zip(t, v, i):
            # BDF: positive on charge. "+ 0.0" turns -0.0 (rest) into 0.0.
            rows.append((float(tj), float(vj), -float(ij) + 0.0, k, 1))
        info.append(
            {
                "step": k,
                "protocol": PROTOCOL[k - 1],
                "rows": len(t),
                "start [s]": float(t[0]),
                "end [s]": float(t[-1]),
                "end voltage [V]": float(v[-1]),
                "end current (BDF sign) [A]": -float(i[-1]) + 0.0,
                "termination": str(st.termination),
            }
        )
    times = np.array([r[0] for r in rows])
    if np.any(np.diff(times) < 0):
        raise RuntimeError(f"{fname}: Test Time decreases")
    with open(os.path.join(HERE, fname), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(BDF_COLUMNS)
        for t, v, i, k, c in rows:
            w.writerow([repr(t), f"{v:.12g}", f"{i:.12g}", k, c])
    size = os.path.getsize(os.path.join(HERE, fname))
    print(f"wrote {fname}: {len(rows)} rows, {size / 1024:.0f} KiB, t_end {times[-1]:.1f} s")
    for s in info:
        print(
            f"  step {s['step']} {s['protocol']:32s} rows={s['rows']:5d} "
            f"{s['start [s]']:9.1f} -> {s['end [s]']:9.1f} s  V_end={s['end voltage [V]']:.4f} "
            f"I_end={s['end current (BDF sign) [A]']:+.3e} A  ({s['termination']})"
        )
    return len(rows), info


def solidcell_values():
    root = os.path.dirname(os.path.dirname(HERE))
    with open(os.path.join(root, SOLIDCELL_MODEL)) as f:
        return json.load(f)


def main():
    sol, wall = solve(cases.parameter_values(CASE))
    print(f"baseline solved in {wall:.1f} s")
    n0, steps0 = write_bdf(sol, "xu2019_log.bdf.csv")

    sol_c, wall_c = solve(changed_parameters())
    print(f"changed solved in {wall_c:.1f} s")
    n1, steps1 = write_bdf(sol_c, "xu2019_log_changed.bdf.csv")

    base = cases.parameter_values(CASE)
    sc = solidcell_values()
    changes = []
    for key, factor, sc_key in CHANGES:
        v = base[key]
        if callable(v):
            pybamm_base = f"function {v.__module__}.{v.__name__}"
            pybamm_new = f"{factor!r} * {v.__name__}(c_e, c_s_surf, c_s_max, T)"
        else:
            pybamm_base = float(v)
            pybamm_new = factor * float(v)
        changes.append(
            {
                "pybamm key": key,
                "pybamm value (baseline)": pybamm_base,
                "pybamm value (changed)": pybamm_new,
                "factor": factor,
                "solidcell key": sc_key,
                "solidcell value (baseline)": sc[sc_key],
                "solidcell value (changed)": factor * sc[sc_key],
            }
        )
    out = {
        "what": "parameters changed for xu2019_log_changed.bdf.csv relative to "
        "xu2019_log.bdf.csv (everything else identical); a fit should recover them",
        "log": "xu2019_log_changed.bdf.csv",
        "baseline log": "xu2019_log.bdf.csv",
        "solidcell model file (baseline values)": SOLIDCELL_MODEL,
        "changes": changes,
        "note on the exchange-current density": (
            "PyBaMM's Xu2019 j0 is a function (m_ref c_e^0.5 c_s^0.5 (c_max - c_s)^0.5, "
            "m_ref = 5.76e-11); the changed run multiplies the whole function by the "
            "factor (m_ref -> factor * m_ref). SolidCell's number is that function at "
            "c_e = 1000 mol/m3 and stoichiometry 0.5, and j0 is proportional to it, so "
            "the same factor applies to the SolidCell value"
        ),
        "protocol": PROTOCOL,
        "period [s]": PERIOD_S,
        "pybamm version": cases.PYBAMM_VERSION,
        "model": "pybamm.lithium_ion.DFN(options=%r), Cation transference number = 1"
        % cases.MODEL_OPTIONS,
        "mesh": cases.MESH_COARSE,
        "solver": {
            "name": "IDAKLUSolver",
            "rtol": cases.RTOL,
            "atol": cases.ATOL,
            "options": SOLVER_OPTIONS,
        },
        "rows": {"xu2019_log.bdf.csv": n0, "xu2019_log_changed.bdf.csv": n1},
        "steps (baseline)": steps0,
        "steps (changed)": steps1,
    }
    with open(os.path.join(HERE, "xu2019_log_changed.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote xu2019_log_changed.json")


if __name__ == "__main__":
    main()
