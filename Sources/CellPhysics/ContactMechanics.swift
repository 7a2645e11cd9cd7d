import Foundation

// The contact term of the model (docs/MODEL.md §Contact mechanics): the fraction of a particle's
// surface in ionic contact with the solid electrolyte,
//
//     φ_k = φ0_k · Π(P) · R_rev(ε_V(ȳ_k), P) · (1 − D_k),
//
// scales its Butler–Volmer area and its surface flux; ``ContactClass/contactFraction(damage:mechanics:meanStoichiometry:pressure:pressureFactor:)``
// evaluates it. The laws are small value types behind protocols so that another law can be
// plugged in from the model file.

/// Π(P): recoverable dependence of the contact area on the stack pressure P [MPa].
public protocol PressureContactLaw: Sendable {
    /// Π and dΠ/dP.
    func factor(pressure: Double) -> (value: Double, derivative: Double)
}

/// Power law with a residual-adhesion offset, capped at full contact:
///
///     Π(P) = min{1, [(P + P₀)/(P_ref + P₀)]ⁿ}
///
/// n ≈ ½ (interfacial resistance ∝ P^−½, Limon, Duffee & Ahmad, arXiv 2501.00600, 2025); P_ref is the
/// pressure at which φ0 was characterised, P₀ keeps some contact at zero pressure (a
/// residual-adhesion equivalent; docs/MODEL.md §Contact mechanics). Model-file keys: `"Contact reference pressure [MPa]"`,
/// `"Contact residual pressure [MPa]"`, `"Contact pressure exponent"`.
public struct PowerLawPressureContact: PressureContactLaw, Equatable {
    public var referencePressure: Double
    public var residualPressure: Double
    public var exponent: Double

    public init(referencePressure: Double, residualPressure: Double, exponent: Double) {
        self.referencePressure = referencePressure
        self.residualPressure = residualPressure
        self.exponent = exponent
    }

    public func factor(pressure: Double) -> (value: Double, derivative: Double) {
        let scale = referencePressure + residualPressure
        let x = max(pressure + residualPressure, 0) / scale
        guard x < 1 else { return (1, 0) }
        guard x > 0 else { return (0, 0) }
        let value = pow(x, exponent)
        return (value, exponent * value / (x * scale))
    }
}

/// ε_V(y): volumetric strain of the active material relative to its fabricated (discharged)
/// state, as a function of its stoichiometry y.
public protocol VolumeChangeLaw: Sendable {
    /// ε_V and dε_V/dy.
    func strain(stoichiometry y: Double) -> (value: Double, derivative: Double)
}

/// NCM811, an engineering fit to Kondrakov et al., J. Phys. Chem. C 121, 3286 (2017), Koerver et
/// al., Energy Environ. Sci. 11, 2142 (2018) and de Biasi et al., J. Phys. Chem. C 121, 26163 (2017):
///
///     ε_V(x) = −0.012 (1 − x) − 0.045 / (1 + exp(−(0.35 − x)/0.06))
///
/// −0.9 % at x = 0.5, −5.1 % at 0.2, −5.7 % at 0 (Li fraction x = stoichiometry).
public struct NCM811VolumeChange: VolumeChangeLaw, Equatable {
    public init() {}
    public func strain(stoichiometry y: Double) -> (value: Double, derivative: Double) {
        let e = exp(-(0.35 - y) / 0.06)
        let s = 1 / (1 + e)
        // d/dy [1/(1+e)] = −e/(1+e)² · de/dy, de/dy = e/0.06
        let ds = -s * s * e / 0.06
        return (-0.012 * (1 - y) - 0.045 * s, 0.012 - 0.045 * ds)
    }
}

/// Linear in the stoichiometry: ε_V(y) = ε_full (1 − y), with ε_full the strain at full
/// delithiation (≈ 0 for zero-strain materials such as LTVO).
public struct LinearVolumeChange: VolumeChangeLaw, Equatable {
    public var strainAtFullDelithiation: Double
    public init(strainAtFullDelithiation: Double) { self.strainAtFullDelithiation = strainAtFullDelithiation }
    public func strain(stoichiometry y: Double) -> (value: Double, derivative: Double) {
        (strainAtFullDelithiation * (1 - y), -strainAtFullDelithiation)
    }
}

