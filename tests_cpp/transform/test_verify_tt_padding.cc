// verify_tt_padding's blocks past a tensor's edge, through InferTTLayout: before → after of the
// reductions that must not see the elements past the edge, and the errors of verify_tt_padding.h.
#include <gtest/gtest.h>

#include "ir/diagnostics.h"
#include "ir/equal.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/infer_tt_layout.h"

namespace tt::transform {
namespace {

using namespace ir;

const Span at{"ragged.py", 7, 9};
const DataType f32 = DataType::float32();

Stmt eval(const std::string &op, std::vector<Expr> args) {
    return EvaluateNode::make(CallNode::make(op, std::move(args), at), at);
}

/*! Rows of X (64 x `columns`) in blocks of 32 x 128 (`for s in T.serial(T.ceildiv(columns, 128))`),
 *  `update` applied to each block (element-wise, may be null), then reduced along dim 1 by `kind`. */
struct RowBlocks {
    Buffer X, x, v;
    Var bm = make_var("bm"), s = make_var("s"), i = make_var("i"), j = make_var("j");
    PrimFunc func;

    RowBlocks(int64_t columns, const std::string &kind, const std::function<Expr(Expr)> &update = nullptr) {
        X = make_buffer("X", {make_int(64), make_int(columns)}, f32, MemoryScope::Global, at);
        x = make_buffer("x", {make_int(32), make_int(128)}, f32, MemoryScope::Fragment, at);
        v = make_buffer("v", {make_int(32)}, f32, MemoryScope::Fragment, at);
        Expr block = RegionNode::make(
            X, {{MulNode::make(bm, make_int(32)), make_int(32)}, {MulNode::make(s, make_int(128)), make_int(128)}}, at);
        std::vector<Stmt> body{eval("tl.copy", {block, RegionNode::full(x, at)})};
        if (update) body.push_back(parallel(BufferStoreNode::make(x, update(load(x)), {i, j}, at)));
        body.push_back(eval("tl.reduce", {RegionNode::full(x, at), RegionNode::full(v, at), StringImmNode::make(kind),
                                          make_int(1), make_bool(true)}));
        Stmt loop = ForNode::make(s, make_int(0), make_int((columns + 127) / 128), ForKind::Serial,
                                  SeqStmtNode::make(body, at), 0, {}, at);
        Stmt launch = KernelLaunchNode::make({make_int(2)}, {bm}, {128},
                                             AllocateNode::make(x, AllocateNode::make(v, loop, at), at), at);
        func = make_prim_func("rows", {X}, launch, {{attr::GLOBAL_SYMBOL, "rows"}}, at);
    }

