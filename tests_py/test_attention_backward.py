"""Attention backward as TileLang's training examples write it (examples/flash_attention,
example_mha_bwd_bhsd.py): the forward with each row's log2-sum-exp2 (test_attention.mha_forward),
a preprocess kernel (Delta = rowsum(O * dO)), the main kernel and a postprocess kernel (dQ from
float32 to the input dtype).

The main kernel's block (head bx, K/V block by, batch bz) walks the query blocks, accumulating dK
and dV on chip and adding each query block's dQ contribution into a float32 dQ with
T.atomic_add. No destination index uses by, so every K/V block of a head adds into the same dQ
rows; Tenstorrent has no atomic add to memory, so LowerTTAtomicAdd runs a head's K/V blocks whole,
one after another, on the core that owns its dQ (the grid is heads x batch; by becomes a loop),
each add a read-modify-write of dQ. The reader reads dQ again in later iterations, after the
writer wrote it: the writer hands it a token after each write (a loop that reads and writes one
tensor), so no read sees the tiles before the write has landed. Compiled end to end, run on the
simulator, compared with NumPy's gradients of softmax attention, and checked against the release's
headers."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt.release_check import check_kernels
from tilelang_tt.release_check.host import check_host_programs

from test_attention import mha_forward
from test_elementwise import random
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def mha_bwd_preprocess(batch, heads, seq_len, dim, dtype, blk=32):
    """Delta[b, h, s] = sum over the head dimension of O * dO, a 32 x 32 block at a time."""
    shape = [batch, heads, seq_len, dim]

    @T.prim_func
    def prep(O: T.Tensor(shape, dtype), dO: T.Tensor(shape, dtype), Delta: T.Tensor([batch, heads, seq_len], "float")):
        with T.Kernel(heads, T.ceildiv(seq_len, blk), batch) as (bx, by, bz):
            o = T.alloc_fragment([blk, blk], dtype)
            do = T.alloc_fragment([blk, blk], dtype)
            acc = T.alloc_fragment([blk, blk], "float")
            delta = T.alloc_fragment([blk], "float")
            T.clear(acc)
            for k in range(T.ceildiv(dim, blk)):
                T.copy(O[bz, bx, by * blk:(by + 1) * blk, k * blk:(k + 1) * blk], o)
                T.copy(dO[bz, bx, by * blk:(by + 1) * blk, k * blk:(k + 1) * blk], do)
                for i, j in T.Parallel(blk, blk):
                    acc[i, j] += o[i, j] * do[i, j]
            T.reduce_sum(acc, delta, 1)
            T.copy(delta, Delta[bz, bx, by * blk:(by + 1) * blk])

    return prep


def mha_bwd_postprocess(batch, heads, seq_len, dim, dtype, blk=64):
    """dQ from float32 to dtype: a copy from one global tensor to another."""
    shape = [batch, heads, seq_len, dim]

    @T.prim_func
    def post(dQ: T.Tensor(shape, "float"), dQ_out: T.Tensor(shape, dtype)):
        with T.Kernel(T.ceildiv(seq_len, blk), heads, batch, threads=128) as (bx, by, bz):
            T.copy(dQ[bz, by, bx * blk:(bx + 1) * blk, :], dQ_out[bz, by, bx * blk:(bx + 1) * blk, :])

    return post


def mha_bwd(batch, heads, seq_len, dim, is_causal, block_M, block_N, dtype):
    """dQ (added into, float32), dK and dV of one K/V block per program: P^T = exp2(K Q^T * scale -
    lse), dP^T = V dO^T, dS^T = P^T * (dP^T - Delta) * sm_scale; dV += P^T dO, dK += dS^T Q and dQ
    += (dS^T)^T K through transpose_A. Causal: the query blocks before the K/V block's diagonal are
    skipped (a loop start from the block index) and the diagonal blocks masked."""
    sm_scale = (1.0 / dim) ** 0.5
    scale = sm_scale * 1.44269504  # log2(e)
    shape = [batch, heads, seq_len, dim]
    accum = "float"

    @T.prim_func
    def bwd(Q: T.Tensor(shape, dtype), K: T.Tensor(shape, dtype), V: T.Tensor(shape, dtype),
            dO: T.Tensor(shape, dtype), lse: T.Tensor([batch, heads, seq_len], accum),
            Delta: T.Tensor([batch, heads, seq_len], accum), dQ: T.Tensor(shape, accum),
            dK: T.Tensor(shape, dtype), dV: T.Tensor(shape, dtype)):
        with T.Kernel(heads, T.ceildiv(seq_len, block_M), batch, threads=128) as (bx, by, bz):
            K_shared = T.alloc_shared([block_M, dim], dtype)
            V_shared = T.alloc_shared([block_M, dim], dtype)
            q = T.alloc_shared([block_N, dim], dtype)
            do = T.alloc_shared([block_N, dim], dtype)
            lse_shared = T.alloc_shared([block_N], accum)
            delta = T.alloc_shared([block_N], accum)
            qkT = T.alloc_fragment([block_M, block_N], accum)
            dsT = T.alloc_fragment([block_M, block_N], accum)
            qkT_cast = T.alloc_fragment([block_M, block_N], dtype)
            dsT_cast = T.alloc_fragment([block_M, block_N], dtype)
            dsT_shared = T.alloc_shared([block_M, block_N], dtype)
            dv = T.alloc_fragment([block_M, dim], accum)
            dk = T.alloc_fragment([block_M, dim], accum)
            dq = T.alloc_fragment([block_N, dim], accum)
            dv_shared = T.alloc_shared([block_M, dim], dtype)
            dk_shared = T.alloc_shared([block_M, dim], dtype)
            T.copy(K[bz, bx, by * block_M:(by + 1) * block_M, :], K_shared)
            T.copy(V[bz, bx, by * block_M:(by + 1) * block_M, :], V_shared)
            T.clear(dv)
            T.clear(dk)
            loop_st = T.floordiv(by * block_M, block_N) if is_causal else 0
            loop_ed = T.ceildiv(seq_len, block_N)
            for k in T.Pipelined(loop_st, loop_ed, num_stages=2):
                T.copy(Q[bz, bx, k * block_N:(k + 1) * block_N, :], q)
                T.clear(qkT)
                T.gemm(K_shared, q, qkT, transpose_B=True)
                T.copy(lse[bz, bx, k * block_N:(k + 1) * block_N], lse_shared)
                for i, j in T.Parallel(block_M, block_N):
                    qkT[i, j] = T.exp2(qkT[i, j] * scale - lse_shared[j])
                if is_causal:
                    for i, j in T.Parallel(block_M, block_N):
                        qkT[i, j] = T.if_then_else(by * block_M + i <= k * block_N + j, qkT[i, j], 0)
                T.copy(dO[bz, bx, k * block_N:(k + 1) * block_N, :], do)
                T.clear(dsT)
                T.gemm(V_shared, do, dsT, transpose_B=True)
                T.copy(qkT, qkT_cast)
                T.gemm(qkT_cast, do, dv)
                T.copy(Delta[bz, bx, k * block_N:(k + 1) * block_N], delta)
                for i, j in T.Parallel(block_M, block_N):
                    dsT_cast[i, j] = qkT[i, j] * (dsT[i, j] - delta[j]) * sm_scale
                T.gemm(dsT_cast, q, dk)
                T.copy(dsT_cast, dsT_shared)
                T.clear(dq)
                T.gemm(dsT_shared, K_shared, dq, transpose_A=True)
                for i, j in T.Parallel(block_N, dim):
                    if k * block_N + i < seq_len:
                        T.atomic_add(dQ[bz, bx, k * block_N + i, j], dq[i, j])
            T.copy(dv, dv_shared)
            T.copy(dk, dk_shared)
            T.copy(dv_shared, dV[bz, bx, by * block_M:(by + 1) * block_M, :])
            T.copy(dk_shared, dK[bz, bx, by * block_M:(by + 1) * block_M, :])

    return bwd


def attention_gradients(q, k, v, do, is_causal):
    """(dQ, dK, dV) of O = softmax(Q K^T / sqrt(dim)) V for the upstream gradient dO, in float32."""
    qf, kf, vf, dof = (x.astype(np.float32) for x in (q, k, v, do))
    seq_len, dim = q.shape[-2:]
    s = qf @ kf.transpose(0, 1, 3, 2) / np.sqrt(dim)
    if is_causal:
        s = np.where(np.tril(np.ones((seq_len, seq_len), bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    out = p @ vf
    dp = dof @ vf.transpose(0, 1, 3, 2)
    ds = p * (dp - (out * dof).sum(axis=-1, keepdims=True))
    return ds @ kf / np.sqrt(dim), ds.transpose(0, 1, 3, 2) @ qf / np.sqrt(dim), p.transpose(0, 1, 3, 2) @ dof


def compile_training_step(batch, heads, seq_len, dim, is_causal, block_M, block_N, dtype):
    return (tilelang_tt.compile(mha_forward(batch, heads, seq_len, dim, 64, 64, dtype=dtype, is_causal=is_causal),
                                out_idx=[3, 4]),
            tilelang_tt.compile(mha_bwd_preprocess(batch, heads, seq_len, dim, dtype), out_idx=[2]),
            tilelang_tt.compile(mha_bwd(batch, heads, seq_len, dim, is_causal, block_M, block_N, dtype)),
            tilelang_tt.compile(mha_bwd_postprocess(batch, heads, seq_len, dim, dtype), out_idx=[1]))


@pytest.mark.parametrize("batch,heads,seq_len,dim,is_causal,block_M,block_N,dtype", [
    (1, 2, 128, 64, False, 64, 32, "bfloat16"),
    (1, 2, 128, 64, True, 64, 32, "bfloat16"),
    (2, 2, 128, 64, False, 64, 64, "float16"),
    (1, 1, 256, 64, True, 64, 32, "float16"),
    (1, 2, 256, 128, True, 64, 64, "bfloat16"),
    (1, 4, 64, 32, False, 32, 32, "bfloat16"),  # one query block per K/V block and iteration
])
def test_attention_backward_matches_numpy(batch, heads, seq_len, dim, is_causal, block_M, block_N, dtype):
    forward, prep, main, post = compile_training_step(batch, heads, seq_len, dim, is_causal, block_M, block_N, dtype)
    shape = (batch, heads, seq_len, dim)
    q, k, v, do = (random(shape, dtype, seed) for seed in (50, 51, 52, 53))
    out, lse = forward(q, k, v)
    delta = prep(out, do)
    np.testing.assert_allclose(delta, (out.astype(np.float32) * do.astype(np.float32)).sum(axis=-1),
                               rtol=2 ** -7, atol=2 ** -7 * np.sqrt(dim))
    dq = np.zeros(shape, np.float32)
    dk, dv = np.zeros(shape, q.dtype), np.zeros(shape, q.dtype)
    main(q, k, v, do, lse, delta, dq, dk, dv)
    dq_out = post(dq)
    want_dq, want_dk, want_dv = attention_gradients(q, k, v, do, is_causal)
    for name, got, want in (("dQ", dq, want_dq), ("dQ_out", dq_out, want_dq), ("dK", dk, want_dk), ("dV", dv, want_dv)):
        got = got.astype(np.float32)
        assert np.corrcoef(got.ravel(), want.ravel())[0, 1] >= 0.9999, name
        # bf16/fp16 operands and P rounded to dtype: a few ulps of dtype at the gradients' scale.
        np.testing.assert_allclose(got, want, rtol=2 ** -5, atol=2 ** -6 * np.abs(want).max(), err_msg=name)
    # One block per head and batch; each runs the head's K/V blocks in order.
    assert main.plan["work_partition"]["total_blocks"] == batch * heads
    if (seq_len, dim, is_causal) == (128, 64, True):
        artifacts = [kernel.artifacts_dir for kernel in (prep, main, post)]
        check_kernels(artifacts)
        check_host_programs(artifacts)


def test_the_reader_waits_for_each_dq_write_before_reading_dq_again():
    main = tilelang_tt.compile(mha_bwd(1, 2, 128, 64, True, 64, 32, "bfloat16"))
    reader, writer = main.get_kernel_source("reader"), main.get_kernel_source("writer")
    # The writer's token follows its dQ write and barrier; the reader takes it at the same point.
    write = writer.index("noc_async_write_page(")
    assert writer.index("noc_async_write_barrier();", write) < writer.index("cb_push_back(cb_dQ_written, 1);", write)
    assert reader.count("cb_wait_front(cb_dQ_written, 1);") == 1
    # dK and dV, written once per K/V block, need no token.
    assert "dK_written" not in writer and "dV_written" not in writer
    # The K/V blocks are a loop inside each (head, batch) block.
    assert "for (uint32_t by = 0; by < by_trip_count; ++by)" in reader
