/*! \file compute_api.h
 *  \brief TT-Metalium's compute kernel API, simulated. The api/compute/<area>.h headers include
 *  this one, so every include path of the release works; docs/metalium_api.md says which header
 *  declares what in the release.
 *
 *  The simulator runs a compute kernel once (not as UNPACK/MATH/PACK binaries) and checks the
 *  hardware's rules on the way: DST acquired before math, committed and waited before pack, indices
 *  within DST capacity, an init call before each kind of op, CB pages waited before they are read.
 */
#pragma once

#include <cstdint>
#include <cstring>

#include "tt_sim/kernel_common.h"

#ifndef TT_SIM_APPROX
#define TT_SIM_APPROX 0
#endif
#ifndef TT_SIM_DST_ACCUM_MODE
#define TT_SIM_DST_ACCUM_MODE 0
#endif
#ifndef TT_SIM_MATH_FIDELITY
#define TT_SIM_MATH_FIDELITY 4
#endif

/*! \brief ComputeConfig::math_approx_mode, as the compile-time constant kernels pass to SFPU inits. */
constexpr bool APPROX = TT_SIM_APPROX;
/*! \brief ComputeConfig::fp32_dest_acc_en. */
constexpr bool DST_ACCUM_MODE = TT_SIM_DST_ACCUM_MODE;
/*! \brief ComputeConfig::math_fidelity. */
constexpr MathFidelity MATH_FIDELITY = static_cast<MathFidelity>(TT_SIM_MATH_FIDELITY);

