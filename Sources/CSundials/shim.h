// SUNDIALS IDAS (IDA's integrator plus quadratures) with the serial N_Vector, the CSC sparse
// matrix and the KLU sparse direct solver, as Debian's libsundials-dev / libsuitesparse-dev ship
// them. IDAS integrates exactly as IDA (same release: identical counters and outputs checked).
#ifndef SOLIDCELL_CSUNDIALS_SHIM_H
#define SOLIDCELL_CSUNDIALS_SHIM_H

// Debian installs KLU under suitesparse/, while sunlinsol_klu.h includes <klu.h>:
// including it first defines the include guard so the later include is a no-op. It also declares
// KLU's complex routines (klu_z_factor, klu_z_solve, klu_z_rcond, klu_z_free_numeric) that the
// small-signal (impedance) solver uses directly; libklu is linked by the module map.
#include <suitesparse/klu.h>

#include <idas/idas.h>
#include <idas/idas_ls.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <sunlinsol/sunlinsol_klu.h>

#endif
