/*! \file exp.h
 *  \brief e^x on a DST tile (TT-Metalium's api/compute/eltwise_unary/exp.h). The simulator computes
 *  the exact function whatever the approximation flags say. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

enum class InputClamping : uint8_t {
    ClampToNegative = 1,
    None = 0,
};

template <bool approx = false, bool fast_and_approx = true, uint32_t scale = 0x3F800000,
          InputClamping input_clamping = InputClamping::ClampToNegative>
ALWI void exp_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Exp, loc);
}
template <bool approx = false, bool fast_and_approx = true, bool scale_en = false, bool skip_positive_check = false,
          InputClamping input_clamping = InputClamping::ClampToNegative, int iterations = 8>
ALWI void exp_tile(uint32_t idst, int vector_mode = (int)VectorMode::RC, uint16_t scale = p_sfpu::kCONST_1_FP16B,
                   Loc loc = Loc::here()) {
    detail::require_whole_tile(vector_mode, "exp_tile", loc);
    if (scale_en && scale != p_sfpu::kCONST_1_FP16B) sk::not_modelled("exp_tile", "a scale other than 1.0", loc);
    sk::sfpu_unary(tt_sim::SfpuOp::Exp, idst, 0, loc);
}

}  // namespace ckernel
