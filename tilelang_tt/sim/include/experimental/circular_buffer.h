/*! \file circular_buffer.h
 *  \brief experimental::CircularBuffer, the "Device 2.0" circular-buffer object of TT-Metalium
 *  v0.67 (experimental/circular_buffer.h), simulated, and how a Noc addresses it.
 *
 *  The object is a CB index with the CB calls as members; each forwards to the simulator's CB (the
 *  same checks as cb_reserve_back and friends). As in the release, a compute kernel (TRISC) sees its
 *  own variant: no NoC traits and no tile-format queries, pointers in 16-byte units (the compute
 *  side's CB interface), and get_tile_address / read_tile_value. A CircularBuffer is a transfer's
 *  L1 side (the read pointer as a source, the write pointer as a destination, or either through
 *  use<AddrSelector>), or the multicast destination on a rectangle of cores.
 */
#pragma once

#include <cstdint>

#ifndef COMPILE_FOR_TRISC
#include "experimental/noc.h"
#endif

#include "experimental/lock.h"
#include "tt_sim/kernel_common.h"

namespace experimental {

class CircularBuffer {
public:
    enum class AddrSelector { WRITE_PTR, READ_PTR };

    explicit CircularBuffer(uint32_t cb_id) : cb_id_(cb_id) {}

    uint32_t get_cb_id() const { return cb_id_; }

    /*! \brief Producer side: block until `num_pages` pages are free at the back. */
    void reserve_back(int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
        tt_sim::k::cb_reserve_back(cb_id_, num_pages, loc);
    }

    /*! \brief Producer side: publish `num_pages` reserved pages to the consumer. */
    void push_back(int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
        tt_sim::k::cb_push_back(cb_id_, num_pages, loc);
    }

    /*! \brief Consumer side: block until `num_pages` pages are available at the front. */
    void wait_front(int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
        tt_sim::k::cb_wait_front(cb_id_, num_pages, loc);
    }

    /*! \brief Consumer side: free `num_pages` pages at the front. */
    void pop_front(int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
        tt_sim::k::cb_pop_front(cb_id_, num_pages, loc);
    }

#ifdef COMPILE_FOR_TRISC
    /*! \brief Byte address of page `tile_index` after the front of the CB (valid after wait_front). */
    uint32_t get_tile_address(uint32_t tile_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
        return tt_sim::k::cb_read_ptr(cb_id_, loc) + tt_sim::k::cb_page_size(cb_id_, loc) * tile_index;
    }

    /*! \brief The 32-bit word `element_offset` of page `tile_index` after the front of the CB. */
    uint32_t read_tile_value(uint32_t tile_index, uint32_t element_offset, tt_sim::Loc loc = tt_sim::Loc::here()) {
        const uintptr_t address = get_tile_address(tile_index, loc);
        return reinterpret_cast<volatile uint32_t *>(address)[element_offset];
    }

    /*! \brief The write pointer in the compute side's 16-byte units. */
    uint32_t get_write_ptr(tt_sim::Loc loc = tt_sim::Loc::here()) const {
        return tt_sim::k::cb_write_ptr(cb_id_, loc) >> kComputeAddressShift;
    }

    /*! \brief The read pointer in the compute side's 16-byte units. */
    uint32_t get_read_ptr(tt_sim::Loc loc = tt_sim::Loc::here()) const {
        return tt_sim::k::cb_read_ptr(cb_id_, loc) >> kComputeAddressShift;
    }
#else
    uint32_t get_tile_size(tt_sim::Loc loc = tt_sim::Loc::here()) const { return ::get_tile_size(cb_id_, loc); }
    uint32_t get_tile_hw() const { return ::get_tile_hw(cb_id_); }
    DataFormat get_dataformat(tt_sim::Loc loc = tt_sim::Loc::here()) const { return ::get_dataformat(cb_id_, loc); }

    /*! \brief Non-blocking: whether `num_pages` pages could be reserved now. */
    bool pages_reservable_at_back(int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        return tt_sim::k::cb_pages_reservable_at_back(cb_id_, num_pages, loc);
    }

    /*! \brief Non-blocking: whether `num_pages` pages are available now. */
    bool pages_available_at_front(int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        return tt_sim::k::cb_pages_available_at_front(cb_id_, num_pages, loc);
    }

    /*! \brief L1 byte address of the next free page (between reserve_back and push_back). */
    uint32_t get_write_ptr(tt_sim::Loc loc = tt_sim::Loc::here()) const { return tt_sim::k::cb_write_ptr(cb_id_, loc); }

