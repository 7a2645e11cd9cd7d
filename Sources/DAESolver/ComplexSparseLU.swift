import CSundials

/// Sparse direct solution of A x = b for a complex N×N matrix A on a fixed ``SparsityPattern``,
/// with SuiteSparse KLU's complex routines (`klu_z_factor`, `klu_z_solve`).
///
/// The symbolic analysis (block triangular form and a fill-reducing ordering of each block) depends
/// only on the pattern, so it is done once, in `init`; every ``factor(real:imaginary:)`` is then a
/// numeric LU with partial pivoting (KLU's default threshold 0.001 and row scaling by the largest
/// entry of each row), and ``solve(_:)`` two triangular solves. KLU stores complex values as
/// interleaved (real, imaginary) pairs; this type converts to and from ``Complex``.
///
/// The object owns its KLU handles and frees them when released. It is not thread-safe.
public final class ComplexSparseLU {
    public let pattern: SparsityPattern
    private let common: UnsafeMutablePointer<klu_common>
    private var columnStarts: [Int32]
    private var rowIndices: [Int32]
    private var symbolic: UnsafeMutablePointer<klu_symbolic>?
    private var numeric: UnsafeMutablePointer<klu_numeric>?
    /// Interleaved (re, im) values of A, 2 nnz.
    private var values: [Double]
    /// Interleaved right-hand side / solution, 2 N.
    private var work: [Double]

    /// Analyses the pattern (`klu_analyze`).
    public init(pattern: SparsityPattern) throws(SolverError) {
        guard pattern.dimension > 0, pattern.nonZeroCount < Int(Int32.max) / 2 else {
            throw SolverError(function: "klu_analyze", flag: Int(KLU_INVALID), flagName: "KLU_INVALID",
                              message: "a sparse LU needs 1 to \(Int32.max / 2) non-zeros and dimension > 0 "
                              + "(got \(pattern.nonZeroCount) in dimension \(pattern.dimension))")
        }
        self.pattern = pattern
        columnStarts = pattern.columnStarts.map { Int32($0) }
        rowIndices = pattern.rowIndices.map { Int32($0) }
        values = [Double](repeating: 0, count: 2 * pattern.nonZeroCount)
        work = [Double](repeating: 0, count: 2 * pattern.dimension)
        common = UnsafeMutablePointer<klu_common>.allocate(capacity: 1)
        common.initialize(to: klu_common())
        klu_defaults(common)
        let n = Int32(pattern.dimension)
        let common = common
        symbolic = columnStarts.withUnsafeMutableBufferPointer { starts in
            rowIndices.withUnsafeMutableBufferPointer { rows in
                klu_analyze(n, starts.baseAddress, rows.baseAddress, common)
            }
        }
        guard symbolic != nil else { throw failure("klu_analyze") }
    }

    deinit {
        if numeric != nil { klu_z_free_numeric(&numeric, common) }
        if symbolic != nil { klu_free_symbolic(&symbolic, common) }
        common.deinitialize(count: 1)
        common.deallocate()
    }

    /// Factors A = real + i·imaginary, both given as values in the pattern's order
    /// (column by column, rows ascending). Throws a `SolverError` naming `KLU_SINGULAR` when a
    /// pivot is exactly zero.
    public func factor(real: [Double], imaginary: [Double]) throws(SolverError) {
        precondition(real.count == pattern.nonZeroCount && imaginary.count == pattern.nonZeroCount,
                     "factor: \(real.count) real and \(imaginary.count) imaginary values for \(pattern.nonZeroCount) non-zeros")
        for k in 0..<real.count {
            values[2 * k] = real[k]
            values[2 * k + 1] = imaginary[k]
        }
        try factorStoredValues()
    }

    /// Factors A given as complex values in the pattern's order.
    public func factor(_ entries: [Complex]) throws(SolverError) {
        precondition(entries.count == pattern.nonZeroCount, "factor: \(entries.count) values for \(pattern.nonZeroCount) non-zeros")
        for (k, z) in entries.enumerated() {
            values[2 * k] = z.real
            values[2 * k + 1] = z.imaginary
        }
        try factorStoredValues()
    }

    /// Solves A x = b with the last factorisation.
    public func solve(_ b: [Complex]) throws(SolverError) -> [Complex] {
        precondition(b.count == pattern.dimension, "solve: right-hand side of \(b.count) for dimension \(pattern.dimension)")
        guard numeric != nil else {
            throw SolverError(function: "klu_z_solve", flag: Int(KLU_INVALID), flagName: "KLU_INVALID",
                              message: "solve called before a successful factor")
        }
        for (k, z) in b.enumerated() {
            work[2 * k] = z.real
            work[2 * k + 1] = z.imaginary
        }
        let n = Int32(pattern.dimension)
        let (symbolic, numeric, common) = (self.symbolic, self.numeric, self.common)
        let ok = work.withUnsafeMutableBufferPointer { klu_z_solve(symbolic, numeric, n, 1, $0.baseAddress, common) }
        guard ok != 0 else { throw failure("klu_z_solve") }
        return (0..<pattern.dimension).map { Complex(work[2 * $0], work[2 * $0 + 1]) }
    }

    /// KLU's cheap reciprocal condition estimate of the last factorisation,
    /// min |U_ii| / max |U_ii| (`klu_z_rcond`): near machine epsilon means A is numerically singular.
    public var reciprocalPivotRatio: Double {
        guard numeric != nil, klu_z_rcond(symbolic, numeric, common) != 0 else { return .nan }
        return common.pointee.rcond
    }

    private func factorStoredValues() throws(SolverError) {
        if numeric != nil { klu_z_free_numeric(&numeric, common) }
        let (symbolic, common) = (self.symbolic, self.common)
        numeric = columnStarts.withUnsafeMutableBufferPointer { starts in
            rowIndices.withUnsafeMutableBufferPointer { rows in
                values.withUnsafeMutableBufferPointer { x in
                    klu_z_factor(starts.baseAddress, rows.baseAddress, x.baseAddress, symbolic, common)
                }
            }
        }
        guard numeric != nil else { throw failure("klu_z_factor") }
    }

    /// The error for KLU's current status.
    private func failure(_ function: String) -> SolverError {
        let status = common.pointee.status
        let (name, message): (String, String)
        switch status {
        case KLU_SINGULAR: (name, message) = ("KLU_SINGULAR", "the matrix is singular (a zero pivot)")
        case KLU_OUT_OF_MEMORY: (name, message) = ("KLU_OUT_OF_MEMORY", "out of memory")
        case KLU_INVALID: (name, message) = ("KLU_INVALID", "invalid input")
        case KLU_TOO_LARGE: (name, message) = ("KLU_TOO_LARGE", "integer overflow in the factorisation")
        default: (name, message) = ("KLU status \(status)", "failed")
        }
        return SolverError(function: function, flag: Int(status), flagName: name, message: message)
    }
}
