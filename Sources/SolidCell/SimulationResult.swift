/// Samples of a simulation in time, one array per column (all of equal length).
public struct TimeSeries: Sendable {
    public var time: [Double] = []
    public var cycle: [Int] = []
    public var step: [Int] = []
    public var current: [Double] = []
    public var voltage: [Double] = []
    /// Charge passed in the discharge direction since the start of the sample's cycle [A h].
    public var dischargeCapacity: [Double] = []
    public var averageStoichiometry: [Double] = []
    public var stackPressure: [Double] = []
    /// Contact fraction averaged over the active material.
    public var meanContactFraction: [Double] = []
    /// Mean stoichiometry of each contact class (one inner array per sample).
    public var classStoichiometry: [[Double]] = []

    public var count: Int { time.count }

    /// Column names and values, in output order (units in brackets, PyBaMM-style).
    public var columns: [(name: String, values: [Double])] {
        var columns = [("Time [s]", time), ("Cycle", cycle.map(Double.init)), ("Step", step.map(Double.init)),
                       ("Current [A]", current), ("Voltage [V]", voltage), ("Discharge capacity [A.h]", dischargeCapacity),
                       ("Stack pressure [MPa]", stackPressure), ("Mean contact fraction", meanContactFraction),
                       ("Average positive particle stoichiometry", averageStoichiometry)]
        let classes = classStoichiometry.first?.count ?? 0
        if classes > 1 {
            for k in 0..<classes {
                columns.append(("Contact class \(k + 1) stoichiometry", classStoichiometry.map { $0[k] }))
            }
        }
        return columns
    }
}

/// Why a protocol step ended.
public enum StepEnd: Equatable, Sendable, CustomStringConvertible {
    /// Its duration elapsed.
    case duration
    /// One of its own conditions (quoted as the user wrote it) was met.
    case condition(String)
    /// The cell reached one of the model's voltage cut-offs.
    case voltageLimit(Double)
    /// The condition already held when the step began, so it was skipped.
    case alreadySatisfied(String)
    /// The solver failed.
    case failed(String)

    public var description: String {
        switch self {
        case .duration: return "duration elapsed"
        case .condition(let c): return "reached \(c)"
        case .voltageLimit(let v): return "reached the model's voltage cut-off \(v) V"
        case .alreadySatisfied(let c): return "skipped: \(c) already met at start"
        case .failed(let message): return "failed: \(message)"
        }
    }
}

/// What happened in one protocol step.
public struct StepRecord: Sendable {
    public var cycle: Int
    public var step: Int
    public var text: String
    public var startTime: Double
    public var endTime: Double
    public var end: StepEnd
    /// Charge passed in the discharge direction during the step [A h] (negative for a charge).
    public var dischargedCharge: Double
    /// Energy delivered during the step [W h] (negative when charging).
    public var energy: Double
}

/// Per-cycle totals.
public struct CycleSummary: Sendable {
    public var cycle: Int
    public var chargeCapacity: Double
    public var dischargeCapacity: Double
    /// Discharge capacity per gram of positive active material [mA h g⁻¹].
    public var specificDischargeCapacity: Double
    /// Discharge / charge capacity (NaN when nothing was charged).
    public var coulombicEfficiency: Double
    /// Discharge capacity relative to the first cycle's [%].
    public var retention: Double
    /// Mean voltage over the discharge, energy / charge [V].
    public var meanDischargeVoltage: Double
}

/// Where and why a run stopped early.
public struct SimulationFailure: Error, Sendable, CustomStringConvertible {
    public var cycle: Int
    public var step: Int
    public var stepText: String
    public var time: Double
    public var message: String

    public var description: String {
        "simulation stopped at t = \(time) s in cycle \(cycle), step \(step) (\"\(stepText)\"): \(message)"
    }
}

/// Everything a simulation produced; on failure, everything up to the failure.
public struct SimulationResult: Sendable {
    public var timeSeries = TimeSeries()
    public var steps: [StepRecord] = []
    public var cycles: [CycleSummary] = []
    public var failure: SimulationFailure?
    /// Wall time spent integrating (excludes model set-up and file output) [s].
    public var solveTime: Double = 0
    public var solverSteps = 0
    /// The model's full state at the end of the run (for post-processing such as resistances).
    public var finalState: [Double]?
    /// Its time derivative ẏ at the end of the run (to linearise about a state that is not at rest).
    public var finalDerivative: [Double]?
    /// Mean stoichiometry of each contact class at the end of the run.
    public var finalClassStoichiometry: [Double]? { timeSeries.classStoichiometry.last }
    public var residualEvaluations = 0
    public var jacobianEvaluations = 0
}
