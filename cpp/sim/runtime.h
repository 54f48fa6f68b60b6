/*! \file runtime.h
 *  \brief Internal state of the simulator: device memory, programs, kernel instances and the run
 *  that ties them together. Shared by the runtime's .cc files only; kernels and host programs see
 *  the TT-Metalium headers under tilelang_tt/sim/include.
 */
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/diagnostics.h"
#include "sim/cost.h"
#include "sim/fiber.h"
#include "sim/stats.h"
#include "target/device.h"
#include "tt_sim/host.hpp"
#include "tt_sim/kernel_bridge.h"

namespace tt_sim {

using tt::tt_metal::BufferType;

/*! \brief First L1 address kernels can dereference; semaphores live just above it. The simulator
 *  maps the running core's L1 at the same virtual addresses so kernel pointers work as on device. */
constexpr uint32_t kL1ViewStart = 64 * 1024;
/*! \brief First DRAM address handed out in every bank; below is reserved. */
constexpr uint64_t kDramBase = 1 << 20;
constexpr uint32_t kSemaphoreBase = kL1ViewStart;
constexpr uint32_t kSemaphoreStride = 16;

/*! \brief Where one page of a buffer lives: its bank and its index among the bank's pages (the
 *  page sits at address + slot * aligned_page_size there). */
struct PagePlace {
    uint32_t bank = 0;
    uint64_t slot = 0;
};

/*! \brief One allocated buffer: pages dealt round-robin over banks (DRAM banks or worker L1s), or
 *  sharded over the L1 of its distribution's cores (bank i is core distribution->cores()[i]). */
struct BufferState {
    struct DeviceState *device = nullptr;
    BufferType type = BufferType::DRAM;
    uint64_t address = 0;
    uint64_t size = 0;
    uint32_t page_size = 0;
    uint32_t aligned_page_size = 0;
    uint32_t num_pages = 0;
    uint32_t num_banks = 0;
    bool live = true;
    std::optional<tt::tt_metal::BufferDistributionSpec> distribution;  ///< set for a sharded buffer
    std::vector<int> bank_cores;  ///< L1 buffers: the core index of each bank

    bool sharded() const { return distribution.has_value(); }
    /*! \brief Pages of this buffer that `bank` reserves room for. */
    uint32_t pages_in_bank(uint32_t bank) const {
        if (sharded()) return static_cast<uint32_t>(distribution->max_num_dev_pages_per_core());
        return num_pages / num_banks + (bank < num_pages % num_banks ? 1 : 0);
    }
    /*! \brief Bank and slot of page `page` (row-major over the tensor's pages when sharded). */
    PagePlace place(uint32_t page) const;
};

/*! \brief Device memory: every core's L1 (one shared-memory file, mapped twice) and DRAM banks (one
 *  shared-memory file each, growing on use). Both are shared with the child process kernels run in
 *  (isolation.h), so what kernels write is what the host reads. */
class Memory {
public:
    Memory(const tt::target::DeviceSpec &spec);
    ~Memory();
    Memory(const Memory &) = delete;
    Memory &operator=(const Memory &) = delete;

    /*! \brief Host pointer to L1 byte `addr` of core `core` (no bounds check). */
    uint8_t *l1(int core, uint32_t addr) { return l1_base_ + static_cast<size_t>(core) * l1_stride_ + addr; }
    /*! \brief Host pointer to DRAM byte `addr` of bank `bank`, growing the bank as needed. */
    uint8_t *dram(uint32_t bank, uint64_t addr, uint64_t size);
    /*! \brief Map core `core`'s L1 at its device addresses, so kernel pointers reach it. */
    void show_core(int core);
    uint32_t l1_bytes() const { return l1_bytes_; }

private:
    uint32_t l1_bytes_;
    size_t l1_stride_;
    int num_cores_;
    int memfd_ = -1;
    uint8_t *l1_base_ = nullptr;
    int shown_core_ = -1;
    struct DramBank {
        int fd = -1;
        uint8_t *base = nullptr;  ///< the bank's whole address range, reserved; backed up to `size`
        uint64_t reserved = 0;
        uint64_t size = 0;  ///< bytes backed as far as this process knows (another may have grown it)
    };
    std::vector<DramBank> dram_;
};

/*! \brief An opened device: table entry, memory, allocations. */
struct DeviceState {
    explicit DeviceState(const tt::target::DeviceSpec &spec_in);

    const tt::target::DeviceSpec &spec;
    Memory memory;
    std::vector<std::shared_ptr<BufferState>> buffers;
    uint64_t next_dram_address;
    uint32_t l1_buffer_floor;  ///< L1 buffers are allocated downwards from the top of L1

