import CellModel
import DAESolver
import Foundation
import Interpolation
import Parameters
import Protocols

/// The mutable state of one run.
final class Runner {
    let simulation: Simulation
    let solver: IDASolver<P2DModel>
    var solveTime = Duration.zero
    /// The contact-damage law's bookkeeping, when the model has one.
    var degradation: CycleDegradation?
    /// The perturbed models of the forward sensitivities, when the run carries them.
    private var perturbations: ParameterPerturbations?
    /// What is gathered during the cycle being run.
    var cycleData = CycleMeasurements()
    /// A cap on IDA's cumulative step count, past which a step fails (a landing of a cycle jump
    /// that costs far more than a cycle should is abandoned rather than run to `maxSteps`).
    var stepLimit: Int?
    /// The state being recorded and its per-class stoichiometries (reused, so that recording a
    /// step allocates nothing).
    private var recordingBuffer: [Double]
    private var classStoichiometryBuffer: [Double]

    /// Voltage and current of the last sample recorded (the open-circuit state before the first step).
    var lastSample = (voltage: Double.nan, current: 0.0)

    /// Samples and measurements of one cycle, started afresh at every cycle.
    struct CycleMeasurements {
        var series = TimeSeries()
        /// The side-reaction charge quadrature at the cycle's start [A h].
        var sideChargeAtStart = 0.0
        /// The 10-second DC resistance, once measured [Ω].
        var dcResistance = Double.nan
        /// Interfacial resistance at the end of the last charging step [Ω].
        var resistanceAfterCharge = Double.nan
    }

    init(simulation: Simulation) throws {
        for step in simulation.experiment.steps {
            if case .profile(_, let path) = step.control, simulation.profiles[path] == nil {
                throw MissingProfile(path: path)
            }
        }
        self.simulation = simulation
        let model = P2DModel(parameters: simulation.parameters)
        let o = simulation.options
        recordingBuffer = model.restingState()
        classStoichiometryBuffer = [Double](repeating: 0, count: model.classCount)
        // Made consistent at each step's switch-on, with the step's control.
        let solver = try model.makeSolver(relativeTolerance: o.relativeTolerance, absoluteTolerance: o.absoluteTolerance,
                                          maxSteps: o.maxSteps)
        if let request = simulation.sensitivity {
            perturbations = try Self.enableSensitivities(request, on: solver, simulation: simulation)
        }
        degradation = CycleDegradation(model: model, sensitivities: perturbations?.count ?? 0)
        self.solver = solver
    }

    /// Starts the forward sensitivities a run asks for (``SensitivityRequest``), those of the
    /// running totals (``Quadrature``) included.
    private static func enableSensitivities(_ request: SensitivityRequest, on solver: IDASolver<P2DModel>,
                                            simulation: Simulation) throws -> ParameterPerturbations {
        guard simulation.options.acceleration == nil else {
            throw SensitivitiesUnavailable(reason: "cycle jumping extrapolates between cycles, outside the sensitivity equations")
        }
        guard !solver.system.isSymmetricCell else {
            throw SensitivitiesUnavailable(reason: "a symmetric cell's voltage is not linear in the state, and its dV/dθ is not implemented")
        }
        guard let perturbations = ParameterPerturbations(reference: solver.system, plus: request.plus, minus: request.minus,
                                                         steps: request.steps) else {
            throw SensitivitiesUnavailable(reason: "a fitted key changes the model's unknowns")
        }
        let initial = perturbations.initialSensitivities()
        let zero = [[Double]](repeating: [Double](repeating: 0, count: solver.stateCount), count: initial.count)
        // (The solver keeps the closure: it holds the solver unowned.)
        try solver.enableSensitivities(initial: initial, initialDerivative: zero, parameterDerivative: { [unowned solver] i, t, y, yp, out in
            try perturbations.residualDerivative(i, time: t, state: y, derivative: yp, into: out, following: solver.system)
        }, quadratureDerivative: { [unowned solver] i, t, y, yp, s, sp, out in
            perturbations.quadratureDerivative(i, time: t, state: y, derivative: yp, sensitivity: s, sensitivityDerivative: sp,
                                               into: out, following: solver.system)
        })
        return perturbations
    }

