"""The ``tilelang-tt`` command line: compile, run and inspect TileLang kernels for Tenstorrent.

    tilelang-tt compile examples/gemm.py:matmul --arg 1024 --arg 1024 --arg 1024 \\
        --arg 128 --arg 128 --arg 32 --device wormhole --out gemm_tt
    tilelang-tt run examples/gemm.py:matmul --arg 256 ... --reference examples/gemm.py:reference
    tilelang-tt plan gemm_tt/tt.plan.json
"""

import argparse
import ast
import importlib.util
import json
import os
import shutil
import sys

import numpy as np

from . import codegen, ir, sim
from .jit import JITKernel, compile as compile_kernel
from .errors import TileLangTTError, ValidationError


def _literal(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word such as bfloat16


def _load_callable(spec):
    """FILE.py:NAME → the object NAME defined in FILE.py."""
    path, sep, name = spec.rpartition(":")
    if not sep or not path.endswith(".py"):
        raise ValidationError(f"expected FILE.py:NAME, got {spec!r}")
    if not os.path.isfile(path):
        raise ValidationError(f"no such file: {path}")
    module_name = "_tilelang_tt_cli_" + os.path.splitext(os.path.basename(path))[0]
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    module_spec.loader.exec_module(module)
    if not hasattr(module, name):
        raise ValidationError(f"{path} defines no {name!r}")
    return getattr(module, name)


def _build_func(args):
    factory = _load_callable(args.kernel)
    kwargs = dict(_split_kwarg(kv) for kv in args.kwarg)
    made = factory(*[_literal(a) for a in args.arg], **kwargs)
    if isinstance(made, JITKernel):
        made = made.func
    if not isinstance(made, ir.PrimFunc):
        raise ValidationError(f"{args.kernel} returned {type(made).__name__}, not a @T.prim_func kernel")
    return made


def _split_kwarg(text):
    key, sep, value = text.partition("=")
    if not sep:
        raise ValidationError(f"--kwarg takes NAME=VALUE, got {text!r}")
    return key, _literal(value)


def _pipeline_options(args):
    options = {"partition_strategy": args.partition_strategy, "math_fidelity": args.math_fidelity,
               "enable_double_buffer": not args.no_double_buffer, "enable_prefetch": not args.no_prefetch}
    if args.fp32_acc is not None:
        options["fp32_dest_acc_en"] = args.fp32_acc == "on"
    return options


def cmd_compile(args):
    func = _build_func(args)
    kernel = compile_kernel(func, target_device=args.device, **_pipeline_options(args))
    os.makedirs(args.out, exist_ok=True)
    for name in sorted(os.listdir(kernel.artifacts_dir)):
        if not name.startswith("."):
            shutil.copy(os.path.join(kernel.artifacts_dir, name), os.path.join(args.out, name))
    print(f"wrote {', '.join(sorted(n for n in os.listdir(args.out)))} to {args.out}")
    return 0


def _sizes(args):
    """--size NAME=SIZE values: the sizes of a kernel's dynamic dimensions for random inputs."""
    sizes = {}
    for text in args.size or []:
        name, sep, value = text.partition("=")
        if not sep or not value.isdigit() or int(value) <= 0:
            raise ValidationError(f"--size takes NAME=SIZE with a positive integer SIZE, got {text!r}")
        sizes[name] = int(value)
    return sizes


def _random_input(param, rng, sizes, declared=None):
    """Random values for param: of its declared shape (``declared``, when the kernel views it), else
    of its shape with the dynamic dimensions' --size values."""
    shape = [] if declared is None else list(declared)
    for extent in [] if declared is not None else param.shape:
        if isinstance(extent, ir.Var):
            if extent.name not in sizes:
                raise ValidationError(f"{param.name} has the dynamic dimension {extent.name}: give its size with "
                                      f"--size {extent.name}=SIZE (or pass --inputs)")
            shape.append(sizes[extent.name])
        else:
            shape.append(extent.value)
    data = rng.standard_normal(shape).astype(np.float32)
    if param.dtype.startswith(("int", "uint")):
        data = rng.integers(-8, 8, size=shape)
    if param.dtype == "bfloat16":
        import ml_dtypes

        return data.astype(ml_dtypes.bfloat16)
    return data.astype(param.dtype)


def _pcc(a, b):
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.std() == 0 or b.std() == 0:
        return 1.0 if np.allclose(a, b) else 0.0
    return float(np.corrcoef(a, b)[0, 1])


def cmd_run(args):
    func = _build_func(args)
    try:
        out_idx = [int(i) for i in args.out_idx.split(",")] if args.out_idx else [-1]
    except ValueError:
        raise ValidationError(f"--out-idx {args.out_idx!r} is not a comma-separated list of parameter indices "
                              "(e.g. -1 or 2,3)") from None
    kernel = compile_kernel(func, out_idx=out_idx, target_device=args.device, **_pipeline_options(args))
    input_params = [p for i, p in enumerate(kernel.params) if i not in kernel.out_idx]
    rng = np.random.default_rng(args.seed)
    if args.inputs:
        if len(args.inputs) != len(input_params):
            raise ValidationError(f"{func.name} takes {len(input_params)} inputs, got {len(args.inputs)} --inputs files")
        inputs = [np.load(path) for path in args.inputs]
    else:
        sizes = _sizes(args)
        inputs = [_random_input(p, rng, sizes, kernel.declared_shapes.get(p.name)) for p in input_params]
    outputs = kernel(*inputs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    print(f"artifacts: {kernel.artifacts_dir}")
    status = 0
    if args.reference:
        expected = _load_callable(args.reference)(*[np.asarray(x, dtype=np.float32) for x in inputs])
        expected = expected if isinstance(expected, tuple) else (expected,)
        for i, (got, want) in enumerate(zip(outputs, expected)):
            got32 = np.asarray(got, dtype=np.float32)
            pcc = _pcc(got32, want)
            err = float(np.max(np.abs(got32 - want))) if got32.size else 0.0
            ok = pcc >= args.min_pcc
            status |= 0 if ok else 1
            print(f"output {i}: PCC {pcc:.6f}, max |error| {err:.4g} -> {'match' if ok else 'MISMATCH'}")
    if args.save:
        for i, out in enumerate(outputs):
            np.save(f"{args.save}{i}.npy", np.asarray(out))
    _print_stats(kernel.stats())
    return status


def _print_stats(stats):
    roof = stats.get("roofline", {})
    totals = stats.get("totals", {})
    print(json.dumps({"roofline": roof, "cost": stats.get("cost", {}), "totals": totals,
                      "wall_seconds": stats.get("wall_seconds")}, indent=2, sort_keys=True))


def cmd_plan(args):
    path = args.plan
    if os.path.isdir(path):
        path = os.path.join(path, codegen.PLAN_FILE)
    try:
        with open(path) as fh:
            plan = json.load(fh)
    except OSError as err:
        raise ValidationError(f"cannot read the plan {path}: {err.strerror}; give a tt.plan.json or the artifacts "
                              "directory holding it") from None
    except json.JSONDecodeError as err:
        raise ValidationError(f"{path} is not a JSON plan ({err})") from None
    print(plan_summary(plan))
    return 0


def plan_summary(plan):
    """A readable summary of a runtime plan: device, buffers, and for each launch its cores and
    their work, CBs and L1 use, kernels."""
    lines = [f"device {plan.get('device')}  (schema {plan.get('schema_version')})"]
    if plan.get("dynamic_dims"):
        dims = ", ".join(f"{d['name']} (axis {d['axis']} of {d['tensor']})" for d in plan["dynamic_dims"])
        lines.append(f"dynamic dimensions: {dims}; sizes below are formulas of them")
    lines.append("buffers:")
    for b in plan.get("buffers", []):
        lines.append(f"  {b['name']:<10} {str(b.get('shape')):<16} {b.get('dtype'):<9} {b.get('layout')}, "
                     f"page {b.get('page_size')} B")
    programs = codegen.plan_programs(plan)
    for i, program in enumerate(programs):
        if len(programs) > 1:
            lines.append(f"launch {i + 1} of {len(programs)}:")
        lines.extend(_program_summary(program))
    return "\n".join(lines)


def _program_summary(plan):
    lines = [f"core grid {plan.get('core_grid')}, ranges {plan.get('core_ranges', [])}"]
    work = plan.get("work_partition", {})
    per_core = work.get("per_core", [])
    if per_core:
        counts = [c.get("count", 0) for c in per_core]
        lines.append(f"work: {sum(counts)} blocks over {len(per_core)} cores "
                     f"({min(counts)}-{max(counts)} per core, strategy {work.get('strategy')})")
    total = 0
    lines.append("circular buffers (per core):")
    for cb in plan.get("circular_buffers", []):
        size = cb.get("page_size", 0) * cb.get("num_pages", 0)
        total += size
        lines.append(f"  c_{cb.get('cb_index'):<3} {cb.get('name', ''):<18} {cb.get('data_format'):<10} "
                     f"{cb.get('num_pages')} x {cb.get('page_size')} B = {size / 1024:.1f} KiB")
    spec = sim.device_spec(plan["device"])
    usable = spec["l1_bytes"] - spec["l1_unreserved_base"]
    lines.append(f"L1 used by CBs: {total / 1024:.1f} KiB of {usable / 1024:.0f} KiB usable per core")
    lines.append("kernels:")
    for k in plan.get("kernels", []):
        lines.append(f"  {k.get('role'):<8} {k.get('source'):<12} {k.get('processor', '')} noc {k.get('noc', '')}")
    cc = plan.get("compute_config", {})
    if cc:
        lines.append(f"compute: fidelity {cc.get('math_fidelity')}, fp32 accumulation {cc.get('fp32_dest_acc_en')}")
    return lines


def _parser():
    p = argparse.ArgumentParser(prog="tilelang-tt", description="Compile, run and inspect TileLang kernels for Tenstorrent.")
    sub = p.add_subparsers(dest="command", required=True)

    def kernel_args(sp):
        sp.add_argument("kernel", help="FILE.py:FACTORY, a function returning a @T.prim_func (or a @tilelang_tt.jit factory)")
        sp.add_argument("--arg", action="append", default=[], help="positional argument of the factory (a Python literal)")
        sp.add_argument("--kwarg", action="append", default=[], help="NAME=VALUE keyword argument of the factory")
        sp.add_argument("--device", default="wormhole", help="grayskull, wormhole (default), blackhole or a card name")
        sp.add_argument("--partition-strategy", default=None, choices=["row_major", "column_major", "block", "serpentine"])
        sp.add_argument("--math-fidelity", default="HiFi4", choices=["LoFi", "HiFi2", "HiFi3", "HiFi4"])
        sp.add_argument("--fp32-acc", choices=["on", "off"], help="fp32 accumulation in DST (default: from accum dtype)")
        sp.add_argument("--no-double-buffer", action="store_true", help="single-stage circular buffers")
        sp.add_argument("--no-prefetch", action="store_true", help="one read barrier per tile, no read-ahead stages")

    c = sub.add_parser("compile", help="compile a kernel into reader/compute/writer, main.cpp, CMakeLists.txt, tt.plan.json")
    kernel_args(c)
    c.add_argument("--out", required=True, help="directory for the artifacts")
    c.set_defaults(run=cmd_compile)

    r = sub.add_parser("run", help="compile and run on the simulator; compare with a NumPy reference")
    kernel_args(r)
    r.add_argument("--out-idx", default="-1", help="comma-separated output parameter indices (default -1)")
    r.add_argument("--inputs", nargs="*", help=".npy files, one per input parameter (default: random)")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--size", action="append", metavar="NAME=SIZE",
                   help="size of a dynamic dimension (T.dynamic) for the random inputs; repeat per dimension")
    r.add_argument("--reference", help="FILE.py:FUNC computing the expected outputs from the inputs with NumPy")
    r.add_argument("--min-pcc", type=float, default=0.999)
    r.add_argument("--save", help="write outputs to <SAVE><i>.npy")
    r.set_defaults(run=cmd_run)

    pl = sub.add_parser("plan", help="summarize a tt.plan.json (or an artifacts directory)")
    pl.add_argument("plan")
    pl.set_defaults(run=cmd_plan)
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except TileLangTTError as err:
        print(f"tilelang-tt: {type(err).__name__}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
