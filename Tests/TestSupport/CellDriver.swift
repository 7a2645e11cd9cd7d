import CellModel
import DAESolver
import Parameters

/// IDA on a P2D model, started at rest at the model's initial concentration and made consistent,
/// with the library's own set-up (``P2DModel/makeSolver(relativeTolerance:absoluteTolerance:maxSteps:state:derivative:consistentBy:)``).
public final class CellDriver {
    public let solver: IDASolver<P2DModel>

    /// `relativeTolerance` and `absoluteTolerance` as in the simulation: the absolute tolerance is
    /// scaled per unknown by the model's `toleranceScale` (V, c_max, A m⁻², A h).
    public init(_ parameters: CellParameters, control: CellControl, events: [CellEvent] = [],
                relativeTolerance: Double = 1e-8, absoluteTolerance: Double = 1e-10) throws {
        var model = P2DModel(parameters: parameters)
        model.control = control
        model.events = events
        solver = try model.makeSolver(relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance,
                                      consistentBy: 1)
    }

    public var model: P2DModel { solver.system }
    public var state: [Double] { solver.state }
    public var time: Double { solver.time }
    public var voltage: Double { model.voltage(solver.state) }
    public var current: Double { model.current(solver.state) }

    /// Switches the control (and end conditions) at the current time, as a protocol step change does:
    /// re-initialise, then make the algebraic unknowns consistent with the new control.
    public func switchTo(_ control: CellControl, events: [CellEvent] = []) throws {
        solver.system.control = control
        solver.system.events = events
        try solver.reinitializeFromCurrentSolution(time: solver.time)
        try solver.computeConsistentInitialConditions(firstOutputTime: solver.time + 1)
    }

    /// Integrates for `duration` seconds (or to a root), stopping exactly at the end time.
    @discardableResult
    public func run(for duration: Double) throws -> AdvanceResult {
        let end = solver.time + duration
        try solver.setStopTime(end)
        return try solver.advance(to: end)
    }
}
