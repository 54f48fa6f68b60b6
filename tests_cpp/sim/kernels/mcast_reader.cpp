// Multicast reader: the sender core reads tile 0 of X from DRAM once and multicasts it to the
// receiver cores' CB 0; every core then reads its own tile of B into CB 1. Arguments: mcast_args.h.
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "mcast_args.h"

// The semaphore values are the release's VALID / INVALID (hostdevcommon/common_values.hpp).
void kernel_main() {
    const McastArgs a = McastArgs::read();
    constexpr auto x_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<x_args.next_compile_time_args_offset()>();
    const auto x = TensorAccessor(x_args, a.x_addr);
    const auto b = TensorAccessor(b_args, a.b_addr);
    const uint32_t tile_bytes = get_tile_size(tt::CBIndex::c_0);

    cb_reserve_back(tt::CBIndex::c_0, 1);
    const uint32_t l1 = get_write_ptr(tt::CBIndex::c_0);
    if (a.is_sender) {
        noc_async_read_page(0, x, l1);
        noc_async_read_barrier();
        noc_semaphore_wait(a.sender_sem(), a.num_receivers);
        noc_semaphore_set(a.sender_sem(), 0);
        noc_async_write_multicast(l1, get_noc_multicast_addr(a.mx0, a.my0, a.mx1, a.my1, l1), tile_bytes,
                                  a.num_receivers);
        noc_semaphore_set(a.receiver_sem(), VALID);
        noc_semaphore_set_multicast(a.receiver_sem_addr,
                                    get_noc_multicast_addr(a.mx0, a.my0, a.mx1, a.my1, a.receiver_sem_addr),
                                    a.num_receivers);
        noc_async_write_barrier();
    } else {
        noc_semaphore_set(a.receiver_sem(), INVALID);
        noc_semaphore_inc(get_noc_addr(a.sender_x, a.sender_y, a.sender_sem_addr), 1);
        noc_semaphore_wait(a.receiver_sem(), VALID);
    }
    cb_push_back(tt::CBIndex::c_0, 1);

    cb_reserve_back(tt::CBIndex::c_1, 1);
    noc_async_read_page(a.b_tile, b, get_write_ptr(tt::CBIndex::c_1));
    noc_async_read_barrier();
    cb_push_back(tt::CBIndex::c_1, 1);
}
