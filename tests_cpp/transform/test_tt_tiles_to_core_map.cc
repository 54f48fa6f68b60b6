// TTTilesToCoreMap: balanced block-to-core assignment, the partition strategies and core ranges.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "gemm_ir.h"
#include "ir/arith.h"
#include "ir/functor.h"
#include "transform/infer_tt_layout.h"
#include "transform/shard_placement.h"
#include "transform/tt_multicast.h"
#include "transform/tt_tiles_to_core_map.h"

namespace tt::transform {
namespace {

using namespace ir;

/*! The gemm whose launch grid is gx x gy blocks of 32x32 (K = 32). */
PrimFunc gemm_with_grid(int64_t gx, int64_t gy) {
    testing::GemmConfig cfg;
    cfg.block_M = cfg.block_N = cfg.block_K = 32;
    cfg.N = gx * 32;
    cfg.M = gy * 32;
    cfg.K = 32;
    return testing::make_gemm(cfg);
}

PrimFunc run(const PrimFunc &f, const Json &options = Json::object()) {
    PassContext ctx = PassContext::from_json(options);
    return tt_tiles_to_core_map(infer_tt_layout(f, ctx), ctx);
}

WorkPartition partition_of(const PrimFunc &f) {
    return f->attrs.at(attr::TT_WORK_PARTITION).get<WorkPartition>();
}

/*! Every block is assigned exactly once and counts differ by at most one. */
void expect_balanced_cover(const WorkPartition &p) {
    int64_t next = 0, lo = INT64_MAX, hi = 0;
    for (const CoreWork &w : p.cores) {
        EXPECT_EQ(w.start, next);
        next += w.count;
        lo = std::min(lo, w.count);
        hi = std::max(hi, w.count);
    }
    EXPECT_EQ(next, p.total_blocks);
    EXPECT_LE(hi - lo, 1);
    std::set<std::vector<int64_t>> seen;
    for (int64_t i = 0; i < p.total_blocks; ++i) seen.insert(decode_block_index(p, i));
    EXPECT_EQ(static_cast<int64_t>(seen.size()), p.total_blocks);
}

TEST(TTTilesToCoreMap, EightByEightOnWormholeIsOneBlockPerCore) {
    const PrimFunc after = run(gemm_with_grid(8, 8));
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_GRID), Json::array({8, 8}));
    const WorkPartition p = partition_of(after);
    EXPECT_EQ(p.num_cores, 64);
    ASSERT_EQ(p.cores.size(), 64u);
    for (const CoreWork &w : p.cores) EXPECT_EQ(w.count, 1);
    EXPECT_EQ(p.cores[9].core, (CoreCoord{1, 1}));
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_RANGES), Json::parse(R"([[[0,0],[7,7]]])"));
}

TEST(TTTilesToCoreMap, FourByFourUsesSixteenCores) {
    const PrimFunc after = run(gemm_with_grid(4, 4));
    EXPECT_EQ(partition_of(after).num_cores, 16);
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_GRID), Json::array({4, 4}));
}

TEST(TTTilesToCoreMap, SixteenBySixteenIsFourBlocksPerCore) {
    const WorkPartition p = partition_of(run(gemm_with_grid(16, 16)));
    EXPECT_EQ(p.num_cores, 64);
    for (const CoreWork &w : p.cores) EXPECT_EQ(w.count, 4);
    expect_balanced_cover(p);
}

TEST(TTTilesToCoreMap, NonDivisibleGridIsBalanced) {
    for (const char *strategy : {"row_major", "column_major", "block"}) {
        for (const char *device : {"grayskull", "wormhole", "blackhole", "p100a"}) {
            const WorkPartition p = partition_of(run(gemm_with_grid(10, 13), {{"partition_strategy", strategy}, {"target_device", device}}));
            expect_balanced_cover(p);
            EXPECT_EQ(p.total_blocks, 130);
        }
    }
    const WorkPartition p = partition_of(run(gemm_with_grid(10, 10)));
    EXPECT_EQ(p.num_cores, 64);
    EXPECT_EQ(p.cores.front().count, 2);
    EXPECT_EQ(p.cores.back().count, 1);
}

TEST(TTTilesToCoreMap, PartialLastRowOfCores) {
    const PrimFunc after = run(gemm_with_grid(20, 1));  // 20 blocks: 8 + 8 + 4 cores
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_GRID), Json::array({8, 3}));
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_RANGES),
              Json::parse(R"([[[0,0],[7,1]],[[0,2],[3,2]]])"));
}

