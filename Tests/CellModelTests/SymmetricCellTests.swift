import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import Testing
import TestSupport

/// The symmetric foil | SE | foil cell (P2DModel+SymmetricCell.swift): exact Jacobian and sparsity,
/// charge (lithium) conservation through the separator, and the analytic voltage of the ohmic
/// separator between two Butler–Volmer interfaces.
@Suite("Symmetric lithium cell")
struct SymmetricCellTests {
    static let file = "li-lpscl-li-symmetric"
    /// The keys of the contact law and of the short-circuit criterion, which a file without the law lacks.
    static let contactKeys = [NegativeInterfaceParameters.capacityKey, "Negative electrode creep rate at 1 MPa [s-1]",
                              "Negative electrode creep stress exponent", "Negative electrode creep activation energy [J.mol-1]",
                              "Negative electrode contact loss threshold", "Negative electrode contact resistance [Ohm.m2]",
                              "Negative electrode contact resistance reference pressure [MPa]",
                              NegativeInterfaceParameters.penetrationKey]

    static func parameters(contactLaw: Bool, _ changes: [String: Double] = [:]) throws -> CellParameters {
        try loadModel(file, changes, removing: contactLaw ? [] : contactKeys)
    }

    struct Case: CustomStringConvertible, Sendable {
        var control: CellControl
        var contactLaw: Bool
        var seed: UInt64
        var description: String { "\(control) contact law \(contactLaw) seed \(seed)" }
    }

    static let cases: [Case] = [CellControl.current(amperes: 4e-4), .voltage(volts: -0.05), .power(watts: 2e-5)]
        .enumerated().flatMap { index, control in
            [true, false].map { Case(control: control, contactLaw: $0, seed: UInt64(31 * index + ($0 ? 1 : 2))) }
        }

    /// A random state: φ_e within ±50 mV of rest, a current density up to ±30 A m⁻² (6 mA cm⁻²: the
    /// interfaces well into their non-linear range), both contacts from 0.2 to 0.95, random ẏ.
    static func randomState(_ model: P2DModel, seed: UInt64) -> (y: [Double], yp: [Double], cj: Double) {
        var g = SplitMix64(seed: seed)
        var y = model.restingState()
        var yp = [Double](repeating: 0, count: y.count)
        for c in 0..<model.mesh.cellCount { y[c] += Double.random(in: -0.05...0.05, using: &g) }
        y[model.currentIndex] = Double.random(in: -30...30, using: &g)
        y[model.dischargedCapacityIndex] = Double.random(in: -1e-4...1e-4, using: &g)
        for index in [model.lithiumContactIndex, model.positiveLithiumContactIndex].compactMap({ $0 }) {
            y[index] = Double.random(in: 0.2...0.95, using: &g)
        }
        for index in y.indices where model.differentialMask[index] { yp[index] = Double.random(in: -1e-3...1e-3, using: &g) }
        return (y, yp, Double.random(in: 10...1e4, using: &g))
    }

    /// Entry by entry against fourth-order finite differences, and every finite-difference non-zero
    /// inside the pattern, for every control, with and without the contact law (whose two φ_a
    /// columns enter the first ionic row and the control row). Negative control: a 10⁻⁴ error in the
    /// control row's φ_a⁺ entry (voltage and power control) would be detected.
    @Test("analytic Jacobian = finite differences", arguments: cases)
    func jacobianMatchesFiniteDifferences(_ c: Case) throws {
        var model = P2DModel(parameters: try Self.parameters(contactLaw: c.contactLaw))
        model.control = c.control
        #expect(model.isSymmetricCell)
        #expect((model.positiveLithiumContactIndex != nil) == c.contactLaw)
        let (y, yp, cj) = Self.randomState(model, seed: c.seed)
        let analytic = try JacobianTests.analyticJacobian(&model, y: y, yp: yp, cj: cj)
        let (fd, noise) = try JacobianTests.finiteDifferenceJacobian(&model, y: y, yp: yp, cj: cj)
        let entries = JacobianTests.compareEntries(model, analytic: analytic, finiteDifference: fd, noise: noise)
        #expect(entries.worst < 1, "\(entries.worstEntry)")
        #expect(entries.missing.isEmpty, "non-zeros outside the pattern at \(entries.missing)")
        var voltageInControlRow = true
        if case .current = c.control { voltageInControlRow = false }
        if voltageInControlRow, let a = model.positiveLithiumContactIndex {
            let row = model.currentIndex
            #expect(abs(fd[row][a]) > 100 * noise[row][a])
            let wrong = analytic[row][a] * (1 + 1e-4)
            #expect(abs(wrong - fd[row][a]) > 1e-8 * abs(fd[row][a]) + noise[row][a])
        }
        print("symmetric-cell Jacobian \(c): \(model.stateCount) unknowns, worst entry-wise error / allowance \(entries.worst)")
    }

