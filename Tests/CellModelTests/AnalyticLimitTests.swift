import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import TestSupport
import Testing

/// The model against closed-form solutions of the continuum equations it discretises.
@Suite("Analytic limits")
struct AnalyticLimitTests {
    // MARK: Ohmic (small-signal) resistance at t = 0

    struct OhmicCase: CustomStringConvertible, Sendable {
        var model: ModelName
        var label: String
        var changes: [String: Double]
        var description: String { "\(model) \(label)" }
    }

    static let ohmicCases: [OhmicCase] = [
        OhmicCase(model: .xu2019, label: "as in the file (ν ≈ 0.5: kinetics-dominated)", changes: [:]),
        OhmicCase(model: .chen2020, label: "as in the file (σ ≈ κ, ν ≈ 1.7)", changes: [:]),
        OhmicCase(model: .xu2019, label: "i₀ × 100, σ = 0.5 S/m (σ_eff ≈ κ_eff, ν ≈ 6.4)",
                  changes: ["Positive electrode exchange-current density [A.m-2]": 423.8098496389228,
                            "Positive electrode conductivity [S.m-1]": 0.5]),
        OhmicCase(model: .chen2020, label: "i₀ × 30, σ = 10⁶ S/m (σ → ∞, ν ≈ 6.5)",
                  changes: ["Positive electrode exchange-current density [A.m-2]": 102.37036553670715,
                            "Positive electrode conductivity [S.m-1]": 1e6]),
    ]

    /// Area-specific resistance [Ω m²] of the cell for a small current at t = 0, from the continuum model:
    ///
    ///     R = L_n/σ_n + RT/(F i₀,Li) + L_s/κ_s + R_comp
    ///
    /// - foil: ohmic L_n/σ_n, and Butler–Volmer η_Li = (2RT/F) asinh(i/2i₀,Li) ≈ i RT/(F i₀,Li);
    /// - separator: no reaction, so the ionic current is i throughout: L_s/κ_s (κ_s = κ ε_s^b);
    /// - composite (transmission line, Newman & Tobias 1962), derived here. At t = 0 the particles are
    ///   uniform, so U is the same everywhere and the linearised reaction is a j = g η with
    ///   g = a i₀ F/RT (j = 2i₀ sinh(Fη/2RT) ≈ i₀ Fη/RT), a = 3ε_s/R. With ξ from the separator (0) to the
    ///   collector (L), ionic current i_e and electronic i_s = i − i_e: i_e′ = a j = g η,
    ///   η′ = φ_s′ − φ_e′ = i_e/κ − i_s/σ, so η″ = g (1/κ + 1/σ) η = (ν/L)² η, with i_e(0) = i,
    ///   i_e(L) = 0, i.e. η′(0) = i/κ and η′(L) = −i/σ. Then η = A cosh(νξ/L) + B sinh(νξ/L) with
    ///   B = iL/(κν), A = −(iL/ν)(1/σ + cosh ν/κ)/sinh ν, and η(L) = −(iL/ν)(cosh ν/σ + 1/κ)/sinh ν.
    ///   The drop from the separator-side electrolyte to the collector is
    ///   φ_s(L) − φ_e(0) − U = η(L) − ∫ i_e/κ dξ, and ∫ i_e dξ = (η(L) − η(0) + iL/σ)/(1/κ + 1/σ) (from the
    ///   η′ relation), which gives (κη(L) + ση(0))/(κ + σ) − iL/(κ + σ), i.e.
    ///
    ///       R_comp = L/(κ + σ) · [1 + (2 + (κ/σ + σ/κ) cosh ν) / (ν sinh ν)],   ν² = g L² (1/κ + 1/σ).
    ///
    ///   Limits: ν → 0 gives 1/(gL) + L/(3(κ + σ)) + …, the uniform-reaction case (for σ → ∞ the
    ///   textbook L/(3κ) plus the charge-transfer resistance); σ → ∞ gives (L/κ) coth ν/ν.
    ///
    /// The finite-volume result differs from this by O(h²) (the composite and separator are resolved
    /// on a fine mesh, 10 + 80 cells) plus the first-order error of the separator|composite face,
    /// ΔR(h_s, h_p) (see `MeshConvergenceTests`), which is added to the expectation.
    static func analyticResistance(_ set: ParameterSet, _ p: CellParameters) -> (total: Double, composite: Double, nu: Double) {
        let (kappaS, kappa, sigma) = effectiveConductivities(set)
        let rtf = gasConstant * p.temperature / faradayConstant
        let y0 = p.positiveInitialConcentration / p.positiveMaximumConcentration
        let i0 = 2 * p.positiveExchangeCurrentDensity * regularisedSquareRoot(y0).value * regularisedSquareRoot(1 - y0).value
        let a = 3 * p.positiveActiveMaterialFraction / p.positiveParticleRadius
        let g = a * i0 / rtf
        let L = p.positiveThickness
        let nu = (g * L * L * (1 / kappa + 1 / sigma)).squareRoot()
        let composite = L / (kappa + sigma) * (1 + (2 + (kappa / sigma + sigma / kappa) * cosh(nu)) / (nu * sinh(nu)))
        let (hs, hp) = (p.separatorThickness / Double(p.separatorMeshPoints), p.positiveThickness / Double(p.positiveMeshPoints))
        let face = (hs + hp) * (hs + hp) / (2 * (hp * kappaS + hs * kappa)) - hs / (2 * kappaS) - hp / (2 * kappa)
        let total = p.negativeThickness / p.negativeConductivity + rtf / p.negativeExchangeCurrentDensity
            + p.separatorThickness / kappaS + composite + face
        return (total, composite, nu)
    }

