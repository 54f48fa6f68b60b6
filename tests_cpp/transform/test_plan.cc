// The runtime plan (tt.plan.json) built from the passes' attributes, its consistency checks and
// writing it to a path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gemm_ir.h"
#include "transform/infer_tt_layout.h"
#include "transform/plan.h"
#include "transform/propagate_tt_layout.h"
#include "transform/tt_tiles_to_core_map.h"

namespace tt::transform {
namespace {

using namespace ir;

/*! The metadata passes, then tt.kernels as the kernel split writes it (reader with per-core
 *  start/count and buffer addresses), standing in for the lowering passes. */
PrimFunc lowered_gemm(const PassContext &ctx, bool consistent = true) {
    PrimFunc f = tt_tiles_to_core_map(propagate_tt_layout(infer_tt_layout(testing::make_gemm(), ctx), ctx), ctx);
    const WorkPartition p = f->attrs.at(attr::TT_WORK_PARTITION).get<WorkPartition>();
    KernelDesc reader{KernelRole::Reader, "reader", "reader.cpp", "RISCV_1", 1, {KernelArg::tensor_accessor_args("A")}, {}, {"A_addr", "start", "count"}, {}};
    KernelDesc compute{KernelRole::Compute, "compute", "compute.cpp", "TRISC", -1, {KernelArg::of(32)}, {{"ACC", "1"}}, {"count"}, {}};
    for (const CoreWork &w : p.cores) {
        reader.per_core_runtime_args[core_key(w.core)] = {KernelArg::buffer_address("A"), KernelArg::of(uint32_t(w.start)),
                                                          KernelArg::of(uint32_t(w.count))};
        compute.per_core_runtime_args[core_key(w.core)] = {KernelArg::of(uint32_t(w.count))};
    }
    if (!consistent) reader.per_core_runtime_args.erase("0,0");
    return with_attr(f, attr::TT_KERNELS, KernelDescs{reader, compute});
}

TEST(Plan, ReferenceGemmPlan) {
    PassContext ctx;
    const Json plan = build_plan(lowered_gemm(ctx), ctx);
    EXPECT_EQ(plan["schema_version"], kPlanSchemaVersion);
    EXPECT_EQ(plan["device"], "n150");
    EXPECT_EQ(plan["arch"], "wormhole_b0");
    EXPECT_EQ(plan["core_grid"], Json::array({8, 8}));
    EXPECT_EQ(plan["core_ranges"], Json::parse("[[[0,0],[7,7]]]"));
    EXPECT_EQ(plan["work_partition"]["cores"].size(), 64u);
    ASSERT_EQ(plan["buffers"].size(), 3u);
    EXPECT_EQ(plan["buffers"][0]["name"], "A");
    EXPECT_EQ(plan["buffers"][0]["layout"], "dram_interleaved");
    EXPECT_EQ(plan["buffers"][0]["page_size"], 2048);
    EXPECT_EQ(plan["buffers"][2]["access"], "write");
    ASSERT_EQ(plan["circular_buffers"].size(), 4u);
    EXPECT_EQ(plan["circular_buffers"][0]["name"], "A_shared");
    EXPECT_EQ(plan["circular_buffers"][2]["cb_index"], 16);
    const Json &reader = plan["kernels"][0];
    EXPECT_EQ(reader["runtime_arg_names"], Json::array({"A_addr", "start", "count"}));
    EXPECT_EQ(reader["runtime_args"]["1,0"], Json::parse(R"([{"buffer_address":"A"},1,1])"));
    EXPECT_EQ(reader["compile_args"], Json::parse(R"([{"tensor_accessor_args":"A"}])"));
    EXPECT_EQ(reader["noc"], 1);
    EXPECT_FALSE(plan["kernels"][1].contains("noc"));
    EXPECT_EQ(plan["compute_config"]["math_fidelity"], "HiFi4");
    EXPECT_TRUE(plan["compute_config"]["fp32_dest_acc_en"].get<bool>());
}

TEST(Plan, InconsistentRuntimeArgumentsAreInternalErrors) {
    PassContext ctx;
    try {
        build_plan(lowered_gemm(ctx, false), ctx);
        FAIL();
    } catch (const Error &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Internal);
        EXPECT_NE(std::string(e.what()).find("runtime arguments for 63 cores"), std::string::npos) << e.what();
    }
}

TEST(Plan, WrittenToPath) {
    PassContext ctx;
    const std::filesystem::path path = std::filesystem::temp_directory_path() / "tt_plan_test" / "tt.plan.json";
    std::filesystem::remove_all(path.parent_path());
    write_plan(build_plan(lowered_gemm(ctx), ctx), path.string());
    std::ifstream in(path);
    EXPECT_EQ(Json::parse(in)["kernel_name"], "gemm");
    std::filesystem::remove_all(path.parent_path());
}

}  // namespace
}  // namespace tt::transform
