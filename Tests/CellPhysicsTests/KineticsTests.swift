import CellPhysics
import Foundation
import Testing

/// Butler–Volmer at the CAM|SE contact (bare and with a film in series), the exchange-current
/// density with its regularised square roots, and the foil's Butler–Volmer law, each on its own.
@Suite("Kinetics laws")
struct KineticsTests {
    /// F/RT at 298.15 K.
    static let f = faradayConstant / (gasConstant * 298.15)
    static let kinetics = ButlerVolmerKinetics(f: f, exchangeCurrentReference: 2.5)
    /// A smooth decreasing OCP U(y) = 4.2 − 0.8 y − 0.1 y² [V] with its derivative.
    static func ocp(_ y: Double) -> (value: Double, derivative: Double) { (4.2 - 0.8 * y - 0.1 * y * y, -0.8 - 0.2 * y) }

    @Test("the regularised square root is √x away from 0, finite in slope at 0, with its exact derivative")
    func regularisedRoot() {
        #expect(regularisedSquareRoot(0).value == 0)
        #expect(abs(regularisedSquareRoot(0).derivative - 1 / 1e-3.squareRoot()) < 1e-9)  // g'(0) = δ^(−1/2) ≈ 31.6
        for x in [0.01, 0.25, 0.5, 0.99] {
            // g(x)/√x = (1 + δ²/x²)^(−1/4) ≈ 1 − δ²/4x².
            #expect(LawChecks.close(regularisedSquareRoot(x).value, x.squareRoot(), relative: 1e-6 / (x * x)))
        }
        for x in [-0.02, 0, 1e-4, 3e-3, 0.1, 0.7] {
            let fd = LawChecks.centralDifference(at: x, step: 1e-7) { regularisedSquareRoot($0).value }
            #expect(LawChecks.close(regularisedSquareRoot(x).derivative, fd, relative: 1e-6), "g'(\(x))")
        }
    }

    @Test("exchange current: i₀,ref at y = ½ (hand value), symmetric, zero at and beyond the ends, exact derivative")
    func exchangeCurrent() {
        let k = Self.kinetics
        // 2 i₀,ref g(½)² = 2 i₀,ref · ¼ / √(¼ + 10⁻⁶) = i₀,ref · 0.999998000006.
        #expect(abs(k.exchangeCurrentDensity(0.5).value / 2.5 - 0.999998000006) < 1e-11)
        #expect(abs(k.exchangeCurrentDensity(0.5).derivative) < 1e-12)
        for y in [0.01, 0.2, 0.37] {
            #expect(LawChecks.close(k.exchangeCurrentDensity(y).value, k.exchangeCurrentDensity(1 - y).value, relative: 1e-14))
        }
        for y in [-0.3, 0, 1, 1.2] {
            #expect(k.exchangeCurrentDensity(y).value == 0 && k.exchangeCurrentDensity(y).derivative == 0, "i₀(\(y))")
        }
        // Rises up to y = ½.
        var previous = 0.0
        for i in 1...50 {
            let value = k.exchangeCurrentDensity(Double(i) / 100).value
            #expect(value > previous)
            previous = value
        }
        for y in [1e-3, 0.05, 0.3, 0.62, 0.97] {
            let fd = LawChecks.centralDifference(at: y, step: 1e-7) { k.exchangeCurrentDensity($0).value }
            #expect(LawChecks.close(k.exchangeCurrentDensity(y).derivative, fd, relative: 1e-6), "di₀/dy(\(y))")
        }
    }

    @Test("bare Butler–Volmer: j = 2 i₀ sinh(fη/2) (hand value), zero at open circuit, odd and increasing in η")
    func bareButlerVolmer() throws {
        let k = Self.kinetics, y = 0.4, u = Self.ocp(y)
        let i0 = k.exchangeCurrentDensity(y).value
        for eta in [-0.2, -0.01, 0.003, 0.05, 0.3] {
            let r = try #require(k.current(potentialDifference: u.value + eta, stoichiometry: y, ocp: u, filmResistance: 0))
            #expect(LawChecks.close(r.j, 2 * i0 * sinh(0.5 * Self.f * eta), relative: 1e-13), "η = \(eta)")
            let mirror = try #require(k.current(potentialDifference: u.value - eta, stoichiometry: y, ocp: u, filmResistance: 0))
            #expect(LawChecks.close(mirror.j, -r.j, relative: 1e-12))
            #expect(r.dPotential > 0)
        }
        let rest = try #require(k.current(potentialDifference: u.value, stoichiometry: y, ocp: u, filmResistance: 0))
        #expect(rest.j == 0)
        // Linear response: ∂j/∂Δφ = f i₀ at η = 0 (the charge-transfer resistance 1/(f i₀)).
        #expect(LawChecks.close(rest.dPotential, Self.f * i0, relative: 1e-14))
    }

    @Test("Butler–Volmer derivatives in Δφ, y and R_f match central differences, without and with a film",
          arguments: [0.0, 1e-3, 0.05, 2.0])
    func butlerVolmerDerivatives(film: Double) throws {
        let k = Self.kinetics
        func j(_ phi: Double, _ y: Double, _ r: Double) -> Double {
            k.current(potentialDifference: phi, stoichiometry: y, ocp: Self.ocp(y), filmResistance: r)!.j
        }
        for (phi, y) in [(3.8, 0.45), (3.95, 0.2), (3.6, 0.8), (4.3, 0.05)] {
            let r = try #require(k.current(potentialDifference: phi, stoichiometry: y, ocp: Self.ocp(y), filmResistance: film))
            let dPhi = LawChecks.centralDifference(at: phi, step: 1e-6) { j($0, y, film) }
            let dY = LawChecks.centralDifference(at: y, step: 1e-6) { j(phi, $0, film) }
            #expect(LawChecks.close(r.dPotential, dPhi, relative: 1e-6, absolute: 1e-9), "∂j/∂Δφ at \(phi), \(y)")
            #expect(LawChecks.close(r.dStoichiometry, dY, relative: 1e-6, absolute: 1e-9), "∂j/∂y at \(phi), \(y)")
            if film > 0 {
                let dR = LawChecks.centralDifference(at: film, step: 1e-6 * film) { j(phi, y, $0) }
                #expect(LawChecks.close(r.dFilm, dR, relative: 1e-6, absolute: 1e-9), "∂j/∂R_f at \(phi), \(y)")
            }
        }
    }

