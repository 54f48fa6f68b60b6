// WidenTTKSteps before -> after: the reference GEMM's K loop takes several K blocks per step (as
// wide as L1 allows, up to 256), transposed operands widen along their own K dimension, and the
// loops whose widening would change the result or the program stay as written.
#include <gtest/gtest.h>

#include "gemm_ir.h"
#include "ir/printer.h"
#include "transform/pass.h"
#include "transform/widen_tt_k_steps.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::testing::GemmConfig;

PrimFunc widened(const GemmConfig &cfg, const std::string &device = "wormhole") {
    transform::PassOptions options;
    options.target_device = device;
    return transform::widen_tt_k_steps(tt::testing::make_gemm(cfg), transform::PassContext(options));
}

void expect_contains(const std::string &text, const std::vector<std::string> &parts) {
    for (const std::string &part : parts) EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
}

/*! 1024^3 with 128x128x32 blocks: eight K blocks per step (256 of K: 3 stages of both operands
 *  take 384 KiB of an n150's L1), 4 steps. */
TEST(WidenTTKSteps, ReferenceGemmTakesEightKBlocksPerStep) {
    const std::string text = to_text(widened(GemmConfig{}));
    expect_contains(text, {"A_shared = T.alloc_shared((128, 256), \"bfloat16\")",
                           "B_shared = T.alloc_shared((256, 128), \"bfloat16\")",
                           "for k in T.Pipelined(4, num_stages=3):",
                           "T.copy(A[by * 128:by * 128 + 128, k * 256:k * 256 + 256], A_shared)",
                           "T.copy(B[k * 256:k * 256 + 256, bx * 128:bx * 128 + 128], B_shared)",
                           "T.gemm(A_shared, B_shared, C_local"});
}

/*! Smaller blocks reach the 256-wide step; float32 operands, twice the bytes, only 128. */
TEST(WidenTTKSteps, StepWidthFollowsTheL1) {
    GemmConfig cfg;
    cfg.block_M = cfg.block_N = 64;
    expect_contains(to_text(widened(cfg)), {"A_shared = T.alloc_shared((64, 256), \"bfloat16\")",
                                            "for k in T.Pipelined(4, num_stages=3):"});
    cfg.block_M = cfg.block_N = 128;
    cfg.dtype = "float32";
    expect_contains(to_text(widened(cfg)), {"A_shared = T.alloc_shared((128, 128), \"float32\")",
                                            "for k in T.Pipelined(8, num_stages=3):"});
}

/*! Transposed operands are (bK, bM) and (bN, bK): each widens along its K dimension. */
TEST(WidenTTKSteps, TransposedOperandsWidenAlongTheirKDimension) {
    GemmConfig cfg;
    cfg.transpose_A = cfg.transpose_B = true;
    expect_contains(to_text(widened(cfg)), {"A_shared = T.alloc_shared((256, 128), \"bfloat16\")",
                                            "T.copy(A[k * 256:k * 256 + 256, by * 128:by * 128 + 128], A_shared)",
                                            "T.copy(B[bx * 128:bx * 128 + 128, k * 256:k * 256 + 256], B_shared)"});
    cfg.block_M = cfg.block_N = 64;
    expect_contains(to_text(widened(cfg)), {"A_shared = T.alloc_shared((256, 64), \"bfloat16\")",
                                            "B_shared = T.alloc_shared((64, 256), \"bfloat16\")"});
}

/*! Left as written: bf16 partial sums (rounded once per step, so the step width would change the
 *  result), a K that is not a whole number of blocks, a loop of one step, the masked loads of the
 *  block-sparse GEMM (an if in the body), and any GEMM without a float32 DST (Grayskull's, or
 *  fp32_dest_acc_en off: the reloads round the partial sums). */
TEST(WidenTTKSteps, LoopsWhoseWideningWouldChangeThemStay) {
    GemmConfig bf16_partials;
    bf16_partials.accum_dtype = "bfloat16";
    GemmConfig ragged;
    ragged.K = 1000;
    GemmConfig one_step;
    one_step.K = 32;
    GemmConfig masked;
    masked.block_mask = true;
    for (const GemmConfig &cfg : {bf16_partials, ragged, one_step, masked}) {
        const PrimFunc before = tt::testing::make_gemm(cfg);
        EXPECT_EQ(to_text(widened(cfg)), to_text(before));
    }
    const std::string reference = to_text(tt::testing::make_gemm(GemmConfig{}));
    EXPECT_EQ(to_text(widened(GemmConfig{}, "grayskull")), reference);
    transform::PassOptions fp16_dst;
    fp16_dst.fp32_dest_acc_en = false;
    EXPECT_EQ(to_text(transform::widen_tt_k_steps(tt::testing::make_gemm(GemmConfig{}), transform::PassContext(fp16_dst))),
              reference);
}

/*! The default pipeline runs it before layout inference, so the CBs are sized for the wide steps. */
TEST(WidenTTKSteps, RunsBeforeLayoutInference) {
    EXPECT_NE(std::string(transform::kDefaultPipeline).find("GroupTTRowBlocks -> JoinTTBlocks -> WidenTTKSteps -> InferTTLayout"),
              std::string::npos);
}

}  // namespace
