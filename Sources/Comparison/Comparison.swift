import CellModel
import Foundation
import Interpolation
import MeasuredData
import Parameters
import Protocols
import Simulator

/// How a measured step was turned into protocol steps.
public struct StepMapping: Sendable {
    /// Index of the measured step in `MeasuredTimeSeries.steps()`.
    public var measuredIndex: Int
    public var measured: MeasuredStep
    /// The step's start for the mapping [s]: the previous step's last sample (its own first
    /// sample for the first step), so that the mapped durations add up to the data's time span.
    public var start: Double
    /// Indices (0-based) of the experiment steps this measured step became (one; none for a
    /// step shorter than a millisecond).
    public var experimentSteps: Range<Int>
    /// "rest", "constant current", "constant voltage" or "varying current".
    public var kindText: String
    /// The measured charge in the discharge direction over the mapped span [A h]: the step's own
    /// (trapezoidal ∫ I dt over its samples) plus the gap from `start` to its first sample at
    /// that sample's current, the span the simulated step covers.
    public var capacity: Double
    public var duration: Double { measured.endTime - start }
}

/// The experiment that reproduces a measured log's controls.
public struct ComparisonPlan: Sendable {
    public var experiment: Experiment
    public var mappings: [StepMapping]
    /// The current profiles of the varying-current steps, by the name their steps use.
    public var profiles: [String: ControlProfile]

    /// Each measured step becomes a step with the same control and the same duration: a rest a
    /// rest, a constant current that current, a constant voltage a hold at that voltage, and a
    /// varying current a current profile, piecewise-linear between its samples (so the charge
    /// passed is the trapezoidal rule's, the measured one). The model's
    /// voltage cut-offs still end current steps. Each step samples at its measured median
    /// sample interval, so that simulated samples fall on the measured times.
    public init(series: MeasuredTimeSeries, steps measuredSteps: [MeasuredStep]) {
        var steps: [ExperimentStep] = []
        var mappings: [StepMapping] = []
        var profiles: [String: ControlProfile] = [:]
        let minimum = ExperimentStep.allowedDurations.lowerBound
        func text(_ x: Double) -> String { String(format: "%.6g", x) }
        func currentStep(_ amperes: Double, _ duration: Double, period: Double?) -> ExperimentStep {
            let verb = amperes >= 0 ? "Discharge" : "Charge"
            return ExperimentStep(text: "\(verb) at \(text(abs(amperes))) A for \(text(duration)) s", control: .current(amperes: amperes),
                                  duration: duration, period: period)
        }
        var previousEnd: Double?
        for (index, step) in measuredSteps.enumerated() {
            let start = previousEnd ?? step.startTime
            previousEnd = step.endTime
            let duration = step.endTime - start
            let first = steps.count
            let period = Self.medianInterval(series.time, rows: step.rows).map { min($0, duration) }
            let kindText: String
            if duration >= minimum {
                switch step.kind {
                case .rest:
                    kindText = "rest"
                    steps.append(ExperimentStep(text: "Rest for \(text(duration)) s", control: .rest, duration: duration, period: period))
                case .constantCurrent(let amperes):
                    kindText = "constant current"
                    steps.append(currentStep(amperes, duration, period: period))
                case .constantVoltage(let volts):
                    kindText = "constant voltage"
                    steps.append(ExperimentStep(text: "Hold at \(text(volts)) V for \(text(duration)) s", control: .voltage(volts: volts),
                                                duration: duration, period: period))
                case .varyingCurrent:
                    kindText = "varying current"
                    // The measured current, piecewise-linear between the samples (from the
                    // previous step's end to the first sample at the first sample's current).
                    var times: [Double] = [], amperes: [Double] = []
                    if series.time[step.rows.lowerBound] > start { times.append(0); amperes.append(series.current[step.rows.lowerBound]) }
                    for r in step.rows {
                        let t = series.time[r] - start
                        if let last = times.last, t <= last { continue }
                        times.append(t); amperes.append(series.current[r])
                    }
                    let key = "measured step \(index + 1)"
                    profiles[key] = ControlProfile(times: times, amperes: amperes)
                    steps.append(ExperimentStep(text: "Run current profile \(key) (\(times.count) points, \(text(duration)) s)",
                                                control: .profile(.current, path: key), period: period))
                }
            } else {
                kindText = Self.kindText(step.kind)
            }
            let gap = series.current[step.rows.lowerBound] * (step.startTime - start) / 3600
            mappings.append(StepMapping(measuredIndex: index, measured: step, start: start, experimentSteps: first..<steps.count,
                                        kindText: kindText, capacity: step.capacity + gap))
        }
        experiment = Experiment(steps: steps)
        self.mappings = mappings
        self.profiles = profiles
    }

