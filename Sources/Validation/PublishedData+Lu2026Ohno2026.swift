import CellModel
import CellPhysics
import Foundation
import Impedance
import Interpolation
import OutputFiles
import Parameters
import Protocols
import Simulator

/// Validation cases for the Li2TiS3 cells of Lu et al. (EES Batteries 2026) and the LTVO cell of
/// Ohno, Ugata & Yabuuchi (J. Mater. Chem. A 2026), on the model files
/// `lu2026-li2tis3-lpscb-liin{,-14mg}.json` and `ohno2026-ltvo-lpscl-liin.json`.
///
/// The protocols follow what the papers' text states; what it does not state is chosen here and
/// said so. Voltage windows come from the model files' cut-offs (cell voltage vs Li–In).
extension PublishedData {
    static let luSource = "Lu et al., EES Batteries (2026), doi 10.1039/d6eb00013d"
    static let ohnoSource = "Ohno, Ugata, Yabuuchi, J. Mater. Chem. A 14 (2026) 385"
    static let luModel = "lu2026-li2tis3-lpscb-liin"
    static let ohnoModel = "ohno2026-ltvo-lpscl-liin"

    /// One CC charge and discharge per rate across the model's window, in the order of Lu's rate
    /// test: "Discharge capacities of 483.1, 412.7, and 263.6 mAh g−1 were achieved at discharge
    /// rates of 0.1C, 0.5C, and 1C … Upon reversing the C-rate, a reversible capacity of 451.2 mAh g−1
    /// was attained at 0.2C". Not stated, and chosen: charge at the same rate as the discharge (the
    /// charge–discharge curves "at varying rates", Fig. S5), no rests or constant-voltage holds, a 0.2C
    /// step between 0.1C and 0.5C, one cycle per rate (the simulated capacity at a rate is the same
    /// in the first and third cycle), and charge first from the as-assembled Li2TiS3.
    static let luRates = ["0.1C", "0.2C", "0.5C", "1C", "0.2C"]

    /// Ohno's "50 mA g−1 at 50 °C" test, CC: two cycles at 50 mA/g (the second is the "reversible"
    /// capacity) and then one at 100 mA/g. Not stated, and chosen: charge at the discharge rate, no
    /// rests, the 100 mA/g cycle (Fig. S18) on the same cell after the 50 mA/g cycles.
    static let ohnoRates = ["50 mA/g", "50 mA/g", "100 mA/g"]

    /// "Charge at r until V_max; Discharge at r until V_min" for each rate r, with the model's cut-offs.
    static func cycleProtocol(_ rates: [String], _ parameters: CellParameters) -> String {
        rates.map { "Charge at \($0) until \(parameters.upperVoltageCutoff) V; Discharge at \($0) until \(parameters.lowerVoltageCutoff) V" }
            .joined(separator: "; ")
    }

    /// Discharge capacity [mA h g⁻¹ of active material] of the discharge of cycle `index` (0-based)
    /// of a ``cycleProtocol(_:_:)`` run: step 2 index + 1, numbered from 0.
    static func specificDischargeCapacity(_ result: SimulationResult, cycle index: Int, _ parameters: CellParameters) -> Double {
        result.steps[2 * index + 1].dischargedCharge / parameters.positiveActiveMaterialMass  // A h kg⁻¹ = mA h g⁻¹
    }

    /// Relative rise [%] of the stack pressure during the second 0.5C charge (after a first charge
    /// and discharge across the window): (max P − P at its start) / P at its start. The cycle of
    /// Lu's Fig. 5 is not specified; 0.5C is the rate of their cycling tests.
    static func luPressureRise(_ context: ValidationContext, model: String) throws -> Double {
        let parameters = try context.parameters(model)
        let result = try context.run(parameters, cycleProtocol(["0.5C"], parameters) + "; Charge at 0.5C until \(parameters.upperVoltageCutoff) V")
        let series = result.timeSeries
        let charge = series.step.indices.filter { series.step[$0] == 3 }
        let start = try charge.first.map { series.stackPressure[$0] }.orThrow("no samples in the second charge")
        let peak = charge.map { series.stackPressure[$0] }.max()!
        return 100 * (peak - start) / start
    }

    /// The specific discharge capacity [mA h g⁻¹] of every cycle of a rate test (one cycle per rate,
    /// ``cycleProtocol(_:_:)``), computed once for all the rows that read it.
    static func rateCapacities(model: String, rates: [String]) -> SharedComputation<[Double]> {
        SharedComputation { context in
            let parameters = try context.parameters(model)
            let result = try context.run(parameters, cycleProtocol(rates, parameters))
            return rates.indices.map { specificDischargeCapacity(result, cycle: $0, parameters) }
        }
    }

