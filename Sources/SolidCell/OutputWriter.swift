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

    /// Writes an impedance spectrum as `impedance.csv` and `nyquist.svg`.
    public static func writeImpedance(_ spectrum: ImpedanceSpectrum, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try impedanceCSV(spectrum).write(toFile: directory + "/impedance.csv", atomically: true, encoding: .utf8)
        try SVGPlot.nyquist(spectrum).write(toFile: directory + "/nyquist.svg", atomically: true, encoding: .utf8)
    }

    /// `Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]`, one row per frequency in the spectrum's order.
    public static func impedanceCSV(_ spectrum: ImpedanceSpectrum) -> String {
        var text = "Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]\n"
        for (frequency, z) in zip(spectrum.frequencies, spectrum.impedance) {
            text += "\(format(frequency)),\(format(z.real)),\(format(-z.imaginary))\n"
        }
        return text
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

    public static func cyclesCSV(_ cycles: [CycleSummary]) -> String {
        var text = "Cycle,Charge capacity [A.h],Discharge capacity [A.h],Discharge capacity [mA.h.g-1],"
            + "Coulombic efficiency,Capacity retention [%],Mean discharge voltage [V]\n"
        for c in cycles {
            text += "\(c.cycle)," + [c.chargeCapacity, c.dischargeCapacity, c.specificDischargeCapacity,
                                      c.coulombicEfficiency, c.retention, c.meanDischargeVoltage]
                .map(format).joined(separator: ",") + "\n"
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
        let xs = series.dischargeCapacity.map { $0 * 1000 }, ys = series.voltage
        var lines: [[(x: Double, y: Double)]] = []
        var start = 0
        while start < series.count {
            var end = start
            while end + 1 < series.count && series.step[end + 1] == series.step[start] && series.cycle[end + 1] == series.cycle[start] { end += 1 }
            lines.append((start...end).map { (xs[$0], ys[$0]) })
            start = end + 1
        }
        return linePlot(lines, x: Axis(label: "Discharge capacity [mA.h]", format: "%.3g", minimumSpan: 1e-12),
                        y: Axis(label: "Voltage [V]", format: "%.3f", minimumSpan: 1e-6))
    }

    /// Nyquist plot of an impedance spectrum: −Im Z against Re Z, equal scales on both axes (so an
    /// RC arc is a semicircle), points marked, the −Im Z axis starting at 0 or below.
    public static func nyquist(_ spectrum: ImpedanceSpectrum) -> String {
        let points = spectrum.impedance.map { (x: $0.real, y: -$0.imaginary) }
        return linePlot([points], x: Axis(label: "Re(Z) [Ohm]", format: "%.4g", minimumSpan: 1e-9),
                        y: Axis(label: "-Im(Z) [Ohm]", format: "%.4g", minimumSpan: 1e-9, includesZero: true),
                        equalScale: true, markers: true)
    }

    /// One axis: its label, the printf format of its end labels, the smallest span it shows, and
    /// whether it must include 0.
    public struct Axis: Sendable {
        public var label: String
        public var format: String
        public var minimumSpan: Double
        public var includesZero = false

        public init(label: String, format: String, minimumSpan: Double, includesZero: Bool = false) {
            self.label = label
            self.format = format
            self.minimumSpan = minimumSpan
            self.includesZero = includesZero
        }
    }

    /// A 640 × 420 plot of polylines (one per inner array) with axes, labels and the end values of
    /// each axis. `equalScale` gives both axes the same units per pixel (the axis with the smaller range
    /// per pixel is extended upwards from its lower end); `markers` draws a dot at every point.
    public static func linePlot(_ lines: [[(x: Double, y: Double)]], x: Axis, y: Axis,
                                equalScale: Bool = false, markers: Bool = false) -> String {
        let width = 640.0, height = 420.0, margin = 60.0
        let all = lines.joined()
        guard var xMin = all.map(\.x).min(), let xMaxValue = all.map(\.x).max(),
              var yMin = all.map(\.y).min(), let yMaxValue = all.map(\.y).max() else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\"/>\n"
        }
        var (xMax, yMax) = (xMaxValue, yMaxValue)
        if x.includesZero { xMin = min(xMin, 0); xMax = max(xMax, 0) }
        if y.includesZero { yMin = min(yMin, 0); yMax = max(yMax, 0) }
        var xSpan = max(xMax - xMin, x.minimumSpan), ySpan = max(yMax - yMin, y.minimumSpan)
        let plotWidth = width - 1.5 * margin, plotHeight = height - 1.5 * margin
        if equalScale {
            let scale = max(xSpan / plotWidth, ySpan / plotHeight)
            (xSpan, ySpan) = (scale * plotWidth, scale * plotHeight)
            (xMax, yMax) = (xMin + xSpan, yMin + ySpan)
        }
        func px(_ value: Double) -> Double { margin + (value - xMin) / xSpan * plotWidth }
        func py(_ value: Double) -> Double { height - margin - (value - yMin) / ySpan * plotHeight }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<line x1=\"\(margin)\" y1=\"\(height - margin)\" x2=\"\(width - margin / 2)\" y2=\"\(height - margin)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(margin)\" y1=\"\(margin / 2)\" x2=\"\(margin)\" y2=\"\(height - margin)\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(width / 2)\" y=\"\(height - 15)\" text-anchor=\"middle\">\(x.label)</text>\n"
        svg += "<text x=\"15\" y=\"\(height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 15 \(height / 2))\">\(y.label)</text>\n"
        for value in [xMin, xMax] {
            svg += "<text x=\"\(px(value))\" y=\"\(height - margin + 16)\" text-anchor=\"middle\">\(String(format: x.format, value))</text>\n"
        }
        for value in [yMin, yMax] {
            svg += "<text x=\"\(margin - 6)\" y=\"\(py(value) + 4)\" text-anchor=\"end\">\(String(format: y.format, value))</text>\n"
        }
        for line in lines {
            let points = line.map { "\(String(format: "%.2f", px($0.x))),\(String(format: "%.2f", py($0.y)))" }
            svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
            if markers {
                for point in line {
                    svg += "<circle cx=\"\(String(format: "%.2f", px(point.x)))\" cy=\"\(String(format: "%.2f", py(point.y)))\" r=\"2\" fill=\"#1f77b4\"/>\n"
                }
            }
        }
        return svg + "</svg>\n"
    }
}
