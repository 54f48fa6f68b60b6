// TT-Metalium host API on the simulator: programs are recorded as ProgramState and run by
// run_program when a workload is enqueued; buffers live in the simulated device memory.
#include <cstdlib>
#include <unistd.h>

#include "sim/runtime.h"
#include "sim/session.h"
#include "tt_sim/host_util.hpp"

namespace tt::tt_metal {

namespace {

using tt_sim::KernelSpec;
using tt_sim::ProgramState;

using CoreSpec = std::variant<CoreCoord, CoreRange, CoreRangeSet>;

/*! \brief The cores of any of the release's core specifications (a core, a range, a set). */
template <typename Spec>
CoreRangeSet to_set(const Spec &spec) {
    return std::visit([](const auto &cores) { return CoreRangeSet(cores); }, spec);
}

KernelSpec &kernel_of(const Program &program, KernelHandle kernel) {
    if (kernel >= program.state_->kernels.size())
        throw tt::Error(tt::ErrorKind::Validation, "unknown kernel handle " + std::to_string(kernel));
    return program.state_->kernels[kernel];
}

std::string resolve_kernel_path(const std::string &file_name) {
    if (!file_name.empty() && file_name[0] == '/') return file_name;
    std::vector<std::string> roots;
    if (const char *root = std::getenv("TT_SIM_KERNEL_ROOT")) roots.push_back(root);
    if (const char *home = std::getenv("TT_METAL_HOME")) roots.push_back(home);
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd))) roots.push_back(cwd);
    for (const std::string &root : roots) {
        const std::string path = root + "/" + file_name;
        if (access(path.c_str(), R_OK) == 0) return path;
    }
    throw tt::Error(tt::ErrorKind::Validation, "kernel source '" + file_name +
                                                   "' not found (searched TT_SIM_KERNEL_ROOT, TT_METAL_HOME and the current directory)");
}

void set_args(const Program &program, KernelHandle kernel, const CoreSpec &core_spec, std::span<const uint32_t> args) {
    KernelSpec &spec = kernel_of(program, kernel);
    for (const CoreCoord &c : corerange_to_cores(to_set(core_spec), std::nullopt, true))
        spec.runtime_args[{c.x, c.y}].assign(args.begin(), args.end());
}

/*! \brief A view of `args` that stays at one address per (program, kernel, core), as the release's
 *  RuntimeArgsData does, so references from GetRuntimeArgs remain usable. */
RuntimeArgsData &args_view(const Program &program, KernelHandle kernel, std::optional<CoreCoord> core,
                           std::vector<uint32_t> &args) {
    static std::map<std::tuple<const ProgramState *, KernelHandle, std::optional<CoreCoord>>, RuntimeArgsData> views;
    RuntimeArgsData &view = views[{program.state_.get(), kernel, core}];
    view.rt_args_data = args.data();
    view.rt_args_count = args.size();
    return view;
}

}  // namespace

ReaderDataMovementConfig::ReaderDataMovementConfig(std::vector<uint32_t> args, std::map<std::string, std::string> defs,
                                                   std::unordered_map<std::string, uint32_t> named,
                                                   KernelBuildOptLevel level) {
    processor = DataMovementProcessor::RISCV_1;
    noc = NOC::RISCV_0_default;
    compile_args = std::move(args);
    defines = std::move(defs);
    named_compile_args = std::move(named);
    opt_level = level;
}

WriterDataMovementConfig::WriterDataMovementConfig(std::vector<uint32_t> args, std::map<std::string, std::string> defs,
                                                   std::unordered_map<std::string, uint32_t> named,
                                                   KernelBuildOptLevel level) {
    processor = DataMovementProcessor::RISCV_0;
    noc = NOC::RISCV_1_default;
    compile_args = std::move(args);
    defines = std::move(defs);
    named_compile_args = std::move(named);
    opt_level = level;
}

CircularBufferConfig::CircularBufferConfig(uint32_t total_size, const std::map<uint8_t, tt::DataFormat> &data_format_spec)
    : total_size_(total_size), formats_(data_format_spec) {
}
CircularBufferConfig::CircularBufferConfig(uint32_t total_size) : total_size_(total_size) {
}
CircularBufferConfig &CircularBufferConfig::set_page_size(uint8_t buffer_index, uint32_t page_size) {
    page_sizes_[buffer_index] = page_size;
    return *this;
}
CircularBufferConfig &CircularBufferConfig::set_total_size(uint32_t total_size) {
    total_size_ = total_size;
    return *this;
}

