/*! \file host.hpp
 *  \brief TT-Metalium's host API (tt-metalium/host_api.hpp, distributed.hpp and the headers they
 *  pull in), simulated. A host program written for the release compiles unchanged against these
 *  headers and links libtt_metal_sim; docs/metalium_api.md lists each function and its header.
 *
 *  Every function declared here and defined out of line (in cpp/sim/host.cc) has the exact
 *  signature, and so the link name, that libtt_metal.so v0.67.4 exports; anything else is inline,
 *  so a host program built here links against the release unchanged. Device queries are virtual,
 *  as in the release, and reached through the object.
 *
 *  The simulated device is chosen by the TT_SIM_DEVICE environment variable (default "n150"; any
 *  name tilelang-tt's device table accepts). Programs run synchronously inside EnqueueMeshWorkload
 *  (Mesh API) or detail::LaunchProgram (slow-dispatch path).
 */
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include <fmt/base.h>

#include "hostdevcommon/common_values.hpp"
#include "hostdevcommon/tensor_accessor/arg_config.hpp"
#include "tt-metalium/buffer_distribution_spec.hpp"
#include "tt-metalium/buffer_types.hpp"
#include "tt_sim/core_coord.hpp"
#include "tt_sim/formats.h"
#include "tt_stl/assert.hpp"

namespace tt_sim {
struct DeviceState;
struct ProgramState;
struct BufferState;
}  // namespace tt_sim

namespace ttsl {
/*! \brief A value of type T that only converts explicitly (tt_stl/strong_type.hpp); Tag makes each
 *  use a distinct type, which is part of the link names of calls taking one. */
template <typename T, typename Tag>
class StrongType {
public:
    constexpr StrongType() = default;
    constexpr explicit StrongType(T value) : value_(value) {
    }
    constexpr const T &operator*() const {
        return value_;
    }
    constexpr bool operator==(const StrongType &) const = default;

private:
    T value_{};
};
}  // namespace ttsl

namespace tt {
namespace stl = ::ttsl;

/*! \brief Chip architecture (TT-Metalium's tt::ARCH). */
enum class ARCH { GRAYSKULL = 1, WORMHOLE_B0 = 2, BLACKHOLE = 3, Invalid = 0xFF };

/*! \brief Kind of a core of the chip (UMD's tt::CoreType). */
enum class CoreType {
    ARC, DRAM, ACTIVE_ETH, IDLE_ETH, PCIE, TENSIX, ROUTER_ONLY, SECURITY, L2CPU, HARVESTED, ETH, WORKER, COUNT
};
}  // namespace tt

