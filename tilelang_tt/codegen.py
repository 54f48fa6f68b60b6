"""From a parsed kernel to the files of a TT-Metalium program.

``generate(mod, **options)`` runs the pipeline (:func:`tilelang_tt.passes.run_pipeline`) and the
C++ code generators and returns every artifact as text: ``reader.cpp``, ``compute.cpp``,
``writer.cpp`` (the kernels), ``main.cpp`` (the host program), ``CMakeLists.txt`` and
``tt.plan.json`` (the runtime plan). A function of several ``T.Kernel`` launches is one program per
launch (SplitTTLaunches): the kernels of launch i > 0 are ``reader_<i>.cpp`` and so on, and the
plan runs the launches in order. Output is deterministic: the same kernel and options give
byte-identical files.
"""

import json
import os

from . import _core, attrs, ir, passes
from .errors import ValidationError

PLAN_FILE = "tt.plan.json"


def plan_text(plan):
    """The one serialization of a plan written to disk."""
    return json.dumps(plan, indent=2, sort_keys=True) + "\n"


def plan_programs(plan):
    """The program of each T.Kernel launch of a plan, in launch order: its top level, then each
    entry of its "launches" over it (docs/plan.md)."""
    return [plan] + [{**plan, **launch} for launch in plan.get("launches", [])]


def kernel_sources(lowered):
    """{"reader.cpp", "compute.cpp", "writer.cpp": C++} of a module lowered by run_pipeline."""
    return dict(_core.codegen.generate_kernel_sources(lowered))


def host_program(plan):
    """main.cpp, the TT-Metalium host program, for a runtime plan (dict or JSON text)."""
    return _core.codegen.generate_host_program(plan if isinstance(plan, str) else json.dumps(plan))


def cmake_lists(program_name):
    """CMakeLists.txt building main.cpp into program_name, against TT-Metalium or the simulator."""
    return _core.codegen.generate_cmake_lists(program_name)


# The sizes a kernel with dynamic dimensions is compiled at when none are given: two sets, each
# ragged (not a multiple of a tile) and different per dimension, so that generated code which
# depended on a size, or a formula that mixed up two dimensions, shows as a difference.
def _representative_sizes(names, which):
    return {name: (167 if which == 0 else 307) + 64 * i for i, name in enumerate(names)}


def dynamic_dimensions(func):
    """The names of func's dynamic dimensions (T.dynamic extents of its tensors), in order."""
    names = []
    for param in func.params:
        for extent in param.shape:
            if isinstance(extent, ir.Var) and extent.name not in names:
                names.append(extent.name)
    return names


def generate(mod, **options):
    """Every artifact of the program compiled from mod (an IRModule or PrimFunc) with the
    run_pipeline options; returns {file name: text}.

    A kernel with dynamic dimensions compiles to one program for every size: without
    ``shape_values`` it is compiled at two sets of sizes, which must give the same files (else a
    ValidationError names the file that depends on the sizes); with them, at those sizes."""
    if isinstance(mod, ir.PrimFunc):
        mod = ir.IRModule([mod])
    func = next(iter(mod.functions.values()))
    names = dynamic_dimensions(func)
    if names and options.get("shape_values") is None:
        first = _generate(mod, **options, shape_values=_representative_sizes(names, 0))
        second = _generate(mod, **options, shape_values=_representative_sizes(names, 1))
        for file in first:
            if first[file] != second[file]:
                raise ValidationError(
                    f"{func.name}: the generated {file} depends on the sizes of the dynamic dimensions "
                    f"{', '.join(names)} (it differs between {_representative_sizes(names, 0)} and "
                    f"{_representative_sizes(names, 1)}), so one program cannot serve every size; make the "
                    "dimensions it depends on static (plain ints)")
        return first
    return _generate(mod, **options)


def _generate(mod, **options):
    plan_options = {k: v for k, v in options.items() if k not in ("plan_path", "dump_dir", "verify_each")}
    split = passes.pass_by_name("SplitTTLaunches")(mod)
    functions = list(split.functions.values()) if isinstance(split, ir.IRModule) else [split]
    if len(functions) > 1 and options.get("shape_values"):
        raise ValidationError(f"{next(iter(mod.functions))}: dynamic dimensions in a function of several T.Kernel "
                              "launches are not supported yet; give the tensors static shapes")
    if len(functions) == 1 and attrs.TT_LAUNCH not in functions[0].attrs:
        lowered = passes.run_pipeline(mod, **options)
        plan = passes.build_plan(lowered, **plan_options)
        files = kernel_sources(lowered)
    else:
        launch_options = {k: v for k, v in options.items() if k != "plan_path"}
        plans, files = [], {}
        for function in functions:
            if options.get("dump_dir"):  # each launch's passes dump beside the others'
                launch_options["dump_dir"] = os.path.join(str(options["dump_dir"]), function.name)
            lowered = passes.run_pipeline(function, **launch_options)
            plans.append(passes.build_plan(lowered, **plan_options))
            files.update(kernel_sources(lowered))
        plan = _core.transform.merge_launch_plans(next(iter(mod.functions.values())), plans)
        if options.get("plan_path"):
            _core.transform.write_plan(plan, str(options["plan_path"]))
    files["main.cpp"] = host_program(plan)
    files["CMakeLists.txt"] = cmake_lists(next(iter(mod.functions)))
    files[PLAN_FILE] = plan_text(plan)
    return files
