import CellPhysics

/// The short-circuit criterion's root function (``LithiumPenetrationCriterion``, docs/MODEL.md
/// §Short circuit): the margin g = 1 − i⁻/(φ_a i_p) of the plating foil, the smaller of the two foils'
/// in a symmetric cell (the x = 0 foil plates −i, the x = L foil plates i).
public struct PenetrationMargin {
    public var value: Double
    /// ∂g/∂i and ∂g/∂φ_a of the foil that sets g, with the index of its φ_a (nil without the contact law).
    public var dCurrent: Double
    public var dContact: Double
    public var currentIndex: Int
    public var contactIndex: Int?

    /// ∂g/∂y · v.
    public func derivative(along v: [Double]) -> Double {
        dCurrent * v[currentIndex] + (contactIndex.map { dContact * v[$0] } ?? 0)
    }
}

extension P2DModel {
    /// The margin of the short-circuit criterion at state y (docs on ``PenetrationMargin``). Allocates nothing.
    public func penetrationMargin(_ criterion: LithiumPenetrationCriterion, _ y: UnsafeBufferPointer<Double>) -> PenetrationMargin {
        let i = y[currentIndex]
        let a = lithiumContactIndex
        let near = criterion.margin(current: i, contact: negativeContactFraction(y))
        var margin = PenetrationMargin(value: near.value, dCurrent: near.dCurrent, dContact: near.dContact,
                                       currentIndex: currentIndex, contactIndex: a)
        if isSymmetricCell {
            let far = criterion.margin(current: -i, contact: positiveContactFraction(y))
            if far.value < near.value {
                margin = PenetrationMargin(value: far.value, dCurrent: -far.dCurrent, dContact: far.dContact,
                                           currentIndex: currentIndex, contactIndex: positiveLithiumContactIndex)
            }
        }
        return margin
    }
}
