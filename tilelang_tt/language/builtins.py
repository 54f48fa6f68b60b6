"""The names of TileLang's kernel language (``T.*``) as Python objects.

Kernels are parsed from their source (see :mod:`tilelang_tt.language.parser`), not executed, so
most of these objects are markers the parser recognises by identity. Called outside a kernel they
either compute on plain Python values (``T.ceildiv(1024, 128)``, ``T.Tensor((M, K), dtype)`` in a
parameter annotation) or raise an error saying they belong inside ``@T.prim_func``.
"""

import difflib
import math
import sys

from .. import _core
from ..errors import TTSyntaxError, UnknownNameError


class DType(str):
    """A dtype name usable as ``T.float16`` and callable as a constructor, ``T.float16(1.0)``."""

    def __call__(self, value):
        return TypedConst(str(self), value)


class TypedConst:
    """``T.float16(1.0)`` evaluated outside the parser: a value with its dtype."""

    def __init__(self, dtype, value):
        self.dtype = dtype
        self.value = value

    def __repr__(self):
        return f"T.{self.dtype}({self.value!r})"


_DTYPE_NAMES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64",
]
DTYPES = {name: DType(name) for name in _DTYPE_NAMES}
DTYPES["float"] = DType("float32")

# T.dtype: the type of dtypes, as TileLang's factories annotate them (``dtype: T.dtype = T.float16``).
dtype = DType


def dtype_name(value):
    """The canonical dtype name of a dtype given as a string, a T.<dtype> constant, a NumPy or
    torch dtype; None when value is not a dtype."""
    if isinstance(value, str):
        return {"float": "float32", "int": "int32", "half": "float16", "bf16": "bfloat16"}.get(value, value)
    if isinstance(value, type) and hasattr(value, "dtype"):  # a NumPy scalar type, np.float16
        value = getattr(value(0), "dtype", value)
    name = getattr(value, "name", None) or str(value).replace("torch.", "")
    return name if isinstance(name, str) and name in DTYPES else None



def python_number(v):
    """A NumPy scalar (np.int64(32), np.float32(0.5), np.bool_) as the Python number it holds, so it
    acts as that number wherever a kernel or its factory uses it; anything else unchanged."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(v, (numpy.number, numpy.bool_)):
        return v.item()
    return v

class TensorSpec:
    """``T.Tensor(shape, dtype)`` / ``T.Buffer(shape, dtype)``: a kernel parameter's type."""

    def __init__(self, shape, dtype="float32"):
        shape = python_number(shape)
        if isinstance(shape, int):
            shape = (shape,)
        self.shape = tuple(python_number(d) for d in shape)
        self.dtype = dtype

    def __repr__(self):
        return f"T.Tensor({self.shape}, {self.dtype!r})"


class TensorData:
    """``X.data`` of a tensor parameter inside a kernel: what ``T.Tensor(shape, dtype, X.data)``
    views (tilelang_tt/language/views.py)."""

    def __init__(self, buffer):
        self.buffer = buffer

    def __repr__(self):
        return f"{self.buffer.name}.data"


class TensorView:
    """``T.Tensor(shape, dtype, X.data)`` before the parser makes it X's buffer with that shape."""

    def __init__(self, shape, dtype, data):
        self.shape, self.dtype, self.data = shape, dtype, data


class BufferSpec(TensorSpec):
    """``T.SharedBuffer(shape, dtype)`` / ``T.FragmentBuffer`` / ``T.LocalBuffer``: the type of an
    on-chip buffer a T.macro takes."""

    def __init__(self, shape, dtype, scope):
        super().__init__(shape, dtype)
        self.scope = scope


def _on_chip_buffer_type(scope):
    def spec(shape, dtype="float32"):
        return BufferSpec(shape, dtype, scope)

    return spec


SharedBuffer = _on_chip_buffer_type("shared")
FragmentBuffer = _on_chip_buffer_type("fragment")
LocalBuffer = _on_chip_buffer_type("local")


class Macro:
    """``@T.macro``: a function of TileLang statements that a kernel calls; the call is replaced by
    its body, its parameters bound to the arguments (buffers, block and loop variables, values)."""

    def __init__(self, func):
        self.func = func
        self.__name__ = getattr(func, "__name__", "macro")
        self.__doc__ = func.__doc__

    def __call__(self, *args, **kwargs):
        raise TTSyntaxError(f"T.macro {self.__name__} can only be called inside a kernel body")

    def __repr__(self):
        return f"T.macro {self.__name__}"


