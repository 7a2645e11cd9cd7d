import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// A run whose second step times out: 5 minutes at 1C, then a 0.001C discharge with no end that
/// does not reach a cut-off within the hour allowed to a step.
func runIntoStepTimeout() throws -> (parameters: CellParameters, result: SimulationResult) {
    var options = SimulationOptions()
    options.maximumStepDuration = 3600
    let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
    let result = Simulation(parameters: parameters,
                            experiment: try Experiment(parsing: "Discharge at 1C for 5 minutes; Discharge at 0.001C"),
                            options: options).run()
    return (parameters, result)
}

/// Runs an experiment once and records an issue if it stops on a failure.
func runExpectingSuccess(_ parameters: CellParameters, _ text: String) throws -> SimulationResult {
    let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: text)).run()
    #expect(result.failure == nil, "\(text): \(result.failure?.message ?? "")")
    return result
}

@Suite("Simulation protocols")
struct SimulationTests {
    @Test("every step of a CC-CV cycle ends exactly on its condition, and the cycle totals add up")
    func cccvCycle() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let experiment = try Experiment(parsing: """
            Discharge at 1C until 3.6 V
            Rest for 10 minutes
            Charge at 0.5C until 4.1 V
            Hold at 4.1 V until C/20
            """)
        let result = Simulation(parameters: parameters, experiment: experiment, cycles: 2).run()
        #expect(result.failure == nil)
        try #require(result.steps.count == 8)
        let series = result.timeSeries
        for record in result.steps {
            let last = try #require((0..<series.count).last { series.step[$0] == record.step && series.cycle[$0] == record.cycle })
            #expect(series.time[last] == record.endTime)
            switch record.step {
            case 1: #expect(abs(series.voltage[last] - 3.6) < 1e-9); #expect(record.end == .condition("3.6 V"))
            case 2: #expect(abs(record.endTime - record.startTime - 600) < 1e-9); #expect(record.end == .duration)
            case 3: #expect(abs(series.voltage[last] - 4.1) < 1e-9)
            case 4:
                #expect(abs(abs(series.current[last]) - 0.05 * parameters.nominalCapacity) < 1e-9)
                #expect(abs(series.voltage[last] - 4.1) < 1e-6)
            default: Issue.record("unexpected step \(record.step)")
            }
        }
        // Rest: zero current; constant-current steps: the prescribed current throughout (both to the
        // rounding of the Newton update of the current, i − (A i)/A, which is not exactly i).
        for k in 0..<series.count where series.step[k] == 2 { #expect(abs(series.current[k]) < 1e-12) }
        for k in 0..<series.count where series.step[k] == 1 { #expect(abs(series.current[k] - parameters.nominalCapacity) < 1e-12) }
        let cycle2 = result.cycles[1]
        #expect(abs(cycle2.dischargeCapacity - result.steps[4].dischargedCharge) < 1e-15)
        #expect(abs(cycle2.chargeCapacity + result.steps[6].dischargedCharge + result.steps[7].dischargedCharge) < 1e-12)
        // The capacity counter restarts at each cycle.
        let firstOfCycle2 = try #require(series.cycle.firstIndex(of: 2))
        #expect(series.dischargeCapacity[firstOfCycle2] == 0)
        #expect(abs(cycle2.retention - 100 * cycle2.dischargeCapacity / result.cycles[0].dischargeCapacity) < 1e-9)
        #expect(result.cycles[0].retention == 100)
        #expect(cycle2.coulombicEfficiency > 0.9 && cycle2.coulombicEfficiency <= 1.0 + 1e-6)
        // Energy: the quadrature agrees with the trapezoidal rule over every solver step, and the
        // round trip loses energy to polarisation: EE = CE × V̄_discharge / V̄_charge < CE.
        func trapezoidalEnergy(cycle: Int, step: Int) -> Double {
            let k = (0..<series.count).filter { series.cycle[$0] == cycle && series.step[$0] == step }
            return zip(k, k.dropFirst()).reduce(0) { sum, pair in
                let (a, b) = pair
                return sum + 0.5 * (series.time[b] - series.time[a])
                    * (series.voltage[a] * series.current[a] + series.voltage[b] * series.current[b]) / 3600
            }
        }
        let trapezoidal = (discharge: trapezoidalEnergy(cycle: 2, step: 1),
                           charge: -trapezoidalEnergy(cycle: 2, step: 3) - trapezoidalEnergy(cycle: 2, step: 4))
        #expect(abs(cycle2.dischargeEnergy - trapezoidal.discharge) < 1e-4 * trapezoidal.discharge)
        #expect(abs(cycle2.chargeEnergy - trapezoidal.charge) < 1e-4 * trapezoidal.charge)
        #expect(abs(cycle2.dischargeEnergy - cycle2.meanDischargeVoltage * cycle2.dischargeCapacity) < 1e-15)
        #expect(abs(cycle2.energyEfficiency - cycle2.dischargeEnergy / cycle2.chargeEnergy) < 1e-15)
        #expect(cycle2.energyEfficiency > 0.8 && cycle2.energyEfficiency < cycle2.coulombicEfficiency)
    }

    @Test("a step's \"(… period)\" records it every period, plus the DC-resistance pulse and the cut-off; the answer is unchanged")
    func sampledSteps() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        func run(_ text: String) throws -> SimulationResult { try runExpectingSuccess(parameters, text) }
        let sampled = try run("Rest for 10 minutes (1 minute period); Discharge at 1C until 3.5 V (5 minutes period)")
        let everyStep = try run("Rest for 10 minutes; Discharge at 1C until 3.5 V")
        let series = sampled.timeSeries
        let rest = (0..<series.count).filter { series.step[$0] == 1 }.map { series.time[$0] }
        #expect(rest == (0...10).map { 60.0 * Double($0) })
        let discharge = (0..<series.count).filter { series.step[$0] == 2 }.map { series.time[$0] }
        let start = sampled.steps[1].startTime, cutoff = sampled.steps[1].endTime
        let grid = stride(from: start + 300, to: cutoff, by: 300).map { $0 }
        #expect(discharge == [start, start + Simulation.dcResistancePulse] + grid + [cutoff])
        #expect(abs(series.voltage.last! - 3.5) < 1e-9)
        // IDA integrates alike and interpolates at the sample times: the same capacity, and the same
        // DC resistance (the pulse's end is sampled), to within the tolerances.
        let capacity = sampled.cycles[0].dischargeCapacity, reference = everyStep.cycles[0].dischargeCapacity
        #expect(abs(capacity - reference) < 1e-5 * reference)
        #expect(abs(sampled.cycles[0].dcResistance - everyStep.cycles[0].dcResistance) < 1e-3 * everyStep.cycles[0].dcResistance)
        #expect(everyStep.timeSeries.count > 5 * series.count)
        // Energy is a quadrature IDA integrates with the solution, not a sum over the samples: the
        // mean discharge voltage does not depend on them (the trapezoidal rule over these samples
        // was 3e-5 off).
        let voltage = sampled.cycles[0].meanDischargeVoltage, referenceVoltage = everyStep.cycles[0].meanDischargeVoltage
        #expect(abs(voltage - referenceVoltage) < 1e-9 * referenceVoltage)
    }

