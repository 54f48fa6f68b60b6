"""DRAM traffic of the memory-bound kernels: row softmax and RMSNorm, as TileLang writes them.

    python3 benchmarks/bench_memory_bound.py                 # 4096 x 4096
    python3 benchmarks/bench_memory_bound.py --size 1024

Each kernel (tests_py/tilelang_style_kernels.py: the online softmax with 32-row blocks and
1024-column steps, softmax and RMSNorm over whole 32-row blocks, all in bfloat16) is compiled for the
simulated Wormhole n150, run on random inputs and checked against NumPy; the simulator's statistics give the bytes
read from and written to DRAM, compared with the minimum: every input element read once and every
output element written once. The online softmax reads its input twice by design (a sweep for the
running log-sum-exp, a sweep for the output), so its floor is 3 passes of the tensor; RMSNorm's is 2.
A run that moved no data or whose result does not match NumPy fails instead of printing numbers.
At 4096 columns the whole-row kernels run with enable_prefetch=False and enable_double_buffer=False
so that their buffers fit a core's L1 (the bytes moved do not depend on them).
"""

import argparse
import json
import os
import sys

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests_py"))

import tilelang_tt  # noqa: E402
from tilelang_style_kernels import rms_norm, softmax, softmax_whole_row  # noqa: E402


def measure(name, func, x, expected, passes_by_design, **options):
    kernel = tilelang_tt.compile(func, out_idx=[-1], **options)
    y = kernel(x).astype(np.float32)
    pcc = float(np.corrcoef(y.ravel(), expected.ravel())[0, 1])
    totals = kernel.stats()["totals"]
    moved = totals["dram_read_bytes"] + totals["dram_write_bytes"]
    minimum = 2 * x.nbytes  # input read once, output (same shape and dtype) written once
    if moved == 0 or not np.isfinite(pcc) or pcc < 0.999:
        raise SystemExit(f"{name}: no valid measurement (DRAM bytes {moved}, PCC {pcc})")
    return {"kernel": name, "shape": list(x.shape), "dtype": str(x.dtype), "pcc": round(pcc, 6),
            "dram_bytes": moved, "minimum_bytes": minimum, "ratio_to_minimum": round(moved / minimum, 3),
            "ratio_to_design": round(moved / (passes_by_design * x.nbytes), 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    n = parser.parse_args().size
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, n)).astype(ml_dtypes.bfloat16)
    xf = x.astype(np.float32)
    e = np.exp(xf - xf.max(axis=1, keepdims=True))
    expected = e / e.sum(axis=1, keepdims=True)
    reports = [measure("softmax (online, 1024-column steps)",
                       softmax(n, n, block_M=32, block_N=min(n, 1024), dtype="bfloat16"), x, expected, passes_by_design=3),
               measure("softmax (whole rows)", softmax_whole_row(n, n), x, expected, passes_by_design=2,
                       enable_prefetch=n < 4096, enable_double_buffer=n < 4096)]
    # Four 32 x n bf16 buffers (the rows, the copy scaled in place, the squares, the drain to DRAM)
    # fill a core's L1 at n = 4096 only without the second input stage (DRAM traffic is the same).
    reports.append(measure("rms_norm", rms_norm(n, n, 32, dtype="bfloat16"), x,
                           xf / np.sqrt((xf * xf).mean(axis=1, keepdims=True) + 1e-12), passes_by_design=2,
                           enable_prefetch=n < 4096, enable_double_buffer=n < 4096))
    print(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
