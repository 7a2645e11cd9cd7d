/// How one format's table is recognised and which of its columns are read.
struct TableLayout: Sendable {
    /// What the table's rows are.
    enum Content: Sendable { case timeSeries, cycles, impedance }

    var format: MeasuredDataFormat
    var content: Content
    /// The convention of the format's current column.
    var nativeSign: CurrentSign
    var rules: [ColumnRule]
    /// True for a header line of this format (its fields split and normalised).
    var identifies: @Sendable ([HeaderField]) -> Bool

    /// Binds every rule to the header's columns; a missing required column or a unit problem throws.
    func bind(_ fields: [HeaderField], file: String, headerLine: Int) throws -> [ColumnBinding] {
        try rules.compactMap { try $0.bind(fields, file: file, headerLine: headerLine) }
    }

    /// The layouts tried on a header, in order (the first that identifies it reads the file).
    /// BioLogic's `.mpt` files are recognised by their first lines instead (see `BioLogic`).
    static let detectionOrder: [TableLayout] = [.solidCell, .impedanceCSV, .bdf, .arbin, .neware, .maccor, .cycleTable]

    /// The layout that reads `format` (for BioLogic, its cycling log; a spectrum is chosen by its columns).
    static func layout(for format: MeasuredDataFormat) -> TableLayout {
        switch format {
        case .bdf: .bdf
        case .bioLogic: .bioLogic
        case .arbin: .arbin
        case .maccor: .maccor
        case .neware: .neware
        case .solidCell: .solidCell
        case .cycleTable: .cycleTable
        case .impedanceCSV: .impedanceCSV
        }
    }
}

extension [HeaderField] {
    /// True where a column has this (normalised) name.
    func has(_ name: String) -> Bool { contains { $0.name == name } }
    /// True where a column has this name and gives a unit.
    func has(_ name: String, withUnit: Bool) -> Bool { contains { $0.name == name && ($0.unit != nil) == withUnit } }
}
