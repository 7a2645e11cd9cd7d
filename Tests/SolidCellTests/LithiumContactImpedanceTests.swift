import Foundation
import CellModel
import DAESolver
import Parameters
import TestSupport
import Testing
@testable import Impedance

/// The foil's arc in the impedance spectrum follows the foil|SE contact fraction.
@Suite("Lithium interface contact in impedance spectra")
struct LithiumContactImpedanceTests {
    /// At rest without creep (so that a partly lost contact is a steady state), the negative
    /// electrode's part of the spectrum, Z − Z_positive, below the foil arc's frequency (≈ 1 kHz with
    /// C_n = 0.05 F m⁻², i₀,Li = 10 A m⁻²) is the foil's charge-transfer resistance 1/(f i₀,Li φ_a A):
    /// it doubles from φ_a = 1 to ½, and matches the model's interface resistance read-out.
    @Test("the anode arc doubles when half the foil's contact is lost")
    func arcGrowsAsContactFalls() throws {
        var widths: [Double] = []
        for contact in [1.0, 0.5] {
            let parameters = try loadModel("zhou2025-ncm811-lpsc-coarse", [
                NegativeInterfaceParameters.capacityKey: 0.2, "Negative electrode creep rate at 1 MPa [s-1]": 0,
                "Negative electrode creep stress exponent": 6.6, "Negative electrode creep activation energy [J.mol-1]": 37_000,
                "Negative electrode initial contact fraction": contact, "Number of particle contact classes": 3])
            let (state, derivative) = try ImpedanceAnalysis.restingState(parameters: parameters, stateOfCharge: 0.5)
            let spectrum = try ImpedanceAnalysis.spectrum(parameters: parameters, state: state, derivative: derivative,
                                                          frequencies: [1, 1e7])
            let low = spectrum.impedance[0] - spectrum.positiveElectrodeImpedance[0]
            let high = spectrum.impedance[1] - spectrum.positiveElectrodeImpedance[1]
            let width = low.real - high.real
            let model = P2DModel(parameters: parameters)
            let expected = state.withUnsafeBufferPointer { model.negativeInterfaceResistance($0) }
            #expect(abs(width - expected) < 1e-3 * expected, "arc \(width) Ω, interface resistance \(expected) Ω at φ_a = \(contact)")
            widths.append(width)
        }
        #expect(abs(widths[1] / widths[0] - 2) < 2e-3)
        print("foil arc width at φ_a = 1 and ½: \(widths) Ω")
    }
}