Program::Program() : state_(std::make_shared<ProgramState>()) {
}
Program::Program(Program &&other) noexcept = default;
Program &Program::operator=(Program &&other) noexcept = default;
Program::~Program() = default;

Program CreateProgram() {
    return Program();
}

KernelHandle CreateKernel(Program &program, const std::string &file_name, const CoreSpec &core_spec,
                          const std::variant<DataMovementConfig, ComputeConfig> &config) {
    KernelSpec spec;
    spec.path = resolve_kernel_path(file_name);
    spec.cores = to_set(core_spec);
    if (const auto *dm = std::get_if<DataMovementConfig>(&config)) {
        spec.processor = static_cast<int>(dm->processor);
        spec.noc = static_cast<uint8_t>(dm->noc);
        spec.label = dm->processor == DataMovementProcessor::RISCV_0 ? "RISCV_0" : "RISCV_1";
        spec.compile_args = dm->compile_args;
        spec.defines = dm->defines;
        spec.named_compile_args.insert(dm->named_compile_args.begin(), dm->named_compile_args.end());
    } else {
        const auto *cc = std::get_if<ComputeConfig>(&config);
        spec.compute = true;
        spec.label = "compute";
        spec.fidelity = static_cast<tt::target::MathFidelity>(cc->math_fidelity);
        spec.fp32_dest_acc_en = cc->fp32_dest_acc_en;
        spec.dst_full_sync_en = cc->dst_full_sync_en;
        spec.math_approx_mode = cc->math_approx_mode;
        if (!cc->unpack_to_dest_mode.empty()) {
            if (cc->unpack_to_dest_mode.size() != NUM_CIRCULAR_BUFFERS)
                throw tt::Error(tt::ErrorKind::Validation,
                                "ComputeConfig::unpack_to_dest_mode of " + file_name + " has " +
                                    std::to_string(cc->unpack_to_dest_mode.size()) +
                                    " entries; give one per CB index (NUM_CIRCULAR_BUFFERS = " +
                                    std::to_string(NUM_CIRCULAR_BUFFERS) + ") or none");
            for (uint32_t cb = 0; cb < NUM_CIRCULAR_BUFFERS; ++cb)
                spec.unpack_to_dest_fp32[cb] = cc->unpack_to_dest_mode[cb] == UnpackToDestMode::UnpackToDestFp32;
        }
        spec.compile_args = cc->compile_args;
        spec.defines = cc->defines;
        spec.named_compile_args.insert(cc->named_compile_args.begin(), cc->named_compile_args.end());
    }
    program.state_->kernels.push_back(std::move(spec));
    return static_cast<KernelHandle>(program.state_->kernels.size() - 1);
}

KernelHandle CreateKernel(Program &, const std::string &file_name, const CoreSpec &, const EthernetConfig &) {
    throw tt::Error(tt::ErrorKind::Validation, "ethernet kernels are not simulated: " + file_name);
}

CBHandle CreateCircularBuffer(Program &program, const CoreSpec &core_spec, const CircularBufferConfig &config) {
    tt_sim::CircularBufferSpec cb;
    cb.cores = to_set(core_spec);
    cb.total_size = config.total_size();
    cb.formats = config.data_formats();
    cb.page_sizes = config.page_sizes();
    program.state_->circular_buffers.push_back(cb);
    return program.state_->circular_buffers.size() - 1;
}

uint32_t CreateSemaphore(Program &program, const std::variant<CoreRange, CoreRangeSet> &core_spec, uint32_t initial_value) {
    return CreateSemaphore(program, core_spec, initial_value, CoreType::WORKER);
}
uint32_t CreateSemaphore(Program &program, const std::variant<CoreRange, CoreRangeSet> &core_spec, uint32_t initial_value,
                         CoreType core_type) {
    if (core_type != CoreType::WORKER)
        throw tt::Error(tt::ErrorKind::Validation, "semaphores are simulated on worker cores only");
    program.state_->semaphores.push_back({to_set(core_spec), initial_value});
    return static_cast<uint32_t>(program.state_->semaphores.size() - 1);
}

void SetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreSpec &core_spec, std::span<const uint32_t> args) {
    set_args(program, kernel, core_spec, args);
}
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreSpec &core_spec, std::initializer_list<uint32_t> args) {
    set_args(program, kernel, core_spec, std::span<const uint32_t>(args.begin(), args.size()));
}
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const std::vector<CoreCoord> &cores,
                    const std::vector<std::vector<uint32_t>> &args) {
    if (cores.size() != args.size())
        throw tt::Error(tt::ErrorKind::Validation, "SetRuntimeArgs: " + std::to_string(cores.size()) + " cores but " +
                                                       std::to_string(args.size()) + " argument lists");
    for (size_t i = 0; i < cores.size(); ++i) set_args(program, kernel, cores[i], args[i]);
}
void SetCommonRuntimeArgs(const Program &program, KernelHandle kernel, std::span<const uint32_t> args) {
    kernel_of(program, kernel).common_runtime_args.assign(args.begin(), args.end());
}
void SetCommonRuntimeArgs(const Program &program, KernelHandle kernel, std::initializer_list<uint32_t> args) {
    kernel_of(program, kernel).common_runtime_args.assign(args.begin(), args.end());
}
RuntimeArgsData &GetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreCoord &core) {
    return args_view(program, kernel, core, kernel_of(program, kernel).runtime_args[{core.x, core.y}]);
}
RuntimeArgsData &GetCommonRuntimeArgs(const Program &program, KernelHandle kernel) {
    return args_view(program, kernel, std::nullopt, kernel_of(program, kernel).common_runtime_args);
}

IDevice::IDevice(std::shared_ptr<tt_sim::DeviceState> state) : state_(std::move(state)) {
}
IDevice::~IDevice() = default;
tt::ARCH IDevice::arch() const {
    switch (state_->spec.arch) {
    case tt::target::Arch::Grayskull: return tt::ARCH::GRAYSKULL;
    case tt::target::Arch::WormholeB0: return tt::ARCH::WORMHOLE_B0;
    case tt::target::Arch::Blackhole: return tt::ARCH::BLACKHOLE;
    }
    return tt::ARCH::Invalid;
}
ChipId IDevice::id() const {
    return 0;
}
CoreCoord IDevice::compute_with_storage_grid_size() const {
    return {static_cast<size_t>(state_->spec.grid_x), static_cast<size_t>(state_->spec.grid_y)};
}
CoreCoord IDevice::logical_grid_size() const {
    return compute_with_storage_grid_size();
}
CoreCoord IDevice::worker_core_from_logical_core(const CoreCoord &c) const {
    const auto &spec = state_->spec;
    if (c.x >= static_cast<size_t>(spec.grid_x) || c.y >= static_cast<size_t>(spec.grid_y))
        throw tt::Error(tt::ErrorKind::Validation, "logical core " + c.str() + " is outside the grid of " + spec.name);
    return {static_cast<size_t>(spec.worker_noc_x[c.x]), static_cast<size_t>(spec.worker_noc_y[c.y])};
}
CoreCoord IDevice::virtual_core_from_logical_core(const CoreCoord &c, const CoreType &) const {
    return worker_core_from_logical_core(c);
}
uint32_t IDevice::num_dram_channels() const {
    return state_->spec.dram_banks;
}
uint32_t IDevice::l1_size_per_core() const {
    return state_->spec.l1_bytes;
}
uint32_t IDevice::dram_size_per_channel() const {
    return static_cast<uint32_t>(state_->spec.dram_bytes / state_->spec.dram_banks);
}
uint32_t IDevice::get_noc_unicast_encoding(uint8_t, const CoreCoord &physical) const {
    return static_cast<uint32_t>((physical.y << 6) | physical.x);
}
uint32_t IDevice::get_noc_multicast_encoding(uint8_t noc_index, const CoreRange &physical) const {
    return (get_noc_unicast_encoding(noc_index, physical.start_coord) << 12) |
           get_noc_unicast_encoding(noc_index, physical.end_coord);
}

