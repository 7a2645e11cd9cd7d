import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import CellPhysics
@testable import DAESolver
@testable import Impedance
@testable import OutputFiles
@testable import Parameters
@testable import Validation

/// The Xu 2019 cell with SolidCell's harmonic face rule (exact across the separator | composite face),
/// a given mesh, optional double-layer capacities, and other numeric changes.
func impedanceCell(mesh: (Int, Int, Int), positive: Double, negative: Double,
                   _ changes: [String: Double] = [:]) throws -> CellParameters {
    let cell = ["Separator mesh points": Double(mesh.0), "Positive electrode mesh points": Double(mesh.1),
                "Positive particle mesh points": Double(mesh.2),
                CellParameters.positiveDoubleLayerKey: positive, CellParameters.negativeDoubleLayerKey: negative]
    return try loadModel("xu2019-nmc532-half-cell-t1", cell.merging(changes) { $1 }, removing: ["Face conductivity averaging"])
}

/// Small-signal impedance against closed-form limits of the continuum model and against the
/// time-domain model driven by a small sinusoidal current.
@Suite("Impedance verification")
struct ImpedanceVerificationTests {
    static let rtf = gasConstant * 298.15 / faradayConstant

    /// Effective conductivities of the Xu cell (Bruggeman 1.5 in both phases, at the reference temperature).
    static func conductivities(_ p: CellParameters) -> (separator: Double, ionic: Double, electronic: Double) {
        let kappa = p.electrolyteConductivity
        return (kappa * pow(p.separatorElectrolyteFraction, 1.5), kappa * pow(p.positiveElectrolyteFraction, 1.5),
                p.positiveConductivity * pow(1 - p.positiveElectrolyteFraction, 1.5))
    }

    // MARK: High-frequency intercept

    /// R∞ = lim_{ω→∞} Re Z. At high frequency every double layer is a short circuit (δψ → 0): the foil
    /// interface drops out if it has a capacity (else its charge-transfer resistance RT/(F i₀,Li) stays),
    /// and in the composite the ionic and electronic phases carry the current in parallel, so the
    /// continuum gives
    ///
    ///     R∞ A = L_n/σ_n [+ RT/(F i₀,Li)] + L_s/κ_s + L_p/(κ_p + σ_p).
    ///
    /// The finite-volume model differs by exactly (h_p/2)(1/κ_p − 1/(κ_p + σ_p)): between the separator face
    /// and the first composite node only the ionic phase carries current, and the terminal voltage is
    /// extrapolated from the last two nodes (so the composite contributes h_p/(2κ_p) + (L_p − h_p/2)/(κ_p + σ_p)).
    /// Checked: R∞ equals that discrete value to 1e-9 relative; the difference from the continuum value
    /// halves (ratio 2 ± 1e-6) from 8 to 16 composite cells, so R∞ converges to the analytic intercept at
    /// first order. R∞ is evaluated at 10¹⁰ Hz; an ordinary spectrum point at 100 MHz (ωτ ≈ 10⁴ for the
    /// foil's arc) has Re Z within 1e-6 of it and −Im Z below 1 % of it.
    @Test("high-frequency intercept = foil + separator + composite ohmic resistance", arguments: [0.05, 0.0])
    func highFrequencyIntercept(foilCapacity: Double) throws {
        var differences: [Double] = []
        for cells in [8, 16] {
            let p = try impedanceCell(mesh: (6, cells, 6), positive: 0.2, negative: foilCapacity)
            let rest = try ImpedanceAnalysis.restingState(parameters: p, stateOfCharge: 0.5)
            let spectrum = try ImpedanceAnalysis.spectrum(parameters: p, state: rest.state, frequencies: [1e8])
            let (kappaS, kappa, sigma) = Self.conductivities(p)
            let h = p.positiveThickness / Double(cells)
            let foil = p.negativeThickness / p.negativeConductivity + (foilCapacity > 0 ? 0 : Self.rtf / p.negativeExchangeCurrentDensity)
            let continuum = (foil + p.separatorThickness / kappaS + p.positiveThickness / (kappa + sigma)) / p.totalArea
            let discrete = continuum + h / 2 * (1 / kappa - 1 / (kappa + sigma)) / p.totalArea
            let r = spectrum.highFrequencyResistance
            print("R∞ (C_n = \(foilCapacity), \(cells) cells): \(r) Ω; discrete analytic \(discrete) Ω, continuum \(continuum) Ω")
            #expect(abs(r - discrete) <= 1e-9 * discrete, "R∞ \(r) Ω vs discrete \(discrete) Ω")
            #expect(abs(spectrum.impedance[0].real - r) <= 1e-6 * r, "Re Z(100 MHz) \(spectrum.impedance[0].real) vs R∞ \(r)")
            #expect(abs(spectrum.impedance[0].imaginary) <= 1e-2 * r)
            differences.append(r - continuum)
        }
        #expect(differences[0] > 0 && abs(differences[0] / differences[1] - 2) < 1e-6, "R∞ − continuum: \(differences)")
    }

