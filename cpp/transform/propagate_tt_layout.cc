// PropagateTTLayout: circular buffers, compute configuration and the L1 budget
// (contract in propagate_tt_layout.h).
#include "transform/propagate_tt_layout.h"

#include <algorithm>
#include <sstream>

#include "transform/analysis.h"
#include "transform/shard_placement.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! A CB being planned, with what the index assignment and the error messages need. */
struct PlannedCB {
    std::string name;
    CBConfig config;
    int order;  ///< position among CBs of its flow (program order of fill / drain, or allocation)
};

ComputeConfig compute_config_of(const DataFlow &flow, const PassContext &ctx) {
    const target::DeviceSpec &device = ctx.device();
    ComputeConfig config;
    config.math_fidelity = target::to_string(ctx.options().math_fidelity);
    // Values compute produces in float32 (a gemm accumulator, an element-wise or reduction result,
    // an on-chip copy) keep fp32 in DST.
    const bool fp32_accumulator = std::any_of(flow.on_chip.begin(), flow.on_chip.end(), [](const OnChipFlow &f) {
        return (f.gemm_accumulator || f.computed) && f.buffer->dtype == DataType::float32();
    });
    config.fp32_dest_acc_en =
        ctx.options().fp32_dest_acc_en.value_or(fp32_accumulator && device.supports_fp32_dest_acc);
    config.dst_tiles = device.dst_tiles(config.fp32_dest_acc_en, config.dst_full_sync_en);
    return config;
}

int depth_of(const OnChipFlow &f, CBFlow flow, const PassOptions &o) {
    switch (flow) {
    case CBFlow::Input:
        if (f.fill_stages > 0) return o.enable_double_buffer ? std::max(2, f.fill_stages) : 1;
        return o.enable_prefetch ? 2 : 1;
    case CBFlow::Output: return o.enable_double_buffer ? 2 : 1;
    case CBFlow::Intermediate: return 1;
    }
    return 1;
}

CBConfig make_cb(CBFlow flow, DataType page_dtype, DataType buffer_dtype, int64_t tiles, int depth) {
    CBConfig cb;
    cb.flow = flow;
    cb.dtype = buffer_dtype.to_string();
    cb.data_format = tt_data_format(page_dtype);
    cb.page_size = tile_bytes(page_dtype);
    cb.tiles_per_stage = tiles;
    cb.depth = depth;
    cb.num_pages = tiles * depth;
    return cb;
}

/*! The CBs of one on-chip buffer: its own, plus a partials CB for a large gemm accumulator. */
std::vector<PlannedCB> plan_cbs(const OnChipFlow &f, int allocation_order, const PassContext &ctx,
                                const ComputeConfig &compute, const LayoutDesc &layouts) {
    const Buffer &b = f.buffer;
    const std::vector<int64_t> shape = constant_shape(b, "on-chip buffer");
    check_tile_aligned(b, shape, "on-chip buffer", {}, TilePadding::ColumnsAndSmallRows);
    if (tt_data_format(b->dtype).empty()) {
        TT_USER_ERROR(Validation, b->span) << "on-chip buffer " << b->name << " has dtype " << b->dtype.to_string()
                                           << ", which has no Tenstorrent tile format";
    }
    const int64_t tiles = tiles_of_shape(shape);
    const CBFlow flow = f.filled_from ? CBFlow::Input : f.drained_to ? CBFlow::Output : CBFlow::Intermediate;
    const DataType page_dtype = flow == CBFlow::Input    ? f.filled_from->dtype
                                : flow == CBFlow::Output ? f.drained_to->dtype
                                                         : b->dtype;
    const int order = flow == CBFlow::Input ? f.fill_order : flow == CBFlow::Output ? f.drain_order : allocation_order;
    std::vector<PlannedCB> cbs = {{b->name, make_cb(flow, page_dtype, b->dtype, tiles, depth_of(f, flow, ctx.options())), order}};
    // The NoC moves tiles unconverted: a buffer filled from a block-float tensor holds its format
    // (the unpacker dequantizes it for the engines).
    auto source = flow == CBFlow::Input ? layouts.find(f.filled_from->name) : layouts.end();
    if (source != layouts.end() && block_float_tile_bytes(source->second.data_format)) {
        cbs.front().config.data_format = source->second.data_format;
        cbs.front().config.page_size = source->second.page_size;
    }
    if (f.gemm_accumulator && flow != CBFlow::Intermediate && tiles > compute.dst_tiles) {
        cbs.push_back({b->name + ".partials", make_cb(CBFlow::Intermediate, b->dtype, b->dtype, tiles, 1), allocation_order});
        // The partial sums stay in their own CB; the drained one only passes the final value from
        // compute to the writer, a DST load at a time (compute packs at most dst_tiles tiles per
        // push, the writer drains a subblock of at most as many per wait).
        if (flow == CBFlow::Output) {
            const int64_t passing = std::min<int64_t>(tiles, compute.dst_tiles);
            cbs.front().config = make_cb(flow, page_dtype, b->dtype, passing, depth_of(f, flow, ctx.options()));
        }
    }
    return cbs;
}

