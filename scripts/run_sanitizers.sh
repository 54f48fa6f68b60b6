#!/usr/bin/env bash
# Builds the GoogleTest suite and the simulator with AddressSanitizer + UndefinedBehaviorSanitizer
# (in their own build directory) and runs every GoogleTest case in its own process, because ASan
# stops a process at its first report. Kernels the simulator JIT-compiles are instrumented too: a
# sanitizer build of libtt_metal_sim.so compiles them with the same -fsanitize flags (and caches
# them apart from uninstrumented ones). Exits non-zero when any case fails or reports.
#
#   scripts/run_sanitizers.sh [gtest filter]      e.g. scripts/run_sanitizers.sh 'SimFaults*'
#
# Environment: TT_SANITIZE_BUILD_DIR (default build/sanitize), TT_SANITIZE_JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${TT_SANITIZE_BUILD_DIR:-build/sanitize}"
jobs="${TT_SANITIZE_JOBS:-$(nproc 2>/dev/null || echo 2)}"
filter="${1:-*}"
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTILELANG_TT_BUILD_TESTS=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build" -j "$jobs"

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TT_SIM_CACHE_DIR="$PWD/$build/kernel_cache"
logs="$build/sanitizer_logs"
rm -rf "$logs" && mkdir -p "$logs"

mapfile -t binaries < <(find "$build/tests_cpp" -type f -executable -name 'test_*' | sort)
failed=()
total=0
for binary in "${binaries[@]}"; do
  # --gtest_list_tests prints "Suite." lines followed by indented case names (parameters after '#').
  suite=""
  while IFS= read -r line; do
    if [[ "$line" != " "* ]]; then suite="${line%%#*}"; suite="${suite// /}"; continue; fi
    name="${line#  }"; name="${name%%#*}"; name="${name// /}"
    case_name="$suite$name"
    total=$((total + 1))
    log="$logs/${case_name//\//_}.log"
    if ! (cd "$(dirname "$binary")" && "$PWD/$(basename "$binary")" --gtest_filter="$case_name") >"$log" 2>&1 ||
        grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$log"; then
      failed+=("$case_name")
      echo "[sanitizers] FAIL $case_name (see $log)"
    fi
  done < <("$binary" --gtest_list_tests --gtest_filter="$filter")
done
echo "[sanitizers] $total cases, ${#failed[@]} failed"
[[ ${#failed[@]} -eq 0 ]]
