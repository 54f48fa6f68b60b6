"""Errors of the release check: the release cannot be had, or generated code does not match it."""

from ..errors import TileLangTTError


class ReleaseCheckError(TileLangTTError):
    """Root of the release check's errors."""


class ReleaseUnavailableError(ReleaseCheckError):
    """The release (or the sfpi headers it pins) could not be obtained, so nothing was checked."""


class ReleaseMismatchError(ReleaseCheckError):
    """Generated code does not compile or link against the release. ``failures`` lists one text per
    failed kernel compile or unresolved host call, each naming the file and the problem."""

    def __init__(self, message, failures):
        super().__init__(message)
        self.failures = list(failures)
