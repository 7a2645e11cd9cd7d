import CellPhysics
import Foundation
import Testing

/// The degradation laws on their own: contact damage per cycle, the electrolyte-oxidation rate and
/// the resistance of the interphase film it grows.
@Suite("Degradation laws")
struct DegradationLawTests {
    /// The starting calibration k_D = 0.008 per cycle, ε_ref = 0.05, m = 2, P_D = 10 MPa, q = 1.
    static let damage = StrainCycleDamage(ratePerCycle: 0.008, referenceStrain: 0.05, strainExponent: 2,
                                          pressureScale: 10, pressureExponent: 1)

    @Test("damage per cycle: hand value, no strain swing no damage, more swing more damage, more pressure less")
    func strainCycleDamage() {
        let law = Self.damage
        // D₁ = k_D (Δε/ε_ref)^m (1 + P/P_D)^−q (1 − D₀) = 0.008 · 1 · (1/1.2) · 1.
        #expect(LawChecks.close(law.damage(after: 0, strainSwing: 0.05, pressure: 2, pressureSwing: 0), 0.008 / 1.2,
                                relative: 1e-15))
        #expect(law.damage(after: 0.2, strainSwing: 0, pressure: 2, pressureSwing: 0) == 0.2)
        #expect(law.damage(after: 0.2, strainSwing: -0.01, pressure: 2, pressureSwing: 0) == 0.2)
        var previous = 0.0
        for swing in [0.005, 0.01, 0.03, 0.06] {
            let value = law.damage(after: 0, strainSwing: swing, pressure: 2, pressureSwing: 0)
            #expect(value > previous)
            previous = value
        }
        previous = 1
        for pressure in [0.0, 2, 10, 50, 100] {
            let value = law.damage(after: 0, strainSwing: 0.055, pressure: pressure, pressureSwing: 0)
            #expect(value < previous, "suppressed by stack pressure \(pressure) MPa")
            previous = value
        }
        #expect(law.damage(after: 1, strainSwing: 0.1, pressure: 0, pressureSwing: 0) == 1)
        #expect(law.damage(after: 0.99, strainSwing: 5, pressure: 0, pressureSwing: 0) == 1, "capped at full damage")
    }

    @Test("damage over 50 cycles: NMC532 (Δε ≈ 3 %) at 2 MPa reaches D ≈ 0.11, the ≥ 10 % contact loss of Shi et al. 2020")
    func fiftyCycles() {
        var d = 0.0
        for _ in 0..<50 { d = Self.damage.damage(after: d, strainSwing: 0.03, pressure: 2, pressureSwing: 0) }
        // Closed form: 1 − (1 − k)⁵⁰ with k = 0.008 · 0.36 / 1.2 = 0.0024.
        #expect(LawChecks.close(d, 1 - pow(1 - 0.0024, 50), relative: 1e-12))
        #expect(abs(d - 0.113) < 1e-3)
    }

    @Test("stack-stress fatigue: a relative pressure swing s_ref counts as much as a strain swing ε_ref")
    func fatigue() {
        var law = Self.damage
        #expect(law.damage(after: 0, strainSwing: 0, pressure: 10, pressureSwing: 0.3) == 0, "off without s_ref")
        law.referencePressureSwing = 0.02
        #expect(LawChecks.close(law.damage(after: 0, strainSwing: 0, pressure: 10, pressureSwing: 0.02),
                                law.damage(after: 0, strainSwing: 0.05, pressure: 10, pressureSwing: 0), relative: 1e-15))
    }

    @Test("current crowding: factor 1 + (r/r_ref)^p, hand value, 1 without it, more crowding more damage")
    func currentCrowding() {
        var law = Self.damage
        let bare = CycleDamageDrivers(strainSwing: 0.05, pressure: 2, pressureSwing: 0, currentCrowding: 6)
        #expect(law.damage(after: 0, drivers: bare) == law.damage(after: 0, strainSwing: 0.05, pressure: 2, pressureSwing: 0),
                "without j_ref and p the current is ignored")
        law.crowding = (reference: 3, exponent: 3)
        // D₁ = 0.008 · 1 · (1/1.2) · (1 + 2³) · 1 = 0.06.
        #expect(LawChecks.close(law.damage(after: 0, drivers: bare), 0.008 / 1.2 * 9, relative: 1e-14))
        #expect(law.crowdingFactor(currentCrowding: 0) == 1, "no current, no crowding")
        var previous = 0.0
        for r in [0.2, 1, 2, 4, 8] {
            let drivers = CycleDamageDrivers(strainSwing: 0.05, pressure: 2, pressureSwing: 0, currentCrowding: r)
            let value = law.damage(after: 0.1, drivers: drivers)
            #expect(value > previous, "r̄ = \(r)")
            previous = value
        }
        // A strain-free particle is not damaged however crowded its contacts are.
        let still = CycleDamageDrivers(strainSwing: 0, pressure: 2, pressureSwing: 0, currentCrowding: 10)
        #expect(law.damage(after: 0.3, drivers: still) == 0.3)
        // Crowding in 1/φ: a particle that keeps its current through half the contact wears 2³ times
        // faster in the crowding term.
        let half = CycleDamageDrivers(strainSwing: 0.05, pressure: 2, pressureSwing: 0, currentCrowding: 6)
        let full = CycleDamageDrivers(strainSwing: 0.05, pressure: 2, pressureSwing: 0, currentCrowding: 3)
        #expect(LawChecks.close(law.damage(after: 0, drivers: half) / law.damage(after: 0, drivers: full), 9.0 / 2, relative: 1e-14))
    }

    @Test("damage activation energy: Arrhenius in the cycle's temperature, 1 at the reference or without a temperature")
    func damageTemperature() {
        var law = Self.damage
        law.activationEnergy = 30_000
        law.referenceTemperature = 298.15
        let at = { (t: Double?) in
            law.damage(after: 0, drivers: CycleDamageDrivers(strainSwing: 0.05, pressure: 2, pressureSwing: 0, temperature: t))
        }
        #expect(at(nil) == at(298.15))
        #expect(LawChecks.close(at(298.15), 0.008 / 1.2, relative: 1e-15))
        // exp[(30000/R)(1/298.15 − 1/333.15)] = 3.563 at 60 °C.
        let factor = exp(30_000 / gasConstant * (1 / 298.15 - 1 / 333.15))
        #expect(LawChecks.close(at(333.15), 0.008 / 1.2 * factor, relative: 1e-14))
        #expect(abs(factor - 3.56) < 0.01)
        #expect(at(283.15) < at(298.15) && at(298.15) < at(318.15))
    }

    static let oxidation = ElectrolyteOxidation(onsetPotential: 3.9, currentDensity: 1e-6, transferCoefficient: 0.5,
                                                activationEnergy: 5e4, interphaseMolarVolume: 1e-4, interphaseConductivity: 1e-6)
    static let f = faradayConstant / (gasConstant * 298.15)

    @Test("oxidation rate j_ox = i_ox exp(α f (U − U_ox)): i_ox at the onset, hand value, increasing in U, capped exponent")
    func oxidationRate() {
        let law = Self.oxidation
        let atOnset = law.rate(currentScale: 1e-6, f: Self.f, ocp: (3.9, -1))
        #expect(atOnset.value == 1e-6)
        #expect(LawChecks.close(atOnset.dStoichiometry, 1e-6 * 0.5 * Self.f * -1, relative: 1e-15))
        let above = law.rate(currentScale: 1e-6, f: Self.f, ocp: (4.2, -1))
        #expect(LawChecks.close(above.value, 1e-6 * exp(0.5 * Self.f * 0.3), relative: 1e-14))
        var previous = 0.0
        for u in stride(from: 3.0, through: 4.6, by: 0.1) {
            let value = law.rate(currentScale: 1e-6, f: Self.f, ocp: (u, -1)).value
            #expect(value > previous)
            previous = value
        }
        // Exponent capped at 60: constant beyond, with zero derivative.
        let capped = law.rate(currentScale: 1e-6, f: Self.f, ocp: (3.9 + 200 / Self.f, -1))
        #expect(capped.value == 1e-6 * exp(60) && capped.dStoichiometry == 0)
    }

    @Test("oxidation rate derivative in the stoichiometry (through U(y)) matches central differences")
    func oxidationDerivative() {
        func ocp(_ y: Double) -> (value: Double, derivative: Double) { (4.5 - 0.9 * y * y, -1.8 * y) }
        for y in [0.05, 0.2, 0.5, 0.8] {
            let rate = Self.oxidation.rate(currentScale: 2e-6, f: Self.f, ocp: ocp(y))
            let fd = LawChecks.centralDifference(at: y, step: 1e-6) {
                Self.oxidation.rate(currentScale: 2e-6, f: Self.f, ocp: ocp($0)).value
            }
            #expect(LawChecks.close(rate.dStoichiometry, fd, relative: 1e-7), "dj_ox/dy at \(y)")
        }
    }

    @Test("i_ox(T): i_ox at the reference temperature, Arrhenius above it")
    func oxidationCurrentScale() {
        let law = Self.oxidation
        #expect(law.currentScale(temperature: 298.15, reference: 298.15) == 1e-6)
        #expect(LawChecks.close(law.currentScale(temperature: 333.15, reference: 298.15),
                                1e-6 * exp(5e4 / gasConstant * (1 / 298.15 - 1 / 333.15)), relative: 1e-14))
    }

    @Test("film resistance R_f = q V_f/(F κ_f): hand value, linear in q, none for q ≤ 0 or without oxidation")
    func filmResistance() {
        let film = Self.oxidation.film
        #expect(LawChecks.close(film.resistancePerCharge, 1e-4 / (faradayConstant * 1e-6), relative: 1e-15))
        // 10 C m⁻² of oxidised charge: 10 · 1e-4 / (96485.33 · 1e-6) ≈ 0.01036 Ω m².
        #expect(abs(film.resistance(charge: 10) - 0.0103643) < 1e-7)
        #expect(LawChecks.close(film.resistance(charge: 20), 2 * film.resistance(charge: 10), relative: 1e-15))
        #expect(film.resistance(charge: 0) == 0)
        #expect(film.resistance(charge: -1e-3) == 0)
        #expect(InterphaseFilm.none.resistance(charge: 5) == 0)
    }
}
