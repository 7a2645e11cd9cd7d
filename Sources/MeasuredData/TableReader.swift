import Foundation

/// The bound columns of every data row of a file, converted to internal units.
struct TableValues {
    /// One array per binding, in the bindings' order.
    var columns: [[Double]]
    /// Blank lines passed over in the data section.
    var skippedLines = 0

    func column(_ quantity: Quantity, of bindings: [ColumnBinding]) -> [Double]? {
        bindings.firstIndex { $0.quantity == quantity }.map { columns[$0] }
    }
}

/// Streams a delimited file's data rows into the bound columns, checking every cell as it goes.
enum TableReader {
    /// Reads every line from `firstDataLine` (1-based) on. Whitespace-only lines are counted as
    /// skipped; every other line must have a number (or, for a time column, a clock time) in each
    /// bound column. A time column must increase, except that a row may repeat the previous
    /// row's time where its step or cycle number changes (a step switch logged twice).
    static func read(path: String, file: String, firstDataLine: Int, delimiter: UInt8,
                     bindings: [ColumnBinding]) throws -> TableValues {
        var values = TableValues(columns: Array(repeating: [], count: bindings.count))
        let decimalComma = delimiter != UInt8(ascii: ",")
        let limit = (bindings.map(\.index).max() ?? 0) + 1
        let timeIndex = bindings.firstIndex { $0.quantity == .time }
        let counterIndices = bindings.indices.filter { bindings[$0].quantity == .step || bindings[$0].quantity == .cycle }
        var splitter = FieldSplitter(delimiter: delimiter)
        var row = [Double](repeating: 0, count: bindings.count)
        var previous: [Double]?

        try LineReader.forEachLine(path: path, file: file) { line, number in
            guard number >= firstDataLine else { return true }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                values.skippedLines += 1
                return true
            }
            splitter.split(line, limit: limit)
            for (k, binding) in bindings.enumerated() {
                let cell = binding.index < splitter.count ? splitter.field(binding.index, in: line) : UnsafeBufferPointer(start: nil, count: 0)
                row[k] = try parse(cell, binding, decimalComma: decimalComma, file: file, line: number)
            }
            if let t = timeIndex, let previous {
                let time = row[t], last = previous[t]
                if time < last {
                    throw MeasuredDataError(file: file, line: number, column: bindings[t].header,
                                            kind: .timeBackwards(previous: last, time: time))
                }
                if time == last && !counterIndices.contains(where: { row[$0] != previous[$0] }) {
                    throw MeasuredDataError(file: file, line: number, column: bindings[t].header, kind: .duplicatedTime(time))
                }
            }
            for k in row.indices { values.columns[k].append(row[k]) }
            if timeIndex != nil { previous = row }
            return true
        }
        return values
    }

    /// One cell in internal units: charge −1, discharge +1 and anything else 0 for a state letter.
    private static func parse(_ cell: UnsafeBufferPointer<UInt8>, _ binding: ColumnBinding, decimalComma: Bool,
                              file: String, line: Int) throws -> Double {
        func text() -> String { String(decoding: cell, as: UTF8.self) }
        switch binding.quantity {
        case .state:
            switch cell.first {
            case UInt8(ascii: "C"), UInt8(ascii: "c"): return -1
            case UInt8(ascii: "D"), UInt8(ascii: "d"): return 1
            default: return 0
            }
        case .time:
            guard let value = NumberParser.time(cell, scale: binding.unit.scale, decimalComma: decimalComma) else {
                throw MeasuredDataError(file: file, line: line, column: binding.header, kind: .nonNumeric(text()))
            }
            guard value.isFinite else {
                throw MeasuredDataError(file: file, line: line, column: binding.header, kind: .notFinite(text()))
            }
            return value
        default:
            guard let raw = NumberParser.double(cell, decimalComma: decimalComma) else {
                throw MeasuredDataError(file: file, line: line, column: binding.header, kind: .nonNumeric(text()))
            }
            guard raw.isFinite else {
                throw MeasuredDataError(file: file, line: line, column: binding.header, kind: .notFinite(text()))
            }
            if binding.unit.dimension == .count {
                guard raw.rounded() == raw, abs(raw) < 1e15 else {
                    throw MeasuredDataError(file: file, line: line, column: binding.header, kind: .notInteger(text()))
                }
                return raw
            }
            return raw * binding.unit.scale + binding.unit.offset
        }
    }
}
