import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import Comparison
@testable import DAESolver
@testable import Fitting
@testable import Impedance
@testable import MeasuredData
@testable import Parameters
@testable import Simulator

/// Issue #20: dZ/dθ of the linearised system (forward sensitivities of a spectrum, the rest state's
/// own shift with θ included) equals finite differences of whole spectra, for keys of every layer
/// that shapes a spectrum, and a spectrum fit with it ends where the finite-difference fit ends.
@Suite("impedance sensitivities", .serialized)
struct ImpedanceSensitivityTests {
    static let zhouMesh: [String: Double] = ["Separator mesh points": 4, "Positive electrode mesh points": 6,
                                            "Positive particle mesh points": 6, "Number of particle contact classes": 4]
    /// 100 kHz … 10 mHz, 22 points.
    static let frequencies = (0..<22).map { pow(10, 5 - Double($0) * 7.0 / 21) }

    /// The model's own spectrum as measured data.
    static func spectrum(_ set: ParameterSet, stateOfCharge: Double?) throws -> MeasuredImpedanceSpectrum {
        let cell = try CellParameters(set)
        let rest = try ImpedanceAnalysis.restingState(parameters: cell, stateOfCharge: stateOfCharge)
        let z = try ImpedanceAnalysis.spectrum(parameters: cell, state: rest.state, derivative: rest.derivative, frequencies: frequencies)
        return MeasuredImpedanceSpectrum(
            frequency: frequencies, real: z.impedance.map(\.real), minusImaginary: z.impedance.map { -$0.imaginary },
            source: MeasuredSource(file: "spectrum", format: .impedanceCSV, currentSign: .dischargePositive, headerLines: 1, skippedLines: 0))
    }

