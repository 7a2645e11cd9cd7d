// Static condensation of tridiagonal (+ dense last row) blocks, then a direct solve of the skeleton.
//
// With the unknowns split into blocks b and the skeleton s, the matrix reads
//
//     [ A_bb  A_bs ] [x_b]   [r_b]
//     [ A_sb  A_ss ] [x_s] = [r_s]
//
// with A_bb block-diagonal (no entry couples two blocks). Then
//
//     S x_s = r_s − A_sb A_bb⁻¹ r_b,      S = A_ss − A_sb A_bb⁻¹ A_bs,
//     x_b = A_bb⁻¹ r_b − (A_bb⁻¹ A_bs) x_s.
//
// Only a few rows of a block touch skeleton unknowns (its "coupling rows" ρ; a particle's surface
// row alone), so A_bs = E_b C_b with E_b the unit columns e_ρ and C_b those rows' skeleton entries,
// and A_bb⁻¹ A_bs = Z_b C_b with Z_b = A_bb⁻¹ E_b: one column per coupling row, not one per
// skeleton unknown. Set-up factorises every A_bb (LU without pivoting, see below), forms what the
// solves need of Z_b, W_b = A_sb Z_b, and subtracts W_b C_b from S on a pattern fixed at
// construction, then factorises S. Solve condenses the right-hand side, solves S and
// back-substitutes x_b = A_bb⁻¹ r_b − Z_b (C_b x_s).
//
// A block of size n has rows 0..n−2 tridiagonal and a last row that may be dense within the block.
// Gaussian elimination without pivoting keeps that shape: eliminating column m uses row m (entries
// m, m+1 after the previous step) on row m+1 (tridiagonal) and on the last row (which only gains an
// update in column m+1), so L has a sub-diagonal plus a dense last row and U is upper bidiagonal:
// O(n) work and storage. No pivoting is needed when rows 0..n−2 are diagonally dominant, as the
// particle diffusion rows of a P2D model are (c_j + diffusion on the diagonal, minus the same
// diffusion off it). The pivots are still checked: a zero, non-finite or tiny pivot (below 1e-13
// of its row's magnitude) refuses the set-up with SUNLS_LUFACT_FAIL, which IDA treats as
// recoverable (it retries with a smaller step, i.e. a larger c_j).
//
// The skeleton S is factorised in one of two ways, chosen once from its pattern (Swift's
// SkeletonOrdering):
//
// - Bordered band: the skeleton unknowns are numbered so that the first nb1 form a band (lower
//   half-bandwidth kl, upper ku) and the last nb2 a dense border,
//
//       S = [ A11  A12 ]      A11 = P L U (band LU, partial pivoting as KLU does it: rows scaled by
//           [ A21  A22 ]      their largest entry, the diagonal kept when within 10⁻³ of the best),
//
//   X = A11⁻¹ A12 and the border's Schur complement A22 − A21 X (dense LU, same pivoting) formed at
//   set-up. The storage, all in skeleton_values, positions given by the plan: A11 in LAPACK's band
//   layout (ld = 2 kl + ku + 1 doubles per column, (i, j) at j ld + kl + ku + i − j, kl rows
//   spare for the fill of row interchanges), then A12 column-major (n1 × n2), A21 row-major
//   (n2 × n1), A22 column-major (n2 × n2). A zero or non-finite pivot refuses the set-up with
//   SUNLS_LUFACT_FAIL.
// - KLU on the skeleton's CSC pattern (klu_l_analyze once, klu_l_refactor per set-up, klu_l_factor
//   at the first set-up and when the condition estimate is poor, as SUNDIALS' KLU does).
#include "condensed_solver.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <suitesparse/klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

typedef int64_t idx;

// What set-up and solves read per block, in one place (the index arrays it summarises stay in the
// plan).
typedef struct {
  idx first, p0, n, low;  // first unknown, first factor node, size, lowest node a skeleton row touches
  idx sb0, sb1;           // skeleton rows touching the block: sb_row_* [sb0, sb1)
  idx cr0, cr1;           // coupling rows: crow_* [cr0, cr1)
  idx z0;                 // offset of the stored columns
  idx w0;                 // offset of the block's A_sb window: (sb1 − sb0) rows × (n − low) nodes
  int dense, partial;
  int complete;           // every sub- and super-diagonal entry of rows 0..n−2 is in the pattern
} block_info;

// A "simple" block, the commonest (a particle without mechanics): partial, last row with entries
// at n − 2 and n − 1 only, one coupling row (the last), skeleton rows reading nodes n − 2 and
// n − 1 only. Solves treat these in a loop of their own with nothing left to decide per block.
typedef struct {
  idx first, p0, last;  // first unknown, first factor node, n − 1
  idx sb0, sb1, w0;     // skeleton rows (sb_row_skel [sb0, sb1)), their two-wide A_sb window
  idx e0, e1;           // the coupling row's skeleton entries: crow_ent [e0, e1)
} simple_block;

#define SMALL_LOOP _Pragma("clang loop unroll(disable) vectorize(disable)")
#define ALWAYS_INLINE inline __attribute__((always_inline))

// The threshold of KLU's partial pivoting: the diagonal is kept while its scaled magnitude is at
// least this fraction of the column's largest.
#define PIVOT_TOLERANCE 1e-3

typedef struct {
  idx *plan;  // own copy of the packed plan
  idx plan_length;
  double rcond_limit;  // SUNDIALS' KLU threshold: unit roundoff^(2/3)
  idx n, nnz, blocks, nodes, skeleton, skeleton_nnz, skeleton_values_count, gather;
  int skeleton_solver;
  const idx *block_first, *node_ptr, *diag, *sub, *sup, *last, *dense_last;
  const idx *bs_col_ptr, *bs_col_skel;
  const idx *crow_ptr, *crow_node, *crow_ent_ptr, *crow_ent_col, *crow_ent_skel, *crow_ent_slot;
  const idx *sb_row_ptr, *sb_row_skel, *sb_ent_ptr, *sb_ent_node, *sb_ent_slot;
  const idx *fill_ptr, *fill_pos, *z_ptr, *gather_src, *gather_dst, *skeleton_full;
  SuiteSparse_long *skeleton_colptr, *skeleton_rowind;  // KLU takes non-const pointers
  // Factors of the blocks, per node: inverse pivots of U, super-diagonal of U, sub-diagonal of L,
  // last row of L.
  double *inv_pivot, *upper, *lower, *last_row;
  double *z;               // per coupling row: A_bb⁻¹ e_ρ, or L⁻¹ e_ρ for partial blocks (column-major per
                           // block; unused for ρ = n − 1 of a partial block, where L⁻¹ e_ρ = e_ρ)
  double *row_work;        // one block's last row during elimination; partial solutions in solves
  double *col_work;        // one column of Z_b during set-up
  block_info *info;
  simple_block *simple;    // the simple blocks, in order
  idx simple_count;
  idx *general;            // indices of the other blocks, in order
  idx general_count;
  idx sb_entries, crow_entries, window_entries;
  double *sb_window;       // per block, A_sb over the nodes low..n−1, dense row-major (zeros stay zero)
  idx *window_dst;         // [sb entries] position in sb_window of each A_sb entry
  double *crow_values;     // C_b entries in crow_ent order, copied at set-up
  double *skeleton_values; // S: in the skeleton's CSC pattern (KLU) or the bordered-band storage
  double *skeleton_rhs;
  // Bordered band (skeleton_solver == SOLIDCELL_SKELETON_BORDERED_BAND).
  idx nb1, nb2, kl, ku, ld;     // band and border sizes, half-bandwidths, band column stride
  idx u_width;                  // upper bandwidth of the last factorisation's U: ku, up to kl + ku after interchanges
  idx off12, off21, off22;      // positions of A12, A21, A22 in skeleton_values
  idx *band_pivot;              // [nb1] row interchanged with row j at step j
  double *band_inv;             // [nb1] inverse diagonal of U
  double *row_scale;            // [skeleton] inverse of each row's largest entry, permuted with the rows
  idx *border_pivot;            // [nb2] as band_pivot, for the border's dense LU
  double *border_inv;           // [nb2]
  idx *border_low, *border_high;  // [nb2] columns of A21's row r that can be non-zero: [low, high)
  // KLU (skeleton_solver == SOLIDCELL_SKELETON_KLU).
  klu_l_common common;
  klu_l_symbolic *symbolic;
  klu_l_numeric *numeric;
  int factored;            // the bordered band holds a factorisation
  sunindextype last_flag;
  solidcell_condensed_stats stats;
} condensed_content;