def macro(func=None, *, hygienic=True):
    """``@T.macro`` (or ``@T.macro(hygienic=True)``): see Macro. Names in the body resolve where the
    macro is defined (its parameters, closure and globals), as TileLang's hygienic macros do."""
    if not hygienic:
        raise TTSyntaxError("T.macro(hygienic=False) is not supported: a macro's names resolve where it is defined; "
                            "pass the values it needs as parameters")
    return Macro(func) if func is not None else Macro


class TensorType:
    """``T.Tensor`` / ``T.Buffer``: called, ``T.Tensor((M, K), dtype)``, or subscripted as newer
    TileLang writes it, ``T.Tensor[(M, K), dtype]`` (a shape alone is float32)."""

    def __init__(self, name):
        self.name = name

    def __call__(self, shape, dtype="float32", data=None):
        if data is None:
            return TensorSpec(shape, dtype)
        if not isinstance(data, TensorData):
            raise TTSyntaxError(f"the third argument of T.{self.name}(shape, dtype, data) is a tensor's .data "
                                f"(T.{self.name}(shape, dtype, X.data): a view of X), got {data!r}")
        return TensorView(shape, dtype, data)

    def __getitem__(self, item):
        if isinstance(item, tuple) and len(item) == 2 and not isinstance(item[1], int) and \
                dtype_name(item[1]) is not None:  # also NumPy and torch dtypes, as the called form takes
            return TensorSpec(item[0], item[1])
        return TensorSpec(item)

    def __repr__(self):
        return f"T.{self.name}"


Tensor = TensorType("Tensor")
Buffer = TensorType("Buffer")


