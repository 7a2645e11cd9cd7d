import CSundials

/// Why ``IDASolver/advance(to:)`` returned.
public enum AdvanceResult: Equatable, Sendable {
    /// The requested output time was reached.
    case reachedTime
    /// One or more root functions changed sign. `indices` are the roots found, `directions`
    /// +1 where gₖ was increasing and −1 where it was decreasing.
    case root(indices: [Int], directions: [Int])
}

/// Implicit DAE integrator: SUNDIALS IDA (variable-order, variable-step BDF; linked from IDAS) with
/// a sparse direct solver on the system's exact Jacobian — KLU, or, when the system declares
/// condensable blocks (``DAESystem/condensableBlocks``) whose pattern allows it, the blocks
/// eliminated by static condensation and KLU on the Schur complement over the other unknowns
/// (``linearSolverKind``; Sources/CCondensedSolver) — and IDAS's quadratures when the
/// system has any (integrated with the same BDF formulas after each step's corrector, outside the
/// error test, so they do not change the steps taken).
///
/// The solver owns every C object it creates and frees them when it is released. It is not
/// thread-safe: use one solver per thread (each has its own SUNContext, so separate solvers can run
/// concurrently). The system is stored in the solver and can be changed between integrations
/// through ``system`` (e.g. a new control mode), followed by ``reinitialize(time:state:derivative:)``.
public final class IDASolver<System: DAESystem> {
    let box: CallbackBox<System>
    let memory: IDAMemoryHandle
    /// Forward sensitivities, once enabled (IDASolver+Sensitivities.swift).
    var sensitivityStorage: SensitivityStorage?
    private let stateVector: SerialVector
    private let derivativeVector: SerialVector
    /// The quadratures at ``time`` (nil for a system without any).
    private let quadratureVector: SerialVector?
    private let options: SolverOptions
    private var rootSigns: [Int32]
    private var activeRootCount: Int
    /// IDA's counters summed over the integrations before the last re-initialisation (which
    /// restarts them).
    private var statisticsBeforeRestart = SolverStatistics()

    /// The DAE being integrated. Change it only between calls to ``advance(to:)``; if the change
    /// alters the equations, call ``reinitialize(time:state:derivative:)`` afterwards.
    public var system: System {
        get { box.system }
        _modify { yield &box.system }
    }

    /// Number of unknowns.
    public var stateCount: Int { stateVector.count }

    /// Current integrator time (the time of the last returned solution).
    public private(set) var time: Double

    /// The linear solver in use: `.condensed` when the system's ``DAESystem/condensableBlocks``
    /// passed the structural check at construction (and KLU was not forced), `.klu` otherwise.
    public private(set) var linearSolverKind: LinearSolverKind = .klu
    /// Why the solver uses KLU on the whole matrix (nil when it condenses).
    public private(set) var linearSolverFallbackReason: String?
    /// Number of unknowns KLU factorises after condensation (nil with KLU on the whole matrix).
    public private(set) var condensedSkeletonCount: Int?
    /// How the condensed solver factorises its skeleton (nil with KLU on the whole matrix).
    public private(set) var condensedSkeletonSolver: SkeletonSolverKind?
    /// The skeleton's shape in words: the bordered band's size, half-bandwidths and border, or
    /// KLU's non-zeros (nil with KLU on the whole matrix).
    public private(set) var condensedSkeletonDescription: String?
    private var condensedSolver: CondensedSolverHandle?

    /// Counters of the condensed linear solver over the solver's life (nil with KLU on the whole
    /// matrix): set-ups, solves, full KLU factorisations of the skeleton (the first, and after a
    /// poor condition estimate; none with the bordered band) and set-ups refused for a zero or tiny
    /// block pivot or an unusable bordered-band pivot (each makes IDA retry with a smaller step).
    public var condensedStatistics: (setups: Int, solves: Int, fullFactorizations: Int, pivotFailures: Int)? {
        guard let stats = condensedSolver?.statistics else { return nil }
        return (stats.setups, stats.solves, stats.full_factorisations, stats.pivot_failures)
    }

