import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import Comparison
@testable import MeasuredData
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// Issue #19: `solidcell compare` drives the model with a measured log and compares.
@Suite("solidcell compare", .serialized)
struct CompareCommandLineTests {
    static let model = "xu2019-nmc532-half-cell-t1"
    static let mesh = ["--set", "Separator mesh points=5", "--set", "Positive electrode mesh points=10",
                       "--set", "Positive particle mesh points=10"]
    static let protocolText = "Rest for 10 minutes; Discharge at 1C until 3.5 V; Rest for 20 minutes; "
        + "Charge at 0.5C for 30 minutes; Hold at 4.0 V for 10 minutes; Rest for 5 minutes"

    /// Simulates the protocol and writes its timeseries as a Battery Data Format file (current
    /// positive on charge, as BDF counts it); returns the file's path.
    static func measuredFile(in folder: String) throws -> String {
        // A current profile (pulses of changing height, every 20 s) at the end: a varying-current step.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var table = "Time [s],Current [A]\n"
        for k in 0...15 { table += "\(20 * k),\(0.0024 * (k % 2 == 0 ? 0.5 : 1.5) * (1 + 0.05 * Double(k)))\n" }
        try table.write(toFile: folder + "/profile.csv", atomically: true, encoding: .utf8)
        let run = try ProcessRun.solidcell(["simulate", "--model", model] + mesh
                                           + ["--experiment", protocolText + "; Run current profile \(folder)/profile.csv",
                                              "--period", "10", "--output", folder + "/sim"])
        #expect(run.status == 0, "\(run.error)")
        let lines = try String(contentsOfFile: folder + "/sim/timeseries.csv", encoding: .utf8).split(separator: "\n")
        var bdf = "Test Time / s,Voltage / V,Current / A,Step Count / 1\n"
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            // Time [s], Cycle, Step, Current [A] (discharge positive), Voltage [V], …
            bdf += "\(f[0]),\(f[4]),\(-Double(f[3])!),\(f[2])\n"
        }
        let path = folder + "/measured-bdf.csv"
        try bdf.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func json(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/comparison.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("round trip: the model's own output (with a current profile) as BDF data is reproduced to < 0.1 mV RMS, capacities to 1e-4")
    func roundTrip() throws {
        let folder = temporaryFolder("compare")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try Self.measuredFile(in: folder)
        let run = try ProcessRun.solidcell(["compare", "--model", Self.model] + Self.mesh + ["--data", data, "--output", folder + "/cmp"])
        #expect(run.status == 0, "\(run.error)")
        let summary = try Self.json(folder + "/cmp")
        let rms = try #require(summary["voltage_rms_mV"] as? Double)
        let largest = try #require(summary["voltage_max_mV"] as? Double)
        #expect(rms < 0.1, "RMS \(rms) mV")
        #expect(largest < 1, "largest \(largest) mV")
        let steps = try #require(summary["steps"] as? [[String: Any]])
        #expect(steps.map { $0["kind"] as? String } == ["rest", "constant current", "rest", "constant current", "constant voltage", "rest",
                                                   "varying current"])
        for step in steps where step["kind"] as? String != "constant voltage" {
            // The measured capacity of a hold is the trapezoidal rule over its 10 s samples, which
            // misses its fast initial decay; every other step's current is constant.
            let measured = try #require(step["measured_capacity_Ah"] as? Double)
            let simulated = try #require(step["simulated_capacity_Ah"] as? Double)
            #expect(abs(simulated - measured) <= 1e-4 * max(abs(measured), 1e-3), "step \(step)")
            let d1 = try #require(step["measured_duration_s"] as? Double), d2 = try #require(step["simulated_duration_s"] as? Double)
            #expect(abs(d1 - d2) < 0.1, "step \(step)")
        }
        let cycles = try #require(summary["cycles"] as? [[String: Any]])
        #expect(cycles.count == 1)
        let m = try #require(cycles.first?["measured_discharge_capacity_Ah"] as? Double)
        let s = try #require(cycles.first?["simulated_discharge_capacity_Ah"] as? Double)
        #expect(abs(s - m) <= 1e-4 * m)
        let csv = try String(contentsOfFile: folder + "/cmp/comparison.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "Time [s],Measured voltage [V],Simulated voltage [V],Measured current [A],Simulated current [A]")
        #expect(FileManager.default.fileExists(atPath: folder + "/cmp/voltage.svg"))

        // A changed parameter: the same data, a slower particle diffusion.
        let changed = try ProcessRun.solidcell(["compare", "--model", Self.model] + Self.mesh
            + ["--set", "Positive particle diffusivity [m2.s-1]=3e-15", "--data", data, "--output", folder + "/changed"])
        #expect(changed.status == 0, "\(changed.error)")
        let other = try #require(try Self.json(folder + "/changed")["voltage_rms_mV"] as? Double)
        #expect(other > 1, "RMS with a changed diffusivity \(other) mV")
        #expect(other > 1000 * rms)
    }

