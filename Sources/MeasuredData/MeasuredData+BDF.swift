extension TableLayout {
    /// Battery Data Format (BDF) CSV, as the `batterydf` package defines it: the header row holds
    /// each quantity's preferred label, `Quantity / unit` (`Test Time / s`, `Voltage / V`,
    /// `Current / A`; optionally `Cycle Count / 1`, `Step Count / 1`, `Unix Time / s`,
    /// `Ambient Temperature / degC`, `Applied Pressure / Pa`), or its machine-readable name
    /// (`test_time_second`, `voltage_volt`, `current_ampere`, `cycle_count`, `step_count`,
    /// `unix_time_second`, `ambient_temperature_celsius`, `applied_pressure_pa`).
    ///
    /// BDF fixes the units; a label with another unit this module knows (`Current / mA`) is
    /// converted rather than refused. BDF's `Step Index / 1` is a sample's position within its
    /// step, not a step number, so it is not read. Current is taken as positive on CHARGE.
    static let bdf = TableLayout(
        format: .bdf, content: .timeSeries, nativeSign: .chargePositive,
        rules: [
            ColumnRule(.time, ["Test Time / s", "Test Time", "test_time_second"], unit: "s", required: true),
            ColumnRule(.voltage, ["Voltage / V", "Voltage", "voltage_volt"], unit: "V", required: true),
            ColumnRule(.current, ["Current / A", "Current", "current_ampere"], unit: "A", required: true),
            ColumnRule(.cycle, ["Cycle Count", "cycle_count"]),
            ColumnRule(.step, ["Step Count", "step_count"]),
            ColumnRule(.unixTime, ["Unix Time", "unix_time_second"], unit: "s"),
            ColumnRule(.temperature, ["Ambient Temperature", "ambient_temperature_celsius"], unit: "degC"),
            ColumnRule(.pressure, ["Applied Pressure", "applied_pressure_pa"], unit: "Pa"),
        ],
        identifies: { fields in
            fields.contains { $0.text.hasPrefix("Test Time /") || $0.name == "test time second" }
        })
}
