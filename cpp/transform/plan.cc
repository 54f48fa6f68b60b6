// The runtime plan writer (see plan.h and docs/plan.md).
#include "transform/plan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include "ir/functor.h"
#include "transform/propagate_tt_layout.h"
#include "transform/shape_formula.h"

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
    if (layout.tile_axes != default_tile_axes(layout.shape.size()) || layout.row_block) {
        const std::vector<int> order = storage_order(layout.shape.size(), layout.tile_axes);
        std::vector<int> identity(order.size());
        std::iota(identity.begin(), identity.end(), 0);
        if (order != identity) b["storage_order"] = order;
        const auto [shape, axes] = blocked_shape(layout);
        b["tiled_shape"] = tiled_shape(shape, axes);
    }
    // Stored with extents past the shape (T.copy blocks run past its edge): zeros there.
    if (layout.padded_shape != layout.shape) b["padded_shape"] = layout.padded_shape;
    if (layout.shard) b["shard"] = *layout.shard;
    return b;
}

Json cb_entry(const std::string &name, const CBConfig &cb) {
    Json j = cb;
    j["name"] = name;
    return j;
}

/*! The program's name: the function the kernels were made from, without the role suffix its
 *  kernels' symbols carry ("gemm" for gemm_reader, gemm_compute and gemm_writer). */
std::string program_name(const PrimFunc &lowered) {
    std::string name = find_attr<std::string>(lowered, attr::GLOBAL_SYMBOL).value_or(lowered->name);
    if (auto role = find_attr<std::string>(lowered, attr::TT_KERNEL_ROLE)) {
        const std::string suffix = "_" + *role;
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            name.resize(name.size() - suffix.size());
    }
    return name;
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
    if (k.unpack_to_dest_fp32.empty()) j.erase("unpack_to_dest_fp32");
    return j;
}

/*! A plan number as a formula of the dynamic dimensions: the number when the formula is constant,
 *  else {"formula": F}, checked to give the number at the sizes the function is specialized at. */
Json sized(const Json &number, const Json &formula, const DimValues &sizes) {
    if (formula.is_number_integer()) {
        TT_ICHECK(formula == number) << "static formula " << formula.dump() << " for " << number.dump();
        return number;
    }
    TT_ICHECK(evaluate_formula(formula, sizes) == number.get<int64_t>())
        << "formula " << formula.dump() << " gives " << evaluate_formula(formula, sizes) << ", the plan has "
        << number.dump();
    return Json{{"formula", formula}};
}

Json sized_list(const Json &numbers, const std::vector<Json> &formulas, const DimValues &sizes) {
    TT_ICHECK(numbers.size() == formulas.size()) << "formulas for " << numbers.dump();
    Json out = Json::array();
    for (size_t i = 0; i < formulas.size(); ++i) out.push_back(sized(numbers[i], formulas[i], sizes));
    return out;
}

/*! The plan of a function with dynamic dimensions made to serve every size: its size-dependent
 *  numbers become formulas (tensor extents and tiles, the block partition), and "dynamic_dims" says
 *  where a host reads each dimension. The runtime arguments are formulas already (GridToPersistentTT). */
void generalize(Json &plan, const DynamicShape &dynamic, const LayoutDesc &layouts) {
    DimValues sizes;
    Json dims = Json::array();
    for (const DynamicDim &d : dynamic.dims) {
        sizes[d.name] = d.value;
        dims.push_back({{"name", d.name}, {"tensor", d.tensor}, {"axis", d.axis}});
    }
    plan["dynamic_dims"] = dims;
    for (Json &b : plan["buffers"]) {
        auto axes = dynamic.tensor_axes.find(b["name"].get<std::string>());
        if (axes == dynamic.tensor_axes.end()) continue;
        const BufferLayout &layout = layouts.at(b["name"].get<std::string>());
        const LayoutFormulas f = layout_formulas(layout, axes->second);
        b["shape"] = sized_list(b["shape"], f.shape, sizes);
        b["padded_shape"] = sized_list(layout.padded_shape, f.padded_shape, sizes);
        b["shape_tiles"] = sized_list(b["shape_tiles"], f.shape_tiles, sizes);
        b["num_pages"] = sized(b["num_pages"], f.num_pages, sizes);
        if (b.contains("tiled_shape")) b["tiled_shape"] = sized_list(b["tiled_shape"], f.tiled_shape, sizes);
    }
    Json &partition = plan["work_partition"];
    const Json total = formula_product(dynamic.grid);
    partition["grid"] = sized_list(partition["grid"], dynamic.grid, sizes);
    partition["total_blocks"] = sized(partition["total_blocks"], total, sizes);
    const int64_t cores = partition["num_cores"].get<int64_t>();
    for (size_t k = 0; k < partition["cores"].size(); ++k) {
        Json &core = partition["cores"][k];
        const auto [start, count] = core_block_range(total, cores, static_cast<int64_t>(k));
        core["start"] = sized(core["start"], start, sizes);
        core["count"] = sized(core["count"], count, sizes);
    }
}

}  // namespace

