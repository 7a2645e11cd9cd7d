import ArgumentParser
import Foundation
import OutputFiles
import Parameters
import Simulator

/// `solidcell critical-current`: the critical stripping current density of the lithium-metal side.
struct CriticalCurrentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "critical-current",
        abstract: "Critical stripping current density of the lithium-metal interface under stack pressure.",
        discussion: """
          solidcell critical-current --model FILE [--set "KEY=VALUE" …] [--capacity X] [--start J0] [--step DJ]
                                     [--maximum JMAX] [--contact-threshold PHI] --output DIR

        Simulates the measurement: starting at rest at half state of charge, the current density steps \
        up from J0 by DJ to JMAX [mA/cm2], each level one strip of the foil (a discharge) and one plate \
        (a charge) of X mA.h/cm2 each, until the foil|SE contact fraction falls below the threshold \
        (the model's "Negative electrode contact loss threshold", else 0.5). The model needs the \
        lithium contact law ("Negative electrode interface capacity [mA.h.cm-2]" and the creep keys).

        Writes DIR/critical-current.json (critical_stripping_current_density [mA.cm-2], null when no \
        level lost contact; critical_plating_current_density [mA.cm-2], the level whose plating met \
        the model's short-circuit criterion, null when none did or the model has none; every level's \
        overpotentials and minimum contact), DIR/overpotential.svg, and the run's timeseries.csv, \
        cycles.csv and summary.json. Across stack pressures or temperatures: \
        `solidcell sweep --critical-current --vary "Stack pressure [MPa]=1,2,5" …`.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var measurementOptions: CriticalCurrentOptions

    @Option(name: .long, help: "Folder for critical-current.json, overpotential.svg and the run's files.")
    var output: String?

    func run() throws {
        let modelPath = try modelOptions.path()
        guard let output else { throw fail("--output DIR is required (the folder for critical-current.json and overpotential.svg)") }
        let measurement: CriticalCurrentMeasurement
        do { measurement = try measurementOptions.measurement() } catch { throw fail("\(error)") }
        let (file, parameters) = try loadModel(path: modelPath, overriding: modelOptions.overrides)
        do {
            _ = try measurement.prepared(parameters)
        } catch {
            throw fail("--model \(quoted(modelOptions.model ?? modelPath)): \(error)")
        }
        let result: CriticalCurrentResult
        do {
            result = try measurement.run(parameters)
        } catch {
            throw fail("cannot run the measurement: \(error)", code: 1)
        }
        do {
            try CriticalCurrentFiles.write(result, measurement: measurement, model: file.name, overrides: modelOptions.overrides, to: output)
            let inputs = RunInputs(model: file.name, modelPath: modelPath, overrides: modelOptions.overrides,
                                   experiment: [measurement.experimentText], cycles: 1, nominalCapacity: parameters.nominalCapacity)
            try OutputWriter.write(result.simulation, inputs: inputs, to: output)
        } catch {
            throw fail(outputFolderProblem(output, error: error), code: 1)
        }
        var lines = ["SolidCell \(SolidCellInfo.version) — \(file.name): critical current at "
                     + String(format: "%g mA.h/cm2 per half-cycle, contact threshold %g", measurement.capacity, result.threshold)]
        let outcomes = [StepEnd.contactLost, .positiveContactLost, .shortCircuit].map(\.description)
        for level in result.levels {
            let outcome = [level.strip, level.plate ?? ""].first { outcomes.contains($0) }
            lines.append(String(format: "  %8.4g mA/cm2  strip %.4f V, plate %.4f V, min contact %.4f", level.currentDensity,
                                level.stripOverpotential, level.plateOverpotential, level.minimumContact)
                         + (outcome.map { "  " + $0 } ?? ""))
        }
        if let critical = result.criticalStrippingCurrentDensity {
            lines.append(String(format: "  critical stripping current density %g mA/cm2", critical))
        } else if let critical = result.criticalPlatingCurrentDensity {
            lines.append(String(format: "  short circuit: critical plating current density %g mA/cm2", critical))
        } else {
            lines.append("  no contact loss up to \(OutputWriter.short(result.levels.last?.currentDensity ?? 0)) mA/cm2")
        }
        lines.append("  results written to \(output)/")
        print(lines.joined(separator: "\n"))
        if let failure = result.simulation.failure { throw fail(failure.description, code: 1) }
    }
}

/// The measurement's protocol options, shared by `critical-current` and `sweep --critical-current`.
struct CriticalCurrentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Areal capacity per half-cycle [mA.h/cm2] (default 0.1).", valueName: "X"))
    var capacity: String?

    @Option(name: .long, help: ArgumentHelp("First current density [mA/cm2] (default 0.1).", valueName: "J0"))
    var start: String?

    @Option(name: .long, help: ArgumentHelp("Current-density increment [mA/cm2] (default 0.1).", valueName: "DJ"))
    var step: String?

    @Option(name: .long, help: ArgumentHelp("Largest current density [mA/cm2] (default 5).", valueName: "JMAX"))
    var maximum: String?

    @Option(name: .long, help: ArgumentHelp("Contact fraction below which contact is lost.", valueName: "PHI"))
    var contactThreshold: String?

    /// Whether any of the options was given.
    var isEmpty: Bool { [capacity, start, step, maximum, contactThreshold].allSatisfy { $0 == nil } }

    /// The measurement these options describe; a value out of range names its flag.
    func measurement() throws(UserError) -> CriticalCurrentMeasurement {
        var measurement = CriticalCurrentMeasurement()
        if let capacity { measurement.capacity = try number(capacity, flag: "--capacity", in: 1e-4...100) }
        if let start { measurement.startCurrentDensity = try number(start, flag: "--start", in: 1e-4...1000) }
        if let step { measurement.currentDensityStep = try number(step, flag: "--step", in: 1e-4...1000) }
        if let maximum { measurement.maximumCurrentDensity = try number(maximum, flag: "--maximum", in: 1e-4...1000) }
        if let contactThreshold { measurement.contactThreshold = try number(contactThreshold, flag: "--contact-threshold", in: 1e-6...0.999) }
        guard measurement.maximumCurrentDensity >= measurement.startCurrentDensity else {
            throw UserError(description: "--maximum \(quoted(maximum ?? "")): allowed a current density at least --start (\(measurement.startCurrentDensity) mA/cm2)")
        }
        let count = Int(((measurement.maximumCurrentDensity - measurement.startCurrentDensity) / measurement.currentDensityStep).rounded(.down)) + 1
        guard count <= CriticalCurrentMeasurement.maximumLevels else {
            throw UserError(description: "--step \(quoted(step ?? "0.1")): gives \(count) levels from --start to --maximum; allowed at most \(CriticalCurrentMeasurement.maximumLevels)")
        }
        return measurement
    }
}
