import CSundials

/// ∂F/∂θᵢ(t, y, ẏ) of a DAE's residual with respect to its i-th parameter, written into the last
/// argument; called from inside IDAS, so it must not allocate.
public typealias ParameterDerivative = (_ parameter: Int, _ time: Double, _ state: UnsafeBufferPointer<Double>,
                                        _ derivative: UnsafeBufferPointer<Double>,
                                        _ into: UnsafeMutableBufferPointer<Double>) throws -> Void

/// dq/dθᵢ of a DAE's quadrature integrands q(t, y, ẏ; θ) along the i-th sensitivity,
/// q_y sᵢ + q_ẏ ṡᵢ + ∂q/∂θᵢ, written into the last argument; called from inside IDAS once per step,
/// so it must not allocate.
public typealias QuadratureParameterDerivative = (_ parameter: Int, _ time: Double, _ state: UnsafeBufferPointer<Double>,
                                                  _ derivative: UnsafeBufferPointer<Double>,
                                                  _ sensitivity: UnsafeBufferPointer<Double>,
                                                  _ sensitivityDerivative: UnsafeBufferPointer<Double>,
                                                  _ into: UnsafeMutableBufferPointer<Double>) throws -> Void

/// The forward sensitivities sᵢ = ∂y/∂θᵢ carried by an ``IDASolver`` (IDAS, staggered corrector).
///
/// They obey the linear DAE F_y sᵢ + F_ẏ ṡᵢ + F_θᵢ = 0. Its residual is formed from the system's own
/// exact Jacobian, evaluated at c_j = 0 (F_y) and at c_j = 1 (F_y + F_ẏ), and the system's
/// ``ParameterDerivative``; its iteration matrix is the one IDA already factorises, so every
/// sensitivity costs one more linear solve per corrector iteration. The sensitivities are in the
/// error test (so they are as accurate as the solution), with the states' tolerances.
///
/// The quadratures' sensitivities ∂Q/∂θᵢ, when the system has quadratures and a
/// ``QuadratureParameterDerivative`` is given, are integrated by IDAS alongside (dQ/dθᵢ = ∫ dq/dθᵢ dt),
/// in the error test when the quadratures are (``DAESystem/quadratureAbsoluteTolerances``).
final class SensitivityStorage {
    let count: Int
    let vectors: [SerialVector]
    let derivativeVectors: [SerialVector]
    let quadratureVectors: [SerialVector]
    let pointers: UnsafeMutablePointer<N_Vector?>
    let derivativePointers: UnsafeMutablePointer<N_Vector?>
    let quadraturePointers: UnsafeMutablePointer<N_Vector?>

    init(count: Int, length: Int, quadratures: Int, context: SundialsContext) throws(SolverError) {
        self.count = count
        var vectors: [SerialVector] = [], derivatives: [SerialVector] = [], totals: [SerialVector] = []
        for _ in 0..<count {
            vectors.append(try SerialVector(count: length, context: context))
            derivatives.append(try SerialVector(count: length, context: context))
            if quadratures > 0 { totals.append(try SerialVector(count: quadratures, context: context)) }
        }
        self.vectors = vectors
        derivativeVectors = derivatives
        quadratureVectors = totals
        pointers = .allocate(capacity: count)
        derivativePointers = .allocate(capacity: count)
        quadraturePointers = .allocate(capacity: count)
        for i in 0..<count {
            pointers[i] = vectors[i].raw
            derivativePointers[i] = derivatives[i].raw
            quadraturePointers[i] = nil
            if quadratures > 0 {
                quadraturePointers[i] = totals[i].raw
                totals[i].buffer.initialize(repeating: 0)
            }
        }
    }

    deinit {
        pointers.deallocate()
        derivativePointers.deallocate()
        quadraturePointers.deallocate()
    }
}

