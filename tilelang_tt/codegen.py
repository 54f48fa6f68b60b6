"""From a parsed kernel to the files of a TT-Metalium program.

``generate(mod, **options)`` runs the pipeline (:func:`tilelang_tt.passes.run_pipeline`) and the
C++ code generators and returns every artifact as text: ``reader.cpp``, ``compute.cpp``,
``writer.cpp`` (the kernels), ``main.cpp`` (the host program), ``CMakeLists.txt`` and
``tt.plan.json`` (the runtime plan). Output is deterministic: the same kernel and options give
byte-identical files.
"""

import json

from . import _core, ir, passes

PLAN_FILE = "tt.plan.json"


def plan_text(plan):
    """The one serialization of a plan written to disk."""
    return json.dumps(plan, indent=2, sort_keys=True) + "\n"


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
    lowered = passes.run_pipeline(mod, **options)
    plan_options = {k: v for k, v in options.items() if k not in ("plan_path", "dump_dir", "verify_each")}
    plan = passes.build_plan(lowered, **plan_options)
    files = kernel_sources(lowered)
    files["main.cpp"] = host_program(plan)
    files["CMakeLists.txt"] = cmake_lists(next(iter(mod.functions)))
    files[PLAN_FILE] = plan_text(plan)
    return files