namespace ckernel {

using tt_sim::Loc;
namespace sk = tt_sim::k;

enum PoolType { SUM, AVG, MAX };
enum ReduceDim { REDUCE_ROW, REDUCE_COL, REDUCE_SCALAR };
enum BroadcastType { NONE = 0, COL = 1, ROW = 2, SCALAR = 3 };
enum EltwiseBinaryType { ELWMUL, ELWDIV, ELWADD, ELWSUB };
enum class VectorMode { None = 0, R = 1, C = 2, RC = 4, RC_custom = 5, Invalid = 0xff };

namespace detail {
constexpr tt_sim::Pool pool(PoolType p) {
    return p == SUM ? tt_sim::Pool::Sum : p == AVG ? tt_sim::Pool::Avg : tt_sim::Pool::Max;
}
constexpr tt_sim::ReduceAxis axis(ReduceDim d) {
    return d == REDUCE_ROW ? tt_sim::ReduceAxis::Row : d == REDUCE_COL ? tt_sim::ReduceAxis::Col : tt_sim::ReduceAxis::Scalar;
}
constexpr tt_sim::Broadcast bcast(BroadcastType b) {
    return b == ROW ? tt_sim::Broadcast::Row : b == COL ? tt_sim::Broadcast::Col : b == SCALAR ? tt_sim::Broadcast::Scalar : tt_sim::Broadcast::None;
}
constexpr tt_sim::BinaryOp binary(EltwiseBinaryType t) {
    return t == ELWADD ? tt_sim::BinaryOp::Add : t == ELWSUB ? tt_sim::BinaryOp::Sub : tt_sim::BinaryOp::Mul;
}
inline uint32_t float_bits(float f) {
    uint32_t u;
    __builtin_memcpy(&u, &f, 4);
    return u;
}
}  // namespace detail

// ---- DST register protocol (reg_api.h) -------------------------------------------------------
/*! \brief MATH: take the DST registers (zeroed) for the next math ops. */
ALWI void tile_regs_acquire(Loc loc = Loc::here()) { sk::tile_regs_acquire(loc); }
/*! \brief MATH: hand the DST registers to the packer. */
ALWI void tile_regs_commit(Loc loc = Loc::here()) { sk::tile_regs_commit(loc); }
/*! \brief PACK: wait until math has committed DST. */
ALWI void tile_regs_wait(Loc loc = Loc::here()) { sk::tile_regs_wait(loc); }
/*! \brief PACK: give the DST registers back to math. */
ALWI void tile_regs_release(Loc loc = Loc::here()) { sk::tile_regs_release(loc); }
/*! \brief Deprecated pair: acquire + wait. */
ALWI void acquire_dst(Loc loc = Loc::here()) { sk::acquire_dst(loc); }
/*! \brief Deprecated pair: commit + release. */
ALWI void release_dst(Loc loc = Loc::here()) { sk::release_dst(loc); }

// ---- Configuration -----------------------------------------------------------------------------
/*! \brief Configure unpacker, math and packer for the given CBs; call once at kernel start. */
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb0, icb1, ocb, loc);
}
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb0, icb0, ocb, loc);
}
/*! \brief Reconfigure unpacker and math for new source CBs' data formats. */
ALWI void reconfig_data_format(uint32_t srca_new_operand, uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    sk::reconfig_unpack(srca_new_operand, srcb_new_operand, loc);
}
ALWI void reconfig_data_format(uint32_t srca_old_operand, uint32_t srca_new_operand, uint32_t srcb_old_operand,
                               uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    (void)srca_old_operand;
    (void)srcb_old_operand;
    sk::reconfig_unpack(srca_new_operand, srcb_new_operand, loc);
}
ALWI void reconfig_data_format_srca(uint32_t srca_new_operand, Loc loc = Loc::here()) {
    sk::reconfig_unpack(srca_new_operand, -1, loc);
}
ALWI void reconfig_data_format_srca(uint32_t srca_old_operand, uint32_t srca_new_operand, Loc loc = Loc::here()) {
    (void)srca_old_operand;
    sk::reconfig_unpack(srca_new_operand, -1, loc);
}
ALWI void reconfig_data_format_srcb(uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    sk::reconfig_unpack(-1, srcb_new_operand, loc);
}
ALWI void reconfig_data_format_srcb(uint32_t srcb_old_operand, uint32_t srcb_new_operand, Loc loc = Loc::here()) {
    (void)srcb_old_operand;
    sk::reconfig_unpack(-1, srcb_new_operand, loc);
}
/*! \brief Reconfigure the packer for a new output CB's data format. */
ALWI void pack_reconfig_data_format(uint32_t new_operand, Loc loc = Loc::here()) {
    sk::reconfig_pack(new_operand, loc);
}
ALWI void pack_reconfig_data_format(uint32_t old_operand, uint32_t new_operand, Loc loc = Loc::here()) {
    (void)old_operand;
    sk::reconfig_pack(new_operand, loc);
}
/*! \brief Packer adds into L1 instead of overwriting while enabled (packer L1 accumulation). */
ALWI void pack_reconfig_l1_acc(uint32_t l1_acc_en, Loc loc = Loc::here()) {
    sk::pack_l1_accumulate(l1_acc_en != 0, loc);
}

