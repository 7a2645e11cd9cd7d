import CellModel
import Comparison
import Foundation
import MeasuredData
import Parameters
import Simulator

/// The weighted least-squares objective of a fit: the model file's parameters with the fitted
/// keys set, run against every dataset.
public struct FitObjective: Sendable {
    /// The model file's parameters with `--set` applied: the fixed keys, and the fitted keys' starts.
    public var base: ParameterSet
    public var parameters: [FitParameter]
    public var datasets: [FitDataset]
    public var options: SimulationOptions
    /// Where a replayed log starts (as in `solidcell compare`).
    public var initialState: InitialState
    /// h of whole-run finite differences, θ ± h (in log space; a share of the bounds' width for
    /// keys fitted as they are).
    public var finiteDifferenceStep = 1e-3

    public init(base: ParameterSet, parameters: [FitParameter], datasets: [FitDataset],
                options: SimulationOptions = SimulationOptions(), initialState: InitialState = .firstMeasuredVoltage) {
        self.base = base
        self.parameters = parameters
        self.datasets = datasets
        self.options = options
        self.initialState = initialState
    }

    /// The typed parameters of a dataset's runs: the model file with `--set`, the dataset's own
    /// settings, and the fitted keys at `values`.
    public func cellParameters(values: [Double], for dataset: FitDataset) throws -> CellParameters {
        var set = base
        for (key, value) in dataset.settings.values { set[key] = value }
        for (parameter, value) in zip(parameters, values) { set[parameter.key] = .number(value) }
        return try CellParameters(set)
    }

    /// What one dataset's run gave.
    public struct DatasetResult: Sendable {
        /// Simulated minus measured, in the data's unit, one per measured point.
        public var differences: [Double]
        /// Root mean square of `differences`.
        public var rms: Double { (differences.reduce(0) { $0 + $1 * $1 } / Double(max(differences.count, 1))).squareRoot() }
        /// The replay, for a time series (its plots are `compare`'s).
        public var comparison: MeasuredComparisonResult?
        /// The model's capacities against the table's, for a cycle table.
        public var cycles: CycleTableComparisonResult?
        /// The model's spectrum against the measured one, for a spectrum.
        public var impedance: ImpedanceComparisonResult?
        /// The model's counterparts of published numbers.
        public var targets: [Double]?
    }

    public struct Evaluation: Sendable {
        /// Every dataset's differences scaled by w/σ, concatenated in dataset order.
        public var residuals: [Double]
        public var datasets: [DatasetResult]
    }

    /// Runs the model at `values` against every dataset; throws when a model cannot be built or
    /// run there, when a log's replay stops before one of its measured steps, or when a capacity
    /// table's run stops before its first cycle ends (a later cycle it does not reach delivers 0).
    public func evaluate(values: [Double]) throws -> Evaluation {
        var residuals: [Double] = []
        var results: [DatasetResult] = []
        for dataset in datasets {
            let result = try run(dataset, values: values)
            let scale = dataset.weight / dataset.noise
            residuals += result.differences.map { $0 * scale }
            results.append(result)
        }
        return Evaluation(residuals: residuals, datasets: results)
    }

    /// One dataset's run with the fitted keys at `values`.
    func run(_ dataset: FitDataset, values: [Double]) throws -> DatasetResult {
        func cell() throws -> CellParameters { try cellParameters(values: values, for: dataset) }
        switch dataset.content {
        case .targets(let published):
            let simulated = try published.evaluate(Dictionary(uniqueKeysWithValues: zip(parameters.map(\.key), values)))
            guard simulated.count == published.targets.count else {
                throw FitEvaluationError(file: dataset.file, message: "\(simulated.count) values for \(published.targets.count) published numbers")
            }
            return DatasetResult(differences: zip(published.targets, simulated).map { $0.residual($1) }, targets: simulated)
        case .timeSeries(let series):
            let comparison = try MeasuredComparison.run(parameters: try cell(), series: series, initialState: initialState, options: options)
            return DatasetResult(differences: try Self.voltageDifferences(comparison, file: dataset.file), comparison: comparison)
        case .cycles(let table, let experiment, let profiles):
            let comparison = try CycleTableComparison.run(parameters: try cell(), table: table, experiment: experiment,
                                                          profiles: profiles, stateOfCharge: initialState.stateOfCharge, options: options)
            if comparison.simulatedDischarge.allSatisfy({ $0 == 0 }), let failure = comparison.simulation.failure {
                throw FitEvaluationError(file: dataset.file, message: "the simulation stopped before the first cycle ended: \(failure)")
            }
            return DatasetResult(differences: zip(comparison.simulatedDischarge, table.dischargeCapacity).map { $0 - $1 },
                                 cycles: comparison)
        case .impedance(let spectrum, let stateOfCharge):
            let comparison = try ImpedanceComparison.run(parameters: try cell(), spectrum: spectrum, stateOfCharge: stateOfCharge)
            var differences: [Double] = []
            for k in 0..<spectrum.count {
                // Measured Z = Re Z + j Im Z with Im Z = −(−Im Z).
                differences.append(comparison.simulated.impedance[k].real - spectrum.real[k])
                differences.append(comparison.simulated.impedance[k].imaginary + spectrum.minusImaginary[k])
            }
            return DatasetResult(differences: differences, impedance: comparison)
        }
    }

    /// Simulated minus measured voltage at every measured sample. A sample past the end of its
    /// simulated step (the simulation reached a cut-off sooner) is compared with the step's final
    /// simulated voltage, so the residual stays continuous as the end moves across samples; a
    /// step the simulation never reached is an error.
    static func voltageDifferences(_ comparison: MeasuredComparisonResult, file: String) throws -> [Double] {
        // The last simulated voltage of every experiment step (0-based).
        let series = comparison.simulation.timeSeries
        var finalVoltage: [Int: Double] = [:]
        for k in 0..<series.count { finalVoltage[series.step[k] - 1] = series.voltage[k] }
        var differences: [Double] = []
        differences.reserveCapacity(comparison.samples.count)
        var offset = 0
        for mapping in comparison.plan.mappings {
            let rows = mapping.measured.rows.count
            let samples = comparison.samples[offset..<(offset + rows)]
            offset += rows
            guard let end = mapping.experimentSteps.reversed().lazy.compactMap({ finalVoltage[$0] }).first else {
                let reason = comparison.simulation.failure.map { ": \($0)" } ?? ""
                throw FitEvaluationError(file: file, message: "the simulation did not reach measured step \(mapping.measuredIndex + 1)\(reason)")
            }
            for sample in samples { differences.append((sample.simulatedVoltage ?? end) - sample.measuredVoltage) }
        }
        return differences
    }
}

/// A model run that did not give a value for every measured point.
public struct FitEvaluationError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}
