// Kernel code generation: the exact text for a small GEMM (golden files), byte-identical output
// across runs, and the errors for modules that were not lowered.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "codegen/kernel_printer.h"
#include "gemm_ir.h"
#include "transform/pass.h"

namespace {

using namespace tt;

ir::IRModule lowered_gemm(const tt::testing::GemmConfig &cfg) {
    transform::PassContext ctx;
    return transform::Pipeline::parse(transform::kDefaultPipeline).run(tt::testing::make_gemm_module(cfg), ctx);
}

tt::testing::GemmConfig small_gemm() {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 64;
    cfg.block_M = cfg.block_N = cfg.block_K = 32;
    return cfg;
}

std::string read_golden(const std::string &file) {
    std::ifstream in(std::string(TT_CODEGEN_GOLDEN_DIR) + "/" + file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/*! The generated kernels of a 64x64x64 GEMM with 32x32x32 blocks, verbatim. To refresh after an
 *  intended change, run with TT_UPDATE_GOLDEN=1 (rewrites tests_cpp/codegen/golden/) and review
 *  the diff. */
TEST(KernelCodegen, SmallGemmMatchesGoldenFiles) {
    auto sources = codegen::generate_kernel_sources(lowered_gemm(small_gemm()));
    ASSERT_EQ(sources.size(), 3u);
    for (const char *file : {"reader.cpp", "compute.cpp", "writer.cpp"}) {
        if (std::getenv("TT_UPDATE_GOLDEN")) std::ofstream(std::string(TT_CODEGEN_GOLDEN_DIR) + "/" + file) << sources.at(file);
        EXPECT_EQ(sources.at(file), read_golden(file)) << file;
    }
}

/*! Same input, same bytes: names and ordering never depend on addresses or hash order. */
TEST(KernelCodegen, OutputIsDeterministic) {
    tt::testing::GemmConfig cfg;
    cfg.shared_epilogue = true;
    auto first = codegen::generate_kernel_sources(lowered_gemm(cfg));
    auto second = codegen::generate_kernel_sources(lowered_gemm(cfg));
    EXPECT_EQ(first, second);
}

/*! The calls of the release's API, in the order docs/metalium_api.md requires. */
TEST(KernelCodegen, ComputeInitsOnceBeforeTheBlockLoopAndMatmulBlockGetsTheSubblock) {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 256;
    // 4x4 fp32 accumulator tiles, DST holds 4: subblocks of 1x4; WidenTTKSteps makes each step all
    // four of the 64-wide K blocks, 8 tiles.
    cfg.block_K = 64;
    auto sources = codegen::generate_kernel_sources(lowered_gemm(cfg));
    const std::string &compute = sources.at("compute.cpp");
    const size_t init = compute.find("mm_init(cb_A_shared, cb_B_shared, cb_C_local_partials, 0);");
    ASSERT_NE(init, std::string::npos);
    EXPECT_EQ(compute.find("mm_init(", init + 1), std::string::npos);
    EXPECT_LT(init, compute.find("for (uint32_t block = 0;"));
    EXPECT_NE(compute.find("void kernel_main() {"), std::string::npos);
    EXPECT_NE(compute.find("mm_block_init_short(cb_A_shared, cb_B_shared, 0, 4, 1, 8);"), std::string::npos) << compute;
    EXPECT_NE(compute.find("matmul_block(cb_A_shared, cb_B_shared, subblock_row * 8 + kt, kt * 4, 0, 0, 4, 1, 8)"),
              std::string::npos)
        << compute;
    const std::string &reader = sources.at("reader.cpp");
    EXPECT_NE(reader.find("constexpr auto B_args = TensorAccessorArgs<A_args.next_compile_time_args_offset()>();"),
              std::string::npos);
    EXPECT_NE(reader.find("// gemm.py:21"), std::string::npos);
}

TEST(KernelCodegen, UnloweredModuleIsAValidationError) {
    try {
        codegen::generate_kernel_sources(tt::testing::make_gemm_module());
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Validation);
        EXPECT_NE(std::string(e.what()).find("run_pipeline"), std::string::npos);
    }
}

}  // namespace
