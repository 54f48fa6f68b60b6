/*! \file races.h
 *  \brief The simulator's check that a program orders its DRAM writes before the accesses that
 *  depend on them, as the hardware requires.
 *
 *  The simulator copies a NoC transfer when it is issued and runs the kernels in one fixed order,
 *  so a read that the program does not order after a write of the same bytes still sees the write
 *  here; on the device the kernels run concurrently and the read may come first. This check makes
 *  such programs fail instead of passing by luck. It follows the happens-before order the
 *  TT-Metalium kernel API gives (vector clocks, one component per kernel instance):
 *  - a CB page passes its producer's knowledge to its consumer (cb_push_back releases,
 *    cb_wait_front acquires) and the freed pages pass the consumer's back (cb_pop_front releases,
 *    cb_reserve_back acquires);
 *  - a semaphore passes the knowledge of whoever set or incremented it (noc_semaphore_set,
 *    noc_semaphore_inc, a multicast to it) to whoever waits on it (noc_semaphore_wait(_min));
 *  - a DRAM write is known to have landed only after its kernel's noc_async_write_barrier: a
 *    release while writes are unacknowledged passes on the kernel's knowledge from before them.
 *  A DRAM read or write by one kernel of bytes another kernel wrote, where that write is not
 *  ordered before it, is a SimulationError at the access naming both kernels and the write's line.
 *  Accesses by one kernel are in program order; DRAM the host wrote before the launch is ordered
 *  before every kernel. When the cores run split over processes (parallel.h) each part checks its
 *  own cores: a race between parts is one between blocks that share no data by construction.
 */
#pragma once

#include <cstdint>

#include "sim/runtime.h"

namespace tt_sim::races {

/*! \brief Starts the check for `run` (its instances created): every clock at its start. */
void begin(Run &run);

/*! \brief The current kernel releases what it knows into CB `cb` of its core (push: to the
 *  consumer; pop: to the producer). */
void release_cb(int cb, bool push);
/*! \brief The current kernel acquires what CB `cb` of its core carries (wait: from the producer;
 *  reserve: from the consumer). */
void acquire_cb(int cb, bool wait);
/*! \brief The current kernel releases what it knows into the semaphore word at `l1_address` of
 *  `core` (local or remote). Addresses outside the semaphore area are ignored. */
void release_semaphore(int core, uint32_t l1_address);
/*! \brief The current kernel acquires what the semaphore word at `l1_address` of its core carries. */
void acquire_semaphore(uint32_t l1_address);
/*! \brief The current kernel's writes so far have landed (noc_async_write_barrier). */
void writes_landed();
/*! \brief Checks and records the current kernel's access of `size` bytes at `address` of DRAM
 *  bank `bank`; a SimulationError (fail) when it races a write of another kernel. */
void dram_access(uint32_t bank, uint32_t address, uint32_t size, bool write, const char *call, const Loc &loc);

}  // namespace tt_sim::races