    /// Creates the integrator at t₀ with the given y(t₀), ẏ(t₀) and attaches the linear solver
    /// (``SolverOptions/linearSolver``: the condensed solver if the system's blocks pass the
    /// structural check, else KLU) on the system's sparsity pattern. The initial values need not be consistent if
    /// ``computeConsistentInitialConditions(firstOutputTime:)`` is called before integrating.
    public init(system: System, time t0: Double, state y0: [Double], derivative yp0: [Double],
                options: SolverOptions = SolverOptions()) throws(SolverError) {
        let n = system.stateCount
        guard y0.count == n, yp0.count == n, system.differentialMask.count == n,
              system.jacobianPattern.dimension == n else {
            throw SolverError(function: "IDASolver.init", flag: -22, flagName: "IDA_ILL_INPUT",
                              message: "state (\(y0.count)), derivative (\(yp0.count)), differential mask "
                              + "(\(system.differentialMask.count)) and Jacobian pattern "
                              + "(\(system.jacobianPattern.dimension)) must all have the system's size \(n)")
        }
        let context = try SundialsContext()
        box = CallbackBox(system: system, pattern: system.jacobianPattern)
        stateVector = try SerialVector(y0, context: context)
        derivativeVector = try SerialVector(yp0, context: context)
        memory = try IDAMemoryHandle(context: context)
        self.options = options
        quadratureVector = system.quadratureCount > 0 ? try SerialVector(count: system.quadratureCount, context: context) : nil
        quadratureVector?.buffer.initialize(repeating: 0)
        time = t0
        rootSigns = []
        activeRootCount = 0

        let mem = memory.raw
        let userData = Unmanaged.passUnretained(box).toOpaque()
        try check(IDASetErrHandlerFn(mem, errorHandlerTrampoline, userData), "IDASetErrHandlerFn")
        try check(IDAInit(mem, residualTrampoline, t0, stateVector.raw, derivativeVector.raw), "IDAInit")
        try check(IDASetUserData(mem, userData), "IDASetUserData")

        switch options.absoluteTolerance {
        case .scalar(let atol):
            try check(IDASStolerances(mem, options.relativeTolerance, atol), "IDASStolerances")
        case .vector(let atol):
            guard atol.count == n else {
                throw SolverError(function: "IDASVtolerances", flag: -22, flagName: "IDA_ILL_INPUT",
                                  message: "absolute tolerance vector has \(atol.count) components, the system \(n)")
            }
            let tolerance = try SerialVector(atol, context: context)
            try check(IDASVtolerances(mem, options.relativeTolerance, tolerance.raw), "IDASVtolerances")
        }

        let id = try SerialVector(system.differentialMask.map { $0 ? 1.0 : 0.0 }, context: context)
        try check(IDASetId(mem, id.raw), "IDASetId")
        try check(IDASetMaxNumSteps(mem, options.maxSteps), "IDASetMaxNumSteps")
        try check(IDASetMaxOrd(mem, Int32(options.maxOrder)), "IDASetMaxOrd")
        try check(IDASetMaxNonlinIters(mem, Int32(options.maxNonlinearIterations)), "IDASetMaxNonlinIters")
        try check(IDASetMaxConvFails(mem, Int32(options.maxConvergenceFailures)), "IDASetMaxConvFails")
        try check(IDASetMaxErrTestFails(mem, Int32(options.maxErrorTestFailures)), "IDASetMaxErrTestFails")
        if let hmax = options.maxStepSize { try check(IDASetMaxStep(mem, hmax), "IDASetMaxStep") }
        if let h0 = options.initialStepSize { try check(IDASetInitStep(mem, h0), "IDASetInitStep") }
        try check(IDASetDeltaCjLSetup(mem, options.jacobianRefreshThreshold), "IDASetDeltaCjLSetup")
        if options.suppressAlgebraicErrorControl {
            try check(IDASetSuppressAlg(mem, 1), "IDASetSuppressAlg")
        }

        let matrix = try SparseMatrixHandle(pattern: system.jacobianPattern, context: context)
        let linearSolver: SUNLinearSolver
        let linearSolverOwner: AnyObject
        var plan: CondensationPlan?
        if options.linearSolver == .klu {
            linearSolverFallbackReason = "KLU requested by SolverOptions.linearSolver"
        } else {
            do {
                plan = try CondensationPlan(pattern: system.jacobianPattern, blocks: system.condensableBlocks)
            } catch {
                linearSolverFallbackReason = error.description
            }
        }
        if let plan {
            let handle = try CondensedSolverHandle(plan: plan, matrix: matrix, context: context)
            linearSolver = handle.raw
            linearSolverOwner = handle
            linearSolverKind = .condensed
            condensedSolver = handle
            condensedSkeletonCount = plan.skeletonCount
            condensedSkeletonSolver = plan.skeletonSolver
            condensedSkeletonDescription = plan.skeletonDescription
        } else {
            let handle = try KLUSolverHandle(template: stateVector, matrix: matrix)
            linearSolver = handle.raw
            linearSolverOwner = handle
            linearSolverKind = .klu
        }
        try check(IDASetLinearSolver(mem, linearSolver, matrix.raw), "IDASetLinearSolver")
        try check(IDASetJacFn(mem, jacobianTrampoline), "IDASetJacFn")
        memory.attached = [id, linearSolverOwner, matrix]

        if let quadratureVector {
            box.quadratureCount = quadratureVector.count
            try check(IDAQuadInit(mem, quadratureTrampoline, quadratureVector.raw), "IDAQuadInit")
            if let tolerances = system.quadratureAbsoluteTolerances {
                let absolute = try SerialVector(tolerances, context: context)
                try check(IDASetQuadErrCon(mem, 1), "IDASetQuadErrCon")
                try check(IDAQuadSVtolerances(mem, options.relativeTolerance, absolute.raw), "IDAQuadSVtolerances")
            }
        }
        try configureRoots()
    }

