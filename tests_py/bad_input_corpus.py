"""The cases of the bad-input corpus (tests_py/test_bad_input_corpus.py), as kernel source text.

Each case is a kernel written as text, with the line its error must point at marked `#!`, and the
error class expected. `source_module` writes every case into one Python file as a factory
function, so the whole corpus is one import: cases are parsed from a real file (as kernels must be)
without one file per case.
"""

import textwrap

from tilelang_tt.errors import TTSyntaxError, UnknownNameError, ValidationError

MARK = "#!"

# A small copy kernel: 64x64 float32, two blocks of 32 rows, a loop over the two column tiles.
# Every value-grid case replaces one part of it with a bad value.
COPY_KERNEL = '''
@T.prim_func
def k(A: T.Tensor({shape}, "float32"), C: T.Tensor((64, 64), "float32")):
    with T.Kernel({grid}, threads={threads}) as bx:
        S = T.alloc_shared({alloc}, "float32")
        for j in {loop}:
            T.copy(A[{row}, j * 32], S)
            T.copy(S, C[bx * 32, j * 32])
'''
COPY_DEFAULTS = {"shape": "(64, 64)", "grid": "2", "threads": "128", "alloc": "(32, 32)",
                 "loop": "T.Pipelined(2, num_stages=2)", "row": "bx * 32"}
# The line of COPY_KERNEL holding each part (1-based within the kernel text).
COPY_LINES = {"shape": 2, "grid": 3, "threads": 3, "alloc": 4, "loop": 5, "row": 6, "copy": 6}

# Integers out of every range a kernel count or index allows: negative, past 32 bits, past 64 bits.
BAD_INTS = ["-1", "-32", "2**31", "2**32", "2**40", "2**63", "2**64", "2**70", "-2**70"]
# Values that are not ints at all.
NOT_INTS = ["1.5", "'32'", "None", "float('nan')", "float('inf')", "[32]"]
# Per-position exceptions to the classes of the grid: a shape extent of 0 or less is malformed
# source (as TileLang refuses it), a loop without an extent too, a float index an ill-typed region.
NOT_POSITIVE = {"-1": TTSyntaxError, "-32": TTSyntaxError, "-2**70": TTSyntaxError}
NO_EXTENT = {"None": TTSyntaxError}
FLOAT_INDEX = {"1.5": ValidationError, "float('nan')": ValidationError, "float('inf')": ValidationError}


class Case:
    def __init__(self, name, source, cls, fragment=None):
        self.name = name
        self.source = textwrap.dedent(source).strip("\n")
        self.cls = cls
        self.fragment = fragment
        marked = [i for i, text in enumerate(self.source.splitlines()) if MARK in text]
        assert len(marked) <= 1, f"case {name} marks more than one line with {MARK}"
        # None: the error has no kernel line (the kernel cannot be read, or it is no kernel at all)
        self.marked_index = marked[0] if marked else None


def copy_case(name, cls, part, value, fragment=None, marked=None, **other):
    """COPY_KERNEL with part set to value (and other parts from other), the line of marked (by
    default, of part) marked."""
    parts = dict(COPY_DEFAULTS, **other)
    parts[part] = value
    lines = COPY_KERNEL.strip("\n").format(**parts).splitlines()
    lines[COPY_LINES[marked or part] - 1] += "  " + MARK
    return Case(name, "\n".join(lines), cls, fragment)


