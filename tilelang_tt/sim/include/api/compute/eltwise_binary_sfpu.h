/*! \file eltwise_binary_sfpu.h
 *  \brief SFPU binary ops on two DST tiles (TT-Metalium's api/compute/eltwise_binary_sfpu.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

#define TT_SIM_SFPU_BINARY(name, op)                                                                      \
    ALWI void name##_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, Loc loc = Loc::here()) {  \
        sk::sfpu_binary(tt_sim::SfpuOp::op, idst0, idst1, odst, loc);                                    \
    }                                                                                                    \
    ALWI void name##_binary_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::op, loc); }
TT_SIM_SFPU_BINARY(add, BinaryAdd)
TT_SIM_SFPU_BINARY(sub, BinarySub)
TT_SIM_SFPU_BINARY(mul, BinaryMul)
TT_SIM_SFPU_BINARY(div, BinaryDiv)
#undef TT_SIM_SFPU_BINARY

}  // namespace ckernel
