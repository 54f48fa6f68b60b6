/*! \file common_values.hpp
 *  \brief Values shared by host and device code (TT-Metalium's hostdevcommon/common_values.hpp):
 *  the defaults of the device-opening calls' size arguments. */
#pragma once

#include <cstddef>
#include <cstdint>

constexpr static std::uint32_t INVALID = 0;
constexpr static std::uint32_t VALID = 1;
/*! \brief Zero: no L1_SMALL region, no trace region, L1 size from the device. */
constexpr static std::size_t DEFAULT_L1_SMALL_SIZE = 0;
constexpr static std::size_t DEFAULT_TRACE_REGION_SIZE = 0;
constexpr static std::size_t DEFAULT_WORKER_L1_SIZE = 0;
