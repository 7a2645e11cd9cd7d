import Foundation

// The lithium-metal side under stack pressure (docs/MODEL.md §Lithium interface contact): the
// fraction of the foil|SE interface in contact, opened by stripping faster than lithium creeps
// back and closed by creep under the stack pressure and by plating.

/// Contact of a lithium-metal foil with the solid electrolyte under a stack pressure.
///
/// φ_a ∈ (0, 1] is the fraction of the geometric foil|SE area in contact. With the current
/// density i [A m⁻²] (positive = stripping, as in ``LithiumFoil``), i⁺ = max(i, 0) the stripping
/// and i⁻ = max(−i, 0) the plating current density, and P [MPa] the stack pressure:
///
///     q_c dφ_a/dt = −G(i⁺, i_r) + q_c ε̇(P/φ_a) (1 − φ_a) + i⁻ (1 − φ_a)
///
///     G(i⁺, i_r) = i⁺ − i_r (1 − exp(−i⁺/i_r)),       i_r = q_c ε̇(P) + i_v
///     ε̇(σ) = ε̇₁(T) σⁿ,   ε̇₁(T) = ε̇₁(T_ref) exp[(Q/R)(1/T_ref − 1/T)]       (σ in MPa)
///
/// - **Void growth** G: the stripped lithium, i⁺ V_m/F per area and time, less what creep of the
///   metal toward the interface resupplies. Creep of the asperity layer of height h at the
///   strain rate ε̇(P) resupplies h ε̇ per area and time, the charge i_r = q_c ε̇(P) with
///   q_c = h F/V_m the **interface capacity**: the charge per area whose stripping removes the
///   contact layer. i_v is a pressure-independent resupply by vacancy diffusion in the metal
///   (Kasemchainan et al. argue that it limits at low pressure; a constant here, 0 unless given).
///   G rises from 0 (i⁺ ≪ i_r, G ≈ i⁺²/2i_r) to i⁺ − i_r (i⁺ ≫ i_r): the metal resupplies at most
///   i_r, and smoothly. Voids open when the stripping flux exceeds what the
///   metal can resupply (Kasemchainan et al., Nat. Mater. 18, 1105 (2019); void growth precedes
///   dendrite nucleation: Raj et al., arXiv 2001.06276).
/// - **Creep closure**: the metal under the contact patches carries the stress P/φ_a and flows
///   into the voids, closing the void fraction 1 − φ_a at the strain rate ε̇(P/φ_a).
/// - **Plating** fills the voids with the plated volume, in the proportion 1 − φ_a that they
///   occupy.
///
/// Power-law creep ε̇ = A σⁿ exp(−Q/RT) of lithium: LePage et al., J. Electrochem. Soc. 166, A89
/// (2019) and Masias et al., J. Mater. Sci. 54, 2585 (2019); ε̇₁(T_ref) = A exp(−Q/RT_ref) is
/// the strain rate at 1 MPa and the reference temperature.
///
/// Limits: zero current, or i_r → ∞ (infinite pressure), gives no void growth; zero creep
/// (ε̇₁ = 0, i_v = 0) gives dφ_a/dt = −i⁺/q_c, so the contact falls by the stripped charge over q_c.
/// The rate is continuous in i, with a continuous ∂/∂i through i = 0 on the stripping side
/// (∂G/∂i⁺ = 0 there) and a jump of (1 − φ_a)/q_c on the plating side.
///
/// The contact scales the foil's exchange-current area (i₀ φ_a: ``LithiumFoil``) and carries a
/// constriction resistance ∝ 1/(contact area) that falls with the pressure as P^−m, m ≈ ½
/// (interfacial resistance of electrode|Li6PS5Cl contacts ∝ (contact area)^−1 and ∝ P^−0.5:
/// arXiv 2501.00600):
///
///     R_c = r_c (max(P, P_ref/1000)/P_ref)^−m / φ_a        [Ω m²]
///
/// (the pressure is floored at a thousandth of the reference pressure, so that the resistance of
/// an unloaded interface stays finite).
public struct LithiumInterfaceContact: Sendable, Equatable {
    /// q_c = h F/V_m [C m⁻²].
    public var interfaceCapacity: Double
    /// ε̇₁(T) [s⁻¹]: the creep strain rate at 1 MPa at the operating temperature.
    public var creepRate: Double
    /// n, the creep stress exponent.
    public var stressExponent: Double
    /// i_v [A m⁻²]: resupply by vacancy diffusion, independent of the pressure (0: none).
    public var vacancyResupply: Double
    /// r_c [Ω m²] at full contact and the reference pressure (0: no constriction resistance).
    public var contactResistance: Double
    /// P_ref [MPa] of r_c.
    public var resistanceReferencePressure: Double
    /// m, the pressure exponent of r_c.
    public var resistancePressureExponent: Double

