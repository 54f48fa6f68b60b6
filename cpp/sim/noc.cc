// Kernel API: NoC transfers, address helpers and semaphores. Transfers copy at issue time; what the
// kernel must still wait for is tracked so that using a page before its barrier is reported.
#include <cstring>
#include <sstream>

#include "sim/parallel.h"
#include "sim/races.h"
#include "sim/runtime.h"

uint8_t my_x[2] = {0, 0};
uint8_t my_y[2] = {0, 0};

namespace tt_sim::k {

namespace {

struct Endpoint {
    bool dram = false;
    uint32_t bank_or_core = 0;
    uint32_t local = 0;
};

std::string hex(uint64_t v) {
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

uint64_t encode(uint32_t x, uint32_t y, uint64_t local) {
    return (uint64_t(y) << (noc_addr::kLocalBits + noc_addr::kNodeIdBits)) | (uint64_t(x) << noc_addr::kLocalBits) |
           (local & noc_addr::kLocalMask);
}

Endpoint decode(uint64_t addr, const char *call, const Loc &loc) {
    if (addr & noc_addr::kMulticastFlag) fail(call, loc, "a multicast NoC address cannot be used here");
    const uint32_t x = noc_addr::unicast_x(addr), y = noc_addr::unicast_y(addr);
    Endpoint e;
    e.local = static_cast<uint32_t>(addr & noc_addr::kLocalMask);
    const DeviceState &dev = *current_run().device;
    if (x == noc_addr::kDramColumn) {
        if (y >= static_cast<uint32_t>(dev.spec.dram_banks))
            fail(call, loc,
                 "NoC address " + hex(addr) + " names DRAM bank " + std::to_string(y) + "; " + dev.spec.name + " has " +
                     std::to_string(dev.spec.dram_banks));
        e.dram = true;
        e.bank_or_core = y;
        return e;
    }
    const int core = dev.core_at_noc(x, y);
    if (core < 0)
        fail(call, loc,
             "NoC address " + hex(addr) + " targets physical (" + std::to_string(x) + "," + std::to_string(y) +
                 "), which is neither a worker core nor a DRAM bank (use worker_core_from_logical_core)");
    e.bank_or_core = static_cast<uint32_t>(core);
    return e;
}

void check_l1(uint32_t addr, uint32_t size, const char *call, const Loc &loc, const char *what) {
    const uint32_t l1 = current_run().device->spec.l1_bytes;
    if (addr < kL1ViewStart || uint64_t(addr) + size > l1)
        fail(call, loc,
             std::string("L1 out of bounds: ") + what + " [" + hex(addr) + ", " + hex(uint64_t(addr) + size) +
                 ") is outside the usable L1 [" + hex(kL1ViewStart) + ", " + hex(l1) + ")");
}

/*! Host pointer to `size` bytes at `e` that the kernel reads or (`write`) writes, after bounds checks. */
uint8_t *resolve(const Endpoint &e, uint32_t size, bool write, const char *call, const Loc &loc) {
    DeviceState &dev = *current_run().device;
    if (e.dram) {
        if (!dev.buffer_at(BufferType::DRAM, e.bank_or_core, e.local, size))
            fail(call, loc,
                 "DRAM access of " + std::to_string(size) + " bytes at bank " + std::to_string(e.bank_or_core) +
                     ", address " + hex(e.local) + " is outside every DRAM buffer");
        note_dram_access(e.bank_or_core, e.local, size, write);
        races::dram_access(e.bank_or_core, e.local, size, write, call, loc);
        return dev.memory.dram(e.bank_or_core, e.local, size);
    }
    check_l1(e.local, size, call, loc, "remote address");
    note_core_access(static_cast<int>(e.bank_or_core));
    if (write) races::release_semaphore(static_cast<int>(e.bank_or_core), e.local);
    return dev.memory.l1(static_cast<int>(e.bank_or_core), e.local);
}

}  // namespace

void noc_read(uint64_t src_noc_addr, uint32_t dst_l1, uint32_t size, uint8_t, Loc loc) {
    KernelInstance &k = current_kernel();
    const Endpoint src = decode(src_noc_addr, "noc_async_read", loc);
    check_l1(dst_l1, size, "noc_async_read", loc, "destination");
    std::memmove(current_run().device->memory.l1(k.core, dst_l1), resolve(src, size, false, "noc_async_read", loc),
                 size);
    (src.dram ? k.stats.dram_read_bytes : k.stats.noc_read_bytes) += size;
    cost::transfer(src.dram ? cost::Transfer::DramRead : cost::Transfer::L1Read, size);
    if (!src.dram && static_cast<int>(src.bank_or_core) == k.core) k.stats.noc_local_bytes += size;
    k.pending_reads.push_back({dst_l1, dst_l1 + size, loc});
}

void noc_write(uint32_t src_l1, uint64_t dst_noc_addr, uint32_t size, uint8_t, Loc loc) {
    KernelInstance &k = current_kernel();
    const Endpoint dst = decode(dst_noc_addr, "noc_async_write", loc);
    check_l1(src_l1, size, "noc_async_write", loc, "source");
    std::memmove(resolve(dst, size, true, "noc_async_write", loc), current_run().device->memory.l1(k.core, src_l1),
                 size);
    (dst.dram ? k.stats.dram_write_bytes : k.stats.noc_write_bytes) += size;
    cost::transfer(dst.dram ? cost::Transfer::DramWrite : cost::Transfer::L1Write, size);
    if (!dst.dram && static_cast<int>(dst.bank_or_core) == k.core) k.stats.noc_local_bytes += size;
    k.pending_writes.push_back({src_l1, src_l1 + size, loc});
}

void noc_write_multicast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, bool include_self, uint8_t,
                         Loc loc) {
    const char *call = include_self ? "noc_async_write_multicast_loopback_src" : "noc_async_write_multicast";
    KernelInstance &k = current_kernel();
    DeviceState &dev = *current_run().device;
    if (!(dst & noc_addr::kMulticastFlag))
        fail(call, loc, "the destination is not a multicast address (get_noc_multicast_addr)");
    const uint32_t x_end = (dst >> 36) & 0x3f, y_end = (dst >> 42) & 0x3f, x_start = (dst >> 48) & 0x3f,
                   y_start = (dst >> 54) & 0x3f, local = static_cast<uint32_t>(dst & noc_addr::kLocalMask);
    check_l1(src_l1, size, call, loc, "source");
    check_l1(local, size, call, loc, "destination");
    uint32_t reached = 0;
    for (uint32_t y = std::min(y_start, y_end); y <= std::max(y_start, y_end); ++y)
        for (uint32_t x = std::min(x_start, x_end); x <= std::max(x_start, x_end); ++x) {
            const int core = dev.core_at_noc(x, y);
            if (core == k.core && !include_self)
                fail(call, loc,
                     "the sender (" + std::to_string(x) + "," + std::to_string(y) + ") lies in the rectangle (" +
                         std::to_string(x_start) + "," + std::to_string(y_start) + ")-(" + std::to_string(x_end) +
                         "," + std::to_string(y_end) + "), which this call cannot write to; leave it out of the "
                         "rectangle, or use the _loopback_src form and count it in num_dests");
            if (core < 0) continue;
            note_core_access(core);
            std::memmove(dev.memory.l1(core, local), dev.memory.l1(k.core, src_l1), size);
            races::release_semaphore(core, local);
            ++reached;
        }
    if (reached != num_dests)
        fail(call, loc,
             "the rectangle (" + std::to_string(x_start) + "," + std::to_string(y_start) + ")-(" +
                 std::to_string(x_end) + "," + std::to_string(y_end) + ") holds " + std::to_string(reached) +
                 " destination core(s) but num_dests is " + std::to_string(num_dests) +
                 (include_self ? "" : " (num_dests must not count the sender)"));
    k.stats.noc_write_bytes += uint64_t(size) * reached;
    cost::transfer(cost::Transfer::Multicast, size);
    if (reached > 0) k.stats.noc_multicast_copy_bytes += uint64_t(size) * (reached - 1);
    k.pending_writes.push_back({src_l1, src_l1 + size, loc});
}

void noc_read_barrier(Loc) {
    current_kernel().pending_reads.clear();
    cost::barrier();
}

void noc_write_barrier(Loc) {
    current_kernel().pending_writes.clear();
    races::writes_landed();
    cost::barrier();
}

void noc_writes_flushed(Loc) {
    current_kernel().pending_writes.clear();
    cost::barrier();
}

uint64_t core_noc_addr(uint32_t x, uint32_t y, uint32_t addr) {
    return encode(x, y, addr);
}

uint64_t multicast_noc_addr(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end, uint32_t addr) {
    return noc_addr::kMulticastFlag | (uint64_t(y_start) << 54) | (uint64_t(x_start) << 48) |
           encode(x_end, y_end, addr);
}

uint64_t local_noc_addr(uint32_t addr) {
    return encode(my_x[0], my_y[0], addr);
}

uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t offset, Loc loc) {
    const auto &spec = current_run().device->spec;
    const uint32_t banks = dram ? spec.dram_banks : spec.num_cores();
    if (bank >= banks)
        fail("get_noc_addr_from_bank_id", loc,
             "bank " + std::to_string(bank) + " does not exist; " + spec.name + " has " + std::to_string(banks) +
                 (dram ? " DRAM banks" : " L1 banks"));
    if (dram) return encode(noc_addr::kDramColumn, bank, offset);
    return encode(spec.worker_noc_x[bank % spec.grid_x], spec.worker_noc_y[bank / spec.grid_x], offset);
}