#define CONTENT(S) ((condensed_content *)((S)->content))

static SUNLinearSolver_Type condensed_gettype(SUNLinearSolver S) { (void)S; return SUNLINEARSOLVER_DIRECT; }
static SUNLinearSolver_ID condensed_getid(SUNLinearSolver S) { (void)S; return SUNLINEARSOLVER_CUSTOM; }

// IDA initialises the linear solver again after every IDAReInit; the pattern never changes, so the
// symbolic analysis and the numeric factorisation are kept (the next set-up refactorises).
static int condensed_initialize(SUNLinearSolver S) { CONTENT(S)->last_flag = SUNLS_SUCCESS; return SUNLS_SUCCESS; }

static sunindextype condensed_lastflag(SUNLinearSolver S) { return CONTENT(S)->last_flag; }

static int condensed_space(SUNLinearSolver S, long *real_words, long *integer_words) {
  condensed_content *c = CONTENT(S);
  *real_words = (long)(4 * c->nodes + c->z_ptr[c->blocks] + c->skeleton_values_count + 2 * c->skeleton +
                       c->window_entries + c->crow_entries);
  *integer_words = (long)(c->plan_length + c->skeleton + 1 + c->skeleton_nnz + c->sb_entries + 3 * c->skeleton);
  return SUNLS_SUCCESS;
}

// The two triangular halves of A_bb⁻¹ for the block whose factors start at node p0 (size n,
// last row L = n − 1). `dense` says whether the last row of L is dense or has only its entry at
// n − 2.

// v = L⁻¹ r (r may be v): rows 0..L−1 have a unit lower bidiagonal L, the last row a dense one.
static inline void block_forward(const condensed_content *c, idx p0, idx n, int dense, const double *r, double *v) {
  const idx L = n - 1;
  const double *lo = c->lower + p0, *g = c->last_row + p0;
  if (L == 0) { v[0] = r[0]; return; }
  double prev = r[0], s;
  v[0] = prev;
  if (dense) {
    s = r[L] - g[0] * prev;
    for (idx m = 1; m < L; m++) {
      prev = r[m] - lo[m] * prev;
      v[m] = prev;
      s -= g[m] * prev;
    }
  } else {
    for (idx m = 1; m < L; m++) {
      prev = r[m] - lo[m] * prev;
      v[m] = prev;
    }
    s = r[L] - g[L - 1] * prev;
  }
  v[L] = s;
}

// t[m] = (U⁻¹ y)[m] for m = L down to `low` (t may be y, then with low = 0 it is U⁻¹ y in place).
static inline void block_backward(const condensed_content *c, idx p0, idx n, idx low, const double *y, double *t) {
  const idx L = n - 1;
  const double *up = c->upper + p0, *ip = c->inv_pivot + p0;
  double next = y[L] * ip[L];
  t[L] = next;
  for (idx m = L - 1; m >= low; m--) {
    next = (y[m] - up[m] * next) * ip[m];
    t[m] = next;
  }
}

// max(a, b) for magnitudes, as one instruction (no NaN semantics: a NaN in a row makes its pivot
// test fail through the comparisons in pivot_ok, or reaches the solution).
static inline double larger(double a, double b) { return a > b ? a : b; }

// A pivot is usable when it is finite and above 1e-13 of its row's magnitude (so not zero).
static inline int pivot_ok(double u, double scale) {
  const double a = fabs(u);
  return a > 1e-13 * scale && a <= DBL_MAX;
}

// Row m of a block's tridiagonal part (entries possibly absent): its pivot u checked against the
// row's magnitude, 1/u and the super-diagonal e stored, and, when row m + 1 is also tridiagonal
// (m + 1 < L), its multiplier and next pivot u ← a(m+1, m+1) − l e. Returns 0 when the pivot is
// unusable, else 1 with e in *e_out.
static inline int eliminate_row(const double *a, const idx *diag, const idx *sub, const idx *sup, idx m, idx L,
                                double *u, double *ip, double *up, double *lo, double *e_out) {
  double scale = fabs(a[diag[m]]);
  const double e = sup[m] >= 0 ? a[sup[m]] : 0.0;
  scale = larger(scale, fabs(e));
  if (sub[m] >= 0) scale = larger(scale, fabs(a[sub[m]]));
  if (!pivot_ok(*u, scale)) return 0;
  const double inv = 1.0 / *u;
  ip[m] = inv;
  up[m] = e;
  if (m + 1 < L) {
    const double l = (sub[m + 1] >= 0 ? a[sub[m + 1]] : 0.0) * inv;
    lo[m + 1] = l;
    *u = a[diag[m + 1]] - l * e;
  }
  *e_out = e;
  return 1;
}

