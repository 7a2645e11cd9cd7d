import Foundation

/// Reads measured data files: detects the format from the header (or takes the one given), binds
/// the columns the format names, converts units and the current's sign, and streams the rows.
public enum MeasuredDataReader {
    /// How many of a file's first lines (at most 256 KiB of them) are searched for its column header.
    public static let headerSearchLines = 500

    /// Reads the file at `url`.
    /// - Parameters:
    ///   - format: the file's format; nil detects it from the header (see ``detectFormat(url:)``).
    ///   - currentSign: the convention of the file's current column; nil takes the format's own
    ///     (SolidCell's files: positive on discharge; every cycler format: positive on charge,
    ///     Maccor's from its mode column where it has one).
    /// - Returns: the file's time series, cycle table or impedance spectrum, in this module's
    ///   units with current positive on discharge.
    /// - Throws: ``MeasuredDataError`` naming the file, line and column of the first problem.
    public static func read(url: URL, format: MeasuredDataFormat? = nil, currentSign: CurrentSign? = nil) throws -> MeasuredDataset {
        let file = url.lastPathComponent
        let path = url.path
        let header = try locateHeader(path: path, file: file, format: format)
        let layout = header.layout
        var bindings = try layout.bind(header.fields, file: file, headerLine: header.line)
        if layout.content == .impedance && !bindings.contains(where: { $0.quantity == .minusImaginaryImpedance }) {
            guard bindings.contains(where: { $0.quantity == .imaginaryImpedance }) else {
                throw MeasuredDataError(file: file, line: header.line, column: "-Im(Z)", kind: .missingColumn)
            }
        }
        if bindings.contains(where: { $0.quantity == .minusImaginaryImpedance }) {
            bindings.removeAll { $0.quantity == .imaginaryImpedance }
        }
        var values = try TableReader.read(path: path, file: file, firstDataLine: header.line + 1,
                                          delimiter: header.delimiter, bindings: bindings)
        guard let rows = values.columns.first?.count, rows > 0 else {
            throw MeasuredDataError(file: file, kind: .emptyFile)
        }
        let sign = currentSign ?? layout.nativeSign
        let source = MeasuredSource(file: file, format: layout.format, currentSign: sign,
                                    headerLines: header.line, skippedLines: values.skippedLines)
        func column(_ quantity: Quantity) -> [Double]? { values.take(quantity, of: bindings) }
        func counter(_ quantity: Quantity) -> [Int]? { column(quantity)?.map { Int($0) } }

        switch layout.content {
        case .timeSeries:
            var current = column(.current) ?? []
            if currentSign == nil, let state = column(.state) {
                // Maccor: the mode letter gives the direction (+1 discharge, −1 charge); other
                // letters keep the logged value in the format's own convention.
                let factor = layout.nativeSign.toDischargePositive
                for k in current.indices {
                    current[k] = state[k] == 0 ? factor * current[k] : state[k] * abs(current[k])
                }
            } else {
                let factor = sign.toDischargePositive
                for k in current.indices { current[k] *= factor }
            }
            return .timeSeries(MeasuredTimeSeries(
                time: column(.time) ?? [], voltage: column(.voltage) ?? [], current: current,
                cycle: counter(.cycle), step: counter(.step), temperature: column(.temperature),
                pressure: column(.pressure), unixTime: column(.unixTime), source: source))
        case .cycles:
            guard let discharge = bindings.first(where: { $0.quantity == .dischargeCapacity }) else {
                throw MeasuredDataError(file: file, line: header.line, column: "Discharge capacity", kind: .missingColumn)
            }
            if let charge = bindings.first(where: { $0.quantity == .chargeCapacity }),
               charge.unit.dimension != discharge.unit.dimension {
                throw MeasuredDataError(file: file, line: header.line, column: charge.header, kind: .mixedUnits(discharge.header))
            }
            return .cycles(MeasuredCycleTable(
                cycle: counter(.cycle) ?? [], dischargeCapacity: column(.dischargeCapacity) ?? [],
                chargeCapacity: column(.chargeCapacity),
                capacityUnit: discharge.unit.dimension == .specificCapacity ? .milliampereHoursPerGram : .ampereHours,
                source: source))
        case .impedance:
            let minusImaginary = column(.minusImaginaryImpedance) ?? (column(.imaginaryImpedance) ?? []).map { -$0 }
            return .impedance(MeasuredImpedanceSpectrum(
                frequency: column(.frequency) ?? [], real: column(.realImpedance) ?? [],
                minusImaginary: minusImaginary, source: source))
        }
    }

    /// The format of the file at `url`, from its first lines: BioLogic by its `EC-Lab ASCII FILE`
    /// / `Nb header lines` preamble, the others by the first line (of the first
    /// ``headerSearchLines``) whose column names one of them identifies, tried in the order
    /// SolidCell time series, impedance CSV, BDF, Arbin, Neware, Maccor, cycle table.
    public static func detectFormat(url: URL) throws -> MeasuredDataFormat {
        try locateHeader(path: url.path, file: url.lastPathComponent, format: nil).layout.format
    }

    struct Header {
        var layout: TableLayout
        /// 1-based line number of the column header.
        var line: Int
        var fields: [HeaderField]
        var delimiter: UInt8
    }

    static func locateHeader(path: String, file: String, format: MeasuredDataFormat?) throws -> Header {
        let head = try LineReader.head(path: path, file: file, maxLines: headerSearchLines)
        guard head.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw MeasuredDataError(file: file, kind: .emptyFile)
        }
        func header(at index: Int, _ layouts: [TableLayout]) -> Header? {
            let delimiter = FieldSplitter.delimiter(of: head[index])
            let fields = FieldSplitter.fields(of: head[index], delimiter: delimiter).map(HeaderField.init)
            guard let layout = layouts.first(where: { $0.identifies(fields) }) else { return nil }
            return Header(layout: layout, line: index + 1, fields: fields, delimiter: delimiter)
        }
        if format == nil || format == .bioLogic, let line = BioLogicHeader.headerLine(in: head) {
            guard line <= head.count else {
                throw MeasuredDataError(file: file, line: 2, kind: .unreadable("'Nb header lines' is \(line), past the file's first lines"))
            }
            if let found = header(at: line - 1, [.bioLogicImpedance, .bioLogic]) { return found }
            let fields = FieldSplitter.fields(of: head[line - 1], delimiter: UInt8(ascii: "\t")).map(HeaderField.init)
            return Header(layout: .bioLogic, line: line, fields: fields, delimiter: UInt8(ascii: "\t"))
        }
        let layouts = format.map { $0 == .bioLogic ? [.bioLogicImpedance, .bioLogic] : [TableLayout.layout(for: $0)] }
            ?? TableLayout.detectionOrder
        for index in head.indices {
            if let found = header(at: index, layouts) { return found }
        }
        guard let format else { throw MeasuredDataError(file: file, kind: .unknownFormat) }
        // The format was given but no line looks like its header: take the first non-blank line,
        // so that the missing column is what the error names.
        let index = head.firstIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? 0
        let delimiter = FieldSplitter.delimiter(of: head[index])
        return Header(layout: .layout(for: format), line: index + 1,
                      fields: FieldSplitter.fields(of: head[index], delimiter: delimiter).map(HeaderField.init), delimiter: delimiter)
    }
}
