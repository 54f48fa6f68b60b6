"""The TileLang frontend: the reference GEMM and each construct parse into the expected IR."""

import pytest

from tilelang_tt.errors import InternalError, TileLangTTError, TTSyntaxError

import tilelang_tt.language as T
from tilelang_tt import ir, passes

import tilelang_style_kernels as style
from reference_kernels import gemm_epilogue, matmul


def nodes(func, kind=None):
    out = []
    ir.walk(func, out.append)
    return [n for n in out if kind is None or n.kind == kind]


def calls(func, op):
    return [n for n in nodes(func, "Call") if n.op == op]


def test_reference_gemm_structure():
    """The body of TileLang's example_gemm.py parses into launch → 3 allocations → clear, pipelined loop, copy."""
    f = matmul(1024, 1024, 1024, 128, 128, 32)
    assert [b.name for b in f.params] == ["A", "B", "C"]
    launch = f.body
    assert launch.kind == "KernelLaunch"
    assert [e.value for e in launch.extents] == [8, 8]
    assert [v.name for v in launch.block_vars] == ["bx", "by"]
    assert launch.threads == [128]
    allocs = nodes(f, "Allocate")
    assert sorted((a.buffer.name, a.buffer.scope, a.buffer.dtype) for a in allocs) == [
        ("A_shared", "shared", "float16"), ("B_shared", "shared", "float16"), ("C_local", "fragment", "float32")]
    loop = nodes(f, "For")[0]
    assert loop.for_kind == "pipelined" and loop.num_stages == 3 and loop.extent.value == 32
    assert len(calls(f, "tl.copy")) == 3 and len(calls(f, "tl.gemm")) == 1 and len(calls(f, "tl.fill")) == 1


def test_head_address_copy_takes_extents_from_the_other_side():
    """T.copy(A[by * bM, k * bK], A_shared) copies a bM x bK region starting at that address."""
    f = matmul(256, 256, 256, 64, 128, 32)
    copy_a = calls(f, "tl.copy")[0]
    src, dst = copy_a.args
    assert src.buffer.name == "A" and dst.buffer.name == "A_shared"
    assert [str(m) for m, _ in src.ranges] == ["by * 64", "k * 32"]
    assert [e.value for _, e in src.ranges] == [64, 32]


def test_transpose_b_is_recorded():
    """transpose_B=True reaches the gemm call; B is then (N, K)."""
    f = matmul(128, 256, 64, 64, 64, 32, trans_B=True)
    gemm = calls(f, "tl.gemm")[0]
    assert gemm.args[4].value == 1 and gemm.args[3].value == 0
    assert [e.value for e in f.params[1].shape] == [256, 64]


def test_epilogue_fragment_shared_global():
    """The fragment → shared → global epilogue gives a shared C buffer and two copies after the loop."""
    f = gemm_epilogue(256, 256, 256, 128, 128, 32)
    names = [(c.args[0].buffer.name, c.args[1].buffer.name) for c in calls(f, "tl.copy")]
    assert ("C_local", "C_shared") in names and ("C_shared", "C") in names


