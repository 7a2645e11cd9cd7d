"""Side-by-side solver speed of SolidCell and PyBaMM (IDAKLU) on the same problems.

Run through compare-pybamm.sh (which builds SolidCell and sets up PyBaMM); see Benchmarks/README.md.

Problems: the PyBaMM cross-check model (models/xu2019-nmc532-half-cell-t1.json for SolidCell,
validation/pybamm/cases.py's half-cell DFN with t+ = 1 for PyBaMM) on the same meshes
(x_s = x_p = r_p = n), with the same cut-offs and the same solver tolerances:

  * 1C discharge until 3.5 V at n = 16, 30, 58, 98 (about 300, 1 000, 3 500, 10 000 states),
  * 0.1C discharge until 3.5 V at n = 16 and 30,
  * 100 CCCV cycles at n = 16 ("Discharge at 1C until 3.5 V", "Charge at 1C until 4.2 V",
    "Hold at 4.2 V until C/50"),
  * a lifetime run: 1000 of the same CCCV cycles, PyBaMM's brute force against SolidCell's full run
    and SolidCell with cycle jumping (`--accelerate`, default tolerance). This cell does not fade, so
    the jumps go straight to the end: the row shows what jumping saves when nothing degrades, and
    the jumped run's last capacity is checked against PyBaMM's.

What is timed (medians over several runs):

  * SolidCell: `solve_time_s` of summary.json, i.e. the wall time of IDA's work in
    `Simulation.run`: IDAReInit + IDACalcIC at the start of every protocol step, then IDASolve
    step by step, recording every internal step. Reading the model, building it and creating the
    IDA + KLU objects is excluded. Each run is a fresh `solidcell simulate` process.
  * PyBaMM: `Solution.integration_time`, the time of the compiled IDAKLU solve call (IDA
    initialisation, consistent initial conditions, integration, storing every internal step),
    summed over the steps of an experiment. Excluded: building and discretising the model, the
    solver's set-up, Python-side consistent initialisation and post-processing. Measured after
    one untimed warm-up solve of the same `pybamm.Simulation` in the same process.
    `Solution.solve_time` and the wall time of `Simulation.solve` are reported as well.

Tolerances: rtol = 1e-6 and atol = 1e-8 in both. SolidCell scales atol per unknown
(concentrations by c_max, potentials by 1 V, current density by 1 A/m2, capacity by the nominal
capacity); PyBaMM scales its unknowns the same way (particle concentration by c_max, potentials
by 1 V; its extra electrolyte-concentration unknowns by 1000 mol/m3), so the error test weighs
the shared unknowns identically. The answers are checked to agree within the cross-check
tolerances (voltage 2 mV RMS and 5 mV max, capacity 0.5 %) before any ratio is reported.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "validation", "pybamm"))
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")

import numpy as np  # noqa: E402

import cases  # noqa: E402  (validation/pybamm/cases.py: the PyBaMM side of the cross-check model)
import pybamm  # noqa: E402

MODEL = os.path.join(ROOT, "models", "xu2019-nmc532-half-cell-t1.json")
RTOL, ATOL = 1e-6, 1e-8
CUTOFF_LOW, CUTOFF_HIGH = 3.5, 4.2
CCCV_STEPS = ("Discharge at 1C until 3.5 V", "Charge at 1C until 4.2 V", "Hold at 4.2 V until C/50")
# Cross-check tolerances (Tests/SolidCellTests/PyBaMMCrossCheckTests.swift).
TOL_RMS_MV, TOL_MAX_MV, TOL_CAPACITY = 2.0, 5.0, 0.005
TARGET_DISCHARGE, TARGET_CYCLING = 8.0, 12.0


def solidcell_states(n):
    """Unknowns of SolidCell's model for x_s = x_p = r_p = n and one contact class: φ_e in the
    Ns + Np cells, φ_s in the Np cells, Nr particle concentrations per cell, the current density,
    the discharged capacity and the stack pressure. Used only when summary.json does not report the
    number of unknowns itself (as solver.states)."""
    return 2 * n + n + n * n + 3


# ----------------------------------------------------------------------------------------------
# SolidCell
# ----------------------------------------------------------------------------------------------
def run_solidcell(binary, n, experiment, cycles, repeats, workdir, extra=()):
    """Runs `solidcell simulate` `repeats` times (plus one untimed warm-up run); returns the
    solve times, the last summary and the last output folder."""
    out = os.path.join(workdir, f"solidcell-{n}-{abs(hash((experiment, cycles, tuple(extra))))}")
    cmd = shlex.split(binary) + ["simulate", "--model", MODEL, "--experiment", experiment, "--cycles", str(cycles),
           "--set", f"Separator mesh points={n}", "--set", f"Positive electrode mesh points={n}",
           "--set", f"Positive particle mesh points={n}", *extra, "--output", out]
    times, summary = [], None
    for k in range(repeats + 1):
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"solidcell failed ({done.returncode}): {done.stderr.strip()}\n{' '.join(cmd)}")
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        if summary["status"] != "completed":
            raise RuntimeError(f"solidcell run did not complete: {summary.get('failure')}")
        if k > 0:
            times.append(float(summary["solve_time_s"]))
    return times, summary, out


def read_timeseries(folder):
    with open(os.path.join(folder, "timeseries.csv")) as f:
        rows = list(csv.DictReader(f))
    return {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}


def read_cycles(folder):
    with open(os.path.join(folder, "cycles.csv")) as f:
        return [float(r["Discharge capacity [A.h]"]) for r in csv.DictReader(f)]


# ----------------------------------------------------------------------------------------------
# PyBaMM
# ----------------------------------------------------------------------------------------------
def pybamm_simulation(n, rate=None, experiment=None):
    pv = cases.parameter_values("xu2019")
    assert abs(float(pv["Lower voltage cut-off [V]"]) - CUTOFF_LOW) < 1e-12
    if rate is not None:
        pv["Current function [A]"] = rate * float(pv["Nominal cell capacity [A.h]"])
    model = cases.make_model()
    return pybamm.Simulation(model, parameter_values=pv, experiment=experiment,
                             var_pts=cases.var_pts(model, {"x_s": n, "x_p": n, "r_p": n}),
                             solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL))


def timed_pybamm(solve, repeats):
    """One untimed warm-up solve, then `repeats` timed ones: integration times, solve times,
    wall times of the whole call, and the last solution."""
    solve()
    integration, solve_time, wall, sol = [], [], [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        sol = solve()
        wall.append(time.perf_counter() - t0)
        integration.append(float(sol.integration_time.value))
        solve_time.append(float(sol.solve_time.value))
    return integration, solve_time, wall, sol


def pybamm_discharge(n, rate, repeats):
    """Plain discharge (the model's own current and its 3.5 V cut-off event, found by IDA's root
    finding): PyBaMM's fastest path, faster than the same step through pybamm.Experiment."""
    sim = pybamm_simulation(n, rate=rate)
    t_max = 1.5 * 3600 / rate * 1.6   # the cell delivers about 1.6 x nominal
    integration, solve_time, wall, sol = timed_pybamm(lambda: sim.solve([0, t_max]), repeats)
    if "Minimum voltage" not in str(sol.termination):
        raise RuntimeError(f"PyBaMM {rate}C discharge ended with {sol.termination}")
    return integration, solve_time, wall, sol, int(sim.built_model.len_rhs_and_alg)


