/*! \file tensor.h
 *  \brief How an experimental::Noc addresses tensors (TT-Metalium v0.67's experimental/tensor.h),
 *  simulated: a TensorAccessor or a PageView is one side of a transfer, addressed by
 *  {.page_id, .offset_bytes}.
 *
 *  As the NoC side of a transfer a page may be anywhere; as the L1 side it must be in the calling
 *  core's L1 (the release asserts this under its watcher; the simulator always checks it and
 *  names the kernel line). Sharded tensors (ShardView) and page iteration (tensor_accessor::Page)
 *  are not modelled.
 */
#pragma once

#include <cstdint>

#include "api/tensor/tensor_accessor.h"
#include "experimental/noc.h"

namespace experimental {

namespace detail {
/*! \brief noc_traits_t of a tensor addressed by page (TensorAccessor, PageView): its NoC address,
 *  or as the L1 side of a transfer its local L1 address (which it must have). */
template <typename Tensor>
struct page_noc_traits {
    struct src_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    struct dst_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    template <Noc::AddressType address_type>
    static auto src_addr(const Tensor &src, const Noc &noc, const src_args_type &args,
                         tt_sim::Loc loc = tt_sim::Loc::here()) {
        return page_addr<address_type>(src.get_noc_addr(args.page_id, args.offset_bytes, noc.get_noc_id(), loc), loc);
    }
    template <Noc::AddressType address_type>
    static auto dst_addr(const Tensor &dst, const Noc &noc, const dst_args_type &args,
                         tt_sim::Loc loc = tt_sim::Loc::here()) {
        return page_addr<address_type>(dst.get_noc_addr(args.page_id, args.offset_bytes, noc.get_noc_id(), loc), loc);
    }

private:
    template <Noc::AddressType address_type>
    static auto page_addr(uint64_t noc_addr, tt_sim::Loc loc) {
        if constexpr (address_type == Noc::AddressType::LOCAL_L1) {
            return tt_sim::k::local_l1_address(noc_addr, "experimental::Noc", "the tensor page", loc);
        } else {
            return noc_addr;
        }
    }
};
}  // namespace detail

template <typename DSpecT>
struct noc_traits_t<TensorAccessor<DSpecT>> : detail::page_noc_traits<TensorAccessor<DSpecT>> {};

template <typename Accessor>
struct noc_traits_t<PageView<Accessor>> : detail::page_noc_traits<PageView<Accessor>> {};

}  // namespace experimental
