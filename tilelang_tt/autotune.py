"""``tilelang_tt.autotune``: TileLang's autotuner, ranking candidate configurations by the
simulator's cost model instead of timing them on hardware.

Used exactly like TileLang's, stacked on ``@jit``::

    def get_configs():
        return [{"block_M": m, "block_N": n, "block_K": k} for m in (64, 128) for n in (64, 128) for k in (32, 64)]

    @tilelang_tt.autotune(configs=get_configs())
    @tilelang_tt.jit(out_idx=[-1])
    def matmul(M, N, K, block_M=128, block_N=128, block_K=32, dtype="bfloat16", accum_dtype="float"):
        ...

    kernel = matmul(1024, 1024, 1024)     # the kernel of the best configuration
    kernel.config                         # {"block_M": ..., ...}

``configs`` is a list of dicts whose keys are parameters of the factory, or a callable that returns
one from the factory's arguments. Each candidate is compiled and run once on the simulator with
random inputs of the kernel's shapes; its estimate is the cost model's (C++, ``cpp/sim/cost.h``:
``stats["cost"]["estimated_cycles"]``), and the candidate with the fewest cycles wins (the first one
listed among equals). The choice is cached on disk (keyed by every candidate's IR and options,
and the compiler), so tuning the same problem again compiles only the winner. A configuration
that does not compile is skipped with its reason (a warning, and ``kernel.autotune_skipped``);
a configuration naming something that is not a parameter of the factory is a located error.
"""

import functools
import inspect
import json
import os
import sys
import warnings

import numpy as np

from . import _core, cache
from .errors import TileLangTTError, ValidationError

_RESULT_FILE = "autotune.json"


def autotune(configs=None, *, seed=0, **others):
    """Decorates a ``@jit`` factory: calling it tunes over ``configs`` and returns the best kernel.

    ``seed`` seeds the random inputs of the simulated runs (the estimate does not depend on the
    values, only on the work the kernel does). TileLang's other arguments (``warmup``, ``rep``,
    ``timeout``, ``ref_prog``, ...) configure timed runs on a GPU, which the cost model replaces;
    they are refused (a located error) rather than ignored.
    """
    frame = sys._getframe(1)
    where = (frame.f_code.co_filename, frame.f_lineno)
    if others:
        raise ValidationError(_located(f"autotune here takes configs and seed; {', '.join(sorted(others))} "
                                       "configure timed runs on hardware, which the simulator's cost model replaces: "
                                       "remove them", where), file=where[0], line=where[1], col=1)
    if configs is None or not (callable(configs) or isinstance(configs, (list, tuple))):
        raise ValidationError(_located("autotune needs configs: a list of dicts of the factory's parameters "
                                       f"(or a callable returning one), got {configs!r}", where),
                              file=where[0], line=where[1], col=1)

    def decorate(jitted):
        factory = getattr(jitted, "__wrapped__", None)
        if factory is None:
            raise ValidationError(_located("autotune decorates a @tilelang_tt.jit factory; put @jit below "
                                           "@autotune", where), file=where[0], line=where[1], col=1)
        signature = inspect.signature(factory)
        memo = {}

        @functools.wraps(factory)
        def tuned(*args, **kwargs):
            key = (args, tuple(sorted(kwargs.items())))
            try:
                if key in memo:
                    return memo[key]
            except TypeError:
                key = None
            kernel = _tune(jitted, signature, configs, args, kwargs, where, seed)
            if key is not None:
                memo[key] = kernel
            return kernel

        return tuned

    return decorate


def _located(message, where):
    return _core.format_located(message, where[0], where[1], 1)


