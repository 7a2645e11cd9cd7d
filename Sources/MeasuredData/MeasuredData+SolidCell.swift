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
}
