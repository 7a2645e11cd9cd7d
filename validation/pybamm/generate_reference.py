"""PyBaMM reference discharge curves for the SolidCell cross-check.

Cases (see cases.py and README.md):
  xu2019               pybamm.ParameterValues("Xu2019"), t+ = 1
  chen2020-nmc811-li   Chen2020 NMC811 positive electrode + separator + electrolyte
                       against Xu2019's Li metal, t+ = 1

Model: pybamm.lithium_ion.DFN(options={"working electrode": "positive"}).
Protocol: "Discharge at <rate>C until <lower cut-off> V" (PyBaMM Experiment; the
current is rate * "Nominal cell capacity [A.h]"), from the parameter set's initial
state, isothermal at the set's ambient temperature (298.15 K for both).
Solver: IDAKLU, rtol = cases.RTOL, atol = cases.ATOL.

Outputs (in this directory):
  <case>_<rate>.csv               coarse mesh (x_s = x_p = r_p = 20)
  <case>_1C_fine.csv              fine mesh (x_s = x_p = r_p = 40), 1C only
  parameters_<case>.json          every parameter value the model uses
  reference_summary.json          capacities, times, states, mesh, tolerances, timings
"""

import csv
import inspect
import json
import platform
import time

import numpy as np

import cases
import pybamm

HERE = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."

COLUMNS = [
    # required
    "Time [s]",
    "Current [A]",
    "Voltage [V]",
    "Discharge capacity [A.h]",
    "X-averaged positive particle surface concentration [mol.m-3]",
    # extra diagnostics
    "Average positive particle concentration [mol.m-3]",
    "Maximum positive particle surface concentration [mol.m-3]",
    "Lithium metal interface electrolyte potential [V]",
    "X-averaged positive electrode open-circuit potential [V]",
]


def solve_once(case, rate, mesh, period):
    pv = cases.parameter_values(case)
    vmin = float(pv["Lower voltage cut-off [V]"])
    model = cases.make_model()
    experiment = pybamm.Experiment(
        [f"Discharge at {rate:g}C until {vmin:g} V"], period=f"{period!r} seconds"
    )
    solver = pybamm.IDAKLUSolver(rtol=cases.RTOL, atol=cases.ATOL)
    sim = pybamm.Simulation(
        model,
        parameter_values=pv,
        var_pts=cases.var_pts(model, mesh),
        experiment=experiment,
        solver=solver,
    )
    t0 = time.perf_counter()
    sol = sim.solve()
    wall = time.perf_counter() - t0
    built = list(sim.steps_to_built_models.values())[0]
    return pv, sim, sol, wall, built, vmin


