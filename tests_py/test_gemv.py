"""GEMV and TileLang's reducers (T.alloc_reducer, updates in T.Parallel, T.finalize_reducer).

gemv_alloc_reducer is TileLang's GEMV example in its reducer form: each block keeps one partial dot
product per output row in a reducer, every K step adds a[i, j] * x[j] into it from a T.Parallel
nest, and the finalized reducer is the block's slice of o = a @ x. On Tenstorrent the update is the
product tile, folded into the reducer by a row reduction after the nest (tilelang_tt/language/
reducers.py). The SIMT forms of the example (T.get_thread_binding) are in test_simt.py."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import TTSyntaxError, ValidationError
from tilelang_tt.release_check import check_kernels

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from source_lines import marker_line

DTYPES = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16}


def gemv_alloc_reducer(M, N, block_M=64, block_N=128, num_stages=2, threads=128, dtype="bfloat16",
                       accum_dtype="float"):
    @T.prim_func
    def main(x: T.Tensor((N,), dtype), a: T.Tensor((M, N), dtype), o: T.Tensor((M,), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=threads) as i0_m:
            o_reducer = T.alloc_reducer(block_M, accum_dtype, replication="all")
            T.clear(o_reducer)
            for i0_n in T.Pipelined(T.ceildiv(N, block_N), num_stages=num_stages):
                a_smem = T.alloc_shared((block_M, block_N), dtype)
                T.copy(a[i0_m * block_M, i0_n * block_N], a_smem)
                a_frag = T.alloc_fragment((block_M, block_N), dtype)
                T.copy(a_smem, a_frag)
                x_frag = T.alloc_fragment(block_N, dtype)
                T.copy(x[i0_n * block_N], x_frag)
                for i1_m, i1_n in T.Parallel(block_M, block_N):
                    o_reducer[i1_m] += T.cast(a_frag[i1_m, i1_n], accum_dtype) * T.cast(x_frag[i1_n], accum_dtype)
            T.finalize_reducer(o_reducer)
            T.copy(o_reducer, o[i0_m * block_M])

    return main


@pytest.mark.parametrize("M,N,block_M,block_N,dtype", [
    (256, 512, 64, 128, "bfloat16"),
    (128, 1024, 32, 256, "float16"),
    (96, 320, 32, 64, "bfloat16"),
])
def test_gemv_alloc_reducer(M, N, block_M, block_N, dtype):
    kernel = tilelang_tt.compile(gemv_alloc_reducer(M, N, block_M, block_N, dtype=dtype), out_idx=[-1])
    rng = np.random.default_rng(M + N)
    x = rng.standard_normal(N).astype(DTYPES[dtype])
    a = rng.standard_normal((M, N)).astype(DTYPES[dtype])
    want = a.astype(np.float32) @ x.astype(np.float32)
    got = kernel(x, a).astype(np.float32)
    assert np.corrcoef(got, want)[0, 1] > 0.999
    # The output's rounding to dtype (half an ulp of |o| ~ sqrt(N)) plus float32 sums of N products.
    np.testing.assert_allclose(got, want, rtol=2 ** -7, atol=2 ** -6 * np.sqrt(N))
    stats = kernel.stats()["totals"]
    # a once; x once per row block, as whole tiles: a 1-D tensor is stored as one row of tiles.
    assert stats["dram_read_bytes"] == M * N * 2 + (M // block_M) * (N // 32) * 32 * 32 * 2
    if dtype == "bfloat16" and M == 256:
        check_kernels([kernel.artifacts_dir])


def row_absmax(M, N, block_M, block_N):
    """A max reducer over K steps, updated from lets inside the nest (TileLang's int8 quantization
    kernels compute their per-row scales this way)."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "float32"), O: T.Tensor((M,), "float32")):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as by:
            row_max = T.alloc_reducer((block_M,), "float32", op="max", replication="all")
            T.fill(row_max, 0.0)
            for k0 in range(T.ceildiv(N, block_N)):
                for i, j in T.Parallel(block_M, block_N):
                    v = A[by * block_M + i, k0 * block_N + j]
                    av = T.if_then_else(v < 0.0, -v, v)
                    row_max[i] = T.max(row_max[i], av)
            T.finalize_reducer(row_max)
            T.copy(row_max, O[by * block_M])

    return main


def test_a_max_reducer():
    kernel = tilelang_tt.compile(row_absmax(128, 256, 32, 64), out_idx=[-1])
    a = np.random.default_rng(1).standard_normal((128, 256)).astype(np.float32)
    # Reductions of float32 tiles run on the matrix engine, which reads float32 as TF32.
    np.testing.assert_allclose(kernel(a), np.abs(a).max(axis=1), rtol=2 ** -10)


