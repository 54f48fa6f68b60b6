#!/usr/bin/env bash
# Installs tilelang-tt and runs the main example, examples/gemm.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 examples/gemm.py "$@"