    int core_index(uint32_t x, uint32_t y) const { return static_cast<int>(y) * spec.grid_x + static_cast<int>(x); }
    CoreCoord core_coord(int index) const {
        return {static_cast<size_t>(index % spec.grid_x), static_cast<size_t>(index / spec.grid_x)};
    }
    /*! \brief Worker core at physical NoC (x, y), or -1. */
    int core_at_noc(uint32_t x, uint32_t y) const;
    /*! \brief Allocates a buffer: interleaved, or sharded over L1 by `distribution`. An L1 buffer
     *  takes the same address range on every core it uses; one that does not fit is an error. */
    std::shared_ptr<BufferState> allocate(BufferType type, uint64_t size, uint32_t page_size,
                                          const std::optional<tt::tt_metal::BufferDistributionSpec> &distribution = {});
    /*! \brief The live buffer whose bank range holds [addr, addr+size) in `bank`, or nullptr. */
    const BufferState *buffer_at(BufferType type, uint32_t bank, uint64_t addr, uint64_t size) const;
};

/*! \brief Opens (once per process) the device TT_SIM_DEVICE names, or `name` when not empty. */
std::shared_ptr<DeviceState> open_device(const std::string &name = "");

/*! \brief A kernel as the host created it. */
struct KernelSpec {
    std::string path;   ///< absolute path of the source
    std::string label;  ///< role name for messages: "reader", "writer", "compute", or the processor
    bool compute = false;
    int processor = 0;  ///< DataMovementProcessor for data-movement kernels
    uint8_t noc = 0;
    std::vector<uint32_t> compile_args;
    std::map<std::string, uint32_t> named_compile_args;  ///< get_named_compile_time_arg_val
    std::map<std::string, std::string> defines;
    tt::target::MathFidelity fidelity = tt::target::MathFidelity::HiFi4;
    bool fp32_dest_acc_en = false;
    bool dst_full_sync_en = false;
    bool math_approx_mode = false;
    /// CB indices whose Float32 tiles unpack straight to DST (ComputeConfig::unpack_to_dest_mode)
    std::vector<bool> unpack_to_dest_fp32 = std::vector<bool>(NUM_CIRCULAR_BUFFERS, false);
    CoreRangeSet cores;
    std::map<std::pair<size_t, size_t>, std::vector<uint32_t>> runtime_args;
    std::vector<uint32_t> common_runtime_args;

    std::string describe() const;
};

struct CircularBufferSpec {
    CoreRangeSet cores;
    uint32_t total_size = 0;
    std::map<uint8_t, tt::DataFormat> formats;
    std::map<uint8_t, uint32_t> page_sizes;
};

struct SemaphoreSpec {
    CoreRangeSet cores;
    uint32_t initial_value = 0;
};

struct ProgramState {
    std::vector<KernelSpec> kernels;
    std::vector<CircularBufferSpec> circular_buffers;
    std::vector<SemaphoreSpec> semaphores;
};

/*! \brief Runtime state of one circular buffer index on one core. */
struct CircularBuffer {
    bool configured = false;
    uint32_t base = 0;
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    tt::DataFormat format = tt::DataFormat::Invalid;
    uint32_t received = 0;  ///< pages pushed so far (monotonic)
    uint32_t acked = 0;     ///< pages popped so far (monotonic)
    uint32_t reserved = 0;  ///< pages reserved and not yet pushed
    uint32_t waited = 0;    ///< pages waited for and not yet popped
    uint32_t write_slot = 0;
    uint32_t read_slot = 0;
    const struct KernelInstance *producer = nullptr;  ///< the kernel holding the reservation
    Loc reserve_loc{nullptr, 0};                      ///< where the outstanding reservation was made
    uint32_t pack_cursor = 0;  ///< pages pack_tile has filled since the last push (in-order packing)
    /*! Each page's L1 bytes as compute's last cb_reserve_back found them, before marking them
     *  unwritten: what the packer's L1 accumulation adds to (a popped page keeps its bytes on the
     *  device). Sized on a compute kernel's first reservation. */
    std::vector<uint8_t> reserved_over;
    std::vector<bool> packed;  ///< per page: pack_tile has written it (what L1 accumulation may add to)

