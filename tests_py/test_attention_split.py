"""GQA decode with the K/V sequence split across cores (TileLang's flash_decoding
example_gqa_decode.py, flashattn_gqa_decode_split): a split launch computes each split's partial
attention and log-sum-exp into T.alloc_global buffers, a combine launch rescales and sums the
partials. K/V in BSHD ([batch, seqlen_kv, groups, dim]); the query heads of one K/V head are the rows
of a tile block. The combine reads one split's log-sum-exp vector and partial output block at a
time (the tile form of upstream's per-head combine). Compiled end to end, run on the simulator and
compared with NumPy; the program passes the real-header check."""

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


def test_gqa_decode_split_compiles_against_the_release(tt_release):
    check_kernels([tilelang_tt.compile(gqa_decode_split(1, 64, 2, 256, 64, 32, 32, 2), out_idx=[-1]).artifacts_dir])
