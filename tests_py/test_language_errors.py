"""Bad kernels: each raises the right exception class at the right source line, never a crash.

Each case is a function whose kernel has one mistake on the line marked `# <- error`; the test
checks the exception class, that the reported file/line is that line, and that the message
contains the expected fragment (and shows the line with a caret).
"""

import inspect

import pytest

import tilelang_tt.language as T
from tilelang_tt.errors import TTSyntaxError, TileLangTTError, UnknownNameError, ValidationError

CASES = []


def case(cls, fragment):
    def register(fn):
        CASES.append(pytest.param(fn, cls, fragment, id=fn.__name__))
        return fn

    return register


def marked_line(fn):
    lines, first = inspect.getsourcelines(fn)
    for offset, text in enumerate(lines):
        if "# <- error" in text:
            return first + offset
    raise AssertionError(f"{fn.__name__} has no '# <- error' marker")


@case(TTSyntaxError, "needs a type")
def missing_annotation():
    @T.prim_func
    def k(A):  # <- error
        with T.Kernel(1) as bx:
            pass


@case(TTSyntaxError, "must be annotated with T.Tensor")
def wrong_annotation():
    @T.prim_func
    def k(A: int):  # <- error
        with T.Kernel(1) as bx:
            pass


@case(TTSyntaxError, "unknown dtype")
def unknown_dtype():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float7")):  # <- error
        with T.Kernel(1) as bx:
            pass


@case(TTSyntaxError, "1 to 3 grid extents")
def four_d_grid():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1, 1, 1, 1) as (a, b, c, d):  # <- error
            pass


@case(TTSyntaxError, "binds 1 names")
def grid_rank_mismatch():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(2, 2) as bx:  # <- error
            pass


@case(TTSyntaxError, "is not defined")
def undefined_name():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A_missing, S)  # <- error


@case(TTSyntaxError, "'While' statements are not supported")
def while_loop():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            while True:  # <- error
                pass


@case(TTSyntaxError, "loop over T.Pipelined")
def loop_over_list():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            for i in [1, 2]:  # <- error
                pass


@case(TTSyntaxError, "cannot return a value")
def kernel_returns():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            return A  # <- error


@case(TTSyntaxError, "coalesced_width= must be None or a positive int, got 'wide'")
def copy_gpu_hint_bad_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A, S, coalesced_width="wide")  # <- error


@case(TTSyntaxError, "eviction_policy= must be None or one of 'evict_normal'")
def copy_gpu_hint_bad_policy():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A, S, eviction_policy="evict_always")  # <- error


@case(TTSyntaxError, "T.gemm does not take ** unpacking of a dict")
def gemm_keyword_unpacking():
    options = {"transpose_B": True}

    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16"), C: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            F = T.alloc_fragment((32, 32), "float32")
            T.copy(A, S)
            T.gemm(S, S, F, **options)  # <- error
            T.copy(F, C)


@case(TTSyntaxError, "T.Parallel does not take * unpacking of a sequence")
def parallel_star_unpacking():
    extents = (32, 32)

    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_fragment((32, 32), "float16")
            for i, j in T.Parallel(*extents):  # <- error
                S[i, j] = 0


@case(TTSyntaxError, "has 2 dimensions but is indexed with 1")
def wrong_index_count():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A[bx], S)  # <- error


@case(TTSyntaxError, "needs the extents of at least one operand")
def copy_two_heads():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16"), B: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            T.copy(A[0, 0], B[0, 0])  # <- error


@case(TTSyntaxError, "step other than 1")
def loop_with_step():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            for i in T.serial(0, 32, 2):  # <- error
                S[i, 0] = A[i, 0]


@case(TTSyntaxError, "'/' on integers is ambiguous")
def integer_true_division():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(4) as bx:
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A[bx / 2, 0], S)  # <- error


@case(TTSyntaxError, "on-chip buffers have static shapes")
def dynamic_shape():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(4) as bx:
            S = T.alloc_shared((bx, 32), "float16")  # <- error
            T.copy(A, S)


@case(TTSyntaxError, "extents must be positive")
def zero_extent():
    @T.prim_func
    def k(A: T.Tensor((32, 0), "float16")):  # <- error
        with T.Kernel(1) as bx:
            pass


@case(TTSyntaxError, "not an element; use T.copy")
def slice_as_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            S[0, 0] = A[0:2, 0]  # <- error


@case(TTSyntaxError, "T.Pipelined's 'order='")
def pipelined_order():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            for i in T.Pipelined(4, num_stages=2, order=[0, 1]):  # <- error
                pass


@case(TTSyntaxError, "T.Kernel does not support 'prelude='")
def kernel_prelude():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1, prelude="x") as bx:  # <- error
            pass


@case(TTSyntaxError, "the only supported 'with'")
def other_with():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with open("x") as f:  # <- error
            pass


