"""Reductions, 1-D vectors and the kernels built on them, compiled end to end, run on the simulator
and compared with NumPy: row and column reductions of every kind, online softmax, RMSNorm and GEMM
with a bias and GELU epilogue; each program also passes the real-header check."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import passes
from tilelang_tt.errors import ValidationError
from tilelang_tt.release_check import check_kernels

from test_elementwise import random
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from tilelang_style_kernels import layer_norm, rms_norm, rms_norm_chunked, softmax, softmax_whole_row


def assert_close(actual, expected, rtol, atol):
    actual = np.asarray(actual, np.float32)
    pcc = float(np.corrcoef(actual.ravel(), expected.ravel())[0, 1])
    assert pcc >= 0.999, f"PCC {pcc}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def centered(M, N, block, kind, dim):
    """Y = X minus its reduction along dim, broadcast back: exercises the reduction and the vector."""

    @T.prim_func
    def center(X: T.Tensor((M, N), "float32"), Y: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block)) as (bx, by):
            x = T.alloc_shared((block, block), "float32")
            stat = T.alloc_fragment((block,), "float32")
            y = T.alloc_fragment((block, block), "float32")
            T.copy(X[by * block, bx * block], x)
            if kind == "sum":
                T.reduce_sum(x, stat, dim=dim)
            elif kind == "max":
                T.reduce_max(x, stat, dim=dim)
            elif kind == "min":
                T.reduce_min(x, stat, dim=dim)
            elif kind == "absmax":
                T.reduce_absmax(x, stat, dim=dim)
            else:
                T.reduce_abssum(x, stat, dim=dim)
            if dim == 1:
                for i, j in T.Parallel(block, block):
                    y[i, j] = x[i, j] - stat[i]
            else:
                for i, j in T.Parallel(block, block):
                    y[i, j] = x[i, j] - stat[j]
            T.copy(y, Y[by * block, bx * block])

    return center


REDUCE = {"sum": np.sum, "max": np.max, "min": np.min, "absmax": lambda x, axis: np.abs(x).max(axis),
          "abssum": lambda x, axis: np.abs(x).sum(axis)}


@pytest.mark.parametrize("dim", [1, 0])
@pytest.mark.parametrize("kind", sorted(REDUCE))
def test_reductions_along_either_dimension(kind, dim):
    kernel = tilelang_tt.compile(centered(64, 128, 64, kind, dim), out_idx=[-1])
    x = random((64, 128), "float32", 1)
    blocks = x.reshape(1, 64, 2, 64).transpose(0, 2, 1, 3)  # (block row, block col, 64, 64)
    stat = REDUCE[kind](blocks, axis=3 if dim == 1 else 2)
    expected = (blocks - (stat[..., :, None] if dim == 1 else stat[..., None, :])).transpose(0, 2, 1, 3).reshape(64, 128)
    # The pool reads its operands through the matrix engine's 19-bit source registers (10 mantissa bits).
    assert_close(kernel(x), expected, rtol=2 ** -9, atol=2 ** -9 * (64 if "sum" in kind else 4))


@pytest.mark.parametrize("N,block_N", [(256, 128), (1024, 1024)])
def test_online_softmax(N, block_N):
    kernel = tilelang_tt.compile(softmax(64, N, block_M=32, block_N=block_N, dtype="bfloat16"), out_idx=[-1])
    x = random((64, N), "bfloat16", 2)
    xf = x.astype(np.float32)
    e = np.exp(xf - xf.max(axis=1, keepdims=True))
    assert_close(kernel(x), e / e.sum(axis=1, keepdims=True), rtol=2 ** -6, atol=2 ** -6 / N * 8)


def test_softmax_whole_rows():
    kernel = tilelang_tt.compile(softmax_whole_row(64, 512), out_idx=[-1])
    x = random((64, 512), "bfloat16", 11)
    xf = x.astype(np.float32)
    e = np.exp(xf - xf.max(axis=1, keepdims=True))
    assert_close(kernel(x), e / e.sum(axis=1, keepdims=True), rtol=2 ** -6, atol=2 ** -6 / 512 * 8)


@pytest.mark.parametrize("N", [512, 2048])
def test_float32_softmax_whole_rows(N):
    """x feeds the max pool and x - max: it is staged for the pool where L1 has room (N=512), so the
    subtraction reads it exactly; at N=2048 there is no room and every read of x sees it as tf32."""
    kernel = tilelang_tt.compile(softmax_whole_row(64, N, dtype="float32"), out_idx=[-1])
    x = random((64, N), "float32", 12)
    tol = 2 ** -9 if N == 512 else 2 ** -8
    assert_close(kernel(x), softmax_reference(x), rtol=tol, atol=tol / N * 8)


def test_staging_leaves_room_for_the_reduction_scaler():
    """x (float32, 32x2048) feeds the max pool and x - max, beside a bfloat16 pass-through whose
    size leaves room for every CB the kernel needs but not for a staged copy of x as well: x is
    not staged, and the kernel compiles and matches NumPy to tf32 precision."""
    M, N, P = 32, 2048, 640

    @T.prim_func
    def centered_with_passthrough(X: T.Tensor((M, N), "float32"), Z: T.Tensor((M, P), "bfloat16"),
                                  Y: T.Tensor((M, N), "float32"), W: T.Tensor((M, P), "bfloat16")):
        with T.Kernel(1) as bm:
            x = T.alloc_shared((M, N), "float32")
            z = T.alloc_shared((M, P), "bfloat16")
            y = T.alloc_fragment((M, N), "float32")
            m = T.alloc_fragment((M,), "float32")
            T.copy(X[0, 0], x)
            T.copy(Z[0, 0], z)
            T.reduce_max(x, m, dim=1)
            for i, j in T.Parallel(M, N):
                y[i, j] = x[i, j] - m[i]
            T.copy(y, Y[0, 0])
            T.copy(z, W[0, 0])

    kernel = tilelang_tt.compile(centered_with_passthrough, out_idx=[2, 3])
    assert not any(cb["name"].endswith(".staged") for cb in kernel.plan["circular_buffers"])
    x, z = random((M, N), "float32", 13), random((M, P), "bfloat16", 14)
    y, w = kernel(x, z)
    assert_close(y, x - x.max(axis=1, keepdims=True), rtol=2 ** -9, atol=2 ** -9 * 4)
    np.testing.assert_array_equal(np.asarray(w, np.float32), z.astype(np.float32))


def test_rms_norm_whole_rows():
    kernel = tilelang_tt.compile(rms_norm(64, 256, 32, dtype="float32"), out_idx=[-1])
    x = random((64, 256), "float32", 3)
    expected = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-12)
    assert_close(kernel(x), expected, rtol=2 ** -9, atol=2 ** -9)


def test_rms_norm_in_chunks():
    """Squares accumulate chunk by chunk across a loop, then each chunk is scaled in place."""
    kernel = tilelang_tt.compile(rms_norm_chunked(64, 512, 32, 128, dtype="float32"), out_idx=[-1])
    x = random((64, 512), "float32", 7)
    expected = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-12)
    assert_close(kernel(x), expected, rtol=2 ** -9, atol=2 ** -9)


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_layer_norm_with_affine_and_statistics(dtype):
    kernel = tilelang_tt.compile(layer_norm(64, 256, block_M=32, in_dtype=dtype, out_dtype=dtype), out_idx=[3, 4, 5])
    x, gamma, beta = random((64, 256), dtype, 8), random((256,), dtype, 9), random((256,), dtype, 10)
    y, mean, rstd = kernel(x, gamma, beta)
    xf = x.astype(np.float32)
    mu = xf.mean(axis=1)
    r = 1 / np.sqrt(xf.var(axis=1) + 1e-5)
    expected = (xf - mu[:, None]) * r[:, None] * gamma.astype(np.float32) + beta.astype(np.float32)
    tol = 2 ** -6 if dtype == "bfloat16" else 2 ** -9
    assert_close(mean, mu, rtol=tol, atol=tol)
    assert_close(rstd, r, rtol=tol, atol=tol)
    assert_close(y, expected, rtol=tol, atol=4 * tol)


def rms_reference(x):
    return x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-12)


def softmax_reference(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def layer_norm_reference(x, gamma, beta):
    mu = x.mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-5) * gamma + beta


# name: (kernel for a block height, inputs, out_idx, NumPy reference of the first output, tolerance)
ROW_BLOCK_KERNELS = {
    "rms_norm": (lambda r: rms_norm(64, 256, r, dtype="float32"), [((64, 256), "float32")], [-1], rms_reference,
                 2 ** -9),
    "rms_norm_chunked": (lambda r: rms_norm_chunked(64, 512, r, 128, dtype="float32"), [((64, 512), "float32")],
                         [-1], rms_reference, 2 ** -9),
    "softmax": (lambda r: softmax(64, 256, block_M=r, block_N=128, dtype="bfloat16"), [((64, 256), "bfloat16")],
                [-1], softmax_reference, 2 ** -6),
    "layer_norm": (lambda r: layer_norm(64, 256, block_M=r),
                   [((64, 256), "bfloat16"), ((256,), "bfloat16"), ((256,), "bfloat16")], [3, 4, 5],
                   layer_norm_reference, 2 ** -5),
}


@pytest.mark.parametrize("name,rows", [("rms_norm", 1), ("rms_norm_chunked", 1), ("softmax", 1),
                                       ("layer_norm", 1), ("layer_norm", 8)])
def test_blocks_of_fewer_rows_than_a_tile_run_as_tile_rows(name, rows):
    """TileLang's one-row blocks (block_M = 1, as its norm examples write them) run 32 / block_M to a
    tile row: NumPy's result, and bit for bit the result of the same kernel written with 32-row blocks."""
    build, shapes, out_idx, reference, tol = ROW_BLOCK_KERNELS[name]
    inputs = [random(shape, dtype, seed) for seed, (shape, dtype) in enumerate(shapes, start=21)]
    outputs = tilelang_tt.compile(build(rows), out_idx=out_idx)(*inputs)
    tile_outputs = tilelang_tt.compile(build(32), out_idx=out_idx)(*inputs)
    outputs, tile_outputs = (o if isinstance(o, (list, tuple)) else [o] for o in (outputs, tile_outputs))
    for grouped, tiled in zip(outputs, tile_outputs):
        np.testing.assert_array_equal(grouped, tiled)
    assert_close(outputs[0], reference(*[x.astype(np.float32) for x in inputs]), rtol=tol, atol=4 * tol)


