import Foundation
import Testing
@testable import DAESolver

/// The 1-D heat equation u_t = u_xx on 0 < x < 1, u(0, t) = u(1, t) = 0, u(x, 0) = sin πx, posed as a
/// DAE on nodes x_i = i h (h = 1/N): interior nodes are differential with the second-order central
/// difference, the two boundary nodes are algebraic equations u = 0. Exact: u = e^{−π² t} sin πx.
struct HeatEquation: DAESystem {
    let intervals: Int
    var stateCount: Int { intervals + 1 }
    var differentialMask: [Bool] { (0...intervals).map { $0 != 0 && $0 != intervals } }
    let jacobianPattern: SparsityPattern

    init(intervals: Int) {
        self.intervals = intervals
        var entries: [(row: Int, column: Int)] = [(0, 0), (intervals, intervals)]
        for i in 1..<intervals { entries += [(i, i - 1), (i, i), (i, i + 1)] }
        jacobianPattern = SparsityPattern(dimension: intervals + 1, entries: entries)
    }

    func residual(time: Double, state u: UnsafeBufferPointer<Double>, derivative up: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        let inverseH2 = Double(intervals * intervals)
        r[0] = u[0]
        r[intervals] = u[intervals]
        for i in 1..<intervals {
            r[i] = up[i] - (u[i - 1] - 2 * u[i] + u[i + 1]) * inverseH2
        }
    }

    func jacobian(time: Double, state u: UnsafeBufferPointer<Double>, derivative up: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        let inverseH2 = Double(intervals * intervals)
        // Column by column; rows ascending within a column.
        var k = 0
        for column in 0...intervals {
            for row in max(0, column - 1)...min(intervals, column + 1) {
                let interior = row != 0 && row != intervals
                if !interior {
                    if row == column { v[k] = 1; k += 1 }
                    continue
                }
                v[k] = row == column ? cj + 2 * inverseH2 : -inverseH2
                k += 1
            }
        }
    }
}

@Suite("1-D heat equation as a DAE")
struct HeatEquationTests {
    /// Max nodal error at t = 0.1 for N intervals, starting from inconsistent ẏ = 0 and a wrong
    /// boundary value that IDACalcIC must repair.
    func maxError(intervals n: Int) throws -> Double {
        let system = HeatEquation(intervals: n)
        var u0 = (0...n).map { sin(Double.pi * Double($0) / Double(n)) }
        u0[0] = 0.3   // inconsistent algebraic value
        var options = SolverOptions()
        options.relativeTolerance = 1e-11
        options.absoluteTolerance = .scalar(1e-13)
        let solver = try IDASolver(system: system, time: 0, state: u0,
                                   derivative: [Double](repeating: 0, count: n + 1), options: options)
        try solver.computeConsistentInitialConditions(firstOutputTime: 1e-3)
        #expect(abs(solver.state[0]) < 1e-12)
        // Consistent derivative of the first interior node: (u0 − 2u1 + u2)/h².
        let h = 1 / Double(n)
        let expectedRate = (0 - 2 * sin(.pi * h) + sin(2 * .pi * h)) / (h * h)
        #expect(abs(solver.derivative[1] - expectedRate) < 1e-6 * abs(expectedRate))

        let tEnd = 0.1
        try solver.advance(to: tEnd)
        #expect(solver.time == tEnd)
        let u = solver.state
        return (0...n).map { i in abs(u[i] - exp(-Double.pi * Double.pi * tEnd) * sin(Double.pi * Double(i) * h)) }.max()!
    }

    @Test("converges at second order in space to the analytic solution")
    func spatialConvergence() throws {
        let meshes = [10, 20, 40, 80]
        let errors = try meshes.map { try maxError(intervals: $0) }
        for k in 1..<meshes.count {
            let order = log(errors[k - 1] / errors[k]) / log(2.0)
            #expect(order > 1.9 && order < 2.1, "observed order \(order) between N = \(meshes[k - 1]) and \(meshes[k])")
        }
        #expect(errors.last! < 1e-4)
    }

    @Test("the analytic Jacobian matches finite differences")
    func jacobian() throws {
        var system = HeatEquation(intervals: 7)
        let y = (0...7).map { 0.1 * Double($0 * $0) }
        let yp = (0...7).map { -0.05 * Double($0) }
        #expect(try system.jacobianDeviationFromFiniteDifferences(time: 0, state: y, derivative: yp, cj: 12) < 1e-7)
    }
}

/// y1' = −y1 with the algebraic constraint 0 = y1 + y2 − 1 (so y2 = 1 − e^{−t}).
struct ConstrainedDecay: DAESystem {
    let stateCount = 2
    let differentialMask = [true, false]
    let jacobianPattern = SparsityPattern(dimension: 2, entries: [(0, 0), (1, 0), (1, 1)])

    func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        r[0] = yp[0] + y[0]
        r[1] = y[0] + y[1] - 1
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        v[0] = cj + 1   // (0,0)
        v[1] = 1        // (1,0)
        v[2] = 1        // (1,1)
    }
}

@Suite("Algebraic constraints and re-initialisation")
struct AlgebraicConstraintTests {
    @Test("the constraint holds to round-off and the differential part to tolerance")
    func constraintHeld() throws {
        var options = SolverOptions()
        options.relativeTolerance = 1e-8
        options.absoluteTolerance = .scalar(1e-10)
        let solver = try IDASolver(system: ConstrainedDecay(), time: 0, state: [1, 0.5], derivative: [0, 0],
                                   options: options)
        try solver.computeConsistentInitialConditions(firstOutputTime: 0.01)
        #expect(abs(solver.state[1]) < 1e-12)
        #expect(abs(solver.derivative[0] + 1) < 1e-10)
        for k in 1...20 {
            let t = 0.25 * Double(k)
            try solver.advance(to: t)
            let y = solver.state
            // Algebraic components are converged by Newton to within the error-test tolerance.
            #expect(abs(y[0] + y[1] - 1) < options.relativeTolerance)
            #expect(abs(y[1] - (1 - exp(-t))) < 1e-6)
        }
    }

    @Test("re-initialising reproduces the same trajectory, restarts the counters, and adds them to the cumulative ones")
    func reinitialise() throws {
        let solver = try IDASolver(system: ConstrainedDecay(), time: 0, state: [1, 0], derivative: [-1, 0])
        try solver.advance(to: 2)
        let first = solver.state
        let firstRun = solver.statistics
        #expect(firstRun.steps > 0 && firstRun.residualEvaluations > 0 && firstRun.nonlinearIterations > 0)
        #expect(solver.cumulativeStatistics == firstRun)
        try solver.reinitialize(time: 0, state: [1, 0], derivative: [-1, 0])
        try solver.advance(to: 2)
        #expect(solver.state == first)
        #expect(solver.statistics.steps == firstRun.steps)
        #expect(solver.cumulativeStatistics == firstRun + solver.statistics)
        #expect(solver.cumulativeStatistics.steps == 2 * firstRun.steps)
    }
}
