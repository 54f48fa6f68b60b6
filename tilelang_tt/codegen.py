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


def generate(mod, **options):
    """Every artifact of the program compiled from mod (an IRModule or PrimFunc) with the
    run_pipeline options; returns {file name: text}."""
    if isinstance(mod, ir.PrimFunc):
        mod = ir.IRModule([mod])
    plan_options = {k: v for k, v in options.items() if k not in ("plan_path", "dump_dir", "verify_each")}
    split = passes.pass_by_name("SplitTTLaunches")(mod)
    functions = list(split.functions.values()) if isinstance(split, ir.IRModule) else [split]
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
