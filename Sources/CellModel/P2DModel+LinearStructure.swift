import DAESolver

// The linear structure the condensed solver exploits (DAESolver's CondensedLinearSolver.swift).
//
// Each particle (composite cell j, contact class k) is a radial chain of Nr concentration unknowns
// at contiguous indices `layout.concentration(j, k, 0 ..< Nr)`. Their rows are the finite-volume
// diffusion balance, tridiagonal in the node m, with c_j on the diagonal and the diffusion
// conductances on and off it (diagonally dominant by c_j). Only the surface row (m = Nr − 1)
// couples outside the particle — to the cell's φ_s, φ_e, the stack pressure and the film
// unknown — and, with contact mechanics (the reaction area follows the particle's mean
// stoichiometry), to every node of its own particle: a dense last row. The cell's ionic,
// electronic, film and double-layer rows and the pressure row couple to the particle's nodes,
// which condensation allows. No entry couples two particles, so each particle is a block;
// IDASolver checks all this from the sparsity pattern before it condenses.
extension P2DModel {
    /// One block per particle: the Nr radial concentration unknowns of class k at composite cell j.
    public var condensableBlocks: [Range<Int>] {
        var blocks: [Range<Int>] = []
        blocks.reserveCapacity(layout.np * layout.classes)
        for j in 0..<layout.np {
            for k in 0..<layout.classes {
                let first = layout.concentration(j, k, 0)
                blocks.append(first ..< first + layout.nr)
            }
        }
        return blocks
    }
}