    // MARK: State access

    /// The current solution y (a copy).
    public var state: [Double] { Array(stateVector.buffer) }

    /// The current time derivative ẏ (a copy).
    public var derivative: [Double] { Array(derivativeVector.buffer) }

    /// The quadratures Q_m at ``time``: their values when the solver was created (0) plus
    /// ∫ q_m dt since (a copy; empty for a system without quadratures). Re-initialisations carry
    /// them on.
    public var quadratures: [Double] { quadratureVector.map { Array($0.buffer) } ?? [] }

    /// Reads the current y and ẏ without copying. The buffers are valid only inside `body`.
    public func withCurrentSolution<R>(
        _ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) throws -> R
    ) rethrows -> R {
        try body(UnsafeBufferPointer(stateVector.buffer), UnsafeBufferPointer(derivativeVector.buffer))
    }

    // MARK: Integration

    /// Restarts the integrator at a new time and state, keeping every option, the linear solver and
    /// its symbolic factorisation (`IDAReInit`), and re-reading the system's root functions.
    public func reinitialize(time t0: Double, state y0: [Double], derivative yp0: [Double]) throws(SolverError) {
        stateVector.assign(y0)
        derivativeVector.assign(yp0)
        try reinitializeFromCurrentSolution(time: t0)
    }

    /// Restarts the integrator at time `t0` from the current y, ẏ (for example after the system's
    /// equations changed at an event).
    public func reinitializeFromCurrentSolution(time t0: Double) throws(SolverError) {
        time = t0
        statisticsBeforeRestart = cumulativeStatistics
        try check(IDAReInit(memory.raw, t0, stateVector.raw, derivativeVector.raw), "IDAReInit")
        if let quadratureVector { try check(IDAQuadReInit(memory.raw, quadratureVector.raw), "IDAQuadReInit") }
        try reinitializeSensitivities()
        try configureRoots()
    }

    /// Makes the current y, ẏ consistent with F = 0 (`IDACalcIC` with `IDA_YA_YDP_INIT`): given the
    /// differential components of y, solves for the algebraic components and for ẏ of the
    /// differential ones. `firstOutputTime` tells IDA the direction and scale of the coming integration.
    public func computeConsistentInitialConditions(firstOutputTime: Double) throws(SolverError) {
        try run("IDACalcIC") { IDACalcIC(memory.raw, IDA_YA_YDP_INIT, firstOutputTime) }
        try check(IDAGetConsistentIC(memory.raw, stateVector.raw, derivativeVector.raw), "IDAGetConsistentIC")
        try fetchConsistentSensitivities()
    }

    /// Sets a time IDA must not step past (an exact end of a protocol step, say). Cleared by
    /// ``reinitialize(time:state:derivative:)``.
    public func setStopTime(_ stopTime: Double) throws(SolverError) {
        try check(IDASetStopTime(memory.raw, stopTime), "IDASetStopTime")
    }

    /// Integrates towards `outputTime` and returns when it is reached (the solution is interpolated
    /// to it exactly) or a root function changes sign first (the solution is at the root).
    /// If it throws, ``time``, ``state`` and ``derivative`` hold IDA's last successful step.
    @discardableResult
    public func advance(to outputTime: Double) throws(SolverError) -> AdvanceResult {
        try solve(outputTime, task: IDA_NORMAL)
    }

    /// Takes one internal step towards `outputTime` and returns (the solution is at IDA's own step
    /// time, or at a root, or at `outputTime` if a stop time was set there).
    @discardableResult
    public func step(toward outputTime: Double) throws(SolverError) -> AdvanceResult {
        try solve(outputTime, task: IDA_ONE_STEP)
    }

    /// IDA's counters over the whole life of this solver, re-initialisations included.
    public var cumulativeStatistics: SolverStatistics { statisticsBeforeRestart + statistics }

    /// IDA's counters since the solver was created or last re-initialised.
    public var statistics: SolverStatistics {
        let mem = memory.raw
        var s = SolverStatistics()
        var value = 0
        IDAGetNumSteps(mem, &value); s.steps = value
        IDAGetNumResEvals(mem, &value); s.residualEvaluations = value
        IDAGetNumJacEvals(mem, &value); s.jacobianEvaluations = value
        IDAGetNumNonlinSolvIters(mem, &value); s.nonlinearIterations = value
        IDAGetNumErrTestFails(mem, &value); s.errorTestFailures = value
        IDAGetNumNonlinSolvConvFails(mem, &value); s.nonlinearConvergenceFailures = value
        IDAGetNumGEvals(mem, &value); s.rootFunctionEvaluations = value
        var order: Int32 = 0
        IDAGetLastOrder(mem, &order); s.lastOrder = Int(order)
        var h = 0.0
        IDAGetLastStep(mem, &h); s.lastStepSize = h
        return s
    }

    // MARK: Private

    private func solve(_ outputTime: Double, task: Int32) throws(SolverError) -> AdvanceResult {
        var reached = time
        // On failure IDA still returns the solution at its last successful step: keep its time,
        // and the quadratures there (unchanged if IDA cannot give them, as before any step).
        defer {
            time = reached
            if let quadratureVector { _ = IDAGetQuadDky(memory.raw, reached, 0, quadratureVector.raw) }
            fetchSensitivities(at: reached)
        }
        let flag = try run("IDASolve") {
            IDASolve(memory.raw, outputTime, &reached, stateVector.raw, derivativeVector.raw, task)
        }
        guard flag == IDA_ROOT_RETURN else { return .reachedTime }
        try check(IDAGetRootInfo(memory.raw, &rootSigns), "IDAGetRootInfo")
        var indices: [Int] = []
        var directions: [Int] = []
        for (k, sign) in rootSigns.enumerated() where sign != 0 {
            indices.append(k)
            directions.append(Int(sign))
        }
        return .root(indices: indices, directions: directions)
    }

    private func configureRoots() throws(SolverError) {
        let count = box.system.rootCount
        if count == 0 && activeRootCount == 0 { return }
        box.rootCount = count
        try check(IDARootInit(memory.raw, Int32(count), count > 0 ? rootTrampoline : nil), "IDARootInit")
        if count > 0 { IDASetNoInactiveRootWarn(memory.raw) }
        rootSigns = [Int32](repeating: 0, count: count)
        activeRootCount = count
    }

    /// Runs an IDA call that may invoke the callbacks; turns a negative flag into a SolverError
    /// carrying IDA's message and any error a callback threw.
    @discardableResult
    private func run(_ function: String, _ call: () -> Int32) throws(SolverError) -> Int32 {
        box.pendingError = nil
        box.lastMessage = ""
        let flag = call()
        guard flag < 0 else { return flag }
        var failureTime = 0.0
        let hasTime = IDAGetCurrentTime(memory.raw, &failureTime) == IDA_SUCCESS
        let error = SolverError(function: function, flag: Int(flag), flagName: idaFlagName(flag),
                                message: box.lastMessage, time: hasTime ? failureTime : nil,
                                underlying: box.pendingError)
        box.pendingError = nil
        throw error
    }

    private func check(_ flag: Int32, _ function: String) throws(SolverError) {
        guard flag < 0 else { return }
        throw SolverError(function: function, flag: Int(flag), flagName: idaFlagName(flag),
                          message: box.lastMessage)
    }
}

