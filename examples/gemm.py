"""TileLang's reference GEMM (examples/gemm/example_gemm.py) on Tenstorrent.

The kernel body is TileLang's, unchanged; only the import lines and the decorator's target differ.
It is compiled to TT-Metalium (reader, compute and writer kernels, a host program and a runtime
plan), run on tilelang-tt's simulator of a Wormhole n150, and checked against NumPy.

    python examples/gemm.py [--size 1024] [--device wormhole] [--print-ir] [--print-source compute]
"""

import argparse

import numpy as np

import tilelang_tt
import tilelang_tt.language as T


@tilelang_tt.jit(target="tenstorrent", out_idx=[-1])
def matmul(M, N, K, block_M, block_N, block_K, dtype="float16", accum_dtype="float"):
    @T.prim_func
    def gemm(
        A: T.Tensor((M, K), dtype),
        B: T.Tensor((K, N), dtype),
        C: T.Tensor((M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)

            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)

            T.copy(C_local, C[by * block_M, bx * block_N])

    return gemm


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1024, help="M = N = K (a multiple of 128)")
    parser.add_argument("--print-ir", action="store_true", help="print the parsed TileLang IR")
    parser.add_argument("--print-source", choices=["reader", "compute", "writer", "host"], help="print a generated source")
    args = parser.parse_args()

    n = args.size
    kernel = matmul(n, n, n, 128, 128, 32)
    if args.print_ir:
        print(kernel.func)
    if args.print_source:
        print(kernel.get_kernel_source(args.print_source))

    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(np.float16)
    b = rng.standard_normal((n, n)).astype(np.float16)
    c = kernel(a, b)

    ref = a.astype(np.float32) @ b.astype(np.float32)
    got = c.astype(np.float32)
    pcc = float(np.corrcoef(got.ravel(), ref.ravel())[0, 1])
    max_err = float(np.max(np.abs(got - ref)))
    ok = pcc >= 0.999 and np.allclose(got, ref, rtol=1e-2, atol=0.25)
    print(f"GEMM {n}x{n}x{n} float16 on the simulated {kernel.plan['device']}: "
          f"{'matches' if ok else 'DOES NOT MATCH'} NumPy (PCC {pcc:.6f}, max |error| {max_err:.3g})")
    print(f"artifacts: {kernel.artifacts_dir}")
    stats = kernel.stats()
    roof = stats.get("roofline", {})
    print("statistics:", {k: roof[k] for k in sorted(roof) if not isinstance(roof[k], (dict, list))})
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
