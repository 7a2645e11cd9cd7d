extension TableLayout {
    /// SolidCell's `timeseries.csv`: `Time [s]`, `Cycle`, `Step`, `Current [A]` (positive on
    /// DISCHARGE), `Voltage [V]`, `Discharge capacity [A.h]`, `Stack pressure [MPa]` (read as the
    /// pressure, in Pa), and model columns that are not read. Each step's first sample repeats the
    /// previous step's last time (the switch-on), which the step column allows.
    static let solidCell = TableLayout(
        format: .solidCell, content: .timeSeries, nativeSign: .dischargePositive,
        rules: [
            ColumnRule(.time, ["Time [s]", "Time"], unit: "s", required: true),
            ColumnRule(.voltage, ["Voltage [V]", "Voltage"], unit: "V", required: true),
            ColumnRule(.current, ["Current [A]", "Current"], unit: "A", required: true),
            ColumnRule(.cycle, ["Cycle"]),
            ColumnRule(.step, ["Step"]),
            ColumnRule(.temperature, ["Temperature"]),
            ColumnRule(.pressure, ["Stack pressure", "Pressure"]),
        ],
        identifies: { fields in
            fields.contains { $0.text.hasPrefix("Time [") } && fields.contains { $0.text.hasPrefix("Voltage [") }
        })

    /// A per-cycle table, SolidCell's `cycles.csv` among them: a cycle column (`Cycle`,
    /// `Cycle number`, `Cycle Index`, `Cycle Count`, `Cycle C`, `Cyc#`) and discharge capacity
    /// (`Discharge capacity`, `Discharging Capacity`, `Q discharge`, `DChg. Cap`), optionally
    /// charge capacity, each with its unit in the header (A.h, Ah, mA.h, mAh, or specific
    /// mA.h/g, mAh/g, mA.h.g-1). Where a file gives both absolute and specific capacities (as
    /// SolidCell's does) the absolute ones are read.
    static let cycleTable = TableLayout(
        format: .cycleTable, content: .cycles, nativeSign: .dischargePositive,
        rules: [
            ColumnRule(.cycle, ["Cycle", "Cycle number", "Cycle Index", "Cycle Count", "Cycle C", "Cyc#"], required: true),
            ColumnRule(.dischargeCapacity, ["Discharge capacity", "Discharging Capacity", "Q discharge", "DChg. Cap",
                                            "Discharge Cap"], required: true),
            ColumnRule(.chargeCapacity, ["Charge capacity", "Charging Capacity", "Q charge", "Chg. Cap", "Charge Cap"]),
        ],
        identifies: { fields in
            let discharge = ["discharge capacity", "discharging capacity", "q discharge", "dchg. cap", "discharge cap"]
            return fields.contains { discharge.contains($0.name) }
                && !fields.contains { ["time", "test time", "total time"].contains($0.name) }
        })
}
