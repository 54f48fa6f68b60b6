// The generated GEMM kernels and plan, run on the simulator and compared with a float matmul of
// the same bf16 inputs: the reference GEMM, transpose_B, the shared epilogue, prefetch off, and
// blocks whose accumulator does not fit DST (partial sums reloaded from L1).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "codegen/kernel_printer.h"
#include "gemm_ir.h"
#include "sim/plan.h"
#include "transform/plan.h"

namespace {

using namespace tt;

uint16_t to_bf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>((u + 0x7FFF + ((u >> 16) & 1)) >> 16);  // round to nearest even
}
float from_bf16(uint16_t h) {
    uint32_t u = uint32_t{h} << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

tt_sim::HostTensor random_bf16(int64_t rows, int64_t cols, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    tt_sim::HostTensor t{{rows, cols}, std::vector<uint8_t>(size_t(rows * cols) * 2)};
    for (int64_t i = 0; i < rows * cols; ++i) {
        uint16_t h = to_bf16(dist(rng));
        std::memcpy(&t.data[size_t(i) * 2], &h, 2);
    }
    return t;
}
float at(const tt_sim::HostTensor &t, int64_t r, int64_t c) {
    uint16_t h;
    std::memcpy(&h, &t.data[size_t(r * t.shape[1] + c) * 2], 2);
    return from_bf16(h);
}

struct Comparison {
    double pcc = 0;
    double max_abs_error = 0;
    std::map<std::string, uint64_t> tile_ops;  ///< summed over every kernel of every core
};

// Compiles cfg, writes the kernels and the plan, runs them, compares C with A @ op(B).
Comparison compile_and_run(const tt::testing::GemmConfig &cfg, transform::PassOptions options, const std::string &name) {
    const std::string dir = std::string(TT_CODEGEN_WORK_DIR) + "/" + name;
    std::filesystem::create_directories(dir);
    setenv("TT_SIM_CACHE_DIR", TT_SIM_TEST_CACHE, 0);
    options.plan_path = dir + "/tt.plan.json";
    transform::PassContext ctx(options);
    ir::IRModule lowered = transform::Pipeline::parse(transform::kDefaultPipeline).run(tt::testing::make_gemm_module(cfg), ctx);
    for (const auto &[file, source] : codegen::generate_kernel_sources(lowered)) std::ofstream(dir + "/" + file) << source;
    std::ifstream plan_file(options.plan_path);
    const ir::Json plan = ir::Json::parse(plan_file);

    tt_sim::HostTensor a = cfg.transpose_A ? random_bf16(cfg.K, cfg.M, 1) : random_bf16(cfg.M, cfg.K, 1);
    tt_sim::HostTensor b = cfg.transpose_B ? random_bf16(cfg.N, cfg.K, 2) : random_bf16(cfg.K, cfg.N, 2);
    tt_sim::PlanResult result = tt_sim::run_plan(plan, dir, {{"A", a}, {"B", b}}, options.target_device);
    const tt_sim::HostTensor &c = result.buffers.at("C");

    std::vector<double> got, want;
    for (int64_t i = 0; i < cfg.M; ++i) {
        for (int64_t j = 0; j < cfg.N; ++j) {
            double sum = cfg.fill_value;
            for (int64_t k = 0; k < cfg.K; ++k) {
                sum += double(cfg.transpose_A ? at(a, k, i) : at(a, i, k)) * (cfg.transpose_B ? at(b, j, k) : at(b, k, j));
            }
            want.push_back(sum);
            got.push_back(at(c, i, j));
        }
    }
    Comparison cmp;
    for (const auto &kernel : result.stats.kernels) {
        for (const auto &[op, n] : kernel.stats.tile_ops) cmp.tile_ops[op] += n;
    }
    double mg = 0, mw = 0;
    for (size_t i = 0; i < got.size(); ++i) mg += got[i] / got.size(), mw += want[i] / want.size();
    double sgw = 0, sgg = 0, sww = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        sgw += (got[i] - mg) * (want[i] - mw);
        sgg += (got[i] - mg) * (got[i] - mg);
        sww += (want[i] - mw) * (want[i] - mw);
        cmp.max_abs_error = std::max(cmp.max_abs_error, std::abs(got[i] - want[i]));
    }
    cmp.pcc = sgw / std::sqrt(sgg * sww);
    ::testing::Test::RecordProperty("pcc", std::to_string(cmp.pcc));
    ::testing::Test::RecordProperty("max_abs_error", std::to_string(cmp.max_abs_error));
    std::printf("%s: %lldx%lldx%lld, PCC %.6f, max |error| %.4f\n", name.c_str(), (long long)cfg.M, (long long)cfg.N,
                (long long)cfg.K, cmp.pcc, cmp.max_abs_error);
    return cmp;
}

// bf16 output of sums of K products of values in [-1, 1]: the tolerance is bf16 rounding of the
// result (|C| up to ~sqrt(K)) plus accumulation.
void expect_close(const Comparison &cmp, int64_t K) {
    EXPECT_GE(cmp.pcc, 0.999);
    EXPECT_LE(cmp.max_abs_error, 0.02 * std::sqrt(double(K)));
}

