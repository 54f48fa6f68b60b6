/*! \file session.h
 *  \brief What the host API and the Python bindings share: buffer transfers, running a program
 *  and keeping its statistics. */
#pragma once

#include <cstdint>
#include <string>

#include "sim/runtime.h"

namespace tt_sim {

/*! \brief Copies `bytes` of host data into the buffer's pages (page i -> bank i % banks). */
void write_buffer(const BufferState &buffer, const uint8_t *data, size_t bytes);
/*! \brief Copies the buffer's pages back into `bytes` of host memory. */
void read_buffer(const BufferState &buffer, uint8_t *data, size_t bytes);

/*! \brief Runs a program and records its statistics as the last run's; when TT_SIM_STATS names a
 *  file the statistics JSON is written there too. */
const RunStats &run_and_record(DeviceState &device, const ProgramState &program);

/*! \brief Statistics of the most recent run in this process. */
const RunStats &last_run_stats();

/*! \brief Path of the loaded libtt_metal_sim.so: JIT-compiled kernels and host programs link
 *  against this very copy, so they share one device state. */
std::string runtime_library_path();

}  // namespace tt_sim
