import Foundation

// Transport (docs/MODEL.md §Transport): the effective conductivities of the solid-electrolyte
// network and of the solid phase, the face values of a cell-centred conductivity, and the
// particle diffusivity with its face value. Temperature enters through ``arrhenius(activationEnergy:temperature:reference:)``.

/// How the effective ionic conductivity of a solid-electrolyte network follows from its volume
/// fraction ε: κ_eff = κ · B(ε), with B the transport efficiency (PyBaMM's names and keys). The
/// same law with the solid-phase fraction gives the electronic conductivity of the composite,
/// σ_eff = σ (1 − ε_e)^b_s.
public enum TransportEfficiency: Equatable, Sendable {
    /// B = ε^b — `"<Domain> Bruggeman coefficient (electrolyte)"`.
    case bruggeman(exponent: Double)
    /// B = ε / τ_f with a measured or computed tortuosity factor τ_f ≥ 1 (τ_f = τ² for a
    /// geometric tortuosity τ) — `"<Domain> tortuosity factor (electrolyte)"`.
    case tortuosityFactor(Double)

    /// B(ε) (dimensionless) for a volume fraction ε.
    public func callAsFunction(_ volumeFraction: Double) -> Double {
        switch self {
        case .bruggeman(let b): return pow(volumeFraction, b)
        case .tortuosityFactor(let tau): return volumeFraction / tau
        }
    }
}

/// Face values of a cell-centred coefficient (the ionic conductivity) between cells of widths
/// h₁, h₂ — key `"Face conductivity averaging"`, default harmonic.
public enum FaceAveraging: String, CaseIterable, Sendable {
    /// κ_f = κ₁κ₂(h₁ + h₂)/(h₁κ₂ + h₂κ₁): the two half cells in series, exact for a jump in κ
    /// (second-order convergence across the separator | composite face).
    case harmonic
    /// κ_f = (h₂κ₁ + h₁κ₂)/(h₁ + h₂): linear interpolation, PyBaMM's choice for the electrolyte
    /// current (first order where κ jumps); use it to compare with PyBaMM on the same mesh.
    case arithmetic = "arithmetic (PyBaMM)"

    /// The face value between cells of widths h1, h2 [m] with node values k1, k2.
    public func face(_ k1: Double, _ k2: Double, widths h1: Double, _ h2: Double) -> Double {
        switch self {
        case .harmonic: return k1 * k2 * (h1 + h2) / (h1 * k2 + h2 * k1)
        case .arithmetic: return (h2 * k1 + h1 * k2) / (h1 + h2)
        }
    }
}

/// Stoichiometry-dependent particle diffusivities D(y) [m² s⁻¹] at the reference temperature,
/// under PyBaMM's names. Temperature enters separately through an Arrhenius factor.
public enum Diffusivities {
    public static let all: [String: DifferentiableFunction] = [:]

    /// The contact diffusion penalty g = φ^m_d (dimensionless) of a particle with contact fraction
    /// φ: with patchy contact, lithium diffuses further inside the particle to and from its contact
    /// patches, which area scaling of the reaction alone does not capture (Bielefeld et al.,
    /// J. Electrochem. Soc. 169, 020539, 2022); m_d = 0 is no penalty.
    public static func contactPenalty(contact: Double, exponent: Double) -> Double { pow(contact, exponent) }

    /// The diffusivity at the face between two radial nodes [m² s⁻¹], the harmonic mean of the
    /// node values times a scale g (Arrhenius factor and contact penalty),
    ///
    ///     D_f = g · 2 D₁D₂/(D₁ + D₂),
    ///
    /// as PyBaMM's finite volumes take it (docs/MODEL.md §Discretisation), given D and dD/dy at the
    /// two nodes; with ∂D_f/∂y₁ = g 2 D₂²/(D₁ + D₂)² dD₁/dy and ∂D_f/∂y₂ likewise.
    @inlinable @inline(__always)
    public static func faceValue(_ left: (value: Double, derivative: Double), _ right: (value: Double, derivative: Double),
                                 scale: Double) -> (value: Double, dLeft: Double, dRight: Double) {
        let (d1, dd1) = left
        let (d2, dd2) = right
        let sum = d1 + d2
        return (scale * 2 * d1 * d2 / sum,
                scale * 2 * d2 * d2 / (sum * sum) * dd1,
                scale * 2 * d1 * d1 / (sum * sum) * dd2)
    }
}