    Expr load(const Buffer &b) const { return BufferLoadNode::make(b, {i, j}, at); }
    Stmt parallel(Stmt body) const {
        return ForNode::make(i, make_int(0), make_int(32), ForKind::Parallel,
                             ForNode::make(j, make_int(0), make_int(128), ForKind::Parallel, body, 0, {}, at), 0, {},
                             at);
    }
};

const CallNode *reduction_in(const Stmt &body) {
    const CallNode *found = nullptr;
    post_order_visit(body, [&](const Node *n) {
        const auto *call = n->kind == NodeKind::Call ? static_cast<const CallNode *>(n) : nullptr;
        if (call && call->op->name == "tl.reduce") found = call;
    });
    return found;
}

PrimFunc laid_out(const PrimFunc &func) {
    return infer_tt_layout(func, PassContext::from_json(Json::object()));
}

/*! The second block of 128 of a 200-column row runs 56 columns past the edge: the maximum reads
 *  x[0:32, 0:min(128, X_extent_1 - s * 128)], the extent a runtime constant of X's. */
TEST(VerifyTTPadding, AMaximumOfABlockPastTheEdgeReadsTheRegionInside) {
    RowBlocks rows(200, "max");
    const PrimFunc after = laid_out(rows.func);
    const CallNode *reduce = reduction_in(after->body);
    ASSERT_NE(reduce, nullptr);
    const auto *src = reduce->args[0].as<RegionNode>();
    const Expr extent = CallNode::make("tt.runtime_constant", {StringImmNode::make("X_extent_1"), make_int(200)});
    const Expr inside = MinNode::make(make_int(128), SubNode::make(extent, MulNode::make(rows.s, make_int(128))));
    EXPECT_TRUE(structural_equal(src->ranges[1].extent, inside)) << to_text(src->ranges[1].extent);
    EXPECT_TRUE(structural_equal(src->ranges[0].extent, make_int(32)));
}

/*! Zeros add nothing to a sum of the copied block; whole blocks (256 columns) have nothing past the
 *  edge: both reductions stay as they are. */
TEST(VerifyTTPadding, SumsOfZerosAndWholeBlocksReadTheWholeBuffer) {
    for (const RowBlocks &rows : {RowBlocks(200, "sum"), RowBlocks(256, "max")}) {
        EXPECT_TRUE(structural_equal(laid_out(rows.func)->body, rows.func->body)) << to_text(rows.func->body);
    }
}

/*! exp makes the elements past the edge 1: the sum of exp(x) reads the region inside too. */
TEST(VerifyTTPadding, ASumOfValuesNonZeroPastTheEdgeReadsTheRegionInside) {
    RowBlocks rows(200, "sum", [](Expr e) { return CallNode::make("tl.exp", f32, {e}, at); });
    const PrimFunc after = laid_out(rows.func);
    const auto *src = reduction_in(after->body)->args[0].as<RegionNode>();
    EXPECT_EQ(src->ranges[1].extent->kind, NodeKind::Min) << to_text(src->ranges[1].extent);
}

/*! A running maximum over the blocks (acc = max(acc, x) in the loop), reduced after it: where its
 *  elements past the edge lie depends on the loop's blocks, so the reduction is refused at its line. */
TEST(VerifyTTPadding, AReductionOfElementsPastAnEdgeItCannotLocateIsRefused) {
    RowBlocks rows(200, "max");
    Buffer acc = make_buffer("acc", {make_int(32), make_int(128)}, f32, MemoryScope::Fragment, at);
    // Rebuild the body: fill acc, loop { copy x; acc = max(acc, x) }, reduce acc.
    const auto *launch = rows.func->body.as<KernelLaunchNode>();
    const auto *loop = launch->body.as<AllocateNode>()->body.as<AllocateNode>()->body.as<ForNode>();
    const Stmt copy = loop->body.as<SeqStmtNode>()->seq[0];
    const Stmt running = rows.parallel(
        BufferStoreNode::make(acc, MaxNode::make(rows.load(acc), rows.load(rows.x)), {rows.i, rows.j}, at));
    const Span reduce_at{"ragged.py", 12, 9};
    Stmt reduce = EvaluateNode::make(CallNode::make("tl.reduce",
                                                    {RegionNode::full(acc, at), RegionNode::full(rows.v, at),
                                                     StringImmNode::make("max"), make_int(1), make_bool(true)},
                                                    reduce_at),
                                     reduce_at);
    Stmt body = SeqStmtNode::make({eval("tl.fill", {RegionNode::full(acc, at), FloatImmNode::make(f32, -INFINITY, at)}),
                                   ForNode::make(rows.s, make_int(0), make_int(2), ForKind::Serial,
                                                 SeqStmtNode::make({copy, running}, at), 0, {}, at),
                                   reduce},
                                  at);
    body = AllocateNode::make(rows.x, AllocateNode::make(rows.v, AllocateNode::make(acc, body, at), at), at);
    PrimFunc func =
        with_body(rows.func, KernelLaunchNode::make(launch->extents, launch->block_vars, launch->threads, body, at));
    try {
        laid_out(func);
        FAIL() << "expected a Validation error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_EQ(e.span().line, 12);
        EXPECT_NE(std::string(e.what()).find("T.reduce_max of acc along dim 1 is not supported"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("reduce each block in the loop that copies it"), std::string::npos);
    }
}

/*! exp(a) @ exp(b) over K = 100 in blocks of 64: past the edge both operands are exp(0) = 1, whose
 *  products would add 28 to every element; with b as copied (zeros there) the gemm is accepted. */
TEST(VerifyTTPadding, AGemmSummingNonZeroElementsPastTheEdgeOfBothOperandsIsRefused) {
    Buffer A = make_buffer("A", {make_int(64), make_int(100)}, f32, MemoryScope::Global, at);
    Buffer B = make_buffer("B", {make_int(100), make_int(64)}, f32, MemoryScope::Global, at);
    Buffer a = make_buffer("a", {make_int(64), make_int(64)}, f32, MemoryScope::Fragment, at);
    Buffer b = make_buffer("b", {make_int(64), make_int(64)}, f32, MemoryScope::Fragment, at);
    Buffer c = make_buffer("c", {make_int(64), make_int(64)}, f32, MemoryScope::Fragment, at);
    Var k = make_var("k"), i = make_var("i"), j = make_var("j"), bx = make_var("bx");
    auto exp_of = [&](const Buffer &x) {
        Stmt store = BufferStoreNode::make(x, CallNode::make("tl.exp", f32, {BufferLoadNode::make(x, {i, j}, at)}, at),
                                           {i, j}, at);
        return ForNode::make(i, make_int(0), make_int(64), ForKind::Parallel,
                             ForNode::make(j, make_int(0), make_int(64), ForKind::Parallel, store, 0, {}, at), 0, {},
                             at);
    };
    const Span gemm_at{"ragged.py", 20, 13};
    auto kernel = [&](bool exp_b) {
        Expr start = MulNode::make(k, make_int(64));
        std::vector<Stmt> body{
            eval("tl.copy", {RegionNode::make(A, {{make_int(0), make_int(64)}, {start, make_int(64)}}, at),
                             RegionNode::full(a, at)}),
            eval("tl.copy", {RegionNode::make(B, {{start, make_int(64)}, {make_int(0), make_int(64)}}, at),
                             RegionNode::full(b, at)}),
            exp_of(a)};
        if (exp_b) body.push_back(exp_of(b));
        body.push_back(EvaluateNode::make(
            CallNode::make("tl.gemm",
                           {RegionNode::full(a, at), RegionNode::full(b, at), RegionNode::full(c, at), make_bool(false),
                            make_bool(false), make_bool(false), make_int(1), StringImmNode::make("Square")},
                           gemm_at),
            gemm_at));
        Stmt loop = ForNode::make(k, make_int(0), make_int(2), ForKind::Serial, SeqStmtNode::make(body, at), 0, {}, at);
        Stmt filled =
            SeqStmtNode::make({eval("tl.fill", {RegionNode::full(c, at), FloatImmNode::make(f32, 0, at)}), loop}, at);
        Stmt launch = KernelLaunchNode::make(
            {make_int(1)}, {bx}, {128},
            AllocateNode::make(a, AllocateNode::make(b, AllocateNode::make(c, filled, at), at), at), at);
        return make_prim_func("gemm", {A, B}, launch, {{attr::GLOBAL_SYMBOL, "gemm"}}, at);
    };
    EXPECT_NO_THROW(laid_out(kernel(false)));
    try {
        laid_out(kernel(true));
        FAIL() << "expected a Validation error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_EQ(e.span().line, 20);
        EXPECT_NE(std::string(e.what()).find("lie past the edge of A (100 elements along dimension 1)"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace tt::transform
