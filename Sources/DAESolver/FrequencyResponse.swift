/// The linearisation of an implicit DAE F(t, y, ẏ) = 0 about one point (t*, y*, ẏ*):
///
///     F(t*, y* + δy, ẏ* + δẏ) ≈ F(t*, y*, ẏ*) + K δy + M δẏ,   K = ∂F/∂y,   M = ∂F/∂ẏ,
///
/// both on the system's Jacobian pattern. They come from the system's own exact iteration matrix
/// J(c_j) = ∂F/∂y + c_j ∂F/∂ẏ, which is affine in c_j by definition, as
///
///     K = J(0),   M = (J(s) − J(0)) / s,   s = 2²⁰
///
/// (s a power of two, so the division is exact; the round-off in M is ε(|M| + |K|/s), where s = 1
/// would leave ε|K|, large beside a small capacity next to a stiff conductance). For a system
/// whose residual is linear in ẏ — F = F₀(t, y) + M(y) ẏ, as in the P2D cell model, where ẏ only
/// enters through capacities — M does not depend on ẏ*, so the pair (K, M) describes the response
/// to any small perturbation about y*; at a rest point (ẏ* = 0) it is the system's exact small-signal
/// model. The tests check that linearity on the residual itself (F(y, ẏ + s d) − F(y, ẏ) = s M d).
public struct DAELinearisation: Sendable {
    public let pattern: SparsityPattern
    /// K = ∂F/∂y, in the pattern's order.
    public let stateJacobian: [Double]
    /// M = ∂F/∂ẏ, in the pattern's order.
    public let derivativeJacobian: [Double]

    /// The c_j at which M is differenced (a power of two).
    public static let derivativeProbe = 1_048_576.0

    /// Evaluates the system's Jacobian at c_j = 0 and c_j = ``derivativeProbe`` at (t, y, ẏ).
    public init<System: DAESystem>(system: inout System, time: Double, state: [Double],
                                   derivative: [Double]) throws {
        precondition(state.count == system.stateCount && derivative.count == system.stateCount,
                     "linearisation: state and derivative must have the system's \(system.stateCount) components")
        let pattern = system.jacobianPattern
        var atZero = [Double](repeating: 0, count: pattern.nonZeroCount)
        var atProbe = atZero
        let probe = Self.derivativeProbe
        try state.withUnsafeBufferPointer { y in
            try derivative.withUnsafeBufferPointer { yp in
                try atZero.withUnsafeMutableBufferPointer { try system.jacobian(time: time, state: y, derivative: yp, cj: 0, into: $0) }
                try atProbe.withUnsafeMutableBufferPointer { try system.jacobian(time: time, state: y, derivative: yp, cj: probe, into: $0) }
            }
        }
        self.pattern = pattern
        stateJacobian = atZero
        derivativeJacobian = zip(atProbe, atZero).map { ($0 - $1) / probe }
    }

    /// The derivative of a linearisation along a path through two points of it,
    ///
    ///     dK/dθ ≈ (K₊ − K₋)/2δ,   dM/dθ ≈ (M₊ − M₋)/2δ,
    ///
    /// the central difference between the linearisations at θ + δ (`plus`) and θ − δ (`minus`), on one
    /// pattern. Taken between two systems *and* two points (y* ± δ dy*/dθ) it is the total derivative
    /// of (K, M) along θ, a linearisation of its own: (dK + iω dM) x is dA/dθ · x.
    public init(centralDifference plus: DAELinearisation, _ minus: DAELinearisation, step: Double) {
        precondition(plus.pattern == minus.pattern, "centralDifference: the two linearisations must share a pattern")
        let scale = 1 / (2 * step)
        pattern = plus.pattern
        stateJacobian = zip(plus.stateJacobian, minus.stateJacobian).map { ($0 - $1) * scale }
        derivativeJacobian = zip(plus.derivativeJacobian, minus.derivativeJacobian).map { ($0 - $1) * scale }
    }

