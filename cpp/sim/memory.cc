// Simulated device memory: per-core L1 and banked DRAM, buffer allocation and address lookup,
// and opening a device from the device table (runtime.h).
#include <algorithm>
#include <cstdlib>
#include <mutex>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/runtime.h"

namespace tt_sim {

namespace {

size_t page_round(size_t n) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    return (n + page - 1) / page * page;
}

}  // namespace

Memory::Memory(const tt::target::DeviceSpec &spec)
    : l1_bytes_(spec.l1_bytes), l1_stride_(page_round(spec.l1_bytes)), num_cores_(spec.num_cores()),
      dram_(spec.dram_banks) {
    // One file holds every core's L1. It is mapped once in full (the runtime's view) and the running
    // core's part is mapped again at its device addresses, so a kernel's `*(uint32_t *)addr` works.
    memfd_ = memfd_create("tt_sim_l1", 0);
    if (memfd_ < 0 || ftruncate(memfd_, static_cast<off_t>(l1_stride_ * num_cores_)) != 0)
        throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot create the L1 backing file");
    void *all = mmap(nullptr, l1_stride_ * num_cores_, PROT_READ | PROT_WRITE, MAP_SHARED, memfd_, 0);
    if (all == MAP_FAILED) throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot map L1");
    l1_base_ = static_cast<uint8_t *>(all);
    void *view = mmap(reinterpret_cast<void *>(static_cast<uintptr_t>(kL1ViewStart)), l1_stride_ - kL1ViewStart,
                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, memfd_, kL1ViewStart);
    if (view != reinterpret_cast<void *>(static_cast<uintptr_t>(kL1ViewStart)))
        throw tt::Error(tt::ErrorKind::Internal,
                        "tt_sim: cannot map L1 at its device addresses (0x10000..); another mapping is there or "
                        "vm.mmap_min_addr is above 65536");
    shown_core_ = 0;
    const size_t bank_bytes = page_round(spec.dram_bytes / spec.dram_banks);
    for (DramBank &bank : dram_) {
        bank.fd = memfd_create("tt_sim_dram", 0);
        void *base = bank.fd < 0
                         ? MAP_FAILED
                         : mmap(nullptr, bank_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, bank.fd, 0);
        if (base == MAP_FAILED) throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot map DRAM");
        bank.base = static_cast<uint8_t *>(base);
        bank.reserved = bank_bytes;
    }
}

Memory::~Memory() {
    for (DramBank &bank : dram_) {
        munmap(bank.base, bank.reserved);
        close(bank.fd);
    }
    munmap(reinterpret_cast<void *>(static_cast<uintptr_t>(kL1ViewStart)), l1_stride_ - kL1ViewStart);
    munmap(l1_base_, l1_stride_ * num_cores_);
    close(memfd_);
}

void Memory::show_core(int core) {
    if (core == shown_core_) return;
    void *view = mmap(reinterpret_cast<void *>(static_cast<uintptr_t>(kL1ViewStart)), l1_stride_ - kL1ViewStart,
                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_,
                      static_cast<off_t>(l1_stride_ * core + kL1ViewStart));
    if (view == MAP_FAILED) throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot remap the L1 view");
    shown_core_ = core;
}

uint8_t *Memory::dram(uint32_t bank, uint64_t addr, uint64_t size) {
    DramBank &b = dram_.at(bank);
    const uint64_t needed = addr + size;
    if (needed > b.size) {
        struct stat st;
        if (fstat(b.fd, &st) == 0) b.size = static_cast<uint64_t>(st.st_size);
    }
    if (needed > b.size) {
        if (needed > b.reserved) throw tt::Error(tt::ErrorKind::Internal, "tt_sim: DRAM access beyond the bank");
        const uint64_t grown = std::min<uint64_t>(b.reserved, page_round(std::max<uint64_t>(needed, b.size * 2)));
        if (ftruncate(b.fd, static_cast<off_t>(grown)) != 0)
            throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot grow DRAM");
        b.size = grown;
    }
    return b.base + addr;
}

DeviceState::DeviceState(const tt::target::DeviceSpec &spec_in)
    : spec(spec_in), memory(spec_in), next_dram_address(kDramBase), l1_buffer_floor(spec_in.l1_bytes) {}

int DeviceState::core_at_noc(uint32_t x, uint32_t y) const {
    auto ix = std::find(spec.worker_noc_x.begin(), spec.worker_noc_x.end(), static_cast<int>(x));
    auto iy = std::find(spec.worker_noc_y.begin(), spec.worker_noc_y.end(), static_cast<int>(y));
    if (ix == spec.worker_noc_x.end() || iy == spec.worker_noc_y.end()) return -1;
    return core_index(static_cast<uint32_t>(ix - spec.worker_noc_x.begin()),
                      static_cast<uint32_t>(iy - spec.worker_noc_y.begin()));
}

