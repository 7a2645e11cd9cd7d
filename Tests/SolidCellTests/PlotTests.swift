import Foundation
import TestSupport
import Testing
@testable import OutputFiles
@testable import Simulator

/// Issue #18 item 8: rounded ticks with grid lines, the capacity axis from zero, legends, and
/// `solidcell plot` overlaying runs labelled by what differs.
@Suite("Plots", .serialized)
struct PlotTests {
    @Test("ticks are 1, 2 or 5 × 10ⁿ apart and the axis is widened to whole ticks", arguments: [
        (2.5, 4.3, 2.5, 4.5, 0.5), (0.0, 3.8, 0.0, 4.0, 1.0), (170.0, 181.0, 170.0, 185.0, 5.0), (1.0, 100.0, 0.0, 100.0, 20.0),
        (-0.013, 0.021, -0.02, 0.03, 0.01),
    ])
    func ticks(low: Double, high: Double, expectedLow: Double, expectedHigh: Double, step: Double) {
        let ticks = SVGPlot.ticks(low, high)
        #expect(abs(ticks.step - step) < 1e-12 * step)
        #expect(abs(ticks.low - expectedLow) < 1e-9 && abs(ticks.high - expectedHigh) < 1e-9)
    }

    @Test("tick labels are the rounded values, with the decimals the step needs")
    func labels() {
        let ticks = SVGPlot.ticks(2.5, 4.3)
        #expect(SVGPlot.tickValues(ticks, upTo: ticks.high).map { SVGPlot.label($0, step: ticks.step) } == ["2.5", "3.0", "3.5", "4.0", "4.5"])
        #expect(SVGPlot.label(-0.0, step: 0.5) == "0.0")
        #expect(SVGPlot.label(0.1 + 0.2, step: 0.1) == "0.3")
    }

    @Test("capacity against cycle: axis from zero, grid lines, a legend")
    func capacityPlot() throws {
        let parameters = try loadModel("xu2019-nmc532-half-cell-t1")
        let result = Simulation(parameters: parameters, experiment: try .init(parsing: "Discharge at 1C for 1 minute; Charge at 1C for 1 minute"),
                                cycles: 3).run()
        let svg = SVGPlot.capacityCycle(result.cycles)
        #expect(svg.contains(">0</text>") || svg.contains(">0.0</text>"))
        #expect(svg.contains("stroke=\"#dddddd\""))
        #expect(svg.contains(">discharge capacity</text>"))
        let voltage = SVGPlot.voltageCapacity(result.timeSeries)
        #expect(voltage.contains(">cycle 3</text>") && voltage.contains("stroke=\"#dddddd\""))
    }

    @Test("solidcell plot overlays runs labelled by the --set values that differ; a folder that is not a run is refused in one line")
    func plotCommand() throws {
        let root = temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for thickness in ["4e-5", "6e-5"] {
            let run = try ProcessRun.solidcell(["--model", "xu2019-nmc532-half-cell-t1", "--experiment", "Discharge at 1C for 2 minutes; Charge at 1C for 2 minutes",
                                        "--cycles", "2", "--set", "Positive electrode thickness [m]=\(thickness)",
                                        "--set", "Separator porosity=1", "--output", root + "/t\(thickness)"])
            #expect(run.status == 0, "\(run.error)")
        }
        let run = try ProcessRun.solidcell(["plot", root + "/t4e-5", root + "/t6e-5", "--output", root + "/both.svg"])
        #expect(run.status == 0, "\(run.error)")
        let svg = try String(contentsOfFile: root + "/both.svg", encoding: .utf8)
        #expect(svg.contains(">Positive electrode thickness [m]=4e-5</text>"))
        #expect(svg.contains(">Positive electrode thickness [m]=6e-5</text>"))
        #expect(!svg.contains("Separator porosity"))  // the same in both runs
        #expect(svg.contains("Voltage [V]") && svg.contains("Discharge capacity [mA.h/g]"))
        #expect(svg.components(separatedBy: "<svg").count - 1 == 3)  // the page and its two plots

        let bad = try ProcessRun.solidcell(["plot", root, "--output", root + "/x.svg"])
        #expect(bad.status == 2)
        #expect(bad.error.contains("no readable summary.json"))
        #expect(bad.error.split(separator: "\n").count == 1)
    }

    @Test("the legend is as wide as its longest label; a label longer than the legend takes is shortened, whole in its tooltip")
    func legendWidth() {
        func width(_ label: String) -> Int? {
            let svg = SVGPlot.plot([SVGPlot.Curve(label: label, segments: [[(x: 0, y: 0), (x: 1, y: 1)]])], xTitle: "x", yTitle: "y")
            guard let range = svg.range(of: "width=\"") else { return nil }
            return Int(svg[range.upperBound...].prefix { $0.isNumber })
        }
        let short = "a", medium = String(repeating: "m", count: 40), long = String(repeating: "l", count: 200)
        #expect(width(short)! < width(medium)!)
        #expect(width(long)! == width(String(repeating: "l", count: SVGPlot.legendCharacters))!)
        let svg = SVGPlot.plot([SVGPlot.Curve(label: long, segments: [[(x: 0, y: 0), (x: 1, y: 1)]])], xTitle: "x", yTitle: "y")
        #expect(svg.contains("<title>\(long)</title>"))
        #expect(svg.contains(String(repeating: "l", count: SVGPlot.legendCharacters - 1) + "…</text>"))
    }
}