extension TableLayout {
    /// A plain CSV impedance spectrum: SolidCell's `impedance.csv` (`Frequency [Hz]`,
    /// `Re(Z) [Ohm]`, `-Im(Z) [Ohm]`), or the same quantities named BioLogic's way (`freq/Hz`,
    /// `Re(Z)/Ohm`, `-Im(Z)/Ohm`); a column `Im(Z)` is negated.
    static let impedanceCSV = TableLayout(
        format: .impedanceCSV, content: .impedance, nativeSign: .dischargePositive,
        rules: impedanceRules,
        identifies: { fields in fields.has("frequency") || fields.has("freq") })

    static let impedanceRules = [
        ColumnRule(.frequency, ["Frequency [Hz]", "Frequency", "freq"], unit: "Hz", required: true),
        ColumnRule(.realImpedance, ["Re(Z) [Ohm]", "Re(Z)"], unit: "Ohm", required: true),
        ColumnRule(.minusImaginaryImpedance, ["-Im(Z) [Ohm]", "-Im(Z)"], unit: "Ohm"),
        ColumnRule(.imaginaryImpedance, ["Im(Z) [Ohm]", "Im(Z)"], unit: "Ohm"),
    ]
}
