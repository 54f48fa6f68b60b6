"""The Tenstorrent lowering pipeline: :func:`run_pipeline` and one class per pass.

Every pass is C++ (``cpp/transform``); this module builds them by name from the C++ registry and
runs them with a validated pass context. A pass object is called on an ``IRModule`` or a
``PrimFunc`` and returns the same kind::

    mod = InferTTLayout()(mod)
    mod = run_pipeline(func, plan_path="out/tt.plan.json", target_device="blackhole")

After every pass the IR well-formedness verifier runs; with ``dump_dir`` (or the
``TILELANG_TT_DUMP_IR`` environment variable) the IR is written after each pass as
``NN_<pass>.txt``. Contracts of the passes are in ``docs/passes.md``.
"""

from __future__ import annotations

import numbers
from typing import Any, Mapping, Optional, Sequence, Union

from . import ir
from ._core import transform as _transform
from .errors import ValidationError

__all__ = [
    "run_pipeline",
    "PipelineResult",
    "PassContext",
    "TTPass",
    "InferTTLayout",
    "PropagateTTLayout",
    "TTTilesToCoreMap",
    "LowerTTTileIntrinsics",
    "GridToPersistentTT",
    "VerifyTTIR",
    "pass_by_name",
    "registered_passes",
    "default_pipeline",
    "build_plan",
    "check_well_formed",
    "DEFAULT_PIPELINE",
]

PassContext = _transform.PassContext
DEFAULT_PIPELINE = _transform.DEFAULT_PIPELINE


def _layout_requests(layouts):
    """The layouts option as JSON: buffer names as keys, and NumPy integers or arrays in shard_grid /
    shard_shape_tiles as Python ints (the C++ side checks every value and names what is wrong)."""
    if not isinstance(layouts, Mapping):
        return layouts
    requests = {}
    for name, request in layouts.items():
        if not isinstance(name, str):
            raise ValidationError(f"layouts maps buffer names to layout requests, but has the key {name!r}; "
                                  f"use the tensor's name as a string")
        if not isinstance(request, Mapping):
            raise ValidationError(f"layouts[{name}] must be a dict such as {{\"layout\": \"sharded\", "
                                  f"\"shard_grid\": [2, 2]}}, got {request!r}")
        requests[name] = {key: _plain_integers(value) for key, value in request.items()}
    return requests


