import Foundation

// Degradation over cycles (docs/MODEL.md §Degradation): the
// irreversible contact damage D of every particle (one per composite cell and contact class), and
// the interphase that grows where the solid electrolyte is oxidised at a contacted particle.

/// Irreversible CAM|SE contact damage accumulated per cycle.
public protocol ContactDamageLaw: Sendable {
    /// The damage after one more cycle, from the damage before it and what the cycle did to the
    /// particle (``CycleDamageDrivers``).
    func damage(after previous: Double, drivers: CycleDamageDrivers) -> Double
}

extension ContactDamageLaw {
    /// The damage after one more cycle at the reference temperature with no current through the
    /// particle's contacts: from the cycle's volumetric strain swing Δε_V = max ε_V − min ε_V of the
    /// particle, its mean stack pressure P̄ [MPa] and its relative swing ΔP/P̄ = (max P − min P)/P̄
    /// (0 for a constant-pressure fixture).
    public func damage(after previous: Double, strainSwing: Double, pressure: Double, pressureSwing: Double) -> Double {
        damage(after: previous, drivers: CycleDamageDrivers(strainSwing: strainSwing, pressure: pressure,
                                                            pressureSwing: pressureSwing))
    }
}

/// What one cycle did to one particle (one contact class at one composite cell): the drivers of
/// its contact damage, each resolved by the model.
public struct CycleDamageDrivers: Equatable, Sendable {
    /// Δε_V = max ε_V − min ε_V over the cycle (dimensionless).
    public var strainSwing: Double
    /// P̄, the cycle's time-averaged stack pressure [MPa].
    public var pressure: Double
    /// ΔP/P̄ = (max P − min P)/P̄ (0 for a constant-pressure fixture).
    public var pressureSwing: Double
    /// r̄, the cycle's current crowding at the particle's contacts (dimensionless): the charge
    /// passed per *contacted* area, ∫|j| dt (j the charge-transfer current density per contacted
    /// area), over the charge per particle surface of the electrode's mean, ∫|i|/(Σ h a) dt. 1 for
    /// a fully contacted particle that takes its share, ≈ 1/φ for one that takes its share through
    /// a fraction φ of its surface; 0 when unknown.
    public var currentCrowding: Double
    /// The cycle's time-averaged temperature [K], or nil for the law's reference temperature.
    public var temperature: Double?

    public init(strainSwing: Double, pressure: Double, pressureSwing: Double, currentCrowding: Double = 0,
                temperature: Double? = nil) {
        self.strainSwing = strainSwing
        self.pressure = pressure
        self.pressureSwing = pressureSwing
        self.currentCrowding = currentCrowding
        self.temperature = temperature
    }
}

/// Strain-cycle damage suppressed by stack pressure (a phenomenological form, calibrated against the
/// contact loss of Shi et al., J. Mater. Chem. A 8, 17399, 2020; docs/MODEL.md §Degradation), with an
/// optional stack-stress fatigue term, an optional current-crowding factor and an activation energy:
///
///     D_{N+1} = D_N + k_D A(T̄) [(Δε_V/ε_ref)^m + (ΔP/(P̄ s_ref))^m] (1 + P̄/P_D)^(−q)
///                     · [1 + (r̄/r_ref)^p] (1 − D_N)
///
/// The first drive term is the CAM's own breathing against the electrolyte. The second is the
/// fatigue of the interfaces under the cyclic stack stress of a constant-gap fixture, which the
/// negative electrode's expansion drives even for a zero-strain cathode (Lu 2026: interfacial
/// cracking after 400 cycles as the stress swing grows with loading).
///
/// The **current-crowding** factor 1 + (r̄/r_ref)^p raises the wear of a particle whose contacts
/// carry more than their share of the current: r̄ is the cycle's charge per *contacted* area,
/// ∫|j| dt, over the charge per particle surface of a uniformly loaded electrode (``CycleDamageDrivers``).
/// A particle that takes its share of the electrode's current through a fraction φ of its surface
/// has r̄ ≈ 1/φ: its contact spots are hot spots, where local over-(de)lithiation and polarisation
/// give Li/Ni mixing, lattice distortion, cracking and SE decomposition (Zhou et al., ACS Energy
/// Lett. 10, 966 (2025): "local hot spots with high current densities and polarizations can
/// accelerate the degradation of the SSE"; "inhomogeneous current flow to the active material due
/// to the poor contact with SSE leads to local overcharge and overdischarge … crack formation").
/// So the fade follows the microstructure (poorly contacted classes wear faster) and accelerates as
/// contact is lost (r̄ rises as φ falls). The factor multiplies the strain drive: the wear is still
/// that of a breathing particle, and a particle so poorly contacted that it hardly cycles (the
/// diffusion penalty) hardly breathes, which bounds the run-away. The 1 is the wear of a uniformly
/// loaded contact; r_ref is the crowding at which the wear doubles. r̄ is relative to the
/// electrode's mean, so the factor does not depend on the C-rate: with the absolute current density
/// instead and p = 3, fitted at 0.1C, the crowding term grew about (0.5/0.1)³ = 125-fold at 0.5C and
/// the fine cell's 100-cycle CCCV benchmark ended in cycle 12, far beyond any reported rate
/// dependence of fade.
///
/// A(T̄) = exp[(E_D/R)(1/T_ref − 1/T̄)] is an Arrhenius factor at the cycle's mean temperature
/// (creep of the SE and the decomposition kinetics at the contacts both speed up with T).
///
/// Model-file keys: `"Contact damage rate per cycle"` (k_D, at T_ref), `"Contact damage reference
/// strain"` (ε_ref), `"Contact damage strain exponent"` (m), `"Contact damage pressure scale [MPa]"`
/// (P_D), `"Contact damage pressure exponent"` (q), optionally `"Contact damage reference pressure
/// swing"` (s_ref; the fatigue term is off without it), `"Contact damage reference current crowding"`
/// (r_ref) with `"Contact damage current crowding exponent"` (p) (the crowding factor is 1 without
/// them), `"Contact damage activation energy [J.mol-1]"` (E_D, 0 without it; T_ref the model's
/// reference temperature). The damage scales the contact fraction by (1 − D); a particle whose
/// contact falls below the isolation threshold is isolated and keeps its lithium.
public struct StrainCycleDamage: ContactDamageLaw, Equatable {
    public var ratePerCycle: Double
    public var referenceStrain: Double
    public var strainExponent: Double
    public var pressureScale: Double
    public var pressureExponent: Double
    /// s_ref, or nil for no stack-stress fatigue.
    public var referencePressureSwing: Double?
    /// r_ref and p of the current-crowding factor, or nil for none.
    public var crowding: (reference: Double, exponent: Double)?
    /// E_D [J mol⁻¹] and T_ref [K] of the Arrhenius factor.
    public var activationEnergy: Double
    public var referenceTemperature: Double

