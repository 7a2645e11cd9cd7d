import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import Testing
import TestSupport

/// The analytic Jacobian J = ∂F/∂y + c_j ∂F/∂ẏ against finite differences of the residual, at
/// random states far from equilibrium, for every control mode and both model files, also with a
/// particle diffusivity that depends on the stoichiometry (the model files' diffusivities are
/// constants, which the residual takes through a shortcut).
@Suite("Exact Jacobian")
struct JacobianTests {
    /// A small mesh (separator 4, composite 5, particle 6: under 50 unknowns) keeps the dense finite-difference
    /// Jacobian cheap; every kind of row and column (first/last cells, interface, surface node) is present.
    static let smallMesh = (4, 5, 6)

    struct Case: CustomStringConvertible, Sendable {
        var model: ModelName
        var control: CellControl
        var seed: UInt64
        /// Replace the model file's constant diffusivity by ``stoichiometryDependentDiffusivity(_:)``.
        var variableDiffusivity = false
        var description: String { "\(model) \(control) seed \(seed)\(variableDiffusivity ? " D(y)" : "")" }
    }

    static let cases: [Case] = ModelName.allCases.flatMap { model -> [Case] in
        [CellControl.current(amperes: 0.7), .voltage(volts: 3.9), .power(watts: 2.5)].enumerated().flatMap { index, control -> [Case] in
            // Seeds 1–3 with the model file's diffusivity, seed 4 with a stoichiometry-dependent one.
            (1...4).map { (n: Int) -> Case in
                let seed = UInt64(10 * index + n) * 7919 + UInt64(model.rawValue.count)
                return Case(model: model, control: control, seed: seed, variableDiffusivity: n == 4)
            }
        }
    }

    /// A test diffusivity that varies sevenfold over the stoichiometry, D(y) = D₀ (0.3 + 2 y²) with D₀ the
    /// model file's constant value: not a law of any material, only a smooth non-constant function whose
    /// derivative the Jacobian has to carry through the harmonic face mean.
    static func stoichiometryDependentDiffusivity(_ d0: Double) -> DifferentiableFunction {
        DifferentiableFunction(name: "test: D0 (0.3 + 2 y^2)") { y in (d0 * (0.3 + 2 * y * y), d0 * 4 * y) }
    }

    /// The parameters of a case on the small mesh.
    static func parameters(_ c: Case) throws -> CellParameters {
        var parameters = try makeParameters(c.model, mesh: Self.smallMesh)
        if c.variableDiffusivity {
            let d0 = try #require(parameters.positiveDiffusivity.constantValue)
            parameters.positiveDiffusivity = stoichiometryDependentDiffusivity(d0)
        }
        return parameters
    }

    /// A random state far from equilibrium: concentrations 5–95 % of c_max with random radial
    /// profiles (every node and the extrapolated surface value inside 5–95 %), φ_e and φ_s perturbed by
    /// up to ±50 mV around open circuit (overpotentials up to ±100 mV), a current density up to ±3C,
    /// a random capacity counter and random ẏ.
    static func randomState(_ model: P2DModel, seed: UInt64) throws -> (y: [Double], yp: [Double], cj: Double) {
        var g = SplitMix64(seed: seed)
        let layout = try StateLayout(model)
        let p = model.parameters
        let cMax = p.positiveMaximumConcentration
        var y = [Double](repeating: 0, count: model.stateCount)
        let foil = -p.negativeOCP
        for k in 0..<layout.nx { y[layout.electrolyte(k)] = foil + Double.random(in: -0.05...0.05, using: &g) }
        for particle in 0..<(layout.np * layout.classes) {
            let (j, k) = (particle / layout.classes, particle % layout.classes)
            var profile: [Double]
            var surface: Double
            repeat {
                let base = Double.random(in: 0.15...0.85, using: &g)
                let quadratic = Double.random(in: -0.12...0.12, using: &g)
                let quartic = Double.random(in: -0.08...0.08, using: &g)
                profile = (0..<layout.nr).map { m in
                    let r = (Double(m) + 0.5) / Double(layout.nr)
                    return base + quadratic * r * r + quartic * r * r * r * r + Double.random(in: -0.02...0.02, using: &g)
                }
                surface = 1.5 * profile[layout.nr - 1] - 0.5 * profile[layout.nr - 2]
            } while !(profile + [surface]).allSatisfy { (0.05...0.95).contains($0) }
            for m in 0..<layout.nr { y[layout.concentration(j, k, m)] = profile[m] * cMax }
            guard k == 0 else { continue }
            let (u, _) = p.positiveOCP(surface)
            y[layout.electrode(j)] = y[layout.electrolyte(layout.ns + j)] + u + Double.random(in: -0.05...0.05, using: &g)
        }
        y[model.currentIndex] = oneCCurrentDensity(p) * Double.random(in: -3...3, using: &g)
        y[model.dischargedCapacityIndex] = p.nominalCapacity * Double.random(in: -1...1, using: &g)
        let yp = (0..<model.stateCount).map { k in model.toleranceScale[k] * Double.random(in: -1e-3...1e-3, using: &g) }
        let cj = pow(10, Double.random(in: -2...3, using: &g))
        return (y, yp, cj)
    }

