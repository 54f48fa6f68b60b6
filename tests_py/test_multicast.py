"""Operand multicast across cores (docs/passes.md, TTTilesToCoreMap): the compiler deals a GEMM's
blocks to the cores in patches so that the cores of a core row share A's blocks and those of a
core column share B's; one core per row (column) reads them from DRAM and multicasts them. The
kernels are TileLang's, as the user wrote them. Every result is compared with NumPy and, bit for
bit, with the same kernel compiled without multicast (partition_strategy given, which keeps the
balanced partition); the DRAM traffic is checked against what each scheme reads."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from reference_kernels import gemm_epilogue, matmul
from test_ragged import VARIANTS
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)

BF16 = ml_dtypes.bfloat16


def run(func, a, b, **options):
    kernel = tilelang_tt.compile(func, out_idx=[-1], **options)
    c = kernel(a, b)
    return kernel, c, kernel.stats()["totals"]


def inputs(a_shape, b_shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(a_shape).astype(BF16), rng.standard_normal(b_shape).astype(BF16)


def assert_close(c, ref, K):
    c = c.astype(np.float32)
    assert np.corrcoef(c.ravel(), ref.ravel())[0, 1] >= 0.999
    np.testing.assert_allclose(c, ref, rtol=2 ** -6, atol=2 ** -6 * np.sqrt(K))


def semaphores(kernel):
    return len(kernel.plan.get("semaphores", []))


def test_reference_gemm_reads_each_input_once_and_matches_the_unicast_bits():
    """512^3 with 128x128x32 blocks: 4x4 blocks on a 4x4 core patch grid; A multicast along core
    rows, B down core columns, so DRAM sees A and B once (the minimum) instead of four times."""
    n = 512
    a, b = inputs((n, n), (n, n))
    func = matmul(n, n, n, 128, 128, 32, dtype="bfloat16")
    kernel, c, totals = run(func, a, b)
    reader = kernel.get_kernel_source("reader")
    assert "noc_async_write_multicast_loopback_src(" in reader and "noc_semaphore_inc(" in reader
    assert semaphores(kernel) == 4
    # One sender per row for A and per column for B, and no core sends both: each sender's reader
    # reads and multicasts one operand's tiles per step.
    plan_reader = kernel.plan["kernels"][0]
    names = plan_reader["runtime_arg_names"]
    flags = {core: (args[names.index("A_mcast_sender")], args[names.index("B_mcast_sender")])
             for core, args in plan_reader["runtime_args"].items()}
    assert sorted(flags.values()).count((1, 0)) == 4 and sorted(flags.values()).count((0, 1)) == 4
    assert (1, 1) not in flags.values()
    assert kernel.plan["core_ranges"] == [[[0, 0], [3, 3]]]
    assert kernel.plan["work_partition"]["strategy"] == "block"
    assert totals["dram_read_bytes"] == 2 * n * n * 2  # A and B read once
    assert totals["dram_write_bytes"] == n * n * 2
    # Each sender multicasts its blocks to the 3 other cores of its row (column): 3 copies of
    # every input byte cross the NoC, plus the VALID flags.
    assert totals["noc_write_bytes"] >= 3 * 2 * n * n * 2
    assert_close(c, a.astype(np.float32) @ b.astype(np.float32), n)

    unicast, c_unicast, totals_unicast = run(func, a, b, partition_strategy="row_major")
    assert semaphores(unicast) == 0 and "multicast" not in unicast.get_kernel_source("reader")
    assert totals_unicast["dram_read_bytes"] == 4 * totals["dram_read_bytes"]
    np.testing.assert_array_equal(c.view(np.uint16), c_unicast.view(np.uint16))
    check_kernels([kernel.artifacts_dir])
    check_host_programs([kernel.artifacts_dir])


def test_more_blocks_than_cores_are_joined_per_core():
    """2048^3 with 128x128x32 blocks: 16x16 blocks for 64 cores. JoinTTBlocks runs each core's 2x2
    patch as one 256x256 block, so DRAM sees A and B once, not twice; its K steps add their
    products onto the partial sums by L1 accumulation, the last packing straight to the writer. A requested partition keeps the user's
    blocks (each core then reads its own operands, four times the minimum) and gives the same
    values up to the rounding of the wider steps."""
    n = 2048
    a, b = inputs((n, n), (n, n), seed=5)
    func = matmul(n, n, n, 128, 128, 32, dtype="bfloat16")
    kernel, c, totals = run(func, a, b)
    assert kernel.plan["work_partition"]["grid"] == [8, 8]
    assert totals["dram_read_bytes"] == 2 * n * n * 2 and totals["dram_write_bytes"] == n * n * 2
    compute = kernel.get_kernel_source("compute")
    # The last K step reloads the partial sums once and packs into the writer's CB: no copy out.
    assert "pack_reconfig_l1_acc(" in compute and "copy_tile(cb_C_local_partials" in compute
    assert "cb_wait_front(cb_C_local_partials, 64)" not in compute
    ref = a.astype(np.float32) @ b.astype(np.float32)
    assert_close(c, ref, n)
    check_kernels([kernel.artifacts_dir])

    separate, c_separate, totals_separate = run(func, a, b, partition_strategy="block")
    assert separate.plan["work_partition"]["grid"] == [16, 16]
    assert totals_separate["dram_read_bytes"] > totals["dram_read_bytes"]
    assert_close(c_separate, ref, n)


def test_block_grid_off_the_core_grid_is_joined_where_it_multicasts():
    """1536^3 with 128x128x32 blocks: 12x12 blocks for 64 cores. Neither the blocks nor 1x3 joins
    (12x4, three blocks on each of 48 cores) fill multicast patches, so every core would read its
    own operands; the cost numbers choose 2x2 joins on a 6x6 core grid, four blocks on each of 36
    cores with A multicast along core rows and B down core columns: DRAM sees A and B once."""
    n = 1536
    a, b = inputs((n, n), (n, n), seed=8)
    func = matmul(n, n, n, 128, 128, 32, dtype="bfloat16")
    kernel, c, totals = run(func, a, b)
    assert kernel.plan["work_partition"]["grid"] == [6, 6]
    assert kernel.plan["core_ranges"] == [[[0, 0], [5, 5]]]
    assert semaphores(kernel) == 4
    assert totals["dram_read_bytes"] == 2 * n * n * 2 and totals["dram_write_bytes"] == n * n * 2
    assert_close(c, a.astype(np.float32) @ b.astype(np.float32), n)
    check_kernels([kernel.artifacts_dir])


def test_joined_blocks_keep_steps_wider_than_widening_in_l1():
    """2048^3 with 128x128x512 blocks in three stages: steps wider than WidenTTKSteps' 256 stay as
    written, so a join must fit three 512-deep operand stages as they are (a 2x2 join would need
    1.5 MiB of them); the program compiles within L1 and matches NumPy."""
    n = 2048
    a, b = inputs((n, n), (n, n), seed=9)
    func = matmul(n, n, n, 128, 128, 512, dtype="bfloat16")
    kernel, c, totals = run(func, a, b)
    grid = kernel.plan["work_partition"]["grid"]
    assert grid[0] * grid[1] > 64  # not joined 2x2
    assert_close(c, a.astype(np.float32) @ b.astype(np.float32), n)


def bias_relu(M, N, K, block_M, block_N, block_K, dtype="bfloat16"):
    """The reference GEMM with a bias copied per block and an element-wise epilogue on C_local."""
    @T.prim_func
    def gemm(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), bias: T.Tensor((N,), dtype),
             C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            bias_local = T.alloc_fragment((block_N,), dtype)
            C_local = T.alloc_fragment((block_M, block_N), "float")
            T.copy(bias[bx * block_N], bias_local)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            for i, j in T.Parallel(block_M, block_N):
                C_local[i, j] = T.max(C_local[i, j] + bias_local[j], 0)
            T.copy(C_local, C[by * block_M, bx * block_N])

    return gemm


def test_joined_blocks_keep_their_epilogue():
    """Joining scales the epilogue's T.Parallel nest and the bias vector with the block."""
    n = 2048
    a, b = inputs((n, n), (n, n), seed=6)
    bias = np.random.default_rng(7).standard_normal(n).astype(BF16)
    kernel = tilelang_tt.compile(bias_relu(n, n, n, 128, 128, 32), out_idx=[-1])
    c = kernel(a, b, bias)
    assert kernel.plan["work_partition"]["grid"] == [8, 8]
    ref = np.maximum(a.astype(np.float32) @ b.astype(np.float32) + bias.astype(np.float32), 0)
    assert_close(c, ref, n)


