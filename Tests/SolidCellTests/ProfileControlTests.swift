import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import Comparison
@testable import Protocols
@testable import Simulator

/// Issue #19: a step's power or voltage (not only its current) can follow a table.
@Suite("Power and voltage profiles")
struct ProfileControlTests {
    static let mesh: [String: Double] = ["Separator mesh points": 5, "Positive electrode mesh points": 10,
                                         "Positive particle mesh points": 10]

    func run(_ text: String, profiles: [String: ControlProfile] = [:]) throws -> SimulationResult {
        var simulation = Simulation(parameters: try loadModel("xu2019-nmc532-half-cell-t1", Self.mesh), experiment: try Experiment(parsing: text))
        simulation.profiles = profiles
        simulation.options.samplePeriod = 30
        let result = simulation.run()
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        return result
    }

    @Test("the step language names the quantity")
    func parsing() throws {
        #expect(try Experiment(parsing: "Run power profile drive.csv").steps[0].control == .profile(.power, path: "drive.csv"))
        #expect(try Experiment(parsing: "Run voltage profile v.csv").steps[0].control == .profile(.voltage, path: "v.csv"))
        #expect(throws: ExperimentParseError.self) { try Experiment(parsing: "Run heat profile h.csv") }
    }

    @Test("a constant power table runs as the constant-power step; a ramp passes the table's energy")
    func power() throws {
        let table = ControlProfile(.power, times: [0, 300, 600], values: [0.005, 0.005, 0.005])
        let profile = try run("Rest for 1 minute; Run power profile p", profiles: ["p": table])
        let constant = try run("Rest for 1 minute; Discharge at 0.005 W for 10 minutes")
        #expect(abs(profile.timeSeries.voltage.last! - constant.timeSeries.voltage.last!) < 1e-6)
        #expect(abs(profile.steps[1].dischargedCharge / constant.steps[1].dischargedCharge - 1) < 1e-6)
        let ramp = ControlProfile(.power, times: [0, 600], values: [0.002, 0.008])
        let ramped = try run("Rest for 1 minute; Run power profile r", profiles: ["r": ramp])
        let energy = 0.5 * (0.002 + 0.008) * 600 / 3600  // W h
        #expect(abs(ramped.steps[1].energy / energy - 1) < 1e-4, "\(ramped.steps[1].energy) W h vs \(energy)")
    }

    @Test("a constant voltage table runs as the hold; a voltage ramp is followed")
    func voltage() throws {
        let table = ControlProfile(.voltage, times: [0, 300, 600], values: [3.9, 3.9, 3.9])
        let profile = try run("Rest for 1 minute; Run voltage profile v", profiles: ["v": table])
        let hold = try run("Rest for 1 minute; Hold at 3.9 V for 10 minutes")
        #expect(abs(profile.timeSeries.current.last! - hold.timeSeries.current.last!) < 1e-8)
        #expect(abs(profile.steps[1].dischargedCharge / hold.steps[1].dischargedCharge - 1) < 1e-5)
        let ramp = ControlProfile(.voltage, times: [0, 600], values: [3.95, 3.85])
        let ramped = try run("Rest for 1 minute; Run voltage profile r", profiles: ["r": ramp])
        let s = ramped.timeSeries
        for k in s.time.indices where s.step[k] == 2 {
            #expect(abs(s.voltage[k] - ramp.value(at: s.time[k] - 60 + ramp.start)) < 1e-7, "at \(s.time[k]) s")
        }
    }

    @Test("a table whose header names another quantity than the step is refused with one line")
    func wrongTable() throws {
        let folder = temporaryFolder("profile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "Time [s],Voltage [V]\n0,3.9\n60,3.8\n".write(toFile: folder + "/v.csv", atomically: true, encoding: .utf8)
        #expect(throws: ProfileFile.Problem.self) { try ProfileFile.read(path: folder + "/v.csv", quantity: .power) }
        let voltage = try ProfileFile.read(path: folder + "/v.csv", quantity: .voltage)
        #expect(voltage.quantity == .voltage && voltage.values == [3.9, 3.8])
        let run = try ProcessRun.solidcell(["simulate", "--model", "xu2019-nmc532-half-cell-t1",
                                            "--experiment", "Run power profile \(folder)/v.csv", "--output", folder + "/out"])
        #expect(run.status == 2 && run.error.split(separator: "\n").count == 1 && run.error.contains("Power [W]"), "\(run.error)")
    }
}