def pybamm_cccv(n, cycles, repeats):
    sim = pybamm_simulation(n, experiment=pybamm.Experiment([CCCV_STEPS] * cycles))
    integration, solve_time, wall, sol = timed_pybamm(lambda: sim.solve(), repeats)
    states = max(int(m.len_rhs_and_alg) for m in sim.steps_to_built_models.values())
    return integration, solve_time, wall, sol, states


# ----------------------------------------------------------------------------------------------
# Agreement
# ----------------------------------------------------------------------------------------------
def curve_difference(t1, v1, t2, v2, fraction=0.99):
    """RMS and max |v1 - v2| on a common grid over the first `fraction` of the shorter curve
    (the last percent is the steep approach to the cut-off, compared through the capacity)."""
    t_end = fraction * min(t1[-1] - t1[0], t2[-1] - t2[0])
    grid = np.linspace(0, t_end, 2000)
    d = np.interp(grid, t1 - t1[0], v1) - np.interp(grid, t2 - t2[0], v2)
    return float(np.sqrt(np.mean(d * d))), float(np.max(np.abs(d)))


def compare_discharge(folder, sol):
    s = read_timeseries(folder)
    t_p = np.asarray(sol["Time [s]"].entries)
    v_p = np.asarray(sol["Voltage [V]"].entries)
    q_p = float(np.asarray(sol["Discharge capacity [A.h]"].entries)[-1])
    rms, mx = curve_difference(s["Time [s]"], s["Voltage [V]"], t_p, v_p)
    q_s = float(s["Discharge capacity [A.h]"][-1])
    return {"rms_mV": 1e3 * rms, "max_mV": 1e3 * mx, "capacity_rel": abs(q_s - q_p) / q_p,
            "capacity_solidcell_Ah": q_s, "capacity_pybamm_Ah": q_p,
            "t_end_solidcell_s": float(s["Time [s]"][-1]), "t_end_pybamm_s": float(t_p[-1])}