Buffer::Buffer(std::shared_ptr<tt_sim::BufferState> state)
    : state_(std::move(state)), size_(state_->size), type_(state_->type) {
}
Buffer::~Buffer() {
    state_->live = false;
}
DeviceAddr Buffer::address() const {
    return state_->address;
}
DeviceAddr Buffer::page_size() const {
    return state_->page_size;
}
DeviceAddr Buffer::aligned_page_size() const {
    return state_->aligned_page_size;
}
uint32_t Buffer::num_pages() const {
    return state_->num_pages;
}
bool Buffer::is_dram() const {
    return type_ == BufferType::DRAM;
}
bool Buffer::is_l1() const {
    return type_ == BufferType::L1;
}

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig &config) {
    if (!config.device) throw tt::Error(tt::ErrorKind::Validation, "InterleavedBufferConfig without a device");
    return Buffer::create(config.device, config.size, config.page_size, config.buffer_type);
}

IDevice *CreateDevice(ChipId device_id, uint8_t num_hw_cqs, std::size_t, std::size_t, const DispatchCoreConfig &,
                      const std::vector<uint32_t> &, std::size_t) {
    if (device_id != 0)
        throw tt::Error(tt::ErrorKind::Validation, "the simulator has one device (id 0), not " + std::to_string(device_id));
    if (num_hw_cqs < 1 || num_hw_cqs > 2)
        throw tt::Error(tt::ErrorKind::Validation, "CreateDevice: num_hw_cqs must be 1 or 2, not " + std::to_string(num_hw_cqs));
    return new IDevice(tt_sim::open_device());
}
bool CloseDevice(IDevice *device) {
    if (!device) throw tt::Error(tt::ErrorKind::Validation, "CloseDevice: null device");
    delete device;
    return true;
}

namespace detail {

void WriteToBuffer(Buffer &buffer, std::span<const uint8_t> host_buffer) {
    tt_sim::write_buffer(*buffer.state_, host_buffer.data(), host_buffer.size());
}
void ReadFromBuffer(Buffer &buffer, uint8_t *host_buffer) {
    tt_sim::read_buffer(*buffer.state_, host_buffer, buffer.size());
}
void ReadFromBuffer(const std::shared_ptr<Buffer> &buffer, std::vector<uint32_t> &host_buffer) {
    host_buffer.resize(buffer->size() / sizeof(uint32_t));
    ReadFromBuffer(*buffer, reinterpret_cast<uint8_t *>(host_buffer.data()));
}
void LaunchProgram(IDevice *device, Program &program, bool, bool) {
    if (!device) throw tt::Error(tt::ErrorKind::Validation, "LaunchProgram: null device");
    tt_sim::run_and_record(*device->state_, *program.state_);
}

}  // namespace detail