namespace tt::tt_metal {

namespace distributed {
class MeshBuffer;
}  // namespace distributed

using ::MathFidelity;
using ChipId = int;
using DeviceAddr = uint64_t;
using KernelHandle = uint32_t;
using CBHandle = uintptr_t;
using SubDeviceId = ttsl::StrongType<uint8_t, struct SubDeviceIdTag>;

enum class DataMovementProcessor { RISCV_0 = 0, RISCV_1 = 1 };
enum NOC : uint8_t { RISCV_0_default = 0, RISCV_1_default = 1, NOC_0 = 0, NOC_1 = 1 };
enum NOC_MODE : uint8_t { DM_DEDICATED_NOC = 0, DM_DYNAMIC_NOC = 1 };
/*! \brief How a compute kernel unpacks one CB (ComputeConfig::unpack_to_dest_mode, one entry per CB
 *  index): UnpackToDestFp32 moves Float32 tiles straight into a float32 DST at full precision, but
 *  the source registers (19 bits, tf32) can then no longer take them; Default unpacks through them. */
enum class UnpackToDestMode : uint8_t { UnpackToDestFp32, Default };
enum class KernelBuildOptLevel : uint8_t { O1, O2, O3, O0, Os, Ofast, Oz };

enum class DispatchCoreType : uint32_t { WORKER, ETH, COUNT };
enum class DispatchCoreAxis { ROW, COL, COUNT };
/*! \brief Where the command-queue dispatch kernels run (dispatch_core_common.hpp). The simulator
 *  dispatches synchronously and keeps the value only for source compatibility. */
class DispatchCoreConfig {
public:
    DispatchCoreConfig() = default;
    DispatchCoreConfig(DispatchCoreType type) : type_(type) {  // NOLINT: implicit as released
    }
    DispatchCoreConfig(DispatchCoreType type, DispatchCoreAxis axis) : type_(type), axis_(axis) {
    }
    DispatchCoreType get_dispatch_core_type() const {
        return type_;
    }
    DispatchCoreAxis get_dispatch_core_axis() const {
        return axis_;
    }

private:
    DispatchCoreType type_ = DispatchCoreType::WORKER;
    DispatchCoreAxis axis_ = DispatchCoreAxis::ROW;
};

/*! \brief Reader/writer kernel configuration (kernel_types.hpp); member order as in the release. */
struct DataMovementConfig {
    DataMovementProcessor processor = DataMovementProcessor::RISCV_0;
    NOC noc = NOC::RISCV_0_default;
    NOC_MODE noc_mode = NOC_MODE::DM_DEDICATED_NOC;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
    std::unordered_map<std::string, uint32_t> named_compile_args;
    KernelBuildOptLevel opt_level = KernelBuildOptLevel::O2;
};

/*! \brief DataMovementConfig on RISCV_1 / NOC_0, the release's default reader placement. */
struct ReaderDataMovementConfig : public DataMovementConfig {
    ReaderDataMovementConfig(std::vector<uint32_t> compile_args = {}, std::map<std::string, std::string> defines = {},
                             std::unordered_map<std::string, uint32_t> named_compile_args = {},
                             KernelBuildOptLevel opt_level = KernelBuildOptLevel::O2);
};
/*! \brief DataMovementConfig on RISCV_0 / NOC_1, the release's default writer placement. */
struct WriterDataMovementConfig : public DataMovementConfig {
    WriterDataMovementConfig(std::vector<uint32_t> compile_args = {}, std::map<std::string, std::string> defines = {},
                             std::unordered_map<std::string, uint32_t> named_compile_args = {},
                             KernelBuildOptLevel opt_level = KernelBuildOptLevel::O2);
};

/*! \brief Compute kernel configuration (kernel_types.hpp); member order as in the release. */
struct ComputeConfig {
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    bool fp32_dest_acc_en = false;
    bool dst_full_sync_en = false;
    std::vector<UnpackToDestMode> unpack_to_dest_mode;
    bool bfp8_pack_precise = false;
    bool math_approx_mode = false;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
    std::unordered_map<std::string, uint32_t> named_compile_args;
    KernelBuildOptLevel opt_level = KernelBuildOptLevel::O3;
};

/*! \brief Ethernet kernels are not simulated; creating one raises a ValidationError. */
struct EthernetConfig {
    NOC noc = NOC::NOC_0;
    std::vector<uint32_t> compile_args;
    std::map<std::string, std::string> defines;
};

/*! \brief Circular-buffer configuration (circular_buffer_config.hpp). */
class CircularBufferConfig {
public:
    CircularBufferConfig(uint32_t total_size, const std::map<uint8_t, tt::DataFormat> &data_format_spec);
    explicit CircularBufferConfig(uint32_t total_size);
    CircularBufferConfig &set_page_size(uint8_t buffer_index, uint32_t page_size);
    CircularBufferConfig &set_total_size(uint32_t total_size);

