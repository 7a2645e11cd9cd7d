import DAESolver
import Foundation

/// Cycle jumping: the cell's slow state is integrated across cycles instead of simulating every
/// cycle (adaptive inter-cycle extrapolation: Sulzer et al., J. Electrochem. Soc. 168, 120531
/// (2021); the cycle-jump idea of fatigue-damage simulation).
///
/// The state at the start of a cycle — every particle's contact damage, every interphase film,
/// every particle's lithium, the double layers — changes by a small amount per cycle when the
/// cell degrades slowly. Seen once per cycle it is a sequence z_N, advanced by one simulated
/// cycle, z_{N+1} = Φ(z_N). The per-cycle change d of its slow part — contact damage, films, the
/// foil's lithium contact (``P2DModel/slowStateIndices``), each driven by a degradation law — is
/// measured over a simulated cycle that started from a settled state and followed as a line in
/// the cycle number through the last two measurements (``CycleExtrapolation``); a jump over k
/// cycles adds the change that line predicts for each of them (an Adams–Bashforth step in cycles):
///
///     z_{N+k} = z_N + k d + k (k + 1)/2 c,
///
/// c the change of d per cycle. The rest (particle lithium, double layers), whose change over a
/// single cycle after a landing still carries the relaxation from the extrapolated state (and,
/// extrapolated k-fold, makes the landings alternate about the true trajectory), moves along its
/// mean change since the previous settled cycle start (``CycleChange/secant``), taken as the rate at
/// the middle of the cycles it spans and followed as a line through the last two secants
/// (``CycleExtrapolation/secantIncrement(over:from:secant:center:secantBefore:centerBefore:)``): the
/// lithium of poorly contacted particles drifts with their contact, faster as it falls, and a
/// constant drift left the landings of the coarse Zhou 2025 cell short of it, their first two cycles
/// damaging the particles 2–3 % and 1–2 % faster than the full run at the same damage, which the
/// predictor extrapolated k-fold (its particles isolated 3 cycles early; with the line, 1 % slower
/// and within 0.7 cycles). Concentrations are kept in [0, c_max], films non-negative, damage
/// never heals, and a jump never passes a cycle at which a particle's extrapolated contact would
/// cross the isolation threshold: it lands before it, so that the isolation (a step in capacity)
/// happens in a simulated cycle, at the cycle the damage law gives; after an isolation the next
/// jump waits for two simulated cycles whose changes follow it.
///
/// The algebraic unknowns (potentials, current, stack pressure) are made consistent again at the
/// next step's switch-on, and two cycles are simulated in full from the extrapolated state; the
/// second starts settled, so its change of the slow state (damage, films, lithium contact) is a
/// third measurement of d. The quadratic through the three corrects the jump (an Adams–Moulton
/// corrector, applied to the slow state after the landing), and the size of that correction
/// relative to the slow state's change over the jump, ε, times the retention points lost over the
/// jump, ΔR, estimates the jump's error in retention points (the predictor's error, which the
/// corrector removes to leading order). A particle's damage error also moves the cycle in which it
/// is isolated, a step in capacity that may come hundreds of cycles later, when the retention has
/// long stopped showing the damage (the coarse Zhou 2025 cell at 2 MPa, 0.1C, lost 0.1 retention
/// points to jumps by cycle 385 while its particles had moved 3 cycles towards isolation, and then
/// fell 2–7 points low through the isolation cascade). The damage law keeps such a timing error
/// (for one particle, du/dN = f(u) shifts its whole future by δu/f(u)), so each jump's is bounded
/// too: the corrector's change of particle i's damage over its change per cycle, |δD_i|/d_i, is
/// the cycles by which the jump moved its isolation, and 100 w_i of them (w_i its share of the
/// active material) the retention points its isolation a cycle early or late would move,
///
///     e = max(ε |ΔR|, max_i 100 w_i |δD_i| / d_i)
///
/// (the second only for a model that isolates particles, and over the particles whose damage, at
/// its present change per cycle, reaches the isolation threshold within the run). So a cell whose
/// capacity does not move and whose particles do not approach isolation jumps as far as it is
/// allowed. The jump is accepted when e ≤ TOL; otherwise the state before it is restored and a shorter jump is tried. The next jump's
/// length follows e ∝ k² (``CycleJumpController/errorOrder``). Cycles jumped over are reported
/// with values interpolated between the simulated cycles either side
/// (``CycleSummary/interpolated(cycle:through:)``) and marked as not simulated.
public struct CycleAcceleration: Equatable, Sendable {
    /// The error allowed per jump, in retention points (percent of the first cycle's discharge
    /// capacity), of the retention over the jump and of when the particles isolate.
    public var tolerance: Double
    /// Cycles that are always simulated in full (a jump never passes over them). The first cycles
    /// and the last one are simulated anyway.
    public var reportCycles: [Int]

