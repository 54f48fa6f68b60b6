// TT-Metalium programs written for this project, run on the simulator and compared with a
// float reference: loopback, element-wise, matmul (single core, work split, blocked with partial
// reload), an SFPU chain and a multicast handshake with semaphores.
#include <map>

#include <tt-metalium/tilize_utils.hpp>
#include <tt-metalium/work_split.hpp>

#include "sim_test_util.h"

namespace sim_test {
namespace {

const ::testing::Environment *const kEnv = ::testing::AddGlobalTestEnvironment(new SimEnvironment);

std::shared_ptr<distributed::MeshDevice> open() {
    return distributed::MeshDevice::create_unit_mesh(0);
}

TEST(SimPrograms, DramLoopback) {
    auto mesh = open();
    const uint32_t pages = 8;
    auto src = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{pages * 2048ull}, {2048, BufferType::DRAM}, mesh.get());
    auto dst = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{pages * 2048ull}, {2048, BufferType::DRAM}, mesh.get());
    std::vector<uint32_t> input(pages * 512);
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint32_t>(i * 2654435761u);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), src, input, false);

    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    bf16_cb(program, core, tt::CBIndex::c_0, 2);
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*dst).append_to(ct);
    auto k = CreateKernel(program, kernel("dram_copy.cpp"), core,
                          DataMovementConfig{.processor = DataMovementProcessor::RISCV_0, .noc = NOC::RISCV_0_default, .compile_args = ct});
    SetRuntimeArgs(program, k, core, {static_cast<uint32_t>(src->address()), static_cast<uint32_t>(dst->address()), 0, pages});
    run(*mesh, std::move(program));

    std::vector<uint32_t> output;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), output, dst, true);
    EXPECT_EQ(output, input);
}

TEST(SimPrograms, InterleavedL1BufferRoundTrip) {
    // Pages of an L1 buffer are dealt over the worker cores' L1 at one address, like DRAM banks.
    auto mesh = open();
    const uint32_t pages = 70;  // more pages than the 64 cores: some cores hold two
    auto src = dram_tiles(*mesh, pages);
    auto l1 = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{pages * 2048ull}, {2048, BufferType::L1}, mesh.get());
    const auto data = random_bf16(pages * 1024, 12);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), src, data);
    Program program = CreateProgram();
    const CoreCoord core{3, 2};
    bf16_cb(program, core, tt::CBIndex::c_0, 2);
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*l1).append_to(ct);
    auto k = CreateKernel(program, kernel("dram_copy.cpp"), core, DataMovementConfig{.compile_args = ct});
    SetRuntimeArgs(program, k, core, {uint32_t(src->address()), uint32_t(l1->address()), 0, pages});
    run(*mesh, std::move(program));
    std::vector<bfloat16> back;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), back, l1);
    EXPECT_EQ(back, data);
    EXPECT_GE(l1->address(), mesh->l1_size_per_core() / 2);  // allocated from the top of L1
}

/*! Runs an element-wise binary op on `tiles` tiles over two cores; returns the output tiles. With
 *  `release_dst_after_round` the kernel calls release_dst() after each tile_regs_* round. */
std::vector<bfloat16> eltwise(const std::vector<bfloat16> &a, const std::vector<bfloat16> &b, const std::string &op,
                              const std::string &init, bool release_dst_after_round = false) {
    auto mesh = open();
    const uint32_t tiles = static_cast<uint32_t>(a.size() / 1024);
    auto ba = dram_tiles(*mesh, tiles), bb = dram_tiles(*mesh, tiles), bc = dram_tiles(*mesh, tiles);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), ba, a);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), bb, b);
    Program program = CreateProgram();
    const CoreRange cores({0, 0}, {1, 0});
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) bf16_cb(program, cores, cb, 2);
    std::vector<uint32_t> rct, wct;
    TensorAccessorArgs(*ba).append_to(rct);
    TensorAccessorArgs(*bb).append_to(rct);
    TensorAccessorArgs(*bc).append_to(wct);
    auto reader = CreateKernel(program, kernel("read_two.cpp"), cores, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_tiles.cpp"), cores, WriterDataMovementConfig(wct));
    std::map<std::string, std::string> defines{{"BINARY_OP", op}, {"BINARY_INIT", init}};
    if (release_dst_after_round) defines["RELEASE_DST_AFTER_ROUND"] = "1";
    auto compute = CreateKernel(program, kernel("eltwise_binary.cpp"), cores,
                                ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .defines = defines});
    const uint32_t half = tiles / 2;
    for (uint32_t x = 0; x < 2; ++x) {
        const CoreCoord c{x, 0};
        SetRuntimeArgs(program, reader, c, {uint32_t(ba->address()), uint32_t(bb->address()), x * half, half});
        SetRuntimeArgs(program, writer, c, {uint32_t(bc->address()), x * half, half});
        SetRuntimeArgs(program, compute, c, {half});
    }
    run(*mesh, std::move(program));
    std::vector<bfloat16> out;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), out, bc);
    return out;
}