    uint32_t total_size() const {
        return total_size_;
    }
    const std::map<uint8_t, tt::DataFormat> &data_formats() const {
        return formats_;
    }
    const std::map<uint8_t, uint32_t> &page_sizes() const {
        return page_sizes_;
    }

private:
    uint32_t total_size_;
    std::map<uint8_t, tt::DataFormat> formats_;
    std::map<uint8_t, uint32_t> page_sizes_;
};

/*! \brief A program: kernels, circular buffers, semaphores and runtime arguments for a set of cores. */
class Program {
public:
    Program();
    Program(Program &&other) noexcept;
    Program &operator=(Program &&other) noexcept;
    Program(const Program &) = delete;
    Program &operator=(const Program &) = delete;
    ~Program();

    std::shared_ptr<tt_sim::ProgramState> state_;
};

/*! \brief Indexable view of one core's runtime arguments (runtime_args_data.hpp). */
struct RuntimeArgsData {
    uint32_t *rt_args_data = nullptr;
    std::size_t rt_args_count = 0;

    uint32_t &operator[](std::size_t index) {
        return rt_args_data[index];
    }
    const uint32_t &operator[](std::size_t index) const {
        return rt_args_data[index];
    }
    uint32_t &at(std::size_t index) {
        TT_FATAL(index < rt_args_count, "runtime argument {} of {}", index, rt_args_count);
        return rt_args_data[index];
    }
    std::size_t size() const {
        return rt_args_count;
    }
    uint32_t *data() {
        return rt_args_data;
    }
};

/*! \brief A device (one chip). Its queries are virtual, as in the release, so a host program calls
 *  them through the object and never by name. */
class IDevice {
public:
    explicit IDevice(std::shared_ptr<tt_sim::DeviceState> state);
    virtual ~IDevice();
    virtual tt::ARCH arch() const;
    virtual ChipId id() const;
    /*! \brief Size of the worker grid available to programs. */
    virtual CoreCoord compute_with_storage_grid_size() const;
    virtual CoreCoord logical_grid_size() const;
    /*! \brief Physical NoC coordinates of a logical worker core (what kernels pass to get_noc_addr). */
    virtual CoreCoord worker_core_from_logical_core(const CoreCoord &logical_core) const;
    virtual CoreCoord virtual_core_from_logical_core(const CoreCoord &logical_core, const CoreType &core_type) const;
    virtual uint32_t num_dram_channels() const;
    virtual uint32_t l1_size_per_core() const;
    virtual uint32_t dram_size_per_channel() const;
    virtual uint32_t get_noc_unicast_encoding(uint8_t noc_index, const CoreCoord &core) const;
    virtual uint32_t get_noc_multicast_encoding(uint8_t noc_index, const CoreRange &cores) const;

    std::shared_ptr<tt_sim::DeviceState> state_;
};

/*! \brief Legacy 2D sharding of a tensor (buffer.hpp): the core grid and the shard shape in elements. */
struct ShardSpec {
    CoreRangeSet grid;
    std::array<uint32_t, 2> shape;
    ShardOrientation orientation = ShardOrientation::ROW_MAJOR;

