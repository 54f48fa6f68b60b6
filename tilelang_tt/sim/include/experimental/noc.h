/*! \file noc.h
 *  \brief experimental::Noc, the "Device 2.0" NoC object of TT-Metalium v0.67 (experimental/noc.h),
 *  simulated: reads, writes and multicasts between objects whose addresses noc_traits_t knows
 *  (TensorAccessor pages: experimental/tensor.h; circular buffers: experimental/circular_buffer.h;
 *  raw endpoints and allocator banks: experimental/endpoints.h), and the barriers.
 *
 *  Same names, template parameters and signatures as the release; each transfer is the classic
 *  data-movement call it stands for (noc_async_read, noc_async_write, ...), so the simulator checks
 *  it the same way. The simulator's noc_traits_t address functions take the kernel's call site as a
 *  trailing argument, so an address error names the kernel line of the Noc call.
 *
 *  Not modelled: NoC transaction ids (TxnIdMode::ENABLED, BarrierMode::TXN_ID stop the compile) and
 *  the stateful and inline calls (set_async_read_state, async_read_with_state,
 *  set_async_write_state, async_write_with_state, inline_dw_write), which are not declared.
 */
#pragma once

#include <cstdint>
#include <type_traits>

#include "api/dataflow/dataflow_api.h"

namespace experimental {

struct MulticastEndpoint;

/*! \brief How the Noc finds the address of a source or destination object: specialisations define
 *  the argument structs and src_addr / dst_addr (/ dst_addr_mcast). Other types are refused. */
template <typename T>
struct noc_traits_t {
    static_assert(sizeof(T) == 0, "NoC transactions are not supported for this type");
};

/*! \brief Asynchronous transfers on one NoC (the kernel's own by default) and their barriers. */
class Noc {
public:
    enum class AddressType { NOC, LOCAL_L1 };

    enum class TxnIdMode { ENABLED, DISABLED };

    enum class ResponseMode { NON_POSTED, POSTED };

    enum class BarrierMode { TXN_ID, FULL };

    enum class McastMode { INCLUDE_SRC, EXCLUDE_SRC };

    enum class VcSelection { DEFAULT, CUSTOM };

    static constexpr uint32_t INVALID_TXN_ID = 0xFFFFFFFF;

private:
    template <typename T>
    using src_args_t = typename noc_traits_t<T>::src_args_type;
    template <typename T>
    using dst_args_t = typename noc_traits_t<T>::dst_args_type;
    template <typename T>
    using dst_args_mcast_t = typename noc_traits_t<T>::dst_args_mcast_type;

    template <AddressType address_type>
    using addr_underlying_t = std::conditional_t<address_type == AddressType::LOCAL_L1, uintptr_t, uint64_t>;

    template <AddressType address_type, typename Src>
    auto get_src_ptr(const Src &src, const src_args_t<Src> &src_args, tt_sim::Loc loc) const {
        return addr_underlying_t<address_type>{
            noc_traits_t<Src>::template src_addr<address_type>(src, *this, src_args, loc)};
    }

    template <AddressType address_type, typename Dst>
    auto get_dst_ptr(const Dst &dst, const dst_args_t<Dst> &dst_args, tt_sim::Loc loc) const {
        return addr_underlying_t<address_type>{
            noc_traits_t<Dst>::template dst_addr<address_type>(dst, *this, dst_args, loc)};
    }

    template <AddressType address_type, typename Dst>
    auto get_dst_ptr_mcast(const Dst &dst, const dst_args_mcast_t<Dst> &dst_args, tt_sim::Loc loc) const {
        return addr_underlying_t<address_type>{
            noc_traits_t<Dst>::template dst_addr_mcast<address_type>(dst, *this, dst_args, loc)};
    }

public:
    Noc() : noc_id_(noc_index) {}
    explicit Noc(uint8_t noc_id, tt_sim::Loc loc = tt_sim::Loc::here()) : noc_id_(noc_id) {
        tt_sim::k::check_noc_index(noc_id, "experimental::Noc", loc);
    }

    uint8_t get_noc_id() const { return noc_id_; }

    /*! \brief Whether physical NoC coordinates (virtual_x, virtual_y) are this core's. */
    bool is_local_bank(uint32_t virtual_x, uint32_t virtual_y) const {
        return virtual_x == my_x[noc_id_] && virtual_y == my_y[noc_id_];
    }

    /*! \brief Whether a unicast NoC address lies on this core. */
    bool is_local_addr(const uint64_t noc_addr) const {
        return is_local_bank(tt_sim::noc_addr::unicast_x(noc_addr), tt_sim::noc_addr::unicast_y(noc_addr));
    }

    /*! \brief Start reading `size_bytes` from `src` (a NoC address) into `dst` (this core's L1). */
    template <TxnIdMode txn_id_mode = TxnIdMode::DISABLED, uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1,
              bool enable_noc_tracing = true, typename Src, typename Dst>
    void async_read(const Src &src, const Dst &dst, uint32_t size_bytes, const src_args_t<Src> &src_args,
                    const dst_args_t<Dst> &dst_args, uint32_t read_req_vc = NOC_UNICAST_WRITE_VC,
                    uint32_t trid = INVALID_TXN_ID, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(txn_id_mode == TxnIdMode::DISABLED, "the simulator does not model NoC transaction ids");
        (void)trid;
        noc_async_read<max_page_size, enable_noc_tracing>(get_src_ptr<AddressType::NOC>(src, src_args, loc),
                                                          get_dst_ptr<AddressType::LOCAL_L1>(dst, dst_args, loc),
                                                          size_bytes, noc_id_, read_req_vc, loc);
    }

