/*! \file dataflow_api.h
 *  \brief TT-Metalium's data-movement kernel API (reader/writer kernels), simulated.
 *
 *  Same include path, names and signatures as v0.67's api/dataflow/dataflow_api.h (and the
 *  addressing functions of its internal/dataflow/dataflow_api_addrgen.h); each call forwards to the
 *  simulator with its source line. The JIT includes this header in every data-movement kernel, as
 *  the release's firmware does.
 */
#pragma once

#include <cstdint>

#include <hostdevcommon/common_values.hpp>
#include "api/compile_time_args.h"
#include "api/tensor/tensor_accessor.h"
#include "tt_sim/core_args.h"
#include "tt_sim/kernel_common.h"

// NoC constants the API's default arguments name (internal/tt-1xx noc_parameters.h,
// dataflow_api_common.h); the simulator's NoC has no burst limit or virtual channels.
#define NOC_MAX_BURST_SIZE 8192
#define NOC_UNICAST_WRITE_VC 1

/*! \brief Which kind of core a semaphore lives on (core_config.h). */
enum ProgrammableCoreType {
    TENSIX = 0,
    ACTIVE_ETH = 1,
    IDLE_ETH = 2,
    COUNT = 3,
};

/*! \brief Bytes of one tile of CB `operand`'s data format (known at compile time, as on device).
 *  Evaluated at run time, an operand that is no CB of the core stops the run instead of reading
 *  past the format table. */
constexpr inline std::int32_t get_tile_size(const std::int32_t operand, tt_sim::Loc loc = tt_sim::Loc::here()) {
    if (!__builtin_is_constant_evaluated()) tt_sim::k::check_cb_index(operand, "get_tile_size", loc);
    return static_cast<std::int32_t>(tt_sim_cb_tile_size[operand]);
}
/*! \brief Datums per tile of CB `operand` (always 32x32 here). */
constexpr inline uint32_t get_tile_hw(const std::int32_t operand) {
    (void)operand;
    return 1024;
}
/*! \brief Faces per tile of CB `operand` (always 4 here). */
constexpr inline uint32_t get_tile_num_faces(const std::int32_t operand) {
    (void)operand;
    return 4;
}
/*! \brief The data format of CB `operand` (checked like get_tile_size at run time). */
constexpr inline DataFormat get_dataformat(const std::int32_t operand, tt_sim::Loc loc = tt_sim::Loc::here()) {
    if (!__builtin_is_constant_evaluated()) tt_sim::k::check_cb_index(operand, "get_dataformat", loc);
    return static_cast<DataFormat>(tt_sim_cb_data_format[operand]);
}

/*! \brief Producer side: block until `num_pages` pages are free at the back of CB `operand`. */
FORCE_INLINE void cb_reserve_back(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_reserve_back(operand, num_pages, loc);
}
/*! \brief Producer side: publish `num_pages` reserved pages to the consumer. */
FORCE_INLINE void cb_push_back(const int32_t operand, const int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_push_back(operand, num_pages, loc);
}
/*! \brief Consumer side: block until `num_pages` pages are available at the front. */
FORCE_INLINE void cb_wait_front(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_wait_front(operand, num_pages, loc);
}
/*! \brief Consumer side: free `num_pages` pages at the front. */
FORCE_INLINE void cb_pop_front(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::cb_pop_front(operand, num_pages, loc);
}
/*! \brief Non-blocking: whether `num_pages` pages could be reserved now. */
FORCE_INLINE bool cb_pages_reservable_at_back(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_pages_reservable_at_back(operand, num_pages, loc);
}
/*! \brief Non-blocking: whether `num_pages` pages are available now. */
FORCE_INLINE bool cb_pages_available_at_front(int32_t operand, int32_t num_pages, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_pages_available_at_front(operand, num_pages, loc);
}

/*! \brief L1 address of the next free page of CB `operand`; valid between reserve and push. */
FORCE_INLINE uint32_t get_write_ptr(uint32_t operand, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_write_ptr(operand, loc);
}
/*! \brief L1 address of the oldest available page of CB `operand`; valid between wait and pop. */
FORCE_INLINE uint32_t get_read_ptr(uint32_t operand, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_read_ptr(operand, loc);
}

/*! \brief NoC address of `addr` on the core at physical NoC coordinates (noc_x, noc_y). */
FORCE_INLINE uint64_t get_noc_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tt_sim::k::core_noc_addr(noc_x, noc_y, addr);
}
/*! \brief NoC address of `addr` on the calling core. */
FORCE_INLINE std::uint64_t get_noc_addr(std::uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tt_sim::k::local_noc_addr(addr);
}
/*! \brief NoC address of page `id` (plus `offset` bytes) of the tensor behind `addrgen`. As in the
 *  release, `resolver` admits only generators whose get_noc_addr() takes no arguments, so a
 *  TensorAccessor is addressed with its own get_noc_addr(id) instead. */