TEST(GeneratedGemmOnSimulator, ReferenceGemmMatchesFloatMatmul) {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 256;
    expect_close(compile_and_run(cfg, {}, "reference"), cfg.K);
}

TEST(GeneratedGemmOnSimulator, TransposeB) {
    tt::testing::GemmConfig cfg;
    cfg.M = 128, cfg.N = 256, cfg.K = 192, cfg.block_M = 64, cfg.block_N = 64, cfg.block_K = 64;
    cfg.transpose_B = true;
    expect_close(compile_and_run(cfg, {}, "transpose_b"), cfg.K);
}

TEST(GeneratedGemmOnSimulator, SharedEpilogueWithoutPrefetchOrDoubleBuffering) {
    tt::testing::GemmConfig cfg;
    cfg.M = 256, cfg.N = 128, cfg.K = 128, cfg.block_K = 64, cfg.num_stages = 1;
    cfg.shared_epilogue = true;
    transform::PassOptions options;
    options.enable_prefetch = false;
    options.enable_double_buffer = false;
    expect_close(compile_and_run(cfg, options, "shared_epilogue"), cfg.K);
}

TEST(GeneratedGemmOnSimulator, Bf16AccumulationOnBlackholeColumnMajor) {
    tt::testing::GemmConfig cfg;
    cfg.M = 192, cfg.N = 128, cfg.K = 96, cfg.block_M = 64, cfg.block_N = 128;
    cfg.accum_dtype = "bfloat16";
    transform::PassOptions options;
    options.target_device = "blackhole";
    options.partition_strategy = transform::PartitionStrategy::ColumnMajor;
    Comparison cmp = compile_and_run(cfg, options, "bf16_accumulation");
    EXPECT_GE(cmp.pcc, 0.99);  // partial sums rounded to bf16 after every K block
}

/*! T.fill(C_local, 1.5), then the K loop accumulates: C = 1.5 + A @ B (fill_tile in DST). */
TEST(GeneratedGemmOnSimulator, NonZeroFillThenAccumulate) {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = 256, cfg.K = 128, cfg.block_K = 64;
    cfg.fill_value = 1.5;
    expect_close(compile_and_run(cfg, {}, "fill"), cfg.K);
}

/*! transpose_A: A given as (K, M); compute transposes its tiles into a staging CB. */
TEST(GeneratedGemmOnSimulator, TransposeA) {
    tt::testing::GemmConfig cfg;
    cfg.M = 128, cfg.N = 192, cfg.K = 256, cfg.block_M = 64, cfg.block_N = 64, cfg.block_K = 64;
    cfg.transpose_A = true;
    expect_close(compile_and_run(cfg, {}, "transpose_a"), cfg.K);
}

/*! A 64x64 fp32 accumulator fits DST (4 tiles): it stays there across the K loop and is packed
 *  once, straight into the CB the writer drains: no copy_tile at all, 4 packs per block. A
 *  128x128 accumulator (16 tiles) keeps its partial sums in L1, where each K step (8 of the
 *  32-wide K blocks, WidenTTKSteps) adds its products by the packer's L1 accumulation: no
 *  reloads, only the copy out. */
TEST(GeneratedGemmOnSimulator, DstResidentAccumulatorIsNotReloaded) {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = cfg.K = 256, cfg.block_M = cfg.block_N = 64, cfg.block_K = 32;
    cfg.fill_value = -0.25;
    Comparison resident = compile_and_run(cfg, {}, "dst_resident");
    expect_close(resident, cfg.K);
    const uint64_t blocks = 16, tiles = 4, k_steps = 8;
    EXPECT_EQ(resident.tile_ops["copy_tile"], 0u);
    EXPECT_EQ(resident.tile_ops["pack_tile"], blocks * tiles);
    EXPECT_EQ(resident.tile_ops["matmul_block.tile"], blocks * tiles * k_steps);

    cfg.block_M = cfg.block_N = 128;
    cfg.K = 1024;
    Comparison subblocked = compile_and_run(cfg, {}, "dst_subblocked");
    expect_close(subblocked, cfg.K);
    const uint64_t big_blocks = 4, big_tiles = 16;
    const uint64_t big_k_steps = 32, wide_steps = big_k_steps / 8;
    // The last K step reloads the partial sums once and packs straight to the output: no copy out.
    EXPECT_EQ(subblocked.tile_ops["copy_tile"], big_blocks * big_tiles);
    EXPECT_EQ(subblocked.tile_ops["pack_tile"], big_blocks * big_tiles * wide_steps);
    EXPECT_EQ(subblocked.tile_ops["matmul_block.tile"], big_blocks * big_tiles * big_k_steps);
    std::printf("copy_tile per output tile: %.1f resident, %.1f subblocked; pack_tile: %.1f vs %.1f\n",
                double(resident.tile_ops["copy_tile"]) / (blocks * tiles),
                double(subblocked.tile_ops["copy_tile"]) / (big_blocks * big_tiles),
                double(resident.tile_ops["pack_tile"]) / (blocks * tiles),
                double(subblocked.tile_ops["pack_tile"]) / (big_blocks * big_tiles));
}

}  // namespace