std::string kib(int64_t bytes) {
    std::ostringstream os;
    os << bytes << " bytes (" << (bytes + 1023) / 1024 << " KiB)";
    return os.str();
}

/*! Deals indices per flow in `order` and checks each flow's index range. */
void assign_indices(std::vector<PlannedCB> &cbs, int num_cbs, const Span &span) {
    struct FlowRange {
        CBFlow flow;
        int first;
        int end;
    };
    const FlowRange ranges[] = {{CBFlow::Input, kFirstInputCB, kFirstOutputCB},
                                {CBFlow::Output, kFirstOutputCB, kFirstIntermediateCB},
                                {CBFlow::Intermediate, kFirstIntermediateCB, num_cbs}};
    std::stable_sort(cbs.begin(), cbs.end(), [](const PlannedCB &a, const PlannedCB &b) { return a.order < b.order; });
    for (const FlowRange &range : ranges) {
        std::vector<PlannedCB *> of_flow;
        for (PlannedCB &cb : cbs) {
            if (cb.config.flow == range.flow) of_flow.push_back(&cb);
        }
        if (static_cast<int>(of_flow.size()) > range.end - range.first) {
            std::ostringstream list;
            for (const PlannedCB *cb : of_flow) list << "\n  " << cb->name << ": " << kib(cb->config.total_bytes());
            TT_USER_ERROR(Validation, span) << of_flow.size() << " " << to_string(range.flow)
                                            << " circular buffers are needed but the device has indices c_" << range.first
                                            << "..c_" << range.end - 1 << " (" << range.end - range.first
                                            << ") for them:" << list.str();
        }
        for (size_t i = 0; i < of_flow.size(); ++i) of_flow[i]->config.cb_index = range.first + static_cast<int>(i);
    }
}

}  // namespace

int64_t l1_bytes_per_core(const BufferLayout &layout, const target::DeviceSpec &device) {
    if (layout.memory != MemoryKind::L1) return 0;
    if (layout.shard) return shard_tiles_per_core(*layout.shard, layout.shape_tiles) * layout.page_size;
    return (layout.num_pages + device.num_cores() - 1) / device.num_cores() * layout.page_size;
}

void check_l1_budget(const CBDesc &cbs, const LayoutDesc &layouts, const target::DeviceSpec &device,
                     const std::string &kernel, const Span &at) {
    const int64_t budget = device.l1_free_bytes();
    int64_t total = 0;
    std::ostringstream list;
    std::vector<std::pair<std::string, CBConfig>> by_index(cbs.begin(), cbs.end());
    std::sort(by_index.begin(), by_index.end(), [](const auto &a, const auto &b) { return a.second.cb_index < b.second.cb_index; });
    for (const auto &[name, cb] : by_index) {
        total += cb.total_bytes();
        list << "\n  " << name << " (c_" << cb.cb_index << ", " << cb.num_pages << " pages of " << cb.page_size
             << " bytes): " << kib(cb.total_bytes());
    }
    bool global_in_l1 = false;
    for (const auto &[name, layout] : layouts) {
        const int64_t bytes = l1_bytes_per_core(layout, device);
        if (bytes == 0) continue;
        total += bytes;
        global_in_l1 = true;
        list << "\n  " << name << " (" << (layout.shard ? "sharded" : "interleaved")
             << " tensor in L1, per core): " << kib(bytes);
    }
    if (total > budget) {
        TT_USER_ERROR(Validation, at)
            << "kernel " << kernel << " needs " << kib(total) << " of L1 per core, but a " << device.name << " core has "
            << kib(budget) << " for buffers:" << list.str()
            << "\nuse smaller blocks, fewer T.Pipelined stages, or enable_double_buffer=False"
            << (global_in_l1 ? "; or shard the L1 tensors over more cores, or keep some of them in DRAM" : "");
    }
}

PrimFunc propagate_tt_layout(const PrimFunc &func, const PassContext &ctx) {
    const LayoutDesc layouts = get_attr<LayoutDesc>(func, attr::TT_LAYOUT_DESC, "InferTTLayout");
    const DataFlow flow = analyze_data_flow(func);
    const ComputeConfig compute = compute_config_of(flow, ctx);
    std::vector<PlannedCB> cbs;
    for (size_t i = 0; i < flow.on_chip.size(); ++i) {
        for (PlannedCB &cb : plan_cbs(flow.on_chip[i], static_cast<int>(i), ctx, compute, layouts)) cbs.push_back(std::move(cb));
    }
    assign_indices(cbs, ctx.device().num_circular_buffers, func->span);
    CBDesc desc;
    for (const PlannedCB &cb : cbs) {
        if (!desc.emplace(cb.name, cb.config).second) {
            TT_USER_ERROR(Validation, func->span) << "kernel " << func->name << " has two on-chip buffers named " << cb.name
                                                  << "; circular buffers are keyed by name, rename one";
        }
    }
    check_l1_budget(desc, layouts, ctx.device(), func->name, func->span);
    return with_attr(with_attr(func, attr::TT_COMPUTE_CONFIG, compute), attr::TT_CB_DESC, desc);
}

Pass propagate_tt_layout_pass() {
    return Pass{"PropagateTTLayout", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return propagate_tt_layout(f, ctx); });
                }};
}

}  // namespace tt::transform