extension IDASolver {
    /// Switches forward sensitivities on for `initial.count` parameters, from sᵢ(t₀) = `initial[i]`
    /// and ṡᵢ(t₀) = `initialDerivative[i]` (made consistent by
    /// ``computeConsistentInitialConditions(firstOutputTime:)`` like the state). From then on
    /// every re-initialisation carries the current sensitivities on, and ``sensitivities`` holds
    /// them at ``time``.
    /// With `quadratureDerivative`, the quadratures' sensitivities are carried too, from 0
    /// (``quadratureSensitivities``).
    public func enableSensitivities(initial: [[Double]], initialDerivative: [[Double]],
                                    parameterDerivative: @escaping ParameterDerivative,
                                    quadratureDerivative: QuadratureParameterDerivative? = nil) throws(SolverError) {
        let count = initial.count
        guard count > 0, initialDerivative.count == count, initial.allSatisfy({ $0.count == stateCount }),
              initialDerivative.allSatisfy({ $0.count == stateCount }), sensitivityStorage == nil else {
            throw SolverError(function: "IDASolver.enableSensitivities", flag: -22, flagName: "IDA_ILL_INPUT",
                              message: "sensitivities need one initial vector and derivative of the system's size per parameter, once")
        }
        let quadratures = quadratureDerivative == nil ? 0 : box.quadratureCount
        let storage = try SensitivityStorage(count: count, length: stateCount, quadratures: quadratures, context: memory.context)
        for i in 0..<count {
            storage.vectors[i].assign(initial[i])
            storage.derivativeVectors[i].assign(initialDerivative[i])
        }
        box.enableSensitivities(count: count, parameterDerivative: parameterDerivative, quadratureDerivative: quadratureDerivative)
        let mem = memory.raw
        try checkSensitivity(IDASensInit(mem, Int32(count), IDA_STAGGERED, sensitivityResidualTrampoline,
                                         storage.pointers, storage.derivativePointers), "IDASensInit")
        var pbar = [Double](repeating: 1, count: count)
        try checkSensitivity(IDASetSensParams(mem, nil, &pbar, nil), "IDASetSensParams")
        try checkSensitivity(IDASensEEtolerances(mem), "IDASensEEtolerances")
        try checkSensitivity(IDASetSensErrCon(mem, 1), "IDASetSensErrCon")
        if quadratures > 0 {
            try checkSensitivity(IDAQuadSensInit(mem, quadratureSensitivityTrampoline, storage.quadraturePointers), "IDAQuadSensInit")
            if box.system.quadratureAbsoluteTolerances != nil {
                try checkSensitivity(IDASetQuadSensErrCon(mem, 1), "IDASetQuadSensErrCon")
                try checkSensitivity(IDAQuadSensEEtolerances(mem), "IDAQuadSensEEtolerances")
            }
        }
        sensitivityStorage = storage
    }

    /// ∂Qₘ/∂θᵢ at ``time`` (copies; empty without quadrature sensitivities).
    public var quadratureSensitivities: [[Double]] {
        sensitivityStorage?.quadratureVectors.map { Array($0.buffer) } ?? []
    }

    /// Replaces the carried quadrature sensitivities (after an event whose time depends on the
    /// parameters); they take effect at the next re-initialisation.
    public func setQuadratureSensitivities(_ values: [[Double]]) {
        guard let storage = sensitivityStorage else { return }
        for (vector, value) in zip(storage.quadratureVectors, values) { vector.assign(value) }
    }

    /// The quadrature integrands q(t, y, ẏ) at the current solution.
    public func quadratureIntegrandsAtCurrentSolution() throws -> [Double] {
        var q = [Double](repeating: 0, count: box.quadratureCount)
        try q.withUnsafeMutableBufferPointer { out in
            try withCurrentSolution { y, yp in try box.system.quadratureIntegrands(time: time, state: y, derivative: yp, into: out) }
        }
        return q
    }

    /// sᵢ = ∂y/∂θᵢ at ``time`` (copies; empty without sensitivities).
    public var sensitivities: [[Double]] {
        sensitivityStorage?.vectors.map { Array($0.buffer) } ?? []
    }

