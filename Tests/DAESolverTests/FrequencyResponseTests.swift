import Foundation
import Testing
import TestSupport
@testable import DAESolver

/// A current-driven Randles cell as a three-unknown DAE: terminal voltage v, interface voltage u,
/// cell current I,
///
///     v − R₀ I − u = 0,      C u̇ + 2 i₀ sinh(f u / 2) − I = 0,      I − I_set = 0,
///
/// with a non-linear (Butler–Volmer) faradaic branch. Linearised about (u*, I* = 2 i₀ sinh(f u*/2)),
/// the small-signal impedance δv/δI_set is that of R₀ in series with R ∥ C, R = 1/(i₀ f cosh(f u*/2)):
///
///     Z(ω) = R₀ + R / (1 + iωRC).
struct RandlesCell: DAESystem {
    var r0 = 0.7, capacitance = 2e-3, i0 = 0.05, f = 38.9, setCurrent = 0.0
    var stateCount: Int { 3 }
    var differentialMask: [Bool] { [false, true, false] }
    let jacobianPattern = SparsityPattern(dimension: 3, entries: [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)])

    func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        r[0] = y[0] - r0 * y[2] - y[1]
        r[1] = capacitance * yp[1] + 2 * i0 * sinh(f * y[1] / 2) - y[2]
        r[2] = y[2] - setCurrent
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        // Column 0: (0,0); column 1: (0,1), (1,1); column 2: (0,2), (1,2), (2,2).
        v[0] = 1
        v[1] = -1
        v[2] = i0 * f * cosh(f * y[1] / 2) + cj * capacitance
        v[3] = -r0
        v[4] = -1
        v[5] = 1
    }

    /// The steady state carrying current I: u* = (2/f) asinh(I / 2i₀).
    func steadyState(current: Double) -> [Double] {
        let u = 2 / f * asinh(current / (2 * i0))
        return [r0 * current + u, u, current]
    }

    func analyticImpedance(omega: Double, at state: [Double]) -> Complex {
        let r = 1 / (i0 * f * cosh(f * state[1] / 2))
        return Complex(r0) + Complex(r) / Complex(1, omega * r * capacitance)
    }
}

