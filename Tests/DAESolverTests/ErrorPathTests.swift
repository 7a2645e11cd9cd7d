import Testing
@testable import DAESolver

struct EvaluationFailure: Error, Equatable {}
struct TransientFailure: RecoverableEvaluationError, Equatable {}

/// y' = −y whose residual can be told to fail after some time.
struct FailingDecay: DAESystem {
    enum Failure { case none, fatal, recoverable, recoverableOnce }
    var failure: Failure
    var failAfter: Double
    var failuresRaised = 0
    let stateCount = 1
    let differentialMask = [true]
    let jacobianPattern = SparsityPattern(dimension: 1, entries: [(0, 0)])

    mutating func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                           into r: UnsafeMutableBufferPointer<Double>) throws {
        if time > failAfter {
            switch failure {
            case .none: break
            case .fatal: throw EvaluationFailure()
            case .recoverable:
                failuresRaised += 1
                throw TransientFailure()
            case .recoverableOnce where failuresRaised == 0:
                failuresRaised += 1
                throw TransientFailure()
            case .recoverableOnce: break
            }
        }
        r[0] = yp[0] + y[0]
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        v[0] = cj + 1
    }
}

/// y1' = −y1 and an algebraic equation that does not involve y2: ∂F/∂y is singular.
struct SingularSystem: DAESystem {
    let stateCount = 2
    let differentialMask = [true, false]
    let jacobianPattern = SparsityPattern(dimension: 2, entries: [(0, 0), (1, 0), (1, 1)])

    func residual(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  into r: UnsafeMutableBufferPointer<Double>) {
        r[0] = yp[0] + y[0]
        r[1] = y[0] - 1
    }

    func jacobian(time: Double, state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                  cj: Double, into v: UnsafeMutableBufferPointer<Double>) {
        v[0] = cj + 1
        v[1] = 1
        v[2] = 0
    }
}

@Suite("Solver error paths")
struct ErrorPathTests {
    @Test("a residual that throws ends the solve with IDA_RES_FAIL and the thrown error")
    func fatalCallback() throws {
        let solver = try IDASolver(system: FailingDecay(failure: .fatal, failAfter: 0.5), time: 0,
                                   state: [1], derivative: [-1])
        let error = #expect(throws: SolverError.self) { try solver.advance(to: 1) }
        #expect(error?.flagName == "IDA_RES_FAIL")
        #expect(error?.function == "IDASolve")
        #expect(error?.underlying as? EvaluationFailure == EvaluationFailure())
        #expect(!(error?.message.isEmpty ?? true))
        #expect((error?.time ?? 0) > 0.4)
    }

    @Test("a one-off recoverable failure is retried with a smaller step and the solve succeeds")
    func recoverableOnce() throws {
        let solver = try IDASolver(system: FailingDecay(failure: .recoverableOnce, failAfter: 0.5), time: 0,
                                   state: [1], derivative: [-1])
        try solver.advance(to: 1)
        #expect(solver.system.failuresRaised == 1)
        #expect(abs(solver.state[0] - 0.36787944117144233) < 1e-4)
    }

    @Test("a persistent recoverable failure stalls IDA at the failing time and is reported with its cause")
    func recoverablePersistent() throws {
        let solver = try IDASolver(system: FailingDecay(failure: .recoverable, failAfter: 0.5), time: 0,
                                   state: [1], derivative: [-1])
        let error = #expect(throws: SolverError.self) { try solver.advance(to: 1) }
        // IDA keeps cutting the step and creeping up to t = 0.5 until a limit trips.
        #expect(["IDA_TOO_MUCH_WORK", "IDA_CONV_FAIL", "IDA_REP_RES_ERR"].contains(error?.flagName ?? ""))
        #expect(error?.underlying as? TransientFailure == TransientFailure())
        #expect(abs((error?.time ?? 0) - 0.5) < 1e-6)
        #expect(solver.system.failuresRaised > 1)
    }

    @Test("exceeding the step limit gives IDA_TOO_MUCH_WORK, and the solver can go on afterwards")
    func tooMuchWork() throws {
        var options = SolverOptions.idaDefaults
        options.maxSteps = 10
        options.absoluteTolerance = .vector([1e-8, 1e-6, 1e-6])
        let solver = try IDASolver(system: Robertson(rootCount: 0), time: 0, state: [1, 0, 0],
                                   derivative: [-0.04, 0.04, 0], options: options)
        let error = #expect(throws: SolverError.self) { try solver.advance(to: 4e10) }
        #expect(error?.flagName == "IDA_TOO_MUCH_WORK")
        #expect(error?.message.contains("mxstep") == true)
        #expect(solver.statistics.steps == 10)
        // The limit applies per call: the next call carries on from where the last one stopped.
        let stoppedAt = solver.time
        _ = try? solver.advance(to: 4e10)
        #expect(solver.time > stoppedAt)
    }

    @Test("a singular Jacobian is reported as a linear-solver failure")
    func singularJacobian() throws {
        let solver = try IDASolver(system: SingularSystem(), time: 0, state: [1, 0], derivative: [-1, 0])
        let error = #expect(throws: SolverError.self) { try solver.advance(to: 1) }
        #expect(["IDA_LSETUP_FAIL", "IDA_CONV_FAIL", "IDA_LSOLVE_FAIL"].contains(error?.flagName ?? ""))
        #expect(error?.function == "IDASolve")
    }

    @Test("ill-sized input is rejected before any C call")
    func illSized() {
        #expect(throws: SolverError.self) {
            _ = try IDASolver(system: ConstrainedDecay(), time: 0, state: [1], derivative: [0, 0])
        }
    }
}