def value_grid():
    """Bad ints and non-ints in every count and index position of the copy kernel."""
    positions = {
        # position: (part, template with {v}, class for bad ints, class for non-ints, exceptions)
        "param_shape": ("shape", "({v}, 64)", ValidationError, TTSyntaxError, NOT_POSITIVE),
        "alloc_shape": ("alloc", "({v}, 32)", ValidationError, TTSyntaxError, NOT_POSITIVE),
        "grid": ("grid", "{v}", ValidationError, ValidationError, {}),
        "threads": ("threads", "{v}", ValidationError, TTSyntaxError, {"[32]": None}),
        "serial": ("loop", "T.serial({v})", ValidationError, ValidationError, NO_EXTENT),
        "pipelined": ("loop", "T.Pipelined({v})", ValidationError, ValidationError, NO_EXTENT),
        "unroll": ("loop", "T.unroll({v})", ValidationError, ValidationError, NO_EXTENT),
        "range": ("loop", "range({v})", ValidationError, ValidationError, NO_EXTENT),
        "parallel": ("loop", "T.Parallel({v})", ValidationError, ValidationError, {}),
        # a negative start is refused at the loop (kernels count loops with unsigned integers)
        "serial_start": ("loop", "T.serial({v}, 2)", ValidationError, ValidationError, NO_EXTENT),
        "num_stages": ("loop", "T.Pipelined(2, num_stages={v})", ValidationError, ValidationError, {}),
        "row_index": ("row", "{v}", ValidationError, TTSyntaxError, FLOAT_INDEX),
        "row_offset": ("row", "bx * 32 + {v}", ValidationError, TTSyntaxError, FLOAT_INDEX),
    }
    cases = []
    for position, (part, template, int_cls, other_cls, exceptions) in positions.items():
        for values, default in ((BAD_INTS, int_cls), (NOT_INTS, other_cls)):
            for value in values:
                expected = exceptions.get(value, default)
                if expected is None:
                    continue  # a valid value there
                cls, marked = expected if isinstance(expected, tuple) else (expected, part)
                cases.append(copy_case(f"{position}[{value}]", cls, part, template.replace("{v}", value), marked=marked))
    return cases


# Working kernels the corpus's option and call-argument cases use.
GOOD_KERNELS = '''
def copy_64():
    @T.prim_func
    def copy(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
        with T.Kernel(2) as bx:
            S = T.alloc_shared((32, 64), "float32")
            T.copy(A[bx * 32, 0], S)
            T.copy(S, C[bx * 32, 0])
    return copy
'''


def source_module(cases):
    """(text of one module defining case_<i>() for each case, {case name: line of its mark})."""
    out = ["import tilelang_tt.language as T"] + GOOD_KERNELS.splitlines() + [""]
    lines = {}
    for i, case in enumerate(cases):
        out.append(f"def case_{i}():")
        first = len(out) + 1
        out.extend("    " + text if text else "" for text in case.source.splitlines())
        out.append("    return k")
        out.append("")
        lines[case.name] = None if case.marked_index is None else first + case.marked_index
    return "\n".join(out) + "\n", lines


