"""DRAM traffic and the estimates of TileLang's im2col convolution.

    python3 benchmarks/bench_convolution.py                       # 1x56x56x64 input, 3x3x64x64 weights
    python3 benchmarks/bench_convolution.py --n 1 --hw 28 --c 128 --f 128 --block-m 128

The kernel is TileLang's examples/convolution body (tests_py/reference_kernels.py's convolution:
bfloat16, float accumulation, 3x3 filter, stride 1, padding 1), compiled for the simulated Wormhole
n150 and run against NumPy's convolution; a run with a PCC below 0.999 or without its tile products
fails instead of printing numbers. The reader gathers the input row by row (docs/passes.md,
"Gathers"): each in-bounds (pixel, tap, 32 channels) row is two face-row NoC reads of 32 bytes,
padding rows are zeros. Reported: DRAM bytes read and written against the minimum (input,
weights and output once), and the roofline and cost-model estimates
against the matrix engine's peak on the cores that hold blocks (docs/simulator.md, Statistics).
"""

import argparse
import json
import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests_py"))

import tilelang_tt  # noqa: E402
import tilelang_tt.sim as sim  # noqa: E402
from bench_gemm import HIFI4_CYCLES_PER_TILE  # noqa: E402
from reference_kernels import convolution, convolution_reference  # noqa: E402


def report(n, hw, c, f, block_m, block_n, block_k):
    k = 3
    kernel = tilelang_tt.compile(convolution(n, c, hw, hw, f, k, 1, 1, 1, block_m, block_n, block_k), out_idx=[2])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, hw, hw, c)).astype(ml_dtypes.bfloat16)
    w = rng.standard_normal((k, k, c, f)).astype(ml_dtypes.bfloat16)
    out = kernel(x, w).astype(np.float32)
    want = convolution_reference(x, w, 1, 1, 1)
    pcc = float(np.corrcoef(out.ravel(), want.ravel())[0, 1])
    stats = kernel.stats()
    totals = stats["totals"]
    rows = -(-(n * hw * hw) // block_m) * block_m
    products = (rows // 32) * (f // 32) * (k * k * c // 32)
    done = sim.matmul_products(totals["tile_ops"])
    if done != products or not np.isfinite(pcc) or pcc < 0.999:
        raise SystemExit(f"convolution: {done} of {products} tile products, PCC {pcc}: no measurement")
    minimum = (x.size + w.size + out.size) * 2
    moved = totals["dram_read_bytes"] + totals["dram_write_bytes"]
    cores = {tuple(kr["core"]) for kr in stats["kernels"] if sim.matmul_products(kr.get("tile_ops", {}))}
    peak = products * HIFI4_CYCLES_PER_TILE / len(cores)
    return {"input": [n, hw, hw, c], "weights": [k, k, c, f], "blocks": [block_m, block_n, block_k], "pcc": round(pcc, 6),
            "dram_bytes": moved, "dram_minimum_bytes": minimum, "dram_ratio": round(moved / minimum, 2),
            "dram_read_bytes": totals["dram_read_bytes"], "cores": len(cores),
            "roofline_cycles": stats["roofline"]["estimated_cycles"], "bound": stats["roofline"]["bound"],
            "cost_cycles": stats["cost"]["estimated_cycles"], "cost_bound": stats["cost"]["bound"],
            "cost_fraction_of_peak": round(peak / stats["cost"]["estimated_cycles"], 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1, help="batch")
    parser.add_argument("--hw", type=int, default=56, help="image height and width")
    parser.add_argument("--c", type=int, default=64, help="input channels (a multiple of 32)")
    parser.add_argument("--f", type=int, default=64, help="output channels (a multiple of --block-n)")
    parser.add_argument("--block-m", type=int, default=64)
    parser.add_argument("--block-n", type=int, default=64)
    parser.add_argument("--block-k", type=int, default=32)
    args = parser.parse_args()
    if args.c % 32 or args.f % args.block_n or (9 * args.c) % args.block_k:
        sys.exit("--c must be a multiple of 32, --f of --block-n, and 9 * --c of --block-k")
    print(json.dumps(report(args.n, args.hw, args.c, args.f, args.block_m, args.block_n, args.block_k)))


if __name__ == "__main__":
    main()
