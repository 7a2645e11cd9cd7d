extension TableLayout {
    /// Maccor export: `Test Time` (seconds, or a clock time `hh:mm:ss.s`, `d-hh:mm:ss`,
    /// `1d 02:03:04`), `Voltage`, `Current` (also `Volts`, `Amps`, `Test (Sec)`), `Cycle C` (or
    /// `Cyc#`), `Step`, and the mode letter `MD` (or `State`), optionally `Temp 1`.
    ///
    /// Sign convention (assumed from public descriptions of Maccor exports, which log the
    /// current's magnitude with the direction in the mode column): where the file has `MD` or
    /// `State`, `D` means discharge (current made positive), `C` charge (made negative) and any
    /// other letter (`R` rest, `O`, `S`, …) keeps the logged value as a charge-positive current.
    /// Without a mode column the current is read as signed, positive on CHARGE. An explicit
    /// ``CurrentSign`` given to the reader overrides both and the mode column is ignored.
    static let maccor = TableLayout(
        format: .maccor, content: .timeSeries, nativeSign: .chargePositive,
        rules: [
            ColumnRule(.time, ["Test Time", "Test", "TestTime"], unit: "s", required: true),
            ColumnRule(.voltage, ["Voltage", "Volts"], unit: "V", required: true),
            ColumnRule(.current, ["Current", "Amps"], unit: "A", required: true),
            ColumnRule(.cycle, ["Cycle C", "Cyc#", "Cycle"]),
            ColumnRule(.step, ["Step"]),
            ColumnRule(.state, ["MD", "State"]),
            ColumnRule(.temperature, ["Temp 1", "Temperature"], unit: "degC"),
        ],
        identifies: { fields in
            (fields.has("cycle c") || fields.has("cyc#") || fields.has("md") || fields.has("state")
                || fields.has("test time", withUnit: false))
                && (fields.has("voltage") || fields.has("volts"))
        })
}
