"""The compile-time bounds check from the accepting side: kernels whose accesses stay inside their
buffers compile however their indices are written, and ifs that the grid and loop ranges decide
are replaced by their taken branch (the refusals are in the bad-input corpus)."""

import importlib.util

import numpy as np
import pytest

import tilelang_tt
import tilelang_tt.language as T
from tilelang_tt import codegen
from tilelang_tt.errors import ValidationError


COPY_ROWS = '''
import tilelang_tt.language as T


def copy_rows():
    @T.prim_func
    def copy(A: T.Tensor((128, 64), "float32"), C: T.Tensor((128, 64), "float32")):
        with T.Kernel(4) as bx:
            S = T.alloc_shared((32, 64), "float32")
            if {guard}:
                T.copy(A[{index}, 0], S)
                T.copy(S, C[bx * 32, 0])
    return copy
'''


def copy_rows(tmp_path, index="bx * 32", guard="True"):
    """C[block rows] = A[rows at index] over a 128x64 float32 tensor in four 32-row blocks, the
    copies under `if guard` (True: decided in Python, no if at all)."""
    path = tmp_path / "copy_rows.py"
    path.write_text(COPY_ROWS.format(index=index, guard=guard))
    spec = importlib.util.spec_from_file_location("copy_rows", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.copy_rows()


# The last one is only bounded by the check (its two `bx % 2` terms are not independent), by
# [-64, 160], which a bound alone never refuses.
IN_BOUNDS = ["bx * 32", "(3 - bx) * 32", "bx * 64 - bx * 32", "(bx // 2) * 64 + (bx % 2) * 32",
             "bx * 32 + (bx % 2) * 64 - (bx % 2) * 64"]


@pytest.mark.parametrize("index", IN_BOUNDS)
def test_indices_that_stay_inside_compile(tmp_path, index):
    codegen.generate(copy_rows(tmp_path, index))


def let_copy(shift):
    @T.prim_func
    def copy(A: T.Tensor((128, 64), "float32"), C: T.Tensor((128, 64), "float32")):
        with T.Kernel(4) as bx:
            row = bx * 32 + shift
            S = T.alloc_shared((32, 64), "float32")
            T.copy(A[row - bx * 32 + bx * 32, 0], S)
            T.copy(S, C[bx * 32, 0])

    return copy


def test_a_let_carries_its_range():
    """A let's value is followed (and its variable cancels): one row too far is a bounds error; in
    range, the lowering sees through the let to a tile-aligned start and the copy runs."""
    with pytest.raises(ValidationError, match="reaches elements 32 to 159 of dimension 0 of A"):
        codegen.generate(let_copy(32))
    a = np.arange(128 * 64, dtype=np.float32).reshape(128, 64)
    np.testing.assert_array_equal(tilelang_tt.compile(let_copy(0), out_idx=[-1])(a), a)


def test_an_if_narrows_the_block_index():
    """Blocks 4..7 would read past A, but the else branch serves them from rows bx - 4."""

    @T.prim_func
    def copy(A: T.Tensor((128, 64), "float32"), C: T.Tensor((128, 64), "float32")):
        with T.Kernel(8) as bx:
            S = T.alloc_shared((16, 64), "float32")
            if bx < 4:
                T.copy(A[bx * 32, 0], S)
            else:
                T.copy(A[(bx - 4) * 32 + 16, 0], S)

    with pytest.raises(ValidationError) as info:  # 16-row regions are not tiles: checked after bounds
        codegen.generate(copy)
    assert "reaches elements" not in str(info.value)


def test_a_guard_that_always_holds_is_removed_and_runs(tmp_path):
    kernel = tilelang_tt.compile(copy_rows(tmp_path, guard="bx < 100"), out_idx=[-1])
    assert "if" not in kernel.get_kernel_source("reader").split("kernel_main")[1]
    a = np.arange(128 * 64, dtype=np.float32).reshape(128, 64)
    np.testing.assert_array_equal(kernel(a), a)


def test_a_guard_that_never_holds_removes_its_body():
    """`if bx >= 4` on a grid of 4 never runs: its out-of-range copy is not an error either."""

    @T.prim_func
    def copy(A: T.Tensor((128, 64), "float32"), C: T.Tensor((128, 64), "float32")):
        with T.Kernel(4) as bx:
            S = T.alloc_shared((32, 64), "float32")
            T.copy(A[bx * 32, 0], S)
            if bx >= 4:
                T.copy(A[bx * 32, 0], S)
            T.copy(S, C[bx * 32, 0])

    codegen.generate(copy)


def test_a_guard_that_depends_on_the_block_runs_on_the_blocks_it_holds_for(tmp_path):
    """`if bx < 2` around the copies: each kernel decides it from the block index alone, so the
    reader, compute and writer agree; blocks 2 and 3 copy nothing."""
    kernel = tilelang_tt.compile(copy_rows(tmp_path, guard="bx < 2"), out_idx=[-1])
    a = np.arange(128 * 64, dtype=np.float32).reshape(128, 64)
    c = kernel(a)
    np.testing.assert_array_equal(c[:64], a[:64])
    assert "if (bx < 2)" in kernel.get_kernel_source("reader")
    assert "if (bx < 2)" in kernel.get_kernel_source("writer")


def test_a_guard_that_depends_on_data_is_a_located_error(tmp_path):
    func = copy_rows(tmp_path, guard="A[bx, 0] > 0")
    with pytest.raises(ValidationError, match="depends on data the kernel reads") as info:
        codegen.generate(func)
    assert info.value.line is not None


@pytest.mark.parametrize("start", ["one", "block"])
def test_a_loop_from_a_start_other_than_zero_accumulates_element_wise(start):
    """The accumulator is its T.clear constant on the loop's first iteration, which is the loop's
    start (1, or the block index bx), not 0: block bx sums the row blocks from its start on."""

    @T.prim_func
    def suffix_sums(A: T.Tensor((128, 64), "float32"), C: T.Tensor((128, 64), "float32")):
        with T.Kernel(4) as bx:
            a = T.alloc_shared((32, 64), "float32")
            acc = T.alloc_fragment((32, 64), "float32")
            T.clear(acc)
            for kk in T.Pipelined(1 if start == "one" else bx, 4, num_stages=2):
                T.copy(A[kk * 32, 0], a)
                for i, j in T.Parallel(32, 64):
                    acc[i, j] += a[i, j]
            T.copy(acc, C[bx * 32, 0])

    kernel = tilelang_tt.compile(suffix_sums, out_idx=[-1])
    a = np.random.default_rng(5).standard_normal((128, 64)).astype(np.float32)
    blocks = a.reshape(4, 32, 64)
    first = [1] * 4 if start == "one" else range(4)
    want = np.concatenate([blocks[s:].sum(axis=0) for s in first])
    np.testing.assert_allclose(kernel(a), want, rtol=1e-5, atol=1e-5)