def row_sums_then_doubled(M=64, N=64, block_M=32):
    """Two launches, each with an on-chip buffer named acc: a reducer in the first, a plain
    fragment in the second."""
    @T.prim_func
    def main(X: T.Tensor((M, N), "float32"), S: T.Tensor((M,), "float32"), Y: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            rows = T.alloc_fragment((block_M, N), "float32")
            T.copy(X[bx * block_M, 0], rows)
            acc = T.alloc_reducer(block_M, "float32")
            T.clear(acc)
            for i, j in T.Parallel(block_M, N):
                acc[i] += rows[i, j]
            T.finalize_reducer(acc)
            T.copy(acc, S[bx * block_M])
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            rows = T.alloc_fragment((block_M, N), "float32")
            T.copy(X[bx * block_M, 0], rows)
            acc = T.alloc_fragment((block_M, N), "float32")
            for i, j in T.Parallel(block_M, N):
                acc[i, j] = rows[i, j] * 2.0
            T.copy(acc, Y[bx * block_M, 0])

    return main


def test_a_reducer_is_known_by_its_buffer_not_its_name():
    """A name that is a reducer in one launch is a plain fragment in the next: its stores there are
    stores, not reducer updates."""
    kernel = tilelang_tt.compile(row_sums_then_doubled(), out_idx=[1, 2])
    x = np.random.default_rng(5).standard_normal((64, 64)).astype(np.float32)
    s, y = kernel(x)
    np.testing.assert_allclose(s, x.sum(axis=1), rtol=2 ** -9, atol=2 ** -9)
    np.testing.assert_array_equal(y, 2 * x)


# ---- errors ----------------------------------------------------------------------------------

def _line(marker):
    return marker_line(__file__, marker)


def test_reducer_errors_are_located():
    with pytest.raises(ValidationError, match='R is a reducer with op="max": update it as R\\[i\\] = '
                       "T.max\\(R\\[i\\], value\\)") as info:
        @T.prim_func
        def wrong_op(A: T.Tensor((32, 32), "float32"), O: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer(32, "float32", op="max")
                T.fill(R, 0.0)
                for i, j in T.Parallel(32, 32):
                    R[i] += A[i, j]  # sum into a max reducer
                T.finalize_reducer(R)
                T.copy(R, O[0])
    assert info.value.line == _line("# sum into a max reducer")

    with pytest.raises(TTSyntaxError, match="is updated inside a T.Parallel nest") as info:
        @T.prim_func
        def outside(A: T.Tensor((32, 32), "float32"), O: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer(32, "float32")
                T.clear(R)
                for i in T.serial(32):
                    R[i] += 1.0  # outside T.Parallel
                T.finalize_reducer(R)
                T.copy(R, O[0])
    assert info.value.line == _line("# outside T.Parallel")

    with pytest.raises(ValidationError, match="R folds 2 axes of this T.Parallel nest") as info:
        @T.prim_func
        def scalar(A: T.Tensor((32, 32), "float32"), O: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer((1,), "float32")
                T.clear(R)
                for i, j in T.Parallel(32, 32):
                    R[0] += A[i, j]  # the whole nest into one value
                T.finalize_reducer(R)
    assert info.value.line == _line("# the whole nest into one value")

    with pytest.raises(TTSyntaxError, match="R is finalized twice") as info:
        @T.prim_func
        def twice(A: T.Tensor((32, 32), "float32"), O: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer(32, "float32")
                T.clear(R)
                for i, j in T.Parallel(32, 32):
                    R[i] += A[i, j]
                T.finalize_reducer(R)
                T.finalize_reducer(R)  # again
                T.copy(R, O[0])
    assert info.value.line == _line("# again")

    with pytest.raises(TTSyntaxError, match="R is updated after T.finalize_reducer") as info:
        @T.prim_func
        def after(A: T.Tensor((32, 32), "float32"), O: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer(32, "float32")
                T.clear(R)
                T.finalize_reducer(R)
                for i, j in T.Parallel(32, 32):
                    R[i] += A[i, j]  # after finalize
                T.copy(R, O[0])
    assert info.value.line == _line("# after finalize")

    with pytest.raises(TTSyntaxError, match="T.finalize_reducer takes a buffer allocated with T.alloc_reducer"):
        @T.prim_func
        def not_a_reducer(A: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                F = T.alloc_fragment((32,), "float32")
                T.finalize_reducer(F)

    with pytest.raises(TTSyntaxError, match="op= is one of sum, max, min, got 'prod'"):
        @T.prim_func
        def bad_op(A: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer(32, "float32", op="prod")  # noqa: F841


def test_a_reducer_updated_in_two_nests_and_one_of_the_wrong_extent():
    @T.prim_func
    def two_nests(A: T.Tensor((32, 64), "float32"), O: T.Tensor((32,), "float32")):
        with T.Kernel(1, threads=128) as bx:
            a = T.alloc_fragment((32, 64), "float32")
            T.copy(A[0, 0], a)
            R = T.alloc_reducer(32, "float32")
            T.clear(R)
            for i, j in T.Parallel(32, 64):
                R[i] += a[i, j]
            for i, j in T.Parallel(32, 64):
                R[i] += a[i, j] * a[i, j]
            T.finalize_reducer(R)
            T.copy(R, O[0])

    a = np.random.default_rng(2).standard_normal((32, 64)).astype(np.float32)
    got = tilelang_tt.compile(two_nests, out_idx=[-1])(a)
    np.testing.assert_allclose(got, (a + a * a).sum(axis=1), rtol=2 ** -9, atol=2 ** -9 * 64)

    with pytest.raises(ValidationError, match=r"R has shape \[16\], but the T.Parallel axes it keeps have extents "
                       r"\[32\]") as info:
        @T.prim_func
        def small(A: T.Tensor((32, 64), "float32"), O: T.Tensor((16,), "float32")):
            with T.Kernel(1, threads=128) as bx:
                R = T.alloc_reducer(16, "float32")
                T.clear(R)
                for i, j in T.Parallel(32, 64):
                    R[i] += A[i, j]  # a reducer too small
                T.finalize_reducer(R)
                T.copy(R, O[0])
    assert info.value.line == _line("# a reducer too small")
