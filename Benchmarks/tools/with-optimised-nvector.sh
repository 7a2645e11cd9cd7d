#!/usr/bin/env bash
# Measurement aid: runs a command with optimised (-O3) replacements of the serial N_Vector
# operations IDA uses, interposed with LD_PRELOAD over Debian's libsundials 6.4.1, whose build
# is not optimised (its vector loops keep every value on the stack). Shows what optimised vector
# operations would gain without changing SolidCell, e.g.
#
#   bash Benchmarks/tools/with-optimised-nvector.sh .build/release/solidcell simulate --model xu2019-nmc532-half-cell-t1 ...
#   SOLIDCELL_BIN="bash $PWD/Benchmarks/tools/with-optimised-nvector.sh $PWD/.build/release/solidcell" \
#       bash Benchmarks/compare-pybamm.sh      # the comparison with the interposed operations (SolidCell side only)
#
# Not used by SolidCell itself. Needs gcc and libsundials-dev's headers.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="${TMPDIR:-/tmp}/solidcell-optimised-nvector.so"
if [ ! -f "$LIB" ] || [ "$HERE/optimised-nvector.c" -nt "$LIB" ]; then
    gcc -O3 -fPIC -shared -o "$LIB" "$HERE/optimised-nvector.c" -lm
fi
LD_PRELOAD="$LIB${LD_PRELOAD:+:$LD_PRELOAD}" exec "$@"