    /// No particle blocks: IDA falls back to KLU on the whole matrix, and says why.
    @Test("the linear solver falls back to KLU")
    func kluFallback() throws {
        let driver = try CellDriver(try Self.parameters(contactLaw: true), control: .current(amperes: 1e-4))
        #expect(driver.solver.linearSolverKind == .klu)
        #expect(driver.solver.linearSolverFallbackReason != nil)
    }

    /// V = −(i L_s/κ_eff + 2 (2RT/F) asinh(i/2i₀) + 2 i L_n/σ_n) without the contact law (the ohmic
    /// separator between two Butler–Volmer interfaces; exact on the finite-volume mesh, whose
    /// potential is linear in a uniform flux), at a small current — where it is −I (R_sep + 2 R_ct),
    /// R_ct = RT/(F i₀ A) — and at a large one; with the contact law at full contact the
    /// constriction resistance r_c (P/P_ref)^−m of each interface adds in series.
    @Test("voltage = separator ohmic drop + two interfaces", arguments: [1e-3, 20.0])
    func analyticVoltage(_ density: Double) throws {
        for contactLaw in [false, true] {
            let p = try Self.parameters(contactLaw: contactLaw)
            let driver = try CellDriver(p, control: .current(amperes: density * p.totalArea))
            try driver.run(for: 1e-6)  // (the contact has not moved: dφ_a/dt is bounded)
            let kappa = p.electrolyteConductivity * p.separatorTransport(p.separatorElectrolyteFraction)
            let f = faradayConstant / (gasConstant * p.temperature)
            let i0 = p.negativeExchangeCurrentDensity
            let constriction = p.negativeInterface.map {
                $0.contact.constrictionResistance(contact: 1, pressure: p.mechanics!.stackPressure).value } ?? 0
            let interface = (2 / f) * asinh(density / (2 * i0)) + density * (p.negativeThickness / p.negativeConductivity + constriction)
            let expected = -(density * p.separatorThickness / kappa + 2 * interface)
            #expect(abs(driver.voltage - expected) <= 1e-6 * abs(expected),
                    "i \(density) A/m2, contact law \(contactLaw): V \(driver.voltage), expected \(expected)")
            if density < 0.01 {
                let linear = -density * p.totalArea * (p.separatorThickness / (kappa * p.totalArea) + 2 / (f * i0 * p.totalArea)
                                                       + 2 * (p.negativeThickness / p.negativeConductivity + constriction) / p.totalArea)
                #expect(abs(driver.voltage - linear) <= 1e-6 * abs(linear))
            }
            print("symmetric cell, i = \(density) A/m2, contact law \(contactLaw): V = \(driver.voltage) V, analytic \(expected) V")
        }
    }

    /// The separator stores no charge (single-ion conductor): at every face the ionic current equals
    /// the cell current, so the lithium stripped at one foil is the lithium plated at the other, i t/F,
    /// and the capacity counter is I t; checked after a strip that opens voids and a plate that
    /// closes them (the contacts changing), to round-off of the Newton solve.
    @Test("lithium conservation: the ionic current is the cell current at every face")
    func conservation() throws {
        let p = try Self.parameters(contactLaw: true, ["Stack pressure [MPa]": 1, "Negative electrode contact loss threshold": 0])
        let density = 10.0
        let current = density * p.totalArea
        let driver = try CellDriver(p, control: .current(amperes: current), relativeTolerance: 1e-8, absoluteTolerance: 1e-10)
        let kappa = p.electrolyteConductivity * p.separatorTransport(p.separatorElectrolyteFraction)
        func check(_ phase: String, current i: Double, charge: Double) throws {
            let y = driver.state, m = driver.model
            let widths = m.mesh.widths
            var worst = 0.0
            for c in 0..<(m.mesh.cellCount - 1) {
                let flux = -kappa * (y[c + 1] - y[c]) / ((widths[c] + widths[c + 1]) / 2)
                worst = max(worst, abs(flux - i))
            }
            #expect(worst <= 1e-9 * abs(i), "\(phase): ionic current differs from the cell current by \(worst) A/m2")
            #expect(abs(m.dischargedCapacity(y) - charge) <= 1e-9 * abs(charge), "\(phase): Q \(m.dischargedCapacity(y)), I t \(charge)")
            print("symmetric cell \(phase): worst face current error \(worst) A/m2 of \(i)")
        }
        try driver.run(for: 60)
        try check("after strip", current: density, charge: current * 60 / 3600)
        let a = try #require(driver.model.lithiumContactIndex), b = try #require(driver.model.positiveLithiumContactIndex)
        #expect(driver.state[a] < 0.99, "the strip opened voids at x = 0: \(driver.state[a])")
        #expect(driver.state[b] == 1 || driver.state[b] > 0.9999, "the x = L foil plated")
        try driver.switchTo(.current(amperes: -current))
        try driver.run(for: 30)
        try check("after plate", current: -density, charge: current * 30 / 3600)
        #expect(driver.state[b] < 0.99, "stripping at x = L opened voids there: \(driver.state[b])")
    }
}
