#!/usr/bin/env bash
# Sets up the machine if needed, then runs the default cell simulation (arguments go to
# `solidcell simulate`, e.g. --output out/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product solidcell
.build/release/solidcell simulate "$@"
