/*! \file tensor_accessor.h
 *  \brief TensorAccessor and the interleaved address generators, as TT-Metalium v0.67 declares them
 *  (api/tensor/tensor_accessor.h; InterleavedAddrGen[Fast] come with it from the release's
 *  internal/dataflow/dataflow_api_addrgen.h), and PageView, its adapter for the experimental Noc.
 *  Interleaved pages are dealt round-robin over the banks, sharded ones live on their shard's core,
 *  as on device.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "api/compile_time_args.h"
#include "api/tensor/tensor_accessor_args.h"
#include "internal/tensor/dspec.h"
#include "tt_sim/kernel_common.h"

/*! \brief Maps page ids of one tensor to NoC addresses. The template argument is the tensor's
 *  TensorAccessorArgs type (deduced from the constructor). Interleaved pages are dealt round-robin
 *  over the banks; a sharded tensor's page lives on the bank (core) of its shard, at
 *  base + bank_page_offset * page size in that core's L1 (shard i on bank i % num_banks, at slot
 *  i / num_banks; pages row-major inside the full shard). */
template <typename DSpecT>
struct TensorAccessor {
    using DSpec = DSpecT;
    static constexpr bool is_dram = DSpec::is_dram;

    template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET>
    TensorAccessor(const TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET> &args, const size_t bank_base_address_in,
                   const uint32_t page_size_in = TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET>::AlignedPageSize)
        : bank_base_address(bank_base_address_in), aligned_page_size(page_size_in) {
        if constexpr (DSpec::is_sharded) dspec_instance = tensor_accessor::DistributionSpec(args);
    }

    /*! \brief The sharded tensor's distribution (shapes in pages, banks). */
    constexpr const auto &dspec() const {
        static_assert(DSpec::is_sharded, "TensorAccessor::dspec is modelled for sharded tensors only");
        return dspec_instance;
    }

    FORCE_INLINE
    const uint32_t get_aligned_page_size() const {
        return aligned_page_size;
    }

    /*! \brief NoC address of byte `offset` of page `page_id`. */
    FORCE_INLINE
    std::uint64_t get_noc_addr(const uint32_t page_id, const uint32_t offset = 0, uint8_t noc = noc_index,
                               tt_sim::Loc loc = tt_sim::Loc::here()) const {
        if constexpr (DSpec::is_sharded) {
            tt_sim::k::check_page_id(page_id, static_cast<uint32_t>(dspec_instance.tensor_volume()),
                                     "TensorAccessor::get_noc_addr", loc);
            return bank_noc_addr(get_bank_and_offset(page_id), offset, noc);
        } else {
            (void)noc;
            return tt_sim::k::interleaved_page_noc_addr(is_dram, static_cast<uint32_t>(bank_base_address),
                                                        aligned_page_size, page_id, offset, loc);
        }
    }

    /*! \brief NoC address of byte `offset` of shard `shard_id` (its first page). */
    FORCE_INLINE
    std::uint64_t get_shard_noc_addr(const uint32_t shard_id, const uint32_t offset = 0, uint8_t noc = noc_index,
                                     tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(DSpec::is_sharded, "TensorAccessor::get_shard_noc_addr needs a sharded tensor");
        uint32_t shards = 1;
        for (uint32_t grid : dspec_instance.shard_grid()) shards *= grid;
        tt_sim::k::check_page_id(shard_id, shards, "TensorAccessor::get_shard_noc_addr", loc);
        const PageMapping mapping{shard_id % dspec_instance.num_banks(),
                                  shard_id / dspec_instance.num_banks() * dspec_instance.shard_volume()};
        return bank_noc_addr(mapping, offset, noc);
    }

    struct PageMapping {
        size_t bank_id;
        size_t bank_page_offset;
    };

    /*! \brief Bank of page `page_id` and its index among that bank's pages. */
    PageMapping get_bank_and_offset(uint32_t page_id) const {
        static_assert(DSpec::is_sharded, "TensorAccessor::get_bank_and_offset needs a sharded tensor");
        const tensor_accessor::DistributionSpec &spec = dspec_instance;
        size_t shard_id = 0, in_shard = 0;
        for (int i = static_cast<int>(spec.rank()) - 1; i >= 0; --i) {
            const uint32_t coord = page_id % spec.tensor_shape()[i];
            page_id /= spec.tensor_shape()[i];
            shard_id += (coord / spec.shard_shape()[i]) * spec.shard_grid_strides()[i];
            in_shard += (coord % spec.shard_shape()[i]) * spec.shard_strides()[i];
        }
        return {shard_id % spec.num_banks(), shard_id / spec.num_banks() * spec.shard_volume() + in_shard};
    }

