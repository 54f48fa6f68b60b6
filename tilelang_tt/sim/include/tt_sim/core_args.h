/*! \file core_args.h
 *  \brief The calls TT-Metalium v0.67 declares alike in api/dataflow/dataflow_api.h and
 *  api/compute/common.h: runtime arguments and the running core's logical coordinates. Both
 *  headers include this one.
 */
#pragma once

#include <cstdint>

#include "tt_sim/kernel_common.h"

namespace tt_sim {

/*! \brief Runtime argument `index` (common or per-core) reinterpreted as a 4-byte T; shared by the
 *  data-movement and compute get_arg_val / get_common_arg_val. */
template <typename T>
inline T runtime_arg_as(uint32_t index, bool common, Loc loc) {
    static_assert(sizeof(T) == 4, "get_arg_val<T> and get_common_arg_val<T> read a 4-byte type");
    const uint32_t raw = k::runtime_arg(index, common, loc);
    T value;
    __builtin_memcpy(&value, &raw, sizeof(T));
    return value;
}

}  // namespace tt_sim

/*! \brief Runtime argument `arg_idx` of this core (SetRuntimeArgs), as a 4-byte type. */
template <typename T>
FORCE_INLINE T get_arg_val(int arg_idx, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::runtime_arg_as<T>(static_cast<uint32_t>(arg_idx), false, loc);
}
/*! \brief Common runtime argument `arg_idx` (SetCommonRuntimeArgs), as a 4-byte type. */
template <typename T>
FORCE_INLINE T get_common_arg_val(int arg_idx, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::runtime_arg_as<T>(static_cast<uint32_t>(arg_idx), true, loc);
}
/*! \brief Logical coordinates of the running core in the worker grid. */
inline uint8_t get_absolute_logical_x() {
    return static_cast<uint8_t>(tt_sim::k::logical_x());
}
inline uint8_t get_absolute_logical_y() {
    return static_cast<uint8_t>(tt_sim::k::logical_y());
}
