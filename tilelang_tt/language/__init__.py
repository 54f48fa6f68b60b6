"""TileLang's kernel language for Tenstorrent: ``import tilelang_tt.language as T``.

A kernel is a Python function decorated with :func:`prim_func`; its body is parsed from source
into the tilelang-tt IR (see docs/language.md for the supported surface).
"""

import sys as _sys

from . import builtins as _builtins
from .builtins import DTYPES as _DTYPES
from .builtins import KERNEL_ONLY as _KERNEL_ONLY
from .builtins import (Buffer, FragmentBuffer, GemmWarpPolicy, LocalBuffer, SharedBuffer, Tensor, ceildiv, dtype, dynamic,
                       macro, symbolic)
from .parser import parse_prim_func


def prim_func(func):
    """Parses a TileLang kernel into an ``ir.PrimFunc`` (at decoration time, like TileLang)."""
    return parse_prim_func(func)


def __getattr__(name):
    """``T.<unknown>``: an UnknownNameError (a TTSyntaxError and an AttributeError) located at the
    user's line that accessed it, naming the supported names. Private and dunder names stay plain
    AttributeErrors, as Python's import and introspection machinery expects."""
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    raise _builtins.unknown_name_error(name, _sys._getframe(1))


globals().update(_DTYPES)
globals().update(_KERNEL_ONLY)

__all__ = _builtins.public_names()
