"""The exception hierarchy of tilelang-tt.

Every error the package raises derives from :class:`TileLangTTError`. Errors that point into kernel
source carry ``file``, ``line`` and ``col`` attributes (``None`` when unknown) and their message
starts with ``file:line:col`` followed by the offending line and a caret.
"""


class TileLangTTError(Exception):
    """Root of every tilelang-tt error."""

    def __init__(self, message="", *, file=None, line=None, col=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.col = col


class TTSyntaxError(TileLangTTError):
    """The kernel source uses a construct that is not TileLang, or not one supported here."""


class UnknownNameError(TTSyntaxError, AttributeError):
    """``T.<name>`` names nothing in ``tilelang_tt.language``, inside a kernel or in plain Python.

    It is also an ``AttributeError``, so ``hasattr(T, name)`` and ``getattr(T, name, default)``
    keep their Python meaning; ``except TTSyntaxError`` catches it like any other syntax error.
    """


class ValidationError(TileLangTTError, ValueError):
    """Well-formed input that breaks a rule: shapes, dtypes, options, L1 budget, ..."""


class SimulationError(TileLangTTError):
    """A TT-Metalium program misbehaved on the simulator (CB protocol, deadlock, bounds, ...)."""


class InternalError(TileLangTTError):
    """A bug in tilelang-tt itself; please report it with the kernel that triggered it."""


__all__ = ["TileLangTTError", "TTSyntaxError", "UnknownNameError", "ValidationError", "SimulationError", "InternalError"]
