/*! \file compute_kernel_api.h
 *  \brief SFPU functions TT-Metalium v0.67 declares in api/compute/compute_kernel_api.h itself
 *  (sigmoid, log, tanh, abs, square, power, exp2, expm1, silu, unary_max, unary_min), for the ones the
 *  simulator models.
 *  It computes the exact function whatever the approximation flags say. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool fast_and_approx = false>
ALWI void sigmoid_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Sigmoid, loc);
}
template <int vec_mode = VectorMode::RC, bool fast_and_approx = false>
ALWI void sigmoid_tile(uint32_t idst, Loc loc = Loc::here()) {
    if (vec_mode != VectorMode::RC) sk::not_modelled("sigmoid_tile", "a vec_mode other than VectorMode::RC", loc);
    sk::sfpu_unary(tt_sim::SfpuOp::Sigmoid, idst, 0, loc);
}
template <bool fast_and_approx = false>
ALWI void log_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Log, loc);
}
template <bool fast_and_approx = false>
ALWI void log_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Log, idst, 0, loc);
}
template <bool fast_and_approx = false>
ALWI void tanh_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Tanh, loc);
}
template <bool fast_and_approx = false>
ALWI void tanh_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Tanh, idst, 0, loc);
}
ALWI void abs_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Abs, idst, 0, loc); }
ALWI void abs_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Abs, loc); }
ALWI void square_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Square, idst, 0, loc); }
ALWI void square_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Square, loc); }
/*! \brief x^param0 for an integer exponent param0. */
ALWI void power_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Power, idst, param0, loc);
}
ALWI void power_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Power, loc); }
ALWI void exp2_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Exp2, idst, 0, loc); }
ALWI void exp2_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Exp2, loc); }
template <bool approx = false>
ALWI void expm1_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Expm1, idst, 0, loc);
}
template <bool approx = false>
ALWI void expm1_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Expm1, loc);
}
ALWI void silu_tile(uint32_t idst, Loc loc = Loc::here()) { sk::sfpu_unary(tt_sim::SfpuOp::Silu, idst, 0, loc); }
ALWI void silu_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Silu, loc); }
/*! \brief max(x, value), where param0 holds the IEEE-754 bits of the float value. */
ALWI void unary_max_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryMax, idst, param0, loc);
}
ALWI void unary_max_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::UnaryMax, loc); }
/*! \brief min(x, value), where param0 holds the IEEE-754 bits of the float value. */
ALWI void unary_min_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryMin, idst, param0, loc);
}
ALWI void unary_min_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::UnaryMin, loc); }

}  // namespace ckernel
