import Foundation
import TestSupport
import Testing

/// Issue #19: `solidcell compare` of a per-cycle capacity table under `--experiment`.
@Suite("solidcell compare: per-cycle tables", .serialized)
struct CompareCycleTableTests {
    static let model = "zhou2025-ncm811-lpsc-fine"
    static let mesh = ["--set", "Separator mesh points=4", "--set", "Positive electrode mesh points=6",
                       "--set", "Positive particle mesh points=6", "--set", "Number of particle contact classes=4"]
    static let cycle = "Charge at 0.5C until 4.3 V; Discharge at 0.5C until 2.5 V"

    static func summary(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/comparison.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the model's own cycles.csv is reproduced exactly; a faster contact damage is not; capacity.svg is written")
    func roundTrip() throws {
        let folder = temporaryFolder("compare-cycles")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let simulate = try ProcessRun.solidcell(["simulate", "--model", Self.model] + Self.mesh
                                                + ["--experiment", Self.cycle, "--cycles", "8", "--output", folder + "/sim"])
        #expect(simulate.status == 0, "\(simulate.error)")
        let same = try ProcessRun.solidcell(["compare", "--model", Self.model] + Self.mesh
                                            + ["--data", folder + "/sim/cycles.csv", "--experiment", Self.cycle, "--output", folder + "/same"])
        #expect(same.status == 0, "\(same.error)")
        let exact = try Self.summary(folder + "/same")
        let rms = try #require(exact["discharge_capacity_rms"] as? Double)
        #expect(rms < 1e-9, "RMS \(rms) A h")
        #expect((exact["cycles"] as? [Any])?.count == 8)
        #expect(FileManager.default.fileExists(atPath: folder + "/same/capacity.svg"))
        let faster = try ProcessRun.solidcell(["compare", "--model", Self.model] + Self.mesh
                                              + ["--set", "Contact damage rate per cycle=0.05", "--data", folder + "/sim/cycles.csv",
                                                 "--experiment", Self.cycle, "--output", folder + "/faster"])
        #expect(faster.status == 0, "\(faster.error)")
        let worse = try #require(try Self.summary(folder + "/faster")["discharge_capacity_rms"] as? Double)
        #expect(worse > 1e-6, "RMS \(worse) A h")
    }

    @Test("a table without --experiment, and --experiment with a log, end in one line, exit code 2")
    func badInput() throws {
        let folder = temporaryFolder("compare-cycles-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "Cycle,Discharge capacity [A.h]\n1,0.001\n2,0.00099\n".write(toFile: folder + "/c.csv", atomically: true, encoding: .utf8)
        let missing = try ProcessRun.solidcell(["compare", "--model", Self.model, "--data", folder + "/c.csv", "--output", folder + "/o"])
        #expect(missing.status == 2 && missing.error.split(separator: "\n").count == 1 && missing.error.contains("--experiment"), "\(missing.error)")
        try "Test Time / s,Voltage / V,Current / A\n0,4.0,0\n10,4.0,0\n".write(toFile: folder + "/log.csv", atomically: true, encoding: .utf8)
        let log = try ProcessRun.solidcell(["compare", "--model", Self.model, "--data", folder + "/log.csv", "--experiment", Self.cycle,
                                            "--output", folder + "/o"])
        #expect(log.status == 2 && log.error.split(separator: "\n").count == 1 && log.error.contains("--experiment"), "\(log.error)")
    }
}
