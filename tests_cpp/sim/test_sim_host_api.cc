// The host API surface TT-Metalium's programming examples use, on the simulator: the slow-dispatch
// path (CreateDevice, detail::WriteToBuffer / LaunchProgram / ReadFromBuffer), the Mesh path with
// MeshWorkload::add_program, CoreRange iteration, TT_FATAL / TT_THROW, fmt through the headers, the
// bfloat16 vector helpers, MathFidelity in tt::tt_metal, runtime-argument views and semaphores.
#include <array>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <unordered_set>

#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/core_coord.hpp>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tt_metal.hpp>

#include "ir/diagnostics.h"
#include "sim_test_util.h"

namespace {

using namespace sim_test;

constexpr uint32_t kPage = 1024;

std::vector<uint32_t> counting_words(size_t n) {
    std::vector<uint32_t> words(n);
    for (size_t i = 0; i < n; ++i) words[i] = static_cast<uint32_t>(i * 2654435761u + 7);
    return words;
}

/*! \brief One dram_copy kernel on core (0, 0) copying `pages` pages of `src` to `dst`. */
template <typename BufferLike>
Program copy_program(const BufferLike &src, const BufferLike &dst, uint32_t pages) {
    Program program = CreateProgram();
    constexpr CoreCoord core{0, 0};
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(2 * kPage, {{tt::CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(tt::CBIndex::c_0, kPage));
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*dst).append_to(ct);
    KernelHandle copy = CreateKernel(program, kernel("dram_copy.cpp"), core,
                                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                        .noc = NOC::RISCV_0_default,
                                                        .compile_args = ct});
    SetRuntimeArgs(program, copy, core,
                   {static_cast<uint32_t>(src->address()), static_cast<uint32_t>(dst->address()), 0, pages});
    return program;
}

TEST(SimHostApi, SlowDispatchPathCopiesThroughABufferFromCreateBuffer) {
    IDevice *device = CreateDevice(0);
    ASSERT_NE(device, nullptr);
    EXPECT_EQ(device->compute_with_storage_grid_size(), CoreCoord(8, 8));
    const uint32_t pages = 5;
    const InterleavedBufferConfig config{.device = device, .size = pages * kPage, .page_size = kPage,
                                         .buffer_type = BufferType::DRAM};
    std::shared_ptr<Buffer> src = CreateBuffer(config);
    std::shared_ptr<Buffer> dst = CreateBuffer(config);
    const std::vector<uint32_t> input = counting_words(pages * kPage / 4);
    detail::WriteToBuffer(src, input);

    Program program = copy_program(src, dst, pages);
    detail::LaunchProgram(device, program);
    std::vector<uint32_t> output;
    detail::ReadFromBuffer(dst, output);
    EXPECT_EQ(output, input);
    EXPECT_TRUE(CloseDevice(device));
}

TEST(SimHostApi, OpeningADeviceOtherThanZeroIsAValidationError) {
    EXPECT_THROW(CreateDevice(1), tt::Error);
    EXPECT_THROW(distributed::MeshDevice::create_unit_mesh(3), tt::Error);
}

TEST(SimHostApi, MeshWorkloadTakesOneProgramPerDeviceRange) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    EXPECT_EQ(mesh->shape(), distributed::MeshShape(1, 1));
    EXPECT_EQ(mesh->num_devices(), 1u);
    const uint32_t pages = 3;
    const distributed::DeviceLocalBufferConfig dram{.page_size = kPage, .buffer_type = BufferType::DRAM};
    auto src = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = pages * kPage}, dram, mesh.get());
    auto dst = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = pages * kPage}, dram, mesh.get());
    const std::vector<uint32_t> input = counting_words(pages * kPage / 4);
    distributed::MeshCommandQueue &cq = mesh->mesh_command_queue();
    distributed::EnqueueWriteMeshBuffer(cq, src, input, false);

    distributed::MeshWorkload workload;
    const distributed::MeshCoordinateRange devices(mesh->shape());
    workload.add_program(devices, copy_program(src, dst, pages));
    EXPECT_EQ(workload.get_programs().size(), 1u);
    EXPECT_THROW(workload.add_program(devices, copy_program(src, dst, pages)), tt::Error);
    distributed::EnqueueMeshWorkload(cq, workload, false);
    distributed::Finish(cq);
    std::vector<uint32_t> output;
    distributed::EnqueueReadMeshBuffer(cq, output, dst, true);
    EXPECT_EQ(output, input);
    EXPECT_TRUE(mesh->close());
}

