"""Pipeline benchmark (Python): run_pipeline on TileLang's reference GEMM, parsed by the frontend,
at 1024^3 (8x8 launch grid) and 16384^3 (128x128 launch grid), 128x128x32 blocks, bf16, wormhole.

Usage: python benchmarks/bench_pipeline.py [--repeat 20] [--pipeline "A -> B"]
Prints, per size, the median time of parsing the kernel, of run_pipeline as seen from Python, and
of the passes as the C++ pipeline measured them (the difference is the binding overhead).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

from gemm import matmul  # noqa: E402  examples/gemm.py

from tilelang_tt import passes  # noqa: E402

# The kernel factory under examples/gemm.py's @jit decorator: returns the parsed T.prim_func.
parse_gemm = matmul.__wrapped__


def bench(size, repeat, pipeline):
    parse, python, cpp = [], [], []
    per_pass = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        func = parse_gemm(size, size, size, 128, 128, 32, dtype="bfloat16")
        t1 = time.perf_counter()
        result = passes.run_pipeline(func, pipeline=pipeline, return_report=True)
        t2 = time.perf_counter()
        parse.append((t1 - t0) * 1e3)
        python.append((t2 - t1) * 1e3)
        cpp.append(result.report["total_milliseconds"])
        for row in result.report["passes"]:
            per_pass.setdefault(row["pass"], []).append(row["milliseconds"] + row["verify_milliseconds"])
    grid = size // 128
    print(f"gemm {size}^3, 128x128x32 blocks, launch grid {grid}x{grid}, wormhole: median of {repeat} runs")
    for name, times in per_pass.items():
        print(f"  {name:<24} {statistics.median(times):9.3f} ms (with verification)")
    print(f"  {'passes (C++ total)':<24} {statistics.median(cpp):9.3f} ms")
    print(f"  {'run_pipeline (Python)':<24} {statistics.median(python):9.3f} ms")
    print(f"  {'parse (frontend)':<24} {statistics.median(parse):9.3f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pipeline", default=passes.DEFAULT_PIPELINE)
    args = parser.parse_args()
    for size in (1024, 16384):
        bench(size, args.repeat, args.pipeline)


if __name__ == "__main__":
    main()