    @Test("with a film the current solves j = 2 i₀ sinh(f(Δ − R_f j)/2), is smaller than the bare one, and tends to it as R_f → 0")
    func filmInSeries() throws {
        let k = Self.kinetics, y = 0.3, u = Self.ocp(y)
        let i0 = k.exchangeCurrentDensity(y).value
        for drive in [-0.25, -0.02, 0.01, 0.15] {
            let bare = try #require(k.current(potentialDifference: u.value + drive, stoichiometry: y, ocp: u, filmResistance: 0))
            var previous = bare.j
            for film in [1e-4, 1e-2, 0.1, 1, 10] {
                let r = try #require(k.current(potentialDifference: u.value + drive, stoichiometry: y, ocp: u, filmResistance: film))
                // The overpotential that drives j at the interface, plus the film's R_f j, is the drive.
                let eta = (2 / Self.f) * asinh(r.j / (2 * i0))
                #expect(abs(eta + film * r.j - drive) <= 1e-13, "R_f = \(film)")
                #expect(abs(r.j) < abs(previous) && r.j * drive > 0, "|j| falls as the film grows")
                previous = r.j
            }
            // R_f → 0: j → the bare current, to first order j + (∂j/∂R_f) R_f.
            let thin = try #require(k.current(potentialDifference: u.value + drive, stoichiometry: y, ocp: u, filmResistance: 1e-12))
            #expect(LawChecks.close(thin.j - bare.j, bare.dFilm * 1e-12, relative: 1e-3))
            #expect(LawChecks.close(thin.dPotential, bare.dPotential, relative: 1e-6))
            // A thick film: j → drive / R_f (the film takes almost all of the drive).
            let thick = try #require(k.current(potentialDifference: u.value + drive, stoichiometry: y, ocp: u, filmResistance: 1e4))
            #expect(LawChecks.close(thick.j, drive / 1e4, relative: 1e-2))
        }
    }

    @Test("the overpotential behind the film lies between 0 and the drive and solves η + R j(η) = Δ")
    func overpotentialBehindFilm() throws {
        let k = Self.kinetics
        for drive in [-0.8, -1e-4, 0, 2e-3, 0.6] {
            let eta = try #require(k.overpotentialBehindFilm(drive: drive, exchangeCurrent: 1.5, film: 0.2))
            #expect(abs(eta + 0.2 * 2 * 1.5 * sinh(0.5 * Self.f * eta) - drive) <= 1e-12 * max(1, abs(drive)))
            #expect(eta * drive >= 0 && abs(eta) <= abs(drive))
        }
    }

    static let foil = LithiumFoil(f: f, exchangeCurrent: 12, thickness: 50e-6, conductivity: 1e7, openCircuitPotential: 0.62)

    @Test("foil: i(η) = 2 i₀ sinh(fη/2) (hand value) and its inverse, with exact derivatives")
    func foilKinetics() {
        let foil = Self.foil
        #expect(foil.current(overpotential: 0).value == 0)
        #expect(foil.current(overpotential: 0).dOverpotential == 12 * Self.f)
        #expect(LawChecks.close(foil.current(overpotential: 0.05).value, 24 * sinh(0.025 * Self.f), relative: 1e-15))
        for i in [-80.0, -3, 0.5, 40] {
            let eta = foil.overpotential(current: i)
            #expect(LawChecks.close(foil.current(overpotential: eta.value).value, i, relative: 1e-12), "round trip at \(i)")
            #expect(eta.value * i > 0)
            let fd = LawChecks.centralDifference(at: i, step: 1e-5) { foil.overpotential(current: $0).value }
            #expect(LawChecks.close(eta.dCurrent, fd, relative: 1e-7))
            let forward = foil.current(overpotential: eta.value)
            #expect(LawChecks.close(forward.dOverpotential * eta.dCurrent, 1, relative: 1e-12))
        }
    }

    @Test("foil: φ_e(0) = −i L/σ − η − U_n, −U_n at rest, linear response −L/σ − 1/(f i₀), exact derivative")
    func foilElectrolytePotential() {
        let foil = Self.foil
        #expect(foil.electrolytePotential(current: 0).value == -0.62)
        #expect(LawChecks.close(foil.electrolytePotential(current: 0).dCurrent, -50e-6 / 1e7 - 1 / (Self.f * 12), relative: 1e-14))
        for i in [-30.0, -0.1, 2, 25] {
            let phi = foil.electrolytePotential(current: i)
            let eta = foil.overpotential(current: i).value
            #expect(LawChecks.close(phi.value, -i * 50e-6 / 1e7 - eta - 0.62, relative: 1e-15))
            let fd = LawChecks.centralDifference(at: i, step: 1e-5) { foil.electrolytePotential(current: $0).value }
            #expect(LawChecks.close(phi.dCurrent, fd, relative: 1e-7))
            // With η_n an unknown of its own (a foil double layer), only the ohmic drop depends on i.
            let held = foil.electrolytePotential(current: i, overpotential: (value: eta, dCurrent: 0))
            #expect(held.value == phi.value)
            #expect(held.dCurrent == -50e-6 / 1e7)
        }
    }
}
