import ArgumentParser
import CellModel
import Comparison
import Fitting
import Foundation
import MeasuredData
import OutputFiles
import Parameters
import Protocols
import Simulator

/// `solidcell fit`: calibrate model keys against measured data.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit model keys to measured data (weighted least squares, Levenberg–Marquardt) with standard errors and an identifiability verdict.",
        discussion: """
        solidcell fit --model M --data FILE [--data FILE …] --fit "KEY" [--fit "KEY=LOW:HIGH" …] [--set "KEY=VALUE" …] \
        [--data-set "FILE:KEY=VALUE" …] [--experiment TEXT] [--weight FILE=W] [--starts N] --output DIR

        A cycler log is replayed as `solidcell compare` replays it and scored by its voltages; a per-cycle \
        table (cycle, discharge capacity) is scored by its capacities under --experiment, one cycle of the \
        protocol, repeated to the table's last cycle; an impedance spectrum by Re Z and Im Z against the \
        model's at rest (at --initial-soc X, else at the model file's initial concentration). Each dataset's residuals are divided by its noise \
        estimate (times W with --weight). Positive keys are fitted in log space; without bounds a key is \
        searched from a tenth to ten times its value, within its allowed range. Writes fit.json (values, \
        standard errors, correlations, identifiability, objective, RMS per dataset, model solves, time), \
        the fitted model file and data-vs-fit plots.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("A measured dataset (repeatable): a cycler log, a per-cycle capacity table or an impedance spectrum.", valueName: "FILE"))
    var data: [String] = []

    @Option(name: .customLong("fit"), help: ArgumentHelp("A key to fit, optionally with bounds (repeatable).", valueName: "KEY[=LOW:HIGH]"))
    var fitKeys: [String] = []

    @Option(name: .long, help: "One cycle of the protocol behind per-cycle capacity tables.")
    var experiment: String?

    @Option(name: .long, help: ArgumentHelp("Relative weight of a dataset (default 1; repeatable).", valueName: "FILE=W"))
    var weight: [String] = []

    @Option(name: .customLong("data-set"), help: ArgumentHelp(
        "A setting of one dataset's runs only — the conditions it was measured at (stack pressure, temperature) or its cell's microstructure (repeatable).",
        valueName: "FILE:KEY=VALUE"))
    var dataSettings: [String] = []

    @Option(name: .long, help: "Number of starts: the model's values, then Latin-hypercube points in the bounds (run in parallel).")
    var starts: Int = 4

    @Option(name: .long, help: ArgumentHelp(
        "How ∂(residual)/∂(key) is computed: IDAS forward sensitivities of the replayed logs and of capacity tables, and dZ/dθ of the linearised system for spectra (others by finite differences), or finite differences of whole runs throughout.",
        valueName: "forward|finite-differences"))
    var sensitivities: String = SensitivityMethod.forward.rawValue

    @Option(name: .customLong("max-iterations"), help: "Most Levenberg–Marquardt iterations per start.")
    var maxIterations: Int = 30

    @Option(name: .customLong("initial-soc"), help: ArgumentHelp(
        "Start replayed logs at rest at this state of charge instead of at the first measured voltage; \"model\": at the model file's initial concentration.",
        valueName: "X|model"))
    var initialSOC: String?

    @Option(name: .long, help: "Folder for fit.json, the fitted model file and the plots.")
    var output: String?

    @OptionGroup var runOptions: RunOptions

    func run() throws {
        let modelPath = try modelOptions.path()
        guard !data.isEmpty else { throw fail("--data FILE is required (a cycler log or a per-cycle capacity table; repeatable)") }
        guard !fitKeys.isEmpty else { throw fail("--fit KEY is required (a numeric key of the model, optionally KEY=LOW:HIGH; repeatable)") }
        guard let output else { throw fail("--output DIR is required (the folder for fit.json, the fitted model file and the plots)") }
        guard (1...64).contains(starts) else { throw fail("--starts \(starts): allowed a whole number from 1 to 64") }
        guard (1...500).contains(maxIterations) else { throw fail("--max-iterations \(maxIterations): allowed a whole number from 1 to 500") }
        let initialState = try InitialStateOption.parse(initialSOC)
        guard let method = SensitivityMethod(rawValue: sensitivities.trimmingCharacters(in: .whitespaces)) else {
            throw fail("--sensitivities \(quoted(sensitivities)): allowed " + SensitivityMethod.allCases.map(\.rawValue).joined(separator: " or "))
        }

        let (file, cell) = try loadModel(path: modelPath, overriding: modelOptions.overrides)
        var base = file.parameters
        do { try ParameterOverrides.apply(modelOptions.overrides, to: &base) } catch { throw fail("\(error)") }

        var parameters: [FitParameter] = []
        for text in fitKeys {
            do { parameters.append(try FitParameter.parse(text, catalogue: cell.catalogue)) } catch { throw fail("\(error)") }
            if parameters.dropLast().contains(where: { $0.key == parameters.last!.key }) {
                throw fail("--fit \(quoted(text)): \(quoted(parameters.last!.key)) is named twice")
            }
        }
        var weights: [String: Double] = [:]
        for text in weight {
            guard let (path, value) = ParameterOverrides.split(text), let w = Double(value), w.isFinite, w > 0 else {
                throw fail("--weight \(quoted(text)): allowed FILE=W, a data file given with --data and a positive number")
            }
            guard data.contains(path) else { throw fail("--weight \(quoted(text)): \(quoted(path)) is not one of the --data files") }
            weights[path] = w
        }

        var settings: [String: ParameterSet] = [:]
        for text in dataSettings {
            // The longest --data file the text starts with, then ":" and KEY=VALUE.
            guard let path = data.filter({ text.hasPrefix($0 + ":") }).max(by: { $0.count < $1.count }),
                  let (key, value) = ParameterOverrides.split(String(text.dropFirst(path.count + 1))) else {
                throw fail("--data-set \(quoted(text)): allowed FILE:KEY=VALUE with FILE one of the --data files")
            }
            guard !parameters.contains(where: { $0.key == key }) else {
                throw fail("--data-set \(quoted(text)): \(quoted(key)) is fitted; a dataset cannot fix it")
            }
            do { try settings[path, default: ParameterSet()].override(key, with: value) } catch {
                throw fail("--data-set \(quoted(text)): \(error)")
            }
            var check = base
            for (k, v) in settings[path]!.values { check[k] = v }
            do { _ = try CellParameters(check) } catch { throw fail("--data-set \(quoted(text)): \(error)") }
        }

        var cycleProtocol: (Experiment, [String: ControlProfile])?
        if let experiment {
            let steps = try parseExperiment(experiment)
            cycleProtocol = (steps, try profiles(of: steps))
        }
        var datasets: [FitDataset] = []
        for path in data {
            guard FileManager.default.fileExists(atPath: path) else { throw fail("--data \(quoted(path)): no such file") }
            let dataset: MeasuredDataset
            do { dataset = try MeasuredDataReader.read(url: URL(fileURLWithPath: path)) } catch {
                throw fail("--data \(quoted(path)): \(error)")
            }
            let content: FitDataset.Content
            if let series = dataset.timeSeries {
                content = .timeSeries(series)
            } else if let table = dataset.cycles {
                guard let (steps, profiles) = cycleProtocol else {
                    throw fail("--data \(quoted(path)): a per-cycle table needs --experiment, the protocol of one cycle")
                }
                content = .cycles(table, experiment: steps, profiles: profiles)
            } else if let spectrum = dataset.impedance {
                content = .impedance(spectrum, stateOfCharge: initialState.stateOfCharge)
            } else {
                throw fail("--data \(quoted(path)): holds no data a fit can use (allowed: a cycler log, a per-cycle capacity table or an impedance spectrum)")
            }
            datasets.append(FitDataset(file: path, content: content, weight: weights[path] ?? 1, settings: settings[path] ?? ParameterSet()))
        }

        var options = SimulationOptions()
        do { try runOptions.apply(to: &options) } catch { throw fail("\(error)") }
        var fit = ParameterFit(objective: FitObjective(base: base, parameters: parameters, datasets: datasets, options: options,
                                                       initialState: initialState))
        fit.starts = starts
        fit.sensitivities = method
        fit.optimiser.maximumIterations = maxIterations
        say("SolidCell \(SolidCellInfo.version) — fitting \(parameters.count) key\(parameters.count == 1 ? "" : "s") of \(file.name) "
              + "to \(datasets.count) dataset\(datasets.count == 1 ? "" : "s"), \(starts) start\(starts == 1 ? "" : "s"), "
            + "sensitivities by \(method.rawValue)")
        for (p, d) in zip(parameters.indices, parameters) {
            say("  θ\(p + 1) \(d.key): start \(format(d.initial)), bounds \(format(d.lower))…\(format(d.upper)) (\(d.logScale ? "log" : "linear"))")
        }
        let report: ParameterFit.Report
        do {
            report = try fit.run { progress in
                let values = progress.values.map(format).joined(separator: ", ")
                let mark = progress.iteration.accepted ? "" : " (rejected)"
                let line = "  start \(progress.start) iteration \(progress.iteration.number): objective \(format(progress.iteration.objective)), "
                    + "step \(format(progress.iteration.stepSize)), parameters [\(values)]\(mark)"
                say(line)
            }
        } catch {
            throw fail("\(error)")
        }
        let command = (["solidcell"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let fittedPath: String
        do {
            fittedPath = try FitFiles.write(report, objective: fit.objective, modelPath: modelPath, modelName: file.name,
                                            command: command, to: output)
        } catch {
            throw fail(outputFolderProblem(output, error: error), code: 1)
        }
        var lines = ["  \(report.best.stopReason) after \(report.best.iterations) iterations; objective \(format(report.best.initialObjective)) → \(format(report.best.objective)); "
                     + "\(report.modelSolves) model solves in \(String(format: "%.1f", report.seconds)) s"]
        if let bestStart = report.starts.first(where: { $0.result?.objective == report.best.objective }), let failure = bestStart.failure {
            lines.append("  a model run failed during the search (a rejected step): \(failure)")
        }
        for (j, p) in parameters.enumerated() {
            let se = report.statistics.standardErrors[j].map { " ± " + format($0) } ?? " (standard error undetermined)"
            lines.append("  \(p.key) = \(format(report.values[j]))\(se)")
        }
        for (k, d) in datasets.enumerated() {
            lines.append("  \(d.file): RMS \(format(report.evaluation.datasets[k].rms)) \(d.unit)")
        }
        if report.statistics.identifiable {
            lines.append("  identifiable: every key is determined by these data")
        } else {
            lines.append("  NOT identifiable from these data:")
            lines += report.statistics.problems.map { "    - " + $0 }
        }
        lines.append("  results written to \(output)/ (fit.json, \(URL(fileURLWithPath: fittedPath).lastPathComponent), plots)")
        say(lines.joined(separator: "\n"))
    }

    /// A line on standard output at once (progress comes from the fit's worker threads).
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func format(_ x: Double) -> String { String(format: "%.6g", x) }
}
