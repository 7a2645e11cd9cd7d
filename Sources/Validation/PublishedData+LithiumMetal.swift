import Foundation
import Parameters
import Simulator

/// Validation cases for the lithium-metal side (issue #23): the foil|SE contact law of the bundled
/// `li-lpscl-li-symmetric` against Li | Li6PS5Cl | Li symmetric cells whose numbers could be read in
/// primary text (validation/literature/lithium-metal.md). No fit saw them: they are predictions of
/// the file's uncalibrated ([assumed]) contact constants.
///
/// Singh et al. cycled their cells under no stack pressure beyond the atmosphere's, and pressed the
/// lithium on at 20–265 MPa during fabrication, which the model does not describe (its initial
/// contact is the file's). The rows run the model at atmospheric pressure and 298 K.
///
/// Tolerance: × or ÷ 3 — the order of magnitude. The contact constants (interface capacity, creep
/// prefactor, threshold) are assumed, not measured, so the rows test whether the law gives the
/// right magnitude, not a fitted value.
extension PublishedData {
    static let singhSource = "Singh et al., Cell Rep. Phys. Sci. 3 (2022) 101043, doi 10.1016/j.xcrp.2022.101043"
    static let symmetricModel = "li-lpscl-li-symmetric"
    /// "No stack pressure was applied in addition to the atmospheric pressure" [MPa].
    static let atmosphericPressure = 0.101325

    /// The symmetric cell as Singh cycled it: atmospheric stack pressure, 298 K.
    static func singhCell(_ context: ValidationContext) throws -> CellParameters {
        try context.parameters(symmetricModel, ["Stack pressure [MPa]": .number(atmosphericPressure),
                                                "Ambient temperature [K]": .number(298)])
    }

    /// The critical stripping current density [mA cm⁻²] of Singh's test: 0.3 mA h cm⁻² per
    /// half-cycle, levels from 0.1 to 1.8 mA cm⁻² (the increment is not stated; 0.1 chosen), the
    /// model's contact-loss threshold.
    static func singhCriticalStrippingCurrent(_ context: ValidationContext) throws -> Double {
        var measurement = CriticalCurrentMeasurement()
        measurement.capacity = 0.3
        measurement.startCurrentDensity = 0.1
        measurement.currentDensityStep = 0.1
        measurement.maximumCurrentDensity = 1.8
        let result = try measurement.run(try singhCell(context))
        if let failure = result.simulation.failure { throw failure }
        if result.criticalStrippingCurrentDensity == nil, let short = result.criticalPlatingCurrentDensity {
            throw ValidationCaseError("no contact loss: the cell short-circuited first, at \(short) mA/cm2 (current focusing on the contacted area, docs/MODEL.md §Short circuit)")
        }
        return try result.criticalStrippingCurrentDensity.orThrow("no contact loss up to 1.8 mA/cm2")
    }

    /// Charge stripped [mA h cm⁻²] from one foil at a constant 0.2 mA cm⁻² until its contact is
    /// lost (or the overpotential reaches the file's 1 V guard: Singh's "sudden rise" of the
    /// potential). The run is capped at 50 h (10 mA h cm⁻², short of the 50 µm foil's 10.3): a model that
    /// keeps its contact that long returns the cap, a lower bound outside the tolerance.
    static func singhStrippedChargeBeforeContactLoss(_ context: ValidationContext) throws -> Double {
        let parameters = try singhCell(context)
        let result = try context.run(parameters, "Discharge at 0.2 mA/cm2 for 50 hours")
        let strip = try result.steps.first.orThrow("no stripping step")
        let areaSquareCentimetres = parameters.electrodeArea * 1e4
        return strip.dischargedCharge * 1000 / areaSquareCentimetres  // A h → mA h per cm²
    }

    static let duanSource = "Duan et al., Materials Today (2023), doi 10.1016/j.mattod.2023.10.003"

    /// Hours until Duan's Li | Li6PS5Cl | Li cell short-circuits when cycled at 0.3 mA cm⁻² and
    /// 0.3 mA h cm⁻² per half-cycle under 15 MPa at 298 K (their 1.5 mm pellet of 2.8 mS cm⁻²).
    /// The run is capped at 100 cycles (200 h): a model that does not short by then returns the cap,
    /// a lower bound outside the tolerance.
    static func duanHoursToShortCircuit(_ context: ValidationContext) throws -> Double {
        let parameters = try context.parameters(symmetricModel, ["Stack pressure [MPa]": .number(15), "Ambient temperature [K]": .number(298),
                                                                  "Separator thickness [m]": .number(1.5e-3), "Electrolyte conductivity [S.m-1]": .number(0.28)])
        let result = try context.run(parameters, "Discharge at 0.3 mA/cm2 for 1 hour; Charge at 0.3 mA/cm2 for 1 hour", cycles: 100)
        let last = try result.steps.last.orThrow("no step")
        return last.endTime / 3600
    }

    static func lithiumMetal() -> [ValidationCase] {
        let group = "Li | Li6PS5Cl | Li symmetric cells: contact loss on stripping, no stack pressure (Singh 2022, 298 K)"
        return [
            // "dominated by contact loss … beginning at 0.4 mA cm−2" (lithium attached at 20 MPa).
            ValidationCase(group: group, quantity: "critical stripping current density, 0.3 mAh/cm² per half-cycle",
                           source: singhSource, unit: "mA/cm²", published: 0.4, tolerance: .factor(3),
                           compute: singhCriticalStrippingCurrent),
            // "the potential rises suddenly after ∼15.4 h" at 0.2 mA cm−2: 3.08 mA h cm−2 (lithium attached at 265 MPa).
            ValidationCase(group: group, quantity: "charge stripped at 0.2 mA/cm² until contact loss",
                           source: singhSource, unit: "mAh/cm²", published: 3.08, tolerance: .factor(3),
                           compute: singhStrippedChargeBeforeContactLoss),
            // "LPSCl … only cycled for about around 50 h" at 15 MPa, 0.3 mA cm⁻², 0.3 mAh cm⁻² (Fig. 6c), before it short-circuited.
            ValidationCase(group: "Li | Li6PS5Cl | Li symmetric cell: cycling to short circuit at 15 MPa (Duan 2023, 298 K)",
                           quantity: "hours to short circuit, 0.3 mA/cm², 0.3 mAh/cm² per half-cycle",
                           source: duanSource, unit: "h", published: 50, tolerance: .factor(3),
                           compute: duanHoursToShortCircuit),
        ]
    }
}
