"""T.use_swizzle: TileLang's panel rasterization decides the order blocks are dealt to cores."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import ValidationError


def swizzled_gemm(M, N, K, bM, bN, bK, panel, order="row", dtype="float16"):
    @T.prim_func
    def gemm(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, bN), T.ceildiv(M, bM), threads=128) as (bx, by):
            A_shared = T.alloc_shared((bM, bK), dtype)
            B_shared = T.alloc_shared((bK, bN), dtype)
            C_local = T.alloc_fragment((bM, bN), "float")
            T.use_swizzle(panel_size=panel, order=order)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, bK), num_stages=2):
                T.copy(A[by * bM, k * bK], A_shared)
                T.copy(B[k * bK, bx * bN], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C[by * bM, bx * bN])

    return gemm


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))


def check_swizzled_512x256(strategy, **options):
    """The 512 x 256 x 64 swizzled GEMM (panels of 4) is dealt in `strategy` order and matches NumPy."""
    kernel = tilelang_tt.compile(swizzled_gemm(512, 256, 64, 32, 32, 32, panel=4), out_idx=[-1], **options)
    part = kernel.plan["work_partition"]
    assert part["strategy"] == strategy and part["panel"] == 4
    rng = np.random.default_rng(3)
    a = rng.standard_normal((512, 64)).astype(np.float16)
    b = rng.standard_normal((64, 256)).astype(np.float16)
    c = kernel(a, b).astype(np.float32)
    np.testing.assert_allclose(c, a.astype(np.float32) @ b.astype(np.float32), rtol=2e-3, atol=2e-2)


def test_swizzle_deals_blocks_in_panels_and_stays_correct():
    """A swizzled GEMM uses the panel order with the kernel's panel size and still matches NumPy."""
    check_swizzled_512x256("block")


def test_the_serpentine_order_keeps_the_swizzle_panels():
    """partition_strategy="serpentine" with T.use_swizzle: the swizzle's panels, odd rows reversed."""
    check_swizzled_512x256("serpentine", partition_strategy="serpentine")


def test_swizzle_conflicts_are_errors():
    """Column panels and the column_major strategy cannot honour the request: clear errors."""
    with pytest.raises(ValidationError, match="order=\"row\""):
        tilelang_tt.compile(swizzled_gemm(128, 128, 64, 32, 32, 32, panel=2, order="col"), out_idx=[-1])
    with pytest.raises(ValidationError, match="column_major"):
        tilelang_tt.compile(swizzled_gemm(128, 128, 64, 32, 32, 32, panel=2), out_idx=[-1],
                            partition_strategy="column_major")
