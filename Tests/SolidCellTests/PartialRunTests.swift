import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import OutputFiles
@testable import Protocols
@testable import Simulator

/// Issue #18, items 1 and 2: a step or cycle stopped part-way reports what happened up to the
/// stop (not zeros) and is marked incomplete; the DC resistance of a discharge that opens the run
/// or a cycle is measured from the state before it.
@Suite("Partial runs and the DC resistance")
struct PartialRunTests {
    @Test("a step stopped by a failure mid-way keeps its duration, charge and energy up to the stop; its cycle is incomplete")
    func failedStepKeepsWhatHappened() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        var options = SimulationOptions()
        options.maxSteps = 40  // every-step recording: the 41st solver call of a step is a failure
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Discharge at 1C until 3.5 V"),
                                cycles: 3, options: options).run()
        let failure = try #require(result.failure)
        #expect(failure.step == 1 && failure.cycle == 1)
        let step = try #require(result.steps.last)
        #expect(step.endTime > step.startTime)
        #expect(step.endTime == result.timeSeries.time.last)
        #expect(step.dischargedCharge > 0)
        #expect(abs(step.dischargedCharge - result.timeSeries.dischargeCapacity.last!) < 1e-12)
        #expect(step.energy > 0)
        let cycle = try #require(result.cycles.last)
        #expect(!cycle.complete)
        #expect(cycle.dischargeCapacity == step.dischargedCharge)
        #expect(cycle.retention.isNaN && cycle.retentionOfMaximum.isNaN)
        let csv = OutputWriter.cyclesCSV(result.cycles).split(separator: "\n")
        #expect(csv[0].hasSuffix(",Complete,Simulated"))
        #expect(csv[1].hasSuffix(",false,true"))
        let summary = try JSONSerialization.jsonObject(with: OutputWriter.summaryJSON(result, inputs: RunInputs(
            model: "xu", modelPath: "", overrides: [], experiment: [], cycles: 3))) as? [String: Any]
        #expect(summary?["partial"] as? Bool == true)
        #expect(summary?["complete_cycles"] as? Int == 0)
    }

    @Test("a step that runs out of time keeps its duration and charge, and completed cycles before it stay complete")
    func timeoutKeepsWhatHappened() throws {
        let (_, result) = try runIntoStepTimeout()
        #expect(result.failure != nil)
        let step = result.steps[1]
        #expect(abs(step.endTime - step.startTime - 3600) < 1e-6)
        #expect(step.dischargedCharge > 0)
        #expect(abs(result.cycles[0].dischargeCapacity - (result.steps[0].dischargedCharge + step.dischargedCharge)) < 1e-12)
        #expect(!result.cycles[0].complete)
    }

    @Test("a cancelled run marks its last cycle incomplete, keeps the earlier ones complete and their retention")
    func cancelledCycle() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        var options = SimulationOptions()
        let flag = CancellationFlag()
        options.cancellation = flag
        let simulation = Simulation(parameters: parameters,
                                    experiment: try Experiment(parsing: "Discharge at 1C for 2 minutes; Charge at 1C for 2 minutes"),
                                    cycles: 10, options: options)
        // Stop at the start of cycle 3's first step: it switches on and stops at its first solver step.
        let result = simulation.run(progress: { if $0.cycle == 3 { flag.cancel() } })
        #expect(result.failure?.message.contains("interrupted") == true)
        #expect(result.cycles.map(\.complete) == [true, true, false])
        #expect(result.cycles[1].retention.isFinite)
        #expect(result.cycles[2].retention.isNaN)
        #expect(result.steps.last?.end == .failed("interrupted (Ctrl-C or a termination signal)"))
    }

    @Test("the DC resistance of a run that starts with a discharge is measured from the open-circuit state at t = 0")
    func dcResistanceFromRest() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let result = try runExpectingSuccess(parameters, "Discharge at 1C until 3.5 V")
        let model = P2DModel(parameters: parameters)
        let open = model.voltage(model.restingState())
        let series = result.timeSeries
        let k = try #require(series.time.firstIndex { $0 >= Simulation.dcResistancePulse })
        // Linear interpolation at 10 s, as the measurement does.
        let w = (Simulation.dcResistancePulse - series.time[k - 1]) / (series.time[k] - series.time[k - 1])
        let v = series.voltage[k - 1] + w * (series.voltage[k] - series.voltage[k - 1])
        let i = series.current[k - 1] + w * (series.current[k] - series.current[k - 1])
        let r = result.cycles[0].dcResistance
        #expect(r.isFinite && r > 0)
        #expect(abs(r - (open - v) / i) < 1e-9 * r)
    }

    @Test("the README's first example has a DC resistance in every cycle (the discharge is the cycle's first step)")
    func dcResistanceEveryCycle() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing:
            "Discharge at 1C until 3.5 V; Rest for 10 minutes; Charge at 0.5C until 4.2 V; Hold at 4.2 V until C/20"),
                                cycles: 2).run()
        #expect(result.failure == nil)
        #expect(result.cycles.count == 2)
        for cycle in result.cycles { #expect(cycle.dcResistance.isFinite && cycle.dcResistance > 0) }
    }
}
