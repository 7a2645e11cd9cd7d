import DAESolver
import Foundation
import TestSupport
import Testing
@testable import Comparison
@testable import Impedance
@testable import MeasuredData
@testable import OutputFiles
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// Issue #19's round trip: a simulation written by hand in every cycler format and replayed by
/// `compare` with the same model is reproduced; a simulated spectrum likewise.
@Suite("compare: round trip through every format", .serialized)
struct CompareRoundTripTests {
    static let model = "xu2019-nmc532-half-cell-t1"
    static let mesh: [String: Double] = ["Separator mesh points": 5, "Positive electrode mesh points": 10,
                                         "Positive particle mesh points": 10]
    /// Two cycles with rests, a CC discharge to the cut-off, a CC charge to 4.1 V and a hold
    /// sampled every 2 s (the trapezoidal rule over its decaying current is then exact to 1e-5).
    static let protocolText = "Rest for 10 minutes; Discharge at 1C until 3.5 V; Rest for 10 minutes; "
        + "Charge at 0.5C until 4.1 V; Hold at 4.1 V for 10 minutes (2 second period)"

    /// The simulation, sampled every 10 s (2 s in the hold), as a log.
    static func simulatedLog() throws -> CyclerLog {
        let parameters = try loadModel(model, mesh)
        var options = SimulationOptions()
        options.samplePeriod = 10
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: protocolText), cycles: 2, options: options).run()
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        let s = result.timeSeries
        return CyclerLog(time: s.time, cycle: s.cycle, step: s.step, current: s.current, voltage: s.voltage)
    }

    @Test("simulate → BDF, BioLogic, Arbin, Maccor, Neware and SolidCell files → compare: voltage RMS < 0.1 mV, capacities to 1e-4")
    func everyFormat() throws {
        let log = try Self.simulatedLog()
        let parameters = try loadModel(Self.model, Self.mesh)
        // Kept for the Python readers' cross-check when the variable names a folder.
        let keep = ProcessInfo.processInfo.environment["SOLIDCELL_COMPARE_FIXTURES"]
        let folder = keep ?? temporaryFolder("compare-formats")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let names: [MeasuredDataFormat: String] = [.solidCell: "timeseries.csv", .bdf: "log.bdf.csv", .bioLogic: "log.mpt",
                                                   .arbin: "arbin.csv", .maccor: "maccor.txt", .neware: "neware.csv"]
        for format in CyclerLog.formats {
            let path = folder + "/" + names[format]!
            try Data(log.file(format)).write(to: URL(fileURLWithPath: path))
            let series = try #require(try MeasuredDataReader.read(url: URL(fileURLWithPath: path)).timeSeries)
            #expect(series.source.format == format)
            let result = try MeasuredComparison.run(parameters: parameters, series: series)
            #expect(result.simulation.failure == nil, "\(format): \(String(describing: result.simulation.failure))")
            let rms = try #require(result.voltageRMSmV)
            #expect(rms < 0.1, "\(format): RMS \(rms) mV")
            // Every sample is compared but, in a step that the model's cut-off ends, the last one
            // when the replay reaches the cut-off a fraction of a millisecond earlier (the overlap).
            for (step, mapping) in zip(result.steps, result.plan.mappings) {
                #expect(step.comparedSamples >= mapping.measured.rows.count - (step.simulatedEnd?.contains("cut-off") == true ? 1 : 0),
                        "\(format) step \(step.index): \(step.comparedSamples) of \(mapping.measured.rows.count) compared")
            }
            #expect(result.steps.map(\.kind) == Array(repeating: ["rest", "constant current", "rest", "constant current",
                                                                  "constant voltage"], count: 2).flatMap { $0 }, "\(format)")
            for step in result.steps {
                // Relative 1e-4; a rest's charge is numerically zero (|I| < 1e-20 A in the log).
                let simulated = try #require(step.simulatedCapacity)
                #expect(abs(simulated - step.measuredCapacity) <= 1e-4 * max(abs(step.measuredCapacity), 1e-12),
                        "\(format) step \(step.index) (\(step.kind)): \(simulated) vs \(step.measuredCapacity) A h")
            }
            #expect(result.cycles.map(\.cycle) == [1, 2])
            for cycle in result.cycles {
                #expect(abs(cycle.simulatedDischargeCapacity - cycle.measuredDischargeCapacity) <= 1e-4 * cycle.measuredDischargeCapacity,
                        "\(format) cycle \(cycle.cycle)")
                #expect(abs(cycle.simulatedChargeCapacity - cycle.measuredChargeCapacity) <= 1e-4 * cycle.measuredChargeCapacity,
                        "\(format) cycle \(cycle.cycle)")
                #expect(cycle.measuredDischargeCapacity > 0.5 * parameters.nominalCapacity)
            }

            // The plots: voltage against time, against the charge of each step (a measured and a
            // simulated curve for each of the 6 steps that pass charge) and capacity against cycle.
            let plots = Dictionary(uniqueKeysWithValues: ComparisonFiles.plots(result).map { ($0.name, $0.svg) })
            #expect(plots.keys.sorted() == ["capacity.svg", "voltage-capacity.svg", "voltage.svg"])
            #expect(plots["voltage-capacity.svg"]!.components(separatedBy: "<polyline").count - 1 == 12, "\(format)")
            // Simulated capacities as lines, measured ones as a dot per cycle.
            #expect(plots["capacity.svg"]!.components(separatedBy: "<polyline").count - 1 == 2, "\(format)")
            #expect(plots["capacity.svg"]!.components(separatedBy: "<circle").count - 1 == 4, "\(format)")
        }
    }

    @Test("the largest charge on voltage-capacity.svg's axis is the measured discharge capacity")
    func voltageCapacityAxis() throws {
        let log = try Self.simulatedLog()
        let parameters = try loadModel(Self.model, Self.mesh)
        let series = try #require(try MeasuredDataReader.read(url: try Self.write(log.file(.bdf), "axis.bdf.csv")).timeSeries)
        let result = try MeasuredComparison.run(parameters: parameters, series: series)
        let svg = ComparisonFiles.voltageCapacitySVG(result)
        // The tick labels of the x axis are the rounded ticks around 0…Q [mA h]: the last one is the
        // first whole tick at or above the largest discharge capacity.
        let q = 1000 * result.cycles.map(\.measuredDischargeCapacity).max()!
        let ticks = SVGPlot.ticks(0, q)
        #expect(svg.contains(">\(SVGPlot.label(ticks.high, step: ticks.step))</text>"))
        #expect(ticks.high >= q && ticks.high - ticks.step < q)
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let folder = temporaryFolder("compare-file")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let url = URL(fileURLWithPath: folder + "/" + name)
        try Data(bytes).write(to: url)
        return url
    }

    /// A BioLogic PEIS export (Latin-1, CRLF, E-notation) of the model's own spectrum at SOC 0.6.
    static func spectrumFile(_ parameters: CellParameters) throws -> (url: URL, frequencies: [Double]) {
        let frequencies = FrequencyGrid(minimum: 1e-2, maximum: 1e6, count: 25).frequencies
        let rest = try ImpedanceAnalysis.restingState(parameters: parameters, stateOfCharge: 0.6)
        let z = try ImpedanceAnalysis.spectrum(parameters: parameters, state: rest.state, derivative: rest.derivative, frequencies: frequencies)
        var lines = ["EC-Lab ASCII FILE", "Nb header lines : 5", "Potentio Electrochemical Impedance Spectroscopy", "T = 25 °C",
                     "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\ttime/s\t<Ewe>/V\t<I>/mA\tcycle number"]
        for (k, f) in frequencies.enumerated() {
            lines.append([f, z.impedance[k].real, -z.impedance[k].imaginary, z.impedance[k].magnitude, Double(k), z.voltage, 0, 1]
                .map { String(format: "%.10E", $0) }.joined(separator: "\t"))
        }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        return (try write(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }, "peis.mpt"), frequencies)
    }

    @Test("impedance metrics: RMS and largest |Z_sim − Z_meas|, relative to |Z_meas|, and of the moduli, by hand")
    func impedanceMetrics() {
        // Z_meas = 3 − 4j and 1; Z_sim = 0 and 1 + 1j: differences 5 and 1, relative 1 and 1, moduli 5 and √2 − 1.
        let measured = MeasuredImpedanceSpectrum(frequency: [1, 10], real: [3, 1], minusImaginary: [4, 0],
                                                 source: MeasuredSource(file: "z", format: .impedanceCSV, currentSign: .dischargePositive,
                                                                        headerLines: 1, skippedLines: 0))
        var simulated = ImpedanceSpectrum()
        simulated.frequencies = [1, 10]
        simulated.impedance = [Complex(0, 0), Complex(1, 1)]
        let r = ImpedanceComparison.compare(measured: measured, simulated: simulated, stateText: "")
        #expect(abs(r.impedanceRMSOhm - (13.0).squareRoot()) < 1e-14)
        #expect(r.impedanceMaxOhm == 5)
        #expect(abs(r.relativeRMS - 1) < 1e-15)
        #expect(abs(r.modulusRMSOhm - ((25 + (2.0.squareRoot() - 1) * (2.0.squareRoot() - 1)) / 2).squareRoot()) < 1e-14)
    }

    @Test("compare --data spectrum: the model's impedance at the data's frequencies, RMS |ΔZ| and nyquist.svg")
    func spectrum() throws {
        let doubleLayers = ["--set", "\(CellParameters.positiveDoubleLayerKey)=0.2", "--set", "\(CellParameters.negativeDoubleLayerKey)=0.2"]
        var changes = Self.mesh
        changes[CellParameters.positiveDoubleLayerKey] = 0.2
        changes[CellParameters.negativeDoubleLayerKey] = 0.2
        let (url, frequencies) = try Self.spectrumFile(try loadModel(Self.model, changes))
        let folder = url.deletingLastPathComponent().path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mesh = Self.mesh.flatMap { ["--set", "\($0.key)=\($0.value)"] }
        func compare(_ extra: [String], _ output: String) throws -> [String: Any] {
            let run = try ProcessRun.solidcell(["compare", "--model", Self.model] + mesh + doubleLayers + extra
                                               + ["--data", url.path, "--output", folder + "/" + output])
            #expect(run.status == 0, "\(run.error)")
            #expect(run.output.contains("nyquist.svg"))
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + output + "/comparison.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let same = try compare(["--initial-soc", "0.6"], "same")
        #expect(same["frequencies"] as? Int == frequencies.count)
        let relative = try #require(same["impedance_relative_rms"] as? Double)
        #expect(relative < 1e-7, "relative RMS \(relative)")
        let csv = try String(contentsOfFile: folder + "/same/comparison.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == frequencies.count + 1)
        #expect(csv.first == "Frequency [Hz],Measured Re(Z) [Ohm],Measured -Im(Z) [Ohm],Simulated Re(Z) [Ohm],Simulated -Im(Z) [Ohm]")
        let svg = try String(contentsOfFile: folder + "/same/nyquist.svg", encoding: .utf8)
        #expect(svg.contains(">measured</text>") && svg.contains(">simulated</text>"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2 * frequencies.count)

        // Another state: the spectrum no longer matches.
        let other = try compare(["--initial-soc", "0.1"], "other")
        let rms = try #require(other["impedance_rms_ohm"] as? Double), sameRMS = try #require(same["impedance_rms_ohm"] as? Double)
        #expect(try #require(other["impedance_relative_rms"] as? Double) > 0.01)
        #expect(rms > 1e5 * sameRMS)

        // A frequency of 0 Hz: one line naming the file, the row and what is allowed, exit code 2.
        var text = try String(contentsOf: url, encoding: .isoLatin1)
        text = text.replacingOccurrences(of: String(format: "%.10E", frequencies[3]), with: "0.0000000000E+00")
        try text.write(to: url, atomically: true, encoding: .isoLatin1)
        let bad = try ProcessRun.solidcell(["compare", "--model", Self.model, "--data", url.path, "--output", folder + "/bad"])
        #expect(bad.status == 2 && bad.error.split(separator: "\n").count == 1, "\(bad.error)")
        #expect(bad.error.contains("peis.mpt") && bad.error.contains("row 4") && bad.error.contains("positive frequencies"), "\(bad.error)")
    }
}
