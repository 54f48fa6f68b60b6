// InferTTLayout: before → after on the reference GEMM, the core-grid rule, user layout requests and
// the errors of infer_tt_layout.h.
#include <gtest/gtest.h>

#include "gemm_ir.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/infer_tt_layout.h"
#include "transform/shard_placement.h"

namespace tt::transform {
namespace {

using namespace ir;

PassContext context(Json options = Json::object()) {
    return PassContext::from_json(options);
}

/*! Before → after on the reference GEMM: the body is untouched, and the layout of every
 *  parameter is DRAM interleaved bf16 tiles with read/written from the copies. */
TEST(InferTTLayout, ReferenceGemm) {
    PrimFunc before = testing::make_gemm();
    PrimFunc after = infer_tt_layout(before, context());
    EXPECT_TRUE(structural_equal(after->body, before->body));
    EXPECT_EQ(after->attrs.at(attr::TT_DEVICE), "n150");
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_GRID), Json::array({8, 8}));
    const LayoutDesc desc = after->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>();
    ASSERT_EQ(desc.size(), 3u);
    const BufferLayout &a = desc.at("A");
    EXPECT_EQ(a.memory, MemoryKind::DRAM);
    EXPECT_EQ(a.layout, LayoutKind::Interleaved);
    EXPECT_EQ(a.data_format, "Float16_b");
    EXPECT_EQ(a.page_size, 2048);
    EXPECT_EQ(a.shape_tiles, (std::vector<int64_t>{32, 32}));
    EXPECT_EQ(a.num_pages, 1024);
    EXPECT_TRUE(a.read);
    EXPECT_FALSE(a.written);
    EXPECT_TRUE(desc.at("C").written);
    EXPECT_FALSE(desc.at("C").read);
    EXPECT_FALSE(desc.at("A").shard.has_value());
}

/*! The core grid follows the launch grid while it fits the worker grid, else the device grid. */
TEST(InferTTLayout, CoreGridFromLaunchGridAndDevice) {
    const target::DeviceSpec &wormhole = target::lookup_device("wormhole");
    EXPECT_EQ(choose_core_grid({4, 4}, wormhole, {}).num_cores(), 16);
    EXPECT_EQ(choose_core_grid({16, 16}, wormhole, {}).x, 8);
    EXPECT_EQ(choose_core_grid({16, 16}, wormhole, {}).y, 8);
    const CoreGrid line = choose_core_grid({20}, wormhole, {});
    EXPECT_EQ(line.x, 8);
    EXPECT_EQ(line.y, 3);
    const CoreGrid bh = choose_core_grid({16, 16}, target::lookup_device("blackhole"), {});
    EXPECT_EQ(bh.x, 13);
    EXPECT_EQ(bh.y, 10);
}

TEST(InferTTLayout, UserLayoutsAreHonoured) {
    testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 256;
    PrimFunc after = infer_tt_layout(
        testing::make_gemm(cfg),
        context({{"layouts", {{"A", {{"memory", "l1"}, {"layout", "sharded"}, {"shard_grid", {2, 2}}}}, {"C", {{"memory", "l1"}}}}}}));
    const LayoutDesc desc = after->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>();
    EXPECT_EQ(desc.at("A").memory, MemoryKind::L1);
    ASSERT_TRUE(desc.at("A").shard.has_value());
    EXPECT_EQ(desc.at("A").shard->shard_shape_tiles, (std::vector<int64_t>{4, 4}));
    EXPECT_EQ(desc.at("C").memory, MemoryKind::L1);
    EXPECT_EQ(desc.at("C").layout, LayoutKind::Interleaved);
    EXPECT_EQ(desc.at("B").memory, MemoryKind::DRAM);
    EXPECT_EQ(after->attrs.at(attr::TT_CORE_GRID), Json::array({2, 2}));
}

/*! Requests written on the function (tt.layout_requests) count, and ctx overrides them. */
TEST(InferTTLayout, FunctionRequestsAndContextOverride) {
    PrimFunc f = with_attr(testing::make_gemm(), attr::TT_LAYOUT_REQUESTS, {{"B", {{"memory", "l1"}}}});
    EXPECT_EQ(infer_tt_layout(f, context()) ->attrs.at(attr::TT_LAYOUT_DESC)["B"]["memory"], "l1");
    EXPECT_EQ(infer_tt_layout(f, context({{"layouts", {{"B", {{"memory", "dram"}}}}}}))
                  ->attrs.at(attr::TT_LAYOUT_DESC)["B"]["memory"],
              "dram");
}

std::string validation_message(const PrimFunc &f, const PassContext &ctx, int *line = nullptr) {
    try {
        infer_tt_layout(f, ctx);
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        if (line) *line = e.span().line;
        return e.what();
    }
    ADD_FAILURE() << "expected a validation error";
    return "";
}

