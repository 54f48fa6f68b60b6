/*! \file compile_time_args.h
 *  \brief Compile-time arguments, as TT-Metalium v0.67's api/compile_time_args.h declares them.
 *
 *  The JIT passes a kernel's compile-time arguments as `KERNEL_COMPILE_TIME_ARGS` (the values,
 *  comma-separated) and its named ones as `KERNEL_COMPILE_TIME_ARG_MAP` (`{"name", value}` pairs),
 *  so an index or a name is checked while the kernel compiles: a runtime index, an index past the
 *  end or an unknown name is a compile error, as on the device.
 */
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>

#include "tt_sim/risc_attribs.h"

template <class T, class... Ts>
FORCE_INLINE constexpr std::array<T, sizeof...(Ts)> make_array(Ts... values) {
    return {T(values)...};
}

#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif

/*! \brief The kernel's compile-time arguments (ComputeConfig/DataMovementConfig::compile_args). */
constexpr auto kernel_compile_time_args = make_array<std::uint32_t>(KERNEL_COMPILE_TIME_ARGS);

/*! \brief Compile-time argument `Idx`; an index past the end fails to compile. */
template <uint32_t Idx>
constexpr uint32_t get_ct_arg() {
    static_assert(Idx < kernel_compile_time_args.size(),
                  "get_compile_time_arg_val: index out of range of the kernel's compile_args");
    return kernel_compile_time_args[Idx];
}

/*! \brief Compile-time argument `arg_idx`; the index must be a constant expression. */
#define get_compile_time_arg_val(arg_idx) get_ct_arg<arg_idx>()

#ifdef KERNEL_COMPILE_TIME_ARG_MAP
namespace {
constexpr std::pair<std::string_view, uint32_t> named_args_map[] = {KERNEL_COMPILE_TIME_ARG_MAP};
}

namespace tt_sim {
/*! \brief Not constexpr on purpose: reaching it while evaluating get_named_compile_time_arg_val
 *  makes the compiler reject the kernel with this function's name in the message. */
inline uint32_t named_compile_time_arg_is_not_in_the_kernels_named_compile_args() {
    return 0;
}
}  // namespace tt_sim

/*! \brief The value of the named compile-time argument `name`. */
constexpr uint32_t get_named_ct_arg(std::string_view name) {
    for (const auto &[arg_name, arg_value] : named_args_map) {
        if (name == arg_name) return arg_value;
    }
    return tt_sim::named_compile_time_arg_is_not_in_the_kernels_named_compile_args();
}

/*! \brief The value of a named compile-time argument (ComputeConfig/DataMovementConfig::
 *  named_compile_args); store it in a constexpr variable, as on device. */
constexpr uint32_t get_named_compile_time_arg_val(std::string_view name) {
    return get_named_ct_arg(name);
}
#endif
