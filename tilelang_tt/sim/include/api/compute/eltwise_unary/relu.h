/*! \file relu.h
 *  \brief ReLU family on a DST tile (TT-Metalium's api/compute/eltwise_unary/relu.h). `param0` and
 *  `slope` are IEEE-754 bit patterns of floats. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void relu_max_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::ReluMax, idst, param0, loc);
}
ALWI void relu_max_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::ReluMax, loc); }
ALWI void relu_min_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::ReluMin, idst, param0, loc);
}
ALWI void relu_min_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::ReluMin, loc); }
ALWI void relu_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Relu, idst, 0, loc); }
ALWI void relu_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Relu, loc); }
ALWI void leaky_relu_tile(uint32_t idst, uint32_t slope = 0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::LeakyRelu, idst, slope, loc);
}
ALWI void leaky_relu_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::LeakyRelu, loc); }

}  // namespace ckernel
