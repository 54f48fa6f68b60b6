"""Attention with the K/V sequence split across cores, as TileLang's flash_decoding examples write
it: a split launch computes each split's partial attention and log-sum-exp into T.alloc_global
buffers, a combine launch rescales and sums the partials.
- GQA decode (example_gqa_decode.py, flashattn_gqa_decode_split): K/V in BSHD ([batch, seqlen_kv,
  groups, dim]); the query heads of one K/V head are the rows of a tile block.
- Split-KV inference (example_mha_inference.py): Q/K/V in BSHD, partial outputs
  [batch, seqlen_q, heads, split, dim], log-sum-exps [batch, heads, split, seqlen_q].
The combines read one split's log-sum-exp vector and partial output block at a time (the tile form
of upstream's combines, which gather every split's values of a row into a fragment of num_split
rows). Compiled end to end, run on the simulator and compared with NumPy; the programs pass the
real-header check."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.release_check import check_kernels

from test_elementwise import random
from test_reductions import assert_close
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def gqa_decode_split(batch, heads, groups, seqlen_kv, dim, block_N, block_H, num_split, dtype="float16"):
    scale = (1.0 / dim) ** 0.5 * 1.44269504  # log2(e)
    accum = "float32"
    kv_group_num = heads // groups
    valid_block_H = min(block_H, kv_group_num)
    part = seqlen_kv // num_split
    shape_q = [batch, heads, dim]
    shape_kv = [batch, seqlen_kv, groups, dim]
    part_shape = [batch, heads, num_split, dim]

    @T.prim_func
    def gqa_decode(Q: T.Tensor(shape_q, dtype), K: T.Tensor(shape_kv, dtype), V: T.Tensor(shape_kv, dtype),
                   Output: T.Tensor(shape_q, dtype)):
        glse = T.alloc_global([batch, heads, num_split], accum)
        Output_partial = T.alloc_global(part_shape, dtype)
        # split
        with T.Kernel(batch, heads // valid_block_H, num_split, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_H, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            O_shared = T.alloc_shared([block_H, dim], dtype)
            acc_s = T.alloc_fragment([block_H, block_N], accum)
            acc_s_cast = T.alloc_fragment([block_H, block_N], dtype)
            acc_o = T.alloc_fragment([block_H, dim], accum)
            scores_max = T.alloc_fragment([block_H], accum)
            scores_max_prev = T.alloc_fragment([block_H], accum)
            scores_scale = T.alloc_fragment([block_H], accum)
            scores_sum = T.alloc_fragment([block_H], accum)
            logsum = T.alloc_fragment([block_H], accum)

            bid = bx
            hid = by
            sid = bz
            cur_kv_head = hid // (kv_group_num // valid_block_H)

            T.copy(Q[bid, hid * valid_block_H:hid * valid_block_H + block_H, :], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum))
            loop_range = T.ceildiv(part, block_N)
            for k in T.Pipelined(loop_range, num_stages=1):
                T.copy(K[bid, part * sid + k * block_N:part * sid + (k + 1) * block_N, cur_kv_head, :], K_shared)
                T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True, policy=T.GemmWarpPolicy.FullRow)
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
                T.copy(V[bid, part * sid + k * block_N:part * sid + (k + 1) * block_N, cur_kv_head, :], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o, policy=T.GemmWarpPolicy.FullRow)
            for i, j in T.Parallel(block_H, dim):
                acc_o[i, j] /= logsum[i]
            for i in T.Parallel(block_H):
                logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale
            T.copy(logsum, glse[bid, hid * valid_block_H:(hid + 1) * valid_block_H, sid])
            T.copy(acc_o, O_shared)
            T.copy(O_shared, Output_partial[bid, hid * valid_block_H:(hid + 1) * valid_block_H, sid, :])

        # combine
        with T.Kernel(heads // block_H, batch, threads=128) as (by, bz):
            po_shared = T.alloc_shared([block_H, dim], dtype)
            o_accum = T.alloc_fragment([block_H, dim], accum)
            lse_split = T.alloc_fragment([block_H], accum)
            lse_max = T.alloc_fragment([block_H], accum)
            lse_logsum = T.alloc_fragment([block_H], accum)

            T.fill(lse_max, -T.infinity(accum))
            for k in T.serial(num_split):
                T.copy(glse[bz, by * block_H:(by + 1) * block_H, k], lse_split)
                for i in T.Parallel(block_H):
                    lse_max[i] = T.max(lse_max[i], lse_split[i])
            T.clear(lse_logsum)
            for k in T.serial(num_split):
                T.copy(glse[bz, by * block_H:(by + 1) * block_H, k], lse_split)
                for i in T.Parallel(block_H):
                    lse_logsum[i] += T.exp2(lse_split[i] - lse_max[i])
            for i in T.Parallel(block_H):
                lse_logsum[i] = T.log2(lse_logsum[i]) + lse_max[i]
            T.clear(o_accum)
            for k in T.serial(num_split):
                T.copy(glse[bz, by * block_H:(by + 1) * block_H, k], lse_split)
                T.copy(Output_partial[bz, by * block_H:(by + 1) * block_H, k, :], po_shared)
                for i, j in T.Parallel(block_H, dim):
                    o_accum[i, j] += po_shared[i, j] * T.exp2(lse_split[i] - lse_logsum[i])
            T.copy(o_accum, Output[bz, by * block_H:(by + 1) * block_H, :])

    return gqa_decode


def mha_inference_split(batch, heads, seqlen_q, seqlen_kv, dim, block_M, block_N, num_split, dtype="float16"):
    scale = (1.0 / dim) ** 0.5 * 1.44269504  # log2(e)
    accum = "float32"
    shape_q = [batch, seqlen_q, heads, dim]
    shape_kv = [batch, seqlen_kv, heads, dim]
    part_shape = [batch, seqlen_q, heads, num_split, dim]
    part = seqlen_kv // num_split

    @T.prim_func
    def mha_inference(Q: T.Tensor(shape_q, dtype), K: T.Tensor(shape_kv, dtype), V: T.Tensor(shape_kv, dtype),
                      Output: T.Tensor(shape_q, dtype)):
        glse = T.alloc_global([batch, heads, num_split, seqlen_q], accum)
        Output_partial = T.alloc_global(part_shape, dtype)
        with T.Kernel(T.ceildiv(seqlen_q, block_M), heads * batch, num_split, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            O_shared = T.alloc_shared([block_M, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum)
            acc_s_cast = T.alloc_fragment([block_M, block_N], dtype)
            acc_o = T.alloc_fragment([block_M, dim], accum)
            scores_max = T.alloc_fragment([block_M], accum)
            scores_max_prev = T.alloc_fragment([block_M], accum)
            scores_scale = T.alloc_fragment([block_M], accum)
            scores_sum = T.alloc_fragment([block_M], accum)
            logsum = T.alloc_fragment([block_M], accum)

            mid = bx
            hid = by % heads
            bid = by // heads
            sid = bz

            T.copy(Q[bid, mid * block_M:(mid + 1) * block_M, hid, :], Q_shared, disable_tma=True)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum))
            for k in T.Pipelined(T.ceildiv(part, block_N), num_stages=2):
                T.copy(K[bid, part * sid + k * block_N:part * sid + (k + 1) * block_N, hid, :], K_shared)
                T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True, policy=T.GemmWarpPolicy.FullRow)
                T.copy(scores_max, scores_max_prev)
                T.fill(scores_max, -T.infinity(accum))
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i in T.Parallel(block_M):
                    scores_max[i] = T.max(scores_max[i], scores_max_prev[i])
                for i in T.Parallel(block_M):
                    scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_M):
                    logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
                T.copy(acc_s, acc_s_cast)
                for i, j in T.Parallel(block_M, dim):
                    acc_o[i, j] *= scores_scale[i]
                T.copy(V[bid, part * sid + k * block_N:part * sid + (k + 1) * block_N, hid, :], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o, policy=T.GemmWarpPolicy.FullRow)
            for i, j in T.Parallel(block_M, dim):
                acc_o[i, j] /= logsum[i]
            for i in T.Parallel(block_M):
                logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale
            T.copy(logsum, glse[bid, hid, sid, mid * block_M:(mid + 1) * block_M])
            T.copy(acc_o, O_shared)
            T.copy(O_shared, Output_partial[bid, mid * block_M:(mid + 1) * block_M, hid, sid, :], disable_tma=True)

        with T.Kernel(T.ceildiv(seqlen_q, block_M), heads, batch, threads=128) as (bx, by, bz):
            po_shared = T.alloc_shared([block_M, dim], dtype)
            o_accum = T.alloc_fragment([block_M, dim], accum)
            o_shared = T.alloc_shared([block_M, dim], dtype)
            lse_split = T.alloc_fragment([block_M], accum)
            lse_max = T.alloc_fragment([block_M], accum)
            lse_logsum = T.alloc_fragment([block_M], accum)

            T.fill(lse_max, -T.infinity(accum))
            for k in T.serial(num_split):
                T.copy(glse[bz, by, k, bx * block_M:(bx + 1) * block_M], lse_split)
                for i in T.Parallel(block_M):
                    lse_max[i] = T.max(lse_max[i], lse_split[i])
            T.clear(lse_logsum)
            for k in T.serial(num_split):
                T.copy(glse[bz, by, k, bx * block_M:(bx + 1) * block_M], lse_split)
                for i in T.Parallel(block_M):
                    lse_logsum[i] += T.exp2(lse_split[i] - lse_max[i])
            for i in T.Parallel(block_M):
                lse_logsum[i] = T.log2(lse_logsum[i]) + lse_max[i]
            T.clear(o_accum)
            for k in T.Pipelined(num_split, num_stages=2):
                T.copy(glse[bz, by, k, bx * block_M:(bx + 1) * block_M], lse_split)
                T.copy(Output_partial[bz, bx * block_M:(bx + 1) * block_M, by, k, :], po_shared)
                for i, j in T.Parallel(block_M, dim):
                    o_accum[i, j] += po_shared[i, j] * T.exp2(lse_split[i] - lse_logsum[i])
            T.copy(o_accum, o_shared)
            T.copy(o_shared, Output[bz, bx * block_M:(bx + 1) * block_M, by, :], disable_tma=True)

    return mha_inference


def decode_reference(q, k, v):
    """q [batch, heads, dim]; k, v [batch, seqlen_kv, groups, dim]."""
    heads, groups = q.shape[1], k.shape[2]
    qf, kf, vf = (x.astype(np.float32) for x in (q, k, v))
    kf, vf = (np.repeat(x.transpose(0, 2, 1, 3), heads // groups, axis=1) for x in (kf, vf))
    s = np.einsum("bhd,bhsd->bhs", qf, kf) / np.sqrt(q.shape[-1])
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    return np.einsum("bhs,bhsd->bhd", p / p.sum(axis=-1, keepdims=True), vf)


@pytest.mark.parametrize("batch,heads,groups,seqlen_kv,dim,num_split,dtype", [
    (1, 64, 2, 256, 64, 2, "float16"),
    (2, 32, 1, 256, 128, 4, "bfloat16"),
    (1, 32, 1, 1024, 128, 4, "float16"),
])
def test_gqa_decode_with_kv_split(batch, heads, groups, seqlen_kv, dim, num_split, dtype):
    kernel = tilelang_tt.compile(
        gqa_decode_split(batch, heads, groups, seqlen_kv, dim, 32, 32, num_split, dtype), out_idx=[-1])
    assert len(kernel.plan["launches"]) == 1
    scratch = {b["name"]: b for b in kernel.plan["buffers"] if b["access"] == "none"}
    assert set(scratch) == {"glse", "Output_partial"}
    q = random((batch, heads, dim), dtype, 51)
    k, v = (random((batch, seqlen_kv, groups, dim), dtype, seed) for seed in (52, 53))
    assert_close(kernel(q, k, v), decode_reference(q, k, v), rtol=2 ** -5, atol=2 ** -5)


@pytest.mark.parametrize("batch,heads,seqlen_q,seqlen_kv,dim,num_split,dtype", [
    (1, 2, 64, 256, 64, 4, "float16"),
    (2, 1, 128, 512, 128, 2, "bfloat16"),
    (1, 1, 128, 1024, 64, 4, "bfloat16"),
])
def test_split_kv_inference(batch, heads, seqlen_q, seqlen_kv, dim, num_split, dtype):
    kernel = tilelang_tt.compile(
        mha_inference_split(batch, heads, seqlen_q, seqlen_kv, dim, 32, 32, num_split, dtype), out_idx=[-1])
    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    assert buffers["Output_partial"]["storage_order"] == [0, 2, 3, 1, 4]
    q = random((batch, seqlen_q, heads, dim), dtype, 54)
    k, v = (random((batch, seqlen_kv, heads, dim), dtype, seed) for seed in (55, 56))
    qf, kf, vf = (x.astype(np.float32).transpose(0, 2, 1, 3) for x in (q, k, v))
    s = qf @ kf.transpose(0, 1, 3, 2) / np.sqrt(dim)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    expected = ((p / p.sum(axis=-1, keepdims=True)) @ vf).transpose(0, 2, 1, 3)
    assert_close(kernel(q, k, v), expected, rtol=2 ** -5, atol=2 ** -5)


def test_split_decode_with_fewer_than_32_heads_per_k_v_head_is_a_located_error():
    """Partial outputs [batch, heads, split, dim] in blocks of 4 heads would need row blocks on a
    dimension that is not the second to last."""
    with pytest.raises(tilelang_tt.errors.ValidationError, match="copied in blocks of 4 rows of its dimension 1") as info:
        tilelang_tt.compile(gqa_decode_split(1, 32, 8, 256, 64, 32, 4, 2), out_idx=[-1])
    assert info.value.line is not None


def test_split_attention_compiles_against_the_release(tt_release):
    check_kernels([tilelang_tt.compile(p, out_idx=[-1]).artifacts_dir
                   for p in (gqa_decode_split(1, 64, 2, 256, 64, 32, 32, 2),
                             mha_inference_split(1, 2, 64, 256, 64, 32, 32, 4))])