def rows_kernel(rows, variant):
    """Blocks of `rows` rows of a 64x64 tensor, in four variants of which only "copy" groups."""

    @T.prim_func
    def blocks(X: T.Tensor((64, 64), "float32"), Y: T.Tensor((64, 64), "float32")):
        with T.Kernel(T.ceildiv(64, rows)) as bx:
            x = T.alloc_shared((rows, 64), "float32")
            s = T.alloc_fragment((64,), "float32")
            if variant == "block_in_column":
                T.copy(X[bx * rows, bx % 2 * 32], x)
            elif variant == "shifted_rows":
                T.copy(X[bx * rows + 1, 0], x)
            else:
                T.copy(X[bx * rows, 0], x)
            if variant == "reduce_rows":
                T.reduce_sum(x, s, dim=0)
                for i, j in T.Parallel(rows, 64):  # the column sums are used, so the reduction is live
                    x[i, j] = x[i, j] - s[j]
            T.copy(x, Y[bx * rows, 0])

    return blocks


@pytest.mark.parametrize("rows,variant,message", [
    (3, "copy", "a block of 3 rows [(]x[)] is not supported on Tenstorrent yet"),
    (1, "reduce_rows", "a reduction over the rows of a block of 1 rows"),
    (1, "block_in_column", "the block index bx used here"),
    (1, "shifted_rows", "each block must move its own rows"),
])
def test_blocks_of_fewer_rows_that_depend_on_each_other_are_located_errors(rows, variant, message):
    with pytest.raises(ValidationError, match=message) as info:
        tilelang_tt.compile(rows_kernel(rows, variant), out_idx=[-1])
    assert info.value.line is not None


