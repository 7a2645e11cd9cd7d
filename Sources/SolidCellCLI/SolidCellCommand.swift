import ArgumentParser
import CellModel
import Foundation
import Protocols
import SolidCell

@main
struct SolidCellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solidcell",
        abstract: "Pressure-aware P2D simulation of all-solid-state lithium cells.",
        version: SolidCellInfo.version,
        subcommands: [Simulate.self, Validate.self, Models.self, SweepCommand.self, ImpedanceCommand.self],
        defaultSubcommand: Simulate.self)
}

/// A user-facing failure: printed as one line on standard error, then a non-zero exit.
struct UserError: Error, CustomStringConvertible {
    var description: String
}

/// The text of `--experiment-file`, or nil when none was given.
func readExperimentFile(_ path: String?) throws(UserError) -> String? {
    guard let path else { return nil }
    guard let data = FileManager.default.contents(atPath: path), let contents = String(data: data, encoding: .utf8) else {
        throw UserError(description: "--experiment-file \(path): cannot read the file as UTF-8 text")
    }
    return contents
}

func fail(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    return ExitCode(code)
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

    @Option(name: .long, help: "Repeat the experiment this many times.")
    var cycles: Int = 1

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a model parameter.", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(name: .long, help: "Write timeseries.csv, cycles.csv, summary.json and voltage.svg to this folder.")
    var output: String?

    /// Protocol run when none is given: a CC–CV charge, a rest and a discharge between the model's
    /// voltage cut-offs (as-assembled solid-state cathodes start discharged).
    static func defaultExperiment(lower: Double, upper: Double) -> String {
        "Charge at 0.2C until \(upper) V; Hold at \(upper) V until C/20; Rest for 30 minutes; Discharge at 0.2C until \(lower) V"
    }

    func run() throws {
        guard (1...1_000_000).contains(cycles) else {
            throw fail("--cycles \(cycles): allowed a whole number from 1 to 1000000")
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

        let file: ModelFile
        let parameters: CellParameters
        do {
            file = try ModelFile.load(path: modelPath)
            var set = file.parameters
            try ParameterOverrides.apply(overrides, to: &set)
            parameters = try CellParameters(set)
        } catch {
            throw fail("\(error)")
        }

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

        let simulation = Simulation(parameters: parameters, experiment: protocolSteps, cycles: cycles)
        let isTerminal = isatty(STDERR_FILENO) != 0
        let started = ContinuousClock.now
        var lastReport = started
        let result = simulation.run { progress in
            let now = ContinuousClock.now
            guard now - started > .seconds(2), now - lastReport > .seconds(1) || progress.step == 1 else { return }
            lastReport = now
            let line = "cycle \(progress.cycle)/\(progress.cycles), step \(progress.step)/\(progress.steps), t = \(String(format: "%.0f", progress.time)) s"
            FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
        if isTerminal && ContinuousClock.now - started > .seconds(2) { FileHandle.standardError.write(Data("\n".utf8)) }

        let inputs = RunInputs(model: file.name, modelPath: modelPath, overrides: overrides,
                               experiment: protocolSteps.steps.map(\.text), cycles: cycles)
        if let output {
            do {
                try OutputWriter.write(result, inputs: inputs, to: output)
            } catch {
                throw fail("--output \(output): cannot write the results: \(error.localizedDescription)", code: 1)
            }
        }
        print(Self.summary(result, model: file.name, parameters: parameters, output: output))
        if let failure = result.failure {
            throw fail(failure.description, code: 1)
        }
    }

    static func summary(_ result: SimulationResult, model: String, parameters: CellParameters, output: String?) -> String {
        var lines = ["SolidCell \(SolidCellInfo.version) — \(model)"]
        for step in result.steps {
            let text = step.text.count < 40 ? step.text + String(repeating: " ", count: 40 - step.text.count) : step.text
            lines.append("  cycle \(step.cycle) step \(step.step)  \(text)"
                         + String(format: " %9.1f s  %+.5f A.h  ", step.endTime - step.startTime, step.dischargedCharge)
                         + step.end.description)
        }
        if let last = result.cycles.last {
            lines.append(String(format: "  discharge capacity %.5f A.h (%.1f mA.h/g CAM), charge %.5f A.h, mean discharge voltage %.3f V",
                                last.dischargeCapacity, last.specificDischargeCapacity, last.chargeCapacity, last.meanDischargeVoltage))
        }
        lines.append(String(format: "  solve time %.3f s, %d solver steps, %d residual and %d Jacobian evaluations",
                            result.solveTime, result.solverSteps, result.residualEvaluations, result.jacobianEvaluations))
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