std::shared_ptr<BufferState> DeviceState::allocate(BufferType type, uint64_t size, uint32_t page_size,
                                                   const std::optional<tt::tt_metal::BufferDistributionSpec> &distribution) {
    if (type != BufferType::DRAM && type != BufferType::L1)
        throw tt::Error(tt::ErrorKind::Validation, "the simulator models DRAM and L1 buffers only");
    if (page_size == 0 || size % page_size != 0)
        throw tt::Error(tt::ErrorKind::Validation, "buffer size " + std::to_string(size) +
                                                       " is not a multiple of its page size " +
                                                       std::to_string(page_size));
    auto buf = std::make_shared<BufferState>();
    buf->device = this;
    buf->type = type;
    buf->size = size;
    buf->page_size = page_size;
    const uint32_t align = type == BufferType::DRAM ? spec.dram_alignment : spec.l1_alignment;
    buf->aligned_page_size = (page_size + align - 1) / align * align;
    buf->num_pages = static_cast<uint32_t>(size / page_size);
    if (distribution) {
        if (type != BufferType::L1)
            throw tt::Error(tt::ErrorKind::Validation, "sharded DRAM buffers are not simulated; shard the buffer in L1");
        if (distribution->tensor_shape_in_pages().volume() != buf->num_pages)
            throw tt::Error(tt::ErrorKind::Validation,
                            "a sharded buffer of " + std::to_string(buf->num_pages) + " pages has a distribution spec over " +
                                std::to_string(distribution->tensor_shape_in_pages().volume()) +
                                " pages (its tensor shape in pages must cover the buffer exactly)");
        for (const CoreCoord &c : distribution->cores()) {
            if (c.x >= static_cast<size_t>(spec.grid_x) || c.y >= static_cast<size_t>(spec.grid_y))
                throw tt::Error(tt::ErrorKind::Validation, "a sharded buffer's core " + c.str() +
                                                               " is outside the worker grid of " + spec.name);
            buf->bank_cores.push_back(core_index(static_cast<uint32_t>(c.x), static_cast<uint32_t>(c.y)));
        }
        buf->distribution = distribution;
        buf->num_banks = static_cast<uint32_t>(buf->bank_cores.size());
    } else {
        buf->num_banks = type == BufferType::DRAM ? spec.dram_banks : spec.num_cores();
        if (type == BufferType::L1)
            for (int core = 0; core < spec.num_cores(); ++core) buf->bank_cores.push_back(core);
    }
    const uint64_t bank_bytes = uint64_t(buf->pages_in_bank(0)) * buf->aligned_page_size;
    if (type == BufferType::DRAM) {
        buf->address = next_dram_address;
        next_dram_address = (next_dram_address + bank_bytes + align - 1) / align * align;
        if (next_dram_address > spec.dram_bytes / spec.dram_banks)
            throw tt::Error(tt::ErrorKind::Validation,
                            "out of DRAM: " + std::to_string(size) + " more bytes requested");
    } else {
        // L1 buffers are placed at one address on every core, downwards from the top of L1.
        const uint64_t floor = (l1_buffer_floor - bank_bytes) / align * align;
        if (bank_bytes > l1_buffer_floor || floor < spec.l1_unreserved_base)
            throw tt::Error(tt::ErrorKind::Validation,
                            std::string("out of L1: ") + (buf->sharded() ? "a sharded" : "an interleaved") +
                                " L1 buffer of " + std::to_string(size) + " bytes needs " + std::to_string(bank_bytes) +
                                " bytes per core; " +
                                std::to_string(l1_buffer_floor > spec.l1_unreserved_base
                                                   ? l1_buffer_floor - spec.l1_unreserved_base
                                                   : 0) +
                                " are free on " + spec.name);
        l1_buffer_floor = static_cast<uint32_t>(floor);
        buf->address = floor;
    }
    buffers.push_back(buf);
    return buf;
}

const BufferState *DeviceState::buffer_at(BufferType type, uint32_t bank, uint64_t addr, uint64_t size) const {
    for (const auto &b : buffers) {
        if (!b->live || b->type != type || bank >= b->num_banks) continue;
        const uint64_t end = b->address + uint64_t(b->pages_in_bank(bank)) * b->aligned_page_size;
        if (addr >= b->address && addr + size <= end) return b.get();
    }
    return nullptr;
}

std::shared_ptr<DeviceState> open_device(const std::string &name) {
    // One device per process: its L1 view occupies fixed virtual addresses.
    static std::mutex mutex;
    static std::shared_ptr<DeviceState> device;
    std::lock_guard<std::mutex> lock(mutex);
    std::string wanted = name;
    if (wanted.empty()) {
        const char *env = std::getenv("TT_SIM_DEVICE");
        wanted = env && *env ? env : "n150";
    }
    const tt::target::DeviceSpec &spec = tt::target::lookup_device(wanted);
    if (!device || &device->spec != &spec) {
        device.reset();
        device = std::make_shared<DeviceState>(spec);
    } else {
        // Reopening starts from empty memory, as a fresh device would.
        device->buffers.clear();
        device->next_dram_address = kDramBase;
        device->l1_buffer_floor = spec.l1_bytes;
    }
    return device;
}

}  // namespace tt_sim
