import Foundation

/// What `solidcell plot` reads from one run's output folder: its inputs (summary.json), its first
/// cycle's voltage against capacity (timeseries.csv) and its complete cycles' capacities (cycles.csv).
public struct RunFolder: Sendable {
    public var folder: String
    public var inputs: RunInputs
    /// Voltage [V] against the charge passed [mA h] in the first cycle recorded, one polyline per step.
    public var voltageCurve: [[(x: Double, y: Double)]]
    /// Which cycle `voltageCurve` is.
    public var voltageCycle: Int?
    /// Discharge capacity [mA h g⁻¹] against the cycle number, complete cycles only.
    public var capacityCurve: [(x: Double, y: Double)]
}

/// A run folder that cannot be read: one line naming the folder and the problem.
public struct RunFolderError: Error, CustomStringConvertible {
    public var description: String
}

/// Overlaying several runs: reading their folders, labelling each by the inputs that differ, and
/// drawing voltage against capacity and capacity against cycle for all of them in one SVG.
public enum RunComparison {
    public static func load(_ folder: String) throws(RunFolderError) -> RunFolder {
        func read(_ file: String) throws(RunFolderError) -> String {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else {
                throw RunFolderError(description: "\(folder): no readable \(file) (is it the --output folder of `solidcell simulate`?)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        struct Summary: Decodable { var inputs: RunInputs }
        let summaryText = try read("summary.json")
        guard let summary = try? JSONDecoder().decode(Summary.self, from: Data(summaryText.utf8)) else {
            throw RunFolderError(description: "\(folder)/summary.json: not a summary written by `solidcell simulate` (no \"inputs\")")
        }
        let series = table(try read("timeseries.csv"))
        let cycles = table(try read("cycles.csv"))
        func column(_ table: (header: [String], rows: [[String]]), _ name: String, _ file: String) throws(RunFolderError) -> Int {
            guard let index = table.header.firstIndex(of: name) else {
                throw RunFolderError(description: "\(folder)/\(file): no column \"\(name)\"")
            }
            return index
        }
        let cycleColumn = try column(series, "Cycle", "timeseries.csv"), stepColumn = try column(series, "Step", "timeseries.csv")
        let voltageColumn = try column(series, "Voltage [V]", "timeseries.csv")
        let capacityColumn = try column(series, "Discharge capacity [A.h]", "timeseries.csv")
        var curve: [[(x: Double, y: Double)]] = []
        var lastStep: String?
        let firstCycle = series.rows.first.map { $0[cycleColumn] }
        for row in series.rows where row.count == series.header.count && row[cycleColumn] == firstCycle {
            guard let q = Double(row[capacityColumn]), let v = Double(row[voltageColumn]) else { continue }
            if row[stepColumn] != lastStep { curve.append([]) }
            lastStep = row[stepColumn]
            curve[curve.count - 1].append((x: q * 1000, y: v))
        }
        let number = try column(cycles, "Cycle", "cycles.csv")
        let specific = try column(cycles, "Discharge capacity [mA.h.g-1]", "cycles.csv")
        let complete = cycles.header.firstIndex(of: "Complete")
        let capacity = cycles.rows.compactMap { row -> (x: Double, y: Double)? in
            guard row.count == cycles.header.count, let n = Double(row[number]), let c = Double(row[specific]) else { return nil }
            if let complete, row[complete] != "true" { return nil }
            return (x: n, y: c)
        }
        return RunFolder(folder: folder, inputs: summary.inputs, voltageCurve: curve, voltageCycle: firstCycle.flatMap { Int($0) },
                         capacityCurve: capacity)
    }

    static func table(_ text: String) -> (header: [String], rows: [[String]]) {
        let lines = text.split(whereSeparator: \.isNewline)
        let split = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (split.first ?? [], Array(split.dropFirst()))
    }

    /// A label per run naming what differs between the runs' inputs: the model, each `--set`
    /// value (a key a run does not set shows as "model value"), the experiment, the cycles, the
    /// tolerances and the sampling period. Runs whose inputs are all alike are named by folder.
    public static func labels(_ runs: [RunFolder]) -> [String] {
        var parts = [[String]](repeating: [], count: runs.count)
        func add(_ values: [String], _ text: (String) -> String) {
            guard Set(values).count > 1 else { return }
            for index in runs.indices { parts[index].append(text(values[index])) }
        }
        add(runs.map(\.inputs.model)) { $0 }
        let overrides = runs.map { run in
            Dictionary(run.inputs.overrides.compactMap { assignment -> (String, String)? in
                guard let equals = assignment.firstIndex(of: "=") else { return nil }
                return (String(assignment[..<equals]).trimmingCharacters(in: .whitespaces),
                        String(assignment[assignment.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
            }, uniquingKeysWith: { $1 })
        }
        var keys: [String] = []
        for run in overrides { for key in run.keys.sorted() where !keys.contains(key) { keys.append(key) } }
        for key in keys { add(overrides.map { $0[key] ?? "model value" }) { "\(key)=\($0)" } }
        add(runs.map { $0.inputs.experiment.joined(separator: "; ") }) { $0 }
        add(runs.map { "\($0.inputs.cycles)" }) { "\($0) cycles" }
        add(runs.map { $0.inputs.relativeTolerance.map { "\($0)" } ?? "default" }) { "rtol \($0)" }
        add(runs.map { $0.inputs.samplePeriod.map { "\($0) s" } ?? "every step" }) { "period \($0)" }
        var labels = parts.enumerated().map { index, items in
            items.isEmpty ? (runs[index].folder as NSString).lastPathComponent : items.joined(separator: ", ")
        }
        // Still alike (e.g. the same run twice): add the folder.
        if Set(labels).count < labels.count {
            labels = labels.enumerated().map { "\($1) (\((runs[$0].folder as NSString).lastPathComponent))" }
        }
        return labels
    }

    /// Both overlays in one SVG: voltage against capacity (each run's first cycle) above, discharge
    /// capacity against cycle (complete cycles) below; one colour and legend entry per run.
    public static func svg(_ runs: [RunFolder]) -> String {
        let labels = labels(runs)
        func colour(_ index: Int) -> String { SVGPlot.palette[index % SVGPlot.palette.count] }
        let voltage = SVGPlot.plot(runs.indices.map { SVGPlot.Curve(label: labels[$0], segments: runs[$0].voltageCurve, colour: colour($0)) },
                                   xTitle: "Discharge capacity [mA.h] (first cycle of each run)", yTitle: "Voltage [V]")
        let capacity = SVGPlot.plot(runs.indices.map { SVGPlot.Curve(label: labels[$0], segments: [runs[$0].capacityCurve], colour: colour($0)) },
                                    xTitle: "Cycle (complete cycles)", yTitle: "Discharge capacity [mA.h/g]",
                                    markers: runs.map(\.capacityCurve.count).max() ?? 0 <= 200, yFromZero: true)
        let opening = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        let width = max(size(voltage, "width"), size(capacity, "width"))
        let height = size(voltage, "height") + size(capacity, "height")
        return opening + "width=\"\(Int(width))\" height=\"\(Int(height))\">\n"
            + voltage.replacingOccurrences(of: opening, with: "<svg y=\"0\" ")
            + capacity.replacingOccurrences(of: opening, with: "<svg y=\"\(Int(size(voltage, "height")))\" ")
            + "</svg>\n"
    }

    /// The `width` or `height` attribute of an SVG's opening tag.
    static func size(_ svg: String, _ attribute: String) -> Double {
        guard let range = svg.range(of: " \(attribute)=\"") else { return 0 }
        return Double(svg[range.upperBound...].prefix { $0 != "\"" }) ?? 0
    }
}