    ShardSpec(const CoreRangeSet &core_sets_, const std::array<uint32_t, 2> &shard_shape_,
              const ShardOrientation &shard_orientation_ = ShardOrientation::ROW_MAJOR)
        : grid(core_sets_), shape(shard_shape_), orientation(shard_orientation_) {
    }
    uint32_t num_cores() const {
        return grid.num_cores();
    }
    uint32_t numel() const {
        return shape[0] * shape[1];
    }
    bool operator==(const ShardSpec &other) const;
    bool operator!=(const ShardSpec &other) const;
};

/*! \brief A ShardSpec with its page shape and the tensor's 2D shape in pages (buffer.hpp). */
struct ShardSpecBuffer {
    ShardSpec tensor_shard_spec;
    std::array<uint32_t, 2> page_shape{};
    std::array<uint32_t, 2> tensor2d_shape_in_pages{};
    ShardSpecBuffer(const CoreRangeSet &core_sets_, const std::array<uint32_t, 2> &shard_shape_,
                    const ShardOrientation &shard_orientation_, const std::array<uint32_t, 2> &page_shape,
                    const std::array<uint32_t, 2> &tensor2d_shape_in_pages)
        : tensor_shard_spec(core_sets_, shard_shape_, shard_orientation_), page_shape(page_shape),
          tensor2d_shape_in_pages(tensor2d_shape_in_pages) {
    }
    ShardSpecBuffer(const ShardSpec &shard_spec, const std::array<uint32_t, 2> &page_shape,
                    const std::array<uint32_t, 2> &tensor2d_shape_in_pages)
        : tensor_shard_spec(shard_spec), page_shape(page_shape), tensor2d_shape_in_pages(tensor2d_shape_in_pages) {
    }
    CoreRangeSet grid() const {
        return tensor_shard_spec.grid;
    }
    std::array<uint32_t, 2> shape() const {
        return tensor_shard_spec.shape;
    }
    ShardOrientation orientation() const {
        return tensor_shard_spec.orientation;
    }
    void set_shard_spec(const ShardSpec &shard_spec) {
        tensor_shard_spec = shard_spec;
    }
    /*! \brief The shard's shape in pages. */
    std::array<uint32_t, 2> shape_in_pages() const;
    DeviceAddr num_pages() const;
};

/*! \brief How a buffer is sharded (buffer.hpp): an ND BufferDistributionSpec, a legacy
 *  ShardSpecBuffer with its layout, or nothing (interleaved). The simulator allocates buffers with
 *  a BufferDistributionSpec; a legacy ShardSpecBuffer alone is refused. */
class BufferShardingArgs {
public:
    BufferShardingArgs() = default;
    BufferShardingArgs(std::nullopt_t) {  // NOLINT: implicit as released
    }
    BufferShardingArgs(BufferDistributionSpec buffer_distribution_spec)  // NOLINT: implicit as released
        : buffer_distribution_spec_(std::move(buffer_distribution_spec)), buffer_layout_(TensorMemoryLayout::BLOCK_SHARDED) {
    }
    BufferShardingArgs(std::optional<BufferDistributionSpec> buffer_distribution_spec)  // NOLINT
        : buffer_distribution_spec_(std::move(buffer_distribution_spec)),
          buffer_layout_(buffer_distribution_spec_ ? TensorMemoryLayout::BLOCK_SHARDED : TensorMemoryLayout::INTERLEAVED) {
    }
    BufferShardingArgs(ShardSpecBuffer shard_spec, TensorMemoryLayout buffer_layout)
        : shard_spec_(std::move(shard_spec)), buffer_layout_(buffer_layout) {
    }
    BufferShardingArgs(std::optional<ShardSpecBuffer> shard_spec, TensorMemoryLayout buffer_layout)
        : shard_spec_(std::move(shard_spec)), buffer_layout_(buffer_layout) {
    }
    BufferShardingArgs(std::optional<BufferDistributionSpec> buffer_distribution_spec,
                       std::optional<ShardSpecBuffer> shard_spec, TensorMemoryLayout buffer_layout)
        : buffer_distribution_spec_(std::move(buffer_distribution_spec)), shard_spec_(std::move(shard_spec)),
          buffer_layout_(buffer_layout) {
    }
    const std::optional<BufferDistributionSpec> &buffer_distribution_spec() const {
        return buffer_distribution_spec_;
    }
    const std::optional<ShardSpecBuffer> &shard_spec() const {
        return shard_spec_;
    }
    TensorMemoryLayout buffer_layout() const {
        return buffer_layout_;
    }

private:
    std::optional<BufferDistributionSpec> buffer_distribution_spec_;
    std::optional<ShardSpecBuffer> shard_spec_;
    TensorMemoryLayout buffer_layout_ = TensorMemoryLayout::INTERLEAVED;
};

/*! \brief A device buffer: pages interleaved over the DRAM banks or the L1 of every worker core,
 *  or (with a BufferDistributionSpec) sharded over the L1 of the spec's cores. */
class Buffer {
public:
    explicit Buffer(std::shared_ptr<tt_sim::BufferState> state);
    ~Buffer();
    /*! \brief Allocates a buffer; L1 buffers may be sharded by a BufferDistributionSpec. */
    static std::shared_ptr<Buffer> create(IDevice *device, DeviceAddr size, DeviceAddr page_size, BufferType buffer_type,
                                          const BufferShardingArgs &sharding_args = std::nullopt,
                                          std::optional<bool> bottom_up = std::nullopt,
                                          std::optional<SubDeviceId> sub_device_id = std::nullopt);
    DeviceAddr address() const;
    DeviceAddr size() const {
        return size_;
    }
    DeviceAddr page_size() const;
    DeviceAddr aligned_page_size() const;
    uint32_t num_pages() const;
    BufferType buffer_type() const {
        return type_;
    }
    bool is_dram() const;
    bool is_l1() const;
    TensorMemoryLayout buffer_layout() const {
        return buffer_distribution_spec() ? TensorMemoryLayout::BLOCK_SHARDED : TensorMemoryLayout::INTERLEAVED;
    }
    /*! \brief The ND sharding of the buffer; empty for an interleaved one. */
    const std::optional<BufferDistributionSpec> &buffer_distribution_spec() const;

