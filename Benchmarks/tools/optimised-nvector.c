/* Measurement aid only (see with-optimised-nvector.sh): optimised (-O3) replacements for the
   serial N_Vector operations IDA calls, interposed with LD_PRELOAD over Debian's libsundials 6.4.1
   (built without optimisation). Same arithmetic as SUNDIALS' reference loops (a*x + b*y, scaled
   copies, (x*w)^2 sums; the weighted sum of squares uses four partial sums), so the solver takes
   the same steps. Not part of SolidCell. */
#include <math.h>
#include <nvector/nvector_serial.h>

void N_VLinearSum_Serial(realtype a, N_Vector x, realtype b, N_Vector y, N_Vector z) {
  sunindextype n = NV_LENGTH_S(x);
  realtype *restrict xd = NV_DATA_S(x), *yd = NV_DATA_S(y), *zd = NV_DATA_S(z);
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
void N_VConst_Serial(realtype c, N_Vector z) {
  sunindextype n = NV_LENGTH_S(z); realtype *zd = NV_DATA_S(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = c;
}
void N_VProd_Serial(N_Vector x, N_Vector y, N_Vector z) {
  sunindextype n = NV_LENGTH_S(x); realtype *xd = NV_DATA_S(x), *yd = NV_DATA_S(y), *zd = NV_DATA_S(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] * yd[i];
}
void N_VScale_Serial(realtype c, N_Vector x, N_Vector z) {
  sunindextype n = NV_LENGTH_S(x); realtype *xd = NV_DATA_S(x), *zd = NV_DATA_S(z);
  if (c == 1.0) { if (zd != xd) for (sunindextype i = 0; i < n; i++) zd[i] = xd[i]; return; }
  if (c == -1.0) { for (sunindextype i = 0; i < n; i++) zd[i] = -xd[i]; return; }
  for (sunindextype i = 0; i < n; i++) zd[i] = c * xd[i];
}
void N_VAbs_Serial(N_Vector x, N_Vector z) {
  sunindextype n = NV_LENGTH_S(x); realtype *xd = NV_DATA_S(x), *zd = NV_DATA_S(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = fabs(xd[i]);
}
void N_VInv_Serial(N_Vector x, N_Vector z) {
  sunindextype n = NV_LENGTH_S(x); realtype *xd = NV_DATA_S(x), *zd = NV_DATA_S(z);
  for (sunindextype i = 0; i < n; i++) zd[i] = 1.0 / xd[i];
}
realtype N_VWSqrSumLocal_Serial(N_Vector x, N_Vector w) {
  sunindextype n = NV_LENGTH_S(x); realtype *xd = NV_DATA_S(x), *wd = NV_DATA_S(w);
  realtype s0 = 0, s1 = 0, s2 = 0, s3 = 0; sunindextype i = 0;
  for (; i + 4 <= n; i += 4) {
    realtype p0 = xd[i] * wd[i], p1 = xd[i+1] * wd[i+1], p2 = xd[i+2] * wd[i+2], p3 = xd[i+3] * wd[i+3];
    s0 += p0 * p0; s1 += p1 * p1; s2 += p2 * p2; s3 += p3 * p3;
  }
  for (; i < n; i++) { realtype p = xd[i] * wd[i]; s0 += p * p; }
  return (s0 + s1) + (s2 + s3);
}
realtype N_VWrmsNorm_Serial(N_Vector x, N_Vector w) {
  return sqrt(N_VWSqrSumLocal_Serial(x, w) / NV_LENGTH_S(x));
}
realtype N_VMin_Serial(N_Vector x) {
  sunindextype n = NV_LENGTH_S(x); realtype *xd = NV_DATA_S(x); realtype m = xd[0];
  for (sunindextype i = 1; i < n; i++) m = xd[i] < m ? xd[i] : m;
  return m;
}