    /// ‖forward − FD‖ / ‖FD‖ of each key's column of ∂r/∂θ at θ moved 0.05 off the data's values
    /// (so that the residuals are not zero). The oracle: central differences of whole spectra at
    /// h = 4·10⁻³ and 2·10⁻³, their O(h²) truncation removed by Richardson extrapolation. (The
    /// spectra's own error is far below: the rest state is converged to 10⁻¹⁰. At h = 2·10⁻² the
    /// O(h⁴) remainder alone was 6·10⁻⁵ for the initial concentration, whose OCV curvature is steep,
    /// falling 16-fold per halving of h: the oracle's error, not the sensitivities'.)
    static func disagreement(model: String, settings: [String: Double], adding: [String: Double] = [:], keys: [String],
                             stateOfCharge: Double?) throws -> [Double] {
        var set = try loadParameterSet(model).with(settings)
        for (key, value) in adding { set[key] = .number(value) }
        let catalogue = try CellParameters(set).catalogue
        let parameters = try keys.map { try FitParameter.parse($0, catalogue: catalogue) }
        var objective = FitObjective(base: set, parameters: parameters,
                                     datasets: [FitDataset(file: "spectrum", content: .impedance(try spectrum(set, stateOfCharge: stateOfCharge),
                                                                                                  stateOfCharge: stateOfCharge))])
        let theta = parameters.map { $0.coordinate($0.initial) + 0.05 }
        let forward = try objective.jacobianColumns(at: theta, method: .forward)
        objective.finiteDifferenceStep = 4e-3
        let coarse = try objective.jacobianColumns(at: theta, method: .finiteDifferences)
        objective.finiteDifferenceStep = 2e-3
        let fine = try objective.jacobianColumns(at: theta, method: .finiteDifferences)
        let oracle = zip(coarse, fine).map { c, f in zip(c, f).map { (4 * $1 - $0) / 3 } }
        return zip(forward, oracle).map { f, d in
            #expect(f.count == d.count && f.count == 2 * frequencies.count)
            let error = zip(f, d).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            return error / d.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
    }

    static func check(_ keys: [String], _ errors: [Double], _ label: String) {
        #expect(errors.count == keys.count)
        for (key, e) in zip(keys, errors) {
            print("\(label): \(key): relative difference \(e)")
            #expect(e < 1e-5, "\(key): relative difference \(e)")
        }
    }

    @Test("Zhou fine cell at its initial concentration: tortuosity (transport), exchange current (kinetics), contact fraction mean and residual pressure (contact mechanics), CAM|SE double layer, and the initial concentration (through the rest state alone) agree to 1e-5")
    func zhouFine() throws {
        let keys = ["Positive electrode tortuosity factor (electrolyte)", "Positive electrode exchange-current density [A.m-2]",
                    "Positive particle contact fraction mean", "Contact residual pressure [MPa]",
                    "Positive electrode double-layer capacity [F.m-2]", "Initial concentration in positive electrode [mol.m-3]"]
        let errors = try Self.disagreement(model: "zhou2025-ncm811-lpsc-fine",
                                           settings: Self.zhouMesh.merging(["Initial concentration in positive electrode [mol.m-3]": 30000]) { $1 },
                                           keys: keys, stateOfCharge: nil)
        Self.check(keys, errors, "Zhou fine")
    }

    @Test("Zhou coarse cell at SOC 0.5: SE conductivity and particle diffusivity (transport), foil exchange current, contact fraction standard deviation, foil double layer agree to 1e-5")
    func zhouCoarse() throws {
        let keys = ["Electrolyte conductivity [S.m-1]", "Positive particle diffusivity [m2.s-1]",
                    "Exchange-current density for lithium metal electrode [A.m-2]", "Positive particle contact fraction standard deviation",
                    "Negative electrode double-layer capacity [F.m-2]"]
        let errors = try Self.disagreement(model: "zhou2025-ncm811-lpsc-coarse", settings: Self.zhouMesh, keys: keys, stateOfCharge: 0.5)
        Self.check(keys, errors, "Zhou coarse")
    }

    @Test("Xu 2019 half cell (with double layers) at SOC 0.3: particle diffusivity, electrolyte conductivity, exchange current, double-layer capacity agree to 1e-5")
    func xuHalfCell() throws {
        let keys = ["Positive particle diffusivity [m2.s-1]", "Electrolyte conductivity [S.m-1]",
                    "Positive electrode exchange-current density [A.m-2]", "Positive electrode double-layer capacity [F.m-2]"]
        let errors = try Self.disagreement(
            model: "xu2019-nmc532-half-cell-t1",
            settings: ["Separator mesh points": 5, "Positive electrode mesh points": 10, "Positive particle mesh points": 10],
            adding: ["Positive electrode double-layer capacity [F.m-2]": 0.1, "Negative electrode double-layer capacity [F.m-2]": 0.1],
            keys: keys, stateOfCharge: 0.3)
        Self.check(keys, errors, "Xu 2019")
    }

    @Test("a noisy spectrum's fit (exchange current, CAM|SE double layer) with dZ/dθ ends where the finite-difference fit ends, in fewer model solves")
    func fitMatchesFiniteDifferences() throws {
        let set = try loadParameterSet("zhou2025-ncm811-lpsc-fine").with(Self.zhouMesh)
            .with(["Initial concentration in positive electrode [mol.m-3]": 30000])
        let clean = try Self.spectrum(set, stateOfCharge: nil)
        var generator = SplitMix64(seed: 21)
        var noisy = clean
        for k in 0..<clean.count {
            let sigma = 0.005 * (clean.real[k] * clean.real[k] + clean.minusImaginary[k] * clean.minusImaginary[k]).squareRoot()
            noisy.real[k] += sigma * SyntheticData.gaussian(&generator)
            noisy.minusImaginary[k] += sigma * SyntheticData.gaussian(&generator)
        }
        let keys = ["Positive electrode exchange-current density [A.m-2]", "Positive electrode double-layer capacity [F.m-2]"]
        var start = set
        start[keys[0]] = .number(2.4)
        start[keys[1]] = .number(0.08)
        let catalogue = try CellParameters(start).catalogue
        let objective = FitObjective(base: start, parameters: try keys.map { try FitParameter.parse($0, catalogue: catalogue) },
                                     datasets: [FitDataset(file: "spectrum", content: .impedance(noisy, stateOfCharge: nil))])
        var fit = ParameterFit(objective: objective)
        fit.sensitivities = .forward
        let forward = try fit.run()
        fit.sensitivities = .finiteDifferences
        let differences = try fit.run()
        print("spectrum fit, forward: \(forward.values), \(forward.best.iterations) iterations, \(forward.modelSolves) solves, \(forward.seconds) s")
        print("spectrum fit, finite differences: \(differences.values), \(differences.best.iterations) iterations, \(differences.modelSolves) solves, \(differences.seconds) s")
        #expect(forward.statistics.identifiable, "\(forward.statistics.problems)")
        // LM stops when S falls by less than 10⁻⁸ S: within ~10⁻³ σ of the minimum either way.
        for j in keys.indices {
            let sigma = try #require(forward.statistics.standardErrors[j])
            #expect(abs(forward.values[j] - differences.values[j]) < 0.01 * sigma,
                    "\(keys[j]): \(forward.values[j]) vs \(differences.values[j]) ± \(sigma)")
            let sigmaFD = try #require(differences.statistics.standardErrors[j])
            #expect(abs(sigma / sigmaFD - 1) < 1e-3, "\(keys[j]): σ \(sigma) vs \(sigmaFD)")
        }
        #expect(abs(forward.best.objective / differences.best.objective - 1) < 1e-6)
        #expect(forward.modelSolves < differences.modelSolves)
    }

