import Foundation
import Testing
@testable import MeasuredData

/// The committed fixture files (next to this source file; not a bundle resource).
func fixture(_ name: String, filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
}

/// A fresh directory for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("MeasuredDataTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` (or raw bytes) to `name` in a fresh temporary directory.
func temporaryFile(_ name: String, _ text: String) throws -> URL {
    try temporaryFile(name, bytes: Array(text.utf8))
}

func temporaryFile(_ name: String, bytes: [UInt8]) throws -> URL {
    let url = try temporaryDirectory().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

/// True where every element agrees to `relative` (absolute for values near zero).
func close(_ a: [Double]?, _ b: [Double], relative: Double = 1e-9) -> Bool {
    guard let a, a.count == b.count else { return false }
    return zip(a, b).allSatisfy { x, y in abs(x - y) <= relative * max(abs(x), abs(y), 1e-300) || abs(x - y) < 1e-15 }
}

/// The error message `body` throws, or nil.
func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as MeasuredDataError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}
