/*! \file endpoints.h
 *  \brief Raw addresses as experimental::Noc endpoints (TT-Metalium v0.67's experimental/endpoints.h),
 *  simulated: a core's L1 address by physical NoC coordinates (UnicastEndpoint), the same address
 *  on a rectangle of cores (MulticastEndpoint), and an address in a DRAM or L1 bank of the
 *  allocator (AllocatorBank).
 */
#pragma once

#include <cstdint>

#include "experimental/noc.h"

namespace experimental {

/*! \brief An L1 address on the core at physical NoC coordinates (noc_x, noc_y). */
struct UnicastEndpoint {
    uint64_t get_noc_unicast_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr, uint8_t noc) const {
        return ::get_noc_addr(noc_x, noc_y, addr, noc);
    }
};

/*! \brief An L1 address on every core of a rectangle of physical NoC coordinates. */
struct MulticastEndpoint {
    uint64_t get_noc_multicast_addr(uint32_t noc_x_start, uint32_t noc_y_start, uint32_t noc_x_end, uint32_t noc_y_end,
                                    uint32_t addr, uint8_t noc) const {
        return ::get_noc_multicast_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr, noc);
    }
};

enum AllocatorBankType { L1, DRAM };

/*! \brief An address inside one bank (DRAM, or a worker's L1) of the allocator. */
template <AllocatorBankType bank_type>
struct AllocatorBank {
    uint64_t get_noc_addr_from_bank_id(uint32_t bank_id, uint32_t addr, uint8_t noc,
                                       tt_sim::Loc loc = tt_sim::Loc::here()) const {
        return ::get_noc_addr_from_bank_id<bank_type == AllocatorBankType::DRAM>(bank_id, addr, noc, loc);
    }
};

/*! \brief A UnicastEndpoint is {.noc_x, .noc_y, .addr}; as the L1 side of a transfer only `addr`
 *  counts (the calling core's). */
template <>
struct noc_traits_t<UnicastEndpoint> {
    struct src_args_type {
        uint32_t noc_x{};
        uint32_t noc_y{};
        uint32_t addr{};
    };
    struct dst_args_type {
        uint32_t noc_x{};
        uint32_t noc_y{};
        uint32_t addr{};
    };
    template <Noc::AddressType address_type>
    static auto src_addr(const UnicastEndpoint &src, const Noc &noc, const src_args_type &args,
                         tt_sim::Loc = tt_sim::Loc::here()) {
        return endpoint_addr<address_type>(src, noc, args.noc_x, args.noc_y, args.addr);
    }
    template <Noc::AddressType address_type>
    static auto dst_addr(const UnicastEndpoint &dst, const Noc &noc, const dst_args_type &args,
                         tt_sim::Loc = tt_sim::Loc::here()) {
        return endpoint_addr<address_type>(dst, noc, args.noc_x, args.noc_y, args.addr);
    }

private:
    template <Noc::AddressType address_type>
    static auto endpoint_addr(const UnicastEndpoint &endpoint, const Noc &noc, uint32_t noc_x, uint32_t noc_y,
                              uint32_t addr) {
        if constexpr (address_type == Noc::AddressType::LOCAL_L1) {
            return addr;
        } else {
            return endpoint.get_noc_unicast_addr(noc_x, noc_y, addr, noc.get_noc_id());
        }
    }
};

/*! \brief A MulticastEndpoint is a multicast destination {.noc_x_start, ..., .noc_y_end, .addr}. */
template <>
struct noc_traits_t<MulticastEndpoint> {
    struct dst_args_mcast_type {
        uint32_t noc_x_start{};
        uint32_t noc_y_start{};
        uint32_t noc_x_end{};
        uint32_t noc_y_end{};
        uint32_t addr{};
    };
    template <Noc::AddressType address_type>
    static auto dst_addr_mcast(const MulticastEndpoint &dst, const Noc &noc, const dst_args_mcast_type &args,
                               tt_sim::Loc = tt_sim::Loc::here()) {
        static_assert(address_type == Noc::AddressType::NOC);
        return dst.get_noc_multicast_addr(args.noc_x_start, args.noc_y_start, args.noc_x_end, args.noc_y_end,
                                          args.addr, noc.get_noc_id());
    }
};

/*! \brief An AllocatorBank is {.bank_id, .addr}, always on the NoC side of a transfer. */
template <AllocatorBankType bank_type>
struct noc_traits_t<AllocatorBank<bank_type>> {
    struct src_args_type {
        uint32_t bank_id{};
        uint32_t addr{};
    };
    struct dst_args_type {
        uint32_t bank_id{};
        uint32_t addr{};
    };
    template <Noc::AddressType address_type>
    static auto src_addr(const AllocatorBank<bank_type> &src, const Noc &noc, const src_args_type &args,
                         tt_sim::Loc loc = tt_sim::Loc::here()) {
        static_assert(address_type == Noc::AddressType::NOC);
        return src.get_noc_addr_from_bank_id(args.bank_id, args.addr, noc.get_noc_id(), loc);
    }
    template <Noc::AddressType address_type>
    static auto dst_addr(const AllocatorBank<bank_type> &dst, const Noc &noc, const dst_args_type &args,
                         tt_sim::Loc loc = tt_sim::Loc::here()) {
        static_assert(address_type == Noc::AddressType::NOC);
        return dst.get_noc_addr_from_bank_id(args.bank_id, args.addr, noc.get_noc_id(), loc);
    }
};

}  // namespace experimental
