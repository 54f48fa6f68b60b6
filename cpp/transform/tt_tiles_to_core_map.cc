// TTTilesToCoreMap: balanced assignment of launch-grid blocks to cores
// (contract in tt_tiles_to_core_map.h).
#include "transform/tt_tiles_to_core_map.h"

#include <algorithm>
#include <cmath>

#include "transform/analysis.h"
#include "transform/shard_placement.h"
#include "transform/tt_multicast.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! The kernel's enabled T.use_swizzle request, or nullptr. */
const Json *swizzle_request(const PrimFunc &func) {
    auto swizzle = func->attrs.find(attr::TL_SWIZZLE);
    if (swizzle == func->attrs.end() || !swizzle->second.value("enable", true)) return nullptr;
    if (swizzle->second.value("order", std::string("row")) != "row") {
        TT_USER_ERROR(Validation, func->span)
            << "T.use_swizzle(order=\"" << swizzle->second.value("order", std::string())
            << "\") is not supported on Tenstorrent: block panels run along rows; use order=\"row\"";
    }
    return &swizzle->second;
}

/*! T.use_swizzle asks for TileLang's panel rasterization of the launch grid; on Tenstorrent that
 *  is the order in which the block strategy deals blocks, so a swizzled kernel is dealt in panels
 *  (serpentine's own panels when it was asked for). column_major deals columns and cannot honour
 *  row panels, so the combination is an error. */
PartitionStrategy effective_strategy(const PrimFunc &func, PartitionStrategy requested) {
    if (!swizzle_request(func) || requested == PartitionStrategy::Serpentine) return requested;
    if (requested == PartitionStrategy::ColumnMajor) {
        TT_USER_ERROR(Validation, func->span)
            << "T.use_swizzle requests row panels, which partition_strategy=\"column_major\" cannot honour; "
               "use partition_strategy=\"row_major\" or \"block\", or remove T.use_swizzle";
    }
    return PartitionStrategy::Block;
}

/*! Rows per panel for the block strategy: the kernel's T.use_swizzle panel_size when enabled,
 *  else the side of a square holding one core's share of blocks. */
int block_panel(const PrimFunc &func, const std::vector<int64_t> &grid, int num_cores) {
    if (const Json *swizzle = swizzle_request(func)) return std::max(1, swizzle->value("panel_size", 1));
    if (func->attrs.count(attr::TT_DYNAMIC_SHAPE)) return 1;  // the same panel at every size
    int64_t blocks = 1;
    for (int64_t g : grid) blocks *= g;
    const int64_t per_core = (blocks + num_cores - 1) / num_cores;
    return std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(per_core)))));
}

/*! Blocks a partition runs on the core that holds their shard (homes: block_home_cores). */
int64_t local_blocks(const WorkPartition &partition, const std::vector<int> &homes) {
    int64_t local = 0;
    for (size_t k = 0; k < partition.cores.size(); ++k) {
        const CoreWork &work = partition.cores[k];
        for (int64_t id = work.start; id < work.start + work.count; ++id) {
            const std::vector<int64_t> block = decode_block_index(partition, id);
            int64_t canonical = 0;  // block var 0 fastest, as block_home_cores numbers blocks
            for (size_t d = block.size(); d-- > 0;) canonical = canonical * partition.grid[d] + block[d];
            local += homes[canonical] == static_cast<int>(k);
        }
    }
    return local;
}

/*! The partition of a program with L1-sharded tensors: `chosen` (the user's strategy, or row_major)
 *  unless the block strategy at some panel height runs more blocks on the core holding their
 *  shard (when the panel is free: no strategy named, or block without T.use_swizzle), so that
 *  their reads and writes stay in the core's own L1. The first best wins; a full match stops. */