    std::shared_ptr<tt_sim::BufferState> state_;

private:
    DeviceAddr size_;
    BufferType type_;
};

/*! \brief Host-side arguments describing how a kernel reaches a buffer (tensor_accessor_args.hpp):
 *  the ArgsConfig word and the aligned page size; for a sharded buffer then its rank, number of
 *  banks, tensor and shard shapes in pages and bank NoC coordinates (two per word), each among the
 *  compile-time words or, when the ArgsConfig says Runtime*, the common runtime words. */
class TensorAccessorArgs {
public:
    TensorAccessorArgs() = default;
    explicit TensorAccessorArgs(const Buffer &buffer,
                                tensor_accessor::ArgsConfig args_config = tensor_accessor::ArgConfig::None);
    explicit TensorAccessorArgs(const Buffer *buffer,
                                tensor_accessor::ArgsConfig args_config = tensor_accessor::ArgConfig::None);
    explicit TensorAccessorArgs(const std::shared_ptr<Buffer> &buffer,
                                tensor_accessor::ArgsConfig args_config = tensor_accessor::ArgConfig::None);
    explicit TensorAccessorArgs(const distributed::MeshBuffer &buffer,
                                tensor_accessor::ArgsConfig args_config = tensor_accessor::ArgConfig::None);
    explicit TensorAccessorArgs(const distributed::MeshBuffer *buffer,
                                tensor_accessor::ArgsConfig args_config = tensor_accessor::ArgConfig::None);
    explicit TensorAccessorArgs(const std::shared_ptr<distributed::MeshBuffer> &buffer,
                                tensor_accessor::ArgsConfig args_config = tensor_accessor::ArgConfig::None);
    /*! \brief Append this tensor's compile-time words to `compile_time_args`. */
    void append_to(std::vector<uint32_t> &compile_time_args) const;
    void append_to(std::vector<uint32_t> &compile_time_args, std::vector<uint32_t> &common_runtime_args) const;
    std::vector<uint32_t> get_compile_time_args() const;
    std::vector<uint32_t> get_common_runtime_args() const;

    static constexpr size_t MAX_NUM_DIMENSIONS = 8;

private:
    /*! \brief Appends the words that are (`runtime`) or are not common runtime arguments. */
    void append_words(std::vector<uint32_t> &words, bool runtime) const;

