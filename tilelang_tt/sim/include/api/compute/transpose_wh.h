/*! \file transpose_wh.h
 *  \brief Tile transpose into DST (TT-Metalium's api/compute/transpose_wh.h). */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

ALWI void transpose_wh_init(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb, icb, ocb, loc);
    sk::init_copy(icb, true, loc);
}
ALWI void transpose_wh_init_short(uint32_t icb, Loc loc = Loc::here()) { sk::init_copy(icb, true, loc); }
/*! \brief DST[idst] = transpose of tile `itile` of CB `icb`. */
ALWI void transpose_wh_tile(uint32_t icb, uint32_t itile, uint32_t idst, Loc loc = Loc::here()) {
    sk::transpose_tile(icb, itile, idst, loc);
}

}  // namespace ckernel
