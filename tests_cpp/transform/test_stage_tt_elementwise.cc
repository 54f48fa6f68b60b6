// StageTTElementwise before → after on TileLang's element-wise add over global tensors (the IR
// corpus case tests_cases/ir/elementwise_add.json), its lowering, and its diagnostics.
#include <gtest/gtest.h>

#include "../ir/expect_error.h"
#include "corpus_pipeline.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/json.h"
#include "ir/printer.h"
#include "transform/pass.h"
#include "transform/stage_tt_elementwise.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::ir::testing::raises;
using tt::testing::corpus_module;
using tt::testing::count_calls;
using tt::testing::run;

/*! The global reads and the global write of the nest go through shared tiles of the loop's extents. */
TEST(StageTTElementwise, StagesGlobalTensorsThroughSharedTiles) {
    IRModule out = run(corpus_module("elementwise_add"), "StageTTElementwise");
    const std::string expected = "    with T.Kernel(4, 4, threads=128) as (bx, by):\n"
                                 "        A_tile = T.alloc_shared((64, 128), \"float32\")\n"
                                 "        B_tile = T.alloc_shared((64, 128), \"float32\")\n"
                                 "        C_tile = T.alloc_shared((64, 128), \"float32\")\n"
                                 "        T.copy(A[by * 64:by * 64 + 64, bx * 128:bx * 128 + 128], A_tile)\n"
                                 "        T.copy(B[by * 64:by * 64 + 64, bx * 128:bx * 128 + 128], B_tile)\n"
                                 "        for i in T.Parallel(64):\n"
                                 "            for j in T.Parallel(128):\n"
                                 "                C_tile[i, j] = A_tile[i, j] + B_tile[i, j]\n"
                                 "        T.copy(C_tile, C[by * 64:by * 64 + 64, bx * 128:bx * 128 + 128])\n";
    const std::string text = to_text(out->functions.front().second);
    EXPECT_NE(text.find(expected), std::string::npos) << text;
}

/*! Staged, the kernel lowers like one written with copies: the float32 add runs on the SFPU (the
 *  matrix engine would see its operands as tf32), both operands copied into DST. */
TEST(StageTTElementwise, StagedKernelLowersToAnSfpuAdd) {
    IRModule out = run(corpus_module("elementwise_add"),
                       "StageTTElementwise -> InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap -> "
                       "LowerTTTileIntrinsics");
    const PrimFunc compute = out->lookup("elementwise_add_compute");
    EXPECT_EQ(count_calls(compute->body, "tt.add_binary_tile"), 1);
    EXPECT_EQ(count_calls(compute->body, "tt.add_tiles"), 0);
    EXPECT_EQ(count_calls(compute->body, "tt.copy_tile"), 2);
    EXPECT_EQ(count_calls(out->lookup("elementwise_add_reader")->body, "tt.noc_async_read_page"), 2);
    EXPECT_EQ(count_calls(out->lookup("elementwise_add_writer")->body, "tt.noc_async_write_page"), 1);
}

/*! A nest that touches no global tensor is left as it is. */
TEST(StageTTElementwise, LeavesOnChipNestsAlone) {
    IRModule staged = run(corpus_module("elementwise_add"), "StageTTElementwise");
    IRModule again = run(staged, "StageTTElementwise");
    EXPECT_EQ(again->functions.front().second.get(), staged->functions.front().second.get());
}

/*! Index patterns other than block start + loop variable are located errors saying what to write. */
TEST(StageTTElementwise, RejectsOtherIndexPatterns) {
    Buffer a = make_buffer("A", {make_int(64), make_int(64)}, DataType::float32(), MemoryScope::Global);
    Var i = make_var("i"), j = make_var("j"), bx = make_var("bx");
    Span span{"kernel.py", 7, 5};
    auto kernel = [&](std::vector<Expr> store_indices) {
        Stmt store = BufferStoreNode::make(a, FloatImmNode::make(DataType::float32(), 1.0), store_indices, span);
        Stmt nest = ForNode::make(i, make_int(0), make_int(32), ForKind::Parallel,
                                  ForNode::make(j, make_int(0), make_int(32), ForKind::Parallel, store));
        Stmt launch = KernelLaunchNode::make({make_int(2)}, {bx}, {}, nest);
        return make_module({{"k", make_prim_func("k", {a}, launch)}});
    };
    EXPECT_TRUE(
        raises(ErrorKind::Validation, "the element-wise access A[j, i] is not supported on Tenstorrent yet", [&] {
            run(kernel({j, i}), "StageTTElementwise");
        }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "instead index it [row0 + i, col0 + j]", [&] {
        run(kernel({AddNode::make(i, j), j}), "StageTTElementwise");
    }));
    try {
        run(kernel({j, i}), "StageTTElementwise");
    } catch (const Error &e) {
        EXPECT_EQ(e.span().line, 7);
    }
}