    // MARK: Charge-transfer arc

    /// One fully contacted particle class, fast transport everywhere (D = 10⁻⁹ m²/s, κ = σ = 10³ S/m:
    /// ν² ≈ 1e-4) and no foil capacity: the cell is R∞ in series with a Randles interface,
    ///
    ///     Z = R∞ + [1/(R_ct + Z_D(ω)) + iω C_dl]⁻¹,   R_ct = RT/(F i₀ a L A),   C_dl = C a L A,
    ///     Z_D = R_D,s tanh λ/(λ − tanh λ) / (a L A),   R_D,s = −(dU/dc) R/(F D),   λ = R √(iω/D),
    ///
    /// with i₀ = 2 i₀,ref √(y(1 − y)) at the SOC-0.5 stoichiometry and a = 3ε_s/R (the analytic A_active = a L A).
    /// Checks: the arc diameter lim_{ω→0} Re Z − R∞ (at 10⁻⁵ Hz, where the chemical capacity's correction
    /// 2C_dl/C_chem is ~1e-5) equals R_ct to 1e-3, and equals R_ct plus the diffusion share R_D,s/(5 a L A)
    /// and the transmission line's R_comp(ν) − 1/(gL) − L/(κ + σ) (both ~1e-5 of R_ct) to 1e-4; the whole
    /// spectrum from 10⁻⁴ to 10⁶ Hz matches the formula to 1e-3 R_ct; the arc's top is at 1/(2π R_ct C_dl)
    /// (within the grid's 1/80 decade) with height R_ct/2 (to 1 %); and the valley-based arc width
    /// (`ImpedanceSpectrum.chargeTransferResistance`) is within 2 %.
    /// (Not "σ → ∞": with σ = 10⁸ S/m the electronic rows' σ/h² ~ 10¹⁸ beside reaction terms ~ 10⁷ cost
    /// the factorisation ~11 digits, and at 10⁻⁶ Hz, where |Z| ≈ 10³ Re Z, the real part is then lost.)
    @Test("arc diameter = RT/(F i₀ A_active) with one class and fast diffusion")
    func chargeTransferArc() throws {
        let p = try impedanceCell(mesh: (4, 8, 8), positive: 0.2, negative: 0, [
            "Positive particle diffusivity [m2.s-1]": 1e-9, "Electrolyte conductivity [S.m-1]": 1e3,
            "Positive electrode conductivity [S.m-1]": 1e3])
        let model = P2DModel(parameters: p)
        let rest = try ImpedanceAnalysis.restingState(parameters: p, stateOfCharge: 0.5)
        let y = model.stoichiometry(atStateOfCharge: 0.5)
        let area = p.totalArea
        let aL = 3 * p.positiveActiveMaterialFraction / p.positiveParticleRadius * p.positiveThickness
        let i0 = 2 * p.positiveExchangeCurrentDensity * regularisedSquareRoot(y).value * regularisedSquareRoot(1 - y).value
        let rct = Self.rtf / (i0 * aL * area)
        let cdl = p.positiveDoubleLayerCapacity * aL * area
        let dUdc = (model.openCircuitVoltage(stoichiometry: y + 1e-6) - model.openCircuitVoltage(stoichiometry: y - 1e-6))
            / (2e-6 * p.positiveMaximumConcentration)
        let radius = p.positiveParticleRadius, d = 1e-9
        let diffusion = -dUdc * radius / (faradayConstant * d) / (aL * area)
        let (_, kappa, sigma) = Self.conductivities(p)
        let g = i0 * 3 * p.positiveActiveMaterialFraction / p.positiveParticleRadius / Self.rtf
        let L = p.positiveThickness
        let nu = (g * L * L * (1 / kappa + 1 / sigma)).squareRoot()
        let composite = L / (kappa + sigma) * (1 + (2 + (kappa / sigma + sigma / kappa) * cosh(nu)) / (nu * sinh(nu)))
        let transmission = (composite - 1 / (g * L) - L / (kappa + sigma)) / area
        func analytic(_ frequency: Double, _ rInfinity: Double) -> Complex {
            let omega = 2 * Double.pi * frequency
            let lambda = complexSqrt(Complex(0, omega * radius * radius / d))
            let t = complexTanh(lambda)
            let zd = diffusion * (t / (lambda - t))
            return Complex(rInfinity) + .one / (.one / (Complex(rct) + zd) + Complex(0, omega * cdl))
        }
        let frequencies = FrequencyGrid(minimum: 1e-4, maximum: 1e6, count: 401).frequencies
        let spectrum = try ImpedanceAnalysis.spectrum(parameters: p, state: rest.state, frequencies: frequencies + [1e-5])
        let rInfinity = spectrum.highFrequencyResistance
        let diameter = spectrum.impedance.last!.real - rInfinity
        let expected = rct + diffusion / 5 + transmission
        print("arc: R_ct analytic \(rct) Ω (+ diffusion \(diffusion / 5), transmission \(transmission)), diameter \(diameter) Ω, relative error \(diameter / expected - 1)")
        #expect(abs(diameter / rct - 1) < 1e-3, "diameter \(diameter) Ω vs R_ct \(rct) Ω")
        #expect(abs(diameter / expected - 1) < 1e-4, "diameter \(diameter) Ω vs \(expected) Ω")
        var worst = 0.0
        for (frequency, z) in zip(spectrum.frequencies, spectrum.impedance).dropLast() {
            worst = max(worst, (z - analytic(frequency, rInfinity)).magnitude / rct)
        }
        print("arc: largest |Z − Z_Randles| / R_ct over 1e-4 … 1e6 Hz: \(worst)")
        #expect(worst < 1e-3)
        let top = try #require(spectrum.arcs.first)
        let apex = 1 / (2 * Double.pi * rct * cdl)
        #expect(spectrum.arcs.count == 1)
        #expect(abs(log10(top.apexFrequency / apex)) <= 1.0 / 80 + 1e-9, "arc top at \(top.apexFrequency) Hz, 1/(2π R_ct C_dl) = \(apex) Hz")
        #expect(abs(top.apexReactance / (rct / 2) - 1) < 0.01, "arc height \(top.apexReactance) Ω vs R_ct/2 = \(rct / 2) Ω")
        let width = try #require(spectrum.chargeTransferResistance)
        print("arc: valley-based width \(width) Ω (\(width / rct - 1) from R_ct)")
        #expect(abs(width / rct - 1) < 0.02)
    }

