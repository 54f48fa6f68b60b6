/*! \file parallel.h
 *  \brief Runs a program's cores in several processes at once when that cannot change a result.
 *
 *  The simulated L1 and DRAM are shared-memory files, so child processes can each run a part of
 *  the cores, with every core's L1 mapped at its device addresses in its own process. A program
 *  qualifies when it creates no semaphores (so no core can wait on another) and is not traced;
 *  cores are dealt to the parts in turn. While the parts run, every DRAM access is marked per
 *  32-byte granule and part, and a NoC access to the L1 of a core in another part stops that part.
 *  The parallel run counts only when every part finished without an error, no part touched
 *  another's cores and no DRAM granule written by one part was read or written by another: then
 *  every core saw exactly the data it sees in the serial schedule, and the results, statistics and
 *  step count are those of the serial schedule. Otherwise DRAM and the L1 buffers are restored to
 *  their state before the run and the caller runs the program serially, which also reports any
 *  error exactly as the serial schedule does.
 *
 *  Environment: TT_SIM_PROCESSES caps the number of processes (default: the CPUs this process may
 *  use; 1 runs every program serially).
 */
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/runtime.h"

namespace tt_sim {

/*! \brief This process's share of a run split over processes (Run::partition, set in each part). */
struct Partition {
    std::vector<int> part_of_core;  ///< per core index; -1 for cores without kernels
    int mine = 0;
    uint8_t *dram_marks = nullptr;  ///< this part's marks: one byte per DRAM granule of each bank
    uint64_t dram_base = 0;         ///< first DRAM address marked (the same in every bank)
    uint64_t granules_per_bank = 0;
};

/*! \brief Thrown in a part that reached the L1 of a core of another part: the run goes serial. */
struct PartitionConflict {};

/*! \brief Records a DRAM access of the running kernel (no-op unless the run is split). */
void note_dram_access(uint32_t bank, uint64_t address, uint64_t size, bool write);
/*! \brief Records a NoC access to the L1 of `core` (throws PartitionConflict if another part owns it). */
void note_core_access(int core);

/*! \brief Runs `run_cores(cores)` for parts of `cores` (core indices in schedule order) in child
 *  processes at once, if the program qualifies. Returns the number of parts, or 0 when it did not
 *  run in parts or the parallel run did not count (device memory then restored): the caller then
 *  runs it serially. */
size_t run_in_parts(Run &run, const ProgramState &program, const std::vector<KernelInstance *> &schedule,
                    const std::vector<int> &cores, uint64_t &steps,
                    const std::function<void(const std::vector<int> &)> &run_cores);

}  // namespace tt_sim
