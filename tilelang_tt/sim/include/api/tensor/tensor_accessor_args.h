/*! \file tensor_accessor_args.h
 *  \brief TensorAccessorArgs: where a tensor's accessor arguments sit among a kernel's
 *  compile-time and common runtime arguments, as TT-Metalium v0.67's api/tensor/tensor_accessor_args.h
 *  declares it.
 *
 *  The host's TensorAccessorArgs::append_to writes, from compile-time argument CTA_OFFSET on: the
 *  ArgsConfig flags (bits shared through hostdevcommon/tensor_accessor/arg_config.hpp), the aligned
 *  page size, and for a sharded tensor its rank, number of banks, tensor shape, shard shape (pages,
 *  outermost first) and bank coordinates (two 16-bit (x << 8) | y per word). A part whose Runtime*
 *  flag is set is left out there and read from the common runtime arguments instead, in the same
 *  order, from CRTA_OFFSET (or the offset given at construction).
 */
#pragma once

#include <cstddef>
#include <cstdint>

#include "api/compile_time_args.h"
#include "internal/tensor/const.h"
#include "tt_sim/kernel_bridge.h"
#include <hostdevcommon/tensor_accessor/arg_config.hpp>

template<std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN> struct TensorAccessorArgs {
    static constexpr auto args_config = tensor_accessor::ArgsConfig(
        static_cast<tensor_accessor::ArgsConfig::Underlying>(get_compile_time_arg_val(CTA_OFFSET)));

    static constexpr bool is_sharded = args_config.test(tensor_accessor::ArgConfig::Sharded);
    static constexpr bool is_dram = args_config.test(tensor_accessor::ArgConfig::IsDram);
    static constexpr bool rank_is_crta = args_config.test(tensor_accessor::ArgConfig::RuntimeRank);
    static constexpr bool num_banks_is_crta = args_config.test(tensor_accessor::ArgConfig::RuntimeNumBanks);
    static constexpr bool tensor_shape_is_crta = args_config.test(tensor_accessor::ArgConfig::RuntimeTensorShape);
    static constexpr bool shard_shape_is_crta = args_config.test(tensor_accessor::ArgConfig::RuntimeShardShape);
    static constexpr bool bank_coords_is_crta = args_config.test(tensor_accessor::ArgConfig::RuntimeBankCoords);

    static_assert(!is_sharded || !rank_is_crta || (tensor_shape_is_crta && shard_shape_is_crta),
                  "If rank is runtime, tensor_shape and shard_shape must also be runtime");
    static_assert(!is_sharded || !num_banks_is_crta || bank_coords_is_crta,
                  "If num_banks is runtime, bank_coords must also be runtime");

    static constexpr uint32_t AlignedPageSizeCTAOffset = CTA_OFFSET + 1;
    static constexpr uint32_t AlignedPageSize = get_compile_time_arg_val(AlignedPageSizeCTAOffset);

    // A sharded tensor's compile-time parts, in order; a part read at runtime takes no word here.
    static constexpr uint32_t RankCTAOffset = CTA_OFFSET + 2;
    static constexpr uint32_t NumBanksCTAOffset = RankCTAOffset + (rank_is_crta ? 0 : 1);

    static constexpr uint32_t RankCT = [] {
        if constexpr (!is_sharded || rank_is_crta)
            return 0;
        else
            return get_compile_time_arg_val(RankCTAOffset);
    }();
    static constexpr uint32_t NumBanksCT = [] {
        if constexpr (!is_sharded || num_banks_is_crta)
            return 0;
        else
            return get_compile_time_arg_val(NumBanksCTAOffset);
    }();
    /*! \brief Words the bank coordinates take (two banks a word). */
    static constexpr uint32_t PhysicalNumBanksCT = (NumBanksCT + 1) / 2;

    static_assert(!is_sharded || rank_is_crta || RankCT > 0, "Rank must be greater than 0!");
    static_assert(!is_sharded || num_banks_is_crta || NumBanksCT > 0, "Number of banks must be greater than 0!");

    static constexpr uint32_t TensorShapeCTAOffset = NumBanksCTAOffset + (num_banks_is_crta ? 0 : 1);
    static constexpr uint32_t ShardShapeCTAOffset = TensorShapeCTAOffset + (tensor_shape_is_crta ? 0 : RankCT);
    static constexpr uint32_t BankCoordsCTAOffset = ShardShapeCTAOffset + (shard_shape_is_crta ? 0 : RankCT);

    /*! \brief Compile-time words of this tensor: 2 when interleaved. */
    static constexpr uint32_t NumArgsCT =
        is_sharded ? (BankCoordsCTAOffset + (bank_coords_is_crta ? 0 : PhysicalNumBanksCT) - CTA_OFFSET) : 2;

private:
    static_assert(CTA_OFFSET + NumArgsCT <= kernel_compile_time_args.size(),
                  "TensorAccessorArgs: the tensor's arguments run past the kernel's compile_args");
    uint32_t crta_offset_rt_;

    static uint32_t common_arg(uint32_t index) { return tt_sim::k::runtime_arg(index, true, tt_sim::Loc::here()); }

public:
    constexpr TensorAccessorArgs() : crta_offset_rt_(0) {}
    constexpr explicit TensorAccessorArgs(uint32_t crta_offset) : crta_offset_rt_(crta_offset) {
        static_assert(CRTA_OFFSET == tensor_accessor::UNKNOWN, "Do not pass crta_offset when CRTA_OFFSET is known");
    }
    constexpr uint32_t crta_offset() const {
        if constexpr (CRTA_OFFSET != tensor_accessor::UNKNOWN)
            return CRTA_OFFSET;
        else
            return crta_offset_rt_;
    }

    static constexpr uint32_t get_aligned_page_size() { return AlignedPageSize; }

    constexpr uint32_t rank_crta_offset() const { return crta_offset(); }
    constexpr uint32_t num_banks_crta_offset() const { return crta_offset() + rank_is_crta; }
    constexpr uint32_t get_rank() const {
        if constexpr (!rank_is_crta)
            return RankCT;
        else
            return common_arg(rank_crta_offset());
    }
    constexpr uint32_t get_num_banks() const {
        if constexpr (!num_banks_is_crta)
            return NumBanksCT;
        else
            return common_arg(num_banks_crta_offset());
    }
    constexpr uint32_t get_physical_num_banks() const { return (get_num_banks() + 1) / 2; }
    constexpr uint32_t tensor_shape_crta_offset() const { return num_banks_crta_offset() + num_banks_is_crta; }
    constexpr uint32_t shard_shape_crta_offset() const {
        return tensor_shape_crta_offset() + (tensor_shape_is_crta ? get_rank() : 0);
    }
    constexpr uint32_t bank_coords_crta_offset() const {
        return shard_shape_crta_offset() + (shard_shape_is_crta ? get_rank() : 0);
    }

    static constexpr uint32_t num_compile_time_args() { return NumArgsCT; }
    /*! \brief First compile-time argument after this tensor's; chain the next accessor there. */
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + num_compile_time_args(); }
    /*! \brief Common runtime words of this tensor (0 when interleaved or all compile-time). */
    constexpr uint32_t num_common_runtime_args() const {
        if constexpr (!is_sharded) return 0;
        return bank_coords_crta_offset() + (bank_coords_is_crta ? get_physical_num_banks() : 0) - crta_offset();
    }
    constexpr uint32_t next_common_runtime_args_offset() const { return crta_offset() + num_common_runtime_args(); }
};
