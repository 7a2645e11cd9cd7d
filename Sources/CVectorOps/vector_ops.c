// Debian's libsundials is built without optimisation, and IDA spends most of its time in these
// element-wise loops (65 % of a solve's instructions, Benchmarks/README.md). The same loops compiled
// here with the package's optimisation run several times faster.
#include "vector_ops.h"
#include <math.h>
#include <string.h>
#include <sunmatrix/sunmatrix_sparse.h>

// Results must be those of SUNDIALS' own loops bit for bit (IDA's golden-output tests count steps):
// no a*b + c contracted into a fused multiply-add.
#pragma STDC FP_CONTRACT OFF

#define LENGTH(v) NV_LENGTH_S(v)
#define DATA(v) NV_DATA_S(v)

// Every loop here reads element i of its inputs and then writes element i of its output, so it may
// be vectorised even when the output is one of the inputs (z = x + z is common in IDA); the compiler
// cannot know that and would otherwise check for overlap and fall back to scalar code.
// On x86-64 Linux each loop function is also compiled for AVX2, picked at load time when the CPU
// has it (without FMA: the contraction is off, so the results are the same either way).
#if defined(__clang__)
#define ELEMENTWISE _Pragma("clang loop vectorize(assume_safety)")
#else
#define ELEMENTWISE
#endif
#if defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_LOOPS __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_LOOPS
#endif
#define FOR_EACH(i, n) ELEMENTWISE for (sunindextype i = 0; i < (n); i++)

VECTOR_LOOPS static void linear_sum(realtype a, N_Vector x, realtype b, N_Vector y, N_Vector z) {
  sunindextype n = LENGTH(x);
  realtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
  // The special cases of SUNDIALS' N_VLinearSum_Serial, so rounding is the same.
  if (a == 1.0 && b == 1.0) { FOR_EACH(i, n) zd[i] = xd[i] + yd[i]; return; }
  if (a == 1.0 && b == -1.0) { FOR_EACH(i, n) zd[i] = xd[i] - yd[i]; return; }
  if (a == -1.0 && b == 1.0) { FOR_EACH(i, n) zd[i] = yd[i] - xd[i]; return; }
  if (a == 1.0) { FOR_EACH(i, n) zd[i] = xd[i] + b * yd[i]; return; }
  if (b == 1.0) { FOR_EACH(i, n) zd[i] = a * xd[i] + yd[i]; return; }
  if (a == -1.0) { FOR_EACH(i, n) zd[i] = b * yd[i] - xd[i]; return; }
  if (b == -1.0) { FOR_EACH(i, n) zd[i] = a * xd[i] - yd[i]; return; }
  if (a == b) { FOR_EACH(i, n) zd[i] = a * (xd[i] + yd[i]); return; }
  if (a == -b) { FOR_EACH(i, n) zd[i] = a * (xd[i] - yd[i]); return; }
  FOR_EACH(i, n) zd[i] = a * xd[i] + b * yd[i];
}

VECTOR_LOOPS static void constant(realtype c, N_Vector z) {
  sunindextype n = LENGTH(z); realtype *zd = DATA(z);
  FOR_EACH(i, n) zd[i] = c;
}

VECTOR_LOOPS static void product(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
  FOR_EACH(i, n) zd[i] = xd[i] * yd[i];
}

VECTOR_LOOPS static void quotient(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
  FOR_EACH(i, n) zd[i] = xd[i] / yd[i];
}

VECTOR_LOOPS static void scale(realtype c, N_Vector x, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  if (c == 1.0) { if (zd != xd) memcpy(zd, xd, (size_t)n * sizeof(realtype)); return; }
  if (c == -1.0) { FOR_EACH(i, n) zd[i] = -xd[i]; return; }
  FOR_EACH(i, n) zd[i] = c * xd[i];
}

VECTOR_LOOPS static void absolute(N_Vector x, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  FOR_EACH(i, n) zd[i] = fabs(xd[i]);
}

VECTOR_LOOPS static void inverse(N_Vector x, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  FOR_EACH(i, n) zd[i] = 1.0 / xd[i];
}

VECTOR_LOOPS static void add_constant(N_Vector x, realtype b, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  FOR_EACH(i, n) zd[i] = xd[i] + b;
}

typedef realtype four_reals __attribute__((vector_size(4 * sizeof(realtype))));

/// Σ (x w)² with four independent partial sums (lanes i mod 4), added at the end. SUNDIALS adds
/// the squares one by one, a chain of dependent additions that runs at one element per addition
/// latency; four lanes run four times as fast. The rounding differs (at 1e-16 relative, no less
/// accurate), so IDA's norms — and through its step-size choices, the last digits of a solution —
/// are not bit-identical to those of SUNDIALS' own serial vector.
VECTOR_LOOPS static realtype weighted_square_sum(N_Vector x, N_Vector w) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *wd = DATA(w);
  four_reals lanes = {0, 0, 0, 0};
  sunindextype i = 0;
  for (; i + 4 <= n; i += 4) {
    four_reals xs, ws;
    memcpy(&xs, xd + i, sizeof xs);
    memcpy(&ws, wd + i, sizeof ws);
    four_reals p = xs * ws;
    lanes += p * p;
  }
  realtype sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; i++) { realtype p = xd[i] * wd[i]; sum += p * p; }
  return sum;
}

static realtype wrms_norm(N_Vector x, N_Vector w) {
  return sqrt(weighted_square_sum(x, w) / LENGTH(x));
}

/// √(Σ_{id > 0} (x w)² / N): the norm over the components selected by the mask.
static realtype wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *wd = DATA(w), *idd = DATA(id);
  realtype sum = 0;
  for (sunindextype i = 0; i < n; i++) {
    if (idd[i] > 0.0) { realtype p = xd[i] * wd[i]; sum += p * p; }
  }
  return sqrt(sum / n);
}