    const Buffer *buffer_ = nullptr;
    tensor_accessor::ArgsConfig config_;
};

/*! \brief An interleaved buffer's description (buffer.hpp); InterleavedBufferConfig names it. */
struct BufferConfig {
    IDevice *device;
    DeviceAddr size;
    DeviceAddr page_size;
    BufferType buffer_type;
};
using InterleavedBufferConfig = BufferConfig;

IDevice *CreateDevice(ChipId device_id, uint8_t num_hw_cqs = 1, std::size_t l1_small_size = DEFAULT_L1_SMALL_SIZE,
                      std::size_t trace_region_size = DEFAULT_TRACE_REGION_SIZE,
                      const DispatchCoreConfig &dispatch_core_config = DispatchCoreConfig{},
                      const std::vector<uint32_t> &l1_bank_remap = {},
                      std::size_t worker_l1_size = DEFAULT_WORKER_L1_SIZE);
bool CloseDevice(IDevice *device);

Program CreateProgram();
KernelHandle CreateKernel(Program &program, const std::string &file_name,
                          const std::variant<CoreCoord, CoreRange, CoreRangeSet> &core_spec,
                          const std::variant<DataMovementConfig, ComputeConfig> &config);
KernelHandle CreateKernel(Program &program, const std::string &file_name,
                          const std::variant<CoreCoord, CoreRange, CoreRangeSet> &core_spec,
                          const EthernetConfig &config);
CBHandle CreateCircularBuffer(Program &program, const std::variant<CoreCoord, CoreRange, CoreRangeSet> &core_spec,
                              const CircularBufferConfig &config);
uint32_t CreateSemaphore(Program &program, const std::variant<CoreRange, CoreRangeSet> &core_spec,
                         uint32_t initial_value);
uint32_t CreateSemaphore(Program &program, const std::variant<CoreRange, CoreRangeSet> &core_spec,
                         uint32_t initial_value, CoreType core_type);
std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig &config);

void SetRuntimeArgs(const Program &program, KernelHandle kernel,
                    const std::variant<CoreCoord, CoreRange, CoreRangeSet> &core_spec,
                    std::span<const uint32_t> runtime_args);
void SetRuntimeArgs(const Program &program, KernelHandle kernel,
                    const std::variant<CoreCoord, CoreRange, CoreRangeSet> &core_spec,
                    std::initializer_list<uint32_t> runtime_args);
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const std::vector<CoreCoord> &core_spec,
                    const std::vector<std::vector<uint32_t>> &runtime_args);
void SetCommonRuntimeArgs(const Program &program, KernelHandle kernel, std::span<const uint32_t> runtime_args);
void SetCommonRuntimeArgs(const Program &program, KernelHandle kernel, std::initializer_list<uint32_t> runtime_args);
RuntimeArgsData &GetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreCoord &logical_core);
RuntimeArgsData &GetCommonRuntimeArgs(const Program &program, KernelHandle kernel);

/*! \brief The slow-dispatch path of tt-metalium/tt_metal.hpp: direct buffer transfers and a
 *  blocking program launch on a device from CreateDevice. */
namespace detail {
void WriteToBuffer(Buffer &buffer, std::span<const uint8_t> host_buffer);
void ReadFromBuffer(Buffer &buffer, uint8_t *host_buffer);
void ReadFromBuffer(const std::shared_ptr<Buffer> &buffer, std::vector<uint32_t> &host_buffer);
void LaunchProgram(IDevice *device, Program &program, bool wait_until_cores_done = true,
                   bool force_slow_dispatch = false);

template <typename DType>
void WriteToBuffer(const std::shared_ptr<Buffer> &buffer, const std::vector<DType> &host_buffer) {
    WriteToBuffer(*buffer, std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(host_buffer.data()),
                                                    host_buffer.size() * sizeof(DType)));
}
template <typename DType>
void ReadFromBuffer(const std::shared_ptr<Buffer> &buffer, std::vector<DType> &host_buffer) {
    host_buffer.resize(buffer->size() / sizeof(DType));
    ReadFromBuffer(*buffer, reinterpret_cast<uint8_t *>(host_buffer.data()));
}
}  // namespace detail