    public init(interfaceCapacity: Double, creepRate: Double, stressExponent: Double, vacancyResupply: Double = 0,
                contactResistance: Double = 0, resistanceReferencePressure: Double = 1, resistancePressureExponent: Double = 0.5) {
        self.interfaceCapacity = interfaceCapacity
        self.creepRate = creepRate
        self.stressExponent = stressExponent
        self.vacancyResupply = vacancyResupply
        self.contactResistance = contactResistance
        self.resistanceReferencePressure = resistanceReferencePressure
        self.resistancePressureExponent = resistancePressureExponent
    }

    /// The same interface with its creep rate at another temperature: ε̇₁(T) = ε̇₁(T_ref) ·
    /// ``arrhenius(activationEnergy:temperature:reference:)`` with the creep activation energy Q.
    public func at(temperature: Double, reference: Double, activationEnergy: Double) -> LithiumInterfaceContact {
        var copy = self
        copy.creepRate = creepRate * arrhenius(activationEnergy: activationEnergy, temperature: temperature, reference: reference)
        return copy
    }

    /// ε̇(σ) = ε̇₁ σⁿ [s⁻¹] and dε̇/dσ, σ in MPa (0 for σ ≤ 0).
    @inlinable @inline(__always)
    public func creepStrainRate(stress sigma: Double) -> (value: Double, dStress: Double) {
        guard sigma > 0, creepRate > 0 else { return (0, 0) }
        let value = creepRate * pow(sigma, stressExponent)
        return (value, stressExponent * value / sigma)
    }

    /// G(i⁺, i_r) = i⁺ − i_r (1 − exp(−i⁺/i_r)) [A m⁻²], ∂G/∂i⁺ and ∂G/∂i_r, for i⁺ ≥ 0, i_r ≥ 0
    /// (a series in x = i⁺/i_r below 10⁻², where the difference would cancel).
    @inlinable @inline(__always)
    public static func voidGrowth(stripping s: Double, resupply r: Double) -> (value: Double, dStripping: Double, dResupply: Double) {
        guard s > 0 else { return (0, 0, 0) }
        guard r > 0 else { return (s, 1, -1) }
        let x = s / r
        if x < 1e-2 {
            let x2 = x * x
            // x + expm1(−x) = x²/2 − x³/6 + x⁴/24 − x⁵/120; 1 − e^−x (1 + x) = x²/2 − x³/3 + x⁴/8 − x⁵/30.
            let g = x2 * (0.5 - x / 6 + x2 / 24 - x2 * x / 120)
            let h = x2 * (0.5 - x / 3 + x2 / 8 - x2 * x / 30)
            return (r * g, -expm1(-x), -h)
        }
        let e = exp(-x)
        return (s - r * (1 - e), 1 - e, -(1 - e - x * e))
    }

    /// dφ_a/dt [s⁻¹] at current density i [A m⁻²], stack pressure P [MPa] and contact φ_a > 0,
    /// with its derivatives in i, P and φ_a.
    @inlinable @inline(__always)
    public func contactRate(current i: Double, pressure p: Double, contact phi: Double)
        -> (value: Double, dCurrent: Double, dPressure: Double, dContact: Double) {
        let q = interfaceCapacity
        let applied = creepStrainRate(stress: p)
        let resupply = q * applied.value + vacancyResupply
        let growth = Self.voidGrowth(stripping: max(i, 0), resupply: resupply)
        let local = creepStrainRate(stress: p / phi)
        let plating = max(-i, 0)
        let open = 1 - phi
        let value = -growth.value / q + local.value * open + plating * open / q
        let dCurrent = i > 0 ? -growth.dStripping / q : (i < 0 ? -open / q : 0)
        let dPressure = -growth.dResupply * applied.dStress + local.dStress * open / phi
        let dContact = local.dStress * (-p / (phi * phi)) * open - local.value - plating / q
        return (value, dCurrent, dPressure, dContact)
    }

