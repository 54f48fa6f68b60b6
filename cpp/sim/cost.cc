// The cost model's charges per kernel instance (cost.h); numbers from the device's CostNumbers.
#include "sim/cost.h"

#include <algorithm>
#include <cmath>

#include "sim/runtime.h"

namespace tt_sim::cost {

namespace {

const tt::target::CostNumbers &numbers() {
    return current_run().device->spec.cost;
}

/*! Rounds a clock up to whole cycles for the statistics. */
uint64_t cycles(double t) {
    return static_cast<uint64_t>(std::ceil(t - 1e-9));
}

/*! Writes the clocks into the kernel's statistics. A compute kernel's time is its slowest thread's
 *  clock; a data-movement kernel that ends with transactions in flight still waits for them. */
void settle(KernelInstance &k) {
    const CostClock &c = k.cost;
    k.stats.unpack_cycles = cycles(c.unpack_busy);
    k.stats.math_cycles = cycles(c.math_busy);
    k.stats.pack_cycles = cycles(c.pack_busy);
    const double moved = c.moved + (c.in_flight ? numbers().noc.barrier_cycles : 0);
    k.stats.cost_cycles = cycles(std::max({c.unpack, c.math, c.pack, moved}));
}

/*! Sections math can hold at once: two halves of DST, or all of it with dst_full_sync_en. */
size_t sections(const KernelInstance &k) {
    return k.spec->dst_full_sync_en ? 1 : 2;
}

}  // namespace

void math_op(uint32_t unpack_a, uint32_t unpack_b, double math_cycles) {
    KernelInstance &k = current_kernel();
    const tt::target::CostNumbers &n = numbers();
    const double unpack = n.unpack_cycles(unpack_a, unpack_b);
    CostClock &c = k.cost;
    c.unpack += unpack;
    // The FPU starts once its source registers hold the op's operands.
    c.math = std::max(c.math, c.unpack) + math_cycles;
    c.unpack_busy += unpack;
    c.math_busy += math_cycles;
    settle(k);
}

void pack(uint32_t bytes, bool accumulate) {
    KernelInstance &k = current_kernel();
    const tt::target::CostNumbers &n = numbers();
    const double t = bytes / (accumulate ? n.pack_accumulate_bytes_per_cycle : n.pack_bytes_per_cycle);
    k.cost.pack += t;
    k.cost.pack_busy += t;
    settle(k);
}

void dst_acquire() {
    KernelInstance &k = current_kernel();
    CostClock &c = k.cost;
    // With every section in use, math waits until the packer releases the oldest.
    if (c.releases.size() >= sections(k)) {
        c.math = std::max(c.math, c.releases.front());
        c.releases.pop_front();
    }
    settle(k);
}

void dst_commit() {
    KernelInstance &k = current_kernel();
    k.cost.math += numbers().dst_handoff_cycles;
    k.cost.commits.push_back(k.cost.math);
    ++k.stats.dst_handoffs;
    settle(k);
}

void dst_wait() {
    KernelInstance &k = current_kernel();
    CostClock &c = k.cost;
    if (!c.commits.empty()) {
        c.pack = std::max(c.pack, c.commits.front());
        c.commits.pop_front();
    }
    settle(k);
}

void dst_release() {
    KernelInstance &k = current_kernel();
    CostClock &c = k.cost;
    c.pack += 1;  // the packer's semaphore post back to math
    c.releases.push_back(c.pack);
    // Sections released beyond what math can hold again are free at once; keep the newest.
    while (c.releases.size() > sections(k)) c.releases.pop_front();
    settle(k);
}

void transfer(Transfer kind, uint32_t bytes) {
    KernelInstance &k = current_kernel();
    const tt::target::CostNumbers &n = numbers();
    const double rate = kind == Transfer::DramRead    ? n.noc.dram_read
                        : kind == Transfer::DramWrite ? n.noc.dram_write
                        : kind == Transfer::L1Read    ? n.noc.l1_read
                        : kind == Transfer::L1Write   ? n.noc.l1_write
                                                      : n.noc.multicast;
    k.cost.moved += std::max<double>(n.noc.issue_cycles, bytes / rate);
    k.cost.in_flight = true;
    ++k.stats.noc_transfers;
    settle(k);
}

void barrier() {
    KernelInstance &k = current_kernel();
    if (!k.cost.in_flight) return;
    k.cost.moved += numbers().noc.barrier_cycles;
    k.cost.in_flight = false;
    ++k.stats.noc_barriers;
    settle(k);
}

}  // namespace tt_sim::cost