// LU of one block without pivoting (see the top of the file) into the factor arrays; 0 on a zero,
// non-finite or tiny pivot. Complete blocks (every tridiagonal entry present) read their entries
// without checking for absent ones; a block whose last row is not dense only has entries L − 1 and
// L in it, so only those are read and eliminated.
static int block_factor(condensed_content *c, const block_info *bi, const double *a) {
  const idx p0 = bi->p0, n = bi->n, L = n - 1;
  const idx *diag = c->diag + p0, *sub = c->sub + p0, *sup = c->sup + p0, *last = c->last + p0;
  double *ip = c->inv_pivot + p0, *up = c->upper + p0, *lo = c->lower + p0, *g = c->last_row + p0;
  lo[0] = 0.0;
  up[L] = 0.0;
  g[L] = 0.0;
  if (L == 0) {
    const double u = a[last[0]];
    if (!pivot_ok(u, fabs(u))) return 0;
    ip[0] = 1.0 / u;
    return 1;
  }
  if (bi->dense) {
    double *r = c->row_work;
    double last_scale = 0.0;
    for (idx m = 0; m <= L; m++) {
      r[m] = last[m] >= 0 ? a[last[m]] : 0.0;
      last_scale = larger(last_scale, fabs(r[m]));
    }
    double u = a[diag[0]];
    for (idx m = 0; m < L; m++) {
      double e;
      if (!eliminate_row(a, diag, sub, sup, m, L, &u, ip, up, lo, &e)) return 0;
      const double gm = r[m] * ip[m];
      g[m] = gm;
      r[m + 1] -= gm * e;
    }
    u = r[L];
    if (!pivot_ok(u, last_scale)) return 0;
    ip[L] = 1.0 / u;
    return 1;
  }
  // Last row with entries at L − 1 and L only: rows 0..L−1 eliminate among themselves, then row L.
  double u = a[diag[0]];
  if (bi->complete) {
    for (idx m = 0; m < L; m++) {
      const double d = a[diag[m]], e = a[sup[m]];
      double scale = larger(fabs(d), fabs(e));
      if (m > 0) scale = larger(scale, fabs(a[sub[m]]));
      if (!pivot_ok(u, scale)) return 0;
      const double inv = 1.0 / u;
      ip[m] = inv;
      up[m] = e;
      if (m + 1 < L) {
        const double l = a[sub[m + 1]] * inv;
        lo[m + 1] = l;
        u = a[diag[m + 1]] - l * e;
      }
    }
  } else {
    for (idx m = 0; m < L; m++) {
      double e;
      if (!eliminate_row(a, diag, sub, sup, m, L, &u, ip, up, lo, &e)) return 0;
    }
  }
  const double before = last[L - 1] >= 0 ? a[last[L - 1]] : 0.0, corner = a[last[L]];
  const double gm = before * ip[L - 1];
  g[L - 1] = gm;
  u = corner - gm * up[L - 1];
  if (!pivot_ok(u, larger(fabs(before), fabs(corner)))) return 0;
  ip[L] = 1.0 / u;
  return 1;
}

// ---- Bordered band ----

// The pivot of column j among the scaled candidates col[0..km] (col[p] in row j + p, whose scale is
// scale[p]): the diagonal if within PIVOT_TOLERANCE of the largest, else the largest. −1 when the
// largest is zero or not finite.
static inline __attribute__((always_inline)) idx choose_pivot(const double *col, const double *scale, idx km) {
  const double diagonal = fabs(col[0]) * scale[0];
  double best = diagonal;
  idx at = 0;
  for (idx p = 1; p <= km; p++) {
    const double v = fabs(col[p]) * scale[p];
    if (v > best) { best = v; at = p; }
  }
  if (!(best > 0.0 && best <= DBL_MAX)) return -1;
  return diagonal >= PIVOT_TOLERANCE * best ? 0 : at;
}

// scale[i] = max(scale[i], |A11(i, j)|) over the band, the columns whose band is whole with the
// constant widths (kl, kv = kl + ku), the first ku and last kl with their bounds.
static ALWAYS_INLINE void band_scales_k(condensed_content *c, const idx kl, const idx kv) {
  const idx n = c->nb1, ld = c->ld, ku = kv - kl;
  const double *s = c->skeleton_values;
  double *scale = c->row_scale;
  for (idx j = 0; j < n; j++) {
    const double *x = s + j * ld + kv - j;  // x[i] = (i, j)
    if (j >= ku && j + kl < n) {
      for (idx i = j - ku; i <= j + kl; i++) scale[i] = larger(scale[i], fabs(x[i]));
    } else {
      const idx i0 = j - ku > 0 ? j - ku : 0, i1 = j + kl < n - 1 ? j + kl : n - 1;
      for (idx i = i0; i <= i1; i++) scale[i] = larger(scale[i], fabs(x[i]));
    }
  }
}

static void band_scales(condensed_content *c);

// The largest magnitude of each skeleton row (A11, A12 for band rows; A21, A22 for border rows),
// stored inverted in row_scale; 0 when a row is all zero (the skeleton is then singular).
static int skeleton_row_scales(condensed_content *c) {
  const idx n1 = c->nb1, n2 = c->nb2;
  const double *s = c->skeleton_values;
  double *scale = c->row_scale;
  for (idx i = 0; i < n1 + n2; i++) scale[i] = 0.0;
  band_scales(c);
  for (idx col = 0; col < n2; col++) {
    const double *x = s + c->off12 + col * n1;
    for (idx i = 0; i < n1; i++) scale[i] = larger(scale[i], fabs(x[i]));
  }
  for (idx r = 0; r < n2; r++) {
    const double *x = s + c->off21 + r * n1;
    double m = 0.0;
    for (idx j = c->border_low[r]; j < c->border_high[r]; j++) m = larger(m, fabs(x[j]));
    for (idx col = 0; col < n2; col++) m = larger(m, fabs(s[c->off22 + col * n2 + r]));
    scale[n1 + r] = m;
  }
  for (idx i = 0; i < n1 + n2; i++) {
    if (!(scale[i] > 0.0 && scale[i] <= DBL_MAX)) return 0;
    scale[i] = 1.0 / scale[i];
  }
  return 1;
}

// The band kernels are written once with the half-bandwidths as arguments and instantiated for
// small constant ones (BAND_DISPATCH), so that their inner loops unroll completely: on a P2D
// skeleton (kl, ku ≤ 4) a row then costs a few instructions per entry, not loop bookkeeping.
// `kv` is the upper bandwidth of U: kl + ku in the factorisation (row interchanges may widen U
// that far), the width actually reached (u_width) in the solves.

// In place: b = A11⁻¹ b with the band factors: forward with the interchanges (rows with a full
// column below the diagonal first, the last kl after), then U column by column (columns with
// kv entries above the diagonal first, the first kv after); kv is U's upper bandwidth (u_width).
static ALWAYS_INLINE void band_solve_k(const condensed_content *c, double *b, const idx kl, const idx kv) {
  const idx n = c->nb1, ld = c->ld, d = c->kl + c->ku;  // d: the diagonal's row in the band storage
  const double *ab = c->skeleton_values, *inv = c->band_inv;
  const idx *pivot = c->band_pivot;
  idx j = 0;
  for (; j < n - kl; j++) {
    const idx l = pivot[j];
    const double t = b[l];
    b[l] = b[j];
    b[j] = t;
    const double *col = ab + j * ld + d;
    for (idx p = 1; p <= kl; p++) b[j + p] -= col[p] * t;
  }
  for (; j < n; j++) {
    const idx l = pivot[j];
    const double t = b[l];
    b[l] = b[j];
    b[j] = t;
    const double *col = ab + j * ld + d;
    for (idx p = 1; p < n - j; p++) b[j + p] -= col[p] * t;
  }
  for (j = n - 1; j >= kv; j--) {
    const double t = b[j] * inv[j];
    b[j] = t;
    const double *u = ab + j * ld + d - kv;  // u[q] = U(j − kv + q, j)
    double *y = b + j - kv;
    for (idx q = 0; q < kv; q++) y[q] -= u[q] * t;
  }
  for (; j >= 0; j--) {
    const double t = b[j] * inv[j];
    b[j] = t;
    const double *x = ab + j * ld + d - j;  // x[i] = U(i, j)
    for (idx i = 0; i < j; i++) b[i] -= x[i] * t;
  }
}