/*! K = 1000: the last K block of 32 runs past the edge of A and B, which are stored padded to 1024
 *  (zeros there, as TileLang's bounds-checked copies read). */
TEST(InferTTLayout, RaggedTensorsAreStoredPaddedToTheirCopies) {
    testing::GemmConfig cfg;
    cfg.K = 1000;
    const LayoutDesc layouts = infer_tt_layout(testing::make_gemm(cfg), context())->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>();
    EXPECT_EQ(layouts.at("A").shape, (std::vector<int64_t>{1024, 1000}));
    EXPECT_EQ(layouts.at("A").padded_shape, (std::vector<int64_t>{1024, 1024}));
    EXPECT_EQ(layouts.at("A").shape_tiles, (std::vector<int64_t>{32, 32}));
    EXPECT_EQ(layouts.at("B").padded_shape, (std::vector<int64_t>{1024, 1024}));
    EXPECT_EQ(layouts.at("C").padded_shape, layouts.at("C").shape);  // C's blocks fit
}

TEST(InferTTLayout, DtypeWithoutTileFormatIsAnError) {
    testing::GemmConfig cfg;
    cfg.dtype = "float64";
    EXPECT_NE(validation_message(testing::make_gemm(cfg), context()).find("dtype float64, which has no Tenstorrent tile format"),
              std::string::npos);
}

TEST(InferTTLayout, LayoutForUnknownBufferIsAnError) {
    EXPECT_NE(validation_message(testing::make_gemm(), context({{"layouts", {{"D", {{"memory", "l1"}}}}}}))
                  .find("a layout is requested for D, which is not a parameter of gemm (parameters: A, B, C)"),
              std::string::npos);
}

/*! Shards smaller than a grid's share are dealt round robin: 64 shards of 4x4 tiles over 2x2 cores
 *  put 16 on each core (512 KiB of bf16, which fits); a shard shape of the wrong rank or with an
 *  empty dimension is an error, and so is a core's share that does not fit L1. */
TEST(InferTTLayout, ShardsAreDealtRoundRobinAndMustFit) {
    const Json four_by_four = {{"layout", "sharded"}, {"shard_grid", {2, 2}}, {"shard_shape_tiles", {4, 4}}};
    const LayoutDesc layouts = infer_tt_layout(testing::make_gemm(), context({{"layouts", {{"A", four_by_four}}}}))
                                   ->attrs.at(attr::TT_LAYOUT_DESC)
                                   .get<LayoutDesc>();
    EXPECT_EQ(layouts.at("A").shard->shard_shape_tiles, (std::vector<int64_t>{4, 4}));
    EXPECT_EQ(shard_tiles_per_core(*layouts.at("A").shard, layouts.at("A").shape_tiles), 16 * 16);
    const Json flat = {{"layout", "sharded"}, {"shard_grid", {2, 2}}, {"shard_shape_tiles", {4}}};
    EXPECT_NE(validation_message(testing::make_gemm(), context({{"layouts", {{"A", flat}}}}))
                  .find("must give a positive number of tiles for each of the tensor's 2 dimensions"),
              std::string::npos);
    // 1024x1024 bf16 over one core is 2 MiB: more than any L1.
    EXPECT_NE(validation_message(testing::make_gemm(),
                                 context({{"layouts", {{"A", {{"layout", "sharded"}, {"shard_grid", {1, 1}}}}}}}))
                  .find("more than the"),
              std::string::npos);
}

/*! A [batch, seq, heads, dim] tensor whose copies move (seq, dim) blocks of one head: its tiles
 *  span dimensions 1 and 3, so it is stored heads before the sequence and shape_tiles follows that
 *  order (the body is untouched).
 *  \code
 *  with T.Kernel(2, 3, 2) as (bx, by, bz):
 *      X_shared = T.alloc_shared((32, 32), "bfloat16")
 *      T.copy(X[bz, bx * 32:(bx + 1) * 32, by, :], X_shared)
 *      T.copy(X_shared, Y[bz, bx * 32:(bx + 1) * 32, by, :])
 *  \endcode */
