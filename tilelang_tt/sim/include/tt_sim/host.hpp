/*! \file host.hpp
 *  \brief TT-Metalium's host API (tt-metalium/host_api.hpp, distributed.hpp and the headers they
 *  pull in), simulated. A host program written for the release compiles unchanged against these
 *  headers and links libtt_metal_sim; docs/metalium_api.md lists each function and its header.
 *
 *  The simulated device is chosen by the TT_SIM_DEVICE environment variable (default "n150"; any
 *  name tilelang-tt's device table accepts). Programs run synchronously inside EnqueueMeshWorkload.
 */
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "tt_sim/core_coord.hpp"
#include "tt_sim/formats.h"

namespace tt_sim {
struct DeviceState;
struct ProgramState;
struct BufferState;
}  // namespace tt_sim

namespace tt {
/*! \brief Chip architecture (TT-Metalium's tt::ARCH). */
enum class ARCH { GRAYSKULL = 1, WORMHOLE_B0 = 2, BLACKHOLE = 3, Invalid = 0xFF };
}  // namespace tt

namespace tt::tt_metal {

using DeviceAddr = uint64_t;
using KernelHandle = uint32_t;
using CBHandle = uintptr_t;

enum class BufferType { DRAM, L1, SYSTEM_MEMORY, L1_SMALL, TRACE };
enum class DataMovementProcessor { RISCV_0 = 0, RISCV_1 = 1 };
enum NOC : uint8_t { RISCV_0_default = 0, RISCV_1_default = 1, NOC_0 = 0, NOC_1 = 1 };
enum NOC_MODE : uint8_t { DM_DEDICATED_NOC = 0, DM_DYNAMIC_NOC = 1 };
enum class CoreType { WORKER, ETH, DRAM, PCIE, ARC, HARVESTED, ROUTER_ONLY, ACTIVE_ETH, IDLE_ETH, TENSIX };
enum class UnpackToDestMode : uint8_t { Default, UnpackToDestFp32 };
enum class KernelBuildOptLevel : uint8_t { O1, O2, O3, O0, Os, Ofast, Oz };

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
                             std::unordered_map<std::string, uint32_t> named_compile_args = {});
};
/*! \brief DataMovementConfig on RISCV_0 / NOC_1, the release's default writer placement. */
struct WriterDataMovementConfig : public DataMovementConfig {
    WriterDataMovementConfig(std::vector<uint32_t> compile_args = {}, std::map<std::string, std::string> defines = {},
                             std::unordered_map<std::string, uint32_t> named_compile_args = {});
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

using CoreSpec = std::variant<CoreCoord, CoreRange, CoreRangeSet>;

/*! \brief Circular-buffer configuration (circular_buffer_config.hpp). */
class CircularBufferConfig {
public:
    CircularBufferConfig(uint32_t total_size, const std::map<uint8_t, tt::DataFormat> &data_format_spec);
    CircularBufferConfig(uint32_t total_size);
    CircularBufferConfig &set_page_size(uint8_t buffer_index, uint32_t page_size);
    CircularBufferConfig &set_total_size(uint32_t total_size);
    CircularBufferConfig &set_data_format(uint8_t buffer_index, tt::DataFormat data_format);
    CircularBufferConfig &index(uint8_t buffer_index);  // kept for source compatibility; no-op

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
    Program(Program &&) noexcept = default;
    Program &operator=(Program &&) noexcept = default;
    Program(const Program &) = delete;
    Program &operator=(const Program &) = delete;
    ~Program();

    std::shared_ptr<tt_sim::ProgramState> state_;
};

/*! \brief Indexable view of one core's runtime arguments (GetRuntimeArgs). */
class RuntimeArgsData {
public:
    explicit RuntimeArgsData(std::vector<uint32_t> &args) : args_(&args) {
    }
    uint32_t &operator[](std::size_t i) {
        return args_->at(i);
    }
    std::size_t size() const {
        return args_->size();
    }
    uint32_t *data() {
        return args_->data();
    }

private:
    std::vector<uint32_t> *args_;
};

/*! \brief A device (one chip). */
class IDevice {
public:
    explicit IDevice(std::shared_ptr<tt_sim::DeviceState> state);
    virtual ~IDevice();
    tt::ARCH arch() const;
    int id() const {
        return 0;
    }
    /*! \brief Size of the worker grid available to programs. */
    CoreCoord compute_with_storage_grid_size() const;
    CoreCoord logical_grid_size() const {
        return compute_with_storage_grid_size();
    }
    /*! \brief Physical NoC coordinates of a logical worker core (what kernels pass to get_noc_addr). */
    CoreCoord worker_core_from_logical_core(const CoreCoord &logical_core) const;
    CoreCoord virtual_core_from_logical_core(const CoreCoord &logical_core, CoreType core_type) const;
    uint32_t num_dram_channels() const;
    uint32_t l1_size_per_core() const;
    uint32_t dram_size_per_channel() const;
    uint32_t get_noc_unicast_encoding(uint8_t noc_index, const CoreCoord &core) const;

