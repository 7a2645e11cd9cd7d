#!/usr/bin/env python3
"""Predictions of the NCM811 | Li6PS5Cl | Li cell with the shared degradation constants (issue #21).

These are PREDICTIONS, not validation: nothing here was fitted to them. Run from the repository
root after `swift build -c release` (about 30-60 min on 2 cores):

    python3 validation/predictions/zhou2025_predictions.py [WORKDIR]

It runs `solidcell sweep` (0.1C, 2.5-4.3 V, the Zhou 2025 cycle) and writes, into
validation/predictions/:
  retention-vs-contact-mean.svg/.csv  retention after 100 cycles vs the contact distribution's mean
                                      (0.3-0.8; the fine file, every other key fixed) at 2/10/30 MPa
  retention-vs-temperature.svg/.csv   retention after 100 cycles vs temperature 25-60 degC, fine
                                      and coarse at 2 and 30 MPa
  capacity-1000-cycles.svg/.csv       discharge capacity vs cycle to 1000 cycles, fine and coarse at
                                      2 and 30 MPa (`--accelerate`: cycle jumping, 0.1-point tolerance)
"""
import csv, os, subprocess, sys, tempfile

ROOT = os.getcwd()
OUT = os.path.join(ROOT, "validation", "predictions")
CYCLE = "Charge at 0.1C until 4.3 V; Discharge at 0.1C until 2.5 V"
SOLIDCELL = os.path.join(ROOT, ".build", "release", "solidcell")
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def sweep(model, varies, cycles, folder, extra=()):
    cmd = [SOLIDCELL, "sweep", "--model", f"models/zhou2025-ncm811-lpsc-{model}.json", "--experiment", CYCLE,
           "--cycles", str(cycles), "--jobs", "2", "--output", folder, *extra]
    for key, values in varies:
        cmd += ["--vary", f"{key}={','.join(str(v) for v in values)}"]
    if not os.path.exists(os.path.join(folder, "sweep.csv")):  # a finished sweep in WORKDIR is re-plotted, not re-run
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(folder, "sweep.csv")) as f:
        return list(csv.DictReader(f))


def retention(row):
    return float(row["Capacity retention [%]"]) if row["Status"] == "completed" else float("nan")


