extension TableLayout {
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
