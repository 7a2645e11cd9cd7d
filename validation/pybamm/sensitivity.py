"""How much do plausible implementation choices move the PyBaMM answer?

Each variant changes ONE detail of PyBaMM's discretisation / model, re-runs the
coarse-mesh 1C and 2C discharges and reports the voltage difference to the
baseline (same time grid, same current) and the relative capacity difference.
This tells the Swift side which details of DISCRETISATION.md matter for the
2 mV RMS / 5 mV max / 0.5 % capacity targets.

Variants:
  surface value: constant    c_surf = c_N (last node) instead of 1.5 c_N - 0.5 c_N-1
  surface value: quadratic   three-node extrapolation
  macroscale boundary values: constant
                             V = phi_s at the last node (and c_e at the Li interface
                             from the first node) instead of linear extrapolation
  harmonic kappa at faces    kappa_eff moved to faces by the weighted harmonic mean
                             (PyBaMM uses weighted arithmetic = linear interpolation)
  no OCP asymptote           U = U_ref(sto) only
  no j0 regularisation       RegPower delta 1e-3 -> 1e-12 (plain powers)
  rtol 1e-6 atol 1e-8        looser solver tolerances
  fine mesh 40/40/40         discretisation error of the coarse mesh

Writes sensitivity.json.
"""

import json
import time

import numpy as np

import cases
import pybamm

RATES = [1.0, 2.0]


def run(case, rate, mesh=None, spatial=None, rtol=None, atol=None):
    pv = cases.parameter_values(case)
    vmin = float(pv["Lower voltage cut-off [V]"])
    model = cases.make_model()
    kw = {}
    if spatial is not None:
        sm = dict(model.default_spatial_methods)
        sm.update(spatial)
        kw["spatial_methods"] = sm
    sim = pybamm.Simulation(
        model,
        parameter_values=pv,
        var_pts=cases.var_pts(model, mesh or cases.MESH_COARSE),
        experiment=pybamm.Experiment(
            [f"Discharge at {rate:g}C until {vmin:g} V"], period="5 seconds"
        ),
        solver=pybamm.IDAKLUSolver(rtol=rtol or cases.RTOL, atol=atol or cases.ATOL),
        **kw,
    )
    sol = sim.solve()
    return (
        np.asarray(sol.t),
        np.asarray(sol["Voltage [V]"].entries),
        float(sol["Discharge capacity [A.h]"].entries[-1]),
    )


def fv(value_order):
    return pybamm.FiniteVolume(
        {"extrapolation": {"order": {"gradient": "quadratic", "value": value_order}}}
    )


class Patch:
    """Context manager that applies a monkeypatch and undoes it."""

    def __init__(self, apply, undo):
        self.apply, self.undo = apply, undo

    def __enter__(self):
        self.apply()

    def __exit__(self, *a):
        self.undo()


_orig_pbo = pybamm.FiniteVolume.process_binary_operators


def _harmonic_pbo(self, bin_op, left, right, disc_left, disc_right):
    # treat "node quantity * (anything containing a gradient)" as a flux -> harmonic
    if (
        not isinstance(bin_op, pybamm.Inner)
        and not left.evaluates_on_edges("primary")
        and right.evaluates_on_edges("primary")
        and not isinstance(right, pybamm.Gradient)
        and any(isinstance(n, pybamm.Gradient) for n in right.pre_order())
    ):
        disc_left = self.node_to_edge(disc_left, method="harmonic")
        return pybamm.simplify_if_constant(bin_op.create_copy([disc_left, disc_right]))
    return _orig_pbo(self, bin_op, left, right, disc_left, disc_right)


_lip = pybamm.parameters.lithium_ion_parameters
_orig_asym = _lip.U_asymptotes
_orig_reg = pybamm.settings.tolerances["reg_power"]

VARIANTS = {
    "surface value: constant (c_surf = c_N)": dict(
        spatial={"positive particle": fv("constant")}
    ),
    "surface value: quadratic": dict(spatial={"positive particle": fv("quadratic")}),
    "macroscale boundary values: constant (V = phi_s,N)": dict(
        spatial={"macroscale": fv("constant")}
    ),
    "harmonic kappa at faces": dict(
        patch=Patch(
            lambda: setattr(pybamm.FiniteVolume, "process_binary_operators", _harmonic_pbo),
            lambda: setattr(pybamm.FiniteVolume, "process_binary_operators", _orig_pbo),
        )
    ),
    "no OCP asymptote": dict(
        patch=Patch(
            lambda: setattr(_lip, "U_asymptotes", lambda sto: 0 * sto),
            lambda: setattr(_lip, "U_asymptotes", _orig_asym),
        )
    ),
    "no j0 regularisation (delta 1e-12)": dict(
        patch=Patch(
            lambda: pybamm.settings.tolerances.__setitem__("reg_power", 1e-12),
            lambda: pybamm.settings.tolerances.__setitem__("reg_power", _orig_reg),
        )
    ),
    "rtol 1e-6, atol 1e-8": dict(rtol=1e-6, atol=1e-8),
    "fine mesh 40/40/40": dict(mesh=cases.MESH_FINE),
}


def compare(base, var):
    tb, Vb, Qb = base
    tv, Vv, Qv = var
    t_end = min(tb[-1], tv[-1])
    m = tb <= 0.99 * t_end  # leave out the final 1 % (steep end of discharge)
    Vi = np.interp(tb[m], tv, Vv)
    d = (Vi - Vb[m]) * 1e3
    return {
        "voltage RMS diff [mV] (t < 0.99 t_end)": float(np.sqrt(np.mean(d**2))),
        "voltage max |diff| [mV] (t < 0.99 t_end)": float(np.max(np.abs(d))),
        "capacity rel. diff [%]": float((Qv - Qb) / Qb * 100),
    }


def main():
    t0 = time.perf_counter()
    out = {"pybamm version": cases.PYBAMM_VERSION, "description": __doc__, "results": {}}
    for case in cases.CASES:
        out["results"][case] = {}
        for rate in RATES:
            label = cases.rate_label(rate)
            base = run(case, rate)
            res = {"baseline capacity [A.h]": base[2]}
            for name, v in VARIANTS.items():
                patch = v.get("patch")
                kw = {k: v[k] for k in ("mesh", "spatial", "rtol", "atol") if k in v}
                if patch:
                    with patch:
                        r = run(case, rate, **kw)
                else:
                    r = run(case, rate, **kw)
                res[name] = compare(base, r)
                c = res[name]
                print(
                    f"{case:20s} {label:4s} {name:52s} "
                    f"RMS {c['voltage RMS diff [mV] (t < 0.99 t_end)']:8.3f} mV  "
                    f"max {c['voltage max |diff| [mV] (t < 0.99 t_end)']:8.3f} mV  "
                    f"dQ {c['capacity rel. diff [%]']:+8.4f} %"
                )
            out["results"][case][label] = res
    out["wall time [s]"] = time.perf_counter() - t0
    with open("sensitivity.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
