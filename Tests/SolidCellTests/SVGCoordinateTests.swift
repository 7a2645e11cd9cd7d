import Foundation
import TestSupport
import Testing
@testable import OutputFiles

@Suite("SVG coordinates")
struct SVGCoordinateTests {
    @Test("twoDecimals writes what String(format: \"%.2f\") writes: random pixels, ties, small negatives, large values")
    func twoDecimalsIsPrintf() {
        var random = SplitMix64(seed: 19)
        var values: [Double] = [0, -0.0, 0.004, -0.004, 0.005, -0.005, 0.125, 2.675, 1.005, -1.005, 99.995, 640, 1e15, -3e16]
        for _ in 0..<100_000 { values.append(Double.random(in: -200..<800, using: &random)) }
        for k in 0..<2000 { values.append(Double(k) / 200 - 5) }   // every x.xx5 tie between −5 and 5
        let mismatches = values.filter { SVGPlot.twoDecimals($0) != String(format: "%.2f", $0) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map { "\($0): \(SVGPlot.twoDecimals($0)) vs \(String(format: "%.2f", $0))" })")
    }
}
