"""The files of the targeted TT-Metalium release, fetched from PyPI and cached.

TT-Metalium v0.67.4 publishes its device headers and ``libtt_metal.so`` inside the ``ttnn``
wheel of the same version. :func:`release_root` downloads that wheel with pip (never installs
it), extracts what the checks read — ``tt_metal/`` without its pre-compiled firmware, and
``build/lib/libtt_metal.so`` — and returns the directory, laid out as tt-metal's ``TT_METAL_HOME``.

Location: ``$TILELANG_TT_RELEASE_DIR``, else ``$XDG_CACHE_HOME/tilelang_tt/release``, else
``~/.cache/tilelang_tt/release``; one subdirectory per version. The extraction is published
atomically (extracted into a private temporary directory, then renamed into place), so
concurrent runs see either no release or a complete one.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

from .errors import ReleaseUnavailableError

RELEASE_VERSION = "0.67.4"
# The wheel's files live under this package directory; TT_METAL_HOME is that directory.
_WHEEL_ROOT = "ttnn/"
# What the checks read: the device headers, firmware sources and LLK (tt_metal/), the exported
# host symbols (libtt_metal.so). The pre-compiled firmware images are the bulk and not needed.
_EXTRACTED_PREFIXES = ("tt_metal/", "build/lib/libtt_metal.so")
_SKIPPED_PREFIXES = ("tt_metal/pre-compiled/",)


def release_cache_dir():
    """The directory holding one extracted release per version."""
    root = os.environ.get("TILELANG_TT_RELEASE_DIR")
    if root:
        return root
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tilelang_tt", "release")


def release_root(version=RELEASE_VERSION):
    """TT_METAL_HOME of the release: ``tt_metal/...`` and ``build/lib/libtt_metal.so`` below it.
    Downloads and extracts the ttnn wheel on first use; raises ReleaseUnavailableError if that
    fails."""
    cache = release_cache_dir()
    root = os.path.join(cache, f"ttnn-{version}")
    if os.path.isdir(root):
        return root
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".ttnn-{version}-", dir=cache) as scratch:
        wheel = _download_wheel(version, os.path.join(scratch, "wheel"))
        staged = os.path.join(scratch, "root")
        _extract(wheel, staged)
        try:
            os.rename(staged, root)
        except OSError:
            if not os.path.isdir(root):  # not a concurrent run that published it first
                raise
    return root


def _download_wheel(version, directory):
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.10", f"ttnn=={version}", "-d", directory, "--disable-pip-version-check"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReleaseUnavailableError(f"could not run `{' '.join(command)}`: {e}") from e
    wheels = [f for f in os.listdir(directory) if f.endswith(".whl")] if os.path.isdir(directory) else []
    if done.returncode != 0 or len(wheels) != 1:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise ReleaseUnavailableError(
            f"downloading the TT-Metalium v{version} release (the ttnn=={version} wheel from PyPI) failed: "
            f"`{' '.join(command)}` exited with status {done.returncode}\n{tail}")
    return os.path.join(directory, wheels[0])


def _extract(wheel, destination):
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.infolist():
            if not member.filename.startswith(_WHEEL_ROOT) or member.is_dir():
                continue
            relative = member.filename[len(_WHEEL_ROOT):]
            if not relative.startswith(_EXTRACTED_PREFIXES) or relative.startswith(_SKIPPED_PREFIXES):
                continue
            target = os.path.join(destination, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    if not os.path.isfile(os.path.join(destination, "build", "lib", "libtt_metal.so")):
        raise ReleaseUnavailableError(f"{os.path.basename(wheel)} holds no build/lib/libtt_metal.so")
