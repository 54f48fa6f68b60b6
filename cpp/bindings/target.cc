// tilelang_tt._core: the device table (tilelang_tt.sim.device_spec and the pass pipeline).
#include <pybind11/stl.h>

#include "bindings/define.h"
#include "target/device.h"

namespace py = pybind11;

namespace tt::bindings {

void define_target(py::module_ &m) {
    py::module_ target = m.def_submodule("target", "Tenstorrent device table");
    target.def("device_names", &tt::target::device_names, "Every name lookup_device accepts.");
    target.def("card_names", &tt::target::card_names, "One canonical name per device table entry.");
    target.def(
        "lookup_device",
        [](const std::string &name) {
            const tt::target::DeviceSpec &s = tt::target::lookup_device(name);
            py::dict d;
            d["name"] = s.name;
            d["arch"] = s.arch_name;
            d["grid"] = py::make_tuple(s.grid_x, s.grid_y);
            d["worker_noc_x"] = s.worker_noc_x;
            d["worker_noc_y"] = s.worker_noc_y;
            d["l1_bytes"] = s.l1_bytes;
            d["l1_unreserved_base"] = s.l1_unreserved_base;
            d["l1_alignment"] = s.l1_alignment;
            d["num_circular_buffers"] = s.num_circular_buffers;
            d["num_semaphores"] = s.num_semaphores;
            d["max_runtime_args"] = s.max_runtime_args;
            d["dram_banks"] = s.dram_banks;
            d["dram_bytes"] = s.dram_bytes;
            d["dram_alignment"] = s.dram_alignment;
            d["dram_bandwidth_gbs"] = s.dram_bandwidth_gbs;
            d["clock_ghz"] = s.clock_ghz;
            d["noc_bytes_per_cycle"] = s.noc_bytes_per_cycle;
            d["noc_max_burst_bytes"] = s.noc_max_burst_bytes;
            d["supports_fp32_dest_acc"] = s.supports_fp32_dest_acc;
            py::dict dst;
            for (bool fp32 : {false, true})
                for (bool full : {false, true})
                    dst[py::make_tuple(fp32, full)] = s.dst_tiles(fp32, full);
            d["dst_tiles"] = dst;
            py::dict mm;
            for (auto f : {tt::target::MathFidelity::LoFi, tt::target::MathFidelity::HiFi2, tt::target::MathFidelity::HiFi3,
                           tt::target::MathFidelity::HiFi4})
                mm[py::str(tt::target::to_string(f))] = s.matmul_cycles_per_tile(f);
            d["matmul_cycles_per_tile"] = mm;
            return d;
        },
        py::arg("name"), "The device table entry for `name` as a dict; raises ValidationError listing valid names.");
}

}  // namespace tt::bindings