    /// Whether the run carries forward sensitivities.
    private var carriesSensitivities: Bool { simulation.sensitivity != nil }

    /// At an event that ends a step at t*(θ), the state handed on is y(t*(θ)), whose sensitivity
    /// is sᵢ + ẏ dt*/dθᵢ with dt*/dθᵢ = −(∂g/∂y · sᵢ)/(∂g/∂y · ẏ) from g(y(t*), θ) = 0 (the root
    /// functions depend on the state only); likewise the running totals' sensitivities move by
    /// q(t*) dt*/dθᵢ.
    /// IDAS's sensitivities, restarted at each step's start, are at fixed time since that start, so
    /// the shifts dt*/dθᵢ returned are those of the step's duration.
    private func moveSensitivitiesToEvent(_ event: Int) -> [Double]? {
        let y = solver.state, yp = solver.derivative, model = solver.system
        let rate = model.eventDerivative(event, state: y, along: yp)
        guard rate != 0, rate.isFinite else { return nil }
        var s = solver.sensitivities
        var shifts: [Double] = []
        for i in s.indices {
            let shift = -model.eventDerivative(event, state: y, along: s[i]) / rate
            for k in s[i].indices { s[i][k] += yp[k] * shift }
            shifts.append(shift)
        }
        solver.setSensitivities(s, derivatives: solver.sensitivityDerivatives)
        var totals = solver.quadratureSensitivities
        if !totals.isEmpty, let integrands = try? solver.quadratureIntegrandsAtCurrentSolution() {
            for i in totals.indices { for m in totals[i].indices { totals[i][m] += integrands[m] * shifts[i] } }
            solver.setQuadratureSensitivities(totals)
        }
        return shifts
    }

    func run(into result: inout SimulationResult, progress: ((SimulationProgress) -> Void)?,
             cycleCompleted: ((CycleSummary, TimeSeries) -> Void)?) {
        defer {
            result.finalState = solver.state
            result.finalDerivative = solver.derivative
            if let degradation {
                result.finalContactDamage = solver.system.contactDamage
                if carriesSensitivities { result.finalContactDamageSensitivities = degradation.damageSensitivities }
            }
            result.solveTime = Double(solveTime.components.seconds) + Double(solveTime.components.attoseconds) * 1e-18
            result.solverStatistics = solver.cumulativeStatistics
            result.linearSolver = solver.linearSolverKind
            result.linearSolverFallbackReason = solver.linearSolverFallbackReason
            result.linearSolverSkeleton = solver.condensedSkeletonDescription
        }
        // The cell is at rest at t = 0: the open-circuit state is the "before" of a first discharge.
        lastSample = (voltage: solver.system.voltage(solver.state), current: 0)
        guard let acceleration = simulation.options.acceleration, simulation.cycles > CycleJumpController.cyclesBeforeFirstJump
        else {
            for cycle in 1...simulation.cycles {
                let outcome = runCycle(cycle, into: &result, progress: progress)
                report(outcome, into: &result, cycleCompleted: cycleCompleted)
                if result.failure != nil || result.stop != nil { break }
                degradation?.endCycle(solver, perturbations: perturbations)
            }
            return
        }
        runWithJumps(acceleration, into: &result, progress: progress, cycleCompleted: cycleCompleted)
    }

    /// What one cycle produced before it is reported.
    struct CycleOutcome {
        var summary: CycleSummary
        var series: TimeSeries
    }

