// Compiled serial N_Vector operations for IDA's inner loops.
#ifndef SOLIDCELL_VECTOR_OPS_H
#define SOLIDCELL_VECTOR_OPS_H

#include <nvector/nvector_serial.h>
#include <sundials/sundials_matrix.h>

/// Points the operation table of a serial N_Vector (and of every vector IDA clones from it) at
/// this target's compiled loops for the operations IDA calls every step: linear sum, constant,
/// product, quotient, scale, absolute value, inverse, add-constant, weighted RMS norms, minimum, and
/// the fused linear combination Σ c_i X_i (one pass instead of one per vector).
/// The arithmetic is that of SUNDIALS' reference loops, element by element.
void solidcell_use_compiled_vector_ops(N_Vector v);

/// Points a sparse SUNMatrix's zero operation (called by IDA before every Jacobian evaluation) at a
/// memset of its values, indices and pointers.
void solidcell_use_compiled_matrix_zero(SUNMatrix a);

#endif
