"""Element-wise T.Parallel kernels compiled end to end, run on the simulator and compared with
NumPy: TileLang's element-wise add on global tensors (same and mixed dtypes), a fused chain of
matrix-engine, scalar and SFPU operations, GEMM with a ReLU epilogue, reads of T.fill'ed buffers,
and the located errors for what is not lowered."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import ValidationError
from tilelang_tt.release_check import check_kernels

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from tilelang_style_kernels import activations, elementwise_add, gemm_relu

NUMPY = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16, "float32": np.float32}
# float32 operands of the matrix engine pass through its 19-bit source registers (10 mantissa bits),
# as on the device; element-wise float32 math with a float32 DST runs on the SFPU instead.
EPS = {"bfloat16": 2.0 ** -7, "float16": 2.0 ** -10, "float32": 2.0 ** -11}


def random(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(NUMPY[dtype])


def assert_close(actual, expected, dtype, atol_scale=1.0):
    actual = np.asarray(actual, np.float32)
    pcc = float(np.corrcoef(actual.ravel(), expected.ravel())[0, 1])
    assert pcc >= 0.999, f"PCC {pcc}"
    np.testing.assert_allclose(actual, expected, rtol=4 * EPS[dtype], atol=4 * EPS[dtype] * atol_scale)


@pytest.mark.parametrize("in_dtype,out_dtype", [("bfloat16", "bfloat16"), ("float16", "float32"),
                                                ("float32", "float32"), ("float32", "bfloat16")])
def test_elementwise_add_on_global_tensors(in_dtype, out_dtype):
    kernel = tilelang_tt.compile(elementwise_add(256, 128, 64, 64, in_dtype, out_dtype), out_idx=[-1])
    a, b = random((256, 128), in_dtype, 1), random((256, 128), in_dtype, 2)
    c = kernel(a, b)
    assert c.dtype == NUMPY[out_dtype]
    assert_close(c, a.astype(np.float32) + b.astype(np.float32), out_dtype, atol_scale=4)


def test_float32_elementwise_add_is_exact():
    """float32 + float32 with a float32 DST: both operands copied straight into DST
    (UnpackToDestFp32) and added by the SFPU, so every element is NumPy's float32 sum; through the
    matrix engine's source registers (tf32) most would differ."""
    kernel = tilelang_tt.compile(elementwise_add(256, 128, 64, 64, "float32", "float32"), out_idx=[-1])
    a, b = random((256, 128), "float32", 3), random((256, 128), "float32", 4)
    np.testing.assert_array_equal(kernel(a, b), a + b)
    compute = kernel.get_kernel_source("compute")
    assert "add_binary_tile(" in compute and "add_tiles(" not in compute


def fused_chain(M, N, block_M, block_N, dtype):
    @T.prim_func
    def chain(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
            A_s = T.alloc_shared((block_M, block_N), dtype)
            B_s = T.alloc_shared((block_M, block_N), dtype)
            C_l = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(A[by * block_M, bx * block_N], A_s)
            T.copy(B[by * block_M, bx * block_N], B_s)
            for i, j in T.Parallel(block_M, block_N):
                gate = T.sigmoid(B_s[i, j])
                C_l[i, j] = (T.max(T.exp(A_s[i, j] * 0.5) - B_s[i, j] / 2.0, 0) + 1.0 / (T.sqrt(B_s[i, j] * B_s[i, j]) + 1)
                             + T.tanh(A_s[i, j]) * gate - T.exp2(-A_s[i, j] * A_s[i, j]))
            T.copy(C_l, C[by * block_M, bx * block_N])

    return chain


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_fused_chain_stays_in_dst(dtype):
    kernel = tilelang_tt.compile(fused_chain(128, 128, 64, 64, dtype), out_idx=[-1])
    source = kernel.get_kernel_source("compute")
    # A * A and B * B run on the matrix engine from the CBs (on the SFPU for float32, which the
    # matrix engine would see as tf32); constants use the SFPU's scalar forms.
    product = "mul_tiles(" if dtype == "bfloat16" else "mul_binary_tile("
    assert product in source and "mul_unary_tile(" in source and "relu_tile(" in source
    assert dtype == "bfloat16" or "mul_tiles(" not in source
    assert source.count("tile_regs_acquire();") == 1  # one DST program per group of tiles
    a, b = random((128, 128), dtype, 3), random((128, 128), dtype, 4)
    af, bf = a.astype(np.float32), b.astype(np.float32)
    expected = (np.maximum(np.exp(af * 0.5) - bf / 2, 0) + 1 / (np.abs(bf) + 1) + np.tanh(af) / (1 + np.exp(-bf))
                - np.exp2(-af * af))
    assert_close(kernel(a, b), expected, dtype, atol_scale=8)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_gemm_relu_epilogue(dtype):
    kernel = tilelang_tt.compile(gemm_relu(256, 128, 128, 64, 64, 32, dtype), out_idx=[-1])
    source = kernel.get_kernel_source("compute")
    # The ReLU runs on the accumulator in DST, before its first pack (not on tiles read back from L1).
    assert source.index("relu_tile(") < source.index("pack_tile(")
    a, b = random((256, 128), dtype, 5), random((128, 128), dtype, 6)
    expected = np.maximum(a.astype(np.float32) @ b.astype(np.float32), 0)
    assert_close(kernel(a, b), expected, dtype, atol_scale=2 * np.sqrt(128))


def scaled_by_fill(M, N, block, value):
    @T.prim_func
    def scale(A: T.Tensor((M, N), "float32"), C: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block)) as (bx, by):
            A_s = T.alloc_shared((block, block), "float32")
            F = T.alloc_fragment((block, block), "float32")
            C_l = T.alloc_fragment((block, block), "float32")
            T.fill(F, value)
            T.copy(A[by * block, bx * block], A_s)
            for i, j in T.Parallel(block, block):
                C_l[i, j] = A_s[i, j] * F[i, j] - F[i, j]
            T.copy(C_l, C[by * block, bx * block])

    return scale


