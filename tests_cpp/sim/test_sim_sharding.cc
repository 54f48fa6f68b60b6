// Sharded L1 buffers: BufferDistributionSpec's core list and shape squeezing, host write/read
// through the shard mapping, TensorAccessorArgs words (checked against values worked out by hand
// from v0.67's rules), kernels that reach sharded pages through TensorAccessor, and L1 overflow.
#include <numeric>

#include <tt-metalium/buffer.hpp>
#include <tt-metalium/buffer_distribution_spec.hpp>
#include <tt-metalium/mesh_buffer.hpp>

#include "ir/diagnostics.h"
#include "sim_test_util.h"

namespace {

using namespace tt::tt_metal;
using sim_test::kernel;

constexpr uint32_t kTile = 2048;  // a bf16 tile

/*! A buffer of `tensor` tiles sharded in L1 as `shard` over the cores of `cores`, row-major. */
std::shared_ptr<distributed::MeshBuffer> sharded_buffer(distributed::MeshDevice *mesh, const Shape &tensor,
                                                        const Shape &shard, const CoreRangeSet &cores) {
    auto distribution = BufferDistributionSpec(tensor, shard, cores, ShardOrientation::ROW_MAJOR,
                                               ShardDistributionStrategy::ROUND_ROBIN_1D);
    distributed::DeviceLocalBufferConfig local{
        .page_size = kTile, .buffer_type = BufferType::L1, .sharding_args = BufferShardingArgs(distribution)};
    return distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{.size = tensor.volume() * kTile}, local,
                                           mesh);
}

/*! Page p of the tensor holds words p * 1000 + i. */
std::vector<uint32_t> numbered_pages(uint64_t pages) {
    std::vector<uint32_t> data(pages * kTile / 4);
    for (size_t i = 0; i < data.size(); ++i) data[i] = uint32_t(i / (kTile / 4)) * 1000 + uint32_t(i % (kTile / 4));
    return data;
}

/*! A sharding to test: tensor and shard shapes in tiles over a core range. */
struct Case {
    const char *name;
    Shape tensor, shard;
    CoreRange cores;
};

std::vector<Case> cases() {
    return {
        {"height", Shape({8, 4}), Shape({2, 4}), CoreRange({0, 0}, {3, 0})},
        {"width", Shape({4, 8}), Shape({4, 2}), CoreRange({0, 0}, {3, 0})},
        {"block", Shape({4, 4}), Shape({2, 2}), CoreRange({0, 0}, {1, 1})},
        // 3 x 3 shards (the last row and column partial) over 4 cores: cores 0 holds shards 0, 4, 8.
        {"partial_more_shards_than_cores", Shape({5, 5}), Shape({2, 2}), CoreRange({0, 0}, {1, 1})},
    };
}