TEST(SimHostApi, NamedCompileArgumentsReachTheKernel) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    const uint32_t pages = 6;
    const distributed::DeviceLocalBufferConfig dram{.page_size = kPage, .buffer_type = BufferType::DRAM};
    auto src = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = pages * kPage}, dram, mesh.get());
    auto dst = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = pages * kPage}, dram, mesh.get());
    const std::vector<uint32_t> input = counting_words(pages * kPage / 4);
    distributed::MeshCommandQueue &cq = mesh->mesh_command_queue();
    distributed::EnqueueWriteMeshBuffer(cq, src, input, false);
    distributed::EnqueueWriteMeshBuffer(cq, dst, std::vector<uint32_t>(input.size(), 0), false);

    Program program = CreateProgram();
    constexpr CoreCoord core{0, 0};
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(2 * kPage, {{tt::CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(tt::CBIndex::c_0, kPage));
    std::vector<uint32_t> ct;
    TensorAccessorArgs(*src).append_to(ct);
    TensorAccessorArgs(*dst).append_to(ct);
    KernelHandle copy = CreateKernel(program, kernel("named_copy.cpp"), core,
                                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                        .noc = NOC::RISCV_1_default,
                                                        .compile_args = ct,
                                                        .named_compile_args = {{"first", 2}, {"count", 3}}});
    SetRuntimeArgs(program, copy, core, {static_cast<uint32_t>(src->address()), static_cast<uint32_t>(dst->address())});
    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh->shape()), std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, true);
    std::vector<uint32_t> output;
    distributed::EnqueueReadMeshBuffer(cq, output, dst, true);
    const size_t words_per_page = kPage / 4;
    for (size_t i = 0; i < output.size(); ++i) {
        const size_t page = i / words_per_page;
        ASSERT_EQ(output[i], page >= 2 && page < 5 ? input[i] : 0u) << "word " << i;
    }
}

TEST(SimHostApi, UnsimulatedConfigurationsAreValidationErrors) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    const distributed::DeviceLocalBufferConfig dram{.page_size = kPage, .buffer_type = BufferType::DRAM};
    EXPECT_THROW(distributed::MeshBuffer::create(distributed::ShardedBufferConfig{.global_size = 4 * kPage}, dram,
                                                 mesh.get()),
                 tt::Error);
    Program program = CreateProgram();
    EXPECT_THROW(CreateKernel(program, kernel("dram_copy.cpp"), CoreCoord{0, 0}, EthernetConfig{}), tt::Error);
    EXPECT_THROW(CreateSemaphore(program, CoreRange({0, 0}, {1, 0}), 0, tt::CoreType::ETH), tt::Error);
}

TEST(SimHostApi, RangeForOverACoreRangeWalksRowByRow) {
    constexpr CoreCoord start{1, 2};
    static_assert(start.x == 1 && start.y == 2, "CoreCoord is a literal type");
    const CoreRange range(start, {3, 3});
    std::vector<CoreCoord> visited;
    for (const CoreCoord &core : range) visited.push_back(core);
    const std::vector<CoreCoord> expected{{1, 2}, {2, 2}, {3, 2}, {1, 3}, {2, 3}, {3, 3}};
    EXPECT_EQ(visited, expected);
    EXPECT_EQ(range.size(), expected.size());

    const CoreRangeSet set(std::vector<CoreRange>{CoreRange({0, 0}, {0, 1}), range});
    EXPECT_EQ(set.num_cores(), 8u);
    EXPECT_TRUE(set.contains(CoreCoord{3, 3}));
    EXPECT_FALSE(set.contains(CoreCoord{0, 3}));
    const std::unordered_set<CoreCoord> hashed(visited.begin(), visited.end());
    const std::set<CoreCoord> ordered(visited.begin(), visited.end());
    EXPECT_EQ(hashed.size(), ordered.size());
    static_assert(std::is_same_v<CoreCoord, tt::xy_pair> && std::is_same_v<tt_xy_pair, tt::xy_pair>);
}

TEST(SimHostApi, FmtFormatsCoresThroughTheMetaliumHeaders) {
    EXPECT_EQ(fmt::format("{}", CoreCoord{4, 5}), "(x=4,y=5)");
    EXPECT_EQ(fmt::format("{}", CoreRange({0, 0}, {1, 1})), "[(x=0,y=0) - (x=1,y=1)]");
}

TEST(SimHostApi, TtFatalAndTtThrowRaiseRuntimeErrorsWithTheirMessage) {
    try {
        TT_FATAL(1 + 1 == 3, "PCC not high enough: {}", 0.5);
        FAIL() << "TT_FATAL did not throw";
    } catch (const std::runtime_error &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("1 + 1 == 3"), std::string::npos) << what;
        EXPECT_NE(what.find("PCC not high enough: 0.5"), std::string::npos) << what;
        EXPECT_NE(what.find("test_sim_host_api.cc"), std::string::npos) << what;
    }
    EXPECT_THROW(TT_THROW("Test Failed"), std::runtime_error);
    EXPECT_NO_THROW(TT_FATAL(true, "never formatted {}", 1));
    bool pass = false;
    EXPECT_NO_THROW(TT_ASSERT(pass));  // checked only in DEBUG builds, as in the release
}

