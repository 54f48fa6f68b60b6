// The runtime plan writer (see plan.h and docs/plan.md).
#include "transform/plan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

namespace tt::transform {

namespace {

using namespace ir;

std::string access_of(const BufferLayout &layout) {
    if (layout.read && layout.written) return "read_write";
    if (layout.written) return "write";
    return layout.read ? "read" : "none";
}

Json buffer_entry(const std::string &name, const BufferLayout &layout) {
    Json b = {{"name", name},
              {"shape", layout.shape},
              {"dtype", layout.dtype},
              {"data_format", layout.data_format},
              {"layout", std::string(to_string(layout.memory)) + "_" + to_string(layout.layout)},
              {"tensor_layout", "tile"},
              {"page_size", layout.page_size},
              {"num_pages", layout.num_pages},
              {"shape_tiles", layout.shape_tiles},
              {"access", access_of(layout)}};
    // Pages hold the tensor with its axes in storage order, tilized as [batch, rows, cols] matrices;
    // both absent: as given, a batch of matrices over its last two axes.
    if (layout.tile_axes != default_tile_axes(layout.shape.size())) {
        const std::vector<int> order = storage_order(layout.shape.size(), layout.tile_axes);
        std::vector<int> identity(order.size());
        std::iota(identity.begin(), identity.end(), 0);
        if (order != identity) b["storage_order"] = order;
        b["tiled_shape"] = tiled_shape(layout.shape, layout.tile_axes);
    }
    if (layout.shard) b["shard"] = *layout.shard;
    return b;
}

Json cb_entry(const std::string &name, const CBConfig &cb) {
    Json j = cb;
    j["name"] = name;
    return j;
}

/*! The kernel as the plan runner reads it: runtime_args become the per-core values, the slot names
 *  move to runtime_arg_names. */
Json kernel_entry(const KernelDesc &k, const WorkPartition &partition) {
    std::set<std::string> used;
    for (const CoreWork &w : partition.cores) used.insert(core_key(w.core));
    std::set<std::string> given;
    for (const auto &[core, args] : k.per_core_runtime_args) {
        given.insert(core);
        TT_ICHECK(args.size() == k.runtime_args.size())
            << "kernel " << k.name << " names " << k.runtime_args.size() << " runtime arguments but core " << core
            << " gets " << args.size();
    }
    TT_ICHECK(given == used) << "kernel " << k.name << " has runtime arguments for " << given.size()
                             << " cores, the work partition uses " << used.size();
    Json j = k;
    j["runtime_arg_names"] = k.runtime_args;
    j["runtime_args"] = j["per_core_runtime_args"];
    j.erase("per_core_runtime_args");
    if (k.role == KernelRole::Compute) j.erase("noc");
    return j;
}

}  // namespace

Json build_plan(const PrimFunc &lowered, const PassContext &ctx) {
    const std::string device = get_attr<std::string>(lowered, attr::TT_DEVICE, "InferTTLayout");
    const LayoutDesc layouts = get_attr<LayoutDesc>(lowered, attr::TT_LAYOUT_DESC, "InferTTLayout");
    const CBDesc cbs = get_attr<CBDesc>(lowered, attr::TT_CB_DESC, "PropagateTTLayout");
    const WorkPartition partition = get_attr<WorkPartition>(lowered, attr::TT_WORK_PARTITION, "TTTilesToCoreMap");
    const KernelDescs kernels = get_attr<KernelDescs>(lowered, attr::TT_KERNELS, "GridToPersistentTT");
    TT_ICHECK(device == ctx.device().name) << "function compiled for " << device << ", context targets "
                                           << ctx.device().name;

    Json buffers = Json::array();
    for (const Buffer &param : lowered->params) {
        auto layout = layouts.find(param->name);
        TT_ICHECK(layout != layouts.end()) << "parameter " << param->name << " of " << lowered->name
                                           << " has no entry in tt.layout_desc; InferTTLayout writes one per parameter";
        buffers.push_back(buffer_entry(param->name, layout->second));
    }
    std::vector<std::pair<int, Json>> by_index;
    for (const auto &[name, cb] : cbs) by_index.emplace_back(cb.cb_index, cb_entry(name, cb));
    std::sort(by_index.begin(), by_index.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    Json circular_buffers = Json::array();
    for (auto &[index, entry] : by_index) circular_buffers.push_back(std::move(entry));
    Json kernel_list = Json::array();
    for (const KernelDesc &k : kernels) kernel_list.push_back(kernel_entry(k, partition));

    return Json{{"schema_version", kPlanSchemaVersion},
                {"generator", "tilelang-tt"},
                {"kernel_name", lowered->name},
                {"device", device},
                {"arch", ctx.device().arch_name},
                {"core_grid", get_attr<Json>(lowered, attr::TT_CORE_GRID, "InferTTLayout")},
                {"core_ranges", get_attr<Json>(lowered, attr::TT_CORE_RANGES, "TTTilesToCoreMap")},
                {"work_partition", partition},
                {"buffers", buffers},
                {"circular_buffers", circular_buffers},
                {"kernels", kernel_list},
                {"compute_config", get_attr<Json>(lowered, attr::TT_COMPUTE_CONFIG, "PropagateTTLayout")}};
}

Json merge_launch_plans(const PrimFunc &function, const std::vector<Json> &launch_plans) {
    TT_ICHECK(!launch_plans.empty()) << "function " << function->name << " has no launch plans";
    const std::set<std::string> function_wide = {"schema_version", "generator", "kernel_name", "device", "arch", "buffers"};
    Json plan = launch_plans.front();
    plan["kernel_name"] = function->name;
    // Each buffer once: its entry from the first launch that uses it, access combined.
    std::vector<std::string> order;
    std::map<std::string, Json> entries;
    std::map<std::string, size_t> first_launch;
    for (const Buffer &p : function->params) order.push_back(p->name);
    for (size_t i = 0; i < launch_plans.size(); ++i) {
        for (const Json &b : launch_plans[i].at("buffers")) {
            const std::string name = b.at("name").get<std::string>();
            auto [it, first] = entries.emplace(name, b);
            if (first) {
                first_launch[name] = i;
                if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
                continue;
            }
            Json stored = it->second, here = b;
            stored.erase("access");
            here.erase("access");
            if (stored != here) {
                TT_USER_ERROR(Validation, function->span)
                    << "launches " << first_launch[name] << " and " << i << " of " << function->name << " store "
                    << name << " differently (" << stored.dump() << " vs " << here.dump() << "): the copies of each "
                    << "launch choose its layout; instead copy blocks of the same dimensions of " << name
                    << " in every launch";
            }
            const std::string a = it->second.at("access"), c = b.at("access");
            const bool reads = a == "read" || a == "read_write" || c == "read" || c == "read_write";
            const bool writes = a == "write" || a == "read_write" || c == "write" || c == "read_write";
            it->second["access"] = reads && writes ? "read_write" : writes ? "write" : reads ? "read" : "none";
        }
    }
    Json buffers = Json::array();
    for (const std::string &name : order) {
        auto it = entries.find(name);
        if (it == entries.end()) continue;  // a parameter no launch uses
        const bool parameter = std::any_of(function->params.begin(), function->params.end(),
                                           [&](const Buffer &p) { return p->name == name; });
        if (!parameter) it->second["access"] = "none";
        buffers.push_back(it->second);
    }
    plan["buffers"] = buffers;
    Json later = Json::array();
    for (size_t i = 1; i < launch_plans.size(); ++i) {
        Json program = Json::object();
        for (const auto &[key, value] : launch_plans[i].items())
            if (!function_wide.count(key)) program[key] = value;
        later.push_back(program);
    }
    if (!later.empty()) plan["launches"] = later;
    return plan;
}

void write_plan(const Json &plan, const std::string &path) {
    const std::filesystem::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    std::ofstream out(path);
    if (!out) TT_USER_ERROR(Validation, Span()) << "cannot write the runtime plan to " << path << " (plan_path)";
    out << plan.dump(2) << "\n";
}

}  // namespace tt::transform
