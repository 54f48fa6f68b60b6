"""The names of TileLang's kernel language (``T.*``) as Python objects.

Kernels are parsed from their source (see :mod:`tilelang_tt.language.parser`), not executed, so
most of these objects are markers the parser recognises by identity. Called outside a kernel they
either compute on plain Python values (``T.ceildiv(1024, 128)``, ``T.Tensor((M, K), dtype)`` in a
parameter annotation) or raise an error saying they belong inside ``@T.prim_func``.
"""

from ..errors import TTSyntaxError


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


def dtype_name(value):
    """The canonical dtype name of a dtype given as a string, a T.<dtype> constant, a NumPy or
    torch dtype; None when value is not a dtype."""
    if isinstance(value, str):
        return {"float": "float32", "int": "int32", "half": "float16", "bf16": "bfloat16"}.get(value, value)
    name = getattr(value, "name", None) or str(value).replace("torch.", "")
    return name if name in DTYPES else None


class TensorSpec:
    """``T.Tensor(shape, dtype)`` / ``T.Buffer(shape, dtype)``: a kernel parameter's type."""

    def __init__(self, shape, dtype="float32"):
        if isinstance(shape, int):
            shape = (shape,)
        self.shape = tuple(shape)
        self.dtype = dtype

    def __repr__(self):
        return f"T.Tensor({self.shape}, {self.dtype!r})"


def Tensor(shape, dtype="float32"):  # noqa: N802 - TileLang's spelling
    return TensorSpec(shape, dtype)


Buffer = Tensor


def ceildiv(a, b):
    """Ceiling division; on Python ints it is computed at once (shapes, grid sizes)."""
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise ZeroDivisionError("T.ceildiv by zero")
        return -(-a // b)
    raise TTSyntaxError("T.ceildiv on kernel values can only be used inside a @T.prim_func kernel")


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


# Every kernel-only construct, by its T.<name>. The parser dispatches on these objects.
KERNEL_ONLY = {
    name: KernelOnly(name)
    for name in [
        "Kernel", "alloc_shared", "alloc_fragment", "alloc_local", "clear", "fill", "copy", "gemm",
        "Pipelined", "serial", "unroll", "Parallel", "min", "max", "exp", "exp2", "log", "sqrt",
        "rsqrt", "abs", "if_then_else", "cast", "Cast", "reduce_sum", "reduce_max", "use_swizzle",
        "infinity", "func_attr",
    ]
}
