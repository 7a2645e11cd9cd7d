import Foundation
import TestSupport
import Testing

/// `solidcell impedance` end to end: files, summary, and one-line errors for bad input.
@Suite("solidcell impedance command line", .serialized)
struct ImpedanceCommandLineTests {

    @Test("--soc writes impedance.csv (three columns, one row per frequency) and nyquist.svg, and prints R∞ and R_ct")
    func restingSpectrum() throws {
        let folder = temporaryFolder("eis")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["impedance", "--model", "zhou2025-ncm811-lpsc-fine", "--soc", "0.5",
                                    "--frequencies", "1e-2:1e5:15", "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        let lines = try String(contentsOfFile: folder + "/impedance.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]")
        #expect(lines.count == 16)
        let first = lines[1].split(separator: ",").compactMap { Double($0) }
        let last = lines[15].split(separator: ",").compactMap { Double($0) }
        #expect(first.count == 3 && last.count == 3)
        #expect(first[0] == 1e-2 && last[0] == 1e5)
        #expect(first[1] > last[1] && first[2] > 0, "Re Z falls with frequency, −Im Z > 0: \(first), \(last)")
        #expect(FileManager.default.fileExists(atPath: folder + "/nyquist.svg"))
        #expect(run.output.contains("high-frequency intercept R∞ ="))
        #expect(run.output.contains("charge-transfer resistance R_ct ≈"))
        #expect(!run.output.contains("note: without"))
    }

    @Test("--after-experiment with --cycles linearises at the end of the run; a model without capacities says so")
    func afterExperiment() throws {
        let folder = temporaryFolder("eis")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["impedance", "--model", "xu2019-nmc532-half-cell-t1", "--after-experiment",
                                    "Discharge at 1C for 2 minutes; Rest for 1 minute", "--cycles", "2",
                                    "--frequencies", "1:1e3:4", "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("after \"Discharge at 1C for 2 minutes; Rest for 1 minute\" × 2 cycles"))
        #expect(run.output.contains("note: without \"Positive electrode double-layer capacity [F.m-2]\" and \"Negative electrode double-layer capacity [F.m-2]\""))
        #expect(try String(contentsOfFile: folder + "/impedance.csv", encoding: .utf8).split(separator: "\n").count == 5)
    }

    @Test("bad input: one line naming the flag, the value and what is allowed; exit code 2", arguments: [
        (["--soc", "1.5"], "--soc \"1.5\": allowed a number from 0 to 1"),
        (["--soc", "half"], "--soc \"half\": allowed a number from 0 to 1"),
        (["--soc", "0.5", "--after-experiment", "Rest for 1 minute"], "give either --soc or --after-experiment, not both"),
        (["--cycles", "3"], "--cycles \"3\": only allowed with --after-experiment"),
        (["--after-experiment", "Rest for 1 minute", "--cycles", "0"], "--cycles \"0\": allowed a whole number from 1 to 100000"),
        (["--frequencies", "1e-3:1e6"], "--frequencies \"1e-3:1e6\": expected three fields separated by ':' (allowed: FMIN:FMAX:N"),
        (["--frequencies", "1e6:1e-3:60"], "--frequencies \"1e6:1e-3:60\": FMIN must be below FMAX"),
        (["--frequencies", "1:10:1"], "N = 1 is out of range"),
        (["--after-experiment", "Dance for 1 minute"], "--after-experiment:"),
        (["--set", "Positive electrode double-layer capacity [F.m-2]=-1"], "\"Positive electrode double-layer capacity [F.m-2]\": out of range"),
    ])
    func badInput(_ arguments: [String], _ message: String) throws {
        let folder = temporaryFolder("eis")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["impedance", "--model", "zhou2025-ncm811-lpsc-fine", "--output", folder] + arguments)
        #expect(run.status == 2)
        #expect(run.error.contains(message), "stderr: \(run.error)")
        #expect(run.error.hasPrefix("error: ") && run.error.split(separator: "\n").count == 1, "stderr: \(run.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/impedance.csv"))
    }

    @Test("missing --model or --output: one line, exit code 2")
    func missingRequired() throws {
        let noModel = try ProcessRun.solidcell(["impedance", "--output", temporaryFolder("eis")])
        #expect(noModel.status == 2 && noModel.error == "error: --model FILE is required (a model file or the name of a bundled model; see `solidcell models`)\n")
        let noOutput = try ProcessRun.solidcell(["impedance", "--model", "zhou2025-ncm811-lpsc-fine"])
        #expect(noOutput.status == 2 && noOutput.error.hasPrefix("error: --output DIR is required"))
        let missingFile = try ProcessRun.solidcell(["impedance", "--model", "no-such-model.json", "--output", temporaryFolder("eis")])
        #expect(missingFile.status == 2 && missingFile.error.contains("no-such-model.json"))
    }
}
