/*! \file gelu.h
 *  \brief GELU on a DST tile (TT-Metalium's api/compute/eltwise_unary/gelu.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool fast_and_approx = true>
ALWI void gelu_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Gelu, loc);
}
template <bool fast_and_approx = true>
ALWI void gelu_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Gelu, idst, 0, loc);
}

}  // namespace ckernel