    static func kindText(_ kind: MeasuredStep.Kind) -> String {
        switch kind {
        case .rest: "rest"
        case .constantCurrent: "constant current"
        case .constantVoltage: "constant voltage"
        case .varyingCurrent: "varying current"
        }
    }

    static func medianInterval(_ time: [Double], rows: Range<Int>) -> Double? {
        let gaps = zip(rows, rows.dropFirst()).map { time[$0.1] - time[$0.0] }.filter { $0 > 0 }.sorted()
        guard !gaps.isEmpty else { return nil }
        let median = gaps[gaps.count / 2]
        return median >= ExperimentStep.allowedDurations.lowerBound ? median : nil
    }
}

/// How the simulation starts.
public enum InitialState: Sendable, Equatable {
    /// At rest, at the uniform stoichiometry whose open-circuit voltage is the first measured voltage.
    case firstMeasuredVoltage
    /// At rest at this state of charge (0 at the lower, 1 at the upper voltage cut-off).
    case stateOfCharge(Double)
    /// At rest at the model file's own `"Initial concentration in positive electrode [mol.m-3]"`
    /// (for a log that another simulation of the same cell produced).
    case modelInitialConcentration

    /// The state of charge a run without a log starts at (a spectrum, a per-cycle table): the
    /// given one, else nil (the model file's initial concentration).
    public var stateOfCharge: Double? {
        if case .stateOfCharge(let x) = self { x } else { nil }
    }
}

/// Measured against simulated, step by step.
public struct StepComparison: Sendable, Codable {
    public var index: Int
    public var cycle: Int?
    public var step: Int?
    public var kind: String
    public var measuredStart: Double
    public var simulatedStart: Double?
    public var measuredDuration: Double
    public var simulatedDuration: Double?
    /// [A h], positive in the discharge direction.
    public var measuredCapacity: Double
    public var simulatedCapacity: Double?
    public var capacityDifference: Double?
    /// How the simulated step ended ("duration", "voltage limit 3 V", …).
    public var simulatedEnd: String?
    /// Measured samples compared (those inside the simulated step's span).
    public var comparedSamples: Int
    public var voltageRMSmV: Double?
    public var voltageMaxmV: Double?

    enum CodingKeys: String, CodingKey {
        case index, cycle, step, kind
        case measuredStart = "measured_start_s", simulatedStart = "simulated_start_s"
        case measuredDuration = "measured_duration_s", simulatedDuration = "simulated_duration_s"
        case measuredCapacity = "measured_capacity_Ah", simulatedCapacity = "simulated_capacity_Ah"
        case capacityDifference = "capacity_difference_Ah", simulatedEnd = "simulated_end"
        case comparedSamples = "compared_samples", voltageRMSmV = "voltage_rms_mV", voltageMaxmV = "voltage_max_mV"
    }
}

/// Measured against simulated, cycle by cycle (the file's cycle numbers; one cycle without them).
public struct CycleComparison: Sendable, Codable {
    public var cycle: Int
    public var measuredDischargeCapacity: Double
    public var simulatedDischargeCapacity: Double
    public var measuredChargeCapacity: Double
    public var simulatedChargeCapacity: Double
    public var measuredDuration: Double
    public var simulatedDuration: Double
    public var comparedSamples: Int
    public var voltageRMSmV: Double?
    public var voltageMaxmV: Double?

    enum CodingKeys: String, CodingKey {
        case cycle
        case measuredDischargeCapacity = "measured_discharge_capacity_Ah", simulatedDischargeCapacity = "simulated_discharge_capacity_Ah"
        case measuredChargeCapacity = "measured_charge_capacity_Ah", simulatedChargeCapacity = "simulated_charge_capacity_Ah"
        case measuredDuration = "measured_duration_s", simulatedDuration = "simulated_duration_s"
        case comparedSamples = "compared_samples", voltageRMSmV = "voltage_rms_mV", voltageMaxmV = "voltage_max_mV"
    }
}

