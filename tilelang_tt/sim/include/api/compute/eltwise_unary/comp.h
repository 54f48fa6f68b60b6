/*! \file comp.h
 *  \brief Comparisons of DST tiles with a scalar or with zero (TT-Metalium's
 *  api/compute/eltwise_unary/comp.h), for float data: 1.0 where the comparison holds, 0.0 elsewhere.
 *  `param0` is the scalar's IEEE-754 bits. The integer variants are not modelled. */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief DST[idst] = DST[idst] != scalar ? 1 : 0. */
ALWI void unary_ne_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryNe, idst, param0, loc);
}
ALWI void unary_ne_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::UnaryNe, loc);
}

/*! \brief DST[idst] = DST[idst] == scalar ? 1 : 0. */
ALWI void unary_eq_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryEq, idst, param0, loc);
}
ALWI void unary_eq_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::UnaryEq, loc);
}

/*! \brief DST[idst] = DST[idst] > scalar ? 1 : 0. */
ALWI void unary_gt_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryGt, idst, param0, loc);
}
ALWI void unary_gt_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::UnaryGt, loc);
}

/*! \brief DST[idst] = DST[idst] >= scalar ? 1 : 0. */
ALWI void unary_ge_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryGe, idst, param0, loc);
}
ALWI void unary_ge_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::UnaryGe, loc);
}

/*! \brief DST[idst] = DST[idst] < scalar ? 1 : 0. */
ALWI void unary_lt_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryLt, idst, param0, loc);
}
ALWI void unary_lt_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::UnaryLt, loc);
}

/*! \brief DST[idst] = DST[idst] <= scalar ? 1 : 0. */
ALWI void unary_le_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::UnaryLe, idst, param0, loc);
}
ALWI void unary_le_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::UnaryLe, loc);
}

/*! \brief DST[idst] = DST[idst] > 0 ? 1 : 0. */
ALWI void gtz_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Gtz, idst, 0, loc);
}
ALWI void gtz_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Gtz, loc);
}

/*! \brief DST[idst] = DST[idst] != 0 ? 1 : 0. */
ALWI void nez_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Nez, idst, 0, loc);
}
ALWI void nez_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Nez, loc);
}

/*! \brief DST[idst] = DST[idst] >= 0 ? 1 : 0. */
ALWI void gez_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Gez, idst, 0, loc);
}
ALWI void gez_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Gez, loc);
}

/*! \brief DST[idst] = DST[idst] < 0 ? 1 : 0. */
ALWI void ltz_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Ltz, idst, 0, loc);
}
ALWI void ltz_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Ltz, loc);
}

/*! \brief DST[idst] = DST[idst] == 0 ? 1 : 0. */
ALWI void eqz_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Eqz, idst, 0, loc);
}
ALWI void eqz_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Eqz, loc);
}

/*! \brief DST[idst] = DST[idst] <= 0 ? 1 : 0. */
ALWI void lez_tile(uint32_t idst, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Lez, idst, 0, loc);
}
ALWI void lez_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::Lez, loc);
}

}  // namespace ckernel