    /*! \brief Start writing `size_bytes` from `src` (this core's L1) to `dst` (a NoC address). */
    template <TxnIdMode txn_id_mode = TxnIdMode::DISABLED, ResponseMode response_mode = ResponseMode::NON_POSTED,
              uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true, typename Src,
              typename Dst>
    void async_write(const Src &src, const Dst &dst, uint32_t size_bytes, const src_args_t<Src> &src_args,
                     const dst_args_t<Dst> &dst_args, uint32_t vc = NOC_UNICAST_WRITE_VC,
                     uint32_t trid = INVALID_TXN_ID, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(txn_id_mode == TxnIdMode::DISABLED, "the simulator does not model NoC transaction ids");
        (void)trid;
        noc_async_write<max_page_size, enable_noc_tracing, response_mode == ResponseMode::POSTED>(
            get_src_ptr<AddressType::LOCAL_L1>(src, src_args, loc), get_dst_ptr<AddressType::NOC>(dst, dst_args, loc),
            size_bytes, noc_id_, vc, loc);
    }

    /*! \brief Write `size_bytes` from this core's L1 to the same address on every core of a
     *  rectangle; `num_dsts` counts the destinations (the sender only with McastMode::INCLUDE_SRC). */
    template <McastMode mcast_mode = McastMode::EXCLUDE_SRC, TxnIdMode txn_id_mode = TxnIdMode::DISABLED,
              ResponseMode response_mode = ResponseMode::NON_POSTED, uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1,
              bool enable_noc_tracing = true, typename Src, typename Dst>
    void async_write_multicast(const Src &src, const Dst &dst, uint32_t size_bytes, uint32_t num_dsts,
                               const src_args_t<Src> &src_args, const dst_args_mcast_t<Dst> &dst_args,
                               bool linked = false, uint32_t trid = INVALID_TXN_ID,
                               tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(txn_id_mode == TxnIdMode::DISABLED, "Mcasts with transaction id are not supported yet");
        static_assert(response_mode == ResponseMode::NON_POSTED, "Mcasts with posted transactions are not supported");
        (void)trid;
        const auto src_addr = get_src_ptr<AddressType::LOCAL_L1>(src, src_args, loc);
        const auto dst_noc_addr = get_dst_ptr_mcast<AddressType::NOC>(dst, dst_args, loc);
        if constexpr (mcast_mode == McastMode::INCLUDE_SRC) {
            noc_async_write_multicast_loopback_src(src_addr, dst_noc_addr, size_bytes, num_dsts, linked, noc_id_, loc);
        } else {
            noc_async_write_multicast<max_page_size>(src_addr, dst_noc_addr, size_bytes, num_dsts, linked, noc_id_,
                                                     loc);
        }
    }

    /*! \brief Wait until every read this kernel started has landed. */
    template <BarrierMode barrier_type = BarrierMode::FULL>
    void async_read_barrier(uint32_t trid = INVALID_TXN_ID, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(barrier_type == BarrierMode::FULL, "the simulator does not model NoC transaction ids");
        (void)trid;
        noc_async_read_barrier(noc_id_, loc);
    }

    /*! \brief Wait until every write this kernel started has been acknowledged. */
    template <BarrierMode barrier_type = BarrierMode::FULL>
    void async_write_barrier(uint32_t trid = INVALID_TXN_ID, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(barrier_type == BarrierMode::FULL, "the simulator does not model NoC transaction ids");
        (void)trid;
        noc_async_write_barrier(noc_id_, loc);
    }

    /*! \brief Wait until every write has left L1 (posted or non-posted ones, per `response_mode`). */
    template <ResponseMode response_mode = ResponseMode::NON_POSTED, BarrierMode barrier_type = BarrierMode::FULL>
    void async_writes_flushed(uint32_t trid = INVALID_TXN_ID, tt_sim::Loc loc = tt_sim::Loc::here()) const {
        static_assert(barrier_type == BarrierMode::FULL, "the simulator does not model NoC transaction ids");
        (void)trid;
        if constexpr (response_mode == ResponseMode::POSTED) {
            noc_async_posted_writes_flushed(noc_id_, loc);
        } else {
            noc_async_writes_flushed(noc_id_, loc);
        }
    }

    /*! \brief Wait until every atomic this kernel started has been acknowledged. */
    void async_atomic_barrier(tt_sim::Loc loc = tt_sim::Loc::here()) const { noc_async_atomic_barrier(noc_id_, loc); }

    /*! \brief The read, write and atomic barriers together. */
    void async_full_barrier(tt_sim::Loc loc = tt_sim::Loc::here()) const { noc_async_full_barrier(noc_id_, loc); }

private:
    uint8_t noc_id_;
};

}  // namespace experimental
