/*! \file eltwise_binary_sfpu.h
 *  \brief SFPU binary ops on two DST tiles (TT-Metalium's api/compute/eltwise_binary_sfpu.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void add_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, Loc loc = Loc::here()) {
    sk::sfpu_binary(tt_sim::SfpuOp::BinaryAdd, idst0, idst1, odst, loc);
}
ALWI void sub_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, Loc loc = Loc::here()) {
    sk::sfpu_binary(tt_sim::SfpuOp::BinarySub, idst0, idst1, odst, loc);
}
ALWI void mul_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, Loc loc = Loc::here()) {
    sk::sfpu_binary(tt_sim::SfpuOp::BinaryMul, idst0, idst1, odst, loc);
}
ALWI void div_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, Loc loc = Loc::here()) {
    sk::sfpu_binary(tt_sim::SfpuOp::BinaryDiv, idst0, idst1, odst, loc);
}
ALWI void add_binary_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::BinaryAdd, loc); }
ALWI void sub_binary_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::BinarySub, loc); }
ALWI void mul_binary_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::BinaryMul, loc); }
ALWI void div_binary_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::BinaryDiv, loc); }

}  // namespace ckernel