    uint32_t available() const { return received - acked; }
    uint32_t free_pages() const { return num_pages - available(); }
    uint32_t slot_address(uint32_t slot) const { return base + (slot % num_pages) * page_size; }
};

/*! \brief Fills a CB page just reserved with a pattern no producer writes (a NaN in bf16 and
 *  fp32 alike), so a consumer reading a page that was pushed without being filled is caught. */
void mark_unwritten(uint8_t *page, uint32_t bytes);
/*! \brief Whether a CB page still holds nothing but mark_unwritten's pattern. */
bool never_written(const uint8_t *page, uint32_t bytes);

/*! \brief An in-flight NoC transfer whose completion the kernel has not yet waited for. */
struct PendingTransfer {
    uint32_t l1_begin;
    uint32_t l1_end;
    Loc loc;
};

/*! \brief DST registers and the compute engine's configuration for one compute kernel instance. */
struct ComputeState {
    enum class Dst { Released, Acquired, Committed, Waited };
    enum class Math { None, Matmul, Binary, Copy, Reduce, Transpose, UnaryBcast };
    Dst dst_state = Dst::Released;
    bool legacy_acquire = false;  ///< acquire_dst(): math and pack both allowed
    Loc acquire_loc{nullptr, 0};  ///< where DST was last acquired
    int capacity = 8;
    std::vector<std::array<float, 1024>> dst;
    std::vector<bool> dst_written;
    Math math = Math::None;
    bool matmul_transpose = false;
    /// The output block (ct_dim x rt_dim tiles, kt_dim deep) the matmul init configured the
    /// unpacker's and the math engine's loops for: 1 x 1 x 1 for matmul_tiles.
    uint32_t matmul_ct = 1, matmul_rt = 1, matmul_kt = 1;
    bool copy_transpose = false;
    BinaryOp binary_op = BinaryOp::Add;
    Broadcast binary_bcast = Broadcast::None;
    bool acc_to_dest = false;
    Pool reduce_pool = Pool::Sum;
    ReduceAxis reduce_axis = ReduceAxis::Row;
    bool reduce_fp32_accumulation = false;  ///< reduce_init's enforce_fp32_accumulation
    bool reduce_active = false;             ///< between reduce_init and reduce_uninit: the packer's edge mask is set
    Broadcast unary_bcast = Broadcast::None;
    uint64_t sfpu_inited = 0;  ///< bit per SfpuOp
    bool hw_started = false;
    tt::DataFormat unpack_a = tt::DataFormat::Invalid;
    tt::DataFormat unpack_b = tt::DataFormat::Invalid;
    tt::DataFormat pack_format = tt::DataFormat::Invalid;
    bool pack_l1_acc = false;
    /*! An input tile as the multipliers saw it, and the L1 bytes it came from (read_operand). */
    struct Operand {
        uint32_t address = 0;
        tt::DataFormat format = tt::DataFormat::Invalid;
        int bits = 0;
        bool transposed = false;
        std::vector<uint8_t> raw;
        std::array<float, 1024> values;
    };
    std::array<Operand, 32> operands;
    size_t next_operand = 0;
    size_t last_operand = SIZE_MAX;
};

/*! \brief One kernel running on one core: a cooperative context plus its bookkeeping. */
struct KernelInstance {
    const KernelSpec *spec = nullptr;
    int index = -1;  ///< position in Run::instances (races.h)
    int core = 0;
    CoreCoord coord;
    void (*entry)() = nullptr;
    std::vector<uint32_t> runtime_args;
    std::unique_ptr<Fiber> fiber;
    bool finished = false;
    std::vector<PendingTransfer> pending_reads;
    std::vector<PendingTransfer> pending_writes;
    std::unique_ptr<ComputeState> compute;
    KernelStats stats;
    CostClock cost;  ///< the cost model's clocks (cost.h)

    // What a blocked kernel waits for; the scheduler resumes it once `ready()` holds.
    std::function<bool()> ready;
    std::string waiting_call;
    std::string waiting_detail;
    Loc waiting_loc{nullptr, 0};
    bool polling = false;  ///< its last slice ended in a poll that failed (cb_pages_*_at_*)

    std::string describe() const;
};

/*! \brief Everything one program launch needs. */
struct Run {
    DeviceState *device = nullptr;
    std::vector<std::array<CircularBuffer, NUM_CIRCULAR_BUFFERS>> cbs;  ///< per core
    std::vector<std::unique_ptr<KernelInstance>> instances;
    std::vector<bool> core_in_use;
    uint32_t num_semaphores = 0;
    TraceRecorder trace;
    const struct Partition *partition = nullptr;  ///< set while the cores run split over processes (parallel.h)
};

/*! \brief The run and kernel currently executing (the simulator is single-threaded). */
Run &current_run();
KernelInstance &current_kernel();
void set_current(Run *run, KernelInstance *kernel);

/*! \brief Throws a SimulationError naming the current core, kernel and the call's source line. */
[[noreturn]] void fail(const char *call, const Loc &loc, const std::string &problem);
/*! \brief Blocks the current kernel until `ready` holds, telling the deadlock report what it waits for. */
void block_until(const char *call, const Loc &loc, std::function<bool()> ready, std::function<std::string()> detail);

/*! \brief Lets the other kernels run after a poll of `call` found its condition false. A round in
 *  which kernels only poll and nothing else moves is no progress: the deadlock check sees it. */
void yield_polling(const char *call, const Loc &loc, std::string detail);

/*! \brief Runs a program on the device: compiles kernels, places CBs and semaphores, schedules
 *  every kernel instance to completion. Throws on protocol errors and deadlocks. */
RunStats run_program(DeviceState &device, const ProgramState &program);

/*! \brief Compiled kernel entry for `spec` with the CB formats of its core (JIT, cached). */
struct CompiledKernel {
    void (*entry)();
};
/*! \brief One compiled entry per spec, in order; cb_formats[i] are the CB data formats of spec i's core. */
std::vector<CompiledKernel> compile_kernels(const std::vector<const KernelSpec *> &specs,
                                            const std::vector<std::array<uint8_t, NUM_CIRCULAR_BUFFERS>> &cb_formats,
                                            const tt::target::DeviceSpec &device);

}  // namespace tt_sim
