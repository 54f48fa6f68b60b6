// Run statistics, the roofline cycle estimate and the Chrome trace writer (stats.h).
#include "sim/stats.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "ir/diagnostics.h"

namespace tt_sim {

void RunStats::finish_roofline(const tt::target::DeviceSpec &spec) {
    std::map<std::pair<int, int>, uint64_t> math, noc;
    uint64_t dram_bytes = 0;
    for (const KernelRecord &k : kernels) {
        const auto core = std::make_pair(k.core_x, k.core_y);
        math[core] += k.stats.compute_cycles;
        // What passes this core's NoC port: a multicast once, not once per destination.
        const uint64_t moved = k.stats.dram_read_bytes + k.stats.dram_write_bytes + k.stats.noc_read_bytes +
                               k.stats.noc_write_bytes - k.stats.noc_multicast_copy_bytes;
        noc[core] += (moved + spec.noc_bytes_per_cycle - 1) / spec.noc_bytes_per_cycle;
        dram_bytes += k.stats.dram_read_bytes + k.stats.dram_write_bytes;
    }
    compute_cycles = 0;
    noc_cycles = 0;
    for (const auto &e : math) compute_cycles = std::max(compute_cycles, e.second);
    for (const auto &e : noc) noc_cycles = std::max(noc_cycles, e.second);
    dram_cycles = static_cast<uint64_t>(static_cast<double>(dram_bytes) / spec.dram_bytes_per_cycle());
    estimated_cycles = std::max({compute_cycles, noc_cycles, dram_cycles});
    bound = estimated_cycles == compute_cycles ? "compute" : estimated_cycles == dram_cycles ? "dram" : "noc";
}

void RunStats::finish_cost(const tt::target::DeviceSpec &spec) {
    // A core takes as long as its slowest kernel: the kernels of a core run at once.
    std::map<std::pair<int, int>, const KernelRecord *> slowest;
    uint64_t dram_bytes = 0;
    for (const KernelRecord &k : kernels) {
        const KernelRecord *&s = slowest[{k.core_x, k.core_y}];
        if (!s || k.stats.cost_cycles > s->stats.cost_cycles) s = &k;
        dram_bytes += k.stats.dram_read_bytes + k.stats.dram_write_bytes;
    }
    const KernelRecord *busiest = nullptr;
    for (const auto &e : slowest)
        if (!busiest || e.second->stats.cost_cycles > busiest->stats.cost_cycles) busiest = e.second;
    cost_core_cycles = busiest ? busiest->stats.cost_cycles : 0;
    cost_core_x = busiest ? busiest->core_x : 0;
    cost_core_y = busiest ? busiest->core_y : 0;
    cost_dram_cycles = static_cast<uint64_t>(static_cast<double>(dram_bytes) /
                                             (spec.dram_bytes_per_cycle() * spec.cost.dram_efficiency));
    cost_cycles = std::max(cost_core_cycles, cost_dram_cycles);
    if (cost_cycles == cost_dram_cycles && cost_dram_cycles > cost_core_cycles) {
        cost_bound = "dram";
    } else if (!busiest || busiest->stats.unpack_cycles + busiest->stats.math_cycles + busiest->stats.pack_cycles == 0) {
        cost_bound = "noc";
    } else {
        const KernelStats &s = busiest->stats;
        const uint64_t most = std::max({s.unpack_cycles, s.math_cycles, s.pack_cycles});
        cost_bound = most == s.math_cycles ? "math" : most == s.unpack_cycles ? "unpack" : "pack";
    }
}

void RunStats::append(const RunStats &next) {
    kernels.insert(kernels.end(), next.kernels.begin(), next.kernels.end());
    scheduler_steps += next.scheduler_steps;
    processes = std::max(processes, next.processes);
    wall_seconds += next.wall_seconds;
    compile_seconds += next.compile_seconds;
    if (next.estimated_cycles > estimated_cycles) bound = next.bound;
    compute_cycles += next.compute_cycles;
    noc_cycles += next.noc_cycles;
    dram_cycles += next.dram_cycles;
    estimated_cycles += next.estimated_cycles;
    if (next.cost_cycles > cost_cycles) {
        cost_bound = next.cost_bound;
        cost_core_x = next.cost_core_x;
        cost_core_y = next.cost_core_y;
    }
    cost_cycles += next.cost_cycles;
    cost_core_cycles += next.cost_core_cycles;
    cost_dram_cycles += next.cost_dram_cycles;
}

std::string RunStats::to_json() const {
    nlohmann::json j;
    j["device"] = device;
    j["scheduler_steps"] = scheduler_steps;
    j["processes"] = processes;
    j["wall_seconds"] = wall_seconds;
    j["compile_seconds"] = compile_seconds;
    nlohmann::json totals = {{"dram_read_bytes", 0},
                             {"dram_write_bytes", 0},
                             {"noc_read_bytes", 0},
                             {"noc_write_bytes", 0},
                             {"noc_local_bytes", 0},
                             {"noc_multicast_copy_bytes", 0},
                             {"tile_ops", nlohmann::json::object()}};
    nlohmann::json list = nlohmann::json::array();
    for (const KernelRecord &k : kernels) {
        nlohmann::json e;
        e["core"] = {k.core_x, k.core_y};
        e["kernel"] = k.kernel;
        e["file"] = k.file;
        e["tile_ops"] = k.stats.tile_ops;
        e["dram_read_bytes"] = k.stats.dram_read_bytes;
        e["dram_write_bytes"] = k.stats.dram_write_bytes;
        e["noc_read_bytes"] = k.stats.noc_read_bytes;
        e["noc_write_bytes"] = k.stats.noc_write_bytes;
        e["noc_local_bytes"] = k.stats.noc_local_bytes;
        e["noc_multicast_copy_bytes"] = k.stats.noc_multicast_copy_bytes;
        e["cb_stalls"] = k.stats.stalls;
        e["compute_cycles"] = k.stats.compute_cycles;
        e["cost"] = {{"unpack_cycles", k.stats.unpack_cycles}, {"math_cycles", k.stats.math_cycles},
                     {"pack_cycles", k.stats.pack_cycles},     {"dst_handoffs", k.stats.dst_handoffs},
                     {"noc_transfers", k.stats.noc_transfers}, {"noc_barriers", k.stats.noc_barriers},
                     {"cycles", k.stats.cost_cycles}};
        list.push_back(e);
        for (const char *key :
             {"dram_read_bytes", "dram_write_bytes", "noc_read_bytes", "noc_write_bytes", "noc_local_bytes",
              "noc_multicast_copy_bytes"})
            totals[key] = totals[key].get<uint64_t>() + e[key].get<uint64_t>();
        for (const auto &op : k.stats.tile_ops)
            totals["tile_ops"][op.first] = totals["tile_ops"].value(op.first, uint64_t{0}) + op.second;
    }
    j["kernels"] = list;
    j["totals"] = totals;
    j["roofline"] = {{"compute_cycles", compute_cycles},
                     {"noc_cycles", noc_cycles},
                     {"dram_cycles", dram_cycles},
                     {"estimated_cycles", estimated_cycles},
                     {"bound", bound}};
    j["cost"] = {{"estimated_cycles", cost_cycles},
                 {"core_cycles", cost_core_cycles},
                 {"dram_cycles", cost_dram_cycles},
                 {"bound", cost_bound},
                 {"core", {cost_core_x, cost_core_y}}};
    return j.dump(1);
}

void TraceRecorder::slice(const std::string &name, int pid, int tid, uint64_t begin, uint64_t end) {
    if (!enabled) return;
    nlohmann::json e = {{"name", name}, {"ph", "X"},   {"pid", pid},
                        {"tid", tid},   {"ts", begin}, {"dur", end > begin ? end - begin : 1}};
    events_.push_back(e.dump());
}

void TraceRecorder::name_track(int pid, int tid, const std::string &process, const std::string &thread) {
    if (!enabled) return;
    events_.push_back(
        nlohmann::json{{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", process}}}}.dump());
    events_.push_back(
        nlohmann::json{{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", thread}}}}
            .dump());
}

void TraceRecorder::write(const std::string &path) const {
    std::ofstream out(path);
    if (!out) throw tt::Error(tt::ErrorKind::Validation, "cannot write the simulator trace to '" + path + "'");
    out << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    for (size_t i = 0; i < events_.size(); ++i) out << events_[i] << (i + 1 < events_.size() ? ",\n" : "\n");
    out << "]}\n";
}

}  // namespace tt_sim
