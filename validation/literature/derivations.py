#!/usr/bin/env python3
"""Arithmetic behind validation/literature/parameters.md.

Every derived number in parameters.md is computed here from the inputs listed at
the top of each block (with their source tag), so the table can be regenerated
and audited.  Run:  python3 derivations.py  (prints a report and writes
derived_values.json next to this file).  Needs numpy and scipy.

Tags: [V] verified in a primary text (the validation papers or a
public source quoted in parameters.md), [S] secondary source (review or digest),
[D] derived here, [U] assumption / general knowledge, not verified.
"""
import json
import math
import os

import numpy as np
from scipy import optimize, stats, interpolate

F = 96485.33212      # C/mol
R = 8.314462618      # J/mol/K
NA = 6.02214076e23   # 1/mol
EV_TO_JMOL = F       # 1 eV per particle = 96485 J/mol
MAH = 3.6            # C per mAh
T_REF = 298.15

out = {}


def disc_area(d_m):
    return math.pi * d_m ** 2 / 4


def composite(loading_mg_cm2, w, rho, void):
    """Volume fractions and thickness of a composite electrode.

    loading: total composite mass per area [mg/cm2]; w: mass fractions;
    rho: densities [g/cm3]; void: void volume fraction.
    eps_i = (1 - void) * (w_i/rho_i) / sum_j (w_j/rho_j)
    L = loading * sum_j (w_j/rho_j) / (1 - void)
    """
    spec = {k: w[k] / rho[k] for k in w}           # cm3 per g composite
    vs = sum(spec.values())
    eps = {k: (1 - void) * spec[k] / vs for k in w}
    eps["void"] = void
    L_cm = loading_mg_cm2 * 1e-3 * vs / (1 - void)
    return eps, L_cm * 1e-2, vs                       # thickness in m


# ---------------------------------------------------------------------------
# Molar masses (IUPAC standard atomic weights [U: textbook])
# ---------------------------------------------------------------------------
m = dict(Li=6.941, Ni=58.693, Co=58.933, Mn=54.938, O=15.999, Ti=47.867,
         S=32.06, V=50.9415, P=30.974, Cl=35.453, Br=79.904, In=114.818)
M_NCM811 = m["Li"] + 0.8 * m["Ni"] + 0.1 * m["Co"] + 0.1 * m["Mn"] + 2 * m["O"]
M_LTS = 2 * m["Li"] + m["Ti"] + 3 * m["S"]
M_LTVO = 8 / 7 * m["Li"] + 2 / 7 * m["Ti"] + 4 / 7 * m["V"] + 2 * m["O"]
M_LPSC = 6 * m["Li"] + m["P"] + 5 * m["S"] + m["Cl"]
M_LPSCl15 = 5.5 * m["Li"] + m["P"] + 4.5 * m["S"] + 1.5 * m["Cl"]
M_LPSCB = 5.5 * m["Li"] + m["P"] + 4.5 * m["S"] + 0.8 * m["Cl"] + 0.7 * m["Br"]
q_per_Li = lambda M: F / MAH / M            # mAh/g per Li per formula unit
out["molar_masses_g_mol"] = dict(NCM811=M_NCM811, Li2TiS3=M_LTS, LTVO=M_LTVO,
                                 Li6PS5Cl=M_LPSC, Li55PS45Cl15=M_LPSCl15,
                                 LPSCB=M_LPSCB)
out["theoretical_capacity_mAh_g"] = dict(
    NCM811_1Li=q_per_Li(M_NCM811),
    Li2TiS3_per_Li=q_per_Li(M_LTS), Li2TiS3_2Li=2 * q_per_Li(M_LTS),
    Li2TiS3_2p6Li=2.6 * q_per_Li(M_LTS), Li2TiS3_3Li=3 * q_per_Li(M_LTS),
    LTVO_8_7Li=8 / 7 * q_per_Li(M_LTVO))