// One step of the band LU: column j with km rows below the diagonal (kl for all but the last
// kl columns), pivot choice, interchange, multipliers and the update of the columns up to ju (the
// furthest column a row has reached so far); 0 on an unusable pivot. `width` tracks U's bandwidth.
static ALWAYS_INLINE int band_step(condensed_content *c, const idx j, const idx km, const idx ku, const idx kv,
                                   idx *ju_io, idx *width_io) {
  const idx n = c->nb1, ld = c->ld;
  double *ab = c->skeleton_values, *scale = c->row_scale;
  double *col = ab + j * ld + kv;  // col[p] = (j + p, j)
  const idx jp = choose_pivot(col, scale + j, km);
  if (jp < 0) return 0;
  c->band_pivot[j] = j + jp;
  idx reach = j + ku + jp;
  if (reach > n - 1) reach = n - 1;
  idx ju = *ju_io;
  if (reach > ju) ju = reach;
  if (ju - j > *width_io) *width_io = ju - j;
  *ju_io = ju;
  if (jp != 0) {
    for (idx k = j; k <= ju; k++) {
      double *x = ab + k * ld + kv - k;  // x[i] = (i, k)
      const double t = x[j];
      x[j] = x[j + jp];
      x[j + jp] = t;
    }
    const double t = scale[j];
    scale[j] = scale[j + jp];
    scale[j + jp] = t;
  }
  const double inv = 1.0 / col[0];
  c->band_inv[j] = inv;
  for (idx p = 1; p <= km; p++) col[p] *= inv;
  if (ju == j + ku) {  // no interchange has widened row j: ku columns to update
    for (idx k = j + 1; k <= j + ku; k++) {
      double *x = ab + k * ld + kv - k;
      const double t = x[j];
      for (idx p = 1; p <= km; p++) x[j + p] -= col[p] * t;
    }
  } else {
    for (idx k = j + 1; k <= ju; k++) {
      double *x = ab + k * ld + kv - k;
      const double t = x[j];
      for (idx p = 1; p <= km; p++) x[j + p] -= col[p] * t;
    }
  }
  return 1;
}

// Band LU with partial pivoting (LAPACK's dgbtf2 with KLU's pivot choice) in place: the columns
// with kl rows below the diagonal, then the last kl; 0 on a zero or non-finite pivot. Row scales
// (row_scale) are interchanged with the rows.
static ALWAYS_INLINE int band_factor_k(condensed_content *c, const idx kl, const idx kv) {
  const idx n = c->nb1, ku = kv - kl;
  idx ju = 0, width = 0, j = 0;
  for (; j < n - kl; j++)
    if (!band_step(c, j, kl, ku, kv, &ju, &width)) return 0;
  for (; j < n; j++)
    if (!band_step(c, j, n - 1 - j, ku, kv, &ju, &width)) return 0;
  c->u_width = width;
  return 1;
}

// Calls KERNEL(KL, KV) with constant widths for kl ≤ 4, kl ≤ kv ≤ min(kl + 4, 8) (every P2D
// skeleton seen), with the run-time ones otherwise.
#define BAND_DISPATCH(KL_, KV_, KERNEL) \
  switch ((KL_) * 16 + (KV_)) { \
    case 0: KERNEL(0, 0); break; \
    case 1: KERNEL(0, 1); break; \
    case 2: KERNEL(0, 2); break; \
    case 3: KERNEL(0, 3); break; \
    case 4: KERNEL(0, 4); break; \
    case 17: KERNEL(1, 1); break; \
    case 18: KERNEL(1, 2); break; \
    case 19: KERNEL(1, 3); break; \
    case 20: KERNEL(1, 4); break; \
    case 21: KERNEL(1, 5); break; \
    case 34: KERNEL(2, 2); break; \
    case 35: KERNEL(2, 3); break; \
    case 36: KERNEL(2, 4); break; \
    case 37: KERNEL(2, 5); break; \
    case 38: KERNEL(2, 6); break; \
    case 51: KERNEL(3, 3); break; \
    case 52: KERNEL(3, 4); break; \
    case 53: KERNEL(3, 5); break; \
    case 54: KERNEL(3, 6); break; \
    case 55: KERNEL(3, 7); break; \
    case 68: KERNEL(4, 4); break; \
    case 69: KERNEL(4, 5); break; \
    case 70: KERNEL(4, 6); break; \
    case 71: KERNEL(4, 7); break; \
    case 72: KERNEL(4, 8); break; \
    default: KERNEL((KL_), (KV_)); break; \
  }

// The band's contribution to the row scales.
static void band_scales(condensed_content *c) {
#define SCALES(KL, KV) band_scales_k(c, KL, KV)
  BAND_DISPATCH(c->kl, c->kl + c->ku, SCALES)
#undef SCALES
}

// b = A11⁻¹ b in place.
static void band_solve(const condensed_content *c, double *b) {
#define SOLVE(KL, KV) band_solve_k(c, b, KL, KV)
  BAND_DISPATCH(c->kl, c->u_width, SOLVE)
#undef SOLVE
}

// The band LU of A11 in place; 0 on a zero or non-finite pivot.
static int band_factor(condensed_content *c) {
  int ok = 0;
#define FACTOR(KL, KV) ok = band_factor_k(c, KL, KV)
  BAND_DISPATCH(c->kl, c->kl + c->ku, FACTOR)
#undef FACTOR
  return ok;
}

// Band LU of A11, then X = A11⁻¹ A12 and the border's Schur complement with its dense LU (the
// same pivot choice); 0 on a zero or non-finite pivot.
__attribute__((noinline)) static int bordered_band_factor(condensed_content *c) {
  const idx n = c->nb1, n2 = c->nb2;
  double *ab = c->skeleton_values;
  double *scale = c->row_scale;
  if (!skeleton_row_scales(c)) return 0;
  if (!band_factor(c)) return 0;
  if (n2 == 0) return 1;
  // X = A11⁻¹ A12 in place, then A22 −= A21 X.
  double *x12 = ab + c->off12, *a21 = ab + c->off21, *a22 = ab + c->off22;
  for (idx col = 0; col < n2; col++) band_solve(c, x12 + col * n);
  for (idx col = 0; col < n2; col++) {
    const double *x = x12 + col * n;
    for (idx r = 0; r < n2; r++) {
      const double *row = a21 + r * n;
      double s = 0.0;
      for (idx j = c->border_low[r]; j < c->border_high[r]; j++) s += row[j] * x[j];
      a22[col * n2 + r] -= s;
    }
  }
  // Dense LU of the border block, the same pivot choice (row scales of the border rows).
  double *bs = scale + n;
  for (idx j = 0; j < n2; j++) {
    double *col = a22 + j * n2;
    double best = -1.0;
    idx at = -1;
    for (idx i = j; i < n2; i++) {
      const double v = fabs(col[i]) * bs[i];
      if (v > best) { best = v; at = i; }
    }
    if (!(best > 0.0 && best <= DBL_MAX)) return 0;
    if (fabs(col[j]) * bs[j] >= PIVOT_TOLERANCE * best) at = j;
    c->border_pivot[j] = at;
    if (at != j) {
      for (idx k = 0; k < n2; k++) {
        double *x = a22 + k * n2;
        const double t = x[j];
        x[j] = x[at];
        x[at] = t;
      }
      const double t = bs[j];
      bs[j] = bs[at];
      bs[at] = t;
    }
    const double inv = 1.0 / col[j];
    c->border_inv[j] = inv;
    for (idx i = j + 1; i < n2; i++) col[i] *= inv;
    for (idx k = j + 1; k < n2; k++) {
      double *x = a22 + k * n2;
      const double t = x[j];
      for (idx i = j + 1; i < n2; i++) x[i] -= col[i] * t;
    }
  }
  return 1;
}

