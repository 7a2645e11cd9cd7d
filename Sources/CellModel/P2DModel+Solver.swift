import DAESolver

// The IDA set-up of a P2D model, shared by the simulation, the impedance's resting state and the
// tests, so that all three integrate the model with the same settings.
extension P2DModel {
    /// IDA settings for this model: `relativeTolerance` for the local error test, and
    /// `absoluteTolerance` scaled per unknown by ``toleranceScale`` (volts, c_max, A m⁻², A h, …),
    /// so that one number asks for the same precision of every unknown whatever its unit.
    public func solverOptions(relativeTolerance: Double, absoluteTolerance: Double,
                              maxSteps: Int = SolverOptions().maxSteps) -> SolverOptions {
        var options = SolverOptions()
        options.relativeTolerance = relativeTolerance
        options.absoluteTolerance = .vector(toleranceScale.map { $0 * absoluteTolerance })
        options.maxSteps = maxSteps
        return options
    }

    /// IDA with KLU on this model at t = 0, started from `state` (the resting state at the model's
    /// initial concentration when nil) and `derivative` (zero when nil), with
    /// ``solverOptions(relativeTolerance:absoluteTolerance:maxSteps:)``. With `consistentBy`, the
    /// algebraic unknowns and ẏ are then made consistent (IDACalcIC, told that the first output
    /// is at that time); without it the caller must do so before integrating.
    public func makeSolver(relativeTolerance: Double, absoluteTolerance: Double,
                           maxSteps: Int = SolverOptions().maxSteps,
                           state: [Double]? = nil, derivative: [Double]? = nil,
                           consistentBy firstOutputTime: Double? = nil) throws(SolverError) -> IDASolver<P2DModel> {
        let y0 = state ?? restingState()
        let solver = try IDASolver(system: self, time: 0, state: y0,
                                   derivative: derivative ?? [Double](repeating: 0, count: y0.count),
                                   options: solverOptions(relativeTolerance: relativeTolerance,
                                                          absoluteTolerance: absoluteTolerance, maxSteps: maxSteps))
        if let firstOutputTime { try solver.computeConsistentInitialConditions(firstOutputTime: firstOutputTime) }
        return solver
    }
}
