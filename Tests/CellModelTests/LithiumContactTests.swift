import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import Testing
import TestSupport

/// The foil|SE contact fraction φ_a in the model (P2DModel+NegativeInterface.swift): exact
/// Jacobian and sparsity, lithium conservation with the law on, and the law's limits in the
/// integrated model.
@Suite("Lithium interface contact in the model")
struct LithiumContactTests {
    static let file = "zhou2025-ncm811-lpsc-coarse"
    static let capacityKey = NegativeInterfaceParameters.capacityKey

    /// The Zhou coarse cell (mechanics at 2 MPa, oxidation, both double layers) on a small mesh with two
    /// contact classes, started at y = 0.41, and the contact law: interface capacity [mA h cm⁻²], creep rate at 1 MPa [s⁻¹],
    /// n = 6.6, Q = 37 kJ mol⁻¹, and the other keys as given.
    static func parameters(capacity: Double = 0.2, creepRate: Double = 1e-5, _ other: [String: Double] = [:],
                           mesh: (Int, Int, Int) = (3, 3, 5)) throws -> CellParameters {
        var changes: [String: Double] = [
            capacityKey: capacity, "Negative electrode creep rate at 1 MPa [s-1]": creepRate,
            "Negative electrode creep stress exponent": 6.6, "Negative electrode creep activation energy [J.mol-1]": 37_000,
            "Number of particle contact classes": 2,
            // Half lithiated, so that the cell can both discharge (strip the foil) and charge (plate it).
            "Initial concentration in positive electrode [mol.m-3]": 20_000,
            MeshKey.separator: Double(mesh.0), MeshKey.positive: Double(mesh.1), MeshKey.particle: Double(mesh.2)]
        for (key, value) in other { changes[key] = value }
        return try loadModel(file, changes)
    }

    struct Case: CustomStringConvertible, Sendable {
        var control: CellControl
        var foilCapacity: Double
        var resistance: Double
        var creepRate: Double
        var seed: UInt64
        /// i_v [A m⁻²].
        var vacancy = 0.0
        var description: String { "\(control) C_n \(foilCapacity) r_c \(resistance) creep \(creepRate) i_v \(vacancy) seed \(seed)" }
    }

    static let cases: [Case] = [
        Case(control: .current(amperes: 1e-3), foilCapacity: 0.05, resistance: 0, creepRate: 1e-5, seed: 11),
        Case(control: .current(amperes: 1e-3), foilCapacity: 0, resistance: 2e-3, creepRate: 1e-5, seed: 12),
        Case(control: .voltage(volts: 3.8), foilCapacity: 0.05, resistance: 2e-3, creepRate: 1e-3, seed: 13),
        Case(control: .voltage(volts: 3.8), foilCapacity: 0, resistance: 0, creepRate: 1e-7, seed: 14),
        Case(control: .power(watts: 3e-3), foilCapacity: 0.05, resistance: 5e-4, creepRate: 1e-6, seed: 15),
        Case(control: .power(watts: 3e-3), foilCapacity: 0, resistance: 5e-4, creepRate: 0, seed: 16),
        Case(control: .current(amperes: 1e-3), foilCapacity: 0.05, resistance: 1e-3, creepRate: 1e-6, seed: 17, vacancy: 3),
    ]

    /// Entry by entry against fourth-order finite differences and every finite-difference non-zero
    /// inside the pattern, as in `DoubleLayerTests`, at random states with φ_a from 0.2 to 0.95, a
    /// random stack pressure (2–40 MPa), a random current (±3C) and random ẏ; with and without the foil
    /// double layer (whose row then carries φ_a), with and without the constriction resistance (whose
    /// pressure column enters the first ionic row), for every control. Negative control: a 10⁻⁴ error
    /// in the φ_a entry of the first ionic row would be detected.
    @Test("analytic Jacobian = finite differences with the contact law", arguments: cases)
    func jacobianMatchesFiniteDifferences(_ c: Case) throws {
        let p = try Self.parameters(creepRate: c.creepRate,
                                    ["Negative electrode double-layer capacity [F.m-2]": c.foilCapacity,
                                     "Negative electrode contact resistance [Ohm.m2]": c.resistance,
                                     "Negative electrode vacancy resupply current density [A.m-2]": c.vacancy])
        var model = P2DModel(parameters: p)
        model.control = c.control
        let a = try #require(model.lithiumContactIndex)
        #expect(a == model.stateCount - 1)
        #expect(model.differentialMask[a])
        var (y, yp, cj) = try DoubleLayerTests.randomState(model, seed: c.seed)
        var g = SplitMix64(seed: c.seed ^ 0xA11CE)
        y[a] = Double.random(in: 0.2...0.95, using: &g)
        yp[a] = Double.random(in: -1e-3...1e-3, using: &g)
        let analytic = try JacobianTests.analyticJacobian(&model, y: y, yp: yp, cj: cj)
        let (fd, noise) = try JacobianTests.finiteDifferenceJacobian(&model, y: y, yp: yp, cj: cj)
        let entries = JacobianTests.compareEntries(model, analytic: analytic, finiteDifference: fd, noise: noise)
        #expect(entries.worst < 1, "\(entries.worstEntry)")
        #expect(entries.missing.isEmpty, "non-zeros outside the pattern at \(entries.missing)")
        // The φ_a column is non-zero and resolved: in the first ionic row (through η_n(i/φ_a) without a
        // foil double layer, through R_c with one), else in the η_n row (φ_a scales its currents).
        let row = c.resistance > 0 || c.foilCapacity == 0 ? 0 : try #require(model.foilOverpotentialIndex)
        #expect(abs(fd[row][a]) > 100 * noise[row][a])
        let wrong = analytic[row][a] * (1 + 1e-4)
        #expect(abs(wrong - fd[row][a]) > 1e-8 * abs(fd[row][a]) + noise[row][a])
        print("lithium-contact Jacobian \(c): \(model.stateCount) unknowns, worst entry-wise error / allowance \(entries.worst)")
    }

