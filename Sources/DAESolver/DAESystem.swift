/// An implicit differential-algebraic system F(t, y, ẏ) = 0 of N equations in N unknowns,
/// the kind SUNDIALS IDA integrates with variable-order BDF.
///
/// A component i is *differential* when ẏᵢ appears in F, *algebraic* otherwise. The system also
/// supplies its exact sparse iteration matrix
///
///     J = ∂F/∂y + c_j ∂F/∂ẏ
///
/// on a sparsity pattern fixed for the system's lifetime (so the sparse LU's symbolic analysis is
/// reused), optional root (event) functions gₖ(t, y, ẏ) whose sign changes stop the integration,
/// and optional quadratures Q_m(t) = ∫ q_m(t, y, ẏ) dt that the integrator carries along with the
/// solution (running totals, exact to the integration's accuracy however sparsely it is sampled).
///
/// The evaluation methods are called from inside IDA many thousands of times per solve: they must not
/// allocate. They are `mutating` so that a value-type system can keep scratch storage. Throwing from
/// them makes IDA treat the evaluation as failed; an error conforming to ``RecoverableEvaluationError``
/// lets IDA retry with a smaller step, any other error ends the solve with that error attached.
public protocol DAESystem {
    /// Number of unknowns N (= number of equations).
    var stateCount: Int { get }

    /// `true` for the components whose time derivative appears in F (IDA's `id` vector).
    var differentialMask: [Bool] { get }

    /// Positions of the structurally non-zero entries of ∂F/∂y + c_j ∂F/∂ẏ.
    var jacobianPattern: SparsityPattern { get }

    /// Number of root functions currently active (may change between re-initialisations).
    var rootCount: Int { get }

    /// Writes F(t, y, ẏ) into `residual` (length N).
    mutating func residual(
        time: Double,
        state: UnsafeBufferPointer<Double>,
        derivative: UnsafeBufferPointer<Double>,
        into residual: UnsafeMutableBufferPointer<Double>
    ) throws

    /// Writes the values of ∂F/∂y + c_j ∂F/∂ẏ into `values`, in the order of
    /// ``SparsityPattern`` (column by column, rows ascending within a column).
    mutating func jacobian(
        time: Double,
        state: UnsafeBufferPointer<Double>,
        derivative: UnsafeBufferPointer<Double>,
        cj: Double,
        into values: UnsafeMutableBufferPointer<Double>
    ) throws

    /// Writes the root functions gₖ(t, y, ẏ), k = 0..<rootCount, into `roots`.
    mutating func roots(
        time: Double,
        state: UnsafeBufferPointer<Double>,
        derivative: UnsafeBufferPointer<Double>,
        into roots: UnsafeMutableBufferPointer<Double>
    ) throws

    /// Number of quadratures (fixed for the system's lifetime; 0 for none).
    var quadratureCount: Int { get }

    /// The quadratures' absolute tolerances when they are in IDA's error test (with the states'
    /// relative tolerance, and their sensitivities with them); nil (the default) leaves them out,
    /// integrated on the steps the states choose.
    var quadratureAbsoluteTolerances: [Double]? { get }

    /// Contiguous, disjoint index ranges ("blocks") that the linear solver may eliminate by static
    /// condensation (none by default). A block qualifies when no entry of ``jacobianPattern``
    /// couples it to another block and its own rows are tridiagonal, except its last row, which may
    /// be dense within the block; couplings to the unknowns outside every block are free. Its rows
    /// 0..n−2 should be diagonally dominant (as diffusion rows with c_j on the diagonal are): the
    /// elimination does not pivot (it checks the pivots and reports a recoverable failure on a tiny
    /// one). ``IDASolver`` verifies the structure from the pattern and falls back to KLU on the whole
    /// matrix when it does not hold (``IDASolver/linearSolverKind``).
    var condensableBlocks: [Range<Int>] { get }

    /// Writes the integrands q_m(t, y, ẏ), m = 0..<quadratureCount, into `integrands`.
    mutating func quadratureIntegrands(
        time: Double,
        state: UnsafeBufferPointer<Double>,
        derivative: UnsafeBufferPointer<Double>,
        into integrands: UnsafeMutableBufferPointer<Double>
    ) throws
}

extension DAESystem {
    public var rootCount: Int { 0 }

    public mutating func roots(
        time: Double,
        state: UnsafeBufferPointer<Double>,
        derivative: UnsafeBufferPointer<Double>,
        into roots: UnsafeMutableBufferPointer<Double>
    ) throws {}

    public var quadratureCount: Int { 0 }

    public var quadratureAbsoluteTolerances: [Double]? { nil }

    public var condensableBlocks: [Range<Int>] { [] }

    public mutating func quadratureIntegrands(
        time: Double,
        state: UnsafeBufferPointer<Double>,
        derivative: UnsafeBufferPointer<Double>,
        into integrands: UnsafeMutableBufferPointer<Double>
    ) throws {}
}

/// An evaluation failure after which the integrator may retry with a smaller step
/// (for example a state driven slightly outside its physical range by a too-large step).
public protocol RecoverableEvaluationError: Error {}
