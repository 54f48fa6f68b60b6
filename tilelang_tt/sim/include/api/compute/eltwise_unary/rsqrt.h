/*! \file rsqrt.h
 *  \brief 1/sqrt(x) on a DST tile (TT-Metalium's api/compute/eltwise_unary/rsqrt.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool legacy_compat = false>
ALWI void rsqrt_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Rsqrt, loc);
}
template <bool legacy_compat = false, bool FAST_APPROX = false>
ALWI void rsqrt_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Rsqrt, idst, 0, loc);
}

}  // namespace ckernel
