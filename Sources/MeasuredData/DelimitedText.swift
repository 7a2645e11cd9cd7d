import Foundation

/// Reads a file line by line in fixed-size chunks, handing each line's bytes (without `\n` or a
/// trailing `\r`) to a closure, so that a file of any length is read with one chunk-sized buffer
/// and no string per line.
struct LineReader {
    static let chunkSize = 1 << 20

    /// Calls `body` with each line and its 1-based number; stops early when `body` returns false.
    static func forEachLine(path: String, file: String,
                            _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MeasuredDataError(file: file, kind: .unreadable("cannot open \(path)"))
        }
        defer { try? handle.close() }
        let descriptor = handle.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var lineNumber = 0
        var atEnd = false
        while !atEnd {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw MeasuredDataError(file: file, kind: .unreadable(String(cString: strerror(errno))))
            }
            if count == 0 { atEnd = true }
            filled += count
            var stop = false
            let consumed = try buffer.withUnsafeBufferPointer { all -> Int in
                guard let base = all.baseAddress else { return 0 }
                var start = 0
                while start < filled {
                    let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), filled - start)
                    let end: Int
                    if let newline {
                        end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    } else if atEnd {
                        end = filled
                    } else {
                        break
                    }
                    var last = end
                    if last > start && base[last - 1] == UInt8(ascii: "\r") { last -= 1 }
                    lineNumber += 1
                    if try !body(UnsafeBufferPointer(start: base + start, count: last - start), lineNumber) {
                        stop = true
                        return filled
                    }
                    start = end + 1
                }
                return min(start, filled)
            }
            if stop { return }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    _ = memmove(base, base + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
    }

    /// The file's first lines (up to `maxLines` or `maxBytes`), decoded as UTF-8, or as Latin-1
    /// where they are not valid UTF-8 (BioLogic's exports are Latin-1).
    static func head(path: String, file: String, maxLines: Int, maxBytes: Int = 1 << 18) throws -> [String] {
        var lines: [String] = []
        var bytes = 0
        try forEachLine(path: path, file: file) { line, _ in
            lines.append(decode(line))
            bytes += line.count + 1
            return lines.count < maxLines && bytes < maxBytes
        }
        return lines
    }

    /// A header line as text: UTF-8 (without a byte-order mark), else Latin-1 byte for byte.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var bytes = bytes
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            bytes = UnsafeBufferPointer(rebasing: bytes[3...])
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var latin1 = String.UnicodeScalarView()
        latin1.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(latin1)
    }
}

/// Splits one line into fields at a delimiter, reusing its storage from line to line. A field in
/// double quotes may contain the delimiter; the quotes are not part of the field. Spaces around
/// a field are trimmed.
struct FieldSplitter {
    let delimiter: UInt8
    /// Field bounds; only the first `count` entries are the current line's.
    private var starts: [Int] = []
    private var ends: [Int] = []
    private(set) var count = 0

    init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    /// Splits `line` into at most `limit` fields (the rest of the line is not looked at).
    mutating func split(_ line: UnsafeBufferPointer<UInt8>, limit: Int = .max) {
        count = 0
        let n = line.count
        var i = 0
        while count < limit {
            var start = i
            var end: Int
            var next: Int
            // Leading spaces.
            while start < n && line[start] == UInt8(ascii: " ") { start += 1 }
            if start < n && line[start] == UInt8(ascii: "\"") {
                var j = start + 1
                while j < n && line[j] != UInt8(ascii: "\"") { j += 1 }
                end = j
                start += 1
                next = j < n ? j + 1 : n
                while next < n && line[next] != delimiter { next += 1 }
            } else {
                var j = start
                while j < n && line[j] != delimiter { j += 1 }
                end = j
                next = j
                while end > start && (line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
            }
            if count == starts.count {
                starts.append(start)
                ends.append(end)
            } else {
                starts[count] = start
                ends[count] = end
            }
            count += 1
            if next >= n { break }
            i = next + 1
        }
    }

    func field(_ index: Int, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[starts[index]..<ends[index]])
    }

    /// Splits a decoded header line the same way.
    static func fields(of line: String, delimiter: UInt8) -> [String] {
        var bytes = Array(line.utf8)
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { bytes.removeFirst(3) }
        var splitter = FieldSplitter(delimiter: delimiter)
        return bytes.withUnsafeBufferPointer { line in
            splitter.split(line)
            return (0..<splitter.count).map { String(decoding: splitter.field($0, in: line), as: UTF8.self) }
        }
    }

