/*! \file where.h
 *  \brief The SFPU's select of DST tiles (TT-Metalium's api/compute/eltwise_unary/where.h), for float
 *  data: DataFormat::Float32 when DST holds float32 (fp32_dest_acc_en), Float16_b otherwise. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief DST[odst] = DST[idst0] != 0 ? DST[idst1] : DST[idst2], element-wise. */
template<DataFormat data_format>
ALWI void where_tile(uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst, Loc loc = Loc::here()) {
    static_assert(data_format == DataFormat::Float32 || data_format == DataFormat::Float16_b,
                  "the simulator models where_tile on Float32 and Float16_b data");
    sk::sfpu_where(data_format == DataFormat::Float32, idst0, idst1, idst2, odst, loc);
}
ALWI void where_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Where, loc);
}

}  // namespace ckernel