    /// Runs every step of one cycle, appending the steps' records (and a failure) to `result`;
    /// the cycle's summary is returned, not yet appended.
    func runCycle(_ cycle: Int, into result: inout SimulationResult, progress: ((SimulationProgress) -> Void)?) -> CycleOutcome {
        let steps = simulation.experiment.steps
        let firstStep = result.steps.count
        cycleData = CycleMeasurements(sideChargeAtStart: quadrature(.sideReactionCharge))
        for (index, step) in steps.enumerated() {
            progress?(SimulationProgress(cycle: cycle, cycles: simulation.cycles, step: index + 1,
                                         steps: steps.count, time: solver.time, lastCycle: result.cycles.last))
            do {
                result.steps.append(try runStep(step, number: index + 1, cycle: cycle, resetCapacity: index == 0))
                // An outcome that ends the run (not a failure): the step's end says why.
                if let end = result.steps.last?.end, end.endsTheRun {
                    result.stop = end.description
                    break
                }
            } catch {
                // The step's record holds what it did up to the stop (its duration, charge and
                // energy so far), not zeros.
                result.steps.append(error.record)
                result.failure = SimulationFailure(cycle: cycle, step: index + 1, stepText: step.text,
                                                   time: solver.time, message: error.message)
                break
            }
        }
        return CycleOutcome(summary: summary(of: cycle, steps: result.steps[firstStep...], cycles: result.cycles,
                                             complete: result.failure == nil && result.stop == nil),
                            series: cycleData.series)
    }

    /// Appends a cycle's summary (and its samples, when kept) to the result and hands it on.
    func report(_ outcome: CycleOutcome, into result: inout SimulationResult,
                cycleCompleted: ((CycleSummary, TimeSeries) -> Void)?) {
        result.cycles.append(outcome.summary)
        cycleCompleted?(outcome.summary, outcome.series)
        if simulation.options.keptCycles.keeps(outcome.summary.cycle, of: simulation.cycles) || result.failure != nil
            || result.stop != nil {
            result.timeSeries.append(outcome.series)
        }
    }

