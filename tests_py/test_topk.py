"""Top-k per row as TileLang's example writes it (examples/topk/example_topk.py): the logits block is
copied on chip once and rewritten in every iteration of the loop over k (a loop-carried value), the
row maximum is found exactly (ExactTTMaxReductions), its column is an int32 index computed on chip
(held as float32, PromoteTTIndexIntegers), and the k-th gate and index are column stores narrower
than a tile, built on chip across the loop and written once (StageTTColumnStores). Gates and indices
match NumPy exactly for distinct values; the programs pass the real-header check; what cannot be
lowered is a located error."""

import ml_dtypes
import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.errors import ValidationError
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def tl_topk(M, N, topk, blk_m, dtype="float32"):
    @T.prim_func
    def topk_kernel(
        logits: T.Tensor([M, N], dtype),
        topk_gates: T.Tensor([M, topk], dtype),
        topk_indices: T.Tensor([M, topk], "int32"),
    ):
        with T.Kernel(T.ceildiv(M, blk_m), threads=128) as bx:
            logits_frag = T.alloc_fragment([blk_m, N], dtype=dtype)
            max_val = T.alloc_fragment([blk_m], dtype=dtype)
            expand_max_idx = T.alloc_fragment([blk_m, N], "int32")
            max_idx = T.alloc_fragment([blk_m], "int32")

            T.copy(logits[bx * blk_m, 0], logits_frag)

            for k in T.serial(topk):
                T.fill(expand_max_idx, -1)
                T.reduce_max(logits_frag, max_val, dim=1, clear=True)

                for i, j in T.Parallel(blk_m, N):
                    expand_max_idx[i, j] = T.if_then_else(max_val[i] == logits_frag[i, j], j, expand_max_idx[i, j])

                T.reduce_max(expand_max_idx, max_idx, dim=1, clear=True)

                for i, j in T.Parallel(blk_m, N):
                    logits_frag[i, j] = T.if_then_else(max_val[i] == logits_frag[i, j], -10000.0, logits_frag[i, j])

                for i in T.Parallel(blk_m):
                    topk_gates[bx * blk_m + i, k] = max_val[i]
                    topk_indices[bx * blk_m + i, k] = max_idx[i]

    return topk_kernel


def distinct_logits(M, N, seed, dtype):
    """Distinct values per row (ties are resolved differently from NumPy: see docs/language.md)."""
    rng = np.random.default_rng(seed)
    if dtype == "bfloat16":  # multiples of 1/4 below 64 are exact in bfloat16
        return (np.stack([rng.permutation(N) for _ in range(M)]) / 4.0).astype(ml_dtypes.bfloat16)
    return (rng.random((M, N)) - 0.5).astype(np.float32) * 8  # full float32 mantissas


def run_topk(M, N, topk, blk_m, dtype):
    kernel = tilelang_tt.compile(tl_topk(M, N, topk, blk_m, dtype), out_idx=[1, 2])
    x = distinct_logits(M, N, M * 31 + N + topk, dtype)
    gates, indices = kernel(x)
    x32 = x.astype(np.float32)
    ref = np.argsort(-x32, axis=1, kind="stable")[:, :topk]
    assert indices.dtype == np.int32 and indices.shape == (M, topk)
    np.testing.assert_array_equal(indices, ref)
    np.testing.assert_array_equal(gates.astype(np.float32), np.take_along_axis(x32, ref, axis=1))
    return kernel


@pytest.mark.parametrize("M,N,topk,blk_m", [
    (64, 64, 1, 64), (64, 128, 6, 32), (320, 128, 6, 64), (320, 64, 8, 32), (64, 128, 8, 64),
    (64, 200, 6, 32),  # a row of 200 columns: the padding of its last tile is never selected
    (100, 64, 4, 64),  # a partial last block of rows
], ids=lambda v: str(v))
def test_topk_float32_matches_numpy_exactly(M, N, topk, blk_m):
    run_topk(M, N, topk, blk_m, "float32")


def test_topk_bfloat16_matches_numpy_exactly():
    run_topk(64, 128, 6, 32, "bfloat16")


def test_topk_programs_compile_against_the_release(tt_release):
    kernels = [tilelang_tt.compile(tl_topk(64, 64, 6, 32, dtype), out_idx=[1, 2]) for dtype in ("float32", "bfloat16")]
    dirs = [k.artifacts_dir for k in kernels]
    check_kernels(dirs)
    check_host_programs(dirs)


def top1_from_data(M, N):
    """An int32 output computed from data read from memory is refused (not provably below 2^24)."""
    @T.prim_func
    def main(A: T.Tensor((M, N), "int32"), C: T.Tensor((M, N), "int32")):
        with T.Kernel(1) as bx:
            a = T.alloc_fragment((M, N), "int32")
            T.copy(A[0, 0], a)
            b = T.alloc_fragment((M,), "int32")
            T.reduce_max(a, b, dim=1, clear=True)
            for i, j in T.Parallel(M, N):
                C[i, j] = b[i]

    return main


def int32_sum(M, N):
    @T.prim_func
    def main(C: T.Tensor((M,), "int32")):
        with T.Kernel(1) as bx:
            idx = T.alloc_fragment((M, N), "int32")
            s = T.alloc_fragment((M,), "int32")
            for i, j in T.Parallel(M, N):
                idx[i, j] = j
            T.reduce_sum(idx, s, dim=1, clear=True)
            T.copy(s, C[0])

    return main


def huge_index(M, N):
    @T.prim_func
    def main(C: T.Tensor((M, N), "int32")):
        with T.Kernel(1) as bx:
            for i, j in T.Parallel(M, N):
                C[i, j] = j * 1000000

    return main


