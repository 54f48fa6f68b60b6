/*! \file bcast.h
 *  \brief Broadcasts (TT-Metalium's api/compute/bcast.h): binary FPU ops whose in1 has its row 0
 *  (ROW), column 0 (COL) or element [0][0] (SCALAR) replicated over the tile, and unary_bcast, which
 *  copies a tile replicated that way into DST. */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

/*! \brief Full init (unpacker, math, packer) for unary_bcast of `icb`'s tiles, packing to `ocb`. */
template <BroadcastType bcast_type>
ALWI void unary_bcast_init(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) {
    sk::init_unary_bcast(detail::bcast(bcast_type), icb, ocb, loc);
}
/*! \brief DST[dst_tile_index] = tile `in_tile_index` of `icb` with its column 0 (COL), row 0 (ROW) or
 *  element [0][0] (SCALAR) replicated over the tile (NONE: the tile itself). */
template <BroadcastType bcast_type>
ALWI void unary_bcast(uint32_t icb, uint32_t in_tile_index, uint32_t dst_tile_index, Loc loc = Loc::here()) {
    sk::unary_bcast(detail::bcast(bcast_type), icb, in_tile_index, dst_tile_index, loc);
}
/*! \brief Undo unary_bcast_init's unpacker and math configuration; the next op needs its own init. */
template <BroadcastType bcast_type>
ALWI void unary_bcast_uninit(uint32_t icb, Loc loc = Loc::here()) {
    (void)icb;
    sk::unary_bcast_uninit(loc);
}
/*! \brief Switch an initialised unary_bcast to another broadcast, input CB and output CB. */
template <BroadcastType old_bcast_type, BroadcastType new_bcast_type>
void reconfigure_unary_bcast(uint32_t old_icb, uint32_t new_icb, uint32_t old_ocb, uint32_t new_ocb,
                             Loc loc = Loc::here()) {
    (void)old_icb;
    (void)old_ocb;
    sk::reconfigure_unary_bcast(detail::bcast(new_bcast_type), new_icb, new_ocb, loc);
}

namespace detail {
/*! \brief The simulator broadcasts row 0 only; another `bcast_row_idx` is refused, not ignored. */
inline void require_row_zero(uint32_t bcast_row_idx, const char *call, Loc loc) {
    if (bcast_row_idx != 0) sk::not_modelled(call, "a broadcast row other than 0 (bcast_row_idx)", loc);
}
}  // namespace detail

/*! \brief Full init for a broadcast binary op. */
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
void init_bcast(uint32_t icb0, uint32_t icb1, uint32_t ocb, Loc loc = Loc::here()) {
    sk::init_binary_common(icb0, icb1, ocb, loc);
    sk::init_binary(detail::binary(tBcastOp), detail::bcast(tBcastDim), icb0, icb1, false, loc);
}
/*! \brief DST[idst] = in0[itile0] (op) broadcast(in1[itile1]). */
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void any_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                          uint32_t bcast_row_idx = 0, Loc loc = Loc::here()) {
    detail::require_row_zero(bcast_row_idx, "any_tiles_bcast", loc);
    sk::binary_tiles(detail::binary(tBcastOp), detail::bcast(tBcastDim), icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void add_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                          uint32_t bcast_row_idx = 0, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWADD, tBcastDim>(icb0, icb1, itile0, itile1, idst, bcast_row_idx, loc);
}
template <BroadcastType tBcastDim>
ALWI void sub_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                          uint32_t bcast_row_idx = 0, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWSUB, tBcastDim>(icb0, icb1, itile0, itile1, idst, bcast_row_idx, loc);
}
template <BroadcastType tBcastDim>
ALWI void mul_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                          uint32_t bcast_row_idx = 0, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWMUL, tBcastDim>(icb0, icb1, itile0, itile1, idst, bcast_row_idx, loc);
}

ALWI void sub_tiles_bcast_cols(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                               Loc loc = Loc::here()) {
    any_tiles_bcast<ELWSUB, COL>(icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void sub_tiles_bcast_scalar(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                                 Loc loc = Loc::here()) {
    any_tiles_bcast<ELWSUB, SCALAR>(icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void mul_tiles_bcast_cols(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                               Loc loc = Loc::here()) {
    any_tiles_bcast<ELWMUL, COL>(icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void mul_tiles_bcast_rows(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                               uint32_t bcast_row_idx = 0, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWMUL, ROW>(icb0, icb1, itile0, itile1, idst, bcast_row_idx, loc);
}
ALWI void add_tiles_bcast_rows(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                               uint32_t bcast_row_idx = 0, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWADD, ROW>(icb0, icb1, itile0, itile1, idst, bcast_row_idx, loc);
}
ALWI void add_tiles_bcast_cols(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                               Loc loc = Loc::here()) {
    any_tiles_bcast<ELWADD, COL>(icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void add_tiles_bcast_scalar(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                                 Loc loc = Loc::here()) {
    any_tiles_bcast<ELWADD, SCALAR>(icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void mul_tiles_bcast_scalar(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                                 Loc loc = Loc::here()) {
    any_tiles_bcast<ELWMUL, SCALAR>(icb0, icb1, itile0, itile1, idst, 0, loc);
}

namespace detail {
/*! \brief Short init: reconfigure math (and srcB's broadcast) for the next broadcast op. */
inline void bcast_short_init(EltwiseBinaryType op, BroadcastType dim, uint32_t icb0, uint32_t icb1, Loc loc) {
    sk::init_binary(binary(op), bcast(dim), icb0, icb1, false, loc);
}
}  // namespace detail

ALWI void add_bcast_rows_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWADD, ROW, icb0, icb1, loc);
}
ALWI void add_bcast_cols_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWADD, COL, icb0, icb1, loc);
}
ALWI void add_bcast_scalar_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWADD, SCALAR, icb0, icb1, loc);
}
ALWI void mul_tiles_bcast_scalar_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWMUL, SCALAR, icb0, icb1, loc);
}
ALWI void mul_bcast_cols_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWMUL, COL, icb0, icb1, loc);
}
ALWI void mul_bcast_rows_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWMUL, ROW, icb0, icb1, loc);
}
ALWI void sub_bcast_cols_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWSUB, COL, icb0, icb1, loc);
}
ALWI void sub_tiles_bcast_scalar_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    detail::bcast_short_init(ELWSUB, SCALAR, icb0, icb1, loc);
}

}  // namespace ckernel