def run(case, rate, mesh, label):
    Q = float(cases.parameter_values(case)["Nominal cell capacity [A.h]"])
    # pass 1: find the discharge duration; pass 2: output period = duration / N_OUT
    _, _, sol1, _, _, _ = solve_once(case, rate, mesh, 3600.0 / rate / cases.N_OUT)
    t_end1 = float(sol1.t[-1])
    period = t_end1 / (cases.N_OUT - 0.5)
    pv, sim, sol, wall, built, vmin = solve_once(case, rate, mesh, period)

    data = {}
    for c in COLUMNS:
        if c == "Time [s]":
            data[c] = np.asarray(sol.t)
        else:
            data[c] = np.asarray(sol[c].entries).reshape(-1)
    n = len(data["Time [s]"])
    fname = f"{case}_{label}.csv"
    with open(f"{HERE}/{fname}", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(n):
            w.writerow([repr(float(data[c][i])) for c in COLUMNS])

    c_e0 = float(pv["Initial concentration in electrolyte [mol.m-3]"])
    # electrolyte concentration at every node, not just the x-average
    c_e_full = np.asarray(sol["Electrolyte concentration [mol.m-3]"].entries)
    summary = {
        "csv": fname,
        "case": case,
        "C-rate": rate,
        "current [A]": float(data["Current [A]"][0]),
        "nominal capacity [A.h]": Q,
        "protocol": f"Discharge at {rate:g}C until {vmin:g} V",
        "mesh": {k: mesh[k] for k in ("x_s", "x_p", "r_p")},
        "submesh types": "Uniform1DSubMesh in separator, positive electrode, positive particle",
        "number of states": int(built.len_rhs_and_alg),
        "number of differential states": int(built.len_rhs),
        "number of algebraic states": int(built.len_alg),
        "solver": "IDAKLUSolver",
        "rtol": cases.RTOL,
        "atol": cases.ATOL,
        "pybamm version": cases.PYBAMM_VERSION,
        "final time [s]": float(data["Time [s]"][-1]),
        "final voltage [V]": float(data["Voltage [V]"][-1]),
        "final capacity [A.h]": float(data["Discharge capacity [A.h]"][-1]),
        "final capacity / nominal": float(data["Discharge capacity [A.h]"][-1]) / Q,
        "initial voltage [V]": float(data["Voltage [V]"][0]),
        "termination": str(sol.termination),
        "output rows": n,
        "output period [s]": period,
        "max |c_e - c_e_init| over space and time [mol.m-3]": float(
            np.max(np.abs(c_e_full - c_e0))
        ),
        "wall time of Simulation.solve (build + discretise + solve) [s]": wall,
        "PyBaMM solve_time (solver set-up + integration) [s]": float(
            sol.solve_time.value
        ),
        "PyBaMM integration_time [s]": float(sol.integration_time.value),
    }
    print(
        f"{fname:34s} rows={n:4d} t_end={summary['final time [s]']:10.3f} s "
        f"Q={summary['final capacity [A.h]']:.8g} A.h V_end={summary['final voltage [V]']:.6f} "
        f"states={summary['number of states']} wall={wall:.2f} s "
        f"solve={summary['PyBaMM solve_time (solver set-up + integration) [s]'] * 1e3:.1f} ms"
    )
    return summary


# ----------------------------------------------------------------------------------
# Parameter export
# ----------------------------------------------------------------------------------
def function_entry(fn):
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError):
        src = None
    return {
        "type": "function",
        "python name": getattr(fn, "__name__", repr(fn)),
        "module": getattr(fn, "__module__", None),
        "source": src,
    }


def ev(x):
    """Evaluate a parameter function's return value (may be a pybamm Symbol)."""
    if isinstance(x, pybamm.Symbol):
        x = x.evaluate()
    return float(np.asarray(x).reshape(-1)[0])


