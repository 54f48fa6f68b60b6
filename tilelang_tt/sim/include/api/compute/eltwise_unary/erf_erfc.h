/*! \file erf_erfc.h
 *  \brief The error function and its complement on a DST tile (TT-Metalium's
 *  api/compute/eltwise_unary/erf_erfc.h). The exact functions are computed whatever
 *  fast_and_approx says (the release defaults it to the SFPU's approximation). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool fast_and_approx = true>
ALWI void erf_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Erf, loc);
}
template <bool fast_and_approx = true>
ALWI void erf_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Erf, idst, 0, loc);
}
template <bool fast_and_approx = true>
ALWI void erfc_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Erfc, loc);
}
template <bool fast_and_approx = true>
ALWI void erfc_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Erfc, idst, 0, loc);
}

}  // namespace ckernel