# ---------------------------------------------------------------------------
# Densities
# ---------------------------------------------------------------------------
# Li2TiS3: cation-disordered rock salt (Fm-3m); 3 cations + 3 anions per formula
# -> Z = 4/3 formula units per rock-salt cell.  Nearest-neighbour distance
# 2.54275 A (first shell in cmsg-icl/solid-solutions Li2TiS.ipynb, Rocca et al.
# 2022 structures) -> a = 2 * 2.54275 = 5.0855 A  [V code / D]
a_LTS = 2 * 2.54275e-8  # cm
rho_LTS = (4 / 3) * M_LTS / (NA * a_LTS ** 3)
# LTVO: Vegard-type volume mixing of the end members of
# Li8/7Ti2/7V4/7O2 = 3/7 Li4/3Ti2/3O2 (= Li2TiO3 per O2) + 4/7 LiVO2   [D]
# rho(Li2TiO3) = 3.43 g/cm3 [U], LiVO2 R-3m a = 2.838 A, c = 14.78 A, Z = 3 [U]
M_Li2TiO3_O2 = (2 * m["Li"] + m["Ti"] + 3 * m["O"]) * 2 / 3
Vm_Li2TiO3_O2 = M_Li2TiO3_O2 / 3.43
M_LiVO2 = m["Li"] + m["V"] + 2 * m["O"]
V_cell_LiVO2 = math.sqrt(3) / 2 * (2.838e-8) ** 2 * 14.78e-8
Vm_LiVO2 = V_cell_LiVO2 * NA / 3
Vm_LTVO = 3 / 7 * Vm_Li2TiO3_O2 + 4 / 7 * Vm_LiVO2
rho_LTVO = M_LTVO / Vm_LTVO
# Argyrodites: cubic F-43m, Z = 4
rho_arg = lambda M, a_A: 4 * M / (NA * (a_A * 1e-8) ** 3)
rho_LPSC_check = rho_arg(M_LPSC, 9.85)        # cf. 1.87 [S Minnmann 2021]
rho_LPSCl15 = rho_arg(M_LPSCl15, 9.80)        # a = 9.80 A [U]
rho_LPSCB = rho_arg(M_LPSCB, 9.87)            # a = 9.87 A [U, Vegard Cl/Br]
rho = dict(NCM811=4.77, LPSC=1.87, LTS=rho_LTS, LTVO=rho_LTVO,
           LPSCl15=rho_LPSCl15, LPSCB=rho_LPSCB, VGCF=2.0, PVDF_HFP=1.78)
out["densities_g_cm3"] = dict(rho, LPSC_from_a_9p85=rho_LPSC_check,
                              Vm_LTVO_cm3_mol=Vm_LTVO)

# c_max = x_max / V_m  (mol/m3), V_m = M / rho
cmax_NCM = 1 / (M_NCM811 / rho["NCM811"] * 1e-6)
Vm_LTS = M_LTS / rho_LTS
cmax_LTS = 3.0 / (Vm_LTS * 1e-6)          # x_max = 3 (Li3TiS3, 1.5 V vs Li)
cmax_LTVO = (8 / 7) / (Vm_LTVO * 1e-6)    # all Li of Li8/7Ti2/7V4/7O2
out["c_max_mol_m3"] = dict(NCM811=cmax_NCM, Li2TiS3_x3=cmax_LTS, LTVO=cmax_LTVO,
                           Vm_LTS_cm3_mol=Vm_LTS)

# ---------------------------------------------------------------------------
# NCM811 OCP (PyBaMM Chen2020) and a steep end-of-discharge branch [D]
# ---------------------------------------------------------------------------
def chen2020(y):
    return (-0.8090 * y + 4.4875 - 0.0428 * np.tanh(18.5138 * (y - 0.5542))
            - 17.7326 * np.tanh(15.7890 * (y - 0.3117))
            + 17.5842 * np.tanh(15.9308 * (y - 0.3120)))


def chen2020_ext(y):
    """Chen2020 plus a steep end-of-discharge branch above y_b = 0.96 [D]."""
    return chen2020(y) - 1.5 * (np.maximum(0.0, y - 0.96) / 0.04) ** 2


