/*! \file reduce.h
 *  \brief Row, column and scalar reductions (TT-Metalium's api/compute/reduce.h). As in the
 *  release, the default reduction kind and direction are the REDUCE_OP and REDUCE_DIM defines
 *  (ComputeConfig::defines), which must be set to include this header. */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

namespace detail {
inline void require_modelled_pool(PoolType reduce_type, const char *call, Loc loc) {
    if (reduce_type == MIN) sk::not_modelled(call, "PoolType::MIN", loc);
}
}  // namespace detail

/*! \brief Init for reduce_tile of `icb` weighted by row 0 of each face of the scaler tile in
 *  `icb_scaler`, packing to `ocb`; until reduce_uninit the packer keeps only the result row/column. */
template <PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM, bool enforce_fp32_accumulation = false>
ALWI void reduce_init(uint32_t icb, uint32_t icb_scaler, uint32_t ocb, Loc loc = Loc::here()) {
    // The release's math init has the same assertion.
    static_assert(!enforce_fp32_accumulation || DST_ACCUM_MODE, "FP32 Dest must be enabled for FP32 accumulation");
    detail::require_modelled_pool(reduce_type, "reduce_init", loc);
    sk::init_reduce(detail::pool(reduce_type), detail::axis(reduce_dim), enforce_fp32_accumulation, icb, icb_scaler,
                    ocb, loc);
}
/*! \brief Undo reduce_init's packer edge mask; required before a non-reduce op. */
template <bool enforce_fp32_accumulation = false>
ALWI void reduce_uninit(uint32_t icb = 0, Loc loc = Loc::here()) {
    (void)icb;
    sk::reduce_uninit(loc);
}
/*! \brief Accumulate the reduction of tile `itile` (weighted by the scaler tile) into DST[idst]. */
template <PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM, bool enforce_fp32_accumulation = false>
ALWI void reduce_tile(uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler, uint32_t idst,
                      Loc loc = Loc::here()) {
    detail::require_modelled_pool(reduce_type, "reduce_tile", loc);
    sk::reduce_tile(detail::pool(reduce_type), detail::axis(reduce_dim), enforce_fp32_accumulation, icb, icb_scaler,
                    itile, itile_scaler, idst, loc);
}

}  // namespace ckernel
