"""``tilelang_tt.jit`` and ``tilelang_tt.compile``: TileLang's JIT entry points for Tenstorrent.

Used exactly like TileLang's::

    @tilelang_tt.jit(target="tenstorrent", out_idx=[-1], target_device="wormhole")
    def matmul(M, N, K, block_M, block_N, block_K, dtype="bfloat16", accum_dtype="float"):
        @T.prim_func
        def gemm(A: T.Tensor((M, K), dtype), ...): ...
        return gemm

    kernel = matmul(1024, 1024, 1024, 128, 128, 32)
    c = kernel(a, b)                      # runs on the simulator
    kernel.get_kernel_source("compute")

Compilation is the C++ pipeline and code generators; this module only wires them to the artifact
cache and the simulator.
"""

import functools
import json
import os

import numpy as np

from . import cache, ir
from .errors import ValidationError

_TARGETS = ("tenstorrent", "tt")
_BACKENDS = ("simulator",)
_ROLES = ("reader", "compute", "writer", "host", "cmake", "plan")
_ROLE_FILES = {"reader": "reader.cpp", "compute": "compute.cpp", "writer": "writer.cpp", "host": "main.cpp",
               "cmake": "CMakeLists.txt", "plan": "tt.plan.json"}


class JITKernel:
    """A compiled kernel: its artifacts on disk, its plan, and a callable that runs it."""

    def __init__(self, func, artifacts_dir, out_idx, options):
        self.func = func
        self.artifacts_dir = artifacts_dir
        self.options = dict(options)
        self.params = list(func.params)
        n = len(self.params)
        self.out_idx = sorted({i % n for i in out_idx}) if out_idx is not None else []
        for i in out_idx or []:
            if not -n <= i < n:
                raise ValidationError(f"out_idx {i} is out of range for {func.name}, which has {n} parameters")
        with open(os.path.join(artifacts_dir, _ROLE_FILES["plan"])) as fh:
            self.plan = json.load(fh)
        self._last_stats = None

    def get_kernel_source(self, role="compute"):
        """The generated source of one artifact: reader, compute, writer, host (main.cpp), cmake or plan."""
        if role not in _ROLE_FILES:
            raise ValidationError(f"unknown kernel role {role!r}; use one of {', '.join(_ROLES)}")
        with open(os.path.join(self.artifacts_dir, _ROLE_FILES[role])) as fh:
            return fh.read()

    def stats(self):
        """Statistics of the last run (per-core tile ops, DRAM/NoC bytes, roofline estimate)."""
        if self._last_stats is None:
            raise ValidationError("the kernel has not run yet; call it first")
        return self._last_stats

    def __call__(self, *args):
        from . import sim

        inputs_idx = [i for i in range(len(self.params)) if i not in self.out_idx]
        if len(args) != len(inputs_idx):
            names = [self.params[i].name for i in inputs_idx]
            raise ValidationError(f"{self.func.name} takes {len(inputs_idx)} inputs ({', '.join(names)}), got {len(args)}")
        torch_like = any(_is_torch(a) for a in args)
        feeds = {}
        for i, value in zip(inputs_idx, args):
            feeds[self.params[i].name] = _checked_input(self.params[i], value)
        result = sim.run_plan(self.plan, self.artifacts_dir, feeds, device=self.options["target_device"])
        self._last_stats = result.stats
        outs = [result.outputs[self.params[i].name] for i in self.out_idx]
        if torch_like:
            outs = [_to_torch(o) for o in outs]
        if not outs:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)


def _is_torch(value):
    return type(value).__module__.startswith("torch")


def _to_numpy(value):
    if _is_torch(value):
        t = value.detach().cpu()
        if str(t.dtype) == "torch.bfloat16":
            import ml_dtypes

            return t.view(dtype=__import__("torch").int16).numpy().view(ml_dtypes.bfloat16)
        return t.numpy()
    return np.asarray(value)


def _to_torch(array):
    import torch

    if array.dtype.name == "bfloat16":
        return torch.from_numpy(array.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(array))


def _checked_input(param, value):
    array = _to_numpy(value)
    shape = [e.value for e in param.shape]
    if list(array.shape) != shape:
        raise ValidationError(f"input {param.name} has shape {list(array.shape)}; the kernel declares {shape}")
    return array


def _options(target, execution_backend, target_device, pipeline_options):
    if target not in _TARGETS:
        raise ValidationError(f"target {target!r} is not supported by tilelang_tt; use target=\"tenstorrent\"")
    if execution_backend not in _BACKENDS:
        raise ValidationError(f"execution_backend {execution_backend!r} is not available here; use one of {_BACKENDS}")
    options = {"target_device": target_device}
    options.update(pipeline_options)
    return options


def _artifacts(func, options):
    """Compiles func (or reuses the cached result) and returns the artifacts directory."""
    from . import codegen

    mod = ir.IRModule([func])
    key = cache.content_key(mod.to_json(), options)
    hit = cache.lookup(key)
    if hit is not None:
        return hit
    return cache.publish(key, codegen.generate(mod, **options))


def compile(func, out_idx=None, target="tenstorrent", execution_backend="simulator", target_device="wormhole",
            **pipeline_options):
    """Compiles a ``T.prim_func`` into a :class:`JITKernel` (TileLang's ``tilelang.compile``).

    ``pipeline_options`` are the arguments of :func:`tilelang_tt.passes.run_pipeline`
    (partition_strategy, enable_double_buffer, enable_prefetch, math_fidelity, ...).
    """
    if not isinstance(func, ir.PrimFunc):
        raise ValidationError(f"compile() takes a @T.prim_func kernel, got {type(func).__name__}")
    options = _options(target, execution_backend, target_device, pipeline_options)
    return JITKernel(func, _artifacts(func, options), out_idx, options)


def jit(func=None, *, out_idx=None, target="tenstorrent", execution_backend="simulator", target_device="wormhole",
        **pipeline_options):
    """Decorates a factory returning a ``T.prim_func``; calling it compiles and returns a JITKernel.

    Compiled kernels are memoised per factory arguments in the process and cached on disk.
    """

    def decorate(factory):
        memo = {}

        @functools.wraps(factory)
        def build(*args, **kwargs):
            key = (args, tuple(sorted(kwargs.items())))
            try:
                hashed = hash(key)
            except TypeError:
                hashed = None
            if hashed is not None and key in memo:
                return memo[key]
            prim = factory(*args, **kwargs)
            kernel = compile(prim, out_idx=out_idx, target=target, execution_backend=execution_backend,
                             target_device=target_device, **pipeline_options)
            if hashed is not None:
                memo[key] = kernel
            return kernel

        return build

    return decorate(func) if func is not None else decorate
