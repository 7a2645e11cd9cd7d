import Foundation
import OutputFiles

/// `comparison.json`, `comparison.csv` and the overlay plots of a comparison: `voltage.svg`
/// (voltage against time), `voltage-capacity.svg` (voltage against the charge passed within each
/// step) and, for data with more than one cycle, `capacity.svg` (capacities against cycle).
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

    /// Writes the files into `folder` and returns the plots' names.
    @discardableResult
    public static func write(_ result: MeasuredComparisonResult, dataFile: String, format: String, currentSign: String, model: String,
                             to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let summary = Summary(data: dataFile, format: format, currentSign: currentSign, model: model,
                              initialState: result.initialStateText, initialStoichiometry: result.initialStoichiometry,
                              varyingCurrent: varyingCurrentNote, measuredSamples: result.samples.count,
                              comparedSamples: result.comparedSamples, voltageRMSmV: result.voltageRMSmV, voltageMaxmV: result.voltageMaxmV,
                              simulationFailure: result.simulation.failure.map { "\($0)" }, steps: result.steps, cycles: result.cycles)
        try writeJSON(summary, to: folder + "/comparison.json")

        var csv = "Time [s],Measured voltage [V],Simulated voltage [V],Measured current [A],Simulated current [A]\n"
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for s in result.samples {
            csv += "\(s.time),\(s.measuredVoltage),\(number(s.simulatedVoltage)),\(s.measuredCurrent),\(number(s.simulatedCurrent))\n"
        }
        try csv.write(toFile: folder + "/comparison.csv", atomically: true, encoding: .utf8)
        let plots = plots(result)
        for (name, text) in plots {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        return plots.map(\.name)
    }

    /// `value` as JSON, indented, keys sorted.
    static func writeJSON(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: URL(fileURLWithPath: path))
    }

    /// The plots ``write(_:dataFile:format:currentSign:model:to:)`` writes, by file name.
    public static func plots(_ result: MeasuredComparisonResult) -> [(name: String, svg: String)] {
        var plots = [(name: "voltage.svg", svg: svg(result)), (name: "voltage-capacity.svg", svg: voltageCapacitySVG(result))]
        if result.cycles.count > 1 { plots.append((name: "capacity.svg", svg: capacitySVG(result))) }
        return plots
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

    /// Measured and simulated voltage against the charge passed since each step's start [mA h,
    /// either direction counted positive], one polyline per step that passes charge (rests are
    /// left out). Both charges are the trapezoidal rule over the measured sample times, of the
    /// measured current and of the simulated current at those times, from the step's start (the
    /// previous step's last sample; the first sample's current over the gap to it), so the two
    /// curves of a step differ only where the currents do; the simulated one ends where the
    /// simulated step ended.
    public static func voltageCapacitySVG(_ result: MeasuredComparisonResult) -> String {
        var measured: [[(x: Double, y: Double)]] = [], simulated: [[(x: Double, y: Double)]] = []
        var offset = 0   // result.samples holds the mappings' rows in order
        for mapping in result.plan.mappings {
            let samples = result.samples[offset..<offset + mapping.measured.rows.count]
            offset += mapping.measured.rows.count
            if case .rest = mapping.measured.kind { continue }
            var q = 0.0, qs = 0.0
            var previous = (time: mapping.start, current: samples.first?.measuredCurrent ?? 0,
                            simulated: samples.first?.simulatedCurrent ?? 0)
            var m: [(x: Double, y: Double)] = [], s: [(x: Double, y: Double)] = []
            var simulatedEnded = false
            for sample in samples {
                let dt = sample.time - previous.time
                q += 0.5 * (previous.current + sample.measuredCurrent) * dt / 3600
                m.append((x: 1000 * abs(q), y: sample.measuredVoltage))
                if !simulatedEnded, let v = sample.simulatedVoltage, let i = sample.simulatedCurrent {
                    qs += 0.5 * (previous.simulated + i) * dt / 3600
                    s.append((x: 1000 * abs(qs), y: v))
                    previous.simulated = i
                } else {
                    simulatedEnded = true
                }
                (previous.time, previous.current) = (sample.time, sample.measuredCurrent)
            }
            measured.append(m)
            if !s.isEmpty { simulated.append(s) }
        }
        return SVGPlot.plot([SVGPlot.Curve(label: "measured", segments: measured, colour: SVGPlot.palette[0]),
                             SVGPlot.Curve(label: "simulated", segments: simulated, colour: SVGPlot.palette[1])],
                            xTitle: "Charge passed within the step [mA.h]", yTitle: "Voltage [V]",
                            note: "one curve per current or voltage step; rests left out")
    }

    /// Measured (dots) and simulated (lines) discharge and charge capacity of each cycle against the
    /// cycle number (the data's cycle numbers), the capacity axis from zero.
    public static func capacitySVG(_ result: MeasuredComparisonResult) -> String {
        func curve(_ label: String, _ colour: Int, measured: Bool, _ value: (CycleComparison) -> Double) -> SVGPlot.Curve {
            SVGPlot.Curve(label: label, segments: [result.cycles.map { (x: Double($0.cycle), y: 1000 * value($0)) }],
                          colour: SVGPlot.palette[colour], dotsOnly: measured)
        }
        return SVGPlot.plot([curve("measured discharge", 0, measured: true, \.measuredDischargeCapacity),
                             curve("simulated discharge", 0, measured: false, \.simulatedDischargeCapacity),
                             curve("measured charge", 1, measured: true, \.measuredChargeCapacity),
                             curve("simulated charge", 1, measured: false, \.simulatedChargeCapacity)],
                            xTitle: "Cycle", yTitle: "Capacity [mA.h]", yFromZero: true)
    }

    struct ImpedanceSummary: Codable {
        var data: String
        var format: String
        var model: String
        var state: String
        var frequencies: Int
        var impedanceRMSOhm: Double
        var impedanceMaxOhm: Double
        var relativeRMS: Double
        var modulusRMSOhm: Double
        enum CodingKeys: String, CodingKey {
            case data, format, model, state, frequencies
            case impedanceRMSOhm = "impedance_rms_ohm", impedanceMaxOhm = "impedance_max_ohm"
            case relativeRMS = "impedance_relative_rms", modulusRMSOhm = "modulus_rms_ohm"
        }
    }

    /// `comparison.json` (the metrics), `comparison.csv` (both spectra at every frequency) and
    /// `nyquist.svg` (both spectra) of an impedance comparison.
    public static func write(_ result: ImpedanceComparisonResult, dataFile: String, format: String, model: String,
                             to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let summary = ImpedanceSummary(data: dataFile, format: format, model: model, state: result.stateText,
                                       frequencies: result.measured.count, impedanceRMSOhm: result.impedanceRMSOhm,
                                       impedanceMaxOhm: result.impedanceMaxOhm, relativeRMS: result.relativeRMS,
                                       modulusRMSOhm: result.modulusRMSOhm)
        try writeJSON(summary, to: folder + "/comparison.json")
        var csv = "Frequency [Hz],Measured Re(Z) [Ohm],Measured -Im(Z) [Ohm],Simulated Re(Z) [Ohm],Simulated -Im(Z) [Ohm]\n"
        for k in 0..<result.measured.count {
            let z = result.simulated.impedance[k]
            csv += "\(result.measured.frequency[k]),\(result.measured.real[k]),\(result.measured.minusImaginary[k]),\(z.real),\(-z.imaginary)\n"
        }
        try csv.write(toFile: folder + "/comparison.csv", atomically: true, encoding: .utf8)
        try nyquistSVG(result).write(toFile: folder + "/nyquist.svg", atomically: true, encoding: .utf8)
    }

    /// Both spectra on one Nyquist plot: the measured points as dots, the simulated ones joined.
    public static func nyquistSVG(_ result: ImpedanceComparisonResult) -> String {
        let measured = result.measured.real.indices.map { (x: result.measured.real[$0], y: result.measured.minusImaginary[$0]) }
        let simulated = result.simulated.impedance.map { (x: $0.real, y: -$0.imaginary) }
        return SVGPlot.nyquist([SVGPlot.Curve(label: "measured", segments: [measured], colour: SVGPlot.palette[0], dotsOnly: true),
                                SVGPlot.Curve(label: "simulated", segments: [simulated], colour: SVGPlot.palette[1])],
                               note: String(format: "RMS |Z_sim - Z_meas| %.3g Ohm (%.3g %% of |Z_meas|)",
                                            result.impedanceRMSOhm, 100 * result.relativeRMS))
    }
}