    std::shared_ptr<tt_sim::DeviceState> state_;
};

/*! \brief A device buffer: interleaved pages in DRAM or in the L1 of every worker core. */
class Buffer {
public:
    explicit Buffer(std::shared_ptr<tt_sim::BufferState> state);
    ~Buffer();
    DeviceAddr address() const;
    DeviceAddr size() const;
    DeviceAddr page_size() const;
    uint32_t num_pages() const;
    BufferType buffer_type() const;
    bool is_dram() const {
        return buffer_type() == BufferType::DRAM;
    }
    bool is_l1() const {
        return buffer_type() == BufferType::L1;
    }

    std::shared_ptr<tt_sim::BufferState> state_;
};

/*! \brief Host-side arguments describing how a kernel reaches a buffer (tensor_accessor_args.hpp). */
class TensorAccessorArgs {
public:
    TensorAccessorArgs() = default;
    explicit TensorAccessorArgs(const Buffer &buffer);
    explicit TensorAccessorArgs(const std::shared_ptr<Buffer> &buffer) : TensorAccessorArgs(*buffer) {
    }
    template <typename MeshBufferLike, typename = decltype(std::declval<const MeshBufferLike &>().get_reference_buffer())>
    explicit TensorAccessorArgs(const MeshBufferLike &buffer) : TensorAccessorArgs(*buffer.get_reference_buffer()) {
    }
    /*! \brief Append this tensor's compile-time words to `compile_time_args`. */
    void append_to(std::vector<uint32_t> &compile_time_args) const;
    void append_to(std::vector<uint32_t> &compile_time_args, std::vector<uint32_t> &common_runtime_args) const;
    std::vector<uint32_t> get_compile_time_args() const;
    std::vector<uint32_t> get_common_runtime_args() const {
        return {};
    }

private:
    uint32_t flags_ = 0;
    uint32_t aligned_page_size_ = 0;
};

struct InterleavedBufferConfig {
    IDevice *device;
    DeviceAddr size;
    DeviceAddr page_size;
    BufferType buffer_type = BufferType::DRAM;
};

Program CreateProgram();
KernelHandle CreateKernel(Program &program, const std::string &file_name, const CoreSpec &core_spec,
                          const std::variant<DataMovementConfig, ComputeConfig, EthernetConfig> &config);
CBHandle CreateCircularBuffer(Program &program, const CoreSpec &core_spec, const CircularBufferConfig &config);
uint32_t CreateSemaphore(Program &program, const CoreSpec &core_spec, uint32_t initial_value,
                         CoreType core_type = CoreType::WORKER);
std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig &config);

void SetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreSpec &core_spec,
                    const std::vector<uint32_t> &runtime_args);
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreSpec &core_spec,
                    std::initializer_list<uint32_t> runtime_args);
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const std::vector<CoreCoord> &cores,
                    const std::vector<std::vector<uint32_t>> &runtime_args);
void SetCommonRuntimeArgs(const Program &program, KernelHandle kernel, const std::vector<uint32_t> &runtime_args);
RuntimeArgsData &GetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreCoord &core);

namespace detail {
void WriteToBuffer(Buffer &buffer, const void *data, std::size_t bytes);
void ReadFromBuffer(Buffer &buffer, void *data, std::size_t bytes);
}  // namespace detail