/// R_rev: the share of contact kept while the particle shrinks away from the electrolyte.
public protocol ReversibleGapLaw: Sendable {
    /// R_rev and its derivatives in the strain ε_V and the pressure P [MPa], for a particle of radius R [m].
    func retention(strain: Double, radius: Double, pressure: Double)
        -> (value: Double, dStrain: Double, dPressure: Double)
}

/// Gap from shrinkage against asperities of height h_r (Greenwood–Williamson type), with the
/// part of the gap that the pressed electrolyte closes plastically removed (docs/MODEL.md
/// §Contact mechanics):
///
///     δ = R max(0, −ε_V)/3,   δ_acc = R P / H_SE,   R_rev = exp(−max(0, δ − δ_acc)/h_r)
///
/// Keys: `"Contact roughness length [m]"` (h_r), `"Solid electrolyte hardness [MPa]"` (H_SE).
public struct RoughnessGapLaw: ReversibleGapLaw, Equatable {
    public var roughness: Double
    public var hardness: Double

    public init(roughness: Double, hardness: Double) {
        self.roughness = roughness
        self.hardness = hardness
    }

    public func retention(strain: Double, radius: Double, pressure: Double)
        -> (value: Double, dStrain: Double, dPressure: Double) {
        let opening = radius * (-strain) / 3 - radius * pressure / hardness
        guard opening > 0 && strain < 0 else { return (1, 0, 0) }
        let value = exp(-opening / roughness)
        return (value, value * radius / (3 * roughness), value * radius / (hardness * roughness))
    }
}

/// How the stack holds the cell (docs/MODEL.md §Stack and fixture).
public enum StackFixture: Equatable, Sendable {
    /// A spring-loaded stack: the pressure stays at its set value.
    case constantPressure
    /// A fixed gap: the pressure changes by `stiffness` [MPa m⁻¹] times the change of the cell's
    /// thickness (composite expansion plus the negative foil's growth from lithium).
    case constantGap(stiffness: Double)
}

/// Everything the contact term needs, read from a model file. Immutable, and a class: the
/// residual reaches its laws once per particle, and an optional struct holding existentials
/// is copied, laws and all, at every such access, where a class reference is just loaded.
public final class ContactMechanics: Sendable {
    public let stackPressure: Double
    public let fixture: StackFixture
    public let pressureLaw: any PressureContactLaw
    public let volumeChange: any VolumeChangeLaw
    public let gapLaw: any ReversibleGapLaw
    /// Volume of lithium per mole added to the negative foil [m³ mol⁻¹] (Li metal: 1.3×10⁻⁵).
    public let negativeLithiumMolarVolume: Double

    public init(stackPressure: Double, fixture: StackFixture, pressureLaw: any PressureContactLaw,
                volumeChange: any VolumeChangeLaw, gapLaw: any ReversibleGapLaw, negativeLithiumMolarVolume: Double) {
        self.stackPressure = stackPressure
        self.fixture = fixture
        self.pressureLaw = pressureLaw
        self.volumeChange = volumeChange
        self.gapLaw = gapLaw
        self.negativeLithiumMolarVolume = negativeLithiumMolarVolume
    }
}

/// A population of active particles that share a radius and an initial contact fraction.
public struct ContactClass: Equatable, Sendable {
    /// Share of the active-material volume, Σ shares = 1.
    public var volumeShare: Double
    /// Contact fraction after fabrication, φ0 (0 = isolated).
    public var initialContact: Double
    public var radius: Double

    public init(volumeShare: Double, initialContact: Double, radius: Double) {
        self.volumeShare = volumeShare
        self.initialContact = initialContact
        self.radius = radius
    }

    /// The contact fraction of a particle of this class (dimensionless, 0…1),
    ///
    ///     φ = φ0 (1 − D) · Π(P) · R_rev(ε_V(ȳ), P),
    ///
    /// from its damage D, the stack pressure P [MPa] with Π(P) and dΠ/dP given (the same for
    /// every particle: evaluate ``PressureContactLaw/factor(pressure:)`` once per state), and its
    /// mean stoichiometry ȳ, evaluated only when the volume change matters (with mechanics and
    /// φ0 (1 − D) > 0); with ∂φ/∂ȳ and ∂φ/∂P. Without mechanics φ = φ0 (1 − D).
    @inlinable @inline(__always)
    public func contactFraction(damage: Double, mechanics: ContactMechanics?, meanStoichiometry y: @autoclosure () -> Double,
                                pressure: Double, pressureFactor: (value: Double, derivative: Double))
        -> (value: Double, dMean: Double, dPressure: Double) {
        let initial = intactContact(damage: damage)
        guard let mechanics, initial > 0 else { return (initial, 0, 0) }
        let (pi, dPi) = pressureFactor
        let (strain, dStrain) = mechanics.volumeChange.strain(stoichiometry: y())
        let (r, dRdStrain, dRdP) = mechanics.gapLaw.retention(strain: strain, radius: radius, pressure: pressure)
        return (initial * pi * r, initial * pi * dRdStrain * dStrain, initial * (dPi * r + pi * dRdP))
    }

