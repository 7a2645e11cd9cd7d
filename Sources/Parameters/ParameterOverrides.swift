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
            let echo = InputEcho.truncated(assignment)
            guard let (key, value) = split(assignment) else {
                throw ParameterOverrideError("--set \"\(echo)\": expected KEY=VALUE, e.g. --set \"Positive electrode thickness [m]=6e-5\"")
            }
            guard key != "metadata" else {
                throw ParameterOverrideError("--set \"\(echo)\": \"metadata\" is the model file's description, not a parameter; "
                                             + "allowed: a parameter key (see `solidcell models NAME`)")
            }
            do {
                try set.override(key, with: value)
            } catch {
                throw ParameterOverrideError("--set \"\(echo)\": \(error)")
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
    /// The longest echo of user text in a message, in characters.
    public static let echoLimit = 80

    /// `text`, cut to ``echoLimit`` characters with "…" when longer (a 100 000-character key is
    /// not printed in full), on one line.
    public static func truncated(_ text: String, limit: Int = echoLimit) -> String {
        let line = singleLine(text)
        guard line.count > limit else { return line }
        return String(line.prefix(limit - 1)) + "… (\(text.count) characters)"
    }

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