/// One row of `comparison.csv`: a measured sample and the simulation at the same time into its step.
public struct ComparedSample: Sendable {
    public var time: Double
    public var measuredVoltage: Double
    public var measuredCurrent: Double
    /// nil where the simulated step had already ended (or the run failed before it).
    public var simulatedVoltage: Double?
    public var simulatedCurrent: Double?
    /// Where the sample falls in the simulation's time series (nil with no simulated voltage).
    public var simulatedPoint: SimulatedPoint?

    public init(time: Double, measuredVoltage: Double, measuredCurrent: Double, simulatedVoltage: Double?,
                simulatedCurrent: Double?, simulatedPoint: SimulatedPoint? = nil) {
        self.time = time
        self.measuredVoltage = measuredVoltage
        self.measuredCurrent = measuredCurrent
        self.simulatedVoltage = simulatedVoltage
        self.simulatedCurrent = simulatedCurrent
        self.simulatedPoint = simulatedPoint
    }
}

/// A point between two samples of a simulation's time series, rows `low` and `high`, at weight
/// w of the way to `high`: any column interpolates there as (1 − w) x[low] + w x[high].
public struct SimulatedPoint: Sendable, Equatable {
    public var low: Int
    public var high: Int
    public var weight: Double

    public func interpolate(_ column: [Double]) -> Double {
        weight == 0 ? column[low] : column[low] + (column[high] - column[low]) * weight
    }
}

/// The outcome of ``MeasuredComparison/run(parameters:series:initialState:options:)``.
public struct MeasuredComparisonResult: Sendable {
    public var plan: ComparisonPlan
    public var simulation: SimulationResult
    /// The initial positive stoichiometry the simulation started from.
    public var initialStoichiometry: Double
    public var initialStateText: String
    public var samples: [ComparedSample]
    public var steps: [StepComparison]
    public var cycles: [CycleComparison]
    /// Over every compared sample [mV]; nil when no sample could be compared.
    public var voltageRMSmV: Double?
    public var voltageMaxmV: Double?
    public var comparedSamples: Int { samples.filter { $0.simulatedVoltage != nil }.count }
}

public enum ComparisonError: Error, CustomStringConvertible, Sendable {
    case noSamples
    case noSteps
    /// A spectrum's frequency that is not positive: its data row (1-based) and value.
    case nonPositiveFrequency(row: Int, hertz: Double)
    public var description: String {
        switch self {
        case .noSamples: "the data file has no samples"
        case .nonPositiveFrequency(let row, let hertz): "data row \(row): frequency \(hertz) Hz; allowed positive frequencies only"
        case .noSteps: "no measured step lasts long enough to simulate (1 ms or more)"
        }
    }
}

/// Drives the model with a measured log's controls and compares the voltages and capacities.
public enum MeasuredComparison {
    /// The uniform positive stoichiometry whose open-circuit voltage is `voltage` (bisection; U
    /// falls with y). A voltage outside the OCV's range gives the nearest end of (10⁻⁹, 1 − 10⁻⁹).
    public static func stoichiometry(model: P2DModel, openCircuitVoltage voltage: Double) -> Double {
        var (low, high) = (1e-9, 1 - 1e-9)
        if model.openCircuitVoltage(stoichiometry: low) <= voltage { return low }
        if model.openCircuitVoltage(stoichiometry: high) >= voltage { return high }
        for _ in 0..<200 {
            let mid = 0.5 * (low + high)
            if model.openCircuitVoltage(stoichiometry: mid) > voltage { low = mid } else { high = mid }
            if high - low < 1e-15 { break }
        }
        return 0.5 * (low + high)
    }