template <typename AddrGen>
FORCE_INLINE uint64_t get_noc_addr(const uint32_t id, const AddrGen &addrgen, uint32_t offset = 0,
                                   uint8_t noc = noc_index, decltype(addrgen.get_noc_addr()) *resolver = nullptr, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)resolver;
    return addrgen.get_noc_addr(id, offset, noc, loc);
}
template <bool DRAM>
[[deprecated("Use <typename AddrGen> get_noc_addr instead.")]]
FORCE_INLINE uint64_t get_noc_addr(const uint32_t id, const InterleavedAddrGen<DRAM> &addrgen, uint32_t offset = 0,
                                   uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return addrgen.get_noc_addr(id, offset, noc, loc);
}
template <bool DRAM, uint32_t tile_hw>
[[deprecated("Use <typename AddrGen> get_noc_addr instead.")]]
FORCE_INLINE uint64_t get_noc_addr(const uint32_t id, const InterleavedAddrGenFast<DRAM, tile_hw> &addrgen,
                                   uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return addrgen.get_noc_addr(id, offset, noc, loc);
}
/*! \brief NoC address of `bank_address_offset` inside DRAM (DRAM=true) or L1 bank `bank_id`. */
template <bool DRAM>
FORCE_INLINE uint64_t get_noc_addr_from_bank_id(uint32_t bank_id, uint32_t bank_address_offset, uint8_t noc = noc_index,
                                                tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    return tt_sim::k::bank_noc_addr(DRAM, bank_id, bank_address_offset, loc);
}
/*! \brief NoC multicast address of `addr` on every core of the rectangle (inclusive corners). */
FORCE_INLINE uint64_t get_noc_multicast_addr(uint32_t noc_x_start, uint32_t noc_y_start, uint32_t noc_x_end,
                                             uint32_t noc_y_end, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tt_sim::k::multicast_noc_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr);
}

/*! \brief Start reading `size` bytes from `src_noc_addr` into local L1 `dst_local_l1_addr`. */
template <uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true>
inline void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size, uint8_t noc = noc_index,
                           uint32_t read_req_vc = NOC_UNICAST_WRITE_VC, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)read_req_vc;
    tt_sim::k::noc_read(src_noc_addr, dst_local_l1_addr, size, noc, loc);
}
/*! \brief noc_async_read for transfers of at most one NoC packet. */
template <bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read_one_packet(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size,
                                            uint8_t noc = noc_index, uint32_t read_req_vc = NOC_UNICAST_WRITE_VC, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)read_req_vc;
    tt_sim::k::noc_read(src_noc_addr, dst_local_l1_addr, size, noc, loc);
}
/*! \brief Start writing `size` bytes from local L1 `src_local_l1_addr` to `dst_noc_addr`. */
template <uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true, bool posted = false>
inline void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size, uint8_t noc = noc_index,
                            uint32_t vc = NOC_UNICAST_WRITE_VC, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)vc;
    tt_sim::k::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, loc);
}
/*! \brief noc_async_write for transfers of at most one NoC packet. */
template <bool enable_noc_tracing = true, bool posted = false>
FORCE_INLINE void noc_async_write_one_packet(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size,
                                             uint8_t noc = noc_index, uint32_t vc = NOC_UNICAST_WRITE_VC, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)vc;
    tt_sim::k::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, loc);
}
/*! \brief Write to every core of a multicast rectangle except the sender; `num_dests` counts them. */
template <uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1>
inline void noc_async_write_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast, uint32_t size,
                                      uint32_t num_dests, bool linked = false, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)linked;
    tt_sim::k::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, false, noc, loc);
}
/*! \brief Multicast that also writes the sender when it lies in the rectangle (`num_dests` counts it). */
inline void noc_async_write_multicast_loopback_src(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                                   uint32_t size, uint32_t num_dests, bool linked = false,
                                                   uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)linked;
    tt_sim::k::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, true, noc, loc);
}

