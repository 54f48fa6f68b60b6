/*! \file cost.h
 *  \brief The cost model: what each kernel instance's work costs on the hardware, in cycles.
 *
 *  Requires: the device's CostNumbers (target/device.h); called by the kernel API as it runs
 *  (compute ops, DST handoffs, NoC transfers and barriers) for the current kernel instance.
 *  Guarantees: KernelStats' cost fields hold each engine's busy cycles and the kernel's time; a
 *  compute kernel's three threads (unpack, math, pack) run as a pipeline that DST's sections
 *  couple (two sections, or one with dst_full_sync_en); a data-movement kernel pays each
 *  transaction's bytes at its kind's bandwidth (at least the issue time) and each barrier's
 *  round trip. The run's estimate (RunStats::finish_cost) is the slowest kernel of the busiest core
 *  or the chip's DRAM time, whichever is longer. An estimate of throughput, not a timing simulation:
 *  the kernels of a core are taken to overlap fully through their circular buffers.
 */
#pragma once

#include <cstdint>
#include <deque>

namespace tt_sim {

/*! \brief The cost model's clocks of one kernel instance (cycles since it started). */
struct CostClock {
    double unpack = 0;             ///< when the unpacker is free
    double math = 0;               ///< when the math thread is free
    double pack = 0;               ///< when the packer is free
    std::deque<double> commits;    ///< times math committed DST sections the packer has not waited for
    std::deque<double> releases;   ///< times the packer released DST sections math has not acquired again
    double unpack_busy = 0;        ///< cycles the unpackers worked
    double math_busy = 0;          ///< cycles the FPU/SFPU worked
    double pack_busy = 0;          ///< cycles the packers worked
    double moved = 0;              ///< when the data-movement kernel's transactions are issued
    bool in_flight = false;        ///< transactions issued since the last barrier
};

namespace cost {

/*! \brief Kinds of NoC transaction; each has its own bandwidth. */
enum class Transfer { DramRead, DramWrite, L1Read, L1Write, Multicast };

/*! \brief An FPU or SFPU op of the current compute kernel: the unpackers read `unpack_a` bytes into
 *  srcA (or DST) and `unpack_b` into srcB, then the math thread spends `math_cycles`. */
void math_op(uint32_t unpack_a, uint32_t unpack_b, double math_cycles);
/*! \brief The packer writes `bytes` from DST to L1 (accumulating onto L1 when `accumulate`). */
void pack(uint32_t bytes, bool accumulate);
/*! \brief DST handoffs: math acquires a section (waiting for the packer to have released it), commits
 *  it to the packer, the packer waits for it and releases it. */
void dst_acquire();
void dst_commit();
void dst_wait();
void dst_release();
/*! \brief A NoC transaction of `bytes` issued by the current data-movement kernel. */
void transfer(Transfer kind, uint32_t bytes);
/*! \brief A read or write barrier of the current kernel: waits for its transactions in flight. */
void barrier();

}  // namespace cost
}  // namespace tt_sim
