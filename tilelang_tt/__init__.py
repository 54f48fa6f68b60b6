"""tilelang-tt: compile TileLang kernels to TT-Metalium programs for Tenstorrent accelerators.

The compiler core is C++ (the private extension ``tilelang_tt._core``); this package is the door:
the TileLang frontend (:mod:`tilelang_tt.language`), the IR (:mod:`tilelang_tt.ir`) and errors
(:mod:`tilelang_tt.errors`).
"""

__version__ = "0.1.0"

from . import errors, ir  # noqa: E402 (the version is read by the cache during import)
from .errors import InternalError, SimulationError, TileLangTTError, TTSyntaxError, ValidationError
from .jit import JITKernel, compile, jit
from .autotune import autotune  # noqa: E402 (after jit, which it decorates)

__all__ = [
    "jit",
    "autotune",
    "compile",
    "JITKernel",
    "errors",
    "ir",
    "TileLangTTError",
    "TTSyntaxError",
    "ValidationError",
    "SimulationError",
    "InternalError",
]
