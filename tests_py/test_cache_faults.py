"""Faults in the artifact cache: damaged entries, concurrent compiles and compiles killed at random
points always end in the correct artifacts and a correct result."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import tilelang_tt
from tilelang_tt import codegen, ir

from reference_kernels import matmul

ARTIFACTS = ["reader.cpp", "compute.cpp", "writer.cpp", "main.cpp", "CMakeLists.txt", "tt.plan.json"]
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
LOOP_SIZES = [32 * k for k in range(1, 9)]

# A child process compiling into $TILELANG_TT_CACHE_DIR: "once" the test kernel, printing its entry;
# "loop" eight sizes of it over and over, with IR dumps (into argv[2]) so that every compile runs
# the pipeline and publishes, until it is killed: a kill lands anywhere in code generation,
# publication (into an empty slot or racing other processes) or cleanup.
CHILD = f"""
import itertools, sys
sys.path.insert(0, {TESTS_DIR!r})
import tilelang_tt
from reference_kernels import matmul
if sys.argv[1] == "once":
    print(tilelang_tt.compile(matmul(64, 64, 64, 32, 32, 32), out_idx=[-1]).artifacts_dir, flush=True)
    sys.exit()
funcs = [matmul(m, 64, 64, 32, 32, 32) for m in {LOOP_SIZES!r}]
print("ready", flush=True)
for func in itertools.cycle(funcs):
    tilelang_tt.compile(func, out_idx=[-1], dump_dir=sys.argv[2])
"""


def kernel_func():
    return matmul(64, 64, 64, 32, 32, 32)


@pytest.fixture(scope="module")
def reference():
    """The artifacts as an uncached compile produces them."""
    return codegen.generate(ir.IRModule([kernel_func()]), target_device="wormhole")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_TT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TILELANG_TT_DISABLE_CACHE", raising=False)
    return tmp_path / "cache"


def artifacts_of(directory):
    return {name: open(os.path.join(directory, name)).read() for name in ARTIFACTS}


def assert_computes_matmul(kernel):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((64, 64)).astype(np.float16)
    b = rng.standard_normal((64, 64)).astype(np.float16)
    np.testing.assert_allclose(kernel(a, b).astype(np.float32), a.astype(np.float32) @ b.astype(np.float32),
                               rtol=1e-2, atol=0.1)


def debris(root):
    """Private staging / discarded directories left in the cache root."""
    return [n for n in os.listdir(root) if n.startswith((".staging.", ".discarded."))]


def truncate(path):
    with open(path, "r+b") as fh:
        fh.truncate(os.path.getsize(path) // 2)


def garble(path):
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0x55
    open(path, "wb").write(bytes(data))


def empty(path):
    open(path, "wb").close()


def delete(path):
    os.remove(path)


@pytest.mark.parametrize("damage", [truncate, garble, empty, delete])
@pytest.mark.parametrize("name", ARTIFACTS + [".complete"])
def test_damaged_entry_is_rebuilt(damage, name, reference):
    entry = tilelang_tt.compile(kernel_func(), out_idx=[-1]).artifacts_dir
    damage(os.path.join(entry, name))
    kernel = tilelang_tt.compile(kernel_func(), out_idx=[-1])
    assert kernel.artifacts_dir == entry
    assert artifacts_of(entry) == reference
    assert tilelang_tt.cache.lookup(os.path.basename(entry)) == entry


@pytest.mark.parametrize("replace", ["regular file", "empty directory", "foreign manifest"])
def test_entry_replaced_by_something_else_is_rebuilt(replace, reference, private_cache):
    entry = tilelang_tt.compile(kernel_func(), out_idx=[-1]).artifacts_dir
    if replace == "foreign manifest":
        shutil.copy(os.path.join(entry, "compute.cpp"), os.path.join(entry, ".complete"))
    else:
        shutil.rmtree(entry)
        if replace == "regular file":
            open(entry, "w").write("not a directory")
        else:
            os.mkdir(entry)
    kernel = tilelang_tt.compile(kernel_func(), out_idx=[-1])
    assert artifacts_of(kernel.artifacts_dir) == reference
    assert debris(private_cache) == []
    if replace == "regular file":
        assert_computes_matmul(kernel)


def start_children(count, mode, dump_dir=""):
    return [subprocess.Popen([sys.executable, "-c", CHILD, mode, dump_dir], stdout=subprocess.PIPE, text=True)
            for _ in range(count)]


@pytest.mark.parametrize("start, processes", [("empty cache", 16), ("damaged entry", 8)])
def test_processes_compiling_the_same_kernel_at_once(start, processes, reference, private_cache):
    """Every process gets the correct artifacts, in one entry, with nothing left over; racing
    to replace a damaged entry too."""
    if start == "damaged entry":
        entry = tilelang_tt.compile(kernel_func(), out_idx=[-1]).artifacts_dir
        os.remove(os.path.join(entry, ".complete"))
    children = start_children(processes, "once")
    dirs = set()
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        dirs.add(out.split()[-1])
    assert len(dirs) == 1
    assert artifacts_of(dirs.pop()) == reference
    assert debris(private_cache) == []


def test_compiles_killed_at_random_points(tmp_path, private_cache):
    """Processes killed anywhere in a compile leave nothing that breaks a later compile, and the
    next publication removes their staging directories."""
    rng = random.Random(7)
    children = start_children(6, "loop", str(tmp_path / "dumps"))
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    time.sleep(0.2)  # the loops are compiling and publishing now
    for child in children:
        time.sleep(rng.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
    for child in children:
        child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL  # killed while still compiling, not failed before
        child.stdout.close()
    for m in LOOP_SIZES:
        func = matmul(m, 64, 64, 32, 32, 32)
        expected = codegen.generate(ir.IRModule([func]), target_device="wormhole")
        assert artifacts_of(tilelang_tt.compile(func, out_idx=[-1]).artifacts_dir) == expected
    tilelang_tt.compile(kernel_func(), out_idx=[-1], dump_dir=tmp_path / "dumps")  # publishes: sweeps debris
    assert debris(private_cache) == []
    assert_computes_matmul(tilelang_tt.compile(kernel_func(), out_idx=[-1]))