TEST(SimPrograms, EltwiseAddAndMulRoundLikeTheHardware) {
    const auto a = random_bf16(4 * 1024, 1), b = random_bf16(4 * 1024, 2);
    const auto sum = eltwise(a, b, "add_tiles", "add_tiles_init");
    const auto prod = eltwise(a, b, "mul_tiles", "mul_tiles_init");
    // Tiles are element-wise, so face order does not matter; each result is the bf16 rounding of
    // the exact float result.
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(sum[i].to_float(), bfloat16(a[i].to_float() + b[i].to_float()).to_float()) << i;
        ASSERT_EQ(prod[i].to_float(), bfloat16(a[i].to_float() * b[i].to_float()).to_float()) << i;
    }
}

TEST(SimPrograms, ReleaseDstAfterAFullRoundChangesNothing) {
    // tt-metal's vecadd_multi_core example ends each tile_regs_* round with the deprecated release_dst(): on the
    // device its math half marks an empty DST section done and its pack half consumes that mark at once.
    const auto a = random_bf16(4 * 1024, 5), b = random_bf16(4 * 1024, 6);
    const auto sum = eltwise(a, b, "add_tiles", "add_tiles_init", /*release_dst_after_round=*/true);
    for (size_t i = 0; i < a.size(); ++i)
        ASSERT_EQ(sum[i].to_float(), bfloat16(a[i].to_float() + b[i].to_float()).to_float()) << i;
}

/*! Largest |x|: the scale bf16 rounding errors are measured against. */
float max_abs(const std::vector<float> &v) {
    float m = 0;
    for (float x : v) m = std::max(m, std::fabs(x));
    return m;
}

/*! Multi-core matmul with split_work_to_cores over the output tiles. With 16-bit DST every
 *  accumulation step (two per tile product) rounds to bf16 (relative 2^-8), so the bound is
 *  `steps * 2^-8 * max|C|`; with fp32 accumulation only the final pack rounds. */
void check_matmul(uint32_t M, uint32_t N, uint32_t K, CoreCoord grid, bool fp32_acc = false) {
    auto mesh = open();
    const uint32_t Mt = M / 32, Nt = N / 32, Kt = K / 32;
    const auto a = random_bf16(size_t(M) * K, 3), b = random_bf16(size_t(K) * N, 4);
    auto ba = dram_tiles(*mesh, Mt * Kt), bb = dram_tiles(*mesh, Kt * Nt), bc = dram_tiles(*mesh, Mt * Nt);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), ba, tilize_nfaces(a, M, K));
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), bb, tilize_nfaces(b, K, N));

    auto [num_cores, all, group1, group2, per1, per2] = split_work_to_cores(grid, Mt * Nt);
    Program program = CreateProgram();
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) bf16_cb(program, all, cb, 2);
    std::vector<uint32_t> rct, wct;
    TensorAccessorArgs(*ba).append_to(rct);
    TensorAccessorArgs(*bb).append_to(rct);
    TensorAccessorArgs(*bc).append_to(wct);
    auto reader = CreateKernel(program, kernel("read_matmul.cpp"), all, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_tiles.cpp"), all, WriterDataMovementConfig(wct));
    auto compute = CreateKernel(program, kernel("matmul.cpp"), all,
                                ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .fp32_dest_acc_en = fp32_acc});
    uint32_t next = 0;
    for (const CoreCoord &c : corerange_to_cores(all)) {
        const uint32_t count = group1.contains(c) ? per1 : per2;
        SetRuntimeArgs(program, reader, c, {uint32_t(ba->address()), uint32_t(bb->address()), Kt, Nt, next, count});
        SetRuntimeArgs(program, writer, c, {uint32_t(bc->address()), next, count});
        SetRuntimeArgs(program, compute, c, {count, Kt});
        next += count;
    }
    ASSERT_EQ(next, Mt * Nt);
    run(*mesh, std::move(program));

    std::vector<bfloat16> out;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), out, bc);
    const auto got = to_float(untilize_nfaces(out, M, N));
    const auto want = golden_matmul(a, b, M, N, K);
    EXPECT_GE(pcc(got, want), 0.999);
    const float scale = max_abs(want), steps = fp32_acc ? 1.0f : 2.0f * Kt;
    for (size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], want[i], fp32_acc ? std::fabs(want[i]) / 256 + 1e-3f * scale : steps * scale / 256) << i;
}

