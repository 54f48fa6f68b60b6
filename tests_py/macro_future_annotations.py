"""A T.macro in a module with postponed annotations (`from __future__ import annotations`): its
parameter types are text that the frontend evaluates where the macro is defined (test_macros.py)."""
from __future__ import annotations

import tilelang_tt.language as T

ROWS, COLS = 32, 32


@T.macro
def scaled(acc: T.FragmentBuffer([ROWS, COLS], "float32"), factor):
    for i, j in T.Parallel(ROWS, COLS):
        acc[i, j] *= factor


def scale_in_place(dtype):
    @T.prim_func
    def main(A: T.Tensor((ROWS, COLS), "float32")):
        with T.Kernel(1, threads=128) as bx:
            acc = T.alloc_fragment((ROWS, COLS), dtype)  # the buffer passed to scaled
            T.copy(A[0, 0], acc)
            scaled(acc, 2.0)
            T.copy(acc, A[0, 0])
    return main


@T.macro
def badly_annotated(acc: T.FragmentBuffer()):  # a shape is missing
    T.clear(acc)


def clear_with_bad_annotation():
    @T.prim_func
    def main(A: T.Tensor((ROWS, COLS), "float32")):
        with T.Kernel(1, threads=128) as bx:
            acc = T.alloc_fragment((ROWS, COLS), "float32")
            badly_annotated(acc)
            T.copy(acc, A[0, 0])
    return main
