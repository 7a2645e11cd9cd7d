import CellPhysics
import DAESolver

// The anode-free cell, composite | SE | collector (``CellLayout/anodeFree``, docs/MODEL.md §Cell
// layouts): the negative side is lithium plated on the current collector from the composite's
// inventory. One differential unknown, last of all, the plated lithium per area as charge,
//
//     q̇_Li + i = 0        [C m⁻² s⁻¹]    (i > 0, discharge, strips it; i < 0 plates)
//
// so that the lithium in the particles plus A q_Li/F is constant. The plated lithium behaves as the
// foil of the composite | SE | foil cell (same kinetics, contact law and boundary); when it is used
// up on discharge the step ends ("lithium exhausted at the negative electrode", the root g = q_Li).
// Its absolute tolerance is scaled by 1 C m⁻² (``toleranceScale``'s default).

extension Layout {
    /// Index of q_Li (anode-free cell only).
    var platedLithiumIndex: Int { lithiumContactIndex + contactUnknowns }
}

/// Positions in the Jacobian value array of the q_Li row's entries (−1 where absent).
struct PlatedLithiumSlots: Sendable {
    var lithiumLithium = -1, lithiumCurrent = -1

    static func entries(_ l: Layout) -> [(row: Int, column: Int)] {
        l.platedLithium ? [(l.platedLithiumIndex, l.platedLithiumIndex), (l.platedLithiumIndex, l.currentIndex)] : []
    }

    init(_ l: Layout, _ pattern: SparsityPattern) {
        guard l.platedLithium else { return }
        lithiumLithium = pattern.slot(row: l.platedLithiumIndex, column: l.platedLithiumIndex) ?? -1
        lithiumCurrent = pattern.slot(row: l.platedLithiumIndex, column: l.currentIndex) ?? -1
    }
}

extension P2DModel {
    /// State index of an anode-free cell's plated lithium q_Li [C m⁻²] (nil for other layouts).
    public var platedLithiumIndex: Int? { layout.platedLithium ? layout.platedLithiumIndex : nil }

    /// Lithium plated at an anode-free cell's collector [mol], A q_Li/F (0 for other layouts).
    public func platedLithium(_ y: [Double]) -> Double {
        platedLithiumIndex.map { y[$0] * parameters.totalArea / faradayConstant } ?? 0
    }
}
