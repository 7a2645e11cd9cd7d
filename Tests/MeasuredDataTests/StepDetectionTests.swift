import Foundation
import Testing
import TestSupport
@testable import MeasuredData

@Suite("Step segmentation")
struct StepDetectionTests {
    /// A synthetic CC discharge – rest – CC charge – CV hold log, 10 s apart, with 0.2 % current
    /// noise and 0.5 mV voltage noise: rows 0..<100, 100..<130, 130..<210, 210..<270.
    static func ccRestCcCv(withSteps: Bool) -> MeasuredTimeSeries {
        var random = SplitMix64(seed: 7)
        func noise(_ size: Double) -> Double { Double.random(in: -size...size, using: &random) }
        var time: [Double] = [], voltage: [Double] = [], current: [Double] = [], step: [Int] = []
        func add(_ v: Double, _ i: Double, _ s: Int) {
            time.append(Double(time.count) * 10)
            voltage.append(v)
            current.append(i)
            step.append(s)
        }
        for k in 0..<100 { add(4.0 - 0.008 * Double(k), 0.5 + noise(0.001), 1) }
        for k in 0..<30 { add(3.4 - 0.2 * exp(-Double(k) / 5), noise(1e-5), 2) }
        for k in 0..<80 { add(3.5 + 0.7 * Double(k) / 79, -0.5 + noise(0.001), 3) }
        for k in 0..<60 { add(4.2 + noise(5e-4), -0.45 * exp(-Double(k) / 15), 4) }
        let source = MeasuredSource(file: "synthetic", format: .solidCell, currentSign: .dischargePositive, headerLines: 1, skippedLines: 0)
        return MeasuredTimeSeries(time: time, voltage: voltage, current: current, cycle: nil, step: withSteps ? step : nil, source: source)
    }

    @Test("CC–rest–CC–CV found from the control alone, and from the step column", arguments: [false, true])
    func ccRestCcCv(withSteps: Bool) throws {
        let series = Self.ccRestCcCv(withSteps: withSteps)
        let steps = series.steps()
        try #require(steps.count == 4)
        #expect(steps.map(\.rows) == [0..<100, 100..<130, 130..<210, 210..<270])
        guard case .constantCurrent(let discharge) = steps[0].kind, case .rest = steps[1].kind,
              case .constantCurrent(let charge) = steps[2].kind, case .constantVoltage(let hold) = steps[3].kind else {
            Issue.record("kinds \(steps.map(\.kind))")
            return
        }
        #expect(abs(discharge - 0.5) < 1e-3)
        #expect(abs(charge + 0.5) < 1e-3)
        #expect(abs(hold - 4.2) < 1e-3)
        #expect(steps[0].startTime == 0 && steps[0].endTime == 990)
        #expect(abs(steps[0].endVoltage - (4.0 - 0.792)) < 1e-12)
        #expect(abs(steps[0].capacity - 0.5 * 990 / 3600) < 1e-4)
        #expect(steps[1].capacity.magnitude < 1e-6)
        #expect(steps[2].capacity < 0)
        #expect(steps[3].endVoltage > 4.19)
        #expect(steps.map(\.step) == (withSteps ? [1, 2, 3, 4] : [nil, nil, nil, nil]))
    }

    @Test("A current that changes every sample is one varying-current step between controlled ones")
    func profile() {
        var current = Array(repeating: 0.0, count: 10)
        current += (0..<20).map { $0 % 2 == 0 ? 1.0 : 2.5 }
        current += Array(repeating: 1.0, count: 10)
        let time = current.indices.map { Double($0) }
        let voltage = current.indices.map { 3.7 - 0.001 * Double($0) }
        let source = MeasuredSource(file: "p", format: .bdf, currentSign: .chargePositive, headerLines: 1, skippedLines: 0)
        let steps = MeasuredTimeSeries(time: time, voltage: voltage, current: current, source: source).steps()
        #expect(steps.map(\.rows) == [0..<10, 10..<30, 30..<40])
        #expect(steps.map(\.kind) == [.rest, .varyingCurrent, .constantCurrent(1)])
        #expect(abs(steps[1].capacity - (19 * 1.75) / 3600) < 1e-12)
    }

    @Test("Steps of a fixture with step numbers: the Arbin log's rest, discharge and charge")
    func fixtureSteps() throws {
        let series = try #require(try MeasuredDataReader.read(url: fixture("arbin.csv")).timeSeries)
        let steps = series.steps()
        #expect(steps.map(\.kind) == [.rest, .constantCurrent(1.5), .constantCurrent(-0.75)])
        #expect(steps.map(\.startTime) == [0, 30.51, 90.52])
        #expect(abs(steps[1].capacity - 1.5 * 60 / 3600) < 1e-12)
        #expect(steps.map(\.cycle) == [1, 1, 1])
    }

    @Test("An empty series has no steps")
    func empty() {
        let source = MeasuredSource(file: "e", format: .bdf, currentSign: .chargePositive, headerLines: 1, skippedLines: 0)
        #expect(MeasuredTimeSeries(time: [], voltage: [], current: [], source: source).steps().isEmpty)
    }
}
