/// Settings of the IDA integrator. The defaults are those PyBaMM's IDAKLU solver uses for
/// battery DAEs (generous nonlinear iteration and failure limits, order up to 5), except
/// ``jacobianRefreshThreshold``; ``idaDefaults`` reproduces SUNDIALS' own defaults (used to check
/// golden outputs).
public struct SolverOptions: Equatable, Sendable {
    /// Absolute tolerance: one value for every component, or one per component.
    public enum AbsoluteTolerance: Equatable, Sendable {
        case scalar(Double)
        case vector([Double])
    }

    /// Relative tolerance of the local error test.
    public var relativeTolerance: Double = 1e-6
    public var absoluteTolerance: AbsoluteTolerance = .scalar(1e-8)
    /// Maximum number of internal steps between two output times (IDA's `mxstep`).
    public var maxSteps: Int = 100_000
    /// Maximum BDF order, 1…5.
    public var maxOrder: Int = 5
    /// Maximum Newton iterations per step attempt.
    public var maxNonlinearIterations: Int = 40
    /// Maximum nonlinear convergence failures in one step.
    public var maxConvergenceFailures: Int = 100
    /// Maximum local error test failures in one step.
    public var maxErrorTestFailures: Int = 10
    /// Upper bound on the step size; `nil` for none.
    public var maxStepSize: Double? = nil
    /// First step size to try; `nil` lets IDA choose.
    public var initialStepSize: Double? = nil
    /// Exclude algebraic components from the local error test (IDA's `suppressalg`).
    public var suppressAlgebraicErrorControl: Bool = false
    /// Relative change of c_j = α_s/h, the weight of ∂F/∂ẏ in the iteration matrix
    /// J = ∂F/∂y + c_j ∂F/∂ẏ, beyond which IDA re-evaluates and refactorises J (`IDASetDeltaCjLSetup`;
    /// SUNDIALS' default 0.25). Between refreshes Newton runs on a matrix with a stale c_j. With an
    /// analytic Jacobian and a KLU refactorisation costing a few residual evaluations, refreshing
    /// more often is cheap, and Newton on a fresher matrix fails to converge less often, so long
    /// cycling runs take fewer steps. The measurements behind the value: Benchmarks/README.md,
    /// "Jacobian refresh".
    public var jacobianRefreshThreshold: Double = 0.1
    /// The sparse direct solver of the iteration matrix: `.automatic` condenses the system's
    /// ``DAESystem/condensableBlocks`` when their pattern allows it (KLU on the Schur complement),
    /// `.klu` factorises the whole matrix with KLU (the reference; also what `.automatic` falls back
    /// to). Both give the same Newton corrections to rounding.
    public var linearSolver: LinearSolverChoice = .automatic

    public init() {}

    /// SUNDIALS' built-in defaults (rtol 1e-4 and atol 1e-6 are set explicitly since IDA has none).
    public static var idaDefaults: SolverOptions {
        var options = SolverOptions()
        options.relativeTolerance = 1e-4
        options.absoluteTolerance = .scalar(1e-6)
        options.maxSteps = 500
        options.maxNonlinearIterations = 4
        options.maxConvergenceFailures = 10
        options.maxErrorTestFailures = 10
        options.jacobianRefreshThreshold = 0.25
        return options
    }
}

/// Counters of one integration, as IDA reports them: cumulative since the solver was created or last
/// re-initialised (`IDAReInit` restarts them; add them up across restarts with `+`).
public struct SolverStatistics: Equatable, Sendable {
    public var steps = 0
    public var residualEvaluations = 0
    public var jacobianEvaluations = 0
    public var nonlinearIterations = 0
    public var errorTestFailures = 0
    public var nonlinearConvergenceFailures = 0
    public var rootFunctionEvaluations = 0
    public var lastOrder = 0
    public var lastStepSize = 0.0

    public init() {}

    /// Counter-wise sum, to accumulate statistics over several solvers or restarts.
    public static func + (a: SolverStatistics, b: SolverStatistics) -> SolverStatistics {
        var s = SolverStatistics()
        s.steps = a.steps + b.steps
        s.residualEvaluations = a.residualEvaluations + b.residualEvaluations
        s.jacobianEvaluations = a.jacobianEvaluations + b.jacobianEvaluations
        s.nonlinearIterations = a.nonlinearIterations + b.nonlinearIterations
        s.errorTestFailures = a.errorTestFailures + b.errorTestFailures
        s.nonlinearConvergenceFailures = a.nonlinearConvergenceFailures + b.nonlinearConvergenceFailures
        s.rootFunctionEvaluations = a.rootFunctionEvaluations + b.rootFunctionEvaluations
        s.lastOrder = b.lastOrder
        s.lastStepSize = b.lastStepSize
        return s
    }
}