def refilled(M, value):
    @T.prim_func
    def refill(A: T.Tensor((M, M), "float32"), C: T.Tensor((M, M), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_fragment((M, M), "float32")
            T.copy(A[0, 0], S)
            T.fill(S, value)
            T.copy(S, C[0, 0])

    return refill


def test_filling_a_buffer_the_reader_filled():
    """The fill's tiles cannot go to the reader's CB (one producer per CB): they live in compute's."""
    kernel = tilelang_tt.compile(refilled(32, 0.5), out_idx=[-1])
    np.testing.assert_array_equal(kernel(random((32, 32), "float32", 15)), np.full((32, 32), 0.5, np.float32))


def test_filled_buffer_reads_are_its_constant():
    kernel = tilelang_tt.compile(scaled_by_fill(64, 64, 32, 3.0), out_idx=[-1])
    assert "fill_tile(" in kernel.get_kernel_source("compute")
    a = random((64, 64), "float32", 7)
    assert_close(kernel(a), a * 3.0 - 3.0, "float32", atol_scale=4)


def selects(M, N, block, dtype):
    """T.if_then_else on comparisons of two tiles, of a tile with constants on either side, and
    their combinations with & and |; ReLU written as a select."""

    @T.prim_func
    def select(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype),
               D: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block)) as (bx, by):
            a = T.alloc_shared((block, block), dtype)
            b = T.alloc_shared((block, block), dtype)
            c = T.alloc_fragment((block, block), dtype)
            d = T.alloc_fragment((block, block), dtype)
            T.copy(A[by * block, bx * block], a)
            T.copy(B[by * block, bx * block], b)
            for i, j in T.Parallel(block, block):
                keep = (a[i, j] > b[i, j]) & (a[i, j] >= -0.5) | (0.25 > b[i, j])
                c[i, j] = T.if_then_else(keep, a[i, j] * 2, b[i, j] - a[i, j])
                d[i, j] = T.if_then_else(a[i, j] < 0, 0.0, a[i, j]) + T.if_then_else(b[i, j] != a[i, j], 1.0, -1.0)
            T.copy(c, C[by * block, bx * block])
            T.copy(d, D[by * block, bx * block])

    return select


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_if_then_else_on_comparisons(dtype):
    kernel = tilelang_tt.compile(selects(64, 64, 32, dtype), out_idx=[-2, -1])
    source = kernel.get_kernel_source("compute")
    fmt = "Float32" if dtype == "float32" else "Float16_b"
    assert f"where_tile<DataFormat::{fmt}>(" in source and "gtz_tile(" in source and "unary_lt_tile(" in source
    a, b = random((64, 64), dtype, 12), random((64, 64), dtype, 13)
    af, bf = a.astype(np.float32), b.astype(np.float32)
    c, d = kernel(a, b)
    assert_close(c, np.where(((af > bf) & (af >= -0.5)) | (0.25 > bf), af * 2, bf - af), dtype, atol_scale=4)
    assert_close(d, np.maximum(af, 0) + np.where(bf != af, 1.0, -1.0), dtype, atol_scale=4)


