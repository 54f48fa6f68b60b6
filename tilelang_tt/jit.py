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
import shutil
import weakref

import numpy as np

from . import _core, attrs, cache, ir, passes
from .errors import ValidationError

_TARGETS = ("tenstorrent", "tt")
_BACKENDS = ("simulator",)
_ROLES = ("reader", "compute", "writer", "host", "cmake", "plan")
_ROLE_FILES = {"reader": "reader.cpp", "compute": "compute.cpp", "writer": "writer.cpp", "host": "main.cpp",
               "cmake": "CMakeLists.txt", "plan": "tt.plan.json"}


class JITKernel:
    """A compiled kernel: its artifacts on disk, its plan, and a callable that runs it.

    As in TileLang, the caller passes every parameter not listed in ``out_idx``; the kernel returns
    the ``out_idx`` tensors it allocates (one, a tuple, or None when there are none) and writes
    into the caller's arrays in place every passed parameter the kernel writes.
    """

    def __init__(self, func, artifacts_dir, out_idx, options):
        self.func = func
        self.artifacts_dir = artifacts_dir
        self.options = dict(options)
        self.params = list(func.params)
        self.out_idx = _output_positions(out_idx, func)
        with open(os.path.join(artifacts_dir, _ROLE_FILES["plan"])) as fh:
            self.plan = json.load(fh)
        self._access = {b["name"]: b.get("access", "read_write") for b in self.plan["buffers"]}
        self._last_stats = None
        self._dimensions = self.plan.get("dynamic_dims", [])
        self._plans = {}  # sizes of the dynamic dimensions -> the plan at those sizes
        # Parameters viewed as T.Tensor(shape, dtype, X.data): the call takes and returns them in
        # their declared shapes, the device holds them in the view's (a row-major reshape).
        self.declared_shapes = declared_shapes(func)

    def get_kernel_source(self, role="compute", launch=0):
        """The generated source of one artifact: reader, compute, writer, host (main.cpp), cmake or
        plan; for a kernel role, that of T.Kernel launch ``launch`` (0 is the first)."""
        if role not in _ROLE_FILES:
            raise ValidationError(f"unknown kernel role {role!r}; use one of {', '.join(_ROLES)}")
        launches = 1 + len(self.plan.get("launches", []))
        if not _is_index(launch) or not 0 <= launch < launches:
            raise ValidationError(f"launch must be an int from 0 to {launches - 1} ({self.func.name} has {launches} "
                                  f"T.Kernel launch{'es' if launches > 1 else ''}), got {launch!r}")
        file = _ROLE_FILES[role]
        if launch and role in ("reader", "compute", "writer"):
            file = f"{role}_{launch}.cpp"
        with open(os.path.join(self.artifacts_dir, file)) as fh:
            return fh.read()

    def stats(self):
        """Statistics of the last run (per-core tile ops, DRAM/NoC bytes, roofline estimate)."""
        if self._last_stats is None:
            raise ValidationError("the kernel has not run yet; call it first")
        return self._last_stats

    def __call__(self, *args):
        from . import sim

        passed_idx = [i for i in range(len(self.params)) if i not in self.out_idx]
        if len(args) != len(passed_idx):
            names = [self.params[i].name for i in passed_idx]
            raise ValidationError(f"{self.func.name} takes {len(passed_idx)} arguments ({', '.join(names)}), got {len(args)}")
        torch_like = any(_is_torch(a) for a in args)
        passed = {self.params[i].name: value for i, value in zip(passed_idx, args)}
        plan = self._plan_for(passed)
        shapes = {b["name"]: b["shape"] for b in plan["buffers"]}
        declared = {name: self.declared_shapes.get(name, shape) for name, shape in shapes.items()}
        feeds, in_place = {}, {}
        for i, value in zip(passed_idx, args):
            param = self.params[i]
            access = self._access.get(param.name, "read_write")
            if access in ("write", "read_write"):
                _check_writable(param, value, declared[param.name])
                in_place[param.name] = value
            if access != "write":
                feeds[param.name] = _checked_input(param, value, declared[param.name]).reshape(shapes[param.name])
        result = sim.run_plan(plan, self.artifacts_dir, feeds, device=self.options["target_device"])
        self._last_stats = result.stats
        outputs = {p.name: _as_declared(p, result.outputs[p.name]).reshape(declared[p.name])
                   for p in self.params if p.name in result.outputs}
        for name, target in in_place.items():
            _write_back(target, outputs[name])
        outs = [outputs[self.params[i].name] for i in self.out_idx]
        if torch_like:
            outs = [_to_torch(o) for o in outs]
        if not outs:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)


    def _plan_for(self, passed):
        """The plan to run: the compiled one, or for a kernel with dynamic dimensions the compiled
        one at the sizes of the passed tensors. A new set of sizes is first compiled once more at
        those sizes (bounds, padding and L1 checks at these sizes), which must give the compiled
        artifacts: one program serves every size."""
        if not self._dimensions:
            return self.plan
        sizes = {}
        for dim in self._dimensions:
            name, tensor, axis = dim["name"], dim["tensor"], dim["axis"]
            if tensor not in passed:
                raise ValidationError(f"{self.func.name}: the size of dynamic dimension {name} is axis {axis} of "
                                      f"{tensor}, which is an output the kernel allocates; pass {tensor} (out_idx "
                                      "without it) so that its size is known")
            shape = _to_numpy(passed[tensor]).shape
            if len(shape) <= axis:
                raise ValidationError(f"input {tensor} has shape {list(shape)}; the kernel declares "
                                      f"{len(self.params[[p.name for p in self.params].index(tensor)].shape)} axes")
            sizes[name] = int(shape[axis])
        key = tuple(sorted(sizes.items()))
        if key not in self._plans:
            from . import codegen

            options = {k: v for k, v in self.options.items() if k not in _OUTPUT_LOCATIONS}
            files = codegen.generate(self.func, **options, shape_values=sizes)
            for file, text in files.items():
                with open(os.path.join(self.artifacts_dir, file)) as fh:
                    if fh.read() != text:
                        raise ValidationError(
                            f"{self.func.name} at {sizes}: the generated {file} differs from the compiled program's, "
                            "so one program cannot serve these sizes; make the dimensions it depends on static")
            self._plans[key] = _core.transform.specialize_plan(self.plan, sizes)
        return self._plans[key]


