import CellModel
import DAESolver
import Foundation
import Interpolation
import Parameters
import Protocols

/// A `Run current profile PATH` step whose table the caller did not load.
struct MissingProfile: Error, CustomStringConvertible {
    var path: String
    var description: String { "no profile loaded for \"\(path)\" (load the table into Simulation.profiles)" }
}

/// A protocol step that stopped before its end: what it did up to the stop, and why.
struct StepStopped: Error {
    var record: StepRecord
    var message: String
}

/// The run was stopped on request (``SimulationOptions/cancellation``: Ctrl-C, a termination signal).
struct SimulationInterrupted: Error, CustomStringConvertible {
    var description: String { "interrupted (Ctrl-C or a termination signal)" }
}

/// No consistent state at the start of a protocol step: the potentials and current that satisfy
/// the new step's equations could not be found from the state the last step left.
struct SwitchOnFailure: Error, CustomStringConvertible {
    var solverError: SolverError
    var description: String {
        "no consistent state at the step's switch-on (\(solverError)): the load may be more than the cell can carry from "
            + "this state"
    }
}

/// A protocol step took more solver steps than allowed.
struct SimulationStepLimit: Error, CustomStringConvertible {
    var limit: Int
    var description: String {
        "the step took more than \(limit) solver steps without reaching its end (raise maxSteps or check the inputs)"
    }
}

/// A step with no duration ran longer than the allowed maximum without meeting any end condition.
struct SimulationStepTimeout: Error, CustomStringConvertible {
    var limit: Double
    var description: String {
        "the step ran for \(limit) s without reaching any of its end conditions or a voltage cut-off"
    }
}

/// A step went past ``Runner/stepLimit``: the landing of a cycle jump cost far more than a cycle.
struct StepBudgetExceeded: Error, CustomStringConvertible {
    var limit: Int
    var description: String { "more than \(limit) solver steps in all: abandoned as far costlier than a cycle" }
}

/// A step asks for an ambient temperature the model cannot take.
struct StepTemperatureOutOfRange: Error, CustomStringConvertible {
    var kelvin: Double
    var description: String {
        "the step's ambient temperature \(kelvin) K is outside \(CellParameters.allowedTemperatures.lowerBound)"
            + "…\(CellParameters.allowedTemperatures.upperBound) K"
    }
}

/// A step temperature the model cannot take.
public struct StepTemperatureError: Error, CustomStringConvertible {
    public var stepIndex: Int
    public var stepText: String
    public var kelvin: Double

    /// The first step of `experiment` whose ambient temperature is outside the model's range.
    public static func check(_ experiment: Experiment) throws(StepTemperatureError) {
        for (index, step) in experiment.steps.enumerated() {
            if let kelvin = step.temperature, !CellParameters.allowedTemperatures.contains(kelvin) {
                throw StepTemperatureError(stepIndex: index + 1, stepText: step.text, kelvin: kelvin)
            }
        }
    }

    public var description: String {
        let range = CellParameters.allowedTemperatures
        return "step \(stepIndex) (\"\(stepText)\"): the ambient temperature \(kelvin) K is outside the model's "
            + "\(range.lowerBound)…\(range.upperBound) K"
    }
}

/// Forward sensitivities asked of a run that cannot carry them.
struct SensitivitiesUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { "sensitivities cannot be carried through this run: \(reason)" }
}
