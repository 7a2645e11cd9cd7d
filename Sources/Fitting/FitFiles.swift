import Comparison
import Foundation
import OutputFiles

/// What `solidcell fit` writes: `fit.json`, the fitted model file, and data-vs-fit plots of every
/// dataset (`compare`'s files, in a folder of its own for each).
public enum FitFiles {
    /// Writes everything into `folder`; returns the fitted model file's path.
    @discardableResult
    public static func write(_ report: ParameterFit.Report, objective: FitObjective, modelPath: String, modelName: String,
                             command: String, to folder: String, date: Date = Date()) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dateText = ISO8601DateFormatter().string(from: date)
        try fitJSON(report, objective: objective, model: modelName, command: command, date: dateText)
            .write(to: URL(fileURLWithPath: folder + "/fit.json"))
        let fittedPath = folder + "/" + URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent + "-fitted.json"
        try fittedModelFile(report, objective: objective, modelPath: modelPath, command: command, date: dateText)
            .write(to: URL(fileURLWithPath: fittedPath))
        for (k, dataset) in objective.datasets.enumerated() {
            let result = report.evaluation.datasets[k]
            let stem = "data\(k + 1)-" + URL(fileURLWithPath: dataset.file).deletingPathExtension().lastPathComponent
            switch dataset.content {
            case .timeSeries(let series):
                guard let comparison = result.comparison else { continue }
                try ComparisonFiles.write(comparison, dataFile: dataset.file, format: series.source.format.rawValue,
                                          currentSign: series.source.currentSign == .chargePositive ? "charge-positive" : "discharge-positive",
                                          model: modelName + " (fitted)", to: folder + "/" + stem)
            case .cycles(_, let experiment, _):
                guard let comparison = result.cycles else { continue }
                try ComparisonFiles.write(comparison, dataFile: dataset.file,
                                          experiment: experiment.steps.map(\.text).joined(separator: "; "),
                                          model: modelName + " (fitted)", to: folder + "/" + stem)
            case .impedance(let spectrum, _):
                guard let comparison = result.impedance else { continue }
                try ComparisonFiles.write(comparison, dataFile: dataset.file, format: spectrum.source.format.rawValue,
                                          model: modelName + " (fitted)", to: folder + "/" + stem)
            case .targets:
                continue  // (listed number by number in fit.json)
            }
        }
        return fittedPath
    }

    static func number(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }

    /// `fit.json`: values, standard errors, correlations, objective, datasets (with published numbers
    /// one by one), starts and identifiability.
    public static func fitJSON(_ report: ParameterFit.Report, objective: FitObjective, model: String, command: String, date: String) throws -> Data {
        var parameters: [String: Any] = [:]
        for (j, p) in report.parameters.enumerated() {
            parameters[p.key] = [
                "value": report.values[j], "standard_error": number(report.statistics.standardErrors[j]), "initial": p.initial,
                "bounds": [p.lower, p.upper], "scale": p.logScale ? "log" : "linear",
            ] as [String: Any]
        }
        let datasets: [[String: Any]] = objective.datasets.enumerated().map { k, d in
            var entry: [String: Any] = [
                "file": d.file, "kind": d.kind, "points": d.count, "unit": d.unit, "noise_estimate": d.noise, "weight": d.weight,
                "rms": report.evaluation.datasets[k].rms,
                "settings": Dictionary(uniqueKeysWithValues: d.settings.values.map { ($0.key, "\($0.value)") })]
            if case .targets(let published) = d.content, let simulated = report.evaluation.datasets[k].targets {
                entry["targets"] = zip(published.targets, simulated).map { target, value in
                    ["name": target.name, "published": target.value, "simulated": number(value),
                     "uncertainty": target.uncertainty, "scale": target.logarithmic ? "log" : "linear",
                     "residual": number(target.residual(value))] as [String: Any]
                }
            }
            return entry
        }
        let starts: [[String: Any]] = report.starts.map { s in
            ["initial": Dictionary(uniqueKeysWithValues: zip(report.parameters.map(\.key), s.initialValues)),
             "objective": number(s.result?.objective), "iterations": s.result?.iterations ?? 0,
             "stop": s.result?.stopReason ?? "", "last_failure": s.failure ?? NSNull()]
        }
        let root: [String: Any] = [
            "model": model, "command": command, "date": date,
            "parameters": parameters,
            "correlation": ["keys": report.parameters.map(\.key),
                            "matrix": report.statistics.correlation.map { $0.map(number) }],
            "objective": report.best.objective, "initial_objective": report.best.initialObjective,
            "datasets": datasets,
            "iterations": report.best.iterations, "stop_reason": report.best.stopReason,
            "model_solves": report.modelSolves, "time_s": report.seconds,
            "sensitivities": report.sensitivities.rawValue,
            "starts": starts,
            "identifiability": ["identifiable": report.statistics.identifiable, "problems": report.statistics.problems],
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }

    /// The model file with the fitted values, and `metadata.fitted` saying which keys were fitted
    /// to which data, with their standard errors, the objective and the date.
    static func fittedModelFile(_ report: ParameterFit.Report, objective: FitObjective, modelPath: String, command: String,
                                date: String) throws -> Data {
        let original = try Data(contentsOf: URL(fileURLWithPath: modelPath))
        guard var root = try JSONSerialization.jsonObject(with: original) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var metadata = root["metadata"] as? [String: Any] ?? [:]
        var fitted = metadata["fitted"] as? [String: Any] ?? [:]
        let files = objective.datasets.map(\.file).joined(separator: ", ")
        for (j, p) in report.parameters.enumerated() {
            root[p.key] = report.values[j]
            let se = report.statistics.standardErrors[j].map { String(format: " ± %.3g", $0) } ?? " (standard error undetermined)"
            fitted[p.key] = String(format: "%.6g", report.values[j]) + se + ": fitted by `solidcell fit` to \(files) on \(date)"
        }
        fitted["solidcell fit"] = [
            "command": command, "data": objective.datasets.map(\.file), "keys": report.parameters.map(\.key),
            "objective": report.best.objective, "date": date,
            // (Model files hold numbers, names, lists and tables only.)
            "identifiability": report.statistics.identifiable
                ? "every key is determined by these data" : report.statistics.problems.joined(separator: " | "),
        ] as [String: Any]
        metadata["fitted"] = fitted
        root["metadata"] = metadata
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }
}
