/*! \file matmul.h
 *  \brief Tile matrix multiplication (TT-Metalium's api/compute/matmul.h). */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

/*! \brief Full matmul init: unpacker, math and packer for in0 x in1 -> out. */
ALWI void mm_init(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t out_cb_id, const uint32_t transpose = 0,
                  Loc loc = Loc::here()) {
    sk::hw_startup(in0_cb_id, in1_cb_id, out_cb_id, loc);
    sk::init_matmul(in0_cb_id, in1_cb_id, static_cast<int32_t>(out_cb_id), transpose != 0, 1, 1, 1, loc);
}
/*! \brief DST[idst] += in0[in0_tile_index] x in1[in1_tile_index] (tile indices from each CB's
 *  front); the init's `transpose` transposes each in1 tile. */
ALWI void matmul_tiles(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, Loc loc = Loc::here()) {
    sk::matmul_tiles(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, loc);
}
/*! \brief Short matmul init after another op (no data-format reconfiguration). */
ALWI void mm_init_short(uint32_t in0_cb_id, uint32_t in1_cb_id, const uint32_t transpose = 0, Loc loc = Loc::here()) {
    sk::init_matmul(in0_cb_id, in1_cb_id, -1, transpose != 0, 1, 1, 1, loc);
}
/*! \brief Short matmul init that also reconfigures srcA's data format from `c_in_old_srca`. */
ALWI void mm_init_short_with_dt(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t c_in_old_srca,
                                const uint32_t transpose = 0, Loc loc = Loc::here()) {
    (void)c_in_old_srca;
    sk::reconfig_unpack(in1_cb_id, in0_cb_id, loc);
    sk::init_matmul(in0_cb_id, in1_cb_id, -1, transpose != 0, 1, 1, 1, loc);
}
/*! \brief Init for matmul_block with a ct_dim x rt_dim block of output tiles per call. */
ALWI void mm_block_init(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t out_cb_id, const uint32_t transpose = 0,
                        uint32_t ct_dim = 1, uint32_t rt_dim = 1, uint32_t kt_dim = 1, Loc loc = Loc::here()) {
    sk::init_matmul(in0_cb_id, in1_cb_id, static_cast<int32_t>(out_cb_id), transpose != 0, ct_dim, rt_dim, kt_dim,
                    loc);
}
/*! \brief rt_dim x ct_dim output tiles at DST[idst..] += in0 rows (from in0_tile_index, row stride
 *  kt_dim) x in1 columns (from in1_tile_index). */
ALWI void matmul_block(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, const uint32_t transpose, uint32_t ct_dim, uint32_t rt_dim, uint32_t kt_dim,
                       Loc loc = Loc::here()) {
    sk::matmul_block(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, transpose != 0, ct_dim, rt_dim,
                     kt_dim, loc);
}
ALWI void mm_block_init_short(uint32_t in0_cb_id, uint32_t in1_cb_id, const uint32_t transpose = 0,
                              uint32_t ct_dim = 1, uint32_t rt_dim = 1, uint32_t kt_dim = 1, Loc loc = Loc::here()) {
    sk::init_matmul(in0_cb_id, in1_cb_id, -1, transpose != 0, ct_dim, rt_dim, kt_dim, loc);
}
/*! \brief Short block init that also reconfigures srcA's data format from `old_in1_cb_id`. */
ALWI void mm_block_init_short_with_dt(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t old_in1_cb_id,
                                      const uint32_t transpose = 0, uint32_t ct_dim = 1, uint32_t rt_dim = 1,
                                      uint32_t kt_dim = 1, Loc loc = Loc::here()) {
    (void)old_in1_cb_id;
    sk::reconfig_unpack(in1_cb_id, in0_cb_id, loc);
    mm_block_init_short(in0_cb_id, in1_cb_id, transpose, ct_dim, rt_dim, kt_dim, loc);
}

}  // namespace ckernel