    @Test("the side-reaction charge is integrated with the solution, however sparsely it is recorded")
    func sampledSideReaction() throws {
        let parameters = try loadModel("zhou2025-ncm811-lpsc-fine")
        func sideCharge(_ text: String) throws -> Double { try runExpectingSuccess(parameters, text).cycles[0].sideReactionCharge }
        let sampled = try sideCharge("Charge at 0.5C until 4.3 V (20 minutes period); Hold at 4.3 V until C/20 (20 minutes period)")
        let everyStep = try sideCharge("Charge at 0.5C until 4.3 V; Hold at 4.3 V until C/20")
        #expect(everyStep > 0)
        #expect(abs(sampled - everyStep) < 1e-9 * everyStep)
    }

    @Test("sample schedule: grid times from the step's start, the extra time once, the end last")
    func sampleSchedule() {
        func times(_ schedule: SampleSchedule) -> [Double] {
            var schedule = schedule, time = schedule.start, seen: [Double] = []
            while time < schedule.end, seen.count < 100 {
                time = schedule.nextSample(after: time)
                seen.append(time)
            }
            return seen
        }
        #expect(times(SampleSchedule(start: 100, end: 130, period: 10)) == [110, 120, 130])
        #expect(times(SampleSchedule(start: 100, end: 125, period: 10, extraTime: 103)) == [103, 110, 120, 125])
        // An extra time on the grid is sampled once; one beyond the end never.
        #expect(times(SampleSchedule(start: 0, end: 30, period: 5, extraTime: 10)) == [5, 10, 15, 20, 25, 30])
        #expect(times(SampleSchedule(start: 0, end: 8, period: 5, extraTime: 10)) == [5, 8])
        // A period longer than the step: just its end.
        #expect(times(SampleSchedule(start: 0, end: 8, period: 60)) == [8])
        // 0.1 is not exact in binary: the grid still advances by one sample at a time.
        #expect(times(SampleSchedule(start: 0, end: 1, period: 0.1)).count == 10)
        // Without a period every solver step is recorded: integrate towards the end.
        var everyStep = SampleSchedule(start: 0, end: 8, period: nil, extraTime: 3)
        #expect(everyStep.everyStep && everyStep.nextSample(after: 1) == 8)
    }

