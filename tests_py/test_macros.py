"""@T.macro: TileLang's reusable blocks of kernel statements, expanded in place.

TileLang's FlashAttention examples split the loop body into macros (MMA0, Softmax, Rescale, MMA1)
whose parameters are typed T.Tensor / T.SharedBuffer / T.FragmentBuffer / T.int32. A call is
replaced by the macro's body with its parameters bound to the arguments; names in the body resolve
where the macro is defined (hygienic), and the body's statements keep the macro's lines."""

import re

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import ir
from tilelang_tt.errors import TTSyntaxError, ValidationError
from tilelang_tt.release_check import check_kernels

from test_attention import assert_close, random
from test_validation_matrix import private_cache  # noqa: F401 (its module-wide artifacts cache)
from source_lines import marker_line


def flashattn(batch, heads, seq_q, seq_kv, dim, is_causal, block_M=64, block_N=64, num_stages=1, threads=128,
              dtype="float16"):
    """examples/flash_attention/example_mha_fwd_bhsd.py's kernel, as upstream writes it."""
    scale = (1.0 / dim)**0.5 * 1.44269504  # log2(e)
    q_shape = [batch, heads, seq_q, dim]
    kv_shape = [batch, heads, seq_kv, dim]
    accum_dtype = "float"

    past_len = seq_kv - seq_q
    assert past_len >= 0, "seq_kv must be greater than or equal to seq_q"

    @T.macro
    def MMA0(
        K: T.Tensor(kv_shape, dtype),
        Q_shared: T.SharedBuffer([block_M, dim], dtype),
        K_shared: T.SharedBuffer([block_N, dim], dtype),
        acc_s: T.FragmentBuffer([block_M, block_N], accum_dtype),
        k: T.int32,
        bx: T.int32,
        by: T.int32,
        bz: T.int32,
    ):
        T.copy(K[bz, by, k * block_N:(k + 1) * block_N, :], K_shared)
        if is_causal:
            for i, j in T.Parallel(block_M, block_N):
                q_idx = bx * block_M + i + past_len
                k_idx = k * block_N + j
                acc_s[i, j] = T.if_then_else(q_idx >= k_idx, 0, -T.infinity(acc_s.dtype))
        else:
            T.clear(acc_s)
        T.gemm(Q_shared, K_shared, acc_s, transpose_B=True, policy=T.GemmWarpPolicy.FullRow)

    @T.macro
    def MMA1(
        V: T.Tensor(kv_shape, dtype),
        V_shared: T.SharedBuffer([block_N, dim], dtype),
        acc_s_cast: T.FragmentBuffer([block_M, block_N], dtype),
        acc_o: T.FragmentBuffer([block_M, dim], accum_dtype),
        k: T.int32,
        by: T.int32,
        bz: T.int32,
    ):
        T.copy(V[bz, by, k * block_N:(k + 1) * block_N, :], V_shared)
        T.gemm(acc_s_cast, V_shared, acc_o, policy=T.GemmWarpPolicy.FullRow)

    @T.macro
    def Softmax(
            acc_s: T.FragmentBuffer([block_M, block_N], accum_dtype),
            acc_s_cast: T.FragmentBuffer([block_M, block_N], dtype),
            scores_max: T.FragmentBuffer([block_M], accum_dtype),
            scores_max_prev: T.FragmentBuffer([block_M], accum_dtype),
            scores_scale: T.FragmentBuffer([block_M], accum_dtype),
            scores_sum: T.FragmentBuffer([block_M], accum_dtype),
            logsum: T.FragmentBuffer([block_M], accum_dtype),
    ):
        T.copy(scores_max, scores_max_prev)
        T.fill(scores_max, -T.infinity(accum_dtype))
        T.reduce_max(acc_s, scores_max, dim=1, clear=False)
        for i in T.Parallel(block_M):
            scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
        for i, j in T.Parallel(block_M, block_N):
            acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
        T.reduce_sum(acc_s, scores_sum, dim=1)
        for i in T.Parallel(block_M):
            logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
        T.copy(acc_s, acc_s_cast)

    @T.macro
    def Rescale(
            acc_o: T.FragmentBuffer([block_M, dim], accum_dtype),
            scores_scale: T.FragmentBuffer([block_M], accum_dtype),
    ):
        for i, j in T.Parallel(block_M, dim):
            acc_o[i, j] *= scores_scale[i]

    @T.prim_func
    def main(
            Q: T.Tensor(q_shape, dtype),
            K: T.Tensor(kv_shape, dtype),
            V: T.Tensor(kv_shape, dtype),
            Output: T.Tensor(q_shape, dtype),
    ):
        with T.Kernel(T.ceildiv(seq_q, block_M), heads, batch, threads=threads) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            O_shared = T.alloc_shared([block_M, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum_dtype)
            acc_s_cast = T.alloc_fragment([block_M, block_N], dtype)
            acc_o = T.alloc_fragment([block_M, dim], accum_dtype)
            scores_max = T.alloc_fragment([block_M], accum_dtype)
            scores_max_prev = T.alloc_fragment([block_M], accum_dtype)
            scores_scale = T.alloc_fragment([block_M], accum_dtype)
            scores_sum = T.alloc_fragment([block_M], accum_dtype)
            logsum = T.alloc_fragment([block_M], accum_dtype)

            T.copy(Q[bz, by, bx * block_M:(bx + 1) * block_M, :], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum_dtype))

            loop_range = (
                T.min(
                    T.ceildiv(seq_kv, block_N), T.ceildiv(
                        (bx + 1) * block_M +
                        past_len, block_N)) if is_causal else T.ceildiv(seq_kv, block_N))

            for k in T.Pipelined(loop_range, num_stages=num_stages):
                MMA0(K, Q_shared, K_shared, acc_s, k, bx, by, bz)
                Softmax(acc_s, acc_s_cast, scores_max, scores_max_prev, scores_scale, scores_sum,
                        logsum)
                Rescale(acc_o, scores_scale)
                MMA1(V, V_shared, acc_s_cast, acc_o, k, by, bz)
            for i, j in T.Parallel(block_M, dim):
                acc_o[i, j] /= logsum[i]
            T.copy(acc_o, O_shared)
            T.copy(O_shared, Output[bz, by, bx * block_M:(bx + 1) * block_M, :])

    return main


