import Foundation
import OutputFiles

/// `comparison.json`, `comparison.csv` and `voltage.svg` of a comparison.
public enum ComparisonFiles {
    struct Summary: Codable {
        var data: String
        var format: String
        var currentSign: String
        var model: String
        var initialState: String
        var initialStoichiometry: Double
        var varyingCurrent: String
        var measuredSamples: Int
        var comparedSamples: Int
        var voltageRMSmV: Double?
        var voltageMaxmV: Double?
        var simulationFailure: String?
        var steps: [StepComparison]
        var cycles: [CycleComparison]
        enum CodingKeys: String, CodingKey {
            case data, format, model, steps, cycles
            case currentSign = "current_sign", initialState = "initial_state", initialStoichiometry = "initial_positive_stoichiometry"
            case varyingCurrent = "varying_current_steps", measuredSamples = "measured_samples", comparedSamples = "compared_samples"
            case voltageRMSmV = "voltage_rms_mV", voltageMaxmV = "voltage_max_mV", simulationFailure = "simulation_failure"
        }
    }

    /// How varying-current steps are simulated (written into comparison.json).
    public static let varyingCurrentNote = "simulated as a current profile: the measured current, piecewise-linear between the samples"

    public static func write(_ result: MeasuredComparisonResult, dataFile: String, format: String, currentSign: String, model: String,
                             to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let summary = Summary(data: dataFile, format: format, currentSign: currentSign, model: model,
                              initialState: result.initialStateText, initialStoichiometry: result.initialStoichiometry,
                              varyingCurrent: varyingCurrentNote, measuredSamples: result.samples.count,
                              comparedSamples: result.comparedSamples, voltageRMSmV: result.voltageRMSmV, voltageMaxmV: result.voltageMaxmV,
                              simulationFailure: result.simulation.failure.map { "\($0)" }, steps: result.steps, cycles: result.cycles)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: URL(fileURLWithPath: folder + "/comparison.json"))

        var csv = "Time [s],Measured voltage [V],Simulated voltage [V],Measured current [A],Simulated current [A]\n"
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for s in result.samples {
            csv += "\(s.time),\(s.measuredVoltage),\(number(s.simulatedVoltage)),\(s.measuredCurrent),\(number(s.simulatedCurrent))\n"
        }
        try csv.write(toFile: folder + "/comparison.csv", atomically: true, encoding: .utf8)
        try svg(result).write(toFile: folder + "/voltage.svg", atomically: true, encoding: .utf8)
    }

    /// Measured and simulated voltage against time, the simulated one at the measured times.
    public static func svg(_ result: MeasuredComparisonResult) -> String {
        let measured = result.samples.map { (x: $0.time / 3600, y: $0.measuredVoltage) }
        var simulated: [[(x: Double, y: Double)]] = [[]]
        for s in result.samples {
            if let v = s.simulatedVoltage { simulated[simulated.count - 1].append((x: s.time / 3600, y: v)) }
            else if !simulated[simulated.count - 1].isEmpty { simulated.append([]) }
        }
        let note = result.voltageRMSmV.map { String(format: "RMS difference %.3g mV", $0) }
        return SVGPlot.plot([SVGPlot.Curve(label: "measured", segments: [measured], colour: SVGPlot.palette[0]),
                             SVGPlot.Curve(label: "simulated", segments: simulated.filter { !$0.isEmpty }, colour: SVGPlot.palette[1])],
                            xTitle: "Time [h]", yTitle: "Voltage [V]", note: note)
    }
}
