// Gathers read row by row (tt_gather_loads.h) on TileLang's im2col convolution (the IR corpus case
// tests_cases/ir/im2col_gather.json): StageTTElementwise leaves the nest, the data flow counts it
// as the reader's fill, and LowerTTTileIntrinsics turns it into face-row reads in the reader.
#include <gtest/gtest.h>

#include "corpus_pipeline.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/analysis.h"
#include "transform/tt_gather_loads.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::testing::corpus_module;
using tt::testing::count_calls;
using tt::testing::run;

const ForNode *gather_nest(const PrimFunc &func) {
    const ForNode *nest = nullptr;
    post_order_visit(func->body, [&](const Node *n) {
        const auto *loop = n->kind == NodeKind::For ? static_cast<const ForNode *>(n) : nullptr;
        if (loop && loop->for_kind == ForKind::Parallel && loop->body.as<ForNode>()) nest = loop;
    });
    return nest;
}

/*! The nest is a gather of data into data_shared under the bounds test. */
TEST(GatherLoads, MatchesTheIm2colNest) {
    const PrimFunc func = corpus_module("im2col_gather")->functions.front().second;
    std::optional<transform::GatherLoad> gather = transform::match_gather(gather_nest(func));
    ASSERT_TRUE(gather);
    EXPECT_EQ(gather->store->buffer->name, "data_shared");
    EXPECT_EQ(gather->source->buffer->name, "data");
    EXPECT_EQ(to_text(gather->condition), "in_bound");
    EXPECT_EQ(gather->lets.size(), 5u);
}

/*! StageTTElementwise leaves the gather as it is; the data flow counts it as a fill from data. */
TEST(GatherLoads, StagingLeavesItAndTheDataFlowSeesAFill) {
    IRModule in = corpus_module("im2col_gather");
    IRModule staged = run(in, "StageTTElementwise");
    EXPECT_EQ(staged->functions.front().second.get(), in->functions.front().second.get());
    transform::DataFlow flow = transform::analyze_data_flow(in->functions.front().second);
    for (const transform::OnChipFlow &buffer : flow.on_chip) {
        if (buffer.buffer->name != "data_shared") continue;
        ASSERT_TRUE(buffer.filled_from);
        EXPECT_EQ(buffer.filled_from->name, "data");
        EXPECT_FALSE(buffer.computed);
        EXPECT_EQ(buffer.fill_stages, 2);
    }
}

/*! Lowered: per destination row two face-row reads under the signed bounds test, zeros otherwise;
 *  compute only multiplies. */
TEST(GatherLoads, LowersToFaceRowReadsInTheReader) {
    IRModule out = run(corpus_module("im2col_gather"),
                       "StageTTElementwise -> InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap -> "
                       "LowerTTTileIntrinsics");
    const PrimFunc reader = out->lookup("im2col_gather_reader");
    EXPECT_EQ(count_calls(reader->body, "tt.noc_async_read"), 2);
    EXPECT_EQ(count_calls(reader->body, "tt.l1_write_u32"), 2);
    EXPECT_GE(count_calls(reader->body, "tt.signed"), 4);
    const std::string text = to_text(reader);
    EXPECT_NE(text.find("for row in T.serial(32)"), std::string::npos) << text;
    const PrimFunc compute = out->lookup("im2col_gather_compute");
    EXPECT_EQ(count_calls(compute->body, "tt.matmul_block"), 1);
    EXPECT_EQ(count_calls(compute->body, "tt.noc_async_read"), 0);
}

}  // namespace
