import DAESolver
import Foundation

/// Cycle jumping: the cell's slow state is integrated across cycles instead of simulating every
/// cycle (adaptive inter-cycle extrapolation: Sulzer et al., J. Electrochem. Soc. 168, 120531
/// (2021); the cycle-jump idea of fatigue-damage simulation).
///
/// The state at the start of a cycle — every particle's contact damage, every interphase film,
/// every particle's lithium, the double layers — changes by a small amount per cycle when the
/// cell degrades slowly. Seen once per cycle it is a sequence z_N, advanced by one simulated
/// cycle, z_{N+1} = Φ(z_N). Three consecutive cycle starts give its per-cycle change
/// d = z_N − z_{N−1} and the change of that change c = d − (z_{N−1} − z_{N−2}); a jump of k cycles
/// is the second-order Taylor step of the sequence,
///
///     z_{N+k} = z_N + k d + k (k + 1)/2 c,
///
/// exact when z is quadratic in the cycle number. Concentrations are kept in [0, c_max], films
/// non-negative, damage never heals and a particle whose damage crosses the isolation threshold is
/// isolated. The algebraic unknowns (potentials, current, stack pressure) are made consistent
/// again at the next step's switch-on, and two cycles are simulated in full from the extrapolated
/// state. The change of discharge capacity between them, ΔQ, is compared with the change that the
/// last two such pairs predict (ΔQ linear in the cycle number); the difference estimates the
/// jump's error in retention points,
///
///     e = (k + 1)/2 · |ΔQ − ΔQ_predicted| / Q₁ · 100,
///
/// and the jump is accepted when e ≤ TOL; otherwise the state before it is restored and a shorter
/// jump is tried. The next jump's length follows e ∝ k³. Cycles jumped over are reported with
/// values interpolated linearly between the simulated cycles either side and marked as not
/// simulated.
public struct CycleAcceleration: Equatable, Sendable {
    /// The error allowed per jump, in retention points (percent of the first cycle's discharge
    /// capacity).
    public var tolerance: Double
    /// Cycles that are always simulated in full (a jump never passes over them). The first cycles
    /// and the last one are simulated anyway.
    public var reportCycles: [Int]

    public static let defaultTolerance = 0.1
    /// The tolerances a user may ask for [retention points].
    public static let allowedTolerances = 1e-3...10.0

    public init(tolerance: Double = CycleAcceleration.defaultTolerance, reportCycles: [Int] = []) {
        self.tolerance = tolerance
        self.reportCycles = reportCycles.sorted()
    }
}

/// How a run with cycle jumping went: cycles simulated, cycles jumped over, jumps tried and
/// rejected.
public struct CycleJumpStatistics: Equatable, Sendable {
    public var simulatedCycles = 0
    public var jumpedCycles = 0
    public var acceptedJumps = 0
    public var rejectedJumps = 0
    /// Times a jump of a single cycle was still too inaccurate, so the next cycle was simulated
    /// instead (the slow state changes too fast for the tolerance there).
    public var cyclesTooFastToJump = 0

    public init() {}
}

/// The jump-length control of ``CycleAcceleration``: which jumps to try and whether to accept them.
/// Pure bookkeeping on cycle numbers and capacities, so that it can be tested on its own.
struct CycleJumpController {
    let tolerance: Double
    let lastCycle: Int
    let reportCycles: [Int]
    /// Cycles simulated in full before the first jump: the first cycle is often unlike the others
    /// (the first charge, the first contact loss), so the per-cycle changes are read from cycles
    /// 2 → 3 → 4.
    static let cyclesBeforeFirstJump = 4
    /// Bounds on how much one jump's length may grow or shrink relative to the last.
    static let growthLimit = 4.0
    static let shrinkLimit = 0.25
    /// Safety factor on the step-size formula.
    static let safety = 0.8

    /// The length of the next jump to try.
    private(set) var proposedLength = 1

    init(acceleration: CycleAcceleration, lastCycle: Int) {
        tolerance = acceleration.tolerance
        self.lastCycle = lastCycle
        reportCycles = acceleration.reportCycles
    }

    /// The tolerance as a discharge capacity [A h], given the first cycle's.
    func capacityTolerance(firstCapacity: Double) -> Double { tolerance / 100 * abs(firstCapacity) }

