import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import Protocols
@testable import Simulator

/// A current profile is piecewise-linear: IDA is stopped at each of its points (a kink of the
/// current) instead of stepping across it.
@Suite("Current profiles: kinks are stop times")
struct CurrentProfileKinkTests {
    static let mesh: [String: Double] = ["Separator mesh points": 5, "Positive electrode mesh points": 10,
                                         "Positive particle mesh points": 10]
    /// Pulses every 20 s after a minute's rest: 31 points, each a kink.
    static let profile = ControlProfile(times: (0...30).map { 20 * Double($0) },
                                        amperes: (0...30).map { 0.0024 * ($0 % 2 == 0 ? 0.5 : 1.5) })

    func run(period: Double?) throws -> SimulationResult {
        var simulation = Simulation(parameters: try loadModel("xu2019-nmc532-half-cell-t1", Self.mesh),
                                    experiment: try Experiment(parsing: "Rest for 1 minute; Run current profile pulses"))
        simulation.profiles["pulses"] = Self.profile
        simulation.options.samplePeriod = period
        let result = simulation.run()
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        return result
    }

    @Test("recording every solver step, every profile point is a sample time, exactly")
    func everyKinkIsReached() throws {
        let series = try run(period: nil).timeSeries
        let times = Set(series.time.indices.filter { series.step[$0] == 2 }.map { series.time[$0] })
        let missing = Self.profile.times.map { 60 + $0 }.filter { !times.contains($0) }
        #expect(missing.isEmpty, "profile points not reached exactly: \(missing)")
    }

    @Test("with a sampling period, the stops at kinks are not samples, and the charge is the table's integral")
    func kinksAreNotSamples() throws {
        let result = try run(period: 30)
        let profileTimes = result.timeSeries.time.indices.filter { result.timeSeries.step[$0] == 2 }.map { result.timeSeries.time[$0] }
        // Every 30 s from the step's start, and 10 s in (the first discharge's DC-resistance pulse).
        let expected: [Double] = [60, 70] + (1...20).map { 60 + 30 * Double($0) }
        #expect(profileTimes == expected)
        // ∫ I dt of the table (its trapezoids) [A h].
        let times = Self.profile.times, amperes = Self.profile.values
        var charge = 0.0
        for k in 1..<times.count {
            let mean: Double = 0.5 * (amperes[k - 1] + amperes[k])
            charge += mean * (times[k] - times[k - 1]) / 3600
        }
        #expect(abs(result.steps[1].dischargedCharge - charge) < 1e-5 * charge, "\(result.steps[1].dischargedCharge) vs \(charge)")
    }
}
