import Foundation

/// Edits of a bundled model file's text that keep everything else as it is — key order, layout,
/// prose — so that a calibration changes only the lines it sets: a top-level number, and an entry
/// of `metadata.fitted`. The files are laid out as the bundled ones are (two spaces per level, one
/// key per line); a file laid out otherwise is refused rather than rewritten.
public enum ModelFileEdit {
    /// The text with the top-level number `key` set to `value` (six significant digits).
    public static func settingNumber(_ key: String, to value: Double, in text: String, path: String) throws(ModelFileError) -> String {
        var lines = text.components(separatedBy: "\n")
        let prefix = "  " + jsonString(key) + ": "
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else {
            throw ModelFileError(path: path, message: "no top-level line \(prefix.trimmingCharacters(in: .whitespaces)) to set")
        }
        let rest = lines[index].dropFirst(prefix.count)
        let comma = rest.hasSuffix(",")
        guard Double(comma ? String(rest.dropLast()) : String(rest)) != nil else {
            throw ModelFileError(path: path, message: "\(jsonString(key)) is not a number on its line, so it is not set")
        }
        lines[index] = prefix + format(value) + (comma ? "," : "")
        return try checked(lines.joined(separator: "\n"), path: path) { root in
            (root[key] as? NSNumber)?.doubleValue == Double(format(value))
        }
    }

    /// The text with `metadata.fitted[key]` set to `note` (added as the object's first entry when absent).
    public static func settingFittedNote(_ key: String, to note: String, in text: String, path: String) throws(ModelFileError) -> String {
        var lines = text.components(separatedBy: "\n")
        guard let open = lines.firstIndex(of: "    \"fitted\": {") else {
            throw ModelFileError(path: path, message: "no \"fitted\": { line in metadata to add the fit to")
        }
        let prefix = "      " + jsonString(key) + ": "
        let entry = prefix + jsonString(note)
        var index = open + 1
        while index < lines.count, !lines[index].hasPrefix("    }"), !lines[index].hasPrefix(prefix) { index += 1 }
        if index < lines.count, lines[index].hasPrefix(prefix) {
            lines[index] = entry + (lines[index].hasSuffix(",") ? "," : "")
        } else {
            lines.insert(entry + (lines[open + 1].hasPrefix("    }") ? "" : ","), at: open + 1)
        }
        return try checked(lines.joined(separator: "\n"), path: path) { root in
            ((root["metadata"] as? [String: Any])?["fitted"] as? [String: Any])?[key] as? String == note
        }
    }

    /// A fitted value as the model files hold it: six significant digits.
    public static func format(_ value: Double) -> String { String(format: "%.6g", value) }

    static func jsonString(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).flatMap { String(data: $0, encoding: .utf8) } ?? "\"\""
    }

    /// The edited text, once it parses and holds what was set.
    private static func checked(_ text: String, path: String, holds: ([String: Any]) -> Bool) throws(ModelFileError) -> String {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], holds(root) else {
            throw ModelFileError(path: path, message: "the edit did not give valid JSON holding the new value (is the file laid out as the bundled ones?)")
        }
        return text
    }
}