y43 = optimize.brentq(lambda y: chen2020(y) - 4.3, 0.1, 0.5)
y_end = optimize.brentq(lambda y: chen2020_ext(y) - 2.5, 0.96, 1.0)
out["ncm811_ocp"] = dict(
    values={str(y): float(chen2020(y)) for y in (0.2661, 0.4, 0.5, 0.7, 0.9084, 0.95, 0.99, 1.0)},
    ext_values={str(y): float(chen2020_ext(y)) for y in (0.96, 0.97, 0.98, 0.99, 1.0)},
    c0_y0p98=0.98 * cmax_NCM, c0_y0p88=0.88 * cmax_NCM,
    first_charge_0p98_to_4p3V_mAh_g=(0.98 - y43) * q_per_Li(M_NCM811),
    y_at_4p3V=y43, y_at_2p5V_ext=y_end,
    window_capacity_mAh_g=(y_end - y43) * q_per_Li(M_NCM811))

# ---------------------------------------------------------------------------
# Zhou 2025: NCM811 | LPSC | Li  (fine / coarse)
# ---------------------------------------------------------------------------
z = {}
A_z = disc_area(10e-3)                     # [U] 10 mm die (SI not available)
z["area_m2"] = A_z
z["square_side_m"] = math.sqrt(A_z)
load_z = 10.0                              # mg/cm2 composite [U]
eps_z, L_z, vs_z = composite(load_z, dict(AM=0.70, SE=0.30),
                             dict(AM=rho["NCM811"], SE=rho["LPSC"]), void=0.12)
z["eps"], z["L_pos_m"] = eps_z, L_z
m_ncm = load_z * 0.70 * A_z * 1e4          # mg
z["m_NCM_mg"] = m_ncm
z["Q_nom_Ah"] = m_ncm * 1e-3 * 200 * 1e-3  # 1C = 200 mA/g [U]
# separator: 75 mg LPSC [U], relative density 0.90 ([V] fine-LPSC pellet)
z["L_sep_m"] = 75e-3 / (rho["LPSC"] * 0.90 * A_z * 1e4) * 1e-2
# Tortuosity: reading A (geometric tau -> factor tau^2), reading B (factor)
z["tau2_fine_A"], z["tau2_coarse_A"] = 1.21 ** 2, 1.84 ** 2
kap = 0.175                                # S/m LPSC 298 K ([V] 1.56-1.95 mS/cm)
eSE = eps_z["SE"]
z["kappa_eff_fine_A"] = kap * eSE / 1.21 ** 2
z["kappa_eff_coarse_A"] = kap * eSE / 1.84 ** 2
perc = ((eSE - 0.18) / (1 - 0.18)) ** 2    # percolation law, a fit to Minnmann et al. 2021 (parameters.md)
z["tau2_percolation_law"] = eSE / perc
z["tau2_coarse_percolation_scaled"] = eSE / perc * (1.84 / 1.21) ** 2
# Arrhenius factor 298.15 -> 303.15 K for Ea = 0.36 eV
Ea_lpsc = 0.36 * EV_TO_JMOL
z["Ea_LPSC_J_mol"] = Ea_lpsc
z["kappa_303K"] = kap * math.exp(-Ea_lpsc / R * (1 / 303.15 - 1 / T_REF))
# Electronic: carbon-free, sigma_NCM ~ 1 S/m [S], tau_el^2 = 7.4 at 42 vol% [S]
z["sigma_eff_carbon_free"] = 1.0 * eps_z["AM"] / 7.4
# Implied first-cycle capacity of fine from gap and 85 % share [D]
z["implied_fine_capacity_mAh_g"] = {p: g / (1 - 0.85) for p, g in
                                    (("30MPa", 18), ("10MPa", 20), ("2MPa", 22))}
# R_ct cross-check of i0 (fine, 9.9 ohm, area A_z, phi = 0.70, R_p = 1.5 um)
Rp = 1.5e-6
aL = 3 * eps_z["AM"] / Rp * L_z * 0.70
z["i0_from_Rct_fine"] = R * T_REF / F / (9.9 * A_z * aL)
z["i0_from_Rct_coarse_same_area"] = R * T_REF / F / (17.3 * A_z * aL)
# Plating thickness on charge (Li metal), for ~200 mAh/g charge
q_areal = load_z * 0.70 * 1e-3 * 1e4 * 0.200 * 3600   # C/m2  (g/m2 * Ah/g * s/h)
z["Li_plated_um_per_charge_200mAh_g"] = q_areal / F * 12.998e-6 * 1e6
out["zhou"] = z

# Beta-distribution proposals for the initial contact fraction
def beta_ab(mean, sd):
    k = mean * (1 - mean) / sd ** 2 - 1
    return mean * k, (1 - mean) * k