# Kernels written out: syntax, names, dtypes, shapes and bounds, nesting, attributes. `{T}` is not
# used; each source defines the kernel `k` and marks its wrong line.
HANDWRITTEN = [
    # ---- bounds proven at compile time ------------------------------------------------------
    ("index_2_pow_40", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[2**40, 0], S)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    ("constant_region_past_the_end", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[64, 0], S)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    ("grid_larger_than_tensor", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(4) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[bx * 32, 0], S)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    ("swapped_block_indices", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 128), "float32"), C: T.Tensor((64, 128), "float32")):
            with T.Kernel(4, 2) as (by, bx):
                S = T.alloc_shared((32, 32), "float32")
                T.copy(A[by * 32, bx * 32], S)  #!
                T.copy(S, C[by * 32, bx * 32])
    """),
    ("write_past_the_end", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[bx * 32, 0], S)
                T.copy(S, C[bx * 32 + 32, 0])  #!
    """),
    ("negative_start", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[bx * 32 - 32, 0], S)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    ("loop_one_tile_too_far", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 32), "float32")
                for j in T.serial(3):
                    T.copy(A[bx * 32, j * 32], S)  #!
                    T.copy(S, C[bx * 32, 0])
    """),
    ("element_store_past_fragment", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                for i, j in T.Parallel(32, 65):
                    S[i, j] = 1.0  #!
                T.copy(S, A[bx * 32, 0])
    """),
    ("gemm_k_loop_past_k", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "bfloat16"), B: T.Tensor((64, 64), "bfloat16"), C: T.Tensor((64, 64), "bfloat16")):
            with T.Kernel(2, 2) as (bx, by):
                As = T.alloc_shared((32, 32), "bfloat16")
                Bs = T.alloc_shared((32, 32), "bfloat16")
                Cl = T.alloc_fragment((32, 32), "float32")
                T.clear(Cl)
                for ko in T.Pipelined(3):
                    T.copy(A[by * 32, ko * 32], As)  #!
                    T.copy(B[ko * 32, bx * 32], Bs)
                    T.gemm(As, Bs, Cl)
                T.copy(Cl, C[by * 32, bx * 32])
    """),
    # ---- trip counts ------------------------------------------------------------------------
    ("serial_5_to_2", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                for i in T.serial(5, 2):  #!
                    T.copy(S, A[bx * 32, 0])
    """),
    ("pipelined_minus_3", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                for i in T.Pipelined(-3):  #!
                    T.copy(S, A[bx * 32, 0])
    """),
    ("serial_from_minus_1", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                for i in T.serial(-1, 1):  #!
                    T.copy(S, A[bx * 32, (i + 1) * 32])
    """),
    # ---- kernel structure -------------------------------------------------------------------
    ("alloc_before_kernel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            S = T.alloc_shared((32, 64), "float32")  #!
            with T.Kernel(2) as bx:
                T.copy(A[bx * 32, 0], S)
    """),
    ("copy_before_kernel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            T.copy(A, C)  #!
            with T.Kernel(2) as bx:
                pass
    """),
    ("loop_before_kernel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            for i in T.serial(2):  #!
                pass
    """),
    ("store_before_kernel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            A[0, 0] = 1.0  #!
    """),
    ("fill_before_kernel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            T.fill(A, 1.0)  #!
    """),
    ("nested_kernel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                with T.Kernel(2) as by:  #!
                    pass
    """),
    ("persistent_loop_with_data_dependent_if", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((128, 128), "float32"), C: T.Tensor((128, 128), "float32")):
            with T.Kernel(1) as bx:
                S = T.alloc_shared((32, 128), "float32")
                for tile in T.serial(4):
                    if A[tile * 32, 0] > 0:  #!
                        T.copy(A[tile * 32, 0], S)
                        T.copy(S, C[tile * 32, 0])
    """),
    # ---- nesting: the error deep inside loops and branches is located where it is -----------
    ("oob_in_nested_loops", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 32), "float32")
                for i in T.serial(2):
                    for j in T.serial(2):
                        T.copy(A[bx * 32, (i + j) * 32], S)  #!
                        T.copy(S, C[bx * 32, j * 32])
    """),
    ("oob_in_else_branch", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                for i, j in T.Parallel(32, 64):
                    if i < 16:
                        S[i, j] = A[bx * 32 + i, j]
                    else:
                        S[i, j] = A[bx * 32 + i + 16, j]  #!
                T.copy(S, C[bx * 32, 0])
    """),
    ("trip_count_negative_for_some_blocks", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 32), "float32")
                for i in T.serial(2):
                    for j in T.serial(bx * 2, 1):  #!
                        T.copy(A[bx * 32, j * 32], S)
                        T.copy(S, C[bx * 32, j * 32])
    """),
    ("unknown_name_in_nested_parallel", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                for r in T.serial(1):
                    for i, j in T.Parallel(32, 64):
                        S[i, j] = missing[i, j]  #!
                T.copy(S, A[bx * 32, 0])
    """),
    ("alloc_in_loop_shadowing_outer", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                for r in T.serial(2):
                    S = T.alloc_fragment((32, 64), "float32")  #!
                T.copy(S, A[bx * 32, 0])
    """),
    ("kernel_inside_loop", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                for r in T.serial(2):
                    with T.Kernel(2) as by:  #!
                        pass
    """),
    ("deep_python_if_nesting_keeps_the_line", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                if True:
                    if 1 < 2:
                        if not False:
                            T.copy(A[bx * 32 + 64, 0], S)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    # ---- dtypes -----------------------------------------------------------------------------
    ("int8_tensor", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "int8"), C: T.Tensor((64, 64), "int8")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "int8")
                T.copy(A[bx * 32, 0], S)
                T.copy(S, C[bx * 32, 0])  #!
    """),
    ("uint8_tensor", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "uint8"), C: T.Tensor((64, 64), "uint8")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "uint8")
                T.copy(A[bx * 32, 0], S)
                T.copy(S, C[bx * 32, 0])  #!
    """),
    ("int32_accumulator", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "bfloat16"), B: T.Tensor((64, 64), "bfloat16"), C: T.Tensor((64, 64), "int32")):
            with T.Kernel(2, 2) as (bx, by):
                As = T.alloc_shared((32, 32), "bfloat16")
                Bs = T.alloc_shared((32, 32), "bfloat16")
                Cl = T.alloc_fragment((32, 32), "int32")
                T.clear(Cl)
                for ko in T.Pipelined(2):
                    T.copy(A[by * 32, ko * 32], As)
                    T.copy(B[ko * 32, bx * 32], Bs)
                    T.gemm(As, Bs, Cl)  #!
                T.copy(Cl, C[by * 32, bx * 32])
    """),
    ("int32_gemm_inputs", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "int32"), B: T.Tensor((64, 64), "int32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2, 2) as (bx, by):
                As = T.alloc_shared((32, 32), "int32")
                Bs = T.alloc_shared((32, 32), "int32")
                Cl = T.alloc_fragment((32, 32), "float32")
                T.clear(Cl)
                T.copy(A[by * 32, 0], As)
                T.copy(B[0, bx * 32], Bs)
                T.gemm(As, Bs, Cl)  #!
                T.copy(Cl, C[by * 32, bx * 32])
    """),
    ("uint16_tensor", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "uint16"), C: T.Tensor((64, 64), "uint16")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "uint16")
                T.copy(A[bx * 32, 0], S)
                for i, j in T.Parallel(32, 64):
                    S[i, j] = S[i, j] + T.uint16(1)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    # ---- names ------------------------------------------------------------------------------
    ("non_ascii_block_index", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as é:  #!
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[é * 32, 0], S)
                T.copy(S, C[é * 32, 0])
    """),
    ("non_ascii_buffer", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                données = T.alloc_shared((32, 64), "float32")  #!
                T.copy(A[bx * 32, 0], données)
                T.copy(données, C[bx * 32, 0])
    """),
    ("non_ascii_parameter", ValidationError, """
        @T.prim_func
        def k(数: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):  #!
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(数[bx * 32, 0], S)
                T.copy(S, C[bx * 32, 0])
    """),
    ("cast_to_float7", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.copy(A[bx * 32, 0], S)
                for i, j in T.Parallel(32, 64):
                    S[i, j] = T.cast(S[i, j], "float7")  #!
                T.copy(S, A[bx * 32, 0])
    """),
    ("infinity_of_float7", TTSyntaxError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, T.infinity("float7"))  #!
                T.copy(S, A[bx * 32, 0])
    """),
    # ---- attributes and decorators ----------------------------------------------------------
    ("func_attr_object", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            T.func_attr({"note": object()})  #!
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                T.copy(S, A[bx * 32, 0])
    """),
    ("func_attr_nan", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            T.func_attr({"note": float("nan")})  #!
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                T.copy(S, A[bx * 32, 0])
    """),
    ("func_attr_huge_int", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            T.func_attr({"note": [1, 2**70]})  #!
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                T.copy(S, A[bx * 32, 0])
    """),
    ("func_attr_int_key_inside", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):
            T.func_attr({"note": {1: 2}})  #!
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                T.copy(S, A[bx * 32, 0])
    """),
    ("prim_func_twice", TTSyntaxError, """
        @T.prim_func
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32")):  #!
            with T.Kernel(2) as bx:
                S = T.alloc_fragment((32, 64), "float32")
                T.fill(S, 0.0)
                T.copy(S, A[bx * 32, 0])
    """),
    ("prim_func_of_a_class", TTSyntaxError, """
        class SomeClass:
            pass
        k = T.prim_func(SomeClass)
    """),
    ("prim_func_of_a_lambda_value", TTSyntaxError, """
        k = T.prim_func(42)
    """),
    ("copy_int_tensor_into_float_buffer", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "int32"), C: T.Tensor((64, 64), "float32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[bx * 32, 0], S)  #!
                T.copy(S, C[bx * 32, 0])
    """),
    ("copy_float_buffer_into_int_tensor", ValidationError, """
        @T.prim_func
        def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "int32")):
            with T.Kernel(2) as bx:
                S = T.alloc_shared((32, 64), "float32")
                T.copy(A[bx * 32, 0], S)
                T.copy(S, C[bx * 32, 0])  #!
    """),
]