    @Test("a load the cell cannot take at any voltage fails at switch-on, saying so, with IDA's message")
    func impossibleSwitchOn() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        // 100 W is far beyond this 3.7 mA h cell's maximum power (of order 5 W): no state carries it.
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Rest for 1 minute; Discharge at 100 W for 10 s")).run()
        let failure = try #require(result.failure)
        #expect(failure.step == 2 && failure.time == 60)
        #expect(failure.message.hasPrefix("no consistent state at the step's switch-on (IDACalcIC failed"), "\(failure.message)")
        #expect(result.steps.count == 2 && result.steps[0].end == .duration)
        #expect(result.cycles[0].chargeCapacity.sign == .plus)
    }

    @Test("a switch-on far from the present operating point is reached by continuation")
    func switchOnContinuation() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        func run(_ text: String) throws -> SimulationResult { try runExpectingSuccess(parameters, text) }
        func switchOn(_ result: SimulationResult, step: Int) throws -> (voltage: Double, current: Double) {
            let series = result.timeSeries
            let k = try #require(series.step.firstIndex(of: step))
            return (series.voltage[k], series.current[k])
        }
        // A potential step of half a volt after a discharge (IDA's Newton iteration alone diverges
        // from the discharge's potentials): the hold starts at its voltage with a large charging
        // current, which grows with the step, and decays to its end condition.
        let small = try switchOn(run("Discharge at 2C until 3.5 V; Hold at 3.85 V until C/50"), step: 2)
        let held = try run("Discharge at 2C until 3.5 V; Hold at 4.0 V until C/50")
        let large = try switchOn(held, step: 2)
        #expect(abs(large.voltage - 4.0) < 1e-9)
        #expect(large.current < small.current && small.current < -10 * parameters.nominalCapacity)
        #expect(held.steps[1].end == .condition("0.02C"))
        // 5 A (about 1 400C) from rest: the consistent state exists but lies beyond the upper cut-off,
        // so the step ends at once there instead of failing.
        let pulse = try run("Rest for 1 minute; Charge at 5 A for 10 s")
        #expect(pulse.steps[1].end == .voltageLimit(parameters.upperVoltageCutoff))
        #expect(pulse.steps[1].endTime == pulse.steps[1].startTime)
        let beyond = try switchOn(pulse, step: 2)
        #expect(beyond.voltage > parameters.upperVoltageCutoff && abs(beyond.current + 5) < 1e-9)
    }

    @Test("a step whose condition already holds is skipped, not run")
    func alreadySatisfied() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        // The cell starts at 4.2 V: charging "until 4.0 V" is already satisfied.
        let result = Simulation(parameters: parameters,
                                experiment: try Experiment(parsing: "Charge at 1C until 4.0 V; Rest for 1 minute")).run()
        #expect(result.failure == nil)
        #expect(result.steps[0].end == .alreadySatisfied("4.0 V"))
        #expect(result.steps[0].endTime == result.steps[0].startTime)
        #expect(result.steps[1].end == .duration)
    }

    @Test("power and specific-current steps deliver what they prescribe")
    func powerAndSpecificCurrent() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let experiment = try Experiment(parsing: "Discharge at 5 mW for 10 minutes; Discharge at 100 mA/g for 5 minutes")
        let result = Simulation(parameters: parameters, experiment: experiment).run()
        #expect(result.failure == nil)
        let series = result.timeSeries
        for k in 0..<series.count where series.step[k] == 1 {
            #expect(abs(series.current[k] * series.voltage[k] - 5e-3) < 1e-9)
        }
        let expected = 100 * parameters.positiveActiveMaterialMass
        for k in 0..<series.count where series.step[k] == 2 { #expect(abs(series.current[k] - expected) < 1e-12) }
    }

    @Test("a solver failure keeps everything computed before it and says where it stopped")
    func failureKeepsResults() throws {
        let (_, result) = try runIntoStepTimeout()
        let failure = try #require(result.failure)
        #expect(failure.step == 2)
        #expect(failure.cycle == 1)
        #expect(result.steps[0].end == .duration)
        #expect(result.timeSeries.time.contains { $0 >= 300 })
        #expect(failure.description.contains("step 2"))
    }

    /// Why ``Simulation/initialConditionHorizon`` is short: after a current reversal in a cell with
    /// double layers (τ ~ ms), IDACalcIC's Newton iteration converges in a few iterations only when
    /// c_j = 1/(10⁻³ horizon) makes ∂F/∂ẏ dominate the differential columns.
    @Test("consistent initial conditions after a current reversal take a few Newton iterations with the short horizon")
    func initialConditionsAfterReversal() throws {
        let parameters = try loadModel("zhou2025-ncm811-lpsc-fine")
        #expect(parameters.positiveDoubleLayerCapacity > 0)
        let charged = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 0.5C for 20 minutes")).run()
        let state = try #require(charged.finalState), derivative = try #require(charged.finalDerivative)
        var iterations: [Double: Int] = [:]
        for horizon in [Simulation.initialConditionHorizon, 1] {
            var model = P2DModel(parameters: parameters)
            model.control = .current(amperes: 0.5 * parameters.nominalCapacity)
            let solver = try model.makeSolver(relativeTolerance: 1e-6, absoluteTolerance: 1e-8, state: state, derivative: derivative,
                                              consistentBy: horizon)
            iterations[horizon] = solver.statistics.nonlinearIterations
        }
        print("IDACalcIC Newton iterations after a 0.5C charge → discharge reversal, by horizon [s]: \(iterations)")
        #expect(iterations[Simulation.initialConditionHorizon]! <= 5)
        #expect(iterations[Simulation.initialConditionHorizon]! < iterations[1]!)
    }
}
