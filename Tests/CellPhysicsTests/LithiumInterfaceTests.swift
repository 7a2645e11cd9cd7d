import CellPhysics
import Foundation
import Testing

/// The foil|SE contact law (``LithiumInterfaceContact``): its limits, hand-computed values and
/// derivatives against finite differences.
@Suite("Lithium interface contact law")
struct LithiumInterfaceTests {
    /// q_c = 0.2 mA h cm⁻² (7200 C m⁻²), ε̇₁ = 10⁻⁵ s⁻¹ at 1 MPa, n = 6.6, and a constriction
    /// resistance of 10⁻³ Ω m² at 1 MPa.
    static let law = LithiumInterfaceContact(interfaceCapacity: 7200, creepRate: 1e-5, stressExponent: 6.6,
                                             contactResistance: 1e-3, resistanceReferencePressure: 1,
                                             resistancePressureExponent: 0.5)

    @Test("zero current: no void growth; creep closes the voids at ε̇(P/φ)(1 − φ)")
    func zeroCurrent() {
        let law = Self.law
        #expect(law.contactRate(current: 0, pressure: 3, contact: 1).value == 0)
        let rate = law.contactRate(current: 0, pressure: 3, contact: 0.6)
        let expected = 1e-5 * pow(3 / 0.6, 6.6) * 0.4
        #expect(LawChecks.close(rate.value, expected, relative: 1e-13))
        #expect(rate.value > 0)
        // Without pressure nothing moves.
        #expect(law.contactRate(current: 0, pressure: 0, contact: 0.6).value == 0)
    }

    @Test("zero creep: the contact falls by the stripped charge over the interface capacity")
    func zeroCreep() {
        var law = Self.law
        law.creepRate = 0
        for (i, phi) in [(5.0, 1.0), (20.0, 0.7), (0.3, 0.2)] {
            let rate = law.contactRate(current: i, pressure: 5, contact: phi)
            #expect(rate.value == -i / 7200)
            #expect(rate.dCurrent == -1.0 / 7200)
        }
        // Plating fills the voids in proportion to their share.
        #expect(LawChecks.close(law.contactRate(current: -10, pressure: 5, contact: 0.7).value, 10 * 0.3 / 7200, relative: 1e-14))
    }

    @Test("infinite pressure: void growth vanishes as the creep resupply grows (G ≈ i²/2i_r)")
    func infinitePressure() {
        let i = 10.0
        var previous = Double.infinity
        for resupply in [1e2, 1e4, 1e6, 1e8] {
            let g = LithiumInterfaceContact.voidGrowth(stripping: i, resupply: resupply).value
            #expect(g < previous)
            #expect(LawChecks.close(g, i * i / (2 * resupply), relative: 0.04))
            previous = g
        }
        #expect(previous < 1e-6)
        // In the law: the stripping rate at 1000 MPa is far below the one at 1 MPa.
        let law = Self.law
        let low = law.contactRate(current: 10, pressure: 1, contact: 1).value
        let high = law.contactRate(current: 10, pressure: 1000, contact: 1).value
        #expect(low < -1e-4)
        #expect(abs(high) < 1e-12 * abs(low))
    }

    @Test("vacancy resupply: a pressure-independent floor under which stripping opens no voids without creep")
    func vacancyResupply() {
        var law = Self.law
        law.creepRate = 0
        law.vacancyResupply = 2
        // G(1, 2) = 1 − 2 (1 − e^−½), the rest resupplied by vacancies.
        let rate = law.contactRate(current: 1, pressure: 0, contact: 1)
        #expect(LawChecks.close(rate.value, -(1 - 2 * (1 - exp(-0.5))) / 7200, relative: 1e-14))
        // Far above it the contact falls by what is not resupplied: −(i − i_v)/q_c.
        #expect(LawChecks.close(law.contactRate(current: 200, pressure: 0, contact: 1).value, -198.0 / 7200, relative: 1e-12))
        // It adds to the creep resupply: less void growth than creep alone at the same pressure.
        var both = Self.law
        both.vacancyResupply = 2
        #expect(both.contactRate(current: 5, pressure: 1, contact: 1).value > Self.law.contactRate(current: 5, pressure: 1, contact: 1).value)
        let dP = LawChecks.centralDifference(at: 1, step: 1e-6) { both.contactRate(current: 5, pressure: $0, contact: 0.9).value }
        #expect(LawChecks.close(both.contactRate(current: 5, pressure: 1, contact: 0.9).dPressure, dP, relative: 1e-6))
    }

