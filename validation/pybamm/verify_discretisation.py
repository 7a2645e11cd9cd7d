"""Numerical check of DISCRETISATION.md against the installed PyBaMM.

An independent NumPy implementation of the discrete equations written in
DISCRETISATION.md (function `spec_residual` below, no PyBaMM calls inside) is
evaluated at the same states as PyBaMM's discretised model, and the two residual
vectors (rhs of every differential state, residual of every algebraic state) are
compared, together with the terminal voltage and the surface concentrations.

States tested, per case and mesh:
  * consistent states taken from a 1C PyBaMM solve (start, middle, near the end);
  * the same states with random perturbations (c_s by up to 2 % of c_max per node,
    phi_s and phi_e by up to 20 mV, eps*c_e by up to 5 %), so that every term is
    exercised away from equilibrium, including a non-uniform electrolyte;
  * a state whose surface concentration is within 1e-4 c_max of c_max (tests the
    j0 regularisation and the OCP asymptote);
  * a variant of each case with a concentration-dependent particle diffusivity
    D(sto) = D0 (1 + 3 sto^2), to test the face averaging of D and surf(D).

Writes verify_discretisation.json and prints a table. Exit code 1 if any normalised
mismatch exceeds 1e-8.
"""

import json
import sys
import time

import numpy as np

import cases
import pybamm

F = cases.F_CONST
RG = cases.R_CONST
REG_DELTA = 1e-3  # pybamm.settings.tolerances["reg_power"]


# ----------------------------------------------------------------------------------
# Parameter functions (plain NumPy transcriptions of the PyBaMM parameter sets)
# ----------------------------------------------------------------------------------
def reg_power(x, a, scale):
    """pybamm.RegPower: (x/s) * ((x/s)^2 + delta^2)^((a-1)/2) * s^a."""
    xs = x / scale
    return xs * (xs**2 + REG_DELTA**2) ** ((a - 1.0) / 2.0) * scale**a


def u_asym_zero(sto):
    a = 205.0568621937484
    b = 6910.192179565431
    c = -7.7e-4
    max_safe_exp = np.log(2.0 / np.finfo(np.float64).eps)
    sto_limit = c - max_safe_exp / b
    out = np.log(1 + np.exp(-b * (np.maximum(sto_limit, sto) - c))) + -b * np.minimum(
        0, sto - sto_limit
    )
    return a * out


def u_asymptotes(sto):
    return u_asym_zero(sto) - u_asym_zero(1 - sto)


def U_xu(s):
    return (
        4.3452
        - 1.6518 * s
        + 1.6225 * s**2
        - 2.0843 * s**3
        + 3.5146 * s**4
        - 2.2166 * s**5
        - 0.5623e-4 * np.exp(109.451 * s - 100.006)
    )


def U_chen(s):
    return (
        -0.8090 * s
        + 4.4875
        - 0.0428 * np.tanh(18.5138 * (s - 0.5542))
        - 17.7326 * np.tanh(15.7890 * (s - 0.3117))
        + 17.5842 * np.tanh(15.9308 * (s - 0.3120))
    )


def kappa_valoen(c_e, T):
    c = c_e / 1000
    return (1e-3 / 1e-2) * (
        c
        * (
            (-10.5 + 0.0740 * T - 6.96e-5 * T**2)
            + c * (0.668 - 0.0178 * T + 2.80e-5 * T**2)
            + c**2 * (0.494 - 8.86e-4 * T)
        )
        ** 2
    )


def De_valoen(c_e, T):
    c = c_e / 1000
    T_g = 229 + 5 * c
    D_0 = -4.43 - 54 / (T - T_g)
    D_1 = -0.22
    return (10 ** (D_0 + D_1 * c)) * 1e-4


def kappa_nyman(c_e, T):
    c = c_e / 1000
    return 0.1297 * c**3 - 2.51 * c**1.5 + 3.329 * c


