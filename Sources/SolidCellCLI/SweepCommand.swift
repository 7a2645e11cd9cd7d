import ArgumentParser
import Foundation
import OutputFiles
import Parameters
import Protocols
import Simulator
import Sweeps

/// `solidcell sweep …` (runs a sweep; the default) and `solidcell sweep merge …`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a parameter sweep (the Cartesian product of --vary values), or merge shard outputs.",
        discussion: """
          solidcell sweep --model FILE --vary "KEY=v1,v2,…" [--vary …] [--set …]
                          [--experiment TEXT | --experiment-file FILE] [--cycles N]
                          [--jobs N] [--shard I/N] --output DIR
          solidcell sweep --critical-current [--capacity X] [--start J0] [--step DJ] [--maximum JMAX]
                          [--contact-threshold PHI] --model FILE --vary … --output DIR
          solidcell sweep merge DIR… [--output DIR]

        Cases are numbered from 0 (the first --vary varies slowest) and written to DIR/case-NNNN/ with the usual outputs; DIR/sweep.csv indexes them (inputs, capacity, retention, status and the reason of a failure). Running the same command again skips finished cases.

        With --critical-current every case is `solidcell critical-current`'s measurement (its protocol replaces the experiment): each case folder also holds critical-current.json and overpotential.svg, and sweep.csv gains the critical stripping and plating current densities — e.g. the critical current against stack pressure and temperature.

        --shard I/N (0 ≤ I < N) runs only the cases n with n mod N = I and writes DIR/sweep-shard-I-of-N.csv; `solidcell sweep merge` joins the outputs of all shards into one sweep.csv. See `solidcell sweep run --help` for every option.
        """,
        subcommands: [SweepRun.self, SweepMerge.self],
        defaultSubcommand: SweepRun.self)
}

struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the cases of a sweep (this is what `solidcell sweep` does without a subcommand).")

    @Option(name: .long, help: "Model file (JSON) or the name of a bundled model (see `solidcell models`).")
    var model: String

    @Option(name: .customLong("vary"), help: ArgumentHelp("A varied parameter and its values (repeatable).", valueName: "KEY=v1,v2,…"))
    var variables: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a model parameter in every case (repeatable).", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(name: .long, help: "Experiment text (steps separated by newlines or ';'); default: simulate's default protocol.")
    var experiment: String?

    @Option(name: .long, help: "File holding the experiment text.")
    var experimentFile: String?

    @Option(name: .long, help: ArgumentHelp("Repeat the experiment this many times in every case.", valueName: "N"))
    var cycles = "1"

    @Option(name: .long, help: ArgumentHelp("Cases run in parallel (default: all cores).", valueName: "N"))
    var jobs: String?

    @Option(name: .long, help: ArgumentHelp("Run only the cases n with n mod N = I (0 ≤ I < N).", valueName: "I/N"))
    var shard: String?

    @Option(name: .long, help: "Folder for the case folders and the index.")
    var output: String

    @OptionGroup var runOptions: RunOptions

    @Flag(name: .long, help: "Run the critical-current measurement in every case (see `solidcell critical-current --help`).")
    var criticalCurrent = false

    @OptionGroup(title: "With --critical-current") var measurementOptions: CriticalCurrentOptions

    func run() throws {
        var sweep: ParameterSweep
        let slice: SweepShard
        let jobs: Int
        do {
            jobs = try self.jobs.map { text throws(UserError) in try wholeNumber(text, flag: "--jobs", in: 1...4096) }
                ?? ProcessInfo.processInfo.activeProcessorCount
            let cycles = try wholeNumber(self.cycles, flag: "--cycles", in: Simulation.allowedCycles)
            var options = SimulationOptions()
            try runOptions.apply(to: &options)
            guard !variables.isEmpty else {
                throw SweepError("give at least one --vary \"KEY=v1,v2,…\", e.g. --vary \"Positive electrode thickness [m]=4e-5,6e-5\"")
            }
            if experiment != nil && experimentFile != nil {
                throw SweepError("give either --experiment or --experiment-file, not both")
            }
            slice = try shard.map { text throws(SweepError) in try SweepShard(parsing: text) } ?? .whole
            let variables = try self.variables.map { text throws(SweepError) in try SweepVariable(parsing: text) }
            let file: ModelFile
            do {
                file = try ModelFile.load(path: BundledModels.path(named: model) ?? model)
            } catch {
                throw SweepError("\(error)")
            }
            if criticalCurrent {
                if experiment != nil || experimentFile != nil || self.cycles != "1" || options.acceleration != nil {
                    throw SweepError("--critical-current runs its own protocol once per case: give no --experiment, --experiment-file, --cycles or --accelerate with it")
                }
                sweep = try ParameterSweep(model: file, overrides: overrides, variables: variables,
                                           criticalCurrent: try measurementOptions.measurement(), options: options)
            } else {
                guard measurementOptions.isEmpty else {
                    throw SweepError("--capacity, --start, --step, --maximum and --contact-threshold set the critical-current measurement: only with --critical-current")
                }
                let text: String
                let fileText: String?
                do { fileText = try readExperimentFile(experimentFile) } catch { throw SweepError(error.description) }
                if let fileText {
                    text = fileText
                } else if let experiment {
                    text = experiment
                } else {
                    // The protocol `simulate` runs by default, with the cut-offs of the model and --set.
                    var set = file.parameters
                    try ParameterOverrides.apply(overrides, to: &set)
                    guard let parameters = try? CellParameters(set) else {
                        throw SweepError("give --experiment: the default protocol needs the model's voltage cut-offs, and the model with --set is not valid")
                    }
                    text = Simulate.defaultExperiment(lower: parameters.lowerVoltageCutoff, upper: parameters.upperVoltageCutoff)
                }
                let steps: Experiment
                do {
                    steps = try Experiment(parsing: text)
                    try StepTemperatureError.check(steps)
                } catch { throw SweepError("\(error)") }
                sweep = try ParameterSweep(model: file, overrides: overrides, variables: variables, experiment: steps, cycles: cycles,
                                           options: options)
            }
        } catch {
            throw fail("\(error)")
        }
        sweep.profiles = try profiles(of: sweep.experiment)
        try runSweep(sweep, slice: slice, jobs: jobs)
    }

    /// Runs the shard's cases with a progress line per case, and prints the summary line.
    private func runSweep(_ sweep: ParameterSweep, slice: SweepShard, jobs: Int) throws {
        let design = sweep.design
        let total = design.cases(in: slice).count
        let shardText = slice.count > 1 ? " (shard \(slice): \(total) of them)" : ""
        FileHandle.standardError.write(Data("sweep: \(design.caseCount) cases\(shardText) → \(output)/\n".utf8))
        let width = String(total).count
        let report: SweepReport
        do {
            report = try sweep.run(in: output, shard: slice, jobs: jobs) { progress in
                let row = progress.row
                let count = String(repeating: " ", count: width - String(progress.finished).count) + "\(progress.finished)/\(progress.total)"
                let inputs = zip(design.variables, row.values).map { "\($0.key)=\($1)" }.joined(separator: ", ")
                var line = "[\(count)] \(row.caseName) \(row.status)" + String(format: " in %.1f s", progress.wallTime) + "  \(inputs)"
                for (name, density) in [("critical stripping", row.criticalStrippingCurrentDensity), ("critical plating", row.criticalPlatingCurrentDensity)] {
                    if let density { line += "  \(name) \(OutputWriter.short(density)) mA/cm2" }
                }
                if !row.reason.isEmpty { line += "\n    " + row.reason }
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch {
            throw fail("\(error)", code: error.isFileFailure ? 1 : 2)
        }
        let failed = report.failed
        print("\(report.rows.count) cases: \(report.rows.count - failed) completed, \(failed) failed "
              + "(\(report.resumed) already finished, \(report.ran) run on \(report.jobs) thread\(report.jobs == 1 ? "" : "s")); "
              + "index: \(report.indexPath)")
    }
}

struct SweepMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the outputs of a sweep's shards into one folder and one sweep.csv.",
        discussion: """
        Every DIR must hold the same sweep (its sweep.json). Finished case folders not yet in the
        output folder are copied there, and OUTPUT/sweep.csv lists every finished case in case
        order. Exits with 1, naming them, when cases are missing.
        """)

    @Argument(help: "Sweep output folders (of shards run with the same command).")
    var directories: [String] = []

    @Option(name: .long, help: "Folder for the merged sweep (default: the folder, when only one is given).")
    var output: String?

    func run() throws {
        guard !directories.isEmpty else { throw fail("sweep merge: give the sweep output folders to merge") }
        guard let output = output ?? (directories.count == 1 ? directories[0] : nil) else {
            throw fail("sweep merge: give --output DIR when merging several folders")
        }
        let report: SweepIndex.MergeReport
        do {
            report = try SweepIndex.merge(directories, into: output)
        } catch {
            throw fail("\(error)", code: error.isFileFailure ? 1 : 2)
        }
        let failed = report.rows.filter { $0.status != "completed" }.count
        print("\(report.rows.count) of \(report.design.caseCount) cases merged (\(failed) failed, \(report.copied) copied); index: \(report.indexPath)")
        if !report.missing.isEmpty {
            let names = report.missing.prefix(20).map { report.design.caseName($0) }.joined(separator: ", ")
            let more = report.missing.count > 20 ? ", … (\(report.missing.count) in all)" : ""
            throw fail("\(report.missing.count) case\(report.missing.count == 1 ? "" : "s") missing: \(names)\(more); "
                       + "run their shards again (case n belongs to shard n mod N) and merge again", code: 1)
        }
    }
}