def declared_shapes(func):
    """The shapes the parameters viewed as T.Tensor(shape, dtype, X.data) are declared (and called)
    with, by name; the function's parameters have the views' shapes."""
    views = func.attrs[attrs.TL_TENSOR_VIEWS] if attrs.TL_TENSOR_VIEWS in func.attrs else {}
    return {name: [int(d) for d in shape] for name, shape in dict(views).items()}


def _output_positions(out_idx, func):
    """out_idx (None, a parameter position or a list of them; negative ones count from the end)
    as sorted non-negative positions; None means the caller passes every tensor."""
    if out_idx is None:
        return []
    n = len(func.params)
    if _is_index(out_idx):
        out_idx = [out_idx]
    if isinstance(out_idx, (str, bytes)) or not isinstance(out_idx, (list, tuple)):
        raise ValidationError(f"out_idx must be None, a parameter position or a list of them (e.g. [-1]), got {out_idx!r}")
    positions = []
    for i in out_idx:
        if not _is_index(i):
            raise ValidationError(f"out_idx entries are parameter positions (ints), got {i!r} in {out_idx!r}")
        if not -n <= i < n:
            raise ValidationError(f"out_idx {i} is out of range for {func.name}, which has {n} parameters")
        if i % n in positions:
            raise ValidationError(f"out_idx {out_idx!r} names parameter {func.params[i % n].name} twice")
        positions.append(int(i) % n)
    return sorted(positions)


