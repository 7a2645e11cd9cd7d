import CSundials
import CVectorOps
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Owners of the C objects behind a solver. Each holds strong references to what it depends on,
// so Swift's reference counting frees them in a valid order: IDA memory before the linear solver,
// matrix and vectors, and the SUNContext last of all.

/// A `SUNContext`: every other SUNDIALS object is created in one and must be freed before it.
final class SundialsContext {
    let raw: SUNContext

    init() throws(SolverError) {
        var context: SUNContext?
        let flag = SUNContext_Create(nil, &context)
        guard flag == 0, let context else {
            throw SolverError(function: "SUNContext_Create", flag: Int(flag), flagName: "SUN_ERR",
                              message: "could not create a SUNDIALS context")
        }
        raw = context
    }

    deinit {
        var context: SUNContext? = raw
        SUNContext_Free(&context)
    }
}

/// A serial `N_Vector` of doubles.
final class SerialVector {
    let raw: N_Vector
    let context: SundialsContext
    let count: Int

    init(count: Int, context: SundialsContext) throws(SolverError) {
        guard let vector = N_VNew_Serial(sunindextype(count), context.raw) else {
            throw SolverError(function: "N_VNew_Serial", flag: -1, flagName: "SUN_ERR_MEM",
                              message: "could not allocate a vector of \(count) components")
        }
        solidcell_use_compiled_vector_ops(vector)
        raw = vector
        self.context = context
        self.count = count
    }

    convenience init(_ values: [Double], context: SundialsContext) throws(SolverError) {
        try self.init(count: values.count, context: context)
        assign(values)
    }

    var buffer: UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(start: N_VGetArrayPointer(raw), count: count)
    }

    func assign(_ values: [Double]) {
        precondition(values.count == count, "vector length \(values.count) ≠ \(count)")
        let destination = buffer
        for i in 0..<count { destination[i] = values[i] }
    }

    deinit { N_VDestroy(raw) }
}

/// A CSC `SUNMatrix` sized for one sparsity pattern.
final class SparseMatrixHandle {
    let raw: SUNMatrix
    let context: SundialsContext

    init(pattern: SparsityPattern, context: SundialsContext) throws(SolverError) {
        let n = sunindextype(pattern.dimension)
        guard let matrix = SUNSparseMatrix(n, n, sunindextype(max(pattern.nonZeroCount, 1)),
                                           Int32(CSC_MAT), context.raw) else {
            throw SolverError(function: "SUNSparseMatrix", flag: -1, flagName: "SUN_ERR_MEM",
                              message: "could not allocate a \(pattern.dimension)² sparse matrix")
        }
        solidcell_use_compiled_matrix_zero(matrix)
        raw = matrix
        self.context = context
    }

    deinit { SUNMatDestroy(raw) }
}

/// The KLU sparse direct `SUNLinearSolver`.
final class KLUSolverHandle {
    let raw: SUNLinearSolver
    let matrix: SparseMatrixHandle
    let template: SerialVector

    init(template: SerialVector, matrix: SparseMatrixHandle) throws(SolverError) {
        guard let solver = SUNLinSol_KLU(template.raw, matrix.raw, template.context.raw) else {
            throw SolverError(function: "SUNLinSol_KLU", flag: -1, flagName: "SUNLS_MEM_FAIL",
                              message: "could not create the KLU linear solver")
        }
        // IDA initialises its linear solver again after every IDAReInit (a protocol step's switch-on),
        // and KLU's initialise discards the symbolic analysis, forcing klu_analyze and a full
        // klu_factor. The sparsity pattern never changes, so keep them: the next setup refactors
        // numerically (and factors afresh if the condition estimate says the pivots went bad).
        solver.pointee.ops.pointee.initialize = { _ in Int32(SUNLS_SUCCESS) }
        raw = solver
        self.matrix = matrix
        self.template = template
    }

    deinit { _ = SUNLinSolFree(raw) }
}

/// IDA's integrator memory, keeping alive everything IDA points to.
final class IDAMemoryHandle {
    let raw: UnsafeMutableRawPointer
    let context: SundialsContext
    var attached: [AnyObject] = []

    init(context: SundialsContext) throws(SolverError) {
        guard let memory = IDACreate(context.raw) else {
            throw SolverError(function: "IDACreate", flag: -1, flagName: "IDA_MEM_FAIL",
                              message: "could not allocate IDA memory")
        }
        raw = memory
        self.context = context
    }

    deinit {
        var memory: UnsafeMutableRawPointer? = raw
        IDAFree(&memory)
    }
}

/// IDA's symbolic name for a return flag (IDA allocates the string; it is freed here).
func idaFlagName(_ flag: Int32) -> String {
    guard let name = IDAGetReturnFlagName(Int(flag)) else { return "IDA flag \(flag)" }
    defer { free(name) }
    return String(cString: name)
}
