import CellPhysics
import Foundation

/// One value of a model file: a number, a name (of a built-in function, a law or a material),
/// a list or a nested table.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case list([ParameterValue])
    case table([String: ParameterValue])

    public var description: String {
        switch self {
        case .number(let x): return "\(x)"
        case .text(let s): return "\"\(s)\""
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .table(let entries):
            return "{" + entries.keys.sorted().map { "\"\($0)\": \(entries[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

/// The parameters of a cell, keyed PyBaMM-style with units in brackets
/// (`"Positive electrode thickness [m]"`). A quantity PyBaMM also has keeps PyBaMM's key.
public struct ParameterSet: Equatable, Sendable {
    public var values: [String: ParameterValue]

    public init(_ values: [String: ParameterValue] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> ParameterValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Applies a `KEY=VALUE` override. A value that parses as a number is a number, otherwise text
    /// (text where the set has a number is refused). A key the set lacks is added: optional keys
    /// (a degradation law, double-layer capacities, …) can be switched on from the command line.
    /// A typo is not silently accepted: ``CellParameters`` rejects keys the model does not read,
    /// naming the closest one it does.
    public mutating func override(_ key: String, with text: String) throws(ParameterError) {
        let existing = values[key]
        let trimmed = text.trimmingCharacters(in: " \t")
        if let number = Double(trimmed) {
            // Swift reads "0x12C" (hexadecimal) as a number; a parameter is written in decimal.
            // (inf and nan go on to the readers' range checks, which refuse them.)
            guard Self.isDecimalNumber(trimmed) || !number.isFinite else {
                throw ParameterError(key: key, value: text, allowed: "a decimal number such as 298.15 or 2.5e-5",
                                     problem: "not a decimal number (hexadecimal is not accepted)")
            }
            values[key] = .number(number)
        } else if case .number? = existing {
            throw ParameterError(key: key, value: text, allowed: "a number", problem: "not a number")
        } else {
            values[key] = .text(trimmed)
        }
    }
}

extension ParameterSet {
    /// Whether `text` is a decimal number: optional sign, digits with an optional point, optional
    /// exponent (`12`, `-0.5`, `.5`, `2.5e-5`), as JSON writes numbers.
    static func isDecimalNumber(_ text: String) -> Bool {
        var characters = Substring(text)
        if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
        let mantissa = characters.prefix { $0 != "e" && $0 != "E" }
        let exponent = characters.dropFirst(mantissa.count)
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.contains(where: { !$0.isEmpty }),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        guard !exponent.isEmpty else { return true }
        var digits = exponent.dropFirst()
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

/// A rejected model parameter: which key, the value given, and what is allowed.
public struct ParameterError: Error, Equatable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var allowed: String
    public var problem: String

    public init(key: String, value: String, allowed: String, problem: String = "invalid value") {
        self.key = key
        self.value = value
        self.allowed = allowed
        self.problem = problem
    }

    /// One line: line breaks in user text are shown escaped.
    public var description: String {
        func line(_ text: String) -> String { InputEcho.truncated(text) }
        // (The key and value are the user's, echoed cut short; the allowed text is the model's own.)
        return "parameter \"\(line(key))\": \(problem) (got \(line(value)); allowed: \(InputEcho.singleLine(allowed)))"
    }

    /// " (did you mean "X"?)" for the closest known key by edit distance, or "".
    static func suggestion(for key: String, among candidates: [String]) -> String {
        closest(to: key, among: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }

    /// The candidate closest to `key` by edit distance (ignoring case), when close enough to be a
    /// misspelling of it.
    public static func closest(to key: String, among candidates: [String]) -> String? {
        guard key.count < 1000 else { return nil }
        let lowered = Array(key.lowercased())
        var best: (String, Int)?
        for candidate in candidates where candidate.count < 1000 {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            if distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best, distance <= max(3, key.count / 4) else { return nil }
        return candidate
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Reads typed, range-checked values out of a ParameterSet and remembers which keys were used,
/// so that keys nothing reads can be reported as unknown.
public struct ParameterReader {
    public let parameters: ParameterSet
    private(set) var used: Set<String> = []

    public init(_ parameters: ParameterSet) {
        self.parameters = parameters
    }

    /// Keys present in the set that no reader asked for.
    public var unusedKeys: [String] {
        parameters.values.keys.filter { !used.contains($0) }.sorted()
    }

    /// Throws for the first key nothing read, suggesting the closest key that was read.
    public func rejectUnknownKeys() throws(ParameterError) {
        guard let key = unusedKeys.first else { return }
        throw ParameterError(key: key, value: parameters[key]!.description,
                             allowed: "a key this model uses" + ParameterError.suggestion(for: key, among: Array(used)),
                             problem: "unknown key")
    }

    private mutating func value(_ key: String) throws(ParameterError) -> ParameterValue {
        used.insert(key)
        guard let value = parameters[key] else {
            // A misspelt key is not read by anything: name the closest such key the file has.
            let unread = unusedKeys.filter { $0 != "metadata" }
            let suggestion = ParameterError.closest(to: key, among: unread)
            throw ParameterError(key: key, value: "nothing", allowed: "a value must be given",
                                 problem: suggestion.map { "missing; the file has \"\(InputEcho.truncated($0))\", did you mean \"\(key)\"?" }
                                     ?? "missing key")
        }
        return value
    }

    /// Whether the key is present (marks it as known; an absent key is catalogued as optional).
    public mutating func has(_ key: String) -> Bool {
        used.insert(key)
        optionalKeys.insert(key)
        if !catalogue.contains(where: { $0.key == key }) {
            catalogue.append(ParameterEntry(key: key, value: parameters[key], allowed: "", requirement: .optional))
        }
        return parameters[key] != nil
    }

    /// Every key read so far, in reading order, with what it allows: the listing of
    /// `solidcell models NAME` comes from here, so the ranges are the readers' own.
    public private(set) var catalogue: [ParameterEntry] = []
    /// Keys asked about with ``has(_:)`` (optional ones), so their entry says so.
    private var optionalKeys: Set<String> = []

    /// Records what `key` allows as it is read.
    private mutating func log(_ key: String, _ value: ParameterValue?, allowed: String, range: ClosedRange<Double>? = nil,
                              function: Bool = false) {
        let requirement: ParameterEntry.Requirement = function ? .function : (optionalKeys.contains(key) ? .optional : .required)
        let entry = ParameterEntry(key: key, value: value, allowed: allowed, requirement: requirement, range: range)
        if let index = catalogue.firstIndex(where: { $0.key == key }) {
            catalogue[index] = entry
        } else {
            catalogue.append(entry)
        }
    }

    /// A finite number satisfying `range`, described in messages as `allowed`.
    public mutating func number(_ key: String, in range: ClosedRange<Double>, allowed: String? = nil,
                                excludingLowerBound: Bool = false) throws(ParameterError) -> Double {
        let allowedText = allowed ?? (excludingLowerBound
            ? "a number > \(range.lowerBound) and ≤ \(range.upperBound)"
            : "a number from \(range.lowerBound) to \(range.upperBound)")
        log(key, parameters[key], allowed: allowedText, range: range)
        let raw = try value(key)
        guard case .number(let x) = raw else {
            throw ParameterError(key: key, value: raw.description, allowed: allowedText, problem: "not a number")
        }
        guard x.isFinite, range.contains(x), !(excludingLowerBound && x == range.lowerBound) else {
            throw ParameterError(key: key, value: raw.description, allowed: allowedText, problem: "out of range")
        }
        return x
    }

    /// A positive number from `minimum` (by default 10⁻¹² of the maximum: no physical quantity of
    /// a cell spans more) to `maximum`.
    public mutating func positive(_ key: String, atMost maximum: Double, atLeast minimum: Double? = nil) throws(ParameterError) -> Double {
        let lower = minimum ?? maximum * 1e-12
        return try number(key, in: lower...maximum, allowed: "a number from \(lower) to \(maximum)")
    }

    /// A whole number in `range`.
    public mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(ParameterError) -> Int {
        let allowedText = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        let x = try number(key, in: Double(range.lowerBound)...Double(range.upperBound), allowed: allowedText)
        log(key, parameters[key], allowed: allowedText)
        guard x == x.rounded() else {
            throw ParameterError(key: key, value: "\(x)", allowed: allowedText, problem: "not a whole number")
        }
        return Int(x)
    }

    /// A number, or the name of a built-in function from `choices`.
    public mutating func numberOrFunction(_ key: String, in range: ClosedRange<Double>,
                                          functions choices: [String]) throws(ParameterError) -> NumberOrFunction {
        let allowedText = "a number from \(range.lowerBound) to \(range.upperBound)"
            + (choices.isEmpty ? "" : ", or one of: " + choices.map { "\"\($0)\"" }.joined(separator: ", "))
        if case .text? = parameters[key] { log(key, parameters[key], allowed: allowedText, function: true) } else {
            log(key, parameters[key], allowed: allowedText, range: range)
        }
        let raw = try value(key)
        switch raw {
        case .number(let x) where x.isFinite && range.contains(x) && x > 0:
            return .number(x)
        case .text(let name) where choices.contains(name):
            return .function(name)
        default:
            throw ParameterError(key: key, value: raw.description, allowed: allowedText)
        }
    }

    /// The name of a built-in function from `choices`.
    public mutating func function(_ key: String, choices: [String]) throws(ParameterError) -> String {
        log(key, parameters[key], allowed: "one of: " + choices.map { "\"\($0)\"" }.joined(separator: ", "), function: true)
        let raw = try value(key)
        guard case .text(let name) = raw, choices.contains(name) else {
            throw ParameterError(key: key, value: raw.description,
                                 allowed: "one of: " + choices.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        return name
    }
}

public enum NumberOrFunction: Equatable, Sendable {
    case number(Double)
    case function(String)
}

/// One parameter as a model reads it: its key, the value the set gives (nil when absent), what
/// the reader allows, and whether it is required, optional (read only when present) or a
/// built-in function (named by text). `range` is the interval a real-valued number must lie in
/// (nil for whole numbers, names and tables, which cannot be varied continuously).
public struct ParameterEntry: Sendable, Equatable {
    public enum Requirement: String, Sendable { case required, optional, function = "built-in function" }
    public var key: String
    public var value: ParameterValue?
    public var allowed: String
    public var requirement: Requirement
    public var range: ClosedRange<Double>?

    public init(key: String, value: ParameterValue?, allowed: String, requirement: Requirement, range: ClosedRange<Double>? = nil) {
        self.key = key
        self.value = value
        self.allowed = allowed
        self.requirement = requirement
        self.range = range
    }
}