    /// Runs one protocol step. When it stops before its end (a solver failure or a cancellation), it
    /// throws a ``StepStopped`` whose record holds what the step did up to the stop: its duration,
    /// the charge and energy passed, and the last solution the solver reached (recorded as a sample,
    /// so the time series and the record agree).
    private func runStep(_ step: ExperimentStep, number: Int, cycle: Int, resetCapacity: Bool) throws(StepStopped) -> StepRecord {
        var control = simulation.control(for: step)
        if case .profile(var profile) = control {
            profile.start = solver.time
            control = .profile(profile)
        }
        let events = simulation.events(for: step, control: control)
        let stepDuration = simulation.duration(of: step)
        // The last sample before this step (of this cycle, an earlier one, or the resting state at
        // t = 0), for the DC resistance.
        let before = lastSample
        solver.system.control = control
        solver.system.events = events.map(\.event)
        var state = solver.state
        if resetCapacity {
            state[solver.system.dischargedCapacityIndex] = 0
            if carriesSensitivities {
                var s = solver.sensitivities
                for i in s.indices { s[i][solver.system.dischargedCapacityIndex] = 0 }
                solver.setSensitivities(s, derivatives: solver.sensitivityDerivatives)
            }
        }
        let start = solver.time
        let firstSample = cycleData.series.count
        let direction = control.direction
        var started: (charge: Double, energy: Double)?
        var end: StepEnd?
        var durationShifts: [Double]?
        var startedSensitivity: [Double]?
        do {
            // With every particle isolated no current can flow and no step can switch on: the run ends here.
            if solver.system.everyParticleIsolated {
                started = (solver.system.dischargedCapacity(solver.state), quadrature(.energy))
                return finish(step, number: number, cycle: cycle, control: control, start: start, started: started,
                              samples: firstSample..<cycleData.series.count, before: before, end: .activeMaterialIsolated,
                              pulseComplete: { _ in true })
            }
            try setAmbientTemperature(step.temperature ?? simulation.parameters.temperature)
            try timed { try switchOn(to: control, at: start, from: state, duration: stepDuration) }
            if control.isProfile { try timed { try setProfileRates(at: start) } }
            started = (solver.system.dischargedCapacity(solver.state), quadrature(.energy))
            if carriesSensitivities { startedSensitivity = dischargedCapacitySensitivities() }
            record(cycle: cycle, step: number)
            degradation?.observe(solver, perturbations: perturbations)

            let y = solver.state
            let margin = simulation.parameters.negativeInterface?.penetration.map { criterion in
                y.withUnsafeBufferPointer { solver.system.penetrationMargin(criterion, $0).value }
            } ?? 1
            for (event, reason) in events
            where simulation.alreadyMet(event, direction: direction, voltage: solver.system.voltage(y),
                                        current: solver.system.current(y), profile: control.isProfile,
                                        penetrationMargin: margin,
                                        platedLithium: solver.system.platedLithiumIndex.map { y[$0] } ?? .infinity) {
                // A condition already met at switch-on ends the step at once: its own condition (skipped),
                // or the model's voltage cut-off (the cell is already beyond it under this load).
                if case .condition(let text) = reason { end = .alreadySatisfied(text) } else { end = reason }
                break
            }

            let endTime = start + (stepDuration ?? simulation.options.maximumStepDuration)
            if end == nil { try solver.setStopTime(endTime) }
            // The step's "(… period)", else the run's option; a sampled discharge that measures the DC
            // resistance is also sampled at the end of the pulse.
            let measuresPulse = direction > 0 && cycleData.dcResistance.isNaN
            var schedule = SampleSchedule(start: start, end: endTime, period: step.period ?? simulation.options.samplePeriod,
                                          extraTime: measuresPulse ? start + Simulation.dcResistancePulse : nil)
            var solverCalls = 0
            while end == nil {
                if simulation.options.cancellation?.isCancelled == true { throw SimulationInterrupted() }
                if let stepLimit, solverCalls % 16 == 0, solver.cumulativeStatistics.steps > stepLimit {
                    throw StepBudgetExceeded(limit: stepLimit)
                }
                // In one-step mode IDA's own step limit applies per call, so bound the calls here.
                solverCalls += 1
                if schedule.everyStep && solverCalls > simulation.options.maxSteps {
                    throw SimulationStepLimit(limit: simulation.options.maxSteps)
                }
                let target = schedule.nextSample(after: solver.time)
                // A current profile's points are stop times, so that IDA steps onto each kink of
                // the piecewise-linear current rather than across it.
                let kink = control.nextProfilePoint(after: solver.time).map { min($0, endTime) }
                if let kink { try solver.setStopTime(kink) }
                let outcome = try timed {
                    schedule.everyStep ? try solver.step(toward: target) : try solver.advance(to: target)
                }
                if carriesSensitivities, case .root(let indices, _) = outcome { durationShifts = moveSensitivitiesToEvent(indices[0]) }
                // A stop at a kink between two sample times is not a sample.
                let atKinkOnly = !schedule.everyStep && solver.time < target && solver.time == kink
                if !atKinkOnly { record(cycle: cycle, step: number) }
                if case .root(let indices, _) = outcome {
                    end = events[indices[0]].end
                    // (A symmetric cell's root is the smaller contact: say which foil lost it.)
                    if end == .contactLost, solver.system.isSymmetricCell, let b = solver.system.positiveLithiumContactIndex,
                       let a = solver.system.lithiumContactIndex, solver.state[b] < solver.state[a] {
                        end = .positiveContactLost
                    }
                } else if solver.time >= endTime {
                    guard stepDuration != nil else {
                        throw SimulationStepTimeout(limit: simulation.options.maximumStepDuration)
                    }
                    end = .duration
                }
            }
        } catch {
            let message = (error as? SolverError)?.description ?? "\(error)"
            // After a failed solver call the solver holds its last successful step: record it.
            if started != nil, let last = cycleData.series.time.last, solver.time > last { record(cycle: cycle, step: number) }
            let record = finish(step, number: number, cycle: cycle, control: control, start: start, started: started,
                                samples: firstSample..<cycleData.series.count, before: before, end: .failed(message),
                                pulseComplete: { $0 >= start + Simulation.dcResistancePulse })
            throw StepStopped(record: record, message: message)
        }
        degradation?.observe(solver, perturbations: perturbations)
        var record = finish(step, number: number, cycle: cycle, control: control, start: start, started: started,
                            samples: firstSample..<cycleData.series.count, before: before, end: end!, pulseComplete: { _ in true })
        record.durationSensitivities = durationShifts
        if let startedSensitivity {
            record.dischargedChargeSensitivities = zip(dischargedCapacitySensitivities(), startedSensitivity).map { $0 - $1 }
        }
        return record
    }