def ceildiv(a, b):
    """Ceiling division; on Python ints it is computed at once (shapes, grid sizes)."""
    a, b = python_number(a), python_number(b)
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise ZeroDivisionError("T.ceildiv by zero")
        return -(-a // b)
    raise TTSyntaxError("T.ceildiv on kernel values can only be used inside a @T.prim_func kernel")


def dynamic(name, dtype="int32"):
    """``T.dynamic("m")`` (also ``T.symbolic``): a dimension whose size is known only when the kernel
    is called. Use it as a tensor extent (``T.Tensor((M, K), dtype)``) and in the launch grid and loop
    trip counts (``T.ceildiv(M, block_M)``); one compiled program serves every size, and the
    compiled kernel takes the size from the tensors it is called with."""
    import sys

    frame = sys._getframe(1)
    if not isinstance(name, str) or not name.isidentifier():
        raise TTSyntaxError(_core.format_located(f"T.dynamic takes the dimension's name (an identifier), got {name!r}",
                                                 frame.f_code.co_filename, frame.f_lineno, 1))
    if dtype_name(dtype) not in ("int32", "int64"):
        raise TTSyntaxError(_core.format_located(f"T.dynamic({name!r}) has dtype {dtype!r}; a dimension is an "
                                                 "int32 or int64", frame.f_code.co_filename, frame.f_lineno, 1))
    from .. import ir

    return ir.Var(name, dtype_name(dtype), (frame.f_code.co_filename, frame.f_lineno, 1))


symbolic = dynamic


def _dimension_arithmetic(self, *_):
    """Arithmetic on a T.dynamic dimension outside a kernel (a tensor extent ``N * 2``): located error."""
    import sys

    frame = sys._getframe(1)
    raise TTSyntaxError(_core.format_located(
        f"arithmetic on the dynamic dimension {self.name} outside a kernel: a tensor extent must be a T.dynamic "
        "dimension itself (declare one for this axis); inside the kernel, T.ceildiv(N, block) and other "
        "expressions of it are fine", frame.f_code.co_filename, frame.f_lineno, 1))


def _install_dimension_operators():
    from .. import ir

    for op in ("add", "sub", "mul", "floordiv", "truediv", "mod", "pow"):
        for name in (f"__{op}__", f"__r{op}__"):
            setattr(ir.Var, name, _dimension_arithmetic)


_install_dimension_operators()


def attribute_value_problem(value):
    """Why value cannot be a function attribute (None when it can): attributes are JSON-like values
    (None, bool, int64, finite float, str, and lists, tuples and str-keyed dicts of them)."""
    if value is None or isinstance(value, (bool, str)):
        return None
    if isinstance(value, int):
        return None if -2**63 <= value < 2**63 else f"is {value}, which does not fit in 64 bits"
    if isinstance(value, float):
        return None if math.isfinite(value) else f"is {value}; attribute values are finite numbers"
    if isinstance(value, (list, tuple)):
        return next(filter(None, map(attribute_value_problem, value)), None)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return "is a dict with a key that is not a string"
        return next(filter(None, map(attribute_value_problem, value.values())), None)
    return (f"is a {type(value).__name__} ({value!r}); attribute values are None, bool, int, float, str and "
            "lists, tuples and dicts of them")


class GemmWarpPolicy:
    """TileLang's GPU warp partition policies for T.gemm; recorded, no effect on Tenstorrent."""

    Square = "Square"
    FullRow = "FullRow"
    FullCol = "FullCol"


class KernelOnly:
    """A construct that only has meaning inside a kernel body."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise TTSyntaxError(f"T.{self.name} can only be used inside a @T.prim_func kernel body")

    def __repr__(self):
        return f"T.{self.name}"


# The dtypes T.gemm's operands and accumulator may have: the matrix engine's float formats.
MATMUL_DTYPES = ("bfloat16", "float16", "float32")

# Scalar math functions of one value: each T.<fn> is the pure intrinsic tl.<fn> (cpp/ir/tile_ops.cc).
MATH_FUNCTIONS = ["exp", "exp2", "log", "log2", "sqrt", "rsqrt", "abs", "tanh", "sigmoid", "erf", "sin", "cos"]

# The reductions T.reduce_<kind>; each is the intrinsic tl.reduce with that kind.
REDUCE_KINDS = ["sum", "max", "min", "absmax", "abssum"]

# T.atomic_add's memory orders (TileLang's names). On Tenstorrent every add runs in its block's program
# order on the one core that owns the destination (LowerTTAtomicAdd), which any of them allows.
MEMORY_ORDERS = ("relaxed", "consume", "acquire", "release", "acq_rel", "seq_cst")

_ATOMIC_SUPPORTED = ("only T.atomic_add of floating-point values into a global tensor is lowered, as a "
                     "read-modify-write by the one block that owns each destination element (the split-K GEMM "
                     "form; docs/language.md)")
# TileLang's other atomics, refused with what Tenstorrent has instead: it has no atomic operations on memory.
UNSUPPORTED_ATOMICS = {
    "atomic_max": "use T.reduce_max into a fragment and T.copy it out, one block per destination",
    "atomic_min": "use T.reduce_min into a fragment and T.copy it out, one block per destination",
    "atomic_addx2": "use T.atomic_add on the region (tiles move whole on Tenstorrent, so there is no vector width)",
    "atomic_addx4": "use T.atomic_add on the region (tiles move whole on Tenstorrent, so there is no vector width)",
    "atomic_load": "read the element with an ordinary load; a block's statements run in order on one core",
    "atomic_store": "write the element with an ordinary store, one block per destination",
    "atomic_or": "bitwise atomics have no Tenstorrent form; compute the value in a fragment and T.copy it out",
}


def atomic_message(name):
    """Why T.<name> (an atomic other than T.atomic_add as a statement) is refused, and what to do."""
    if name == "atomic_add":
        return ("T.atomic_add's previous value (return_prev=True, or the call used as a value) does not exist on "
                "Tenstorrent, which has no atomic add to memory: " + _ATOMIC_SUPPORTED + "; use T.atomic_add as a "
                "statement and compute positions without it (e.g. T.reduce_sum of a mask, or a prefix sum)")
    return (f"T.{name} is not supported on Tenstorrent, which has no atomic operations on memory: "
            f"{_ATOMIC_SUPPORTED}; {UNSUPPORTED_ATOMICS[name]}")


# Every kernel-only construct, by its T.<name>. The parser dispatches on these objects.
KERNEL_ONLY = {
    name: KernelOnly(name)
    for name in [
        "Kernel", "alloc_shared", "alloc_fragment", "alloc_local", "alloc_var", "alloc_global", "clear", "fill",
        "copy", "gemm",
        "Pipelined", "serial", "unroll", "Parallel", "Persistent", "min", "max", "clamp", "floordiv", "floormod",
        "if_then_else", "cast", "Cast", "use_swizzle", "infinity", "func_attr", "const", "empty",
        "alloc_reducer", "finalize_reducer", "atomic_add", "annotate_layout",
    ] + MATH_FUNCTIONS + list(UNSUPPORTED_ATOMICS) + ["reduce_" + kind for kind in REDUCE_KINDS]
}

# T.<name>s that are Python objects usable outside a kernel too (defined here or, prim_func, in the package).
PYTHON_LEVEL = ["prim_func", "Tensor", "Buffer", "GemmWarpPolicy", "ceildiv", "dtype", "dynamic", "symbolic", "macro",
                "SharedBuffer", "FragmentBuffer", "LocalBuffer"]


def public_names():
    """Every T.<name> of tilelang_tt.language, sorted: the package's __all__."""
    return sorted(PYTHON_LEVEL + list(DTYPES) + list(KERNEL_ONLY))


# Low-precision float formats of other accelerators (TileLang's T.float8_e4m3fn, T.float4_e2m1fn, ...).
_FOREIGN_FLOAT_PREFIXES = ("float8", "float6", "float4", "fp8", "fp4")


def foreign_float_message(name):
    """Why a float8/float6/float4 format is refused, and what Tenstorrent has instead; None for other names."""
    if not str(name).startswith(_FOREIGN_FLOAT_PREFIXES):
        return None
    return (f"{name} is not a data format of Tenstorrent hardware. Its formats are bfloat16, float16, float32, the "
            "block floats Bfp8_b and Bfp4_b (8 or 4 bits per value, one exponent shared by 16 values) and integers; "
            "tilelang-tt tensors are bfloat16, float16, float32, int32 or uint32, and a bfloat16 or float32 tensor "
            "the kernel reads can be stored as Bfp8_b or Bfp4_b with layouts={name: {\"data_format\": \"Bfp8_b\"}} "
            "(docs/language.md, \"Block-float weights\")")


# Bit manipulation of integers is how GPU kernels unpack quantized weights (fp4 / int4 in uint8);
# Tenstorrent's unpacker dequantizes its block floats instead.
DEQUANTIZE_HINT = ("to dequantize packed weights (fp4 or int4 values in uint8), store them in one of Tenstorrent's "
               "block floats instead, which the unpacker dequantizes in hardware: declare the weights as a "
               "bfloat16 or float32 tensor and compile with layouts={name: {\"data_format\": \"Bfp4_b\"}} (or "
               "\"Bfp8_b\"); docs/language.md, \"Block-float weights\"")
# TIR's bit-level operations, which TileLang's dequantize helpers use.
_BIT_NAMES = frozenset({"shift_left", "shift_right", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                        "reinterpret"})

# GPU thread-level constructs of TileLang's SIMT-style kernels (T.get_thread_binding is rewritten: language/simt.py).
SIMT_NAMES = frozenset({"get_thread_binding", "get_thread_bindings", "get_block_binding", "get_lane_idx",
                         "get_warp_idx", "get_warp_idx_sync", "thread_binding", "tvm_thread_allreduce", "sync_threads",
                         "shfl_xor", "shfl_down", "shfl_up", "warp_reduce_sum", "warp_reduce_max", "warp_reduce_min"})


def unknown_name_message(name):
    """What T.<name> being unknown means: the Tenstorrent view of foreign float formats, else the
    closest supported names and the full list."""
    foreign = foreign_float_message(name)
    if foreign is not None:
        return f"T.{foreign}"
    if name in _BIT_NAMES:
        return f"T.{name} is a bit-level operation, which Tenstorrent's float tiles do not have: {DEQUANTIZE_HINT}"
    if name in SIMT_NAMES:
        mapped = ("SIMT kernels that bind thread indices at the top of a T.Kernel body (tn = T.get_thread_binding(0)) "
                  "are rewritten into tile form, each statement a T.Parallel nest over the thread indices it uses "
                  "(docs/language.md, \"SIMT kernels\")")
        if name == "get_thread_binding":
            return f"T.get_thread_binding is only meaningful inside a T.Kernel body: {mapped}"
        return (f"T.{name} belongs to SIMT code, one GPU thread's view of the block, which has no Tenstorrent "
                f"equivalent: a Tensix core computes whole tiles. {mapped}, but T.{name} is not: write the threads' "
                "work as a T.Parallel nest over their extent (for i, k in T.Parallel(block_N, block_K)) and their "
                "combined sums as a reducer (R = T.alloc_reducer(block_N, dtype); R[i] += ...; "
                "T.finalize_reducer(R)); see docs/language.md")
    names = public_names()
    close = difflib.get_close_matches(name, names, n=3)
    hint = f" Did you mean {' or '.join('T.' + c for c in close)}?" if close else ""
    return (f"T.{name} is not part of TileLang on Tenstorrent.{hint} The supported T.* names are: "
            + ", ".join(names) + " (see docs/language.md)")


def unknown_name_error(name, frame):
    """The UnknownNameError for T.<name> accessed by the Python code running in frame, located at
    the access: file, line and, when the interpreter records it, the column of the expression."""
    file, line = frame.f_code.co_filename, frame.f_lineno
    col = None
    positions = list(frame.f_code.co_positions())
    instruction = frame.f_lasti // 2  # co_positions has one entry per 2-byte code unit
    if 0 <= instruction < len(positions):
        start_line, _, start_col, _ = positions[instruction]
        if start_line == line and start_col is not None:
            col = start_col + 1
    message = unknown_name_message(name)
    err = UnknownNameError(_core.format_located(message, file, line, col or 1), file=file, line=line, col=col)
    err.name = name
    return err
