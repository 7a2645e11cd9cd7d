"""Cross-check of the cycler logs that `compare`'s round-trip test writes, with two independent
Python readers. Not used by the Swift tests. Keep the test's files, then read them:

    SOLIDCELL_COMPARE_FIXTURES=/tmp/cmpfix swift test --skip-build -c release -Xswiftc -enable-testing \
        --filter CompareRoundTripTests/everyFormat
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install batterydf galvani
    /tmp/venv/bin/python Tests/MeasuredDataTests/Fixtures/check_compare_fixtures.py /tmp/cmpfix

The folder's `timeseries.csv` (SolidCell's columns, current positive on discharge) is the log
itself; `log.bdf.csv` is read with batterydf (`bdf.read`, `bdf.validate`) and `log.mpt` with
galvani (`MPTfile`, Latin-1, decimal commas) and batterydf's `biologic-mpt` plugin, and each package's time,
voltage and current (in its own units and sign) are checked against the log to 1e-12 relative.
"""
import csv
import math
import sys
from pathlib import Path

folder = Path(sys.argv[1])
failures = []
with open(folder / "timeseries.csv") as f:
    rows = list(csv.DictReader(f))
time = [float(r["Time [s]"]) for r in rows]
voltage = [float(r["Voltage [V]"]) for r in rows]
current = [float(r["Current [A]"]) for r in rows]   # positive on discharge
step = [int(r["Step"]) for r in rows]
print(f"log: {len(rows)} samples, {time[-1]:.1f} s")


def check(label, got, expected, tol=1e-12):
    got = [float(str(g).replace(",", ".")) for g in got]
    worst = max((abs(g - e) / max(abs(e), 1e-300) if e != 0 else abs(g) for g, e in zip(got, expected)), default=0)
    ok = len(got) == len(expected) and all(math.isclose(g, e, rel_tol=tol, abs_tol=1e-300) or g == e for g, e in zip(got, expected))
    print(f"  {'ok  ' if ok else 'FAIL'} {label}: {len(got)} values, largest relative difference {worst:.2g}")
    if not ok:
        failures.append(label)


import bdf  # batterydf
print("batterydf", getattr(bdf, "__version__", "?"))
df = bdf.read(str(folder / "log.bdf.csv"))
report = bdf.validate(df, report=True, raise_on_error=False)
print(f"  log.bdf.csv: columns {list(df.columns)}; validate -> missing {report.get('missing')}")
check("BDF Test Time / s", df["Test Time / s"], time)
check("BDF Voltage / V", df["Voltage / V"], voltage)
check("BDF Current / A (charge positive)", df["Current / A"], [-i for i in current])
check("BDF Step Count / 1", df["Step Count / 1"], step)
mpt = bdf.read(str(folder / "log.mpt"), plugin="biologic-mpt")
print(f"  log.mpt (biologic-mpt plugin): columns {list(mpt.columns)}")
check("batterydf .mpt Test Time / s", mpt["Test Time / s"], time)
check("batterydf .mpt Voltage / V", mpt["Voltage / V"], voltage)
check("batterydf .mpt Current / A (oxidation positive)", mpt["Current / A"], [-i for i in current])

from galvani import BioLogic
print("galvani")
array, comments = BioLogic.MPTfile(str(folder / "log.mpt"), encoding="latin-1")
print(f"  log.mpt: {len(comments)} comment lines, columns {list(array.dtype.names)}")
check("galvani time/s", array["time/s"], time)
# galvani names the file's `Ecell/V` and `<I>/mA` columns `Ewe/V` and `I/mA`.
check("galvani Ecell/V (as Ewe/V)", array["Ewe/V"], voltage)
check("galvani <I>/mA (as I/mA, oxidation positive)", array["I/mA"], [-1000 * i for i in current])
check("galvani Ns", array["Ns"], step)

print("FAILURES:" if failures else "all checks passed", *failures, sep="\n  ")
sys.exit(1 if failures else 0)