def gemm_bias_gelu(M, N, K, block_M, block_N, block_K, dtype="bfloat16"):
    """C = gelu(A @ B + bias): the epilogue on the accumulator before it leaves the core (tanh GELU)."""
    c = 0.7978845608

    @T.prim_func
    def gemm(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), Bias: T.Tensor((N,), dtype),
             C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
            A_s = T.alloc_shared((block_M, block_K), dtype)
            B_s = T.alloc_shared((block_K, block_N), dtype)
            bias = T.alloc_shared((block_N,), dtype)
            acc = T.alloc_fragment((block_M, block_N), "float32")
            T.copy(Bias[bx * block_N], bias)
            T.clear(acc)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, k * block_K], A_s)
                T.copy(B[k * block_K, bx * block_N], B_s)
                T.gemm(A_s, B_s, acc)
            for i, j in T.Parallel(block_M, block_N):
                v = acc[i, j] + bias[j]
                acc[i, j] = 0.5 * v * (1.0 + T.tanh(c * (v + 0.044715 * v * v * v)))
            T.copy(acc, C[by * block_M, bx * block_N])

    return gemm


def test_gemm_bias_gelu_epilogue():
    kernel = tilelang_tt.compile(gemm_bias_gelu(128, 128, 64, 64, 64, 32), out_idx=[-1])
    a, b, bias = random((128, 64), "bfloat16", 4), random((64, 128), "bfloat16", 5), random((128,), "bfloat16", 6)
    v = a.astype(np.float32) @ b.astype(np.float32) + bias.astype(np.float32)
    expected = 0.5 * v * (1 + np.tanh(0.7978845608 * (v + 0.044715 * v ** 3)))
    assert_close(kernel(a, b, bias), expected, rtol=2 ** -6, atol=2 ** -6 * 8)