    /// The number of cycles to jump over after `completed` cycles have been run (0: simulate the
    /// next cycle). A jump of k lands on cycle m = completed + k + 1, and cycles m and m + 1 are
    /// simulated; neither passes the last cycle nor any report cycle.
    func jumpLength(afterCompleted completed: Int) -> Int {
        guard completed >= Self.cyclesBeforeFirstJump else { return 0 }
        let limit = reportCycles.first(where: { $0 > completed }).map { min($0, lastCycle) } ?? lastCycle
        let longest = limit - completed - 2
        guard longest >= 1 else { return 0 }
        return min(proposedLength, longest)
    }

    /// The first jump's length, from the capacities of the cycles simulated so far: the
    /// second-order step's error over k cycles is of order k³/6 |Q‴|, bounded here by the last
    /// second difference of the capacity, k³/6 |ΔQ_last − ΔQ_before|.
    mutating func start(capacities: [Double], firstCapacity: Double) {
        let allowed = capacityTolerance(firstCapacity: firstCapacity)
        let n = capacities.count
        guard n >= 3 else { proposedLength = 1; return }
        let change = abs(capacities[n - 1] - 2 * capacities[n - 2] + capacities[n - 3])
        proposedLength = change > 0 ? max(1, Int(Self.safety * cbrt(6 * allowed / change))) : lastCycle
    }

    /// The error estimate of a jump of `length` cycles [retention points], from the observed and
    /// the predicted per-cycle change of the discharge capacity where it landed.
    func error(length: Int, observedSlope: Double, predictedSlope: Double, firstCapacity: Double) -> Double {
        Double(length + 1) / 2 * abs(observedSlope - predictedSlope) / abs(firstCapacity) * 100
    }

    /// After a landing that failed: the next jump is a quarter as long.
    mutating func shorten() { proposedLength = max(1, Int(Double(proposedLength) * Self.shrinkLimit)) }

    /// Whether a jump with this error estimate is accepted; sets the next proposal either way.
    mutating func judge(length: Int, error: Double) -> Bool {
        let factor = error > 0 ? Self.safety * cbrt(tolerance / error) : Self.growthLimit
        let next = Double(length) * min(max(factor, Self.shrinkLimit), Self.growthLimit)
        proposedLength = max(1, Int(next.rounded(.down)))
        return error <= tolerance
    }
}

/// The per-cycle change of the discharge capacity, ΔQ = Q_{N+1} − Q_N, at the last two places it
/// was simulated, as a line in the cycle number.
struct CapacitySlopeTrend {
    /// (N + ½ for the change from cycle N to N + 1, the change [A h]).
    private(set) var points: [(cycle: Double, slope: Double)] = []

    mutating func add(afterCycle cycle: Int, slope: Double) {
        points.append((Double(cycle) + 0.5, slope))
        if points.count > 2 { points.removeFirst() }
    }

    /// The change predicted after `cycle`: the line through the last two, or the last one alone.
    func predicted(afterCycle cycle: Int) -> Double? {
        guard let last = points.last else { return nil }
        guard points.count == 2 else { return last.slope }
        let gradient = (points[1].slope - points[0].slope) / (points[1].cycle - points[0].cycle)
        return last.slope + gradient * (Double(cycle) + 0.5 - last.cycle)
    }
}

extension CycleSummary {
    /// A cycle jumped over: every quantity interpolated linearly in the cycle number between the
    /// simulated cycles `before` and `after`, marked as not simulated.
    static func interpolated(cycle: Int, between before: CycleSummary, and after: CycleSummary) -> CycleSummary {
        let s = Double(cycle - before.cycle) / Double(after.cycle - before.cycle)
        func mix(_ path: KeyPath<CycleSummary, Double>) -> Double {
            before[keyPath: path] + s * (after[keyPath: path] - before[keyPath: path])
        }
        var summary = after
        summary.cycle = cycle
        summary.isSimulated = false
        // Every quantity of a cycle that varies smoothly from cycle to cycle.
        let quantities: [WritableKeyPath<CycleSummary, Double>] = [
            \.chargeCapacity, \.dischargeCapacity, \.specificChargeCapacity, \.specificDischargeCapacity,
            \.coulombicEfficiency, \.retention, \.retentionOfMaximum, \.meanDischargeVoltage, \.dischargeEnergy,
            \.chargeEnergy, \.energyEfficiency, \.dcResistance, \.interfacialResistanceAfterCharge, \.sideReactionCharge,
            \.meanContactFraction,
        ]
        for path in quantities { summary[keyPath: path] = mix(path) }
        return summary
    }
}

