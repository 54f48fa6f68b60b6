"""Split-K GEMM with T.atomic_add, as TileLang's examples/gemm_splitk writes it: block (bx, by, bz)
adds the partial product of K slice bz into C. Tenstorrent has no atomic add to DRAM, so
LowerTTAtomicAdd makes the split axis part of the K loop: the core owning an output block runs the
slices in order into one accumulator and adds the total into C once (a read of C, an add, a write).
Results match NumPy's C_initial + A @ B; the DRAM traffic is the plain GEMM's plus one read of C;
the programs pass the real-header check. What cannot be lowered is a located error. The numerics
over shapes, dtypes and split counts are in the validation matrix (test_split_k_atomic_add)."""

import inspect
import re

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import codegen
from tilelang_tt.errors import ValidationError
from tilelang_tt.language import builtins as B
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from reference_kernels import matmul_splitk
from test_validation_matrix import check_splitk, private_cache  # noqa: F401 (its module-wide artifacts cache)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_the_tile_form_adds_the_whole_block(dtype):
    """example_tilelang_gemm_splitk_vectorize_atomicadd.py: T.atomic_add(C[by * bM, bx * bN], C_shared)."""
    kernel = check_splitk((128, 128, 256, 64, 64, 32, 4), dtype, tile_atomic=True)
    element = tilelang_tt.compile(matmul_splitk(128, 128, 256, 64, 64, 32, 4, dtype=dtype))
    for role in ("reader", "compute", "writer"):  # the two forms are one program (but for source-line comments)
        code = [re.sub(r"//.*", "", k.get_kernel_source(role)) for k in (kernel, element)]
        assert code[0] == code[1]