def De_nyman(c_e, T):
    c = c_e / 1000
    return 8.794e-11 * c**2 - 3.972e-10 * c + 4.862e-10


def spec_params(case, pv, variable_D=False):
    """Everything spec_residual needs, as plain floats / NumPy callables."""
    g = lambda k: float(pv[k])  # noqa: E731
    p = {
        "T": g("Ambient temperature [K]"),
        "T_ref": g("Reference temperature [K]"),
        "L_n": g("Negative electrode thickness [m]"),
        "L_s": g("Separator thickness [m]"),
        "L_p": g("Positive electrode thickness [m]"),
        "R_p": g("Positive particle radius [m]"),
        "A_cc": g("Electrode height [m]")
        * g("Electrode width [m]")
        * g("Number of electrodes connected in parallel to make a cell"),
        "c_max": g("Maximum concentration in positive electrode [mol.m-3]"),
        "c_e0": g("Initial concentration in electrolyte [mol.m-3]"),
        "eps_s": g("Separator porosity"),
        "eps_p": g("Positive electrode porosity"),
        "eps_am": g("Positive electrode active material volume fraction"),
        "b_e_s": g("Separator Bruggeman coefficient (electrolyte)"),
        "b_e_p": g("Positive electrode Bruggeman coefficient (electrolyte)"),
        "b_s_p": g("Positive electrode Bruggeman coefficient (electrode)"),
        "sigma_p": g("Positive electrode conductivity [S.m-1]"),
        "sigma_n": g("Negative electrode conductivity [S.m-1]"),
        "V_bar_Li": g("Lithium metal partial molar volume [m3.mol-1]"),
    }
    if case == "xu2019":
        p["U"] = U_xu
        p["kappa"] = kappa_valoen
        p["D_e"] = De_valoen
        m_ref = 5.76e-11 * F
        p["j0"] = lambda ce, cs, cmax, T: m_ref * reg_power(ce, 0.5, p["c_e0"]) * reg_power(
            cs, 0.5, cmax
        ) * reg_power(cmax - cs, 0.5, cmax)
        D0 = 1e-14
    else:
        p["U"] = U_chen
        p["kappa"] = kappa_nyman
        p["D_e"] = De_nyman

        def j0(ce, cs, cmax, T):
            arr = np.exp(17800 / RG * (1 / 298.15 - 1 / T))
            return (
                3.42e-6
                * arr
                * reg_power(ce, 0.5, p["c_e0"])
                * reg_power(cs, 0.5, cmax)
                * reg_power(cmax - cs, 0.5, cmax)
            )

        p["j0"] = j0
        D0 = 4e-15
    # Li metal exchange current density: identical function in both cases (Xu2019)
    p["j0_Li"] = lambda ce, cLi, T: 3.5e-8 * F * cLi**0.7 * ce**0.3
    if variable_D:
        p["D_p"] = lambda sto, T: D0 * (1 + 3 * sto**2)
    else:
        p["D_p"] = lambda sto, T: D0 + 0 * sto
    return p


# ----------------------------------------------------------------------------------
# The discrete equations of DISCRETISATION.md
# ----------------------------------------------------------------------------------
def lin_extrap_right(f_nm2, f_nm1, h_last, dn_last):
    """Value at the right boundary edge from the last two nodes (PyBaMM 'linear')."""
    r = 0.5 * h_last / dn_last
    return (1 + r) * f_nm1 - r * f_nm2


def lin_extrap_left(f0, f1, h_first, dn_first):
    r = 0.5 * h_first / dn_first
    return (1 + r) * f0 - r * f1