TEST(InferTTLayout, TileAxesFollowTheCopiedBlocks) {
    const Span at{"bshd.py", 3, 5};
    const DataType bf16 = DataType::parse("bfloat16");
    Buffer X = make_buffer("X", {make_int(2), make_int(64), make_int(3), make_int(32)}, bf16, MemoryScope::Global, at);
    Buffer Y = make_buffer("Y", {make_int(2), make_int(64), make_int(3), make_int(32)}, bf16, MemoryScope::Global, at);
    Buffer X_shared = make_buffer("X_shared", {make_int(32), make_int(32)}, bf16, MemoryScope::Shared, at);
    Var bx = make_var("bx"), by = make_var("by"), bz = make_var("bz");
    auto block_of = [&](const Buffer &t) {
        return RegionNode::make(
            t, {{bz, make_int(1)}, {MulNode::make(bx, make_int(32)), make_int(32)}, {by, make_int(1)}, {make_int(0), make_int(32)}},
            at);
    };
    auto copy = [&](Expr src, Expr dst) { return EvaluateNode::make(CallNode::make("tl.copy", {src, dst}, at), at); };
    Stmt body = AllocateNode::make(X_shared,
                                   SeqStmtNode::make({copy(block_of(X), RegionNode::full(X_shared, at)),
                                                      copy(RegionNode::full(X_shared, at), block_of(Y))}),
                                   at);
    Stmt launch = KernelLaunchNode::make({make_int(2), make_int(3), make_int(2)}, {bx, by, bz}, {128}, body, at);
    PrimFunc before = make_prim_func("scale_heads", {X, Y}, launch, {{attr::GLOBAL_SYMBOL, "scale_heads"}}, at);
    PrimFunc after = infer_tt_layout(before, context());
    EXPECT_TRUE(structural_equal(after->body, before->body));
    const LayoutDesc desc = after->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>();
    for (const char *name : {"X", "Y"}) {
        const BufferLayout &layout = desc.at(name);
        EXPECT_EQ(layout.tile_axes, (std::vector<int>{1, 3})) << name;
        EXPECT_EQ(layout.shape_tiles, (std::vector<int64_t>{2, 3, 2, 1})) << name;
        EXPECT_EQ(layout.num_pages, 12) << name;
    }
    EXPECT_EQ(Json(desc.at("X"))["tile_axes"], Json::array({1, 3}));
    EXPECT_EQ(storage_order(4, {1, 3}), (std::vector<int>{0, 2, 1, 3}));
    EXPECT_EQ(tiled_shape({2, 64, 3, 32}, {1, 3}), (std::array<int64_t, 3>{6, 64, 32}));
}

/*! A vector of a [batch, heads, seq] tensor (lse[bz, by, rows]): a batch of vectors, one row of
 *  tiles each, tiled as [batch * heads, 1, seq]. */
TEST(InferTTLayout, VectorsOfATensorAreABatchOfVectors) {
    const Span at{"lse.py", 3, 5};
    const DataType f32 = DataType::parse("float32");
    Buffer lse = make_buffer("lse", {make_int(2), make_int(3), make_int(64)}, f32, MemoryScope::Global, at);
    Buffer row = make_buffer("row", {make_int(32)}, f32, MemoryScope::Fragment, at);
    Var bx = make_var("bx"), by = make_var("by"), bz = make_var("bz");
    Expr block = RegionNode::make(
        lse, {{bz, make_int(1)}, {by, make_int(1)}, {MulNode::make(bx, make_int(32)), make_int(32)}}, at);
    Stmt fill = EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(row, at), FloatImmNode::make(f32, 0, at)}, at), at);
    Stmt copy = EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(row, at), block}, at), at);
    Stmt body = AllocateNode::make(row, SeqStmtNode::make({fill, copy}), at);
    Stmt launch = KernelLaunchNode::make({make_int(2), make_int(3), make_int(2)}, {bx, by, bz}, {128}, body, at);
    PrimFunc func = make_prim_func("lse_out", {lse}, launch, {{attr::GLOBAL_SYMBOL, "lse_out"}}, at);
    const BufferLayout layout = infer_tt_layout(func, context())->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>().at("lse");
    EXPECT_EQ(layout.tile_axes, (std::vector<int>{2}));
    EXPECT_EQ(layout.shape_tiles, (std::vector<int64_t>{2, 3, 2}));
    EXPECT_EQ(layout.num_pages, 12);
    EXPECT_EQ(tiled_shape(layout.shape, layout.tile_axes), (std::array<int64_t, 3>{6, 1, 64}));
}

/*! Decode's query heads of one K/V head: copies of 4 rows of a (1, 32, 64) tensor at `bx * 4` make
 *  each block of 4 rows a tile of its own (row_block 4: 8 blocks of 2 tiles). */
