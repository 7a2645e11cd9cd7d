// Debian's libsundials is built without optimisation, and IDA spends most of its time in these
// element-wise loops (65 % of a solve's instructions, Benchmarks/README.md). The same loops compiled
// here with the package's optimisation run several times faster.
#include "vector_ops.h"
#include <math.h>

#define LENGTH(v) NV_LENGTH_S(v)
#define DATA(v) NV_DATA_S(v)

static void linear_sum(realtype a, N_Vector x, realtype b, N_Vector y, N_Vector z) {
  sunindextype n = LENGTH(x);
  realtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
  // The special cases of SUNDIALS' N_VLinearSum_Serial, so rounding is the same.
  if (a == 1.0 && b == 1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] + yd[i]; return; }
  if (a == 1.0 && b == -1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] - yd[i]; return; }
  if (a == -1.0 && b == 1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = yd[i] - xd[i]; return; }
  if (a == 1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] + b * yd[i]; return; }
  if (b == 1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = a * xd[i] + yd[i]; return; }
  if (a == -1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = b * yd[i] - xd[i]; return; }
  if (b == -1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = a * xd[i] - yd[i]; return; }
  if (a == b) { for (sunindextype i = 0; i < n; i++) zd[i] = a * (xd[i] + yd[i]); return; }
  if (a == -b) { for (sunindextype i = 0; i < n; i++) zd[i] = a * (xd[i] - yd[i]); return; }
  for (sunindextype i = 0; i < n; i++) zd[i] = a * xd[i] + b * yd[i];
}

static void constant(realtype c, N_Vector z) {
  sunindextype n = LENGTH(z); realtype *zd = DATA(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = c;
}

static void product(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] * yd[i];
}

static void quotient(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *yd = DATA(y), *zd = DATA(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] / yd[i];
}

static void scale(realtype c, N_Vector x, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  if (c == 1.0) { if (zd != xd) for (sunindextype i = 0; i < n; i++) zd[i] = xd[i]; return; }
  if (c == -1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = -xd[i]; return; }
  for (sunindextype i = 0; i < n; i++) zd[i] = c * xd[i];
}

static void absolute(N_Vector x, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = fabs(xd[i]);
}

static void inverse(N_Vector x, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = 1.0 / xd[i];
}

static void add_constant(N_Vector x, realtype b, N_Vector z) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *zd = DATA(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] + b;
}

/// Σ (x w)², summed in order as SUNDIALS does.
static realtype weighted_square_sum(N_Vector x, N_Vector w) {
  sunindextype n = LENGTH(x); realtype *xd = DATA(x), *wd = DATA(w);
  realtype sum = 0;
  for (sunindextype i = 0; i < n; i++) { realtype p = xd[i] * wd[i]; sum += p * p; }
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
}
