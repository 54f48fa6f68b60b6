"""TileLang's kernel language for Tenstorrent: ``import tilelang_tt.language as T``.

A kernel is a Python function decorated with :func:`prim_func`; its body is parsed from source
into the tilelang-tt IR (see docs/language.md for the supported surface).
"""

from . import builtins as _builtins
from .builtins import DTYPES as _DTYPES
from .builtins import KERNEL_ONLY as _KERNEL_ONLY
from .builtins import Buffer, GemmWarpPolicy, Tensor, ceildiv
from .parser import parse_prim_func


def prim_func(func):
    """Parses a TileLang kernel into an ``ir.PrimFunc`` (at decoration time, like TileLang)."""
    return parse_prim_func(func)


globals().update(_DTYPES)
globals().update(_KERNEL_ONLY)
del _builtins

__all__ = ["prim_func", "Tensor", "Buffer", "GemmWarpPolicy", "ceildiv"] + sorted(_DTYPES) + sorted(_KERNEL_ONLY)