    // MARK: Low-frequency tail

    /// Slow solid diffusion (D = 10⁻¹⁴ m²/s, R²/D = 2809 s) behind a small, fast arc (i₀ × 100, κ = σ = 10³
    /// S/m) on 300 radial cells, at SOC 0.5. Continuum: Z = R∞ + [1/(R_ct′ + Z_D) + iωC_dl]⁻¹ with the
    /// spherical diffusion impedance Z_D = R_D,s tanh λ/(λ − tanh λ)/(a L A), λ = R√(iω/D), which runs
    ///
    /// - Warburg for |λ| ≫ 1: Z_D → W (1 − i)/√ω, phase −45°, |Z_D| ∝ ω^{−1/2}, reached as 1 + 1/λ;
    /// - capacitive for |λ| ≪ 1: Z_D → R_D,s/(5 a L A) + 1/(iω C_chem), C_chem = F ε_s L A c_max/|dU/dy|.
    ///
    /// Checks (R_ct′ = the composite's DC minus HF resistance, i.e. R_ct plus its tiny transport share):
    /// 1. the model follows the continuum from 10⁻⁶ to 0.05 Hz (diffusion length √(D/ω) ≥ 10 Δr) within 1 %
    ///    of |Z − R∞| (the radial mesh's finite-volume error; measured 0.33 %);
    /// 2. Warburg: Z_D,model = Z − R∞ − R_ct′ has, over |λ| = 10 … 30, a phase within 0.3° of the
    ///    continuum's (measured ≤ 0.2°) that rises monotonically towards −45° and ends within 2° of it
    ///    (the continuum is at −46.4° there), and |Z_D| falls as f^{−0.5 ± 0.03} over the band's upper half;
    /// 3. capacitive: at f ≤ 10⁻⁶ Hz, −Im Z ω C_chem = 1 to 1e-3, and Re Z is the DC resistance
    ///    R∞ + R_ct′ + R_D,s/(5aLA) to 1 % of |Im Z| (phase −90° within 0.6°).
    @Test("low-frequency tail: Warburg (−45°), then capacitive (−90°)")
    func lowFrequencyTail() throws {
        let radial = 300
        let p = try impedanceCell(mesh: (4, 6, radial), positive: 0.2, negative: 0, [
            "Positive electrode exchange-current density [A.m-2]": 423.8, "Electrolyte conductivity [S.m-1]": 1e3,
            "Positive electrode conductivity [S.m-1]": 1e3])
        let model = P2DModel(parameters: p)
        let rest = try ImpedanceAnalysis.restingState(parameters: p, stateOfCharge: 0.5)
        let f = FrequencyGrid(minimum: 1e-6, maximum: 1e-1, count: 101).frequencies
        let spectrum = try ImpedanceAnalysis.spectrum(parameters: p, state: rest.state, frequencies: f)
        let z = spectrum.impedance
        let rInfinity = spectrum.highFrequencyResistance

        let y = model.stoichiometry(atStateOfCharge: 0.5)
        let area = p.totalArea, L = p.positiveThickness, radius = p.positiveParticleRadius, d = 1e-14
        let aL = 3 * p.positiveActiveMaterialFraction / radius * L
        let i0 = 2 * p.positiveExchangeCurrentDensity * regularisedSquareRoot(y).value * regularisedSquareRoot(1 - y).value
        let (_, kappa, sigma) = Self.conductivities(p)
        let g = i0 * aL / L / Self.rtf
        let nu = (g * L * L * (1 / kappa + 1 / sigma)).squareRoot()
        let rct = (L / (kappa + sigma) * (2 + (kappa / sigma + sigma / kappa) * cosh(nu)) / (nu * sinh(nu))) / area
        let dUdy = (model.openCircuitVoltage(stoichiometry: y + 1e-6) - model.openCircuitVoltage(stoichiometry: y - 1e-6)) / 2e-6
        let diffusion = -dUdy / p.positiveMaximumConcentration * radius / (faradayConstant * d) / (aL * area)
        let cdl = p.positiveDoubleLayerCapacity * aL * area
        let chemical = faradayConstant * p.positiveActiveMaterialFraction * L * area * p.positiveMaximumConcentration / abs(dUdy)
        func lambda(_ frequency: Double) -> Complex { complexSqrt(Complex(0, 2 * Double.pi * frequency * radius * radius / d)) }
        func diffusionImpedance(_ frequency: Double) -> Complex {
            let l = lambda(frequency), t = complexTanh(l)
            return diffusion * (t / (l - t))
        }
        func analytic(_ frequency: Double) -> Complex {
            .one / (.one / (Complex(rct) + diffusionImpedance(frequency)) + Complex(0, 2 * Double.pi * frequency * cdl))
        }

        // 1. Continuum.
        let resolved = f.indices.filter { (d / (2 * Double.pi * f[$0])).squareRoot() >= 10 * radius / Double(radial) }
        var worst = 0.0
        for k in resolved {
            let expected = analytic(f[k])
            worst = max(worst, (z[k] - Complex(rInfinity) - expected).magnitude / expected.magnitude)
        }
        print("low-frequency tail: largest |Z − Z_continuum| / |Z − R∞| up to \(f[resolved.last!]) Hz: \(worst)")
        #expect(resolved.count > 90 && worst < 0.01)

        // 2. Warburg.
        let band = f.indices.filter { (10...30).contains(lambda(f[$0]).magnitude) }
        try #require(band.count >= 15)
        let phases = band.map { (z[$0] - Complex(rInfinity + rct)).phase * 180 / Double.pi }
        let continuumPhases = band.map { diffusionImpedance(f[$0]).phase * 180 / Double.pi }
        let phaseError = zip(phases, continuumPhases).map { abs($0 - $1) }.max()!
        print("Warburg: largest |phase − continuum phase| \(phaseError)°")
        #expect(phaseError < 0.3)
        print("Warburg band \(f[band.first!])–\(f[band.last!]) Hz: phase of Z_D \(phases.first!)° … \(phases.last!)° (continuum \(diffusionImpedance(f[band.first!]).phase * 180 / .pi)° … \(diffusionImpedance(f[band.last!]).phase * 180 / .pi)°)")
        #expect(zip(phases, phases.dropFirst()).allSatisfy { $0 <= $1 }, "phase should rise towards −45° with frequency: \(phases)")
        #expect(abs(phases.last! + 45) < 2 && phases.allSatisfy { $0 < -45 }, "phases \(phases)")
        let (k1, k2) = (band[band.count / 2], band.last!)
        let decay = log((z[k2] - Complex(rInfinity + rct)).magnitude / (z[k1] - Complex(rInfinity + rct)).magnitude) / log(f[k2] / f[k1])
        print("Warburg band: |Z_D| ∝ f^\(decay)")
        #expect(abs(decay + 0.5) < 0.03, "|Z_D| ∝ f^\(decay)")

        // 3. Capacitive.
        let dc = rInfinity + rct + diffusion / 5
        for k in f.indices where f[k] <= 1e-6 * (1 + 1e-12) {
            let product = -z[k].imaginary * 2 * Double.pi * f[k] * chemical
            print("capacitive at \(f[k]) Hz: −Im Z ω C_chem = \(product), (Re Z − R_DC)/|Im Z| = \((z[k].real - dc) / abs(z[k].imaginary))")
            #expect(abs(product - 1) < 1e-3, "f = \(f[k]) Hz: −Im Z ω C_chem = \(product)")
            #expect(abs(z[k].real - dc) < 0.01 * abs(z[k].imaginary), "Re Z \(z[k].real) vs R_DC \(dc)")
        }
    }

