"""Benchmarks of the generated GEMM: compile time, DRAM traffic, balance and roofline.

    python3 benchmarks/bench_gemm.py --compile            # compile time: cold, warm, cache hit
    python3 benchmarks/bench_gemm.py --size 1024 --size 4096
    python3 benchmarks/bench_gemm.py --size 1024 --partition-strategy row_major   # without multicast
    python3 benchmarks/bench_gemm.py --size 1024 --weights Bfp4_b     # B stored as block-float weights
    python3 benchmarks/bench_gemm.py --size 4096 --block 256          # 256x256x32 blocks instead of 128x128x32
    python3 benchmarks/bench_gemm.py --size 1024 --math-fidelity LoFi # the matrix engine at one pass per product

Compile time is measured on TileLang's reference GEMM (1024^3, 128x128x32 blocks), parsed once
beforehand and not timed: *cold* is the first compile in a fresh process (passes, code
generation, writing the artifacts), *warm* a second compile of the same kernel with the
artifact cache disabled, *cache hit* a compile that finds its artifacts in the cache. The
generated program is then run on the simulated Wormhole n150 and its statistics give: DRAM bytes
moved versus the minimum (each input tile read once, each output tile written once), the
per-core balance of matmul tile operations, and the simulator's roofline estimate and cost-model
estimate (docs/simulator.md, Statistics) as fractions of the device's peak (every core's matrix
engine busy at HiFi4, 64 cycles per 32x32x32 tile product; with --math-fidelity, at that fidelity's
cycles from the device table, and --transpose-b multiplies by B given as (N, K)). By default the compiler multicasts A
along core rows and B down core columns (docs/passes.md, TTTilesToCoreMap); --partition-strategy
keeps every core reading its own operands. --weights stores B in a block float (docs/language.md,
"Block-float weights"): quantized on upload, its DRAM pages and the minimum shrink with it. A run
that misses any tile product or has a PCC below 0.999 (0.99 for Bfp4_b's 3-bit magnitudes, against
the unquantized product) exits with an error instead.
"""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests_py"))

import tilelang_tt  # noqa: E402
import tilelang_tt.sim as sim  # noqa: E402
from gemm import matmul  # noqa: E402  (the @jit factory of examples/gemm.py)
from reference_kernels import matmul as reference_matmul  # noqa: E402  (the same body, with trans_B)

HIFI4_CYCLES_PER_TILE = 64


def timed_compile(func):
    """Seconds tilelang_tt.compile takes on an already parsed kernel (the kernel is kept alive
    until the clock stops, so an uncached compile's cleanup is not counted)."""
    t0 = time.perf_counter()
    kernel = tilelang_tt.compile(func, out_idx=[-1])
    seconds = time.perf_counter() - t0
    del kernel
    return round(seconds, 4)


def compile_times():
    func = matmul.__wrapped__(1024, 1024, 1024, 128, 128, 32)  # the parse, not timed
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["TILELANG_TT_CACHE_DIR"] = cache_dir
        cold = timed_compile(func)
        os.environ["TILELANG_TT_DISABLE_CACHE"] = "1"
        warm = timed_compile(func)
        del os.environ["TILELANG_TT_DISABLE_CACHE"]
        hit = timed_compile(func)
    return {"cold_s": cold, "warm_s": warm, "cache_hit_s": hit}


# Bytes per element of B by its storage: a tile's page over its 1024 values.
WEIGHT_BYTES = {None: 2, "Bfp8_b": 1088 / 1024, "Bfp4_b": 576 / 1024}
MIN_PCC = {None: 0.999, "Bfp8_b": 0.999, "Bfp4_b": 0.99}


