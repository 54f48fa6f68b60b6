/*! \file reconfig_data_format.h
 *  \brief Unpacker/math data-format reconfiguration (TT-Metalium's
 *  api/compute/reconfig_data_format.h). */
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

/*! \brief Reconfigure unpacker and math for new source CBs' data formats. */
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format(const uint32_t srca_new_operand, const uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    sk::reconfig_unpack(srca_new_operand, srcb_new_operand, loc);
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format(const uint32_t srca_old_operand, const uint32_t srca_new_operand,
                               const uint32_t srcb_old_operand, const uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    (void)srca_old_operand;
    (void)srcb_old_operand;
    sk::reconfig_unpack(srca_new_operand, srcb_new_operand, loc);
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srca(const uint32_t srca_new_operand, Loc loc = Loc::here()) {
    sk::reconfig_unpack(srca_new_operand, -1, loc);
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srca(const uint32_t srca_old_operand, const uint32_t srca_new_operand,
                                    Loc loc = Loc::here()) {
    (void)srca_old_operand;
    sk::reconfig_unpack(srca_new_operand, -1, loc);
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srcb(const uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    sk::reconfig_unpack(-1, srcb_new_operand, loc);
}
template <bool to_from_int8 = false, bool is_tile_dim_reconfig_en = false>
ALWI void reconfig_data_format_srcb(const uint32_t srcb_old_operand, const uint32_t srcb_new_operand,
                                    Loc loc = Loc::here()) {
    (void)srcb_old_operand;
    sk::reconfig_unpack(-1, srcb_new_operand, loc);
}

}  // namespace ckernel