    /// ∂/∂θᵢ of the discharged-capacity unknown [A h] at the current time.
    private func dischargedCapacitySensitivities() -> [Double] {
        let index = solver.system.dischargedCapacityIndex
        return (0..<solver.sensitivityCount).map { i in solver.withSensitivity(i) { $0[index] } }
    }

    /// A step's record, and the cycle's measurements it provides (the DC resistance, when the
    /// step is the cycle's first discharge and ran past the pulse, `pulseComplete(last time)`; the
    /// interfacial resistance after a charge). `started`: the discharged-capacity counter and energy
    /// quadrature after switch-on (nil when the step failed to switch on: nothing passed).
    private func finish(_ step: ExperimentStep, number: Int, cycle: Int, control: CellControl, start: Double,
                        started: (charge: Double, energy: Double)?, samples: Range<Int>,
                        before: (voltage: Double, current: Double), end: StepEnd,
                        pulseComplete: (Double) -> Bool) -> StepRecord {
        let direction = control.direction
        if let lastIndex = samples.last {
            lastSample = (cycleData.series.voltage[lastIndex], cycleData.series.current[lastIndex])
        }
        guard let started else {
            return StepRecord(cycle: cycle, step: number, text: step.text, startTime: start, endTime: start,
                              end: end, dischargedCharge: 0, energy: 0)
        }
        if direction > 0, cycleData.dcResistance.isNaN, let last = samples.last, pulseComplete(cycleData.series.time[last]) {
            cycleData.dcResistance = Self.dcResistance(cycleData.series, samples: samples, before: before)
        }
        if direction < 0 || (control.isVoltageHold && solver.system.current(solver.state) < 0) {
            cycleData.resistanceAfterCharge = solver.system.chargeTransferResistance(solver.state)
        }
        return StepRecord(cycle: cycle, step: number, text: step.text, startTime: start, endTime: solver.time, end: end,
                          dischargedCharge: solver.system.dischargedCapacity(solver.state) - started.charge,
                          energy: quadrature(.energy) - started.energy)
    }

    /// Runs the model at ambient temperature `kelvin` from here on (a step's `"… at 45oC"`, or the
    /// model's own ambient after such a step): the model is rebuilt with every temperature-dependent
    /// constant (conductivity, diffusivity, exchange currents, side reactions) evaluated at the new
    /// temperature, keeping its state, control, events and contact damage; the cell is isothermal
    /// at the ambient, so the change takes effect at once.
    private func setAmbientTemperature(_ kelvin: Double) throws {
        guard solver.system.parameters.temperature != kelvin else { return }
        guard CellParameters.allowedTemperatures.contains(kelvin) else {
            throw StepTemperatureOutOfRange(kelvin: kelvin)
        }
        var parameters = solver.system.parameters
        parameters.temperature = kelvin
        var model = P2DModel(parameters: parameters)
        model.control = solver.system.control
        model.events = solver.system.events
        model.contactDamage = solver.system.contactDamage
        solver.system = model
    }

