"""Autotuning TileLang's reference GEMM (examples/gemm.py) by the simulator's cost model.

    python3 benchmarks/bench_autotune.py --size 1024

Tunes block_M, block_N in {64, 128} x {64, 128} and block_K in {32, 64}, plus 128x256, 256x128 and
32x32 blocks (11 configs, bf16) with ``tilelang_tt.autotune`` into a fresh cache, then again (the
cached choice), and prints the wall time of both, every config's estimate and the winner. Exits
with an error when the winner does not compute the GEMM (PCC below 0.999) or the second tuning
chose differently.
"""

import argparse
import json
import os
import sys
import tempfile
import time

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

import tilelang_tt  # noqa: E402
from gemm import matmul  # noqa: E402  (the @jit factory of examples/gemm.py)

CONFIGS = ([{"block_M": m, "block_N": n, "block_K": k} for m in (64, 128) for n in (64, 128) for k in (32, 64)]
           + [{"block_M": 128, "block_N": 256, "block_K": 32}, {"block_M": 256, "block_N": 128, "block_K": 32},
              {"block_M": 32, "block_N": 32, "block_K": 32}])


def tune(n):
    t0 = time.perf_counter()
    kernel = tilelang_tt.autotune(configs=CONFIGS)(matmul)(n, n, n, dtype="bfloat16")
    return kernel, round(time.perf_counter() - t0, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024, help="M = N = K (a multiple of 256)")
    args = parser.parse_args()
    if args.size <= 0 or args.size % 256:
        sys.exit(f"--size {args.size}: use a positive multiple of 256 (every config's blocks divide it)")
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["TILELANG_TT_CACHE_DIR"] = cache_dir
        first, first_s = tune(args.size)
        second, second_s = tune(args.size)
        if second.config != first.config:
            sys.exit(f"the cached choice {second.config} differs from the tuned one {first.config}")
        rng = np.random.default_rng(0)
        a = rng.standard_normal((args.size, args.size)).astype(ml_dtypes.bfloat16)
        b = rng.standard_normal((args.size, args.size)).astype(ml_dtypes.bfloat16)
        ref = a.astype(np.float32) @ b.astype(np.float32)
        pcc = float(np.corrcoef(first(a, b).astype(np.float32).ravel(), ref.ravel())[0, 1])
    if not pcc >= 0.999:
        sys.exit(f"the winner {first.config} has PCC {pcc:.5f} against NumPy: it does not compute the GEMM")
    print(json.dumps({"size": args.size, "configs": len(CONFIGS), "tune_s": first_s, "cached_s": second_s,
                      "best": first.config, "pcc": round(pcc, 6), "estimates": first.autotune_estimates}, indent=1))


if __name__ == "__main__":
    main()
