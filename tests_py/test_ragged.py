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
from tilelang_style_kernels import elementwise_add, gemm_relu, rms_norm

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
                             elementwise_add(100, 72, 32, 32), rms_norm(100, 200, 32, dtype="float32"))] +
                  [tilelang_tt.compile(mha_forward(1, 2, 100, 64, 32, 32, mask_keys_past_seq_len=True),
                                       out_idx=[3, 4]).artifacts_dir])
