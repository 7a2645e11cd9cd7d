import DAESolver
import Foundation
import Impedance
import Parameters
import Simulator

/// Inputs of a run, recorded in `summary.json` so a result can be traced to what produced it.
public struct RunInputs: Codable, Sendable {
    public var model: String
    public var modelPath: String
    public var overrides: [String]
    public var experiment: [String]
    public var cycles: Int
    /// IDA's relative and (per-unknown scaled) absolute tolerance (absent in summaries written
    /// before they were recorded).
    public var relativeTolerance: Double?
    public var absoluteTolerance: Double?
    /// The output sampling period of steps without their own [s]; nil: every solver step.
    public var samplePeriod: Double?
    /// Cycle jumping: its tolerance [retention points] and the cycles always simulated (absent
    /// when every cycle is simulated).
    public var accelerationTolerance: Double?
    public var reportCycles: [Int]?
    public var solidcellVersion: String
    /// The capacity C-rates refer to, the model's `"Nominal cell capacity [A.h]"` (1C = this many
    /// amperes) [A h]; absent in summaries written before it was recorded.
    public var nominalCapacity: Double?

    public init(model: String, modelPath: String, overrides: [String], experiment: [String], cycles: Int,
                options: SimulationOptions = SimulationOptions(), nominalCapacity: Double? = nil) {
        self.nominalCapacity = nominalCapacity
        self.model = model
        self.modelPath = modelPath
        self.overrides = overrides
        self.experiment = experiment
        self.cycles = cycles
        self.relativeTolerance = options.relativeTolerance
        self.absoluteTolerance = options.absoluteTolerance
        self.samplePeriod = options.samplePeriod
        self.accelerationTolerance = options.acceleration?.tolerance
        self.reportCycles = options.acceleration.map(\.reportCycles)
        self.solidcellVersion = SolidCellInfo.version
    }
}

public enum SolidCellInfo {
    public static let version = "0.1.0"
}

/// Writes a result as `timeseries.csv`, `cycles.csv`, `summary.json`, `voltage.svg` and, for
/// more than one complete cycle, `capacity.svg`.
///
/// A run owns the files of its output folder that it can write (``simulationFiles``,
/// ``impedanceFiles``): each is replaced or, when this run does not write it (`capacity.svg` of a
/// one-cycle run), removed, so no file of an earlier run into the same folder is left beside the
/// new ones. Every other file in the folder is left alone.
public enum OutputWriter {
    /// Every file a simulation run can write into its output folder.
    public static let simulationFiles = ["timeseries.csv", "cycles.csv", "summary.json", "voltage.svg", "capacity.svg"]
    /// Every file an impedance run can write into its output folder.
    public static let impedanceFiles = ["impedance.csv", "nyquist.svg"]

