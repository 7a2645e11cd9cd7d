import CellModel
import DAESolver
import Foundation
import Interpolation
import Parameters
import Protocols

/// Settings of a simulation run that are not cell parameters.
public struct SimulationOptions: Sendable {
    /// IDA settings. The absolute tolerance is scaled per component by the model
    /// (volts for potentials, c_max for concentrations, A m⁻² for current density, A h for capacity).
    public var relativeTolerance = 1e-6
    public var absoluteTolerance = 1e-8
    /// The tolerances a user may ask for: tighter ones drown in round-off, looser ones let IDA's
    /// error test pass answers off by several percent.
    public static let allowedRelativeTolerances = 1e-12...1e-2
    public static let allowedAbsoluteTolerances = 1e-14...1e-2
    public var maxSteps = 100_000
    /// Sample the solution every this many seconds (exactly, by IDA's interpolation) in steps
    /// without their own `(… period)`; `nil` records every internal solver step there.
    public var samplePeriod: Double? = nil
    /// A step without a duration that has not ended after this long is a failure [s].
    public var maximumStepDuration = 1e7
    /// Which cycles' samples the result keeps in memory (every cycle is still handed to the
    /// run's cycle observer); keep a selection to bound memory over long cycling.
    public var keptCycles: KeptCycles = .all
    /// Set from another thread (e.g. on Ctrl-C) to stop the run after the current solver step;
    /// the result then holds everything computed so far.
    public var cancellation: CancellationFlag? = nil
    /// Jump over cycles where the slow state changes little (``CycleAcceleration``); nil
    /// simulates every cycle.
    public var acceleration: CycleAcceleration? = nil

    public init() {}
}

/// The cycles whose time series a result keeps.
public enum KeptCycles: Sendable {
    case all
    /// Cycles 1, 2, 5, 10, 20, 50, 100, … and the last one run: enough to plot how the voltage
    /// curve evolves, at a memory cost that grows only logarithmically with the cycle count.
    case plotSelection

    func keeps(_ cycle: Int, of cycles: Int) -> Bool {
        switch self {
        case .all: return true
        case .plotSelection:
            guard cycle != cycles else { return true }
            var decade = 1
            while decade <= cycle {
                if cycle == decade || cycle == 2 * decade || cycle == 5 * decade { return true }
                decade *= 10
            }
            return false
        }
    }
}

/// A thread-safe stop request.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

/// Progress of a running simulation, reported at the start of every step.
public struct SimulationProgress: Sendable {
    public var cycle: Int
    public var cycles: Int
    public var step: Int
    public var steps: Int
    public var time: Double
    /// The summary of the last completed cycle, if any.
    public var lastCycle: CycleSummary?
}

/// Runs an experiment (a protocol repeated `cycles` times) on a cell and collects the results.
///
/// Each step sets the model's control (current, C-rate, power or voltage) and its end conditions
/// (IDA root functions, so a step ends exactly on its cut-off), re-initialises the solver from the
/// current state and makes the algebraic variables consistent with the new control (IDACalcIC).
/// Current- and power-controlled steps also stop at the model's voltage cut-offs.
/// A solver failure stops the run; everything computed until then is returned with the failure.
public struct Simulation: Sendable {
    /// The first output time IDACalcIC is given at the start of every step, in seconds after it.
    /// IDA's Newton iteration for the consistent (y_a, ẏ_d) uses the matrix ∂F/∂y + c_j ∂F/∂ẏ with
    /// c_j = 1/(10⁻³ · horizon) in place of the exact [∂F/∂y_a, ∂F/∂ẏ_d]; it converges in a couple
    /// of iterations only when c_j ∂F/∂ẏ dominates ∂F/∂y in the differential columns, i.e. when the
    /// horizon is far below the cell's fastest time constant (double-layer charging, ~1 ms). With
    /// 1 s, a current reversal in a cell with double layers took ~90 iterations and 10 Jacobians.
    static let initialConditionHorizon = 1e-6

    /// The smallest share of the way from the present operating point to a step's control that the
    /// switch-on continuation tries before it gives up (``Runner``'s `switchOn`).
    static let smallestSwitchOnStride = 1.0 / 256

    /// How many times an experiment may be repeated in one run.
    public static let allowedCycles = 1...1_000_000

    /// Length of the current pulse the DC resistance is read over [s] (the first seconds of a
    /// discharge that follows a rest or a charge).
    static let dcResistancePulse = 10.0

    public let parameters: CellParameters
    public let experiment: Experiment
    public let cycles: Int
    public var options: SimulationOptions
    /// The tables of the experiment's `Run … profile PATH` steps, by PATH (loaded by the caller).
    public var profiles: [String: ControlProfile] = [:]
    /// Forward sensitivities of the voltage to model keys (nil: none).
    public var sensitivity: SensitivityRequest?

    public init(parameters: CellParameters, experiment: Experiment, cycles: Int = 1,
                options: SimulationOptions = SimulationOptions()) {
        self.parameters = parameters
        self.experiment = experiment
        self.cycles = max(cycles, 1)
        self.options = options
    }