def _candidates(configs, signature, args, kwargs, where):
    """The configurations as dicts, each checked against the factory's parameters and the call."""
    listed = configs(*args, **kwargs) if callable(configs) else configs
    if not isinstance(listed, (list, tuple)) or not listed:
        raise ValidationError(_located(f"autotune configs must be a non-empty list of dicts, got {listed!r}", where),
                              file=where[0], line=where[1], col=1)
    bound = signature.bind_partial(*args, **kwargs).arguments
    names = list(signature.parameters)
    out = []
    for i, config in enumerate(listed):
        if not isinstance(config, dict):
            raise ValidationError(_located(f"autotune config {i} is {config!r}; each config is a dict of the "
                                           "factory's parameters", where), file=where[0], line=where[1], col=1)
        for name in config:
            if name not in signature.parameters:
                raise ValidationError(_located(
                    f"autotune config {i} sets {name!r}, which is not a parameter of the factory (its parameters: "
                    f"{', '.join(names)})", where), file=where[0], line=where[1], col=1)
            if name in bound:
                raise ValidationError(_located(
                    f"autotune config {i} sets {name!r}, which the call also passes ({name}={bound[name]!r}); leave "
                    "tuned parameters out of the call", where), file=where[0], line=where[1], col=1)
        out.append(dict(config))
    return out


def _random_inputs(kernel, rng, where):
    """One random array per input the kernel takes, of the shape and dtype its plan declares."""
    from .sim import _numpy_dtype

    buffers = {b["name"]: b for b in kernel.plan["buffers"]}
    inputs = []
    for i, param in enumerate(kernel.params):
        if i in kernel.out_idx:
            continue
        spec = buffers[param.name]
        if not all(isinstance(extent, int) for extent in spec["shape"]):
            raise ValidationError(_located(f"autotune runs each candidate at the kernel's shapes, but {param.name} has "
                                           f"dynamic extents {spec['shape']}; tune with static sizes", where),
                                  file=where[0], line=where[1], col=1)
        dtype = _numpy_dtype(spec.get("dtype", "bfloat16"))
        shape = kernel.declared_shapes.get(param.name, spec["shape"])
        if np.issubdtype(dtype, np.integer):
            inputs.append(rng.integers(0, 8, shape).astype(dtype))
        else:
            inputs.append(rng.standard_normal(shape).astype(np.float32).astype(dtype))
    return inputs


def _tune(jitted, signature, configs, args, kwargs, where, seed):
    candidates = _candidates(configs, signature, args, kwargs, where)
    kernels, skipped = [], []
    for config in candidates:
        try:
            kernels.append((config, jitted(*args, **kwargs, **config)))
        except TileLangTTError as err:
            skipped.append({"config": config, "reason": str(err)})
            warnings.warn(f"autotune: skipping config {config}: it does not compile: {err}", stacklevel=3)
    if not kernels:
        reasons = "\n".join(f"  {s['config']}: {s['reason']}" for s in skipped)
        raise ValidationError(_located(f"autotune: no config compiles:\n{reasons}", where),
                              file=where[0], line=where[1], col=1)
    # The candidates' programs decide the estimates, so they (and the compiler, and the seed) are the key.
    key = cache.content_key(json.dumps([_artifact_identity(k) for _, k in kernels]), {"autotune_seed": seed})
    result = _cached_result(key)
    if result is None:
        rng = np.random.default_rng(seed)
        estimates = []
        for _, kernel in kernels:
            kernel(*_random_inputs(kernel, rng, where))
            cost = kernel.stats()["cost"]
            estimates.append({"estimated_cycles": cost["estimated_cycles"], "bound": cost["bound"]})
        best = min(range(len(estimates)), key=lambda i: estimates[i]["estimated_cycles"])
        result = {"best": best, "estimates": estimates}
        if cache.cache_enabled():
            cache.publish(key, {_RESULT_FILE: json.dumps(result, indent=1, sort_keys=True)})
    config, kernel = kernels[result["best"]]
    kernel.config = config
    kernel.autotune_estimates = [dict(config=c, **e) for (c, _), e in zip(kernels, result["estimates"])]
    kernel.autotune_skipped = skipped
    return kernel


def _artifact_identity(kernel):
    """What decides a candidate's program: its generated files (the cache entry's content)."""
    names = sorted(n for n in os.listdir(kernel.artifacts_dir) if not n.startswith("."))
    parts = []
    for name in names:
        path = os.path.join(kernel.artifacts_dir, name)
        if os.path.isfile(path):
            with open(path) as fh:
                parts.append([name, fh.read()])
    return parts


def _cached_result(key):
    hit = cache.lookup(key)
    if hit is None:
        return None
    with open(os.path.join(hit, _RESULT_FILE)) as fh:
        return json.load(fh)
