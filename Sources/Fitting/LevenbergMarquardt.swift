/// Levenberg–Marquardt minimisation of a sum of squares S(θ) = Σ rᵢ(θ)² within box bounds.
///
/// Each iteration solves the damped normal equations (JᵀJ + λ D) δ = −Jᵀr, with D the diagonal of
/// JᵀJ (Marquardt's scaling, so the step does not depend on the parameters' units), for the
/// parameters not held at a bound (one is held while the gradient pushes it outwards), projects
/// θ + δ on the bounds, and accepts it when the actual decrease of S is a positive share ρ of the
/// decrease the linear model ‖r + Jδ‖² predicts. λ follows Nielsen's update: after an accepted step
/// λ ← λ max(1/3, 1 − (2ρ − 1)³), after a rejected one λ ← λ ν, ν ← 2ν (H. B. Nielsen, "Damping
/// parameter in Marquardt's method", IMM-REP-1999-05, DTU). A residual evaluation that fails (a
/// model solve that does not finish) is a rejected step.
public struct LevenbergMarquardt: Sendable {
    /// Most iterations (Jacobian evaluations).
    public var maximumIterations = 40
    /// Converged when an accepted step lowers S by less than this share of S.
    public var objectiveTolerance = 1e-8
    /// Converged when no component of an accepted step exceeds this (in the fitted coordinates).
    public var stepTolerance = 1e-7

    public init() {}

    /// One iteration, for progress lines.
    public struct Iteration: Sendable {
        public var number: Int
        public var objective: Double
        public var parameters: [Double]
        public var stepSize: Double
        public var damping: Double
        public var accepted: Bool
    }

    public struct Result: Sendable {
        public var parameters: [Double]
        public var objective: Double
        public var initialObjective: Double
        public var residuals: [Double]
        /// ∂r/∂θ at `parameters`, column by column.
        public var jacobianColumns: [[Double]]
        public var iterations: Int
        /// Why the iteration ended.
        public var stopReason: String
    }

    /// Minimises from `start`; `residuals(θ)` returns nil when the model cannot be solved there,
    /// `jacobian(θ, r)` the columns ∂r/∂θⱼ at θ (nil when they cannot be computed). Returns nil
    /// only when the start itself cannot be evaluated.
    public func minimise(start: [Double], lower: [Double], upper: [Double],
                         residuals: ([Double]) -> [Double]?,
                         jacobian: ([Double], [Double]) -> [[Double]]?,
                         progress: (Iteration) -> Void = { _ in }) -> Result? {
        let n = start.count
        var theta = zip(start, zip(lower, upper)).map { min(max($0, $1.0), $1.1) }
        guard var r = residuals(theta), let firstColumns = jacobian(theta, r) else { return nil }
        var columns = firstColumns
        var s = sumOfSquares(r)
        let initial = s
        var lambda = 1e-3, nu = 2.0
        var iteration = 0
        var reason = "iteration limit (\(maximumIterations))"
        var finished = false
        progress(Iteration(number: 0, objective: s, parameters: theta, stepSize: 0, damping: lambda, accepted: true))
        while !finished && iteration < maximumIterations {
            iteration += 1
            if s == 0 { reason = "exact fit"; break }
            let a = SymmetricMatrix.normalMatrix(of: columns)
            let gradient = columns.map { column in zip(column, r).reduce(0) { $0 + $1.0 * $1.1 } }
            let largestDiagonal = (0..<n).map { a[$0, $0] }.max() ?? 0
            guard largestDiagonal > 0 else { reason = "the data do not depend on the fitted parameters"; break }
            // Parameters held at a bound that the descent direction pushes further out are fixed
            // for this iteration (their rows and columns decoupled), so the others can move.
            let held = (0..<n).map { j in
                (theta[j] <= lower[j] && gradient[j] > 0) || (theta[j] >= upper[j] && gradient[j] < 0)
            }
            var accepted = false, lastStep = 0.0
            while !accepted && lambda <= 1e12 {
                var damped = a
                for i in 0..<n { damped[i, i] += lambda * max(a[i, i], 1e-12 * largestDiagonal) }
                for j in 0..<n where held[j] {
                    for k in 0..<n where k != j { damped[j, k] = 0; damped[k, j] = 0 }
                }
                guard let l = damped.cholesky() else { lambda *= nu; nu *= 2; continue }
                let delta = l.choleskySolve((0..<n).map { held[$0] ? 0 : -gradient[$0] })
                let trial = (0..<n).map { min(max(theta[$0] + delta[$0], lower[$0]), upper[$0]) }
                let step = (0..<n).map { trial[$0] - theta[$0] }
                lastStep = step.map(abs).max() ?? 0
                if lastStep == 0 { break }
                // Decrease predicted by the linear model for the projected step.
                var jStep = Array(repeating: 0.0, count: r.count)
                for j in 0..<n where step[j] != 0 { for i in 0..<r.count { jStep[i] += columns[j][i] * step[j] } }
                let predicted = s - zip(r, jStep).reduce(0) { $0 + ($1.0 + $1.1) * ($1.0 + $1.1) }
                if let rTrial = residuals(trial), rTrial.count == r.count {
                    let sTrial = sumOfSquares(rTrial)
                    let rho = predicted > 0 ? (s - sTrial) / predicted : -1
                    if sTrial.isFinite, sTrial < s, rho > 1e-4 {
                        let decrease = s - sTrial
                        theta = trial; r = rTrial; s = sTrial
                        lambda *= max(1.0 / 3.0, 1 - pow3(2 * rho - 1)); nu = 2
                        accepted = true
                        if decrease <= objectiveTolerance * (s + decrease) { reason = "objective converged"; finished = true }
                        else if lastStep <= stepTolerance { reason = "step converged"; finished = true }
                        break
                    }
                }
                lambda *= nu; nu *= 2
            }
            progress(Iteration(number: iteration, objective: s, parameters: theta, stepSize: lastStep, damping: lambda, accepted: accepted))
            if !accepted {
                reason = lastStep == 0 ? "stationary (no step leaves the bounds' corner)" : "no step lowers the objective"
                break
            }
            // The next iteration, and the statistics at the end, need ∂r/∂θ at the accepted θ.
            guard let c = jacobian(theta, r) else { reason = "sensitivities failed at the current parameters"; break }
            columns = c
        }
        return Result(parameters: theta, objective: s, initialObjective: initial, residuals: r, jacobianColumns: columns,
                      iterations: iteration, stopReason: reason)
    }

    private func sumOfSquares(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
    private func pow3(_ x: Double) -> Double { x * x * x }
}