    /// Creates `directory` if needed and removes the given files of an earlier run from it (call
    /// before a run starts writing, so that a run stopped early leaves none of them stale).
    public static func prepareFolder(_ directory: String, owning files: [String]) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in files {
            let path = directory + "/" + file
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                try fm.removeItem(atPath: path)
            }
        }
    }

    /// Writes every file; `streamed` when `timeseries.csv` and `cycles.csv` were already written
    /// cycle by cycle (``CycleStream``) and `result.timeSeries` holds only the cycles to plot.
    public static func write(_ result: SimulationResult, inputs: RunInputs, to directory: String,
                             streamed: Bool = false) throws {
        try prepareFolder(directory, owning: simulationFiles.filter { !streamed || ($0 != "timeseries.csv" && $0 != "cycles.csv") })
        if !streamed {
            try timeSeriesCSV(result.timeSeries).write(toFile: directory + "/timeseries.csv", atomically: true, encoding: .utf8)
            try cyclesCSV(result.cycles).write(toFile: directory + "/cycles.csv", atomically: true, encoding: .utf8)
        }
        try summaryJSON(result, inputs: inputs).write(to: URL(fileURLWithPath: directory + "/summary.json"))
        try SVGPlot.voltageCapacity(result.timeSeries).write(toFile: directory + "/voltage.svg", atomically: true, encoding: .utf8)
        // Only complete cycles: a cycle stopped part-way would show as a false drop in capacity.
        let complete = result.cycles.filter(\.complete)
        if complete.count > 1 {
            try SVGPlot.capacityCycle(complete).write(toFile: directory + "/capacity.svg", atomically: true, encoding: .utf8)
        }
    }

    /// Writes an impedance spectrum as `impedance.csv` and `nyquist.svg`.
    public static func writeImpedance(_ spectrum: ImpedanceSpectrum, to directory: String) throws {
        try prepareFolder(directory, owning: impedanceFiles)
        try impedanceCSV(spectrum).write(toFile: directory + "/impedance.csv", atomically: true, encoding: .utf8)
        try SVGPlot.nyquist(spectrum).write(toFile: directory + "/nyquist.svg", atomically: true, encoding: .utf8)
    }

    /// `Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]`, one row per frequency in the spectrum's order.
    public static func impedanceCSV(_ spectrum: ImpedanceSpectrum) -> String {
        var text = "Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]\n"
        for (frequency, z) in zip(spectrum.frequencies, spectrum.impedance) {
            text += "\(format(frequency)),\(format(z.real)),\(format(-z.imaginary))\n"
        }
        return text
    }

    /// Four significant digits, for reports.
    public static func short(_ x: Double) -> String {
        guard x.isFinite else { return "nan" }
        return String(format: "%.4g", x)
    }

    /// Shortest decimal text that reads back to the same double (so files are reproducible bit for bit).
    public static func format(_ x: Double) -> String {
        var text = ""
        append(x, to: &text)
        return text
    }

    /// ``format(_:)`` appended to `text` without an intermediate string.
    static func append(_ x: Double, to text: inout String) {
        if x.isFinite { x.write(to: &text) } else { text += "nan" }
    }

    public static func timeSeriesCSV(_ series: TimeSeries) -> String {
        series.columns.map(\.name).joined(separator: ",") + "\n" + timeSeriesRows(series)
    }

    /// The data rows of `timeseries.csv` (no header).
    /// (Written value by value into one string: long fade runs write hundreds of thousands of rows.)
    static func timeSeriesRows(_ series: TimeSeries) -> String {
        let columns = series.columns
        let counters = columns.map { $0.name == "Cycle" || $0.name == "Step" }
        var text = ""
        for row in 0..<series.count {
            for (index, column) in columns.enumerated() {
                if index > 0 { text += "," }
                let value = column.values[row]
                if counters[index] {
                    text += String(Int(value))
                } else {
                    append(value, to: &text)
                }
            }
            text += "\n"
        }
        return text
    }

    /// The columns of `cycles.csv` after `Cycle`.
    static let cycleColumns: [(name: String, value: @Sendable (CycleSummary) -> Double)] = [
        ("Charge capacity [A.h]", \.chargeCapacity), ("Discharge capacity [A.h]", \.dischargeCapacity),
        ("Charge capacity [mA.h.g-1]", \.specificChargeCapacity), ("Discharge capacity [mA.h.g-1]", \.specificDischargeCapacity),
        ("Coulombic efficiency", \.coulombicEfficiency), ("Capacity retention [%]", \.retention),
        ("Capacity retention of maximum [%]", \.retentionOfMaximum), ("Mean discharge voltage [V]", \.meanDischargeVoltage),
        ("Discharge energy [W.h]", \.dischargeEnergy), ("Charge energy [W.h]", \.chargeEnergy),
        ("Energy efficiency", \.energyEfficiency),
        ("DC resistance [Ohm]", \.dcResistance), ("Interfacial resistance at top of charge [Ohm]", \.interfacialResistanceAfterCharge),
        ("Side-reaction charge [A.h]", \.sideReactionCharge), ("Mean contact fraction", \.meanContactFraction),
    ]

    public static func cyclesCSV(_ cycles: [CycleSummary]) -> String {
        let contact = FoilContactColumns(negative: cycles.contains { !$0.minimumNegativeContactFraction.isNaN },
                                         positive: cycles.contains { !$0.minimumPositiveContactFraction.isNaN })
        return cycles.reduce(into: cyclesCSVHeader(contact)) { $0 += cyclesCSVRow($1, contact) }
    }

    /// The header of `cycles.csv`, with the last columns `Minimum negative electrode contact
    /// fraction` (the smallest foil|SE contact fraction sampled in the cycle) for a model with the
    /// lithium contact law, and `Minimum positive electrode contact fraction` for the second foil
    /// of a symmetric cell.
    static func cyclesCSVHeader(_ contact: FoilContactColumns) -> String {
        var header = String(cyclesCSVHeader.dropLast())
        if contact != .none { header += ",Minimum negative electrode contact fraction" }
        if contact == .bothFoils { header += ",Minimum positive electrode contact fraction" }
        return header + "\n"
    }

    static func cyclesCSVRow(_ c: CycleSummary, _ contact: FoilContactColumns) -> String {
        var row = String(cyclesCSVRow(c).dropLast())
        if contact != .none { row += "," + format(c.minimumNegativeContactFraction) }
        if contact == .bothFoils { row += "," + format(c.minimumPositiveContactFraction) }
        return row + "\n"
    }

    /// The header of `cycles.csv`: `Cycle`, the ``cycleColumns``, `Complete` (`true` when every
    /// step of the cycle ran to its end, `false` for a cycle stopped part-way by a failure or an
    /// interruption: its totals are what passed until the stop, and it has no retention) and
    /// `Simulated` (`false` for a cycle jumped over by ``CycleAcceleration``, whose values are
    /// interpolated between the simulated cycles either side).
    static let cyclesCSVHeader = (["Cycle"] + cycleColumns.map(\.name) + ["Complete", "Simulated"]).joined(separator: ",") + "\n"

    static func cyclesCSVRow(_ c: CycleSummary) -> String {
        "\(c.cycle)," + cycleColumns.map { format($0.value(c)) }.joined(separator: ",") + ",\(c.complete),\(c.isSimulated)\n"
    }

    struct Summary: Encodable {
        struct Solver: Encodable {
            var steps: Int, residual_evaluations: Int, jacobian_evaluations: Int, nonlinear_iterations: Int
            var error_test_failures: Int, nonlinear_convergence_failures: Int
            init(_ s: SolverStatistics) {
                steps = s.steps
                residual_evaluations = s.residualEvaluations
                jacobian_evaluations = s.jacobianEvaluations
                nonlinear_iterations = s.nonlinearIterations
                error_test_failures = s.errorTestFailures
                nonlinear_convergence_failures = s.nonlinearConvergenceFailures
            }
        }
        var inputs: RunInputs
        var status: String
        /// True when the run stopped before its end (a failure or an interruption): its last cycle
        /// is then incomplete (`Complete` false in cycles.csv).
        var partial: Bool
        var complete_cycles: Int
        /// What "1C" means in this run's steps: `Nominal cell capacity [A.h]` and its value.
        var c_rate_basis: CRateBasis?
        struct CRateBasis: Encodable {
            var parameter = "Nominal cell capacity [A.h]"
            var value_Ah: Double
            var note: String
        }
        var failure: String?
        /// Why the run ended before its protocol did when that is an outcome, not a failure
        /// ("contact lost at the negative electrode"); `status` is then `stopped`.
        var stop_reason: String?
        var solve_time_s: Double
        var solver: Solver
        /// `condensed` (each particle's block eliminated, the rest — the skeleton — factorised as a
        /// bordered band or by KLU, as `linear_solver_skeleton` says) or `klu` (KLU on the whole
        /// matrix), with the reason the blocks were not condensed.
        var linear_solver: String
        var linear_solver_skeleton: String?
        var linear_solver_fallback_reason: String?
        var final_time_s: Double
        var discharge_capacity_Ah: [Double]
        /// With cycle jumping: cycles simulated and jumped over, jumps accepted and rejected.
        var cycle_jumps: CycleJumps?

        struct CycleJumps: Encodable {
            var simulated_cycles: Int, jumped_cycles: Int, accepted_jumps: Int, rejected_jumps: Int
            var cycles_too_fast_to_jump: Int
            init(_ s: CycleJumpStatistics) {
                simulated_cycles = s.simulatedCycles
                jumped_cycles = s.jumpedCycles
                accepted_jumps = s.acceptedJumps
                rejected_jumps = s.rejectedJumps
                cycles_too_fast_to_jump = s.cyclesTooFastToJump
            }
        }
    }

    /// One entry of `summary.json`'s `steps`: how every protocol step of every cycle ended.
    struct StepSummary: Encodable {
        var cycle: Int, step: Int, text: String
        var start_time_s: Double, end_time_s: Double, termination: String
        var discharged_capacity_Ah: Double
    }

    /// `summary.json`: the run's inputs, status, solver statistics and per-cycle capacities, then
    /// `steps`, how every step of every cycle ended. The step list is most of a long run's summary;
    /// it is encoded one compact line per step (JSONEncoder's tree for a whole list took ~4 kB per
    /// step while encoding: 12 MB for 3000 cycles), the rest pretty-printed with sorted keys.
    public static func summaryJSON(_ result: SimulationResult, inputs: RunInputs) throws -> Data {
        let summary = Summary(
            inputs: inputs, status: result.failure != nil ? "failed" : (result.stop != nil ? "stopped" : "completed"),
            partial: result.failure != nil || result.cycles.contains { !$0.complete },
            complete_cycles: result.cycles.filter(\.complete).count,
            c_rate_basis: inputs.nominalCapacity.map {
                .init(value_Ah: $0, note: "C-rates (1C, C/20, …) in the experiment are multiples of this capacity: 1C = \(format($0)) A")
            },
            failure: result.failure?.description, stop_reason: result.stop, solve_time_s: result.solveTime,
            solver: .init(result.solverStatistics),
            linear_solver: result.linearSolver.rawValue, linear_solver_skeleton: result.linearSolverSkeleton,
            linear_solver_fallback_reason: result.linearSolverFallbackReason,
            final_time_s: result.timeSeries.time.last ?? 0,
            discharge_capacity_Ah: result.cycles.map(\.dischargeCapacity),
            cycle_jumps: result.cycleJumps.map(Summary.CycleJumps.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var json = try encoder.encode(summary)
        // The pretty-printed object ends in "\n}"; "steps" sorts after every other key.
        guard let closing = json.lastIndex(of: UInt8(ascii: "}")) else { return json }
        json.removeSubrange(closing...)
        while let last = json.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") { json.removeLast() }
        json.append(contentsOf: Array(",\n  \"steps\" : [".utf8))
        encoder.outputFormatting = [.sortedKeys]
        for (index, record) in result.steps.enumerated() {
            let step = StepSummary(cycle: record.cycle, step: record.step, text: record.text, start_time_s: record.startTime,
                                   end_time_s: record.endTime, termination: record.end.description,
                                   discharged_capacity_Ah: record.dischargedCharge)
            json.append(contentsOf: Array((index == 0 ? "\n    " : ",\n    ").utf8))
            json.append(try encoder.encode(step))
        }
        json.append(contentsOf: Array((result.steps.isEmpty ? "]\n}" : "\n  ]\n}").utf8))
        return json
    }
}

/// Writes `timeseries.csv` and `cycles.csv` cycle by cycle as a run goes, so that long runs keep
/// only a few cycles in memory and a run that stops early — even by a hard kill that leaves no
/// chance to write anything at the end — leaves every finished cycle on disk.
public final class CycleStream {
    private let timeSeries: FileHandle
    private let cycles: FileHandle
    private var timeSeriesHeaderWritten = false
    /// Which minimum-contact columns `cycles.csv` has.
    private let contact: FoilContactColumns

    /// Creates (or truncates) both files in `directory`, which must exist.
    public init(directory: String, contact: FoilContactColumns = .none) throws {
        self.contact = contact
        timeSeries = try Self.create(directory + "/timeseries.csv")
        cycles = try Self.create(directory + "/cycles.csv")
        try cycles.write(contentsOf: Data(OutputWriter.cyclesCSVHeader(contact).utf8))
    }

    deinit {
        try? timeSeries.close()
        try? cycles.close()
    }

    private static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// Appends a finished cycle: its samples (after the header, taken from the first series, whose
    /// columns depend on the number of contact classes) and its row of `cycles.csv`.
    public func append(_ summary: CycleSummary, samples series: TimeSeries) throws {
        var text = ""
        if !timeSeriesHeaderWritten {
            text = series.columns.map(\.name).joined(separator: ",") + "\n"
            timeSeriesHeaderWritten = true
        }
        text += OutputWriter.timeSeriesRows(series)
        try timeSeries.write(contentsOf: Data(text.utf8))
        try cycles.write(contentsOf: Data(OutputWriter.cyclesCSVRow(summary, contact).utf8))
    }
}

/// Which per-cycle minimum foil|SE contact fractions `cycles.csv` has: none, the negative
/// electrode's (a model with the lithium contact law), or both foils' (a symmetric cell).
public enum FoilContactColumns: Sendable, Equatable {
    case none, negative, bothFoils

    public init(negative: Bool, positive: Bool) {
        self = positive ? .bothFoils : negative ? .negative : .none
    }

    /// The columns a model's runs fill.
    public init(_ parameters: CellParameters) {
        self.init(negative: parameters.negativeInterface != nil,
                  positive: parameters.negativeInterface != nil && parameters.layout == .symmetricLithium)
    }
}