    public static let defaultTolerance = 0.1
    /// The cycles simulated before the first jump.
    public static let cyclesBeforeFirstJump = CycleJumpController.cyclesBeforeFirstJump
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
    /// The power of the jump length k that the error estimate is taken to grow with. Its leading
    /// term grows as k³ (ε ∝ k², ΔR ∝ k), but over the lengths a run takes (k ≈ 5–50) the estimates
    /// of the coarse Zhou 2025 cell grew about as k^1.2 (ε has a floor set by how well one landing
    /// cycle settles the fast state); e ∝ k² lets the length grow faster where the error allows it.
    static let errorOrder = 2.0

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

    /// The error estimate of a jump [retention points]: the corrector's relative size ε times the
    /// retention points lost over the jump, or the error from moving the particles' isolations
    /// (``isolationTimingError(corrections:changesPerCycle:shares:damageToIsolation:cyclesLeft:)``),
    /// whichever is larger.
    func error(relativeCorrection: Double, retentionChange: Double, isolationTiming: Double) -> Double {
        max(relativeCorrection * abs(retentionChange), isolationTiming)
    }

    /// The retention points a jump's damage error may move by moving an isolation: for each particle
    /// the corrector's change of its damage over the damage's change per cycle (the cycles by which
    /// the particle's isolation moved) times 100 w (its share w of the active material, lost a cycle
    /// early or late); the largest over the particles whose damage grows fast enough to isolate
    /// them within the run (its change per cycle times the cycles left at least the damage left to
    /// the isolation threshold): a particle that the run does not isolate has no isolation to move.
    static func isolationTimingError(corrections: [Double], changesPerCycle: [Double], shares: [Double],
                                     damageToIsolation: [Double], cyclesLeft: Double) -> Double {
        var error = 0.0
        for index in corrections.indices {
            let change = changesPerCycle[index]
            guard change > 0, change * cyclesLeft >= damageToIsolation[index] else { continue }
            error = max(error, abs(corrections[index]) / change * 100 * shares[index])
        }
        return error
    }

    /// After a landing that failed: the next jump is a quarter as long.
    mutating func shorten() { proposedLength = max(1, Int(Double(proposedLength) * Self.shrinkLimit)) }

    /// Whether a jump with this error estimate is accepted; sets the next proposal either way.
    mutating func judge(length: Int, error: Double) -> Bool {
        let factor = error > 0 ? Self.safety * pow(tolerance / error, 1 / Self.errorOrder) : Self.growthLimit
        let next = Double(length) * min(max(factor, Self.shrinkLimit), Self.growthLimit)
        proposedLength = max(1, Int(next.rounded(.down)))
        return error <= tolerance
    }
}

/// The per-cycle change of the slow state as a line in the cycle number, through two measured
/// changes (``CycleChange``): what a jump adds (the predictor) and, once a third change has been
/// measured after the jump, how much the quadratic through the three changes the jump (the corrector).
struct CycleExtrapolation {
    /// Where the two changes were measured (N + ½ for the change over cycle N).
    let before: Double, last: Double

    /// The predicted change over the k cycles after the one measured last, of a quantity whose
    /// per-cycle change was `changeBefore`, then `change`: Σ_{j=1…k} [d + j c] = k d + k (k + 1)/2 c.
    func increment(over k: Int, change: Double, changeBefore: Double) -> Double {
        let cycles = Double(k)
        return cycles * change + cycles * (cycles + 1) / 2 * (change - changeBefore) / (last - before)
    }

    /// The change over the k cycles from the cycle start `start` of a quantity whose mean change per
    /// cycle was `secant` over cycles centred on `center` and `secantBefore` over cycles centred on
    /// `centerBefore`: the two secants taken as the rate at their centres and the rate followed as
    /// the line through them, ∫ over [start, start + k] = k s + k (start + k/2 − center) (s − s_before)
    /// / (center − center_before); k s when the centres coincide.
    static func secantIncrement(over k: Int, from start: Double, secant: Double, center: Double,
                                secantBefore: Double, centerBefore: Double) -> Double {
        let cycles = Double(k)
        guard center > centerBefore else { return cycles * secant }
        return cycles * secant + cycles * (start + cycles / 2 - center) * (secant - secantBefore) / (center - centerBefore)
    }