TEST(SimPrograms, SingleCoreMatmul) {
    check_matmul(128, 128, 128, {1, 1});
}

TEST(SimPrograms, MatmulWithFp32AccumulationRoundsOnlyOnPack) {
    check_matmul(64, 64, 256, {2, 2}, true);
}

TEST(SimPrograms, MultiCoreMatmulWithUnevenWorkSplit) {
    // 48 output tiles over 25 cores: 23 cores take two tiles, 2 cores take one.
    check_matmul(256, 192, 128, {5, 5});
}

TEST(SimPrograms, BlockedMatmulWithSubblocksAndPartialReload) {
    auto mesh = open();
    const uint32_t M = 256, N = 256, K = 256, Mt = 8, Nt = 8, Kt = 8;
    const uint32_t block_m = 4, block_n = 4, block_k = 2, sub_h = 2, sub_w = 2;
    const auto a = random_bf16(size_t(M) * K, 5), b = random_bf16(size_t(K) * N, 6);
    auto ba = dram_tiles(*mesh, Mt * Kt), bb = dram_tiles(*mesh, Kt * Nt), bc = dram_tiles(*mesh, Mt * Nt);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), ba, tilize_nfaces(a, M, K));
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), bb, tilize_nfaces(b, K, N));

    Program program = CreateProgram();
    const CoreRange cores({0, 0}, {1, 1});
    bf16_cb(program, cores, tt::CBIndex::c_0, 2 * block_m * block_k);
    bf16_cb(program, cores, tt::CBIndex::c_1, 2 * block_k * block_n);
    bf16_cb(program, cores, tt::CBIndex::c_16, block_m * block_n);
    bf16_cb(program, cores, tt::CBIndex::c_24, block_m * block_n);
    std::vector<uint32_t> rct, wct;
    TensorAccessorArgs(*ba).append_to(rct);
    TensorAccessorArgs(*bb).append_to(rct);
    TensorAccessorArgs(*bc).append_to(wct);
    auto reader = CreateKernel(program, kernel("read_blocked.cpp"), cores, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_blocked.cpp"), cores, WriterDataMovementConfig(wct));
    CreateKernel(program, kernel("matmul_blocked.cpp"), cores,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4,
                               .compile_args = {Kt / block_k, block_m, block_n, block_k, sub_h, sub_w, 1}});
    for (const CoreCoord &c : corerange_to_cores(CoreRangeSet(cores))) {
        const uint32_t m0 = c.y * block_m, n0 = c.x * block_n;
        SetRuntimeArgs(program, reader, c, {uint32_t(ba->address()), uint32_t(bb->address()), Kt, Nt, m0, n0, block_m, block_n, block_k});
        SetRuntimeArgs(program, writer, c, {uint32_t(bc->address()), Nt, m0, n0, block_m, block_n, sub_h, sub_w});
    }
    run(*mesh, std::move(program));

    std::vector<bfloat16> out;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), out, bc);
    const auto got = to_float(untilize_nfaces(out, M, N));
    const auto want = golden_matmul(a, b, M, N, K);
    EXPECT_GE(pcc(got, want), 0.999);
    // 16 accumulation steps in DST plus a bf16 spill and reload per K block after the first.
    const float bound = (2.0f * Kt + 2.0f * (Kt / block_k - 1)) * max_abs(want) / 256;
    for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], bound) << i;
}