namespace distributed {

/*! \brief Shape of a mesh of devices; the simulator models 1x1 meshes. */
class MeshShape {
public:
    MeshShape(uint32_t rows, uint32_t cols) : dims_{rows, cols} {
    }
    std::size_t dims() const {
        return 2;
    }
    uint32_t operator[](int32_t dim) const {
        return dims_.at(static_cast<std::size_t>(dim));
    }
    std::size_t mesh_size() const {
        return std::size_t(dims_[0]) * dims_[1];
    }
    bool operator==(const MeshShape &) const = default;

private:
    std::array<uint32_t, 2> dims_;
};

/*! \brief A device's position in a mesh. */
class MeshCoordinate {
public:
    MeshCoordinate(uint32_t row, uint32_t col) : coords_{row, col} {
    }
    std::size_t dims() const {
        return 2;
    }
    uint32_t operator[](int32_t dim) const {
        return coords_.at(static_cast<std::size_t>(dim));
    }
    bool operator==(const MeshCoordinate &) const = default;

private:
    std::array<uint32_t, 2> coords_;
};

/*! \brief An inclusive box of mesh coordinates. */
class MeshCoordinateRange {
public:
    explicit MeshCoordinateRange(const MeshShape &shape)
        : start_(0, 0), end_(shape[0] - 1, shape[1] - 1) {
    }
    MeshCoordinateRange(const MeshCoordinate &start, const MeshCoordinate &end) : start_(start), end_(end) {
    }
    const MeshCoordinate &start_coord() const {
        return start_;
    }
    const MeshCoordinate &end_coord() const {
        return end_;
    }
    bool operator==(const MeshCoordinateRange &) const = default;

private:
    MeshCoordinate start_;
    MeshCoordinate end_;
};

}  // namespace distributed
}  // namespace tt::tt_metal

template <>
struct std::hash<tt::tt_metal::distributed::MeshCoordinateRange> {
    std::size_t operator()(const tt::tt_metal::distributed::MeshCoordinateRange &range) const noexcept {
        std::size_t h = 0;
        for (const auto *c : {&range.start_coord(), &range.end_coord()})
            for (int32_t d = 0; d < 2; ++d) h = h * 1000003u + (*c)[d];
        return h;
    }
};

namespace tt::tt_metal::distributed {

class MeshCommandQueue;

/*! \brief A mesh of devices; create_unit_mesh opens the one simulated chip. */
class MeshDevice : public IDevice {
public:
    MeshDevice(std::shared_ptr<tt_sim::DeviceState> state);
    ~MeshDevice() override;
    static std::shared_ptr<MeshDevice> create_unit_mesh(
        int device_id, std::size_t l1_small_size = DEFAULT_L1_SMALL_SIZE,
        std::size_t trace_region_size = DEFAULT_TRACE_REGION_SIZE, std::size_t num_command_queues = 1,
        const DispatchCoreConfig &dispatch_core_config = DispatchCoreConfig{},
        std::span<const std::uint32_t> l1_bank_remap = {}, std::size_t worker_l1_size = DEFAULT_WORKER_L1_SIZE);
    MeshCommandQueue &mesh_command_queue(std::optional<uint8_t> cq_id = std::nullopt) const;
    const MeshShape &shape() const;
    std::size_t num_devices() const;
    bool close();

private:
    MeshShape shape_{1, 1};
    std::unique_ptr<MeshCommandQueue> queue_;
};

class MeshCommandQueue {
public:
    explicit MeshCommandQueue(MeshDevice *device) : device_(device) {
    }
    MeshDevice *device() const {
        return device_;
    }

private:
    MeshDevice *device_;
};

struct ReplicatedBufferConfig {
    DeviceAddr size = 0;
};
/*! \brief A buffer split into shards over the mesh; the simulator's 1x1 meshes do not model it. */
struct ShardedBufferConfig {
    DeviceAddr global_size = 0;
    std::pair<std::size_t, std::size_t> global_buffer_shape;
    std::pair<std::size_t, std::size_t> shard_shape;
};
/*! \brief How a mesh buffer lies on each device (mesh_buffer.hpp); members in the release's order. */
struct DeviceLocalBufferConfig {
    DeviceAddr page_size = 0;
    BufferType buffer_type = BufferType::DRAM;
    BufferShardingArgs sharding_args;
    std::optional<bool> bottom_up;
    std::optional<SubDeviceId> sub_device_id = std::nullopt;
};

/*! \brief A buffer allocated at the same address on every device of a mesh. */
class MeshBuffer {
public:
    static std::shared_ptr<MeshBuffer> create(
        const std::variant<ReplicatedBufferConfig, ShardedBufferConfig> &mesh_buffer_config,
        const DeviceLocalBufferConfig &device_local_config, MeshDevice *mesh_device,
        std::optional<DeviceAddr> address = std::nullopt);
    ~MeshBuffer();
    DeviceAddr address() const {
        return get_reference_buffer()->address();
    }
    DeviceAddr size() const;
    MeshDevice *device() const;
    Buffer *get_reference_buffer() const;
    Buffer *get_device_buffer(const MeshCoordinate &device_coord) const;

