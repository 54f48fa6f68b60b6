// GroupTTRowBlocks before → after on TileLang's one-row RMSNorm (the IR corpus case
// tests_cases/ir/rms_norm_row_blocks.json), its lowering, and its diagnostics.
#include <gtest/gtest.h>

#include "../ir/expect_error.h"
#include "corpus_pipeline.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/json.h"
#include "ir/printer.h"
#include "transform/group_tt_row_blocks.h"
#include "transform/pass.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::ir::testing::raises;
using tt::testing::corpus_module;
using tt::testing::run;

/*! 64 blocks of one row become 2 blocks of 32 rows: buffers, row loops, row starts and the grid;
 *  the let that only named the row start is gone. */
TEST(GroupTTRowBlocks, OneRowBlocksBecomeTileRows) {
    IRModule out = run(corpus_module("rms_norm_row_blocks"), "GroupTTRowBlocks");
    const std::string expected = "    with T.Kernel(2) as (bx,):\n"
                                 "        rows = T.alloc_shared((32, 128), \"float32\")\n"
                                 "        squares = T.alloc_fragment((32, 128), \"float32\")\n"
                                 "        scale = T.alloc_fragment((32,), \"float32\")\n"
                                 "        T.copy(X[bx * 32:bx * 32 + 32, 0:128], rows)\n"
                                 "        for i in T.Parallel(32):\n"
                                 "            for j in T.Parallel(128):\n"
                                 "                squares[i, j] = rows[i, j] * rows[i, j]\n"
                                 "        T.reduce(squares, scale, kind=\"sum\", dim=1, clear=True)\n"
                                 "        for i_1 in T.Parallel(32):\n";
    const std::string text = to_text(out->functions.front().second);
    EXPECT_NE(text.find(expected), std::string::npos) << text;
    EXPECT_NE(text.find("T.copy(rows, Y[bx * 32:bx * 32 + 32, 0:128])"), std::string::npos) << text;
}

/*! Grouped, the kernel lowers as one written with 32-row blocks: whole tiles, one tile row per block. */
TEST(GroupTTRowBlocks, GroupedKernelLowers) {
    IRModule out = run(corpus_module("rms_norm_row_blocks"),
                       "GroupTTRowBlocks -> InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap -> "
                       "LowerTTTileIntrinsics");
    int reads = 0;
    post_order_visit(out->lookup("rms_norm_rows_reader")->body, [&](const Node *n) {
        reads += n->kind == NodeKind::Call && static_cast<const CallNode *>(n)->op->name == "tt.noc_async_read_page";
    });
    EXPECT_EQ(reads, 1);  // in a loop over the 4 tiles of the block's tile row
}

/*! Kernels whose blocks are whole tiles are left as they are. */
TEST(GroupTTRowBlocks, LeavesTileBlocksAlone) {
    IRModule grouped = run(corpus_module("rms_norm_row_blocks"), "GroupTTRowBlocks");
    IRModule again = run(grouped, "GroupTTRowBlocks");
    EXPECT_EQ(again->functions.front().second.get(), grouped->functions.front().second.get());
}

/*! What would make the grouped blocks differ from the originals is a located error. */
TEST(GroupTTRowBlocks, RejectsBlocksThatDependOnEachOther) {
    Buffer x = make_buffer("X", {make_int(64), make_int(64)}, DataType::float32(), MemoryScope::Global);
    Buffer rows = make_buffer("rows", {make_int(1), make_int(64)}, DataType::float32(), MemoryScope::Shared);
    Var i = make_var("i"), j = make_var("j"), bx = make_var("bx");
    Span span{"kernel.py", 9, 5};
    auto kernel = [&](Expr row_start, Expr store_row) {
        Stmt load = EvaluateNode::make(
            CallNode::make(
                "tl.copy",
                {RegionNode::make(x, {{row_start, make_int(1)}, {make_int(0), make_int(64)}}), RegionNode::full(rows)},
                span),
            span);
        Stmt store = BufferStoreNode::make(rows, FloatImmNode::make(DataType::float32(), 1.0), {store_row, j}, span);
        Stmt nest = ForNode::make(i, make_int(0), make_int(1), ForKind::Parallel,
                                  ForNode::make(j, make_int(0), make_int(64), ForKind::Parallel, store));
        Stmt launch =
            KernelLaunchNode::make({make_int(64)}, {bx}, {}, AllocateNode::make(rows, SeqStmtNode::make({load, nest})));
        return make_module({{"k", make_prim_func("k", {x}, launch)}});
    };
    EXPECT_NO_THROW(run(kernel(bx, i), "GroupTTRowBlocks"));
    EXPECT_TRUE(raises(ErrorKind::Validation, "the row index 0 of rows is not supported",
                       [&] { run(kernel(bx, make_int(0)), "GroupTTRowBlocks"); }));
    EXPECT_TRUE(raises(ErrorKind::Validation, "each block must move its own rows",
                       [&] { run(kernel(make_int(0), i), "GroupTTRowBlocks"); }));
    try {
        run(kernel(make_int(0), i), "GroupTTRowBlocks");
    } catch (const Error &e) {
        EXPECT_EQ(e.span().line, 9);
    }
}

}  // namespace
