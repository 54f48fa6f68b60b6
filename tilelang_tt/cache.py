"""On-disk cache of compiled artifacts, keyed by a content hash.

A compiled kernel is a directory of files (kernels, host program, plan). Its key hashes everything
that decides the output: the kernel's IR (JSON), the compile options and the compiler itself
(its version and the bytes of the compiled extension).

Publication is atomic: files are written into a private staging directory next to the entry,
with a ``.complete`` manifest recording the SHA-256 of every file, and the directory is renamed
into place in one step, so a concurrent process sees either no entry or a complete one. A lookup
trusts an entry only when every file matches its manifest; a damaged entry (a truncated, garbled
or deleted file, a missing manifest) is a miss, and the next publication replaces it. Replacing
happens under a lock so that a valid entry another process is using is never removed.
Staging and discarded directories left by killed processes are removed by later publications.

Location: ``$TILELANG_TT_CACHE_DIR``, else ``$XDG_CACHE_HOME/tilelang_tt``, else
``~/.cache/tilelang_tt``. ``TILELANG_TT_DISABLE_CACHE=1`` compiles into a fresh temporary
directory every time (see :func:`write_temporary`).
"""

import fcntl
import functools
import hashlib
import json
import os
import shutil
import tempfile

from . import __version__
from .errors import ValidationError

MANIFEST = ".complete"
# Names of private directories in the cache root: ".<purpose>.<key>.<pid>.<random>".
_STAGING, _DISCARDED = "staging", "discarded"


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
    """The directory of a complete, undamaged cache entry, or None."""
    if not cache_enabled():
        return None
    path = os.path.join(cache_root(), key)
    return path if _is_valid_entry(path, key) else None


def publish(key, files):
    """Writes files ({relative name: text}) as the entry for key and returns its directory.

    When another process published the key first, its (valid) entry is returned instead; a
    damaged entry in the way is replaced.
    """
    root = _ensure_root()
    _remove_debris_of_dead_processes(root)
    final = os.path.join(root, key)
    try:
        staging = tempfile.mkdtemp(prefix=f".{_STAGING}.{key}.{os.getpid()}.", dir=root)
    except OSError as err:
        raise _unusable_root(root, f"cannot be written ({err.strerror})") from None
    try:
        _write_all(staging, files)
        _write_manifest(staging, key, files)
        if _rename_into_place(staging, final) or _is_valid_entry(final, key):
            return final  # published, or another process published the same key first (same content)
        with _replacement_lock(root):
            # Publishers outside the lock may still rename a (valid) entry into the gap.
            while not _is_valid_entry(final, key):
                _discard(root, key, final)
                if _rename_into_place(staging, final):
                    break
        return final
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging, ignore_errors=True)


def write_temporary(files):
    """Writes files into a new temporary directory (the cache is disabled) and returns it; the
    caller owns the directory and removes it when done."""
    out = tempfile.mkdtemp(prefix="tilelang_tt_")
    try:
        _write_all(out, files)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return out


def _ensure_root():
    root = cache_root()
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as err:
        raise _unusable_root(root, f"cannot be created ({err.strerror})") from None
    if not os.path.isdir(root):
        raise _unusable_root(root, "is not a directory")
    return root


def _unusable_root(root, problem):
    return ValidationError(f"the artifact cache directory {root} {problem}; set TILELANG_TT_CACHE_DIR to a "
                           "writable directory or TILELANG_TT_DISABLE_CACHE=1")


def _file_digest(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _write_manifest(directory, key, files):
    digests = {name: _file_digest(os.path.join(directory, name)) for name in files}
    with open(os.path.join(directory, MANIFEST), "w") as fh:
        json.dump({"key": key, "files": digests}, fh, sort_keys=True)


def _is_valid_entry(path, key):
    """Every file of the manifest is present with its recorded content."""
    try:
        with open(os.path.join(path, MANIFEST)) as fh:
            manifest = json.load(fh)
        digests = manifest["files"]
        if manifest["key"] != key or not isinstance(digests, dict) or not digests:
            return False
        return all(_file_digest(os.path.join(path, name)) == digest for name, digest in digests.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _rename_into_place(staging, final):
    """True when staging became final; False when something (an entry, valid or not) is there."""
    try:
        os.rename(staging, final)
        return True
    except OSError:
        if os.path.lexists(final):
            return False
        raise


class _replacement_lock:
    """An exclusive lock on the cache while a damaged entry is replaced (released if the holder
    dies); rare enough that one lock for every key costs nothing."""

    def __init__(self, root):
        self.path = os.path.join(root, ".replacement.lock")

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        os.close(self.fd)


def _discard(root, key, path):
    """Moves a damaged entry (directory or stray file) out of the way in one step, then deletes it."""
    if not os.path.lexists(path):
        return
    discarded = os.path.join(root, f".{_DISCARDED}.{key}.{os.getpid()}.{os.urandom(4).hex()}")
    os.rename(path, discarded)
    _remove(discarded)


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


def _remove_debris_of_dead_processes(root):
    """Deletes staging and discarded directories whose owning process no longer exists."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        parts = name.split(".")
        if len(parts) != 5 or parts[0] or parts[1] not in (_STAGING, _DISCARDED) or not parts[3].isdigit():
            continue
        if not _process_alive(int(parts[3])):
            _remove(os.path.join(root, name))


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_all(directory, files):
    for name, text in sorted(files.items()):
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
