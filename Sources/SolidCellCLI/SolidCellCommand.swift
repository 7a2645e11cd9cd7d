import ArgumentParser
import Comparison
import Foundation
import OutputFiles
import Parameters
import Protocols
import Simulator

@main
struct SolidCellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solidcell",
        abstract: "Pressure-aware P2D simulation of all-solid-state lithium cells.",
        version: SolidCellInfo.version,
        subcommands: [Simulate.self, Validate.self, Models.self, SweepCommand.self, ImpedanceCommand.self, PlotCommand.self, CompareCommand.self,
                      FitCommand.self, CriticalCurrentCommand.self],
        defaultSubcommand: Simulate.self)

    /// Parses and runs the command line. One that cannot be parsed (an unknown flag, a flag without
    /// its value) ends like every other bad input: one line on standard error and exit code 2.
    static func main() {
        var command: any ParsableCommand
        warnAboutModelsVariable()
        do {
            command = try parseAsRoot(RunOptions.withOptionalValues(attachingNegativeNumbers(Array(CommandLine.arguments.dropFirst()))))
        } catch {
            // --help and --version are parse "errors" that succeed.
            guard exitCode(for: error) != .success else { exit(withError: error) }
            exit(withError: fail(message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")))
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// The options whose value may be a negative number. ArgumentParser reads a separate "-1" as a
/// flag ("Missing value for '--cycles'"); attached as "--cycles=-1" it is the option's value, which
/// the command then checks and refuses naming the flag, the value and the allowed range.
let optionsTakingNumbers: Set<String> = ["--cycles", "--soc", "--jobs", "--shard", "--period", "--rtol", "--atol"]

/// `arguments` with every negative number that follows an option of ``optionsTakingNumbers``
/// attached to it with "=".
func attachingNegativeNumbers(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if optionsTakingNumbers.contains(argument), index + 1 < arguments.count {
            let next = arguments[index + 1]
            if next.hasPrefix("-"), let second = next.dropFirst().first, second.isNumber || second == "." {
                result.append(argument + "=" + next)
                index += 2
                continue
            }
        }
        result.append(argument)
        index += 1
    }
    return result
}

/// SOLIDCELL_MODELS set to something that is not a folder is not used: say so (one line on
/// standard error) rather than silently falling back to ./models.
func warnAboutModelsVariable() {
    guard let value = ProcessInfo.processInfo.environment["SOLIDCELL_MODELS"] else { return }
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory)
    guard !(exists && isDirectory.boolValue) else { return }
    let fallback = BundledModels.directory().map { "using \($0) instead" } ?? "no bundled models found either"
    FileHandle.standardError.write(Data(("warning: SOLIDCELL_MODELS=\(quoted(value)) is "
        + (exists ? "a file, not a folder" : "not an existing folder") + "; ignored, \(fallback)\n").utf8))
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment on a cell model and write the results.",
        discussion: """
        Experiment steps follow PyBaMM's wording, one per line or separated by ';':
          "Discharge at 0.1C until 2.5 V", "Charge at 0.5 mA until 4.3 V",
          "Hold at 4.3 V until C/20", "Rest for 10 minutes",
          "Discharge at 1 W for 1 hour",
          "Run current profile pulses.csv" (columns Time [s],Current [A],
            current positive on discharge, piecewise-linear).
        Units that steps accept:
          C-rates 1C, 0.5 C, C/10 (multiples of the model's
            "Nominal cell capacity [A.h]", recorded in summary.json);
          currents A, mA, uA; specific currents A/g, mA/g, A/kg;
          current densities A/m2, mA/cm2; power W, mW; voltages V, mV;
          durations s, min, h (hour), day, week.
        Default model: \(BundledModels.defaultModelName) (see `solidcell models`).
        Default protocol, between the model's voltage cut-offs L and U:
          "\(defaultExperiment(lower: 0, upper: 1).replacingOccurrences(of: "1.0 V", with: "U V")
                .replacingOccurrences(of: "0.0 V", with: "L V").replacingOccurrences(of: "; Rest", with: ";\n  Rest"))"
        """)

    @Option(name: .long, help: "Model file (JSON) or the name of a bundled model (see `solidcell models`).")
    var model: String?

    @Option(name: .long, help: "Experiment text (steps separated by newlines or ';').")
    var experiment: String?

    @Option(name: .long, help: "File holding the experiment text.")
    var experimentFile: String?

    @Option(name: .long, help: ArgumentHelp("Repeat the experiment this many times.", valueName: "N"))
    var cycles = "1"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a model parameter.", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(name: .long, help: "Write timeseries.csv, cycles.csv, summary.json and voltage.svg to this folder.")
    var output: String?

    @OptionGroup var runOptions: RunOptions

    /// Protocol run when none is given: a CC–CV charge, a rest and a discharge between the model's
    /// voltage cut-offs (as-assembled solid-state cathodes start discharged).
    static func defaultExperiment(lower: Double, upper: Double) -> String {
        "Charge at 0.2C until \(upper) V; Hold at \(upper) V until C/20; Rest for 30 minutes; Discharge at 0.2C until \(lower) V"
    }

    func run() throws {
        let cycles: Int
        var options = SimulationOptions()
        do {
            cycles = try wholeNumber(self.cycles, flag: "--cycles", in: Simulation.allowedCycles)
            try runOptions.apply(to: &options)
        } catch {
            throw fail("\(error)")
        }
        if experiment != nil && experimentFile != nil {
            throw fail("give either --experiment or --experiment-file, not both")
        }
        let modelPath: String
        if let model {
            modelPath = BundledModels.path(named: model) ?? model
        } else {
            guard let path = BundledModels.path(named: BundledModels.defaultModelName) else {
                throw fail("cannot find the bundled model \"\(BundledModels.defaultModelName)\"; run from the repository or set SOLIDCELL_MODELS to its models/ folder")
            }
            modelPath = path
        }

        let (file, parameters) = try loadModel(path: modelPath, overriding: overrides)

        let text: String
        do {
            text = try readExperimentFile(experimentFile) ?? experiment
                ?? Self.defaultExperiment(lower: parameters.lowerVoltageCutoff, upper: parameters.upperVoltageCutoff)
        } catch {
            throw fail("\(error)")
        }
        let protocolSteps = try parseExperiment(text)

        options.keptCycles = .plotSelection
        options.cancellation = CancellationFlag()
        var simulation = Simulation(parameters: parameters, experiment: protocolSteps, cycles: cycles, options: options)
        try loadProfiles(into: &simulation)
        let inputs = RunInputs(model: file.name, modelPath: modelPath, overrides: overrides,
                               experiment: protocolSteps.steps.map(\.text), cycles: cycles, options: options,
                               nominalCapacity: parameters.nominalCapacity)

        // timeseries.csv and cycles.csv are written cycle by cycle as the run goes.
        var stream: CycleStream?
        var streamError: (any Error)?
        if let output {
            do {
                try OutputWriter.prepareFolder(output, owning: OutputWriter.simulationFiles)
                stream = try CycleStream(directory: output, contact: FoilContactColumns(parameters))
            } catch {
                throw fail(outputFolderProblem(output, error: error), code: 1)
            }
        }
        // Ctrl-C (SIGINT) or a scheduler's SIGTERM (a cluster job reaching its time limit) stops the
        // run after the current solver step; what was computed is still written, and the exit code
        // is 128 + the signal number, as the shell reports a signal.
        let stopSignal = StopSignal(cancellation: options.cancellation)
        defer { stopSignal.restoreDefaults() }

        let progressLine = ProgressLine(label: "simulate")
        let result = simulation.run(progress: { progress in
            var line = "cycle \(progress.cycle)/\(progress.cycles), step \(progress.step)/\(progress.steps), t = \(String(format: "%.0f", progress.time)) s"
            if let last = progress.lastCycle, progress.cycles > 1 {
                line += String(format: ", last cycle %.1f mA.h/g (%.1f %% of cycle 1)", last.specificDischargeCapacity, last.retention)
            }
            progressLine.update(line, fraction: (Double(progress.cycle - 1) + Double(progress.step - 1) / Double(progress.steps)) / Double(progress.cycles))
        }, cycleCompleted: { summary, series in
            guard streamError == nil else { return }
            do { try stream?.append(summary, samples: series) } catch { streamError = error }
        })
        progressLine.finish()

        if let output {
            do {
                if let streamError { throw streamError }
                try OutputWriter.write(result, inputs: inputs, to: output, streamed: true)
            } catch {
                throw fail(outputFolderProblem(output, error: error), code: 1)
            }
        }
        print(Self.summary(result, model: file.name, parameters: parameters, output: output))
        if let failure = result.failure {
            throw fail(failure.description, code: stopSignal.received.map { 128 + $0 } ?? 1)
        }
    }

    /// One line on how cycle jumping went: cycles simulated and jumped over, or that every cycle
    /// was simulated and why.
    static func describe(_ jumps: CycleJumpStatistics) -> String {
        let simulated = "\(jumps.simulatedCycles) cycle\(jumps.simulatedCycles == 1 ? "" : "s") simulated"
        guard jumps.jumpedCycles == 0 else {
            return "cycle jumping: \(simulated), \(jumps.jumpedCycles) jumped over in \(jumps.acceptedJumps) jumps "
                + "(\(jumps.rejectedJumps) tried and rejected)"
        }
        if jumps.rejectedJumps > 0 {
            return "cycle jumping: every cycle simulated (\(simulated)): the slow state changes too fast for the "
                + "tolerance (\(jumps.rejectedJumps) jumps tried and rejected)"
        }
        return "cycle jumping: every cycle simulated (\(simulated)): no jump fitted between the cycles that are always "
            + "simulated (the first \(CycleAcceleration.cyclesBeforeFirstJump), a landing pair after each jump, the report "
            + "cycles, two after each particle isolation)"
    }

    static func summary(_ result: SimulationResult, model: String, parameters: CellParameters, output: String?) -> String {
        var lines = ["SolidCell \(SolidCellInfo.version) — \(model)"]
        // Long runs list the steps of the first and the last cycle only.
        let lastCycle = result.steps.last?.cycle ?? 1
        for step in result.steps where step.cycle == 1 || step.cycle == lastCycle {
            if step.cycle == lastCycle && lastCycle > 2 && step.step == result.steps.first(where: { $0.cycle == lastCycle })?.step {
                lines.append("  … cycles 2 to \(lastCycle - 1) in cycles.csv …")
            }
            let text = step.text.count < 40 ? step.text + String(repeating: " ", count: 40 - step.text.count) : step.text
            lines.append("  cycle \(step.cycle) step \(step.step)  \(text)"
                         + String(format: " %9.1f s  %+.5f A.h  ", step.endTime - step.startTime, step.dischargedCharge)
                         + step.end.description)
        }
        if let stopped = result.cycles.last, !stopped.complete, let step = result.steps.last {
            lines.append(String(format: "  cycle %d is partial: stopped in step %d after %.1f s of it; ", stopped.cycle, step.step,
                                step.endTime - step.startTime)
                         + "left out of retention and of capacity.svg")
        }
        if let stop = result.stop { lines.append("  the run stopped: \(stop)") }
        if let last = result.cycles.last(where: \.complete) ?? result.cycles.last {
            // (After a partial last cycle, the totals are the last complete cycle's: say which.)
            let which = last.cycle == result.cycles.last?.cycle ? "" : "cycle \(last.cycle) (the last complete one): "
            let specific = last.specificDischargeCapacity.isNaN ? "" : String(format: " (%.1f mA.h/g CAM)", last.specificDischargeCapacity)
            var line = "  " + which + String(format: "discharge capacity %.5f A.h", last.dischargeCapacity) + specific
                + String(format: ", charge %.5f A.h", last.chargeCapacity)
            // (No discharge in the cycle: no mean discharge voltage.)
            if last.meanDischargeVoltage.isFinite { line += String(format: ", mean discharge voltage %.3f V", last.meanDischargeVoltage) }
            lines.append(line)
            // (Retention and efficiency are undefined, not printed, when nothing was discharged or charged.)
            var totals: [String] = []
            if last.retention.isFinite && last.retentionOfMaximum.isFinite {
                totals.append(String(format: "retention %.2f %% of cycle 1 (%.2f %% of the best)", last.retention, last.retentionOfMaximum))
            }
            if last.coulombicEfficiency.isFinite { totals.append(String(format: "coulombic efficiency %.5f", last.coulombicEfficiency)) }
            if result.cycles.count > 1 && !totals.isEmpty {
                lines.append("  after \(last.cycle) cycles: " + totals.joined(separator: ", "))
            }
        }
        lines.append(String(format: "  solve time %.3f s, %d solver steps, %d residual and %d Jacobian evaluations",
                            result.solveTime, result.solverStatistics.steps, result.solverStatistics.residualEvaluations,
                            result.solverStatistics.jacobianEvaluations))
        if let jumps = result.cycleJumps { lines.append("  " + Self.describe(jumps)) }
        if let output { lines.append("  results written to \(output)/") }
        return lines.joined(separator: "\n")
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the bundled model files, or every parameter of one model.",
        discussion: """
        With NAME (a bundled model or a model file): every parameter the model reads — key, value, unit, \
        allowed values, and whether it is required, optional (read only when given) or a built-in function. \
        The allowed values are the ones the model's readers check. --json prints the same as a JSON array.
        """)

    @Argument(help: "A bundled model's name or a model file.")
    var name: String?

    @Flag(name: .long, help: "Print the parameters as JSON (with NAME).")
    var json = false

    func run() throws {
        if let name {
            try listParameters(of: name)
            return
        }
        if json { throw fail("--json lists one model's parameters: give its NAME (see `solidcell models`)") }
        let names = BundledModels.names()
        guard !names.isEmpty else { throw fail("no bundled models found (set SOLIDCELL_MODELS to the models/ folder)") }
        for name in names {
            let description = (try? ModelFile.load(path: BundledModels.path(named: name)!).name) ?? ""
            print("\(name)\(name == BundledModels.defaultModelName ? " (default)" : "")  —  \(description)")
        }
    }
}

extension Models {
    /// The unit in a key's brackets ("Positive electrode thickness [m]" → "m"), or "".
    static func unit(of key: String) -> String {
        guard key.hasSuffix("]"), let open = key.lastIndex(of: "[") else { return "" }
        return String(key[key.index(after: open)..<key.index(before: key.endIndex)])
    }

    static func text(_ value: ParameterValue?) -> String {
        switch value {
        case nil: return "(not given)"
        case .number(let x)?: return OutputWriter.format(x)
        case .text(let name)?: return name
        case let other?: return other.description
        }
    }

    func listParameters(of name: String) throws {
        let path = BundledModels.path(named: name) ?? name
        let (file, parameters) = try loadModel(path: path, overriding: [])
        let entries = parameters.catalogue
        if json {
            let rows: [[String: Any]] = entries.map { entry in
                var row: [String: Any] = ["key": entry.key, "unit": Self.unit(of: entry.key), "allowed": entry.allowed,
                                          "kind": entry.requirement.rawValue]
                switch entry.value {
                case .number(let x)?: row["value"] = x
                case nil: row["value"] = NSNull()
                case let other?: row["value"] = Self.text(other)
                }
                return row
            }
            let object: [String: Any] = ["model": file.name, "path": path, "parameters": rows]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(file.name) (\(path)): \(entries.count) parameters")
        for entry in entries {
            let unit = Self.unit(of: entry.key)
            var hasUnit = false
            if case .number? = entry.value { hasUnit = !unit.isEmpty }
            print("  \(entry.key) = \(Self.text(entry.value))\(hasUnit ? " " + unit : "")  "
                  + "[\(entry.requirement.rawValue)\(entry.allowed.isEmpty ? "" : "; allowed: " + entry.allowed)]")
        }
    }
}

/// A progress display on standard error for runs longer than a few seconds: one line rewritten in
/// place on a terminal, a plain line every few seconds otherwise; with the elapsed time and, once
/// the fraction done is known, an estimate of the time left.
final class ProgressLine {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) != 0
    let started = ContinuousClock.now
    var lastReport: ContinuousClock.Instant?
    var shown = false

    init(label: String) { self.label = label }

    func update(_ text: String, fraction: Double) {
        let now = ContinuousClock.now
        let elapsed = now - started
        guard elapsed > .seconds(2) else { return }
        if let lastReport, now - lastReport < (isTerminal ? .milliseconds(250) : .seconds(5)) { return }
        lastReport = now
        let seconds = Double(elapsed.components.seconds)
        var line = "\(label): \(text), \(Self.duration(seconds)) elapsed"
        if fraction > 0.01 && fraction < 1 { line += ", about \(Self.duration(seconds * (1 - fraction) / fraction)) left" }
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        shown = true
    }

    func finish() {
        if isTerminal && shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 120 ? String(format: "%.0f s", seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }
}

/// `solidcell plot RUN_DIR… --output FILE.svg`: several runs overlaid.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Overlay several runs (simulate --output folders) in one SVG.",
        discussion: """
        Draws voltage against capacity (each run's first cycle) and discharge capacity against cycle \
        (complete cycles), one colour per run, labelled by the inputs that differ between the runs \
        (model, --set values, experiment, cycles; from each folder's summary.json).
        """)

    @Argument(help: "Output folders of `solidcell simulate` runs.")
    var runs: [String] = []

    @Option(name: .long, help: "The SVG file to write.")
    var output: String

    func run() throws {
        guard !runs.isEmpty else { throw fail("give at least one RUN_DIR (an --output folder of `solidcell simulate`)") }
        var folders: [RunFolder] = []
        for run in runs {
            do { folders.append(try RunComparison.load(run)) } catch { throw fail("\(error)") }
        }
        do {
            try RunComparison.svg(folders).write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            var isDirectory: ObjCBool = false
            let reason = FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue
                ? "it is a folder" : "cannot write the file (does its folder exist, and may it be written?)"
            throw fail("--output \(quoted(output)): \(reason)", code: 1)
        }
        print("\(folders.count) runs plotted in \(output): " + RunComparison.labels(folders).joined(separator: " | "))
    }
}