// In place: rs = S⁻¹ rs with the bordered-band factors.
__attribute__((noinline)) static void bordered_band_solve(const condensed_content *c, double *rs) {
  const idx n = c->nb1, n2 = c->nb2;
  const double *ab = c->skeleton_values;
  band_solve(c, rs);
  if (n2 == 0) return;
  const double *x12 = ab + c->off12, *a21 = ab + c->off21, *a22 = ab + c->off22;
  double *y = rs + n;
  for (idx r = 0; r < n2; r++) {
    const double *row = a21 + r * n;
    double s = 0.0;
    for (idx j = c->border_low[r]; j < c->border_high[r]; j++) s += row[j] * rs[j];
    y[r] -= s;
  }
  for (idx j = 0; j < n2; j++) {
    const idx l = c->border_pivot[j];
    const double t = y[l];
    if (l != j) { y[l] = y[j]; y[j] = t; }
    const double *col = a22 + j * n2;
    for (idx i = j + 1; i < n2; i++) y[i] -= col[i] * t;
  }
  for (idx j = n2 - 1; j >= 0; j--) {
    const double t = y[j] * c->border_inv[j];
    y[j] = t;
    const double *col = a22 + j * n2;
    for (idx i = 0; i < j; i++) y[i] -= col[i] * t;
  }
  for (idx col = 0; col < n2; col++) {
    const double *x = x12 + col * n, t = y[col];
    for (idx i = 0; i < n; i++) rs[i] -= x[i] * t;
  }
}

// ---- Set-up and solve ----

// Factorises S (its values assembled in skeleton_values), the chosen way.
static int skeleton_factor(condensed_content *c) {
  double *sv = c->skeleton_values;
  if (c->skeleton_solver == SOLIDCELL_SKELETON_BORDERED_BAND) {
    c->factored = bordered_band_factor(c);
    if (!c->factored) {
      c->stats.pivot_failures++;
      return (int)(c->last_flag = SUNLS_LUFACT_FAIL);
    }
    return (int)(c->last_flag = SUNLS_SUCCESS);
  }
  // As SUNDIALS' KLU does it: refactorise numerically, factorise afresh the first time, when
  // refactorisation fails, or when the condition estimate says the old pivots went bad.
  if (c->numeric == NULL) {
    c->numeric = klu_l_factor(c->skeleton_colptr, c->skeleton_rowind, sv, c->symbolic, &c->common);
    c->stats.full_factorisations++;
    if (c->numeric == NULL) return (int)(c->last_flag = SUNLS_LUFACT_FAIL);
  } else {
    int refactored = (int)klu_l_refactor(c->skeleton_colptr, c->skeleton_rowind, sv, c->symbolic,
                                         c->numeric, &c->common);
    if (!refactored || !klu_l_rcond(c->symbolic, c->numeric, &c->common) ||
        c->common.rcond < c->rcond_limit) {
      klu_l_free_numeric(&c->numeric, &c->common);
      c->numeric = klu_l_factor(c->skeleton_colptr, c->skeleton_rowind, sv, c->symbolic, &c->common);
      c->stats.full_factorisations++;
      if (c->numeric == NULL) return (int)(c->last_flag = SUNLS_LUFACT_FAIL);
    }
  }
  return (int)(c->last_flag = SUNLS_SUCCESS);
}

// x[0..<n] = 0 with vector stores: the skeleton's values are a few thousand bytes, for which libc's
// memset (rep stosb) costs more than the stores themselves.
__attribute__((no_builtin("memset"))) static void zero_values(double *x, idx n) {
  for (idx k = 0; k < n; k++) x[k] = 0.0;
}

static int condensed_setup(SUNLinearSolver S, SUNMatrix A) {
  condensed_content *c = CONTENT(S);
  const double *a = SUNSparseMatrix_Data(A);
  double *sv = c->skeleton_values;
  c->stats.setups++;
  c->factored = 0;

  zero_values(sv, c->skeleton_values_count);
  for (idx k = 0; k < c->gather; k++) sv[c->gather_dst[k]] = a[c->gather_src[k]];
  // The coupling values, contiguous: A_sb in each block's window, C_b in crow_ent order.
  for (idx k = 0; k < c->sb_entries; k++) c->sb_window[c->window_dst[k]] = a[c->sb_ent_slot[k]];
  for (idx e = 0; e < c->crow_entries; e++) c->crow_values[e] = a[c->crow_ent_slot[e]];

  for (idx b = 0; b < c->blocks; b++) {
    const block_info *bi = c->info + b;
    if (!block_factor(c, bi, a)) {
      c->stats.pivot_failures++;
      return (int)(c->last_flag = SUNLS_LUFACT_FAIL);
    }
    // Per coupling row ρ: F = L⁻¹ e_ρ, Z = U⁻¹ F = A_bb⁻¹ e_ρ from node `low` on (the nodes the
    // skeleton rows read), all of Z for a block that is not partial; keep F (partial) or Z for the
    // solves (see condensed_solve), then S[rows, columns] −= (A_sb Z) C_ρ. For ρ = L, F = e_L
    // (nothing to store for a partial block) and Z = U⁻¹ e_L.
    const idx p0 = bi->p0, n = bi->n, L = n - 1, low = bi->low, width = n - low;
    const double *ip = c->inv_pivot + p0, *up = c->upper + p0, *lo = c->lower + p0, *g = c->last_row + p0;
    const idx q = bi->sb1 - bi->sb0;
    const idx p = c->bs_col_ptr[b + 1] - c->bs_col_ptr[b];
    const idx *fill = c->fill_pos + c->fill_ptr[b];
    const double *window = c->sb_window + bi->w0;
    double *stored = c->z + bi->z0;
    for (idx ri = bi->cr0; ri < bi->cr1; ri++) {
      const idx rho = c->crow_node[ri];
      double *col = stored + (ri - bi->cr0) * n;
      double *z = bi->partial ? c->col_work : col;
      const idx zlow = bi->partial ? low : 0;
      if (rho == L) {
        double next = ip[L];
        z[L] = next;
        for (idx m = L - 1; m >= zlow; m--) {
          next = -up[m] * next * ip[m];
          z[m] = next;
        }
      } else {
        // F[m] = 0 above ρ, F[ρ] = 1, down the sub-diagonal, then the last row.
        for (idx m = 0; m < rho; m++) col[m] = 0.0;
        double prev = 1.0, s = 0.0;
        col[rho] = prev;
        if (bi->dense) s = g[rho];
        for (idx m = rho + 1; m < L; m++) {
          prev = -lo[m] * prev;
          col[m] = prev;
          if (bi->dense) s += g[m] * prev;
        }
        col[L] = bi->dense ? -s : -g[L - 1] * col[L - 1];
        if (bi->partial) memcpy(z + rho, col + rho, (size_t)(n - rho) * sizeof(double));
        if (bi->partial && zlow < rho) memset(z + zlow, 0, (size_t)(rho - zlow) * sizeof(double));
        block_backward(c, p0, n, zlow, z, z);
      }
      const idx e0 = c->crow_ent_ptr[ri], e1 = c->crow_ent_ptr[ri + 1];
      const double *zw = z + low;
      for (idx qi = 0; qi < q; qi++) {
        const double *wrow = window + qi * width;
        double w = 0.0;
        for (idx m = 0; m < width; m++) w += wrow[m] * zw[m];
        const idx *frow = fill + qi * p;
        for (idx e = e0; e < e1; e++) sv[frow[c->crow_ent_col[e]]] -= w * c->crow_values[e];
      }
    }
  }
  return skeleton_factor(c);
}

