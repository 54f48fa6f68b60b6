/*! \file tensor_accessor_args.h
 *  \brief TensorAccessorArgs: where a tensor's accessor arguments sit among a kernel's
 *  compile-time arguments, as TT-Metalium v0.67's api/tensor/tensor_accessor_args.h declares it.
 *
 *  An interleaved tensor takes two compile-time words, written by the host's
 *  TensorAccessorArgs::append_to: the ArgsConfig flags (bits of the release, shared with the host
 *  through hostdevcommon/tensor_accessor/arg_config.hpp) and the aligned page size. Sharded tensors
 *  are not modelled: their arguments stop the compile.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include <hostdevcommon/tensor_accessor/arg_config.hpp>
#include "api/compile_time_args.h"

namespace tensor_accessor {
/*! \brief A common-runtime-argument offset not known at compile time (internal/tensor/const.h). */
constexpr std::size_t UNKNOWN = std::numeric_limits<std::size_t>::max();
}  // namespace tensor_accessor

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
struct TensorAccessorArgs {
    static constexpr auto args_config = tensor_accessor::ArgsConfig(
        static_cast<tensor_accessor::ArgsConfig::Underlying>(get_compile_time_arg_val(CTA_OFFSET)));

    static constexpr bool is_sharded = args_config.test(tensor_accessor::ArgConfig::Sharded);
    static constexpr bool is_dram = args_config.test(tensor_accessor::ArgConfig::IsDram);
    static_assert(!is_sharded, "the simulator models interleaved tensors only (these accessor arguments are sharded)");

    // The aligned page size is always the word after the flags.
    static constexpr uint32_t AlignedPageSizeCTAOffset = CTA_OFFSET + 1;
    static constexpr uint32_t AlignedPageSize = get_compile_time_arg_val(AlignedPageSizeCTAOffset);

    /*! \brief Compile-time words of an interleaved tensor: the flags and the page size. */
    static constexpr uint32_t NumArgsCT = 2;

private:
    uint32_t crta_offset_rt_;

public:
    constexpr TensorAccessorArgs() : crta_offset_rt_(0) {
    }
    constexpr explicit TensorAccessorArgs(uint32_t crta_offset) : crta_offset_rt_(crta_offset) {
        static_assert(CRTA_OFFSET == tensor_accessor::UNKNOWN, "Do not pass crta_offset when CRTA_OFFSET is known");
    }
    constexpr uint32_t crta_offset() const {
        if constexpr (CRTA_OFFSET != tensor_accessor::UNKNOWN) return CRTA_OFFSET;
        else return crta_offset_rt_;
    }

    static constexpr uint32_t get_aligned_page_size() {
        return AlignedPageSize;
    }
    static constexpr uint32_t num_compile_time_args() {
        return NumArgsCT;
    }
    /*! \brief First compile-time argument after this tensor's; chain the next accessor there. */
    static constexpr uint32_t next_compile_time_args_offset() {
        return CTA_OFFSET + num_compile_time_args();
    }
    /*! \brief Interleaved tensors take no common runtime arguments. */
    constexpr uint32_t num_common_runtime_args() const {
        return 0;
    }
    constexpr uint32_t next_common_runtime_args_offset() const {
        return crta_offset() + num_common_runtime_args();
    }
};