    /*! \brief L1 byte address of the oldest available page (between wait_front and pop_front). */
    uint32_t get_read_ptr(tt_sim::Loc loc = tt_sim::Loc::here()) const { return tt_sim::k::cb_read_ptr(cb_id_, loc); }
#endif

    /*! \brief A scope in which the kernel owns the whole CB; on the device it only marks the scope
     *  for NoC debugging, so here it does nothing. */
    [[nodiscard]] auto scoped_lock() {
        return Lock([]() {});
    }

private:
#ifdef COMPILE_FOR_TRISC
    /*! The compute side keeps CB addresses in 16-byte units (CIRCULAR_BUFFER_COMPUTE_ADDR_SHIFT). */
    static constexpr uint32_t kComputeAddressShift = 4;
#endif
    uint32_t cb_id_;
};

#ifndef COMPILE_FOR_TRISC
/*! \brief A CB with the pointer a transfer uses chosen explicitly (see use()). */
template <CircularBuffer::AddrSelector AddrSel>
struct CircularBufferView {
    const CircularBuffer &cb;
    explicit constexpr CircularBufferView(const CircularBuffer &c) : cb(c) {}
};

/*! \brief use<CircularBuffer::AddrSelector::READ_PTR>(cb): the CB's read (or write) pointer as the
 *  source or destination of a transfer, whichever side it is on. */
template <CircularBuffer::AddrSelector AddrSel>
constexpr auto use(const CircularBuffer &cb) {
    return CircularBufferView<AddrSel>(cb);
}

namespace detail {
/*! \brief The L1 address of a CB on one side of a transfer: its read pointer as the source, its
 *  write pointer as the destination. */
template <bool as_source>
uint32_t cb_pointer(const CircularBuffer &cb, tt_sim::Loc loc) {
    return as_source ? cb.get_read_ptr(loc) : cb.get_write_ptr(loc);
}
/*! \brief A CircularBufferView's selected pointer, on either side. */
template <bool as_source, CircularBuffer::AddrSelector AddrSel>
uint32_t cb_pointer(const CircularBufferView<AddrSel> &view, tt_sim::Loc loc) {
    return cb_pointer<AddrSel == CircularBuffer::AddrSelector::READ_PTR>(view.cb, loc);
}

/*! \brief noc_traits_t of CircularBuffer and CircularBufferView: the L1 side of a transfer, or a
 *  multicast destination (the same L1 address on every core of a rectangle). */
template <typename CB>
struct cb_noc_traits {
    struct src_args_type {
        uint32_t offset_bytes{};
    };
    struct dst_args_type {
        uint32_t offset_bytes{};
    };
    struct dst_args_mcast_type {
        uint32_t noc_x_start{};
        uint32_t noc_y_start{};
        uint32_t noc_x_end{};
        uint32_t noc_y_end{};
        uint32_t offset_bytes{};
    };
    template <Noc::AddressType address_type>
    static auto src_addr(const CB &src, const Noc &, const src_args_type &args, tt_sim::Loc loc = tt_sim::Loc::here()) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1,
                      "CircularBuffer without mcast range can only be used as L1 source");
        return cb_pointer<true>(src, loc) + args.offset_bytes;
    }
    template <Noc::AddressType address_type>
    static auto dst_addr(const CB &dst, const Noc &, const dst_args_type &args, tt_sim::Loc loc = tt_sim::Loc::here()) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1,
                      "CircularBuffer without mcast range can only be used as L1 source");
        return cb_pointer<false>(dst, loc) + args.offset_bytes;
    }
    template <Noc::AddressType address_type>
    static auto dst_addr_mcast(const CB &dst, const Noc &noc, const dst_args_mcast_type &args,
                               tt_sim::Loc loc = tt_sim::Loc::here()) {
        static_assert(address_type == Noc::AddressType::NOC,
                      "CircularBuffer with mcast range cannot be used as L1 source");
        return ::get_noc_multicast_addr(args.noc_x_start, args.noc_y_start, args.noc_x_end, args.noc_y_end,
                                        cb_pointer<false>(dst, loc) + args.offset_bytes, noc.get_noc_id());
    }
};
}  // namespace detail

template <>
struct noc_traits_t<CircularBuffer> : detail::cb_noc_traits<CircularBuffer> {};

template <CircularBuffer::AddrSelector AddrSel>
class noc_traits_t<CircularBufferView<AddrSel>> : public detail::cb_noc_traits<CircularBufferView<AddrSel>> {};
#endif

}  // namespace experimental
