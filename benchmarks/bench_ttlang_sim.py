"""Wall time of Tenstorrent's pure-Python tt-lang simulator (tt-lang-sim 1.1.6) on a bf16 matmul.

    python3 benchmarks/bench_ttlang_sim.py --size 1024 --size 2048

tt-lang-sim is not a dependency of this project: the script makes its own venv (--venv, default
/tmp/ttlang-venv), installs tt-lang-sim==1.1.6 and torch into it when they are missing, and runs
itself inside it with --worker, one process per size. Plain PyPI only has the CUDA build of torch
for Linux x86_64 (a ~0.9 GB wheel plus ~3 GB of NVIDIA libraries, which also run on a CPU); pass
--torch 'torch==2.13.0+cpu' to pick a CPU-only build where pip can see one (a find-links directory,
or PyTorch's CPU index through PIP_EXTRA_INDEX_URL).

The kernel is a tt-lang operation on an 8x8 grid (64 cores), written the way the tt-lang matmul
tutorial writes a multi-node matmul: each core owns one block of output tiles (the (M/32/8)x(N/32/8)
tiles of its grid position, so 4x4 tiles at 1024 and 8x8 at 2048), its reader streams K through
double-buffered dataflow buffers in blocks of --k-block tiles (default 4), the compute kernel adds
each A-block @ B-block product into an accumulator block held in a dataflow buffer, and the writer
stores the finished block. That is the work split of a 64-core TT-Metalium blocked matmul (per-core
output block, K streamed through circular buffers, partial sums kept on core), with the same
per-core blocks and K steps as benchmarks/sim_matmul.py's blocked program. tt-lang-sim does each
block product as one torch matmul; the time is that of the operation call (all 64 cores' kernels).

torch runs on one thread (torch.set_num_threads(1)) so the time is comparable to a single-threaded
simulator. tt-lang-sim backs bf16 with float32 by default (its documented float32 promotion): the
inputs are bf16 values, the products and sums are float32. Each line printed is
{"size": N, "tt_lang_sim_s": best of --repeat warm runs, "pcc": vs NumPy float32}; a run whose
compute kernel did not do every block product, that left an output tile unwritten, or whose PCC is
below 0.999 exits with an error instead of printing a time.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

TT_LANG_SIM = "tt-lang-sim==1.1.6"
GRID = 8
TILE = 32


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_venv(venv, torch_requirement):
    """Create the venv and install tt-lang-sim and torch into it unless they are already there."""
    python = venv_python(venv)
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    ready = subprocess.run([python, "-c", "import torch, ttl.sim, ttl.version as v; assert v.__version__ == '1.1.6'"],
                           capture_output=True)
    if ready.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", TT_LANG_SIM,
                        torch_requirement], check=True)
    return python


class BlockProductCounter:
    """Counts the compute kernels' block products over all cores.

    tt-lang-sim deep-copies what kernels capture into each core's context (every core has its own
    memory); returning self from __deepcopy__ makes the 64 cores share this one counter.
    """

    def __init__(self):
        self.count = 0

    def __deepcopy__(self, memo):
        return self


def matmul_operation(ttl, k_block, products):
    """The tt-lang operation C = A @ B over the 8x8 grid, counting its block products in products."""

    @ttl.operation(grid=(GRID, GRID))
    def matmul(a, b, c):
        m_tiles, n_tiles, k_tiles = a.shape[0] // TILE, b.shape[1] // TILE, a.shape[1] // TILE
        grid_n, grid_m = ttl.grid_size(dims=2)
        block_m, block_n = m_tiles // grid_m, n_tiles // grid_n
        a_dfb = ttl.make_dataflow_buffer_like(a, shape=(block_m, k_block), block_count=2)
        b_dfb = ttl.make_dataflow_buffer_like(b, shape=(k_block, block_n), block_count=2)
        acc_dfb = ttl.make_dataflow_buffer_like(c, shape=(block_m, block_n), block_count=2)
        c_dfb = ttl.make_dataflow_buffer_like(c, shape=(block_m, block_n), block_count=2)

        def output_block():
            node_n, node_m = ttl.node(dims=2)
            return slice(node_m * block_m, (node_m + 1) * block_m), slice(node_n * block_n, (node_n + 1) * block_n)

        @ttl.datamovement()
        def read():
            rows, cols = output_block()
            for k0 in range(0, k_tiles, k_block):
                with a_dfb.reserve() as a_blk, b_dfb.reserve() as b_blk:
                    a_copy = ttl.copy(a[rows, k0:k0 + k_block], a_blk)
                    b_copy = ttl.copy(b[k0:k0 + k_block, cols], b_blk)
                    a_copy.wait()
                    b_copy.wait()

        @ttl.compute()
        def compute():
            with acc_dfb.reserve() as acc_blk:
                acc_blk.store(ttl.block.fill(0, shape=acc_blk.shape))
            for _ in range(k_tiles // k_block):
                with a_dfb.wait() as a_blk, b_dfb.wait() as b_blk, acc_dfb.wait() as partial:
                    with acc_dfb.reserve() as acc_blk:
                        acc_blk.store(partial + a_blk @ b_blk)
                products.count += 1
            with acc_dfb.wait() as acc_blk, c_dfb.reserve() as c_blk:
                c_blk.store(acc_blk)

        @ttl.datamovement()
        def write():
            rows, cols = output_block()
            with c_dfb.wait() as c_blk:
                ttl.copy(c_blk, c[rows, cols]).wait()

    return matmul


def worker(size, repeat, k_block):
    """Runs inside the venv: time the operation and check it against NumPy."""
    import ml_dtypes
    import numpy as np
    import torch

    torch.set_num_threads(1)
    from ttl.sim import ttl, ttnn  # rebinds torch.bfloat16 to float32 (tt-lang-sim's float32 promotion)

    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (size, size)).astype(ml_dtypes.bfloat16).astype(np.float32)
    b = rng.uniform(-1, 1, (size, size)).astype(ml_dtypes.bfloat16).astype(np.float32)
    want = a @ b

    def device_tensor(array):
        return ttnn.from_torch(torch.from_numpy(array), dtype=ttnn.bfloat16, layout=ttnn.TILE_LAYOUT)

    products = BlockProductCounter()
    matmul = matmul_operation(ttl, k_block, products)
    products_needed = GRID * GRID * (tiles // k_block)
    times = []
    for run in range(repeat + 1):  # run 0 warms up and is not timed
        a_dev, b_dev = device_tensor(a), device_tensor(b)
        c_dev = device_tensor(np.full((size, size), np.nan, np.float32))  # NaN marks tiles never written
        products.count = 0
        start = time.perf_counter()
        matmul(a_dev, b_dev, c_dev)
        seconds = time.perf_counter() - start
        got = ttnn.to_torch(c_dev).float().numpy()
        unwritten = int(np.isnan(got).reshape(tiles, TILE, tiles, TILE).any(axis=(1, 3)).sum())
        pcc = float(np.corrcoef(np.nan_to_num(got).ravel(), want.ravel())[0, 1])
        if products.count != products_needed or unwritten or not pcc >= 0.999:
            sys.exit(f"size {size}, run {run}: {products.count} of {products_needed} block products, "
                     f"{unwritten} output tiles unwritten, PCC {pcc:.5f} vs NumPy: the matmul was not computed")
        if run:
            times.append(seconds)
    print(json.dumps({"size": size, "tt_lang_sim_s": round(min(times), 3), "pcc": round(pcc, 6)}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="matrix size N of the N^3 matmul (repeatable)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs after the warm-up; the best is reported")
    parser.add_argument("--k-block", type=int, default=4, help="K tiles streamed per block product")
    parser.add_argument("--venv", default="/tmp/ttlang-venv", help="venv that holds tt-lang-sim and torch")
    parser.add_argument("--torch", default="torch", help="pip requirement for torch, e.g. 'torch==2.13.0+cpu'")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = args.size or [1024, 2048]
    if args.repeat < 1 or args.k_block < 1:
        sys.exit("--repeat and --k-block must be at least 1")
    for size in sizes:  # checked before any venv is made
        if size <= 0 or size % TILE or (size // TILE) % GRID or (size // TILE) % args.k_block:
            sys.exit(f"--size {size}: the tile count must split over the {GRID}x{GRID} grid and into --k-block "
                     f"{args.k_block} tile steps; use a positive multiple of {TILE * math.lcm(GRID, args.k_block)}")
    if args.worker:
        worker(sizes[0], args.repeat, args.k_block)
        return
    python = ensure_venv(args.venv, args.torch)
    for size in sizes:
        worker_run = subprocess.run([python, os.path.abspath(__file__), "--worker", "--size", str(size),
                                     "--repeat", str(args.repeat), "--k-block", str(args.k_block)])
        if worker_run.returncode:
            sys.exit(worker_run.returncode)


if __name__ == "__main__":
    main()
