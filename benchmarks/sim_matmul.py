"""Simulator benchmark: a bf16 matmul spread over a grid of cores, run through tilelang_tt.sim.

Three programs, all hand-written TT-Metalium kernels from tests_cpp/sim/kernels:

* ``blocked`` (default): each core computes a block of output tiles, streaming K in blocks and
  packing 2x4 subblocks, with partial sums spilled to CB 24 and reloaded between K blocks.
* ``mcast``: the blocked compute, fed as TT-Metalium's matmul_multicore_reuse_mcast feeds it: the
  first core of each grid row reads the row's A blocks from DRAM and multicasts them along the row,
  the first core of each column does the same with B down the column (semaphores pace both).
* ``simple``: the work is split over output tiles; every output tile streams its Kt tile pairs.

Usage: python benchmarks/sim_matmul.py [--size 1024] [--grid 8 8] [--variant blocked] [--repeat 3]
Prints the simulation wall time of each run (the first includes JIT compilation unless cached),
the roofline estimate and the cost model's (docs/simulator.md, Statistics).
Exits with an error when a size does not split over the grid, or when a run did not do every tile
product or does not match NumPy (PCC below 0.999), so a benchmark that did no work never reports
a time.
"""

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import ml_dtypes
import numpy as np

import tilelang_tt.sim as sim

KERNELS = Path(__file__).resolve().parent.parent / "tests_cpp" / "sim" / "kernels"


def ranges(x0, y0, x1, y1):
    return [[[x0, y0], [x1, y1]]]


def largest_divisor(n, candidates):
    return next(c for c in candidates if n % c == 0)