TEST(SimPrograms, SfpuChain) {
    auto mesh = open();
    const uint32_t tiles = 2;
    const auto x = random_bf16(tiles * 1024, 7, -3.0f, 3.0f);
    auto bx = dram_tiles(*mesh, tiles), by = dram_tiles(*mesh, tiles);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), bx, x);
    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    bf16_cb(program, core, tt::CBIndex::c_0, 2);
    bf16_cb(program, core, tt::CBIndex::c_16, 2);
    std::vector<uint32_t> rct, wct;
    TensorAccessorArgs(*bx).append_to(rct);
    TensorAccessorArgs(*by).append_to(wct);
    auto reader = CreateKernel(program, kernel("read_one.cpp"), core, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_tiles.cpp"), core, WriterDataMovementConfig(wct));
    auto compute = CreateKernel(program, kernel("sfpu_chain.cpp"), core, ComputeConfig{});
    SetRuntimeArgs(program, reader, core, {uint32_t(bx->address()), 0, tiles});
    SetRuntimeArgs(program, writer, core, {uint32_t(by->address()), 0, tiles});
    SetRuntimeArgs(program, compute, core, {tiles});
    run(*mesh, std::move(program));
    std::vector<bfloat16> y;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), y, by);
    for (size_t i = 0; i < x.size(); ++i) {
        const float want = 1.0f / (1.0f + std::exp(std::max(x[i].to_float(), 0.0f)));
        ASSERT_NEAR(y[i].to_float(), want, 0.01f * want + 1e-3f) << i;
    }
}

TEST(SimPrograms, MulticastWithSemaphores) {
    auto mesh = open();
    const uint32_t cores_n = 4;
    const auto x = random_bf16(1024, 8), b = random_bf16(cores_n * 1024, 9);
    auto bx = dram_tiles(*mesh, 1), bb = dram_tiles(*mesh, cores_n), bc = dram_tiles(*mesh, cores_n);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), bx, x);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), bb, b);
    Program program = CreateProgram();
    const CoreRange row({0, 0}, {cores_n - 1, 0});
    for (uint8_t cb : {tt::CBIndex::c_0, tt::CBIndex::c_1, tt::CBIndex::c_16}) bf16_cb(program, row, cb, 2);
    const uint32_t sender_sem = CreateSemaphore(program, row, 0);
    const uint32_t receiver_sem = CreateSemaphore(program, row, 0);
    std::vector<uint32_t> rct, wct;
    TensorAccessorArgs(*bx).append_to(rct);
    TensorAccessorArgs(*bb).append_to(rct);
    TensorAccessorArgs(*bc).append_to(wct);
    auto reader = CreateKernel(program, kernel("mcast_reader.cpp"), row, ReaderDataMovementConfig(rct));
    auto writer = CreateKernel(program, kernel("write_tiles.cpp"), row, WriterDataMovementConfig(wct));
    auto compute = CreateKernel(program, kernel("eltwise_binary.cpp"), row,
                                ComputeConfig{.defines = {{"BINARY_OP", "add_tiles"}, {"BINARY_INIT", "add_tiles_init"}}});
    const CoreCoord first = mesh->worker_core_from_logical_core({1, 0});
    const CoreCoord last = mesh->worker_core_from_logical_core({cores_n - 1, 0});
    const CoreCoord sender = mesh->worker_core_from_logical_core({0, 0});
    for (uint32_t i = 0; i < cores_n; ++i) {
        const CoreCoord c{i, 0};
        SetRuntimeArgs(program, reader, c,
                       {uint32_t(bx->address()), uint32_t(bb->address()), i, i == 0 ? 1u : 0u, uint32_t(first.x), uint32_t(first.y),
                        uint32_t(last.x), uint32_t(last.y), cores_n - 1, uint32_t(sender.x), uint32_t(sender.y), sender_sem, receiver_sem});
        SetRuntimeArgs(program, writer, c, {uint32_t(bc->address()), i, 1});
        SetRuntimeArgs(program, compute, c, {1});
    }
    run(*mesh, std::move(program));
    std::vector<bfloat16> out;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), out, bc);
    for (uint32_t t = 0; t < cores_n; ++t)
        for (uint32_t i = 0; i < 1024; ++i)
            ASSERT_EQ(out[t * 1024 + i].to_float(), bfloat16(x[i].to_float() + b[t * 1024 + i].to_float()).to_float());
}

}  // namespace
}  // namespace sim_test
