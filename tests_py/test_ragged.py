"""Ragged sizes: tensors whose extents are not multiples of 32 or of the kernel's blocks, with the
grids TileLang writes for them (T.ceildiv). Accesses are bounds-checked as in TileLang: a block
that runs past a tensor's edge reads zeros there and its writes past the edge are dropped; the
tensor is stored padded (plan key padded_shape) and outputs come back at their logical shape.
Every kernel runs on the simulator against NumPy and passes the real-header check."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.release_check import check_kernels

from reference_kernels import matmul
from test_attention import mha_forward, mha_reference
from test_elementwise import random
from test_reductions import assert_close
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from tilelang_style_kernels import (elementwise_add, gemm_relu, layer_norm, rms_norm, rms_norm_chunked, softmax,
                                    softmax_whole_row)

EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7}


def gemm_transpose_a(M, N, K, block_M, block_N, block_K, dtype="float16", accum_dtype="float"):
    """C = A^T @ B with A stored (K, M), as TileLang's transpose_A GEMMs take it."""

    @T.prim_func
    def gemm(A: T.Tensor((K, M), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_K, block_M), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[k * block_K, by * block_M], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local, transpose_A=True)
            T.copy(C_local, C[by * block_M, bx * block_N])

    return gemm


VARIANTS = {
    "plain": (lambda M, N, K, b, d: matmul(M, N, K, *b, dtype=d), lambda a, b: a @ b, False, False),
    "transpose_A": (lambda M, N, K, b, d: gemm_transpose_a(M, N, K, *b, dtype=d), lambda a, b: a.T @ b, True, False),
    "transpose_B": (lambda M, N, K, b, d: matmul(M, N, K, *b, dtype=d, trans_B=True), lambda a, b: a @ b.T, False, True),
    "relu": (lambda M, N, K, b, d: gemm_relu(M, N, K, *b, dtype=d), lambda a, b: np.maximum(a @ b, 0), False, False),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("shape", [(200, 136, 100, (64, 64, 32)), (96, 80, 48, (32, 32, 32))],
                         ids=["200x136x100", "96x80x48"])
def test_gemm_at_ragged_sizes(shape, dtype, variant):
    M, N, K, blocks = shape
    build, reference, trans_a, trans_b = VARIANTS[variant]
    kernel = tilelang_tt.compile(build(M, N, K, blocks, dtype), out_idx=[-1])
    a = random((K, M) if trans_a else (M, K), dtype, M + K)
    b = random((N, K) if trans_b else (K, N), dtype, N + K)
    c = kernel(a, b)
    assert c.shape == (M, N)
    expected = reference(a.astype(np.float32), b.astype(np.float32))
    assert_close(c, expected, rtol=2 * EPS[dtype], atol=2 * EPS[dtype] * np.sqrt(K))


def test_a_ragged_gemm_is_stored_padded_to_its_blocks():
    kernel = tilelang_tt.compile(matmul(200, 136, 100, 64, 64, 32), out_idx=[-1])
    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    assert buffers["A"]["shape"] == [200, 100] and buffers["A"]["padded_shape"] == [256, 128]
    assert buffers["B"]["padded_shape"] == [128, 192]
    assert buffers["C"]["padded_shape"] == [256, 192] and buffers["C"]["num_pages"] == 8 * 6


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_elementwise_add_at_100x72(dtype):
    kernel = tilelang_tt.compile(elementwise_add(100, 72, 32, 32, dtype, dtype), out_idx=[-1])
    a, b = random((100, 72), dtype, 1), random((100, 72), dtype, 2)
    expected = (a.astype(np.float32) + b.astype(np.float32)).astype(a.dtype)
    np.testing.assert_array_equal(kernel(a, b), expected)


def test_blocks_past_the_edge_read_zeros_and_their_writes_are_dropped():
    """A block of 128 columns of a 64-column A: its columns past 64 read zeros, which land in C's
    columns 64..127; a block of 128 rows of a 64-row D copies back only D's own 64 rows."""

    @T.prim_func
    def wide(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 128), "float32")):
        with T.Kernel(1, 2) as (bx, by):
            S = T.alloc_shared((32, 128), "float32")
            T.copy(A[by * 32, bx * 128], S)
            T.copy(S, C[by * 32, bx * 128])

    @T.prim_func
    def tall(D: T.Tensor((64, 64), "float32"), E: T.Tensor((64, 64), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((128, 64), "float32")
            T.copy(D[bx * 128, 0], S)
            T.copy(S, E[bx * 128, 0])

    a = random((64, 64), "float32", 3)
    c = tilelang_tt.compile(wide, out_idx=[1])(a)
    np.testing.assert_array_equal(c[:, :64], a)
    np.testing.assert_array_equal(c[:, 64:], np.zeros((64, 64), np.float32))
    np.testing.assert_array_equal(tilelang_tt.compile(tall, out_idx=[1])(a), a)


def test_a_block_starting_past_the_edge_is_still_a_located_error():
    @T.prim_func
    def outside(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(3) as bx:
            S = T.alloc_shared((32, 64), "float32")
            T.copy(A[bx * 32, 0], S)
            T.copy(S, C[bx * 32, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="reaches elements 0 to 95 of dimension 0 of A"):
        tilelang_tt.compile(outside, out_idx=[1])


def test_rms_norm_at_100_rows_of_200_columns():
    kernel = tilelang_tt.compile(rms_norm(100, 200, 32, dtype="float32"), out_idx=[-1])
    x = random((100, 200), "float32", 4)
    expected = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-12)
    assert_close(kernel(x), expected, rtol=2 ** -9, atol=2 ** -9)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_attention_at_seq_len_100(dtype):
    """Keys past seq_len start from -inf in the kernel (TileLang's variable-length style); the last
    query and K/V blocks run past the tensors' edge."""
    batch, heads, seq_len, dim = 1, 2, 100, 64
    kernel = tilelang_tt.compile(
        mha_forward(batch, heads, seq_len, dim, 32, 32, dtype=dtype, mask_keys_past_seq_len=True), out_idx=[3, 4])
    q, k, v = (random((batch, heads, seq_len, dim), dtype, seed) for seed in (5, 6, 7))
    out, lse = kernel(q, k, v)
    expected_out, expected_lse = mha_reference(q, k, v, 1, False, False)
    assert out.shape == (batch, heads, seq_len, dim) and lse.shape == (batch, heads, seq_len)
    assert_close(out, expected_out, rtol=2 ** -5, atol=2 ** -5)
    np.testing.assert_allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5)


def test_ragged_programs_compile_against_the_release(tt_release):
    check_kernels([tilelang_tt.compile(f, out_idx=[-1]).artifacts_dir
                   for f in (matmul(200, 136, 100, 64, 64, 32), gemm_transpose_a(200, 136, 100, 64, 64, 32),
                             elementwise_add(100, 72, 32, 32), rms_norm(100, 200, 32, dtype="float32"),
                             centered_rows(100, 200, 32, "min"), softmax_whole_row(100, 200),
                             online_softmax_masked(100, 200, 32, 64),
                             softmax(64, 200, block_M=32, block_N=128, dtype="float32"))] +
                  [tilelang_tt.compile(mha_forward(1, 2, 100, 64, 32, 32, mask_keys_past_seq_len=True),
                                       out_idx=[3, 4]).artifacts_dir])


REDUCE = {"sum": np.sum, "max": np.max, "min": np.min, "absmax": lambda x, axis: np.abs(x).max(axis=axis),
          "abssum": lambda x, axis: np.abs(x).sum(axis=axis)}


def centered_rows(M, N, block_M, kind):
    """Y = X minus the reduction of each of its rows, whole rows of N columns on chip."""

    @T.prim_func
    def center(X: T.Tensor((M, N), "float32"), Y: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(M, block_M)) as bm:
            x = T.alloc_fragment((block_M, N), "float32")
            stat = T.alloc_fragment((block_M,), "float32")
            T.copy(X[bm * block_M, 0], x)
            if kind == "sum":
                T.reduce_sum(x, stat, dim=1)
            elif kind == "max":
                T.reduce_max(x, stat, dim=1)
            elif kind == "min":
                T.reduce_min(x, stat, dim=1)
            elif kind == "absmax":
                T.reduce_absmax(x, stat, dim=1)
            else:
                T.reduce_abssum(x, stat, dim=1)
            for i, j in T.Parallel(block_M, N):
                x[i, j] = x[i, j] - stat[i]
            T.copy(x, Y[bm * block_M, 0])

    return center


@pytest.mark.parametrize("kind", sorted(REDUCE))
def test_reductions_of_whole_rows_of_200_columns_ignore_the_padding(kind):
    """The rows' last tiles hold 24 columns of padding: the pool reads it masked to the identity
    (an all-negative row's maximum is not 0, its minimum of negated values is not 0)."""
    x = random((100, 200), "float32", 11) - 4.0  # all negative: a zero from the padding would show
    y = tilelang_tt.compile(centered_rows(100, 200, 32, kind), out_idx=[-1])(x)
    expected = x - REDUCE[kind](x, axis=1)[:, None]
    # The pool reads the source through the matrix engine's 19-bit registers (10 mantissa bits).
    assert_close(y, expected, rtol=2 ** -9, atol=2 ** -9 * (256 if "sum" in kind else 8))


def test_softmax_and_layer_norm_over_rows_of_200_columns():
    x = random((100, 200), "bfloat16", 12)
    xf = x.astype(np.float32)
    e = np.exp(xf - xf.max(axis=1, keepdims=True))
    softmax = tilelang_tt.compile(softmax_whole_row(100, 200), out_idx=[-1])
    assert_close(softmax(x), e / e.sum(axis=1, keepdims=True), rtol=2 ** -6, atol=2 ** -6 / 200 * 8)
    for dtype, tol in (("bfloat16", 2 ** -6), ("float32", 2 ** -9)):
        norm = tilelang_tt.compile(layer_norm(100, 200, block_M=32, in_dtype=dtype, out_dtype=dtype), out_idx=[3, 4, 5])
        x, gamma, beta = random((100, 200), dtype, 8), random((200,), dtype, 9), random((200,), dtype, 10)
        y, mean, rstd = norm(x, gamma, beta)
        xf = x.astype(np.float32)
        mu, r = xf.mean(axis=1), 1 / np.sqrt(xf.var(axis=1) + 1e-5)
        assert_close(mean, mu, rtol=tol, atol=tol)
        assert_close(rstd, r, rtol=tol, atol=tol)
        assert_close(y, (xf - mu[:, None]) * r[:, None] * gamma.astype(np.float32) + beta.astype(np.float32),
                     rtol=tol, atol=4 * tol)


def online_softmax_masked(M, N, block_M, block_N):
    """TileLang's online softmax over column blocks of block_N, the elements past N (read as zeros
    from the last block past the edge) masked to -inf as a variable-length kernel does."""

    @T.prim_func
    def softmax_rows(X: T.Tensor((M, N), "bfloat16"), Y: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(T.ceildiv(M, block_M)) as bm:
            x = T.alloc_fragment((block_M, block_N), "float32")
            row_max = T.alloc_fragment((block_M,), "float32")
            prev_max = T.alloc_fragment((block_M,), "float32")
            row_sum = T.alloc_fragment((block_M,), "float32")
            block_sum = T.alloc_fragment((block_M,), "float32")
            T.fill(row_max, -T.infinity("float32"))
            T.fill(row_sum, 0)
            for s in T.serial(T.ceildiv(N, block_N)):
                T.copy(X[bm * block_M, s * block_N], x)
                for i, j in T.Parallel(block_M, block_N):
                    x[i, j] = T.if_then_else(s * block_N + j < N, x[i, j], -T.infinity("float32"))
                T.copy(row_max, prev_max)
                T.reduce_max(x, row_max, dim=1, clear=False)
                for i, j in T.Parallel(block_M, block_N):
                    x[i, j] = T.exp(x[i, j] - row_max[i])
                T.reduce_sum(x, block_sum, dim=1)
                for i in T.Parallel(block_M):
                    row_sum[i] = row_sum[i] * T.exp(prev_max[i] - row_max[i]) + block_sum[i]
            for s in T.serial(T.ceildiv(N, block_N)):
                T.copy(X[bm * block_M, s * block_N], x)
                for i, j in T.Parallel(block_M, block_N):
                    x[i, j] = T.exp(x[i, j] - row_max[i]) / row_sum[i]
                T.copy(x, Y[bm * block_M, s * block_N])

    return softmax_rows


def test_online_softmax_body_with_blocks_of_whole_rows_at_100x200():
    """tilelang_style_kernels.softmax (TileLang's two-sweep softmax) with block_N = N = 200: its loops
    over T.ceildiv(N, block_N) = 1 block copy whole rows, and the reductions mask their padding."""
    x = random((100, 200), "bfloat16", 14)
    xf = x.astype(np.float32)
    e = np.exp(xf - xf.max(axis=1, keepdims=True))
    y = tilelang_tt.compile(softmax(100, 200, block_M=32, block_N=200, dtype="bfloat16"), out_idx=[-1])(x)
    assert_close(y, e / e.sum(axis=1, keepdims=True), rtol=2 ** -6, atol=2 ** -6 / 200 * 8)


def test_online_softmax_at_100x200_in_blocks_of_64_columns():
    x = random((100, 200), "bfloat16", 13)
    xf = x.astype(np.float32)
    e = np.exp(xf - xf.max(axis=1, keepdims=True))
    y = tilelang_tt.compile(online_softmax_masked(100, 200, 32, 64), out_idx=[-1])(x)
    assert_close(y, e / e.sum(axis=1, keepdims=True), rtol=2 ** -6, atol=2 ** -6 / 200 * 8)


def test_a_gemm_summing_padding_that_may_not_be_zero_is_a_located_error():
    @T.prim_func
    def shifted(A: T.Tensor((64, 48), "float32"), B: T.Tensor((48, 64), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(1) as bx:
            a = T.alloc_fragment((64, 48), "float32")
            b = T.alloc_shared((48, 64), "float32")
            c = T.alloc_fragment((64, 64), "float32")
            T.copy(A[0, 0], a)
            T.copy(B[0, 0], b)
            for i, j in T.Parallel(64, 48):
                a[i, j] = T.exp(a[i, j])
            T.clear(c)
            T.gemm(a, b, c)
            T.copy(c, C[0, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="sums over the 48 elements of dimension 1 of a") as info:
        tilelang_tt.compile(shifted, out_idx=[2])
    assert "T.gemm(a, b, c)" in str(info.value)


def test_row_sums_carried_across_column_blocks():
    """T.reduce_sum(clear=False) into a vector T.fill started: blocks of 64 of a 200-column row,
    the last one past the edge (its zeros add nothing)."""

    @T.prim_func
    def row_sums(X: T.Tensor((100, 200), "float32"), R: T.Tensor((100,), "float32")):
        with T.Kernel(T.ceildiv(100, 32)) as bm:
            x = T.alloc_fragment((32, 64), "float32")
            total = T.alloc_fragment((32,), "float32")
            T.fill(total, 0)
            for k in T.serial(T.ceildiv(200, 64)):
                T.copy(X[bm * 32, k * 64], x)
                T.reduce_sum(x, total, dim=1, clear=False)
            T.copy(total, R[bm * 32])

    x = random((100, 200), "float32", 15)
    assert_close(tilelang_tt.compile(row_sums, out_idx=[1])(x), x.sum(axis=1), rtol=2 ** -9, atol=2 ** -9 * 256)


def test_a_tensor_one_column_wide_is_a_matrix():
    """X[rows, :] of a (64, 1) tensor is a 32 x 1 block of a matrix (its tiles hold the column),
    not a vector of a batch."""

    @T.prim_func
    def column_max(X: T.Tensor((64, 1), "float32"), Y: T.Tensor((64, 1), "float32")):
        with T.Kernel(2) as bm:
            x = T.alloc_fragment((32, 1), "float32")
            m = T.alloc_fragment((32,), "float32")
            T.copy(X[bm * 32:(bm + 1) * 32, :], x)
            T.reduce_max(x, m, dim=1)
            for i, j in T.Parallel(32, 1):
                x[i, j] = x[i, j] - m[i] + 1.0
            T.copy(x, Y[bm * 32:(bm + 1) * 32, :])

    kernel = tilelang_tt.compile(column_max, out_idx=[1])
    assert "storage_order" not in {b["name"]: b for b in kernel.plan["buffers"]}["X"]
    # x - max(x) over one column is 0, up to the pool's 19-bit read of x (10 mantissa bits).
    np.testing.assert_allclose(kernel(random((64, 1), "float32", 16)), np.ones((64, 1), np.float32), atol=2 ** -8)


def gemm_after(update):
    """a @ b^T over K = 48 (one padded tile column) after an element-wise update of b."""

    @T.prim_func
    def gemm(A: T.Tensor((64, 48), "float32"), B: T.Tensor((64, 48), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(1) as bx:
            a = T.alloc_fragment((64, 48), "float32")
            b = T.alloc_fragment((64, 48), "float32")
            c = T.alloc_fragment((64, 64), "float32")
            T.copy(A[0, 0], a)
            T.copy(B[0, 0], b)
            for i, j in T.Parallel(64, 48):
                if update == "relu":
                    b[i, j] = T.max(b[i, j], 0.0)
                elif update == "sqrt":
                    b[i, j] = T.sqrt(b[i, j])
                elif update == "reciprocal":
                    b[i, j] = 1.0 / b[i, j]
                else:
                    b[i, j] = b[i, j] * T.log(b[i, j])
            T.clear(c)
            T.gemm(a, b, c, transpose_B=True)
            T.copy(c, C[0, 0])

    return gemm


@pytest.mark.parametrize("update", ["relu", "sqrt"])
def test_a_gemm_after_updates_that_keep_the_padding_zero(update):
    a, b = random((64, 48), "float32", 17), np.abs(random((64, 48), "float32", 18)) + 0.5
    c = tilelang_tt.compile(gemm_after(update), out_idx=[2])(a, b)
    b_new = np.maximum(b, 0) if update == "relu" else np.sqrt(b)
    assert_close(c, a @ b_new.T, rtol=2 ** -9, atol=2 ** -9 * 48)


@pytest.mark.parametrize("update", ["reciprocal", "times_log"])
def test_a_gemm_after_updates_that_may_make_the_padding_inf_is_a_located_error(update):
    """1 / 0 and 0 * log(0) are not zero: the padding of b would turn the sums into NaN."""
    with pytest.raises(tilelang_tt.errors.ValidationError, match="dimension 1 of b, padded to whole tiles") as info:
        tilelang_tt.compile(gemm_after(update), out_idx=[2])
    assert "T.gemm(a, b, c, transpose_B=True)" in str(info.value)


def test_padding_passed_to_a_later_launch_must_be_zero():
    @T.prim_func
    def two_launches(X: T.Tensor((32, 100), "float32"), Y: T.Tensor((32, 100), "float32")):
        tmp = T.alloc_global((32, 100), "float32")
        with T.Kernel(1) as bx:
            x = T.alloc_fragment((32, 100), "float32")
            T.copy(X[0, 0], x)
            for i, j in T.Parallel(32, 100):
                x[i, j] = T.exp(x[i, j])
            T.copy(x, tmp[0, 0])
        with T.Kernel(1) as bx:
            t = T.alloc_fragment((32, 100), "float32")
            T.copy(tmp[0, 0], t)
            T.copy(t, Y[0, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="writes x into tmp for a later launch"):
        tilelang_tt.compile(two_launches, out_idx=[1])


def test_a_tensor_written_past_its_edge_before_a_later_launch_is_a_located_error():
    @T.prim_func
    def two_launches(X: T.Tensor((100, 64), "float32"), Y: T.Tensor((100, 64), "float32")):
        tmp = T.alloc_global((100, 64), "float32")
        with T.Kernel(T.ceildiv(100, 32)) as bm:
            x = T.alloc_fragment((32, 64), "float32")
            T.copy(X[bm * 32, 0], x)
            T.copy(x, tmp[bm * 32, 0])
        with T.Kernel(T.ceildiv(100, 32)) as bm:
            t = T.alloc_fragment((32, 64), "float32")
            T.copy(tmp[bm * 32, 0], t)
            T.copy(t, Y[bm * 32, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="blocks of this launch run past the edge of tmp"):
        tilelang_tt.compile(two_launches, out_idx=[1])


def test_padding_a_gemm_carries_into_its_result_is_checked_too():
    """exp makes v's padding columns 1; p @ v carries them into o's, which the next gemm sums."""

    @T.prim_func
    def chained(P: T.Tensor((32, 32), "float32"), V: T.Tensor((32, 48), "float32"),
                W: T.Tensor((32, 48), "float32"), C: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            p = T.alloc_shared((32, 32), "float32")
            v = T.alloc_shared((32, 48), "float32")
            w = T.alloc_shared((32, 48), "float32")
            o = T.alloc_fragment((32, 48), "float32")
            c = T.alloc_fragment((32, 32), "float32")
            T.copy(P[0, 0], p)
            T.copy(V[0, 0], v)
            T.copy(W[0, 0], w)
            for i, j in T.Parallel(32, 48):
                v[i, j] = T.exp(v[i, j])
            T.clear(o)
            T.gemm(p, v, o)
            T.clear(c)
            T.gemm(o, w, c, transpose_B=True)
            T.copy(c, C[0, 0])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="dimension 1 of o, padded to whole tiles"):
        tilelang_tt.compile(chained, out_idx=[3])


def test_two_sweep_softmax_in_blocks_past_the_edge():
    """TileLang's two-sweep softmax over 200 columns in blocks of 128: the second block runs 56
    columns past the edge, which its maximum and its sum of exponentials must not see (the zeros
    read there would raise the maximum and add exp(-max) each)."""
    x = random((64, 200), "float32", 21)
    y = tilelang_tt.compile(softmax(64, 200, block_M=32, block_N=128, dtype="float32"), out_idx=[-1])(x)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    assert_close(y, e / e.sum(axis=1, keepdims=True), rtol=2 ** -9, atol=2 ** -14)


def reduce_blocks(kind, M, N, block_M, block_N, dim, dtype, shift):
    """Reduces x - shift along dim, block by block with clear=False: blocks of block_N columns (dim
    1) or block_M rows (dim 0), the last of which runs past the tensor's edge."""
    kept, kept_block = (M, block_M) if dim == 1 else (N, block_N)

    @T.prim_func
    def reduce_rows(X: T.Tensor((M, N), dtype), R: T.Tensor((kept,), dtype)):
        with T.Kernel(T.ceildiv(kept, kept_block)) as b:
            x = T.alloc_fragment((block_M, block_N), dtype)
            y = T.alloc_fragment((block_M, block_N), dtype)
            total = T.alloc_fragment((kept_block,), dtype)
            if kind == "max":
                T.fill(total, -T.infinity(dtype))
            elif kind == "min":
                T.fill(total, T.infinity(dtype))
            else:
                T.fill(total, 0)
            for s in T.serial(T.ceildiv(N, block_N) if dim == 1 else T.ceildiv(M, block_M)):
                if dim == 1:
                    T.copy(X[b * block_M, s * block_N], x)
                else:
                    T.copy(X[s * block_M, b * block_N], x)
                for i, j in T.Parallel(block_M, block_N):
                    y[i, j] = x[i, j] - shift
                if kind == "sum":
                    T.reduce_sum(y, total, dim=dim, clear=False)
                elif kind == "max":
                    T.reduce_max(y, total, dim=dim, clear=False)
                elif kind == "min":
                    T.reduce_min(y, total, dim=dim, clear=False)
                elif kind == "absmax":
                    T.reduce_absmax(y, total, dim=dim, clear=False)
                else:
                    T.reduce_abssum(y, total, dim=dim, clear=False)
            T.copy(total, R[b * kept_block])

    return reduce_rows


# Per kind: the range of the offsets of the reduced lines (each line is its offset plus values within
# 0.5) and the shift, chosen so that the zeros past the edge would change the result: a maximum of
# negative values, a minimum of positive ones, sums of x + 1 and |x - 1|, the largest magnitude of
# x - 2 (below 0.7, while a zero read past the edge gives 2).
PAST_THE_EDGE = {"max": ((-3, -1), 0.0), "min": ((1, 3), 0.0), "sum": ((-3, 3), -1.0), "absmax": ((1.8, 2.2), 2.0),
                 "abssum": ((-3, 3), 1.0)}


def reduced_past_the_edge(kind, shape, blocks, dim, dtype, seed):
    (low, high), shift = PAST_THE_EDGE[kind]
    rng = np.random.default_rng(seed)
    offsets = np.expand_dims(rng.uniform(low, high, shape[1 - dim]), dim)
    x = (rng.uniform(-0.5, 0.5, shape) + offsets).astype(ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float32)
    r = tilelang_tt.compile(reduce_blocks(kind, *shape, *blocks, dim, dtype, shift), out_idx=[-1])(x)
    expected = REDUCE[kind](x.astype(np.float32) - shift, axis=dim)
    tol = 2 ** -9 if dtype == "float32" else 2 ** -6
    assert_close(r, expected, rtol=tol, atol=tol * (shape[dim] if "sum" in kind else 2))


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
@pytest.mark.parametrize("kind", sorted(PAST_THE_EDGE))
def test_reductions_of_blocks_past_the_edge_ignore_it(kind, dtype):
    """Rows of 200 columns in blocks of 128: the second block's last 56 columns lie past the edge."""
    reduced_past_the_edge(kind, (64, 200), (32, 128), 1, dtype, 22)


def centered_row_blocks(kind, M, N, block_M, block_N, shift):
    """Y = X minus the column sums or maxima of X - shift over each block of block_M rows, the last
    of which runs past the bottom edge."""

    @T.prim_func
    def center(X: T.Tensor((M, N), "float32"), Y: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
            x = T.alloc_fragment((block_M, block_N), "float32")
            y = T.alloc_fragment((block_M, block_N), "float32")
            stat = T.alloc_fragment((block_N,), "float32")
            T.copy(X[by * block_M, bx * block_N], x)
            for i, j in T.Parallel(block_M, block_N):
                y[i, j] = x[i, j] - shift
            if kind == "sum":
                T.reduce_sum(y, stat, dim=0)
            else:
                T.reduce_max(y, stat, dim=0)
            for i, j in T.Parallel(block_M, block_N):
                y[i, j] = x[i, j] - stat[j]
            T.copy(y, Y[by * block_M, bx * block_N])

    return center


@pytest.mark.parametrize("kind", ["max", "sum"])
def test_column_reductions_of_blocks_past_the_bottom_edge_ignore_it(kind):
    """Columns of 100 rows in blocks of 64: the second block's last 28 rows lie past the edge."""
    (low, high), shift = PAST_THE_EDGE[kind]
    rng = np.random.default_rng(23)
    x = (rng.uniform(-0.5, 0.5, (100, 64)) + rng.uniform(low, high, 64)).astype(np.float32)
    y = tilelang_tt.compile(centered_row_blocks(kind, 100, 64, 64, 32, shift), out_idx=[-1])(x)
    stats = [REDUCE[kind](x[rows] - shift, axis=0) for rows in (slice(0, 64), slice(64, 100))]
    expected = np.concatenate([x[:64] - stats[0], x[64:] - stats[1]])
    assert_close(y, expected, rtol=2 ** -9, atol=2 ** -9 * (64 if kind == "sum" else 2))


def test_a_reduction_of_blocks_accumulated_past_the_edge_is_a_located_error():
    """A running maximum over the blocks holds elements past the edge in columns the loop's last block
    decides; reduced after the loop, their zeros would be its maximum."""

    @T.prim_func
    def running_max(X: T.Tensor((64, 200), "float32"), R: T.Tensor((64,), "float32")):
        with T.Kernel(2) as b:
            x = T.alloc_fragment((32, 128), "float32")
            acc = T.alloc_fragment((32, 128), "float32")
            total = T.alloc_fragment((32,), "float32")
            T.fill(acc, -T.infinity("float32"))
            for s in T.serial(T.ceildiv(200, 128)):
                T.copy(X[b * 32, s * 128], x)
                for i, j in T.Parallel(32, 128):
                    acc[i, j] = T.max(acc[i, j], x[i, j])
            T.reduce_max(acc, total, dim=1)
            T.copy(total, R[b * 32])

    with pytest.raises(tilelang_tt.errors.ValidationError, match="reduce each block in the loop that copies it") as info:
        tilelang_tt.compile(running_max, out_idx=[1])
    assert "T.reduce_max(acc, total, dim=1)" in str(info.value)
    assert "blocks of X that run past its edge (200 elements along dimension 1)" in str(info.value)


def test_sums_of_squares_accumulated_past_the_edge_need_no_mask():
    """The chunked RMSNorm accumulates squares across blocks of 128 of a 200-column row: the zeros
    past the edge add nothing, so the sum after the loop stands as it is."""
    x = random((64, 200), "float32", 24)
    y = tilelang_tt.compile(rms_norm_chunked(64, 200, 32, 128, dtype="float32"), out_idx=[-1])(x)
    assert_close(y, x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-12), rtol=2 ** -9, atol=2 ** -9)


def test_attention_without_a_mask_ignores_the_keys_past_seq_len():
    """The scores of the keys past seq_len are zeros the kernel does not mask: the row maximum and the
    sum of exponentials skip them, and their probabilities meet zero rows of V."""
    batch, heads, seq_len, dim = 1, 1, 100, 32
    kernel = tilelang_tt.compile(mha_forward(batch, heads, seq_len, dim, 32, 32), out_idx=[3, 4])
    q, k, v = (random((batch, heads, seq_len, dim), "bfloat16", seed) for seed in (25, 26, 27))
    out, lse = kernel(q, k, v)
    expected_out, expected_lse = mha_reference(q, k, v, 1, False, False)
    assert_close(out, expected_out, rtol=2 ** -5, atol=2 ** -5)
    np.testing.assert_allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5)


def test_one_compiled_softmax_serves_a_dynamic_extent_past_its_blocks():
    """The extent masked is a runtime argument: one program at n = 256 (whole blocks) and n = 200."""
    kernel = tilelang_tt.compile(softmax(64, T.dynamic("n"), block_M=32, block_N=128, dtype="float32"),
                                 out_idx=[-1])
    sources = {role: kernel.get_kernel_source(role) for role in ("reader", "compute", "writer")}
    for n, seed in ((256, 28), (200, 29)):
        x = random((64, n), "float32", seed)
        e = np.exp(x - x.max(axis=1, keepdims=True))
        assert_close(kernel(x), e / e.sum(axis=1, keepdims=True), rtol=2 ** -9, atol=2 ** -14)
    assert {role: kernel.get_kernel_source(role) for role in sources} == sources
