"""Shared definitions of the SolidCell <-> PyBaMM cross-check cases.

Imported by generate_reference.py and verify_discretisation.py. Everything that
defines a case (parameter values, mesh, cut-offs, solver tolerances) lives here,
so the reference data and the discretisation check use the same model.
"""

import os

# PyBaMM >= 24 can send usage telemetry; this machine has no network for that and
# we never want it. Must be set before `import pybamm`.
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import numpy as np  # noqa: E402
import pybamm  # noqa: E402

PYBAMM_VERSION = pybamm.__version__

# Model options: PyBaMM half-cell DFN (Li-metal counter electrode), everything else
# default. Printed in full into reference_summary.json.
MODEL_OPTIONS = {"working electrode": "positive"}

# Solver tolerances (IDAKLU). Tighter than the 1e-6 / 1e-8 asked for; the change
# in final capacity between the two is < 1e-6 relative (see README.md).
RTOL = 1e-8
ATOL = 1e-10

# Meshes. Only x_s, x_p, r_p are used by the half cell; PyBaMM's Mesh still wants
# points for every spatial variable in the default geometry (x_n, r_n, ...), they
# are ignored (no variable lives there).
MESH_COARSE = {"x_s": 20, "x_p": 20, "r_p": 20}
MESH_FINE = {"x_s": 40, "x_p": 40, "r_p": 40}

RATES = [0.1, 1.0, 2.0]

# Target number of output rows per discharge (period = t_end / N_OUT, chosen after
# a first pass; the last row is always the cut-off event).
N_OUT = 300

# Chen2020 keys copied into the Chen2020-NMC811 | Li half cell. Everything else
# (Li-metal counter electrode, SEI placeholders, etc.) comes from Xu2019.
CHEN_KEYS = [
    # positive electrode
    "Positive electrode thickness [m]",
    "Positive electrode conductivity [S.m-1]",
    "Maximum concentration in positive electrode [mol.m-3]",
    "Positive particle diffusivity [m2.s-1]",
    "Positive electrode OCP [V]",
    "Positive electrode porosity",
    "Positive electrode active material volume fraction",
    "Positive particle radius [m]",
    "Positive electrode Bruggeman coefficient (electrolyte)",
    "Positive electrode Bruggeman coefficient (electrode)",
    "Positive electrode charge transfer coefficient",
    "Positive electrode double-layer capacity [F.m-2]",
    "Positive electrode exchange-current density [A.m-2]",
    "Positive electrode OCP entropic change [V.K-1]",
    "Initial concentration in positive electrode [mol.m-3]",
    # separator
    "Separator thickness [m]",
    "Separator porosity",
    "Separator Bruggeman coefficient (electrolyte)",
    # electrolyte
    "Initial concentration in electrolyte [mol.m-3]",
    "Electrolyte diffusivity [m2.s-1]",
    "Electrolyte conductivity [S.m-1]",
    "Thermodynamic factor",
    # cell geometry and temperatures
    "Electrode height [m]",
    "Electrode width [m]",
    "Number of electrodes connected in parallel to make a cell",
    "Reference temperature [K]",
    "Ambient temperature [K]",
    "Initial temperature [K]",
]

# Exactly the values PyBaMM uses (pybamm.constants.F / .R, from scipy.constants):
# F = N_A * e = 6.02214076e23 * 1.602176634e-19, R = N_A * k_B. Note F is NOT the
# rounded 96485.33212: the difference (3.4e-11 relative) is visible at round-off
# level in the residual check.
F_CONST = float(pybamm.constants.F.value)  # 96485.33212331001 C/mol
R_CONST = float(pybamm.constants.R.value)  # 8.31446261815324 J/mol/K


def chen_nominal_capacity(pv):
    """Capacity [A.h] of the Chen2020 NMC811 electrode between its initial
    stoichiometry and full lithiation (sto = 1), rounded to 5 significant digits.

    Q = F * c_max * eps_am * L_p * A * (1 - c_init / c_max) / 3600,
    A = electrode width * height * number of electrodes in parallel.

    The Chen2020 OCP stays above 3.48 V up to sto = 1 and only reaches 2.5 V through
    PyBaMM's OCP asymptote at sto -> 1, so "initial state -> 2.5 V at zero rate" and
    "initial state -> sto = 1" are the same capacity to < 1e-4 relative.
    """
    c_max = pv["Maximum concentration in positive electrode [mol.m-3]"]
    c0 = pv["Initial concentration in positive electrode [mol.m-3]"]
    eps = pv["Positive electrode active material volume fraction"]
    L_p = pv["Positive electrode thickness [m]"]
    A = (
        pv["Electrode height [m]"]
        * pv["Electrode width [m]"]
        * pv["Number of electrodes connected in parallel to make a cell"]
    )
    q = F_CONST * c_max * eps * L_p * A * (1.0 - c0 / c_max) / 3600.0
    return float(f"{q:.5g}"), q


def parameter_values(case):
    """pybamm.ParameterValues for a case name ('xu2019' or 'chen2020-nmc811-li')."""
    if case == "xu2019":
        pv = pybamm.ParameterValues("Xu2019")
        pv["Cation transference number"] = 1.0
        return pv
    if case == "chen2020-nmc811-li":
        xu = pybamm.ParameterValues("Xu2019")
        ch = pybamm.ParameterValues("Chen2020")
        pv = xu.copy()
        for k in CHEN_KEYS:
            pv.update({k: ch[k]}, check_already_exists=False)
        pv["Cation transference number"] = 1.0
        pv["Lower voltage cut-off [V]"] = 2.5
        pv["Upper voltage cut-off [V]"] = 4.3
        pv["Open-circuit voltage at 0% SOC [V]"] = 2.5
        pv["Open-circuit voltage at 100% SOC [V]"] = 4.3
        q, _ = chen_nominal_capacity(pv)
        pv["Nominal cell capacity [A.h]"] = q
        pv["Current function [A]"] = q
        return pv
    raise ValueError(case)


CASES = ["xu2019", "chen2020-nmc811-li"]


def make_model():
    return pybamm.lithium_ion.DFN(options=dict(MODEL_OPTIONS))


def var_pts(model, mesh):
    pts = dict(model.default_var_pts)
    pts.update(mesh)
    return pts


def rate_label(rate):
    return {0.1: "0.1C", 1.0: "1C", 2.0: "2C"}.get(rate, f"{rate:g}C")


def np_float(x):
    return float(np.asarray(x).reshape(-1)[0])