/*! The strategies order blocks as documented in decode_block_index. */
TEST(TTTilesToCoreMap, StrategyOrders) {
    WorkPartition p;
    p.grid = {4, 3};
    p.strategy = PartitionStrategy::RowMajor;
    EXPECT_EQ(decode_block_index(p, 5), (std::vector<int64_t>{1, 1}));
    p.strategy = PartitionStrategy::ColumnMajor;
    EXPECT_EQ(decode_block_index(p, 5), (std::vector<int64_t>{1, 2}));
    p.strategy = PartitionStrategy::Block;
    p.panel = 2;  // rows {0,1} then {2}: ids 0..7 sweep columns of a 2-row panel
    EXPECT_EQ(decode_block_index(p, 0), (std::vector<int64_t>{0, 0}));
    EXPECT_EQ(decode_block_index(p, 1), (std::vector<int64_t>{0, 1}));
    EXPECT_EQ(decode_block_index(p, 2), (std::vector<int64_t>{1, 0}));
    EXPECT_EQ(decode_block_index(p, 8), (std::vector<int64_t>{0, 2}));
    EXPECT_EQ(decode_block_index(p, 11), (std::vector<int64_t>{3, 2}));
    p.strategy = PartitionStrategy::Serpentine;  // the block order, x reversed on odd rows
    EXPECT_EQ(decode_block_index(p, 0), (std::vector<int64_t>{0, 0}));
    EXPECT_EQ(decode_block_index(p, 1), (std::vector<int64_t>{3, 1}));
    EXPECT_EQ(decode_block_index(p, 3), (std::vector<int64_t>{2, 1}));
    EXPECT_EQ(decode_block_index(p, 8), (std::vector<int64_t>{0, 2}));
}

/*! The IR decoding computes the same indices as the constant one, for every strategy. */
TEST(TTTilesToCoreMap, DecodeExprMatchesConstantDecode) {
    for (PartitionStrategy s : {PartitionStrategy::RowMajor, PartitionStrategy::ColumnMajor, PartitionStrategy::Block,
                                PartitionStrategy::Serpentine}) {
        for (std::vector<int64_t> grid : {std::vector<int64_t>{5, 3}, std::vector<int64_t>{7}, std::vector<int64_t>{3, 4, 2}}) {
            WorkPartition p;
            p.grid = grid;
            p.strategy = s;
            p.panel = 2;
            int64_t total = 1;
            for (int64_t g : grid) total *= g;
            for (int64_t i = 0; i < total; ++i) {
                for (int d = 0; d < static_cast<int>(grid.size()); ++d) {
                    Expr e = substitute(decode_block_index(p, make_var("i"), d), [&](const Var &) { return make_int(i); });
                    int64_t value = -1;
                    ASSERT_TRUE(as_const_int(fold_constants(e), &value));
                    EXPECT_EQ(value, decode_block_index(p, i)[d]) << to_string(s) << " id " << i << " dim " << d;
                }
            }
        }
    }
}

/*! With the extents given as variables (runtime arguments), the decoding computes the same
 *  indices once they are bound, for every strategy, including panels that do not divide the grid
 *  height and a panel taller than the grid (left unclamped). */
TEST(TTTilesToCoreMap, DecodeWithVariableExtentsMatchesConstantDecode) {
    for (PartitionStrategy s : {PartitionStrategy::RowMajor, PartitionStrategy::ColumnMajor, PartitionStrategy::Block}) {
        for (std::vector<int64_t> grid : {std::vector<int64_t>{5, 3}, std::vector<int64_t>{7}, std::vector<int64_t>{3, 4, 2}}) {
            for (int64_t panel : {1, 2, 3, 5}) {
                WorkPartition p;
                p.grid = grid;
                p.strategy = s;
                p.panel = static_cast<int>(panel);
                BlockDecodeExtents extents;
                std::map<std::string, int64_t> values{{"panel", panel}};
                for (size_t d = 0; d < grid.size(); ++d) {
                    const std::string name = "g" + std::to_string(d);
                    extents.grid.push_back(make_var(name));
                    values[name] = grid[d];
                }
                extents.panel = make_var("panel");
                int64_t total = 1;
                for (int64_t g : grid) total *= g;
                for (int64_t i = 0; i < total; ++i) {
                    values["i"] = i;
                    for (int d = 0; d < static_cast<int>(grid.size()); ++d) {
                        Expr e = substitute(decode_block_index(s, extents, make_var("i"), d),
                                            [&](const Var &v) { return make_int(values.at(v->name)); });
                        int64_t value = -1;
                        ASSERT_TRUE(as_const_int(fold_constants(e), &value));
                        EXPECT_EQ(value, decode_block_index(p, i)[d])
                            << to_string(s) << " panel " << panel << " id " << i << " dim " << d;
                    }
                }
            }
        }
    }
}

