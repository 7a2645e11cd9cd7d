import CSundials

/// ∂F/∂θᵢ(t, y, ẏ) of a DAE's residual with respect to its i-th parameter, written into the last
/// argument; called from inside IDAS, so it must not allocate.
public typealias ParameterDerivative = (_ parameter: Int, _ time: Double, _ state: UnsafeBufferPointer<Double>,
                                        _ derivative: UnsafeBufferPointer<Double>,
                                        _ into: UnsafeMutableBufferPointer<Double>) throws -> Void

/// The forward sensitivities sᵢ = ∂y/∂θᵢ carried by an ``IDASolver`` (IDAS, staggered corrector).
///
/// They obey the linear DAE F_y sᵢ + F_ẏ ṡᵢ + F_θᵢ = 0. Its residual is formed from the system's own
/// exact Jacobian, evaluated at c_j = 0 (F_y) and at c_j = 1 (F_y + F_ẏ), and the system's
/// ``ParameterDerivative``; its iteration matrix is the one IDA already factorises, so every
/// sensitivity costs one more linear solve per corrector iteration. The sensitivities are in the
/// error test (so they are as accurate as the solution), with the states' tolerances.
final class SensitivityStorage {
    let count: Int
    let vectors: [SerialVector]
    let derivativeVectors: [SerialVector]
    let pointers: UnsafeMutablePointer<N_Vector?>
    let derivativePointers: UnsafeMutablePointer<N_Vector?>

    init(count: Int, length: Int, context: SundialsContext) throws(SolverError) {
        self.count = count
        var vectors: [SerialVector] = [], derivatives: [SerialVector] = []
        for _ in 0..<count {
            vectors.append(try SerialVector(count: length, context: context))
            derivatives.append(try SerialVector(count: length, context: context))
        }
        self.vectors = vectors
        derivativeVectors = derivatives
        pointers = .allocate(capacity: count)
        derivativePointers = .allocate(capacity: count)
        for i in 0..<count {
            pointers[i] = vectors[i].raw
            derivativePointers[i] = derivatives[i].raw
        }
    }

    deinit {
        pointers.deallocate()
        derivativePointers.deallocate()
    }
}

extension IDASolver {
    /// Switches forward sensitivities on for `initial.count` parameters, from sᵢ(t₀) = `initial[i]`
    /// and ṡᵢ(t₀) = `initialDerivative[i]` (made consistent by
    /// ``computeConsistentInitialConditions(firstOutputTime:)`` like the state). From then on
    /// every re-initialisation carries the current sensitivities on, and ``sensitivities`` holds
    /// them at ``time``.
    public func enableSensitivities(initial: [[Double]], initialDerivative: [[Double]],
                                    parameterDerivative: @escaping ParameterDerivative) throws(SolverError) {
        let count = initial.count
        guard count > 0, initialDerivative.count == count, initial.allSatisfy({ $0.count == stateCount }),
              initialDerivative.allSatisfy({ $0.count == stateCount }), sensitivityStorage == nil else {
            throw SolverError(function: "IDASolver.enableSensitivities", flag: -22, flagName: "IDA_ILL_INPUT",
                              message: "sensitivities need one initial vector and derivative of the system's size per parameter, once")
        }
        let storage = try SensitivityStorage(count: count, length: stateCount, context: memory.context)
        for i in 0..<count {
            storage.vectors[i].assign(initial[i])
            storage.derivativeVectors[i].assign(initialDerivative[i])
        }
        box.enableSensitivities(count: count, parameterDerivative: parameterDerivative)
        let mem = memory.raw
        try checkSensitivity(IDASensInit(mem, Int32(count), IDA_STAGGERED, sensitivityResidualTrampoline,
                                         storage.pointers, storage.derivativePointers), "IDASensInit")
        var pbar = [Double](repeating: 1, count: count)
        try checkSensitivity(IDASetSensParams(mem, nil, &pbar, nil), "IDASetSensParams")
        try checkSensitivity(IDASensEEtolerances(mem), "IDASensEEtolerances")
        try checkSensitivity(IDASetSensErrCon(mem, 1), "IDASetSensErrCon")
        sensitivityStorage = storage
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
    }

    /// Restarts the sensitivities with the carried vectors (after `IDAReInit`).
    func reinitializeSensitivities() throws(SolverError) {
        guard let storage = sensitivityStorage else { return }
        try checkSensitivity(IDASensReInit(memory.raw, IDA_STAGGERED, storage.pointers, storage.derivativePointers),
                             "IDASensReInit")
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

/// The scratch of the sensitivity residual: the Jacobian at c_j = 0 and at c_j = 1, and ∂F/∂θᵢ.
final class SensitivityScratch {
    let parameterDerivative: ParameterDerivative
    var stiffness: [Double]
    var stiffnessPlusMass: [Double]
    var parameterColumn: [Double]

    init(parameterDerivative: @escaping ParameterDerivative, entries: Int, n: Int) {
        self.parameterDerivative = parameterDerivative
        stiffness = [Double](repeating: 0, count: entries)
        stiffnessPlusMass = [Double](repeating: 0, count: entries)
        parameterColumn = [Double](repeating: 0, count: n)
    }
}

extension CallbackBox {
    func enableSensitivities(count: Int, parameterDerivative: @escaping ParameterDerivative) {
        sensitivityScratch = SensitivityScratch(parameterDerivative: parameterDerivative, entries: rowIndices.count, n: n)
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
