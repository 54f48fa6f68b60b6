import os
import sys

import pytest

# The shared kernels (reference_kernels.py) live next to the tests.
sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(scope="session")
def tt_release():
    """The TT-Metalium release that tilelang_tt.release_check compiles against, fetched once. A
    test that needs it fails when it cannot be had: the real-header check never skips."""
    from tilelang_tt.release_check import ReleaseUnavailableError, release_root

    try:
        return release_root()
    except ReleaseUnavailableError as e:
        pytest.fail(f"the TT-Metalium release could not be obtained, so nothing was checked:\n{e}")