Json build_plan(const PrimFunc &lowered, const PassContext &ctx) {
    const std::string device = get_attr<std::string>(lowered, attr::TT_DEVICE, "InferTTLayout");
    const LayoutDesc layouts = get_attr<LayoutDesc>(lowered, attr::TT_LAYOUT_DESC, "InferTTLayout");
    const CBDesc cbs = get_attr<CBDesc>(lowered, attr::TT_CB_DESC, "PropagateTTLayout");
    const WorkPartition partition = get_attr<WorkPartition>(lowered, attr::TT_WORK_PARTITION, "TTTilesToCoreMap");
    const KernelDescs kernels = get_attr<KernelDescs>(lowered, attr::TT_KERNELS, "GridToPersistentTT");
    TT_ICHECK(device == ctx.device().name)
        << "function compiled for " << device << ", context targets " << ctx.device().name;

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

    Json plan{{"schema_version", kPlanSchemaVersion},
              {"generator", "tilelang-tt"},
              {"kernel_name", program_name(lowered)},
              {"device", device},
              {"arch", ctx.device().arch_name},
              {"core_grid", get_attr<Json>(lowered, attr::TT_CORE_GRID, "InferTTLayout")},
              {"core_ranges", get_attr<Json>(lowered, attr::TT_CORE_RANGES, "TTTilesToCoreMap")},
              {"work_partition", partition},
              {"buffers", buffers},
              {"circular_buffers", circular_buffers},
              {"kernels", kernel_list},
              {"compute_config", get_attr<Json>(lowered, attr::TT_COMPUTE_CONFIG, "PropagateTTLayout")}};
    // Two semaphores per multicast operand (tt_multicast.h), on every core, starting at zero.
    if (auto multicast = find_attr<MulticastPlan>(lowered, attr::TT_MULTICAST)) {
        plan["semaphores"] = Json::array();
        for (size_t i = 0; i < 2 * multicast->operands.size(); ++i) plan["semaphores"].push_back({{"initial_value", 0}});
    }
    if (auto dynamic = find_attr<DynamicShape>(lowered, attr::TT_DYNAMIC_SHAPE)) generalize(plan, *dynamic, layouts);
    return plan;
}

namespace {

/*! What one launch's plan entry says differs from another's, as text ("storage_order [0, 2, 1] vs
 *  none"); access does not count. */
std::string layout_difference(const Json &a, const Json &b) {
    std::string out;
    std::set<std::string> keys;
    for (const auto &[key, value] : a.items()) keys.insert(key);
    for (const auto &[key, value] : b.items()) keys.insert(key);
    for (const std::string &key : keys) {
        if (key == "access") continue;
        const Json x = a.value(key, Json()), y = b.value(key, Json());
        if (x == y) continue;
        out += (out.empty() ? "" : ", ") + key + " " + (x.is_null() ? "none" : x.dump()) + " vs " +
               (y.is_null() ? "none" : y.dump());
    }
    return out;
}

bool reads(const std::string &access) {
    return access == "read" || access == "read_write";
}

bool writes(const std::string &access) {
    return access == "write" || access == "read_write";
}

}  // namespace

/*! The function's tensors in L1 (of every launch) live as long as the function: the host program
 *  creates all its buffers before the first launch. So each launch's circular buffers must fit a
 *  core's L1 next to all of them, not only next to its own (PropagateTTLayout checked those). */
