"""The simulator survives faulty kernels and a damaged or contended kernel cache.

Kernels that crash, end the process or never yield become located SimulationErrors (they run in a
child process with a watchdog); the kernel cache is published atomically and validated, so
concurrent compiles, compiles killed at random points and truncated, garbled or deleted files always
end in a correct result.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tilelang_tt.sim as sim
from tilelang_tt.errors import SimulationError, ValidationError

from test_sim_plan import KERNELS, _bf16, eltwise_plan

SHAPE = (64, 96)

WRITER = (KERNELS / "write_tiles.cpp").read_text()
FAULT_AT = "    for (uint32_t t = first;"


def _kernel_dir(path: Path, writer: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name in ("read_two.cpp", "eltwise_binary.cpp"):
        (path / name).write_text((KERNELS / name).read_text())
    (path / "write_tiles.cpp").write_text(writer)
    return path


def _faulty_writer(statement: str) -> str:
    """The test writer with `statement` (marked "fault here") before its loop."""
    return "#include <cstdlib>\n" + WRITER.replace(FAULT_AT, f"    {statement}  // fault here\n{FAULT_AT}", 1)


def _marker_line(source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if "fault here" in line)


def _run_add(kernel_dir: Path):
    rng = np.random.default_rng(4)
    a, b = _bf16(rng, SHAPE), _bf16(rng, SHAPE)
    result = sim.run_plan(eltwise_plan("add_tiles", cores=1), kernel_dir, {"A": a, "B": b})
    return a, b, result["C"]


FAULTS = [
    ("null_pointer", "*(volatile uint32_t *)nullptr = 1;", "invalid memory access at address 0x0", True),
    ("division_by_zero", "volatile uint32_t zero = 0; volatile uint32_t q = count / zero;", "integer division by zero", True),
    ("abort", "abort();", "the kernel aborted", True),
    ("exit", "exit(3);", "exit(3)", True),
    ("stack_overflow", "struct Deep { static uint32_t go(uint32_t n) { volatile char pad[4096]; pad[0] = char(n); "
     "return n ? go(n - 1) + pad[0] : 0; } }; volatile uint32_t depth = Deep::go(1u << 20);", "stack overflow", True),
    ("endless_loop", "for (;;) {}", "watchdog", False),
    ("l1_busy_wait", "while (*(volatile uint32_t *)get_read_ptr(cb_out) != 0xdeadbeefu) {}", "watchdog", True),
    ("non_blocking_call_loop", "for (;;) noc_async_writes_flushed();", "watchdog", True),
]


@pytest.mark.parametrize("name,statement,phrase,exact_line", FAULTS, ids=[f[0] for f in FAULTS])
def test_kernel_fault_is_a_located_simulation_error(tmp_path, monkeypatch, name, statement, phrase, exact_line):
    monkeypatch.setenv("TT_SIM_WATCHDOG_SECONDS", "1")
    writer = _faulty_writer(statement)
    with pytest.raises(SimulationError) as info:
        _run_add(_kernel_dir(tmp_path, writer))
    message = str(info.value)
    assert "core (0,0), writer kernel write_tiles.cpp" in message and phrase in message, message
    assert info.value.file.endswith("write_tiles.cpp"), message
    if exact_line:  # an empty endless loop has no instruction of its own line to stop at
        assert info.value.line == _marker_line(writer), message
    # The host process is intact: the next run computes the right answer.
    a, b, c = _run_add(KERNELS)
    np.testing.assert_array_equal(c, (a.astype(np.float32) + b.astype(np.float32)).astype(a.dtype))


def test_a_poll_that_can_never_succeed_is_a_deadlock(tmp_path):
    """Without a reader nothing reaches the writer's CB: its poll loop yields forever, which is a
    deadlock, not a hang."""
    writer = WRITER.replace("        cb_wait_front(cb_out, 1);",
                            "        while (!cb_pages_available_at_front(cb_out, 1)) {}  // fault here\n"
                            "        cb_wait_front(cb_out, 1);", 1)
    plan = eltwise_plan("add_tiles", cores=1)
    plan["kernels"] = [k for k in plan["kernels"] if k["role"] != "reader"]
    rng = np.random.default_rng(5)
    with pytest.raises(SimulationError, match="deadlock") as info:
        sim.run_plan(plan, _kernel_dir(tmp_path, writer), {"A": _bf16(rng, SHAPE), "B": _bf16(rng, SHAPE)})
    line = _marker_line(writer)
    assert f"writer kernel write_tiles.cpp: waits in cb_pages_available_at_front at {tmp_path}/write_tiles.cpp:{line}" in str(info.value)


def test_exception_thrown_by_a_kernel_names_core_and_kernel(tmp_path):
    writer = "#include <stdexcept>\n" + WRITER.replace(FAULT_AT, '    throw std::runtime_error("boom");\n' + FAULT_AT, 1)
    with pytest.raises(SimulationError, match=r"core \(0,0\), writer kernel write_tiles.cpp: the kernel threw an exception: boom"):
        _run_add(_kernel_dir(tmp_path, writer))


@pytest.mark.parametrize("source", [
    WRITER.replace("void kernel_main()", "void kernel_mian()"),
    "",
    WRITER[: len(WRITER) // 2],
    "void kernel_main();\n",
], ids=["misspelt", "empty", "truncated", "declared_only"])
def test_kernel_without_kernel_main_fails_to_compile(tmp_path, source):
    with pytest.raises(ValidationError, match="writer kernel write_tiles.cpp failed to compile"):
        _run_add(_kernel_dir(tmp_path, source))


def test_watchdog_setting_is_validated(tmp_path, monkeypatch):
    monkeypatch.setenv("TT_SIM_WATCHDOG_SECONDS", "soon")
    with pytest.raises(ValidationError, match="TT_SIM_WATCHDOG_SECONDS"):
        _run_add(_kernel_dir(tmp_path, WRITER))


# --- the kernel cache under faults -------------------------------------------------------------

# Children import only what a run needs (a few hundred milliseconds), so 16 of them stay quick.
CHILD = """
import json, sys
import ml_dtypes, numpy as np
import tilelang_tt.sim as sim
plan, kernels, io = json.loads(sys.argv[1]), sys.argv[2], np.load(sys.argv[3])
inputs = {name: io[name].view(ml_dtypes.bfloat16) for name in ("A", "B")}
c = sim.run_plan(plan, kernels, inputs)["C"]
sys.exit(0 if np.array_equal(c.view(np.uint16), io["C"]) else 3)
"""


@pytest.fixture(scope="module")
def add_io(tmp_path_factory):
    """Inputs and the exact expected output of the test program, as raw bf16 bits in one file."""
    rng = np.random.default_rng(4)
    a, b = _bf16(rng, SHAPE), _bf16(rng, SHAPE)
    c = (a.astype(np.float32) + b.astype(np.float32)).astype(a.dtype)
    path = tmp_path_factory.mktemp("io") / "add.npz"
    np.savez(path, A=a.view(np.uint16), B=b.view(np.uint16), C=c.view(np.uint16))
    return path


def _child(kernel_dir: Path, cache: Path, io: Path) -> subprocess.Popen:
    env = dict(os.environ, TT_SIM_CACHE_DIR=str(cache))
    args = [json.dumps(eltwise_plan("add_tiles", cores=1)), str(kernel_dir), str(io)]
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _unique_writer(tmp_path: Path) -> Path:
    """A writer no cache has seen (a comment changes its hash), so the children must compile it."""
    return _kernel_dir(tmp_path / "kernels", f"// variant {random.getrandbits(64)}\n" + WRITER)


def _entries(cache: Path):
    return [p for p in cache.iterdir() if p.is_dir() and "." not in p.name]


@pytest.fixture(scope="module")
def primed_cache(tmp_path_factory, add_io):
    """A cache holding the reader, compute and writer kernels, compiled once for the tests below."""
    root = tmp_path_factory.mktemp("primed")
    cache = root / "cache"
    assert _child(_kernel_dir(root / "kernels", WRITER), cache, add_io).wait(timeout=120) == 0
    return cache


def _copy_of(primed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(primed, tmp_path / "cache"))


def test_sixteen_processes_compiling_the_same_kernel(tmp_path, primed_cache, add_io):
    kernels = _unique_writer(tmp_path)
    cache = _copy_of(primed_cache, tmp_path)
    children = [_child(kernels, cache, add_io) for _ in range(16)]
    outputs = [(c.wait(timeout=240), c.stdout.read()) for c in children]
    assert [rc for rc, _ in outputs] == [0] * 16, "\n".join(out for _, out in outputs)
    assert not [p for p in cache.iterdir() if ".build." in p.name or ".stale." in p.name]


def test_compiles_killed_at_random_points_leave_a_usable_cache(tmp_path, primed_cache, add_io):
    kernels = _unique_writer(tmp_path)
    cache = _copy_of(primed_cache, tmp_path)
    rng = random.Random(7)
    for _ in range(4):
        child = _child(kernels, cache, add_io)
        time.sleep(rng.uniform(0.5, 1.5))  # after the import, somewhere inside the writer's compile
        child.send_signal(signal.SIGKILL)
        child.wait()
    child = _child(kernels, cache, add_io)
    assert child.wait(timeout=120) == 0, child.stdout.read()


FAILING_COMPILE_CHILD = """
import json, sys
from pathlib import Path
import tilelang_tt.sim as sim
from tilelang_tt.errors import ValidationError
plan, kernels, cache = json.loads(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
try:
    sim.run_plan(plan, kernels, {})
    sys.exit("the broken kernel compiled")
except ValidationError:
    pass
compilers = [pid for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()]
debris = [p.name for p in cache.iterdir() if ".build." in p.name or "tmp" in p.name]
sys.exit(f"compilers left: {compilers}, debris: {debris}" if compilers or debris else 0)
"""


def test_a_failing_compile_stops_its_siblings_and_leaves_no_debris(tmp_path):
    """The writer fails to compile at once while the reader and compute (new variants) are still
    compiling: their compilers are stopped and reaped, and their build directories removed."""
    variant = f"// variant {random.getrandbits(64)}\n"
    kernels = _kernel_dir(tmp_path / "kernels", "this is not C++\n")
    for name in ("read_two.cpp", "eltwise_binary.cpp"):
        (kernels / name).write_text(variant + (KERNELS / name).read_text())
    plan = eltwise_plan("add_tiles", cores=1)
    plan["kernels"] = plan["kernels"][::-1]  # the writer's compile starts first and fails first
    cache = tmp_path / "cache"
    env = dict(os.environ, TT_SIM_CACHE_DIR=str(cache))
    child = subprocess.run([sys.executable, "-c", FAILING_COMPILE_CHILD, json.dumps(plan), str(kernels), str(cache)],
                           env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stdout + child.stderr


DAMAGES = ["truncate_so", "garble_so", "delete_so", "delete_checksum", "garble_checksum", "delete_entry", "empty_entry"]


def _damage(entry: Path, how: str):
    so, checksum = entry / "kernel.so", entry / "kernel.so.sum"
    if how == "truncate_so":
        so.write_bytes(so.read_bytes()[: so.stat().st_size // 3])
    elif how == "garble_so":
        data = bytearray(so.read_bytes())
        data[len(data) // 2: len(data) // 2 + 64] = os.urandom(64)
        so.write_bytes(bytes(data))
    elif how == "delete_so":
        so.unlink()
    elif how == "delete_checksum":
        checksum.unlink()
    elif how == "garble_checksum":
        checksum.write_text("garbage")
    else:
        shutil.rmtree(entry)
        if how == "empty_entry":
            entry.mkdir()


def test_damaged_cache_entries_are_rebuilt(tmp_path, primed_cache, add_io):
    """Each damage applied to the writer's entry in its own copy of a primed cache; a new process
    must still compute the right answer from each copy."""
    kernels = _kernel_dir(tmp_path / "kernels", WRITER)
    children = {}
    for how in DAMAGES:
        cache = Path(shutil.copytree(primed_cache, tmp_path / how))
        writer_entries = [e for e in _entries(cache) if "write_tiles.cpp" in (e / "wrapper.cpp").read_text()]
        assert len(writer_entries) == 1
        _damage(writer_entries[0], how)
        children[how] = _child(kernels, cache, add_io)
    failed = {how: c.stdout.read() for how, c in children.items() if c.wait(timeout=240) != 0}
    assert not failed, failed