// MARK: - Callbacks

/// Non-generic face of the callback state, so the C trampolines (which cannot be generic or capture
/// context) can reach the statically specialised system through one virtual call.
class CallbackBase {
    var pendingError: (any Error)?
    var lastMessage = ""
    var rootCount = 0
    var quadratureCount = 0

    func evaluateResidual(_ t: Double, _ y: N_Vector, _ yp: N_Vector, _ r: N_Vector) -> Int32 { fatalError("abstract") }
    func evaluateJacobian(_ t: Double, _ cj: Double, _ y: N_Vector, _ yp: N_Vector, _ matrix: SUNMatrix) -> Int32 { fatalError("abstract") }
    func evaluateRoots(_ t: Double, _ y: N_Vector, _ yp: N_Vector, _ g: UnsafeMutablePointer<Double>) -> Int32 { fatalError("abstract") }
    func evaluateQuadratures(_ t: Double, _ y: N_Vector, _ yp: N_Vector, _ q: N_Vector) -> Int32 { fatalError("abstract") }
    func evaluateSensitivityResiduals(_ count: Int, _ t: Double, _ y: N_Vector, _ yp: N_Vector,
                                      _ yS: UnsafeMutablePointer<N_Vector?>, _ ypS: UnsafeMutablePointer<N_Vector?>,
                                      _ resS: UnsafeMutablePointer<N_Vector?>) -> Int32 { fatalError("abstract") }
    func evaluateQuadratureSensitivities(_ count: Int, _ t: Double, _ y: N_Vector, _ yp: N_Vector,
                                         _ yS: UnsafeMutablePointer<N_Vector?>, _ ypS: UnsafeMutablePointer<N_Vector?>,
                                         _ rhsQS: UnsafeMutablePointer<N_Vector?>) -> Int32 { fatalError("abstract") }

