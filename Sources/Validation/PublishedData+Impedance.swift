import CellModel
import CellPhysics
import Foundation
import Impedance
import Interpolation
import OutputFiles
import Parameters
import Protocols
import Simulator

/// Validation against published impedance (EIS) results.
extension PublishedData {
    static let impedanceGroup = "Zhou 2025: impedance spectra of fresh fine vs coarse cells (EIS, 30 °C, 30 MPa)"

    /// The state Zhou's "fresh" spectra are compared at: the first 0.1C charge to 4.3 V at 30 MPa (as
    /// the kinetic R_ct cases), then an hour's rest so that the cell is at rest when linearised.
    static let freshImpedanceProtocol = "Charge at 0.1C until 4.3 V; Rest for 1 hour"

    /// R_ct [Ω] read off a simulated spectrum as an experimenter reads a Nyquist plot: the width of the
    /// positive electrode's charge-transfer arc (``ImpedanceSpectrum/chargeTransferResistance``), on
    /// 10 frequencies per decade from 1 mHz to 1 MHz.
    static func zhouSpectrumChargeTransferResistance(_ context: ValidationContext, _ microstructure: String) throws -> Double {
        let parameters = try context.parameters("zhou2025-ncm811-lpsc-\(microstructure)", ["Stack pressure [MPa]": .number(30)])
        let result = try context.run(parameters, freshImpedanceProtocol)
        let spectrum = try ImpedanceAnalysis.spectrum(
            parameters: parameters, state: try result.finalState.orThrow("no final state"),
            derivative: result.finalDerivative, contactDamage: result.finalContactDamage, frequencies: FrequencyGrid(minimum: 1e-3, maximum: 1e6, count: 91).frequencies)
        guard let resistance = spectrum.chargeTransferResistance else {
            throw ImpedanceError(message: "the positive electrode's charge-transfer arc does not close between 1 mHz and 1 MHz"
                                 + (parameters.positiveDoubleLayerCapacity > 0 ? "" : " (the model file has no CAM|SE double-layer capacity)"))
        }
        return resistance
    }

    /// Zhou et al. fitted R_ct = 17.3 Ω (coarse) and 9.9 Ω (fine) to the charge-transfer arcs of their
    /// fresh cells' spectra. The ratio is what the microstructure sets (the cells' area and loading are
    /// assumptions, see the model files); the absolute arc widths are listed too.
    static func zhouImpedance() -> [ValidationCase] {
        let source = zhouSource + ", Fig. 1e (equivalent-circuit fit)"
        var cases = [ValidationCase(
            group: impedanceGroup, quantity: "R_ct ratio coarse / fine, from the charge-transfer arcs of the spectra",
            // (The same published resistances as the kinetic R_ct rows, read off the spectra.)
            source: source, unit: "", published: 17.3 / 9.9, tolerance: .relative(0.3)) { context in
            try zhouSpectrumChargeTransferResistance(context, "coarse") / zhouSpectrumChargeTransferResistance(context, "fine")
        }]
        for (microstructure, resistance) in [("fine", 9.9), ("coarse", 17.3)] {
            cases.append(ValidationCase(
                group: impedanceGroup, quantity: "charge-transfer arc width, fresh \(microstructure) cell", source: source,
                unit: "Ohm", published: resistance, tolerance: .relative(0.3)) { context in
                try zhouSpectrumChargeTransferResistance(context, microstructure)
            })
        }
        return cases
    }
}
