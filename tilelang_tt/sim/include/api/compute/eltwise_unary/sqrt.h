/*! \file sqrt.h
 *  \brief Square root of a DST tile (TT-Metalium's api/compute/eltwise_unary/sqrt.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void sqrt_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Sqrt, loc); }
template <bool FAST_APPROX = false>
ALWI void sqrt_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Sqrt, idst, 0, loc);
}

}  // namespace ckernel