    /// V(0) at a switched-on current of ±10⁻³C, from IDACalcIC (the concentrations keep their
    /// initial, uniform value), against OCV − I R_analytic / A:
    ///
    /// - at zero current V(0) = OCV = U(y₀) − U_n to 1e-9 V (U with its boundary asymptotes);
    /// - R_model = (V(−I) − V(+I))/(2I) matches R: the whole within 0.05 %, and the composite's part
    ///   (R_model minus the foil, separator and interface terms, which the scheme gets exactly) within
    ///   0.3 % of R_comp. Budget: the Butler–Volmer non-linearity cancels in the symmetric difference
    ///   to O((Fη/2RT)²) ~ 1e-9; IDACalcIC's Newton at rtol 1e-10 resolves V to ≲ 1e-11 V of I R ~ 2e-5 V;
    ///   the O(h²) error of the transmission line on 80 cells scales as (ν/80)² ≈ 7e-3 for ν ≤ 6.5, with
    ///   a small constant. Measured: total 4e-6 … 1.1e-4, composite part 6e-6 … 8.2e-4 (the largest at
    ///   ν ≈ 6.5 with σ → ∞);
    /// - each one-sided (OCV − V(±I))/I agrees with the symmetric R to 1e-4 (linearity).
    @Test("small-current V(0) = OCV − I R (foil + separator + transmission-line composite)", arguments: ohmicCases)
    func ohmicResistance(_ c: OhmicCase) throws {
        let set = try loadParameterSet(c.model.rawValue).with(c.changes)
            .with([MeshKey.separator: 10, MeshKey.positive: 80, MeshKey.particle: 4])
        let p = try CellParameters(set)
        let ocv = p.positiveOCP(p.positiveInitialConcentration / p.positiveMaximumConcentration).value
            + OpenCircuitPotentials.boundaryAsymptotes(p.positiveInitialConcentration / p.positiveMaximumConcentration).value
            - p.negativeOCP
        func initialVoltage(_ amperes: Double) throws -> Double {
            let driver = try CellDriver(p, control: .current(amperes: amperes), relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
            #expect(driver.time == 0)
            #expect(abs(driver.current - amperes) <= 1e-12 * max(abs(amperes), p.nominalCapacity))
            return driver.voltage
        }
        let current = 1e-3 * p.nominalCapacity
        let v0 = try initialVoltage(0)
        #expect(abs(v0 - ocv) < 1e-9, "V at rest \(v0), OCV \(ocv)")
        let (vDischarge, vCharge) = (try initialVoltage(current), try initialVoltage(-current))
        let area = p.totalArea
        let modelR = (vCharge - vDischarge) / (2 * current) * area
        let (expected, composite, nu) = Self.analyticResistance(set, p)
        let error = modelR / expected - 1
        let compositeError = (modelR - (expected - composite)) / composite - 1
        print("ohmic \(c): ν = \(nu), R_model \(modelR) Ω m², analytic \(expected) Ω m², relative error \(error); composite \(composite) Ω m², relative error \(compositeError)")
        #expect(abs(error) < 5e-4, "R_model \(modelR), analytic \(expected)")
        #expect(abs(compositeError) < 3e-3, "composite: model \(modelR - (expected - composite)), analytic \(composite)")
        for (v, sign) in [(vDischarge, 1.0), (vCharge, -1.0)] {
            let oneSided = (ocv - v) / (sign * current) * area
            #expect(abs(oneSided / modelR - 1) < 1e-4, "one-sided \(oneSided) vs \(modelR)")
        }
    }

    // MARK: Diffusion into a sphere at constant flux

    /// Positive roots α₁ < α₂ < … of tan α = α (α_n in (nπ, nπ + π/2)), by bisection of α cos α − sin α.
    static func sphereEigenvalues(_ count: Int) -> [Double] {
        (1...count).map { n in
            var (low, high) = (Double(n) * .pi, (Double(n) + 0.5) * .pi)
            let lowSign = low * cos(low) - sin(low) > 0
            for _ in 0..<200 {
                let mid = 0.5 * (low + high)
                if (mid * cos(mid) - sin(mid) > 0) == lowSign { low = mid } else { high = mid }
            }
            return 0.5 * (low + high)
        }
    }

    /// Surface concentration of a sphere of radius R, uniform c₀ at t = 0, constant inward flux
    /// D ∂c/∂r|_R = N (Crank, The Mathematics of Diffusion, eq. 6.60 at r = R; Carslaw & Jaeger §9.3):
    ///
    ///     c(R, t) − c₀ = (N R/D) [3τ + 1/5 − 2 Σ_n exp(−α_n² τ)/α_n²],   τ = D t/R²,
    ///
    /// — the quasi-steady profile c₀ + (N/D)(3Dt/R + r²/2R − 3R/10) (uniform rise 3N/R, the imposed surface
    /// flux, zero mean deviation) plus the decaying eigenmodes sin(α_n r/R)/r that cancel it at t = 0
    /// (Σ 1/α_n² = 1/10 makes the bracket 0 then, which `sphereSeriesSelfCheck` verifies).
    static func surfaceConcentrationRise(flux: Double, radius: Double, diffusivity: Double, time: Double,
                                         eigenvalues: [Double]) -> Double {
        let tau = diffusivity * time / (radius * radius)
        let series = eigenvalues.reduce(0.0) { $0 + exp(-$1 * $1 * tau) / ($1 * $1) }
        return flux * radius / diffusivity * (3 * tau + 0.2 - 2 * series)
    }

    /// Σ 1/α_n² = 1/10 (the sum to N = 2000 plus the tail Σ_{n>N} 1/((n + ½)π)² ≈ 1/(π² (N + 1)), whose
    /// own error is O(N⁻²) ~ 1e-8), so the series above starts from c₀.
    @Test("constant-flux sphere series: roots of tan α = α, and Σ 1/α_n² = 1/10")
    func sphereSeriesSelfCheck() {
        let alphas = Self.sphereEigenvalues(2000)
        #expect(abs(alphas[0] - 4.493409457909064) < 1e-12)
        #expect(abs(alphas[1] - 7.725251836937707) < 1e-12)
        for alpha in alphas.prefix(50) { #expect(abs(tan(alpha) - alpha) < 1e-9 * alpha * alpha) }
        let sum = alphas.reduce(0.0) { $0 + 1 / ($1 * $1) } + 1 / (Double.pi * Double.pi * 2001)
        #expect(abs(sum - 0.1) < 1e-7, "Σ 1/α² = \(sum)")
    }

    /// 1C discharge of the Xu cell from its uniform initial state, with κ = 10³ S/m and σ = 10⁸ S/m
    /// (the largest values the parameter reader allows) so that every particle carries the same
    /// reaction current (ν² = g L²/κ_eff ≈ 3e-4: the reaction is uniform to ~1e-4), j = −i/(a L): each
    /// particle is a sphere with constant inward flux N = i/(a L F), D constant (1e-14 m²/s), and
    /// R²/D = 2809 s. At τ = 0.02, 0.05, 0.2 (t = 56, 140, 562 s):
    ///
    /// - the mean concentration rises exactly linearly: c̄ = c₀ + 3N t/R = c₀ + I t/(F ε_s L A), to 1e-10
    ///   relative of the rise (the finite-volume balance is exactly conservative, see ConservationTests),
    ///   for the electrode as a whole; each cell's particle within 1e-3 of the rise (uniformity);
    /// - the x-averaged surface concentration matches the series. (With constant D the particle problem
    ///   is linear, so the x-average of the surface concentrations is the sphere's response to the
    ///   x-averaged flux, which is exactly i/(a L F) by charge conservation — the conductivities only
    ///   make each cell agree as well.) Discretisation error of the cell-centred scheme with linearly
    ///   extrapolated surface value: O(Δr²); on 100 radial cells it must be < 1e-3 of the rise, and
    ///   halving Δr from 50 to 100 cells must cut it by 4 ± 1 (second order).
    @Test("constant-current discharge ≙ constant-flux sphere: linear mean, series surface concentration")
    func singleParticleLimit() throws {
        let eigenvalues = Self.sphereEigenvalues(400)
        let taus = [0.02, 0.05, 0.2]
        var errors: [Int: [Double]] = [:]
        for cells in [50, 100] {
            let set = try loadParameterSet(ModelName.xu2019.rawValue).with([
                "Electrolyte conductivity [S.m-1]": 1e3, "Positive electrode conductivity [S.m-1]": 1e8,
                MeshKey.separator: 2, MeshKey.positive: 4, MeshKey.particle: Double(cells)])
            let p = try CellParameters(set)
            let current = p.nominalCapacity
            let driver = try CellDriver(p, control: .current(amperes: current), relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
            let layout = try StateLayout(driver.model)
            let (R, D, c0) = (p.positiveParticleRadius, 1e-14, p.positiveInitialConcentration)
            #expect(set.number("Positive particle diffusivity [m2.s-1]") == D)
            let i = current / p.totalArea
            let a = 3 * p.positiveActiveMaterialFraction / R
            let flux = i / (a * p.positiveThickness * faradayConstant)
            let shell = (0..<cells).map { m in (pow(Double(m + 1), 3) - pow(Double(m), 3)) / pow(Double(cells), 3) }
            for tau in taus {
                let t = tau * R * R / D
                try driver.run(for: t - driver.time)
                let y = driver.state
                let meanRise = 3 * flux * t / R
                #expect(abs(meanRise - current * t / (faradayConstant * p.positiveActiveMaterialFraction * p.positiveThickness * p.totalArea)) < 1e-12 * meanRise)
                let electrodeMean = driver.model.lithiumInParticles(y)
                    / (p.positiveActiveMaterialFraction * p.positiveThickness * p.totalArea)
                #expect(abs(electrodeMean - c0 - meanRise) < 1e-10 * meanRise, "mean rise \(electrodeMean - c0) vs \(meanRise)")
                for j in 0..<layout.np {
                    let cellMean = (0..<cells).reduce(0.0) { $0 + y[layout.concentration(j, 0, $1)] * shell[$1] }
                    #expect(abs(cellMean - c0 - meanRise) < 1e-3 * meanRise, "cell \(j): mean rise \(cellMean - c0) vs \(meanRise)")
                }
                let surfaces = driver.model.surfaceStoichiometry(y).map { $0 * p.positiveMaximumConcentration }
                let averageSurface = surfaces.reduce(0, +) / Double(surfaces.count)   // uniform x mesh
                let expected = Self.surfaceConcentrationRise(flux: flux, radius: R, diffusivity: D, time: t, eigenvalues: eigenvalues)
                let error = (averageSurface - c0) / expected - 1
                errors[cells, default: []].append(error)
                print("sphere N = \(cells), τ = \(tau): surface rise \(averageSurface - c0) mol/m³, series \(expected), relative error \(error); spread over cells \((surfaces.max()! - surfaces.min()!) / expected)")
            }
        }
        for (coarse, fine) in zip(errors[50]!, errors[100]!) {
            #expect(abs(fine) < 1e-3, "surface error \(fine) on 100 cells")
            #expect((3...5).contains(coarse / fine), "error ratio 50 → 100 cells: \(coarse / fine)")
        }
    }
}
