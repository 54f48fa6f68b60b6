"""A chain of two kernels with its intermediate in DRAM or kept sharded in L1.

    python3 benchmarks/bench_sharded_chain.py                 # 1024 x 1024, 8x8 cores
    python3 benchmarks/bench_sharded_chain.py --size 2048 --grid 8

The chain (tests_py/tilelang_style_kernels.py's sum_relu_then_scale: Y = relu(A + B), then
Z = Y * C, two T.Kernel launches in one function, bfloat16, 32x32 blocks) is compiled twice for
the simulated Wormhole n150: once with Y interleaved in DRAM (the default), once with
layouts={"Y": sharded over a grid x grid block of cores}, so the first program writes each block
of Y into the L1 of the core that the second program runs that block on. Each run is checked
against NumPy; the simulator's statistics give the DRAM bytes, the NoC bytes and the roofline
estimate of both programs; the L1 bytes split into those a core moved within its own L1 (a
block's shard on the core that runs it) and those to or from other cores. A run that moved no data or does not match NumPy fails instead of
printing numbers.
"""

import argparse
import json
import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests_py"))

import tilelang_tt  # noqa: E402
from tilelang_style_kernels import sum_relu_then_scale  # noqa: E402


def measure(name, n, grid, layouts, operands, expected):
    kernel = tilelang_tt.compile(sum_relu_then_scale(n, n, 32), out_idx=[-1], layouts=layouts)
    z = kernel(*operands)
    exact = np.array_equal(z.view(np.uint16), expected.view(np.uint16))
    stats = kernel.stats()
    totals = stats["totals"]
    dram = totals["dram_read_bytes"] + totals["dram_write_bytes"]
    noc = totals["noc_read_bytes"] + totals["noc_write_bytes"]
    local = totals["noc_local_bytes"]
    if dram == 0 or not exact:
        raise SystemExit(f"{name}: no valid measurement (DRAM bytes {dram}, matches NumPy: {exact})")
    return {"intermediate": name, "size": [n, n], "cores": grid * grid, "dram_bytes": dram, "l1_bytes_on_own_core": local,
            "l1_bytes_to_other_cores": noc - local,
            "roofline_cycles": stats["roofline"]["estimated_cycles"], "bound": stats["roofline"]["bound"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--grid", type=int, default=8, help="the shard grid is grid x grid cores")
    args = parser.parse_args()
    n, grid = args.size, args.grid
    rng = np.random.default_rng(0)
    a, b, c = (rng.uniform(-1, 1, (n, n)).astype(ml_dtypes.bfloat16) for _ in range(3))
    y = np.maximum(a.astype(np.float32) + b.astype(np.float32), 0).astype(ml_dtypes.bfloat16)
    expected = (y.astype(np.float32) * c.astype(np.float32)).astype(ml_dtypes.bfloat16)
    sharded = {"Y": {"layout": "sharded", "shard_grid": [grid, grid]}}
    reports = [measure("DRAM, interleaved", n, grid, {}, (a, b, c), expected),
               measure("L1, block-sharded", n, grid, sharded, (a, b, c), expected)]
    for report in reports:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
