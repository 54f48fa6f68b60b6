"""Lowering features through the Python path: a parsed kernel, run_pipeline (writing the plan),
the generated kernel sources and the simulator, compared with NumPy. Covers T.fill with a non-zero
constant, T.gemm(transpose_A=True) and an accumulator that stays in DST across the K loop."""

import json
import os

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import _core, passes, sim


def gemm_kernel(M, N, K, block_M, block_N, block_K, fill_value=0.0, transpose_A=False):
    A_shape = (K, M) if transpose_A else (M, K)
    A_shared_shape = (block_K, block_M) if transpose_A else (block_M, block_K)

    @T.prim_func
    def gemm(A: T.Tensor(A_shape, "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared(A_shared_shape, "bfloat16")
            B_shared = T.alloc_shared((block_K, block_N), "bfloat16")
            C_local = T.alloc_fragment((block_M, block_N), "float")

            T.fill(C_local, fill_value)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                if transpose_A:
                    T.copy(A[k * block_K, by * block_M], A_shared)
                else:
                    T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local, transpose_A=transpose_A)

            T.copy(C_local, C[by * block_M, bx * block_N])

    return gemm


def compile_and_run(func, tmp_path, inputs, **pipeline_options):
    plan_path = tmp_path / "tt.plan.json"
    lowered = passes.run_pipeline(func, plan_path=str(plan_path), **pipeline_options)
    for name, source in _core.codegen.generate_kernel_sources(lowered).items():
        (tmp_path / name).write_text(source)
    plan = json.loads(plan_path.read_text())
    return plan, sim.run_plan(plan, tmp_path, inputs)


def random_bf16(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(ml_dtypes.bfloat16)


def assert_matches(got, want, K):
    got = np.asarray(got, np.float32)
    assert np.corrcoef(got.ravel(), want.ravel())[0, 1] >= 0.999
    np.testing.assert_allclose(got, want, atol=0.02 * np.sqrt(K) + 0.02, rtol=0.01)


@pytest.mark.parametrize("fill_value", [1.5, -3.0])
def test_nonzero_fill_then_accumulate(tmp_path, fill_value):
    """C = fill + A @ B: the first K step starts DST from fill_tile instead of zero."""
    M = N = 128
    K = 96
    a, b = random_bf16((M, K), 1), random_bf16((K, N), 2)
    _, result = compile_and_run(gemm_kernel(M, N, K, 128, 128, 32, fill_value=fill_value), tmp_path, {"A": a, "B": b})
    assert_matches(result["C"], fill_value + a.astype(np.float32) @ b.astype(np.float32), K)


def test_transpose_a(tmp_path):
    """A given as (K, M): compute transposes each tile into a staging CB, then C = A.T @ B."""
    M, N, K = 128, 64, 192
    a, b = random_bf16((K, M), 3), random_bf16((K, N), 4)
    plan, result = compile_and_run(gemm_kernel(M, N, K, 64, 64, 64, transpose_A=True), tmp_path, {"A": a, "B": b})
    assert "A_shared.transposed" in {cb["name"] for cb in plan["circular_buffers"]}
    assert result.stats["totals"]["tile_ops"]["transpose_wh_tile"] == (M // 32) * (K // 32) * (N // 64)
    assert_matches(result["C"], a.astype(np.float32).T @ b.astype(np.float32), K)


def test_accumulator_that_fits_dst_is_not_reloaded(tmp_path):
    """A 64x64 float accumulator (4 tiles, DST holds 4 with fp32 accumulation) stays in DST for the
    whole K loop: each output tile is packed once, straight into the bf16 CB the writer drains."""
    M = N = K = 256
    a, b = random_bf16((M, K), 5), random_bf16((K, N), 6)
    plan, result = compile_and_run(gemm_kernel(M, N, K, 64, 64, 32, fill_value=0.5), tmp_path, {"A": a, "B": b})
    ops = result.stats["totals"]["tile_ops"]
    output_tiles = (M // 32) * (N // 32)
    assert "copy_tile" not in ops
    assert ops["pack_tile"] == output_tiles
    assert ops["matmul_block.tile"] == output_tiles * (K // 32)
    assert_matches(result["C"], 0.5 + a.astype(np.float32) @ b.astype(np.float32), K)


def test_shape_values_are_runtime_arguments(tmp_path):
    """Tensor widths in tiles and the K trip count are runtime arguments: two shapes with the same
    blocks (and K steps of the same width, WidenTTKSteps: 256 here) give byte-identical kernels and
    differ only in the plan's argument values."""
    sources = []
    for K in (256, 512):
        lowered = passes.run_pipeline(gemm_kernel(64, 64, K, 64, 64, 32))
        sources.append(_core.codegen.generate_kernel_sources(lowered))
    assert sources[0] == sources[1]
    assert "k_trip_count" in sources[0]["reader.cpp"] and "A_width_tiles" in sources[0]["reader.cpp"]


@pytest.mark.parametrize("partition_strategy", ["row_major", "column_major", "block", "serpentine"])
def test_launch_grid_extents_are_runtime_arguments(tmp_path, partition_strategy):
    """The block decode reads the launch-grid extents (and the block strategy's panel height) from
    runtime arguments: GEMMs differing in M and N with the same blocks give byte-identical reader,
    compute and writer sources, and each still matches NumPy on the simulator. The larger grid
    (12 x 15 blocks on 64 cores, 3 per core) gives the block strategy panels of 2 rows, the last
    one short."""
    sources, plans = [], []
    for seed, (M, N, K) in enumerate([(64, 128, 64), (480, 384, 64)]):
        run_dir = tmp_path / f"{M}x{N}x{K}"
        run_dir.mkdir()
        a, b = random_bf16((M, K), 10 + 2 * seed), random_bf16((K, N), 11 + 2 * seed)
        plan, result = compile_and_run(gemm_kernel(M, N, K, 32, 32, 32), run_dir, {"A": a, "B": b},
                                       partition_strategy=partition_strategy)
        assert_matches(result["C"], a.astype(np.float32) @ b.astype(np.float32), K)
        sources.append({name: (run_dir / name).read_text() for name in ("reader.cpp", "compute.cpp", "writer.cpp")})
        plans.append(plan)
    assert sources[0] == sources[1]
    decode_extent = "grid_y" if partition_strategy == "column_major" else "grid_x"
    assert decode_extent in sources[0]["reader.cpp"] and decode_extent in sources[0]["writer.cpp"]
    if partition_strategy in ("block", "serpentine"):
        assert "block_panel" in sources[0]["writer.cpp"]
        assert [p["work_partition"]["panel"] for p in plans] == [1, 2]
    assert plans[0] != plans[1]


def gemm_through_lets(M, N, K, block):
    @T.prim_func
    def gemm(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block)) as (bx, by):
            A_s = T.alloc_shared((block, block), "bfloat16")
            B_s = T.alloc_shared((block, block), "bfloat16")
            acc = T.alloc_fragment((block, block), "float32")
            row0 = by * block
            col0 = bx * block
            T.clear(acc)
            for k in T.Pipelined(T.ceildiv(K, block), num_stages=2):
                k0 = k * block
                T.copy(A[row0, k0], A_s)
                T.copy(B[k0, col0], B_s)
                T.gemm(A_s, B_s, acc)
            T.copy(acc, C[row0, col0])

    return gemm


def test_copy_regions_named_through_lets():
    """`row0 = by * block` then A[row0, k0]: the tile alignment of region starts looks through lets."""
    kernel = tilelang_tt.compile(gemm_through_lets(64, 96, 128, 32), out_idx=[-1])
    a, b = random_bf16((64, 128), 1), random_bf16((128, 96), 2)
    assert_matches(kernel(a, b), a.astype(np.float32) @ b.astype(np.float32), 128)


def gemm_from_bias(M, N, K, block, out_dtype):
    """The accumulator starts as a block of Bias, copied from global memory, instead of T.clear."""

    @T.prim_func
    def main(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), Bias: T.Tensor((M, N), "float32"),
             C: T.Tensor((M, N), out_dtype)):
        with T.Kernel(N // block, M // block) as (bx, by):
            a = T.alloc_shared((block, 32), "bfloat16")
            b = T.alloc_shared((32, block), "bfloat16")
            acc = T.alloc_fragment((block, block), "float32")
            T.copy(Bias[by * block, bx * block], acc)
            for k in T.Pipelined(K // 32, num_stages=2):
                T.copy(A[by * block, k * 32], a)
                T.copy(B[k * 32, bx * block], b)
                T.gemm(a, b, acc)
            T.copy(acc, C[by * block, bx * block])

    return main


@pytest.mark.parametrize("block", [32, 64, 128])  # the accumulator in DST across K (32, 64) or reloaded (128)
@pytest.mark.parametrize("out_dtype", ["float32", "bfloat16"])
def test_an_accumulator_copied_from_global_memory(block, out_dtype):
    """The reader fills the accumulator's input CB; compute reloads it from there and packs the sums
    into a CB of its own (a CB has one producer), also when the output has the accumulator's dtype."""
    M, N, K = 256, 256, 96
    kernel = tilelang_tt.compile(gemm_from_bias(M, N, K, block, out_dtype), out_idx=[-1])
    rng = np.random.default_rng(block)
    a = rng.standard_normal((M, K)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((K, N)).astype(ml_dtypes.bfloat16)
    bias = rng.standard_normal((M, N)).astype(np.float32)
    want = a.astype(np.float32) @ b.astype(np.float32) + bias
    c = kernel(a, b, bias).astype(np.float32)
    if out_dtype == "bfloat16":  # the float32 sums rounded once (an ulp where the order of the sums tips it)
        np.testing.assert_allclose(c, want, rtol=2 ** -7, atol=1e-3)
    else:
        np.testing.assert_allclose(c, want, rtol=1e-6, atol=1e-5)
    if block == 64 and out_dtype == "bfloat16":
        from tilelang_tt.release_check import check_kernels
        check_kernels([kernel.artifacts_dir])


def test_an_operand_scaled_inside_the_k_loop():
    """Element-wise work on an operand in the K loop needs DST, so the accumulator is not kept in
    DST across the loop (it is reloaded per step): a scale of the weights before the gemm."""
    M = N = K = 128

    @T.prim_func
    def main(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32")):
        with T.Kernel(N // 64, M // 64) as (bx, by):
            a = T.alloc_shared((64, 32), "bfloat16")
            b = T.alloc_shared((32, 64), "bfloat16")
            scaled = T.alloc_fragment((32, 64), "bfloat16")
            acc = T.alloc_fragment((64, 64), "float32")
            T.clear(acc)
            for k in T.Pipelined(K // 32, num_stages=2):
                T.copy(A[by * 64, k * 32], a)
                T.copy(B[k * 32, bx * 64], b)
                for i, j in T.Parallel(32, 64):
                    scaled[i, j] = b[i, j] * 0.5
                T.gemm(a, scaled, acc)
            T.copy(acc, C[by * 64, bx * 64])

    kernel = tilelang_tt.compile(main, out_idx=[-1])
    rng = np.random.default_rng(2)
    a = rng.standard_normal((M, K)).astype(ml_dtypes.bfloat16)
    b = rng.standard_normal((K, N)).astype(ml_dtypes.bfloat16)
    want = a.astype(np.float32) @ (b.astype(np.float32) * 0.5)
    np.testing.assert_allclose(kernel(a, b), want, rtol=1e-5, atol=1e-4)


def nested_k_loops(M, N, K, block, block_K, scale_a):
    """The K loop split in two nested loops, the gemm in the inner one; with scale_a, the outer loop
    also scales A's block element-wise (compute work outside the inner loop)."""
    inner = K // block_K // 2

    @T.prim_func
    def gemm(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_in = T.alloc_shared((block, block_K), "bfloat16")
            A_s = T.alloc_shared((block, block_K), "bfloat16")
            B_s = T.alloc_shared((block_K, block), "bfloat16")
            C_l = T.alloc_fragment((block, block), "float")
            T.clear(C_l)
            for ko in T.serial(2):
                if scale_a:
                    T.copy(A[by * block, ko * inner * block_K], A_in)
                    for i, j in T.Parallel(block, block_K):
                        A_s[i, j] = A_in[i, j] * 2.0
                for ki in T.serial(inner):
                    if not scale_a:
                        T.copy(A[by * block, (ko * inner + ki) * block_K], A_s)
                    T.copy(B[(ko * inner + ki) * block_K, bx * block], B_s)
                    T.gemm(A_s, B_s, C_l)
            T.copy(C_l, C[by * block, bx * block])

    return gemm


@pytest.mark.parametrize("block, scale_a", [(128, False), (64, True)])
def test_a_gemm_in_a_nested_loop_packs_its_result_after_the_outer_loop(block, scale_a):
    """The last step of the outer loop is not the gemm's last: the final value is packed and copied
    out after the loops (128x128: partial sums reloaded each step; 64x64 with the scaled A: kept in
    DST across the inner loop, packed after each run of it)."""
    M = N = block
    K = 256
    block_K = 64 if not scale_a else 32
    kernel = tilelang_tt.compile(nested_k_loops(M, N, K, block, block_K, scale_a), out_idx=[-1])
    a, b = random_bf16((M, K), 11), random_bf16((K, N), 12)
    c = kernel(a, b)
    if scale_a:
        a32 = a.astype(np.float32)
        want = np.zeros((M, N), np.float32)
        for ko in range(2):  # the outer loop scales only its first inner step's A block
            rows = (2 * a32[:, ko * 4 * block_K:(ko * 4 + 1) * block_K])
            for ki in range(4):
                k0 = (ko * 4 + ki) * block_K
                want += rows @ b.astype(np.float32)[k0:k0 + block_K]
    else:
        want = a.astype(np.float32) @ b.astype(np.float32)
    assert_matches(c, want, K)


def test_a_bfloat16_accumulator_keeps_its_rounding_into_a_float32_output():
    """C_local is bfloat16, C float32, DST holds fp32: the value is packed into C_local's bfloat16
    CB before it is copied out, so every output is a bfloat16 value, as the accumulator's dtype says."""
    M = N = 64
    K = 512

    @T.prim_func
    def gemm(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32")):
        with T.Kernel(1, 1, threads=128) as (bx, by):
            A_s = T.alloc_shared((M, 32), "bfloat16")
            B_s = T.alloc_shared((32, N), "bfloat16")
            C_l = T.alloc_fragment((M, N), "bfloat16")
            T.clear(C_l)
            for k in T.Pipelined(K // 32, num_stages=2):
                T.copy(A[0, k * 32], A_s)
                T.copy(B[k * 32, 0], B_s)
                T.gemm(A_s, B_s, C_l)
            T.copy(C_l, C[0, 0])

    kernel = tilelang_tt.compile(gemm, out_idx=[-1], fp32_dest_acc_en=True)
    a, b = random_bf16((M, K), 13), random_bf16((K, N), 14)
    c = np.asarray(kernel(a, b), np.float32)
    np.testing.assert_array_equal(c, c.astype(ml_dtypes.bfloat16).astype(np.float32))
    assert np.corrcoef(c.ravel(), (a.astype(np.float32) @ b.astype(np.float32)).ravel())[0, 1] >= 0.999


def test_a_16_bit_dst_leaves_l1_accumulated_float32_sums_unrounded():
    """With fp32_dest_acc_en=False a reload into DST would round the float32 partial sums the packer
    accumulated in L1 to 16 bits: the copy right after the K loop then takes them as they are, the
    same values as when a statement between loop and copy keeps it from packing straight out."""
    M = N = 128
    K, block_K = 512, 64

    def gemm(copy_follows_loop):
        @T.prim_func
        def kernel(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32"),
                   D: T.Tensor((32, 32), "bfloat16")):
            with T.Kernel(1, 1, threads=128) as (bx, by):
                A_s = T.alloc_shared((M, block_K), "bfloat16")
                B_s = T.alloc_shared((block_K, N), "bfloat16")
                C_l = T.alloc_fragment((M, N), "float32")
                d = T.alloc_fragment((32, 32), "bfloat16")
                T.clear(C_l)
                for k in T.Pipelined(K // block_K, num_stages=2):
                    T.copy(A[0, k * block_K], A_s)
                    T.copy(B[k * block_K, 0], B_s)
                    T.gemm(A_s, B_s, C_l)
                if not copy_follows_loop:
                    T.fill(d, 1.0)
                T.copy(C_l, C[0, 0])
                if copy_follows_loop:
                    T.fill(d, 1.0)
                T.copy(d, D[0, 0])

        return tilelang_tt.compile(kernel, out_idx=[2, 3], fp32_dest_acc_en=False)

    a, b = random_bf16((M, K), 18), random_bf16((K, N), 19)
    direct, separated = gemm(True), gemm(False)
    assert "pack_reconfig_l1_acc(" in direct.get_kernel_source("compute")
    c = np.asarray(direct(a, b)[0], np.float32)
    np.testing.assert_array_equal(c, np.asarray(separated(a, b)[0], np.float32))
    assert np.corrcoef(c.ravel(), (a.astype(np.float32) @ b.astype(np.float32)).ravel())[0, 1] >= 0.999


def test_a_gemm_into_a_global_tensor_is_a_located_error_with_many_blocks():
    """More blocks than cores (JoinTTBlocks considers joining them) and C a global tensor: the
    located error LowerTTTileIntrinsics gives for a gemm outside circular buffers."""

    @T.prim_func
    def gemm(A: T.Tensor((512, 64), "bfloat16"), B: T.Tensor((64, 512), "bfloat16"), C: T.Tensor((32, 32), "float32")):
        with T.Kernel(16, 16, threads=128) as (bx, by):
            A_s = T.alloc_shared((32, 32), "bfloat16")
            B_s = T.alloc_shared((32, 32), "bfloat16")
            for k in T.Pipelined(2):
                T.copy(A[by * 32, k * 32], A_s)
                T.copy(B[k * 32, bx * 32], B_s)
                T.gemm(A_s, B_s, C)

    with pytest.raises(tilelang_tt.ValidationError,
                       match=r"T.gemm on global buffer C is not supported .*T.copy it into a shared/fragment buffer"):
        tilelang_tt.compile(gemm)


def test_narrow_blocks_take_column_subblocks_and_match_numpy(tmp_path):
    """128x64 float accumulators (4x2 tiles, DST holds 4) only copied out: 4x1 subblocks (one B
    tile per K tile stays in its source register while four A tiles pass), and the writer takes
    the tiles in that order."""
    M, N, K = 256, 256, 256
    a, b = random_bf16((M, K), 15), random_bf16((K, N), 16)
    plan, result = compile_and_run(gemm_kernel(M, N, K, 128, 64, 32), tmp_path, {"A": a, "B": b})
    compute = (tmp_path / "compute.cpp").read_text()
    assert "mm_block_init_short(cb_A_shared, cb_B_shared, 0, 1, 4, " in compute
    assert_matches(result["C"], a.astype(np.float32) @ b.astype(np.float32), K)


@pytest.mark.parametrize("block_K", [32, 64])
def test_float32_partial_sums_reload_exactly_into_a_delivered_output(block_K):
    """Integer operands whose sums need up to 19 significant bits: exact in float32, not in the
    source registers' tf32 (11). The partial sums (added in L1 from two K tiles per step) are
    reloaded by the last K step, which packs straight into the writer's CB; the compute kernel
    unpacks their CB straight to DST (UnpackToDestFp32), so the float32 output is the exact product."""
    M = N = 128
    K = 512

    @T.prim_func
    def gemm(A: T.Tensor((M, K), "bfloat16"), B: T.Tensor((K, N), "bfloat16"), C: T.Tensor((M, N), "float32")):
        with T.Kernel(1, 1, threads=128) as (bx, by):
            A_s = T.alloc_shared((M, block_K), "bfloat16")
            B_s = T.alloc_shared((block_K, N), "bfloat16")
            C_l = T.alloc_fragment((M, N), "float32")
            T.clear(C_l)
            for k in T.Pipelined(K // block_K, num_stages=2):
                T.copy(A[0, k * block_K], A_s)
                T.copy(B[k * block_K, 0], B_s)
                T.gemm(A_s, B_s, C_l)
            T.copy(C_l, C[0, 0])

    kernel = tilelang_tt.compile(gemm, out_idx=[-1])
    rng = np.random.default_rng(17)
    a = rng.integers(-100, 101, (M, K)).astype(ml_dtypes.bfloat16)
    b = rng.integers(-100, 101, (K, N)).astype(ml_dtypes.bfloat16)
    want = a.astype(np.float64) @ b.astype(np.float64)
    assert np.abs(want).max() > 2048  # beyond tf32's exact integers
    np.testing.assert_array_equal(np.asarray(kernel(a, b), np.float64), want)
    compute = kernel.get_kernel_source("compute")
    assert "pack_reconfig_l1_acc(" in compute and "copy_tile(" in compute
    with open(os.path.join(kernel.artifacts_dir, "tt.plan.json")) as f:
        plan = json.load(f)
    partials = [cb["cb_index"] for cb in plan["circular_buffers"] if cb["data_format"] == "Float32"
                and cb["flow"] != "output"]
    assert [k.get("unpack_to_dest_fp32") for k in plan["kernels"] if k["role"] == "compute"] == [partials]