    // MARK: Time-domain cross-check

    /// A P2D model whose set current is I(t) = δI sin ωt (the control row reads i A − δI sin ωt).
    struct SinusoidallyDriven: DAESystem {
        var model: P2DModel
        var amplitude: Double
        var omega: Double
        var stateCount: Int { model.stateCount }
        var differentialMask: [Bool] { model.differentialMask }
        var jacobianPattern: SparsityPattern { model.jacobianPattern }

        mutating func residual(time: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeBufferPointer<Double>,
                               into residual: UnsafeMutableBufferPointer<Double>) throws {
            try model.residual(time: time, state: state, derivative: derivative, into: residual)
            residual[model.controlEquationIndex] -= amplitude * sin(omega * time)
        }

        mutating func jacobian(time: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeBufferPointer<Double>,
                               cj: Double, into values: UnsafeMutableBufferPointer<Double>) throws {
            try model.jacobian(time: time, state: state, derivative: derivative, cj: cj, into: values)
        }
    }

    /// The impedance from the time-domain model: from rest at SOC 0.5, drive I = δI sin ωt (δI giving
    /// |δV| ≈ 0.5 mV), integrate 10 periods with IDA (rtol 1e-9, absolute 1e-10 of each unknown's scale:
    /// tighter makes IDA's error test fail at the first step, the residual rows of ~10¹⁰ leaving no
    /// more digits), and least-squares fit
    /// V(t) = c₀ + c₁t + c₂t² + a sin ωt + b cos ωt over the last 4 (the polynomial absorbs the slow
    /// relaxation of the charge offset δI/ω that a sine started at zero leaves). Then δV = a + ib and
    /// Z_td = −δV/δI.
    static func timeDomainImpedance(_ p: CellParameters, state: [Double], frequency: Double, amplitude: Double) throws -> Complex {
        var model = P2DModel(parameters: p)
        model.control = .current(amperes: 0)
        let omega = 2 * Double.pi * frequency
        let system = SinusoidallyDriven(model: model, amplitude: amplitude, omega: omega)
        let solver = try IDASolver(system: system, time: 0, state: state, derivative: [Double](repeating: 0, count: state.count),
                                   options: model.solverOptions(relativeTolerance: 1e-9, absoluteTolerance: 1e-10))
        try solver.computeConsistentInitialConditions(firstOutputTime: 0.01 / frequency)
        let period = 1 / frequency, samples = 64
        var times: [Double] = [], voltages: [Double] = []
        for n in 1...(10 * samples) {
            let t = Double(n) * period / Double(samples)
            try solver.advance(to: t)
            if n > 6 * samples {
                times.append(t)
                voltages.append(model.voltage(solver.state))
            }
        }
        let t0 = times[0]
        let basis: [(Double) -> Double] = [{ _ in 1 }, { ($0 - t0) * frequency }, { pow(($0 - t0) * frequency, 2) },
                                           { sin(omega * $0) }, { cos(omega * $0) }]
        let coefficients = leastSquares(times.map { t in basis.map { $0(t) } }, voltages)
        return Complex(-coefficients[3], -coefficients[4]) / amplitude
    }

