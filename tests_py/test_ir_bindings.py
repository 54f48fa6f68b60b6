"""tilelang_tt.ir: build, inspect and walk nodes; attributes as Python values; print; JSON; equality."""

import math

import pytest

from tilelang_tt import ir
from tilelang_tt.errors import ValidationError


def small_kernel():
    """A launch over a loop storing into an allocated buffer, with a let, an if and a call."""
    bx = ir.Var("bx")
    i = ir.Var("i")
    A = ir.buffer("A", [ir.const(64), ir.const(32)], "float32")
    S = ir.buffer("S", [ir.const(32)], "float32", "shared")
    load = ir.buffer_load(A, [ir.binary("Add", ir.binary("Mul", bx, ir.const(32)), i), ir.const(0)])
    x = ir.Var("x", "float32")
    store = ir.buffer_store(S, ir.call("tl.exp", [x]), [i])
    body = ir.let(x, load, ir.if_then_else(ir.binary("LT", i, ir.const(16)), store))
    loop = ir.for_loop(i, ir.const(0), ir.const(32), "serial", body)
    copy = ir.evaluate(ir.call("tl.copy", [ir.full_region(S), ir.region(A, [(ir.binary("Mul", bx, ir.const(32)), ir.const(32)),
                                                                              (ir.const(0), ir.const(1))])]))
    launch = ir.kernel_launch([ir.const(2)], [bx], [128], ir.allocate(S, ir.seq([loop, copy])))
    return ir.PrimFunc("k", [A], launch, {"note": "x"})


def test_nodes_are_inspectable():
    """Every field is readable from Python, with node classes by kind."""
    f = small_kernel()
    launch = f.body
    assert isinstance(launch, ir.KernelLaunch) and launch.threads == [128]
    alloc = launch.body
    assert isinstance(alloc, ir.Allocate) and alloc.buffer.scope == "shared"
    loop, copy = alloc.body.seq
    assert loop.for_kind == "serial" and loop.loop_var.name == "i" and loop.extent.value == 32
    let = loop.body
    assert isinstance(let, ir.LetStmt) and let.var.dtype == "float32" and let.value.buffer.name == "A"
    call = let.body.then_case.value
    assert call.op == "tl.exp" and call.dtype == "float32"
    region = copy.value.args[1]
    assert isinstance(region, ir.Region) and str(region.ranges[0][0]) == "bx * 32"


def test_walk_visits_every_node():
    """walk() reaches statements and expressions, children first."""
    seen = []
    ir.walk(small_kernel(), lambda n: seen.append(n.kind))
    for kind in ("KernelLaunch", "Allocate", "SeqStmt", "For", "LetStmt", "IfThenElse", "BufferStore",
                 "BufferLoad", "Call", "Region", "Add", "Mul", "LT", "IntImm", "Var"):
        assert kind in seen, kind
    assert seen[-1] == "KernelLaunch"


def test_attributes_are_python_values():
    """Attributes read and write as plain Python values; with_attr returns a new function."""
    f = small_kernel()
    g = f.with_attr("tt.core_grid", [8, 8]).with_attr("nested", {"a": [1, 2.5, None, True]})
    assert f.attrs == {"note": "x"}
    assert g.attrs["tt.core_grid"] == [8, 8] and g.attrs["nested"] == {"a": [1, 2.5, None, True]}
    with pytest.raises(ValidationError, match="attribute values"):
        f.with_attr("bad", object())


def test_print_json_and_equality():
    """Printing is TileLang-like; JSON round trip is lossless; equality ignores names and spans."""
    f = small_kernel()
    text = str(f)
    assert "with T.Kernel(2, threads=128) as (bx,):" in text and "S = T.alloc_shared((32,), \"float32\")" in text
    mod = ir.IRModule([f])
    back = ir.from_json(mod.to_json())
    assert back.to_json() == mod.to_json()
    assert ir.structural_equal(back, mod) and ir.structural_hash(back) == ir.structural_hash(mod)
    other = ir.IRModule([small_kernel()])
    assert ir.structural_equal(other, mod)


def test_inequality_explained():
    """A changed constant makes trees unequal and the difference names it."""
    a = ir.evaluate(ir.call("tl.exp", [ir.const(1.0, "float32")]))
    b = ir.evaluate(ir.call("tl.exp", [ir.const(2.0, "float32")]))
    assert not ir.structural_equal(a, b)
    assert "1.0" in ir.structural_difference(a, b)
    with pytest.raises(AssertionError, match="IR differs"):
        ir.assert_structural_equal(a, b)


def test_special_floats_round_trip():
    """inf and nan survive JSON."""
    e = ir.const(-math.inf, "float32")
    assert ir.from_json(e.to_json()).value == -math.inf
    assert math.isnan(ir.from_json(ir.const(math.nan, "float32").to_json()).value)


def test_factories_reject_ill_typed_nodes():
    """Ill-typed input is a ValidationError, not a crash."""
    i = ir.Var("i")
    f = ir.const(1.0, "float32")
    with pytest.raises(ValidationError, match="different dtypes"):
        ir.binary("Add", i, f)
    with pytest.raises(ValidationError, match="bool"):
        ir.if_then_else(i, ir.evaluate(i))
    with pytest.raises(ValidationError, match="unknown intrinsic"):
        ir.call("tl.nope", [])
    with pytest.raises(ValidationError, match="unknown dtype"):
        ir.Var("x", "float7")
    with pytest.raises(ValidationError):
        ir.from_json('{"format": "tilelang-tt-ir", "version": 1, "functions": [{"name": 3}]}')
    with pytest.raises(ValidationError, match="does not parse"):
        ir.from_json("{not json")


def test_promotion():
    """binary(..., promote=True) applies TileLang's promotion: literals adapt, float wins."""
    i = ir.Var("i")
    assert ir.binary("Add", i, ir.const(1.5, "float32"), promote=True).dtype == "float32"
    h = ir.Var("h", "float16")
    assert ir.binary("Mul", h, ir.const(2.0, "float32"), promote=True).dtype == "float16"
    assert ir.binary("Add", h, ir.Var("b", "bfloat16"), promote=True).dtype == "float32"
