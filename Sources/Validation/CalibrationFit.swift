import Fitting
import Foundation
import OutputFiles
import Parameters

/// A committed calibration: which model keys are fitted to which published rows of the validation
/// report. Each is a file `validation/fits/NAME.json`:
///
///     { "description": "…",
///       "models": ["zhou2025-ncm811-lpsc-fine", "zhou2025-ncm811-lpsc-coarse"],
///       "fit": [{ "key": "…", "bounds": [LOW, HIGH], "models": […], "note": "…" }],
///       "rows": [{ "group": "…", "quantity": "…" }] }
///
/// A key is set in every model of the fit unless it names its own `models` (a microstructure key of
/// one cell); a row is the report's case whose group starts with `group` and whose quantity is
/// `quantity`. `solidcell validate --refit` runs the fits in the order of their names (Levenberg–
/// Marquardt from the model files' values, finite differences of whole runs), writes each fit's
/// record to `validation/fits/results/NAME.json` and its values, with standard errors, into the model
/// files. Every published row a fit lists is a *calibration* row of the report; every other is a
/// *prediction*.
///
/// Each row's residual is its error in units of half its tolerance — the report's tolerance read as
/// a ±2σ band, since the papers state no scatter — so the standard errors are those these stated
/// uncertainties imply (``FitStatistics``). A row judged within a factor F is fitted in ln, with σ = ln F / 2.
public struct CalibrationFit: Sendable {
    public struct Key: Sendable, Decodable {
        public var key: String
        public var bounds: [Double]
        /// The models the key is set in, when not all of the fit's.
        public var models: [String]?
        /// Why the key is fitted and what else is known of it, carried into `metadata.fitted`.
        public var note: String?
    }

    public struct Row: Sendable, Decodable {
        public var group: String
        public var quantity: String
    }

    private struct File: Decodable {
        var description: String
        var models: [String]
        var fit: [Key]
        var rows: [Row]
    }

    public var name: String
    public var description: String
    public var models: [String]
    public var keys: [Key]
    public var rows: [Row]

    /// The fits in `folder` (its `*.json` files), in the order of their names.
    public static func load(folder: String) throws -> [CalibrationFit] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { file in
            let path = folder + "/" + file
            let content: File
            do { content = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw CalibrationFitError(fit: file, message: "cannot be read as a calibration fit (description, models, fit, rows): "
                                          + ValidationSuite.describe(error, repositoryRoot: folder))
            }
            let fit = CalibrationFit(name: String(file.dropLast(5)), description: content.description, models: content.models,
                                     keys: content.fit, rows: content.rows)
            guard !fit.models.isEmpty, !fit.keys.isEmpty, !fit.rows.isEmpty else {
                throw CalibrationFitError(fit: fit.name, message: "needs at least one model, one key and one row")
            }
            for key in fit.keys where key.bounds.count != 2 || !(key.bounds[0] < key.bounds[1]) {
                throw CalibrationFitError(fit: fit.name, message: "\"\(key.key)\": bounds \(key.bounds) are not [LOW, HIGH] with LOW < HIGH")
            }
            return fit
        }
    }

    /// Whether the fit is scored against this case.
    public func lists(_ validationCase: ValidationCase) -> Bool {
        rows.contains { $0.matches(validationCase) }
    }

    /// The cases the fit is scored against, in its rows' order; throws naming a row that is not
    /// exactly one case of the report.
    public func cases(among all: [ValidationCase]) throws -> [ValidationCase] {
        try rows.map { row in
            let matches = all.filter { row.matches($0) }
            guard matches.count == 1 else {
                throw CalibrationFitError(fit: name, message: "row \"\(row.group)\" / \"\(row.quantity)\" matches \(matches.count) cases of the report (allowed: exactly one)")
            }
            return matches[0]
        }
    }

    /// The models each key is set in.
    func models(of key: Key) -> [String] { key.models ?? models }

    /// The weighted least-squares problem: the keys, bounded as the file says, against the rows.
    public func objective(repositoryRoot: String, cases: [ValidationCase]) throws -> FitObjective {
        let base = try ModelFile.load(path: "\(repositoryRoot)/models/\(models[0]).json").parameters
        var parameters: [FitParameter] = []
        for key in keys {
            let model = models(of: key)[0]
            let catalogue = try CellParameters(try ModelFile.load(path: "\(repositoryRoot)/models/\(model).json").parameters).catalogue
            do {
                parameters.append(try FitParameter.parse("\(key.key)=\(key.bounds[0]):\(key.bounds[1])", catalogue: catalogue))
            } catch {
                throw CalibrationFitError(fit: name, message: "\(error) (in models/\(model).json)")
            }
        }
        let targets = try cases.map(target)
        let fit = self
        let evaluate: @Sendable ([String: Double]) throws -> [Double] = { values in
            var changes: [String: [String: ParameterValue]] = [:]
            for key in fit.keys {
                for model in fit.models(of: key) { changes[model, default: [:]][key.key] = .number(values[key.key] ?? .nan) }
            }
            let rows = ValidationSuite.run(cases, context: ValidationContext(repositoryRoot: repositoryRoot, modelChanges: changes))
            if let failed = rows.first(where: { $0.error != nil }) {
                throw FitEvaluationError(file: failed.validationCase.quantity, message: failed.error ?? "")
            }
            return rows.map(\.simulated)
        }
        var objective = FitObjective(base: base, parameters: parameters,
                                     datasets: [FitDataset(file: "validation/fits/\(name).json", content: .targets(FitTargets(targets: targets, evaluate: evaluate)))])
        // Whole runs whose numbers move in small steps as particles cross the isolation threshold:
        // a 1 % difference step reads the trend, not the steps.
        objective.finiteDifferenceStep = 1e-2
        return objective
    }

    /// A row as a fit target: its published value with σ = half its tolerance.
    func target(_ validationCase: ValidationCase) throws -> FitTargets.Target {
        let value = validationCase.published
        let name = validationCase.quantity
        switch validationCase.tolerance {
        case .absolute(let limit): return FitTargets.Target(name: name, value: value, uncertainty: limit / 2)
        case .relative(let fraction): return FitTargets.Target(name: name, value: value, uncertainty: fraction * abs(value) / 2)
        case .factor(let factor): return FitTargets.Target(name: name, value: value, uncertainty: log(factor) / 2, logarithmic: true)
        case .atMost:
            throw CalibrationFitError(fit: self.name, message: "row \"\(name)\" is judged by an upper limit (a cross-check) and has no value to fit to")
        }
    }
}

