import CellPhysics
import DAESolver
import Foundation
import Parameters

// The foil|SE contact fraction φ_a (docs/MODEL.md §Lithium interface contact), present when the
// model file gives `"Negative electrode interface capacity [mA.h.cm-2]"`; without it the model has
// no extra unknown and none of the terms below is evaluated.
//
// One differential unknown φ_a, the last of the state vector (after the interface double layers),
// with the row
//
//     φ̇_a − r(i, P, φ_a) = 0,        r = ``LithiumInterfaceContact/contactRate(current:pressure:contact:)``
//
// The contact scales the foil's exchange-current area and adds the constriction resistance R_c in
// series, so the foil boundary value of the SE potential becomes
//
//     φ_e(0) = −i L_n/σ_n − η_n − U_n − i R_c(φ_a, P),    i = 2 i₀,Li φ_a sinh(F η_n/2RT)
//
// (η_n eliminated, η_n = (2RT/F) asinh(i/2i₀,Li φ_a); with a foil double layer, whose capacity is
// then per contacted area, the η_n row is φ_a (C_n η̇_n + 2 i₀,Li sinh(F η_n/2RT)) − i = 0).
//
// φ_a couples only to the scalar unknowns (i, P, η_n) and to the first ionic row, never to a
// particle: it belongs to the skeleton of the condensed linear solve, not to a particle block.
// Its absolute tolerance is scaled by 1 (a fraction), as the default of ``toleranceScale``.

extension Layout {
    /// Index of φ_a (only with the lithium contact law).
    var lithiumContactIndex: Int { interfaceStart + interfaceUnknowns }
}

/// Positions in the Jacobian value array of the φ_a entries (−1 where the law is absent).
struct NegativeInterfaceSlots: Sendable {
    /// φ_a row × (φ_a, i, P); first ionic row × (φ_a, P); η_n row × φ_a (with a foil double layer).
    var contactContact = -1, contactCurrent = -1, contactPressure = -1
    var electrolyteContact = -1, electrolytePressure = -1, foilContact = -1

    static func entries(_ l: Layout) -> [(row: Int, column: Int)] {
        guard l.lithiumContact else { return [] }
        let a = l.lithiumContactIndex
        var entries = [(a, a), (a, l.currentIndex), (a, l.pressureIndex), (0, a), (0, l.pressureIndex)]
        if l.foilDoubleLayer { entries.append((l.foilOverpotentialIndex, a)) }
        return entries
    }

    init(_ l: Layout, _ pattern: SparsityPattern) {
        guard l.lithiumContact else { return }
        func slot(_ row: Int, _ column: Int) -> Int { pattern.slot(row: row, column: column) ?? -1 }
        let a = l.lithiumContactIndex
        contactContact = slot(a, a)
        contactCurrent = slot(a, l.currentIndex)
        contactPressure = slot(a, l.pressureIndex)
        electrolyteContact = slot(0, a)
        electrolytePressure = slot(0, l.pressureIndex)
        if l.foilDoubleLayer { foilContact = slot(l.foilOverpotentialIndex, a) }
    }
}

extension P2DModel {
    /// Whether the model carries the foil|SE contact fraction φ_a.
    public var hasLithiumContact: Bool { layout.lithiumContact }

    /// State index of φ_a (nil without the lithium contact law).
    public var lithiumContactIndex: Int? { layout.lithiumContact ? layout.lithiumContactIndex : nil }

    /// A trial state with φ_a ≤ 0 (a Newton overshoot) or not a number: IDA retries with a smaller step.
    @inline(__always)
    func checkLithiumContact(_ y: UnsafeBufferPointer<Double>) throws {
        let phi = y[layout.lithiumContactIndex]
        guard phi > 0 else { throw NonPhysicalStateError(what: "negative electrode contact fraction", value: phi) }
        if layout.positiveFoil {
            let other = y[layout.positiveLithiumContactIndex]
            guard other > 0 else { throw NonPhysicalStateError(what: "positive electrode contact fraction", value: other) }
        }
    }

    /// φ_e(0) with the contact law, and its derivatives in i, φ_a and P (docs at the top of this file).
    @inline(__always)
    func contactFoilBoundary(_ y: UnsafeBufferPointer<Double>)
        -> (value: Double, dCurrent: Double, dContact: Double, dPressure: Double) {
        let i = y[currentIndex], phi = y[layout.lithiumContactIndex], p = y[pressureIndex]
        guard layout.foilDoubleLayer else { return contactedFoilPotential(current: i, contact: phi, pressure: p) }
        let resistance = lithiumContact!.constrictionResistance(contact: phi, pressure: p)
        let boundary = foil.electrolytePotential(current: i, overpotential: (y[layout.foilOverpotentialIndex], 0))
        return (boundary.value - i * resistance.value, boundary.dCurrent - resistance.value,
                -i * resistance.dContact, -i * resistance.dPressure)
    }

