/*! \file eltwise_unary.h
 *  \brief Init for SFPU unary ops (TT-Metalium's api/compute/eltwise_unary/eltwise_unary.h). */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

ALWI void unary_op_init_common(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb, icb, ocb, loc);
    sk::init_copy(icb, false, loc);
}
/*! \brief Generic SFPU init: configure unpack of `icb` into DST and pack to `ocb`. */
ALWI void init_sfpu(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) { unary_op_init_common(icb, ocb, loc); }

}  // namespace ckernel