    public init(ratePerCycle: Double, referenceStrain: Double, strainExponent: Double,
                pressureScale: Double, pressureExponent: Double, referencePressureSwing: Double? = nil,
                crowding: (reference: Double, exponent: Double)? = nil,
                activationEnergy: Double = 0, referenceTemperature: Double = 298.15) {
        self.ratePerCycle = ratePerCycle
        self.referenceStrain = referenceStrain
        self.strainExponent = strainExponent
        self.pressureScale = pressureScale
        self.pressureExponent = pressureExponent
        self.referencePressureSwing = referencePressureSwing
        self.crowding = crowding
        self.activationEnergy = activationEnergy
        self.referenceTemperature = referenceTemperature
    }

    public static func == (a: StrainCycleDamage, b: StrainCycleDamage) -> Bool {
        a.ratePerCycle == b.ratePerCycle && a.referenceStrain == b.referenceStrain && a.strainExponent == b.strainExponent
            && a.pressureScale == b.pressureScale && a.pressureExponent == b.pressureExponent
            && a.referencePressureSwing == b.referencePressureSwing
            && a.crowding?.reference == b.crowding?.reference
            && a.crowding?.exponent == b.crowding?.exponent
            && a.activationEnergy == b.activationEnergy && a.referenceTemperature == b.referenceTemperature
    }

    /// 1 + (r̄/r_ref)^p, the current-crowding factor at the cycle's current crowding r̄ (1 without
    /// crowding).
    public func crowdingFactor(currentCrowding: Double) -> Double {
        guard let crowding else { return 1 }
        return 1 + pow(max(currentCrowding, 0) / crowding.reference, crowding.exponent)
    }

    public func damage(after previous: Double, drivers: CycleDamageDrivers) -> Double {
        var drive = pow(max(drivers.strainSwing, 0) / referenceStrain, strainExponent)
        if let referencePressureSwing {
            drive += pow(max(drivers.pressureSwing, 0) / referencePressureSwing, strainExponent)
        }
        let suppression = pow(1 + max(drivers.pressure, 0) / pressureScale, -pressureExponent)
        let thermal = drivers.temperature.map {
            arrhenius(activationEnergy: activationEnergy, temperature: $0, reference: referenceTemperature)
        } ?? 1
        let rate = ratePerCycle * thermal * drive * suppression * crowdingFactor(currentCrowding: drivers.currentCrowding)
        return min(previous + rate * (1 - previous), 1)
    }
}

