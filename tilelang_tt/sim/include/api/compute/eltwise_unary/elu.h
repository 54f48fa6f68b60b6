/*! \file elu.h
 *  \brief ELU on a DST tile (TT-Metalium's api/compute/eltwise_unary/elu.h); `param0` is the bit
 *  pattern of alpha. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void elu_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Elu, idst, param0, loc);
}
ALWI void elu_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Elu, loc); }

}  // namespace ckernel
