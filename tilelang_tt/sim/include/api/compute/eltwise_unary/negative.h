/*! \file negative.h
 *  \brief -x on a DST tile (TT-Metalium's api/compute/eltwise_unary/negative.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void negative_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Neg, loc); }
ALWI void negative_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Neg, idst, 0, loc); }

}  // namespace ckernel
