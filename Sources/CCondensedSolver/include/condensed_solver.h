// A SUNDIALS direct linear solver for sparse matrices with condensable blocks: index ranges whose
// rows are tridiagonal within the block (the last row may be dense within the block), coupled to no
// other block, only to the remaining "skeleton" unknowns. Each block is eliminated by static
// condensation (O(size) LU without pivoting), the Schur complement on the skeleton is factorised
// either as a bordered band (band LU with partial pivoting, the border by its Schur complement) or,
// when the skeleton has no such structure, with KLU; solves condense the right-hand side, solve the
// skeleton and back-substitute.
// The structural analysis (which entries go where) is done once, in Swift
// (Sources/DAESolver/CondensedLinearSolver.swift), and handed over as one packed index array.
#ifndef SOLIDCELL_CONDENSED_SOLVER_H
#define SOLIDCELL_CONDENSED_SOLVER_H

#include <stdint.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>

/// Positions of the header fields in the packed plan (int64 values); the header has
/// SOLIDCELL_CONDENSED_HEADER entries, array offsets are counted from the plan's start.
enum {
  SOLIDCELL_CONDENSED_N = 0,          // matrix dimension
  SOLIDCELL_CONDENSED_NNZ,            // non-zeros of the full matrix
  SOLIDCELL_CONDENSED_BLOCKS,         // number of blocks
  SOLIDCELL_CONDENSED_NODES,          // unknowns in blocks
  SOLIDCELL_CONDENSED_SKELETON,       // skeleton unknowns
  SOLIDCELL_CONDENSED_SKELETON_NNZ,   // non-zeros of the skeleton (Schur complement) pattern
  SOLIDCELL_CONDENSED_GATHER,         // skeleton-skeleton entries of the full matrix
  SOLIDCELL_CONDENSED_BS_COLUMNS,     // Σ over blocks of skeleton columns its rows touch
  SOLIDCELL_CONDENSED_COUPLING_ROWS,  // Σ over blocks of its rows that touch skeleton columns
  SOLIDCELL_CONDENSED_SB_ROWS,        // Σ over blocks of skeleton rows touching its columns
  SOLIDCELL_CONDENSED_FILL,           // Σ over blocks of (skeleton rows × columns) Schur entries
  SOLIDCELL_CONDENSED_Z,              // Σ over blocks of size × coupling rows (stored A_bb⁻¹ columns)
  SOLIDCELL_CONDENSED_SKELETON_SOLVER, // SOLIDCELL_SKELETON_KLU or SOLIDCELL_SKELETON_BORDERED_BAND
  SOLIDCELL_CONDENSED_BAND,           // bordered band: skeleton unknowns 0..<band are the band, the rest the border
  SOLIDCELL_CONDENSED_BAND_LOWER,     // bordered band: lower half-bandwidth of the band block
  SOLIDCELL_CONDENSED_BAND_UPPER,     // bordered band: upper half-bandwidth
  SOLIDCELL_CONDENSED_SKELETON_VALUES, // length of the skeleton's value array (see FILL_POS)
  // Offsets of the arrays:
  SOLIDCELL_CONDENSED_OFF_BLOCK_FIRST,   // [blocks] first unknown of each block
  SOLIDCELL_CONDENSED_OFF_NODE_PTR,      // [blocks+1] offsets of each block's nodes
  SOLIDCELL_CONDENSED_OFF_DIAG,          // [nodes] slot of (m, m) for rows m < last, −1 else
  SOLIDCELL_CONDENSED_OFF_SUB,           // [nodes] slot of (m, m−1), −1 if absent
  SOLIDCELL_CONDENSED_OFF_SUP,           // [nodes] slot of (m, m+1), −1 if absent
  SOLIDCELL_CONDENSED_OFF_LAST,          // [nodes] slot of (last, m), −1 if absent
  SOLIDCELL_CONDENSED_OFF_DENSE_LAST,    // [blocks] 1 if the last row has entries left of m = n−2
  SOLIDCELL_CONDENSED_OFF_BS_COL_PTR,    // [blocks+1] into the skeleton columns the block's rows touch
  SOLIDCELL_CONDENSED_OFF_BS_COL_SKEL,   // [bs columns] skeleton index of each (ascending per block)
  SOLIDCELL_CONDENSED_OFF_CROW_PTR,      // [blocks+1] into the block's coupling rows
  SOLIDCELL_CONDENSED_OFF_CROW_NODE,     // [coupling rows] row within the block
  SOLIDCELL_CONDENSED_OFF_CROW_ENT_PTR,  // [coupling rows+1] into the row's skeleton entries
  SOLIDCELL_CONDENSED_OFF_CROW_ENT_COL,  // [entries] position of the column in the block's bs columns
  SOLIDCELL_CONDENSED_OFF_CROW_ENT_SKEL, // [entries] skeleton index of the column
  SOLIDCELL_CONDENSED_OFF_CROW_ENT_SLOT, // [entries] slot in the full matrix
  SOLIDCELL_CONDENSED_OFF_SB_ROW_PTR,    // same for the skeleton rows touching the block's columns
  SOLIDCELL_CONDENSED_OFF_SB_ROW_SKEL,
  SOLIDCELL_CONDENSED_OFF_SB_ENT_PTR,
  SOLIDCELL_CONDENSED_OFF_SB_ENT_NODE,   // column within the block
  SOLIDCELL_CONDENSED_OFF_SB_ENT_SLOT,
  SOLIDCELL_CONDENSED_OFF_FILL_PTR,      // [blocks+1] into fill positions
  SOLIDCELL_CONDENSED_OFF_FILL_POS,      // [fill] skeleton value position of (row qi, column pi), row-major:
                                         // the CSC slot with KLU, the bordered-band storage position
                                         // (condensed_solver.c) with the bordered band
  SOLIDCELL_CONDENSED_OFF_Z_PTR,         // [blocks+1] into the stored Z_b = A_bb⁻¹ E (column-major)
  SOLIDCELL_CONDENSED_OFF_GATHER_SRC,    // [gather] slot in the full matrix
  SOLIDCELL_CONDENSED_OFF_GATHER_DST,    // [gather] skeleton value position, as FILL_POS
  SOLIDCELL_CONDENSED_OFF_SKELETON_FULL, // [skeleton] full index of each skeleton unknown
  SOLIDCELL_CONDENSED_OFF_SKELETON_COLPTR, // [skeleton+1] CSC column starts of the skeleton
  SOLIDCELL_CONDENSED_OFF_SKELETON_ROWIND, // [skeleton nnz] CSC row indices of the skeleton
  SOLIDCELL_CONDENSED_HEADER
};