    /// Replays the log on the model. With `sensitivity` (the parameters at θᵢ ± δᵢ, each started
    /// by the same rule as the reference), the run carries dV/dθᵢ with every sample
    /// (``TimeSeries/voltageSensitivities``), which ``ComparedSample/simulatedPoint`` interpolates
    /// like the voltage.
    public static func run(parameters: CellParameters, series: MeasuredTimeSeries, initialState: InitialState = .firstMeasuredVoltage,
                           options: SimulationOptions = SimulationOptions(), detection: StepDetection = StepDetection(),
                           sensitivity: SensitivityRequest? = nil,
                           progress: ((SimulationProgress) -> Void)? = nil) throws -> MeasuredComparisonResult {
        guard series.count > 0 else { throw ComparisonError.noSamples }
        let measuredSteps = series.steps(detection)
        let plan = ComparisonPlan(series: series, steps: measuredSteps)
        guard !plan.experiment.steps.isEmpty else { throw ComparisonError.noSteps }

        let start = starting(parameters, series: series, initialState: initialState, startsAtRest: {
            if case .rest = measuredSteps.first?.kind { true } else { false }
        }())
        var run = Simulation(parameters: start.parameters, experiment: plan.experiment, cycles: 1, options: options)
        run.profiles = plan.profiles
        run.sensitivity = sensitivity.map { request in
            func started(_ p: CellParameters) -> CellParameters {
                starting(p, series: series, initialState: initialState, startsAtRest: true).parameters
            }
            return SensitivityRequest(plus: request.plus.map(started), minus: request.minus.map(started), steps: request.steps)
        }
        let simulation = run.run(progress: progress)
        return compare(plan: plan, series: series, simulation: simulation, initialStoichiometry: start.stoichiometry,
                       initialStateText: start.text)
    }

    /// The parameters with the initial concentration the replay starts from: the uniform
    /// stoichiometry at rest whose open-circuit voltage is the first measured voltage, or the
    /// given SOC, or the model file's own.
    static func starting(_ parameters: CellParameters, series: MeasuredTimeSeries, initialState: InitialState,
                         startsAtRest: Bool) -> (parameters: CellParameters, stoichiometry: Double, text: String) {
        var cell = parameters
        let y0: Double, stateText: String
        switch initialState {
        case .firstMeasuredVoltage:
            y0 = stoichiometry(model: P2DModel(parameters: parameters), openCircuitVoltage: series.voltage[0])
            stateText = "at rest at the open-circuit voltage \(String(format: "%.4f", series.voltage[0])) V (the first measured voltage"
                + (startsAtRest ? ")" : "; the data does not start at rest, so this includes its overpotential)")
        case .stateOfCharge(let soc):
            y0 = P2DModel(parameters: parameters).stoichiometry(atStateOfCharge: soc)
            stateText = "at rest at SOC \(soc)"
        case .modelInitialConcentration:
            y0 = parameters.positiveInitialConcentration / parameters.positiveMaximumConcentration
            stateText = "at rest at the model's initial concentration"
        }
        cell.positiveInitialConcentration = y0 * parameters.positiveMaximumConcentration
        return (cell, y0, stateText)
    }