    @Test("void growth: hand-computed value, large-current limit and a smooth series branch")
    func voidGrowthValues() {
        // G(2, 1) = 2 − (1 − e⁻²).
        let g = LithiumInterfaceContact.voidGrowth(stripping: 2, resupply: 1)
        #expect(LawChecks.close(g.value, 2 - (1 - exp(-2.0)), relative: 1e-15))
        // Large currents: G → i − i_r.
        #expect(LawChecks.close(LithiumInterfaceContact.voidGrowth(stripping: 100, resupply: 1).value, 99, relative: 1e-15))
        // Both sides of the series switch at x = 10⁻² agree.
        let below = LithiumInterfaceContact.voidGrowth(stripping: 1e-2 * (1 - 1e-12), resupply: 1)
        let above = LithiumInterfaceContact.voidGrowth(stripping: 1e-2 * (1 + 1e-12), resupply: 1)
        #expect(LawChecks.close(below.value, above.value, relative: 1e-9))
        #expect(LawChecks.close(below.dResupply, above.dResupply, relative: 1e-9))
        #expect(LawChecks.close(below.dStripping, above.dStripping, relative: 1e-9))
    }

    @Test("derivatives of the contact rate against central differences",
          arguments: [(12.0, 2.0, 0.8), (0.05, 3.0, 0.95), (-8.0, 1.5, 0.5), (40.0, 5.0, 0.3), (1e-3, 2.0, 0.9)])
    func rateDerivatives(_ point: (Double, Double, Double)) {
        let (i, p, phi) = point
        let law = Self.law
        let rate = law.contactRate(current: i, pressure: p, contact: phi)
        // (A step of 10⁻⁵ A m⁻² at least: below it the round-off of the closure term, which does not
        // depend on i, swamps the small ∂/∂i of a weak stripping current.)
        let dI = LawChecks.centralDifference(at: i, step: 1e-5 * max(abs(i), 1)) { law.contactRate(current: $0, pressure: p, contact: phi).value }
        let dP = LawChecks.centralDifference(at: p, step: 1e-6 * p) { law.contactRate(current: i, pressure: $0, contact: phi).value }
        let dPhi = LawChecks.centralDifference(at: phi, step: 1e-6 * phi) { law.contactRate(current: i, pressure: p, contact: $0).value }
        let scale = abs(rate.value) + 1e-12
        #expect(LawChecks.close(rate.dCurrent, dI, relative: 1e-6, absolute: 1e-9 * scale), "∂/∂i \(rate.dCurrent) vs \(dI)")
        #expect(LawChecks.close(rate.dPressure, dP, relative: 1e-6, absolute: 1e-9 * scale), "∂/∂P \(rate.dPressure) vs \(dP)")
        #expect(LawChecks.close(rate.dContact, dPhi, relative: 1e-6, absolute: 1e-9 * scale), "∂/∂φ \(rate.dContact) vs \(dPhi)")
    }

    @Test("constriction resistance ∝ 1/φ and ∝ P^−½, with its derivatives")
    func constriction() {
        let law = Self.law
        let r = law.constrictionResistance(contact: 0.5, pressure: 4)
        #expect(LawChecks.close(r.value, 1e-3 * pow(4.0, -0.5) / 0.5, relative: 1e-15))
        #expect(LawChecks.close(law.constrictionResistance(contact: 0.25, pressure: 4).value, 2 * r.value, relative: 1e-15))
        #expect(LawChecks.close(law.constrictionResistance(contact: 0.5, pressure: 16).value, r.value / 2, relative: 1e-15))
        let dPhi = LawChecks.centralDifference(at: 0.5, step: 1e-6) { law.constrictionResistance(contact: $0, pressure: 4).value }
        let dP = LawChecks.centralDifference(at: 4, step: 1e-6) { law.constrictionResistance(contact: 0.5, pressure: $0).value }
        #expect(LawChecks.close(r.dContact, dPhi, relative: 1e-7))
        #expect(LawChecks.close(r.dPressure, dP, relative: 1e-7))
        // Off by default.
        var off = law
        off.contactResistance = 0
        #expect(off.constrictionResistance(contact: 0.5, pressure: 4).value == 0)
    }

    @Test("the steady stripping current that holds a contact rises with the pressure and with the temperature")
    func steadyCurrent() {
        let law = Self.law
        let currents = [1.0, 2, 3, 5].map { law.steadyStrippingCurrent(contact: 0.5, pressure: $0) }
        #expect(zip(currents, currents.dropFirst()).allSatisfy { $0 < $1 })
        // At that current the contact rate is zero.
        #expect(abs(law.contactRate(current: currents[1], pressure: 2, contact: 0.5).value) < 1e-9 * currents[1] / 7200)
        let warm = law.at(temperature: 333.15, reference: 298.15, activationEnergy: 37_000)
        #expect(warm.creepRate > 4 * law.creepRate)
        #expect(warm.steadyStrippingCurrent(contact: 0.5, pressure: 2) > currents[1])
    }
}
