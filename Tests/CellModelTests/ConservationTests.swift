import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import TestSupport
import Testing

/// Lithium bookkeeping: every coulomb passed through the cell moves 1/F mol of Li into or out of
/// the particles.
@Suite("Lithium conservation")
struct ConservationTests {
    struct Case: CustomStringConvertible, Sendable {
        var model: ModelName
        var relativeTolerance: Double
        var absoluteTolerance: Double
        var description: String { "\(model) rtol \(relativeTolerance)" }
    }

    /// Both model files at the simulation driver's default tolerances (1e-6 / 1e-8) and at tight ones.
    static let cases = ModelName.allCases.flatMap { model in
        [Case(model: model, relativeTolerance: 1e-6, absoluteTolerance: 1e-8),
         Case(model: model, relativeTolerance: 1e-9, absoluteTolerance: 1e-11)]
    }

    /// 1C discharge for 1500 s, 900 s rest, 1C charge for 700 s (from the files' initial, charged state).
    /// After each phase: n(t) − n(0) = Q(t) · 3600 / F with n = `lithiumInParticles` [mol] and Q the
    /// discharged capacity [A h]; and Q itself is the charge the control prescribed, I t / 3600.
    ///
    /// Why it holds to round-off, not merely to the solver tolerance: summing the electronic charge
    /// balance over the composite gives Σ_k Δx_k a j_k = −i (collector flux −i, none at the separator),
    /// and summing a particle's finite-volume balance gives Σ_m V_m ċ_m = −R² j/F (no flux at r = 0), so
    /// a fixed linear combination L of the residual rows is L·F = ṅ − (3600/F) Q̇, linear in (y, ẏ). With
    /// an exact Jacobian, every Newton iterate satisfies L·F = 0 exactly (L·J is the gradient of L·F);
    /// BDF's ẏ is the same linear combination of past y for every component, IDACalcIC keeps the
    /// differential unknowns, and output interpolation is linear — so n − 3600 Q/F never changes. The
    /// allowance 1e-10 of the change leaves room for round-off accumulated over ~10³ steps (measured
    /// ≤ 1e-14). A Jacobian inconsistent with the residual, a non-conservative flux or a wrong
    /// `lithiumInParticles` weight would show up at the level of the solver tolerance or worse.
    /// Q = I t/3600 holds to round-off as well (the integrand is constant), checked to 1e-10.
    @Test("Li in particles changes by the charge passed / F (discharge, rest, charge)", arguments: cases)
    func lithiumFollowsCharge(_ c: Case) throws {
        let p = try makeParameters(c.model, mesh: (6, 8, 10))
        let oneC = p.nominalCapacity
        let driver = try CellDriver(p, control: .current(amperes: oneC), relativeTolerance: c.relativeTolerance,
                                    absoluteTolerance: c.absoluteTolerance)
        let n0 = driver.model.lithiumInParticles(driver.state)
        var worst = 0.0, worstQ = 0.0
        func check(_ phase: String, expectedCapacity: Double) {
            let y = driver.state
            let q = driver.model.dischargedCapacity(y)
            let moved = driver.model.lithiumInParticles(y) - n0
            let passed = q * 3600 / faradayConstant
            worst = max(worst, abs(moved - passed) / abs(passed))
            worstQ = max(worstQ, abs(q - expectedCapacity) / abs(expectedCapacity))
            #expect(abs(moved - passed) <= 1e-10 * abs(passed),
                    "\(phase): Li moved \(moved) mol, charge passed / F \(passed) mol")
            #expect(abs(q - expectedCapacity) <= 1e-10 * abs(expectedCapacity), "\(phase): Q = \(q) A h, expected \(expectedCapacity)")
        }

        try driver.run(for: 1500)
        check("after discharge", expectedCapacity: oneC * 1500 / 3600)
        try driver.switchTo(.current(amperes: 0))
        try driver.run(for: 900)
        check("after rest", expectedCapacity: oneC * 1500 / 3600)
        try driver.switchTo(.current(amperes: -oneC))
        try driver.run(for: 700)
        check("after charge", expectedCapacity: oneC * 800 / 3600)
        print("conservation \(c): worst |Δn − QF⁻¹·3600| / |QF⁻¹·3600| = \(worst), worst |Q − It/3600| / Q = \(worstQ)")
    }
}