/*! A tensor of more dimensions than the nest has loop variables stages the slice its leading
 *  indices name; one of fewer is told to go through a fragment and T.copy, the access shown with
 *  every index as written. */
TEST(StageTTElementwise, LeadingDimensionsStageTheirSlice) {
    Buffer lse = make_buffer("lse", {make_int(2), make_int(4), make_int(64)}, DataType::float32(), MemoryScope::Global);
    Var i = make_var("i"), j = make_var("j"), bx = make_var("bx"), by = make_var("by"), bz = make_var("bz");
    Expr row = AddNode::make(MulNode::make(bx, make_int(32)), i);
    Stmt store = BufferStoreNode::make(lse, FloatImmNode::make(DataType::float32(), 0.0), {bz, by, row},
                                       Span{"kernel.py", 9, 13});
    Stmt nest = ForNode::make(i, make_int(0), make_int(32), ForKind::Parallel, store);
    Stmt launch = KernelLaunchNode::make({make_int(2), make_int(4), make_int(2)}, {bx, by, bz}, {}, nest);
    IRModule staged = run(make_module({{"k", make_prim_func("k", {lse}, launch)}}), "StageTTElementwise");
    const std::string text = to_text(staged);
    EXPECT_NE(text.find("lse_tile[i] = 0"), std::string::npos) << text;
    EXPECT_NE(text.find("T.copy(lse_tile, lse[bz, by, bx * 32:bx * 32 + 32])"), std::string::npos) << text;

    Buffer v = make_buffer("v", {make_int(64)}, DataType::float32(), MemoryScope::Global);
    Stmt store2 = BufferStoreNode::make(v, FloatImmNode::make(DataType::float32(), 0.0), {AddNode::make(i, j)},
                                        Span{"kernel.py", 9, 13});
    Stmt nest2 = ForNode::make(i, make_int(0), make_int(32), ForKind::Parallel,
                               ForNode::make(j, make_int(0), make_int(32), ForKind::Parallel, store2));
    IRModule mod = make_module({{"k", make_prim_func("k", {v}, KernelLaunchNode::make({make_int(1)}, {bx}, {}, nest2))}});
    EXPECT_TRUE(raises(ErrorKind::Validation, "the element-wise access v[i + j] is not supported on Tenstorrent yet",
                       [&] { run(mod, "StageTTElementwise"); }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "v has 1 dimensions in a nest of 2; instead compute into a fragment "
                                              "and T.copy it to v",
                       [&] { run(mod, "StageTTElementwise"); }));
}

TEST(StageTTElementwise, IndicesAreReadWithTheirConstantsFolded) {
    // bk * 32 + tk * 1 + 0: a thread index times a one-element-per-thread count, as a SIMT kernel
    // rewritten into tile form writes it.
    Buffer a = make_buffer("a", {make_int(128)}, DataType::float32(), MemoryScope::Global);
    Var tk = make_var("tk"), bk = make_var("bk");
    Expr index = AddNode::make(AddNode::make(MulNode::make(bk, make_int(32)), MulNode::make(tk, make_int(1))),
                               make_int(0));
    Stmt store = BufferStoreNode::make(a, FloatImmNode::make(DataType::float32(), 0.0), {index}, Span{"kernel.py", 9, 13});
    Stmt nest = ForNode::make(tk, make_int(0), make_int(32), ForKind::Parallel, store);
    Stmt launch = KernelLaunchNode::make({make_int(4)}, {bk}, {}, nest);
    const std::string text = to_text(run(make_module({{"k", make_prim_func("k", {a}, launch)}}), "StageTTElementwise"));
    EXPECT_NE(text.find("T.copy(a_tile, a[bk * 32:bk * 32 + 32])"), std::string::npos) << text;
}

}  // namespace
