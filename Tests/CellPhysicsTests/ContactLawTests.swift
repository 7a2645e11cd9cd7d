import CellPhysics
import Foundation
import Testing

/// The contact laws on their own: the pressure factor Π(P), the reversible gap R_rev, the volume
/// change ε_V(y), the Beta distribution of fabricated contact, and the contact fraction
/// φ = φ0 (1 − D) Π(P) R_rev(ε_V(ȳ), P) that combines them.
@Suite("Contact laws")
struct ContactLawTests {
    static let pressureLaw = PowerLawPressureContact(referencePressure: 50, residualPressure: 2, exponent: 0.5)
    static let gapLaw = RoughnessGapLaw(roughness: 120e-9, hardness: 1500)

    @Test("Π(P) = min{1, ((P + P₀)/(P_ref + P₀))ⁿ}: hand value, 1 at and above P_ref, 0 at P ≤ −P₀, increasing, exact derivative")
    func powerLawPressure() {
        let law = Self.pressureLaw
        #expect(LawChecks.close(law.factor(pressure: 2).value, (4.0 / 52).squareRoot(), relative: 1e-15))
        #expect(law.factor(pressure: 50).value == 1 && law.factor(pressure: 50).derivative == 0)
        #expect(law.factor(pressure: 400).value == 1)
        #expect(law.factor(pressure: -2).value == 0 && law.factor(pressure: -5).derivative == 0)
        var previous = 0.0
        for p in stride(from: -1.9, through: 49.9, by: 0.5) {
            let (value, derivative) = law.factor(pressure: p)
            #expect(value > previous && derivative > 0, "Π(\(p))")
            previous = value
            let fd = LawChecks.centralDifference(at: p, step: 1e-5) { law.factor(pressure: $0).value }
            #expect(LawChecks.close(derivative, fd, relative: 1e-7), "dΠ/dP at \(p)")
        }
    }

    @Test("R_rev = exp(−max(0, δ − δ_acc)/h_r): ≈ ½ for a 5 µm NCM811 particle at 4.3 V, 1 when expanded or accommodated, exact derivatives")
    func roughnessGap() {
        let law = Self.gapLaw
        let radius = 5e-6
        // δ = R |ε_V|/3 = 85 nm at ε_V = −5.1 %, P = 0: R_rev = exp(−85/120) ≈ 0.49.
        let r = law.retention(strain: -0.051, radius: radius, pressure: 0)
        #expect(LawChecks.close(r.value, exp(-(radius * 0.051 / 3) / 120e-9), relative: 1e-14))
        #expect(abs(r.value - 0.4925) < 1e-3)
        for (strain, pressure) in [(0.01, 0.0), (0, 3)] {
            let kept = law.retention(strain: strain, radius: radius, pressure: pressure)
            #expect(kept.value == 1 && kept.dStrain == 0 && kept.dPressure == 0)
        }
        // Enough pressure closes the gap plastically: δ_acc = R P/H ≥ δ.
        #expect(law.retention(strain: -0.051, radius: radius, pressure: 1500 * 0.051 / 3 + 1e-9).value == 1)
        // More shrinkage loses contact, more pressure recovers it.
        #expect(law.retention(strain: -0.06, radius: radius, pressure: 0).value < r.value)
        #expect(law.retention(strain: -0.051, radius: radius, pressure: 10).value > r.value)
        for (strain, pressure) in [(-0.051, 0.0), (-0.03, 5), (-0.06, 20)] {
            let value = law.retention(strain: strain, radius: radius, pressure: pressure)
            let dStrain = LawChecks.centralDifference(at: strain, step: 1e-7) {
                law.retention(strain: $0, radius: radius, pressure: pressure).value
            }
            let dPressure = LawChecks.centralDifference(at: pressure, step: 1e-4) {
                law.retention(strain: strain, radius: radius, pressure: $0).value
            }
            #expect(LawChecks.close(value.dStrain, dStrain, relative: 1e-7), "∂R/∂ε at \(strain), \(pressure)")
            #expect(LawChecks.close(value.dPressure, dPressure, relative: 1e-7), "∂R/∂P at \(strain), \(pressure)")
        }
    }

    @Test("NCM811 volume change: the anchors −0.9 % (y = 0.5), −5.1 % (0.2), −5.7 % (0), ≈ 0 when lithiated, exact derivative")
    func ncm811VolumeChange() {
        let law = NCM811VolumeChange()
        #expect(abs(law.strain(stoichiometry: 0.5).value + 0.009) < 5e-4)
        #expect(abs(law.strain(stoichiometry: 0.2).value + 0.051) < 5e-4)
        #expect(abs(law.strain(stoichiometry: 0).value + 0.057) < 5e-4)
        #expect(abs(law.strain(stoichiometry: 1).value) < 1e-5)
        for i in 0...100 {
            let y = Double(i) / 100
            let (_, derivative) = law.strain(stoichiometry: y)
            #expect(derivative > 0, "the particle swells as it lithiates (y = \(y))")
            let fd = LawChecks.centralDifference(at: y, step: 1e-6) { law.strain(stoichiometry: $0).value }
            #expect(LawChecks.close(derivative, fd, relative: 1e-7), "dε/dy at \(y)")
        }
    }

    @Test("linear volume change: ε_V = ε_full (1 − y)")
    func linearVolumeChange() {
        let law = LinearVolumeChange(strainAtFullDelithiation: -0.02)
        #expect(law.strain(stoichiometry: 1).value == 0)
        #expect(law.strain(stoichiometry: 0).value == -0.02)
        #expect(LawChecks.close(law.strain(stoichiometry: 0.25).value, -0.015, relative: 1e-15))
        #expect(law.strain(stoichiometry: 0.7).derivative == 0.02)
    }

