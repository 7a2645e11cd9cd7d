import CellModel
import Comparison
import Dispatch
import Foundation
import MeasuredData
import Parameters
import Protocols
import Simulator

/// How ∂r/∂θ is computed.
public enum SensitivityMethod: String, Sendable, CaseIterable {
    /// Forward sensitivities carried by IDAS (one run with n sensitivities, ``SensitivityRequest``):
    /// through the replay of a log, and through the cycles of a capacity table, whether its fade
    /// lives in the DAE (films, interphases, side reactions) or in the contact damage raised between
    /// cycles (whose drivers are integrals the solver carries with their sensitivities); for an
    /// impedance spectrum, dZ/dθ of the
    /// linearised system, dZ/dθ = −(dv/dθ)·x − v·A⁻¹(dA/dθ) x with the rest state's own shift dy*/dθ
    /// in dA/dθ, from the factorisation of A(ω) that gives Z
    /// (``ImpedanceAnalysis/spectrum(parameters:state:derivative:contactDamage:frequencies:sensitivities:)``).
    /// Published numbers and runs with cycle jumping fall back to finite differences.
    case forward
    /// Central differences of whole model runs at θ ± h (h = 10⁻³ in log space, 10⁻³ of the
    /// bounds' width otherwise), the 2n runs in parallel: the fallback, and the forward
    /// sensitivities' test oracle.
    case finiteDifferences = "finite-differences"
}

extension FitObjective {
    /// δ of the residual's parameter derivative inside the forward sensitivities (θ ± δ).
    static let residualDerivativeStep = 1e-4

    /// The values at θ.
    public func values(_ theta: [Double]) -> [Double] { zip(theta, parameters).map { $1.value($0) } }

    /// θ of each parameter's bounds' width (for steps in linear coordinates).
    private func width(_ j: Int) -> Double {
        parameters[j].coordinate(parameters[j].upper) - parameters[j].coordinate(parameters[j].lower)
    }

    /// ∂r/∂θⱼ at θ, column by column, in the residuals' order; `runs` counts model runs.
    public func jacobianColumns(at theta: [Double], method: SensitivityMethod, runs: (Int) -> Void = { _ in }) throws -> [[Double]] {
        var columns = Array(repeating: [Double](), count: parameters.count)
        for dataset in datasets {
            let block: [[Double]]
            switch (method, dataset.content) {
            case (.forward, .timeSeries(let series)):
                block = try forwardColumns(dataset, series: series, parameters: try cellParameters(values: values(theta), for: dataset),
                                           theta: theta)
                runs(1)
            case (.forward, .cycles(let table, let experiment, let profiles))
                where options.acceleration == nil:
                block = try forwardCycleColumns(dataset, table: table, experiment: experiment, profiles: profiles, theta: theta)
                runs(1)
            case (.forward, .impedance(let spectrum, let stateOfCharge)):
                block = try impedanceColumns(dataset, spectrum: spectrum, stateOfCharge: stateOfCharge, theta: theta)
                runs(1)
            default:
                block = try finiteDifferenceColumns(dataset, theta: theta)
                runs(2 * parameters.count)
            }
            for j in columns.indices { columns[j] += block[j] }
        }
        return columns
    }

    /// A dataset's parameters at θ with θⱼ moved by `shift`.
    private func shifted(_ theta: [Double], _ j: Int, by shift: Double, for dataset: FitDataset) throws -> CellParameters {
        var t = theta
        t[j] += shift
        return try cellParameters(values: values(t), for: dataset)
    }

    private func step(_ j: Int, _ base: Double) -> Double {
        parameters[j].logScale ? base : base * width(j)
    }

    /// A dataset's parameters at θᵢ ± δ for the forward sensitivities, kept within the bounds
    /// (one-sided at a bound): the derivative is the difference over the distance between the
    /// two, so `steps` holds half that distance.
    private func sensitivityRequest(_ theta: [Double], for dataset: FitDataset) throws -> SensitivityRequest {
        let n = parameters.count
        let lower = parameters.map { $0.coordinate($0.lower) }, upper = parameters.map { $0.coordinate($0.upper) }
        let plus = (0..<n).map { min(theta[$0] + step($0, Self.residualDerivativeStep), upper[$0]) - theta[$0] }
        let minus = (0..<n).map { max(theta[$0] - step($0, Self.residualDerivativeStep), lower[$0]) - theta[$0] }
        return SensitivityRequest(plus: try (0..<n).map { try shifted(theta, $0, by: plus[$0], for: dataset) },
                                  minus: try (0..<n).map { try shifted(theta, $0, by: minus[$0], for: dataset) },
                                  steps: (0..<n).map { (plus[$0] - minus[$0]) / 2 })
    }

    /// ∂r/∂θ of a spectrum's residuals (Re Z and Im Z at each frequency, as ``run(_:values:)``
    /// orders them) from one spectrum that carries dZ/dθ.
    private func impedanceColumns(_ dataset: FitDataset, spectrum: MeasuredImpedanceSpectrum, stateOfCharge: Double?,
                                  theta: [Double]) throws -> [[Double]] {
        let comparison = try ImpedanceComparison.run(parameters: try cellParameters(values: values(theta), for: dataset),
                                                     spectrum: spectrum, stateOfCharge: stateOfCharge,
                                                     sensitivity: try sensitivityRequest(theta, for: dataset))
        let scale = dataset.weight / dataset.noise
        return comparison.simulated.impedanceSensitivities.map { derivative in
            derivative.flatMap { [$0.real * scale, $0.imaginary * scale] }
        }
    }

