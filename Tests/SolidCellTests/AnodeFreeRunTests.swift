import CellModel
import Foundation
import Parameters
import Protocols
import TestSupport
import Testing
@testable import Simulator

/// An anode-free cell (`"Cell layout": "composite | SE | collector"`) run end to end.
@Suite("Anode-free cell runs")
struct AnodeFreeRunTests {
    static let layout: [String: ParameterValue] = ["Cell layout": .text(CellLayout.anodeFree.rawValue)]

    /// A discharge strips the plated lithium and ends when it is used up, having passed exactly
    /// the plated charge; a further discharge ends at once; a charge plates lithium back and the
    /// cell can discharge again.
    @Test("a discharge ends when the plated lithium is used up, having passed the plated charge")
    func exhaustion() throws {
        let p = try loadModel("zhou2025-ncm811-lpsc-fine", ["Initial concentration in positive electrode [mol.m-3]": 30_000,
                                                           CellParameters.initialLithiumKey: 0.2], values: Self.layout)
        let experiment = try Experiment(parsing: "Discharge at 0.2C until 2.5 V; Discharge at 0.2C until 2.5 V; "
                                        + "Charge at 0.2C for 20 min; Discharge at 0.2C until 2.5 V")
        let result = Simulation(parameters: p, experiment: experiment, cycles: 1).run()
        #expect(result.failure == nil && result.stop == nil)
        #expect(result.steps.map(\.end) == [.lithiumExhausted, .lithiumExhausted, .duration, .lithiumExhausted])
        let plated = 0.2 * 36 * 1000 * p.totalArea / 3600  // 0.2 mA h/cm² over the area [A h]
        #expect(abs(result.steps[0].dischargedCharge - plated) < 1e-6 * plated, "\(result.steps[0].dischargedCharge) A h vs \(plated)")
        #expect(abs(result.steps[1].dischargedCharge) < 1e-9 * plated)
        #expect(abs(result.steps[3].dischargedCharge + result.steps[2].dischargedCharge) < 1e-6 * plated)
        let column = result.timeSeries.columns.first { $0.name == "Plated lithium [mA.h.cm-2]" }
        #expect(column != nil && abs(column!.values[0] - 0.2) < 1e-12)
    }

    @Test("the initial-lithium key belongs to the anode-free layout")
    func keyOfAnotherLayout() throws {
        do {
            _ = try loadModel("zhou2025-ncm811-lpsc-fine", [CellParameters.initialLithiumKey: 0.2])
            Issue.record("accepted")
        } catch let error as ParameterError {
            #expect(error.key == CellParameters.initialLithiumKey && error.description.contains(CellLayout.anodeFree.rawValue))
        }
    }
}