/// How the skeleton is factorised.
enum {
  SOLIDCELL_SKELETON_KLU = 0,           // KLU on the skeleton's CSC pattern
  SOLIDCELL_SKELETON_BORDERED_BAND = 1  // band LU with partial pivoting + dense border
};

/// Counters of one condensed solver.
typedef struct {
  long setups;              // numerical set-ups (block factorisations + skeleton factorisation)
  long solves;
  long full_factorisations; // klu_l_factor calls (the first, and after a poor condition estimate); 0 for the bordered band
  long pivot_failures;      // set-ups refused because a block pivot was zero or tiny, or the skeleton singular
} solidcell_condensed_stats;

/// Creates the solver from a packed plan (copied; the caller may free it afterwards), with KLU's
/// symbolic analysis of the skeleton pattern done here when the plan keeps KLU on the skeleton.
/// Returns NULL if memory, the analysis or the plan's bordered-band sizes fail. Every work array is
/// allocated here: set-up and solve allocate nothing beyond what KLU's own numeric factorisation
/// holds (allocated by the first set-up and reused by refactorisations); the bordered band
/// allocates nothing after this.
SUNLinearSolver solidcell_condensed_create(const int64_t *plan, int64_t plan_length, SUNContext context);

/// The solver's counters (zeros for NULL).
solidcell_condensed_stats solidcell_condensed_get_stats(SUNLinearSolver solver);

#endif
