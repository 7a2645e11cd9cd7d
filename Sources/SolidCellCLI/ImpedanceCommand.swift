import ArgumentParser
import Foundation
import Impedance
import OutputFiles
import Parameters
import Protocols
import Simulator

/// `solidcell impedance`: the small-signal impedance spectrum of a cell at rest or after an experiment.
struct ImpedanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impedance",
        abstract: "Small-signal impedance spectrum (EIS) of a cell at rest or after an experiment.",
        discussion: """
          solidcell impedance --model FILE [--set "KEY=VALUE" …] [--soc X | --after-experiment TEXT [--cycles N]]
                              [--frequencies "FMIN:FMAX:N"] --output DIR

        The model is linearised at a consistent state — at rest with the positive electrode at the uniform \
        stoichiometry of state of charge X (0 = the OCV at the lower cut-off, 1 = at the upper), or at the \
        model's initial concentration, or at the end of an experiment run N times (which must end at rest, \
        e.g. with "Rest for 1 hour", unless --allow-current is given) — and the response to a \
        small sinusoidal current is solved at each frequency from the exact Jacobian. The interface \
        double-layer capacities of the model file ("Positive electrode double-layer capacity [F.m-2]", \
        "Negative electrode double-layer capacity [F.m-2]") set the arcs' time constants.

        Writes DIR/impedance.csv (Frequency [Hz], Re(Z) [Ohm], -Im(Z) [Ohm], for the cell's geometric area) \
        and DIR/nyquist.svg, and prints the high-frequency intercept and the charge-transfer resistance read \
        off the positive electrode's arc.
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("State of charge at rest, from 0 to 1.", valueName: "X"))
    var soc: String?

    @Option(name: .long, help: ArgumentHelp("Linearise at the end of this experiment instead.", valueName: "TEXT"))
    var afterExperiment: String?

    @Option(name: .long, help: ArgumentHelp("Repeat the --after-experiment protocol this many times.", valueName: "N"))
    var cycles: String?

    @Flag(name: .long, help: "Linearise at the end of --after-experiment even when it ends under current (not at rest).")
    var allowCurrent = false

    @Option(name: .long, help: ArgumentHelp("Log-spaced frequencies [Hz].", valueName: "FMIN:FMAX:N"))
    var frequencies: String = FrequencyGrid.defaultText

    @Option(name: .long, help: "Folder for impedance.csv and nyquist.svg.")
    var output: String?

    func run() throws {
        // Flags first, each with one line naming the flag, the value and what is allowed.
        let modelPath = try modelOptions.path()
        guard let output else { throw fail("--output DIR is required (the folder for impedance.csv and nyquist.svg)") }
        if soc != nil && afterExperiment != nil {
            throw fail("give either --soc or --after-experiment, not both")
        }
        var stateOfCharge: Double?
        if let soc {
            guard let x = Double(soc.trimmingCharacters(in: .whitespaces)), x.isFinite, (0...1).contains(x) else {
                throw fail("--soc \(quoted(soc)): allowed a number from 0 to 1 (state of charge: 0 at the lower, 1 at the upper voltage cut-off)")
            }
            stateOfCharge = x
        }
        var repeats = 1
        if let cycles {
            guard afterExperiment != nil else { throw fail("--cycles \(quoted(cycles)): only allowed with --after-experiment") }
            do { repeats = try wholeNumber(cycles, flag: "--cycles", in: 1...100_000) } catch { throw fail("\(error)") }
        }
        let grid: FrequencyGrid
        do {
            grid = try FrequencyGrid(parsing: frequencies)
        } catch {
            throw fail("--frequencies \(error)")
        }

        let (file, parameters) = try loadModel(path: modelPath, overriding: modelOptions.overrides)

        // The state to linearise about.
        let state: [Double], derivative: [Double]
        var damage: [Double]?
        let stateText: String
        if let afterExperiment {
            let experiment = try parseExperiment(afterExperiment, flag: "--after-experiment")
            var simulation = Simulation(parameters: parameters, experiment: experiment, cycles: repeats)
            try loadProfiles(into: &simulation, flag: "--after-experiment")
            let result = simulation.run()
            if let failure = result.failure { throw fail("--after-experiment: \(failure)", code: 1) }
            guard let y = result.finalState, let yp = result.finalDerivative else {
                throw fail("--after-experiment: the experiment produced no final state", code: 1)
            }
            // A spectrum is the response about a steady operating point; a cell still under current
            // (a discharge, a hold) is not at one, and its spectrum depends on the load.
            let current = result.timeSeries.current.last ?? 0
            let underCurrent = abs(current) > 1e-9 * parameters.nominalCapacity
            if underCurrent && !allowCurrent {
                throw fail("--after-experiment ends under current (I = \(OutputWriter.short(current)) A at the end of \""
                           + (experiment.steps.last?.text ?? "") + "\"), not at rest: end it with a rest, e.g. \"; Rest for 1 hour\", "
                           + "or pass --allow-current to linearise the cell under load")
            }
            (state, derivative, damage) = (y, yp, result.finalContactDamage)
            stateText = "after \"\(experiment.steps.map(\.text).joined(separator: "; "))\"" + (repeats > 1 ? " × \(repeats) cycles" : "")
                + (underCurrent ? " (under current: I = \(OutputWriter.short(current)) A, --allow-current)" : "")
        } else {
            do {
                (state, derivative) = try ImpedanceAnalysis.restingState(parameters: parameters, stateOfCharge: stateOfCharge)
            } catch {
                throw fail("cannot make a consistent resting state: \(error)", code: 1)
            }
            stateText = stateOfCharge.map { "at rest, SOC \(OutputWriter.short($0))" } ?? "at rest, as assembled (the model's initial concentration)"
        }

        let spectrum: ImpedanceSpectrum
        do {
            spectrum = try ImpedanceAnalysis.spectrum(parameters: parameters, state: state, derivative: derivative,
                                                      contactDamage: damage, frequencies: grid.frequencies)
        } catch {
            throw fail("cannot compute the impedance: \(error)", code: 1)
        }
        do {
            try OutputWriter.writeImpedance(spectrum, to: output)
        } catch {
            throw fail(outputFolderProblem(output, error: error), code: 1)
        }
        var text = Self.summary(spectrum, model: file.name, state: stateText, output: output)
        if parameters.positiveDoubleLayerCapacity == 0 || parameters.negativeDoubleLayerCapacity == 0 {
            let missing = [parameters.positiveDoubleLayerCapacity == 0 ? CellParameters.positiveDoubleLayerKey : nil,
                           parameters.negativeDoubleLayerCapacity == 0 ? CellParameters.negativeDoubleLayerKey : nil].compactMap { $0 }
            text += "\n  note: without \(missing.map { "\"\($0)\"" }.joined(separator: " and ")) in the model file that interface "
                + "has no capacity: it responds instantaneously and its resistance is part of R∞"
        }
        print(text)
    }

    static func summary(_ s: ImpedanceSpectrum, model: String, state: String, output: String) -> String {
        func ohm(_ x: Double) -> String { OutputWriter.short(x) + " Ohm" }
        func hertz(_ x: Double) -> String { OutputWriter.short(x) + " Hz" }
        var lines = ["SolidCell \(SolidCellInfo.version) — impedance of \(model)"]
        lines.append("  state: \(state); V = \(String(format: "%.4f", s.voltage)) V, I = \(OutputWriter.short(s.current)) A, "
                     + "mean positive stoichiometry \(String(format: "%.4f", s.averageStoichiometry))")
        if let first = s.frequencies.first, let last = s.frequencies.last {
            lines.append("  \(s.frequencies.count) frequencies from \(hertz(first)) to \(hertz(last))")
        }
        lines.append("  high-frequency intercept R∞ = \(ohm(s.highFrequencyResistance)) (foil, separator and composite ohmic resistance)")
        let arcs = s.arcs
        if arcs.isEmpty {
            lines.append("  cell: no arc closes inside the frequency range")
        } else {
            lines.append("  cell arcs: " + arcs.map { "apex \(hertz($0.apexFrequency)), width \(ohm($0.width))" }.joined(separator: "; "))
        }
        if let positive = s.positiveElectrodeArcs.first {
            lines.append("  charge-transfer resistance R_ct ≈ \(ohm(positive.width)) (width of the positive electrode's arc, apex \(hertz(positive.apexFrequency)))")
        } else {
            lines.append("  charge-transfer resistance: the positive electrode's arc does not close inside the frequency range")
        }
        lines.append("  kinetic R_ct of the state, RT/(F Σ i0 a φ h A) = \(ohm(s.kineticChargeTransferResistance))")
        if let k = s.frequencies.indices.min(by: { s.frequencies[$0] < s.frequencies[$1] }) {
            lines.append("  at \(hertz(s.frequencies[k])): Re Z = \(ohm(s.impedance[k].real)), -Im Z = \(ohm(-s.impedance[k].imaginary))")
        }
        lines.append("  results written to \(output)/ (impedance.csv, nyquist.svg)")
        return lines.joined(separator: "\n")
    }
}
