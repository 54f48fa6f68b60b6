"""im2col convolution as TileLang's example writes it: the weights and the output viewed as 2-D
tensors (`T.Tensor(shape, dtype, X.data)`), the input gathered element-wise into the GEMM's A
operand inside `T.Parallel` with a bounds test for the padding. The reader reads each row of A's
tiles from the input tile row it names (two face rows) or writes zeros; compute runs the GEMM.
Results match NumPy's convolution, the programs pass the real-header check, and gathers the
reader cannot read row by row, and views that do not fit, are located errors."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import TTSyntaxError, ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from reference_kernels import convolution, convolution_reference as reference
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

DTYPES = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16, "float32": np.float32}


CASES = {  # N, C, H, W, F, K, S, D, P, block_M, block_N, block_K
    "3x3-pad1": (2, 64, 16, 16, 64, 3, 1, 1, 1, 64, 64, 32),
    "stride2-ragged-M": (1, 32, 9, 9, 64, 3, 2, 1, 1, 64, 64, 32),
    "dilation2-C96": (2, 96, 12, 10, 128, 3, 1, 2, 2, 64, 128, 32),
    "5x5-pad2-blockK64": (1, 64, 7, 7, 32, 5, 1, 1, 2, 32, 32, 64),
    "1x1": (1, 64, 8, 8, 64, 1, 1, 1, 0, 64, 64, 32),
}


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_im2col_convolution_matches_numpy(case, dtype):
    N, C, H, W, F, K, S, D, P, *blocks = CASES[case]
    kernel = tilelang_tt.compile(convolution(N, C, H, W, F, K, S, D, P, *blocks, dtype=dtype), out_idx=[2])
    rng = np.random.default_rng(sum(CASES[case]))
    x = rng.standard_normal((N, H, W, C)).astype(DTYPES[dtype])
    w = rng.standard_normal((K, K, C, F)).astype(DTYPES[dtype])
    out = kernel(x, w)  # the declared shapes in and out; the device holds the views' shapes
    want = reference(x, w, S, D, P)
    assert out.shape == want.shape and out.dtype == DTYPES[dtype]
    got = out.astype(np.float32)
    assert float(np.corrcoef(got.ravel(), want.ravel())[0, 1]) >= 0.999
    eps = 2.0 ** -7 if dtype == "bfloat16" else 2.0 ** -10
    np.testing.assert_allclose(got, want, rtol=2 * eps, atol=2 * eps * np.sqrt(K * K * C))
    reader = kernel.get_kernel_source("reader")
    assert "data.get_noc_addr(" in reader and "static_cast<int32_t>(access_h) >= 0" in reader
    assert "data.get_noc_addr" not in kernel.get_kernel_source("compute")
    if case == "3x3-pad1" and dtype == "bfloat16":
        check_kernels([kernel.artifacts_dir])
        check_host_programs([kernel.artifacts_dir])


def test_the_reader_reads_only_rows_inside_the_image():
    """Padding rows are zeros written by the reader, not DRAM reads: the bytes read are the
    in-bounds rows' (32 elements each) plus the weights."""
    N, C, H, W, F, K, S, D, P, *blocks = CASES["3x3-pad1"]
    kernel = tilelang_tt.compile(convolution(N, C, H, W, F, K, S, D, P, *blocks), out_idx=[2])
    x = np.ones((N, H, W, C), ml_dtypes.bfloat16)
    w = np.ones((K, K, C, F), ml_dtypes.bfloat16)
    out = kernel(x, w).astype(np.float32)
    inside = np.array([[sum(0 <= h + dh < H and 0 <= w_ + dw < W for dh in (-1, 0, 1) for dw in (-1, 0, 1))
                        for w_ in range(W)] for h in range(H)])
    np.testing.assert_array_equal(out, np.broadcast_to((inside * C)[None, :, :, None], out.shape))
    rows_read = N * int(inside.sum()) * (C // 32)  # one 32-element row per in-bounds (pixel, tap, C chunk)
    weights = (K * K * C * F) * 2  # each K step's weight block, read once per column of cores (multicast)
    assert kernel.stats()["totals"]["dram_read_bytes"] == rows_read * 32 * 2 + weights


def test_views_keep_the_declared_shapes_at_the_call():
    N, C, H, W, F, K, S, D, P, *blocks = CASES["1x1"]
    prog = convolution(N, C, H, W, F, K, S, D, P, *blocks)
    assert [[d.value for d in p.shape] for p in prog.params] == [[1, 8, 8, 64], [64, 64], [64, 64]]
    kernel = tilelang_tt.compile(prog, out_idx=[2])
    with pytest.raises(ValidationError, match=r"input kernel has shape \[64, 64\]; the kernel declares \[1, 1, 64, 64\]"):
        kernel(np.zeros((N, H, W, C), ml_dtypes.bfloat16), np.zeros((64, 64), ml_dtypes.bfloat16))


def viewing(case):
    """A kernel over A (4, 32, 32) and B (128, 32) that views A (or another buffer) as `case` says."""

    @T.prim_func
    def f(A: T.Tensor((4, 32, 32), "bfloat16"), B: T.Tensor((128, 32), "bfloat16")):
        G = T.alloc_global((128, 32), "bfloat16")
        with T.Kernel(4) as bx:
            A_s = T.alloc_shared((32, 32), "bfloat16")
            if case == "both shapes":
                T.copy(A[bx, 0:32, 0:32], B[bx * 32:bx * 32 + 32, 0:32])
            if case == "count":
                A_flat = T.Tensor((64, 32), "bfloat16", A.data)
            elif case == "dtype":
                A_flat = T.Tensor((128, 32), "float16", A.data)
            elif case == "not a parameter":
                A_flat = T.Tensor((128, 32), "bfloat16", G.data)
            elif case == "on-chip":
                A_flat = T.Tensor((128, 32), "bfloat16", A_s.data)
            elif case == "not data":
                A_flat = T.Tensor((128, 32), "bfloat16", A)
            else:
                A_flat = T.Tensor((128, 32), "bfloat16", A.data)
            if case == "two views":
                A_wide = T.Tensor((32, 128), "bfloat16", A.data)
                T.copy(A_wide[0:32, 0:32], A_s)
                T.copy(A_s, B[bx * 32:bx * 32 + 32, 0:32])
            T.copy(A_flat[bx * 32:bx * 32 + 32, 0:32], B[bx * 32:bx * 32 + 32, 0:32])

    return f


@pytest.mark.parametrize("case", ["count", "dtype", "not a parameter", "both shapes", "two views", "on-chip",
                                  "not data"])
def test_view_errors(case):
    with pytest.raises((ValidationError, TTSyntaxError)) as err:
        viewing(case)
    message = {
        "count": r"has 2048 elements, but A \(4, 32, 32\) has 4096",
        "dtype": r"the view of A has dtype float16, but A is bfloat16",
        "not a parameter": r"views G, which is not a parameter of the kernel",
        "both shapes": r"A is accessed here with its declared shape \(4, 32, 32\) and through a view",
        "two views": r"A is already viewed as \(128, 32\)",
        "on-chip": r"A_s.data is the data of an on-chip buffer",
        "not data": r"the third argument of T.Tensor\(shape, dtype, data\) is a tensor's .data",
    }[case]
    assert err.value.line is not None
    assert __import__("re").search(message, str(err.value)), str(err.value)


def gather(mode):
    """A nest gathering X (2, 8, 64) into a (32, 32) block, its last index and condition by `mode`."""

    @T.prim_func
    def main(X: T.Tensor((2, 8, 64), "bfloat16"), Y: T.Tensor((32, 32), "bfloat16"), Z: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            X_s = T.alloc_shared((32, 32), "bfloat16")
            Y_s = T.alloc_shared((32, 32), "bfloat16")
            Z_l = T.alloc_fragment((32, 32), "float32")
            T.copy(Y[0, 0], Y_s)
            T.clear(Z_l)
            for k in T.serial(2):
                for i, j in T.Parallel(32, 32):
                    if mode == "stride 2":
                        X_s[i, j] = T.if_then_else(i < 16, X[i // 16, i % 8, j * 2], 0)
                    elif mode == "offset 16":
                        X_s[i, j] = T.if_then_else(i < 16, X[i // 16, i % 8, k * 16 + j], 0)
                    elif mode == "reversed":
                        X_s[i, j] = T.if_then_else(i < 16, X[i // 16, i % 8, 31 - j + k * 32], 0)
                    elif mode == "condition along j":
                        X_s[i, j] = T.if_then_else(j < 16, X[i // 16, i % 8, k * 32 + j], 0)
                    elif mode == "negative division":
                        X_s[i, j] = T.if_then_else((i - 8) // 2 >= 0, X[i // 16, i % 8, k * 32 + j], 0)
                    else:
                        X_s[i, j] = T.if_then_else(i < 16, X[i // 16, i % 8, k * 32 + j], 0)
                T.gemm(X_s, Y_s, Z_l)
            T.copy(Z_l, Z[0, 0])

    return main


@pytest.mark.parametrize("mode, message", [
    ("stride 2", "its last index j \\* 2 is not j plus a multiple of 32"),
    ("offset 16", "its last index k \\* 16 \\+ j is not j plus a multiple of 32"),
    ("reversed", "is not j plus a multiple of 32"),
    ("condition along j", "its condition j < 16 may change along j"),
    ("negative division", "it divides i - 8, which may be negative"),
])
def test_gathers_the_reader_cannot_read_row_by_row_are_located_errors(mode, message):
    with pytest.raises(ValidationError, match=message) as err:
        tilelang_tt.compile(gather(mode), out_idx=[-1])
    assert "row by row" in str(err.value) and err.value.line is not None


def test_gather_matches_numpy_with_a_row_condition():
    kernel = tilelang_tt.compile(gather("rows"), out_idx=[-1])
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 8, 64)).astype(ml_dtypes.bfloat16)
    y = rng.standard_normal((32, 32)).astype(ml_dtypes.bfloat16)
    z = kernel(x, y)
    f = lambda a: a.astype(np.float32)  # noqa: E731
    want = np.zeros((32, 32), np.float32)
    for k in range(2):
        rows = np.array([f(x[i // 16, i % 8, k * 32:k * 32 + 32]) if i < 16 else np.zeros(32, np.float32)
                         for i in range(32)])
        want += rows @ f(y)
    np.testing.assert_allclose(z, want, rtol=1e-2, atol=1e-2 * np.abs(want).max())


@pytest.mark.parametrize("layout, message", [
    ("other", "the layout of A_s is not supported on Tenstorrent"),
    ("global", "T.annotate_layout lays out on-chip buffers; A is not one"),
])
def test_layouts_other_than_a_swizzle_are_located_errors(layout, message):
    with pytest.raises(ValidationError, match=message) as err:
        @T.prim_func
        def main(A: T.Tensor((32, 32), "bfloat16"), B: T.Tensor((32, 32), "bfloat16")):
            with T.Kernel(1) as bx:
                A_s = T.alloc_shared((32, 32), "bfloat16")
                if layout == "other":
                    T.annotate_layout({A_s: make_layout(A_s)})  # noqa: F821
                else:
                    T.annotate_layout({A: tilelang.layout.make_swizzled_layout(A)})  # noqa: F821
                T.copy(A, A_s)
                T.copy(A_s, B)
    assert err.value.line is not None


def test_a_bfloat16_gather_on_blackhole_is_a_located_error():
    """Blackhole reads DRAM in 64-byte units: a bfloat16 face row is 32 bytes."""
    N, C, H, W, F, K, S, D, P, *blocks = CASES["1x1"]
    with pytest.raises(ValidationError, match="p150 reads DRAM in multiples of 64; use float32 data"):
        tilelang_tt.compile(convolution(N, C, H, W, F, K, S, D, P, *blocks), out_idx=[2], target_device="p150")
    kernel = tilelang_tt.compile(convolution(N, C, H, W, F, K, S, D, P, *blocks, dtype="float32"), out_idx=[2],
                                 target_device="p150")
    x = np.random.default_rng(1).standard_normal((N, H, W, C)).astype(np.float32)
    w = np.random.default_rng(2).standard_normal((K, K, C, F)).astype(np.float32)
    np.testing.assert_allclose(kernel(x, w), reference(x, w, S, D, P), rtol=1e-2, atol=1e-2 * np.sqrt(C))


def row_gather(mode):
    """Rows of X (64, 32) picked by `mode`'s index, which meets negative values on the way."""

    @T.prim_func
    def main(X: T.Tensor((64, 32), "float32"), Z: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            G = T.alloc_shared((32, 32), "float32")
            for i, j in T.Parallel(32, 32):
                if mode == "max":
                    G[i, j] = X[T.max(i - 5, 0) * 2, j]
                elif mode == "clamp":
                    G[i, j] = X[T.clamp(i - 5, 0, 63), j]
                elif mode == "select":
                    G[i, j] = X[T.if_then_else(i - 8 < 0, 8 - i, i - 8) * 2, j]
                else:
                    G[i, j] = T.if_then_else(T.max(i - 5, 2) > 2, X[i * 2, j], 0)
            T.copy(G, Z)

    return main


@pytest.mark.parametrize("mode", ["max", "clamp", "select", "max in the condition"])
def test_gather_indices_and_conditions_compare_signed_values(mode):
    """The reader holds integers as uint32_t: minima, maxima and selects of values that may be
    negative compare them as signed values, in the bounds test and in the address."""
    kernel = tilelang_tt.compile(row_gather(mode), out_idx=[1])
    x = np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32)
    rows = np.arange(32)
    want = {"max": x[np.maximum(rows - 5, 0) * 2], "clamp": x[np.clip(rows - 5, 0, 63)],
            "select": x[np.abs(rows - 8) * 2],
            "max in the condition": np.where((np.maximum(rows - 5, 2) > 2)[:, None], x[rows * 2], 0)}[mode]
    np.testing.assert_array_equal(kernel(x), want)


def test_a_gather_into_part_of_a_buffer_is_a_located_error():
    @T.prim_func
    def main(X: T.Tensor((64, 64), "float32"), Z: T.Tensor((64, 64), "float32")):
        with T.Kernel(1) as bx:
            X_b = T.alloc_shared((64, 64), "float32")
            for i, j in T.Parallel(32, 32):
                X_b[i, j] = X[(i * 7) % 64, j]
            T.copy(X_b, Z)

    with pytest.raises(ValidationError, match="the nest covers 32 x 32 elements of X_b, which holds 64 x 64") as err:
        tilelang_tt.compile(main, out_idx=[1])
    assert err.value.line is not None


@tilelang_tt.jit
def eager_flatten(A):
    N = T.const("N")
    A: T.Tensor[[N, 32, 32], T.float32]
    B = T.empty((N, 32, 32), T.float32)
    with T.Kernel(N) as bx:
        A_s = T.alloc_shared((32, 32), T.float32)
        A_flat = T.Tensor((N * 32, 32), T.float32, A.data)
        B_flat = T.Tensor((N * 32, 32), T.float32, B.data)
        T.copy(A_flat[bx * 32, 0], A_s)
        T.copy(A_s, B_flat[bx * 32, 0])
    return B


def test_views_in_the_eager_style():
    a = np.random.default_rng(5).standard_normal((3, 32, 32)).astype(np.float32)
    np.testing.assert_array_equal(eager_flatten(a), a)


def test_annotate_layout_takes_layout_map_and_view_errors_name_absolute_lines():
    import inspect
    first = inspect.getsourcelines(test_annotate_layout_takes_layout_map_and_view_errors_name_absolute_lines)[1]
    with pytest.raises(ValidationError, match=rf"A is already viewed as \(128, 32\) \(line {first + 9}\)"):
        @T.prim_func
        def main(A: T.Tensor((4, 32, 32), "bfloat16"), B: T.Tensor((128, 32), "bfloat16")):
            with T.Kernel(4) as bx:
                A_s = T.alloc_shared((32, 32), "bfloat16")
                T.annotate_layout(layout_map={A_s: tilelang.layout.make_swizzled_layout(A_s)})  # noqa: F821
                A_flat = T.Tensor((128, 32), "bfloat16", A.data)
                A_wide = T.Tensor((32, 128), "bfloat16", A.data)  # noqa: F841
                T.copy(A_flat[bx * 32:bx * 32 + 32, 0:32], B[bx * 32:bx * 32 + 32, 0:32])
