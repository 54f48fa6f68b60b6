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

CoreRangeSet to_set(const CoreSpec &spec) {
    if (const auto *c = std::get_if<CoreCoord>(&spec)) return CoreRangeSet(CoreRange(*c, *c));
    if (const auto *r = std::get_if<CoreRange>(&spec)) return CoreRangeSet(*r);
    return std::get<CoreRangeSet>(spec);
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

void set_args(const Program &program, KernelHandle kernel, const CoreSpec &core_spec, const std::vector<uint32_t> &args) {
    KernelSpec &spec = kernel_of(program, kernel);
    for (const CoreCoord &c : corerange_to_cores(to_set(core_spec), std::nullopt, true)) spec.runtime_args[{c.x, c.y}] = args;
}

}  // namespace

ReaderDataMovementConfig::ReaderDataMovementConfig(std::vector<uint32_t> args, std::map<std::string, std::string> defs,
                                                   std::unordered_map<std::string, uint32_t> named) {
    processor = DataMovementProcessor::RISCV_1;
    noc = NOC::RISCV_0_default;
    compile_args = std::move(args);
    defines = std::move(defs);
    named_compile_args = std::move(named);
}

WriterDataMovementConfig::WriterDataMovementConfig(std::vector<uint32_t> args, std::map<std::string, std::string> defs,
                                                   std::unordered_map<std::string, uint32_t> named) {
    processor = DataMovementProcessor::RISCV_0;
    noc = NOC::RISCV_1_default;
    compile_args = std::move(args);
    defines = std::move(defs);
    named_compile_args = std::move(named);
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
CircularBufferConfig &CircularBufferConfig::set_data_format(uint8_t buffer_index, tt::DataFormat data_format) {
    formats_[buffer_index] = data_format;
    return *this;
}
CircularBufferConfig &CircularBufferConfig::index(uint8_t) {
    return *this;
}

Program::Program() : state_(std::make_shared<ProgramState>()) {
}
Program::~Program() = default;

Program CreateProgram() {
    return Program();
}

KernelHandle CreateKernel(Program &program, const std::string &file_name, const CoreSpec &core_spec,
                          const std::variant<DataMovementConfig, ComputeConfig, EthernetConfig> &config) {
    KernelSpec spec;
    spec.path = resolve_kernel_path(file_name);
    spec.cores = to_set(core_spec);
    if (const auto *dm = std::get_if<DataMovementConfig>(&config)) {
        spec.processor = static_cast<int>(dm->processor);
        spec.noc = static_cast<uint8_t>(dm->noc);
        spec.label = dm->processor == DataMovementProcessor::RISCV_0 ? "RISCV_0" : "RISCV_1";
        spec.compile_args = dm->compile_args;
        spec.defines = dm->defines;
    } else if (const auto *cc = std::get_if<ComputeConfig>(&config)) {
        spec.compute = true;
        spec.label = "compute";
        spec.fidelity = static_cast<tt::target::MathFidelity>(cc->math_fidelity);
        spec.fp32_dest_acc_en = cc->fp32_dest_acc_en;
        spec.dst_full_sync_en = cc->dst_full_sync_en;
        spec.math_approx_mode = cc->math_approx_mode;
        spec.compile_args = cc->compile_args;
        spec.defines = cc->defines;
    } else {
        throw tt::Error(tt::ErrorKind::Validation, "ethernet kernels are not simulated: " + file_name);
    }
    program.state_->kernels.push_back(std::move(spec));
    return static_cast<KernelHandle>(program.state_->kernels.size() - 1);
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

uint32_t CreateSemaphore(Program &program, const CoreSpec &core_spec, uint32_t initial_value, CoreType) {
    program.state_->semaphores.push_back({to_set(core_spec), initial_value});
    return static_cast<uint32_t>(program.state_->semaphores.size() - 1);
}

void SetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreSpec &core_spec, const std::vector<uint32_t> &args) {
    set_args(program, kernel, core_spec, args);
}
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreSpec &core_spec, std::initializer_list<uint32_t> args) {
    set_args(program, kernel, core_spec, std::vector<uint32_t>(args));
}
void SetRuntimeArgs(const Program &program, KernelHandle kernel, const std::vector<CoreCoord> &cores,
                    const std::vector<std::vector<uint32_t>> &args) {
    if (cores.size() != args.size())
        throw tt::Error(tt::ErrorKind::Validation, "SetRuntimeArgs: " + std::to_string(cores.size()) + " cores but " +
                                                       std::to_string(args.size()) + " argument lists");
    for (size_t i = 0; i < cores.size(); ++i) set_args(program, kernel, cores[i], args[i]);
}
void SetCommonRuntimeArgs(const Program &program, KernelHandle kernel, const std::vector<uint32_t> &args) {
    kernel_of(program, kernel).common_runtime_args = args;
}
RuntimeArgsData &GetRuntimeArgs(const Program &program, KernelHandle kernel, const CoreCoord &core) {
    static thread_local std::unique_ptr<RuntimeArgsData> view;
    view = std::make_unique<RuntimeArgsData>(kernel_of(program, kernel).runtime_args[{core.x, core.y}]);
    return *view;
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
CoreCoord IDevice::compute_with_storage_grid_size() const {
    return {static_cast<size_t>(state_->spec.grid_x), static_cast<size_t>(state_->spec.grid_y)};
}
CoreCoord IDevice::worker_core_from_logical_core(const CoreCoord &c) const {
    const auto &spec = state_->spec;
    if (c.x >= static_cast<size_t>(spec.grid_x) || c.y >= static_cast<size_t>(spec.grid_y))
        throw tt::Error(tt::ErrorKind::Validation, "logical core " + c.str() + " is outside the grid of " + spec.name);
    return {static_cast<size_t>(spec.worker_noc_x[c.x]), static_cast<size_t>(spec.worker_noc_y[c.y])};
}
CoreCoord IDevice::virtual_core_from_logical_core(const CoreCoord &c, CoreType) const {
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

Buffer::Buffer(std::shared_ptr<tt_sim::BufferState> state) : state_(std::move(state)) {
}
Buffer::~Buffer() {
    state_->live = false;
}
DeviceAddr Buffer::address() const {
    return state_->address;
}
DeviceAddr Buffer::size() const {
    return state_->size;
}
DeviceAddr Buffer::page_size() const {
    return state_->page_size;
}
uint32_t Buffer::num_pages() const {
    return state_->num_pages;
}
BufferType Buffer::buffer_type() const {
    return state_->type;
}

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig &config) {
    if (!config.device) throw tt::Error(tt::ErrorKind::Validation, "InterleavedBufferConfig without a device");
    return std::make_shared<Buffer>(
        config.device->state_->allocate(config.buffer_type, config.size, static_cast<uint32_t>(config.page_size)));
}

TensorAccessorArgs::TensorAccessorArgs(const Buffer &buffer)
    : flags_(buffer.is_dram() ? 1u : 0u), aligned_page_size_(buffer.state_->aligned_page_size) {
}
void TensorAccessorArgs::append_to(std::vector<uint32_t> &ct) const {
    ct.push_back(flags_);
    ct.push_back(aligned_page_size_);
}
void TensorAccessorArgs::append_to(std::vector<uint32_t> &ct, std::vector<uint32_t> &) const {
    append_to(ct);
}
std::vector<uint32_t> TensorAccessorArgs::get_compile_time_args() const {
    std::vector<uint32_t> ct;
    append_to(ct);
    return ct;
}

namespace detail {

void WriteToBuffer(Buffer &buffer, const void *data, std::size_t bytes) {
    tt_sim::write_buffer(*buffer.state_, static_cast<const uint8_t *>(data), bytes);
}
void ReadFromBuffer(Buffer &buffer, void *data, std::size_t bytes) {
    tt_sim::read_buffer(*buffer.state_, static_cast<uint8_t *>(data), bytes);
}

}  // namespace detail

namespace distributed {

MeshDevice::MeshDevice(std::shared_ptr<tt_sim::DeviceState> state)
    : IDevice(std::move(state)), queue_(std::make_unique<MeshCommandQueue>(this)) {
}
MeshDevice::~MeshDevice() = default;

std::shared_ptr<MeshDevice> MeshDevice::create_unit_mesh(int device_id, std::size_t, std::size_t, std::size_t) {
    if (device_id != 0)
        throw tt::Error(tt::ErrorKind::Validation, "the simulator has one device (id 0), not " + std::to_string(device_id));
    return std::make_shared<MeshDevice>(tt_sim::open_device());
}
MeshCommandQueue &MeshDevice::mesh_command_queue(std::optional<uint8_t>) {
    return *queue_;
}
bool MeshDevice::close() {
    return true;
}

std::shared_ptr<MeshBuffer> MeshBuffer::create(const ReplicatedBufferConfig &global, const DeviceLocalBufferConfig &local,
                                               MeshDevice *mesh, std::optional<DeviceAddr>) {
    auto buffer = std::make_shared<MeshBuffer>();
    buffer->device_ = mesh;
    buffer->buffer_ = CreateBuffer(InterleavedBufferConfig{mesh, global.size, local.page_size, local.buffer_type});
    return buffer;
}

void AddProgramToMeshWorkload(MeshWorkload &workload, Program &&program, const MeshCoordinateRange &) {
    workload.programs_.push_back(std::move(program));
}

void EnqueueMeshWorkload(MeshCommandQueue &cq, MeshWorkload &workload, bool) {
    for (Program &program : workload.programs_) tt_sim::run_and_record(*cq.device()->state_, *program.state_);
}

void Finish(MeshCommandQueue &) {
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