@case(TTSyntaxError, "is a Python function and cannot take kernel values")
def python_function_on_kernel_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(4) as bx:
            S = T.alloc_shared((32, 32), "float16")
            T.copy(A[abs(bx), 0], S)  # <- error


@case(TTSyntaxError, "T.gemm has no argument 'transpose_C'")
def gemm_bad_keyword():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            C = T.alloc_fragment((32, 32), "float32")
            T.gemm(S, S, C, transpose_C=True)  # <- error


@case(TTSyntaxError, "used as a scalar")
def buffer_as_scalar():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float16")
            S[0, 0] = A + 1  # <- error


@case(TTSyntaxError, "out of range")
def reduce_bad_dim():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_fragment((32, 32), "float32")
            m = T.alloc_fragment((32,), "float32")
            T.reduce_sum(S, m, dim=2)  # <- error


@case(ValidationError, "grid extent 0 is not positive")
def empty_grid_rejected_by_the_ir():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(0) as bx:  # <- error
            A[0, 0] = 1.0


@case(TTSyntaxError, "can only be used inside a @T.prim_func")
def builtin_outside_kernel_via_python_call():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            x = T.ceildiv(int, 2)  # <- error


@case(TTSyntaxError, "T.max has no argument 'dim='")
def builtin_keyword_it_would_ignore():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.max(A[0, 1], A[0, 2], dim=0)  # <- error


@case(TTSyntaxError, "T.ceildiv takes two values")
def ceildiv_with_one_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.ceildiv(bx)  # <- error


@case(TTSyntaxError, "T.infinity takes at most a dtype")
def infinity_with_two_values():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.infinity("float32", 1)  # <- error


@case(TTSyntaxError, "T.cast takes a value and a dtype")
def cast_without_a_dtype():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.cast(A[0, 1])  # <- error


@case(TTSyntaxError, "T.clamp takes a value and its bounds")
def clamp_without_upper_bound():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.clamp(A[0, 1], 0.0)  # <- error


@case(TTSyntaxError, "T.floordiv takes two values")
def floordiv_with_one_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "int32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.floordiv(bx)  # <- error


@case(TTSyntaxError, "T.tanh takes one value")
def tanh_with_two_values():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.tanh(A[0, 1], A[0, 2])  # <- error


@case(TTSyntaxError, "'&' on kernel values combines conditions, but one operand is int32")
def bitwise_and_on_integers():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "int32")):
        with T.Kernel(4) as bx:
            A[0, 0] = T.if_then_else((bx > 1) & bx, 1, 0)  # <- error


@case(TTSyntaxError, "'|' on kernel values combines conditions, but one operand is int")
def or_with_python_int():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "int32")):
        with T.Kernel(4) as bx:
            A[0, 0] = T.if_then_else((bx > 1) | 1, 1, 0)  # <- error


@case(TTSyntaxError, "T.alloc_var needs a dtype")
def alloc_var_without_dtype():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_var(init=1.0)  # <- error
            A[0, 0] = x


@case(TTSyntaxError, "its scope is \"local.var\", not 'shared'")
def alloc_var_in_shared_scope():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_var("float32", scope="shared")  # <- error
            A[0, 0] = x


@case(TTSyntaxError, "unknown dtype 'float7'")
def alloc_var_unknown_dtype():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_var("float7")  # <- error
            A[0, 0] = x


@case(TTSyntaxError, "buffer S used as a scalar")
def alloc_var_assigned_a_buffer():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_shared((32, 32), "float32")
            x = T.alloc_var("float32")
            x = S  # <- error
            A[0, 0] = x


@case(TTSyntaxError, "'total' is bound outside this block")
def let_rebound_inside_a_loop():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            total = A[0, 0]
            for i in T.serial(32):
                total = total + A[i, 1]  # <- error
            A[0, 0] = total


@case(TTSyntaxError, "'count' is bound outside this block")
def python_value_augmented_inside_a_kernel_if():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "int32")):
        with T.Kernel(4) as bx:
            count = 0
            if bx > 1:
                count += 1  # <- error
            A[0, 0] = count


@case(TTSyntaxError, "comparison In is not supported on kernel values")
def membership_test_on_kernel_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "int32")):
        with T.Kernel(4) as bx:
            A[0, 0] = T.if_then_else(bx in (1, 2), 1, 0)  # <- error


@case(UnknownNameError, "T.foo is not part of TileLang on Tenstorrent")
def unknown_name_in_kernel():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = T.foo(A[0, 1])  # <- error


@case(UnknownNameError, "Did you mean T.reduce_max")
def misspelled_name_in_kernel():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_fragment((32, 32), "float32")
            m = T.alloc_fragment((32,), "float32")
            T.reduce_maxx(S, m, dim=1)  # <- error


@case(UnknownNameError, "Did you mean T.Kernel")
def misspelled_kernel_launch():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernell(1) as bx:  # <- error
            A[0, 0] = 1.0


