"""The cost model on two GEMMs of the same size: the generated one and a hand-written multicast one.

    python3 benchmarks/bench_cost_model.py --size 1024

*generated GEMM*: TileLang's reference GEMM (examples/gemm.py, 128x128x32 blocks, bf16 inputs,
float accumulation) compiled for a Wormhole n150. *hand-written multicast matmul*: the kernels of
tests_cpp/sim/kernels (mcast_read_a.cpp, mcast_read_b_write_c.cpp, matmul_blocked.cpp) in
TT-Metalium's matmul_multicore_reuse_mcast style on the 8x8 grid: A multicast along core rows, B
down core columns, semaphores pacing both (benchmarks/sim_matmul.py --variant mcast). Both run on
the simulator against NumPy; for each the report gives the DRAM bytes, the roofline estimate and
the cost model's (docs/simulator.md, Statistics), and the cost model's fraction of peak (every
core's matrix engine busy at HiFi4). Prints one JSON object; exits with an error when a program
does not compute the matmul (PCC below 0.999 or tile products missing).
"""

import argparse
import json
import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_gemm  # noqa: E402
import sim_matmul  # noqa: E402
import tilelang_tt.sim as sim  # noqa: E402


def mcast_report(n):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    result = sim.run_plan(sim_matmul.mcast_plan(n, 8, 8, "n150"), sim_matmul.KERNELS, {"A": a, "B": b})
    stats = result.stats
    ref = a.astype(np.float32) @ b.astype(np.float32)
    pcc = float(np.corrcoef(result["C"].astype(np.float32).ravel(), ref.ravel())[0, 1])
    products = sim.matmul_products(stats["totals"]["tile_ops"])
    if products != (n // 32) ** 3 or not pcc >= 0.999:
        sys.exit(f"hand-written multicast matmul: {products} tile products, PCC {pcc:.5f}: it did not compute the matmul")
    peak = (n // 32) ** 3 * bench_gemm.HIFI4_CYCLES_PER_TILE / 64
    cost = stats["cost"]["estimated_cycles"]
    return {"pcc": round(pcc, 6),
            "dram_bytes": stats["totals"]["dram_read_bytes"] + stats["totals"]["dram_write_bytes"],
            "roofline_cycles": stats["roofline"]["estimated_cycles"], "bound": stats["roofline"]["bound"],
            "cost_cycles": cost, "cost_bound": stats["cost"]["bound"], "cost_fraction_of_peak": round(peak / cost, 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024, help="M = N = K (a multiple of 256)")
    args = parser.parse_args()
    if args.size <= 0 or args.size % 256:
        sys.exit(f"--size {args.size}: use a positive multiple of 256 (128-wide blocks of the generated GEMM, "
                 "whole blocks per core of the 8x8 grid)")
    generated = bench_gemm.gemm_report(args.size)
    if generated["pcc"] < 0.999:
        sys.exit(f"generated GEMM: PCC {generated['pcc']}: it did not compute the matmul")
    keys = ("pcc", "dram_bytes", "roofline_cycles", "bound", "cost_cycles", "cost_bound", "cost_fraction_of_peak")
    print(json.dumps({"size": args.size, "device": "n150", "programs": {
        "generated GEMM": {k: generated[k] for k in keys},
        "hand-written multicast matmul": mcast_report(args.size)}}, indent=1))


if __name__ == "__main__":
    main()
