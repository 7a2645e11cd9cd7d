extension TableLayout {
    /// Neware (BTS) CSV export: `Total Time` (test time; Neware's `Time` is the step time and is
    /// not read), `Voltage(V)`, `Current(A)` or `Current(mA)`, `Cycle Index`, `Step Index`,
    /// optionally `Temperature(°C)`. Total time is a clock time (`hh:mm:ss.s` or
    /// `d-hh:mm:ss`) or, with a unit, a number. Current is positive on CHARGE (discharge
    /// currents are logged negative).
    static let neware = TableLayout(
        format: .neware, content: .timeSeries, nativeSign: .chargePositive,
        rules: [
            ColumnRule(.time, ["Total Time", "TotalTime", "Test Time"], unit: "s", required: true),
            ColumnRule(.voltage, ["Voltage(V)", "Voltage"], unit: "V", required: true),
            ColumnRule(.current, ["Current(A)", "Current"], unit: "A", required: true),
            ColumnRule(.cycle, ["Cycle Index", "Cycle"]),
            ColumnRule(.step, ["Step Index", "Step"]),
            ColumnRule(.temperature, ["Temperature"], unit: "degC"),
        ],
        identifies: { fields in
            (fields.has("total time") || fields.has("totaltime")) && fields.has("voltage")
        })
}
