"""DRAM traffic and roofline estimate of the split-K GEMM against the plain GEMM.

    python3 benchmarks/bench_splitk.py                          # 1024^3, 128x128x32 blocks, split_k 4
    python3 benchmarks/bench_splitk.py --size 512 --split-k 2

The split-K kernel is TileLang's examples/gemm_splitk body (tests_py/reference_kernels.py's
matmul_splitk: float16 inputs, float accumulation, T.atomic_add into a float32 C), the plain one
TileLang's reference GEMM (matmul) with the same blocks and a float32 C. Both are compiled for the
simulated Wormhole n150 and run on random inputs; a result that does not match NumPy (C + A @ B for
split-K, A @ B for the plain GEMM), or a run that moved no data, fails instead of printing numbers.
The simulator's statistics give the bytes read from and written to DRAM, the cores that did matrix
work and the roofline estimate in cycles.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests_py"))

import tilelang_tt  # noqa: E402
import tilelang_tt.sim as sim  # noqa: E402
from reference_kernels import matmul, matmul_splitk  # noqa: E402


def report(name, kernel, args, expected):
    c = kernel(*args)
    result = args[-1] if c is None else c  # split-K accumulates into the C it is given
    pcc = float(np.corrcoef(result.astype(np.float32).ravel(), expected.ravel())[0, 1])
    stats = kernel.stats()
    totals = stats["totals"]
    moved = totals["dram_read_bytes"] + totals["dram_write_bytes"]
    if moved == 0 or not np.isfinite(pcc) or pcc < 0.9999:
        raise SystemExit(f"{name}: no valid measurement (DRAM bytes {moved}, PCC {pcc})")
    cores = {tuple(k["core"]) for k in stats["kernels"] if sim.matmul_products(k.get("tile_ops", {}))}
    return {"kernel": name, "pcc": round(pcc, 6), "dram_read_bytes": totals["dram_read_bytes"],
            "dram_write_bytes": totals["dram_write_bytes"], "cores_with_matmuls": len(cores),
            "estimated_cycles": stats["roofline"]["estimated_cycles"], "bound": stats["roofline"].get("bound")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--split-k", type=int, default=4)
    options = parser.parse_args()
    n, split_k = options.size, options.split_k
    blocks = (128, 128, 32)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(np.float16)
    b = rng.standard_normal((n, n)).astype(np.float16)
    product = a.astype(np.float32) @ b.astype(np.float32)
    c = np.zeros((n, n), np.float32)

    split = tilelang_tt.compile(matmul_splitk(n, n, n, *blocks, split_k))
    plain = tilelang_tt.compile(matmul(n, n, n, *blocks, dtype="float16"), out_idx=[-1])
    # The plain GEMM's C is float16 here (the reference kernel has one dtype); its bytes are given
    # separately below so that the comparison is of the same float32 C.
    reports = [report(f"split-K (split_k={split_k})", split, (a, b, c), product),
               report("plain GEMM (float16 C)", plain, (a, b), product)]
    c_f32 = n * n * 4
    plain_ab = reports[1]["dram_read_bytes"]
    print(json.dumps({"size": n, "blocks": blocks, "split_k": split_k, "reports": reports,
                      "plain_gemm_with_float32_c_bytes": plain_ab + c_f32,
                      "split_k_extra_bytes_vs_plain_float32_c": reports[0]["dram_read_bytes"]
                      + reports[0]["dram_write_bytes"] - (plain_ab + c_f32)}, indent=1))


if __name__ == "__main__":
    main()