    /// Dense analytic Jacobian.
    static func analyticJacobian(_ model: inout P2DModel, y: [Double], yp: [Double], cj: Double) throws -> [[Double]] {
        var values = [Double](repeating: 0, count: model.jacobianPattern.nonZeroCount)
        try y.withUnsafeBufferPointer { y in
            try yp.withUnsafeBufferPointer { yp in
                try values.withUnsafeMutableBufferPointer { v in
                    try model.jacobian(time: 0, state: y, derivative: yp, cj: cj, into: v)
                }
            }
        }
        return model.jacobianPattern.dense(values)
    }

    /// An analytic Jacobian against finite differences, entry by entry: the worst error over its
    /// allowance 1e-8 |J_FD| + (round-off estimate), where it is, and the finite-difference entries
    /// clearly above round-off (100×) that fall outside the sparsity pattern.
    struct EntryComparison {
        var worst = 0.0
        var worstEntry = ""
        var missing: [(Int, Int)] = []
    }

    static func compareEntries(_ model: P2DModel, analytic: [[Double]], finiteDifference fd: [[Double]],
                               noise: [[Double]]) -> EntryComparison {
        var result = EntryComparison()
        var worstAt = (0, 0)
        for i in 0..<model.stateCount {
            for j in 0..<model.stateCount {
                let ratio = abs(analytic[i][j] - fd[i][j]) / (1e-8 * abs(fd[i][j]) + noise[i][j])
                if ratio > result.worst { result.worst = ratio; worstAt = (i, j) }
                if abs(fd[i][j]) > 100 * noise[i][j] && model.jacobianPattern.slot(row: i, column: j) == nil { result.missing.append((i, j)) }
            }
        }
        result.worstEntry = "entry \(worstAt): analytic \(analytic[worstAt.0][worstAt.1]), finite difference \(fd[worstAt.0][worstAt.1])"
        return result
    }

    /// Fourth-order central finite-difference Jacobian,
    ///
    ///     J_ij ≈ [−F_i(y + 2h e_j) + 8F_i(y + h e_j) − 8F_i(y − h e_j) + F_i(y − 2h e_j)] / 12h,
    ///
    /// perturbing ẏ_j by c_j times the same steps, with h = 1e-4 max(|y_j|, s_j): truncation error
    /// h⁴ f⁽⁵⁾/30 ≲ 1e-9 relative for the steepest functions here (sinh(Fη/2RT): (Fh/2RT)⁴/30 ≈ 1e-10 for
    /// h = 4e-4 V; the Xu OCP's exp(109 y): (109 × 1e-4)⁴/30 ≈ 5e-10), and round-off 100× smaller than
    /// with the library check's h = 1e-6 s. Also returns, per entry, the round-off estimate
    /// 10 ε max|F_i| / h_j (max over the four evaluations; at these random states no row is a small
    /// difference of large terms beyond what |F_i| shows).
    static func finiteDifferenceJacobian(_ model: inout P2DModel, y: [Double], yp: [Double],
                                         cj: Double) throws -> (jacobian: [[Double]], noise: [[Double]]) {
        let n = model.stateCount
        let scale = model.toleranceScale
        var f = [[Double]](repeating: [Double](repeating: 0, count: n), count: 4)
        var fd = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var noise = fd
        for j in 0..<n {
            let h = 1e-4 * max(abs(y[j]), scale[j])
            for (slot, multiple) in [2.0, 1, -1, -2].enumerated() {
                var yy = y, yyp = yp
                yy[j] += multiple * h
                yyp[j] += multiple * cj * h
                try model.evaluateResidual(time: 0, state: yy, derivative: yyp, into: &f[slot])
            }
            for i in 0..<n {
                fd[i][j] = (-f[0][i] + 8 * f[1][i] - 8 * f[2][i] + f[3][i]) / (12 * h)
                let magnitude = max(abs(f[0][i]), abs(f[1][i]), abs(f[2][i]), abs(f[3][i]))
                noise[i][j] = 10 * Double.ulpOfOne * magnitude / h
            }
        }
        return (fd, noise)
    }

