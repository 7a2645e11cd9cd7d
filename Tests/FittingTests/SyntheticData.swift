import Foundation
import TestSupport
@testable import MeasuredData
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// Data made by the model itself, with known parameters and optional Gaussian noise.
enum SyntheticData {
    /// A log of the protocol sampled every `period` s, as a time series a fit can replay.
    static func log(_ set: ParameterSet, experiment: String, period: Double = 20, noise: Double = 0,
                    generator: inout SplitMix64) throws -> MeasuredTimeSeries {
        var options = SimulationOptions()
        options.samplePeriod = period
        let run = Simulation(parameters: try CellParameters(set), experiment: try Experiment(parsing: experiment), options: options).run()
        if let failure = run.failure { throw SyntheticDataError(message: "\(failure)") }
        let s = run.timeSeries
        var time: [Double] = [], voltage: [Double] = [], current: [Double] = [], step: [Int] = []
        for k in 0..<s.count where time.last.map({ s.time[k] > $0 }) ?? true {
            time.append(s.time[k]); voltage.append(s.voltage[k] + noise * gaussian(&generator))
            current.append(s.current[k]); step.append(s.step[k])
        }
        return MeasuredTimeSeries(time: time, voltage: voltage, current: current, cycle: nil, step: step,
                                  source: MeasuredSource(file: "synthetic", format: .solidCell, currentSign: .dischargePositive,
                                                         headerLines: 1, skippedLines: 0))
    }

    /// Discharge capacity per cycle [A h] of `cycles` repeats of the protocol, each times (1 + noise ξ).
    static func capacityTable(_ set: ParameterSet, experiment: Experiment, cycles: Int, relativeNoise: Double = 0,
                              generator: inout SplitMix64) throws -> MeasuredCycleTable {
        let run = Simulation(parameters: try CellParameters(set), experiment: experiment, cycles: cycles).run()
        if let failure = run.failure { throw SyntheticDataError(message: "\(failure)") }
        return MeasuredCycleTable(cycle: run.cycles.map(\.cycle),
                                  dischargeCapacity: run.cycles.map { $0.dischargeCapacity * (1 + relativeNoise * gaussian(&generator)) },
                                  chargeCapacity: nil, capacityUnit: .ampereHours,
                                  source: MeasuredSource(file: "synthetic-cycles", format: .cycleTable, currentSign: .dischargePositive,
                                                         headerLines: 1, skippedLines: 0))
    }

    static func gaussian(_ g: inout SplitMix64) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &g), u2 = Double.random(in: 0..<1, using: &g)
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

struct SyntheticDataError: Error, CustomStringConvertible {
    var message: String
    var description: String { "the synthetic run failed: \(message)" }
}
