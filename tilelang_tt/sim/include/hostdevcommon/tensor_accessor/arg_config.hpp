/*! \file arg_config.hpp
 *  \brief The first compile-time word of a TensorAccessorArgs: which properties of a tensor's
 *  layout are known at compile time (TT-Metalium's hostdevcommon/tensor_accessor/arg_config.hpp).
 *  Bit values are the release's, so host and kernels agree on them. */
#pragma once

#include <cstdint>

#include "hostdevcommon/flags.hpp"

namespace tensor_accessor {

enum class ArgConfig : uint8_t {
    None = 0,
    Sharded = 1 << 0,
    IsDram = 1 << 1,
    RuntimeRank = 1 << 2,
    RuntimeNumBanks = 1 << 3,
    RuntimeTensorShape = 1 << 4,
    RuntimeShardShape = 1 << 5,
    RuntimeBankCoords = 1 << 6,
    Runtime = RuntimeRank | RuntimeNumBanks | RuntimeTensorShape | RuntimeShardShape | RuntimeBankCoords,
};

using ArgsConfig = Flags<ArgConfig>;

}  // namespace tensor_accessor
