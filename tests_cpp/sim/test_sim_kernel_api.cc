// The kernel environment the simulator's JIT gives a kernel, checked against what TT-Metalium v0.67
// gives it: what is visible without an include (the firmware's implicit includes), and code the
// release refuses to build (the legacy compute entry point, a runtime compile-time-argument index,
// the six-argument matmul_tiles, is_dram() as a function), which must fail to compile with a message
// that says why.
#include <cstdio>
#include <fstream>

#include "ir/diagnostics.h"
#include "sim_test_util.h"

namespace sim_test {
namespace {

const ::testing::Environment *const kEnv = ::testing::AddGlobalTestEnvironment(new SimEnvironment);

/*! Writes `source` as a kernel file of its own and returns its path. */
std::string write_kernel(const std::string &name, const std::string &source) {
    const std::string dir = std::string(TT_SIM_TEST_CACHE) + "/kernel_api_sources";
    std::string command = "mkdir -p '" + dir + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    const std::string path = dir + "/" + name;
    std::ofstream(path) << source;
    return path;
}

/*! Runs one kernel alone on core (0,0) with the given compile-time arguments and one DRAM tile;
 *  its runtime arguments are the tile's address and 0. */
void run_kernel(const std::string &path, bool compute, const std::vector<uint32_t> &compile_args = {}) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto buf = dram_tiles(*mesh, 1);
    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    bf16_cb(program, core, tt::CBIndex::c_0, 2);
    KernelHandle k = compute ? CreateKernel(program, path, core, ComputeConfig{.compile_args = compile_args})
                             : CreateKernel(program, path, core, DataMovementConfig{.compile_args = compile_args});
    SetRuntimeArgs(program, k, core, {static_cast<uint32_t>(buf->address()), 0});
    run(*mesh, std::move(program));
}

/*! The kernel must fail to compile, and the compiler's report must contain `phrase`. */
void expect_rejected(const std::string &name, const std::string &source, bool compute, const std::string &phrase,
                     const std::vector<uint32_t> &compile_args = {}) {
    try {
        run_kernel(write_kernel(name, source), compute, compile_args);
        FAIL() << name << " compiled, but TT-Metalium v0.67 rejects it";
    } catch (const tt::Error &e) {
        const std::string what = e.what();
        EXPECT_EQ(e.kind(), tt::ErrorKind::Validation) << what;
        EXPECT_NE(what.find("failed to compile"), std::string::npos) << what;
        EXPECT_NE(what.find(phrase), std::string::npos) << what;
    }
}

TEST(SimKernelApi, DataMovementKernelsSeeTheFirmwaresImplicitIncludes) {
    // No include at all: v0.67's BRISC/NCRISC firmware includes api/dataflow/dataflow_api.h (with
    // <cstdint>, compile-time arguments, tt::CBIndex, DPRINT and the device's DataFormat) first.
    const std::string source = R"(
void kernel_main() {
    constexpr uint32_t page = get_compile_time_arg_val(0);
    const uint32_t addr = get_arg_val<uint32_t>(0);
    const DataFormat format = get_dataformat(tt::CBIndex::c_0);
    DPRINT << "format " << static_cast<uint32_t>(format) << ENDL();
    cb_reserve_back(tt::CBIndex::c_0, 1);
    noc_async_read(get_noc_addr_from_bank_id<true>(0, addr), get_write_ptr(tt::CBIndex::c_0), page);
    noc_async_read_barrier();
    cb_push_back(tt::CBIndex::c_0, 1);
    cb_wait_front(tt::CBIndex::c_0, 1);
    cb_pop_front(tt::CBIndex::c_0, 1);
}
)";
    EXPECT_NO_THROW(run_kernel(write_kernel("implicit_dm.cpp", source), false, {2048}));
}

TEST(SimKernelApi, ComputeKernelsGetNoComputeApiWithoutItsHeaders) {
    // Compute kernels see compile-time arguments and DPRINT, but the compute API only through
    // api/compute/ headers, as in the release.
    expect_rejected("implicit_compute.cpp", R"(
void kernel_main() {
    constexpr uint32_t cb = get_compile_time_arg_val(0);
    DPRINT << "cb " << cb << ENDL();
    tile_regs_acquire();
}
)",
                    true, "tile_regs_acquire", {0});
}

TEST(SimKernelApi, LegacyComputeEntryPointIsRefusedWithTheReason) {
    expect_rejected("legacy_compute.cpp", R"(
#include "api/compute/common.h"
namespace NAMESPACE {
void MAIN {}
}  // namespace NAMESPACE
)",
                    true, "define void kernel_main()");
}

TEST(SimKernelApi, KernelWithoutKernelMainIsRefused) {
    expect_rejected("no_entry.cpp", "void main_loop() {}\n", false, "every TT-Metalium v0.67 kernel defines void kernel_main()");
}

TEST(SimKernelApi, CompileTimeArgumentIndexMustBeAConstant) {
    expect_rejected("runtime_index.cpp", R"(
void kernel_main() {
    const uint32_t index = get_arg_val<uint32_t>(1);
    DPRINT << get_compile_time_arg_val(index) << ENDL();
}
)",
                    false, "index", {7});
}

TEST(SimKernelApi, CompileTimeArgumentIndexBeyondTheArgumentsFailsToCompile) {
    expect_rejected("index_out_of_range.cpp", R"(
void kernel_main() {
    constexpr uint32_t value = get_compile_time_arg_val(3);
    DPRINT << value << ENDL();
}
)",
                    false, "index out of range", {7});
}

TEST(SimKernelApi, SixArgumentMatmulTilesIsRefused) {
    expect_rejected("matmul_six_args.cpp", R"(
#include "api/compute/matmul.h"
void kernel_main() {
    mm_init(0, 1, 16);
    tile_regs_acquire();
    matmul_tiles(0, 1, 0, 0, 0, 1);
}
)",
                    true, "matmul_tiles");
}

TEST(SimKernelApi, TensorAccessorArgsIsDramIsAConstantNotAFunction) {
    // Flags word 2 = ArgConfig::IsDram (Sharded is bit 0), then the page size.
    const std::string good = R"(
void kernel_main() {
    constexpr auto args = TensorAccessorArgs<0>();
    static_assert(decltype(args)::is_dram && !decltype(args)::is_sharded);
    static_assert(args.get_aligned_page_size() == 2048 && args.next_compile_time_args_offset() == 2);
}
)";
    EXPECT_NO_THROW(run_kernel(write_kernel("accessor_flags.cpp", good), false, {2, 2048}));
    expect_rejected("accessor_is_dram_call.cpp", R"(
void kernel_main() {
    constexpr auto args = TensorAccessorArgs<0>();
    DPRINT << decltype(args)::is_dram() << ENDL();
}
)",
                    false, "is_dram", {2, 2048});
}

}  // namespace
}  // namespace sim_test