extension CalibrationFit {
    /// Runs the fit from the model files' current values: one start, Levenberg–Marquardt with
    /// finite differences of whole runs (the rows are numbers derived from runs, not sampled curves).
    public func run(repositoryRoot: String, among all: [ValidationCase], maximumIterations: Int = 12,
                    progress: @escaping @Sendable (ParameterFit.Progress) -> Void = { _ in }) throws -> (ParameterFit.Report, FitObjective) {
        let objective = try objective(repositoryRoot: repositoryRoot, cases: try cases(among: all))
        var fit = ParameterFit(objective: objective)
        fit.sensitivities = .finiteDifferences
        fit.optimiser.maximumIterations = maximumIterations
        // The rows move in small steps with the solver's grid and the isolation of contact classes, so
        // an accepted step that lowers S by less than 10⁻⁴ of it is within that noise: converged.
        fit.optimiser.objectiveTolerance = 1e-4
        return (try fit.run(progress: progress), objective)
    }

    /// Writes the fit's record to `validation/fits/results/NAME.json` and its values into the model
    /// files, each with a `metadata.fitted` entry: value ± standard error, the rows with their
    /// published and fitted values, the date, and the key's note.
    public func write(_ report: ParameterFit.Report, objective: FitObjective, repositoryRoot: String, date: Date = Date()) throws {
        let day = String(ISO8601DateFormatter().string(from: date).prefix(10))
        let command = "solidcell validate --refit --fits \(name)"
        let results = repositoryRoot + "/validation/fits/results"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        let record = try FitFiles.fitJSON(report, objective: objective, model: models.joined(separator: ", "), command: command, date: day)
        var edits: [String: String] = [:]
        let simulated = report.evaluation.datasets.first?.targets ?? []
        guard case .targets(let published)? = objective.datasets.first?.content else { return }
        let scored = zip(published.targets, simulated).map { target, value in
            "\(target.name) (published \(OutputWriter.short(target.value)), fitted \(OutputWriter.short(value)))"
        }.joined(separator: "; ")
        for (j, key) in keys.enumerated() {
            let value = report.values[j]
            let error = report.statistics.standardErrors[j].map { " ± " + String(format: "%.2g", $0) } ?? " (standard error undetermined)"
            var note = ModelFileEdit.format(value) + error + ": fitted by `\(command)` (validation/fits/\(name).json) on \(day) to "
                + scored + "; standard error from the rows' stated uncertainties, half their tolerance."
            if let extra = key.note { note += " " + extra }
            if !report.statistics.identifiable { note += " Not identifiable from these rows: " + report.statistics.problems.joined(separator: " | ") }
            for model in models(of: key) {
                let path = "\(repositoryRoot)/models/\(model).json"
                var text = try edits[model] ?? String(contentsOfFile: path, encoding: .utf8)
                text = try ModelFileEdit.settingNumber(key.key, to: value, in: text, path: "models/\(model).json")
                text = try ModelFileEdit.settingFittedNote(key.key, to: note, in: text, path: "models/\(model).json")
                edits[model] = text
            }
        }
        try record.write(to: URL(fileURLWithPath: results + "/\(name).json"))
        for (model, text) in edits {
            try text.write(toFile: "\(repositoryRoot)/models/\(model).json", atomically: true, encoding: .utf8)
        }
    }
}

extension CalibrationFit.Row {
    func matches(_ validationCase: ValidationCase) -> Bool {
        validationCase.group.hasPrefix(group) && validationCase.quantity == quantity
    }
}

/// A calibration fit that cannot be read or run: one line naming the fit.
public struct CalibrationFitError: Error, CustomStringConvertible, Sendable {
    public var fit: String
    public var message: String
    public var description: String { "validation/fits/\(fit): \(message)" }
}
