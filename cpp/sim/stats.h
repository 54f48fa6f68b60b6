/*! \file stats.h
 *  \brief Statistics of a run: per core and kernel tile-op counts, DRAM/NoC bytes and CB stalls;
 *  a roofline cycle estimate from the device table; an optional Chrome trace (Perfetto).
 */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "target/device.h"

namespace tt_sim {

/*! \brief Counters of one kernel instance. */
struct KernelStats {
    std::map<std::string, uint64_t, std::less<>>
        tile_ops;  ///< "matmul_tiles", "add_tiles", "pack_tile", "sfpu.exp", ...
    uint64_t dram_read_bytes = 0;
    uint64_t dram_write_bytes = 0;
    uint64_t noc_read_bytes = 0;             ///< L1 -> L1 reads (of any core's L1, this one's included)
    uint64_t noc_write_bytes = 0;            ///< L1 -> L1 writes (multicast counted once per destination)
    uint64_t noc_local_bytes = 0;  ///< the part of the L1 reads and writes whose other end is this core's own L1
    /// The part of noc_write_bytes the NoC's routers copy: a multicast to n cores leaves its sender
    /// once, so (n - 1) times its size is delivered without passing the sender's NoC port again.
    uint64_t noc_multicast_copy_bytes = 0;
    std::map<std::string, uint64_t> stalls;  ///< blocking call -> times it had to wait
    uint64_t compute_cycles = 0;             ///< roofline math cycles of this kernel's ops

    // The cost model (cost.h).
    uint64_t unpack_cycles = 0;  ///< cycles the unpackers worked
    uint64_t math_cycles = 0;    ///< cycles the FPU/SFPU worked, copies and moves included
    uint64_t pack_cycles = 0;    ///< cycles the packers worked
    uint64_t dst_handoffs = 0;   ///< DST sections math committed to the packer
    uint64_t noc_transfers = 0;  ///< NoC transactions issued
    uint64_t noc_barriers = 0;   ///< barriers that waited for transactions in flight
    uint64_t cost_cycles = 0;    ///< the kernel's time: its slowest engine's clock, or its data movement's
};

/*! \brief One kernel instance's statistics with where it ran. */
struct KernelRecord {
    int core_x = 0;
    int core_y = 0;
    std::string kernel;  ///< role label
    std::string file;
    KernelStats stats;
};

/*! \brief Statistics of one program run plus its roofline estimate. */
struct RunStats {
    std::string device;
    std::vector<KernelRecord> kernels;
    uint64_t scheduler_steps = 0;
    uint32_t processes = 1;  ///< processes the cores ran in at once (parallel.h); the most of any program
    double wall_seconds = 0;
    double compile_seconds = 0;

    // Roofline (filled by finish_roofline).
    uint64_t compute_cycles = 0;  ///< busiest core's math cycles
    uint64_t noc_cycles = 0;      ///< busiest core's NoC cycles
    uint64_t dram_cycles = 0;     ///< chip DRAM bytes / DRAM bytes per cycle
    uint64_t estimated_cycles = 0;
    std::string bound;  ///< "compute", "noc" or "dram"

    // Cost model (filled by finish_cost).
    uint64_t cost_cycles = 0;       ///< the longer of the busiest core's time and the DRAM time
    uint64_t cost_core_cycles = 0;  ///< the busiest core's time: its slowest kernel's
    uint64_t cost_dram_cycles = 0;  ///< chip DRAM bytes at the bandwidth the chip reaches
    std::string cost_bound;         ///< "unpack", "math", "pack", "noc" (the busiest core's slowest engine) or "dram"
    int cost_core_x = 0;            ///< the busiest core
    int cost_core_y = 0;

    /*! \brief Computes the roofline fields from the counters and the device's numbers. */
    void finish_roofline(const tt::target::DeviceSpec &spec);
    /*! \brief Computes the cost model's fields from the kernels' costs and the device's numbers. */
    void finish_cost(const tt::target::DeviceSpec &spec);
    /*! \brief Adds the run of a program enqueued after this one: its kernels and counters join
     *  these, and the roofline cycles add up (the programs run one after the other); the bound is
     *  that of the longer estimate. */
    void append(const RunStats &next);
    /*! \brief The whole record as JSON (documented in docs/simulator.md). */
    std::string to_json() const;
};

/*! \brief Collects Chrome trace events: one track per core and kernel, one slice per scheduler
 *  step the kernel ran or waited. Time is in scheduler steps (there is no cycle-accurate timing). */
class TraceRecorder {
public:
    bool enabled = false;
    void slice(const std::string &name, int pid, int tid, uint64_t begin, uint64_t end);
    void name_track(int pid, int tid, const std::string &process, const std::string &thread);
    /*! \brief Writes the events as a trace-event JSON file. */
    void write(const std::string &path) const;

private:
    std::vector<std::string> events_;
};

}  // namespace tt_sim