TEST(SimSharding, DistributionSpecDealsShardsToTheCoresInOrientationOrder) {
    const CoreRangeSet grid(CoreRange({0, 0}, {1, 1}));
    const BufferDistributionSpec row(Shape({5, 5}), Shape({2, 2}), grid, ShardOrientation::ROW_MAJOR);
    EXPECT_EQ(row.num_shards(), 9u);
    EXPECT_EQ(row.num_cores(), 4u);
    EXPECT_EQ(row.max_num_shards_per_core(), 3u);
    EXPECT_EQ(row.max_num_dev_pages_per_core(), 12u);
    EXPECT_EQ(row.num_shards_per_core(0), 3u);
    EXPECT_EQ(row.num_shards_per_core(1), 2u);
    EXPECT_EQ(row.cores(), (std::vector<CoreCoord>{{0, 0}, {1, 0}, {0, 1}, {1, 1}}));
    const BufferDistributionSpec col(Shape({5, 5}), Shape({2, 2}), grid, ShardOrientation::COL_MAJOR);
    EXPECT_EQ(col.cores(), (std::vector<CoreCoord>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
    // GRID_2D keeps the top-left cores a 2 x 1 grid of shards covers.
    const BufferDistributionSpec grid2d(Shape({2, 4}), Shape({2, 2}), CoreRangeSet(CoreRange({0, 0}, {3, 3})),
                                        ShardOrientation::ROW_MAJOR, ShardDistributionStrategy::GRID_2D);
    EXPECT_EQ(grid2d.cores(), (std::vector<CoreCoord>{{0, 0}, {1, 0}}));
}

TEST(SimSharding, ShapesAreSqueezedAsTheReleaseDoes) {
    // Height sharding of whole rows: the two dimensions merge into one.
    const BufferDistributionSpec height(Shape({8, 4}), Shape({2, 4}), CoreRangeSet(CoreRange({0, 0}, {3, 0})),
                                        ShardOrientation::ROW_MAJOR);
    EXPECT_EQ(height.tensor_shape_in_pages(), Shape({32}));
    EXPECT_EQ(height.shard_shape_in_pages(), Shape({8}));
    // Width sharding keeps both.
    const auto [tensor, shard] = detail::squeeze_shape_ranks(Shape({4, 8}), Shape({4, 2}));
    EXPECT_EQ(tensor, Shape({4, 8}));
    EXPECT_EQ(shard, Shape({4, 2}));
    // A batch dimension outside the shard's rank folds into the outermost one.
    const auto [batched, batched_shard] = detail::squeeze_shape_ranks(Shape({3, 4, 8}), Shape({4, 2}));
    EXPECT_EQ(batched, Shape({12, 8}));
    EXPECT_EQ(batched_shard, Shape({4, 2}));
}

TEST(SimSharding, HostWriteAndReadRoundTripThroughTheShards) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto &cq = mesh->mesh_command_queue();
    for (const Case &c : cases()) {
        SCOPED_TRACE(c.name);
        auto buffer = sharded_buffer(mesh.get(), c.tensor, c.shard, CoreRangeSet(c.cores));
        EXPECT_TRUE(buffer->get_reference_buffer()->buffer_distribution_spec().has_value());
        const std::vector<uint32_t> data = numbered_pages(c.tensor.volume());
        distributed::EnqueueWriteMeshBuffer(cq, buffer, data, false);
        std::vector<uint32_t> back;
        distributed::EnqueueReadMeshBuffer(cq, back, buffer, true);
        EXPECT_EQ(back, data);
    }
}

TEST(SimSharding, TensorAccessorArgsWordsFollowTheRelease) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    // A 5 x 5 tensor of 2 x 2 shards over cores (0,0),(1,0),(0,1),(1,1); n150 workers sit at NoC
    // x = 1 + logical x, y = 1 + logical y (x 1..4 and 6..9, y 1..5 and 7..11).
    auto buffer = sharded_buffer(mesh.get(), Shape({5, 5}), Shape({2, 2}), CoreRangeSet(CoreRange({0, 0}, {1, 1})));
    const auto xy = [&](uint32_t x, uint32_t y) {
        const CoreCoord noc = mesh->worker_core_from_logical_core({x, y});
        return uint32_t((noc.x & 0xFF) << 8 | (noc.y & 0xFF));
    };
    const uint32_t sharded = 1u;  // Sharded, IsDram clear
    const std::vector<uint32_t> expected = {
        sharded, kTile, 2, 4, 5, 5, 2, 2, xy(0, 0) | xy(1, 0) << 16, xy(0, 1) | xy(1, 1) << 16};
    EXPECT_EQ(TensorAccessorArgs(*buffer).get_compile_time_args(), expected);
    EXPECT_TRUE(TensorAccessorArgs(*buffer).get_common_runtime_args().empty());

    // Runtime bank coordinates and shard shape move to the common runtime words.
    using tensor_accessor::ArgConfig;
    const TensorAccessorArgs runtime(*buffer, ArgConfig::RuntimeShardShape | ArgConfig::RuntimeBankCoords);
    std::vector<uint32_t> ct, crta;
    runtime.append_to(ct, crta);
    const uint32_t flags = sharded | uint32_t(ArgConfig::RuntimeShardShape) | uint32_t(ArgConfig::RuntimeBankCoords);
    EXPECT_EQ(ct, (std::vector<uint32_t>{flags, kTile, 2, 4, 5, 5}));
    EXPECT_EQ(crta, (std::vector<uint32_t>{2, 2, xy(0, 0) | xy(1, 0) << 16, xy(0, 1) | xy(1, 1) << 16}));
    std::vector<uint32_t> only_ct;
    EXPECT_THROW(runtime.append_to(only_ct), tt::Error);
    // An odd number of banks leaves the last word's high half zero.
    auto three = sharded_buffer(mesh.get(), Shape({3, 1}), Shape({1, 1}), CoreRangeSet(CoreRange({0, 0}, {2, 0})));
    EXPECT_EQ(TensorAccessorArgs(*three).get_compile_time_args(),
              (std::vector<uint32_t>{sharded, kTile, 1, 3, 3, 1, xy(0, 0) | xy(1, 0) << 16, xy(2, 0)}));
}

/*! Runs dram_copy.cpp on core (0,0): `count` pages from `src` to `dst`. */
void copy_pages(distributed::MeshDevice *mesh, const std::shared_ptr<distributed::MeshBuffer> &src,
                const std::shared_ptr<distributed::MeshBuffer> &dst, uint32_t count) {
    Program program = CreateProgram();
    const CoreCoord core{0, 0};
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(kTile, {{tt::CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(tt::CBIndex::c_0, kTile));
    std::vector<uint32_t> compile_args;
    TensorAccessorArgs(*src).append_to(compile_args);
    TensorAccessorArgs(*dst).append_to(compile_args);
    const KernelHandle copy =
        CreateKernel(program, kernel("dram_copy.cpp"), core, ReaderDataMovementConfig(compile_args));
    SetRuntimeArgs(program, copy, core,
                   {static_cast<uint32_t>(src->address()), static_cast<uint32_t>(dst->address()), 0u, count});
    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh->shape()), std::move(program));
    distributed::EnqueueMeshWorkload(mesh->mesh_command_queue(), workload, true);
}

