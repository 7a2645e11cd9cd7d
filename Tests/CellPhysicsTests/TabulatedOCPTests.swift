import CellPhysics
import Foundation
import Interpolation
import Testing

/// The constructed OCP tables and the monotone cubic interpolation behind them.
@Suite("Tabulated OCPs (PCHIP)")
struct TabulatedOCPTests {
    static let tables = [OpenCircuitPotentials.li2tis3Lu2026Table, OpenCircuitPotentials.ltvoOhno2026Table]

    @Test("the built-ins are registered under their PyBaMM-style names")
    func registered() {
        #expect(OpenCircuitPotentials.all["li2tis3_ocp_Lu2026"]?.name == "li2tis3_ocp_Lu2026")
        #expect(OpenCircuitPotentials.all["ltvo_ocp_Ohno2026"]?.name == "ltvo_ocp_Ohno2026")
    }

    @Test("the interpolant passes through every table point", arguments: tables)
    func valuesAtTablePoints(table: MonotoneCubicInterpolation) throws {
        let function = try #require(OpenCircuitPotentials.all[table.name])
        for (y, u) in zip(table.nodes, table.values) {
            #expect(abs(function(y).value - u) < 1e-12, "U(\(y))")
        }
    }

    @Test("U decreases strictly with stoichiometry, also between and beyond the points", arguments: tables)
    func monotoneDecreasing(table: MonotoneCubicInterpolation) {
        var previous = table(-0.05).value
        for i in 1...20_000 {
            let y = -0.05 + 1.1 * Double(i) / 20_000
            let (u, du) = table(y)
            #expect(u < previous, "U(\(y)) = \(u) not below the previous sample \(previous)")
            #expect(du < 0, "dU/dy(\(y)) = \(du)")
            previous = u
        }
    }

    @Test("the derivative matches central finite differences", arguments: tables)
    func derivative(table: MonotoneCubicInterpolation) {
        let step = 1e-6
        // Inside the intervals (the second derivative jumps at the nodes, so avoid straddling them).
        for i in 0..<(table.nodes.count - 1) {
            for fraction in [0.13, 0.5, 0.91] {
                let y = table.nodes[i] + fraction * (table.nodes[i + 1] - table.nodes[i])
                let numeric = (table(y + step).value - table(y - step).value) / (2 * step)
                #expect(abs(table(y).derivative - numeric) < 1e-6 * max(1, abs(numeric)), "y = \(y)")
            }
        }
        // Continuity of the slope across each node (C¹).
        for y in table.nodes {
            #expect(abs(table(y - 1e-9).derivative - table(y + 1e-9).derivative) < 1e-6)
        }
    }

    @Test("the tables agree with parameters.md's independent analytic fits")
    func agreesWithAnalyticFits() {
        // Log fits of the same tables (parameters.md §5.2, §5.3: max errors 9 and 18 mV): a transcription
        // error in either table would show here.
        func lts(_ y: Double) -> Double {
            2.03184 + 0.77974 * y - 0.35646 * log(y + 0.053783) + 0.45913 * log(1 - y + 0.053783)
        }
        func ltvo(_ y: Double) -> Double {
            1.86928 + 1.05331 * y - 1.16637 * log(y + 0.020716) + 0.36030 * log(1 - y + 0.020716)
        }
        for (table, fit, limit) in [(OpenCircuitPotentials.li2tis3Lu2026Table, lts, 0.010),
                                    (OpenCircuitPotentials.ltvoOhno2026Table, ltvo, 0.020)] {
            for y in table.nodes { #expect(abs(table(y).value - fit(y)) < limit, "\(table.name) at y = \(y)") }
        }
    }

    @Test("no overshoot on step-like data, and straight lines are reproduced exactly")
    func noOvershoot() throws {
        let table = try MonotoneCubicInterpolation(nodes: [0, 1, 2, 3, 4], values: [1, 1, 1, 0, 0], name: "step")
        for i in 0...400 {
            let x = Double(i) / 100
            let value = table(x).value
            #expect(value <= 1 + 1e-15 && value >= -1e-15, "f(\(x)) = \(value)")
        }
        // A straight line is reproduced exactly, slope included.
        let line = try MonotoneCubicInterpolation(nodes: [0, 0.3, 1, 2.5], values: [1, 0.4, -1, -4], name: "line")
        for x in [-0.5, 0.1, 0.65, 2.0, 3.0] {
            #expect(abs(line(x).value - (1 - 2 * x)) < 1e-14)
            #expect(abs(line(x).derivative + 2) < 1e-14)
        }
    }

    @Test("malformed tables are rejected with a message naming the table and the problem")
    func rejectsMalformedTables() {
        #expect(throws: InvalidTableError(table: "t", problem: "1 point(s); at least 2 are needed")) {
            try MonotoneCubicInterpolation(nodes: [0], values: [1], name: "t")
        }
        #expect(throws: InvalidTableError(table: "t", problem: "2 nodes but 3 values (one value per node)")) {
            try MonotoneCubicInterpolation(nodes: [0, 1], values: [1, 2, 3], name: "t")
        }
        #expect(throws: InvalidTableError(table: "t", problem: "nodes must increase strictly, but x[1] = 0.5 ≥ x[2] = 0.5")) {
            try MonotoneCubicInterpolation(nodes: [0, 0.5, 0.5], values: [1, 2, 3], name: "t")
        }
        #expect(throws: InvalidTableError(table: "t", problem: "point (1.0, nan) is not finite")) {
            try MonotoneCubicInterpolation(nodes: [0, 1], values: [1, .nan], name: "t")
        }
    }
}

extension MonotoneCubicInterpolation: CustomTestStringConvertible {
    public var testDescription: String { name }
}
