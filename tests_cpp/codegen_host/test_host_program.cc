// Host program generation: the exact main.cpp and CMakeLists.txt of a hand-written plan (golden
// files), byte-identical output, the API forms each plan feature prints as, and the plan errors.
// tests_py/test_host_program.py builds and runs the same programs on the simulator.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "codegen/cmake_lists.h"
#include "codegen/host_program.h"
#include "expect_error.h"

namespace {

using tt::ErrorKind;
using tt::codegen::generate_cmake_lists;
using tt::codegen::generate_host_program;
using tt::ir::Json;
using tt::ir::testing::raises;

std::string read_text(const std::string &path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Json program_plan(const std::string &name) {
    return Json::parse(read_text(std::string(TT_HOST_TEST_PROGRAMS) + "/" + name + ".plan.json"));
}

/*! Compares with golden/<file>; TILELANG_TT_UPDATE_GOLDEN=1 rewrites the file instead, for an
 *  intended change whose diff is then reviewed. */
void expect_golden(const std::string &text, const std::string &file) {
    const std::string path = std::string(TT_HOST_TEST_GOLDEN) + "/" + file;
    const char *update = std::getenv("TILELANG_TT_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream(path) << text;
        return;
    }
    EXPECT_EQ(text, read_text(path)) << "golden " << file << " differs (TILELANG_TT_UPDATE_GOLDEN=1 rewrites it)";
}

bool contains(const std::string &text, const std::string &fragment) {
    return text.find(fragment) != std::string::npos;
}

TEST(HostProgram, TileMatmulMatchesGolden) {
    expect_golden(generate_host_program(program_plan("tile_matmul")), "tile_matmul.main.cpp");
}

TEST(HostProgram, CMakeListsMatchesGolden) {
    expect_golden(generate_cmake_lists("tile_matmul"), "tile_matmul.CMakeLists.txt");
}

/*! Same plan, same bytes, however the JSON was spelled: per-core maps are ordered by core, not by
 *  key text or parse order. */
TEST(HostProgram, OutputIsDeterministic) {
    const Json plan = program_plan("padded_copy");
    const std::string first = generate_host_program(plan);
    EXPECT_EQ(first, generate_host_program(Json::parse(plan.dump())));
    Json reordered = plan;
    Json &args = reordered["kernels"][0]["runtime_args"];
    const Json core_2 = args["2,0"];
    args.erase("2,0");
    args["2,0"] = core_2;
    EXPECT_EQ(first, generate_host_program(reordered));
    const size_t core_0 = first.find("SetRuntimeArgs(program, reader_kernel, CoreCoord{0, 0}");
    EXPECT_LT(core_0, first.find("SetRuntimeArgs(program, reader_kernel, CoreCoord{2, 0}"));
}

TEST(HostProgram, PaddedFloatCopyUsesL1DefinesAndPlanConstants) {
    const std::string main_cpp = generate_host_program(program_plan("padded_copy"));
    EXPECT_TRUE(contains(main_cpp, ".buffer_type = BufferType::L1}")) << main_cpp;
    EXPECT_TRUE(contains(main_cpp, ".defines = {{\"OUTPUT_CB\", \"tt::CBIndex::c_16\"}}});"));
    EXPECT_TRUE(contains(main_cpp, ".fp32_dest_acc_en = true,"));
    // {"num_pages": "X"} is known when generating: 40x70 pads to 2x3 tiles.
    EXPECT_TRUE(contains(main_cpp, "std::vector<uint32_t> reader_compile_args = {6};"));
    EXPECT_TRUE(contains(main_cpp, "to_tiles(input_tensor<float>(cli, \"X\", 2800, 1), TensorShape{1, 40, 70})"));
    EXPECT_TRUE(contains(main_cpp, "float stand_in_value<float>(std::uint32_t k)"));
    // Headers and helpers of element types the plan does not use are not printed.
    EXPECT_FALSE(contains(main_cpp, "#include <tt-metalium/bfloat16.hpp>"));
    EXPECT_FALSE(contains(main_cpp, "stand_in_value<bfloat16>"));
    EXPECT_TRUE(contains(main_cpp, "output_tensor(cli, \"Y\", from_tiles(Y_read_back, TensorShape{1, 40, 70}));"));
}

/*! Markers, core sets and argument kinds the hand-written programs do not use. */
TEST(HostProgram, SemaphoresNocCoordinatesCommonArgsAndCoreSets) {
    Json plan = program_plan("tile_matmul");
    plan["semaphores"] = Json::array({Json{{"initial_value", 3}}});
    Json &writer = plan["kernels"][2];
    writer["core_ranges"] = Json::parse("[[[0, 0], [0, 0]], [[1, 0], [1, 0]]]");
    writer["runtime_args"]["0,0"] = Json::parse(R"([{"buffer_address": "C"}, {"semaphore": 0}, {"noc_x": [1, 0]}])");
    writer["runtime_args"]["1,0"] = Json::parse(R"([{"tensor_accessor_args": "C"}, {"noc_y": [0, 0]}])");
    writer["common_runtime_args"] = Json::parse(R"([7, {"num_pages": "A"}])");
    const std::string main_cpp = generate_host_program(plan);
    EXPECT_TRUE(contains(main_cpp, "const uint32_t semaphore_0 = CreateSemaphore(program, program_cores, 3);"));
    EXPECT_TRUE(contains(main_cpp, "const CoreRangeSet writer_cores(std::vector<CoreRange>{CoreRange({0, 0}, {0, 0}), "
                                   "CoreRange({1, 0}, {1, 0})});"));
    EXPECT_TRUE(contains(main_cpp, "CreateKernel(program, kernel_path(cli, \"write_tiles.cpp\"), writer_cores,"));
    EXPECT_TRUE(contains(main_cpp, "SetRuntimeArgs(program, writer_kernel, CoreCoord{0, 0}, {C_address, semaphore_0, "
                                   "static_cast<uint32_t>(mesh_device->worker_core_from_logical_core(CoreCoord{1, 0}).x)});"))
        << main_cpp;
    EXPECT_TRUE(contains(main_cpp, "        std::vector<uint32_t> args;\n"
                                   "        TensorAccessorArgs(*C_buffer).append_to(args);\n"
                                   "        args.insert(args.end(), {static_cast<uint32_t>(mesh_device->worker_core_"
                                   "from_logical_core(CoreCoord{0, 0}).y)});\n"
                                   "        SetRuntimeArgs(program, writer_kernel, CoreCoord{1, 0}, args);"));
    EXPECT_TRUE(contains(main_cpp, "const std::vector<uint32_t> writer_common_args = {7, 6};\n"
                                   "    SetCommonRuntimeArgs(program, writer_kernel, writer_common_args);"));
}

TEST(HostProgram, ReadWriteBufferIsUploadedAndReadBack) {
    Json plan = program_plan("tile_matmul");
    plan["buffers"][2]["access"] = "read_write";
    plan["buffers"][2]["dtype"] = "int32";
    plan["buffers"][2]["page_size"] = 4096;
    const std::string main_cpp = generate_host_program(plan);
    EXPECT_TRUE(contains(main_cpp, "std::vector<std::uint32_t> C_tiles = to_tiles(input_tensor<std::uint32_t>(cli, \"C\", 4096, 3)"));
    EXPECT_TRUE(contains(main_cpp, "distributed::EnqueueReadMeshBuffer(cq, C_read_back, C_buffer, true);"));
    EXPECT_TRUE(contains(main_cpp, "C=FILE  input and output, int32 [64, 64]"));
}

/*! A plan with a float32 CB c_24 its compute kernel unpacks straight to DST. */
Json with_float32_partials(Json plan) {
    plan["circular_buffers"].push_back(Json{{"name", "C_partials"}, {"cb_index", 24}, {"flow", "intermediate"},
                                            {"dtype", "float32"}, {"data_format", "Float32"}, {"page_size", 4096},
                                            {"tiles_per_stage", 1}, {"depth", 1}, {"num_pages", 1}});
    plan["kernels"][1]["unpack_to_dest_fp32"] = Json::array({24});
    return plan;
}

TEST(HostProgram, UnpackToDestCbsAreTheComputeKernelsMode) {
    const std::string main_cpp = generate_host_program(with_float32_partials(program_plan("tile_matmul")));
    EXPECT_TRUE(contains(main_cpp, "    std::vector<UnpackToDestMode> compute_unpack_to_dest(NUM_CIRCULAR_BUFFERS, "
                                   "UnpackToDestMode::Default);\n"
                                   "    compute_unpack_to_dest[tt::CBIndex::c_24] = UnpackToDestMode::UnpackToDestFp32;\n"))
        << main_cpp;
    // Designated initialisers in the release's member order: after dst_full_sync_en.
    EXPECT_TRUE(contains(main_cpp, ".dst_full_sync_en = false,\n"
                                   "            .unpack_to_dest_mode = compute_unpack_to_dest,\n"
                                   "            .math_approx_mode = false"))
        << main_cpp;
    // Without the list no mode vector is printed (every CB Default).
    EXPECT_FALSE(contains(generate_host_program(program_plan("tile_matmul")), "UnpackToDestMode"));
}

// ---- plan errors: each names the field and what is expected --------------------------------

Json with(Json plan, const std::string &pointer, const Json &value) {
    plan[Json::json_pointer(pointer)] = value;
    return plan;
}

TEST(HostProgramErrors, MalformedPlansAreValidationErrorsNamingTheField) {
    const Json plan = program_plan("tile_matmul");
    auto generate = [](const Json &p) { return [p] { generate_host_program(p); }; };
    Json no_device = plan;
    no_device.erase("device");
    EXPECT_TRUE(raises(ErrorKind::Validation, "tt.plan.json: plan: missing field 'device'", generate(no_device)));
    EXPECT_TRUE(raises(ErrorKind::Validation, "buffer 'A': layout 'l1_block' is not supported",
                       generate(with(plan, "/buffers/0/layout", "l1_block"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "buffer 'A': an l1_sharded buffer needs shard {grid, shard_shape_tiles}",
                       generate(with(plan, "/buffers/0/layout", "l1_sharded"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "dtype 'bfloat8_b' has no host element type",
                       generate(with(plan, "/buffers/0/dtype", "bfloat8_b"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "page_size 1024 is not one bfloat16 tile (2048 bytes)",
                       generate(with(plan, "/buffers/1/page_size", 1024))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "num_pages 5 does not match the shape's 6 tiles",
                       generate(with(plan, "/buffers/1/num_pages", 5))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "field 'shape' has an unexpected value \"64x64\"",
                       generate(with(plan, "/buffers/2/shape", "64x64"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "'C-out' is not a C++ identifier",
                       generate(with(plan, "/buffers/2/name", "C-out"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "processor must be RISCV_0 or RISCV_1, got TRISC",
                       generate(with(plan, "/kernels/0/processor", "TRISC"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "no buffer named 'D'",
                       generate(with(plan, "/kernels/2/runtime_args/0,0/0", Json{{"buffer_address", "D"}}))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "refers to semaphore 0, not in 'semaphores'",
                       generate(with(plan, "/kernels/0/compile_args/0", Json{{"semaphore", 0}}))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "runtime_args keys are \"x,y\", got \"0;0\"",
                       generate(with(plan, "/kernels/1/runtime_args", Json{{"0;0", {2}}}))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "data_format 'Float8' is not a TT-Metalium DataFormat",
                       generate(with(plan, "/circular_buffers/0/data_format", "Float8"))));
    EXPECT_TRUE(raises(ErrorKind::Validation, "math_fidelity 'HiFi5' is not LoFi, HiFi2, HiFi3 or HiFi4",
                       generate(with(plan, "/compute_config/math_fidelity", "HiFi5"))));
    const Json partials = with_float32_partials(plan);
    EXPECT_TRUE(raises(ErrorKind::Validation, "unpack_to_dest_fp32 lists c_16, which is not a Float32 CB of the plan",
                       generate(with(partials, "/kernels/1/unpack_to_dest_fp32", Json::array({16})))));
    EXPECT_TRUE(raises(ErrorKind::Validation,
                       "kernel 'reader': unpack_to_dest_fp32 configures a compute kernel's unpacker",
                       generate(with(partials, "/kernels/0/unpack_to_dest_fp32", Json::array({24})))));
}

TEST(HostProgramErrors, CMakeTargetNameMustBeSimple) {
    EXPECT_TRUE(raises(ErrorKind::Validation, "'my program' cannot name the host program's CMake target",
                       [] { generate_cmake_lists("my program"); }));
}

}  // namespace
