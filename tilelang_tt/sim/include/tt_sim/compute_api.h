/*! \file compute_api.h
 *  \brief What a compute kernel sees before its source in TT-Metalium v0.67 (firmware_common.h,
 *  chlkc_list.h and the generated descriptors): the ckernel enums, `using namespace ckernel`, and
 *  the ComputeConfig as the compile-time constants APPROX, DST_ACCUM_MODE and MATH_FIDELITY. The
 *  api/compute/<area>.h headers build the compute API on it.
 *
 *  The simulator runs a compute kernel once (not as UNPACK/MATH/PACK binaries) and checks the
 *  hardware's rules on the way: DST acquired before math, committed and waited before pack, indices
 *  within DST capacity, an init call before each kind of op, CB pages waited before they are read.
 */
#pragma once

#include <cstdint>

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

namespace ckernel {

using tt_sim::Loc;
namespace sk = tt_sim::k;

enum VectorMode { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6, Invalid = 0xFF };
enum ReduceDim { REDUCE_ROW, REDUCE_COL, REDUCE_SCALAR };
enum PoolType { SUM, AVG, MAX, MIN };
enum EltwiseBinaryType { ELWMUL, ELWDIV, ELWADD, ELWSUB, ELWLESS };
enum class EltwiseBinaryReuseDestType { NONE = 0, DEST_TO_SRCA = 1, DEST_TO_SRCB = 2 };
enum DstSync { SyncHalf = 0, SyncFull = 1 };
enum BroadcastType { NONE = 0x0, COL = 0x1, ROW = 0x2, SCALAR = 0x3 };
/*! \brief Mantissa passes of the matrix engine, as the device headers name them. */
enum class MathFidelity : std::uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };

/*! \brief SFPU instruction constants used as default arguments of the SFPU API. */
struct p_sfpu {
    constexpr static std::uint32_t kCONST_1_FP16B = 0x3F80;
};

namespace detail {
constexpr tt_sim::Pool pool(PoolType p) {
    return p == SUM ? tt_sim::Pool::Sum : p == AVG ? tt_sim::Pool::Avg : tt_sim::Pool::Max;
}
constexpr tt_sim::ReduceAxis axis(ReduceDim d) {
    return d == REDUCE_ROW   ? tt_sim::ReduceAxis::Row
           : d == REDUCE_COL ? tt_sim::ReduceAxis::Col
                             : tt_sim::ReduceAxis::Scalar;
}
constexpr tt_sim::Broadcast bcast(BroadcastType b) {
    return b == ROW ? tt_sim::Broadcast::Row : b == COL ? tt_sim::Broadcast::Col : b == SCALAR ? tt_sim::Broadcast::Scalar : tt_sim::Broadcast::None;
}
constexpr tt_sim::BinaryOp binary(EltwiseBinaryType t) {
    return t == ELWADD ? tt_sim::BinaryOp::Add : t == ELWSUB ? tt_sim::BinaryOp::Sub : tt_sim::BinaryOp::Mul;
}
/*! \brief The simulator applies SFPU ops to the whole tile; other vector modes are refused. */
inline void require_whole_tile(int vector_mode, const char *call, Loc loc) {
    if (vector_mode != VectorMode::RC) sk::not_modelled(call, "a vector_mode other than VectorMode::RC", loc);
}
}  // namespace detail

}  // namespace ckernel

using namespace ckernel;

/*! \brief ComputeConfig::math_approx_mode, as the compile-time constant kernels pass to SFPU inits. */
constexpr bool APPROX = TT_SIM_APPROX;
/*! \brief ComputeConfig::fp32_dest_acc_en. */
constexpr bool DST_ACCUM_MODE = TT_SIM_DST_ACCUM_MODE;
/*! \brief ComputeConfig::math_fidelity. */
constexpr ckernel::MathFidelity MATH_FIDELITY = static_cast<ckernel::MathFidelity>(TT_SIM_MATH_FIDELITY);