def reference(q, k, v, is_causal):
    qf, kf, vf = (x.astype(np.float32) for x in (q, k, v))
    s = qf @ kf.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    if is_causal:
        seq_q, seq_kv = s.shape[-2:]
        s = np.where(np.tril(np.ones((seq_q, seq_kv), bool), seq_kv - seq_q), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    return (p / p.sum(axis=-1, keepdims=True)) @ vf


@pytest.mark.parametrize("batch,heads,seq_q,seq_kv,dim,is_causal,dtype", [
    (1, 2, 128, 128, 64, False, "float16"),
    (1, 2, 128, 128, 64, True, "bfloat16"),
    (1, 1, 128, 256, 128, True, "float16"),  # past_len 128: the diagonal is offset
])
def test_upstream_flash_attention_with_macros(batch, heads, seq_q, seq_kv, dim, is_causal, dtype):
    kernel = tilelang_tt.compile(flashattn(batch, heads, seq_q, seq_kv, dim, is_causal, dtype=dtype), out_idx=[3])
    q = random((batch, heads, seq_q, dim), dtype, 1)
    k, v = (random((batch, heads, seq_kv, dim), dtype, seed) for seed in (2, 3))
    assert_close(kernel(q, k, v), reference(q, k, v, is_causal), rtol=2 ** -5, atol=2 ** -5)
    # The expanded statements point at the macros' lines (Softmax's reduce_max among them).
    compute = kernel.get_kernel_source("compute")
    softmax_line = next(i for i, line in enumerate(open(__file__), 1) if "T.reduce_max(acc_s, scores_max" in line)
    assert re.search(rf"test_macros\.py:{softmax_line}\b", compute)
    if is_causal:
        check_kernels([kernel.artifacts_dir])


def test_a_macro_is_its_body_inlined():
    @T.macro
    def scale_rows(acc: T.FragmentBuffer([32, 32], "float32"), factor):
        for i, j in T.Parallel(32, 32):
            acc[i, j] *= factor

    @T.prim_func
    def with_macro(A: T.Tensor((32, 32), "float32"), B: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as bx:
            acc = T.alloc_fragment((32, 32), "float32")
            T.copy(A[0, 0], acc)
            scale_rows(acc, 2.0)
            T.copy(acc, B[0, 0])

    @T.prim_func
    def inline(A: T.Tensor((32, 32), "float32"), B: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as bx:
            acc = T.alloc_fragment((32, 32), "float32")
            T.copy(A[0, 0], acc)
            for i, j in T.Parallel(32, 32):
                acc[i, j] *= 2.0
            T.copy(acc, B[0, 0])

    assert ir.structural_equal(with_macro.body, inline.body)
    a = np.arange(32 * 32, dtype=np.float32).reshape(32, 32)
    np.testing.assert_array_equal(tilelang_tt.compile(with_macro, out_idx=[1])(a), a * 2)


def _line(marker):
    return marker_line(__file__, marker)


def test_macro_names_resolve_where_it_is_defined():
    """A kernel's local of the same name as a macro's closure variable does not reach the macro."""
    factor = 3.0

    @T.macro
    def scaled(acc: T.FragmentBuffer([32, 32], "float32")):
        for i, j in T.Parallel(32, 32):
            acc[i, j] *= factor

    @T.prim_func
    def main(A: T.Tensor((32, 32), "float32"), B: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as bx:
            acc = T.alloc_fragment((32, 32), "float32")
            factor = bx + 5  # noqa: F841 - the kernel's own 'factor'
            T.copy(A[0, 0], acc)
            scaled(acc)
            T.copy(acc, B[0, 0])

    a = np.ones((32, 32), np.float32)
    np.testing.assert_array_equal(tilelang_tt.compile(main, out_idx=[1])(a), a * 3.0)


def test_macro_errors_are_located():
    @T.macro
    def needs_two(acc: T.FragmentBuffer([32, 32], "float32"), factor):
        for i, j in T.Parallel(32, 32):
            acc[i, j] *= factor

    with pytest.raises(TTSyntaxError, match=r"T.macro needs_two\(acc: .*, factor\): missing a required argument: "
                       "'factor'") as info:
        @T.prim_func
        def missing(A: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                acc = T.alloc_fragment((32, 32), "float32")
                needs_two(acc)  # missing argument
                T.copy(acc, A[0, 0])
    assert info.value.line == _line("# missing argument")

    with pytest.raises(ValidationError, match=r"T.macro needs_two takes acc as a float32 buffer of shape \[32, 32\]; "
                       r"the call passes acc16, a float16 buffer of shape \[32, 32\]") as info:
        @T.prim_func
        def wrong_dtype(A: T.Tensor((32, 32), "float16")):
            with T.Kernel(1, threads=128) as bx:
                acc16 = T.alloc_fragment((32, 32), "float16")
                needs_two(acc16, 2.0)  # wrong dtype
                T.copy(acc16, A[0, 0])
    assert info.value.line == _line("# wrong dtype")

    with pytest.raises(TTSyntaxError, match="T.macro needs_two is a statement") as info:
        @T.prim_func
        def as_value(A: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                acc = T.alloc_fragment((32, 32), "float32")
                x = needs_two(acc, 2.0)  # as a value  # noqa: F841
                T.copy(acc, A[0, 0])
    assert info.value.line == _line("# as a value")

    with pytest.raises(TTSyntaxError, match="hygienic=False"):
        T.macro(hygienic=False)


def test_a_macro_error_points_into_the_macro():
    @T.macro
    def bad(acc: T.FragmentBuffer([32, 32], "float32")):
        T.fill(acc)  # inside the macro

    with pytest.raises(TTSyntaxError, match=r"T.fill\(buffer, value\) needs the value") as info:
        @T.prim_func
        def main(A: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                acc = T.alloc_fragment((32, 32), "float32")
                bad(acc)
                T.copy(acc, A[0, 0])
    assert info.value.line == _line("# inside the macro")


def test_a_macro_that_allocates_can_be_called_again_and_keeps_its_buffers_apart():
    """A macro's own buffers are named after it and made unique per expansion, so it can be called
    twice, next to a caller's buffer of the same Python name."""
    @T.macro
    def doubled(src: T.SharedBuffer([32, 64], "float32"), dst: T.SharedBuffer([32, 64], "float32")):
        tmp = T.alloc_fragment((32, 64), "float32")
        for i, j in T.Parallel(32, 64):
            tmp[i, j] = src[i, j] * 2.0
        T.copy(tmp, dst)

    @T.prim_func
    def twice(X: T.Tensor((128, 64), "float32"), Y: T.Tensor((128, 64), "float32")):
        with T.Kernel(2, threads=128) as bx:
            top = T.alloc_shared((32, 64), "float32")
            bottom = T.alloc_shared((32, 64), "float32")
            tmp = T.alloc_shared((32, 64), "float32")
            out = T.alloc_shared((32, 64), "float32")
            T.copy(X[bx * 64, 0], top)
            T.copy(X[bx * 64 + 32, 0], bottom)
            doubled(top, tmp)
            doubled(bottom, out)
            T.copy(tmp, Y[bx * 64, 0])
            T.copy(out, Y[bx * 64 + 32, 0])

    kernel = tilelang_tt.compile(twice, out_idx=[-1])
    x = np.arange(128 * 64, dtype=np.float32).reshape(128, 64) / 64
    np.testing.assert_array_equal(kernel(x), 2 * x)
    compute = kernel.get_kernel_source("compute")
    assert "cb_doubled_tmp " in compute and "cb_doubled_tmp_1 " in compute and "cb_tmp " in compute
    check_kernels([kernel.artifacts_dir])


def test_macro_argument_checks_hold_under_postponed_annotations():
    """With `from __future__ import annotations` the macro's annotations are text: they are
    evaluated where the macro is defined and checked all the same."""
    import macro_future_annotations as m

    kernel = tilelang_tt.compile(m.scale_in_place("float32"))
    a = np.arange(32 * 32, dtype=np.float32).reshape(32, 32)
    kernel(a)
    np.testing.assert_array_equal(a, 2 * np.arange(32 * 32, dtype=np.float32).reshape(32, 32))
    with pytest.raises(ValidationError, match="T.macro scaled takes acc as a float32 buffer"):
        m.scale_in_place("float16")
    with pytest.raises(TTSyntaxError, match="the annotation of badly_annotated's parameter acc fails: TypeError") as info:
        m.clear_with_bad_annotation()
    with open(m.__file__) as fh:
        assert "# a shape is missing" in fh.read().splitlines()[info.value.line - 1]


def test_a_global_tensor_where_a_macro_takes_an_on_chip_buffer_is_a_located_error():
    @T.macro
    def cleared(acc: T.FragmentBuffer([32, 32], "float32")):
        T.clear(acc)

    with pytest.raises(ValidationError, match=r"T.macro cleared takes acc as an on-chip buffer "
                       r"\(T.FragmentBuffer\); the call passes A, a global buffer") as info:
        @T.prim_func
        def main(A: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                cleared(A)  # a global tensor
    assert info.value.line == _line("# a global tensor")


def test_buffer_names_are_one_buffers_within_a_launch():
    """Circular buffers are named after buffers: a second allocation of a name in one launch, also
    of one a macro made, is a located error; a scalar where a macro takes a buffer is one too."""
    @T.macro
    def doubled(src: T.SharedBuffer([32, 32], "float32"), dst: T.SharedBuffer([32, 32], "float32")):
        tmp = T.alloc_fragment((32, 32), "float32")
        for i, j in T.Parallel(32, 32):
            tmp[i, j] = src[i, j] * 2.0
        T.copy(tmp, dst)

    with pytest.raises(ValidationError, match="this launch already has an on-chip buffer named doubled_tmp") as info:
        @T.prim_func
        def after_macro(X: T.Tensor((32, 32), "float32"), Y: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                a = T.alloc_shared((32, 32), "float32")
                b = T.alloc_shared((32, 32), "float32")
                T.copy(X[0, 0], a)
                doubled(a, b)
                doubled_tmp = T.alloc_fragment((32, 32), "float32")  # the macro's name
                T.copy(b, doubled_tmp)
                T.copy(doubled_tmp, Y[0, 0])
    assert info.value.line == _line("# the macro's name")

    with pytest.raises(ValidationError, match="T.macro doubled takes src as an on-chip buffer "
                       r"\(T.SharedBuffer\); the call passes 2.0") as info:
        @T.prim_func
        def scalar_argument(Y: T.Tensor((32, 32), "float32")):
            with T.Kernel(1, threads=128) as bx:
                b = T.alloc_shared((32, 32), "float32")
                doubled(2.0, b)  # a scalar
                T.copy(b, Y[0, 0])
    assert info.value.line == _line("# a scalar")
