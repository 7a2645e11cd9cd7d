#!/bin/bash
# Trial of the Lu 2026 Li2TiS3 | LPSCB | Li-In damage constants with the current-crowding factor:
# retention of the peak capacity at 0.5C after 100/200/300/400 cycles (14 mg/cm2) and 100/200
# cycles (7.6 mg/cm2), both files with the same constants. From the repository root after
# `swift build -c release`:
#
#     bash validation/fits/lu2026_crowding.sh RATE REFERENCE_CROWDING EXPONENT
#
# Trials run by hand (2026-12-06), retention of the peak 14 mg/cm2 at 200 / 400 cycles
# (published 90.3 / 67.2 %), 7.6 mg/cm2 at 200 (96.22 %):
#   4.3e-5 1.5 3  -> 89.97 / 77.14; 97.26
#   1.2e-5 1.0 4  -> 90.19 / 73.17; 97.54
#   3e-6   0.7 5  -> 60.54 at 200;   94.43
#   7.8e-6 1.0 5  -> 90.00 / 67.33; 97.63   <- committed (reference 1 chosen, not fitted)
#   5.1e-6 1.0 6  -> 89.35 / 41.36; 97.64
# (without crowding, the committed law before: 1.4e-4 -> 85.7 / 72.7; 95.7)
set -e
out=$(mktemp -d)
for m in lu2026-li2tis3-lpscb-liin-14mg lu2026-li2tis3-lpscb-liin; do
  n=400; [ $m = lu2026-li2tis3-lpscb-liin ] && n=200
  .build/release/solidcell simulate --model models/$m.json \
    --experiment "Charge at 0.5C until 2.4 V; Discharge at 0.5C until 0.9 V" --cycles $n \
    --set "Contact damage rate per cycle=$1" --set "Contact damage reference current crowding=$2" \
    --set "Contact damage current crowding exponent=$3" --output "$out/$m" > /dev/null &
done
wait
for m in lu2026-li2tis3-lpscb-liin-14mg lu2026-li2tis3-lpscb-liin; do
  python3 -c "
import csv; r=list(csv.DictReader(open('$out/$m/cycles.csv')))
print('$m', [(c, round(float(r[c-1]['Capacity retention of maximum [%]']), 2)) for c in (100, 200, 300, 400) if c <= len(r)])"
done