    FORCE_INLINE
    bool is_local_bank(uint32_t virtual_x, uint32_t virtual_y, uint8_t noc = noc_index) const {
        static_assert(DSpec::is_sharded, "TensorAccessor::is_local_bank is not supported by the interleaved tensor accessor");
        return virtual_x == my_x[noc] && virtual_y == my_y[noc];
    }

    FORCE_INLINE
    bool is_local_addr(const uint64_t noc_addr, uint8_t noc = noc_index) const {
        return is_local_bank(tt_sim::noc_addr::unicast_x(noc_addr), tt_sim::noc_addr::unicast_y(noc_addr), noc);
    }

    /*! \brief Whether page `page_id` lives in the running core's L1. */
    FORCE_INLINE
    bool is_local_page(const uint32_t page_id, uint8_t noc = noc_index) const {
        return is_local_bank_id(get_bank_and_offset(page_id).bank_id, noc);
    }

    /*! \brief Whether shard `shard_id` lives in the running core's L1. */
    FORCE_INLINE
    bool is_local_shard(const uint32_t shard_id, uint8_t noc = noc_index) const {
        return is_local_bank_id(shard_id % dspec_instance.num_banks(), noc);
    }

private:
    uint64_t bank_noc_addr(const PageMapping &mapping, uint32_t offset, uint8_t noc) const {
        (void)noc;
        const uint16_t xy = dspec_instance.packed_xy_coords()[mapping.bank_id];
        return tt_sim::k::core_noc_addr((xy >> 8) & 0xFF, xy & 0xFF,
                                        static_cast<uint32_t>(bank_base_address + mapping.bank_page_offset * aligned_page_size + offset));
    }
    bool is_local_bank_id(size_t bank_id, uint8_t noc) const {
        const uint16_t xy = dspec_instance.packed_xy_coords()[bank_id];
        return is_local_bank((xy >> 8) & 0xFF, xy & 0xFF, noc);
    }

    struct NoDistribution {};
    [[no_unique_address]] std::conditional_t<DSpec::is_sharded, tensor_accessor::DistributionSpec, NoDistribution>
        dspec_instance;
    const size_t bank_base_address;
    const uint32_t aligned_page_size;
};

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET>
TensorAccessor(const TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET> &, size_t, uint32_t)
    -> TensorAccessor<TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET>>;
template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET>
TensorAccessor(const TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET> &, size_t)
    -> TensorAccessor<TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET>>;

/*! \brief An accessor addressed by page id, as the experimental Noc takes it (experimental/tensor.h). */
template <typename Accessor>
struct PageView {
    const Accessor &accessor;
    explicit PageView(const Accessor &acc) : accessor(acc) {}

    uint64_t get_noc_addr(uint32_t page_id, uint32_t offset, uint8_t noc, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        return accessor.get_noc_addr(page_id, offset, noc, loc);
    }
};

/*! \brief Interleaved address generator with a byte page size (TT-Metalium's InterleavedAddrGen). */
template <bool DRAM>
struct InterleavedAddrGen {
    static constexpr bool is_dram = DRAM;
    uint32_t bank_base_address;
    const uint32_t page_size;

    FORCE_INLINE
    std::uint64_t get_noc_addr(const uint32_t id, const uint32_t offset = 0, uint8_t noc = noc_index,
                               tt_sim::Loc loc = tt_sim::Loc::here()) const {
        (void)noc;
        return tt_sim::k::interleaved_page_noc_addr(DRAM, bank_base_address, page_size, id, offset, loc);
    }
};

/*! \brief Interleaved address generator for tiles of a data format (TT-Metalium's
 *  InterleavedAddrGenFast). */
template <bool DRAM, uint32_t tile_hw = 1024>
struct InterleavedAddrGenFast {
    static constexpr bool is_dram = DRAM;
    uint32_t bank_base_address;
    uint32_t page_size;
    DataFormat data_format;

    FORCE_INLINE
    std::uint64_t get_noc_addr(const uint32_t id, const uint32_t offset = 0, uint8_t noc = noc_index,
                               tt_sim::Loc loc = tt_sim::Loc::here()) const {
        (void)noc;
        return tt_sim::k::interleaved_page_noc_addr(DRAM, bank_base_address, page_size, id, offset, loc);
    }
};

namespace tt_sim {
template <typename T, typename = void>
struct has_aligned_page_size : std::false_type {};
template <typename T>
struct has_aligned_page_size<T, std::void_t<decltype(std::declval<const T &>().get_aligned_page_size())>>
    : std::true_type {};

/*! \brief Bytes of one page of the tensor behind an address generator (TensorAccessor: its aligned
 *  page size; the InterleavedAddrGen family: page_size). */
template <typename AddrGen>
constexpr uint32_t page_bytes(const AddrGen &addrgen) {
    if constexpr (has_aligned_page_size<AddrGen>::value) return addrgen.get_aligned_page_size();
    else return addrgen.page_size;
}
}  // namespace tt_sim