    /// Makes the state consistent with a step's control at its switch-on (IDACalcIC: the
    /// differential states, concentrations, films and double layers, stay; the potentials and the
    /// current follow). IDA's Newton iteration starts from the last step's potentials and current;
    /// far from the new operating point (a voltage hold half a volt from the present voltage, a
    /// huge current from rest) it can diverge before it gets close. Then the same consistent state
    /// is approached by continuation: the control's target moves from the value the cell has
    /// towards the step's own, each stage's solution the next stage's starting guess, the stride
    /// doubled after a stage that converges and halved after one that does not. Only the
    /// last stage's equations are the step's, so the state reached does not depend on the path.
    private func switchOn(to control: CellControl, at start: Double, from state: [Double], duration: Double?) throws {
        let derivative = solver.derivative
        func makeConsistent(_ target: CellControl, from y: [Double], horizon: Double) throws(SolverError) {
            solver.system.control = target
            try solver.reinitialize(time: start, state: y, derivative: derivative)
            try solver.computeConsistentInitialConditions(firstOutputTime: start + horizon)
        }
        let firstFailure: SolverError
        do throws(SolverError) {
            try makeConsistent(control, from: state, horizon: Simulation.initialConditionHorizon)
            return
        } catch { firstFailure = error }
        // The step's own horizon sometimes converges where the short one does not (a 400C step from rest).
        do throws(SolverError) {
            try makeConsistent(control, from: state, horizon: min(duration ?? 1, 1))
            return
        } catch {}
        var reached = 0.0, stride = 0.25, guess = state
        while reached < 1 {
            let fraction = min(reached + stride, 1)
            do throws(SolverError) {
                try makeConsistent(control.partway(fraction, from: state, of: solver.system), from: guess,
                                   horizon: Simulation.initialConditionHorizon)
                guess = solver.state
                reached = fraction
                stride *= 2
            } catch {
                stride /= 2
                guard stride >= Simulation.smallestSwitchOnStride else {
                    solver.system.control = control
                    throw SwitchOnFailure(solverError: firstFailure)
                }
            }
        }
    }

    /// Under a current profile the algebraic unknowns (current, potentials) move with I(t) from
    /// the start, but IDACalcIC leaves their rates at the last step's (zero after a rest); IDA's
    /// first error test then fails at every step size (the predictor misses I's slope, an error
    /// ∝ h against a fixed tolerance). Their rates are set by a difference: the consistent
    /// algebraic state a millisecond later, the differential state held.
    private func setProfileRates(at start: Double) throws {
        let delta = 1e-3
        let y0 = solver.state, yp0 = solver.derivative
        let s0 = solver.sensitivities, sp0 = solver.sensitivityDerivatives
        try solver.reinitialize(time: start + delta, state: y0, derivative: yp0)
        try solver.computeConsistentInitialConditions(firstOutputTime: start + delta + Simulation.initialConditionHorizon)
        let y1 = solver.state
        var yp = yp0
        for k in y0.indices where y1[k] != y0[k] { yp[k] = (y1[k] - y0[k]) / delta }
        // The sensitivities, likewise: the algebraic ones' rates from the same difference.
        if carriesSensitivities {
            let s1 = solver.sensitivities
            var sp = sp0
            for i in sp.indices { for k in y0.indices where y1[k] != y0[k] { sp[i][k] = (s1[i][k] - s0[i][k]) / delta } }
            solver.setSensitivities(s0, derivatives: sp)
        }
        try solver.reinitialize(time: start, state: y0, derivative: yp)
    }

    /// A running total the solver integrates with the solution, at its current time.
    private func quadrature(_ total: Quadrature) -> Double { solver.quadratures[total.rawValue] }

