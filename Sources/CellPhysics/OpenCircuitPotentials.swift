import Foundation

// Open-circuit potentials of the positive electrode (docs/MODEL.md §Open-circuit potentials): the
// built-in fits and tables, and the boundary asymptotes the model adds to every one of them
// (``OpenCircuitPotentials/withBoundaryAsymptotes(_:at:)``).

/// Helpers for writing OCP fits: tanh(a(x − b)) and its derivative a·sech²(a(x − b)). tanh z is
/// formed as 1 − 2/(e^{2z} + 1), one exponential (glibc's `tanh` goes through `expm1`, which costs
/// more); the absolute error stays at rounding level (~10⁻¹⁶), which is what an OCP sum needs.
@inline(__always) func tanhTerm(_ x: Double, _ a: Double, _ b: Double) -> (Double, Double) {
    let t = 1 - 2 / (exp(2 * a * (x - b)) + 1)
    return (t, a * (1 - t * t))
}

/// Open-circuit potentials U(y) [V vs Li/Li⁺] of positive electrode materials as functions of the
/// stoichiometry y = c/c_max, under the names PyBaMM gives them, so parameter sets carry across.
public enum OpenCircuitPotentials {
    /// NMC811 of the LG M50 cell (Chen et al., J. Electrochem. Soc. 167, 080534, 2020), PyBaMM's
    /// `nmc_LGM50_ocp_Chen2020`:
    ///
    ///     U(y) = −0.8090 y + 4.4875 − 0.0428 tanh(18.5138(y − 0.5542))
    ///            − 17.7326 tanh(15.7890(y − 0.3117)) + 17.5842 tanh(15.9308(y − 0.3120))
    public static let nmcLGM50Chen2020 = DifferentiableFunction(name: "nmc_LGM50_ocp_Chen2020") { y in
        let (t1, d1) = tanhTerm(y, 18.5138, 0.5542)
        let (t2, d2) = tanhTerm(y, 15.7890, 0.3117)
        let (t3, d3) = tanhTerm(y, 15.9308, 0.3120)
        let u = -0.8090 * y + 4.4875 - 0.0428 * t1 - 17.7326 * t2 + 17.5842 * t3
        let du = -0.8090 - 0.0428 * d1 - 17.7326 * d2 + 17.5842 * d3
        return (u, du)
    }

    /// NMC532 of Xu et al. (J. Electrochem. Soc. 166, A3456, 2019; fit from Mohtat 2020), PyBaMM's
    /// `nmc_ocp_Xu2019`:
    ///
    ///     U(y) = 4.3452 − 1.6518 y + 1.6225 y² − 2.0843 y³ + 3.5146 y⁴ − 2.2166 y⁵
    ///            − 0.5623×10⁻⁴ exp(109.451 y − 100.006)
    public static let nmcXu2019 = DifferentiableFunction(name: "nmc_ocp_Xu2019") { y in
        let e = 0.5623e-4 * exp(109.451 * y - 100.006)
        let u = 4.3452 + y * (-1.6518 + y * (1.6225 + y * (-2.0843 + y * (3.5146 + y * -2.2166)))) - e
        let du = -1.6518 + y * (2 * 1.6225 + y * (3 * -2.0843 + y * (4 * 3.5146 + y * 5 * -2.2166))) - 109.451 * e
        return (u, du)
    }

    /// Every built-in OCP by name.
    public static let all: [String: DifferentiableFunction] = [
        nmcLGM50Chen2020.name: nmcLGM50Chen2020,
        nmcXu2019.name: nmcXu2019,
        li2tis3Lu2026.name: li2tis3Lu2026,
        ltvoOhno2026.name: ltvoOhno2026,
    ]
}

extension OpenCircuitPotentials {
    /// PyBaMM's asymptotes (since v25), added to every positive-electrode OCP so that the
    /// potential diverges at empty and full lithiation and a cut-off is always reached before
    /// the stoichiometry leaves (0, 1):
    ///
    ///     U(y) = U_fit(clip(y, 10⁻¹⁰, 1 − 10⁻¹⁰)) + A(y) − A(1 − y)
    ///     A(s) = a [ ln(1 + exp(−b (max(s_lim, s) − c))) − b min(0, s − s_lim) ]
    ///
    /// with a = 205.0568621937484 V, b = 6910.192179565431, c = −7.7×10⁻⁴ and s_lim = c − ln(2/ε)/b:
    /// +1 mV at y = 0.001, +1 V at y = 0 (mirrored near y = 1). Returns A(y) − A(1 − y) and its derivative.
    @inlinable @inline(__always)
    public static func boundaryAsymptotes(_ y: Double) -> (value: Double, derivative: Double) {
        let (a0, d0) = asymptote(y)
        let (a1, d1) = asymptote(1 - y)
        return (a0 - a1, d0 + d1)
    }

    @usableFromInline static let asymptoteScale = 205.0568621937484
    @usableFromInline static let asymptoteSteepness = 6910.192179565431
    @usableFromInline static let asymptoteOffset = -7.7e-4
    @usableFromInline static let asymptoteLimit = asymptoteOffset - log(2 / Double.ulpOfOne) / asymptoteSteepness

    /// A(s) and dA/ds.
    @inlinable @inline(__always)
    static func asymptote(_ s: Double) -> (Double, Double) {
        let a = asymptoteScale, b = asymptoteSteepness
        let clamped = max(asymptoteLimit, s)
        let z = -b * (clamped - asymptoteOffset)
        // Far from the boundary (s above 0.1) eᶻ underflows to 0 and so do both terms: the values
        // below, without the four exponentials and logarithms.
        if z < -746 && s > asymptoteLimit { return (0, -0.0) }
        // Numerically stable softplus ln(1 + eᶻ) and logistic eᶻ/(1 + eᶻ).
        let softplus = z > 30 ? z + log1p(exp(-z)) : log1p(exp(z))
        let logistic = z > 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
        if s > asymptoteLimit {
            return (a * softplus, -a * b * logistic)
        }
        return (a * (softplus - b * (s - asymptoteLimit)), -a * b)
    }
}

extension OpenCircuitPotentials {
    /// The open-circuit potential the model uses [V vs Li/Li⁺], a fit with the boundary
    /// asymptotes (``boundaryAsymptotes(_:)``), and its derivative in the stoichiometry y:
    ///
    ///     U(y) = U_fit(clip(y, 10⁻¹⁰, 1 − 10⁻¹⁰)) + A(y) − A(1 − y)
    ///     dU/dy = [y ∈ (10⁻¹⁰, 1 − 10⁻¹⁰)] dU_fit/dy + A'(y) + A'(1 − y)
    @inlinable @inline(__always)
    public static func withBoundaryAsymptotes(_ fit: DifferentiableFunction, at y: Double)
        -> (value: Double, derivative: Double) {
        let inside = y > 1e-10 && y < 1 - 1e-10
        let (u, dU) = fit(min(max(y, 1e-10), 1 - 1e-10))
        let (barrier, dBarrier) = boundaryAsymptotes(y)
        return (u + barrier, (inside ? dU : 0) + dBarrier)
    }
}
