import DAESolver
import Impedance
import Parameters
import Simulator

extension SVGPlot {
    /// Nyquist plot of an impedance spectrum: −Im Z against Re Z, equal scales on both axes (so an
    /// RC arc is a semicircle), every frequency marked, the −Im Z axis from 0 (or below).
    public static func nyquist(_ spectrum: ImpedanceSpectrum) -> String {
        nyquist([Curve(label: nil, segments: [spectrum.impedance.map { (x: $0.real, y: -$0.imaginary) }])])
    }

    /// Nyquist plot of several spectra, each curve's points (Re Z, −Im Z) [Ω], on the same axes as
    /// the single spectrum's; `note` as in ``plot(_:xTitle:yTitle:markers:equalScale:yFromZero:note:)``.
    public static func nyquist(_ curves: [Curve], note: String? = nil) -> String {
        plot(curves, xTitle: "Re(Z) [Ohm]", yTitle: "-Im(Z) [Ohm]", markers: true, equalScale: true, yFromZero: true, note: note)
    }
}