    /// Runs a system evaluation and returns IDA's flag for it: 0 success, > 0 recoverable (retry
    /// with a smaller step), < 0 fatal; the error is kept for the solver to rethrow.
    @inline(__always)
    final func flag(of evaluation: () throws -> Void) -> Int32 {
        do {
            try evaluation()
            return 0
        } catch {
            pendingError = error
            return error is any RecoverableEvaluationError ? 1 : -1
        }
    }
}

final class CallbackBox<System: DAESystem>: CallbackBase {
    var system: System
    let n: Int
    let columnStarts: [sunindextype]
    let rowIndices: [sunindextype]
    /// The Jacobians and ∂F/∂θ scratch of forward sensitivities, once enabled.
    var sensitivityScratch: SensitivityScratch?

    init(system: System, pattern: SparsityPattern) {
        self.system = system
        n = pattern.dimension
        columnStarts = pattern.columnStarts.map { sunindextype($0) }
        rowIndices = pattern.rowIndices.map { sunindextype($0) }
    }

    @inline(__always)
    private func view(_ v: N_Vector) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: N_VGetArrayPointer(v), count: n)
    }

    override func evaluateResidual(_ t: Double, _ y: N_Vector, _ yp: N_Vector, _ r: N_Vector) -> Int32 {
        flag {
            try system.residual(time: t, state: view(y), derivative: view(yp),
                                into: UnsafeMutableBufferPointer(start: N_VGetArrayPointer(r), count: n))
        }
    }

    override func evaluateSensitivityResiduals(_ count: Int, _ t: Double, _ y: N_Vector, _ yp: N_Vector,
                                               _ yS: UnsafeMutablePointer<N_Vector?>, _ ypS: UnsafeMutablePointer<N_Vector?>,
                                               _ resS: UnsafeMutablePointer<N_Vector?>) -> Int32 {
        sensitivityResiduals(count, t, y, yp, yS, ypS, resS)
    }

    override func evaluateQuadratureSensitivities(_ count: Int, _ t: Double, _ y: N_Vector, _ yp: N_Vector,
                                                  _ yS: UnsafeMutablePointer<N_Vector?>, _ ypS: UnsafeMutablePointer<N_Vector?>,
                                                  _ rhsQS: UnsafeMutablePointer<N_Vector?>) -> Int32 {
        quadratureSensitivities(count, t, y, yp, yS, ypS, rhsQS)
    }

    override func evaluateJacobian(_ t: Double, _ cj: Double, _ y: N_Vector, _ yp: N_Vector, _ matrix: SUNMatrix) -> Int32 {
        // IDA zeroes the whole sparse matrix, index arrays included, before each call:
        // restore the fixed pattern, then let the system fill in the values.
        let starts = SUNSparseMatrix_IndexPointers(matrix)!
        let rows = SUNSparseMatrix_IndexValues(matrix)!
        columnStarts.withUnsafeBufferPointer { starts.update(from: $0.baseAddress!, count: $0.count) }
        rowIndices.withUnsafeBufferPointer { rows.update(from: $0.baseAddress!, count: $0.count) }
        let values = UnsafeMutableBufferPointer(start: SUNSparseMatrix_Data(matrix), count: rowIndices.count)
        return flag { try system.jacobian(time: t, state: view(y), derivative: view(yp), cj: cj, into: values) }
    }

    override func evaluateRoots(_ t: Double, _ y: N_Vector, _ yp: N_Vector, _ g: UnsafeMutablePointer<Double>) -> Int32 {
        flag {
            try system.roots(time: t, state: view(y), derivative: view(yp),
                             into: UnsafeMutableBufferPointer(start: g, count: rootCount))
        }
    }

    override func evaluateQuadratures(_ t: Double, _ y: N_Vector, _ yp: N_Vector, _ q: N_Vector) -> Int32 {
        flag {
            try system.quadratureIntegrands(time: t, state: view(y), derivative: view(yp),
                                            into: UnsafeMutableBufferPointer(start: N_VGetArrayPointer(q), count: quadratureCount))
        }
    }
}