@pytest.mark.parametrize("variant", [*VARIANTS, "shared_epilogue"])
def test_variants_multicast_their_operands(variant):
    """transpose_A, transpose_B and the epilogues: 6 x 4 blocks on a 6 x 4 core grid, A and B
    each read once, the result bit for bit that of every core reading its own operands."""
    M, N, K = 256, 384, 128
    if variant == "shared_epilogue":
        func, reference, trans_a, trans_b = gemm_epilogue(M, N, K, 64, 64, 32, dtype="bfloat16"), np.matmul, False, False
    else:
        build, reference, trans_a, trans_b = VARIANTS[variant]
        func = build(M, N, K, (64, 64, 32), "bfloat16")
    a, b = inputs((K, M) if trans_a else (M, K), (N, K) if trans_b else (K, N), seed=1)
    kernel, c, totals = run(func, a, b)
    assert semaphores(kernel) == 4
    assert kernel.plan["core_ranges"] == [[[0, 0], [5, 3]]]
    assert totals["dram_read_bytes"] == (M * K + N * K) * 2
    assert_close(c, reference(a.astype(np.float32), b.astype(np.float32)), K)
    _, c_unicast, _ = run(func, a, b, partition_strategy="block")
    np.testing.assert_array_equal(c.view(np.uint16), c_unicast.view(np.uint16))
    check_kernels([kernel.artifacts_dir])