    /// The corrector's change to that increment, once the change `changeAfter` has been measured at
    /// `after`: the quadratic through the three measured changes minus the line through the first
    /// two, α (x − before)(x − last), summed over the jumped cycles x = last + j, j = 1…k.
    func correction(over k: Int, change: Double, changeBefore: Double, changeAfter: Double, after: Double) -> Double {
        let predicted = change + (after - last) * (change - changeBefore) / (last - before)
        let alpha = (changeAfter - predicted) / ((after - before) * (after - last))
        var sum = 0.0
        for j in 1...max(k, 1) {
            let x = last + Double(j)
            sum += (x - before) * (x - last)
        }
        return alpha * sum
    }
}

extension CycleSummary {
    /// A cycle jumped over: every quantity interpolated in the cycle number through the simulated
    /// cycles `points` (two or three, in order; the cycle lies between the last two), marked as not
    /// simulated. Through three, the quadratic (the retention curves between isolations are
    /// smooth, and a line between landings cuts the corners where the fade bends); a quantity whose
    /// quadratic leaves the range of the two neighbours takes the line between them.
    static func interpolated(cycle: Int, through points: [CycleSummary]) -> CycleSummary {
        let (before, after) = (points[points.count - 2], points[points.count - 1])
        let x = Double(cycle)
        let s = (x - Double(before.cycle)) / Double(after.cycle - before.cycle)
        let first = points.count == 3 ? points[0] : nil
        func value(_ path: KeyPath<CycleSummary, Double>) -> Double {
            let (a, b) = (before[keyPath: path], after[keyPath: path])
            let line = a + s * (b - a)
            guard let first else { return line }
            let (x0, x1, x2) = (Double(first.cycle), Double(before.cycle), Double(after.cycle))
            let quadratic = first[keyPath: path] * (x - x1) * (x - x2) / ((x0 - x1) * (x0 - x2))
                + a * (x - x0) * (x - x2) / ((x1 - x0) * (x1 - x2)) + b * (x - x0) * (x - x1) / ((x2 - x0) * (x2 - x1))
            return quadratic.isFinite && quadratic >= min(a, b) && quadratic <= max(a, b) ? quadratic : line
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
        for path in quantities { summary[keyPath: path] = value(path) }
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
    /// Whether a particle was isolated in this cycle (its damage set to 1): the changes of the
    /// others follow the redistributed current only from the next cycle on.
    var isolates: Bool
    /// The state's mean change per cycle since the previous settled cycle start: over this cycle
    /// alone, or after a jump over the jump and its landing (``withSecant(from:cycles:)``).
    var secant: [Double]
    /// The middle of the cycles the secant spans (cycle starts counted as whole cycles).
    var secantCenter: Double

    init(cycle: Int, from start: CycleStartState, to end: CycleStartState) {
        self.cycle = Double(cycle) + 0.5
        state = zip(end.state, start.state).map { $0 - $1 }
        contactDamage = zip(end.contactDamage, start.contactDamage).map { $0 - $1 }
        duration = end.time - start.time
        isolates = zip(end.contactDamage, start.contactDamage).contains { $0 == 1 && $1 < 1 }
        secant = state
        secantCenter = self.cycle
    }

    /// This change with the secant from `anchor`, `cycles` cycles before the end of this one.
    func withSecant(from anchor: CycleStartState, to end: CycleStartState, cycles: Int) -> CycleChange {
        var change = self
        change.secant = zip(end.state, anchor.state).map { ($0 - $1) / Double(cycles) }
        change.secantCenter = cycle + 0.5 - Double(cycles) / 2
        return change
    }
}

/// What a jump did, for the corrector once it has landed.
struct CycleJump {
    var length: Int
    var start: CycleStartState
    /// The two changes the jump was extrapolated from.
    var before: CycleChange, last: CycleChange
    /// The damage after the jump (particles isolated before it are left out of the error estimate).
    var landingDamage: [Double]
    var extrapolation: CycleExtrapolation { CycleExtrapolation(before: before.cycle, last: last.cycle) }
}

extension Runner {
    /// A landing pair may take this many times the IDA steps of the costliest simulated cycle.
    static let landingStepAllowance = 6
    /// Cycles simulated after each jump: the first from the extrapolated state, whose fast parts relax
    /// in it; the second from a settled start, whose change of the slow state is the corrector's
    /// third measurement. (With the change of the first alone, which the relaxation disturbs, the
    /// coarse Zhou 2025 cell's retention drifted by 0.5 points over 390 cycles, against 0.18.)
    static let landingCycles = 2
    /// Failed landings in a row after which a run simulates cycles for a while before it tries to
    /// jump again: 2 cycles the first time, twice as many each time after (the extrapolated states
    /// of a cell near the end of its life can be ones its switch-on cannot start from, while the
    /// cycles themselves run).
    static let failedLandingsBeforePausing = 3

    func cycleStartState() -> CycleStartState {
        CycleStartState(time: solver.time, state: solver.state, derivative: solver.derivative,
                        contactDamage: solver.system.contactDamage, lastSample: lastSample)
    }

    func restore(_ start: CycleStartState) throws(SolverError) {
        solver.system.contactDamage = start.contactDamage
        lastSample = start.lastSample
        try solver.reinitialize(time: start.time, state: start.state, derivative: start.derivative)
    }

    /// The longest jump of at most `length` cycles after which every particle's extrapolated contact
    /// φ0 (1 − D) is still at or above the isolation threshold (0 when the next cycle would isolate
    /// one): a jump lands before an isolation rather than passing it.
    func lengthBeforeIsolation(_ length: Int, from start: CycleStartState, changes: [CycleChange]) -> Int {
        let (before, last) = (changes[changes.count - 2], changes[changes.count - 1])
        let extrapolation = CycleExtrapolation(before: before.cycle, last: last.cycle)
        let parameters = simulation.parameters
        let classes = parameters.contactClasses.count
        var allowed = length
        for index in start.contactDamage.indices where start.contactDamage[index] < 1 && allowed > 0 {
            let particles = parameters.contactClasses[index % classes]
            for k in 1...allowed {
                let damage = start.contactDamage[index] + extrapolation.increment(
                    over: k, change: last.contactDamage[index], changeBefore: before.contactDamage[index])
                if particles.intactContact(damage: damage) < parameters.isolationThreshold {
                    allowed = k - 1
                    break
                }
            }
        }
        return allowed
    }

    /// Sets the run to the start of the cycle `length` cycles after `start`, from the last two
    /// per-cycle changes (the last, d, ending at `start`): the slow state z + k d + k (k + 1)/2 c
    /// (``CycleExtrapolation``), the rest along the line through the last two secants. Each unknown
    /// is kept in its physical range (``P2DModel/keepInPhysicalRange(_:)``) and contact damage never
    /// heals.
    func jump(_ length: Int, from start: CycleStartState, changes: [CycleChange]) throws(SolverError) -> CycleJump {
        let (before, last) = (changes[changes.count - 2], changes[changes.count - 1])
        let extrapolation = CycleExtrapolation(before: before.cycle, last: last.cycle)
        var state = start.state
        for index in state.indices {
            state[index] += CycleExtrapolation.secantIncrement(
                over: length, from: last.cycle + 0.5, secant: last.secant[index], center: last.secantCenter,
                secantBefore: before.secant[index], centerBefore: before.secantCenter)
        }
        for index in solver.system.slowStateIndices {
            state[index] = start.state[index]
                + extrapolation.increment(over: length, change: last.state[index], changeBefore: before.state[index])
        }
        solver.system.keepInPhysicalRange(&state)
        let parameters = simulation.parameters
        let classes = parameters.contactClasses.count
        var damage = start.contactDamage
        for index in damage.indices {
            let next = damage[index] + extrapolation.increment(over: length, change: last.contactDamage[index],
                                                               changeBefore: before.contactDamage[index])
            damage[index] = CycleDegradation.settled(max(next, damage[index]), of: parameters.contactClasses[index % classes],
                                                     threshold: parameters.isolationThreshold)
        }
        solver.system.contactDamage = damage
        try solver.reinitialize(time: start.time + Double(length) * last.duration, state: state, derivative: start.derivative)
        return CycleJump(length: length, start: start, before: before, last: last, landingDamage: damage)
    }

    /// After a jump's landing pair, whose second cycle measured the change `after`: applies the
    /// the corrector (``CycleExtrapolation/correction(over:change:changeBefore:changeAfter:after:)``) to
    /// the slow state — the contact damage of the particles still in contact and the model's
    /// ``P2DModel/slowStateIndices`` — and returns its size relative to the slow state's change over
    /// the jump, ε = max over the two of ‖correction‖ / ‖increment‖ (0 when nothing slow moved), and,
    /// when the model isolates particles, the retention its damage correction could move through
    /// the isolations (``CycleJumpController/isolationTimingError(corrections:changesPerCycle:shares:damageToIsolation:cyclesLeft:)``,
    /// each particle's share of the active material its class's share over the electrode's cells).
    func correct(_ jump: CycleJump, after: CycleChange) throws(SolverError) -> (relative: Double, isolationTiming: Double) {
        let extrapolation = jump.extrapolation
        let (before, last, k) = (jump.before, jump.last, jump.length)
        func corrections(_ indices: [Int], _ path: KeyPath<CycleChange, [Double]>) -> (correction: [Double], relative: Double) {
            var correction: [Double] = [], squares = (correction: 0.0, increment: 0.0)
            for index in indices {
                let (change, changeBefore) = (last[keyPath: path][index], before[keyPath: path][index])
                let increment = extrapolation.increment(over: k, change: change, changeBefore: changeBefore)
                let value = extrapolation.correction(over: k, change: change, changeBefore: changeBefore,
                                                     changeAfter: after[keyPath: path][index], after: after.cycle)
                correction.append(value)
                squares.correction += value * value
                squares.increment += increment * increment
            }
            return (correction, squares.increment > 0 ? (squares.correction / squares.increment).squareRoot() : 0)
        }
        let parameters = simulation.parameters
        let classes = parameters.contactClasses.count
        // Particles in contact through the jump and its landing (an isolated one's damage is 1).
        var damage = solver.system.contactDamage
        let intact = damage.indices.filter { damage[$0] < 1 && jump.landingDamage[$0] < 1 }
        let (damageCorrection, damageRelative) = corrections(intact, \.contactDamage)
        var isolationTiming = 0.0
        if parameters.isolationThreshold > 0 && classes > 0 {
            let cells = Double(max(damage.count / classes, 1))
            let isolatingDamage = intact.map {
                parameters.contactClasses[$0 % classes].isolatingDamage(threshold: parameters.isolationThreshold)
            }
            isolationTiming = CycleJumpController.isolationTimingError(
                corrections: damageCorrection, changesPerCycle: intact.map { after.contactDamage[$0] },
                shares: intact.map { parameters.contactClasses[$0 % classes].volumeShare / cells },
                damageToIsolation: zip(intact, isolatingDamage).map { $1 - damage[$0] },
                cyclesLeft: Double(simulation.cycles) - (after.cycle + 0.5))
        }
        for (index, value) in zip(intact, damageCorrection) {
            damage[index] = CycleDegradation.settled(min(max(damage[index] + value, jump.start.contactDamage[index]), 1),
                                                     of: parameters.contactClasses[index % classes],
                                                     threshold: parameters.isolationThreshold)
        }
        solver.system.contactDamage = damage
        let slow = solver.system.slowStateIndices
        let (stateCorrection, stateRelative) = corrections(slow, \.state)
        if !slow.isEmpty {
            var state = solver.state
            for (index, value) in zip(slow, stateCorrection) { state[index] += value }
            solver.system.keepInPhysicalRange(&state)
            try solver.reinitialize(time: solver.time, state: state, derivative: solver.derivative)
        }
        return (max(damageRelative, stateRelative), isolationTiming)
    }

    /// The cycle loop with jumps (``CycleAcceleration``): the first cycles are simulated, then each
    /// jump of k cycles lands on a pair of simulated cycles, whose second one's change of the slow
    /// state corrects the jump and judges it.
    func runWithJumps(_ acceleration: CycleAcceleration, into result: inout SimulationResult,
                      progress: ((SimulationProgress) -> Void)?, cycleCompleted: ((CycleSummary, TimeSeries) -> Void)?) {
        var controller = CycleJumpController(acceleration: acceleration, lastCycle: simulation.cycles)
        var statistics = CycleJumpStatistics()
        defer { result.cycleJumps = statistics }
        /// Cycles to simulate before the next jump is tried, and the next such pause.
        var pause = (remaining: 0, next: 2)
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
            degradation?.endCycle(solver)
            changes = changes.suffix(1) + [CycleChange(cycle: completed, from: start, to: cycleStartState())]
            return true
        }

        while completed < simulation.cycles {
            var length = pause.remaining > 0 ? 0 : controller.jumpLength(afterCompleted: completed)
            // Jumps follow two changes measured after the last isolation, and stop short of the next.
            if length > 0 && changes.count == 2 && !changes.contains(where: \.isolates) {
                length = lengthBeforeIsolation(length, from: cycleStartState(), changes: changes)
            } else {
                length = 0
            }
            guard length > 0 else {
                pause.remaining = max(pause.remaining - 1, 0)
                guard simulateNext() else { return }
                if completed == CycleJumpController.cyclesBeforeFirstJump {
                    controller.start(capacities: result.cycles.map(\.dischargeCapacity),
                                     firstCapacity: result.cycles[0].dischargeCapacity)
                }
                continue
            }
            let last = result.cycles[completed - 1]
            let checkpoint = cycleStartState()
            let stepCount = result.steps.count
            // The landing pair: cycles m = completed + length + 1 and m + 1, simulated from the
            // extrapolated state; the second starts settled, so its change is the next CycleChange.
            let landingCycle = completed + length + 1
            var landing: [CycleOutcome] = []
            var settledStart = checkpoint
            var relativeCorrection = Double.infinity
            var isolationTiming = Double.infinity
            /// The change over the landing's second cycle (measured before the corrector moves the state).
            var landingChange: CycleChange?
            stepLimit = solver.cumulativeStatistics.steps + Self.landingStepAllowance * max(mostStepsPerCycle, 100)
            do {
                let jump = try jump(length, from: checkpoint, changes: changes)
                for cycle in landingCycle..<(landingCycle + Self.landingCycles) {
                    settledStart = cycleStartState()
                    landing.append(runCycle(cycle, into: &result, progress: progress))
                    if result.failure != nil || result.stop != nil { break }
                    degradation?.endCycle(solver)
                }
                if result.failure == nil && result.stop == nil {
                    let end = cycleStartState()
                    let change = CycleChange(cycle: landingCycle + Self.landingCycles - 1, from: settledStart, to: end)
                        .withSecant(from: checkpoint, to: end, cycles: length + Self.landingCycles)
                    landingChange = change
                    (relativeCorrection, isolationTiming) = try correct(jump, after: change)
                }
            } catch {
                result.failure = SimulationFailure(cycle: landingCycle, step: 1,
                                                   stepText: simulation.experiment.steps.first?.text ?? "",
                                                   time: solver.time, message: "\(error)")
            }
            stepLimit = nil
            statistics.simulatedCycles += landing.count
            var accepted = false
            if result.failure == nil, landing.count == Self.landingCycles, landingChange != nil {
                let retentionChange = landing[0].summary.retention - last.retention
                let error = controller.error(relativeCorrection: relativeCorrection, retentionChange: retentionChange,
                                             isolationTiming: isolationTiming)
                accepted = controller.judge(length: length, error: error)
            }
            if accepted {
                // Through the simulated cycle the change before the last was measured on, too.
                let earlier = result.cycles[Int(changes[changes.count - 2].cycle) - 1]
                for cycle in (completed + 1)...(completed + length) {
                    let summary = CycleSummary.interpolated(cycle: cycle, through: [earlier, last, landing[0].summary])
                    report(CycleOutcome(summary: summary, series: TimeSeries()), into: &result, cycleCompleted: cycleCompleted)
                }
                for outcome in landing { report(outcome, into: &result, cycleCompleted: cycleCompleted) }
                statistics.acceptedJumps += 1
                statistics.jumpedCycles += length
                failedLandings = 0
                pause.next = 2
                completed += length + Self.landingCycles
                changes = changes.suffix(1) + [landingChange!]
                continue
            }
            // Rejected (too inaccurate, or the landing failed): back to the state before the jump.
            result.steps.removeSubrange(stepCount...)
            degradation?.startCycle()
            let failure = result.failure
            let stopped = result.stop != nil
            result.failure = nil
            result.stop = nil
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
            // A landing that stops the run (its outcome is then met in simulated cycles) or fails (a
            // solver failure, or far more steps than a cycle takes) is tried again shorter; after a
            // few failures in a row the run simulates a pause of cycles first.
            if failure != nil || stopped { controller.shorten() }
            if failure != nil {
                failedLandings += 1
                if failedLandings >= Self.failedLandingsBeforePausing {
                    pause = (pause.next, 2 * pause.next)
                    failedLandings = 0
                }
            }
            if length == 1 {
                // Not even one cycle can be jumped here: simulate it and try again after it.
                if failure == nil { statistics.cyclesTooFastToJump += 1 }
                guard simulateNext() else { return }
            }
        }
    }
}
