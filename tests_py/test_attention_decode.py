"""GQA decode without KV split as TileLang writes it (examples/flash_decoding, the no-split kernel):
one query token per head, a block of block_H query heads sharing one K/V head, an optional uint8
mask over the K/V positions broadcast down the rows of the scores, the online softmax over K/V
blocks, and a final log-sum-exp the kernel computes and never stores. K/V in BHSD
([batch, groups, seqlen_kv, dim]) and BSHD ([batch, seqlen_kv, groups, dim]) layouts, fp16 and
bf16, compiled end to end, run on the simulator and compared with NumPy; the programs also pass the
real-header check."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import passes
from tilelang_tt.errors import ValidationError
from tilelang_tt.release_check import check_kernels

from test_elementwise import random
from test_reductions import assert_close
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def gqa_decode(batch, heads, groups, seqlen_kv, dim, block_N, block_H, dtype="float16", bshd=False, masked=False,
               mask_dtype="uint8"):
    """The no-split decode body: Q [batch, heads, dim]; K, V and the mask in BSHD
    ([batch, seqlen_kv, groups, ...]) or BHSD ([batch, groups, seqlen_kv, ...]). heads // groups
    is a multiple of block_H, so every block is whole query heads of one K/V head. With
    masked=False the body applies no mask; the mask parameter stays (a [seqlen_kv] tensor the plan
    marks unused, access "none") because a prim_func's parameters cannot differ between the two
    variants of one body, and its fragment is still allocated (it takes no circular buffer)."""
    scale = (1.0 / dim) ** 0.5 * 1.44269504  # log2(e): exp2 below computes exp
    accum = "float"
    heads_per_kv = heads // groups
    valid_block_H = min(block_H, heads_per_kv)
    kv_shape = [batch, seqlen_kv, groups, dim] if bshd else [batch, groups, seqlen_kv, dim]
    mask_shape = ([batch, seqlen_kv, groups] if bshd else [batch, groups, seqlen_kv]) if masked else [seqlen_kv]

    @T.prim_func
    def decode(Q: T.Tensor([batch, heads, dim], dtype), K: T.Tensor(kv_shape, dtype), V: T.Tensor(kv_shape, dtype),
               mask: T.Tensor(mask_shape, mask_dtype), Output: T.Tensor([batch, heads, dim], dtype)):
        with T.Kernel(batch, heads // valid_block_H, 1, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_H, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            O_shared = T.alloc_shared([valid_block_H, dim], dtype)
            acc_s = T.alloc_fragment([block_H, block_N], accum)
            acc_s_cast = T.alloc_fragment([block_H, block_N], dtype)
            mask_local = T.alloc_fragment([block_N], mask_dtype)
            acc_o = T.alloc_fragment([block_H, dim], accum)
            scores_max = T.alloc_fragment([block_H], accum)
            scores_max_prev = T.alloc_fragment([block_H], accum)
            scores_scale = T.alloc_fragment([block_H], accum)
            scores_sum = T.alloc_fragment([block_H], accum)
            logsum = T.alloc_fragment([block_H], accum)

            batch_index = bx
            head_block = by
            kv_head = head_block // (heads_per_kv // valid_block_H)

            T.copy(Q[batch_index, head_block * valid_block_H:head_block * valid_block_H + block_H, :], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum))
            for k in T.Pipelined(T.ceildiv(seqlen_kv, block_N), num_stages=1):
                if bshd:
                    T.copy(K[batch_index, k * block_N:(k + 1) * block_N, kv_head, :], K_shared)
                else:
                    T.copy(K[batch_index, kv_head, k * block_N:(k + 1) * block_N, :], K_shared)
                if masked:
                    if bshd:
                        T.copy(mask[batch_index, k * block_N:(k + 1) * block_N, kv_head], mask_local)
                    else:
                        T.copy(mask[batch_index, kv_head, k * block_N:(k + 1) * block_N], mask_local)
                T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True, policy=T.GemmWarpPolicy.FullRow)
                if masked:
                    for i, j in T.Parallel(block_H, block_N):
                        acc_s[i, j] = T.if_then_else(mask_local[j] != 0, acc_s[i, j], -T.infinity(accum))
                T.copy(scores_max, scores_max_prev)
                T.fill(scores_max, -T.infinity(accum))
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i in T.Parallel(block_H):
                    scores_max[i] = T.max(scores_max[i], scores_max_prev[i])
                for i in T.Parallel(block_H):
                    scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                for i, j in T.Parallel(block_H, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_H):
                    logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
                T.copy(acc_s, acc_s_cast)
                for i, j in T.Parallel(block_H, dim):
                    acc_o[i, j] *= scores_scale[i]
                if bshd:
                    T.copy(V[batch_index, k * block_N:(k + 1) * block_N, kv_head, :], V_shared)
                else:
                    T.copy(V[batch_index, kv_head, k * block_N:(k + 1) * block_N, :], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o, policy=T.GemmWarpPolicy.FullRow)
            for i, j in T.Parallel(block_H, dim):
                acc_o[i, j] /= logsum[i]
            for i in T.Parallel(block_H):  # the log-sum-exp only the split-KV kernel stores
                logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale
            T.copy(acc_o[:valid_block_H, :], O_shared)
            T.copy(O_shared, Output[batch_index, head_block * valid_block_H:(head_block + 1) * valid_block_H, :])

    return decode


def decode_reference(q, k, v, mask, bshd):
    """q [b, heads, dim]; k, v [b, seqlen_kv, groups, dim] (bshd) or [b, groups, seqlen_kv, dim];
    mask like k without dim, or None. Softmax over the unmasked K/V positions of each head's group."""
    q, k, v = (x.astype(np.float32) for x in (q, k, v))
    if bshd:
        k, v = k.transpose(0, 2, 1, 3), v.transpose(0, 2, 1, 3)
        mask = None if mask is None else mask.transpose(0, 2, 1)
    heads_per_kv = q.shape[1] // k.shape[1]
    k, v = np.repeat(k, heads_per_kv, axis=1), np.repeat(v, heads_per_kv, axis=1)
    scores = np.einsum("bhd,bhsd->bhs", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(np.repeat(mask, heads_per_kv, axis=1) != 0, scores, -np.inf)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.einsum("bhs,bhsd->bhd", p / p.sum(axis=-1, keepdims=True), v)


def decode_inputs(batch, heads, groups, seqlen_kv, dim, dtype, bshd, masked):
    kv_shape = (batch, seqlen_kv, groups, dim) if bshd else (batch, groups, seqlen_kv, dim)
    q = random((batch, heads, dim), dtype, 41)
    k, v = (random(kv_shape, dtype, seed) for seed in (42, 43))
    if not masked:
        return q, k, v, np.zeros(seqlen_kv, np.uint8), None
    mask = np.random.default_rng(44).integers(0, 2, kv_shape[:-1]).astype(np.uint8)
    first_position = (slice(None), 0) if bshd else (Ellipsis, 0)
    mask[first_position] = 1  # every head keeps position 0, so no row of scores is all masked
    return q, k, v, mask, mask


@pytest.mark.parametrize("batch,heads,groups,seqlen_kv,dim,block_N,block_H,dtype,bshd,masked", [
    (1, 64, 2, 128, 64, 64, 32, "float16", False, False),
    (2, 64, 2, 128, 64, 32, 32, "bfloat16", False, True),
    (1, 64, 2, 128, 64, 64, 32, "float16", True, True),
    (1, 64, 2, 128, 64, 32, 32, "bfloat16", True, False),
    (1, 128, 2, 128, 64, 64, 64, "bfloat16", True, True),
    # fewer than 32 query heads per K/V head: each block of them is one tile padded with zero rows
    (1, 32, 8, 128, 64, 32, 4, "float16", False, False),
    (2, 8, 2, 128, 64, 32, 4, "bfloat16", True, True),
    (1, 16, 2, 256, 128, 64, 8, "float16", True, False),
])
def test_gqa_decode_without_kv_split(batch, heads, groups, seqlen_kv, dim, block_N, block_H, dtype, bshd, masked):
    kernel = tilelang_tt.compile(
        gqa_decode(batch, heads, groups, seqlen_kv, dim, block_N, block_H, dtype, bshd, masked), out_idx=[-1])
    # The never-stored log-sum-exp is not computed, and the unused mask fragment takes no circular buffer.
    compute = kernel.get_kernel_source("compute")
    assert "log_tile" not in compute
    assert ("cb_mask_local" in compute) == masked
    q, k, v, mask, reference_mask = decode_inputs(batch, heads, groups, seqlen_kv, dim, dtype, bshd, masked)
    assert_close(kernel(q, k, v, mask), decode_reference(q, k, v, reference_mask, bshd), rtol=2 ** -5, atol=2 ** -5)


def test_a_uint8_mask_is_uploaded_as_bfloat16():
    kernel = tilelang_tt.compile(gqa_decode(1, 64, 2, 64, 64, 32, 32, masked=True), out_idx=[-1])
    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    assert buffers["mask"]["dtype"] == "bfloat16"


def test_writing_a_uint8_tensor_is_a_located_error():
    @T.prim_func
    def copy_mask(M: T.Tensor((64,), "uint8"), Out: T.Tensor((64,), "uint8")):
        with T.Kernel(1) as bx:
            m = T.alloc_fragment((64,), "uint8")
            T.copy(M, m)
            T.copy(m, Out)

    with pytest.raises(ValidationError, match="so it can only be read; instead write an int32, uint32 or float") as info:
        tilelang_tt.compile(copy_mask, out_idx=[-1])
    assert info.value.line is not None and "T.copy(m, Out)" in str(info.value)


def test_an_int32_mask_in_element_wise_math_says_which_dtype_to_use():
    with pytest.raises(ValidationError, match=r"for a mask an 8- or 16-bit integer dtype \(uint8") as info:
        tilelang_tt.compile(gqa_decode(1, 64, 2, 64, 64, 32, 32, masked=True, mask_dtype="int32"), out_idx=[-1])
    assert info.value.line is not None


def test_a_pipeline_without_the_promotion_refuses_uint8_tensors():
    with pytest.raises(ValidationError, match="run PromoteTTNarrowIntegers before InferTTLayout"):
        passes.run_pipeline(gqa_decode(1, 64, 2, 64, 64, 32, 32, masked=True), pipeline="InferTTLayout")


def test_decode_compiles_against_the_release(tt_release):
    check_kernels([tilelang_tt.compile(gqa_decode(1, 64, 2, 128, 64, 64, 32, "bfloat16", bshd, True),
                                       out_idx=[-1]).artifacts_dir for bshd in (False, True)] +
                  [tilelang_tt.compile(gqa_decode(1, 32, 8, 128, 64, 32, 4, "float16"), out_idx=[-1]).artifacts_dir])


def test_a_block_computing_more_heads_than_it_writes_is_a_located_error():
    """Upstream's block_H = 64 over 4 heads per K/V head computes rows of other heads and writes
    its first 4; on Tenstorrent the block is the 4 heads (block_H = 4), padded to a tile."""
    with pytest.raises(tilelang_tt.errors.ValidationError, match="the copy of rows 0 of acc_o") as info:
        tilelang_tt.compile(gqa_decode(1, 32, 8, 128, 64, 32, 64, "float16"), out_idx=[-1])
    assert info.value.line is not None


def test_heads_of_one_k_v_head_are_stored_a_block_per_tile():
    kernel = tilelang_tt.compile(gqa_decode(1, 32, 8, 128, 64, 32, 4, "float16"), out_idx=[-1])
    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    assert buffers["Q"]["tiled_shape"] == buffers["Output"]["tiled_shape"] == [8, 4, 64]
    assert buffers["Q"]["num_pages"] == 8 * 2