# empirical overlap distribution from Zhou Table 1 (share with overlap >= o)
def overlap_moments(ccdf, top=12.5):
    # bins [0], (0,2), [2,5), [5,10), >=10 ; representative 0, 1, 3.5, 7.5, top
    u0, u2, u5, u10 = ccdf
    p = np.array([1 - u0, u0 - u2, u2 - u5, u5 - u10, u10])
    v = np.array([0, 1, 3.5, 7.5, top])
    mean = float((p * v).sum())
    sd = float(math.sqrt((p * v ** 2).sum() - mean ** 2))
    return dict(p=p.tolist(), mean_pct=mean, sd_pct=sd, cv=sd / mean)


ov_f = overlap_moments([1.00, 1.00, 0.94, 0.28])
ov_c = overlap_moments([0.94, 0.83, 0.56, 0.20])
contact = dict(overlap_fine=ov_f, overlap_coarse=ov_c,
               overlap_mean_ratio=ov_c["mean_pct"] / ov_f["mean_pct"],
               Rct_ratio=17.3 / 9.9)
phi0 = lambda ev: 0.742 * (1 - (ev / 0.317) ** 2.32)   # coverage law, Bielefeld, Weber & Janek 2019
contact["coverage_law"] = {str(e): phi0(e) for e in (0.044, 0.062, 0.10, 0.113, 0.12, 0.158)}
props = {}
for name, (mu, sd) in dict(fine=(0.70, 0.12), coarse=(0.45, 0.27)).items():
    a, b = beta_ab(mu, sd)
    d = stats.beta(a, b)
    props[name] = dict(mean=mu, sd=sd, alpha=a, beta=b,
                       P_lt_0p10=float(d.cdf(0.10)), P_lt_0p15=float(d.cdf(0.15)),
                       q10=float(d.ppf(0.1)), q50=float(d.ppf(0.5)), q90=float(d.ppf(0.9)),
                       active_mean_phi_gt_0p1=float(d.expect(lambda x: x, lb=0.1, ub=1)))
props["Rct_ratio_predicted"] = (props["fine"]["active_mean_phi_gt_0p1"] /
                                props["coarse"]["active_mean_phi_gt_0p1"])
# coarse Beta that meets both P(phi<0.1)=0.15 and the full R_ct ratio 1.75
Ef = props["fine"]["active_mean_phi_gt_0p1"]
def _res(p):
    a, b = beta_ab(*p)
    d = stats.beta(a, b)
    return [d.cdf(0.1) - 0.15, d.expect(lambda x: x, lb=0.1, ub=1) - Ef / 1.75]
sol = optimize.fsolve(_res, [0.45, 0.27])
props["coarse_full_Rct_fit"] = dict(mean=float(sol[0]), sd=float(sol[1]))
contact["proposals"] = props
out["contact"] = contact

# ---------------------------------------------------------------------------
# Lu 2026: Li2TiS3 | LPSCB | Li-In
# ---------------------------------------------------------------------------
lu = {}
lu["area_from_6mg"] = 6 / 7.6                 # cm2
lu["area_from_11mg"] = 11 / 14                # cm2
A_l = disc_area(10e-3)
lu["square_side_m"] = math.sqrt(A_l)
for load, mtot in ((7.6, 6.0), (14.0, 11.0)):
    eps, L, vs = composite(load, dict(AM=0.60, SE=0.35, C=0.05),
                           dict(AM=rho["LTS"], SE=rho["LPSCB"], C=rho["VGCF"]), void=0.10)
    key = f"L{load}"
    m_lts = 0.6 * mtot
    lu[key] = dict(eps=eps, L_pos_m=L, m_LTS_mg=m_lts,
                   Q_nom_Ah_1C_339=m_lts * 1e-3 * 2 * q_per_Li(M_LTS) * 1e-3,
                   Q_nom_Ah_1C_470=m_lts * 1e-3 * 470.6e-3,
                   I_0p5C_mA_cm2=0.5 * m_lts * 2 * q_per_Li(M_LTS) * 1e-3 / (A_l * 1e4))