@Suite("Frequency response of a linearised DAE")
struct FrequencyResponseTests {
    /// K = J(0) and M = (J(s) − J(0))/s are the exact ∂F/∂y and ∂F/∂ẏ (checked against central
    /// differences of F), and F is linear in ẏ: F(y, ẏ + s d) − F(y, ẏ) = s M d for s = 1 and 10³.
    @Test("K = J(0), M = (J(s) − J(0))/s match finite differences; F is linear in ẏ")
    func linearisationMatchesFiniteDifferences() throws {
        var system = RandlesCell(setCurrent: 0.03)
        let y = system.steadyState(current: 0.03)
        let yp = [0.0, 0.4, 0.0]
        let linear = try DAELinearisation(system: &system, time: 0, state: y, derivative: yp)
        let k = linear.pattern.dense(linear.stateJacobian)
        let m = linear.pattern.dense(linear.derivativeJacobian)
        var plus = [Double](), minus = [Double](), base = [Double](), shifted = [Double]()
        for j in 0..<3 {
            let h = 1e-6
            var a = y, b = y
            a[j] += h; b[j] -= h
            try system.evaluateResidual(time: 0, state: a, derivative: yp, into: &plus)
            try system.evaluateResidual(time: 0, state: b, derivative: yp, into: &minus)
            for i in 0..<3 { #expect(abs((plus[i] - minus[i]) / (2 * h) - k[i][j]) < 1e-7 * max(1, abs(k[i][j])), "K[\(i)][\(j)]") }
            var c = yp, d = yp
            c[j] += h; d[j] -= h
            try system.evaluateResidual(time: 0, state: y, derivative: c, into: &plus)
            try system.evaluateResidual(time: 0, state: y, derivative: d, into: &minus)
            for i in 0..<3 { #expect(abs((plus[i] - minus[i]) / (2 * h) - m[i][j]) < 1e-9, "M[\(i)][\(j)]") }
        }
        // M to round-off of M itself (s = 1 would leave ε|K| ≈ 2e-16 × 2 here, 1e-13 relative of C).
        #expect(abs(m[1][1] - system.capacitance) <= 4 * system.capacitance.ulp, "M = \(m[1][1])")
        try system.evaluateResidual(time: 0, state: y, derivative: yp, into: &base)
        let direction = [0.3, -1.7, 2.2]
        for s in [1.0, 1e3] {
            try system.evaluateResidual(time: 0, state: y, derivative: zip(yp, direction).map { $0 + s * $1 }, into: &shifted)
            for i in 0..<3 {
                let expected = (0..<3).reduce(0.0) { $0 + m[i][$1] * s * direction[$1] }
                #expect(abs(shifted[i] - base[i] - expected) <= 1e-12 * max(1, abs(expected)), "row \(i), s = \(s)")
            }
        }
    }

    /// Z = δv/δI_set from (K + iωM) x = e₂ (the control row's forcing) equals R₀ + R/(1 + iωRC) to
    /// 1e-12 relative from 1 mHz to 1 MHz, at rest and at an operating current (where R is smaller),
    /// and the frequency of the arc's top (−Im Z largest) is 1/(2πRC).
    @Test("Randles cell: (K + iωM)⁻¹ gives R₀ + R/(1 + iωRC)", arguments: [0.0, 0.3])
    func randlesImpedance(current: Double) throws {
        var system = RandlesCell(setCurrent: current)
        let y = system.steadyState(current: current)
        let solver = try FrequencyResponseSolver(try DAELinearisation(system: &system, time: 0, state: y, derivative: [0, 0, 0]))
        let b = [Complex.zero, .zero, .one]
        var worst = 0.0
        var peak = (frequency: 0.0, value: -Double.infinity)
        for n in 0...180 {
            let frequency = pow(10, -3 + Double(n) / 20)
            let omega = 2 * Double.pi * frequency
            let x = try solver.solve(angularFrequency: omega, rightHandSide: b)
            let expected = system.analyticImpedance(omega: omega, at: y)
            worst = max(worst, (x[0] - expected).magnitude / expected.magnitude)
            if -x[0].imaginary > peak.value { peak = (frequency, -x[0].imaginary) }
        }
        #expect(worst < 1e-12, "largest relative error \(worst)")
        let r = 1 / (system.i0 * system.f * cosh(system.f * y[1] / 2))
        let apex = 1 / (2 * Double.pi * r * system.capacitance)
        #expect(abs(log10(peak.frequency / apex)) <= 0.05 / 2 + 1e-9, "arc top at \(peak.frequency) Hz, 1/(2πRC) = \(apex) Hz")
    }

    /// dZ/dθ of a linearised system, θ = ln i₀: dx/dθ = −A⁻¹ (dA/dθ) x from the factorisation that gave
    /// x, dA/dθ the central difference of the linearisations at θ ± δ taken at y* ± δ dy*/dθ (the
    /// operating point u* = (2/f) asinh(I/2i₀) moves with i₀ under current). Analytically
    /// R = 1/(f √(i₀² + I²/4)), dR/dθ = −i₀² f² R³, and dZ/dθ = (dR/dθ) / (1 + iωRC)². (Agreement 2–3·10⁻⁹;
    /// without the operating point's shift it is 9 times off at I = 0.3 A.)
    @Test("Randles cell: dZ/d ln i₀ from (dK + iω dM) x on the factorised A equals the analytic derivative", arguments: [0.0, 0.3])
    func impedanceDerivative(current: Double) throws {
        var system = RandlesCell(setCurrent: current)
        let y = system.steadyState(current: current)
        let solver = try FrequencyResponseSolver(try DAELinearisation(system: &system, time: 0, state: y, derivative: [0, 0, 0]))
        // du*/dθ = (2/f) d asinh(I/(2 i₀ e^θ))/dθ; v* = R₀ I + u* moves with it.
        let ratio = current / (2 * system.i0)
        let du = -(2 / system.f) * ratio / (1 + ratio * ratio).squareRoot()
        let delta = 1e-4
        func linearisation(_ sign: Double) throws -> DAELinearisation {
            var moved = system
            moved.i0 = system.i0 * exp(sign * delta)
            return try DAELinearisation(system: &moved, time: 0, state: [y[0] + sign * delta * du, y[1] + sign * delta * du, y[2]],
                                        derivative: [0, 0, 0])
        }
        let derivative = DAELinearisation(centralDifference: try linearisation(1), try linearisation(-1), step: delta)
        let r = 1 / (system.f * (system.i0 * system.i0 + current * current / 4).squareRoot())
        let dR = -system.i0 * system.i0 * system.f * system.f * r * r * r
        var worst = 0.0
        for n in 0...12 {
            let omega = 2 * Double.pi * pow(10, -2 + Double(n) / 2)
            let x = try solver.solve(angularFrequency: omega, rightHandSide: [.zero, .zero, .one])
            let dx = try solver.solveFactorised(rightHandSide: derivative.product(angularFrequency: omega, x).map { -$0 })
            let denominator = Complex(1, omega * r * system.capacitance)
            let expected = Complex(dR) / (denominator * denominator)
            worst = max(worst, (dx[0] - expected).magnitude / expected.magnitude)
        }
        #expect(worst < 1e-7, "largest relative error \(worst)")
    }

    /// ω must be positive: ω = 0 is refused with a clear error rather than a singular factorisation.
    @Test("non-positive angular frequency is refused")
    func zeroFrequencyRefused() throws {
        var system = RandlesCell()
        let solver = try FrequencyResponseSolver(try DAELinearisation(system: &system, time: 0, state: [0, 0, 0], derivative: [0, 0, 0]))
        #expect(throws: SolverError.self) { try solver.solve(angularFrequency: 0, rightHandSide: [.zero, .zero, .one]) }
        #expect(throws: SolverError.self) { try solver.solve(angularFrequency: -.infinity, rightHandSide: [.zero, .zero, .one]) }
    }
}

@Suite("Complex sparse LU (KLU)")
struct ComplexSparseLUTests {
    /// A random complex tridiagonal-plus-corner matrix (non-symmetric, not diagonally dominant, so
    /// pivoting matters): the solution of A x = b satisfies |A x − b| ≤ 1e-12 |b| scaled, and agrees
    /// with dense Gaussian elimination with partial pivoting to 1e-10.
    @Test("A x = b for random sparse complex matrices", arguments: [5, 40, 300])
    func randomSystems(dimension n: Int) throws {
        var g = SplitMix64(seed: UInt64(n) * 7_919)
        var entries: [(row: Int, column: Int)] = []
        for i in 0..<n {
            entries.append((i, i))
            if i > 0 { entries += [(i, i - 1), (i - 1, i)] }
        }
        entries += [(0, n - 1), (n - 1, 0)]
        let pattern = SparsityPattern(dimension: n, entries: entries)
        let values = (0..<pattern.nonZeroCount).map { _ in Complex(Double.random(in: -1...1, using: &g), Double.random(in: -1...1, using: &g)) }
        let b = (0..<n).map { _ in Complex(Double.random(in: -1...1, using: &g), Double.random(in: -1...1, using: &g)) }
        let lu = try ComplexSparseLU(pattern: pattern)
        try lu.factor(values)
        let x = try lu.solve(b)
        // Dense A, A x, and the dense solution.
        var dense = [[Complex]](repeating: [Complex](repeating: .zero, count: n), count: n)
        for column in 0..<n {
            for k in pattern.columnStarts[column]..<pattern.columnStarts[column + 1] { dense[pattern.rowIndices[k]][column] = values[k] }
        }
        var residual = 0.0, scale = 0.0
        for i in 0..<n {
            var sum = Complex.zero
            for j in 0..<n { sum += dense[i][j] * x[j] }
            residual = max(residual, (sum - b[i]).magnitude)
            scale = max(scale, b[i].magnitude)
        }
        #expect(residual <= 1e-12 * scale * Double(n), "residual \(residual)")
        let reference = denseSolve(dense, b)
        let error = zip(x, reference).map { ($0 - $1).magnitude }.max()!
        let size = reference.map(\.magnitude).max()!
        #expect(error <= 1e-10 * size, "difference from dense elimination \(error) (|x| ~ \(size))")
        #expect(lu.reciprocalPivotRatio > 0)
    }

    /// A structurally present but numerically zero column makes KLU report KLU_SINGULAR.
    @Test("a singular matrix is reported as KLU_SINGULAR")
    func singularMatrix() throws {
        let pattern = SparsityPattern(dimension: 2, entries: [(0, 0), (1, 0), (0, 1), (1, 1)])
        let lu = try ComplexSparseLU(pattern: pattern)
        do {
            try lu.factor([Complex(1, 1), Complex(2, 2), Complex(1, 1), Complex(2, 2)])
            Issue.record("a singular matrix was factored")
        } catch {
            #expect(error.flagName == "KLU_SINGULAR", "\(error)")
        }
        #expect(throws: SolverError.self) { _ = try lu.solve([.one, .one]) }
    }

    func denseSolve(_ matrix: [[Complex]], _ rhs: [Complex]) -> [Complex] {
        var a = matrix, b = rhs
        let n = b.count
        for column in 0..<n {
            let pivot = (column..<n).max { a[$0][column].magnitude < a[$1][column].magnitude }!
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Complex](repeating: .zero, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