static int condensed_solve(SUNLinearSolver S, SUNMatrix A, N_Vector xv, N_Vector bv, realtype tol) {
  (void)tol;
  (void)A;
  condensed_content *c = CONTENT(S);
  if (c->skeleton_solver == SOLIDCELL_SKELETON_BORDERED_BAND ? !c->factored : c->numeric == NULL)
    return (int)(c->last_flag = SUNLS_PACKAGE_FAIL_UNREC);
  double *xd = N_VGetArrayPointer(xv);
  const double *bd = N_VGetArrayPointer(bv);
  double *rs = c->skeleton_rhs;
  c->stats.solves++;

  for (idx s = 0; s < c->skeleton; s++) rs[s] = bd[c->skeleton_full[s]];
  // Condense: r_s −= A_sb A_bb⁻¹ r_b. A block whose skeleton rows only touch its last few nodes
  // (a particle without mechanics: nodes n − 2, n − 1) is "partial": only y = L⁻¹ r_b is kept in x,
  // and U⁻¹ y is formed just for the touched nodes; the others keep x = A_bb⁻¹ r_b.
  const idx *sb_skel = c->sb_row_skel;
  const idx *ce_ptr = c->crow_ent_ptr, *ce_skel = c->crow_ent_skel, *cr_node = c->crow_node;
  const double *cv = c->crow_values;
  double *work = c->row_work;
  // Simple blocks: y = L⁻¹ r_b (kept in x), U⁻¹ y at the last two nodes, their A_sb rows.
  for (idx k = 0; k < c->simple_count; k++) {
    const simple_block *sp = c->simple + k;
    const idx L = sp->last;
    const double *r = bd + sp->first, *lo = c->lower + sp->p0;
    double *v = xd + sp->first;
    double prev = r[0];
    v[0] = prev;
    for (idx m = 1; m < L; m++) {
      prev = r[m] - lo[m] * prev;
      v[m] = prev;
    }
    const double *ip = c->inv_pivot + sp->p0, *up = c->upper + sp->p0;
    const double y = r[L] - c->last_row[sp->p0 + L - 1] * prev;
    v[L] = y;
    const double ul = y * ip[L], ul1 = (prev - up[L - 1] * ul) * ip[L - 1];
    const double *w = c->sb_window + sp->w0;
    SMALL_LOOP for (idx qi = sp->sb0; qi < sp->sb1; qi++, w += 2) rs[sb_skel[qi]] -= w[0] * ul1 + w[1] * ul;
  }
  for (idx k = 0; k < c->general_count; k++) {
    const block_info *bi = c->info + c->general[k];
    const idx n = bi->n, low = bi->low, width = n - low;
    double *v = xd + bi->first;
    const double *u = v;
    block_forward(c, bi->p0, n, bi->dense, bd + bi->first, v);
    if (bi->partial) {
      block_backward(c, bi->p0, n, low, v, work);
      u = work;
    } else {
      block_backward(c, bi->p0, n, 0, v, v);
    }
    const double *window = c->sb_window + bi->w0, *uw = u + low;
    SMALL_LOOP for (idx qi = bi->sb0; qi < bi->sb1; qi++) {
      double s = 0.0;
      SMALL_LOOP for (idx m = 0; m < width; m++) s += window[m] * uw[m];
      window += width;
      rs[sb_skel[qi]] -= s;
    }
  }
  if (c->skeleton_solver == SOLIDCELL_SKELETON_BORDERED_BAND) {
    bordered_band_solve(c, rs);
  } else if (!klu_l_solve(c->symbolic, c->numeric, c->skeleton, 1, rs, &c->common)) {
    return (int)(c->last_flag = SUNLS_PACKAGE_FAIL_REC);
  }
  // Back-substitute: x_s, then x_b = A_bb⁻¹ r_b − Σ_ρ (A_bb⁻¹ e_ρ) t_ρ with t_ρ = C_ρ x_s:
  // partial blocks as U⁻¹ (y − Σ_ρ (L⁻¹ e_ρ) t_ρ), where L⁻¹ e_ρ is zero above ρ (just e_ρ for the
  // last row), the others as x − Σ_ρ Z_ρ t_ρ.
  for (idx s = 0; s < c->skeleton; s++) xd[c->skeleton_full[s]] = rs[s];
  // Simple blocks: x_b = U⁻¹ (y − e_last t).
  for (idx k = 0; k < c->simple_count; k++) {
    const simple_block *sp = c->simple + k;
    double t = 0.0;
    SMALL_LOOP for (idx e = sp->e0; e < sp->e1; e++) t += cv[e] * rs[ce_skel[e]];
    const idx L = sp->last;
    const double *ip = c->inv_pivot + sp->p0, *up = c->upper + sp->p0;
    double *v = xd + sp->first;
    double next = (v[L] - t) * ip[L];
    v[L] = next;
    for (idx m = L - 1; m >= 0; m--) {
      next = (v[m] - up[m] * next) * ip[m];
      v[m] = next;
    }
  }
  for (idx k = 0; k < c->general_count; k++) {
    const block_info *bi = c->info + c->general[k];
    const idx n = bi->n;
    const double *stored = c->z + bi->z0;
    double *v = xd + bi->first;
    SMALL_LOOP for (idx ri = bi->cr0; ri < bi->cr1; ri++) {
      double t = 0.0;
      SMALL_LOOP for (idx e = ce_ptr[ri]; e < ce_ptr[ri + 1]; e++) t += cv[e] * rs[ce_skel[e]];
      const double *col = stored + (ri - bi->cr0) * n;
      if (bi->partial) {
        const idx rho = cr_node[ri];
        if (rho == n - 1) {
          v[rho] -= t;  // L⁻¹ e_last = e_last
        } else {
          for (idx m = rho; m < n; m++) v[m] -= col[m] * t;
        }
      } else {
        for (idx m = 0; m < n; m++) v[m] -= col[m] * t;
      }
    }
    if (bi->partial) block_backward(c, bi->p0, n, 0, v, v);
  }
  return (int)(c->last_flag = SUNLS_SUCCESS);
}