    /// The DC resistance: the voltage drop per current step over the first 10 s of a cycle's first
    /// discharge step, R = (V_before − V(t₀ + 10 s)) / (I(t₀ + 10 s) − I_before), or at the step's
    /// end when it is shorter. "Before" is the last sample before the discharge whichever cycle it
    /// was in (the previous step of the cycle, the last step of the previous cycle), and for a
    /// discharge that is the run's first step the open-circuit state at t = 0 (I = 0: the cell
    /// starts at rest). A discharge stopped (failure, interruption) before the 10 s is not measured.
    static func dcResistance(_ series: TimeSeries, samples: Range<Int>, before: (voltage: Double, current: Double)) -> Double {
        guard let first = samples.first, let last = samples.last else { return .nan }
        let times = Array(series.time[samples])
        let at = min(series.time[first] + Simulation.dcResistancePulse, series.time[last])
        guard let voltage = interpolate(times, Array(series.voltage[samples]), at: at),
              let current = interpolate(times, Array(series.current[samples]), at: at), current != before.current else { return .nan }
        return (before.voltage - voltage) / (current - before.current)
    }

    /// Appends the current solution to the cycle's samples. Allocates nothing (beyond the amortised
    /// growth of the sample arrays): the state is copied into a reused buffer.
    private func record(cycle: Int, step: Int) {
        let model = solver.system
        let averages = solver.withCurrentSolution { state, _ in
            recordingBuffer.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = state[index] }
            }
            return classStoichiometryBuffer.withUnsafeMutableBufferPointer {
                model.particleAverages(state, classStoichiometry: $0)
            }
        }
        let y = recordingBuffer
        cycleData.series.hasCompositeElectrode = !model.isSymmetricCell
        cycleData.series.time.append(solver.time)
        cycleData.series.cycle.append(cycle)
        cycleData.series.step.append(step)
        cycleData.series.current.append(model.current(y))
        cycleData.series.voltage.append(model.voltage(y))
        cycleData.series.dischargeCapacity.append(model.dischargedCapacity(y))
        cycleData.series.averageStoichiometry.append(averages.stoichiometry)
        cycleData.series.stackPressure.append(model.stackPressure(y))
        cycleData.series.meanContactFraction.append(averages.contactFraction)
        cycleData.series.classStoichiometry.append(classes: model.classCount) { classStoichiometryBuffer[$0] }
        if carriesSensitivities {
            cycleData.series.voltageSensitivities.append(classes: solver.sensitivityCount) { i in
                solver.withSensitivity(i) { model.voltageDerivative(along: $0) }
            }
        }
        if model.hasLithiumContact { recordNegativeInterface(model, y) }
        if let q = model.platedLithiumIndex {
            cycleData.series.platedLithium.append(y[q] / NegativeInterfaceParameters.coulombsPerSquareMetrePerMilliampHourPerSquareCentimetre)
        }
    }

    /// Runs `body`, adding its wall time to the solve time.
    private func timed<T>(_ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let started = clock.now
        defer { solveTime += clock.now - started }
        return try body()
    }

    /// The cycle's totals. A cycle that did not run to its end (`complete` false: a step failed
    /// or the run was stopped) has its totals up to the stop but no retention: it is not compared
    /// with complete cycles, nor used as their reference.
    private func summary(of cycle: Int, steps records: ArraySlice<StepRecord>, cycles: [CycleSummary],
                         complete: Bool) -> CycleSummary {
        let discharge = records.filter { $0.dischargedCharge > 0 }
        let charge = records.filter { $0.dischargedCharge < 0 }
        let dischargeCapacity = discharge.reduce(0) { $0 + $1.dischargedCharge }
        let chargeCapacity = 0 - charge.reduce(0) { $0 + $1.dischargedCharge }  // (0 − x: no −0 without a charge)
        let energy = discharge.reduce(0) { $0 + $1.energy }
        let chargeEnergy = 0 - charge.reduce(0) { $0 + $1.energy }
        let grams = simulation.parameters.positiveActiveMaterialMass * 1000
        let completeCycles = cycles.filter(\.complete)
        let best = max(completeCycles.map(\.dischargeCapacity).max() ?? 0, dischargeCapacity)
        let retention = completeCycles.first.map { 100 * dischargeCapacity / $0.dischargeCapacity } ?? 100
        return CycleSummary(
            cycle: cycle, complete: complete, chargeCapacity: chargeCapacity, dischargeCapacity: dischargeCapacity,
            // (A cell without a composite electrode has no active material: NaN.)
            specificChargeCapacity: grams > 0 ? chargeCapacity * 1000 / grams : .nan,
            specificDischargeCapacity: grams > 0 ? dischargeCapacity * 1000 / grams : .nan,
            coulombicEfficiency: chargeCapacity > 0 ? dischargeCapacity / chargeCapacity : .nan,
            retention: complete ? retention : .nan,
            retentionOfMaximum: complete && best > 0 ? 100 * dischargeCapacity / best : .nan,
            meanDischargeVoltage: dischargeCapacity > 0 ? energy / dischargeCapacity : .nan,
            dischargeEnergy: energy, chargeEnergy: chargeEnergy,
            energyEfficiency: chargeEnergy > 0 ? energy / chargeEnergy : .nan,
            dcResistance: cycleData.dcResistance, interfacialResistanceAfterCharge: cycleData.resistanceAfterCharge,
            sideReactionCharge: quadrature(.sideReactionCharge) - cycleData.sideChargeAtStart,
            meanContactFraction: cycleData.series.meanContactFraction.last ?? .nan,
            minimumNegativeContactFraction: cycleData.series.negativeContactFraction.min() ?? .nan,
            minimumPositiveContactFraction: cycleData.series.positiveContactFraction.min() ?? .nan)
    }
}

