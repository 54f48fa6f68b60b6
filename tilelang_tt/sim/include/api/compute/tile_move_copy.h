/*! \file tile_move_copy.h
 *  \brief Copying CB tiles into DST (TT-Metalium's api/compute/tile_move_copy.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void copy_tile_to_dst_init_short(uint32_t cbid, uint32_t transpose = 0, uint32_t transpose_within_16x16_face = false,
                                      Loc loc = Loc::here()) {
    (void)transpose_within_16x16_face;
    sk::init_copy(cbid, transpose != 0, loc);
}
ALWI void copy_tile_init(uint32_t cbid, Loc loc = Loc::here()) { sk::init_copy(cbid, false, loc); }
ALWI void copy_tile_to_dst_init_short_with_dt(uint32_t old_cbid, uint32_t new_cbid, uint32_t transpose = 0,
                                              Loc loc = Loc::here()) {
    (void)old_cbid;
    sk::reconfig_unpack(new_cbid, -1, loc);
    sk::init_copy(new_cbid, transpose != 0, loc);
}
/*! \brief DST[dst_tile_index] = tile `in_tile_index` of CB `in_cb_id` (counted from the front). */
ALWI void copy_tile(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index, Loc loc = Loc::here()) {
    sk::copy_tile(in_cb_id, in_tile_index, dst_tile_index, loc);
}
/*! \brief Copy `ntiles` matmul partials from CB `in_cb_id` into DST (for partial-sum reload). */
ALWI void copy_block_matmul_partials(uint32_t in_cb_id, uint32_t start_in_tile_index, uint32_t start_dst_tile_index,
                                     uint32_t ntiles, Loc loc = Loc::here()) {
    for (uint32_t i = 0; i < ntiles; ++i) sk::copy_tile(in_cb_id, start_in_tile_index + i, start_dst_tile_index + i, loc);
}

}  // namespace ckernel
