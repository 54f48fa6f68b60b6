// LowerTTPersistent: before → after on TileLang's persistent GEMM shape (a wave of CTAs over a
// 2-D tile domain), group_size as the block-panel order, an unchanged ordinary launch, and the
// errors of lower_tt_persistent.h.
#include <gtest/gtest.h>

#include <functional>

#include "expect_error.h"
#include "ir/attrs.h"
#include "ir/equal.h"
#include "transform/lower_tt_persistent.h"

namespace tt::transform {
namespace {

using namespace ir;

const DataType kBf16 = DataType::parse("bfloat16");
const Span kAt{"persistent.py", 3, 5};
const Span kLoopAt{"persistent.py", 7, 9};
const Span kStmtAt{"persistent.py", 11, 13};

PassContext context() {
    return PassContext::from_json(Json::object());
}

/*! \code
 *  def gemm(A, C):                         # A, C: (256, 128) bfloat16
 *      with T.Kernel(8) as block_id:
 *          s = T.alloc_shared((64, 64), "bfloat16")
 *          for bx, by in T.Persistent([4, 2], 8, block_id, group_size=g, num_stages=stages):  # line 7
 *              T.copy(A[bx * 64, by * 64], s)
 *              T.copy(s, C[bx * 64, by * 64])
 *  \endcode
 *  and the launch it becomes: T.Kernel(4, 2) as (bx, by) over the same allocation and body. */
struct PersistentGemm {
    Buffer A = make_buffer("A", {make_int(256), make_int(128)}, kBf16, MemoryScope::Global, kAt);
    Buffer C = make_buffer("C", {make_int(256), make_int(128)}, kBf16, MemoryScope::Global, kAt);
    Buffer s = make_buffer("s", {make_int(64), make_int(64)}, kBf16, MemoryScope::Shared, kAt);
    Var block_id = make_var("block_id"), bx = make_var("bx"), by = make_var("by");
    std::vector<Expr> domain = {make_int(4), make_int(2)};

    Expr tile(const Buffer &b) {
        return RegionNode::make(
            b, {{MulNode::make(bx, make_int(64)), make_int(64)}, {MulNode::make(by, make_int(64)), make_int(64)}}, kAt);
    }
    Stmt block_body() {
        return SeqStmtNode::make(
            {EvaluateNode::make(CallNode::make("tl.copy", {tile(A), RegionNode::full(s, kAt)}, kAt), kAt),
             EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(s, kAt), tile(C)}, kAt), kAt)});
    }
    Stmt marker(Expr wave, Expr index, int64_t group_size = 8, int64_t num_stages = 0, size_t rank = 2) {
        return EvaluateNode::make(CallNode::make("tl.persistent",
                                                 {wave, index, make_int(static_cast<int64_t>(rank)),
                                                  make_int(group_size), make_int(num_stages)},
                                                 kLoopAt),
                                  kLoopAt);
    }
    Stmt loops(Stmt body) {
        Stmt inner = ForNode::make(by, make_int(0), domain[1], ForKind::Serial, body, 0, {}, kLoopAt);
        return ForNode::make(bx, make_int(0), domain[0], ForKind::Serial, inner, 0, {}, kLoopAt);
    }
    /*! The persistent launch; `around` may add statements beside the loop. */
    Stmt launch(Stmt marker_stmt, std::vector<Stmt> before = {}, int64_t wave = 8) {
        before.push_back(marker_stmt);
        before.push_back(loops(block_body()));
        return KernelLaunchNode::make({make_int(wave)}, {block_id}, {128},
                                      AllocateNode::make(s, SeqStmtNode::make(before), kAt), kAt);
    }
    PrimFunc func(Stmt body, AttrMap attrs = {}) { return make_prim_func("gemm", {A, C}, body, attrs, kAt); }
};

TEST(LowerTTPersistent, TheDomainBecomesTheLaunchGrid) {
    PersistentGemm g;
    PrimFunc before = g.func(g.launch(g.marker(make_int(8), g.block_id, 1)));
    PrimFunc after = lower_tt_persistent(before, context());
    Stmt expected =
        KernelLaunchNode::make(g.domain, {g.bx, g.by}, {128}, AllocateNode::make(g.s, g.block_body(), kAt), kAt);
    EXPECT_TRUE(structural_equal(after->body, expected));
    EXPECT_EQ(after->attrs.count(attr::TL_SWIZZLE), 0u);  // group_size 1: row-major, bx fastest
}