def _plain_integers(value):
    """A sequence of integers (NumPy's included) as a list of Python ints; anything else as given."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [int(v) if isinstance(v, numbers.Integral) and not isinstance(v, bool) else v for v in value]
    return value


def _context_options(target_device="wormhole", partition_strategy=None, enable_double_buffer=True,
                     enable_prefetch=True, plan_path=None, math_fidelity="HiFi4", fp32_dest_acc_en=None, layouts=None,
                     dump_dir=None, verify_each=True, shape_values=None, **unknown_options):
    """The run_pipeline keyword arguments as the C++ PassContext reads them. It validates them,
    so unknown names are passed on for its ValidationError naming them and listing the options."""
    return {
        **unknown_options,
        "target_device": target_device,
        "partition_strategy": partition_strategy,
        "enable_double_buffer": enable_double_buffer,
        "enable_prefetch": enable_prefetch,
        "plan_path": None if plan_path is None else str(plan_path),
        "math_fidelity": math_fidelity,
        "fp32_dest_acc_en": fp32_dest_acc_en,
        "layouts": _layout_requests(layouts),
        "dump_dir": None if dump_dir is None else str(dump_dir),
        "verify_each": verify_each,
        "shape_values": dict(shape_values) if isinstance(shape_values, Mapping) else shape_values,
    }


def _unwrap_single(out):
    """The function of a one-function module; a module the kernel split made several of stays one."""
    return next(iter(out.functions.values())) if len(out) == 1 else out


def _as_module(mod):
    """(module, unwrap): a PrimFunc is wrapped in a one-function module and unwrapped afterwards
    while it is still one function (the kernel split turns it into reader/compute/writer)."""
    if isinstance(mod, ir.PrimFunc):
        return ir.IRModule([mod]), _unwrap_single
    if isinstance(mod, ir.IRModule):
        return mod, lambda out: out
    raise ValidationError(f"passes run on an IRModule or a PrimFunc (a @T.prim_func kernel), got {type(mod).__name__}")


class PipelineResult:
    """What :func:`run_pipeline` returns with ``return_report=True``: the module plus the run's
    per-pass timing (``report``: dict, ``report_text``: a table) and the IR dump files."""

    def __init__(self, mod, report, report_text):
        self.mod = mod
        self.report = report
        self.report_text = report_text

    @property
    def timings(self):
        """{pass name: milliseconds}."""
        return {row["pass"]: row["milliseconds"] for row in self.report["passes"]}

    def __repr__(self):
        return f"<PipelineResult {len(self.report['passes'])} passes, {self.report['total_milliseconds']:.3f} ms>"


def _pipeline_text(pipeline):
    if pipeline is None:
        return DEFAULT_PIPELINE
    if isinstance(pipeline, str):
        return pipeline
    names = []
    for item in pipeline:
        names.append(item.name if isinstance(item, TTPass) else str(item))
    return " -> ".join(names)


def _run(pipeline_text, mod, options, return_report=False):
    module, unwrap = _as_module(mod)
    ctx = PassContext(options)
    out, report, text = _transform.Pipeline(pipeline_text).run(module, ctx)
    result = unwrap(out)
    return PipelineResult(result, report, text) if return_report else result


def run_pipeline(mod, plan_path=None, target_device="wormhole", partition_strategy=None,
                 enable_double_buffer=True, enable_prefetch=True, math_fidelity="HiFi4", fp32_dest_acc_en=None,
                 layouts: Optional[Mapping[str, Mapping[str, Any]]] = None, dump_dir=None, verify_each=True,
                 pipeline: Union[None, str, Sequence] = None, return_report=False, **unknown_options):
    """Lowers a TileLang kernel to Tenstorrent reader/compute/writer IR and a runtime plan.

    Parameters
    ----------
    mod : IRModule or PrimFunc
        The kernel(s), as parsed by ``tilelang_tt.language``.
    plan_path : str or path, optional
        Where GridToPersistentTT writes ``tt.plan.json`` (docs/plan.md). Not written when None.
    target_device : str
        Device table name: "grayskull", "wormhole" (n150, the default), "blackhole", or a card name
        ("e150", "n150", "n300", "p150", "p100a").
    partition_strategy : {None, "row_major", "column_major", "block", "serpentine"}
        Order in which launch-grid blocks are dealt to cores (balanced contiguous ranges). None: the
        compiler's choice, row_major, or for L1-sharded tensors the order that runs most blocks on
        the core holding their shard (multicast plans choose block or serpentine, docs/passes.md).
    enable_double_buffer : bool
        Circular buffers filled in ``T.Pipelined`` loops get max(2, num_stages) stages and output
        buffers 2; with False every one of them has a single stage.
    enable_prefetch : bool
        Circular buffers filled outside pipelined loops get 2 stages, so the reader fetches the
        next block while compute works on the current one, and the reader issues every tile read
        of a stage before one barrier; False gives them 1 stage and a barrier after every tile.
    math_fidelity : {"LoFi", "HiFi2", "HiFi3", "HiFi4"}
        The compute kernel's ComputeConfig::math_fidelity.
    fp32_dest_acc_en : bool or None
        Accumulate in fp32 in DST. None ("auto") turns it on when a gemm accumulates in float32
        and the device supports it; True on Grayskull is an error.
    layouts : dict, optional
        Per global buffer: {"memory": "dram"|"l1", "layout": "interleaved"|"sharded",
        "shard_grid": [x, y], "shard_shape_tiles": [...], "data_format": "Bfp8_b"|"Bfp4_b"} (the last
        stores weights the kernel only reads in a block float).
    dump_dir : str or path, optional
        Write the IR after each pass there (default: $TILELANG_TT_DUMP_IR when set).
    verify_each : bool
        Run the IR well-formedness verifier after every pass (default True).
    pipeline : str or list, optional
        Passes to run instead of the default ("A -> B", or names / pass objects).
    return_report : bool
        Return a :class:`PipelineResult` with per-pass timings instead of the module.

    Raises
    ------
    ValidationError
        An unknown option or an invalid option value (the message lists the accepted ones) or a
        kernel the passes reject (with its source line).
    """
    options = _context_options(target_device, partition_strategy, enable_double_buffer, enable_prefetch, plan_path,
                               math_fidelity, fp32_dest_acc_en, layouts, dump_dir, verify_each, **unknown_options)
    return _run(_pipeline_text(pipeline), mod, options, return_report)


class TTPass:
    """A registered C++ pass as a callable object: ``InferTTLayout(target_device="blackhole")(mod)``.

    Keyword arguments are :func:`run_pipeline` options (except ``pipeline``/``return_report``);
    options given at call time override those given at construction.
    """

    name: str = ""

    def __init__(self, **options):
        if not self.name:
            raise ValidationError("TTPass needs a pass name; use pass_by_name(name)")
        _transform.lookup_pass(self.name)  # fails now, naming the registered passes, if absent
        self.options = dict(options)
        PassContext(_context_options(**self.options))  # fails now, naming an unknown or invalid option

    def __call__(self, mod, **options):
        merged = dict(self.options)
        merged.update(options)
        return _run(self.name, mod, _context_options(**merged))

    def __repr__(self):
        return f"{type(self).__name__}()"


def _pass_class(pass_name, doc):
    return type(pass_name, (TTPass,), {"name": pass_name, "__doc__": doc, "__module__": __name__})


InferTTLayout = _pass_class("InferTTLayout", "Core grid, device and a layout for every global buffer.")
PropagateTTLayout = _pass_class("PropagateTTLayout", "Circular buffers, compute configuration, L1 budget check.")
TTTilesToCoreMap = _pass_class("TTTilesToCoreMap", "Balanced assignment of launch-grid blocks to cores.")
LowerTTTileIntrinsics = _pass_class("LowerTTTileIntrinsics", "Tile operations to CB protocol, NoC transfers and DST math.")
GridToPersistentTT = _pass_class("GridToPersistentTT", "Per-core persistent loop, kernel split, runtime plan.")
VerifyTTIR = _pass_class("VerifyTTIR", "Checks the lowered program is complete and consistent.")


def pass_by_name(name, **options):
    """The registered pass `name` as a pass object."""
    return _pass_class(name, f"The registered pass {name}.")(**options)


def registered_passes():
    """Names of every pass in the C++ registry."""
    return list(_transform.registered_pass_names())


def default_pipeline():
    """The passes run_pipeline runs, as pass objects."""
    return [pass_by_name(n) for n in _transform.Pipeline(DEFAULT_PIPELINE).pass_names]


def build_plan(func, **options):
    """The runtime plan (dict) of a lowered PrimFunc or module (after GridToPersistentTT); options
    as for run_pipeline (target_device must be the one the kernel was compiled for)."""
    if isinstance(func, ir.IRModule):
        func = next(iter(func.functions.values()))  # the kernels of one program share the plan attributes
    return _transform.build_plan(func, PassContext(_context_options(**options)))


def check_well_formed(mod):
    """Violations of the IR well-formedness rules (empty when well formed), as text."""
    module, _ = _as_module(mod)
    return list(_transform.check_well_formed(module))
