import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import Testing
import TestSupport

/// The interface double layers (P2DModel+DoubleLayer.swift): exact Jacobian, ∂F/∂ẏ, charge
/// bookkeeping, and that a model without capacities is unchanged.
@Suite("Double layers")
struct DoubleLayerTests {
    static let positiveKey = CellParameters.positiveDoubleLayerKey
    static let negativeKey = CellParameters.negativeDoubleLayerKey

    struct Case: CustomStringConvertible, Sendable {
        var file: String
        var positive: Double
        var negative: Double
        var control: CellControl
        var seed: UInt64
        /// Contact mechanics with a constant-gap fixture (the contact, hence a_dl, follows the state).
        var mechanics = false
        var description: String {
            "\(file) C_dl \(positive) C_n \(negative) \(control)\(mechanics ? " constant gap" : "") seed \(seed)"
        }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        for (index, control) in [CellControl.current(amperes: 0.7), .voltage(volts: 3.9), .power(watts: 2.5)].enumerated() {
            cases.append(Case(file: ModelName.xu2019.rawValue, positive: 0.2, negative: 0.05, control: control, seed: UInt64(31 + index)))
        }
        cases.append(Case(file: ModelName.chen2020.rawValue, positive: 0.1, negative: 0, control: .current(amperes: 3), seed: 41))
        cases.append(Case(file: ModelName.chen2020.rawValue, positive: 0, negative: 0.3, control: .voltage(volts: 3.8), seed: 42))
        cases.append(Case(file: "zhou2025-ncm811-lpsc-coarse", positive: 0.05, negative: 0.1, control: .current(amperes: 1e-3),
                          seed: 43, mechanics: true))
        return cases
    }()

    static func parameters(_ c: Case, mesh: (Int, Int, Int) = JacobianTests.smallMesh) throws -> CellParameters {
        var set = try loadParameterSet(c.file).adding([
            positiveKey: .number(c.positive), negativeKey: .number(c.negative),
            MeshKey.separator: .number(Double(mesh.0)), MeshKey.positive: .number(Double(mesh.1)),
            MeshKey.particle: .number(Double(mesh.2))])
        if c.mechanics {
            set = set.adding(["Stack fixture": .text("constant gap"), "Stack stiffness [MPa.m-1]": .number(3e5),
                              "Number of particle contact classes": .number(4)])
        }
        return try CellParameters(set)
    }

    /// JacobianTests' random state, plus ψ_j = φ_s,j − φ_e,j ± 20 mV, a random η_n, (with mechanics)
    /// a random stack pressure, (with oxidation) random interphase films, and c_j from 1 to 10³ (so that the charging entries c_j C a_dl of the ψ
    /// columns stand well above the round-off of the ionic rows, ~10¹¹ at these random states).
    static func randomState(_ model: P2DModel, seed: UInt64) throws -> (y: [Double], yp: [Double], cj: Double) {
        var (y, yp, _) = try JacobianTests.randomState(model, seed: seed)
        var g = SplitMix64(seed: seed ^ 0xD1B5)
        let cj = pow(10, Double.random(in: 0...3, using: &g))
        let layout = try StateLayout(model)
        for j in 0..<layout.np {
            guard let psi = model.doubleLayerIndex(cell: j) else { break }
            y[psi] = y[layout.electrode(j)] - y[layout.electrolyte(layout.ns + j)] + Double.random(in: -0.02...0.02, using: &g)
        }
        if let q = model.foilOverpotentialIndex { y[q] = Double.random(in: -0.08...0.08, using: &g) }
        if model.parameters.mechanics != nil { y[model.pressureIndex] = Double.random(in: 2...40, using: &g) }
        // Interphase films (models with electrolyte oxidation): a positive oxidised charge, away from the
        // kink at q = 0 (the residual treats a negative film as none).
        let interfaceStart = model.doubleLayerIndex(cell: 0) ?? model.foilOverpotentialIndex ?? model.stateCount
        for index in model.filmStart..<interfaceStart { y[index] = Double.random(in: 0.1...30, using: &g) }
        return (y, yp, cj)
    }

