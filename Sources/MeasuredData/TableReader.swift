import Foundation

/// The bound columns of every data row of a file, converted to internal units.
struct TableValues {
    /// One array per binding, in the bindings' order.
    var columns: [[Double]]
    /// Blank lines passed over in the data section.
    var skippedLines = 0

    /// Moves a column out (leaving it empty here), so that the caller's array is unique and can
    /// be changed in place without a copy.
    mutating func take(_ quantity: Quantity, of bindings: [ColumnBinding]) -> [Double]? {
        guard let k = bindings.firstIndex(where: { $0.quantity == quantity }) else { return nil }
        defer { columns[k] = [] }
        return columns[k]
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
        // Plain values for the per-cell loop (a binding carries its header string).
        let plans = bindings.map { Plan(index: $0.index, quantity: $0.quantity, unit: $0.unit) }
        let timeIndex = bindings.firstIndex { $0.quantity == .time }
        let counterIndices = bindings.indices.filter { bindings[$0].quantity == .step || bindings[$0].quantity == .cycle }
        var splitter = FieldSplitter(delimiter: delimiter)
        var row = [Double](repeating: 0, count: bindings.count)
        var previousTime = -Double.infinity
        var previousCounters = [Double](repeating: .nan, count: counterIndices.count)
        var first = true

        try LineReader.forEachLine(path: path, file: file) { line, number in
            guard number >= firstDataLine else { return true }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                values.skippedLines += 1
                return true
            }
            splitter.split(line, limit: limit)
            for k in plans.indices {
                let plan = plans[k]
                let cell = plan.index < splitter.count ? splitter.field(plan.index, in: line) : UnsafeBufferPointer(start: nil, count: 0)
                guard let value = parse(cell, plan, decimalComma: decimalComma) else {
                    throw cellError(cell, bindings[k], decimalComma: decimalComma, file: file, line: number)
                }
                row[k] = value
            }
            if let t = timeIndex {
                let time = row[t]
                if !first {
                    if time < previousTime {
                        throw MeasuredDataError(file: file, line: number, column: bindings[t].header,
                                                kind: .timeBackwards(previous: previousTime, time: time))
                    }
                    if time == previousTime && !counterIndices.indices.contains(where: { row[counterIndices[$0]] != previousCounters[$0] }) {
                        throw MeasuredDataError(file: file, line: number, column: bindings[t].header, kind: .duplicatedTime(time))
                    }
                }
                previousTime = time
                for c in counterIndices.indices { previousCounters[c] = row[counterIndices[c]] }
                first = false
            }
            for k in row.indices { values.columns[k].append(row[k]) }
            return true
        }
        return values
    }

    /// What the per-cell loop needs of a binding.
    private struct Plan {
        var index: Int
        var quantity: Quantity
        var unit: Unit
    }

    /// The error for a cell that ``parse(_:_:decimalComma:)`` refused.
    private static func cellError(_ cell: UnsafeBufferPointer<UInt8>, _ binding: ColumnBinding, decimalComma: Bool,
                                  file: String, line: Int) -> MeasuredDataError {
        let text = String(decoding: cell, as: UTF8.self)
        let value = binding.quantity == .time
            ? NumberParser.time(cell, scale: 1, decimalComma: decimalComma) : NumberParser.double(cell, decimalComma: decimalComma)
        let kind: MeasuredDataError.Kind
        if let value, !value.isFinite {
            kind = .notFinite(text)
        } else if let value, binding.unit.dimension == .count, value.rounded() != value || abs(value) >= 1e15 {
            kind = .notInteger(text)
        } else {
            kind = .nonNumeric(text)
        }
        return MeasuredDataError(file: file, line: line, column: binding.header, kind: kind)
    }

    /// One cell in internal units (charge −1, discharge +1 and anything else 0 for a state
    /// letter), or nil where it is not a finite number (a whole one for a counter).
    private static func parse(_ cell: UnsafeBufferPointer<UInt8>, _ plan: Plan, decimalComma: Bool) -> Double? {
        switch plan.quantity {
        case .state:
            switch cell.first {
            case UInt8(ascii: "C"), UInt8(ascii: "c"): return -1
            case UInt8(ascii: "D"), UInt8(ascii: "d"): return 1
            default: return 0
            }
        case .time:
            guard let value = NumberParser.time(cell, scale: plan.unit.scale, decimalComma: decimalComma), value.isFinite else { return nil }
            return value
        default:
            guard let raw = NumberParser.double(cell, decimalComma: decimalComma), raw.isFinite else { return nil }
            if plan.unit.dimension == .count {
                return raw.rounded() == raw && abs(raw) < 1e15 ? raw : nil
            }
            return raw * plan.unit.scale + plan.unit.offset
        }
    }
}