def gemm_bias_residual_relu(M, N, K, block_M, block_N, block_K, dtype="bfloat16"):
    """C = max(A @ B + bias + R, 0): an epilogue with a row broadcast and a second tile operand."""

    @T.prim_func
    def gemm(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), Bias: T.Tensor((N,), dtype),
             R: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
            A_s = T.alloc_shared((block_M, block_K), dtype)
            B_s = T.alloc_shared((block_K, block_N), dtype)
            bias = T.alloc_shared((block_N,), dtype)
            residual = T.alloc_shared((block_M, block_N), dtype)
            acc = T.alloc_fragment((block_M, block_N), "float32")
            T.copy(Bias[bx * block_N], bias)
            T.copy(R[by * block_M, bx * block_N], residual)
            T.clear(acc)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, k * block_K], A_s)
                T.copy(B[k * block_K, bx * block_N], B_s)
                T.gemm(A_s, B_s, acc)
            for i, j in T.Parallel(block_M, block_N):
                acc[i, j] = T.max(acc[i, j] + bias[j] + residual[i, j], 0)
            T.copy(acc, C[by * block_M, bx * block_N])

    return gemm


def test_epilogue_is_applied_in_dst_before_the_accumulator_is_packed():
    """The accumulator the K loop keeps in DST is updated there: the bias broadcast, the residual and
    the ReLU run before its one pack, not on tiles packed to L1 and read back."""
    kernel = tilelang_tt.compile(gemm_bias_residual_relu(64, 128, 96, 32, 64, 32), out_idx=[-1])
    source = kernel.get_kernel_source("compute")
    first_pack = source.index("pack_tile(")
    assert source.index("unary_bcast<BroadcastType::ROW>(") < first_pack
    assert source.index("relu_tile(") < first_pack
    a, b, bias, r = (random(shape, "bfloat16", seed) for seed, shape in
                     enumerate([(64, 96), (96, 128), (128,), (64, 128)], start=41))
    f = [x.astype(np.float32) for x in (a, b, bias, r)]
    assert_close(kernel(a, b, bias, r), np.maximum(f[0] @ f[1] + f[2] + f[3], 0), rtol=2 ** -6, atol=2 ** -6 * 8)


def test_programs_compile_against_the_release(tt_release):
    programs = [centered(64, 64, 64, "absmax", 1), centered(64, 64, 64, "sum", 0), centered(64, 64, 64, "min", 1),
                softmax(64, 256, block_M=32, block_N=128, dtype="bfloat16"), rms_norm(64, 256, 32, dtype="float32"),
                rms_norm_chunked(64, 256, 32, 128, dtype="float32"), layer_norm(64, 256, block_M=32),
                layer_norm(64, 256, block_M=1), gemm_bias_residual_relu(64, 128, 96, 32, 64, 32),
                gemm_bias_gelu(64, 64, 64, 64, 64, 32)]
    check_kernels([tilelang_tt.compile(p, out_idx=[-1]).artifacts_dir for p in programs])