    /// Entry by entry against fourth-order finite differences, as in `JacobianTests` (within 1e-8 relative
    /// plus the round-off estimate 10 ε max|F_i|/h_j), and every finite-difference non-zero inside the
    /// pattern, on models with a CAM|SE and/or a foil capacity, for every control mode, and with contact
    /// mechanics (where the charging current a_dl(y) C ψ̇ depends on the pressure and the particles' mean
    /// stoichiometry, and ẏ is random, so those terms are non-zero; with the Zhou file also interphase films
    /// and some contact damage). The library's column-scaled check
    /// (second order, h = 1e-6) is not used: a ψ column's largest entry, c_j C a_dl ~ 10²–10⁸, sits in ionic
    /// rows of ~10¹¹ at these states, whose round-off ε|F|/h swamps it (measured 2e-3 of it at c_j = 0.01);
    /// the entry-wise check allows exactly that round-off and no more. Negative control: a 1e-4 relative
    /// error in the charging entry of a ψ column would be detected.
    @Test("analytic Jacobian = finite differences with double layers", arguments: cases)
    func jacobianMatchesFiniteDifferences(_ c: Case) throws {
        var model = P2DModel(parameters: try Self.parameters(c))
        model.control = c.control
        // Some contact damage (it scales the contacted area a_dl along with the faradaic one).
        for index in model.contactDamage.indices { model.contactDamage[index] = 0.3 * Double(index % 3) }
        #expect(model.hasPositiveDoubleLayer == (c.positive > 0))
        #expect(model.hasFoilDoubleLayer == (c.negative > 0))
        let (y, yp, cj) = try Self.randomState(model, seed: c.seed)
        let analytic = try JacobianTests.analyticJacobian(&model, y: y, yp: yp, cj: cj)
        let (fd, noise) = try JacobianTests.finiteDifferenceJacobian(&model, y: y, yp: yp, cj: cj)
        let entries = JacobianTests.compareEntries(model, analytic: analytic, finiteDifference: fd, noise: noise)
        #expect(entries.worst < 1, "\(entries.worstEntry)")
        #expect(entries.missing.isEmpty, "non-zeros outside the pattern at \(entries.missing)")
        if let psi = model.doubleLayerIndex(cell: 0) {
            let row = model.mesh.separatorCells
            let wrong = analytic[row][psi] * (1 + 1e-4)
            #expect(abs(wrong - fd[row][psi]) > 1e-8 * abs(fd[row][psi]) + noise[row][psi],
                    "a 1e-4 error in the charging entry \(analytic[row][psi]) would go unnoticed (round-off estimate \(noise[row][psi]))")
        }
        print("double-layer Jacobian \(c): \(model.stateCount) unknowns, c_j \(cj), worst entry-wise error / allowance \(entries.worst)")
    }

    /// F is linear in ẏ and its ∂F/∂ẏ is what the formulation states: for a unit change of ẏ_j the residual
    /// changes by exactly M e_j (M = J(1) − J(0), to round-off of |F|), with M[ionic row j][ψ_j] = C_dl a_dl,
    /// M[electronic row j][ψ_j] = −C_dl a_dl (a_dl = 3 ε_s/R for one fully contacted class), M[η_n row][η_n] = C_n,
    /// and the identity on the concentrations and Q; ψ and η_n are differential, the ψ rows algebraic.
    @Test("∂F/∂ẏ: charging currents C_dl a_dl and C_n, linear in ẏ")
    func derivativeBlock() throws {
        let c = Self.cases[0]
        var model = P2DModel(parameters: try Self.parameters(c))
        model.control = .power(watts: 1)
        let p = model.parameters
        let layout = try StateLayout(model)
        let (y, yp, _) = try Self.randomState(model, seed: 7)
        let j1 = try JacobianTests.analyticJacobian(&model, y: y, yp: yp, cj: 1)
        let j0 = try JacobianTests.analyticJacobian(&model, y: y, yp: yp, cj: 0)
        let block = try JacobianTests.derivativeBlocks(&model, y: y, yp: yp)
        let n = model.stateCount
        for j in 0..<n {
            for i in 0..<n {
                let (residual, m) = (block.fromResidual[i][j], block.analytic[i][j])
                #expect(abs(residual - m) <= 1e-9 * max(1, abs(block.base[i])), "∂F\(i)/∂ẏ\(j): residual \(residual), Jacobian \(m)")
            }
        }
        let contactedArea = 3 * p.positiveActiveMaterialFraction / p.positiveParticleRadius
        for j in 0..<layout.np {
            let psi = try #require(model.doubleLayerIndex(cell: j))
            let expected = p.positiveDoubleLayerCapacity * contactedArea
            #expect(abs(j1[layout.electrolyte(layout.ns + j)][psi] - j0[layout.electrolyte(layout.ns + j)][psi] - expected) <= 1e-12 * expected)
            #expect(abs(j1[layout.electrode(j)][psi] - j0[layout.electrode(j)][psi] + expected) <= 1e-12 * expected)
            #expect(model.differentialMask[psi])
            #expect((0..<n).allSatisfy { j1[psi][$0] == j0[psi][$0] }, "the ψ row is algebraic")
        }
        let q = try #require(model.foilOverpotentialIndex)
        #expect(abs(j1[q][q] - j0[q][q] - p.negativeDoubleLayerCapacity) <= 1e-12)
        #expect(model.differentialMask[q])
        #expect(q == n - 1 && model.doubleLayerIndex(cell: 0) == model.pressureIndex + 1, "interface unknowns follow the pressure")
    }

    /// The double layer stores charge: summing the electronic balance over the composite gives
    /// Σ_j h_j (a j + a_dl C_dl ψ̇)_j = −i, so the lithium in the particles follows
    ///
    ///     F (n(t) − n(0)) = 3600 Q(t) + A Σ_j h_j a_dl C_dl (ψ_j(t) − ψ_j(0))
    ///
    /// — in discharge ψ = φ_s − φ_e falls (the solid side of the interface takes electrons), so part of
    /// the charge passed sits in the double layer instead of the particles — (for a constant a_dl, i.e.
    /// without mechanics), to round-off for the same reason as in
    /// `ConservationTests`. A large C_dl (20 F/m²) makes the stored charge a visible share of the total
    /// (checked > 1e-4), so dropping the capacitive term from either balance would fail by orders of
    /// magnitude more than the 1e-9 allowed. The foil's double layer (also present) does not enter.
    @Test("charge bookkeeping: Li moved = charge passed + change of the double layer's charge")
    func chargeStoredInDoubleLayer() throws {
        let c = Case(file: ModelName.xu2019.rawValue, positive: 20, negative: 0.5, control: .current(amperes: 0), seed: 0)
        let p = try Self.parameters(c, mesh: (6, 8, 10))
        let oneC = p.nominalCapacity
        let driver = try CellDriver(p, control: .current(amperes: oneC), relativeTolerance: 1e-9, absoluteTolerance: 1e-11)
        let y0 = driver.state
        let model = driver.model
        let n0 = model.lithiumInParticles(y0)
        let area = 3 * p.positiveActiveMaterialFraction / p.positiveParticleRadius
        let h = p.positiveThickness / Double(p.positiveMeshPoints)
        func check(_ phase: String) throws {
            let y = driver.state
            var stored = 0.0
            for j in 0..<p.positiveMeshPoints {
                let psi = try #require(model.doubleLayerIndex(cell: j))
                stored += h * area * p.positiveDoubleLayerCapacity * (y[psi] - y0[psi])
            }
            stored *= p.totalArea
            let passed = 3600 * model.dischargedCapacity(y)
            let moved = faradayConstant * (model.lithiumInParticles(y) - n0)
            #expect(abs(stored) > 1e-4 * abs(passed), "\(phase): stored \(stored) C of \(passed) C — too small to test")
            #expect(abs(moved - (passed + stored)) <= 1e-9 * abs(passed),
                    "\(phase): F Δn = \(moved) C, passed + stored = \(passed + stored) C (stored \(stored) C)")
            print("double-layer charge \(phase): passed \(passed) C, stored \(stored) C, F Δn \(moved) C, mismatch \((moved - passed - stored) / passed)")
        }
        try driver.run(for: 300)
        try check("after 1C discharge")
        try driver.switchTo(.current(amperes: 0))
        try driver.run(for: 200)
        try check("after rest")
        try driver.switchTo(.current(amperes: -0.5 * oneC))
        try driver.run(for: 100)
        try check("after charge")
    }

    /// Without the keys, or with both set to 0, the model is the one without double layers: same
    /// unknowns, pattern, resting state, residual and Jacobian values bit for bit.
    @Test("no capacity (absent or 0): the model without double layers, bit for bit")
    func absentCapacityChangesNothing() throws {
        let set = try loadParameterSet(ModelName.xu2019.rawValue).with([MeshKey.separator: 4, MeshKey.positive: 5, MeshKey.particle: 6])
        var plain = P2DModel(parameters: try CellParameters(set))
        var zero = P2DModel(parameters: try CellParameters(set.adding([Self.positiveKey: .number(0), Self.negativeKey: .number(0)])))
        #expect(plain.stateCount == zero.stateCount)
        #expect(plain.jacobianPattern == zero.jacobianPattern)
        #expect(plain.restingState() == zero.restingState())
        #expect(plain.doubleLayerIndex(cell: 0) == nil && plain.foilOverpotentialIndex == nil)
        plain.control = .current(amperes: 0.4)
        zero.control = .current(amperes: 0.4)
        let (y, yp, cj) = try JacobianTests.randomState(plain, seed: 5)
        var a = [Double](), b = [Double]()
        try plain.evaluateResidual(time: 0, state: y, derivative: yp, into: &a)
        try zero.evaluateResidual(time: 0, state: y, derivative: yp, into: &b)
        #expect(a == b)
        #expect(try JacobianTests.analyticJacobian(&plain, y: y, yp: yp, cj: cj) == JacobianTests.analyticJacobian(&zero, y: y, yp: yp, cj: cj))
    }

    /// Out-of-range capacities are rejected with the key named.
    @Test("negative or huge capacities are rejected naming the key")
    func badCapacity() throws {
        let set = try loadParameterSet(ModelName.xu2019.rawValue)
        for (key, value) in [(Self.positiveKey, -0.1), (Self.negativeKey, 1e3)] {
            do {
                _ = try CellParameters(set.adding([key: .number(value)]))
                Issue.record("\(key) = \(value) accepted")
            } catch {
                #expect(error.key == key && error.problem == "out of range", "\(error)")
            }
        }
    }
}
