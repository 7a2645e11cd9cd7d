import Foundation

extension TableLayout {
    /// A BioLogic EC-Lab / BT-Lab text export (`.mpt`) of a cycling technique: tab-separated
    /// columns `time/s`, `Ecell/V` (or `Ewe/V`, `<Ewe>/V`), `I/mA` (or `<I>/mA`, any current
    /// unit), optionally `cycle number`, `Ns` (the sequence number, read as the step) and
    /// `Temperature/°C`. Current is positive for an oxidation at the working electrode, which
    /// is CHARGE when the working electrode is the cathode (the usual full-cell wiring).
    /// Decimal commas are accepted (tab-separated).
    static let bioLogic = TableLayout(
        format: .bioLogic, content: .timeSeries, nativeSign: .chargePositive,
        rules: [
            ColumnRule(.time, ["time/s", "time"], unit: "s", required: true),
            ColumnRule(.voltage, ["Ecell/V", "Ecell", "Ewe", "<Ewe>", "U"], unit: "V", required: true),
            ColumnRule(.current, ["I/mA", "I", "<I>"], unit: "mA", required: true),
            ColumnRule(.cycle, ["cycle number"]),
            ColumnRule(.step, ["Ns"]),
            ColumnRule(.temperature, ["Temperature", "Temp"], unit: "degC"),
        ],
        identifies: { fields in fields.has("time") && (fields.has("ewe") || fields.has("ecell") || fields.has("<ewe>")) })

    /// A BioLogic impedance export (`freq/Hz`, `Re(Z)/Ohm`, `-Im(Z)/Ohm`).
    static let bioLogicImpedance = TableLayout(
        format: .bioLogic, content: .impedance, nativeSign: .dischargePositive,
        rules: impedanceRules,
        identifies: { fields in fields.has("freq") })
}

/// Where a BioLogic `.mpt` file's column header is.
enum BioLogicHeader {
    /// The 1-based line of the column header when `head` (the file's first lines) is a BioLogic
    /// text export, else nil. EC-Lab writes `EC-Lab ASCII FILE` (or `BT-Lab ASCII FILE`) on the
    /// first line and `Nb header lines : N` on the second, where N counts every line up to and
    /// including the column header; lines in between are comments. An export without that
    /// preamble is recognised by a tab-separated header with `time/s` or `freq/Hz`.
    static func headerLine(in head: [String]) -> Int? {
        for line in head.prefix(3) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, HeaderField.normalise(String(parts[0])) == "nb header lines",
               let count = Int(parts[1].trimmingCharacters(in: .whitespaces)), count >= 1 {
                return count
            }
        }
        guard let first = head.first, first.contains("ASCII FILE") || first.hasPrefix("time/s\t") || first.hasPrefix("freq/Hz\t") else {
            return nil
        }
        return head.firstIndex { $0.hasPrefix("time/s\t") || $0.hasPrefix("freq/Hz\t") || $0.contains("\ttime/s\t") }.map { $0 + 1 }
    }
}
