import ArgumentParser
import CellModel
import Comparison
import Foundation
import MeasuredData
import OutputFiles
import Parameters
import Protocols
import Simulator

/// Reads the tables of the experiment's `Run current profile PATH` steps into the simulation; a
/// bad table ends in one line naming the step and the problem, exit code 2.
func loadProfiles(into simulation: inout Simulation, flag: String = "experiment") throws {
    simulation.profiles = try profiles(of: simulation.experiment, flag: flag)
}

/// The tables of an experiment's `Run current profile PATH` steps, by PATH; a bad table ends in one
/// line naming the step and the problem, exit code 2.
func profiles(of experiment: Experiment, flag: String = "experiment") throws -> [String: ControlProfile] {
    var profiles: [String: ControlProfile] = [:]
    for step in experiment.steps {
        guard case .profile(let quantity, let path) = step.control else { continue }
        if let loaded = profiles[path] {
            guard loaded.quantity.rawValue == quantity.rawValue else {
                throw fail("\(flag) step \"\(step.text)\": \"\(path)\" is already a \(loaded.quantity.rawValue) profile in this experiment")
            }
            continue
        }
        do { profiles[path] = try ProfileFile.read(path: path, quantity: ControlProfile.Quantity(rawValue: quantity.rawValue)!) } catch {
            throw fail("\(flag) step \"\(step.text)\": \(error)")
        }
    }
    return profiles
}

/// `--initial-soc X|model` of `compare` and `fit`: where a replayed log starts.
enum InitialStateOption {
    static func parse(_ text: String?) throws -> InitialState {
        guard let text else { return .firstMeasuredVoltage }
        if text.trimmingCharacters(in: .whitespaces) == "model" { return .modelInitialConcentration }
        guard let x = Double(text.trimmingCharacters(in: .whitespaces)), x.isFinite, (0...1).contains(x) else {
            throw fail("--initial-soc \(quoted(text)): allowed a number from 0 to 1 (state of charge: 0 at the lower, 1 at the upper voltage cut-off) or \"model\" (the model file's initial concentration)")
        }
        return .stateOfCharge(x)
    }
}