extension CellControl {
    /// The same kind of control, its target a fraction s of the way from the value the cell has in
    /// state y (its current, voltage or power) to this control's own: a stage of the switch-on
    /// continuation.
    func partway(_ s: Double, from y: [Double], of model: P2DModel) -> CellControl {
        guard s < 1 else { return self }  // (exactly the step's own target, not present + (target − present))
        func blend(_ present: Double, _ target: Double) -> Double { present + s * (target - present) }
        switch self {
        case .current(let amperes): return .current(amperes: blend(model.current(y), amperes))
        case .voltage(let volts): return .voltage(volts: blend(model.voltage(y), volts))
        case .power(let watts): return .power(watts: blend(model.voltage(y) * model.current(y), watts))
        case .profile(let profile):
            // Towards the profile's first value, as the constant control of its kind.
            return CellControl.profile(profile).instantaneous(at: profile.start).partway(s, from: y, of: model)
        }
    }
}

extension CellControl {
    var isProfile: Bool {
        if case .profile = self { return true }
        return false
    }

    /// The solver time of a profile's first point after `time`, nil past its last point or for
    /// any other control.
    func nextProfilePoint(after time: Double) -> Double? {
        guard case .profile(let profile) = self else { return nil }
        let x = time - profile.start
        guard let last = profile.times.last, last > x else { return nil }
        var (low, high) = (0, profile.times.count - 1)   // times[high] > x
        while high - low > 1 {
            let mid = (low + high) / 2
            if profile.times[mid] > x { high = mid } else { low = mid }
        }
        return profile.start + (profile.times[low] > x ? profile.times[low] : profile.times[high])
    }

    var isVoltageHold: Bool {
        if case .voltage = self { return true }
        return false
    }

    /// +1 discharge, −1 charge, 0 rest or voltage hold (or voltage profile); a current or power
    /// profile by its first value.
    var direction: Int {
        switch self {
        case .current(let a): return a > 0 ? 1 : (a < 0 ? -1 : 0)
        case .power(let w): return w > 0 ? 1 : (w < 0 ? -1 : 0)
        case .voltage: return 0
        case .profile(let p): return instantaneous(at: p.start).direction
        }
    }
}