def spec_residual(p, Ns, Np, Nr, cs, epsce, phis, phie, I, variant=None):
    """Returns dict with rhs / algebraic residual blocks in physical units.

    cs    : (Np, Nr) particle concentration [mol/m3], row i = x-node i of the cathode
    epsce : (Ns+Np,) porosity * electrolyte concentration [mol/m3]
    phis  : (Np,) solid potential [V]
    phie  : (Ns+Np,) electrolyte potential [V]
    I     : applied current [A], > 0 on discharge
    """
    T = p["T"]
    Lx = p["L_n"] + p["L_s"] + p["L_p"]
    hs, hp = p["L_s"] / Ns, p["L_p"] / Np
    h = np.r_[np.full(Ns, hs), np.full(Np, hp)]  # cell widths (d_edges)
    dn = 0.5 * (h[:-1] + h[1:])  # node spacings (d_nodes), Ns+Np-1
    i_cc = I / p["A_cc"]

    # ---- electrolyte concentration (state: eps*c_e) ------------------------------
    eps = np.r_[np.full(Ns, p["eps_s"]), np.full(Np, p["eps_p"])]
    b_e = np.r_[np.full(Ns, p["b_e_s"]), np.full(Np, p["b_e_p"])]
    tor_e = eps**b_e
    c_e = epsce / eps

    # ---- particle surface values -------------------------------------------------
    dr = p["R_p"] / Nr
    r_edge = np.arange(Nr + 1) * dr
    c_surf = lin_extrap_right(cs[:, -2], cs[:, -1], dr, dr)  # = 1.5 c_N - 0.5 c_N-1
    if variant == "c_surf = last node":
        c_surf = cs[:, -1].copy()
    sto_surf = c_surf / p["c_max"]

    # ---- positive electrode kinetics ---------------------------------------------
    tol = 1e-10
    U = p["U"](np.clip(sto_surf, tol, 1 - tol)) + u_asymptotes(sto_surf)
    c_e_p = c_e[Ns:]
    cs_j0 = np.clip(c_surf, 0.0, p["c_max"])
    j0 = p["j0"](np.maximum(c_e_p, 0.0), cs_j0, p["c_max"], T)
    eta = phis - phie[Ns:] - U
    j = 2 * j0 * np.sinh(0.5 * F * eta / (RG * T))  # A/m2, > 0 = delithiation
    a = 3 * p["eps_am"] / p["R_p"]
    aj = a * j

    # ---- Li metal counter electrode (x = L_n) -------------------------------------
    c_e_Li = lin_extrap_left(c_e[0], c_e[1], hs, hs)  # 1.5 c_e,0 - 0.5 c_e,1
    j0_Li = p["j0_Li"](c_e_Li, 1.0 / p["V_bar_Li"], T)
    b = 2 * j0_Li
    b_eff = np.sign(b if b != 0 else 1.0) * np.hypot(b, 1e-16)
    eta_Li = 2 * RG * T / F * np.arcsinh(i_cc / b_eff)
    phi_s_Li = 0.0 - i_cc * p["L_n"] / p["sigma_n"]
    phi_e_Li = phi_s_Li - eta_Li - 0.0  # Li OCP = 0

    # ---- electrolyte potential ----------------------------------------------------
    kap = p["kappa"](np.maximum(c_e, 10.0), T) * tor_e  # nodes
    w = h[:-1] / (h[:-1] + h[1:])
    kap_face_int = (1 - w) * kap[:-1] + w * kap[1:]  # ARITHMETIC (linear interp.)
    if variant == "harmonic kappa":
        kap_face_int = 1 / (w / kap[:-1] + (1 - w) / kap[1:])
    kap_left = lin_extrap_left(kap[0], kap[1], h[0], dn[0])
    grad_e = np.empty(Ns + Np + 1)
    grad_e[0] = (phie[0] - (2 * phi_e_Li - phie[0])) / h[0]  # ghost node
    grad_e[1:-1] = np.diff(phie) / dn
    grad_e[-1] = 0.0
    kap_face = np.r_[kap_left, kap_face_int, np.nan]
    i_e = -kap_face * grad_e
    i_e[-1] = 0.0
    div_ie = np.diff(i_e) / h
    src = np.r_[np.zeros(Ns), aj]
    alg_phie = Lx**2 * (div_ie - src)

    # ---- electrolyte concentration rhs -------------------------------------------
    De_node = tor_e * p["D_e"](np.maximum(c_e, 10.0), T)
    beta = h[:-1] / (h[:-1] + h[1:])
    De_face_int = 1 / (beta / De_node[:-1] + (1 - beta) / De_node[1:])  # harmonic
    N_diff = np.zeros(Ns + Np + 1)
    N_diff[1:-1] = -De_face_int * np.diff(c_e) / dn
    N_e = N_diff + 1.0 * i_e / F  # t+ = 1
    rhs_epsce = -np.diff(N_e) / h + src / F

    # ---- solid potential ---------------------------------------------------------
    sig_eff = p["sigma_p"] * (1 - p["eps_p"]) ** p["b_s_p"]
    grad_s = np.empty(Np + 1)
    grad_s[0] = 0.0
    grad_s[1:-1] = np.diff(phis) / hp
    grad_s[-1] = i_cc / (-sig_eff)
    i_s = -sig_eff * grad_s
    alg_phis = Lx**2 * (np.diff(i_s) / hp + aj)

    # ---- particles ---------------------------------------------------------------
    sto = np.clip(cs / p["c_max"], tol, 1 - tol)
    D = p["D_p"](sto, T)  # (Np, Nr) nodes
    D_int = 1 / (0.5 / D[:, :-1] + 0.5 / D[:, 1:])  # harmonic, uniform r mesh
    D_surf = lin_extrap_right(D[:, -2], D[:, -1], dr, dr)
    D_face = np.c_[lin_extrap_left(D[:, 0], D[:, 1], dr, dr), D_int, D_surf]
    grad_c = np.zeros((Np, Nr + 1))
    grad_c[:, 1:-1] = np.diff(cs, axis=1) / dr
    grad_c[:, -1] = -j * 1.0 / F / D_surf  # R/R_typ = 1
    N_s = -D_face * grad_c
    vol = (r_edge[1:] ** 3 - r_edge[:-1] ** 3) / 3
    flux = r_edge**2 * N_s
    rhs_cs = -(flux[:, 1:] - flux[:, :-1]) / vol

    # ---- outputs -----------------------------------------------------------------
    V = lin_extrap_right(phis[-2], phis[-1], hp, hp)  # 1.5 phi_N - 0.5 phi_N-1
    if variant == "V = last node":
        V = phis[-1]
    # magnitude of the individual terms of each block, used to normalise the
    # comparison (at consistent states the residuals themselves are ~0)
    # (at consistent states the residuals themselves are ~0). For the potential
    # equations the operands of the flux differences, sigma*phi/h^2, are included:
    # the residual is a difference of numbers of that size, so round-off of
    # ~1e-16 of them is all that two correct implementations can agree to.
    term_scale = {
        "d(eps c_e)/dt": max(np.max(np.abs(np.diff(N_e) / h)), np.max(np.abs(src / F))),
        "alg phi_s": Lx**2
        * max(
            np.max(np.abs(np.diff(i_s) / hp)),
            np.max(np.abs(aj)),
            sig_eff * np.max(np.abs(phis)) / hp**2,
        ),
        "alg phi_e": Lx**2
        * max(
            np.max(np.abs(div_ie)),
            np.max(np.abs(src)),
            np.max(kap) * np.max(np.abs(phie)) / min(hs, hp) ** 2,
        ),
    }
    return {
        "term_scale": term_scale,
        "rhs_Q": I / 3600,
        "rhs_cs": rhs_cs,
        "rhs_epsce": rhs_epsce,
        "alg_phis": alg_phis,
        "alg_phie": alg_phie,
        "V": V,
        "c_surf": c_surf,
        "phi_e_Li": phi_e_Li,
        "eta_Li": eta_Li,
        "j": j,
    }


