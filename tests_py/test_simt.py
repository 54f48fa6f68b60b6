"""SIMT kernels: TileLang's GEMV examples written with T.get_thread_binding, rewritten into tile form
(tilelang_tt/language/simt.py) and run on the simulator against NumPy.

naive_gemv keeps one partial sum per row thread and folds a serial loop over K into it (a reducer);
naive_splitk_gemv gives every (row, k) thread one product per K step and sums the threads of a row
with T.atomic_add into shared memory; splitk_gemv is the same with TILE_K = BLOCK_K / reduce_threads
elements per thread, which maps when it is 1. What has no tile form is a located error."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import UnknownNameError, ValidationError
from tilelang_tt.release_check import check_kernels

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from source_lines import marker_line

DTYPES = {"bfloat16": ml_dtypes.bfloat16, "float16": np.float16}


def naive_gemv(N, K, BLOCK_N, BLOCK_K, dtype="float16", accum_dtype="float"):
    @T.prim_func
    def main(A: T.Tensor((K,), dtype), B: T.Tensor((N, K), dtype), C: T.Tensor((N,), dtype)):
        with T.Kernel(T.ceildiv(N, BLOCK_N)) as bn:
            tn = T.get_thread_binding(0)
            A_shared = T.alloc_shared((BLOCK_K,), dtype)
            B_shared = T.alloc_shared((BLOCK_N, BLOCK_K), dtype)
            C_reg = T.alloc_local((1,), accum_dtype)
            T.clear(C_reg)
            for bk in T.serial(T.ceildiv(K, BLOCK_K)):
                for tk in T.serial(BLOCK_K):
                    A_shared[tk] = A[bk * BLOCK_K + tk]
                    B_shared[tn, tk] = B[bn * BLOCK_N + tn, bk * BLOCK_K + tk]
                for tk in T.serial(BLOCK_K):
                    C_reg[0] += A_shared[tk].astype(accum_dtype) * B_shared[tn, tk].astype(accum_dtype)
            C[bn * BLOCK_N + tn] = C_reg[0]

    return main


def naive_splitk_gemv(N, K, BLOCK_N, BLOCK_K, dtype="float16", accum_dtype="float"):
    @T.prim_func
    def main(A: T.Tensor((K,), dtype), B: T.Tensor((N, K), dtype), C: T.Tensor((N,), dtype)):
        with T.Kernel(T.ceildiv(N, BLOCK_N), threads=(BLOCK_N, BLOCK_K)) as bn:
            tn = T.get_thread_binding(0)
            tk = T.get_thread_binding(1)
            A_local = T.alloc_local((1,), dtype)
            B_local = T.alloc_local((1,), dtype)
            C_accum = T.alloc_local((1,), accum_dtype)
            C_shared = T.alloc_shared((BLOCK_N,), accum_dtype)
            if tk == 0:
                C_shared[tn] = 0
            T.clear(C_accum)
            for bk in T.serial(T.ceildiv(K, BLOCK_K)):
                A_local[0] = A[bk * BLOCK_K + tk]
                B_local[0] = B[bn * BLOCK_N + tn, bk * BLOCK_K + tk]
                C_accum[0] += A_local[0].astype(accum_dtype) * B_local[0].astype(accum_dtype)
            T.atomic_add(C_shared[tn], C_accum[0])
            C[bn * BLOCK_N + tn] = C_shared[tn]

    return main


def splitk_gemv(N, K, BLOCK_N, BLOCK_K, reduce_threads, dtype="float16", accum_dtype="float"):
    TILE_K = T.ceildiv(BLOCK_K, reduce_threads)

    @T.prim_func
    def main(A: T.Tensor((K,), dtype), B: T.Tensor((N, K), dtype), C: T.Tensor((N,), dtype)):
        with T.Kernel(T.ceildiv(N, BLOCK_N), threads=(BLOCK_N, reduce_threads)) as bn:
            tn = T.get_thread_binding(0)
            tk = T.get_thread_binding(1)
            A_local = T.alloc_local((TILE_K,), dtype)  # TILE_K values per thread
            B_local = T.alloc_local((TILE_K,), dtype)
            C_shared = T.alloc_shared((BLOCK_N,), accum_dtype)
            C_accum = T.alloc_local((1,), accum_dtype)
            if tk == 0:
                C_shared[tn] = 0
            T.clear(C_accum)
            for bk in T.serial(T.ceildiv(K, BLOCK_K)):
                for k in T.serial(TILE_K):
                    A_local[k] = A[bk * BLOCK_K + tk * TILE_K + k]
                    B_local[k] = B[bn * BLOCK_N + tn, bk * BLOCK_K + tk * TILE_K + k]
                for k in T.serial(TILE_K):
                    C_accum[0] += A_local[k].astype(accum_dtype) * B_local[k].astype(accum_dtype)
            T.atomic_add(C_shared[tn], C_accum[0])
            C[bn * BLOCK_N + tn] = C_shared[tn]

    return main


def run(func, N, K, dtype, seed):
    kernel = tilelang_tt.compile(func, out_idx=[-1])
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(K).astype(DTYPES[dtype])
    b = rng.standard_normal((N, K)).astype(DTYPES[dtype])
    want = b.astype(np.float32) @ a.astype(np.float32)
    got = kernel(a, b).astype(np.float32)
    assert np.corrcoef(got, want)[0, 1] > 0.999
    # float32 sums of K products, then the output's rounding to dtype (half an ulp of |c| ~ sqrt(K)).
    np.testing.assert_allclose(got, want, rtol=2 ** -7, atol=2 ** -6 * np.sqrt(K))
    return kernel


@pytest.mark.parametrize("N,K,BLOCK_K,dtype", [(256, 512, 128, "float16"), (128, 256, 64, "bfloat16")])
def test_naive_gemv(N, K, BLOCK_K, dtype):
    # TileLang's naive GEMV runs 128 threads (its default), one per row of the block.
    kernel = run(naive_gemv(N, K, 128, BLOCK_K, dtype), N, K, dtype, seed=N + K)
    stats = kernel.stats()["totals"]
    # B once; A's slice once per K step of each block, as whole tiles (a 1-D tensor is one row of tiles).
    assert stats["dram_read_bytes"] == N * K * 2 + (N // 128) * (K // BLOCK_K) * (BLOCK_K // 32) * 32 * 32 * 2
    if dtype == "float16":
        check_kernels([kernel.artifacts_dir])


@pytest.mark.parametrize("N,K,BLOCK_N,BLOCK_K,dtype", [(256, 512, 32, 32, "float16"), (128, 512, 64, 64, "bfloat16")])
def test_naive_splitk_gemv(N, K, BLOCK_N, BLOCK_K, dtype):
    kernel = run(naive_splitk_gemv(N, K, BLOCK_N, BLOCK_K, dtype), N, K, dtype, seed=N * K)
    if dtype == "float16":
        check_kernels([kernel.artifacts_dir])


def test_splitk_gemv_with_one_element_per_thread():
    # TILE_K = BLOCK_K / reduce_threads = 1: its loops over k are their one iteration.
    run(splitk_gemv(256, 512, 32, 32, 32), 256, 512, "float16", seed=3)


def _line(marker):
    return marker_line(__file__, marker)


def test_what_has_no_tile_form_is_a_located_error():
    with pytest.raises(ValidationError, match="A_local keeps 2 values per thread.*T.alloc_local\\(\\(1,\\), dtype\\)") \
            as info:
        splitk_gemv(256, 512, 32, 64, 32)
    assert info.value.line == _line("# TILE_K values per thread")

    with pytest.raises(UnknownNameError, match="T.tvm_thread_allreduce belongs to SIMT code.*is not") as info:
        @T.prim_func
        def allreduce(A: T.Tensor((32, 32), "float32"), C: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=(32, 32)) as bx:
                tn = T.get_thread_binding(0)
                tk = T.get_thread_binding(1)
                acc = T.alloc_local((1,), "float32")
                acc[0] = A[tn, tk]
                out = T.alloc_local((1,), "float32")
                T.evaluate(T.tvm_thread_allreduce(1, acc[0], True, out[0], tk))  # allreduce
                C[tn] = out[0]
    assert info.value.line == _line("# allreduce")

    with pytest.raises(ValidationError, match="can only pick threads by equality") as info:
        @T.prim_func
        def half(A: T.Tensor((64,), "float32")):
            with T.Kernel(1, threads=64) as bx:
                t = T.get_thread_binding(0)
                if t < 32:  # a range of threads
                    A[t] = 0.0
    assert info.value.line == _line("# a range of threads")

    with pytest.raises(ValidationError, match="an else branch of a condition on thread indices") as info:
        @T.prim_func
        def branches(A: T.Tensor((64,), "float32")):
            with T.Kernel(1, threads=64) as bx:
                t = T.get_thread_binding(0)
                if t == 0:  # with an else
                    A[t] = 0.0
                else:
                    A[t] = 1.0
    assert info.value.line == _line("# with an else")

    with pytest.raises(ValidationError, match="every thread of dimension 1 of threads= runs this T.atomic_add") as info:
        @T.prim_func
        def repeated(A: T.Tensor((32, 32), "float32"), C: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=(32, 4)) as bx:
                tn = T.get_thread_binding(0)
                S = T.alloc_shared((32,), "float32")
                T.atomic_add(S[tn], A[tn, 0])  # once per thread of dimension 1
                C[tn] = S[tn]
    assert info.value.line == _line("# once per thread of dimension 1")

    with pytest.raises(ValidationError, match="differ in tk update one element of S without an atomic") as info:
        @T.prim_func
        def racy(A: T.Tensor((32, 32), "float32"), C: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=(32, 32)) as bx:
                tn = T.get_thread_binding(0)
                tk = T.get_thread_binding(1)
                S = T.alloc_shared((32,), "float32")
                S[tn] += A[tn, tk]  # a race between the threads of a row
                C[tn] = S[tn]
    assert info.value.line == _line("# a race between the threads of a row")

    with pytest.raises(ValidationError, match="a tile operation runs once for the whole block") as info:
        @T.prim_func
        def tile_op(A: T.Tensor((32, 32), "float32"), C: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=32) as bx:
                t = T.get_thread_binding(0)
                S = T.alloc_shared((32, 32), "float32")
                T.copy(A[t, 0], S)  # a copy per thread
                T.copy(S, C)
    assert info.value.line == _line("# a copy per thread")

    with pytest.raises(ValidationError, match="T.get_thread_binding binds a thread index at the top") as info:
        @T.prim_func
        def nested(A: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=32) as bx:
                for i in T.serial(2):
                    t = T.get_thread_binding(0)  # inside a loop
                    A[t] = 1.0
    assert info.value.line == _line("# inside a loop")

    with pytest.raises(ValidationError, match="names no thread dimension: threads= of this T.Kernel has 1") as info:
        @T.prim_func
        def dimension(A: T.Tensor((32,), "float32")):
            with T.Kernel(1, threads=32) as bx:
                t = T.get_thread_binding(1)  # a second dimension
                A[t] = 1.0
    assert info.value.line == _line("# a second dimension")


def test_a_thread_index_beyond_a_buffer_is_a_located_error():
    # TileLang's naive GEMV needs BLOCK_N equal to its 128 default threads: a row thread beyond
    # the block's rows would store outside B_shared.
    with pytest.raises(ValidationError) as info:
        tilelang_tt.compile(naive_gemv(256, 512, 64, 128), out_idx=[-1])
    assert "reaches elements 0 to 127 of dimension 0 of B_shared" in str(info.value)
    assert info.value.line == _line("B_shared[tn, tk] = B[")


def test_a_thread_binding_needs_a_constant_dimension_and_a_name_of_its_own():
    with pytest.raises(ValidationError, match="the thread dimension: a constant 0, 1 or 2") as info:
        @T.prim_func
        def by_block(C: T.Tensor((64,), "float32")):
            with T.Kernel(2, threads=64) as bx:
                t = T.get_thread_binding(bx)  # a block variable as the dimension
                C[t] = 1.0
    assert info.value.line == _line("# a block variable as the dimension")

    with pytest.raises(ValidationError, match="C already names a block variable or a tensor") as info:
        @T.prim_func
        def shadowing(C: T.Tensor((64,), "float32")):
            with T.Kernel(1, threads=64) as bx:
                C = T.get_thread_binding(0)  # the tensor's name
    assert info.value.line == _line("# the tensor's name")
