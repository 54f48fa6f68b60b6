// PropagateTTLayout: the circular buffers (flow, index, format, depth), the compute configuration
// and the L1 budget check.
#include <gtest/gtest.h>

#include "gemm_ir.h"
#include "transform/infer_tt_layout.h"
#include "transform/propagate_tt_layout.h"

namespace tt::transform {
namespace {

using namespace ir;

PrimFunc run(const PrimFunc &f, const Json &options = Json::object()) {
    PassContext ctx = PassContext::from_json(options);
    return propagate_tt_layout(infer_tt_layout(f, ctx), ctx);
}

CBDesc cbs_of(const PrimFunc &f) {
    return f->attrs.at(attr::TT_CB_DESC).get<CBDesc>();
}

/*! Before → after on the reference GEMM (bf16, fp32 accumulator, 128x128x32 blocks, 3 stages). */
TEST(PropagateTTLayout, ReferenceGemm) {
    const PrimFunc after = run(testing::make_gemm());
    const CBDesc cbs = cbs_of(after);
    ASSERT_EQ(cbs.size(), 4u);
    const CBConfig &a = cbs.at("A_shared");
    EXPECT_EQ(a.cb_index, 0);
    EXPECT_EQ(a.flow, CBFlow::Input);
    EXPECT_EQ(a.data_format, "Float16_b");
    EXPECT_EQ(a.page_size, 2048);
    EXPECT_EQ(a.tiles_per_stage, 4);
    EXPECT_EQ(a.depth, 3);
    EXPECT_EQ(a.num_pages, 12);
    EXPECT_EQ(cbs.at("B_shared").cb_index, 1);
    const CBConfig &c = cbs.at("C_local");
    EXPECT_EQ(c.cb_index, 16);
    EXPECT_EQ(c.flow, CBFlow::Output);
    EXPECT_EQ(c.dtype, "float32");
    EXPECT_EQ(c.data_format, "Float16_b");  // what the writer moves to C
    // The partial sums live in C_local.partials; C_local only passes the final value to the
    // writer, a DST load (4 fp32 tiles) at a time, double-buffered.
    EXPECT_EQ(c.tiles_per_stage, 4);
    EXPECT_EQ(c.depth, 2);
    EXPECT_EQ(c.num_pages, 8);
    const CBConfig &partials = cbs.at("C_local.partials");
    EXPECT_EQ(partials.cb_index, 24);
    EXPECT_EQ(partials.num_pages, 16);
    EXPECT_EQ(partials.data_format, "Float32");
    EXPECT_EQ(partials.page_size, 4096);
    const ComputeConfig compute = after->attrs.at(attr::TT_COMPUTE_CONFIG).get<ComputeConfig>();
    EXPECT_EQ(compute.math_fidelity, "HiFi4");
    EXPECT_TRUE(compute.fp32_dest_acc_en);
    EXPECT_EQ(compute.dst_tiles, 4);
}

/*! Roles come from data flow: renaming every buffer changes nothing but the keys. */
TEST(PropagateTTLayout, IndependentOfNames) {
    testing::GemmConfig cfg;
    cfg.shared_epilogue = true;
    const CBDesc cbs = cbs_of(run(testing::make_gemm(cfg)));
    EXPECT_EQ(cbs.at("C_shared").flow, CBFlow::Output);
    EXPECT_EQ(cbs.at("C_shared").cb_index, 16);
    EXPECT_EQ(cbs.at("C_local").flow, CBFlow::Intermediate);
    EXPECT_EQ(cbs.at("C_local").cb_index, 24);
    EXPECT_EQ(cbs.at("C_local").data_format, "Float32");
    EXPECT_EQ(cbs.count("C_local.partials"), 0u);  // the intermediate CB is already the accumulator's home
}

TEST(PropagateTTLayout, DoubleBufferAndPrefetchSetDepths) {
    const CBDesc off = cbs_of(run(testing::make_gemm(), {{"enable_double_buffer", false}}));
    EXPECT_EQ(off.at("A_shared").depth, 1);
    EXPECT_EQ(off.at("C_local").depth, 1);
    testing::GemmConfig one_stage;
    one_stage.num_stages = 1;
    EXPECT_EQ(cbs_of(run(testing::make_gemm(one_stage))).at("A_shared").depth, 2);
}

/*! A buffer loaded once per block (outside any pipelined loop) is prefetched when enabled. */
TEST(PropagateTTLayout, PrefetchDepthForLoadsOutsidePipelinedLoops) {
    const DataType bf16 = DataType::parse("bfloat16");
    Buffer A = make_buffer("A", {make_int(64), make_int(64)}, bf16, MemoryScope::Global);
    Buffer C = make_buffer("C", {make_int(64), make_int(64)}, bf16, MemoryScope::Global);
    Buffer S = make_buffer("S", {make_int(32), make_int(32)}, bf16, MemoryScope::Shared);
    Var bx = make_var("bx"), by = make_var("by");
    auto tile = [&](const Buffer &g) {
        return RegionNode::make(g, {{MulNode::make(by, make_int(32)), make_int(32)}, {MulNode::make(bx, make_int(32)), make_int(32)}});
    };
    Stmt body = AllocateNode::make(
        S, SeqStmtNode::make({EvaluateNode::make(CallNode::make("tl.copy", {tile(A), RegionNode::full(S)})),
                              EvaluateNode::make(CallNode::make("tl.copy", {RegionNode::full(S), tile(C)}))}));
    PrimFunc f = make_prim_func("copy", {A, C}, KernelLaunchNode::make({make_int(2), make_int(2)}, {bx, by}, {128}, body));
    EXPECT_EQ(cbs_of(run(f)).at("S").depth, 2);
    EXPECT_EQ(cbs_of(run(f, {{"enable_prefetch", false}})).at("S").depth, 1);
    EXPECT_EQ(cbs_of(run(f)).at("S").flow, CBFlow::Input);  // filled wins over drained
}

TEST(PropagateTTLayout, ComputeConfigFollowsOptionsAndDevice) {
    const ComputeConfig gs = run(testing::make_gemm(), {{"target_device", "grayskull"}, {"math_fidelity", "LoFi"}})
                                 ->attrs.at(attr::TT_COMPUTE_CONFIG)
                                 .get<ComputeConfig>();
    EXPECT_FALSE(gs.fp32_dest_acc_en);  // grayskull cannot
    EXPECT_EQ(gs.math_fidelity, "LoFi");
    EXPECT_EQ(gs.dst_tiles, 8);
    const ComputeConfig off = run(testing::make_gemm(), {{"fp32_dest_acc_en", false}})->attrs.at(attr::TT_COMPUTE_CONFIG).get<ComputeConfig>();
    EXPECT_FALSE(off.fp32_dest_acc_en);
    testing::GemmConfig bf16_acc;
    bf16_acc.accum_dtype = "bfloat16";
    EXPECT_FALSE(run(testing::make_gemm(bf16_acc))->attrs.at(attr::TT_COMPUTE_CONFIG)["fp32_dest_acc_en"].get<bool>());
}

TEST(PropagateTTLayout, L1OverflowListsEveryBuffer) {
    testing::GemmConfig big;
    big.M = big.N = 2048;
    big.block_M = big.block_N = 512;
    big.block_K = 128;
    try {
        run(testing::make_gemm(big));
        FAIL() << "expected an L1 overflow";
    } catch (const Error &e) {
        const std::string msg = e.what();
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(msg.find("of L1 per core, but a n150 core has"), std::string::npos) << msg;
        for (const char *name : {"A_shared (c_0", "B_shared (c_1", "C_local (c_16", "C_local.partials (c_24"}) {
            EXPECT_NE(msg.find(name), std::string::npos) << name << " missing in " << msg;
        }
        EXPECT_NE(msg.find("A_shared (c_0, 192 pages of 2048 bytes): 393216 bytes (384 KiB)"), std::string::npos) << msg;
    }
}

TEST(PropagateTTLayout, RequiresInferTTLayout) {
    try {
        propagate_tt_layout(testing::make_gemm(), PassContext());
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Internal);
        EXPECT_NE(std::string(e.what()).find("InferTTLayout writes it and must run first"), std::string::npos);
    }
}

}  // namespace
}  // namespace tt::transform