static void condensed_free_content(condensed_content *c) {
  if (c == NULL) return;
  if (c->numeric) klu_l_free_numeric(&c->numeric, &c->common);
  if (c->symbolic) klu_l_free_symbolic(&c->symbolic, &c->common);
  free(c->plan);
  free(c->skeleton_colptr);
  free(c->skeleton_rowind);
  free(c->inv_pivot);
  free(c->upper);
  free(c->lower);
  free(c->last_row);
  free(c->z);
  free(c->row_work);
  free(c->col_work);
  free(c->info);
  free(c->simple);
  free(c->general);
  free(c->sb_window);
  free(c->window_dst);
  free(c->crow_values);
  free(c->skeleton_values);
  free(c->skeleton_rhs);
  free(c->band_pivot);
  free(c->band_inv);
  free(c->row_scale);
  free(c->border_pivot);
  free(c->border_inv);
  free(c->border_low);
  free(c->border_high);
  free(c);
}

static int condensed_free(SUNLinearSolver S) {
  if (S == NULL) return SUNLS_SUCCESS;
  condensed_free_content(CONTENT(S));
  S->content = NULL;
  SUNLinSolFreeEmpty(S);
  return SUNLS_SUCCESS;
}

// calloc of at least one element, so that empty arrays are not mistaken for failures.
static void *alloc_zeroed(idx count, size_t size) { return calloc((size_t)(count > 0 ? count : 1), size); }