def export_parameters(case):
    pv = cases.parameter_values(case)
    model = cases.make_model()
    F = cases.F_CONST
    RG = cases.R_CONST

    # every parameter the processed model actually reads
    used = set()
    unprocessed = cases.make_model()  # parameters are still symbols here
    for eqs in (
        unprocessed.rhs,
        unprocessed.algebraic,
        unprocessed.initial_conditions,
    ):
        for expr in eqs.values():
            for node in expr.pre_order():
                if isinstance(node, pybamm.Parameter | pybamm.FunctionParameter):
                    used.add(node.name)
    for side in unprocessed.boundary_conditions.values():
        for expr, _ in side.values():
            for node in expr.pre_order():
                if isinstance(node, pybamm.Parameter | pybamm.FunctionParameter):
                    used.add(node.name)
    for event in unprocessed.events:
        for node in event.expression.pre_order():
            if isinstance(node, pybamm.Parameter | pybamm.FunctionParameter):
                used.add(node.name)
    for name in ["Voltage [V]", "Discharge capacity [A.h]"]:
        for node in unprocessed.variables[name].pre_order():
            if isinstance(node, pybamm.Parameter | pybamm.FunctionParameter):
                used.add(node.name)

    params = {}
    for k in sorted(pv.keys()):
        v = pv[k]
        entry = function_entry(v) if callable(v) else v
        if isinstance(entry, np.generic):
            entry = entry.item()
        params[k] = entry

    g = lambda k: float(pv[k])  # noqa: E731
    T = g("Ambient temperature [K]")
    c_e0 = g("Initial concentration in electrolyte [mol.m-3]")
    c_max = g("Maximum concentration in positive electrode [mol.m-3]")
    c_p0 = g("Initial concentration in positive electrode [mol.m-3]")
    A = (
        g("Electrode height [m]")
        * g("Electrode width [m]")
        * g("Number of electrodes connected in parallel to make a cell")
    )
    kappa_fn = pv["Electrolyte conductivity [S.m-1]"]
    kappa0 = ev(kappa_fn(c_e0, T))
    eps_s = g("Separator porosity")
    eps_p = g("Positive electrode porosity")
    b_es = g("Separator Bruggeman coefficient (electrolyte)")
    b_ep = g("Positive electrode Bruggeman coefficient (electrolyte)")
    b_sp = g("Positive electrode Bruggeman coefficient (electrode)")
    sigma_p = pv["Positive electrode conductivity [S.m-1]"]
    sigma_p = float(sigma_p) if not callable(sigma_p) else None
    eps_am = g("Positive electrode active material volume fraction")
    R_p = g("Positive particle radius [m]")
    c_Li = 1.0 / g("Lithium metal partial molar volume [m3.mol-1]")
    j0Li_fn = pv["Exchange-current density for lithium metal electrode [A.m-2]"]
    j0Li = ev(j0Li_fn(c_e0, c_Li, T))
    j0p_fn = pv["Positive electrode exchange-current density [A.m-2]"]
    Q = g("Nominal cell capacity [A.h]")
    U_fn = pv["Positive electrode OCP [V]"]
    sto0 = c_p0 / c_max

    def j0p(sto):
        return ev(j0p_fn(c_e0, sto * c_max, c_max, T))

    derived = {
        "temperature used [K]": T,
        "Faraday constant used by PyBaMM [C.mol-1]": F,
        "gas constant used by PyBaMM [J.mol-1.K-1]": RG,
        "geometric area A_cc = width * height * n_parallel [m2]": A,
        "number of electrodes in parallel": g(
            "Number of electrodes connected in parallel to make a cell"
        ),
        "nominal capacity [A.h]": Q,
        "1C current [A]": Q,
        "1C current density [A.m-2]": Q / A,
        "electrolyte conductivity kappa(c_e_init, T) [S.m-1]": kappa0,
        "separator effective conductivity kappa * eps_s^b [S.m-1]": kappa0
        * eps_s**b_es,
        "positive effective electrolyte conductivity kappa * eps_p^b [S.m-1]": kappa0
        * eps_p**b_ep,
        "positive effective electronic conductivity sigma * (1 - eps_p)^b_s [S.m-1]": (
            sigma_p * (1 - eps_p) ** b_sp if sigma_p is not None else None
        ),
        "NOTE sigma_eff": (
            "PyBaMM's Bruggeman electrode transport efficiency uses the SOLID volume "
            "fraction 1 - porosity, not the active-material fraction"
        ),
        "specific surface area a = 3 eps_am / R [m-1]": 3 * eps_am / R_p,
        "Li metal concentration c_Li = 1 / V_bar_Li [mol.m-3]": c_Li,
        "Li metal exchange current density j0_Li(c_e_init, c_Li, T) [A.m-2]": j0Li,
        "Li metal charge-transfer resistance R_ct = R T / (F j0_Li) [Ohm.m2]": RG
        * T
        / (F * j0Li),
        "Li foil ohmic drop per current density L_n / sigma_n [Ohm.m2]": g(
            "Negative electrode thickness [m]"
        )
        / g("Negative electrode conductivity [S.m-1]"),
        "initial positive stoichiometry": sto0,
        "initial positive OCP U(sto0) without asymptote [V]": ev(U_fn(sto0)),
        "positive j0 at initial state [A.m-2]": j0p(sto0),
        "positive j0 at sto = 0.5 [A.m-2]": j0p(0.5),
        "positive particle capacity from sto0 to 1 [A.h]": F
        * c_max
        * eps_am
        * g("Positive electrode thickness [m]")
        * A
        * (1 - sto0)
        / 3600,
        "x-coordinate of Li|separator interface (= Negative electrode thickness) [m]": g(
            "Negative electrode thickness [m]"
        ),
        "L_x = L_n + L_s + L_p (scales the algebraic equations by L_x^2) [m]": g(
            "Negative electrode thickness [m]"
        )
        + g("Separator thickness [m]")
        + g("Positive electrode thickness [m]"),
    }
    if case == "chen2020-nmc811-li":
        q, q_raw = cases.chen_nominal_capacity(pv)
        derived["nominal capacity definition"] = (
            "F * c_max * eps_am * L_p * A * (1 - c_init/c_max) / 3600 = "
            f"{q_raw!r} A.h, rounded to 5 significant digits = {q!r} A.h "
            "(capacity from the initial stoichiometry to full lithiation)"
        )
        derived["sources"] = {
            "from Chen2020": cases.CHEN_KEYS,
            "from Xu2019": "every other key (Li-metal counter electrode, SEI placeholders, "
            "current collector, ...)",
            "overridden": {
                "Cation transference number": 1.0,
                "Lower voltage cut-off [V]": 2.5,
                "Upper voltage cut-off [V]": 4.3,
                "Open-circuit voltage at 0% SOC [V]": 2.5,
                "Open-circuit voltage at 100% SOC [V]": 4.3,
                "Nominal cell capacity [A.h]": Q,
                "Current function [A]": Q,
            },
        }
    else:
        derived["sources"] = {
            "from Xu2019": "all keys",
            "overridden": {"Cation transference number": 1.0},
        }

    out = {
        "case": case,
        "pybamm version": cases.PYBAMM_VERSION,
        "model": "pybamm.lithium_ion.DFN(options=%r)" % cases.MODEL_OPTIONS,
        "parameters used by the model (names read by the discretised equations)": sorted(
            used
        ),
        "parameter values (all keys of the ParameterValues object)": params,
        "derived values": derived,
        "implicit PyBaMM settings that enter the equations": {
            "pybamm.settings.tolerances": dict(pybamm.settings.tolerances),
            "OCP asymptote": "U(sto) = U_ref(clip(sto, 1e-10, 1-1e-10)) + "
            "U_asym(sto) - U_asym(1 - sto), see DISCRETISATION.md",
            "j0 regularisation": "every c**p in the positive j0 is replaced by RegPower "
            "with delta = 1e-3 and scales c_e_init (c_e), c_max (c_s, c_max - c_s); "
            "the Li-metal j0 is NOT regularised",
        },
    }
    fname = f"parameters_{case}.json"
    with open(f"{HERE}/{fname}", "w") as f:
        json.dump(out, f, indent=1, default=str)
    print("wrote", fname, f"({len(used)} parameters read by the model)")