def handwritten():
    return [Case(name, source, cls) for name, cls, source in HANDWRITTEN]


# One bad statement in the body of a working kernel (the marked line), and one bad value stored
# element-wise inside T.Parallel: syntax, names, calls and their arguments, operators, NaN and inf.
STATEMENT_KERNEL = '''
@T.prim_func
def k(A: T.Tensor((64, 64), "float32"), C: T.Tensor((64, 64), "float32")):
    with T.Kernel(2) as bx:
        S = T.alloc_fragment((32, 64), "float32")
        T.copy(A[bx * 32, 0], S)
        {statement}  #!
        T.copy(S, C[bx * 32, 0])
'''
V = ValidationError
S = TTSyntaxError
N = UnknownNameError
BAD_STATEMENTS = [
    ("while True: pass", S), ("del S", S), ("import os", S), ("global G", S), ("assert bx", S),
    ("print(bx)", S), ("raise ValueError()", S), ("with open('x') as f: pass", S), ("x, y = 1", S),
    ("x = y = bx", S), ("S.foo = 1", S), ("bx + 1", S), ("S", S), ("1", S), ("lambda: 1", S), ("[bx]", S),
    ("T.copy(S)", S), ("T.copy()", S), ("T.copy(S, S, S)", S), ("T.copy(S, C[bx * 32, 0], src=S)", S),
    ("T.copy(A[bx * 32, 0], C[bx * 32, 0])", S), ("T.copy(A[0:32:2, 0:64], S)", S), ("T.copy(A[0, 0, 0], S)", S),
    ("T.copy(A[bx * 32 + 1, 0], S)", V), ("T.copy(A[bx, 0], S)", V), ("T.copy(S, C[bx * 32, 0], 1)", S),
    ("T.copy(3, S)", S), ("T.copy(S, None)", S), ("T.copy(S, 'C')", S), ("T.copy(S, C[bx * 32, 0], coalesced_width=0)", S),
    ("T.copy(S, C[bx * 32, 0], disable_tma=2)", S), ("T.copy(S, C[bx * 32, 0], eviction_policy=1)", S),
    ("T.copy(S, C[bx * 32, 0], **{'disable_tma': True})", S), ("T.copy(*(S, C))", S),
    ("T.fill(S)", S), ("T.fill(S, 'x')", S), ("T.fill(S, None)", S), ("T.fill(S, [1.0])", S), ("T.fill(3, 1.0)", S),
    ("T.fill(S, 1.0, 2.0)", S), ("T.clear()", S), ("T.clear(S, S)", S), ("T.clear(bx)", S),
    ("T.gemm(S)", S), ("T.gemm(S, S)", S), ("T.gemm(S, S, S, transpose_A='yes')", S),
    ("T.gemm(S, S, S, transpose_B=bx)", S), ("T.gemm(S, S, S, clear_accum=2)", S), ("T.gemm(S, S, S, k_pack='x')", S),
    ("T.gemm(S, S, S, wg_wait=1)", S), ("T.reduce_sum(S)", S), ("T.reduce_sum(S, S, dim='x')", S),
    ("T.reduce_max(S, S, dim=5)", S), ("T.reduce_sum(S, S, dim=1, clear='no')", S), ("T.reduce_mean(S, S)", N),
    ("T.use_swizzle(0)", S), ("T.use_swizzle(-4)", S), ("T.use_swizzle(10, order='diagonal')", S),
    ("T.use_swizzle(10, enable=2)", S), ("T.use_swizzle('10')", S), ("T.func_attr(1)", S),
    ("T.func_attr({'tt.core_grid': 1})", S), ("T.func_attr({1: 2})", S), ("T.func_attr({'x': bx})", S),
    ("T.unknown_op(S)", N), ("T.Kernal(2)", N), ("T.alloc_sharde((32, 32))", N), ("T.float8_e4m3fn(1.0)", N),
    ("undefined_name(S)", S), ("S.fill(1.0)", S), ("T.exp(S)", S), ("T.ceildiv(1, 0)", S), ("len(S)", S),
    ("x = T.alloc_var()", S), ("x = T.alloc_var('float7')", S), ("x = T.alloc_var('int32', scope='shared')", S),
    ("y = T.alloc_shared((32, 32), 'float8_e4m3')", S), ("y = T.alloc_shared(32.5, 'float32')", S),
    ("y = T.alloc_shared((), 'float32')", S), ("y = T.alloc_shared('x', 'float32')", S),
    ("y = T.alloc_shared((bx, 32), 'float32')", S), ("y = T.alloc_shared((32, 32), 'float32', scope=3)", S),
    ("y = T.alloc_fragment()", S), ("y = T.alloc_shared((32, 32), 'handle')", S),
    ("for i in T.serial(2, 8, 2): pass", S), ("for i in [1, 2]: pass", S), ("for i in T.Pipelined(2, order=[0]): pass", S),
    ("for i in T.Parallel(4, coalesced_width=0): pass", S), ("for i in T.Parallel(4, vectorize=2): pass", S), ("for i, j in T.serial(4): pass", S),
("for (i, j) in T.Parallel(4): pass", S),
    ("for i in T.serial(bx + 0.5): pass", S), ("for i in T.serial(4, num_stages=2): pass", S),
]
BAD_VALUES = [
    ("'x'", S), ("None", S), ("A", S), ("S", S), ("T.exp(1.0, 2.0)", S), ("T.max(1.0)", S), ("T.clamp(1.0, 2.0)", S),
    ("T.ceildiv(1, 0)", S), ("1 // 0", S), ("1 % 0", S), ("bx / 2", S), ("bx ^ 1", S), ("bx << 1", S), ("~bx", S),
    ("bx in (1, 2)", S), ("bx is None", S), ("[x for x in range(3)]", S), ("{1, 2}", S), ("f'{bx}'", S),
    ("bx.foo", S), ("S[i, j].astype('float7')", S), ("S[i, j].astype()", S), ("T.float7(1)", N),
    ("T.float8_e5m2(1.0)", N), ("T.cast(S[i, j])", S), ("T.infinity('float32', 1)", S), ("T.if_then_else(i < 2)", S),
    ("T.tanh(1.0, 2.0)", S), ("T.exp(x=1.0)", S), ("(lambda: 1.0)()", S), ("A[0]", S), ("A[0, 0, 0]", S),
    ("len(bx)", S), ("bx[0]", S), ("1 + 'x'", S), ("T.Kernel", S), ("T", S), ("S[i:j, 0]", S), ("S[i, j] & 1.0", S),
    ("(i < 2) | 3", S), ("T.reduce_sum(S, S)", S), ("T.alloc_shared((32, 32), 'float32')", S), ("T.copy(S, S)", S),
    ("missing_helper(S[i, j])", S), ("S[i, j] @ S[i, j]", S), ("S[i, j] ** 2", S), ("-None", S), ("not_defined + 1", S),
]


def statement_cases():
    cases = []
    for statement, cls in BAD_STATEMENTS:
        source = STATEMENT_KERNEL.strip("\n").format(statement=statement)
        cases.append(Case(f"statement[{statement.splitlines()[0]}]", source, cls))
    for value, cls in BAD_VALUES:
        store = f"S[i, j] = {value}"
        source = STATEMENT_KERNEL.strip("\n").replace("{statement}  " + MARK, "for i, j in T.Parallel(32, 64):\n"
                                                       f"            {store}  {MARK}")
        cases.append(Case(f"value[{value}]", source, cls))
    return cases


# Cases that still fail for a reason outside the front end, each with the reason; the corpus
# expects them to fail (strict), so a fix shows up as an unexpected pass to remove here.
KNOWN_FAILURES = {}


def all_cases():
    return value_grid() + handwritten() + statement_cases()