/*! \brief Read page `id` of the tensor behind `addrgen` into L1 (size: the generator's page size). */
template <typename AddrGen, bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read_page(const uint32_t id, const AddrGen &addrgen, uint32_t dst_local_l1_addr,
                                      uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_read(addrgen.get_noc_addr(id, offset, noc, loc), dst_local_l1_addr, tt_sim::page_bytes(addrgen), noc,
                        loc);
}
/*! \brief Write L1 to page `id` of the tensor behind `addrgen`; `size` 0 means a whole page. */
template <typename AddrGen, bool enable_noc_tracing = true, bool posted = false>
FORCE_INLINE void noc_async_write_page(const uint32_t id, const AddrGen &addrgen, uint32_t src_local_l1_addr,
                                       uint32_t size = 0, uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_write(src_local_l1_addr, addrgen.get_noc_addr(id, offset, noc, loc),
                         size ? size : tt_sim::page_bytes(addrgen), noc, loc);
}
// noc_async_read_tile / noc_async_write_tile: the release's older names for the page calls, one
// overload per address generator.
template <typename DSpec>
FORCE_INLINE void noc_async_read_tile(const uint32_t id, const TensorAccessor<DSpec> &addrgen,
                                      uint32_t dst_local_l1_addr, uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, loc);
}
template <bool DRAM>
FORCE_INLINE void noc_async_read_tile(const uint32_t id, const InterleavedAddrGen<DRAM> &addrgen,
                                      uint32_t dst_local_l1_addr, uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, loc);
}
template <bool DRAM, uint32_t tile_hw>
FORCE_INLINE void noc_async_read_tile(const uint32_t id, const InterleavedAddrGenFast<DRAM, tile_hw> &addrgen,
                                      uint32_t dst_local_l1_addr, uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, loc);
}
template <typename DSpec>
FORCE_INLINE void noc_async_write_tile(const uint32_t id, const TensorAccessor<DSpec> &addrgen,
                                       uint32_t src_local_l1_addr, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, loc);
}
template <bool DRAM>
FORCE_INLINE void noc_async_write_tile(const uint32_t id, const InterleavedAddrGen<DRAM> &addrgen,
                                       uint32_t src_local_l1_addr, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, loc);
}
template <bool DRAM, uint32_t tile_hw>
FORCE_INLINE void noc_async_write_tile(const uint32_t id, const InterleavedAddrGenFast<DRAM, tile_hw> &addrgen,
                                       uint32_t src_local_l1_addr, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, loc);
}

/*! \brief Wait until every read this kernel started has landed in L1. */
FORCE_INLINE void noc_async_read_barrier(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_read_barrier(loc);
}
/*! \brief Wait until every write this kernel started has been acknowledged. */
FORCE_INLINE void noc_async_write_barrier(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_write_barrier(loc);
}
/*! \brief Wait until every write has left L1 (its source may be reused; delivery not yet known). */
FORCE_INLINE void noc_async_writes_flushed(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_writes_flushed(loc);
}
/*! \brief noc_async_writes_flushed for posted (unacknowledged) writes. */
FORCE_INLINE void noc_async_posted_writes_flushed(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_writes_flushed(loc);
}
/*! \brief Wait until every atomic (semaphore increment) has been acknowledged; they complete at issue. */
FORCE_INLINE void noc_async_atomic_barrier(uint8_t noc_idx = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc_idx;
    (void)loc;
}
/*! \brief Read, write and atomic barriers together. */
FORCE_INLINE void noc_async_full_barrier(uint8_t noc_idx = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc_idx;
    tt_sim::k::noc_read_barrier(loc);
    tt_sim::k::noc_write_barrier(loc);
}

/*! \brief L1 address of semaphore `semaphore_id` (CreateSemaphore) on this core. */
template <ProgrammableCoreType type = ProgrammableCoreType::TENSIX>
FORCE_INLINE uintptr_t get_semaphore(uint32_t semaphore_id, tt_sim::Loc loc = tt_sim::Loc::here()) {
    static_assert(type == ProgrammableCoreType::TENSIX, "the simulator models semaphores of Tensix cores only");
    return tt_sim::k::semaphore_address(semaphore_id, loc);
}
/*! \brief Set a local semaphore. */
FORCE_INLINE void noc_semaphore_set(volatile uint32_t *sem_addr, uint32_t val, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::semaphore_set(sem_addr, val, loc);
}
/*! \brief Block until a local semaphore equals `val`. */
FORCE_INLINE void noc_semaphore_wait(volatile uint32_t *sem_addr, uint32_t val, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::semaphore_wait(sem_addr, val, false, loc);
}
/*! \brief Block until a local semaphore is at least `val`. */
FORCE_INLINE void noc_semaphore_wait_min(volatile uint32_t *sem_addr, uint32_t val, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::semaphore_wait(sem_addr, val, true, loc);
}
/*! \brief Atomically add `incr` to the semaphore at `addr` (a NoC address, usually remote). */
template <bool posted = false>
FORCE_INLINE void noc_semaphore_inc(uint64_t addr, uint32_t incr, uint8_t noc_id = noc_index,
                                    uint8_t vc = NOC_UNICAST_WRITE_VC, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc_id;
    (void)vc;
    tt_sim::k::semaphore_inc(addr, incr, loc);
}
/*! \brief Copy the 4-byte local semaphore at `src_local_l1_addr` to a remote one. */
FORCE_INLINE void noc_semaphore_set_remote(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint8_t noc = noc_index,
                                           tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_write(src_local_l1_addr, dst_noc_addr, 4, noc, loc);
}
/*! \brief Multicast the 4-byte local semaphore to every core of a rectangle except the sender. */
FORCE_INLINE void noc_semaphore_set_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                              uint32_t num_dests, bool linked = false, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)linked;
    tt_sim::k::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, 4, num_dests, false, noc, loc);
}
/*! \brief noc_semaphore_set_multicast that includes the sender. */
FORCE_INLINE void noc_semaphore_set_multicast_loopback_src(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                                           uint32_t num_dests, bool linked = false,
                                                           uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)linked;
    tt_sim::k::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, 4, num_dests, true, noc, loc);
}
