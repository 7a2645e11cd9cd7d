import CellModel
import Foundation
import OutputFiles
import Parameters
import Protocols
import Simulator

// Parameter sweeps: the Cartesian product of varied model parameters, each case one simulation.
//
// A sweep is defined by a model file, fixed overrides (`--set`), the varied keys with their values
// (`--vary "KEY=v1,v2,…"`), an experiment and a number of cycles. Cases are numbered from 0 in
// row-major order: the first varied key changes slowest, the last fastest. Case n is written to the
// folder `case-NNNN` (zero-padded to at least four digits) and belongs to shard n mod N.

/// A sweep that cannot be set up, run or merged; the message says which input and why.
public struct SweepError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// A file could not be written, read back or copied (rather than an input being wrong).
    public var isFileFailure: Bool

    /// The message is kept on one line: line breaks and other control characters it echoes from
    /// the input are written as escapes (`\n`, `\u{0}`).
    public init(_ message: String, fileFailure: Bool = false) {
        self.message = InputEcho.singleLine(message)
        self.isFileFailure = fileFailure
    }
    public var description: String { message }
}

/// A varied parameter: a model key and the values it takes, as written (numbers or built-in names).
public struct SweepVariable: Codable, Equatable, Sendable {
    public var key: String
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }

    /// Parses the text of one `--vary`: `KEY=v1,v2,…` (white space around values is ignored).
    public init(parsing text: String) throws(SweepError) {
        let example = "e.g. --vary \"Positive electrode thickness [m]=4e-5,6e-5\""
        guard let (key, list) = ParameterOverrides.split(text), !key.isEmpty else {
            throw SweepError("--vary \"\(text)\": expected KEY=v1,v2,…, \(example)")
        }
        let values = list.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingCharacters(in: .whitespaces) }
        if values.contains("") {
            throw SweepError("--vary \"\(text)\": empty value in the list; expected KEY=v1,v2,… with every value given, \(example)")
        }
        var seen = Set<String>()
        for value in values where !seen.insert(value).inserted {
            throw SweepError("--vary \"\(text)\": the value \"\(value)\" is listed twice")
        }
        self.init(key: key, values: values)
    }
}