lu["L_sep_m"] = 100e-3 / (rho["LPSCB"] * 0.88 * A_l * 1e4) * 1e-2
lu["L_sep_dense_m"] = 100e-3 / (rho["LPSCB"] * A_l * 1e4) * 1e-2
lu["first_charge_mAh_g"] = dict(L7p6=380.6 / 1.12, L14=384.4 / 1.138)
lu["Ea_J_mol"] = 0.28 * EV_TO_JMOL
lu["c0"] = 2.0 / (Vm_LTS * 1e-6)
lu["y0"] = 2 / 3
# Li-In partial molar volume of Li (In + LiIn two-phase):  V(LiIn) - V(In)
# LiIn NaTl-type Fd-3m a = 6.786 A, Z = 8 [U];  rho(In) = 7.31 g/cm3 [U]
V_LiIn = (6.786e-8) ** 3 * NA / 8
V_In = m["In"] / 7.31
Vbar_Li_LiIn = (V_LiIn - V_In) * 1e-6
Vbar_Li_metal = m["Li"] / 0.534 * 1e-6
lu["V_LiIn_cm3_mol"], lu["V_In_cm3_mol"] = V_LiIn, V_In
lu["Vbar_Li_in_LiIn_m3_mol"], lu["Vbar_Li_metal_m3_mol"] = Vbar_Li_LiIn, Vbar_Li_metal
# Stack stiffness from in-situ pressure growth
stiff = {}
for key, mlts_areal, growth, caps in (("7.6", 0.6 * 7.6, 0.021, (380.6, 470.6)),
                                      ("14", 0.6 * 14.0, 0.036, (348.4, 384.4))):
    rows = []
    for cap in caps:
        q = mlts_areal * 1e-3 * 1e4 * cap * 1e-3 * 3600      # C/m2
        n = q / F
        dh = n * Vbar_Li_LiIn
        dh_metal = n * Vbar_Li_metal
        rows.append(dict(cap_mAh_g=cap, n_Li_mol_m2=n, dh_LiIn_um=dh * 1e6,
                         K_over_P0_per_m=growth / dh,
                         K_over_P0_per_m_LiMetalVolume=growth / dh_metal))
    stiff[key] = rows
lu["stiffness"] = stiff
# rough lower bound on i0 from 0.09 V polarisation at 0.5C (7.6 mg/cm2)
i_05 = lu["L7.6"]["I_0p5C_mA_cm2"] * 10     # A/m2
asr_max = 0.045 / i_05                       # ohm m2 (half of 0.09 V)
aL_lts = 3 * lu["L7.6"]["eps"]["AM"] / 0.5e-6 * lu["L7.6"]["L_pos_m"]
lu["i0_lower_bound"] = R * T_REF / F / (asr_max * aL_lts)
lu["sep_ASR_ohm_cm2"] = lu["L_sep_m"] / (1.33 * 0.88 ** 1.5) * 1e4
out["lu"] = lu

# ---------------------------------------------------------------------------
# Ohno 2026: LTVO | Li5.5PS4.5Cl1.5 | Li-In
# ---------------------------------------------------------------------------
oh = {}
load_o = 2.0 / 0.47                            # composite mg/cm2 from 2 mg/cm2 AM
eps_o, L_o, vs_o = composite(load_o, dict(AM=0.47, SE=0.45, C=0.05, B=0.03),
                             dict(AM=rho["LTVO"], SE=rho["LPSCl15"], C=rho["VGCF"],
                                  B=rho["PVDF_HFP"]), void=0.10)
oh["composite_loading_mg_cm2"] = load_o
oh["eps"], oh["L_pos_m"] = eps_o, L_o
oh["Q_nom_Ah_1cm2_1C_250"] = 2e-3 * 0.250
oh["R_BET_equiv_m"] = 3 / (rho["LTVO"] * 1e6 * 20.0)      # rho in g/m3, S = 20 m2/g
oh["c0"] = 0.99 * cmax_LTVO
oh["Ea_J_mol"] = 0.30 * EV_TO_JMOL
oh["kappa_50C_factor_Ea0p30"] = math.exp(0.30 * EV_TO_JMOL / R * (1 / T_REF - 1 / 323.15))
oh["kappa_50C_factor_Ea0p35"] = math.exp(0.35 * EV_TO_JMOL / R * (1 / T_REF - 1 / 323.15))
oh["first_charge_fraction_liquid_285"] = 285 / (8 / 7 * q_per_Li(M_LTVO))
oh["assb_220_dy"] = 220 / (8 / 7 * q_per_Li(M_LTVO))
q_o = 2e-3 * 1e4 * 0.220 * 3600                           # C/m2
oh["LiIn_growth_um_per_charge"] = q_o / F * Vbar_Li_LiIn * 1e6
# solid-diffusion bound from the liquid-cell rate test (150 mAh/g at 1280 mA/g)
t_dis = 150 / 1280 * 3600
oh["Dmin_R38nm"] = oh["R_BET_equiv_m"] ** 2 / (15 * 0.4 * t_dis)
oh["Dmin_R1um"] = (1e-6) ** 2 / (15 * 0.4 * t_dis)
out["ohno"] = oh