// ---- Matmul (matmul.h) -------------------------------------------------------------------------
/*! \brief Full matmul init: unpacker, math and packer for in0 x in1 -> out. */
ALWI void mm_init(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t out_cb_id, const uint32_t transpose = 0,
                  Loc loc = Loc::here()) {
    sk::hw_startup(in0_cb_id, in1_cb_id, out_cb_id, loc);
    sk::init_matmul(in0_cb_id, in1_cb_id, static_cast<int32_t>(out_cb_id), transpose != 0, loc);
}
/*! \brief Short matmul init after another op (no data-format reconfiguration). */
ALWI void mm_init_short(uint32_t in0_cb_id, uint32_t in1_cb_id, const uint32_t transpose = 0, Loc loc = Loc::here()) {
    sk::init_matmul(in0_cb_id, in1_cb_id, -1, transpose != 0, loc);
}
/*! \brief Short matmul init that also reconfigures srcA's data format from `c_in_old_srca`. */
ALWI void mm_init_short_with_dt(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t c_in_old_srca,
                                const uint32_t transpose = 0, Loc loc = Loc::here()) {
    (void)c_in_old_srca;
    sk::reconfig_unpack(in1_cb_id, in0_cb_id, loc);
    sk::init_matmul(in0_cb_id, in1_cb_id, -1, transpose != 0, loc);
}
/*! \brief DST[idst] += in0[in0_tile_index] x in1[in1_tile_index] (tile indices from each CB's front). */
ALWI void matmul_tiles(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, Loc loc = Loc::here()) {
    sk::matmul_tiles(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, false, loc);
}
/*! \brief Older form with a transpose flag (transposes each in1 tile). */
ALWI void matmul_tiles(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, const uint32_t transpose, Loc loc = Loc::here()) {
    sk::matmul_tiles(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, transpose != 0, loc);
}
/*! \brief Init for matmul_block with a ct_dim x rt_dim block of output tiles per call. */
ALWI void mm_block_init(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t out_cb_id, const uint32_t transpose = 0,
                        uint32_t ct_dim = 1, uint32_t rt_dim = 1, uint32_t kt_dim = 1, Loc loc = Loc::here()) {
    (void)ct_dim;
    (void)rt_dim;
    (void)kt_dim;
    sk::hw_startup(in0_cb_id, in1_cb_id, out_cb_id, loc);
    sk::init_matmul(in0_cb_id, in1_cb_id, static_cast<int32_t>(out_cb_id), transpose != 0, loc);
}
ALWI void mm_block_init_short(uint32_t in0_cb_id, uint32_t in1_cb_id, const uint32_t transpose = 0,
                              uint32_t ct_dim = 1, uint32_t rt_dim = 1, uint32_t kt_dim = 1, Loc loc = Loc::here()) {
    (void)ct_dim;
    (void)rt_dim;
    (void)kt_dim;
    sk::init_matmul(in0_cb_id, in1_cb_id, -1, transpose != 0, loc);
}
/*! \brief rt_dim x ct_dim output tiles at DST[idst..] += in0 rows (from in0_tile_index, row stride
 *  kt_dim) x in1 columns (from in1_tile_index). */
ALWI void matmul_block(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, const uint32_t transpose, uint32_t ct_dim, uint32_t rt_dim, uint32_t kt_dim,
                       Loc loc = Loc::here()) {
    sk::matmul_block(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, transpose != 0, ct_dim, rt_dim,
                     kt_dim, loc);
}

// ---- Copy into DST (tile_move_copy.h) ----------------------------------------------------------
ALWI void copy_tile_init(uint32_t cbid, Loc loc = Loc::here()) { sk::init_copy(cbid, false, loc); }
ALWI void copy_tile_to_dst_init_short(uint32_t cbid, uint32_t transpose = 0, uint32_t transpose_within_face = 0,
                                      Loc loc = Loc::here()) {
    (void)transpose_within_face;
    sk::init_copy(cbid, transpose != 0, loc);
}
ALWI void copy_tile_to_dst_init_short_with_dt(uint32_t old_cbid, uint32_t new_cbid, uint32_t transpose = 0,
                                              Loc loc = Loc::here()) {
    (void)old_cbid;
    sk::reconfig_unpack(new_cbid, -1, loc);
    sk::init_copy(new_cbid, transpose != 0, loc);
}
/*! \brief DST[idst] = tile `in_tile_index` of CB `in_cb_id` (counted from the front). */
ALWI void copy_tile(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index, Loc loc = Loc::here()) {
    sk::copy_tile(in_cb_id, in_tile_index, dst_tile_index, loc);
}
/*! \brief Copy `ntiles` matmul partials from CB `in_cb_id` into DST (for partial-sum reload). */
ALWI void copy_block_matmul_partials(uint32_t in_cb_id, uint32_t start_in_tile_index, uint32_t start_dst_tile_index,
                                     uint32_t ntiles, Loc loc = Loc::here()) {
    for (uint32_t i = 0; i < ntiles; ++i) sk::copy_tile(in_cb_id, start_in_tile_index + i, start_dst_tile_index + i, loc);
}

