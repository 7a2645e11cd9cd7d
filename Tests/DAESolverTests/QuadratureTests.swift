import Foundation
import Testing
@testable import DAESolver

/// Exponential decay with an algebraic companion, y₀' = −k y₀ and 0 = y₁ − 2 y₀, carrying two
/// quadratures: Q₀ = ∫ y₁ dt (an algebraic component) and Q₁ = ∫ ẏ₀ dt (the derivative argument).
/// Exact from y₀(t₀) = a: Q₀ gains 2a (1 − e^{−k(t−t₀)})/k and Q₁ gains y₀(t) − a.
struct DecayWithQuadratures: DAESystem {
    let rate: Double
    /// Whether the quadratures are declared (false: the same DAE without them).
    var integrates = true
    var stateCount: Int { 2 }
    var differentialMask: [Bool] { [true, false] }
    var jacobianPattern: SparsityPattern { SparsityPattern(dimension: 2, entries: [(0, 0), (1, 0), (1, 1)]) }
    var quadratureCount: Int { integrates ? 2 : 0 }

    func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        r[0] = yp[0] + rate * y[0]
        r[1] = y[1] - 2 * y[0]
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        v[0] = cj + rate  // (0, 0)
        v[1] = -2         // (1, 0)
        v[2] = 1          // (1, 1)
    }

    func quadratureIntegrands(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                              into q: UnsafeMutableBufferPointer<Double>) {
        q[0] = y[1]
        q[1] = yp[0]
    }

    /// The exact quadratures at `t` from y₀(t₀) = a and quadratures `start` at t₀.
    func exact(at t: Double, from t0: Double, initial a: Double, start: [Double]) -> [Double] {
        let decay = exp(-rate * (t - t0))
        return [start[0] + 2 * a * (1 - decay) / rate, start[1] + a * (decay - 1)]
    }
}

@Suite("IDAS quadratures")
struct QuadratureTests {
    func makeSolver(_ system: DecayWithQuadratures, initial a: Double = 1) throws -> IDASolver<DecayWithQuadratures> {
        var options = SolverOptions()
        options.relativeTolerance = 1e-9
        options.absoluteTolerance = .scalar(1e-12)
        return try IDASolver(system: system, time: 0, state: [a, 2 * a], derivative: [-system.rate * a, 0], options: options)
    }

    @Test("interpolated to output times, the quadratures match their exact integrals")
    func normalMode() throws {
        let system = DecayWithQuadratures(rate: 1.5)
        let solver = try makeSolver(system)
        #expect(solver.quadratures == [0, 0])
        for t in [0.37, 1.0, 2.5, 4.0] {
            try solver.advance(to: t)
            let exact = system.exact(at: t, from: 0, initial: 1, start: [0, 0])
            for m in 0..<2 { #expect(abs(solver.quadratures[m] - exact[m]) < 1e-7, "Q\(m) at t = \(t)") }
        }
    }

    @Test("at every internal step, and carried on across a re-initialisation")
    func oneStepAndRestart() throws {
        let system = DecayWithQuadratures(rate: 0.8)
        let solver = try makeSolver(system)
        while solver.time < 1 {
            try solver.step(toward: 1)
            let exact = system.exact(at: solver.time, from: 0, initial: 1, start: [0, 0])
            for m in 0..<2 { #expect(abs(solver.quadratures[m] - exact[m]) < 1e-7, "Q\(m) at t = \(solver.time)") }
        }
        // Restart at t₀ from a new state: the totals continue from their values there.
        let (t0, before) = (solver.time, solver.quadratures)
        try solver.reinitialize(time: t0, state: [3, 6], derivative: [-system.rate * 3, 0])
        #expect(solver.quadratures == before)
        try solver.advance(to: t0 + 2)
        let exact = system.exact(at: t0 + 2, from: t0, initial: 3, start: before)
        for m in 0..<2 { #expect(abs(solver.quadratures[m] - exact[m]) < 1e-7, "Q\(m) after the restart") }
    }

    @Test("quadratures leave the steps unchanged (they are outside the error test)")
    func sameSteps() throws {
        var without = DecayWithQuadratures(rate: 1.5)
        without.integrates = false
        let plain = try makeSolver(without)
        let integrating = try makeSolver(DecayWithQuadratures(rate: 1.5))
        try plain.advance(to: 5)
        try integrating.advance(to: 5)
        #expect(plain.quadratures.isEmpty)
        #expect(plain.statistics.steps == integrating.statistics.steps)
        #expect(plain.state == integrating.state)
    }
}