/// `solidcell compare`: drive the model with a measured log's controls and compare.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run the model through a measured cycling log's steps and compare voltages and capacities.",
        discussion: """
        solidcell compare --model M --data FILE [--format F] [--current-sign charge-positive|discharge-positive] \
        [--set "KEY=VALUE" …] [--initial-soc X] [--experiment TEXT] --output DIR

        Each measured step becomes a protocol step with the same control and duration (rest, constant \
        current, constant voltage; a varying current a current profile through its samples, piecewise-linear); \
        the model's voltage cut-offs still end current steps. The run starts at rest at the open-circuit \
        voltage equal to the first measured voltage (or at --initial-soc). Writes comparison.json \
        (RMS and largest voltage difference, per step and per cycle capacities and durations), \
        comparison.csv, voltage.svg (voltage against time), voltage-capacity.svg (against the charge \
        passed within each step) and, for data with several cycles, capacity.svg (capacities against cycle).

        An impedance spectrum (BioLogic freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm, or SolidCell's impedance.csv) is \
        compared with the model's impedance at rest at its frequencies (at --initial-soc, else at the model \
        file's initial concentration): comparison.json (RMS and largest |Z_sim - Z_meas|), comparison.csv \
        and nyquist.svg.

        A per-cycle capacity table (cycle, discharge capacity, optionally charge capacity) is compared with \
        the model run through --experiment, the protocol of one cycle, repeated to the table's last cycle \
        from the model file's initial state (or --initial-soc): comparison.json (RMS and largest discharge \
        capacity difference, every cycle), comparison.csv and capacity.svg.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("The measured cycling log.", valueName: "FILE"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The file's format (detected from its header by default): "
        + MeasuredDataFormat.allCases.map(\.rawValue).joined(separator: ", ") + ".", valueName: "F"))
    var format: String?

    @Option(name: .customLong("current-sign"), help: ArgumentHelp(
        "Which way the file's current counts positive (the format's own convention by default).",
        valueName: "charge-positive|discharge-positive"))
    var currentSign: String?

    @Option(name: .customLong("initial-soc"), help: ArgumentHelp(
        "Start at rest at this state of charge instead of at the first measured voltage; \"model\": at the model file's own initial concentration.",
        valueName: "X|model"))
    var initialSOC: String?

    @Option(name: .long, help: "Folder for comparison.json, comparison.csv and the plots.")
    var output: String?

    @Option(name: .long, help: "For a per-cycle capacity table: the protocol of one cycle, repeated to the table's last cycle.")
    var experiment: String?

    @OptionGroup var runOptions: RunOptions

    static let signs: [String: CurrentSign] = ["charge-positive": .chargePositive, "discharge-positive": .dischargePositive]

    func run() throws {
        let modelPath = try modelOptions.path()
        guard let data else { throw fail("--data FILE is required (a measured cycling log: BDF, BioLogic, Arbin, Maccor, Neware or SolidCell timeseries.csv; or an impedance spectrum)") }
        guard let output else { throw fail("--output DIR is required (the folder for comparison.json, comparison.csv and the plots)") }
        var fileFormat: MeasuredDataFormat?
        if let format {
            guard let f = MeasuredDataFormat(rawValue: format.trimmingCharacters(in: .whitespaces)) else {
                throw fail("--format \(quoted(format)): allowed " + MeasuredDataFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            fileFormat = f
        }
        var sign: CurrentSign?
        if let currentSign {
            guard let s = Self.signs[currentSign.trimmingCharacters(in: .whitespaces)] else {
                throw fail("--current-sign \(quoted(currentSign)): allowed charge-positive or discharge-positive")
            }
            sign = s
        }
        let initialState = try InitialStateOption.parse(initialSOC)
        var options = SimulationOptions()
        do { try runOptions.apply(to: &options) } catch { throw fail("\(error)") }
        guard FileManager.default.fileExists(atPath: data) else {
            throw fail("--data \(quoted(data)): no such file")
        }
        let (file, parameters) = try loadModel(path: modelPath, overriding: modelOptions.overrides)

        let dataset: MeasuredDataset
        do {
            dataset = try MeasuredDataReader.read(url: URL(fileURLWithPath: data), format: fileFormat, currentSign: sign)
        } catch {
            throw fail("--data \(quoted(data)): \(error)")
        }
        if let spectrum = dataset.impedance {
            try compareImpedance(spectrum, parameters: parameters, model: file.name, data: data, initialState: initialState, output: output)
            return
        }
        if let table = dataset.cycles {
            try compareCycles(table, parameters: parameters, model: file.name, data: data, initialState: initialState, options: options,
                              output: output)
            return
        }
        guard experiment == nil else {
            throw fail("--experiment: a cycling log is replayed through its own measured steps; --experiment is the protocol of one cycle for a per-cycle capacity table")
        }
        guard let series = dataset.timeSeries else {
            throw fail("--data \(quoted(data)): holds neither a time series, a per-cycle table nor an impedance spectrum")
        }
        let result: MeasuredComparisonResult
        do {
            result = try MeasuredComparison.run(parameters: parameters, series: series, initialState: initialState, options: options)
        } catch {
            throw fail("--data \(quoted(data)): \(error)")
        }
        let plots: [String]
        do {
            plots = try ComparisonFiles.write(result, dataFile: data, format: series.source.format.rawValue,
                                      currentSign: series.source.currentSign == .chargePositive ? "charge-positive" : "discharge-positive",
                                      model: file.name, to: output)
        } catch {
            throw fail(outputFolderProblem(output, error: error), code: 1)
        }
        func mV(_ x: Double?) -> String { x.map { String(format: "%.4g mV", $0) } ?? "n/a" }
        var lines = ["SolidCell \(SolidCellInfo.version) — \(file.name) against \(data)"]
        lines.append("  \(result.plan.mappings.count) measured steps → \(result.plan.experiment.steps.count) protocol steps; "
                     + "\(result.comparedSamples) of \(result.samples.count) samples compared")
        lines.append("  start: \(result.initialStateText)")
        lines.append("  voltage difference: RMS \(mV(result.voltageRMSmV)), largest \(mV(result.voltageMaxmV))")
        if let failure = result.simulation.failure { lines.append("  the simulation stopped: \(failure)") }
        lines.append("  results written to \(output)/ (comparison.json, comparison.csv, \(plots.joined(separator: ", ")))")
        print(lines.joined(separator: "\n"))
        if result.simulation.failure != nil { throw ExitCode(1) }
    }

    /// A measured spectrum: the model's impedance at rest (at --initial-soc, else at the model
    /// file's initial concentration) at the data's frequencies.
    func compareImpedance(_ spectrum: MeasuredImpedanceSpectrum, parameters: CellParameters, model: String, data: String,
                          initialState: InitialState, output: String) throws {
        let stateOfCharge = initialState.stateOfCharge
        let result: ImpedanceComparisonResult
        do {
            result = try ImpedanceComparison.run(parameters: parameters, spectrum: spectrum, stateOfCharge: stateOfCharge)
        } catch let error as ComparisonError {
            throw fail("--data \(quoted(data)): \(error)")
        } catch {
            throw fail("cannot compute the impedance: \(error)", code: 1)
        }
        do {
            try ComparisonFiles.write(result, dataFile: data, format: spectrum.source.format.rawValue, model: model, to: output)
        } catch {
            throw fail(outputFolderProblem(output, error: error), code: 1)
        }
        func ohm(_ x: Double) -> String { String(format: "%.4g Ohm", x) }
        print(["SolidCell \(SolidCellInfo.version) — \(model) against the impedance spectrum \(data)",
               "  \(spectrum.count) frequencies; the model \(result.stateText)",
               "  impedance difference: RMS |Z_sim - Z_meas| \(ohm(result.impedanceRMSOhm)), largest \(ohm(result.impedanceMaxOhm)), "
                   + String(format: "%.3g %%", 100 * result.relativeRMS) + " of |Z_meas| (RMS)",
               "  results written to \(output)/ (comparison.json, comparison.csv, nyquist.svg)"].joined(separator: "\n"))
    }

    /// A per-cycle capacity table against the model run through `--experiment`, one cycle repeated.
    func compareCycles(_ table: MeasuredCycleTable, parameters: CellParameters, model: String, data: String,
                       initialState: InitialState, options: SimulationOptions, output: String) throws {
        guard let experiment else {
            throw fail("--data \(quoted(data)): a per-cycle capacity table needs --experiment, the protocol of one cycle")
        }
        let steps = try parseExperiment(experiment)
        let profiles = try profiles(of: steps)
        let stateOfCharge = initialState.stateOfCharge
        let result: CycleTableComparisonResult
        do {
            result = try CycleTableComparison.run(parameters: parameters, table: table, experiment: steps, profiles: profiles,
                                                  stateOfCharge: stateOfCharge, options: options)
        } catch {
            throw fail("--data \(quoted(data)): \(error)")
        }
        do {
            try ComparisonFiles.write(result, dataFile: data, experiment: experiment, model: model, to: output)
        } catch {
            throw fail(outputFolderProblem(output, error: error), code: 1)
        }
        var lines = ["SolidCell \(SolidCellInfo.version) — \(model) against the per-cycle table \(data)",
                     "  \(table.count) cycles of \"\(experiment)\"",
                     "  discharge capacity difference: RMS " + String(format: "%.4g", result.dischargeRMS) + " \(result.unit), largest "
                         + String(format: "%.4g", result.dischargeMax) + " \(result.unit)"]
        if let failure = result.simulation.failure { lines.append("  the simulation stopped: \(failure)") }
        lines.append("  results written to \(output)/ (comparison.json, comparison.csv, capacity.svg)")
        print(lines.joined(separator: "\n"))
        if result.simulation.failure != nil { throw ExitCode(1) }
    }
}
