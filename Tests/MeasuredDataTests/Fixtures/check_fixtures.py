"""Cross-check of the hand-written fixtures with two independent Python readers.

Not used by the Swift tests (they need no Python). Run it in a virtual environment with the
PyPI packages `batterydf` (imported as `bdf`) and `galvani`:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install batterydf galvani
    /tmp/venv/bin/python Tests/MeasuredDataTests/Fixtures/check_fixtures.py

It prints what each package reads from each fixture and checks the values that
MeasuredDataTests asserts (converted to the package's units and sign).
"""
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
failures = []


def check(label, got, expected, tol=1e-9):
    got = [float(str(g).replace(",", ".")) for g in got]
    ok = all(math.isclose(g, e, rel_tol=tol, abs_tol=tol) for g, e in zip(got, expected)) and len(got) == len(expected)
    print(f"  {'ok  ' if ok else 'FAIL'} {label}: {list(got)}")
    if not ok:
        failures.append(f"{label}: got {list(got)}, expected {list(expected)}")


def bdf_checks():
    import bdf
    print("batterydf", getattr(bdf, "__version__", "?"))
    for name, plugin in [("bdf_cycle.bdf.csv", None), ("neware.csv", "neware-csv"), ("biologic_gcpl_fr.mpt", "biologic-mpt")]:
        path = HERE / name
        try:
            df = bdf.read(str(path), plugin=plugin) if plugin else bdf.read(str(path))
        except Exception as error:  # report, do not hide
            print(f"  {name}: batterydf could not read it: {type(error).__name__}: {error}")
            failures.append(f"batterydf {name}: {error}")
            continue
        print(f"  {name}: columns {list(df.columns)}")
        report = bdf.validate(df, report=True, raise_on_error=False)
        print(f"  {name}: validate -> missing {report.get('missing')}")
        if name == "bdf_cycle.bdf.csv":
            check("BDF time", df["Test Time / s"], [0, 10, 20, 30, 40, 50])
            check("BDF current (charge +)", df["Current / A"], [0, 0, -0.002, -0.002, 0.001, 0.001])
            check("BDF pressure", df["Applied Pressure / Pa"], [5e6, 5e6, 5e6, 5.01e6, 4.99e6, 5e6])
        if name == "neware.csv":
            check("Neware voltage", df["Voltage / V"], [3.65, 3.648, 3.5, 3.1, 3.4, 3.9])
            check("Neware current (charge +)", df["Current / A"], [0, 0, -0.002, -0.002, 0.001, 0.001])
            if "Test Time / s" in df:
                print(f"  Neware test time as batterydf reads it: {list(df['Test Time / s'])}")
        if name == "biologic_gcpl_fr.mpt":
            check("BioLogic time", df["Test Time / s"], [0, 10, 10.001, 20, 20.001, 30.5])
            check("BioLogic current [A] (charge +)", df["Current / A"], [0, 0, -2.5e-4, -2.5e-4, 2.5e-4, 2.5e-4])
            check("BioLogic voltage", df["Voltage / V"], [3.6512345, 3.651, 3.52, 3.5, 3.62, 3.7])


def galvani_checks():
    from galvani import BioLogic
    print("galvani")
    for name in ["biologic_gcpl_fr.mpt", "biologic_peis.mpt", "biologic_microamps.mpt"]:
        try:
            array, comments = BioLogic.MPTfile(str(HERE / name), encoding="latin-1")
        except Exception as error:
            print(f"  {name}: galvani could not read it: {type(error).__name__}: {error}")
            if name != "biologic_microamps.mpt":
                failures.append(f"galvani {name}: {error}")
            continue
        print(f"  {name}: {len(comments)} comment lines, columns {list(array.dtype.names)}")
        if name == "biologic_gcpl_fr.mpt":
            check("galvani time/s", array["time/s"], [0, 10, 10.001, 20, 20.001, 30.5])
            check("galvani I/mA", array["I/mA"], [0, 0, -0.25, -0.25, 0.25, 0.25])
            check("galvani Ns", array["Ns"], [0, 0, 1, 1, 2, 2])
        if name == "biologic_peis.mpt":
            check("galvani freq/Hz", array["freq/Hz"], [1e6, 1e3, 1, 1e-2])
            check("galvani -Im(Z)/Ohm", array["-Im(Z)/Ohm"], [-0.12, 20, 35, 90])


bdf_checks()
galvani_checks()
print("FAILURES:" if failures else "all checks passed", *failures, sep="\n  ")
sys.exit(1 if failures else 0)