def conflicting_vector(M, block):
    @T.prim_func
    def bad(X: T.Tensor((M, M), "float32"), Y: T.Tensor((M, M), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_shared((block, block), "float32")
            v = T.alloc_fragment((block,), "float32")
            y = T.alloc_fragment((block, block), "float32")
            T.copy(X[0, 0], x)
            T.reduce_sum(x, v, dim=1)
            for i, j in T.Parallel(block, block):
                y[i, j] = x[i, j] * v[j]
            T.copy(y, Y[0, 0])

    return bad


def test_a_vector_used_per_row_and_per_column_is_a_located_error():
    with pytest.raises(ValidationError, match="used both as one value per row and as one value per column") as info:
        tilelang_tt.compile(conflicting_vector(32, 32), out_idx=[-1])
    assert info.value.line is not None


def test_reduction_lowers_to_reduce_tile_chains():
    """Before (T.reduce_max along dim 1, then x - max[i]) -> after: the compute kernel's IR. x is
    float32 and read twice: the pool reads a staged copy (CB 26) through the source registers, so
    x's own CB 0 is read only by copies, exactly (it unpacks straight to DST)."""
    lowered = passes.run_pipeline(centered(64, 64, 64, "max", 1), pipeline="StageTTElementwise -> InferTTLayout -> "
                                  "PropagateTTLayout -> TTTilesToCoreMap -> LowerTTTileIntrinsics")
    compute = str(next(f for name, f in lowered.functions.items() if name.endswith("_compute")))
    assert compute[compute.index("    tt.compute_kernel_hw_startup"):] == EXPECTED_REDUCE_MAX_COMPUTE


EXPECTED_REDUCE_MAX_COMPUTE = """\
    tt.compute_kernel_hw_startup(0, 0, 24)
    tt.tile_regs_acquire()
    tt.fill_tile_init()
    tt.fill_tile(0, 1.0)
    tt.tile_regs_commit()
    tt.cb_reserve_back(25, 1)
    tt.tile_regs_wait()
    tt.pack_reconfig_data_format(25)
    tt.pack_tile(0, 25)
    tt.tile_regs_release()
    tt.cb_push_back(25, 1)
    tt.cb_wait_front(25, 1)
    with T.Kernel(1, 1) as (bx, by):
        tt.cb_wait_front(0, 4)
        tt.cb_wait_front(0, 4)
        tt.tile_regs_acquire()
        tt.reconfig_data_format_srca(0)
        tt.copy_tile_to_dst_init_short(0)
        for tile in T.serial(4):
            tt.copy_tile(0, tile, tile)
        tt.tile_regs_commit()
        tt.cb_reserve_back(26, 4)
        tt.tile_regs_wait()
        tt.pack_reconfig_data_format(26)
        for dst_index in T.serial(4):
            tt.pack_tile(dst_index, 26)
        tt.tile_regs_release()
        tt.cb_push_back(26, 4)
        tt.cb_wait_front(26, 4)
        for out_tile in T.serial(2):
            tt.tile_regs_acquire()
            tt.reconfig_data_format(26, 25)
            tt.reduce_init_max_row_fp32(26, 25, 24)
            for fold in T.serial(2):
                tt.reduce_tile_max_row_fp32(26, 25, out_tile * 2 + fold, 0, 0)
            tt.reduce_uninit_fp32(26)
            tt.tile_regs_commit()
            tt.cb_reserve_back(24, 1)
            tt.tile_regs_wait()
            tt.pack_reconfig_data_format(24)
            tt.pack_tile(0, 24)
            tt.tile_regs_release()
            tt.cb_push_back(24, 1)
        tt.cb_pop_front(26, 4)
        tt.cb_wait_front(0, 4)
        tt.cb_wait_front(24, 2)
        for tile_group in T.serial(2):
            tt.tile_regs_acquire()
            tt.reconfig_data_format_srca(0)
            tt.copy_tile_to_dst_init_short(0)
            for tile_1 in T.serial(2):
                tt.copy_tile(0, tile_group * 2 + tile_1, tile_1 * 2)
            tt.reconfig_data_format_srca(24)
            tt.unary_bcast_init_cols(24, 16)
            for tile_2 in T.serial(2):
                tt.unary_bcast_cols(24, (tile_group * 2 + tile_2) // 2, tile_2 * 2 + 1)
            tt.sub_binary_tile_init()
            for tile_3 in T.serial(2):
                tt.sub_binary_tile(tile_3 * 2, tile_3 * 2 + 1, tile_3 * 2)
            tt.tile_regs_commit()
            tt.cb_reserve_back(16, 2)
            tt.tile_regs_wait()
            tt.pack_reconfig_data_format(16)
            for dst_index_1 in T.serial(2):
                tt.pack_tile(dst_index_1 * 2, 16)
            tt.tile_regs_release()
            tt.cb_push_back(16, 2)
        tt.cb_pop_front(0, 4)
        tt.cb_pop_front(24, 2)
    tt.cb_pop_front(25, 1)
"""


def accumulated(M, first, kind):
    """s starts from a fill (first is a number) or from a reduction of X (first is None), then takes
    T.reduce_<kind>(Z, s, clear=False); Y = X + s[i]."""

    @T.prim_func
    def accumulate(X: T.Tensor((M, M), "float32"), Z: T.Tensor((M, M), "float32"), Y: T.Tensor((M, M), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_shared((M, M), "float32")
            z = T.alloc_shared((M, M), "float32")
            s = T.alloc_fragment((M,), "float32")
            y = T.alloc_fragment((M, M), "float32")
            T.copy(X[0, 0], x)
            T.copy(Z[0, 0], z)
            if first is None:
                T.reduce_max(x, s, dim=1)
            else:
                T.fill(s, first)
            if kind == "sum":
                T.reduce_sum(z, s, dim=1, clear=False)
            else:
                T.reduce_max(z, s, dim=1, clear=False)
            for i, j in T.Parallel(M, M):
                y[i, j] = x[i, j] + s[i]
            T.copy(y, Y[0, 0])

    return accumulate


@pytest.mark.parametrize("first,kind", [(10.0, "sum"), (3.0, "max"), (None, "max"), (None, "sum")])
def test_reductions_with_clear_false_combine_with_the_current_value(first, kind):
    kernel = tilelang_tt.compile(accumulated(32, first, kind), out_idx=[-1])
    x, z = random((32, 32), "float32", 12), random((32, 32), "float32", 13)
    start = np.full(32, first, np.float32) if first is not None else x.max(axis=1)
    s = start + z.sum(axis=1) if kind == "sum" else np.maximum(start, z.max(axis=1))
    assert_close(kernel(x, z), x + s[:, None], rtol=2 ** -9, atol=2 ** -9 * 32)


def fp32_column_max(M):
    @T.prim_func
    def column_max(X: T.Tensor((M, M), "float32"), S: T.Tensor((M,), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_shared((M, M), "float32")
            s = T.alloc_fragment((M,), "float32")
            T.copy(X[0, 0], x)
            T.reduce_max(x, s, dim=0)
            T.copy(s, S[0])

    return column_max


def test_float32_reduction_results_keep_float32_in_dst():
    """A float32 reduction result is computed with fp32 DST (fp32_dest_acc_en auto)."""
    kernel = tilelang_tt.compile(fp32_column_max(64), out_idx=[-1])
    assert kernel.plan["compute_config"]["fp32_dest_acc_en"]
    x = random((64, 64), "float32", 14)
    assert_close(kernel(x), x.max(axis=0), rtol=2 ** -10, atol=0)


def write_then_read_back(M):
    @T.prim_func
    def race(A: T.Tensor((M, M), "float32"), C: T.Tensor((M, M), "float32"), D: T.Tensor((M, M), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_shared((M, M), "float32")
            z = T.alloc_shared((M, M), "float32")
            T.copy(A[0, 0], x)
            T.copy(x, C[0, 0])
            T.copy(C[0, 0], z)
            T.copy(z, D[0, 0])

    return race


def test_reading_back_a_tensor_the_kernel_wrote_is_a_located_error():
    with pytest.raises(ValidationError, match="reading C after this kernel wrote it is not supported") as info:
        tilelang_tt.compile(write_then_read_back(32), out_idx=[2])
    assert info.value.line is not None