    /// φ_a joins the skeleton of the condensed solve: the particle blocks are unchanged and IDA
    /// condenses them (no fallback to KLU).
    @Test("the contact unknown leaves the particle blocks condensable")
    func condensedSolverAccepts() throws {
        let p = try Self.parameters()
        let driver = try CellDriver(p, control: .current(amperes: 1e-3))
        #expect(driver.solver.linearSolverKind == .condensed, "\(driver.solver.linearSolverFallbackReason ?? "")")
        let a = try #require(driver.model.lithiumContactIndex)
        #expect(!driver.model.condensableBlocks.contains { $0.contains(a) })
    }

    /// Lithium in the particles changes by the charge passed / F (discharge, rest, charge) with the
    /// contact law on and the contact well below 1 (the side reaction and the double layers, whose
    /// charge does not pass through the particles, switched off, as in `ConservationTests`): the φ_a
    /// row moves no lithium, and the argument there (an exact Jacobian keeps a linear combination of
    /// the rows at zero) still holds to round-off.
    @Test("lithium conservation with the contact law on")
    func conservation() throws {
        let p = try Self.parameters(capacity: 1, creepRate: 1e-6, ["Solid electrolyte oxidation current density [A.m-2]": 0,
                                                                   "Positive electrode double-layer capacity [F.m-2]": 0,
                                                                   "Negative electrode double-layer capacity [F.m-2]": 0],
                                    mesh: (4, 5, 6))
        let current = p.nominalCapacity
        let driver = try CellDriver(p, control: .current(amperes: current), relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        let n0 = driver.model.lithiumInParticles(driver.state)
        let a = try #require(driver.model.lithiumContactIndex)
        func check(_ phase: String, expected: Double) {
            let y = driver.state
            let q = driver.model.dischargedCapacity(y)
            let moved = driver.model.lithiumInParticles(y) - n0
            let passed = q * 3600 / faradayConstant
            #expect(abs(moved - passed) <= 1e-10 * abs(passed), "\(phase): Li moved \(moved) mol, charge passed / F \(passed) mol")
            #expect(abs(q - expected) <= 1e-10 * abs(expected))
        }
        try driver.run(for: 900)
        check("after discharge", expected: current * 900 / 3600)
        let afterDischarge = driver.state[a]
        #expect(afterDischarge < 0.95, "contact after stripping \(afterDischarge)")
        try driver.switchTo(.current(amperes: 0))
        try driver.run(for: 300)
        check("after rest", expected: current * 900 / 3600)
        try driver.switchTo(.current(amperes: -current))
        try driver.run(for: 400)
        check("after charge", expected: current * 500 / 3600)
        #expect(driver.state[a] > afterDischarge, "plating and creep restore contact")
    }

    /// Zero creep: during a constant stripping current i the contact falls as the stripped charge over
    /// the interface capacity, φ_a = φ₀ − i t/q_c (a linear ODE, which BDF integrates exactly).
    @Test("zero creep: contact = 1 − stripped charge / interface capacity")
    func zeroCreep() throws {
        let p = try Self.parameters(capacity: 0.5, creepRate: 0)
        let current = p.nominalCapacity
        let driver = try CellDriver(p, control: .current(amperes: current))
        let a = try #require(driver.model.lithiumContactIndex)
        try driver.run(for: 600)
        let stripped = current / p.totalArea * 600
        let expected = 1 - stripped / (0.5 * NegativeInterfaceParameters.coulombsPerSquareMetrePerMilliampHourPerSquareCentimetre)
        #expect(expected < 0.95)
        #expect(abs(driver.state[a] - expected) < 1e-9, "φ_a \(driver.state[a]), expected \(expected)")
        // At rest nothing changes without creep.
        try driver.switchTo(.current(amperes: 0))
        try driver.run(for: 300)
        #expect(abs(driver.state[a] - expected) < 1e-9)
    }

    /// Zero current: no void growth — at rest a partly lost contact only recovers, monotonically.
    /// Very high pressure: a 1C strip leaves the contact within 10⁻⁶ of full.
    @Test("zero current or high pressure: no void growth")
    func noVoidGrowth() throws {
        let p = try Self.parameters(["Negative electrode initial contact fraction": 0.7])
        let driver = try CellDriver(p, control: .current(amperes: 0))
        let a = try #require(driver.model.lithiumContactIndex)
        var previous = driver.state[a]
        #expect(previous == 0.7)
        for _ in 0..<10 {
            try driver.run(for: 30)
            #expect(driver.state[a] >= previous)
            previous = driver.state[a]
        }
        #expect(previous > 0.7 && previous <= 1)

        let pressed = try Self.parameters(["Stack pressure [MPa]": 20])
        let strip = try CellDriver(pressed, control: .current(amperes: pressed.nominalCapacity))
        try strip.run(for: 600)
        #expect(strip.state[try #require(strip.model.lithiumContactIndex)] > 1 - 1e-6)
        // The same strip at the file's 2 MPa loses contact.
        let loose = try CellDriver(try Self.parameters(), control: .current(amperes: pressed.nominalCapacity))
        try loose.run(for: 20)
        #expect(loose.state[try #require(loose.model.lithiumContactIndex)] < 0.99)
    }
}