static realtype minimum(N_Vector x) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x);
  realtype m = xd[0];
  for (sunindextype i = 1; i < n; i++) if (xd[i] < m) m = xd[i];
  return m;
}

/// z = Σ_i c_i X_i in one pass over the elements. Without this operation SUNDIALS' N_VLinearCombination
/// makes one pass per vector: z = c_0 X_0 (N_VScale), then z = c_i X_i + z (N_VLinearSum with b = 1)
/// for i = 1, 2, …. Those passes compute, element by element, ((c_0 x_0 + c_1 x_1) + c_2 x_2) + …
/// (the special cases c = ±1 of N_VScale and N_VLinearSum give the same values), which is what the
/// single pass below computes, in the same order. Only X_0 may be z itself (each element of X_0 is
/// read before that element of z is written); if another X_i is z, the passes are made one by one.
VECTOR_LOOPS static int linear_combination(int nvec, realtype *c, N_Vector *X, N_Vector z) {
  if (nvec < 1) return -1;
  sunindextype n = LENGTH(z);
  realtype *restrict zd = DATA(z);
  for (int i = 1; i < nvec; i++) {
    if (DATA(X[i]) == zd) {
      scale(c[0], X[0], z);
      for (int k = 1; k < nvec; k++) linear_sum(c[k], X[k], 1.0, z, z);
      return 0;
    }
  }
  const realtype *restrict x1 = nvec > 1 ? DATA(X[1]) : NULL;
  const realtype *restrict x2 = nvec > 2 ? DATA(X[2]) : NULL;
  const realtype *restrict x3 = nvec > 3 ? DATA(X[3]) : NULL;
  const realtype *restrict x4 = nvec > 4 ? DATA(X[4]) : NULL;
  const realtype *restrict x5 = nvec > 5 ? DATA(X[5]) : NULL;
  realtype c0 = c[0], c1 = nvec > 1 ? c[1] : 0, c2 = nvec > 2 ? c[2] : 0;
  realtype c3 = nvec > 3 ? c[3] : 0, c4 = nvec > 4 ? c[4] : 0, c5 = nvec > 5 ? c[5] : 0;
  // X_0 is either z itself (read through zd) or a vector that aliases nothing written.
#define COMBINE(X0)                                                                                 \
  switch (nvec) {                                                                                   \
  case 1: FOR_EACH(j, n) zd[j] = c0 * X0; return 0;                                                 \
  case 2: FOR_EACH(j, n) zd[j] = c0 * X0 + c1 * x1[j]; return 0;                                    \
  case 3: FOR_EACH(j, n) zd[j] = c0 * X0 + c1 * x1[j] + c2 * x2[j]; return 0;                       \
  case 4:                                                                                           \
    FOR_EACH(j, n) zd[j] = c0 * X0 + c1 * x1[j] + c2 * x2[j] + c3 * x3[j];                          \
    return 0;                                                                                       \
  case 5:                                                                                           \
    FOR_EACH(j, n)                                                                                  \
      zd[j] = c0 * X0 + c1 * x1[j] + c2 * x2[j] + c3 * x3[j] + c4 * x4[j];                          \
    return 0;                                                                                       \
  case 6:                                                                                           \
    FOR_EACH(j, n)                                                                                  \
      zd[j] = c0 * X0 + c1 * x1[j] + c2 * x2[j] + c3 * x3[j] + c4 * x4[j] + c5 * x5[j];             \
    return 0;                                                                                       \
  default:                                                                                          \
    for (sunindextype j = 0; j < n; j++) {                                                          \
      realtype sum = c0 * X0;                                                                       \
      for (int i = 1; i < nvec; i++) sum = sum + c[i] * DATA(X[i])[j];                              \
      zd[j] = sum;                                                                                  \
    }                                                                                               \
    return 0;                                                                                       \
  }
  if (DATA(X[0]) == zd) {
    COMBINE(zd[j])
  } else {
    const realtype *restrict x0 = DATA(X[0]);
    COMBINE(x0[j])
  }
#undef COMBINE
}

/// SUNMatZero for a CSC/CSR sparse matrix: values, row (column) indices and pointers all zero, as
/// SUNMatZero_Sparse does (IDA calls it before every Jacobian evaluation).
static int sparse_zero(SUNMatrix a) {
  memset(SM_DATA_S(a), 0, (size_t)SM_NNZ_S(a) * sizeof(realtype));
  memset(SM_INDEXVALS_S(a), 0, (size_t)SM_NNZ_S(a) * sizeof(sunindextype));
  memset(SM_INDEXPTRS_S(a), 0, (size_t)(SM_NP_S(a) + 1) * sizeof(sunindextype));
  return SUNMAT_SUCCESS;
}

void solidcell_use_compiled_matrix_zero(SUNMatrix a) {
  a->ops->zero = sparse_zero;
}

void solidcell_use_compiled_vector_ops(N_Vector v) {
  N_Vector_Ops ops = v->ops;
  ops->nvlinearsum = linear_sum;
  ops->nvconst = constant;
  ops->nvprod = product;
  ops->nvdiv = quotient;
  ops->nvscale = scale;
  ops->nvabs = absolute;
  ops->nvinv = inverse;
  ops->nvaddconst = add_constant;
  ops->nvwrmsnorm = wrms_norm;
  ops->nvwrmsnormmask = wrms_norm_mask;
  ops->nvmin = minimum;
  ops->nvwsqrsumlocal = weighted_square_sum;
  ops->nvlinearcombination = linear_combination;
}