def index_masks(M, N, block_M, block_N, dtype="float32"):
    """Masks on the element indices, as attention writes them: a causal mask over global row and
    column indices (block offsets plus the loop indices) and a band |row - col| < 40."""

    @T.prim_func
    def masks(A: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype), D: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
            a = T.alloc_shared((block_M, block_N), dtype)
            c = T.alloc_fragment((block_M, block_N), "float32")
            d = T.alloc_fragment((block_M, block_N), "float32")
            T.copy(A[by * block_M, bx * block_N], a)
            for i, j in T.Parallel(block_M, block_N):
                row = by * block_M + i
                c[i, j] = T.if_then_else(row >= bx * block_N + j, a[i, j], -T.infinity("float32"))
                d[i, j] = T.if_then_else((row - bx * block_N - j < 40) & (bx * block_N + j - row < 40), a[i, j], 0)
            T.copy(c, C[by * block_M, bx * block_N])
            T.copy(d, D[by * block_M, bx * block_N])

    return masks


@pytest.mark.parametrize("block_M,block_N", [(32, 32), (64, 32), (32, 64)])
def test_masks_on_element_indices(block_M, block_N):
    kernel = tilelang_tt.compile(index_masks(128, 128, block_M, block_N), out_idx=[-2, -1])
    assert "cumsum_tile(" in kernel.get_kernel_source("compute")
    a = random((128, 128), "float32", 14)
    rows, cols = np.indices((128, 128))
    c, d = kernel(a)
    np.testing.assert_array_equal(c, np.where(rows >= cols, a, -np.inf))
    np.testing.assert_array_equal(d, np.where(np.abs(rows - cols) < 40, a, 0))


def index_condition(M, condition):
    @T.prim_func
    def masked(A: T.Tensor((M, M), "bfloat16"), C: T.Tensor((M, M), "bfloat16")):
        with T.Kernel(1) as bx:
            a = T.alloc_shared((M, M), "bfloat16")
            T.copy(A[0, 0], a)
            for i, j in T.Parallel(M, M):
                if condition == "scaled":
                    a[i, j] = T.if_then_else(2 * j > i, a[i, j], 0)
                elif condition == "product":
                    a[i, j] = T.if_then_else(i * j > 4, a[i, j], 0)
                elif condition == "value":
                    a[i, j] = a[i, j] * j
                else:
                    a[i, j] = T.if_then_else(j > i, a[i, j], 0)
            T.copy(a, C[0, 0])

    return masked


@pytest.mark.parametrize("condition,message", [
    ("scaled", "each coefficient -1, 0 or 1"),
    ("product", "integer and affine in the indices"),
    ("value", "the loop indices in a condition or as a value in a kernel without float32 in DST"),
    ("bf16", "the loop indices in a condition or as a value in a kernel without float32 in DST"),
])
def test_index_conditions_that_are_not_lowered_are_located_errors(condition, message):
    with pytest.raises(ValidationError, match=message) as info:
        tilelang_tt.compile(index_condition(32, condition), out_idx=[-1])
    assert info.value.line is not None


def test_elementwise_kernels_compile_against_the_release(tt_release):
    """Every kind of element-wise program above builds against the real v0.67.4 device headers."""
    programs = [elementwise_add(64, 64, 32, 32, "float16", "float32"), elementwise_add(64, 64, 32, 32, "float32", "float32"),
                fused_chain(64, 64, 32, 32, "bfloat16"),
                fused_chain(64, 64, 32, 32, "float32"), gemm_relu(64, 64, 64, 32, 32, 32, "bfloat16"),
                scaled_by_fill(64, 64, 32, 2.0), activations(64, 64, 32, 32), selects(64, 64, 32, "bfloat16"),
                selects(64, 64, 32, "float32"), index_masks(64, 64, 32, 32)]
    check_kernels([tilelang_tt.compile(p, out_idx=[-1]).artifacts_dir for p in programs])


def compile_error(func):
    with pytest.raises(ValidationError) as info:
        tilelang_tt.compile(func, out_idx=[-1])
    return info.value


def line_of(func, text):
    import inspect

    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_activations_gelu_silu_sigmoid():
    """GELU in its tanh and erf forms, SiLU and a sigmoid gate, computed in float32 with casts."""
    kernel = tilelang_tt.compile(activations(64, 64, 32, 32), out_idx=[-1])
    x = random((64, 64), "bfloat16", 9)
    v = x.astype(np.float32)
    from math import erf

    gelu_tanh = 0.5 * v * (1 + np.tanh(0.7978845608 * (v + 0.044715 * v ** 3)))
    gelu_erf = 0.5 * v * (1 + np.vectorize(erf)(v * 0.7071067811865476))
    assert_close(kernel(x), gelu_tanh + gelu_erf + v / (1 + np.exp(-v)), "bfloat16", atol_scale=8)