TEST(LowerTTPersistent, GroupSizeIsTheBlockPanel) {
    PersistentGemm g;
    PrimFunc after = lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id, 8))), context());
    EXPECT_EQ(after->attrs.at(attr::TL_SWIZZLE), (Json{{"panel_size", 8}, {"order", "row"}, {"enable", true}}));
    // The same panel as a T.use_swizzle of the kernel is fine; another is an error.
    AttrMap same{{attr::TL_SWIZZLE, Json{{"panel_size", 8}, {"order", "row"}, {"enable", true}}}};
    EXPECT_NO_THROW(lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id, 8)), same), context()));
    AttrMap other{{attr::TL_SWIZZLE, Json{{"panel_size", 4}, {"order", "row"}, {"enable", true}}}};
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id, 8)), other), context()); },
                 "also has T.use_swizzle(4)", kLoopAt);
}

TEST(LowerTTPersistent, AnOrdinaryLaunchIsUnchanged) {
    PersistentGemm g;
    PrimFunc before = g.func(
        KernelLaunchNode::make(g.domain, {g.bx, g.by}, {128}, AllocateNode::make(g.s, g.block_body(), kAt), kAt));
    EXPECT_EQ(lower_tt_persistent(before, context()).get(), before.get());
}

TEST(LowerTTPersistent, ArgumentsMustMatchTheLaunch) {
    PersistentGemm g;
    Stmt two_dims = KernelLaunchNode::make(
        {make_int(8), make_int(1)}, {g.block_id, make_var("b1")}, {128},
        AllocateNode::make(g.s, SeqStmtNode::make({g.marker(make_int(8), g.block_id), g.loops(g.block_body())}), kAt),
        kAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(two_dims), context()); },
                 "T.Persistent deals its tiles over a one-dimensional launch", kLoopAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.bx))), context()); },
                 "T.Persistent's index is bx, but it must be the T.Kernel's block variable 'block_id'", kLoopAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(4), g.block_id))), context()); },
                 "T.Persistent's wave_size is 4, but the T.Kernel launches 8 blocks", kLoopAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id, 8, 2))), context()); },
                 "T.Persistent(num_stages=2) is not supported: Tenstorrent kernels already prefetch", kLoopAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id, 8, 0, 4))), context()); },
                 "T.Persistent's domain has 4 entries", kLoopAt);
}

TEST(LowerTTPersistent, OnlyAllocationsStandBesideTheLoop) {
    PersistentGemm g;
    Stmt uses_index =
        BufferStoreNode::make(g.s, CastNode::make(kBf16, g.block_id), {make_int(0), make_int(0)}, kStmtAt);
    testing::expect_validation_error(
        [&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id), {uses_index})), context()); },
        "uses 'block_id', the CTA index of the wave", kStmtAt);
    Stmt fill = EvaluateNode::make(
        CallNode::make("tl.fill", {RegionNode::full(g.s, kAt), CastNode::make(kBf16, make_int(0))}, kStmtAt), kStmtAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(g.launch(g.marker(make_int(8), g.block_id), {fill})), context()); },
                 "only allocations may stand beside a T.Persistent loop", kStmtAt);
}

TEST(LowerTTPersistent, TheLoopStandsDirectlyInTheLaunch) {
    PersistentGemm g;
    Var w = make_var("w");
    Stmt nested =
        ForNode::make(w, make_int(0), make_int(2), ForKind::Serial,
                      SeqStmtNode::make({g.marker(make_int(8), g.block_id), g.loops(g.block_body())}), 0, {}, kStmtAt);
    Stmt launch = KernelLaunchNode::make({make_int(8)}, {g.block_id}, {128}, AllocateNode::make(g.s, nested, kAt), kAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(launch), context()); }, "must stand directly in its T.Kernel body",
                 kLoopAt);
}

TEST(LowerTTPersistent, TheBodyCannotUseTheIndex) {
    PersistentGemm g;
    Stmt body = SeqStmtNode::make({g.block_body(), BufferStoreNode::make(g.s, CastNode::make(kBf16, g.block_id),
                                                                         {make_int(0), make_int(0)}, kStmtAt)});
    Stmt launch = KernelLaunchNode::make(
        {make_int(8)}, {g.block_id}, {128},
        AllocateNode::make(g.s, SeqStmtNode::make({g.marker(make_int(8), g.block_id), g.loops(body)}), kAt), kAt);
    testing::expect_validation_error([&] { lower_tt_persistent(g.func(launch), context()); }, "the T.Persistent loop body uses 'block_id'",
                 kStmtAt);
}

}  // namespace
}  // namespace tt::transform