    /// Two checks of J = ∂F/∂y + c_j ∂F/∂ẏ at each random state:
    ///
    /// 1. The library check `jacobianDeviationFromFiniteDifferences` (second-order central differences,
    ///    h = 1e-6 of the variable's scale; the largest deviation divided by its column's largest entry)
    ///    must be < 5e-6. Its truncation error is ~h² f‴/f′ ≲ 1e-11, but its round-off is not negligible
    ///    here: in the Xu cell σ_eff/Δx² ≈ 8e11 S m⁻³, so at random potentials the electronic rows are
    ///    ~1e10 A m⁻³ and differencing them over h_c = 0.05 mol m⁻³ leaves ~ε|F|/h_c ≈ 5e-4 in entries
    ///    (∂F/∂c ≈ 400) that are the largest of their column: measured up to 1.8e-6 (Chen: ≤ 5e-9).
    ///    5e-6 is that floor with margin, still far below what a wrong derivative term gives.
    /// 2. Entry by entry against fourth-order differences (see `finiteDifferenceJacobian`), which the column
    ///    scaling of check 1 cannot do for a column's small entries (particle diffusion ~1e-2 beside
    ///    Butler–Volmer ~1e3 in a concentration column): |J − J_FD| ≤ 1e-8 |J_FD| + (round-off estimate).
    ///    Measured: the worst entry uses ≤ 6 % of that allowance.
    @Test("analytic Jacobian = finite differences at random non-equilibrium states", arguments: cases)
    func jacobianMatchesFiniteDifferences(_ c: Case) throws {
        var model = P2DModel(parameters: try Self.parameters(c))
        #expect((model.parameters.positiveDiffusivity.constantValue == nil) == c.variableDiffusivity)
        model.control = c.control
        let (y, yp, cj) = try Self.randomState(model, seed: c.seed)

        let deviation = try model.jacobianDeviationFromFiniteDifferences(time: 0, state: y, derivative: yp, cj: cj,
                                                                          stateScale: model.toleranceScale)
        #expect(deviation < 5e-6, "column-scaled deviation \(deviation)")

        let analytic = try Self.analyticJacobian(&model, y: y, yp: yp, cj: cj)
        let (fd, noise) = try Self.finiteDifferenceJacobian(&model, y: y, yp: yp, cj: cj)
        let entries = Self.compareEntries(model, analytic: analytic, finiteDifference: fd, noise: noise)
        #expect(entries.worst < 1, "\(entries.worstEntry)")

        // Negative control: the entry-wise check resolves an error of 1e-6 relative in one of the smallest
        // entries that matter, the particle-diffusion coupling between the two innermost nodes of a cell.
        let layout = try StateLayout(model)
        let (i, j) = (layout.concentration(0, 0, 0), layout.concentration(0, 0, 1))
        let wrong = analytic[i][j] * (1 + 1e-6)
        #expect(abs(wrong - fd[i][j]) > 1e-8 * abs(fd[i][j]) + noise[i][j],
                "a 1e-6 error in ∂F/∂c of \(analytic[i][j]) would go unnoticed (round-off estimate \(noise[i][j]))")
        print("Jacobian \(c): column-scaled deviation \(deviation), worst entry-wise error / allowance \(entries.worst)")
    }

    /// Every entry that is non-zero in the finite-difference Jacobian (above its round-off noise, at a
    /// random state, where nothing vanishes by accident) lies in the model's fixed sparsity pattern, for
    /// every control mode (the control row's entries differ by mode).
    @Test("sparsity pattern holds every non-zero of the finite-difference Jacobian", arguments: ModelName.allCases)
    func patternCoversFiniteDifferenceNonzeros(_ name: ModelName) throws {
        for control in [CellControl.current(amperes: 0.7), .voltage(volts: 3.9), .power(watts: 2.5)] {
            var model = P2DModel(parameters: try makeParameters(name, mesh: Self.smallMesh))
            model.control = control
            let (y, yp, cj) = try Self.randomState(model, seed: 424242)
            let (fd, noise) = try Self.finiteDifferenceJacobian(&model, y: y, yp: yp, cj: cj)
            var missing: [(Int, Int)] = []
            var nonzeros = 0
            for i in 0..<model.stateCount {
                for j in 0..<model.stateCount where abs(fd[i][j]) > 100 * noise[i][j] {
                    nonzeros += 1
                    if model.jacobianPattern.slot(row: i, column: j) == nil { missing.append((i, j)) }
                }
            }
            #expect(missing.isEmpty, "\(control): non-zeros outside the pattern at \(missing)")
            #expect(nonzeros > 0)
            print("pattern \(name) \(control): \(nonzeros) finite-difference non-zeros, all among the pattern's \(model.jacobianPattern.nonZeroCount)")
        }
    }

    /// ∂F/∂ẏ at (y, ẏ) two ways: from the residual, which is linear in ẏ (entry [i][j] = F_i(ẏ + e_j) − F_i(ẏ)),
    /// and from the analytic Jacobian (J(c_j = 1) − J(c_j = 0)); with the residual F(ẏ) itself, whose size
    /// sets the round-off of the first.
    static func derivativeBlocks(_ model: inout P2DModel, y: [Double], yp: [Double]) throws
        -> (fromResidual: [[Double]], analytic: [[Double]], base: [Double]) {
        var base = [Double](), changed = [Double]()
        try model.evaluateResidual(time: 0, state: y, derivative: yp, into: &base)
        let j1 = try analyticJacobian(&model, y: y, yp: yp, cj: 1)
        let j0 = try analyticJacobian(&model, y: y, yp: yp, cj: 0)
        let n = model.stateCount
        var fromResidual = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var analytic = fromResidual
        for j in 0..<n {
            var perturbed = yp
            perturbed[j] += 1
            try model.evaluateResidual(time: 0, state: y, derivative: perturbed, into: &changed)
            for i in 0..<n {
                fromResidual[i][j] = changed[i] - base[i]
                analytic[i][j] = j1[i][j] - j0[i][j]
            }
        }
        return (fromResidual, analytic, base)
    }

    /// ∂F/∂ẏ is the identity on the differential unknowns (the particle concentrations and Q) and zero on
    /// the algebraic ones, as `differentialMask` tells IDA; checked on the residual itself (F is linear in ẏ,
    /// so a unit change of ẏ_j changes F by exactly column j of ∂F/∂ẏ, up to round-off of |F|) and on the
    /// analytic Jacobian (J(c_j = 1) − J(c_j = 0)).
    @Test("∂F/∂ẏ agrees with the differential mask", arguments: ModelName.allCases)
    func derivativeBlockMatchesMask(_ name: ModelName) throws {
        var model = P2DModel(parameters: try makeParameters(name, mesh: Self.smallMesh))
        model.control = .power(watts: 1)
        let layout = try StateLayout(model)
        let (y, yp, _) = try Self.randomState(model, seed: 99)
        let block = try Self.derivativeBlocks(&model, y: y, yp: yp)
        let n = model.stateCount
        for j in 0..<n {
            for i in 0..<n {
                let expected = (i == j && model.differentialMask[j]) ? 1.0 : 0.0
                #expect(abs(block.fromResidual[i][j] - expected) <= 1e-9 * max(1, abs(block.base[i])), "∂F\(i)/∂ẏ\(j)")
                #expect(abs(block.analytic[i][j] - expected) <= 1e-12, "analytic ∂F\(i)/∂ẏ\(j)")
            }
        }
        // Every concentration and the capacity counter are differential; the potentials and the current
        // density algebraic.
        #expect((layout.concentrationStart..<layout.concentrationEnd).allSatisfy { model.differentialMask[$0] })
        #expect(model.differentialMask[model.dischargedCapacityIndex])
        #expect(!(0..<layout.concentrationStart).contains { model.differentialMask[$0] })
        #expect(!model.differentialMask[model.currentIndex])
    }
}
