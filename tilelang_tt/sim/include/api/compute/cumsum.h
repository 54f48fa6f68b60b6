/*! \file cumsum.h
 *  \brief Running sum down each column of a DST tile (TT-Metalium's api/compute/cumsum.h); only a
 *  tile that starts its columns (`first`) is modelled. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief DST[idst][r][c] = the sum of DST[idst][0..r][c]. */
ALWI void cumsum_tile(uint32_t idst, bool first = true, Loc loc = Loc::here()) {
    sk::sfpu_cumsum(idst, first, loc);
}
ALWI void cumsum_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Cumsum, loc);
}

}  // namespace ckernel