WorkPartition placed_partition(const PrimFunc &func, WorkPartition chosen, const CoreGrid &core_grid,
                               std::optional<PartitionStrategy> requested, const std::vector<int> &homes) {
    const bool free_panel = (!requested || sweeps_panels(chosen.strategy)) && !swizzle_request(func);
    int64_t best_local = local_blocks(chosen, homes);
    const std::vector<int64_t> &grid = chosen.grid;
    for (int64_t panel = 1; free_panel && grid.size() == 2 && panel <= grid[1] && best_local < chosen.total_blocks;
         ++panel) {
        const PartitionStrategy panelled = sweeps_panels(chosen.strategy) ? chosen.strategy : PartitionStrategy::Block;
        WorkPartition candidate = partition_blocks(grid, core_grid, panelled, static_cast<int>(panel));
        const int64_t local = local_blocks(candidate, homes);
        if (local > best_local) chosen = std::move(candidate), best_local = local;
    }
    return chosen;
}

}  // namespace

WorkPartition partition_blocks(const std::vector<int64_t> &grid, const CoreGrid &core_grid, PartitionStrategy strategy,
                               int panel, bool every_core) {
    WorkPartition p;
    p.strategy = strategy;
    p.grid = grid;
    p.total_blocks = 1;
    for (int64_t g : grid) p.total_blocks *= g;
    p.num_cores =
        every_core ? core_grid.num_cores() : static_cast<int>(std::min<int64_t>(p.total_blocks, core_grid.num_cores()));
    p.panel = sweeps_panels(strategy) ? panel : 1;
    const int64_t base = p.total_blocks / p.num_cores;
    const int64_t extra = p.total_blocks % p.num_cores;
    int64_t next = 0;
    for (int k = 0; k < p.num_cores; ++k) {
        const int64_t count = base + (k < extra ? 1 : 0);
        p.cores.push_back(CoreWork{CoreCoord{k % core_grid.x, k / core_grid.x}, next, count});
        next += count;
    }
    return p;
}

CoreRanges core_ranges_of(const WorkPartition &partition, const CoreGrid &core_grid) {
    CoreRanges ranges;
    const int full_rows = partition.num_cores / core_grid.x;
    const int rest = partition.num_cores % core_grid.x;
    if (full_rows > 0) ranges.push_back(CoreRange{{0, 0}, {core_grid.x - 1, full_rows - 1}});
    if (rest > 0) ranges.push_back(CoreRange{{0, full_rows}, {rest - 1, full_rows}});
    return ranges;
}

PrimFunc tt_tiles_to_core_map(const PrimFunc &func, const PassContext &ctx) {
    const CoreGrid core_grid = get_attr<CoreGrid>(func, attr::TT_CORE_GRID, "InferTTLayout");
    const std::vector<int64_t> grid = launch_grid(func);
    const std::optional<PartitionStrategy> requested = ctx.options().partition_strategy;
    const std::vector<int> homes =
        block_home_cores(func, get_attr<LayoutDesc>(func, attr::TT_LAYOUT_DESC, "InferTTLayout"), grid);
    const PartitionStrategy strategy = effective_strategy(func, requested.value_or(PartitionStrategy::RowMajor));
    const int panel = sweeps_panels(strategy) ? block_panel(func, grid, core_grid.num_cores()) : 1;
    WorkPartition partition =
        partition_blocks(grid, core_grid, strategy, panel, func->attrs.count(attr::TT_DYNAMIC_SHAPE) > 0);
    if (std::any_of(homes.begin(), homes.end(), [](int home) { return home >= 0; }))
        partition = placed_partition(func, std::move(partition), core_grid, requested, homes);
    PrimFunc out = with_attr(func, attr::TT_CORE_GRID, core_grid);
    if (auto multicast = plan_multicast(func, partition, core_grid, ctx)) {
        auto &[plan, patches] = *multicast;
        out = with_attr(out, attr::TT_MULTICAST, plan);
        const CoreCoord last{plan.cols / plan.row_span - 1, plan.rows * plan.row_span - 1};
        out = with_attr(out, attr::TT_CORE_RANGES, CoreRanges{CoreRange{{0, 0}, last}});
        return with_attr(out, attr::TT_WORK_PARTITION, patches);
    }
    out = with_attr(out, attr::TT_CORE_RANGES, core_ranges_of(partition, core_grid));
    return with_attr(out, attr::TT_WORK_PARTITION, partition);
}

Pass tt_tiles_to_core_map_pass() {
    return Pass{"TTTilesToCoreMap", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return tt_tiles_to_core_map(f, ctx); });
                }};
}

}  // namespace tt::transform
