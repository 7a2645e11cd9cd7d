import Foundation
import TestSupport
import Testing
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
}