    /// The metrics of a finished run. Measured step k's samples are compared with the simulation
    /// at the same time since the step's start (the simulated steps start later or earlier where
    /// an earlier one reached a cut-off at another time); samples past the simulated step's end
    /// are not compared (the overlap).
    public static func compare(plan: ComparisonPlan, series: MeasuredTimeSeries, simulation: SimulationResult,
                               initialStoichiometry: Double, initialStateText: String) -> MeasuredComparisonResult {
        let sim = simulation.timeSeries
        // Sample indices of each experiment step (1-based step numbers in the series).
        var rowsOfStep: [Int: [Int]] = [:]
        for k in 0..<sim.count { rowsOfStep[sim.step[k] - 1, default: []].append(k) }
        var recordOfStep: [Int: StepRecord] = [:]
        for record in simulation.steps { recordOfStep[record.step - 1] = record }

        var samples: [ComparedSample] = []
        var stepResults: [StepComparison] = []
        for mapping in plan.mappings {
            let records = mapping.experimentSteps.compactMap { recordOfStep[$0] }
            let simRows = mapping.experimentSteps.flatMap { rowsOfStep[$0] ?? [] }
            let simStart = records.first?.startTime
            let simEnd = records.last?.endTime
            let complete = records.count == mapping.experimentSteps.count && !mapping.experimentSteps.isEmpty
            // Simulated samples in step time, the boundary duplicates of a varying step's pieces
            // left to the later piece.
            var xs: [Double] = [], rows: [Int] = []
            if let simStart {
                for k in simRows {
                    let x = sim.time[k] - simStart
                    if let last = xs.last, x <= last { xs.removeLast(); rows.removeLast() }
                    xs.append(x); rows.append(k)
                }
            }
            var squares = 0.0, largest = 0.0, n = 0
            for r in mapping.measured.rows {
                let local = series.time[r] - mapping.start
                var point: SimulatedPoint?
                if let end = xs.last {
                    // A sample within a few ulps past the simulated end still belongs to it.
                    let x = local > end && local - end <= 1e-9 * max(1, abs(series.time[r])) ? end : local
                    point = bracket(xs, at: x).map { SimulatedPoint(low: rows[$0.low], high: rows[$0.high], weight: $0.weight) }
                }
                let v = point?.interpolate(sim.voltage), c = point?.interpolate(sim.current)
                if let v {
                    let d = 1000 * (v - series.voltage[r])
                    squares += d * d; largest = max(largest, abs(d)); n += 1
                }
                samples.append(ComparedSample(time: series.time[r], measuredVoltage: series.voltage[r], measuredCurrent: series.current[r],
                                              simulatedVoltage: v, simulatedCurrent: c, simulatedPoint: point))
            }
            let simCapacity: Double? = records.isEmpty ? nil : records.reduce(0) { $0 + $1.dischargedCharge }
            let endText: String? = records.last.map { complete ? "\($0.end)" : "\($0.end) (run stopped)" }
            stepResults.append(StepComparison(
                index: mapping.measuredIndex + 1, cycle: mapping.measured.cycle, step: mapping.measured.step, kind: mapping.kindText,
                measuredStart: mapping.start, simulatedStart: simStart, measuredDuration: mapping.duration,
                simulatedDuration: simStart.flatMap { s in simEnd.map { $0 - s } },
                measuredCapacity: mapping.capacity, simulatedCapacity: simCapacity,
                capacityDifference: simCapacity.map { $0 - mapping.capacity }, simulatedEnd: endText,
                comparedSamples: n, voltageRMSmV: n > 0 ? (squares / Double(n)).squareRoot() : nil, voltageMaxmV: n > 0 ? largest : nil))
        }

        // Per cycle.
        var cycles: [CycleComparison] = []
        var order: [Int] = []
        var byCycle: [Int: [Int]] = [:]
        for (k, mapping) in plan.mappings.enumerated() {
            let c = mapping.measured.cycle ?? 1
            if byCycle[c] == nil { order.append(c) }
            byCycle[c, default: []].append(k)
        }
        for c in order {
            let members = byCycle[c]!.map { stepResults[$0] }
            var squares = 0.0, largest = 0.0, n = 0
            for s in members where s.comparedSamples > 0 {
                squares += s.voltageRMSmV! * s.voltageRMSmV! * Double(s.comparedSamples)
                largest = max(largest, s.voltageMaxmV!)
                n += s.comparedSamples
            }
            cycles.append(CycleComparison(
                cycle: c,
                measuredDischargeCapacity: members.map { max($0.measuredCapacity, 0) }.reduce(0, +),
                simulatedDischargeCapacity: members.map { max($0.simulatedCapacity ?? 0, 0) }.reduce(0, +),
                measuredChargeCapacity: members.map { max(-$0.measuredCapacity, 0) }.reduce(0, +),
                simulatedChargeCapacity: members.map { max(-($0.simulatedCapacity ?? 0), 0) }.reduce(0, +),
                measuredDuration: members.map(\.measuredDuration).reduce(0, +),
                simulatedDuration: members.map { $0.simulatedDuration ?? 0 }.reduce(0, +),
                comparedSamples: n, voltageRMSmV: n > 0 ? (squares / Double(n)).squareRoot() : nil, voltageMaxmV: n > 0 ? largest : nil))
        }
        let differences = samples.compactMap { s in s.simulatedVoltage.map { 1000 * ($0 - s.measuredVoltage) } }
        let rms = differences.isEmpty ? nil : (differences.map { $0 * $0 }.reduce(0, +) / Double(differences.count)).squareRoot()
        return MeasuredComparisonResult(plan: plan, simulation: simulation, initialStoichiometry: initialStoichiometry,
                                initialStateText: initialStateText, samples: samples, steps: stepResults, cycles: cycles,
                                voltageRMSmV: rms, voltageMaxmV: differences.map(abs).max())
    }
}
