/*! \file eltwise_binary.h
 *  \brief Element-wise FPU binary ops (TT-Metalium's api/compute/eltwise_binary.h). */
#pragma once

#include "api/compute/common.h"

namespace ckernel {

/*! \brief Common init for element-wise binary ops: unpack icb0/icb1, pack to ocb. */
ALWI void binary_op_init_common(uint32_t icb0, uint32_t icb1, uint32_t ocb, Loc loc = Loc::here()) {
    sk::init_binary_common(icb0, icb1, ocb, loc);
}
/*! \brief Init for eltwise_binary_type on icb0/icb1 (`full_init` also configures the unpacker). */
template <bool full_init, EltwiseBinaryType eltwise_binary_type>
ALWI void binary_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, Loc loc = Loc::here()) {
    sk::init_binary(detail::binary(eltwise_binary_type), tt_sim::Broadcast::None, icb0, icb1, acc_to_dest, loc);
}
ALWI void mul_tiles_init(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    binary_tiles_init<true, ELWMUL>(icb0, icb1, false, loc);
}
ALWI void add_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, Loc loc = Loc::here()) {
    binary_tiles_init<true, ELWADD>(icb0, icb1, acc_to_dest, loc);
}
ALWI void sub_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, Loc loc = Loc::here()) {
    binary_tiles_init<true, ELWSUB>(icb0, icb1, acc_to_dest, loc);
}
/*! \brief DST[idst] = in0[itile0] * in1[itile1]. */
ALWI void mul_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    sk::binary_tiles(tt_sim::BinaryOp::Mul, tt_sim::Broadcast::None, icb0, icb1, itile0, itile1, idst, loc);
}
/*! \brief DST[idst] = in0[itile0] + in1[itile1]. */
ALWI void add_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    sk::binary_tiles(tt_sim::BinaryOp::Add, tt_sim::Broadcast::None, icb0, icb1, itile0, itile1, idst, loc);
}
/*! \brief DST[idst] = in0[itile0] - in1[itile1]. */
ALWI void sub_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    sk::binary_tiles(tt_sim::BinaryOp::Sub, tt_sim::Broadcast::None, icb0, icb1, itile0, itile1, idst, loc);
}

}  // namespace ckernel
