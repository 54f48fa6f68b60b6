// PromoteTTNarrowIntegers before → after on a uint8 mask (the decode kernel's
// `T.if_then_else(mask_local[j] != 0, s[i, j], -inf)`), and its diagnostics.
#include <gtest/gtest.h>

#include "../ir/expect_error.h"
#include "corpus_pipeline.h"
#include "ir/printer.h"
#include "transform/promote_tt_narrow_integers.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::ir::testing::raises;
using tt::testing::run;

const DataType kU8 = DataType::parse("uint8");
const Span kStoreLine{"kernel.py", 12, 9};

/*! mask (uint8 [64]) → mask_local, then per element of s (float32 [32, 64]) `store(i, j, element)`,
 *  where element is mask_local[j]; s is copied to Out. */
IRModule masked(const std::function<Stmt(const Buffer &, const Var &, const Var &, const Expr &)> &store,
                const Buffer &mask) {
    Buffer out = make_buffer("Out", {make_int(32), make_int(64)}, DataType::float32(), MemoryScope::Global);
    Buffer s = make_buffer("s", {make_int(32), make_int(64)}, DataType::float32(), MemoryScope::Fragment);
    Buffer mask_local = make_buffer("mask_local", {make_int(64)}, kU8, MemoryScope::Fragment);
    Var bx = make_var("bx"), i = make_var("i"), j = make_var("j");
    Stmt nest = ForNode::make(i, make_int(0), make_int(32), ForKind::Parallel,
                              ForNode::make(j, make_int(0), make_int(64), ForKind::Parallel,
                                            store(s, i, j, BufferLoadNode::make(mask_local, {j}))));
    Stmt body = SeqStmtNode::make(
        {EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(mask), RegionNode::full(mask_local)})),
         EvaluateNode::make(
             CallNode::make("tl.fill", {RegionNode::full(s), FloatImmNode::make(DataType::float32(), 1.0)})),
         nest, EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(s), RegionNode::full(out)}))});
    body = AllocateNode::make(s, AllocateNode::make(mask_local, body));
    Stmt launch = KernelLaunchNode::make({make_int(1)}, {bx}, {}, body);
    return make_module({{"k", make_prim_func("k", {mask, out}, launch)}});
}

Buffer mask_tensor(DataType dtype = kU8) {
    return make_buffer("mask", {make_int(64)}, dtype, MemoryScope::Global);
}

Stmt select_store(const Buffer &s, const Var &i, const Var &j, const Expr &cond) {
    Expr keep = BufferLoadNode::make(s, {i, j});
    Expr value = SelectNode::make(cond, keep, FloatImmNode::make(DataType::float32(), -INFINITY));
    return BufferStoreNode::make(s, value, {i, j}, kStoreLine);
}

/*! The mask tensor and its fragment become bfloat16, and `!= T.uint8(0)` a float comparison. */
TEST(PromoteTTNarrowIntegers, MaskBecomesBfloat16AndComparesAsFloat) {
    IRModule mod = masked(
        [](const Buffer &s, const Var &i, const Var &j, const Expr &element) {
            return select_store(s, i, j, NENode::make(element, IntImmNode::make(kU8, 0)));
        },
        mask_tensor());
    const std::string text = to_text(run(mod, "PromoteTTNarrowIntegers")->functions.front().second);
    EXPECT_NE(text.find("def k(mask: T.Tensor((64,), \"bfloat16\")"), std::string::npos) << text;
    EXPECT_NE(text.find("mask_local = T.alloc_fragment((64,), \"bfloat16\")"), std::string::npos) << text;
    EXPECT_NE(text.find("s[i, j] = T.if_then_else(mask_local[j] != T.bfloat16(0.0), s[i, j], -T.infinity)"),
              std::string::npos)
        << text;
}

/*! uint16 needs float32 (16 significant bits); a widening cast to int32 before comparing is seen through. */
TEST(PromoteTTNarrowIntegers, Uint16BecomesFloat32ThroughWideningCasts) {
    const DataType u16 = DataType::parse("uint16");
    Buffer mask = mask_tensor(u16);
    Buffer out = make_buffer("Out", {make_int(64)}, DataType::float32(), MemoryScope::Global);
    Buffer local = make_buffer("m", {make_int(64)}, u16, MemoryScope::Fragment);
    Buffer f = make_buffer("f", {make_int(64)}, DataType::float32(), MemoryScope::Fragment);
    Var bx = make_var("bx"), j = make_var("j");
    Expr cond = GTNode::make(CastNode::make(DataType::int32(), BufferLoadNode::make(local, {j})), make_int(300));
    Stmt nest = ForNode::make(j, make_int(0), make_int(64), ForKind::Parallel,
                              BufferStoreNode::make(f,
                                                    SelectNode::make(cond, FloatImmNode::make(DataType::float32(), 1.0),
                                                                     FloatImmNode::make(DataType::float32(), 0.0)),
                                                    {j}));
    Stmt body = SeqStmtNode::make(
        {EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(mask), RegionNode::full(local)})), nest,
         EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(f), RegionNode::full(out)}))});
    Stmt launch =
        KernelLaunchNode::make({make_int(1)}, {bx}, {}, AllocateNode::make(local, AllocateNode::make(f, body)));
    IRModule widened = make_module({{"k", make_prim_func("k", {mask, out}, launch)}});
    const std::string text = to_text(run(widened, "PromoteTTNarrowIntegers")->functions.front().second);
    EXPECT_NE(text.find("m = T.alloc_fragment((64,), \"float32\")"), std::string::npos) << text;
    EXPECT_NE(text.find("T.if_then_else(m[j] > 300.0, 1.0, 0.0)"), std::string::npos) << text;
}

/*! Arithmetic on the integers, and writing such a tensor, are located errors saying what to do. */
TEST(PromoteTTNarrowIntegers, OtherUsesAreLocatedErrors) {
    IRModule arithmetic = masked(
        [](const Buffer &s, const Var &i, const Var &j, const Expr &element) {
            Expr as_float = CastNode::make(DataType::float32(), AddNode::make(element, IntImmNode::make(kU8, 1)));
            return BufferStoreNode::make(s, as_float, {i, j}, kStoreLine);
        },
        mask_tensor());
    EXPECT_TRUE(raises(ErrorKind::Validation, "element-wise math on the uint8 buffer mask_local is not supported",
                       [&] { run(arithmetic, "PromoteTTNarrowIntegers"); }));
    try {
        run(arithmetic, "PromoteTTNarrowIntegers");
    } catch (const Error &e) {
        EXPECT_EQ(e.span().line, 12);
    }
    Buffer mask = mask_tensor();
    Buffer local = make_buffer("m", {make_int(64)}, kU8, MemoryScope::Fragment);
    Var bx = make_var("bx");
    Stmt write =
        EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(local), RegionNode::full(mask)}), kStoreLine);
    Stmt launch = KernelLaunchNode::make({make_int(1)}, {bx}, {}, AllocateNode::make(local, write));
    IRModule writes = make_module({{"k", make_prim_func("k", {mask}, launch)}});
    EXPECT_TRUE(raises(ErrorKind::Validation, "so it can only be read; instead write an int32, uint32 or float tensor",
                       [&] { run(writes, "PromoteTTNarrowIntegers"); }));
}

}  // namespace
