import ArgumentParser
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
        subcommands: [Simulate.self, Validate.self, Models.self, SweepCommand.self, ImpedanceCommand.self],
        defaultSubcommand: Simulate.self)

    /// Parses and runs the command line. One that cannot be parsed (an unknown flag, a flag without
    /// its value) ends like every other bad input: one line on standard error and exit code 2.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(RunOptions.withOptionalValues(Array(CommandLine.arguments.dropFirst())))
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

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment on a cell model and write the results.",
        discussion: """
        Experiment steps follow PyBaMM's wording, one per line or separated by ';':
          "Discharge at 0.1C until 2.5 V", "Charge at 0.5 mA until 4.3 V",
          "Hold at 4.3 V until C/20", "Rest for 10 minutes", "Discharge at 1 W for 1 hour".
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
        let protocolSteps: Experiment
        do {
            protocolSteps = try Experiment(parsing: text)
        } catch {
            throw fail("\(error)")
        }

        options.keptCycles = .plotSelection
        options.cancellation = CancellationFlag()
        let simulation = Simulation(parameters: parameters, experiment: protocolSteps, cycles: cycles, options: options)
        let inputs = RunInputs(model: file.name, modelPath: modelPath, overrides: overrides,
                               experiment: protocolSteps.steps.map(\.text), cycles: cycles, options: options)

        // timeseries.csv and cycles.csv are written cycle by cycle as the run goes.
        var stream: CycleStream?
        var streamError: (any Error)?
        if let output {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                stream = try CycleStream(directory: output)
            } catch {
                throw fail("--output \(output): cannot write the results: \(error.localizedDescription)", code: 1)
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
                throw fail("--output \(output): cannot write the results: \(error.localizedDescription)", code: 1)
            }
        }
        print(Self.summary(result, model: file.name, parameters: parameters, output: output))
        if let failure = result.failure {
            throw fail(failure.description, code: stopSignal.received.map { 128 + $0 } ?? 1)
        }
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
        if let last = result.cycles.last {
            var line = String(format: "  discharge capacity %.5f A.h (%.1f mA.h/g CAM), charge %.5f A.h",
                              last.dischargeCapacity, last.specificDischargeCapacity, last.chargeCapacity)
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
        if let output { lines.append("  results written to \(output)/") }
        return lines.joined(separator: "\n")
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the bundled model files.")

    func run() throws {
        let names = BundledModels.names()
        guard !names.isEmpty else { throw fail("no bundled models found (set SOLIDCELL_MODELS to the models/ folder)") }
        for name in names {
            let description = (try? ModelFile.load(path: BundledModels.path(named: name)!).name) ?? ""
            print("\(name)\(name == BundledModels.defaultModelName ? " (default)" : "")  —  \(description)")
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