void check_page_id(uint32_t page_id, uint32_t num_pages, const char *call, Loc loc) {
    if (page_id >= num_pages)
        fail(call, loc, "page or shard " + std::to_string(page_id) + " is beyond the tensor's " + std::to_string(num_pages));
}

uint64_t interleaved_page_noc_addr(bool dram, uint32_t base, uint32_t page_size, uint32_t page_id, uint32_t offset,
                                   Loc loc) {
    const DeviceState &dev = *current_run().device;
    const BufferState *buffer = nullptr;
    for (const auto &b : dev.buffers)
        if (b->live && b->address == base && (b->type == BufferType::DRAM) == dram) buffer = b.get();
    if (!buffer)
        fail("TensorAccessor::get_noc_addr", loc,
             std::string("no ") + (dram ? "DRAM" : "L1") + " buffer starts at address " + hex(base) +
                 " (wrong base address, or DRAM/L1 mixed up)");
    if (buffer->sharded())
        fail("TensorAccessor::get_noc_addr", loc,
             "the L1 buffer at " + hex(base) +
                 " is sharded, but the accessor's arguments are interleaved (pass TensorAccessorArgs of the buffer)");
    if (page_id >= buffer->num_pages)
        fail("TensorAccessor::get_noc_addr", loc,
             "page " + std::to_string(page_id) + " is beyond the " + std::to_string(buffer->num_pages) +
                 " pages of the buffer at " + hex(base));
    const uint32_t align = dram ? dev.spec.dram_alignment : dev.spec.l1_alignment;
    const uint32_t aligned = (page_size + align - 1) / align * align;
    const uint32_t bank = page_id % buffer->num_banks;
    return bank_noc_addr(dram, bank, base + (page_id / buffer->num_banks) * aligned + offset, loc);
}