def compare_cccv(folder, sol, cycles):
    """Voltage in the constant-current steps, per step on the time since the step began; the
    discharge capacity of every cycle; the time at which the run ended."""
    s = read_timeseries(folder)
    sq = np.array(read_cycles(folder))
    rms_all, max_all, pq = [], [], []
    for c in range(cycles):
        steps = sol.cycles[c].steps
        pq.append(float(steps[0]["Discharge capacity [A.h]"].entries[-1] - steps[0]["Discharge capacity [A.h]"].entries[0]))
        for k in (0, 1):  # CC discharge, CC charge
            mask = (s["Cycle"] == c + 1) & (s["Step"] == k + 1)
            rms, mx = curve_difference(s["Time [s]"][mask], s["Voltage [V]"][mask],
                                       np.asarray(steps[k]["Time [s]"].entries),
                                       np.asarray(steps[k]["Voltage [V]"].entries))
            rms_all.append(rms)
            max_all.append(mx)
    pq = np.array(pq)
    t_s, t_p = float(s["Time [s]"][-1]), float(sol.t[-1])
    return {"rms_mV": 1e3 * float(np.sqrt(np.mean(np.square(rms_all)))), "max_mV": 1e3 * float(np.max(max_all)),
            "capacity_rel": float(np.max(np.abs(sq - pq) / pq)),
            "capacity_solidcell_Ah": float(sq[-1]), "capacity_pybamm_Ah": float(pq[-1]),
            "t_end_solidcell_s": t_s, "t_end_pybamm_s": t_p}


def agrees(d):
    return d["rms_mV"] <= TOL_RMS_MV and d["max_mV"] <= TOL_MAX_MV and d["capacity_rel"] <= TOL_CAPACITY


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------
def machine():
    info = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                info["cpu"] = value.strip()
            if key.strip() == "CPU(s)":
                info["cores"] = int(value.strip())
    except OSError:
        pass
    info["os"] = platform.platform()
    return info


def git_revision():
    if os.environ.get("SOLIDCELL_REVISION"):
        return os.environ["SOLIDCELL_REVISION"]
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" + uncommitted changes in Sources/" if dirty else "")
    except OSError:
        return "unknown"