TEST(SimSharding, KernelsCopyASharedTensorToAnInterleavedOneAndBack) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto &cq = mesh->mesh_command_queue();
    for (const Case &c : cases()) {
        SCOPED_TRACE(c.name);
        const uint32_t pages = static_cast<uint32_t>(c.tensor.volume());
        auto sharded = sharded_buffer(mesh.get(), c.tensor, c.shard, CoreRangeSet(c.cores));
        auto back = sharded_buffer(mesh.get(), c.tensor, c.shard, CoreRangeSet(c.cores));
        auto interleaved = distributed::MeshBuffer::create(
            distributed::ReplicatedBufferConfig{.size = pages * kTile},
            distributed::DeviceLocalBufferConfig{.page_size = kTile, .buffer_type = BufferType::DRAM}, mesh.get());
        const std::vector<uint32_t> data = numbered_pages(pages);
        distributed::EnqueueWriteMeshBuffer(cq, sharded, data, false);
        copy_pages(mesh.get(), sharded, interleaved, pages);
        std::vector<uint32_t> got;
        distributed::EnqueueReadMeshBuffer(cq, got, interleaved, true);
        EXPECT_EQ(got, data);
        copy_pages(mesh.get(), interleaved, back, pages);
        distributed::EnqueueReadMeshBuffer(cq, got, back, true);
        EXPECT_EQ(got, data);
    }
}

TEST(SimSharding, EachCoreFindsItsOwnShardsWithIsLocalPage) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto &cq = mesh->mesh_command_queue();
    // 5 x 5 tiles in 2 x 2 shards over 4 cores: shard s (row-major over a 3 x 3 grid) on core s % 4.
    const CoreRange cores({0, 0}, {1, 1});
    auto sharded = sharded_buffer(mesh.get(), Shape({5, 5}), Shape({2, 2}), CoreRangeSet(cores));
    auto result = distributed::MeshBuffer::create(
        distributed::ReplicatedBufferConfig{.size = 4 * 32},
        distributed::DeviceLocalBufferConfig{.page_size = 32, .buffer_type = BufferType::DRAM}, mesh.get());
    Program program = CreateProgram();
    CreateCircularBuffer(
        program, cores,
        CircularBufferConfig(32, {{tt::CBIndex::c_0, tt::DataFormat::Float32}}).set_page_size(tt::CBIndex::c_0, 32));
    std::vector<uint32_t> compile_args;
    TensorAccessorArgs(*sharded).append_to(compile_args);
    TensorAccessorArgs(*result).append_to(compile_args);
    const KernelHandle k =
        CreateKernel(program, kernel("sharded_local_pages.cpp"), cores, ReaderDataMovementConfig(compile_args));
    const std::vector<CoreCoord> order = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (uint32_t i = 0; i < order.size(); ++i)
        SetRuntimeArgs(program, k, order[i],
                       {static_cast<uint32_t>(sharded->address()), 25u, static_cast<uint32_t>(result->address()), i});
    distributed::MeshWorkload workload;
    workload.add_program(distributed::MeshCoordinateRange(mesh->shape()), std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, true);
    std::vector<uint32_t> got;
    distributed::EnqueueReadMeshBuffer(cq, got, result, true);
    // By hand: the page at (r, c) is in shard (r / 2) * 3 + c / 2, on core that % 4.
    for (uint32_t core = 0; core < 4; ++core) {
        uint32_t count = 0, sum = 0;
        for (uint32_t page = 0; page < 25; ++page)
            if (((page / 5) / 2 * 3 + (page % 5) / 2) % 4 == core) ++count, sum += page;
        SCOPED_TRACE(core);
        EXPECT_EQ(got[core * 8 + 0], count);
        EXPECT_EQ(got[core * 8 + 1], sum);
        EXPECT_EQ(got[core * 8 + 2], 25u);
    }
}

TEST(SimSharding, AShardedBufferThatDoesNotFitInL1IsAnError) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    // 1024 tiles of 2 KiB on one core: 2 MiB, more than a core's L1.
    try {
        sharded_buffer(mesh.get(), Shape({32, 32}), Shape({32, 32}), CoreRangeSet(CoreRange({0, 0}, {0, 0})));
        FAIL() << "expected an L1 overflow";
    } catch (const tt::Error &e) {
        EXPECT_NE(std::string(e.what()).find("out of L1"), std::string::npos) << e.what();
    }
    // A distribution that does not cover the buffer's pages is refused.
    auto distribution = BufferDistributionSpec(Shape({2, 2}), Shape({1, 1}), CoreRangeSet(CoreRange({0, 0}, {1, 0})),
                                               ShardOrientation::ROW_MAJOR);
    EXPECT_THROW(Buffer::create(mesh.get(), 8 * kTile, kTile, BufferType::L1, BufferShardingArgs(distribution)),
                 tt::Error);
    EXPECT_THROW(Buffer::create(mesh.get(), 4 * kTile, kTile, BufferType::DRAM, BufferShardingArgs(distribution)),
                 tt::Error);
}

}  // namespace
