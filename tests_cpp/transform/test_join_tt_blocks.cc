// JoinTTBlocks before -> after: a core's patch of GEMM blocks becomes one block when there are more
// blocks than cores and the joined block fits L1 with K steps of 64; kernels outside the form, or
// with no more blocks than cores, keep their blocks.
#include <gtest/gtest.h>

#include "gemm_ir.h"
#include "ir/printer.h"
#include "transform/join_tt_blocks.h"
#include "transform/pass.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::testing::GemmConfig;

PrimFunc joined(const GemmConfig &cfg, transform::PassOptions options = {}) {
    return transform::join_tt_blocks(tt::testing::make_gemm(cfg), transform::PassContext(options));
}

void expect_contains(const std::string &text, const std::vector<std::string> &parts) {
    for (const std::string &part : parts) EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
}

/*! 4096^3 with 128x128 blocks: 32x32 blocks for 64 cores, a 4x4 patch each; joined, an 8x8 grid of
 *  512x512 blocks whose fp32 accumulator (1 MiB) and 64-deep operand stages fit an n150's L1. */
TEST(JoinTTBlocks, ReferenceGemmJoinsEachCoresPatch) {
    GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 4096;
    const std::string text = to_text(joined(cfg));
    expect_contains(text, {"T.Kernel(8, 8, threads=128)", "A_shared = T.alloc_shared((512, 32), \"bfloat16\")",
                           "B_shared = T.alloc_shared((32, 512), \"bfloat16\")",
                           "C_local = T.alloc_fragment((512, 512), \"float32\")",
                           "T.copy(A[by * 4 * 128:by * 4 * 128 + 512, k * 32:k * 32 + 32], A_shared)",
                           "T.copy(C_local, C[by * 4 * 128:by * 4 * 128 + 512, bx * 4 * 128:bx * 4 * 128 + 512])"});
}

/*! 2048^3: 16x16 blocks, 2x2 per core, joined into 256x256 blocks; transpose_B joins B's rows. */
TEST(JoinTTBlocks, TransposedOperandsJoinAlongTheirOwnDimension) {
    GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 2048;
    cfg.transpose_B = true;
    expect_contains(to_text(joined(cfg)), {"T.Kernel(8, 8, threads=128)", "B_shared = T.alloc_shared((256, 32), \"bfloat16\")",
                                           "C_local = T.alloc_fragment((256, 256), \"float32\")"});
}

/*! 1536^3: 12x12 blocks on 64 cores. Unjoined, or as 1x3 joins on a 12x4 grid (48 cores, three
 *  blocks each), the grid fills no multicast patches and every core reads its own operands: DRAM
 *  bound. 2x2 joins on a 6x6 grid run four blocks on each of 36 cores but multicast A along core
 *  rows and B down core columns, reading each once; the cost numbers choose them. */
TEST(JoinTTBlocks, TheCostNumbersChooseJoinsThatMulticast) {
    GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 1536;
    expect_contains(to_text(joined(cfg)), {"T.Kernel(6, 6, threads=128)",
                                           "C_local = T.alloc_fragment((256, 256), \"float32\")"});
}

/*! 4096^3 at LoFi: a product takes the matrix engine 16 cycles, and the 512x512 joined block's
 *  1 MiB accumulator leaves room for 64-deep K steps only, so its packer (a float32 tile per
 *  output tile and step, 128 cycles by L1 accumulation) would take four times the matrix engine's
 *  time. A smaller joined block takes deeper steps: the cost numbers choose 512x256 blocks (a
 *  512 KiB accumulator, 256-deep steps), two per core on a 16x8 grid, still multicast. */
TEST(JoinTTBlocks, AtLoFiThePackerLimitsTheJoinedBlock) {
    GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 4096;
    transform::PassOptions lofi;
    lofi.math_fidelity = target::MathFidelity::LoFi;
    expect_contains(to_text(joined(cfg, lofi)), {"T.Kernel(16, 8, threads=128)",
                                                 "C_local = T.alloc_fragment((512, 256), \"float32\")"});
    expect_contains(to_text(joined(cfg)), {"T.Kernel(8, 8, threads=128)"});  // HiFi4: the matrix engine's
}

/*! No more blocks than cores, a requested partition, or a grid whose joins would load one core
 *  more than before for no fewer DRAM bytes per cycle: unchanged. */
TEST(JoinTTBlocks, LeavesKernelsOutsideTheFormAlone) {
    const PrimFunc small = tt::testing::make_gemm(GemmConfig{});
    EXPECT_EQ(to_text(joined(GemmConfig{})), to_text(small));
    GemmConfig big;
    big.M = big.N = big.K = 4096;
    transform::PassOptions row_major;
    row_major.partition_strategy = transform::PartitionStrategy::RowMajor;
    EXPECT_EQ(to_text(joined(big, row_major)), to_text(tt::testing::make_gemm(big)));
    GemmConfig uneven;
    uneven.M = 128 * 65, uneven.N = 128, uneven.K = 256;  // 65 blocks: joining any two loads a core twice
    EXPECT_EQ(to_text(joined(uneven)), to_text(tt::testing::make_gemm(uneven)));
}

/*! 8192^3 with 256x256 blocks: a 4x4 patch per core would be a 4 MiB fp32 accumulator; the
 *  largest join that fits L1 is 2x2, blocks of 512x512 on a 16x16 grid. */
TEST(JoinTTBlocks, TheJoinedBlockFitsL1) {
    GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 8192;
    cfg.block_M = cfg.block_N = 256;
    const std::string text = to_text(joined(cfg));
    expect_contains(text, {"T.Kernel(16, 16, threads=128)", "C_local = T.alloc_fragment((512, 512), \"float32\")"});
}

/*! block_K 64 at 4096^3 in three stages: beside a 512x512 block's 1 MiB accumulator no widening
 *  fits and the 64-deep steps' three stages (384 KiB) do not either, so that join is out; a
 *  512x256 block (512 KiB accumulator) takes 256-deep steps in two stages. */
TEST(JoinTTBlocks, UnwidenedStepsMustFitAsTheyAre) {
    GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 4096;
    cfg.block_K = 64;
    const std::string text = to_text(joined(cfg));
    EXPECT_EQ(text.find("C_local = T.alloc_fragment((512, 512)"), std::string::npos) << text;
    expect_contains(text, {"T.Kernel(16, 8, threads=128)", "C_local = T.alloc_fragment((512, 256), \"float32\")"});
}

TEST(JoinTTBlocks, RunsBetweenGroupTTRowBlocksAndWidenTTKSteps) {
    EXPECT_NE(std::string(transform::kDefaultPipeline).find("GroupTTRowBlocks -> JoinTTBlocks -> WidenTTKSteps"),
              std::string::npos);
}

}  // namespace