// ---- Pack (pack.h) -----------------------------------------------------------------------------
/*! \brief Pack DST[ifrom_dst] into CB `icb` at the reserved back page `output_tile_index`. */
template <bool out_of_order_output = false>
ALWI void pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t output_tile_index = 0, Loc loc = Loc::here()) {
    sk::pack_tile(ifrom_dst, icb, output_tile_index, out_of_order_output, loc);
}
/*! \brief Pack `ntiles` consecutive DST tiles from `ifrom_dst` into CB `icb`. */
ALWI void pack_tile_block(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, Loc loc = Loc::here()) {
    for (uint32_t i = 0; i < ntiles; ++i) sk::pack_tile(ifrom_dst + i, icb, i, true, loc);
}
ALWI void matmul_pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, Loc loc = Loc::here()) {
    pack_tile_block(ifrom_dst, icb, ntiles, loc);
}

// ---- CB calls from compute (cb_api.h) ----------------------------------------------------------
// cb_wait_front / cb_pop_front / cb_reserve_back / cb_push_back come from kernel_common.h.

// ---- FPU element-wise (eltwise_binary.h, bcast.h) -------------------------------------------------
/*! \brief Common init for element-wise binary ops: unpack in0/in1, pack to out. */
ALWI void binary_op_init_common(uint32_t icb0, uint32_t icb1, uint32_t ocb, Loc loc = Loc::here()) {
    sk::init_binary_common(icb0, icb1, ocb, loc);
}
ALWI void add_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, Loc loc = Loc::here()) {
    sk::init_binary(tt_sim::BinaryOp::Add, tt_sim::Broadcast::None, icb0, icb1, acc_to_dest, loc);
}
ALWI void sub_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, Loc loc = Loc::here()) {
    sk::init_binary(tt_sim::BinaryOp::Sub, tt_sim::Broadcast::None, icb0, icb1, acc_to_dest, loc);
}
ALWI void mul_tiles_init(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {
    sk::init_binary(tt_sim::BinaryOp::Mul, tt_sim::Broadcast::None, icb0, icb1, false, loc);
}
template <EltwiseBinaryType eltwise_binary_type = ELWADD, BroadcastType bcast_type = NONE>
ALWI void binary_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false, Loc loc = Loc::here()) {
    sk::init_binary(detail::binary(eltwise_binary_type), detail::bcast(bcast_type), icb0, icb1, acc_to_dest, loc);
}
/*! \brief DST[idst] = in0[itile0] + in1[itile1]. */
ALWI void add_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    sk::binary_tiles(tt_sim::BinaryOp::Add, tt_sim::Broadcast::None, icb0, icb1, itile0, itile1, idst, loc);
}
/*! \brief DST[idst] = in0[itile0] - in1[itile1]. */
ALWI void sub_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    sk::binary_tiles(tt_sim::BinaryOp::Sub, tt_sim::Broadcast::None, icb0, icb1, itile0, itile1, idst, loc);
}
/*! \brief DST[idst] = in0[itile0] * in1[itile1]. */
ALWI void mul_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    sk::binary_tiles(tt_sim::BinaryOp::Mul, tt_sim::Broadcast::None, icb0, icb1, itile0, itile1, idst, loc);
}

