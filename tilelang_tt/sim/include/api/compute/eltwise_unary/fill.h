/*! \file fill.h
 *  \brief Fill a DST tile with a constant (TT-Metalium's api/compute/eltwise_unary/fill.h):
 *  fill_tile takes the value as a float, fill_tile_bitcast its IEEE-754 bits. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void fill_tile_bitcast(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Fill, idst, param0, loc);
}
ALWI void fill_tile(uint32_t idst, float param0, Loc loc = Loc::here()) {
    uint32_t bits;
    __builtin_memcpy(&bits, &param0, sizeof bits);
    fill_tile_bitcast(idst, bits, loc);
}
ALWI void fill_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Fill, loc); }

}  // namespace ckernel