    std::shared_ptr<Buffer> buffer_;
    MeshDevice *device_ = nullptr;
};

/*! \brief Programs to run on ranges of devices of a mesh. */
class MeshWorkload {
public:
    /*! \brief Run `program` on the devices of `device_range`; a range takes one program. */
    void add_program(const MeshCoordinateRange &device_range, Program &&program);
    std::unordered_map<MeshCoordinateRange, Program> &get_programs();

private:
    std::unordered_map<MeshCoordinateRange, Program> programs_;
};

/*! \brief Run every program of `workload` to completion (the simulator is synchronous). */
void EnqueueMeshWorkload(MeshCommandQueue &mesh_cq, MeshWorkload &mesh_workload, bool blocking);
void Finish(MeshCommandQueue &mesh_cq, std::span<const SubDeviceId> sub_device_ids = {});

template <typename DType>
void EnqueueWriteMeshBuffer(MeshCommandQueue &, std::shared_ptr<MeshBuffer> &mesh_buffer, const std::vector<DType> &src,
                            bool blocking = false) {
    (void)blocking;
    TT_FATAL(src.size() * sizeof(DType) <= mesh_buffer->size(), "writing {} bytes into a buffer of {} bytes",
             src.size() * sizeof(DType), mesh_buffer->size());
    tt::tt_metal::detail::WriteToBuffer(
        *mesh_buffer->get_reference_buffer(),
        std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(src.data()), src.size() * sizeof(DType)));
}
template <typename DType>
void EnqueueReadMeshBuffer(MeshCommandQueue &, std::vector<DType> &dst, std::shared_ptr<MeshBuffer> &mesh_buffer,
                           bool blocking = true) {
    (void)blocking;
    dst.resize(mesh_buffer->size() / sizeof(DType));
    tt::tt_metal::detail::ReadFromBuffer(*mesh_buffer->get_reference_buffer(), reinterpret_cast<uint8_t *>(dst.data()));
}
template <typename DType>
void WriteShard(MeshCommandQueue &mesh_cq, std::shared_ptr<MeshBuffer> &mesh_buffer, std::vector<DType> &src,
                const MeshCoordinate &, bool blocking = false) {
    EnqueueWriteMeshBuffer(mesh_cq, mesh_buffer, src, blocking);
}
template <typename DType>
void ReadShard(MeshCommandQueue &mesh_cq, std::vector<DType> &dst, std::shared_ptr<MeshBuffer> &mesh_buffer,
               const MeshCoordinate &, bool blocking = true) {
    EnqueueReadMeshBuffer(mesh_cq, dst, mesh_buffer, blocking);
}

}  // namespace tt::tt_metal::distributed