# ----------------------------------------------------------------------------------
# PyBaMM side
# ----------------------------------------------------------------------------------
def build(case, mesh, variable_D=False, I=None):
    pv = cases.parameter_values(case)
    if variable_D:
        D0 = float(pv["Positive particle diffusivity [m2.s-1]"])
        pv["Positive particle diffusivity [m2.s-1]"] = lambda sto, T: D0 * (
            1 + 3 * sto**2
        )
    if I is not None:
        pv["Current function [A]"] = I
    model = cases.make_model()
    sim = pybamm.Simulation(
        model,
        parameter_values=pv,
        var_pts=cases.var_pts(model, mesh),
        solver=pybamm.IDAKLUSolver(rtol=cases.RTOL, atol=cases.ATOL),
    )
    sim.build()
    return sim, pv


def unpack(bm, y):
    """Physical state blocks from PyBaMM's scaled state vector."""
    out = {}
    for var in list(bm.rhs.keys()) + list(bm.algebraic.keys()):
        sl = bm.y_slices[var][0]
        scale = var.scale.evaluate()
        ref = var.reference.evaluate()
        out[var.name] = (np.asarray(ref) + np.asarray(scale) * y[sl]).reshape(-1)
    return out


def scales(bm):
    return {
        var.name: float(np.asarray(var.scale.evaluate()))
        for var in list(bm.rhs.keys()) + list(bm.algebraic.keys())
    }


