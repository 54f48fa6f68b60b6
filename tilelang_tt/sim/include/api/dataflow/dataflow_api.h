/*! \file dataflow_api.h
 *  \brief TT-Metalium's data-movement kernel API (reader/writer kernels), simulated.
 *
 *  Same include path and signatures as tt_metal/hw/inc/api/dataflow/dataflow_api.h; each call
 *  forwards to the simulator with its source line. docs/metalium_api.md lists every function.
 */
#pragma once

#include <cstdint>

#include "tt_sim/kernel_common.h"
#include "api/tensor/tensor_accessor.h"

/*! \brief L1 address of the next free page of CB `operand`; valid between reserve and push. */
inline uint32_t get_write_ptr(uint32_t operand, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_write_ptr(operand, loc);
}
/*! \brief L1 address of the oldest available page of CB `operand`; valid between wait and pop. */
inline uint32_t get_read_ptr(uint32_t operand, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::cb_read_ptr(operand, loc);
}

/*! \brief NoC address of `addr` on the core at physical NoC coordinates (noc_x, noc_y). */
inline uint64_t get_noc_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tt_sim::k::core_noc_addr(noc_x, noc_y, addr);
}
/*! \brief NoC address of `addr` on the calling core. */
inline uint64_t get_noc_addr(uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tt_sim::k::local_noc_addr(addr);
}
/*! \brief NoC address of page `id` (plus `offset` bytes) of the tensor behind `s`. */
template <typename AddrGen>
inline uint64_t get_noc_addr(const uint32_t id, const AddrGen &s, uint32_t offset = 0, uint8_t noc = noc_index,
                             tt_sim::Loc loc = tt_sim::Loc::here()) {
    return s.get_noc_addr(id, offset, noc, loc);
}
/*! \brief NoC address of `bank_address_offset` inside DRAM (DRAM=true) or L1 bank `bank_id`. */
template <bool DRAM>
inline uint64_t get_noc_addr_from_bank_id(uint32_t bank_id, uint32_t bank_address_offset, uint8_t noc = noc_index,
                                          tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    return tt_sim::k::bank_noc_addr(DRAM, bank_id, bank_address_offset, loc);
}
/*! \brief NoC multicast address of `addr` on every core of the rectangle (inclusive corners). */
inline uint64_t get_noc_multicast_addr(uint32_t noc_x_start, uint32_t noc_y_start, uint32_t noc_x_end,
                                       uint32_t noc_y_end, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return tt_sim::k::multicast_noc_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr);
}

/*! \brief Start reading `size` bytes from `src_noc_addr` into local L1 `dst_local_l1_addr`. */
template <uint32_t max_page_size = 0xFFFFFFFF, bool enable_noc_tracing = true>
inline void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size, uint8_t noc = noc_index,
                           tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_read(src_noc_addr, dst_local_l1_addr, size, noc, loc);
}
/*! \brief noc_async_read for transfers of at most one NoC packet. */
template <bool enable_noc_tracing = true>
inline void noc_async_read_one_packet(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size,
                                      uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_read(src_noc_addr, dst_local_l1_addr, size, noc, loc);
}
/*! \brief Start writing `size` bytes from local L1 `src_local_l1_addr` to `dst_noc_addr`. */
template <uint32_t max_page_size = 0xFFFFFFFF, bool enable_noc_tracing = true>
inline void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size, uint8_t noc = noc_index,
                            tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, loc);
}
/*! \brief noc_async_write for transfers of at most one NoC packet. */
template <bool enable_noc_tracing = true>
inline void noc_async_write_one_packet(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size,
                                       uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_write(src_local_l1_addr, dst_noc_addr, size, noc, loc);
}
/*! \brief Write to every core of a multicast rectangle except the sender; `num_dests` counts them. */
inline void noc_async_write_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast, uint32_t size,
                                      uint32_t num_dests, bool linked = false, uint8_t noc = noc_index,
                                      tt_sim::Loc loc = tt_sim::Loc::here()) {
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

/*! \brief Read page `id` of the tensor behind `addrgen` into L1 (size: the accessor's page size). */
template <typename AddrGen, bool enable_noc_tracing = true>
inline void noc_async_read_page(const uint32_t id, const AddrGen &addrgen, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_read(addrgen.get_noc_addr(id, offset, noc, loc), dst_local_l1_addr, addrgen.page_bytes(), noc, loc);
}
/*! \brief Write L1 to page `id` of the tensor behind `addrgen`; `size` 0 means a whole page. */
template <typename AddrGen, bool enable_noc_tracing = true>
inline void noc_async_write_page(const uint32_t id, const AddrGen &addrgen, uint32_t src_local_l1_addr,
                                 uint32_t size = 0, uint32_t offset = 0, uint8_t noc = noc_index,
                                 tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_write(src_local_l1_addr, addrgen.get_noc_addr(id, offset, noc, loc),
                         size ? size : addrgen.page_bytes(), noc, loc);
}
/*! \brief Older name of noc_async_read_page (deprecated in TT-Metalium in favour of it). */
template <typename AddrGen>
inline void noc_async_read_tile(const uint32_t id, const AddrGen &addrgen, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, loc);
}
/*! \brief Older name of noc_async_write_page (deprecated in TT-Metalium in favour of it). */
template <typename AddrGen>
inline void noc_async_write_tile(const uint32_t id, const AddrGen &addrgen, uint32_t src_local_l1_addr,
                                 uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, loc);
}

