"""DRAM traffic and roofline estimate of attention as TileLang writes it: MHA forward on BHSD tensors.

    python3 benchmarks/bench_attention.py                          # batch 1, 16 heads, seq 4096, dim 128
    python3 benchmarks/bench_attention.py --heads 1 --seq 1024     # a quicker run

The kernel is tests_py/test_attention.py's mha_forward (TileLang's flash-attention forward body,
which also writes each row's log-sum-exp), non-causal and causal, in bfloat16 with float32
accumulation, compiled for the simulated Wormhole n150, run on random inputs and checked against
NumPy. The simulator's statistics give the bytes read from and written to DRAM, compared with the
minimum (Q, K and V read once, O and the float32 log-sum-exp written once),
and its roofline estimate of the run's time, compared with the time the n150's peak matrix
throughput needs for the kernel's FLOPs (4 * batch * heads * seq^2 * dim, half of it causal). A run
that moved no data or whose result does not match NumPy fails instead of printing numbers.
"""

import argparse
import json
import os
import sys
import time

import ml_dtypes
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests_py"))

import tilelang_tt  # noqa: E402
from test_attention import mha_forward, mha_reference  # noqa: E402
from bench_gemm import HIFI4_CYCLES_PER_TILE  # noqa: E402

CORES = 64  # the n150's worker cores


def measure(batch, heads, seq, dim, block_M, block_N, causal):
    kernel = tilelang_tt.compile(mha_forward(batch, heads, seq, dim, block_M, block_N, is_causal=causal),
                                 out_idx=[3, 4])
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((batch, heads, seq, dim)).astype(ml_dtypes.bfloat16) for _ in range(3))
    start = time.perf_counter()
    out, lse = kernel(q, k, v)
    seconds = time.perf_counter() - start
    expected, expected_lse = mha_reference(q, k, v, 1, causal, False)
    pcc = float(np.corrcoef(out.astype(np.float32).ravel(), expected.ravel())[0, 1])
    if not np.allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5):
        raise SystemExit(f"the log-sum-exp does not match NumPy (max error {np.abs(lse - expected_lse).max()})")
    stats = kernel.stats()
    totals = stats["totals"]
    moved = totals["dram_read_bytes"] + totals["dram_write_bytes"]
    minimum = 4 * q.nbytes + lse.nbytes
    if moved == 0 or not np.isfinite(pcc) or pcc < 0.999:
        raise SystemExit(f"no valid measurement (DRAM bytes {moved}, PCC {pcc})")
    flops = 4 * batch * heads * seq * seq * dim // (2 if causal else 1)
    # One 32x32x32 matmul tile is 2 * 32**3 FLOPs and takes HIFI4_CYCLES_PER_TILE on one core.
    peak_cycles = flops / (2 * 32 ** 3) * HIFI4_CYCLES_PER_TILE / CORES
    estimated = stats["roofline"]["estimated_cycles"]
    return {"kernel": "mha_fwd_bhsd" + (" causal" if causal else ""), "shape": [batch, heads, seq, dim],
            "blocks": [block_M, block_N], "pcc": round(pcc, 6), "dram_bytes": moved, "minimum_bytes": minimum,
            "ratio_to_minimum": round(moved / minimum, 2), "flops": flops, "roofline_cycles": estimated,
            "bound": stats["roofline"]["bound"], "peak_cycles": round(peak_cycles),
            "fraction_of_peak": round(peak_cycles / estimated, 3), "simulation_s": round(seconds, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--heads", type=int, default=16)
    parser.add_argument("--seq", type=int, default=4096)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--block-m", type=int, default=64)
    parser.add_argument("--block-n", type=int, default=64)
    args = parser.parse_args()
    for causal in (False, True):
        print(json.dumps(measure(args.batch, args.heads, args.seq, args.dim, args.block_m, args.block_n, causal)))


if __name__ == "__main__":
    main()