def transposed_read(M, block):
    @T.prim_func
    def transposed(A: T.Tensor((M, M), "float32"), C: T.Tensor((M, M), "float32")):
        with T.Kernel(T.ceildiv(M, block), T.ceildiv(M, block)) as (bx, by):
            for i, j in T.Parallel(block, block):
                C[by * block + i, bx * block + j] = A[bx * block + j, by * block + i]

    return transposed


def test_other_index_patterns_are_located_errors():
    func = transposed_read(64, 32)
    err = compile_error(func)
    assert "is not supported on Tenstorrent yet" in str(err) and "instead index it [row0 + i, col0 + j]" in str(err)
    assert err.line == line_of(transposed_read, "C[by * block + i")


def write_into_input(M, block):
    @T.prim_func
    def in_place(A: T.Tensor((M, M), "float32"), C: T.Tensor((M, M), "float32")):
        with T.Kernel(T.ceildiv(M, block), T.ceildiv(M, block)) as (bx, by):
            A_s = T.alloc_shared((block, block), "float32")
            T.copy(A[by * block, bx * block], A_s)
            for i, j in T.Parallel(block, block):
                A_s[i, j] = A_s[i, j] * 2.0
            T.copy(A_s, C[by * block, bx * block])

    return in_place


def test_writing_over_a_reader_filled_buffer():
    """TileLang updates shared buffers in place; the result lives in a CB of compute's."""
    kernel = tilelang_tt.compile(write_into_input(64, 32), out_idx=[-1])
    a = random((64, 64), "float32", 8)
    assert_close(kernel(a), a * 2.0, "float32")


def copy_over_input(M, block):
    @T.prim_func
    def over(A: T.Tensor((M, M), "float32"), C: T.Tensor((M, M), "float32")):
        with T.Kernel(T.ceildiv(M, block), T.ceildiv(M, block)) as (bx, by):
            f = T.alloc_fragment((block, block), "float32")
            g = T.alloc_fragment((block, block), "float32")
            T.copy(A[by * block, bx * block], f)
            for i, j in T.Parallel(block, block):
                g[i, j] = f[i, j] * 2.0
            T.copy(g, f)
            T.copy(f, C[by * block, bx * block])

    return over


def test_copying_over_a_reader_filled_buffer():
    """An on-chip T.copy into a buffer the reader fills writes compute's CB, like an element-wise
    update (a CB has one producer)."""
    kernel = tilelang_tt.compile(copy_over_input(64, 32), out_idx=[-1])
    a = random((64, 64), "float32", 9)
    assert_close(kernel(a), a * 2.0, "float32")


def too_deep(M, block):
    @T.prim_func
    def deep(A: T.Tensor((M, M), "float32"), B: T.Tensor((M, M), "float32"), C: T.Tensor((M, M), "float32")):
        with T.Kernel(T.ceildiv(M, block), T.ceildiv(M, block)) as (bx, by):
            A_s = T.alloc_shared((block, block), "float32")
            B_s = T.alloc_shared((block, block), "float32")
            C_l = T.alloc_fragment((block, block), "float32")
            T.copy(A[by * block, bx * block], A_s)
            T.copy(B[by * block, bx * block], B_s)
            for i, j in T.Parallel(block, block):
                q = A_s[i, j] / B_s[i, j]
                q2 = q / q
                q4 = q2 / q2
                C_l[i, j] = q4 / q4
            T.copy(C_l, C[by * block, bx * block])

    return deep


def test_expression_deeper_than_dst_is_a_located_error():
    err = compile_error(too_deep(64, 32))  # float32 results: fp32 DST holds 4 tiles, the tree needs 5
    assert "needs 5 DST tiles at once, but DST holds 4" in str(err)
    assert err.line == line_of(too_deep, "C_l[i, j] = q4 / q4")


def integer_add(M):
    @T.prim_func
    def add_one(A: T.Tensor((M, M), "int32"), C: T.Tensor((M, M), "int32")):
        with T.Kernel(1) as bx:
            for i, j in T.Parallel(M, M):
                C[i, j] = A[i, j] + 1

    return add_one


def test_integer_element_wise_math_is_a_located_error():
    with pytest.raises(ValidationError, match=r"the int32 value A\[i, j\] stored into C is not supported on Tenstorrent "
                       r"yet: A's elements are data read from memory") as info:
        tilelang_tt.compile(integer_add(32), out_idx=[-1])
    assert info.value.line == line_of(integer_add, "C[i, j] = A[i, j] + 1")