/// A deterministic slice of a sweep: shard `index` of `count` (0-based) runs the cases n with
/// n mod count = index, so `count` processes given the same command with indices 0…count−1 run
/// every case exactly once.
public struct SweepShard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole sweep (shard 0 of 1).
    public static let whole = SweepShard(validIndex: 0, count: 1)
    public static let maximumCount = 1_000_000

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    public init(index: Int, count: Int) throws(SweepError) {
        guard (1...Self.maximumCount).contains(count) else {
            throw SweepError("--shard \(index)/\(count): the shard count must be a whole number from 1 to \(Self.maximumCount)")
        }
        guard (0..<count).contains(index) else {
            throw SweepError("--shard \(index)/\(count): the shard index must be from 0 to \(count - 1); shards are numbered from 0 "
                             + "(declare Slurm arrays as --array=0-\(count - 1); Kubernetes' JOB_COMPLETION_INDEX starts at 0)")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses `I/N`, e.g. `3/8`.
    public init(parsing text: String) throws(SweepError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw SweepError("--shard \"\(text)\": expected I/N with whole numbers 0 ≤ I < N, e.g. --shard 0/4 … --shard 3/4")
        }
        try self.init(index: index, count: count)
    }

    public func contains(case number: Int) -> Bool { number % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// What defines a sweep, as recorded in `sweep.json`: enough to enumerate its cases, to resume it
/// and to check that shard outputs belong together.
public struct SweepDesign: Codable, Equatable, Sendable {
    public var format = SweepDesign.currentFormat
    /// The model's name (its metadata name, else the file name).
    public var model: String
    /// Where the model was read from (informational; not compared).
    public var modelPath: String
    /// A hash of the model file's parameters, so a changed model file is detected on resume.
    public var modelFingerprint: String
    /// `--set` assignments applied to every case, in order.
    public var overrides: [String]
    public var variables: [SweepVariable]
    /// The experiment's steps as written.
    public var experiment: [String]
    public var cycles: Int
    public var caseCount: Int
    /// IDA's relative and absolute tolerance when they are not ``SimulationOptions``' defaults (nil
    /// otherwise, and then absent from `sweep.json`, so that a `sweep.json` without them reads as
    /// the defaults).
    public var relativeTolerance: Double? = nil
    public var absoluteTolerance: Double? = nil
    /// The output sampling period of steps without their own [s] (nil: every solver step).
    public var samplePeriod: Double? = nil
    /// Cycle jumping's tolerance and report cycles (nil: every cycle simulated).
    public var accelerationTolerance: Double? = nil
    public var reportCycles: [Int]? = nil
    /// Each case is the critical-current measurement (``CriticalCurrentMeasurement``), whose protocol is
    /// then the experiment; nil: each case runs the experiment `cycles` times.
    public var criticalCurrent: CriticalCurrentMeasurement? = nil

    public static let currentFormat = "solidcell-sweep-1"

    enum CodingKeys: String, CodingKey {
        case format, model, modelPath = "model_path", modelFingerprint = "model_fingerprint", overrides
        case variables = "vary", experiment, cycles, caseCount = "cases", relativeTolerance = "rtol", absoluteTolerance = "atol"
        case samplePeriod = "period", accelerationTolerance = "accelerate", reportCycles = "report_cycles"
        case criticalCurrent = "critical_current"
    }

    /// Folder name of case `number`, zero-padded to at least four digits (`case-0007`).
    public func caseName(_ number: Int) -> String {
        let width = max(4, String(max(caseCount - 1, 0)).count)
        let digits = String(number)
        return "case-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Value index of every variable in case `number` (row-major: the last variable varies fastest).
    public func valueIndices(ofCase number: Int) -> [Int] {
        var rest = number
        var indices = [Int](repeating: 0, count: variables.count)
        for j in variables.indices.reversed() {
            let n = variables[j].values.count
            indices[j] = rest % n
            rest /= n
        }
        return indices
    }

    /// The case number with these value indices.
    func caseNumber(valueIndices indices: [Int]) -> Int {
        var number = 0
        for j in variables.indices { number = number * variables[j].values.count + indices[j] }
        return number
    }

    /// The varied values of case `number`, one per variable.
    public func values(ofCase number: Int) -> [String] {
        zip(variables, valueIndices(ofCase: number)).map { $0.values[$1] }
    }

    /// All overrides of case `number`: the sweep's `--set` assignments, then `KEY=VALUE` for every variable.
    public func overrides(ofCase number: Int) -> [String] {
        overrides + zip(variables, values(ofCase: number)).map { "\($0.key)=\($1)" }
    }

    /// Case numbers of a shard, ascending.
    public func cases(in shard: SweepShard) -> [Int] {
        Array(stride(from: shard.index, to: caseCount, by: shard.count))
    }

    /// Nil when `other` describes the same sweep (ignoring where the model file was read from),
    /// else the first difference.
    public func difference(from other: SweepDesign) -> String? {
        if format != other.format { return "format \(other.format) instead of \(format)" }
        if modelFingerprint != other.modelFingerprint || model != other.model {
            return "model \"\(other.model)\" (fingerprint \(other.modelFingerprint)) instead of \"\(model)\" (fingerprint \(modelFingerprint))"
        }
        if overrides != other.overrides { return "--set \(other.overrides) instead of \(overrides)" }
        if variables != other.variables {
            return "--vary \(other.variables.map { "\($0.key)=\($0.values.joined(separator: ","))" }) instead of "
                + "\(variables.map { "\($0.key)=\($0.values.joined(separator: ","))" })"
        }
        if experiment != other.experiment { return "experiment \(other.experiment) instead of \(experiment)" }
        if cycles != other.cycles { return "--cycles \(other.cycles) instead of \(cycles)" }
        if caseCount != other.caseCount { return "\(other.caseCount) cases instead of \(caseCount)" }
        let defaults = SimulationOptions()
        for (flag, mine, theirs, standard) in [("--rtol", relativeTolerance, other.relativeTolerance, defaults.relativeTolerance),
                                               ("--atol", absoluteTolerance, other.absoluteTolerance, defaults.absoluteTolerance)]
        where mine != theirs {
            return "\(flag) \(theirs ?? standard) instead of \(mine ?? standard)"
        }
        if samplePeriod != other.samplePeriod {
            func text(_ period: Double?) -> String { period.map { String(format: "%g s", $0) } ?? "none (every solver step)" }
            return "--period \(text(other.samplePeriod)) instead of \(text(samplePeriod))"
        }
        if accelerationTolerance != other.accelerationTolerance || reportCycles != other.reportCycles {
            func text(_ tolerance: Double?, _ cycles: [Int]?) -> String {
                guard let tolerance else { return "no --accelerate" }
                return "--accelerate \(tolerance)" + (cycles.map { $0.isEmpty ? "" : " --report-cycles \($0.map(String.init).joined(separator: ","))" } ?? "")
            }
            return "\(text(other.accelerationTolerance, other.reportCycles)) instead of \(text(accelerationTolerance, reportCycles))"
        }
        if criticalCurrent != other.criticalCurrent {
            func text(_ measurement: CriticalCurrentMeasurement?) -> String {
                guard let m = measurement else { return "no --critical-current" }
                return "--critical-current --capacity \(m.capacity) --start \(m.startCurrentDensity) --step \(m.currentDensityStep) "
                    + "--maximum \(m.maximumCurrentDensity)" + (m.contactThreshold.map { " --contact-threshold \($0)" } ?? "")
            }
            return "\(text(other.criticalCurrent)) instead of \(text(criticalCurrent))"
        }
        return nil
    }

    /// FNV-1a (64 bit) of the canonical text of a parameter set (keys sorted, shortest round-trip numbers).
    static func fingerprint(_ parameters: ParameterSet) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ParameterValue.table(parameters.values).description.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A parameter sweep over a model: validated up front, then run case by case (see ``run(in:shard:jobs:progress:)``).
public struct ParameterSweep: Sendable {
    public let design: SweepDesign
    /// The model with the sweep's `--set` overrides applied.
    public let baseParameters: ParameterSet
    public let experiment: Experiment
    /// Settings of every case's run (its tolerances are part of ``design``).
    public let options: SimulationOptions
    /// The tables of the experiment's `Run current profile PATH` steps, by PATH (loaded by the
    /// caller, as for ``Simulation/profiles``); every case runs with them.
    public var profiles: [String: ControlProfile] = [:]

    /// The most cases one sweep may have.
    public static let maximumCaseCount = 1_000_000
    /// How many combinations are tried, per varied value, to find one in which the value is valid.
    static let validationSearchLimit = 10_000

    /// Checks everything that can be checked before running: cycles, duplicate or conflicting keys,
    /// every `--set`, every varied value's type (through ``ParameterSet/override(_:with:)``) and
    /// range (a value must give valid parameters in at least one case; combinations that are
    /// invalid together, e.g. volume fractions summing to more than 1, become failed cases).
    public init(model: ModelFile, overrides: [String], variables: [SweepVariable], experiment: Experiment,
                cycles: Int, options: SimulationOptions = SimulationOptions()) throws(SweepError) {
        try self.init(model: model, overrides: overrides, variables: variables, experiment: experiment, cycles: cycles,
                      options: options, criticalCurrent: nil)
    }

    /// A sweep whose every case is the critical-current measurement: its protocol is the experiment
    /// (one pass), and the model must have the lithium contact law.
    public init(model: ModelFile, overrides: [String], variables: [SweepVariable], criticalCurrent: CriticalCurrentMeasurement,
                options: SimulationOptions = SimulationOptions()) throws(SweepError) {
        let experiment: Experiment
        do { experiment = try Experiment(parsing: criticalCurrent.experimentText) } catch { throw SweepError("--critical-current: \(error)") }
        try self.init(model: model, overrides: overrides, variables: variables, experiment: experiment, cycles: 1,
                      options: options, criticalCurrent: criticalCurrent)
    }

    private init(model: ModelFile, overrides: [String], variables: [SweepVariable], experiment: Experiment, cycles: Int,
                 options: SimulationOptions, criticalCurrent: CriticalCurrentMeasurement?) throws(SweepError) {
        guard Simulation.allowedCycles.contains(cycles) else {
            throw SweepError("--cycles \(cycles): allowed a whole number from \(Simulation.allowedCycles.lowerBound) to \(Simulation.allowedCycles.upperBound)")
        }
        var base = model.parameters
        do { try ParameterOverrides.apply(overrides, to: &base) } catch { throw SweepError(error.message) }
        let fixedKeys = Set(overrides.compactMap { ParameterOverrides.split($0)?.key })
        var seenKeys = Set<String>()
        var caseCount = 1
        for variable in variables {
            guard seenKeys.insert(variable.key).inserted else {
                throw SweepError("--vary \"\(variable.key)\": the key is varied twice; give all its values in one --vary")
            }
            guard !fixedKeys.contains(variable.key) else {
                throw SweepError("--vary \"\(variable.key)\": the key is also fixed by --set; give it in one of them only")
            }
            guard !variable.values.isEmpty else {
                throw SweepError("--vary \"\(variable.key)\": no values given; expected KEY=v1,v2,…")
            }
            for value in variable.values {
                var set = base
                do {
                    try set.override(variable.key, with: value)
                } catch {
                    throw SweepError("--vary \"\(variable.key)\": value \"\(value)\": \(error)")
                }
            }
            let (product, overflow) = caseCount.multipliedReportingOverflow(by: variable.values.count)
            guard !overflow, product <= Self.maximumCaseCount else {
                throw SweepError("--vary: the sweep has more than \(Self.maximumCaseCount) cases "
                                 + "(the product of the numbers of values: \(variables.map { String($0.values.count) }.joined(separator: " × ")))")
            }
            caseCount = product
        }
        var design = SweepDesign(model: model.name, modelPath: model.path, modelFingerprint: SweepDesign.fingerprint(model.parameters),
                                 overrides: overrides, variables: variables, experiment: experiment.steps.map(\.text),
                                 cycles: cycles, caseCount: caseCount)
        let defaults = SimulationOptions()
        if options.relativeTolerance != defaults.relativeTolerance { design.relativeTolerance = options.relativeTolerance }
        if options.absoluteTolerance != defaults.absoluteTolerance { design.absoluteTolerance = options.absoluteTolerance }
        design.samplePeriod = options.samplePeriod
        design.accelerationTolerance = options.acceleration?.tolerance
        design.reportCycles = options.acceleration?.reportCycles
        design.criticalCurrent = criticalCurrent
        self.design = design
        baseParameters = base
        self.experiment = experiment
        self.options = options
        try checkEveryValueIsUsable()
        if let criticalCurrent, let parameters = try? self.parameters(ofCase: 0) {
            do { _ = try criticalCurrent.prepared(parameters) } catch {
                throw SweepError("--critical-current: \(design.caseName(0)): \(error)")
            }
        }
    }

    /// The parameter set of a case (the base with the case's values applied).
    func parameterSet(valueIndices indices: [Int]) throws -> ParameterSet {
        var set = baseParameters
        for (variable, index) in zip(design.variables, indices) {
            try set.override(variable.key, with: variable.values[index])
        }
        return set
    }

    /// The validated parameters of case `number`; throws the ``ParameterError`` of an invalid combination.
    public func parameters(ofCase number: Int) throws -> CellParameters {
        try CellParameters(try parameterSet(valueIndices: design.valueIndices(ofCase: number)))
    }

    /// Every value must be valid in at least one case (searched among the first
    /// ``validationSearchLimit`` cases that hold it); otherwise it can only fail.
    private func checkEveryValueIsUsable() throws(SweepError) {
        let variables = design.variables
        if variables.isEmpty {
            do { _ = try parameters(ofCase: 0) } catch { throw SweepError("the model with its --set overrides is not valid: \(error)") }
            return
        }
        for (j, variable) in variables.enumerated() {
            let others = design.caseCount / variable.values.count
            for (v, value) in variable.values.enumerated() {
                var firstError: (any Error)?
                var valid = false
                for m in 0..<min(others, Self.validationSearchLimit) {
                    // The m-th combination of the other variables, with variable j at value v.
                    var indices = [Int](repeating: 0, count: variables.count)
                    var rest = m
                    for k in variables.indices.reversed() where k != j {
                        indices[k] = rest % variables[k].values.count
                        rest /= variables[k].values.count
                    }
                    indices[j] = v
                    do {
                        _ = try CellParameters(try parameterSet(valueIndices: indices))
                        valid = true
                        break
                    } catch {
                        if firstError == nil { firstError = error }
                    }
                }
                if !valid && others <= Self.validationSearchLimit, let firstError {
                    let context = variables.count > 1 ? " in any combination with the other varied values" : ""
                    throw SweepError("--vary \"\(variable.key)\": value \"\(value)\" is not allowed\(context): \(firstError)")
                }
            }
        }
    }

    /// What one case produced: its run, and the measurement's result when the sweep measures the
    /// critical current.
    public struct CaseResult: Sendable {
        public var simulation: SimulationResult
        public var criticalCurrent: CriticalCurrentResult?
    }

    /// Runs case `number` alone. Never throws: invalid parameters and solver failures are
    /// reported as the result's failure.
    public func runCase(_ number: Int) -> CaseResult {
        func failed(_ message: String) -> CaseResult {
            var result = SimulationResult()
            result.failure = SimulationFailure(cycle: 1, step: 1, stepText: experiment.steps.first?.text ?? "", time: 0, message: message)
            return CaseResult(simulation: result)
        }
        let parameters: CellParameters
        do {
            parameters = try self.parameters(ofCase: number)
        } catch {
            return failed("invalid parameters: \(error)")
        }
        if let measurement = design.criticalCurrent {
            do {
                let result = try measurement.run(parameters, options: options)
                return CaseResult(simulation: result.simulation, criticalCurrent: result)
            } catch {
                return failed("cannot run the critical-current measurement: \(error)")
            }
        }
        var simulation = Simulation(parameters: parameters, experiment: experiment, cycles: design.cycles, options: options)
        simulation.profiles = profiles
        return CaseResult(simulation: simulation.run())
    }

    /// The inputs recorded in a case's `summary.json`.
    public func inputs(ofCase number: Int) -> RunInputs {
        RunInputs(model: design.model, modelPath: design.modelPath, overrides: design.overrides(ofCase: number),
                  experiment: design.experiment, cycles: design.cycles, options: options)
    }
}
