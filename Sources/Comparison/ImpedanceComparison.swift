import DAESolver
import Foundation
import Impedance
import MeasuredData
import Parameters
import Simulator

/// A measured impedance spectrum against the model's at the same frequencies.
public struct ImpedanceComparisonResult: Sendable {
    public var measured: MeasuredImpedanceSpectrum
    /// The model's spectrum at the measured frequencies, in the file's order.
    public var simulated: ImpedanceSpectrum
    public var stateText: String
    /// √(mean over the frequencies of |Z_sim − Z_meas|²) [Ω]: the complex difference, so that
    /// both the resistance and the reactance count.
    public var impedanceRMSOhm: Double
    /// The largest |Z_sim − Z_meas| [Ω].
    public var impedanceMaxOhm: Double
    /// √(mean of (|Z_sim − Z_meas| / |Z_meas|)²): the difference relative to the measured modulus.
    public var relativeRMS: Double
    /// √(mean of (|Z_sim| − |Z_meas|)²) [Ω]: the difference of the moduli alone.
    public var modulusRMSOhm: Double
}

/// Runs the model's impedance at a measured spectrum's frequencies and compares.
public enum ImpedanceComparison {
    /// The model linearised at rest, at the uniform stoichiometry of `stateOfCharge` (at the model
    /// file's initial concentration when nil), its spectrum at the measured frequencies. With
    /// `sensitivity` (the parameters at θᵢ ± δᵢ) the simulated spectrum carries dZ/dθᵢ
    /// (``ImpedanceSpectrum/impedanceSensitivities``), the rest state's own shift with θ included.
    public static func run(parameters: CellParameters, spectrum: MeasuredImpedanceSpectrum,
                           stateOfCharge: Double?, sensitivity: SensitivityRequest? = nil) throws -> ImpedanceComparisonResult {
        guard spectrum.count > 0 else { throw ComparisonError.noSamples }
        if let k = spectrum.frequency.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw ComparisonError.nonPositiveFrequency(row: k + 1, hertz: spectrum.frequency[k])
        }
        let rest = try ImpedanceAnalysis.restingStateWithSensitivities(parameters: parameters, stateOfCharge: stateOfCharge,
                                                                       sensitivity: sensitivity)
        let simulated = try ImpedanceAnalysis.spectrum(parameters: parameters, state: rest.state, derivative: rest.derivative,
                                                       frequencies: spectrum.frequency, sensitivities: rest.sensitivities)
        let text = stateOfCharge.map { "at rest, SOC \($0)" } ?? "at rest, at the model's initial concentration"
        return compare(measured: spectrum, simulated: simulated, stateText: text)
    }

    /// The metrics of two spectra at the same frequencies.
    public static func compare(measured: MeasuredImpedanceSpectrum, simulated: ImpedanceSpectrum,
                               stateText: String) -> ImpedanceComparisonResult {
        var squares = 0.0, largest = 0.0, relative = 0.0, moduli = 0.0
        for k in 0..<measured.count {
            // The measured Z = Re Z + j Im Z, with Im Z = −(−Im Z).
            let z = Complex(measured.real[k], -measured.minusImaginary[k])
            let difference = (simulated.impedance[k] - z).magnitude
            squares += difference * difference
            largest = max(largest, difference)
            relative += (difference / z.magnitude) * (difference / z.magnitude)
            moduli += (simulated.impedance[k].magnitude - z.magnitude) * (simulated.impedance[k].magnitude - z.magnitude)
        }
        let n = Double(measured.count)
        return ImpedanceComparisonResult(measured: measured, simulated: simulated, stateText: stateText,
                                         impedanceRMSOhm: (squares / n).squareRoot(), impedanceMaxOhm: largest,
                                         relativeRMS: (relative / n).squareRoot(), modulusRMSOhm: (moduli / n).squareRoot())
    }
}