    /// Z₊ is read against a reference in the SE at the foil, so it leaves the foil out: the foil's keys
    /// move x (the cell's Z) but not Z₊. Its read-out v₊ = V − φ_e(0) depends on them (φ_e(0) holds
    /// the foil's constriction resistance, exchange current and contact), so dZ₊/dθ = 0 holds only if
    /// (dv₊/dθ)·x cancels v₊·dx/dθ: a test of the read-out's own derivative (without it, dZ₊/dθ
    /// came out as 100 % of dZ/dθ for the contact resistance and 6 % for the initial contact).
    @Test("lithium foil with contact and a contact resistance: dZ/dθ agrees with finite differences to 1e-5 for foil and positive-electrode keys; dZ₊/dθ too, and vanishes for the foil's keys, which the read-out's derivative must cancel")
    func foilContact() throws {
        var set = try loadParameterSet("zhou2025-ncm811-lpsc-coarse").with(Self.zhouMesh)
        let foil: [String: Double] = [NegativeInterfaceParameters.capacityKey: 0.2, "Negative electrode creep rate at 1 MPa [s-1]": 0,
                                      "Negative electrode creep stress exponent": 6.6, "Negative electrode creep activation energy [J.mol-1]": 37_000,
                                      "Negative electrode initial contact fraction": 0.7, "Negative electrode contact resistance [Ohm.m2]": 2e-4]
        for (key, value) in foil { set[key] = .number(value) }
        let foilKeys = ["Negative electrode contact resistance [Ohm.m2]", "Exchange-current density for lithium metal electrode [A.m-2]",
                        "Negative electrode initial contact fraction"]
        let keys = foilKeys + ["Positive electrode exchange-current density [A.m-2]", "Positive particle contact fraction mean"]
        func parameters(_ key: String, _ shift: Double) throws -> CellParameters {
            var shifted = set
            shifted[key] = .number(set.number(key) * exp(shift))
            return try CellParameters(shifted)
        }
        func spectrum(_ cell: CellParameters, _ request: SensitivityRequest? = nil) throws -> ImpedanceSpectrum {
            let rest = try ImpedanceAnalysis.restingStateWithSensitivities(parameters: cell, stateOfCharge: 0.5, sensitivity: request)
            return try ImpedanceAnalysis.spectrum(parameters: cell, state: rest.state, derivative: rest.derivative,
                                                  frequencies: Self.frequencies, sensitivities: rest.sensitivities)
        }
        // θ = ln p, δ = 10⁻⁴ as in a fit.
        let delta = FitObjective.residualDerivativeStep
        let exact = try spectrum(try CellParameters(set), SensitivityRequest(plus: try keys.map { try parameters($0, delta) },
                                                                            minus: try keys.map { try parameters($0, -delta) },
                                                                            steps: keys.map { _ in delta }))
        func norm(_ a: [Complex]) -> Double { a.reduce(0) { $0 + $1.magnitude * $1.magnitude }.squareRoot() }
        func relative(_ a: [Complex], _ b: [Complex]) -> Double { norm(zip(a, b).map { $0 - $1 }) / norm(b) }
        for (i, key) in keys.enumerated() {
            // Richardson-extrapolated central differences of whole spectra, h = 4·10⁻³ and 2·10⁻³.
            func difference(_ h: Double) throws -> (cell: [Complex], positive: [Complex]) {
                let a = try spectrum(try parameters(key, h)), b = try spectrum(try parameters(key, -h))
                return (zip(a.impedance, b.impedance).map { ($0 - $1) / (2 * h) },
                        zip(a.positiveElectrodeImpedance, b.positiveElectrodeImpedance).map { ($0 - $1) / (2 * h) })
            }
            let coarse = try difference(4e-3), fine = try difference(2e-3)
            func extrapolated(_ c: [Complex], _ f: [Complex]) -> [Complex] { zip(c, f).map { (4 * $1 - $0) / 3 } }
            let cell = relative(exact.impedanceSensitivities[i], extrapolated(coarse.cell, fine.cell))
            #expect(cell < 1e-5, "\(key): Z relative difference \(cell)")
            if foilKeys.contains(key) {
                let leak = norm(exact.positiveElectrodeImpedanceSensitivities[i]) / norm(exact.impedanceSensitivities[i])
                print("foil contact: \(key): relative difference Z \(cell); |dZ₊/dθ| / |dZ/dθ| \(leak)")
                #expect(leak < 1e-9, "\(key): dZ₊/dθ \(leak) of dZ/dθ")
            } else {
                let positive = relative(exact.positiveElectrodeImpedanceSensitivities[i], extrapolated(coarse.positive, fine.positive))
                print("foil contact: \(key): relative difference Z \(cell), Z₊ \(positive)")
                #expect(positive < 1e-5, "\(key): Z₊ relative difference \(positive)")
            }
        }
    }
}
