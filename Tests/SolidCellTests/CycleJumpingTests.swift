import Foundation
import TestSupport
import Testing
@testable import Protocols
@testable import Simulator
import CellModel

@Suite("Cycle jumping")
struct CycleJumpingTests {
    @Test("jumps never pass a report cycle or the last cycle, and land on a simulated pair")
    func jumpLimits() {
        var controller = CycleJumpController(acceleration: CycleAcceleration(tolerance: 0.1, reportCycles: [50]), lastCycle: 100)
        controller.start(capacities: [1, 1, 1, 1], firstCapacity: 1)  // no curvature: as long as allowed
        #expect(controller.jumpLength(afterCompleted: 3) == 0)  // before the first jump
        #expect(controller.jumpLength(afterCompleted: 4) == 44)  // lands on 49, 50
        #expect(controller.jumpLength(afterCompleted: 48) == 0)  // 49 and 50 are next: no room
        #expect(controller.jumpLength(afterCompleted: 50) == 48)  // lands on 99, 100
        #expect(controller.jumpLength(afterCompleted: 97) == 1)
        #expect(controller.jumpLength(afterCompleted: 98) == 0)
    }

    @Test("a jump is accepted within the tolerance and the next length follows e ∝ k²")
    func stepControl() {
        var controller = CycleJumpController(acceleration: CycleAcceleration(tolerance: 0.1), lastCycle: 1000)
        // Capacities falling with a constant second difference of 1e-4 of Q₁ per cycle².
        controller.start(capacities: [1, 0.999, 0.9979], firstCapacity: 1)
        let first = controller.jumpLength(afterCompleted: 4)
        #expect(first == Int(CycleJumpController.safety * cbrt(6 * 0.001 / 1e-4)))
        // ε |ΔR|: a correction of 5 % of the jump's increment over a jump that lost 3 points.
        let error = controller.error(relativeCorrection: 0.05, retentionChange: -3, isolationTiming: 0.02)
        #expect(abs(error - 0.15) < 1e-12)
        // A jump that hardly moves the retention but moves an isolation: the timing error decides.
        #expect(controller.error(relativeCorrection: 0.05, retentionChange: -0.1, isolationTiming: 0.3) == 0.3)
        let rejected = !controller.judge(length: 9, error: error)
        #expect(rejected)
        #expect(controller.jumpLength(afterCompleted: 10) == Int(9 * CycleJumpController.safety * (0.1 / 0.15).squareRoot()))
        let accepted = controller.judge(length: 8, error: 0.05)
        #expect(accepted)
        #expect(controller.jumpLength(afterCompleted: 10) == Int(8 * CycleJumpController.safety * 2.0.squareRoot()))
        let exact = controller.judge(length: 8, error: 0)
        #expect(exact)
        #expect(controller.jumpLength(afterCompleted: 10) == Int(8 * CycleJumpController.growthLimit))
    }

    @Test("a damage correction is weighed as the cycles it moves a particle's isolation, times the particle's share")
    func isolationTiming() {
        // Three particles of 1 % of the material each: corrected by a quarter, a tenth and a half of
        // their change per cycle (the last one not degrading, so never isolated by the law).
        // All three within reach of their isolation (0.5 damage left, 1000 cycles left).
        func error(_ corrections: [Double], _ changes: [Double], _ shares: [Double], damageLeft: Double = 0.5,
                   cyclesLeft: Double = 1000) -> Double {
            CycleJumpController.isolationTimingError(
                corrections: corrections, changesPerCycle: changes, shares: shares,
                damageToIsolation: Array(repeating: damageLeft, count: corrections.count), cyclesLeft: cyclesLeft)
        }
        #expect(abs(error([-2.5e-4, 1e-4, 5e-4], [1e-3, 1e-3, 0], [0.01, 0.01, 0.01]) - 0.25) < 1e-12)  // 0.25 cycles × 1 point
        // The same correction on a particle holding 10 % of the material weighs ten times as much.
        #expect(abs(error([-2.5e-4], [1e-3], [0.1]) - 2.5) < 1e-12)
        // A particle whose damage changes fast moves its isolation less for the same correction.
        #expect(abs(error([-2.5e-4], [1e-2], [0.01]) - 0.025) < 1e-12)
        // A particle the run does not isolate (0.5 damage left, 1e-3 per cycle, 400 cycles left) does not count.
        #expect(error([-2.5e-4], [1e-3], [0.01], cyclesLeft: 400) == 0)
        #expect(abs(error([-2.5e-4], [1e-3], [0.01], cyclesLeft: 500) - 0.25) < 1e-12)
    }