template <typename AtLaunch>
void check_l1_across_launches(const PrimFunc &function, const std::vector<Json> &launch_plans, const Json &buffers,
                              const AtLaunch &at_launch) {
    LayoutDesc in_l1;
    for (const Json &b : buffers) {
        const std::string layout = b.at("layout").get<std::string>();
        if (layout.rfind("l1_", 0) != 0 || !b.at("num_pages").is_number()) continue;
        BufferLayout l1;
        l1.memory = MemoryKind::L1;
        l1.page_size = b.at("page_size").get<int64_t>();
        l1.num_pages = b.at("num_pages").get<int64_t>();
        l1.shape_tiles = b.at("shape_tiles").get<std::vector<int64_t>>();
        if (b.contains("shard")) l1.shard = b.at("shard").get<ShardSpec>();
        in_l1[b.at("name").get<std::string>()] = l1;
    }
    if (in_l1.empty()) return;
    const target::DeviceSpec &device = target::lookup_device(launch_plans.front().at("device").get<std::string>());
    for (size_t i = 0; i < launch_plans.size(); ++i) {
        CBDesc cbs;
        for (const Json &cb : launch_plans[i].at("circular_buffers"))
            cbs[cb.at("name").get<std::string>()] = cb.get<CBConfig>();
        check_l1_budget(cbs, in_l1, device, function->name + " (launch " + std::to_string(i) + ")", at_launch(i));
    }
}

Json merge_launch_plans(const PrimFunc &function, const std::vector<Json> &launch_plans) {
    TT_ICHECK(!launch_plans.empty()) << "function " << function->name << " has no launch plans";
    const std::set<std::string> function_wide = {"schema_version", "generator", "kernel_name",
                                                 "device",         "arch",      "buffers"};
    std::vector<Span> launch_spans;  // where each launch is written, for errors
    post_order_visit(function->body, [&](const Node *n) {
        if (n->kind == NodeKind::KernelLaunch) launch_spans.push_back(n->span);
    });
    auto at_launch = [&](size_t i) { return i < launch_spans.size() ? launch_spans[i] : function->span; };
    Json plan = launch_plans.front();
    plan["kernel_name"] = function->name;
    // Each buffer once: its entry from the first launch that uses it. The host uploads what that
    // launch reads and reads back what any launch writes.
    std::vector<std::string> order;
    std::map<std::string, Json> entries;
    std::map<std::string, size_t> first_launch;
    std::map<std::string, bool> written;
    for (const Buffer &p : function->params) order.push_back(p->name);
    for (size_t i = 0; i < launch_plans.size(); ++i) {
        for (const Json &b : launch_plans[i].at("buffers")) {
            const std::string name = b.at("name").get<std::string>();
            const std::string access = b.at("access").get<std::string>();
            auto [it, first] = entries.emplace(name, b);
            written[name] = written[name] || writes(access);
            if (first) {
                first_launch[name] = i;
                if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
                continue;
            }
            const std::string difference = layout_difference(it->second, b);
            if (!difference.empty()) {
                TT_USER_ERROR(Validation, at_launch(i))
                    << "this launch stores " << name << " differently from launch " << first_launch[name] << " (line "
                    << at_launch(first_launch[name]).line << "): " << difference
                    << "; the blocks each launch copies choose a tensor's layout, so instead copy blocks of the same "
                    << "dimensions of " << name << " in every launch";
            }
        }
    }
    Json buffers = Json::array();
    for (const std::string &name : order) {
        Json &entry = entries.at(name);
        const std::string first_access = entry.at("access").get<std::string>();
        const bool parameter = std::any_of(function->params.begin(), function->params.end(),
                                           [&](const Buffer &p) { return p->name == name; });
        if (!parameter && reads(first_access)) {
            TT_USER_ERROR(Validation, at_launch(first_launch[name]))
                << "this launch reads " << name << ", which T.alloc_global allocates and no launch before it "
                << "writes, so its contents are undefined; instead write it in an earlier launch, or pass it as a "
                << "parameter";
        }
        const bool input = parameter && reads(first_access);
        const bool output = parameter && written[name];
        entry["access"] = input && output ? "read_write" : output ? "write" : input ? "read" : "none";
        buffers.push_back(entry);
    }
    plan["buffers"] = buffers;
    check_l1_across_launches(function, launch_plans, buffers, at_launch);
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
