import Foundation
import TestSupport
import Testing
@testable import Protocols
@testable import Simulator

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

    @Test("a jump is accepted within the tolerance and the next length follows e ∝ k³")
    func stepControl() {
        var controller = CycleJumpController(acceleration: CycleAcceleration(tolerance: 0.1), lastCycle: 1000)
        // Capacities falling with a constant second difference of 1e-4 of Q₁ per cycle².
        controller.start(capacities: [1, 0.999, 0.9979], firstCapacity: 1)
        let first = controller.jumpLength(afterCompleted: 4)
        #expect(first == Int(CycleJumpController.safety * cbrt(6 * 0.001 / 1e-4)))
        let error = controller.error(length: 9, observedSlope: -0.0031, predictedSlope: -0.0028, firstCapacity: 1)
        #expect(abs(error - 5 * 0.0003 * 100) < 1e-12)  // (k + 1)/2 |ΔQ − ΔQ_predicted| / Q₁ in points
        let rejected = !controller.judge(length: 9, error: error)
        #expect(rejected)
        #expect(controller.jumpLength(afterCompleted: 10) == max(1, Int(9 * max(CycleJumpController.safety * cbrt(0.1 / error),
                                                                                 CycleJumpController.shrinkLimit))))
        let accepted = controller.judge(length: 8, error: 0.05)
        #expect(accepted)
        #expect(controller.jumpLength(afterCompleted: 10) == Int(8 * CycleJumpController.safety * cbrt(2.0)))
        let exact = controller.judge(length: 8, error: 0)
        #expect(exact)
        #expect(controller.jumpLength(afterCompleted: 10) == Int(8 * CycleJumpController.growthLimit))
    }

    @Test("the capacity-change trend is the line through its last two points")
    func slopeTrend() {
        var trend = CapacitySlopeTrend()
        #expect(trend.predicted(afterCycle: 10) == nil)
        trend.add(afterCycle: 2, slope: -1)
        #expect(trend.predicted(afterCycle: 10) == -1)
        trend.add(afterCycle: 4, slope: -2)
        #expect(trend.predicted(afterCycle: 8) == -4)
        trend.add(afterCycle: 8, slope: -3)  // the oldest point is dropped
        #expect(trend.predicted(afterCycle: 12) == -4)
    }

    @Test("cycles jumped over are interpolated linearly and marked as not simulated")
    func interpolation() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let result = try runExpectingSuccess(parameters, "Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V")
        var before = result.cycles[0], after = result.cycles[0]
        before.cycle = 10
        after.cycle = 20
        after.dischargeCapacity = before.dischargeCapacity * 0.9
        after.meanContactFraction = 0.5
        let middle = CycleSummary.interpolated(cycle: 14, between: before, and: after)
        #expect(middle.cycle == 14 && !middle.isSimulated)
        #expect(abs(middle.dischargeCapacity - before.dischargeCapacity * 0.96) < 1e-15)
        #expect(abs(middle.meanContactFraction - (before.meanContactFraction + 0.4 * (0.5 - before.meanContactFraction))) < 1e-15)
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