TEST(TTTilesToCoreMap, BlockPanelFromUseSwizzle) {
    PrimFunc f = with_attr(gemm_with_grid(16, 16), attr::TL_SWIZZLE, {{"panel_size", 4}, {"order", "row"}, {"enable", true}});
    EXPECT_EQ(partition_of(run(f, {{"partition_strategy", "block"}})).panel, 4);
    EXPECT_EQ(partition_of(run(gemm_with_grid(16, 16), {{"partition_strategy", "block"}})).panel, 2);  // sqrt(4)
    PrimFunc col = with_attr(gemm_with_grid(16, 16), attr::TL_SWIZZLE, {{"panel_size", 4}, {"order", "col"}, {"enable", true}});
    EXPECT_THROW(run(col, {{"partition_strategy", "block"}}), Error);
}

/*! Shards are dealt round robin: a 3x5-tile tensor in 2x2-tile shards is 2x3 shards, numbered
 *  row-major, on the two cores of a 2x1 grid alternately (the last row and column partial). */
TEST(ShardPlacement, ShardsAreDealtRoundRobinOverTheGrid) {
    const ShardSpec shard{{2, 1}, {2, 2}};
    const std::vector<int64_t> tiles{3, 5};
    EXPECT_EQ(num_shards(shard, tiles), 6);
    EXPECT_EQ(shard_tiles_per_core(shard, tiles), 3 * 4);
    EXPECT_EQ(shard_core_of_tile(shard, tiles, {0, 0}), 0);
    EXPECT_EQ(shard_core_of_tile(shard, tiles, {1, 3}), 1);  // shard 1
    EXPECT_EQ(shard_core_of_tile(shard, tiles, {0, 4}), 0);  // shard 2
    EXPECT_EQ(shard_core_of_tile(shard, tiles, {2, 4}), 1);  // shard 5
}

/*! The number of blocks of f's partition that run on the core holding the tile C[by, bx] they write. */
int64_t blocks_by_their_shard(const PrimFunc &f) {
    const WorkPartition p = partition_of(f);
    const BufferLayout c = f->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>().at("C");
    int64_t local = 0;
    for (size_t k = 0; k < p.cores.size(); ++k) {
        for (int64_t id = p.cores[k].start; id < p.cores[k].start + p.cores[k].count; ++id) {
            const std::vector<int64_t> block = decode_block_index(p, id);  // (bx, by)
            local += shard_core_of_tile(*c.shard, c.shape_tiles, {block[1], block[0]}) == static_cast<int>(k);
        }
    }
    return local;
}

/*! With C sharded, the partition (row_major, or block panels of any height) that runs each block
 *  on the core holding its shard of C: block sharding over 2x2 cores needs panels of two rows, height
 *  sharding over a column of four cores rows, width sharding over a row of four cores columns. */
TEST(TTTilesToCoreMap, BlocksRunWhereTheirShardIs) {
    const PrimFunc gemm = gemm_with_grid(4, 4);
    for (const auto &[grid, panel] : std::vector<std::pair<std::array<int, 2>, int>>{{{2, 2}, 2}, {{1, 4}, 1}, {{4, 1}, 4}}) {
        const Json layouts = {{"C", {{"layout", "sharded"}, {"shard_grid", {grid[0], grid[1]}}}}};
        const PrimFunc out = run(gemm, {{"layouts", layouts}});
        EXPECT_EQ(blocks_by_their_shard(out), 16) << grid[0] << "x" << grid[1];
        const WorkPartition p = partition_of(out);
        if (p.strategy == PartitionStrategy::Block) EXPECT_EQ(p.panel, panel) << grid[0] << "x" << grid[1];
    }
}

/*! A partition strategy the user names is honoured even where another would place blocks better. */
TEST(TTTilesToCoreMap, NamedStrategyIsKeptWithShards) {
    const Json layouts = {{"C", {{"layout", "sharded"}, {"shard_grid", {2, 2}}}}};
    const PrimFunc out = run(gemm_with_grid(4, 4), {{"layouts", layouts}, {"partition_strategy", "row_major"}});
    EXPECT_EQ(partition_of(out).strategy, PartitionStrategy::RowMajor);
    EXPECT_LT(blocks_by_their_shard(out), 16);
}

/*! Before: the reference GEMM at 4096^3 (32 x 32 blocks of 128 x 128), no strategy asked for.
 *  After: 8 x 8 cores own 4 x 4 patches (block strategy, panels of 4 rows), A multicast along core
 *  rows and B down core columns. */