/// The state of a run at the start of a cycle: what a jump extrapolates and a rejected jump restores.
struct CycleStartState {
    var time: Double
    var state: [Double]
    var derivative: [Double]
    var contactDamage: [Double]
    /// The last recorded sample (the "before" of the next cycle's DC resistance).
    var lastSample: (voltage: Double, current: Double)
}

/// The change of the cycle-start state over one simulated cycle that began from a settled state
/// (not from an extrapolated one, whose fast parts still relax during its first cycle).
struct CycleChange {
    /// N + ½ for the change from the start of cycle N to the start of cycle N + 1.
    var cycle: Double
    var state: [Double]
    var contactDamage: [Double]
    /// The cycle's duration [s].
    var duration: Double

    init(cycle: Int, from start: CycleStartState, to end: CycleStartState) {
        self.cycle = Double(cycle) + 0.5
        state = zip(end.state, start.state).map { $0 - $1 }
        contactDamage = zip(end.contactDamage, start.contactDamage).map { $0 - $1 }
        duration = end.time - start.time
    }
}

extension Runner {
    /// A landing pair may take this many times the IDA steps of the costliest simulated cycle.
    static let landingStepAllowance = 6
    /// Failed landings in a row after which a run stops jumping.
    static let failedLandingsBeforeGivingUp = 3

    func cycleStartState() -> CycleStartState {
        CycleStartState(time: solver.time, state: solver.state, derivative: solver.derivative,
                        contactDamage: solver.system.contactDamage, lastSample: lastSample)
    }

    func restore(_ start: CycleStartState) throws(SolverError) {
        solver.system.contactDamage = start.contactDamage
        lastSample = start.lastSample
        try solver.reinitialize(time: start.time, state: start.state, derivative: start.derivative)
    }

    /// Sets the run to the start of the cycle `length` cycles after `start`, from the last two
    /// per-cycle changes (the last, d, ending at `start`): z + k d + k (k + 1)/2 c, with c the change
    /// of d per cycle. Each unknown is kept in its physical range (``P2DModel/keepInPhysicalRange(_:)``),
    /// contact damage never heals, and particles whose damage crosses the isolation threshold are
    /// isolated (``CycleDegradation/settled(_:of:threshold:)``).
    func jump(_ length: Int, from start: CycleStartState, changes: [CycleChange]) throws(SolverError) {
        let (before, last) = (changes[changes.count - 2], changes[changes.count - 1])
        let k = Double(length), kk = k * (k + 1) / 2 / (last.cycle - before.cycle)
        func extrapolated(_ value: Double, _ change: Double, _ changeBefore: Double) -> Double {
            value + k * change + kk * (change - changeBefore)
        }
        var state = start.state
        for index in state.indices {
            state[index] = extrapolated(state[index], last.state[index], before.state[index])
        }
        solver.system.keepInPhysicalRange(&state)
        let parameters = simulation.parameters
        let classes = parameters.contactClasses.count
        var damage = start.contactDamage
        for index in damage.indices {
            let next = extrapolated(damage[index], last.contactDamage[index], before.contactDamage[index])
            damage[index] = CycleDegradation.settled(max(next, damage[index]), of: parameters.contactClasses[index % classes],
                                                     threshold: parameters.isolationThreshold)
        }
        solver.system.contactDamage = damage
        try solver.reinitialize(time: start.time + k * last.duration, state: state, derivative: start.derivative)
    }