uint32_t local_l1_address(uint64_t noc_addr, const char *call, const char *what, Loc loc) {
    const Endpoint e = decode(noc_addr, call, loc);
    if (e.dram || static_cast<int>(e.bank_or_core) != current_kernel().core)
        fail(call, loc,
             std::string(what) + " is at NoC address " + hex(noc_addr) + ", " +
                 (e.dram ? "in DRAM bank " + std::to_string(e.bank_or_core) : std::string("in another core's L1")) +
                 ", but a local L1 address is needed: this side of the transfer must be in the core's own L1");
    return e.local;
}

void check_noc_index(uint32_t noc, const char *call, Loc loc) {
    if (noc > 1) fail(call, loc, "NoC " + std::to_string(noc) + " does not exist (a Tensix core has NoC 0 and NoC 1)");
}

uint32_t semaphore_address(uint32_t id, Loc loc) {
    if (id >= current_run().num_semaphores)
        fail("get_semaphore", loc,
             "semaphore " + std::to_string(id) + " was not created (the program has " +
                 std::to_string(current_run().num_semaphores) + ")");
    return kSemaphoreBase + id * kSemaphoreStride;
}

void semaphore_wait(volatile uint32_t *addr, uint32_t value, bool at_least, Loc loc) {
    const char *call = at_least ? "noc_semaphore_wait_min" : "noc_semaphore_wait";
    const uint32_t device_addr = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(addr));
    check_l1(device_addr, 4, call, loc, "semaphore");
    // Read through the runtime's mapping: the scheduler evaluates this while another core is shown.
    const uint32_t *word =
        reinterpret_cast<const uint32_t *>(current_run().device->memory.l1(current_kernel().core, device_addr));
    block_until(
        call, loc, [word, value, at_least]() { return at_least ? *word >= value : *word == value; },
        [word, value, at_least]() {
            return "semaphore holds " + std::to_string(*word) + ", waiting for " + (at_least ? ">= " : "") +
                   std::to_string(value);
        });
    races::acquire_semaphore(device_addr);
}

void semaphore_set(volatile uint32_t *addr, uint32_t value, Loc loc) {
    const uint32_t device_addr = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(addr));
    check_l1(device_addr, 4, "noc_semaphore_set", loc, "semaphore");
    std::memcpy(current_run().device->memory.l1(current_kernel().core, device_addr), &value, 4);
    races::release_semaphore(current_kernel().core, device_addr);
}

void semaphore_inc(uint64_t noc_addr_value, uint32_t increment, Loc loc) {
    const Endpoint e = decode(noc_addr_value, "noc_semaphore_inc", loc);
    if (e.dram) fail("noc_semaphore_inc", loc, "semaphores live in L1; this address is in DRAM");
    check_l1(e.local, 4, "noc_semaphore_inc", loc, "semaphore");
    note_core_access(static_cast<int>(e.bank_or_core));
    uint32_t *word =
        reinterpret_cast<uint32_t *>(current_run().device->memory.l1(static_cast<int>(e.bank_or_core), e.local));
    *word += increment;
    races::release_semaphore(static_cast<int>(e.bank_or_core), e.local);
    cost::transfer(cost::Transfer::L1Write, 4);
}

}  // namespace tt_sim::k
