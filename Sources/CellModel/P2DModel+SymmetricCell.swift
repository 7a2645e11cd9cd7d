import CellPhysics
import DAESolver
import Foundation
import Parameters

// The symmetric lithium cell, foil | SE | foil (``CellLayout/symmetricLithium``, docs/MODEL.md
// §Cell layouts): no composite (np = 0), so the state is the separator's φ_e, i, Q, P and, with the
// contact law, one contact fraction per foil — φ_a at x = 0, then φ_a⁺ at x = L.
//
// Both foils obey the same laws (``LithiumFoil``, ``LithiumInterfaceContact``) with the same
// constants. The current density i (positive on discharge) strips the x = 0 foil and plates the
// x = L foil, which therefore strips −i. The x = 0 foil's metal is the potential reference, as in
// the composite cell; at x = L the ionic flux leaving the separator is the current,
//
//     κ ∂φ_e/∂x |_L = −i      (the last cell's east face, half a cell from its node),
//
// so φ_e(L) = φ_e,N−1 − i (Δx/2)/κ, and the terminal voltage is the x = L metal's potential,
//
//     V = φ_e(L) − B(−i, φ_a⁺, P),     B(i, φ_a, P) = −i L_n/σ_n − η_n(i/φ_a) − U_n − i R_c(φ_a, P)
//
// (B is the SE potential at a foil stripping i: the same function that gives φ_e(0)). At small
// current V = −i (L_s/κ_eff + 2 (RT/F i₀,Li + L_n/σ_n + R_c)): the separator's ohmic drop and two
// interfaces in series. The x = L contact row is φ̇_a⁺ − r(−i, P, φ_a⁺) = 0: stripping at one foil
// is plating at the other.
//
// The foil's entries couple only scalar unknowns and the last separator node: no particle block
// is involved, so the condensed linear solver has nothing to condense and IDASolver falls back to
// KLU on the whole (small) matrix.

extension Layout {
    /// Index of the x = L foil's contact fraction φ_a⁺ (symmetric cell with the contact law).
    var positiveLithiumContactIndex: Int { lithiumContactIndex + 1 }
}

/// Positions in the Jacobian value array of the x = L foil's entries (−1 where absent).
struct PositiveFoilSlots: Sendable {
    /// Last ionic row × i (the boundary flux); control row × (φ_e,N−1, φ_a⁺, P);
    /// φ_a⁺ row × (φ_a⁺, i, P).
    var electrolyteCurrent = -1, controlElectrolyte = -1, controlContact = -1, controlPressure = -1
    var contactContact = -1, contactCurrent = -1, contactPressure = -1

    static func entries(_ l: Layout) -> [(row: Int, column: Int)] {
        guard l.positiveFoil else { return [] }
        let last = l.nx - 1
        var entries = [(last, l.currentIndex), (l.currentIndex, last)]
        if l.lithiumContact {
            let a = l.positiveLithiumContactIndex
            entries += [(l.currentIndex, a), (l.currentIndex, l.pressureIndex), (a, a), (a, l.currentIndex), (a, l.pressureIndex)]
        }
        return entries
    }

    init(_ l: Layout, _ pattern: SparsityPattern) {
        guard l.positiveFoil else { return }
        func slot(_ row: Int, _ column: Int) -> Int { pattern.slot(row: row, column: column) ?? -1 }
        electrolyteCurrent = slot(l.nx - 1, l.currentIndex)
        controlElectrolyte = slot(l.currentIndex, l.nx - 1)
        guard l.lithiumContact else { return }
        let a = l.positiveLithiumContactIndex
        controlContact = slot(l.currentIndex, a)
        controlPressure = slot(l.currentIndex, l.pressureIndex)
        contactContact = slot(a, a)
        contactCurrent = slot(a, l.currentIndex)
        contactPressure = slot(a, l.pressureIndex)
    }
}

extension P2DModel {
    /// Whether the cell is the symmetric foil | SE | foil cell.
    public var isSymmetricCell: Bool { layout.positiveFoil }

    /// State index of the x = L foil's contact fraction (nil unless a symmetric cell with the contact law).
    public var positiveLithiumContactIndex: Int? {
        layout.positiveFoil && layout.lithiumContact ? layout.positiveLithiumContactIndex : nil
    }