    @Test("a varying-current step becomes one current-profile step through its samples, with the measured charge")
    func varyingCurrent() throws {
        // A current changing at every 10 s sample, with no step numbers: one varying-current step.
        var time: [Double] = [], current: [Double] = []
        for k in 0...60 {
            time.append(10 * Double(k))
            current.append(1e-3 * (1 + 0.5 * sin(Double(k))))
        }
        let series = MeasuredTimeSeries(time: time, voltage: current.map { 3.9 - 50 * $0 }, current: current,
                                        source: MeasuredSource(file: "x", format: .bdf, currentSign: .dischargePositive,
                                                               headerLines: 1, skippedLines: 0))
        let steps = series.steps()
        #expect(steps.map(\.kind) == [.varyingCurrent])
        let plan = ComparisonPlan(series: series, steps: steps)
        #expect(plan.experiment.steps.count == 1)
        guard case .profile(.current, let key)? = plan.experiment.steps.first?.control, let profile = plan.profiles[key] else {
            Issue.record("not a profile step: \(plan.experiment.steps)")
            return
        }
        #expect(profile.quantity == .current && profile.times == time && profile.values == current && profile.duration == 600)
        #expect(profile.value(at: 15) == 0.5 * (current[1] + current[2]))
        #expect(abs(plan.mappings[0].capacity - steps[0].capacity) < 1e-15)
    }

    @Test("Run current profile: parsed into a step holding the path; a constant table runs as the constant current, a ramp passes its integral")
    func currentProfileStep() throws {
        let step = try #require(try Experiment(parsing: "Run current profile data/pulses 1.csv").steps.first)
        #expect(step.control == .profile(.current, path: "data/pulses 1.csv") && step.duration == nil)
        #expect(throws: ExperimentParseError.self) { try Experiment(parsing: "Run current profile") }
        #expect(throws: ExperimentParseError.self) { try Experiment(parsing: "Run at 1 A") }

        let parameters = try loadModel(Self.model, ["Separator mesh points": 5, "Positive electrode mesh points": 10,
                                                    "Positive particle mesh points": 10])
        let amperes = parameters.nominalCapacity
        var constant = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Rest for 1 minute; Run current profile flat"))
        constant.profiles["flat"] = ControlProfile(times: [0, 300, 600], amperes: [amperes, amperes, amperes])
        let reference = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Rest for 1 minute; Discharge at \(amperes) A for 600 s"))
        let a = constant.run(), b = reference.run()
        #expect(a.failure == nil && b.failure == nil, "\(String(describing: a.failure))")
        #expect(abs(a.timeSeries.time.last! - 660) < 1e-9 && abs(a.timeSeries.voltage.last! - b.timeSeries.voltage.last!) < 1e-6)
        #expect(abs(a.steps[1].dischargedCharge - amperes / 6) < 1e-9 * amperes)

        var ramp = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Run current profile ramp"))
        ramp.profiles["ramp"] = ControlProfile(times: [0, 100, 400], amperes: [0, 2 * amperes, -amperes])
        let r = ramp.run()
        #expect(r.failure == nil, "\(String(describing: r.failure))")
        let expected = (0.5 * 100 * 2 * amperes + 0.5 * 300 * amperes) / 3600  // (2A·100/2 + (2A − A)·300/2) / 3600
        #expect(abs(r.steps[0].dischargedCharge - expected) < 1e-6 * amperes, "\(r.steps[0].dischargedCharge) vs \(expected)")
        #expect(abs(r.timeSeries.time.last! - 400) < 1e-9)
        var missing = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Run current profile nowhere.csv"))
        missing.options.maxSteps = 100
        #expect(missing.run().failure?.message.contains("nowhere.csv") == true)
    }

