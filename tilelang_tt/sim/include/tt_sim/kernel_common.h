/*! \file kernel_common.h
 *  \brief Definitions every kernel sees, whatever its role: compile-time and runtime arguments,
 *  the role macros and the attribute macros TT-Metalium kernels use.
 *
 *  The simulator compiles each kernel through a generated wrapper that defines
 *  `tt_sim_compile_args` / `tt_sim_num_compile_args`, the CB format table and the role, then
 *  includes the kernel source; see cpp/sim/jit.cc.
 */
#pragma once

#include <cstdint>
#include <cstring>

#include "hostdevcommon/kernel_structs.h"
#include "tt_sim/kernel_bridge.h"

#define ALWI inline __attribute__((always_inline))
#define FORCE_INLINE inline __attribute__((always_inline))
#define tt_l1_ptr
#define tt_reg_ptr

// A compute kernel runs once on the simulator, not as three TRISC binaries, so the
// thread-selection macros keep their argument.
#define UNPACK(x) x
#define MATH(x) x
#define PACK(x) x

#ifndef NOC_INDEX
#define NOC_INDEX 0
#endif

/*! \brief The NoC this kernel was configured to use (DataMovementConfig::noc). */
constexpr uint8_t noc_index = NOC_INDEX;

/*! \brief Compile-time argument `index` (ComputeConfig/DataMovementConfig::compile_args). An index
 *  past the end is a compile error in a constant expression and a SimulationError otherwise. */
constexpr uint32_t get_compile_time_arg_val(uint32_t index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return index < tt_sim_num_compile_args ? tt_sim_compile_args[index]
                                           : (tt_sim::k::compile_arg_out_of_range(index, tt_sim_num_compile_args, loc), 0u);
}

/*! \brief Runtime argument `arg_idx` of this core (SetRuntimeArgs), as a 4-byte type. */
template <typename T>
inline T get_arg_val(int arg_idx, tt_sim::Loc loc = tt_sim::Loc::here()) {
    static_assert(sizeof(T) == 4, "get_arg_val<T> requires a 4-byte type");
    uint32_t raw = tt_sim::k::runtime_arg(static_cast<uint32_t>(arg_idx), false, loc);
    T value;
    std::memcpy(&value, &raw, sizeof(T));
    return value;
}

/*! \brief Common runtime argument `arg_idx` (SetCommonRuntimeArgs), as a 4-byte type. */
template <typename T>
inline T get_common_arg_val(int arg_idx, tt_sim::Loc loc = tt_sim::Loc::here()) {
    static_assert(sizeof(T) == 4, "get_common_arg_val<T> requires a 4-byte type");
    uint32_t raw = tt_sim::k::runtime_arg(static_cast<uint32_t>(arg_idx), true, loc);
    T value;
    std::memcpy(&value, &raw, sizeof(T));
    return value;
}

/*! \brief Bytes of one tile of CB `operand`'s data format (known at compile time, as on device). */
constexpr uint32_t get_tile_size(const int32_t operand) {
    return tt::tile_size(static_cast<tt::DataFormat>(tt_sim_cb_data_format[operand]));
}

/*! \brief The data format of CB `operand`. */
constexpr tt::DataFormat get_dataformat(const int32_t operand) {
    return static_cast<tt::DataFormat>(tt_sim_cb_data_format[operand]);
}

/*! \brief Datums per tile of CB `operand` (always 32x32 here). */
constexpr uint32_t get_tile_hw(const int32_t) {
    return 1024;
}

/*! \brief Faces per tile of CB `operand` (always 4 here). */
constexpr uint32_t get_tile_num_faces(const int32_t) {
    return 4;
}

/*! \brief Producer side: block until `num_pages` pages are free at the back of CB `operand`. */
inline void cb_reserve_back(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_reserve_back(operand, num_pages, loc);
}
/*! \brief Producer side: publish `num_pages` reserved pages to the consumer. */
inline void cb_push_back(const int32_t operand, const int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_push_back(operand, num_pages, loc);
}
/*! \brief Consumer side: block until `num_pages` pages are available at the front. */
inline void cb_wait_front(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_wait_front(operand, num_pages, loc);
}
/*! \brief Consumer side: free `num_pages` pages at the front. */
inline void cb_pop_front(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_pop_front(operand, num_pages, loc);
}
/*! \brief Non-blocking: whether `num_pages` pages could be reserved now. */
inline bool cb_pages_reservable_at_back(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_pages_reservable_at_back(operand, num_pages, loc);
}
/*! \brief Non-blocking: whether `num_pages` pages are available now. */
inline bool cb_pages_available_at_front(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_pages_available_at_front(operand, num_pages, loc);
}

// Compute kernels of releases before the kernel_main() form wrote `namespace NAMESPACE { void
// MAIN { ... } }`; the simulator's wrapper calls whichever entry the kernel defines.
#define NAMESPACE tt_sim_legacy_compute
#define MAIN kernel_main_legacy()
