// tilelang_tt._core.codegen: the host program (main.cpp) and CMakeLists.txt generators.
#include "bindings/define.h"
#include "codegen/cmake_lists.h"
#include "codegen/host_program.h"

namespace py = pybind11;

namespace tt::bindings {

void define_host_codegen(py::module_ &m) {
    // Shares the submodule define_codegen created (kernel sources), so both halves are _core.codegen.
    py::module_ codegen_module = m.attr("codegen").cast<py::module_>();
    codegen_module.def(
        "generate_host_program",
        [](const std::string &plan_json) { return tt::codegen::generate_host_program(ir::Json::parse(plan_json)); },
        py::arg("plan_json"),
        "main.cpp, the TT-Metalium host program, for a runtime plan given as JSON text (tt.plan.json).");
    codegen_module.def("generate_cmake_lists", &tt::codegen::generate_cmake_lists, py::arg("program_name"),
                       "CMakeLists.txt building main.cpp into `program_name`, against TT-Metalium or the "
                       "simulator (chosen when configuring).");
}

}  // namespace tt::bindings
