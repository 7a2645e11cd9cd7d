import CellModel
import Foundation

/// Reads the table of a `Run current|power|voltage profile PATH` step: a CSV with a header and two
/// columns, time [s] and the quantity — current [A] or power [W], positive on discharge, or terminal
/// voltage [V] (`Time [s],Current [A]`, `Time [s],Power [W]`, `Time [s],Voltage [V]`) — times
/// ascending. The profile starts at its first time (shifted to 0). A header whose second column names
/// another of the three quantities than the step's is refused.
public enum ProfileFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Units of each quantity's column.
    static let units: [ControlProfile.Quantity: String] = [.current: "A", .power: "W", .voltage: "V"]

    public static func read(path: String, quantity: ControlProfile.Quantity = .current) throws(Problem) -> ControlProfile {
        let name = "\(quantity.rawValue) profile \"\(path)\""
        let column = "\(quantity.rawValue.capitalized) [\(units[quantity]!)]"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "\(name): cannot be read (no such file, or not UTF-8 text)")
        }
        var times: [Double] = [], values: [Double] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if let header = lines.first {
            let second = header.split(separator: ",").dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if let other = ControlProfile.Quantity.allCases.first(where: { $0 != quantity && second.hasPrefix($0.rawValue) }) {
                throw Problem(description: "\(name): its header names \(other.rawValue) (\"\(second)\"), the step a \(quantity.rawValue) "
                              + "profile (allowed: a second column \"\(column)\")")
            }
        }
        for (number, line) in lines.enumerated().dropFirst() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let t = Double(fields[0]), let x = Double(fields[1]), t.isFinite, x.isFinite else {
                throw Problem(description: "\(name), line \(number + 1): expected two numbers, time [s] and \(column), found \"\(trimmed)\"")
            }
            if let last = times.last, t <= last {
                throw Problem(description: "\(name), line \(number + 1): time \(t) s is not after the previous \(last) s")
            }
            if quantity == .voltage && x <= 0 {
                throw Problem(description: "\(name), line \(number + 1): voltage \(x) V (allowed: a positive terminal voltage)")
            }
            times.append(t); values.append(x)
        }
        guard times.count >= 2, let first = times.first else {
            throw Problem(description: "\(name): needs a header line (Time [s],\(column)) and at least two rows")
        }
        return ControlProfile(quantity, times: times.map { $0 - first }, values: values)
    }
}