# ---------------------------------------------------------------------------
# Constructed OCV tables (V vs Li) and a smooth fit
# ---------------------------------------------------------------------------
lts_tab = [(0.00, 3.10), (0.03, 2.95), (0.08, 2.80), (0.15, 2.66), (0.25, 2.55),
           (0.35, 2.47), (0.45, 2.40), (0.55, 2.33), (0.65, 2.25), (2 / 3, 2.23),
           (0.75, 2.15), (0.82, 2.05), (0.88, 1.93), (0.93, 1.80), (0.97, 1.65),
           (1.00, 1.45)]
ltvo_tab = [(0.10, 4.40), (0.15, 4.05), (0.22, 3.70), (0.30, 3.38), (0.40, 3.12),
            (0.50, 2.92), (0.60, 2.75), (0.70, 2.58), (0.80, 2.40), (0.90, 2.15),
            (0.95, 1.95), (0.98, 1.75), (1.00, 1.50)]


def ocv_fit_form(y, p0, p1, a, b, d):
    """U(y) = p0 + p1*y - a*ln(y + d) + b*ln(1 - y + d)   [V vs Li]"""
    return p0 + p1 * y - a * np.log(y + d) + b * np.log(1 - y + d)


def fit_table(tab, name):
    y, u = map(np.array, zip(*tab))
    best = None
    for d0 in (0.005, 0.02, 0.05, 0.1):
        p, _ = optimize.curve_fit(ocv_fit_form, y, u, p0=[2.5, -1, 0.1, 0.1, d0],
                                  bounds=([-10, -20, 0, 0, 1e-4], [10, 20, 5, 5, 1]),
                                  maxfev=50000)
        err = float(np.max(np.abs(ocv_fit_form(y, *p) - u)))
        if best is None or err < best[1]:
            best = (p, err)
    p, err = best
    yy = np.linspace(y.min(), y.max(), 2001)
    mono = bool(np.all(np.diff(ocv_fit_form(yy, *p)) < 0))
    return dict(params=dict(p0=p[0], p1=p[1], a=p[2], b=p[3], d=p[4]),
                max_abs_err_V=err, monotone_decreasing=mono,
                table=[[float(a), float(b)] for a, b in tab])


ocv = dict(LTS=fit_table(lts_tab, "LTS"), LTVO=fit_table(ltvo_tab, "LTVO"))
# mean discharge OCV over the windows used
yy = np.linspace(0.0, 0.97, 971)
pch = interpolate.PchipInterpolator(*map(np.array, zip(*lts_tab)))
ocv["LTS"]["mean_U_0_to_0p97"] = float(pch(yy).mean())
ocv["LTS"]["y_window_LuLiIn_0p9_2p4"] = [float(optimize.brentq(lambda y: pch(y) - 3.02, 0, 0.1)),
                                          float(optimize.brentq(lambda y: pch(y) - 1.52, 0.97, 1.0))]
pch2 = interpolate.PchipInterpolator(*map(np.array, zip(*ltvo_tab)))
yy2 = np.linspace(0.3, 0.95, 651)
ocv["LTVO"]["mean_U_0p3_to_0p95"] = float(pch2(yy2).mean())
out["ocv"] = ocv


def _clean(o):
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return float(o)
    return o


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "derived_values.json"), "w") as fh:
    json.dump(_clean(out), fh, indent=1, sort_keys=True)
print(json.dumps(_clean(out), indent=1, sort_keys=True))
