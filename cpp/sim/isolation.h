/*! \file isolation.h
 *  \brief Runs a program's kernels in a forked child process, so that a kernel which crashes
 *  (null pointer, division by zero, stack overflow, abort), ends the process (exit) or loops
 *  forever without yielding cannot take the host process down or hang it. Device memory is shared
 *  with the child (L1 and DRAM live in shared-memory files), so results need no copying; the child
 *  sends back its statistics or the error it raised, and faults become located SimulationErrors.
 *
 *  Environment: TT_SIM_WATCHDOG_SECONDS (default 300; 0 disables) is how long one kernel may run
 *  without yielding to the scheduler (a blocking call or its end) before the run is stopped;
 *  TT_SIM_ISOLATE=0 runs kernels in the calling process (for debuggers; no fault isolation).
 */
#pragma once

#include <functional>
#include <vector>

#include "sim/runtime.h"

namespace tt_sim {

/*! \brief Runs `schedule_all` (which resumes the instances of `schedule` until all finish and
 *  throws on protocol errors) in a child process and returns once it has finished. Instance
 *  statistics and the scheduler step count come back from the child; a tt::Error the child raises
 *  is rethrown here; a fault, an exit or a watchdog expiry becomes a SimulationError naming the
 *  core, the kernel and, when its line tables allow, the kernel source line. */
void run_isolated(const std::vector<KernelInstance *> &schedule, uint64_t &steps,
                  const std::function<void()> &schedule_all);

/*! \brief Whether kernels run in child processes (TT_SIM_ISOLATE is not 0). */
bool isolation_enabled();

/*! \brief Runs `run_part(i)` for every part i at once, each in its own child process, part i owning
 *  the instances `slots[i]` of `schedule`. When every part finished, their statistics are restored
 *  into those instances, `steps` becomes the sum of the parts' steps and the result is true. When a
 *  part raised an error, faulted, ended or reported a PartitionConflict, the other parts are
 *  stopped, nothing is restored and the result is false. A watchdog expiry is thrown, located, as
 *  run_isolated throws it. */
bool run_isolated_parts(const std::vector<KernelInstance *> &schedule, const std::vector<std::vector<size_t>> &slots,
                        uint64_t &steps, const std::function<void(size_t)> &run_part);

/*! \brief Tells the watchdog that `schedule[slot]` is about to run (call before every resume). */
void note_slice(size_t slot);

}  // namespace tt_sim