TEST(InferTTLayout, BlocksOfFewerRowsAreATileEach) {
    const Span at{"decode.py", 5, 5};
    const DataType f16 = DataType::parse("float16");
    Buffer Q = make_buffer("Q", {make_int(1), make_int(32), make_int(64)}, f16, MemoryScope::Global, at);
    Buffer q = make_buffer("q", {make_int(4), make_int(64)}, f16, MemoryScope::Shared, at);
    Var bx = make_var("bx");
    Expr block = RegionNode::make(Q, {{make_int(0), make_int(1)}, {MulNode::make(bx, make_int(4)), make_int(4)}, {make_int(0), make_int(64)}}, at);
    Stmt copy = EvaluateNode::make(CallNode::make("tl.copy", {block, RegionNode::full(q, at)}, at), at);
    Stmt launch = KernelLaunchNode::make({make_int(8)}, {bx}, {128}, AllocateNode::make(q, copy, at), at);
    PrimFunc func = make_prim_func("decode", {Q}, launch, {{attr::GLOBAL_SYMBOL, "decode"}}, at);
    const BufferLayout layout = infer_tt_layout(func, context())->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>().at("Q");
    EXPECT_EQ(layout.row_block, 4);
    EXPECT_EQ(layout.shape_tiles, (std::vector<int64_t>{1, 8, 1, 2}));
    EXPECT_EQ(layout.num_pages, 16);
    const auto [shape, axes] = blocked_shape(layout);
    EXPECT_EQ(tiled_shape(shape, axes), (std::array<int64_t, 3>{8, 4, 64}));
}

/*! A (32, 16) tensor: its columns are padded to a tile. T.fill of it with 1 makes the padding
 *  non-zero, which only a T.gemm summing over it would mind (verify_tt_padding.h; reductions mask
 *  padding, the host drops a tensor's): both fills are accepted. */
TEST(InferTTLayout, PaddedColumnsMayHoldAnythingNoGemmSums) {
    const Span at{"narrow.py", 6, 5};
    const DataType f32 = DataType::parse("float32");
    Buffer A = make_buffer("A", {make_int(32), make_int(16)}, f32, MemoryScope::Global, at);
    auto fill_with = [&](double value) {
        Stmt fill = EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(A, at), FloatImmNode::make(f32, value, at)}, at), at);
        Stmt launch = KernelLaunchNode::make({make_int(1)}, {make_var("bx")}, {128}, fill, at);
        return make_prim_func("narrow", {A}, launch, {{attr::GLOBAL_SYMBOL, "narrow"}}, at);
    };
    const BufferLayout layout = infer_tt_layout(fill_with(0), context())->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>().at("A");
    EXPECT_EQ(layout.shape_tiles, (std::vector<int64_t>{1, 1}));
    EXPECT_NO_THROW(infer_tt_layout(fill_with(1), context()));
}

/*! A block wider than the tensor: the copy of B reaches columns 128..255 of a 128-column B. It
 *  starts inside B, so it is a bounds-checked copy (verify_tt_bounds.h): B and C are stored with
 *  256 columns, the ones past 128 zeros. */
TEST(InferTTLayout, BlockWiderThanTheTensorRunsPastItsEdge) {
    testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 128;
    cfg.block_N = 256;
    const LayoutDesc layouts = infer_tt_layout(testing::make_gemm(cfg), context())->attrs.at(attr::TT_LAYOUT_DESC).get<LayoutDesc>();
    EXPECT_EQ(layouts.at("B").padded_shape, (std::vector<int64_t>{128, 256}));
    EXPECT_EQ(layouts.at("C").padded_shape, (std::vector<int64_t>{128, 256}));
    EXPECT_EQ(layouts.at("A").padded_shape, (std::vector<int64_t>{128, 128}));
}

/*! `if bx < 100:` around the fill on a grid of 8 always holds: InferTTLayout returns the body
 *  without it; `if bx >= 8:` never does, and its statement goes. */
TEST(InferTTLayout, IfsTheGridDecidesAreReplacedByTheirTakenBranch) {
    const PrimFunc before = testing::make_gemm();
    const Var bx = before->body.as<KernelLaunchNode>()->block_vars[0];
    struct GuardFill : IRMutator {
        Expr cond;
        using IRMutator::visit;
        Stmt visit(const EvaluateNode *op) override {
            const auto *call = op->value.as<CallNode>();
            if (!call || call->op->name != "tl.fill") return IRMutator::visit(op);
            return IfThenElseNode::make(cond, EvaluateNode::make(op->value, op->span), Stmt(), op->span);
        }
    };
    GuardFill always;
    always.cond = LTNode::make(bx, make_int(100));
    const PrimFunc guarded = with_body(before, always(before->body));
    EXPECT_FALSE(structural_equal(guarded->body, before->body));
    EXPECT_TRUE(structural_equal(infer_tt_layout(guarded, context())->body, before->body));

    GuardFill never;
    never.cond = GENode::make(bx, make_int(8));
    const std::string text = to_text(infer_tt_layout(with_body(before, never(before->body)), context())->body);
    EXPECT_EQ(text.find("if "), std::string::npos) << text;
    EXPECT_EQ(text.find("T.fill"), std::string::npos) << text;
}

}  // namespace
}  // namespace tt::transform