def test_one_block_per_output_block_and_one_read_of_c():
    """The split axis leaves the grid: 16 blocks, not 64; each reads its A and B panels over all of K
    once (the plain GEMM's traffic with every core reading its own operands, row_major; the default
    multicasts them) and reads and writes its C block once."""
    M = N = K = 256
    bM, bN, bK, split_k = 64, 64, 32, 4
    kernel = check_splitk((M, N, K, bM, bN, bK, split_k), "bfloat16", partition_strategy="row_major")
    partition = kernel.plan["work_partition"]
    assert partition["grid"] == [N // bN, M // bM] and partition["total_blocks"] == (M // bM) * (N // bN)
    totals = kernel.stats()["totals"]
    blocks = (M // bM) * (N // bN)
    assert totals["dram_read_bytes"] == blocks * (bM * K + K * bN) * 2 + M * N * 4
    assert totals["dram_write_bytes"] == M * N * 4
    reader = kernel.get_kernel_source("reader")
    assert "noc_async_read_page(" in reader and ", C, " in reader  # C's tiles come in once per block
    check_kernels([kernel.artifacts_dir])
    check_host_programs([kernel.artifacts_dir])


def test_memory_order_and_use_tma_are_accepted():
    """memory_order is met by construction (every add of a destination runs on one core, in order);
    use_tma is a GPU copy-engine hint."""

    @T.prim_func
    def main(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(2, 2, threads=128) as (bx, by):
            A_shared = T.alloc_shared((32, 32), "float32")
            T.copy(A[by * 32, bx * 32], A_shared)
            for i, j in T.Parallel(32, 32):
                T.atomic_add(C[by * 32 + i, bx * 32 + j], A_shared[i, j], memory_order="relaxed", use_tma=False)

    kernel = tilelang_tt.compile(main)
    a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    c = np.ones((64, 64), np.float32)
    kernel(a, c)
    np.testing.assert_array_equal(c, a + 1)


# ---- errors ---------------------------------------------------------------------------------------

def line_of(func, text):
    """The source line of the kernel function's statement containing text."""
    lines, start = inspect.getsourcelines(func)
    return start + next(i for i, line in enumerate(lines) if text in line)


def expect_error(kernel_factory, text, match):
    """The error, raised where the kernel is parsed or compiled, is at the line holding text."""
    with pytest.raises(ValidationError, match=match) as info:
        codegen.generate(kernel_factory())
    assert info.value.line == line_of(kernel_factory, text)
    return info.value


def test_atomic_add_into_shared_memory_is_a_located_error():
    """TileLang's GEMV adds each thread's partial sum into shared memory."""

    def factory():
        @T.prim_func
        def main(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                A_shared = T.alloc_shared((32, 32), "float32")
                S = T.alloc_shared((32, 32), "float32")
                T.copy(A[by * 32, bx * 32], A_shared)
                T.clear(S)
                for i, j in T.Parallel(32, 32):
                    T.atomic_add(S[i, j], A_shared[i, j])
                T.copy(S, C[by * 32, bx * 32])
        return main

    expect_error(factory, "T.atomic_add(S[i, j]", r"T.atomic_add into S, a shared buffer.*nothing to make atomic")


def test_integer_atomics_are_a_located_error():
    def factory():
        @T.prim_func
        def main(A: T.Tensor((64, 64), "int32"), C: T.Tensor((64, 64), "int32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                A_shared = T.alloc_shared((32, 32), "int32")
                T.copy(A[by * 32, bx * 32], A_shared)
                for i, j in T.Parallel(32, 32):
                    T.atomic_add(C[by * 32 + i, bx * 32 + j], A_shared[i, j])
        return main

    expect_error(factory, "T.atomic_add(C[", "a int32 tensor: integer atomics are not supported")


def test_the_previous_value_is_a_located_error():
    def with_flag():
        @T.prim_func
        def main(C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                for i, j in T.Parallel(32, 32):
                    T.atomic_add(C[by * 32 + i, bx * 32 + j], 1.0, return_prev=True)
        return main

    def as_value():
        @T.prim_func
        def main(C: T.Tensor((64, 64), "float32"), D: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                for i, j in T.Parallel(32, 32):
                    D[by * 32 + i, bx * 32 + j] = T.atomic_add(C[by * 32 + i, bx * 32 + j], 1.0)
        return main

    expect_error(with_flag, "return_prev=True", r"previous value .* does not exist on Tenstorrent")
    expect_error(as_value, "= T.atomic_add(", r"previous value .* does not exist on Tenstorrent")


@pytest.mark.parametrize("name", sorted(B.UNSUPPORTED_ATOMICS))
def test_other_atomics_are_located_errors(name):
    def factory():
        op = getattr(T, name)

        @T.prim_func
        def main(C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                for i, j in T.Parallel(32, 32):
                    op(C[by * 32 + i, bx * 32 + j], 1.0)
        return main

    expect_error(factory, "op(C[", rf"T.{name} is not supported on Tenstorrent.*only T.atomic_add")


def test_a_bad_memory_order_is_a_located_error():
    def factory():
        @T.prim_func
        def main(C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                for i, j in T.Parallel(32, 32):
                    T.atomic_add(C[by * 32 + i, bx * 32 + j], 1.0, memory_order="strict")
        return main

    with pytest.raises(tilelang_tt.errors.TTSyntaxError, match="memory_order must be None or one of") as info:
        codegen.generate(factory())
    assert info.value.line == line_of(factory, "memory_order=")


def test_overlapping_destinations_are_a_located_error():
    """Blocks 32 elements apart that each add 64: neighbours add into the same elements."""

    def factory():
        @T.prim_func
        def main(A: T.Tensor((64, 128), "float32"), C: T.Tensor((64, 128), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                A_shared = T.alloc_shared((32, 64), "float32")
                T.copy(A[by * 32, bx * 64], A_shared)
                for i, j in T.Parallel(32, 64):
                    T.atomic_add(C[by * 32 + i, bx * 32 + j], A_shared[i, j])
        return main

    expect_error(factory, "T.atomic_add(C[", r"blocks bx = b and b \+ 1 are 32 elements apart but each covers 64")


def test_a_split_sum_that_is_not_a_gemm_runs_the_split_in_order():
    """A column sum over row blocks (the shape of TileLang's layer-norm backward dgamma): every block
    adds into the same row of the output and the added value is not a gemm accumulator, so the
    four blocks run whole, one after another, on one core; each adds its column sums into S."""

    @T.prim_func
    def main(A: T.Tensor((128, 64), "float32"), S: T.Tensor((64,), "float32")):
        with T.Kernel(4, threads=128) as bx:
            A_shared = T.alloc_shared((32, 64), "float32")
            s = T.alloc_fragment((64,), "float32")
            T.copy(A[bx * 32, 0], A_shared)
            T.reduce_sum(A_shared, s, dim=0)
            for j in T.Parallel(64):
                T.atomic_add(S[j], s[j])

    kernel = tilelang_tt.compile(main)
    assert kernel.plan["work_partition"]["total_blocks"] == 1
    a = np.random.default_rng(3).standard_normal((128, 64)).astype(np.float32)
    s = np.linspace(-1, 1, 64, dtype=np.float32)
    want = s + a.sum(axis=0)
    kernel(a, s)
    # The FPU reads float32 operands with 10 mantissa bits (TF32): half an ulp of each term.
    assert np.all(np.abs(s - want) <= 2 ** -11 * np.abs(a).sum(axis=0) + 1e-6)
    # The reader reads S again in each block after the writer wrote it: it waits for the write.
    assert "cb_wait_front(cb_S_written, 1)" in kernel.get_kernel_source("reader")
    assert "cb_push_back(cb_S_written, 1)" in kernel.get_kernel_source("writer")


def test_two_split_axes_are_a_located_error():
    def factory():
        @T.prim_func
        def main(A: T.Tensor((64, 64), "float32"), C: T.Tensor((32, 32), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                A_shared = T.alloc_shared((32, 32), "float32")
                T.copy(A[by * 32, bx * 32], A_shared)
                T.atomic_add(C[0, 0], A_shared)
        return main

    expect_error(factory, "T.atomic_add(C[0, 0]", "block variables 'bx' and 'by'.*merge the split")


def test_adds_leaving_out_different_block_variables_are_a_located_error():
    """One add leaves out by, another bx: both are split axes, and blocks differing in either add
    into the same elements."""

    def factory():
        @T.prim_func
        def main(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64,), "float32"), D: T.Tensor((64,), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                A_shared = T.alloc_shared((32, 32), "float32")
                s = T.alloc_fragment((32,), "float32")
                T.copy(A[by * 32, bx * 32], A_shared)
                T.reduce_sum(A_shared, s, dim=0)
                for j in T.Parallel(32):
                    T.atomic_add(C[bx * 32 + j], s[j])
                for j in T.Parallel(32):
                    T.atomic_add(D[by * 32 + j], s[j])
        return main

    expect_error(factory, "T.atomic_add(C[", "leave out block variables 'bx' and 'by'.*merge the split")


def test_a_one_block_axis_is_not_a_split():
    """A grid of one block: the add that leaves bx out races with nothing, and neither does the
    plain write beside it."""

    @T.prim_func
    def main(A: T.Tensor((32, 64), "float32"), S: T.Tensor((64,), "float32"), D: T.Tensor((32, 64), "float32")):
        with T.Kernel(1, threads=128) as bx:
            A_shared = T.alloc_shared((32, 64), "float32")
            s = T.alloc_fragment((64,), "float32")
            T.copy(A[0, 0], A_shared)
            T.copy(A_shared, D[0, 0])
            T.reduce_sum(A_shared, s, dim=0)
            for j in T.Parallel(64):
                T.atomic_add(S[j], s[j])

    kernel = tilelang_tt.compile(main)
    a = np.random.default_rng(4).standard_normal((32, 64)).astype(np.float32)
    s, d = np.ones(64, np.float32), np.zeros((32, 64), np.float32)
    kernel(a, s, d)
    np.testing.assert_array_equal(d, a)
    assert np.all(np.abs(s - (1 + a.sum(axis=0))) <= 2 ** -11 * np.abs(a).sum(axis=0) + 1e-6)


def splitk_variant(after_loop, reads_split_outside=False):
    """The split-K GEMM with `after_loop` between the K loop and the adds (a statement the rewrite
    cannot keep), or with the split axis read outside the K loop."""

    def factory():
        @T.prim_func
        def main(A: T.Tensor((64, 128), "float16"), B: T.Tensor((128, 64), "float16"),
                 C: T.Tensor((64, 64), "float32"), D: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, 2, threads=128) as (bx, by, bz):
                A_shared = T.alloc_shared((32, 32), "float16")
                B_shared = T.alloc_shared((32, 32), "float16")
                C_local = T.alloc_fragment((32, 32), "float")
                T.clear(C_local)
                for ko in T.Pipelined(2):
                    T.copy(A[by * 32, bz * 64 + ko * 32], A_shared)
                    T.copy(B[bz * 64 + ko * 32, bx * 32], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
                if after_loop:
                    T.copy(C_local, D[by * 32, bx * 32])
                if reads_split_outside:
                    T.copy(A[by * 32, bz * 32], A_shared)
                    T.copy(A_shared, D[by * 32, bx * 32])
                for i, j in T.Parallel(32, 32):
                    T.atomic_add(C[by * 32 + i, bx * 32 + j], C_local[i, j])
        return main

    return factory


def test_a_plain_write_shared_by_the_split_is_a_located_error():
    """Each split's partial sum copied to the same block of D: the last block would win in TileLang."""
    expect_error(splitk_variant(after_loop=True), "T.copy(C_local, D[",
                 r"blocks that differ only in 'bz' all write the same elements of D here, without T.atomic_add")
    expect_error(splitk_variant(after_loop=False, reads_split_outside=True), "T.copy(A_shared, D[",
                 r"blocks that differ only in 'bz' all write the same elements of D")


def test_a_number_added_into_a_region_is_a_located_error():
    def factory():
        @T.prim_func
        def main(C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2, threads=128) as (bx, by):
                T.atomic_add(C[by * 32:by * 32 + 32, bx * 32:bx * 32 + 32], 1.0)
        return main

    expect_error(factory, "T.atomic_add(C[", "adds the number 1")
