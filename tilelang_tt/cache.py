"""On-disk cache of compiled artifacts, keyed by a content hash.

A compiled kernel is a directory of files (kernels, host program, plan). Its key hashes everything
that decides the output: the kernel's IR (JSON), the compile options and the compiler itself
(its version and the bytes of the compiled extension).
The directory is published atomically: files are written into a private temporary directory next
to the cache entry and renamed into place in one step, so a concurrent process sees either no
entry or a complete one, never half a file.

Location: ``$TILELANG_TT_CACHE_DIR``, else ``$XDG_CACHE_HOME/tilelang_tt``, else
``~/.cache/tilelang_tt``. ``TILELANG_TT_DISABLE_CACHE=1`` compiles into a fresh temporary
directory every time.
"""

import functools
import hashlib
import json
import os
import shutil
import tempfile

from . import __version__


def cache_root():
    root = os.environ.get("TILELANG_TT_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "tilelang_tt")
    return root


def cache_enabled():
    return os.environ.get("TILELANG_TT_DISABLE_CACHE", "").lower() not in ("1", "true", "yes", "on")


@functools.lru_cache(maxsize=None)
def compiler_fingerprint():
    """A hash of the compiler binary itself, so a rebuilt compiler never reuses stale entries."""
    from . import _core

    h = hashlib.sha256(__version__.encode())
    with open(_core.__file__, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def content_key(ir_json, options):
    """A stable hash of what decides the compiled output."""
    h = hashlib.sha256()
    h.update(compiler_fingerprint().encode())
    h.update(b"\0")
    h.update(ir_json.encode())
    h.update(b"\0")
    h.update(json.dumps(options, sort_keys=True).encode())
    return h.hexdigest()[:32]


def lookup(key):
    """The directory of a complete cache entry, or None."""
    if not cache_enabled():
        return None
    path = os.path.join(cache_root(), key)
    return path if os.path.isfile(os.path.join(path, ".complete")) else None


def publish(key, files):
    """Writes files ({relative name: text}) as the entry for key and returns its directory.

    With the cache disabled the files go to a new temporary directory instead.
    """
    if not cache_enabled():
        out = tempfile.mkdtemp(prefix="tilelang_tt_")
        _write_all(out, files)
        return out
    root = cache_root()
    os.makedirs(root, exist_ok=True)
    final = os.path.join(root, key)
    staging = tempfile.mkdtemp(prefix=f".{key}.", dir=root)
    try:
        _write_all(staging, files)
        with open(os.path.join(staging, ".complete"), "w") as fh:
            fh.write(key)
        try:
            os.rename(staging, final)
        except OSError:
            # Another process published the same key first; its entry has identical content.
            if not os.path.isfile(os.path.join(final, ".complete")):
                raise
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging, ignore_errors=True)
    return final


def _write_all(directory, files):
    for name, text in sorted(files.items()):
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