TEST(SimHostApi, Bfloat16VectorHelpersPackTwoValuesPerWord) {
    const std::vector<bfloat16> values = create_random_vector_of_bfloat16_native(4096, 2.0f, 42, -1.0f);
    ASSERT_EQ(values.size(), 2048u);
    for (const bfloat16 &v : values) {
        EXPECT_GE(v.to_float(), -1.0f);
        EXPECT_LE(v.to_float(), 1.0f);
    }
    const std::vector<uint32_t> packed = pack_bfloat16_vec_into_uint32_vec(values);
    ASSERT_EQ(packed.size(), 1024u);
    EXPECT_EQ(packed[0] & 0xffffu, values[0].to_uint16());
    EXPECT_EQ(packed[0] >> 16, values[1].to_uint16());
    EXPECT_EQ(unpack_uint32_vec_into_bfloat16_vec(packed), values);
    EXPECT_EQ(create_random_vector_of_bfloat16(4096, 2, 42, -1.0f), packed);

    const std::vector<uint32_t> ones = create_constant_vector_of_bfloat16(64, 1.0f);
    std::vector<uint32_t> nearly = ones;
    nearly[5] = pack_two_bfloat16_into_uint32({bfloat16(1.0f), bfloat16(1.5f)});
    const auto close = [](float a, float b) { return is_close(a, b, 0.01f, 0.001f); };
    EXPECT_TRUE(packed_uint32_t_vector_comparison(ones, ones, close));
    int argfail = -1;
    EXPECT_FALSE(packed_uint32_t_vector_comparison(ones, nearly, close, &argfail));
    EXPECT_EQ(argfail, 11);
}

TEST(SimHostApi, MathFidelityIsNamedInTtMetal) {
    static_assert(std::is_same_v<tt::tt_metal::MathFidelity, MathFidelity>);
    const ComputeConfig config{.math_fidelity = tt::tt_metal::MathFidelity::LoFi};
    EXPECT_EQ(config.math_fidelity, MathFidelity::LoFi);
}

TEST(SimHostApi, RuntimeArgumentViewsStayValidAcrossCalls) {
    Program program = CreateProgram();
    const CoreRange cores({0, 0}, {1, 0});
    KernelHandle k = CreateKernel(program, kernel("dram_copy.cpp"), cores, ReaderDataMovementConfig());
    const std::array<uint32_t, 4> words{1, 2, 3, 4};
    SetRuntimeArgs(program, k, cores, words);
    SetRuntimeArgs(program, k, std::vector<CoreCoord>{{1, 0}}, {{9, 8, 7, 6}});
    RuntimeArgsData &first = GetRuntimeArgs(program, k, CoreCoord{0, 0});
    RuntimeArgsData &second = GetRuntimeArgs(program, k, CoreCoord{1, 0});
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[2], 3u);
    EXPECT_EQ(second[0], 9u);
    first[2] = 30;
    EXPECT_EQ(GetRuntimeArgs(program, k, CoreCoord{0, 0})[2], 30u);
    EXPECT_THROW(first.at(4), std::runtime_error);

    SetCommonRuntimeArgs(program, k, {5, 6});
    EXPECT_EQ(GetCommonRuntimeArgs(program, k).size(), 2u);
    EXPECT_EQ(GetCommonRuntimeArgs(program, k)[1], 6u);
}

TEST(SimHostApi, SemaphoresAndMulticastEncodingsForAWorkerRow) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    Program program = CreateProgram();
    const CoreRange row({0, 0}, {3, 0});
    EXPECT_EQ(CreateSemaphore(program, row, 0), 0u);
    EXPECT_EQ(CreateSemaphore(program, CoreRangeSet(row), 1, tt::CoreType::WORKER), 1u);
    const CoreCoord first = mesh->worker_core_from_logical_core(row.start_coord);
    const CoreCoord last = mesh->worker_core_from_logical_core(row.end_coord);
    EXPECT_EQ(mesh->get_noc_multicast_encoding(0, CoreRange(first, last)),
              (mesh->get_noc_unicast_encoding(0, first) << 12) | mesh->get_noc_unicast_encoding(0, last));
    EXPECT_THROW(mesh->worker_core_from_logical_core(CoreCoord{8, 0}), tt::Error);
}

}  // namespace
