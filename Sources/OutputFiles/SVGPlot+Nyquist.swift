import DAESolver
import Impedance
import Parameters
import Simulator

extension SVGPlot {
    /// Nyquist plot of an impedance spectrum: −Im Z against Re Z, equal scales on both axes (so an
    /// RC arc is a semicircle), every frequency marked, the −Im Z axis from 0 (or below).
    public static func nyquist(_ spectrum: ImpedanceSpectrum) -> String {
        let points = spectrum.impedance.map { (x: $0.real, y: -$0.imaginary) }
        return plot([Curve(label: nil, segments: [points])], xTitle: "Re(Z) [Ohm]", yTitle: "-Im(Z) [Ohm]",
                    markers: true, equalScale: true, yFromZero: true)
    }
}