    static func lu2026() -> [ValidationCase] {
        let group = "Lu 2026: Li2TiS3 | LPSCB | Li–In rate capability (7.6 mg/cm², 25 °C, 0.9–2.4 V vs Li–In)"
        let rateTest = rateCapacities(model: luModel, rates: luRates)
        var cases: [ValidationCase] = []
        for (index, published, label) in [(0, 483.1, "0.1C"), (2, 412.7, "0.5C"), (3, 263.6, "1C"), (4, 451.2, "0.2C after 1C")] {
            cases.append(ValidationCase(group: group, quantity: "discharge capacity at \(label)", source: luSource,
                                        unit: "mA.h/g", published: published, tolerance: .relative(0.1)) { context in
                try rateTest.value(context)[index]
            })
        }
        let pressureGroup = "Lu 2026: stack-pressure rise during charge, constant-gap fixture (Li–In expansion)"
        cases.append(ValidationCase(group: pressureGroup, quantity: "7.6 mg/cm², 0.5C charge",
                                    source: luSource, unit: "%", published: 2.1, tolerance: .relative(0.2)) { context in
            try luPressureRise(context, model: luModel)
        })
        cases.append(ValidationCase(group: pressureGroup, quantity: "14 mg/cm², 0.5C charge",
                                    source: luSource, unit: "%", published: 3.6, tolerance: .relative(0.2)) { context in
            try luPressureRise(context, model: luModel + "-14mg")
        })
        return cases
    }

    /// Retention [% of the best cycle so far] after each of `checkpoints` cycles of constant-current
    /// cycling at `rate` across the model's window, from one run of the last checkpoint's length.
    static func retentionOfMaximum(_ context: ValidationContext, model: String, rate: String, checkpoints: [Int]) throws -> [Double] {
        let parameters = try context.parameters(model)
        var options = SimulationOptions()
        options.keptCycles = .plotSelection
        let result = try context.run(parameters, cycleProtocol([rate], parameters), cycles: checkpoints.max()!, options: options)
        return checkpoints.map { result.cycles[$0 - 1].retentionOfMaximum }
    }

    /// Lu's 0.5C cycling: retention relative to the peak capacity (the cells activate over the
    /// first ~60 cycles, which the model does not describe; its peak is its first cycles).
    static func lu2026Cycling() -> [ValidationCase] {
        let group = "Lu 2026: Li2TiS3 cycling at 0.5C, 0.9–2.4 V vs Li–In (contact fatigue under the anode-driven stack-stress swing, accelerated by current crowding)"
        let high = SharedComputation { context in
            try retentionOfMaximum(context, model: luModel + "-14mg", rate: "0.5C", checkpoints: [200, 400])
        }
        return [
            ValidationCase(group: group, quantity: "14 mg/cm², retention of the peak after 200 cycles",
                           source: luSource, unit: "%", published: 90.3, tolerance: .absolute(6)) { try high.value($0)[0] },
            ValidationCase(group: group, quantity: "14 mg/cm², retention of the peak after 400 cycles",
                           source: luSource, unit: "%", published: 67.2, tolerance: .absolute(6)) { try high.value($0)[1] },
            ValidationCase(group: group, quantity: "7.6 mg/cm², retention of the peak after 200 cycles",
                           source: luSource, unit: "%", published: 96.22, tolerance: .absolute(6)) { context in
                try retentionOfMaximum(context, model: luModel, rate: "0.5C", checkpoints: [200])[0]
            },
        ]
    }

    static func ohno2026() -> [ValidationCase] {
        let group = "Ohno 2026: LTVO | Li5.5PS4.5Cl1.5 | Li–In below 0.5 MPa (50 °C)"
        let rateTest = rateCapacities(model: ohnoModel, rates: ohnoRates)
        let rates = [(1, 220.0, "50 mA/g"), (2, 150, "100 mA/g")].map { index, published, rate in
            ValidationCase(group: group, quantity: "reversible discharge capacity at \(rate)", source: ohnoSource,
                           unit: "mA.h/g", published: published, tolerance: .relative(0.1)) { context in
                try rateTest.value(context)[index]
            }
        }
        // "90 % retention after 270 cycles" at 50 mA/g; ±4 points as for Zhou (the paper states no scatter).
        let cycling = ValidationCase(group: group, quantity: "retention of the best cycle after 270 cycles at 50 mA/g",
                                     source: ohnoSource, unit: "%", published: 90, tolerance: .absolute(4)) { context in
            try retentionOfMaximum(context, model: ohnoModel, rate: "50 mA/g", checkpoints: [270])[0]
        }
        return rates + [cycling]
    }
}