    /// Normal equations with Gaussian elimination (5 unknowns, well conditioned on whole periods).
    static func leastSquares(_ rows: [[Double]], _ values: [Double]) -> [Double] {
        let n = rows[0].count
        var a = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
        for (row, value) in zip(rows, values) {
            for i in 0..<n {
                for j in 0..<n { a[i][j] += row[i] * row[j] }
                a[i][n] += row[i] * value
            }
        }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            for row in 0..<n where row != column {
                let factor = a[row][column] / a[column][column]
                for k in column...n { a[row][k] -= factor * a[column][k] }
            }
        }
        return (0..<n).map { a[$0][n] / a[$0][$0] }
    }

    /// Frequency domain vs time domain on the Xu cell with both double layers and D = 10⁻¹² m²/s, at three
    /// frequencies: in the diffusion tail (0.05 Hz), at the charge-transfer arc's top and ten times above
    /// it. Budget: IDA at rtol 1e-9 resolves V (≈ 3.8 V) to ~1e-8 V of a 5e-4 V signal (2e-5); the
    /// Butler–Volmer and OCV non-linearities enter the fundamental at third order, (Fη/2RT)²/6 ≈ 2e-5 at
    /// η ≲ 0.5 mV; the quadratic trend absorbs the slow relaxation to ≲ 1e-5. Required: |Z_td − Z| ≤ 1e-4 |Z|
    /// (measured 1.4e-6 … 1e-5).
    @Test("impedance = small-sinusoid time-domain response (3 frequencies)")
    func timeDomainCrossCheck() throws {
        let p = try impedanceCell(mesh: (4, 6, 10), positive: 0.2, negative: 0.05, ["Positive particle diffusivity [m2.s-1]": 1e-12])
        let rest = try ImpedanceAnalysis.restingState(parameters: p, stateOfCharge: 0.5)
        let survey = try ImpedanceAnalysis.spectrum(parameters: p, state: rest.state,
                                                    frequencies: FrequencyGrid(minimum: 1e-2, maximum: 1e5, count: 71).frequencies)
        let apex = try #require(survey.positiveElectrodeArcs.first).apexFrequency
        let frequencies = [0.05, apex, 10 * apex]
        let spectrum = try ImpedanceAnalysis.spectrum(parameters: p, state: rest.state, frequencies: frequencies)
        for (frequency, z) in zip(frequencies, spectrum.impedance) {
            let amplitude = 5e-4 / z.magnitude
            let measured = try Self.timeDomainImpedance(p, state: rest.state, frequency: frequency, amplitude: amplitude)
            let error = (measured - z).magnitude / z.magnitude
            print("time domain at \(frequency) Hz: Z = \(z) Ω, time-domain \(measured) Ω, relative difference \(error)")
            #expect(error <= 1e-4, "at \(frequency) Hz: frequency domain \(z), time domain \(measured)")
        }
    }
}

