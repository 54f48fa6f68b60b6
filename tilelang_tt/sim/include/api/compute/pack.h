/*! \file pack.h
 *  \brief Packing DST into CBs (TT-Metalium's api/compute/pack.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief Pack DST[ifrom_dst] into CB `icb` at the reserved back page `output_tile_index`. */
template <bool out_of_order_output = false>
ALWI void pack_tile(uint32_t ifrom_dst, uint32_t icb, std::uint32_t output_tile_index = 0, Loc loc = Loc::here()) {
    sk::pack_tile(ifrom_dst, icb, output_tile_index, out_of_order_output, loc);
}
/*! \brief Pack `ntiles` consecutive DST tiles from `ifrom_dst` into CB `icb`. */
ALWI void pack_tile_block(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, Loc loc = Loc::here()) {
    for (uint32_t i = 0; i < ntiles; ++i) sk::pack_tile(ifrom_dst + i, icb, i, true, loc);
}
/*! \brief Reconfigure the packer for a new output CB's data format. */
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const uint32_t new_cb_id, Loc loc = Loc::here()) {
    sk::reconfig_pack(new_cb_id, loc);
}
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const uint32_t old_cb_id, const uint32_t new_cb_id, Loc loc = Loc::here()) {
    (void)old_cb_id;
    sk::reconfig_pack(new_cb_id, loc);
}
/*! \brief Packer adds into L1 instead of overwriting while enabled (packer L1 accumulation). */
ALWI void pack_reconfig_l1_acc(const uint32_t l1_acc_en, Loc loc = Loc::here()) {
    sk::pack_l1_accumulate(l1_acc_en != 0, loc);
}

}  // namespace ckernel
