import Dispatch
import Foundation
import Parameters

/// How ∂r/∂θ is computed.
public enum SensitivityMethod: String, Sendable {
    /// Central differences of whole model runs, θ ± h (h = 10⁻³ in log space, or 10⁻³ of the
    /// bounds' width), the runs in parallel.
    case finiteDifferences = "finite differences"
}

/// A least-squares fit of model keys to datasets: Levenberg–Marquardt from one or more starts
/// (the model file's values, then a Latin-hypercube set in the bounds), in parallel.
public struct ParameterFit: Sendable {
    public var objective: FitObjective
    /// Number of starts (1: the model file's values only).
    public var starts = 1
    public var seed: UInt64 = 1
    public var optimiser = LevenbergMarquardt()
    public var sensitivities = SensitivityMethod.finiteDifferences

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
        let objective = self.objective, optimiser = self.optimiser
        DispatchQueue.concurrentPerform(iterations: startPoints.count) { s in
            let theta0 = startPoints[s]
            let residuals: ([Double]) -> [Double]? = { theta in
                counter.add(objective.datasets.count)
                return try? objective.evaluate(values: Self.values(theta, objective.parameters)).residuals
            }
            let jacobian: ([Double], [Double]) -> [[Double]]? = { theta, _ in
                Self.finiteDifferenceColumns(objective: objective, theta: theta, lower: lower, upper: upper, counter: counter)
            }
            let result = optimiser.minimise(start: theta0, lower: lower, upper: upper, residuals: residuals, jacobian: jacobian) { it in
                progress(Progress(start: s + 1, iteration: it, values: Self.values(it.parameters, objective.parameters)))
            }
            results.set(s, StartResult(initialValues: Self.values(theta0, objective.parameters), result: result,
                                       failure: result == nil ? "the model could not be run at this start" : nil))
        }
        let all = results.values.map { $0! }
        guard let best = all.compactMap(\.result).min(by: { $0.objective < $1.objective }) else {
            throw FitEvaluationError(file: objective.datasets.map(\.file).joined(separator: ", "),
                                     message: "no start could be evaluated")
        }
        let values = Self.values(best.parameters, objective.parameters)
        let evaluation = try objective.evaluate(values: values)
        counter.add(objective.datasets.count)
        let statistics = FitStatistics(parameters: objective.parameters, coordinates: best.parameters,
                                       jacobianColumns: best.jacobianColumns, objective: best.objective)
        return Report(parameters: objective.parameters, values: values, statistics: statistics, best: best, evaluation: evaluation,
                      starts: all, modelSolves: counter.value, seconds: Date().timeIntervalSince(clock), sensitivities: sensitivities)
    }

    static func values(_ theta: [Double], _ parameters: [FitParameter]) -> [Double] {
        zip(theta, parameters).map { $1.value($0) }
    }

    /// ∂r/∂θⱼ by central differences (one-sided at a bound), all 2n runs in parallel; nil when
    /// any run fails.
    static func finiteDifferenceColumns(objective: FitObjective, theta: [Double], lower: [Double], upper: [Double],
                                        counter: SolveCounter) -> [[Double]]? {
        let n = theta.count
        let steps: [Double] = (0..<n).map { j in
            objective.parameters[j].logScale ? 1e-3 : 1e-3 * (upper[j] - lower[j])
        }
        // Points θ ± hⱼ eⱼ, moved inside the bounds.
        let points: [(Int, Double)] = (0..<n).flatMap { j in
            [(j, min(theta[j] + steps[j], upper[j])), (j, max(theta[j] - steps[j], lower[j]))]
        }
        let box = ResultBox<[Double]>(count: points.count)
        DispatchQueue.concurrentPerform(iterations: points.count) { k in
            var t = theta
            t[points[k].0] = points[k].1
            counter.add(objective.datasets.count)
            if let r = try? objective.evaluate(values: values(t, objective.parameters)).residuals { box.set(k, r) }
        }
        var columns: [[Double]] = []
        for j in 0..<n {
            guard let plus = box.values[2 * j], let minus = box.values[2 * j + 1], plus.count == minus.count else { return nil }
            let h = points[2 * j].1 - points[2 * j + 1].1
            guard h > 0 else { return nil }
            columns.append(zip(plus, minus).map { ($0 - $1) / h })
        }
        return columns
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
