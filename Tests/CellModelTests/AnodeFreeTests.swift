import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import Testing
import TestSupport

/// The anode-free cell, composite | SE | collector (P2DModel+AnodeFree.swift): exact Jacobian with
/// the plated-lithium unknown, and lithium conservation between the particles and the plated layer.
@Suite("Anode-free cell")
struct AnodeFreeTests {
    static let layout: [String: ParameterValue] = ["Cell layout": .text(CellLayout.anodeFree.rawValue)]

    /// The Zhou coarse cell as anode-free, small mesh, with the lithium contact law (as
    /// `LithiumContactTests`) and 0.5 mA h cm⁻² already plated.
    static func parameters(_ changes: [String: Double] = [:], mesh: (Int, Int, Int) = (3, 3, 5)) throws -> CellParameters {
        var all: [String: Double] = [
            NegativeInterfaceParameters.capacityKey: 0.2, "Negative electrode creep rate at 1 MPa [s-1]": 1e-5,
            "Negative electrode creep stress exponent": 6.6, "Negative electrode creep activation energy [J.mol-1]": 37_000,
            "Number of particle contact classes": 2, "Initial concentration in positive electrode [mol.m-3]": 20_000,
            CellParameters.initialLithiumKey: 0.5,
            MeshKey.separator: Double(mesh.0), MeshKey.positive: Double(mesh.1), MeshKey.particle: Double(mesh.2)]
        for (key, value) in changes { all[key] = value }
        return try loadModel("zhou2025-ncm811-lpsc-coarse", all, values: layout)
    }

    @Test("analytic Jacobian = finite differences with the plated lithium",
          arguments: [CellControl.current(amperes: 1e-3), .voltage(volts: 3.8), .power(watts: 3e-3)])
    func jacobianMatchesFiniteDifferences(_ control: CellControl) throws {
        var model = P2DModel(parameters: try Self.parameters())
        model.control = control
        let q = try #require(model.platedLithiumIndex)
        #expect(q == model.stateCount - 1 && model.differentialMask[q])
        var (y, yp, cj) = try DoubleLayerTests.randomState(model, seed: 4242)
        var g = SplitMix64(seed: 99)
        if let a = model.lithiumContactIndex { y[a] = Double.random(in: 0.3...0.95, using: &g) }
        y[q] = Double.random(in: 100...5000, using: &g)
        yp[q] = Double.random(in: -1...1, using: &g)
        let analytic = try JacobianTests.analyticJacobian(&model, y: y, yp: yp, cj: cj)
        let (fd, noise) = try JacobianTests.finiteDifferenceJacobian(&model, y: y, yp: yp, cj: cj)
        let entries = JacobianTests.compareEntries(model, analytic: analytic, finiteDifference: fd, noise: noise)
        #expect(entries.worst < 1, "\(entries.worstEntry)")
        #expect(entries.missing.isEmpty, "non-zeros outside the pattern at \(entries.missing)")
        #expect(abs(fd[q][model.currentIndex] - 1) < 1e-6)
        print("anode-free Jacobian \(control): \(model.stateCount) unknowns, worst entry-wise error / allowance \(entries.worst)")
    }

    /// Lithium in the particles plus the plated lithium A q_Li/F is constant through a discharge
    /// (stripping), a rest and a charge (plating), with the side reaction and the double layers off
    /// (their charge does not pass through the particles); the particle blocks still condense.
    @Test("lithium conservation: particles + plated layer")
    func conservation() throws {
        let p = try Self.parameters(["Solid electrolyte oxidation current density [A.m-2]": 0,
                                     "Positive electrode double-layer capacity [F.m-2]": 0,
                                     "Negative electrode double-layer capacity [F.m-2]": 0], mesh: (4, 5, 6))
        let current = p.nominalCapacity / 5
        let driver = try CellDriver(p, control: .current(amperes: current), relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
        #expect(driver.solver.linearSolverKind == .condensed)
        func total() -> Double { driver.model.lithiumInParticles(driver.state) + driver.model.platedLithium(driver.state) }
        let n0 = total(), plated0 = driver.model.platedLithium(driver.state)
        #expect(abs(plated0 - 0.5 * 36 * p.totalArea * 1000 / faradayConstant) < 1e-12 * plated0)
        var worst = 0.0
        for (control, seconds) in [(CellControl.current(amperes: current), 900.0), (.current(amperes: 0), 300), (.current(amperes: -current), 1200)] {
            try driver.switchTo(control)
            try driver.run(for: seconds)
            worst = max(worst, abs(total() - n0) / n0)
        }
        #expect(worst < 1e-10, "lithium drifted by \(worst) of the total")
        #expect(driver.model.platedLithium(driver.state) > plated0, "the charge plated more than the discharge stripped")
        print("anode-free conservation: worst relative drift of particles + plated lithium \(worst)")
    }
}
