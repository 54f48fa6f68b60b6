/*! \file tensor_accessor.h
 *  \brief TensorAccessor and the interleaved address generators, as TT-Metalium v0.67 declares them
 *  (api/tensor/tensor_accessor.h; InterleavedAddrGen[Fast] come with it from the release's
 *  internal/dataflow/dataflow_api_addrgen.h), and PageView, its adapter for the experimental Noc.
 *  Pages are dealt round-robin over the banks (interleaved), as on device.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "api/compile_time_args.h"
#include "api/tensor/tensor_accessor_args.h"
#include "tt_sim/kernel_common.h"

/*! \brief Maps page ids of one interleaved tensor to NoC addresses. The template argument is the
 *  tensor's TensorAccessorArgs type (deduced from the constructor). */
template <typename DSpecT>
struct TensorAccessor {
    using DSpec = DSpecT;
    static constexpr bool is_dram = DSpec::is_dram;

    template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET>
    TensorAccessor(const TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET> &args, const size_t bank_base_address_in,
                   const uint32_t page_size_in = TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET>::AlignedPageSize)
        : bank_base_address(bank_base_address_in), aligned_page_size(page_size_in) {
        (void)args;
    }

    FORCE_INLINE
    const uint32_t get_aligned_page_size() const {
        return aligned_page_size;
    }

    /*! \brief NoC address of byte `offset` of page `page_id`. */
    FORCE_INLINE
    std::uint64_t get_noc_addr(const uint32_t page_id, const uint32_t offset = 0, uint8_t noc = noc_index,
                               tt_sim::Loc loc = tt_sim::Loc::here()) const {
        (void)noc;
        return tt_sim::k::interleaved_page_noc_addr(is_dram, static_cast<uint32_t>(bank_base_address),
                                                    aligned_page_size, page_id, offset, loc);
    }

private:
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
