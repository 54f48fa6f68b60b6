"""Run TT-Metalium programs on the CPU with tilelang-tt's functional simulator.

Two ways in:

* :func:`run_plan` — kernel sources plus a runtime plan (the dict the compiler writes as
  ``tt.plan.json``; its format is in ``docs/simulator.md``) with NumPy inputs. Returns the
  output buffers as NumPy arrays and the run's statistics.
* :func:`run_host_program` — a TT-Metalium host program (``main.cpp``) and its kernels, compiled
  against the simulated headers and run as a subprocess.

The simulated device is chosen by name (:func:`device_spec` lists the table); kernels are
JIT-compiled with the host C++ compiler and cached under ``TT_SIM_CACHE_DIR``
(default ``~/.cache/tilelang_tt/kernels``).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from .. import _core
from ..errors import SimulationError, ValidationError

INCLUDE_DIR = Path(__file__).resolve().parent / "include"
"""The simulated TT-Metalium headers (same include paths as the targeted release)."""

_DTYPES = {
    "bfloat16": ("bfloat16", 2),
    "float16": ("float16", 2),
    "float32": ("float32", 4),
    "int32": ("int32", 4),
    "uint32": ("uint32", 4),
    "bfloat8_b": ("float32", 4),  # block-float on device, float32 on the host
}


def _numpy_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


@dataclass
class SimResult:
    """Outputs of :func:`run_plan`: every plan buffer that was not an input, and statistics."""

    outputs: dict
    stats: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.outputs[name]


@dataclass
class HostRunResult:
    """Outcome of :func:`run_host_program`."""

    returncode: int
    stdout: str
    stderr: str
    stats: Optional[dict]


def device_names() -> list:
    """Every device name the simulator and the compiler accept."""
    return list(_core.target.device_names())


def device_spec(name: str) -> dict:
    """The device table entry for ``name`` (grid, L1, DRAM, clocks, DST capacity, ...)."""
    return dict(_core.target.lookup_device(name))


def _load_plan(plan: Union[Mapping[str, Any], str, os.PathLike]) -> dict:
    """The plan as a dict, from a dict, JSON text or a tt.plan.json path."""
    if isinstance(plan, Mapping):
        return dict(plan)
    text = str(plan)
    where = "the plan text" if text.lstrip().startswith("{") else text
    try:
        loaded = json.loads(text if where == "the plan text" else Path(text).read_text())
    except json.JSONDecodeError as err:
        raise ValidationError(f"invalid simulator plan: {where} is not JSON ({err})") from None
    if not isinstance(loaded, dict):
        raise ValidationError(f"invalid simulator plan: {where} must hold a JSON object, not {type(loaded).__name__}")
    return loaded


def run_plan(
    plan: Union[Mapping[str, Any], str, os.PathLike],
    kernel_dir: Union[str, os.PathLike],
    inputs: Mapping[str, np.ndarray],
    *,
    device: Optional[str] = None,
    trace: Optional[Union[str, os.PathLike]] = None,
    sizes: Optional[Mapping[str, int]] = None,
) -> SimResult:
    """Run kernel sources + a runtime plan on the simulator.

    Parameters
    ----------
    plan
        The plan dict, a JSON string, or a path to ``tt.plan.json``.
    kernel_dir
        Directory the plan's kernel ``source`` names are relative to.
    inputs
        Buffer name -> array in the buffer's logical (row-major) shape. Values are converted to the
        buffer's dtype (bfloat16 through ml_dtypes); tiled buffers are tilized in C++.
    device
        Device name overriding the plan's ``device`` (see :func:`device_names`).
    trace
        Write a Chrome trace-event file (open it in Perfetto) to this path.
    sizes
        For a plan with dynamic dimensions (``dynamic_dims``): the size of each, by name; the plan's
        formulas are evaluated at them (docs/plan.md).

    Returns
    -------
    SimResult
        ``outputs``: every buffer not passed in, and every one passed in that the program writes
        (plan ``access`` ``write`` or ``read_write``), as a NumPy array of its shape and dtype
        (bfloat8_b buffers come back as float32); ``stats``: the run's statistics (docs/simulator.md).
    """
    plan_dict = _load_plan(plan)
    if plan_dict.get("dynamic_dims") or sizes:
        plan_dict = _core.transform.specialize_plan(plan_dict, dict(sizes or {}))
    specs = {}
    for buffer in plan_dict.get("buffers", []):
        if not isinstance(buffer, Mapping) or "name" not in buffer or "shape" not in buffer:
            raise ValidationError(f"invalid simulator plan: every buffer needs a name and a shape, got {buffer!r}; "
                                  "see docs/simulator.md for the plan format")
        specs[buffer["name"]] = buffer
    packed = {}
    for name, value in inputs.items():
        if name not in specs:
            raise ValidationError(f"input {name!r} is not a buffer of the plan (buffers: {sorted(specs)})")
        spec = specs[name]
        dtype = spec.get("dtype", "bfloat16")
        if dtype not in _DTYPES:
            raise ValidationError(f"buffer {name!r}: unknown dtype {dtype!r} (valid: {sorted(_DTYPES)})")
        array = np.ascontiguousarray(np.asarray(value).astype(_numpy_dtype(_DTYPES[dtype][0])))
        shape = [int(d) for d in spec["shape"]]
        if list(array.shape) != shape:
            raise ValidationError(f"input {name!r} has shape {list(array.shape)}, the plan says {shape}")
        packed[name] = (array.tobytes(), shape)
    previous = os.environ.get("TT_SIM_TRACE")
    if trace is not None:
        os.environ["TT_SIM_TRACE"] = str(trace)
    try:
        outputs, stats_json = _core.sim.run_plan(json.dumps(plan_dict), str(Path(kernel_dir).resolve()), packed, device or "")
    finally:
        if trace is not None:
            if previous is None:
                os.environ.pop("TT_SIM_TRACE", None)
            else:
                os.environ["TT_SIM_TRACE"] = previous
    arrays = {}
    for name, (data, shape) in outputs.items():
        dtype = _DTYPES[specs[name].get("dtype", "bfloat16")][0]
        arrays[name] = np.frombuffer(data, dtype=_numpy_dtype(dtype)).reshape(shape).copy()
    return SimResult(arrays, json.loads(stats_json))


def tilize(array: np.ndarray) -> np.ndarray:
    """Row-major array (last two dims zero-padded to 32) -> flat array of 32x32 tiles in face order."""
    array = np.ascontiguousarray(array)
    data = _core.sim.tilize(array.tobytes(), list(array.shape), array.dtype.itemsize)
    return np.frombuffer(data, dtype=array.dtype).copy()


def untilize(tiles: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Inverse of :func:`tilize`: tiles in face order -> row-major array of ``shape``."""
    tiles = np.ascontiguousarray(tiles)
    data = _core.sim.untilize(tiles.tobytes(), [int(d) for d in shape], tiles.dtype.itemsize)
    return np.frombuffer(data, dtype=tiles.dtype).reshape(shape).copy()