@inline(__always)
private func callbacks(_ userData: UnsafeMutableRawPointer?) -> CallbackBase {
    Unmanaged<CallbackBase>.fromOpaque(userData!).takeUnretainedValue()
}

private func residualTrampoline(_ t: sunrealtype, _ y: N_Vector?, _ yp: N_Vector?, _ r: N_Vector?,
                                _ userData: UnsafeMutableRawPointer?) -> Int32 {
    callbacks(userData).evaluateResidual(t, y!, yp!, r!)
}

private func jacobianTrampoline(_ t: sunrealtype, _ cj: sunrealtype, _ y: N_Vector?, _ yp: N_Vector?,
                                _ r: N_Vector?, _ matrix: SUNMatrix?, _ userData: UnsafeMutableRawPointer?,
                                _ tmp1: N_Vector?, _ tmp2: N_Vector?, _ tmp3: N_Vector?) -> Int32 {
    callbacks(userData).evaluateJacobian(t, cj, y!, yp!, matrix!)
}

private func rootTrampoline(_ t: sunrealtype, _ y: N_Vector?, _ yp: N_Vector?,
                            _ g: UnsafeMutablePointer<sunrealtype>?, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    callbacks(userData).evaluateRoots(t, y!, yp!, g!)
}

private func quadratureTrampoline(_ t: sunrealtype, _ y: N_Vector?, _ yp: N_Vector?, _ q: N_Vector?,
                                  _ userData: UnsafeMutableRawPointer?) -> Int32 {
    callbacks(userData).evaluateQuadratures(t, y!, yp!, q!)
}

private func errorHandlerTrampoline(_ code: Int32, _ module: UnsafePointer<CChar>?, _ function: UnsafePointer<CChar>?,
                                    _ message: UnsafeMutablePointer<CChar>?, _ userData: UnsafeMutableRawPointer?) {
    guard let userData, let message else { return }
    callbacks(userData).lastMessage = String(cString: message)
}