    /// The cycle loop with jumps (``CycleAcceleration``): the first cycles are simulated, then each
    /// jump of k cycles lands on a pair of simulated cycles whose capacity change judges it.
    func runWithJumps(_ acceleration: CycleAcceleration, into result: inout SimulationResult,
                      progress: ((SimulationProgress) -> Void)?, cycleCompleted: ((CycleSummary, TimeSeries) -> Void)?) {
        var controller = CycleJumpController(acceleration: acceleration, lastCycle: simulation.cycles)
        var statistics = CycleJumpStatistics()
        defer { result.cycleJumps = statistics }
        var jumping = true
        var trend = CapacitySlopeTrend()
        /// The last two per-cycle changes of the state, the last one ending at the present state.
        var changes: [CycleChange] = []
        var completed = 0
        /// The most IDA steps a simulated cycle has taken.
        var mostStepsPerCycle = 0
        var failedLandings = 0

        /// Runs the next cycle in full and reports it.
        func simulateNext() -> Bool {
            let start = cycleStartState()
            let stepsBefore = solver.cumulativeStatistics.steps
            let outcome = runCycle(completed + 1, into: &result, progress: progress)
            report(outcome, into: &result, cycleCompleted: cycleCompleted)
            mostStepsPerCycle = max(mostStepsPerCycle, solver.cumulativeStatistics.steps - stepsBefore)
            statistics.simulatedCycles += 1
            completed += 1
            guard result.failure == nil && result.stop == nil else { return false }
            degradation?.endCycle(&solver.system)
            changes = changes.suffix(1) + [CycleChange(cycle: completed, from: start, to: cycleStartState())]
            if completed >= 2 {
                trend.add(afterCycle: completed - 1,
                          slope: result.cycles[completed - 1].dischargeCapacity - result.cycles[completed - 2].dischargeCapacity)
            }
            return true
        }

        while completed < simulation.cycles {
            let length = jumping ? controller.jumpLength(afterCompleted: completed) : 0
            guard length > 0, changes.count == 2 else {
                guard simulateNext() else { return }
                if completed == CycleJumpController.cyclesBeforeFirstJump {
                    controller.start(capacities: result.cycles.map(\.dischargeCapacity),
                                     firstCapacity: result.cycles[0].dischargeCapacity)
                }
                continue
            }
            let last = result.cycles[completed - 1]
            let firstCapacity = result.cycles[0].dischargeCapacity
            let checkpoint = cycleStartState()
            let stepCount = result.steps.count
            // The landing pair: cycles m = completed + length + 1 and m + 1, simulated from the
            // extrapolated state; the second starts settled, so its change is the next CycleChange.
            let landingCycle = completed + length + 1
            var landing: [CycleOutcome] = []
            var settledStart = checkpoint
            stepLimit = solver.cumulativeStatistics.steps + Self.landingStepAllowance * max(mostStepsPerCycle, 100)
            do {
                try jump(length, from: checkpoint, changes: changes)
                for cycle in landingCycle...(landingCycle + 1) {
                    settledStart = cycleStartState()
                    landing.append(runCycle(cycle, into: &result, progress: progress))
                    if result.failure != nil || result.stop != nil { break }
                    degradation?.endCycle(&solver.system)
                }
            } catch {
                result.failure = SimulationFailure(cycle: landingCycle, step: 1,
                                                   stepText: simulation.experiment.steps.first?.text ?? "",
                                                   time: solver.time, message: "\(error)")
            }
            stepLimit = nil
            statistics.simulatedCycles += landing.count
            var accepted = false
            if result.failure == nil, landing.count == 2, let predicted = trend.predicted(afterCycle: landingCycle) {
                let observed = landing[1].summary.dischargeCapacity - landing[0].summary.dischargeCapacity
                let error = controller.error(length: length, observedSlope: observed, predictedSlope: predicted,
                                             firstCapacity: firstCapacity)
                accepted = controller.judge(length: length, error: error)
                if accepted { trend.add(afterCycle: landingCycle, slope: observed) }
            }
            if accepted {
                for cycle in (completed + 1)...(completed + length) {
                    let summary = CycleSummary.interpolated(cycle: cycle, between: last, and: landing[0].summary)
                    report(CycleOutcome(summary: summary, series: TimeSeries()), into: &result, cycleCompleted: cycleCompleted)
                }
                for outcome in landing { report(outcome, into: &result, cycleCompleted: cycleCompleted) }
                statistics.acceptedJumps += 1
                statistics.jumpedCycles += length
                failedLandings = 0
                completed += length + 2
                changes = changes.suffix(1) + [CycleChange(cycle: landingCycle + 1, from: settledStart, to: cycleStartState())]
                continue
            }
            // Rejected (too inaccurate, or the landing failed): back to the state before the jump.
            result.steps.removeSubrange(stepCount...)
            degradation?.startCycle()
            let failure = result.failure
            result.failure = nil
            do { try restore(checkpoint) } catch {
                result.failure = failure ?? SimulationFailure(cycle: completed + 1, step: 1, stepText: "",
                                                              time: checkpoint.time, message: "\(error)")
                return
            }
            if simulation.options.cancellation?.isCancelled == true {
                result.failure = failure
                return
            }
            statistics.rejectedJumps += 1
            if failure != nil {
                // A landing that fails (a solver failure, or far more steps than a cycle takes) is
                // tried again shorter; after a few in a row the run simulates every remaining cycle.
                failedLandings += 1
                controller.shorten()
                if failedLandings >= Self.failedLandingsBeforeGivingUp { jumping = false }
            }
            if length == 1 {
                // Not even one cycle can be jumped here: simulate it and try again after it.
                if failure == nil { statistics.cyclesTooFastToJump += 1 }
                guard simulateNext() else { return }
            }
        }
    }
}