    /// R_c = r_c (max(P, P_ref/1000)/P_ref)^−m / φ_a [Ω m²], ∂R_c/∂φ_a and ∂R_c/∂P.
    @inlinable @inline(__always)
    public func constrictionResistance(contact phi: Double, pressure p: Double)
        -> (value: Double, dContact: Double, dPressure: Double) {
        guard contactResistance > 0 else { return (0, 0, 0) }
        let reference = resistanceReferencePressure
        let floored = p > reference / 1000
        let ratio = (floored ? p : reference / 1000) / reference
        let m = resistancePressureExponent
        let value = contactResistance * pow(ratio, -m) / phi
        return (value, -value / phi, floored ? -m * value / p : 0)
    }

    /// The critical current density at which void growth, with the contact held at φ_a, just
    /// balances creep closure: the i⁺ with G(i⁺, i_r) = q_c ε̇(P/φ_a)(1 − φ_a) [A m⁻²]. The steady
    /// contact under a constant stripping current above it is below φ_a. Found by bisection on
    /// G, which increases in i⁺.
    public func steadyStrippingCurrent(contact phi: Double, pressure p: Double) -> Double {
        let q = interfaceCapacity
        let resupply = q * creepStrainRate(stress: p).value + vacancyResupply
        let closure = q * creepStrainRate(stress: p / phi).value * (1 - phi)
        var low = 0.0, high = max(closure, 1e-12) + resupply + 1
        while Self.voidGrowth(stripping: high, resupply: resupply).value < closure { high *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (low + high)
            if Self.voidGrowth(stripping: mid, resupply: resupply).value < closure { low = mid } else { high = mid }
        }
        return 0.5 * (low + high)
    }
}

/// Short circuit by lithium penetration at a partly contacted lithium|SE interface: current focusing.
///
/// Where voids have opened, the plating current is carried by the contacted fraction φ_a alone and
/// is focused further at the edges of the contacts; lithium then penetrates the electrolyte's
/// grain boundaries and cracks once the local plating current density exceeds a critical value
/// (Kasemchainan et al., Nat. Mater. 18, 1105 (2019): voids formed on stripping raise the local
/// current density on the next plating and dendrites form there, shorting the cell; Raj et al.,
/// arXiv 2001.06276: the current density at void edges is amplified by orders of magnitude; Porz
/// et al., Adv. Energy Mater. 7, 1701003 (2017): penetration above a critical plating current
/// density). With i⁻ = max(−i, 0) the plating current density of the interface (i positive =
/// stripping, as in ``LithiumFoil``) and i_p the critical local plating current density, the
/// criterion is
///
///     i⁻/φ_a ≥ i_p,
///
/// written as the margin g = 1 − i⁻/(φ_a i_p), which falls through 0 at the short circuit and is
/// continuous in i and φ_a (so it can be a root function).
public struct LithiumPenetrationCriterion: Sendable, Equatable {
    /// i_p [A m⁻²]: the critical plating current density of the contacted area.
    public var criticalLocalCurrent: Double

    public init(criticalLocalCurrent: Double) {
        self.criticalLocalCurrent = criticalLocalCurrent
    }

    /// g = 1 − i⁻/(φ_a i_p) at the current density i [A m⁻²] and contact φ_a > 0, with ∂g/∂i and ∂g/∂φ_a.
    @inlinable @inline(__always)
    public func margin(current i: Double, contact phi: Double) -> (value: Double, dCurrent: Double, dContact: Double) {
        guard i < 0 else { return (1, 0, 0) }
        let local = -i / (phi * criticalLocalCurrent)
        return (1 - local, 1 / (phi * criticalLocalCurrent), local / phi)
    }
}