    @Test("the predictor is exact for a per-cycle change linear in the cycle, predictor + corrector for a quadratic one")
    func extrapolation() {
        // z_N = Σ_{n<N} d(n + ½): the change over cycle n is d at n + ½.
        func z(_ cycle: Int, _ d: (Double) -> Double) -> Double { (0..<cycle).reduce(0) { $0 + d(Double($1) + 0.5) } }
        // Changes measured over cycles 6 and 10; a jump of 7 from the start of cycle 11 to the start
        // of cycle 18; the change measured after it over cycle 19.
        let extrapolation = CycleExtrapolation(before: 6.5, last: 10.5)
        let linear = { (x: Double) in 0.3 - 0.01 * x }
        let increment = extrapolation.increment(over: 7, change: linear(10.5), changeBefore: linear(6.5))
        #expect(abs(increment - (z(18, linear) - z(11, linear))) < 1e-12)
        #expect(abs(extrapolation.correction(over: 7, change: linear(10.5), changeBefore: linear(6.5),
                                             changeAfter: linear(19.5), after: 19.5)) < 1e-12)
        let quadratic = { (x: Double) in 0.3 - 0.01 * x + 0.002 * x * x }
        let predicted = extrapolation.increment(over: 7, change: quadratic(10.5), changeBefore: quadratic(6.5))
        let corrected = predicted + extrapolation.correction(over: 7, change: quadratic(10.5), changeBefore: quadratic(6.5),
                                                              changeAfter: quadratic(19.5), after: 19.5)
        let exact = z(18, quadratic) - z(11, quadratic)
        #expect(abs(predicted - exact) > 0.1)  // the line misses the curvature …
        #expect(abs(corrected - exact) < 1e-12)  // … which the quadratic through the three changes has
    }

    @Test("the fast state's extrapolation from two secants is exact for a state quadratic in the cycle")
    func secantExtrapolation() {
        func z(_ x: Double) -> Double { 2 - 0.03 * x + 0.004 * x * x }
        // A simulated cycle 4 (secant over [4, 5], centre 4.5), then a jump and its landing pair
        // ending at the start of cycle 12, the secant from the start of cycle 5 (centre 8.5).
        let before = z(5) - z(4), last = (z(12) - z(5)) / 7
        let increment = CycleExtrapolation.secantIncrement(over: 9, from: 12, secant: last, center: 8.5,
                                                           secantBefore: before, centerBefore: 4.5)
        #expect(abs(increment - (z(21) - z(12))) < 1e-12)
        #expect(abs(9 * last - (z(21) - z(12))) > 0.1)  // the constant drift misses the curvature
        // Coinciding centres (no second secant yet): the constant drift.
        #expect(CycleExtrapolation.secantIncrement(over: 9, from: 12, secant: last, center: 8.5,
                                                   secantBefore: before, centerBefore: 8.5) == 9 * last)
    }

    @Test("a jump stops short of the cycle at which a particle's extrapolated contact crosses the isolation threshold")
    func landsBeforeIsolation() throws {
        let parameters = try loadModel("zhou2025-ncm811-lpsc-coarse", [
            "Positive electrode mesh points": 4, "Positive particle mesh points": 6, "Number of particle contact classes": 4,
        ])
        let experiment = try Experiment(parsing: "Charge at 0.5C until 4.3 V; Discharge at 0.5C until 2.5 V")
        let runner = try Runner(simulation: Simulation(parameters: parameters, experiment: experiment, cycles: 100))
        let particles = runner.solver.system.contactDamage.count
        // Particle 0 (class 0) at damage 0, losing a constant d per cycle with d chosen so that its
        // contact φ0 (1 − D) falls below the threshold after 11 cycles; the others do not change.
        let isolating = 1 - parameters.isolationThreshold / parameters.contactClasses[0].initialContact
        let d = isolating / 10.5
        func start(_ damage: Double) -> CycleStartState {
            var state = runner.cycleStartState()
            state.contactDamage = [damage] + Array(repeating: 0, count: particles - 1)
            return state
        }
        let changes = [CycleChange(cycle: 3, from: start(-2 * d), to: start(-d)), CycleChange(cycle: 4, from: start(-d), to: start(0))]
        #expect(runner.lengthBeforeIsolation(50, from: start(0), changes: changes) == 10)
        #expect(runner.lengthBeforeIsolation(6, from: start(0), changes: changes) == 6)
        // One cycle before the crossing: no jump at all (the next cycle is simulated).
        #expect(runner.lengthBeforeIsolation(50, from: start(10 * d), changes: changes) == 0)
    }

    @Test("cycles jumped over are interpolated through the simulated cycles either side, marked as not simulated")
    func interpolation() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let result = try runExpectingSuccess(parameters, "Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V")
        var earlier = result.cycles[0], before = result.cycles[0], after = result.cycles[0]
        earlier.cycle = 4
        before.cycle = 10
        after.cycle = 20
        // Retention 100 − 0.01 (N − 4)²: quadratic in the cycle number.
        func retention(_ cycle: Int) -> Double { 100 - 0.01 * Double((cycle - 4) * (cycle - 4)) }
        (earlier.retention, before.retention, after.retention) = (retention(4), retention(10), retention(20))
        after.meanContactFraction = 0.5
        let line = CycleSummary.interpolated(cycle: 14, through: [before, after])
        #expect(line.cycle == 14 && !line.isSimulated)
        #expect(abs(line.retention - (before.retention + 0.4 * (after.retention - before.retention))) < 1e-12)
        #expect(abs(line.meanContactFraction - (before.meanContactFraction + 0.4 * (0.5 - before.meanContactFraction))) < 1e-15)
        let curve = CycleSummary.interpolated(cycle: 14, through: [earlier, before, after])
        #expect(abs(curve.retention - retention(14)) < 1e-12)
        // A quadratic that leaves the range of the neighbours gives way to the line: through 90, 100,
        // 100 at cycles 4, 10, 20 it peaks above 100 between the last two.
        (earlier.retention, after.retention) = (before.retention - 10, before.retention)
        let flat = CycleSummary.interpolated(cycle: 14, through: [earlier, before, after])
        #expect(flat.retention == before.retention)
    }

    @Test("a cell that does not degrade jumps from its first cycles straight to the last two")
    func nothingDegrades() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let experiment = try Experiment(parsing: "Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V; Hold at 4.2 V until C/50")
        var options = SimulationOptions()
        options.acceleration = CycleAcceleration()
        let result = Simulation(parameters: parameters, experiment: experiment, cycles: 60, options: options).run()
        #expect(result.failure == nil)
        #expect(result.cycles.map(\.cycle) == Array(1...60))
        let jumps = try #require(result.cycleJumps)
        #expect(jumps.acceptedJumps == 1 && jumps.jumpedCycles == 54 && jumps.simulatedCycles == 6)
        #expect(result.cycles.filter(\.isSimulated).map(\.cycle) == [1, 2, 3, 4, 59, 60])
        let full = Simulation(parameters: parameters, experiment: experiment, cycles: 60).run()
        #expect(abs(result.cycles[59].retention - full.cycles[59].retention) < 1e-3)
    }

    @Test("a degrading cell: fewer cycles simulated, retention within half a point of the full run, report cycles simulated")
    func degradingCell() throws {
        // The coarse cell's shared damage constants fade it by ≈ 3 % in 60 cycles on this coarse mesh
        // at 0.5C; a 2.5× rate makes it degrade clearly (the crowding factor's run-away included).
        let parameters = try loadModel("zhou2025-ncm811-lpsc-coarse", [
            "Stack pressure [MPa]": 2, "Positive electrode mesh points": 4, "Positive particle mesh points": 6,
            "Number of particle contact classes": 4, "Contact damage rate per cycle": 0.0184,
        ])
        let experiment = try Experiment(parsing: "Charge at 0.5C until 4.3 V; Discharge at 0.5C until 2.5 V")
        var options = SimulationOptions()
        options.acceleration = CycleAcceleration(tolerance: 0.1, reportCycles: [30])
        let fast = Simulation(parameters: parameters, experiment: experiment, cycles: 60, options: options).run()
        let full = Simulation(parameters: parameters, experiment: experiment, cycles: 60).run()
        #expect(fast.failure == nil && full.failure == nil)
        let jumps = try #require(fast.cycleJumps)
        #expect(jumps.jumpedCycles > 20, "\(jumps)")
        #expect(fast.cycles.count == 60 && fast.cycles[29].isSimulated)
        #expect(full.cycles[59].retention < 95)  // it does degrade
        for (accelerated, reference) in zip(fast.cycles, full.cycles) {
            #expect(abs(accelerated.retention - reference.retention) < 0.5, "cycle \(reference.cycle)")
        }
    }
}