    /// The model's control for a protocol step.
    public func control(for step: ExperimentStep) -> CellControl {
        let p = parameters
        switch step.control {
        case .current(let amperes): return .current(amperes: amperes)
        case .cRate(let rate): return .current(amperes: rate * p.nominalCapacity)
        case .specificCurrent(let perKilogram): return .current(amperes: perKilogram * p.positiveActiveMaterialMass)
        case .currentDensity(let density): return .current(amperes: density * p.totalArea)
        case .power(let watts): return .power(watts: watts)
        case .voltage(let volts): return .voltage(volts: volts)
        case .rest: return .current(amperes: 0)
        case .profile(_, let path): return profiles[path].map { .profile($0) } ?? .current(amperes: 0)
        }
    }

    /// The step's duration: its own, or a profile's table's.
    func duration(of step: ExperimentStep) -> Double? {
        if let duration = step.duration { return duration }
        if case .profile(_, let path) = step.control { return profiles[path]?.duration }
        return nil
    }

    /// The step's own end conditions (with the text to report), then the model's voltage limits.
    func events(for step: ExperimentStep, control: CellControl) -> [(event: CellEvent, end: StepEnd)] {
        var events: [(CellEvent, StepEnd)] = step.terminations.map { termination in
            switch termination {
            case .voltage(let v): return (.voltage(volts: v), .condition("\(v) V"))
            case .current(let a): return (.currentMagnitude(amperes: a), .condition("\(a) A"))
            case .cRate(let c): return (.currentMagnitude(amperes: c * parameters.nominalCapacity), .condition("\(c)C"))
            }
        }
        let direction = control.direction
        if case .profile(let profile) = control {
            // A current or power profile: either cut-off, whichever way it drives the cell (a
            // voltage profile sets the voltage, as a hold does).
            if profile.quantity != .voltage {
                events.append((.voltage(volts: parameters.lowerVoltageCutoff), .voltageLimit(parameters.lowerVoltageCutoff)))
                events.append((.voltage(volts: parameters.upperVoltageCutoff), .voltageLimit(parameters.upperVoltageCutoff)))
            }
        } else if direction > 0 {
            events.append((.voltage(volts: parameters.lowerVoltageCutoff), .voltageLimit(parameters.lowerVoltageCutoff)))
        } else if direction < 0 {
            events.append((.voltage(volts: parameters.upperVoltageCutoff), .voltageLimit(parameters.upperVoltageCutoff)))
        }
        if let threshold = parameters.negativeInterface?.contactLossThreshold, threshold > 0 {
            events.append((.negativeContact(fraction: threshold), .contactLost))
        }
        if parameters.layout == .anodeFree && (direction > 0 || control.isProfile) {
            events.append((.lithiumExhausted, .lithiumExhausted))
        }
        if let criterion = parameters.negativeInterface?.penetration {
            events.append((.lithiumPenetration(criterion), .shortCircuit))
        }
        return events
    }

    /// Whether an end condition already holds at the start of a step with this control.
    /// `penetrationMargin`: the short-circuit criterion's margin at switch-on (a step whose current
    /// already focuses beyond the critical local plating current shorts at once).
    func alreadyMet(_ event: CellEvent, direction: Int, voltage: Double, current: Double, profile: Bool = false,
                    penetrationMargin: Double = 1, platedLithium: Double = .infinity) -> Bool {
        if profile, case .voltage(let v) = event {
            // A profile has both cut-offs: each is met beyond its own side.
            return (v == parameters.lowerVoltageCutoff && voltage <= v) || (v == parameters.upperVoltageCutoff && voltage >= v)
        }
        switch event {
        case .voltage(let v): return (direction > 0 && voltage <= v) || (direction < 0 && voltage >= v)
        case .currentMagnitude(let a): return direction == 0 && abs(current) <= a
        case .negativeContact: return false  // (the run stops when it is met: no step starts beyond it)
        case .lithiumPenetration: return penetrationMargin <= 0
        case .lithiumExhausted: return direction > 0 && platedLithium <= 0
        }
    }

    /// Runs the whole experiment. Never throws: a failure (or a cancellation) is reported in the
    /// result, which holds everything computed before it. `cycleCompleted` receives every cycle's
    /// summary and samples as soon as the cycle ends (also a partial last cycle), e.g. to stream
    /// them to a file.
    public func run(progress: ((SimulationProgress) -> Void)? = nil,
                    cycleCompleted: ((CycleSummary, TimeSeries) -> Void)? = nil) -> SimulationResult {
        var result = SimulationResult()
        let runner: Runner
        do {
            runner = try Runner(simulation: self)
        } catch {
            result.failure = SimulationFailure(cycle: 1, step: 1, stepText: experiment.steps.first?.text ?? "",
                                               time: 0, message: "\(error)")
            return result
        }
        runner.run(into: &result, progress: progress, cycleCompleted: cycleCompleted)
        return result
    }
}

/// Forward sensitivities of a run's terminal voltage to model keys θᵢ, carried by IDAS along with
/// the solution (``ParameterPerturbations``) and recorded with every sample
/// (``TimeSeries/voltageSensitivities``). `plus[i]` and `minus[i]` are the parameters with θᵢ ± δᵢ
/// (their own initial concentrations give the initial state's sensitivity). Contact damage raised
/// between cycles carries its own sensitivities (``CycleDegradation``); an accelerated run cannot
/// carry them: its jumps extrapolate outside the sensitivity equations.
public struct SensitivityRequest: Sendable {
    public var plus: [CellParameters]
    public var minus: [CellParameters]
    public var steps: [Double]

    public init(plus: [CellParameters], minus: [CellParameters], steps: [Double]) {
        self.plus = plus
        self.minus = minus
        self.steps = steps
    }
}