    /// The SE potential at a foil (its metal at 0) that strips the current density i through the
    /// contacted fraction φ_a at the pressure P, without a double layer: −i L_n/σ_n − η_n − U_n − i R_c
    /// with η_n = (2RT/F) asinh(i/2i₀,Li φ_a), and its derivatives in i, φ_a and P.
    @inline(__always)
    func contactedFoilPotential(current i: Double, contact phi: Double, pressure p: Double)
        -> (value: Double, dCurrent: Double, dContact: Double, dPressure: Double) {
        let resistance = lithiumContact!.constrictionResistance(contact: phi, pressure: p)
        // η_n(i/φ_a): ∂η_n/∂φ_a = −(i/φ_a) ∂η_n/∂i.
        let contacted = LithiumFoil(f: foil.f, exchangeCurrent: foil.exchangeCurrent * phi, thickness: foil.thickness,
                                    conductivity: foil.conductivity, openCircuitPotential: foil.openCircuitPotential)
        let eta = contacted.overpotential(current: i)
        let boundary = foil.electrolytePotential(current: i, overpotential: eta)
        return (boundary.value - i * resistance.value, boundary.dCurrent - resistance.value,
                i / phi * eta.dCurrent - i * resistance.dContact, -i * resistance.dPressure)
    }

    /// The φ_a row, φ̇_a − r(i, P, φ_a). Called after the rest of the residual.
    func addNegativeInterfaceResidual(_ y: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>,
                                      into r: UnsafeMutableBufferPointer<Double>) {
        let a = layout.lithiumContactIndex
        r[a] = yp[a] - lithiumContact!.contactRate(current: y[currentIndex], pressure: y[pressureIndex], contact: y[a]).value
        if layout.positiveFoil { addPositiveFoilContactResidual(y, yp, into: r) }
    }

    /// The φ_a entries of J = ∂F/∂y + c_j ∂F/∂ẏ: its own row, and φ_a and P in the first ionic row
    /// through φ_e(0). (The derivative in i of φ_e(0) is the existing foil entry.) Called after the
    /// rest of the Jacobian.
    func addNegativeInterfaceJacobian(_ y: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>, cj: Double,
                                      into values: UnsafeMutableBufferPointer<Double>) {
        let s = negativeInterfaceSlots
        let a = layout.lithiumContactIndex
        let rate = lithiumContact!.contactRate(current: y[currentIndex], pressure: y[pressureIndex], contact: y[a])
        values[s.contactContact] += cj - rate.dContact
        values[s.contactCurrent] -= rate.dCurrent
        values[s.contactPressure] -= rate.dPressure
        // Ionic row 0 holds −κ₀(φ_e,0 − φ_e(0))/(d₀ w₀): ∂/∂φ_e(0) = κ₀/(d₀ w₀).
        let boundary = contactFoilBoundary(y)
        let g = faceKappa[0] / faceDistance[0] / mesh.widths[0]
        values[s.electrolyteContact] += g * boundary.dContact
        values[s.electrolytePressure] += g * boundary.dPressure
        if layout.foilDoubleLayer {
            let q = layout.foilOverpotentialIndex
            values[s.foilContact] += parameters.negativeDoubleLayerCapacity * yp[q] + foil.current(overpotential: y[q]).value
        }
        if layout.positiveFoil { addPositiveFoilContactJacobian(y, yp, cj: cj, into: values) }
    }

    /// φ_a of a state (1 without the contact law).
    public func negativeContactFraction(_ y: UnsafeBufferPointer<Double>) -> Double {
        layout.lithiumContact ? y[layout.lithiumContactIndex] : 1
    }

    /// The voltage the foil side takes [V], −φ_e(0) − U_n = i L_n/σ_n + η_n + i R_c: the foil's ohmic
    /// drop, the charge-transfer overpotential of the contacted area and the constriction drop
    /// (positive while stripping).
    public func negativeInterfaceOverpotential(_ y: UnsafeBufferPointer<Double>) -> Double {
        -foilBoundary(y).value - foil.openCircuitPotential
    }

    /// The foil|SE interface resistance of a state [Ω]: the linearised charge transfer of the
    /// contacted area, 1/(f i₀,Li φ_a), plus the constriction resistance R_c(φ_a, P), over the
    /// cell's area (1/(f i₀,Li) without the contact law).
    public func negativeInterfaceResistance(_ y: UnsafeBufferPointer<Double>) -> Double {
        let phi = negativeContactFraction(y)
        let constriction = lithiumContact?.constrictionResistance(contact: phi, pressure: y[pressureIndex]).value ?? 0
        return (1 / (foil.f * foil.exchangeCurrent * phi) + constriction) / parameters.totalArea
    }
}
