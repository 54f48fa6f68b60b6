"""Column dimensions that are not a multiple of 32 (attention's head dimension of 16, a 48-wide
row): each tile row is padded with zeros to a whole tile and copies move whole rows; tile operations
compute on the padding too, reductions mask it, and a T.gemm summing padding that may not be zero is
a located error (verify_tt_padding.h); results on the simulator match NumPy."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T

from test_elementwise import random
from test_reductions import assert_close
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

M, N = 64, 48


def row_sums_of_scaled_sum(dtype="float32"):
    @T.prim_func
    def scaled(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype),
               S: T.Tensor((M,), dtype)):
        with T.Kernel(M // 32) as bx:
            a = T.alloc_shared((32, N), dtype)
            b = T.alloc_shared((32, N), dtype)
            c = T.alloc_fragment((32, N), dtype)
            s = T.alloc_fragment((32,), dtype)
            T.copy(A[bx * 32, 0], a)
            T.copy(B[bx * 32, 0], b)
            T.copy(a, c)
            for i, j in T.Parallel(32, N):
                c[i, j] = c[i, j] * 2.0 - b[i, j]
            T.reduce_sum(c, s, dim=1)
            T.copy(c, C[bx * 32, 0])
            T.copy(s, S[bx * 32])

    return scaled


def test_a_48_column_tensor_is_padded_and_summed_without_its_padding():
    kernel = tilelang_tt.compile(row_sums_of_scaled_sum(), out_idx=[2, 3])
    a, b = random((M, N), "float32", 61), random((M, N), "float32", 62)
    c, s = kernel(a, b)
    expected = a * 2 - b
    assert_close(c, expected, rtol=1e-5, atol=1e-5)
    assert_close(s, expected.sum(axis=1), rtol=2 ** -9, atol=2 ** -9 * 32)  # the reduce unit's precision


def padded_kernel(update):
    """A (32, 16) fragment from a (32, 16) tensor, then `update` (a T.Parallel body or a tile op)."""

    @T.prim_func
    def narrow(A: T.Tensor((32, 16), "float32"), B: T.Tensor((32, 16), "float32"),
               R: T.Tensor((32,), "float32")):
        with T.Kernel(1) as bx:
            a = T.alloc_fragment((32, 16), "float32")
            r = T.alloc_fragment((32,), "float32")
            T.copy(A[0, 0], a)
            if update == "exp":
                for i, j in T.Parallel(32, 16):
                    a[i, j] = T.exp(a[i, j])
            elif update == "plus_one":
                for i, j in T.Parallel(32, 16):
                    a[i, j] = a[i, j] + 1.0
            elif update == "fill":
                T.fill(a, 1.0)
            if update == "max":
                T.reduce_max(a, r, dim=1)
            else:
                T.reduce_sum(a, r, dim=1)
            T.copy(a, B[0, 0])
            T.copy(r, R[0])

    return narrow


@pytest.mark.parametrize("update", ["exp", "plus_one", "fill", "max"])
def test_updates_that_make_the_padding_non_zero_still_reduce_only_the_real_columns(update):
    """exp(0), 0 + 1 and a fill make the 16 padding columns of a's tile non-zero; the reduction
    masks them, and the copy to B leaves them in B's padding, which the host drops."""
    a = random((32, 16), "float32", 20)
    b, r = tilelang_tt.compile(padded_kernel(update), out_idx=[1, 2])(a)
    updated = {"exp": np.exp(a), "plus_one": a + 1, "fill": np.ones_like(a), "max": a}[update]
    reduced = updated.max(axis=1) if update == "max" else updated.sum(axis=1)
    np.testing.assert_allclose(b, updated, rtol=2 ** -9, atol=2 ** -9)
    np.testing.assert_allclose(r, reduced, rtol=2 ** -8, atol=2 ** -6)


def test_a_copy_of_part_of_a_tile_is_a_located_error():
    @T.prim_func
    def partial(A: T.Tensor((32, 48), "float32"), B: T.Tensor((32, 16), "float32")):
        with T.Kernel(1) as bx:
            a = T.alloc_shared((32, 16), "float32")
            T.copy(A[0, 16], a)
            T.copy(a, B[0, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError,
                       match="dimension 1 of the region of A has extent 16, which is not a constant multiple of 32") as info:
        tilelang_tt.compile(partial, out_idx=[1])
    assert info.value.line is not None and "T.copy(A[0, 16], a)" in str(info.value)