/*! \brief Full init for a broadcast binary op. */
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void init_bcast(uint32_t icb0, uint32_t icb1, uint32_t ocb, Loc loc = Loc::here()) {
    sk::init_binary_common(icb0, icb1, ocb, loc);
    sk::init_binary(detail::binary(tBcastOp), detail::bcast(tBcastDim), icb0, icb1, false, loc);
}
/*! \brief Broadcast binary op: in1's row 0 (ROW), column 0 (COL) or [0][0] (SCALAR) is replicated. */
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void any_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                          Loc loc = Loc::here()) {
    sk::binary_tiles(detail::binary(tBcastOp), detail::bcast(tBcastDim), icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void add_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWADD, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void sub_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWSUB, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void mul_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, Loc loc = Loc::here()) {
    any_tiles_bcast<ELWMUL, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
#define TT_SIM_BCAST_SHORT(name, op, dim)                                                           \
    ALWI void name##_init_short(uint32_t icb0, uint32_t icb1, Loc loc = Loc::here()) {             \
        sk::init_binary(detail::binary(op), detail::bcast(dim), icb0, icb1, false, loc);           \
    }
TT_SIM_BCAST_SHORT(add_bcast_rows, ELWADD, ROW)
TT_SIM_BCAST_SHORT(add_bcast_cols, ELWADD, COL)
TT_SIM_BCAST_SHORT(add_bcast_scalar, ELWADD, SCALAR)
TT_SIM_BCAST_SHORT(sub_bcast_rows, ELWSUB, ROW)
TT_SIM_BCAST_SHORT(sub_bcast_cols, ELWSUB, COL)
TT_SIM_BCAST_SHORT(sub_bcast_scalar, ELWSUB, SCALAR)
TT_SIM_BCAST_SHORT(mul_bcast_rows, ELWMUL, ROW)
TT_SIM_BCAST_SHORT(mul_bcast_cols, ELWMUL, COL)
TT_SIM_BCAST_SHORT(mul_tiles_bcast_scalar, ELWMUL, SCALAR)
#undef TT_SIM_BCAST_SHORT
#define TT_SIM_BCAST_TILES(name, op, dim)                                                                     \
    ALWI void name(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,             \
                   Loc loc = Loc::here()) {                                                                  \
        sk::binary_tiles(detail::binary(op), detail::bcast(dim), icb0, icb1, itile0, itile1, idst, loc);     \
    }
TT_SIM_BCAST_TILES(add_tiles_bcast_rows, ELWADD, ROW)
TT_SIM_BCAST_TILES(add_tiles_bcast_cols, ELWADD, COL)
TT_SIM_BCAST_TILES(add_tiles_bcast_scalar, ELWADD, SCALAR)
TT_SIM_BCAST_TILES(sub_tiles_bcast_rows, ELWSUB, ROW)
TT_SIM_BCAST_TILES(sub_tiles_bcast_cols, ELWSUB, COL)
TT_SIM_BCAST_TILES(sub_tiles_bcast_scalar, ELWSUB, SCALAR)
TT_SIM_BCAST_TILES(mul_tiles_bcast_rows, ELWMUL, ROW)
TT_SIM_BCAST_TILES(mul_tiles_bcast_cols, ELWMUL, COL)
TT_SIM_BCAST_TILES(mul_tiles_bcast_scalar, ELWMUL, SCALAR)
#undef TT_SIM_BCAST_TILES

// ---- Transpose (transpose_wh.h) ---------------------------------------------------------------
ALWI void transpose_wh_init(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb, icb, ocb, loc);
    sk::init_copy(icb, true, loc);
}
ALWI void transpose_wh_init_short(uint32_t icb, Loc loc = Loc::here()) { sk::init_copy(icb, true, loc); }
/*! \brief DST[idst] = transpose of tile `itile` of CB `icb`. */
ALWI void transpose_wh_tile(uint32_t icb, uint32_t itile, uint32_t idst, Loc loc = Loc::here()) {
    sk::transpose_tile(icb, itile, idst, loc);
}

