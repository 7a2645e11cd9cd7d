import Foundation

/// Inputs of a run, recorded in `summary.json` so a result can be traced to what produced it.
public struct RunInputs: Codable, Sendable {
    public var model: String
    public var modelPath: String
    public var overrides: [String]
    public var experiment: [String]
    public var cycles: Int
    public var solidcellVersion: String

    public init(model: String, modelPath: String, overrides: [String], experiment: [String], cycles: Int) {
        self.model = model
        self.modelPath = modelPath
        self.overrides = overrides
        self.experiment = experiment
        self.cycles = cycles
        self.solidcellVersion = SolidCellInfo.version
    }
}

public enum SolidCellInfo {
    public static let version = "0.1.0"
}

/// Writes a result as `timeseries.csv`, `cycles.csv`, `summary.json` and `voltage.svg`.
public enum OutputWriter {
    public static func write(_ result: SimulationResult, inputs: RunInputs, to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try timeSeriesCSV(result.timeSeries).write(toFile: directory + "/timeseries.csv", atomically: true, encoding: .utf8)
        try cyclesCSV(result.cycles).write(toFile: directory + "/cycles.csv", atomically: true, encoding: .utf8)
        try summaryJSON(result, inputs: inputs).write(to: URL(fileURLWithPath: directory + "/summary.json"))
        try SVGPlot.voltageCapacity(result.timeSeries).write(toFile: directory + "/voltage.svg", atomically: true, encoding: .utf8)
    }

    /// Four significant digits, for reports.
    public static func short(_ x: Double) -> String {
        guard x.isFinite else { return "nan" }
        return String(format: "%.4g", x)
    }

    /// Shortest decimal text that reads back to the same double (so files are reproducible bit for bit).
    static func format(_ x: Double) -> String {
        x.isFinite ? "\(x)" : "nan"
    }

    public static func timeSeriesCSV(_ series: TimeSeries) -> String {
        let columns = series.columns
        var text = columns.map(\.name).joined(separator: ",") + "\n"
        for row in 0..<series.count {
            text += columns.map { column -> String in
                let value = column.values[row]
                return column.name == "Cycle" || column.name == "Step" ? String(Int(value)) : format(value)
            }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The columns of `cycles.csv` after `Cycle`.
    static let cycleColumns: [(name: String, value: @Sendable (CycleSummary) -> Double)] = [
        ("Charge capacity [A.h]", \.chargeCapacity), ("Discharge capacity [A.h]", \.dischargeCapacity),
        ("Charge capacity [mA.h.g-1]", \.specificChargeCapacity), ("Discharge capacity [mA.h.g-1]", \.specificDischargeCapacity),
        ("Coulombic efficiency", \.coulombicEfficiency), ("Capacity retention [%]", \.retention),
        ("Capacity retention of maximum [%]", \.retentionOfMaximum), ("Mean discharge voltage [V]", \.meanDischargeVoltage),
        ("DC resistance [Ohm]", \.dcResistance), ("Interfacial resistance at top of charge [Ohm]", \.interfacialResistanceAfterCharge),
        ("Side-reaction charge [A.h]", \.sideReactionCharge), ("Mean contact fraction", \.meanContactFraction),
    ]

    public static func cyclesCSV(_ cycles: [CycleSummary]) -> String {
        var text = (["Cycle"] + cycleColumns.map(\.name)).joined(separator: ",") + "\n"
        for c in cycles {
            text += "\(c.cycle)," + cycleColumns.map { format($0.value(c)) }.joined(separator: ",") + "\n"
        }
        return text
    }

    struct Summary: Encodable {
        struct Step: Encodable {
            var cycle: Int, step: Int, text: String
            var start_time_s: Double, end_time_s: Double, termination: String
            var discharged_capacity_Ah: Double
        }
        struct Solver: Encodable {
            var steps: Int, residual_evaluations: Int, jacobian_evaluations: Int
        }
        var inputs: RunInputs
        var status: String
        var failure: String?
        var solve_time_s: Double
        var solver: Solver
        var steps: [Step]
        var final_time_s: Double
        var discharge_capacity_Ah: [Double]
    }

    public static func summaryJSON(_ result: SimulationResult, inputs: RunInputs) throws -> Data {
        let summary = Summary(
            inputs: inputs, status: result.failure == nil ? "completed" : "failed",
            failure: result.failure?.description, solve_time_s: result.solveTime,
            solver: .init(steps: result.solverSteps, residual_evaluations: result.residualEvaluations,
                          jacobian_evaluations: result.jacobianEvaluations),
            steps: result.steps.map {
                .init(cycle: $0.cycle, step: $0.step, text: $0.text, start_time_s: $0.startTime, end_time_s: $0.endTime,
                      termination: $0.end.description, discharged_capacity_Ah: $0.dischargedCharge)
            },
            final_time_s: result.timeSeries.time.last ?? 0,
            discharge_capacity_Ah: result.cycles.map(\.dischargeCapacity))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(summary)
    }
}

/// Minimal SVG line plots.
public enum SVGPlot {
    /// Voltage against the discharged capacity, one polyline per step.
    public static func voltageCapacity(_ series: TimeSeries) -> String {
        let width = 640.0, height = 420.0, margin = 60.0
        let xs = series.dischargeCapacity.map { $0 * 1000 }, ys = series.voltage
        guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\"/>\n"
        }
        let xSpan = max(xMax - xMin, 1e-12), ySpan = max(yMax - yMin, 1e-6)
        func px(_ x: Double) -> Double { margin + (x - xMin) / xSpan * (width - 1.5 * margin) }
        func py(_ y: Double) -> Double { height - margin - (y - yMin) / ySpan * (height - 1.5 * margin) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<line x1=\"\(margin)\" y1=\"\(height - margin)\" x2=\"\(width - margin / 2)\" y2=\"\(height - margin)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(margin)\" y1=\"\(margin / 2)\" x2=\"\(margin)\" y2=\"\(height - margin)\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(width / 2)\" y=\"\(height - 15)\" text-anchor=\"middle\">Discharge capacity [mA.h]</text>\n"
        svg += "<text x=\"15\" y=\"\(height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 15 \(height / 2))\">Voltage [V]</text>\n"
        for (value, label) in [(xMin, xMin), (xMax, xMax)] {
            svg += "<text x=\"\(px(value))\" y=\"\(height - margin + 16)\" text-anchor=\"middle\">\(String(format: "%.3g", label))</text>\n"
        }
        for value in [yMin, yMax] {
            svg += "<text x=\"\(margin - 6)\" y=\"\(py(value) + 4)\" text-anchor=\"end\">\(String(format: "%.3f", value))</text>\n"
        }
        var start = 0
        while start < series.count {
            var end = start
            while end + 1 < series.count && series.step[end + 1] == series.step[start] && series.cycle[end + 1] == series.cycle[start] { end += 1 }
            let points = (start...end).map { "\(String(format: "%.2f", px(xs[$0]))),\(String(format: "%.2f", py(ys[$0])))" }
            svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
            start = end + 1
        }
        return svg + "</svg>\n"
    }
}
