import CellModel
import Foundation
import Protocols
import Testing
@testable import SolidCell

/// Repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Reads a CSV with a header row into named numeric columns.
func readCSV(_ path: String) throws -> [String: [Double]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline)
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    var columns = [String: [Double]](uniqueKeysWithValues: header.map { ($0, []) })
    for line in lines {
        for (name, field) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false)) {
            columns[name]!.append(Double(field) ?? .nan)
        }
    }
    return columns
}

/// Linear interpolation of (xs, ys) at x; xs ascending.
func interpolate(_ xs: [Double], _ ys: [Double], at x: Double) -> Double? {
    guard let first = xs.first, let last = xs.last, x >= first, x <= last else { return nil }
    var low = 0, high = xs.count - 1
    while high - low > 1 {
        let mid = (low + high) / 2
        if xs[mid] <= x { low = mid } else { high = mid }
    }
    let span = xs[high] - xs[low]
    return span == 0 ? ys[low] : ys[low] + (ys[high] - ys[low]) * (x - xs[low]) / span
}

struct CrossCheckCase: CustomStringConvertible, Sendable {
    var model: String
    var reference: String
    var rate: String
    var cutoff: Double
    var description: String { "\(reference) \(rate)" }
}

@Suite("Agreement with PyBaMM's half-cell DFN at t+ = 1 (same mesh)")
struct PyBaMMCrossCheckTests {
    static let cases: [CrossCheckCase] = ["0.1C", "1C", "2C"].flatMap { rate in
        [CrossCheckCase(model: "xu2019-nmc532-half-cell-t1", reference: "xu2019", rate: rate, cutoff: 3.5),
         CrossCheckCase(model: "chen2020-nmc811-li-half-cell-t1", reference: "chen2020-nmc811-li", rate: rate, cutoff: 2.5)]
    }

    @Test("voltage within 2 mV RMS and 5 mV max, capacity within 0.5 %", arguments: cases)
    func agreement(_ c: CrossCheckCase) throws {
        let reference = try readCSV("\(repositoryRoot)/validation/pybamm/\(c.reference)_\(c.rate).csv")
        let times = try #require(reference["Time [s]"])
        let voltages = try #require(reference["Voltage [V]"])
        let capacities = try #require(reference["Discharge capacity [A.h]"])

        let model = try ModelFile.load(path: "\(repositoryRoot)/models/\(c.model).json")
        var options = SimulationOptions()
        options.samplePeriod = times[1] - times[0]
        let simulation = Simulation(parameters: try CellParameters(model.parameters),
                                    experiment: try Experiment(parsing: "Discharge at \(c.rate) until \(c.cutoff) V"),
                                    options: options)
        let result = simulation.run()
        #expect(result.failure == nil, "\(result.failure.map(String.init(describing:)) ?? "")")
        let series = result.timeSeries

        var squared = 0.0, worst = 0.0, compared = 0
        for (t, v) in zip(times, voltages) {
            guard let ours = interpolate(series.time, series.voltage, at: t) else { continue }
            let difference = abs(ours - v)
            squared += difference * difference
            worst = max(worst, difference)
            compared += 1
        }
        let rms = (squared / Double(compared)).squareRoot()
        let capacityError = abs(series.dischargeCapacity.last! - capacities.last!) / capacities.last!
        print("cross-check \(c): RMS \(rms * 1000) mV, max \(worst * 1000) mV over \(compared) points, capacity error \(capacityError * 100) %")
        #expect(compared > times.count * 9 / 10)
        #expect(rms < 2e-3)
        #expect(worst < 5e-3)
        #expect(capacityError < 0.005)
        #expect(abs(series.voltage.last! - c.cutoff) < 1e-9)
    }
}