// ---- Reduce (reduce.h) --------------------------------------------------------------------------
#ifdef REDUCE_OP
#define TT_SIM_REDUCE_OP REDUCE_OP
#else
#define TT_SIM_REDUCE_OP PoolType::SUM
#endif
#ifdef REDUCE_DIM
#define TT_SIM_REDUCE_DIM REDUCE_DIM
#else
#define TT_SIM_REDUCE_DIM ReduceDim::REDUCE_ROW
#endif
/*! \brief Init for reduce_tile of `icb` scaled by the tile in `icb_scaler`, packing to `ocb`. */
template <PoolType reduce_type = TT_SIM_REDUCE_OP, ReduceDim reduce_dim = TT_SIM_REDUCE_DIM,
          bool enforce_fp32_accumulation = false>
ALWI void reduce_init(uint32_t icb, uint32_t icb_scaler, uint32_t ocb, Loc loc = Loc::here()) {
    sk::init_reduce(detail::pool(reduce_type), detail::axis(reduce_dim), icb, icb_scaler, ocb, loc);
}
/*! \brief Undo reduce_init's packer edge mask; required before a non-reduce op. */
ALWI void reduce_uninit(Loc loc = Loc::here()) { sk::reduce_uninit(loc); }
/*! \brief Accumulate the reduction of tile `itile` (times the scaler tile) into DST[idst]. */
template <PoolType reduce_type = TT_SIM_REDUCE_OP, ReduceDim reduce_dim = TT_SIM_REDUCE_DIM,
          bool enforce_fp32_accumulation = false>
ALWI void reduce_tile(uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler, uint32_t idst,
                      Loc loc = Loc::here()) {
    sk::reduce_tile(detail::pool(reduce_type), detail::axis(reduce_dim), icb, icb_scaler, itile, itile_scaler, idst, loc);
}

// ---- SFPU (eltwise_unary/*.h) ------------------------------------------------------------------
/*! \brief Generic SFPU init used by the unary headers. */
ALWI void init_sfpu(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) {
    sk::hw_startup(icb, icb, ocb, loc);
    sk::init_copy(icb, false, loc);
}
ALWI void unary_op_init_common(uint32_t icb, uint32_t ocb, Loc loc = Loc::here()) { init_sfpu(icb, ocb, loc); }

// Template parameter lists differ between releases (approximation flags, iterations, ...); the
// simulator computes the exact function whatever they are, so it accepts any of them.
#define TT_SIM_SFPU_UNARY(name, op)                                                                    \
    template <auto... Flags>                                                                          \
    ALWI void name##_tile_init(Loc loc = Loc::here()) {                                               \
        sk::init_sfpu(tt_sim::SfpuOp::op, loc);                                                       \
    }                                                                                                 \
    template <auto... Flags>                                                                          \
    ALWI void name##_tile(uint32_t idst, int vector_mode = (int)VectorMode::RC, Loc loc = Loc::here()) { \
        (void)vector_mode;                                                                            \
        sk::sfpu_unary(tt_sim::SfpuOp::op, idst, 0, loc);                                             \
    }
TT_SIM_SFPU_UNARY(exp, Exp)
TT_SIM_SFPU_UNARY(exp2, Exp2)
TT_SIM_SFPU_UNARY(expm1, Expm1)
TT_SIM_SFPU_UNARY(relu, Relu)
TT_SIM_SFPU_UNARY(recip, Recip)
TT_SIM_SFPU_UNARY(sqrt, Sqrt)
TT_SIM_SFPU_UNARY(rsqrt, Rsqrt)
TT_SIM_SFPU_UNARY(gelu, Gelu)
TT_SIM_SFPU_UNARY(sigmoid, Sigmoid)
TT_SIM_SFPU_UNARY(tanh, Tanh)
TT_SIM_SFPU_UNARY(log, Log)
TT_SIM_SFPU_UNARY(abs, Abs)
TT_SIM_SFPU_UNARY(negative, Neg)
TT_SIM_SFPU_UNARY(square, Square)
TT_SIM_SFPU_UNARY(sin, Sin)
TT_SIM_SFPU_UNARY(cos, Cos)
TT_SIM_SFPU_UNARY(silu, Silu)
#undef TT_SIM_SFPU_UNARY

