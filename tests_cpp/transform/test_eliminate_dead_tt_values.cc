// EliminateDeadTTValues before → after: dead element-wise values (the decode kernel's final
// log-sum-exp that nothing stores), chains of them, unused allocations, and the values a
// sequential loop's next iteration reads, which stay.
#include <gtest/gtest.h>

#include "corpus_pipeline.h"
#include "ir/printer.h"
#include "transform/eliminate_dead_tt_values.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::testing::run;

const DataType kF32 = DataType::float32();

Buffer vector(const std::string &name, MemoryScope scope = MemoryScope::Fragment, int64_t length = 32) {
    return make_buffer(name, {make_int(length)}, kF32, scope);
}

Expr f32(double value) {
    return FloatImmNode::make(kF32, value);
}

/*! for i in T.Parallel(32): target[i] = value(i) */
Stmt parallel(const Buffer &target, const std::function<Expr(const Var &)> &value) {
    Var i = make_var("i");
    return ForNode::make(i, make_int(0), make_int(32), ForKind::Parallel, BufferStoreNode::make(target, value(i), {i}));
}

Expr load(const Buffer &b, const Var &i) {
    return BufferLoadNode::make(b, {i});
}

/*! One launch over `out` (2 blocks of 32) whose body is `body`, inside the given allocations. */
IRModule kernel(const Buffer &out, const Var &bx, const std::vector<Buffer> &allocs, std::vector<Stmt> body) {
    Stmt s = SeqStmtNode::make(std::move(body));
    for (auto it = allocs.rbegin(); it != allocs.rend(); ++it) s = AllocateNode::make(*it, s);
    Stmt launch = KernelLaunchNode::make({make_int(2)}, {bx}, {}, s);
    return make_module({{"k", make_prim_func("k", {out}, launch)}});
}

Stmt copy_out(const Buffer &from, const Buffer &out, const Var &bx) {
    Expr dst = RegionNode::make(out, {{MulNode::make(bx, make_int(32)), make_int(32)}});
    return EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(from), dst}));
}

/*! The row sum is stored; its log (computed and never stored, as upstream's no-split decode does),
 *  a chain of temporaries only that log's neighbours read, and a buffer nothing mentions all go. */
TEST(EliminateDeadTTValues, RemovesValuesNothingReads) {
    Buffer out = vector("Out", MemoryScope::Global, 64);
    Buffer sum = vector("sum"), unused = vector("unused"), tmp = vector("tmp"), twice = vector("twice");
    Var bx = make_var("bx"), k = make_var("k");
    Stmt accumulate = ForNode::make(k, make_int(0), make_int(4), ForKind::Serial,
                                    parallel(sum, [&](const Var &i) { return AddNode::make(load(sum, i), f32(1)); }));
    IRModule mod = kernel(out, bx, {sum, unused, tmp, twice},
                          {EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(sum), f32(0)})), accumulate,
                           copy_out(sum, out, bx),
                           parallel(tmp, [&](const Var &i) { return MulNode::make(load(sum, i), f32(2)); }),
                           parallel(twice, [&](const Var &i) { return AddNode::make(load(tmp, i), load(tmp, i)); }),
                           parallel(sum, [&](const Var &i) { return CallNode::make("tl.log2", {load(sum, i)}); })});
    IRModule after = run(mod, "EliminateDeadTTValues");
    const std::string expected = "    with T.Kernel(2) as (bx,):\n"
                                 "        sum = T.alloc_fragment((32,), \"float32\")\n"
                                 "        T.fill(sum, 0.0)\n"
                                 "        for k in T.serial(4):\n"
                                 "            for i in T.Parallel(32):\n"
                                 "                sum[i] = sum[i] + 1.0\n"
                                 "        T.copy(sum, Out[bx * 32:bx * 32 + 32])\n";
    const std::string text = to_text(after->functions.front().second);
    EXPECT_NE(text.find(expected), std::string::npos) << text;
    EXPECT_EQ(text.find("tmp"), std::string::npos) << text;
    EXPECT_EQ(text.find("log2"), std::string::npos) << text;
}

/*! A value written at the end of a sequential loop's body and read at the start of the next
 *  iteration (the previous row maximum of online softmax) is live; the kernel stays as written. */
TEST(EliminateDeadTTValues, KeepsValuesTheNextIterationReads) {
    Buffer out = vector("Out", MemoryScope::Global, 64);
    Buffer prev = vector("prev"), cur = vector("cur");
    Var bx = make_var("bx"), k = make_var("k");
    Stmt body = SeqStmtNode::make({parallel(cur, [&](const Var &i) { return AddNode::make(load(prev, i), f32(1)); }),
                                   parallel(prev, [&](const Var &i) { return load(cur, i); })});
    IRModule mod =
        kernel(out, bx, {prev, cur},
               {EvaluateNode::make(CallNode::make("tl.fill", {RegionNode::full(prev), f32(0)})),
                ForNode::make(k, make_int(0), make_int(4), ForKind::Pipelined, body, 1), copy_out(cur, out, bx)});
    IRModule after = run(mod, "EliminateDeadTTValues");
    EXPECT_EQ(after->functions.front().second.get(), mod->functions.front().second.get());
}

/*! The pass runs first in the default pipeline once T.Persistent and T.atomic_add are lowered and
 *  the shapes are specialized, so dead values never reach the lowering. */
TEST(EliminateDeadTTValues, FirstInTheDefaultPipeline) {
    EXPECT_EQ(transform::Pipeline::parse(transform::kDefaultPipeline)
                  .to_string()
                  .rfind("LowerTTPersistent -> LowerTTAtomicAdd -> SpecializeTTShapes -> EliminateDeadTTValues -> ", 0),
              0u);
}

}  // namespace
