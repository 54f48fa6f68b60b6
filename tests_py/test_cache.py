"""The artifact cache: content keys, atomic publication, the override and the off switch."""

import os
import shutil
import subprocess
import threading

import pytest

from tilelang_tt import cache
from tilelang_tt.errors import ValidationError


def test_key_depends_on_ir_and_options():
    """Different IR or options give different keys; the same inputs give the same key."""
    a = cache.content_key('{"f": 1}', {"device": "wormhole"})
    assert a == cache.content_key('{"f": 1}', {"device": "wormhole"})
    assert a != cache.content_key('{"f": 2}', {"device": "wormhole"})
    assert a != cache.content_key('{"f": 1}', {"device": "blackhole"})


def test_publish_then_lookup(tmp_path, monkeypatch):
    """A published entry is found under TILELANG_TT_CACHE_DIR with every file complete."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TILELANG_TT_DISABLE_CACHE", raising=False)
    assert cache.lookup("k1") is None
    path = cache.publish("k1", {"a.cpp": "int x;", "sub/b.json": "{}"})
    assert path == str(tmp_path / "k1")
    assert cache.lookup("k1") == path
    assert open(os.path.join(path, "sub", "b.json")).read() == "{}"


def test_concurrent_publishers_leave_one_complete_entry(tmp_path, monkeypatch):
    """Racing writers of the same key never leave a partial entry or staging debris."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    files = {f"f{i}.txt": "x" * 10000 for i in range(20)}
    threads = [threading.Thread(target=cache.publish, args=("same", files)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(os.listdir(tmp_path)) == ["same"]
    assert all(open(tmp_path / "same" / n).read() == v for n, v in files.items())


def test_temporary_entries_are_fresh_directories(tmp_path, monkeypatch):
    """With the cache disabled, artifacts go to a new temporary directory each time."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TILELANG_TT_DISABLE_CACHE", "1")
    p1 = cache.write_temporary({"a": "1"})
    p2 = cache.write_temporary({"a": "1"})
    try:
        assert p1 != p2 and cache.lookup("k") is None
        assert not os.listdir(tmp_path)
    finally:
        shutil.rmtree(p1)
        shutil.rmtree(p2)


def test_publish_sweeps_debris_of_dead_processes(tmp_path, monkeypatch):
    """Staging and discarded directories of processes that died are removed; a live one's stay."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TILELANG_TT_DISABLE_CACHE", raising=False)
    child = subprocess.Popen(["true"])
    child.wait()
    dead = child.pid
    for name in (f".staging.k.{dead}.abc", f".discarded.k.{dead}.def", f".staging.k.{os.getpid()}.ghi"):
        os.makedirs(tmp_path / name / "sub")
    cache.publish("k2", {"a": "1"})
    assert sorted(os.listdir(tmp_path)) == [f".staging.k.{os.getpid()}.ghi", "k2"]


def test_unwritable_cache_directory_is_a_validation_error(tmp_path, monkeypatch):
    """A cache location that cannot take a new entry is named, with what to do instead."""
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TILELANG_TT_DISABLE_CACHE", raising=False)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache.tempfile, "mkdtemp", refuse)
    with pytest.raises(ValidationError, match="cannot be written .Permission denied.; set TILELANG_TT_CACHE_DIR"):
        cache.publish("k", {"a": "1"})