def last_stats() -> dict:
    """Statistics of the most recent program run in this process."""
    return json.loads(_core.sim.last_stats_json())


def matmul_products(tile_ops: Mapping[str, int]) -> int:
    """The tile products a kernel's (or the totals') ``tile_ops`` counts: one per ``matmul_tiles``
    and one per output tile of each ``matmul_block``."""
    return tile_ops.get("matmul_tiles", 0) + tile_ops.get("matmul_block.tile", 0)


def runtime_library() -> Path:
    """The simulator's runtime library (``libtt_metal_sim.so``) that host programs link against,
    with :data:`INCLUDE_DIR` as their include path (e.g. ``-DTT_SIM_LIBRARY=`` for a generated
    ``CMakeLists.txt``)."""
    return Path(_core.sim.runtime_library())


def _cache_dir() -> Path:
    env = os.environ.get("TT_SIM_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tilelang_tt" / "kernels"


def build_host_program(main_cpp: Union[str, os.PathLike], *, extra_flags: Sequence[str] = ()) -> Path:
    """Compile a TT-Metalium host program against the simulator; cached by content hash."""
    source = Path(main_cpp).resolve()
    library = runtime_library()
    compiler = os.environ.get("TT_SIM_CXX", "g++")
    # C++20 and fmt, as TT-Metalium's host headers require.
    command = [compiler, "-std=c++20", "-O1", f"-I{INCLUDE_DIR}", f"-I{source.parent}", *extra_flags, str(source),
               str(library), "-lfmt", f"-Wl,-rpath,{library.parent}"]
    digest = hashlib.sha256()
    digest.update(source.read_bytes())
    digest.update(" ".join(command).encode())
    for header in sorted(INCLUDE_DIR.rglob("*")):
        if header.is_file():
            digest.update(header.read_bytes())
    target = _cache_dir() / "host" / digest.hexdigest()[:16] / source.stem
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([*command, "-o", str(target)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise ValidationError(f"host program {source} failed to compile against the simulator:\n{proc.stderr}")
    return target


def run_host_program(
    main_cpp: Union[str, os.PathLike],
    kernel_dir: Optional[Union[str, os.PathLike]] = None,
    *,
    device: Optional[str] = None,
    args: Sequence[str] = (),
    trace: Optional[Union[str, os.PathLike]] = None,
    timeout: float = 600.0,
    check: bool = True,
) -> HostRunResult:
    """Compile and run a TT-Metalium host program on the simulator.

    Kernel paths the program passes to ``CreateKernel`` are resolved against ``kernel_dir``
    (default: the directory of ``main_cpp``). With ``check`` a non-zero exit raises
    :class:`SimulationError` carrying the program's stderr (where simulator errors are printed).
    """
    exe = build_host_program(main_cpp)
    env = dict(os.environ)
    env["TT_SIM_KERNEL_ROOT"] = str(Path(kernel_dir or Path(main_cpp).parent).resolve())
    env.setdefault("TT_SIM_CACHE_DIR", str(_cache_dir()))
    if device:
        env["TT_SIM_DEVICE"] = device
    if trace is not None:
        env["TT_SIM_TRACE"] = str(trace)
    with tempfile.TemporaryDirectory() as tmp:
        stats_path = Path(tmp) / "stats.json"
        env["TT_SIM_STATS"] = str(stats_path)
        proc = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=timeout,
                              cwd=env["TT_SIM_KERNEL_ROOT"])
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else None
    if check and proc.returncode != 0:
        raise SimulationError(f"host program {main_cpp} exited with {proc.returncode}:\n{proc.stderr}")
    return HostRunResult(proc.returncode, proc.stdout, proc.stderr, stats)


__all__ = [
    "INCLUDE_DIR",
    "SimResult",
    "HostRunResult",
    "device_names",
    "device_spec",
    "run_plan",
    "run_host_program",
    "build_host_program",
    "tilize",
    "untilize",
    "last_stats",
    "matmul_products",
    "runtime_library",
]