    /// The delimiter of a header line: a tab where it has one, else `;` where it has more
    /// semicolons than commas, else a comma.
    static func delimiter(of header: String) -> UInt8 {
        if header.contains("\t") { return UInt8(ascii: "\t") }
        let semicolons = header.filter { $0 == ";" }.count
        let commas = header.filter { $0 == "," }.count
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }
}

/// Number and time parsing straight from bytes.
enum NumberParser {
    private static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { x, _ in x * 10 } }

    /// The decimal number in `text` (optional sign, digits, a decimal point, or a comma when
    /// `decimalComma`, an optional exponent; also `nan` and `inf`), or nil where `text` is not
    /// one. Exact (correctly rounded): a fast path for up to 19 digits with a small exponent,
    /// `strtod` for the rest.
    static func double(_ text: UnsafeBufferPointer<UInt8>, decimalComma: Bool) -> Double? {
        let n = text.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") {
            negative = text[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var digits = 0
        var exact = true
        while i < n, case let d = text[i] &- UInt8(ascii: "0"), d < 10 {
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { exact = false }
            }
            digits += 1
            i += 1
        }
        if i < n && (text[i] == UInt8(ascii: ".") || (decimalComma && text[i] == UInt8(ascii: ","))) {
            i += 1
            while i < n, case let d = text[i] &- UInt8(ascii: "0"), d < 10 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    exact = false
                }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return special(text, from: negative || text[0] == UInt8(ascii: "+") ? 1 : 0, negative: negative) }
        if i < n && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < n && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            var exponentDigits = 0
            while i < n, case let d = text[i] &- UInt8(ascii: "0"), d < 10 {
                if value < 100_000 { value = value * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard i == n else { return nil }
        if exact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
            return negative ? -value : value
        }
        return strtodFallback(text)
    }

    /// `nan`, `inf` or `infinity` (any case) after an optional sign.
    private static func special(_ text: UnsafeBufferPointer<UInt8>, from start: Int, negative: Bool) -> Double? {
        let word = String(decoding: UnsafeBufferPointer(rebasing: text[start...]), as: UTF8.self).lowercased()
        switch word {
        case "nan": return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: return nil
        }
    }

    private static func strtodFallback(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            for (k, byte) in text.enumerated() {
                buffer[k] = CChar(bitPattern: byte == UInt8(ascii: ",") ? UInt8(ascii: ".") : byte)
            }
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &end)
            guard let end, base.distance(to: end) == text.count else { return nil }
            return value
        }
    }

    /// A time in seconds: a plain number (times `scale`), or a clock time `h:mm:ss[.s]` with hours
    /// of any size, optionally after a day count as `d-hh:mm:ss`, `d hh:mm:ss` or `dd hh:mm:ss`
    /// (Maccor's `1d 02:03:04`). The clock's seconds take a decimal comma when `decimalComma`.
    static func time(_ text: UnsafeBufferPointer<UInt8>, scale: Double, decimalComma: Bool) -> Double? {
        guard text.contains(UInt8(ascii: ":")) else {
            return double(text, decimalComma: decimalComma).map { $0 * scale }
        }
        var i = 0
        let n = text.count
        func integer() -> Int? {
            var value = 0
            let start = i
            while i < n, case let d = text[i] &- UInt8(ascii: "0"), d < 10 {
                value = value &* 10 &+ Int(d)
                i += 1
            }
            return i > start && i - start < 12 ? value : nil
        }
        guard var first = integer() else { return nil }
        var days = 0
        if i < n && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: " ") || text[i] == UInt8(ascii: "d")) {
            days = first
            if text[i] == UInt8(ascii: "d") { i += 1 }
            while i < n && (text[i] == UInt8(ascii: " ") || text[i] == UInt8(ascii: "-")) { i += 1 }
            guard let hours = integer() else { return nil }
            first = hours
        }
        guard i < n && text[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let minutes = integer(), minutes < 60, i < n && text[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let seconds = double(UnsafeBufferPointer(rebasing: text[i...]), decimalComma: decimalComma),
              seconds >= 0, seconds < 60 else { return nil }
        return Double((days * 24 + first) * 3600 + minutes * 60) + seconds
    }
}
