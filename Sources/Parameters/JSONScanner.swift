import CellPhysics

/// A strict pass over JSON text before it is decoded, so that a model file's problems are reported
/// with their line and column: syntax errors, a key given twice in one object (JSONDecoder would
/// silently keep one), and numbers a double cannot hold (1e309, 1e-400).
struct JSONScanner {
    struct Problem: Error, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "line \(line), column \(column): \(message)" }
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func check(_ bytes: [UInt8]) throws(Problem) {
        var scanner = JSONScanner(bytes)
        scanner.skipSpace()
        try scanner.value()
        scanner.skipSpace()
        if scanner.position < bytes.count { throw scanner.problem("unexpected text after the end of the JSON value") }
    }

    private func problem(_ message: String, at offset: Int? = nil) -> Problem {
        let end = min(offset ?? position, bytes.count)
        var line = 1, column = 1
        for byte in bytes[0..<end] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return Problem(line: line, column: column, message: message)
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ character: Character) throws(Problem) {
        guard position < bytes.count, bytes[position] == character.asciiValue! else {
            throw problem("expected \"\(character)\"" + (position < bytes.count ? "" : " before the end of the file"))
        }
        position += 1
    }

    private mutating func value() throws(Problem) {
        guard position < bytes.count else { throw problem("expected a value before the end of the file") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default:
            for literal in ["true", "false", "null"] where bytes[position...].starts(with: Array(literal.utf8)) {
                position += literal.utf8.count
                return
            }
            throw problem("expected a value (number, \"text\", [list] or {object})")
        }
    }

    private mutating func object() throws(Problem) {
        depth += 1
        guard depth <= 64 else { throw problem("objects and lists nested more than 64 deep") }
        position += 1
        skipSpace()
        var keys: Set<String> = []
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; depth -= 1; return }
        while true {
            skipSpace()
            let keyStart = position
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw problem("expected a \"key\"") }
            let key = try string()
            guard keys.insert(key).inserted else { throw problem("the key \"\(key)\" is given twice", at: keyStart) }
            skipSpace()
            try expect(":")
            skipSpace()
            try value()
            skipSpace()
            guard position < bytes.count else { throw problem("expected \",\" or \"}\" before the end of the file") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            try expect("}")
            depth -= 1
            return
        }
    }

    private mutating func array() throws(Problem) {
        depth += 1
        guard depth <= 64 else { throw problem("objects and lists nested more than 64 deep") }
        position += 1
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; depth -= 1; return }
        while true {
            skipSpace()
            try value()
            skipSpace()
            guard position < bytes.count else { throw problem("expected \",\" or \"]\" before the end of the file") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            try expect("]")
            depth -= 1
            return
        }
    }

    /// A string; returns its raw content (escapes kept), enough to compare keys.
    private mutating func string() throws(Problem) -> String {
        let start = position
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: bytes[(start + 1)..<(position - 1)], as: UTF8.self)
            }
            if byte < 0x20 { throw problem("a line break or control character inside \"text\"") }
            position += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        throw problem("\"text\" not closed before the end of the file", at: start)
    }

    private mutating func number() throws(Problem) {
        let start = position
        func digits() -> Int {
            let first = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - first
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        guard digits() > 0 else { throw problem("expected digits in a number", at: start) }
        if bytes[integerStart] == UInt8(ascii: "0") && position - integerStart > 1 {
            throw problem("a number may not start with 0 (\(String(decoding: bytes[start..<position], as: UTF8.self)))", at: start)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw problem("expected digits after the decimal point", at: start) }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw problem("expected digits in the exponent", at: start) }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        let mantissa = text.prefix { $0 != "e" && $0 != "E" }
        let nonZero = mantissa.contains { "123456789".contains($0) }
        guard let value = Double(text), value.isFinite, !nonZero || value.magnitude >= Double.leastNormalMagnitude else {
            throw problem("the number \(text) is outside the range of a double (about 1e-308 to 1e308)", at: start)
        }
    }
}