def _is_index(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_torch(value):
    """A torch tensor (not any torch object: a torch.dtype is a value like any other)."""
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


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


def _checked_input(param, value, shape):
    array = _to_numpy(value)
    if array.dtype.kind not in "biuf" and array.dtype.name != "bfloat16":
        raise ValidationError(f"input {param.name} is an array of {array.dtype}; the kernel declares {param.dtype} "
                              "(pass an int, float or bfloat16 array)")
    if list(array.shape) != list(shape):
        raise ValidationError(f"input {param.name} has shape {list(array.shape)}; the kernel declares {shape}")
    return array


def _check_writable(param, value, shape):
    """A tensor the kernel writes in place must be a writable array of the declared shape, and
    floating point when the kernel's values are."""
    if not (_is_torch(value) or (isinstance(value, np.ndarray) and value.flags.writeable)):
        raise ValidationError(f"{param.name} is written by the kernel, so it must be a writable NumPy array or "
                              f"torch tensor, got {type(value).__name__}; or list it in out_idx to have it returned")
    array = _checked_input(param, value, shape)
    if "float" in param.dtype and array.dtype.kind != "f" and array.dtype.name != "bfloat16":
        raise ValidationError(f"{param.name} is written by the kernel with {param.dtype} values, which an array of "
                              f"{array.dtype} cannot hold; pass a floating-point array")


def _as_declared(param, array):
    """An output in the dtype the kernel declares. The device holds int32 results computed on chip as
    float32 (PromoteTTIndexIntegers), integers of magnitude at most 2^24, so the conversion is exact."""
    if param.dtype in ("int32", "uint32") and array.dtype.kind == "f":
        return array.astype(param.dtype)
    return array


def _write_back(target, array):
    if _is_torch(target):
        target.copy_(_to_torch(array))
    else:
        np.copyto(target, array, casting="same_kind")


def _options(target, execution_backend, target_device, pipeline_options):
    if target not in _TARGETS:
        raise ValidationError(f"target {target!r} is not supported by tilelang_tt; use target=\"tenstorrent\"")
    if execution_backend not in _BACKENDS:
        raise ValidationError(f"execution_backend {execution_backend!r} is not available here; use one of {_BACKENDS}")
    options = {"target_device": target_device}
    options.update(pipeline_options)
    if "layouts" in options:  # as the cache key and the pipeline read it (NumPy integers made ints)
        options["layouts"] = passes._layout_requests(options["layouts"])
    return options


# Where the compile writes copies of what it produces; they do not change the artifacts.
_OUTPUT_LOCATIONS = ("plan_path", "dump_dir")


def _artifacts(func, options):
    """Compiles func (or reuses the cached result) and returns the artifacts directory.

    A cache hit still honours the output locations: the cached plan is written to ``plan_path``,
    and IR dumps (``dump_dir`` or ``$TILELANG_TT_DUMP_IR``) are made by running the compile.
    """
    from . import codegen

    mod = ir.IRModule([func])
    if not cache.cache_enabled():
        return cache.write_temporary(codegen.generate(mod, **options))
    key = cache.content_key(mod.to_json(), {k: v for k, v in options.items() if k not in _OUTPUT_LOCATIONS})
    wants_dumps = options.get("dump_dir") is not None or bool(os.environ.get("TILELANG_TT_DUMP_IR"))
    hit = None if wants_dumps else cache.lookup(key)
    if hit is None:
        return cache.publish(key, codegen.generate(mod, **options))
    if options.get("plan_path") is not None:
        with open(os.path.join(hit, codegen.PLAN_FILE)) as fh:
            _core.transform.write_plan(json.load(fh), str(options["plan_path"]))
    return hit


def compile(func, out_idx=None, target="tenstorrent", execution_backend="simulator", target_device="wormhole",
            **pipeline_options):
    """Compiles a ``T.prim_func`` into a :class:`JITKernel` (TileLang's ``tilelang.compile``).

    ``pipeline_options`` are the arguments of :func:`tilelang_tt.passes.run_pipeline`
    (partition_strategy, enable_double_buffer, enable_prefetch, math_fidelity, ...).
    """
    from . import bridge

    if bridge.is_tir_prim_func(func):  # built by the tilelang package: converted (tilelang_tt/bridge.py)
        func = bridge.from_tir(func)
    if not isinstance(func, ir.PrimFunc):
        raise ValidationError(f"compile() takes a @T.prim_func kernel, got {type(func).__name__}")
    options = _options(target, execution_backend, target_device, pipeline_options)
    _output_positions(out_idx, func)  # a bad out_idx fails before the compile
    temporary = not cache.cache_enabled()
    artifacts_dir = _artifacts(func, options)
    try:
        kernel = JITKernel(func, artifacts_dir, out_idx, options)
    except BaseException:
        if temporary:
            shutil.rmtree(artifacts_dir, ignore_errors=True)
        raise
    if temporary:
        # Uncached artifacts live as long as the kernel that runs them (or the process).
        weakref.finalize(kernel, shutil.rmtree, artifacts_dir, ignore_errors=True)
    return kernel


def jit(func=None, *, out_idx=None, target="tenstorrent", execution_backend="simulator", target_device="wormhole",
        **pipeline_options):
    """Decorates a factory returning a ``T.prim_func``; calling it compiles and returns a JITKernel.
    A function whose own body is the kernel (TileLang's eager style, ``T.const`` / ``T.empty``, see
    :mod:`tilelang_tt.language.eager`) is compiled for each call's arguments and run at once.

    Compiled kernels are memoised per factory arguments in the process and cached on disk.
    """
    from .language import eager

    def decorate(factory):
        if eager.is_eager_kernel(factory):
            if out_idx is not None:
                raise ValidationError(f"out_idx is for factories that return a @T.prim_func; {factory.__name__} is "
                                      "an eager kernel, which declares its outputs with T.empty and returns them")
            return _eager_jit(factory, dict(target=target, execution_backend=execution_backend,
                                            target_device=target_device, **pipeline_options))
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


def _eager_jit(func, compile_options):
    """The callable an eager kernel becomes: ``f(*args)`` builds the kernel for these arguments
    (memoised per built kernel, cached on disk), runs it and returns what the body returns;
    ``f.compile(*args)`` returns the JITKernel without running it."""
    import inspect

    from .language import eager

    signature = inspect.signature(func)
    memo = {}

    def build(args, kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as err:
            raise ValidationError(f"{func.__name__}{signature}: {err}") from None
        bound.apply_defaults()
        arguments = {name: _array_spec(value) for name, value in bound.arguments.items()}
        built = eager.parse_eager_kernel(func, arguments)
        key = built.func.to_json()
        if key not in memo:
            memo[key] = compile(built.func, out_idx=built.out_idx or None, **compile_options)
        return built, memo[key], [bound.arguments[name] for name in built.tensor_names]

    @functools.wraps(func)
    def run(*args, **kwargs):
        built, kernel, tensors = build(args, kwargs)
        outs = kernel(*tensors)
        if not built.out_idx:
            return () if built.returns_tuple else None
        outs = outs if isinstance(outs, tuple) else (outs,)
        returned = tuple(outs[i] for i in built.returned)
        return returned if built.returns_tuple else returned[0]

    run.compile = lambda *args, **kwargs: build(args, kwargs)[1]
    return run


def _array_spec(value):
    """An array argument as the eager parser sees it (its shape and dtype); other values as they are."""
    from .language.eager import ArraySpec

    if _is_torch(value) or isinstance(value, np.ndarray):
        array = _to_numpy(value)
        return ArraySpec(array.shape, array.dtype.name)
    return value