namespace distributed {

/*! \brief Shape of a mesh of devices; the simulator models 1x1 meshes. */
struct MeshShape {
    uint32_t rows = 1;
    uint32_t cols = 1;
    MeshShape() = default;
    MeshShape(uint32_t r, uint32_t c) : rows(r), cols(c) {
    }
    uint32_t mesh_size() const {
        return rows * cols;
    }
};
struct MeshCoordinate {
    uint32_t row = 0;
    uint32_t col = 0;
    MeshCoordinate() = default;
    MeshCoordinate(uint32_t r, uint32_t c) : row(r), col(c) {
    }
};
struct MeshCoordinateRange {
    MeshCoordinateRange() = default;
    explicit MeshCoordinateRange(const MeshShape &shape) : shape_(shape) {
    }
    MeshCoordinateRange(const MeshCoordinate &, const MeshCoordinate &) {
    }
    MeshShape shape_;
};

class MeshCommandQueue;

/*! \brief A mesh of devices; create_unit_mesh opens the one simulated chip. */
class MeshDevice : public IDevice {
public:
    explicit MeshDevice(std::shared_ptr<tt_sim::DeviceState> state);
    ~MeshDevice() override;
    static std::shared_ptr<MeshDevice> create_unit_mesh(int device_id, std::size_t l1_small_size = 0,
                                                        std::size_t trace_region_size = 0, std::size_t num_command_queues = 1);
    MeshCommandQueue &mesh_command_queue(std::optional<uint8_t> cq_id = std::nullopt);
    MeshShape shape() const {
        return {1, 1};
    }
    std::size_t num_devices() const {
        return 1;
    }
    bool close();

private:
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
    DeviceAddr size;
};
struct DeviceLocalBufferConfig {
    DeviceAddr page_size;
    BufferType buffer_type = BufferType::DRAM;
    bool bottom_up = true;
};

/*! \brief A buffer allocated at the same address on every device of a mesh. */
class MeshBuffer {
public:
    static std::shared_ptr<MeshBuffer> create(const ReplicatedBufferConfig &global_config,
                                              const DeviceLocalBufferConfig &device_local_config, MeshDevice *mesh_device,
                                              std::optional<DeviceAddr> address = std::nullopt);
    DeviceAddr address() const {
        return buffer_->address();
    }
    DeviceAddr size() const {
        return buffer_->size();
    }
    DeviceAddr page_size() const {
        return buffer_->page_size();
    }
    MeshDevice *device() const {
        return device_;
    }
    Buffer *get_reference_buffer() const {
        return buffer_.get();
    }
    Buffer *get_device_buffer(const MeshCoordinate &) const {
        return buffer_.get();
    }

    std::shared_ptr<Buffer> buffer_;
    MeshDevice *device_ = nullptr;
};

/*! \brief Programs to run on (ranges of) devices of a mesh. */
class MeshWorkload {
public:
    std::vector<Program> programs_;
};

void AddProgramToMeshWorkload(MeshWorkload &workload, Program &&program, const MeshCoordinateRange &device_range);
/*! \brief Run every program of `workload` to completion (the simulator is synchronous). */
void EnqueueMeshWorkload(MeshCommandQueue &cq, MeshWorkload &workload, bool blocking);
void Finish(MeshCommandQueue &cq);

template <typename DType>
void EnqueueWriteMeshBuffer(MeshCommandQueue &, std::shared_ptr<MeshBuffer> &buffer, const std::vector<DType> &src,
                            bool blocking = false) {
    (void)blocking;
    tt::tt_metal::detail::WriteToBuffer(*buffer->buffer_, src.data(), src.size() * sizeof(DType));
}
template <typename DType>
void EnqueueReadMeshBuffer(MeshCommandQueue &, std::vector<DType> &dst, std::shared_ptr<MeshBuffer> &buffer,
                           bool blocking = true) {
    (void)blocking;
    dst.resize(buffer->size() / sizeof(DType));
    tt::tt_metal::detail::ReadFromBuffer(*buffer->buffer_, dst.data(), dst.size() * sizeof(DType));
}
template <typename DType>
void WriteShard(MeshCommandQueue &cq, std::shared_ptr<MeshBuffer> &buffer, const std::vector<DType> &src,
                const MeshCoordinate &, bool blocking = false) {
    EnqueueWriteMeshBuffer(cq, buffer, src, blocking);
}
template <typename DType>
void ReadShard(MeshCommandQueue &cq, std::vector<DType> &dst, std::shared_ptr<MeshBuffer> &buffer,
               const MeshCoordinate &, bool blocking = true) {
    EnqueueReadMeshBuffer(cq, dst, buffer, blocking);
}

}  // namespace distributed
}  // namespace tt::tt_metal
