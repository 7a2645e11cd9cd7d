import Foundation
import TestSupport
import Testing
@testable import Comparison
@testable import Fitting
@testable import MeasuredData
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// Issue #20: the forward sensitivities of a replayed log equal finite differences of whole runs,
/// for keys of every layer that acts within a run.
@Suite("fit sensitivities", .serialized)
struct SensitivityAgreementTests {
    /// ‖forward − FD‖ / ‖FD‖ of each column at the start values, for a synthetic log.
    static func disagreement(model: String, mesh: [String: Double], keys: [String], experiment: String) throws -> [Double] {
        let set = try loadParameterSet(model).with(mesh)
        var generator = SplitMix64(seed: 1)
        let series = try SyntheticData.log(set, experiment: experiment, generator: &generator)
        return try disagreement(set, keys: keys, dataset: FitDataset(file: "log", content: .timeSeries(series)))
    }

    /// ‖forward − FD‖ / ‖FD‖ of each column of one dataset's residuals, at the keys' start values
    /// moved by 0.05 in θ (so that the residuals are not zero).
    static func disagreement(_ set: ParameterSet, keys: [String], dataset: FitDataset) throws -> [Double] {
        let catalogue = try CellParameters(set).catalogue
        let parameters = try keys.map { try FitParameter.parse($0, catalogue: catalogue) }
        var objective = FitObjective(base: set, parameters: parameters, datasets: [dataset], initialState: .modelInitialConcentration)
        objective.options.relativeTolerance = 1e-8
        objective.options.absoluteTolerance = 1e-10
        let theta = parameters.map { $0.coordinate($0.initial) + 0.05 }
        let forward = try objective.jacobianColumns(at: theta, method: .forward)
        // The oracle needs runs far more accurate than its step (an error ε in a run is ε/h in the
        // difference): h = 10⁻², truncation error O(h²) removed by Richardson extrapolation.
        var oracle = objective
        oracle.options.relativeTolerance = 1e-12
        oracle.options.absoluteTolerance = 1e-14
        oracle.finiteDifferenceStep = 2e-2
        let coarse = try oracle.jacobianColumns(at: theta, method: .finiteDifferences)
        oracle.finiteDifferenceStep = 1e-2
        let fine = try oracle.jacobianColumns(at: theta, method: .finiteDifferences)
        let differences = zip(coarse, fine).map { c, f in zip(c, f).map { (4 * $1 - $0) / 3 } }
        return zip(forward, differences).map { f, d in
            let error = zip(f, d).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            return error / d.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
    }

    @Test("Xu 2019 half cell: particle diffusivity (transport), exchange current (kinetics), electrolyte conductivity agree to 1e-5")
    func transportAndKinetics() throws {
        let errors = try Self.disagreement(
            model: "xu2019-nmc532-half-cell-t1",
            mesh: ["Separator mesh points": 5, "Positive electrode mesh points": 10, "Positive particle mesh points": 10],
            keys: ["Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]",
                   "Electrolyte conductivity [S.m-1]"],
            experiment: "Rest for 5 minutes; Discharge at 1C until 3.5 V; Rest for 10 minutes; Charge at 0.5C for 20 minutes; Rest for 5 minutes")
        for e in errors { #expect(e < 1e-5, "relative difference \(e)") }
    }
}

extension SensitivityAgreementTests {
    @Test("Zhou 2025 fine cell: contact fraction mean and residual pressure (contact mechanics), SE oxidation rate (degradation within a run), tortuosity agree to 1e-5")
    func contactMechanicsAndDegradation() throws {
        let errors = try Self.disagreement(
            model: "zhou2025-ncm811-lpsc-fine",
            // The oxidation at 10⁻⁶ A/m² rather than the file's fitted 2.6 × 10⁻⁷: at the fitted rate its
            // effect on this one-hour log is so small that the oracle's own error (its runs' rtol over
            // its step, 10⁻¹²/10⁻²) is 10⁻⁵ of the column.
            mesh: ["Separator mesh points": 4, "Positive electrode mesh points": 6, "Positive particle mesh points": 6,
                   "Number of particle contact classes": 4, "Solid electrolyte oxidation current density [A.m-2]": 1e-6],
            keys: ["Positive particle contact fraction mean", "Contact residual pressure [MPa]",
                   "Solid electrolyte oxidation current density [A.m-2]", "Positive electrode tortuosity factor (electrolyte)"],
            experiment: "Rest for 5 minutes; Charge at 0.5C until 4.3 V; Rest for 10 minutes; Discharge at 0.5C for 30 minutes; Rest for 5 minutes")
        print("Zhou fine sensitivities: \(errors)")
        for e in errors { #expect(e < 1e-5, "relative difference \(e)") }
    }
}

extension SensitivityAgreementTests {
    /// ‖forward − FD‖ / ‖FD‖ of each column of a per-cycle capacity table at the start values.
    static func tableDisagreement(model: String, mesh: [String: Double], keys: [String], experiment text: String,
                                  cycles: Int) throws -> [Double] {
        let set = try loadParameterSet(model).with(mesh)
        let experiment = try Experiment(parsing: text)
        var generator = SplitMix64(seed: 1)
        let table = try SyntheticData.capacityTable(set, experiment: experiment, cycles: cycles, generator: &generator)
        return try disagreement(set, keys: keys,
                                dataset: FitDataset(file: "table", content: .cycles(table, experiment: experiment, profiles: [:])))
    }

    @Test("capacity table whose fade is the interphase grown within the DAE (Ohno 2026 LTVO, 3 cycles): interphase conductivity (degradation), contact mean (contact mechanics), diffusivity (transport), exchange current (kinetics) agree to 1e-5")
    func capacityTable() throws {
        let errors = try Self.tableDisagreement(
            model: "ohno2026-ltvo-lpscl-liin",
            mesh: ["Separator mesh points": 4, "Positive electrode mesh points": 5, "Positive particle mesh points": 6,
                   "Number of particle contact classes": 3],
            keys: ["Interphase ionic conductivity [S.m-1]", "Positive particle contact fraction mean",
                   "Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]"],
            experiment: "Charge at 1C until 3.7 V; Discharge at 1C until 1 V", cycles: 3)
        for e in errors { #expect(e < 1e-5, "relative difference \(e)") }
    }
}

extension SensitivityAgreementTests {
    @Test("capacity table whose fade is contact damage raised between cycles (Zhou 2025 fine cell, 30 MPa, 5 cycles, current crowding on): damage rate and its pressure exponent (degradation), contact mean (contact mechanics), diffusivity (transport), exchange current (kinetics) agree to 1e-5")
    func capacityTableWithContactDamage() throws {
        let errors = try Self.tableDisagreement(
            model: "zhou2025-ncm811-lpsc-fine",
            mesh: ["Separator mesh points": 4, "Positive electrode mesh points": 5, "Positive particle mesh points": 6,
                   "Number of particle contact classes": 4, "Stack pressure [MPa]": 30],
            keys: ["Contact damage rate per cycle", "Contact damage pressure exponent", "Positive particle contact fraction mean",
                   "Positive particle diffusivity [m2.s-1]", "Positive electrode exchange-current density [A.m-2]"],
            experiment: "Charge at 0.5C until 4.3 V; Discharge at 0.5C until 2.5 V", cycles: 5)
        for e in errors { #expect(e < 1e-5, "relative difference \(e)") }
    }
}