def blocking(size, gx, gy, variant):
    """How the blocked compute splits a core's share of the output: its region (tiles // gy rows by
    tiles // gx columns of tiles) in blocks_m x blocks_n blocks of block_m x block_n tiles (at most
    8x8, so a block's buffers fit L1), K in blocks of up to 4 tiles, and output subblocks of up to
    2x4 tiles (8 fit DST), each dividing its block."""
    tiles = size // 32
    if tiles % gx or tiles % gy:
        sys.exit(f"--variant {variant}: the {tiles}x{tiles} output tiles do not split into equal blocks over a "
                 f"{gx}x{gy} grid; choose a size whose tile count is a multiple of both grid extents")
    block_m, block_n = largest_divisor(tiles // gy, (8, 4, 2, 1)), largest_divisor(tiles // gx, (8, 4, 2, 1))
    return SimpleNamespace(tiles=tiles, block_m=block_m, block_n=block_n, block_k=largest_divisor(tiles, (4, 2, 1)),
                           sub_h=largest_divisor(block_m, (2, 1)), sub_w=largest_divisor(block_n, (4, 2, 1)),
                           blocks_m=tiles // gy // block_m, blocks_n=tiles // gx // block_n)


def blocked_program(size, gx, gy, device, reader, writer, b):
    """The plan of the blocked compute on every core of the grid with the given data-movement kernels."""
    cb = lambda index, pages: {"cb_index": index, "data_format": "Float16_b", "page_size": 2048, "num_pages": pages}
    return {
        "device": device,
        "core_ranges": ranges(0, 0, gx - 1, gy - 1),
        "buffers": [{"name": n, "shape": [size, size], "dtype": "bfloat16", "page_size": 2048, "layout": "dram_interleaved"}
                    for n in "ABC"],
        "circular_buffers": [cb(0, 2 * b.block_m * b.block_k), cb(1, 2 * b.block_k * b.block_n),
                             cb(16, b.block_m * b.block_n), cb(24, b.block_m * b.block_n)],
        "kernels": [
            reader,
            {"role": "compute", "source": "matmul_blocked.cpp",
             "compile_args": [b.tiles // b.block_k, b.block_m, b.block_n, b.block_k, b.sub_h, b.sub_w,
                              b.blocks_m * b.blocks_n]},
            writer,
        ],
        "compute_config": {"math_fidelity": "HiFi4"},
    }


def cores(gx, gy, block_m, block_n):
    """Each core of the grid: its plan key, logical x and y, and the first row and column tile of its block."""
    return [(f"{x},{y}", x, y, y * block_m, x * block_n) for y in range(gy) for x in range(gx)]


def blocked_plan(size, gx, gy, device):
    b = blocking(size, gx, gy, "blocked")
    if b.blocks_m * b.blocks_n > 1:
        sys.exit(f"--variant blocked: a core's {size // 32 // gy}x{size // 32 // gx} output tiles do not fit its L1 as one "
                 "block; use --variant mcast (several blocks per core), a smaller size or a larger grid")
    reader, writer = {}, {}
    for key, _, _, m0, n0 in cores(gx, gy, b.block_m, b.block_n):
        reader[key] = [{"buffer_address": "A"}, {"buffer_address": "B"}, b.tiles, b.tiles, m0, n0, b.block_m, b.block_n,
                       b.block_k]
        writer[key] = [{"buffer_address": "C"}, b.tiles, m0, n0, b.block_m, b.block_n, b.sub_h, b.sub_w]
    return blocked_program(
        size, gx, gy, device,
        {"role": "reader", "source": "read_blocked.cpp",
         "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "B"}], "runtime_args": reader},
        {"role": "writer", "source": "write_blocked.cpp", "compile_args": [{"tensor_accessor_args": "C"}],
         "runtime_args": writer},
        b)


def mcast_line(sender, first, last, sender_sem, receiver_sem, is_sender, receivers):
    """The McastLine runtime arguments (tests_cpp/sim/kernels/mcast_line.h): the receivers are the
    logical cores first..last, the sender the logical core `sender`."""
    return [int(is_sender), {"noc_x": first}, {"noc_y": first}, {"noc_x": last}, {"noc_y": last}, receivers,
            {"noc_x": sender}, {"noc_y": sender}, {"semaphore": sender_sem}, {"semaphore": receiver_sem}]


def mcast_plan(size, gx, gy, device):
    if gx < 2 or gy < 2:
        sys.exit("--variant mcast: multicasting along rows and columns needs a grid of at least 2x2 cores")
    b = blocking(size, gx, gy, "mcast")
    reader, writer = {}, {}
    for key, x, y, m0, n0 in cores(gx, gy, b.block_m * b.blocks_m, b.block_n * b.blocks_n):
        # A along row y from core (0, y) to (1..gx-1, y); B down column x from (x, 0) to (x, 1..gy-1).
        reader[key] = [{"buffer_address": "A"}, b.tiles, m0, b.block_m, b.block_k, b.blocks_m, b.blocks_n,
                       *mcast_line([0, y], [1, y], [gx - 1, y], 0, 1, x == 0, gx - 1)]
        writer[key] = [{"buffer_address": "B"}, {"buffer_address": "C"}, b.tiles, b.block_k, b.blocks_m, b.blocks_n,
                       b.tiles, m0, n0, b.block_m, b.block_n, b.sub_h, b.sub_w,
                       *mcast_line([x, 0], [x, 1], [x, gy - 1], 2, 3, y == 0, gy - 1)]
    plan = blocked_program(
        size, gx, gy, device,
        {"role": "reader", "source": "mcast_read_a.cpp", "compile_args": [{"tensor_accessor_args": "A"}],
         "runtime_args": reader},
        {"role": "writer", "source": "mcast_read_b_write_c.cpp",
         "compile_args": [{"tensor_accessor_args": "B"}, {"tensor_accessor_args": "C"}], "runtime_args": writer},
        b)
    plan["semaphores"] = [{"initial_value": 0} for _ in range(4)]
    return plan


def simple_plan(size, gx, gy, device):
    tiles = size // 32
    if (tiles * tiles) % (gx * gy):
        sys.exit(f"--variant simple: the {tiles * tiles} output tiles do not split equally over {gx * gy} cores")
    per_core = tiles * tiles // (gx * gy)
    reader, writer, compute = {}, {}, {}
    for i in range(gx * gy):
        key = f"{i % gx},{i // gx}"
        reader[key] = [{"buffer_address": "A"}, {"buffer_address": "B"}, tiles, tiles, i * per_core, per_core]
        writer[key] = [{"buffer_address": "C"}, i * per_core, per_core]
        compute[key] = [per_core, tiles]
    cb = lambda index: {"cb_index": index, "data_format": "Float16_b", "page_size": 2048, "num_pages": 2}
    return {
        "device": device,
        "core_ranges": ranges(0, 0, gx - 1, gy - 1),
        "buffers": [{"name": n, "shape": [size, size], "dtype": "bfloat16", "page_size": 2048, "layout": "dram_interleaved"}
                    for n in "ABC"],
        "circular_buffers": [cb(0), cb(1), cb(16)],
        "kernels": [
            {"role": "reader", "source": "read_matmul.cpp",
             "compile_args": [{"tensor_accessor_args": "A"}, {"tensor_accessor_args": "B"}], "runtime_args": reader},
            {"role": "compute", "source": "matmul.cpp", "runtime_args": compute},
            {"role": "writer", "source": "write_tiles.cpp", "compile_args": [{"tensor_accessor_args": "C"}],
             "runtime_args": writer},
        ],
        "compute_config": {"math_fidelity": "HiFi4"},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--grid", type=int, nargs=2, default=[8, 8])
    parser.add_argument("--variant", choices=["blocked", "mcast", "simple"], default="blocked")
    parser.add_argument("--device", default="n150")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.size <= 0 or args.size % 32:
        sys.exit(f"--size {args.size}: the programs work on whole 32x32 tiles; use a positive multiple of 32")

    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (args.size, args.size)).astype(ml_dtypes.bfloat16)
    b = rng.uniform(-1, 1, (args.size, args.size)).astype(ml_dtypes.bfloat16)
    make = {"blocked": blocked_plan, "mcast": mcast_plan, "simple": simple_plan}[args.variant]
    plan = make(args.size, args.grid[0], args.grid[1], args.device)
    want = a.astype(np.float32) @ b.astype(np.float32)
    for run in range(args.repeat):
        start = time.perf_counter()
        result = sim.run_plan(plan, KERNELS, {"A": a, "B": b})
        seconds = time.perf_counter() - start
        got = result["C"].astype(np.float32)
        pcc = np.corrcoef(got.ravel(), want.ravel())[0, 1]
        stats = result.stats
        products = sum(sim.matmul_products(k.get("tile_ops", {})) for k in stats["kernels"])
        if products != (args.size // 32) ** 3 or not pcc >= 0.999:
            sys.exit(f"run {run}: {products} tile products of the {(args.size // 32) ** 3} a {args.size}^3 matmul "
                     f"needs, PCC {pcc:.5f} vs NumPy: the program did not compute the matmul")
        print(f"run {run}: {seconds:.2f} s total, {stats['compile_seconds']:.2f} s compiling, "
              f"{stats['wall_seconds'] - stats['compile_seconds']:.2f} s simulating; PCC {pcc:.5f}; "
              f"roofline {stats['roofline']['estimated_cycles']} cycles ({stats['roofline']['bound']}-bound); "
              f"cost model {stats['cost']['estimated_cycles']} cycles ({stats['cost']['bound']}-bound)")


if __name__ == "__main__":
    main()
