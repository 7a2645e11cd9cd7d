import CellModel
import CellPhysics
import Parameters
import DAESolver
import Foundation
import TestSupport
import Testing

/// End conditions as IDA root functions: an integration stops exactly on its cut-off.
///
/// IDA locates a sign change of g to a time tolerance of ~100 ε (|t| + |h|) ≈ 1e-10 s here and returns
/// the solution interpolated to that time, so g there is ~|ġ| · 1e-10 s: ≲ 1e-13 V for a voltage
/// falling at ~1e-3 V/s. The 1e-9 bounds are that with margin; they are independent of the solver
/// tolerances, which are the simulation driver's defaults (1e-6 / 1e-8) here to show it.
@Suite("Cut-offs")
struct CutoffTests {
    static func driver(_ name: ModelName, _ control: CellControl, events: [CellEvent]) throws -> (CellDriver, CellParameters) {
        let p = try makeParameters(name, mesh: (5, 8, 10))
        return (try CellDriver(p, control: control, events: events, relativeTolerance: 1e-6, absoluteTolerance: 1e-8), p)
    }

    /// Runs until an event fires (or fails the test after `limit` seconds).
    static func runToRoot(_ driver: CellDriver, limit: Double = 2e4) throws -> (indices: [Int], directions: [Int]) {
        let outcome = try driver.run(for: limit)
        guard case .root(let indices, let directions) = outcome else {
            Issue.record("no event within \(limit) s (V = \(driver.voltage), I = \(driver.current))")
            return ([], [])
        }
        return (indices, directions)
    }

    /// Current-controlled discharge (Xu, 1C) until 3.9 V, with an upper cut-off that is not crossed also
    /// active: the lower event fires, falling, and V = 3.9 V to 1e-9.
    @Test("constant-current discharge stops on the voltage cut-off")
    func currentDischargeCutoff() throws {
        let (driver, p) = try Self.driver(.xu2019, .current(amperes: 0.0024), events: [.voltage(volts: 4.3), .voltage(volts: 3.9)])
        let (indices, directions) = try Self.runToRoot(driver)
        #expect(indices == [1] && directions == [-1])
        print("cut-off current: stopped at t = \(driver.time) s, V − 3.9 = \(driver.voltage - 3.9)")
        #expect(abs(driver.voltage - 3.9) < 1e-9)
        #expect(driver.time > 100)
        #expect(abs(driver.current - p.nominalCapacity) < 1e-12)
    }

    /// Power-controlled discharge (Chen, 20 W ≈ 0.8C) until 3.6 V: V on the cut-off, and I V = P there.
    @Test("constant-power discharge stops on the voltage cut-off")
    func powerDischargeCutoff() throws {
        let (driver, _) = try Self.driver(.chen2020, .power(watts: 20), events: [.voltage(volts: 3.6)])
        let (indices, directions) = try Self.runToRoot(driver)
        #expect(indices == [0] && directions == [-1])
        print("cut-off power: stopped at t = \(driver.time) s, V − 3.6 = \(driver.voltage - 3.6), I V − P = \(driver.current * driver.voltage - 20)")
        #expect(abs(driver.voltage - 3.6) < 1e-9)
        // I V = P is the algebraic control equation, non-linear, so held to the Newton tolerance
        // (~rtol × 20 W = 2e-5 W; measured 3e-7 W).
        #expect(abs(driver.current * driver.voltage - 20) < 2e-5)
    }

    /// Xu: 1C discharge to 3.9 V, then a hold at 3.9 V until |I| = C/20; Chen: 1C discharge for 600 s,
    /// 1C charge to 4.2 V, hold at 4.2 V until |I| = C/20 (a negative current: the event is on |I|).
    /// The hold ends with |I| on its value to 1e-9 relative, falling, and V held at the set value to
    /// 1e-9 V (V − V_set = 0 is linear in the unknowns, so each Newton iterate satisfies it to round-off,
    /// as does IDA's interpolation to the root; measured ~1e-15 V).
    @Test("voltage hold stops when |I| falls to the set value", arguments: ModelName.allCases)
    func voltageHoldCurrentCutoff(_ name: ModelName) throws {
        let (driver, p) = try Self.driver(name, .current(amperes: 0), events: [])
        let oneC = p.nominalCapacity
        let hold: Double
        switch name {
        case .xu2019:
            hold = 3.9
            try driver.switchTo(.current(amperes: oneC), events: [.voltage(volts: hold)])
            #expect(try Self.runToRoot(driver).indices == [0])
        case .chen2020:
            hold = 4.2
            try driver.switchTo(.current(amperes: oneC))
            try driver.run(for: 600)
            try driver.switchTo(.current(amperes: -oneC), events: [.voltage(volts: hold)])
            let (indices, directions) = try Self.runToRoot(driver)
            #expect(indices == [0] && directions == [1])
        }
        #expect(abs(driver.voltage - hold) < 1e-9)
        let start = driver.time
        try driver.switchTo(.voltage(volts: hold), events: [.currentMagnitude(amperes: oneC / 20)])
        #expect(abs(driver.current) > oneC / 20)
        let (indices, directions) = try Self.runToRoot(driver)
        #expect(indices == [0] && directions == [-1])
        print("hold \(name): |I| reached C/20 after \(driver.time - start) s, |I|/(C/20) − 1 = \(abs(driver.current) / (oneC / 20) - 1), V − V_hold = \(driver.voltage - hold)")
        #expect(abs(abs(driver.current) / (oneC / 20) - 1) < 1e-9)
        #expect(abs(driver.voltage - hold) < 1e-9)
    }
}