    /// d(capacity)/dθ of every row of a capacity table from one run that carries the sensitivities.
    private func forwardCycleColumns(_ dataset: FitDataset, table: MeasuredCycleTable, experiment: Experiment,
                                     profiles: [String: ControlProfile], theta: [Double]) throws -> [[Double]] {
        let comparison = try CycleTableComparison.run(
            parameters: try cellParameters(values: values(theta), for: dataset), table: table, experiment: experiment,
            profiles: profiles, stateOfCharge: initialState.stateOfCharge, options: options,
            sensitivity: try sensitivityRequest(theta, for: dataset))
        guard let rows = comparison.dischargeSensitivities else {
            let reason = comparison.simulation.failure.map { "\($0)" } ?? "a discharging step carried none"
            throw FitEvaluationError(file: dataset.file, message: "the sensitivity run gave no capacity sensitivities: \(reason)")
        }
        let scale = dataset.weight / dataset.noise
        return (0..<parameters.count).map { j in rows.map { $0[j] * scale } }
    }

    /// dV/dθ at every measured sample from one replay that carries the sensitivities; a sample
    /// past its simulated step's end takes the derivative of the step's final voltage (as its
    /// residual takes that voltage).
    private func forwardColumns(_ dataset: FitDataset, series: MeasuredTimeSeries, parameters cell: CellParameters,
                                theta: [Double]) throws -> [[Double]] {
        let n = parameters.count
        let request = try sensitivityRequest(theta, for: dataset)
        // A replay is one pass through the log: nothing to jump over.
        var replay = options
        replay.acceleration = nil
        let comparison = try MeasuredComparison.run(parameters: cell, series: series, initialState: initialState,
                                                    options: replay, sensitivity: request)
        if let failure = comparison.simulation.failure {
            throw FitEvaluationError(file: dataset.file, message: "the sensitivity run stopped: \(failure)")
        }
        let sim = comparison.simulation.timeSeries
        let sensitivities = sim.voltageSensitivities
        guard sensitivities.classes == n, sensitivities.count == sim.count else {
            throw FitEvaluationError(file: dataset.file, message: "the run carried no sensitivities")
        }
        var finalRow: [Int: Int] = [:]
        for k in 0..<sim.count { finalRow[sim.step[k] - 1] = k }
        // Rows that end a step at an event, with dτ*/dθ: their time moves with θ, and so does the
        // interpolation between them and the sample before.
        var movingEnd: [Int: [Double]] = [:]
        for record in comparison.simulation.steps {
            if let shifts = record.durationSensitivities, let row = finalRow[record.step - 1] { movingEnd[row] = shifts }
        }
        let scale = dataset.weight / dataset.noise
        var columns = Array(repeating: [Double](), count: n)
        var offset = 0
        for mapping in comparison.plan.mappings {
            let rows = mapping.measured.rows.count
            guard let last = mapping.experimentSteps.reversed().lazy.compactMap({ finalRow[$0] }).first else {
                throw FitEvaluationError(file: dataset.file, message: "the simulation did not reach measured step \(mapping.measuredIndex + 1)")
            }
            for sample in comparison.samples[offset..<(offset + rows)] {
                for j in 0..<n {
                    let value: Double
                    if let p = sample.simulatedPoint {
                        let low = sensitivities.values[p.low * n + j], high = sensitivities.values[p.high * n + j]
                        var v = p.weight == 0 ? low : low + (high - low) * p.weight
                        // V = V_low + (V_high − V_low) w with w = (x − x_low)/(x_high − x_low):
                        // ∂w/∂x_high = −w/(x_high − x_low).
                        if let shifts = movingEnd[p.high], p.high != p.low {
                            let span = sim.time[p.high] - sim.time[p.low]
                            v -= (sim.voltage[p.high] - sim.voltage[p.low]) * p.weight / span * shifts[j]
                        }
                        value = v
                    } else {
                        value = sensitivities.values[last * n + j]
                    }
                    columns[j].append(value * scale)
                }
            }
            offset += rows
        }
        return columns
    }

    /// ∂r/∂θⱼ of one dataset by central differences of whole runs (one-sided at a bound), the 2n
    /// runs in parallel.
    func finiteDifferenceColumns(_ dataset: FitDataset, theta: [Double]) throws -> [[Double]] {
        let n = theta.count
        let lower = parameters.map { $0.coordinate($0.lower) }, upper = parameters.map { $0.coordinate($0.upper) }
        let points: [(Int, Double)] = (0..<n).flatMap { j in
            [(j, min(theta[j] + step(j, finiteDifferenceStep), upper[j])),
             (j, max(theta[j] - step(j, finiteDifferenceStep), lower[j]))]
        }
        let box = ResultBox<Result<[Double], any Error>>(count: points.count)
        DispatchQueue.concurrentPerform(iterations: points.count) { k in
            var t = theta
            t[points[k].0] = points[k].1
            box.set(k, Result { try run(dataset, values: values(t)).differences })
        }
        let results = box.values
        let scale = dataset.weight / dataset.noise
        return try (0..<n).map { j in
            let plus = try results[2 * j]!.get(), minus = try results[2 * j + 1]!.get()
            let h = points[2 * j].1 - points[2 * j + 1].1
            return zip(plus, minus).map { ($0 - $1) / h * scale }
        }
    }
}
