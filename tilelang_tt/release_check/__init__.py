"""Checks generated programs against the real TT-Metalium release they target (v0.67.4).

Kernels are compiled with the host g++ against the release's device headers, the way its JIT
builds them (:mod:`.kernels`, :mod:`.jit`); the host program's calls are looked up in the
release's ``libtt_metal.so`` (:mod:`.host`). The release comes from PyPI and is cached
(:mod:`.release`). ``python -m tilelang_tt.release_check DIR...`` checks artifacts directories.
"""

from .errors import ReleaseCheckError, ReleaseMismatchError, ReleaseUnavailableError
from .host import check_host_programs
from .kernels import check_kernels
from .release import RELEASE_VERSION, release_root

__all__ = ["check_kernels", "check_host_programs", "release_root", "RELEASE_VERSION", "ReleaseCheckError",
           "ReleaseMismatchError", "ReleaseUnavailableError"]
