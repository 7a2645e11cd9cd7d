#!/bin/bash
# A SolidCell parameter sweep as a Slurm job array. Every array task runs one shard of the same
# sweep (case n belongs to shard n mod N) into a shared output folder; finished cases are skipped
# when a task is re-run. Afterwards `solidcell sweep merge` joins the shards into one sweep.csv:
#
#   jobid=$(sbatch --parsable examples/sweep-slurm.sh)
#   sbatch --dependency=afterok:$jobid --wrap "solidcell sweep merge results/thickness-radius-temperature"
#
# Shards are numbered from 0, so the array is declared 0-based (--array=0-(N-1)); N is read from
# SLURM_ARRAY_TASK_COUNT, so changing --array is all it takes to use more or fewer shards.
# Arguments given to the script are passed on to `solidcell sweep`, e.g.
#   sbatch examples/sweep-slurm.sh --set "Positive particle mesh points=10"
# SOLIDCELL (the executable, default: solidcell on PATH) and SWEEP_OUTPUT (the output folder)
# may be set in the environment; sbatch passes the environment on to the job.
#
#SBATCH --job-name=solidcell-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem-per-cpu=1G
#SBATCH --time=01:00:00
#SBATCH --output=solidcell-sweep-%A_%a.out

set -euo pipefail

SOLIDCELL=${SOLIDCELL:-solidcell}
OUTPUT=${SWEEP_OUTPUT:-results/thickness-radius-temperature}
SHARD=${SLURM_ARRAY_TASK_ID:?submit with sbatch (or set SLURM_ARRAY_TASK_ID)}
SHARDS=${SLURM_ARRAY_TASK_COUNT:?submit with sbatch --array (or set SLURM_ARRAY_TASK_COUNT)}

# 4 thicknesses × 3 particle radii × 3 temperatures = 36 cases, 2 cycles each.
"$SOLIDCELL" sweep \
    --model xu2019-nmc532-half-cell-t1 \
    --vary "Positive electrode thickness [m]=3e-5,4.2e-5,6e-5,8e-5" \
    --vary "Positive particle radius [m]=2e-6,5.3e-6,1e-5" \
    --vary "Ambient temperature [K]=273.15,298.15,318.15" \
    --experiment "Discharge at 1C until 3.5 V; Rest for 10 minutes; Charge at 0.5C until 4.2 V; Hold at 4.2 V until C/20" \
    --cycles 2 \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" \
    --shard "$SHARD/$SHARDS" \
    --output "$OUTPUT" \
    "$@"
