// How Float32 tiles reach DST: through the source registers srcA/srcB, which hold tf32 (10 explicit
// mantissa bits, the low 13 truncated), or, for copy_tile from a CB the compute kernel's
// ComputeConfig::unpack_to_dest_mode marks UnpackToDestFp32, straight into a float32 DST, exactly.
// A CB in that mode cannot feed the source registers, and the mode needs fp32_dest_acc_en.
#include <cstring>
#include <tt-metalium/tilize_utils.hpp>

#include "ir/diagnostics.h"
#include "sim_test_util.h"

namespace sim_test {
namespace {

const ::testing::Environment *const kEnv = ::testing::AddGlobalTestEnvironment(new SimEnvironment);

using Tile = std::vector<float>;  ///< one 32x32 tile, row-major

constexpr uint32_t kFp32Tile = 4096;

/*! A DRAM buffer holding `t` as the device stores a float32 tile: tilized. */
std::shared_ptr<distributed::MeshBuffer> upload(distributed::MeshDevice &mesh, const Tile &t) {
    auto buffer = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{kFp32Tile},
                                                  distributed::DeviceLocalBufferConfig{kFp32Tile, BufferType::DRAM},
                                                  &mesh);
    distributed::EnqueueWriteMeshBuffer(mesh.mesh_command_queue(), buffer, tilize_nfaces(t, 32, 32));
    return buffer;
}

/*! Runs unpack_paths.cpp with UNPACK_<op> on one float32 tile of each input, the kernel configured
 *  by `config`, and returns the output tile (row-major). */
Tile run_op(const std::string &op, const Tile &a, const Tile &b, ComputeConfig config) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto a_buffer = upload(*mesh, a), b_buffer = upload(*mesh, b), out_buffer = upload(*mesh, Tile(1024, 0.0f));
    std::vector<uint32_t> rct, wct;
    TensorAccessorArgs(*a_buffer).append_to(rct);
    TensorAccessorArgs(*b_buffer).append_to(rct);
    TensorAccessorArgs(*out_buffer).append_to(wct);
    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16})
        bf16_cb(program, core, cb, 2, tt::DataFormat::Float32);
    auto reader = CreateKernel(program, kernel("read_two.cpp"), core, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_tiles.cpp"), core, WriterDataMovementConfig(wct));
    config.defines = {{"UNPACK_" + op, "1"}};
    auto compute = CreateKernel(program, kernel("unpack_paths.cpp"), core, config);
    SetRuntimeArgs(program, reader, core, {uint32_t(a_buffer->address()), uint32_t(b_buffer->address()), 0, 1});
    SetRuntimeArgs(program, writer, core, {uint32_t(out_buffer->address()), 0, 1});
    SetRuntimeArgs(program, compute, core, {1});
    run(*mesh, std::move(program));
    std::vector<float> faces;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), faces, out_buffer);
    return untilize_nfaces(faces, 32, 32);
}

/*! Values with all 23 mantissa bits set somewhere, of both signs. */
Tile full_precision_tile(unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
    Tile t(1024);
    for (float &v : t) v = dist(rng);
    return t;
}

/*! v with its low 13 mantissa bits cleared: what srcA/srcB hold of a float32. */
float tf32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    bits &= ~uint32_t{0x1fff};
    std::memcpy(&v, &bits, 4);
    return v;
}

ComputeConfig fp32_dest(bool cb0_to_dest) {
    ComputeConfig c{.fp32_dest_acc_en = true};
    if (cb0_to_dest) {
        c.unpack_to_dest_mode.assign(NUM_CIRCULAR_BUFFERS, UnpackToDestMode::Default);
        c.unpack_to_dest_mode[tt::CBIndex::c_0] = UnpackToDestMode::UnpackToDestFp32;
    }
    return c;
}

/*! The message of the error running `op` under `config` raises ("" when none). */
std::string failure(const std::string &op, const ComputeConfig &config) {
    try {
        run_op(op, full_precision_tile(1), full_precision_tile(2), config);
    } catch (const tt::Error &e) {
        return e.what();
    }
    return "";
}

TEST(SimUnpackPaths, CopyTileOfFloat32TruncatesThroughSrcAUnlessItUnpacksToDest) {
    const Tile a = full_precision_tile(1), b = full_precision_tile(2);
    const Tile through_srca = run_op("COPY", a, b, fp32_dest(false));
    const Tile to_dest = run_op("COPY", a, b, fp32_dest(true));
    int truncated = 0;
    for (int i = 0; i < 1024; ++i) {
        ASSERT_EQ(through_srca[i], tf32(a[i])) << i;
        ASSERT_EQ(to_dest[i], a[i]) << i;
        truncated += through_srca[i] != a[i];
    }
    EXPECT_GT(truncated, 1000);  // the inputs use their low mantissa bits
}

TEST(SimUnpackPaths, FpuOperandsOfFloat32AreTf32) {
    const Tile a = full_precision_tile(3), b = full_precision_tile(4);
    const Tile sum = run_op("ADD", a, b, fp32_dest(false));
    const Tile transposed = run_op("TRANSPOSE", a, b, fp32_dest(false));
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c) {
            const int i = r * 32 + c;
            ASSERT_EQ(sum[i], tf32(a[i]) + tf32(b[i])) << i;
            ASSERT_EQ(transposed[i], tf32(a[c * 32 + r])) << i;
        }
}

TEST(SimUnpackPaths, AnUnpackToDestCbCannotFeedTheSourceRegisters) {
    const std::string add = failure("ADD", fp32_dest(true));
    EXPECT_NE(add.find("cb 0 is UnpackToDestFp32"), std::string::npos) << add;
    EXPECT_NE(add.find("source registers"), std::string::npos) << add;
    EXPECT_NE(failure("TRANSPOSE", fp32_dest(true)).find("UnpackToDestFp32"), std::string::npos);
}

TEST(SimUnpackPaths, UnpackToDestNeedsFp32Dst) {
    ComputeConfig config = fp32_dest(true);
    config.fp32_dest_acc_en = false;
    const std::string what = failure("COPY", config);
    EXPECT_NE(what.find("needs fp32_dest_acc_en=true"), std::string::npos) << what;
}

TEST(SimUnpackPaths, TheModeListHasOneEntryPerCb) {
    ComputeConfig config = fp32_dest(false);
    config.unpack_to_dest_mode.assign(8, UnpackToDestMode::Default);
    const std::string what = failure("COPY", config);
    EXPECT_NE(what.find("has 8 entries"), std::string::npos) << what;
}

}  // namespace
}  // namespace sim_test
