import CellPhysics
import Foundation

/// `KEY=VALUE` model overrides, parsed exactly as `solidcell simulate --set` parses them.
public enum ParameterOverrides {
    /// Splits `KEY=VALUE` at the first `=`; the key is trimmed of white space, the value is kept
    /// as written (``ParameterSet/override(_:with:)`` trims it). Nil without `=`.
    public static func split(_ assignment: String) -> (key: String, value: String)? {
        guard let equals = assignment.firstIndex(of: "=") else { return nil }
        return (String(assignment[..<equals]).trimmingCharacters(in: .whitespaces),
                String(assignment[assignment.index(after: equals)...]))
    }

    /// Applies `--set` assignments in order through ``ParameterSet/override(_:with:)``.
    public static func apply(_ assignments: [String], to set: inout ParameterSet) throws(ParameterOverrideError) {
        for assignment in assignments {
            guard let (key, value) = split(assignment) else {
                throw ParameterOverrideError("--set \"\(assignment)\": expected KEY=VALUE, e.g. --set \"Positive electrode thickness [m]=6e-5\"")
            }
            do {
                try set.override(key, with: value)
            } catch {
                throw ParameterOverrideError("--set \"\(assignment)\": \(error)")
            }
        }
    }
}

/// A `--set` assignment that cannot be applied: not `KEY=VALUE`, an unknown key or a value the key
/// does not allow. The message names the assignment and is kept on one line.
public struct ParameterOverrideError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = InputEcho.singleLine(message) }
    public var description: String { message }
}

/// How error messages echo what a user typed.
public enum InputEcho {
    /// `text` on one line: line breaks and other control characters are written as escapes
    /// (`\n`, `\r`, `\u{0}`); tabs are kept.
    public static func singleLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result.unicodeScalars.append(scalar)
            default:
                if scalar.properties.generalCategory == .control {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
