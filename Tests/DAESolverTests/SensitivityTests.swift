import Foundation
import TestSupport
import Testing
@testable import DAESolver

/// ẏ = −k y (differential), z = a y (algebraic): y = y₀ e^{−kt}, z = a y; with θ = (ln k, ln a),
/// ∂y/∂ln k = −k t y, ∂z/∂ln k = −a k t y, ∂y/∂ln a = 0, ∂z/∂ln a = a y.
struct DecayWithAlgebraicOutput: DAESystem {
    var k = 0.7
    var a = 2.0
    let stateCount = 2
    let differentialMask = [true, false]
    let jacobianPattern = SparsityPattern(dimension: 2, entries: [(0, 0), (1, 0), (1, 1)])

    func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        r[0] = yp[0] + k * y[0]
        r[1] = y[1] - a * y[0]
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        // Column 0: rows 0, 1; column 1: row 1.
        v[0] = cj + k
        v[1] = -a
        v[2] = 1
    }

    /// ∂F/∂ln k and ∂F/∂ln a.
    func parameterDerivative(_ i: Int, _ y: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        if i == 0 { out[0] = k * y[0]; out[1] = 0 } else { out[0] = 0; out[1] = -a * y[0] }
    }
}

@Suite("forward sensitivities (IDAS)")
struct SensitivityTests {
    @Test("sensitivities of a decay with an algebraic output match the analytic ones; an inconsistent algebraic start is corrected by IDACalcIC")
    func decay() throws {
        let system = DecayWithAlgebraicOutput()
        var options = SolverOptions()
        options.relativeTolerance = 1e-10
        options.absoluteTolerance = .scalar(1e-12)
        let solver = try IDASolver(system: system, time: 0, state: [1, 0], derivative: [-0.7, 0], options: options)
        // s(0): y₀ does not depend on θ; the algebraic part is left wrong on purpose (IDACalcIC fixes it).
        try solver.enableSensitivities(initial: [[0, 5], [0, 5]], initialDerivative: [[0, 0], [0, 0]]) { i, _, y, _, out in
            system.parameterDerivative(i, y, into: out)
        }
        try solver.computeConsistentInitialConditions(firstOutputTime: 0.1)
        #expect(abs(solver.sensitivities[1][1] - 2) < 1e-12, "∂z/∂ln a at 0 is a y₀ = 2")
        #expect(abs(solver.sensitivities[0][1]) < 1e-12)
        for t in [0.5, 1.0, 3.0] {
            try solver.advance(to: t)
            let y = exp(-0.7 * t)
            let s = solver.sensitivities
            #expect(abs(s[0][0] - (-0.7 * t * y)) < 1e-7, "∂y/∂ln k at \(t): \(s[0][0])")
            #expect(abs(s[0][1] - (-2 * 0.7 * t * y)) < 2e-7, "∂z/∂ln k at \(t): \(s[0][1])")
            #expect(abs(s[1][0]) < 1e-10)
            #expect(abs(s[1][1] - 2 * y) < 1e-7, "∂z/∂ln a at \(t): \(s[1][1])")
        }
        // Re-initialisation carries the sensitivities on.
        try solver.reinitializeFromCurrentSolution(time: 3)
        try solver.advance(to: 4)
        let y = exp(-0.7 * 4)
        #expect(abs(solver.sensitivities[0][0] - (-0.7 * 4 * y)) < 1e-7)
    }
}
