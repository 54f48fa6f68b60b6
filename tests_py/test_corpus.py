"""The shared corpus (tests_cases/ir): the Python bindings meet the same expectations as C++.

The checks follow tests_cases/README.md: lossless round trip, then every fact of `expect`.
"""

import json
import pathlib

import pytest

from tilelang_tt import ir

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "tests_cases" / "ir"
FILES = sorted(CORPUS.glob("*.json"))

# Statement fields in field order (pre-order children), by kind.
STMT_CHILDREN = {
    "For": ["body"], "SeqStmt": ["seq"], "IfThenElse": ["then_case", "else_case"], "LetStmt": ["body"],
    "Allocate": ["body"], "KernelLaunch": ["body"], "BufferStore": [], "Evaluate": [],
}


def statements(stmt):
    """Statements in pre-order."""
    if stmt is None:
        return
    yield stmt
    for field in STMT_CHILDREN[stmt.kind]:
        child = getattr(stmt, field)
        for c in (child if isinstance(child, list) else [child]):
            yield from statements(c)


def extent(e):
    return e.value if isinstance(e, ir.IntImm) else str(e)


def count_kinds(body_json, counts):
    if isinstance(body_json, dict):
        if "k" in body_json:
            counts[body_json["k"]] = counts.get(body_json["k"], 0) + 1
            if body_json["k"] == "Call":
                key = "Call:" + body_json["op"]
                counts[key] = counts.get(key, 0) + 1
        for v in body_json.values():
            count_kinds(v, counts)
    elif isinstance(body_json, list):
        for v in body_json:
            count_kinds(v, counts)


def check_fact(mod, key, value):
    funcs = mod.functions
    if key == "functions":
        assert list(funcs) == value
    elif key == "params":
        for name, params in value.items():
            assert [b.name for b in funcs[name].params] == params
    elif key == "node_counts":
        for name, expected in value.items():
            counts = {}
            count_kinds(json.loads(funcs[name].to_json())["body"], counts)
            for kind, n in expected.items():
                assert counts.get(kind, 0) == n, f"{name}: {kind}"
    elif key == "allocations":
        for name, expected in value.items():
            got = [{"name": s.buffer.name, "scope": s.buffer.scope, "dtype": s.buffer.dtype,
                    "shape": [extent(e) for e in s.buffer.shape]}
                   for s in statements(funcs[name].body) if s.kind == "Allocate"]
            assert got == expected
    elif key == "loops":
        for name, expected in value.items():
            got = [{"var": s.loop_var.name, "kind": s.for_kind, "extent": extent(s.extent), "num_stages": s.num_stages}
                   for s in statements(funcs[name].body) if s.kind == "For"]
            assert got == expected
    elif key == "launches":
        for name, expected in value.items():
            got = [{"extents": [extent(e) for e in s.extents], "block_vars": [v.name for v in s.block_vars],
                    "threads": list(s.threads)}
                   for s in statements(funcs[name].body) if s.kind == "KernelLaunch"]
            assert got == expected
    elif key == "printed_contains":
        text = str(mod)
        for fragment in value:
            assert fragment in text
    else:
        pytest.fail(f"unknown fact key {key!r}")


def test_corpus_is_not_empty():
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_round_trip_is_lossless(path):
    doc = json.loads(path.read_text())
    mod = ir.module_from_json(json.dumps(doc["module"]))
    assert json.loads(mod.to_json()) == doc["module"]
    ir.assert_structural_equal(ir.from_json(mod.to_json()), mod)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_facts_hold(path):
    doc = json.loads(path.read_text())
    mod = ir.module_from_json(json.dumps(doc["module"]))
    for key, value in doc["expect"].items():
        check_fact(mod, key, value)
