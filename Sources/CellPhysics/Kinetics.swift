import Foundation

// Charge-transfer kinetics (docs/MODEL.md §Kinetics): Butler–Volmer with symmetric transfer
// coefficients α_a = α_c = ½ at the contacted CAM|SE surface of a particle (with a resistive
// interphase film in series) and at the planar lithium-metal foil. f = F/RT throughout.

/// Butler–Volmer kinetics of the contacted CAM|SE surface of a particle, per unit of contacted area.
///
///     j = 2 i₀(y) sinh(f η/2)          [A m⁻²], positive = delithiation (oxidation of the particle)
///     η = Δφ − U(y) − R_f j            Δφ = φ_s − φ_e [V], R_f the film resistance [Ω m²]
///     i₀(y) = 2 i₀,ref(T) g(y) g(1 − y)
///
/// with y the surface stoichiometry and g the regularised square root (``regularisedSquareRoot(_:)``),
/// so that i₀ = i₀,ref at y = ½ (the single-ion electrolyte carries no concentration dependence).
public struct ButlerVolmerKinetics: Sendable {
    /// f = F/RT [V⁻¹].
    public let f: Double
    /// i₀,ref(T) [A m⁻²]: the exchange-current density at y = ½ at the operating temperature.
    public let exchangeCurrentReference: Double

    public init(f: Double, exchangeCurrentReference: Double) {
        self.f = f
        self.exchangeCurrentReference = exchangeCurrentReference
    }

    /// Exchange-current density i₀ = 2 i₀,ref g(y) g(1 − y) [A m⁻²] and di₀/dy, y clipped to [0, 1]
    /// as in PyBaMM (di₀/dy = 0 outside (0, 1)).
    @inlinable @inline(__always)
    public func exchangeCurrentDensity(_ y: Double) -> (value: Double, derivative: Double) {
        let inside = y > 0 && y < 1
        let yc = min(max(y, 0), 1)
        let (g1, dg1) = regularisedSquareRoot(yc)
        let (g2, dg2) = regularisedSquareRoot(1 - yc)
        let scale = 2 * exchangeCurrentReference
        return (scale * g1 * g2, inside ? scale * (dg1 * g2 - g1 * dg2) : 0)
    }

    /// The current density j [A m⁻²] through an interphase of resistance R_f [Ω m²] in series,
    /// given Δφ = φ_s − φ_e [V], the surface stoichiometry y and U(y), dU/dy; with ∂j/∂Δφ, ∂j/∂y
    /// and ∂j/∂R_f. With g = ∂j/∂η = i₀ f cosh(f η/2), implicit differentiation gives
    ///
    ///     ∂j/∂Δφ = g/(1 + R_f g),   ∂j/∂y = (2 sinh(fη/2) di₀/dy − g dU/dy)/(1 + R_f g),
    ///     ∂j/∂R_f = −g j/(1 + R_f g).
    ///
    /// `nil` when the overpotential behind the film does not converge
    /// (``overpotentialBehindFilm(drive:exchangeCurrent:film:)``). R_f = 0 is the bare interface.
    @inlinable @inline(__always)
    public func current(potentialDifference: Double, stoichiometry y: Double, ocp: (value: Double, derivative: Double),
                        filmResistance: Double)
        -> (j: Double, dPotential: Double, dStoichiometry: Double, dFilm: Double)? {
        let drive = potentialDifference - ocp.value
        let (i0, dI0dy) = exchangeCurrentDensity(y)
        var eta = drive
        if filmResistance > 0 {
            guard let behindFilm = overpotentialBehindFilm(drive: drive, exchangeCurrent: i0, film: filmResistance)
            else { return nil }
            eta = behindFilm
        }
        let (s, c) = sinhAndCosh(0.5 * f * eta)
        let j = 2 * i0 * s
        let g = i0 * f * c
        let damping = 1 + filmResistance * g
        return (j, g / damping, (2 * dI0dy * s - g * ocp.derivative) / damping, -g * j / damping)
    }

    /// The overpotential η [V] across the charge-transfer step when a film of resistance R [Ω m²]
    /// takes R j of the drive Δ = Δφ − U [V]: the root of H(η) = η + 2 R i₀ sinh(f η/2) − Δ, which
    /// lies between 0 and Δ. H is increasing and convex on the side of Δ, so Newton's method from
    /// η = Δ converges monotonically; `nil` if it has not converged (|step| ≤ 10⁻¹⁵ (1 + |η|)) in
    /// 200 iterations.
    @inlinable @inline(__always)
    public func overpotentialBehindFilm(drive: Double, exchangeCurrent i0: Double, film R: Double) -> Double? {
        var eta = drive
        for _ in 0..<200 {
            let (s, c) = sinhAndCosh(0.5 * f * eta)
            let step = (eta + 2 * R * i0 * s - drive) / (1 + R * i0 * f * c)
            eta -= step
            if abs(step) <= 1e-15 * (1 + abs(eta)) { return eta }
        }
        return nil
    }
}

