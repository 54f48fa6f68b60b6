/*! \file dspec.h
 *  \brief tensor_accessor::DistributionSpec, the shape of a sharded tensor as its accessor sees it
 *  (TT-Metalium v0.67's internal/tensor/dspec.h), with the release's accessors: rank, num_banks,
 *  tensor_shape, shard_shape, their strides and volumes, shard_grid, shard_grid_strides and
 *  packed_xy_coords (each bank's virtual NoC (x << 8) | y).
 *
 *  The release makes it a template whose parts known at compile time are constants; the
 *  simulator's is one type filled when the accessor is made, from the compile-time words or the
 *  common runtime words its TensorAccessorArgs names (api/tensor/tensor_accessor_args.h). Shapes
 *  are in pages, outermost first.
 */
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "api/compile_time_args.h"
#include "internal/tensor/const.h"
#include "tt_sim/kernel_bridge.h"

namespace tensor_accessor {

namespace detail {
/*! \brief A read-only view of `size()` elements (the release's detail::Span; kernels are C++17). */
template<typename T> struct Span {
    const T *data_ = nullptr;
    uint32_t size_ = 0;
    const T &operator[](uint32_t i) const { return data_[i]; }
    uint32_t size() const { return size_; }
    const T *begin() const { return data_; }
    const T *end() const { return data_ + size_; }
};
}  // namespace detail

struct DistributionSpec {
    /*! \brief Most banks (cores) a sharded tensor spans on the simulator. */
    static constexpr std::size_t kMaxBanks = 256;

    DistributionSpec() = default;

    /*! \brief The distribution `args` (a sharded TensorAccessorArgs) describes. */
    template<typename Args> explicit DistributionSpec(const Args &args, tt_sim::Loc loc = tt_sim::Loc::here()) {
        rank_ = args.get_rank();
        num_banks_ = args.get_num_banks();
        if (rank_ == 0 || rank_ > MAX_RANK)
            tt_sim::k::not_modelled("TensorAccessor", "a sharded tensor of rank 0 or above 8", loc);
        if (num_banks_ == 0 || num_banks_ > kMaxBanks)
            tt_sim::k::not_modelled("TensorAccessor", "a sharded tensor over no banks or more than 256", loc);
        for (uint32_t i = 0; i < rank_; ++i) {
            tensor_shape_[i] =
                word<Args::tensor_shape_is_crta>(Args::TensorShapeCTAOffset, args.tensor_shape_crta_offset(), i, loc);
            shard_shape_[i] =
                word<Args::shard_shape_is_crta>(Args::ShardShapeCTAOffset, args.shard_shape_crta_offset(), i, loc);
        }
        for (uint32_t i = 0; i < num_banks_; ++i) {
            const uint32_t pair =
                word<Args::bank_coords_is_crta>(Args::BankCoordsCTAOffset, args.bank_coords_crta_offset(), i / 2, loc);
            bank_coords_[i] = static_cast<uint16_t>(i % 2 ? pair >> 16 : pair & 0xFFFF);
        }
        tensor_volume_ = shard_volume_ = 1;
        uint32_t grid_stride = 1;
        for (int i = static_cast<int>(rank_) - 1; i >= 0; --i) {
            tensor_strides_[i] = static_cast<uint32_t>(tensor_volume_);
            shard_strides_[i] = static_cast<uint32_t>(shard_volume_);
            tensor_volume_ *= tensor_shape_[i];
            shard_volume_ *= shard_shape_[i];
            shard_grid_[i] = (tensor_shape_[i] + shard_shape_[i] - 1) / shard_shape_[i];
            shard_grid_strides_[i] = grid_stride;
            grid_stride *= shard_grid_[i];
        }
    }

    uint32_t rank() const { return rank_; }
    uint32_t num_banks() const { return num_banks_; }
    detail::Span<uint32_t> tensor_shape() const { return {tensor_shape_.data(), rank_}; }
    detail::Span<uint32_t> shard_shape() const { return {shard_shape_.data(), rank_}; }
    detail::Span<uint32_t> tensor_strides() const { return {tensor_strides_.data(), rank_}; }
    detail::Span<uint32_t> shard_strides() const { return {shard_strides_.data(), rank_}; }
    size_t tensor_volume() const { return tensor_volume_; }
    size_t shard_volume() const { return shard_volume_; }
    /*! \brief Shards along each dimension (the last one may be partial). */
    detail::Span<uint32_t> shard_grid() const { return {shard_grid_.data(), rank_}; }
    detail::Span<uint32_t> shard_grid_strides() const { return {shard_grid_strides_.data(), rank_}; }
    detail::Span<uint16_t> packed_xy_coords() const { return {bank_coords_.data(), num_banks_}; }

private:
    /*! Word `i` of a part that starts at compile-time argument `cta` or common runtime argument `crta`. */
    template<bool IsCrta> static uint32_t word(uint32_t cta, uint32_t crta, uint32_t i, tt_sim::Loc loc) {
        if constexpr (IsCrta)
            return tt_sim::k::runtime_arg(crta + i, true, loc);
        else
            return kernel_compile_time_args[cta + i];
    }

    uint32_t rank_ = 0;
    uint32_t num_banks_ = 0;
    std::array<uint32_t, MAX_RANK> tensor_shape_{}, shard_shape_{}, tensor_strides_{}, shard_strides_{};
    std::array<uint32_t, MAX_RANK> shard_grid_{}, shard_grid_strides_{};
    std::array<uint16_t, kMaxBanks> bank_coords_{};
    size_t tensor_volume_ = 0;
    size_t shard_volume_ = 0;
};

}  // namespace tensor_accessor
