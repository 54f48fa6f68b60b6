// GridToPersistentTT and VerifyTTIR on the lowered reference GEMM: persistent loops, runtime
// arguments, tt.kernels, the plan file, and the verifier's catches on broken programs.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "../ir/expect_error.h"
#include "gemm_ir.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/pass.h"
#include "transform/verify_tt_ir.h"

namespace {

using namespace tt;
using namespace tt::ir;
using tt::ir::testing::raises;

IRModule persistent(const tt::testing::GemmConfig &cfg, transform::PassOptions options = {}) {
    return transform::Pipeline::parse(
               "InferTTLayout -> PropagateTTLayout -> TTTilesToCoreMap -> LowerTTTileIntrinsics -> GridToPersistentTT")
        .run(tt::testing::make_gemm_module(cfg), transform::PassContext(options));
}

/*! Every core reading its own operands: a strategy given keeps the balanced partition. */
IRModule unicast(const tt::testing::GemmConfig &cfg, transform::PassOptions options = {}) {
    options.partition_strategy = transform::PartitionStrategy::RowMajor;
    return persistent(cfg, options);
}

/*! The launch becomes a loop over the core's blocks; block vars are decoded from the block id. */
TEST(GridToPersistentTT, ReaderLoopsOverItsBlocks) {
    std::string text = to_text(unicast(tt::testing::GemmConfig{})->lookup("gemm_reader"));
    const std::string expected_head =
        "    tt.tensor_accessor(A, 0, tt.get_arg_val(0), 2048)\n"
        "    tt.tensor_accessor(B, 1, tt.get_arg_val(1), 2048)\n"
        "    block_start: T.int32 = tt.get_arg_val(2)\n"
        "    block_count: T.int32 = tt.get_arg_val(3)\n"
        "    k_trip_count: T.int32 = tt.get_arg_val(4)\n"
        "    A_width_tiles: T.int32 = tt.get_arg_val(5)\n"
        "    B_width_tiles: T.int32 = tt.get_arg_val(6)\n"
        "    grid_x: T.int32 = tt.get_arg_val(7)\n"
        "    for block in T.serial(block_count):\n"
        "        bx: T.int32 = (block_start + block) % grid_x\n"
        "        by: T.int32 = (block_start + block) // grid_x\n"
        "        for k in T.serial(k_trip_count):\n";
    EXPECT_NE(text.find(expected_head), std::string::npos) << text;
    EXPECT_NE(text.find("(by * 4 + tile_row) * A_width_tiles + k"), std::string::npos) << text;
    EXPECT_EQ(text.find("T.Kernel"), std::string::npos);
}

/*! Compute never indexes by block, so it binds no block variable; its args are start, count and
 *  the K loop's trip count. Shape-dependent values are runtime arguments, so one compiled kernel
 *  serves every shape with the same blocks. */
TEST(GridToPersistentTT, ComputeHasOnlyBlockRangeAndTripCountArguments) {
    IRModule out = unicast(tt::testing::GemmConfig{});
    std::string text = to_text(out->lookup("gemm_compute"));
    EXPECT_EQ(text.find("bx:"), std::string::npos);
    auto kernels = out->lookup("gemm_compute")->attrs.at(attr::TT_KERNELS).get<transform::KernelDescs>();
    ASSERT_EQ(kernels.size(), 3u);
    EXPECT_EQ(kernels[1].runtime_args, (std::vector<std::string>{"block_start", "block_count", "k_trip_count"}));
    EXPECT_EQ(kernels[0].runtime_args, (std::vector<std::string>{"A_address", "B_address", "block_start", "block_count",
                                                                 "k_trip_count", "A_width_tiles", "B_width_tiles", "grid_x"}));
    EXPECT_EQ(kernels[2].runtime_args, (std::vector<std::string>{"C_address", "block_start", "block_count", "C_width_tiles", "grid_x"}));
    EXPECT_EQ(kernels[0].processor, "RISCV_1");
    EXPECT_EQ(kernels[2].processor, "RISCV_0");
    EXPECT_EQ(kernels[0].compile_args.size(), 2u);
    EXPECT_EQ(kernels[0].compile_args[1].marker, "tensor_accessor_args");
}

/*! The float32 partial sums only copy_tile reads unpack straight to DST; float32 operands of the
 *  matrix engine, and anything under a 16-bit DST, stay Default (tt_unpack_to_dest.h). */
TEST(GridToPersistentTT, ComputeUnpacksCopiedFloat32CbsToDest) {
    auto compute_desc = [](const tt::testing::GemmConfig &cfg, transform::PassOptions options) {
        IRModule out = unicast(cfg, options);
        const PrimFunc compute = out->lookup("gemm_compute");
        const auto cbs = compute->attrs.at(attr::TT_CB_DESC).get<transform::CBDesc>();
        return std::make_pair(compute->attrs.at(attr::TT_KERNELS).get<transform::KernelDescs>(), cbs);
    };
    const auto [kernels, cbs] = compute_desc(tt::testing::GemmConfig{}, {});
    std::vector<int> float32;
    for (const auto &[name, cb] : cbs)
        if (cb.data_format == "Float32") float32.push_back(cb.cb_index);
    ASSERT_EQ(float32.size(), 1u);  // C_local's partial sums
    EXPECT_EQ(kernels[1].unpack_to_dest_fp32, float32);
    EXPECT_TRUE(kernels[0].unpack_to_dest_fp32.empty());
    EXPECT_TRUE(kernels[2].unpack_to_dest_fp32.empty());

    tt::testing::GemmConfig fp32_inputs;
    fp32_inputs.dtype = "float32";
    const auto [fp32_kernels, fp32_cbs] = compute_desc(fp32_inputs, {});
    EXPECT_EQ(fp32_kernels[1].unpack_to_dest_fp32.size(), 1u);  // not A_shared or B_shared: matmul reads them
    EXPECT_EQ(fp32_cbs.at("A_shared").data_format, "Float32");
    for (int cb : fp32_kernels[1].unpack_to_dest_fp32) {
        EXPECT_NE(cb, fp32_cbs.at("A_shared").cb_index);
        EXPECT_NE(cb, fp32_cbs.at("B_shared").cb_index);
    }

    transform::PassOptions bf16_dst;
    bf16_dst.fp32_dest_acc_en = false;
    EXPECT_TRUE(compute_desc(tt::testing::GemmConfig{}, bf16_dst).first[1].unpack_to_dest_fp32.empty());
}

/*! Per-core values: every core of the partition, its own start and count (16x16 grid: 4 each),
 *  and the shape values and decode extents, the same on every core (C is 2048 wide: 64 tiles;
 *  the grid is 16 blocks wide). */
TEST(GridToPersistentTT, PerCoreArgumentsFollowTheWorkPartition) {
    tt::testing::GemmConfig cfg;
    cfg.M = cfg.N = 2048;
    auto kernels = unicast(cfg)->lookup("gemm_writer")->attrs.at(attr::TT_KERNELS).get<transform::KernelDescs>();
    const transform::KernelDesc &writer = kernels[2];
    EXPECT_EQ(writer.per_core_runtime_args.size(), 64u);
    const auto &core = writer.per_core_runtime_args.at("1,0");
    ASSERT_EQ(core.size(), 5u);
    EXPECT_EQ(core[0].marker, "buffer_address");
    EXPECT_EQ(core[1].value, 4u);
    EXPECT_EQ(core[2].value, 4u);
    EXPECT_EQ(core[3].value, 64u);
    EXPECT_EQ(core[4].value, 16u);  // grid_x
}

/*! Under the block strategy the decode reads both grid extents and the panel height, which the
 *  host computes per shape (1024 / 128 = 8 blocks a side, 1 block per core: panel 1). */
TEST(GridToPersistentTT, BlockStrategyDecodeExtentsAreRuntimeArguments) {
    transform::PassOptions options;
    options.partition_strategy = transform::PartitionStrategy::Block;
    IRModule out = persistent(tt::testing::GemmConfig{}, options);
    auto kernels = out->lookup("gemm_writer")->attrs.at(attr::TT_KERNELS).get<transform::KernelDescs>();
    EXPECT_EQ(kernels[2].runtime_args, (std::vector<std::string>{"C_address", "block_start", "block_count", "C_width_tiles",
                                                                 "grid_x", "grid_y", "block_panel"}));
    const auto &core = kernels[2].per_core_runtime_args.at("0,0");
    ASSERT_EQ(core.size(), 7u);
    EXPECT_EQ(core[4].value, 8u);
    EXPECT_EQ(core[5].value, 8u);
    EXPECT_EQ(core[6].value, 1u);
    std::string text = to_text(out->lookup("gemm_writer"));
    EXPECT_NE(text.find("T.min(block_panel, grid_y - "), std::string::npos) << text;
}

/*! Multicast (the default for the reference GEMM): the reader's sender reads A only where
 *  A_mcast_sender is set and hands the pages over under the semaphores; its per-core arguments
 *  follow the block range and shape values: the role, the row's (column's) NoC rectangle and the
 *  sender's coordinates as markers, the receiver and destination counts and the semaphore ids.
 *  Row y's A sender is its core y, column x's B sender its core x + 1, so no core sends both.
 *  The plan has the four semaphores. */
TEST(GridToPersistentTT, MulticastReaderArgumentsPerCore) {
    const std::string path = std::filesystem::temp_directory_path() / "tilelang_tt_test_mcast" / "tt.plan.json";
    transform::PassOptions options;
    options.plan_path = path;
    IRModule out = persistent(tt::testing::GemmConfig{}, options);
    const std::string text = to_text(out->lookup("gemm_reader"));
    for (const char *expected :
         {"if A_mcast_sender != 0:\n", "tt.noc_semaphore_wait(A_sender_semaphore, A_mcast_receivers)",
          "tt.noc_async_write_multicast_loopback_src(A_shared_write_ptr, tt.get_noc_multicast_addr(A_mcast_x0, "
          "A_mcast_y0, A_mcast_x1, A_mcast_y1, A_shared_write_ptr), 8192, A_mcast_destinations)",
          "tt.noc_semaphore_inc(tt.get_core_noc_addr(B_mcast_sender_x, B_mcast_sender_y, B_sender_semaphore), 1)",
          "tt.noc_semaphore_wait(B_receiver_semaphore, 1)"}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
    }
    auto kernels = out->lookup("gemm_reader")->attrs.at(attr::TT_KERNELS).get<transform::KernelDescs>();
    const transform::KernelDesc &reader = kernels[0];
    const auto &names = reader.runtime_args;
    auto slot = [&](const std::string &name) {
        auto it = std::find(names.begin(), names.end(), name);
        EXPECT_NE(it, names.end()) << name;
        return static_cast<size_t>(it - names.begin());
    };
    const auto &core = reader.per_core_runtime_args.at("2,3");
    EXPECT_EQ(core[slot("A_mcast_sender")].value, 0u);
    EXPECT_EQ(core[slot("B_mcast_sender")].value, 1u);
    EXPECT_EQ(reader.per_core_runtime_args.at("3,3")[slot("A_mcast_sender")].value, 1u);
    EXPECT_EQ(reader.per_core_runtime_args.at("3,3")[slot("B_mcast_sender")].value, 0u);
    EXPECT_EQ(reader.per_core_runtime_args.at("0,3")[slot("A_mcast_sender")].value, 0u);
    EXPECT_EQ(Json(core[slot("A_mcast_sender_x")]), Json::parse(R"({"noc_x": [3, 3]})"));
    EXPECT_EQ(Json(core[slot("B_mcast_sender_y")]), Json::parse(R"({"noc_y": [2, 3]})"));
    EXPECT_EQ(Json(core[slot("A_mcast_x0")]), Json::parse(R"({"noc_x": [0, 3]})"));
    EXPECT_EQ(Json(core[slot("A_mcast_y1")]), Json::parse(R"({"noc_y": [7, 3]})"));
    EXPECT_EQ(Json(core[slot("B_mcast_x1")]), Json::parse(R"({"noc_x": [2, 7]})"));
    EXPECT_EQ(core[slot("A_mcast_receivers")].value, 7u);
    EXPECT_EQ(core[slot("A_mcast_destinations")].value, 8u);
    EXPECT_EQ(Json(core[slot("B_mcast_receiver_semaphore")]), Json::parse(R"({"semaphore": 3})"));
    std::ifstream in(path);
    EXPECT_EQ(Json::parse(in).at("semaphores"), Json::parse(R"([{"initial_value": 0}, {"initial_value": 0},
        {"initial_value": 0}, {"initial_value": 0}])"));
}

TEST(GridToPersistentTT, WritesThePlanToPlanPath) {
    const std::string path = std::filesystem::temp_directory_path() / "tilelang_tt_test_plan" / "tt.plan.json";
    std::filesystem::remove(path);
    transform::PassOptions options;
    options.plan_path = path;
    unicast(tt::testing::GemmConfig{}, options);
    std::ifstream in(path);
    ASSERT_TRUE(in.good());
    Json plan = Json::parse(in);
    EXPECT_EQ(plan.at("kernels").size(), 3u);
    EXPECT_EQ(plan.at("kernels")[0].at("runtime_arg_names").size(), 8u);
}

TEST(VerifyTTIR, AcceptsTheLoweredVariants) {
    transform::PassContext ctx;
    for (bool epilogue : {false, true}) {
        for (bool transpose : {false, true}) {
            tt::testing::GemmConfig cfg;
            cfg.shared_epilogue = epilogue;
            cfg.transpose_B = transpose;
            cfg.transpose_A = transpose;
            cfg.fill_value = transpose ? -1.0 : 0.0;
            IRModule mod = persistent(cfg);
            EXPECT_TRUE(verify_tt_ir(mod, ctx) == mod);
        }
    }
}

// Removes every call of `name` from the function `func` of mod.
IRModule without_calls(const IRModule &mod, const std::string &func, const std::string &name) {
    struct Drop : IRMutator {
        std::string name;
        using IRMutator::visit;
        Stmt visit(const EvaluateNode *op) override {
            const auto *call = op->value.as<CallNode>();
            if (call && call->op->name == name) return EvaluateNode::make(make_int(0));
            return IRMutator::visit(op);
        }
    } drop;
    drop.name = name;
    PrimFunc f = mod->lookup(func);
    return with_function(mod, func, with_body(f, drop(f->body)));
}

/*! A program whose compute never pops its inputs would deadlock on the device: caught here. */
TEST(VerifyTTIR, CatchesUnbalancedCircularBuffers) {
    IRModule broken = without_calls(persistent(tt::testing::GemmConfig{}), "gemm_compute", "tt.cb_pop_front");
    EXPECT_TRUE(raises(ErrorKind::Internal, "CB 0 has 1 producer and 0 consumer kernels", [&] { verify_tt_ir(broken, transform::PassContext()); }));
}

TEST(VerifyTTIR, CatchesPushWithoutReserve) {
    IRModule broken = without_calls(persistent(tt::testing::GemmConfig{}), "gemm_reader", "tt.cb_reserve_back");
    EXPECT_TRUE(raises(ErrorKind::Internal, "push on CB 0 without a reserve",
                       [&] { verify_tt_ir(broken, transform::PassContext()); }));
}

TEST(VerifyTTIR, CatchesACallInTheWrongKernel) {
    IRModule mod = persistent(tt::testing::GemmConfig{});
    PrimFunc compute = mod->lookup("gemm_compute");
    Stmt read = EvaluateNode::make(CallNode::make("tt.noc_async_read_barrier", {}));
    IRModule broken = with_function(mod, "gemm_compute", with_body(compute, SeqStmtNode::make({read, compute->body})));
    EXPECT_TRUE(raises(ErrorKind::Internal, "tt.noc_async_read_barrier is not available in a compute kernel",
                       [&] { verify_tt_ir(broken, transform::PassContext()); }));
}

TEST(VerifyTTIR, CatchesRuntimeArgumentsTheKernelDoesNotRead) {
    IRModule mod = persistent(tt::testing::GemmConfig{});
    PrimFunc writer = mod->lookup("gemm_writer");
    auto kernels = writer->attrs.at(attr::TT_KERNELS).get<transform::KernelDescs>();
    kernels[2].runtime_args.push_back("extra");
    IRModule broken = with_function(mod, "gemm_writer", with_attr(writer, attr::TT_KERNELS, Json(kernels)));
    EXPECT_TRUE(raises(ErrorKind::Internal, "runtime argument extra is never read",
                       [&] { verify_tt_ir(broken, transform::PassContext()); }));
}

}  // namespace
