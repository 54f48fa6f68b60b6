/*! \file recip.h
 *  \brief 1/x on a DST tile (TT-Metalium's api/compute/eltwise_unary/recip.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool legacy_compat = true>
ALWI void recip_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Recip, loc);
}
template <bool legacy_compat = true>
ALWI void recip_tile(uint32_t idst, int vector_mode = (int)VectorMode::RC, Loc loc = Loc::here()) {
    detail::require_whole_tile(vector_mode, "recip_tile", loc);
    sk::sfpu_unary(tt_sim::SfpuOp::Recip, idst, 0, loc);
}

}  // namespace ckernel
