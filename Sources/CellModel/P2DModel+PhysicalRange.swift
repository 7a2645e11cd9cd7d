import CellPhysics
import DAESolver
import Parameters

extension P2DModel {
    /// Moves a state that an extrapolation produced back into the physical range: particle
    /// concentrations into [0, c_max] and oxidised charges to ≥ 0. Components inside their range are
    /// left as they are; the algebraic unknowns are not touched (the solver makes them consistent).
    public func keepInPhysicalRange(_ y: inout [Double]) {
        for index in concentrationStart..<currentIndex { y[index] = min(max(y[index], 0), cMax) }
        if layout.lithiumContact {
            for k in 0..<layout.contactUnknowns {
                let index = layout.lithiumContactIndex + k
                y[index] = min(max(y[index], 1e-6), 1)
            }
        }
        guard oxidation != nil else { return }
        for reaction in 0..<(mesh.positiveCells * classCount) { y[layout.film(reaction)] = max(y[layout.film(reaction)], 0) }
    }
}