    /// B(−i, φ_a⁺, P) = φ_e(L) − V at the x = L foil, which strips −i, and its derivatives in i,
    /// φ_a⁺ and P (docs at the top of this file).
    @inline(__always)
    func positiveFoilBoundary(_ y: UnsafeBufferPointer<Double>)
        -> (value: Double, dCurrent: Double, dContact: Double, dPressure: Double) {
        let i = y[currentIndex]
        if layout.lithiumContact {
            let b = contactedFoilPotential(current: -i, contact: y[layout.positiveLithiumContactIndex], pressure: y[pressureIndex])
            return (b.value, -b.dCurrent, b.dContact, b.dPressure)
        }
        let b = foil.electrolytePotential(current: -i, overpotential: foil.overpotential(current: -i))
        return (b.value, -b.dCurrent, 0, 0)
    }

    /// The symmetric cell's terminal voltage V = φ_e,N−1 − i (Δx/2)/κ − B(−i, φ_a⁺, P) and its
    /// derivatives in φ_e,N−1, i, φ_a⁺ and P.
    @inline(__always)
    func foilTerminalVoltage(_ y: UnsafeBufferPointer<Double>)
        -> (value: Double, dElectrolyte: Double, dCurrent: Double, dContact: Double, dPressure: Double) {
        let nx = mesh.cellCount
        let resistance = faceDistance[nx] / faceKappa[nx]
        let b = positiveFoilBoundary(y)
        return (y[nx - 1] - y[currentIndex] * resistance - b.value, 1, -resistance - b.dCurrent, -b.dContact, -b.dPressure)
    }

    /// The control row's entries for a symmetric cell (I, V or P = I V set).
    func addFoilControlJacobian(_ y: UnsafeBufferPointer<Double>, control: CellControl,
                                into values: UnsafeMutableBufferPointer<Double>) {
        let s = positiveFoilSlots, area = parameters.totalArea, i = y[currentIndex]
        let v = foilTerminalVoltage(y)
        let scale: Double
        switch control {
        case .current:
            values[slots.controlCurrent] += area
            return
        case .voltage: scale = 1
        case .power:
            scale = i * area
            values[slots.controlCurrent] += area * v.value
        case .profile: return  // (instantaneous(at:) is never a profile)
        }
        values[s.controlElectrolyte] += scale * v.dElectrolyte
        values[slots.controlCurrent] += scale * v.dCurrent
        if layout.lithiumContact {
            values[s.controlContact] += scale * v.dContact
            values[s.controlPressure] += scale * v.dPressure
        }
    }

    /// The x = L contact row, φ̇_a⁺ − r(−i, P, φ_a⁺).
    func addPositiveFoilContactResidual(_ y: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>,
                                        into r: UnsafeMutableBufferPointer<Double>) {
        let a = layout.positiveLithiumContactIndex
        r[a] = yp[a] - lithiumContact!.contactRate(current: -y[currentIndex], pressure: y[pressureIndex], contact: y[a]).value
    }

    /// The x = L contact row's entries.
    func addPositiveFoilContactJacobian(_ y: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>, cj: Double,
                                        into values: UnsafeMutableBufferPointer<Double>) {
        let s = positiveFoilSlots, a = layout.positiveLithiumContactIndex
        let rate = lithiumContact!.contactRate(current: -y[currentIndex], pressure: y[pressureIndex], contact: y[a])
        values[s.contactContact] += cj - rate.dContact
        values[s.contactCurrent] += rate.dCurrent
        values[s.contactPressure] -= rate.dPressure
    }

    /// The x = L foil's contact fraction φ_a⁺ (1 without the contact law or a second foil).
    public func positiveContactFraction(_ y: UnsafeBufferPointer<Double>) -> Double {
        positiveLithiumContactIndex.map { y[$0] } ?? 1
    }

    /// The smaller contact fraction of the cell's lithium foils (the x = 0 foil's in a composite cell):
    /// the contact-lost event's quantity.
    public func smallestContactFraction(_ y: UnsafeBufferPointer<Double>) -> Double {
        min(negativeContactFraction(y), positiveContactFraction(y))
    }

    /// The x = L foil|SE interface resistance [Ω], as ``negativeInterfaceResistance(_:)``.
    public func positiveInterfaceResistance(_ y: UnsafeBufferPointer<Double>) -> Double {
        let phi = positiveContactFraction(y)
        let constriction = lithiumContact?.constrictionResistance(contact: phi, pressure: y[pressureIndex]).value ?? 0
        return (1 / (foil.f * foil.exchangeCurrent * phi) + constriction) / parameters.totalArea
    }
}