/*! \brief Wait until every read this kernel started has landed in L1. */
inline void noc_async_read_barrier(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_read_barrier(loc);
}
/*! \brief Wait until every write this kernel started has been acknowledged. */
inline void noc_async_write_barrier(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_write_barrier(loc);
}
/*! \brief Wait until every write has left L1 (its source may be reused; delivery not yet known). */
inline void noc_async_writes_flushed(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_writes_flushed(loc);
}
/*! \brief noc_async_writes_flushed for posted (unacknowledged) writes. */
inline void noc_async_posted_writes_flushed(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_writes_flushed(loc);
}
/*! \brief Wait until every atomic (semaphore increment) has been acknowledged. */
inline void noc_async_atomic_barrier(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    (void)loc;
}
/*! \brief Read, write and atomic barriers together. */
inline void noc_async_full_barrier(uint8_t noc = noc_index, tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc;
    tt_sim::k::noc_read_barrier(loc);
    tt_sim::k::noc_write_barrier(loc);
}

/*! \brief L1 address of semaphore `semaphore_id` (CreateSemaphore) on this core. */
inline uint32_t get_semaphore(uint32_t semaphore_id, tt_sim::Loc loc = tt_sim::Loc::here()) {
    return tt_sim::k::semaphore_address(semaphore_id, loc);
}
/*! \brief Set a local semaphore. */
inline void noc_semaphore_set(volatile uint32_t *sem_addr, uint32_t val, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::semaphore_set(sem_addr, val, loc);
}
/*! \brief Block until a local semaphore equals `val`. */
inline void noc_semaphore_wait(volatile uint32_t *sem_addr, uint32_t val, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::semaphore_wait(sem_addr, val, false, loc);
}
/*! \brief Block until a local semaphore is at least `val`. */
inline void noc_semaphore_wait_min(volatile uint32_t *sem_addr, uint32_t val, tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::semaphore_wait(sem_addr, val, true, loc);
}
/*! \brief Atomically add `incr` to the semaphore at `addr` (a NoC address, usually remote). */
template <bool posted = false>
inline void noc_semaphore_inc(uint64_t addr, uint32_t incr, uint8_t noc_id = noc_index,
                              tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)noc_id;
    tt_sim::k::semaphore_inc(addr, incr, loc);
}
/*! \brief Copy the 4-byte local semaphore at `src_local_l1_addr` to a remote one. */
inline void noc_semaphore_set_remote(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint8_t noc = noc_index,
                                     tt_sim::Loc loc = tt_sim::Loc::here()) {
    tt_sim::k::noc_write(src_local_l1_addr, dst_noc_addr, 4, noc, loc);
}
/*! \brief Multicast the 4-byte local semaphore to every core of a rectangle except the sender. */
inline void noc_semaphore_set_multicast(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                        uint32_t num_dests, bool linked = false, uint8_t noc = noc_index,
                                        tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)linked;
    tt_sim::k::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, 4, num_dests, false, noc, loc);
}
/*! \brief noc_semaphore_set_multicast that includes the sender. */
inline void noc_semaphore_set_multicast_loopback_src(uint32_t src_local_l1_addr, uint64_t dst_noc_addr_multicast,
                                                     uint32_t num_dests, bool linked = false, uint8_t noc = noc_index,
                                                     tt_sim::Loc loc = tt_sim::Loc::here()) {
    (void)linked;
    tt_sim::k::noc_write_multicast(src_local_l1_addr, dst_noc_addr_multicast, 4, num_dests, true, noc, loc);
}

/*! \brief Logical coordinates of the running core in the worker grid. */
inline uint32_t get_absolute_logical_x() {
    return tt_sim::k::logical_x();
}
inline uint32_t get_absolute_logical_y() {
    return tt_sim::k::logical_y();
}