def wide_argmax(M, N):
    """The column of each row's maximum over 4096 columns: indices beyond what tf32 reduces exactly."""
    @T.prim_func
    def main(A: T.Tensor((M, N), "float32"), C: T.Tensor((M,), "int32")):
        with T.Kernel(1) as bx:
            a = T.alloc_fragment((M, N), "float32")
            m = T.alloc_fragment((M,), "float32")
            idx = T.alloc_fragment((M, N), "int32")
            best = T.alloc_fragment((M,), "int32")
            T.copy(A[0, 0], a)
            T.reduce_max(a, m, dim=1, clear=True)
            for i, j in T.Parallel(M, N):
                idx[i, j] = T.if_then_else(m[i] == a[i, j], j, -1)
            T.reduce_max(idx, best, dim=1, clear=True)
            T.copy(best, C[0])

    return main


def column_outside(M, topk):
    @T.prim_func
    def main(A: T.Tensor((M,), "float32"), C: T.Tensor((M, topk), "float32")):
        with T.Kernel(1) as bx:
            a = T.alloc_fragment((M,), "float32")
            T.copy(A[0], a)
            for k in T.serial(topk):
                for i in T.Parallel(M):
                    C[i, k + 1] = a[i]

    return main


def line_of(source_text, factory):
    import inspect
    lines, start = inspect.getsourcelines(factory)
    return start + next(n for n, text in enumerate(lines) if source_text in text)


@pytest.mark.parametrize("factory,args,needle,message", [
    (top1_from_data, (32, 32), "T.reduce_max(a, b", "T.reduce_max of a into b is not supported on Tenstorrent yet"),
    (int32_sum, (32, 32), "T.reduce_sum(idx, s", "T.reduce_sum of idx into s is not supported"),
    (huge_index, (32, 32), "C[i, j] = j * 1000000", r"it may reach \[0, 31000000\]"),
    (column_outside, (32, 4), "C[i, k + 1] = a[i]", "inside the 4 columns of C"),
    (wide_argmax, (32, 4096), "T.reduce_max(idx, best", r"idx may hold \[-1, 4095\]"),
])
def test_topk_refusals_are_located_errors(factory, args, needle, message):
    with pytest.raises(ValidationError, match=message) as info:
        tilelang_tt.compile(factory(*args), out_idx=[-1])
    assert info.value.line == line_of(needle, factory)


def test_topk_before_after_the_staging_passes():
    """Before (upstream's body) -> after PromoteTTIndexIntegers, StageTTColumnStores and
    ExactTTMaxReductions: index buffers in float32, the exact maximum, the column blocks."""
    from tilelang_tt import passes

    after = str(passes.run_pipeline(tl_topk(64, 64, 6, 32), pipeline="PromoteTTIndexIntegers -> StageTTColumnStores "
                                    "-> StageTTElementwise -> ExactTTMaxReductions"))
    assert 'topk_indices: T.Tensor((64, 6), "float32")' in after
    assert 'expand_max_idx = T.alloc_fragment((32, 64), "float32")' in after
    expected = [
        'T.fill(topk_gates_block, 0)',
        'T.fill(topk_indices_block, 0)',
        'for k in T.serial(6):',
        'T.fill(expand_max_idx, -1.0)',
        'T.reduce(logits_frag, max_val, kind="max", dim=1, clear=True)',
        'logits_frag_rest[i, j] = logits_frag[i, j] - max_val[i]',
        'T.reduce(logits_frag_rest, logits_frag_part, kind="max", dim=1, clear=True)',
        'logits_frag_rest[i_1, j_1] = logits_frag_rest[i_1, j_1] - logits_frag_part[i_1]',
        'T.reduce(logits_frag_rest, logits_frag_part2, kind="max", dim=1, clear=True)',
        'max_val[i_2] = max_val[i_2] + logits_frag_part[i_2] + logits_frag_part2[i_2]',
        'T.if_then_else(max_val[i_3] == logits_frag[i_3, j_2], T.cast(j_2, "float32"), expand_max_idx[i_3, j_2])',
        'topk_gates_block[i_5, col] = T.if_then_else(col == k, max_val[i_5], topk_gates_block[i_5, col])',
        'topk_indices_block[i_5, col] = T.if_then_else(col == k, max_idx[i_5], topk_indices_block[i_5, col])',
        'T.copy(topk_gates_block, topk_gates[bx * 32:bx * 32 + 32, 0:6])',
        'T.copy(topk_indices_block, topk_indices[bx * 32:bx * 32 + 32, 0:6])',
    ]
    positions = [after.index(line) for line in expected]
    assert positions == sorted(positions)


def test_loop_carried_logits_move_once_before_the_loop():
    """The reader's logits tiles are copied once into compute's CB before the loop over k, which
    then updates them there in every iteration; the last iteration's are discarded at the end."""
    kernel = tilelang_tt.compile(tl_topk(64, 64, 6, 32), out_idx=[1, 2])
    compute = kernel.get_kernel_source("compute")
    loop = compute.index("for (uint32_t k = 0;")
    before = compute[:loop]
    move = before.rindex("copy_tile(cb_logits_frag, dst_index, dst_index);")
    assert before.index("pack_tile(dst_index_1, cb_logits_frag_computed);", move) < \
        before.index("cb_pop_front(cb_logits_frag, 2);", move)
    assert "cb_logits_frag," not in compute[loop:]  # the loop reads compute's copy only
    end = compute.rindex("cb_wait_front(cb_logits_frag_computed, 2);")
    assert compute.index("cb_pop_front(cb_logits_frag_computed, 2);", end) > end  # the dead value is discarded
