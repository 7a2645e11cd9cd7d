import Foundation
import TestSupport
import Testing
@testable import Parameters

/// Issue #20: `solidcell fit` from the command line.
@Suite("solidcell fit", .serialized)
struct FitCommandLineTests {
    static let model = "xu2019-nmc532-half-cell-t1"
    static let log = "validation/pybamm/xu2019_log_changed.bdf.csv"
    static let keys = ["Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]"]

    @Test("the PyBaMM log: fit.json, the fitted model file (loadable, with metadata.fitted) and the plots")
    func outputs() throws {
        let folder = temporaryFolder("fit")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["fit", "--model", Self.model, "--data", Self.log, "--initial-soc", "model", "--starts", "2",
                                            "--fit", Self.keys[0], "--fit", Self.keys[1] + "=0.5:20", "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("iteration 1:"), "a progress line per iteration")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/fit.json"))
        let fit = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let parameters = try #require(fit["parameters"] as? [String: [String: Any]])
        let diffusivity = try #require(parameters[Self.keys[0]])
        #expect(abs(try #require(diffusivity["value"] as? Double) / 2e-14 - 1) < 1e-3)
        #expect((diffusivity["standard_error"] as? Double).map { $0 > 0 } == true)
        #expect(diffusivity["initial"] as? Double == 1e-14)
        #expect(parameters[Self.keys[1]]?["bounds"] as? [Double] == [0.5, 20])
        let correlation = try #require(fit["correlation"] as? [String: Any])
        #expect((correlation["matrix"] as? [[Any]])?.count == 2)
        #expect(fit["objective"] is Double && fit["model_solves"] is Int && fit["iterations"] is Int && fit["time_s"] is Double)
        #expect(fit["sensitivities"] as? String == "forward")
        #expect((fit["starts"] as? [Any])?.count == 2)
        let identifiability = try #require(fit["identifiability"] as? [String: Any])
        #expect(identifiability["identifiable"] as? Bool == true)
        let datasets = try #require(fit["datasets"] as? [[String: Any]])
        #expect((datasets.first?["rms"] as? Double).map { $0 < 1e-5 } == true)

        // The fitted model file is a model file: it loads, and holds the fitted values.
        let fitted = try ModelFile.load(path: folder + "/xu2019-nmc532-half-cell-t1-fitted.json")
        let cell = try CellParameters(fitted.parameters)
        #expect(abs(cell.catalogue.first { $0.key == Self.keys[0] }.flatMap { if case .number(let x)? = $0.value { x } else { nil } }! / 2e-14 - 1) < 1e-3)
        guard case .table(let metadata)? = fitted.parameters["metadata"], case .table(let notes)? = metadata["fitted"],
              case .table(let record)? = notes["solidcell fit"] else {
            Issue.record("metadata.fitted[\"solidcell fit\"] missing"); return
        }
        #expect(record["data"] == .list([.text(Self.log)]))
        #expect(notes[Self.keys[0]].map { "\($0)".contains("fitted by `solidcell fit`") } == true)
        for file in ["data1-xu2019_log_changed.bdf/voltage.svg", "data1-xu2019_log_changed.bdf/comparison.json"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
        }
    }

    @Test("bad input ends in one line naming the flag and the value, exit code 2", arguments: [
        (["--fit", "Positive particle difusivity [m2.s-1]"], "did you mean"),
        (["--fit", "Positive electrode OCP [V]"], "not a real number"),
        (["--fit", "Positive particle diffusivity [m2.s-1]=1e-13:1e-12"], "exclude the start"),
        (["--fit", "Positive particle diffusivity [m2.s-1]=2:1"], "LOW < HIGH"),
        (["--fit", "Positive particle diffusivity [m2.s-1]", "--weight", "other.csv=2"], "not one of the --data files"),
        (["--fit", "Positive particle diffusivity [m2.s-1]", "--sensitivities", "adjoint"], "--sensitivities"),
        (["--fit", "Positive particle diffusivity [m2.s-1]", "--data-set", "other.csv:Ambient temperature [K]=310"], "one of the --data files"),
        (["--fit", "Positive particle diffusivity [m2.s-1]", "--data-set", "\(FitCommandLineTests.log):Positive particle diffusivity [m2.s-1]=1e-14"], "is fitted"),
        (["--fit", "Positive particle diffusivity [m2.s-1]", "--data-set", "\(FitCommandLineTests.log):Ambient temperature [K]=1000"], "Ambient temperature"),
    ])
    func badInput(_ extra: [String], _ message: String) throws {
        let folder = temporaryFolder("fit-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["fit", "--model", Self.model, "--data", Self.log] + extra + ["--output", folder])
        #expect(run.status == 2)
        #expect(run.error.split(separator: "\n").count == 1, "\(run.error)")
        #expect(run.error.contains(message), "\(run.error)")
    }

    @Test("empty data and a file without voltages end in one line, exit code 2")
    func badData() throws {
        let folder = temporaryFolder("fit-data")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "".write(toFile: folder + "/empty.csv", atomically: true, encoding: .utf8)
        let empty = try ProcessRun.solidcell(["fit", "--model", Self.model, "--data", folder + "/empty.csv", "--fit", Self.keys[0],
                                              "--output", folder + "/out"])
        #expect(empty.status == 2)
        #expect(empty.error.split(separator: "\n").count == 1 && empty.error.contains("empty.csv"), "\(empty.error)")
        try "Cycle,Discharge capacity [A.h]\n1,0.001\n".write(toFile: folder + "/cycles.csv", atomically: true, encoding: .utf8)
        let noProtocol = try ProcessRun.solidcell(["fit", "--model", Self.model, "--data", folder + "/cycles.csv", "--fit", Self.keys[0],
                                                   "--output", folder + "/out"])
        #expect(noProtocol.status == 2)
        #expect(noProtocol.error.contains("--experiment"), "\(noProtocol.error)")
    }
}