#define TT_SIM_SFPU_UNARY_PARAM(name, op)                                                              \
    template <auto... Flags>                                                                          \
    ALWI void name##_tile_init(Loc loc = Loc::here()) {                                               \
        sk::init_sfpu(tt_sim::SfpuOp::op, loc);                                                       \
    }                                                                                                 \
    template <auto... Flags>                                                                          \
    ALWI void name##_tile(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {                    \
        sk::sfpu_unary(tt_sim::SfpuOp::op, idst, param0, loc);                                        \
    }
// param0 is the IEEE-754 bit pattern of a float (relu_max, relu_min, leaky_relu slope, elu alpha,
// scalar add/mul) or an integer exponent (power), as in TT-Metalium.
TT_SIM_SFPU_UNARY_PARAM(relu_max, ReluMax)
TT_SIM_SFPU_UNARY_PARAM(relu_min, ReluMin)
TT_SIM_SFPU_UNARY_PARAM(leaky_relu, LeakyRelu)
TT_SIM_SFPU_UNARY_PARAM(elu, Elu)
TT_SIM_SFPU_UNARY_PARAM(power, Power)
#undef TT_SIM_SFPU_UNARY_PARAM

// Fill (eltwise_unary/fill.h): fill_tile takes the value as a float, fill_tile_bitcast its bits.
ALWI void fill_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::Fill, loc); }
ALWI void fill_tile_bitcast(uint32_t idst, uint32_t param0, Loc loc = Loc::here()) {
    sk::sfpu_unary(tt_sim::SfpuOp::Fill, idst, param0, loc);
}
ALWI void fill_tile(uint32_t idst, float param0, Loc loc = Loc::here()) {
    uint32_t bits;
    std::memcpy(&bits, &param0, sizeof bits);
    fill_tile_bitcast(idst, bits, loc);
}

// Scalar arithmetic on DST (eltwise_unary/binop_with_scalar.h): one init for all five ops.
ALWI void binop_with_scalar_tile_init(Loc loc = Loc::here()) {
    sk::init_sfpu(tt_sim::SfpuOp::AddScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::SubScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::MulScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::DivScalar, loc);
    sk::init_sfpu(tt_sim::SfpuOp::RsubScalar, loc);
}
#define TT_SIM_SCALAR_OP(name, op)                                                                    \
    ALWI void name##_tile(uint32_t idst, uint32_t param1, Loc loc = Loc::here()) {                  \
        sk::sfpu_unary(tt_sim::SfpuOp::op, idst, param1, loc);                                       \
    }
TT_SIM_SCALAR_OP(add_unary, AddScalar)
TT_SIM_SCALAR_OP(sub_unary, SubScalar)
TT_SIM_SCALAR_OP(mul_unary, MulScalar)
TT_SIM_SCALAR_OP(div_unary, DivScalar)
TT_SIM_SCALAR_OP(rsub_unary, RsubScalar)
#undef TT_SIM_SCALAR_OP

#define TT_SIM_SFPU_BINARY(name, op)                                                                   \
    ALWI void name##_binary_tile_init(Loc loc = Loc::here()) { sk::init_sfpu(tt_sim::SfpuOp::op, loc); } \
    ALWI void name##_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, Loc loc = Loc::here()) {  \
        sk::sfpu_binary(tt_sim::SfpuOp::op, idst0, idst1, odst, loc);                                  \
    }
TT_SIM_SFPU_BINARY(add, BinaryAdd)
TT_SIM_SFPU_BINARY(sub, BinarySub)
TT_SIM_SFPU_BINARY(mul, BinaryMul)
TT_SIM_SFPU_BINARY(div, BinaryDiv)
#undef TT_SIM_SFPU_BINARY

}  // namespace ckernel

using namespace ckernel;
