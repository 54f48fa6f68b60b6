"""The pybind11 boundary: integers that do not fit the C++ type, non-integers where an integer
is expected and values of the wrong type are ValidationErrors naming the value (not pybind11's
untyped cast errors)."""

import pytest

from tilelang_tt import ir
from tilelang_tt.errors import ValidationError


def loop_pieces():
    i = ir.Var("i")
    S = ir.buffer("S", [ir.const(32)], "float32", "shared")
    return i, ir.buffer_store(S, ir.const(0.0, "float32"), [i])


@pytest.mark.parametrize("value", [2**63, 2**70, -(2**63) - 1])
def test_integer_constant_out_of_int64(value):
    with pytest.raises(ValidationError, match=f"integer constant {value} is out of range"):
        ir.const(value, "int64")


def test_integer_constant_of_a_string():
    with pytest.raises(ValidationError, match="must be an integer, got 'x'"):
        ir.const("x", "int32")


def test_num_stages_out_of_int():
    i, body = loop_pieces()
    with pytest.raises(ValidationError, match="num_stages 1099511627776 is out of range") as info:
        ir.for_loop(i, ir.const(0), ir.const(4), "pipelined", body, num_stages=2**40, span=("k.py", 7, 3))
    assert (info.value.file, info.value.line) == ("k.py", 7)


@pytest.mark.parametrize("threads", [[2**64], [128, 2**63], ["many"]])
def test_threads_out_of_int64(threads):
    bx = ir.Var("bx")
    i, body = loop_pieces()
    loop = ir.for_loop(i, ir.const(0), ir.const(4), "serial", body)
    with pytest.raises(ValidationError, match="threads") as info:
        ir.kernel_launch([ir.const(1)], [bx], threads, loop, span=("k.py", 3, 5))
    assert info.value.line == 3


def test_attribute_integer_out_of_int64():
    i, body = loop_pieces()
    with pytest.raises(ValidationError, match="integer attribute value .* is out of range"):
        ir.for_loop(i, ir.const(0), ir.const(4), "serial", body, annotations={"unroll": 2**70})


def test_span_line_out_of_int():
    with pytest.raises(ValidationError, match="span line"):
        ir.const(1, "int32", span=("k.py", 2**40, 1))


def test_a_value_of_the_wrong_type_is_a_validation_error():
    """pybind11's conversion errors (here a span whose file is not a string) are ValidationErrors."""
    with pytest.raises(ValidationError, match="wrong type.*int"):
        ir.const(1, "int32", span=(1, 2, 3))
