import CellPhysics
import DAESolver
import Foundation
import Parameters

// Interface double layers: the capacitive current of the CAM|SE interface and of the foil|SE
// interface. Present only when their capacities are given (> 0); without them the model has no
// extra unknowns and none of the terms below is evaluated.
//
// Positive composite, per composite cell j, a differential unknown ψ_j, the voltage across the
// contacted CAM|SE interface, with the algebraic row
//
//     ψ_j − (φ_s,j − φ_e,j) = 0,
//
// and the charging current a_dl,j C_dl ψ̇_j [A m⁻³] added to the ionic balance (as a source, like
// the faradaic a φ j) and subtracted from the electronic one:
//
//     ∂/∂x(κ_eff ∂φ_e/∂x) = −Σ_k a_k φ_k j_k − a_dl C_dl ψ̇,     a_dl = Σ_k a_k φ_k,
//     ∂/∂x(σ_eff ∂φ_s/∂x) =  Σ_k a_k φ_k j_k + a_dl C_dl ψ̇.
//
// a_dl is the contacted CAM|SE area per unit volume — the same area that carries the faradaic
// current (isolated particles and voids hold no double layer), so the arc's time constant
// R_ct C_dl a_dl A L does not depend on the contact. With contact mechanics a_dl follows the state
// (pressure, mean stoichiometry) and the Jacobian carries ∂a_dl/∂y C_dl ψ̇. The surface flux of
// the particles stays faradaic only. ψ is the differential variable and φ_s − φ_e follows it
// through the algebraic row, so the DAE stays index 1: at a step change of the current, IDACalcIC
// keeps ψ (hence the interface overpotential) and the step's current first charges the double
// layer. A composite cell with no contacted area at all (a_dl = 0) leaves ψ̇ undetermined: give
// such a cell no capacity.
//
// Negative foil, one differential unknown η_n, the foil's interface overpotential, so that the
// foil's Butler–Volmer law becomes
//
//     i = 2 i₀,Li sinh(F η_n / 2RT) + C_n η̇_n,     φ_e(0) = −i L_n/σ_n − η_n − U_n
//
// (without a capacity η_n is eliminated: η_n = (2RT/F) asinh(i / 2i₀,Li)); both cases go through
// ``LithiumFoil`` (``P2DModel/foilBoundary(_:)``).
//
// Layout: ψ_0 … ψ_{Np−1} then η_n, after the scalar unknowns (current, capacity, pressure) and the
// interphase films.

extension Layout {
    /// Index of the first interface unknown (after current, capacity counter, pressure and the films).
    var interfaceStart: Int { filmStart + (films ? np * classes : 0) }
    var interfaceUnknowns: Int { (positiveDoubleLayer ? np : 0) + (foilDoubleLayer ? 1 : 0) }
    var hasInterfaceUnknowns: Bool { positiveDoubleLayer || foilDoubleLayer }
    /// ψ of composite cell j (only with a positive double layer).
    @inline(__always) func doubleLayer(_ j: Int) -> Int { interfaceStart + j }
    /// η_n (only with a foil double layer).
    var foilOverpotentialIndex: Int { interfaceStart + (positiveDoubleLayer ? np : 0) }
    func isInterfaceUnknown(_ index: Int) -> Bool { index >= interfaceStart && index < interfaceStart + interfaceUnknowns }
}

/// Positions in the Jacobian value array of the interface entries (−1 where the layer is absent).
struct InterfaceSlots: Sendable {
    /// Per composite cell j: ionic row × ψ_j, electronic row × ψ_j, ψ row × (ψ_j, φ_s,j, φ_e,j).
    var electrolyteDoubleLayer: [Int] = [], electrodeDoubleLayer: [Int] = []
    var doubleLayerDoubleLayer: [Int] = [], doubleLayerElectrode: [Int] = [], doubleLayerElectrolyte: [Int] = []
    /// First ionic row × η_n, η_n row × (η_n, i).
    var electrolyteFoil = -1, foilFoil = -1, foilCurrent = -1

    /// The structural non-zeros the interface rows and columns add.
    static func entries(_ l: Layout) -> [(row: Int, column: Int)] {
        var entries: [(row: Int, column: Int)] = []
        if l.positiveDoubleLayer {
            for j in 0..<l.np {
                let psi = l.doubleLayer(j), e = l.electrodeStart + j, ionic = l.ns + j
                entries += [(ionic, psi), (e, psi), (psi, psi), (psi, e), (psi, ionic)]
            }
        }
        if l.foilDoubleLayer {
            let q = l.foilOverpotentialIndex
            entries += [(0, q), (q, q), (q, l.currentIndex)]
        }
        return entries
    }

    init(_ l: Layout, _ pattern: SparsityPattern) {
        func slot(_ row: Int, _ column: Int) -> Int { pattern.slot(row: row, column: column) ?? -1 }
        if l.positiveDoubleLayer {
            electrolyteDoubleLayer = (0..<l.np).map { slot(l.ns + $0, l.doubleLayer($0)) }
            electrodeDoubleLayer = (0..<l.np).map { slot(l.electrodeStart + $0, l.doubleLayer($0)) }
            doubleLayerDoubleLayer = (0..<l.np).map { slot(l.doubleLayer($0), l.doubleLayer($0)) }
            doubleLayerElectrode = (0..<l.np).map { slot(l.doubleLayer($0), l.electrodeStart + $0) }
            doubleLayerElectrolyte = (0..<l.np).map { slot(l.doubleLayer($0), l.ns + $0) }
        }
        if l.foilDoubleLayer {
            let q = l.foilOverpotentialIndex
            electrolyteFoil = slot(0, q)
            foilFoil = slot(q, q)
            foilCurrent = slot(q, l.currentIndex)
        }
    }
}

