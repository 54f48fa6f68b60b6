// Multicast reader: the sender core reads tile 0 of X from DRAM once and multicasts it to the
// receiver cores' CB 0; every core then reads its own tile of B into CB 1.
// Runtime args: x_addr, b_addr, b_tile, is_sender, mcast x_start, y_start, x_end, y_end (physical),
// num_receivers, sender x, sender y (physical), sender semaphore id, receiver semaphore id.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"

// The semaphore values are the release's VALID / INVALID (hostdevcommon/common_values.hpp).
void kernel_main() {
    const uint32_t x_addr = get_arg_val<uint32_t>(0), b_addr = get_arg_val<uint32_t>(1), b_tile = get_arg_val<uint32_t>(2);
    const bool is_sender = get_arg_val<uint32_t>(3) != 0;
    const uint32_t mx0 = get_arg_val<uint32_t>(4), my0 = get_arg_val<uint32_t>(5);
    const uint32_t mx1 = get_arg_val<uint32_t>(6), my1 = get_arg_val<uint32_t>(7);
    const uint32_t num_receivers = get_arg_val<uint32_t>(8);
    const uint32_t sender_x = get_arg_val<uint32_t>(9), sender_y = get_arg_val<uint32_t>(10);
    const uint32_t sender_sem_addr = get_semaphore(get_arg_val<uint32_t>(11));
    const uint32_t receiver_sem_addr = get_semaphore(get_arg_val<uint32_t>(12));
    volatile tt_l1_ptr uint32_t *sender_sem = reinterpret_cast<volatile tt_l1_ptr uint32_t *>(sender_sem_addr);
    volatile tt_l1_ptr uint32_t *receiver_sem = reinterpret_cast<volatile tt_l1_ptr uint32_t *>(receiver_sem_addr);

    constexpr auto x_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<x_args.next_compile_time_args_offset()>();
    const auto x = TensorAccessor(x_args, x_addr);
    const auto b = TensorAccessor(b_args, b_addr);
    const uint32_t tile_bytes = get_tile_size(tt::CBIndex::c_0);

    cb_reserve_back(tt::CBIndex::c_0, 1);
    const uint32_t l1 = get_write_ptr(tt::CBIndex::c_0);
    if (is_sender) {
        noc_async_read_page(0, x, l1);
        noc_async_read_barrier();
        noc_semaphore_wait(sender_sem, num_receivers);
        noc_semaphore_set(sender_sem, 0);
        noc_async_write_multicast(l1, get_noc_multicast_addr(mx0, my0, mx1, my1, l1), tile_bytes, num_receivers);
        noc_semaphore_set(receiver_sem, VALID);
        noc_semaphore_set_multicast(receiver_sem_addr, get_noc_multicast_addr(mx0, my0, mx1, my1, receiver_sem_addr),
                                    num_receivers);
        noc_async_write_barrier();
    } else {
        noc_semaphore_set(receiver_sem, INVALID);
        noc_semaphore_inc(get_noc_addr(sender_x, sender_y, sender_sem_addr), 1);
        noc_semaphore_wait(receiver_sem, VALID);
    }
    cb_push_back(tt::CBIndex::c_0, 1);

    cb_reserve_back(tt::CBIndex::c_1, 1);
    noc_async_read_page(b_tile, b, get_write_ptr(tt::CBIndex::c_1));
    noc_async_read_barrier();
    cb_push_back(tt::CBIndex::c_1, 1);
}