    /// (K + iωM) x, column by column over the pattern.
    public func product(angularFrequency omega: Double, _ x: [Complex]) -> [Complex] {
        precondition(x.count == pattern.dimension, "product: a vector of \(x.count) for dimension \(pattern.dimension)")
        var out = [Complex](repeating: .zero, count: pattern.dimension)
        for column in 0..<pattern.dimension where x[column] != .zero {
            for entry in pattern.columnStarts[column]..<pattern.columnStarts[column + 1] {
                out[pattern.rowIndices[entry]] += Complex(stateJacobian[entry], omega * derivativeJacobian[entry]) * x[column]
            }
        }
        return out
    }

    /// Builds a linearisation from given K and M (in the pattern's order).
    public init(pattern: SparsityPattern, stateJacobian: [Double], derivativeJacobian: [Double]) {
        precondition(stateJacobian.count == pattern.nonZeroCount && derivativeJacobian.count == pattern.nonZeroCount)
        self.pattern = pattern
        self.stateJacobian = stateJacobian
        self.derivativeJacobian = derivativeJacobian
    }
}

/// The steady periodic response of a linearised DAE to a sinusoidal forcing: with the perturbation
/// y = y* + Re(x e^{iωt}) and a forcing that adds −Re(b e^{iωt}) to F, the linearised equations
/// K x + M (iω x) − b = 0 give
///
///     (K + iω M) x = b,
///
/// solved per angular frequency ω > 0 by a complex sparse LU (``ComplexSparseLU``) that reuses the
/// Jacobian's sparsity pattern and its symbolic analysis at every frequency. (At ω = 0 the matrix is
/// singular for any DAE with a pure integrator, such as a charge counter.)
///
/// Accuracy: the LU's round-off is relative to the largest entries of each row. Where the response is
/// dominated by an integrator (far below a system's slowest time constant, |Im x| ≫ |Re x|) a small real
/// part is resolved only to about ε × (largest / smallest significant entry of a row) × |x|; a badly
/// scaled system (entries 10¹⁸ beside 10⁷) loses it there.
public final class FrequencyResponseSolver {
    public let linearisation: DAELinearisation
    private let lu: ComplexSparseLU
    private var imaginary: [Double]

    public init(_ linearisation: DAELinearisation) throws(SolverError) {
        self.linearisation = linearisation
        lu = try ComplexSparseLU(pattern: linearisation.pattern)
        imaginary = [Double](repeating: 0, count: linearisation.pattern.nonZeroCount)
    }

    /// x with (K + iωM) x = b. Throws for ω ≤ 0 or not finite, or when the matrix is singular.
    public func solve(angularFrequency omega: Double, rightHandSide b: [Complex]) throws(SolverError) -> [Complex] {
        guard omega > 0, omega.isFinite else {
            throw SolverError(function: "FrequencyResponseSolver.solve", flag: -22, flagName: "invalid frequency",
                              message: "the angular frequency must be positive and finite (got \(omega))")
        }
        let mass = linearisation.derivativeJacobian
        for k in 0..<mass.count { imaginary[k] = omega * mass[k] }
        try lu.factor(real: linearisation.stateJacobian, imaginary: imaginary)
        return try lu.solve(b)
    }

    /// x with (K + iωM) x = b at the ω of the last ``solve(angularFrequency:rightHandSide:)``, from its
    /// factorisation (a back-substitution only: for further right-hand sides at that frequency, such
    /// as the sensitivities dx/dθ = A⁻¹(db/dθ − dA/dθ x)). Throws before any factorisation.
    public func solveFactorised(rightHandSide b: [Complex]) throws(SolverError) -> [Complex] {
        try lu.solve(b)
    }

    /// Reciprocal pivot ratio of the last factorisation (see ``ComplexSparseLU/reciprocalPivotRatio``).
    public var reciprocalPivotRatio: Double { lu.reciprocalPivotRatio }
}