    @Test("Beta distribution: equal shares, class means increasing and averaging to the mean, isolation below the threshold",
          arguments: [(0.6, 0.25, 3), (0.8, 0.1, 5), (0.5, 0.3, 4)])
    func betaDistribution(mean: Double, deviation: Double, count: Int) {
        let classes = ContactClass.betaDistribution(mean: mean, standardDeviation: deviation, count: count, radius: 4e-6,
                                                    isolationThreshold: 0)
        #expect(classes.count == count)
        #expect(abs(classes.reduce(0) { $0 + $1.volumeShare } - 1) < 1e-12)
        #expect(classes.allSatisfy { $0.radius == 4e-6 && $0.initialContact > 0 && $0.initialContact < 1 })
        #expect(zip(classes, classes.dropFirst()).allSatisfy { $0.initialContact < $1.initialContact })
        let average = classes.reduce(0) { $0 + $1.volumeShare * $1.initialContact }
        #expect(abs(average - mean) < 2e-3, "share-weighted class mean \(average)")
        // Spread: the class means span at least one standard deviation.
        #expect(classes.last!.initialContact - classes.first!.initialContact > deviation)
        let threshold = classes[1].initialContact
        let isolated = ContactClass.betaDistribution(mean: mean, standardDeviation: deviation, count: count, radius: 4e-6,
                                                     isolationThreshold: threshold)
        #expect(isolated[0].initialContact == 0)
        #expect(isolated[1...].map(\.initialContact) == classes[1...].map(\.initialContact))
    }

    @Test("Beta distribution without spread or with one class: every class at the mean")
    func betaDegenerate() {
        for classes in [ContactClass.betaDistribution(mean: 0.7, standardDeviation: 0, count: 3, radius: 1e-6, isolationThreshold: 0),
                        ContactClass.betaDistribution(mean: 0.7, standardDeviation: 0.2, count: 1, radius: 1e-6, isolationThreshold: 0)] {
            #expect(classes.allSatisfy { $0.initialContact == 0.7 })
        }
        #expect(ContactClass.betaDistribution(mean: 0.3, standardDeviation: 0, count: 2, radius: 1e-6, isolationThreshold: 0.4)
            .allSatisfy { $0.initialContact == 0 })
    }

    static let mechanics = ContactMechanics(stackPressure: 5, fixture: .constantPressure, pressureLaw: pressureLaw,
                                            volumeChange: NCM811VolumeChange(), gapLaw: gapLaw, negativeLithiumMolarVolume: 1.3e-5)

    @Test("contact fraction: φ0 (1 − D) without mechanics (the mean stoichiometry not evaluated), the product of the laws with them")
    func contactFraction() {
        let particle = ContactClass(volumeShare: 1, initialContact: 0.8, radius: 5e-6)
        var evaluations = 0
        func mean() -> Double { evaluations += 1; return 0.3 }
        let bare = particle.contactFraction(damage: 0.25, mechanics: nil, meanStoichiometry: mean(), pressure: 5,
                                            pressureFactor: (1, 0))
        #expect(bare.value == 0.8 * 0.75 && bare.dMean == 0 && bare.dPressure == 0)
        #expect(evaluations == 0)
        let isolated = ContactClass(volumeShare: 1, initialContact: 0, radius: 5e-6)
            .contactFraction(damage: 0, mechanics: Self.mechanics, meanStoichiometry: mean(), pressure: 5,
                             pressureFactor: Self.pressureLaw.factor(pressure: 5))
        #expect(isolated.value == 0 && evaluations == 0)

        let pressure = 5.0, y = 0.3
        let full = particle.contactFraction(damage: 0.25, mechanics: Self.mechanics, meanStoichiometry: mean(), pressure: pressure,
                                            pressureFactor: Self.pressureLaw.factor(pressure: pressure))
        #expect(evaluations == 1)
        let strain = NCM811VolumeChange().strain(stoichiometry: y).value
        let expected = 0.8 * 0.75 * Self.pressureLaw.factor(pressure: pressure).value
            * Self.gapLaw.retention(strain: strain, radius: 5e-6, pressure: pressure).value
        #expect(LawChecks.close(full.value, expected, relative: 1e-15))
        #expect(full.value < bare.value)
        func phi(_ y: Double, _ p: Double) -> Double {
            particle.contactFraction(damage: 0.25, mechanics: Self.mechanics, meanStoichiometry: y, pressure: p,
                                     pressureFactor: Self.pressureLaw.factor(pressure: p)).value
        }
        let dMean = LawChecks.centralDifference(at: y, step: 1e-6) { phi($0, pressure) }
        let dPressure = LawChecks.centralDifference(at: pressure, step: 1e-5) { phi(y, $0) }
        #expect(LawChecks.close(full.dMean, dMean, relative: 1e-7))
        #expect(LawChecks.close(full.dPressure, dPressure, relative: 1e-7))
        #expect(full.dMean > 0 && full.dPressure > 0)
    }

    @Test("the intact and slowly varying parts of the contact")
    func contactParts() {
        let particle = ContactClass(volumeShare: 0.5, initialContact: 0.9, radius: 2e-6)
        #expect(particle.intactContact(damage: 0) == 0.9)
        #expect(particle.intactContact(damage: 1) == 0)
        #expect(particle.intactContact(damage: 0.5) == 0.45)
        #expect(particle.slowlyVaryingContact(pressureFactor: 1, damage: 0.5) == 0.45)
        #expect(LawChecks.close(particle.slowlyVaryingContact(pressureFactor: 0.5, damage: 0.2), 0.36, relative: 1e-15))
    }
}