def compare(case, mesh, variable_D, rng, report, variant=None, quiet=False):
    Q = float(cases.parameter_values(case)["Nominal cell capacity [A.h]"])
    I = Q  # 1C
    sim, pv = build(case, mesh, variable_D, I=I)
    bm = sim.built_model

    def pyb_var(name, t, y):
        # evaluate a PyBaMM output variable at an arbitrary state
        s = pybamm.Solution(np.array([t, t + 1.0]), np.hstack([y, y]), bm, {})
        return np.asarray(s[name].entries)[..., 0].reshape(-1)
    Ns, Np, Nr = mesh["x_s"], mesh["x_p"], mesh["r_p"]
    p = spec_params(case, pv, variable_D)
    sc = scales(bm)

    # consistent states from a 1C solve
    Vmin = float(pv["Lower voltage cut-off [V]"])
    sol = sim.solve([0, 3600 * 2])
    ts = sol.t
    idx = [0, len(ts) // 2, len(ts) - 2]
    states = []
    for k in idx:
        y = sol.y[:, k]
        states.append((f"solve t={ts[k]:.1f}s", float(ts[k]), np.array(y).reshape(-1)))
    # perturbed
    nY = bm.len_rhs_and_alg
    for name, t, y in list(states):
        yp = y.copy()
        blocks = {v.name: bm.y_slices[v][0] for v in list(bm.rhs) + list(bm.algebraic)}
        s = blocks["Positive particle concentration [mol.m-3]"]
        yp[s] += 0.005 * rng.uniform(-1, 1, s.stop - s.start)
        # keep 0 < surface sto < 1 after the linear extrapolation (beyond 1 the OCP
        # asymptote overflows sinh and both implementations give inf * 0 = nan)
        yp[s] = np.clip(yp[s], 0.01, 0.985)
        s = blocks["Porosity times concentration [mol.m-3]"]
        yp[s] *= 1 + 0.05 * rng.uniform(-1, 1, s.stop - s.start)
        for nm in ["Positive electrode potential [V]", "Electrolyte potential [V]"]:
            s = blocks[nm]
            yp[s] += 0.02 * rng.uniform(-1, 1, s.stop - s.start)
        states.append((name + " perturbed", t, yp))
    # near-full surface (tests regularisation + asymptote)
    y = states[1][2].copy()
    s = blocks["Positive particle concentration [mol.m-3]"]
    cs_ = y[s].reshape(Np, Nr)
    cs_[:, -1] = 1 - 0.5e-4
    cs_[:, -2] = 1 - 1.0e-4  # surf = 1.5*(1-5e-5) - 0.5*(1-1e-4) = 1 - 2.5e-5
    y[s] = cs_.reshape(-1)
    states.append(("surface sto = 1 - 2.5e-5", states[1][1], y))

    worst = 0.0
    for name, t, y in states:
        assert y.size == nY
        yy = y.reshape(-1, 1)
        rhs = np.asarray(bm.concatenated_rhs.evaluate(t, yy, inputs={})).reshape(-1)
        alg = np.asarray(bm.concatenated_algebraic.evaluate(t, yy, inputs={})).reshape(
            -1
        )
        st = unpack(bm, yy.reshape(-1))
        cs = st["Positive particle concentration [mol.m-3]"].reshape(Np, Nr)
        res = spec_residual(
            p,
            Ns,
            Np,
            Nr,
            cs,
            st["Porosity times concentration [mol.m-3]"],
            st["Positive electrode potential [V]"],
            st["Electrolyte potential [V]"],
            I,
            variant=variant,
        )
        rs = {v.name: bm.y_slices[v][0] for v in bm.rhs}
        off = min(s.start for s in rs.values())
        al = {v.name: bm.y_slices[v][0] for v in bm.algebraic}
        aoff = min(s.start for s in al.values())

        def blk(vec, slc, o):
            return vec[slc.start - o : slc.stop - o]

        pairs = {
            "d(Q)/dt": (blk(rhs, rs["Discharge capacity [A.h]"], off), res["rhs_Q"]),
            "dc_s/dt": (
                blk(rhs, rs["Positive particle concentration [mol.m-3]"], off)
                * sc["Positive particle concentration [mol.m-3]"],
                res["rhs_cs"].reshape(-1),
            ),
            "d(eps c_e)/dt": (
                blk(rhs, rs["Porosity times concentration [mol.m-3]"], off)
                * sc["Porosity times concentration [mol.m-3]"],
                res["rhs_epsce"],
            ),
            "alg phi_s": (
                blk(alg, al["Positive electrode potential [V]"], aoff),
                res["alg_phis"],
            ),
            "alg phi_e": (blk(alg, al["Electrolyte potential [V]"], aoff), res["alg_phie"]),
            "Voltage": (pyb_var("Voltage [V]", t, yy), np.atleast_1d(res["V"])),
            "c_surf": (
                pyb_var("Positive particle surface concentration [mol.m-3]", t, yy),
                res["c_surf"],
            ),
            "phi_e(Li)": (
                pyb_var("Lithium metal interface electrolyte potential [V]", t, yy),
                np.atleast_1d(res["phi_e_Li"]),
            ),
        }
        row = {}
        for k, (a_, b_) in pairs.items():
            a_ = np.asarray(a_, dtype=float).reshape(-1)
            b_ = np.asarray(b_, dtype=float).reshape(-1)
            scale_ = max(np.max(np.abs(a_)), res["term_scale"].get(k, 0.0), 1e-300)
            rel = float(np.max(np.abs(a_ - b_)) / scale_)
            row[k] = {"normalisation": float(scale_), "max_rel_diff": rel}
            worst = max(worst, rel)
        report.append(
            {
                "case": case,
                "mesh": mesh,
                "variable_D": variable_D,
                "variant": variant,
                "state": name,
                "blocks": row,
            }
        )
        if quiet:
            continue
        print(
            f"{case:20s} {str(mesh):36s} D(c)={str(variable_D):5s} {name:34s} "
            + " ".join(f"{k}:{v['max_rel_diff']:.1e}" for k, v in row.items())
        )
    return worst


def write_testvectors(case, rng):
    """Residual test vectors for unit tests without PyBaMM (coarse mesh, 1C current).

    States have a UNIFORM electrolyte concentration c_e = c_e_init (the t+ = 1
    limit SolidCell solves), so a model without the c_e state can use them as-is.
    Residuals are given in physical units, without PyBaMM's state scaling:
      dc_s/dt [mol.m-3.s-1];  phi_s / phi_e residuals as div(i) -/+ a*j [A.m-3]
      (i.e. PyBaMM's residual divided by L_x^2).
    """
    mesh = cases.MESH_COARSE
    Q = float(cases.parameter_values(case)["Nominal cell capacity [A.h]"])
    sim, pv = build(case, mesh, False, I=Q)
    bm = sim.built_model
    Ns, Np, Nr = mesh["x_s"], mesh["x_p"], mesh["r_p"]
    Lx = sum(
        float(pv[k])
        for k in [
            "Negative electrode thickness [m]",
            "Separator thickness [m]",
            "Positive electrode thickness [m]",
        ]
    )
    sol = sim.solve([0, 7200])
    blocks = {v.name: bm.y_slices[v][0] for v in list(bm.rhs) + list(bm.algebraic)}
    sc = scales(bm)
    eps = np.r_[
        np.full(Ns, float(pv["Separator porosity"])),
        np.full(Np, float(pv["Positive electrode porosity"])),
    ]
    c_e0 = float(pv["Initial concentration in electrolyte [mol.m-3]"])
    out = {
        "case": case,
        "pybamm version": cases.PYBAMM_VERSION,
        "mesh": mesh,
        "current [A]": Q,
        "layout": {
            "c_s": "list of Np rows (x-node i = 0 at the separator side), each Nr values "
            "(r-node k = 0 at the particle centre); PyBaMM's state order is i*Nr + k",
            "phi_e": "Ns separator nodes then Np positive nodes, from x = L_n (Li side)",
            "phi_s": "Np positive nodes from the separator side to the current collector",
        },
        "x nodes [m]": np.r_[
            sim.mesh["separator"].nodes, sim.mesh["positive electrode"].nodes
        ].tolist(),
        "r nodes [m]": sim.mesh["positive particle"].nodes.tolist(),
        "states": [],
    }
    k_mid = len(sol.t) // 2
    y_mid = np.array(sol.y[:, k_mid]).reshape(-1)
    y_pert = y_mid.copy()
    s = blocks["Positive particle concentration [mol.m-3]"]
    y_pert[s] = np.clip(y_pert[s] + 0.005 * rng.uniform(-1, 1, s.stop - s.start), 0.01, 0.985)
    for nm in ["Positive electrode potential [V]", "Electrolyte potential [V]"]:
        s = blocks[nm]
        y_pert[s] += 0.01 * rng.uniform(-1, 1, s.stop - s.start)
    for label, y in [
        (f"consistent state of a 1C discharge at t = {float(sol.t[k_mid]):.3f} s", y_mid),
        ("same state with random perturbations of c_s, phi_s, phi_e", y_pert),
    ]:
        y = y.copy()
        s = blocks["Porosity times concentration [mol.m-3]"]
        y[s] = eps * c_e0 / sc["Porosity times concentration [mol.m-3]"]  # uniform c_e
        yy = y.reshape(-1, 1)
        t = float(sol.t[k_mid])
        rhs = np.asarray(bm.concatenated_rhs.evaluate(t, yy, inputs={})).reshape(-1)
        alg = np.asarray(bm.concatenated_algebraic.evaluate(t, yy, inputs={})).reshape(-1)
        st = unpack(bm, y)
        roff = min(v.start for k, v in blocks.items() if k in [x.name for x in bm.rhs])
        aoff = bm.len_rhs
        sl = blocks["Positive particle concentration [mol.m-3]"]
        dcdt = rhs[sl.start - roff : sl.stop - roff] * sc["Positive particle concentration [mol.m-3]"]
        sl = blocks["Positive electrode potential [V]"]
        r_s = alg[sl.start - aoff : sl.stop - aoff] / Lx**2
        sl = blocks["Electrolyte potential [V]"]
        r_e = alg[sl.start - aoff : sl.stop - aoff] / Lx**2
        s2 = pybamm.Solution(np.array([t, t + 1.0]), np.hstack([yy, yy]), bm, {})
        V = float(np.asarray(s2["Voltage [V]"].entries)[0])
        j = np.asarray(
            s2["Positive electrode interfacial current density [A.m-2]"].entries
        )[:, 0]
        csurf = np.asarray(
            s2["Positive particle surface concentration [mol.m-3]"].entries
        )[:, 0]
        phie_li = float(
            np.asarray(s2["Lithium metal interface electrolyte potential [V]"].entries)[0]
        )
        out["states"].append(
            {
                "label": label,
                "c_e [mol.m-3] (uniform)": c_e0,
                "c_s [mol.m-3]": st["Positive particle concentration [mol.m-3]"]
                .reshape(Np, Nr)
                .tolist(),
                "phi_s [V]": st["Positive electrode potential [V]"].tolist(),
                "phi_e [V]": st["Electrolyte potential [V]"].tolist(),
                "expected": {
                    "dc_s/dt [mol.m-3.s-1]": dcdt.reshape(Np, Nr).tolist(),
                    "phi_s residual div(i_s) + a*j [A.m-3]": r_s.tolist(),
                    "phi_e residual div(i_e) - a*j [A.m-3]": r_e.tolist(),
                    "Voltage [V]": V,
                    "c_surf [mol.m-3]": csurf.tolist(),
                    "j [A.m-2]": j.tolist(),
                    "phi_e at Li interface [V]": phie_li,
                },
            }
        )
    fname = f"testvectors_{case}.json"
    with open(fname, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", fname)


def negative_controls():
    """Deliberately wrong variants of the spec must NOT match PyBaMM."""
    global REG_DELTA
    out = {}
    for variant in ["harmonic kappa", "c_surf = last node", "V = last node", "no j0 regularisation"]:
        rep = []
        saved = REG_DELTA
        if variant == "no j0 regularisation":
            REG_DELTA = 0.0
            v = None
        else:
            v = variant
        try:
            compare("chen2020-nmc811-li", cases.MESH_COARSE, False,
                    np.random.default_rng(7), rep, variant=v, quiet=True)
        finally:
            REG_DELTA = saved
        worst = max(b["max_rel_diff"] for r in rep for b in r["blocks"].values())
        out[variant] = worst
        print(f"negative control '{variant}': worst mismatch {worst:.2e} (must be >> 1e-8)")
    return out


def main():
    rng = np.random.default_rng(12345)
    report = []
    worst = 0.0
    t0 = time.perf_counter()
    for case in cases.CASES:
        for mesh in [cases.MESH_COARSE, cases.MESH_FINE]:
            for variable_D in [False, True]:
                worst = max(worst, compare(case, mesh, variable_D, rng, report))
    controls = negative_controls()
    out = {
        "pybamm_version": cases.PYBAMM_VERSION,
        "description": __doc__,
        "worst_relative_mismatch": worst,
        "normalisation": (
            "max |PyBaMM - spec| over a block divided by max(|PyBaMM block|, largest "
            "individual term of the block), because residuals are ~0 at consistent "
            "states; for the potential equations the terms include the operands "
            "sigma*phi/h^2 of the flux differences (round-off level)"
        ),
        "negative controls (worst mismatch of a deliberately wrong spec)": controls,
        "results": report,
        "wall_time_s": time.perf_counter() - t0,
    }
    for case in cases.CASES:
        write_testvectors(case, np.random.default_rng(2024))
    with open("verify_discretisation.json", "w") as f:
        json.dump(out, f, indent=1)
    print(f"worst relative mismatch over all blocks and states: {worst:.2e}")
    if worst > 1e-8 or min(controls.values()) < 1e-6:
        print("MISMATCH: DISCRETISATION.md does not reproduce PyBaMM, or a negative "
              "control was not detected")
        sys.exit(1)


if __name__ == "__main__":
    main()
