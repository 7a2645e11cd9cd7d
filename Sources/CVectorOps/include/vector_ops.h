// Compiled serial N_Vector operations for IDA's inner loops.
#ifndef SOLIDCELL_VECTOR_OPS_H
#define SOLIDCELL_VECTOR_OPS_H

#include <nvector/nvector_serial.h>

/// Points the operation table of a serial N_Vector (and of every vector IDA clones from it) at
/// this target's compiled loops for the operations IDA calls every step: linear sum, constant,
/// product, quotient, scale, absolute value, inverse, add-constant, weighted RMS norms and minimum.
/// The arithmetic is that of SUNDIALS' reference loops, element by element.
void solidcell_use_compiled_vector_ops(N_Vector v);

#endif
