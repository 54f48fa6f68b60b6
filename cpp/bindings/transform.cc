// tilelang_tt._core.transform: the pass manager, the registered passes and the runtime plan
// (wrapped by tilelang_tt.passes).
#include <pybind11/stl.h>

#include "bindings/casters.h"
#include "bindings/define.h"
#include "transform/plan.h"
#include "transform/shape_formula.h"
#include "transform/verify_well_formed.h"

namespace py = pybind11;

namespace tt::bindings {

using namespace tt::transform;

void define_transform(py::module_ &root) {
    py::module_ m = root.def_submodule("transform", "Pass manager, passes and runtime plan (use tilelang_tt.passes)");

    py::class_<PassContext>(m, "PassContext", "Validated run_pipeline options and the device they select.")
        .def(py::init([](const Json &options) { return PassContext::from_json(options); }),
             py::arg("options") = Json::object())
        .def_property_readonly("options", &PassContext::to_json)
        .def_property_readonly("device", [](const PassContext &c) { return c.device().name; });

    py::class_<Pass>(m, "Pass", "A registered pass: a name and a function on modules.")
        .def_readonly("name", &Pass::name)
        .def("__repr__", [](const Pass &p) { return "<Pass " + p.name + ">"; });

    py::class_<Pipeline>(m, "Pipeline", "An ordered list of registered passes.")
        .def(py::init(&Pipeline::parse), py::arg("text"))
        .def("__str__", &Pipeline::to_string)
        .def_property_readonly("pass_names",
                               [](const Pipeline &p) {
                                   std::vector<std::string> names;
                                   for (const Pass &pass : p.passes()) names.push_back(pass.name);
                                   return names;
                               })
        .def(
            "run",
            [](const Pipeline &p, const ir::IRModule &mod, const PassContext &ctx) {
                PipelineReport report;
                ir::IRModule out = p.run(mod, ctx, &report);
                return py::make_tuple(out, json_to_py(report.to_json()), report.to_string());
            },
            py::arg("mod"), py::arg("ctx"),
            "Runs the passes with verification, timing and dumps; returns (module, report dict, report text).");

    m.def("lookup_pass", &lookup_pass, py::arg("name"));
    m.def("registered_pass_names", &registered_pass_names);
    m.attr("DEFAULT_PIPELINE") = kDefaultPipeline;
    m.def("build_plan", &build_plan, py::arg("func"), py::arg("ctx"));
    m.def("write_plan", &write_plan, py::arg("plan"), py::arg("path"));
    m.def("specialize_plan", &specialize_plan, py::arg("plan"), py::arg("sizes"),
          "The plan of a program with dynamic dimensions at the given sizes ({name: size}).");
    m.def("merge_launch_plans", &merge_launch_plans, py::arg("function"), py::arg("launch_plans"),
          "The plan of a multi-launch function from its launches' plans, in order (transform/plan.h).");
    m.def(
        "check_well_formed",
        [](const ir::IRModule &mod) {
            std::vector<std::string> out;
            for (const WellFormedViolation &v : check_well_formed(mod)) out.push_back(v.to_string());
            return out;
        },
        py::arg("mod"));
    m.def(
        "decode_block_index",
        [](const Json &partition, int64_t linear_block_id) {
            return decode_block_index(partition.get<WorkPartition>(), linear_block_id);
        },
        py::arg("work_partition"), py::arg("linear_block_id"),
        "The launch-grid index of a block, given a tt.work_partition value.");
}

}  // namespace tt::bindings
