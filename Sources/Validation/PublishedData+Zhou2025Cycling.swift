import CellModel
import CellPhysics
import Foundation
import Impedance
import Interpolation
import OutputFiles
import Parameters
import Protocols
import Simulator

/// Zhou 2025's 100-cycle test (0.1C, 30 °C, 30 / 10 / 2 MPa, fine and coarse Li6PS5Cl cathodes):
/// capacity retention and the rise of the CAM|SE interfacial resistance, with figures.
extension PublishedData {
    static let zhouCyclingGroup = "Zhou 2025: 100 cycles at 0.1C, 30 °C (the same degradation constants for both microstructures, pressure the only change)"
    static let zhouCycles = 100
    /// The paper's cycling at 0.1C between 2.5 and 4.3 V; constant current both ways (the SI with
    /// the exact protocol was not available).
    static let zhouCycle = "Charge at 0.1C until 4.3 V; Discharge at 0.1C until 2.5 V"
    static let zhouPressures = [30.0, 10, 2]

    /// The cycle summaries and the kept voltage curves (cycles 1, 2, 5, 10, 20, 50, 100) of one
    /// microstructure at one pressure, run once for all rows and figures that need them.
    static let zhouCycling: [String: SharedComputation<(cycles: [CycleSummary], series: TimeSeries)>] = {
        var runs: [String: SharedComputation<(cycles: [CycleSummary], series: TimeSeries)>] = [:]
        for microstructure in ["fine", "coarse"] {
            for pressure in zhouPressures {
                runs[zhouKey(microstructure, pressure)] = SharedComputation { context in
                    let parameters = try context.parameters("zhou2025-ncm811-lpsc-\(microstructure)",
                                                            ["Stack pressure [MPa]": .number(pressure)])
                    var options = SimulationOptions()
                    options.keptCycles = .plotSelection
                    let result = try context.run(parameters, zhouCycle, cycles: zhouCycles, options: options)
                    return (result.cycles, result.timeSeries)
                }
            }
        }
        return runs
    }()

    static func zhouKey(_ microstructure: String, _ pressure: Double) -> String { "\(microstructure)@\(pressure)" }

    static func zhouCyclingRun(_ context: ValidationContext, _ microstructure: String, _ pressure: Double) throws
        -> (cycles: [CycleSummary], series: TimeSeries) {
        try zhouCycling[zhouKey(microstructure, pressure)]!.value(context)
    }

    static func zhou2025Cycling() -> [ValidationCase] {
        let retention: [(String, [Double])] = [("coarse", [84.0, 74.3, 63.3]), ("fine", [90.3, 88.9, 85.6])]
        var cases: [ValidationCase] = []
        for (microstructure, published) in retention {
            for (pressure, value) in zip(zhouPressures, published) {
                cases.append(ValidationCase(
                    group: zhouCyclingGroup, quantity: "capacity retention after 100 cycles, \(microstructure), \(Int(pressure)) MPa",
                    source: zhouSource, unit: "%", published: value, tolerance: .absolute(4)) { context in
                    try zhouCyclingRun(context, microstructure, pressure).cycles.last.orThrow("no cycles").retention
                })
            }
        }
        for (microstructure, rise) in [("fine", 34.0), ("coarse", 545)] {
            cases.append(ValidationCase(
                group: zhouCyclingGroup,
                quantity: "rise of the CAM|SE interfacial resistance (top of charge) over 100 cycles, \(microstructure), 2 MPa",
                // The fine cell's rise set the oxidation rate; the coarse cell's is the same law's prediction.
                source: zhouSource, unit: "Ohm", published: rise, tolerance: .factor(3)) { context in
                let cycles = try zhouCyclingRun(context, microstructure, 2).cycles
                return try cycles.last.orThrow("no cycles").interfacialResistanceAfterCharge - cycles[0].interfacialResistanceAfterCharge
            })
        }
        return cases
    }

    static func zhou2025Figures() -> [ValidationFigure] {
        let retention = ValidationFigure(
            group: zhouCyclingGroup, file: "zhou2025-capacity-vs-cycle.svg",
            caption: "Discharge capacity vs cycle at 0.1C, fine and coarse at 30 / 10 / 2 MPa; the dots at cycle 100 are the published retentions applied to the simulated first cycle") { context in
            var curves: [SVGPlot.Curve] = []
            var markers: [SVGPlot.Curve] = []
            let published = ["fine": [90.3, 88.9, 85.6], "coarse": [84.0, 74.3, 63.3]]
            for microstructure in ["fine", "coarse"] {
                for (index, pressure) in zhouPressures.enumerated() {
                    let cycles = try zhouCyclingRun(context, microstructure, pressure).cycles
                    let colour = SVGPlot.palette[curves.count % SVGPlot.palette.count]
                    curves.append(SVGPlot.Curve(label: "\(microstructure), \(Int(pressure)) MPa",
                                                segments: [cycles.map { (x: Double($0.cycle), y: $0.specificDischargeCapacity) }],
                                                colour: colour))
                    let target = published[microstructure]![index] / 100 * cycles[0].specificDischargeCapacity
                    markers.append(SVGPlot.Curve(label: nil, segments: [[(x: Double(zhouCycles), y: target)]], colour: colour,
                                                 dotsOnly: true))
                }
            }
            return SVGPlot.plot(curves + markers, xTitle: "Cycle", yTitle: "Discharge capacity [mA.h/g]")
        }
        let voltage = ValidationFigure(
            group: zhouCyclingGroup, file: "zhou2025-voltage-2MPa.svg",
            caption: "Voltage vs charge passed in cycles 1, 10 and 100 at 2 MPa, fine and coarse") { context in
            var curves: [SVGPlot.Curve] = []
            for microstructure in ["fine", "coarse"] {
                let series = try zhouCyclingRun(context, microstructure, 2).series
                for cycle in [1, 10, 100] {
                    let samples = series.cycle.indices.filter { series.cycle[$0] == cycle }
                    let steps = Dictionary(grouping: samples) { series.step[$0] }.sorted { $0.key < $1.key }
                    curves.append(SVGPlot.Curve(
                        label: "\(microstructure), cycle \(cycle)",
                        segments: steps.map { $0.value.map { (x: series.dischargeCapacity[$0] * 1000, y: series.voltage[$0]) } },
                        colour: SVGPlot.palette[curves.count % SVGPlot.palette.count]))
                }
            }
            return SVGPlot.plot(curves, xTitle: "Discharge capacity within the cycle [mA.h]", yTitle: "Voltage [V]")
        }
        return [retention, voltage]
    }
}
