/// Everything that can be wrong with a measured-data file, as one error whose ``description`` is
/// a single line naming the file, the line (1-based, counted in the file) and the column, e.g.
/// `cell.csv, line 12, column 'Voltage / V': "abc" is not a number`.
public struct MeasuredDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or read (the system's message).
        case unreadable(String)
        /// The file has no bytes, or a header but no data row.
        case emptyFile
        /// No header line of a known format was found in the file's first lines.
        case unknownFormat
        /// The header (its line given) lacks a column the format needs (the column's expected name given).
        case missingColumn
        /// A header's unit is not one this module converts (empty: the header gives none and the
        /// format assumes none).
        case unknownUnit(String)
        /// Two columns give the same quantity in different units (the other column's header).
        case mixedUnits(String)
        /// A cell that should hold a number holds this text (empty for an empty or missing cell).
        case nonNumeric(String)
        /// A cell holds NaN or an infinity.
        case notFinite(String)
        /// A counter column (cycle, step) holds a number that is not a whole number.
        case notInteger(String)
        /// Time went backwards: the previous row's time and this row's [s].
        case timeBackwards(previous: Double, time: Double)
        /// The same time as the previous row without a step change [s].
        case duplicatedTime(Double)
    }

    /// The file's name (last path component).
    public var file: String
    /// 1-based line number in the file, where the problem is on one line.
    public var line: Int?
    /// The column's header text, where the problem is in one column.
    public var column: String?
    public var kind: Kind

    public init(file: String, line: Int? = nil, column: String? = nil, kind: Kind) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
    }

    public var description: String {
        var place = file
        if let line { place += ", line \(line)" }
        if let column { place += ", column '\(column)'" }
        return place + ": " + message
    }

    var message: String {
        switch kind {
        case .unreadable(let reason): "cannot be read (\(reason))"
        case .emptyFile: "no data rows"
        case .unknownFormat: "no header of a known format (BDF, BioLogic, Arbin, Maccor, Neware, SolidCell, cycle table, impedance) in the first lines"
        case .missingColumn: "missing required column"
        case .unknownUnit(let unit): unit.isEmpty ? "no unit in the header" : "unknown unit '\(unit)'"
        case .mixedUnits(let other): "same quantity as column '\(other)' in a different unit (mixed units)"
        case .nonNumeric(let text): text.isEmpty ? "empty cell where a number is needed" : "\"\(text)\" is not a number"
        case .notFinite(let text): "\"\(text)\" is NaN or infinite"
        case .notInteger(let text): "\"\(text)\" is not a whole number"
        case .timeBackwards(let previous, let time): "time goes backwards (\(time) s after \(previous) s)"
        case .duplicatedTime(let time): "duplicated time \(time) s (same as the previous row, without a step change)"
        }
    }
}
