import Foundation
import TestSupport
import Testing

@Suite("solidcell command line", .serialized)
struct CommandLineTests {
    @Test("with no arguments it runs the default model and prints a summary")
    func defaultRun() throws {
        let run = try ProcessRun.solidcell([])
        #expect(run.status == 0)
        #expect(run.output.contains("discharge capacity"))
        #expect(run.output.contains("solve time"))
    }

    /// Runs `solidcell simulate` on the Xu 2019 cell into a temporary folder, expects success, and
    /// hands `body` the folder and its summary.json; the folder is removed afterwards.
    func simulateXu<R>(_ experiment: String, _ arguments: [String] = [],
                       _ body: (_ folder: String, _ summary: [String: Any]) throws -> R) throws -> R {
        let folder = temporaryFolder("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["simulate", "--model", "xu2019-nmc532-half-cell-t1", "--experiment", experiment,
                                    "--output", folder] + arguments)
        #expect(run.status == 0, "stderr: \(run.error)")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))
        return try body(folder, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    @Test("--output writes the result files, with solve_time_s in summary.json")
    func outputFiles() throws {
        try simulateXu("Discharge at 1C until 3.8 V; Rest for 5 minutes", ["--cycles", "2"]) { folder, summary in
            #expect((summary["solve_time_s"] as? Double ?? -1) > 0)
            #expect(summary["status"] as? String == "completed")
            let series = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8)
            #expect(series.hasPrefix("Time [s],Cycle,Step,Current [A],Voltage [V],Discharge capacity [A.h]"))
            let cycles = try String(contentsOfFile: folder + "/cycles.csv", encoding: .utf8).split(separator: "\n")
            #expect(cycles.count == 3)
            #expect(FileManager.default.fileExists(atPath: folder + "/voltage.svg"))
        }
    }

    @Test("--rtol and --atol set IDA's tolerances and are recorded in summary.json; looser ones take fewer steps")
    func tolerances() throws {
        func solve(_ tolerances: [String]) throws -> (inputs: [String: Any], solver: [String: Int], capacity: Double) {
            try simulateXu("Discharge at 1C until 3.5 V", tolerances) { _, summary in
                (try #require(summary["inputs"] as? [String: Any]), try #require(summary["solver"] as? [String: Int]),
                 try #require((summary["discharge_capacity_Ah"] as? [Double])?.first))
            }
        }
        let standard = try solve([])
        let loose = try solve(["--rtol", "1e-4", "--atol", "1e-6"])
        #expect(standard.inputs["relativeTolerance"] as? Double == 1e-6 && standard.inputs["absoluteTolerance"] as? Double == 1e-8)
        #expect(loose.inputs["relativeTolerance"] as? Double == 1e-4 && loose.inputs["absoluteTolerance"] as? Double == 1e-6)
        let looseSteps = try #require(loose.solver["steps"]), standardSteps = try #require(standard.solver["steps"])
        #expect(looseSteps < standardSteps / 2)
        // The same answer to within the looser tolerance.
        #expect(abs(loose.capacity - standard.capacity) < 1e-3 * standard.capacity)
    }

    @Test("--period samples every step without its own period, and is recorded in summary.json")
    func samplePeriod() throws {
        try simulateXu("Rest for 5 minutes; Rest for 4 minutes (2 minutes period)", ["--period", "60"]) { folder, summary in
            let rows = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            let times = rows.compactMap { Double($0.split(separator: ",")[0]) }
            #expect(times == [0, 60, 120, 180, 240, 300, 300, 420, 540])
            #expect((summary["inputs"] as? [String: Any])?["samplePeriod"] as? Double == 60)
        }
    }

    /// Starts a run of a million short cycles writing into `folder`, and returns once a few cycles
    /// are on disk (the files are written cycle by cycle).
    func startLongRun(writingTo folder: String) throws -> Process {
        let process = try ProcessRun.startSolidCell(["simulate", "--model", "xu2019-nmc532-half-cell-t1", "--experiment",
                                                     "Discharge at 2C until 3.6 V; Charge at 2C until 4.1 V", "--cycles", "1000000",
                                                     "--output", folder])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let cycles = (try? String(contentsOfFile: folder + "/cycles.csv", encoding: .utf8)) ?? ""
            if cycles.split(separator: "\n").count > 3 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return process
    }

    @Test("Ctrl-C (SIGINT) or a scheduler's SIGTERM stops a long run, keeps every finished cycle on disk, and exits 128 + signal",
          arguments: [SIGINT, SIGTERM])
    func interruptKeepsResults(signal: Int32) throws {
        let folder = temporaryFolder("signal-\(signal)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try startLongRun(writingTo: folder)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal)
        let cycles = try String(contentsOfFile: folder + "/cycles.csv", encoding: .utf8).split(separator: "\n")
        #expect(cycles.count >= 4 && cycles.count < 1_000_000)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any]
        #expect(summary?["status"] as? String == "failed")
        let failure = summary?["failure"] as? String
        #expect(failure?.contains("interrupted") == true)
    }

    @Test("a hard kill (SIGKILL: the OOM killer, a scheduler's last resort) still leaves every finished cycle in cycles.csv and timeseries.csv")
    func hardKillKeepsFinishedCycles() throws {
        let folder = temporaryFolder("kill")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try startLongRun(writingTo: folder)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let rows = try String(contentsOfFile: folder + "/cycles.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let cycleNumbers = rows.compactMap { Int($0.prefix { $0 != "," }) }
        #expect(cycleNumbers.count >= 3)
        #expect(cycleNumbers == Array(1...cycleNumbers.count))
        // Every cycle in cycles.csv has its samples in timeseries.csv (written just before its row).
        let samples = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let sampledCycles = Set(samples.compactMap { Int($0.split(separator: ",")[1]) })
        #expect(Set(cycleNumbers).isSubset(of: sampledCycles))
    }

    @Test("bad input ends in one clear message and exit code 2", arguments: [
        (["--set", "Positive electrode thickness [m]=-1"], "Positive electrode thickness [m]"),
        (["--set", "Positive electrod thickness [m]=1e-5"], "did you mean \"Positive electrode thickness [m]\""),
        (["--set", "Separator porosity=abc"], "not a number"),
        (["--set", "no equals sign"], "expected KEY=VALUE"),
        (["--experiment", "Dischrge at 1C until 3 V"], "experiment step 1"),
        (["--experiment", "Rest until 3 V"], "experiment step 1"),
        (["--model", "/nonexistent/model.json"], "cannot read the file"),
        (["--cycles", "0"], "--cycles \"0\": allowed a whole number from 1 to 1000000"),
        (["--cycles", "ten"], "--cycles \"ten\": allowed a whole number from 1 to 1000000"),
        (["--frobnicate"], "Unknown option '--frobnicate'"),
        (["--model"], "Missing value for '--model"),
        (["simulate", "extra"], "Unexpected argument 'extra'"),
        (["--rtol", "0"], "--rtol \"0\": allowed a number from 1e-12 to 0.01"),
        (["--atol", "tight"], "--atol \"tight\": allowed a number from 1e-14 to 0.01"),
        (["--period", "0"], "--period \"0\": allowed a number from 0.001 to 1e+09"),
    ])
    func badInput(arguments: [String], expected: String) throws {
        let run = try ProcessRun.solidcell(arguments)
        #expect(run.status == 2)
        #expect(run.error.contains(expected), "stderr was: \(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
    }
}
