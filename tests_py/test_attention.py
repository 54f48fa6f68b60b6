"""Attention as TileLang writes it (examples/flash_attention), on 2-D (sequence, head_dim) tensors
and on 4-D (batch, heads, sequence, head_dim) ones with grouped K/V heads: two GEMMs per K/V block, the second on a fragment the kernel computed (acc_s -> acc_s_cast), Q @ K^T
through transpose_B, and the online-softmax state (running max with T.reduce_max(clear=False),
running sum, output rescaled by a row vector) carried across the K/V loop from T.fill values.
Compiled end to end, run on the simulator and compared with NumPy; the programs also pass the
real-header check."""

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
import tilelang_tt.sim as sim
from tilelang_tt.release_check import check_kernels

from test_elementwise import random
from test_reductions import assert_close
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)


def flash_attention(seq_len, dim, block_M, block_N, dtype="bfloat16", num_stages=1):
    scale = (1.0 / dim) ** 0.5 * 1.44269504  # log2(e): exp2 below computes exp
    accum = "float"

    @T.prim_func
    def attention(Q: T.Tensor((seq_len, dim), dtype), K: T.Tensor((seq_len, dim), dtype),
                  V: T.Tensor((seq_len, dim), dtype), Output: T.Tensor((seq_len, dim), dtype)):
        with T.Kernel(T.ceildiv(seq_len, block_M), threads=128) as bx:
            Q_shared = T.alloc_shared((block_M, dim), dtype)
            K_shared = T.alloc_shared((block_N, dim), dtype)
            V_shared = T.alloc_shared((block_N, dim), dtype)
            acc_s = T.alloc_fragment((block_M, block_N), accum)
            acc_s_cast = T.alloc_fragment((block_M, block_N), dtype)
            acc_o = T.alloc_fragment((block_M, dim), accum)
            scores_max = T.alloc_fragment((block_M,), accum)
            scores_max_prev = T.alloc_fragment((block_M,), accum)
            scores_scale = T.alloc_fragment((block_M,), accum)
            scores_sum = T.alloc_fragment((block_M,), accum)
            logsum = T.alloc_fragment((block_M,), accum)

            T.copy(Q[bx * block_M, 0], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum))
            loop_range = T.ceildiv(seq_len, block_N)
            for k in T.Pipelined(loop_range, num_stages=num_stages):
                T.copy(K[k * block_N, 0], K_shared)
                T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True)
                T.copy(scores_max, scores_max_prev)
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i in T.Parallel(block_M):
                    scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                for i, j in T.Parallel(block_M, dim):
                    acc_o[i, j] *= scores_scale[i]
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_M):
                    logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
                T.copy(acc_s, acc_s_cast)
                T.copy(V[k * block_N, 0], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o)
            for i, j in T.Parallel(block_M, dim):
                acc_o[i, j] /= logsum[i]
            T.copy(acc_o, Output[bx * block_M, 0])

    return attention


def attention_reference(q, k, v):
    q, k, v = (x.astype(np.float32) for x in (q, k, v))
    s = q @ k.T / np.sqrt(q.shape[1])
    p = np.exp(s - s.max(axis=1, keepdims=True))
    return (p / p.sum(axis=1, keepdims=True)) @ v


@pytest.mark.parametrize("seq_len,dim,block_M,block_N", [(128, 64, 32, 32), (256, 64, 64, 64), (128, 128, 32, 64)])
def test_flash_attention_forward(seq_len, dim, block_M, block_N):
    kernel = tilelang_tt.compile(flash_attention(seq_len, dim, block_M, block_N), out_idx=[-1])
    q, k, v = (random((seq_len, dim), "bfloat16", seed) for seed in (31, 32, 33))
    # P is rounded to bfloat16 before P @ V, as in TileLang's kernel (acc_s_cast).
    assert_close(kernel(q, k, v), attention_reference(q, k, v), rtol=2 ** -5, atol=2 ** -6)


