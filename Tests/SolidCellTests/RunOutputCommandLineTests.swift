import Foundation
import TestSupport
import Testing
@testable import OutputFiles

/// A `solidcell` process in the repository's root folder, not started, for a test that signals it.
func solidCellProcess(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try ProcessRun.solidcellPath())
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    return process
}

/// The rows of a run's `cycles.csv`, split into fields.
func cyclesRows(_ folder: String) throws -> [[String]] {
    try String(contentsOfFile: folder + "/cycles.csv", encoding: .utf8).split(separator: "\n")
        .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

/// Issue #18: what a run leaves in its output folder when it is stopped, fails, or follows an
/// earlier run there; and `validate`'s exit code.
@Suite("Run outputs from the command line", .serialized)
struct RunOutputCommandLineTests {
    @Test("SIGTERM in a long step: the step line, cycles.csv and summary.json report what passed until the stop, marked partial")
    func interruptedStep() throws {
        let folder = temporaryFolder("sigterm-step")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try solidCellProcess(["simulate", "--model", "xu2019-nmc532-half-cell-t1",
                                            "--set", "Positive electrode mesh points=600", "--set", "Positive particle mesh points=600",
                                            "--rtol", "1e-9", "--experiment", "Discharge at 1C until 3.5 V", "--output", folder])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        Thread.sleep(forTimeInterval: 5)
        kill(process.processIdentifier, SIGTERM)
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM)
        #expect(output.contains("cycle 1 is partial: stopped in step 1"), "\(output)")
        let rows = try cyclesRows(folder)
        let completeColumn = try #require(rows[0].firstIndex(of: "Complete"))
        #expect(rows.count == 2)
        #expect(rows[1][completeColumn] == "false")
        // (How far the step got before the signal depends on the machine's load — it may still have
        // been switching on — but whatever it reports must agree with the time series.)
        let capacity = try #require(Double(rows[1][rows[0].firstIndex(of: "Discharge capacity [A.h]")!]))
        #expect(rows[1][rows[0].firstIndex(of: "Capacity retention [%]")!] == "nan")
        // The same charge as the time series' last sample.
        let lastSample = try #require(try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8)
            .split(separator: "\n").last?.split(separator: ","))
        #expect(abs(try #require(Double(lastSample[5])) - capacity) < 1e-12)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any])
        #expect(summary["partial"] as? Bool == true)
        let step = try #require((summary["steps"] as? [[String: Any]])?.first)
        // (JSONEncoder writes doubles to 17 digits, not always the shortest round-trip form.)
        #expect(abs((step["end_time_s"] as? Double ?? -1) - Double(lastSample[0])!) <= 1e-15 * max(Double(lastSample[0])!, 1e-300))
        #expect(abs((step["discharged_capacity_Ah"] as? Double ?? 0) - capacity) < 1e-12)
    }

    @Test("a long cycling run stopped part-way: finished cycles complete, the last one partial and out of retention and capacity.svg")
    func interruptedCycling() throws {
        let folder = temporaryFolder("sigterm-cycles")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try solidCellProcess(["simulate", "--model", "xu2019-nmc532-half-cell-t1", "--experiment",
                                            "Discharge at 2C until 3.6 V; Charge at 2C until 4.1 V", "--cycles", "1000000",
                                            "--output", folder])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? cyclesRows(folder)) ?? []).count < 4 { Thread.sleep(forTimeInterval: 0.05) }
        kill(process.processIdentifier, SIGTERM)
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let rows = try cyclesRows(folder)
        let completeColumn = try #require(rows[0].firstIndex(of: "Complete"))
        let complete = rows.dropFirst().map { $0[completeColumn] }
        #expect(complete.last == "false")
        #expect(complete.dropLast().allSatisfy { $0 == "true" })
        #expect(!output.contains("retention 0.00 %"), "\(output)")
        #expect(output.contains("cycle \(complete.count) is partial"), "\(output)")
        #expect(output.contains("cycle \(complete.count - 1) (the last complete one): discharge capacity"), "\(output)")
        let plot = try String(contentsOfFile: folder + "/capacity.svg", encoding: .utf8)
        #expect(plot.components(separatedBy: "<circle").count - 1 == complete.count - 1)
    }

    @Test("a run owns the files it can write in its output folder: a 1-cycle run after a 3-cycle one leaves no capacity.svg; other files stay")
    func staleOutputs() throws {
        let folder = temporaryFolder("stale")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func simulate(_ cycles: String) throws {
            let run = try ProcessRun.solidcell(["simulate", "--model", "xu2019-nmc532-half-cell-t1", "--experiment",
                                        "Discharge at 1C for 1 minute; Charge at 1C for 1 minute", "--cycles", cycles,
                                        "--output", folder])
            #expect(run.status == 0, "\(run.error)")
        }
        try simulate("3")
        #expect(FileManager.default.fileExists(atPath: folder + "/capacity.svg"))
        try "mine".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        try simulate("1")
        #expect(!FileManager.default.fileExists(atPath: folder + "/capacity.svg"))
        #expect(try String(contentsOfFile: folder + "/notes.txt", encoding: .utf8) == "mine")
        for file in ["timeseries.csv", "cycles.csv", "summary.json", "voltage.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file))
        }
        #expect(try cyclesRows(folder).count == 2)
        // The half cell's skeleton (potentials per mesh cell, current, capacity) is a bordered band.
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any])
        #expect(summary["linear_solver"] as? String == "condensed")
        #expect((summary["linear_solver_skeleton"] as? String)?.hasPrefix("bordered band") == true, "\(summary["linear_solver_skeleton"] ?? "none")")
        #expect(Set(OutputWriter.simulationFiles) == ["timeseries.csv", "cycles.csv", "summary.json", "voltage.svg", "capacity.svg"])
    }

    @Test("validate exits 0 only when every row passes, and names a missing reference file in one line (no Foundation dump)")
    func validateExitCode() throws {
        let report = temporaryFolder("validate")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let passing = try ProcessRun.solidcell(["validate", "--filter", "xu2019-nmc532-half-cell-t1, 1C", "--output", report])
        #expect(passing.status == 0, "\(passing.output) \(passing.error)")
        #expect(passing.output.hasPrefix("3 of 3 validation rows"))

        // A folder with the models but without validation/: the reference data are missing.
        let bare = temporaryFolder("validate-bare")
        defer { try? FileManager.default.removeItem(atPath: bare) }
        try FileManager.default.createDirectory(atPath: bare, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bare + "/models", withDestinationPath: repositoryRoot + "/models")
        let missing = try ProcessRun.solidcell(["validate", "--filter", "xu2019-nmc532-half-cell-t1, 1C", "--output", report], in: bare)
        #expect(missing.status == 1)
        #expect(missing.output.hasPrefix("0 of 3 validation rows"))
        #expect(missing.error.split(separator: "\n").filter { $0.contains("missing file validation/pybamm/xu2019_1C.csv") }.count == 1,
                "\(missing.error)")
        let text = try String(contentsOfFile: report + "/report.md", encoding: .utf8)
        for output in [missing.output, missing.error, text] {
            #expect(!output.contains("NSCocoaErrorDomain"))
            #expect(!output.contains("UserInfo"))
        }
        #expect(text.contains("missing file validation/pybamm/xu2019_1C.csv"))
    }
}
