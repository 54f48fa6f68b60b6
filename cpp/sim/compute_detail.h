/*! \file compute_detail.h
 *  \brief Helpers the compute kernel API's files share (compute.cc, sfpu.cc): access to the
 *  running compute kernel's state and the checks every math op makes. */
#pragma once

#include "sim/numerics.h"
#include "sim/runtime.h"

namespace tt_sim::k::compute_detail {

using Dst = ComputeState::Dst;
using Math = ComputeState::Math;

/*! \brief The running kernel's compute state; fails when called from a data-movement kernel. */
ComputeState &compute_state(const char *call, const Loc &loc);
/*! \brief Fails unless DST is acquired for math and `dst` is within its capacity. */
void require_math(ComputeState &cs, uint32_t dst, const char *call, const Loc &loc);
/*! \brief Rounds a value to what DST holds (fp32, or bf16/fp16 in 16-bit mode). */
float to_dst(const ComputeState &cs, float v);
/*! \brief Counts one tile op of kind `op` and its roofline cycles. */
void count(const char *op, uint64_t cycles);

}  // namespace tt_sim::k::compute_detail
