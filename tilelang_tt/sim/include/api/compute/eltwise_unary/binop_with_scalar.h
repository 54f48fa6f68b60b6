/*! \file binop_with_scalar.h
 *  \brief Arithmetic of a DST tile with a scalar (TT-Metalium's
 *  api/compute/eltwise_unary/binop_with_scalar.h); `param1` is the scalar's IEEE-754 bits. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void add_unary_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::AddScalar, idst, param1, loc);
}
ALWI void sub_unary_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::SubScalar, idst, param1, loc);
}
ALWI void mul_unary_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::MulScalar, idst, param1, loc);
}
ALWI void div_unary_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::DivScalar, idst, param1, loc);
}
ALWI void rsub_unary_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::RsubScalar, idst, param1, loc);
}

/*! \brief One init for all five scalar ops. */
ALWI void binop_with_scalar_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::AddScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::SubScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::MulScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::DivScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::RsubScalar, loc);
}

}  // namespace ckernel