    @Test("a PyBaMM log of the same cell (validation/pybamm/xu2019_log.bdf.csv) is reproduced; one with two parameters changed is not, until they are set")
    func pybammLog() throws {
        func rms(_ file: String, _ overrides: [String] = []) throws -> Double {
            var set = try loadParameterSet(Self.model)
            for assignment in overrides { try ParameterOverrides.apply([assignment], to: &set) }
            let series = try #require(try MeasuredDataReader.read(url: URL(fileURLWithPath: "\(repositoryRoot)/validation/pybamm/\(file)")).timeSeries)
            let result = try MeasuredComparison.run(parameters: try CellParameters(set), series: series,
                                                    initialState: .modelInitialConcentration)
            #expect(result.simulation.failure == nil)
            return try #require(result.voltageRMSmV)
        }
        #expect(try rms("xu2019_log.bdf.csv") < 0.1)  // the cross-check's own agreement, well inside 3 mV
        #expect(try rms("xu2019_log_changed.bdf.csv") > 3)
        #expect(try rms("xu2019_log_changed.bdf.csv", ["Positive particle diffusivity [m2.s-1]=2e-14",
                                                       "Positive electrode exchange-current density [A.m-2]=2.119049248194614"]) < 0.1)
    }

    @Test("bad inputs end in one line naming the flag and the value, exit code 2")
    func badInputs() throws {
        let folder = temporaryFolder("compare-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try ProcessRun.solidcell(["compare", "--model", Self.model, "--data", folder + "/nothing.csv", "--output", folder])
        #expect(missing.status == 2)
        #expect(missing.error.split(separator: "\n").count == 1)
        #expect(missing.error.contains("--data") && missing.error.contains("nothing.csv"), "\(missing.error)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "Test Time / s,Voltage / V,Current / A\n0,4.0,0\n1,4.0,0\n".write(toFile: folder + "/d.csv", atomically: true, encoding: .utf8)
        let sign = try ProcessRun.solidcell(["compare", "--model", Self.model, "--data", folder + "/d.csv",
                                             "--current-sign", "upwards", "--output", folder + "/out"])
        #expect(sign.status == 2)
        #expect(sign.error.split(separator: "\n").count == 1)
        #expect(sign.error.contains("--current-sign") && sign.error.contains("upwards")
                && sign.error.contains("charge-positive or discharge-positive"), "\(sign.error)")
        let profile = try ProcessRun.solidcell(["simulate", "--model", Self.model, "--experiment",
                                                "Rest for 1 minute; Run current profile \(folder)/missing-profile.csv", "--output", folder + "/out"])
        #expect(profile.status == 2 && profile.error.split(separator: "\n").count == 1
                && profile.error.contains("missing-profile.csv") && profile.error.contains("Run current profile"), "\(profile.error)")
        let soc = try ProcessRun.solidcell(["compare", "--model", Self.model, "--data", folder + "/d.csv",
                                            "--initial-soc", "2", "--output", folder + "/out"])
        #expect(soc.status == 2 && soc.error.split(separator: "\n").count == 1 && soc.error.contains("--initial-soc"), "\(soc.error)")
    }
}
