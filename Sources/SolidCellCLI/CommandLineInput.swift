import ArgumentParser
import Foundation
import Parameters
import Protocols
import Simulator

// Reading what the user typed: one-line errors that name the flag or key, the value and what is
// allowed (exit code 2), and the option groups several commands share.

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

/// `text` in quotes for a one-line message, its line breaks shown as \n and \r, cut to about 80
/// characters with "…".
func quoted(_ text: String) -> String {
    "\"" + InputEcho.truncated(text) + "\""
}

/// One line saying why the output folder `path` cannot be written, in plain words: "a file of
/// that name exists", "permission denied", … (Foundation's own wording, "The file doesn't exist" or
/// "NSCocoaErrorDomain error 512", points the wrong way).
func outputFolderProblem(_ path: String, error: any Error) -> String {
    let fm = FileManager.default
    let prefix = "--output \(quoted(path)): "
    // Walk from the folder up to the first part that exists.
    var url = URL(fileURLWithPath: path).standardizedFileURL
    var isDirectory: ObjCBool = false
    var missing = false
    while !fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
        missing = true
        let parent = url.deletingLastPathComponent()
        if parent.path == url.path { break }
        url = parent
    }
    if !isDirectory.boolValue {
        return prefix + "cannot create the folder: " + (missing ? "\(quoted(url.path)) is a file, not a folder"
                                                        : "a file of that name exists")
    }
    if !fm.isWritableFile(atPath: url.path) {
        return prefix + (missing ? "cannot create the folder: permission denied in \(quoted(url.path))"
                                 : "cannot write into the folder: permission denied")
    }
    if let cocoa = error as? CocoaError {
        let file = (cocoa.userInfo[NSFilePathErrorKey] as? String).map { " (\(quoted($0)))" } ?? ""
        switch cocoa.code {
        case .fileWriteOutOfSpace: return prefix + "cannot write the results\(file): the disk is full"
        case .fileWriteVolumeReadOnly: return prefix + "cannot write the results\(file): read-only file system"
        case .fileWriteNoPermission: return prefix + "cannot write the results\(file): permission denied"
        default: break
        }
    }
    let text = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
    return prefix + "cannot write the results: \(text)"
}

/// The whole number given to `flag`, or a one-line error naming the flag, the value and the range.
func wholeNumber(_ text: String, flag: String, in range: ClosedRange<Int>) throws(UserError) -> Int {
    guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
        throw UserError(description: "\(flag) \(quoted(text)): allowed a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return number
}

/// The number given to `flag`, or a one-line error naming the flag, the value and the range.
func number(_ text: String, flag: String, in range: ClosedRange<Double>) throws(UserError) -> Double {
    guard let number = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
        throw UserError(description: "\(flag) \(quoted(text)): allowed a number from "
                        + String(format: "%g to %g", range.lowerBound, range.upperBound))
    }
    return number
}

/// `--rtol`, `--atol` and `--period`, shared by the commands that run simulations.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("rtol"), help: ArgumentHelp("Relative tolerance of IDA's local error test (default: 1e-6).", valueName: "X"))
    var relativeTolerance: String?

    @Option(name: .customLong("atol"), help: ArgumentHelp(
        "Absolute tolerance, scaled per unknown: volts, c_max for concentrations, A/m2, A.h (default: 1e-8).", valueName: "X"))
    var absoluteTolerance: String?

    @Option(name: .customLong("period"), help: ArgumentHelp(
        "Record the solution every X seconds in steps without their own \"(… period)\" (default: every solver step).",
        valueName: "X"))
    var samplePeriod: String?

    @Option(name: .customLong("accelerate"), help: ArgumentHelp(
        "Jump over cycles where the cell changes little, integrating its slow state (damage, films, lithium) across them; "
            + "TOL is the error allowed per jump in retention points (default \(CycleAcceleration.defaultTolerance) when "
            + "--accelerate is given without a value).", valueName: "TOL"))
    var accelerate: String?

    @Option(name: .customLong("report-cycles"), help: ArgumentHelp(
        "With --accelerate: cycles that are always simulated, e.g. 1,100,500.", valueName: "N,N,…"))
    var reportCycles: String?

    /// The arguments with the default tolerance after an `--accelerate` given without a value
    /// (last, or followed by another flag), since the parser needs a value for every option.
    static func withOptionalValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            guard argument == "--accelerate" else { continue }
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            if next == nil || next!.hasPrefix("--") { result.append("\(CycleAcceleration.defaultTolerance)") }
        }
        return result
    }

    /// Sets the given settings in `options`, or throws one line naming the flag, the value and the range.
    func apply(to options: inout SimulationOptions) throws(UserError) {
        if let accelerate {
            var acceleration = CycleAcceleration(
                tolerance: try number(accelerate, flag: "--accelerate", in: CycleAcceleration.allowedTolerances))
            if let reportCycles {
                acceleration.reportCycles = try reportCycles.split(separator: ",", omittingEmptySubsequences: false)
                    .map { text throws(UserError) in try wholeNumber(String(text), flag: "--report-cycles", in: Simulation.allowedCycles) }
                    .sorted()
            }
            options.acceleration = acceleration
        } else if reportCycles != nil {
            throw UserError(description: "--report-cycles \(quoted(reportCycles!)): only with --accelerate, which it tells which cycles to simulate")
        }
        if let relativeTolerance {
            options.relativeTolerance = try number(relativeTolerance, flag: "--rtol", in: SimulationOptions.allowedRelativeTolerances)
        }
        if let absoluteTolerance {
            options.absoluteTolerance = try number(absoluteTolerance, flag: "--atol", in: SimulationOptions.allowedAbsoluteTolerances)
        }
        if let samplePeriod {
            options.samplePeriod = try number(samplePeriod, flag: "--period", in: ExperimentStep.allowedDurations)
        }
    }
}

func fail(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    return ExitCode(code)
}

/// Reads the model file at `path` and its parameters with the `--set KEY=VALUE` overrides applied;
/// a bad file or override ends in one message and exit code 2.
func loadModel(path: String, overriding overrides: [String]) throws -> (file: ModelFile, parameters: CellParameters) {
    do {
        let file = try ModelFile.load(path: path)
        return (file, try file.parameters(overriding: overrides))
    } catch {
        throw fail("\(error)")
    }
}

/// The experiment text parsed, its step temperatures checked against the model's range; a bad text
/// ends in one line (prefixed with `flag`, when given), exit code 2.
func parseExperiment(_ text: String, flag: String? = nil) throws -> Experiment {
    do {
        let steps = try Experiment(parsing: text)
        try StepTemperatureError.check(steps)
        return steps
    } catch {
        throw fail((flag.map { "\($0): " } ?? "") + "\(error)")
    }
}

/// `--model` (required) and `--set`, for the commands that run one model file.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model file (JSON) or the name of a bundled model (see `solidcell models`).")
    var model: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a model parameter.", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    /// The model file's path (a bundled model's name resolved); without `--model`, one line and exit code 2.
    func path() throws -> String {
        guard let model else { throw fail("--model FILE is required (a model file or the name of a bundled model; see `solidcell models`)") }
        return BundledModels.path(named: model) ?? model
    }
}
