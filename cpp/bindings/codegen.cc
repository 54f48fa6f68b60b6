// tilelang_tt._core.codegen, kernel half: the reader/compute/writer sources of a lowered module.
#include <pybind11/stl.h>

#include "bindings/casters.h"
#include "bindings/define.h"
#include "codegen/kernel_printer.h"

namespace tt::bindings {

namespace py = pybind11;

void define_codegen(py::module_ &root) {
    py::module_ m = root.def_submodule("codegen", "TT-Metalium code generators");
    m.def("generate_kernel_sources", &codegen::generate_kernel_sources, py::arg("lowered"),
          "The TT-Metalium C++ of every kernel of a module lowered by run_pipeline, as a dict "
          "{\"reader.cpp\": ..., \"compute.cpp\": ..., \"writer.cpp\": ...} (docs/codegen.md).");
    m.def("generate_kernel_source", &codegen::generate_kernel_source, py::arg("kernel"),
          "The TT-Metalium C++ of one lowered kernel function (attribute tt.kernel_role).");
}

}  // namespace tt::bindings