def test_gemm_gpu_options_recorded():
    """policy and k_pack are GPU knobs: accepted and recorded in the IR, not dropped."""

    @T.prim_func
    def g(A: T.Tensor((64, 64), "float16"), B: T.Tensor((64, 64), "float16"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(1, 1, threads=128) as (bx, by):
            A_s = T.alloc_shared((64, 64), "float16")
            B_s = T.alloc_shared((64, 64), "float16")
            C_l = T.alloc_fragment((64, 64), "float32")
            T.gemm(A_s, B_s, C_l, policy=T.GemmWarpPolicy.FullRow, k_pack=2, clear_accum=True)
            T.copy(C_l, C)

    gemm = calls(g, "tl.gemm")[0]
    assert gemm.args[5].value == 1 and gemm.args[6].value == 2 and gemm.args[7].value == "FullRow"


def test_copy_gpu_hints_have_no_effect():
    """coalesced_width=, disable_tma= and eviction_policy= of T.copy are GPU hints: accepted, and the
    kernel parses to the same IR as without them."""

    @T.prim_func
    def hinted(A: T.Tensor((64, 64), "float16"), C: T.Tensor((64, 64), "float16")):
        with T.Kernel(2) as bx:
            S = T.alloc_shared((32, 64), "float16")
            T.copy(A[bx * 32, 0], S, coalesced_width=8, disable_tma=True, eviction_policy="evict_last")
            T.copy(S, C[bx * 32, 0], disable_tma=False, coalesced_width=None)

    @T.prim_func
    def plain(A: T.Tensor((64, 64), "float16"), C: T.Tensor((64, 64), "float16")):
        with T.Kernel(2) as bx:
            S = T.alloc_shared((32, 64), "float16")
            T.copy(A[bx * 32, 0], S)
            T.copy(S, C[bx * 32, 0])

    ir.assert_structural_equal(hinted.body, plain.body)


def test_parallel_coalesced_width_has_no_effect():
    """T.Parallel's coalesced_width= is a GPU hint too: accepted and checked, the same IR."""

    @T.prim_func
    def hinted(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            for i, j in T.Parallel(32, 32, coalesced_width=4):
                S[i, j] = 1.0
            T.copy(S, A[0, 0])

    @T.prim_func
    def plain(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            for i, j in T.Parallel(32, 32):
                S[i, j] = 1.0
            T.copy(S, A[0, 0])

    ir.assert_structural_equal(hinted.body, plain.body)


def test_loops_if_else_and_scalar_math():
    """serial/unroll/Parallel loops, if/else, lets and the scalar math functions parse."""

    @T.prim_func
    def k(A: T.Tensor((64, 64), "float32"), B: T.Tensor((64, 64), "float32")):
        with T.Kernel(2, threads=64) as bx:
            A_s = T.alloc_shared((32, 64), "float32")
            acc = T.alloc_local((1,), "float32")
            T.copy(A[bx * 32, 0], A_s)
            for i, j in T.Parallel(32, 64):
                A_s[i, j] = T.exp(A_s[i, j]) + T.exp2(A_s[i, j]) * T.log(T.abs(A_s[i, j]) + 1.0)
            for i in T.serial(32):
                scale = T.rsqrt(T.sqrt(A_s[i, 0] * A_s[i, 0] + 1.0))
                if i < 16:
                    acc[0] = T.max(scale, 0.5)
                else:
                    acc[0] = T.min(scale, T.cast(i, "float32"))
                for j in T.unroll(4):
                    A_s[i, j] = T.if_then_else(j % 2 == 0, acc[0], -acc[0])
            T.copy(A_s, B[bx * 32, 0])

    kinds = [n.kind for n in nodes(k)]
    for expected in ("IfThenElse", "LetStmt", "Select", "Cast", "Min", "Max", "FloorMod", "BufferStore"):
        assert expected in kinds, expected
    loops = nodes(k, "For")
    assert sorted(l.for_kind for l in loops) == ["parallel", "parallel", "serial", "unrolled"]
    math = {c.op for c in nodes(k, "Call")}
    assert {"tl.exp", "tl.exp2", "tl.log", "tl.abs", "tl.sqrt", "tl.rsqrt"} <= math


def test_ceildiv_on_kernel_values_is_ir():
    """T.ceildiv of a kernel value becomes floor((a + b - 1) / b) in the IR (docs/language.md);
    on Python values it is computed when the kernel is built."""

    @T.prim_func
    def k(A: T.Tensor((32, 32), "int32")):
        with T.Kernel(T.ceildiv(40, 32)) as bx:
            A[0, 0] = T.ceildiv(bx + 5, 4)

    store = nodes(k, "BufferStore")[0]
    assert store.value.kind == "FloorDiv"
    assert [launch.extents[0].value for launch in nodes(k, "KernelLaunch")] == [2]


def test_reductions_fill_and_swizzle():
    """T.reduce_sum/T.reduce_max become tl.reduce; T.fill keeps its value; T.use_swizzle is a function attribute."""

    @T.prim_func
    def r(A: T.Tensor((64, 64), "float32"), B: T.Tensor((64,), "float32")):
        with T.Kernel(1, 1) as (bx, by):
            T.use_swizzle(panel_size=4)
            A_s = T.alloc_fragment((64, 64), "float32")
            m = T.alloc_fragment((64,), "float32")
            T.fill(m, -T.infinity("float32"))
            T.copy(A, A_s)
            T.reduce_max(A_s, m, dim=1, clear=False)
            T.reduce_sum(A_s, m, dim=-1)
            T.copy(m, B)

    reds = calls(r, "tl.reduce")
    assert [(c.args[2].value, c.args[3].value, c.args[4].value) for c in reds] == [("max", 1, 0), ("sum", 1, 1)]
    assert r.attrs["tl.use_swizzle"] == {"panel_size": 4, "order": "row", "enable": True}
    fill = calls(r, "tl.fill")[0]
    assert str(fill.args[1]) in ("0.0 - T.infinity", "-T.infinity")


@pytest.mark.parametrize("dtype", ["float16", T.float16, "bfloat16", T.bfloat16, "float", "float32", T.float32, "int32"])
def test_dtypes_as_strings_or_constants(dtype):
    """dtypes may be strings or T.<dtype> constants; "float" means float32."""

    @T.prim_func
    def k(A: T.Tensor((32, 32), dtype)):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), dtype)
            T.copy(A, S)
            T.copy(S, A)

    expected = {"float": "float32"}.get(str(dtype), str(dtype))
    assert k.params[0].dtype == expected


def test_three_d_grid_and_slices():
    """A 3-D launch grid and explicit slices (lo:hi) parse."""

    @T.prim_func
    def k(A: T.Tensor((4, 64, 64), "float16"), B: T.Tensor((4, 64, 64), "float16")):
        with T.Kernel(2, 2, 4) as (bx, by, bz):
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A[bz, by * 32:(by + 1) * 32, bx * 32:(bx + 1) * 32], S)
            T.copy(S, B[bz, by * 32:(by + 1) * 32, bx * 32:(bx + 1) * 32])

    assert [v.name for v in k.body.block_vars] == ["bx", "by", "bz"]
    src = calls(k, "tl.copy")[0].args[0]
    assert [e.value for _, e in src.ranges] == [1, 32, 32]


def test_spans_point_into_the_source():
    """Nodes carry file:line:col of the kernel source."""
    f = matmul(256, 256, 256, 128, 128, 32)
    gemm = calls(f, "tl.gemm")[0]
    file, line, col = gemm.span
    assert file.endswith("reference_kernels.py")
    with open(file) as fh:
        assert "T.gemm(" in fh.read().splitlines()[line - 1]


def test_printing_and_json_round_trip():
    """The parsed GEMM prints as TileLang-like text and survives a JSON round trip unchanged."""
    f = matmul(512, 512, 512, 128, 128, 32)
    text = str(f)
    assert "for k in T.Pipelined(16, num_stages=3):" in text
    mod = ir.IRModule([f])
    again = ir.from_json(mod.to_json())
    ir.assert_structural_equal(again, mod)
    assert again.to_json() == mod.to_json()


def test_func_attr_records_attributes():
    """T.func_attr adds function attributes; compiler-owned keys are refused at the call's line."""

    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        T.func_attr({"tir.noalias": True, "note": [1, 2]})
        with T.Kernel(1) as bx:
            A[0, 0] = 1.0

    assert k.attrs["tir.noalias"] is True and k.attrs["note"] == [1, 2]
    with pytest.raises(TTSyntaxError, match="tt.core_grid"):

        @T.prim_func
        def bad(A: T.Tensor((32, 32), "float32")):
            T.func_attr({"tt.core_grid": [1, 1]})
            with T.Kernel(1) as bx:
                A[0, 0] = 1.0


def lets(func):
    return {n.var.name: str(n.value) for n in nodes(func, "LetStmt")}


def stores(func, buffer):
    return [str(n).strip() for n in nodes(func, "BufferStore") if n.buffer.name == buffer]


def test_python_values_bound_in_the_body_are_build_time_values():
    """`name = <Python value>` inside a kernel binds the value (no IR): extents, offsets and counts
    computed from it are constants, and it can be rebound in the same block."""
    seq_len, block_N, blk_k = 256, 64, 32

    @T.prim_func
    def k(A: T.Tensor((64, 256), "float32")):
        with T.Kernel(2) as bx:
            loop_range = T.ceildiv(seq_len, block_N)
            num_k_step = T.ceildiv(256, blk_k)
            row_offset = 0
            row_offset = row_offset + 3
            for kk in T.serial(loop_range):
                A[bx + row_offset, kk] = 1.0
            for kk in range(num_k_step):
                A[bx, kk] = 2.0

    assert not nodes(k, "LetStmt")
    assert [loop.extent.value for loop in nodes(k, "For")] == [4, 8]
    assert stores(k, "A")[0] == "A[bx + 3, kk] = 1.0"


def test_kernel_values_bound_to_names_are_lets():
    """`name = <kernel value>` is a LetStmt over the rest of the block; rebinding (also with +=)
    in the same block is a new let that uses the previous one, as Python reads it. A variable
    (`block = bx`) is bound as it is, without a let."""

    @T.prim_func
    def k(A: T.Tensor((64, 64), "float32")):
        with T.Kernel(2) as bx:
            block = bx
            row = block * 32
            row = row + 1
            row += 2
            first = A[row, 0]
            A[row, 1] = first * 2.0

    values = [(n.var.name, str(n.value)) for n in nodes(k, "LetStmt")]
    assert sorted(values) == sorted([("row", "bx * 32"), ("row", "row + 1"), ("row", "row + 2"), ("first", "A[row, 0]")])
    assert stores(k, "A") == ["A[row, 1] = first * 2.0"]


def test_build_time_if_branch_binds_for_the_rest_of_the_block():
    """An if/else on a Python value is replaced by its taken branch, so a name it binds (a let or a
    Python value) is visible after it, as in Python."""

    def make(is_causal):
        @T.prim_func
        def k(A: T.Tensor((64, 64), "int32")):
            with T.Kernel(2) as bx:
                if is_causal:
                    limit = T.floordiv(bx * 64, 32)
                else:
                    limit = 0
                A[bx, 0] = limit

        return k

    assert lets(make(True)) == {"limit": "bx * 64 // 32"}
    assert stores(make(True), "A") == ["A[bx, 0] = limit"]
    assert not lets(make(False)) and stores(make(False), "A") == ["A[bx, 0] = 0"]


def test_alloc_var_is_a_one_element_local_buffer():
    """T.alloc_var(dtype, init=...) allocates a (1,) "local" buffer named after the variable; init is
    the first store; `x = v` and `x += v` store element 0 (also inside loops); reading x loads it."""

    @T.prim_func
    def k(A: T.Tensor((64, 64), "int32"), Sizes: T.Tensor((8,), "int32")):
        with T.Kernel(2) as bx:
            offset = T.alloc_var(dtype=T.int32)
            total = T.alloc_var("float32", init=1)
            legacy = T.alloc_var("int32", "local.var")
            offset = 0
            for g in T.serial(bx):
                offset += Sizes[g]
                total = total * 2
            legacy[0] = offset
            copy = offset
            A[copy, 0] = legacy

    allocs = {a.buffer.name: a.buffer for a in nodes(k, "Allocate")}
    for name, dtype in (("offset", "int32"), ("total", "float32"), ("legacy", "int32")):
        buf = allocs[name]
        assert (buf.scope, buf.dtype, [e.value for e in buf.shape]) == ("local", dtype, [1])
    assert stores(k, "offset") == ["offset[0] = 0", "offset[0] = offset[0] + Sizes[g]"]
    assert stores(k, "total") == ["total[0] = 1.0", "total[0] = total[0] * 2.0"]
    assert stores(k, "legacy") == ["legacy[0] = offset[0]"]
    assert lets(k) == {"copy": "offset[0]"}
    assert stores(k, "A") == ["A[copy, 0] = legacy[0]"]


@pytest.mark.parametrize("fn", ["log2", "tanh", "sigmoid", "erf", "sin", "cos", "exp", "exp2", "log", "sqrt", "rsqrt", "abs"])
def test_scalar_math_is_a_pure_intrinsic(fn):
    """T.<fn>(x) is the intrinsic tl.<fn> with the dtype of x; integers are first cast to float32."""
    import ast as pyast

    math = getattr(T, fn)

    @T.prim_func
    def k(A: T.Tensor((32, 32), "bfloat16"), I: T.Tensor((32, 32), "int32")):
        with T.Kernel(1) as bx:
            for i, j in T.Parallel(32, 32):
                A[i, j] = math(A[i, j]) + math(I[i, j])

    bf16, from_int = calls(k, "tl." + fn)
    assert bf16.dtype == "bfloat16" and str(bf16) == f"T.{fn}(A[i, j])"
    assert from_int.dtype == "float32" and str(from_int) == f'T.{fn}(T.cast(I[i, j], "float32"))'
    assert pyast.parse(str(k))  # the printed kernel is Python syntax


def test_clamp_floordiv_floormod():
    """T.clamp(x, lo, hi) is T.min(T.max(x, lo), hi) (TileLang's definition); T.floordiv/T.floormod
    are // and % on kernel values and are computed at once on Python values."""

    @T.prim_func
    def k(A: T.Tensor((64, 64), "float32"), I: T.Tensor((64, 64), "int32")):
        with T.Kernel(2) as bx:
            for i, j in T.Parallel(32, 64):
                A[i, j] = T.clamp(A[i, j], -448.0, 448.0)
                I[i, j] = T.floordiv(bx * 32 + i, 16) + T.floormod(j, 3) + T.floordiv(17, 5) + T.floormod(17, 5)
            I[0, 0] = T.clamp(9, 0, 4)

    assert stores(k, "A") == ["A[i, j] = T.min(T.max(A[i, j], -448.0), 448.0)"]
    assert stores(k, "I") == ["I[i, j] = (bx * 32 + i) // 16 + j % 3 + 3 + 2", "I[0, 0] = 4"]
    kinds = {n.kind for n in nodes(k)}
    assert {"Min", "Max", "FloorDiv", "FloorMod"} <= kinds


def test_and_or_operators_combine_conditions():
    """`&` and `|` on kernel conditions are the IR's And and Or (Python bools join them); on Python
    values they are Python's operators."""
    causal = True

    @T.prim_func
    def k(A: T.Tensor((64, 64), "float32")):
        with T.Kernel(2) as bx:
            for i, j in T.Parallel(32, 64):
                A[i, j] = T.if_then_else((i < 16) & (j >= i) | (bx == 0) & causal, A[i, j], 0.0)
            A[0, 0] = (6 & 3) | 8

    select = nodes(k, "Select")[0]
    assert select.cond.kind == "Or" and select.cond.a.kind == "And" and select.cond.b.kind == "And"
    assert str(select.cond) == "i < 16 and j >= i or bx == 0 and True"
    assert stores(k, "A")[1] == "A[0, 0] = 10.0"


@pytest.mark.parametrize("kind", ["sum", "max", "min", "absmax", "abssum"])
@pytest.mark.parametrize("clear", [True, False])
def test_reductions_of_every_kind(kind, clear):
    """T.reduce_<kind>(src, dst, dim=, clear=) is tl.reduce(src, dst, kind, dim, clear)."""
    reduce = getattr(T, "reduce_" + kind)

    @T.prim_func
    def k(A: T.Tensor((64, 64), "float32"), R: T.Tensor((64,), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_fragment((64, 64), "float32")
            r = T.alloc_fragment((64,), "float32")
            T.copy(A, S)
            reduce(S, r, dim=1, clear=clear)
            T.copy(r, R)

    call = calls(k, "tl.reduce")[0]
    assert str(call) == f'T.reduce(S, r, kind="{kind}", dim=1, clear={clear})'


def test_astype_and_dtype_of_kernel_values():
    """value.astype(dtype) is a cast (on loads, expressions and T.alloc_var variables); .dtype of a
    kernel value is its dtype name, usable where a dtype is expected."""

    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16"), B: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            acc = T.alloc_var("float32", init=0)
            for i in T.serial(32):
                acc += A[i, 0].astype("float32") * (A[i, 1] + A[i, 2]).astype(dtype=T.float32)
            B[0, 0] = acc.astype(T.float16).astype(B[0, 1].dtype)

    assert stores(k, "acc")[1] == ('acc[0] = acc[0] + T.cast(A[i, 0], "float32") * T.cast(A[i, 1] + A[i, 2], "float32")')
    assert stores(k, "B") == ['B[0, 0] = T.cast(T.cast(acc[0], "float16"), "float32")']


def test_one_d_buffers_parse():
    """1-D global parameters and on-chip vectors parse; what Tenstorrent supports is the lowering's decision."""

    @T.prim_func
    def k(X: T.Tensor((64, 64), "float32"), gamma: T.Tensor((64,), "float32"), Out: T.Tensor((64,), "float32")):
        with T.Kernel(1) as bx:
            g = T.alloc_shared((64,), "float32")
            row = T.alloc_fragment(64, "float32")
            T.copy(gamma, g)
            for i in T.Parallel(64):
                row[i] = g[i] * X[i, 0]
            T.copy(row, Out[0:64])

    shapes = {b.name: [e.value for e in b.shape] for b in list(k.params) + [a.buffer for a in nodes(k, "Allocate")]}
    assert shapes["gamma"] == [64] and shapes["g"] == [64] and shapes["row"] == [64]


STYLE_KERNELS = {
    "elementwise_add": lambda: style.elementwise_add(256, 256, 32, 32),
    "elementwise_add_mixed": lambda: style.elementwise_add(256, 256, 32, 32, "bfloat16", "float32"),
    "gemm_relu": lambda: style.gemm_relu(256, 256, 256, 64, 64, 32),
    "softmax": lambda: style.softmax(64, 2048),
    "rms_norm": lambda: style.rms_norm(64, 1024, 1),
    "rms_norm_chunked": lambda: style.rms_norm_chunked(64, 4096, 1, 512),
    "layer_norm": lambda: style.layer_norm(64, 1024),
    "layer_norm_32_rows": lambda: style.layer_norm(64, 1024, block_M=32),
    "row_quantize": lambda: style.row_quantize(64, 512, 32, 128),
    "activations": lambda: style.activations(64, 64, 32, 32),
}


@pytest.mark.parametrize("name", sorted(STYLE_KERNELS))
def test_tilelang_style_kernels_parse_print_and_round_trip(name):
    """Kernels written as upstream TileLang's examples write them parse; the printed IR is Python
    syntax and the JSON round trip is lossless."""
    import ast as pyast

    func = STYLE_KERNELS[name]()
    text = str(func)
    print(text)
    assert pyast.parse(text)
    mod = ir.IRModule([func])
    ir.assert_structural_equal(ir.from_json(mod.to_json()), mod)


def test_tilelang_style_kernel_structure():
    """Spot checks of what the style kernels become: lets for index arithmetic, reductions by kind,
    the quantizer's variable, the activations' math."""
    add = STYLE_KERNELS["elementwise_add"]()
    assert lets(add) == {"row0": "by * 32", "col0": "bx * 32", "row": "row0 + r", "col": "col0 + c"}
    softmax = STYLE_KERNELS["softmax"]()
    assert [c.args[2].value for c in calls(softmax, "tl.reduce")] == ["max", "sum"]
    assert len(calls(softmax, "tl.log2")) == 1 and len(calls(softmax, "tl.exp2")) == 3
    quant = STYLE_KERNELS["row_quantize"]()
    assert [c.args[2].value for c in calls(quant, "tl.reduce")] == ["absmax"]
    assert "offset[0] = offset[0] + Sizes[g]" in stores(quant, "offset")
    act = STYLE_KERNELS["activations"]()
    assert {c.op for c in nodes(act, "Call")} >= {"tl.tanh", "tl.erf", "tl.sigmoid"}
    norm = STYLE_KERNELS["layer_norm"]()
    assert [p.name for p in norm.params if len(p.shape) == 1] == ["gamma", "beta", "Mean", "Rstd"]


@pytest.mark.parametrize("name", sorted(STYLE_KERNELS))
def test_parsed_constructs_lower_or_fail_located(name):
    """Whatever parses either lowers or ends in a located error of the pipeline at a line of the
    kernel, never an internal error or a crash."""
    func = STYLE_KERNELS[name]()
    try:
        passes.run_pipeline(func)
    except TileLangTTError as err:
        assert not isinstance(err, InternalError), str(err)
        assert err.file == style.__file__ and err.line is not None, str(err)


NEW_CONSTRUCTS = ["log2", "tanh", "sigmoid", "erf", "sin", "cos", "clamp", "floordiv", "floormod", "and_or", "astype",
                  "alloc_var", "let", "reduce_min", "reduce_absmax", "reduce_abssum", "vector"]


def construct_kernel(construct):
    """A 64x64 kernel using one construct (chosen by build-time ifs, which disappear from the IR);
    only the constructs that need a 1-D vector have one."""
    v_shape = (64,) if construct.startswith("reduce_") or construct == "vector" else (64, 64)

    @T.prim_func
    def k(A: T.Tensor((64, 64), "float32"), B: T.Tensor((64, 64), "float32"), V: T.Tensor(v_shape, "float32")):
        with T.Kernel(2, 2) as (bx, by):
            S = T.alloc_fragment((32, 32), "float32")
            R = T.alloc_fragment((32, 32), "float32")
            if construct == "let":
                base = by * 32
                T.copy(A[base, bx * 32], S)
            else:
                T.copy(A[by * 32, bx * 32], S)
            if construct == "alloc_var":
                total = T.alloc_var("float32", init=0)
                for i in T.serial(32):
                    total += S[i, 0]
                S[0, 0] = total
            if construct.startswith("reduce_"):
                r = T.alloc_fragment((32,), "float32")
                getattr(T, construct)(S, r, dim=1)
                T.copy(r, V[by * 32])
            for i, j in T.Parallel(32, 32):
                if construct in ("log2", "tanh", "sigmoid", "erf", "sin", "cos"):
                    R[i, j] = getattr(T, construct)(S[i, j])
                elif construct == "clamp":
                    R[i, j] = T.clamp(S[i, j], -1.0, 1.0)
                elif construct in ("floordiv", "floormod"):
                    R[i, j] = S[i, j] * getattr(T, construct)(i, 4)
                elif construct == "and_or":
                    R[i, j] = T.if_then_else((i < 16) & (j > 3) | (i == j), S[i, j], 0.0)
                elif construct == "astype":
                    R[i, j] = S[i, j].astype("bfloat16").astype("float32")
                elif construct == "vector":
                    R[i, j] = S[i, j] * V[bx * 32 + j]
                else:
                    R[i, j] = S[i, j]
            T.copy(R, B[by * 32, bx * 32])

    return k


@pytest.mark.parametrize("construct", NEW_CONSTRUCTS)
def test_each_new_construct_lowers_or_fails_located(construct):
    """Each construct parses and, through the pipeline, either lowers or ends in a located error of
    this file (never an internal error or a crash)."""
    func = construct_kernel(construct)
    print(func)
    try:
        passes.run_pipeline(func)
    except TileLangTTError as err:
        assert not isinstance(err, InternalError), str(err)
        assert err.file == __file__ and err.line is not None, str(err)