def main():
    t0 = time.perf_counter()
    for case in cases.CASES:
        export_parameters(case)
    runs = {}
    for case in cases.CASES:
        runs[case] = {}
        for rate in cases.RATES:
            label = cases.rate_label(rate)
            runs[case][label] = run(case, rate, cases.MESH_COARSE, label)
        runs[case]["1C_fine"] = run(case, 1.0, cases.MESH_FINE, "1C_fine")
        c, f_ = runs[case]["1C"], runs[case]["1C_fine"]
        runs[case]["1C coarse vs fine: relative capacity difference"] = (
            c["final capacity [A.h]"] - f_["final capacity [A.h]"]
        ) / f_["final capacity [A.h]"]
    summary = {
        "pybamm version": cases.PYBAMM_VERSION,
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "model": "pybamm.lithium_ion.DFN(options=%r)" % cases.MODEL_OPTIONS,
        "solver": {"name": "IDAKLUSolver", "rtol": cases.RTOL, "atol": cases.ATOL},
        "note on atol": (
            "PyBaMM applies atol to its SCALED state vector: particle concentration / "
            "c_max, (eps*c_e) / c_e_init, potentials in V (phi_s stored as phi_s - "
            "U_p(sto_init))"
        ),
        "runs": runs,
        "total wall time [s]": time.perf_counter() - t0,
    }
    with open(f"{HERE}/reference_summary.json", "w") as f:
        json.dump(summary, f, indent=1)
    print(f"total {summary['total wall time [s]']:.1f} s")


if __name__ == "__main__":
    main()
