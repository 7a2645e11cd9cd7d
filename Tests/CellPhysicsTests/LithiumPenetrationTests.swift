import CellPhysics
import Foundation
import Testing

/// The short-circuit criterion (``LithiumPenetrationCriterion``): the margin g = 1 − i⁻/(φ_a i_p).
@Suite("Lithium penetration criterion")
struct LithiumPenetrationTests {
    let criterion = LithiumPenetrationCriterion(criticalLocalCurrent: 10)

    @Test("no plating, no criterion: g = 1 while stripping or at rest")
    func strippingIsSafe() {
        for i in [0.0, 1e-9, 5, 1e4] {
            let g = criterion.margin(current: i, contact: 0.3)
            #expect(g.value == 1 && g.dCurrent == 0 && g.dContact == 0)
        }
    }

    @Test("g = 0 exactly where the plating current of the contacted area equals i_p; current focusing lowers the plating current that shorts")
    func threshold() {
        for phi in [1.0, 0.5, 0.2] {
            #expect(abs(criterion.margin(current: -10 * phi, contact: phi).value) < 1e-15)
            #expect(criterion.margin(current: -10 * phi * 1.01, contact: phi).value < 0)
            #expect(criterion.margin(current: -10 * phi * 0.99, contact: phi).value > 0)
        }
    }

    @Test("derivatives = central differences")
    func derivatives() {
        for (i, phi) in [(-3.0, 0.7), (-12.0, 0.4), (-0.5, 0.05)] {
            let g = criterion.margin(current: i, contact: phi)
            let h = 1e-6
            let dI = (criterion.margin(current: i + h, contact: phi).value - criterion.margin(current: i - h, contact: phi).value) / (2 * h)
            let dPhi = (criterion.margin(current: i, contact: phi + h * phi).value
                        - criterion.margin(current: i, contact: phi - h * phi).value) / (2 * h * phi)
            #expect(abs(g.dCurrent - dI) <= 1e-7 * abs(dI))
            #expect(abs(g.dContact - dPhi) <= 1e-7 * abs(dPhi))
        }
    }
}