TEST(TTTilesToCoreMap, ReferenceGemmIsDealtInPatchesThatMulticastAAndB) {
    testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 4096;
    const PrimFunc after = run(testing::make_gemm(cfg));
    const WorkPartition p = partition_of(after);
    EXPECT_EQ(p.strategy, PartitionStrategy::Block);
    EXPECT_EQ(p.panel, 4);
    ASSERT_EQ(p.cores.size(), 64u);
    expect_balanced_cover(p);
    for (const CoreWork &w : p.cores) {
        EXPECT_EQ(w.count, 16);
        for (int64_t id = w.start; id < w.start + w.count; ++id) {
            const std::vector<int64_t> block = decode_block_index(p, id);
            EXPECT_EQ(block[0] / 4, w.core.x) << "block column " << block[0] << " on core " << core_key(w.core);
            EXPECT_EQ(block[1] / 4, w.core.y) << "block row " << block[1] << " on core " << core_key(w.core);
        }
    }
    // Step t of every core of a row is the same launch row (A shared), of a column the same column.
    for (int64_t t = 0; t < 16; ++t) {
        for (const CoreWork &w : p.cores) {
            const CoreWork &row_first = p.cores[w.core.y * 8], &column_first = p.cores[w.core.x];
            EXPECT_EQ(decode_block_index(p, w.start + t)[1], decode_block_index(p, row_first.start + t)[1]);
            EXPECT_EQ(decode_block_index(p, w.start + t)[0], decode_block_index(p, column_first.start + t)[0]);
        }
    }
    EXPECT_EQ(after->attrs.at(attr::TT_MULTICAST), Json::parse(R"({"cols": 8, "rows": 8, "row_span": 1, "operands": [
        {"buffer": "A", "axis": "row", "sender_semaphore": 0, "receiver_semaphore": 1},
        {"buffer": "B", "axis": "column", "sender_semaphore": 2, "receiver_semaphore": 3}]})"));
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_RANGES), Json::parse(R"([[[0,0],[7,7]]])"));
}

TEST(TTTilesToCoreMap, TransposedBIsStillMulticastDownColumns) {
    testing::GemmConfig cfg;
    cfg.transpose_B = true;
    const MulticastPlan plan = run(testing::make_gemm(cfg))->attrs.at(attr::TT_MULTICAST).get<MulticastPlan>();
    ASSERT_EQ(plan.operands.size(), 2u);
    EXPECT_EQ(plan.operands[1].buffer, "B");
    EXPECT_EQ(plan.operands[1].axis, "column");
}

// The largest trip count of causal attention's K/V loop over a 16 x 4 launch grid: the last query
// block's T.min(16, T.ceildiv((bx + 1) * 64, 64)); unknown where a value is not a constant.
TEST(TTTilesToCoreMap, LargestTripCountOverTheLaunchGrid) {
    Var bx = make_var("bx"), by = make_var("by"), n = make_var("n");
    const Expr last_row = MulNode::make(AddNode::make(bx, make_int(1)), make_int(64));
    const Expr causal =
        MinNode::make(make_int(16), FloorDivNode::make(AddNode::make(last_row, make_int(63)), make_int(64)));
    EXPECT_EQ(max_over_blocks(causal, {bx, by}, {16, 4}, {}), std::optional<int64_t>(16));
    EXPECT_EQ(max_over_blocks(causal, {bx, by}, {8, 4}, {}), std::optional<int64_t>(8));
    Var limit = make_var("limit");  // through a let, as the kernel names it (loop_range)
    EXPECT_EQ(max_over_blocks(limit, {bx, by}, {8, 4}, {{limit.get(), AddNode::make(by, make_int(1))}}),
              std::optional<int64_t>(4));
    EXPECT_EQ(max_over_blocks(AddNode::make(bx, n), {bx, by}, {8, 4}, {}), std::nullopt);
}

TEST(TTTilesToCoreMap, NoMulticastWhereItDoesNotApply) {
    auto multicasts = [](const PrimFunc &f) { return f->attrs.count(attr::TT_MULTICAST) > 0; };
    EXPECT_FALSE(multicasts(run(testing::make_gemm(), {{"partition_strategy", "row_major"}})));  // asked for
    EXPECT_FALSE(multicasts(run(gemm_with_grid(1, 1))));    // one core
    EXPECT_FALSE(multicasts(run(gemm_with_grid(10, 10))));  // 5 x 5 patch cores < the 64 balanced
    testing::GemmConfig masked;
    masked.block_mask = true;  // the loads sit under the mask's if
    EXPECT_FALSE(multicasts(run(testing::make_gemm(masked))));
    // One launch column: only B's blocks are shared (down the column).
    const MulticastPlan column = run(gemm_with_grid(1, 4))->attrs.at(attr::TT_MULTICAST).get<MulticastPlan>();
    ASSERT_EQ(column.operands.size(), 1u);
    EXPECT_EQ(column.operands[0].buffer, "B");
}

}  // namespace
}  // namespace tt::transform
