// tilelang_tt._core: the simulator's entry points for tilelang_tt.sim (plan runner, tilize,
// statistics, where the runtime library lives for host programs).
#include <pybind11/stl.h>

#include "bindings/define.h"
#include "sim/plan.h"
#include "sim/session.h"

namespace py = pybind11;

namespace tt::bindings {

namespace {

tt_sim::HostTensor to_tensor(const py::tuple &item) {
    tt_sim::HostTensor t;
    const std::string bytes = item[0].cast<std::string>();
    t.data.assign(bytes.begin(), bytes.end());
    t.shape = item[1].cast<std::vector<int64_t>>();
    return t;
}

}  // namespace

void define_sim(py::module_ &m) {
    py::module_ sim = m.def_submodule("sim", "Functional simulator of TT-Metalium programs (use tilelang_tt.sim)");
    sim.def(
        "run_plan",
        [](const std::string &plan_json, const std::string &kernel_dir, const py::dict &inputs, const std::string &device) {
            std::map<std::string, tt_sim::HostTensor> host;
            for (const auto &item : inputs) host[item.first.cast<std::string>()] = to_tensor(item.second.cast<py::tuple>());
            tt_sim::PlanResult result;
            {
                py::gil_scoped_release release;
                result = tt_sim::run_plan(nlohmann::json::parse(plan_json), kernel_dir, host, device);
            }
            py::dict outputs;
            for (const auto &b : result.buffers)
                outputs[py::str(b.first)] = py::make_tuple(py::bytes(reinterpret_cast<const char *>(b.second.data.data()), b.second.data.size()),
                                                            b.second.shape);
            return py::make_tuple(outputs, result.stats.to_json());
        },
        py::arg("plan_json"), py::arg("kernel_dir"), py::arg("inputs"), py::arg("device") = "",
        "Run kernel sources + a runtime plan; inputs map buffer names to (row-major bytes, shape).");
    sim.def(
        "tilize",
        [](const py::bytes &data, const std::vector<int64_t> &shape, uint32_t element_bytes) {
            tt_sim::HostTensor t{shape, {}};
            const std::string raw = data;
            t.data.assign(raw.begin(), raw.end());
            const std::vector<uint8_t> out = tt_sim::tilize(t, element_bytes);
            return py::bytes(reinterpret_cast<const char *>(out.data()), out.size());
        },
        "Row-major tensor bytes -> 32x32 tiles in face order (last two dims zero-padded to tiles).");
    sim.def(
        "untilize",
        [](const py::bytes &data, const std::vector<int64_t> &shape, uint32_t element_bytes) {
            const std::string raw = data;
            const tt_sim::HostTensor t = tt_sim::untilize(std::vector<uint8_t>(raw.begin(), raw.end()), shape, element_bytes);
            return py::bytes(reinterpret_cast<const char *>(t.data.data()), t.data.size());
        },
        "Tiles in face order -> row-major tensor bytes of `shape`.");
    sim.def("last_stats_json", []() { return tt_sim::last_run_stats().to_json(); });
    sim.def("runtime_library", &tt_sim::runtime_library_path,
            "Path of libtt_metal_sim.so, which host programs link against.");
}

}  // namespace tt::bindings