def test_one_core_column_multicasts_b_only():
    """A launch grid of one block column: A's blocks differ on every core, B's are shared down the
    column of 4 cores."""
    M, N, K = 256, 64, 64
    a, b = inputs((M, K), (K, N), seed=4)
    kernel, c, totals = run(matmul(M, N, K, 64, 64, 32, dtype="bfloat16"), a, b)
    assert semaphores(kernel) == 2
    assert kernel.plan["core_ranges"] == [[[0, 0], [0, 3]]]
    reader = kernel.get_kernel_source("reader")
    assert "B_mcast_sender" in reader and "A_mcast" not in reader
    assert totals["dram_read_bytes"] == (M * K + N * K) * 2
    assert_close(c, a.astype(np.float32) @ b.astype(np.float32), K)


@pytest.mark.parametrize("case", ["one_block", "strategy_given", "prime_grid"])
def test_falls_back_to_every_core_reading_its_own_operands(case):
    """No multicast where it does not apply: one core (nothing to share), a partition strategy the
    user asked for, and a launch grid of 1 x 11 blocks: the balanced partition runs them on 11
    cores, but no patch grid within the 8 x 8 cores has 11 (multicast never costs parallelism)."""
    shapes = {"one_block": (64, 64, 64), "strategy_given": (256, 256, 64), "prime_grid": (352, 64, 64)}
    M, N, K = shapes[case]
    options = {"partition_strategy": "row_major"} if case == "strategy_given" else {}
    a, b = inputs((M, K), (K, N), seed=5)
    kernel, c, _ = run(matmul(M, N, K, 32 if case == "prime_grid" else 64, 64, 32, dtype="bfloat16"), a, b, **options)
    assert semaphores(kernel) == 0
    assert "multicast" not in kernel.get_kernel_source("reader")
    assert_close(c, a.astype(np.float32) @ b.astype(np.float32), K)


def gemm_formats(M, N, K, block, tensor_dtype, trans_A):
    """A GEMM whose tensors may be float32 copied into bfloat16 blocks, A transposed or not."""
    @T.prim_func
    def gemm(A: T.Tensor((K, M) if trans_A else (M, K), tensor_dtype), B: T.Tensor((K, N), tensor_dtype),
             C: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_shared = T.alloc_shared((32, block) if trans_A else (block, 32), "bfloat16")
            B_shared = T.alloc_shared((32, block), "bfloat16")
            C_local = T.alloc_fragment((block, block), "float")
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, 32), num_stages=3):
                T.copy(A[k * 32, by * block] if trans_A else A[by * block, k * 32], A_shared)
                T.copy(B[k * 32, bx * block], B_shared)
                T.gemm(A_shared, B_shared, C_local, transpose_A=trans_A)
            T.copy(C_local, C[by * block, bx * block])

    return gemm


@pytest.mark.parametrize("tensor_dtype,trans_A", [("float32", False), ("bfloat16", True)])
def test_joined_blocks_of_converted_and_transposed_operands(tensor_dtype, trans_A):
    """float32 tensors fill bfloat16 blocks through float32 pages (the join counts the wider
    pages against L1); a transposed A joins along its own columns."""
    n = 2048
    rng = np.random.default_rng(8)
    host = np.float32 if tensor_dtype == "float32" else BF16
    a = rng.standard_normal((n, n)).astype(host)
    b = rng.standard_normal((n, n)).astype(host)
    kernel = tilelang_tt.compile(gemm_formats(n, n, n, 128, tensor_dtype, trans_A), out_idx=[-1])
    c = kernel(a, b)
    assert kernel.plan["work_partition"]["grid"] == [8, 8]
    a32 = a.astype(BF16).astype(np.float32)
    ref = (a32.T if trans_A else a32) @ b.astype(BF16).astype(np.float32)
    assert_close(c, ref, n)
