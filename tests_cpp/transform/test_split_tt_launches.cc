// SplitTTLaunches: before → after on a function of two launches passing a T.alloc_global buffer,
// the unchanged single launch, and the errors of split_tt_launches.h.
#include <gtest/gtest.h>

#include "ir/equal.h"
#include "transform/split_tt_launches.h"

namespace tt::transform {
namespace {

using namespace ir;

const DataType kBf16 = DataType::parse("bfloat16");
const Span kAt{"split.py", 4, 5};

Stmt copy(Expr src, Expr dst) {
    return EvaluateNode::make(CallNode::make("tl.copy", {src, dst}, kAt), kAt);
}

/*! \code
 *  def two(X, Out):                 # X, Out: (32, 32) bfloat16
 *      tmp = T.alloc_global((32, 32), "bfloat16")
 *      with T.Kernel(1) as bx:  s = T.alloc_shared((32, 32)); T.copy(X, s); T.copy(s, tmp)
 *      with T.Kernel(1) as bx:  s = T.alloc_shared((32, 32)); T.copy(tmp, s); T.copy(s, Out)
 *  \endcode */
struct TwoLaunches {
    Buffer X = make_buffer("X", {make_int(32), make_int(32)}, kBf16, MemoryScope::Global, kAt);
    Buffer Out = make_buffer("Out", {make_int(32), make_int(32)}, kBf16, MemoryScope::Global, kAt);
    Buffer tmp = make_buffer("tmp", {make_int(32), make_int(32)}, kBf16, MemoryScope::Global, kAt);
    Stmt launch(const Buffer &from, const Buffer &to) {
        Buffer s = make_buffer("s", {make_int(32), make_int(32)}, kBf16, MemoryScope::Shared, kAt);
        Stmt body = AllocateNode::make(s,
                                       SeqStmtNode::make({copy(RegionNode::full(from, kAt), RegionNode::full(s, kAt)),
                                                          copy(RegionNode::full(s, kAt), RegionNode::full(to, kAt))}),
                                       kAt);
        return KernelLaunchNode::make({make_int(1)}, {make_var("bx")}, {128}, body, kAt);
    }
    Stmt first = launch(X, tmp), second = launch(tmp, Out);
    PrimFunc func(Stmt body) { return make_prim_func("two", {X, Out}, body, {{attr::GLOBAL_SYMBOL, "two"}}, kAt); }
};

PassContext context() {
    return PassContext::from_json(Json::object());
}

TEST(SplitTTLaunches, OneFunctionPerLaunchWithTheBuffersItUses) {
    TwoLaunches t;
    IRModule before =
        make_module({{"two", t.func(AllocateNode::make(t.tmp, SeqStmtNode::make({t.first, t.second}), kAt))}});
    IRModule after = split_tt_launches(before, context());
    ASSERT_EQ(after->functions.size(), 2u);
    const PrimFunc &f0 = after->functions[0].second, &f1 = after->functions[1].second;
    EXPECT_EQ(after->functions[0].first, "two_launch0");
    EXPECT_EQ(f1->name, "two_launch1");
    EXPECT_TRUE(structural_equal(f0->body, t.first));
    EXPECT_TRUE(structural_equal(f1->body, t.second));
    ASSERT_EQ(f0->params.size(), 2u);  // X, then the allocated tmp
    EXPECT_EQ(f0->params[0].get(), t.X.get());
    EXPECT_EQ(f0->params[1].get(), t.tmp.get());
    ASSERT_EQ(f1->params.size(), 2u);  // Out, then tmp
    EXPECT_EQ(f1->params[0].get(), t.Out.get());
    EXPECT_EQ(f1->params[1].get(), t.tmp.get());
    EXPECT_EQ(f1->attrs.at(attr::TT_LAUNCH),
              (Json{{"index", 1}, {"count", 2}, {"buffers", {t.X->name, t.Out->name, t.tmp->name}}}));
    EXPECT_EQ(f1->attrs.at(attr::GLOBAL_SYMBOL), "two");
}

TEST(SplitTTLaunches, OneLaunchIsUnchanged) {
    TwoLaunches t;
    IRModule before = make_module({{"two", t.func(t.first)}});
    EXPECT_EQ(split_tt_launches(before, context()).get(), before.get());
}

TEST(SplitTTLaunches, GlobalAllocationInsideALaunchIsLocated) {
    TwoLaunches t;
    Stmt inner = KernelLaunchNode::make(
        {make_int(1)}, {make_var("bx")}, {128},
        AllocateNode::make(t.tmp, EvaluateNode::make(make_int(0), kAt), Span{"split.py", 9, 9}), kAt);
    try {
        split_tt_launches(make_module({{"two", t.func(SeqStmtNode::make({t.first, inner}))}}), context());
        FAIL() << "expected a Validation error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(std::string(e.what()).find("T.alloc_global of tmp inside a T.Kernel launch"), std::string::npos)
            << e.what();
        EXPECT_EQ(e.span().line, 9);
    }
}

}  // namespace
}  // namespace tt::transform
