"""The TileLang frontend: the reference GEMM and each construct parse into the expected IR."""

import pytest

from tilelang_tt.errors import TTSyntaxError

import tilelang_tt.language as T
from tilelang_tt import ir

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
