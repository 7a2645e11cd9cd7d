import CellModel
import Foundation

/// Reads the table of a `Run current profile PATH` step: a CSV with a header and two columns,
/// time [s] and current [A, positive on discharge] (`Time [s],Current [A]`), times ascending.
/// The profile starts at its first time (shifted to 0).
public enum CurrentProfileFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(path: String) throws(Problem) -> CurrentProfile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "current profile \"\(path)\": cannot be read (no such file, or not UTF-8 text)")
        }
        var times: [Double] = [], amperes: [Double] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, line) in lines.enumerated().dropFirst() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let t = Double(fields[0]), let i = Double(fields[1]), t.isFinite, i.isFinite else {
                throw Problem(description: "current profile \"\(path)\", line \(number + 1): expected two numbers, time [s] and current [A], found \"\(trimmed)\"")
            }
            if let last = times.last, t <= last {
                throw Problem(description: "current profile \"\(path)\", line \(number + 1): time \(t) s is not after the previous \(last) s")
            }
            times.append(t); amperes.append(i)
        }
        guard times.count >= 2, let first = times.first else {
            throw Problem(description: "current profile \"\(path)\": needs a header line (Time [s],Current [A]) and at least two rows")
        }
        return CurrentProfile(times: times.map { $0 - first }, amperes: amperes)
    }
}
