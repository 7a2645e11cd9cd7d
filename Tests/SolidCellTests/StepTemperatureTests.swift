import Foundation
import TestSupport
import Testing
@testable import Protocols
@testable import Simulator

/// PyBaMM's `"… at 45oC"`: the ambient temperature of one step; the model is isothermal at it.
@Suite("Step temperatures")
struct StepTemperatureTests {
    @Test("a step at the model's own ambient is the same step; a colder one delivers less; the next step is back at the ambient")
    func ambientPerStep() throws {
        // The Xu cell with activation energies for transport and kinetics (its file has none).
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1", [
            "Electrolyte conductivity activation energy [J.mol-1]": 30_000,
            "Positive particle diffusivity activation energy [J.mol-1]": 30_000,
            "Positive electrode exchange-current density activation energy [J.mol-1]": 30_000,
        ])
        let celsius = parameters.temperature - 273.15
        func run(_ text: String) throws -> SimulationResult { try runExpectingSuccess(parameters, text) }
        let plain = try run("Discharge at 1C until 3.5 V")
        let same = try run("Discharge at 1C until 3.5 V at \(celsius)oC")
        #expect(same.steps.map(\.dischargedCharge) == plain.steps.map(\.dischargedCharge))
        #expect(same.timeSeries.voltage == plain.timeSeries.voltage)

        let cold = try run("Discharge at 1C until 3.5 V at 0oC")
        #expect(cold.steps[0].dischargedCharge < 0.95 * plain.steps[0].dischargedCharge)
        #expect(cold.timeSeries.voltage[1] < plain.timeSeries.voltage[1])  // larger polarisation at switch-on

        // A rest at open circuit changes nothing whatever its temperature (the OCP does not depend
        // on it), so a discharge after a cold rest, back at the ambient, is the plain discharge.
        let afterColdRest = try run("Rest for 1 minute at 0oC; Discharge at 1C until 3.5 V")
        let afterRest = try run("Rest for 1 minute; Discharge at 1C until 3.5 V")
        #expect(abs(afterColdRest.steps[1].dischargedCharge - afterRest.steps[1].dischargedCharge)
                <= 1e-9 * afterRest.steps[1].dischargedCharge)
        #expect(abs(afterColdRest.steps[1].dischargedCharge - plain.steps[0].dischargedCharge) <= 1e-6 * plain.steps[0].dischargedCharge)
    }

    @Test("a step temperature outside the model's range is one clear error before anything runs")
    func outOfRange() throws {
        let experiment = try Experiment(parsing: "Rest for 1 minute; Discharge at 1C until 3.5 V at 1000oC")
        #expect(throws: StepTemperatureError.self) { try StepTemperatureError.check(experiment) }
        do { try StepTemperatureError.check(experiment) } catch {
            #expect(error.description.hasPrefix("step 2 (\"Discharge at 1C until 3.5 V at 1000oC\"): the ambient temperature 1273.15 K"))
        }
        let run = try ProcessRun.solidcell(["simulate", "--model", "xu2019-nmc532-half-cell-t1", "--experiment",
                                            "Discharge at 1C until 3.5 V at 1000oC"])
        #expect(run.status == 2)
        #expect(run.error.split(separator: "\n").count == 1 && run.error.contains("outside the model's 150.0…600.0 K"), "\(run.error)")
    }
}
