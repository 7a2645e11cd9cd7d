import CellPhysics
import Foundation

/// A model file: JSON whose keys are PyBaMM-style parameter names with units, plus a `"metadata"`
/// block (name, description, sources).
public struct ModelFile: Sendable {
    public var path: String
    public var parameters: ParameterSet

    public var name: String {
        if case .table(let metadata)? = parameters["metadata"], case .text(let name)? = metadata["name"] { return name }
        return (path as NSString).lastPathComponent
    }

    /// Reads and parses a model file; the message of a failure names the file and what is wrong.
    public static func load(path: String) throws(ModelFileError) -> ModelFile {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            throw ModelFileError(path: path, message: "is a folder, not a model file (give a .json file or the name of a bundled model)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(path: path, message: exists ? "cannot read the file (permission denied or unreadable)"
                                 : "cannot read the file (no such file)")
        }
        return try parse(data, path: path)
    }

    /// The file's cell parameters with command-line `KEY=VALUE` overrides applied and validated.
    public func parameters(overriding overrides: [String]) throws -> CellParameters {
        var set = parameters
        try ParameterOverrides.apply(overrides, to: &set)
        return try CellParameters(set)
    }

    /// Parses model JSON. A UTF-8 byte-order mark (which some editors write) is accepted and
    /// skipped; text that is not UTF-8 is refused naming the first bad byte's line and column.
    public static func parse(_ data: Data, path: String) throws(ModelFileError) -> ModelFile {
        var data = data
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        if String(validating: data, as: UTF8.self) == nil {
            throw ModelFileError(path: path, message: "not UTF-8 text (" + invalidUTF8Position(Array(data))
                                 + "); save the file as UTF-8")
        }
        do {
            try JSONScanner.check(Array(data))
        } catch {
            throw ModelFileError(path: path, message: "not valid model JSON: \(error)")
        }
        let value: ParameterValue
        do {
            value = try JSONDecoder().decode(ParameterValue.self, from: data)
        } catch let error as DecodingError {
            throw ModelFileError(path: path, message: "not valid model JSON: \(error.shortDescription)")
        } catch {
            throw ModelFileError(path: path, message: "not valid JSON: \(error.localizedDescription)")
        }
        guard case .table(let entries) = value else {
            throw ModelFileError(path: path, message: "the top level must be a JSON object of \"key\": value pairs")
        }
        return ModelFile(path: path, parameters: ParameterSet(entries))
    }
}

/// "line L, column C, byte 0xXX": where the first byte that is not valid UTF-8 is.
func invalidUTF8Position(_ bytes: [UInt8]) -> String {
    var line = 1, column = 1, index = 0
    while index < bytes.count {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
        let valid = length > 0 && index + length <= bytes.count
            && String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil
        guard valid else { return "line \(line), column \(column): byte 0x" + String(format: "%02X", lead) }
        if lead == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        index += length
    }
    return "an incomplete character at the end"
}

/// A model file that cannot be read or parsed.
public struct ModelFileError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "model file \(path): \(message)" }
}

extension ParameterValue: Decodable {
    /// Numbers, strings, arrays and objects; `true`/`false`/`null` are not parameter values.
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [ParameterValue] = []
            while !array.isAtEnd { items.append(try array.decode(ParameterValue.self)) }
            self = .list(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var entries: [String: ParameterValue] = [:]
            for key in object.allKeys { entries[key.stringValue] = try object.decode(ParameterValue.self, forKey: key) }
            self = .table(entries)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "null is not allowed; give a number or a name")
        }
        if (try? single.decode(Bool.self)) != nil {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "true/false is not allowed; give a number or a name")
        }
        if let number = try? single.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try single.decode(String.self))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension DecodingError {
    /// The key path and reason, without Swift's type dump.
    public var shortDescription: String {
        func path(_ context: Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "\"\($0.stringValue)\"" }
            return keys.isEmpty ? "" : " at " + keys.joined(separator: ".")
        }
        switch self {
        case .dataCorrupted(let c): return c.debugDescription + path(c) + ((c.underlyingError).map { " (\($0.localizedDescription))" } ?? "")
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c): return c.debugDescription + path(c)
        @unknown default: return "\(self)"
        }
    }
}

/// The model files shipped in the repository's `models/` folder.
public enum BundledModels {
    /// The model `solidcell simulate` runs when no `--model` is given.
    public static let defaultModelName = "zhou2025-ncm811-lpsc-fine"

    /// The `models/` folder: `$SOLIDCELL_MODELS`, else `./models`, else next to the repository
    /// that holds the executable (`.build/<config>/solidcell` → `../../models`).
    public static func directory() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["SOLIDCELL_MODELS"] { candidates.append(env) }
        candidates.append(fm.currentDirectoryPath + "/models")
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("models").path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// Names (without `.json`) of the bundled model files.
    public static func names() -> [String] {
        guard let folder = directory(),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Path of a bundled model by name, or nil.
    public static func path(named name: String) -> String? {
        guard let folder = directory() else { return nil }
        let path = folder + "/" + name + ".json"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