extension P2DModel {
    /// Contacted CAM|SE area per unit volume of composite cell j, a_dl = Σ_k a_k φ_jk [m⁻¹]
    /// (from the contact fractions of the last reaction update).
    @inline(__always)
    func contactedArea(cell j: Int) -> Double {
        let K = classCount
        var area = 0.0
        for k in 0..<K { area += classArea[k] * contactValue[j * K + k] }
        return area
    }

    /// Adds the double-layer charging currents to the charge balances and writes the interface rows.
    /// Called after the rest of the residual (and its reaction update).
    func addInterfaceResidual(_ y: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>,
                              into r: UnsafeMutableBufferPointer<Double>) {
        let ns = mesh.separatorCells
        if layout.positiveDoubleLayer {
            let capacity = parameters.positiveDoubleLayerCapacity
            for j in 0..<mesh.positiveCells {
                let psi = layout.doubleLayer(j), e = electrodeStart + j
                let charging = capacity * contactedArea(cell: j) * yp[psi]
                r[ns + j] += charging
                r[e] -= charging
                r[psi] = y[psi] - (y[e] - y[ns + j])
            }
        }
        if layout.foilDoubleLayer {
            let q = layout.foilOverpotentialIndex
            // (× φ_a, the contacted area, with the lithium contact law: P2DModel+NegativeInterface.swift)
            let contact = negativeContactFraction(y)
            r[q] = contact * (parameters.negativeDoubleLayerCapacity * yp[q] + foil.current(overpotential: y[q]).value) - y[currentIndex]
        }
    }

    /// Adds the interface terms of J = ∂F/∂y + c_j ∂F/∂ẏ (after the rest of the Jacobian).
    func addInterfaceJacobian(_ y: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>, cj: Double,
                              into values: UnsafeMutableBufferPointer<Double>) {
        let s = slots, d = interfaceSlots
        let K = classCount, nr = layout.nr
        if layout.positiveDoubleLayer {
            let capacity = parameters.positiveDoubleLayerCapacity
            for j in 0..<mesh.positiveCells {
                let area = contactedArea(cell: j)
                values[d.electrolyteDoubleLayer[j]] += cj * capacity * area
                values[d.electrodeDoubleLayer[j]] -= cj * capacity * area
                values[d.doubleLayerDoubleLayer[j]] += 1
                values[d.doubleLayerElectrode[j]] -= 1
                values[d.doubleLayerElectrolyte[j]] += 1
                // ∂(a_dl C ψ̇)/∂y through the contact fractions (mechanics only).
                let charging = capacity * yp[layout.doubleLayer(j)]
                guard charging != 0 && contactFollowsLithiation else { continue }
                for k in 0..<K {
                    let reaction = j * K + k
                    let dPressure = charging * classArea[k] * contactDPressure[reaction]
                    values[s.electrolytePressure[j]] += dPressure
                    values[s.electrodePressure[j]] -= dPressure
                    let dMean = charging * classArea[k] * contactDMean[reaction]
                    guard dMean != 0 else { continue }
                    let particle = particles[k]
                    let base = reaction * nr
                    for m in 0..<nr where s.electrolyteParticle[base + m] >= 0 {
                        values[s.electrolyteParticle[base + m]] += dMean * particle.volume(m)
                        values[s.electrodeParticle[base + m]] -= dMean * particle.volume(m)
                    }
                }
            }
        }
        if layout.foilDoubleLayer {
            let q = layout.foilOverpotentialIndex
            // Ionic row 0 holds −κ₀(φ_e,0 − φ_e(0))/(d₀ w₀): ∂/∂φ_e(0) = κ₀/(d₀ w₀), ∂φ_e(0)/∂η_n = −1.
            values[d.electrolyteFoil] -= faceKappa[0] / faceDistance[0] / mesh.widths[0]
            values[d.foilFoil] += negativeContactFraction(y)
                * (foil.current(overpotential: y[q]).dOverpotential + cj * parameters.negativeDoubleLayerCapacity)
            values[d.foilCurrent] -= 1
        }
    }

    /// Sets ψ_j = φ_s,j − φ_e,j and η_n = 0 in a resting state.
    func setInterfaceVoltagesAtRest(_ y: inout [Double]) {
        if layout.positiveDoubleLayer {
            for j in 0..<mesh.positiveCells {
                y[layout.doubleLayer(j)] = y[electrodeStart + j] - y[mesh.separatorCells + j]
            }
        }
        if layout.foilDoubleLayer { y[layout.foilOverpotentialIndex] = 0 }
    }

    /// Whether the model carries the CAM|SE double layer (ψ unknowns) and the foil's (η_n).
    public var hasPositiveDoubleLayer: Bool { layout.positiveDoubleLayer }
    public var hasFoilDoubleLayer: Bool { layout.foilDoubleLayer }
}

extension P2DModel {
    /// State index of ψ_j, the CAM|SE double-layer voltage of composite cell j (nil without a positive capacity).
    public func doubleLayerIndex(cell j: Int) -> Int? {
        layout.positiveDoubleLayer && (0..<mesh.positiveCells).contains(j) ? layout.doubleLayer(j) : nil
    }

    /// State index of η_n, the foil's interface overpotential (nil without a foil capacity).
    public var foilOverpotentialIndex: Int? { layout.foilDoubleLayer ? layout.foilOverpotentialIndex : nil }
}