    /// Reads sᵢ at ``time`` without copying; the buffer is valid only inside `body`.
    public func withSensitivity<R>(_ i: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(sensitivityStorage!.vectors[i].buffer))
    }

    /// Number of sensitivities carried (0 before ``enableSensitivities(initial:initialDerivative:parameterDerivative:)``).
    public var sensitivityCount: Int { sensitivityStorage?.count ?? 0 }

    /// ṡᵢ at ``time`` (copies; empty without sensitivities).
    public var sensitivityDerivatives: [[Double]] {
        sensitivityStorage?.derivativeVectors.map { Array($0.buffer) } ?? []
    }

    /// Replaces the carried sensitivities (and their derivatives), for example after an event
    /// whose time depends on the parameters; they take effect at the next re-initialisation.
    public func setSensitivities(_ values: [[Double]], derivatives: [[Double]]) {
        guard let storage = sensitivityStorage else { return }
        for i in 0..<storage.count {
            storage.vectors[i].assign(values[i])
            storage.derivativeVectors[i].assign(derivatives[i])
        }
    }

    /// Reads the sensitivities of the current solution into the carried vectors (after a solve).
    func fetchSensitivities(at t: Double) {
        guard let storage = sensitivityStorage else { return }
        var reached = t
        _ = IDAGetSens(memory.raw, &reached, storage.pointers)
        _ = IDAGetSensDky(memory.raw, t, 1, storage.derivativePointers)
        if !storage.quadratureVectors.isEmpty { _ = IDAGetQuadSensDky(memory.raw, t, 0, storage.quadraturePointers) }
    }

    /// Restarts the sensitivities with the carried vectors (after `IDAReInit`).
    func reinitializeSensitivities() throws(SolverError) {
        guard let storage = sensitivityStorage else { return }
        try checkSensitivity(IDASensReInit(memory.raw, IDA_STAGGERED, storage.pointers, storage.derivativePointers),
                             "IDASensReInit")
        if !storage.quadratureVectors.isEmpty {
            try checkSensitivity(IDAQuadSensReInit(memory.raw, storage.quadraturePointers), "IDAQuadSensReInit")
        }
    }

    /// Reads the consistent initial sensitivities after `IDACalcIC`.
    func fetchConsistentSensitivities() throws(SolverError) {
        guard let storage = sensitivityStorage else { return }
        try checkSensitivity(IDAGetSensConsistentIC(memory.raw, storage.pointers, storage.derivativePointers),
                             "IDAGetSensConsistentIC")
    }

    private func checkSensitivity(_ flag: Int32, _ function: String) throws(SolverError) {
        guard flag < 0 else { return }
        throw SolverError(function: function, flag: Int(flag), flagName: idaFlagName(flag), message: box.lastMessage)
    }
}

/// The scratch of the sensitivity residual: the Jacobian at c_j = 0 and at c_j = 1, and ∂F/∂θᵢ;
/// and the quadratures' dq/dθᵢ.
final class SensitivityScratch {
    let parameterDerivative: ParameterDerivative
    let quadratureDerivative: QuadratureParameterDerivative?
    var stiffness: [Double]
    var stiffnessPlusMass: [Double]
    var parameterColumn: [Double]

    init(parameterDerivative: @escaping ParameterDerivative, quadratureDerivative: QuadratureParameterDerivative?,
         entries: Int, n: Int) {
        self.parameterDerivative = parameterDerivative
        self.quadratureDerivative = quadratureDerivative
        stiffness = [Double](repeating: 0, count: entries)
        stiffnessPlusMass = [Double](repeating: 0, count: entries)
        parameterColumn = [Double](repeating: 0, count: n)
    }
}

extension CallbackBox {
    func enableSensitivities(count: Int, parameterDerivative: @escaping ParameterDerivative,
                             quadratureDerivative: QuadratureParameterDerivative?) {
        sensitivityScratch = SensitivityScratch(parameterDerivative: parameterDerivative, quadratureDerivative: quadratureDerivative,
                                                entries: rowIndices.count, n: n)
    }

    /// rhsQSᵢ = dq/dθᵢ along sᵢ.
    func quadratureSensitivities(_ count: Int, _ t: Double, _ y: N_Vector, _ yp: N_Vector,
                                 _ yS: UnsafeMutablePointer<N_Vector?>, _ ypS: UnsafeMutablePointer<N_Vector?>,
                                 _ rhsQS: UnsafeMutablePointer<N_Vector?>) -> Int32 {
        guard let derivative = sensitivityScratch?.quadratureDerivative else { return -1 }
        return flag {
            let state = UnsafeBufferPointer(start: N_VGetArrayPointer(y), count: n)
            let rates = UnsafeBufferPointer(start: N_VGetArrayPointer(yp), count: n)
            for i in 0..<count {
                try derivative(i, t, state, rates,
                               UnsafeBufferPointer(start: N_VGetArrayPointer(yS[i]!), count: n),
                               UnsafeBufferPointer(start: N_VGetArrayPointer(ypS[i]!), count: n),
                               UnsafeMutableBufferPointer(start: N_VGetArrayPointer(rhsQS[i]!), count: quadratureCount))
            }
        }
    }