namespace distributed {

MeshDevice::MeshDevice(std::shared_ptr<tt_sim::DeviceState> state)
    : IDevice(std::move(state)), queue_(std::make_unique<MeshCommandQueue>(this)) {
}
MeshDevice::~MeshDevice() = default;

std::shared_ptr<MeshDevice> MeshDevice::create_unit_mesh(int device_id, std::size_t, std::size_t,
                                                         std::size_t num_command_queues, const DispatchCoreConfig &,
                                                         std::span<const std::uint32_t>, std::size_t) {
    if (device_id != 0)
        throw tt::Error(tt::ErrorKind::Validation, "the simulator has one device (id 0), not " + std::to_string(device_id));
    if (num_command_queues < 1 || num_command_queues > 2)
        throw tt::Error(tt::ErrorKind::Validation,
                        "create_unit_mesh: num_command_queues must be 1 or 2, not " + std::to_string(num_command_queues));
    return std::make_shared<MeshDevice>(tt_sim::open_device());
}
MeshCommandQueue &MeshDevice::mesh_command_queue(std::optional<uint8_t>) const {
    return *queue_;
}
const MeshShape &MeshDevice::shape() const {
    return shape_;
}
std::size_t MeshDevice::num_devices() const {
    return shape_.mesh_size();
}
bool MeshDevice::close() {
    return true;
}

std::shared_ptr<MeshBuffer> MeshBuffer::create(const std::variant<ReplicatedBufferConfig, ShardedBufferConfig> &config,
                                               const DeviceLocalBufferConfig &local, MeshDevice *mesh,
                                               std::optional<DeviceAddr>) {
    const auto *replicated = std::get_if<ReplicatedBufferConfig>(&config);
    if (!replicated)
        throw tt::Error(tt::ErrorKind::Validation, "MeshBuffer::create: sharded mesh buffers are not simulated");
    if (!mesh) throw tt::Error(tt::ErrorKind::Validation, "MeshBuffer::create: null mesh device");
    auto buffer = std::make_shared<MeshBuffer>();
    buffer->device_ = mesh;
    buffer->buffer_ = Buffer::create(mesh, replicated->size, local.page_size, local.buffer_type, local.sharding_args,
                                     local.bottom_up, local.sub_device_id);
    return buffer;
}
MeshBuffer::~MeshBuffer() = default;
DeviceAddr MeshBuffer::size() const {
    return buffer_->size();
}
MeshDevice *MeshBuffer::device() const {
    return device_;
}
Buffer *MeshBuffer::get_reference_buffer() const {
    return buffer_.get();
}
Buffer *MeshBuffer::get_device_buffer(const MeshCoordinate &coord) const {
    if (coord != MeshCoordinate(0, 0))
        throw tt::Error(tt::ErrorKind::Validation, "the simulated mesh is 1x1; it has no device at (" +
                                                       std::to_string(coord[0]) + ", " + std::to_string(coord[1]) + ")");
    return buffer_.get();
}

void MeshWorkload::add_program(const MeshCoordinateRange &device_range, Program &&program) {
    if (!programs_.emplace(device_range, std::move(program)).second)
        throw tt::Error(tt::ErrorKind::Validation, "MeshWorkload::add_program: the device range already has a program");
}
std::unordered_map<MeshCoordinateRange, Program> &MeshWorkload::get_programs() {
    return programs_;
}

void EnqueueMeshWorkload(MeshCommandQueue &cq, MeshWorkload &workload, bool) {
    for (auto &[range, program] : workload.get_programs()) tt_sim::run_and_record(*cq.device()->state_, *program.state_);
}

void Finish(MeshCommandQueue &, std::span<const SubDeviceId>) {
}

}  // namespace distributed

CoreRangeSet num_cores_to_corerangeset(uint32_t target_num_cores, const CoreCoord grid_size, bool row_wise) {
    std::vector<CoreRange> ranges;
    const uint32_t gx = static_cast<uint32_t>(grid_size.x), gy = static_cast<uint32_t>(grid_size.y);
    if (target_num_cores > gx * gy)
        throw tt::Error(tt::ErrorKind::Validation, std::to_string(target_num_cores) + " cores do not fit a " +
                                                       std::to_string(gx) + "x" + std::to_string(gy) + " grid");
    const uint32_t line = row_wise ? gx : gy;
    const uint32_t full = target_num_cores / line, rest = target_num_cores % line;
    if (full > 0)
        ranges.push_back(row_wise ? CoreRange({0, 0}, {gx - 1, full - 1}) : CoreRange({0, 0}, {full - 1, gy - 1}));
    if (rest > 0)
        ranges.push_back(row_wise ? CoreRange({0, full}, {rest - 1, full}) : CoreRange({full, 0}, {full, rest - 1}));
    return CoreRangeSet(ranges);
}

std::tuple<uint32_t, CoreRangeSet, CoreRangeSet, CoreRangeSet, uint32_t, uint32_t> split_work_to_cores(
    const CoreCoord grid_size, const uint32_t units, const bool row_wise) {
    const uint32_t max_cores = static_cast<uint32_t>(grid_size.x * grid_size.y);
    if (units == 0) return {0, CoreRangeSet(), CoreRangeSet(), CoreRangeSet(), 0, 0};
    const uint32_t num_cores = std::min(units, max_cores);
    const CoreRangeSet all = num_cores_to_corerangeset(num_cores, grid_size, row_wise);
    const uint32_t per_core_small = units / num_cores, extra = units % num_cores;
    if (extra == 0) return {num_cores, all, all, CoreRangeSet(), per_core_small, 0};
    // The first `extra` cores (in the walk order) take one unit more.
    std::vector<CoreCoord> cores = corerange_to_cores(all, std::nullopt, row_wise);
    std::vector<CoreRange> g1, g2;
    for (uint32_t i = 0; i < cores.size(); ++i) (i < extra ? g1 : g2).push_back(CoreRange(cores[i], cores[i]));
    return {num_cores, all, CoreRangeSet(g1), CoreRangeSet(g2), per_core_small + 1, per_core_small};
}

}  // namespace tt::tt_metal
