#!/usr/bin/env bash
# Installs tilelang-tt and runs every test: GoogleTest (C++) and pytest (Python).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs="$(nproc 2>/dev/null || echo 2)"
echo "[tests] building GoogleTest suite"
cmake -S . -B build/tests -G Ninja -DCMAKE_BUILD_TYPE=Release -DTILELANG_TT_BUILD_TESTS=ON >/dev/null
cmake --build build/tests -j "$jobs"
echo "[tests] GoogleTest"
ctest --test-dir build/tests --output-on-failure -j "$jobs"
# The release check compiles against the real TT-Metalium release; fetching it fails loudly here.
echo "[tests] fetching the TT-Metalium release for the release check (ttnn wheel from PyPI, cached)"
python3 -m tilelang_tt.release_check --fetch
echo "[tests] pytest"
python3 -m pytest tests_py -q "$@"