/// The planar lithium-metal (or alloy) foil: Butler–Volmer at the foil|SE interface, the foil's
/// ohmic drop and its open-circuit potential, which set the solid-electrolyte potential next to it,
///
///     i = 2 i₀,Li(T) sinh(f η_n/2),     φ_e(0) = −i L_n/σ_n − η_n − U_n,
///
/// with i the current density [A m⁻²] (positive on discharge: lithium is stripped), η_n [V],
/// L_n [m], σ_n [S m⁻¹] and U_n [V vs Li/Li⁺].
public struct LithiumFoil: Sendable {
    /// f = F/RT [V⁻¹].
    public let f: Double
    /// i₀,Li(T) [A m⁻²].
    public let exchangeCurrent: Double
    /// L_n [m].
    public let thickness: Double
    /// σ_n [S m⁻¹].
    public let conductivity: Double
    /// U_n [V vs Li/Li⁺].
    public let openCircuitPotential: Double

    public init(f: Double, exchangeCurrent: Double, thickness: Double, conductivity: Double, openCircuitPotential: Double) {
        self.f = f
        self.exchangeCurrent = exchangeCurrent
        self.thickness = thickness
        self.conductivity = conductivity
        self.openCircuitPotential = openCircuitPotential
    }

    /// The current density of an interface overpotential, i = 2 i₀,Li sinh(f η_n/2) [A m⁻²], and
    /// di/dη_n = i₀,Li f cosh(f η_n/2).
    @inlinable @inline(__always)
    public func current(overpotential eta: Double) -> (value: Double, dOverpotential: Double) {
        (2 * exchangeCurrent * sinh(0.5 * f * eta), exchangeCurrent * f * cosh(0.5 * f * eta))
    }

    /// The interface overpotential that passes a current density, the inverse of
    /// ``current(overpotential:)``: η_n = (2/f) asinh(i / 2i₀,Li) [V], and dη_n/di.
    @inlinable @inline(__always)
    public func overpotential(current i: Double) -> (value: Double, dCurrent: Double) {
        let x = i / (2 * exchangeCurrent)
        return ((2 / f) * asinh(x), (2 / f) / (1 + x * x).squareRoot() / (2 * exchangeCurrent))
    }

    /// φ_e(0) = −i L_n/σ_n − η_n − U_n [V] and its derivative in i, given η_n and dη_n/di (0 when
    /// η_n is an unknown of its own, as with a foil double layer).
    @inlinable @inline(__always)
    public func electrolytePotential(current i: Double, overpotential eta: (value: Double, dCurrent: Double))
        -> (value: Double, dCurrent: Double) {
        (-i * thickness / conductivity - eta.value - openCircuitPotential, -thickness / conductivity - eta.dCurrent)
    }

    /// φ_e(0) [V] and dφ_e(0)/di with the interface overpotential in equilibrium with the current
    /// (no double layer): η_n = ``overpotential(current:)``.
    @inlinable @inline(__always)
    public func electrolytePotential(current i: Double) -> (value: Double, dCurrent: Double) {
        electrolytePotential(current: i, overpotential: overpotential(current: i))
    }
}

/// sinh x and cosh x from one exponential, for Butler–Volmer rates and their derivatives (libm's
/// `sinh` and `cosh` each cost more than an `exp`); the absolute error stays at rounding level, and
/// both overflow where libm's do.
@inlinable @inline(__always) public func sinhAndCosh(_ x: Double) -> (sinh: Double, cosh: Double) {
    let e = exp(x), inverse = 1 / e
    return (0.5 * (e - inverse), 0.5 * (e + inverse))
}

/// PyBaMM's regularised square root g(x) = x (x² + δ²)^(−1/4), δ = 10⁻³ (its `RegPower` with
/// exponent ½ on a scaled concentration), and g'(x) = (x²/2 + δ²)(x² + δ²)^(−5/4). It equals √x
/// but for x within ~δ of zero, where it stays finite in slope.
@inlinable @inline(__always)
public func regularisedSquareRoot(_ x: Double) -> (value: Double, derivative: Double) {
    let delta2 = 1e-6
    let s = x * x + delta2
    let quarter = 1 / s.squareRoot().squareRoot()  // s^(−1/4) without a call to pow
    return (x * quarter, (0.5 * x * x + delta2) * quarter / s)
}
