"""Persistent GEMM written by hand, as TileLang's persistent examples do: a fixed number of blocks
(one per core) loops over waves of output tiles and guards the last wave with
`if bx * block_M < M and by * block_N < N`. The guard depends on block indices and loop counters
only, so the reader, compute and writer kernels each decide it the same way; VerifyTTIR checks the
tile traffic core by core (docs/passes.md)."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.release_check import check_kernels

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def matmul_persistent(M, N, K, block_M, block_N, block_K, blocks, dtype="bfloat16", accum_dtype="float"):
    m_blocks, n_blocks = T.ceildiv(M, block_M), T.ceildiv(N, block_N)
    waves = T.ceildiv(m_blocks * n_blocks, blocks)

    @T.prim_func
    def main(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(blocks, threads=128) as block_id:
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            for w in T.serial(waves):
                tile = block_id + w * blocks
                bx = tile // n_blocks
                by = tile % n_blocks
                if bx * block_M < M and by * block_N < N:
                    T.clear(C_local)
                    for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                        T.copy(A[bx * block_M, k * block_K], A_shared)
                        T.copy(B[k * block_K, by * block_N], B_shared)
                        T.gemm(A_shared, B_shared, C_local)
                    T.copy(C_local, C[bx * block_M, by * block_N])

    return main


@pytest.mark.parametrize("shape, blocks", [((128, 256, 64), 6), ((200, 136, 100), 5), ((64, 64, 32), 8)])
def test_persistent_gemm_matches_numpy(private_cache, shape, blocks):  # noqa: F811
    M, N, K = shape
    kernel = tilelang_tt.compile(matmul_persistent(M, N, K, 32, 32, 32, blocks), out_idx=[-1])
    rng = np.random.default_rng(M)
    a = rng.uniform(-1, 1, (M, K)).astype(ml_dtypes.bfloat16)
    b = rng.uniform(-1, 1, (K, N)).astype(ml_dtypes.bfloat16)
    reference = a.astype(np.float32) @ b.astype(np.float32)
    c = kernel(a, b).astype(np.float32)
    np.testing.assert_allclose(c, reference, atol=0.06, rtol=0.02)
    assert np.corrcoef(c.ravel(), reference.ravel())[0, 1] >= 0.999
    # The last wave has idle blocks unless the blocks divide the tiles (35 tiles on 5 blocks: the
    # bounds check proves the guard always holds and removes it).
    idle = -(-M // 32) * -(-N // 32) % blocks != 0
    assert ("if (bx * 32 < " in kernel.get_kernel_source("compute")) == idle


def test_persistent_gemm_compiles_against_the_release(tt_release, private_cache):  # noqa: F811
    check_kernels([tilelang_tt.compile(matmul_persistent(128, 256, 64, 32, 32, 32, 6), out_idx=[-1]).artifacts_dir])