/// Oxidation of the solid electrolyte at the contacted surface of a particle, and the resistive
/// interphase it leaves behind.
///
/// The oxidation current density per contacted area follows an irreversible Tafel law in the
/// particle's surface potential, the open-circuit potential of its surface stoichiometry (the
/// delithiated cathode surface is the oxidant, so overcharged particles drive it hardest):
///
///     j_ox = i_ox(T) exp(α_ox F (U(y_R) − U_ox) / RT)
///
/// It passes charge through the cell like the main reaction (the electrons leave through the
/// cathode, the Li⁺ enters the electrolyte) without lithiating the particle, so it lowers the
/// coulombic efficiency and moves lithium irreversibly out of the cyclable inventory. The charge it
/// passes per contacted area, q [C m⁻²], builds an interphase of thickness q V_f / F (V_f the
/// interphase volume per mole of electrons) and ionic conductivity κ_f, a series resistance
///
///     R_f = q V_f / (F κ_f)   [Ω m²]
///
/// through which the main reaction current passes: η = φ_s − φ_e − U − R_f j.
/// Keys: `"Solid electrolyte oxidation potential [V]"` (U_ox), `"Solid electrolyte oxidation
/// current density [A.m-2]"` (i_ox, the current density at U = U_ox and the reference
/// temperature), `"Solid electrolyte oxidation transfer coefficient"` (α_ox), `"Solid electrolyte
/// oxidation activation energy [J.mol-1]"`, `"Interphase molar volume [m3.mol-1]"` (V_f),
/// `"Interphase ionic conductivity [S.m-1]"` (κ_f).
public struct ElectrolyteOxidation: Equatable, Sendable {
    public var onsetPotential: Double
    public var currentDensity: Double
    public var transferCoefficient: Double
    public var activationEnergy: Double
    public var interphaseMolarVolume: Double
    public var interphaseConductivity: Double

    public init(onsetPotential: Double, currentDensity: Double, transferCoefficient: Double, activationEnergy: Double,
                interphaseMolarVolume: Double, interphaseConductivity: Double) {
        self.onsetPotential = onsetPotential
        self.currentDensity = currentDensity
        self.transferCoefficient = transferCoefficient
        self.activationEnergy = activationEnergy
        self.interphaseMolarVolume = interphaseMolarVolume
        self.interphaseConductivity = interphaseConductivity
    }

    /// Film resistance per oxidised charge, dR_f/dq = V_f / (F κ_f) [Ω m⁴ C⁻¹].
    public var resistancePerCharge: Double { interphaseMolarVolume / (faradayConstant * interphaseConductivity) }

    /// The interphase this oxidation leaves behind.
    public var film: InterphaseFilm { InterphaseFilm(resistancePerCharge: resistancePerCharge) }

    /// i_ox(T) = i_ox(T_ref) · Arrhenius factor [A m⁻²], the scale of ``rate(currentScale:f:ocp:)``.
    public func currentScale(temperature: Double, reference: Double) -> Double {
        currentDensity * arrhenius(activationEnergy: activationEnergy, temperature: temperature, reference: reference)
    }

    /// The oxidation current density per contacted area, j_ox = i_ox(T) exp(α_ox f (U − U_ox))
    /// [A m⁻²], and dj_ox/dy, from i_ox(T) (``currentScale(temperature:reference:)``), f = F/RT
    /// [V⁻¹] and the surface OCP U(y), dU/dy. The exponent is capped at 60 (with zero derivative),
    /// far beyond any physical state.
    @inlinable @inline(__always)
    public func rate(currentScale: Double, f: Double, ocp: (value: Double, derivative: Double))
        -> (value: Double, dStoichiometry: Double) {
        let exponent = transferCoefficient * f * (ocp.value - onsetPotential)
        guard exponent < 60 else { return (currentScale * exp(60), 0) }
        let value = currentScale * exp(exponent)
        return (value, value * transferCoefficient * f * ocp.derivative)
    }
}

/// The resistive interphase grown by electrolyte oxidation: a film of thickness q V_f / F and
/// ionic conductivity κ_f in series with the charge-transfer step,
///
///     R_f = q V_f / (F κ_f)   [Ω m²],
///
/// for the oxidised charge q [C m⁻²] per contacted area.
public struct InterphaseFilm: Equatable, Sendable {
    /// dR_f/dq = V_f / (F κ_f) [Ω m⁴ C⁻¹] (0: no film grows).
    public var resistancePerCharge: Double

    public init(resistancePerCharge: Double) { self.resistancePerCharge = resistancePerCharge }

    /// No interphase.
    public static let none = InterphaseFilm(resistancePerCharge: 0)

    /// R_f [Ω m²] of the film grown by the oxidised charge q [C m⁻²]; a negative q (a trial value
    /// of the solver) counts as no film.
    @inlinable @inline(__always)
    public func resistance(charge q: Double) -> Double { resistancePerCharge * max(q, 0) }
}

/// Everything degradation needs, read from a model file.
public struct Degradation: Sendable {
    /// Contact damage per cycle (needs the mechanics block: strain and pressure drive it).
    public var contactDamage: (any ContactDamageLaw)?
    /// Solid-electrolyte oxidation and its interphase.
    public var oxidation: ElectrolyteOxidation?

    public init(contactDamage: (any ContactDamageLaw)? = nil, oxidation: ElectrolyteOxidation? = nil) {
        self.contactDamage = contactDamage
        self.oxidation = oxidation
    }
}