    /// φ0 (1 − D): the contact left by fabrication and damage, without the pressure and the
    /// reversible gap (a particle is isolated when it falls below the isolation threshold).
    @inlinable @inline(__always)
    public func intactContact(damage: Double) -> Double { initialContact * (1 - damage) }

    /// The damage at which ``intactContact(damage:)`` falls to the isolation threshold,
    /// D = 1 − threshold/φ0 (−∞ for a class without contact: it has nothing to lose).
    public func isolatingDamage(threshold: Double) -> Double {
        initialContact > 0 ? 1 - threshold / initialContact : -.infinity
    }

    /// φ0 Π(P) (1 − D): the slowly varying part of the contact (fabrication, a pressure Π(P), damage),
    /// without the reversible gap that opens and closes within a cycle. It sets the contact
    /// diffusion penalty (``Diffusivities``).
    @inlinable @inline(__always)
    public func slowlyVaryingContact(pressureFactor: Double, damage: Double) -> Double {
        initialContact * pressureFactor * (1 - damage)
    }

    /// Discretises a Beta distribution of contact fractions with the given mean and standard
    /// deviation into `count` classes of equal volume share: class k holds the quantiles
    /// [k/K, (k+1)/K) and gets their conditional mean. Classes whose contact falls below
    /// `isolationThreshold` are isolated (φ0 = 0): they keep their lithium.
    public static func betaDistribution(mean: Double, standardDeviation: Double, count: Int, radius: Double,
                                        isolationThreshold: Double) -> [ContactClass] {
        guard count > 1, standardDeviation > 0 else {
            let contact = mean < isolationThreshold ? 0 : mean
            return Array(repeating: ContactClass(volumeShare: 1 / Double(count), initialContact: contact, radius: radius),
                         count: count)
        }
        let variance = standardDeviation * standardDeviation
        let common = mean * (1 - mean) / variance - 1
        let alpha = mean * common, beta = (1 - mean) * common
        // Midpoint quadrature of the (unnormalised) density on a fine grid; integrable end singularities
        // (α or β < 1) are handled well enough at this resolution for class means.
        let n = 200_000
        var density = [Double](repeating: 0, count: n)
        var total = 0.0
        for i in 0..<n {
            let x = (Double(i) + 0.5) / Double(n)
            density[i] = exp((alpha - 1) * log(x) + (beta - 1) * log(1 - x))
            total += density[i]
        }
        // Classes of equal mass 1/K; the grid cell a class boundary falls in is split at the
        // boundary (its mass taken as uniform within the cell), so that every class mean is a smooth
        // function of the distribution's mean and spread rather than jumping as a boundary crosses a
        // grid point (a fit differentiates it). The last class takes what remains.
        var classes: [ContactClass] = []
        let share = 1.0 / Double(count), width = 1.0 / Double(n)
        func close(_ mass: Double, _ moment: Double) {
            let contact = moment / mass
            classes.append(ContactClass(volumeShare: share, initialContact: contact < isolationThreshold ? 0 : contact, radius: radius))
        }
        var mass = 0.0, moment = 0.0
        for i in 0..<n {
            let left = Double(i) * width, right = left + width
            var p = density[i] / total, start = left
            while classes.count < count - 1, p > 0, mass + p >= share {
                let taken = share - mass
                let end = start + (right - start) * taken / p
                close(share, moment + taken * 0.5 * (start + end))
                p -= taken
                start = end
                mass = 0
                moment = 0
            }
            mass += p
            moment += p * 0.5 * (start + right)
        }
        if classes.count < count, mass > 0 { close(mass, moment) }
        while classes.count < count {
            classes.append(ContactClass(volumeShare: 1 / Double(count), initialContact: 1, radius: radius))
        }
        return classes
    }
}
