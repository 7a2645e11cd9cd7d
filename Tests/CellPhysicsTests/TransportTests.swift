import CellPhysics
import Foundation
import Testing

/// The transport laws on their own: transport efficiency, face averaging of conductivities, the
/// particle face diffusivity, the contact diffusion penalty and the Arrhenius factor.
@Suite("Transport laws")
struct TransportTests {
    @Test("transport efficiency: ε^b (hand value) and ε/τ_f, 1 for a dense phase with b or τ_f = 1, increasing in ε")
    func transportEfficiency() {
        let bruggeman = TransportEfficiency.bruggeman(exponent: 1.5)
        #expect(LawChecks.close(bruggeman(0.3), 0.3 * 0.3.squareRoot(), relative: 1e-15))
        #expect(bruggeman(1) == 1)
        #expect(TransportEfficiency.tortuosityFactor(4)(0.3) == 0.075)
        #expect(TransportEfficiency.tortuosityFactor(1)(1) == 1)
        for law in [bruggeman, .tortuosityFactor(3)] {
            #expect(zip([0.1, 0.2, 0.4, 0.8], [0.2, 0.4, 0.8, 1.0]).allSatisfy { law($0) < law($1) })
            #expect((0...10).map { Double($0) / 10 }.allSatisfy { law($0) <= $0 })
        }
    }

    @Test("face averaging: harmonic = the two half cells in series, arithmetic = linear interpolation, both exact for equal values")
    func faceAveraging() {
        for averaging in FaceAveraging.allCases {
            #expect(LawChecks.close(averaging.face(0.07, 0.07, widths: 1e-6, 3e-6), 0.07, relative: 1e-15))
        }
        let (k1, k2, h1, h2) = (0.1, 0.004, 2e-6, 5e-6)
        let harmonic = FaceAveraging.harmonic.face(k1, k2, widths: h1, h2)
        // Resistance of the path between the nodes: (h₁/2)/κ₁ + (h₂/2)/κ₂ = ((h₁ + h₂)/2)/κ_f.
        #expect(LawChecks.close(h1 / k1 + h2 / k2, (h1 + h2) / harmonic, relative: 1e-14))
        #expect(harmonic > min(k1, k2) && harmonic < max(k1, k2))
        #expect(LawChecks.close(FaceAveraging.arithmetic.face(k1, k2, widths: h1, h2), (h2 * k1 + h1 * k2) / (h1 + h2),
                                relative: 1e-15))
        #expect(FaceAveraging(rawValue: "arithmetic (PyBaMM)") == .arithmetic)
    }

    @Test("particle face diffusivity: g D for equal nodes, the harmonic mean between min and 2 min, symmetric, exact derivatives")
    func faceDiffusivity() {
        let d = 3e-14
        #expect(LawChecks.close(Diffusivities.faceValue((d, 0), (d, 0), scale: 0.7).value, 0.7 * d, relative: 1e-15))
        // A diffusivity that varies tenfold with y.
        func diffusivity(_ y: Double) -> (value: Double, derivative: Double) { (1e-14 * (1 + 9 * y * y), 1e-14 * 18 * y) }
        for (y1, y2) in [(0.1, 0.12), (0.3, 0.9), (0.8, 0.05)] {
            let face = Diffusivities.faceValue(diffusivity(y1), diffusivity(y2), scale: 1.3)
            let (d1, d2) = (diffusivity(y1).value, diffusivity(y2).value)
            #expect(LawChecks.close(face.value, 1.3 * 2 * d1 * d2 / (d1 + d2), relative: 1e-15))
            #expect(face.value >= 1.3 * min(d1, d2) && face.value <= 1.3 * 2 * min(d1, d2))
            let swapped = Diffusivities.faceValue(diffusivity(y2), diffusivity(y1), scale: 1.3)
            #expect(LawChecks.close(swapped.value, face.value, relative: 1e-15))
            #expect(swapped.dLeft == face.dRight && swapped.dRight == face.dLeft)
            let dLeft = LawChecks.centralDifference(at: y1, step: 1e-6) {
                Diffusivities.faceValue(diffusivity($0), diffusivity(y2), scale: 1.3).value
            }
            let dRight = LawChecks.centralDifference(at: y2, step: 1e-6) {
                Diffusivities.faceValue(diffusivity(y1), diffusivity($0), scale: 1.3).value
            }
            #expect(LawChecks.close(face.dLeft, dLeft, relative: 1e-7), "∂D_f/∂y₁ at \(y1), \(y2)")
            #expect(LawChecks.close(face.dRight, dRight, relative: 1e-7), "∂D_f/∂y₂ at \(y1), \(y2)")
        }
    }

    @Test("contact diffusion penalty φ^m_d: none for m_d = 0 or full contact, smaller for patchier contact")
    func contactPenalty() {
        #expect(Diffusivities.contactPenalty(contact: 0.4, exponent: 0) == 1)
        #expect(Diffusivities.contactPenalty(contact: 1, exponent: 1.8) == 1)
        #expect(LawChecks.close(Diffusivities.contactPenalty(contact: 0.25, exponent: 0.5), 0.5, relative: 1e-15))
        #expect(Diffusivities.contactPenalty(contact: 0.3, exponent: 1.8) < Diffusivities.contactPenalty(contact: 0.6, exponent: 1.8))
    }

    @Test("Arrhenius factor: 1 at the reference temperature or without activation energy, hand value, increasing in T")
    func arrheniusFactor() {
        #expect(arrhenius(activationEnergy: 3e4, temperature: 298.15, reference: 298.15) == 1)
        #expect(arrhenius(activationEnergy: 0, temperature: 330, reference: 298.15) == 1)
        // E = 30 kJ/mol from 25 °C to 60 °C: exp(30000/8.314462618 · (1/298.15 − 1/333.15)) ≈ 3.566.
        let factor = arrhenius(activationEnergy: 3e4, temperature: 333.15, reference: 298.15)
        #expect(abs(factor - 3.566) < 1e-3)
        #expect(LawChecks.close(factor, exp(3e4 / gasConstant * (1 / 298.15 - 1 / 333.15)), relative: 1e-15))
        #expect(arrhenius(activationEnergy: 3e4, temperature: 273.15, reference: 298.15) < 1)
    }
}
