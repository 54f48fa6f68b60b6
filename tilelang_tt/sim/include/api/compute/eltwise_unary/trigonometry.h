/*! \file trigonometry.h
 *  \brief sin and cos of a DST tile (TT-Metalium's api/compute/eltwise_unary/trigonometry.h, which
 *  also declares inverse and hyperbolic functions the simulator does not model). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void sin_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Sin, loc); }
ALWI void sin_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Sin, idst, 0, loc); }
ALWI void cos_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Cos, loc); }
ALWI void cos_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Cos, idst, 0, loc); }

}  // namespace ckernel
