// Static condensation of tridiagonal (+ dense last row) blocks, KLU on the Schur complement.
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
// skeleton unknown. Set-up factorises every A_bb (LU without pivoting, see below), forms Z_b (kept
// for the back-substitution), W_b = A_sb Z_b and subtracts W_b C_b from S on a pattern fixed at
// construction, then factorises S with KLU (klu_l_refactor,
// or klu_l_factor at the first set-up and when the condition estimate is poor, as SUNDIALS' KLU
// does). Solve condenses the right-hand side, solves S with KLU and back-substitutes
// x_b = A_bb⁻¹ r_b − Z_b (C_b x_s).
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
#include "condensed_solver.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <suitesparse/klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

typedef int64_t idx;

// What the solves read per block, in one place (the index arrays it summarises stay in the plan).
typedef struct {
  idx first, p0, n, low;  // first unknown, first factor node, size, lowest node a skeleton row touches
  idx sb0, sb1;           // skeleton rows touching the block: sb_row_* [sb0, sb1)
  idx cr0, cr1;           // coupling rows: crow_* [cr0, cr1)
  idx z0;                 // offset of the stored columns
  int dense, partial;
} block_info;

#define SMALL_LOOP _Pragma("clang loop unroll(disable) vectorize(disable)")

typedef struct {
  idx *plan;  // own copy of the packed plan
  idx plan_length;
  double rcond_limit;  // SUNDIALS' KLU threshold: unit roundoff^(2/3)
  idx n, nnz, blocks, nodes, skeleton, skeleton_nnz, gather;
  const idx *block_first, *node_ptr, *diag, *sub, *sup, *last, *dense_last;
  const idx *bs_col_ptr, *bs_col_skel;
  const idx *crow_ptr, *crow_node, *crow_ent_ptr, *crow_ent_col, *crow_ent_skel, *crow_ent_slot;
  const idx *sb_row_ptr, *sb_row_skel, *sb_ent_ptr, *sb_ent_node, *sb_ent_slot;
  const idx *fill_ptr, *fill_pos, *z_ptr, *gather_src, *gather_dst, *skeleton_full;
  SuiteSparse_long *skeleton_colptr, *skeleton_rowind;  // KLU takes non-const pointers
  // Factors of the blocks, per node: inverse pivots of U, super-diagonal of U, sub-diagonal of L,
  // last row of L.
  double *inv_pivot, *upper, *lower, *last_row;
  double *z;               // Z_b = A_bb⁻¹ E_b, column-major per block
  double *row_work;        // one block's last row during elimination; partial solutions in solves
  double *col_work;        // one column of Z_b during set-up
  idx *sb_low;             // per block: the lowest block node a skeleton row touches
  unsigned char *partial;  // per block: store L⁻¹ E_b instead of Z_b (see condensed_solve)
  block_info *info;
  idx sb_entries, crow_entries;
  double *sb_values;       // A_sb entries in sb_ent order, copied at set-up
  double *crow_values;     // C_b entries in crow_ent order, copied at set-up
  double *skeleton_values; // S in the skeleton's CSC pattern
  double *skeleton_rhs;
  klu_l_common common;
  klu_l_symbolic *symbolic;
  klu_l_numeric *numeric;
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
  *real_words = (long)(4 * c->nodes + c->z_ptr[c->blocks] + c->skeleton_nnz + c->skeleton);
  *integer_words = (long)(c->plan_length + c->skeleton + 1 + c->skeleton_nnz);
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

static inline int pivot_ok(double u, double scale) {
  return isfinite(u) && fabs(u) > 1e-13 * scale && u != 0.0;
}

static int condensed_setup(SUNLinearSolver S, SUNMatrix A) {
  condensed_content *c = CONTENT(S);
  const double *a = SUNSparseMatrix_Data(A);
  double *sv = c->skeleton_values;
  c->stats.setups++;

  memset(sv, 0, (size_t)c->skeleton_nnz * sizeof(double));
  for (idx k = 0; k < c->gather; k++) sv[c->gather_dst[k]] = a[c->gather_src[k]];

  for (idx b = 0; b < c->blocks; b++) {
    const idx p0 = c->node_ptr[b], n = c->node_ptr[b + 1] - p0, L = n - 1;
    const idx *diag = c->diag + p0, *sub = c->sub + p0, *sup = c->sup + p0, *last = c->last + p0;
    double *ip = c->inv_pivot + p0, *up = c->upper + p0, *lo = c->lower + p0, *g = c->last_row + p0;
    double *r = c->row_work;
    double last_scale = 0.0;
    for (idx m = 0; m <= L; m++) {
      r[m] = last[m] >= 0 ? a[last[m]] : 0.0;
      last_scale = fmax(last_scale, fabs(r[m]));
    }
    // Elimination of columns 0..L−1.
    double u = L > 0 ? a[diag[0]] : r[0];
    for (idx m = 0; m < L; m++) {
      double scale = fabs(a[diag[m]]);
      double e = sup[m] >= 0 ? a[sup[m]] : 0.0;
      scale = fmax(scale, fabs(e));
      if (sub[m] >= 0) scale = fmax(scale, fabs(a[sub[m]]));
      if (!pivot_ok(u, scale)) {
        c->stats.pivot_failures++;
        return (int)(c->last_flag = SUNLS_LUFACT_FAIL);
      }
      const double inv = 1.0 / u;
      ip[m] = inv;
      up[m] = e;
      const double gm = r[m] * inv;
      g[m] = gm;
      r[m + 1] -= gm * e;
      if (m + 1 < L) {
        const double l = (sub[m + 1] >= 0 ? a[sub[m + 1]] : 0.0) * inv;
        lo[m + 1] = l;
        u = a[diag[m + 1]] - l * e;
      } else {
        u = r[L];
      }
    }
    if (!pivot_ok(u, last_scale)) {
      c->stats.pivot_failures++;
      return (int)(c->last_flag = SUNLS_LUFACT_FAIL);
    }
    ip[L] = 1.0 / u;
    up[L] = 0.0;
    lo[0] = 0.0;
    g[L] = 0.0;

    // Per coupling row ρ: F = L⁻¹ e_ρ, Z = U⁻¹ F = A_bb⁻¹ e_ρ; keep F or Z for the solves
    // (see condensed_solve); then S[rows, columns] −= (A_sb Z) C_ρ.
    const int dense = (int)c->dense_last[b], partial = c->partial[b];
    const idx cr0 = c->crow_ptr[b], nc = c->crow_ptr[b + 1] - cr0;
    const idx r0 = c->sb_row_ptr[b], q = c->sb_row_ptr[b + 1] - r0;
    const idx p = c->bs_col_ptr[b + 1] - c->bs_col_ptr[b];
    const idx *fill = c->fill_pos + c->fill_ptr[b];
    double *stored = c->z + c->z_ptr[b];
    for (idx ri = 0; ri < nc; ri++) {
      double *col = stored + ri * n;
      memset(col, 0, (size_t)n * sizeof(double));
      col[c->crow_node[cr0 + ri]] = 1.0;
      block_forward(c, p0, n, dense, col, col);
      double *z = col;
      if (partial) {
        z = c->col_work;
        memcpy(z, col, (size_t)n * sizeof(double));
      }
      block_backward(c, p0, n, 0, z, z);
      const idx e0 = c->crow_ent_ptr[cr0 + ri], e1 = c->crow_ent_ptr[cr0 + ri + 1];
      for (idx qi = 0; qi < q; qi++) {
        double w = 0.0;
        for (idx k = c->sb_ent_ptr[r0 + qi]; k < c->sb_ent_ptr[r0 + qi + 1]; k++) w += a[c->sb_ent_slot[k]] * z[c->sb_ent_node[k]];
        const idx *frow = fill + qi * p;
        for (idx e = e0; e < e1; e++) sv[frow[c->crow_ent_col[e]]] -= w * a[c->crow_ent_slot[e]];
      }
    }
  }

  // The coupling values the solves read, contiguous.
  for (idx k = 0; k < c->sb_entries; k++) c->sb_values[k] = a[c->sb_ent_slot[k]];
  for (idx e = 0; e < c->crow_entries; e++) c->crow_values[e] = a[c->crow_ent_slot[e]];

  // The skeleton, as SUNDIALS' KLU does it: refactorise numerically, factorise afresh the first
  // time, when refactorisation fails, or when the condition estimate says the old pivots went bad.
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

static int condensed_solve(SUNLinearSolver S, SUNMatrix A, N_Vector xv, N_Vector bv, realtype tol) {
  (void)tol;
  condensed_content *c = CONTENT(S);
  if (c->numeric == NULL) return (int)(c->last_flag = SUNLS_PACKAGE_FAIL_UNREC);
  const double *a = SUNSparseMatrix_Data(A);
  double *xd = N_VGetArrayPointer(xv);
  const double *bd = N_VGetArrayPointer(bv);
  double *rs = c->skeleton_rhs;
  c->stats.solves++;

  for (idx s = 0; s < c->skeleton; s++) rs[s] = bd[c->skeleton_full[s]];
  // Condense: r_s −= A_sb A_bb⁻¹ r_b. A block whose skeleton rows only touch its last few nodes
  // (a particle without mechanics: nodes n − 2, n − 1) is "partial": only y = L⁻¹ r_b is kept in x,
  // and U⁻¹ y is formed just for the touched nodes; the others keep x = A_bb⁻¹ r_b.
  const idx *sb_node = c->sb_ent_node, *sb_ptr = c->sb_ent_ptr, *sb_skel = c->sb_row_skel;
  const idx *ce_ptr = c->crow_ent_ptr, *ce_skel = c->crow_ent_skel, *cr_node = c->crow_node;
  const double *sbv = c->sb_values, *cv = c->crow_values;
  double *work = c->row_work;
  for (idx b = 0; b < c->blocks; b++) {
    const block_info bi = c->info[b];
    double *v = xd + bi.first;
    const double *u = v;
    block_forward(c, bi.p0, bi.n, bi.dense, bd + bi.first, v);
    if (bi.partial) {
      block_backward(c, bi.p0, bi.n, bi.low, v, work);
      u = work;
    } else {
      block_backward(c, bi.p0, bi.n, 0, v, v);
    }
    SMALL_LOOP for (idx qi = bi.sb0; qi < bi.sb1; qi++) {
      double s = 0.0;
      SMALL_LOOP for (idx k = sb_ptr[qi]; k < sb_ptr[qi + 1]; k++) s += sbv[k] * u[sb_node[k]];
      rs[sb_skel[qi]] -= s;
    }
  }
  if (!klu_l_solve(c->symbolic, c->numeric, c->skeleton, 1, rs, &c->common))
    return (int)(c->last_flag = SUNLS_PACKAGE_FAIL_REC);
  // Back-substitute: x_s, then x_b = A_bb⁻¹ r_b − Σ_ρ (A_bb⁻¹ e_ρ) t_ρ with t_ρ = C_ρ x_s:
  // partial blocks as U⁻¹ (y − Σ_ρ (L⁻¹ e_ρ) t_ρ), where L⁻¹ e_ρ is zero above ρ (just e_ρ for the
  // last row), the others as x − Σ_ρ Z_ρ t_ρ.
  for (idx s = 0; s < c->skeleton; s++) xd[c->skeleton_full[s]] = rs[s];
  for (idx b = 0; b < c->blocks; b++) {
    const block_info bi = c->info[b];
    const double *stored = c->z + bi.z0;
    double *v = xd + bi.first;
    SMALL_LOOP for (idx ri = bi.cr0; ri < bi.cr1; ri++) {
      double t = 0.0;
      SMALL_LOOP for (idx e = ce_ptr[ri]; e < ce_ptr[ri + 1]; e++) t += cv[e] * rs[ce_skel[e]];
      const double *col = stored + (ri - bi.cr0) * bi.n;
      if (bi.partial) {
        const idx rho = cr_node[ri];
        if (rho == bi.n - 1) {
          v[rho] -= t;  // L⁻¹ e_last = e_last
        } else {
          for (idx m = rho; m < bi.n; m++) v[m] -= col[m] * t;
        }
      } else {
        for (idx m = 0; m < bi.n; m++) v[m] -= col[m] * t;
      }
    }
    if (bi.partial) block_backward(c, bi.p0, bi.n, 0, v, v);
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
  free(c->sb_low);
  free(c->partial);
  free(c->info);
  free(c->sb_values);
  free(c->crow_values);
  free(c->skeleton_values);
  free(c->skeleton_rhs);
  free(c);
}

static int condensed_free(SUNLinearSolver S) {
  if (S == NULL) return SUNLS_SUCCESS;
  condensed_free_content(CONTENT(S));
  S->content = NULL;
  SUNLinSolFreeEmpty(S);
  return SUNLS_SUCCESS;
}

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
  c->gather = h[SOLIDCELL_CONDENSED_GATHER];
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

  idx max_block = 1;
  for (idx b = 0; b < c->blocks; b++) {
    idx size = c->node_ptr[b + 1] - c->node_ptr[b];
    if (size > max_block) max_block = size;
  }
  size_t nodes = (size_t)(c->nodes > 0 ? c->nodes : 1);
  c->skeleton_colptr = malloc((size_t)(c->skeleton + 1) * sizeof(SuiteSparse_long));
  c->skeleton_rowind = malloc((size_t)(c->skeleton_nnz > 0 ? c->skeleton_nnz : 1) * sizeof(SuiteSparse_long));
  c->inv_pivot = calloc(nodes, sizeof(double));
  c->upper = calloc(nodes, sizeof(double));
  c->lower = calloc(nodes, sizeof(double));
  c->last_row = calloc(nodes, sizeof(double));
  c->z = calloc((size_t)(c->z_ptr[c->blocks] > 0 ? c->z_ptr[c->blocks] : 1), sizeof(double));
  c->row_work = calloc((size_t)max_block, sizeof(double));
  c->col_work = calloc((size_t)max_block, sizeof(double));
  c->sb_low = calloc((size_t)(c->blocks > 0 ? c->blocks : 1), sizeof(idx));
  c->partial = calloc((size_t)(c->blocks > 0 ? c->blocks : 1), 1);
  c->info = calloc((size_t)(c->blocks > 0 ? c->blocks : 1), sizeof(block_info));
  {
    idx sb_entries = c->sb_entries = c->sb_ent_ptr[h[SOLIDCELL_CONDENSED_SB_ROWS]];
    idx crow_entries = c->crow_entries = c->crow_ent_ptr[h[SOLIDCELL_CONDENSED_COUPLING_ROWS]];
    c->sb_values = calloc((size_t)(sb_entries > 0 ? sb_entries : 1), sizeof(double));
    c->crow_values = calloc((size_t)(crow_entries > 0 ? crow_entries : 1), sizeof(double));
  }
  c->skeleton_values = calloc((size_t)(c->skeleton_nnz > 0 ? c->skeleton_nnz : 1), sizeof(double));
  c->skeleton_rhs = calloc((size_t)(c->skeleton > 0 ? c->skeleton : 1), sizeof(double));
  if (!c->skeleton_colptr || !c->skeleton_rowind || !c->inv_pivot || !c->upper || !c->lower || !c->last_row ||
      !c->z || !c->row_work || !c->col_work || !c->sb_low || !c->partial || !c->info || !c->sb_values || !c->crow_values || !c->skeleton_values || !c->skeleton_rhs) {
    condensed_free_content(c);
    return NULL;
  }
  // A block is solved "partially" when the skeleton rows touch only its last quarter of nodes
  // (at least its last two): then the first pass needs no full back-substitution.
  for (idx b = 0; b < c->blocks; b++) {
    const idx n = c->node_ptr[b + 1] - c->node_ptr[b];
    idx low = n - 1;
    for (idx k = c->sb_ent_ptr[c->sb_row_ptr[b]]; k < c->sb_ent_ptr[c->sb_row_ptr[b + 1]]; k++)
      if (c->sb_ent_node[k] < low) low = c->sb_ent_node[k];
    c->sb_low[b] = low;
    c->partial[b] = (unsigned char)(n - low <= (n / 4 > 2 ? n / 4 : 2));
    block_info *bi = c->info + b;
    bi->first = c->block_first[b];
    bi->p0 = c->node_ptr[b];
    bi->n = n;
    bi->low = low;
    bi->sb0 = c->sb_row_ptr[b];
    bi->sb1 = c->sb_row_ptr[b + 1];
    bi->cr0 = c->crow_ptr[b];
    bi->cr1 = c->crow_ptr[b + 1];
    bi->z0 = c->z_ptr[b];
    bi->dense = (int)c->dense_last[b];
    bi->partial = c->partial[b];
  }
  for (idx j = 0; j <= c->skeleton; j++) c->skeleton_colptr[j] = (SuiteSparse_long)colptr[j];
  for (idx k = 0; k < c->skeleton_nnz; k++) c->skeleton_rowind[k] = (SuiteSparse_long)rowind[k];

  klu_l_defaults(&c->common);
  c->common.ordering = 1;  // COLAMD, as SUNDIALS' KLU
  c->symbolic = klu_l_analyze(c->skeleton, c->skeleton_colptr, c->skeleton_rowind, &c->common);
  if (c->symbolic == NULL) { condensed_free_content(c); return NULL; }

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
