/*! \file binop_with_scalar.h
 *  \brief Arithmetic of a DST tile with a scalar (TT-Metalium's
 *  api/compute/eltwise_unary/binop_with_scalar.h); `param1` is the scalar's IEEE-754 bits. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

#define TT_SIM_SCALAR_OP(name, op)                                                   \
    ALWI void name##_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {  \
        sk::sfpu_unary(tt_sim::SfpuOp::op, idst, param1, loc);                      \
    }
TT_SIM_SCALAR_OP(add_unary, AddScalar)
TT_SIM_SCALAR_OP(sub_unary, SubScalar)
TT_SIM_SCALAR_OP(mul_unary, MulScalar)
TT_SIM_SCALAR_OP(div_unary, DivScalar)
TT_SIM_SCALAR_OP(rsub_unary, RsubScalar)
#undef TT_SIM_SCALAR_OP

/*! \brief One init for all five scalar ops. */
ALWI void binop_with_scalar_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::AddScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::SubScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::MulScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::DivScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::RsubScalar, loc);
}

}  // namespace ckernel