@case(UnknownNameError, "T.float8_e4m3fn is not a data format of Tenstorrent hardware")
def fp8_dtype_in_kernel():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            Q = T.alloc_fragment((32, 32), T.float8_e4m3fn)  # <- error


@case(TTSyntaxError, "float8_e5m2 is not a data format of Tenstorrent hardware")
def fp8_dtype_as_string():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float8_e5m2")):  # <- error
        with T.Kernel(1) as bx:
            pass


@case(TTSyntaxError, ".astype takes one dtype")
def astype_without_dtype():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = A[0, 1].astype()  # <- error


@case(TTSyntaxError, "float4_e2m1fn is not a data format")
def astype_to_fp4():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = A[0, 1].astype("float4_e2m1fn")  # <- error


@case(TTSyntaxError, "they have .dtype and .astype(dtype)")
def unknown_attribute_of_kernel_value():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            A[0, 0] = A[0, 1].real  # <- error


@case(TTSyntaxError, "T.reduce_absmax has no argument 'batch'")
def reduce_gpu_keyword():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            S = T.alloc_fragment((32, 32), "float32")
            m = T.alloc_fragment((32,), "float32")
            T.reduce_absmax(S, m, dim=1, batch=2)  # <- error


@case(UnknownNameError, "T.float8_e4m3fn is not a data format")
def fp8_default_argument_of_a_factory():
    def factory(M, dtype=T.float8_e4m3fn):  # <- error
        return M


@case(TTSyntaxError, "T.reduce_sum's clear= must be True or False when the kernel is built, got a kernel value")
def reduce_clear_from_a_block_index():
    @T.prim_func
    def k(X: T.Tensor((32, 32), "float32"), Y: T.Tensor((32,), "float32")):
        with T.Kernel(1) as bx:
            x = T.alloc_shared((32, 32), "float32")
            s = T.alloc_fragment((32,), "float32")
            T.copy(X[0, 0], x)
            T.reduce_sum(x, s, dim=1, clear=bx)  # <- error


@case(TTSyntaxError, "T.gemm's transpose_B= must be True or False when the kernel is built, got a kernel value")
def gemm_flag_from_a_block_index():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16"), B: T.Tensor((32, 32), "float16"), C: T.Tensor((32, 32), "float32")):
        with T.Kernel(1) as bx:
            a = T.alloc_shared((32, 32), "float16")
            b = T.alloc_shared((32, 32), "float16")
            c = T.alloc_fragment((32, 32), "float32")
            T.gemm(a, b, c, transpose_B=bx)  # <- error


@case(TTSyntaxError, "T.use_swizzle's enable= must be True or False, got 2")
def swizzle_enable_not_a_bool():
    @T.prim_func
    def k(A: T.Tensor((32, 32), "float16")):
        with T.Kernel(1) as bx:
            T.use_swizzle(2, enable=2)  # <- error


@pytest.mark.parametrize("fn, cls, fragment", CASES)
def test_bad_kernel_reports_class_line_and_message(fn, cls, fragment):
    with pytest.raises(TileLangTTError) as info:
        fn()
    err = info.value
    assert isinstance(err, cls), f"{type(err).__name__}: {err}"
    assert fragment in str(err), str(err)
    assert err.file == inspect.getsourcefile(fn)
    assert err.line == marked_line(fn), str(err)
    assert "^" in str(err), "the message shows the offending line with a caret"


def test_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_kernel_only_construct_outside_a_kernel():
    """Calling T.copy in plain Python is an error that says where it belongs."""
    with pytest.raises(TTSyntaxError, match="inside a @T.prim_func"):
        T.copy(None, None)


def test_unknown_name_at_python_level_is_located_and_an_attribute_error():
    """T.<unknown> outside a kernel raises UnknownNameError at the accessing line and column; it is
    an AttributeError too, so hasattr/getattr with a default keep working."""
    line = inspect.currentframe().f_lineno + 2
    with pytest.raises(UnknownNameError) as info:
        T.alloc_barrier(1)
    err = info.value
    assert (err.file, err.line, err.col) == (__file__, line, 9) and err.name == "alloc_barrier"
    assert "T.alloc_barrier is not part of TileLang on Tenstorrent" in str(err) and "alloc_var" in str(err)
    assert isinstance(err, AttributeError) and isinstance(err, TTSyntaxError)
    assert not hasattr(T, "float8_e4m3fn") and getattr(T, "foo", None) is None
    assert hasattr(T, "reduce_absmax") and hasattr(T, "dtype")
    with pytest.raises(AttributeError) as private:
        T.__wrapped__
    assert not isinstance(private.value, TileLangTTError)


def test_every_public_name_exists():
    """__all__ lists exactly the names the module provides."""
    assert all(hasattr(T, name) for name in T.__all__)
    assert T.dtype("float16") == T.float16