def svg(path, title, xlabel, ylabel, series, xrange, yrange, note, xticks=5):
    """A minimal line plot: series = [(label, [(x, y)], colour, dashed)]."""
    w, h, l, r, t, b = 700, 420, 70, 170, 40, 55
    pw, ph = w - l - r, h - t - b
    (x0, x1), (y0, y1) = xrange, yrange
    X = lambda x: l + (x - x0) / (x1 - x0) * pw
    Y = lambda y: t + ph - (y - y0) / (y1 - y0) * ph
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
         f'<rect width="{w}" height="{h}" fill="white"/>',
         f'<text x="{l}" y="22" font-size="13">{title}</text>',
         f'<rect x="{l}" y="{t}" width="{pw}" height="{ph}" fill="none" stroke="black"/>']
    for i in range(xticks + 1):
        xv = x0 + (x1 - x0) * i / xticks
        s.append(f'<line x1="{X(xv):.1f}" y1="{t}" x2="{X(xv):.1f}" y2="{t + ph}" stroke="#ddd"/>')
        s.append(f'<text x="{X(xv):.1f}" y="{t + ph + 16}" text-anchor="middle">{xv:g}</text>')
    for i in range(6):
        yv = y0 + (y1 - y0) * i / 5
        s.append(f'<line x1="{l}" y1="{Y(yv):.1f}" x2="{l + pw}" y2="{Y(yv):.1f}" stroke="#ddd"/>')
        s.append(f'<text x="{l - 6}" y="{Y(yv) + 4:.1f}" text-anchor="end">{yv:g}</text>')
    s.append(f'<text x="{l + pw / 2}" y="{h - 22}" text-anchor="middle">{xlabel}</text>')
    s.append(f'<text x="16" y="{t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 {t + ph / 2})">{ylabel}</text>')
    s.append(f'<text x="{l}" y="{h - 5}" font-size="10" fill="#555">{note}</text>')
    for i, (label, points, colour, dashed) in enumerate(series):
        pts = [(x, y) for x, y in points if y == y]
        if pts:
            d = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in pts)
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            s.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            if len(pts) < 15:
                s += [f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        ly = t + 14 + 18 * i
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        s.append(f'<line x1="{l + pw + 10}" y1="{ly - 4}" x2="{l + pw + 34}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"{dash}/>')
        s.append(f'<text x="{l + pw + 40}" y="{ly}">{label}</text>')
    s.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="zhou-predictions-")
    os.makedirs(work, exist_ok=True)
    pressures = [2, 10, 30]
    note = "PREDICTION (SolidCell; degradation constants fitted to Zhou 2025 at 30 °C, shared); not measured data"

    means = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    rows = sweep("fine", [("Positive particle contact fraction mean", means), ("Stack pressure [MPa]", pressures)], 100,
                 os.path.join(work, "contact-mean"))
    table = {(float(r["Positive particle contact fraction mean"]), float(r["Stack pressure [MPa]"])): retention(r) for r in rows}
    with open(os.path.join(OUT, "retention-vs-contact-mean.csv"), "w") as f:
        f.write("Contact fraction mean,Stack pressure [MPa],Retention after 100 cycles [%]\n")
        for (m, p), v in sorted(table.items()):
            f.write(f"{m},{p:g},{v:.2f}\n")
    svg(os.path.join(OUT, "retention-vs-contact-mean.svg"), "Retention after 100 cycles at 0.1C vs contact mean (fine-file microstructure otherwise)",
        "Mean CAM|SE contact fraction (standard deviation 0.12)", "Retention after 100 cycles [%]",
        [(f"{p} MPa", [(m, table[(m, p)]) for m in means], COLOURS[i], False) for i, p in enumerate(pressures)],
        (0.3, 0.8), (0, 100), note)

    temperatures = [298.15, 303.15, 313.15, 323.15, 333.15]
    series, lines = [], []
    for i, model in enumerate(["fine", "coarse"]):
        rows = sweep(model, [("Ambient temperature [K]", temperatures), ("Stack pressure [MPa]", [2, 30])], 100,
                     os.path.join(work, f"temperature-{model}"))
        for j, p in enumerate([2, 30]):
            pts = [(float(r["Ambient temperature [K]"]) - 273.15, retention(r)) for r in rows if float(r["Stack pressure [MPa]"]) == p]
            series.append((f"{model}, {p} MPa", pts, COLOURS[2 * i + j], model == "coarse"))
            lines += [f"{model},{p},{T:g},{v:.2f}" for T, v in pts]
    with open(os.path.join(OUT, "retention-vs-temperature.csv"), "w") as f:
        f.write("Microstructure,Stack pressure [MPa],Temperature [degC],Retention after 100 cycles [%]\n" + "\n".join(lines) + "\n")
    svg(os.path.join(OUT, "retention-vs-temperature.svg"),
        "Retention after 100 cycles at 0.1C vs temperature (activation energies of damage and oxidation assumed)",
        "Temperature [°C]", "Retention after 100 cycles [%]", series, (25, 60), (0, 100), note, xticks=7)

    series, lines = [], []
    for i, model in enumerate(["fine", "coarse"]):
        folder = os.path.join(work, f"long-{model}")
        rows = sweep(model, [("Stack pressure [MPa]", [2, 30])], 1000, folder, extra=["--accelerate"])
        for j, r in enumerate(rows):
            with open(os.path.join(folder, r["Case"], "cycles.csv")) as f:
                # A run that stops at the end of life (every particle isolated) ends with a partial
                # cycle; only complete cycles are plotted.
                cycles = [c for c in csv.DictReader(f) if c["Complete"] == "true"]
            pts = [(int(c["Cycle"]), float(c["Discharge capacity [mA.h.g-1]"])) for c in cycles]
            series.append((f"{model}, {r['Stack pressure [MPa]']} MPa", pts, COLOURS[2 * i + j], model == "coarse"))
            lines += [f"{model},{r['Stack pressure [MPa]']},{c},{q:.3f},{s['Simulated']}" for (c, q), s in zip(pts, cycles)]
    with open(os.path.join(OUT, "capacity-1000-cycles.csv"), "w") as f:
        f.write("Microstructure,Stack pressure [MPa],Cycle,Discharge capacity [mA.h.g-1],Simulated\n" + "\n".join(lines) + "\n")
    top = max(q for _, pts, _, _ in series for _, q in pts)
    svg(os.path.join(OUT, "capacity-1000-cycles.svg"), "Discharge capacity vs cycle at 0.1C, 1000 cycles (--accelerate)",
        "Cycle", "Discharge capacity [mA.h/g]", series, (0, 1000), (0, 20 * (int(top / 20) + 1)), note)


if __name__ == "__main__":
    main()