def gemm_report(n, dtype="bfloat16", partition_strategy=None, weights=None, block=128, math_fidelity="HiFi4",
                transpose_b=False):
    import ml_dtypes

    options = {"partition_strategy": partition_strategy} if partition_strategy else {}
    if weights:
        options["layouts"] = {"B": {"data_format": weights}}
    func = (reference_matmul(n, n, n, block, block, 32, dtype=dtype, trans_B=True) if transpose_b
            else matmul.__wrapped__(n, n, n, block, block, 32, dtype=dtype))
    kernel = tilelang_tt.compile(func, out_idx=[-1], math_fidelity=math_fidelity, **options)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    t0 = time.perf_counter()
    c = kernel(a, b.T.copy() if transpose_b else b)
    sim_s = time.perf_counter() - t0
    stats = kernel.stats()
    ref = a.astype(np.float32) @ b.astype(np.float32)
    pcc = float(np.corrcoef(c.astype(np.float32).ravel(), ref.ravel())[0, 1])

    elem = 2
    minimum = round((n * n + n * n) * elem + n * n * WEIGHT_BYTES[weights])
    moved = stats["totals"]["dram_read_bytes"] + stats["totals"]["dram_write_bytes"]
    per_core = {}
    for k in stats["kernels"]:
        ops = sim.matmul_products(k.get("tile_ops", {}))
        if ops:
            per_core[tuple(k["core"])] = per_core.get(tuple(k["core"]), 0) + ops
    cores = len(per_core)
    if sum(per_core.values()) != (n // 32) ** 3 or not pcc >= MIN_PCC[weights]:
        raise SystemExit(f"the {n}^3 GEMM did {sum(per_core.values())} of {(n // 32) ** 3} tile products "
                         f"(PCC {pcc}): no measurement")
    cycles_per_tile = sim.device_spec("n150")["matmul_cycles_per_tile"][math_fidelity]
    ideal = (n // 32) ** 3 * cycles_per_tile / 64  # every one of the n150's 64 cores busy
    est = stats["roofline"]["estimated_cycles"]
    cost = stats["cost"]["estimated_cycles"]
    return {
        "size": n,
        "block": block,
        "weights": weights or dtype,
        "math_fidelity": math_fidelity,
        "transpose_b": transpose_b,
        "multicast": "semaphores" in kernel.plan,
        "strategy": kernel.plan["work_partition"]["strategy"],
        "pcc": round(pcc, 6),
        "simulation_s": round(sim_s, 2),
        "dram_bytes": moved,
        "dram_minimum_bytes": minimum,
        "dram_ratio": round(moved / minimum, 2),
        "cores_used": cores,
        "matmul_tiles_per_core": [min(per_core.values()), max(per_core.values())],
        "roofline_cycles": est,
        "bound": stats["roofline"]["bound"],
        "peak_cycles": ideal,
        "fraction_of_peak": round(ideal / est, 3),
        "cost_cycles": cost,
        "cost_bound": stats["cost"]["bound"],
        "cost_fraction_of_peak": round(ideal / cost, 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compile", action="store_true", help="measure compile time")
    parser.add_argument("--size", type=int, action="append", default=[], help="GEMM size to simulate (M = N = K)")
    parser.add_argument("--partition-strategy", choices=["row_major", "column_major", "block"],
                        help="deal blocks in this order (no multicast: every core reads its own operands); "
                             "default: the compiler's choice")
    parser.add_argument("--weights", choices=["Bfp8_b", "Bfp4_b"], help="store B in this block float")
    parser.add_argument("--block", type=int, default=128,
                        help="block_M = block_N of the reference body (a multiple of 32 dividing every size)")
    parser.add_argument("--math-fidelity", choices=["LoFi", "HiFi2", "HiFi3", "HiFi4"], default="HiFi4",
                        help="the compute kernel's math fidelity (the peak is taken at it)")
    parser.add_argument("--transpose-b", action="store_true", help="B given as (N, K), T.gemm(..., transpose_B=True)")
    args = parser.parse_args()
    bad = [n for n in args.size if n <= 0 or args.block <= 0 or args.block % 32 or n % args.block]
    if bad:
        parser.error(f"--block {args.block} must be a positive multiple of 32 dividing every --size (not {bad[0]})")
    if args.compile:
        print(json.dumps({"compile": compile_times()}))
    for n in args.size:
        print(json.dumps(gemm_report(n, partition_strategy=args.partition_strategy, weights=args.weights,
                                      block=args.block, math_fidelity=args.math_fidelity,
                                      transpose_b=args.transpose_b)))


if __name__ == "__main__":
    main()
