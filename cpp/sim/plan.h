/*! \file plan.h
 *  \brief Runs a program given as kernel sources plus a runtime plan (the dict documented in
 *  docs/simulator.md, which the compiler's tt.plan.json follows) with host tensors as inputs. */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/stats.h"

namespace tt_sim {

/*! \brief A row-major host tensor: raw element bytes and shape. Element type follows the plan
 *  buffer's dtype ("bfloat16", "float16": 2 bytes; "float32", "int32", "uint32": 4 bytes;
 *  "bfloat8_b": given and returned as float32). */
struct HostTensor {
    std::vector<int64_t> shape;
    std::vector<uint8_t> data;
};

struct PlanResult {
    std::map<std::string, HostTensor> buffers;  ///< every buffer the caller did not pass in or the program writes
    RunStats stats;
};

/*! \brief Allocates the plan's buffers, uploads `inputs` (tilized when the buffer's tensor layout
 *  is "tile"), builds and runs the program, and reads back every buffer it does not only read (the
 *  inputs it writes too, by their plan "access").
 *  \throws tt::Error: Validation for a malformed plan, Simulation for a faulty program. */
PlanResult run_plan(const nlohmann::json &plan, const std::string &kernel_dir,
                    const std::map<std::string, HostTensor> &inputs, const std::string &device = "");

/*! \brief Row-major tensor (last two dims R x C, zero-padded to tiles) -> tiles in face order. */
std::vector<uint8_t> tilize(const HostTensor &tensor, uint32_t element_bytes);
/*! \brief Inverse of tilize for a tensor of `shape`. */
HostTensor untilize(const std::vector<uint8_t> &tiles, const std::vector<int64_t> &shape, uint32_t element_bytes);

}  // namespace tt_sim
