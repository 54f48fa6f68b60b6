"""Legacy names of the earlier Tenstorrent backend (``tilelang.tt`` / ``tilelang.tenstorrent``).

Each function emits a :class:`DeprecationWarning` naming its replacement and then does the real
thing through the new API: metadata names run the metadata passes, lowering names run the lowering
passes, verification verifies. ``tile_pad_tt`` returns the module: InferTTLayout pads every tensor
in its layout; it takes no options. The others' options are the
:func:`tilelang_tt.passes.run_pipeline` keyword arguments.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Mapping

from . import attrs, passes
from .errors import ValidationError

__all__ = [
    "apply_tt_defaults",
    "annotate_tt_layout",
    "annotate_tt_schedule",
    "infer_default_tt_schedule",
    "infer_default_tt_shard",
    "infer_tt_layout",
    "propagate_tt_layout",
    "layout_aware_work_partition_tt",
    "tt_tiles_to_core_map",
    "apply_tt_metadata_passes",
    "apply_layout_aware_metadata_passes",
    "apply_compatibility_transforms",
    "apply_tt_transform_passes",
    "build_v5_pipeline",
    "grid_to_persistent_tt",
    "memory_space_lower_tt",
    "lower_gemm_to_tt_intrinsics",
    "lower_to_sfpu",
    "tile_pad_tt",
    "verify_tt_ir",
    "emit_tt_artifacts",
    "write_artifacts_to_disk",
    "legacy_to_new_attrs",
]


def _deprecated(replacement):
    """Marks a legacy function: warns, naming `replacement`, on every call."""

    def wrap(fn):
        @functools.wraps(fn)
        def legacy(*args, **kwargs):
            warnings.warn(f"tilelang_tt.compat.{fn.__name__} is deprecated; use {replacement}", DeprecationWarning,
                          stacklevel=2)
            return fn(*args, **kwargs)

        legacy.__doc__ = f"Deprecated: use {replacement}.\n\n{fn.__doc__ or ''}"
        return legacy

    return wrap


_METADATA = ["InferTTLayout", "PropagateTTLayout", "TTTilesToCoreMap"]


@_deprecated("run_pipeline(mod, layouts={name: {...}})")
def annotate_tt_layout(mod, layouts):
    """Records layout requests (buffer name -> {memory, layout, shard_grid, shard_shape_tiles, data_format}) on
    every function as tt.layout_requests, which InferTTLayout honours."""
    module, unwrap = passes._as_module(mod)
    layouts = passes._layout_requests(layouts)
    if not isinstance(layouts, Mapping):
        raise ValidationError(f"annotate_tt_layout takes a dict of buffer names to layout requests, got {layouts!r}")
    for name, func in module.functions.items():
        requests = dict(func.attrs.get(attrs.TT_LAYOUT_REQUESTS, {}))
        requests.update(layouts)
        module = module.with_function(name, func.with_attr(attrs.TT_LAYOUT_REQUESTS, requests))
    return unwrap(module)


_LEGACY_POLICIES = ("contiguous",)


@_deprecated("TTTilesToCoreMap(partition_strategy=...) after InferTTLayout, or run_pipeline(partition_strategy=...)")
def annotate_tt_schedule(mod, policy="contiguous", order="row_major", **options):
    """Assigns blocks to cores: the legacy 'contiguous' policy with the given order is the new
    partition of contiguous balanced ranges with partition_strategy=order."""
    if policy not in _LEGACY_POLICIES:
        raise ValidationError(f"schedule policy {policy!r} is not supported; the only one is 'contiguous'")
    options["partition_strategy"] = order
    return passes.run_pipeline(mod, pipeline=["InferTTLayout", "TTTilesToCoreMap"], **options)


def _runs(pipeline):
    """A legacy function running `pipeline` (pass names; None: the default pipeline) on mod."""

    def legacy(mod, **options):
        return passes.run_pipeline(mod, pipeline=pipeline, **options)

    return legacy


_METADATA_TEXT = "run_pipeline(mod, pipeline='InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap')"

# Legacy name -> (replacement named in the warning, the passes it runs).
_PASS_ALIASES = {
    "apply_tt_defaults": ("tilelang_tt.passes.InferTTLayout() (its defaults: DRAM interleaved, 32x32 tiles, row_major)",
                          ["InferTTLayout"]),
    "infer_default_tt_schedule": ("tilelang_tt.passes.InferTTLayout()", ["InferTTLayout"]),
    "infer_tt_layout": ("tilelang_tt.passes.InferTTLayout()", ["InferTTLayout"]),
    "infer_default_tt_shard": ("tilelang_tt.passes.PropagateTTLayout()", ["PropagateTTLayout"]),
    "propagate_tt_layout": ("tilelang_tt.passes.PropagateTTLayout()", ["PropagateTTLayout"]),
    "layout_aware_work_partition_tt": ("tilelang_tt.passes.TTTilesToCoreMap()", ["TTTilesToCoreMap"]),
    "tt_tiles_to_core_map": ("tilelang_tt.passes.TTTilesToCoreMap()", ["TTTilesToCoreMap"]),
    "apply_tt_metadata_passes": (_METADATA_TEXT, _METADATA),
    "apply_layout_aware_metadata_passes": (_METADATA_TEXT, _METADATA),
    "apply_compatibility_transforms": (_METADATA_TEXT, _METADATA),
    "apply_tt_transform_passes": ("tilelang_tt.passes.run_pipeline()", None),
    "grid_to_persistent_tt": ("tilelang_tt.passes.GridToPersistentTT()", ["GridToPersistentTT"]),
    "memory_space_lower_tt": ("tilelang_tt.passes.LowerTTTileIntrinsics() (shared/fragment buffers become circular "
                              "buffers there)", ["LowerTTTileIntrinsics"]),
    "lower_gemm_to_tt_intrinsics": ("tilelang_tt.passes.LowerTTTileIntrinsics()", ["LowerTTTileIntrinsics"]),
    "lower_to_sfpu": ("tilelang_tt.passes.LowerTTTileIntrinsics() (element-wise math is lowered there)",
                      ["LowerTTTileIntrinsics"]),
}

for _name, (_replacement, _pipeline) in _PASS_ALIASES.items():
    _fn = _runs(_pipeline)
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = f"Runs {' -> '.join(_pipeline) if _pipeline else 'the default pipeline'} on mod."
    globals()[_name] = _deprecated(_replacement)(_fn)
del _name, _replacement, _pipeline, _fn


@_deprecated("tilelang_tt.passes.default_pipeline()")
def build_v5_pipeline(**options):
    """The default pipeline as pass objects (options bound to each)."""
    return [passes.pass_by_name(p.name, **options) for p in passes.default_pipeline()]


@_deprecated("tilelang_tt.passes.InferTTLayout (it stores each tensor padded to whole tiles and blocks)")
def tile_pad_tt(mod):
    """Returns mod unchanged: InferTTLayout pads every tensor in its layout (whole tiles, and the
    blocks that run past its edge; plan key padded_shape), so there is nothing left to pad."""
    return mod


@_deprecated("tilelang_tt.passes.VerifyTTIR() (and passes.check_well_formed for any IR)")
def verify_tt_ir(mod, **options):
    """Checks the IR is well formed and, when it is lowered (has tt.kernels), that the lowered
    program is complete and consistent. Raises on the first failure; returns mod."""
    problems = passes.check_well_formed(mod)
    if problems:
        raise ValidationError("the IR is not well formed:\n" + "\n".join(problems))
    module, _ = passes._as_module(mod)
    if any(attrs.TT_KERNELS in f.attrs for f in module.functions.values()):
        passes.VerifyTTIR(**options)(mod)
    return mod


@_deprecated("tilelang_tt.jit / tilelang_tt.compile (artifacts are generated by the C++ code generators)")
def emit_tt_artifacts(mod, **options):
    """Compiles mod through the pipeline and code generators; returns {file name: contents}."""
    from . import codegen

    return dict(sorted(codegen.generate(passes._as_module(mod)[0], **options).items()))


@_deprecated("tilelang_tt.jit (kernel.artifacts_dir holds the written artifacts)")
def write_artifacts_to_disk(artifacts, output_dir="tt_artifacts"):
    """Writes {file name: contents} into output_dir; returns the directory."""
    os.makedirs(output_dir, exist_ok=True)
    for name, text in artifacts.items():
        with open(os.path.join(output_dir, name), "w") as fh:
            fh.write(text)
    return output_dir


_RENAMED_ATTRS = {"tt.grid": attrs.TT_CORE_GRID, "tt.work_partition": attrs.TT_WORK_PARTITION,
                  "tt.core_ranges": attrs.TT_CORE_RANGES, "tt.layout_desc": attrs.TT_LAYOUT_DESC}


@_deprecated("the tilelang_tt.attrs constants (TT_CORE_GRID, TT_WORK_PARTITION, ...)")
def legacy_to_new_attrs(legacy):
    """Renames legacy attribute keys: tt.grid -> tt.core_grid (keys already new are kept). A legacy
    key with no counterpart (tt.block_shape, tt.start_tile, ...) is a ValidationError."""
    out = {}
    for key, value in legacy.items():
        if key in _RENAMED_ATTRS:
            out[_RENAMED_ATTRS[key]] = value
        elif key in attrs.DOCS:
            out[key] = value
        else:
            raise ValidationError(f"legacy attribute {key!r} has no counterpart; the keys are in tilelang_tt.attrs")
    return out
