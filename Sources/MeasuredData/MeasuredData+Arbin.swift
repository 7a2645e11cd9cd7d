extension TableLayout {
    /// Arbin CSV export: `Test Time (s)` (or `Test_Time(s)`), `Voltage (V)`, `Current (A)`,
    /// `Cycle Index`, `Step Index`, optionally `Temperature (C)`. Current is positive on CHARGE
    /// (Arbin's convention: discharge currents are logged negative). Test time may be in
    /// seconds or a clock time (`hh:mm:ss.s`, `d-hh:mm:ss`).
    static let arbin = TableLayout(
        format: .arbin, content: .timeSeries, nativeSign: .chargePositive,
        rules: [
            ColumnRule(.time, ["Test Time (s)", "Test Time"], unit: "s", required: true),
            ColumnRule(.voltage, ["Voltage (V)", "Voltage"], unit: "V", required: true),
            ColumnRule(.current, ["Current (A)", "Current"], unit: "A", required: true),
            ColumnRule(.cycle, ["Cycle Index"]),
            ColumnRule(.step, ["Step Index"]),
            ColumnRule(.temperature, ["Temperature", "Aux Temperature 1"], unit: "degC"),
        ],
        identifies: { fields in
            fields.has("test time", withUnit: true) && fields.has("cycle index") && !fields.has("total time")
        })
}
