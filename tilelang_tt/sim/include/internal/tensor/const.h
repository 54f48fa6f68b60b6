/*! \file const.h
 *  \brief Constants of TT-Metalium v0.67's tensor accessor (internal/tensor/const.h). */
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace tensor_accessor {
/*! \brief Most dimensions a sharded tensor's accessor handles. */
constexpr std::size_t MAX_RANK = 8;
/*! \brief A common-runtime-argument offset not known at compile time. */
constexpr std::size_t UNKNOWN = std::numeric_limits<std::size_t>::max();
}  // namespace tensor_accessor
