"""Simulator speed on the compiled reference GEMM, against NumPy's float32 matmul in one process.

    python3 benchmarks/bench_sim_speed.py --size 1024 --size 2048 --size 4096

TileLang's reference GEMM (examples/gemm.py: 128x128x32 blocks, bf16 inputs, float accumulation)
is compiled for a Wormhole n150 (64 cores) with every core reading its own operands
(partition_strategy="row_major": the default multicast program's semaphores make the simulator run
its cores serially, and this benchmark measures the parallel runs too) and run on the simulator:
once to warm the kernel cache,
then --repeat times. Each line reports the best warm simulation time, NumPy's best time for the
same float32 product (a @ b on the bf16 inputs widened to float32, NumPy's own threads) and their
ratio. The run fails instead of printing a time when the simulator did not do every tile product or
its result does not match NumPy (PCC below 0.999).
"""

import argparse
import json
import os
import sys
import time

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

import tilelang_tt  # noqa: E402
import tilelang_tt.sim as sim  # noqa: E402
from gemm import matmul  # noqa: E402  (the @jit factory of examples/gemm.py)


def best_time(run, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def measure(n, repeat):
    if n <= 0 or n % 128:
        sys.exit(f"--size {n}: the reference GEMM's 128x128 blocks need a positive multiple of 128")
    kernel = tilelang_tt.compile(matmul.__wrapped__(n, n, n, 128, 128, 32, dtype="bfloat16"), out_idx=[-1],
                                 partition_strategy="row_major")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    kernel(a, b)  # warm: JIT-compiled kernels cached, buffers allocated once
    sim_s, c = best_time(lambda: kernel(a, b), repeat)
    products = sum(sim.matmul_products(k.get("tile_ops", {})) for k in kernel.stats()["kernels"])
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    numpy_s, ref = best_time(lambda: a32 @ b32, max(repeat, 5))
    pcc = float(np.corrcoef(c.astype(np.float32).ravel(), ref.ravel())[0, 1])
    if products != (n // 32) ** 3 or not pcc >= 0.999:
        sys.exit(f"{n}^3: {products} tile products of the {(n // 32) ** 3} needed, PCC {pcc:.5f} vs NumPy: "
                 "the simulator did not compute the matmul")
    return {"size": n, "simulator_s": round(sim_s, 3), "numpy_float32_s": round(numpy_s, 4),
            "ratio": round(sim_s / numpy_s, 1), "pcc": round(pcc, 6)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, action="append", default=[], help="M = N = K (repeatable)")
    parser.add_argument("--repeat", type=int, default=2, help="warm runs per size; the best is reported")
    args = parser.parse_args()
    for n in args.size or [1024, 2048]:
        print(json.dumps(measure(n, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