def mha_forward(batch, heads, seq_len, dim, block_M, block_N, groups=1, dtype="bfloat16", is_causal=False,
                bshd=False, mask_keys_past_seq_len=False):
    """TileLang's MHA forward as its training examples write it (examples/flash_attention,
    example_mha_bwd_bhsd.py's forward: Output and each row's log2-sum-exp2 of the scaled scores in
    lse[batch, heads, seq]), in the BHSD layout or in the BSHD layout (bshd=True, as in
    example_mha_fwd_bshd.py: rows of a block are sequence positions of one head, so the tiles span
    dimensions 1 and 3); groups > 1 shares each K/V head among that many query heads (GQA). Causal:
    K/V blocks past the query block's last row are never visited (a trip count from the block
    index), and the blocks the diagonal crosses start from a mask on the element indices.
    mask_keys_past_seq_len: a sequence length that is not a multiple of the blocks, as TileLang's
    variable-length examples handle it: keys past seq_len start from -inf (the last K/V block runs
    past the tensors' edge and reads zeros there)."""
    scale = (1.0 / dim) ** 0.5 * 1.44269504
    q_shape = [batch, seq_len, heads, dim] if bshd else [batch, heads, seq_len, dim]
    kv_shape = [batch, seq_len, heads // groups, dim] if bshd else [batch, heads // groups, seq_len, dim]
    accum = "float"

    @T.prim_func
    def main(Q: T.Tensor(q_shape, dtype), K: T.Tensor(kv_shape, dtype), V: T.Tensor(kv_shape, dtype),
             Output: T.Tensor(q_shape, dtype), lse: T.Tensor([batch, heads, seq_len], accum)):
        with T.Kernel(T.ceildiv(seq_len, block_M), heads, batch, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum)
            acc_s_cast = T.alloc_fragment([block_M, block_N], dtype)
            acc_o = T.alloc_fragment([block_M, dim], accum)
            scores_max = T.alloc_fragment([block_M], accum)
            scores_max_prev = T.alloc_fragment([block_M], accum)
            scores_scale = T.alloc_fragment([block_M], accum)
            scores_sum = T.alloc_fragment([block_M], accum)
            logsum = T.alloc_fragment([block_M], accum)

            if bshd:
                T.copy(Q[bz, bx * block_M:(bx + 1) * block_M, by, :], Q_shared)
            else:
                T.copy(Q[bz, by, bx * block_M:(bx + 1) * block_M, :], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum))
            loop_range = (T.min(T.ceildiv(seq_len, block_N), T.ceildiv((bx + 1) * block_M, block_N))
                          if is_causal else T.ceildiv(seq_len, block_N))
            for k in T.Pipelined(loop_range, num_stages=1):
                if bshd:
                    T.copy(K[bz, k * block_N:(k + 1) * block_N, by // groups, :], K_shared)
                else:
                    T.copy(K[bz, by // groups, k * block_N:(k + 1) * block_N, :], K_shared)
                if is_causal:
                    for i, j in T.Parallel(block_M, block_N):
                        acc_s[i, j] = T.if_then_else(bx * block_M + i >= k * block_N + j, 0,
                                                     -T.infinity(acc_s.dtype))
                elif mask_keys_past_seq_len:
                    for i, j in T.Parallel(block_M, block_N):
                        acc_s[i, j] = T.if_then_else(k * block_N + j < seq_len, 0, -T.infinity(acc_s.dtype))
                else:
                    T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True)
                T.copy(scores_max, scores_max_prev)
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i in T.Parallel(block_M):
                    scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                for i, j in T.Parallel(block_M, dim):
                    acc_o[i, j] *= scores_scale[i]
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_M):
                    logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
                T.copy(acc_s, acc_s_cast)
                if bshd:
                    T.copy(V[bz, k * block_N:(k + 1) * block_N, by // groups, :], V_shared)
                else:
                    T.copy(V[bz, by // groups, k * block_N:(k + 1) * block_N, :], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o)
            for i, j in T.Parallel(block_M, dim):
                acc_o[i, j] /= logsum[i]
            if bshd:
                T.copy(acc_o, Output[bz, bx * block_M:(bx + 1) * block_M, by, :])
            else:
                T.copy(acc_o, Output[bz, by, bx * block_M:(bx + 1) * block_M, :])
            for i in T.Parallel(block_M):
                logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale
            T.copy(logsum, lse[bz, by, bx * block_M:(bx + 1) * block_M])

    return main


def mha_reference(q, k, v, groups, is_causal, bshd):
    """(Output, lse) of mha_forward in NumPy: float32 softmax attention and log2 of each row's
    sum of exp of the scaled scores."""
    qf, kf, vf = (x.astype(np.float32) for x in (q, k, v))
    if bshd:  # the same attention with the heads in front of the sequence
        qf, kf, vf = (x.transpose(0, 2, 1, 3) for x in (qf, kf, vf))
    kf, vf = (np.repeat(x, groups, axis=1) for x in (kf, vf))
    s = qf @ kf.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    if is_causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    row_max = s.max(axis=-1, keepdims=True)
    p = np.exp(s - row_max)
    out = (p / p.sum(axis=-1, keepdims=True)) @ vf
    lse = (np.log(p.sum(axis=-1)) + row_max[..., 0]) / np.log(2)
    return out.transpose(0, 2, 1, 3) if bshd else out, lse


@pytest.mark.parametrize("batch,heads,seq_len,dim,groups,dtype,is_causal,block_M,block_N,bshd", [
    (2, 2, 128, 64, 1, "bfloat16", False, 32, 64, False),
    (1, 4, 128, 128, 2, "float16", False, 32, 64, False),
    (1, 2, 256, 64, 2, "bfloat16", False, 32, 64, False),
    (1, 2, 128, 64, 1, "bfloat16", True, 32, 32, False),
    (1, 2, 256, 64, 2, "float16", True, 64, 32, False),
    (2, 2, 128, 64, 1, "bfloat16", False, 32, 32, True),
    (1, 4, 128, 64, 2, "float16", True, 32, 32, True),
    # longer sequences: fp16 and bf16, head dim 64 and 128, causal and not, both layouts
    (1, 1, 512, 128, 1, "bfloat16", False, 64, 64, True),
    (1, 1, 512, 64, 1, "float16", True, 64, 64, False),
    (1, 1, 1024, 64, 1, "bfloat16", True, 64, 64, True),
    (1, 1, 1024, 128, 1, "float16", False, 64, 64, False),
    (1, 4, 1024, 128, 2, "bfloat16", True, 64, 64, False),
    (1, 4, 512, 64, 4, "float16", False, 64, 64, True),
    # a head dimension of 16: each row of Q, K, V and O padded with zeros to a whole tile
    (1, 2, 128, 16, 1, "bfloat16", False, 32, 32, False),
    (1, 4, 128, 16, 2, "float16", True, 32, 32, True),
])
def test_mha_and_gqa_forward(batch, heads, seq_len, dim, groups, dtype, is_causal, block_M, block_N, bshd):
    kernel = tilelang_tt.compile(
        mha_forward(batch, heads, seq_len, dim, block_M, block_N, groups, dtype, is_causal, bshd), out_idx=[3, 4])
    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    assert buffers["Q"].get("storage_order") == ([0, 2, 1, 3] if bshd else None)
    assert buffers["lse"]["tiled_shape"] == [batch * heads, 1, seq_len]  # a batch of vectors
    q_shape = (batch, seq_len, heads, dim) if bshd else (batch, heads, seq_len, dim)
    kv_shape = (batch, seq_len, heads // groups, dim) if bshd else (batch, heads // groups, seq_len, dim)
    q = random(q_shape, dtype, 34)
    k, v = (random(kv_shape, dtype, seed) for seed in (35, 36))
    out, lse = kernel(q, k, v)
    expected_out, expected_lse = mha_reference(q, k, v, groups, is_causal, bshd)
    assert_close(out, expected_out, rtol=2 ** -5, atol=2 ** -5)
    np.testing.assert_allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5)


@pytest.mark.parametrize("is_causal", [False, True])
@pytest.mark.parametrize("bshd", [False, True])
def test_the_cores_of_a_head_share_its_k_and_v_reads(is_causal, bshd):
    """4 heads x 1024 x 64 with 64 x 64 blocks: 16 query blocks per head, 64 blocks on the 64
    cores. The compiler deals each head's query blocks to one row of 16 cores (two physical rows of
    the 8 x 8 grid), one of which reads each K and V block from DRAM and multicasts it to the row:
    DRAM sees Q, K and V once. Causal: a core's loop ends at its diagonal block; its reader follows
    the row's longest loop and compute discards the tiles past its own (the blocks are dealt in
    serpentine order, see the next test). The results are bit for bit those of every core reading
    its own K and V (partition_strategy given)."""
    batch, heads, seq_len, dim = 1, 4, 1024, 64
    func = mha_forward(batch, heads, seq_len, dim, 64, 64, is_causal=is_causal, bshd=bshd)
    kernel = tilelang_tt.compile(func, out_idx=[3, 4])
    shape = (batch, seq_len, heads, dim) if bshd else (batch, heads, seq_len, dim)
    q, k, v = (random(shape, "bfloat16", seed) for seed in (40, 41, 42))
    out, lse = kernel(q, k, v)
    expected_out, expected_lse = mha_reference(q, k, v, 1, is_causal, bshd)
    assert_close(out, expected_out, rtol=2 ** -5, atol=2 ** -5)
    np.testing.assert_allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5)
    assert kernel.stats()["totals"]["dram_read_bytes"] == 3 * q.nbytes
    assert kernel.plan["core_ranges"] == [[[0, 0], [7, 7]]]
    assert len(kernel.plan["semaphores"]) == 4
    reader = kernel.get_kernel_source("reader")
    assert "K_mcast_sender" in reader and "V_mcast_sender" in reader and "Q_mcast" not in reader
    assert ("k_discarded" in kernel.get_kernel_source("compute")) == is_causal
    assert kernel.plan["work_partition"]["strategy"] == ("serpentine" if is_causal else "block")

    unicast = tilelang_tt.compile(func, out_idx=[3, 4], partition_strategy="row_major")
    unicast_out, unicast_lse = unicast(q, k, v)
    assert "semaphores" not in unicast.plan or not unicast.plan["semaphores"]
    assert unicast.stats()["totals"]["dram_read_bytes"] > 3 * q.nbytes
    np.testing.assert_array_equal(out.view(np.uint16), unicast_out.view(np.uint16))
    np.testing.assert_array_equal(lse, unicast_lse)


def matmuls_per_core(kernel):
    per_core = {}
    for instance in kernel.stats()["kernels"]:
        core = tuple(instance["core"])
        per_core[core] = per_core.get(core, 0) + sim.matmul_products(instance.get("tile_ops", {}))
    return per_core


def test_causal_query_blocks_are_dealt_so_that_every_core_does_the_same_work():
    """8 heads x 1024 x 64 with 64 x 64 blocks: 128 query blocks on 64 cores, each core two heads
    of one row of 16 cores. A causal query block x runs x + 1 steps, so dealing block x of both
    heads to core x would give the last core 32 steps and the first 2; the serpentine order gives
    core x block x of one head and 15 - x of the next: 17 steps each, the same matmuls on every core."""
    batch, heads, seq_len, dim = 1, 8, 1024, 64
    func = mha_forward(batch, heads, seq_len, dim, 64, 64, is_causal=True, bshd=False)
    kernel = tilelang_tt.compile(func, out_idx=[3, 4])
    q, k, v = (random((batch, heads, seq_len, dim), "bfloat16", seed) for seed in (43, 44, 45))
    out, lse = kernel(q, k, v)
    expected_out, expected_lse = mha_reference(q, k, v, 1, True, False)
    assert_close(out, expected_out, rtol=2 ** -5, atol=2 ** -5)
    np.testing.assert_allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5)
    assert kernel.plan["work_partition"]["strategy"] == "serpentine"
    per_core = matmuls_per_core(kernel)
    assert len(per_core) == 64 and len(set(per_core.values())) == 1
    assert kernel.stats()["totals"]["dram_read_bytes"] == 3 * q.nbytes


def test_a_batch_of_several_keeps_every_core_reading_its_own_k_and_v():
    """A launch grid with a batch dimension of 2: the cores of a row would work on different
    batches, so nothing is shared and each core reads its own K and V."""
    kernel = tilelang_tt.compile(mha_forward(2, 2, 256, 64, 64, 64, is_causal=True), out_idx=[3, 4])
    assert not kernel.plan.get("semaphores")
    q, k, v = (random((2, 2, 256, 64), "bfloat16", seed) for seed in (43, 44, 45))
    out, lse = kernel(q, k, v)
    expected_out, expected_lse = mha_reference(q, k, v, 1, True, False)
    assert_close(out, expected_out, rtol=2 ** -5, atol=2 ** -5)
    np.testing.assert_allclose(lse, expected_lse, rtol=2 ** -7, atol=2 ** -5)


def test_copies_of_different_dimension_pairs_of_one_tensor_are_a_located_error():
    @T.prim_func
    def mixed(Q: T.Tensor((1, 64, 2, 64), "bfloat16"), O: T.Tensor((1, 64, 2, 64), "bfloat16")):
        with T.Kernel(1) as bx:
            q = T.alloc_shared((32, 64), "bfloat16")
            T.copy(Q[0, 0:32, 0, :], q)
            T.copy(Q[0, 0, 0:32, :], q)
            T.copy(q, O[0, 0:32, 0, :])

    with pytest.raises(tilelang_tt.errors.TileLangTTError, match="dimensions 2 and 3 of Q, and the copy at line") as info:
        tilelang_tt.compile(mixed, out_idx=[-1])
    assert info.value.line is not None


def test_a_region_spanning_a_leading_dimension_is_a_located_error():
    @T.prim_func
    def two_heads(Q: T.Tensor((1, 2, 64, 64), "bfloat16"), O: T.Tensor((1, 2, 64, 64), "bfloat16")):
        with T.Kernel(1) as bx:
            q = T.alloc_shared((64, 64), "bfloat16")
            T.copy(Q[0, 0:2, 0:32, :], q)
            T.copy(q, O[0, 0, 0:64, :])

    with pytest.raises(tilelang_tt.errors.TileLangTTError, match=r"this T.copy moves a block of 3 dimensions \(1, 2, 3\) of Q") as info:
        tilelang_tt.compile(two_heads, out_idx=[-1])
    assert info.value.line is not None


def test_attention_compiles_against_the_release(tt_release):
    check_kernels([tilelang_tt.compile(flash_attention(128, 64, 32, 32), out_idx=[-1]).artifacts_dir] +
                  [tilelang_tt.compile(p, out_idx=[3, 4]).artifacts_dir
                   for p in (mha_forward(1, 4, 128, 64, 32, 64, groups=2),
                             mha_forward(1, 2, 128, 64, 32, 32, is_causal=True),
                             mha_forward(1, 2, 1024, 64, 64, 64, is_causal=True),
                             mha_forward(1, 2, 64, 64, 32, 32, bshd=True))])