func complexSqrt(_ z: Complex) -> Complex {
    let r = z.magnitude.squareRoot(), theta = z.phase / 2
    return Complex(r * cos(theta), r * sin(theta))
}

/// tanh z = (1 − e^{−2z})/(1 + e^{−2z}) for Re z ≥ 0 (no overflow).
func complexTanh(_ z: Complex) -> Complex {
    let decay = exp(-2 * z.real)
    let e = Complex(decay * cos(-2 * z.imaginary), decay * sin(-2 * z.imaginary))
    return (.one - e) / (.one + e)
}

/// Frequency grids, arcs and the CSV format.
@Suite("Impedance spectra and their files")
struct ImpedanceSpectrumTests {
    @Test("\"FMIN:FMAX:N\" gives N log-spaced frequencies from FMIN to FMAX")
    func frequencyGrid() throws {
        let grid = try FrequencyGrid(parsing: "1e-3:1e6:10")
        let f = grid.frequencies
        #expect(f.count == 10 && f.first == 1e-3 && f.last == 1e6)
        for k in 1..<f.count { #expect(abs(log10(f[k] / f[k - 1]) - 1) < 1e-12) }
        #expect(try FrequencyGrid(parsing: " 0.1 : 100 : 2 ").frequencies == [0.1, 100])
    }

    @Test("bad frequency grids name what is wrong and what is allowed", arguments: [
        ("1e-3:1e6", "three fields"), ("a:1e6:10", "FMIN \"a\" is not a number"), ("1:x:10", "FMAX \"x\""),
        ("1:10:2.5", "N \"2.5\" is not a whole number"), ("0:10:5", "FMIN 0 Hz is out of range"),
        ("1:1e10:5", "FMAX 1e10 Hz is out of range"), ("10:1:5", "FMIN must be below FMAX"), ("1:10:1", "N = 1 is out of range"),
        ("1:10:100000", "N = 100000"), ("nan:10:5", "FMIN \"nan\" is not a number"), ("1:inf:5", "FMAX \"inf\" is not a number")])
    func badFrequencyGrid(_ text: String, _ problem: String) {
        do {
            _ = try FrequencyGrid(parsing: text)
            Issue.record("\"\(text)\" accepted")
        } catch {
            #expect(error.description.contains(problem), "\(error)")
            #expect(error.description.contains("allowed: FMIN:FMAX:N"))
            #expect(!error.description.contains("\n"))
        }
    }

    /// Two RC arcs in series (R₀ + R₁/(1 + iωR₁C₁) + R₂/(1 + iωR₂C₂), time constants 10⁴ apart) with a
    /// series capacitor below them: two arcs of widths R₁ and R₂ (within 2 %), apexes at 1/(2πRC).
    @Test("arcs of a synthetic two-arc spectrum")
    func syntheticArcs() {
        let (r0, r1, c1, r2, c2, cs) = (5.0, 20.0, 1e-6, 8.0, 1e-2, 50.0)
        let f = FrequencyGrid(minimum: 1e-4, maximum: 1e7, count: 221).frequencies
        let z = f.map { frequency -> Complex in
            let w = 2 * Double.pi * frequency
            return Complex(r0) + Complex(r1) / Complex(1, w * r1 * c1) + Complex(r2) / Complex(1, w * r2 * c2) + .one / Complex(0, w * cs)
        }
        let arcs = ImpedanceArc.arcs(frequencies: f, impedance: z, highFrequencyResistance: r0)
        #expect(arcs.count == 2)
        guard arcs.count == 2 else { return }
        #expect(abs(arcs[0].width / r1 - 1) < 0.02, "\(arcs[0])")
        #expect(abs(arcs[1].width / r2 - 1) < 0.02, "\(arcs[1])")
        #expect(abs(log10(arcs[0].apexFrequency * 2 * Double.pi * r1 * c1)) < 0.03)
        #expect(abs(log10(arcs[1].apexFrequency * 2 * Double.pi * r2 * c2)) < 0.03)
        // A spectrum cut off before the second valley reports only the first arc.
        let cut = f.indices.filter { f[$0] > 1 }
        #expect(ImpedanceArc.arcs(frequencies: cut.map { f[$0] }, impedance: cut.map { z[$0] }, highFrequencyResistance: r0).count == 1)
    }

    @Test("impedance.csv has the three documented columns, −Im Z positive for a capacitive arc")
    func csv() throws {
        var spectrum = ImpedanceSpectrum()
        spectrum.frequencies = [1000, 1]
        spectrum.impedance = [Complex(1.5, -0.25), Complex(3, -2)]
        let text = OutputWriter.impedanceCSV(spectrum)
        #expect(text == "Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]\n1000.0,1.5,0.25\n1.0,3.0,2.0\n")
        let svg = SVGPlot.nyquist(spectrum)
        #expect(svg.hasPrefix("<svg") && svg.contains("Re(Z) [Ohm]") && svg.contains("<polyline") && svg.contains("<circle"))
    }
}

/// The impedance validation cases (`PublishedData.zhouImpedance`) run and pass: the coarse/fine ratio of the
/// charge-transfer arcs of the fresh Zhou cells within 30 % of 17.3/9.9, and each arc width within 30 %.
@Suite("Impedance validation cases")
struct ImpedanceValidationTests {
    @Test("Zhou 2025 fresh cells: R_ct from the spectra")
    func zhouFreshCells() {
        let rows = ValidationSuite.run(PublishedData.zhouImpedance(), context: ValidationContext(repositoryRoot: repositoryRoot))
        #expect(rows.count == 3)
        for row in rows {
            print("validation: \(row.validationCase.quantity): simulated \(row.simulated), published \(row.validationCase.published)")
            #expect(row.passed, "\(row.validationCase.quantity): \(row.error ?? "\(row.simulated) vs \(row.validationCase.published)")")
        }
    }
}
