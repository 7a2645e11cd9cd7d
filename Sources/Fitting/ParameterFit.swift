import Dispatch
import Foundation
import Parameters

/// A least-squares fit of model keys to datasets: Levenberg–Marquardt from one or more starts
/// (the model file's values, then a Latin-hypercube set in the bounds), in parallel.
public struct ParameterFit: Sendable {
    public var objective: FitObjective
    /// Number of starts (1: the model file's values only).
    public var starts = 1
    public var seed: UInt64 = 1
    public var optimiser = LevenbergMarquardt()
    public var sensitivities = SensitivityMethod.forward

    public init(objective: FitObjective) {
        self.objective = objective
    }

    public struct Progress: Sendable {
        public var start: Int
        public var iteration: LevenbergMarquardt.Iteration
        public var values: [Double]
    }

    public struct StartResult: Sendable {
        public var initialValues: [Double]
        public var result: LevenbergMarquardt.Result?
        /// The last model run or sensitivity computation that failed during this start (a rejected
        /// step, or what ended the search), nil when none did.
        public var failure: String?
    }

    public struct Report: Sendable {
        public var parameters: [FitParameter]
        public var values: [Double]
        public var statistics: FitStatistics
        public var best: LevenbergMarquardt.Result
        /// The evaluation at the fitted values (per-dataset differences and replays).
        public var evaluation: FitObjective.Evaluation
        public var starts: [StartResult]
        public var modelSolves: Int
        public var seconds: Double
        public var sensitivities: SensitivityMethod
    }

    /// Runs the fit; throws `FitEvaluationError` when the model cannot be run at the start values.
    public func run(progress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> Report {
        let clock = Date()
        let counter = SolveCounter()
        let lower = objective.parameters.map { $0.coordinate($0.lower) }
        let upper = objective.parameters.map { $0.coordinate($0.upper) }
        // The start values must run: their failure is the user's to see, not a rejected step.
        _ = try objective.evaluate(values: objective.parameters.map(\.initial))
        counter.add(objective.datasets.count)

        let startPoints = [objective.parameters.map { $0.coordinate($0.initial) }]
            + LatinHypercube.points(count: max(starts - 1, 0), lower: lower, upper: upper, seed: seed)
        let results = ResultBox<StartResult>(count: startPoints.count)
        let objective = self.objective, optimiser = self.optimiser, method = sensitivities
        DispatchQueue.concurrentPerform(iterations: startPoints.count) { s in
            let theta0 = startPoints[s]
            let lastFailure = ResultBox<String>(count: 1)
            let residuals: ([Double]) -> [Double]? = { theta in
                counter.add(objective.datasets.count)
                do { return try objective.evaluate(values: objective.values(theta)).residuals } catch {
                    lastFailure.set(0, "\(error)")
                    return nil
                }
            }
            let jacobian: ([Double], [Double]) -> [[Double]]? = { theta, _ in
                do { return try objective.jacobianColumns(at: theta, method: method) { counter.add($0) } } catch {
                    lastFailure.set(0, "sensitivities: \(error)")
                    return nil
                }
            }
            let result = optimiser.minimise(start: theta0, lower: lower, upper: upper, residuals: residuals, jacobian: jacobian) { it in
                progress(Progress(start: s + 1, iteration: it, values: objective.values(it.parameters)))
            }
            results.set(s, StartResult(initialValues: objective.values(theta0), result: result, failure: lastFailure.values[0]))
        }
        let all = results.values.map { $0! }
        guard let best = all.compactMap(\.result).min(by: { $0.objective < $1.objective }) else {
            throw FitEvaluationError(file: objective.datasets.map(\.file).joined(separator: ", "),
                                     message: "no start could be evaluated (" + (all.compactMap(\.failure).first ?? "no reason given") + ")")
        }
        let values = objective.values(best.parameters)
        let evaluation = try objective.evaluate(values: values)
        counter.add(objective.datasets.count)
        let statistics = FitStatistics(parameters: objective.parameters, coordinates: best.parameters,
                                       jacobianColumns: best.jacobianColumns, objective: best.objective,
                                       statedUncertainties: objective.datasets.allSatisfy {
                                           if case .targets = $0.content { true } else { false }
                                       })
        return Report(parameters: objective.parameters, values: values, statistics: statistics, best: best, evaluation: evaluation,
                      starts: all, modelSolves: counter.value, seconds: Date().timeIntervalSince(clock), sensitivities: sensitivities)
    }
}

/// Model runs counted across threads.
final class SolveCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ k: Int) { lock.lock(); count += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// Results written by parallel iterations, one slot each.
final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ value: T) { lock.lock(); slots[k] = value; lock.unlock() }
    var values: [T?] { lock.lock(); defer { lock.unlock() }; return slots }
}

/// Latin-hypercube points in a box: each coordinate's range cut into `count` equal strata, one
/// point in each, the strata paired at random (McKay, Beckman, Conover, Technometrics 21, 1979).
enum LatinHypercube {
    static func points(count: Int, lower: [Double], upper: [Double], seed: UInt64) -> [[Double]] {
        guard count > 0 else { return [] }
        var generator = SplitMix64(seed: seed)
        var points = Array(repeating: Array(repeating: 0.0, count: lower.count), count: count)
        for j in 0..<lower.count {
            var strata = Array(0..<count)
            strata.shuffle(using: &generator)
            for i in 0..<count {
                let u = (Double(strata[i]) + Double.random(in: 0..<1, using: &generator)) / Double(count)
                points[i][j] = lower[j] + u * (upper[j] - lower[j])
            }
        }
        return points
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator that gives the same
/// sequence on every platform, so a fit's starts (and every random test input) repeat from a seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