SUNLinearSolver solidcell_condensed_create(const int64_t *plan, int64_t plan_length, SUNContext context) {
  if (plan == NULL || plan_length < SOLIDCELL_CONDENSED_HEADER) return NULL;
  condensed_content *c = calloc(1, sizeof(condensed_content));
  if (c == NULL) return NULL;
  c->plan = malloc((size_t)plan_length * sizeof(idx));
  if (c->plan == NULL) { condensed_free_content(c); return NULL; }
  memcpy(c->plan, plan, (size_t)plan_length * sizeof(idx));
  c->plan_length = plan_length;
  c->rcond_limit = pow(DBL_EPSILON, 2.0 / 3.0);
  const idx *h = c->plan;
  c->n = h[SOLIDCELL_CONDENSED_N];
  c->nnz = h[SOLIDCELL_CONDENSED_NNZ];
  c->blocks = h[SOLIDCELL_CONDENSED_BLOCKS];
  c->nodes = h[SOLIDCELL_CONDENSED_NODES];
  c->skeleton = h[SOLIDCELL_CONDENSED_SKELETON];
  c->skeleton_nnz = h[SOLIDCELL_CONDENSED_SKELETON_NNZ];
  c->skeleton_values_count = h[SOLIDCELL_CONDENSED_SKELETON_VALUES];
  c->gather = h[SOLIDCELL_CONDENSED_GATHER];
  c->skeleton_solver = (int)h[SOLIDCELL_CONDENSED_SKELETON_SOLVER];
#define ARRAY(name) (c->plan + h[SOLIDCELL_CONDENSED_OFF_##name])
  c->block_first = ARRAY(BLOCK_FIRST);
  c->node_ptr = ARRAY(NODE_PTR);
  c->diag = ARRAY(DIAG);
  c->sub = ARRAY(SUB);
  c->sup = ARRAY(SUP);
  c->last = ARRAY(LAST);
  c->dense_last = ARRAY(DENSE_LAST);
  c->bs_col_ptr = ARRAY(BS_COL_PTR);
  c->bs_col_skel = ARRAY(BS_COL_SKEL);
  c->crow_ptr = ARRAY(CROW_PTR);
  c->crow_node = ARRAY(CROW_NODE);
  c->crow_ent_ptr = ARRAY(CROW_ENT_PTR);
  c->crow_ent_col = ARRAY(CROW_ENT_COL);
  c->crow_ent_skel = ARRAY(CROW_ENT_SKEL);
  c->crow_ent_slot = ARRAY(CROW_ENT_SLOT);
  c->sb_row_ptr = ARRAY(SB_ROW_PTR);
  c->sb_row_skel = ARRAY(SB_ROW_SKEL);
  c->sb_ent_ptr = ARRAY(SB_ENT_PTR);
  c->sb_ent_node = ARRAY(SB_ENT_NODE);
  c->sb_ent_slot = ARRAY(SB_ENT_SLOT);
  c->fill_ptr = ARRAY(FILL_PTR);
  c->fill_pos = ARRAY(FILL_POS);
  c->z_ptr = ARRAY(Z_PTR);
  c->gather_src = ARRAY(GATHER_SRC);
  c->gather_dst = ARRAY(GATHER_DST);
  c->skeleton_full = ARRAY(SKELETON_FULL);
  const idx *colptr = ARRAY(SKELETON_COLPTR), *rowind = ARRAY(SKELETON_ROWIND);
#undef ARRAY
  if (c->skeleton_solver == SOLIDCELL_SKELETON_BORDERED_BAND) {
    c->nb1 = h[SOLIDCELL_CONDENSED_BAND];
    c->nb2 = c->skeleton - c->nb1;
    c->kl = h[SOLIDCELL_CONDENSED_BAND_LOWER];
    c->ku = h[SOLIDCELL_CONDENSED_BAND_UPPER];
    c->ld = 2 * c->kl + c->ku + 1;
    c->off12 = c->nb1 * c->ld;
    c->off21 = c->off12 + c->nb1 * c->nb2;
    c->off22 = c->off21 + c->nb2 * c->nb1;
    if (c->nb1 < 0 || c->nb2 < 0 || c->off22 + c->nb2 * c->nb2 != c->skeleton_values_count) {
      condensed_free_content(c);
      return NULL;
    }
  }

  idx max_block = 1;
  for (idx b = 0; b < c->blocks; b++) {
    idx size = c->node_ptr[b + 1] - c->node_ptr[b];
    if (size > max_block) max_block = size;
  }
  c->sb_entries = c->sb_ent_ptr[h[SOLIDCELL_CONDENSED_SB_ROWS]];
  c->crow_entries = c->crow_ent_ptr[h[SOLIDCELL_CONDENSED_COUPLING_ROWS]];
  c->skeleton_colptr = alloc_zeroed(c->skeleton + 1, sizeof(SuiteSparse_long));
  c->skeleton_rowind = alloc_zeroed(c->skeleton_nnz, sizeof(SuiteSparse_long));
  c->inv_pivot = alloc_zeroed(c->nodes, sizeof(double));
  c->upper = alloc_zeroed(c->nodes, sizeof(double));
  c->lower = alloc_zeroed(c->nodes, sizeof(double));
  c->last_row = alloc_zeroed(c->nodes, sizeof(double));
  c->z = alloc_zeroed(c->z_ptr[c->blocks], sizeof(double));
  c->row_work = alloc_zeroed(max_block, sizeof(double));
  c->col_work = alloc_zeroed(max_block, sizeof(double));
  c->info = alloc_zeroed(c->blocks, sizeof(block_info));
  c->window_dst = alloc_zeroed(c->sb_entries, sizeof(idx));
  c->crow_values = alloc_zeroed(c->crow_entries, sizeof(double));
  c->skeleton_values = alloc_zeroed(c->skeleton_values_count, sizeof(double));
  c->skeleton_rhs = alloc_zeroed(c->skeleton, sizeof(double));
  c->band_pivot = alloc_zeroed(c->nb1, sizeof(idx));
  c->band_inv = alloc_zeroed(c->nb1, sizeof(double));
  c->row_scale = alloc_zeroed(c->skeleton, sizeof(double));
  c->border_pivot = alloc_zeroed(c->nb2, sizeof(idx));
  c->border_inv = alloc_zeroed(c->nb2, sizeof(double));
  c->border_low = alloc_zeroed(c->nb2, sizeof(idx));
  c->border_high = alloc_zeroed(c->nb2, sizeof(idx));
  if (!c->skeleton_colptr || !c->skeleton_rowind || !c->inv_pivot || !c->upper || !c->lower || !c->last_row ||
      !c->z || !c->row_work || !c->col_work || !c->info || !c->window_dst || !c->crow_values ||
      !c->skeleton_values || !c->skeleton_rhs || !c->band_pivot || !c->band_inv || !c->row_scale ||
      !c->border_pivot || !c->border_inv || !c->border_low || !c->border_high) {
    condensed_free_content(c);
    return NULL;
  }
  // A block is solved "partially" when the skeleton rows touch only its last quarter of nodes
  // (at least its last two): then the first pass needs no full back-substitution. Its A_sb window
  // spans the nodes from the lowest one a skeleton row touches.
  idx window_entries = 0;
  for (idx b = 0; b < c->blocks; b++) {
    const idx p0 = c->node_ptr[b], n = c->node_ptr[b + 1] - p0;
    idx low = n - 1;
    for (idx k = c->sb_ent_ptr[c->sb_row_ptr[b]]; k < c->sb_ent_ptr[c->sb_row_ptr[b + 1]]; k++)
      if (c->sb_ent_node[k] < low) low = c->sb_ent_node[k];
    block_info *bi = c->info + b;
    bi->first = c->block_first[b];
    bi->p0 = p0;
    bi->n = n;
    bi->low = low;
    bi->sb0 = c->sb_row_ptr[b];
    bi->sb1 = c->sb_row_ptr[b + 1];
    bi->cr0 = c->crow_ptr[b];
    bi->cr1 = c->crow_ptr[b + 1];
    bi->z0 = c->z_ptr[b];
    bi->w0 = window_entries;
    bi->dense = (int)c->dense_last[b];
    bi->partial = n - low <= (n / 4 > 2 ? n / 4 : 2);
    bi->complete = 1;
    for (idx m = 0; m + 1 < n; m++)
      if (c->diag[p0 + m] < 0 || c->sup[p0 + m] < 0 || (m > 0 && c->sub[p0 + m] < 0)) bi->complete = 0;
    const idx width = n - low;
    for (idx qi = bi->sb0; qi < bi->sb1; qi++)
      for (idx k = c->sb_ent_ptr[qi]; k < c->sb_ent_ptr[qi + 1]; k++)
        c->window_dst[k] = window_entries + (qi - bi->sb0) * width + (c->sb_ent_node[k] - low);
    window_entries += (bi->sb1 - bi->sb0) * width;
  }
  c->window_entries = window_entries;
  c->sb_window = alloc_zeroed(window_entries, sizeof(double));
  c->simple = alloc_zeroed(c->blocks, sizeof(simple_block));
  c->general = alloc_zeroed(c->blocks, sizeof(idx));
  if (!c->sb_window || !c->simple || !c->general) { condensed_free_content(c); return NULL; }
  for (idx b = 0; b < c->blocks; b++) {
    const block_info *bi = c->info + b;
    const idx L = bi->n - 1;
    if (bi->partial && !bi->dense && L >= 1 && bi->low == L - 1 && bi->cr1 - bi->cr0 == 1 && c->crow_node[bi->cr0] == L) {
      simple_block *sp = c->simple + c->simple_count++;
      sp->first = bi->first;
      sp->p0 = bi->p0;
      sp->last = L;
      sp->sb0 = bi->sb0;
      sp->sb1 = bi->sb1;
      sp->w0 = bi->w0;
      sp->e0 = c->crow_ent_ptr[bi->cr0];
      sp->e1 = c->crow_ent_ptr[bi->cr0 + 1];
    } else {
      c->general[c->general_count++] = b;
    }
  }

  if (c->skeleton_solver == SOLIDCELL_SKELETON_BORDERED_BAND) {
    // The columns of each border row of A21 that gather or fill can write.
    for (idx r = 0; r < c->nb2; r++) { c->border_low[r] = c->nb1; c->border_high[r] = 0; }
    const idx fills = h[SOLIDCELL_CONDENSED_FILL];
    for (idx k = 0; k < c->gather + fills; k++) {
      const idx pos = k < c->gather ? c->gather_dst[k] : c->fill_pos[k - c->gather];
      if (pos < c->off21 || pos >= c->off22) continue;
      const idx r = (pos - c->off21) / c->nb1, j = (pos - c->off21) % c->nb1;
      if (j < c->border_low[r]) c->border_low[r] = j;
      if (j + 1 > c->border_high[r]) c->border_high[r] = j + 1;
    }
    for (idx r = 0; r < c->nb2; r++)
      if (c->border_low[r] > c->border_high[r]) c->border_low[r] = c->border_high[r] = 0;
  } else {
    for (idx j = 0; j <= c->skeleton; j++) c->skeleton_colptr[j] = (SuiteSparse_long)colptr[j];
    for (idx k = 0; k < c->skeleton_nnz; k++) c->skeleton_rowind[k] = (SuiteSparse_long)rowind[k];
    klu_l_defaults(&c->common);
    c->common.ordering = 1;  // COLAMD, as SUNDIALS' KLU
    c->symbolic = klu_l_analyze(c->skeleton, c->skeleton_colptr, c->skeleton_rowind, &c->common);
    if (c->symbolic == NULL) { condensed_free_content(c); return NULL; }
  }

  SUNLinearSolver S = SUNLinSolNewEmpty(context);
  if (S == NULL) { condensed_free_content(c); return NULL; }
  S->ops->gettype = condensed_gettype;
  S->ops->getid = condensed_getid;
  S->ops->initialize = condensed_initialize;
  S->ops->setup = condensed_setup;
  S->ops->solve = condensed_solve;
  S->ops->lastflag = condensed_lastflag;
  S->ops->space = condensed_space;
  S->ops->free = condensed_free;
  S->content = c;
  return S;
}

solidcell_condensed_stats solidcell_condensed_get_stats(SUNLinearSolver solver) {
  solidcell_condensed_stats none = {0, 0, 0, 0};
  if (solver == NULL || solver->content == NULL) return none;
  return CONTENT(solver)->stats;
}