def swift_version():
    try:
        return subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def ms(x):
    """Milliseconds, to one decimal."""
    return f"{1e3 * x:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solidcell", required=True,
                        help="the release solidcell binary (a command line: a wrapper and its arguments are allowed)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per problem and tool (median reported)")
    parser.add_argument("--cycles", type=int, default=100, help="cycles of the CCCV problem")
    parser.add_argument("--lifetime-cycles", type=int, default=1000,
                        help="cycles of the lifetime problem (brute force vs --accelerate; 0 skips it)")
    parser.add_argument("--quick", action="store_true", help="skip the 10 000-state mesh and the lifetime problem, and shorten the cycling to 10 cycles")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "compare-pybamm.md"))
    parser.add_argument("--invocation", default="bash Benchmarks/compare-pybamm.sh", help="command line to record in the report")
    args = parser.parse_args()
    if args.quick:
        args.cycles = min(args.cycles, 10)
        args.lifetime_cycles = 0

    problems = []  # (label, n, kind, rate or cycles, target)
    for n in (16, 30, 58) + (() if args.quick else (98,)):
        problems.append((f"1C discharge", n, "discharge", 1.0, TARGET_DISCHARGE))
    for n in (16, 30):
        problems.append((f"0.1C discharge", n, "discharge", 0.1, TARGET_DISCHARGE))
    problems.append((f"{args.cycles} CCCV cycles", 16, "cccv", args.cycles, TARGET_CYCLING))
    if args.lifetime_cycles > 0:
        problems.append((f"{args.lifetime_cycles} CCCV cycles", 16, "lifetime", args.lifetime_cycles, None))

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    rows = []
    workdir = tempfile.mkdtemp(prefix="compare-pybamm-")
    try:
        for label, n, kind, value, target in problems:
            big = n >= 58 or kind == "cccv"
            repeats = 1 if kind == "lifetime" else max(3, args.repeats // 2) if big else args.repeats
            print(f"{label}, mesh {n}/{n}/{n}: ", end="", flush=True)
            if kind == "discharge":
                exp = f"Discharge at {value:g}C until {CUTOFF_LOW:g} V"
                s_times, summary, folder = run_solidcell(args.solidcell, n, exp, 1, repeats, workdir)
                p_int, p_solve, p_wall, sol, p_states = pybamm_discharge(n, value, repeats)
                diff = compare_discharge(folder, sol)
            else:
                exp = "; ".join(CCCV_STEPS)
                s_times, summary, folder = run_solidcell(args.solidcell, n, exp, value, repeats, workdir)
                p_int, p_solve, p_wall, sol, p_states = pybamm_cccv(n, value, repeats)
                diff = compare_cccv(folder, sol, value)
                if kind == "lifetime":
                    a_times, a_summary, a_folder = run_solidcell(args.solidcell, n, exp, value, repeats, workdir, extra=["--accelerate"])
                    jumps = a_summary.get("cycle_jumps") or {}
                    last = read_cycles(a_folder)[-1]
                    diff["lifetime_cycles"] = value
                    diff["accelerated_s"] = statistics.median(a_times)
                    diff["accelerated_simulated_cycles"] = int(jumps.get("simulated_cycles", value))
                    diff["accelerated_last_capacity_rel"] = abs(last - diff["capacity_pybamm_Ah"]) / diff["capacity_pybamm_Ah"]
            stats = sol.solver_statistics
            row = {
                "problem": label, "mesh": n, "target": target,
                "solidcell_states": int(summary["solver"].get("states", solidcell_states(n))), "pybamm_states": p_states,
                "solidcell_s": statistics.median(s_times), "solidcell_runs_s": s_times,
                "pybamm_integration_s": statistics.median(p_int), "pybamm_integration_runs_s": p_int,
                "pybamm_solve_time_s": statistics.median(p_solve), "pybamm_wall_s": statistics.median(p_wall),
                "solidcell_steps": summary["solver"]["steps"],
                "pybamm_steps": int(getattr(stats, "number_of_steps", 0) or 0),
                **diff,
            }
            row["ratio"] = row["pybamm_integration_s"] / row["solidcell_s"]
            row["agrees"] = agrees(diff) and diff.get("accelerated_last_capacity_rel", 0) <= TOL_CAPACITY
            rows.append(row)
            print(f"SolidCell {ms(row['solidcell_s'])} ms, PyBaMM {ms(row['pybamm_integration_s'])} ms, "
                  f"ratio {row['ratio']:.2f}, dV {diff['rms_mV']:.4f}/{diff['max_mV']:.4f} mV, "
                  f"dQ {100 * diff['capacity_rel']:.2g} %", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()

    # Growth with the number of states (1C discharges): least-squares exponent of time ~ states^p.
    d = [r for r in rows if r["problem"] == "1C discharge"]
    growth = {}
    if len(d) >= 2:
        x = np.log([r["solidcell_states"] for r in d])
        growth["solidcell"] = float(np.polyfit(x, np.log([r["solidcell_s"] for r in d]), 1)[0])
        growth["pybamm"] = float(np.polyfit(x, np.log([r["pybamm_integration_s"] for r in d]), 1)[0])

    m = machine()
    lines = [
        "| problem | mesh x_s/x_p/r_p | states SolidCell / PyBaMM | SolidCell [ms] | PyBaMM IDAKLU [ms] | ratio PyBaMM / SolidCell | target | voltage diff RMS / max [mV] | capacity diff | steps SolidCell / PyBaMM |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        target = f"≥ {r['target']:g}× {'met' if r['ratio'] >= r['target'] else '**not met**'}" if r["target"] else "–"
        ok = "" if r["agrees"] else " **(disagree!)**"
        lines.append(
            f"| {r['problem']} | {r['mesh']}/{r['mesh']}/{r['mesh']} | {r['solidcell_states']} / {r['pybamm_states']} "
            f"| {ms(r['solidcell_s'])} | {ms(r['pybamm_integration_s'])} | {r['ratio']:.2f}× | {target} "
            f"| {r['rms_mV']:.4f} / {r['max_mV']:.4f}{ok} | {100 * r['capacity_rel']:.2g} % "
            f"| {r['solidcell_steps']} / {r['pybamm_steps']} |")
    for r in rows:
        if "accelerated_s" in r:
            lines.append("")
            lines.append(
                f"Lifetime, {r['problem']}: PyBaMM brute force {r['pybamm_integration_s']:.2f} s; SolidCell every cycle "
                f"{r['solidcell_s']:.2f} s ({r['ratio']:.1f}× PyBaMM); SolidCell `--accelerate` {r['accelerated_s']:.3f} s "
                f"({r['pybamm_integration_s'] / r['accelerated_s']:.0f}× PyBaMM, {r['solidcell_s'] / r['accelerated_s']:.0f}× its full run), "
                f"{r['accelerated_simulated_cycles']} of {r['lifetime_cycles']} cycles simulated; "
                f"last-cycle capacity of the jumped run vs PyBaMM {100 * r['accelerated_last_capacity_rel']:.2g} %. "
                "(This cell does not fade, so the jumps go straight to the end.)")
    table = "\n".join(lines)
    try:
        import importlib.metadata as md
        solvers = md.version("pybammsolvers")
    except Exception:
        solvers = "?"
    header = [
        "# SolidCell vs PyBaMM: solver speed on the same problems",
        "",
        f"- Date: {started.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['os']}; load average {load_before[0]:.2f} at the start, {load_after[0]:.2f} at the end",
        f"- SolidCell {git_revision()}, release build, {swift_version()}; Debian libsundials 6.4.1",
        f"- SolidCell command: `{os.path.relpath(args.solidcell, ROOT) if os.path.isabs(args.solidcell) else args.solidcell}`",
        f"- PyBaMM {pybamm.__version__} (pybammsolvers {solvers}), Python {platform.python_version()}",
        f"- Command: `{args.invocation.strip()}`",
        f"- Runs: median of {args.repeats} timed runs ({max(3, args.repeats // 2)} for the 3 500- and 10 000-state meshes and the cycling), after one untimed warm-up run, for each tool",
        "- Tolerances: rtol 1e-6, atol 1e-8 (both scaled alike per unknown: c_max for particle concentrations, 1 V for potentials)",
        "- SolidCell time: `solve_time_s` of summary.json (IDA re-initialisation, consistent initial conditions and integration; model build, solver set-up and copying each step into the time series excluded)",
        "- PyBaMM time: `Solution.integration_time` (the compiled IDAKLU call; model build, discretisation and solver set-up excluded), summed over the steps of the cycling experiment",
        f"- Agreement required before a ratio counts: voltage ≤ {TOL_RMS_MV:g} mV RMS and ≤ {TOL_MAX_MV:g} mV max (first 99 % of every constant-current step), capacity ≤ {100 * TOL_CAPACITY:g} %",
        "",
        table,
        "",
    ]
    if growth:
        header.append(f"Growth of the 1C solve time with the number of states (least-squares exponent p of time ∝ states^p): "
                      f"SolidCell p = {growth['solidcell']:.2f}, PyBaMM p = {growth['pybamm']:.2f} (target: p ≤ 1).")
        header.append("")
    header.append("PyBaMM's `Solution.solve_time` and the wall time of `Simulation.solve` (Python overheads included) [ms]: "
                  + "; ".join(f"{r['problem']} {r['mesh']}: {ms(r['pybamm_solve_time_s'])} / {ms(r['pybamm_wall_s'])}" for r in rows) + ".")
    header.append("")
    header.append("All runs [ms]: " + "; ".join(
        f"{r['problem']} {r['mesh']}: SolidCell " + ", ".join(ms(t) for t in r["solidcell_runs_s"])
        + " | PyBaMM " + ", ".join(ms(t) for t in r["pybamm_integration_runs_s"]) for r in rows) + ".")
    text = "\n".join(header) + "\n"
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        f.write(text)
    with open(os.path.splitext(args.output)[0] + ".json", "w") as f:
        json.dump({"date": started.isoformat(), "machine": m, "rows": rows, "growth": growth}, f, indent=1)
    print()
    print(table)
    print()
    if growth:
        print(f"time ∝ states^p: SolidCell p = {growth['solidcell']:.2f}, PyBaMM p = {growth['pybamm']:.2f}")
    print(f"written to {os.path.relpath(args.output, ROOT)}")
    if not all(r["agrees"] for r in rows):
        print("error: SolidCell and PyBaMM disagree on at least one problem (see the table)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
