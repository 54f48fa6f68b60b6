/*! \file binary_max_min.h
 *  \brief SFPU element-wise max and min of two DST tiles (TT-Metalium's api/compute/binary_max_min.h),
 *  for float data; the int32 and uint32 variants are not modelled. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief DST[odst] = max(DST[idst0], DST[idst1]) element-wise. */
ALWI void binary_max_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, int vector_mode = (int)VectorMode::RC,
                          Loc loc = Loc::here()) {
    detail::require_whole_tile(vector_mode, "binary_max_tile", loc);
    sk::sfpu_binary(tt_sim::SfpuOp::BinaryMax, idst0, idst1, odst, loc);
}
ALWI void binary_max_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::BinaryMax, loc); }
/*! \brief DST[odst] = min(DST[idst0], DST[idst1]) element-wise. */
ALWI void binary_min_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, int vector_mode = (int)VectorMode::RC,
                          Loc loc = Loc::here()) {
    detail::require_whole_tile(vector_mode, "binary_min_tile", loc);
    sk::sfpu_binary(tt_sim::SfpuOp::BinaryMin, idst0, idst1, odst, loc);
}
ALWI void binary_min_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::BinaryMin, loc); }

}  // namespace ckernel