    /// resSᵢ = F_y sᵢ + F_ẏ ṡᵢ + F_θᵢ, with F_y = J(c_j = 0) and F_ẏ = J(1) − J(0).
    func sensitivityResiduals(_ count: Int, _ t: Double, _ y: N_Vector, _ yp: N_Vector,
                              _ yS: UnsafeMutablePointer<N_Vector?>, _ ypS: UnsafeMutablePointer<N_Vector?>,
                              _ resS: UnsafeMutablePointer<N_Vector?>) -> Int32 {
        guard let scratch = sensitivityScratch else { return -1 }
        return flag {
            let state = UnsafeBufferPointer(start: N_VGetArrayPointer(y), count: n)
            let derivative = UnsafeBufferPointer(start: N_VGetArrayPointer(yp), count: n)
            try scratch.stiffness.withUnsafeMutableBufferPointer {
                try system.jacobian(time: t, state: state, derivative: derivative, cj: 0, into: $0)
            }
            try scratch.stiffnessPlusMass.withUnsafeMutableBufferPointer {
                try system.jacobian(time: t, state: state, derivative: derivative, cj: 1, into: $0)
            }
            for i in 0..<count {
                let out = UnsafeMutableBufferPointer(start: N_VGetArrayPointer(resS[i]!), count: n)
                let s = UnsafeBufferPointer(start: N_VGetArrayPointer(yS[i]!), count: n)
                let sp = UnsafeBufferPointer(start: N_VGetArrayPointer(ypS[i]!), count: n)
                try scratch.parameterColumn.withUnsafeMutableBufferPointer {
                    try scratch.parameterDerivative(i, t, state, derivative, $0)
                }
                for k in 0..<n { out[k] = scratch.parameterColumn[k] }
                for column in 0..<n {
                    let sj = s[column], spj = sp[column]
                    if sj == 0 && spj == 0 { continue }
                    for entry in Int(columnStarts[column])..<Int(columnStarts[column + 1]) {
                        let stiff = scratch.stiffness[entry]
                        out[Int(rowIndices[entry])] += stiff * sj + (scratch.stiffnessPlusMass[entry] - stiff) * spj
                    }
                }
            }
        }
    }
}

func sensitivityResidualTrampoline(_ count: Int32, _ t: sunrealtype, _ y: N_Vector?, _ yp: N_Vector?, _ r: N_Vector?,
                                   _ yS: UnsafeMutablePointer<N_Vector?>?, _ ypS: UnsafeMutablePointer<N_Vector?>?,
                                   _ resS: UnsafeMutablePointer<N_Vector?>?, _ userData: UnsafeMutableRawPointer?,
                                   _ tmp1: N_Vector?, _ tmp2: N_Vector?, _ tmp3: N_Vector?) -> Int32 {
    Unmanaged<CallbackBase>.fromOpaque(userData!).takeUnretainedValue()
        .evaluateSensitivityResiduals(Int(count), t, y!, yp!, yS!, ypS!, resS!)
}

func quadratureSensitivityTrampoline(_ count: Int32, _ t: sunrealtype, _ y: N_Vector?, _ yp: N_Vector?,
                                     _ yS: UnsafeMutablePointer<N_Vector?>?, _ ypS: UnsafeMutablePointer<N_Vector?>?,
                                     _ rrQ: N_Vector?, _ rhsQS: UnsafeMutablePointer<N_Vector?>?, _ userData: UnsafeMutableRawPointer?,
                                     _ tmp1: N_Vector?, _ tmp2: N_Vector?, _ tmpQ: N_Vector?) -> Int32 {
    Unmanaged<CallbackBase>.fromOpaque(userData!).takeUnretainedValue()
        .evaluateQuadratureSensitivities(Int(count), t, y!, yp!, yS!, ypS!, rhsQS!)
}
